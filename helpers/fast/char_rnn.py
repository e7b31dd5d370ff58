"""OPTIMISATION: the vanilla char-RNN's loss and gradients, fused (the same numbers as helpers.cells).

`loss_and_grads` computes what get_cell("rnn").loss_and_grads computes, up to rounding, and is
tested against it (tests/test_fast.py); read that one (built from helpers.layers) to learn the
model. This is what char_rnn.train runs for an 'rnn' cell unless the fast paths are off.

What makes it faster: time-major preallocated buffers reused between calls, in-place
operations, the embedding gather with bh folded in, and dWxh by adding up the rows of each
input id (sorted, np.add.reduceat) instead of a (N, T, V) one-hot product.
"""
import numpy as np

from ..validate import check_array, check_ids, check_mask


class _Workspace:
    """Preallocated buffers of the fused forward/backward for one (N, T) window shape.

    Everything is time-major, (T, N, H), so the slice of step t is one contiguous block.
    """

    def __init__(self, N, T, H, V, dtype):
        self.E = np.empty((V, H), dtype)            # Wxh.T + bh: the gathered input term
        self.WhhT = np.empty((H, H), dtype)
        self.hs = np.empty((T + 1, N, H), dtype)    # hs[0] = h0, hs[t+1] = h_t
        self.g = np.empty((T, N, H), dtype)         # gathered E rows, then d(pre-activation)
        self.S = np.empty((T * N, V), dtype)        # scores, then log-softmax, then dscores
        self.dtanh = np.empty((T, N, H), dtype)     # 1 - h_t^2 for every step
        self.dh_next = np.empty((N, H), dtype)
        self.rows = np.arange(T * N)
        self.grads = {"Wxh": np.empty((H, V), dtype), "Whh": np.empty((H, H), dtype),
                      "bh": np.empty(H, dtype), "Why": np.empty((V, H), dtype),
                      "by": np.empty(V, dtype)}


def _workspace(cache, N, T, params):
    H, V = params["Why"].shape[1], params["Why"].shape[0]
    dtype = params["Whh"].dtype
    key = (N, T, H, V, np.dtype(dtype))
    if key not in cache:
        cache[key] = _Workspace(N, T, H, V, dtype)
    return cache[key]


def _forward(params, xt, h0, ws):
    """Fused forward pass. xt (T, N) ids, h0 (N, H). Fills ws.hs and ws.S (log-probabilities)."""
    Whh, Why = params["Whh"], params["Why"]
    np.add(params["Wxh"].T, params["bh"], out=ws.E)   # one add per window instead of per step
    np.take(ws.E, xt, axis=0, out=ws.g)               # the embedding gather: Wxh[:, x] + bh
    WhhT = ws.WhhT
    np.copyto(WhhT, Whh.T)                             # contiguous: faster products in the loop
    hs, g = ws.hs, ws.g
    hs[0] = h0
    for t in range(xt.shape[0]):                      # the only loop over time
        h = hs[t + 1]
        np.matmul(hs[t], WhhT, out=h)
        h += g[t]
        np.tanh(h, out=h)
    S = ws.S
    np.matmul(hs[1:].reshape(S.shape[0], -1), Why.T, out=S)
    S += params["by"]
    S -= S.max(axis=1, keepdims=True)                 # log-softmax, in place
    lse = np.log(np.exp(S).sum(axis=1, keepdims=True))
    S -= lse
    return S


def loss_and_grads(params, x, y, h0=None, mask=None, workspace=None):
    """The same computation as get_cell("rnn").loss_and_grads, fused for speed.

    x, y (N, T) int ids in [0, V), h0 (N, H) or None, mask (N, T) bool or None.
    workspace: a dict reused between calls to keep the buffers (the returned grads live in it
    and are overwritten by the next call).
    -> loss (float, nats per counted character), grads (dict), h_last (N, H) (a copy)
    """
    H, V = params["Why"].shape[1], params["Why"].shape[0]
    x = check_ids(x, V, "x", ndim=2)
    y = check_ids(y, V, "y", ndim=2)
    if y.shape != x.shape:
        raise ValueError(f"x and y must be (N, T) arrays of the same shape, got {x.shape}, {y.shape}")
    N, T = x.shape
    if h0 is not None:
        h0 = check_array(h0, "h0", shape=(N, H))
    m = None if mask is None else check_mask(mask, (N, T)).T.reshape(-1)
    ws = _workspace({} if workspace is None else workspace, N, T, params)
    xt = np.ascontiguousarray(x.T)
    S = _forward(params, xt, 0.0 if h0 is None else h0, ws)
    loss, dS = _loss_and_dscores(S, y.T.reshape(-1), m, ws.rows)
    _backward(params, dS, xt, ws)
    return loss, ws.grads, ws.hs[T].copy()


def _loss_and_dscores(S, yt, m, rows):
    """Mean -log p of the targets, and dscores = (softmax - onehot(y)) / count, in S's buffer."""
    picked = S[rows, yt]
    count = len(yt) if m is None else int(m.sum())
    if count == 0:
        raise ValueError("the mask selects no token: there is nothing to average")
    loss = -float((picked if m is None else picked[m]).sum(dtype=np.float64)) / count
    dS = np.exp(S, out=S)
    dS[rows, yt] -= 1
    dS *= 1.0 / count
    if m is not None:
        dS *= m[:, None]
    return loss, dS


def _backward(params, dS, xt, ws):
    """Backpropagate dscores through the output layer, time and the input gather into ws.grads."""
    T, N = xt.shape
    gr, hs, H = ws.grads, ws.hs, ws.hs.shape[2]
    np.matmul(dS.T, hs[1:].reshape(N * T, H), out=gr["Why"])
    dS.sum(axis=0, out=gr["by"])
    da = ws.g                                          # the gathered inputs are not needed now
    np.matmul(dS, params["Why"], out=da.reshape(N * T, H))   # dh from the outputs
    # backward through time: da_t = (dh_t + dh_next) * (1 - h_t^2), dh_next = da_t @ Whh
    Whh, dh_next, dtanh = params["Whh"], ws.dh_next, ws.dtanh
    np.multiply(hs[1:], hs[1:], out=dtanh)            # tanh' for all steps in one call
    np.subtract(1, dtanh, out=dtanh)
    for t in reversed(range(T)):
        d = da[t]
        if t < T - 1:
            d += dh_next
        d *= dtanh[t]
        if t > 0:
            np.matmul(d, Whh, out=dh_next)
    daf = da.reshape(N * T, H)
    np.matmul(daf.T, hs[:-1].reshape(N * T, H), out=gr["Whh"])
    daf.sum(axis=0, out=gr["bh"])
    # dWxh[:, i] = sum of da over the positions whose input is i: sort by id, add up the runs
    ids = xt.reshape(-1)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    dE = np.zeros((params["Why"].shape[0], H), dtype=daf.dtype)
    dE[sorted_ids[starts]] = np.add.reduceat(daf[order], starts, axis=0)
    np.copyto(gr["Wxh"], dE.T)
