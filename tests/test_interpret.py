import shutil

import numpy as np
import pytest

from helpers import char_rnn, interpret
from helpers.snapshot import load_snapshot
from helpers.text import Vocab, data_path

SNAPSHOT = data_path() / "char_rnn_shakespeare.npz"
TEXT = "ALL:\nFair is foul: and foul is fair:\nHover!\n\nDUNCAN:\nWhat bloody <man> & 'tis:-\n"


def tiny_model(H=12, seed=0):
    vocab = Vocab.from_text(TEXT)
    p = char_rnn.init_params(len(vocab), H, seed=seed, dtype=np.float64, scale=0.5)
    p["bh"] += np.random.default_rng(seed + 1).standard_normal(H) * 0.3
    return p, vocab


def step_by_step(p, ids, h):
    hs = []
    for ix in ids:
        h, _ = char_rnn.step(p, ix, h)
        hs.append(h)
    return np.array(hs)


def test_hidden_states_match_char_rnn_step():
    p, vocab = tiny_model()
    ids = vocab.encode(TEXT * 3)
    h0 = np.random.default_rng(2).standard_normal(12) * 0.5
    expected = step_by_step(p, ids, h0)
    hs = interpret.hidden_states(p, ids, h0)
    assert hs.shape == (len(ids), 12)
    np.testing.assert_allclose(hs, expected, rtol=0, atol=1e-12)
    # side-by-side chunks: chunk 0 is exact, later chunks agree once their warm-up has washed out
    # the cold start; with ||Whh|| = 0.5 the difference shrinks at least 2x per step
    p["Whh"] *= 0.5 / np.linalg.norm(p["Whh"], 2)
    hs = interpret.hidden_states(p, ids, h0)
    hc = interpret.hidden_states(p, ids, h0, chunks=4, warmup=30)
    assert hc.shape == hs.shape
    np.testing.assert_allclose(hc[:30 + 10], hs[:40], atol=1e-12)
    np.testing.assert_allclose(hc, hs, atol=1e-8)
    # too short for chunks: falls back to the single exact pass
    np.testing.assert_array_equal(interpret.hidden_states(p, ids[:5], h0, chunks=8), hs[:5])

def test_ablation_zeroes_units_and_copies():
    p, vocab = tiny_model()
    q = interpret.ablate(p, [3, 7])
    hs = interpret.hidden_states(q, vocab.encode(TEXT))
    assert np.all(hs[:, [3, 7]] == 0) and np.all(hs[:, 0] != 0)
    assert np.any(p["Whh"][3] != 0)  # the original is untouched
    with pytest.raises(ValueError, match=r"units must be hidden-unit indices in \[0, 12\)"):
        interpret.ablate(p, [12])


def test_ablating_every_unit_makes_the_output_independent_of_the_input():
    p, vocab = tiny_model()
    q = interpret.ablate(p, np.arange(12))
    rng = np.random.default_rng(0)
    outs = []
    for _ in range(3):
        ids = rng.integers(0, len(vocab), 20)
        hs = interpret.hidden_states(q, ids)
        outs.append(interpret.next_char_probs(q, hs))
        _, logits = char_rnn.step(q, ids[-1], rng.standard_normal(12))
        np.testing.assert_array_equal(logits, p["by"])
    for o in outs:
        np.testing.assert_allclose(o, outs[0][:1].repeat(20, axis=0))
    np.testing.assert_allclose(outs[0][0], np.exp(p["by"]) / np.exp(p["by"]).sum())


def test_ablation_states_runs_many_ablations_at_once():
    p, vocab = tiny_model()
    ids = vocab.encode(TEXT * 3)
    h0 = np.random.default_rng(3).standard_normal(12) * 0.5
    sets = [[], [3, 7], [0], list(range(12))]
    at = np.array([0, 5, len(ids) - 1, 40, 41, 100])
    for chunks, warmup, tol in ((1, 0, 1e-12), (4, 30, 1e-8)):
        if chunks > 1:
            p["Whh"] *= 0.5 / np.linalg.norm(p["Whh"], 2)  # forgets its cold start quickly
        got = interpret.ablation_states(p, ids, sets, at, chunks=chunks, warmup=warmup, h0=h0)
        assert got.shape == (len(sets), len(at), 12)
        for s, units in enumerate(sets):
            want = step_by_step(interpret.ablate(p, units), ids, h0)[at]
            np.testing.assert_allclose(got[s], want, rtol=0, atol=tol)
    with pytest.raises(ValueError, match=r"at must be positions in the text in \[0, "):
        interpret.ablation_states(p, ids, sets, [len(ids)])
    with pytest.raises(ValueError, match=r"units must be hidden-unit indices"):
        interpret.ablation_states(p, ids, [[-1]], at)


def test_ablation_colon_stats_equals_colon_stats_of_ablated_models():
    p, vocab = tiny_model()
    text = TEXT * 2
    runs = interpret.ablation_colon_stats(p, vocab, text, [[], [1, 2, 3]], chunks=1)
    for units, got in zip([[], [1, 2, 3]], runs):
        q = interpret.ablate(p, units)
        want = interpret.colon_stats(q, vocab, text, interpret.hidden_states(q, vocab.encode(text)))
        assert got.keys() == want.keys()
        for k in want:
            assert got[k] == pytest.approx(want[k], abs=1e-12)


def test_classify_colons_on_a_hand_made_play():
    text = ("ALL:\nFair is foul: and foul is fair:\nHover!\n\nLADY MACBETH:\n"
            "Out, damned spot:\n\nDUNCAN:\nThe end:'tis:-\nlast:")
    c = interpret.classify_colons(text)
    assert set(c) == set(interpret.COLON_KINDS)
    at = {k: [text[text.rfind("\n", 0, i) + 1:i + 1] for i in v] for k, v in c.items()}
    assert at["speaker"] == ["ALL:", "LADY MACBETH:", "DUNCAN:"]
    assert at["midline"] == ["Fair is foul:"]
    assert at["line_end"] == ["Fair is foul: and foul is fair:", "Out, damned spot:"]
    assert at["other"] == ["The end:", "The end:'tis:", "last:"]
    assert all(text[i] == ":" for v in c.values() for i in v)
    assert sum(len(v) for v in c.values()) == text.count(":")


def test_colon_stats_averages_the_right_probabilities():
    p, vocab = tiny_model()
    hs = interpret.hidden_states(p, vocab.encode(TEXT))
    s = interpret.colon_stats(p, vocab, TEXT, hs)
    c = interpret.classify_colons(TEXT)
    probs = interpret.next_char_probs(p, hs)
    assert s["n_speaker"] == 2 and s["n_midline"] == 1 and s["n_line_end"] == 1
    assert s["p_newline_speaker"] == pytest.approx(probs[c["speaker"], vocab["\n"]].mean())
    assert s["p_space_midline"] == pytest.approx(probs[c["midline"][0], vocab[" "]])
    np.testing.assert_allclose(probs.sum(axis=1), 1)
    with pytest.raises(ValueError, match="hs has 3 states but the text has"):
        interpret.colon_stats(p, vocab, TEXT, hs[:3])


def test_activation_html_escapes_and_colours():
    text = '<b>&"x\'\n'
    out = interpret.activation_html(text, [1.0, -1.0, 0.0, 0.5, 0.25, -0.5, 0.1, 0.0],
                                    title="unit <7>")
    assert "<b>&" not in out and "&lt;" in out and "&gt;" in out and "&amp;" in out
    assert "&quot;" in out and "&#x27;" in out and "unit &lt;7&gt;" in out
    assert out.count("<span") == len(text) and "\u21b5" in out
    assert "rgb(255, 95, 95)" in out and "rgb(95, 95, 255)" in out and "rgb(255, 255, 255)" in out
    assert "rgb(255, 175, 175)" in out and 'title="+0.5"' in out  # half way: 0.5 -> 10 of 20 shades
    assert out == interpret.activation_html(text, [1.0, -1.0, 0.0, 0.5, 0.25, -0.5, 0.1, 0.0],
                                            title="unit <7>")
    tiny = interpret.activation_html("ab", [-1e-9, 1e-9], vmax=1)
    assert tiny.count('title="+0.0"') == 2 and tiny.count("rgb(255, 255, 255)") == 2
    with pytest.raises(ValueError, match=r"one value per character: shape \(8,\)"):
        interpret.activation_html(text, [1.0, 2.0])


def test_the_course_snapshot_loads_with_250_hidden_units():
    params, vocab, meta = load_snapshot(SNAPSHOT)
    assert params["Whh"].shape == (250, 250) and params["Wxh"].shape == (250, len(vocab))
    assert params["Whh"].dtype == np.float32
    assert ":" in vocab and "\n" in vocab and " " in vocab
    # the snapshot records how it was made and what it reached
    assert meta["hidden"] == 250 and meta["command"].startswith("python -m helpers.char_rnn train")
    assert meta["valid_loss"] <= 1.70 and len(meta["valid_curve"]) > 10


def test_a_corrupted_copy_of_the_snapshot_is_rejected(tmp_path):
    flipped = tmp_path / "flipped.npz"      # damaged weights: the zip's CRC-32 check catches it
    data = bytearray(SNAPSHOT.read_bytes())
    data[len(data) // 2:len(data) // 2 + 64] = b"\x07" * 64
    flipped.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="not a readable .npz snapshot .*CRC"):
        load_snapshot(flipped)
    bad = tmp_path / "broken.npz"
    shutil.copy(SNAPSHOT, bad)
    with open(bad, "r+b") as f:  # overwrite the zip's central directory at the end of the file
        f.seek(-200, 2)
        f.write(b"\0" * 200)
    with pytest.raises(ValueError, match="not a readable .npz snapshot"):
        load_snapshot(bad)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(SNAPSHOT.read_bytes()[: SNAPSHOT.stat().st_size // 2])
    with pytest.raises(ValueError, match="not a readable .npz snapshot"):
        load_snapshot(truncated)
