"""What every trainer of the course shares: the budget, the one logging hook, a progress line.

The trainer contract (char_rnn.train, char_rnn.classic_train, binary.train, seq2seq.train,
names.train):

    steps, seconds      the budget: stop after this many updates or this much training time
                        (finite and > 0; give at least one where the trainer says so)
    learning_rate, final_learning_rate
                        the rate falls from one to the other (values, not factors) along
                        helpers.optim.scheduled_learning_rate
    seed, batch_size, seq_len, hidden_size
                        the same names everywhere
    log, log_every      log(record) is called every log_every steps and once at the end;
                        record is a dict with at least 'step' and 'loss' (the mean loss since
                        the last record). log=True shows a progress line, log=print prints one
                        line per record, None logs nothing.
    divergence          a NaN or infinite loss raises helpers.optim.TrainingDiverged
"""
import sys
import time

import numpy as np

from .validate import check_int, check_optional, check_positive


def check_budget(steps, seconds, required=True):
    """-> (steps, seconds): an int >= 1 or None, a finite number > 0 or None.

    required: at least one must be given (inf is refused: it would never return).
    """
    steps = check_optional(check_int, steps, "steps", minimum=1)
    seconds = check_optional(check_positive, seconds, "seconds")
    if required and steps is None and seconds is None:
        raise ValueError("give a budget: steps=... (an integer >= 1) or seconds=... (finite, > 0)")
    return steps, seconds


class Budget:
    """Counts training time (only inside `with budget.timing():`, not evaluation) and steps."""

    def __init__(self, steps=None, seconds=None):
        self.steps, self.seconds = steps, seconds
        self.step, self.elapsed = 0, 0.0

    def fraction(self):
        """How far training is through its budget, 0..1 (the budget nearest its end counts)."""
        f = 0.0 if self.steps is None else self.step / self.steps
        return min(1.0, max(f, 0.0 if self.seconds is None else self.elapsed / self.seconds))

    def done(self):
        return ((self.steps is not None and self.step >= self.steps)
                or (self.seconds is not None and self.elapsed >= self.seconds))

    def tick(self, t0):
        """One update finished; it started at time.perf_counter() == t0."""
        self.step += 1
        self.elapsed += time.perf_counter() - t0


def make_log(log, log_every):
    """-> (callable(record) or None, log_every): True gives a ProgressLine."""
    log_every = check_int(log_every, "log_every", minimum=1)
    if log is True:
        return ProgressLine(), log_every
    if log is None or log is False:
        return None, log_every
    if not callable(log):
        raise ValueError(f"log must be None, True (a progress line) or a callable(record), "
                         f"got {log!r}")
    return log, log_every


def format_record(record):
    """'step    200  loss 0.9789  ...': ints as they are, floats with 4 decimals, seconds with 1."""
    parts = [f"step {record['step']:6d}"]
    for k, v in record.items():
        if k == "step" or isinstance(v, np.ndarray):
            continue
        if k == "seconds":
            parts.append(f"{v:.1f} s")
        else:
            parts.append(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}")
    return "  ".join(parts)


def print_record(record):
    """log=print_record: one printed line per record."""
    print(format_record(record), flush=True)


class ProgressLine:
    """A single, throttled line that is updated in place: in a notebook a display handle, in a
    terminal a carriage return (a new line every 10 s if stderr is not a terminal)."""

    def __init__(self, every=0.5):
        self.every, self.last, self.handle = every, -np.inf, None
        self.notebook = _in_notebook()
        self.tty = sys.stderr.isatty()
        if not self.notebook and not self.tty:
            self.every = max(every, 10.0)

    def __call__(self, record, final=False):
        now = time.perf_counter()
        if not final and now - self.last < self.every:
            return
        self.last = now
        if self.notebook and final:
            # The line that stays in a saved notebook leaves out the time: it differs every run.
            record = {k: v for k, v in record.items() if k != "seconds"}
        line = format_record(record)
        if self.notebook:
            from IPython.display import display
            if self.handle is None:
                self.handle = display({"text/plain": line}, raw=True, display_id=True)
            else:
                self.handle.update({"text/plain": line}, raw=True)
        elif self.tty:
            sys.stderr.write("\r" + line.ljust(100) + ("\n" if final else ""))
            sys.stderr.flush()
        else:
            print(line, file=sys.stderr, flush=True)


def emit(log, record, final=False):
    """Hand a record to the log (a ProgressLine is told when it is the last one)."""
    if log is None:
        return
    if isinstance(log, ProgressLine):
        log(record, final=final)
    else:
        log(record)


def _in_notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"
