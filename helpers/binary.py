"""Binary addition with a small sigmoid RNN (the classic 8-bit adder), vectorised over pairs.

Bits go in least significant bit (LSB) first: at step t the network reads bit t of a and of b
and must output bit t of a + b. The carry out of step t is needed at step t + 1, so it has to
live in the hidden state.

Width: `width` w means the SUM fits in w bits (a + b < 2**w), and the network runs w steps.
Random pairs of width w draw both operands uniformly below 2**(w - 1), like the seed's 8-bit
task (operands below 128). Numbers are Python ints, so 64-bit (or 1000-bit) sums are exact;
np.int64 would overflow for sums >= 2**63.

Shapes and names (the layer convention of the course, with sigmoid instead of tanh):

    x (N, T, 2): x[n, t] = (bit t of a, bit t of b)      y (N, T): bit t of a + b
    Wxh (H, 2)   Whh (H, H)   Why (1, H)                  optional biases bh (H,), by (1,)
    h_t = sigmoid(x_t @ Wxh.T + h_{t-1} @ Whh.T + bh)     h_{-1} = 0
    p_t = sigmoid(h_t @ Why.T + by)                       predicted bit: p_t > 0.5
    loss = mean over pairs of 1/2 sum_t (p_t - y_t)^2     (the seed's squared error)
"""
import numbers
import time

import numpy as np

from .layers import rnn_backward_projected, rnn_forward_projected
from .optim import SGD, check_schedule, scheduled_learning_rate
from .threads import blas_threads
from .training import (Budget, Recorder, check_budget, check_clipping, check_divergence,
                       check_max_loss, clip_gradients, make_rng)
from .validate import check_allocation, check_array, check_int, check_params

# The widest sum the adder handles: wider ones would need gigabytes of bits for one batch.
MAX_WIDTH = 1_000_000


def sigmoid(z):
    """1 / (1 + exp(-z)), written as (1 + tanh(z/2)) / 2 so that it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# ---------------------------------------------------------------- bits <-> Python ints

def _check_width(width):
    """The number of bits of the sum: an int in [1, MAX_WIDTH] (no silent huge allocation)."""
    return check_int(width, "width (the number of bits of the sum)", minimum=1, maximum=MAX_WIDTH)


def _check_operand(n, name):
    """A non-negative Python int (NumPy integers are accepted; bools and floats are not)."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
        raise ValueError(f"{name} must be a non-negative int, got {n!r} ({type(n).__name__})")
    n = int(n)
    if n < 0:
        raise ValueError(f"{name} must be a non-negative int (the adder has no sign bit), got {n}")
    return n


def int_to_bits(n, width):
    """n -> its `width` bits, LSB first, as an int8 array (width,).

    >>> int_to_bits(6, 4)
    array([0, 1, 1, 0], dtype=int8)
    """
    width, n = _check_width(width), _check_operand(n, "n")
    if n >> width:
        raise ValueError(f"n = {n} needs {n.bit_length()} bits; width {width} holds numbers "
                         f"up to {2 ** width - 1}")
    return _ints_to_bits([n], width)[0]


def bits_to_int(bits):
    """Bits LSB first (a 1-D sequence of 0/1) -> Python int: sum of bits[t] * 2**t."""
    b = np.asarray(bits)
    if b.ndim != 1 or not np.isin(b, (0, 1)).all():
        raise ValueError(f"bits must be a 1-D sequence of 0s and 1s, got {bits!r}")
    return _bits_to_ints(b[None])[0]


def _ints_to_bits(ns, width):
    """List of non-negative ints < 2**width -> int8 (N, width), LSB first, any width."""
    nbytes = (width + 7) // 8
    buf = b"".join(n.to_bytes(nbytes, "little") for n in ns)
    raw = np.frombuffer(buf, dtype=np.uint8).reshape(len(ns), nbytes)
    return np.unpackbits(raw, axis=1, bitorder="little")[:, :width].astype(np.int8)


def _bits_to_ints(bits):
    """(N, width) of 0/1, LSB first -> list of N Python ints."""
    packed = np.packbits(np.asarray(bits, dtype=np.uint8), axis=1, bitorder="little")
    return [int.from_bytes(row.tobytes(), "little") for row in packed]


def _check_pairs(a, b, width):
    """Validate operands (scalars or equal-length sequences) -> (list a, list b, width, scalar?)."""
    width = _check_width(width)
    scalar = np.ndim(a) == 0 and np.ndim(b) == 0
    a_list = [a] if np.ndim(a) == 0 else list(a)
    b_list = [b] if np.ndim(b) == 0 else list(b)
    if len(a_list) != len(b_list):
        raise ValueError(f"a and b must have the same length, got {len(a_list)} and {len(b_list)}")
    check_allocation((len(a_list), width, 3), "the bits of a, b and a + b")
    a_list = [_check_operand(n, "a") for n in a_list]
    b_list = [_check_operand(n, "b") for n in b_list]
    for i, j in zip(a_list, b_list):
        if (i + j) >> width:
            raise ValueError(f"a + b = {i} + {j} = {i + j} needs {(i + j).bit_length()} bits; "
                             f"width {width} holds sums up to {2 ** width - 1}")
    return a_list, b_list, width, scalar


def encode(a, b, width):
    """Operand pairs -> network input and target bits, LSB first.

    a, b: ints, or equal-length sequences of ints, with every a + b < 2**width
    ->  x (N, width, 2) float64, y (N, width) float64
    """
    a, b, width, _ = _check_pairs(a, b, width)
    x = np.stack([_ints_to_bits(a, width), _ints_to_bits(b, width)], axis=-1).astype(np.float64)
    y = _ints_to_bits([i + j for i, j in zip(a, b)], width).astype(np.float64)
    return x, y


def carries(a, b, width):
    """The true carry OUT of every position: c[t] = 1 if bits 0..t of a and b overflow bit t.

    It is what the hidden state must remember after step t. ints -> (width,), sequences ->
    (N, width) int8.
    """
    a, b, width, scalar = _check_pairs(a, b, width)
    # bit t of a + b = a_t xor b_t xor carry_in_t, so carry_in = sum xor a xor b, shifted by one
    carry_in = [(i + j) ^ i ^ j for i, j in zip(a, b)]
    c = _ints_to_bits([ci >> 1 for ci in carry_in], width)
    return c[0] if scalar else c


def all_pairs(width=8):
    """Every operand pair below 2**(width - 1): for width 8, the seed's 128 x 128 = 16,384 pairs.

    -> a, b: lists of Python ints, a varying slowest
    """
    width = _check_width(width)
    if width > 12:
        raise ValueError(f"all_pairs({width}) would make 4**{width - 1} pairs; width must be "
                         f"<= 12 here (use random_pairs for wider sums)")
    m = 2 ** (width - 1)
    return [i for i in range(m) for _ in range(m)], list(range(m)) * m


def random_pairs(n, width, rng):
    """n random pairs whose sum fits in `width` bits: operands uniform below 2**(width - 1).

    rng: np.random.Generator.  -> a, b: lists of Python ints (exact for any width)
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a np.random.Generator, e.g. np.random.default_rng(0)")
    width = _check_width(width)
    n = check_int(n, "n", minimum=1)
    check_allocation((2, n, width), "random_pairs(n, width)", itemsize=1)
    bits = rng.integers(0, 2, size=(2, int(n), width), dtype=np.uint8)
    bits[..., width - 1] = 0   # top bit of each operand is 0, so the sum has room for a carry
    return _bits_to_ints(bits[0]), _bits_to_ints(bits[1])


# ---------------------------------------------------------------- the network

def init_params(hidden_size=16, seed=0, bias=False):
    """The seed's initialisation: every weight uniform in [-1, 1]; biases (if any) zero.

    seed: an int >= 0.
    -> dict Wxh (H, 2), Whh (H, H), Why (1, H) [, bh (H,), by (1,)], float64
    """
    rng = make_rng(seed)
    H = check_int(hidden_size, "hidden_size", minimum=1)
    check_allocation((H, H), "hidden_size")
    params = {"Wxh": rng.uniform(-1, 1, (H, 2)), "Whh": rng.uniform(-1, 1, (H, H)),
              "Why": rng.uniform(-1, 1, (1, H))}
    if bias:
        params["bh"], params["by"] = np.zeros(H), np.zeros(1)
    return params


def forward(x, params):
    """x (N, T, 2)  ->  p (N, T) probabilities that each sum bit is 1, cache.

    The recurrence is helpers.layers.rnn_forward_projected with a sigmoid; the cache holds
    the hidden states h (N, T, H), h[:, t] = h_t.
    """
    x = _check_input(x, params)
    Wxh, Whh, Why = params["Wxh"], params["Whh"], params["Why"]
    N, T, _ = x.shape
    H = Whh.shape[0]
    xw = x @ Wxh.T                                               # all input projections at once
    h, rcache = rnn_forward_projected(xw, np.zeros((N, H)), Whh, params.get("bh", np.zeros(H)),
                                      activation="sigmoid")
    p = sigmoid(h @ Why[0] + params.get("by", np.zeros(1))[0])
    return p, (x, h, rcache, p, params)


def _check_input(x, params):
    check_params(params, ("Wxh", "Whh", "Why"))
    x = check_array(x, "x", ndim=3, finite=True)
    if x.shape[2] != 2:
        raise ValueError(f"x must have shape (N, T, 2): one bit of a and one of b per step, "
                         f"got {x.shape}")
    return x


def backward(dp, cache):
    """Backpropagation through time. dp (N, T) = dloss/dp  ->  grads, a dict like params."""
    x, h, rcache, p, params = cache
    N, T, H = h.shape
    dz = dp * p * (1 - p)                           # (N, T); sigmoid'(z) = p (1 - p)
    dh = dz[..., None] * params["Why"][0]           # (N, T, H): what each h_t owes the output
    dxw, _, dWhh, dbh = rnn_backward_projected(dh, rcache)
    grads = {"Wxh": dxw.reshape(N * T, H).T @ x.reshape(N * T, 2), "Whh": dWhh,
             "Why": dz.reshape(1, N * T) @ h.reshape(N * T, H)}
    if "bh" in params:
        grads["bh"] = dbh
    if "by" in params:
        grads["by"] = np.array([dz.sum()])
    return grads


def loss_and_grads(params, x, y):
    """The seed's squared error, 1/2 sum over bits of (p - y)^2, averaged over the N pairs.

    x (N, T, 2), y (N, T)  ->  loss (float), grads (dict like params)
    """
    p, cache = forward(x, params)
    N = x.shape[0]
    loss = 0.5 * float(np.sum((p - y) ** 2)) / N
    return loss, backward((p - y) / N, cache)


def train(params, *, seed, steps=None, seconds=None, batch_size=64, widths=(8,),
          learning_rate=1.0, final_learning_rate=None, schedule="linear", clip=None,
          max_norm=None, max_loss=None, log=None, log_every=100, threads=1):
    """Plain gradient descent on fresh random pairs: every step draws `batch_size` pairs.

    The trainer contract of helpers.training (budget, seed, schedule, clip / max_norm, log,
    threads). widths: the sum widths to train on, used in turn (e.g. (8,) or mixed lengths
    (4, 8, 16)). max_loss None: 3 times what p = 0.5 for every bit costs, 3 * width / 8 per sum.
    Updates params in place. -> the History of records ('step', 'loss', 'learning_rate',
    'seconds').
    """
    budget = Budget(*check_budget(steps, seconds))
    rng = make_rng(seed)
    widths = [_check_width(w) for w in widths]
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_schedule(learning_rate, final_learning_rate, schedule)
    clip, max_norm = check_clipping(clip, max_norm)
    bounds = {w: check_max_loss(max_loss, w / 8) for w in widths}
    recorder = Recorder(budget, log, log_every)
    opt = SGD(learning_rate)
    with blas_threads(threads):
        # the contract's loop (helpers.training), written out in every trainer: it shows
        # this task's batch and maths, one line each
        while not budget.done():
            t0 = time.perf_counter()
            width = widths[budget.step % len(widths)]
            x, y = encode(*random_pairs(batch_size, width, rng), width)
            loss, grads = loss_and_grads(params, x, y)          # forward, loss, backward
            check_divergence(loss, budget.step + 1, learning_rate, bounds[width])
            clip_gradients(grads, clip, max_norm)
            opt.learning_rate = scheduled_learning_rate(learning_rate, budget.fraction(),
                                                        final_learning_rate, schedule)
            opt.step(params, grads)                             # p -= learning_rate * g
            budget.tick(t0)
            recorder.add(loss)
            if recorder.due():
                recorder.record(opt.learning_rate)
    return recorder.history


# ---------------------------------------------------------------- one pair, notebook 04's Part 1 form

def pair_forward(x, Wxh, Whh, Why):
    """One pair, with notebook 04's signature: x (T, 2) -> hs (T + 1, H), ps (T,).

    hs[0] = 0 is the state before the first step and hs[t] = h_t; ps[t - 1] = p_t. The same
    numbers as forward() on a batch of one (it calls it).
    """
    x = check_array(x, "x", ndim=2, finite=True)
    p, cache = forward(x[None], {"Wxh": Wxh, "Whh": Whh, "Why": Why})
    h = cache[1][0]
    return np.concatenate([np.zeros((1, h.shape[1])), h]), p[0]


def pair_bptt(x, y, hs, ps, Wxh, Whh, Why):
    """One pair, with notebook 04's signature: the gradients of 1/2 sum_t (ps_t - y_t)^2 by
    backpropagation through time, the loop notebook 04 derives.

    x (T, 2), y (T,), hs (T + 1, H) and ps (T,) from pair_forward  ->  dWxh, dWhh, dWhy.
    """
    x = check_array(x, "x", ndim=2, finite=True)
    T, H = x.shape[0], np.shape(Whh)[0]
    y, ps = np.asarray(y, dtype=np.float64), np.asarray(ps, dtype=np.float64)
    hs = np.asarray(hs, dtype=np.float64)
    if y.shape != (T,) or ps.shape != (T,) or hs.shape != (T + 1, H):
        raise ValueError(f"for x of shape {x.shape} and H = {H}, y and ps must have shape ({T},) and "
                         f"hs ({T + 1}, {H}) (hs[0] = 0 before the first step); got y {y.shape}, "
                         f"ps {ps.shape}, hs {hs.shape}")
    _check_input(x[None], {"Wxh": Wxh, "Whh": Whh, "Why": Why})
    dz = (ps - y) * ps * (1 - ps)          # output deltas, all steps: (T,)
    dh_out = np.outer(dz, Why[0])          # what each h_t owes its own output: (T, H)
    da = np.zeros((T, H))                  # hidden deltas
    dh_next = np.zeros(H)                  # nothing comes back from after the last step
    for t in reversed(range(1, T + 1)):    # step t sits at row t - 1 of dz, dh_out and da
        h = hs[t]
        da[t - 1] = (dh_out[t - 1] + dh_next) * h * (1 - h)
        dh_next = Whh.T @ da[t - 1]        # what h_{t-1} owes the steps after it
    return da.T @ x, da.T @ hs[:-1], dz[None] @ hs[1:]    # dWxh, dWhh, dWhy


# ---------------------------------------------------------------- using a trained adder

# Evaluate in blocks of this many pairs: small matrix products stay single-threaded in BLAS,
# which on a busy machine is many times faster than a threaded product of 10,000 rows.
CHUNK = 1024

def predict_bits(params, x):
    """x (N, T, 2) -> predicted sum bits (N, T) int8: p > 0.5."""
    return (forward(x, params)[0] > 0.5).astype(np.int8)


def add(params, a, b, width):
    """What the network says a + b is: an int (or a list for sequences of operands).

    The network runs `width` steps; a + b must fit in `width` bits or ValueError says so.
    """
    a, b, width, scalar = _check_pairs(a, b, width)
    sums = []
    for i in range(0, len(a), CHUNK):
        x, _ = encode(a[i:i + CHUNK], b[i:i + CHUNK], width)
        sums += _bits_to_ints(predict_bits(params, x))
    return sums[0] if scalar else sums


def accuracy(params, a, b, width):
    """Fraction of pairs whose WHOLE sum is right (every one of the `width` bits)."""
    a, b, width, _ = _check_pairs(a, b, width)
    right = 0
    for i in range(0, len(a), CHUNK):
        x, y = encode(a[i:i + CHUNK], b[i:i + CHUNK], width)
        right += int((predict_bits(params, x) == y).all(axis=1).sum())
    return right / len(a)


def hidden_states(params, a, b, width):
    """Record the hidden activations while adding: h_t after reading bit t.

    ints -> (width, H); sequences -> (N, width, H). Compare with carries(a, b, width).
    """
    a, b, width, scalar = _check_pairs(a, b, width)
    hs = np.concatenate([forward(encode(a[i:i + CHUNK], b[i:i + CHUNK], width)[0], params)[1][1]
                         for i in range(0, len(a), CHUNK)], axis=0)     # (N, T, H)
    return hs[0] if scalar else hs
