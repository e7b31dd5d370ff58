"""How fast, and how well, does the char-RNN trainer train the LSTM character model?

    python benchmarks/lstm_speed.py --torch                  # equal time: 5 rounds of 20 s each side
    python benchmarks/lstm_speed.py --torch --threads 2 --rounds 7 --json
    python benchmarks/lstm_speed.py --torch --steps 1000     # equal steps: learning per character

The model: one-hot characters of data/shakespeare/train.txt into an LSTM (H 256) and a linear
readout, float32, windows of B streams x T characters, the state (h, c) carried from window to
window. Each round trains a FRESH model from the same seed for --round-seconds of wall clock (or
--steps updates) with the trainer's defaults: Adam from --lr falling along a cosine to a tenth of
it over the round, every gradient entry clipped to [-5, 5] and then the global norm to 1. Then
the round's model is scored on ALL of data/shakespeare/valid.txt (Macbeth, never trained on) by
helpers.char_rnn.evaluate, the same code for both sides (not counted in the time). Variants, in
alternating rounds so that a busy machine slows both alike:

  trainer  helpers.char_rnn.train(init_params(..., cell="lstm", counts=...), seconds=round):
           what a learner runs, with its bookkeeping, from the course's start for short runs:
           the output bias at the characters' log frequencies (char_rnn.unigram_bias,
           scripts/train_char_rnn.py --unigram-bias)
  plain    (--start plain or both) the same from init_params' zero output bias
  torch    (--torch) torch.nn.LSTM(V, H) on one-hot inputs + torch.nn.Linear(H, V),
           cross-entropy, clip_grad_value_(5), clip_grad_norm_(1), torch.optim.Adam with the
           same cosine schedule over the same budget, reading the same windows, with torch's own
           initialisation and the same number of threads (benchmarks/torch_baseline.py)

Characters per second count training steps only (B * T per step); both sides are warmed up
before the first round (torch's start-up is not counted). --steps makes the comparison
independent of the machine's load: the loss after the same number of characters.

PyTorch is not a course requirement; see benchmarks/README.md for a separate environment.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]  # helpers from this checkout; torch_baseline next to us

from helpers import char_rnn  # noqa: E402
from helpers.cells import get_cell  # noqa: E402
from helpers.text import Vocab, load_text  # noqa: E402
from torch_baseline import TorchCharModel  # noqa: E402


class Trainer:
    """helpers.char_rnn.train on a fresh LSTM every round (counts: the output bias starts at
    the characters' log frequencies, char_rnn.unigram_bias; None: init_params' zeros)."""

    def __init__(self, V, a, forget_bias=None, init=None, counts=None):
        self.V, self.a, self.forget_bias, self.init, self.counts = V, a, forget_bias, init, counts

    def fresh_params(self):
        if self.init is not None:
            return {k: v.copy() for k, v in self.init.items()}
        extra = {} if self.forget_bias is None else {"forget_bias": self.forget_bias}
        return char_rnn.init_params(self.V, self.a.hidden, seed=self.a.seed, cell="lstm",
                                    counts=self.counts, **extra)

    def round(self, ids, seconds=None, steps=None):
        """-> (trained params, chars/s, steps)."""
        a = self.a
        params = self.fresh_params()
        last = char_rnn.train(params, ids, batch_size=a.batch, seq_len=a.seq, seconds=seconds,
                              steps=steps, learning_rate=a.lr, seed=a.seed, threads=a.threads,
                              log=None)[-1]
        return params, last["chars"] / last["seconds"], last["step"]


class Torch:
    """torch_baseline.TorchCharModel, a fresh one every round."""

    def __init__(self, torch, V, a, init=None, output_bias=None):
        self.torch, self.V, self.a, self.init, self.output_bias = torch, V, a, init, output_bias

    def round(self, ids, seconds=None, steps=None):
        a = self.a
        model = TorchCharModel(self.torch, "lstm", self.V, a.hidden, a.lr, a.seed,
                               final_lr=a.lr / 10, init=self.init, output_bias=self.output_bias)
        speed, _ = model.train_round(ids, a.batch, a.seq, seconds=seconds, steps=steps)
        return model.params(), speed, model.steps


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-3,
                    help="Adam's first learning rate, both sides (the trainer's default)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads, and torch's threads")
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds of every variant")
    ap.add_argument("--round-seconds", type=float, default=20.0, help="training time of one round")
    ap.add_argument("--steps", type=int, help="train every round for this many steps instead")
    ap.add_argument("--torch", action="store_true", help="also train PyTorch CPU at the same size")
    ap.add_argument("--forget-bias", type=float,
                    help="the trainer's LSTM starts with this forget-gate bias (default: "
                         "init_params' default)")
    ap.add_argument("--start", default="unigram", choices=["unigram", "plain", "both"],
                    help="the trainer's output bias: the characters' log frequencies (unigram, "
                         "init_params(counts=...)), init_params' zeros (plain), or both variants")
    ap.add_argument("--torch-unigram", action="store_true",
                    help="torch's output bias starts at the characters' log frequencies too")
    ap.add_argument("--same-init", action="store_true",
                    help="torch starts from the trainer's initial weights, with one bias vector")
    ap.add_argument("--torch-init", action="store_true",
                    help="the trainer starts from torch's initial weights (biases added up)")
    ap.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    a = ap.parse_args(argv)
    if a.round_seconds < 20 and a.steps is None:
        print("note: rounds under 20 s count torch's and NumPy's warm-up more than the issue allows")

    text = load_text("shakespeare", "train.txt")
    vocab = Vocab.from_text(text)
    V, ids = len(vocab), vocab.encode(text)
    valid = vocab.encode(load_text("shakespeare", "valid.txt"))
    load = os.getloadavg()[0]
    kernels = [f"{d['internal_api']} {d.get('architecture') or ''}".strip()
               for d in threadpool_info() if d["user_api"] == "blas"]
    budget = f"{a.steps} steps" if a.steps else f"{a.round_seconds:g} s"
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at start; python "
          f"{platform.python_version()}, numpy {np.__version__}, BLAS {', '.join(kernels) or '?'}; "
          f"{a.threads} thread(s); LSTM char model V = {V}, H = {a.hidden}, batch {a.batch}, seq "
          f"{a.seq}, float32, {get_cell('lstm').parameter_count(V, a.hidden):,} parameters; "
          f"Adam {a.lr:g} -> {a.lr / 10:g} (cosine) over {budget} a round")

    torch, torch_init, trainer_init = None, None, None
    if a.torch or a.torch_init:
        try:
            import torch
        except ImportError:
            print("torch: not importable here, comparison skipped (it is optional; see README.md)")
            torch = None
        else:
            torch.set_num_threads(a.threads)
    if a.torch_init and torch is not None:
        trainer_init = TorchCharModel(torch, "lstm", V, a.hidden, a.lr, a.seed).params()
    counts = np.bincount(ids, minlength=V)
    variants = {}
    if a.start in ("unigram", "both"):
        variants["trainer"] = Trainer(V, a, a.forget_bias, trainer_init, counts=counts)
    if a.start in ("plain", "both"):
        variants["plain"] = Trainer(V, a, a.forget_bias, trainer_init)
    if a.same_init:
        torch_init = next(iter(variants.values())).fresh_params()
    if a.torch and torch is not None:
        variants["torch"] = Torch(torch, V, a, torch_init,
                                  char_rnn.unigram_bias(counts, V) if a.torch_unigram else None)

    for model in variants.values():       # warm-up, not counted: libraries, caches, allocators
        model.round(ids, steps=5)
    speeds = {name: [] for name in variants}
    losses = {name: [] for name in variants}
    steps = {name: [] for name in variants}
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for r in range(a.rounds):
        for name, model in variants.items():
            params, speed, n = model.round(ids, seconds=None if a.steps else a.round_seconds,
                                           steps=a.steps)
            loss = char_rnn.evaluate(params, valid, threads=a.threads)
            speeds[name].append(speed)
            losses[name].append(loss)
            steps[name].append(n)
            print(f"  round {r + 1} {name:7s} {speed:8,.0f} chars/s, {n:5d} steps, valid loss "
                  f"{loss:.4f}", flush=True)
    cpu_share = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    med = {name: statistics.median(v) for name, v in speeds.items()}
    med_loss = {name: statistics.median(v) for name, v in losses.items()}
    for name in variants:
        print(f"{name:7s} {med[name]:9,.0f} chars/s ({min(speeds[name]):,.0f}..{max(speeds[name]):,.0f}),"
              f" valid loss {med_loss[name]:.4f} ({min(losses[name]):.4f}..{max(losses[name]):.4f})"
              f" nats/char: medians of {a.rounds} rounds of {budget}")
    result = {"hidden": a.hidden, "batch": a.batch, "seq": a.seq, "threads": a.threads,
              "lr": a.lr, "rounds": a.rounds, "round_seconds": None if a.steps else a.round_seconds,
              "steps": a.steps, "forget_bias": a.forget_bias, "same_init": a.same_init,
              "torch_init": a.torch_init, "start": a.start, "torch_unigram": a.torch_unigram,
              "load_average": round(load, 2),
              "cpu_share": round(cpu_share, 2), "numpy": np.__version__, "blas": kernels,
              "chars_per_s": {k: round(v) for k, v in med.items()},
              "valid_loss": {k: round(v, 4) for k, v in med_loss.items()},
              "valid_losses": {k: [round(x, 4) for x in v] for k, v in losses.items()}}
    if "torch" in med:
        result.update(torch=torch.__version__)
        for name in (n for n in variants if n != "torch"):
            ratio = med[name] / med["torch"]
            gap = med_loss[name] - med_loss["torch"]
            print(f"torch {torch.__version__} ({a.threads} thread(s)): {name} / torch = {ratio:.2f} "
                  f"chars/s; valid loss {name} - torch = {gap:+.4f} nats/char")
            suffix = "" if name == "trainer" else f"_{name}"
            result.update({f"trainer_over_torch{suffix}": round(ratio, 3),
                           f"loss_gap{suffix}": round(gap, 4)})
    print(f"this process got {cpu_share:.0%} of a core while measuring "
          f"(load average {os.getloadavg()[0]:.1f} at the end)")
    if a.json:
        print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
