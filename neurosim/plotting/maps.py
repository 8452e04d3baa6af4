"""Maps: of a :class:`~neurosim.sweep.SweepResult`, :func:`phase_diagram` (a heat map of
one metric over two axes, with its threshold contour) and :func:`sweep_line` (one metric
along one axis, mean over seeds with the spread); of the clinic,
:func:`plot_clinic_map` (conditions × tests, :mod:`neurosim.clinic_map`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import matplotlib
import numpy as np
from matplotlib.axes import Axes

from .base import PALETTE, _finish, _new_axes

if TYPE_CHECKING:
    from ..clinic_map import ClinicMap
    from ..sweep import SweepResult

__all__ = ["phase_diagram", "sweep_line", "plot_clinic_map"]


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


_GROUP_HEIGHT = 0.6  # height of a group heading in the clinic map, in rows
_MAP_CMAP = "RdBu_r"  # diverging: blue below healthy, red above (readable by red–green
#                       colour-blind viewers: the two ends differ in lightness and hue)


def _clinic_layout(table):
    """Rows and group headings top to bottom: ``(kind, text, y_top, height)``."""
    from ..clinic_map import site

    items, y, previous = [], 0.0, None
    for i, name in enumerate(table.rows):
        try:
            group = site(name)
        except ValueError:  # a scenario not in the registry (a table read from a file)
            group = None
        if group is not None and group != previous and i > 0:
            items.append(("group", group, y, _GROUP_HEIGHT))
            y += _GROUP_HEIGHT
        previous = group
        items.append(("row", i, y, 1.0))
        y += 1.0
    return items, y


_CELL_LINE_CHARS = 22  # characters of a cell's line: "↑ velocity-independent" fits 1.6 in


def _cell_lines(word: str) -> list[str]:
    """A cell's word in lines: the parts of a combined word (``"a + b + c"``) filled greedily
    into lines of at most :data:`_CELL_LINE_CHARS` characters, each broken line ending in
    ``" +"``; a single part is never broken."""
    lines: list[str] = []
    for part in word.split(" + "):
        if lines and len(lines[-1]) + 3 + len(part) <= _CELL_LINE_CHARS:
            lines[-1] += " + " + part
        elif lines:
            lines[-1] += " +"
            lines.append(part)
        else:
            lines.append(part)
    return lines


def plot_clinic_map(table: ClinicMap, *, ax: Axes | None = None) -> Axes:
    """The clinic map: conditions × tests, coloured by the deviation from healthy.

    Each cell holds the test's word for the condition (``"slowed + block"``) and, smaller,
    its value relative to healthy (``×0.47``; ``+2.6 s`` for a difference); its colour is
    :meth:`~neurosim.clinic_map.ClinicMap.deviations` — red above healthy, blue below, white
    as healthy, grey not measurable. Rows are grouped under a heading by where the
    condition's levers act (:func:`neurosim.clinic_map.site`), the healthy reference first.

    Parameters
    ----------
    table : neurosim.clinic_map.ClinicMap
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new figure sized to the table, about 0.4 in per
        row and 1.6 in per column).

    Returns
    -------
    matplotlib.axes.Axes
        One ``Rectangle`` per cell (``gid="cell"``) and one word ``Text`` per cell
        (``gid="word"``), row by row; a colour bar below.
    """
    import matplotlib.pyplot as plt
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import Rectangle

    from ..clinic_map import column

    cols = [column(n) for n in table.columns]
    deviation = table.deviations()
    items, height = _clinic_layout(table)
    n_cols = len(cols)
    if ax is None:
        fig = plt.figure(figsize=(2.0 + 1.6 * n_cols, 1.6 + 0.4 * height), layout="constrained")
        ax = fig.add_subplot()
    colours = matplotlib.colormaps[_MAP_CMAP]
    norm = Normalize(-1.0, 1.0)
    labels, ticks = [], []
    for kind, what, top, h in items:
        if kind == "group":
            ax.text(-0.02, top + 0.62 * h, what, transform=ax.get_yaxis_transform(),
                    ha="right", va="center", fontsize=9, fontstyle="italic",
                    color=PALETTE["grey"], gid="group")
            ax.plot([0, n_cols], [top + h / 2] * 2, color=PALETTE["grey"], linewidth=0.6,
                    gid="group_rule")
            continue
        i = what
        name = table.rows[i]
        labels.append(f"{name} (reference)" if i == 0 and name == "healthy" else name)
        ticks.append(top + 0.5)
        for j, (col, sig) in enumerate(zip(cols, table.cells[i])):
            d = deviation[i, j]
            face = PALETTE["grey"] if not np.isfinite(d) else colours(norm(d))
            ax.add_patch(Rectangle((j, top), 1.0, h, facecolor=face, edgecolor="white",
                                   linewidth=1.5, gid="cell"))
            ink = "white" if np.isfinite(d) and abs(d) > 0.6 else "black"
            lines = _cell_lines(sig.word)
            ax.text(j + 0.5, top + 0.40, "\n".join(lines), ha="center", va="center",
                    fontsize=9 if len(lines) < 2 else 8, color=ink, gid="word",
                    linespacing=0.95)
            ax.text(j + 0.96, top + 0.93, col.format_value(sig.value), ha="right",
                    va="bottom", fontsize=7.5, color=ink, alpha=0.85, gid="value")
    ax.set_xlim(0, n_cols)
    ax.set_ylim(height, 0)
    ax.set_yticks(ticks, labels, fontsize=9.5)
    ax.set_xticks(np.arange(n_cols) + 0.5, [c.title for c in cols], fontsize=10,
                  fontweight="bold")
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = ax.figure.colorbar(ScalarMappable(norm, colours), ax=ax, orientation="horizontal",
                             fraction=0.03, pad=0.01, aspect=50, shrink=0.7)
    bar.set_ticks([-1, 0, 1], labels=["below healthy", "as healthy", "above healthy"],
                  fontsize=8.5)
    bar.outline.set_visible(False)
    seed = "" if table.seed is None else f", seed {table.seed}"
    ax.set_title(f"Each condition across the clinical tests: the word to remember, and how "
                 f"far from healthy (× healthy, or + beyond it{seed})", fontsize=10, loc="left",
                 pad=6)
    return _finish(ax)
