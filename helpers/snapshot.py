"""Save and load a trained RNN as a .npz of plain arrays (no pickles) with validation.

A char-model snapshot holds the parameters of its cell (helpers.cells: 'rnn' Wxh (H, D),
Whh (H, H), bh (H,), Why (V, H), by (V,); 'lstm' Wx, Wh, b, Why, by; 'gru' Wx, Wh, bx, bh,
Why, by), the vocabulary (one string per id, in id order, in 'vocab'; its unknown symbol, if
any, in 'vocab_unk') and a JSON string of settings and results (in 'meta'), whose "cell" names
the cell (a snapshot without it is a vanilla 'rnn'). Loading uses allow_pickle=False and checks
every key and shape before returning; saving refuses what loading would refuse, so a snapshot
round-trips exactly or is not written.
"""
import json
import os
import zipfile

import numpy as np

from .cells import CELLS, cell_of, get_cell
from .text import Vocab
from .validate import check_output_path, check_params



RESERVED = ("vocab", "vocab_unk", "meta")   # the names under which a snapshot stores the rest


def save_snapshot(path, params, vocab, meta=None, keys=None):
    """Write params (dict name -> array), the Vocab and a JSON-able meta dict to `path`.

    keys None: a char model (a cell of helpers.cells), checked as load_snapshot will check it
    (every parameter, its shape against the vocabulary, finite); meta records the cell as
    "cell". keys a tuple: another kind of model (helpers.seq2seq), which must hold these arrays.
    What load_snapshot would refuse is refused here, before anything is written, so a saved
    snapshot loads as itself: the same arrays, the vocabulary in its order with its unknown
    symbol, and meta as JSON gives it back (tuples come back as lists). The file written is
    `path` itself (it must end in .npz: see helpers.validate.check_output_path).
    """
    path = check_output_path(path)
    check_params(params, ())
    if not params:
        raise ValueError("params is empty: a snapshot needs the model's parameters")
    if not isinstance(vocab, Vocab):
        raise ValueError(f"vocab must be a helpers.text.Vocab, got {type(vocab).__name__}")
    if meta is not None and not isinstance(meta, dict):
        raise ValueError(f"meta must be a dict of JSON-able settings, got {type(meta).__name__}")
    arrays = {}
    for k, v in params.items():
        if not isinstance(k, str) or k in RESERVED:
            raise ValueError(f"parameter names must be strings other than {list(RESERVED)} "
                             f"(the snapshot stores the vocabulary and meta under those), got {k!r}")
        arrays[k] = np.asarray(v)
        if arrays[k].dtype == object:
            raise ValueError(f"parameter {k!r} is an object array; snapshots hold plain arrays")
        _check_float_finite(k, arrays[k])
    meta = dict(meta or {})
    if keys is None:
        try:
            cell = cell_of(params)
        except ValueError:      # not a cell's arrays: check_cell_shapes names what is wrong
            cell = None
        if cell is not None and meta.get("cell", cell) != cell:
            raise ValueError(f"meta says cell {meta['cell']!r} but params hold a {cell!r} model")
        meta["cell"] = cell or meta.get("cell", "rnn")
        check_cell_shapes(arrays, len(vocab), meta["cell"])
    else:
        missing = [k for k in keys if k not in arrays]
        if missing:
            raise ValueError(f"params is missing {missing}; this model needs {list(keys)}")
    arrays["vocab"] = _strings(vocab.itos, "the vocabulary's symbols")
    # [] for no unknown symbol, [unk] otherwise: unk='' is a symbol too, and must survive
    arrays["vocab_unk"] = _strings([] if vocab.unk is None else [vocab.unk], "the unknown symbol")
    try:
        arrays["meta"] = np.array(json.dumps(meta, sort_keys=True), dtype=str)
    except (TypeError, ValueError) as e:
        raise ValueError(f"meta must hold JSON-able values (str, int, float, bool, None, lists "
                         f"and dicts of them; use float(x) for a NumPy number): {e}") from None
    np.savez(path, **arrays)


def _strings(symbols, what):
    """A 1-D str array holding exactly `symbols` (NumPy drops trailing NUL characters)."""
    a = np.array(symbols, dtype=str)
    if a.tolist() != list(symbols):
        raise ValueError(f"{what} cannot be stored as a string array exactly (a symbol ending "
                         f"in the NUL character '\\x00'?)")
    return a


def _check_float_finite(name, a):
    if not np.issubdtype(a.dtype, np.floating) or not np.isfinite(a).all():
        raise ValueError(f"{name} must be a finite floating-point array, got dtype {a.dtype}"
                         + (f" with {int(np.sum(~np.isfinite(a)))} NaN or inf"
                            if np.issubdtype(a.dtype, np.floating) else ""))


def check_cell_shapes(params, vocab_size, cell):
    """Raise ValueError unless params hold exactly the arrays of a `cell` char model
    ('rnn', 'lstm' or 'gru') over vocab_size symbols, with consistent shapes, finite
    (the shapes through helpers.cells' Cell.check_params)."""
    if not isinstance(cell, str) or cell not in CELLS:
        raise ValueError(f"the snapshot's cell is {cell!r}; known cells are {list(CELLS)}")
    c = get_cell(cell)
    missing = [k for k in c.param_names if k not in params]
    if missing:
        raise ValueError(f"snapshot is missing {missing}; an {cell!r} snapshot needs "
                         f"{list(c.param_names)}")
    Why = np.shape(params["Why"])
    if len(Why) == 2 and Why[0] != vocab_size:
        raise ValueError(f"Why has shape {Why}, expected ({vocab_size}, {Why[1]}): one row per "
                         f"symbol of the vocabulary")
    c.check_params(params)                 # exact keys, shapes consistent with Why (V, H)
    for k in c.param_names:
        _check_float_finite(k, params[k])


def _load_vocab(symbols, unk):
    """The stored vocabulary, ids in the stored order (never re-sorted: the weights' rows
    follow it). unk: a 1-D array of none or one symbol; a 0-d '' in older snapshots is none."""
    if symbols.ndim != 1 or symbols.dtype.kind != "U" or symbols.size == 0:
        raise ValueError(f"the snapshot's vocab must be a non-empty 1-D array of strings (one "
                         f"symbol per id), got shape {symbols.shape} of dtype {symbols.dtype}")
    if unk.dtype.kind != "U" or unk.ndim > 1 or (unk.ndim == 1 and unk.size > 1):
        raise ValueError(f"the snapshot's vocab_unk must hold at most one string, got shape "
                         f"{unk.shape} of dtype {unk.dtype}")
    unk = (str(unk) or None) if unk.ndim == 0 else (str(unk[0]) if unk.size else None)
    return Vocab.from_symbols(symbols.tolist(), unk=unk)


def load_snapshot(path, keys=None):
    """-> params (dict), vocab (Vocab), meta (dict). Raises ValueError on a bad file.

    keys None: a char model; the cell named in meta["cell"] (default 'rnn') says which arrays
    and shapes it must hold (check_cell_shapes). keys a tuple: the snapshot must hold them
    (another kind of model, e.g. helpers.seq2seq), checked by its own loader."""
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    if not os.path.isfile(path):
        raise ValueError(f"{path}: no such snapshot file (give the path of a .npz written by "
                         f"save_snapshot)")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path}: not a readable .npz snapshot (not a zip archive of arrays)")
    try:
        with np.load(path, allow_pickle=False) as f:
            data = {k: f[k] for k in f.files}
    except ValueError as e:  # numpy's message for object arrays
        raise ValueError(f"{path}: contains pickled (object) data, which is not loaded for "
                         f"safety; snapshots must hold plain numeric and string arrays ({e})") from None
    except (OSError, EOFError, KeyError, zipfile.BadZipFile) as e:
        raise ValueError(f"{path}: not a readable .npz snapshot ({e})") from None
    for k in ("vocab", "meta"):
        if k not in data:
            raise ValueError(f"{path}: snapshot is missing {k!r}")
    try:
        vocab = _load_vocab(data.pop("vocab"), data.pop("vocab_unk", np.array("")))
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    try:
        meta = json.loads(str(data.pop("meta")))
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: the snapshot's meta is not valid JSON ({e})") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: the snapshot's meta must be a JSON object, got {type(meta).__name__}")
    if keys is None:
        try:
            check_cell_shapes(data, len(vocab), meta.get("cell", "rnn"))
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
        return data, vocab, meta
    missing = [k for k in keys if k not in data]
    if missing:
        raise ValueError(f"{path}: snapshot is missing {missing}; it needs {list(keys)}")
    return data, vocab, meta
