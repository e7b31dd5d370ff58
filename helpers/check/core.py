"""The machinery every check shares: counting, calling the learner's function safely, reading
what it returned, and wording a failure.

A check calls the learner's function through `call`, which hands it copies of its inputs (so
nothing it does reaches the check's own arrays), names any input it changed in place
(`p[p == 0] = 1`, `dc += ...`) and turns any other exception into an ExerciseError naming the
inputs. What comes back is read with `array`, `scalar` and `tuple_of`, which answer a missing
return, a ragged list or a wrong type in words. Arrays in a message are summarised (`summary`),
never printed whole. `cache_check` judges a forward's cache by running the course's backward
on it.
"""
import copy
import inspect

import numpy as np

from ..gradcheck import norm_rel_error

GRAD_TOL = 1e-5    # norm_rel_error between a float64 gradient and a numerical one: ~1e-9 when right
MATCH_TOL = 1e-6   # "your output equals this variant" (a known mistake, or the right answer)


class ExerciseError(AssertionError):
    """A check found a problem with an exercise's function; the message says what to fix."""


class Check:
    """Counts the properties that held; fail() raises with the exercise's title in front."""

    def __init__(self, title):
        self.title, self.passed = title, 0

    def fail(self, hint):
        __tracebackhide__ = True
        raise ExerciseError(f"{self.title}: {hint}")

    def require(self, condition, hint):
        __tracebackhide__ = True
        if not condition:
            self.fail(hint)

    def ok(self):
        self.passed += 1

    def done(self):
        print(f"{self.title}: all {self.passed} checks passed")


# ---------------------------------------------------------------- words for values

def summary(value, few=4):
    """A short description of a value for a message: shape, dtype and a few entries."""
    if isinstance(value, np.ndarray):
        flat = value.ravel()
        shown = ", ".join(f"{v:.4g}" if np.issubdtype(value.dtype, np.floating) else str(v)
                          for v in flat[:few])
        more = ", ..." if flat.size > few else ""
        return f"an array of shape {value.shape}, dtype {value.dtype} ({shown}{more})"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    return f"{type(value).__name__} {value!r}"[:80]


def two_numbers(want, got):
    """'want' and 'got' formatted with just enough significant digits to tell them apart."""
    for digits in range(4, 17):
        a, b = f"{want:.{digits}g}", f"{got:.{digits}g}"
        if a != b:
            return a, b
    return repr(want), repr(got)


def _describe(args):
    parts = []
    for a in args:
        if isinstance(a, np.ndarray):
            parts.append(f"array{a.shape}")
        elif isinstance(a, np.random.Generator):
            parts.append("Generator")
        elif isinstance(a, dict):
            parts.append("dict(" + ", ".join(f"{k}{np.shape(v)}" for k, v in a.items()) + ")")
        elif isinstance(a, (list, tuple)) and (len(a) > 6 or any(
                isinstance(v, (np.ndarray, list, tuple, dict)) for v in a)):
            parts.append(f"{type(a).__name__} of {len(a)}" if len(a) > 6 else
                         f"{type(a).__name__}({_describe(a)})")
        else:
            parts.append(repr(a)[:40])
    return ", ".join(parts)


# ---------------------------------------------------------------- calling the learner's function

def _copy(value):
    """A deep copy of an input, so that nothing the learner's function does reaches the
    check's own arrays."""
    return copy.deepcopy(value) if isinstance(value, (np.ndarray, dict, list, tuple)) else value


def _parameter_names(f, n):
    try:
        names = [p.name for p in inspect.signature(f).parameters.values()]
    except (TypeError, ValueError):
        names = []
    return (names + [f"argument {k + 1}" for k in range(len(names), n)])[:n]


def _unchanged(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_unchanged(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_unchanged(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, np.random.Generator):
        return True
    return bool(a == b)


def _is_shape_error(e):
    text = str(e)
    return isinstance(e, (ValueError, IndexError)) and any(
        w in text for w in ("shape", "broadcast", "dimension", "matmul", "size", "index"))


def call(chk, f, *args):
    """f(*args) on copies of the inputs, with floating-point warnings silenced.

    NotImplementedError (an unfinished stub) passes through unchanged. Any other exception
    becomes an ExerciseError naming the inputs (chained, so the traceback still shows the line),
    with a word about shapes only when the error is about shapes. An input the function changed
    in place (x -= m, p[p == 0] = 1, dc += ..., a list sorted) fails with a hint naming it."""
    __tracebackhide__ = True
    given = [_copy(a) for a in args]
    name = getattr(f, "__name__", "your function")
    try:
        with np.errstate(all="ignore"):
            out = f(*given)
    except NotImplementedError:
        raise
    except ExerciseError:
        raise
    except Exception as e:
        shapes = " Check the shapes in each product and the axis of each sum." \
            if _is_shape_error(e) else ""
        raise ExerciseError(f"{chk.title}: {name}({_describe(args)}) raised "
                            f"{type(e).__name__}: {e}.{shapes}") from e
    changed = [p for p, a, g in zip(_parameter_names(f, len(args)), args, given)
               if not _unchanged(a, g)]
    if changed:
        chk.fail(f"{name} changed its input {' and '.join(changed)} in place (with -=, +=, "
                 "x[...] = or a method such as sort): an input belongs to the caller, who may "
                 "still need it; compute into a new array (x = x - m, or np.copy first)")
    return out


# ---------------------------------------------------------------- reading what came back

def _kind(value):
    """What a value that is not an array of numbers is, in words (for a hint)."""
    if isinstance(value, (list, tuple)):
        lengths = {len(v) for v in value if isinstance(v, (list, tuple, np.ndarray))}
        if len(lengths) > 1:
            return (f"a {type(value).__name__} of {len(value)} sequences of different lengths "
                    f"({', '.join(map(str, sorted(lengths)))}): a ragged list is not an array")
        inner = {type(v).__name__ for v in value}
        return f"a {type(value).__name__} of {', '.join(sorted(inner)) or 'nothing'}"
    return type(value).__name__


def array(chk, value, what, dtype=np.float64):
    """value as an ndarray of dtype (None: keep its own dtype, which must be numbers or bools),
    or a hint in words (None, ragged, not numbers)."""
    __tracebackhide__ = True
    if value is None:
        chk.fail(f"{what} is None: is a `return` missing?")
    if isinstance(value, (str, bytes, dict, set)) or callable(value):
        chk.fail(f"{what} should be a NumPy array of numbers, got {_kind(value)}")
    try:
        with np.errstate(all="ignore"):
            a = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        chk.fail(f"{what} should be a NumPy array of numbers, got {_kind(value)}")
    if a.dtype.kind not in "biuf":
        chk.fail(f"{what} should be a NumPy array of numbers, got {summary(a)}")
    return a


def scalar(chk, value, what, hint=""):
    """value as a float, if it is one number (a 0-d array counts); else a hint about its shape."""
    __tracebackhide__ = True
    a = array(chk, value, what)
    if a.ndim != 0:
        chk.fail(f"{what} should be one number, got {summary(a)}{hint}")
    return float(a)


def tuple_of(chk, out, n_min, what):
    """out, if it is a tuple or list of at least n_min values; else a hint."""
    __tracebackhide__ = True
    if out is None:
        chk.fail(f"it returned None, it should return {what}: is a `return` missing?")
    if not isinstance(out, (tuple, list)) or len(out) < n_min:
        got = f"a {type(out).__name__} of {len(out)}" if isinstance(out, (tuple, list)) \
            else summary(out)
        chk.fail(f"it should return {what}, got {got}")
    return out


def shape(chk, a, want, what, why=""):
    __tracebackhide__ = True
    if a.shape != tuple(want):
        chk.fail(f"{what} should have shape {tuple(want)}{why}, got {a.shape}")


# ---------------------------------------------------------------- comparing

def same(x, y, tol=MATCH_TOL):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return x.shape == y.shape and bool(np.all(np.isfinite(x))) and norm_rel_error(x, y) < tol


def diagnose(got, variants):
    """The hint of the first known mistake whose output equals `got`, or None."""
    for value, hint in variants:
        if same(got, value):
            return hint
    return None


def grad_check(chk, got, num, candidates, name):
    """Fail, naming the gradient `name`, with the hint of the known mistake that `got` matches
    or with the relative error, unless `got` agrees with the numerical gradient `num`."""
    __tracebackhide__ = True
    got = np.asarray(got, dtype=np.float64)
    err = norm_rel_error(got, num) if np.isfinite(got).all() else np.inf
    if err > GRAD_TOL:
        hint = diagnose(got, candidates) or (
            f"disagrees with the numerical gradient (relative error {err:.1e}, should be below "
            f"{GRAD_TOL:.0e}); the other gradients checked so far agree")
        chk.fail(f"{name}: {hint}")
    chk.ok()


def cache_check(chk, run_backward, mine, reference, what):
    """A forward's cache is right when the course's backward, run on it, gives the gradients it
    gives on the reference cache. run_backward(cache) -> tuple of gradients; `what` describes
    the expected layout for the hint."""
    __tracebackhide__ = True
    want = run_backward(reference)
    try:
        with np.errstate(all="ignore"):
            got = run_backward(mine)
    except Exception as e:
        chk.fail(f"the cache cannot be read by the course's backward pass ({type(e).__name__}: "
                 f"{e}); it should be {what}")
    if not all(same(g, w) for g, w in zip(got, want)):
        chk.fail(f"the values returned are right, but the cache gives wrong gradients when the "
                 f"backward pass reads it: it should be {what}, holding the values after each "
                 "activation")
    chk.ok()


# ---------------------------------------------------------------- small references

def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def softmax_ref(z, axis=-1):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def entropy_ref(p):
    p = np.asarray(p, dtype=np.float64)
    return float(-(p * np.log(np.where(p > 0, p, 1.0))).sum())
