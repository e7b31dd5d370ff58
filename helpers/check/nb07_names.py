"""Notebook 07's checks: bigram counts (07.1), a padded batch (07.2)."""
import numpy as np

from .core import Check, call, array, shape, tuple_of


BIGRAM_NAMES = ["emma", "ava", "ananya", "bob", "li"]


def _bigram_ref(names):
    symbols = "\n" + "abcdefghijklmnopqrstuvwxyz"
    C = np.zeros((27, 27), dtype=np.intp)
    for name in names:
        s = "\n" + name + "\n"
        for a, b in zip(s, s[1:]):
            C[symbols.index(a), symbols.index(b)] += 1
    return C


def bigram_counts(count):
    """Exercise: count(names) -> C (27, 27), C[a, b] = how often symbol b follows symbol a in
    '\\n' + name + '\\n' over all names; ids of names_vocab(): '\\n' is 0, 'a'..'z' are 1..26."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("bigram counts")
    symbols = "\n" + "abcdefghijklmnopqrstuvwxyz"
    names = list(BIGRAM_NAMES)
    C = array(chk, call(chk, count, names), "C")
    shape(chk, C, (27, 27), "C", " = (V, V): one row per previous symbol, one column per next")
    chk.ok()

    chk.require(np.isfinite(C).all() and (C >= 0).all() and np.array_equal(C, np.round(C)),
                "counts should be whole numbers >= 0")
    chk.ok()

    want = _bigram_ref(names)
    total, lengths = C.sum(), [len(n) for n in names]
    if total != want.sum():
        if np.array_equal(C, want > 0):
            chk.fail("every pair is counted at most once: C[a, b] = 1 sets the count; add one "
                     "for each occurrence (C[a, b] += 1)")
        if total == sum(L - 1 for L in lengths):
            chk.fail("only the pairs inside each name are counted: frame each name with '\\n' at "
                     "both ends, so that its start and its end are counted too")
        if total == sum(lengths):
            if C[0].sum() == 0:
                chk.fail("the start of a name is not counted: the first letter follows '\\n'")
            if C[:, 0].sum() == 0:
                chk.fail("the end of a name is not counted: '\\n' follows the last letter")
        a, n = symbols.index("a"), symbols.index("n")
        if C[a, n] == want[a, n] - 1:
            chk.fail("a pair that occurs twice in one name ('an' in 'ananya') is counted once: "
                     "with fancy indexing, += adds only once per repeated index; count pair by "
                     "pair (a loop, or np.add.at)")
        chk.fail(f"there should be one count per adjacent pair of '\\n' + name + '\\n', "
                 f"{int(want.sum())} for these {len(names)} names; yours add up to {total:g}")
    chk.ok()

    if not np.array_equal(C, want):
        if np.array_equal(C, want.T):
            chk.fail("C is transposed: C[a, b] counts b following a (row = previous symbol, "
                     "column = next symbol)")
        i, j = np.argwhere(C != want)[0]
        chk.fail(f"wrong count for the pair {symbols[i]!r} -> {symbols[j]!r}: "
                 f"{int(want[i, j])} in these names, yours says {C[i, j]:g}")
    chk.ok()

    one = array(chk, call(chk, count, ["a"]), "C")
    chk.require(one.sum() == 2 and one[0, 1] == 1 and one[1, 0] == 1,
                "for the single name 'a' C should hold exactly '\\n' -> 'a' and 'a' -> '\\n'")
    chk.ok()
    chk.done()


def pad_batch(pad):
    """Exercise: pad(names) -> x (N, T), y (N, T), mask (N, T) with T = longest name + 1:
    x[n] = '\\n' + name, y[n] = name + '\\n' as ids of names_vocab() ('\\n' is 0, 'a'..'z'
    1..26), padded at the end; mask True at the len(name) + 1 real positions."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("padded batch")
    symbols = "\n" + "abcdefghijklmnopqrstuvwxyz"
    names = ["ava", "christopher", "li"]
    N, T = len(names), max(map(len, names)) + 1
    out = tuple_of(chk, call(chk, pad, names), 3, "(x, y, mask)")
    x, y, mask = (array(chk, a, what, dtype=None) for a, what in zip(out[:3], ("x", "y", "mask")))
    for a, what in ((x, "x"), (y, "y"), (mask, "mask")):
        if a.shape == (N, T - 1):
            chk.fail(f"{what} has shape {a.shape}; with the '\\n' that starts (x) or ends (y) "
                     f"each name, T is the longest name + 1 = {T}")
        shape(chk, a, (N, T), what, " (N, T) with T = longest name + 1")
    for a, what in ((x, "x"), (y, "y")):
        chk.require(np.issubdtype(a.dtype, np.integer), f"{what} should hold integer ids (an "
                    f"index into the vocabulary), got dtype {a.dtype}: make it with dtype=np.intp")
    chk.require(np.isin(mask, (0, 1)).all(), "mask should be True/False (or 1/0)")
    mask = mask.astype(bool)
    chk.ok()

    lengths = np.array([len(n) + 1 for n in names])
    if not np.array_equal(mask.sum(axis=1), lengths):
        if np.array_equal(mask.sum(axis=1), lengths - 1):
            chk.fail("the mask leaves out one position per name: the final '\\n' is a real "
                     "target too (a name of n letters has n + 1 targets)")
        chk.fail("mask should be True at the first len(name) + 1 positions of each row, False after")
    chk.require(np.array_equal(mask, np.arange(T) < lengths[:, None]),
                "mask should be True at the first len(name) + 1 positions of each row, False after")
    chk.ok()

    enc = lambda s: [symbols.index(ch) for ch in s]
    for n, name in enumerate(names):
        L = len(name) + 1
        xs, ys = list(x[n, :L]), list(y[n, :L])
        if xs == enc(name + "\n") and ys == enc("\n" + name):
            chk.fail("x and y are swapped: x, the input, starts with '\\n'; y, the target, ends with it")
        if xs != enc("\n" + name):
            chk.fail(f"x for {name!r} should be the ids of '\\n' + name; check the start "
                     "symbol and the vocabulary's ids ('\\n' is 0, 'a' is 1)")
        if ys != enc(name + "\n"):
            chk.fail(f"y for {name!r} should be the ids of name + '\\n': x shifted by one, "
                     "ending with '\\n'")
    chk.ok()

    for a, what in ((x, "x"), (y, "y")):
        pads = np.unique(a[~mask])
        shown = pads[:5].tolist() + (["..."] if len(pads) > 5 else [])
        chk.require(np.array_equal(pads, [0]), f"{what} holds {shown} at padded "
                    "positions: pad with id 0 (that of '\\n'), which the course's loss expects "
                    "(the mask keeps it out of the loss)")
    chk.ok()
    chk.done()
