"""Notebook 03's checks: one character step (03.1), sampling with temperature (03.2)."""
import numbers

import numpy as np

from .core import Check, array, call, diagnose, same, shape, softmax_ref, summary, tuple_of


def char_step(step):
    """Exercise: step(params, ix, h) -> h_new (H,), logits (V,): one step of min-char-rnn for the
    character id ix (an int), h (H,) the previous state, params with Wxh (H, V), Whh (H, H),
    bh (H,), Why (V, H), by (V,); the one-hot product Wxh @ onehot(ix) is the column Wxh[:, ix]."""
    chk = Check("one character step")
    __tracebackhide__ = True
    rng = np.random.default_rng(15)
    V, H = 6, 4
    p = {"Wxh": rng.standard_normal((H, V)), "Whh": 0.5 * rng.standard_normal((H, H)),
         "bh": rng.standard_normal(H), "Why": rng.standard_normal((V, H)), "by": rng.standard_normal(V)}
    h = np.tanh(rng.standard_normal(H))
    out = tuple_of(chk, call(chk, step, p, 2, h.copy()), 2, "(h, logits)")
    h_new, logits = array(chk, out[0], "h"), array(chk, out[1], "logits")
    shape(chk, h_new, (H,), "the new h", " (H,)")
    shape(chk, logits, (V,), "the logits", " (V,): one score per character")
    chk.ok()

    want = np.tanh(p["Wxh"] @ np.eye(V)[2] + p["Whh"] @ h + p["bh"])
    if not same(h_new, want):
        hint = diagnose(h_new, [
            (np.tanh(p["Wxh"] @ np.eye(V)[2] + p["Whh"].T @ h + p["bh"]), "the recurrent term "
             "uses Whh transposed; with column vectors it is Whh @ h"),
            (np.tanh(p["Wxh"] @ np.eye(V)[2] + p["Whh"] @ h), "the bias bh is not added"),
            (np.tanh(p["Wxh"] @ np.eye(V)[2] + p["bh"]), "the new h does not depend on the old one"),
            (p["Wxh"] @ np.eye(V)[2] + p["Whh"] @ h + p["bh"], "the tanh is missing")])
        chk.fail(hint or "the new h differs from tanh(Wxh onehot(ix) + Whh h + bh); the one-hot "
                 "product picks the column ix of Wxh")
    chk.ok()

    if not same(logits, p["Why"] @ want + p["by"]):
        hint = diagnose(logits, [(p["Why"] @ h + p["by"], "the logits are computed from the old "
                                   "h; use the new one"),
                                  (p["Why"] @ want, "the output bias by is not added")])
        chk.fail(hint or "the logits differ from Why h_new + by")
    chk.ok()

    ids = list(rng.integers(0, V, 5))
    hh = h.copy()
    for ix in ids:
        out = call(chk, step, p, int(ix), hh)
        hh = array(chk, out[0], "h")
    ref = h.copy()
    for ix in ids:
        ref = np.tanh(p["Wxh"][:, ix] + p["Whh"] @ ref + p["bh"])
    chk.require(same(hh, ref), "five steps in a row should carry the state from step to step")
    chk.ok()
    chk.done()



def _draws(chk, sample, args_of_rng, seed, n):
    __tracebackhide__ = True
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        ix = call(chk, sample, *args_of_rng(rng))
        out.append(_index(chk, ix))
    return np.array(out)


def _index(chk, ix):
    __tracebackhide__ = True
    if isinstance(ix, numbers.Integral) or (isinstance(ix, np.ndarray) and ix.ndim == 0
                                            and np.issubdtype(ix.dtype, np.integer)):
        return int(ix)
    shown = f"{type(ix).__name__} of shape {ix.shape}" if isinstance(ix, np.ndarray) else summary(ix)
    chk.fail(f"it should return one index (an int), got {shown}")


def _check_sampler(chk, sample, args_with, p):
    """Shared properties of a sampler; args_with(q, rng) are its arguments for the distribution
    q over K indices (the probabilities, or logits whose softmax is q)."""
    __tracebackhide__ = True
    K = len(p)
    make_args = lambda rng: args_with(p, rng)
    first = _draws(chk, sample, make_args, 7, 40)
    chk.require(((first >= 0) & (first < K)).all(),
                f"indices should lie in 0 .. {K - 1}, got {first.min()} .. {first.max()}")
    chk.ok()

    again = _draws(chk, sample, make_args, 7, 40)
    chk.require(np.array_equal(first, again), "two generators with the same seed gave different "
                "draws: draw only with the rng you are given, not with np.random's global functions")
    other = _draws(chk, sample, make_args, 8, 40)
    if np.array_equal(first, other):
        if len(set(first)) == 1 and first[0] == 0 and np.argmax(p) != 0:
            chk.fail("it always returns 0: rng.choice(p) draws one of the probabilities "
                     "themselves (and int() of a probability is 0), not an index; draw an index "
                     "with the probabilities as weights, rng.choice(len(p), p=p)")
        dists = np.random.default_rng(99).dirichlet(np.ones(K), size=8)
        picks = [_draws(chk, sample, lambda rng, q=q: args_with(q, rng), 8, 1)[0] for q in dists]
        if len(set(first)) == 1 and all(k == np.argmax(q) for k, q in zip(picks, dists)):
            chk.fail(f"it always returns the most likely index ({first[0]} here): draw at random "
                     "in proportion to the probabilities instead of taking the argmax")
        chk.fail("the draws are the same whatever the seed of the rng passed in: draw with that "
                 "rng, and do not make or seed a new generator inside the function")
    chk.ok()

    n = 4000
    draws = _draws(chk, sample, make_args, 11, n)
    freq = np.bincount(draws, minlength=K)[:K] / n
    se = np.sqrt(p * (1 - p) / n) + 1e-12
    if np.any(np.abs(freq - p) > 5 * se):
        if np.all(np.abs(freq - 1 / K) <= 5 * np.sqrt((1 / K) * (1 - 1 / K) / n)):
            chk.fail("the draws look uniform: each index must come up with its own probability")
        if np.all(np.abs(freq - np.roll(p, 1)) <= 5 * np.sqrt(np.roll(p, 1) * (1 - np.roll(p, 1)) / n) + 1e-12):
            chk.fail("off by one: index i comes up as often as index i - 1 should")
        worst = int(np.argmax(np.abs(freq - p) / se))
        chk.fail(f"the frequencies do not follow the probabilities: index {worst} came up in "
                 f"{freq[worst]:.1%} of {n} draws, its probability is {p[worst]:.1%}")
    chk.ok()


def sample_index(sample):
    """Exercise: sample(p, rng) -> one index i drawn with probability p[i], using only the
    np.random.Generator rng (same seed, same draws)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("sampling an index")
    p = np.array([0.1, 0.2, 0.3, 0.4])
    _check_sampler(chk, sample, lambda q, rng: (q, rng), p)
    onehot = np.array([0.0, 0.0, 1.0, 0.0, 0.0])
    sure = _draws(chk, sample, lambda rng: (onehot.copy(), rng), 3, 20)
    chk.require((sure == 2).all(), "with all the probability on index 2 every draw should be 2")
    chk.ok()
    chk.done()


def sample_with_temperature(sample):
    """Exercise: sample(logits, temperature, rng) -> one index drawn from softmax(logits / T)."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("sampling with temperature")
    z = np.array([1.0, 2.0, 3.0, 0.5])
    p1 = softmax_ref(z)
    _check_sampler(chk, sample, lambda q, rng: (np.log(q), 1.0, rng), p1)

    n = 4000
    pT = softmax_ref(z / 0.5)
    draws = _draws(chk, sample, lambda rng: (z.copy(), 0.5, rng), 13, n)
    freq = np.bincount(draws, minlength=len(z))[:len(z)] / n
    if np.any(np.abs(freq - pT) > 5 * np.sqrt(pT * (1 - pT) / n)):
        pm = softmax_ref(z * 0.5)
        if np.all(np.abs(freq - pm) <= 5 * np.sqrt(pm * (1 - pm) / n)):
            chk.fail("the temperature multiplies the logits; it should divide them: softmax(z / T)")
        if np.all(np.abs(freq - p1) <= 5 * np.sqrt(p1 * (1 - p1) / n)):
            chk.fail("the temperature has no effect: sample from softmax(logits / T)")
        chk.fail("at temperature 0.5 the frequencies do not follow softmax(logits / 0.5): a low "
                 "temperature should favour the largest logit more")
    chk.ok()

    cold = _draws(chk, sample, lambda rng: (z.copy(), 1e-3, rng), 17, 20)
    chk.require((cold == 2).all(), "at temperature 0.001 every draw should be the largest logit's "
                "index; is the softmax stable (shift by the maximum) for tiny temperatures?")
    chk.ok()
    chk.done()
