"""Bad input over the public API: a clear ValueError saying what was wrong and what is allowed.

Two parts, each case in one row with the message it must show:

- one test per validator of helpers.validate, with every kind of bad value it refuses
  (True is not an integer, "0.5" is not a number, -1 is not an id, 1.5 is not a count, ...);
- CASES: one row per public function, proving that it validates at its entry point (the
  validator's message reaches the caller), plus one row per case that must not broadcast,
  wrap, truncate or hang (issue 26): shapes that must match, lengths and ids against their
  ranges, types that are not numbers, budgets that would never end.

No case may hang or allocate much: budgets of inf, sizes of tens of GiB and ids of -1 are
refused before any work is done. How snapshots round-trip is tested in test_snapshot.py.
"""
import subprocess
import sys

import numpy as np
import pytest

from helpers import (binary, cells, char_rnn, gradcheck, interpret, layers,
                     names, optim, recall, seq2seq, snapshot, text, training, validate,
                     widgets)
from helpers.fast import char_rnn as char_rnn_fast, lstm as lstm_fast
from helpers.softmax import check_temperature, entropy, log_softmax, sample, softmax, top_k, top_p
from helpers.threads import blas_threads

NAN, INF = float("nan"), float("inf")
V, H, N, T = 5, 4, 2, 3
P = char_rnn.init_params(V, H, seed=0, dtype=np.float64)
LSTM = cells.get_cell("lstm").init_params(V, H, seed=0, dtype=np.float64)
GRU = cells.get_cell("gru").init_params(V, H, seed=0, dtype=np.float64)
IDS = np.arange(60) % V
X = np.zeros((N, T), dtype=int)
VOCAB = text.Vocab("abcde")
RNG = np.random.default_rng(0)
G = {"W": np.zeros(2)}
S2S_VOCAB = seq2seq.make_vocab(["abc", "cab"])
MODEL = seq2seq.Seq2Seq(S2S_VOCAB, hidden_size=4, max_len=5)
SP = MODEL.params
SRC, LENGTHS = seq2seq.encode_source(["abc", "ca"], S2S_VOCAB, 5)
DEC_IN, DEC_OUT, MASK = seq2seq.encode_target(["cba", "ac"], S2S_VOCAB, 5)
BIN = binary.init_params(3, seed=0)
BIG_TABLE = np.ones((27, 27)) / 27


def params_with(base=P, **changes):
    q = {k: v.copy() for k, v in base.items()}
    q.update(changes)
    return q


def refuses(rows):
    """Every call(…) of rows [(call, fragment)] raises ValueError containing fragment."""
    for call, fragment in rows:
        with pytest.raises(ValueError) as info:
            call()
        assert fragment in str(info.value), f"expected {fragment!r} in: {info.value}"


def rnn_step_cache():
    return layers.rnn_step_forward(np.zeros((N, 3)), np.zeros((N, H)), np.zeros((H, 3)),
                                   P["Whh"], P["bh"])[1]


def lstm_step_cache():
    Wx, Wh, b = np.zeros((4 * H, 3)), np.zeros((4 * H, H)), np.zeros(4 * H)
    return layers.lstm_step_forward(np.zeros((N, 3)), np.zeros((N, H)), np.zeros((N, H)), Wx, Wh, b)[2]


def gru_step_cache():
    Wx, Wh, b = np.zeros((3 * H, 3)), np.zeros((3 * H, H)), np.zeros(3 * H)
    return layers.gru_step_forward(np.zeros((N, 3)), np.zeros((N, H)), Wx, Wh, b, b)[1]


def rnn_projected_cache():
    return layers.rnn_forward_projected(np.zeros((N, T, H)), np.zeros((N, H)), P["Whh"], P["bh"])[1]


# ---------------------------------------------------------------- one test per validator

def test_check_int():
    refuses([(lambda: validate.check_int(True, "n"), "n must be an integer, got True (bool)"),
             (lambda: validate.check_int(np.bool_(True), "n"), "n must be an integer"),
             (lambda: validate.check_int(2.0, "n"), "n must be an integer, got 2.0 (float)"),
             (lambda: validate.check_int(1.5, "n"), "got 1.5"),
             (lambda: validate.check_int("3", "n"), "n must be an integer, got '3' (str)"),
             (lambda: validate.check_int(None, "n"), "n must be an integer"),
             (lambda: validate.check_int(INF, "n"), "n must be an integer"),
             (lambda: validate.check_int(0, "n", minimum=1), "n must be an integer >= 1, got 0"),
             (lambda: validate.check_int(9, "n", 0, 4), "n must be an integer in [0, 4], got 9"),
             (lambda: validate.check_int(9, "k", 0, 4, hint="kept"), "k must be an integer in [0, 4] (kept), got 9")])
    assert validate.check_int(np.int64(3), "n") == 3 and type(validate.check_int(np.int64(3), "n")) is int


def test_check_number_positive_fraction():
    refuses([(lambda: validate.check_number(NAN, "x"), "x must be a finite number, got nan"),
             (lambda: validate.check_number(INF, "x"), "x must be a finite number"),
             (lambda: validate.check_number("0.5", "x"), "x must be a finite number, got '0.5' (str)"),
             (lambda: validate.check_number(True, "x"), "x must be a finite number, got True (bool)"),
             (lambda: validate.check_number([1.0], "x"), "x must be a finite number"),
             (lambda: validate.check_number(1 + 0j, "x"), "x must be a finite number"),
             (lambda: validate.check_number(2, "x", 0, 1, hint="a share"), "x must be a finite number >= 0 and <= 1 (a share), got 2"),
             (lambda: validate.check_positive(0, "lr"), "lr must be a finite number > 0, got 0"),
             (lambda: validate.check_fraction(1.0, "beta"), "beta must be a finite number >= 0 and < 1")])
    assert validate.check_number(np.float32(0.5), "x") == 0.5 and validate.check_fraction(0, "b") == 0.0


def test_check_choice_and_optional():
    refuses([(lambda: validate.check_choice("x", "mode", ("a", "b")), "mode must be one of ['a', 'b'], got 'x'"),
             (lambda: validate.check_choice(1, "mode", (True, False)), "mode must be one of [True, False]"),
             (lambda: validate.check_optional(validate.check_int, 1.5, "n"), "n must be an integer")])
    assert validate.check_optional(validate.check_int, None, "n") is None


def test_check_array():
    refuses([(lambda: validate.check_array(np.zeros(3), "a", ndim=2), "a must have 2 dimension(s), got shape (3,)"),
             (lambda: validate.check_array(np.zeros((2, 3)), "a", shape=(2, 4)), "a must have shape (2, 4), got (2, 3)"),
             (lambda: validate.check_array(np.zeros(3), "a", shape=(None, 3)), "a must have shape (any, 3)"),
             (lambda: validate.check_array([1.0, NAN], "a", finite=True), "a must be finite, got an array with 1 NaN and 0 inf"),
             (lambda: validate.check_array(["a"], "a"), "a must be an array of numbers, got dtype <U1"),
             (lambda: validate.check_array([[1], [1, 2]], "a"), "a must be an array of numbers"),
             (lambda: validate.check_same_shape(np.zeros(2), np.zeros(3), "x", "y"), "x and y must have the same shape")])


def test_check_indices_ids_id():
    refuses([(lambda: validate.check_ids([0, -1], 5, "x"), "x must lie in [0, 5) for a vocabulary of 5 symbols, got -1..0"),
             (lambda: validate.check_ids([5], 5, "x"), "x must lie in [0, 5)"),
             (lambda: validate.check_ids([1.0], 5, "x"), "x must hold integer ids in [0, 5)"),
             (lambda: validate.check_ids(np.array([True]), 5, "x"), "x must hold integer ids"),
             (lambda: validate.check_ids(np.zeros(3, int), 5, "x", ndim=2), "x must have 2 dimension(s)"),
             (lambda: validate.check_indices([1.5], 4, "units", what="unit indices"), "units must be integer unit indices in [0, 4), got dtype float64"),
             (lambda: validate.check_indices([-1], 4, "units", what="unit indices"), "units must be unit indices in [0, 4), got -1..-1"),
             (lambda: validate.check_id(-1, 5), "ix must be an integer in [0, 4], got -1"),
             (lambda: validate.check_id(True, 5), "ix must be an integer in [0, 4], got True")])


def test_check_mask():
    refuses([(lambda: validate.check_mask([[0.5, 1.0]], (1, 2)), "mask must hold True/False (or 0/1) for every position, got values such as 0.5"),
             (lambda: validate.check_mask([[NAN, 1.0]], (1, 2)), "mask must hold True/False"),
             (lambda: validate.check_mask([1, 0], (1, 2)), "mask must have shape (1, 2), got (2,)")])
    assert validate.check_mask([[1.0, 0.0]], (1, 2)).tolist() == [[True, False]]


def test_check_float_dtype():
    for bad in (np.int64, int, bool, np.complex128, "U3", object, None, "no such dtype"):
        refuses([(lambda: validate.check_float_dtype(bad), "dtype must be a floating-point dtype such as np.float32")])
    assert validate.check_float_dtype("float32") == np.float32


def test_check_allocation():
    refuses([(lambda: validate.check_allocation((10 ** 6, 10 ** 6), "size"), "size would need an array of shape (1000000, 1000000), 7450.6 GiB; at most 4 GiB"),
             (lambda: validate.check_allocation((-3, 4), "size"), "size: size 0 of the shape (-3, 4) must be an integer >= 0, got -3"),
             (lambda: validate.check_allocation((2.5, 4), "size"), "must be an integer >= 0, got 2.5")])
    assert validate.check_allocation((3, 4), "size") == 12


def test_check_params():
    refuses([(lambda: validate.check_params([1], ("W",)), "params must be a dict of arrays, got list"),
             (lambda: validate.check_params({}, ("W",)), "params is missing ['W']; it needs ['W']")])


def test_check_output_path(tmp_path):
    refuses([(lambda: validate.check_output_path("x.txt"), "output path must end in .npz (the file written is the path given, nothing is appended), got 'x.txt'"),
             (lambda: validate.check_output_path(str(tmp_path / "m")), "must end in .npz"),
             (lambda: validate.check_output_path("/no/such/dir/x.npz"), "the folder of the output path '/no/such/dir/x.npz' does not exist"),
             (lambda: validate.check_output_path(tmp_path), "must end in .npz"),
             (lambda: validate.check_output_path(3), "output path must be a str or pathlib.Path, got 3"),
             (lambda: validate.check_output_path("/proc/x.npz"), "lies in a system folder"),
             (lambda: validate.check_output_path("/sys/kernel/x.npz"), "lies in a system folder"),
             (lambda: validate.check_output_path("/dev/null.npz"), "lies in a system folder")])
    assert validate.check_output_path(tmp_path / "m.npz") == str(tmp_path / "m.npz")


# ---------------------------------------------------------------- every public function validates

CASES = [
    # softmax: temperatures and masses are numbers (True and "0.5" are not), logits finite
    ("check_temperature-str", lambda: check_temperature("0.5"), "temperature must be a finite number > 0 (T -> 0 is argmax, large T is uniform), got '0.5'"),
    ("softmax-T-bool", lambda: softmax([1.0, 2.0], temperature=True), "temperature must be a finite number > 0"),
    ("softmax-T0", lambda: softmax([1.0, 2.0], temperature=0), "temperature must be a finite number > 0"),
    ("softmax-nan", lambda: softmax([1.0, NAN]), "logits contain NaN"),
    ("log_softmax-inf", lambda: log_softmax([INF]), "logits contain inf"),
    ("entropy-neg", lambda: entropy([-0.5, 1.5]), "probabilities must be >= 0 and not NaN"),
    ("entropy-not-distribution", lambda: entropy([0.5, 0.6]), "p must be a probability distribution: entries that sum to 1 along axis -1, got sums from 1.1"),
    ("entropy-logits", lambda: entropy(np.ones((2, 3))), "pass softmax(logits), not logits"),
    ("sample-rng", lambda: sample([0.5, 0.5], rng=0), "rng must be a np.random.Generator"),
    ("sample-sum", lambda: sample([0.5, 0.6], RNG), "sum to 1"),
    ("top_k-bool", lambda: top_k([0.5, 0.5], True), "k must be an integer in [1, 2] (the number of symbols kept, at most V = 2), got True"),
    ("top_k-float", lambda: top_k([0.5, 0.5], 2.0), "k must be an integer in [1, 2]"),
    ("top_p-str", lambda: top_p([0.5, 0.5], "0.5"), "mass must be a finite number > 0 and <= 1"),
    ("top_p-bool", lambda: top_p([0.5, 0.5], True), "mass must be a finite number > 0 and <= 1"),
    ("top_p-logits", lambda: top_p([2.0, 1.0], 0.5), "every row of p must sum to 1"),
    # optim: gradients of another shape would broadcast into the update
    ("SGD", lambda: optim.SGD(learning_rate="0.1"), "learning_rate must be a finite number > 0, got '0.1'"),
    ("SGD.step-shape", lambda: optim.SGD().step({"W": np.zeros((2, 3))}, {"W": np.zeros(3)}), "the gradient of W must have the shape of W, (2, 3), got (3,)"),
    ("SGD.step-keys", lambda: optim.SGD().step(dict(G), {"b": np.zeros(2)}), "params and grads must have the same keys"),
    ("Adagrad", lambda: optim.Adagrad(eps=0), "eps must be a finite number > 0"),
    ("Adagrad.step-shape", lambda: optim.Adagrad().step({"W": np.zeros((2, 3))}, {"W": np.zeros((1, 3))}), "the gradient of W must have the shape of W"),
    ("Adam", lambda: optim.Adam(beta1=1), "beta1 must be a finite number >= 0 and < 1"),
    ("Adam.step-shape", lambda: optim.Adam().step({"W": np.zeros((2, 3))}, {"W": np.zeros(())}), "the gradient of W must have the shape of W"),
    ("Adam.step-list", lambda: optim.Adam().step((1,), (1,)), "params must be a dict"),
    ("clip_by_value", lambda: optim.clip_by_value(dict(G), NAN), "limit must be a finite number > 0"),
    ("clip_by_global_norm", lambda: optim.clip_by_global_norm(dict(G), -1), "max_norm must be a finite number > 0"),
    ("global_norm", lambda: optim.global_norm([np.zeros(2)]), "grads must be a dict"),
    ("check_schedule", lambda: optim.check_schedule(0.1, 0.01, "step"), "schedule must be one of ['cosine', 'linear', 'constant']"),
    ("check_schedule-constant-final", lambda: optim.check_schedule(0.1, 0.01, "constant"), "schedule 'constant' keeps learning_rate throughout"),
    ("schedule-nan-fraction", lambda: optim.scheduled_learning_rate(0.1, NAN, 0.01), "fraction must be a finite number >= 0 and <= 1 (the share of the budget done), got nan"),
    ("schedule-fraction-above-1", lambda: optim.scheduled_learning_rate(0.1, 1.5, 0.01), "fraction must be a finite number >= 0 and <= 1"),
    ("schedule-negative-final", lambda: optim.scheduled_learning_rate(0.1, 0.5, -0.01), "final_learning_rate must be a finite number > 0"),
    ("schedule-unknown-shape", lambda: optim.scheduled_learning_rate(0.1, 0.5, 0.01, "step"), "schedule must be one of ['cosine', 'linear', 'constant'], got 'step'"),
    # gradcheck
    ("rel_error", lambda: gradcheck.rel_error([NAN], [1.0]), "x must be finite"),
    ("rel_error-empty", lambda: gradcheck.rel_error([], []), "nothing to compare"),
    ("norm_rel_error", lambda: gradcheck.norm_rel_error(np.ones(4), np.array([1, 1, NAN, 1.0])), "y must be finite"),
    ("numerical_gradient", lambda: gradcheck.numerical_gradient(lambda: 0.0, np.zeros(2, np.float32)), "float64"),
    ("numerical_gradient-nan-f", lambda: gradcheck.numerical_gradient(lambda: NAN, np.zeros(2)), "f is not finite"),
    # layers: shapes that must match are checked, never broadcast
    ("rnn_step_forward-Wxh", lambda: layers.rnn_step_forward(np.zeros((2, 3)), np.zeros((2, H)), np.zeros((H, 4)), P["Whh"], P["bh"]), "Wxh must have shape (any, 3)"),
    ("rnn_step_forward-h_prev-one-row", lambda: layers.rnn_step_forward(np.zeros((N, 3)), np.zeros((1, H)), np.zeros((H, 3)), P["Whh"], P["bh"]), "h_prev must have shape (2, 4), got (1, 4)"),
    ("rnn_step_forward-x-one-row", lambda: layers.rnn_step_forward(np.zeros((1, 3)), np.zeros((N, H)), np.zeros((H, 3)), P["Whh"], P["bh"]), "h_prev must have shape (1, 4), got (2, 4)"),
    ("rnn_step_backward-dh-1d", lambda: layers.rnn_step_backward(np.zeros(H), rnn_step_cache()), "dh must have shape (2, 4), got (4,)"),
    ("rnn_forward", lambda: layers.rnn_forward(np.zeros((2, 3)), np.zeros((2, H)), np.zeros((H, 3)), P["Whh"], P["bh"]), "x must have 3 dimension(s)"),
    ("rnn_backward", lambda: layers.rnn_backward(np.zeros((N, T, 1)), layers.rnn_forward(np.zeros((N, T, 3)), np.zeros((N, H)), np.zeros((H, 3)), P["Whh"], P["bh"])[1]), "dh must have shape (2, 3, 4), got (2, 3, 1)"),
    ("rnn_forward_projected", lambda: layers.rnn_forward_projected(np.zeros((2, 3, H)), np.zeros((2, H)), P["Whh"], P["bh"], activation="relu"), "activation must be 'tanh' or 'sigmoid'"),
    ("rnn_backward_projected-dh-last-axis-1", lambda: layers.rnn_backward_projected(np.zeros((N, T, 1)), rnn_projected_cache()), "dh must have shape (2, 3, 4), got (2, 3, 1)"),
    ("rnn_backward_projected-extra-step", lambda: layers.rnn_backward_projected(np.zeros((N, T + 1, H)), rnn_projected_cache()), "dh must have shape (2, 3, 4), got (2, 4, 4)"),
    ("embedding_forward-1d-table", lambda: layers.embedding_forward(np.array([[0, 1]]), np.zeros(V)), "W must have 2 dimension(s), got shape (5,)"),
    ("embedding_forward-neg-id", lambda: layers.embedding_forward(np.array([[0, -1]]), np.zeros((V, 3))), "ids must lie in [0, 5)"),
    ("affine_forward", lambda: layers.affine_forward(np.zeros((2, 3)), np.zeros((V, 4)), np.zeros(V)), "W must have shape (5, 3)"),
    ("temporal_softmax_loss_forward-minus-1", lambda: layers.temporal_softmax_loss_forward(np.zeros((1, 2, V)), np.array([[0, -1]])), "targets must lie in [0, 5)"),
    ("temporal_softmax_loss_forward-float-targets", lambda: layers.temporal_softmax_loss_forward(np.zeros((1, 2, V)), np.array([[0, 1.5]])), "targets must hold integer ids"),
    ("temporal_softmax_loss_forward-fractional-mask", lambda: layers.temporal_softmax_loss_forward(np.zeros((1, 2, V)), np.zeros((1, 2), int), np.array([[1.0, 0.5]])), "mask must hold True/False (or 0/1)"),
    ("temporal_softmax_loss_forward-empty-mask", lambda: layers.temporal_softmax_loss_forward(np.zeros((1, 2, V)), np.zeros((1, 2), int), np.zeros((1, 2))), "the mask selects no token"),
    ("lstm_step_forward", lambda: layers.lstm_step_forward(np.zeros((N, 3)), np.zeros((N, H)), np.zeros((1, H)), np.zeros((4 * H, 3)), np.zeros((4 * H, H)), np.zeros(4 * H)), "the cell state must have shape (N, H) = (2, 4), got (1, 4)"),
    ("lstm_step_backward-dh-1d", lambda: layers.lstm_step_backward(np.zeros(H), np.zeros((N, H)), lstm_step_cache()), "dh must have shape (2, 4), got (4,)"),
    ("lstm_step_backward-dc-1d", lambda: layers.lstm_step_backward(np.zeros((N, H)), np.zeros(H), lstm_step_cache()), "dc must have shape (2, 4), got (4,)"),
    ("lstm_forward", lambda: layers.lstm_forward(np.zeros((N, 3)), np.zeros((N, H)), np.zeros((4 * H, 3)), np.zeros((4 * H, H)), np.zeros(4 * H)), "x must have shape (N, T, D)"),
    ("lstm_backward", lambda: layers.lstm_backward(np.zeros((N, T + 1, H)), layers.lstm_forward(np.zeros((N, T, 3)), np.zeros((N, H)), np.zeros((4 * H, 3)), np.zeros((4 * H, H)), np.zeros(4 * H))[1]), "dh must have shape (2, 3, 4), got (2, 4, 4)"),
    ("lstm_forward_projected", lambda: layers.lstm_forward_projected(np.zeros((N, T, 3 * H)), np.zeros((N, H)), np.zeros((4 * H, H)), np.zeros(4 * H)), "the projected input must have shape (N, 16)"),
    ("lstm_backward_projected", lambda: layers.lstm_backward_projected(np.zeros((N, T, 1)), layers.lstm_forward_projected(np.zeros((N, T, 4 * H)), np.zeros((N, H)), np.zeros((4 * H, H)), np.zeros(4 * H))[1]), "dh must have shape (2, 3, 4)"),
    ("gru_step_forward", lambda: layers.gru_step_forward(np.zeros((N, 3)), np.zeros((N, H)), np.zeros((3 * H, 3)), np.zeros((3 * H, H)), np.zeros(3 * H), np.zeros(H)), "bh must have shape (12,)"),
    ("gru_step_backward-dh-1d", lambda: layers.gru_step_backward(np.zeros(H), gru_step_cache()), "dh must have shape (2, 4), got (4,)"),
    ("gru_forward", lambda: layers.gru_forward(np.zeros((N, 0, 3)), np.zeros((N, H)), np.zeros((3 * H, 3)), np.zeros((3 * H, H)), np.zeros(3 * H), np.zeros(3 * H)), "at least one step"),
    ("gru_backward", lambda: layers.gru_backward(np.zeros(H), layers.gru_forward(np.zeros((N, T, 3)), np.zeros((N, H)), np.zeros((3 * H, 3)), np.zeros((3 * H, H)), np.zeros(3 * H), np.zeros(3 * H))[1]), "dh must have shape (2, 3, 4), got (4,)"),
    ("gru_forward_projected", lambda: layers.gru_forward_projected(np.zeros((N, T, 4 * H)), np.zeros((N, H)), np.zeros((3 * H, H)), np.zeros(3 * H), np.zeros(3 * H)), "the projected input must have shape (N, 12)"),
    ("gru_backward_projected", lambda: layers.gru_backward_projected(np.zeros((N, T + 1, H)), layers.gru_forward_projected(np.zeros((N, T, 3 * H)), np.zeros((N, H)), np.zeros((3 * H, H)), np.zeros(3 * H), np.zeros(3 * H))[1]), "dh must have shape (2, 3, 4)"),
    # text
    ("Vocab", lambda: text.Vocab(""), "at least one symbol"),
    ("Vocab.from_symbols-twice", lambda: text.Vocab.from_symbols(["a", "b", "a"]), "every symbol may appear once (an id each), got ['a'] twice"),
    ("Vocab.from_symbols-unk", lambda: text.Vocab.from_symbols(["a", "b"], unk="?"), "the unknown symbol '?' must be one of the symbols"),
    ("Vocab.from_symbols-numbers", lambda: text.Vocab.from_symbols([1, 2]), "symbols must be strings"),
    ("Vocab.encode", lambda: VOCAB.encode("az"), "symbol 'z' (at position 1) is not in the vocabulary"),
    ("Vocab.decode", lambda: VOCAB.decode([-1]), "ids must lie in [0, 5)"),
    ("Vocab.decode-float", lambda: VOCAB.decode([1.5]), "ids must hold integer ids in [0, 5)"),
    ("Vocab-unk", lambda: text.Vocab("abc", unk=0), "unk must be None or a symbol (a str), got 0"),
    ("Vocab-min-count", lambda: text.Vocab("abc", min_count=0.5), "min_count must be an integer >= 1"),
    ("stream_batches", lambda: list(text.stream_batches(IDS, 2, 2.5)), "seq_len must be an integer"),
    ("stream_batches-short", lambda: list(text.stream_batches(IDS[:5], 2, 8)), "shorter than one training window"),
    ("data_path", lambda: text.data_path("no_such_file.txt"), "does not exist; rebuild the data with: python data/build_data.py"),
    # snapshot: what load would refuse is not saved; the path written is the path given
    ("save_snapshot-params", lambda: snapshot.save_snapshot("/tmp/never.npz", [1], VOCAB), "params must be a dict"),
    ("save_snapshot-no-params", lambda: snapshot.save_snapshot("/tmp/never.npz", {}, VOCAB), "params is empty"),
    ("save_snapshot-named-vocab", lambda: snapshot.save_snapshot("/tmp/never.npz", params_with(vocab=np.zeros(2)), VOCAB), "parameter names must be strings other than ['vocab', 'vocab_unk', 'meta']"),
    ("save_snapshot-nan", lambda: snapshot.save_snapshot("/tmp/never.npz", params_with(by=np.full(V, NAN)), VOCAB), "by must be a finite floating-point array, got dtype float64 with 5 NaN or inf"),
    ("save_snapshot-vocab-size", lambda: snapshot.save_snapshot("/tmp/never.npz", P, text.Vocab("abc")), "Why has shape (5, 4), expected (3, 4)"),
    ("save_snapshot-no-suffix", lambda: snapshot.save_snapshot("/tmp/never", P, VOCAB), "output path must end in .npz"),
    ("save_snapshot-proc", lambda: snapshot.save_snapshot("/proc/never.npz", P, VOCAB), "lies in a system folder"),
    ("save_snapshot-vocab", lambda: snapshot.save_snapshot("/tmp/never.npz", P, "abcde"), "vocab must be a helpers.text.Vocab"),
    ("save_snapshot-meta", lambda: snapshot.save_snapshot("/tmp/never.npz", P, VOCAB, meta={"x": np.float32(1)}), "meta must hold JSON-able values"),
    ("load_snapshot", lambda: snapshot.load_snapshot("/no/such/file.npz"), "no such snapshot file"),
    ("check_cell_shapes-shape", lambda: snapshot.check_cell_shapes(params_with(bh=np.zeros(H + 1)), V, "rnn"), "bh has shape (5,), expected (4,)"),
    ("check_cell_shapes", lambda: snapshot.check_cell_shapes(P, V, "transformer"), "known cells are ['rnn', 'lstm', 'gru']"),
    # char_rnn
    ("init_params-hidden-bool", lambda: char_rnn.init_params(V, True, seed=0), "hidden_size must be an integer >= 1, got True"),
    ("init_params-huge", lambda: char_rnn.init_params(V, 100_000, seed=0), "GiB"),
    ("init_params-int-dtype", lambda: char_rnn.init_params(V, H, seed=0, dtype=np.int32), "dtype must be a floating-point dtype"),
    ("init_params-bool-dtype", lambda: char_rnn.init_params(V, H, seed=0, dtype=bool, cell="lstm"), "dtype must be a floating-point dtype"),
    ("init_params-complex-dtype", lambda: char_rnn.init_params(V, H, seed=0, dtype=complex), "dtype must be a floating-point dtype"),
    ("init_params-str-dtype", lambda: char_rnn.init_params(V, H, seed=0, dtype=str, cell="gru"), "dtype must be a floating-point dtype"),
    ("init_params-seed-none", lambda: char_rnn.init_params(V, H, seed=None), "seed must be an integer >= 0"),
    ("init_params-scale", lambda: char_rnn.init_params(V, H, seed=0, scale=-1), "scale must be a finite number > 0"),
    ("loss_and_grads", lambda: char_rnn.loss_and_grads(P, np.array([[0, -1]]), np.array([[1, 2]])), "x must lie in [0, 5)"),
    ("step", lambda: char_rnn.step(P, 1.5, np.zeros(H)), "ix must be an integer in [0, 4], got 1.5"),
    ("step-h", lambda: char_rnn.step(P, 0, np.zeros((H, 1))), "state for one sequence must have shape (4,)"),
    ("cell_of", lambda: char_rnn.cell_of({"W": 1}), "the parameters of no known cell"),
    ("zero_state", lambda: char_rnn.zero_state({"W": np.zeros((2, 2)), "Why": np.zeros((2, 2))}), "the parameters of no known cell"),
    ("evaluate", lambda: char_rnn.evaluate(LSTM, np.array([0])), "at least 2 symbols"),
    ("sample-n", lambda: char_rnn.sample(P, VOCAB, 2.7, RNG), "n must be an integer"),
    ("sample-T-str", lambda: char_rnn.sample(P, VOCAB, 3, RNG, temperature="0.5"), "temperature must be a finite number > 0"),
    ("sample-prime", lambda: char_rnn.sample(P, VOCAB, 3, RNG, prime=""), "prime must hold"),
    ("sample-truncate", lambda: char_rnn.sample(P, VOCAB, 3, RNG, prime="a", truncate=5), "truncate must be None or a function"),
    ("sample-lstm-state", lambda: char_rnn.sample(LSTM, VOCAB, 3, RNG, prime="a", h=np.zeros(H)), "an 'lstm' state for one sequence is a pair (h, c)"),
    ("complete", lambda: char_rnn.complete(P, VOCAB, "xyz", 3, RNG), "not in the vocabulary"),
    ("classic_loss_fun", lambda: char_rnn.classic_loss_fun([0, 1], [1], np.zeros(H), P), "equally long"),
    ("classic_train", lambda: char_rnn.classic_train(params_with(), IDS), "give a budget"),
    ("make_optimizer", lambda: char_rnn.make_optimizer("adamw"), "optimizer must be one of"),
    ("TrainConfig", lambda: char_rnn.TrainConfig(average=1.0, seed=0), "average must be a finite number >= 0 and < 1"),
    ("TrainConfig-seed", lambda: char_rnn.TrainConfig(seed=1.5), "seed must be an integer >= 0"),
    ("train-steps-inf", lambda: char_rnn.train(params_with(), IDS, steps=INF, log=None, seed=0), "steps must be an integer"),
    ("train-window", lambda: char_rnn.train(params_with(), IDS, batch_size=10, seq_len=10, steps=1, log=None, seed=0), "shorter than one training window"),
    ("train-seq-long", lambda: char_rnn.train(params_with(), IDS, seq_len=600, steps=1, log=None, seed=0), "seq_len 600 is longer than the corpus"),
    ("train-text", lambda: char_rnn.train(params_with(), "hello", log=None, seed=0), "train_ids must be an array of numbers"),
    ("train-cell", lambda: char_rnn.train(params_with(), IDS, cell="lstm", steps=1, log=None, seed=0), "cell='lstm' but params hold the parameters of a 'rnn' model"),
    ("fast_loss_and_grads-fractional-mask", lambda: char_rnn_fast.loss_and_grads(P, X, X, mask=np.full((N, T), 0.5)), "mask must hold True/False (or 0/1)"),
    ("fast_loss_and_grads-y", lambda: char_rnn_fast.loss_and_grads(P, X, X + V), "y must lie in [0, 5)"),
    ("fast_loss_and_grads-shapes", lambda: char_rnn_fast.loss_and_grads(P, X, X[:, :-1]), "same shape"),
    ("evaluate-ids", lambda: char_rnn.evaluate(P, IDS * 1.0), "ids must hold integer ids"),
    ("stream_layout", lambda: char_rnn.stream_layout(IDS, V, 0), "batch_size must be an integer >= 1"),
    ("lstm_fast.loss_and_grads", lambda: lstm_fast.loss_and_grads(LSTM, X + V, X), "x_ids must lie in [0, 5)"),
    # cells: nothing loops without end; True is not a size
    ("get_cell", lambda: cells.get_cell("transformer"), "cell must be one of ['rnn', 'lstm', 'gru']"),
    ("hidden_size_for-inf", lambda: cells.hidden_size_for("lstm", 65, INF), "parameter_budget must be a finite number >= 0, got inf"),
    ("hidden_size_for-small", lambda: cells.hidden_size_for("lstm", 65, 10), "even H = 1 needs"),
    ("hidden_size_for-bool", lambda: cells.hidden_size_for("lstm", True, 10 ** 6), "vocab_size must be an integer >= 1, got True"),
    ("Cell.shapes-bool", lambda: cells.get_cell("gru").shapes(V, True), "hidden_size must be an integer >= 1, got True"),
    ("Cell.init_params-int-dtype", lambda: cells.get_cell("lstm").init_params(V, H, seed=0, dtype=np.int64), "dtype must be a floating-point dtype"),
    ("Cell.check_params", lambda: cells.get_cell("lstm").check_params(params_with(LSTM, Wh=np.zeros((4 * H, H + 1)))), "Wh has shape (16, 5), expected (16, 4)"),
    ("Cell.loss_and_grads-fractional-mask", lambda: cells.get_cell("gru").loss_and_grads(GRU, X, X, mask=np.full((N, T), 0.5)), "mask must hold True/False (or 0/1)"),
    ("Cell.loss_and_grads-state", lambda: cells.get_cell("lstm").loss_and_grads(LSTM, X, X, np.zeros((N, H))), "an 'lstm' state is a pair (h, c)"),
    ("Cell.loss_and_grads-shapes", lambda: cells.get_cell("lstm").loss_and_grads(LSTM, X, X[:, :-1]), "x_ids and y_ids must be (N, T) arrays of the same shape"),
    ("Cell.loss_and_grads-other-cell", lambda: cells.get_cell("gru").loss_and_grads(LSTM, X, X), "a 'gru' model has parameters"),
    ("Cell.scores", lambda: cells.get_cell("gru").scores(GRU, X - 1), "ids must lie in [0, 5)"),
    ("Cell.step-bool-id", lambda: cells.get_cell("gru").step(GRU, True), "ix must be an integer in [0, 4], got True"),
    ("Cell.step-state-column", lambda: cells.get_cell("gru").step(GRU, 0, np.zeros((H, 1))), "the 'gru' state for one sequence must have shape (4,), got (4, 1)"),
    # recall: bools are not ints
    ("recall.vocabulary", lambda: recall.vocabulary(True), "n_symbols must be an integer in [2, 26], got True"),
    ("recall.make_batch", lambda: recall.make_batch(4, True, RNG), "seq_len must be an integer >= 2 (a symbol and the query at least), got True"),
    ("recall.accuracy", lambda: recall.accuracy("lstm", LSTM, 8, seed=-1), "seed must be an integer >= 0"),
    ("recall.make_batch-rng", lambda: recall.make_batch(3, 3, 0), "rng must be a np.random.Generator"),
    ("recall.init_params-cell", lambda: recall.init_params("transformer"), "cell must be one of"),
    ("recall.init_params-bool", lambda: recall.init_params("lstm", hidden_size=True), "hidden_size must be an integer >= 1, got True"),
    ("recall.init_params-dtype", lambda: recall.init_params("lstm", dtype=np.int32), "dtype must be a floating-point dtype"),
    ("recall.train-params", lambda: recall.train({"W": np.zeros(3)}, seed=0, steps=1), "the parameters of no known cell"),
    ("recall.train-vocab", lambda: recall.train(recall.init_params("lstm", 3), seed=0, steps=1, n_symbols=5), "params are for 13 symbols"),
    ("recall.train-lr", lambda: recall.train(recall.init_params("lstm", 3), seed=0, steps=1, learning_rate=-1.0), "learning_rate must be a finite number > 0"),
    ("recall.train-min-seq-len", lambda: recall.train(recall.init_params("lstm", 3), seed=0, steps=1, seq_len=8, min_seq_len=9), "min_seq_len must be an integer in [2, 8] (or None; at most seq_len = 8), got 9"),
    # interpret: 1.5 is not a unit nor a position
    ("hidden_states", lambda: interpret.hidden_states(P, np.array([0, -1])), "ids must lie in [0, 5)"),
    ("hidden_states-empty", lambda: interpret.hidden_states(P, np.array([], dtype=int)), "non-empty 1-D"),
    ("hidden_states-chunks", lambda: interpret.hidden_states(P, IDS, chunks=2.5), "chunks must be an integer"),
    ("ablate-fractional", lambda: interpret.ablate(P, [1.5]), "units must be integer hidden-unit indices in [0, 4), got dtype float64"),
    ("ablate-range", lambda: interpret.ablate(P, [H]), "units must be hidden-unit indices in [0, 4), got 4..4"),
    ("ablation_states-fractional-unit", lambda: interpret.ablation_states(P, IDS, [[1.5]], at=[0]), "units must be integer hidden-unit indices"),
    ("ablation_states-fractional-at", lambda: interpret.ablation_states(P, IDS, [[]], at=[1.5]), "at must be integer positions in the text in [0, 60)"),
    ("colon_stats", lambda: interpret.colon_stats(P, VOCAB, "ab:", np.zeros((2, H))), "hs has 2 states"),
    ("activation_html-shape", lambda: interpret.activation_html("abc", [1.0]), "acts must hold one value per character"),
    ("activation_html-vmax-zero", lambda: interpret.activation_html("a", [0.5], vmax=0), "vmax must be a finite number > 0, got 0"),
    ("activation_html-vmax-nan", lambda: interpret.activation_html("a", [0.5], vmax=NAN), "vmax must be a finite number > 0"),
    ("activation_html-vmax-inf", lambda: interpret.activation_html("a", [0.5], vmax=INF), "vmax must be a finite number > 0"),
    # binary
    ("int_to_bits", lambda: binary.int_to_bits(True, 8), "n must be a non-negative int"),
    ("int_to_bits-overflow", lambda: binary.int_to_bits(256, 8), "n = 256 needs 9 bits; width 8 holds numbers up to 255"),
    ("bits_to_int", lambda: binary.bits_to_int([0, 2]), "bits must be a 1-D sequence of 0s and 1s"),
    ("bits_to_int-2d", lambda: binary.bits_to_int([[0, 1]]), "bits must be a 1-D sequence of 0s and 1s"),
    ("encode", lambda: binary.encode([1, 2], [1], 8), "a and b must have the same length"),
    ("carries", lambda: binary.carries(200, 100, 8), "needs 9 bits"),
    ("all_pairs", lambda: binary.all_pairs(16), "width must be <= 12"),
    ("random_pairs", lambda: binary.random_pairs(2, 8, 0), "rng must be a np.random.Generator"),
    ("binary.init_params", lambda: binary.init_params(3, seed=-1), "seed must be an integer >= 0"),
    ("binary.forward", lambda: binary.forward(np.zeros((2, 3, 3)), BIN), "x must have shape (N, T, 2)"),
    ("binary.loss_and_grads", lambda: binary.loss_and_grads(BIN, np.full((1, 2, 2), NAN), np.zeros((1, 2))), "x must be finite"),
    ("binary.train", lambda: binary.train(dict(BIN), seed=0, steps=1, widths=(0,)), "width"),
    ("pair_forward", lambda: binary.pair_forward(np.zeros(3), BIN["Wxh"], BIN["Whh"], BIN["Why"]), "x must have 2 dimension(s)"),
    ("pair_bptt-hs", lambda: binary.pair_bptt(np.zeros((4, 2)), np.zeros(4), np.zeros((4, 3)), np.zeros(4), BIN["Wxh"], BIN["Whh"], BIN["Why"]), "hs (5, 3)"),
    ("pair_bptt-y", lambda: binary.pair_bptt(np.zeros((4, 2)), np.zeros(5), np.zeros((5, 3)), np.zeros(4), BIN["Wxh"], BIN["Whh"], BIN["Why"]), "y and ps"),
    ("binary.add", lambda: binary.add(BIN, 1, 2, -1), "width"),
    ("binary.accuracy", lambda: binary.accuracy(BIN, [-1], [1], 8), "non-negative int"),
    ("binary.accuracy-64-bit", lambda: binary.accuracy(BIN, [1, 2 ** 63], [1, 2 ** 63], 64), "needs 65 bits; width 64 holds sums up to 18446744073709551615"),
    ("binary.hidden_states", lambda: binary.hidden_states(BIN, 1.5, 1, 8), "non-negative int"),
    # seq2seq: lengths <= 0 and ids outside the vocabulary would wrap or never match
    ("make_vocab", lambda: seq2seq.make_vocab(["aSb"]), "reserved symbols"),
    ("check_words", lambda: seq2seq.check_words("abc", S2S_VOCAB, 5), "list of words, not one string"),
    ("encode_source", lambda: seq2seq.encode_source(["abz"], S2S_VOCAB, 5), "outside the vocabulary"),
    ("encode_target", lambda: seq2seq.encode_target(["abcabc"], S2S_VOCAB, 5), "longer than the model's limit"),
    ("seq2seq.init_params-dtype", lambda: seq2seq.init_params(6, 4, dtype=np.int16), "dtype must be a floating-point dtype"),
    ("seq2seq.init_params-attention", lambda: seq2seq.init_params(6, 4, attention="yes"), "attention must be True or False"),
    ("encoder_forward-length-0", lambda: seq2seq.encoder_forward(SP, SRC, np.array([3, 0])), "lengths must be integers in [1, 3]"),
    ("encoder_forward-length-neg", lambda: seq2seq.encoder_forward(SP, SRC, np.array([-1, 2])), "lengths must be integers in [1, 3]"),
    ("encoder_forward-length-long", lambda: seq2seq.encoder_forward(SP, SRC, np.array([4, 2])), "lengths must be integers in [1, 3]"),
    ("encoder_forward-length-float", lambda: seq2seq.encoder_forward(SP, SRC, np.array([3.0, 2.0])), "lengths must be integers in [1, 3]"),
    ("loss_and_grads-lengths", lambda: seq2seq.loss_and_grads(SP, SRC, LENGTHS[:1], DEC_IN, DEC_OUT, MASK), "lengths must have shape (2,)"),
    ("greedy_decode-end-id", lambda: seq2seq.greedy_decode(SP, SRC, LENGTHS, 5, S2S_VOCAB["S"], len(S2S_VOCAB)), "end_id must be an integer in [0, 5], got 6"),
    ("greedy_decode-lengths", lambda: seq2seq.greedy_decode(SP, SRC, np.array([0, 2]), 5, 0, 1), "lengths must be integers in [1, 3]"),
    ("beam_search-end-id", lambda: seq2seq.beam_search(SP, SRC, LENGTHS, 5, S2S_VOCAB["S"], -1, 2), "end_id must be an integer in [0, 5], got -1"),
    ("beam_search-lengths", lambda: seq2seq.beam_search(SP, SRC, np.array([3, -2]), 5, 0, 1, 2), "lengths must be integers in [1, 3]"),
    ("beam_search-alpha", lambda: seq2seq.beam_search(SP, SRC, LENGTHS, 5, 0, 1, 2, alpha="0.5"), "alpha must be a finite number >= 0"),
    ("beam_search-steps", lambda: seq2seq.beam_search(SP, SRC, LENGTHS, True, 0, 1, 2), "steps must be an integer >= 1, got True"),
    ("sequence_log_probs-minus-1", lambda: seq2seq.sequence_log_probs(SP, SRC, LENGTHS, DEC_IN, np.where(MASK, DEC_OUT, -1), MASK), "dec_out must lie in [0, 6)"),
    ("sequence_log_probs-mask-1", lambda: seq2seq.sequence_log_probs(SP, SRC, LENGTHS, DEC_IN, DEC_OUT, np.ones(1, bool)), "mask must have shape (2, 4), got (1,)"),
    ("Seq2Seq", lambda: seq2seq.Seq2Seq(S2S_VOCAB, hidden_size=2.7), "hidden_size must be an integer"),
    ("Seq2Seq-vocab", lambda: seq2seq.Seq2Seq(text.Vocab("abc")), "vocab must be a Vocab containing ['?', 'S', 'E']"),
    ("Seq2Seq.loss", lambda: MODEL.loss(["a", "b"], ["c"]), "2 source words but 1 targets"),
    ("Seq2Seq-params-hidden", lambda: seq2seq.Seq2Seq(S2S_VOCAB, hidden_size=5, params=SP), "hidden_size is 5 but the weights have H = 4"),
    ("Seq2Seq.translate", lambda: MODEL.translate([""]), "non-empty string"),
    ("Seq2Seq.beam_translate", lambda: MODEL.beam_translate(["abc"], 0), "beam_width must be an integer >= 1"),
    ("Seq2Seq.teacher_forced", lambda: MODEL.teacher_forced(["ab", "ba"], ["ba"]), "2 source words but 1 targets"),
    ("Seq2Seq.accuracy-lengths", lambda: MODEL.accuracy(["ab", "ba"], ["ba"]), "2 source words but 1 targets: give one target per source word"),
    ("Seq2Seq.save-nan", lambda: seq2seq.Seq2Seq(S2S_VOCAB, 3, params={k: np.full_like(v, NAN) for k, v in seq2seq.init_params(6, 3).items()}).save("/tmp/never.npz"), "must be finite"),
    ("Seq2Seq.load", lambda: seq2seq.Seq2Seq.load("/no/such/file.npz"), "no such snapshot file"),
    ("accuracy_by_length", lambda: seq2seq.accuracy_by_length(MODEL, ["ab"], ["ba", "ab"]), "1 source words but 2 targets"),
    ("seq2seq.train", lambda: seq2seq.train(MODEL, [("ab",)], seed=0, steps=1), "pairs must be a non-empty list"),
    ("reversal_split", lambda: seq2seq.reversal_split(test_fraction=1.0), "test_fraction must be a finite number > 0 and < 1"),
    # names
    ("check_names", lambda: names.check_names("emma"), "not a single string"),
    ("load_names", lambda: names.load_names("no_such_names.txt"), "does not exist"),
    ("split_names-empty-set", lambda: names.split_names(["ann", "bob"], 0.1), "leave an empty train or validation set"),
    ("split_names-bool", lambda: names.split_names(["ab", "cd"], valid_fraction=True), "valid_fraction must be a finite number > 0 and < 1"),
    ("pad_batch", lambda: names.pad_batch(["Emma"]), "outside a-z"),
    ("bigram_counts", lambda: names.bigram_counts([""]), "name 0 is empty"),
    ("fit_bigram-bool", lambda: names.fit_bigram(["ab"], k=True), "smoothing k must be a finite number > 0"),
    ("bigram_loss-rows", lambda: names.bigram_loss(np.ones((27, 27)), ["ab"]), "every row of P must be probabilities >= 0 summing to 1"),
    ("bigram_loss-shape", lambda: names.bigram_loss(np.ones((3, 3)) / 3, ["ab"]), "P must have shape (27, 27)"),
    ("sample_bigram-bool", lambda: names.sample_bigram(BIG_TABLE, RNG, max_len=True), "max_len must be an integer >= 1 (letters at most), got True"),
    ("seen_bigrams", lambda: names.seen_bigrams([3]), "not a string"),
    ("sample_stats", lambda: names.sample_stats(["ab"], []), "names is empty"),
    ("names.train", lambda: names.train(params_with(), ["ab"], seed=0), "give a budget"),
    ("names.train-seed", lambda: names.train(params_with(), ["ab"], seed=True, steps=1), "seed must be an integer >= 0"),
    ("names.train-clip", lambda: names.train(params_with(), ["ab"], seed=0, steps=1, clip=0), "clip must be a finite number > 0"),
    ("names.train-valid-empty", lambda: names.train(params_with(), ["ab"], [], seed=0, steps=1), "names is empty"),
    ("sample_bigram-shape", lambda: names.sample_bigram(np.ones((3, 3)) / 3, RNG), "P must have shape (27, 27)"),
    # training, threads, widgets
    ("check_budget", lambda: training.check_budget(None, INF), "seconds must be a finite number > 0"),
    ("make_rng", lambda: training.make_rng(True), "seed must be an integer >= 0"),
    ("check_clipping", lambda: training.check_clipping(None, 0), "max_norm must be a finite number > 0"),
    ("check_max_loss", lambda: training.check_max_loss(-1.0, 1.0), "max_loss must be a finite number > 0"),
    ("make_log", lambda: training.make_log(3, 10), "log must be None, True"),
    ("blas_threads", lambda: blas_threads(1.5), "the number of BLAS threads must be an integer"),
    ("blas_threads-bool", lambda: blas_threads(True), "the number of BLAS threads must be an integer >= 1 (or None: leave BLAS as it is), got True"),
    ("parse_logits", lambda: widgets.parse_logits("1, x"), "could not read 'x' as a number"),
    ("compute", lambda: widgets.compute([1.0, 2.0], "0.5"), "temperature must be a finite number > 0"),
    ("TemperatureExplorer-2d-logits", lambda: widgets.TemperatureExplorer(np.ones((2, 3))), "logits must have 1 dimension(s), got shape (2, 3)"),
]


@pytest.mark.parametrize("call, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_public_function_validates(call, fragment):
    with pytest.raises(ValueError) as info:
        call()
    assert fragment in str(info.value), f"expected {fragment!r} in: {info.value}"


def test_nothing_loops_without_end_on_a_huge_finite_budget():
    """hidden_size_for bisects: a budget of 1e300 parameters returns at once, exactly."""
    cell = cells.get_cell("lstm")
    H_big = cells.hidden_size_for("lstm", 65, 1e300)
    assert cell.parameter_count(65, H_big) <= 1e300 < cell.parameter_count(65, H_big + 1)


@pytest.mark.parametrize("module", ["helpers.char_rnn", "helpers.seq2seq"])
def test_removed_training_entry_points_exit_with_a_message(module):
    r = subprocess.run([sys.executable, "-m", module, "train", "--steps", "10"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "scripts/train_" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------- damaged snapshot files

def write(tmp, name, data):
    path = tmp / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("load", [snapshot.load_snapshot, seq2seq.Seq2Seq.load],
                         ids=["load_snapshot", "Seq2Seq.load"])
def test_damaged_files_give_clear_errors(tmp_path, load):
    good = tmp_path / "good.npz"
    MODEL.save(good)
    cases = [(tmp_path / "missing.npz", "no such snapshot file"),
             (write(tmp_path, "text.npz", b"just some text\n"), "not a readable .npz snapshot"),
             (write(tmp_path, "cut.npz", good.read_bytes()[:200]), "not a readable .npz snapshot"),
             (tmp_path, "no such snapshot file")]
    for path, fragment in cases:
        with pytest.raises(ValueError, match=fragment):
            load(path)


def test_object_arrays_are_not_unpickled(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, vocab=np.array(["a"]), meta=np.array("{}"), enc_Wxh=np.array([{}], dtype=object))
    with pytest.raises(ValueError, match="pickled"):
        seq2seq.Seq2Seq.load(path)
