"""OPTIMISATION: a fused, time-major LSTM character model (the same numbers as helpers.cells).

`loss_and_grads` computes what get_cell("lstm").loss_and_grads computes (without a mask), up
to rounding, and is tested against it; read that one (and helpers.layers) to learn the LSTM.
This module only makes it fast, for the trainer (LSTMStep) and benchmarks/lstm_speed.py:

* time-major buffers allocated once per window shape and reused (`workspace`), so each
  step's slice is one contiguous block and the loops allocate nothing; states are
  feature-major, (H, N) per step, because BLAS runs the step product W (4H, H) @ h (H, N)
  faster than h (N, H) @ W.T (H, 4H);
* the gate blocks are reordered internally to o, i, f, g (torch's order is i, f, g, o):
  the three sigmoid gates are then one slice, and so are the three blocks that the cell
  gradient dc feeds in the backward pass;
* sigmoid(a) = (1 + tanh(a / 2)) / 2 with the 1/2 folded into copies of the weights, so one
  tanh call per step covers all four blocks;
* the input term is a gather of rows of (Wx.T + b) (one-hot inputs);
* everything that does not depend on the recurrence (the gate derivatives, the output layer,
  the weight gradients) is computed for all T steps at once, outside the loops; dWh, dWx and
  db are one product, of the gate gradients with [h_prev | one-hot input | 1];
* rows of buffers that are read down their columns are padded (_PAD).
"""
import numpy as np


# torch's blocks i, f, g, o -> internal o, i, f, g
_ORDER = (3, 0, 1, 2)
_INVERSE = tuple(int(k) for k in np.argsort(_ORDER))
# Rows of 4H floats are 4 KiB apart at H = 256: copying down such a column hits one cache set
# over and over (a transposing copy ran 5x slower). A few floats of padding per row avoid that.
_PAD = 16


def _round_up(n, k=16):
    """n rounded up to a multiple of k."""
    return -(-n // k) * k


def _blocks(a, order, H, axis=0):
    """Reorder the four H-sized blocks of `a` along `axis`."""
    parts = np.split(a, 4, axis=axis)
    return np.concatenate([parts[k] for k in order], axis=axis)


class _Workspace:
    """Buffers for one window shape. States are feature-major, (H, N) per step, so each gate
    block of a step is a contiguous run of rows."""

    def __init__(self, N, T, H, V, dtype):
        self.E = np.zeros((V, 4 * H + _PAD), dtype)   # permuted Wx.T + b, sigmoid columns halved
        self.G = np.empty((T, N, 4 * H + _PAD), dtype)  # E gathered for every input
        self.WhP = np.empty((4 * H, H), dtype)       # permuted Wh
        self.WhPT = np.empty((H, 4 * H + _PAD), dtype)[:, :4 * H]   # its transpose (backward)
        self.WhS = np.empty((4 * H, H), dtype)       # permuted Wh, sigmoid rows halved
        self.A = np.empty((T, 4, H, N), dtype)        # inputs -> gates o, i, f, g at each step
        self.hs = np.empty((T + 1, H, N), dtype)      # hs[0] = h0, hs[t + 1] = h_t
        self.cs = np.empty((T + 1, H, N), dtype)
        self.tc = np.empty((T, H, N), dtype)          # tanh(c_t)
        self.tmp = np.empty((H, N), dtype)
        self.pre = np.empty((4 * H, N), dtype)
        self.S = np.empty((T * N, V), dtype)
        self.dA = np.empty((T, 4, H, N), dtype)       # the gates' pre-activation gradients
        # ... copied to (4H, T*N) for the weight products (rows padded)
        self.dAf = np.empty((4 * H, T * N + _PAD), dtype)[:, :T * N]
        self.dH = np.empty((T, H, N), dtype)
        self.K = np.empty((T, H, N), dtype)           # dc_t += dh_t * K_t
        self.P = np.empty((T, 3, H, N), dtype)        # dA_ifg = dc * P
        self.dc = np.empty((H, N), dtype)
        self.dcn = np.empty((H, N), dtype)
        self.dhn = np.empty((H, N), dtype)
        self.rows = np.arange(T * N)
        # rows (t, n) of the first T*N: what the gate gradients of step t multiply, [h_{t-1} |
        # one-hot input | 1], so that one product gives dWh, dWx and db (columns padded to a
        # multiple of 16, which BLAS runs faster); X[N:, :H] are the h_t of the output layer
        self.X = np.zeros(((T + 1) * N, H + _round_up(V + 1)), dtype)
        self.X[:, H + V] = 1


def _workspace(cache, N, T, H, V, dtype):
    key = (N, T, H, V, np.dtype(dtype))
    if key not in cache:
        cache[key] = _Workspace(*key)
    return cache[key]


def loss_and_grads(params, x_ids, y_ids, state=None, workspace=None):
    """The LSTM char model's mean cross-entropy (nats per character) and its gradients.

    params: Wx (4H, V), Wh (4H, H), b (4H,), Why (V, H), by (V,) (helpers.cells' 'lstm');
    x_ids, y_ids (N, T) int ids; state: (h0, c0) of (N, H) arrays or None (zeros);
    workspace: a dict kept between calls to reuse the buffers.
    -> loss (float), grads (dict like params, new arrays), (h, c) after the last step (copies)
    """
    Wx, Wh, b, Why, by = (params[k] for k in ("Wx", "Wh", "b", "Why", "by"))
    V, H = Why.shape
    x, y = np.asarray(x_ids), np.asarray(y_ids)
    if x.ndim != 2 or y.shape != x.shape or x.shape[1] < 1:
        raise ValueError(f"x_ids and y_ids must be (N, T) arrays of the same shape with T >= 1, "
                         f"got {x.shape}, {y.shape}")
    if Wx.shape != (4 * H, V) or Wh.shape != (4 * H, H) or b.shape != (4 * H,) or by.shape != (V,):
        raise ValueError(f"LSTM parameters must be Wx (4H, V), Wh (4H, H), b (4H,), Why (V, H), "
                         f"by (V,); got {Wx.shape}, {Wh.shape}, {b.shape}, {Why.shape}, {by.shape}")
    for name, a in (("x_ids", x), ("y_ids", y)):
        if a.min() < 0 or a.max() >= V:
            raise ValueError(f"{name} must lie in [0, {V}), got {a.min()}..{a.max()}")
    N, T = x.shape
    dtype = Why.dtype
    ws = _workspace({} if workspace is None else workspace, N, T, H, V, dtype)
    if state is not None and (len(state) != 2 or any(np.shape(s) != (N, H) for s in state)):
        raise ValueError(f"state must be a pair (h, c) of ({N}, {H}) arrays or None")
    xt = np.ascontiguousarray(x.T)                    # (T, N): time-major
    yt = y.T.reshape(-1)

    _forward(ws, Wx, Wh, b, xt, state, T, H)
    loss, grads = _output_layer(ws, Why, by, yt, N, T, H)
    _backward(ws, T, H)
    grads.update(_weight_gradients(ws, xt, V, H, T, N))
    grads = {k: grads[k] for k in ("Wx", "Wh", "b", "Why", "by")}
    return loss, grads, (ws.hs[T].T.copy(), ws.cs[T].T.copy())


def _forward(ws, Wx, Wh, b, xt, state, T, H):
    """The recurrence: fills ws.A (gate activations), ws.hs, ws.cs, ws.tc (tanh of c), and
    the h columns of ws.X."""
    N = xt.shape[1]
    # ---- weights, permuted to o, i, f, g, sigmoid blocks halved
    E, WhP, WhS = ws.E, ws.WhP, ws.WhS
    np.copyto(E[:, :4 * H], _blocks(Wx.T + b, _ORDER, H, axis=1))
    np.copyto(WhP, _blocks(Wh, _ORDER, H, axis=0))
    np.copyto(ws.WhPT, WhP.T)
    np.multiply(WhP[:3 * H], 0.5, out=WhS[:3 * H])
    np.copyto(WhS[3 * H:], WhP[3 * H:])
    E[:, :3 * H] *= 0.5

    # ---- forward
    A, hs, cs, tc, tmp, pre = ws.A, ws.hs, ws.cs, ws.tc, ws.tmp, ws.pre
    A3 = A.reshape(T, 4 * H, N)
    np.take(E, xt, axis=0, out=ws.G, mode="clip")     # input term of every step, bias included
    np.copyto(A3, ws.G[..., :4 * H].transpose(0, 2, 1))
    if state is None:
        hs[0], cs[0] = 0, 0
    else:
        hs[0], cs[0] = state[0].T, state[1].T
    for t in range(T):
        a = A3[t]
        np.matmul(WhS, hs[t], out=pre)                # pre = WhS @ h_prev
        a += pre
        np.tanh(a, out=a)
        s = a[:3 * H]
        s *= 0.5
        s += 0.5                                      # o, i, f = sigmoids; g = tanh
        o, i, f, g = A[t]
        c = cs[t + 1]
        np.multiply(f, cs[t], out=c)
        np.multiply(i, g, out=tmp)
        c += tmp                                      # c = f * c_prev + i * g
        np.tanh(c, out=tc[t])
        np.multiply(o, tc[t], out=hs[t + 1])          # h = o * tanh(c)
    np.copyto(ws.X[:, :H].reshape(T + 1, N, H), hs.transpose(0, 2, 1))   # h in rows (t, n)


def _output_layer(ws, Why, by, yt, N, T, H):
    """Scores, the loss and its gradients for Why, by; fills ws.dH (dL/dh of every step)."""
    # ---- output layer and loss, all steps at once (rows in (t, n) order)
    S = ws.S
    Hf = ws.X[N:, :H]                                 # h_t in rows (t, n)
    np.matmul(Hf, Why.T, out=S)
    S += by
    S -= S.max(axis=1, keepdims=True)
    S -= np.log(np.exp(S).sum(axis=1, keepdims=True))
    loss = -float(S[ws.rows, yt].sum(dtype=np.float64)) / (N * T)
    dS = np.exp(S, out=S)
    dS[ws.rows, yt] -= 1
    dS *= 1.0 / (N * T)
    grads = {"Why": dS.T @ Hf, "by": dS.sum(axis=0)}
    ws.dH[...] = (dS @ Why).reshape(T, N, H).transpose(0, 2, 1)
    return loss, grads


def _backward(ws, T, H):
    """Back through the gates and through time: fills ws.dA (the gates' pre-activation gradients)."""
    A, cs, tc, dH = ws.A, ws.cs, ws.tc, ws.dH
    N = dH.shape[2]
    # ---- gate derivatives for all steps at once
    o, i, f, g = A[:, 0], A[:, 1], A[:, 2], A[:, 3]
    K, P, dA = ws.K, ws.P, ws.dA
    np.multiply(tc, tc, out=K)
    np.subtract(1, K, out=K)
    K *= o                                            # o * (1 - tanh(c)^2)
    Q = dA[:, 0]                    # tanh(c) * o (1 - o), kept where step t's dA_o will go
    np.subtract(1, o, out=Q)
    Q *= o
    Q *= tc
    np.subtract(1, i, out=P[:, 0])
    P[:, 0] *= i
    P[:, 0] *= g                                      # g * i (1 - i)
    np.subtract(1, f, out=P[:, 1])
    P[:, 1] *= f
    P[:, 1] *= cs[:-1]                                # c_prev * f (1 - f)
    np.multiply(g, g, out=P[:, 2])
    np.subtract(1, P[:, 2], out=P[:, 2])
    P[:, 2] *= i                                      # i * (1 - g^2)

    # ---- backward through time
    dc, dcn, dhn, WhPT = ws.dc, ws.dcn, ws.dhn, ws.WhPT
    dA3 = dA.reshape(T, 4 * H, N)
    for t in reversed(range(T)):
        dh = dH[t]
        if t < T - 1:
            dh += dhn
        np.multiply(dh, K[t], out=dc)
        if t < T - 1:
            dc += dcn
        Q[t] *= dh                                    # dA_o = dh * tanh(c) * o (1 - o)
        np.multiply(P[t], dc, out=dA[t, 1:])          # dA_i, dA_f, dA_g
        if t > 0:                                     # (no gradient for the initial state)
            np.multiply(dc, f[t], out=dcn)            # the additive path
            np.matmul(WhPT, dA3[t], out=dhn)           # dhn = WhP.T @ dA_t
    np.copyto(ws.dAf.reshape(4 * H, T, N), dA3.transpose(1, 0, 2))


def _weight_gradients(ws, xt, V, H, T, N):
    """dWx, dWh, db from ws.dA, all steps at once, back in torch's gate order."""
    X = ws.X[:T * N]                                  # h_{t-1} in rows (t, n)
    X[:, H:H + V] = 0
    X[ws.rows, H + xt.reshape(-1)] = 1
    dW = ws.dAf @ X                                   # sums over all T * N positions
    return {"Wh": _blocks(dW[:, :H], _INVERSE, H, axis=0),
            "Wx": _blocks(dW[:, H:H + V], _INVERSE, H, axis=0),
            "b": _blocks(dW[:, H + V], _INVERSE, H, axis=0)}
