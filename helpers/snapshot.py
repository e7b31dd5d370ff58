"""Save and load a trained RNN as a .npz of plain arrays (no pickles) with validation.

A char-model snapshot holds the parameters of its cell (helpers.cells: 'rnn' Wxh (H, D),
Whh (H, H), bh (H,), Why (V, H), by (V,); 'lstm' Wx, Wh, b, Why, by; 'gru' Wx, Wh, bx, bh,
Why, by), the vocabulary (one string per id, in 'vocab') and a JSON string of settings and
results (in 'meta'), whose "cell" names the cell (a snapshot without it is a vanilla 'rnn').
Loading uses allow_pickle=False and checks every key and shape before returning.
"""
import json
import os
import zipfile

import numpy as np

from .cells import cell_of, get_cell
from .text import Vocab
from .validate import check_params


def save_snapshot(path, params, vocab, meta=None):
    """Write params (dict name -> array), the Vocab and a JSON-able meta dict to `path`.

    If params are those of a char-model cell of helpers.cells, meta records it as "cell"."""
    check_params(params, ())
    if not isinstance(vocab, Vocab):
        raise ValueError(f"vocab must be a helpers.text.Vocab, got {type(vocab).__name__}")
    if meta is not None and not isinstance(meta, dict):
        raise ValueError(f"meta must be a dict of JSON-able settings, got {type(meta).__name__}")
    arrays = {k: np.asarray(v) for k, v in params.items()}
    for k, a in arrays.items():
        if a.dtype == object:
            raise ValueError(f"parameter {k!r} is an object array; snapshots hold plain arrays")
    arrays["vocab"] = np.array(vocab.itos, dtype=str)
    arrays["vocab_unk"] = np.array("" if vocab.unk is None else vocab.unk, dtype=str)
    meta = dict(meta or {})
    try:
        cell = cell_of(params)
    except ValueError:          # another kind of model (e.g. helpers.seq2seq): no "cell"
        cell = None
    if cell is not None:
        if meta.get("cell", cell) != cell:
            raise ValueError(f"meta says cell {meta['cell']!r} but params hold a {cell!r} model")
        meta["cell"] = cell
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True), dtype=str)
    np.savez(path, **arrays)


def check_cell_shapes(params, vocab_size, cell):
    """Raise ValueError unless params hold exactly the arrays of a `cell` char model
    ('rnn', 'lstm' or 'gru') over vocab_size symbols, with consistent shapes, finite."""
    c = get_cell(cell)                     # ValueError naming the known cells
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
        if not np.issubdtype(params[k].dtype, np.floating) or not np.isfinite(params[k]).all():
            raise ValueError(f"{k} must be a finite floating-point array")


def load_snapshot(path, keys=None):
    """-> params (dict), vocab (Vocab), meta (dict). Raises ValueError on a bad file.

    keys None: a char model; the cell named in meta["cell"] (default 'rnn') says which arrays
    and shapes it must hold (check_cell_shapes). keys a tuple: the snapshot must hold them
    (another kind of model, e.g. helpers.seq2seq), checked by its own loader."""
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
    unk = str(data.pop("vocab_unk", "")) or None
    vocab = Vocab([str(s) for s in data.pop("vocab")], unk=unk)
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
