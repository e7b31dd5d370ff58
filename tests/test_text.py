import numpy as np

from helpers.text import Vocab, load_text, stream_batches, word_tokens


def test_char_vocab_roundtrip():
    v = Vocab.from_text("hello")
    assert v.itos == ["e", "h", "l", "o"] and len(v) == 4
    np.testing.assert_array_equal(v.encode("hell"), [1, 0, 2, 2])
    assert v.decode(v.encode("hello")) == "hello"
    assert v["o"] == 3 and "z" not in v

def test_explicit_unknown_token_for_words():
    text = "the cat sat on the mat.\nthe end"
    v = Vocab(word_tokens(text), unk="<unk>")
    assert v.itos[0] == "<unk>"
    ids = v.encode(word_tokens("the dog sat"))
    assert v.decode(ids, sep="|") == "the| |<unk>| |sat"
    assert "".join(word_tokens(text)) == text


def test_min_count_drops_rare_words():
    v = Vocab(["a", "a", "b"], unk="<unk>", min_count=2)
    assert v.itos == ["<unk>", "a"]


def test_stream_batches_are_contiguous_streams():
    ids = np.arange(23)
    windows = list(stream_batches(ids, batch_size=2, seq_len=5))
    # (23 - 1) // 2 = 11 per stream -> two windows of 5, streams start at 0 and 11
    assert len(windows) == 2
    x0, y0 = windows[0]
    x1, _ = windows[1]
    np.testing.assert_array_equal(x0, [[0, 1, 2, 3, 4], [11, 12, 13, 14, 15]])
    np.testing.assert_array_equal(y0, x0 + 1)
    np.testing.assert_array_equal(x1[:, 0], x0[:, -1] + 1)  # the next window continues each row

def test_shakespeare_has_speaker_lines():
    train, valid = load_text("shakespeare", "train.txt"), load_text("shakespeare", "valid.txt")
    assert 0.9e6 < len(train) < 1.2e6 and 80e3 < len(valid) < 120e3
    assert "\nHAMLET:\n" in train and "\nMACBETH:\n" in valid
    assert set(valid) <= set(train), "a validation character the training text never shows"
    assert all(ord(c) < 127 for c in train)


def test_names():
    names = load_text("names.txt").split("\n")[:-1]
    assert len(names) > 5000 and len(set(names)) == len(names)
    assert all(n.isalpha() and n.islower() for n in names)
    assert "mary" in names and "james" in names
