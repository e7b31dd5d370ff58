"""Input checks shared by every module: each returns the cleaned value or raises ValueError
saying which argument was wrong, what it got, and what is allowed.

    n = check_int(n, "n", minimum=1)                       # 3 and np.int64(3) pass; True, 2.7, "3" do not
    lr = check_number(learning_rate, "learning_rate", low=0, low_open=True)   # finite, > 0
    x = check_ids(x, V, "x")                               # integer array with every id in [0, V)

Nothing is clamped or rounded silently: 2.7 is not an integer, inf is not a budget, -1 is not
an id (NumPy would read it as the last symbol).
"""
import numbers

import numpy as np

# Refuse anything that would allocate more than this in one array: a typo such as
# hidden_size=100000 should get an error, not minutes of swapping.
MAX_BYTES = 4 * 2 ** 30


def _shown(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_int(value, name, minimum=None, maximum=None, hint=None):
    """An integer (Python or NumPy; not a bool, not a float such as 2.0 or 2.7) within the bounds.

    hint: what the number means, shown in brackets after what is allowed."""
    allowed = f"an integer{_bounds(minimum, maximum)}" + (f" ({hint})" if hint else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be {allowed}, got {_shown(value)} ({type(value).__name__})")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {allowed}, got {value}")
    return value


def _bounds(minimum, maximum):
    if minimum is not None and maximum is not None:
        return f" in [{minimum}, {maximum}]"
    if minimum is not None:
        return f" >= {minimum}"
    return "" if maximum is None else f" <= {maximum}"


def check_number(value, name, low=None, high=None, low_open=False, high_open=False, hint=None):
    """A finite real number (not a bool, not a string) in the interval given -> float.

    low_open / high_open: the bound itself is excluded (e.g. learning_rate > 0: low=0, low_open=True).
    hint: what the number means, shown in brackets after what is allowed.
    """
    lo = "" if low is None else ("> " if low_open else ">= ") + f"{low:g}"
    hi = "" if high is None else ("< " if high_open else "<= ") + f"{high:g}"
    allowed = "a finite number" + (f" {lo}" if lo else "") + (" and" if lo and hi else "") + (
        f" {hi}" if hi else "") + (f" ({hint})" if hint else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be {allowed}, got {_shown(value)} ({type(value).__name__})")
    v = float(value)
    bad = (not np.isfinite(v) or (low is not None and (v <= low if low_open else v < low))
           or (high is not None and (v >= high if high_open else v > high)))
    if bad:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return v


def check_positive(value, name):
    """A finite number > 0 (a learning rate, a clip limit, eps, a budget in seconds)."""
    return check_number(value, name, low=0, low_open=True)


def check_fraction(value, name):
    """A decay in [0, 1): beta1, beta2, a moving-average factor."""
    return check_number(value, name, low=0, high=1, high_open=True)


def check_optional(check, value, name, *args, **kwargs):
    """None, or what check(value, name, ...) accepts (e.g. an optional budget)."""
    return None if value is None else check(value, name, *args, **kwargs)


def check_choice(value, name, options):
    """One of a few allowed values (compared with ==)."""
    if not any(value is o or (isinstance(value, str) and value == o) for o in options):
        raise ValueError(f"{name} must be one of {list(options)}, got {_shown(value)}")
    return value


def check_array(a, name, ndim=None, shape=None, finite=False, dtype=None):
    """An array with `ndim` dimensions / this `shape` (None in a shape: any size there).

    finite: refuse NaN and inf. dtype: convert to it (numbers only: strings are refused).
    """
    try:
        arr = np.asarray(a) if dtype is None else np.asarray(a, dtype=dtype)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {_shown(a)}") from None
    if arr.dtype == object or arr.dtype.kind in "USV":
        raise ValueError(f"{name} must be an array of numbers, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if shape is not None and (arr.ndim != len(shape) or any(
            s is not None and s != n for s, n in zip(shape, arr.shape))):
        parts = ["any" if s is None else str(s) for s in shape]
        wanted = "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        raise ValueError(f"{name} must have shape {wanted}, got {arr.shape}")
    if finite and arr.dtype.kind in "fc" and not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got an array with "
                         f"{int(np.isnan(arr).sum())} NaN and {int(np.isinf(arr).sum())} inf")
    return arr


def check_same_shape(a, b, name_a, name_b):
    """Two arrays that must be compared entry by entry."""
    if np.shape(a) != np.shape(b):
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got "
                         f"{np.shape(a)} and {np.shape(b)}")


def check_indices(values, n, name, ndim=None, what="indices"):
    """An integer array whose entries all lie in [0, n) (bools and floats such as 1.5 refused).

    -1 is refused: NumPy would silently read it as the last entry. what: the name of the
    entries in the message ("hidden-unit indices", "positions").
    """
    arr = check_array(values, name, ndim=ndim)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be integer {what} in [0, {n}), got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise ValueError(f"{name} must be {what} in [0, {n}), got {arr.min()}..{arr.max()}")
    return arr


def check_ids(ids, V, name, ndim=None):
    """An integer array whose entries are all ids in [0, V) (bools and floats refused).

    -1 is refused: NumPy would silently read it as the last symbol.
    """
    arr = check_array(ids, name, ndim=ndim)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integer ids in [0, {V}) (vocab.encode(text)), "
                         f"got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= V):
        raise ValueError(f"{name} must lie in [0, {V}) for a vocabulary of {V} symbols, "
                         f"got {arr.min()}..{arr.max()}")
    return arr


def check_mask(mask, shape, name="mask"):
    """A mask of this shape -> bool array: True/False, or numbers that are exactly 0 or 1
    (a fractional 0.5 is refused, not read as True)."""
    m = check_array(mask, name, shape=shape)
    if m.dtype != bool and m.size and not np.isin(m, (0, 1)).all():
        raise ValueError(f"{name} must hold True/False (or 0/1) for every position, got "
                         f"values such as {m[~np.isin(m, (0, 1))].ravel()[0].item()!r}")
    return m.astype(bool)


def check_float_dtype(dtype, name="dtype"):
    """A floating-point dtype (np.float32, np.float64, 'float32', ...) -> np.dtype.

    Integer weights would truncate to zeros; bool, complex and string dtypes are not weights."""
    try:
        dt = None if dtype is None else np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.kind != "f":
        raise ValueError(f"{name} must be a floating-point dtype such as np.float32 or "
                         f"np.float64, got {_shown(dtype)}")
    return dt


def check_id(ix, V, name="ix"):
    """One id: an integer in [0, V)."""
    return check_int(ix, name, minimum=0, maximum=V - 1)


def check_allocation(shape, name, itemsize=8):
    """Refuse an array of this shape if it would take more than MAX_BYTES (4 GiB).

    shape: integer sizes >= 0 (a negative or fractional size is refused, not rounded)."""
    n = 1
    for i, s in enumerate(shape):
        n *= check_int(s, f"{name}: size {i} of the shape {tuple(shape)}", minimum=0)
    if n * itemsize > MAX_BYTES:
        raise ValueError(f"{name} would need an array of shape {tuple(int(s) for s in shape)}, "
                         f"{n * itemsize / 2 ** 30:.1f} GiB; at most {MAX_BYTES // 2 ** 30} GiB "
                         f"is allowed, so use smaller sizes")
    return n


def check_params(params, names, name="params"):
    """A dict holding at least these arrays."""
    if not isinstance(params, dict):
        raise ValueError(f"{name} must be a dict of arrays, got {type(params).__name__}")
    missing = [k for k in names if k not in params]
    if missing:
        raise ValueError(f"{name} is missing {missing}; it needs {list(names)}")
    return params


# Kernel and device file systems: writing there is never a course file (and as root it "works").
SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")


def check_output_path(path, suffix=".npz"):
    """A file we may write: ends in `suffix` (so the file written is the path given: np.savez
    would append .npz silently), its folder exists and is writable, it is not a folder itself,
    nor under /proc, /sys or /dev. Checked before a long computation, so that its result is
    not lost. -> the path as a str."""
    import os
    try:
        path = os.fspath(path)
    except TypeError:
        raise ValueError(f"output path must be a str or pathlib.Path, got {_shown(path)}") from None
    if not isinstance(path, str):
        raise ValueError(f"output path must be a str or pathlib.Path, got {_shown(path)}")
    real = os.path.realpath(path)
    if any(real == d or real.startswith(d + "/") for d in SYSTEM_FOLDERS):
        raise ValueError(f"output path {path!r} lies in a system folder ({', '.join(SYSTEM_FOLDERS)}); "
                         f"write the file into a folder of yours")
    if not path.endswith(suffix):
        raise ValueError(f"output path must end in {suffix} (the file written is the path "
                         f"given, nothing is appended), got {path!r}")
    if os.path.isdir(path):
        raise ValueError(f"output path {path!r} is a folder; give a file name ending in {suffix}")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise ValueError(f"the folder of the output path {path!r} does not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise ValueError(f"output path {path!r} is not writable")
    return path
