"""Train the word-reversal seq2seq model on data/names.txt and save it (.npz of plain arrays).

    python scripts/train_seq2seq.py --out data/seq2seq_plain.npz
    python scripts/train_seq2seq.py --attention --out data/seq2seq_attention.npz

Seeded: the same seed gives the same weights with the same BLAS. Bad input prints
`error: ...` and exits with status 1 (argparse's own errors: status 2); the output path is
checked before training.
"""
import argparse
import sys

from helpers import seq2seq
from helpers.training import print_record
from helpers.validate import check_output_path


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python scripts/train_seq2seq.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--attention", action="store_true", help="add dot-product attention")
    ap.add_argument("--hidden-size", type=int, default=128)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--learning-rate", type=float, default=3e-3,
                    help="Adam's learning rate at the start")
    ap.add_argument("--final-learning-rate", type=float, default=3e-4,
                    help="... falling linearly to this")
    ap.add_argument("--seed", type=int, default=0, help="seeds the split, the weights, the batches")
    ap.add_argument("--out", required=True, help="where to write the .npz")
    ap.add_argument("--quiet", action="store_true", help="no loss lines")
    return ap.parse_args(argv)


# The shipped attention model (H = 128, batches of 64) took 82 s for 3000 steps on one core
# (data/README.md); a step's time grows with batch_size x H^2.
SECONDS_PER_STEP = 82 / 3000
A_DAY = 24 * 3600


def announce_if_long(a):
    """A huge run is the learner's choice, but say what it is before starting."""
    seconds = SECONDS_PER_STEP * a.steps * (a.batch_size / 64) * (a.hidden_size / 128) ** 2
    if seconds > A_DAY:
        print(f"note: {a.steps:,} steps of {a.batch_size} words with hidden size "
              f"{a.hidden_size}: roughly {seconds / 3600:,.0f} hours on one core (the shipped "
              f"models took about 80 s for 3000 steps); Ctrl-C stops it",
              file=sys.stderr, flush=True)
    return seconds


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        check_output_path(a.out)
        announce_if_long(a)
        model = seq2seq.train_reversal(a.attention, a.hidden_size, a.steps, a.batch_size,
                                       a.learning_rate, a.final_learning_rate, a.seed,
                                       log=None if a.quiet else print_record, log_every=250)
        model.save(a.out, model.meta)
    except (ValueError, OSError) as err:     # TrainingDiverged is a ValueError
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"held-out exact match {model.meta['test_accuracy']:.4f}, "
          f"{model.meta['train_seconds']} s; saved {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
