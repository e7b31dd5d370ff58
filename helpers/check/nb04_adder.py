"""Notebook 04's checks: the adder's forward pass (04.1) and its BPTT (04.2)."""
import numpy as np

from ..gradcheck import numerical_gradient
from .core import Check, call, array, same, diagnose, grad_check, shape, tuple_of, sigmoid


def _adder_forward(x, Wxh, Whh, Why):
    T, H = x.shape[0], Whh.shape[0]
    hs = np.zeros((T + 1, H))
    for t in range(T):
        hs[t + 1] = sigmoid(Wxh @ x[t] + Whh @ hs[t])
    return hs, sigmoid(hs[1:] @ Why[0])


def adder_bptt_variant(x, y, hs, ps, Wxh, Whh, Why, *, deriv="sigmoid", carry=True, whh_t=True,
                       prev_h=True, out_deriv=True):
    """Notebook 04's bptt -> dWxh, dWhh, dWhy; each switch writes in one typical mistake
    (tests/test_check.py uses them as the learner's mutants)."""
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
    hidden units h_t = sigmoid(Wxh x_t + Whh h_{t-1}) for t = 1..T, hs[0] = h_0 = 0,
    hs[t] = h_t, and ps[t - 1] = p_t = sigmoid(Why h_t). T and H: pass the notebook's, if forward reads them as globals."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("the adder's forward pass")
    rng = np.random.default_rng(3)
    Wxh, Whh, Why = rng.uniform(-1, 1, (H, 2)), rng.uniform(-1, 1, (H, H)), rng.uniform(-1, 1, (1, H))
    x = rng.integers(0, 2, (T, 2)).astype(np.float64)
    out = tuple_of(chk, call(chk, forward, x, Wxh, Whh, Why), 2, "(hs, ps)")
    hs, ps = array(chk, out[0], "hs"), array(chk, out[1], "ps")
    shape(chk, hs, (T + 1, H), "hs", " (T + 1, H): hs[0] is the state before the first step")
    shape(chk, ps, (T,), "ps", " (T,): one probability per bit")
    chk.ok()

    chk.require(np.all(hs[0] == 0), "hs[0], the state before the first step, should be 0")
    never = [t for t in range(1, T + 1) if np.all(hs[t] == 0)]
    if never:
        chk.fail(f"hs[{never[0]}]{' and later rows' if len(never) > 1 else ''} still 0: the "
                 f"loop never computed step {never[0]}; it should compute every step t = 1..T "
                 f"(range(1, T + 1)), writing h_t into hs[t]")
    chk.require(np.all((hs[1:] > 0) & (hs[1:] < 1)) and np.all((ps > 0) & (ps < 1)),
                "hidden states and outputs should lie between 0 and 1: the units are sigmoids")
    chk.ok()

    want_hs, want_ps = _adder_forward(x, Wxh, Whh, Why)
    if not same(hs, want_hs):
        wrong = np.zeros((T + 1, H))
        for t in range(T):
            wrong[t + 1] = sigmoid(Wxh @ x[t] + hs[t] @ Whh)
        hint = diagnose(hs[1:], [
            (wrong[1:], "the recurrent term uses Whh transposed; in notebook 04's column form it "
             "is Whh @ h_{t-1}"),
            (sigmoid(x @ Wxh.T), "h_t does not depend on h_{t-1}: the recurrent term is missing")])
        chk.fail(hint or "the hidden states differ from h_t = sigmoid(Wxh x_t + Whh h_{t-1})")
    chk.ok()

    if not same(ps, want_ps):
        hint = diagnose(ps, [(sigmoid(hs[:-1] @ Why[0]), "ps[t - 1], the output of step t, "
                               "should read h_t = hs[t] (ps from hs[1:]); yours reads the state "
                               "before the step (hs[:-1])")])
        chk.fail(hint or "the outputs differ from ps_t = sigmoid(Why h_t)")
    chk.ok()
    chk.done()


def adder_bptt(bptt, T=8, H=16):
    """Exercise: notebook 04's bptt(x, y, hs, ps, Wxh, Whh, Why) -> dWxh, dWhh, dWhy for the
    loss 1/2 sum_t (ps_t - y_t)^2 of the sigmoid adder: x (T, 2), y (T,), hs (T + 1, H) with
    hs[0] = 0 and hs[t] = h_t, ps (T,), Wxh (H, 2), Whh (H, H), Why (1, H).
    T and H: pass the notebook's, if your function reads them as globals."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("the adder's backward pass")
    rng = np.random.default_rng(4)
    Wxh, Whh, Why = rng.uniform(-1, 1, (H, 2)), rng.uniform(-1, 1, (H, H)), rng.uniform(-1, 1, (1, H))
    x = rng.integers(0, 2, (T, 2)).astype(np.float64)
    y = rng.integers(0, 2, T).astype(np.float64)
    hs, ps = _adder_forward(x, Wxh, Whh, Why)
    args = (x, y, hs, ps, Wxh, Whh, Why)

    out = tuple_of(chk, call(chk, bptt, *args), 3, "(dWxh, dWhh, dWhy)")
    grads = {k: array(chk, g, f"d{k}") for k, g in zip(("Wxh", "Whh", "Why"), out[:3])}
    for k, W in (("Wxh", Wxh), ("Whh", Whh), ("Why", Why)):
        shape(chk, grads[k], W.shape, f"d{k}", f" like {k}")
    chk.ok()

    # a table of planted mistakes, parallel to 02.2's: each row is one mistake and its hint
    mistakes = [
        (dict(deriv="tanh"), "the hidden units are sigmoids: their derivative is h (1 - h), "
         "not 1 - h**2"),
        (dict(deriv="none"), "the hidden delta misses the sigmoid's derivative h (1 - h)"),
        (dict(carry=False), "the future hidden delta is not carried: each step's delta must "
         "add what comes back from step t + 1"),
        (dict(whh_t=False), "the future hidden delta is carried back with Whh as it is; going "
         "back through Whh @ h means multiplying by its transpose"),
        (dict(prev_h=False), "pairs step t's delta with h_t = hs[t]; Whh multiplies the "
         "previous state h_{t-1} = hs[t - 1] (hs[:-1] for all steps at once)"),
        (dict(out_deriv=False), "the output is a sigmoid too: its delta needs ps (1 - ps)"),
    ]
    variants = [(adder_bptt_variant(*args, **kw), hint) for kw, hint in mistakes]
    for i, k in ((2, "Why"), (1, "Whh"), (0, "Wxh")):
        W = {"Wxh": Wxh, "Whh": Whh, "Why": Why}[k]
        num = numerical_gradient(lambda: 0.5 * np.sum((_adder_forward(x, Wxh, Whh, Why)[1] - y) ** 2), W)
        grad_check(chk, grads[k], num, [(v[i], h) for v, h in variants], f"d{k}")
    chk.done()
