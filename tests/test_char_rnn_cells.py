"""The char-RNN trainer trains all three cells of helpers.cells through one contract: the
trainer's loss function is gradient-checked, a short run learns, evaluate, sample and
snapshots work, and a wrong cell is refused with a clear message."""
import numpy as np
import pytest

from helpers import char_rnn
from helpers.cells import get_cell
from helpers.gradcheck import norm_rel_error, numerical_gradient
from helpers.snapshot import load_snapshot, save_snapshot
from helpers.text import Vocab

CELL_NAMES = ("rnn", "lstm", "gru")
TINY = "hello world\nhello there\n" * 20


def random_params(name, V, H, seed=0):
    """float64 parameters large enough to bend the nonlinearities."""
    rng = np.random.default_rng(seed)
    p = get_cell(name).init_params(V, H, seed=seed, dtype=np.float64)
    for a in p.values():
        a += rng.standard_normal(a.shape) * 0.3
    return p


def random_state(name, N, H, rng):
    h = rng.standard_normal((N, H)) * 0.5
    return (h, rng.standard_normal((N, H)) * 0.5) if name == "lstm" else h


def test_every_cell_is_found_from_its_parameters():
    for name in CELL_NAMES:
        assert char_rnn.cell_of(char_rnn.init_params(5, 3, seed=0, cell=name)) == name


@pytest.mark.parametrize("name", CELL_NAMES)
@pytest.mark.parametrize("N,T,V,H", [(2, 5, 6, 4), (1, 1, 3, 1)])
def test_trainers_loss_function_matches_numerical_gradient(name, N, T, V, H):
    """What the trainer calls for this cell (its fast step from helpers.fast where the cell
    registers one), with a state carried in, against centred differences in float64."""
    fn = char_rnn.training_step(name)
    p = random_params(name, V, H, seed=1)
    rng = np.random.default_rng(2)
    x, y = rng.integers(0, V, (N, T)), rng.integers(0, V, (N, T))
    state = random_state(name, N, H, rng)
    loss, grads, new_state = fn(p, x, y, state)
    grads = {k: g.copy() for k, g in grads.items()}      # the fast paths reuse their buffers
    ref_loss, ref_grads, ref_state = get_cell(name).loss_and_grads(p, x, y, state)
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    for k in get_cell(name).param_names:
        num = numerical_gradient(lambda: fn(p, x, y, state)[0], p[k])
        assert norm_rel_error(grads[k], num) < 1e-7, (name, k)
        assert np.allclose(grads[k], ref_grads[k], rtol=1e-10, atol=1e-13), (name, k)
    for a, b in zip(np.atleast_1d(new_state) if name != "lstm" else new_state,
                    np.atleast_1d(ref_state) if name != "lstm" else ref_state):
        assert np.allclose(a, b, atol=1e-13)


@pytest.mark.parametrize("name", CELL_NAMES)
def test_a_short_training_run_learns_the_tiny_corpus(name):
    vocab = Vocab.from_text(TINY)
    ids, V = vocab.encode(TINY), len(vocab)
    p = char_rnn.init_params(V, 24, seed=0, cell=name)
    before = char_rnn.evaluate(p, ids)
    assert before == pytest.approx(np.log(V), abs=0.15)
    hist = char_rnn.train(p, ids, ids, batch_size=4, seq_len=8, learning_rate=2e-2, steps=300,
                          eval_every=100, log=None, seed=0)
    assert hist[-1]["valid_loss"] < np.log(V) - 1.2, (name, hist.column("valid_loss"))
    assert hist[-1]["valid_loss"] == pytest.approx(char_rnn.evaluate(p, ids), rel=1e-6)
    assert all(a.dtype == np.float32 for a in p.values())
    text = char_rnn.sample(p, vocab, 40, np.random.default_rng(0), prime="hello")
    assert text == char_rnn.sample(p, vocab, 40, np.random.default_rng(0), prime="hello")
    assert set(text) <= set(vocab.itos) and len(text) == 40
    assert char_rnn.complete(p, vocab, "he", 5, np.random.default_rng(1)).startswith("he")


@pytest.mark.parametrize("name", ["lstm", "gru"])
@pytest.mark.parametrize("batch_size,seq_len", [(1, 4), (1, 1000), (3, 5)])
def test_evaluate_predicts_every_character_once_for_gated_cells(name, batch_size, seq_len):
    """Against one pass per stream through helpers.cells' reference, summed by hand."""
    V, H = 7, 5
    p = random_params(name, V, H, seed=3)
    ids = np.random.default_rng(4).integers(0, V, 41)          # 40 targets
    n = len(ids) - 1
    per = -(-n // batch_size)
    total = 0.0
    for s in range(batch_size):
        x, y = ids[s * per:min((s + 1) * per, n)], ids[s * per + 1:min((s + 1) * per, n) + 1]
        total += get_cell(name).loss_and_grads(p, x[None], y[None])[0] * len(x)
    got = char_rnn.evaluate(p, ids, batch_size=batch_size, seq_len=seq_len)
    assert got == pytest.approx(total / n, rel=1e-10)


@pytest.mark.parametrize("name", CELL_NAMES)
def test_snapshot_round_trip_records_the_cell(tmp_path, name):
    vocab = Vocab.from_text(TINY)
    p = char_rnn.init_params(len(vocab), 6, seed=5, cell=name)
    save_snapshot(tmp_path / "m.npz", p, vocab, {"note": "x"})
    q, v2, meta = load_snapshot(tmp_path / "m.npz")
    assert meta == {"note": "x", "cell": name} and v2.itos == vocab.itos
    assert set(q) == set(p) and all(np.array_equal(q[k], p[k]) for k in p)
    assert char_rnn.cell_of(q) == name
    a = char_rnn.sample(p, vocab, 20, np.random.default_rng(0))
    assert a == char_rnn.sample(q, v2, 20, np.random.default_rng(0))


@pytest.mark.parametrize("name", ["lstm", "gru"])
def test_damaged_gated_snapshots_are_refused(tmp_path, name):
    vocab = Vocab.from_text(TINY)
    p = char_rnn.init_params(len(vocab), 6, seed=5, cell=name)
    path = tmp_path / "m.npz"
    missing = {k: v for k, v in p.items() if k != "Wh"}
    np.savez(path, **missing, vocab=np.array(vocab.itos), meta=np.array(f'{{"cell": "{name}"}}'))
    with pytest.raises(ValueError, match=r"missing \['Wh'\]"):
        load_snapshot(path)
    bad = dict(p, Wh=p["Wh"][:, :-1])
    np.savez(path, **bad, vocab=np.array(vocab.itos), meta=np.array(f'{{"cell": "{name}"}}'))
    with pytest.raises(ValueError, match="Wh has shape"):
        load_snapshot(path)
    np.savez(path, **p, vocab=np.array(vocab.itos[:-1]), meta=np.array(f'{{"cell": "{name}"}}'))
    with pytest.raises(ValueError, match="one row per symbol of the vocabulary"):
        load_snapshot(path)
    # an LSTM's arrays said to be another cell's
    other = "gru" if name == "lstm" else "lstm"
    np.savez(path, **p, vocab=np.array(vocab.itos), meta=np.array(f'{{"cell": "{other}"}}'))
    with pytest.raises(ValueError, match="missing|parameters"):
        load_snapshot(path)
    np.savez(path, **p, vocab=np.array(vocab.itos), meta=np.array('{"cell": "transformer"}'))
    with pytest.raises(ValueError, match=r"cell is 'transformer'; known cells are \['rnn', 'lstm', 'gru'\]"):
        load_snapshot(path)
    with pytest.raises(ValueError, match="meta says cell 'rnn'"):
        save_snapshot(path, p, vocab, {"cell": "rnn"})


def test_bad_cell_names_and_mismatches_are_refused():
    V = 5
    with pytest.raises(ValueError, match=r"cell must be one of \['rnn', 'lstm', 'gru'\], got 'LSTM'"):
        char_rnn.init_params(V, 4, seed=0, cell="LSTM")
    lstm = char_rnn.init_params(V, 4, seed=0, cell="lstm")
    ids = np.arange(40) % V
    with pytest.raises(ValueError, match="cell must be one of"):
        char_rnn.train(lstm, ids, cell="lstm2", steps=1, log=None, seed=0)
    with pytest.raises(ValueError, match="cell='rnn' but params hold the parameters of a 'lstm'"):
        char_rnn.train(lstm, ids, cell="rnn", batch_size=2, seq_len=4, steps=1, log=None, seed=0)
    gru = char_rnn.init_params(V, 4, seed=0, cell="gru")
    with pytest.raises(ValueError, match="cell='lstm' but params hold the parameters of a 'gru'"):
        # a GRU holds Wx, Wh, Why, by like an LSTM, but bx, bh instead of b
        char_rnn.train(gru, ids, cell="lstm", batch_size=2, seq_len=4, steps=1, log=None, seed=0)
    with pytest.raises(ValueError, match="the parameters of no known cell"):
        char_rnn.train(dict(gru, b=np.zeros(16, np.float32)), ids, cell="lstm", batch_size=2,
                       seq_len=4, steps=1, log=None, seed=0)
    with pytest.raises(ValueError, match="the parameters of no known cell"):
        char_rnn.cell_of(dict(lstm, extra=np.zeros(1)))
    with pytest.raises(ValueError, match="leave scale None"):
        char_rnn.init_params(V, 4, seed=0, cell="gru", scale=0.1)
    bad = dict(lstm, Wh=lstm["Wh"][:, :3])
    with pytest.raises(ValueError, match="Wh has shape"):
        char_rnn.train(bad, ids, batch_size=2, seq_len=4, steps=1, log=None, seed=0)
