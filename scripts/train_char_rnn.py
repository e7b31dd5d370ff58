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
    ap.add_argument("--weight-decay", type=float, default=0.0,
                    help="decoupled weight decay of the weight matrices (e.g. 0.1 with adam)")
    ap.add_argument("--average", type=float,
                    help="save the moving average of the weights with this decay (e.g. 0.999)")
    ap.add_argument("--eval-every", type=int, help="validate every so many steps")
    ap.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    ap.add_argument("--out", required=True, help="where to write the .npz snapshot")
    ap.add_argument("--quiet", action="store_true", help="no progress line")
    return ap.parse_args(argv)


def train(a, argv):
    """Train as the arguments say -> (params, vocab, meta)."""
    text, valid = load_text("shakespeare", "train.txt"), load_text("shakespeare", "valid.txt")
    vocab = Vocab.from_text(text)
    params = char_rnn.init_params(len(vocab), a.hidden_size, seed=a.seed, dtype=np.dtype(a.dtype),
                                  scale=a.init_scale, cell=a.cell, forget_bias=a.forget_bias)
    forget_bias = float(params["b"][a.hidden_size]) if a.cell == "lstm" else None   # as started
    hist = char_rnn.train(
        params, vocab.encode(text), vocab.encode(valid), batch_size=a.batch_size,
        seq_len=a.seq_len, optimizer=a.optimizer, learning_rate=a.learning_rate,
        final_learning_rate=a.final_learning_rate, clip=a.clip or None,
        max_norm=a.max_norm or None, seconds=a.seconds, chars=a.chars, steps=a.steps,
        epochs=a.epochs, eval_every=a.eval_every, seed=a.seed, log=not a.quiet,
        weight_decay=a.weight_decay, average=a.average)
    init_scale = (0.01 if a.init_scale is None else a.init_scale) if a.cell == "rnn" else None
    meta = dict(hist["settings"], cell=a.cell, init_scale=init_scale, forget_bias=forget_bias,
                corpus="data/shakespeare/train.txt", valid="data/shakespeare/valid.txt",
                steps=hist["steps"], chars_seen=hist["chars_seen"],
                epochs_done=round(hist["epochs"], 4),
                valid_loss=round(float(hist["valid_loss"][-1]), 5),
                train_loss=round(float(hist["train_loss"][-1]), 5),
                valid_curve=[[int(c), round(float(v), 5)]
                             for c, v in zip(hist["valid_chars"], hist["valid_loss"])],
                training_seconds=round(hist["seconds"], 2),
                chars_per_s=round(hist["chars_per_s"]), numpy=np.__version__,
                python=platform.python_version(),
                command="python scripts/train_char_rnn.py " + " ".join(argv))
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
    print(f"saved {a.out}: {a.cell}, hidden size {a.hidden_size}, {hist['steps']} steps, "
          f"{hist['chars_seen']:,} chars ({hist['epochs']:.2f} epochs) in {hist['seconds']:.1f} s; "
          f"train loss {meta['train_loss']:.3f}, valid loss {meta['valid_loss']:.3f} nats/char "
          f"(ln V = {np.log(len(vocab)):.3f})")
    print(json.dumps({k: meta[k] for k in ("valid_loss", "train_loss", "steps", "chars_seen",
                                            "training_seconds")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
