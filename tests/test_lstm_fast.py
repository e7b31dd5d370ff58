"""helpers.lstm_fast (an optimisation) computes what helpers.cells' LSTM model computes."""
import numpy as np
import pytest

from helpers import lstm_fast
from helpers.cells import get_cell
from helpers.gradcheck import norm_rel_error, numerical_gradient

CELL = get_cell("lstm")


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
def test_equals_reference(shape, with_state):
    V, H, N, T = shape
    params, x, y, state = make_problem(V, H, N, T)
    assert_equals_reference(params, x, y, state if with_state else None)


def test_products_cut_into_row_blocks(monkeypatch):
    """Where BLAS is faster on row blocks (helpers.threads.row_block) the step products are
    cut; force blocks of 3 rows here (the last one padded), on any machine, and compare with
    the reference."""
    monkeypatch.setattr(lstm_fast, "row_block", lambda m, n, k: min(m, 3))
    assert_equals_reference(*make_problem(V=11, H=7, N=3, T=5))


def test_gradient_check():
    params, x, y, state = make_problem()
    _, grads, _ = lstm_fast.loss_and_grads(params, x, y, state)
    for k in CELL.param_names:
        num = numerical_gradient(lambda: lstm_fast.loss_and_grads(params, x, y, state)[0], params[k])
        assert norm_rel_error(grads[k], num) < 1e-7, k


def test_float32_workspace_reuse_and_windows():
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


def test_bad_input():
    params, x, y, state = make_problem()
    with pytest.raises(ValueError, match="same shape"):
        lstm_fast.loss_and_grads(params, x, y[:, :-1])
    with pytest.raises(ValueError, match="lie in"):
        lstm_fast.loss_and_grads(params, x + 100, y)
    with pytest.raises(ValueError, match="pair"):
        lstm_fast.loss_and_grads(params, x, y, (state[0][:1], state[1]))
    with pytest.raises(ValueError, match="LSTM parameters"):
        lstm_fast.loss_and_grads(dict(params, Wh=params["Wh"][:, :-1]), x, y)
