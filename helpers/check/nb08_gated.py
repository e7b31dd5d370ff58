"""Notebook 08's checks: the LSTM step forward and backward (08.1, 08.2), the GRU's (08.3, 08.4).

The caches are laid out as helpers.layers lays them out (the notebook's given return lines):
LSTM (x, Wx, (h_prev, c_prev, Wh, i, f, g, o, tc)), GRU (x, Wx, (h_prev, Wh, r, z, n, n_hat)).
A forward's cache is checked by running the course's backward on it."""
import numpy as np

from ..gradcheck import numerical_gradient
from ..layers import gru_step_backward as course_gru_backward
from ..layers import lstm_step_backward as course_lstm_backward
from .core import (Check, array, cache_check, call, diagnose, grad_check, same, shape, sigmoid,
                   tuple_of)

GRADIENT_SHAPE = " (a gradient has the shape of what it is the gradient of)"


# ---------------------------------------------------------------- the LSTM step

def lstm_forward_variant(x, h_prev, c_prev, Wx, Wh, b, *, order="ifgo", g_act="tanh",
                         tanh_c=True, bias=True):
    """The LSTM step -> h, c, cache; each switch writes in one typical mistake of the forward
    (tests/test_check.py uses them as the learner's mutants)."""
    a = x @ Wx.T + h_prev @ Wh.T + (b if bias else 0)
    blocks = dict(zip(order, np.split(a, 4, axis=1)))
    i, f, o = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"])
    g = np.tanh(blocks["g"]) if g_act == "tanh" else sigmoid(blocks["g"])
    c = f * c_prev + i * g
    tc = np.tanh(c)
    return o * (tc if tanh_c else c), c, (x, Wx, (h_prev, c_prev, Wh, i, f, g, o, tc))


def lstm_backward_variant(dh, dc, cache, *, use_dc=True, h_path=True, tanh_c="right", forget="f",
                          g_deriv="tanh", gate_deriv="sigmoid", order=(0, 1, 2, 3)):
    """The LSTM step backward from the cache -> dx, dh_prev, dc_prev, dWx, dWh, db; each switch
    writes in one typical mistake (tests/test_check.py uses them as the learner's mutants)."""
    x, Wx, (h_prev, c_prev, Wh, i, f, g, o, tc) = cache
    dtc = {"right": 1 - tc * tc, "c": 1 - np.arctanh(tc) ** 2}[tanh_c]
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


def _lstm_suspect(chk, forward, args):
    """Which part of the LSTM step is wrong, found by probing with zero weights (so every gate
    is the sigmoid or tanh of its bias alone)."""
    x, h_prev, c_prev, Wx, Wh, b = args
    N, H = h_prev.shape
    zero = (np.zeros_like(Wx), np.zeros_like(Wh))
    bi, bf, bg, bo = np.split(b, 4)

    def probe(c0):             # h_prev = 0 too: with Wh = 0 it must not matter
        out = tuple_of(chk, call(chk, forward, x, np.zeros((N, H)), c0, *zero, b), 2,
                       "(h, c, cache)")
        return array(chk, out[0], "h"), array(chk, out[1], "c")

    h, c = probe(np.zeros((N, H)))
    if not same(c, np.broadcast_to(sigmoid(bi) * np.tanh(bg), (N, H))):
        return ("with c_prev = 0, c should be i * g: check the input gate i (the sigmoid of block "
                "0, rows 0:H) and the candidate g (the tanh of block 2, rows 2H:3H)")
    h, c = probe(c_prev)
    if not same(c, sigmoid(bf) * c_prev + sigmoid(bi) * np.tanh(bg)):
        return ("the forget gate's term is wrong: f (the sigmoid of block 1, rows H:2H) scales "
                "c_prev, c = f * c_prev + i * g")
    if not same(h, sigmoid(bo) * np.tanh(c)):
        return ("c is right but h is not: h = o * tanh(c), with o the sigmoid of block 3 (rows "
                "3H:4H)")
    return ("every gate is right from its bias alone, so the products are wrong: "
            "a = x @ Wx.T + h_prev @ Wh.T + b for row vectors (N, D) and (N, H)")


def _check_lstm_forward(chk, forward):
    """Run forward on fixed inputs; fail with a hint unless h, c and the cache are right.
    -> inputs, the forward's cache."""
    __tracebackhide__ = True
    args = _lstm_inputs()
    N, H = args[1].shape
    out = tuple_of(chk, call(chk, forward, *args), 3, "(h, c, cache)")
    h, c = array(chk, out[0], "h"), array(chk, out[1], "c")
    shape(chk, h, (N, H), "h", " (N, H)")
    shape(chk, c, (N, H), "c", " (N, H)")
    h_want, c_want, cache_want = lstm_forward_variant(*args)
    if not (same(h, h_want) and same(c, c_want)):
        hint = diagnose(c, [
            (lstm_forward_variant(*args, order="ifog")[1], "the gate blocks are taken in the "
             "wrong order: the rows of Wx, Wh and b are the blocks i, f, g, o, H rows each"),
            (lstm_forward_variant(*args, g_act="sigmoid")[1], "the candidate g should be a tanh, "
             "not a sigmoid"),
            (lstm_forward_variant(*args, bias=False)[1], "the bias b is not added to a")])
        if hint is None and same(c, c_want):
            o = cache_want[2][6]
            hint = diagnose(h, [(o * c_want, "h should be o * tanh(c): the tanh of the cell "
                                 "state is missing"),
                                (np.tanh(c_want), "h should be o * tanh(c): the output gate is "
                                 "missing")])
        chk.fail(hint or _lstm_suspect(chk, forward, args))
    dh, dc = np.random.default_rng(11).standard_normal((2, N, H))
    cache_check(chk, lambda cache: course_lstm_backward(dh, dc, cache), out[2], cache_want,
                "(x, Wx, (h_prev, c_prev, Wh, i, f, g, o, tc)) with tc = tanh(c)")
    return args, out[2], cache_want


def lstm_step_forward(forward):
    """Exercise: forward(x, h_prev, c_prev, Wx, Wh, b) -> h, c, cache; Wx (4H, D), Wh (4H, H),
    b (4H,), gate blocks i, f, g, o (torch's order), i, f, o sigmoids, g tanh,
    c = f * c_prev + i * g, h = o * tanh(c); the cache laid out as helpers.layers'."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("LSTM step forward")
    _check_lstm_forward(chk, forward)
    chk.ok()
    N, D, H = 2, 3, 2
    rng = np.random.default_rng(9)
    c_prev = rng.standard_normal((N, H))
    out = tuple_of(chk, call(chk, forward, rng.standard_normal((N, D)), rng.standard_normal((N, H)),
                             c_prev, np.zeros((4 * H, D)), np.zeros((4 * H, H)), np.zeros(4 * H)),
                   3, "(h, c, cache)")
    h, c = array(chk, out[0], "h"), array(chk, out[1], "c")
    chk.require(same(c, 0.5 * c_prev) and same(h, 0.5 * np.tanh(0.5 * c_prev)),
                "with all weights and biases 0 every gate is sigmoid(0) = 0.5 and g = tanh(0) = 0, "
                "so c should be c_prev / 2 and h = tanh(c) / 2")
    chk.ok()
    chk.done()


def lstm_step_backward(backward, forward):
    """Exercise: backward(dh, dc, cache) -> dx, dh_prev, dc_prev, dWx, dWh, db, with the cache
    made by forward(x, h_prev, c_prev, Wx, Wh, b) -> h, c, cache (checked first: yours, or the
    course's helpers.layers.lstm_step_forward). dh, dc: upstream gradients of h and of c."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("LSTM step backward")
    args, cache, cache_want = _check_lstm_forward(chk, forward)
    x, h_prev, c_prev, Wx, Wh, b = args
    rng = np.random.default_rng(10)
    dh, dc = rng.standard_normal(h_prev.shape), rng.standard_normal(h_prev.shape)

    names = ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")
    out = tuple_of(chk, call(chk, backward, dh, dc, cache), 6, "(" + ", ".join(names) + ")")
    grads = [array(chk, g, n) for g, n in zip(out[:6], names)]
    for g, n, a in zip(grads, names, (x, h_prev, c_prev, Wx, Wh, b)):
        shape(chk, g, a.shape, n, GRADIENT_SHAPE)
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
    variants = [(lstm_backward_variant(dh, dc, cache_want, **kw), hint) for kw, hint in mistakes]
    arrays = [a.copy() for a in args]

    def loss():
        h, c, _ = lstm_forward_variant(*arrays)
        return np.sum(dh * h) + np.sum(dc * c)

    for k in (2, 5, 4, 3, 1, 0):        # dc_prev first: it is the simplest path
        num = numerical_gradient(loss, arrays[k])
        grad_check(chk, grads[k], num, [(v[k], h) for v, h in variants], names[k])
    chk.done()


# ---------------------------------------------------------------- the GRU step

def gru_forward_variant(x, h_prev, Wx, Wh, bx, bh, *, swap_z=False, reset_before=False,
                        order=(0, 1, 2), bn_outside=False):
    """The GRU step -> h, cache; each switch writes in one typical mistake of the forward
    (tests/test_check.py uses them as the learner's mutants)."""
    H = h_prev.shape[1]
    blocks = lambda W: np.concatenate([W[k * H:(k + 1) * H] for k in order])
    Wx, Wh, bx, bh = blocks(Wx), blocks(Wh), blocks(bx), blocks(bh)
    ax, ah = x @ Wx.T + bx, h_prev @ Wh.T + bh
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])
    n_hat = ah[:, 2 * H:]
    if reset_before:
        n = np.tanh(ax[:, 2 * H:] + (r * h_prev) @ Wh[2 * H:].T + bh[2 * H:])
    elif bn_outside:                    # bh's n block added after the reset gate, not scaled by r
        n = np.tanh(ax[:, 2 * H:] + r * (n_hat - bh[2 * H:]) + bh[2 * H:])
    else:
        n = np.tanh(ax[:, 2 * H:] + r * n_hat)
    h = (z * n + (1 - z) * h_prev) if swap_z else ((1 - z) * n + z * h_prev)
    return h, (x, Wx, (h_prev, Wh, r, z, n, n_hat))


def gru_backward_variant(dh, cache, *, direct=True, keep="z", dz_sign=1, r_in_n=True,
                         tanh_deriv=True):
    """The GRU step backward from the cache -> dx, dh_prev, dWx, dWh, dbx, dbh; each switch
    writes in one typical mistake (tests/test_check.py uses them as the learner's mutants)."""
    x, Wx, (h_prev, Wh, r, z, n, n_hat) = cache
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


def _gru_suspect(chk, forward, args):
    """Which part of the GRU step is wrong, found by probing with zero weights."""
    x, h_prev, Wx, Wh, bx, bh = args
    zero = (np.zeros_like(Wx), np.zeros_like(Wh))
    (rx, zx, nx), (rh, zh, nh) = np.split(bx, 3), np.split(bh, 3)
    r, z = sigmoid(rx + rh), sigmoid(zx + zh)

    def probe(bh_probe):
        out = tuple_of(chk, call(chk, forward, x, h_prev, *zero, bx, bh_probe), 2, "(h, cache)")
        return array(chk, out[0], "h")

    no_n_hat = np.concatenate([rh, zh, np.zeros_like(nh)])
    if not same(probe(no_n_hat), (1 - z) * np.tanh(nx) + z * h_prev):
        return ("with Wh = 0 and bh's n block 0 the reset gate plays no part, and h is still "
                "wrong: check the update gate z (the sigmoid of block 1, rows H:2H, of both "
                "products) and h = (1 - z) * n + z * h_prev")
    if not same(probe(bh), (1 - z) * np.tanh(nx + r * nh) + z * h_prev):
        return ("the reset gate is wrong: r (the sigmoid of block 0) scales the whole of "
                "n_hat = Wh_n h_prev + bh_n, bh's n block included, inside the tanh")
    return ("every gate is right from its biases alone, so the products are wrong: "
            "x @ Wx.T + bx and h_prev @ Wh.T + bh for row vectors (N, D) and (N, H)")


def _check_gru_forward(chk, forward):
    """Run forward on fixed inputs; fail with a hint unless h and the cache are right.
    -> inputs, the forward's cache, the reference cache."""
    __tracebackhide__ = True
    args = _gru_inputs()
    N, H = args[1].shape
    out = tuple_of(chk, call(chk, forward, *args), 2, "(h, cache)")
    h = array(chk, out[0], "h")
    shape(chk, h, (N, H), "h", " (N, H)")
    h_want, cache_want = gru_forward_variant(*args)
    if not same(h, h_want):
        hint = diagnose(h, [
            (gru_forward_variant(*args, swap_z=True)[0], "the update gate is used the other way "
             "round: z is the share of the OLD state that is kept, 1 - z the share of the "
             "candidate n"),
            (gru_forward_variant(*args, reset_before=True)[0], "the reset gate should scale "
             "Wh_n h_prev + bh_n (torch's GRU), not h_prev before the product"),
            (gru_forward_variant(*args, bn_outside=True)[0], "bh's n block is added outside the "
             "reset gate: r scales all of n_hat = Wh_n h_prev + bh_n, bias included"),
            (gru_forward_variant(*args, order=(1, 0, 2))[0], "the gate blocks are taken in the "
             "wrong order: the rows of Wx, Wh, bx and bh are the blocks r, z, n, H rows each")])
        chk.fail(hint or _gru_suspect(chk, forward, args))
    dh = np.random.default_rng(19).standard_normal((N, H))
    cache_check(chk, lambda cache: course_gru_backward(dh, cache), out[1], cache_want,
                "(x, Wx, (h_prev, Wh, r, z, n, n_hat)) with n_hat = Wh_n h_prev + bh_n before "
                "the reset gate scales it")
    return args, out[1], cache_want


def gru_step_forward(forward):
    """Exercise: forward(x, h_prev, Wx, Wh, bx, bh) -> h, cache; Wx (3H, D), Wh (3H, H),
    bx, bh (3H,), blocks r, z, n (torch's order); r, z sigmoids,
    n = tanh(Wx_n x + bx_n + r * (Wh_n h_prev + bh_n)), h = (1 - z) * n + z * h_prev;
    the cache laid out as helpers.layers'."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("GRU step forward")    # parallel to lstm_step_forward on purpose: one cell each
    _check_gru_forward(chk, forward)
    chk.ok()
    N, D, H = 2, 3, 2
    rng = np.random.default_rng(17)
    h_prev = rng.standard_normal((N, H))
    out = tuple_of(chk, call(chk, forward, rng.standard_normal((N, D)), h_prev,
                             np.zeros((3 * H, D)), np.zeros((3 * H, H)), np.zeros(3 * H),
                             np.zeros(3 * H)), 2, "(h, cache)")
    chk.require(same(array(chk, out[0], "h"), 0.5 * h_prev), "with all weights and biases 0, "
                "z = 0.5 and n = 0, so h should be h_prev / 2")
    chk.ok()
    chk.done()


def gru_step_backward(backward, forward):
    """Exercise: backward(dh, cache) -> dx, dh_prev, dWx, dWh, dbx, dbh, with the cache made by
    forward(x, h_prev, Wx, Wh, bx, bh) -> h, cache (checked first: yours, or the course's
    helpers.layers.gru_step_forward)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("GRU step backward")
    args, cache, cache_want = _check_gru_forward(chk, forward)
    dh = np.random.default_rng(18).standard_normal(args[1].shape)
    names = ("dx", "dh_prev", "dWx", "dWh", "dbx", "dbh")
    out = tuple_of(chk, call(chk, backward, dh, cache), 6, "(" + ", ".join(names) + ")")
    grads = [array(chk, g, n) for g, n in zip(out[:6], names)]
    for g, n, a in zip(grads, names, args):
        shape(chk, g, a.shape, n, GRADIENT_SHAPE)
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
    variants = [(gru_backward_variant(dh, cache_want, **kw), hint) for kw, hint in mistakes]
    arrays = [a.copy() for a in args]
    for k in (1, 4, 5, 2, 3, 0):        # dh_prev first: the path every step uses
        num = numerical_gradient(lambda: np.sum(dh * gru_forward_variant(*arrays)[0]), arrays[k])
        grad_check(chk, grads[k], num, [(v[k], h) for v, h in variants], names[k])
    chk.done()
