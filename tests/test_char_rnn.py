import numpy as np
import pytest

from helpers import char_rnn
from helpers.gradcheck import numerical_gradient, rel_error
from helpers.text import Vocab


@pytest.mark.parametrize("N,T,V,H,masked", [(1, 1, 2, 1, False), (2, 5, 4, 3, False),
                                            (3, 4, 5, 6, True)])
def test_loss_and_grads_match_numerical(N, T, V, H, masked):
    rng = np.random.default_rng(0)
    p = char_rnn.init_params(V, H, seed=1, dtype=np.float64, scale=0.5)
    p["bh"] += rng.standard_normal(H) * 0.1
    x, y = rng.integers(0, V, (N, T)), rng.integers(0, V, (N, T))
    h0 = rng.standard_normal((N, H)) * 0.5
    mask = None
    if masked:
        mask = rng.random((N, T)) > 0.4
        mask[0, 0] = True
    loss, grads, _ = char_rnn.loss_and_grads(p, x, y, h0, mask)
    for k in char_rnn.PARAM_NAMES:
        num = numerical_gradient(lambda: char_rnn.loss_and_grads(p, x, y, h0, mask)[0], p[k])
        assert rel_error(grads[k], num) < 1e-7, k


def test_loss_of_a_fresh_model_is_about_ln_v():
    p = char_rnn.init_params(65, 32, seed=0)
    x = np.random.default_rng(1).integers(0, 65, (4, 10))
    loss, _, h = char_rnn.loss_and_grads(p, x, x)
    assert loss == pytest.approx(np.log(65), abs=0.01)
    assert h.shape == (4, 32) and h.dtype == np.float32


def test_sampling_is_seeded_and_validated():
    vocab = Vocab.from_text("ab\n")
    p = char_rnn.init_params(len(vocab), 8, seed=0, scale=1.0)
    a = char_rnn.sample(p, vocab, 50, np.random.default_rng(3))
    assert a == char_rnn.sample(p, vocab, 50, np.random.default_rng(3)) and len(a) == 50
    assert set(a) <= set("ab\n")
    one = char_rnn.sample(p, vocab, 50, np.random.default_rng(3), stop="\n")
    assert "\n" not in one[:-1] and (one.endswith("\n") or len(one) == 50)
    assert char_rnn.complete(p, vocab, "ab", 0, np.random.default_rng(0)) == "ab"
    with pytest.raises(ValueError, match="'z'"):
        char_rnn.sample(p, vocab, 5, np.random.default_rng(0), prime="az")
    with pytest.raises(ValueError, match="n must be an integer >= 0"):
        char_rnn.sample(p, vocab, -1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="temperature"):
        char_rnn.complete(p, vocab, "ab", 5, np.random.default_rng(0), temperature=0)
