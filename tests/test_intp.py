"""helpers on a 32-bit NumPy (the browser's Pyodide): indices and counts are np.intp.

NumPy indexes and counts with np.intp: int64 on a 64-bit NumPy, int32 on a 32-bit one, where
np.take and np.bincount refuse int64 ("Cannot cast array data from dtype('int64') to
dtype('int32') according to the rule 'safe'"). So helpers makes its index arrays np.intp, never
np.int64, and takes ids of any integer type, turning them into np.intp at the door (check_ids).
Here, on a 64-bit NumPy, int32 ids must give what int64 ids give. The browser test
(tests/test_site.py) runs every notebook on the browser's 32-bit NumPy.
"""
import ast
from pathlib import Path

import numpy as np
import pytest

from helpers import char_rnn, interpret, layers, names, seq2seq
from helpers.fast import char_rnn as char_rnn_fast
from helpers.softmax import sample
from helpers.text import Vocab
from helpers.validate import check_ids

HELPERS = Path(__file__).resolve().parents[1] / "helpers"


def test_helpers_never_make_int64_arrays():
    """No np.int64 and no 'int64' dtype string in helpers' code (its comments and docs may say it)."""
    found = []
    for path in sorted(HELPERS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Attribute) and node.attr == "int64"
                    or isinstance(node, ast.Constant) and node.value == "int64"):
                found.append(f"{path.name}:{node.lineno}")
    assert not found, f"use np.intp for indices and counts: {found}"


def _as32(*arrays):
    return [np.asarray(a).astype(np.int32) for a in arrays]


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.uint64])
def test_check_ids_gives_intp(dtype):
    ids = check_ids(np.array([[0, 3], [2, 1]], dtype=dtype), 4, "ids")
    assert ids.dtype == np.intp and ids.tolist() == [[0, 3], [2, 1]]


def test_sample_gives_intp_that_bincount_takes():
    p = np.array([0.1, 0.2, 0.7])
    draws = sample(p, np.random.default_rng(0), size=1000)
    assert draws.dtype == np.intp
    assert np.can_cast(draws.dtype, np.intp, "safe")  # what np.bincount requires
    freq = np.bincount(draws, minlength=3) / 1000
    assert np.all(np.abs(freq - p) < 0.05), freq
    one = sample(p, np.random.default_rng(0))
    assert isinstance(one, int) and one == draws[0]  # the same stream: first draw equal


def test_index_arrays_made_by_helpers_are_intp():
    vocab = Vocab.from_text("hello world")
    assert vocab.encode("hello").dtype == np.intp
    x, y, mask = names.pad_batch(["ann", "bo"])
    assert x.dtype == y.dtype == np.intp
    assert names.bigram_counts(["ann", "bo"]).dtype == np.intp
    assert names.sample_stats(["ann", "zzz"], ["ann", "bob"])["lengths"].dtype == np.intp
    X, Y, M, n = char_rnn.stream_layout(np.arange(10) % 3, 3, 2)
    assert X.dtype == Y.dtype == np.intp
    v = seq2seq.make_vocab(["abc", "ba"])
    src, lengths = seq2seq.encode_source(["abc", "ba"], v, 5)
    assert src.dtype == lengths.dtype == np.intp
    assert all(a.dtype == np.intp for a in seq2seq.encode_target(["abc", "ba"], v, 5)
               if a.dtype.kind == "i")


def test_int32_ids_give_what_int64_ids_give():
    rng = np.random.default_rng(0)
    V, H, N, T = 7, 5, 3, 6
    ids = rng.integers(0, V, size=(N, T))
    W = rng.standard_normal((V, 4))

    out64, cache64 = layers.embedding_forward(ids, W)
    out32, cache32 = layers.embedding_forward(*_as32(ids), W)
    assert np.array_equal(out64, out32)
    dout = rng.standard_normal(out64.shape)
    assert np.array_equal(layers.embedding_backward(dout, cache64),
                          layers.embedding_backward(dout, cache32))

    params = char_rnn.init_params(V, H, seed=0, dtype=np.float64)
    x, y = ids, np.roll(ids, -1, axis=1)
    loss64, grads64 = char_rnn.loss_and_grads(params, x, y)[:2]
    loss32, grads32 = char_rnn.loss_and_grads(params, *_as32(x, y))[:2]
    assert loss64 == loss32
    for k in grads64:
        assert np.array_equal(grads64[k], grads32[k]), k
    loss64, grads64 = char_rnn_fast.loss_and_grads(params, x, y)[:2]
    grads64 = {k: g.copy() for k, g in grads64.items()}  # the workspace's buffers are reused
    loss32, grads32 = char_rnn_fast.loss_and_grads(params, *_as32(x, y))[:2]
    assert loss64 == loss32
    for k in grads64:
        assert np.array_equal(grads64[k], grads32[k]), k
    text = rng.integers(0, V, size=200)
    assert char_rnn.evaluate(params, text, batch_size=4, seq_len=16) == \
        char_rnn.evaluate(params, *_as32(text), batch_size=4, seq_len=16)

    hs64 = interpret.ablation_states(params, text, [[], [1, 3]], at=[10, 50, 150], chunks=2, warmup=20)
    hs32 = interpret.ablation_states(params, *_as32(text), [[], list(_as32([1, 3])[0])],
                                     at=_as32([10, 50, 150])[0], chunks=2, warmup=20)
    assert np.array_equal(hs64, hs32)


@pytest.mark.parametrize("attention", [False, True])
def test_int32_sources_decode_as_int64_ones(attention):
    words = ["abc", "cab", "ba"]
    v = seq2seq.make_vocab(words)
    params = seq2seq.init_params(len(v), 6, attention=attention, seed=0)
    src, lengths = seq2seq.encode_source(words, v, 5)
    src32, lengths32 = _as32(src, lengths)
    start, end = v[seq2seq.START], v[seq2seq.END]
    out64, probs64, _ = seq2seq.greedy_decode(params, src, lengths, 4, start, end)
    out32, probs32, _ = seq2seq.greedy_decode(params, src32, lengths32, 4, start, end)
    assert out64.dtype == out32.dtype == np.intp
    assert np.array_equal(out64, out32) and np.array_equal(probs64, probs32)
    beam64 = seq2seq.beam_search(params, src, lengths, 4, start, end, beam_width=2)
    beam32 = seq2seq.beam_search(params, src32, lengths32, 4, start, end, beam_width=2)
    for a, b in zip(beam64, beam32):
        assert np.array_equal(a, b)
