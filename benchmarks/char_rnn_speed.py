"""How fast is the char-RNN trainer, and how good does it get in a fixed time?

    python benchmarks/char_rnn_speed.py                      # defaults: --hidden 256 --batch 32 --seq 32 --seconds 60
    python benchmarks/char_rnn_speed.py --seconds 10 --json  # last line: one JSON object
    python benchmarks/char_rnn_speed.py --chars 3e6          # quality run on a fixed budget

In one run on this machine it measures
  1. the classic min-char-rnn loop (batch 1, one-hot inputs, dicts over time, hidden 100,
     seq 25, float64, Adagrad): helpers.char_rnn.classic_train, the code notebook 03 explains;
  2. the batched trainer at hidden 100 (helpers.char_rnn.train, float32) -> `speedup`;
     1 and 2 run in alternating rounds and the medians are compared, so a busy machine slows
     both alike;
  3. the batched trainer at the requested size, trained for --seconds of training time, then
     `val_loss` in nats/char over the whole of data/shakespeare/valid.txt and `chars_per_s`;
  4. with --torch, and only if PyTorch is importable: the same model in PyTorch (one-hot input
     into torch.nn.RNN, a Linear output layer, the same Adam, clipping and truncated BPTT),
     timed in alternating rounds against the NumPy trainer at the requested size.
Peak memory is the process's maximum resident set size (resource.getrusage). See README.md.
"""
import argparse
import json
import os
import pathlib
import platform
import resource
import statistics
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout even where helpers is not installed

from helpers import char_rnn  # noqa: E402
from helpers.text import Vocab, load_text  # noqa: E402
from torch_baseline import TorchCharModel  # noqa: E402  (benchmarks/, next to this script)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def classic_round(ids, V, seconds, seed):
    p = char_rnn.init_params(V, 100, seed=seed, dtype=np.float64)
    h = char_rnn.classic_train(p, ids, seq_len=25, learning_rate=0.1, seconds=seconds)
    return h["chars"] / h["seconds"]


def batched_round(ids, V, hidden, batch, seq, seconds, seed, threads):
    p = char_rnn.init_params(V, hidden, seed=seed)
    last = char_rnn.train(p, ids, batch_size=batch, seq_len=seq, seconds=seconds, seed=seed,
                          log=None, threads=threads)[-1]
    return last["chars"] / last["seconds"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="training time of the quality run")
    ap.add_argument("--chars", type=float, default=None,
                    help="train the quality run on this many characters instead of --seconds "
                         "(reproducible: the same val_loss on any load)")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=32)
    ap.add_argument("--lr", type=float, default=None, help="learning rate (default: the trainer's)")
    ap.add_argument("--optimizer", default="adam", choices=["adam", "adagrad"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1,
                    help="BLAS threads for the NumPy trainer (and torch's threads in the comparison)")
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds of the speed probes")
    ap.add_argument("--round-seconds", type=float, default=1.5, help="length of one probe round")
    ap.add_argument("--torch", action="store_true", help="also time a PyTorch CPU model of the same size")
    ap.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    a = ap.parse_args(argv)

    text, valid = load_text("shakespeare", "train.txt"), load_text("shakespeare", "valid.txt")
    vocab = Vocab.from_text(text)
    V, ids, vids = len(vocab), vocab.encode(text), vocab.encode(valid)
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at start; python "
          f"{platform.python_version()}, numpy {np.__version__}; NumPy trainer with "
          f"{a.threads} BLAS thread(s)")

    # 1 and 2: classic loop against the batched trainer at hidden 100, alternating rounds
    classic, batched = [], []
    for r in range(a.rounds):
        classic.append(classic_round(ids, V, a.round_seconds, a.seed))
        batched.append(batched_round(ids, V, 100, a.batch, a.seq, a.round_seconds, a.seed, a.threads))
    c_med, b_med = statistics.median(classic), statistics.median(batched)
    speedup = b_med / c_med
    print(f"classic min-char-rnn loop (batch 1, one-hot, hidden 100, seq 25, float64): "
          f"{c_med:,.0f} chars/s (median of {a.rounds} rounds, {min(classic):,.0f}..{max(classic):,.0f})")
    print(f"batched trainer (hidden 100, batch {a.batch}, seq {a.seq}, float32): "
          f"{b_med:,.0f} chars/s (median of {a.rounds} rounds, {min(batched):,.0f}..{max(batched):,.0f})")
    print(f"speedup: {speedup:.1f}x")

    # 3: the quality run at the requested size
    params = char_rnn.init_params(V, a.hidden, seed=a.seed)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    cfg = char_rnn.TrainConfig(batch_size=a.batch, seq_len=a.seq, optimizer=a.optimizer,
                               learning_rate=a.lr, seconds=None if a.chars else a.seconds,
                               chars=a.chars, seed=a.seed, log=True, threads=a.threads)
    last = char_rnn.train(params, ids, config=cfg)[-1]
    chars_per_s = last["chars"] / last["seconds"]
    cpu_share = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    t0 = time.perf_counter()
    val_loss = char_rnn.evaluate(params, vids)
    eval_s = time.perf_counter() - t0
    settings = cfg.settings(params)
    print(f"trained hidden {a.hidden}, batch {a.batch}, seq {a.seq}, {settings['optimizer']} "
          f"lr {settings['learning_rate']:g} (cosine decay to {settings['final_learning_rate']:g}, clip {settings['clip']:g}, "
          f"max_norm {settings['max_norm']:g}) for {last['seconds']:.1f} s: {chars_per_s:,.0f} "
          f"chars/s, {last['chars']:,} chars ({last['epochs']:.2f} epochs); this process got "
          f"{cpu_share:.0%} of a core (100% on a quiet machine)")
    print(f"val_loss: {val_loss:.4f} nats/char over all {len(vids) - 1:,} predictions of "
          f"valid.txt (train loss {last['loss']:.4f}, uniform ln V = {np.log(V):.4f}; "
          f"evaluated in {eval_s:.1f} s)")
    peak = peak_mb()
    print(f"peak memory: {peak:.0f} MB (maximum resident set size)")

    result = {"speedup": round(speedup, 2), "classic_chars_per_s": round(c_med),
              "batched_h100_chars_per_s": round(b_med), "chars_per_s": round(chars_per_s),
              "val_loss": round(val_loss, 4), "train_loss": round(last["loss"], 4),
              "chars_seen": last["chars"], "train_seconds": round(last["seconds"], 2),
              "peak_mb": round(peak, 1), "hidden": a.hidden, "batch": a.batch, "seq": a.seq,
              "seconds": a.seconds, "chars": a.chars, "cpu_share": round(cpu_share, 2),
              "optimizer": settings["optimizer"], "final_learning_rate": settings["final_learning_rate"],
              "clip": settings["clip"], "max_norm": settings["max_norm"],
              "learning_rate": settings["learning_rate"], "seed": a.seed, "threads": a.threads,
              "rounds": a.rounds, "load_average": round(load, 2), "numpy": np.__version__}

    # 4: optional PyTorch comparison at the requested size
    if a.torch:
        try:
            import torch
        except ImportError:
            print("torch: not importable here, comparison skipped (it is optional; see README.md)")
            result["torch"] = None
        else:
            torch.set_num_threads(a.threads)
            lr = settings["learning_rate"]
            model = TorchCharModel(torch, "rnn", V, a.hidden, lr, a.seed)
            ours, theirs = [], []
            for r in range(a.rounds):
                ours.append(batched_round(ids, V, a.hidden, a.batch, a.seq, a.round_seconds,
                                          a.seed, a.threads))
                theirs.append(model.train_round(ids, a.batch, a.seq, a.round_seconds)[0])
            o_med, t_med = statistics.median(ours), statistics.median(theirs)
            print(f"torch {torch.__version__} ({a.threads} thread(s)), hidden {a.hidden}, batch "
                  f"{a.batch}, seq {a.seq}: {t_med:,.0f} chars/s against NumPy {o_med:,.0f} "
                  f"chars/s (medians of {a.rounds} alternating rounds): NumPy/torch = "
                  f"{o_med / t_med:.2f}")
            result["torch"] = {"version": torch.__version__, "threads": a.threads,
                               "torch_chars_per_s": round(t_med), "numpy_chars_per_s": round(o_med),
                               "numpy_over_torch": round(o_med / t_med, 3)}
    if a.json:
        print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
