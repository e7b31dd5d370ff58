import numpy as np
import pytest

from helpers.softmax import entropy, log_softmax, sample, softmax


def test_worked_example_alpha():
    # softmax(alpha * z) for z = [1, 2, 3]: alpha = 1 by hand, e^z / sum e^z
    z = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(softmax(z), np.exp(z) / np.exp(z).sum())
    # alpha = 5 (T = 0.2): p_1 / p_3 = e^{-10}
    p = softmax(z, temperature=0.2)
    assert p[0] / p[2] == pytest.approx(np.exp(-10))


def test_extreme_logits_and_temperatures_are_finite():
    p = softmax([1000.0, 0.0, -1000.0], temperature=1e-4)
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p, [1, 0, 0])
    np.testing.assert_allclose(softmax([1.0, 2.0, 3.0], temperature=1e12), np.full(3, 1 / 3))
    assert np.isfinite(log_softmax([1e300, -1e300])).all()
    # the smallest positive temperatures are allowed and give the argmax, not NaN
    for t in (1e-300, 5e-324):
        np.testing.assert_array_equal(softmax([1.0, 2.0, 3.0], temperature=t), [0, 0, 1])
    assert log_softmax([1.0, 3.0], temperature=1e-320)[1] == 0.0


def test_log_softmax_and_axis():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((3, 4, 5))
    for axis in (0, 1, -1):
        np.testing.assert_allclose(np.exp(log_softmax(z, 2.0, axis=axis)), softmax(z, 2.0, axis=axis))
        np.testing.assert_allclose(softmax(z, axis=axis).sum(axis=axis), 1.0)


def test_entropy():
    assert entropy([0.25] * 4) == pytest.approx(np.log(4))
    assert entropy([1.0, 0.0, 0.0]) == 0.0
    with pytest.raises(ValueError, match=">= 0"):
        entropy([1.5, -0.5])

def test_sampling_is_seeded_and_matches_probabilities():
    p = softmax([1.0, 2.0, 3.0])
    a = sample(p, np.random.default_rng(42), size=20000)
    b = sample(p, np.random.default_rng(42), size=20000)
    np.testing.assert_array_equal(a, b)
    freq = np.bincount(a, minlength=3) / a.size
    assert np.all(np.abs(freq - p) < 4 * np.sqrt(p * (1 - p) / a.size))
