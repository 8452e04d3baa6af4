"""Composite figures of whole runs: :func:`overview` (four stacked panels of one run) and
:func:`comparison` (two runs side by side with shared y-limits)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ..result import SimulationResult
from .base import _check_axes, _xlim, add_teaching_label
from .traces import emg, force, pic_and_inhibition, raster

__all__ = ["overview", "comparison"]


# --------------------------------------------------------------------- figures
def _default_title(result: SimulationResult) -> str:
    if not result.label:
        return f"neurosim run (seed {result.seed})"
    from .. import scenarios  # local: scenarios imports the engine
    try:
        scenario = scenarios.get(result.label)
    except ValueError:
        return result.label
    return f"{scenario.title}  [{result.label}]"


def overview(result: SimulationResult, *, axes: Sequence[Axes] | np.ndarray | None = None,
             title: str | None = None) -> np.ndarray:
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


def comparison(result_a: SimulationResult, result_b: SimulationResult, *,
               axes: Sequence[Axes] | np.ndarray | None = None, labels: Sequence[str] | None = None) -> np.ndarray:
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
