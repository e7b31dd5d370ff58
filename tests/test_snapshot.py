"""Snapshots load as themselves: every model type of the course, saved with an odd vocabulary,
comes back with the same ids, symbols, unknown symbol, cell and arrays; what would not come
back so is refused before anything is written."""
import numpy as np
import pytest

from helpers import char_rnn, seq2seq
from helpers.snapshot import load_snapshot, save_snapshot
from helpers.text import Vocab

TEXT = "the cat sat: on the mat\n"


def odd_vocabularies(base):
    """Vocabularies whose ids a re-sorting loader would get wrong."""
    chars = sorted(set(base))
    return {"reversed": Vocab.from_symbols(chars[::-1]),
            "unk-real-char": Vocab(base, unk="t"),          # 't' moves to id 0
            "unk-empty": Vocab(base, unk=""),                # '' is a symbol, id 0
            "shuffled-unk": Vocab.from_symbols(chars[1:] + chars[:1], unk=chars[0])}


def same_vocab(a, b):
    return a.itos == b.itos and a.unk == b.unk and a.stoi == b.stoi


@pytest.mark.parametrize("kind", ["reversed", "unk-real-char", "unk-empty", "shuffled-unk"])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_char_models_round_trip_with_odd_vocabularies(tmp_path, cell, kind):
    vocab = odd_vocabularies(TEXT)[kind]
    p = char_rnn.init_params(len(vocab), 6, seed=1, cell=cell)
    path = tmp_path / "m.npz"
    save_snapshot(path, p, vocab, {"note": [1, "x"]})
    q, v2, meta = load_snapshot(path)
    assert [f.name for f in tmp_path.iterdir()] == ["m.npz"]
    assert same_vocab(v2, vocab) and meta == {"note": [1, "x"], "cell": cell}
    assert set(q) == set(p) and all(q[k].dtype == p[k].dtype and np.array_equal(q[k], p[k])
                                    for k in p)
    # the same ids mean the same symbols: the model samples the same text from the same seed
    prime = "the"
    a = char_rnn.sample(p, vocab, 30, np.random.default_rng(0), prime=prime)
    assert a == char_rnn.sample(q, v2, 30, np.random.default_rng(0), prime=prime)
    if vocab.unk is not None:
        assert v2.encode("Z")[0] == vocab.stoi[vocab.unk]


@pytest.mark.parametrize("kind", ["reversed", "unk-real-char", "unk-empty"])
@pytest.mark.parametrize("attention", [False, True])
def test_seq2seq_models_round_trip_with_odd_vocabularies(tmp_path, attention, kind):
    words = ["abc", "cab", "bca"]
    base = seq2seq.make_vocab(words)
    vocab = {"reversed": Vocab.from_symbols(base.itos[::-1]),
             "unk-real-char": Vocab("".join(base.itos), unk="b"),
             "unk-empty": Vocab("".join(base.itos), unk="")}[kind]
    m = seq2seq.Seq2Seq(vocab, hidden_size=5, max_len=4, attention=attention, seed=3)
    m.save(tmp_path / "m.npz", {"note": "x"})
    m2 = seq2seq.Seq2Seq.load(tmp_path / "m.npz")
    assert same_vocab(m2.vocab, vocab) and m2.attention == attention and m2.max_len == 4
    assert m2.meta["hidden_size"] == 5 and m2.meta["note"] == "x"
    assert set(m2.params) == set(m.params)
    assert all(np.array_equal(m.params[k], m2.params[k]) for k in m.params)
    assert m2.translate(words) == m.translate(words)
    assert m2.loss(words, words) == m.loss(words, words)


def test_snapshots_without_vocab_unk_in_the_new_form_still_load(tmp_path):
    """The shipped snapshots store no unknown symbol as a 0-d '' (older form)."""
    vocab = Vocab.from_text("ab:")
    p = char_rnn.init_params(3, 4, seed=0)
    np.savez(tmp_path / "old.npz", **p, vocab=np.array(vocab.itos), vocab_unk=np.array(""),
             meta=np.array("{}"))
    _, v2, meta = load_snapshot(tmp_path / "old.npz")
    assert same_vocab(v2, vocab) and v2.unk is None


# ---------------------------------------------------------------- what save refuses

def rnn(V=3, H=4):
    return char_rnn.init_params(V, H, seed=0, dtype=np.float64)


VOCAB = Vocab.from_text("ab:")


@pytest.mark.parametrize("case, fragment", [
    (lambda p: p.pop("Whh"), r"missing \['Whh'\]"),
    (lambda p: p.update(Why=np.zeros((5, 4))), r"Why has shape \(5, 4\), expected \(3, 4\)"),
    (lambda p: p["bh"].__setitem__(0, np.nan), "bh must be a finite floating-point array"),
    (lambda p: p.update(by=np.zeros(3, dtype=int)), "by must be a finite floating-point array"),
    (lambda p: p.update(vocab=np.zeros(3)), "parameter names must be strings other than"),
    (lambda p: p.update(bh=np.array([{}] * 4, dtype=object)), "object array"),
    (lambda p: p.clear(), "params is empty"),
], ids=["missing", "shape", "nan", "int", "named-vocab", "object", "empty"])
def test_save_refuses_what_load_would_refuse_and_writes_nothing(tmp_path, case, fragment):
    p = rnn()
    case(p)
    with pytest.raises(ValueError, match=fragment):
        save_snapshot(tmp_path / "m.npz", p, VOCAB)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path, fragment", [
    ("m", "must end in .npz"), ("m.NPZ", "must end in .npz"), ("/proc/m.npz", "system folder"),
    ("/sys/m.npz", "system folder"), ("/no/such/dir/m.npz", "does not exist"),
])
def test_save_writes_the_path_given_or_says_why_not(tmp_path, monkeypatch, path, fragment):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=fragment):
        save_snapshot(path, rnn(), VOCAB)
    assert list(tmp_path.iterdir()) == []


def test_save_refuses_meta_that_json_cannot_hold(tmp_path):
    with pytest.raises(ValueError, match="JSON-able"):
        save_snapshot(tmp_path / "m.npz", rnn(), VOCAB, {"loss": np.float32(1.5)})
    with pytest.raises(ValueError, match="meta says cell 'lstm'"):
        save_snapshot(tmp_path / "m.npz", rnn(), VOCAB, {"cell": "lstm"})


def test_seq2seq_save_refuses_bad_weights_and_load_checks_meta(tmp_path):
    m = seq2seq.Seq2Seq(seq2seq.make_vocab(["ab"]), hidden_size=3, max_len=3, attention=True)
    m.params["Wc"][0, 0] = np.inf
    with pytest.raises(ValueError, match="Wc must be finite"):
        m.save(tmp_path / "m.npz")
    m.params["Wc"][0, 0] = 0.0
    m.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as f:
        arrays = {k: f[k] for k in f.files}
    cases = {"no-Wc": ({k: v for k, v in arrays.items() if k != "Wc"}, r"missing \['Wc'\]"),
             "nan": (dict(arrays, enc_bh=np.full(3, np.nan)), "enc_bh must be finite"),
             "Wc-shape": (dict(arrays, Wc=arrays["Wc"][:, :2]), r"Wc has shape \(3, 2\), expected \(3, 6\)"),
             "hidden": (dict(arrays, meta=np.array('{"max_len": 3, "hidden_size": 4, '
                                                    '"attention": true}')), "hidden_size is 4"),
             "max_len": (dict(arrays, meta=np.array('{"max_len": true}')), "max_len must be an integer"),
             "vocab-2d": (dict(arrays, vocab=arrays["vocab"][None]), "1-D array of strings"),
             "vocab-num": (dict(arrays, vocab=np.arange(len(arrays["vocab"]))), "1-D array of strings"),
             "vocab-twice": (dict(arrays, vocab=np.array(["a"] * len(arrays["vocab"]))), "appear once")}
    for name, (data, fragment) in cases.items():
        np.savez(tmp_path / f"{name}.npz", **data)
        with pytest.raises(ValueError, match=fragment):
            seq2seq.Seq2Seq.load(tmp_path / f"{name}.npz")


def test_load_refuses_damaged_char_snapshots(tmp_path):
    p = rnn()
    base = dict(p, vocab=np.array(VOCAB.itos), meta=np.array("{}"))
    cases = {"vocab-2d": (dict(base, vocab=np.array([VOCAB.itos])), "1-D array of strings"),
             "vocab-numbers": (dict(base, vocab=np.arange(3)), "1-D array of strings"),
             "unk-outside": (dict(base, vocab_unk=np.array(["z"])), "must be one of the symbols"),
             "nan": (dict(base, Whh=np.full((4, 4), np.nan)), "Whh must be a finite"),
             "extra": (dict(base, extra=np.zeros(2)), "got extra"),
             "cell-number": (dict(base, meta=np.array('{"cell": 3}')), "known cells are")}
    for name, (data, fragment) in cases.items():
        np.savez(tmp_path / f"{name}.npz", **data)
        with pytest.raises(ValueError, match=fragment):
            load_snapshot(tmp_path / f"{name}.npz")


def test_not_a_snapshot(tmp_path):
    (tmp_path / "x.npz").write_text("hello")
    with pytest.raises(ValueError, match="not a readable"):
        load_snapshot(tmp_path / "x.npz")
