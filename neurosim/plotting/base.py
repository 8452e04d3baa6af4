"""What every neurosim figure shares: the teaching-toy label, colours, saving, helpers.

:func:`add_teaching_label` puts :data:`neurosim.TEACHING_LABEL` on a figure (once);
:func:`save_figure` saves a figure with it, atomically. :data:`PALETTE` is the
colour-blind-safe Okabe–Ito palette every figure draws with. :func:`display_trace` reduces a
long per-step trace for drawing without losing its peaks. The private helpers (a new Axes,
labelling an Axes' figure, checking ``axes=`` arguments, one colour per compared case) are
used by the other plotting modules.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
from matplotlib.figure import Figure, SubFigure

from .. import TEACHING_LABEL
from .._atomic import atomic_open
from ..result import SimulationResult

__all__ = ["PALETTE", "add_teaching_label", "display_trace", "save_figure", "DISPLAY_POINTS"]

PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
"""Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008), name -> hex colour."""


_LABEL_ATTR = "_neurosim_teaching_label"
_LABEL_FONTSIZE = 9.0  # points: legible on a projector and in print
_LABEL_COLOUR = "#555555"  # 7.5:1 contrast on white (WCAG AA asks 4.5:1 for text)
_LABEL_STRIP_IN = 0.26  # height reserved for the label under a laid-out figure (inches)
_TIME_LABEL = "time (s)"
_SET_COLOURS = ("blue", "vermillion", "bluish_green", "reddish_purple", "orange", "sky_blue",
                "black")  # one per compared run / parameter set, in order


# --------------------------------------------------------------------- helpers
def _root_figure(fig):
    """The top-level Figure of a Figure or SubFigure."""
    while getattr(fig, "figure", fig) is not fig and fig.figure is not None:
        fig = fig.figure
    return fig


def _new_axes(figsize=(8.0, 3.0)):
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _finish(ax):
    """Label the Axes' figure and return the Axes."""
    add_teaching_label(ax.figure)
    return ax


DISPLAY_POINTS = 8000
"""Per-step traces longer than this are reduced for display (see :func:`display_trace`)."""


def display_trace(time_s: np.ndarray, values: np.ndarray, max_points: int = DISPLAY_POINTS
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Reduce a long trace for drawing, keeping every peak and trough.

    The trace is cut into ``max_points // 2`` equal bins and each bin is replaced by
    its minimum and its maximum, in time order, so spikes and endplate potentials keep
    their full height however long the run (a screen cannot show more points anyway).

    Parameters
    ----------
    time_s, values : numpy.ndarray, shape (n,)
    max_points : int
        Largest number of points returned (≥ 4).

    Returns
    -------
    time_s, values : numpy.ndarray, shape (m,), m ≤ max(n, max_points)
        Unchanged when ``n <= max_points``.
    """
    n = values.shape[0]
    if n <= max_points:
        return time_s, values
    n_bins = max(2, max_points // 2)
    per_bin = n // n_bins
    used = per_bin * n_bins
    v = values[:used].reshape(n_bins, per_bin)
    t = time_s[:used].reshape(n_bins, per_bin)
    i_min, i_max = v.argmin(axis=1), v.argmax(axis=1)
    first = np.minimum(i_min, i_max)
    second = np.maximum(i_min, i_max)
    rows = np.arange(n_bins)
    out_t = np.column_stack([t[rows, first], t[rows, second]]).ravel()
    out_v = np.column_stack([v[rows, first], v[rows, second]]).ravel()
    return np.concatenate([out_t, time_s[used:]]), np.concatenate([out_v, values[used:]])


def _xlim(ax, result: SimulationResult):
    ax.set_xlim(0.0, float(result.duration_s))


# --------------------------------------------------------------------- label
def add_teaching_label(fig: Figure | SubFigure) -> matplotlib.text.Text:
    """Put :data:`neurosim.TEACHING_LABEL` at the bottom right of a figure, once.

    Calling it again on the same figure returns the existing label instead of
    adding a second one. If the figure uses constrained or tight layout, a strip
    of about 0.22 in is reserved at the bottom so the label does not overlap the
    axes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure or SubFigure
        The figure (a sub-figure's top-level figure is labelled). An Axes is
        accepted too and its figure labelled.

    Returns
    -------
    matplotlib.text.Text
        The label artist (9 pt, dark grey, in figure coordinates; below the axes, so it
        hides no data).
    """
    if isinstance(fig, matplotlib.axes.Axes):
        fig = fig.figure
    fig = _root_figure(fig)
    existing = getattr(fig, _LABEL_ATTR, None)
    if existing is not None and existing in fig.texts:
        return existing
    for text in fig.texts:
        if text.get_text() == TEACHING_LABEL:
            setattr(fig, _LABEL_ATTR, text)
            return text
    text = fig.text(0.995, 0.005, TEACHING_LABEL, ha="right", va="bottom",
                    fontsize=_LABEL_FONTSIZE, color=_LABEL_COLOUR, gid="teaching_label")
    setattr(fig, _LABEL_ATTR, text)
    engine = fig.get_layout_engine()
    if isinstance(engine, (ConstrainedLayoutEngine, TightLayoutEngine)):
        bottom = min(0.2, _LABEL_STRIP_IN / max(fig.get_figheight(), 1e-6))
        engine.set(rect=(0.0, bottom, 1.0, 1.0 - bottom))
    return text


def _check_axes(axes, shape, name):
    arr = np.asarray(axes, dtype=object)
    if arr.size != int(np.prod(shape)):
        raise ValueError(f"{name} needs {int(np.prod(shape))} Axes, got {arr.size}")
    return arr.reshape(shape)


def _set_colour(i: int) -> str:
    return PALETTE[_SET_COLOURS[i % len(_SET_COLOURS)]]


def _as_list(items, name):
    if isinstance(items, SimulationResult):
        return [items]
    items = list(items)
    if not items:
        raise ValueError(f"{name} needs at least one entry")
    return items


def _set_labels(labels, n, default):
    if labels is None:
        return list(default)
    labels = [str(x) for x in labels]
    if len(labels) != n:
        raise ValueError(f"labels needs {n} entries, got {len(labels)}")
    return labels


def save_figure(fig: Figure | SubFigure, path: str | os.PathLike[str], *, dpi: float = 120
                ) -> Path:
    """Save a figure with its teaching label.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or os.PathLike
        Output file; the format follows the suffix (``.png``, ``.pdf``, ``.svg`` …).
        Missing parent directories are created. The write is atomic: if it fails
        (disk full, Ctrl-C), an existing file at ``path`` is left as it was.
    dpi : float
        Resolution of raster output (dots per inch).

    Returns
    -------
    pathlib.Path
        The file written. The figure stays open.
    """
    fig = _root_figure(fig)
    add_teaching_label(fig)
    path = Path(path)
    fmt = path.suffix[1:].lower()
    if not fmt:  # as savefig does for a name without suffix: the default format's suffix
        fmt = matplotlib.rcParams["savefig.format"]
        path = path.with_name(f"{path.name}.{fmt}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, "wb") as fh:  # a failed save leaves an existing file intact
        fig.savefig(fh, dpi=dpi, format=fmt)
    return path
