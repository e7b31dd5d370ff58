"""Three recurrent cells behind one interface, for a model over V symbols with H hidden units.

    cell = get_cell("lstm")                      # "rnn", "lstm" or "gru"
    params = cell.init_params(V, H, seed=0)      # the recurrent block + readout Why (V, H), by (V,)
    loss, grads, state = cell.loss_and_grads(params, x_ids, y_ids, state)
    state, logits = cell.step(params, ix, state) # one symbol, for sampling

Parameters (shapes for vocabulary V and hidden size H; layouts as in helpers.layers):

    rnn   Wxh (H, V)    Whh (H, H)    bh (H,)                 Why (V, H)  by (V,)
    lstm  Wx (4H, V)    Wh (4H, H)    b (4H,)                 Why (V, H)  by (V,)
    gru   Wx (3H, V)    Wh (3H, H)    bx (3H,)   bh (3H,)     Why (V, H)  by (V,)

The input is one-hot, so Wx @ onehot(ix) is the column Wx[:, ix]: the batched code gathers
columns (an embedding lookup) instead of multiplying by a (N, T, V) one-hot array.

A state is what a model carries from one window to the next: the hidden state h (N, H) for
'rnn' and 'gru', the pair (h, c) for 'lstm'. For one sequence in `step` the batch axis is
dropped: h (H,), or (h, c).

CELLS is the one registry of the course's cells. Besides the model, a cell may name a fast
training step, `fast_step`: a module of helpers.fast whose loss_and_grads computes the same
numbers as the cell's own, fused for speed (tested equal). Only the trainers use it
(char_rnn.training_step), and only while `fast_paths` is True:

    from helpers import cells
    cells.fast_paths = False        # every trainer runs the reference loss_and_grads
"""
import math

import numpy as np

from .layers import (affine_backward, affine_forward, embedding_backward, embedding_forward,
                     gru_backward_projected, gru_forward_projected, lstm_backward_projected,
                     lstm_forward_projected, rnn_backward_projected, rnn_forward_projected,
                     sigmoid, temporal_softmax_loss_backward, temporal_softmax_loss_forward)
from .validate import check_float_dtype, check_id, check_ids, check_int, check_number

READOUT = ("Why", "by")
fast_paths = True      # False: the trainers ignore every cell's fast_step


class Cell:
    """One recurrent cell: its parameter names and shapes, initialisation, batched loss and
    gradients, one sampling step. Use get_cell(name) rather than building one."""

    def __init__(self, name, blocks, recurrent, fast_step=None):
        self.name, self.blocks = name, blocks          # blocks: gates stacked in the weights
        self.recurrent = recurrent                      # names of the recurrent block's arrays
        self.param_names = recurrent + READOUT          # the one tuple of this cell's names
        self.fast_step = fast_step                      # a module of helpers.fast, or None

    def __repr__(self):
        return f"get_cell({self.name!r})"

    # ------------------------------------------------------------ parameters

    def shapes(self, vocab_size, hidden_size):
        """-> dict name -> shape, in the order of param_names."""
        _check_sizes(vocab_size, hidden_size)
        V, H, G = vocab_size, hidden_size, self.blocks * hidden_size
        first = "Wxh" if self.name == "rnn" else "Wx"
        second = "Whh" if self.name == "rnn" else "Wh"
        shapes = {first: (G, V), second: (G, H)}
        for b in self.recurrent[2:]:
            shapes[b] = (G,)
        shapes.update(Why=(V, H), by=(V,))
        return shapes

    def parameter_count(self, vocab_size, hidden_size):
        """Number of trainable numbers: the recurrent block plus the readout."""
        # math.prod: exact Python integers, which never overflow (np.prod's int64 would)
        return sum(math.prod(s) for s in self.shapes(vocab_size, hidden_size).values())

    def init_params(self, vocab_size, hidden_size, seed, dtype=np.float32, forget_bias=None):
        """Weights uniform in [-1/sqrt(H), 1/sqrt(H)] (torch's default for its RNN, LSTM and GRU),
        biases 0, except the LSTM's forget-gate bias, `forget_bias` (None: 1, so that the cell
        starts by keeping what it holds; Gers et al. 2000, Jozefowicz et al. 2015). Only the
        LSTM takes forget_bias."""
        shapes = self.shapes(vocab_size, hidden_size)   # checks the sizes
        if forget_bias is not None and self.name != "lstm":
            raise ValueError(f"forget_bias is the LSTM's; a {self.name!r} cell has no forget gate, "
                             f"so leave it None")
        forget_bias = 1.0 if forget_bias is None else check_number(forget_bias, "forget_bias")
        dtype = check_float_dtype(dtype)                 # integer weights would be zeros
        rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
        k = 1 / np.sqrt(hidden_size)
        params = {}
        for name, shape in shapes.items():
            params[name] = (np.zeros(shape) if len(shape) == 1
                            else rng.uniform(-k, k, size=shape)).astype(dtype)
        if self.name == "lstm":
            params["b"][hidden_size:2 * hidden_size] = forget_bias
        return params

    def check_params(self, params):
        """Raise ValueError unless params hold exactly this cell's arrays with consistent shapes.
        -> (V, H)"""
        missing = [k for k in self.param_names if k not in params]
        extra = sorted(set(params) - set(self.param_names))
        if missing or extra:
            raise ValueError(f"a {self.name!r} model has parameters {list(self.param_names)}; "
                             + "; ".join([f"missing {missing}"] * bool(missing)
                                         + [f"got extra {extra}"] * bool(extra)))
        V, H = np.shape(params["Why"]) if np.ndim(params["Why"]) == 2 else (0, 0)
        if V < 1 or H < 1:
            raise ValueError(f"Why must have shape (V, H) with V, H >= 1, got {np.shape(params['Why'])}")
        for name, shape in self.shapes(V, H).items():
            if np.shape(params[name]) != shape:
                raise ValueError(f"{name} has shape {np.shape(params[name])}, expected {shape} for a "
                                 f"{self.name!r} cell with V = {V} symbols and H = {H} hidden units")
        return V, H

    # ------------------------------------------------------------ states

    def zero_state(self, batch_size, hidden_size, dtype=np.float32):
        """The state before the first symbol: zeros, (N, H) or for 'lstm' the pair (h, c)."""
        h = np.zeros((batch_size, hidden_size), dtype=dtype)
        return (h, h.copy()) if self.name == "lstm" else h

    def _state(self, state, N, H, dtype):
        if state is None:
            return self.zero_state(N, H, dtype)
        parts = state if self.name == "lstm" else (state,)
        if self.name == "lstm" and (not isinstance(state, tuple) or len(state) != 2):
            raise ValueError("an 'lstm' state is a pair (h, c) of (N, H) arrays (or None for zeros)")
        for p in parts:
            if np.shape(p) != (N, H):
                raise ValueError(f"the {self.name!r} state must be (N, H) = ({N}, {H}) arrays "
                                 f"for this batch, got {np.shape(p)}")
        return state

    # ------------------------------------------------------------ batched loss

    def loss_and_grads(self, params, x_ids, y_ids, h0=None, mask=None):
        """Mean cross-entropy (nats per counted symbol) of a batch, and its gradients.

        x_ids, y_ids (N, T) int ids (y is what should follow x), h0: the state carried in
        (see zero_state; None: zeros), mask (N, T) bool or None: which targets count.
        -> loss (float), grads (dict like params), state after the last step
        """
        V, H = self.check_params(params)
        x_ids = check_ids(x_ids, V, "x", ndim=2)
        y_ids = check_ids(y_ids, V, "y", ndim=2)
        if np.shape(y_ids) != x_ids.shape:
            raise ValueError(f"x_ids and y_ids must be (N, T) arrays of the same shape, "
                             f"got {x_ids.shape} and {np.shape(y_ids)}")
        h, (ecache, rcache), last = self._recurrence(params, x_ids, h0, H)
        scores, acache = affine_forward(h, params["Why"], params["by"])   # (N, T, V)
        loss, lcache = temporal_softmax_loss_forward(scores, y_ids, mask)
        grads = {}
        dh, grads["Why"], grads["by"] = affine_backward(temporal_softmax_loss_backward(lcache), acache)
        if self.name == "rnn":
            dxw, _, grads["Whh"], grads["bh"] = rnn_backward_projected(dh, rcache)
        elif self.name == "lstm":
            dxw, _, grads["Wh"], grads["b"] = lstm_backward_projected(dh, rcache)
        else:
            dxw, _, grads["Wh"], grads["bx"], grads["bh"] = gru_backward_projected(dh, rcache)
        grads[self.param_names[0]] = embedding_backward(dxw, ecache).T
        grads = {k: grads[k].astype(params[k].dtype, copy=False) for k in self.param_names}
        return loss, grads, last

    def scores(self, params, x_ids, h0=None):
        """Forward only: x_ids (N, T) -> scores (N, T, V) (logits of the next symbol), state."""
        _, H = self.check_params(params)
        h, _, last = self._recurrence(params, np.asarray(x_ids), h0, H)
        return affine_forward(h, params["Why"], params["by"])[0], last

    def _recurrence(self, params, x_ids, h0, H):
        """The recurrent block over a batch of ids: -> h (N, T, H), caches, last state."""
        if x_ids.ndim != 2 or x_ids.shape[1] < 1:
            raise ValueError(f"x_ids must be an (N, T) array of ids with T >= 1, got {x_ids.shape}")
        state = self._state(h0, x_ids.shape[0], H, params["Why"].dtype)
        # the input projection: the columns of the input weights, gathered (an embedding lookup)
        xw, ecache = embedding_forward(x_ids, params[self.param_names[0]].T)   # (N, T, G)
        if self.name == "rnn":
            h, rcache = rnn_forward_projected(xw, state, params["Whh"], params["bh"])
            last = h[:, -1]
        elif self.name == "lstm":
            h, rcache = lstm_forward_projected(xw, state[0], params["Wh"], params["b"], state[1])
            last = (h[:, -1], rcache["c"][:, -1])
        else:
            h, rcache = gru_forward_projected(xw, state, params["Wh"], params["bx"], params["bh"])
            last = h[:, -1]
        return h, (ecache, rcache), last

    # ------------------------------------------------------------ one symbol

    def step(self, params, ix, state=None):
        """Read one symbol id: state (h (H,), or (h, c) for 'lstm'; None: zeros)
        -> new state, logits (V,) of the next symbol."""
        V, H = params["Why"].shape
        ix = check_id(ix, V)
        if state is None:
            state = self.zero_state(1, H, params["Why"].dtype)
            state = (state[0][0], state[1][0]) if self.name == "lstm" else state[0]
        elif self.name == "lstm" and (not isinstance(state, tuple) or len(state) != 2
                                      or any(np.shape(s) != (H,) for s in state)):
            raise ValueError(f"an 'lstm' state for one sequence is a pair (h, c) of ({H},) "
                             f"arrays (or None for zeros)")
        elif self.name != "lstm" and np.shape(state) != (H,):   # (H, 1) would broadcast
            raise ValueError(f"the {self.name!r} state for one sequence must have shape ({H},), "
                             f"got {np.shape(state)}")
        if self.name == "rnn":
            h = np.tanh(params["Wxh"][:, ix] + params["Whh"] @ state + params["bh"])
            new = h
        elif self.name == "lstm":
            h, c = state
            a = params["Wx"][:, ix] + params["Wh"] @ h + params["b"]
            i, f, g, o = a[:H], a[H:2 * H], a[2 * H:3 * H], a[3 * H:]
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
            new = (h, c)
        else:
            ax = params["Wx"][:, ix] + params["bx"]
            ah = params["Wh"] @ state + params["bh"]
            r = sigmoid(ax[:H] + ah[:H])
            z = sigmoid(ax[H:2 * H] + ah[H:2 * H])
            n = np.tanh(ax[2 * H:] + r * ah[2 * H:])
            h = (1 - z) * n + z * state
            new = h
        return new, params["Why"] @ h + params["by"]


def _check_sizes(vocab_size, hidden_size):
    check_int(vocab_size, "vocab_size", minimum=1)
    check_int(hidden_size, "hidden_size", minimum=1)


CELLS = {"rnn": Cell("rnn", 1, ("Wxh", "Whh", "bh"), fast_step="char_rnn"),
         "lstm": Cell("lstm", 4, ("Wx", "Wh", "b"), fast_step="lstm"),
         "gru": Cell("gru", 3, ("Wx", "Wh", "bx", "bh"))}


def get_cell(name):
    """'rnn', 'lstm' or 'gru' -> its Cell."""
    if name not in CELLS:
        raise ValueError(f"cell must be one of {list(CELLS)}, got {name!r}")
    return CELLS[name]


def hidden_size_for(name, vocab_size, parameter_budget):
    """The largest H whose cell model has at most `parameter_budget` parameters (for comparing
    cells at an equal parameter count). The budget is a finite number (inf has no largest H);
    the answer is found by bisection, so even a huge budget returns at once."""
    cell = get_cell(name)
    _check_sizes(vocab_size, 1)
    budget = check_number(parameter_budget, "parameter_budget", low=0)
    if cell.parameter_count(vocab_size, 1) > budget:
        raise ValueError(f"even H = 1 needs {cell.parameter_count(vocab_size, 1)} parameters, "
                         f"more than the budget {parameter_budget}")
    lo, hi = 1, 2                          # count(lo) <= budget < count(hi)
    while cell.parameter_count(vocab_size, hi) <= budget:
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if cell.parameter_count(vocab_size, mid) <= budget else (lo, mid)
    return lo


def cell_of(params):
    """The name of the cell whose parameters `params` holds ('rnn', 'lstm' or 'gru')."""
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict of arrays (name -> array), got "
                         f"{type(params).__name__}")
    for name, cell in CELLS.items():
        if set(params) == set(cell.param_names):
            return name
    raise ValueError(f"params hold {sorted(params)}, the parameters of no known cell "
                     f"({ {n: list(c.param_names) for n, c in CELLS.items()} })")
