"""Save and load a trained RNN as a .npz of plain arrays (no pickles) with validation.

A snapshot holds Wxh (H, D), Whh (H, H), bh (H,), Why (V, H), by (V,), the vocabulary
(one string per id, in 'vocab') and a JSON string of settings and results (in 'meta').
Loading uses allow_pickle=False and checks every key and shape before returning.
"""
import json
import os
import zipfile

import numpy as np

from .text import Vocab
from .validate import check_params

RNN_KEYS = ("Wxh", "Whh", "bh", "Why", "by")


def save_snapshot(path, params, vocab, meta=None):
    """Write params (dict name -> array), the Vocab and a JSON-able meta dict to `path`."""
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
    arrays["meta"] = np.array(json.dumps(meta or {}, sort_keys=True), dtype=str)
    np.savez(path, **arrays)


def check_rnn_shapes(params, vocab_size):
    """Raise ValueError unless params hold a vanilla RNN with consistent shapes."""
    missing = [k for k in RNN_KEYS if k not in params]
    if missing:
        raise ValueError(f"snapshot is missing {missing}; an RNN snapshot needs {list(RNN_KEYS)}")
    H = params["Whh"].shape[0] if params["Whh"].ndim == 2 else -1
    D = params["Wxh"].shape[1] if params["Wxh"].ndim == 2 else -1
    expected = {"Wxh": (H, D), "Whh": (H, H), "bh": (H,), "Why": (vocab_size, H),
                "by": (vocab_size,)}
    for k, shape in expected.items():
        if params[k].shape != shape or H <= 0:
            raise ValueError(f"{k} has shape {params[k].shape}, expected {shape} "
                             f"(H={H} hidden units, V={vocab_size} symbols in the vocabulary)")
        if not np.issubdtype(params[k].dtype, np.floating) or not np.isfinite(params[k]).all():
            raise ValueError(f"{k} must be a finite floating-point array")


def load_snapshot(path, keys=RNN_KEYS):
    """-> params (dict), vocab (Vocab), meta (dict). Raises ValueError on a bad file."""
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
    missing = [k for k in keys if k not in data]
    if missing:
        raise ValueError(f"{path}: snapshot is missing {missing}; it needs {list(keys)}")
    if tuple(keys) == RNN_KEYS:
        check_rnn_shapes(data, len(vocab))
    return data, vocab, meta
