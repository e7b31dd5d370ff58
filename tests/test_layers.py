"""Every backward function against numerical gradients, in float64, on several shapes."""
import numpy as np
import pytest

from helpers import layers as L
from helpers.gradcheck import numerical_gradient, rel_error

SHAPES = [(1, 1, 1, 1), (1, 1, 3, 2), (2, 3, 4, 5), (3, 5, 2, 1), (4, 2, 3, 6)]  # N, T, D, H


def make(rng, *shape):
    return rng.standard_normal(shape)


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_rnn_step_backward(N, T, D, H):
    rng = np.random.default_rng(0)
    x, h, Wxh, Whh, bh = make(rng, N, D), make(rng, N, H), make(rng, H, D), make(rng, H, H), make(rng, H)
    dout = make(rng, N, H)
    _, cache = L.rnn_step_forward(x, h, Wxh, Whh, bh)
    got = L.rnn_step_backward(dout, cache)
    f = lambda: L.rnn_step_forward(x, h, Wxh, Whh, bh)[0]
    for g, arr in zip(got, (x, h, Wxh, Whh, bh)):
        assert g.shape == arr.shape
        assert rel_error(g, numerical_gradient(f, arr, dout)) < 1e-8


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_rnn_backward(N, T, D, H):
    rng = np.random.default_rng(1)
    x, h0 = make(rng, N, T, D), make(rng, N, H)
    Wxh, Whh, bh = 0.5 * make(rng, H, D), 0.5 * make(rng, H, H), make(rng, H)
    dout = make(rng, N, T, H)
    _, cache = L.rnn_forward(x, h0, Wxh, Whh, bh)
    got = L.rnn_backward(dout, cache)
    f = lambda: L.rnn_forward(x, h0, Wxh, Whh, bh)[0]
    for g, arr in zip(got, (x, h0, Wxh, Whh, bh)):
        assert g.shape == arr.shape
        assert rel_error(g, numerical_gradient(f, arr, dout)) < 1e-7


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_rnn_backward_projected(N, T, D, H):
    rng = np.random.default_rng(2)
    xw, h0, Whh, bh = make(rng, N, T, H), make(rng, N, H), 0.5 * make(rng, H, H), make(rng, H)
    dout = make(rng, N, T, H)
    _, cache = L.rnn_forward_projected(xw, h0, Whh, bh)
    got = L.rnn_backward_projected(dout, cache)
    f = lambda: L.rnn_forward_projected(xw, h0, Whh, bh)[0]
    for g, arr in zip(got, (xw, h0, Whh, bh)):
        assert rel_error(g, numerical_gradient(f, arr, dout)) < 1e-7


def test_step_and_sequence_agree():
    """rnn_forward is rnn_step_forward applied T times, and so are the gradients."""
    rng = np.random.default_rng(3)
    N, T, D, H = 2, 4, 3, 5
    x, h0 = make(rng, N, T, D), make(rng, N, H)
    Wxh, Whh, bh = make(rng, H, D), make(rng, H, H), make(rng, H)
    hs, cache = L.rnn_forward(x, h0, Wxh, Whh, bh)
    h, caches = h0, []
    for t in range(T):
        h, c = L.rnn_step_forward(x[:, t], h, Wxh, Whh, bh)
        caches.append(c)
        np.testing.assert_allclose(hs[:, t], h, rtol=1e-12)
    dout = make(rng, N, T, H)
    dx, dh0, dWxh, dWhh, dbh = L.rnn_backward(dout, cache)
    dh_next, acc = np.zeros((N, H)), [np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(bh)]
    for t in reversed(range(T)):
        dxt, dh_next, *dw = L.rnn_step_backward(dout[:, t] + dh_next, caches[t])
        np.testing.assert_allclose(dx[:, t], dxt, rtol=1e-10)
        acc = [a + b for a, b in zip(acc, dw)]
    np.testing.assert_allclose(dh0, dh_next, rtol=1e-10)
    for a, b in zip((dWxh, dWhh, dbh), acc):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_rnn_step_forward_by_hand():
    """Two inputs, two units, every weight 1, no bias: h1 = tanh(1 + 1) for x = [1, 1]."""
    W = np.ones((2, 2))
    h1, _ = L.rnn_step_forward(np.array([[1.0, 1.0]]), np.zeros((1, 2)), W, W, np.zeros(2))
    np.testing.assert_allclose(h1, np.tanh(2.0) * np.ones((1, 2)))
    h2, _ = L.rnn_step_forward(np.array([[1.0, 1.0]]), h1, W, W, np.zeros(2))
    np.testing.assert_allclose(h2[0, 0], np.tanh(2 + 2 * np.tanh(2.0)))


@pytest.mark.parametrize("N,T,V,D", [(1, 1, 1, 1), (2, 3, 5, 4), (3, 4, 3, 2)])
def test_embedding_backward(N, T, V, D):
    rng = np.random.default_rng(4)
    ids = rng.integers(0, V, size=(N, T))
    W, dout = make(rng, V, D), make(rng, N, T, D)
    out, cache = L.embedding_forward(ids, W)
    np.testing.assert_array_equal(out, np.eye(V)[ids] @ W)  # the one-hot product it replaces
    dW = L.embedding_backward(dout, cache)
    assert rel_error(dW, numerical_gradient(lambda: L.embedding_forward(ids, W)[0], W, dout)) < 1e-8

@pytest.mark.parametrize("shape,H,V", [((1,), 1, 1), ((4,), 3, 5), ((2, 3), 4, 6), ((1, 1), 2, 3)])
def test_affine_backward(shape, H, V):
    rng = np.random.default_rng(5)
    x, W, b, dout = make(rng, *shape, H), make(rng, V, H), make(rng, V), make(rng, *shape, V)
    out, cache = L.affine_forward(x, W, b)
    np.testing.assert_allclose(out, np.einsum("...h,vh->...v", x, W) + b)
    got = L.affine_backward(dout, cache)
    f = lambda: L.affine_forward(x, W, b)[0]
    for g, arr in zip(got, (x, W, b)):
        assert rel_error(g, numerical_gradient(f, arr, dout)) < 1e-8


@pytest.mark.parametrize("N,T,V,masked", [(1, 1, 1, False), (1, 1, 4, False), (2, 3, 5, False),
                                          (3, 4, 6, True)])
def test_temporal_softmax_loss(N, T, V, masked):
    rng = np.random.default_rng(6)
    scores, y = make(rng, N, T, V), rng.integers(0, V, size=(N, T))
    mask = rng.random((N, T)) > 0.3 if masked else None
    if masked:
        mask[0, 0] = True
    loss, cache = L.temporal_softmax_loss_forward(scores, y, mask)
    dscores = L.temporal_softmax_loss_backward(cache)
    f = lambda: L.temporal_softmax_loss_forward(scores, y, mask)[0]
    assert rel_error(dscores, numerical_gradient(f, scores)) < 1e-7


def test_temporal_softmax_loss_values():
    # uniform scores: the loss is ln V for any targets; masked tokens do not count
    loss, _ = L.temporal_softmax_loss_forward(np.zeros((2, 3, 7)), np.zeros((2, 3), int))
    assert loss == pytest.approx(np.log(7))
    scores = np.zeros((1, 2, 2))
    scores[0, 1] = [0.0, 50.0]  # second token confidently wrong, but masked out
    loss, _ = L.temporal_softmax_loss_forward(scores, np.array([[1, 0]]), np.array([[True, False]]))
    assert loss == pytest.approx(np.log(2))

def test_float32_stays_float32():
    rng = np.random.default_rng(7)
    f32 = lambda *s: rng.standard_normal(s).astype(np.float32)
    h, cache = L.rnn_forward(f32(2, 3, 4), f32(2, 5), f32(5, 4), f32(5, 5), f32(5))
    assert h.dtype == np.float32
    assert all(g.dtype == np.float32 for g in L.rnn_backward(f32(2, 3, 5), cache))
