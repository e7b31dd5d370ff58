"""Self-checks for the exercises: test a learner's function by its properties, not by a copy.

After each exercise a notebook has a check cell, e.g.

    from helpers import check
    check.softmax_temperature(softmax_t)          # Exercise 01.1

A check calls your function on small inputs with a fixed seed and tests what must hold for any
correct answer: shapes, known values, invariants (probabilities sum to 1, padding gets no
attention, ...) and gradients against numerical ones (helpers.gradcheck). It prints one line
when everything holds, e.g. "softmax with temperature: all 8 checks passed". Otherwise it
raises ExerciseError (an AssertionError) saying what is wrong in words you can act on; it
never shows the solution or the expected array. Where a typical mistake fits what your
function returned (a gradient not summed over time, a softmax over the wrong axis, ...) the
message names that mistake.

An unfinished exercise still raises its NotImplementedError stub, unchanged. Any other
exception your function raises becomes an ExerciseError that names the input's shapes (the
original exception is chained, so the traceback still shows the line).

Checks (the function under test is always the first argument):

    softmax_temperature(softmax_t)             01  softmax_t(logits, temperature) -> p
    entropy(entropy_fn)                        01  entropy_fn(p) -> -sum p ln p (nats, last axis)
    rnn_step_forward(step)                     02  step(x, h_prev, Wxh, Whh, bh) -> h or (h, cache)
    bptt(lossFun)                              02  lossFun(inputs, targets, hprev, params) -> loss, grads, ...
    char_step(step)                            03  step(params, ix, h) -> h_new (H,), logits (V,)
    sample_index(sample)                       03  sample(p, rng) -> index
    sample_with_temperature(sample)            03  sample(logits, temperature, rng) -> index
    adder_forward(forward, T=8, H=16)          04  forward(x, Wxh, Whh, Why) -> hs (T + 1, H), ps (T,)
    adder_bptt(bptt, T=8, H=16)                04  bptt(x, y, hs, ps, Wxh, Whh, Why) -> dWxh, dWhh, dWhy
    ablate(ablate_fn)                          05  ablate_fn(params, units) -> params with units off
    next_char_probs(probs)                     05  probs(params, hs) -> p (N, V), softmax(Why h + by) per row
    attention_forward(attend)                  06  attend(hd, he, src_mask) -> c, a[, cache]
    attention_backward(backward, forward)      06  backward(dc, cache) -> dhd, dhe
    bigram_counts(count)                       07  count(names) -> C (27, 27)
    pad_batch(pad)                             07  pad(names) -> x, y, mask (N, longest + 1)
    lstm_step_forward(forward)                 08  forward(x, h_prev, c_prev, Wx, Wh, b) -> h, c, cache
    lstm_step_backward(backward, forward)      08  backward(dh, dc, cache) -> dx, dh_prev, dc_prev, dWx, dWh, db
    gru_step_forward(forward)                  08  forward(x, h_prev, Wx, Wh, bx, bh) -> h, cache
    gru_step_backward(backward, forward)       08  backward(dh, cache) -> dx, dh_prev, dWx, dWh, dbx, dbh
"""
import numbers

import numpy as np

from .gradcheck import norm_rel_error, numerical_gradient

__all__ = ["ExerciseError", "CHECKS", "softmax_temperature", "entropy", "rnn_step_forward",
           "bptt", "char_step", "sample_index", "sample_with_temperature", "adder_forward",
           "adder_bptt", "ablate", "next_char_probs", "attention_forward", "attention_backward",
           "bigram_counts", "pad_batch", "lstm_step_forward", "lstm_step_backward",
           "gru_step_forward", "gru_step_backward"]

GRAD_TOL = 1e-5    # norm_rel_error between a float64 gradient and a numerical one: ~1e-9 when right
MATCH_TOL = 1e-6   # "your output equals this variant" (a known mistake, or the right answer)


class ExerciseError(AssertionError):
    """A check found a problem with an exercise's function; the message says what to fix."""


# ---------------------------------------------------------------- machinery shared by the checks

class _Check:
    """Counts the properties that held; fail() raises with the exercise's title in front."""

    def __init__(self, title):
        self.title, self.passed = title, 0

    def fail(self, hint):
        __tracebackhide__ = True
        raise ExerciseError(f"{self.title}: {hint}")

    def require(self, condition, hint):
        __tracebackhide__ = True
        if not condition:
            self.fail(hint)

    def ok(self):
        self.passed += 1

    def done(self):
        print(f"{self.title}: all {self.passed} checks passed")


def _describe(args):
    parts = []
    for a in args:
        if isinstance(a, np.ndarray):
            parts.append(f"array{a.shape}")
        elif isinstance(a, np.random.Generator):
            parts.append("Generator")
        elif isinstance(a, dict):
            parts.append("dict(" + ", ".join(f"{k}{np.shape(v)}" for k, v in a.items()) + ")")
        elif isinstance(a, (list, tuple)) and len(a) > 6:
            parts.append(f"{type(a).__name__} of {len(a)}")
        else:
            parts.append(repr(a))
    return ", ".join(parts)


def _call(chk, f, *args):
    """f(*args) with floating-point warnings silenced. NotImplementedError (an unfinished stub)
    passes through; any other exception becomes an ExerciseError naming the inputs."""
    __tracebackhide__ = True
    try:
        with np.errstate(all="ignore"):
            return f(*args)
    except NotImplementedError:
        raise
    except ExerciseError:
        raise
    except Exception as e:
        name = getattr(f, "__name__", "your function")
        raise ExerciseError(f"{chk.title}: {name}({_describe(args)}) raised {type(e).__name__}: {e}. "
                            "Check the shapes in each product and the axis of each sum.") from e


def _array(chk, value, what):
    __tracebackhide__ = True
    if value is None:
        chk.fail(f"{what} is None: is a `return` missing?")
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        chk.fail(f"{what} should be a NumPy array of numbers, got {type(value).__name__}")
    return a


def _same(x, y, tol=MATCH_TOL):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return x.shape == y.shape and bool(np.all(np.isfinite(x))) and norm_rel_error(x, y) < tol


def _diagnose(got, variants):
    """The hint of the first known mistake whose output equals `got`, or None."""
    for value, hint in variants:
        if _same(got, value):
            return hint
    return None


def _grad_check(chk, got, num, candidates, name=None):
    """Fail with the hint of the known mistake that `got` matches, or with the relative error,
    unless the learner's gradient `got` agrees with the numerical one `num`."""
    __tracebackhide__ = True
    err = norm_rel_error(got, num) if np.isfinite(got).all() else np.inf
    if err > GRAD_TOL:
        hint = _diagnose(got, candidates) or (f"disagrees with the numerical gradient (relative "
                                              f"error {err:.1e}, should be below {GRAD_TOL:.0e})")
        chk.fail(hint if name is None else f"{name}: {hint}")
    chk.ok()


def _shape(chk, a, shape, what, why=""):
    __tracebackhide__ = True
    if a.shape != tuple(shape):
        chk.fail(f"{what} should have shape {tuple(shape)}{why}, got {a.shape}")


def _tuple(chk, out, n_min, what):
    __tracebackhide__ = True
    if out is None:
        chk.fail(f"it returned None, it should return {what}: is a `return` missing?")
    if not isinstance(out, (tuple, list)) or len(out) < n_min:
        got = f"a {type(out).__name__} of {len(out)}" if isinstance(out, (tuple, list)) \
            else type(out).__name__
        chk.fail(f"it should return {what}, got {got}")
    return out


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _softmax_ref(z, axis=-1):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _entropy(p):
    p = np.asarray(p, dtype=np.float64)
    return float(-(p * np.log(np.where(p > 0, p, 1.0))).sum())


# ---------------------------------------------------------------- 01 softmax with temperature

def softmax_temperature(softmax_t):
    """Exercise: softmax_t(logits, temperature) -> probabilities softmax(logits / T) along the
    last axis, same shape as logits, finite for huge logits and tiny temperatures."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("softmax with temperature")
    z = np.array([1.0, 2.0, 3.0])
    Z = np.random.default_rng(0).normal(scale=3.0, size=(4, 5))
    Z_before = Z.copy()

    p = _array(chk, _call(chk, softmax_t, z, 1.0), "the result")
    _shape(chk, p, z.shape, "for 3 logits the result", " (one probability per logit)")
    P = _array(chk, _call(chk, softmax_t, Z, 1.0), "the result")
    chk.require(np.array_equal(Z, Z_before), "your function changed the logits it was given "
                "(an in-place operation such as z -= ...); compute on a new array instead")
    _shape(chk, P, Z.shape, "for logits of shape (4, 5) the result",
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

    want = _softmax_ref(z)
    chk.require(_same(p, want), f"wrong values at temperature 1: for logits (1, 2, 3) the "
                f"largest probability should be {want[2]:.4f}, got {p[2]:.4f}")
    chk.ok()

    for T in (2.0, 0.5):
        pT = _array(chk, _call(chk, softmax_t, z, T), "the result")
        if _same(pT, _softmax_ref(z / T)):
            continue
        hint = _diagnose(pT, [(_softmax_ref(z * T), "the temperature multiplies the logits; "
                               "it should divide them: softmax(z / T)"),
                              (_softmax_ref(z), "the temperature has no effect: the logits "
                               "should be divided by it")])
        if hint:
            chk.fail(hint)
        h1, h2 = _entropy(p), _entropy(_call(chk, softmax_t, z, 2.0))
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
        pb = _array(chk, _call(chk, softmax_t, big, 1.0), "the result")
        if not np.isfinite(pb).all():
            chk.fail(f"logits around {big[0]:g} give {pb}: exp overflows or underflows. "
                     "Subtract the largest logit before exp; it does not change the result")
        chk.require(_same(pb, _softmax_ref(big)), f"logits around {big[0]:g} give wrong "
                    "probabilities; shifting all logits by a constant must not change them")
    chk.ok()

    mixed = np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0]])
    pm = _array(chk, _call(chk, softmax_t, mixed, 1.0), "the result")
    if not (np.isfinite(pm).all() and _same(pm, _softmax_ref(mixed))):
        chk.fail("rows with very different logits ((0, 1, 2) and (1000, 1001, 1002)) go wrong: "
                 "subtract the maximum of each row (along the last axis, keepdims=True), not "
                 "the maximum of the whole array")
    chk.ok()

    pt = _array(chk, _call(chk, softmax_t, z, 1e-3), "the result")
    chk.require(np.isfinite(pt).all() and np.allclose(pt, [0.0, 0.0, 1.0]),
                "at temperature 0.001 the result should be finite and put all the mass on the "
                "largest logit; make sure the shift by the maximum comes before exp")
    chk.ok()


def entropy(entropy_fn):
    """Exercise: entropy_fn(p) -> -sum p ln p in nats along the last axis (0 ln 0 counts as 0)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("entropy")
    p = np.array([0.5, 0.25, 0.25])
    want = _entropy(p)
    got = float(_array(chk, _call(chk, entropy_fn, p.copy()), "the entropy"))
    if not np.isclose(got, want, rtol=1e-9):
        hint = _diagnose(got, [(-want, "the sign is wrong: entropy is minus the sum of p ln p, "
                                "so it is >= 0"),
                               (want / np.log(2), "this is in bits; the course measures entropy "
                                "in nats (natural logarithm)"),
                               (want / np.log(10), "this uses log10; the course measures entropy "
                                "in nats (natural logarithm)")])
        chk.fail(hint or f"wrong value for p = (0.5, 0.25, 0.25): expected about {want:.4f} nats, "
                 f"got {got:.4f}")
    chk.ok()

    K = 4
    u = float(_array(chk, _call(chk, entropy_fn, np.full(K, 1 / K)), "the entropy"))
    chk.require(np.isclose(u, np.log(K)), f"the uniform distribution over {K} symbols should "
                f"have the largest entropy, ln {K} = {np.log(K):.4f}, got {u:.4f}")
    chk.ok()

    sure = _array(chk, _call(chk, entropy_fn, np.array([0.0, 1.0, 0.0])), "the entropy")
    chk.require(np.isfinite(sure).all(), "a probability of 0 gives nan (0 * ln 0): count 0 ln 0 "
                "as 0, e.g. by taking the log only where p > 0")
    chk.require(np.isclose(float(sure), 0.0), "a one-hot distribution (certainty) should have "
                "entropy 0")
    chk.ok()

    P = np.array([[0.5, 0.25, 0.25], [1.0, 0.0, 0.0]])
    rows = _array(chk, _call(chk, entropy_fn, P.copy()), "the entropy")
    if rows.shape != (2,):
        chk.fail(f"for probabilities of shape (2, 3) (two distributions, one per row) the result "
                 f"should have shape (2,): one entropy per row, summed along the last axis; "
                 f"got shape {rows.shape}")
    chk.require(np.allclose(rows, [want, 0.0]), "with two distributions, one per row, each row's "
                "entropy should be computed on its own (sum along the last axis)")
    chk.ok()
    chk.done()


# ---------------------------------------------------------------- 02 the RNN step, BPTT

def rnn_step_forward(step):
    """Exercise: step(x, h_prev, Wxh, Whh, bh) -> h (N, H) (or (h, cache)), with row vectors:
    x (N, D), h_prev (N, H), Wxh (H, D), Whh (H, H), bh (H,), h = tanh of the pre-activation."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("RNN step forward")
    rng = np.random.default_rng(2)
    N, D, H = 3, 4, 5
    x, h_prev = rng.standard_normal((N, D)), np.tanh(rng.standard_normal((N, H)))
    Wxh, Whh, bh = rng.standard_normal((H, D)), rng.standard_normal((H, H)), rng.standard_normal(H)

    def run(*args):
        out = _call(chk, step, *args)
        return _array(chk, out[0] if isinstance(out, (tuple, list)) else out, "h")

    h = run(x, h_prev, Wxh, Whh, bh)
    _shape(chk, h, (N, H), "h", " (N, H): one hidden state per example")
    chk.ok()

    chk.require(np.isfinite(h).all() and np.abs(h).max() < 1, "h should lie strictly between "
                "-1 and 1, the range of tanh; is the tanh missing?")
    chk.ok()

    a = x @ Wxh.T + h_prev @ Whh.T + bh
    if not _same(h, np.tanh(a)):
        hint = _diagnose(h, [
            (np.tanh(x @ Wxh.T + h_prev @ Whh + bh), "the recurrent term uses Whh as it is; with "
             "row vectors h_prev (N, H) it needs the transpose, like the input term"),
            (np.tanh(x @ Wxh.T + h_prev @ Whh.T), "the bias bh is not added"),
            (np.tanh(x @ Wxh.T + bh), "h does not depend on h_prev: the recurrent term is missing"),
            (np.tanh(h_prev @ Whh.T + bh), "h does not depend on x: the input term is missing"),
            (_sigmoid(a), "the activation looks like a sigmoid; the RNN step uses tanh"),
        ])
        chk.fail(hint or f"h differs from the step's formula (largest difference "
                 f"{np.abs(h - np.tanh(a)).max():.3g}); compare each term with the formula")
    chk.ok()

    ones = np.ones((2, 2))
    h1 = run(np.ones((1, 2)), np.zeros((1, 2)), ones, ones, np.zeros(2))
    chk.require(_same(h1, np.full((1, 2), np.tanh(2.0))), "the hand example of notebook 02 "
                "(all weights 1, x = (1, 1), h_prev = 0, no bias) should give tanh(2) = "
                f"{np.tanh(2.0):.4f} in both units")
    chk.ok()

    rows = np.vstack([run(x[n:n + 1], h_prev[n:n + 1], Wxh, Whh, bh) for n in range(N)])
    chk.require(_same(rows, h), "each example of the batch should be computed on its own: "
                "row n of h must depend only on row n of x and h_prev")
    chk.ok()
    chk.done()


def _bptt_ref(inputs, targets, hprev, p, *, tanh_prime=True, carry=True, accumulate="all",
              whh_t=True, prev_h=True, transpose_dwhh=False, onehot=True):
    """min-char-rnn's loss and gradients, with switches that reproduce typical mistakes."""
    Wxh, Whh, bh, Why, by = p["Wxh"], p["Whh"], p["bh"], p["Why"], p["by"]
    V, T = Wxh.shape[1], len(inputs)
    xs, hs, ps = {}, {-1: hprev}, {}
    loss = 0.0
    for t in range(T):
        xs[t] = np.eye(V)[inputs[t]]
        hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
        ps[t] = _softmax_ref(Why @ hs[t] + by)
        loss -= np.log(ps[t][targets[t]])
    g = {k: np.zeros_like(v) for k, v in p.items()}
    dh_next = np.zeros_like(hprev)
    for t in reversed(range(T)):
        keep = accumulate == "all" or (accumulate == "first" and t == 0) or \
            (accumulate == "last" and t == T - 1)
        dy = ps[t].copy()
        if onehot:
            dy[targets[t]] -= 1
        dh = Why.T @ dy + (dh_next if carry else 0)
        dhraw = (1 - hs[t] ** 2) * dh if tanh_prime else dh
        hp = hs[t - 1] if prev_h else hs[t]
        dWhh = np.outer(hp, dhraw) if transpose_dwhh else np.outer(dhraw, hp)
        for k, v in (("Why", np.outer(dy, hs[t])), ("by", dy), ("bh", dhraw),
                     ("Wxh", np.outer(dhraw, xs[t])), ("Whh", dWhh)):
            if accumulate == "all":
                g[k] = g[k] + v
            elif keep:          # "=" instead of "+=": one step's contribution survives
                g[k] = v
        dh_next = (Whh.T if whh_t else Whh) @ dhraw
    return loss, g


BPTT_KEYS = ("Wxh", "Whh", "bh", "Why", "by")


def bptt(lossFun):
    """Exercise: min-char-rnn's lossFun(inputs, targets, hprev, params) -> loss, grads, ...
    with params and grads dicts over Wxh (H, V), Whh (H, H), bh (H,), Why (V, H), by (V,), the
    loss summed over the steps (nats), inputs/targets lists of character ids, hprev (H,)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("backpropagation through time")
    rng = np.random.default_rng(5)
    V, H, T = 4, 3, 5
    p = {"Wxh": 0.5 * rng.standard_normal((H, V)), "Whh": 0.5 * rng.standard_normal((H, H)),
         "bh": 0.5 * rng.standard_normal(H), "Why": 0.5 * rng.standard_normal((V, H)),
         "by": 0.5 * rng.standard_normal(V)}
    inputs = [int(i) for i in rng.integers(0, V, T)]
    targets = [int(i) for i in rng.integers(0, V, T)]
    hprev = np.tanh(rng.standard_normal(H))
    before = {k: v.copy() for k, v in p.items()}

    out = _tuple(chk, _call(chk, lossFun, inputs, targets, hprev.copy(), p), 2,
                 "(loss, grads, ...) with grads a dict of the five gradients")
    chk.require(all(np.array_equal(p[k], before[k]) for k in p),
                "your function changed the parameters it was given; only read them")
    loss, grads = out[0], out[1]
    if not isinstance(grads, dict):
        chk.fail(f"the second value returned should be a dict of gradients, got {type(grads).__name__}")
    missing = [k for k in BPTT_KEYS if k not in grads]
    chk.require(not missing, f"grads is missing {missing}; it needs one gradient per parameter: "
                f"{list(BPTT_KEYS)}")
    for k in BPTT_KEYS:
        _shape(chk, _array(chk, grads[k], f"d{k}"), p[k].shape, f"d{k}",
               f" (a gradient has its parameter's shape, like {k})")
    chk.ok()

    want_loss, want = _bptt_ref(inputs, targets, hprev, p)
    loss = float(np.asarray(loss))
    if not np.isclose(loss, want_loss, rtol=1e-9):
        if np.isclose(loss * T, want_loss, rtol=1e-9):
            chk.fail("the loss is the mean over the steps; min-char-rnn sums -ln p(target) over them")
        chk.fail(f"the loss should be the sum over the {T} steps of -ln p(target), in nats; "
                 f"yours differs by {abs(loss - want_loss):.3g}")
    chk.ok()

    mistakes = [
        (dict(accumulate="first"), "d{k} has the right shape but misses the sum over time: "
         "every step adds its own contribution (+=), not only the last one computed"),
        (dict(accumulate="last"), "d{k} has the right shape but misses the sum over time: "
         "every step adds its own contribution (+=), not only one step's"),
        (dict(tanh_prime=False), "d{k} misses the derivative of the tanh: the gradient must go "
         "back through h_t = tanh(a_t), i.e. be multiplied by 1 - h_t**2"),
        (dict(carry=False), "d{k} misses the gradient from later steps: dh at step t is what its "
         "own output sends back plus dh_next, carried back from step t + 1"),
        (dict(whh_t=False), "d{k} is wrong because dh_next is carried back with Whh as it is; "
         "going back through Whh @ h means multiplying by its transpose"),
        (dict(prev_h=False), "d{k} pairs step t's gradient with h_t; Whh multiplies the "
         "previous state h_{{t-1}}, so that is the state to use"),
        (dict(transpose_dwhh=True), "d{k} is transposed: its entry [i, j] belongs to weight "
         "Whh[i, j], from unit j of h_{{t-1}} to unit i of h_t"),
        (dict(onehot=False), "d{k} misses the target: the gradient of the loss with respect to "
         "the scores is p minus the one-hot target"),
    ]
    variants = [(_bptt_ref(inputs, targets, hprev, p, **kw)[1], hint) for kw, hint in mistakes]
    for k in ("by", "Why", "bh", "Whh", "Wxh"):
        f = lambda: _bptt_ref(inputs, targets, hprev, p)[0]
        num = numerical_gradient(f, p[k])
        got = np.asarray(grads[k], dtype=np.float64)
        _grad_check(chk, got, num, [(v[k], h.format(k=k)) for v, h in variants])  # hints name d{k}
    chk.done()


# ---------------------------------------------------------------- 03 sampling

def _draws(chk, sample, args_of_rng, seed, n):
    __tracebackhide__ = True
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        ix = _call(chk, sample, *args_of_rng(rng))
        out.append(_index(chk, ix))
    return np.array(out)


def _index(chk, ix):
    __tracebackhide__ = True
    a = np.asarray(ix)
    if a.ndim != 0 or not (isinstance(ix, numbers.Integral) or np.issubdtype(a.dtype, np.integer)):
        chk.fail(f"it should return one index (an int), got {type(ix).__name__}"
                 + (f" of shape {a.shape}" if a.ndim else f" {ix!r}"))
    return int(a)


def _check_sampler(chk, sample, make_args, flip_args, p, K):
    """Shared properties of a sampler whose distribution over K indices is p (flip_args: the
    same distribution reversed, to tell the argmax from a generator made inside)."""
    __tracebackhide__ = True
    first = _draws(chk, sample, make_args, 7, 40)
    chk.require(((first >= 0) & (first < K)).all(),
                f"indices should lie in 0 .. {K - 1}, got {first.min()} .. {first.max()}")
    chk.ok()

    again = _draws(chk, sample, make_args, 7, 40)
    chk.require(np.array_equal(first, again), "two generators with the same seed gave different "
                "draws: draw only with the rng you are given, not with np.random's global functions")
    other = _draws(chk, sample, make_args, 8, 40)
    if np.array_equal(first, other):
        flipped = _draws(chk, sample, flip_args, 8, 5)
        if len(set(first)) == 1 and first[0] == np.argmax(p) and (flipped == K - 1 - first[0]).all():
            chk.fail(f"it always returns index {first[0]}: draw at random in proportion to the "
                     "probabilities instead of taking the most likely index")
        chk.fail("the draws do not change with the generator's seed: use the rng argument "
                 "instead of making a new generator inside the function")
    chk.ok()

    n = 4000
    draws = _draws(chk, sample, make_args, 11, n)
    freq = np.bincount(draws, minlength=K)[:K] / n
    se = np.sqrt(p * (1 - p) / n) + 1e-12
    if np.any(np.abs(freq - p) > 5 * se):
        if np.all(np.abs(freq - 1 / K) <= 5 * np.sqrt((1 / K) * (1 - 1 / K) / n)):
            chk.fail("the draws look uniform: each index must come up with its own probability")
        if np.all(np.abs(freq - np.roll(p, 1)) <= 5 * np.sqrt(np.roll(p, 1) * (1 - np.roll(p, 1)) / n) + 1e-12):
            chk.fail("off by one: index i comes up as often as index i - 1 should")
        worst = int(np.argmax(np.abs(freq - p) / se))
        chk.fail(f"the frequencies do not follow the probabilities: index {worst} came up in "
                 f"{freq[worst]:.1%} of {n} draws, its probability is {p[worst]:.1%}")
    chk.ok()


def sample_index(sample):
    """Exercise: sample(p, rng) -> one index i drawn with probability p[i], using only the
    np.random.Generator rng (same seed, same draws)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("sampling an index")
    p = np.array([0.1, 0.2, 0.3, 0.4])
    _check_sampler(chk, sample, lambda rng: (p.copy(), rng), lambda rng: (p[::-1].copy(), rng),
                   p, len(p))
    onehot = np.array([0.0, 0.0, 1.0, 0.0, 0.0])
    sure = _draws(chk, sample, lambda rng: (onehot.copy(), rng), 3, 20)
    chk.require((sure == 2).all(), "with all the probability on index 2 every draw should be 2")
    chk.ok()
    chk.done()


def sample_with_temperature(sample):
    """Exercise: sample(logits, temperature, rng) -> one index drawn from softmax(logits / T)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("sampling with temperature")
    z = np.array([1.0, 2.0, 3.0, 0.5])
    p1 = _softmax_ref(z)
    _check_sampler(chk, sample, lambda rng: (z.copy(), 1.0, rng),
                   lambda rng: (z[::-1].copy(), 1.0, rng), p1, len(z))

    n = 4000
    pT = _softmax_ref(z / 0.5)
    draws = _draws(chk, sample, lambda rng: (z.copy(), 0.5, rng), 13, n)
    freq = np.bincount(draws, minlength=len(z))[:len(z)] / n
    if np.any(np.abs(freq - pT) > 5 * np.sqrt(pT * (1 - pT) / n)):
        pm = _softmax_ref(z * 0.5)
        if np.all(np.abs(freq - pm) <= 5 * np.sqrt(pm * (1 - pm) / n)):
            chk.fail("the temperature multiplies the logits; it should divide them: softmax(z / T)")
        if np.all(np.abs(freq - p1) <= 5 * np.sqrt(p1 * (1 - p1) / n)):
            chk.fail("the temperature has no effect: sample from softmax(logits / T)")
        chk.fail("at temperature 0.5 the frequencies do not follow softmax(logits / 0.5): a low "
                 "temperature should favour the largest logit more")
    chk.ok()

    cold = _draws(chk, sample, lambda rng: (z.copy(), 1e-3, rng), 17, 20)
    chk.require((cold == 2).all(), "at temperature 0.001 every draw should be the largest logit's "
                "index; is the softmax stable (shift by the maximum) for tiny temperatures?")
    chk.ok()
    chk.done()


# ---------------------------------------------------------------- 04 the adder's BPTT

def _adder_forward(x, Wxh, Whh, Why):
    T, H = x.shape[0], Whh.shape[0]
    hs = np.zeros((T + 1, H))
    for t in range(T):
        hs[t + 1] = _sigmoid(Wxh @ x[t] + Whh @ hs[t])
    return hs, _sigmoid(hs[1:] @ Why[0])


def _adder_ref(x, y, hs, ps, Wxh, Whh, Why, *, deriv="sigmoid", carry=True, whh_t=True,
               prev_h=True, out_deriv=True):
    """Notebook 04's bptt, with switches that reproduce typical mistakes."""
    T, H = x.shape[0], Whh.shape[0]
    dz = (ps - y) * (ps * (1 - ps) if out_deriv else 1)
    dh_out = np.outer(dz, Why[0])
    da, dfut = np.zeros((T, H)), np.zeros(H)
    for t in reversed(range(T)):
        h = hs[t + 1]
        d = {"sigmoid": h * (1 - h), "tanh": 1 - h * h, "none": 1.0}[deriv]
        da[t] = (dh_out[t] + (dfut if carry else 0)) * d
        dfut = (Whh.T if whh_t else Whh) @ da[t]
    return da.T @ x, da.T @ (hs[:-1] if prev_h else hs[1:]), dz[None] @ hs[1:]


def adder_forward(forward, T=8, H=16):
    """Exercise: notebook 04's forward(x, Wxh, Whh, Why) -> hs (T + 1, H), ps (T,): sigmoid
    hidden units h_t = sigmoid(Wxh x_t + Whh h_{t-1}), hs[0] = h_{-1} = 0, hs[t + 1] = h_t,
    and ps_t = sigmoid(Why h_t). T and H: pass the notebook's, if forward reads them as globals."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("the adder's forward pass")
    rng = np.random.default_rng(3)
    Wxh, Whh, Why = rng.uniform(-1, 1, (H, 2)), rng.uniform(-1, 1, (H, H)), rng.uniform(-1, 1, (1, H))
    x = rng.integers(0, 2, (T, 2)).astype(np.float64)
    out = _tuple(chk, _call(chk, forward, x.copy(), Wxh, Whh, Why), 2, "(hs, ps)")
    hs, ps = _array(chk, out[0], "hs"), _array(chk, out[1], "ps")
    _shape(chk, hs, (T + 1, H), "hs", " (T + 1, H): hs[0] is the state before the first step")
    _shape(chk, ps, (T,), "ps", " (T,): one probability per bit")
    chk.ok()

    chk.require(np.all(hs[0] == 0), "hs[0], the state before the first step, should be 0")
    chk.require(np.all((hs[1:] > 0) & (hs[1:] < 1)) and np.all((ps > 0) & (ps < 1)),
                "hidden states and outputs should lie between 0 and 1: the units are sigmoids")
    chk.ok()

    want_hs, want_ps = _adder_forward(x, Wxh, Whh, Why)
    if not _same(hs, want_hs):
        wrong = np.zeros((T + 1, H))
        for t in range(T):
            wrong[t + 1] = _sigmoid(Wxh @ x[t] + hs[t] @ Whh)
        hint = _diagnose(hs[1:], [
            (wrong[1:], "the recurrent term uses Whh transposed; in notebook 04's column form it "
             "is Whh @ h_{t-1}"),
            (_sigmoid(x @ Wxh.T), "h_t does not depend on h_{t-1}: the recurrent term is missing")])
        chk.fail(hint or "the hidden states differ from h_t = sigmoid(Wxh x_t + Whh h_{t-1})")
    chk.ok()

    if not _same(ps, want_ps):
        hint = _diagnose(ps, [(_sigmoid(hs[:-1] @ Why[0]), "ps_t should read h_t = hs[t + 1]; "
                               "yours reads the state before the step")])
        chk.fail(hint or "the outputs differ from ps_t = sigmoid(Why h_t)")
    chk.ok()
    chk.done()


def adder_bptt(bptt, T=8, H=16):
    """Exercise: notebook 04's bptt(x, y, hs, ps, Wxh, Whh, Why) -> dWxh, dWhh, dWhy for the
    loss 1/2 sum_t (ps_t - y_t)^2 of the sigmoid adder: x (T, 2), y (T,), hs (T + 1, H) with
    hs[0] = 0 and hs[t + 1] = h_t, ps (T,), Wxh (H, 2), Whh (H, H), Why (1, H).
    T and H: pass the notebook's, if your function reads them as globals."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("the adder's backward pass")
    rng = np.random.default_rng(4)
    Wxh, Whh, Why = rng.uniform(-1, 1, (H, 2)), rng.uniform(-1, 1, (H, H)), rng.uniform(-1, 1, (1, H))
    x = rng.integers(0, 2, (T, 2)).astype(np.float64)
    y = rng.integers(0, 2, T).astype(np.float64)
    hs, ps = _adder_forward(x, Wxh, Whh, Why)
    args = (x, y, hs, ps, Wxh, Whh, Why)

    out = _tuple(chk, _call(chk, bptt, *(a.copy() for a in args)), 3, "(dWxh, dWhh, dWhy)")
    grads = dict(zip(("Wxh", "Whh", "Why"), (_array(chk, g, "a gradient") for g in out[:3])))
    for k, W in (("Wxh", Wxh), ("Whh", Whh), ("Why", Why)):
        _shape(chk, grads[k], W.shape, f"d{k}", f" like {k}")
    chk.ok()

    mistakes = [
        (dict(deriv="tanh"), "the hidden units are sigmoids: their derivative is h (1 - h), "
         "not 1 - h**2"),
        (dict(deriv="none"), "the hidden delta misses the sigmoid's derivative h (1 - h)"),
        (dict(carry=False), "the future hidden delta is not carried: each step's delta must "
         "add what comes back from step t + 1"),
        (dict(whh_t=False), "the future hidden delta is carried back with Whh as it is; going "
         "back through Whh @ h means multiplying by its transpose"),
        (dict(prev_h=False), "dWhh pairs step t's delta with h_t; Whh multiplies the previous "
         "state h_{t-1} = hs[t]"),
        (dict(out_deriv=False), "the output is a sigmoid too: its delta needs ps (1 - ps)"),
    ]
    variants = [(_adder_ref(*args, **kw), hint) for kw, hint in mistakes]
    for i, k in ((2, "Why"), (1, "Whh"), (0, "Wxh")):
        W = {"Wxh": Wxh, "Whh": Whh, "Why": Why}[k]
        num = numerical_gradient(lambda: 0.5 * np.sum((_adder_forward(x, Wxh, Whh, Why)[1] - y) ** 2), W)
        _grad_check(chk, grads[k], num, [(v[i], h) for v, h in variants], f"d{k}")
    chk.done()


def _run_logits(params, ids, h):
    out = []
    for ix in ids:
        h = np.tanh(params["Wxh"][:, ix] + params["Whh"] @ h + params["bh"])
        out.append(params["Why"] @ h + params["by"])
    return np.array(out)


def char_step(step):
    """Exercise: step(params, ix, h) -> h_new (H,), logits (V,): one step of min-char-rnn for the
    character id ix (an int), h (H,) the previous state, params with Wxh (H, V), Whh (H, H),
    bh (H,), Why (V, H), by (V,); the one-hot product Wxh @ onehot(ix) is the column Wxh[:, ix]."""
    chk = _Check("one character step")
    __tracebackhide__ = True
    rng = np.random.default_rng(15)
    V, H = 6, 4
    p = {"Wxh": rng.standard_normal((H, V)), "Whh": 0.5 * rng.standard_normal((H, H)),
         "bh": rng.standard_normal(H), "Why": rng.standard_normal((V, H)), "by": rng.standard_normal(V)}
    h = np.tanh(rng.standard_normal(H))
    out = _tuple(chk, _call(chk, step, p, 2, h.copy()), 2, "(h, logits)")
    h_new, logits = _array(chk, out[0], "h"), _array(chk, out[1], "logits")
    _shape(chk, h_new, (H,), "the new h", " (H,)")
    _shape(chk, logits, (V,), "the logits", " (V,): one score per character")
    chk.ok()

    want = np.tanh(p["Wxh"] @ np.eye(V)[2] + p["Whh"] @ h + p["bh"])
    if not _same(h_new, want):
        hint = _diagnose(h_new, [
            (np.tanh(p["Wxh"] @ np.eye(V)[2] + p["Whh"].T @ h + p["bh"]), "the recurrent term "
             "uses Whh transposed; with column vectors it is Whh @ h"),
            (np.tanh(p["Wxh"] @ np.eye(V)[2] + p["Whh"] @ h), "the bias bh is not added"),
            (np.tanh(p["Wxh"] @ np.eye(V)[2] + p["bh"]), "the new h does not depend on the old one"),
            (p["Wxh"] @ np.eye(V)[2] + p["Whh"] @ h + p["bh"], "the tanh is missing")])
        chk.fail(hint or "the new h differs from tanh(Wxh onehot(ix) + Whh h + bh); the one-hot "
                 "product picks the column ix of Wxh")
    chk.ok()

    if not _same(logits, p["Why"] @ want + p["by"]):
        hint = _diagnose(logits, [(p["Why"] @ h + p["by"], "the logits are computed from the old "
                                   "h; use the new one"),
                                  (p["Why"] @ want, "the output bias by is not added")])
        chk.fail(hint or "the logits differ from Why h_new + by")
    chk.ok()

    ids = list(rng.integers(0, V, 5))
    hh = h.copy()
    for ix in ids:
        out = _call(chk, step, p, int(ix), hh)
        hh = _array(chk, out[0], "h")
    ref = h.copy()
    for ix in ids:
        ref = np.tanh(p["Wxh"][:, ix] + p["Whh"] @ ref + p["bh"])
    chk.require(_same(hh, ref), "five steps in a row should carry the state from step to step")
    chk.ok()
    chk.done()


def ablate(ablate_fn):
    """Exercise: ablate_fn(params, units) -> a copy of params (min-char-rnn's Wxh (H, V),
    Whh (H, H), bh (H,), Why (V, H), by (V,)) in which the hidden units `units` are switched off:
    they no longer influence any other unit nor the output. params itself is left unchanged."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("ablation")
    rng = np.random.default_rng(14)
    V, H = 6, 7
    params = {"Wxh": rng.standard_normal((H, V)), "Whh": 0.5 * rng.standard_normal((H, H)),
              "bh": rng.standard_normal(H), "Why": rng.standard_normal((V, H)),
              "by": rng.standard_normal(V)}
    before = {k: v.copy() for k, v in params.items()}
    units = [1, 4]
    q = _call(chk, ablate_fn, params, list(units))
    chk.require(all(np.array_equal(params[k], before[k]) for k in params),
                "your function changed the params it was given: work on a copy (np.array(v, "
                "copy=True) for every array), so the original model stays intact")
    chk.require(isinstance(q, dict) and all(k in q for k in params), "it should return a dict "
                "with the same keys as params")
    for k in params:
        _shape(chk, _array(chk, q[k], k), params[k].shape, k, f" like params[{k!r}]")
    chk.ok()

    ids = list(rng.integers(0, V, 12))
    h0 = np.zeros(H)
    # reference: the other units' behaviour with the ablated units' h held at 0
    ref = {k: v.copy() for k, v in params.items()}
    for k in ("Wxh", "Whh", "bh"):
        ref[k][units] = 0
    want = _run_logits(ref, ids, h0)
    got = _run_logits({k: np.asarray(v, dtype=np.float64) for k, v in q.items()}, ids, h0)
    if not _same(got, want):
        wrong_cols = {k: v.copy() for k, v in params.items()}
        wrong_cols["Wxh"][:, units] = 0
        only_input = {k: v.copy() for k, v in params.items()}
        only_input["Wxh"][units] = 0
        wrong_out = {k: v.copy() for k, v in params.items()}
        wrong_out["Why"][units] = 0
        hint = _diagnose(got, [
            (_run_logits(wrong_cols, ids, h0), "columns of Wxh belong to input characters, not "
             "to hidden units: a unit's incoming weights are its row"),
            (_run_logits(only_input, ids, h0), "the units still get input through Whh and bh: "
             "a switched-off unit must stay at 0 (or send nothing) at every step"),
            (_run_logits(wrong_out, ids, h0), "rows of Why belong to output characters, not to "
             "hidden units: what a unit sends to the output is a column of Why")])
        chk.fail(hint or "the output of the ablated model should equal that of the model with "
                 "the switched-off units held at 0")
    chk.ok()

    same = _call(chk, ablate_fn, params, [])
    chk.require(_same(_run_logits(same, ids, h0), _run_logits(params, ids, h0)),
                "switching off no unit should leave the model's outputs unchanged")
    chk.ok()
    chk.done()


def next_char_probs(probs):
    """Exercise: probs(params, hs) -> p (N, V): for hidden states hs (N, H), one per row, the
    model's next-character distributions softmax(Why h + by), row by row (params of min-char-rnn:
    Why (V, H), by (V,); Wxh, Whh, bh are there too but not needed)."""
    __tracebackhide__ = True
    chk = _Check("next-character probabilities")
    rng = np.random.default_rng(52)
    N, H, V = 5, 4, 6                       # all different, so a product on the wrong side fails
    params = {"Wxh": rng.standard_normal((H, V)), "Whh": 0.5 * rng.standard_normal((H, H)),
              "bh": rng.standard_normal(H), "Why": rng.standard_normal((V, H)),
              "by": rng.standard_normal(V)}
    hs = np.tanh(rng.standard_normal((N, H)))
    before = {k: v.copy() for k, v in params.items()}
    hs_before = hs.copy()
    p = _array(chk, _call(chk, probs, params, hs), "the result")
    chk.require(np.array_equal(hs, hs_before) and all(np.array_equal(params[k], before[k])
                                                      for k in params),
                "your function changed its inputs (hs or params): compute the scores in a new "
                "array instead of with -= or *= on them")
    _shape(chk, p, (N, V), "the result", " (N, V): one distribution over the V characters per "
           "state")
    chk.ok()

    logits = hs @ params["Why"].T + params["by"]
    want = _softmax_ref(logits)
    if not _same(p, want):
        hint = _diagnose(p, [
            (_softmax_ref(logits, axis=0), "each column sums to 1, not each row: the softmax is "
             "taken over the wrong axis; normalise along the last axis (over the V characters)"),
            (_softmax_ref(hs @ params["Why"].T), "the output bias by is not added to the scores"),
            (_softmax_ref(hs @ params["Wxh"] + params["by"]), "the scores use Wxh, the input "
             "weights; the scores of the next character come from the output weights Why"),
            (logits, "these are the raw scores (logits): the softmax is missing"),
            (np.exp(logits), "the exponentials are not normalised: divide each row by its sum")])
        if hint is None and np.all(np.isfinite(p)) and abs(p.sum() - 1) < MATCH_TOL:
            hint = ("the whole array sums to 1: normalise each row on its own (sum along the "
                    "last axis with keepdims=True)")
        chk.fail(hint or "the probabilities differ from softmax(Why h + by) of each state; each "
                 "row should be non-negative and sum to 1")
    chk.ok()

    one = _array(chk, _call(chk, probs, params, hs[2:3]), "the result for a single state")
    chk.require(_same(one, want[2:3]), "each row should depend only on its own state: one state "
                "(hs of shape (1, H)) should give the same row as in the whole batch")
    chk.ok()

    # scores of about +-1000, far apart between rows: a plain exp overflows (exp(710) = inf in
    # float64), and shifting by the largest score of the whole array underflows the other rows
    big = dict(params, Why=400.0 * params["Why"])
    big_hs = np.sign(hs) * np.array([[1.0], [0.9], [0.3], [-0.6], [0.05]])
    with np.errstate(all="ignore"):
        big_logits = big_hs @ big["Why"].T + big["by"]
    p = _array(chk, _call(chk, probs, big, big_hs), "the result for large scores")
    if not _same(p, _softmax_ref(big_logits)):
        chk.fail("with scores near +-1000 the probabilities are not finite or do not sum to 1: "
                 "exp overflows (or underflows to 0 / 0). Subtract the largest logit of each "
                 "row before exp; it does not change the softmax")
    chk.ok()
    chk.done()


# ---------------------------------------------------------------- 06 attention

def _attention_ref(hd, he, mask, scale=1.0):
    e = scale * (hd @ he.transpose(0, 2, 1))
    e = np.where(mask[:, None, :], e, -1e9)
    a = _softmax_ref(e, axis=-1)
    return a @ he, a


def attention_forward(attend):
    """Exercise: attend(hd, he, src_mask) -> context c (N, Td, H), weights a (N, Td, Ts)[, cache]:
    dot-product attention of every decoder state over the encoder states; src_mask (N, Ts) is
    True at real characters, False at padding (which must get weight 0)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("attention forward")
    rng = np.random.default_rng(6)
    N, Td, Ts, H = 2, 3, 4, 5
    hd, he = rng.standard_normal((N, Td, H)), rng.standard_normal((N, Ts, H))
    mask = np.arange(Ts) < np.array([Ts, 2])[:, None]          # second word: 2 letters, 2 pads

    out = _tuple(chk, _call(chk, attend, hd.copy(), he.copy(), mask.copy()), 2,
                 "(context, weights[, cache])")
    c, a = _array(chk, out[0], "the context"), _array(chk, out[1], "the weights")
    if a.shape == (N, Ts, Td):
        chk.fail("the weights have shape (N, Ts, Td); they should be (N, Td, Ts): one row per "
                 "decoder step, one column per source position (scores are hd against he)")
    _shape(chk, a, (N, Td, Ts), "the weights", " (N, Td, Ts): one row per decoder step")
    _shape(chk, c, (N, Td, H), "the context", " (N, Td, H): one vector per decoder step")
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
    if not _same(a, a_want):
        hint = _diagnose(a, [(_attention_ref(hd, he, mask, 1 / np.sqrt(H))[1], "the scores are "
                              "scaled by 1/sqrt(H); this attention uses the plain dot product")])
        chk.fail(hint or "the weights are not the softmax over source positions of the dot "
                 "products between each decoder state and each encoder state")
    chk.ok()

    if not _same(c, a @ he):
        chk.fail("the context should be the attention-weighted sum of the encoder states he "
                 "(one weight per source position)")
    chk.ok()

    big = _call(chk, attend, 30 * hd, 30 * he, mask.copy())
    c_big, a_big = _array(chk, big[0], "the context"), _array(chk, big[1], "the weights")
    chk.require(np.isfinite(a_big).all() and np.isfinite(c_big).all(),
                "large states (scores in the thousands) give inf or nan: the softmax of the "
                "scores must subtract each row's maximum")
    chk.require(_same(a_big, _attention_ref(30 * hd, 30 * he, mask)[1], 1e-5),
                "large states (scores in the thousands) give wrong weights: use a stable softmax")
    chk.ok()
    chk.done()


def _attention_ref_backward(dc, hd, he, mask, *, jacobian=True, keys=True, values=True):
    _, a = _attention_ref(hd, he, mask)
    da = dc @ he.transpose(0, 2, 1)
    de = a * (da - (da * a).sum(axis=-1, keepdims=True)) if jacobian else a * da
    dhe = (a.transpose(0, 2, 1) @ dc if values else 0) + (de.transpose(0, 2, 1) @ hd if keys else 0)
    return de @ he, dhe


def attention_backward(backward, forward):
    """Exercise: backward(dc, cache) -> dhd (N, Td, H), dhe (N, Ts, H), the gradients of the
    context's loss with respect to the decoder and encoder states, with the cache made by your
    forward(hd, he, src_mask) -> c, a, cache (checked by its values first)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("attention backward")
    rng = np.random.default_rng(12)
    N, Td, Ts, H = 2, 3, 4, 5
    hd, he = rng.standard_normal((N, Td, H)), rng.standard_normal((N, Ts, H))
    mask = np.arange(Ts) < np.array([Ts, 3])[:, None]
    out = _tuple(chk, _call(chk, forward, hd.copy(), he.copy(), mask.copy()), 3, "(c, a, cache)")
    c_want, a_want = _attention_ref(hd, he, mask)
    chk.require(_same(out[0], c_want) and _same(out[1], a_want), "your attention forward is "
                "wrong; make check.attention_forward pass first")
    dc = rng.standard_normal((N, Td, H))
    grads = _tuple(chk, _call(chk, backward, dc.copy(), out[2]), 2, "(dhd, dhe)")
    dhd, dhe = _array(chk, grads[0], "dhd"), _array(chk, grads[1], "dhe")
    _shape(chk, dhd, hd.shape, "dhd", " like hd")
    _shape(chk, dhe, he.shape, "dhe", " like he")
    chk.ok()

    mistakes = [
        (dict(jacobian=False), "the gradient does not go back through the softmax correctly: a "
         "weight's score also lowers every other weight of its row, so subtract the row's "
         "weighted mean of da before multiplying by a"),
        (dict(keys=False), "dhe misses the path through the scores: he is used twice, as keys "
         "(in the scores) and as values (in the context)"),
        (dict(values=False), "dhe misses the path through the context: he is used twice, as keys "
         "(in the scores) and as values (c = a he)"),
    ]
    variants = [(_attention_ref_backward(dc, hd, he, mask, **kw), h) for kw, h in mistakes]
    arrays = [hd.copy(), he.copy()]

    def loss():
        return np.sum(dc * _attention_ref(arrays[0], arrays[1], mask)[0])

    for k, name, got in ((1, "dhe", dhe), (0, "dhd", dhd)):
        num = numerical_gradient(loss, arrays[k])
        _grad_check(chk, got, num, [(v[k], h) for v, h in variants], name)
    chk.done()


# ---------------------------------------------------------------- 07 bigram counts

BIGRAM_NAMES = ["emma", "ava", "ananya", "bob", "li"]


def _bigram_ref(names):
    symbols = "\n" + "abcdefghijklmnopqrstuvwxyz"
    C = np.zeros((27, 27), dtype=np.int64)
    for name in names:
        s = "\n" + name + "\n"
        for a, b in zip(s, s[1:]):
            C[symbols.index(a), symbols.index(b)] += 1
    return C


def bigram_counts(count):
    """Exercise: count(names) -> C (27, 27), C[a, b] = how often symbol b follows symbol a in
    '\\n' + name + '\\n' over all names; ids of names_vocab(): '\\n' is 0, 'a'..'z' are 1..26."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("bigram counts")
    symbols = "\n" + "abcdefghijklmnopqrstuvwxyz"
    names = list(BIGRAM_NAMES)
    C = _array(chk, _call(chk, count, names), "C")
    chk.require(names == BIGRAM_NAMES, "your function changed the list of names it was given")
    _shape(chk, C, (27, 27), "C", " = (V, V): one row per previous symbol, one column per next")
    chk.ok()

    chk.require(np.isfinite(C).all() and (C >= 0).all() and np.array_equal(C, np.round(C)),
                "counts should be whole numbers >= 0")
    chk.ok()

    want = _bigram_ref(names)
    total, lengths = C.sum(), [len(n) for n in names]
    if total != want.sum():
        if total == sum(L - 1 for L in lengths):
            chk.fail("only the pairs inside each name are counted: frame each name with '\\n' at "
                     "both ends, so that its start and its end are counted too")
        if total == sum(lengths):
            if C[0].sum() == 0:
                chk.fail("the start of a name is not counted: the first letter follows '\\n'")
            if C[:, 0].sum() == 0:
                chk.fail("the end of a name is not counted: '\\n' follows the last letter")
        a, n = symbols.index("a"), symbols.index("n")
        if C[a, n] == want[a, n] - 1:
            chk.fail("a pair that occurs twice in one name ('an' in 'ananya') is counted once: "
                     "with fancy indexing, += adds only once per repeated index; count pair by "
                     "pair (a loop, or np.add.at)")
        chk.fail(f"there should be one count per adjacent pair of '\\n' + name + '\\n', "
                 f"{int(want.sum())} for these {len(names)} names; yours add up to {total:g}")
    chk.ok()

    if not np.array_equal(C, want):
        if np.array_equal(C, want.T):
            chk.fail("C is transposed: C[a, b] counts b following a (row = previous symbol, "
                     "column = next symbol)")
        i, j = np.argwhere(C != want)[0]
        chk.fail(f"wrong count for the pair {symbols[i]!r} -> {symbols[j]!r}: "
                 f"{int(want[i, j])} in these names, yours says {C[i, j]:g}")
    chk.ok()

    one = _array(chk, _call(chk, count, ["a"]), "C")
    chk.require(one.sum() == 2 and one[0, 1] == 1 and one[1, 0] == 1,
                "for the single name 'a' C should hold exactly '\\n' -> 'a' and 'a' -> '\\n'")
    chk.ok()
    chk.done()


def pad_batch(pad):
    """Exercise: pad(names) -> x (N, T), y (N, T), mask (N, T) with T = longest name + 1:
    x[n] = '\\n' + name, y[n] = name + '\\n' as ids of names_vocab() ('\\n' is 0, 'a'..'z'
    1..26), padded at the end; mask True at the len(name) + 1 real positions."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("padded batch")
    symbols = "\n" + "abcdefghijklmnopqrstuvwxyz"
    names = ["ava", "christopher", "li"]
    N, T = len(names), max(map(len, names)) + 1
    out = _tuple(chk, _call(chk, pad, list(names)), 3, "(x, y, mask)")
    x, y, mask = (np.asarray(a) for a in out[:3])
    for a, what in ((x, "x"), (y, "y"), (mask, "mask")):
        if a.shape == (N, T - 1):
            chk.fail(f"{what} has shape {a.shape}; with the '\\n' that starts (x) or ends (y) "
                     f"each name, T is the longest name + 1 = {T}")
        _shape(chk, a, (N, T), what, " (N, T) with T = longest name + 1")
    chk.require(np.issubdtype(x.dtype, np.integer) and np.issubdtype(y.dtype, np.integer),
                "x and y should hold integer ids")
    chk.require(np.isin(mask, (0, 1)).all(), "mask should be True/False (or 1/0)")
    mask = mask.astype(bool)
    chk.ok()

    lengths = np.array([len(n) + 1 for n in names])
    if not np.array_equal(mask.sum(axis=1), lengths):
        if np.array_equal(mask.sum(axis=1), lengths - 1):
            chk.fail("the mask leaves out one position per name: the final '\\n' is a real "
                     "target too (a name of n letters has n + 1 targets)")
        chk.fail("mask should be True at the first len(name) + 1 positions of each row, False after")
    chk.require(np.array_equal(mask, np.arange(T) < lengths[:, None]),
                "mask should be True at the first len(name) + 1 positions of each row, False after")
    chk.ok()

    enc = lambda s: [symbols.index(ch) for ch in s]
    for n, name in enumerate(names):
        L = len(name) + 1
        xs, ys = list(x[n, :L]), list(y[n, :L])
        if xs == enc(name + "\n") and ys == enc("\n" + name):
            chk.fail("x and y are swapped: x, the input, starts with '\\n'; y, the target, ends with it")
        if xs != enc("\n" + name):
            chk.fail(f"x for {name!r} should be the ids of '\\n' + name; check the start "
                     "symbol and the vocabulary's ids ('\\n' is 0, 'a' is 1)")
        if ys != enc(name + "\n"):
            chk.fail(f"y for {name!r} should be the ids of name + '\\n': x shifted by one, "
                     "ending with '\\n'")
    chk.ok()
    chk.done()


# ---------------------------------------------------------------- 08 the LSTM step

def _lstm_ref_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = x @ Wx.T + h_prev @ Wh.T + b
    i, f = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), _sigmoid(a[:, 3 * H:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c, (i, f, g, o)


def _lstm_ref_backward(dh, dc, x, h_prev, c_prev, Wx, Wh, b, *, use_dc=True, h_path=True,
                       tanh_c="right", forget="f", g_deriv="tanh", gate_deriv="sigmoid",
                       order=(0, 1, 2, 3)):
    h, c, (i, f, g, o) = _lstm_ref_forward(x, h_prev, c_prev, Wx, Wh, b)
    tc = np.tanh(c)
    dtc = {"right": 1 - tc * tc, "c": 1 - c * c}[tanh_c]
    dct = (dc if use_dc else 0) + (dh * o * dtc if h_path else 0)
    do, di, df, dg = dh * tc, dct * g, dct * c_prev, dct * i
    dc_prev = dct * {"f": f, "1-f": 1 - f, "1": 1.0}[forget]
    sd = (lambda s: s * (1 - s)) if gate_deriv == "sigmoid" else (lambda s: 1 - s * s)
    gd = (1 - g * g) if g_deriv == "tanh" else g * (1 - g)
    blocks = [di * sd(i), df * sd(f), dg * gd, do * sd(o)]
    da = np.concatenate([blocks[k] for k in order], axis=1)
    return da @ Wx, da @ Wh, dc_prev, da.T @ x, da.T @ h_prev, da.sum(axis=0)


def _lstm_inputs(seed=8, N=3, D=4, H=2):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((N, D)), np.tanh(rng.standard_normal((N, H))),
            rng.standard_normal((N, H)), 0.6 * rng.standard_normal((4 * H, D)),
            0.6 * rng.standard_normal((4 * H, H)), 0.6 * rng.standard_normal(4 * H))


def _check_lstm_forward(chk, forward):
    """Run forward on fixed inputs; fail with a hint unless h and c are right. -> inputs, cache."""
    __tracebackhide__ = True
    args = _lstm_inputs()
    x, h_prev, c_prev, Wx, Wh, b = args
    N, H = h_prev.shape
    out = _tuple(chk, _call(chk, forward, *(a.copy() for a in args)), 3, "(h, c, cache)")
    h, c = _array(chk, out[0], "h"), _array(chk, out[1], "c")
    _shape(chk, h, (N, H), "h", " (N, H)")
    _shape(chk, c, (N, H), "c", " (N, H)")
    h_want, c_want, (i, f, g, o) = _lstm_ref_forward(*args)
    if not (_same(h, h_want) and _same(c, c_want)):
        perm = lambda W, k: np.concatenate([W[j * H:(j + 1) * H] for j in k])
        ifog = _lstm_ref_forward(x, h_prev, c_prev, perm(Wx, (0, 1, 3, 2)), perm(Wh, (0, 1, 3, 2)),
                                 perm(b, (0, 1, 3, 2)))
        a = x @ Wx.T + h_prev @ Wh.T + b
        g_sig = _sigmoid(a[:, 2 * H:3 * H])
        hint = _diagnose(c, [(ifog[1], "the gate blocks are taken in the wrong order: the rows "
                              "of Wx, Wh and b are the blocks i, f, g, o, H rows each"),
                             (f * c_prev + i * g_sig, "the candidate g should be a tanh, not a "
                              "sigmoid"),
                             (f * c_prev + g, "the candidate g enters the cell without the input "
                              "gate i"),
                             (c_prev + i * g, "the old cell state is not scaled by the forget gate f"),
                             ((1 - f) * c_prev + i * g, "the old cell state is scaled by 1 - f; "
                              "the forget gate keeps f of it")])
        if hint is None and _same(c, c_want):
            hint = _diagnose(h, [(o * c_want, "h should be o * tanh(c): the tanh of the cell "
                                  "state is missing"),
                                 (np.tanh(c_want), "h should be o * tanh(c): the output gate is missing")])
        chk.fail(hint or ("c (the new cell state) is wrong" if not _same(c, c_want) else "h is wrong")
                 + "; check each gate against the formulas")
    return args, out[2]


def lstm_step_forward(forward):
    """Exercise: forward(x, h_prev, c_prev, Wx, Wh, b) -> h, c, cache; Wx (4H, D), Wh (4H, H),
    b (4H,), gate blocks i, f, g, o (torch's order), i, f, o sigmoids, g tanh,
    c = f * c_prev + i * g, h = o * tanh(c)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("LSTM step forward")
    _check_lstm_forward(chk, forward)
    chk.ok()
    N, D, H = 2, 3, 2
    rng = np.random.default_rng(9)
    c_prev = rng.standard_normal((N, H))
    out = _call(chk, forward, rng.standard_normal((N, D)), rng.standard_normal((N, H)), c_prev,
                np.zeros((4 * H, D)), np.zeros((4 * H, H)), np.zeros(4 * H))
    h, c = _array(chk, out[0], "h"), _array(chk, out[1], "c")
    chk.require(_same(c, 0.5 * c_prev) and _same(h, 0.5 * np.tanh(0.5 * c_prev)),
                "with all weights and biases 0 every gate is sigmoid(0) = 0.5 and g = tanh(0) = 0, "
                "so c should be c_prev / 2 and h = tanh(c) / 2")
    chk.ok()
    chk.done()


def lstm_step_backward(backward, forward):
    """Exercise: backward(dh, dc, cache) -> dx, dh_prev, dc_prev, dWx, dWh, db, with the cache
    made by your forward(x, h_prev, c_prev, Wx, Wh, b) -> h, c, cache (checked first).
    dh, dc: upstream gradients of h and of c (dc comes from the next step's cell state)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = _Check("LSTM step backward")
    args, cache = _check_lstm_forward(chk, forward)
    chk.ok()
    x, h_prev, c_prev, Wx, Wh, b = args
    rng = np.random.default_rng(10)
    dh, dc = rng.standard_normal(h_prev.shape), rng.standard_normal(h_prev.shape)

    names = ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")
    out = _tuple(chk, _call(chk, backward, dh.copy(), dc.copy(), cache), 6,
                 "(dx, dh_prev, dc_prev, dWx, dWh, db)")
    grads = [_array(chk, g, n) for g, n in zip(out[:6], names)]
    for g, n, a in zip(grads, names, (x, h_prev, c_prev, Wx, Wh, b)):
        _shape(chk, g, a.shape, n, " (a gradient has the shape of what it is the gradient of)")
    chk.ok()

    mistakes = [
        (dict(use_dc=False), "the gradient dc arriving from the next step is not used: the "
         "cell state's gradient is dc plus what comes back through h"),
        (dict(h_path=False), "the cell state's gradient misses the path through h = o * tanh(c): "
         "dh also reaches c"),
        (dict(tanh_c="c"), "through h = o * tanh(c) the derivative is 1 - tanh(c)**2, not 1 - c**2"),
        (dict(forget="1"), "dc_prev should be the cell state's gradient scaled by the forget gate f"),
        (dict(forget="1-f"), "dc_prev flows back through the forget gate: multiply by f, not 1 - f"),
        (dict(g_deriv="sigmoid"), "the candidate g is a tanh: its derivative is 1 - g**2, not "
         "g (1 - g)"),
        (dict(gate_deriv="tanh"), "the gates i, f, o are sigmoids: their derivative is s (1 - s), "
         "not 1 - s**2"),
        (dict(order=(0, 1, 3, 2)), "the gate blocks of the gradient are in the wrong order: keep "
         "i, f, g, o, as in Wx, Wh and b"),
    ]
    variants = [(_lstm_ref_backward(dh, dc, *args, **kw), hint) for kw, hint in mistakes]
    arrays = [a.copy() for a in args]

    def loss():
        h, c, _ = _lstm_ref_forward(*arrays)
        return np.sum(dh * h) + np.sum(dc * c)

    for k in (2, 5, 4, 3, 1, 0):        # dc_prev first: it is the simplest path
        num = numerical_gradient(loss, arrays[k])
        _grad_check(chk, grads[k], num, [(v[k], h) for v, h in variants], names[k])
    chk.done()


# ---------------------------------------------------------------- 08 the GRU step

def _gru_ref_forward(x, h_prev, Wx, Wh, bx, bh, *, swap_z=False, reset_before=False,
                     order=(0, 1, 2)):
    H = h_prev.shape[1]
    blocks = lambda W: np.concatenate([W[k * H:(k + 1) * H] for k in order])
    Wx, Wh, bx, bh = blocks(Wx), blocks(Wh), blocks(bx), blocks(bh)
    ax, ah = x @ Wx.T + bx, h_prev @ Wh.T + bh
    r = _sigmoid(ax[:, :H] + ah[:, :H])
    z = _sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])
    if reset_before:
        n = np.tanh(ax[:, 2 * H:] + (r * h_prev) @ Wh[2 * H:].T + bh[2 * H:])
    else:
        n = np.tanh(ax[:, 2 * H:] + r * ah[:, 2 * H:])
    return (z * n + (1 - z) * h_prev) if swap_z else ((1 - z) * n + z * h_prev)


def _gru_ref_backward(dh, x, h_prev, Wx, Wh, bx, bh, *, direct=True, keep="z", dz_sign=1,
                      r_in_n=True, tanh_deriv=True):
    H = h_prev.shape[1]
    ax, ah = x @ Wx.T + bx, h_prev @ Wh.T + bh
    r = _sigmoid(ax[:, :H] + ah[:, :H])
    z = _sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])
    n_hat = ah[:, 2 * H:]
    n = np.tanh(ax[:, 2 * H:] + r * n_hat)
    dn = dh * (1 - z)
    dz = dz_sign * dh * (h_prev - n)
    dan = dn * (1 - n * n) if tanh_deriv else dn
    dar = dan * n_hat * r * (1 - r)
    daz = dz * z * (1 - z)
    dax = np.concatenate([dar, daz, dan], axis=1)
    dah = np.concatenate([dar, daz, dan * r if r_in_n else dan], axis=1)
    direct_path = {"z": dh * z, "1-z": dh * (1 - z)}[keep] if direct else 0
    return (dax @ Wx, direct_path + dah @ Wh, dax.T @ x, dah.T @ h_prev, dax.sum(axis=0),
            dah.sum(axis=0))


def _gru_inputs(seed=16, N=3, D=4, H=2):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((N, D)), np.tanh(rng.standard_normal((N, H))),
            0.6 * rng.standard_normal((3 * H, D)), 0.6 * rng.standard_normal((3 * H, H)),
            0.6 * rng.standard_normal(3 * H), 0.6 * rng.standard_normal(3 * H))


def _check_gru_forward(chk, forward):
    """Run forward on fixed inputs; fail with a hint unless h is right. -> inputs, cache."""
    __tracebackhide__ = True
    args = _gru_inputs()
    N, H = args[1].shape
    out = _tuple(chk, _call(chk, forward, *(a.copy() for a in args)), 2, "(h, cache)")
    h = _array(chk, out[0], "h")
    _shape(chk, h, (N, H), "h", " (N, H)")
    if not _same(h, _gru_ref_forward(*args)):
        hint = _diagnose(h, [
            (_gru_ref_forward(*args, swap_z=True), "the update gate is used the other way round: "
             "z is the share of the OLD state that is kept, 1 - z the share of the candidate n"),
            (_gru_ref_forward(*args, reset_before=True), "the reset gate should scale "
             "Wh_n h_prev + bh_n (torch's GRU), not h_prev before the product"),
            (_gru_ref_forward(*args, order=(1, 0, 2)), "the gate blocks are taken in the wrong "
             "order: the rows of Wx, Wh, bx and bh are the blocks r, z, n, H rows each")])
        chk.fail(hint or "h is wrong; check each gate against the formulas")
    return args, out[1]


def gru_step_forward(forward):
    """Exercise: forward(x, h_prev, Wx, Wh, bx, bh) -> h, cache; Wx (3H, D), Wh (3H, H),
    bx, bh (3H,), blocks r, z, n (torch's order); r, z sigmoids,
    n = tanh(Wx_n x + bx_n + r * (Wh_n h_prev + bh_n)), h = (1 - z) * n + z * h_prev."""
    chk = _Check("GRU step forward")
    __tracebackhide__ = True
    _check_gru_forward(chk, forward)
    chk.ok()
    N, D, H = 2, 3, 2
    rng = np.random.default_rng(17)
    h_prev = rng.standard_normal((N, H))
    out = _call(chk, forward, rng.standard_normal((N, D)), h_prev, np.zeros((3 * H, D)),
                np.zeros((3 * H, H)), np.zeros(3 * H), np.zeros(3 * H))
    h = _array(chk, out[0] if isinstance(out, (tuple, list)) else out, "h")
    chk.require(_same(h, 0.5 * h_prev), "with all weights and biases 0, z = 0.5 and n = 0, so h "
                "should be h_prev / 2")
    chk.ok()
    chk.done()


def gru_step_backward(backward, forward):
    """Exercise: backward(dh, cache) -> dx, dh_prev, dWx, dWh, dbx, dbh, with the cache made by
    your forward(x, h_prev, Wx, Wh, bx, bh) -> h, cache (checked first)."""
    chk = _Check("GRU step backward")
    __tracebackhide__ = True
    args, cache = _check_gru_forward(chk, forward)
    chk.ok()
    dh = np.random.default_rng(18).standard_normal(args[1].shape)
    names = ("dx", "dh_prev", "dWx", "dWh", "dbx", "dbh")
    out = _tuple(chk, _call(chk, backward, dh.copy(), cache), 6, "(dx, dh_prev, dWx, dWh, dbx, dbh)")
    grads = [_array(chk, g, n) for g, n in zip(out[:6], names)]
    for g, n, a in zip(grads, names, args):
        _shape(chk, g, a.shape, n, " (a gradient has the shape of what it is the gradient of)")
    chk.ok()

    mistakes = [
        (dict(direct=False), "misses the direct path: h = (1 - z) n + z h_prev passes z of dh "
         "straight back to h_prev"),
        (dict(keep="1-z"), "the direct path to h_prev is scaled by z (the share of the old state "
         "kept), not by 1 - z"),
        (dict(dz_sign=-1), "the update gate's gradient has the wrong sign: h grows with z when "
         "h_prev > n"),
        (dict(r_in_n=False), "the n block of dWh and dbh must pass through the reset gate r, "
         "which scales Wh_n h_prev + bh_n"),
        (dict(tanh_deriv=False), "the candidate n is a tanh: its gradient needs 1 - n**2"),
    ]
    variants = [(_gru_ref_backward(dh, *args, **kw), hint) for kw, hint in mistakes]
    arrays = [a.copy() for a in args]
    for k in (1, 4, 5, 2, 3, 0):        # dh_prev first: the path every step uses
        num = numerical_gradient(lambda: np.sum(dh * _gru_ref_forward(*arrays)), arrays[k])
        _grad_check(chk, grads[k], num, [(v[k], h) for v, h in variants], names[k])
    chk.done()


CHECKS = {"softmax_temperature": softmax_temperature, "entropy": entropy, "char_step": char_step,
          "rnn_step_forward": rnn_step_forward, "adder_forward": adder_forward, "ablate": ablate,
          "next_char_probs": next_char_probs,
          "attention_backward": attention_backward, "pad_batch": pad_batch,
          "bptt": bptt, "sample_index": sample_index,
          "sample_with_temperature": sample_with_temperature, "adder_bptt": adder_bptt,
          "attention_forward": attention_forward, "bigram_counts": bigram_counts,
          "lstm_step_forward": lstm_step_forward, "lstm_step_backward": lstm_step_backward,
          "gru_step_forward": gru_step_forward, "gru_step_backward": gru_step_backward}
