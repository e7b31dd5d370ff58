"""Bad input over the public API: every case must raise ValueError naming what was wrong.

Each case is (id, call, fragment): call() must raise ValueError whose message contains
`fragment` (a plain substring). No case may hang or allocate much: budgets of inf, sizes of
tens of GiB and ids of -1 are refused before any work is done.
"""
import numpy as np
import pytest

from helpers import binary, char_rnn, gradcheck, interpret, names, optim, seq2seq, snapshot
from helpers import layers, text, training, validate
from helpers.char_rnn import evaluate
from helpers.fast.char_rnn import loss_and_grads as fast_loss_and_grads
from helpers.softmax import entropy, log_softmax, sample, softmax
from helpers.threads import blas_threads

V, H = 5, 4
P = char_rnn.init_params(V, H, seed=0, dtype=np.float64)
IDS = np.arange(60) % V
VOCAB = text.Vocab("abcde")
RNG = np.random.default_rng(0)
G = {"W": np.zeros(2)}
S2S_VOCAB = seq2seq.make_vocab(["abc", "cab"])
MODEL = seq2seq.Seq2Seq(S2S_VOCAB, hidden_size=4, max_len=5)
BIN = binary.init_params(3, seed=0)
NAN = float("nan")
INF = float("inf")


def params_with(**changes):
    q = {k: v.copy() for k, v in P.items()}
    q.update(changes)
    return q


def write(tmp, name, data):
    path = tmp / name
    path.write_bytes(data)
    return path


CASES = [
    # ---------------------------------------------------------------- validate
    ("int-bool", lambda: validate.check_int(True, "n"), "n must be an integer"),
    ("int-float", lambda: validate.check_int(2.7, "n"), "got 2.7"),
    ("int-float-whole", lambda: validate.check_int(2.0, "n"), "n must be an integer"),
    ("int-str", lambda: validate.check_int("3", "n"), "n must be an integer"),
    ("int-none", lambda: validate.check_int(None, "n"), "n must be an integer"),
    ("int-below", lambda: validate.check_int(0, "n", minimum=1), "n must be an integer >= 1, got 0"),
    ("int-above", lambda: validate.check_int(9, "n", 0, 4), "in [0, 4], got 9"),
    ("number-nan", lambda: validate.check_number(NAN, "x"), "x must be a finite number"),
    ("number-inf", lambda: validate.check_number(INF, "x"), "x must be a finite number"),
    ("number-str", lambda: validate.check_number("1", "x"), "x must be a finite number"),
    ("number-bool", lambda: validate.check_number(False, "x"), "x must be a finite number"),
    ("number-list", lambda: validate.check_number([1.0], "x"), "x must be a finite number"),
    ("positive-zero", lambda: validate.check_positive(0, "lr"), "lr must be a finite number > 0"),
    ("positive-neg", lambda: validate.check_positive(-1e-9, "lr"), "> 0"),
    ("fraction-one", lambda: validate.check_fraction(1.0, "beta"), "beta must be a finite number >= 0 and < 1"),
    ("fraction-neg", lambda: validate.check_fraction(-0.1, "beta"), ">= 0 and < 1"),
    ("choice", lambda: validate.check_choice("x", "mode", ("a", "b")), "mode must be one of ['a', 'b']"),
    ("array-ndim", lambda: validate.check_array(np.zeros(3), "a", ndim=2), "a must have 2 dimension(s)"),
    ("array-shape", lambda: validate.check_array(np.zeros((2, 3)), "a", shape=(2, 4)), "a must have shape (2, 4)"),
    ("array-nan", lambda: validate.check_array([1.0, NAN], "a", finite=True), "a must be finite"),
    ("array-str", lambda: validate.check_array(["a"], "a"), "a must be an array of numbers"),
    ("array-ragged", lambda: validate.check_array([[1], [1, 2]], "a"), "a must be an array of numbers"),
    ("same-shape", lambda: validate.check_same_shape(np.zeros(2), np.zeros(3), "x", "y"), "x and y must have the same shape"),
    ("ids-neg", lambda: validate.check_ids([0, -1], 5, "x"), "x must lie in [0, 5)"),
    ("ids-high", lambda: validate.check_ids([5], 5, "x"), "x must lie in [0, 5)"),
    ("ids-float", lambda: validate.check_ids([1.0], 5, "x"), "x must hold integer ids"),
    ("ids-bool", lambda: validate.check_ids(np.array([True]), 5, "x"), "x must hold integer ids"),
    ("id-neg", lambda: validate.check_id(-1, 5), "ix must be an integer in [0, 4], got -1"),
    ("allocation", lambda: validate.check_allocation((10 ** 6, 10 ** 6), "size"), "GiB"),
    ("params-not-dict", lambda: validate.check_params([1], ("W",)), "params must be a dict"),
    ("params-missing", lambda: validate.check_params({}, ("W",)), "params is missing ['W']"),
    ("out-suffix", lambda: validate.check_output_path("x.txt"), "must end in .npz"),
    ("out-dir", lambda: validate.check_output_path("/no/such/dir/x.npz"), "does not exist"),
    # ---------------------------------------------------------------- softmax
    ("softmax-T0", lambda: softmax([1.0, 2.0], temperature=0), "temperature must be a finite number > 0"),
    ("softmax-Tneg", lambda: softmax([1.0, 2.0], temperature=-1), "temperature must be a finite number > 0"),
    ("softmax-Tinf", lambda: softmax([1.0, 2.0], temperature=INF), "temperature must be a finite number"),
    ("softmax-Tstr", lambda: softmax([1.0], temperature="0.5"), "temperature must be a finite number"),
    ("softmax-Tbool", lambda: softmax([1.0], temperature=True), "temperature must be a finite number"),
    ("softmax-nan", lambda: softmax([1.0, NAN]), "logits contain NaN"),
    ("softmax-inf", lambda: softmax([1.0, INF]), "logits contain inf"),
    ("log-softmax-nan", lambda: log_softmax([NAN]), "logits contain NaN"),
    ("entropy-neg", lambda: entropy([-0.5, 1.5]), "probabilities must be >= 0"),
    ("entropy-nan", lambda: entropy([NAN, 1.0]), "not NaN"),
    ("sample-rng", lambda: sample([0.5, 0.5], rng=0), "rng must be a np.random.Generator"),
    ("sample-2d", lambda: sample(np.ones((2, 2)) / 4, RNG), "1-D probability vector"),
    ("sample-empty", lambda: sample([], RNG), "non-empty 1-D"),
    ("sample-sum", lambda: sample([0.5, 0.6], RNG), "sum to 1"),
    ("sample-neg", lambda: sample([1.5, -0.5], RNG), "non-negative"),
    # ---------------------------------------------------------------- optim
    ("sgd-lr-neg", lambda: optim.SGD(learning_rate=-0.1), "learning_rate must be a finite number > 0"),
    ("sgd-lr-zero", lambda: optim.SGD(learning_rate=0), "learning_rate must be a finite number > 0"),
    ("sgd-lr-nan", lambda: optim.SGD(learning_rate=NAN), "learning_rate must be a finite number > 0"),
    ("sgd-lr-inf", lambda: optim.SGD(learning_rate=INF), "learning_rate"),
    ("sgd-lr-str", lambda: optim.SGD(learning_rate="0.1"), "learning_rate must be a finite number"),
    ("sgd-wd-neg", lambda: optim.SGD(weight_decay=-1), "weight_decay must be a finite number >= 0"),
    ("sgd-step-list", lambda: optim.SGD().step([np.zeros(2)], [np.zeros(2)]), "params must be a dict"),
    ("sgd-step-grads-list", lambda: optim.SGD().step(dict(G), [np.zeros(2)]), "grads must be a dict"),
    ("sgd-step-keys", lambda: optim.SGD().step(dict(G), {"b": np.zeros(2)}), "same keys"),
    ("adagrad-eps-zero", lambda: optim.Adagrad(eps=0), "eps must be a finite number > 0"),
    ("adagrad-eps-neg", lambda: optim.Adagrad(eps=-1e-8), "eps must be"),
    ("adagrad-lr", lambda: optim.Adagrad(learning_rate=-1), "learning_rate must be"),
    ("adagrad-step-list", lambda: optim.Adagrad().step([], []), "params must be a dict"),
    ("adam-beta1-one", lambda: optim.Adam(beta1=1), "beta1 must be a finite number >= 0 and < 1"),
    ("adam-beta1-neg", lambda: optim.Adam(beta1=-0.1), "beta1 must be"),
    ("adam-beta2-one", lambda: optim.Adam(beta2=1.0), "beta2 must be a finite number >= 0 and < 1"),
    ("adam-beta2-nan", lambda: optim.Adam(beta2=NAN), "beta2 must be"),
    ("adam-eps", lambda: optim.Adam(eps=0), "eps must be a finite number > 0"),
    ("adam-lr", lambda: optim.Adam(learning_rate=INF), "learning_rate"),
    ("adam-wd", lambda: optim.Adam(weight_decay=NAN), "weight_decay"),
    ("adam-step-tuple", lambda: optim.Adam().step((1,), (1,)), "params must be a dict"),
    ("clip-value-zero", lambda: optim.clip_by_value(dict(G), 0), "limit must be a finite number > 0"),
    ("clip-value-nan", lambda: optim.clip_by_value(dict(G), NAN), "limit must be"),
    ("clip-value-list", lambda: optim.clip_by_value([np.zeros(2)], 1.0), "grads must be a dict"),
    ("clip-norm-neg", lambda: optim.clip_by_global_norm(dict(G), -1), "max_norm must be a finite number > 0"),
    ("clip-norm-list", lambda: optim.clip_by_global_norm([np.zeros(2)], 1.0), "grads must be a dict"),
    ("global-norm-list", lambda: optim.global_norm([np.zeros(2)]), "grads must be a dict"),
    ("schedule-shape", lambda: optim.check_schedule(0.1, 0.01, "step"), "schedule must be one of"),
    ("schedule-final", lambda: optim.check_schedule(0.1, -0.01, "cosine"), "final_learning_rate must be"),
    # ---------------------------------------------------------------- gradcheck
    ("rel-error-nan", lambda: gradcheck.rel_error([NAN], [1.0]), "x must be finite"),
    ("rel-error-inf", lambda: gradcheck.rel_error([1.0], [INF]), "y must be finite"),
    ("rel-error-shape", lambda: gradcheck.rel_error(np.zeros(2), np.zeros(3)), "x and y must have the same shape"),
    ("rel-error-empty", lambda: gradcheck.rel_error([], []), "nothing to compare"),
    ("rel-error-str", lambda: gradcheck.rel_error(["a"], ["b"]), "x must be an array of numbers"),
    ("norm-rel-nan", lambda: gradcheck.norm_rel_error(np.array([NAN, 0.0]), np.zeros(2)), "x must be finite"),
    ("norm-rel-nan-y", lambda: gradcheck.norm_rel_error(np.zeros(2), np.array([0.0, NAN])), "y must be finite"),
    ("norm-rel-shape", lambda: gradcheck.norm_rel_error(np.zeros((2, 2)), np.zeros(4)), "same shape"),
    ("numgrad-float32", lambda: gradcheck.numerical_gradient(lambda: 0.0, np.zeros(2, np.float32)), "float64"),
    ("numgrad-list", lambda: gradcheck.numerical_gradient(lambda: 0.0, [0.0]), "float64 array"),
    ("numgrad-nan-x", lambda: gradcheck.numerical_gradient(lambda: 0.0, np.array([NAN])), "x must be finite"),
    ("numgrad-f", lambda: gradcheck.numerical_gradient(3.0, np.zeros(2)), "f must be a function"),
    ("numgrad-h", lambda: gradcheck.numerical_gradient(lambda: 0.0, np.zeros(2), h=0), "h must be a finite number > 0"),
    ("numgrad-nan-f", lambda: gradcheck.numerical_gradient(lambda: NAN, np.zeros(2)), "f is not finite"),
    ("numgrad-df", lambda: gradcheck.numerical_gradient(lambda: np.zeros(3), np.zeros(2), df=np.ones(2)), "df must have the shape"),
    # ---------------------------------------------------------------- layers
    ("step-x-wxh", lambda: layers.rnn_step_forward(np.zeros((2, 3)), np.zeros((2, H)), np.zeros((H, 4)), P["Whh"], P["bh"]), "Wxh must have shape (any, 3)"),
    ("step-h-prev", lambda: layers.rnn_step_forward(np.zeros((2, 3)), np.zeros((2, H + 1)), np.zeros((H, 3)), P["Whh"], P["bh"]), "h_prev must have shape"),
    ("rnn-x-2d", lambda: layers.rnn_forward(np.zeros((2, 3)), np.zeros((2, H)), np.zeros((H, 3)), P["Whh"], P["bh"]), "x must have 3 dimension(s)"),
    ("rnn-whh", lambda: layers.rnn_forward(np.zeros((2, 3, 3)), np.zeros((2, H)), np.zeros((H, 3)), np.zeros((H, H + 1)), P["bh"]), "Whh must have shape"),
    ("rnn-bh", lambda: layers.rnn_forward(np.zeros((2, 3, 3)), np.zeros((2, H)), np.zeros((H, 3)), P["Whh"], np.zeros(H + 1)), "bh must have shape"),
    ("projected-xw", lambda: layers.rnn_forward_projected(np.zeros((2, 3, H + 1)), np.zeros((2, H)), P["Whh"], P["bh"]), "xw must hold N x T x H"),
    ("projected-activation", lambda: layers.rnn_forward_projected(np.zeros((2, 3, H)), np.zeros((2, H)), P["Whh"], P["bh"], activation="relu"), "activation must be 'tanh' or 'sigmoid'"),
    ("embedding-neg", lambda: layers.embedding_forward(np.array([[0, -1]]), np.zeros((V, 3))), "ids must lie in [0, 5)"),
    ("embedding-float", lambda: layers.embedding_forward(np.array([[0.5]]), np.zeros((V, 3))), "ids must be integers"),
    ("affine-shapes", lambda: layers.affine_forward(np.zeros((2, 3)), np.zeros((V, 4)), np.zeros(V)), "W must have shape (5, 3)"),
    ("affine-bias", lambda: layers.affine_forward(np.zeros((2, 3)), np.zeros((V, 3)), np.zeros(V + 1)), "b must have shape (5,)"),
    ("loss-targets", lambda: layers.temporal_softmax_loss_forward(np.zeros((1, 2, V)), np.array([[0, -1]])), "targets must lie in [0, 5)"),
    ("loss-target-shape", lambda: layers.temporal_softmax_loss_forward(np.zeros((1, 2, V)), np.zeros((1, 3), int)), "targets must have shape (1, 2)"),
    ("loss-mask-shape", lambda: layers.temporal_softmax_loss_forward(np.zeros((1, 2, V)), np.zeros((1, 2), int), np.ones((2, 2))), "mask must have shape (1, 2)"),
    ("loss-mask-empty", lambda: layers.temporal_softmax_loss_forward(np.zeros((1, 2, V)), np.zeros((1, 2), int), np.zeros((1, 2))), "the mask selects no token"),
    ("loss-scores-nan", lambda: layers.temporal_softmax_loss_forward(np.full((1, 2, V), NAN), np.zeros((1, 2), int)), "logits contain NaN"),
    ("loss-scores-2d", lambda: layers.temporal_softmax_loss_forward(np.zeros((2, V)), np.zeros(2, int)), "scores must have 3 dimension(s)"),
    # ---------------------------------------------------------------- text
    ("vocab-empty", lambda: text.Vocab(""), "at least one symbol"),
    ("vocab-encode", lambda: VOCAB.encode("az"), "'z'"),
    ("vocab-decode-neg", lambda: VOCAB.decode([-1]), "ids must lie in [0, 5)"),
    ("vocab-decode-high", lambda: VOCAB.decode([5]), "ids must lie in [0, 5)"),
    ("stream-batch", lambda: list(text.stream_batches(IDS, 0, 2)), "batch_size must be an integer >= 1"),
    ("stream-seq-float", lambda: list(text.stream_batches(IDS, 2, 2.5)), "seq_len must be an integer"),
    ("stream-short", lambda: list(text.stream_batches(IDS[:5], 2, 8)), "shorter than one training window"),
    ("data-path", lambda: text.data_path("no_such_file.txt"), "does not exist"),
    # ---------------------------------------------------------------- snapshot
    ("snap-save-params", lambda: snapshot.save_snapshot("/tmp/never.npz", [1], VOCAB), "params must be a dict"),
    ("snap-save-vocab", lambda: snapshot.save_snapshot("/tmp/never.npz", P, "abcde"), "vocab must be a helpers.text.Vocab"),
    ("snap-save-meta", lambda: snapshot.save_snapshot("/tmp/never.npz", P, VOCAB, meta=[1]), "meta must be a dict"),
    ("snap-missing", lambda: snapshot.load_snapshot("/no/such/file.npz"), "no such snapshot file"),
    ("snap-shapes", lambda: snapshot.check_cell_shapes(params_with(bh=np.zeros(H + 1)), V, "rnn"), "bh has shape"),
    ("snap-nan", lambda: snapshot.check_cell_shapes(params_with(by=np.full(V, NAN)), V, "rnn"), "by must be a finite"),
    ("snap-keys", lambda: snapshot.check_cell_shapes({"Wxh": P["Wxh"]}, V, "rnn"), "snapshot is missing"),
    # ---------------------------------------------------------------- char_rnn
    ("init-hidden-zero", lambda: char_rnn.init_params(V, 0, seed=0), "hidden_size must be an integer >= 1"),
    ("init-hidden-float", lambda: char_rnn.init_params(V, 2.7, seed=0), "hidden_size must be an integer"),
    ("init-hidden-bool", lambda: char_rnn.init_params(V, True, seed=0), "hidden_size must be an integer"),
    ("init-vocab-zero", lambda: char_rnn.init_params(0, 4, seed=0), "vocab_size must be an integer >= 1"),
    ("init-huge", lambda: char_rnn.init_params(V, 100_000, seed=0), "GiB"),
    ("init-scale", lambda: char_rnn.init_params(V, 4, seed=0, scale=-1), "scale must be a finite number > 0"),
    ("init-cell", lambda: char_rnn.init_params(V, 4, seed=0, cell="lstmx"), "cell must be one of"),
    ("step-neg-id", lambda: char_rnn.step(P, -1, np.zeros(H)), "ix must be an integer in [0, 4], got -1"),
    ("step-high-id", lambda: char_rnn.step(P, V, np.zeros(H)), "ix must be an integer in [0, 4]"),
    ("step-float-id", lambda: char_rnn.step(P, 1.5, np.zeros(H)), "ix must be an integer"),
    ("step-h-shape", lambda: char_rnn.step(P, 0, np.zeros(H + 1)), "state for one sequence must have shape (4,)"),
    ("sample-n-neg", lambda: char_rnn.sample(P, VOCAB, -1, RNG), "n must be an integer >= 0"),
    ("sample-n-float", lambda: char_rnn.sample(P, VOCAB, 2.7, RNG), "n must be an integer"),
    ("sample-T", lambda: char_rnn.sample(P, VOCAB, 3, RNG, temperature=0), "temperature"),
    ("sample-prime-empty", lambda: char_rnn.sample(P, VOCAB, 3, RNG, prime=""), "prime must hold"),
    ("sample-prime-unknown", lambda: char_rnn.sample(P, VOCAB, 3, RNG, prime="z"), "'z'"),
    ("complete-unknown", lambda: char_rnn.complete(P, VOCAB, "xyz", 3, RNG), "not in the vocabulary"),
    ("cell-of", lambda: char_rnn.cell_of({"W": 1}), "the parameters of no known cell"),
    ("lossfun-neg-id", lambda: char_rnn.classic_loss_fun([0, -1], [1, 2], np.zeros(H), P), "inputs must lie in [0, 5)"),
    ("lossfun-neg-target", lambda: char_rnn.classic_loss_fun([0, 1], [1, -1], np.zeros(H), P), "targets must lie in [0, 5)"),
    ("lossfun-lengths", lambda: char_rnn.classic_loss_fun([0, 1], [1], np.zeros(H), P), "equally long"),
    ("lossfun-h", lambda: char_rnn.classic_loss_fun([0], [1], np.zeros(H + 1), P), "hprev must have shape"),
    ("lossfun-h-nan", lambda: char_rnn.classic_loss_fun([0], [1], np.full(H, NAN), P), "hprev must be finite"),
    ("lossfun-clip", lambda: char_rnn.classic_loss_fun([0], [1], np.zeros(H), P, clip=-1), "clip must be"),
    ("classic-neg-id", lambda: char_rnn.classic_train(params_with(), np.r_[IDS, -1], steps=1), "data must lie in [0, 5)"),
    ("classic-lr-neg", lambda: char_rnn.classic_train(params_with(), IDS, learning_rate=-0.1, steps=1), "learning_rate must be a finite number > 0"),
    ("classic-steps-inf", lambda: char_rnn.classic_train(params_with(), IDS, steps=INF), "steps must be an integer"),
    ("classic-seconds-inf", lambda: char_rnn.classic_train(params_with(), IDS, seconds=INF), "seconds must be a finite number > 0"),
    ("classic-seconds-nan", lambda: char_rnn.classic_train(params_with(), IDS, seconds=NAN), "seconds must be"),
    ("classic-steps-float", lambda: char_rnn.classic_train(params_with(), IDS, steps=2.7), "steps must be an integer"),
    ("classic-no-budget", lambda: char_rnn.classic_train(params_with(), IDS), "give a budget"),
    ("classic-seq-len", lambda: char_rnn.classic_train(params_with(), IDS, seq_len=0, steps=1), "seq_len must be an integer >= 1"),
    ("classic-log", lambda: char_rnn.classic_train(params_with(), IDS, steps=1, log="yes"), "log must be None, True"),
    ("classic-log-every", lambda: char_rnn.classic_train(params_with(), IDS, steps=1, log_every=0), "log_every must be an integer >= 1"),
    ("lag-neg-id", lambda: char_rnn.loss_and_grads(P, np.array([[0, -1]]), np.array([[1, 2]])), "x must lie in [0, 5)"),
    ("lag-1d", lambda: char_rnn.loss_and_grads(P, np.array([0, 1]), np.array([1, 2])), "x must have 2 dimension(s)"),
    ("lag-h0", lambda: char_rnn.loss_and_grads(P, np.zeros((1, 2), int), np.zeros((1, 2), int), np.zeros((2, H))), "state must be (N, H) = (1, 4)"),
    ("lag-params", lambda: char_rnn.loss_and_grads({"Wxh": 1}, np.zeros((1, 2), int), np.zeros((1, 2), int)), "the parameters of no known cell"),
    ("fast-neg-id", lambda: fast_loss_and_grads(P, np.array([[0, -1]]), np.array([[1, 2]])), "x must lie in [0, 5)"),
    ("fast-y-high", lambda: fast_loss_and_grads(P, np.array([[0, 1]]), np.array([[1, 9]])), "y must lie in [0, 5)"),
    ("fast-shapes", lambda: fast_loss_and_grads(P, np.zeros((1, 2), int), np.zeros((1, 3), int)), "same shape"),
    ("fast-mask", lambda: fast_loss_and_grads(P, np.zeros((1, 2), int), np.zeros((1, 2), int), mask=np.ones(3)), "mask must have shape"),
    ("fast-mask-empty", lambda: fast_loss_and_grads(P, np.zeros((1, 2), int), np.zeros((1, 2), int), mask=np.zeros((1, 2))), "the mask selects no token"),
    ("evaluate-neg", lambda: evaluate(P, np.array([0, -1, 2])), "ids must lie in [0, 5)"),
    ("evaluate-short", lambda: evaluate(P, np.array([0])), "at least 2 symbols"),
    ("evaluate-batch", lambda: evaluate(P, IDS, batch_size=0), "batch_size must be an integer >= 1"),
    ("evaluate-float-ids", lambda: evaluate(P, IDS * 1.0), "ids must hold integer ids"),
    ("train-steps-inf", lambda: char_rnn.train(params_with(), IDS, steps=INF, log=None, seed=0), "steps must be an integer"),
    ("train-seconds-inf", lambda: char_rnn.train(params_with(), IDS, seconds=INF, log=None, seed=0), "seconds must be a finite number > 0"),
    ("train-chars-inf", lambda: char_rnn.train(params_with(), IDS, chars=INF, log=None, seed=0), "chars must be a finite number > 0"),
    ("train-epochs-zero", lambda: char_rnn.train(params_with(), IDS, epochs=0, log=None, seed=0), "epochs must be a finite number > 0"),
    ("train-lr-neg", lambda: char_rnn.train(params_with(), IDS, learning_rate=-0.1, steps=1, log=None, seed=0), "learning_rate must be a finite number > 0"),
    ("train-final-lr", lambda: char_rnn.train(params_with(), IDS, final_learning_rate=0, steps=1, log=None, seed=0), "final_learning_rate must be"),
    ("train-batch-float", lambda: char_rnn.train(params_with(), IDS, batch_size=2.5, log=None, seed=0), "batch_size must be an integer"),
    ("train-batch-bool", lambda: char_rnn.train(params_with(), IDS, batch_size=True, log=None, seed=0), "batch_size must be an integer"),
    ("train-seq-zero", lambda: char_rnn.train(params_with(), IDS, seq_len=0, log=None, seed=0), "seq_len must be an integer >= 1"),
    ("train-seq-long", lambda: char_rnn.train(params_with(), IDS, seq_len=100, steps=1, log=None, seed=0), "longer than the corpus"),
    ("train-window", lambda: char_rnn.train(params_with(), IDS, batch_size=10, seq_len=10, steps=1, log=None, seed=0), "shorter than one training window"),
    ("train-neg-id", lambda: char_rnn.train(params_with(), np.r_[IDS, -1], steps=1, log=None, seed=0), "train_ids must lie in [0, 5)"),
    ("train-valid-id", lambda: char_rnn.train(params_with(), IDS, np.array([0, 7]), batch_size=2, seq_len=5, steps=1, log=None, seed=0), "valid_ids must lie in [0, 5)"),
    ("train-valid-short", lambda: char_rnn.train(params_with(), IDS, np.array([0]), batch_size=2, seq_len=5, steps=1, log=None, seed=0), "valid_ids needs at least 2"),
    ("train-optimizer", lambda: char_rnn.train(params_with(), IDS, optimizer="rmsprop", log=None, seed=0), "optimizer must be one of"),
    ("train-optimizer-obj", lambda: char_rnn.train(params_with(), IDS, optimizer=3, log=None, seed=0), "optimizer must be 'adam'"),
    ("train-wd-obj", lambda: char_rnn.train(params_with(), IDS, optimizer=optim.SGD(), weight_decay=0.1, log=None, seed=0), "weight_decay applies to a named optimizer"),
    ("train-average", lambda: char_rnn.train(params_with(), IDS, average=1.0, steps=1, log=None, seed=0), "average must be a finite number >= 0 and < 1"),
    ("train-clip", lambda: char_rnn.train(params_with(), IDS, clip=-5, steps=1, log=None, seed=0), "clip must be a finite number > 0"),
    ("train-max-norm", lambda: char_rnn.train(params_with(), IDS, max_norm=0, steps=1, log=None, seed=0), "max_norm must be"),
    ("train-eval-every", lambda: char_rnn.train(params_with(), IDS, eval_every=0, steps=1, log=None, seed=0), "eval_every must be an integer >= 1"),
    ("train-eval-no-valid", lambda: char_rnn.train(params_with(), IDS, batch_size=2, seq_len=5, eval_every=2, steps=1, log=None, seed=0), "eval_every needs a validation text"),
    ("train-cell", lambda: char_rnn.train(params_with(), IDS, cell="gru?", steps=1, log=None, seed=0), "cell must be one of"),
    ("train-log-every", lambda: char_rnn.train(params_with(), IDS, batch_size=2, seq_len=5, steps=1, log=None, log_every=-1, seed=0), "log_every must be an integer >= 1"),
    ("train-unknown-setting", lambda: char_rnn.make_optimizer("adamw"), "optimizer must be one of"),
    ("train-nan-weights", lambda: char_rnn.train(params_with(Why=np.full((V, H), NAN)), IDS, batch_size=2, seq_len=5, steps=3, log=None, seed=0), "training diverged at step 1"),
    # ---------------------------------------------------------------- interpret
    ("hidden-neg-id", lambda: interpret.hidden_states(P, np.array([0, -1])), "ids must lie in [0, 5)"),
    ("hidden-high-id", lambda: interpret.hidden_states(P, np.array([0, 5])), "ids must lie in [0, 5)"),
    ("hidden-empty", lambda: interpret.hidden_states(P, np.array([], dtype=int)), "non-empty"),
    ("hidden-2d", lambda: interpret.hidden_states(P, np.zeros((2, 2), int)), "ids must have 1 dimension(s)"),
    ("hidden-chunks", lambda: interpret.hidden_states(P, IDS, chunks=0), "chunks must be an integer >= 1"),
    ("hidden-chunks-float", lambda: interpret.hidden_states(P, IDS, chunks=2.5), "chunks must be an integer"),
    ("hidden-warmup", lambda: interpret.hidden_states(P, IDS, warmup=-1), "warmup must be an integer >= 0"),
    ("hidden-h0", lambda: interpret.hidden_states(P, IDS, h0=np.zeros(H + 1)), "h0 must have shape (4,)"),
    ("ablate-unit", lambda: interpret.ablate(P, [H]), "units must be hidden-unit indices in [0, 4)"),
    ("ablate-neg-unit", lambda: interpret.ablate(P, [-1]), "units must be hidden-unit indices"),
    ("ablation-at", lambda: interpret.ablation_states(P, IDS, [[]], at=[len(IDS)]), "at must be positions in the text in [0, 60)"),
    ("ablation-neg-id", lambda: interpret.ablation_states(P, np.r_[IDS, -1], [[]], at=[0]), "ids must lie in [0, 5)"),
    ("colon-stats-len", lambda: interpret.colon_stats(P, VOCAB, "ab:", np.zeros((2, H))), "hs has 2 states"),
    ("activation-html-shape", lambda: interpret.activation_html("abc", [1.0]), "acts must hold one value per character"),
    ("activation-html-nan", lambda: interpret.activation_html("a", [NAN]), "acts must be finite"),
    # ---------------------------------------------------------------- binary
    ("bits-huge-width", lambda: binary.int_to_bits(1, 3 * 10 ** 10), "width (the number of bits of the sum) must be an integer in [1, 1000000]"),
    ("bits-width-zero", lambda: binary.int_to_bits(1, 0), "must be an integer in [1,"),
    ("bits-width-float", lambda: binary.int_to_bits(1, 8.0), "must be an integer"),
    ("bits-neg", lambda: binary.int_to_bits(-1, 8), "n must be a non-negative int"),
    ("bits-float", lambda: binary.int_to_bits(2.7, 8), "n must be a non-negative int"),
    ("bits-bool", lambda: binary.int_to_bits(True, 8), "n must be a non-negative int"),
    ("bits-overflow", lambda: binary.int_to_bits(256, 8), "needs 9 bits"),
    ("bits-to-int", lambda: binary.bits_to_int([0, 2]), "0s and 1s"),
    ("encode-overflow", lambda: binary.encode(200, 100, 8), "needs 9 bits"),
    ("encode-lengths", lambda: binary.encode([1, 2], [1], 8), "same length"),
    ("encode-huge", lambda: binary.encode(list(range(3000)), list(range(3000)), 10 ** 6), "GiB"),
    ("all-pairs-wide", lambda: binary.all_pairs(16), "width must be <= 12"),
    ("random-pairs-n", lambda: binary.random_pairs(0, 8, RNG), "n must be an integer >= 1"),
    ("random-pairs-huge", lambda: binary.random_pairs(10 ** 6, 10 ** 5, RNG), "GiB"),
    ("random-pairs-rng", lambda: binary.random_pairs(2, 8, 0), "rng must be a np.random.Generator"),
    ("binary-init-hidden", lambda: binary.init_params(0), "hidden_size must be an integer >= 1"),
    ("binary-init-huge", lambda: binary.init_params(10 ** 6), "GiB"),
    ("binary-init-seed", lambda: binary.init_params(3, seed=-1), "seed must be an integer >= 0"),
    ("binary-forward-shape", lambda: binary.forward(np.zeros((2, 3, 3)), BIN), "x must have shape (N, T, 2)"),
    ("binary-forward-nan", lambda: binary.forward(np.full((1, 2, 2), NAN), BIN), "x must be finite"),
    ("binary-train-steps-inf", lambda: binary.train(dict(BIN), seed=0, steps=INF), "steps must be an integer"),
    ("binary-train-seconds-inf", lambda: binary.train(dict(BIN), seed=0, seconds=INF), "seconds must be a finite number > 0"),
    ("binary-train-no-budget", lambda: binary.train(dict(BIN), seed=0), "give a budget"),
    ("binary-train-lr", lambda: binary.train(dict(BIN), seed=0, steps=1, learning_rate=-1), "learning_rate must be a finite number > 0"),
    ("binary-train-batch", lambda: binary.train(dict(BIN), seed=0, steps=1, batch_size=0), "batch_size must be an integer >= 1"),
    ("binary-train-width", lambda: binary.train(dict(BIN), seed=0, steps=1, widths=(0,)), "width"),
    ("binary-train-nan", lambda: binary.train({k: np.full_like(v, NAN) for k, v in BIN.items()}, seed=0, steps=2), "training diverged at step 1"),
    ("binary-add-width", lambda: binary.add(BIN, 1, 2, -1), "width"),
    ("binary-accuracy-neg", lambda: binary.accuracy(BIN, [-1], [1], 8), "non-negative int"),
    # ---------------------------------------------------------------- seq2seq
    ("s2s-hidden-zero", lambda: seq2seq.Seq2Seq(S2S_VOCAB, hidden_size=0), "hidden_size must be an integer >= 1"),
    ("s2s-hidden-float", lambda: seq2seq.Seq2Seq(S2S_VOCAB, hidden_size=2.7), "hidden_size must be an integer"),
    ("s2s-hidden-huge", lambda: seq2seq.Seq2Seq(S2S_VOCAB, hidden_size=100_000), "GiB"),
    ("s2s-max-len", lambda: seq2seq.Seq2Seq(S2S_VOCAB, hidden_size=4, max_len=0), "max_len must be an integer >= 1"),
    ("s2s-vocab", lambda: seq2seq.Seq2Seq(text.Vocab("abc")), "must be a Vocab containing"),
    ("s2s-vocab-type", lambda: seq2seq.Seq2Seq("abc"), "must be a Vocab"),
    ("s2s-word-unknown", lambda: MODEL.translate(["abz"]), "outside the vocabulary"),
    ("s2s-word-long", lambda: MODEL.translate(["abcabc"]), "longer than the model's limit"),
    ("s2s-word-empty", lambda: MODEL.translate([""]), "non-empty string"),
    ("s2s-words-str", lambda: MODEL.translate("abc"), "list of words, not one string"),
    ("s2s-batch-lengths", lambda: MODEL.batch(["ab", "ba"], ["ba"]), "2 source words but 1 targets"),
    ("s2s-reserved", lambda: seq2seq.make_vocab(["aSb"]), "reserved symbols"),
    ("s2s-train-steps-inf", lambda: seq2seq.train(MODEL, [("ab", "ba")], seed=0, steps=INF), "steps must be an integer"),
    ("s2s-train-seconds-inf", lambda: seq2seq.train(MODEL, [("ab", "ba")], seed=0, seconds=INF), "seconds must be a finite number > 0"),
    ("s2s-train-no-budget", lambda: seq2seq.train(MODEL, [("ab", "ba")], seed=0), "give a budget"),
    ("s2s-train-lr", lambda: seq2seq.train(MODEL, [("ab", "ba")], seed=0, steps=1, learning_rate=-1e-3), "learning_rate must be a finite number > 0"),
    ("s2s-train-final-lr", lambda: seq2seq.train(MODEL, [("ab", "ba")], seed=0, steps=1, final_learning_rate=NAN), "final_learning_rate must be"),
    ("s2s-train-clip", lambda: seq2seq.train(MODEL, [("ab", "ba")], seed=0, steps=1, max_norm=0), "max_norm must be a finite number > 0"),
    ("s2s-train-batch", lambda: seq2seq.train(MODEL, [("ab", "ba")], seed=0, steps=1, batch_size=0), "batch_size must be an integer >= 1"),
    ("s2s-train-pairs", lambda: seq2seq.train(MODEL, [], seed=0, steps=1), "pairs must be a non-empty list"),
    ("s2s-train-pairs-shape", lambda: seq2seq.train(MODEL, [("ab",)], seed=0, steps=1), "pairs must be a non-empty list"),
    ("s2s-train-log", lambda: seq2seq.train(MODEL, [("ab", "ba")], seed=0, steps=1, log=5), "log must be None, True"),
    ("s2s-init-V", lambda: seq2seq.init_params(0, 4), "V must be an integer >= 1"),
    # ---------------------------------------------------------------- names
    ("names-str", lambda: names.check_names("emma"), "not a single string"),
    ("names-empty-list", lambda: names.check_names([]), "names is empty"),
    ("names-upper", lambda: names.check_names(["Emma"]), "outside a-z"),
    ("names-empty-name", lambda: names.check_names([""]), "name 0 is empty"),
    ("names-not-str", lambda: names.check_names([3]), "not a string"),
    ("names-split-fraction", lambda: names.split_names(["ab", "cd"], valid_fraction=1.5), "valid_fraction must be a finite number > 0 and < 1"),
    ("names-fit-k", lambda: names.fit_bigram(["ab"], k=0), "smoothing k must be a finite number > 0"),
    ("names-table", lambda: names.bigram_loss(np.ones((3, 3)), ["ab"]), "P must have shape (27, 27)"),
    ("names-max-len", lambda: names.sample_bigram(np.ones((27, 27)) / 27, RNG, max_len=0), "max_len must be an integer >= 1"),
    # ---------------------------------------------------------------- training, threads
    ("budget-none", lambda: training.check_budget(None, None), "give a budget"),
    ("budget-steps-neg", lambda: training.check_budget(-1, None), "steps must be an integer >= 1"),
    ("budget-seconds-zero", lambda: training.check_budget(None, 0), "seconds must be a finite number > 0"),
    ("make-log", lambda: training.make_log(3, 10), "log must be None, True"),
    ("threads-zero", lambda: blas_threads(0), "the number of BLAS threads must be an integer >= 1"),
    ("threads-float", lambda: blas_threads(1.5), "the number of BLAS threads must be an integer"),
]


@pytest.mark.parametrize("call, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_value_error(call, fragment):
    with pytest.raises(ValueError) as info:
        call()
    assert fragment in str(info.value), f"expected {fragment!r} in: {info.value}"


def test_enough_distinct_cases():
    assert len(CASES) >= 150 and len({c[0] for c in CASES}) == len(CASES)


# ---------------------------------------------------------------- damaged snapshot files

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


def test_norm_rel_error_never_passes_a_nan_gradient():
    g = np.ones(4)
    g[2] = NAN
    with pytest.raises(ValueError, match="finite"):
        gradcheck.norm_rel_error(g, np.ones(4))
