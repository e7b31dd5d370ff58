"""OPTIMISATION: a fused, time-major LSTM character model (the same numbers as helpers.cells).

`loss_and_grads` computes what get_cell("lstm").loss_and_grads computes (without a mask), up
to rounding, and is tested against it; read that one (and helpers.layers) to learn the LSTM.
This module only makes it fast, for the trainer (LSTMStep) and benchmarks/lstm_speed.py:

* time-major buffers allocated once per window shape and reused (`workspace`), so each
  step's slice is one contiguous block and the loops allocate nothing; states are
  feature-major, (H, N) per step, because BLAS runs the step product W (4H, H) @ h (H, N)
  faster than h (N, H) @ W.T (H, 4H);
* the gates stay in torch's block order i, f, g, o: the three blocks that the cell gradient
  dc feeds in the backward pass (i, f, g) are then one slice, and the weights need no
  reordering on the way in or out;
* sigmoid(a) = (1 + tanh(a / 2)) / 2 with the 1/2 folded into copies of the weights, so one
  tanh call per step covers all four blocks;
* the input term is a gather of rows of (Wx.T + b) (one-hot inputs);
* everything that does not depend on the recurrence (the gate derivatives, the output layer,
  the weight gradients) is computed for all T steps at once, outside the loops; dWh, dWx and
  db are one product, of the gate gradients with [h_prev | one-hot input | 1];
* few buffers, so that the step, clipping and Adam fit in the cache together: the backward
  pass turns the gate activations into their gradients in place, the input gather and the
  gradients' copy for the weight products share one buffer, and the gradients returned are
  views of the workspace;
* rows of buffers that are read down their columns are padded (_PAD).
"""
import numpy as np


# Rows of 4H floats are 4 KiB apart at H = 256: copying down such a column hits one cache set
# over and over (a transposing copy ran 5x slower). A few floats of padding per row avoid that.
_PAD = 16


def _round_up(n, k=16):
    """n rounded up to a multiple of k."""
    return -(-n // k) * k


def _half_sigmoid_rows(H, dtype):
    """(4H,) scale: 1/2 for the sigmoid gates' rows (i, f, o), 1 for g's (tanh)."""
    scale = np.full(4 * H, 0.5, dtype)
    scale[2 * H:3 * H] = 1
    return scale


class _Workspace:
    """Buffers for one window shape. States are feature-major, (H, N) per step, so each gate
    block of a step is a contiguous run of rows."""

    def __init__(self, N, T, H, V, dtype):
        self.scale = _half_sigmoid_rows(H, dtype)
        self.E = np.zeros((V, 4 * H + _PAD), dtype)   # Wx.T + b, sigmoid columns halved
        # G (E gathered for every input) is read only at the start of the forward pass and dAf
        # written only in the backward pass: they share one buffer (less to cache)
        size = max(T * N * (4 * H + _PAD), 4 * H * (T * N + _PAD))
        shared = np.empty(size, dtype)
        self.G = shared[:T * N * (4 * H + _PAD)].reshape(T, N, 4 * H + _PAD)
        self.WhS = np.empty((4 * H, H), dtype)       # Wh, sigmoid rows halved
        self.A = np.empty((T, 4, H, N), dtype)        # inputs -> gates i, f, g, o at each step
        self.hs = np.empty((T + 1, H, N), dtype)      # hs[0] = h0, hs[t + 1] = h_t
        self.cs = np.empty((T + 1, H, N), dtype)
        self.tc = np.empty((T, H, N), dtype)          # tanh(c_t)
        self.tmp = np.empty((H, N), dtype)
        self.pre = np.empty((4 * H, N), dtype)
        self.S = np.empty((T * N, V), dtype)
        # the backward pass turns A into the gates' pre-activation gradients dA in place, then
        # copies them to (4H, T*N) for the weight products (rows padded)
        self.dAf = shared[:4 * H * (T * N + _PAD)].reshape(4 * H, T * N + _PAD)[:, :T * N]
        self.dHr = np.empty((T, N, H), dtype)         # dL/dh_t from the output layer, rows n
        self.dh = np.empty((H, N), dtype)
        self.K = np.empty((T, H, N), dtype)           # dc_t += dh_t * K_t
        self.dc = np.empty((H, N), dtype)
        self.dcn = np.empty((H, N), dtype)
        self.dhn = np.empty((H, N), dtype)
        self.rows = np.arange(T * N)
        # rows (t, n) of the first T*N: what the gate gradients of step t multiply, [h_{t-1} |
        # one-hot input | 1], so that one product gives dWh, dWx and db (columns padded to a
        # multiple of 16, which BLAS runs faster); X[N:, :H] are the h_t of the output layer
        self.X = np.zeros(((T + 1) * N, H + _round_up(V + 1)), dtype)
        self.X[:, H + V] = 1
        # the gradients, returned as views of these (the next call overwrites them): dWh, dWx
        # and db are the columns of one product's result
        self.dW = np.empty((4 * H, self.X.shape[1]), dtype)
        self.dWhy, self.dby = np.empty((V, H), dtype), np.empty(V, dtype)


def _workspace(cache, N, T, H, V, dtype):
    key = (N, T, H, V, np.dtype(dtype))
    if key not in cache:
        cache[key] = _Workspace(*key)
    return cache[key]


def loss_and_grads(params, x_ids, y_ids, state=None, workspace=None):
    """The LSTM char model's mean cross-entropy (nats per character) and its gradients.

    params: Wx (4H, V), Wh (4H, H), b (4H,), Why (V, H), by (V,) (helpers.cells' 'lstm');
    x_ids, y_ids (N, T) int ids; state: (h0, c0) of (N, H) arrays or None (zeros);
    workspace: a dict kept between calls to reuse the buffers (the returned grads live in it
    and the next call with the same workspace overwrites them).
    -> loss (float), grads (dict like params), (h, c) after the last step (copies)
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
    _backward(ws, Wh, T, H)
    grads.update(_weight_gradients(ws, xt, V, H, T, N))
    grads = {k: grads[k] for k in ("Wx", "Wh", "b", "Why", "by")}
    return loss, grads, (ws.hs[T].T.copy(), ws.cs[T].T.copy())


def _forward(ws, Wx, Wh, b, xt, state, T, H):
    """The recurrence: fills ws.A (gate activations), ws.hs, ws.cs, ws.tc (tanh of c), and
    the h columns of ws.X."""
    N = xt.shape[1]
    # ---- weights, the sigmoid gates' blocks halved
    E, WhS = ws.E, ws.WhS
    np.add(Wx.T, b, out=E[:, :4 * H])
    E[:, :4 * H] *= ws.scale
    np.multiply(Wh, ws.scale[:, None], out=WhS)

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
        for s in (a[:2 * H], a[3 * H:]):
            s *= 0.5
            s += 0.5                                  # i, f, o = sigmoids; g = tanh
        i, f, g, o = A[t]
        c = cs[t + 1]
        np.multiply(f, cs[t], out=c)
        np.multiply(i, g, out=tmp)
        c += tmp                                      # c = f * c_prev + i * g
        np.tanh(c, out=tc[t])
        np.multiply(o, tc[t], out=hs[t + 1])          # h = o * tanh(c)
    np.copyto(ws.X[:, :H].reshape(T + 1, N, H), hs.transpose(0, 2, 1))   # h in rows (t, n)


def _output_layer(ws, Why, by, yt, N, T, H):
    """Scores, the loss and its gradients for Why, by; fills ws.dHr (dL/dh of every step)."""
    # ---- output layer and loss, all steps at once (rows in (t, n) order)
    S = ws.S
    Hf = ws.X[N:, :H]                                 # h_t in rows (t, n)
    np.matmul(Hf, Why.T, out=S)
    S += by
    S -= S.max(axis=1, keepdims=True)                 # (softmax is shift-invariant; exp <= 1)
    target = S[ws.rows, yt]
    np.exp(S, out=S)
    z = S.sum(axis=1, keepdims=True)
    # mean over the N*T predictions of -log p(target) = log z - target score
    loss = float(np.log(z).sum(dtype=np.float64) - target.sum(dtype=np.float64)) / (N * T)
    dS = S
    dS *= (1.0 / (N * T)) / z                         # softmax / (N T) ...
    dS[ws.rows, yt] -= 1.0 / (N * T)                  # ... minus one-hot / (N T)
    np.matmul(dS.T, Hf, out=ws.dWhy)
    np.sum(dS, axis=0, out=ws.dby)
    np.matmul(dS, Why, out=ws.dHr.reshape(T * N, H))
    return loss, {"Why": ws.dWhy, "by": ws.dby}


def _backward(ws, Wh, T, H):
    """Back through the gates and through time: turns ws.A into the gates' pre-activation
    gradients dA, in place (fewer buffers, less to cache), and copies them to ws.dAf."""
    A, cs, tc, K = ws.A, ws.cs, ws.tc, ws.K
    # ---- gate derivatives for all steps at once, each into the slot of A that its gradient
    # will take (tanh(c) and c_prev are not needed afterwards: tc is scratch, cs[:-1] keeps f)
    i, f, g, o = A[:, 0], A[:, 1], A[:, 2], A[:, 3]
    c_prev = cs[:-1]
    np.multiply(tc, tc, out=K)
    np.subtract(1, K, out=K)
    K *= o                                            # K = o (1 - tanh(c)^2)
    tc *= o
    np.subtract(1, o, out=o)
    o *= tc                                           # slot o: tanh(c) o (1 - o)
    np.multiply(g, i, out=tc)
    np.multiply(g, g, out=g)
    np.subtract(1, g, out=g)
    g *= i                                            # slot g: i (1 - g^2)
    np.subtract(1, i, out=i)
    i *= tc                                           # slot i: g i (1 - i)
    np.subtract(1, f, out=tc)
    tc *= f
    tc *= c_prev                                      # c_prev f (1 - f) ...
    np.copyto(c_prev, f)                              # (f moves to cs[:-1])
    np.copyto(f, tc)                                  # ... into slot f

    # ---- backward through time
    dh, dc, dcn, dhn, WhT = ws.dh, ws.dc, ws.dcn, ws.dhn, Wh.T   # (a view: BLAS reads it as is)
    N = A.shape[3]
    A3 = A.reshape(T, 4 * H, N)
    dAf = ws.dAf.reshape(4 * H, T, N)
    for t in reversed(range(T)):
        if t < T - 1:
            np.add(ws.dHr[t].T, dhn, out=dh)         # from the output layer and from step t + 1
        else:
            np.copyto(dh, ws.dHr[t].T)
        np.multiply(dh, K[t], out=dc)
        if t < T - 1:
            dc += dcn
        A[t, 3] *= dh                                 # dA_o = dh * tanh(c) o (1 - o)
        A[t, :3] *= dc                                # dA_i, dA_f, dA_g = dc * their slots
        if t > 0:                                     # (no gradient for the initial state)
            np.multiply(dc, cs[t], out=dcn)           # the additive path, dc * f
            np.matmul(WhT, A3[t], out=dhn)            # dhn = Wh.T @ dA_t
    np.copyto(dAf, A3.transpose(1, 0, 2))             # for the weight products

def _weight_gradients(ws, xt, V, H, T, N):
    """dWx, dWh, db from the gate gradients (ws.dAf), all steps at once."""
    X = ws.X[:T * N]                                  # h_{t-1} in rows (t, n)
    X[:, H:H + V] = 0
    X[ws.rows, H + xt.reshape(-1)] = 1
    dW = np.matmul(ws.dAf, X, out=ws.dW)              # sums over all T * N positions
    return {"Wh": dW[:, :H], "Wx": dW[:, H:H + V], "b": dW[:, H + V]}
