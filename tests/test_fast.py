"""helpers.fast computes what the reference code computes: the fused char-RNN and LSTM steps
against helpers.cells, the in-place Adam against helpers.optim.Adam (bit for bit); the trainer
uses them only through the registry, and the switch turns them off."""
import numpy as np
import pytest

from helpers import cells, char_rnn, optim
from helpers.cells import get_cell
from helpers.fast import char_rnn as rnn_fast, lstm as lstm_fast, optim as optim_fast
from helpers.gradcheck import norm_rel_error, numerical_gradient, rel_error
from helpers.text import Vocab
from test_char_rnn import random_problem as rnn_problem  # one builder of random problems

CELL = get_cell("lstm")
RNN = get_cell("rnn")


# ---------------------------------------------------------------- the vanilla char-RNN

@pytest.mark.parametrize("N,T,V,H,masked", [(1, 1, 2, 1, False), (2, 5, 4, 3, False),
                                            (3, 4, 5, 6, True), (2, 3, 600, 4, True)])
def test_rnn_equals_reference(N, T, V, H, masked):
    p, x, y, h0, mask = rnn_problem(N, T, V, H, masked)
    loss, grads, h = RNN.loss_and_grads(p, x, y, h0, mask)
    ws = {}
    for _ in range(2):  # the second call reuses the workspace buffers
        loss2, grads2, h2 = rnn_fast.loss_and_grads(p, x, y, h0, mask, workspace=ws)
        assert loss2 == pytest.approx(loss, rel=1e-12)
        assert np.allclose(h2, h, rtol=1e-12, atol=1e-14)
        for k in RNN.param_names:
            assert rel_error(grads2[k], grads[k]) < 1e-10, k


def test_rnn_float32_is_close_to_float64():
    p, x, y, h0, _ = rnn_problem(4, 6, 20, 12, False)
    loss, grads, _ = RNN.loss_and_grads(p, x, y, h0)
    p32 = {k: v.astype(np.float32) for k, v in p.items()}
    loss32, grads32, h32 = rnn_fast.loss_and_grads(p32, x, y, h0.astype(np.float32))
    assert h32.dtype == np.float32 and all(g.dtype == np.float32 for g in grads32.values())
    assert loss32 == pytest.approx(loss, rel=1e-5)
    for k in RNN.param_names:
        assert norm_rel_error(grads32[k], grads[k]) < 1e-5, k


def test_rnn_rejects_bad_ids():
    p = char_rnn.init_params(5, 3, seed=0)
    with pytest.raises(ValueError, match=r"y must lie in \[0, 5\)"):
        rnn_fast.loss_and_grads(p, np.zeros((2, 3), int), np.full((2, 3), 5))
    with pytest.raises(ValueError, match="same shape"):
        rnn_fast.loss_and_grads(p, np.zeros((2, 3), int), np.zeros((2, 4), int))


# ---------------------------------------------------------------- the LSTM


def make_problem(V=11, H=7, N=3, T=5, seed=0, dtype=np.float64):
    params = CELL.init_params(V, H, seed=seed, dtype=np.float64)
    rng = np.random.default_rng(seed + 1)
    for p in params.values():
        p += rng.standard_normal(p.shape) * 0.3
    params = {k: v.astype(dtype) for k, v in params.items()}
    x, y = rng.integers(0, V, (N, T)), rng.integers(0, V, (N, T))
    x[0, :3] = x[-1, -1]  # a symbol read several times
    state = tuple((rng.standard_normal((N, H)) * 0.5).astype(dtype) for _ in range(2))
    return params, x, y, state


def assert_equals_reference(params, x, y, state):
    loss, grads, (h, c) = lstm_fast.loss_and_grads(params, x, y, state)
    ref_loss, ref_grads, (ref_h, ref_c) = CELL.loss_and_grads(params, x, y, state)
    assert np.isclose(loss, ref_loss, rtol=1e-12, atol=0)
    for k in CELL.param_names:
        assert grads[k].shape == ref_grads[k].shape
        assert np.allclose(grads[k], ref_grads[k], rtol=1e-10, atol=1e-14), k
    assert np.allclose(h, ref_h, atol=1e-14) and np.allclose(c, ref_c, atol=1e-14)


@pytest.mark.parametrize("shape", [(11, 7, 3, 5), (5, 1, 2, 1), (63, 16, 4, 9)])
@pytest.mark.parametrize("with_state", [False, True])
def test_lstm_equals_reference(shape, with_state):
    V, H, N, T = shape
    params, x, y, state = make_problem(V, H, N, T)
    assert_equals_reference(params, x, y, state if with_state else None)


def test_lstm_gradient_check():
    params, x, y, state = make_problem()
    _, grads, _ = lstm_fast.loss_and_grads(params, x, y, state)
    for k in CELL.param_names:
        num = numerical_gradient(lambda: lstm_fast.loss_and_grads(params, x, y, state)[0], params[k])
        assert norm_rel_error(grads[k], num) < 1e-7, k


def test_lstm_float32_workspace_reuse_and_windows():
    params, x, y, state = make_problem(V=20, H=12, N=4, T=6, dtype=np.float32)
    ws = {}
    first = lstm_fast.loss_and_grads(params, x, y, state, ws)
    again = lstm_fast.loss_and_grads(params, x, y, state, ws)   # reused buffers, same answer
    assert first[0] == again[0] and all(np.array_equal(first[1][k], again[1][k]) for k in first[1])
    assert all(g.dtype == np.float32 for g in first[1].values())
    ref = CELL.loss_and_grads(params, x, y, state)
    assert np.isclose(first[0], ref[0], rtol=1e-5)
    for k in CELL.param_names:
        assert norm_rel_error(first[1][k], ref[1][k]) < 1e-5, k
    # two windows with the state carried: the second window sees the first one's state
    _, _, mid = lstm_fast.loss_and_grads(params, x[:, :3], y[:, :3], state, ws)
    loss2, _, end = lstm_fast.loss_and_grads(params, x[:, 3:], y[:, 3:], mid, ws)
    ref2, _, ref_end = CELL.loss_and_grads(params, x[:, 3:], y[:, 3:], CELL.loss_and_grads(params, x[:, :3], y[:, :3], state)[2])
    assert np.isclose(loss2, ref2, rtol=1e-5) and np.allclose(end[0], ref_end[0], atol=1e-5)


def test_lstm_bad_input():
    params, x, y, state = make_problem()
    with pytest.raises(ValueError, match="same shape"):
        lstm_fast.loss_and_grads(params, x, y[:, :-1])
    with pytest.raises(ValueError, match="lie in"):
        lstm_fast.loss_and_grads(params, x + 100, y)
    with pytest.raises(ValueError, match="pair"):
        lstm_fast.loss_and_grads(params, x, y, (state[0][:1], state[1]))
    with pytest.raises(ValueError, match="LSTM parameters"):
        lstm_fast.loss_and_grads(dict(params, Wh=params["Wh"][:, :-1]), x, y)


# ---------------------------------------------------------------- Adam without temporaries

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("lr", [3e-3, np.float64(3e-3), np.float32(3e-3)])
@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_in_place_adam_equals_the_textbook_adam_bit_for_bit(dtype, lr, weight_decay):
    rng = np.random.default_rng(0)
    p = {"W": rng.standard_normal((5, 3)).astype(dtype), "b": rng.standard_normal(3).astype(dtype)}
    q = {k: v.copy() for k, v in p.items()}
    ours, ref = optim_fast.Adam(lr, weight_decay=weight_decay), optim.Adam(lr, weight_decay=weight_decay)
    for _ in range(20):
        g = {k: (rng.standard_normal(v.shape) * 10.0 ** rng.integers(-6, 2)).astype(dtype)
             for k, v in p.items()}
        ours.step(p, g)
        ref.step(q, g)
        for k in p:
            assert p[k].dtype == dtype and np.array_equal(p[k], q[k]), k


# ---------------------------------------------------------------- the registry and the switch

def test_the_trainer_finds_fast_steps_through_the_registry_and_the_switch_turns_them_off(monkeypatch):
    for name in ("rnn", "lstm", "gru"):
        cell = get_cell(name)
        assert char_rnn.training_step(name, fast=False) == cell.loss_and_grads
        fast = char_rnn.training_step(name, fast=True)
        assert (fast == cell.loss_and_grads) == (cell.fast_step is None)
    assert get_cell("gru").fast_step is None and get_cell("lstm").fast_step == "lstm"
    monkeypatch.setattr(cells, "fast_paths", False)
    assert char_rnn.training_step("rnn") == RNN.loss_and_grads
    assert type(char_rnn.make_optimizer("adam", fast=False)) is optim.Adam
    with pytest.raises(ValueError, match="fast must be True, False or None"):
        char_rnn.train(char_rnn.init_params(5, 3, seed=0), np.arange(50) % 5, fast=1, steps=1, seed=0)


@pytest.mark.parametrize("name", ["rnn", "lstm"])
def test_training_with_and_without_fast_paths_gives_the_same_model(name):
    """float64, so the two paths differ only by rounding: the trained weights agree closely."""
    text = "hello world\nhello there\n" * 20
    vocab = Vocab.from_text(text)
    ids = vocab.encode(text)
    runs = []
    for fast in (True, False):
        p = char_rnn.init_params(len(vocab), 8, seed=0, dtype=np.float64, cell=name)
        hist = char_rnn.train(p, ids, batch_size=4, seq_len=8, steps=100, learning_rate=0.02,
                               fast=fast, log=None, seed=0)
        runs.append((p, hist))
    (p1, h1), (p2, h2) = runs
    assert np.allclose(h1.column("loss"), h2.column("loss"), rtol=1e-9)
    for k in p1:
        assert np.allclose(p1[k], p2[k], rtol=1e-8, atol=1e-11), k
    assert h1[-1]["loss"] < h1[0]["loss"] - 0.3      # and it learned something
