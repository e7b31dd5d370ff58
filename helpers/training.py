"""The trainer contract: what every trainer of the course shares, and the helpers it uses.

Every trainer (char_rnn.train, char_rnn.classic_train, binary.train, names.train,
seq2seq.train, recall.train) follows it:

    params              the parameters are given and updated in place (a dict of arrays, or a
                        model object that holds one)
    steps, seconds      the budget: stop after this many updates or this much training time
                        (validation not counted); at least one, steps an int >= 1, seconds
                        finite and > 0 (check_budget, Budget)
    seed                a required keyword argument, an int >= 0 (not a bool): every random draw
                        of the run comes from make_rng(seed), so the same seed repeats the run
    dtype               a trainer computes in the dtype of the parameters it is given; code that
                        creates parameters takes dtype=, float64 unless it documents float32
                        for speed (the shipped char-RNN and seq2seq snapshots)
    learning_rate, final_learning_rate, schedule
                        the rate of every update is optim.scheduled_learning_rate(learning_rate,
                        fraction of the budget done, final_learning_rate, schedule), schedule
                        'cosine', 'linear' or 'constant' (values, not factors)
    clip, max_norm      clip: every gradient entry clipped to [-clip, clip] (by value, as
                        min-char-rnn); max_norm: all gradients scaled together to a global norm
                        of at most max_norm; None switches either off (clip_gradients)
    max_loss            the one divergence rule (check_divergence): a step whose loss is not
                        finite or is above max_loss raises helpers.optim.TrainingDiverged naming
                        the step; max_loss None means 3 times the loss of a uniform guess
    log, log_every      every log_every steps and after the last one a record is made, added to
                        the history and handed to log(record): log=True shows a progress line,
                        log=print_record prints one line per record, None logs nothing
    threads             BLAS threads while training, through helpers.threads.blas_threads
                        (default 1: small products gain nothing from more; None leaves BLAS alone)

and returns its history: a History, a list of records (Recorder makes them), each a dict with

    'step'              updates done so far
    'loss'              the mean training loss of the steps since the previous record (not a
                        moving average)
    'learning_rate'     the rate of the last of those updates
    'seconds'           training time so far
    'valid_loss'        the validation loss, where the trainer validates at that record

and counts a trainer adds ('chars', 'names'). history.column('step', 'loss') gives arrays to plot.
A trainer's loop shows the maths, one line each: forward and loss, backward, clip, update.
"""
import sys
import time

import numpy as np

from .optim import TrainingDiverged, clip_by_global_norm, clip_by_value
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


def make_rng(seed):
    """The run's one source of randomness: np.random.default_rng(seed), seed an int >= 0."""
    return np.random.default_rng(check_int(seed, "seed", minimum=0))


def check_clipping(clip, max_norm):
    """-> (clip, max_norm), each None or a finite number > 0."""
    return (check_optional(check_positive, clip, "clip"),
            check_optional(check_positive, max_norm, "max_norm"))


def clip_gradients(grads, clip=None, max_norm=None):
    """Clip in place: every entry to [-clip, clip], then all together to a global norm of at
    most max_norm (None: that one is off). -> the global norm before its clipping, or None."""
    if clip is not None:
        clip_by_value(grads, clip)
    return None if max_norm is None else clip_by_global_norm(grads, max_norm)


def check_max_loss(max_loss, guess_loss):
    """-> the divergence bound: max_loss (finite, > 0), or 3 times the loss of a uniform guess."""
    if max_loss is None:
        return 3 * float(guess_loss)
    return check_positive(max_loss, "max_loss")


def check_divergence(loss, step, learning_rate, max_loss):
    """The one divergence rule: raise TrainingDiverged if the loss of this step is not finite
    or is above max_loss (a trainer's bound, see check_max_loss)."""
    if not np.isfinite(loss):
        what = f"the loss is {loss}"
    elif loss > max_loss:
        what = f"the loss is {loss:.4g}, above max_loss = {max_loss:.4g}"
    else:
        return
    raise TrainingDiverged(f"training diverged at step {step}: {what}; use a lower learning rate "
                           f"than {learning_rate:g} or clip the gradients harder")


class History(list):
    """The history of a run: a list of record dicts (see the module docstring)."""

    def column(self, *keys):
        """The values of `keys` in the records that have them all, as arrays.

        history.column('loss') -> one array; history.column('step', 'valid_loss') -> two."""
        rows = [r for r in self if all(k in r for k in keys)]
        columns = tuple(np.array([r[k] for r in rows]) for k in keys)
        return columns[0] if len(keys) == 1 else columns


class Recorder:
    """Makes the records of one run: sums the losses since the last record, and every
    log_every steps of the budget (and after the last one) turns them into a record, which it
    adds to .history and hands to the log.

        recorder = Recorder(budget, log, log_every)
        ... after each update:  budget.tick(t0); recorder.add(loss)
                                if recorder.due(): recorder.record(learning_rate, valid_loss=...)
    """

    def __init__(self, budget, log=None, log_every=100):
        self.budget = budget
        self.log, self.log_every = make_log(log, log_every)
        self.history = History()
        self.total, self.count = 0.0, 0

    def add(self, loss):
        self.total += float(loss)
        self.count += 1

    def due(self):
        """Is a record due after the step just counted (every log_every steps, and the last)?"""
        return self.budget.step % self.log_every == 0 or self.budget.done()

    def record(self, learning_rate, **extra):
        """-> the new record: step, the mean loss since the last record, learning_rate, seconds,
        and the extra items (e.g. valid_loss=...)."""
        if self.count == 0:
            raise ValueError("no step was counted since the last record: call add(loss) first")
        rec = {"step": self.budget.step, "loss": self.total / self.count,
               "learning_rate": float(learning_rate), "seconds": self.budget.elapsed, **extra}
        self.total, self.count = 0.0, 0
        self.history.append(rec)
        emit(self.log, rec, final=self.budget.done())
        return rec


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
