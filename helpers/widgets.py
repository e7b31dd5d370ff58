"""Interactive controls for the notebooks: the softmax temperature explorer.

TemperatureExplorer shows softmax(z / T) for editable logits z and a temperature T on a
log-scale slider (0.01 ... 100): a bar chart of the probabilities and a readout with T, the
entropy (next to its maximum ln K) and a few indices sampled with a fixed seed.

Everything it shows is computed by the pure functions `parse_logits`, `compute` and
`format_readout`, so a test can drive the widget without a browser (set `slider.value`, read
`result`) and a browser test can compute the text it expects on the page.
"""
import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .softmax import check_temperature, entropy, sample, softmax
from .validate import check_array

T_MIN, T_MAX = 0.01, 100.0  # slider range (log scale)
T_STEP = 0.1                # slider step in log10(T): one arrow key multiplies T by 10**0.1
MAX_LOGITS = 50             # more bars than this are unreadable
SHOW_PROBS_UP_TO = 10       # the readout lists the probabilities for K up to this


def parse_logits(text):
    """Comma-separated numbers '1, 2, 3' -> float64 array of shape (K,), 1 <= K <= MAX_LOGITS.

    Raises ValueError naming the piece that is not a finite number.
    """
    pieces = [s.strip() for s in str(text).split(",")]
    pieces = [s for s in pieces if s]  # tolerate a trailing comma or ', ,'
    if not pieces:
        raise ValueError("no logits given: type comma-separated numbers such as 1, 2, 3")
    if len(pieces) > MAX_LOGITS:
        raise ValueError(f"too many logits ({len(pieces)}): at most {MAX_LOGITS} are allowed")
    values = []
    for s in pieces:
        try:
            v = float(s)
        except ValueError:
            raise ValueError(f"could not read {s!r} as a number: type comma-separated numbers "
                             "such as 1, 2, 3") from None
        if not np.isfinite(v):
            raise ValueError(f"logit {s!r} is not finite: logits must be real numbers")
        values.append(v)
    return np.array(values, dtype=np.float64)


def compute(logits, temperature, seed=0, n_samples=10):
    """What the explorer shows for logits z (K,) at temperature T.

    Returns a dict: temperature (float), probs = softmax(z / T) (K,), entropy (nats),
    max_entropy = ln K, samples (n_samples,) int indices drawn from probs with a fresh
    np.random.default_rng(seed), so the same (z, T, seed) always shows the same samples.
    """
    t = check_temperature(temperature)
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"logits must be a non-empty 1-D list of numbers, got shape {z.shape}")
    p = softmax(z, temperature=t)
    return {
        "temperature": t,
        "probs": p,
        "entropy": float(entropy(p)),
        "max_entropy": float(np.log(z.size)),
        "samples": sample(p, np.random.default_rng(seed), size=n_samples),
        "seed": seed,
    }


def format_temperature(t):
    """T with 3 significant digits, as the slider shows it (2.00, 0.0100, 100)."""
    return f"{t:#.3g}".rstrip(".")


def format_readout(result):
    """The readout's text (lines joined by newlines) for a `compute` result."""
    p, k = result["probs"], result["probs"].size
    lines = [
        f"T = {format_temperature(result['temperature'])}",
        f"entropy H = {result['entropy']:.4f} nats (uniform: ln {k} = {result['max_entropy']:.4f})",
    ]
    if k <= SHOW_PROBS_UP_TO:
        lines.append("p = " + " ".join(f"{v:.3f}" for v in p))
    samples = " ".join(str(i) for i in result["samples"])
    lines.append(f"{len(result['samples'])} samples (seed {result['seed']}): {samples}")
    return "\n".join(lines)


class TemperatureExplorer:
    """A log-scale slider over T, a text box of logits, a readout and a bar chart.

    explorer = TemperatureExplorer([1.0, 2.0, 3.0], temperature=1.0, seed=0)
    explorer                       # in a notebook: shows the controls
    explorer.slider.value = 0.2    # what moving the slider does; explorer.result is updated
    explorer.result['probs']       # softmax([1, 2, 3] / 0.2)

    Attributes: slider (FloatLogSlider over T), logits_box (Text), readout (HTML),
    image (Image, PNG of the bars), widget (the VBox holding them), result (the last
    `compute` dict), error (message of the last bad input, or None).
    """

    def __init__(self, logits=(1.0, 2.0, 3.0), temperature=1.0, seed=0, n_samples=10):
        t = check_temperature(temperature)
        if not T_MIN <= t <= T_MAX:
            raise ValueError(f"temperature must be between {T_MIN} and {T_MAX} for the slider, "
                             f"got {temperature!r}")
        # 1-D only: a 2-D array would be flattened into one row of bars without a word
        z = check_array(logits, "logits", ndim=1, dtype=np.float64)
        text = ", ".join(f"{v:.15g}" for v in z)
        parse_logits(text)  # the same checks as for typed logits
        self.seed, self.n_samples = seed, n_samples
        self.result, self.error = None, None

        self.slider = widgets.FloatLogSlider(
            value=t, base=10, min=np.log10(T_MIN), max=np.log10(T_MAX), step=T_STEP,
            description="T", readout_format=".3g", continuous_update=True,
            layout=widgets.Layout(width="420px"))
        # Applied on Enter or when the box loses focus, not on every keystroke.
        self.logits_box = widgets.Text(
            value=text, description="logits z",
            continuous_update=False, layout=widgets.Layout(width="320px"))
        self.readout = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="600px"))
        self.slider.add_class("temperature-slider")
        self.logits_box.add_class("temperature-logits")
        self.readout.add_class("temperature-readout")
        self.widget = widgets.VBox([widgets.HBox([self.slider, self.logits_box]),
                                    self.readout, self.image])

        self._fig = Figure(figsize=(6.0, 2.4), dpi=120)  # not pyplot: never shown twice
        self._ax = self._fig.add_subplot()
        self._bars, self._labels, self._k = None, [], 0

        self.slider.observe(lambda change: self.update(), names="value")
        self.logits_box.observe(lambda change: self.update(), names="value")
        self.update()

    def update(self):
        """Recompute from the widgets' current values and redraw; returns `result` or None."""
        try:
            z = parse_logits(self.logits_box.value)
        except ValueError as e:
            self.error = str(e)
            self.readout.value = ('<span style="color:#b00020">Cannot use these logits: '
                                  f"{html.escape(self.error)}</span>")
            return None
        self.error = None
        self.result = compute(z, self.slider.value, self.seed, self.n_samples)
        lines = format_readout(self.result).split("\n")
        self.readout.value = ('<div style="font-family:monospace; line-height:1.4">'
                              + "<br>".join(html.escape(s) for s in lines) + "</div>")
        self._draw(self.result)
        return self.result

    def _draw(self, r):
        p, ax = r["probs"], self._ax
        if p.size != self._k:  # new number of logits: rebuild the axes
            ax.clear()
            self._k = p.size
            self._bars = ax.bar(np.arange(p.size), p, color="tab:blue")
            ax.axhline(1 / p.size, color="gray", linestyle="--", linewidth=1)  # uniform 1/K
            ax.set_ylim(0, 1.12)
            ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
            ax.set_xticks(np.arange(p.size) if p.size <= 20 else np.arange(0, p.size, 5))
            ax.set_xlabel("index $i$")
            ax.set_ylabel("$p_i$")
            self._labels = ([ax.text(i, 0, "", ha="center", va="bottom", fontsize=8)
                             for i in range(p.size)] if p.size <= SHOW_PROBS_UP_TO else [])
            ax.set_title(" ", fontsize=10)  # room for the title set below
            self._fig.tight_layout()
        for bar, label, v in zip(self._bars, self._labels or [None] * p.size, p):
            bar.set_height(v)  # only the heights change as T moves: a cheap redraw
            if label is not None:
                label.set_y(v + 0.01)
                label.set_text(f"{v:.2f}")
        ax.set_title(f"softmax(z / T) at T = {format_temperature(r['temperature'])}, "
                     f"H = {r['entropy']:.3f} nats (dashed: uniform 1/K)", fontsize=10)
        buf = io.BytesIO()
        self._fig.savefig(buf, format="png")
        self.image.value = buf.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
