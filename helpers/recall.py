"""A task with a long-range dependency: read a symbol, then k distractors, then recall the symbol.

    A  x y y x w ... x  ?   ->  A          (k = seq_len - 2 distractors between A and '?')

Ids: 0 .. n_symbols-1 are the symbols to remember, the next n_distractors ids are distractors,
the last id is the query '?'. Only the answer at '?' counts (a mask), so guessing scores
1 / n_symbols. The network must carry the first symbol through k steps of noise: easy for a
gated cell, which can shut its input and keep its state, hard for a vanilla RNN, whose state
is rewritten at every step and whose gradient fades over the gap.

Any cell of helpers.cells can be trained on it:

    params = init_params("lstm", hidden_size=32, seed=0)
    history = train(params, steps=400, seed=0)
"""
import time

import numpy as np

from .cells import cell_of, get_cell
from .optim import Adam, check_schedule, scheduled_learning_rate
from .threads import blas_threads
from .training import (Budget, Recorder, check_budget, check_clipping, check_divergence,
                       check_max_loss, clip_gradients, make_rng)
from .validate import check_float_dtype, check_int, check_optional


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


def init_params(cell, hidden_size=32, seed=0, n_symbols=8, n_distractors=4, dtype=np.float64):
    """Fresh parameters of `cell` ('rnn', 'lstm' or 'gru') for the task's vocabulary."""
    _check_task(n_symbols, n_distractors)
    check_float_dtype(dtype)
    return get_cell(cell).init_params(n_symbols + n_distractors + 1, hidden_size, seed=seed,
                                      dtype=dtype)


def train(params, *, seed, steps=None, seconds=None, seq_len=32, min_seq_len=None,
          batch_size=32, learning_rate=1e-2, final_learning_rate=None, schedule="constant",
          clip=None, max_norm=1.0, max_loss=None, n_symbols=8, n_distractors=4, log=None,
          log_every=50, threads=1):
    """Adam on the recall task: every step trains on batch_size fresh sequences of seq_len ids
    (a gap of seq_len - 2), the loss counted at the query only.

    The trainer contract of helpers.training (budget, seed, schedule, clip / max_norm, log,
    threads); the cell is the one whose parameters params holds (see init_params).
    min_seq_len: if given, each step draws its length uniformly from min_seq_len .. seq_len
    instead: a curriculum, in which the short gaps show what to remember. max_loss None: 3 ln V.
    Updates params in place. -> the History of records ('step', 'loss' in nats at the query,
    'learning_rate', 'seconds').
    """
    cell = get_cell(cell_of(params))
    budget = Budget(*check_budget(steps, seconds))
    rng = make_rng(seed)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_int(seq_len, "seq_len", minimum=2, hint="a symbol and the query at least")
    check_optional(check_int, min_seq_len, "min_seq_len", 2, seq_len,
                   hint=f"or None; at most seq_len = {seq_len}")
    _check_task(n_symbols, n_distractors)
    V, _ = cell.check_params(params)
    if V != n_symbols + n_distractors + 1:
        raise ValueError(f"params are for {V} symbols; the task has n_symbols + n_distractors + 1 "
                         f"= {n_symbols + n_distractors + 1} (make them with recall.init_params)")
    check_schedule(learning_rate, final_learning_rate, schedule)
    clip, max_norm = check_clipping(clip, max_norm)
    max_loss = check_max_loss(max_loss, np.log(V))
    recorder = Recorder(budget, log, log_every)
    opt = Adam(learning_rate)
    with blas_threads(threads), np.errstate(over="ignore", invalid="ignore"):
        # the contract's loop (helpers.training), written out in every trainer: it shows
        # this task's batch and maths, one line each
        while not budget.done():
            t0 = time.perf_counter()
            length = seq_len if min_seq_len is None else int(rng.integers(min_seq_len, seq_len + 1))
            x, y, mask = make_batch(batch_size, length, rng, n_symbols, n_distractors)
            loss, grads, _ = cell.loss_and_grads(params, x, y, None, mask)  # forward, backward
            check_divergence(loss, budget.step + 1, learning_rate, max_loss)
            clip_gradients(grads, clip, max_norm)
            opt.learning_rate = scheduled_learning_rate(learning_rate, budget.fraction(),
                                                        final_learning_rate, schedule)
            opt.step(params, grads)
            budget.tick(t0)
            recorder.add(loss)
            if recorder.due():
                recorder.record(opt.learning_rate)
    return recorder.history
