"""scripts/check_snapshots.py: every shipped snapshot has a documented command, and the
comparison tells equal files from files whose weights or settings differ. (The rebuilds
themselves take minutes: run the script, not the tests.)"""
import importlib.util
import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_snapshots", ROOT / "scripts" / "check_snapshots.py")
check_snapshots = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_snapshots)


def test_every_shipped_snapshot_has_a_documented_command():
    commands = check_snapshots.documented_commands()
    assert set(commands) == {p.name for p in (ROOT / "data").glob("*.npz")}
    for name, cmd in commands.items():
        assert cmd.startswith("python scripts/") and f"--out data/{name}" in cmd, cmd
    assert check_snapshots.main(["--list"]) == 0


def save(path, W, meta):
    np.savez(path, W=W, vocab=np.array(["a", "b"]), meta=np.array(json.dumps(meta)))


def test_differences_are_bit_for_bit_in_the_arrays_and_ignore_only_timings(tmp_path):
    W = np.random.default_rng(0).standard_normal((3, 2)).astype(np.float32)
    save(tmp_path / "a.npz", W, {"seed": 2, "training_seconds": 147.0})
    save(tmp_path / "b.npz", W.copy(), {"seed": 2, "training_seconds": 401.5})
    assert check_snapshots.differences(tmp_path / "a.npz", tmp_path / "b.npz") == []
    W2 = W.copy()
    W2[1, 1] = np.nextafter(W2[1, 1], np.float32(np.inf))       # one bit in one weight
    save(tmp_path / "c.npz", W2, {"seed": 2, "training_seconds": 147.0})
    found = check_snapshots.differences(tmp_path / "a.npz", tmp_path / "c.npz")
    assert len(found) == 1 and found[0].startswith("W differs")
    save(tmp_path / "d.npz", W, {"seed": 3, "training_seconds": 147.0})
    assert check_snapshots.differences(tmp_path / "a.npz", tmp_path / "d.npz") == ["meta['seed']: 2 vs 3"]
