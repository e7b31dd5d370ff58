"""Interactive controls for the notebooks: notebook 01's softmax temperature explorer, then one
explorer each for notebooks 03 (sampling), 05 (a unit), 06 (attention), 08 (gradient in time).

TemperatureExplorer shows softmax(z / T) for editable logits z and a temperature T on a
log-scale slider (0.01 ... 100): a bar chart of the probabilities and a readout with T, the
entropy (next to its maximum ln K) and a few indices sampled with a fixed seed.

Everything it shows is computed by the pure functions `parse_logits`, `compute` and
`format_readout`, so a test can drive the widget without a browser (set `slider.value`, read
`result`) and a browser test can compute the text it expects on the page.

The explorers of the later notebooks work the same way: each only calls one function of
helpers.explore, keeps its answer in `result` and shows `format(result)` in its readout.

    SamplingExplorer   03  temperature, top-k, top-p, prompt; a sample and one step's bars
    UnitExplorer       05  a unit as coloured text; switching units off, P('\\n') and P(' ') after ':'
    AttentionExplorer  06  a typed name through the plain and the attention model, the attention map
    GradientExplorer   08  recurrent weights scaled, cell chosen; ||dL/dh_(t-k)|| against k
"""
import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .explore import attention_view, gradient_view, sampling_view, unit_view
from .interpret import activation_html
from .plots import heatmap
from .softmax import check_temperature, entropy, sample, softmax
from .threads import blas_threads
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


# ---------------------------------------------------------------- the explorers of 03, 05, 06, 08
# Each shows what one function of helpers.explore computes; `result` holds its last answer and
# `error` the message of the last bad input (or None), so tests drive them without a browser.

def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _lines_html(lines):
    return ('<div style="font-family:monospace; line-height:1.4; white-space:pre">'
            + "<br>".join(html.escape(s) for s in lines) + "</div>")


def _error_html(message):
    return f'<span style="color:#b00020">{html.escape(message)}</span>'


def _show_char(c):
    return repr(c)[1:-1] if c in "\n\t" else c


def _tick(c):
    """A character as a bar's label: a space shows as '␣', a newline as '\\n'."""
    return "\u2423" if c == " " else _show_char(c)


class _Explorer:
    """Shared plumbing: controls observed -> update(); a readout, a picture, a VBox."""
    css = ""

    def _build(self, rows, extra=()):
        self.readout = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="720px"))
        self.readout.add_class(f"{self.css}-readout")
        self.image.add_class(f"{self.css}-image")
        self.widget = widgets.VBox([*rows, *extra, self.readout, self.image])

    def _observe(self, *controls):
        for c in controls:
            c.observe(lambda change: self.update(), names="value")

    def update(self):
        """Recompute from the controls and redraw; returns `result`, or None after bad input."""
        try:
            result = self._compute()
        except ValueError as e:
            self.error = str(e)
            self.readout.value = _error_html(self.error)
            return None
        self.error, self.result = None, result
        self.readout.value = _lines_html(self.format(result).split("\n"))
        self._show(result)
        self.image.value = _png(self._draw(result))
        return result

    def _show(self, result):
        """Anything besides the readout and the picture (a coloured text); none by default."""

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class SamplingExplorer(_Explorer):
    """Notebook 03: a char-RNN continues a prompt; temperature, top-k, top-p and the step whose
    next-character distribution the bars show (helpers.explore.sampling_view).

    Attributes: temperature (FloatLogSlider), k (IntSlider, V = no cut), mass (FloatSlider,
    1 = no cut), prompt (Text, applied as typed), step (IntSlider), text (HTML: the sample, the
    chosen step's character marked), readout, image, widget, result, error.
    """
    css = "sampling"
    BARS = 20          # the most likely characters drawn as bars

    def __init__(self, params, vocab, prompt, temperature=1.0, k=None, mass=1.0, n=200, seed=0,
                 step=0):
        self.params, self.vocab, self.n, self.seed = params, vocab, n, seed
        self.result, self.error, self._cache = None, None, {}
        V = len(vocab)
        self.temperature = widgets.FloatLogSlider(value=temperature, base=10, min=-1, max=1,
                                                  step=0.1, description="τ", readout_format=".3g")
        self.k = widgets.IntSlider(value=V if k is None else k, min=1, max=V, description="top-k")
        self.mass = widgets.FloatSlider(value=mass, min=0.05, max=1.0, step=0.05,
                                        description="top-p", readout_format=".2f")
        self.step = widgets.IntSlider(value=step, min=0, max=n - 1, description="step")
        # boxes apply what is typed at once: no Enter needed (in JupyterLite's JupyterLab a
        # widget's box may not see the Enter key)
        self.prompt = widgets.Text(value=prompt, description="prompt", continuous_update=True,
                                   layout=widgets.Layout(width="520px"))
        self.text = widgets.HTML()
        for name in ("temperature", "k", "mass", "step", "prompt", "text"):
            getattr(self, name).add_class(f"sampling-{name}")
        self._build([widgets.HBox([self.temperature, self.k, self.mass]),
                     widgets.HBox([self.prompt, self.step])], [self.text])
        self._axes()
        self._observe(self.temperature, self.k, self.mass, self.step, self.prompt)
        self.update()

    def _compute(self):
        return sampling_view(self.params, self.vocab, self.prompt.value, self.temperature.value,
                             self.k.value, self.mass.value, self.n, self.seed, self.step.value,
                             cache=self._cache)

    def format(self, r):
        """The readout: the step, the character drawn, what the cut kept, the largest bars."""
        p, kept = r["probs"], r["kept"]
        top = [f"{_show_char(self.vocab.itos[i])!r} {p[i]:.2f}{'' if kept[i] else ' cut'}"
               for i in r["order"][:8]]
        return (f"step {r['step']}: drew {_show_char(r['char'])!r}; kept {int(kept.sum())} of "
                f"{p.size} characters, {p[kept].sum():.0%} of the probability\n" + "  ".join(top))

    def _show(self, r):
        s, text = r["step"], r["text"]
        marked = (html.escape(text[:s]) + '<b style="background:#ffd54f">'
                  + html.escape(text[s]) + "</b>" + html.escape(text[s + 1:]))
        self.text.value = ('<pre style="font-family:monospace; white-space:pre-wrap; margin:0">'
                           f'<span style="color:#888">{html.escape(self.prompt.value)}</span>'
                           f"{marked}</pre>")

    def _axes(self):
        """The bars, built once; an update only moves heights, colours and labels."""
        fig = Figure(figsize=(7.2, 2.6), dpi=90)
        ax = fig.add_subplot()
        n = min(self.BARS, len(self.vocab))
        self._bars = ax.bar(np.arange(n), np.zeros(n), color="tab:orange")
        self._cut = ax.axvline(n - 0.5, color="k", linestyle="--", linewidth=1)
        ax.set_xticks(np.arange(n))
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(0, 1)
        ax.set_ylabel("probability")
        ax.bar([0], [0], color="lightgray", label="cut off")   # legend entries only
        ax.bar([0], [0], color="tab:orange", label="kept")
        ax.legend(loc="upper right")
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.12, top=0.88)
        self._ax, self._fig = ax, fig

    def _draw(self, r):
        shown = r["order"][:len(self._bars)]
        for bar, i in zip(self._bars, shown):
            bar.set_height(r["probs"][i])
            bar.set_color("tab:orange" if r["kept"][i] else "lightgray")
        n_kept = int(r["kept"].sum())
        self._cut.set_xdata([n_kept - 0.5] * 2)
        self._cut.set_visible(n_kept < len(shown))
        self._ax.set_xticklabels([_tick(self.vocab.itos[i]) for i in shown])
        self._ax.set_title(f"step {r['step']}: the {len(shown)} most likely next characters at "
                           f"τ = {self.temperature.value:.3g} (dashed: the cut-off)", fontsize=10)
        return self._fig


class UnitExplorer(_Explorer):
    """Notebook 05: one hidden unit as coloured text over a passage, and a switch that turns a
    set of units off and shows P('\\n') and P(' ') after NAME: and word: colons
    (helpers.explore.unit_view).

    presets: dict label -> unit (units the notebook found); unit_sets: dict label -> units.
    Attributes: unit (BoundedIntText), preset (Dropdown setting `unit`), units_off (Dropdown of
    unit_sets), ablated (Checkbox: the switch), passage_view (HTML), readout, image, widget,
    result, error.
    """
    css = "unit"
    KINDS = (("speaker", "NAME:"), ("midline", "word:"))

    def __init__(self, params, vocab, text, passage, presets, unit_sets, unit=None, ablated=False):
        self.params, self.vocab, self.text, self.passage = params, vocab, text, passage
        self.result, self.error, self._cache = None, None, {}
        H = params["Whh"].shape[0]
        self._presets = [int(u) for u in presets.values()]
        first = self._presets[0]
        self.preset = widgets.Dropdown(options=list(zip(presets, self._presets)), value=first,
                                       description="found", layout=widgets.Layout(width="340px"))
        self.unit = widgets.BoundedIntText(value=first if unit is None else unit, min=0,
                                           max=H - 1, description="unit", continuous_update=True,
                                           layout=widgets.Layout(width="160px"))
        self.units_off = widgets.Dropdown(options=[(k, tuple(int(u) for u in v))
                                                   for k, v in unit_sets.items()],
                                          description="units", layout=widgets.Layout(width="300px"))
        self.ablated = widgets.Checkbox(value=ablated, description="switch them off")
        self.passage_view = widgets.HTML()
        for name in ("preset", "unit", "units_off", "ablated", "passage_view"):
            getattr(self, name).add_class(f"unit-{name.replace('_', '-')}")
        self._build([widgets.HBox([self.unit, self.preset]),
                     widgets.HBox([self.units_off, self.ablated])], [self.passage_view])
        self._axes()
        for units in unit_sets.values():   # the switch then only reads what is cached
            unit_view(params, vocab, text, passage, self.unit.value, units, True, cache=self._cache)
        self.preset.observe(self._from_preset, names="value")
        self.unit.observe(self._to_preset, names="value")
        self._observe(self.unit, self.units_off, self.ablated)
        self.update()

    def _from_preset(self, change):
        if change["new"] is not None:
            self.unit.value = change["new"]

    def _to_preset(self, change):
        """A typed unit shows its preset, or none: choosing a preset then always moves."""
        self.preset.value = change["new"] if change["new"] in self._presets else None

    def _compute(self):
        return unit_view(self.params, self.vocab, self.text, self.passage, self.unit.value,
                         self.units_off.value, self.ablated.value, cache=self._cache)

    def format(self, r):
        """The readout: P('\\n') and P(' ') after each kind of colon, trained and as shown."""
        off = self.units_off.label if self.ablated.value else "none"
        lines = [f"unit {self.unit.value}; switched off: {off}"]
        for kind, name in self.KINDS:
            s, t = r["stats"], r["intact"]
            lines.append(f"after {name:6s} P('\\n') {s['p_newline_' + kind]:.3f} "
                         f"(trained {t['p_newline_' + kind]:.3f})   P(' ') "
                         f"{s['p_space_' + kind]:.3f} (trained {t['p_space_' + kind]:.3f})")
        return "\n".join(lines)

    def _show(self, r):
        a, b = self.passage
        self.passage_view.value = activation_html(
            self.text[a:b], r["acts"], vmax=1, title=f"unit {self.unit.value}: red > 0, blue < 0"
            + (" (switched off: 0 everywhere)" if not np.any(r["acts"]) else ""))

    def _axes(self):
        fig = Figure(figsize=(7.2, 2.4), dpi=90)
        axes = fig.subplots(1, 2, sharey=True)
        self._bars = {}
        for ax, (kind, name) in zip(axes, self.KINDS):
            x = np.arange(2)
            for dx, which, label, color in ((-0.2, "intact", "trained", "gray"),
                                            (0.2, "stats", "as shown", "tab:red")):
                self._bars[kind, which] = ax.bar(x + dx, [0, 0], 0.4, label=label, color=color)
            ax.set_xticks(x, ["P('\\n')", "P(' ')"])
            ax.set_title(f"after {name} colons", fontsize=10)
            ax.set_ylim(0, 1)
        axes[0].set_ylabel("average probability")
        axes[1].legend(loc="upper right")
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.12, top=0.88, wspace=0.08)
        self._fig = fig

    def _draw(self, r):
        for (kind, which), bars in self._bars.items():
            for bar, v in zip(bars, (r[which]["p_newline_" + kind], r[which]["p_space_" + kind])):
                bar.set_height(v)
        return self._fig


class AttentionExplorer(_Explorer):
    """Notebook 06: type a name; the plain and the attention model reverse it side by side, and
    the attention map shows where the decoder looked (helpers.explore.attention_view).

    Attributes: word (Text, applied as typed), readout, image, widget, result, error.
    """
    css = "attention"

    def __init__(self, plain, attention, word="christiane"):
        self.plain, self.attention = plain, attention
        self.result, self.error = None, None
        self.word = widgets.Text(value=word, description="name", continuous_update=True)
        self.word.add_class("attention-word")
        self._build([self.word])
        self._fig = Figure(figsize=(5.2, 4.0), dpi=90)
        self._observe(self.word)
        self.update()

    def _compute(self):
        return attention_view(self.plain, self.attention, self.word.value)

    @staticmethod
    def format(r):
        """The readout: each model's output and whether it is the reversed name."""
        want = r["word"][::-1]
        return "\n".join(f"{name:9s} {r['word']} -> {r[key]} "
                         f"({'right' if r[key] == want else 'wrong, want ' + want})"
                         for name, key in (("plain", "plain"), ("attention", "attention")))

    def _draw(self, r):
        fig = self._fig
        fig.clear()
        ax = fig.add_subplot()
        heatmap(r["weights"], row_labels=list(r["attention"]) + ["E"], col_labels=list(r["word"]),
                ax=ax, annotate=False, vmin=0, vmax=1, colorbar=False,
                title=f"attention: {r['word']} -> {r['attention']}")
        ax.set_xlabel("input letter (encoder state)")
        ax.set_ylabel("letter written")
        fig.subplots_adjust(left=0.12, right=0.97, bottom=0.13, top=0.92)
        return fig


class GradientExplorer(_Explorer):
    """Notebook 08: ||dL/dh_{t-k}|| against k for a chosen cell with its recurrent weights
    scaled (helpers.explore.gradient_view); the trained weights' curve stays as a dashed line.

    models: dict label -> params (cells 'rnn', 'lstm', 'gru'); x (N, T) ids, target (N,).
    Attributes: scale (FloatSlider), cell (Dropdown of the labels), readout, image, widget,
    result, error.
    """
    css = "gradient"
    SHOWN_K = (10, 20, 40)     # steps back printed in the readout (those < T)
    YLIM = (1e-16, 1e4)        # curves beyond leave the picture (explosion, or a vanished gradient)

    def __init__(self, models, x, target, scale=1.0, cell=None):
        self.models, self.x, self.target = models, x, target
        self.result, self.error, self._cache = None, None, {}
        self.cell = widgets.Dropdown(options=list(models), value=cell or next(iter(models)),
                                     description="cell")
        self.scale = widgets.FloatSlider(value=scale, min=0.0, max=3.0, step=0.05,
                                         description="W_hh ×", readout_format=".2f")
        self.cell.add_class("gradient-cell")
        self.scale.add_class("gradient-scale")
        self._build([widgets.HBox([self.cell, self.scale])])
        self._axes()
        self._observe(self.cell, self.scale)
        self.update()

    def _curve(self, label, scale):
        key = (label, round(float(scale), 6))
        if key not in self._cache:
            with blas_threads(1):      # small products: one thread is fastest (helpers.threads)
                self._cache[key] = gradient_view(self.models[label], self.x, self.target, scale)
        return self._cache[key]

    def _compute(self):
        return self._curve(self.cell.value, self.scale.value)

    def format(self, r):
        """The readout: the curve relative to k = 0 at a few distances."""
        m = r["mean"]
        parts = [f"k = {k}: {m[k] / m[0]:.0e}" for k in self.SHOWN_K if k < m.size]
        return (f"{self.cell.value}, recurrent weights x {self.scale.value:.2f}: "
                f"||dL/dh_(t-k)|| / ||dL/dh_t|| at " + ", ".join(parts))

    def _axes(self):
        fig = Figure(figsize=(6.4, 3.2), dpi=90)
        ax = fig.add_subplot()
        (self._trained,) = ax.semilogy([], [], color="gray", linestyle="--", label="trained weights")
        (self._line,) = ax.semilogy([], [], color="tab:blue", label="scaled by the slider")
        ax.set_xlim(0, self.x.shape[1] - 1)
        ax.set_ylim(*self.YLIM)           # fixed, so that moving the slider moves only the line
        decades = np.arange(np.log10(self.YLIM[0]), np.log10(self.YLIM[1]) + 1, 4)
        ax.set_yticks(10.0 ** decades, [f"1e{d:+.0f}" for d in decades])  # plain text: no mathtext
        ax.minorticks_off()
        ax.set_xlabel("k (steps back)")
        ax.set_ylabel("mean ||dL/dh_(t-k)||")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left")
        fig.subplots_adjust(left=0.14, right=0.97, bottom=0.15, top=0.9)
        self._ax, self._fig = ax, fig

    def _draw(self, r):
        for line, m in ((self._trained, self._curve(self.cell.value, 1.0)["mean"]),
                        (self._line, r["mean"])):
            shown = m > 0          # an exact 0 (scale 0) has no place on a log scale
            line.set_data(r["k"][shown], m[shown])
        self._ax.set_title(f"{self.cell.value}, recurrent weights x {self.scale.value:.2f}: "
                           f"the last step's loss, k steps back", fontsize=10)
        return self._fig
