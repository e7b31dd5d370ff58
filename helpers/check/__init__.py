"""Self-checks for the exercises: test a learner's function by its properties, not by a copy.

After each exercise a notebook has a check cell that calls one check, e.g. for Exercise 01.1

    import importlib, sys   # graded: the checks as shipped, read afresh from disk
    [sys.modules.pop(m) for m in list(sys.modules) if m.startswith("helpers.check")]
    importlib.import_module("helpers.check").softmax_temperature(softmax_t)

It loads this package afresh from disk, so a check rebound in the notebook's kernel
(check.softmax_temperature = ...) cannot fake a pass when nbgrader grades the cell. Outside a
graded cell, `from helpers import check; check.softmax_temperature(softmax_t)` does the same.

A check calls your function on small inputs with a fixed seed and tests what must hold for any
correct answer: shapes, known values, invariants (probabilities sum to 1, padding gets no
attention, ...), everything returned besides the graded value (a forward's cache is run
through the course's backward) and gradients against numerical ones (helpers.gradcheck). It
prints one line when everything holds, e.g. "softmax with temperature: all 8 checks passed". Otherwise it
raises ExerciseError (an AssertionError) saying what is wrong in words you can act on; it
never shows the solution or the expected array. Where a typical mistake fits what your
function returned (a gradient not summed over time, a softmax over the wrong axis, ...) the
message names that mistake.

An unfinished exercise still raises its NotImplementedError stub, unchanged. Any other
exception your function raises becomes an ExerciseError that names the input's shapes (the
original exception is chained, so the traceback still shows the line). Your function gets
copies of its inputs; changing one in place is reported by name.

Each notebook's checks sit in one module (nb01_softmax ... nb08_gated) beside the shared
machinery in core; the references they compare with, including the "typical mistake" variants
(e.g. nb02_recurrence.bptt_variant), are public so tests/test_check.py builds its catalogue
of mistakes from the same code.

Checks (the function under test is always the first argument):

    softmax_temperature(softmax_t)             01  softmax_t(logits, temperature) -> p
    entropy(entropy_fn)                        01  entropy_fn(p) -> -sum p ln p (nats, last axis)
    rnn_step_forward(step)                     02  step(x, h_prev, Wxh, Whh, bh) -> h, cache
    bptt(lossFun)                              02  lossFun(inputs, targets, hprev, params) -> loss, grads, ...
    char_step(step)                            03  step(params, ix, h) -> h_new (H,), logits (V,)
    sample_index(sample)                       03  sample(p, rng) -> index
    sample_with_temperature(sample)            03  sample(logits, temperature, rng) -> index
    adder_forward(forward, T=8, H=16)          04  forward(x, Wxh, Whh, Why) -> hs (T + 1, H), ps (T,)
    adder_bptt(bptt, T=8, H=16)                04  bptt(x, y, hs, ps, Wxh, Whh, Why) -> dWxh, dWhh, dWhy
    next_char_probs(probs)                     05  probs(params, hs) -> p (N, V), softmax(Why h + by) per row
    ablate(ablate_fn)                          05  ablate_fn(params, units) -> params with units off
    attention_forward(attend)                  06  attend(hd, he, src_mask) -> c, a, cache
    attention_backward(backward, forward)      06  backward(dc, cache) -> dhd, dhe
    bigram_counts(count)                       07  count(names) -> C (27, 27)
    pad_batch(pad)                             07  pad(names) -> x, y, mask (N, longest + 1)
    lstm_step_forward(forward)                 08  forward(x, h_prev, c_prev, Wx, Wh, b) -> h, c, cache
    lstm_step_backward(backward, forward)      08  backward(dh, dc, cache) -> dx, dh_prev, dc_prev, dWx, dWh, db
    gru_step_forward(forward)                  08  forward(x, h_prev, Wx, Wh, bx, bh) -> h, cache
    gru_step_backward(backward, forward)       08  backward(dh, cache) -> dx, dh_prev, dWx, dWh, dbx, dbh
"""
from .core import ExerciseError
from .nb01_softmax import entropy, softmax_temperature
from .nb02_recurrence import bptt, rnn_step_forward
from .nb03_char_rnn import char_step, sample_index, sample_with_temperature
from .nb04_adder import adder_bptt, adder_forward
from .nb05_weights import ablate, next_char_probs
from .nb06_attention import attention_backward, attention_forward
from .nb07_names import bigram_counts, pad_batch
from .nb08_gated import gru_step_backward, gru_step_forward, lstm_step_backward, lstm_step_forward

__all__ = ["ExerciseError", "CHECKS", "softmax_temperature", "entropy", "rnn_step_forward",
           "bptt", "char_step", "sample_index", "sample_with_temperature", "adder_forward",
           "adder_bptt", "ablate", "next_char_probs", "attention_forward", "attention_backward",
           "bigram_counts", "pad_batch", "lstm_step_forward", "lstm_step_backward",
           "gru_step_forward", "gru_step_backward"]

CHECKS = {name: globals()[name] for name in __all__ if name not in ("ExerciseError", "CHECKS")}

