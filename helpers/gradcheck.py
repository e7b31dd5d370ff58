"""Numerical gradients by centred differences, and the relative error used to compare them.

Use float64: in float32 the rounding error of f(x + h) - f(x - h) swamps the difference.
"""
import numpy as np


def rel_error(x, y):
    """max |x - y| / max(1e-8, |x| + |y|): about 1e-7 or smaller means 'the same gradient'."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def norm_rel_error(x, y):
    """|x - y| / (|x| + |y|) with whole-array norms: one figure per gradient array.

    Use it when many entries are near zero (e.g. a 63-character output layer): there the
    entry-by-entry rel_error reports the rounding noise of those tiny entries.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    total = np.linalg.norm(x) + np.linalg.norm(y)
    return float(np.linalg.norm(x - y) / total) if total > 0 else 0.0


def numerical_gradient(f, x, df=None, h=1e-5):
    """Gradient of f at x, where x is an array that f reads (it is perturbed in place and restored).

    f() -> scalar:  returns d f / d x, same shape as x.
    f() -> array:   pass df, the upstream gradient of the same shape as f's output; returns
                    sum(df * d f / d x), i.e. what a backward function should return for x.
    """
    if x.dtype != np.float64:
        raise ValueError(f"numerical gradients need float64 arrays, got {x.dtype}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = np.array(f(), dtype=np.float64, copy=True)
        x[i] = old - h
        minus = np.array(f(), dtype=np.float64, copy=True)
        x[i] = old
        diff = (plus - minus) / (2 * h)
        grad[i] = diff if df is None else np.sum(diff * df)
        it.iternext()
    return grad
