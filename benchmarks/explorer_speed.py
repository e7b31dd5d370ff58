"""How long one move of a control takes in each explorer (helpers.widgets), compute and redraw.

    python benchmarks/explorer_speed.py [--rounds 5]

Builds the four explorers as notebooks 03, 05, 06 and 08 do (the shipped models; for 08 the
recall models' shapes, H = 32, untrained: the same work), then moves every control to a new
value and back, round after round, and prints the median and the slowest move per control.
A move to a value seen before is answered from the explorer's cache; the figures count both.
The target: every move well under half a second on a 2-core laptop. Prints the machine load.
"""
import argparse
import os
import time

import numpy as np

from helpers import recall
from helpers import seq2seq as s2s
from helpers.cells import get_cell
from helpers.snapshot import load_snapshot
from helpers.text import data_path, load_text
from helpers.widgets import AttentionExplorer, GradientExplorer, SamplingExplorer, UnitExplorer


def explorers():
    params, vocab, _ = load_snapshot(data_path("char_rnn_shakespeare.npz"))
    macbeth = load_text("shakespeare", "valid.txt")
    t0 = time.perf_counter()
    units = UnitExplorer(params, vocab, macbeth, (5000, 5600), {"97": 97, "92": 92},
                         {"five": [67, 145, 92, 17, 158], "three": [1, 2, 3]})
    print(f"UnitExplorer over all of Macbeth: built in {time.perf_counter() - t0:.2f} s "
          f"(the colon statistics of every unit set, computed once)")
    models = [s2s.Seq2Seq.load(data_path(f"seq2seq_{m}.npz"), dtype=np.float32)
              for m in ("plain", "attention")]
    x, y, _ = recall.make_batch(200, 42, np.random.default_rng(2))
    V = len(recall.vocabulary())
    return {
        "03 sampling": (SamplingExplorer(params, vocab, "MACBETH:\nSo foul and fair a day ", n=200),
                        [("temperature", 0.5, 1.0), ("k", 5, 63), ("mass", 0.5, 1.0),
                         ("step", 50, 0), ("prompt", "ROMEO:\n", "MACBETH:\nSo foul and fair a day ")]),
        "05 unit": (units, [("unit", 5, 97), ("ablated", True, False),
                            ("units_off", (1, 2, 3), (67, 145, 92, 17, 158))]),
        "06 attention": (AttentionExplorer(*models), [("word", "mckinley", "christiane")]),
        "08 gradient": (GradientExplorer({n: get_cell(n).init_params(V, 32, seed=0)
                                          for n in ("rnn", "lstm", "gru")}, x, y[:, -1]),
                        [("scale", 0.5, 1.0), ("cell", "lstm", "rnn")]),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="moves there and back per control")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for name, (explorer, moves) in explorers().items():
        for control, there, back in moves:
            widget, times = getattr(explorer, control), []
            for _ in range(args.rounds):
                for value in (there, back):
                    t = time.perf_counter()
                    widget.value = value
                    times.append(time.perf_counter() - t)
                    assert explorer.error is None, explorer.error
            print(f"{name:13s} {control:12s} median {np.median(times) * 1e3:6.0f} ms   "
                  f"slowest {max(times) * 1e3:6.0f} ms   (first move {times[0] * 1e3:.0f} ms)")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
