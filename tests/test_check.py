"""helpers.check: every check passes the course's reference solution and catches a catalogue of
typical mistakes (each written here as a mutated function) with the hint meant for it."""
import inspect
import re

import numpy as np
import pytest

from helpers import binary as B
from helpers import char_rnn, check, layers
from helpers.check import ExerciseError
from helpers.check import nb02_recurrence as nb02
from helpers.check import nb04_adder as nb04
from helpers.check import nb06_attention as nb06
from helpers.check import nb08_gated as nb08
from helpers.names import bigram_counts as ref_bigram_counts
from helpers.interpret import ablate as ref_ablate
from helpers.names import names_vocab
from helpers.names import pad_batch as ref_pad_batch
from helpers.seq2seq import attention_backward as ref_attention_backward
from helpers.seq2seq import attention_forward as ref_attention_forward
from helpers.softmax import sample as ref_sample
from helpers.softmax import entropy as ref_entropy
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
    (softmax_in_place, r"changed its input z in place"),
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


def step_reference(x, h, Wxh, Whh, bh):          # notebook 02's solution
    hn = np.tanh(x @ Wxh.T + h @ Whh.T + bh)
    return hn, (x, h, Wxh, Whh, hn)


def test_rnn_step_reference_passes(capsys):
    check.rnn_step_forward(step_reference)
    assert capsys.readouterr().out == "RNN step forward: all 6 checks passed\n"


def step_caches_preactivation(x, h, Wxh, Whh, bh):
    a = x @ Wxh.T + h @ Whh.T + bh
    return np.tanh(a), (x, h, Wxh, Whh, a)


def step_cache_order(x, h, Wxh, Whh, bh):
    hn = np.tanh(x @ Wxh.T + h @ Whh.T + bh)
    return hn, (h, x, Wxh, Whh, hn)


def step_caches_new_state_as_prev(x, h, Wxh, Whh, bh):
    hn = np.tanh(x @ Wxh.T + h @ Whh.T + bh)
    return hn, (x, hn, Wxh, Whh, hn)


def step_h_only(x, h, Wxh, Whh, bh):
    return layers.rnn_step_forward(x, h, Wxh, Whh, bh)[0]


def step_in_place(x, h, Wxh, Whh, bh):
    h[:] = np.tanh(x @ Wxh.T + h @ Whh.T + bh)      # the new state written into the caller's h
    return h, (x, h, Wxh, Whh, h)


@pytest.mark.parametrize("mutant, hint", [
    (step_no_transpose, r"uses Whh as it is.*transpose"),
    (step_no_tanh, r"between -1 and 1.*tanh missing"),
    (step_no_bias, r"bias bh is not added"),
    (step_no_recurrence, r"does not depend on h_prev"),
    (step_sigmoid, r"sigmoid"),
    (step_wxh_untransposed, r"raised ValueError.*shapes"),
    (step_mixes_batch, r"row n of h must depend only on row n|formula"),
    (step_caches_preactivation, r"right, but the cache gives wrong gradients.*\(x, h_prev, Wxh, Whh, h\)"),
    (step_cache_order, r"cache .*\(x, h_prev, Wxh, Whh, h\) in that order"),
    (step_caches_new_state_as_prev, r"right, but the cache"),
    (step_h_only, r"should return \(h, cache\)"),
    (step_in_place, r"changed its input h in place"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_rnn_step_mistakes_are_caught(mutant, hint):
    fails_with(lambda: check.rnn_step_forward(mutant), hint)


# ---------------------------------------------------------------- 02 BPTT (min-char-rnn's lossFun)

def make_lossfun(copy_dy=True, ps_as="array", loss_as="float"):
    """Notebook 02's lossFun written out, with switches for mistakes outside the gradients (the
    gradient mistakes come from the check's own bptt_variant, below)."""
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
            dy = np.copy(ps[t]) if copy_dy else ps[t]
            dy[targets[t]] -= 1
            dh = Why.T @ dy + dh_next
            dhraw = (1 - hs[t] * hs[t]) * dh
            for k, v in {"Why": np.outer(dy, hs[t]), "by": dy, "bh": dhraw,
                         "Wxh": np.outer(dhraw, xs[t]), "Whh": np.outer(dhraw, hs[t - 1])}.items():
                g[k] = g[k] + v
            dh_next = Whh.T @ dhraw
        T = len(inputs)
        out_ps = np.array([ps[t] for t in range(T)]) if ps_as == "array" else ps
        out_loss = {"float": loss, "list": [loss], "keepdims": np.array([loss])}[loss_as]
        return out_loss, g, np.array([hs[t] for t in range(T)]), out_ps
    return lossFun


def variant_lossfun(mean=False, **mistake):
    """A lossFun with one gradient mistake: the check's own bptt_variant, as a learner's function."""
    def lossFun(inputs, targets, hprev, p):
        loss, g, hs, ps = nb02.bptt_variant(inputs, targets, hprev, p, **mistake)
        return (loss / len(inputs) if mean else loss), g, hs, ps
    return lossFun


def classic_lossfun(inputs, targets, hprev, p):
    """The course's reference: helpers.char_rnn.classic_loss_fun, without clipping."""
    loss, dWxh, dWhh, dWhy, dbh, dby, _ = char_rnn.classic_loss_fun(inputs, targets, hprev, p, clip=None)
    return loss, {"Wxh": dWxh, "Whh": dWhh, "bh": dbh, "Why": dWhy, "by": dby}


def test_bptt_reference_passes(capsys):
    check.bptt(classic_lossfun)
    check.bptt(make_lossfun())
    check.bptt(make_lossfun(ps_as="dict"))          # min-char-rnn's own dicts of vectors
    check.bptt(variant_lossfun())
    assert capsys.readouterr().out.count("backpropagation through time: all 8 checks passed") == 4


@pytest.mark.parametrize("mistake, hint", [
    (dict(accumulate="first"), r"right shape but misses the sum over time.*not only the last"),
    (dict(accumulate="last"), r"right shape but misses the sum over time.*not only one step"),
    (dict(tanh_prime=False), r"misses the derivative of the tanh"),
    (dict(carry=False), r"misses the gradient from later steps.*carried back from step t \+ 1"),
    (dict(whh_t=False), r"carried back with Whh as it is"),
    (dict(prev_h=False), r"dWhh: pairs step t's gradient with h_t"),
    (dict(transpose_dwhh=True), r"dWhh: transposed"),
    (dict(onehot=False), r"dby: misses the target"),
    (dict(mean=True), r"loss is the mean over the steps"),
], ids=lambda v: ",".join(v) if isinstance(v, dict) else "")
def test_bptt_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.bptt(variant_lossfun(**mistake)), hint)


@pytest.mark.parametrize("mistake, hint", [
    (dict(copy_dy=False), r"returned ps are not the forward pass's.*dy = ps\[t\] without a copy"),
    (dict(copy_dy=False, ps_as="dict"), r"returned ps are not the forward pass's"),
    (dict(loss_as="keepdims"), r"the loss .*should be one number, got an array of shape \(1,\)"),
    (dict(loss_as="list"), r"the loss .*should be one number"),
], ids=lambda v: ",".join(f"{k}={w}" for k, w in v.items()) if isinstance(v, dict) else "")
def test_bptt_mistakes_outside_the_gradients_are_caught(mistake, hint):
    fails_with(lambda: check.bptt(make_lossfun(**mistake)), hint)


def test_bptt_changing_the_parameters_is_named():
    def lossfun_scales_p(inputs, targets, hprev, p):
        p["by"] -= p["by"].max()                          # "stabilised" in place
        return classic_lossfun(inputs, targets, hprev, p)
    fails_with(lambda: check.bptt(lossfun_scales_p), r"changed its input p in place")


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


def sample_choice_of_p(p, rng):
    return int(rng.choice(p))                          # draws a probability, not an index


def sample_reseeded(p, rng):
    rng = np.random.default_rng(1234)                  # "for reproducibility", inside
    return int(rng.choice(len(p), p=p))


def test_sample_index_reference_passes(capsys):
    check.sample_index(ref_sample)
    check.sample_index(lambda p, rng: int(np.searchsorted(np.cumsum(p), rng.random(), side="right")))
    assert capsys.readouterr().out.count("sampling an index: all 4 checks passed") == 2


@pytest.mark.parametrize("mutant, hint", [
    (sample_argmax, r"always returns the most likely index \(3 here\)"),
    (sample_uniform, r"look uniform"),
    (sample_global, r"same seed gave different draws.*rng you are given"),
    (sample_own_rng, r"same whatever the seed.*do not make or seed a new generator"),
    (sample_reseeded, r"same whatever the seed.*do not make or seed a new generator"),
    (sample_choice_of_p, r"always returns 0: rng.choice\(p\) draws one of the probabilities"),
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
    (lambda z, T, rng: int(np.argmax(z)), r"always returns the most likely index \(2 here\)"),
    (lambda z, T, rng: sample_uniform(z, rng), r"look uniform"),
    (lambda z, T, rng: sample_choice_of_p(ref_softmax(z, T), rng), r"always returns 0"),
    (lambda z, T, rng: sample_reseeded(ref_softmax(z, T), rng), r"do not make or seed a new"),
], ids=["times_T", "ignores_T", "argmax", "uniform", "choice_of_p", "reseeded"])
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


def make_adder_bptt(**mistake):
    """Notebook 04's bptt with one mistake: the check's own adder_bptt_variant."""
    return lambda *args: nb04.adder_bptt_variant(*args, **mistake)


def adder_bptt_writes_hs(x, y, hs, ps, Wxh, Whh, Why):
    hs *= 1 - hs                        # the sigmoid's derivative, computed in place
    return nb04.adder_bptt_variant(x, y, hs, ps, Wxh, Whh, Why, deriv="none")


def test_adder_reference_passes(capsys):
    check.adder_bptt(adder_reference)
    check.adder_bptt(make_adder_bptt(), T=5, H=3)
    assert capsys.readouterr().out.count("the adder's backward pass: all 4 checks passed") == 2


@pytest.mark.parametrize("mistake, hint", [
    (dict(deriv="tanh"), r"sigmoids: their derivative is h \(1 - h\), not 1 - h\*\*2"),
    (dict(deriv="none"), r"misses the sigmoid's derivative"),
    (dict(carry=False), r"future hidden delta is not carried"),
    (dict(whh_t=False), r"Whh as it is.*transpose"),
    (dict(prev_h=False), r"dWhh: pairs step t's delta with h_t = hs\[t\]"),
    (dict(out_deriv=False), r"output is a sigmoid too"),
], ids=lambda v: ",".join(f"{k}={w}" for k, w in v.items()) if isinstance(v, dict) else "")
def test_adder_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.adder_bptt(make_adder_bptt(**mistake)), hint)


def test_adder_bptt_writing_into_hs_is_named_not_blamed_on_a_gradient():
    fails_with(lambda: check.adder_bptt(adder_bptt_writes_hs, T=8, H=16), r"changed its input hs in place")


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
    assert capsys.readouterr().out == "attention forward: all 7 checks passed\n"


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


def counts_with(frame=("\n", "\n"), fancy=False, transpose=False, shift=0, set_one=False):
    def count(names):
        C = np.zeros((27, 27), dtype=np.int64)
        for name in names:
            ids = VOCAB.encode(frame[0] + name + frame[1])
            if fancy:
                C[ids[:-1], ids[1:]] += 1
            elif set_one:
                for a, b in zip(ids[:-1], ids[1:]):
                    C[a, b] = 1
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
    (dict(set_one=True), r"counted at most once: C\[a, b\] = 1 sets the count"),
], ids=lambda v: ",".join(f"{k}" for k in v) if isinstance(v, dict) else "")
def test_bigram_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.bigram_counts(counts_with(**mistake)), hint)


def test_bigram_wrong_shape():
    fails_with(lambda: check.bigram_counts(lambda names: np.zeros((26, 26))), r"\(27, 27\)")


# ---------------------------------------------------------------- 08 the LSTM step

def sig(z):
    return 1 / (1 + np.exp(-z))


def lstm_forward_ref(x, h_prev, c_prev, Wx, Wh, b, **mistake):
    """The LSTM step with one forward mistake: the check's own lstm_forward_variant."""
    return nb08.lstm_forward_variant(x, h_prev, c_prev, Wx, Wh, b, **mistake)


def make_lstm_backward(**mistake):
    """The LSTM step backward with one mistake: the check's own lstm_backward_variant."""
    return lambda dh, dc, cache: nb08.lstm_backward_variant(dh, dc, cache, **mistake)


def lstm_caches_c_as_tc(*args):
    h, c, (x, Wx, (h_prev, c_prev, Wh, i, f, g, o, tc)) = lstm_forward_ref(*args)
    return h, c, (x, Wx, (h_prev, c_prev, Wh, i, f, g, o, c))      # tc = c in the cache only


def lstm_caches_gates_before_sigmoid(x, h_prev, c_prev, Wx, Wh, b):
    a = x @ Wx.T + h_prev @ Wh.T + b
    ai, af, ag, ao = np.split(a, 4, axis=1)
    i, f, g, o = sig(ai), sig(af), np.tanh(ag), sig(ao)
    c = f * c_prev + i * g
    return o * np.tanh(c), c, (x, Wx, (h_prev, c_prev, Wh, ai, af, g, ao, np.tanh(c)))


def lstm_forget_on_h(x, h_prev, c_prev, Wx, Wh, b):
    a = x @ Wx.T + h_prev @ Wh.T + b
    i, f, g, o = sig(a[:, :2]), sig(a[:, 2:4]), np.tanh(a[:, 4:6]), sig(a[:, 6:])
    c = f * h_prev + i * g                 # the forget gate scales the wrong state
    return o * np.tanh(c), c, (x, Wx, (h_prev, c_prev, Wh, i, f, g, o, np.tanh(c)))


def lstm_backward_dc_in_place(dh, dc, cache):
    x, Wx, (h_prev, c_prev, Wh, i, f, g, o, tc) = cache
    dc += dh * o * (1 - tc ** 2)           # changes the caller's dc
    return nb08.lstm_backward_variant(dh, dc, cache, h_path=False)


def test_lstm_reference_passes(capsys):
    check.lstm_step_forward(lstm_forward_ref)
    check.lstm_step_backward(make_lstm_backward(), lstm_forward_ref)
    out = capsys.readouterr().out
    assert out == "LSTM step forward: all 3 checks passed\nLSTM step backward: all 8 checks passed\n"


@pytest.mark.skipif(not hasattr(layers, "lstm_step_backward"), reason="helpers.layers has no LSTM yet")
def test_lstm_helpers_layers_pass(capsys):
    check.lstm_step_forward(layers.lstm_step_forward)
    check.lstm_step_backward(layers.lstm_step_backward, layers.lstm_step_forward)
    assert "LSTM step backward: all 8 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, hint", [
    (dict(use_dc=False), r"dc arriving from the next step is not used"),
    (dict(h_path=False), r"misses the path through h = o \* tanh\(c\)"),
    (dict(tanh_c="c"), r"1 - tanh\(c\)\*\*2, not 1 - c\*\*2"),
    (dict(forget="1"), r"dc_prev: .*scaled by the forget gate f"),
    (dict(forget="1-f"), r"multiply by f, not 1 - f"),
    (dict(g_deriv="sigmoid"), r"candidate g is a tanh: its derivative is 1 - g\*\*2"),
    (dict(gate_deriv="tanh"), r"gates i, f, o are sigmoids"),
    (dict(order=(0, 1, 3, 2)), r"gate blocks of the gradient are in the wrong order"),
], ids=lambda v: ",".join(f"{k}={w}" for k, w in v.items()) if isinstance(v, dict) else "")
def test_lstm_backward_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.lstm_step_backward(make_lstm_backward(**mistake), lstm_forward_ref), hint)


def test_lstm_backward_changing_dc_in_place_is_named():
    fails_with(lambda: check.lstm_step_backward(lstm_backward_dc_in_place, layers.lstm_step_forward),
               r"changed its input dc in place")


@pytest.mark.parametrize("forward, hint", [
    (lambda *a: lstm_forward_ref(*a, order="ifog"), r"gate blocks are taken in the wrong order"),
    (lambda *a: lstm_forward_ref(*a, g_act="sigmoid"), r"candidate g should be a tanh"),
    (lambda *a: lstm_forward_ref(*a, tanh_c=False), r"tanh of the cell state is missing"),
    (lambda *a: lstm_forward_ref(*a, bias=False), r"bias b is not added"),
    (lstm_caches_c_as_tc, r"right, but the cache gives wrong gradients.*tc = tanh\(c\)"),
    (lstm_caches_gates_before_sigmoid, r"right, but the cache gives wrong gradients"),
    (lstm_forget_on_h, r"forget gate's term is wrong: f .* scales c_prev"),
], ids=["order", "g_sigmoid", "no_tanh_c", "no_bias", "cache_tc_c", "cache_pre_sigmoid",
        "forget_on_h"])
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


def entropy_smoothed(p):
    p = np.asarray(p)
    return -(p * np.log(p + 1e-6)).sum(axis=-1)


def entropy_keepdims(p):
    p = np.asarray(p)
    return -(p * np.log(np.where(p > 0, p, 1))).sum(axis=-1, keepdims=True)


def entropy_zeroes_in_place(p):
    p[p == 0] = 1.0                     # "0 ln 0 = 0" by overwriting the caller's zeros
    return -(p * np.log(p)).sum(axis=-1)


def entropy_returns_list(p):
    return [float(-(q * np.log(np.where(q > 0, q, 1))).sum()) for q in np.atleast_2d(p)]


def test_entropy_messages_show_the_difference_and_name_the_suspect():
    message = fails_with(lambda: check.entropy(entropy_smoothed),
                         r"expected 1\.039721 nats, got 1\.039718\. It is close.*log\(p \+ eps\)")
    want, got = re.search(r"expected (\S+) nats, got (\S+)\.", message).groups()
    assert want != got
    fails_with(lambda: check.entropy(entropy_keepdims),
               r"one number, got an array of shape \(1,\).*keepdims=True keeps the summed axis")
    fails_with(lambda: check.entropy(entropy_zeroes_in_place), r"changed its input p in place")
    fails_with(lambda: check.entropy(entropy_returns_list), r"one number, got an array of shape \(1,\)")


def test_shapes_are_mentioned_only_for_shape_errors():
    def uses_undefined_name(z, T):
        return softmax_with_a_typo(z, T)  # noqa: F821
    message = fails_with(lambda: check.softmax_temperature(uses_undefined_name), r"raised NameError")
    assert "shape" not in message
    message = fails_with(lambda: check.softmax_temperature(lambda z, T: np.exp(z) @ np.ones((7, 7))),
                         r"raised ValueError")
    assert "Check the shapes" in message


# ---------------------------------------------------------------- 04 the adder's forward

def make_adder_forward(act="sigmoid", whh_t=False, recurrent=True, ps_prev=False, last=0):
    def forward(x, Wxh, Whh, Why):
        T, H = x.shape[0], Whh.shape[0]
        f = sig if act == "sigmoid" else np.tanh
        hs = np.zeros((T + 1, H))
        for t in range(T - last):       # last=1: the notebook's range(1, T), one step short
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
    (dict(ps_prev=True), r"ps\[t - 1\], the output of step t, should read h_t = hs\[t\]"),
    (dict(last=1), r"hs\[8\] still 0: the loop never computed step 8.*range\(1, T \+ 1\)"),
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


def ablate_bias_only(params, units):
    q = {k: v.copy() for k, v in params.items()}
    q["bh"][units] = 0                  # the unit still gets input through Wxh and Whh
    return q


def ablate_outgoing_whh_only(params, units):
    q = {k: v.copy() for k, v in params.items()}
    q["Whh"][:, units] = 0              # silent towards other units, still reaches the output
    return q


def ablate_why_only(params, units):
    q = {k: v.copy() for k, v in params.items()}
    q["Why"][:, units] = 0              # silent towards the output, still steers other units
    return q


def ablate_off_by_one(params, units):
    q = {k: v.copy() for k, v in params.items()}
    for k in ("Wxh", "Whh", "bh"):
        q[k][[u + 1 for u in units]] = 0
    return q


def ablate_returns_list(params, units):
    return [params[k] for k in params]


@pytest.mark.parametrize("mutant, hint", [
    (ablate_bias_only, r"still reach the output.*columns of Why"),
    (ablate_outgoing_whh_only, r"still reach the output.*columns of Why"),
    (ablate_why_only, r"still steer the other units through their columns of Whh"),
    (ablate_off_by_one, r"unit\(s\) \[2, 5\], which should stay on, were changed"),
    (ablate_returns_list, r"should return a dict like params.*got a list of 5"),
    (ablate_in_place, r"changed its input params in place"),
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
    (probs_in_place, r"changed its input params in place"),
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

def make_attention_backward(keepdims=True, **mistake):
    """The attention backward with one mistake: the check's own attention_backward_variant,
    reading the cache (hd, he, a) as the learner's function does."""
    def backward(dc, cache):
        hd, he, a = cache
        if not keepdims:                # the row sum without keepdims=True: (N, Td) against (N, Td, Ts)
            da = dc @ he.transpose(0, 2, 1)
            return a * (da - (da * a).sum(axis=-1)), None
        return nb06.attention_backward_variant(dc, hd, he, a, **mistake)
    return backward


def attention_caches_scores(hd, he, mask):
    e = np.where(mask[:, None, :], hd @ he.transpose(0, 2, 1), -1e9)
    a = ref_softmax(e, axis=-1)
    return a @ he, a, (hd, he, e)       # the scores, not the weights


def test_attention_backward_reference_passes(capsys):
    from helpers.seq2seq import attention_backward
    check.attention_backward(attention_backward, ref_attention_forward)
    check.attention_backward(make_attention_backward(), ref_attention_forward)
    assert capsys.readouterr().out.count("attention backward: all 4 checks passed") == 2


@pytest.mark.parametrize("mistake, hint", [
    (dict(jacobian=False), r"does not go back through the softmax"),
    (dict(keys=False), r"dhe: misses the path through the scores"),
    (dict(values=False), r"dhe: misses the path through the context"),
    (dict(keepdims=False), r"raised ValueError.*broadcast.*Check the shapes"),
], ids=lambda v: ",".join(v) if isinstance(v, dict) else "")
def test_attention_backward_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.attention_backward(make_attention_backward(**mistake),
                                                ref_attention_forward), hint)


def test_attention_backward_blames_a_wrong_forward_first():
    fails_with(lambda: check.attention_backward(make_attention_backward(),
                                                lambda *a: attention_no_mask(*a) + (None,)),
               r"make check.attention_forward pass first")


def test_attention_cache_of_scores_is_caught_in_both_checks():
    fails_with(lambda: check.attention_forward(attention_caches_scores),
               r"right, but the cache gives wrong gradients.*\(hd, he, a\)")
    fails_with(lambda: check.attention_backward(make_attention_backward(), attention_caches_scores),
               r"right, but the cache gives wrong gradients")


def test_an_exception_message_summarises_the_cache_instead_of_dumping_it():
    message = fails_with(lambda: check.attention_backward(make_attention_backward(keepdims=False),
                                                          ref_attention_forward), r"ValueError")
    assert "tuple(array(2, 3, 5), array(2, 4, 5), array(2, 3, 4))" in message, message
    assert len(message) < 600, message


# ---------------------------------------------------------------- 07 padded batch

def make_pad(short=False, mask_letters_only=False, swap=False, no_start=False, pad_id=0,
             dtype=np.int64):
    def pad(names):
        T = max(map(len, names)) + (0 if short else 1)
        x = np.full((len(names), T), pad_id, dtype=dtype)
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
    assert capsys.readouterr().out.count("padded batch: all 4 checks passed") == 2


def test_pad_batch_mistakes_are_caught():
    fails_with(lambda: check.pad_batch(make_pad(short=True)), r"T is the longest name \+ 1")
    fails_with(lambda: check.pad_batch(make_pad(mask_letters_only=True)), r"final '\\n' is a real target")
    fails_with(lambda: check.pad_batch(make_pad(swap=True)), r"x and y are swapped")

    def pad_no_start(names):
        x, y, mask = make_pad()(names)
        return np.roll(x, -1, axis=1), y, mask
    fails_with(lambda: check.pad_batch(pad_no_start), r"x for 'ava' should be the ids of '\\n' \+ name")


def pad_ragged(names):
    xs = [VOCAB.encode("\n" + name) for name in names]             # one list per name, unpadded
    ys = [VOCAB.encode(name + "\n") for name in names]
    return xs, ys, [[True] * len(x) for x in xs]


def pad_strings(names):
    return ["\n" + name for name in names], [name + "\n" for name in names], None


@pytest.mark.parametrize("mutant, hint", [
    (make_pad(pad_id=-1), r"x holds \[-1\] at padded positions: pad with id 0"),
    (make_pad(pad_id=27), r"x holds \[27\] at padded positions"),
    (make_pad(dtype=np.float64), r"x should hold integer ids.*got dtype float64"),
    (pad_ragged, r"x should be a NumPy array of numbers, got a list of 3 sequences of different "
                 r"lengths \(3, 4, 12\): a ragged list"),
    (pad_strings, r"x should be a NumPy array of numbers, got an array of shape \(3,\), dtype <U12"),
], ids=["pad_minus_one", "pad_27", "float_ids", "ragged", "strings"])
def test_pad_batch_padding_ragged_and_types(mutant, hint):
    fails_with(lambda: check.pad_batch(mutant), hint)


# ---------------------------------------------------------------- 03 one character step

def make_char_step(whh_t=False, bias=True, tanh=True, old_h_logits=False, row=False,
                   in_place=False):
    def step(params, ix, h):
        col = params["Wxh"][ix] if row else params["Wxh"][:, ix]
        a = col + (params["Whh"].T if whh_t else params["Whh"]) @ h + (params["bh"] if bias else 0)
        h_new = np.tanh(a) if tanh else a
        if in_place:
            h[:] = h_new                # every state a caller stores becomes this one array
            h_new = h
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
    (dict(in_place=True), r"changed its input h in place"),
], ids=lambda v: ",".join(v) if isinstance(v, dict) else "")
def test_char_step_mistakes_are_caught(mistake, hint):
    fails_with(lambda: check.char_step(make_char_step(**mistake)), hint)


def test_a_missing_return_is_named():
    fails_with(lambda: check.softmax_temperature(lambda z, T: None), r"None: is a `return` missing")
    fails_with(lambda: check.attention_forward(lambda hd, he, m: None), r"returned None.*`return` missing")


# ---------------------------------------------------------------- 08 the GRU step

def gru_forward_ref(x, h_prev, Wx, Wh, bx, bh, **mistake):
    """The GRU step with one forward mistake: the check's own gru_forward_variant."""
    return nb08.gru_forward_variant(x, h_prev, Wx, Wh, bx, bh, **mistake)


def make_gru_backward(**mistake):
    """The GRU step backward with one mistake: the check's own gru_backward_variant."""
    return lambda dh, cache: nb08.gru_backward_variant(dh, cache, **mistake)


def gru_caches_n_hat_after_reset(*args):
    h, (x, Wx, (h_prev, Wh, r, z, n, n_hat)) = gru_forward_ref(*args)
    return h, (x, Wx, (h_prev, Wh, r, z, n, r * n_hat))


def gru_z_from_x_only(x, h_prev, Wx, Wh, bx, bh):
    ax, ah = x @ Wx.T + bx, h_prev @ Wh.T + bh
    r, z = sig(ax[:, :2] + ah[:, :2]), sig(ax[:, 2:4])      # the update gate misses its h part
    n = np.tanh(ax[:, 4:] + r * ah[:, 4:])
    return (1 - z) * n + z * h_prev, (x, Wx, (h_prev, Wh, r, z, n, ah[:, 4:]))


def test_gru_reference_passes(capsys):
    check.gru_step_forward(gru_forward_ref)
    check.gru_step_backward(make_gru_backward(), gru_forward_ref)
    out = capsys.readouterr().out
    assert out == "GRU step forward: all 3 checks passed\nGRU step backward: all 8 checks passed\n"


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
    (lambda *a: gru_forward_ref(*a, order=(1, 0, 2)), r"gate blocks are taken in the wrong order"),
    (lambda *a: gru_forward_ref(*a, bn_outside=True), r"bh's n block is added outside the reset gate"),
    (gru_caches_n_hat_after_reset, r"right, but the cache gives wrong gradients.*n_hat"),
    (gru_z_from_x_only, r"check the update gate z"),
], ids=["swap_z", "reset_before", "order", "bn_outside", "cache_n_hat", "z_from_x"])
def test_gru_forward_mistakes_are_caught(forward, hint):
    fails_with(lambda: check.gru_step_forward(forward), hint)
    fails_with(lambda: check.gru_step_backward(make_gru_backward(), forward), hint)


# ---------------------------------------------------------------- badly shaped, ragged or wrongly typed returns

SECOND = {"attention_backward": ref_attention_forward, "lstm_step_backward": layers.lstm_step_forward,
          "gru_step_backward": layers.gru_step_forward}
BAD_RETURNS = {"None": None, "str": "42", "float": 3.5, "ragged": [[1.0, 2.0], [3.0]],
               "dict": {"a": 1}, "1-tuple": (np.zeros(1),), "(1,)-array": np.zeros(1),
               "objects": np.array([object(), object()]), "nan": np.full((2, 2), np.nan)}


@pytest.mark.parametrize("bad", BAD_RETURNS, ids=list(BAD_RETURNS))
@pytest.mark.parametrize("name", sorted(check.CHECKS))
def test_a_bad_return_gets_a_hint_never_a_raw_exception(name, bad):
    value = BAD_RETURNS[bad]
    args = (lambda *a, **k: value,) + ((SECOND[name],) if name in SECOND else ())
    with pytest.raises(ExerciseError) as info:
        check.CHECKS[name](*args)
    assert len(str(info.value)) < 600, str(info.value)


@pytest.mark.parametrize("name", sorted(check.CHECKS))
def test_an_input_changed_in_place_is_named_in_every_check(name):
    """Every exercise: a function that answers right but scribbles on its first array input."""
    right = {"softmax_temperature": ref_softmax, "entropy": ref_entropy,
             "rnn_step_forward": step_reference, "bptt": classic_lossfun,
             "char_step": char_rnn.step, "sample_index": ref_sample, "sample_with_temperature": ref_sample_t,
             "adder_forward": None, "adder_bptt": adder_reference,
             "ablate": ref_ablate, "next_char_probs": probs_stable,
             "attention_forward": ref_attention_forward,
             "attention_backward": ref_attention_backward,
             "bigram_counts": ref_bigram_counts, "pad_batch": ref_pad_batch,
             "lstm_step_forward": layers.lstm_step_forward, "lstm_step_backward": layers.lstm_step_backward,
             "gru_step_forward": layers.gru_step_forward, "gru_step_backward": layers.gru_step_backward}[name]
    if right is None:
        right = make_adder_forward()

    def scribbles(*args):
        out = right(*args)
        for a in args:
            if isinstance(a, np.ndarray) and a.size and a.dtype.kind == "f":
                a[...] = 7.0
                break
            if isinstance(a, dict):
                next(iter(a.values()))[...] = 7.0
                break
            if isinstance(a, list):
                a.append("zz")
                break
            if isinstance(a, tuple):            # a cache: scribble on its first array
                a[0][...] = 7.0
                break
        return out
    scribbles.__signature__ = inspect.signature(right)
    args = (scribbles,) + ((SECOND[name],) if name in SECOND else ())
    fails_with(lambda: check.CHECKS[name](*args), r"changed its input \S+ in place")
