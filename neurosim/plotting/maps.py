"""Figures of a :class:`~neurosim.sweep.SweepResult`: :func:`phase_diagram` (a heat map
of one metric over two axes, with its threshold contour) and :func:`sweep_line` (one metric
along one axis, mean over seeds with the spread)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import matplotlib
import numpy as np
from matplotlib.axes import Axes

from .base import PALETTE, _finish, _new_axes

if TYPE_CHECKING:
    from ..sweep import SweepResult

__all__ = ["phase_diagram", "sweep_line"]


def _cell_edges(values: np.ndarray) -> np.ndarray:
    """Cell edges around grid values (midpoints between neighbours), shape (n + 1,)."""
    values = np.asarray(values, dtype=float)
    if values.size == 1:
        half = 0.5 * max(abs(values[0]), 1.0)
        return np.array([values[0] - half, values[0] + half])
    mid = 0.5 * (values[1:] + values[:-1])
    return np.concatenate([[2 * values[0] - mid[0]], mid, [2 * values[-1] - mid[-1]]])


def _sweep_statistic(sweep_result, metric: str, statistic: str) -> np.ndarray:
    if statistic == "mean":
        return sweep_result.mean(metric)
    if statistic == "std":
        return sweep_result.std(metric)
    raise ValueError(f"statistic = {statistic!r} must be 'mean' or 'std'")


def _seed_words(sweep_result) -> str:
    n = sweep_result.n_seeds
    return "1 seed" if n == 1 else f"mean of {n} seeds"


def phase_diagram(sweep_result: SweepResult, metric: str, *, ax: Axes | None = None,
                  threshold: float | None = None, show_threshold: bool = True,
                  statistic: str = "mean", cmap: str = "viridis",
                  title: str | None = None) -> Axes:
    """Heat map of one metric over a two-axis sweep, with the threshold contour.

    Parameters
    ----------
    sweep_result : neurosim.sweep.SweepResult
        A factorial sweep with exactly two axes; the first is drawn along x.
    metric : str
        One of ``sweep_result.metric_names``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 6 × 4.5 in figure).
    threshold : float, optional
        Level of the contour line, in the metric's unit (default: the metric's own
        threshold, e.g. 0.5 s for spasm duration — the shortest counted spasm).
    show_threshold : bool
        Draw the contour (when the map crosses the level).
    statistic : {"mean", "std"}
        Colour by the mean over seeds (default) or by its spread.
    cmap : str
        Matplotlib colour map; cells with no value (NaN, e.g. no clonus) are grey.
    title : str, optional
        Axes title (default: the metric and the sweep's label).

    Returns
    -------
    matplotlib.axes.Axes
        The map is a ``QuadMesh`` with ``gid="map"`` (array shape (n_y, n_x)), the
        contour a ``ContourSet`` with ``gid="threshold"``; a colour bar labelled
        with the metric and its unit sits beside the axes.

    Raises
    ------
    ValueError
        If the sweep does not have two axes or the metric is unknown.
    """
    if len(sweep_result.axis_names) != 2:
        raise ValueError(f"a phase diagram needs a sweep with 2 axes; this one has "
                         f"{len(sweep_result.axis_names)} ({', '.join(sweep_result.axis_names)})"
                         f"; use sweep_line for one axis")
    z = _sweep_statistic(sweep_result, metric, statistic)
    ax = _new_axes(figsize=(6.0, 4.5)) if ax is None else ax
    x_name, y_name = sweep_result.axis_names
    x, y = sweep_result.axis_values
    colours = matplotlib.colormaps[cmap].with_extremes(bad=PALETTE["grey"])
    mesh = ax.pcolormesh(_cell_edges(x), _cell_edges(y), np.ma.masked_invalid(z.T),
                         cmap=colours, shading="flat", gid="map")
    label = sweep_result.label_of(metric)
    ax.figure.colorbar(mesh, ax=ax, label=label if statistic == "mean" else f"spread of {label}")
    level = sweep_result.threshold(metric) if threshold is None else float(threshold)
    finite = z[np.isfinite(z)]
    if (show_threshold and level is not None and statistic == "mean" and x.size > 1
            and y.size > 1 and finite.size and finite.min() < level < finite.max()):
        import matplotlib.patheffects as path_effects
        contour = ax.contour(x, y, np.ma.masked_invalid(z.T), levels=[level], colors="white",
                             linewidths=2.0)
        contour.set_gid("threshold")
        contour.set(path_effects=[path_effects.withStroke(linewidth=3.5, foreground="black")])
        unit = sweep_result.unit(metric)
        ax.plot([], [], color="white", linewidth=2.0, label=f"threshold {level:g}"
                + ("" if unit == "1" else f" {unit}"),
                path_effects=[path_effects.withStroke(linewidth=3.5, foreground="black")])
        ax.legend(loc="upper left", fontsize="small", framealpha=0.8)
    ax.set_xlabel(sweep_result.label_of(x_name))
    ax.set_ylabel(sweep_result.label_of(y_name))
    ax.set_title(title if title is not None else
                 f"{label} — {sweep_result.label} ({_seed_words(sweep_result)})",
                 fontsize="medium")
    return _finish(ax)


def sweep_line(sweep_result: SweepResult, metric: str, *, axis: str | None = None,
               fixed: Mapping[str, float] | None = None, ax: Axes | None = None,
               color: str | None = None, label: str | None = None,
               threshold: float | None = None) -> Axes:
    """One metric along one sweep axis: mean over seeds with its spread.

    Parameters
    ----------
    sweep_result : neurosim.sweep.SweepResult
    metric : str
        One of ``sweep_result.metric_names``.
    axis : str, optional
        The axis along x (default: the only axis of a one-axis sweep).
    fixed : Mapping[str, float], optional
        For sweeps with more axes: the value of every other axis (the nearest grid
        value is used).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 6 × 3.5 in figure).
    color : str, optional
        Line colour (default Okabe–Ito blue).
    label : str, optional
        Legend entry of the mean line.
    threshold : float, optional
        Draw a horizontal line at this level (default: the metric's own threshold).

    Returns
    -------
    matplotlib.axes.Axes
        Mean line ``gid="mean"`` (shape (n_x,)); with several seeds a band of ±1
        standard deviation (``gid="spread"``) and each seed's values as small dots
        (``gid="seeds"``); the threshold line has ``gid="threshold"``.

    Raises
    ------
    ValueError
        For an unknown axis or metric, or other axes left without a ``fixed`` value.
    """
    names = sweep_result.axis_names
    if axis is None:
        if len(names) != 1:
            raise ValueError(f"this sweep has axes {', '.join(names)}: choose one with axis=")
        axis = names[0]
    if axis not in names:
        raise ValueError(f"axis {axis!r} is not in this sweep; it has {', '.join(names)}")
    fixed = dict(fixed or {})
    index = []
    for name, values in zip(names, sweep_result.axis_values):
        if name == axis:
            index.append(slice(None))
        elif name in fixed:
            index.append(int(np.argmin(np.abs(values - float(fixed.pop(name))))))
        else:
            raise ValueError(f"sweep_line along {axis!r} needs fixed={{{name!r}: value}} "
                             f"for the other axis {name!r}")
    if fixed:
        raise ValueError(f"fixed names axes not in this sweep: {', '.join(fixed)}")
    data = sweep_result[metric][tuple(index)]  # shape (n_x, n_seeds)
    x = sweep_result.axis_values[names.index(axis)]
    mean = sweep_result.mean(metric)[tuple(index)]
    spread = sweep_result.std(metric)[tuple(index)]
    ax = _new_axes(figsize=(6.0, 3.5)) if ax is None else ax
    colour = color or PALETTE["blue"]
    if sweep_result.n_seeds > 1:
        ax.fill_between(x, mean - spread, mean + spread, color=colour, alpha=0.2, linewidth=0,
                        label="± 1 SD over seeds", gid="spread")
        ax.plot(np.repeat(x, data.shape[1]), data.ravel(), linestyle="none", marker=".",
                markersize=3, color=colour, alpha=0.5, gid="seeds")
    ax.plot(x, mean, color=colour, marker="o", markersize=4, linewidth=1.5,
            label=label or _seed_words(sweep_result), gid="mean")
    level = sweep_result.threshold(metric) if threshold is None else float(threshold)
    if level is not None:
        unit = sweep_result.unit(metric)
        ax.axhline(level, color=PALETTE["vermillion"], linestyle="--", linewidth=1.0,
                   label=f"threshold {level:g}" + ("" if unit == "1" else f" {unit}"),
                   gid="threshold")
    ax.set_xlabel(sweep_result.label_of(axis))
    ax.set_ylabel(sweep_result.label_of(metric))
    others = [f"{n} = {sweep_result.axis_values[i][index[i]]:g}"
              for i, n in enumerate(names) if n != axis]
    ax.set_title(f"{sweep_result.label}" + (f" at {', '.join(others)}" if others else ""),
                 fontsize="medium")
    ax.legend(loc="best", fontsize="small", frameon=False)
    return _finish(ax)
