"""The encoder-decoder: framing of words, gradients of the whole model (plain and with
attention) against numerical ones in float64, masking, decoding, saving, bad input."""
import string

import numpy as np
import pytest

from helpers import seq2seq as s2s
from helpers.gradcheck import numerical_gradient, rel_error
from helpers.text import data_path

PAIRS = [("man", "women"), ("black", "white"), ("king", "queen"),
         ("girl", "boy"), ("up", "down"), ("high", "low")]
VOCAB = s2s.make_vocab(string.ascii_lowercase)


def small_model(attention, H=5, seed=1, scale=0.5):
    """A float64 model whose weights are large enough that every gradient is well above the
    rounding noise of a centred difference."""
    m = s2s.Seq2Seq(VOCAB, hidden_size=H, max_len=6, attention=attention, seed=seed)
    rng = np.random.default_rng(seed + 100)
    for p in m.params.values():
        p += scale * rng.standard_normal(p.shape)
    return m


# ---------------------------------------------------------------- framing

def test_vocab_has_pad_first_and_the_specials():
    assert VOCAB.itos[:3] == ["?", "E", "S"] and len(VOCAB) == 29
    assert VOCAB[s2s.PAD] == 0


def test_encode_source_and_target_framing():
    src, lengths = s2s.encode_source(["king", "up"], VOCAB, 5)
    assert VOCAB.decode(src[0]) == "king" and VOCAB.decode(src[1]) == "up??"
    np.testing.assert_array_equal(lengths, [4, 2])
    dec_in, dec_out, mask = s2s.encode_target(["queen", "down"], VOCAB, 5)
    assert VOCAB.decode(dec_in[0]) == "Squeen" and VOCAB.decode(dec_out[0]) == "queenE"
    assert VOCAB.decode(dec_in[1]) == "Sdown?" and VOCAB.decode(dec_out[1]) == "downE?"
    np.testing.assert_array_equal(mask.sum(axis=1), [6, 5])


# ---------------------------------------------------------------- gradients

@pytest.mark.parametrize("attention", [False, True])
def test_whole_model_gradient_check(attention):
    m = small_model(attention)
    src, tgt = ["abc", "e", "dcbae"], ["cba", "aa", "eabcd"]   # padding on both sides
    _, grads = m.loss_and_grads(src, tgt)
    assert set(grads) == set(m.params)
    for k, p in m.params.items():
        num = numerical_gradient(lambda: m.loss(src, tgt), p)
        assert grads[k].shape == p.shape
        assert rel_error(grads[k], num) < 1e-6, k


def test_attention_layer_gradient_check():
    rng = np.random.default_rng(3)
    N, Td, Ts, H = 3, 4, 5, 6
    hd, he = rng.standard_normal((N, Td, H)), rng.standard_normal((N, Ts, H))
    src_mask = np.arange(Ts) < np.array([5, 2, 4])[:, None]
    dc = rng.standard_normal((N, Td, H))
    _, _, cache = s2s.attention_forward(hd, he, src_mask)
    dhd, dhe = s2s.attention_backward(dc, cache)
    f = lambda: s2s.attention_forward(hd, he, src_mask)[0]
    assert rel_error(dhd, numerical_gradient(f, hd, dc)) < 1e-8
    assert rel_error(dhe, numerical_gradient(f, he, dc)) < 1e-8
    assert np.all(dhe[~src_mask] == 0)      # padding states get no gradient


def test_attention_weights_are_distributions_without_padding():
    rng = np.random.default_rng(4)
    hd, he = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4))
    src_mask = np.arange(5) < np.array([5, 3])[:, None]
    c, a, _ = s2s.attention_forward(hd, he, src_mask)
    np.testing.assert_allclose(a.sum(axis=-1), 1.0)
    assert np.all(a[1, :, 3:] == 0)
    np.testing.assert_allclose(c, a @ he)


@pytest.mark.parametrize("attention", [False, True])
def test_padding_changes_nothing(attention):
    """The loss of a padded batch is the token-weighted mean of the words' own losses, and
    whatever sits in the padding is ignored."""
    m = small_model(attention)
    src, tgt = ["abc", "e", "dcbae"], ["cba", "aa", "eabcd"]
    batch = m.batch(src, tgt)
    loss = s2s.loss_and_grads(m.params, *batch, backward=False)[0]
    singles = [m.loss([s], [t]) for s, t in zip(src, tgt)]
    weights = [len(t) + 1 for t in tgt]
    assert loss == pytest.approx(np.average(singles, weights=weights), rel=1e-12)
    s, lengths, dec_in, dec_out, mask = (b.copy() for b in batch)
    s[s == VOCAB[s2s.PAD]] = VOCAB["z"]
    dec_in[:, 1:][~mask[:, :-1]] = VOCAB["q"]
    dec_out[~mask] = VOCAB["q"]
    assert s2s.loss_and_grads(m.params, s, lengths, dec_in, dec_out, mask,
                              backward=False)[0] == pytest.approx(loss, rel=1e-12)


# ---------------------------------------------------------------- training and decoding

def test_six_pairs_learned_and_decoded_free_running():
    m = s2s.Seq2Seq(VOCAB, hidden_size=128, max_len=5, seed=0)
    losses = s2s.train(m, PAIRS, steps=150, learning_rate=1e-3, seed=0, log_every=1).column("loss")
    assert len(losses) == 150 and losses[-1] < 0.05 < losses[0]
    assert m.translate([a for a, _ in PAIRS]) == [b for _, b in PAIRS]
    tf = m.teacher_forced([a for a, _ in PAIRS], [b for _, b in PAIRS])
    assert tf == [b + "E" for _, b in PAIRS]


def test_decoding_stops_at_the_length_limit():
    m = s2s.Seq2Seq(VOCAB, hidden_size=8, max_len=4, seed=0)
    m.params["by"][VOCAB["a"]] = 100.0           # an untrained model that never says 'E'
    out, details = m.translate(["ab", "abcd"], return_details=True)
    assert out == ["aaaa", "aaaa"]
    assert details[0]["probs"].shape == (5, len(VOCAB))


def test_translate_returns_attention_over_the_real_characters():
    m = small_model(True)
    _, details = m.translate(["abc", "e"], return_details=True)
    for d, L in zip(details, (3, 1)):
        assert d["attention"].shape[1] == L
        np.testing.assert_allclose(d["attention"].sum(axis=1), 1.0)


def test_training_is_seeded():
    pairs = [(w, w[::-1]) for w in ["abc", "bcd", "cab", "dab"]]
    runs = []
    for _ in range(2):
        m = s2s.Seq2Seq(VOCAB, hidden_size=8, max_len=4, attention=True, seed=2)
        runs.append(s2s.train(m, pairs, steps=5, batch_size=2, seed=3, log_every=1).column("loss"))
    assert runs[0].tolist() == runs[1].tolist()


def test_nan_loss_stops_training():
    m = s2s.Seq2Seq(VOCAB, hidden_size=4, max_len=3, seed=0)
    m.params["Why"][:] = np.nan
    with pytest.raises(s2s.TrainingDiverged, match="diverged"):
        s2s.train(m, [("ab", "ba")], steps=1, seed=0)


# ---------------------------------------------------------------- the reversal task

def test_reversal_split_is_seeded_disjoint_and_stratified():
    tr, te = s2s.reversal_split(seed=0)
    assert (tr, te) == s2s.reversal_split(seed=0)
    assert not set(tr) & set(te)
    assert {len(w) for w in tr + te} == set(range(3, 11))
    for L in range(3, 11):
        n_te = sum(len(w) == L for w in te)
        assert n_te == round(0.2 * (n_te + sum(len(w) == L for w in tr)))


def test_shipped_models_load_and_reach_their_accuracy():
    _, te = s2s.reversal_split(seed=0)
    accs = {}
    for name in ("plain", "attention"):
        m = s2s.Seq2Seq.load(data_path(f"seq2seq_{name}.npz"), dtype=np.float32)
        assert m.attention == (name == "attention") and m.max_len == 10
        accs[name] = m.accuracy(te, [w[::-1] for w in te])
        assert accs[name] == pytest.approx(m.meta["test_accuracy"], abs=0.005)
    assert accs["attention"] >= 0.95 and accs["attention"] > accs["plain"]


@pytest.mark.parametrize("attention", [False, True])
def test_save_load_roundtrip(tmp_path, attention):
    m = small_model(attention)
    m.save(tmp_path / "m.npz", {"note": "x"})
    m2 = s2s.Seq2Seq.load(tmp_path / "m.npz")
    assert m2.meta["note"] == "x" and m2.attention == attention and m2.max_len == 6
    for k in m.params:
        np.testing.assert_array_equal(m.params[k], m2.params[k])
    assert m2.translate(["abc"]) == m.translate(["abc"])


# ---------------------------------------------------------------- bad input

def test_character_outside_the_vocabulary():
    m = s2s.Seq2Seq(VOCAB, hidden_size=4, max_len=5)
    with pytest.raises(ValueError, match=r"'Mans' has characters outside the vocabulary: \['M'\]"):
        m.translate(["Mans"])
    with pytest.raises(ValueError, match="outside the vocabulary"):
        m.translate(["maSs"])                     # a reserved symbol is not a letter either
    with pytest.raises(ValueError, match="outside the vocabulary"):
        m.loss(["man"], ["wo-men"])


def test_word_longer_than_the_limit():
    m = s2s.Seq2Seq(VOCAB, hidden_size=4, max_len=5)
    with pytest.raises(ValueError, match=r"'kingdom' has 7 characters, longer than the model's "
                                         r"limit of max_len=5"):
        m.translate(["kingdom"])
    with pytest.raises(ValueError, match="longer than the model's limit"):
        s2s.train(m, [("king", "queendom")], steps=1, seed=0)
