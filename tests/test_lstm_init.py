"""The LSTM's initial forget-gate bias: helpers.cells' 1, the character model's 0."""
import numpy as np
import pytest

from helpers import char_rnn
from helpers.cells import get_cell

V, H = 7, 5


def forget_rows(params):
    return params["b"][H:2 * H]


def test_the_cell_starts_with_forget_bias_one_and_the_char_model_with_zero():
    cell = get_cell("lstm").init_params(V, H, seed=3)
    char = char_rnn.init_params(V, H, seed=3, cell="lstm")
    assert np.all(forget_rows(cell) == 1) and np.all(np.delete(cell["b"], np.s_[H:2 * H]) == 0)
    assert np.all(char["b"] == 0)
    for k in ("Wx", "Wh", "Why", "by"):         # only the bias differs: same draws from the seed
        assert np.array_equal(cell[k], char[k]), k


@pytest.mark.parametrize("value", [0.0, 1.0, -2.5])
def test_forget_bias_sets_exactly_the_forget_block(value):
    for p in (get_cell("lstm").init_params(V, H, seed=0, forget_bias=value),
              char_rnn.init_params(V, H, seed=0, cell="lstm", forget_bias=value)):
        b = p["b"]
        assert np.all(forget_rows(p) == np.float32(value))
        assert np.all(b[:H] == 0) and np.all(b[2 * H:] == 0)   # input, cell and output blocks
        assert b.dtype == np.float32


def test_a_cell_without_forget_gate_refuses_forget_bias():
    with pytest.raises(ValueError, match="'gru' cell has no forget gate"):
        get_cell("gru").init_params(V, H, seed=0, forget_bias=1.0)
    with pytest.raises(ValueError, match="'gru' cell has no forget gate"):
        char_rnn.init_params(V, H, seed=0, cell="gru", forget_bias=1.0)
    with pytest.raises(ValueError, match="vanilla RNN has no forget gate"):
        char_rnn.init_params(V, H, seed=0, forget_bias=0.0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, "1", True])
def test_forget_bias_must_be_a_finite_number(bad):
    with pytest.raises(ValueError, match="forget_bias must be a finite number"):
        char_rnn.init_params(V, H, seed=0, cell="lstm", forget_bias=bad)
