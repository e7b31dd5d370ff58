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
