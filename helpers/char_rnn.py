"""A character-level vanilla RNN (min-char-rnn's model), batched and fast.

Parameters use min-char-rnn's names and shapes, V symbols and H hidden units:

    Wxh (H, V)   Whh (H, H)   bh (H,)   Why (V, H)   by (V,)

h_t = tanh(Wxh x_t + Whh h_{t-1} + bh),  y_t = Why h_t + by,  p_t = softmax(y_t).
With a one-hot x_t, Wxh x_t is the column Wxh[:, ix]; the batched code gathers those columns
(an embedding lookup) instead of multiplying by a (N, T, V) one-hot array.
"""
import numpy as np

from .layers import (affine_backward, affine_forward, embedding_backward, embedding_forward,
                     rnn_backward_projected, rnn_forward_projected,
                     temporal_softmax_loss_backward, temporal_softmax_loss_forward)
from .softmax import check_temperature, sample as sample_index, softmax

PARAM_NAMES = ("Wxh", "Whh", "bh", "Why", "by")


def init_params(vocab_size, hidden_size, seed, dtype=np.float32, scale=0.01):
    """min-char-rnn's initialisation: weights N(0, scale^2), biases zero."""
    if vocab_size < 1 or hidden_size < 1:
        raise ValueError(f"vocab_size and hidden_size must be >= 1, got {vocab_size}, {hidden_size}")
    rng = np.random.default_rng(seed)
    V, H = vocab_size, hidden_size
    p = {"Wxh": rng.standard_normal((H, V)) * scale, "Whh": rng.standard_normal((H, H)) * scale,
         "bh": np.zeros(H), "Why": rng.standard_normal((V, H)) * scale, "by": np.zeros(V)}
    return {k: v.astype(dtype) for k, v in p.items()}


def loss_and_grads(params, x, y, h0=None, mask=None):
    """Mean cross-entropy (nats per counted character) of a batch, and its gradients.

    x, y (N, T) int ids (y is the next character of x), h0 (N, H) or None (zeros),
    mask (N, T) bool or None: which targets count (padding is False).
    -> loss (float), grads (dict like params), h_last (N, H) to carry into the next window.
    """
    Wxh, Whh, bh, Why, by = (params[k] for k in PARAM_NAMES)
    N = x.shape[0]
    if h0 is None:
        h0 = np.zeros((N, Whh.shape[0]), dtype=Whh.dtype)
    xw, ecache = embedding_forward(x, Wxh.T)          # (N, T, H): the columns Wxh[:, x]
    h, rcache = rnn_forward_projected(xw, h0, Whh, bh)
    scores, acache = affine_forward(h, Why, by)       # (N, T, V)
    loss, lcache = temporal_softmax_loss_forward(scores, y, mask)
    dscores = temporal_softmax_loss_backward(lcache)
    dh, dWhy, dby = affine_backward(dscores, acache)
    dxw, _, dWhh, dbh = rnn_backward_projected(dh, rcache)
    dWxh = embedding_backward(dxw, ecache).T
    grads = {"Wxh": dWxh, "Whh": dWhh, "bh": dbh, "Why": dWhy, "by": dby}
    return loss, {k: g.astype(params[k].dtype, copy=False) for k, g in grads.items()}, h[:, -1]


def step(params, ix, h):
    """One step of the recurrence for a single character id: h (H,) -> new h (H,), logits (V,)."""
    h = np.tanh(params["Wxh"][:, ix] + params["Whh"] @ h + params["bh"])
    return h, params["Why"] @ h + params["by"]


def sample(params, vocab, n, rng, temperature=1.0, prime="\n", stop=None, h=None):
    """Generate up to n characters after feeding `prime` through the network.

    rng: np.random.Generator. temperature T: softmax(logits / T), T = 1/alpha.
    stop: a symbol that ends the sample early (it is included), e.g. '\\n' for one name.
    Returns the generated text (without the prime).
    """
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be an integer >= 0 (characters to generate), got {n!r}")
    temperature = check_temperature(temperature)
    if len(prime) == 0:
        raise ValueError("prime must hold at least one character to start from")
    ids = vocab.encode(prime)  # ValueError naming any character outside the vocabulary
    h = np.zeros(params["Whh"].shape[0], dtype=params["Whh"].dtype) if h is None else h
    for ix in ids:
        h, logits = step(params, ix, h)
    out = []
    for _ in range(n):
        ix = sample_index(softmax(logits.astype(np.float64), temperature), rng)
        out.append(vocab.itos[ix])
        if stop is not None and out[-1] == stop:
            break
        h, logits = step(params, ix, h)
    return "".join(out)


def complete(params, vocab, context, n, rng, temperature=1.0):
    """String completion: run `context` through the network, then continue it by n characters."""
    return context + sample(params, vocab, n, rng, temperature, prime=context)
