"""helpers.binary: bits, pairs, BPTT against numerical gradients, the evaluator, bad input."""
import numpy as np
import pytest

from helpers import binary as B
from helpers.optim import TrainingDiverged
from helpers.gradcheck import numerical_gradient, rel_error


# ---------------------------------------------------------------- bits

def test_int_to_bits_is_lsb_first_and_round_trips():
    np.testing.assert_array_equal(B.int_to_bits(6, 4), [0, 1, 1, 0])
    np.testing.assert_array_equal(B.int_to_bits(np.int64(5), 3), [1, 0, 1])
    assert B.bits_to_int([0, 1, 1, 0]) == 6
    for n, w in [(0, 1), (1, 1), (255, 8), (2 ** 64 - 1, 64), (3 ** 400, 700)]:
        bits = B.int_to_bits(n, w)
        assert bits.shape == (w,) and B.bits_to_int(bits) == n


def test_64_bit_sums_are_exact():
    """Python ints, not np.int64: a sum >= 2**63 must not overflow."""
    a, b = 2 ** 63 - 1, 2 ** 63
    x, y = B.encode(a, b, 64)
    assert x.shape == (1, 64, 2) and y.shape == (1, 64)
    assert B.bits_to_int(y[0].astype(int)) == 2 ** 64 - 1
    np.testing.assert_array_equal(B.carries(2 ** 63 - 1, 1, 64), [1] * 63 + [0])


def test_encode_and_carries_by_hand():
    x, y = B.encode([3, 5], [1, 6], 4)             # 3 + 1 = 4, 5 + 6 = 11
    np.testing.assert_array_equal(x[0], [[1, 1], [1, 0], [0, 0], [0, 0]])
    np.testing.assert_array_equal(y, [[0, 0, 1, 0], [1, 1, 0, 1]])
    # 5 + 6: bit0 1+0 -> no carry, bit1 0+1 -> none, bit2 1+1 -> carry, bit3 0+0+1 -> none
    np.testing.assert_array_equal(B.carries([3, 5], [1, 6], 4), [[1, 1, 0, 0], [0, 0, 1, 0]])


def test_all_pairs_and_random_pairs():
    a, b = B.all_pairs(8)
    assert len(a) == len(b) == 128 * 128 and len(set(zip(a, b))) == 128 * 128
    assert max(a) == max(b) == 127
    a, b = B.random_pairs(1000, 64, np.random.default_rng(0))
    assert all(0 <= n < 2 ** 63 for n in a + b) and max(a) > 2 ** 62
    again = B.random_pairs(1000, 64, np.random.default_rng(0))
    assert again == (a, b)                          # seeded: the same pairs


# ---------------------------------------------------------------- gradients

@pytest.mark.parametrize("N,T,H,bias", [(1, 1, 1, False), (1, 8, 16, False), (3, 5, 4, True),
                                        (4, 2, 3, False)])
def test_backward_matches_numerical_gradient(N, T, H, bias):
    rng = np.random.default_rng(N * 100 + T * 10 + H)
    params = B.init_params(H, N * 100 + T * 10 + H, bias=bias)
    if bias:
        params["bh"], params["by"] = rng.uniform(-1, 1, H), rng.uniform(-1, 1, 1)
    x = rng.integers(0, 2, (N, T, 2)).astype(np.float64)
    y = rng.integers(0, 2, (N, T)).astype(np.float64)
    loss, grads = B.loss_and_grads(params, x, y)
    assert set(grads) == set(params)
    f = lambda: B.loss_and_grads(params, x, y)[0]
    for k, p in params.items():
        assert grads[k].shape == p.shape
        assert rel_error(grads[k], numerical_gradient(f, p)) < 1e-7, k


def test_loss_is_the_seeds_half_squared_error_per_pair():
    params = B.init_params(3, 1)
    x, y = B.encode([1, 2], [2, 2], 3)
    p, _ = B.forward(x, params)
    loss, _ = B.loss_and_grads(params, x, y)
    assert loss == pytest.approx(0.5 * np.sum((p - y) ** 2) / 2)


# ---------------------------------------------------------------- training and evaluation

def hand_made_adder():
    """A 3-unit adder built by hand (with biases), s = a + b + carry at each step:
    unit 0 = [s >= 2] (the carry, fed back), unit 1 = [s >= 1], unit 2 = [s >= 3];
    sum bit = s odd = [s >= 1] - [s >= 2] + [s >= 3]."""
    k = 20.0
    params = {"Wxh": k * np.ones((3, 2)), "Whh": np.zeros((3, 3)), "Why": np.zeros((1, 3)),
              "bh": -k * np.array([1.5, 0.5, 2.5]), "by": np.array([-k / 2])}
    params["Whh"][:, 0] = k                         # every unit also counts the carry (unit 0)
    params["Why"][0] = k * np.array([-1.0, 1.0, 1.0])
    return params


def test_evaluator_on_a_hand_made_adder():
    params = hand_made_adder()
    assert B.add(params, 100, 27, 8) == 127
    assert B.add(params, [1, 2 ** 63 - 1], [2, 2 ** 63], 64) == [3, 2 ** 64 - 1]
    a, b = B.all_pairs(8)
    assert B.accuracy(params, a, b, 8) == 1.0
    a, b = B.random_pairs(3000, 64, np.random.default_rng(2))   # more than one CHUNK
    assert B.accuracy(params, a, b, 64) == 1.0
    hs = B.hidden_states(params, 2 ** 63 - 1, 1, 64)
    assert hs.shape == (64, 3)
    np.testing.assert_array_equal(hs[:, 0] > 0.5, B.carries(2 ** 63 - 1, 1, 64) == 1)
    assert B.hidden_states(params, [1, 2], [3, 4], 4).shape == (2, 4, 3)


def test_train_learns_the_8_bit_task():
    params = B.init_params(16, seed=0)
    history = B.train(params, steps=500, seed=0, batch_size=64, learning_rate=2.0, log_every=20)
    steps, losses = history.column("step", "loss")
    assert list(steps) == list(range(20, 501, 20))
    assert losses[-1] < 0.1 < losses[0]
    a, b = B.all_pairs(8)
    assert B.accuracy(params, a, b, 8) == 1.0


def test_train_records_the_mean_loss_and_the_linear_schedule():
    params = B.init_params(4, seed=0)
    logged = []
    history = B.train(params, steps=6, seed=0, batch_size=5, widths=(3, 8, 20), log=logged.append,
                      log_every=4, learning_rate=1.0, final_learning_rate=0.5)
    assert logged == history and [r["step"] for r in history] == [4, 6]
    # the records' means are the per-step losses of the same run, recorded every step
    again = B.train(B.init_params(4, seed=0), steps=6, seed=0, batch_size=5, widths=(3, 8, 20),
                    log_every=1, learning_rate=1.0, final_learning_rate=0.5)
    per_step = again.column("loss")
    assert history[0]["loss"] == pytest.approx(per_step[:4].mean())
    assert history[1]["loss"] == pytest.approx(per_step[4:].mean())
    # the last update (fraction 5/6 done) uses 1.0 - 0.5 * 5/6
    assert history[-1]["learning_rate"] == pytest.approx(1.0 - 0.5 * 5 / 6)


def test_train_is_repeatable_from_its_seed():
    runs = [B.train(p, steps=5, seed=3, batch_size=4, log_every=1) for p in
            (B.init_params(4, seed=1), B.init_params(4, seed=1))]
    assert runs[0].column("loss").tolist() == runs[1].column("loss").tolist()


def test_train_stops_on_nan():
    params = B.init_params(4, seed=0)
    params["Why"][:] = np.nan
    with pytest.raises(TrainingDiverged, match="nan"):
        B.train(params, steps=3, seed=0)


def test_train_stops_above_max_loss():
    params = B.init_params(4, seed=0)
    with pytest.raises(TrainingDiverged, match="step 1: the loss is .*, above max_loss = 0.001"):
        B.train(params, steps=3, seed=0, max_loss=0.001)


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("a,b,match", [
    (-1, 2, r"a must be a non-negative int \(the adder has no sign bit\), got -1"),
    (2, -5, r"b must be a non-negative int .* got -5"),
    (2.0, 3, r"a must be a non-negative int, got 2.0 \(float\)"),
    (2, 0.5, r"b must be a non-negative int, got 0.5 \(float\)"),
    (True, 3, r"a must be a non-negative int, got True \(bool\)"),
    ("7", 1, r"a must be a non-negative int, got '7' \(str\)"),
    (150, 150, r"a \+ b = 150 \+ 150 = 300 needs 9 bits; width 8 holds sums up to 255"),
])
def test_add_rejects_bad_operands(a, b, match):
    params = hand_made_adder()
    with pytest.raises(ValueError, match=match):
        B.add(params, a, b, 8)

@pytest.mark.parametrize("width", [0, -3, 2.5, True, None])
def test_bad_width(width):
    with pytest.raises(ValueError, match=r"width \(the number of bits of the sum\) must be an integer in \[1, "):
        B.encode(1, 1, width)

# ---------------------------------------------------------------- one pair (notebook 04, Part 1)

def _pair_loop_forward(x, Wxh, Whh, Why):
    """The recurrence written out step by step, as in notebook 04."""
    T, H = x.shape[0], Whh.shape[0]
    hs = np.zeros((T + 1, H))
    for t in range(1, T + 1):
        hs[t] = 1 / (1 + np.exp(-(Wxh @ x[t - 1] + Whh @ hs[t - 1])))
    return hs, 1 / (1 + np.exp(-(hs[1:] @ Why[0])))


def test_pair_forward_is_the_written_out_recurrence_and_the_batched_forward():
    p = B.init_params(hidden_size=5, seed=3)
    x, y = B.encode([93, 40], [58, 7], 8)
    hs, ps = B.pair_forward(x[0], p["Wxh"], p["Whh"], p["Why"])
    want_hs, want_ps = _pair_loop_forward(x[0], p["Wxh"], p["Whh"], p["Why"])
    assert hs.shape == (9, 5) and ps.shape == (8,) and np.all(hs[0] == 0)
    np.testing.assert_allclose(hs, want_hs, rtol=1e-12)
    np.testing.assert_allclose(ps, want_ps, rtol=1e-12)
    np.testing.assert_allclose(ps, B.forward(x, p)[0][0], rtol=1e-12)


def test_pair_bptt_matches_numerical_gradients():
    rng = np.random.default_rng(7)
    H, T = 4, 6
    W = {"Wxh": rng.uniform(-1, 1, (H, 2)), "Whh": rng.uniform(-1, 1, (H, H)),
         "Why": rng.uniform(-1, 1, (1, H))}
    x = rng.integers(0, 2, (T, 2)).astype(float)
    y = rng.integers(0, 2, T).astype(float)
    hs, ps = B.pair_forward(x, W["Wxh"], W["Whh"], W["Why"])
    grads = B.pair_bptt(x, y, hs, ps, W["Wxh"], W["Whh"], W["Why"])
    f = lambda: 0.5 * np.sum((_pair_loop_forward(x, W["Wxh"], W["Whh"], W["Why"])[1] - y) ** 2)
    for name, dW in zip(["Wxh", "Whh", "Why"], grads):
        assert dW.shape == W[name].shape
        assert rel_error(dW, numerical_gradient(f, W[name])) < 1e-7, name


def test_train_stops_at_its_seconds_budget_with_a_last_record():
    history = B.train(B.init_params(4, seed=0), seed=0, seconds=0.05, batch_size=4,
                      log_every=10 ** 6)
    assert len(history) == 1 and history[0]["seconds"] >= 0.05 and history[0]["step"] >= 1
