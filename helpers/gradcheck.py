"""Numerical gradients by centred differences, and the relative error used to compare them.

Use float64: in float32 the rounding error of f(x + h) - f(x - h) swamps the difference.
"""
import numpy as np

from .validate import check_array, check_positive, check_same_shape


def _pair(x, y):
    """Two finite float64 arrays of the same shape: a NaN must never pass a gradient check."""
    x = check_array(x, "x", finite=True, dtype=np.float64)
    y = check_array(y, "y", finite=True, dtype=np.float64)
    check_same_shape(x, y, "x", "y")
    return x, y


def rel_error(x, y):
    """max |x - y| / max(1e-8, |x| + |y|): about 1e-7 or smaller means 'the same gradient'."""
    x, y = _pair(x, y)
    if x.size == 0:
        raise ValueError("x and y are empty: there is nothing to compare")
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def norm_rel_error(x, y):
    """|x - y| / (|x| + |y|) with whole-array norms: one figure per gradient array.

    Use it when many entries are near zero (e.g. a 63-character output layer): there the
    entry-by-entry rel_error reports the rounding noise of those tiny entries.
    """
    x, y = _pair(x, y)
    total = np.linalg.norm(x) + np.linalg.norm(y)
    return float(np.linalg.norm(x - y) / total) if total > 0 else 0.0


def numerical_gradient(f, x, df=None, h=1e-5):
    """Gradient of f at x, where x is an array that f reads (it is perturbed in place and restored).

    f() -> scalar:  returns d f / d x, same shape as x.
    f() -> array:   pass df, the upstream gradient of the same shape as f's output; returns
                    sum(df * d f / d x), i.e. what a backward function should return for x.
    """
    if not callable(f):
        raise ValueError(f"f must be a function of no arguments that reads x, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError(f"numerical gradients need x to be a float64 array (perturbed in place), "
                         f"got {getattr(x, 'dtype', type(x).__name__)}")
    check_array(x, "x", finite=True)
    h = check_positive(h, "h")
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
        if df is not None and np.shape(df) != diff.shape:
            raise ValueError(f"df must have the shape of f's output {diff.shape}, got {np.shape(df)}")
        if not np.isfinite(diff).all():
            raise ValueError(f"f is not finite near x{list(i)}: a numerical gradient needs a finite f")
        grad[i] = diff if df is None else np.sum(diff * df)
        it.iternext()
    return grad
