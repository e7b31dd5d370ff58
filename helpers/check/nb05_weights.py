"""Notebook 05's checks: next-character probabilities (05.1), ablation (05.2)."""
import numpy as np

from .core import MATCH_TOL, Check, array, call, diagnose, same, shape, softmax_ref, summary


def _run_logits(params, ids, h):
    out = []
    for ix in ids:
        h = np.tanh(params["Wxh"][:, ix] + params["Whh"] @ h + params["bh"])
        out.append(params["Why"] @ h + params["by"])
    return np.array(out)


def ablate(ablate_fn):
    """Exercise: ablate_fn(params, units) -> a copy of params (min-char-rnn's Wxh (H, V),
    Whh (H, H), bh (H,), Why (V, H), by (V,)) in which the hidden units `units` are switched off:
    they no longer influence any other unit nor the output. params itself is left unchanged."""
    __tracebackhide__ = True   # IPython and pytest: show the message, not this file
    chk = Check("ablation")
    rng = np.random.default_rng(14)
    V, H = 6, 7
    params = {"Wxh": rng.standard_normal((H, V)), "Whh": 0.5 * rng.standard_normal((H, H)),
              "bh": rng.standard_normal(H), "Why": rng.standard_normal((V, H)),
              "by": rng.standard_normal(V)}
    units = [1, 4]
    q = _model(chk, call(chk, ablate_fn, params, list(units)), params)
    chk.ok()

    ids = list(rng.integers(0, V, 12))
    h0 = np.zeros(H)
    # reference: the other units' behaviour with the ablated units' h held at 0
    ref = {k: v.copy() for k, v in params.items()}
    for k in ("Wxh", "Whh", "bh"):
        ref[k][units] = 0
    want = _run_logits(ref, ids, h0)
    got = _run_logits(q, ids, h0)
    if not same(got, want):
        wrong_cols = {k: v.copy() for k, v in params.items()}
        wrong_cols["Wxh"][:, units] = 0
        only_input = {k: v.copy() for k, v in params.items()}
        only_input["Wxh"][units] = 0
        wrong_out = {k: v.copy() for k, v in params.items()}
        wrong_out["Why"][units] = 0
        hint = diagnose(got, [
            (_run_logits(wrong_cols, ids, h0), "columns of Wxh belong to input characters, not "
             "to hidden units: a unit's incoming weights are its row"),
            (_run_logits(only_input, ids, h0), "the units still get input through Whh and bh: "
             "a switched-off unit must stay at 0 (or send nothing) at every step"),
            (_run_logits(wrong_out, ids, h0), "rows of Why belong to output characters, not to "
             "hidden units: what a unit sends to the output is a column of Why")])
        chk.fail(hint or _ablation_suspect(q, params, units, ids, h0))
    chk.ok()

    none_off = _model(chk, call(chk, ablate_fn, params, []), params)
    chk.require(same(_run_logits(none_off, ids, h0), _run_logits(params, ids, h0)),
                "switching off no unit (units = []) should leave the model's outputs unchanged")
    chk.ok()
    chk.done()


def _model(chk, q, params):
    """The returned model as a dict of float arrays shaped like params, or a hint."""
    __tracebackhide__ = True
    if not isinstance(q, dict):
        chk.fail(f"it should return a dict like params (a copy with the units switched off), "
                 f"got {summary(q)}")
    missing = [k for k in params if k not in q]
    chk.require(not missing, f"the returned dict misses {missing}: keep every key of params")
    for k in params:
        q = dict(q, **{k: array(chk, q[k], k)})
        shape(chk, q[k], params[k].shape, k, f" like params[{k!r}]")
    return q


def _ablation_suspect(q, params, units, ids, h0):
    """Words for an ablation that matches no known mistake: which path is still open, or which
    other unit was touched."""
    h, states = h0, []
    for ix in ids:
        h = np.tanh(q["Wxh"][:, ix] + q["Whh"] @ h + q["bh"])
        states.append(h)
    active = bool(np.any(np.abs(np.array(states)[:, units]) > 0))
    others = [j for j in range(len(h0)) if j not in units]
    # a row of another unit may lose only its weights from the switched-off units (Whh's columns)
    row = lambda k, W, j: W[j][others] if k == "Whh" else W[j]
    touched = sorted({int(j) for k in ("Wxh", "Whh", "bh") for j in others
                      if not np.array_equal(row(k, q[k], j), row(k, params[k], j))})
    if touched:
        return (f"the weights of unit(s) {touched}, which should stay on, were changed: only the "
                f"units {units} are switched off")
    if active and np.any(q["Why"][:, units] != 0):
        return (f"the units {units} still reach the output: their h is not 0 at every step and "
                "their columns of Why still carry it; zero their incoming weights (rows of Wxh, "
                "Whh and bh)")
    if active and np.any(q["Whh"][:, units] != 0):
        return (f"the units {units} still steer the other units through their columns of Whh "
                "(their h is not 0 at every step); zero their incoming weights (rows of Wxh, "
                "Whh and bh)")
    return ("the output of the ablated model should equal that of the model with the "
            "switched-off units held at 0")


def next_char_probs(probs):
    """Exercise: probs(params, hs) -> p (N, V): for hidden states hs (N, H), one per row, the
    model's next-character distributions softmax(Why h + by), row by row (params of min-char-rnn:
    Why (V, H), by (V,); Wxh, Whh, bh are there too but not needed)."""
    __tracebackhide__ = True
    chk = Check("next-character probabilities")
    rng = np.random.default_rng(52)
    N, H, V = 5, 4, 6                       # all different, so a product on the wrong side fails
    params = {"Wxh": rng.standard_normal((H, V)), "Whh": 0.5 * rng.standard_normal((H, H)),
              "bh": rng.standard_normal(H), "Why": rng.standard_normal((V, H)),
              "by": rng.standard_normal(V)}
    hs = np.tanh(rng.standard_normal((N, H)))
    p = array(chk, call(chk, probs, params, hs), "the result")
    shape(chk, p, (N, V), "the result", " (N, V): one distribution over the V characters per "
           "state")
    chk.ok()

    logits = hs @ params["Why"].T + params["by"]
    want = softmax_ref(logits)
    if not same(p, want):
        hint = diagnose(p, [
            (softmax_ref(logits, axis=0), "each column sums to 1, not each row: the softmax is "
             "taken over the wrong axis; normalise along the last axis (over the V characters)"),
            (softmax_ref(hs @ params["Why"].T), "the output bias by is not added to the scores"),
            (softmax_ref(hs @ params["Wxh"] + params["by"]), "the scores use Wxh, the input "
             "weights; the scores of the next character come from the output weights Why"),
            (logits, "these are the raw scores (logits): the softmax is missing"),
            (np.exp(logits), "the exponentials are not normalised: divide each row by its sum")])
        if hint is None and np.all(np.isfinite(p)) and abs(p.sum() - 1) < MATCH_TOL:
            hint = ("the whole array sums to 1: normalise each row on its own (sum along the "
                    "last axis with keepdims=True)")
        chk.fail(hint or "the probabilities differ from softmax(Why h + by) of each state; each "
                 "row should be non-negative and sum to 1")
    chk.ok()

    one = array(chk, call(chk, probs, params, hs[2:3]), "the result for a single state")
    chk.require(same(one, want[2:3]), "each row should depend only on its own state: one state "
                "(hs of shape (1, H)) should give the same row as in the whole batch")
    chk.ok()

    # scores of about +-1000, far apart between rows: a plain exp overflows (exp(710) = inf in
    # float64), and shifting by the largest score of the whole array underflows the other rows
    big = dict(params, Why=400.0 * params["Why"])
    big_hs = np.sign(hs) * np.array([[1.0], [0.9], [0.3], [-0.6], [0.05]])
    with np.errstate(all="ignore"):
        big_logits = big_hs @ big["Why"].T + big["by"]
    p = array(chk, call(chk, probs, big, big_hs), "the result for large scores")
    if not same(p, softmax_ref(big_logits)):
        chk.fail("with scores near +-1000 the probabilities are not finite or do not sum to 1: "
                 "exp overflows (or underflows to 0 / 0). Subtract the largest logit of each "
                 "row before exp; it does not change the softmax")
    chk.ok()
    chk.done()
