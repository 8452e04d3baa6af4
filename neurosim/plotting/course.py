"""A disease over months: :func:`disease_course_panel` — surviving units, unit size,
maximal force and fibrillating fibres against months since onset (the figure that shows
strength looking normal while half the units are gone)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from ..disease_course import DiseaseCourse
from ..parameters import Parameters
from ..reinnervation import CourseHistory
from .base import PALETTE, _finish, _new_axes

__all__ = ["disease_course_panel"]


def _history(course, months, base):
    if isinstance(course, CourseHistory):
        if months is not None or base is not None:
            raise ValueError("months and base apply to a course, not to a CourseHistory "
                             "(it is already sampled)")
        return course, None
    from ..disease_course import _check_course, course_history
    course = _check_course(course)
    return course_history(course, months, base), course


def disease_course_panel(course: DiseaseCourse | str | CourseHistory, *,
                         months: Sequence[float] | np.ndarray | None = None,
                         base: Parameters | None = None,
                         simulated_force: Mapping[float, float] | None = None,
                         ax: Axes | None = None) -> Axes:
    """Surviving units, mean unit size, maximal force and fibrillating fibres over months.

    Parameters
    ----------
    course : DiseaseCourse, str or CourseHistory
        A course of :mod:`neurosim.disease_course` (or its name), sampled with
        :func:`~neurosim.disease_course.course_history`; or a history already sampled
        (:func:`neurosim.reinnervation.remodelling_history`).
    months : array_like of float, optional
        Months since onset to sample a course at (default every week of its span).
    base : Parameters, optional
        What the course is applied to (default the healthy limb).
    simulated_force : Mapping[float, float], optional
        Maximal force measured in simulations, ``{months since onset: % of healthy}``,
        drawn as points over the analytic line (``gid="simulated_force"``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 8 × 3.8 in figure).

    Returns
    -------
    matplotlib.axes.Axes
        Months since onset on x; on the left axis (%), the surviving units
        (``gid="surviving_units"``), the maximal force the muscle can make, as the share of
        its fibres that have a nerve (``gid="max_force"``), and the fibrillating fibres
        (``gid="fibrillating"``); on a right axis (``ax.unit_size_axes``) the mean size of
        the surviving units, × their original fibres (``gid="unit_size"``). Where half the
        units have gone (if more than half survived the onset) a dotted line
        (``gid="half_lost"``) reads off the force there.
    """
    history, course = _history(course, months, base)
    if ax is None:
        ax = _new_axes(figsize=(8.0, 3.8))
    t = history.months
    units = 100.0 * history.surviving_units
    force = 100.0 * history.innervated_fraction
    fib = 100.0 * history.fibrillating_fraction
    ax.plot(t, units, color=PALETTE["blue"], linewidth=2.0, gid="surviving_units",
            label="surviving motor units (%)")
    ax.plot(t, force, color=PALETTE["black"], linewidth=2.4, gid="max_force",
            label="maximal force (% of healthy)")
    ax.plot(t, fib, color=PALETTE["vermillion"], linewidth=1.6, linestyle=(0, (4, 2)),
            gid="fibrillating", label="fibrillating fibres (%)")
    if simulated_force:
        xs = np.array(sorted(simulated_force), dtype=float)
        ax.plot(xs, [simulated_force[x] for x in sorted(simulated_force)], "o",
                color=PALETTE["black"], markerfacecolor="white", markersize=6,
                gid="simulated_force", label="maximal force, simulated")
    half = np.flatnonzero(history.surviving_units <= 0.5)
    if half.size and history.surviving_units[0] > 0.5:  # lost over time, not at onset
        k = int(half[0])
        ax.axvline(t[k], color=PALETTE["grey"], linestyle=":", linewidth=1.2, gid="half_lost")
        span = float(t.max() - t.min()) or 1.0
        ax.annotate(f"half the units lost:\nforce {force[k]:.0f} %", (t[k], force[k]),
                    xytext=(t[k] + 0.02 * span, 72.0), textcoords="data", va="top",
                    fontsize="small", color=PALETTE["black"],
                    arrowprops=dict(arrowstyle="-", color=PALETTE["grey"], linewidth=0.8))
    ax.set_ylim(0.0, 105.0)
    ax.set_xlim(float(t.min()), float(t.max()))
    ax.set_xlabel("months since onset")
    ax.set_ylabel("% (units, force, fibres)")
    right = ax.twinx()
    right.plot(t, history.mean_enlargement, color=PALETTE["bluish_green"], linewidth=1.8,
               gid="unit_size", label="mean unit size (× original fibres)")
    top = np.nanmax(history.mean_enlargement) if np.isfinite(history.mean_enlargement).any() \
        else 1.0
    right.set_ylim(0.0, max(2.0, 1.1 * top))
    right.set_ylabel("mean unit size (×)", color=PALETTE["bluish_green"])
    right.tick_params(axis="y", colors=PALETTE["bluish_green"])
    ax.unit_size_axes = right
    lines = ax.get_lines() + right.get_lines()
    ax.legend([ln for ln in lines if not ln.get_label().startswith("_")],
              [ln.get_label() for ln in lines if not ln.get_label().startswith("_")],
              loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=3, fontsize="small",
              frameon=False)
    title = course.title if course is not None else "a disease course"
    ax.set_title(title, loc="left")
    return _finish(ax)
