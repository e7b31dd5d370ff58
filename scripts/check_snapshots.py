"""Rebuild every shipped snapshot with the command data/README.md documents for it, into a
temporary folder, and compare it with the file in data/ bit for bit.

    python scripts/check_snapshots.py                 # every snapshot (10 to 15 minutes on 2 cores)
    python scripts/check_snapshots.py char_rnn_shakespeare.npz seq2seq_plain.npz
    python scripts/check_snapshots.py --list          # the commands, nothing run
    python scripts/check_snapshots.py --rebuild       # write the rebuilt files over data/

The commands are read from data/README.md (a line `python scripts/... --out data/NAME.npz`),
so the check runs what a reader would run. Every array (weights, vocabulary) must be equal bit
for bit; in `meta` (settings, losses, timings) only what the run cannot repeat may differ:
timings, speeds and versions. Exit status 0: all equal; 1: some differ (each is named).
"""
import argparse
import json
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
COMMAND = re.compile(r"^(python scripts/\S+\.py .*--out data/(\S+\.npz).*)$", re.MULTILINE)
# meta entries that differ from run to run (wall clock, speed, the software that ran it)
UNREPEATABLE = {"training_seconds", "train_seconds", "chars_per_s", "seconds", "numpy", "python"}


def documented_commands():
    """-> {snapshot file name: its command} from data/README.md."""
    text = (DATA / "README.md").read_text(encoding="utf-8")
    return {name: cmd for cmd, name in COMMAND.findall(text)}


def rebuild(command, name, folder):
    """Run the documented command, as written, in `folder` (its --out data/NAME lands in
    folder/data/, and the command the snapshot records is the documented one). -> the new file."""
    (folder / "data").mkdir(exist_ok=True)
    args = shlex.split(command)
    subprocess.run([sys.executable, str(ROOT / args[1]), *args[2:]], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    return folder / "data" / name


def differences(shipped, rebuilt):
    """-> a list of what differs between two snapshot files (empty: the same)."""
    with np.load(shipped, allow_pickle=False) as a, np.load(rebuilt, allow_pickle=False) as b:
        if set(a.files) != set(b.files):
            return [f"arrays {sorted(a.files)} vs {sorted(b.files)}"]
        found = []
        for k in sorted(a.files):
            if k == "meta":
                continue
            x, y = a[k], b[k]
            if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
                diff = (f"max |difference| {np.abs(x.astype(float) - y.astype(float)).max():.3g}"
                        if x.shape == y.shape and x.dtype.kind == "f" else f"{x.dtype} {x.shape} vs "
                        f"{y.dtype} {y.shape}")
                found.append(f"{k} differs ({diff})")
        ma, mb = json.loads(str(a["meta"])), json.loads(str(b["meta"]))
        for k in sorted(set(ma) | set(mb)):
            if k not in UNREPEATABLE and ma.get(k) != mb.get(k):
                found.append(f"meta[{k!r}]: {str(ma.get(k))[:60]} vs {str(mb.get(k))[:60]}")
        return found


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="snapshot files in data/ (default: every one)")
    ap.add_argument("--list", action="store_true", help="print the commands only")
    ap.add_argument("--rebuild", action="store_true", help="write the rebuilt files over data/")
    a = ap.parse_args(argv)
    commands = documented_commands()
    names = a.names or sorted(commands)
    unknown = [n for n in names if n not in commands]
    undocumented = sorted(p.name for p in DATA.glob("*.npz") if p.name not in commands)
    if unknown or undocumented:
        print(f"error: no command in data/README.md for {unknown or undocumented}", file=sys.stderr)
        return 1
    if a.list:
        print("\n".join(commands[n] for n in names))
        return 0
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            print(f"{name}: {commands[name]}", flush=True)
            new = rebuild(commands[name], name, pathlib.Path(tmp))
            if a.rebuild:
                shutil.copyfile(new, DATA / name)
                print("  rebuilt in data/")
                continue
            found = differences(DATA / name, new)
            print("  bit for bit the same" if not found else "  DIFFERS: " + "; ".join(found),
                  flush=True)
            failed += [name] if found else []
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
