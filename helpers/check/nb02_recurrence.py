"""Notebook 02's checks: the RNN step forward (02.1), backpropagation through time (02.2)."""
import numpy as np

from ..gradcheck import numerical_gradient
from ..char_rnn import PARAM_NAMES
from .core import (Check, array, cache_check, call, diagnose, grad_check, same, scalar, shape,
                   sigmoid, softmax_ref, summary, tuple_of)


def rnn_step_forward(step):
    """Exercise: step(x, h_prev, Wxh, Whh, bh) -> h (N, H), cache, with row vectors:
    x (N, D), h_prev (N, H), Wxh (H, D), Whh (H, H), bh (H,), h = tanh of the pre-activation,
    cache = (x, h_prev, Wxh, Whh, h) as the prompt lays it out."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("RNN step forward")
    rng = np.random.default_rng(2)
    N, D, H = 3, 4, 5
    x, h_prev = rng.standard_normal((N, D)), np.tanh(rng.standard_normal((N, H)))
    Wxh, Whh, bh = rng.standard_normal((H, D)), rng.standard_normal((H, H)), rng.standard_normal(H)

    def run(*args):
        out = call(chk, step, *args)
        return array(chk, out[0] if isinstance(out, (tuple, list)) else out, "h")

    h = run(x, h_prev, Wxh, Whh, bh)
    shape(chk, h, (N, H), "h", " (N, H): one hidden state per example")
    chk.ok()

    chk.require(np.isfinite(h).all() and np.abs(h).max() < 1, "h should lie strictly between "
                "-1 and 1, the range of tanh; is the tanh missing?")
    chk.ok()

    a = x @ Wxh.T + h_prev @ Whh.T + bh
    if not same(h, np.tanh(a)):
        hint = diagnose(h, [
            (np.tanh(x @ Wxh.T + h_prev @ Whh + bh), "the recurrent term uses Whh as it is; with "
             "row vectors h_prev (N, H) it needs the transpose, like the input term"),
            (np.tanh(x @ Wxh.T + h_prev @ Whh.T), "the bias bh is not added"),
            (np.tanh(x @ Wxh.T + bh), "h does not depend on h_prev: the recurrent term is missing"),
            (np.tanh(h_prev @ Whh.T + bh), "h does not depend on x: the input term is missing"),
            (sigmoid(a), "the activation looks like a sigmoid; the RNN step uses tanh"),
        ])
        chk.fail(hint or f"h differs from the step's formula (largest difference "
                 f"{np.abs(h - np.tanh(a)).max():.3g}); compare each term with the formula")
    chk.ok()

    ones = np.ones((2, 2))
    h1 = run(np.ones((1, 2)), np.zeros((1, 2)), ones, ones, np.zeros(2))
    chk.require(same(h1, np.full((1, 2), np.tanh(2.0))), "the hand example of notebook 02 "
                "(all weights 1, x = (1, 1), h_prev = 0, no bias) should give tanh(2) = "
                f"{np.tanh(2.0):.4f} in both units")
    chk.ok()

    rows = np.vstack([run(x[n:n + 1], h_prev[n:n + 1], Wxh, Whh, bh) for n in range(N)])
    chk.require(same(rows, h), "each example of the batch should be computed on its own: "
                "row n of h must depend only on row n of x and h_prev")
    chk.ok()

    out = tuple_of(chk, call(chk, step, x, h_prev, Wxh, Whh, bh), 2, "(h, cache)")
    dh = rng.standard_normal((N, H))
    cache_check(chk, lambda cache: _step_backward(dh, cache), out[1],
                (x, h_prev, Wxh, Whh, np.tanh(a)), "(x, h_prev, Wxh, Whh, h) in that order")
    chk.done()


def _step_backward(dh, cache):
    """The step's backward as it reads the prompt's cache (x, h_prev, Wxh, Whh, h)
    -> dx, dh_prev, dWxh, dWhh, dbh."""
    x, h_prev, Wxh, Whh, h = cache
    da = dh * (1 - h * h)
    return da @ Wxh, da @ Whh, da.T @ x, da.T @ h_prev, da.sum(axis=0)


def bptt_variant(inputs, targets, hprev, p, *, tanh_prime=True, carry=True, accumulate="all",
              whh_t=True, prev_h=True, transpose_dwhh=False, onehot=True):
    """min-char-rnn's lossFun -> loss, grads, hs (T, H), ps (T, V); each switch writes in one
    typical mistake (tests/test_check.py uses them as the learner's mutants)."""
    Wxh, Whh, bh, Why, by = p["Wxh"], p["Whh"], p["bh"], p["Why"], p["by"]
    V, T = Wxh.shape[1], len(inputs)
    xs, hs, ps = {}, {-1: hprev}, {}
    loss = 0.0
    for t in range(T):
        xs[t] = np.eye(V)[inputs[t]]
        hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
        ps[t] = softmax_ref(Why @ hs[t] + by)
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
    return loss, g, np.array([hs[t] for t in range(T)]), np.array([ps[t] for t in range(T)])


def bptt(lossFun):
    """Exercise: min-char-rnn's lossFun(inputs, targets, hprev, params) -> loss, grads, ...
    with params and grads dicts over Wxh (H, V), Whh (H, H), bh (H,), Why (V, H), by (V,), the
    loss summed over the steps (nats), inputs/targets lists of character ids, hprev (H,)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("backpropagation through time")
    rng = np.random.default_rng(5)
    V, H, T = 4, 3, 5
    p = {"Wxh": 0.5 * rng.standard_normal((H, V)), "Whh": 0.5 * rng.standard_normal((H, H)),
         "bh": 0.5 * rng.standard_normal(H), "Why": 0.5 * rng.standard_normal((V, H)),
         "by": 0.5 * rng.standard_normal(V)}
    inputs = [int(i) for i in rng.integers(0, V, T)]
    targets = [int(i) for i in rng.integers(0, V, T)]
    hprev = np.tanh(rng.standard_normal(H))

    out = tuple_of(chk, call(chk, lossFun, inputs, targets, hprev, p), 2,
                   "(loss, grads, ...) with grads a dict of the five gradients")
    loss, grads = out[0], out[1]
    if not isinstance(grads, dict):
        chk.fail(f"the second value returned should be a dict of gradients, got {summary(grads)}")
    missing = [k for k in PARAM_NAMES if k not in grads]
    chk.require(not missing, f"grads is missing {missing}; it needs one gradient per parameter: "
                f"{list(PARAM_NAMES)}")
    for k in PARAM_NAMES:
        shape(chk, array(chk, grads[k], f"d{k}"), p[k].shape, f"d{k}",
               f" (a gradient has its parameter's shape, like {k})")
    chk.ok()

    want_loss, want, want_hs, want_ps = bptt_variant(inputs, targets, hprev, p)
    loss = scalar(chk, loss, "the loss (the first value returned)")
    if not np.isclose(loss, want_loss, rtol=1e-9):
        if np.isclose(loss * T, want_loss, rtol=1e-9):
            chk.fail("the loss is the mean over the steps; min-char-rnn sums -ln p(target) over them")
        chk.fail(f"the loss should be the sum over the {T} steps of -ln p(target), in nats; "
                 f"yours differs by {abs(loss - want_loss):.3g}")
    chk.ok()

    # a table of planted mistakes (rows of one shape on purpose): each is one mistake and its hint
    mistakes = [
        (dict(accumulate="first"), "right shape but misses the sum over time: "
         "every step adds its own contribution (+=), not only the last one computed"),
        (dict(accumulate="last"), "right shape but misses the sum over time: "
         "every step adds its own contribution (+=), not only one step's"),
        (dict(tanh_prime=False), "misses the derivative of the tanh: the gradient must go "
         "back through h_t = tanh(a_t), i.e. be multiplied by 1 - h_t**2"),
        (dict(carry=False), "misses the gradient from later steps: dh at step t is what its "
         "own output sends back plus the gradient carried back from step t + 1"),
        (dict(whh_t=False), "wrong because the gradient for step t - 1 is carried back with Whh "
         "as it is; going back through Whh @ h means multiplying by its transpose"),
        (dict(prev_h=False), "pairs step t's gradient with h_t; Whh multiplies the "
         "previous state h_{t-1}, so that is the state to use"),
        (dict(transpose_dwhh=True), "transposed: its entry [i, j] belongs to weight "
         "Whh[i, j], from unit j of h_{t-1} to unit i of h_t"),
        (dict(onehot=False), "misses the target: the gradient of the loss with respect to "
         "the scores is p minus the one-hot target"),
    ]
    variants = [(bptt_variant(inputs, targets, hprev, p, **kw)[1], hint) for kw, hint in mistakes]
    for k in ("by", "Why", "bh", "Whh", "Wxh"):
        f = lambda: bptt_variant(inputs, targets, hprev, p)[0]
        num = numerical_gradient(f, p[k])
        got = np.asarray(grads[k], dtype=np.float64)
        grad_check(chk, got, num, [(v[k], h) for v, h in variants], f"d{k}")
    if len(out) >= 4:           # the notebook's lossFun also returns the states and probabilities
        for value, name, ref in ((out[2], "hs", want_hs), (out[3], "ps", want_ps)):
            if isinstance(value, dict):     # min-char-rnn's own dicts {t: vector}
                value = [value.get(t) for t in range(T)]
            got = array(chk, value, f"the returned {name}")
            if got.shape == ref.shape and not same(got, ref):
                chk.fail(f"the gradients are right but the returned {name} are not the forward "
                         f"pass's ({summary(got)}): something in the backward loop writes into "
                         f"them; dy = ps[t] without a copy makes dy[target] -= 1 change ps[t] "
                         "too (np.copy first)" if name == "ps" else
                         f"the gradients are right but the returned hs are not the forward "
                         f"pass's ({summary(got)}): the backward loop must only read them")
    chk.ok()
    chk.done()
