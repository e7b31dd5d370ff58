"""Notebook 01's checks: softmax with temperature (01.1), entropy in nats (01.2)."""
import numpy as np

from .core import (Check, array, call, diagnose, entropy_ref, same, scalar, shape, softmax_ref,
                   summary, two_numbers)


def softmax_temperature(softmax_t):
    """Exercise: softmax_t(logits, temperature) -> probabilities softmax(logits / T) along the
    last axis, same shape as logits, finite for huge logits and tiny temperatures."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("softmax with temperature")
    z = np.array([1.0, 2.0, 3.0])
    Z = np.random.default_rng(0).normal(scale=3.0, size=(4, 5))

    p = array(chk, call(chk, softmax_t, z, 1.0), "the result")
    shape(chk, p, z.shape, "for 3 logits the result", " (one probability per logit)")
    P = array(chk, call(chk, softmax_t, Z, 1.0), "the result")
    shape(chk, P, Z.shape, "for logits of shape (4, 5) the result",
           " (one probability per logit, along the last axis)")
    chk.ok()

    chk.require(np.isfinite(P).all() and (P >= 0).all(),
                "the probabilities should be finite and >= 0 for ordinary logits")
    chk.ok()

    rows = P.sum(axis=-1)
    if not np.allclose(rows, 1.0):
        if np.allclose(P.sum(axis=0), 1.0):
            chk.fail("normalised over the wrong axis: each row (the last axis) should sum to 1, "
                     "yours sum to 1 down the columns; sum along axis=-1 with keepdims=True")
        if np.isclose(P.sum(), 1.0):
            chk.fail("the whole array sums to 1, but each row should: divide by the sum along "
                     "the last axis (axis=-1, keepdims=True), not by the sum of everything")
        chk.fail(f"the probabilities do not sum to 1 along the last axis (row sums from "
                 f"{rows.min():.4g} to {rows.max():.4g})")
    chk.ok()

    want = softmax_ref(z)
    chk.require(same(p, want), f"wrong values at temperature 1: for logits (1, 2, 3) the "
                f"largest probability should be {want[2]:.4f}, got {p[2]:.4f}")
    chk.ok()

    for T in (2.0, 0.5):
        pT = array(chk, call(chk, softmax_t, z, T), "the result")
        if same(pT, softmax_ref(z / T)):
            continue
        hint = diagnose(pT, [(softmax_ref(z * T), "the temperature multiplies the logits; "
                               "it should divide them: softmax(z / T)"),
                              (softmax_ref(z), "the temperature has no effect: the logits "
                               "should be divided by it")])
        if hint:
            chk.fail(hint)
        h1, h2 = entropy_ref(p), entropy_ref(call(chk, softmax_t, z, 2.0))
        if not h2 > h1:
            chk.fail("with temperature 2 the distribution should be flatter (higher entropy) "
                     "than with temperature 1")
        chk.fail(f"wrong values at temperature {T:g}: softmax_t(z, T) should equal softmax(z / T)")
    chk.ok()
    _softmax_stability(chk, softmax_t, z)
    chk.done()


def _softmax_stability(chk, softmax_t, z):
    """softmax_temperature, continued: huge logits and tiny temperatures stay finite."""
    __tracebackhide__ = True
    for big in (np.array([1000.0, 1001.0, 1002.0]), np.array([-1000.0, -1001.0, -1002.0])):
        pb = array(chk, call(chk, softmax_t, big, 1.0), "the result")
        if not np.isfinite(pb).all():
            chk.fail(f"logits around {big[0]:g} give {summary(pb)}: exp overflows or underflows. "
                     "Subtract the largest logit before exp; it does not change the result")
        chk.require(same(pb, softmax_ref(big)), f"logits around {big[0]:g} give wrong "
                    "probabilities; shifting all logits by a constant must not change them")
    chk.ok()

    mixed = np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0]])
    pm = array(chk, call(chk, softmax_t, mixed, 1.0), "the result")
    if not (np.isfinite(pm).all() and same(pm, softmax_ref(mixed))):
        chk.fail("rows with very different logits ((0, 1, 2) and (1000, 1001, 1002)) go wrong: "
                 "subtract the maximum of each row (along the last axis, keepdims=True), not "
                 "the maximum of the whole array")
    chk.ok()

    pt = array(chk, call(chk, softmax_t, z, 1e-3), "the result")
    chk.require(np.isfinite(pt).all() and np.allclose(pt, [0.0, 0.0, 1.0]),
                "at temperature 0.001 the result should be finite and put all the mass on the "
                "largest logit; make sure the shift by the maximum comes before exp")
    chk.ok()


def entropy(entropy_fn):
    """Exercise: entropy_fn(p) -> -sum p ln p in nats along the last axis (0 ln 0 counts as 0)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("entropy")
    p = np.array([0.5, 0.25, 0.25])
    want = entropy_ref(p)
    one = (" for one distribution p of shape (3,); summing with keepdims=True keeps the summed "
           "axis")
    got = scalar(chk, call(chk, entropy_fn, p), "the entropy", one)
    if not np.isclose(got, want, rtol=1e-9):
        hint = diagnose(got, [(-want, "the sign is wrong: entropy is minus the sum of p ln p, "
                                "so it is >= 0"),
                               (want / np.log(2), "this is in bits; the course measures entropy "
                                "in nats (natural logarithm)"),
                               (want / np.log(10), "this uses log10; the course measures entropy "
                                "in nats (natural logarithm)")])
        w, g = two_numbers(want, got)
        close = (" It is close: is something added inside the log (log(p + eps))? Count 0 ln 0 "
                 "as 0 by taking the log only where p > 0") if abs(got - want) < 1e-3 else ""
        chk.fail(hint or f"wrong value for p = (0.5, 0.25, 0.25): expected {w} nats, got {g}."
                 + close)
    chk.ok()

    K = 4
    u = scalar(chk, call(chk, entropy_fn, np.full(K, 1 / K)), "the entropy", one)
    w, g = two_numbers(np.log(K), u)
    chk.require(np.isclose(u, np.log(K), rtol=1e-9), f"the uniform distribution over {K} symbols "
                f"should have the largest entropy, ln {K} = {w}, got {g}")
    chk.ok()

    sure = scalar(chk, call(chk, entropy_fn, np.array([0.0, 1.0, 0.0])), "the entropy", one)
    chk.require(np.isfinite(sure), "a probability of 0 gives nan (0 * ln 0): count 0 ln 0 "
                "as 0, e.g. by taking the log only where p > 0")
    chk.require(np.isclose(sure, 0.0), "a one-hot distribution (certainty) should have "
                f"entropy 0, got {sure:.3g}")
    chk.ok()

    P = np.array([[0.5, 0.25, 0.25], [1.0, 0.0, 0.0]])
    rows = array(chk, call(chk, entropy_fn, P), "the entropy")
    if rows.shape != (2,):
        chk.fail(f"for probabilities of shape (2, 3) (two distributions, one per row) the result "
                 f"should have shape (2,): one entropy per row, summed along the last axis; "
                 f"got shape {rows.shape}")
    chk.require(np.allclose(rows, [want, 0.0]), "with two distributions, one per row, each row's "
                "entropy should be computed on its own (sum along the last axis)")
    chk.ok()
    chk.done()
