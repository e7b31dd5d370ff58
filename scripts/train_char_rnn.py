"""Train the character RNN on data/shakespeare and save a snapshot (.npz of plain arrays).

    python scripts/train_char_rnn.py --hidden-size 250 --seq-len 64 --batch-size 32 \
        --epochs 20 --seed 2 --out data/char_rnn_shakespeare.npz
    python scripts/train_char_rnn.py --cell lstm --hidden-size 118 ... --out my_lstm.npz

For a reproducible snapshot give --chars, --steps or --epochs (same seed, same machine -> same
weights); --seconds depends on the machine's speed. Bad input prints `error: ...` and exits
with status 1 (argparse's own errors: status 2); the output path is checked before training.
"""
import argparse
import json
import platform
import sys

import numpy as np

from helpers import char_rnn
from helpers.cells import get_cell
from helpers.snapshot import save_snapshot
from helpers.text import Vocab, load_text
from helpers.validate import check_output_path


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python scripts/train_char_rnn.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cell", default="rnn", choices=["rnn", "lstm", "gru"],
                    help="the recurrent cell (helpers.cells; default rnn, min-char-rnn's)")
    ap.add_argument("--hidden-size", type=int, default=250)
    ap.add_argument("--seq-len", type=int, default=64, help="characters per window (truncated BPTT)")
    ap.add_argument("--batch-size", type=int, default=32, help="parallel streams")
    ap.add_argument("--seconds", type=float, help="training time budget (not reproducible)")
    ap.add_argument("--chars", type=float, help="characters to read (reproducible), e.g. 2e7")
    ap.add_argument("--steps", type=int, help="updates to make (reproducible)")
    ap.add_argument("--epochs", type=float, help="passes over train.txt (reproducible)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--optimizer", default="adam", choices=["adam", "adagrad", "sgd"])
    ap.add_argument("--learning-rate", type=float,
                    help="learning rate at the start (default: adam 5e-3, adagrad 0.1, sgd 1)")
    ap.add_argument("--final-learning-rate", type=float,
                    help="... falling along half a cosine to this (default: a tenth of it)")
    ap.add_argument("--clip", type=float, default=5.0, help="clip gradients to [-clip, clip]; 0: off")
    ap.add_argument("--max-norm", type=float, default=1.0,
                    help="then clip the global gradient norm to this (default 1; 0: off)")
    ap.add_argument("--init-scale", type=float,
                    help="std of the initial weights of an rnn (default 0.01); the lstm and gru "
                         "start from torch's uniform initialisation")
    ap.add_argument("--forget-bias", type=float,
                    help="the lstm's first forget-gate bias (default 0, helpers.char_rnn.init_params)")
    ap.add_argument("--unigram-bias", action="store_true",
                    help="start the output bias at the characters' log frequencies in train.txt "
                         "(helpers.char_rnn.unigram_bias): faster progress on short budgets")
    ap.add_argument("--weight-decay", type=float, default=0.0,
                    help="decoupled weight decay of the weight matrices (e.g. 0.1 with adam)")
    ap.add_argument("--average", type=float,
                    help="save the moving average of the weights with this decay (e.g. 0.999)")
    ap.add_argument("--eval-every", type=int, help="validate every so many steps")
    ap.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    ap.add_argument("--out", required=True, help="where to write the .npz snapshot")
    ap.add_argument("--quiet", action="store_true", help="no progress line")
    return ap.parse_args(argv)


# One core trains the shipped vanilla model (H = 250: 94,313 parameters) at about 140,000
# characters per second (data/README.md); the time grows with characters x parameters.
PARAMETER_CHARS_PER_SECOND = 140_000 * 94_313
A_DAY = 24 * 3600


def estimate(a, text_length, vocab_size):
    """-> (characters to read, parameters, rough seconds) of the run the arguments ask for."""
    params = get_cell(a.cell).parameter_count(vocab_size, a.hidden_size)
    window = a.batch_size * a.seq_len
    budgets = [a.steps * window if a.steps else None, a.chars,
               a.epochs * text_length if a.epochs else None]
    if all(b is None for b in budgets + [a.seconds]):
        budgets[2] = text_length                    # the trainer's default: one epoch
    chars = min((b for b in budgets if b is not None), default=np.inf)
    seconds = min(chars * params / PARAMETER_CHARS_PER_SECOND, a.seconds or np.inf)
    return chars, params, seconds


def announce_if_long(a, text_length, vocab_size):
    """A huge run is the learner's choice, but say what it is before starting."""
    chars, params, seconds = estimate(a, text_length, vocab_size)
    if A_DAY < seconds < np.inf:              # an infinite budget is refused by the trainer
        print(f"note: this run reads {chars:.3g} characters with a model of {params:,} "
              f"parameters: roughly {seconds / 3600:,.0f} hours on one core (the shipped "
              f"H = 250 model trains at about 140,000 characters/s); Ctrl-C stops it",
              file=sys.stderr, flush=True)
    return seconds


def train(a, argv):
    """Train as the arguments say -> (params, vocab, meta)."""
    text, valid = load_text("shakespeare", "train.txt"), load_text("shakespeare", "valid.txt")
    vocab = Vocab.from_text(text)
    announce_if_long(a, len(text), len(vocab))
    ids = vocab.encode(text)
    counts = np.bincount(ids, minlength=len(vocab)) if a.unigram_bias else None
    params = char_rnn.init_params(len(vocab), a.hidden_size, seed=a.seed, dtype=np.dtype(a.dtype),
                                  scale=a.init_scale, cell=a.cell, forget_bias=a.forget_bias,
                                  counts=counts)
    forget_bias = float(params["b"][a.hidden_size]) if a.cell == "lstm" else None   # as started
    cfg = char_rnn.TrainConfig(
        batch_size=a.batch_size, seq_len=a.seq_len, optimizer=a.optimizer,
        learning_rate=a.learning_rate, final_learning_rate=a.final_learning_rate,
        clip=a.clip or None, max_norm=a.max_norm or None, seconds=a.seconds, chars=a.chars,
        steps=a.steps, epochs=a.epochs, eval_every=a.eval_every, seed=a.seed, log=not a.quiet,
        weight_decay=a.weight_decay, average=a.average)
    hist = char_rnn.train(params, ids, vocab.encode(valid), config=cfg)
    last = hist[-1]                           # the last record: the whole run, all of valid
    init_scale = (0.01 if a.init_scale is None else a.init_scale) if a.cell == "rnn" else None
    meta = dict(cfg.settings(params), cell=a.cell, init_scale=init_scale, forget_bias=forget_bias,
                corpus="data/shakespeare/train.txt", valid="data/shakespeare/valid.txt",
                steps=last["step"], chars_seen=last["chars"], epochs_done=round(last["epochs"], 4),
                valid_loss=round(last["valid_loss"], 5),
                train_loss=round(last["loss"], 5),      # the mean over the steps since the record before
                valid_curve=[[int(c), round(float(v), 5)]
                             for c, v in zip(*hist.column("chars", "valid_loss"))],
                training_seconds=round(last["seconds"], 2),
                chars_per_s=round(last["chars"] / last["seconds"]), numpy=np.__version__,
                python=platform.python_version(),
                command="python scripts/train_char_rnn.py " + " ".join(argv),
                **({"unigram_bias": True} if a.unigram_bias else {}))   # (older snapshots: off)
    return params, vocab, meta, hist


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    a = parse_args(argv)
    try:
        check_output_path(a.out)
        params, vocab, meta, hist = train(a, argv)
        save_snapshot(a.out, params, vocab, meta)
    except (ValueError, OSError) as err:     # TrainingDiverged is a ValueError
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"saved {a.out}: {a.cell}, hidden size {a.hidden_size}, {meta['steps']} steps, "
          f"{meta['chars_seen']:,} chars ({meta['epochs_done']:.2f} epochs) in "
          f"{meta['training_seconds']:.1f} s; "
          f"train loss {meta['train_loss']:.3f}, valid loss {meta['valid_loss']:.3f} nats/char "
          f"(ln V = {np.log(len(vocab)):.3f})")
    print(json.dumps({k: meta[k] for k in ("valid_loss", "train_loss", "steps", "chars_seen",
                                            "training_seconds")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
