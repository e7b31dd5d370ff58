"""Notebook 08's checks: the LSTM step forward and backward (08.1, 08.2), the GRU's (08.3, 08.4)."""
import numpy as np

from ..gradcheck import numerical_gradient
from .core import Check, call, array, same, diagnose, grad_check, shape, tuple_of, sigmoid


def _lstm_ref_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = x @ Wx.T + h_prev @ Wh.T + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
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
    out = tuple_of(chk, call(chk, forward, *(a.copy() for a in args)), 3, "(h, c, cache)")
    h, c = array(chk, out[0], "h"), array(chk, out[1], "c")
    shape(chk, h, (N, H), "h", " (N, H)")
    shape(chk, c, (N, H), "c", " (N, H)")
    h_want, c_want, (i, f, g, o) = _lstm_ref_forward(*args)
    if not (same(h, h_want) and same(c, c_want)):
        perm = lambda W, k: np.concatenate([W[j * H:(j + 1) * H] for j in k])
        ifog = _lstm_ref_forward(x, h_prev, c_prev, perm(Wx, (0, 1, 3, 2)), perm(Wh, (0, 1, 3, 2)),
                                 perm(b, (0, 1, 3, 2)))
        a = x @ Wx.T + h_prev @ Wh.T + b
        g_sig = sigmoid(a[:, 2 * H:3 * H])
        hint = diagnose(c, [(ifog[1], "the gate blocks are taken in the wrong order: the rows "
                              "of Wx, Wh and b are the blocks i, f, g, o, H rows each"),
                             (f * c_prev + i * g_sig, "the candidate g should be a tanh, not a "
                              "sigmoid"),
                             (f * c_prev + g, "the candidate g enters the cell without the input "
                              "gate i"),
                             (c_prev + i * g, "the old cell state is not scaled by the forget gate f"),
                             ((1 - f) * c_prev + i * g, "the old cell state is scaled by 1 - f; "
                              "the forget gate keeps f of it")])
        if hint is None and same(c, c_want):
            hint = diagnose(h, [(o * c_want, "h should be o * tanh(c): the tanh of the cell "
                                  "state is missing"),
                                 (np.tanh(c_want), "h should be o * tanh(c): the output gate is missing")])
        chk.fail(hint or ("c (the new cell state) is wrong" if not same(c, c_want) else "h is wrong")
                 + "; check each gate against the formulas")
    return args, out[2]


def lstm_step_forward(forward):
    """Exercise: forward(x, h_prev, c_prev, Wx, Wh, b) -> h, c, cache; Wx (4H, D), Wh (4H, H),
    b (4H,), gate blocks i, f, g, o (torch's order), i, f, o sigmoids, g tanh,
    c = f * c_prev + i * g, h = o * tanh(c)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("LSTM step forward")
    _check_lstm_forward(chk, forward)
    chk.ok()
    N, D, H = 2, 3, 2
    rng = np.random.default_rng(9)
    c_prev = rng.standard_normal((N, H))
    out = call(chk, forward, rng.standard_normal((N, D)), rng.standard_normal((N, H)), c_prev,
                np.zeros((4 * H, D)), np.zeros((4 * H, H)), np.zeros(4 * H))
    h, c = array(chk, out[0], "h"), array(chk, out[1], "c")
    chk.require(same(c, 0.5 * c_prev) and same(h, 0.5 * np.tanh(0.5 * c_prev)),
                "with all weights and biases 0 every gate is sigmoid(0) = 0.5 and g = tanh(0) = 0, "
                "so c should be c_prev / 2 and h = tanh(c) / 2")
    chk.ok()
    chk.done()


def lstm_step_backward(backward, forward):
    """Exercise: backward(dh, dc, cache) -> dx, dh_prev, dc_prev, dWx, dWh, db, with the cache
    made by your forward(x, h_prev, c_prev, Wx, Wh, b) -> h, c, cache (checked first).
    dh, dc: upstream gradients of h and of c (dc comes from the next step's cell state)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("LSTM step backward")
    args, cache = _check_lstm_forward(chk, forward)
    chk.ok()
    x, h_prev, c_prev, Wx, Wh, b = args
    rng = np.random.default_rng(10)
    dh, dc = rng.standard_normal(h_prev.shape), rng.standard_normal(h_prev.shape)

    names = ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")
    out = tuple_of(chk, call(chk, backward, dh.copy(), dc.copy(), cache), 6,
                 "(dx, dh_prev, dc_prev, dWx, dWh, db)")
    grads = [array(chk, g, n) for g, n in zip(out[:6], names)]
    for g, n, a in zip(grads, names, (x, h_prev, c_prev, Wx, Wh, b)):
        shape(chk, g, a.shape, n, " (a gradient has the shape of what it is the gradient of)")
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
        grad_check(chk, grads[k], num, [(v[k], h) for v, h in variants], names[k])
    chk.done()



def _gru_ref_forward(x, h_prev, Wx, Wh, bx, bh, *, swap_z=False, reset_before=False,
                     order=(0, 1, 2)):
    H = h_prev.shape[1]
    blocks = lambda W: np.concatenate([W[k * H:(k + 1) * H] for k in order])
    Wx, Wh, bx, bh = blocks(Wx), blocks(Wh), blocks(bx), blocks(bh)
    ax, ah = x @ Wx.T + bx, h_prev @ Wh.T + bh
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])
    if reset_before:
        n = np.tanh(ax[:, 2 * H:] + (r * h_prev) @ Wh[2 * H:].T + bh[2 * H:])
    else:
        n = np.tanh(ax[:, 2 * H:] + r * ah[:, 2 * H:])
    return (z * n + (1 - z) * h_prev) if swap_z else ((1 - z) * n + z * h_prev)


def _gru_ref_backward(dh, x, h_prev, Wx, Wh, bx, bh, *, direct=True, keep="z", dz_sign=1,
                      r_in_n=True, tanh_deriv=True):
    H = h_prev.shape[1]
    ax, ah = x @ Wx.T + bx, h_prev @ Wh.T + bh
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])
    hn = ah[:, 2 * H:]
    n = np.tanh(ax[:, 2 * H:] + r * hn)
    dn = dh * (1 - z)
    dz = dz_sign * dh * (h_prev - n)
    dan = dn * (1 - n * n) if tanh_deriv else dn
    dar = dan * hn * r * (1 - r)
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
    out = tuple_of(chk, call(chk, forward, *(a.copy() for a in args)), 2, "(h, cache)")
    h = array(chk, out[0], "h")
    shape(chk, h, (N, H), "h", " (N, H)")
    if not same(h, _gru_ref_forward(*args)):
        hint = diagnose(h, [
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
    chk = Check("GRU step forward")
    __tracebackhide__ = True
    _check_gru_forward(chk, forward)
    chk.ok()
    N, D, H = 2, 3, 2
    rng = np.random.default_rng(17)
    h_prev = rng.standard_normal((N, H))
    out = call(chk, forward, rng.standard_normal((N, D)), h_prev, np.zeros((3 * H, D)),
                np.zeros((3 * H, H)), np.zeros(3 * H), np.zeros(3 * H))
    h = array(chk, out[0] if isinstance(out, (tuple, list)) else out, "h")
    chk.require(same(h, 0.5 * h_prev), "with all weights and biases 0, z = 0.5 and n = 0, so h "
                "should be h_prev / 2")
    chk.ok()
    chk.done()


def gru_step_backward(backward, forward):
    """Exercise: backward(dh, cache) -> dx, dh_prev, dWx, dWh, dbx, dbh, with the cache made by
    your forward(x, h_prev, Wx, Wh, bx, bh) -> h, cache (checked first)."""
    chk = Check("GRU step backward")
    __tracebackhide__ = True
    args, cache = _check_gru_forward(chk, forward)
    chk.ok()
    dh = np.random.default_rng(18).standard_normal(args[1].shape)
    names = ("dx", "dh_prev", "dWx", "dWh", "dbx", "dbh")
    out = tuple_of(chk, call(chk, backward, dh.copy(), cache), 6, "(dx, dh_prev, dWx, dWh, dbx, dbh)")
    grads = [array(chk, g, n) for g, n in zip(out[:6], names)]
    for g, n, a in zip(grads, names, args):
        shape(chk, g, a.shape, n, " (a gradient has the shape of what it is the gradient of)")
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
        grad_check(chk, grads[k], num, [(v[k], h) for v, h in variants], names[k])
    chk.done()
