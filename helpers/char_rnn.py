"""A character-level vanilla RNN (min-char-rnn's model), batched and fast.

Parameters use min-char-rnn's names and shapes, V symbols and H hidden units:

    Wxh (H, V)   Whh (H, H)   bh (H,)   Why (V, H)   by (V,)

h_t = tanh(Wxh x_t + Whh h_{t-1} + bh),  y_t = Why h_t + by,  p_t = softmax(y_t).
With a one-hot x_t, Wxh x_t is the column Wxh[:, ix]; the batched code gathers those columns
(an embedding lookup) instead of multiplying by a (N, T, V) one-hot array.
"""
import sys
import time

import numpy as np

from .layers import (affine_backward, affine_forward, embedding_backward, embedding_forward,
                     rnn_backward_projected, rnn_forward_projected,
                     temporal_softmax_loss_backward, temporal_softmax_loss_forward)
from .optim import SGD, Adagrad, Adam, clip_by_global_norm, clip_by_value
from .softmax import check_temperature, sample as sample_index, softmax
from .text import stream_batches
from .threads import blas_threads

PARAM_NAMES = ("Wxh", "Whh", "bh", "Why", "by")


def init_params(vocab_size, hidden_size, seed, dtype=np.float32, scale=0.01):
    """min-char-rnn's initialisation: weights N(0, scale^2), biases zero."""
    if vocab_size < 1 or hidden_size < 1:
        raise ValueError(f"vocab_size and hidden_size must be >= 1, got {vocab_size}, {hidden_size}")
    rng = np.random.default_rng(seed)
    V, H = vocab_size, hidden_size
    p = {"Wxh": rng.standard_normal((H, V)) * scale, "Whh": rng.standard_normal((H, H)) * scale,
         "bh": np.zeros(H), "Why": rng.standard_normal((V, H)) * scale, "by": np.zeros(V)}
    return {k: v.astype(dtype) for k, v in p.items()}


def loss_and_grads(params, x, y, h0=None, mask=None):
    """Mean cross-entropy (nats per counted character) of a batch, and its gradients.

    x, y (N, T) int ids (y is the next character of x), h0 (N, H) or None (zeros),
    mask (N, T) bool or None: which targets count (padding is False).
    -> loss (float), grads (dict like params), h_last (N, H) to carry into the next window.
    """
    Wxh, Whh, bh, Why, by = (params[k] for k in PARAM_NAMES)
    N = x.shape[0]
    if h0 is None:
        h0 = np.zeros((N, Whh.shape[0]), dtype=Whh.dtype)
    xw, ecache = embedding_forward(x, Wxh.T)          # (N, T, H): the columns Wxh[:, x]
    h, rcache = rnn_forward_projected(xw, h0, Whh, bh)
    scores, acache = affine_forward(h, Why, by)       # (N, T, V)
    loss, lcache = temporal_softmax_loss_forward(scores, y, mask)
    dscores = temporal_softmax_loss_backward(lcache)
    dh, dWhy, dby = affine_backward(dscores, acache)
    dxw, _, dWhh, dbh = rnn_backward_projected(dh, rcache)
    dWxh = embedding_backward(dxw, ecache).T
    grads = {"Wxh": dWxh, "Whh": dWhh, "bh": dbh, "Why": dWhy, "by": dby}
    return loss, {k: g.astype(params[k].dtype, copy=False) for k, g in grads.items()}, h[:, -1]


def step(params, ix, h):
    """One step of the recurrence for a single character id: h (H,) -> new h (H,), logits (V,)."""
    h = np.tanh(params["Wxh"][:, ix] + params["Whh"] @ h + params["bh"])
    return h, params["Why"] @ h + params["by"]


def sample(params, vocab, n, rng, temperature=1.0, prime="\n", stop=None, h=None,
           truncate=None):
    """Generate up to n characters after feeding `prime` through the network.

    rng: np.random.Generator. temperature T: softmax(logits / T), T = 1/alpha.
    stop: a symbol that ends the sample early (it is included), e.g. '\\n' for one name.
    truncate: None, or a function applied to every step's probabilities after the
    temperature, e.g. lambda p: top_k(p, 5) or lambda p: top_p(p, 0.9) (helpers.softmax).
    Returns the generated text (without the prime).
    """
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be an integer >= 0 (characters to generate), got {n!r}")
    temperature = check_temperature(temperature)
    if truncate is not None and not callable(truncate):
        raise ValueError(f"truncate must be None or a function p -> p, e.g. "
                         f"lambda p: top_k(p, 5), got {truncate!r}")
    if len(prime) == 0:
        raise ValueError("prime must hold at least one character to start from")
    ids = vocab.encode(prime)  # ValueError naming any character outside the vocabulary
    h = np.zeros(params["Whh"].shape[0], dtype=params["Whh"].dtype) if h is None else h
    for ix in ids:
        h, logits = step(params, ix, h)
    out = []
    for _ in range(n):
        p = softmax(logits.astype(np.float64), temperature)
        ix = sample_index(p if truncate is None else truncate(p), rng)
        out.append(vocab.itos[ix])
        if stop is not None and out[-1] == stop:
            break
        h, logits = step(params, ix, h)
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
    dhnext = np.zeros_like(hs[0])
    for t in reversed(range(len(inputs))):
        dy = np.copy(ps[t])
        dy[targets[t]] -= 1  # backprop into y: softmax minus one-hot target
        dWhy += np.outer(dy, hs[t])
        dby += dy
        dh = Why.T @ dy + dhnext  # backprop into h: from the output and from step t+1
        dhraw = (1 - hs[t] * hs[t]) * dh  # backprop through tanh nonlinearity
        dbh += dhraw
        dWxh += np.outer(dhraw, xs[t])
        dWhh += np.outer(dhraw, hs[t - 1])
        dhnext = Whh.T @ dhraw
    if clip is not None:
        for dparam in [dWxh, dWhh, dWhy, dbh, dby]:
            np.clip(dparam, -clip, clip, out=dparam)  # mitigate exploding gradients
    return float(loss), dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs) - 1]


def classic_train(params, data, *, seq_length=25, learning_rate=0.1, steps=None, seconds=None,
                  callback=None, callback_every=100, threads=1):
    """min-char-rnn's main loop: batch 1, Adagrad, smooth loss 0.999/0.001.

    data: int ids of the corpus. Walks through it seq_length characters at a time, carrying the
    hidden state, and starts again (with h = 0) at the end. params are updated in place.
    Stops after `steps` iterations or `seconds` of wall clock (at least one must be given).
    callback(n, smooth_loss_per_char, hprev) runs every callback_every iterations, before the
    update (e.g. to print a sample from hprev). A NaN/inf loss raises RuntimeError.
    threads: BLAS threads (see blas_threads).
    -> dict: steps, chars, seconds, 'smooth_loss' (min-char-rnn's smooth loss, per character,
    after each step) and 'loss' (each step's own loss per character).
    """
    with blas_threads(threads):
        return _classic_train(params, data, seq_length, learning_rate, steps, seconds, callback,
                              callback_every)


def _classic_train(params, data, seq_length, learning_rate, steps, seconds, callback,
                   callback_every):
    data = np.asarray(data)
    if steps is None and seconds is None:
        raise ValueError("give a budget: steps=... or seconds=...")
    if seq_length < 1 or len(data) < seq_length + 2:
        raise ValueError(f"seq_length must be >= 1 and shorter than the corpus: seq_length "
                         f"{seq_length}, corpus of {len(data)} symbols")
    Wxh, Whh, bh, Why, by = (params[k] for k in PARAM_NAMES)
    vocab_size, H = Why.shape
    mWxh, mWhh, mWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    mbh, mby = np.zeros_like(bh), np.zeros_like(by)  # memory variables for Adagrad
    smooth_loss = -np.log(1.0 / vocab_size) * seq_length  # loss at iteration 0
    n, p, smooth_history, loss_history = 0, 0, [], []
    start = time.perf_counter()
    while (steps is None or n < steps) and (seconds is None or time.perf_counter() - start < seconds):
        # prepare inputs (we're sweeping from left to right in steps seq_length long)
        if p + seq_length + 1 >= len(data) or n == 0:
            hprev = np.zeros(H, dtype=Whh.dtype)  # reset RNN memory
            p = 0  # go from start of data
        inputs = data[p:p + seq_length]
        targets = data[p + 1:p + seq_length + 1]
        if callback is not None and n % callback_every == 0:
            callback(n, smooth_loss / seq_length, hprev)
        # forward seq_length characters through the net and fetch gradient
        loss, dWxh, dWhh, dWhy, dbh, dby, hprev = classic_loss_fun(inputs, targets, hprev, params)
        if not np.isfinite(loss):
            raise RuntimeError(f"training diverged at iteration {n}: the loss is {loss}; "
                               f"use a lower learning rate than {learning_rate}")
        smooth_loss = smooth_loss * 0.999 + loss * 0.001
        smooth_history.append(smooth_loss / seq_length)
        loss_history.append(loss / seq_length)
        # perform parameter update with Adagrad
        for param, dparam, mem in zip([Wxh, Whh, Why, bh, by], [dWxh, dWhh, dWhy, dbh, dby],
                                      [mWxh, mWhh, mWhy, mbh, mby]):
            mem += dparam * dparam
            param += -learning_rate * dparam / np.sqrt(mem + 1e-8)  # adagrad update
        p += seq_length  # move data pointer
        n += 1  # iteration counter
    return {"steps": n, "chars": n * seq_length, "seconds": time.perf_counter() - start,
            "smooth_loss": np.array(smooth_history), "loss": np.array(loss_history)}


# ---------------------------------------------------------------- the fast path

class _Workspace:
    """Preallocated buffers of the fused forward/backward for one (N, T) window shape.

    Everything is time-major, (T, N, H), so the slice of step t is one contiguous block.
    """

    def __init__(self, N, T, H, V, dtype):
        self.E = np.empty((V, H), dtype)            # Wxh.T + bh: the gathered input term
        self.WhhT = np.empty((H, H), dtype)
        self.hs = np.empty((T + 1, N, H), dtype)    # hs[0] = h0, hs[t+1] = h_t
        self.g = np.empty((T, N, H), dtype)         # gathered E rows, then d(pre-activation)
        self.S = np.empty((T * N, V), dtype)        # scores, then log-softmax, then dscores
        self.dtanh = np.empty((T, N, H), dtype)     # 1 - h_t^2 for every step
        self.dnext = np.empty((N, H), dtype)
        self.rows = np.arange(T * N)
        self.grads = {"Wxh": np.empty((H, V), dtype), "Whh": np.empty((H, H), dtype),
                      "bh": np.empty(H, dtype), "Why": np.empty((V, H), dtype),
                      "by": np.empty(V, dtype)}


def _workspace(cache, N, T, params):
    H, V = params["Why"].shape[1], params["Why"].shape[0]
    dtype = params["Whh"].dtype
    key = (N, T, H, V, np.dtype(dtype))
    if key not in cache:
        cache[key] = _Workspace(N, T, H, V, dtype)
    return cache[key]


def _forward(params, xt, h0, ws):
    """Fused forward pass. xt (T, N) ids, h0 (N, H). Fills ws.hs and ws.S (log-probabilities)."""
    Whh, Why = params["Whh"], params["Why"]
    np.add(params["Wxh"].T, params["bh"], out=ws.E)   # one add per window instead of per step
    np.take(ws.E, xt, axis=0, out=ws.g)               # the embedding gather: Wxh[:, x] + bh
    WhhT = ws.WhhT
    np.copyto(WhhT, Whh.T)                             # contiguous: faster products in the loop
    hs, g = ws.hs, ws.g
    hs[0] = h0
    for t in range(xt.shape[0]):                      # the only loop over time
        h = hs[t + 1]
        np.matmul(hs[t], WhhT, out=h)
        h += g[t]
        np.tanh(h, out=h)
    S = ws.S
    np.matmul(hs[1:].reshape(S.shape[0], -1), Why.T, out=S)
    S += params["by"]
    S -= S.max(axis=1, keepdims=True)                 # log-softmax, in place
    lse = np.log(np.exp(S).sum(axis=1, keepdims=True))
    S -= lse
    return S


def fast_loss_and_grads(params, x, y, h0=None, mask=None, workspace=None):
    """The same computation as loss_and_grads, fused for speed (what `train` runs).

    x, y (N, T) int ids, h0 (N, H) or None, mask (N, T) bool or None.
    Time-major preallocated buffers, in-place operations, the embedding gather with bh folded
    in, and dWxh by adding up the rows of each input id (sorted, np.add.reduceat).
    workspace: a dict reused between calls to keep the buffers (the returned grads live in it
    and are overwritten by the next call).
    -> loss (float, nats per counted character), grads (dict), h_last (N, H) (a copy)
    """
    cache = {} if workspace is None else workspace
    x, y = np.asarray(x), np.asarray(y)
    H, V = params["Why"].shape[1], params["Why"].shape[0]
    if x.ndim != 2 or y.shape != x.shape:
        raise ValueError(f"x and y must be (N, T) arrays of the same shape, got {x.shape}, {y.shape}")
    for name, a in (("x", x), ("y", y)):
        if a.size and (a.min() < 0 or a.max() >= V):
            raise ValueError(f"{name} ids must lie in [0, {V}), got {a.min()}..{a.max()}")
    N, T = x.shape
    ws = _workspace(cache, N, T, params)
    xt = np.ascontiguousarray(x.T)
    yt = y.T.reshape(-1)
    if h0 is None:
        h0 = 0.0
    S = _forward(params, xt, h0, ws)
    # loss and dscores = softmax - onehot(y), divided by the number of counted characters
    picked = S[ws.rows, yt]
    if mask is None:
        count = N * T
        loss = -float(picked.sum(dtype=np.float64)) / count
    else:
        m = np.asarray(mask, dtype=bool).T.reshape(-1)
        count = int(m.sum())
        if count == 0:
            raise ValueError("the mask selects no token: there is nothing to average")
        loss = -float(picked[m].sum(dtype=np.float64)) / count
    dS = np.exp(S, out=S)
    dS[ws.rows, yt] -= 1
    dS *= 1.0 / count
    if mask is not None:
        dS *= m[:, None]
    gr, hs, Hf = ws.grads, ws.hs, ws.hs[1:].reshape(N * T, H)
    np.matmul(dS.T, Hf, out=gr["Why"])
    dS.sum(axis=0, out=gr["by"])
    da = ws.g                                          # the gathered inputs are not needed now
    np.matmul(dS, params["Why"], out=da.reshape(N * T, H))   # dh from the outputs
    # backward through time: da_t = (dh_t + dnext) * (1 - h_t^2), dnext = da_t @ Whh
    Whh, dnext, dtanh = params["Whh"], ws.dnext, ws.dtanh
    np.multiply(hs[1:], hs[1:], out=dtanh)            # tanh' for all steps in one call
    np.subtract(1, dtanh, out=dtanh)
    for t in reversed(range(T)):
        d = da[t]
        if t < T - 1:
            d += dnext
        d *= dtanh[t]
        if t > 0:
            np.matmul(d, Whh, out=dnext)
    daf = da.reshape(N * T, H)
    np.matmul(daf.T, hs[:-1].reshape(N * T, H), out=gr["Whh"])
    daf.sum(axis=0, out=gr["bh"])
    # dWxh[:, i] = sum of da over the positions whose input is i: sort by id, add up the runs
    ids = xt.reshape(-1)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    dE = np.zeros((V, H), dtype=daf.dtype)
    dE[sorted_ids[starts]] = np.add.reduceat(daf[order], starts, axis=0)
    np.copyto(gr["Wxh"], dE.T)
    return loss, gr, hs[T].copy()


def evaluate(params, ids, batch_size=64, seq_len=128, workspace=None, threads=1):
    """Mean loss in nats per character over the WHOLE text `ids`: every character after the
    first is predicted once, from the ones before it.

    The text is cut into `batch_size` contiguous streams (the last one padded and masked);
    each stream starts from h = 0 and carries its hidden state from window to window.
    ids (L,) int ids, L >= 2.  -> float
    """
    ids = _check_ids(ids, params["Why"].shape[0], "ids")
    n = len(ids) - 1
    if n < 1:
        raise ValueError(f"evaluate needs at least 2 symbols (one to read, one to predict), got {len(ids)}")
    if batch_size < 1 or seq_len < 1:
        raise ValueError(f"batch_size and seq_len must be >= 1, got {batch_size}, {seq_len}")
    B = min(batch_size, n)
    per = -(-n // B)                                   # ceil(n / B) targets per stream
    X = np.zeros(B * per, dtype=np.int64)
    Y = np.zeros(B * per, dtype=np.int64)
    M = np.zeros(B * per, dtype=bool)
    X[:n], Y[:n], M[:n] = ids[:-1], ids[1:], True
    X, Y, M = (a.reshape(B, per) for a in (X, Y, M))
    with blas_threads(threads):
        return _evaluate(params, X, Y, M, n, seq_len, {} if workspace is None else workspace)


def _evaluate(params, X, Y, M, n, seq_len, cache):
    B, per = X.shape
    h = np.zeros((B, params["Whh"].shape[0]), dtype=params["Whh"].dtype)
    total = 0.0
    for s in range(0, per, seq_len):
        xt = np.ascontiguousarray(X[:, s:s + seq_len].T)
        T = xt.shape[0]
        ws = _workspace(cache, B, T, params)
        S = _forward(params, xt, h, ws)
        picked = S[ws.rows, Y[:, s:s + seq_len].T.reshape(-1)]
        total -= float(picked[M[:, s:s + seq_len].T.reshape(-1)].sum(dtype=np.float64))
        h = ws.hs[T].copy()
    return total / n


def _check_ids(ids, V, name):
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"{name} must be a 1-D array of integer ids (vocab.encode(text)), "
                         f"got shape {ids.shape} and dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        raise ValueError(f"{name} must lie in [0, {V}) for a model with {V} output symbols, "
                         f"got {ids.min()}..{ids.max()}")
    return ids


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite during training."""


class _Progress:
    """A single, throttled progress line: updated in place in a notebook (a display handle)
    or a terminal (carriage return), or handed to a callable(history)."""

    def __init__(self, mode, every=0.5):
        self.mode, self.every, self.last, self.handle = mode, every, -np.inf, None
        self.kind = None
        if callable(mode):
            self.kind = "callable"
        elif mode:
            self.kind = "notebook" if _in_notebook() else "terminal"
            self.tty = sys.stderr.isatty()
            if self.kind == "terminal" and not self.tty:
                self.every = max(every, 10.0)

    def update(self, history, force=False):
        now = time.perf_counter()
        if self.kind is None or (not force and now - self.last < self.every):
            return
        self.last = now
        if self.kind == "callable":
            self.mode(history)
            return
        line = _progress_line(history)
        if self.kind == "notebook":
            from IPython.display import display
            if self.handle is None:
                self.handle = display({"text/plain": line}, raw=True, display_id=True)
            else:
                self.handle.update({"text/plain": line}, raw=True)
        elif self.tty:
            sys.stderr.write("\r" + line.ljust(100))
            sys.stderr.flush()
        else:
            print(line, file=sys.stderr, flush=True)

    def close(self, history):
        self.update(history, force=True)
        if self.kind == "terminal" and self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _in_notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _progress_line(h):
    chars = h["chars_seen"]
    speed = chars / h["seconds"] if h["seconds"] > 0 else 0.0
    train = f"{h['train_loss'][-1]:.3f}" if len(h["train_loss"]) else "-"
    valid = f"{h['valid_loss'][-1]:.3f}" if len(h["valid_loss"]) else "-"
    return (f"step {h['steps']:6d}  chars {chars / 1e6:6.2f}M  train {train}  valid {valid}  "
            f"(ln V = {h['ln_V']:.3f})  {h['seconds']:5.1f} s  {speed / 1e3:6.1f}k chars/s")


def make_optimizer(name, learning_rate=None, weight_decay=0.0):
    """'adam' (default lr 5e-3), 'adagrad' (min-char-rnn's, default lr 0.1) or 'sgd' (lr 1.0),
    with decoupled weight decay of the weight matrices (helpers.optim)."""
    defaults = {"adam": 5e-3, "adagrad": 0.1, "sgd": 1.0}
    if name not in defaults:
        raise ValueError(f"optimizer must be one of {sorted(defaults)}, got {name!r}")
    lr = defaults[name] if learning_rate is None else learning_rate
    return {"adam": Adam, "adagrad": Adagrad, "sgd": SGD}[name](learning_rate=lr,
                                                                 weight_decay=weight_decay)


def train(params, train_ids, valid_ids=None, *, batch_size=32, seq_len=32, optimizer="adam",
          learning_rate=None, clip=5.0, clip_norm=1.0, seconds=None, steps=None, chars=None,
          epochs=None, eval_every=None, eval_chars=None, seed=0, progress=True, dtype=None,
          threads=1, lr_decay="cosine", lr_final=0.1, max_loss=None, weight_decay=0.0,
          average=None):
    """Train the char-RNN with truncated BPTT over `batch_size` parallel streams.

    The corpus is cut into batch_size contiguous streams (helpers.text.stream_batches); each
    step reads the next seq_len characters of every stream, carries the hidden state in from the
    previous window, backpropagates through those seq_len steps only, clips and updates.
    Every epoch starts at a random offset in [0, seq_len) (drawn from `seed`) with h = 0.

    params: dict from init_params, updated in place (cast to `dtype` first if given;
            float32 is the default of init_params, use float64 for gradient checks).
    optimizer: 'adam' (default, lr 5e-3), 'adagrad' (lr 0.1) or 'sgd', or an object with .step.
    clip: clip every gradient entry to [-clip, clip] (min-char-rnn) or None;
    clip_norm: then rescale all gradients together to at most this global norm (default 1.0), or
    None. With Adam this keeps the first, large gradients from throwing some runs onto a slow
    path: over three seeds the validation loss after 5M characters at hidden 256 varied from
    1.73 to 1.76 with it, from 1.75 to 1.92 without.
    Budget (stop at the first reached; epochs=1 if none is given): seconds of training
    (wall clock, evaluation excluded: not reproducible), steps, chars (characters read,
    rounded up to whole steps) or epochs (passes). Steps, chars and epochs are reproducible:
    the same seed gives the same parameters on the same machine.
    eval_every: evaluate on valid_ids every so many steps (and always at the end);
    eval_chars: evaluate the periodic checks on the first eval_chars of valid_ids only
    (the final evaluation always uses the whole text).
    lr_decay: 'cosine' (default): the learning rate falls along half a cosine from learning_rate
    to lr_final * learning_rate at the end of the budget (whichever budget ends first), which
    gains about 0.1 nats/char over a constant rate in a short budget; None: constant.
    weight_decay: decoupled weight decay of Wxh, Whh and Why (helpers.optim; with a named
    optimizer only). The model soon knows the training plays better than unseen ones; a
    little decay (0.1 with Adam) narrows that gap.
    average: None, or a decay such as 0.999 for an exponential moving average of the weights
    (Polyak averaging). At the end the parameters are replaced by that average, which smooths
    out the noise of the last updates and usually scores a little better on unseen text; the
    periodic validation checks use the raw weights, the final one the averaged weights.
    progress: True (one updating line), False, or a callable(history) called about twice a second.
    threads: BLAS threads while training (see blas_threads; None leaves BLAS alone).
    A NaN or infinite loss, or a smoothed training loss above max_loss (default 3 ln V: far
    worse than guessing uniformly, as after too large a learning rate), raises
    TrainingDiverged (a RuntimeError) naming the step.

    -> history dict: 'chars' (characters seen after each step), 'train_loss' (smoothed, per step),
    'time' (training seconds after each step), 'valid_chars' and 'valid_loss' (nats/char),
    'steps', 'chars_seen', 'seconds', 'chars_per_s', 'epochs', 'ln_V', 'settings'.
    """
    V = params["Why"].shape[0]
    ids = _check_ids(train_ids, V, "train_ids")
    for name, v in (("batch_size", batch_size), ("seq_len", seq_len)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    if seq_len > len(ids) - 1:
        raise ValueError(f"seq_len {seq_len} is longer than the corpus ({len(ids)} symbols give "
                         f"{len(ids) - 1} targets); use a shorter seq_len or a longer text")
    if batch_size * seq_len > len(ids) - 1:
        raise ValueError(f"the corpus of {len(ids)} symbols is shorter than one training window "
                         f"of batch_size * seq_len = {batch_size * seq_len} characters; "
                         f"reduce batch_size or seq_len")
    if valid_ids is not None:
        valid_ids = _check_ids(valid_ids, V, "valid_ids")
        if len(valid_ids) < 2:
            raise ValueError("valid_ids needs at least 2 symbols")
    for name, v in (("seconds", seconds), ("steps", steps), ("chars", chars), ("epochs", epochs)):
        if v is not None and not v > 0:
            raise ValueError(f"{name} must be > 0 (or None), got {v!r}")
    if seconds is None and steps is None and chars is None and epochs is None:
        epochs = 1
    if eval_every is not None and eval_every < 1:
        raise ValueError(f"eval_every must be >= 1 step (or None), got {eval_every!r}")
    max_loss = 3 * np.log(V) if max_loss is None else max_loss
    if lr_decay not in (None, "cosine"):
        raise ValueError(f"lr_decay must be None or 'cosine', got {lr_decay!r}")
    if dtype is not None:
        for k in PARAM_NAMES:
            params[k] = params[k].astype(dtype, copy=False)
    if average is not None and not 0 < average < 1:
        raise ValueError(f"average must be None or a decay in (0, 1), e.g. 0.999, got {average!r}")
    if isinstance(optimizer, str):
        opt = make_optimizer(optimizer, learning_rate, weight_decay)
    elif weight_decay:
        raise ValueError("weight_decay applies to a named optimizer; give your optimizer "
                         "object its own weight_decay instead")
    else:
        opt = optimizer
    avg = None if average is None else {k: params[k].copy() for k in PARAM_NAMES}
    lr = getattr(opt, "learning_rate", learning_rate)
    max_steps = np.inf if steps is None else steps
    if chars is not None:
        max_steps = min(max_steps, -(-int(chars) // (batch_size * seq_len)))
    rng = np.random.default_rng(seed)
    ws, eval_ws = {}, {}
    hist = {"chars": [], "train_loss": [], "time": [], "valid_chars": [], "valid_loss": [],
            "steps": 0, "chars_seen": 0, "seconds": 0.0, "eval_seconds": 0.0, "epochs": 0.0,
            "ln_V": float(np.log(V)),
            "settings": {"batch_size": batch_size, "seq_len": seq_len,
                         "optimizer": optimizer if isinstance(optimizer, str) else type(opt).__name__,
                         "learning_rate": lr, "lr_decay": lr_decay, "lr_final": lr_final,
                         "clip": clip, "clip_norm": clip_norm, "seed": seed,
                         "weight_decay": weight_decay, "average": average,
                         "hidden": int(params["Whh"].shape[0]), "vocab_size": int(V),
                         "dtype": str(params["Whh"].dtype)}}
    bar = _Progress(progress)
    H = params["Whh"].shape[0]
    window = batch_size * seq_len
    smooth, beta = 0.0, 0.98

    def run_eval(full):
        t0 = time.perf_counter()
        v = valid_ids if full or eval_chars is None else valid_ids[:max(2, int(eval_chars))]
        hist["valid_loss"].append(evaluate(params, v, workspace=eval_ws))
        hist["valid_chars"].append(hist["chars_seen"])
        hist["eval_seconds"] += time.perf_counter() - t0

    step, epoch, done = 0, 0, False
    train_time = 0.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), blas_threads(threads):
        while not done:
            offset = int(rng.integers(0, min(seq_len, len(ids) - 1 - window + 1)))
            stream = ids[offset:]
            per_stream = (len(stream) - 1) // batch_size
            n_windows = per_stream // seq_len
            h = np.zeros((batch_size, H), dtype=params["Whh"].dtype)
            for k, (x, y) in enumerate(stream_batches(stream, batch_size, seq_len)):
                t0 = time.perf_counter()
                loss, grads, h = fast_loss_and_grads(params, x, y, h, workspace=ws)
                smooth_next = beta * smooth + (1 - beta) * loss
                smoothed = smooth_next / (1 - beta ** (step + 1))
                if not np.isfinite(loss) or smoothed > max_loss:
                    hist["epochs"] = epoch + k / n_windows
                    bar.close(hist)
                    what = (f"the loss is {loss}" if not np.isfinite(loss) else
                            f"the smoothed loss is {smoothed:.1f} nats per symbol, above max_loss = "
                            f"{max_loss:.1f} (far worse than the uniform guess ln V = {np.log(V):.2f})")
                    raise TrainingDiverged(
                        f"training diverged at step {step + 1} (after {hist['chars_seen']:,} "
                        f"characters): {what}. Lower the learning rate (it is {lr}) "
                        f"or clip the gradients harder.")
                if clip is not None:
                    clip_by_value(grads, clip)
                if clip_norm is not None:
                    clip_by_global_norm(grads, clip_norm)
                if lr_decay is not None:
                    frac = min(1.0, _budget_fraction(step, train_time, epoch + k / n_windows,
                                                     max_steps, seconds, epochs))
                    opt.learning_rate = lr * (lr_final + (1 - lr_final) * 0.5 * (1 + np.cos(np.pi * frac)))
                opt.step(params, grads)
                if avg is not None:
                    for name, a in avg.items():
                        a *= average
                        a += (1 - average) * params[name]
                train_time += time.perf_counter() - t0
                step += 1
                smooth = smooth_next
                hist["steps"], hist["chars_seen"], hist["seconds"] = step, step * window, train_time
                hist["chars"].append(step * window)
                hist["train_loss"].append(smooth / (1 - beta ** step))
                hist["time"].append(train_time)
                hist["epochs"] = epoch + (k + 1) / n_windows
                if step >= max_steps or (seconds is not None and train_time >= seconds):
                    done = True
                    break
                if valid_ids is not None and eval_every is not None and step % eval_every == 0:
                    run_eval(full=False)
                    bar.update(hist, force=True)
                else:
                    bar.update(hist)
            epoch += 1
            if epochs is not None and epoch >= epochs:
                done = True
        if avg is not None:
            for name, a in avg.items():
                params[name][...] = a
        if valid_ids is not None:
            run_eval(full=True)
    hist["chars_per_s"] = hist["chars_seen"] / train_time if train_time > 0 else 0.0
    for k in ("chars", "train_loss", "time", "valid_chars", "valid_loss"):
        hist[k] = np.array(hist[k])
    bar.close(hist)
    return hist


def _budget_fraction(step, seconds_done, epochs_done, max_steps, seconds, epochs):
    """How far training is through its budget, 0..1 (the budget closest to its end counts)."""
    f = 0.0
    if max_steps != np.inf:
        f = max(f, step / max_steps)
    if seconds is not None:
        f = max(f, seconds_done / seconds)
    if epochs is not None:
        f = max(f, epochs_done / epochs)
    return f


# ---------------------------------------------------------------- command line

def main(argv=None):
    """python -m helpers.char_rnn train --hidden 250 --seq 64 --batch 32 --chars 20000000 \\
           --seed 0 --out data/char_rnn_shakespeare.npz"""
    import argparse
    import json
    import platform

    from .snapshot import save_snapshot
    from .text import Vocab, load_text

    ap = argparse.ArgumentParser(prog="python -m helpers.char_rnn",
                                 description="Train the character RNN on data/shakespeare.")
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train on train.txt, evaluate on valid.txt, save a snapshot",
                       description="Train on data/shakespeare/train.txt, report the loss on "
                       "valid.txt and save a .npz snapshot. For a reproducible snapshot give "
                       "--chars, --steps or --epochs (same seed, same machine -> same weights); "
                       "--seconds depends on the machine's speed.")
    t.add_argument("--hidden", type=int, default=250)
    t.add_argument("--seq", type=int, default=64, help="characters per window (truncated BPTT)")
    t.add_argument("--batch", type=int, default=32, help="parallel streams")
    t.add_argument("--seconds", type=float, help="training time budget (not reproducible)")
    t.add_argument("--chars", type=float, help="characters to read (reproducible), e.g. 2e7")
    t.add_argument("--steps", type=int, help="updates to make (reproducible)")
    t.add_argument("--epochs", type=float, help="passes over train.txt (reproducible)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--optimizer", default="adam", choices=["adam", "adagrad", "sgd"])
    t.add_argument("--lr", type=float, help="learning rate (default: adam 5e-3, adagrad 0.1)")
    t.add_argument("--lr-decay", choices=["none", "cosine"], default="cosine",
                   help="cosine: decay the learning rate to --lr-final times it by the end")
    t.add_argument("--lr-final", type=float, default=0.1)
    t.add_argument("--clip", type=float, default=5.0, help="clip gradients to [-clip, clip]; 0: off")
    t.add_argument("--clip-norm", type=float, default=1.0,
                   help="then clip the global gradient norm to this (default 1; 0: off)")
    t.add_argument("--init-scale", type=float, default=0.01, help="std of the initial weights")
    t.add_argument("--weight-decay", type=float, default=0.0,
                   help="decoupled weight decay of the weight matrices (e.g. 0.1 with adam)")
    t.add_argument("--average", type=float,
                   help="save the moving average of the weights with this decay (e.g. 0.999)")
    t.add_argument("--eval-every", type=int, help="validate every so many steps")
    t.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    t.add_argument("--out", required=True, help="where to write the .npz snapshot")
    t.add_argument("--quiet", action="store_true", help="no progress line")
    a = ap.parse_args(argv)

    text, valid = load_text("shakespeare", "train.txt"), load_text("shakespeare", "valid.txt")
    vocab = Vocab.from_text(text)
    params = init_params(len(vocab), a.hidden, seed=a.seed, dtype=np.dtype(a.dtype),
                         scale=a.init_scale)
    epochs = a.epochs
    if a.seconds is None and a.chars is None and a.steps is None and epochs is None:
        epochs = 1
    try:
        hist = train(params, vocab.encode(text), vocab.encode(valid), batch_size=a.batch,
                     seq_len=a.seq, optimizer=a.optimizer, learning_rate=a.lr,
                     clip=a.clip or None, clip_norm=a.clip_norm or None, seconds=a.seconds,
                     chars=a.chars, steps=a.steps, epochs=epochs,
                     eval_every=a.eval_every, seed=a.seed, progress=not a.quiet,
                     lr_decay=None if a.lr_decay == "none" else a.lr_decay, lr_final=a.lr_final,
                     weight_decay=a.weight_decay, average=a.average)
    except (ValueError, TrainingDiverged) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    meta = dict(hist["settings"], init_scale=a.init_scale, corpus="data/shakespeare/train.txt",
                valid="data/shakespeare/valid.txt",
                budget={"seconds": a.seconds, "chars": a.chars, "steps": a.steps, "epochs": epochs},
                steps=hist["steps"], chars_seen=hist["chars_seen"],
                epochs_done=round(hist["epochs"], 4),
                valid_loss=round(float(hist["valid_loss"][-1]), 5),
                train_loss=round(float(hist["train_loss"][-1]), 5),
                valid_curve=[[int(c), round(float(v), 5)]
                             for c, v in zip(hist["valid_chars"], hist["valid_loss"])],
                training_seconds=round(hist["seconds"], 2),
                chars_per_s=round(hist["chars_per_s"]), numpy=np.__version__,
                python=platform.python_version(),
                command="python -m helpers.char_rnn " + " ".join(sys.argv[1:] if argv is None else argv))
    save_snapshot(a.out, params, vocab, meta)
    print(f"saved {a.out}: hidden {a.hidden}, {hist['steps']} steps, {hist['chars_seen']:,} chars "
          f"({hist['epochs']:.2f} epochs) in {hist['seconds']:.1f} s; train loss "
          f"{meta['train_loss']:.3f}, valid loss {meta['valid_loss']:.3f} nats/char "
          f"(ln V = {np.log(len(vocab)):.3f})")
    print(json.dumps({k: meta[k] for k in ("valid_loss", "train_loss", "steps", "chars_seen",
                                            "training_seconds")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
