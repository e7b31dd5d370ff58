"""Layers of a vanilla RNN as forward/backward pairs with a cache (CS231n style).

Names and shapes follow min-char-rnn, so Wxh[h, ix[':']] means the same thing everywhere:

    Wxh (H, D)   Whh (H, H)   bh (H,)   Why (V, H)   by (V,)     batch-major x (N, T, D)

Every forward returns (out, cache); the matching backward takes the upstream gradient and
that cache and returns the gradients of the forward's inputs in the same order.

What is checked: shapes that must match (so that nothing broadcasts by accident: an h_prev of
(1, H) with an x of (N, D), a dh of (H,) for (N, H)) and ids. What is not: the values. A NaN
or inf in an input flows through the element-wise maths to the outputs (NaN in, NaN out), as
in NumPy itself; the trainers stop on a NaN loss (helpers.optim.TrainingDiverged).
"""
import numpy as np

from .softmax import log_softmax
from .validate import check_array, check_ids, check_mask


def _check_rnn(h, Whh, bh, name="h0", N=None):
    """Shapes the recurrence needs: h (N, H), Whh (H, H), bh (H,) -> H."""
    H = check_array(Whh, "Whh", ndim=2).shape[0]
    check_array(Whh, "Whh", shape=(H, H))
    check_array(bh, "bh", shape=(H,))
    check_array(h, name, shape=(N, H))
    return H


def _check_upstream(d, like, name="dh"):
    """An upstream gradient has the shape of what it is the gradient of (no broadcasting)."""
    check_array(d, name, shape=np.shape(like))


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
    _check_rnn(h_prev, Whh, bh, "h_prev", N=np.shape(x)[0])
    h, core = _rnn_step(x @ Wxh.T, h_prev, Whh, bh)
    return h, (x, Wxh, core)


def rnn_step_backward(dh, cache):
    """dh (N, H) -> dx (N, D), dh_prev (N, H), dWxh (H, D), dWhh (H, H), dbh (H,)."""
    x, Wxh, core = cache
    _check_upstream(dh, core[2])
    da, dh_prev = _rnn_step_backward(dh, core)
    h_prev = core[0]
    return da @ Wxh, dh_prev, da.T @ x, da.T @ h_prev, da.sum(axis=0)


def _rnn_step(xw, h_prev, Whh, bh, activation="tanh"):
    """The step given the projected input xw = x @ Wxh.T (N, H) -> h (N, H), its cache."""
    a = xw + h_prev @ Whh.T + bh
    h = np.tanh(a) if activation == "tanh" else sigmoid(a)
    return h, (h_prev, Whh, h, activation)


def _rnn_step_backward(dh, core):
    """-> da (N, H), the gradient of the pre-activation a, and dh_prev (N, H)."""
    h_prev, Whh, h, activation = core
    # tanh'(a) = 1 - tanh(a)^2; sigmoid'(a) = s (1 - s): both from the step's output h
    da = dh * (1 - h * h) if activation == "tanh" else dh * (h * (1 - h))
    return da, da @ Whh


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
    The cache is (h0, Whh, h, activation): step t's cache with h_prev and h stacked over time.
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
    h = np.empty((N, T, H), dtype=np.result_type(xw, h0, Whh))
    h_prev = h0
    for t in range(T):
        h_prev, _ = _rnn_step(xw[:, t], h_prev, Whh, bh, activation)
        h[:, t] = h_prev
    return h, (h0, Whh, h, activation)


def rnn_backward_projected(dh, cache):
    """dh (N, T, H)  ->  dxw (N, T, H), dh0 (N, H), dWhh (H, H), dbh (H,)."""
    h0, Whh, h, activation = cache
    _check_upstream(dh, h)
    N, T, H = h.shape
    h_prev = np.concatenate([h0[:, None, :], h[:, :-1]], axis=1)      # h_{t-1} of every step
    dxw = np.empty(h.shape, dtype=np.result_type(dh, h))               # da of every step
    dh_next = np.zeros_like(h0)                 # nothing comes back from after the last step
    for t in reversed(range(T)):
        core = (h_prev[:, t], Whh, h[:, t], activation)                # step t's cache
        dxw[:, t], dh_next = _rnn_step_backward(dh[:, t] + dh_next, core)
    # the same Whh and bh act at every step: their gradients sum over the steps (one product)
    da = dxw.reshape(N * T, H)
    return dxw, dh_next, da.T @ h_prev.reshape(N * T, H), da.sum(axis=0)


# ---------------------------------------------------------------- around the recurrence

def embedding_forward(ids, W):
    """Row lookup: out[n, t] = W[ids[n, t]], the fast equivalent of one_hot(ids) @ W.

    ids (N, T) ints in [0, V), W (V, D)  ->  out (N, T, D), cache
    """
    W = check_array(W, "W", ndim=2)     # a 1-D table would give numbers, not vectors
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
    y = check_array(y, "targets", shape=(N, T))
    check_ids(y, V, "targets")
    m = np.ones((N, T), dtype=bool) if mask is None else check_mask(mask, (N, T))
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


# ---------------------------------------------------------------- gated cells: LSTM and GRU
#
# Weights are laid out as torch.nn.LSTM / torch.nn.GRU lay theirs out (weight_ih_l0 is Wx,
# weight_hh_l0 is Wh), so a learner can copy weights between the two:
#
#   LSTM  Wx (4H, D)  Wh (4H, H)  b (4H,)             row blocks of H: i, f, g, o
#         (torch has two biases, b_ih and b_hh; they are always added together: b = b_ih + b_hh)
#   GRU   Wx (3H, D)  Wh (3H, H)  bx (3H,)  bh (3H,)  row blocks of H: r, z, n
#         (here the two biases differ: bh_n sits inside r * (...), so both are kept)

def sigmoid(a):
    """The logistic function 1 / (1 + exp(-a)), without overflow for large negative a."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))  # exact identity; tanh never overflows


def _check_gated(name, x, h, Wx, Wh, biases, blocks, c=None):
    """Raise ValueError unless x (N, D), h (N, H) [and c (N, H)] fit weights of `blocks` gates."""
    x, h, Wh = np.asarray(x), np.asarray(h), np.asarray(Wh)
    Wx = None if Wx is None else np.asarray(Wx)
    if Wh.ndim != 2 or Wh.shape[0] != blocks * Wh.shape[1] or Wh.shape[1] < 1:
        raise ValueError(f"{name}: Wh must have shape ({blocks}H, H) with H >= 1, got {Wh.shape}")
    H = Wh.shape[1]
    if Wx is None:              # x is the projected input x @ Wx.T: blocks * H columns
        D = blocks * H
    elif Wx.ndim != 2 or Wx.shape[0] != blocks * H:
        raise ValueError(f"{name}: Wx must have shape ({blocks}H, D) = ({blocks * H}, D) for "
                         f"H = {H} (from Wh), got {Wx.shape}")
    else:
        D = Wx.shape[1]
    for bname, b in biases:
        if np.shape(b) != (blocks * H,):
            raise ValueError(f"{name}: {bname} must have shape ({blocks * H},) for H = {H}, "
                             f"got {np.shape(b)}")
    if x.ndim != 2 or x.shape[1] != D:
        what = "the projected input" if Wx is None else f"x (Wx has shape {Wx.shape})"
        raise ValueError(f"{name}: {what} must have shape (N, {D}), got {x.shape}")
    N = x.shape[0]
    if h.shape != (N, H):
        raise ValueError(f"{name}: the hidden state must have shape (N, H) = ({N}, {H}), got {h.shape}")
    if c is not None and np.shape(c) != (N, H):
        raise ValueError(f"{name}: the cell state must have shape (N, H) = ({N}, {H}), got {np.shape(c)}")


def _check_sequence(name, x, h0):
    if np.ndim(x) != 3:
        raise ValueError(f"{name}: x must have shape (N, T, D) (batch-major), got {np.shape(x)}")
    if np.shape(x)[1] < 1:
        raise ValueError(f"{name}: the sequence must have at least one step, got T = 0")
    if np.ndim(h0) != 2:
        raise ValueError(f"{name}: h0 must have shape (N, H), got {np.shape(h0)}")


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """One LSTM step (torch.nn.LSTM's equations, gate blocks i, f, g, o).

        a = x @ Wx.T + h_prev @ Wh.T + b                   (N, 4H)
        i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o)  input, forget, output gates
        g = tanh(a_g)                                        candidate values
        c = f * c_prev + i * g                               the cell state: an additive path
        h = o * tanh(c)

    x (N, D), h_prev (N, H), c_prev (N, H), Wx (4H, D), Wh (4H, H), b (4H,)
    ->  h (N, H), c (N, H), cache
    """
    _check_gated("lstm_step_forward", x, h_prev, Wx, Wh, [("b", b)], 4, c_prev)
    h, c, core = _lstm_step(x @ Wx.T, h_prev, c_prev, Wh, b)
    return h, c, (x, Wx, core)


def lstm_step_backward(dh, dc, cache):
    """Backward of lstm_step_forward.

    dh (N, H): upstream gradient of h; dc (N, H): upstream gradient of c (from the next step's
    cell state; zeros if c is not used later).
    ->  dx (N, D), dh_prev (N, H), dc_prev (N, H), dWx (4H, D), dWh (4H, H), db (4H,)
    """
    x, Wx, core = cache
    _check_upstream(dh, core[0])            # core[0] is h_prev: (N, H) like h and c
    _check_upstream(dc, core[0], "dc")
    da, dh_prev, dc_prev = _lstm_step_backward(dh, dc, core)
    h_prev = core[0]
    return da @ Wx, dh_prev, dc_prev, da.T @ x, da.T @ h_prev, da.sum(axis=0)


def _lstm_step(xw, h_prev, c_prev, Wh, b):
    """The step given the projected input xw = x @ Wx.T (N, 4H)."""
    H = h_prev.shape[1]
    a = xw + h_prev @ Wh.T + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    g = np.tanh(a[:, 2 * H:3 * H])
    o = sigmoid(a[:, 3 * H:])
    c = f * c_prev + i * g
    tc = np.tanh(c)
    h = o * tc
    return h, c, (h_prev, c_prev, Wh, i, f, g, o, tc)


def _lstm_step_backward(dh, dc, core):
    """-> da (N, 4H): gradient of the gates' pre-activations; dh_prev, dc_prev (N, H)."""
    h_prev, c_prev, Wh, i, f, g, o, tc = core
    dc = dc + dh * o * (1 - tc * tc)      # c reaches the loss directly and through h = o tanh(c)
    do = dh * tc
    di, df, dg = dc * g, dc * c_prev, dc * i
    dc_prev = dc * f                      # the additive path: only scaled by the forget gate
    da = np.concatenate([di * i * (1 - i),  # sigmoid' = s (1 - s)
                         df * f * (1 - f),
                         dg * (1 - g * g),  # tanh' = 1 - tanh^2
                         do * o * (1 - o)], axis=1)
    return da, da @ Wh, dc_prev


def lstm_forward(x, h0, Wx, Wh, b, c0=None):
    """Run the LSTM over T steps.

    x (N, T, D), h0 (N, H), c0 (N, H) or None (zeros)  ->  h (N, T, H) (all hidden states), cache

    The cell states are kept in the cache: cache["c"] is (N, T, H), so cache["c"][:, -1] is the
    state to carry into the next window together with h[:, -1]. The input projection
    x @ Wx.T is one matrix product for all steps; only the recurrence loops over time.
    """
    _check_sequence("lstm_forward", x, h0)
    _check_gated("lstm_forward", x[:, 0], h0, Wx, Wh, [("b", b)], 4, c0 if c0 is not None else h0)
    N, T, D = x.shape
    h, cache = lstm_forward_projected((x.reshape(N * T, D) @ Wx.T).reshape(N, T, -1), h0, Wh, b, c0)
    cache["x"], cache["Wx"] = x, Wx
    return h, cache


def lstm_backward(dh, cache):
    """dh (N, T, H): upstream gradient of every hidden state.

    ->  dx (N, T, D), dh0 (N, H), dWx (4H, D), dWh (4H, H), db (4H,)
    """
    x, Wx = cache["x"], cache["Wx"]
    N, T, D = x.shape
    dxw, dh0, dWh, db = lstm_backward_projected(dh, cache)
    da = dxw.reshape(N * T, -1)
    return (da @ Wx).reshape(N, T, D), dh0, da.T @ x.reshape(N * T, D), dWh, db


def lstm_forward_projected(xw, h0, Wh, b, c0=None):
    """The LSTM recurrence alone, given the projected input xw = x @ Wx.T.

    xw (N, T, 4H), h0 (N, H), c0 (N, H) or None  ->  h (N, T, H), cache (cache["c"]: (N, T, H))

    With one-hot inputs xw is a column lookup, Wx.T[ids] (see embedding_forward).
    """
    _check_sequence("lstm_forward_projected", xw, h0)
    N, T = xw.shape[:2]
    c_prev = np.zeros_like(h0) if c0 is None else c0
    _check_gated("lstm_forward_projected", xw[:, 0], h0, None, Wh, [("b", b)], 4, c_prev)
    h = np.empty((N, T, h0.shape[1]), dtype=np.result_type(xw, h0, Wh))
    c = np.empty_like(h)
    steps, h_prev = [], h0
    for t in range(T):
        h_prev, c_prev, core = _lstm_step(xw[:, t], h_prev, c_prev, Wh, b)
        h[:, t], c[:, t] = h_prev, c_prev
        steps.append(core)
    return h, {"steps": steps, "c": c}


def lstm_backward_projected(dh, cache):
    """dh (N, T, H)  ->  dxw (N, T, 4H), dh0 (N, H), dWh (4H, H), db (4H,)"""
    steps = cache["steps"]
    N, H = steps[0][0].shape                 # steps[t][0] is h_prev of step t
    check_array(dh, "dh", shape=(N, len(steps), H))
    T = len(steps)
    dxw = np.empty((N, T, 4 * H), dtype=dh.dtype)
    dh_next = np.zeros((N, H), dtype=dh.dtype)
    dc_next = np.zeros((N, H), dtype=dh.dtype)
    dWh = np.zeros((4 * H, H), dtype=dh.dtype)
    for t in reversed(range(T)):
        da, dh_next, dc_next = _lstm_step_backward(dh[:, t] + dh_next, dc_next, steps[t])
        dxw[:, t] = da
        dWh += da.T @ steps[t][0]          # steps[t][0] is h_prev of step t
    return dxw, dh_next, dWh, dxw.reshape(N * T, 4 * H).sum(axis=0)


def gru_step_forward(x, h_prev, Wx, Wh, bx, bh):
    """One GRU step (torch.nn.GRU's equations, blocks r, z, n).

        ax = x @ Wx.T + bx,  ah = h_prev @ Wh.T + bh          (N, 3H) each
        r = sigmoid(ax_r + ah_r)                               reset gate
        z = sigmoid(ax_z + ah_z)                               update gate
        n = tanh(ax_n + r * ah_n)                              candidate state
        h = (1 - z) * n + z * h_prev                           keep z of the old state

    x (N, D), h_prev (N, H), Wx (3H, D), Wh (3H, H), bx (3H,), bh (3H,)  ->  h (N, H), cache
    """
    _check_gated("gru_step_forward", x, h_prev, Wx, Wh, [("bx", bx), ("bh", bh)], 3)
    h, core = _gru_step(x @ Wx.T, h_prev, Wh, bx, bh)
    return h, (x, Wx, core)


def gru_step_backward(dh, cache):
    """dh (N, H)  ->  dx (N, D), dh_prev (N, H), dWx (3H, D), dWh (3H, H), dbx (3H,), dbh (3H,)"""
    x, Wx, core = cache
    _check_upstream(dh, core[0])            # core[0] is h_prev: (N, H) like h
    dax, dah, dh_prev = _gru_step_backward(dh, core)
    h_prev = core[0]
    return dax @ Wx, dh_prev, dax.T @ x, dah.T @ h_prev, dax.sum(axis=0), dah.sum(axis=0)


def _gru_step(xw, h_prev, Wh, bx, bh):
    """The step given the projected input xw = x @ Wx.T (N, 3H), without bx."""
    H = h_prev.shape[1]
    ax = xw + bx
    ah = h_prev @ Wh.T + bh
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])
    n_hat = ah[:, 2 * H:]                 # Wh_n h_prev + bh_n, before the reset gate scales it
    n = np.tanh(ax[:, 2 * H:] + r * n_hat)
    h = (1 - z) * n + z * h_prev
    return h, (h_prev, Wh, r, z, n, n_hat)


def _gru_step_backward(dh, core):
    """-> dax (N, 3H) (gradient of x @ Wx.T + bx), dah (N, 3H) (of h_prev @ Wh.T + bh), dh_prev"""
    h_prev, Wh, r, z, n, n_hat = core
    dn = dh * (1 - z)
    dz = dh * (h_prev - n)
    dan = dn * (1 - n * n)                # gradient of n's pre-activation
    dr = dan * n_hat
    dar = dr * r * (1 - r)
    daz = dz * z * (1 - z)
    dax = np.concatenate([dar, daz, dan], axis=1)
    dah = np.concatenate([dar, daz, dan * r], axis=1)   # the n block passes through r
    return dax, dah, dh * z + dah @ Wh


def gru_forward(x, h0, Wx, Wh, bx, bh):
    """Run the GRU over T steps.

    x (N, T, D), h0 (N, H)  ->  h (N, T, H) (all hidden states), cache
    """
    _check_sequence("gru_forward", x, h0)
    _check_gated("gru_forward", x[:, 0], h0, Wx, Wh, [("bx", bx), ("bh", bh)], 3)
    N, T, D = x.shape
    h, cache = gru_forward_projected((x.reshape(N * T, D) @ Wx.T).reshape(N, T, -1), h0, Wh, bx, bh)
    cache["x"], cache["Wx"] = x, Wx
    return h, cache


def gru_backward(dh, cache):
    """dh (N, T, H)  ->  dx (N, T, D), dh0 (N, H), dWx (3H, D), dWh (3H, H), dbx (3H,), dbh (3H,)"""
    x, Wx = cache["x"], cache["Wx"]
    N, T, D = x.shape
    dxw, dh0, dWh, dbx, dbh = gru_backward_projected(dh, cache)
    da = dxw.reshape(N * T, -1)
    return (da @ Wx).reshape(N, T, D), dh0, da.T @ x.reshape(N * T, D), dWh, dbx, dbh


def gru_forward_projected(xw, h0, Wh, bx, bh):
    """The GRU recurrence alone, given the projected input xw = x @ Wx.T (bx not included).

    xw (N, T, 3H), h0 (N, H)  ->  h (N, T, H), cache
    """
    _check_sequence("gru_forward_projected", xw, h0)
    N, T = xw.shape[:2]
    _check_gated("gru_forward_projected", xw[:, 0], h0, None, Wh, [("bx", bx), ("bh", bh)], 3)
    h = np.empty((N, T, h0.shape[1]), dtype=np.result_type(xw, h0, Wh))
    steps, h_prev = [], h0
    for t in range(T):
        h_prev, core = _gru_step(xw[:, t], h_prev, Wh, bx, bh)
        h[:, t] = h_prev
        steps.append(core)
    return h, {"steps": steps}


def gru_backward_projected(dh, cache):
    """dh (N, T, H)  ->  dxw (N, T, 3H), dh0 (N, H), dWh (3H, H), dbx (3H,), dbh (3H,)"""
    # Parallel to lstm_backward_projected on purpose: each cell's sequence reads as its own loop.
    steps = cache["steps"]
    N, H = steps[0][0].shape                 # steps[t][0] is h_prev of step t
    check_array(dh, "dh", shape=(N, len(steps), H))
    T = len(steps)
    dxw = np.empty((N, T, 3 * H), dtype=dh.dtype)
    dh_next = np.zeros((N, H), dtype=dh.dtype)
    dWh = np.zeros((3 * H, H), dtype=dh.dtype)
    dbh = np.zeros(3 * H, dtype=dh.dtype)
    # the loop of lstm_backward_projected (and rnn_backward_projected), over the GRU's own step
    for t in reversed(range(T)):
        dax, dah, dh_next = _gru_step_backward(dh[:, t] + dh_next, steps[t])
        dxw[:, t] = dax
        dWh += dah.T @ steps[t][0]         # steps[t][0] is h_prev of step t
        dbh += dah.sum(axis=0)
    return dxw, dh_next, dWh, dxw.reshape(N * T, 3 * H).sum(axis=0), dbh
