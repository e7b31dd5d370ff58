"""Names, one per line: loading and splitting them, padded batches with a mask, a count-based
bigram baseline, and statistics of sampled names.

Every name is framed by the newline symbol, which both starts and ends it (makemore's trick):

    'emma'  ->  x = '\\nemma',  y = 'emma\\n'

so the model learns which letters begin a name (the targets of '\\n') and when a name is over
(the target '\\n'). A loss "per character" counts len(name) + 1 targets per name: the letters
and the final '\\n'.
"""
import string
import time

import numpy as np

from .cells import cell_of, get_cell
from .optim import Adam, check_schedule, scheduled_learning_rate
from .softmax import sample as sample_index
from .text import Vocab, load_text
from .threads import blas_threads
from .training import (Budget, Recorder, check_budget, check_clipping, check_divergence,
                       check_max_loss, clip_gradients, make_rng)
from .validate import check_array, check_int, check_number, check_positive

ALPHABET = string.ascii_lowercase
NEWLINE = "\n"


def names_vocab():
    """The 27 symbols of names: '\\n' (id 0, start and end of a name), then 'a'..'z' (ids 1..26)."""
    return Vocab(NEWLINE + ALPHABET)


def check_names(names, allow_empty_names=False):
    """Return `names` as a list after checking it is a non-empty list of lower-case a-z strings.

    allow_empty_names: sampled names may be '' (a model can emit '\\n' first); data may not.
    """
    if isinstance(names, str):
        raise ValueError("names must be a list of strings, one name each, not a single string")
    names = list(names)
    if not names:
        raise ValueError("names is empty: at least one name is needed")
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise ValueError(f"name {i} is {name!r}, not a string")
        if not name and not allow_empty_names:
            raise ValueError(f"name {i} is empty; a name needs at least one letter a-z")
        bad = sorted(set(name) - set(ALPHABET))
        if bad:
            raise ValueError(f"name {i} ({name!r}) has characters {bad!r} outside a-z; "
                             f"only lower-case letters a-z are allowed")
    return names


def load_names(*parts):
    """The names of data/names.txt (or data/<parts...>), one per line, checked."""
    return check_names(load_text(*(parts or ("names.txt",))).splitlines())


def split_names(names, valid_fraction=0.1, seed=0):
    """A seeded train/validation split -> (train, valid), two disjoint lists.

    The names are shuffled with np.random.default_rng(seed).permutation first: names.txt is
    sorted alphabetically, so cutting it by position would put only the late letters in
    the validation set. round(valid_fraction * len(names)) names go to validation.
    """
    names = check_names(names)
    check_number(valid_fraction, "valid_fraction", low=0, high=1, low_open=True, high_open=True)
    n_valid = int(round(valid_fraction * len(names)))
    if not 0 < n_valid < len(names):
        raise ValueError(f"{len(names)} names with valid_fraction={valid_fraction} leave an empty "
                         f"train or validation set; use more names or another fraction")
    order = np.random.default_rng(check_int(seed, "seed", minimum=0)).permutation(len(names))
    return [names[i] for i in order[n_valid:]], [names[i] for i in order[:n_valid]]


def pad_batch(names, vocab=None):
    """Encode names as one padded batch: x = '\\n' + name, y = name + '\\n'.

    -> x (N, T) int64, y (N, T) int64, mask (N, T) bool, with T = longest name + 1.
    Positions past the end of a shorter name hold the id of '\\n' in x and y and are False in
    the mask, so the loss ignores them. A recurrent network only looks back in time, so
    padding at the end never changes what it computes for the real characters.
    """
    names = check_names(names)
    vocab = names_vocab() if vocab is None else vocab
    pad = vocab[NEWLINE]
    T = max(len(n) for n in names) + 1
    x = np.full((len(names), T), pad, dtype=np.int64)
    y = np.full((len(names), T), pad, dtype=np.int64)
    mask = np.zeros((len(names), T), dtype=bool)
    for i, name in enumerate(names):
        ids = vocab.encode(NEWLINE + name + NEWLINE)
        L = len(name) + 1
        x[i, :L], y[i, :L], mask[i, :L] = ids[:-1], ids[1:], True
    return x, y, mask


# ---------------------------------------------------------------- the bigram baseline

def bigram_counts(names, vocab=None):
    """C (V, V) int64: C[a, b] = how often symbol b follows symbol a in '\\n' + name + '\\n'."""
    names = check_names(names)
    vocab = names_vocab() if vocab is None else vocab
    C = np.zeros((len(vocab), len(vocab)), dtype=np.int64)
    for name in names:
        ids = vocab.encode(NEWLINE + name + NEWLINE)
        np.add.at(C, (ids[:-1], ids[1:]), 1)
    return C


def fit_bigram(names, vocab=None, k=1.0):
    """Add-k smoothed bigram probabilities P (V, V): P[a, b] = (C[a, b] + k) / (sum_b C[a, b] + k V).

    Every row sums to 1. k > 0 keeps a bigram never seen in training from having probability
    0 (and an infinite loss on the validation names).
    """
    check_positive(k, "smoothing k")
    C = bigram_counts(names, vocab).astype(np.float64) + k
    return C / C.sum(axis=1, keepdims=True)


def _check_table(P, vocab):
    """P (V, V) of probabilities: every row a distribution over the next symbol."""
    P = check_array(P, "P", shape=(len(vocab), len(vocab)), finite=True, dtype=np.float64)
    sums = P.sum(axis=1)
    if (P < 0).any() or np.abs(sums - 1).max() > 1e-6:
        raise ValueError(f"every row of P must be probabilities >= 0 summing to 1 (fit_bigram "
                         f"makes such a table; counts must be normalised), got row sums from "
                         f"{sums.min():.6g} to {sums.max():.6g}")
    return P


def bigram_loss(P, names, vocab=None):
    """Mean -ln P[a, b] over every transition of '\\n' + name + '\\n': nats per character,
    counting len(name) + 1 targets per name (the final '\\n' included)."""
    names = check_names(names)
    vocab = names_vocab() if vocab is None else vocab
    P = _check_table(P, vocab)
    total, count = 0.0, 0
    for name in names:
        ids = vocab.encode(NEWLINE + name + NEWLINE)
        total -= np.log(P[ids[:-1], ids[1:]]).sum()
        count += len(ids) - 1
    return float(total / count)


def sample_bigram(P, rng, vocab=None, max_len=50):
    """One name drawn from the bigram model: start after '\\n', stop at '\\n' or after max_len letters.

    Returns the name without the final '\\n' (it may be '' if '\\n' comes first).
    """
    vocab = names_vocab() if vocab is None else vocab
    P = _check_table(P, vocab)
    check_int(max_len, "max_len", minimum=1, hint="letters at most")
    end = vocab[NEWLINE]
    ix, out = end, []
    for _ in range(max_len):
        ix = sample_index(P[ix], rng)
        if ix == end:
            break
        out.append(vocab.itos[ix])
    return "".join(out)


# ---------------------------------------------------------------- what the samples look like

def seen_bigrams(names):
    """The set of adjacent pairs (a, b) in '\\n' + name + '\\n' over all `names`."""
    pairs = set()
    for name in check_names(names):
        s = NEWLINE + name + NEWLINE
        pairs.update(zip(s, s[1:]))
    return pairs


def sample_stats(samples, train_names):
    """Novelty and plausibility of sampled names, measured against the training names.

    samples: names without '\\n' (may be ''). A sample "looks like a name" when
      (1) its length lies within the shortest..longest training name, and
      (2) every adjacent pair, including the start '\\n' -> first letter and the last letter
          -> '\\n', occurs somewhere in the training names.
    This is a cheap necessary-looking test, not a judgment of taste: apply it to held-out
    real names to see how often it accepts those.

    -> dict with n, novel (share not in train_names), looks_like (share passing 1 and 2),
       novel_looks_like (share passing both and novel), lengths (int array).
    """
    samples = check_names(samples, allow_empty_names=True)
    train_names = check_names(train_names)
    train_set = set(train_names)
    pairs = seen_bigrams(train_names)
    lo, hi = min(map(len, train_names)), max(map(len, train_names))

    def looks_like(s):
        framed = NEWLINE + s + NEWLINE
        return lo <= len(s) <= hi and all(p in pairs for p in zip(framed, framed[1:]))

    novel = np.array([s not in train_set for s in samples])
    plausible = np.array([looks_like(s) for s in samples])
    return {"n": len(samples), "novel": float(novel.mean()), "looks_like": float(plausible.mean()),
            "novel_looks_like": float((novel & plausible).mean()),
            "lengths": np.array([len(s) for s in samples], dtype=np.int64)}


# ---------------------------------------------------------------- training on padded batches

def train(params, train_names, valid_names=None, *, seed, steps=None, seconds=None,
          batch_size=64, learning_rate=1e-2, final_learning_rate=None, schedule="cosine",
          clip=5.0, max_norm=None, max_loss=None, log=None, log_every=200, threads=1):
    """Adam on padded batches of names drawn at random, with the padding masked out of the loss.

    The trainer contract of helpers.training (budget, seed, schedule, clip / max_norm, log,
    threads): by default the rate falls along a cosine to final_learning_rate (None: constant)
    and every gradient entry is clipped to [-5, 5]. params: any cell of helpers.cells over
    names_vocab(). max_loss None: 3 ln V. Every record (each log_every steps and the last)
    also holds 'names' (names seen) and, with valid_names, 'valid_loss' measured then.
    Updates params in place. -> the History of records.
    """
    cell = get_cell(cell_of(params))
    budget = Budget(*check_budget(steps, seconds))
    rng = make_rng(seed)
    train_names = check_names(train_names)
    valid = None if valid_names is None else pad_batch(valid_names)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_schedule(learning_rate, final_learning_rate, schedule)
    clip, max_norm = check_clipping(clip, max_norm)
    max_loss = check_max_loss(max_loss, np.log(len(names_vocab())))
    recorder = Recorder(budget, log, log_every)
    adam = Adam(learning_rate)
    with blas_threads(threads):
        # the contract's loop (helpers.training), written out in every trainer: it shows
        # this task's batch and maths, one line each
        while not budget.done():
            t0 = time.perf_counter()
            x, y, mask = pad_batch([train_names[i] for i in rng.integers(0, len(train_names),
                                                                         batch_size)])
            loss, grads, _ = cell.loss_and_grads(params, x, y, None, mask)  # forward, backward
            check_divergence(loss, budget.step + 1, learning_rate, max_loss)
            clip_gradients(grads, clip, max_norm)
            adam.learning_rate = scheduled_learning_rate(learning_rate, budget.fraction(),
                                                         final_learning_rate, schedule)
            adam.step(params, grads)
            budget.tick(t0)
            recorder.add(loss)
            if recorder.due():
                extra = {"names": budget.step * batch_size}
                if valid is not None:
                    extra["valid_loss"] = float(cell.loss_and_grads(params, *valid[:2], None,
                                                                    valid[2])[0])
                recorder.record(adam.learning_rate, **extra)
    return recorder.history
