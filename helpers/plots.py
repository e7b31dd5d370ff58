"""The course's recurring pictures: loss curves against a baseline, and labelled heatmaps."""
import matplotlib.pyplot as plt
import numpy as np


def plot_losses(curves, baseline=None, baseline_label="uniform guess ln(V)", ax=None,
                xlabel="step", ylabel="loss (nats per character)", title=None):
    """Plot named loss curves on one axis.

    curves: dict label -> (x, y) or label -> y (x is then 0, 1, 2, ...)
    baseline: a horizontal reference line, e.g. np.log(V) for a uniform guess.
    Returns the axis.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    for label, c in curves.items():
        x, y = c if isinstance(c, tuple) else (np.arange(len(c)), c)
        ax.plot(x, y, label=label)
    if baseline is not None:
        ax.axhline(baseline, color="gray", linestyle="--", linewidth=1, label=baseline_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def heatmap(matrix, row_labels=None, col_labels=None, ax=None, title=None, cmap="viridis",
            annotate=True, fmt="{:.2f}", vmin=None, vmax=None, colorbar=True):
    """Show a 2-D array as a labelled heatmap, optionally with each value written in its cell."""
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2:
        raise ValueError(f"heatmap needs a 2-D array, got shape {m.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.6 * m.shape[1] + 2, 0.45 * m.shape[0] + 1.5))
    im = ax.imshow(m, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    if row_labels is not None:
        ax.set_yticks(range(m.shape[0]), [repr(s)[1:-1] if isinstance(s, str) else s for s in row_labels])
    if col_labels is not None:
        ax.set_xticks(range(m.shape[1]), [repr(s)[1:-1] if isinstance(s, str) else s for s in col_labels])
    if annotate and m.size <= 400:
        mid = (np.nanmax(m) + np.nanmin(m)) / 2
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                    color="black" if v > mid else "white")
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    if title:
        ax.set_title(title)
    return ax
