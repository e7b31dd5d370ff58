import numpy as np
import pytest

from helpers.gradcheck import norm_rel_error, numerical_gradient, rel_error


def test_numerical_gradient_of_known_functions():
    x = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(numerical_gradient(lambda: np.sum(x ** 3), x), 3 * x ** 2, rtol=1e-8)
    df = np.array([1.0, 10.0, 100.0])
    np.testing.assert_allclose(numerical_gradient(lambda: np.sin(x), x, df), df * np.cos(x), rtol=1e-8)
    np.testing.assert_array_equal(x, [1.0, -2.0, 3.0])  # restored


def test_rel_error():
    assert rel_error(np.ones(3), np.ones(3)) == 0.0
    assert rel_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)
    assert rel_error([0.0], [0.0]) == 0.0

def test_norm_rel_error_ignores_noise_on_tiny_entries():
    a, b = np.array([1.0, 1e-6]), np.array([1.0, 2e-6])
    assert rel_error(a, b) > 0.3          # entry by entry: the tiny entry dominates
    assert norm_rel_error(a, b) < 1e-6    # as one array: the same gradient
    assert norm_rel_error([3.0, 4.0], [0.0, 0.0]) == 1.0 and norm_rel_error([0.0], [0.0]) == 0.0
