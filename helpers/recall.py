"""A task with a long-range dependency: read a symbol, then k distractors, then recall the symbol.

    A  x y y x w ... x  ?   ->  A          (k = seq_len - 2 distractors between A and '?')

Ids: 0 .. n_symbols-1 are the symbols to remember, the next n_distractors ids are distractors,
the last id is the query '?'. Only the answer at '?' counts (a mask), so guessing scores
1 / n_symbols. The network must carry the first symbol through k steps of noise: easy for a
gated cell, which can shut its input and keep its state, hard for a vanilla RNN, whose state
is rewritten at every step and whose gradient fades over the gap.

Any cell of helpers.cells can be trained on it with `train`, on one BLAS thread.
"""
import numpy as np

from .cells import get_cell
from .optim import Adam, clip_by_global_norm
from .threads import blas_threads
from .validate import check_float_dtype, check_int, check_optional, check_positive


def vocabulary(n_symbols=8, n_distractors=4):
    """-> list of the symbols as strings, by id: 'A', 'B', ... then 'a', 'b', ... then '?'."""
    _check_task(n_symbols, n_distractors)
    return ([chr(ord("A") + i) for i in range(n_symbols)]
            + [chr(ord("a") + i) for i in range(n_distractors)] + ["?"])


def _check_task(n_symbols, n_distractors):
    check_int(n_symbols, "n_symbols", 2, 26)
    check_int(n_distractors, "n_distractors", 1, 26)


def make_batch(batch_size, seq_len, rng, n_symbols=8, n_distractors=4):
    """batch_size sequences of seq_len ids: a symbol, seq_len - 2 distractors, the query.

    rng: np.random.Generator.
    -> x (N, seq_len) input ids, y (N, seq_len) targets (the first symbol at the last step,
       0 elsewhere), mask (N, seq_len) bool: True only at the last step.
    """
    _check_task(n_symbols, n_distractors)
    check_int(seq_len, "seq_len", minimum=2, hint="a symbol and the query at least")
    check_int(batch_size, "batch_size", minimum=1)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a np.random.Generator (np.random.default_rng(seed)), got {rng!r}")
    x = rng.integers(n_symbols, n_symbols + n_distractors, size=(batch_size, seq_len))
    x[:, 0] = rng.integers(0, n_symbols, size=batch_size)
    x[:, -1] = n_symbols + n_distractors                  # the query '?'
    y = np.zeros_like(x)
    y[:, -1] = x[:, 0]
    mask = np.zeros(x.shape, dtype=bool)
    mask[:, -1] = True
    return x, y, mask


def accuracy(cell, params, seq_len, n=1000, seed=0, n_symbols=8, n_distractors=4):
    """Fraction of n fresh sequences of length seq_len (gap seq_len - 2) whose first symbol is
    recalled (the largest score at the query)."""
    x, y, _ = make_batch(n, seq_len, np.random.default_rng(check_int(seed, "seed", minimum=0)),
                         n_symbols, n_distractors)
    scores, _ = get_cell(cell).scores(params, x)
    return float(np.mean(scores[:, -1].argmax(axis=1) == y[:, -1]))


def train(cell, *, seq_len=32, hidden_size=32, steps=500, batch_size=32, learning_rate=1e-2,
          seed=0, min_seq_len=None, n_symbols=8, n_distractors=4, clip_norm=1.0, dtype=np.float64,
          threads=1):
    """Train a fresh `cell` ('rnn', 'lstm' or 'gru') on the recall task.

    Every step trains on batch_size fresh sequences of seq_len ids (a gap of seq_len - 2).
    min_seq_len: if given, each step draws its length uniformly from min_seq_len .. seq_len
    instead: a curriculum, in which the short gaps show what to remember.
    Adam with learning_rate, gradients clipped to a global norm of clip_norm (or None).
    Everything random comes from `seed`: the same seed gives the same parameters.
    -> params (dict), history dict: 'loss' (per step, nats at the query), 'settings'
    """
    c = get_cell(cell)
    for name, v in (("steps", steps), ("hidden_size", hidden_size), ("batch_size", batch_size)):
        check_int(v, name, minimum=1)
    check_int(seq_len, "seq_len", minimum=2, hint="a symbol and the query at least")
    check_optional(check_int, min_seq_len, "min_seq_len", 2, seq_len,
                   hint=f"or None; at most seq_len = {seq_len}")
    _check_task(n_symbols, n_distractors)
    check_positive(learning_rate, "learning_rate")
    check_optional(check_positive, clip_norm, "clip_norm")
    check_float_dtype(dtype)
    V = n_symbols + n_distractors + 1
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    params = c.init_params(V, hidden_size, seed=seed, dtype=dtype)
    opt = Adam(learning_rate=learning_rate)
    losses = np.empty(steps)
    with blas_threads(threads), np.errstate(over="ignore", invalid="ignore"):
        for s in range(steps):
            length = seq_len if min_seq_len is None else int(rng.integers(min_seq_len, seq_len + 1))
            x, y, mask = make_batch(batch_size, length, rng, n_symbols, n_distractors)
            loss, grads, _ = c.loss_and_grads(params, x, y, None, mask)
            if not np.isfinite(loss):
                raise RuntimeError(f"training diverged at step {s + 1}: the loss is {loss}; "
                                   f"use a lower learning rate than {learning_rate}")
            if clip_norm is not None:
                clip_by_global_norm(grads, clip_norm)
            opt.step(params, grads)
            losses[s] = loss
    settings = {"cell": cell, "seq_len": seq_len, "hidden_size": hidden_size, "steps": steps,
                "min_seq_len": min_seq_len, "batch_size": batch_size, "learning_rate": learning_rate, "seed": seed,
                "n_symbols": n_symbols, "n_distractors": n_distractors, "clip_norm": clip_norm,
                "parameters": c.parameter_count(V, hidden_size)}
    return params, {"loss": losses, "settings": settings}
