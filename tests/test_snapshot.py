import numpy as np
import pytest

from helpers.snapshot import load_snapshot, save_snapshot
from helpers.text import Vocab


def rnn_params(H=4, V=3, seed=0):
    rng = np.random.default_rng(seed)
    return {"Wxh": rng.standard_normal((H, V)), "Whh": rng.standard_normal((H, H)),
            "bh": np.zeros(H), "Why": rng.standard_normal((V, H)), "by": np.zeros(V)}


def test_roundtrip(tmp_path):
    p, vocab = rnn_params(), Vocab.from_text("ab:")
    save_snapshot(tmp_path / "m.npz", p, vocab, {"hidden": 4, "val_loss": 1.5})
    q, v2, meta = load_snapshot(tmp_path / "m.npz")
    assert v2.itos == vocab.itos and meta == {"hidden": 4, "val_loss": 1.5, "cell": "rnn"}
    for k in p:
        np.testing.assert_array_equal(p[k], q[k])


def test_missing_key(tmp_path):
    p = rnn_params()
    del p["Whh"]
    save_snapshot(tmp_path / "m.npz", p, Vocab.from_text("ab:"))
    with pytest.raises(ValueError, match=r"missing \['Whh'\]"):
        load_snapshot(tmp_path / "m.npz")


def test_wrong_shape(tmp_path):
    p = rnn_params()
    p["Why"] = np.zeros((5, 4))  # 5 outputs but 3 symbols in the vocabulary
    save_snapshot(tmp_path / "m.npz", p, Vocab.from_text("ab:"))
    with pytest.raises(ValueError, match=r"Why has shape \(5, 4\), expected \(3, 4\)"):
        load_snapshot(tmp_path / "m.npz")


def test_object_array_is_refused(tmp_path):
    p = rnn_params()
    p["bh"] = np.array([{"evil": 1}] * 4, dtype=object)
    arrays = dict(p, vocab=np.array(["a", "b", ":"]), meta=np.array("{}"))
    np.savez(tmp_path / "m.npz", **arrays)  # written by hand: save_snapshot refuses it too
    with pytest.raises(ValueError, match="pickled"):
        load_snapshot(tmp_path / "m.npz")
    with pytest.raises(ValueError, match="object array"):
        save_snapshot(tmp_path / "n.npz", p, Vocab.from_text("ab:"))


def test_not_a_snapshot(tmp_path):
    (tmp_path / "x.npz").write_text("hello")
    with pytest.raises(ValueError, match="not a readable"):
        load_snapshot(tmp_path / "x.npz")
