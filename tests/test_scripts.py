"""scripts/train_char_rnn.py and scripts/train_seq2seq.py: train, save, and refuse bad input
with `error: ...` and a non-zero status, never a traceback."""
import pathlib
import subprocess
import sys

import pytest

from helpers.seq2seq import Seq2Seq
from helpers.snapshot import load_snapshot

SCRIPTS = pathlib.Path(__file__).resolve().parent.parent / "scripts"


def run(script, *args):
    return subprocess.run([sys.executable, str(SCRIPTS / script), *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_char_rnn_script_trains_and_saves_a_snapshot(tmp_path):
    out = tmp_path / "snap.npz"
    r = run("train_char_rnn.py", "--hidden-size", 8, "--seq-len", 8, "--batch-size", 4,
            "--steps", 3, "--seed", 1, "--out", out, "--quiet")
    assert r.returncode == 0, r.stderr
    params, vocab, meta = load_snapshot(out)
    assert len(vocab) == 63 and params["Whh"].shape == (8, 8)
    assert meta["steps"] == 3 and meta["hidden_size"] == 8 and meta["seq_len"] == 8
    assert meta["cell"] == "rnn" and meta["command"].startswith("python scripts/train_char_rnn.py")
    assert 3.5 < meta["valid_loss"] < 4.2 and "valid_loss" in r.stdout


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_char_rnn_script_trains_a_gated_cell(tmp_path, cell):
    out = tmp_path / "snap.npz"
    r = run("train_char_rnn.py", "--cell", cell, "--hidden-size", 6, "--seq-len", 8,
            "--batch-size", 4, "--steps", 3, "--seed", 1, "--out", out, "--quiet")
    assert r.returncode == 0, r.stderr
    params, vocab, meta = load_snapshot(out)
    blocks = {"lstm": 4, "gru": 3}[cell]
    assert meta["cell"] == cell and params["Wh"].shape == (blocks * 6, 6) and len(vocab) == 63
    assert f"--cell {cell}" in meta["command"] and 3.5 < meta["valid_loss"] < 4.3
    r = run("train_char_rnn.py", "--cell", cell, "--init-scale", 0.1, "--steps", 1, "--out", out)
    assert r.returncode == 1 and "leave scale None" in r.stderr


def test_char_rnn_script_unigram_bias_starts_at_the_unigram_loss(tmp_path):
    """--unigram-bias: after one tiny step the model is far below ln V (the plain start is not)
    and the snapshot says how it started."""
    losses = {}
    for flag in ([], ["--unigram-bias"]):
        out = tmp_path / f"snap{len(flag)}.npz"
        r = run("train_char_rnn.py", "--cell", "lstm", "--hidden-size", 6, "--seq-len", 8,
                "--batch-size", 4, "--steps", 1, "--seed", 1, "--learning-rate", 1e-6,
                "--out", out, "--quiet", *flag)
        assert r.returncode == 0, r.stderr
        meta = load_snapshot(out)[2]
        losses[bool(flag)] = meta["valid_loss"]
        assert meta.get("unigram_bias", False) == bool(flag)
    assert losses[False] > 4.0 and losses[True] < 3.5, losses     # ln 63 = 4.14; unigram 3.3


def test_seq2seq_script_trains_and_saves(tmp_path):
    out = tmp_path / "m.npz"
    r = run("train_seq2seq.py", "--attention", "--hidden-size", 8, "--steps", 2, "--out", out)
    assert r.returncode == 0, r.stderr
    m = Seq2Seq.load(out)
    assert m.attention and m.hidden_size == 8 and [s for s, _ in m.meta["history"]] == [2]
    assert "--attention --hidden-size 8 --steps 2" in m.meta["command"]
    assert "held-out exact match" in r.stdout


@pytest.mark.parametrize("script, args, message", [
    ("train_char_rnn.py", ["--steps", 50, "--learning-rate", 1000, "--hidden-size", 8,
                           "--seq-len", 8, "--batch-size", 4], "diverged"),
    ("train_char_rnn.py", ["--hidden-size", 100000, "--steps", 1], "GiB"),
    ("train_char_rnn.py", ["--hidden-size", 0, "--steps", 1], "hidden_size must be an integer >= 1"),
    ("train_char_rnn.py", ["--seconds", "inf"], "seconds must be a finite number > 0"),
    ("train_char_rnn.py", ["--learning-rate", -0.1, "--steps", 1], "learning_rate must be"),
    ("train_seq2seq.py", ["--steps", 0], "steps must be an integer >= 1"),
    ("train_seq2seq.py", ["--hidden-size", -4], "hidden_size must be an integer >= 1"),
    ("train_seq2seq.py", ["--learning-rate", "nan"], "learning_rate must be a finite number > 0"),
])
def test_bad_settings_give_an_error_line(tmp_path, script, args, message):
    out = tmp_path / "x.npz"
    r = run(script, *args, "--out", out)
    assert r.returncode == 1 and r.stderr.startswith("error: ") and message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and not out.exists()


@pytest.mark.parametrize("script", ["train_char_rnn.py", "train_seq2seq.py"])
def test_output_path_is_checked_before_training(tmp_path, script):
    for out, message in ((tmp_path / "no" / "such" / "dir.npz", "does not exist"),
                         (tmp_path, "must end in .npz"), (tmp_path / "m.txt", "must end in .npz")):
        r = run(script, "--steps", 1000000, "--out", out)     # would train for hours
        assert r.returncode == 1 and message in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("script", ["train_char_rnn.py", "train_seq2seq.py"])
def test_unknown_flags_get_argparse_errors_not_tracebacks(script):
    r = run(script, "--hidden-size", "many", "--out", "x.npz")
    assert r.returncode == 2 and "error:" in r.stderr and "Traceback" not in r.stderr


def load_script(name):
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_absurd_runs_are_announced_before_they_start(capsys):
    """Huge finite budgets are allowed, but the scripts say how long they would take."""
    script = load_script("train_char_rnn")
    shipped = script.parse_args(["--hidden-size", "250", "--epochs", "20", "--out", "m.npz"])
    chars, params, seconds = script.estimate(shipped, 1_028_000, 63)
    assert params == 94_313 and chars == 20 * 1_028_000 and 100 < seconds < 200  # measured 147
    assert script.announce_if_long(shipped, 1_028_000, 63) < script.A_DAY
    huge = script.parse_args(["--steps", str(10 ** 9), "--out", "m.npz"])
    assert script.announce_if_long(huge, 1_028_000, 63) > script.A_DAY
    assert "hours on one core" in capsys.readouterr().err
    s2s = load_script("train_seq2seq")
    assert s2s.announce_if_long(s2s.parse_args(["--out", "m.npz"])) < 100     # measured 82 s
    assert s2s.announce_if_long(s2s.parse_args(["--steps", str(10 ** 8), "--out", "m.npz"])) > s2s.A_DAY
    assert "hours on one core" in capsys.readouterr().err
