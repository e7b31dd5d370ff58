import numpy as np
import pytest

from helpers import char_rnn
from helpers.gradcheck import numerical_gradient, rel_error
from helpers.text import Vocab


def random_problem(N, T, V, H, masked, seed=0):
    """float64 parameters large enough to bend tanh, random ids, h0 and (optionally) a mask."""
    rng = np.random.default_rng(seed)
    p = char_rnn.init_params(V, H, seed=seed + 1, dtype=np.float64, scale=0.5)
    p["bh"] += rng.standard_normal(H) * 0.1
    x, y = rng.integers(0, V, (N, T)), rng.integers(0, V, (N, T))
    x[0, :min(T, 3)] = x[-1, -1]  # a symbol read several times (dWxh adds up its rows)
    h0 = rng.standard_normal((N, H)) * 0.5
    mask = None
    if masked:
        mask = rng.random((N, T)) > 0.4
        mask[0, 0] = True
    return p, x, y, h0, mask


@pytest.mark.parametrize("N,T,V,H,masked", [(1, 1, 2, 1, False), (2, 5, 4, 3, False),
                                            (3, 4, 5, 6, True)])
def test_loss_and_grads_match_numerical(N, T, V, H, masked):
    p, x, y, h0, mask = random_problem(N, T, V, H, masked)
    loss, grads, _ = char_rnn.loss_and_grads(p, x, y, h0, mask)
    for k in char_rnn.PARAM_NAMES:
        num = numerical_gradient(lambda: char_rnn.loss_and_grads(p, x, y, h0, mask)[0], p[k])
        assert rel_error(grads[k], num) < 1e-7, k


def test_loss_of_a_fresh_model_is_about_ln_v():
    p = char_rnn.init_params(65, 32, seed=0)
    x = np.random.default_rng(1).integers(0, 65, (4, 10))
    loss, _, h = char_rnn.loss_and_grads(p, x, x)
    assert loss == pytest.approx(np.log(65), abs=0.01)
    assert h.shape == (4, 32) and h.dtype == np.float32


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_unigram_bias_starts_the_model_at_the_character_frequencies(cell):
    ids = np.array([0] * 60 + [1] * 30 + [2] * 9 + [3] * 1)     # symbol 4 never occurs
    V, counts = 5, np.bincount(ids, minlength=5)
    p = char_rnn.init_params(V, 6, seed=0, cell=cell, counts=counts)
    plain = char_rnn.init_params(V, 6, seed=0, cell=cell)
    for k in p:                                          # only the output bias changes
        assert np.array_equal(p[k], plain[k]) or k == "by", k
    probs = np.exp(p["by"].astype(np.float64)) / np.exp(p["by"].astype(np.float64)).sum()
    assert np.allclose(probs, (counts + 1) / (counts.sum() + V), rtol=1e-6)
    assert p["by"].dtype == np.float32 and abs(float(p["by"].sum())) < 1e-5   # centred
    # with tiny recurrent weights the first loss is about the smoothed unigram entropy, not ln V
    x, y = ids[:-1].reshape(3, 33), ids[1:].reshape(3, 33)
    loss = char_rnn.loss_and_grads(p, x, y)[0]
    unigram = -np.mean(np.log(probs[y]))
    assert abs(loss - unigram) < 0.15 < np.log(V) - unigram, (loss, unigram, np.log(V))


@pytest.mark.parametrize("counts, message", [
    (np.ones(4), r"counts must have shape \(5,\)"),
    (np.array([1, 2, -1, 0, 0]), "counts must be numbers of occurrences"),
    (np.array([1, 2, np.nan, 0, 0]), "counts must be finite"),
    (["a"] * 5, "counts must be an array of numbers")])
def test_unigram_bias_refuses_bad_counts(counts, message):
    with pytest.raises(ValueError, match=message):
        char_rnn.init_params(5, 3, seed=0, counts=counts)


def test_sampling_is_seeded_and_validated():
    vocab = Vocab.from_text("ab\n")
    p = char_rnn.init_params(len(vocab), 8, seed=0, scale=1.0)
    a = char_rnn.sample(p, vocab, 50, np.random.default_rng(3))
    assert a == char_rnn.sample(p, vocab, 50, np.random.default_rng(3)) and len(a) == 50
    assert set(a) <= set("ab\n")
    one = char_rnn.sample(p, vocab, 50, np.random.default_rng(3), stop="\n")
    assert "\n" not in one[:-1] and (one.endswith("\n") or len(one) == 50)
    assert char_rnn.complete(p, vocab, "ab", 0, np.random.default_rng(0)) == "ab"
    with pytest.raises(ValueError, match="'z'"):
        char_rnn.sample(p, vocab, 5, np.random.default_rng(0), prime="az")
    with pytest.raises(ValueError, match="n must be an integer >= 0"):
        char_rnn.sample(p, vocab, -1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="temperature"):
        char_rnn.complete(p, vocab, "ab", 5, np.random.default_rng(0), temperature=0)


# ---------------------------------------------------------------- the classic program, the trainer

TINY = "hello world\nhello there\n" * 20


def tiny_setup(H=16, seed=0, dtype=np.float32, scale_up=False):
    vocab = Vocab.from_text(TINY)
    p = char_rnn.init_params(len(vocab), H, seed=seed, dtype=dtype, scale=0.5 if scale_up else 0.01)
    return vocab, vocab.encode(TINY), p


def test_classic_loss_fun_matches_numerical_and_batched_gradients():
    V, H, T = 5, 4, 6
    rng = np.random.default_rng(2)
    p = char_rnn.init_params(V, H, seed=3, dtype=np.float64, scale=0.3)
    inputs, targets = list(rng.integers(0, V, T)), list(rng.integers(0, V, T))
    hprev = rng.standard_normal(H) * 0.3
    loss, *grads, hlast = char_rnn.classic_loss_fun(inputs, targets, hprev, p, clip=None)
    names = ["Wxh", "Whh", "Why", "bh", "by"]  # Karpathy's return order
    for k, g in zip(names, grads):
        num = numerical_gradient(lambda: char_rnn.classic_loss_fun(inputs, targets, hprev, p, clip=None)[0], p[k])
        assert rel_error(g, num) < 1e-7, k
    # the batched version computes the same thing, as a mean instead of a sum
    bl, bg, bh = char_rnn.loss_and_grads(p, np.array([inputs]), np.array([targets]), hprev[None])
    assert loss == pytest.approx(bl * T)
    assert np.allclose(hlast, bh[0])
    for k, g in zip(names, grads):
        assert np.allclose(g, bg[k] * T)


def test_classic_train_lowers_the_smooth_loss_and_needs_a_budget():
    vocab, ids, p = tiny_setup(dtype=np.float64)
    calls = []
    hist = char_rnn.classic_train(p, ids, seq_len=10, steps=300,
                                  log=lambda record: calls.append(record["step"]))
    assert hist["steps"] == 300 and hist["chars"] == 3000 and calls == [0, 100, 200]
    assert hist["smooth_loss"][-1] < hist["smooth_loss"][0] - 0.05
    assert hist["loss"][-50:].mean() < hist["loss"][:50].mean() - 0.5
    with pytest.raises(ValueError, match="budget"):
        char_rnn.classic_train(p, ids)
    with pytest.raises(ValueError, match="shorter than the corpus"):
        char_rnn.classic_train(p, ids[:5], seq_len=10, steps=1)


# ---------------------------------------------------------------- evaluate and train

def reference_loss(p, ids, streams):
    """Sequential reference: stream b predicts targets [b*per, (b+1)*per) from h = 0."""
    n = len(ids) - 1
    per = -(-n // streams)
    total = 0.0
    for b in range(streams):
        h = np.zeros(p["Whh"].shape[0])
        for i in range(b * per, min(n, (b + 1) * per)):
            h, logits = char_rnn.step(p, ids[i], h)
            z = logits - logits.max()
            total -= z[ids[i + 1]] - np.log(np.exp(z).sum())
    return total / n


@pytest.mark.parametrize("batch_size,seq_len", [(1, 3), (1, 100), (4, 5), (7, 2)])
def test_evaluate_scores_every_character_once(batch_size, seq_len):
    vocab, ids, p = tiny_setup(H=6, dtype=np.float64)
    p = char_rnn.init_params(len(vocab), 6, seed=4, dtype=np.float64, scale=0.5)
    text = ids[:53]  # 52 targets: a remainder for every batch size above
    got = char_rnn.evaluate(p, text, batch_size=batch_size, seq_len=seq_len)
    assert got == pytest.approx(reference_loss(p, text, min(batch_size, 52)), rel=1e-10)
    with pytest.raises(ValueError, match="at least 2 symbols"):
        char_rnn.evaluate(p, text[:1])
    with pytest.raises(ValueError, match=rf"must lie in \[0, {len(vocab)}\)"):
        char_rnn.evaluate(p, np.array([0, len(vocab)]))


def test_train_reduces_the_loss_on_a_tiny_corpus():
    vocab, ids, p = tiny_setup()
    before = char_rnn.evaluate(p, ids)
    assert before == pytest.approx(np.log(len(vocab)), abs=0.01)
    hist = char_rnn.train(p, ids, ids, batch_size=4, seq_len=8, learning_rate=1e-2, steps=150,
                          eval_every=50, log=None, seed=0)
    # a record every log_every = 10 steps and the last; validation every 50 and at the end
    assert [r["step"] for r in hist] == list(range(10, 151, 10))
    assert hist[-1]["chars"] == 150 * 32 and hist[-1]["seconds"] > 0
    steps, valid = hist.column("step", "valid_loss")
    assert list(steps) == [50, 100, 150] and valid[-1] < 0.6 < before
    assert hist[-1]["loss"] < hist[0]["loss"] - 1
    assert hist[-1]["epochs"] > 1 and p["Whh"].dtype == np.float32


def test_train_budgets_and_adagrad():
    vocab, ids, p = tiny_setup()
    hist = char_rnn.train(p, ids, batch_size=2, seq_len=5, optimizer="adagrad", chars=101,
                          log=None, seed=0)
    assert hist[-1]["step"] == 11 and "valid_loss" not in hist[-1]  # chars round up to whole steps
    hist = char_rnn.train(p, ids, batch_size=4, seq_len=10, epochs=2, clip=None, max_norm=1.0,
                          log=None, seed=0)
    assert hist[-1]["epochs"] == pytest.approx(2)
    hist = char_rnn.train(p, ids, batch_size=4, seq_len=10, log=None, seed=0)  # default: 1 epoch
    assert hist[-1]["epochs"] == pytest.approx(1)
    hist = char_rnn.train(p, ids, batch_size=4, seq_len=10, seconds=0.05, log=None, seed=0)
    assert hist[-1]["seconds"] >= 0.05


def test_train_weight_decay_and_averaging():
    from helpers.optim import Adam

    def run(average):
        trajectory = []

        class Recording(Adam):
            def step(self, params, grads):
                super().step(params, grads)
                trajectory.append({k: v.copy() for k, v in params.items()})
        vocab, ids, p = tiny_setup()
        start = {k: v.copy() for k, v in p.items()}
        hist = char_rnn.train(p, ids, ids, batch_size=2, seq_len=5, steps=6, average=average,
                              optimizer=Recording(5e-3), log=None, seed=0)
        return start, trajectory, p, hist

    start, trajectory, p, _ = run(None)
    _, trajectory2, q, hist = run(0.5)
    expected = start
    for i, params_i in enumerate(trajectory):  # averaging does not change the updates...
        np.testing.assert_array_equal(params_i["Whh"], trajectory2[i]["Whh"])
        expected = {k: 0.5 * expected[k] + 0.5 * params_i[k] for k in expected}
    for k in char_rnn.PARAM_NAMES:  # ...only what the run ends with
        np.testing.assert_allclose(q[k], expected[k], rtol=1e-5, atol=1e-7)
    assert not np.allclose(q["Whh"], p["Whh"])
    assert hist[-1]["valid_loss"] == pytest.approx(char_rnn.evaluate(q, tiny_setup()[1]))
    # weight decay shrinks the weights compared with the same run without it
    vocab, ids, a = tiny_setup(scale_up=True)
    vocab, ids, b = tiny_setup(scale_up=True)
    char_rnn.train(a, ids, batch_size=2, seq_len=5, steps=20, log=None, seed=0)
    char_rnn.train(b, ids, batch_size=2, seq_len=5, steps=20, weight_decay=5.0, log=None, seed=0)
    assert np.linalg.norm(b["Whh"]) < np.linalg.norm(a["Whh"])
    with pytest.raises(ValueError, match=r"average must be a finite number >= 0 and < 1"):
        char_rnn.train(a, ids, batch_size=2, seq_len=5, steps=1, average=1.0, log=None, seed=0)
    with pytest.raises(ValueError, match="weight_decay must be a finite number >= 0"):
        char_rnn.train(a, ids, batch_size=2, seq_len=5, steps=1, weight_decay=-1, log=None, seed=0)


def test_train_is_reproducible_for_a_seed():
    results = []
    for seed in (0, 0, 1):
        vocab, ids, p = tiny_setup()
        hist = char_rnn.train(p, ids, ids, batch_size=3, seq_len=7, steps=40, seed=seed,
                              log=None)
        results.append((p, hist))
    (p0, h0), (p1, h1), (p2, h2) = results
    for k in char_rnn.PARAM_NAMES:
        assert np.array_equal(p0[k], p1[k])
    assert [r["loss"] for r in h0] == [r["loss"] for r in h1]
    assert h0[-1]["valid_loss"] == h1[-1]["valid_loss"]
    assert not np.array_equal(p0["Whh"], p2["Whh"])  # another seed, other epoch offsets


def test_train_progress_callable_is_called():
    vocab, ids, p = tiny_setup()
    seen = []
    char_rnn.train(p, ids, ids, batch_size=2, seq_len=5, steps=5, log=seen.append, log_every=2, seed=0)
    assert [r["step"] for r in seen] == [2, 4, 5] and "valid_loss" in seen[-1]


def test_nan_loss_stops_training_with_a_clear_message():
    vocab, ids, p = tiny_setup()
    p["Why"][0, 0] = np.nan
    with pytest.raises(RuntimeError, match=r"diverged at step 1: the loss is nan; use a lower learning rate"):
        char_rnn.train(p, ids, batch_size=2, seq_len=5, steps=10, log=None, seed=0)
    vocab, ids, p = tiny_setup()
    p["Whh"][:] = np.inf  # tanh(inf - inf) is NaN from the second step on
    with pytest.raises(char_rnn.TrainingDiverged, match="step 1"):
        char_rnn.train(p, ids, batch_size=2, seq_len=5, steps=10, log=None, seed=0)
    # a huge learning rate gives finite but absurd losses: stopped by max_loss = 3 ln V
    vocab, ids, p = tiny_setup()
    with pytest.raises(RuntimeError, match=r"diverged at step \d+: the loss is .*above max_loss = 6.9.*lower learning rate"):
        char_rnn.train(p, ids, batch_size=4, seq_len=8, learning_rate=1e3, steps=200,
                       log=None, seed=0)

def test_cosine_learning_rate_decay():
    from helpers.optim import Adam
    vocab, ids, p = tiny_setup()
    opt = Adam(learning_rate=0.01)
    char_rnn.train(p, ids, batch_size=2, seq_len=5, optimizer=opt, steps=100,
                   final_learning_rate=0.001, log=None, seed=0)
    assert 0.001 <= opt.learning_rate < 0.00101
    with pytest.raises(ValueError, match="final_learning_rate must be a finite number > 0"):
        char_rnn.train(p, ids, batch_size=2, seq_len=5, steps=1, final_learning_rate=-1, log=None, seed=0)


def test_a_config_can_be_reused_and_each_run_gets_a_fresh_optimizer():
    cfg = char_rnn.TrainConfig(batch_size=2, seq_len=5, steps=4, log=None, seed=0)
    runs = []
    for _ in range(2):
        vocab, ids, p = tiny_setup()
        runs.append((char_rnn.train(p, ids, config=cfg), p))
    assert [r["loss"] for r in runs[0][0]] == [r["loss"] for r in runs[1][0]]
    assert np.array_equal(runs[0][1]["Whh"], runs[1][1]["Whh"])
    assert cfg.settings(runs[0][1])["final_learning_rate"] == pytest.approx(5e-4)


def test_train_loop_is_what_the_notebook_shows():
    # notebook 03 prints inspect.getsource(char_rnn._train_loop): it must be the loop train runs
    import inspect
    src = inspect.getsource(char_rnn._train_loop)
    for line in ("step = training_step(cfg.cell, cfg.fast)", "loss, grads, h = step(params, x, y, h)",
                 "clip_gradients(grads, cfg.clip, cfg.max_norm)", "opt.step(params, grads)"):
        assert line in src
    assert len(src.splitlines()) <= 30
