"""Looking inside a trained char-RNN: record its hidden units over a text, switch units off,
measure what follows a colon, and colour text by one unit's activation.

Parameters of helpers.cells' 'rnn' cell: Wxh (H, V), Whh (H, H), bh (H,), Why (V, H), by (V,).
hs[t] is the hidden state after reading character t, so the model's guess for character
t + 1 is softmax(Why @ hs[t] + by).
"""
import html

import numpy as np

from .cells import get_cell
from .layers import rnn_forward_projected
from .softmax import softmax
from .threads import blas_threads
from .validate import (check_array, check_ids, check_indices, check_int, check_params,
                       check_positive)

COLON_KINDS = ("speaker", "line_end", "midline", "other")
RNN = get_cell("rnn")          # the vanilla cell: its parameter names


def hidden_states(params, ids, h0=None, chunks=1, warmup=200, threads=1):
    """Hidden state after every character: ids (T,) -> hs (T, H), hs[t] = h after ids[t].

    chunks=1 runs the text in one pass from h0 (zeros if None), exactly as char_rnn.step.
    chunks=K > 1 cuts the text into K pieces run side by side as one batch (much faster in
    NumPy). Each piece after the first starts from zeros `warmup` characters early, so its
    state has forgotten the cold start by the time it is recorded: close to, not exactly,
    the single pass.
    threads: BLAS threads (helpers.threads.blas_threads); these products are too small to gain
    from more, and on a busy machine extra threads make every step much slower. None: as is.
    """
    ids, T, W = _check_run(params, ids, chunks, warmup)
    Wxh, Whh, bh = params["Wxh"], params["Whh"], params["bh"]
    H = Whh.shape[0]
    h0 = np.zeros(H, dtype=Whh.dtype) if h0 is None else check_array(h0, "h0", shape=(H,)).astype(
        Whh.dtype)
    with blas_threads(threads):
        if chunks == 1 or T <= W + chunks:
            return rnn_forward_projected(Wxh.T[ids][None], h0[None], Whh, bh)[0][0]
        # Chunk 0 records ids[0 : W+L] from h0; chunk k >= 1 reads ids[kL : kL+W+L] from zeros
        # and records only its last L states, so the K chunks cover the text once, side by side.
        L = -(-(T - W) // chunks)
        pos = L * np.arange(chunks)[:, None] + np.arange(W + L)[None, :]     # (K, W + L)
        xw = Wxh.T[ids[np.minimum(pos, T - 1)]]  # positions past the end only feed unused states
        hinit = np.zeros((chunks, H), dtype=Whh.dtype)
        hinit[0] = h0
        h, _ = rnn_forward_projected(xw, hinit, Whh, bh)
    return np.concatenate([h[0], h[1:, W:].reshape(-1, H)])[:T]


def _check_run(params, ids, chunks, warmup):
    check_params(params, RNN.param_names)
    ids = check_ids(ids, params["Why"].shape[0], "ids", ndim=1)
    if ids.size == 0:
        raise ValueError("ids must be a non-empty 1-D array of character ids, got an empty one")
    check_int(chunks, "chunks", minimum=1)
    check_int(warmup, "warmup", minimum=0)
    return ids, len(ids), int(warmup)


def ablate(params, units):
    """A copy of params in which the hidden units `units` are switched off.

    Zeroing rows Wxh[j], Whh[j] and bh[j] makes unit j's pre-activation 0 at every step, so
    h[j] = tanh(0) = 0 always: the unit no longer feeds the other units nor the output.
    The copy works with everything that takes params (char_rnn.step, sample, hidden_states).
    """
    units = np.flatnonzero(_unit_mask(params["Whh"].shape[0], units) == 0)
    q = {k: np.array(v, copy=True) for k, v in params.items()}
    for k in RNN.recurrent:                     # Wxh, Whh, bh
        q[k][units] = 0
    return q


def _unit_mask(H, units):
    # integers only: 1.5 is not a unit (it would be truncated to 1), nor is -1 the last one
    units = np.unique(check_indices(np.ravel(units), H, "units", what="hidden-unit indices"))
    units = units.astype(np.int64)     # [] is a float array; it selects no unit
    mask = np.ones(H)
    mask[units] = 0
    return mask


def ablation_states(params, ids, unit_sets, at, chunks=16, warmup=100, h0=None, threads=1):
    """Hidden states at positions `at`, once for each set of switched-off units, all at once.

    unit_sets: a list of S unit-index lists ([] = the intact model); at (P,) positions.
    -> (S, P, H), where [s] equals hidden_states(ablate(params, unit_sets[s]), ids, h0,
    chunks, warmup)[at] up to rounding. The S models share every weight; switching unit j off
    is the same as multiplying h[j] by 0 after each step, so they run as one batch of S x chunks
    rows (faster than S separate passes) and only the states at `at` are kept.
    """
    ids, T, W = _check_run(params, ids, chunks, warmup)
    Wxh, Whh, bh = params["Wxh"], params["Whh"], params["bh"]
    H, dt = Whh.shape[0], Whh.dtype
    masks = np.array([_unit_mask(H, u) for u in unit_sets], dtype=dt)[:, None, :]  # (S, 1, H)
    at = check_indices(np.ravel(at), T, "at", what="positions in the text").astype(np.int64)
    K = chunks if T > W + chunks else 1
    W = W if K > 1 else 0
    L = -(-(T - W) // K)
    # where each position is recorded: chunk 0 holds [0, W+L), chunk k >= 1 reads from kL on
    k_of = np.where(at < W + L, 0, (at - W) // L)
    t_of = at - k_of * L
    h = np.zeros((len(masks), K, H), dtype=dt)
    if h0 is not None:
        h[:, 0] = np.asarray(h0, dtype=dt)   # as in ablate(): h0 as given, later states masked
    out = np.empty((len(masks), len(at), H), dtype=dt)
    order = np.argsort(t_of, kind="stable")
    bounds = np.searchsorted(t_of[order], np.arange(W + L + 1))
    E, no_bias = Wxh.T + bh, np.zeros_like(bh)   # bh folded into the gathered inputs
    with blas_threads(threads):
        for t in range(W + L):
            # one step of the course's recurrence for all S x K rows, then switch units off
            xw = np.broadcast_to(E[ids[np.minimum(L * np.arange(K) + t, T - 1)]], h.shape)
            h = rnn_forward_projected(xw.reshape(-1, 1, H), h.reshape(-1, H), Whh, no_bias)[0]
            h = h.reshape(masks.shape[0], K, H)
            h *= masks
            j = order[bounds[t]:bounds[t + 1]]
            if j.size:
                out[:, j] = h[:, k_of[j]]
    return out


def classify_colons(text):
    """Positions of the colons of a play in the speaker format, by kind.

    -> dict kind -> int array of positions, kinds (COLON_KINDS):
      speaker   'NAME:' ending a line that starts a speech (the text's first line, or the
                line after a blank line): the model should answer a newline
      line_end  any other colon that ends a line (verse ending in ':')
      midline   a colon followed by a space, inside a sentence: the model should answer ' '
      other     anything else (a colon followed by a quote, a dash, or ending the text)
    """
    out = {k: [] for k in COLON_KINDS}
    i = text.find(":")
    while i >= 0:
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if nxt == "\n":
            start = text.rfind("\n", 0, i) + 1      # start of the colon's line
            kind = "speaker" if start == 0 or text[start - 2:start] == "\n\n" else "line_end"
        elif nxt == " ":
            kind = "midline"
        else:
            kind = "other"
        out[kind].append(i)
        i = text.find(":", i + 1)
    return {k: np.array(v, dtype=np.int64) for k, v in out.items()}


def next_char_probs(params, hs):
    """hs (..., H) -> the model's next-character distribution softmax(Why h + by), (..., V)."""
    logits = hs.astype(np.float64) @ params["Why"].T.astype(np.float64) + params["by"]
    return softmax(logits)


def colon_stats(params, vocab, text, hs, colons=None):
    """How the model continues each kind of colon of `text`, given its hidden states hs.

    hs (len(text), H) from hidden_states over vocab.encode(text); colons from
    classify_colons(text) (computed if None).
    -> dict with n_<kind> (count), p_newline_<kind> and p_space_<kind>: the average
       probability the model gives to '\\n' and to ' ' right after that kind of colon.
    """
    if len(hs) != len(text):
        raise ValueError(f"hs has {len(hs)} states but the text has {len(text)} characters; "
                         f"record them with hidden_states(params, vocab.encode(text))")
    colons = classify_colons(text) if colons is None else colons
    return _colon_stats(params, vocab, {k: hs[pos] for k, pos in colons.items()})


def ablation_colon_stats(params, vocab, text, unit_sets, colons=None, chunks=16, warmup=100,
                         threads=1):
    """colon_stats of the model with each set of units switched off, in one batched run.

    -> a list of dicts like colon_stats, one per set in unit_sets ([] = the intact model).
    """
    colons = classify_colons(text) if colons is None else colons
    kinds = list(colons)
    at = np.concatenate([np.asarray(colons[k], dtype=np.int64) for k in kinds])
    states = ablation_states(params, vocab.encode(text), unit_sets, at, chunks, warmup,
                             threads=threads)                      # (S, all colons, H)
    cuts = np.cumsum([0] + [len(colons[k]) for k in kinds])
    return [_colon_stats(params, vocab, {k: s[cuts[i]:cuts[i + 1]] for i, k in enumerate(kinds)})
            for s in states]


def _colon_stats(params, vocab, states):
    """states: kind -> (n, H) hidden states right after the colons of that kind."""
    nl, sp = vocab["\n"], vocab[" "]
    stats = {}
    for kind, hs in states.items():
        stats[f"n_{kind}"] = len(hs)
        if len(hs):
            p = next_char_probs(params, hs)
            stats[f"p_newline_{kind}"] = float(p[:, nl].mean())
            stats[f"p_space_{kind}"] = float(p[:, sp].mean())
    return stats


def activation_html(text, acts, vmax=None, title=None):
    """The classic char-RNN picture: `text` with each character's background coloured by a
    unit's activation acts (len(text),) in [-vmax, vmax]: red > 0, blue < 0, white at 0
    (vmax: the activation of the strongest colour; default the largest |acts|).

    Characters are HTML-escaped; newlines are shown as '\u21b5' and kept as line breaks.
    Colours come in 20 shades each side and hover titles show one decimal, so the string is
    stable against floating-point noise in acts.
    """
    acts = np.asarray(acts, dtype=np.float64)
    if acts.shape != (len(text),):
        raise ValueError(f"acts must hold one value per character: shape ({len(text)},), "
                         f"got {acts.shape}")
    if not np.isfinite(acts).all():
        raise ValueError("acts must be finite")
    if vmax is None:                   # the largest |activation|; all zeros: any scale will do
        vmax = float(np.abs(acts).max(initial=0.0)) or 1.0
    else:
        vmax = check_positive(vmax, "vmax")
    # 20 shades each side (not 256), so tiny floating-point differences rarely change a colour;
    # the strongest shade stays light enough to read black text on it
    steps = np.round(np.clip(acts / vmax, -1, 1) * 20).astype(int)
    parts = []
    for ch, k, a in zip(text, steps.tolist(), acts):
        shade = 255 - 8 * abs(k)
        rgb = (255, shade, shade) if k > 0 else (shade, shade, 255)
        shown = "\u21b5" if ch == "\n" else html.escape(ch, quote=True)
        value = round(a, 1) + 0.0       # + 0.0 turns -0.0 into 0.0: '+0.0' for tiny values
        parts.append(f'<span style="background:rgb{rgb}" title="{value:+.1f}">{shown}</span>'
                     + ("\n" if ch == "\n" else ""))
    head = f"<div><b>{html.escape(title)}</b></div>" if title else ""
    return (f'{head}<pre style="font-family:monospace;line-height:1.4;white-space:pre-wrap">'
            + "".join(parts) + "</pre>")
