import math

import numpy as np
import pytest

from helpers import char_rnn
from helpers.names import (bigram_counts, bigram_loss, check_names, fit_bigram, load_names,
                           names_vocab, pad_batch, sample_bigram, sample_stats, seen_bigrams,
                           split_names, train)
from helpers.optim import TrainingDiverged
from helpers.text import Vocab


def test_vocab_is_newline_then_letters():
    v = names_vocab()
    assert len(v) == 27 and v["\n"] == 0 and v["a"] == 1 and v["z"] == 26


def test_load_names_reads_the_data():
    names = load_names()
    assert len(names) == 5163 and names[:2] == ["aaron", "abbey"]
    assert len(set(names)) == len(names)


def test_pad_batch_frames_pads_and_masks():
    v = names_vocab()
    x, y, mask = pad_batch(["ab", "c"], v)
    nl, a, b, c = (v[s] for s in "\nabc")
    np.testing.assert_array_equal(x, [[nl, a, b], [nl, c, nl]])
    np.testing.assert_array_equal(y, [[a, b, nl], [c, nl, nl]])
    np.testing.assert_array_equal(mask, [[True, True, True], [True, True, False]])
    assert x.dtype == np.int64 and mask.dtype == bool
    assert v.decode(x[0]) == "\nab" and v.decode(y[0]) == "ab\n"


def test_padding_does_not_change_the_loss():
    # The masked loss of a padded batch is the per-character mean over the names run alone.
    v = names_vocab()
    p = char_rnn.init_params(len(v), 8, seed=3, dtype=np.float64, scale=0.5)
    names = ["bob", "anastasia", "li"]
    x, y, mask = pad_batch(names, v)
    batch_loss, _, _ = char_rnn.loss_and_grads(p, x, y, mask=mask)
    total = 0.0
    for n in names:
        xi, yi, mi = pad_batch([n], v)
        assert mi.all()
        total += char_rnn.loss_and_grads(p, xi, yi)[0] * (len(n) + 1)
    assert batch_loss == pytest.approx(total / sum(len(n) + 1 for n in names), rel=1e-12)


def test_bigram_counts_and_probabilities():
    v = Vocab("\nab")
    C = bigram_counts(["ab", "b"], v)
    # transitions: \n->a a->b b->\n  and  \n->b b->\n
    np.testing.assert_array_equal(C, [[0, 1, 1], [0, 0, 1], [2, 0, 0]])
    P = fit_bigram(["ab", "b"], v, k=1)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P, [[1 / 5, 2 / 5, 2 / 5], [1 / 4, 1 / 4, 2 / 4], [3 / 5, 1 / 5, 1 / 5]])
    full = fit_bigram(load_names()[:200], k=0.5)
    assert full.shape == (27, 27) and (full > 0).all()
    np.testing.assert_allclose(full.sum(axis=1), 1.0)


def test_bigram_loss_matches_hand_computation():
    v = Vocab("\nab")
    P = fit_bigram(["ab", "b"], v, k=1)
    # 5 targets: a|\n, b|a, \n|b  then  b|\n, \n|b
    hand = -(math.log(2 / 5) + math.log(2 / 4) + math.log(3 / 5) + math.log(2 / 5) + math.log(3 / 5)) / 5
    assert bigram_loss(P, ["ab", "b"], v) == pytest.approx(hand, rel=1e-12)
    # a uniform model costs ln V per character whatever the names
    assert bigram_loss(np.full((3, 3), 1 / 3), ["abba", "a"], v) == pytest.approx(math.log(3))


def test_sample_bigram_follows_the_table():
    v = Vocab("\nab")
    P = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])  # \n->a->b->\n always
    assert sample_bigram(P, np.random.default_rng(0), v) == "ab"
    loop = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])  # a->a forever
    assert sample_bigram(loop, np.random.default_rng(0), v, max_len=7) == "aaaaaaa"
    P = fit_bigram(load_names(), k=1)
    a = [sample_bigram(P, np.random.default_rng(5)) for _ in range(3)]
    b = [sample_bigram(P, np.random.default_rng(5)) for _ in range(3)]
    assert a == b and all(set(s) <= set("abcdefghijklmnopqrstuvwxyz") for s in a)


def test_split_is_seeded_disjoint_and_complete():
    names = load_names()
    train, valid = split_names(names, 0.1, seed=0)
    assert len(valid) == round(0.1 * len(names)) and len(train) + len(valid) == len(names)
    assert not set(train) & set(valid) and set(train) | set(valid) == set(names)
    assert split_names(names, 0.1, seed=0) == (train, valid)
    assert split_names(names, 0.1, seed=1)[1] != valid
    # shuffled, not cut by position: validation names start with many different letters
    assert len({n[0] for n in valid}) > 15


def test_sample_stats_on_a_hand_made_example():
    train = ["anna", "bob", "ann"]
    assert ("\n", "a") in seen_bigrams(train) and ("b", "\n") in seen_bigrams(train)
    s = sample_stats(["anna", "ab", "nna", "", "annannannannn"], train)
    # anna: seen; ab: 'a'->'b' never seen; nna: '\n'->'n' never seen; '': too short;
    # annannannannn: too long. Only 'anna' looks like a name, and it is not novel.
    assert s["n"] == 5 and s["novel"] == pytest.approx(4 / 5)
    assert s["looks_like"] == pytest.approx(1 / 5) and s["novel_looks_like"] == 0.0
    np.testing.assert_array_equal(s["lengths"], [4, 2, 3, 0, 13])
    s = sample_stats(["bonna", "bob"], train)  # b-o-n? 'o'->'n' unseen; bob seen
    assert s["looks_like"] == pytest.approx(1 / 2) and s["novel"] == pytest.approx(1 / 2)
    s = sample_stats(["banna"], train)  # \n-b, b-a? unseen
    assert s["looks_like"] == 0.0
    s = sample_stats(["bobb"], train + ["bobby"])  # every pair seen, length 4 in 3..5, novel
    assert s["novel_looks_like"] == 1.0


@pytest.mark.parametrize("names,match", [
    (["emma", "Noah"], r"characters \['N'\] outside a-z"),
    (["jean-luc"], r"characters \['-'\] outside a-z"),
    (["mary ann"], r"characters \[' '\] outside a-z"),
    ([], "names is empty"),
    (["ok", ""], "name 1 is empty"),
    (["ok", 3], "name 1 is 3, not a string"),
    ("emma", "not a single string"),
])
def test_bad_names_are_refused(names, match):
    with pytest.raises(ValueError, match=match):
        check_names(names)
    with pytest.raises(ValueError, match=match):
        pad_batch(names)

# ---------------------------------------------------------------- the trainer

def _fresh(seed=0, hidden=16):
    return char_rnn.init_params(27, hidden, seed=seed, dtype=np.float64)


def test_train_learns_names_and_keeps_the_budget():
    tr, va = split_names(load_names(), 0.1, seed=0)
    records = []
    params = _fresh()
    history = train(params, tr[:1000], va[:100], steps=60, batch_size=32, learning_rate=0.02,
                    final_learning_rate=0.002, seed=0, log=records.append, log_every=20)
    # the steps budget: a record every 20 steps, all 60 steps taken, each validated
    assert records == history
    assert [r["names"] for r in history] == [20 * 32, 40 * 32, 60 * 32]
    assert all({"step", "loss", "learning_rate", "seconds", "valid_loss"} <= set(r) for r in history)
    # a short run already beats the uniform guess ln 27 by a margin on held-out names
    x, y, mask = pad_batch(va[:100])
    valid = char_rnn.loss_and_grads(params, x, y, mask=mask)[0]
    assert valid == pytest.approx(history[-1]["valid_loss"])
    assert valid < math.log(27) - 0.5 and history[-1]["loss"] < math.log(27) - 0.5


def test_train_is_seeded_and_works_without_valid_names():
    names = ["ann", "bob", "emma", "li"]
    a, b = _fresh(), _fresh()
    ha = train(a, names, steps=5, batch_size=4, seed=0, log_every=2)
    hb = train(b, names, steps=5, batch_size=4, seed=0, log_every=2)
    assert ha.column("loss").tolist() == hb.column("loss").tolist()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert [r["names"] for r in ha] == [8, 16, 20] and len(ha.column("valid_loss")) == 0


def test_train_raises_training_diverged():
    # a huge learning rate: the loss stays finite but far worse than guessing
    with pytest.raises(TrainingDiverged, match=r"training diverged at step 2: .*above max_loss"):
        train(_fresh(), ["ann", "bob", "emma"], steps=20, learning_rate=1e3, seed=0)
    # weights holding a NaN are refused (a ValueError, as every bad input)
    params = _fresh()
    params["Why"][0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        train(params, ["ann", "bob"], steps=3, seed=0)


def test_names_builds_on_the_cells_not_on_the_char_rnn():
    import ast
    import inspect

    from helpers import names
    tree = ast.parse(inspect.getsource(names))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert "cells" in modules and "char_rnn" not in modules
