import numpy as np
import pytest

from helpers.optim import SGD, Adagrad, Adam, clip_by_global_norm, clip_by_value, global_norm


def quadratic(p):
    """f = 0.5 * |p - 3|^2, minimum at 3."""
    return {"w": p["w"] - 3.0}


@pytest.mark.parametrize("opt", [SGD(0.1), Adagrad(0.5), Adam(0.1)])
def test_optimizers_minimise_a_quadratic(opt):
    p = {"w": np.array([0.0, 10.0])}
    for _ in range(500):
        opt.step(p, quadratic(p))
    np.testing.assert_allclose(p["w"], 3.0, atol=1e-2)


def test_first_steps_by_hand():
    g = {"w": np.array([2.0])}
    p = {"w": np.array([1.0])}
    SGD(0.1).step(p, g)
    assert p["w"][0] == pytest.approx(0.8)
    p = {"w": np.array([1.0])}
    Adagrad(0.1).step(p, g)  # 1 - 0.1 * 2 / sqrt(4)
    assert p["w"][0] == pytest.approx(0.9)
    p = {"w": np.array([1.0])}
    Adam(0.1).step(p, g)  # bias-corrected first step moves by lr * sign(g)
    assert p["w"][0] == pytest.approx(0.9, abs=1e-6)


def test_updates_in_place_and_checks_keys():
    w = np.ones(2)
    SGD(1.0).step({"w": w}, {"w": np.ones(2)})
    np.testing.assert_array_equal(w, 0.0)
    with pytest.raises(ValueError, match="same keys"):
        SGD(1.0).step({"w": w}, {"v": w})
    with pytest.raises(ValueError, match="learning_rate"):
        Adam(0.0)


def test_clipping():
    g = {"a": np.array([-10.0, 0.5]), "b": np.array([7.0])}
    clip_by_value(g, 5)
    np.testing.assert_array_equal(g["a"], [-5.0, 0.5])
    np.testing.assert_array_equal(g["b"], [5.0])
    g = {"a": np.array([3.0]), "b": np.array([4.0])}
    assert clip_by_global_norm(g, 1.0) == pytest.approx(5.0)
    assert global_norm(g) == pytest.approx(1.0)
    np.testing.assert_allclose(g["a"] / g["b"], 0.75)  # direction kept
    g = {"a": np.array([0.3])}
    clip_by_global_norm(g, 1.0)
    assert g["a"][0] == 0.3  # small gradients untouched


@pytest.mark.parametrize("make", [lambda: SGD(0.1, weight_decay=0.5), lambda: Adagrad(0.1, weight_decay=0.5),
                                  lambda: Adam(0.1, weight_decay=0.5)])
def test_decoupled_weight_decay_shrinks_matrices_not_biases(make):
    p = {"W": np.full((2, 2), 2.0), "b": np.full(2, 2.0)}
    make().step(p, {"W": np.zeros((2, 2)), "b": np.zeros(2)})  # zero gradient: only the decay acts
    np.testing.assert_allclose(p["W"], 2.0 * (1 - 0.1 * 0.5))
    np.testing.assert_array_equal(p["b"], 2.0)
    with pytest.raises(ValueError, match="weight_decay must be a finite number >= 0"):
        Adam(0.1, weight_decay=-1.0)


def test_one_learning_rate_schedule():
    from helpers.optim import scheduled_learning_rate as lr_at
    assert lr_at(0.1, 0.5) == 0.1                                  # no final rate: constant
    assert lr_at(0.1, 0.0, 0.01) == pytest.approx(0.1)
    assert lr_at(0.1, 1.0, 0.01) == pytest.approx(0.01)
    assert lr_at(0.1, 0.5, 0.01) == pytest.approx(0.055)            # cosine: half way at f = 1/2
    assert lr_at(0.1, 0.25, 0.01, "linear") == pytest.approx(0.0775)
    assert lr_at(0.1, 0.25, 0.01) > lr_at(0.1, 0.25, 0.01, "linear")   # cosine stays high longer


def test_training_diverged_is_a_value_error_every_trainer_raises():
    from helpers.optim import TrainingDiverged
    from helpers.training import check_divergence
    assert issubclass(TrainingDiverged, ValueError)
    with pytest.raises(TrainingDiverged, match="training diverged at step 3: the loss is nan"):
        check_divergence(float("nan"), 3, 0.1, max_loss=10.0)


@pytest.mark.parametrize("make", [lambda: SGD(0.05), lambda: Adagrad(0.05), lambda: Adam(0.01)])
def test_every_optimizer_descends_a_loss_with_checked_gradients(make):
    """Least squares: the analytic gradient checked against centred differences, then each
    optimizer lowers the loss with it (steps from the same checked gradient)."""
    from helpers.gradcheck import numerical_gradient, rel_error
    rng = np.random.default_rng(1)
    A, y = rng.standard_normal((20, 4)), rng.standard_normal(20)
    p = {"w": np.zeros(4), "c": np.zeros(1)}

    def loss():
        return 0.5 * np.mean((A @ p["w"] + p["c"][0] - y) ** 2)

    def grads():
        r = (A @ p["w"] + p["c"][0] - y) / len(y)
        return {"w": A.T @ r, "c": np.array([r.sum()])}

    g = grads()
    for k in p:
        assert rel_error(g[k], numerical_gradient(loss, p[k])) < 1e-7, k
    sol = np.linalg.lstsq(np.c_[A, np.ones(len(y))], y, rcond=None)[0]
    best = 0.5 * np.mean((A @ sol[:4] + sol[4] - y) ** 2)
    opt, before = make(), loss()
    for _ in range(1000):
        opt.step(p, grads())
    assert loss() - best < 0.01 * (before - best)
