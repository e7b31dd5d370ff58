"""helpers.training: the trainer contract's shared pieces (records, divergence, clipping, seed)."""
import numpy as np
import pytest

from helpers.optim import TrainingDiverged, scheduled_learning_rate
from helpers.training import (Budget, History, Recorder, check_divergence, check_max_loss,
                              clip_gradients, make_rng)


def test_a_record_holds_the_mean_loss_since_the_previous_record():
    budget, logged = Budget(steps=5), []
    rec = Recorder(budget, log=logged.append, log_every=2)
    for loss in (1.0, 3.0, 10.0, 20.0, 7.0):
        budget.tick(0.0)
        rec.add(loss)
        if rec.due():
            rec.record(0.5, valid_loss=budget.step * 0.1)
    # steps 2 and 4 by log_every, step 5 because the budget is spent
    assert [r["step"] for r in rec.history] == [2, 4, 5]
    assert [r["loss"] for r in rec.history] == [2.0, 15.0, 7.0]       # means, not smoothed
    assert logged == list(rec.history)
    assert all(r["learning_rate"] == 0.5 and r["seconds"] > 0 for r in rec.history)
    steps, valid = rec.history.column("step", "valid_loss")
    np.testing.assert_allclose(valid, 0.1 * steps)


def test_a_record_needs_a_counted_step():
    with pytest.raises(ValueError, match="call add"):
        Recorder(Budget(steps=1)).record(0.1)


def test_history_columns_skip_records_without_the_key():
    h = History([{"step": 1, "loss": 2.0}, {"step": 2, "loss": 1.0, "valid_loss": 1.5}])
    np.testing.assert_array_equal(h.column("loss"), [2.0, 1.0])
    steps, valid = h.column("step", "valid_loss")
    assert list(steps) == [2] and list(valid) == [1.5]


@pytest.mark.parametrize("loss, what", [(np.nan, "the loss is nan"), (np.inf, "the loss is inf"),
                                        (9.5, "the loss is 9.5, above max_loss = 9")])
def test_one_divergence_rule(loss, what):
    with pytest.raises(TrainingDiverged, match=f"training diverged at step 3: {what}"):
        check_divergence(loss, 3, 0.1, max_loss=9.0)
    check_divergence(9.0, 3, 0.1, max_loss=9.0)                       # at the bound: fine


def test_max_loss_defaults_to_three_uniform_guesses():
    assert check_max_loss(None, np.log(27)) == pytest.approx(3 * np.log(27))
    assert check_max_loss(2.5, np.log(27)) == 2.5
    with pytest.raises(ValueError, match="max_loss must be a finite number > 0"):
        check_max_loss(0, 1.0)


def test_clip_by_value_then_by_global_norm():
    g = {"a": np.array([3.0, -40.0]), "b": np.array([[4.0]])}
    assert clip_gradients(g) is None and g["a"][1] == -40.0           # both off: untouched
    norm = clip_gradients(g, clip=5.0, max_norm=1.0)
    assert norm == pytest.approx(np.sqrt(9 + 25 + 16))                # the norm after value clipping
    np.testing.assert_allclose(np.concatenate([g["a"], g["b"].ravel()]),
                               np.array([3.0, -5.0, 4.0]) / np.sqrt(50))


def test_seed_is_an_int_and_repeats_the_run():
    assert make_rng(3).integers(1000) == np.random.default_rng(3).integers(1000)
    for bad in (True, 1.0, "1", -1, None):
        with pytest.raises(ValueError, match="seed must be an integer >= 0"):
            make_rng(bad)


@pytest.mark.parametrize("shape", ["cosine", "linear", "constant"])
def test_every_schedule_starts_at_the_rate_and_ends_at_the_final_one(shape):
    end = 0.1 if shape == "constant" else 0.01
    assert scheduled_learning_rate(0.1, 0.0, 0.01, shape) == pytest.approx(0.1)
    assert scheduled_learning_rate(0.1, 1.0, 0.01, shape) == pytest.approx(end)
