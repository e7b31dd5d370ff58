"""How fast does the char-RNN trainer train the LSTM character model?

    python benchmarks/lstm_speed.py                 # H 256, B 32, T 32 on Shakespeare, float32
    python benchmarks/lstm_speed.py --torch         # and PyTorch CPU side by side (if importable)
    python benchmarks/lstm_speed.py --rounds 7 --round-seconds 3 --json

One training step = forward + backward over a window of B streams x T characters, clipping every
gradient entry to [-5, 5] and then the global norm to 1, and an Adam update, with the state
(h, c) carried from window to window (truncated BPTT over parallel streams). Measured in
characters per second (B * T per step, wall clock of the whole round), in alternating rounds so
a busy machine slows every variant alike:

  trainer    helpers.char_rnn.train(params of cell 'lstm', seconds=round) itself: what a learner
             runs (its step is helpers.fast.lstm), with its cosine schedule and bookkeeping
  fast       the bare loop: the trainer's step (helpers.fast.lstm) + the same clipping + optim.Adam
  reference  (--reference) helpers.cells.get_cell("lstm").loss_and_grads (built from
             helpers.layers) + the same clipping + Adam
  torch      (--torch) torch.nn.LSTM(V, H) on one-hot inputs + torch.nn.Linear(H, V),
             cross-entropy, clip_grad_value_(5), clip_grad_norm_(1), torch.optim.Adam: the same
             sizes, the same parameter count but for torch's second bias vector, the same number
             of threads.

PyTorch is not a course requirement; see benchmarks/README.md for a separate environment.
"""
import argparse
import json
import os
import pathlib
import platform
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout even where helpers is not installed

from helpers import char_rnn  # noqa: E402
from helpers.cells import get_cell  # noqa: E402
from helpers.optim import Adam, clip_by_global_norm, clip_by_value  # noqa: E402
from helpers.text import Vocab, load_text, stream_batches  # noqa: E402
from helpers.threads import blas_threads  # noqa: E402
from torch_baseline import TorchCharModel  # noqa: E402  (benchmarks/, next to this script)


class NumpyLSTM:
    """The char model of helpers.cells ('lstm'), trained with the fast or the reference path."""

    def __init__(self, V, hidden, lr, seed, fast=True):
        self.cell = get_cell("lstm")
        self.params = self.cell.init_params(V, hidden, seed=seed, dtype=np.float32)
        self.opt = Adam(learning_rate=lr)
        # the trainer's step for the cell: its registered fast step, or the reference
        self.step = char_rnn.training_step(self.cell, fast=fast)

    def train_round(self, ids, batch, seq, seconds, threads):
        chars, state = 0, None
        with blas_threads(threads):
            start = time.perf_counter()
            while True:
                for x, y in stream_batches(ids, batch, seq):
                    loss, grads, state = self.step(self.params, x, y, state)
                    clip_by_value(grads, 5.0)
                    clip_by_global_norm(grads, 1.0)
                    self.opt.step(self.params, grads)
                    chars += x.size
                    if time.perf_counter() - start >= seconds:
                        return chars / (time.perf_counter() - start), loss
                state = None


class TrainerLSTM:
    """helpers.char_rnn.train on an LSTM, one call per round (seconds=round)."""

    def __init__(self, V, hidden, lr, seed):
        self.params = char_rnn.init_params(V, hidden, seed=seed, cell="lstm")
        self.lr, self.seed = lr, seed

    def train_round(self, ids, batch, seq, seconds, threads):
        start = time.perf_counter()
        last = char_rnn.train(self.params, ids, batch_size=batch, seq_len=seq, seconds=seconds,
                              learning_rate=self.lr, seed=self.seed, threads=threads, log=None)[-1]
        return last["chars"] / (time.perf_counter() - start), last["loss"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3, help="Adam's learning rate (both sides)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads, and torch's threads")
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds of every variant")
    ap.add_argument("--round-seconds", type=float, default=2.0, help="length of one round")
    ap.add_argument("--reference", action="store_true", help="also time the (slower) reference path")
    ap.add_argument("--torch", action="store_true", help="also time PyTorch CPU at the same size")
    ap.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    a = ap.parse_args(argv)

    text = load_text("shakespeare", "train.txt")
    vocab = Vocab.from_text(text)
    V, ids = len(vocab), vocab.encode(text)
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at start; python "
          f"{platform.python_version()}, numpy {np.__version__}; {a.threads} thread(s); LSTM char "
          f"model V = {V}, H = {a.hidden}, batch {a.batch}, seq {a.seq}, float32, "
          f"{get_cell('lstm').parameter_count(V, a.hidden):,} parameters")
    kernels = [f"{d['internal_api']} {d.get('architecture') or ''}".strip()
               for d in threadpool_info() if d["user_api"] == "blas"]
    print(f"BLAS: {', '.join(kernels) or 'unknown'}")
    variants = {"trainer": TrainerLSTM(V, a.hidden, a.lr, a.seed),
                "fast": NumpyLSTM(V, a.hidden, a.lr, a.seed, fast=True)}
    if a.reference:
        variants["reference"] = NumpyLSTM(V, a.hidden, a.lr, a.seed, fast=False)
    torch = None
    if a.torch:
        try:
            import torch
        except ImportError:
            print("torch: not importable here, comparison skipped (it is optional; see README.md)")
        else:
            torch.set_num_threads(a.threads)
            variants["torch"] = TorchCharModel(torch, "lstm", V, a.hidden, a.lr, a.seed)
    speeds = {name: [] for name in variants}
    losses = {}
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for r in range(a.rounds):
        for name, model in variants.items():
            if name == "torch":
                s, losses[name] = model.train_round(ids, a.batch, a.seq, a.round_seconds)
            else:
                s, losses[name] = model.train_round(ids, a.batch, a.seq, a.round_seconds, a.threads)
            speeds[name].append(s)
    cpu_share = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    med = {name: statistics.median(v) for name, v in speeds.items()}
    for name, v in speeds.items():
        print(f"{name:9s} {med[name]:9,.0f} chars/s  (median of {a.rounds} rounds of "
              f"{a.round_seconds:g} s, {min(v):,.0f}..{max(v):,.0f}; last training loss "
              f"{losses[name]:.2f} nats/char)")
    result = {"hidden": a.hidden, "batch": a.batch, "seq": a.seq, "threads": a.threads,
              "rounds": a.rounds, "load_average": round(load, 2), "cpu_share": round(cpu_share, 2),
              "numpy": np.__version__, "blas": kernels,
              "chars_per_s": {k: round(v) for k, v in med.items()}}
    if "reference" in med:
        print(f"fast / reference = {med['fast'] / med['reference']:.2f}")
    if "torch" in med:
        ratio, bare = med["trainer"] / med["torch"], med["fast"] / med["torch"]
        print(f"torch {torch.__version__} ({a.threads} thread(s)): trainer / torch = {ratio:.2f}, "
              f"bare fast loop / torch = {bare:.2f}")
        result.update(torch=torch.__version__, trainer_over_torch=round(ratio, 3),
                      fast_over_torch=round(bare, 3))
    print(f"this process got {cpu_share:.0%} of a core while measuring "
          f"(load average {os.getloadavg()[0]:.1f} at the end)")
    if a.json:
        print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
