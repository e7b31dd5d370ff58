"""helpers.cells: the three cells' char models, gradient-checked, and their step against the batch."""
import numpy as np
import pytest

from helpers import char_rnn
from helpers.cells import CELLS, get_cell, hidden_size_for
from helpers.gradcheck import norm_rel_error, numerical_gradient

V, H, N, T = 6, 5, 3, 4


def model(name, seed=0):
    cell = get_cell(name)
    params = cell.init_params(V, H, seed=seed, dtype=np.float64)
    rng = np.random.default_rng(seed + 1)
    for p in params.values():  # larger, non-zero values so every path carries gradient
        p += rng.standard_normal(p.shape) * 0.3
    return cell, params, rng


def random_state(cell, rng, n=N):
    h = rng.standard_normal((n, H)) * 0.5
    return (h, rng.standard_normal((n, H)) * 0.5) if cell.name == "lstm" else h


@pytest.mark.parametrize("name", list(CELLS))
def test_shapes_and_count(name):
    cell = get_cell(name)
    params = cell.init_params(V, H, seed=0)
    G = {"rnn": 1, "lstm": 4, "gru": 3}[name] * H
    assert params[cell.param_names[0]].shape == (G, V)
    assert params[cell.param_names[1]].shape == (G, H)
    assert params["Why"].shape == (V, H) and params["by"].shape == (V,)
    expected = G * V + G * H + G * (2 if name == "gru" else 1) + V * H + V
    assert cell.parameter_count(V, H) == expected == sum(p.size for p in params.values())
    assert all(p.dtype == np.float32 for p in params.values())
    again = cell.init_params(V, H, seed=0)
    assert all(np.array_equal(params[k], again[k]) for k in params), "same seed, same weights"
    if name == "lstm":
        assert np.all(params["b"][H:2 * H] == 1) and np.all(params["b"][:H] == 0)


@pytest.mark.parametrize("name", list(CELLS))
@pytest.mark.parametrize("masked", [False, True])
def test_gradients(name, masked):
    cell, params, rng = model(name)
    x, y = rng.integers(0, V, (N, T)), rng.integers(0, V, (N, T))
    x[0, :2] = x[1, 0]  # a symbol read several times: its column's gradients add up
    mask = rng.random((N, T)) < 0.6 if masked else None
    if masked:
        mask[0, 0] = True
    state = random_state(cell, rng)
    _, grads, _ = cell.loss_and_grads(params, x, y, state, mask)
    for k in cell.param_names:
        num = numerical_gradient(lambda: cell.loss_and_grads(params, x, y, state, mask)[0], params[k])
        err = norm_rel_error(grads[k], num)  # whole-array: many entries are tiny
        assert err < 1e-7, f"{k}: relative error {err:.1e}"


@pytest.mark.parametrize("name", list(CELLS))
def test_step_matches_batch_and_state_carries(name):
    cell, params, rng = model(name, seed=3)
    x = rng.integers(0, V, (2, 7))
    y = rng.integers(0, V, (2, 7))
    # the loss of the whole window equals the loss of two windows with the state carried
    full, _, end = cell.loss_and_grads(params, x, y)
    a, _, mid = cell.loss_and_grads(params, x[:, :3], y[:, :3])
    b, _, end2 = cell.loss_and_grads(params, x[:, 3:], y[:, 3:], mid)
    assert np.isclose(full, (3 * a + 4 * b) / 7)
    for u, v in zip(end if name == "lstm" else (end,), end2 if name == "lstm" else (end2,)):
        assert np.allclose(u, v)
    # step, one symbol at a time, gives the same state and the same scores
    state, logp = None, 0.0
    for t in range(7):
        state, logits = cell.step(params, int(x[1, t]), state)
        z = logits - logits.max()
        logp += z[y[1, t]] - np.log(np.exp(z).sum())
    last = state if name != "lstm" else state[0]
    assert np.allclose(last, end[1] if name != "lstm" else end[0][1])
    assert np.isclose(-logp / 7, cell.loss_and_grads(params, x[1:], y[1:])[0])


def test_rnn_cell_is_the_char_rnn():
    cell, params, rng = model("rnn", seed=4)
    x, y = rng.integers(0, V, (N, T)), rng.integers(0, V, (N, T))
    loss, grads, h = cell.loss_and_grads(params, x, y)
    ref_loss, ref_grads, ref_h = char_rnn.loss_and_grads(params, x, y)
    assert np.isclose(loss, ref_loss) and np.allclose(h, ref_h)
    assert all(np.allclose(grads[k], ref_grads[k]) for k in char_rnn.PARAM_NAMES)


def test_equal_parameter_budget():
    budget = get_cell("rnn").parameter_count(63, 256)
    for name in CELLS:
        Hn = hidden_size_for(name, 63, budget)
        cell = get_cell(name)
        assert cell.parameter_count(63, Hn) <= budget < cell.parameter_count(63, Hn + 1)
    assert hidden_size_for("rnn", 63, budget) == 256
