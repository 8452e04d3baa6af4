"""Figures of a :class:`~neurosim.result.SimulationResult` (matplotlib).

Single-panel functions (:func:`raster`, :func:`force`, :func:`emg`,
:func:`pic_and_inhibition`, :func:`membrane`) draw on one Axes: pass ``ax=`` to
draw into an existing Axes, or leave it out to get a new figure. They return
the Axes. :func:`overview` stacks four panels for one run; :func:`comparison`
puts two runs side by side with shared y-limits so amplitudes can be compared.

Every figure these functions create or draw into carries the label
:data:`neurosim.TEACHING_LABEL` at its bottom right (:func:`add_teaching_label`),
so a saved picture is never mistaken for clinical data. Colours come from the
colour-blind-safe Okabe–Ito palette, :data:`PALETTE`. Nothing here calls
``plt.show()``; close figures you no longer need with ``plt.close(fig)``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine

from . import TEACHING_LABEL
from .emg import rms_envelope
from .result import SimulationResult

__all__ = ["PALETTE", "add_teaching_label", "raster", "force", "emg", "pic_and_inhibition",
           "membrane", "overview", "comparison", "save_figure"]

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

DEFAULT_MAX_UNITS = 300
"""Raster plots of larger pools show this many evenly spaced units."""

_LABEL_ATTR = "_neurosim_teaching_label"
_LABEL_FONTSIZE = 7.5  # points
_LABEL_STRIP_IN = 0.22  # height reserved for the label under a laid-out figure (inches)
_TIME_LABEL = "time (s)"
_MEMBRANE_COLOURS = ("blue", "vermillion", "bluish_green", "reddish_purple", "orange",
                     "sky_blue", "black")


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


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start/stop indices (stop exclusive) of the True runs in ``mask``."""
    padded = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _xlim(ax, result: SimulationResult):
    ax.set_xlim(0.0, float(result.duration_s))


# --------------------------------------------------------------------- label
def add_teaching_label(fig) -> matplotlib.text.Text:
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
        The label artist (small, grey, in figure coordinates).
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
                    fontsize=_LABEL_FONTSIZE, color=PALETTE["grey"], gid="teaching_label")
    setattr(fig, _LABEL_ATTR, text)
    engine = fig.get_layout_engine()
    if isinstance(engine, (ConstrainedLayoutEngine, TightLayoutEngine)):
        bottom = min(0.2, _LABEL_STRIP_IN / max(fig.get_figheight(), 1e-6))
        engine.set(rect=(0.0, bottom, 1.0, 1.0 - bottom))
    return text


# --------------------------------------------------------------------- panels
def raster(result: SimulationResult, *, ax=None, max_units: int | None = None,
           color: str | None = None):
    """Spike raster: one tick per motor-neuron spike, units ordered by size.

    Parameters
    ----------
    result : SimulationResult
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 8 × 3 in figure).
    max_units : int, optional
        Largest number of units shown (default 300). Larger pools are subsampled
        evenly from smallest to largest; the y axis still shows true unit indices.
    color : str, optional
        Tick colour (default Okabe–Ito black).

    Returns
    -------
    matplotlib.axes.Axes
        x = time (s), y = unit index (0 = smallest unit, at the bottom). The spike
        ticks are one ``Line2D`` with ``gid="spikes"``.

    Raises
    ------
    ValueError
        If ``max_units`` is < 1.
    """
    limit = DEFAULT_MAX_UNITS if max_units is None else int(max_units)
    if limit < 1:
        raise ValueError(f"max_units = {max_units!r} must be ≥ 1")
    ax = _new_axes() if ax is None else ax
    n = result.n_units
    times, units = result.spike_times_s, result.spike_units
    if n > limit:
        shown = np.unique(np.round(np.linspace(0, n - 1, limit)).astype(int))
        keep = np.isin(units, shown)
        times, units = times[keep], units[keep]
        n_shown = shown.size
    else:
        n_shown = n
    # tick height ≈ one unit's row; figure not laid out yet, so estimate from its position
    fig = ax.figure
    height_pt = ax.get_position().height * _root_figure(fig).get_figheight() * 72.0
    size = float(np.clip(0.9 * height_pt / max(n_shown, 1), 1.0, 8.0))
    ax.plot(times, units, linestyle="none", marker="|", markersize=size,
            markeredgewidth=max(0.5, min(1.0, size / 3)), color=color or PALETTE["black"],
            rasterized=times.size > 5000, gid="spikes")
    ax.set_ylim(-0.5, n - 0.5)
    _xlim(ax, result)
    ax.set_xlabel(_TIME_LABEL)
    ax.set_ylabel("motor unit (small → large)")
    if n > limit:
        ax.text(0.995, 0.98, f"{n_shown} of {n} units shown", transform=ax.transAxes,
                ha="right", va="top", fontsize="small", color=PALETTE["grey"])
    return _finish(ax)


def force(result: SimulationResult, *, ax=None, percent: bool = True,
          color: str | None = None, label: str | None = None):
    """Muscle force over time, with the inputs that produced it.

    Parameters
    ----------
    result : SimulationResult
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 8 × 3 in figure).
    percent : bool
        Plot force in % of maximal (fully fused) force (default) or in N. With
        percent, the voluntary command (fraction of maximal drive, shown × 100)
        is drawn as a thin dashed line on the same axis.
    color : str, optional
        Force line colour (default Okabe–Ito blue).
    label : str, optional
        Legend entry of the force line (default ``"force"``).

    Returns
    -------
    matplotlib.axes.Axes
        The force line has ``gid="force"``, the command line ``gid="command"``;
        every stretch of afferent input > 0 is shaded (``axvspan``, ``gid="afferent"``).
    """
    ax = _new_axes() if ax is None else ax
    t = result.time_s
    rate = result.output_rate_hz
    for i, (a, b) in enumerate(_runs(result.afferent_input > 0)):
        ax.axvspan(t[a], t[b - 1] + 1.0 / rate, color=PALETTE["orange"], alpha=0.25,
                   linewidth=0, label="afferent input" if i == 0 else None, gid="afferent")
    y = result.force_percent if percent else result.force_N
    (line,) = ax.plot(t, y, color=color or PALETTE["blue"], linewidth=1.5,
                      label="force" if label is None else label, gid="force")
    line.sticky_edges.y.append(0.0)  # autoscaling keeps the axis starting at 0 force
    if percent:
        ax.plot(t, 100.0 * result.command, color=PALETTE["black"], linewidth=0.8,
                linestyle="--", label="voluntary command (% of max drive)", gid="command")
        ax.set_ylabel("force (% of max)")
    else:
        ax.set_ylabel("force (N)")
    _xlim(ax, result)
    ax.set_xlabel(_TIME_LABEL)
    ax.legend(loc="upper right", fontsize="small", frameon=False)
    return _finish(ax)


def emg(result: SimulationResult, *, ax=None, envelope_ms: float = 100.0,
        color: str | None = None):
    """Surface EMG: the raw signal (thin, light) and its moving-RMS envelope.

    Parameters
    ----------
    result : SimulationResult
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 8 × 3 in figure).
    envelope_ms : float
        RMS window length (ms), > 0 (see :func:`neurosim.emg.rms_envelope`).
    color : str, optional
        Colour of the envelope; the raw trace uses it faded (default Okabe–Ito
        vermillion).

    Returns
    -------
    matplotlib.axes.Axes
        Amplitudes in mV; raw trace ``gid="emg_raw"``, envelope ``gid="emg_envelope"``.
    """
    envelope = rms_envelope(result.emg_mV, result.output_rate_hz, envelope_ms)
    ax = _new_axes() if ax is None else ax
    c = color or PALETTE["vermillion"]
    ax.plot(result.time_s, result.emg_mV, color=c, linewidth=0.4, alpha=0.35,
            label="raw", gid="emg_raw")
    ax.plot(result.time_s, envelope, color=c, linewidth=1.5,
            label=f"RMS envelope ({envelope_ms:g} ms)", gid="emg_envelope")
    _xlim(ax, result)
    ax.set_xlabel(_TIME_LABEL)
    ax.set_ylabel("surface EMG (mV)")
    ax.legend(loc="upper right", fontsize="small", frameon=False)
    return _finish(ax)


def pic_and_inhibition(result: SimulationResult, *, ax=None):
    """Mean persistent-inward-current activation and total inhibition of the pool.

    Parameters
    ----------
    result : SimulationResult
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 8 × 3 in figure).

    Returns
    -------
    matplotlib.axes.Axes
        Two lines on one axis: PIC activation ``m·h`` (0–1, ``gid="pic"``) and
        inhibition (fraction of rheobase, ``gid="inhibition"``), with a legend.
    """
    ax = _new_axes() if ax is None else ax
    ax.plot(result.time_s, result.pic_activation, color=PALETTE["reddish_purple"],
            linewidth=1.5, label="PIC activation m·h (0–1)", gid="pic")
    ax.plot(result.time_s, result.inhibition, color=PALETTE["bluish_green"], linewidth=1.5,
            label="inhibition (× rheobase)", gid="inhibition")
    top = max(1.0, float(np.max(result.inhibition, initial=0.0)) * 1.05)
    ax.set_ylim(0.0, top)
    _xlim(ax, result)
    ax.set_xlabel(_TIME_LABEL)
    ax.set_ylabel("PIC (0–1) / inhibition")
    ax.legend(loc="upper right", fontsize="small", frameon=False)
    return _finish(ax)


def membrane(result: SimulationResult, *, ax=None, units=None):
    """Membrane voltage of the recorded units at every integration step.

    Parameters
    ----------
    result : SimulationResult
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 8 × 3 in figure).
    units : sequence of int, optional
        Unit indices to show; each must be in ``result.recorded_units``
        (default: all recorded units).

    Returns
    -------
    matplotlib.axes.Axes
        x = time (s, ``result.trace_time_s``), y = membrane voltage above rest (mV);
        one line per unit, labelled ``"unit <index>"``.

    Raises
    ------
    ValueError
        If a requested unit was not recorded.
    """
    recorded = [int(u) for u in result.recorded_units]
    if units is None:
        units = recorded
    else:
        units = [int(u) for u in np.atleast_1d(units)]
        missing = [u for u in units if u not in recorded]
        if missing:
            raise ValueError(f"unit(s) {missing} were not recorded; recorded units: {recorded} "
                             f"(choose them with simulate(..., record_units=...))")
    ax = _new_axes() if ax is None else ax
    t = result.trace_time_s
    for i, u in enumerate(units):
        col = recorded.index(u)
        ax.plot(t, result.membrane_mV[:, col], linewidth=0.6,
                color=PALETTE[_MEMBRANE_COLOURS[i % len(_MEMBRANE_COLOURS)]],
                label=f"unit {u}", gid=f"membrane_{u}")
    _xlim(ax, result)
    ax.set_xlabel(_TIME_LABEL)
    ax.set_ylabel("membrane above rest (mV)")
    if units:  # outside the axes: the traces fill the whole panel
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small",
                  frameon=False)
    return _finish(ax)


# --------------------------------------------------------------------- figures
def _default_title(result: SimulationResult) -> str:
    if not result.label:
        return f"neurosim run (seed {result.seed})"
    from . import scenarios  # local: scenarios imports the engine
    try:
        scenario = scenarios.get(result.label)
    except ValueError:
        return result.label
    return f"{scenario.title}  [{result.label}]"


def _check_axes(axes, shape, name):
    arr = np.asarray(axes, dtype=object)
    if arr.size != int(np.prod(shape)):
        raise ValueError(f"{name} needs {int(np.prod(shape))} Axes, got {arr.size}")
    return arr.reshape(shape)


def overview(result: SimulationResult, *, axes=None, title: str | None = None) -> np.ndarray:
    """Four stacked panels of one run on a shared time axis.

    From top to bottom: spike raster, force (with command and afferent input),
    surface EMG and PIC activation / inhibition.

    Parameters
    ----------
    result : SimulationResult
    axes : sequence of 4 matplotlib.axes.Axes, optional
        Axes to draw into, top to bottom (default: a new 10 × 9 in figure).
    title : str, optional
        Title above the top panel (default: the scenario's title and name when
        ``result.label`` names a built-in scenario, else the label).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (4,)
    """
    if axes is None:
        fig, axes = plt.subplots(4, 1, figsize=(10.0, 9.0), sharex=True, layout="constrained",
                                 height_ratios=(3.0, 2.0, 2.0, 1.6))
    axes = _check_axes(axes, (4,), "overview")
    raster(result, ax=axes[0])
    force(result, ax=axes[1])
    emg(result, ax=axes[2])
    pic_and_inhibition(result, ax=axes[3])
    for ax in axes[:-1]:
        ax.set_xlabel("")
    for ax in axes:
        _xlim(ax, result)
    axes[0].set_title(_default_title(result) if title is None else title, loc="left")
    for ax in axes:
        add_teaching_label(ax.figure)
    return axes


def comparison(result_a: SimulationResult, result_b: SimulationResult, *, axes=None,
               labels=None) -> np.ndarray:
    """Two runs side by side with shared y-limits per row.

    Rows: spike raster, force (% of maximum) and surface EMG; columns: run a,
    run b. Each row uses the same y-limits in both columns, so heights can be
    compared directly (e.g. ``healthy`` against ``spinal_cord_injury``).

    Parameters
    ----------
    result_a, result_b : SimulationResult
    axes : 3 × 2 array of matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 12 × 7.5 in figure).
    labels : (str, str), optional
        Column titles (default: each result's label, or "run A" / "run B").

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (3, 2)
    """
    results = (result_a, result_b)
    if labels is None:
        labels = tuple(r.label or default for r, default in zip(results, ("run A", "run B")))
    elif len(labels) != 2:
        raise ValueError(f"labels needs 2 entries, got {len(labels)}")
    if axes is None:
        fig, axes = plt.subplots(3, 2, figsize=(12.0, 7.5), sharex=True, sharey="row",
                                 layout="constrained", height_ratios=(3.0, 2.0, 2.0))
    axes = _check_axes(axes, (3, 2), "comparison")
    for col, r in enumerate(results):
        raster(r, ax=axes[0, col])
        force(r, ax=axes[1, col])
        emg(r, ax=axes[2, col])
        axes[0, col].set_title(labels[col])
        for row in range(2):
            axes[row, col].set_xlabel("")
    duration = max(float(r.duration_s) for r in results)
    for ax in axes.flat:
        ax.set_xlim(0.0, duration)
    n_units = max(r.n_units for r in results)
    for ax in axes[0]:
        ax.set_ylim(-0.5, n_units - 0.5)
    for row in (1, 2):
        for ax in axes[row]:
            ax.relim()
            ax.autoscale(axis="y")
        lows, highs = zip(*(ax.get_ylim() for ax in axes[row]))
        for ax in axes[row]:
            ax.set_ylim(min(lows), max(highs))
    for row in range(3):
        for ax in axes[row, 1:]:
            if ax.get_legend() is not None:
                ax.get_legend().remove()
    for ax in axes.flat:
        add_teaching_label(ax.figure)
    return axes


def save_figure(fig, path, *, dpi: float = 120) -> Path:
    """Save a figure with its teaching label.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or os.PathLike
        Output file; the format follows the suffix (``.png``, ``.pdf``, ``.svg`` …).
        Missing parent directories are created.
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
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    return path
