"""Decoding beyond greedy: top-k and nucleus (top-p) truncation, and beam search."""
import itertools

import numpy as np
import pytest

from helpers import seq2seq as s2s
from helpers.softmax import softmax, top_k, top_p


# ---------------------------------------------------------------- top-k

def test_top_k_by_hand():
    # keep 0.5 and 0.2 (the first of the two tied 0.2s: smaller index wins), renormalise by 0.7
    np.testing.assert_allclose(top_k([0.1, 0.5, 0.2, 0.2], 2), [0, 5 / 7, 2 / 7, 0])
    np.testing.assert_allclose(top_k([0.1, 0.5, 0.2, 0.2], 3), [0, 5 / 9, 2 / 9, 2 / 9])
    np.testing.assert_array_equal(top_k([0.1, 0.5, 0.2, 0.2], 1), [0, 1, 0, 0])   # greedy
    np.testing.assert_array_equal(top_k([0.25] * 4, 1), [1, 0, 0, 0])           # all tied


def test_top_p_by_hand():
    p = [0.1, 0.5, 0.3, 0.1]
    np.testing.assert_allclose(top_p(p, 0.8), [0, 0.625, 0.375, 0])     # 0.5 + 0.3 reaches 0.8
    np.testing.assert_array_equal(top_p(p, 0.5), [0, 1, 0, 0])           # 0.5 alone reaches 0.5
    np.testing.assert_array_equal(top_p(p, 0.3), [0, 1, 0, 0])           # the top one always
    np.testing.assert_array_equal(top_p(p, 1e-9), [0, 1, 0, 0])
    # 0.81 needs a third symbol; the two 0.1s tie and the smaller index is taken
    np.testing.assert_allclose(top_p(p, 0.81), [1 / 9, 5 / 9, 3 / 9, 0])
    np.testing.assert_allclose(top_p(p, 0.9), [1 / 9, 5 / 9, 3 / 9, 0])
    np.testing.assert_allclose(top_p(p, 0.91), p)


def random_distributions(shape, seed=0):
    rng = np.random.default_rng(seed)
    return softmax(2 * rng.standard_normal(shape))


@pytest.mark.parametrize("k", [1, 2, 5, 11])
def test_top_k_invariants(k):
    p = random_distributions((50, 11))
    q = top_k(p, k)
    assert q.shape == p.shape and q.dtype == np.float64
    np.testing.assert_allclose(q.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    kept = q > 0
    assert (kept.sum(axis=1) == k).all()                                  # support size k
    for pr, qr, kr in zip(p, q, kept):
        assert pr[kr].min() >= pr[~kr].max(initial=0)                     # the most likely ones
        np.testing.assert_allclose(qr[kr], pr[kr] / pr[kr].sum())         # same ratios, same places
    np.testing.assert_array_equal(q, np.stack([top_k(row, k) for row in p]))   # batch = row by row


@pytest.mark.parametrize("mass", [1e-6, 0.3, 0.5, 0.9, 0.99])
def test_top_p_invariants(mass):
    p = random_distributions((50, 11), seed=1)
    q = top_p(p, mass)
    np.testing.assert_allclose(q.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    for pr, qr in zip(p, q):
        kept = qr > 0
        assert pr[kept].min() >= pr[~kept].max(initial=0)
        assert pr[kept].sum() >= mass - 1e-12                             # reaches the mass
        assert pr[kept].sum() - pr[kept].min() < mass                     # and is the smallest set
        np.testing.assert_allclose(qr[kept], pr[kept] / pr[kept].sum())
    np.testing.assert_array_equal(q, np.stack([top_p(row, mass) for row in p]))


def test_full_truncation_is_the_identity():
    p = random_distributions((20, 7), seed=2)
    np.testing.assert_allclose(top_k(p, 7), p, rtol=1e-14, atol=0)
    np.testing.assert_allclose(top_p(p, 1.0), p, rtol=1e-14, atol=0)
    with_zero = np.array([0.5, 0.0, 0.5])
    np.testing.assert_array_equal(top_p(with_zero, 1.0), with_zero)
    np.testing.assert_array_equal(top_k(with_zero, 3), with_zero)


def test_float32_probabilities_and_temperature_first():
    z = np.random.default_rng(3).standard_normal(30).astype(np.float32)
    p = softmax(z, temperature=0.7)                        # float32, sums to 1 within 1e-7
    q = top_k(p, 5)
    assert q.dtype == np.float64 and (q > 0).sum() == 5 and q.sum() == pytest.approx(1, abs=1e-12)
    assert set(np.flatnonzero(q)) == set(np.argsort(-z)[:5])

@pytest.mark.parametrize("fn", [lambda p: top_k(p, 1), lambda p: top_p(p, 0.5)])
@pytest.mark.parametrize("p, message", [([0.5, np.nan, 0.5], "NaN"), ([1.5, -0.5], ">= 0"),
                                        ([np.inf, 0.0], ">= 0"), ([2.0, 1.0, 0.5], "sum to 1"),
                                        ([], "at least one symbol"), (1.0, "at least one symbol")])
def test_bad_probabilities(fn, p, message):
    with pytest.raises(ValueError, match=message):
        fn(p)


# ---------------------------------------------------------------- beam search

def tiny_model(attention, seed=0, H=4, dtype=np.float64):
    """A random model over 5 symbols (? E S a b), weights large enough for peaked choices."""
    vocab = s2s.make_vocab(["ab"])
    model = s2s.Seq2Seq(vocab, hidden_size=H, max_len=4, attention=attention, seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed + 100)
    for p in model.params.values():
        p += (1.5 * rng.standard_normal(p.shape)).astype(dtype)
    return model


def teacher_forced_log_prob(model, src_word, ids):
    """ln p(ids | src_word) from the training loss (mean nats per target x number of targets)."""
    src, lengths = s2s.encode_source([src_word], model.vocab, model.max_len)
    ids = np.asarray(ids, dtype=np.int64)[None]
    dec_in = np.concatenate([[[model.vocab["S"]]], ids[:, :-1]], axis=1)
    mask = np.ones_like(ids, dtype=bool)
    loss, _ = s2s.loss_and_grads(model.params, src, lengths, dec_in, ids, mask, backward=False)
    return -loss * ids.shape[1]


def all_hypotheses(V, end_id, steps):
    """Every output beam search can return: symbols ending at their first end_id, or `steps`
    symbols without one."""
    others = [v for v in range(V) if v != end_id]
    for n in range(1, steps + 1):
        for prefix in itertools.product(others, repeat=n - 1):
            yield prefix + (end_id,)
    yield from itertools.product(others, repeat=steps)


@pytest.mark.parametrize("attention", [False, True])
@pytest.mark.parametrize("alpha", [0.0, 0.7, 1.0])
def test_wide_beam_is_exhaustive_search(attention, alpha):
    model = tiny_model(attention, seed=1)
    vocab, steps, words = model.vocab, 3, ["ab", "ba", "b", "abba"]
    end = vocab["E"]
    hyps = list(all_hypotheses(len(vocab), end, steps))
    assert len(hyps) == 1 + 4 + 16 + 64
    src, lengths = s2s.encode_source(words, vocab, model.max_len)
    ids, length, logp, score = s2s.beam_search(model.params, src, lengths, steps, vocab["S"], end,
                                               beam_width=500, alpha=alpha)
    for n, w in enumerate(words):
        lp = np.array([teacher_forced_log_prob(model, w, h) for h in hyps])
        sc = lp / np.array([len(h) for h in hyps]) ** alpha
        best = int(np.argmax(sc))
        got = tuple(ids[n, 0, :length[n, 0]])
        assert got == hyps[best], (w, got, hyps[best])
        assert logp[n, 0] == pytest.approx(lp[best], abs=1e-10)
        # the final beam holds every hypothesis, in the order of its score
        finite = np.isfinite(logp[n])
        assert finite.sum() == len(hyps)
        np.testing.assert_allclose(score[n, finite], np.sort(sc)[::-1], rtol=0, atol=1e-10)


@pytest.mark.parametrize("attention", [False, True])
def test_narrow_beam_finds_no_better_than_exhaustive(attention):
    model = tiny_model(attention, seed=2)
    vocab, steps = model.vocab, 3
    hyps = list(all_hypotheses(len(vocab), vocab["E"], steps))
    src, lengths = s2s.encode_source(["ab", "bab"], vocab, model.max_len)
    for B in (1, 2, 3):
        _, _, logp, _ = s2s.beam_search(model.params, src, lengths, steps, vocab["S"], vocab["E"], B)
        for n, w in enumerate(["ab", "bab"]):
            best = max(teacher_forced_log_prob(model, w, h) for h in hyps)
            assert logp[n, 0] <= best + 1e-12


def names_model(attention, dtype=np.float64, seed=0):
    words = ["anna", "bob", "christiane", "dora", "emil", "li", "margarita", "xavier"]
    model = s2s.Seq2Seq(s2s.make_vocab(words), hidden_size=16, max_len=10, attention=attention,
                        seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed + 7)
    for p in model.params.values():
        p += (0.8 * rng.standard_normal(p.shape)).astype(dtype)
    return model, words


@pytest.mark.parametrize("attention", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_width_one_is_greedy(attention, dtype, alpha):
    model, words = names_model(attention, dtype)
    vocab = model.vocab
    src, lengths = s2s.encode_source(words, vocab, model.max_len)
    steps = model.max_len + 1
    greedy, probs, _ = s2s.greedy_decode(model.params, src, lengths, steps, vocab["S"], vocab["E"])
    ids, length, logp, _ = s2s.beam_search(model.params, src, lengths, steps, vocab["S"],
                                           vocab["E"], 1, alpha=alpha)
    assert ids.shape[1] == 1
    for n in range(len(words)):
        row = list(greedy[n])
        k = row.index(vocab["E"]) + 1 if vocab["E"] in row else len(row)
        assert list(ids[n, 0, :length[n, 0]]) == row[:k]
        # the greedy path's log-probability, from greedy_decode's own probabilities
        expected = np.log(probs[n, np.arange(k), row[:k]].astype(np.float64)).sum()
        assert logp[n, 0] == pytest.approx(expected, rel=1e-5 if dtype == np.float32 else 1e-12)
    assert model.beam_translate(words, 1, alpha=alpha) == model.translate(words)


@pytest.mark.parametrize("attention", [False, True])
def test_returned_log_probs_are_the_models(attention):
    model, words = names_model(attention, seed=3)
    vocab = model.vocab
    src, lengths = s2s.encode_source(words, vocab, model.max_len)
    ids, length, logp, score = s2s.beam_search(model.params, src, lengths, 6, vocab["S"],
                                               vocab["E"], 4, alpha=0.5)
    assert ids.shape == (len(words), 4, ids.shape[2]) and ids.shape[2] <= 6
    for n, w in enumerate(words):
        for b in range(4):
            if not np.isfinite(logp[n, b]):
                continue
            hyp = ids[n, b, :length[n, b]]
            assert logp[n, b] == pytest.approx(teacher_forced_log_prob(model, w, hyp), abs=1e-10)
            assert score[n, b] == pytest.approx(logp[n, b] / length[n, b] ** 0.5)
            # ends at its first E, or is cut off after 6 symbols
            ends = np.flatnonzero(hyp == vocab["E"])
            assert (len(ends) == 1 and ends[0] == len(hyp) - 1) or (len(ends) == 0 and len(hyp) == 6)
        assert (np.diff(score[n][np.isfinite(score[n])]) <= 0).all()       # best first
    # sequence_log_probs gives the same numbers for the words the beam returns
    outs, details = model.beam_translate(words, 3, return_details=True)
    # (words shorter than max_len ended with 'E'; a longer one may have been cut off)
    ok = [i for i, o in enumerate(outs)
          if 0 < len(o) < model.max_len and set(o) <= set("abcdefghijklmnopqrstuvwxyz")]
    assert ok, "this seed should give some finished plain-letter outputs"
    batch = model.batch([words[i] for i in ok], [outs[i] for i in ok])
    np.testing.assert_allclose(s2s.sequence_log_probs(model.params, *batch),
                               [details[i]["log_prob"] for i in ok], rtol=0, atol=1e-10)
    for d in details:
        assert d["beam"][0][1] == d["log_prob"] and len(d["beam"]) <= 3


def test_wider_beam_can_beat_greedy():
    # on the tiny model some word's best output is not greedy's: a wide beam finds it
    model = tiny_model(False, seed=1)
    words = ["ab", "ba", "b", "abba", "aab", "bbb"]
    greedy, gd = model.beam_translate(words, 1, return_details=True)
    wide, wd = model.beam_translate(words, 50, return_details=True)
    gains = [w["log_prob"] - g["log_prob"] for g, w in zip(gd, wd)]
    assert min(gains) >= -1e-12 and max(gains) > 0.01

# ---------------------------------------------------------------- the sampler's truncation hook

def char_model():
    from helpers import char_rnn
    from helpers.text import Vocab
    vocab = Vocab("\nabcdef")
    return char_rnn, vocab, char_rnn.init_params(len(vocab), 12, seed=4, dtype=np.float64, scale=1.0)


def test_sample_with_top_k_1_is_greedy():
    char_rnn, vocab, params = char_model()
    got = char_rnn.sample(params, vocab, 20, np.random.default_rng(0), truncate=lambda p: top_k(p, 1))
    h, want = np.zeros(12), []
    h, logits = char_rnn.step(params, vocab["\n"], h)
    for _ in range(20):
        ix = int(np.argmax(logits))
        want.append(vocab.itos[ix])
        h, logits = char_rnn.step(params, ix, h)
    assert got == "".join(want)


def test_sample_truncation_keeps_only_allowed_symbols_and_full_truncation_changes_nothing():
    char_rnn, vocab, params = char_model()
    plain = char_rnn.sample(params, vocab, 300, np.random.default_rng(1), temperature=1.5)
    same = char_rnn.sample(params, vocab, 300, np.random.default_rng(1), temperature=1.5,
                           truncate=lambda p: top_p(p, 1.0))
    assert same == plain
    seen = []

    def spy(p):
        q = top_k(p, 2)
        seen.append((np.argsort(-p, kind="stable")[:2], q))
        return q
    text = char_rnn.sample(params, vocab, 100, np.random.default_rng(1), temperature=1.5, truncate=spy)
    assert len(seen) == 100
    assert all(vocab[c] in top2 for c, (top2, _) in zip(text, seen))
