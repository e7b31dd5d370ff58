"""Softmax with temperature, log-softmax, entropy and sampling.

Temperature T divides the logits: softmax(z / T) = softmax(alpha * z) with alpha = 1 / T.
Low T sharpens the distribution towards the argmax, high T flattens it towards uniform.
Every function subtracts the maximum logit first, so huge logits and tiny temperatures
stay finite.
"""
import numpy as np


def check_temperature(temperature):
    """Return temperature as a float, or raise ValueError if it is not finite and > 0."""
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a number > 0, got {temperature!r}") from None
    if not np.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be finite and > 0 (T -> 0 is argmax, large T is "
                         f"uniform), got {temperature!r}")
    return t


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
    """Entropy -sum p ln p in nats along `axis` (0 ln 0 counts as 0)."""
    p = np.asarray(p, dtype=np.float64)
    if np.isnan(p).any() or (p < 0).any():
        raise ValueError("probabilities must be >= 0 and not NaN")
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
