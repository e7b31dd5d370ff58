"""Notebook 06's checks: attention forward (06.1) and backward (06.2)."""
import numpy as np

from ..gradcheck import numerical_gradient
from ..seq2seq import attention_backward as course_attention_backward
from .core import (Check, array, cache_check, call, diagnose, grad_check, same, shape, softmax_ref,
                   tuple_of)


def _attention_ref(hd, he, mask, scale=1.0):
    e = scale * (hd @ he.transpose(0, 2, 1))
    e = np.where(mask[:, None, :], e, -1e9)
    a = softmax_ref(e, axis=-1)
    return a @ he, a


def attention_forward(attend):
    """Exercise: attend(hd, he, src_mask) -> context c (N, Td, H), weights a (N, Td, Ts), cache:
    dot-product attention of every decoder state over the encoder states; src_mask (N, Ts) is
    True at real characters, False at padding (which must get weight 0); cache = (hd, he, a) as
    helpers.seq2seq.attention_backward reads it."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("attention forward")
    rng = np.random.default_rng(6)
    N, Td, Ts, H = 2, 3, 4, 5
    hd, he = rng.standard_normal((N, Td, H)), rng.standard_normal((N, Ts, H))
    mask = np.arange(Ts) < np.array([Ts, 2])[:, None]          # second word: 2 letters, 2 pads

    out = tuple_of(chk, call(chk, attend, hd, he, mask), 2, "(context, weights, cache)")
    c, a = array(chk, out[0], "the context"), array(chk, out[1], "the weights")
    if a.shape == (N, Ts, Td):
        chk.fail("the weights have shape (N, Ts, Td); they should be (N, Td, Ts): one row per "
                 "decoder step, one column per source position (scores are hd against he)")
    shape(chk, a, (N, Td, Ts), "the weights", " (N, Td, Ts): one row per decoder step")
    shape(chk, c, (N, Td, H), "the context", " (N, Td, H): one vector per decoder step")
    chk.ok()

    chk.require(np.isfinite(a).all() and np.isfinite(c).all() and (a >= 0).all(),
                "the weights and the context should be finite, and the weights >= 0")
    chk.ok()

    rows = a.sum(axis=-1)
    if not np.allclose(rows, 1.0) and np.allclose(a.sum(axis=1), 1.0):
        chk.fail("softmax over the wrong axis: for each decoder step the weights over the source "
                 "positions (the last axis) should sum to 1")
    pad = a[1, :, 2:]
    if np.abs(pad).max() > 1e-9:
        chk.fail(f"padding gets attention (weight up to {np.abs(pad).max():.3f}): give the scores "
                 "of padded positions a very large negative value before the softmax, so that "
                 "their weight is exactly 0")
    if not np.allclose(rows, 1.0):
        chk.fail("the weights of a decoder step do not sum to 1 over the source positions"
                 + (" (was the padding removed after the softmax? mask the scores before it)"
                    if np.isclose(a[1].sum(axis=-1), 1.0).sum() == 0 else ""))
    chk.ok()

    c_want, a_want = _attention_ref(hd, he, mask)
    if not same(a, a_want):
        hint = diagnose(a, [(_attention_ref(hd, he, mask, 1 / np.sqrt(H))[1], "the scores are "
                              "scaled by 1/sqrt(H); this attention uses the plain dot product")])
        chk.fail(hint or "the weights are not the softmax over source positions of the dot "
                 "products between each decoder state and each encoder state")
    chk.ok()

    if not same(c, a @ he):
        chk.fail("the context should be the attention-weighted sum of the encoder states he "
                 "(one weight per source position)")
    chk.ok()

    big = tuple_of(chk, call(chk, attend, 30 * hd, 30 * he, mask), 2, "(context, weights, cache)")
    c_big, a_big = array(chk, big[0], "the context"), array(chk, big[1], "the weights")
    chk.require(np.isfinite(a_big).all() and np.isfinite(c_big).all(),
                "large states (scores in the thousands) give inf or nan: the softmax of the "
                "scores must subtract each row's maximum")
    chk.require(same(a_big, _attention_ref(30 * hd, 30 * he, mask)[1], 1e-5),
                "large states (scores in the thousands) give wrong weights: use a stable softmax")
    chk.ok()

    out = tuple_of(chk, out, 3, "(context, weights, cache)")
    dc = rng.standard_normal(c.shape)
    cache_check(chk, lambda cache: course_attention_backward(dc, cache), out[2], (hd, he, a_want),
                "(hd, he, a) with a the weights after the softmax")
    chk.done()


def attention_backward_variant(dc, hd, he, a, *, jacobian=True, keys=True, values=True):
    """Notebook 06's attention backward from the cache (hd, he, a) -> dhd, dhe; each switch writes
    in one typical mistake (tests/test_check.py uses them as the learner's mutants)."""
    da = dc @ he.transpose(0, 2, 1)
    de = a * (da - (da * a).sum(axis=-1, keepdims=True)) if jacobian else a * da
    dhe = (a.transpose(0, 2, 1) @ dc if values else 0) + (de.transpose(0, 2, 1) @ hd if keys else 0)
    return de @ he, dhe


def attention_backward(backward, forward):
    """Exercise: backward(dc, cache) -> dhd (N, Td, H), dhe (N, Ts, H), the gradients of the
    context's loss with respect to the decoder and encoder states, with the cache made by your
    forward(hd, he, src_mask) -> c, a, cache (checked by its values first)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("attention backward")
    rng = np.random.default_rng(12)
    N, Td, Ts, H = 2, 3, 4, 5
    hd, he = rng.standard_normal((N, Td, H)), rng.standard_normal((N, Ts, H))
    mask = np.arange(Ts) < np.array([Ts, 3])[:, None]
    out = tuple_of(chk, call(chk, forward, hd, he, mask), 3, "(c, a, cache)")
    c_want, a_want = _attention_ref(hd, he, mask)
    chk.require(same(array(chk, out[0], "the context"), c_want) and
                same(array(chk, out[1], "the weights"), a_want), "the attention forward passed "
                "in is wrong; make check.attention_forward pass first")
    dc = rng.standard_normal((N, Td, H))
    cache_check(chk, lambda cache: course_attention_backward(dc, cache), out[2], (hd, he, a_want),
                "(hd, he, a): the forward passed in makes a cache the backward cannot use")
    grads = tuple_of(chk, call(chk, backward, dc, out[2]), 2, "(dhd, dhe)")
    dhd, dhe = array(chk, grads[0], "dhd"), array(chk, grads[1], "dhe")
    shape(chk, dhd, hd.shape, "dhd", " like hd")
    shape(chk, dhe, he.shape, "dhe", " like he")
    chk.ok()

    mistakes = [
        (dict(jacobian=False), "the gradient does not go back through the softmax correctly: a "
         "weight's score also lowers every other weight of its row, so subtract the row's "
         "weighted mean of da before multiplying by a"),
        (dict(keys=False), "misses the path through the scores: he is used twice, as keys "
         "(in the scores) and as values (in the context)"),
        (dict(values=False), "misses the path through the context: he is used twice, as keys "
         "(in the scores) and as values (c = a he)"),
    ]
    variants = [(attention_backward_variant(dc, hd, he, a_want, **kw), h) for kw, h in mistakes]
    arrays = [hd.copy(), he.copy()]

    def loss():
        return np.sum(dc * _attention_ref(arrays[0], arrays[1], mask)[0])

    for k, name, got in ((1, "dhe", dhe), (0, "dhd", dhd)):
        num = numerical_gradient(loss, arrays[k])
        grad_check(chk, got, num, [(v[k], h) for v, h in variants], name)
    chk.done()
