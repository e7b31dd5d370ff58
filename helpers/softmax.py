"""Softmax with temperature, log-softmax, entropy and sampling.

Temperature T divides the logits: softmax(z / T) = softmax(alpha * z) with alpha = 1 / T.
Low T sharpens the distribution towards the argmax, high T flattens it towards uniform.
Every function subtracts the maximum logit first, so huge logits and tiny temperatures
stay finite.
"""
import numpy as np

from .validate import check_int, check_number


def check_temperature(temperature):
    """Return temperature as a float, or raise ValueError if it is not a finite number > 0
    (True and the string "0.5" are not temperatures)."""
    return check_number(temperature, "temperature", low=0, low_open=True,
                        hint="T -> 0 is argmax, large T is uniform")


def _shifted_scaled_logits(logits, temperature, axis):
    """(z - max z) / T: every entry <= 0, so exp never overflows. Shifting before dividing
    also keeps a tiny T finite: (z - max z) / 1e-320 is -inf or 0, never inf - inf."""
    z = np.asarray(logits)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    if np.isnan(z).any():
        raise ValueError("logits contain NaN; softmax needs real numbers (inf is not allowed either)")
    if np.isinf(z).any():
        raise ValueError("logits contain inf; softmax needs finite numbers")
    t = check_temperature(temperature)
    with np.errstate(divide="ignore", over="ignore"):
        return (z - z.max(axis=axis, keepdims=True)) / t


def log_softmax(logits, temperature=1.0, axis=-1):
    """log softmax(logits / temperature) along `axis`; same shape as `logits`."""
    z = _shifted_scaled_logits(logits, temperature, axis)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def softmax(logits, temperature=1.0, axis=-1):
    """Probabilities softmax(logits / temperature) along `axis`; same shape as `logits`.

    >>> softmax([1000.0, 0.0, -1000.0], temperature=1e-4)   # finite, sums to 1
    array([1., 0., 0.])
    """
    e = np.exp(_shifted_scaled_logits(logits, temperature, axis))
    return e / e.sum(axis=axis, keepdims=True)


def entropy(p, axis=-1):
    """Entropy -sum p ln p in nats along `axis` (0 ln 0 counts as 0) of probabilities p:
    entries >= 0 that sum to 1 along `axis` (within 1e-4, so float32 rows pass)."""
    p = np.asarray(p, dtype=np.float64)
    if np.isnan(p).any() or (p < 0).any():
        raise ValueError("probabilities must be >= 0 and not NaN")
    if p.size == 0:
        raise ValueError("p is empty: entropy needs a probability distribution")
    total = p.sum(axis=axis)
    if np.abs(total - 1).max() > 1e-4:
        raise ValueError(f"p must be a probability distribution: entries that sum to 1 along "
                         f"axis {axis}, got sums from {np.min(total):.6g} to {np.max(total):.6g}; "
                         f"pass softmax(logits), not logits")
    logp = np.log(np.where(p > 0, p, 1.0))
    return -(p * logp).sum(axis=axis)


def sample(p, rng, size=None):
    """Draw index/indices from the distribution p (1-D, sums to 1) with generator `rng`.

    rng must be an explicit np.random.Generator (np.random.default_rng(seed)), so that
    the same seed always gives the same samples.
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a np.random.Generator, e.g. np.random.default_rng(0)")
    p = np.asarray(p, dtype=np.float64)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"p must be a non-empty 1-D probability vector, got shape {p.shape}")
    if np.isnan(p).any() or (p < 0).any() or not np.isclose(p.sum(), 1.0, atol=1e-6):
        raise ValueError(f"p must be non-negative and sum to 1 (sums to {p.sum():.6g})")
    return rng.choice(p.size, size=size, p=p / p.sum())


# ---------------------------------------------------------------- truncated sampling: top-k, top-p

def _check_probabilities(p):
    """p as float64 rows (last axis) renormalised to sum exactly to 1, or ValueError."""
    p = np.asarray(p, dtype=np.float64)
    if p.ndim == 0 or p.shape[-1] == 0:
        raise ValueError(f"p must be a probability vector (or a batch of them along the last "
                         f"axis) with at least one symbol, got shape {p.shape}")
    if not np.isfinite(p).all() or (p < 0).any():
        if np.isnan(p).any():
            raise ValueError("p contains NaN; pass probabilities, e.g. softmax(logits, temperature)")
        raise ValueError("p must hold finite probabilities >= 0; pass softmax(logits, temperature)")
    total = p.sum(axis=-1, keepdims=True)
    if np.abs(total - 1.0).max() > 1e-6:
        raise ValueError(f"every row of p must sum to 1 (within 1e-6), got sums from "
                         f"{total.min():.6g} to {total.max():.6g}; pass softmax(logits) "
                         f"(probabilities), not logits")
    return p / total


def _descending(p):
    """Indices that sort every row of p from the most likely symbol down; stable, so equal
    probabilities keep their index order (the smaller index counts as the more likely)."""
    return np.argsort(-p, axis=-1, kind="stable")


def _keep_leading(p, n_keep, order):
    """Keep the n_keep first symbols of every row in `order`, set the rest to 0, renormalise."""
    keep_sorted = np.arange(p.shape[-1]) < np.asarray(n_keep)[..., None]
    keep = np.zeros(p.shape, dtype=bool)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    q = np.where(keep, p, 0.0)
    return q / q.sum(axis=-1, keepdims=True)


def top_k(p, k):
    """Top-k truncation: keep the k most likely symbols, renormalised.

    p: probabilities along the last axis (a vector of V symbols or a batch (..., V), each row
    summing to 1), e.g. softmax(logits, temperature): temperature first, then truncation.
    k: integer, 1 <= k <= V. Returns float64 of p's shape: exactly k entries of every row
    keep their relative sizes, the rest are 0, and each row sums to 1. Symbols keep their
    places (nothing is reordered). Ties are broken deterministically: among equal
    probabilities at the cut, the symbol with the smaller index is kept. k = V returns p.

    >>> top_k([0.1, 0.5, 0.2, 0.2], 2)    # 0.5 and the first 0.2: 0.5/0.7, 0.2/0.7
    array([0.        , 0.71428571, 0.28571429, 0.        ])
    """
    p = _check_probabilities(p)
    k = check_int(k, "k", 1, p.shape[-1], hint=f"the number of symbols kept, at most V = {p.shape[-1]}")
    return _keep_leading(p, k, _descending(p))


def top_p(p, mass):
    """Nucleus (top-p) truncation: keep the smallest set of most likely symbols whose total
    probability reaches `mass`, renormalised.

    p: probabilities along the last axis (a vector or a batch (..., V), rows summing to 1),
    e.g. softmax(logits, temperature). mass: a number with 0 < mass <= 1.
    Symbols are taken from the most likely down (ties: the smaller index first) until their
    running total is >= mass (compared with a tolerance of 1e-12, so that 0.5 + 0.3 reaches
    0.8 despite rounding); the most likely symbol is always kept, so a tiny mass is greedy
    sampling. The number of symbols kept varies from row to row: few where the model is
    sure, many where it is not (top_k keeps the same number everywhere). mass = 1 returns p
    (symbols of probability 0 stay 0). Returns float64 of p's shape, every row summing to 1.

    >>> top_p([0.1, 0.5, 0.3, 0.1], 0.8)  # 0.5 + 0.3 reaches 0.8
    array([0.   , 0.625, 0.375, 0.   ])
    """
    p = _check_probabilities(p)
    m = check_number(mass, "mass", low=0, high=1, low_open=True,
                     hint="the share of probability kept; 1 keeps everything")
    order = _descending(p)
    running = np.cumsum(np.take_along_axis(p, order, axis=-1), axis=-1)
    # symbols before the running total reaches mass, plus the one that reaches it
    n_keep = np.minimum((running < m - 1e-12).sum(axis=-1) + 1, p.shape[-1])
    return _keep_leading(p, n_keep, order)
