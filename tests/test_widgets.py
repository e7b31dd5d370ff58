"""The temperature explorer, driven without a browser: set the widgets' values, check the results."""
import numpy as np
import pytest

from helpers.softmax import entropy, softmax
from helpers.widgets import (TemperatureExplorer, compute, format_readout, format_temperature,
                             parse_logits)

WORKED = {0.2: [4.509e-05, 6.693e-03, 9.933e-01],  # CSC321 part 1: z = (1, 2, 3), alpha = 5, 1, 0.1
          1.0: [0.0900, 0.2447, 0.6652],
          10.0: [0.3006, 0.3322, 0.3672]}


@pytest.fixture(scope="module")
def explorer():
    return TemperatureExplorer([1.0, 2.0, 3.0], temperature=1.0, seed=0)


def test_parse_logits():
    np.testing.assert_array_equal(parse_logits("1, 2, 3"), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(parse_logits(" -1.5,2e3 ,0, "), [-1.5, 2000.0, 0.0])
    assert parse_logits("7").shape == (1,)


@pytest.mark.parametrize("text, match", [
    ("1, two, 3", r"could not read 'two' as a number: type comma-separated numbers"),
    ("", "no logits given"),
    (" , ", "no logits given"),
    ("1, nan", r"logit 'nan' is not finite"),
    ("1, -inf", r"logit '-inf' is not finite"),
    (",".join(["1"] * 51), r"too many logits \(51\): at most 50"),
])
def test_parse_logits_rejects_bad_text(text, match):
    with pytest.raises(ValueError, match=match):
        parse_logits(text)


def test_compute_matches_the_worked_example():
    for t, want in WORKED.items():
        r = compute([1.0, 2.0, 3.0], t, seed=0, n_samples=10)
        np.testing.assert_allclose(r["probs"], want, rtol=1e-3)
        assert r["temperature"] == t
        assert r["entropy"] == pytest.approx(entropy(softmax([1.0, 2.0, 3.0], t)))
        assert r["max_entropy"] == pytest.approx(np.log(3))
        assert r["samples"].shape == (10,) and set(r["samples"]) <= {0, 1, 2}


def test_compute_samples_depend_only_on_seed():
    a = compute([0.0, 0.0, 0.0, 0.0], 1.0, seed=3, n_samples=50)["samples"]
    b = compute([0.0, 0.0, 0.0, 0.0], 1.0, seed=3, n_samples=50)["samples"]
    c = compute([0.0, 0.0, 0.0, 0.0], 1.0, seed=4, n_samples=50)["samples"]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # at a tiny temperature every draw is the argmax
    assert set(compute([0.0, 5.0, 1.0], 0.01, seed=3)["samples"]) == {1}


def test_compute_rejects_bad_temperature():
    with pytest.raises(ValueError, match="temperature must be"):
        compute([1.0, 2.0], 0.0)


def test_format_readout():
    text = format_readout(compute([1.0, 2.0, 3.0], 1.0, seed=0, n_samples=10))
    lines = text.split("\n")
    assert lines[0] == "T = 1.00"
    assert lines[1] == "entropy H = 0.8324 nats (uniform: ln 3 = 1.0986)"
    assert lines[2] == "p = 0.090 0.245 0.665"
    assert lines[3].startswith("10 samples (seed 0): ")
    assert [format_temperature(t) for t in (0.01, 0.631, 2.0, 100.0)] == ["0.0100", "0.631", "2.00", "100"]
    # many logits: no probability line, the bars show them
    assert "p = " not in format_readout(compute(np.arange(20.0), 1.0))


def test_slider_range_is_log_scale_001_to_100(explorer):
    s = explorer.slider
    assert (s.base, s.min, s.max) == (10, -2, 2)
    assert s.value == 1.0


def test_moving_the_slider_updates_probabilities_entropy_and_readout(explorer):
    png_before = explorer.image.value
    for t, want in WORKED.items():
        explorer.slider.value = t  # what dragging the slider does
        r = explorer.result
        assert r["temperature"] == pytest.approx(t)
        np.testing.assert_allclose(r["probs"], want, rtol=1e-3)
        assert r["entropy"] == pytest.approx(entropy(np.array(want)), abs=1e-3)
        for line in format_readout(r).split("\n"):
            assert line in explorer.readout.value
    assert explorer.image.value[:4] == b"\x89PNG" and explorer.image.value != png_before
    # low T: entropy near 0 and all samples the argmax; high T: entropy near ln K
    explorer.slider.value = 0.01
    assert explorer.result["entropy"] < 1e-6 and set(explorer.result["samples"]) == {2}
    explorer.slider.value = 100.0
    assert explorer.result["entropy"] == pytest.approx(np.log(3), abs=1e-4)
    explorer.slider.value = 1.0


def test_editing_the_logits(explorer):
    explorer.logits_box.value = "0, 0, 5, 5"
    assert explorer.error is None
    np.testing.assert_allclose(explorer.result["probs"], softmax([0.0, 0.0, 5.0, 5.0]))
    assert "ln 4 = 1.3863" in explorer.readout.value

    explorer.logits_box.value = "1, two"  # bad text: a clear message, the last good result stays
    assert "could not read 'two'" in explorer.error
    assert "Cannot use these logits" in explorer.readout.value
    assert explorer.result["probs"].shape == (4,)

    explorer.logits_box.value = "1, 2, 3"
    assert explorer.error is None and explorer.result["probs"].shape == (3,)


def test_explorer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="between 0.01 and 100"):
        TemperatureExplorer([1.0, 2.0], temperature=1000.0)
    with pytest.raises(ValueError, match="temperature must be"):
        TemperatureExplorer([1.0, 2.0], temperature=-1.0)
    with pytest.raises(ValueError, match="not finite"):
        TemperatureExplorer([1.0, float("nan")])
