"""A character-level RNN: min-char-rnn's vanilla model, min-char-rnn's classic program, and the
batched trainer, which trains any of the cells of helpers.cells ('rnn', 'lstm', 'gru').

Parameters use min-char-rnn's names and shapes, V symbols and H hidden units:

    Wxh (H, V)   Whh (H, H)   bh (H,)   Why (V, H)   by (V,)

h_t = tanh(Wxh x_t + Whh h_{t-1} + bh),  y_t = Why h_t + by,  p_t = softmax(y_t).
With a one-hot x_t, Wxh x_t is the column Wxh[:, ix]; the batched code gathers those columns
(an embedding lookup) instead of multiplying by a (N, T, V) one-hot array. The models are
defined once, in helpers.cells (the one registry of the cells' parameters, shapes and steps);
train, sample, complete and evaluate find the cell from the parameters' names, and snapshots
record it in their meta. The trainer alone runs a cell's fast step (helpers.fast, tested
equal to the cell's loss_and_grads) where the cell registers one: see training_step.
"""
import dataclasses
import functools
import time

import numpy as np

from . import cells as _cells, fast as _fast
from .cells import CELLS, cell_of, get_cell
from .optim import (SGD, Adagrad, Adam, TrainingDiverged, check_schedule,
                    scheduled_learning_rate)
from .softmax import check_temperature, sample as sample_index, softmax
from .text import stream_batches
from .threads import blas_threads
from .training import (Budget, Recorder, check_budget, check_clipping, check_divergence,
                       check_max_loss, clip_gradients, make_log, make_rng)
from .validate import (check_allocation, check_array, check_choice, check_float_dtype,
                       check_fraction, check_ids, check_int, check_optional,
                       check_params, check_positive)

PARAM_NAMES = get_cell("rnn").param_names       # the vanilla model's names, from the registry
__all__ = ["PARAM_NAMES", "init_params", "unigram_bias", "loss_and_grads", "step", "sample",
           "complete", "evaluate", "classic_loss_fun", "classic_train", "TrainConfig", "train",
           "training_step", "make_optimizer", "TrainingDiverged", "cell_of", "zero_state"]


def init_params(vocab_size, hidden_size, seed, dtype=np.float32, scale=None, cell="rnn",
                forget_bias=None, counts=None):
    """A fresh model of `cell` ('rnn', 'lstm' or 'gru') over vocab_size symbols.

    'rnn': min-char-rnn's initialisation, weights N(0, scale^2) (scale None: 0.01), biases zero.
    'lstm', 'gru': helpers.cells' initialisation (torch's uniform weights); scale does not apply
    to them and must stay None. The LSTM's forget-gate bias is `forget_bias`, None: 0 here, all
    biases zero. (helpers.cells starts it at 1, which keeps long memories from the first step;
    on Shakespeare the character model is about 0.1 nats/char better after 1,000 steps from 0,
    benchmarks/README.md.)
    counts: None, or how often each symbol occurs in the training text, (V,) numbers >= 0,
    e.g. np.bincount(ids, minlength=V). Given, the output bias `by` starts at the log of each
    symbol's frequency (unigram_bias): the untrained model already predicts how common each
    character is, so its loss starts at the text's unigram entropy (3.3 nats/char on
    Shakespeare) instead of ln V (4.14), and training does not spend its first steps learning
    that. On a short budget this matters: 0.07 to 0.3 nats/char after 640 LSTM steps.
    """
    check_choice(cell, "cell", tuple(CELLS))
    V = check_int(vocab_size, "vocab_size", minimum=1)
    H = check_int(hidden_size, "hidden_size", minimum=1)
    dtype = check_float_dtype(dtype)                  # integer weights would be zeros
    check_allocation((H, max(H, V)), "hidden_size", dtype.itemsize)
    by = None if counts is None else unigram_bias(counts, V)
    if cell != "rnn":
        if scale is not None:
            raise ValueError(f"scale sets the vanilla RNN's initial weights; an {cell!r} cell is "
                             f"initialised as torch does (helpers.cells), so leave scale None")
        if cell == "lstm" and forget_bias is None:
            forget_bias = 0.0
        params = get_cell(cell).init_params(V, H, seed=seed, dtype=dtype, forget_bias=forget_bias)
    else:
        if forget_bias is not None:
            raise ValueError("forget_bias is the LSTM's; the vanilla RNN has no forget gate, so "
                             "leave it None")
        scale = check_positive(0.01 if scale is None else scale, "scale")
        rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
        p = {"Wxh": rng.standard_normal((H, V)) * scale, "Whh": rng.standard_normal((H, H)) * scale,
             "bh": np.zeros(H), "Why": rng.standard_normal((V, H)) * scale, "by": np.zeros(V)}
        params = {k: v.astype(dtype) for k, v in p.items()}
    if by is not None:
        params["by"] = by.astype(dtype)
    return params


def unigram_bias(counts, vocab_size):
    """The output bias that makes an untrained model predict each symbol with its frequency in
    the training text: softmax(by) = (counts + 1) / (sum(counts) + V) (add-one, so that a symbol
    never seen there keeps a finite score), centred on 0 (softmax ignores a shift)."""
    counts = check_array(counts, "counts", shape=(vocab_size,), finite=True, dtype=np.float64)
    if counts.min() < 0:
        raise ValueError(f"counts must be numbers of occurrences (>= 0), got {counts.min():g}")
    by = np.log(counts + 1)
    return by - by.mean()


def loss_and_grads(params, x, y, h0=None, mask=None):
    """Mean cross-entropy (nats per counted character) of a batch, and its gradients, for the
    cell of `params` (helpers.cells' Cell.loss_and_grads, built from helpers.layers).

    x, y (N, T) int ids (y is the next character of x), h0: the state carried in (None: zeros),
    mask (N, T) bool or None: which targets count (padding is False).
    -> loss (float), grads (dict like params), the state to carry into the next window.
    """
    return get_cell(cell_of(params)).loss_and_grads(params, x, y, h0, mask)


def step(params, ix, h):
    """One step for a single character id, any cell (Cell.step): h (H,), or (h, c) for an
    LSTM -> new state, logits (V,)."""
    return get_cell(cell_of(params)).step(params, ix, h)


def zero_state(params):
    """The state before the first character for one sequence: h (H,) of zeros, or for an
    LSTM the pair (h, c)."""
    V, H = params["Why"].shape
    state = get_cell(cell_of(params)).zero_state(1, H, params["Why"].dtype)
    return (state[0][0], state[1][0]) if isinstance(state, tuple) else state[0]


def stream_layout(ids, vocab_size, batch_size):
    """Cut a text into `batch_size` contiguous streams for evaluation.

    ids (L,) int ids, L >= 2. -> X, Y (B, per) inputs and targets, M (B, per) bool (False on the
    padding of the last stream), n = L - 1 predictions.
    """
    ids = check_ids(ids, vocab_size, "ids", ndim=1)
    n = len(ids) - 1
    if n < 1:
        raise ValueError(f"evaluate needs at least 2 symbols (one to read, one to predict), got {len(ids)}")
    batch_size = check_int(batch_size, "batch_size", 1)
    B = min(batch_size, n)
    per = -(-n // B)                                   # ceil(n / B) targets per stream
    X, Y, M = np.zeros(B * per, np.intp), np.zeros(B * per, np.intp), np.zeros(B * per, bool)
    X[:n], Y[:n], M[:n] = ids[:-1], ids[1:], True
    return X.reshape(B, per), Y.reshape(B, per), M.reshape(B, per), n


def evaluate(params, ids, batch_size=64, seq_len=128, threads=1):
    """Mean loss in nats per character over the WHOLE text `ids`, for any cell: every character
    after the first is predicted once, from the ones before it.

    The text is cut into `batch_size` contiguous streams (the last one padded and masked); each
    stream starts from a zero state and carries it from window to window. ids (L,), L >= 2.
    -> float
    """
    cell = get_cell(cell_of(params))
    cell.check_params(params)
    X, Y, M, n = stream_layout(ids, params["Why"].shape[0], batch_size)
    seq_len = check_int(seq_len, "seq_len", 1)
    state, total = None, 0.0
    with blas_threads(threads):
        for s in range(0, X.shape[1], seq_len):
            scores, state = cell.scores(params, X[:, s:s + seq_len], state)
            scores = scores - scores.max(axis=2, keepdims=True)
            logp = scores - np.log(np.exp(scores).sum(axis=2, keepdims=True))
            picked = np.take_along_axis(logp, Y[:, s:s + seq_len, None], axis=2)[..., 0]
            total -= float(picked[M[:, s:s + seq_len]].sum(dtype=np.float64))
    return total / n


def sample(params, vocab, n, rng, temperature=1.0, prime="\n", stop=None, h=None,
           truncate=None):
    """Generate up to n characters after feeding `prime` through the network.

    rng: np.random.Generator. temperature T: softmax(logits / T), T = 1/alpha.
    stop: a symbol that ends the sample early (it is included), e.g. '\\n' for one name.
    truncate: None, or a function applied to every step's probabilities after the
    temperature, e.g. lambda p: top_k(p, 5) or lambda p: top_p(p, 0.9) (helpers.softmax).
    h: the state to start from (None: zeros; see zero_state), (h, c) for an LSTM.
    Returns the generated text (without the prime).
    """
    n = check_int(n, "n", minimum=0)
    temperature = check_temperature(temperature)
    if truncate is not None and not callable(truncate):
        raise ValueError(f"truncate must be None or a function p -> p, e.g. "
                         f"lambda p: top_k(p, 5), got {truncate!r}")
    if len(prime) == 0:
        raise ValueError("prime must hold at least one character to start from")
    ids = vocab.encode(prime)  # ValueError naming any character outside the vocabulary
    step_fn = get_cell(cell_of(params)).step
    h = zero_state(params) if h is None else h
    for ix in ids:
        h, logits = step_fn(params, ix, h)
    out = []
    for _ in range(n):
        p = softmax(logits.astype(np.float64), temperature)
        ix = sample_index(p if truncate is None else truncate(p), rng)
        out.append(vocab.itos[ix])
        if stop is not None and out[-1] == stop:
            break
        h, logits = step_fn(params, ix, h)
    return "".join(out)


def complete(params, vocab, context, n, rng, temperature=1.0):
    """String completion: run `context` through the network, then continue it by n characters."""
    return context + sample(params, vocab, n, rng, temperature, prime=context)


# ---------------------------------------------------------------- the classic program

def classic_loss_fun(inputs, targets, hprev, params, clip=5.0):
    """min-char-rnn's lossFun, line for line: one sequence, one-hot inputs, dicts over time.

    inputs, targets: lists of character ids (targets[t] is the character after inputs[t]);
    hprev (H,): the hidden state carried in from the previous sequence.
    Returns loss (summed over the sequence, in nats), dWxh, dWhh, dWhy, dbh, dby and the last
    hidden state, in Karpathy's order. clip: gradients are clipped to [-clip, clip] (None: no clip).
    """
    _check_sequence(inputs, targets, hprev, params, clip)
    Wxh, Whh, bh, Why, by = (params[k] for k in PARAM_NAMES)
    xs, hs, ys, ps = {}, {}, {}, {}
    hs[-1] = np.copy(hprev)
    loss = 0.0
    # forward pass
    for t in range(len(inputs)):
        xs[t] = np.zeros(Wxh.shape[1], dtype=Wxh.dtype)  # encode in 1-of-k representation
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)  # hidden state
        ys[t] = Why @ hs[t] + by  # unnormalised log probabilities for next chars
        ps[t] = np.exp(ys[t] - np.max(ys[t]))  # (shifted by the max so exp cannot overflow)
        ps[t] /= np.sum(ps[t])  # probabilities for next chars
        loss += -np.log(ps[t][targets[t]])  # softmax (cross-entropy loss)
    # backward pass: compute gradients going backwards
    dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    dbh, dby = np.zeros_like(bh), np.zeros_like(by)
    dh_next = np.zeros_like(hs[0])
    for t in reversed(range(len(inputs))):
        dy = np.copy(ps[t])
        dy[targets[t]] -= 1  # backprop into y: softmax minus one-hot target
        dWhy += np.outer(dy, hs[t])
        dby += dy
        dh = Why.T @ dy + dh_next  # backprop into h: from the output and from step t+1
        dhraw = (1 - hs[t] * hs[t]) * dh  # backprop through tanh nonlinearity
        dbh += dhraw
        dWxh += np.outer(dhraw, xs[t])
        dWhh += np.outer(dhraw, hs[t - 1])
        dh_next = Whh.T @ dhraw
    if clip is not None:
        for dparam in [dWxh, dWhh, dWhy, dbh, dby]:
            np.clip(dparam, -clip, clip, out=dparam)  # mitigate exploding gradients
    return float(loss), dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs) - 1]


def _check_sequence(inputs, targets, hprev, params, clip):
    V, H = check_params(params, PARAM_NAMES)["Why"].shape
    inputs = check_ids(inputs, V, "inputs", ndim=1)
    check_ids(targets, V, "targets", ndim=1)
    if len(targets) != len(inputs) or len(inputs) == 0:
        raise ValueError(f"inputs and targets must be equally long and not empty, got "
                         f"{len(inputs)} and {len(targets)}")
    check_array(hprev, "hprev", shape=(H,), finite=True)
    check_optional(check_positive, clip, "clip")


def classic_train(params, data, *, seq_len=25, learning_rate=0.1, steps=None, seconds=None,
                  log=None, log_every=100, threads=1):
    """min-char-rnn's main loop: batch 1, Adagrad, smooth loss 0.999/0.001.

    data: int ids of the corpus. Walks through it seq_len characters at a time, carrying the
    hidden state, and starts again (with h = 0) at the end. params are updated in place.
    Stops after `steps` iterations or `seconds` of wall clock (at least one must be given).
    log(record) runs every log_every iterations, before the update, with record = {'step',
    'loss' (min-char-rnn's smooth loss per character), 'h' (the hidden state carried in, e.g.
    to print a sample from it)}. A NaN/inf loss raises TrainingDiverged.
    threads: BLAS threads (see blas_threads).
    -> dict: steps, chars, seconds, 'smooth_loss' (min-char-rnn's smooth loss, per character,
    after each step) and 'loss' (each step's own loss per character).
    """
    V = check_params(params, PARAM_NAMES)["Why"].shape[0]
    data = check_ids(data, V, "data", ndim=1)
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    if len(data) < seq_len + 2:
        raise ValueError(f"seq_len must be shorter than the corpus: seq_len {seq_len}, "
                         f"corpus of {len(data)} symbols")
    learning_rate = check_positive(learning_rate, "learning_rate")
    budget = Budget(*check_budget(steps, seconds))
    log, log_every = make_log(log, log_every)
    with blas_threads(threads):
        return _classic_train(params, data, seq_len, learning_rate, budget, log, log_every)


def _classic_train(params, data, seq_len, learning_rate, budget, log, log_every):
    Wxh, Whh, bh, Why, by = (params[k] for k in PARAM_NAMES)
    vocab_size, H = Why.shape
    mWxh, mWhh, mWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    mbh, mby = np.zeros_like(bh), np.zeros_like(by)  # memory variables for Adagrad
    smooth_loss = -np.log(1.0 / vocab_size) * seq_len  # loss at iteration 0
    max_loss = check_max_loss(None, np.log(vocab_size))  # the contract's bound, per character
    n, p, smooth_history, loss_history = 0, 0, [], []
    while not budget.done():
        t0 = time.perf_counter()
        # prepare inputs (we're sweeping from left to right in steps seq_len long)
        if p + seq_len + 1 >= len(data) or n == 0:
            hprev = np.zeros(H, dtype=Whh.dtype)  # reset RNN memory
            p = 0  # go from start of data
        inputs = data[p:p + seq_len]
        targets = data[p + 1:p + seq_len + 1]
        if log is not None and n % log_every == 0:
            log({"step": n, "loss": float(smooth_loss / seq_len), "h": hprev})
        # forward seq_len characters through the net and fetch gradient
        loss, dWxh, dWhh, dWhy, dbh, dby, hprev = classic_loss_fun(inputs, targets, hprev, params)
        check_divergence(loss / seq_len, n + 1, learning_rate, max_loss)
        smooth_loss = smooth_loss * 0.999 + loss * 0.001
        smooth_history.append(smooth_loss / seq_len)
        loss_history.append(loss / seq_len)
        # perform parameter update with Adagrad
        for param, dparam, mem in zip([Wxh, Whh, Why, bh, by], [dWxh, dWhh, dWhy, dbh, dby],
                                      [mWxh, mWhh, mWhy, mbh, mby]):
            mem += dparam * dparam
            param += -learning_rate * dparam / np.sqrt(mem + 1e-8)  # adagrad update
        p += seq_len  # move data pointer
        n += 1  # iteration counter
        budget.tick(t0)
    return {"steps": n, "chars": n * seq_len, "seconds": budget.elapsed,
            "smooth_loss": np.array(smooth_history), "loss": np.array(loss_history)}


# ---------------------------------------------------------------- the batched trainer

def make_optimizer(name, learning_rate=None, weight_decay=0.0, fast=False):
    """'adam' (default lr 5e-3), 'adagrad' (min-char-rnn's, default lr 0.1) or 'sgd' (lr 1.0),
    with decoupled weight decay of the weight matrices (helpers.optim). fast: Adam's in-place
    twin from helpers.fast (the same numbers bit for bit, without temporaries)."""
    defaults = {"adam": 5e-3, "adagrad": 0.1, "sgd": 1.0}
    check_choice(name, "optimizer", tuple(defaults))
    lr = defaults[name] if learning_rate is None else learning_rate
    kinds = {"adam": _fast.optim.Adam if fast else Adam, "adagrad": Adagrad, "sgd": SGD}
    return kinds[name](learning_rate=lr, weight_decay=weight_decay)


def training_step(cell, fast=None):
    """The function the trainer calls for each window, chosen once before its loop:
    loss, grads, state = step(params, x, y, state).

    cell: a name or a Cell of helpers.cells. The cell's registered fast step (Cell.fast_step,
    a module of helpers.fast: the same numbers, fused, its buffers kept between calls) unless
    fast is False, or fast is None and helpers.cells.fast_paths is False; otherwise (and for a
    cell without one) the cell's own loss_and_grads."""
    cell = get_cell(cell) if isinstance(cell, str) else cell
    if use_fast(fast) and cell.fast_step is not None:
        return functools.partial(getattr(_fast, cell.fast_step).loss_and_grads, workspace={})
    return cell.loss_and_grads


def use_fast(fast):
    """fast True/False, or None: the module switch helpers.cells.fast_paths."""
    if fast is None:
        return _cells.fast_paths
    if not isinstance(fast, bool):
        raise ValueError(f"fast must be True, False or None (helpers.cells.fast_paths), got {fast!r}")
    return fast


@dataclasses.dataclass
class TrainConfig:
    """The batched trainer's settings; train(params, ids, valid, **settings) builds one.

    seed                  required, an int >= 0: the epochs' random offsets come from it
    batch_size, seq_len   parallel streams, characters per window (truncated BPTT)
    optimizer             'adam' (default), 'adagrad' or 'sgd' (make_optimizer), or an object
                          with .step(params, grads) and .learning_rate
    learning_rate         None: the optimizer's default (adam 5e-3, adagrad 0.1, sgd 1.0)
    final_learning_rate, schedule
                          the rate falls to final_learning_rate (a value; None: a tenth of
                          learning_rate) along schedule 'cosine' (default) or 'linear';
                          'constant' keeps learning_rate (final_learning_rate must be None)
    clip, max_norm        clip every entry to [-clip, clip], then all gradients together to a
                          global norm of at most max_norm (None: that one off)
    weight_decay          decoupled weight decay of the weight matrices (named optimizer only)
    average               None or a decay like 0.999: end with a moving average of the weights
    steps, seconds, chars, epochs
                          budgets, the first reached stops (epochs=1 if none is given);
                          steps, chars and epochs are reproducible, seconds is not
    eval_every, eval_chars  validate every so many steps on the first eval_chars of valid
    max_loss              a step's loss above it means divergence (None: 3 ln V)
    log, log_every        the record every log_every steps (and the last) goes to log: True a
                          progress line, a callable(record), None nothing
    cell                  None: the cell whose parameters train gets (cell_of); or 'rnn',
                          'lstm', 'gru', which must then be the cell of those parameters
    threads               BLAS threads while training (helpers.threads.blas_threads)
    fast                  None: helpers.cells.fast_paths; True/False: the registered fast step
                          and in-place Adam (helpers.fast), or the reference code only
    """
    seed: int = None
    # the windows
    batch_size: int = 32
    seq_len: int = 32
    # the update
    optimizer: object = "adam"
    learning_rate: float = None
    final_learning_rate: float = None
    schedule: str = "cosine"
    clip: float = 5.0
    max_norm: float = 1.0
    weight_decay: float = 0.0
    average: float = None
    # the budget
    steps: int = None
    seconds: float = None
    chars: int = None
    epochs: float = None
    # validation, divergence, logging
    eval_every: int = None
    eval_chars: int = None
    max_loss: float = None
    log: object = True
    log_every: int = 10
    # the run
    cell: str = None
    threads: int = 1
    fast: bool = None

    def __post_init__(self):
        self.seed = check_int(self.seed, "seed", minimum=0, hint="required: the same seed "
                              "repeats the run")
        self.batch_size = check_int(self.batch_size, "batch_size", minimum=1)
        self.seq_len = check_int(self.seq_len, "seq_len", minimum=1)
        self.steps, self.seconds = check_budget(self.steps, self.seconds, required=False)
        self.chars = check_optional(check_positive, self.chars, "chars")
        self.epochs = check_optional(check_positive, self.epochs, "epochs")
        if (self.steps, self.seconds, self.chars, self.epochs) == (None,) * 4:
            self.epochs = 1.0
        self.eval_every = check_optional(check_int, self.eval_every, "eval_every", minimum=1)
        self.eval_chars = check_optional(check_int, self.eval_chars, "eval_chars", minimum=2)
        use_fast(self.fast)
        self.clip, self.max_norm = check_clipping(self.clip, self.max_norm)
        check_optional(check_positive, self.max_loss, "max_loss")
        check_optional(check_fraction, self.average, "average")
        check_optional(check_choice, self.cell, "cell", tuple(CELLS))
        self.make_optimizer()      # checks the optimizer settings; train makes a fresh one

    def make_optimizer(self):
        """-> a new optimizer (or the object given), its learning rate, the final rate."""
        if isinstance(self.optimizer, str):
            opt = make_optimizer(self.optimizer, self.learning_rate, self.weight_decay,
                                 use_fast(self.fast))
        elif self.weight_decay:
            raise ValueError("weight_decay applies to a named optimizer; give your optimizer "
                             "object its own weight_decay instead")
        elif not callable(getattr(self.optimizer, "step", None)):
            raise ValueError(f"optimizer must be 'adam', 'adagrad', 'sgd' or an object with "
                             f".step(params, grads), got {self.optimizer!r}")
        else:
            opt = self.optimizer
        lr = getattr(opt, "learning_rate", self.learning_rate)
        final = self.final_learning_rate
        if final is None and self.schedule != "constant":
            final = 0.1 * lr
        check_schedule(lr, final, self.schedule)
        return opt, lr, final

    def settings(self, params):
        """The settings of a run on params, as a snapshot's meta records them (JSON-able)."""
        opt, lr, final = self.make_optimizer()
        V, H = params["Why"].shape
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
               if f.name not in ("optimizer", "log", "threads", "fast")}
        out.update(optimizer=type(opt).__name__.lower(), learning_rate=lr,
                   final_learning_rate=final, cell=cell_of(params), hidden_size=int(H),
                   vocab_size=int(V), dtype=str(params["Why"].dtype))
        return out


def train(params, train_ids, valid_ids=None, config=None, **settings):
    """Train the char-RNN with truncated BPTT over `batch_size` parallel streams.

    The corpus is cut into batch_size contiguous streams (helpers.text.stream_batches); each
    step reads the next seq_len characters of every stream, carries the hidden state in from
    the previous window, backpropagates through those seq_len steps only, clips and updates.
    Every epoch starts at a random offset in [0, seq_len) (drawn from `seed`) with h = 0.
    params: dict from init_params, updated in place. Settings: TrainConfig's fields (or a
    TrainConfig as `config`); seed is required. The trainer contract of helpers.training: a NaN
    loss, or a loss above max_loss, raises TrainingDiverged naming the step.

    -> the History of records (helpers.training), every log_every steps and after the last:
    'step', 'loss' (the mean since the previous record), 'learning_rate', 'seconds', 'chars'
    (characters read), 'epochs', and 'valid_loss' where the trainer validated: every
    eval_every steps on the first eval_chars of valid_ids, and in the last record on all of
    them (after the weight average, if any).
    """
    cfg = dataclasses.replace(config, **settings) if config else TrainConfig(**settings)
    cell = cell_of(params)         # which cell's arrays params holds (a dict, exact names)
    if cfg.cell is not None and cfg.cell != cell:
        raise ValueError(f"cell={cfg.cell!r} but params hold the parameters of a {cell!r} model "
                         f"({sorted(params)})")
    cfg = dataclasses.replace(cfg, cell=cell)
    V, H = get_cell(cell).check_params(params)   # their shapes, once
    ids = check_ids(train_ids, V, "train_ids", ndim=1)
    if cfg.seq_len > len(ids) - 1:
        raise ValueError(f"seq_len {cfg.seq_len} is longer than the corpus ({len(ids)} symbols "
                         f"give {len(ids) - 1} targets); use a shorter seq_len or a longer text")
    if cfg.batch_size * cfg.seq_len > len(ids) - 1:
        raise ValueError(f"the corpus of {len(ids)} symbols is shorter than one training window "
                         f"of batch_size * seq_len = {cfg.batch_size * cfg.seq_len} characters; "
                         f"reduce batch_size or seq_len")
    if valid_ids is not None and len(check_ids(valid_ids, V, "valid_ids", ndim=1)) < 2:
        raise ValueError("valid_ids needs at least 2 symbols")
    if valid_ids is None and cfg.eval_every is not None:
        raise ValueError("eval_every needs a validation text: pass valid_ids")
    check_allocation((cfg.batch_size * (cfg.seq_len + 1), max(V, H) * 4), "batch_size * seq_len",
                     params["Why"].dtype.itemsize)
    run = _Run(params, cfg, V, valid_ids)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), blas_threads(cfg.threads):
        _train_loop(params, ids, cfg, run)
    return run.recorder.history


def _train_loop(params, ids, cfg, run):
    """The loop train runs: for each window of the streams forward, loss, backward, clip, update."""
    step = training_step(cfg.cell, cfg.fast)   # chosen once: the fused step or the reference
    opt, rng = run.optimizer, make_rng(cfg.seed)
    while not run.done():
        offset = int(rng.integers(0, min(cfg.seq_len, len(ids) - cfg.batch_size * cfg.seq_len)))
        h = None                                          # every epoch starts from h = 0
        run.epoch_windows = (len(ids) - offset - 1) // cfg.batch_size // cfg.seq_len
        for x, y in stream_batches(ids[offset:], cfg.batch_size, cfg.seq_len):
            t0 = time.perf_counter()
            loss, grads, h = step(params, x, y, h)        # forward, loss, backward (BPTT)
            check_divergence(loss, run.budget.step + 1, opt.learning_rate, run.max_loss)
            clip_gradients(grads, cfg.clip, cfg.max_norm)     # by value, then the global norm
            opt.learning_rate = scheduled_learning_rate(run.learning_rate, run.fraction(),
                                                        run.final_learning_rate, cfg.schedule)
            opt.step(params, grads)                       # update (Adam by default)
            run.count(params, loss, t0)                   # budget, records, validation
            if run.done():
                break
        run.end_epoch()


class _Run:
    """The bookkeeping of one training run: budget, epochs, records, weight average."""

    def __init__(self, params, cfg, V, valid_ids):
        self.params, self.cfg, self.valid_ids = params, cfg, valid_ids
        self.optimizer, self.learning_rate, self.final_learning_rate = cfg.make_optimizer()
        self.budget = Budget(cfg.steps, cfg.seconds)
        if cfg.chars is not None:
            self.budget.steps = min(cfg.steps or np.inf, -(-int(cfg.chars) // self.window()))
        self.recorder = Recorder(self.budget, cfg.log, cfg.log_every)
        self.max_loss = check_max_loss(cfg.max_loss, np.log(V))
        self.avg = None if cfg.average is None else {k: params[k].copy() for k in params}
        self.epoch, self.epoch_steps, self.epoch_windows = 0, 0, 1

    def window(self):
        return self.cfg.batch_size * self.cfg.seq_len

    def epochs_done(self):
        return self.epoch + self.epoch_steps / self.epoch_windows

    def fraction(self):
        f = self.budget.fraction()
        return f if self.cfg.epochs is None else max(f, self.epochs_done() / self.cfg.epochs)

    def done(self):
        return self.budget.done() or (self.cfg.epochs is not None
                                      and self.epochs_done() >= self.cfg.epochs)

    def count(self, params, loss, t0):
        """One update done (it started at t0): budget, epoch, weight average, the loss; then the
        record and validation that are due, or at the end the last record (finish)."""
        self.budget.tick(t0)
        self.epoch_steps += 1
        if self.avg is not None:
            for name, a in self.avg.items():
                a *= self.cfg.average
                a += (1 - self.cfg.average) * params[name]
        self.recorder.add(loss)
        if self.done():
            self.finish()
            return
        n, extra = self.budget.step, {}
        if self.cfg.eval_every and n % self.cfg.eval_every == 0:
            extra["valid_loss"] = self.validate(self.cfg.eval_chars)
        if extra or self.recorder.due():
            self.record(**extra)

    def end_epoch(self):
        if not self.done():
            self.epoch, self.epoch_steps = self.epoch + 1, 0

    def validate(self, n_chars=None):
        v = self.valid_ids if n_chars is None else self.valid_ids[:n_chars]
        return evaluate(self.params, v, threads=None)

    def record(self, **extra):
        self.recorder.record(self.optimizer.learning_rate, chars=self.budget.step * self.window(),
                             epochs=self.epochs_done(), **extra)

    def finish(self):
        """The run's end: the weight average (if asked), validation on all of valid, the last
        record (the budget is set to what was done, so the log knows it is the last)."""
        if self.avg is not None:
            for name, a in self.avg.items():
                self.params[name][...] = a
        self.budget.steps = self.budget.step
        self.record(**({} if self.valid_ids is None else {"valid_loss": self.validate()}))


if __name__ == "__main__":
    # `python -m helpers.char_rnn train ...` was the command line before scripts/ existed
    raise SystemExit("helpers.char_rnn is a module, not a program; to train a model run "
                     "python scripts/train_char_rnn.py (--help lists the settings)")
