"""Layers of a vanilla RNN as forward/backward pairs with a cache (CS231n style).

Names and shapes follow min-char-rnn, so Wxh[h, ix[':']] means the same thing everywhere:

    Wxh (H, D)   Whh (H, H)   bh (H,)   Why (V, H)   by (V,)     batch-major x (N, T, D)

Every forward returns (out, cache); the matching backward takes the upstream gradient and
that cache and returns the gradients of the forward's inputs in the same order.
"""
import numpy as np

from .softmax import log_softmax
from .validate import check_array


def _check_rnn(h, Whh, bh, name="h0"):
    """Shapes the recurrence needs: h (N, H), Whh (H, H), bh (H,) -> H."""
    H = check_array(Whh, "Whh", ndim=2).shape[0]
    check_array(Whh, "Whh", shape=(H, H))
    check_array(bh, "bh", shape=(H,))
    check_array(h, name, shape=(None, H))
    return H


def _check_input_weights(x, Wxh, ndim):
    """x (..., D) with `ndim` axes and Wxh (H, D) that fit together."""
    x = check_array(x, "x", ndim=ndim)
    check_array(Wxh, "Wxh", shape=(None, x.shape[-1]))


# ---------------------------------------------------------------- one time step

def rnn_step_forward(x, h_prev, Wxh, Whh, bh):
    """h = tanh(x @ Wxh.T + h_prev @ Whh.T + bh).

    x (N, D), h_prev (N, H)  ->  h (N, H), cache
    """
    _check_input_weights(x, Wxh, 2)
    _check_rnn(h_prev, Whh, bh, "h_prev")
    h = np.tanh(x @ Wxh.T + h_prev @ Whh.T + bh)
    return h, (x, h_prev, Wxh, Whh, h)


def rnn_step_backward(dh, cache):
    """dh (N, H) -> dx (N, D), dh_prev (N, H), dWxh (H, D), dWhh (H, H), dbh (H,)."""
    x, h_prev, Wxh, Whh, h = cache
    da = dh * (1 - h * h)  # tanh'(a) = 1 - tanh(a)^2
    return da @ Wxh, da @ Whh, da.T @ x, da.T @ h_prev, da.sum(axis=0)


# ---------------------------------------------------------------- a whole sequence

def rnn_forward(x, h0, Wxh, Whh, bh):
    """Run the recurrence over T steps.

    x (N, T, D), h0 (N, H)  ->  h (N, T, H) (all hidden states), cache

    The input projection x @ Wxh.T is one matrix product for all steps; only the
    recurrence through Whh has to loop over time.
    """
    _check_input_weights(x, Wxh, 3)
    N, T, D = x.shape
    h, cache = rnn_forward_projected(x.reshape(N * T, D) @ Wxh.T, h0, Whh, bh, T)
    return h, (x, Wxh, cache)


def rnn_backward(dh, cache):
    """dh (N, T, H): upstream gradient of every hidden state.

    ->  dx (N, T, D), dh0 (N, H), dWxh (H, D), dWhh (H, H), dbh (H,)
    """
    x, Wxh, pcache = cache
    N, T, D = x.shape
    dxw, dh0, dWhh, dbh = rnn_backward_projected(dh, pcache)
    da = dxw.reshape(N * T, -1)
    return (da @ Wxh).reshape(N, T, D), dh0, da.T @ x.reshape(N * T, D), dWhh, dbh


def rnn_forward_projected(xw, h0, Whh, bh, T=None, activation="tanh"):
    """The recurrence alone, given the projected input xw = x @ Wxh.T.

    xw (N, T, H) or (N*T, H) with T given, h0 (N, H)  ->  h (N, T, H), cache

    With one-hot inputs xw is just a column lookup, Wxh.T[ids] (see embedding_forward),
    which is how the fast trainers avoid the (N, T, V) one-hot product.
    activation: 'tanh' (the course's RNN) or 'sigmoid' (the binary adder).
    """
    if activation not in ("tanh", "sigmoid"):
        raise ValueError(f"activation must be 'tanh' or 'sigmoid', got {activation!r}")
    _check_rnn(h0, Whh, bh)
    N, H = h0.shape
    if np.size(xw) % (N * H) or (T is not None and np.size(xw) != N * T * H):
        raise ValueError(f"xw must hold N x T x H = {N} x {'T' if T is None else T} x {H} "
                         f"values (the projected inputs), got shape {np.shape(xw)}")
    xw = xw.reshape(N, -1, H) if T is None else xw.reshape(N, T, H)
    T = xw.shape[1]
    dtype = np.result_type(xw, h0, Whh)
    h = np.empty((N, T, H), dtype=dtype)
    a = np.empty((N, H), dtype=dtype)  # reused buffer: the loop allocates nothing
    prev, WhhT = h0, Whh.T
    for t in range(T):
        np.matmul(prev, WhhT, out=a)
        a += xw[:, t]
        a += bh
        prev = _activate(a, h[:, t], activation)
    return h, (h0, Whh, h, activation)


def _activate(a, out, activation):
    if activation == "tanh":
        return np.tanh(a, out=out)
    np.multiply(a, 0.5, out=out)       # sigmoid(a) = (1 + tanh(a / 2)) / 2 never overflows
    np.tanh(out, out=out)
    out += 1
    out *= 0.5
    return out


def rnn_backward_projected(dh, cache):
    """dh (N, T, H)  ->  dxw (N, T, H), dh0 (N, H), dWhh (H, H), dbh (H,)."""
    h0, Whh, h, activation = cache
    N, T, H = h.shape
    # the activation's derivative for every step at once; becomes da in the loop
    da = 1 - h * h if activation == "tanh" else h * (1 - h)
    dnext = np.zeros_like(h0)
    for t in reversed(range(T)):
        dat = da[:, t]
        dat *= dh[:, t] + dnext
        dnext = dat @ Whh
    hprev = np.concatenate([h0[:, None, :], h[:, :-1]], axis=1)
    daf = da.reshape(N * T, H)
    dWhh = daf.T @ hprev.reshape(N * T, H)
    return da, dnext, dWhh, daf.sum(axis=0)


# ---------------------------------------------------------------- around the recurrence

def embedding_forward(ids, W):
    """Row lookup: out[n, t] = W[ids[n, t]], the fast equivalent of one_hot(ids) @ W.

    ids (N, T) ints in [0, V), W (V, D)  ->  out (N, T, D), cache
    """
    ids = np.asarray(ids)
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be integers in [0, {W.shape[0]}), got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= W.shape[0]):
        raise ValueError(f"ids must lie in [0, {W.shape[0]}), got min {ids.min()}, max {ids.max()}")
    return W[ids], (ids, W.shape)


def embedding_backward(dout, cache):
    """dout (N, T, D)  ->  dW (V, D); rows used twice add up their gradients."""
    ids, shape = cache
    dW = np.zeros(shape, dtype=dout.dtype)
    np.add.at(dW, ids.ravel(), dout.reshape(-1, shape[1]))
    return dW


def affine_forward(x, W, b):
    """out = x @ W.T + b over any leading axes (e.g. scores y = Why h + by at every step).

    x (..., H), W (V, H), b (V,)  ->  out (..., V), cache
    """
    V = check_array(W, "W", ndim=2).shape[0]
    check_array(W, "W", shape=(V, np.shape(x)[-1] if np.ndim(x) else -1))
    check_array(b, "b", shape=(V,))
    return x @ W.T + b, (x, W)


def affine_backward(dout, cache):
    """dout (..., V)  ->  dx (..., H), dW (V, H), db (V,)."""
    x, W = cache
    H, V = x.shape[-1], W.shape[0]
    d2 = dout.reshape(-1, V)
    return dout @ W, d2.T @ x.reshape(-1, H), d2.sum(axis=0)


def temporal_softmax_loss_forward(scores, y, mask=None):
    """Mean cross-entropy in nats per (unmasked) token.

    scores (N, T, V), y (N, T) ints in [0, V), mask (N, T) bool or None (all count)
    ->  loss (float), cache
    """
    N, T, V = check_array(scores, "scores", ndim=3).shape
    y = np.asarray(y)
    if y.shape != (N, T):
        raise ValueError(f"targets must have shape {(N, T)}, got {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= V):
        raise ValueError(f"targets must lie in [0, {V}), got min {y.min()}, max {y.max()}")
    m = np.ones((N, T), dtype=bool) if mask is None else check_array(mask, "mask", shape=(N, T)).astype(bool)
    count = int(m.sum())
    if count == 0:
        raise ValueError("the mask selects no token: there is nothing to average")
    logp = log_softmax(scores)
    picked = np.take_along_axis(logp, y[..., None], axis=-1)[..., 0]
    loss = -float((picked * m).sum()) / count
    return loss, (logp, y, m, count)


def temporal_softmax_loss_backward(cache, dloss=1.0):
    """-> dscores (N, T, V): (softmax - onehot(y)) * mask / count."""
    logp, y, m, count = cache
    dscores = np.exp(logp)
    np.put_along_axis(dscores, y[..., None],
                      np.take_along_axis(dscores, y[..., None], axis=-1) - 1, axis=-1)
    dscores *= (m / count)[..., None] * dloss
    return dscores
