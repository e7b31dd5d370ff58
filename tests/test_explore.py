"""The explorers of notebooks 03, 05, 06 and 08 without a browser: the numbers each one draws
(helpers.explore) and the widgets that only call them (helpers.widgets)."""
import re

import numpy as np
import pytest

from helpers import char_rnn, recall
from helpers import seq2seq as s2s
from helpers.cells import get_cell
from helpers.explore import attention_view, gradient_view, sampling_view, unit_view
from helpers.interpret import classify_colons, colon_stats, hidden_states
from helpers.layers import (gru_backward, gru_forward, lstm_backward, lstm_forward,
                            lstm_step_forward, rnn_backward, rnn_forward)
from helpers.snapshot import load_snapshot
from helpers.softmax import softmax
from helpers.text import data_path, load_text
from helpers.widgets import AttentionExplorer, GradientExplorer, SamplingExplorer, UnitExplorer

PROMPT = "MACBETH:\nSo foul and fair a day "
STRETCH = 20_000          # characters of Macbeth the unit tests read (as notebook 05's explorer)


@pytest.fixture(scope="module")
def char_model():
    params, vocab, _ = load_snapshot(data_path("char_rnn_shakespeare.npz"))
    return params, vocab


@pytest.fixture(scope="module")
def macbeth():
    return load_text("shakespeare", "valid.txt")[:STRETCH]


@pytest.fixture(scope="module")
def reversal_models():
    return tuple(s2s.Seq2Seq.load(data_path(f"seq2seq_{name}.npz"), dtype=np.float32)
                 for name in ("plain", "attention"))


# ---------------------------------------------------------------- 03: sampling

def test_sampling_repeats_for_the_same_settings(char_model):
    params, vocab = char_model
    first = sampling_view(params, vocab, PROMPT, 1.0, n=80, seed=3)["text"]
    other = sampling_view(params, vocab, PROMPT, 0.5, n=80, seed=3)["text"]
    again = sampling_view(params, vocab, PROMPT, 1.0, n=80, seed=3)["text"]
    assert len(first) == 80 and first == again and other != first
    assert sampling_view(params, vocab, PROMPT, 1.0, n=80, seed=4)["text"] != first


def test_sampling_step_shows_the_distribution_the_character_came_from(char_model):
    params, vocab = char_model
    cache = {}
    for step in (0, 7, 39):
        r = sampling_view(params, vocab, PROMPT, 0.7, k=10, mass=0.9, n=40, seed=1, step=step,
                          cache=cache)
        h = char_rnn.zero_state(params)  # the model's own step over the prompt and the text so far
        for ix in vocab.encode(PROMPT + r["text"][:step]):
            h, logits = char_rnn.step(params, ix, h)
        np.testing.assert_allclose(r["probs"], softmax(logits.astype(np.float64), 0.7), atol=1e-6)
        assert r["char"] == r["text"][step] and r["kept"][vocab[r["char"]]], \
            "the character drawn must be one the truncation kept"
        assert np.isclose(r["drawn_from"].sum(), 1) and np.all(r["drawn_from"][~r["kept"]] == 0)
    assert len(cache) == 1, "moving the step must not sample again"


@pytest.mark.parametrize("k", [1, 5, 20])
def test_top_k_keeps_k_bars_at_every_step(char_model, k):
    params, vocab = char_model
    cache = {}
    for step in range(0, 30, 3):
        r = sampling_view(params, vocab, PROMPT, 1.0, k=k, n=30, step=step, cache=cache)
        assert r["kept"].sum() == k
        assert set(np.flatnonzero(r["kept"])) == set(r["order"][:k]), "the k most likely are kept"
    if k == 1:   # top-1 is greedy: every character is the most likely one
        text = r["text"]
        greedy = sampling_view(params, vocab, PROMPT, 0.3, k=1, n=30)["text"]
        assert text == greedy, "with k = 1 the temperature cannot change the text"


def test_top_p_keeps_the_smallest_set_reaching_p(char_model):
    params, vocab = char_model
    for mass in (0.5, 0.9):
        r = sampling_view(params, vocab, PROMPT, 1.0, mass=mass, n=5, step=0)
        kept = r["probs"][r["kept"]]
        assert kept.sum() >= mass > kept.sum() - kept.min()
    full = sampling_view(params, vocab, PROMPT, 1.0, n=5, step=0)
    assert full["kept"].all(), "k = V and p = 1 cut nothing"


@pytest.mark.parametrize("settings, match", [
    (dict(prompt="Hello ~"), "not in the vocabulary"),
    (dict(k=0), "k must be an integer in"),
    (dict(mass=0.0), "mass must be"),
    (dict(temperature=0.0), "temperature"),
    (dict(step=30), "step must be an integer in"),
])
def test_sampling_rejects_bad_settings(char_model, settings, match):
    params, vocab = char_model
    args = dict(prompt=PROMPT, temperature=1.0, k=None, mass=1.0, n=30, seed=0, step=0) | settings
    with pytest.raises(ValueError, match=match):
        sampling_view(params, vocab, **args)


def test_sampling_explorer_gives_the_text_back(char_model):
    params, vocab = char_model
    e = SamplingExplorer(params, vocab, PROMPT, n=60)
    text, picture = e.result["text"], e.image.value
    e.temperature.value = 0.5
    assert e.result["text"] != text and e.image.value != picture
    e.temperature.value = 1.0
    assert e.result["text"] == text and e.image.value == picture, "moving T back gives the same text"
    e.k.value = 3
    assert e.result["kept"].sum() == 3 and "kept 3 of 63" in e.readout.value
    e.step.value = 10
    assert e.result["char"] == e.result["text"][10] and "step 10" in e.readout.value
    e.prompt.value = "Hello ~"
    assert "not in the vocabulary" in e.error and "not in the vocabulary" in e.readout.value


# ---------------------------------------------------------------- 05: a unit, ablation

def newline_units(params, vocab, text, K=20):
    """Notebook 05's recipe: the K units with the largest weight x activation towards '\\n'
    against ' ' after NAME: colons (Part 3)."""
    hs = hidden_states(params, vocab.encode(text))
    w = params["Why"][vocab["\n"]] - params["Why"][vocab[" "]]
    return np.argsort(-(w * hs[classify_colons(text)["speaker"]].mean(axis=0)))[:K]


def test_unit_view_colours_by_the_units_activation(char_model, macbeth):
    params, vocab = char_model
    a, b = 5000, 5400
    r = unit_view(params, vocab, macbeth, (a, b), 97)
    hs = hidden_states(params, vocab.encode(macbeth[a - 200:b]))[200:]
    np.testing.assert_allclose(r["acts"], hs[:, 97], atol=1e-6)
    assert r["stats"] == r["intact"], "without the switch the model is the trained one"
    whole = colon_stats(params, vocab, macbeth, hidden_states(params, vocab.encode(macbeth)))
    assert r["intact"]["p_newline_speaker"] == pytest.approx(whole["p_newline_speaker"], abs=1e-3)


def test_ablation_as_notebook_05_says(char_model, macbeth):
    params, vocab = char_model
    units = newline_units(params, vocab, macbeth)
    cache = {}
    r = unit_view(params, vocab, macbeth, (5000, 5400), int(units[0]), units, True, cache=cache)
    assert np.all(r["acts"] == 0), "a switched-off unit is 0 everywhere"
    assert r["stats"]["p_newline_speaker"] <= r["intact"]["p_newline_speaker"] / 2, \
        "switching the newline units off at least halves P('\\n') after NAME:"
    assert r["stats"]["p_space_speaker"] > 2 * r["intact"]["p_space_speaker"], \
        "... and the model writes a space there instead"
    others = np.setdiff1d(np.arange(params["Whh"].shape[0]), units)
    rand = np.random.default_rng(0).choice(others, len(units), replace=False)
    c = unit_view(params, vocab, macbeth, (5000, 5400), 97, rand, True, cache=cache)
    assert c["stats"]["p_newline_speaker"] > 0.85 * c["intact"]["p_newline_speaker"], \
        "as many random units take away far less"
    off = unit_view(params, vocab, macbeth, (5000, 5400), 97, units, False, cache=cache)
    assert off["stats"] == off["intact"]


@pytest.mark.parametrize("unit, passage, match", [
    (250, (0, 10), r"unit must be an integer in \[0, 249\]"),
    (3, (10, 10), "passage stop"),
    (3, (0, STRETCH + 1), "passage stop"),
])
def test_unit_view_rejects_bad_settings(char_model, macbeth, unit, passage, match):
    params, vocab = char_model
    with pytest.raises(ValueError, match=match):
        unit_view(params, vocab, macbeth, passage, unit)


def test_unit_explorer(char_model, macbeth):
    params, vocab = char_model
    units = tuple(int(u) for u in newline_units(params, vocab, macbeth))
    e = UnitExplorer(params, vocab, macbeth, (5000, 5400), {"97: line position": 97, "92": 92},
                     {"the newline units": units})
    before, picture = e.readout.value, e.image.value
    e.ablated.value = True
    assert e.readout.value != before and e.image.value != picture
    assert e.result["stats"]["p_newline_speaker"] <= e.result["intact"]["p_newline_speaker"] / 2
    e.preset.value = 92
    assert e.unit.value == 92 and "unit 92" in e.passage_view.value
    e.ablated.value = False
    assert e.readout.value.replace("92", "97") == before


# ---------------------------------------------------------------- 06: attention

def test_attention_view(reversal_models):
    plain, attn = reversal_models
    for word in ("christiane", "mckinley", "ab"):
        r = attention_view(plain, attn, word)
        assert r["plain"] == plain.translate([word])[0] and r["attention"] == attn.translate([word])[0]
        assert r["weights"].shape == (len(r["attention"]) + 1, len(word))
        np.testing.assert_allclose(r["weights"].sum(axis=1), 1, atol=1e-5)
    assert attention_view(plain, attn, "christiane")["attention"] == "enaitsirhc"
    with pytest.raises(ValueError, match="must be one with attention"):
        attention_view(plain, plain, "anna")


@pytest.mark.parametrize("word, match", [("Mans", r"outside the vocabulary: \['M'\]"),
                                         ("maximiliano", "longer than the model's limit"),
                                         ("", "non-empty")])
def test_attention_explorer_says_what_is_wrong(reversal_models, word, match):
    e = AttentionExplorer(*reversal_models)
    shown = e.result
    e.word.value = word
    assert e.error is not None and re.search(match, e.error) and e.result is shown, "bad input keeps the last result"
    e.word.value = "anna"
    assert e.error is None and e.result["attention"] == "anna"[::-1]
    assert "anna -> anna" in e.readout.value.replace("&gt;", ">")


# ---------------------------------------------------------------- 08: the gradient back in time

V_RECALL = len(recall.vocabulary())


@pytest.fixture(scope="module")
def recall_batch():
    x, y, _ = recall.make_batch(16, 12, np.random.default_rng(0))
    return x, y[:, -1]


def models(H=8):
    return {name: get_cell(name).init_params(V_RECALL, H, seed=1, dtype=np.float64)
            for name in ("rnn", "lstm", "gru")}


def test_vanilla_gradient_decays_below_one_over_sigma_max(recall_batch):
    """|tanh'| <= 1, so every step back multiplies the norm by at most s * sigma_max(Whh)."""
    x, target = recall_batch
    p = models()["rnn"]
    sigma = np.linalg.svd(p["Whh"], compute_uv=False)[0]
    for s in (0.5 / sigma, 0.9 / sigma):
        n = gradient_view(p, x, target, s)["norms"]
        bound = (s * sigma) ** np.arange(len(n))[:, None] * n[0]
        assert np.all(n <= bound * (1 + 1e-12)) and n[-1].max() < n[0].min()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_gradient_curve_is_the_layers_backward(recall_batch, cell):
    """dL/dh_(T-k) is dh0 of the sequence backward over the last k steps started from h_(T-k)
    (and c_(T-k) for the LSTM), with the loss on the last step only."""
    x, target = recall_batch
    p = models()[cell]
    scale = 1.3
    norms = gradient_view(p, x, target, scale)["norms"]
    q = dict(p)
    key = "Whh" if cell == "rnn" else "Wh"
    q[key] = scale * p[key]
    N, T = x.shape
    onehot = np.eye(V_RECALL)[x]
    h0 = np.zeros((N, q["Why"].shape[1]))
    if cell == "rnn":
        h, _ = rnn_forward(onehot, h0, q["Wxh"], q["Whh"], q["bh"])
    elif cell == "lstm":
        h, cache = lstm_forward(onehot, h0, q["Wx"], q["Wh"], q["b"])
    else:
        h, _ = gru_forward(onehot, h0, q["Wx"], q["Wh"], q["bx"], q["bh"])
    d = softmax(h[:, -1] @ q["Why"].T + q["by"])
    d[np.arange(N), target] -= 1
    for k in (1, 4, T - 1):
        dh = np.zeros((N, k, h.shape[2]))
        dh[:, -1] = d @ q["Why"]
        start = h[:, T - 1 - k]                      # h_(T-k), the state the last k steps start from
        if cell == "rnn":
            _, cache = rnn_forward(onehot[:, T - k:], start, q["Wxh"], q["Whh"], q["bh"])
            dh0 = rnn_backward(dh, cache)[1]
        elif cell == "lstm":
            c = _lstm_cells(onehot, h0, q)[:, T - 1 - k]
            _, cache = lstm_forward(onehot[:, T - k:], start, q["Wx"], q["Wh"], q["b"], c0=c)
            dh0 = lstm_backward(dh, cache)[1]
        else:
            _, cache = gru_forward(onehot[:, T - k:], start, q["Wx"], q["Wh"], q["bx"], q["bh"])
            dh0 = gru_backward(dh, cache)[1]
        np.testing.assert_allclose(norms[k], np.linalg.norm(dh0, axis=1), rtol=1e-9)


def _lstm_cells(onehot, h0, q):
    """The cell states c_t of an LSTM run, step by step (lstm_forward returns only h)."""
    h, c, cs = h0, np.zeros_like(h0), []
    for t in range(onehot.shape[1]):
        h, c, _ = lstm_step_forward(onehot[:, t], h, c, q["Wx"], q["Wh"], q["b"])
        cs.append(c)
    return np.stack(cs, axis=1)


def test_gated_cells_at_scale_zero(recall_batch):
    x, target = recall_batch
    m = models()
    lstm = gradient_view(m["lstm"], x, target, 0.0)["norms"]
    assert np.all(lstm[0] > 0) and np.all(lstm[1:] == 0), "with Wh = 0, h_(t-1) reaches nothing"
    gru = gradient_view(m["gru"], x, target, 0.0)["norms"]
    assert np.all(gru[1:] <= gru[:-1]) and np.all(gru[-1] > 0), \
        "with Wh = 0 the GRU passes z * dh back: shrinking, never zero"


def test_gradient_view_rejects_bad_settings(recall_batch):
    x, target = recall_batch
    p = models()["rnn"]
    with pytest.raises(ValueError, match="scale must be a finite number >= 0"):
        gradient_view(p, x, target, -1.0)
    with pytest.raises(ValueError, match=r"x must be \(N, T\) ids and target \(N,\)"):
        gradient_view(p, x, target[:3])
    with pytest.raises(ValueError, match="the parameters of no known cell"):
        gradient_view({"Why": p["Why"], "by": p["by"]}, x, target)


def test_gradient_explorer(recall_batch):
    x, target = recall_batch
    e = GradientExplorer(models(), x, target)
    curve, picture = e.result["mean"], e.image.value
    e.scale.value = 0.5
    assert np.all(e.result["mean"][1:] < curve[1:]) and e.image.value != picture
    e.cell.value = "lstm"
    assert e.result["cell"] == "lstm" and "lstm, recurrent weights x 0.50" in e.readout.value
    e.cell.value, e.scale.value = "rnn", 1.0
    np.testing.assert_array_equal(e.result["mean"], curve)
    assert e.image.value == picture, "back to the same settings: the same picture"
