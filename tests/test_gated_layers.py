"""LSTM and GRU layers: numerical gradient checks (float64, odd shapes, T = 1, H = 1),
sequence = repeated steps, torch's layout written out from torch's documented equations,
and bad input."""
import numpy as np
import pytest

from helpers.gradcheck import norm_rel_error, numerical_gradient, rel_error
from helpers.layers import (gru_backward, gru_forward, gru_step_backward, gru_step_forward,
                            lstm_backward, lstm_forward, lstm_step_backward, lstm_step_forward)

SHAPES = [(3, 5, 4, 7), (2, 1, 3, 5), (3, 4, 2, 1), (1, 1, 1, 1)]  # (N, T, D, H)
TOL = 1e-6       # entry by entry (tiny entries carry the numerical gradient's rounding noise)
NORM_TOL = 1e-8  # whole arrays


def lstm_weights(rng, D, H, scale=0.5):
    return (rng.standard_normal((4 * H, D)) * scale, rng.standard_normal((4 * H, H)) * scale,
            rng.standard_normal(4 * H) * scale)


def gru_weights(rng, D, H, scale=0.5):
    return (rng.standard_normal((3 * H, D)) * scale, rng.standard_normal((3 * H, H)) * scale,
            rng.standard_normal(3 * H) * scale, rng.standard_normal(3 * H) * scale)


def check(analytic, f, arrays, df):
    """Every analytic gradient against the numerical gradient of sum(df * f())."""
    for name, (grad, x) in analytic.items():
        num = numerical_gradient(f, x, df)
        assert grad.shape == x.shape, name
        err, norm_err = rel_error(grad, num), norm_rel_error(grad, num)
        assert err < TOL and norm_err < NORM_TOL, \
            f"{name}: relative error {err:.2e} per entry, {norm_err:.2e} of the whole array"


# ---------------------------------------------------------------- LSTM

@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_lstm_step_gradients(N, T, D, H):
    rng = np.random.default_rng(N * 100 + D * 10 + H)
    x, h, c = rng.standard_normal((N, D)), rng.standard_normal((N, H)), rng.standard_normal((N, H))
    Wx, Wh, b = lstm_weights(rng, D, H)
    dh, dc = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    _, _, cache = lstm_step_forward(x, h, c, Wx, Wh, b)
    dx, dhp, dcp, dWx, dWh, db = lstm_step_backward(dh, dc, cache)

    def out():  # both outputs at once, so one numerical gradient covers dh and dc
        hn, cn, _ = lstm_step_forward(x, h, c, Wx, Wh, b)
        return np.concatenate([hn, cn], axis=1)

    check({"dx": (dx, x), "dh_prev": (dhp, h), "dc_prev": (dcp, c), "dWx": (dWx, Wx),
           "dWh": (dWh, Wh), "db": (db, b)}, out, None, np.concatenate([dh, dc], axis=1))


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_lstm_sequence_gradients(N, T, D, H):
    rng = np.random.default_rng(1 + N * 100 + T * 10 + H)
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx, Wh, b = lstm_weights(rng, D, H)
    dh = rng.standard_normal((N, T, H))
    _, cache = lstm_forward(x, h0, Wx, Wh, b)
    dx, dh0, dWx, dWh, db = lstm_backward(dh, cache)
    f = lambda: lstm_forward(x, h0, Wx, Wh, b)[0]
    check({"dx": (dx, x), "dh0": (dh0, h0), "dWx": (dWx, Wx), "dWh": (dWh, Wh), "db": (db, b)},
          f, None, dh)


def test_lstm_sequence_equals_steps_and_c0():
    rng = np.random.default_rng(5)
    N, T, D, H = 3, 6, 4, 7
    x, h0, c0 = (rng.standard_normal(s) for s in ((N, T, D), (N, H), (N, H)))
    Wx, Wh, b = lstm_weights(rng, D, H)
    for c_start in (None, c0):
        hs, cache = lstm_forward(x, h0, Wx, Wh, b, c0=c_start)
        h, c = h0, np.zeros((N, H)) if c_start is None else c_start
        for t in range(T):
            h, c, _ = lstm_step_forward(x[:, t], h, c, Wx, Wh, b)
            assert np.allclose(hs[:, t], h, rtol=1e-13, atol=1e-14), f"h at step {t}"
            assert np.allclose(cache["c"][:, t], c, rtol=1e-13, atol=1e-14), f"c at step {t}"


# ---------------------------------------------------------------- GRU

@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_gru_step_gradients(N, T, D, H):
    rng = np.random.default_rng(2 + N * 100 + D * 10 + H)
    x, h = rng.standard_normal((N, D)), rng.standard_normal((N, H))
    Wx, Wh, bx, bh = gru_weights(rng, D, H)
    dh = rng.standard_normal((N, H))
    _, cache = gru_step_forward(x, h, Wx, Wh, bx, bh)
    dx, dhp, dWx, dWh, dbx, dbh = gru_step_backward(dh, cache)
    f = lambda: gru_step_forward(x, h, Wx, Wh, bx, bh)[0]
    check({"dx": (dx, x), "dh_prev": (dhp, h), "dWx": (dWx, Wx), "dWh": (dWh, Wh),
           "dbx": (dbx, bx), "dbh": (dbh, bh)}, f, None, dh)


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_gru_sequence_gradients(N, T, D, H):
    rng = np.random.default_rng(3 + N * 100 + T * 10 + H)
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx, Wh, bx, bh = gru_weights(rng, D, H)
    dh = rng.standard_normal((N, T, H))
    _, cache = gru_forward(x, h0, Wx, Wh, bx, bh)
    dx, dh0, dWx, dWh, dbx, dbh = gru_backward(dh, cache)
    f = lambda: gru_forward(x, h0, Wx, Wh, bx, bh)[0]
    check({"dx": (dx, x), "dh0": (dh0, h0), "dWx": (dWx, Wx), "dWh": (dWh, Wh),
           "dbx": (dbx, bx), "dbh": (dbh, bh)}, f, None, dh)


def test_gru_sequence_equals_steps():
    rng = np.random.default_rng(6)
    N, T, D, H = 2, 5, 3, 4
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx, Wh, bx, bh = gru_weights(rng, D, H)
    hs, _ = gru_forward(x, h0, Wx, Wh, bx, bh)
    h = h0
    for t in range(T):
        h, _ = gru_step_forward(x[:, t], h, Wx, Wh, bx, bh)
        assert np.allclose(hs[:, t], h, rtol=1e-13, atol=1e-14), f"h at step {t}"


# ---------------------------------------------------------------- torch's layout, from its docs

def _sig(a):
    return 1 / (1 + np.exp(-a))


def torch_doc_lstm(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    """torch.nn.LSTM's documented equations, per gate, with its (W_ii|W_if|W_ig|W_io) layout."""
    W_ii, W_if, W_ig, W_io = np.split(weight_ih, 4)
    W_hi, W_hf, W_hg, W_ho = np.split(weight_hh, 4)
    b_ii, b_if, b_ig, b_io = np.split(bias_ih, 4)
    b_hi, b_hf, b_hg, b_ho = np.split(bias_hh, 4)
    out = []
    for x_t in np.moveaxis(x, 1, 0):
        i = _sig(x_t @ W_ii.T + b_ii + h @ W_hi.T + b_hi)
        f = _sig(x_t @ W_if.T + b_if + h @ W_hf.T + b_hf)
        g = np.tanh(x_t @ W_ig.T + b_ig + h @ W_hg.T + b_hg)
        o = _sig(x_t @ W_io.T + b_io + h @ W_ho.T + b_ho)
        c = f * c + i * g
        h = o * np.tanh(c)
        out.append(h)
    return np.stack(out, axis=1), h, c


def torch_doc_gru(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    """torch.nn.GRU's documented equations, with its (W_ir|W_iz|W_in) layout."""
    W_ir, W_iz, W_in = np.split(weight_ih, 3)
    W_hr, W_hz, W_hn = np.split(weight_hh, 3)
    b_ir, b_iz, b_in = np.split(bias_ih, 3)
    b_hr, b_hz, b_hn = np.split(bias_hh, 3)
    out = []
    for x_t in np.moveaxis(x, 1, 0):
        r = _sig(x_t @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
        z = _sig(x_t @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
        n = np.tanh(x_t @ W_in.T + b_in + r * (h @ W_hn.T + b_hn))
        h = (1 - z) * n + z * h
        out.append(h)
    return np.stack(out, axis=1), h


def test_lstm_matches_torch_documented_equations():
    rng = np.random.default_rng(7)
    N, T, D, H = 3, 5, 4, 7
    x, h0, c0 = (rng.standard_normal(s) for s in ((N, T, D), (N, H), (N, H)))
    Wx, Wh, b_ih = lstm_weights(rng, D, H)
    b_hh = rng.standard_normal(4 * H) * 0.5
    ref, _, c_last = torch_doc_lstm(x, h0, c0, Wx, Wh, b_ih, b_hh)
    ours, cache = lstm_forward(x, h0, Wx, Wh, b_ih + b_hh, c0=c0)
    assert np.allclose(ours, ref, rtol=1e-12, atol=1e-12), "h differs from torch's equations"
    assert np.allclose(cache["c"][:, -1], c_last, rtol=1e-12, atol=1e-12), "c differs"


def test_gru_matches_torch_documented_equations():
    rng = np.random.default_rng(8)
    N, T, D, H = 3, 5, 4, 7
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx, Wh, bx, bh = gru_weights(rng, D, H)
    ref, _ = torch_doc_gru(x, h0, Wx, Wh, bx, bh)
    ours, _ = gru_forward(x, h0, Wx, Wh, bx, bh)
    assert np.allclose(ours, ref, rtol=1e-12, atol=1e-12), "h differs from torch's equations"


def test_against_torch_modules():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    N, T, D, H = 3, 5, 4, 7
    x, h0, c0 = (rng.standard_normal(s) for s in ((N, T, D), (N, H), (N, H)))
    lstm = torch.nn.LSTM(D, H, batch_first=True).double()
    gru = torch.nn.GRU(D, H, batch_first=True).double()
    t = lambda a: torch.from_numpy(a)
    with torch.no_grad():
        ref, (hT, cT) = lstm(t(x), (t(h0)[None], t(c0)[None]))
        p = {k: v.numpy() for k, v in lstm.named_parameters()}
        ours, cache = lstm_forward(x, h0, p["weight_ih_l0"], p["weight_hh_l0"],
                                   p["bias_ih_l0"] + p["bias_hh_l0"], c0=c0)
        assert np.allclose(ours, ref.numpy(), atol=1e-12), "LSTM h differs from torch.nn.LSTM"
        assert np.allclose(cache["c"][:, -1], cT[0].numpy(), atol=1e-12), "LSTM c differs"
        ref, _ = gru(t(x), t(h0)[None])
        p = {k: v.numpy() for k, v in gru.named_parameters()}
        ours, _ = gru_forward(x, h0, p["weight_ih_l0"], p["weight_hh_l0"], p["bias_ih_l0"],
                              p["bias_hh_l0"])
        assert np.allclose(ours, ref.numpy(), atol=1e-12), "GRU h differs from torch.nn.GRU"


# ---------------------------------------------------------------- bad input

def test_bad_input_raises():
    rng = np.random.default_rng(10)
    N, D, H = 2, 4, 5
    x, h = rng.standard_normal((N, D)), rng.standard_normal((N, H))
    Wx, Wh, b = lstm_weights(rng, D, H)
    gWx, gWh, bx, bh = gru_weights(rng, D, H)
    cases = [
        lambda: lstm_step_forward(x, h, h, Wx[:-1], Wh, b),            # Wx not 4H rows
        lambda: lstm_step_forward(x, h, h, Wx, Wh[:, :-1], b),         # Wh not (4H, H)
        lambda: lstm_step_forward(x, h, h, Wx, Wh, b[:-1]),            # bias too short
        lambda: lstm_step_forward(x[:, :-1], h, h, Wx, Wh, b),         # x has the wrong D
        lambda: lstm_step_forward(x, h[:, :-1], h, Wx, Wh, b),         # h has the wrong H
        lambda: lstm_step_forward(x, h, h[:1], Wx, Wh, b),             # c has the wrong N
        lambda: lstm_step_forward(x, h, h, gWx, gWh, b),               # GRU weights in an LSTM
        lambda: lstm_forward(x, h, Wx, Wh, b),                         # x without a time axis
        lambda: lstm_forward(x[:, None], h, Wx, Wh, b, c0=h[:, :-1]),  # c0 mismatched
        lambda: lstm_forward(np.zeros((N, 0, D)), h, Wx, Wh, b),       # T = 0
        lambda: gru_step_forward(x, h, gWx, gWh, bx, bh[:-1]),
        lambda: gru_step_forward(x, h, Wx, Wh, bx, bh),                # LSTM weights in a GRU
        lambda: gru_step_forward(x, h[:, :-1], gWx, gWh, bx, bh),
        lambda: gru_forward(x[:, None], h[:1], gWx, gWh, bx, bh),      # N mismatched
        lambda: gru_forward(x[:, None], h[0], gWx, gWh, bx, bh),       # h0 not 2-D
    ]
    for k, case in enumerate(cases):
        with pytest.raises(ValueError):
            case()
            pytest.fail(f"case {k} did not raise")
