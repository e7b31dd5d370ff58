"""What the explorers of notebooks 03, 05, 06 and 08 draw: one plain function per explorer,
settings in, the numbers drawn out. The widgets in helpers.widgets only call these, so the
tests check the numbers without a browser.

    sampling_view(params, vocab, prompt, temperature, k, mass, ...)    03: a sample, one step's bars
    unit_view(params, vocab, text, passage, unit, units_off, ablated)  05: a unit as coloured text,
                                                                           P('\\n'), P(' ') after ':'
    attention_view(plain, attention, word)                             06: both outputs, the map
    gradient_view(params, x, target, scale)                            08: ||dL/dh_{t-k}|| against k

Functions that are slow to recompute take a `cache` dict (the widget keeps one): what does not
change when a control moves is computed once.
"""
import numpy as np

from . import char_rnn
from .interpret import ablate, ablation_colon_stats, classify_colons, hidden_states
from .layers import (gru_step_backward, gru_step_forward, lstm_step_backward, lstm_step_forward,
                     rnn_step_backward, rnn_step_forward)
from .softmax import check_temperature, softmax, top_k, top_p
from .validate import check_ids, check_int, check_number

# ---------------------------------------------------------------- 03: sampling


def sampling_view(params, vocab, prompt, temperature=1.0, k=None, mass=1.0, n=200, seed=0,
                  step=0, cache=None):
    """A continuation of `prompt` and the distribution one of its characters was drawn from.

    Every character is drawn from softmax(scores / temperature), cut to the k most likely
    (top_k; None: all V) and then to the nucleus of probability `mass` (top_p; 1: all), with
    a fresh np.random.default_rng(seed): the same settings always give the same text.
    step: which generated character (0 .. n - 1) to show the distribution of.
    cache: a dict; the sample of a setting is kept there, so moving `step` costs nothing.
    -> dict: text (n characters, the prompt not included), step, char (text[step]),
       probs (V,) the distribution after the temperature at that step, kept (V,) bool: the
       characters the truncation left (probs > 0 after it), drawn_from (V,) the renormalised
       distribution actually sampled, order (V,) character ids from the most likely down.
    """
    V = params["Why"].shape[0]
    k = V if k is None else check_int(k, "k", minimum=1, maximum=V)
    mass = check_number(mass, "mass", low=0, high=1, low_open=True)
    n = check_int(n, "n", minimum=1)
    step = check_int(step, "step", minimum=0, maximum=n - 1)
    key = (prompt, check_temperature(temperature), k, mass, n, seed)
    if cache is None or key not in cache:
        seen = []

        def truncate(p):               # records each step's distribution, then truncates it
            seen.append(p)
            return top_p(top_k(p, k), mass)

        text = char_rnn.sample(params, vocab, n, np.random.default_rng(seed), temperature,
                               prime=prompt, truncate=truncate)
        result = (text, np.array(seen))
        if cache is not None:
            cache[key] = result
    else:
        result = cache[key]
    text, probs = result
    p = probs[step]
    q = top_p(top_k(p, k), mass)
    return {"text": text, "step": step, "char": text[step], "probs": p, "kept": q > 0,
            "drawn_from": q, "order": np.argsort(-p, kind="stable")}


# ---------------------------------------------------------------- 05: a unit, ablation

def unit_view(params, vocab, text, passage, unit, units_off=(), ablated=False, warmup=200,
              cache=None):
    """One hidden unit over a passage, and what switching units off does after colons.

    text: the play (e.g. Macbeth); passage: (start, stop) of the stretch to colour; unit: the
    unit whose activation colours it; units_off: the units the switch turns off; ablated: the
    switch. The passage is read after `warmup` characters before it, from a zero state.
    cache: a dict; states and colon statistics are kept there per set of units switched off.
    -> dict: acts (stop - start,) the unit's activation (0 where the unit is switched off),
       stats: colon_stats of the model as shown (see helpers.interpret), intact: the same
       for the trained model, so a widget can show both.
    """
    H = params["Whh"].shape[0]
    unit = check_int(unit, "unit", minimum=0, maximum=H - 1)
    start, stop = passage
    start = check_int(start, "passage start", minimum=0, maximum=len(text) - 1)
    stop = check_int(stop, "passage stop", minimum=start + 1, maximum=len(text))
    off = tuple(sorted({check_int(u, "units_off entry", minimum=0, maximum=H - 1)
                        for u in units_off})) if ablated else ()
    cache = {} if cache is None else cache
    if ("colons",) not in cache:
        cache[("colons",)] = classify_colons(text)
    for units in {(), off}:
        if ("stats", units) not in cache:
            cache[("stats", units)] = ablation_colon_stats(params, vocab, text, [list(units)],
                                                           cache[("colons",)])[0]
    key = ("states", off, start, stop, warmup)
    if key not in cache:
        a = max(0, start - warmup)
        model = ablate(params, list(off)) if off else params
        cache[key] = hidden_states(model, vocab.encode(text[a:stop]))[start - a:]
    return {"acts": cache[key][:, unit].astype(np.float64), "stats": cache[("stats", off)],
            "intact": cache[("stats", ())]}


# ---------------------------------------------------------------- 06: attention

def attention_view(plain, attention, word):
    """Both reversal models of notebook 06 on one word.

    plain, attention: helpers.seq2seq.Seq2Seq models (the second with attention).
    -> dict: word, plain (its output), attention (the attention model's output), weights
       (len(output) + 1, len(word)): row t = where the decoder looked while writing letter t
       (the last row: while writing the end symbol). A word with letters the models do not
       know, or longer than they read, raises ValueError saying what is allowed.
    """
    if not attention.attention:
        raise ValueError("the second model must be one with attention (Seq2Seq(..., attention=True))")
    (out_plain,) = plain.translate([word])
    (out_attn,), (details,) = attention.translate([word], return_details=True)
    return {"word": word, "plain": out_plain, "attention": out_attn,
            "weights": details["attention"]}


# ---------------------------------------------------------------- 08: the gradient back in time

RECURRENT = {"rnn": "Whh", "lstm": "Wh", "gru": "Wh"}


def gradient_view(params, x, target, scale=1.0):
    """How far back the gradient of the last step's loss reaches, with the recurrent weights
    scaled by `scale`.

    params: a model of helpers.cells ('rnn', 'lstm' or 'gru', with readout Why, by);
    x (N, T) input ids, target (N,) the id the model should predict after the last input.
    Forward over each sequence from a zero state with the course's step layers, then the loss
    -ln p(target) at the last step is carried back one step at a time (step backward).
    -> dict: cell, k (T,) = 0 .. T - 1 steps back, norms (T, N) ||dL/dh_{T-k}|| per sequence
       (k = 0: the last state), mean (T,) their mean over the sequences.
    """
    cell = char_rnn.cell_of(params)
    scale = check_number(scale, "scale", low=0)
    V, H = params["Why"].shape
    x, target = check_ids(x, V, "x", ndim=2), check_ids(target, V, "target", ndim=1)
    if x.shape[1] < 1 or target.shape != (x.shape[0],):
        raise ValueError(f"x must be (N, T) ids and target (N,), got {x.shape} and {target.shape}")
    p = {k: v.astype(np.float64) for k, v in params.items()}
    p[RECURRENT[cell]] = scale * p[RECURRENT[cell]]
    N, T = x.shape
    onehot = np.eye(V)
    h, c, caches = np.zeros((N, H)), np.zeros((N, H)), []
    for t in range(T):
        xt = onehot[x[:, t]]
        if cell == "rnn":
            h, cache = rnn_step_forward(xt, h, p["Wxh"], p["Whh"], p["bh"])
        elif cell == "lstm":
            h, c, cache = lstm_step_forward(xt, h, c, p["Wx"], p["Wh"], p["b"])
        else:
            h, cache = gru_step_forward(xt, h, p["Wx"], p["Wh"], p["bx"], p["bh"])
        caches.append(cache)
    dscores = softmax(h @ p["Why"].T + p["by"])
    dscores[np.arange(N), target] -= 1                 # dL/dscores = softmax - onehot
    dh, dc = dscores @ p["Why"], np.zeros((N, H))      # dL/dh_T; no loss reads c directly
    norms = [np.linalg.norm(dh, axis=1)]
    for cache in caches[:0:-1]:                        # back through steps T .. 2
        if cell == "rnn":
            dh = rnn_step_backward(dh, cache)[1]
        elif cell == "lstm":
            _, dh, dc = lstm_step_backward(dh, dc, cache)[:3]
        else:
            dh = gru_step_backward(dh, cache)[1]
        norms.append(np.linalg.norm(dh, axis=1))
    norms = np.array(norms)
    return {"cell": cell, "k": np.arange(T), "norms": norms, "mean": norms.mean(axis=1)}
