"""Sequence to sequence: a character encoder-decoder RNN, plain or with attention.

The encoder reads a word one character at a time; its hidden state after the last character
starts the decoder, which writes the output word one character at a time. Three symbols
frame the words:

    START 'S'  the decoder's first input           'king' -> decoder input  S q u e e n
    END   'E'  the decoder's last target                     decoder target q u e e n E
    PAD   '?'  fills a batch of words to one length; masked out of the loss and the attention

Training uses teacher forcing (the decoder reads the true previous character); decoding is
free-running and greedy (it reads its own previous prediction and stops at 'E' or after
max_len characters).

Parameters, with min-char-rnn's names (V symbols, H hidden units; inputs are one-hot, so
x @ Wxh.T is the column lookup Wxh.T[ids]):

    enc_Wxh (H, V)  enc_Whh (H, H)  enc_bh (H,)     encoder
    dec_Wxh (H, V)  dec_Whh (H, H)  dec_bh (H,)     decoder, h0 = encoder's last state
    Why (V, H)      by (V,)                         scores_t = Why o_t + by
    Wc (H, 2H)      bc (H,)                         attention only (Luong, dot-product):
        a_t = softmax_s(h_t . e_s)     c_t = sum_s a_ts e_s     o_t = tanh(Wc [c_t; h_t] + bc)
    (without attention o_t = h_t, the decoder state itself)

Train offline (seeded) and save plain arrays, e.g.:

    python scripts/train_seq2seq.py --attention --steps 3000 --out data/seq2seq_attention.npz
"""
import time

import numpy as np

from .layers import (affine_backward, affine_forward, embedding_backward, embedding_forward,
                     rnn_backward_projected, rnn_forward_projected,
                     temporal_softmax_loss_backward, temporal_softmax_loss_forward)
from .optim import TrainingDiverged  # noqa: F401  (what train raises, as s2s.TrainingDiverged)
from .optim import Adam, check_schedule, scheduled_learning_rate
from .snapshot import load_snapshot, save_snapshot
from .softmax import log_softmax, softmax
from .text import Vocab, load_text
from .threads import blas_threads
from .training import (Budget, Recorder, check_budget, check_clipping, check_divergence,
                       check_max_loss, clip_gradients, make_rng)
from .validate import (check_allocation, check_array, check_float_dtype, check_id, check_ids,
                       check_int, check_mask, check_number, check_positive)

PAD, START, END = "?", "S", "E"
SPECIALS = (PAD, START, END)
PLAIN_KEYS = ("enc_Wxh", "enc_Whh", "enc_bh", "dec_Wxh", "dec_Whh", "dec_bh", "Why", "by")
ATTENTION_KEYS = PLAIN_KEYS + ("Wc", "bc")


# ---------------------------------------------------------------- words as padded id arrays

def make_vocab(words):
    """Character vocabulary of `words` plus PAD, START, END (PAD gets id 0: '?' sorts first)."""
    chars = set("".join(words))
    bad = sorted(chars & set(SPECIALS))
    if bad:
        raise ValueError(f"words may not contain the reserved symbols {list(SPECIALS)}, found {bad}")
    return Vocab(sorted(chars) + list(SPECIALS))


def check_words(words, vocab, max_len):
    """Raise ValueError unless every word is a non-empty string of vocabulary characters
    (not a reserved symbol) with at most max_len characters."""
    if isinstance(words, str):
        raise ValueError(f"pass a list of words, not one string ({words!r} -> [{words!r}])")
    allowed = "".join(s for s in vocab.itos if s not in SPECIALS)
    for w in words:
        if not isinstance(w, str) or not w:
            raise ValueError(f"every word must be a non-empty string, got {w!r}")
        outside = sorted({c for c in w if c not in vocab or c in SPECIALS})
        if outside:
            raise ValueError(f"word {w!r} has characters outside the vocabulary: {outside}; "
                             f"allowed characters: {allowed!r}")
        if len(w) > max_len:
            raise ValueError(f"word {w!r} has {len(w)} characters, longer than the model's "
                             f"limit of max_len={max_len}")


def encode_source(words, vocab, max_len):
    """Encoder input: words -> src (N, Ts) ids right-padded with PAD, lengths (N,).

    Ts is the longest word of this batch. Raises ValueError for a character outside the
    vocabulary or a word longer than max_len.
    """
    check_words(words, vocab, max_len)
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    src = np.full((len(words), int(lengths.max(initial=1))), vocab[PAD], dtype=np.int64)
    for n, w in enumerate(words):
        src[n, :len(w)] = vocab.encode(w)
    return src, lengths


def encode_target(words, vocab, max_len):
    """Decoder input and target for teacher forcing.

    words -> dec_in (N, Tt) = 'S' + word, dec_out (N, Tt) = word + 'E', both right-padded
    with PAD, and mask (N, Tt), True where dec_out is a real target (not PAD). Tt = 1 + the
    longest word.
    """
    check_words(words, vocab, max_len)
    T = 1 + max(len(w) for w in words)
    dec_in = np.full((len(words), T), vocab[PAD], dtype=np.int64)
    dec_out = dec_in.copy()
    for n, w in enumerate(words):
        ids = vocab.encode(w)
        dec_in[n, 0], dec_in[n, 1:len(w) + 1] = vocab[START], ids
        dec_out[n, :len(w)], dec_out[n, len(w)] = ids, vocab[END]
    return dec_in, dec_out, dec_out != vocab[PAD]


# ---------------------------------------------------------------- attention layer

def attention_forward(hd, he, src_mask):
    """Dot-product attention of every decoder state over the encoder states.

    hd (N, Td, H) decoder states (the queries), he (N, Ts, H) encoder states (keys and
    values), src_mask (N, Ts) True at real characters, False at padding.
    ->  context c (N, Td, H), weights a (N, Td, Ts) (rows sum to 1, 0 at padding), cache
    """
    e = hd @ he.transpose(0, 2, 1)                        # (N, Td, Ts) similarity scores
    e = np.where(src_mask[:, None, :], e, -1e9)           # padding gets weight exp(-1e9) = 0
    a = softmax(e, axis=-1).astype(hd.dtype, copy=False)
    return a @ he, a, (hd, he, a)


def attention_backward(dc, cache):
    """dc (N, Td, H)  ->  dhd (N, Td, H), dhe (N, Ts, H)."""
    hd, he, a = cache
    da = dc @ he.transpose(0, 2, 1)                       # (N, Td, Ts)
    de = a * (da - (da * a).sum(axis=-1, keepdims=True))  # softmax backward, row by row
    dhe = a.transpose(0, 2, 1) @ dc + de.transpose(0, 2, 1) @ hd
    return de @ he, dhe


# ---------------------------------------------------------------- the model as functions

def init_params(V, H, attention=False, seed=0, dtype=np.float64):
    """Random parameters: small input and output weights, recurrent weights N(0, 1/H)."""
    V, H = check_int(V, "V", minimum=1), check_int(H, "hidden_size", minimum=1)
    dtype = check_float_dtype(dtype)
    if not isinstance(attention, bool):
        raise ValueError(f"attention must be True or False, got {attention!r}")
    check_allocation((H, 2 * H + V), "hidden_size", dtype.itemsize)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    s = 1 / np.sqrt(H)
    p = {"enc_Wxh": 0.1 * rng.standard_normal((H, V)), "enc_Whh": s * rng.standard_normal((H, H)),
         "enc_bh": np.zeros(H),
         "dec_Wxh": 0.1 * rng.standard_normal((H, V)), "dec_Whh": s * rng.standard_normal((H, H)),
         "dec_bh": np.zeros(H),
         "Why": s * rng.standard_normal((V, H)), "by": np.zeros(V)}
    if attention:
        p["Wc"] = rng.standard_normal((H, 2 * H)) / np.sqrt(2 * H)
        p["bc"] = np.zeros(H)
    return {k: v.astype(dtype) for k, v in p.items()}


def encoder_forward(params, src, lengths):
    """src (N, Ts) ids, lengths (N,)  ->  he (N, Ts, H) all encoder states,
    h_last (N, H) the state after each word's last real character, cache.

    States after the last character (reading PAD) are computed but never used: the decoder
    starts from h_last, and the attention masks them out.
    """
    src, lengths = _check_source(params, src, lengths)
    N = src.shape[0]
    xw, ecache = embedding_forward(src, params["enc_Wxh"].T)   # one-hot @ Wxh.T = column lookup
    h0 = np.zeros((N, params["enc_Whh"].shape[0]), dtype=xw.dtype)
    he, rcache = rnn_forward_projected(xw, h0, params["enc_Whh"], params["enc_bh"])
    return he, he[np.arange(N), lengths - 1], (ecache, rcache, lengths)


def _check_source(params, src, lengths):
    """src (N, Ts) ids of the vocabulary, lengths (N,) integers in [1, Ts] (a length of 0 or
    less would read the state at index -1)."""
    src = check_ids(src, params["enc_Wxh"].shape[1], "src", ndim=2)
    lengths = check_array(lengths, "lengths", shape=(src.shape[0],))
    if lengths.size and (not np.issubdtype(lengths.dtype, np.integer) or lengths.min() < 1
                         or lengths.max() > src.shape[1]):
        raise ValueError(f"lengths must be integers in [1, {src.shape[1]}] (the characters of "
                         f"each source word, at most the width of src), got {lengths}")
    return src, lengths


def encoder_backward(dhe, dh_last, cache):
    """dhe (N, Ts, H), dh_last (N, H)  ->  grads of enc_Wxh, enc_Whh, enc_bh (a dict)."""
    ecache, rcache, lengths = cache
    dhe = dhe.copy()
    dhe[np.arange(len(lengths)), lengths - 1] += dh_last
    dxw, _, dWhh, dbh = rnn_backward_projected(dhe, rcache)
    return {"enc_Wxh": embedding_backward(dxw, ecache).T, "enc_Whh": dWhh, "enc_bh": dbh}


def decoder_forward(params, dec_in, h0, he=None, src_mask=None):
    """Teacher-forced decoder: dec_in (N, Tt) ids, h0 (N, H) from the encoder
    ->  scores (N, Tt, V), attention weights (N, Tt, Ts) or None, cache.

    With attention (params has Wc), he and src_mask are the encoder states and their mask.
    """
    xw, ecache = embedding_forward(dec_in, params["dec_Wxh"].T)
    hd, rcache = rnn_forward_projected(xw, h0, params["dec_Whh"], params["dec_bh"])
    a = acache = ccache = None
    o = hd
    if "Wc" in params:
        c, a, acache = attention_forward(hd, he, src_mask)
        z, ccache = affine_forward(np.concatenate([c, hd], axis=-1), params["Wc"], params["bc"])
        o = np.tanh(z)
    scores, ocache = affine_forward(o, params["Why"], params["by"])
    return scores, a, (ecache, rcache, acache, ccache, o, ocache)


def decoder_backward(dscores, cache):
    """dscores (N, Tt, V)  ->  grads (dict of the decoder's parameters), dh0 (N, H), dhe or None."""
    ecache, rcache, acache, ccache, o, ocache = cache
    g = {}
    do, g["Why"], g["by"] = affine_backward(dscores, ocache)
    dhe = None
    if acache is None:
        dhd = do
    else:
        dz = do * (1 - o * o)                             # through o = tanh(z)
        dcat, g["Wc"], g["bc"] = affine_backward(dz, ccache)
        H = dcat.shape[-1] // 2
        dhd, dhe = attention_backward(dcat[..., :H], acache)
        dhd += dcat[..., H:]
    dxw, dh0, g["dec_Whh"], g["dec_bh"] = rnn_backward_projected(dhd, rcache)
    g["dec_Wxh"] = embedding_backward(dxw, ecache).T
    return g, dh0, dhe


def loss_and_grads(params, src, lengths, dec_in, dec_out, mask, backward=True):
    """The whole model: encoder -> decoder (-> attention) -> mean cross-entropy per target
    character (nats), and its gradient for every parameter (backward=False skips it).

    src (N, Ts), lengths (N,), dec_in, dec_out, mask (N, Tt)  ->  loss, grads (dict) or None
    """
    he, h_last, ecache = encoder_forward(params, src, lengths)
    src_mask = np.arange(src.shape[1]) < lengths[:, None]
    scores, _, dcache = decoder_forward(params, dec_in, h_last, he, src_mask)
    loss, lcache = temporal_softmax_loss_forward(scores, dec_out, mask)
    if not backward:
        return loss, None
    grads, dh0, dhe = decoder_backward(temporal_softmax_loss_backward(lcache), dcache)
    grads.update(encoder_backward(np.zeros_like(he) if dhe is None else dhe, dh0, ecache))
    return loss, grads


def _decoder_step(params, prev, h, he, src_mask):
    """One free-running decoder step for a batch: prev (M,) ids read, h (M, H) the state
    -> scores (M, V), attention weights (M, Ts) or None, the new state (M, H)."""
    scores, a, cache = decoder_forward(params, prev[:, None], h, he, src_mask)
    states = cache[1][2]                                  # rnn_forward_projected's (h0, Whh, h, .)
    return scores[:, 0], (None if a is None else a[:, 0]), states[:, -1]


def greedy_decode(params, src, lengths, steps, start_id, end_id, feed=None):
    """Free-running greedy decoding: each step reads the previous prediction.

    src (N, Ts), lengths (N,), at most `steps` steps  ->  out (N, steps) predicted ids
    (rows stop being meaningful after their first end_id), probs (N, steps, V),
    attention weights (N, steps, Ts) or None.
    feed (N, steps) ids, optional: read these instead of the predictions (teacher forcing,
    or any fixed placeholder input), to compare with free running.
    """
    steps, start_id, end_id = _check_decoding(params, steps, start_id, end_id)
    he, h, _ = encoder_forward(params, src, lengths)
    src_mask = np.arange(src.shape[1]) < lengths[:, None]
    N = src.shape[0]
    if feed is not None:
        check_ids(feed, params["Why"].shape[0], "feed")
        check_array(feed, "feed", shape=(N, steps))
    prev = np.full(N, start_id, dtype=np.int64)
    out = np.empty((N, steps), dtype=np.int64)
    probs, attn = [], []
    for t in range(steps):
        scores, a, h = _decoder_step(params, prev, h, he, src_mask)
        p = softmax(scores, axis=-1)
        out[:, t] = p.argmax(axis=-1)
        probs.append(p)
        attn.append(a)
        prev = out[:, t] if feed is None else feed[:, t]
        if feed is None and (out[:, :t + 1] == end_id).any(axis=1).all():
            break                                         # every word has ended
    steps_done = len(probs)
    attn = None if attn[0] is None else np.stack(attn, axis=1)
    return out[:, :steps_done], np.stack(probs, axis=1), attn


def _check_decoding(params, steps, start_id, end_id):
    """steps an integer >= 1; start and end ids of the vocabulary (an end id outside it would
    never match, and decoding would never stop early)."""
    V = params["Why"].shape[0]
    return (check_int(steps, "steps", minimum=1), check_id(start_id, V, "start_id"),
            check_id(end_id, V, "end_id"))


# ---------------------------------------------------------------- beam search

def sequence_log_probs(params, src, lengths, dec_in, dec_out, mask):
    """The model's own (teacher-forced) log-probability of each target sequence.

    Arguments as for loss_and_grads (dec_in = S + y without its last symbol, dec_out = y).
    -> (N,) float64: sum over the unmasked steps t of ln p(y_t | y_<t, source).
    """
    he, h_last, _ = encoder_forward(params, src, lengths)
    src_mask = np.arange(src.shape[1]) < lengths[:, None]
    shape = check_array(dec_in, "dec_in", shape=(src.shape[0], None)).shape
    dec_out = check_ids(check_array(dec_out, "dec_out", shape=shape), params["Why"].shape[0],
                        "dec_out")
    mask = check_mask(mask, shape)
    scores, _, _ = decoder_forward(params, dec_in, h_last, he, src_mask)
    logp = log_softmax(scores.astype(np.float64), axis=-1)
    picked = np.take_along_axis(logp, dec_out[..., None], axis=-1)[..., 0]
    return np.where(mask, picked, 0.0).sum(axis=1)


def _beam_candidates(log_prob, step_logp, done, length, t):
    """Candidates (N, B, V) of step t and their lengths: open hypotheses extended by each
    symbol; a finished one appears once, unchanged, as its candidate 0 (its other V - 1 are
    impossible)."""
    cand = log_prob[:, :, None] + step_logp
    kept = np.full(step_logp.shape, -np.inf)
    kept[:, :, 0] = log_prob
    cand = np.where(done[:, :, None], kept, cand)
    return cand, np.broadcast_to(np.where(done, length, t + 1)[:, :, None], cand.shape)


def beam_search(params, src, lengths, steps, start_id, end_id, beam_width, alpha=0.0):
    """Beam search: keep the beam_width best partial outputs at every step, not only one.

    A hypothesis is a sequence of output symbols y_1..y_n that ends at its first end_id
    (finished), or has `steps` symbols without one (cut off, as greedy_decode cuts it).
    Its score is its log-probability under the model, divided by its length to the power
    alpha (length normalisation):

        score(y) = sum_t ln p(y_t | y_<t, source) / n ** alpha,     n = len(y), end_id counted

    Every added symbol makes the sum more negative, so with alpha = 0 (raw log-probability)
    the search prefers short outputs; alpha = 1 compares the mean log-probability per
    symbol instead, and values in between (0.6 to 0.7 is common in translation) trade the
    two. (For word reversal the right length is the input's: the raw score has no
    length bias to correct there, and alpha > 0 can only mislead.)

    At every step each open hypothesis in the beam is extended by every one of the V
    symbols; a finished one is carried over unchanged; the beam_width best candidates by
    score are kept (ties: the earlier beam, then the smaller symbol id, so beam_width = 1
    is exactly greedy_decode). The search ends when every hypothesis in the beam is
    finished or after `steps` steps. With a beam at least as wide as the number of
    candidates it is exhaustive search; a narrow beam can miss the best sequence.
    Works for the plain and the attention model (the encoder states are shared by the
    beams of a word).

    src (N, Ts), lengths (N,)  ->  for every word its final beam, best first:
        ids (N, B, T) int64 (T <= steps steps run; after a hypothesis' length, end_id),
        length (N, B) symbols in each hypothesis (end_id included),
        log_prob (N, B) float64 raw sum of log-probabilities, score (N, B) float64.
    B = beam_width; slots no hypothesis could fill have log_prob -inf.
    """
    B = check_int(beam_width, "beam_width", minimum=1)     # 1 is greedy decoding
    steps, start_id, end_id = _check_decoding(params, steps, start_id, end_id)
    alpha = check_number(alpha, "alpha", low=0)   # 0: raw log-probability
    he, h, _ = encoder_forward(params, src, lengths)
    N, V = src.shape[0], params["Why"].shape[0]
    src_mask = np.arange(src.shape[1]) < lengths[:, None]
    # every beam of a word reads the same encoder states
    he, src_mask = np.repeat(he, B, axis=0), np.repeat(src_mask, B, axis=0)
    h = np.repeat(h, B, axis=0)
    log_prob = np.full((N, B), -np.inf)
    log_prob[:, 0] = 0.0                                  # one empty hypothesis to start from
    length = np.zeros((N, B), dtype=np.int64)
    done = np.zeros((N, B), dtype=bool)
    ids = np.full((N, B, steps), end_id, dtype=np.int64)
    prev = np.full(N * B, start_id, dtype=np.int64)
    rows = np.arange(N)[:, None]
    t = 0
    while t < steps and not done[np.isfinite(log_prob)].all():
        # run the decoder only for open hypotheses (finished and empty slots need no step)
        live = (np.isfinite(log_prob) & ~done).ravel()
        step_logp = np.zeros((N * B, V))
        scores, _, h[live] = _decoder_step(params, prev[live], h[live], he[live], src_mask[live])
        step_logp[live] = log_softmax(scores.astype(np.float64), axis=-1)
        cand, cand_len = _beam_candidates(log_prob, step_logp.reshape(N, B, V), done, length, t)
        key = cand if alpha == 0 else cand / cand_len ** alpha   # -inf stays -inf
        best = np.argsort(-key.reshape(N, B * V), axis=1, kind="stable")[:, :B]
        beam, sym = best // V, best % V
        was_done = done[rows, beam]
        log_prob = cand.reshape(N, B * V)[rows, best]
        length = cand_len.reshape(N, B * V)[rows, best]
        ids = ids[rows, beam]
        ids[:, :, t] = np.where(was_done, end_id, sym)
        done = was_done | (sym == end_id)
        flat = (np.arange(N)[:, None] * B + beam).ravel()
        h = h[flat]
        prev = ids[:, :, t].ravel()
        t += 1
    score = log_prob if alpha == 0 else log_prob / np.maximum(length, 1) ** alpha
    order = np.argsort(-score, axis=1, kind="stable")
    pick = lambda a: a[rows, order]
    return pick(ids)[:, :, :t], pick(length), pick(log_prob), pick(score)


def _check_same_length(src_words, tgt_words):
    """One target per source word (zip would silently drop the extra ones)."""
    for name, w in (("source words", src_words), ("target words", tgt_words)):
        if isinstance(w, str) or not hasattr(w, "__len__"):
            raise ValueError(f"pass the {name} as a list of words, got {w!r}")
    if len(src_words) != len(tgt_words):
        raise ValueError(f"{len(src_words)} source words but {len(tgt_words)} targets: give "
                         f"one target per source word")


# ---------------------------------------------------------------- the model as an object

class Seq2Seq:
    """Parameters + vocabulary + length limit, with loss, gradients, greedy translation and
    .npz save/load.

    Seq2Seq(vocab, hidden_size=128, max_len=5, attention=False, seed=0, dtype=np.float64)
    """

    def __init__(self, vocab, hidden_size=128, max_len=10, attention=False, seed=0,
                 dtype=np.float64, params=None):
        if not isinstance(vocab, Vocab) or not all(s in vocab for s in SPECIALS):
            raise ValueError(f"vocab must be a Vocab containing {list(SPECIALS)}; build it with "
                             f"make_vocab")
        self.max_len = check_int(max_len, "max_len", minimum=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
        self.vocab = vocab
        if params is None:
            params = init_params(len(vocab), self.hidden_size, attention, seed, dtype)
        else:   # given weights must fit the vocabulary and hidden_size
            check_snapshot(params, vocab, {"max_len": self.max_len, "hidden_size": self.hidden_size})
        self.params = params
        self.attention = "Wc" in self.params

    def batch(self, src_words, tgt_words):
        """-> src, lengths, dec_in, dec_out, mask (arrays for loss_and_grads)."""
        _check_same_length(src_words, tgt_words)
        src, lengths = encode_source(src_words, self.vocab, self.max_len)
        return (src, lengths) + encode_target(tgt_words, self.vocab, self.max_len)

    def loss(self, src_words, tgt_words):
        """Teacher-forced loss in nats per target character (including the final 'E')."""
        return loss_and_grads(self.params, *self.batch(src_words, tgt_words), backward=False)[0]

    def loss_and_grads(self, src_words, tgt_words):
        return loss_and_grads(self.params, *self.batch(src_words, tgt_words))

    def translate(self, words, return_details=False):
        """Free-running greedy decoding of a list of words -> list of output words.

        Stops at 'E' or after max_len characters. With return_details also returns a list
        of dicts with the per-step probabilities 'probs' (steps, V) and, with attention,
        the weights 'attention' (steps, len(word)).
        """
        src, lengths = encode_source(words, self.vocab, self.max_len)
        out, probs, attn = greedy_decode(self.params, src, lengths, self.max_len + 1,
                                         self.vocab[START], self.vocab[END])
        results, details = [], []
        for n in range(len(words)):
            ids = list(out[n])
            k = ids.index(self.vocab[END]) + 1 if self.vocab[END] in ids else len(ids)
            results.append(self.vocab.decode(ids[:k]).replace(END, "")[:self.max_len])
            d = {"probs": probs[n, :k]}
            if attn is not None:
                d["attention"] = attn[n, :k, :lengths[n]]
            details.append(d)
        return (results, details) if return_details else results

    def beam_translate(self, words, beam_width, alpha=0.0, return_details=False):
        """Beam-search decoding (see beam_search) of a list of words -> list of output words.

        beam_width = 1 gives the same words as translate (greedy). alpha: length
        normalisation, score = log-probability / length ** alpha (0: raw log-probability).
        With return_details also returns a list of dicts: 'log_prob' (ln p of the output
        word, its final 'E' included), 'score', and 'beam': the final beam as
        (word, log_prob) pairs, best first.
        """
        src, lengths = encode_source(words, self.vocab, self.max_len)
        ids, length, logp, score = beam_search(self.params, src, lengths, self.max_len + 1,
                                               self.vocab[START], self.vocab[END], beam_width,
                                               alpha)
        as_word = lambda row, n: self.vocab.decode(row[:n]).replace(END, "")[:self.max_len]
        results = [as_word(ids[n, 0], length[n, 0]) for n in range(len(words))]
        if not return_details:
            return results
        details = [{"log_prob": float(logp[n, 0]), "score": float(score[n, 0]),
                    "beam": [(as_word(ids[n, b], length[n, b]), float(logp[n, b]))
                             for b in range(ids.shape[1]) if np.isfinite(logp[n, b])]}
                   for n in range(len(words))]
        return results, details

    def teacher_forced(self, src_words, tgt_words):
        """What the decoder predicts at each step when it reads the TRUE previous characters
        -> list of strings, one predicted character per target position (word + 'E')."""
        src, lengths, dec_in, dec_out, mask = self.batch(src_words, tgt_words)
        out, _, _ = greedy_decode(self.params, src, lengths, dec_in.shape[1], self.vocab[START],
                                  self.vocab[END], feed=np.roll(dec_in, -1, axis=1))
        return [self.vocab.decode(out[n, :len(w) + 1]) for n, w in enumerate(tgt_words)]

    def accuracy(self, src_words, tgt_words):
        """Exact-match accuracy of free-running greedy decoding."""
        _check_same_length(src_words, tgt_words)
        return float(np.mean([p == t for p, t in zip(self.translate(src_words), tgt_words)]))

    def save(self, path, meta=None):
        """Write the model to `path` (.npz): what load would refuse (NaN or inf weights,
        shapes that do not fit the vocabulary, a missing array) is refused before writing."""
        meta = dict(meta or {}, max_len=self.max_len, hidden_size=self.hidden_size,
                    attention=self.attention)
        check_snapshot(self.params, self.vocab, meta)
        save_snapshot(path, dict(self.params), self.vocab, meta, keys=tuple(self.params))

    @classmethod
    def load(cls, path, dtype=np.float64):
        """Load a model saved by .save (plain arrays, allow_pickle=False, shapes checked): a
        missing, damaged or foreign file raises ValueError (helpers.snapshot.load_snapshot).
        The vocabulary keeps its stored order (its ids are the rows of the weights)."""
        params, vocab, meta = load_snapshot(path, keys=PLAIN_KEYS)
        try:
            H = check_snapshot(params, vocab, meta)
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
        params = {k: v.astype(check_float_dtype(dtype)) for k, v in params.items()}
        model = cls(vocab, H, meta["max_len"], params=params)
        model.meta = meta
        return model


def param_shapes(V, H, attention):
    """-> dict name -> shape of a model over V symbols with H hidden units."""
    shapes = {"enc_Wxh": (H, V), "enc_Whh": (H, H), "enc_bh": (H,),
              "dec_Wxh": (H, V), "dec_Whh": (H, H), "dec_bh": (H,), "Why": (V, H), "by": (V,)}
    if attention:
        shapes.update(Wc=(H, 2 * H), bc=(H,))
    return shapes


def check_snapshot(params, vocab, meta):
    """Raise ValueError unless params, vocab and meta make a Seq2Seq model: exactly the arrays
    of a plain or (meta "attention" true, or Wc given) attention model, shapes consistent with
    the vocabulary and with each other, finite floats; meta's max_len an integer >= 1 and its
    hidden_size (if given) that of the weights. -> H."""
    if not all(s in vocab for s in SPECIALS):
        raise ValueError(f"a Seq2Seq vocabulary must contain {list(SPECIALS)}")
    attention = meta.get("attention", "Wc" in params)
    if not isinstance(attention, bool):
        raise ValueError(f"meta's attention must be true or false, got {attention!r}")
    keys = ATTENTION_KEYS if attention else PLAIN_KEYS
    missing, extra = [k for k in keys if k not in params], sorted(set(params) - set(keys))
    if missing or extra:
        raise ValueError(f"not a Seq2Seq snapshot: a {'attention' if attention else 'plain'} "
                         f"model holds {list(keys)}; missing {missing}, extra {extra}")
    check_int(meta.get("max_len"), "meta's max_len", minimum=1)
    H = np.shape(params["enc_Whh"])[0] if np.ndim(params["enc_Whh"]) == 2 else 0
    if H < 1:
        raise ValueError(f"enc_Whh has shape {np.shape(params['enc_Whh'])}, expected (H, H)")
    for k, shape in param_shapes(len(vocab), H, attention).items():
        if np.shape(params[k]) != shape:
            raise ValueError(f"{k} has shape {np.shape(params[k])}, expected {shape} "
                             f"(V={len(vocab)} symbols, H={H} hidden units)")
        check_array(params[k], k, finite=True)
        if not np.issubdtype(np.asarray(params[k]).dtype, np.floating):
            raise ValueError(f"{k} must be a floating-point array, got {np.asarray(params[k]).dtype}")
    if "hidden_size" in meta and meta["hidden_size"] != H:
        raise ValueError(f"hidden_size is {meta['hidden_size']!r} but the weights have "
                         f"H = {H} hidden units")
    return H


# ---------------------------------------------------------------- training

def train(model, pairs, *, seed, steps=None, seconds=None, batch_size=None, learning_rate=1e-2,
          final_learning_rate=None, schedule="linear", clip=None, max_norm=5.0, max_loss=None,
          log=None, log_every=100, optimizer=None, threads=1):
    """Adam on random mini-batches of (source, target) pairs, with teacher forcing.

    The trainer contract of helpers.training (budget, seed, schedule, clip / max_norm, log,
    threads): by default the rate falls linearly to final_learning_rate (None: constant) and
    the gradients are scaled to a global norm of at most max_norm = 5. batch_size None uses
    all pairs every step. max_loss None: 3 ln V. Pass the same `optimizer` (model.optimizer)
    again to continue a run. Updates model.params in place. -> the History of records
    ('step', 'loss' in nats per target character, 'learning_rate', 'seconds').
    """
    budget = Budget(*check_budget(steps, seconds))
    rng = make_rng(seed)
    check_schedule(learning_rate, final_learning_rate, schedule)
    clip, max_norm = check_clipping(clip, max_norm)
    max_loss = check_max_loss(max_loss, np.log(len(model.vocab)))
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", minimum=1)
    if isinstance(pairs, str) or len(pairs) == 0 or any(len(p) != 2 for p in pairs):
        raise ValueError("pairs must be a non-empty list of (source word, target word) pairs")
    recorder = Recorder(budget, log, log_every)
    # encode every pair once (this also validates every word); batches are rows of these
    data = model.batch([s for s, _ in pairs], [t for _, t in pairs])
    opt = optimizer or Adam(learning_rate)
    with blas_threads(threads):
        # the contract's loop (helpers.training), written out in every trainer: it shows
        # this task's batch and maths, one line each
        while not budget.done():
            t0 = time.perf_counter()
            opt.learning_rate = scheduled_learning_rate(learning_rate, budget.fraction(),
                                                        final_learning_rate, schedule)
            batch = _random_batch(data, rng, batch_size)
            try:
                loss, grads = loss_and_grads(model.params, *batch)    # forward, loss, backward
            except ValueError:  # the words were checked: only non-finite scores are refused
                loss = np.nan
            check_divergence(loss, budget.step + 1, learning_rate, max_loss)
            clip_gradients(grads, clip, max_norm)
            opt.step(model.params, grads)
            budget.tick(t0)
            recorder.add(loss)
            if recorder.due():
                recorder.record(opt.learning_rate)
    model.optimizer = opt
    return recorder.history


def _random_batch(data, rng, batch_size):
    """batch_size random rows of the encoded pairs (all of them for None), padding trimmed."""
    src, lengths, dec_in, dec_out, mask = data
    if batch_size is None or batch_size >= len(src):
        idx = np.arange(len(src))
    else:
        idx = rng.choice(len(src), size=batch_size, replace=False)
    Ts, Tt = lengths[idx].max(), mask[idx].sum(axis=1).max()   # trim the batch's padding
    return src[idx, :Ts], lengths[idx], dec_in[idx, :Tt], dec_out[idx, :Tt], mask[idx, :Tt]


# ---------------------------------------------------------------- the reversal task

def reversal_split(min_len=3, max_len=10, test_fraction=0.2, seed=0):
    """Words of data/names.txt with min_len..max_len characters, split at random (seeded)
    into train and test words, the same fraction of every length held out.

    -> train_words, test_words (lists, disjoint). Each pair is (w, w[::-1]).
    """
    words = [w for w in load_text("names.txt").split() if min_len <= len(w) <= max_len]
    check_number(test_fraction, "test_fraction", low=0, high=1, low_open=True, high_open=True)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    train_w, test_w = [], []
    for L in range(min_len, max_len + 1):
        group = [w for w in words if len(w) == L]
        order = rng.permutation(len(group))
        k = int(round(test_fraction * len(group)))
        test_w += [group[i] for i in order[:k]]
        train_w += [group[i] for i in order[k:]]
    return train_w, test_w


def accuracy_by_length(model, words, targets):
    """-> (lengths, accuracy per length, count per length) of free-running exact match."""
    _check_same_length(words, targets)
    pred = model.translate(words)
    Ls = np.array([len(w) for w in words])
    ok = np.array([p == t for p, t in zip(pred, targets)])
    lengths = np.unique(Ls)
    return lengths, np.array([ok[Ls == L].mean() for L in lengths]), np.array(
        [(Ls == L).sum() for L in lengths])


def train_reversal(attention=False, hidden_size=128, steps=3000, batch_size=64,
                   learning_rate=3e-3, final_learning_rate=3e-4, seed=0, log=None, log_every=250):
    """Train a model (float32) to reverse the words of reversal_split(seed=seed).

    -> the Seq2Seq model, with model.meta holding the settings, the command that repeats the
    run, the training history's (step, loss) pairs and the held-out exact-match accuracy.
    """
    train_w, test_w = reversal_split(seed=seed)
    model = Seq2Seq(make_vocab(train_w + test_w), hidden_size, max_len=10, attention=attention,
                    seed=seed, dtype=np.float32)
    t0 = time.time()
    history = train(model, [(w, w[::-1]) for w in train_w], steps=steps, batch_size=batch_size,
                    learning_rate=learning_rate, final_learning_rate=final_learning_rate,
                    seed=seed, log=log, log_every=log_every)
    seconds = time.time() - t0
    command = ("python scripts/train_seq2seq.py" + (" --attention" if attention else "") +
               f" --hidden-size {hidden_size} --steps {steps} --batch-size {batch_size}"
               f" --learning-rate {learning_rate:g} --final-learning-rate {final_learning_rate:g}"
               f" --seed {seed}")
    model.meta = {"task": "reverse the words of data/names.txt with 3..10 letters",
                  "command": command, "steps": steps,
                  "history": [[r["step"], round(r["loss"], 5)] for r in history],
                  "test_accuracy": model.accuracy(test_w, [w[::-1] for w in test_w]),
                  "train_seconds": round(seconds)}
    return model


if __name__ == "__main__":
    # `python -m helpers.seq2seq train ...` was the command line before scripts/ existed
    raise SystemExit("helpers.seq2seq is a module, not a program; to train a model run "
                     "python scripts/train_seq2seq.py (--help lists the settings)")
