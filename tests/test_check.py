"""helpers.check: every check passes the course's reference solution and catches a catalogue of
typical mistakes (each written here as a mutated function) with the hint meant for it."""
import re

import numpy as np
import pytest

from helpers import binary as B
from helpers import char_rnn, check, layers
from helpers.check import ExerciseError
from helpers.names import bigram_counts as ref_bigram_counts
from helpers.names import names_vocab
from helpers.seq2seq import attention_forward as ref_attention_forward
from helpers.softmax import sample as ref_sample
from helpers.softmax import softmax as ref_softmax


def fails_with(run, hint):
    """run() must raise ExerciseError whose message contains `hint` (a regex)."""
    with pytest.raises(ExerciseError) as info:
        run()
    assert re.search(hint, str(info.value)), f"expected the hint {hint!r}, got: {info.value}"
    return str(info.value)


# ---------------------------------------------------------------- the machinery

def test_exercise_error_is_an_assertion_error():
    assert issubclass(ExerciseError, AssertionError)


def test_a_stub_passes_through_unchanged():
    def stub(logits, temperature):
        raise NotImplementedError("Exercise 01.1: softmax with temperature")
    with pytest.raises(NotImplementedError, match="Exercise 01.1"):
        check.softmax_temperature(stub)


def test_other_exceptions_name_the_inputs_and_keep_the_cause():
    def broken(logits, temperature):
        return np.exp(logits) @ np.ones((7, 7))
    with pytest.raises(ExerciseError, match=r"broken\(array\(3,\), 1.0\) raised ValueError") as info:
        check.softmax_temperature(broken)
    assert isinstance(info.value.__cause__, ValueError)


def test_success_prints_one_stable_line(capsys):
    check.softmax_temperature(ref_softmax)
    check.softmax_temperature(ref_softmax)
    out = capsys.readouterr().out
    assert out == "softmax with temperature: all 8 checks passed\n" * 2


def test_every_check_is_registered_and_documented():
    assert set(check.CHECKS) == set(check.__all__) - {"ExerciseError", "CHECKS"}
    for name, fn in check.CHECKS.items():
        assert fn.__doc__ and "Exercise" in fn.__doc__, name
        assert name in check.__doc__, name


# ---------------------------------------------------------------- 01 softmax with temperature

def softmax_no_shift(z, T):
    e = np.exp(np.asarray(z) / T)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_times_T(z, T):
    return ref_softmax(np.asarray(z) * T)


def softmax_axis0(z, T):
    z = np.asarray(z) / T
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_global_sum(z, T):
    z = np.asarray(z) / T
    e = np.exp(z - z.max())
    return e / e.sum()


def softmax_global_max(z, T):
    z = np.asarray(z) / T
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


def softmax_ignores_T(z, T):
    return ref_softmax(z)


def softmax_in_place(z, T):
    z -= z.max(axis=-1, keepdims=True)
    return ref_softmax(z, T)


def softmax_shift_after_exp(z, T):
    e = np.exp(np.asarray(z) / T)
    return (e - e.max(axis=-1, keepdims=True) + 1) / (e - e.max(axis=-1, keepdims=True) + 1).sum(-1, keepdims=True)


def test_softmax_reference_passes(capsys):
    check.softmax_temperature(ref_softmax)
    check.softmax_temperature(lambda z, T: ref_softmax(z, temperature=T))
    assert capsys.readouterr().out.count("all 8 checks passed") == 2


@pytest.mark.parametrize("mutant, hint", [
    (softmax_no_shift, r"overflows or underflows.*Subtract the largest logit"),
    (softmax_times_T, r"multiplies the logits; it should divide"),
    (softmax_axis0, r"wrong axis.*last axis"),
    (softmax_global_sum, r"whole array sums to 1"),
    (softmax_global_max, r"maximum of each row"),
    (softmax_ignores_T, r"temperature has no effect"),
    (softmax_in_place, r"changed the logits"),
    (softmax_shift_after_exp, r"finite and >= 0"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_softmax_mistakes_are_caught(mutant, hint):
    fails_with(lambda: check.softmax_temperature(mutant), hint)


def test_softmax_messages_do_not_show_the_expected_array():
    msg = fails_with(lambda: check.softmax_temperature(softmax_times_T), "divide")
    assert "0.0900" not in msg and "0.2447" not in msg


# ---------------------------------------------------------------- 02 the RNN step forward

def step_no_transpose(x, h, Wxh, Whh, bh):
    return np.tanh(x @ Wxh.T + h @ Whh + bh), None


def step_no_tanh(x, h, Wxh, Whh, bh):
    return x @ Wxh.T + h @ Whh.T + bh, None


def step_no_bias(x, h, Wxh, Whh, bh):
    return np.tanh(x @ Wxh.T + h @ Whh.T)


def step_no_recurrence(x, h, Wxh, Whh, bh):
    return np.tanh(x @ Wxh.T + bh)


def step_sigmoid(x, h, Wxh, Whh, bh):
    return 1 / (1 + np.exp(-(x @ Wxh.T + h @ Whh.T + bh)))


def step_wxh_untransposed(x, h, Wxh, Whh, bh):
    return np.tanh(x @ Wxh + h @ Whh.T + bh)


def step_mixes_batch(x, h, Wxh, Whh, bh):
    a = x @ Wxh.T + h @ Whh.T + bh
    return np.tanh(a - a.mean(axis=0) + a.mean(axis=0).mean())


def test_rnn_step_reference_passes(capsys):
    check.rnn_step_forward(layers.rnn_step_forward)
    check.rnn_step_forward(lambda *a: layers.rnn_step_forward(*a)[0])   # h alone is fine too
    assert capsys.readouterr().out.count("RNN step forward: all 5 checks passed") == 2


@pytest.mark.parametrize("mutant, hint", [
    (step_no_transpose, r"uses Whh as it is.*transpose"),
    (step_no_tanh, r"between -1 and 1.*tanh missing"),
    (step_no_bias, r"bias bh is not added"),
    (step_no_recurrence, r"does not depend on h_prev"),
    (step_sigmoid, r"sigmoid"),
    (step_wxh_untransposed, r"raised ValueError.*shapes"),
    (step_mixes_batch, r"row n of h must depend only on row n|formula"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_rnn_step_mistakes_are_caught(mutant, hint):
    fails_with(lambda: check.rnn_step_forward(mutant), hint)


# ---------------------------------------------------------------- 02 BPTT (min-char-rnn's lossFun)

def make_lossfun(tanh_prime=True, carry=True, accumulate=True, whh_t=True, prev_h=True,
                 transpose_dwhh=False, mean=False):
    """Notebook 02's lossFun, with switches that write in one mistake each."""
    def lossFun(inputs, targets, hprev, p):
        Wxh, Whh, bh, Why, by = p["Wxh"], p["Whh"], p["bh"], p["Why"], p["by"]
        V = Wxh.shape[1]
        xs, hs, ps = {}, {-1: np.copy(hprev)}, {}
        loss = 0.0
        for t in range(len(inputs)):
            xs[t] = np.zeros(V)
            xs[t][inputs[t]] = 1
            hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
            ps[t] = ref_softmax(Why @ hs[t] + by)
            loss += -np.log(ps[t][targets[t]])
        g = {k: np.zeros_like(v) for k, v in p.items()}
        dh_next = np.zeros_like(hs[0])
        for t in reversed(range(len(inputs))):
            dy = np.copy(ps[t])
            dy[targets[t]] -= 1
            dh = Why.T @ dy + (dh_next if carry else 0)
            dhraw = (1 - hs[t] * hs[t]) * dh if tanh_prime else dh
            h_in = hs[t - 1] if prev_h else hs[t]
            contrib = {"Why": np.outer(dy, hs[t]), "by": dy, "bh": dhraw,
                       "Wxh": np.outer(dhraw, xs[t]),
                       "Whh": np.outer(h_in, dhraw) if transpose_dwhh else np.outer(dhraw, h_in)}
            for k, v in contrib.items():
                g[k] = g[k] + v if (accumulate or k != "Whh") else v
            dh_next = (Whh.T if whh_t else Whh) @ dhraw
        T = len(inputs)
        return (loss / T if mean else loss), g, hs, ps
    return lossFun


def classic_lossfun(inputs, targets, hprev, p):
    """The course's reference: helpers.char_rnn.classic_loss_fun, without clipping."""
    loss, dWxh, dWhh, dWhy, dbh, dby, _ = char_rnn.classic_loss_fun(inputs, targets, hprev, p, clip=None)
    return loss, {"Wxh": dWxh, "Whh": dWhh, "bh": dbh, "Why": dWhy, "by": dby}


def test_bptt_reference_passes(capsys):
    check.bptt(classic_lossfun)
    check.bptt(make_lossfun())
    assert capsys.readouterr().out.count("backpropagation through time: all 7 checks passed") == 2


@pytest.mark.parametrize("mistake, hint", [
    (dict(accumulate=False), r"dWhh has the right shape but misses the sum over time"),
    (dict(tanh_prime=False), r"misses the derivative of the tanh"),
    (dict(carry=False), r"misses the gradient from later steps.*dh_next"),
    (dict(whh_t=False), r"carried back with Whh as it is"),
    (dict(prev_h=False), r"dWhh pairs step t's gradient with h_t"),
    (dict(transpose_dwhh=True), r"dWhh is transposed"),
    (dict(mean=True), r"loss is the mean over the steps"),
], ids=lambda v: ",".join(v) if isinstance(v, dict) else "")
def test_bptt_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.bptt(make_lossfun(**mistake)), hint)


def test_bptt_wrong_shape_and_missing_key():
    def transposed_dwxh(*args):
        loss, g, *_ = classic_lossfun(*args)
        return loss, dict(g, Wxh=g["Wxh"].T)
    fails_with(lambda: check.bptt(transposed_dwxh), r"dWxh should have shape \(3, 4\)")

    def no_by(*args):
        loss, g, *_ = classic_lossfun(*args)
        return loss, {k: v for k, v in g.items() if k != "by"}
    fails_with(lambda: check.bptt(no_by), r"missing \['by'\]")


# ---------------------------------------------------------------- 03 sampling

def sample_argmax(p, rng):
    return int(np.argmax(p))


def sample_uniform(p, rng):
    return int(rng.integers(len(p)))


def sample_global(p, rng):
    return int(np.random.choice(len(p), p=p))


def sample_own_rng(p, rng):
    return int(np.random.default_rng(0).choice(len(p), p=p))


def sample_off_by_one(p, rng):
    return int((rng.choice(len(p), p=p) + 1) % len(p))


def sample_array(p, rng):
    return rng.choice(len(p), size=1, p=p)


def test_sample_index_reference_passes(capsys):
    check.sample_index(ref_sample)
    check.sample_index(lambda p, rng: int(np.searchsorted(np.cumsum(p), rng.random(), side="right")))
    assert capsys.readouterr().out.count("sampling an index: all 4 checks passed") == 2


@pytest.mark.parametrize("mutant, hint", [
    (sample_argmax, r"always returns index 3.*most likely"),
    (sample_uniform, r"look uniform"),
    (sample_global, r"same seed gave different draws.*rng you are given"),
    (sample_own_rng, r"do not change with the generator's seed"),
    (sample_off_by_one, r"off by one"),
    (sample_array, r"one index \(an int\).*shape \(1,\)"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_sample_index_mistakes_are_caught(mutant, hint):
    fails_with(lambda: check.sample_index(mutant), hint)


def ref_sample_t(z, T, rng):
    return ref_sample(ref_softmax(z, T), rng)


@pytest.mark.parametrize("mutant, hint", [
    (lambda z, T, rng: ref_sample(ref_softmax(np.asarray(z) * T), rng), r"multiplies the logits"),
    (lambda z, T, rng: ref_sample(ref_softmax(z), rng), r"temperature has no effect"),
    (lambda z, T, rng: int(np.argmax(z)), r"always returns index 2"),
    (lambda z, T, rng: sample_uniform(z, rng), r"look uniform"),
], ids=["times_T", "ignores_T", "argmax", "uniform"])
def test_sample_with_temperature(mutant, hint, capsys):
    check.sample_with_temperature(ref_sample_t)
    assert "sampling with temperature: all 5 checks passed" in capsys.readouterr().out
    fails_with(lambda: check.sample_with_temperature(mutant), hint)


# ---------------------------------------------------------------- 04 the adder's BPTT

def adder_reference(x, y, hs, ps, Wxh, Whh, Why):
    """helpers.binary.backward on a batch of one pair, in notebook 04's calling convention."""
    params = {"Wxh": Wxh, "Whh": Whh, "Why": Why}
    p, cache = B.forward(x[None], params)
    g = B.backward((p - y[None]), cache)
    return g["Wxh"], g["Whh"], g["Why"]


def make_adder_bptt(deriv="sigmoid", carry=True, whh_t=True, prev_h=True, out_deriv=True):
    def bptt(x, y, hs, ps, Wxh, Whh, Why):
        T, H = x.shape[0], Whh.shape[0]
        dz = (ps - y) * (ps * (1 - ps) if out_deriv else 1)
        dh_out = np.outer(dz, Why[0])
        da, dh_future = np.zeros((T, H)), np.zeros(H)
        for t in reversed(range(T)):
            h = hs[t + 1]
            d = {"sigmoid": h * (1 - h), "tanh": 1 - h * h, "none": 1.0}[deriv]
            da[t] = (dh_out[t] + (dh_future if carry else 0)) * d
            dh_future = (Whh.T if whh_t else Whh) @ da[t]
        return da.T @ x, da.T @ (hs[:-1] if prev_h else hs[1:]), dz[None] @ hs[1:]
    return bptt


def test_adder_reference_passes(capsys):
    check.adder_bptt(adder_reference)
    check.adder_bptt(make_adder_bptt(), T=5, H=3)
    assert capsys.readouterr().out.count("the adder's backward pass: all 4 checks passed") == 2


@pytest.mark.parametrize("mistake, hint", [
    (dict(deriv="tanh"), r"sigmoids: their derivative is h \(1 - h\), not 1 - h\*\*2"),
    (dict(deriv="none"), r"misses the sigmoid's derivative"),
    (dict(carry=False), r"future hidden delta is not carried"),
    (dict(whh_t=False), r"Whh as it is.*transpose"),
    (dict(prev_h=False), r"dWhh: .*pairs step t's delta with h_t"),
    (dict(out_deriv=False), r"output is a sigmoid too"),
], ids=lambda v: ",".join(f"{k}={w}" for k, w in v.items()) if isinstance(v, dict) else "")
def test_adder_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.adder_bptt(make_adder_bptt(**mistake)), hint)


def test_adder_with_globals_needs_the_notebooks_sizes():
    T, H = 8, 16

    def bptt_with_globals(x, y, hs, ps, Wxh, Whh, Why):   # like notebook 04: reads T, H
        da = np.zeros((T, H))
        return make_adder_bptt()(x, y, hs, ps, Wxh, Whh, Why) if da.shape == (len(x), len(Whh)) \
            else (np.zeros((H, 2)), np.zeros((H, H)), np.zeros((1, H)))
    check.adder_bptt(bptt_with_globals, T=T, H=H)
    fails_with(lambda: check.adder_bptt(bptt_with_globals, T=5, H=3), r"dWxh should have shape")


# ---------------------------------------------------------------- 06 attention

def attention_no_mask(hd, he, mask):
    a = ref_softmax(hd @ he.transpose(0, 2, 1), axis=-1)
    return a @ he, a


def attention_wrong_axis(hd, he, mask):
    e = np.where(mask[:, None, :], hd @ he.transpose(0, 2, 1), -1e9)
    a = ref_softmax(e, axis=1)
    return a @ he, a


def attention_mask_after(hd, he, mask):
    a = ref_softmax(hd @ he.transpose(0, 2, 1), axis=-1) * mask[:, None, :]
    return a @ he, a


def attention_zero_scores(hd, he, mask):
    e = hd @ he.transpose(0, 2, 1) * mask[:, None, :]
    a = ref_softmax(e, axis=-1)
    return a @ he, a


def attention_transposed(hd, he, mask):
    e = np.where(mask[:, :, None], he @ hd.transpose(0, 2, 1), -1e9)
    a = ref_softmax(e, axis=1)
    return np.zeros(hd.shape), a


def attention_scaled(hd, he, mask):
    e = np.where(mask[:, None, :], hd @ he.transpose(0, 2, 1) / np.sqrt(hd.shape[-1]), -1e9)
    a = ref_softmax(e, axis=-1)
    return a @ he, a


def attention_context_of_decoder(hd, he, mask):
    c, a, _ = ref_attention_forward(hd, he, mask)
    return a @ np.concatenate([hd, hd], axis=1)[:, :he.shape[1]], a


def attention_naive_softmax(hd, he, mask):
    e = np.where(mask[:, None, :], hd @ he.transpose(0, 2, 1), -1e9)
    x = np.exp(e)
    a = x / x.sum(axis=-1, keepdims=True)
    return a @ he, a


def test_attention_reference_passes(capsys):
    check.attention_forward(ref_attention_forward)
    assert capsys.readouterr().out == "attention forward: all 6 checks passed\n"


@pytest.mark.parametrize("mutant, hint", [
    (attention_no_mask, r"padding gets attention.*before the softmax"),
    (attention_wrong_axis, r"softmax over the wrong axis"),
    (attention_mask_after, r"do not sum to 1.*mask the scores before"),
    (attention_zero_scores, r"padding gets attention"),
    (attention_transposed, r"shape \(N, Ts, Td\)"),
    (attention_scaled, r"scaled by 1/sqrt\(H\)"),
    (attention_context_of_decoder, r"weighted sum of the encoder states"),
    (attention_naive_softmax, r"large states .* inf or nan.*maximum"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_attention_mistakes_are_caught(mutant, hint):
    fails_with(lambda: check.attention_forward(mutant), hint)


# ---------------------------------------------------------------- 07 bigram counts

VOCAB = names_vocab()


def counts_with(frame=("\n", "\n"), fancy=False, transpose=False, shift=0):
    def count(names):
        C = np.zeros((27, 27), dtype=np.int64)
        for name in names:
            ids = VOCAB.encode(frame[0] + name + frame[1])
            if fancy:
                C[ids[:-1], ids[1:]] += 1
            else:
                for a, b in zip(ids[:-1], ids[1:]):
                    C[a, (b + shift) % 27] += 1
        return C.T if transpose else C
    return count


def test_bigram_reference_passes(capsys):
    check.bigram_counts(ref_bigram_counts)
    check.bigram_counts(counts_with())
    check.bigram_counts(lambda names: counts_with()(names).astype(float))
    assert capsys.readouterr().out.count("bigram counts: all 5 checks passed") == 3


@pytest.mark.parametrize("mistake, hint", [
    (dict(frame=("", "")), r"only the pairs inside each name"),
    (dict(frame=("", "\n")), r"start of a name is not counted"),
    (dict(frame=("\n", "")), r"end of a name is not counted"),
    (dict(fancy=True), r"counted once.*np.add.at"),
    (dict(transpose=True), r"C is transposed"),
    (dict(shift=1), r"wrong count for the pair"),
], ids=lambda v: ",".join(f"{k}" for k in v) if isinstance(v, dict) else "")
def test_bigram_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.bigram_counts(counts_with(**mistake)), hint)


def test_bigram_wrong_shape():
    fails_with(lambda: check.bigram_counts(lambda names: np.zeros((26, 26))), r"\(27, 27\)")


# ---------------------------------------------------------------- 08 the LSTM step

def sig(z):
    return 1 / (1 + np.exp(-z))


def lstm_forward_ref(x, h_prev, c_prev, Wx, Wh, b, order="ifgo", g_act=np.tanh, no_tanh_c=False):
    """A reference LSTM step written from the formulas (torch's gate order i, f, g, o)."""
    H = h_prev.shape[1]
    a = x @ Wx.T + h_prev @ Wh.T + b
    blocks = dict(zip(order, np.split(a, 4, axis=1)))
    i, f, g, o = sig(blocks["i"]), sig(blocks["f"]), g_act(blocks["g"]), sig(blocks["o"])
    c = f * c_prev + i * g
    tc = c if no_tanh_c else np.tanh(c)
    assert tc.shape == (x.shape[0], H)
    return o * tc, c, (x, h_prev, c_prev, Wx, Wh, i, f, g, o, np.tanh(c))


def make_lstm_backward(use_dc=True, h_path=True, dtanh="tanh(c)", forget="f", g_deriv="tanh",
                       gate_deriv="sigmoid", order="ifgo"):
    def backward(dh, dc, cache):
        x, h_prev, c_prev, Wx, Wh, i, f, g, o, tc = cache
        c = np.arctanh(tc)
        d_tanh = 1 - tc ** 2 if dtanh == "tanh(c)" else 1 - c ** 2
        dct = (dc if use_dc else 0) + (dh * o * d_tanh if h_path else 0)
        do, di, df, dg = dh * tc, dct * g, dct * c_prev, dct * i
        dc_prev = dct * {"f": f, "1-f": 1 - f, "1": 1}[forget]
        sd = (lambda s: s * (1 - s)) if gate_deriv == "sigmoid" else (lambda s: 1 - s * s)
        gd = 1 - g * g if g_deriv == "tanh" else g * (1 - g)
        blocks = {"i": di * sd(i), "f": df * sd(f), "g": dg * gd, "o": do * sd(o)}
        da = np.concatenate([blocks[k] for k in order], axis=1)
        return da @ Wx, da @ Wh, dc_prev, da.T @ x, da.T @ h_prev, da.sum(axis=0)
    return backward


def test_lstm_reference_passes(capsys):
    check.lstm_step_forward(lstm_forward_ref)
    check.lstm_step_backward(make_lstm_backward(), lstm_forward_ref)
    out = capsys.readouterr().out
    assert out == "LSTM step forward: all 2 checks passed\nLSTM step backward: all 8 checks passed\n"


@pytest.mark.skipif(not hasattr(layers, "lstm_step_backward"), reason="helpers.layers has no LSTM yet")
def test_lstm_helpers_layers_pass(capsys):
    check.lstm_step_forward(layers.lstm_step_forward)
    check.lstm_step_backward(layers.lstm_step_backward, layers.lstm_step_forward)
    assert "LSTM step backward: all 8 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, hint", [
    (dict(use_dc=False), r"dc arriving from the next step is not used"),
    (dict(h_path=False), r"misses the path through h = o \* tanh\(c\)"),
    (dict(dtanh="c"), r"1 - tanh\(c\)\*\*2, not 1 - c\*\*2"),
    (dict(forget="1"), r"dc_prev: .*scaled by the forget gate f"),
    (dict(forget="1-f"), r"multiply by f, not 1 - f"),
    (dict(g_deriv="sigmoid"), r"candidate g is a tanh: its derivative is 1 - g\*\*2"),
    (dict(gate_deriv="tanh"), r"gates i, f, o are sigmoids"),
    (dict(order="ifog"), r"gate blocks of the gradient are in the wrong order"),
], ids=lambda v: ",".join(f"{k}={w}" for k, w in v.items()) if isinstance(v, dict) else "")
def test_lstm_backward_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.lstm_step_backward(make_lstm_backward(**mistake), lstm_forward_ref), hint)


@pytest.mark.parametrize("forward, hint", [
    (lambda *a: lstm_forward_ref(*a, order="ifog"), r"gate blocks are taken in the wrong order"),
    (lambda *a: lstm_forward_ref(*a, g_act=sig), r"candidate g should be a tanh"),
    (lambda *a: lstm_forward_ref(*a, no_tanh_c=True), r"tanh of the cell state is missing"),
], ids=["order", "g_sigmoid", "no_tanh_c"])
def test_lstm_forward_mistakes_are_caught(forward, hint):
    fails_with(lambda: check.lstm_step_forward(forward), hint)
    # the backward check checks the forward first: a wrong cache is not blamed on the backward
    fails_with(lambda: check.lstm_step_backward(make_lstm_backward(), forward), hint)


# ---------------------------------------------------------------- 01 entropy

def test_entropy_reference_passes(capsys):
    from helpers.softmax import entropy
    check.entropy(entropy)
    assert capsys.readouterr().out == "entropy: all 4 checks passed\n"


@pytest.mark.parametrize("mutant, hint", [
    (lambda p: -(np.asarray(p) * np.log(np.asarray(p))).sum(axis=-1), r"0 \* ln 0"),
    (lambda p: (np.asarray(p) * np.log(np.where(np.asarray(p) > 0, p, 1))).sum(axis=-1),
     r"sign is wrong"),
    (lambda p: -(np.asarray(p) * np.log2(np.where(np.asarray(p) > 0, p, 1))).sum(axis=-1),
     r"in bits.*nats"),
    (lambda p: -(np.asarray(p) * np.log(np.where(np.asarray(p) > 0, p, 1))).sum(),
     r"one entropy per row"),
], ids=["nan_at_zero", "sign", "bits", "whole_array"])
def test_entropy_mistakes_are_caught(mutant, hint):
    fails_with(lambda: check.entropy(mutant), hint)


# ---------------------------------------------------------------- 04 the adder's forward

def make_adder_forward(act="sigmoid", whh_t=False, recurrent=True, ps_prev=False):
    def forward(x, Wxh, Whh, Why):
        T, H = x.shape[0], Whh.shape[0]
        f = sig if act == "sigmoid" else np.tanh
        hs = np.zeros((T + 1, H))
        for t in range(T):
            rec = (hs[t] @ Whh if whh_t else Whh @ hs[t]) if recurrent else 0
            hs[t + 1] = f(Wxh @ x[t] + rec)
        ps = sig((hs[:-1] if ps_prev else hs[1:]) @ Why[0])
        return hs, ps
    return forward


def test_adder_forward_reference_passes(capsys):
    def helpers_forward(x, Wxh, Whh, Why):
        p, cache = B.forward(x[None], {"Wxh": Wxh, "Whh": Whh, "Why": Why})
        h = cache[1][0]                               # (T, H): the states after each step
        return np.vstack([np.zeros((1, h.shape[1])), h]), p[0]
    check.adder_forward(helpers_forward)
    check.adder_forward(make_adder_forward(), T=5, H=3)
    assert capsys.readouterr().out.count("the adder's forward pass: all 4 checks passed") == 2


@pytest.mark.parametrize("mistake, hint", [
    (dict(act="tanh"), r"between 0 and 1: the units are sigmoids"),
    (dict(whh_t=True), r"uses Whh transposed"),
    (dict(recurrent=False), r"does not depend on h_\{t-1\}"),
    (dict(ps_prev=True), r"ps_t should read h_t = hs\[t \+ 1\]"),
], ids=lambda v: ",".join(v) if isinstance(v, dict) else "")
def test_adder_forward_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.adder_forward(make_adder_forward(**mistake)), hint)


# ---------------------------------------------------------------- 05 ablation

def test_ablate_reference_passes(capsys):
    from helpers.interpret import ablate

    def silence_outgoing(params, units):           # another right answer: the unit sends nothing
        q = {k: v.copy() for k, v in params.items()}
        q["Whh"][:, units] = 0
        q["Why"][:, units] = 0
        return q
    check.ablate(ablate)
    check.ablate(silence_outgoing)
    assert capsys.readouterr().out.count("ablation: all 3 checks passed") == 2


def ablate_in_place(params, units):
    for k in ("Wxh", "Whh", "bh"):
        params[k][units] = 0
    return params


def ablate_columns(params, units):
    q = {k: v.copy() for k, v in params.items()}
    q["Wxh"][:, units] = 0
    return q


def ablate_input_only(params, units):
    q = {k: v.copy() for k, v in params.items()}
    q["Wxh"][units] = 0
    return q


def ablate_why_rows(params, units):
    q = {k: v.copy() for k, v in params.items()}
    q["Why"][units] = 0
    return q


@pytest.mark.parametrize("mutant, hint", [
    (ablate_in_place, r"changed the params it was given"),
    (ablate_columns, r"columns of Wxh belong to input characters"),
    (ablate_input_only, r"still get input through Whh and bh"),
    (ablate_why_rows, r"rows of Why belong to output characters"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_ablate_mistakes_are_caught(mutant, hint):
    fails_with(lambda: check.ablate(mutant), hint)


# ---------------------------------------------------------------- 05 next-character probabilities

def probs_stable(params, hs):                      # the notebook's solution
    z = np.asarray(hs, dtype=np.float64) @ params["Why"].T + params["by"]
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_next_char_probs_reference_passes(capsys):
    from helpers.interpret import next_char_probs
    check.next_char_probs(next_char_probs)
    check.next_char_probs(probs_stable)
    check.next_char_probs(lambda params, hs: ref_softmax(hs @ params["Why"].T + params["by"]))
    assert capsys.readouterr().out == "next-character probabilities: all 4 checks passed\n" * 3


def probs_axis0(params, hs):
    z = hs @ params["Why"].T + params["by"]
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def probs_global_sum(params, hs):
    z = hs @ params["Why"].T + params["by"]
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum()


def probs_no_bias(params, hs):
    return ref_softmax(hs @ params["Why"].T)


def probs_wxh(params, hs):
    return ref_softmax(hs @ params["Wxh"] + params["by"])


def probs_logits(params, hs):
    return hs @ params["Why"].T + params["by"]


def probs_unnormalised(params, hs):
    return np.exp(hs @ params["Why"].T + params["by"])


def probs_no_shift(params, hs):
    e = np.exp(hs @ params["Why"].T + params["by"])
    return e / e.sum(axis=-1, keepdims=True)


def probs_global_max(params, hs):
    z = hs @ params["Why"].T + params["by"]
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


def probs_in_place(params, hs):
    by = params["by"]
    by -= by.max()                                 # same softmax, but it edits the model
    return probs_stable(params, hs)


def probs_first_state(params, hs):
    return np.repeat(probs_stable(params, hs[:1]), len(hs), axis=0)


def probs_untransposed(params, hs):
    return ref_softmax(hs @ params["Why"] + params["by"])


@pytest.mark.parametrize("mutant, hint", [
    (probs_axis0, r"each column sums to 1, not each row.*wrong axis"),
    (probs_global_sum, r"whole array sums to 1"),
    (probs_no_bias, r"output bias by is not added"),
    (probs_wxh, r"use Wxh, the input weights"),
    (probs_logits, r"raw scores \(logits\): the softmax is missing"),
    (probs_unnormalised, r"exponentials are not normalised"),
    (probs_no_shift, r"exp overflows.*largest logit of each row"),
    (probs_global_max, r"underflows.*largest logit of each row"),
    (probs_in_place, r"changed its inputs"),
    (probs_first_state, r"differ from softmax"),
    (probs_untransposed, r"probs_untransposed\(dict\(.*\), array\(5, 4\)\) raised ValueError"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_next_char_probs_mistakes_are_caught(mutant, hint):
    fails_with(lambda: check.next_char_probs(mutant), hint)


def test_next_char_probs_messages_do_not_show_the_expected_array():
    for mutant in (probs_axis0, probs_no_bias, probs_no_shift):
        msg = fails_with(lambda: check.next_char_probs(mutant), "next-character probabilities")
        assert not re.search(r"\d\.\d{3}", msg), f"the hint should not show numbers: {msg}"


# ---------------------------------------------------------------- 06 attention backward

def make_attention_backward(jacobian=True, keys=True, values=True):
    def backward(dc, cache):
        hd, he, a = cache
        da = dc @ he.transpose(0, 2, 1)
        de = a * (da - (da * a).sum(axis=-1, keepdims=True)) if jacobian else a * da
        dhe = (a.transpose(0, 2, 1) @ dc if values else 0) + (de.transpose(0, 2, 1) @ hd if keys else 0)
        return de @ he, dhe
    return backward


def test_attention_backward_reference_passes(capsys):
    from helpers.seq2seq import attention_backward
    check.attention_backward(attention_backward, ref_attention_forward)
    check.attention_backward(make_attention_backward(), ref_attention_forward)
    assert capsys.readouterr().out.count("attention backward: all 3 checks passed") == 2


@pytest.mark.parametrize("mistake, hint", [
    (dict(jacobian=False), r"does not go back through the softmax"),
    (dict(keys=False), r"dhe: dhe misses the path through the scores"),
    (dict(values=False), r"dhe: dhe misses the path through the context"),
], ids=lambda v: ",".join(v) if isinstance(v, dict) else "")
def test_attention_backward_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.attention_backward(make_attention_backward(**mistake),
                                                ref_attention_forward), hint)


def test_attention_backward_blames_a_wrong_forward_first():
    fails_with(lambda: check.attention_backward(make_attention_backward(),
                                                lambda *a: attention_no_mask(*a) + (None,)),
               r"make check.attention_forward pass first")


# ---------------------------------------------------------------- 07 padded batch

def make_pad(short=False, mask_letters_only=False, swap=False, no_start=False):
    def pad(names):
        T = max(map(len, names)) + (0 if short else 1)
        x = np.zeros((len(names), T), dtype=np.int64)
        y, mask = x.copy(), np.zeros((len(names), T), dtype=bool)
        for n, name in enumerate(names):
            ids = VOCAB.encode(("" if no_start else "\n") + name + "\n")
            L = len(name) + 1
            xi, yi = (ids[1:], ids[:-1]) if swap else (ids[:-1], ids[1:])
            x[n, :min(L, T)], y[n, :min(L, T)] = xi[:T], yi[:T]
            mask[n, :(L - 1 if mask_letters_only else L)] = True
        return x, y, mask
    return pad


def test_pad_batch_reference_passes(capsys):
    from helpers.names import pad_batch
    check.pad_batch(pad_batch)
    check.pad_batch(make_pad())
    assert capsys.readouterr().out.count("padded batch: all 3 checks passed") == 2


def test_pad_batch_mistakes_are_caught():
    fails_with(lambda: check.pad_batch(make_pad(short=True)), r"T is the longest name \+ 1")
    fails_with(lambda: check.pad_batch(make_pad(mask_letters_only=True)), r"final '\\n' is a real target")
    fails_with(lambda: check.pad_batch(make_pad(swap=True)), r"x and y are swapped")

    def pad_no_start(names):
        x, y, mask = make_pad()(names)
        return np.roll(x, -1, axis=1), y, mask
    fails_with(lambda: check.pad_batch(pad_no_start), r"x for 'ava' should be the ids of '\\n' \+ name")


# ---------------------------------------------------------------- 03 one character step

def make_char_step(whh_t=False, bias=True, tanh=True, old_h_logits=False, row=False):
    def step(params, ix, h):
        col = params["Wxh"][ix] if row else params["Wxh"][:, ix]
        a = col + (params["Whh"].T if whh_t else params["Whh"]) @ h + (params["bh"] if bias else 0)
        h_new = np.tanh(a) if tanh else a
        return h_new, params["Why"] @ (h if old_h_logits else h_new) + params["by"]
    return step


def test_char_step_reference_passes(capsys):
    check.char_step(char_rnn.step)
    check.char_step(make_char_step())
    assert capsys.readouterr().out.count("one character step: all 4 checks passed") == 2


@pytest.mark.parametrize("mistake, hint", [
    (dict(whh_t=True), r"uses Whh transposed"),
    (dict(bias=False), r"bias bh is not added"),
    (dict(tanh=False), r"tanh is missing"),
    (dict(old_h_logits=True), r"computed from the old h"),
    (dict(row=True), r"raised ValueError|shape"),
], ids=lambda v: ",".join(v) if isinstance(v, dict) else "")
def test_char_step_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.char_step(make_char_step(**mistake)), hint)


def test_a_missing_return_is_named():
    fails_with(lambda: check.softmax_temperature(lambda z, T: None), r"None: is a `return` missing")
    fails_with(lambda: check.attention_forward(lambda hd, he, m: None), r"returned None.*`return` missing")


# ---------------------------------------------------------------- 08 the GRU step

def gru_forward_ref(x, h_prev, Wx, Wh, bx, bh, swap_z=False, reset_before=False, order="rzn"):
    """A reference GRU step written from the formulas (torch's blocks r, z, n)."""
    H = h_prev.shape[1]
    gx = dict(zip(order, np.split(x @ Wx.T + bx, 3, axis=1)))
    gh = dict(zip(order, np.split(h_prev @ Wh.T + bh, 3, axis=1)))
    Wn = dict(zip(order, np.split(Wh, 3)))["n"]
    bn = dict(zip(order, np.split(bh, 3)))["n"]
    r, z = sig(gx["r"] + gh["r"]), sig(gx["z"] + gh["z"])
    n = np.tanh(gx["n"] + ((r * h_prev) @ Wn.T + bn if reset_before else r * gh["n"]))
    h = z * n + (1 - z) * h_prev if swap_z else (1 - z) * n + z * h_prev
    assert h.shape == (x.shape[0], H)
    return h, (x, h_prev, Wx, Wh, r, z, n, gh["n"])


def make_gru_backward(direct=True, keep="z", dz_sign=1, r_in_n=True, tanh_deriv=True):
    def backward(dh, cache):
        x, h_prev, Wx, Wh, r, z, n, hn = cache
        dn = dh * (1 - z)
        dz = dz_sign * dh * (h_prev - n)
        dan = dn * (1 - n * n) if tanh_deriv else dn
        dar = dan * hn * r * (1 - r)
        daz = dz * z * (1 - z)
        dax = np.concatenate([dar, daz, dan], axis=1)
        dah = np.concatenate([dar, daz, dan * r if r_in_n else dan], axis=1)
        dh_prev = ({"z": dh * z, "1-z": dh * (1 - z)}[keep] if direct else 0) + dah @ Wh
        return dax @ Wx, dh_prev, dax.T @ x, dah.T @ h_prev, dax.sum(axis=0), dah.sum(axis=0)
    return backward


def test_gru_reference_passes(capsys):
    check.gru_step_forward(gru_forward_ref)
    check.gru_step_backward(make_gru_backward(), gru_forward_ref)
    out = capsys.readouterr().out
    assert out == "GRU step forward: all 2 checks passed\nGRU step backward: all 8 checks passed\n"


@pytest.mark.skipif(not hasattr(layers, "gru_step_backward"), reason="helpers.layers has no GRU yet")
def test_gru_helpers_layers_pass(capsys):
    check.gru_step_forward(layers.gru_step_forward)
    check.gru_step_backward(layers.gru_step_backward, layers.gru_step_forward)
    assert "GRU step backward: all 8 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, hint", [
    (dict(direct=False), r"dh_prev: misses the direct path"),
    (dict(keep="1-z"), r"scaled by z .*not by 1 - z"),
    (dict(dz_sign=-1), r"update gate's gradient has the wrong sign"),
    (dict(r_in_n=False), r"must pass through the reset gate r"),
    (dict(tanh_deriv=False), r"candidate n is a tanh"),
], ids=lambda v: ",".join(f"{k}={w}" for k, w in v.items()) if isinstance(v, dict) else "")
def test_gru_backward_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.gru_step_backward(make_gru_backward(**mistake), gru_forward_ref), hint)


@pytest.mark.parametrize("forward, hint", [
    (lambda *a: gru_forward_ref(*a, swap_z=True), r"update gate is used the other way round"),
    (lambda *a: gru_forward_ref(*a, reset_before=True), r"reset gate should scale"),
    (lambda *a: gru_forward_ref(*a, order="zrn"), r"gate blocks are taken in the wrong order"),
], ids=["swap_z", "reset_before", "order"])
def test_gru_forward_mistakes_are_caught(forward, hint):
    fails_with(lambda: check.gru_step_forward(forward), hint)
    fails_with(lambda: check.gru_step_backward(make_gru_backward(), forward), hint)
