"""helpers.recall: the recall task's data, and that its trainer learns (a short gap, few steps)."""
import numpy as np
import pytest

from helpers import recall


def test_batch_layout():
    x, y, mask = recall.make_batch(50, 7, np.random.default_rng(0), n_symbols=5, n_distractors=3)
    assert x.shape == y.shape == mask.shape == (50, 7)
    assert np.all(x[:, 0] < 5), "first symbol is one to remember"
    assert np.all((x[:, 1:-1] >= 5) & (x[:, 1:-1] < 8)), "then distractors only"
    assert np.all(x[:, -1] == 8), "then the query"
    assert np.array_equal(y[:, -1], x[:, 0]) and np.all(y[:, :-1] == 0)
    assert mask[:, -1].all() and not mask[:, :-1].any()
    assert len(recall.vocabulary(5, 3)) == 9 and recall.vocabulary(5, 3)[-1] == "?"
    again = recall.make_batch(50, 7, np.random.default_rng(0), n_symbols=5, n_distractors=3)
    assert np.array_equal(x, again[0]), "same seed, same batch"
    assert len(np.unique(x[:, 0])) == 5


def test_gap_zero():
    x, y, _ = recall.make_batch(4, 2, np.random.default_rng(1))
    assert x.shape == (4, 2) and np.array_equal(y[:, 1], x[:, 0])


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_training_learns_a_short_gap(cell):
    params = recall.init_params(cell, hidden_size=16, seed=0)
    hist = recall.train(params, seq_len=4, steps=150, batch_size=32, learning_rate=0.02, seed=0)
    assert [r["step"] for r in hist] == [50, 100, 150]
    assert hist[-1]["loss"] < hist[0]["loss"]
    acc = recall.accuracy(cell, params, 4, n=400, seed=5)
    assert acc > 0.9, f"{cell} should recall across a gap of 2 after 150 steps, got {acc:.2f}"
    again = recall.init_params(cell, hidden_size=16, seed=0)
    recall.train(again, seq_len=4, steps=150, batch_size=32, learning_rate=0.02, seed=0)
    assert all(np.array_equal(params[k], again[k]) for k in params), "same seed, same weights"


def test_curriculum_lengths_vary():
    params = recall.init_params("rnn", hidden_size=4, seed=0)
    recall.train(params, seq_len=6, min_seq_len=2, steps=3, seed=0)   # lengths 2..6 all run


@pytest.mark.parametrize("kwargs, message", [
    (dict(seq_len=1), "seq_len"), (dict(min_seq_len=9), "min_seq_len"), (dict(steps=0), "steps"),
    (dict(n_symbols=1), "n_symbols"), (dict(n_distractors=0), "n_distractors"),
    (dict(n_symbols=5), "params are for 13 symbols"), (dict(learning_rate=-1.0), "learning_rate"),
    (dict(max_norm=0), "max_norm"), (dict(seed=True), "seed")])
def test_bad_settings(kwargs, message):
    params = recall.init_params("lstm", hidden_size=3, seed=0)
    with pytest.raises(ValueError, match=message):
        recall.train(params, **{**dict(seq_len=5, steps=1, seed=0), **kwargs})


def test_bad_batch():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="seq_len"):
        recall.make_batch(3, 1, rng)
    with pytest.raises(ValueError, match="batch_size"):
        recall.make_batch(0, 3, rng)
    with pytest.raises(ValueError, match="Generator"):
        recall.make_batch(3, 3, 0)
    with pytest.raises(ValueError, match="cell"):
        recall.init_params("transformer")
    with pytest.raises(ValueError, match="the parameters of no known cell"):
        recall.train({"W": np.zeros(3)}, seq_len=3, steps=1, seed=0)
