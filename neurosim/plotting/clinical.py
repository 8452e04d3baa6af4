"""Figures of the bedside tests of :mod:`neurosim.experiments`.

:func:`reflex_velocity_panel` (passive stretch at several velocities, e.g. healthy against
spastic: the velocity-dependent stretch reflex), :func:`clonus_panel` (a free-limb clonus
test with its verdict) and :func:`strength_panel` (voluntary force at several efforts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from .. import analysis
from ..emg import rms_envelope
from ..result import SimulationResult
from .base import (PALETTE, _TIME_LABEL, _check_axes, _finish, _set_colour, _set_labels,
                   _xlim, add_teaching_label)
from .traces import emg, joint, raster

if TYPE_CHECKING:
    from ..experiments import ReflexCurve

__all__ = ["reflex_velocity_panel", "clonus_panel", "strength_panel"]


def _imposed_stretch(result: SimulationResult):
    from ..protocols import ImposedStretch
    for c in result.protocol.components:
        if isinstance(c, ImposedStretch):
            return c
    raise ValueError(f"result {result.label or '(unlabelled)'!r} has no ImposedStretch in its "
                     f"protocol; reflex_velocity_panel needs passive-stretch runs "
                     f"(experiments.reflex_vs_velocity(..., return_results=True))")


def reflex_velocity_panel(curves: Sequence[ReflexCurve], *, axes: Sequence[Axes] | np.ndarray | None = None,
                          labels: Sequence[str] | None = None,
                          results: Sequence[Sequence[SimulationResult]] | None = None
                          ) -> np.ndarray:
    """Passive-stretch reflexes at several velocities, for one or more parameter sets.

    Spasticity is a *velocity-dependent* increase of the stretch reflex (Lance
    1980). This figure puts, for each parameter set (e.g. healthy and spastic),
    the reflex EMG burst of :func:`neurosim.experiments.reflex_vs_velocity`
    against stretch velocity, and — when the runs are given — the traces behind
    each number.

    Parameters
    ----------
    curves : sequence of ReflexCurve
        One :class:`~neurosim.experiments.ReflexCurve` per parameter set, all at the
        same velocities (deg/s).
    axes : sequence of matplotlib.axes.Axes, optional
        Axes to draw into, in the order of the returned array: without ``results``
        one Axes (the summary); with ``results`` ``2 * n_velocities + 1`` Axes
        (default: a new figure, the summary spanning both rows on the right).
    labels : sequence of str, optional
        One legend entry per parameter set (default ``"set 1"``, ``"set 2"``, …).
    results : sequence of sequences of SimulationResult, optional
        The runs behind each curve, ``results[k][j]`` = set k at velocity j, as
        returned by ``reflex_vs_velocity(..., return_results=True)``.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        Without ``results``: shape (1,), the summary. With ``results``: shape
        ``(2 * n + 1,)`` for n velocities: ``[:n]`` the ankle angle (deg) of each
        velocity column, ``[n:2n]`` the surface EMG (mV) of each column, ``[-1]`` the
        summary. Trace time is relative to stretch onset (s). In column j the lines
        of set k have gids ``angle_{k}`` (angle), ``emg_raw_{k}`` (raw EMG, full run
        shifted by the onset) and ``emg_envelope_{k}`` (moving RMS, the envelope
        :func:`~neurosim.analysis.stretch_reflex` measures); the shaded
        ``gid="reflex_window"`` is the window it measures. In the summary the
        line of set k (``gid="reflex_curve_{k}"``) has x = velocity (deg/s) and
        y = ``curves[k].peak_muscle_torque_Nm`` (reflex torque of the muscle, N·m).

    Raises
    ------
    ValueError
        If the curves have different velocities, or ``labels``, ``results`` or
        ``axes`` have the wrong length.
    """
    curves = list(curves)
    if not curves:
        raise ValueError("reflex_velocity_panel needs at least one ReflexCurve")
    velocities = np.asarray(curves[0].velocities_deg_s, dtype=float)
    for c in curves[1:]:
        if not np.array_equal(np.asarray(c.velocities_deg_s, dtype=float), velocities):
            raise ValueError(f"all curves need the same velocities; got {velocities.tolist()} "
                             f"and {np.asarray(c.velocities_deg_s).tolist()} deg/s")
    n_sets, n_vel = len(curves), velocities.size
    labels = _set_labels(labels, n_sets, (f"set {k + 1}" for k in range(n_sets)))
    if results is not None:
        results = [list(rs) for rs in results]
        if len(results) != n_sets or any(len(rs) != n_vel for rs in results):
            raise ValueError(f"results needs {n_sets} lists of {n_vel} runs (one per curve "
                             f"and velocity), got lengths {[len(rs) for rs in results]}")

    if axes is None:
        if results is None:
            fig, ax = plt.subplots(figsize=(5.5, 4.0), layout="constrained")
            axes = [ax]
        else:
            fig = plt.figure(figsize=(3.4 * n_vel + 4.4, 6.0), layout="constrained")
            gs = fig.add_gridspec(2, n_vel + 1, height_ratios=(1.0, 2.2),
                                  width_ratios=(1.0,) * n_vel + (1.25,))
            top = [fig.add_subplot(gs[0, j]) for j in range(n_vel)]
            bottom = [fig.add_subplot(gs[1, j], sharex=top[j]) for j in range(n_vel)]
            axes = [*top, *bottom, fig.add_subplot(gs[:, n_vel])]
    expected = 1 if results is None else 2 * n_vel + 1
    axes = _check_axes(axes, (expected,), "reflex_velocity_panel")

    if results is not None:
        angle_axes, emg_axes = axes[:n_vel], axes[n_vel:2 * n_vel]
        for j, v in enumerate(velocities):
            a_ax, e_ax = angle_axes[j], emg_axes[j]
            stretch = _imposed_stretch(results[0][j])
            onset = float(stretch.start_s)
            ramp_s = float(stretch.amplitude_deg / stretch.velocity_deg_s)
            window = curves[0].responses[j].window_s
            e_ax.axvspan(window[0] - onset, window[1] - onset, color=PALETTE["grey"],
                         alpha=0.15, linewidth=0, gid="reflex_window",
                         label=f"measured {window[1] - window[0]:g} s")
            a_ax.axvspan(0.0, ramp_s, color=PALETTE["grey"], alpha=0.15, linewidth=0,
                         gid="stretch_ramp", label="stretch ramp")
            for k in range(n_sets):
                r = results[k][j]
                c = _set_colour(k)
                t = r.time_s - _imposed_stretch(r).start_s
                a_ax.plot(t, r.joint_angle_deg, color=c, linewidth=1.5,
                          linestyle="-" if k == 0 else (0, (4, 2)), label=labels[k],
                          gid=f"angle_{k}")
                envelope = rms_envelope(r.emg_mV, r.output_rate_hz, analysis.REFLEX_ENVELOPE_MS)
                e_ax.plot(t, r.emg_mV, color=c, linewidth=0.4, alpha=0.25, gid=f"emg_raw_{k}")
                e_ax.plot(t, envelope, color=c, linewidth=1.6, label=labels[k],
                          gid=f"emg_envelope_{k}")
                e_ax.text(0.97, 0.95 - 0.09 * k,
                          f"reflex {curves[k].peak_muscle_torque_Nm[j]:.2g} N·m",
                          transform=e_ax.transAxes,
                          ha="right", va="top", color=c, fontsize="small", fontweight="bold",
                          gid=f"burst_text_{k}")
            left = -0.2
            right = max(0.7, ramp_s + 0.35)
            for ax in (a_ax, e_ax):
                ax.set_xlim(left, right)
                ax.axvline(0.0, color=PALETTE["grey"], linewidth=0.8, linestyle=":")
            a_ax.set_title(f"{v:g} °/s", fontweight="bold")  # short: fits a projector-width figure
            a_ax.tick_params(labelbottom=False)
            e_ax.set_xlabel("time from stretch onset (s)" if j == 0 else "time (s)")
            if j == 0:
                # short: the top row is low, and both fit beside a projector-width figure
                a_ax.set_ylabel("angle (°)")
                e_ax.set_ylabel(f"EMG (mV), {analysis.REFLEX_ENVELOPE_MS:g} ms RMS")
        # one EMG scale for every column, so bursts can be compared by eye
        for ax in emg_axes:
            ax.relim()
            ax.autoscale(axis="y")
        low = min(ax.get_ylim()[0] for ax in emg_axes)
        high = max(ax.get_ylim()[1] for ax in emg_axes)
        for ax in emg_axes:
            ax.set_ylim(low, high * 1.15)  # room for the burst labels
        top = max(ax.get_ylim()[1] for ax in angle_axes)
        for ax in angle_axes:
            ax.set_ylim(-1.0, top * 1.1)
        handles, _ = emg_axes[0].get_legend_handles_labels()
        window_handles = [h for h in handles if h.get_gid() == "reflex_window"]
        # below the trace, clear of the reflex values written at the top of the panel
        emg_axes[0].legend(handles=window_handles, loc="lower left", fontsize="small",
                           frameon=False)

    summary = axes[-1]
    for k, curve in enumerate(curves):
        c = _set_colour(k)
        y = np.asarray(curve.peak_muscle_torque_Nm, dtype=float)
        summary.plot(velocities, y, color=c, linewidth=2.0, marker="o", markersize=7,
                     label=labels[k], gid=f"reflex_curve_{k}")
        for j, (x, yy) in enumerate(zip(velocities, y)):
            first = j == 0  # left of the first point, clear of the line leaving it
            summary.annotate(f"{yy:.2g}", (x, yy), textcoords="offset points",
                             xytext=(-6, 3) if first else (0, 7), ha="right" if first else "center",
                             va="bottom", fontsize="small", color=c)
    summary.set_xticks(velocities)
    summary.set_xticklabels([f"{v:g}" for v in velocities])
    summary.set_xlim(-0.1 * float(velocities.max()), float(velocities.max()) * 1.15)
    summary.set_ylim(bottom=0.0)
    summary.margins(y=0.15)
    summary.set_xlabel("velocity (°/s)")
    summary.set_ylabel("reflex torque of the muscle (N·m)")
    # anchored right: a title wider than this narrow column runs into the traces' side,
    # not off the figure
    summary.set_title("reflex vs velocity", fontweight="bold", loc="right")
    # the curves rise to the right: upper left is clear
    summary.legend(loc="upper left", fontsize="small", frameon=False)
    for ax in axes:
        add_teaching_label(ax.figure)
    return axes


def _clonus_text(summary) -> str:
    if summary is None:
        return "clonus: not measured"
    if not summary.present:
        return (f"no clonus: oscillation dies out\n(late/early amplitude "
                f"{summary.decay_ratio:.2f})")
    kind = "sustained" if summary.sustained else "decaying"
    return (f"clonus {summary.frequency_hz:.1f} Hz, {kind}\n"
            f"peak-to-peak {summary.early_amplitude_deg:.1f}° → {summary.late_amplitude_deg:.1f}° "
            f"(late/early {summary.decay_ratio:.2f})")


def clonus_panel(result: SimulationResult, *, axes: Sequence[Axes] | np.ndarray | None = None,
                 summary: analysis.ClonusSummary | None = None) -> np.ndarray:
    """Clonus test on a free limb: joint angle, EMG and spike raster, with the verdict.

    Parameters
    ----------
    result : SimulationResult
        A free-limb run, e.g. the ``stroke_like`` scenario
        (:func:`neurosim.experiments.clonus_protocol`).
    axes : sequence of 3 matplotlib.axes.Axes, optional
        Axes to draw into, top to bottom (default: a new 10 × 8 in figure).
    summary : ClonusSummary, optional
        The measurement to print (default: :func:`neurosim.analysis.clonus` of the
        result; if the run is too short to measure, the figure says so).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (3,)
        From top to bottom: :func:`joint` (ankle angle in deg, applied torque in N·m
        on a twin axis), :func:`emg` (mV, 25 ms RMS envelope, short enough to show
        the beats) and :func:`raster`. The verdict — clonus frequency (Hz),
        sustained or decaying, early and late peak-to-peak amplitude (deg) — is in a
        text box on the top panel (``gid="clonus_summary"``) and in its title.
    """
    if summary is None:
        try:
            summary = analysis.clonus(result)
        except ValueError:
            summary = None
    if axes is None:
        fig, axes = plt.subplots(3, 1, figsize=(10.0, 8.0), sharex=True, layout="constrained",
                                 height_ratios=(2.2, 2.0, 2.6))
    axes = _check_axes(axes, (3,), "clonus_panel")
    joint(result, ax=axes[0])
    emg(result, ax=axes[1], envelope_ms=25.0)
    raster(result, ax=axes[2])
    for ax in axes[:-1]:
        ax.set_xlabel("")
    pushes = [c for c in result.protocol.components if c.channel == "torque"]
    for c in pushes:
        for t0 in c.times_s:
            for ax in axes:
                ax.axvline(t0, color=PALETTE["grey"], linewidth=0.8, linestyle=":",
                           gid="push_marker")
            axes[0].annotate(f"← push ({c.torque_Nm:g} N·m, {c.width_ms:g} ms)", (t0, 0.62),
                             xycoords=("data", "axes fraction"), xytext=(16, 0),
                             textcoords="offset points", ha="left", va="center",
                             fontsize="small", color=PALETTE["grey"])
    text = _clonus_text(summary)
    axes[0].text(0.5, 0.96, text, transform=axes[0].transAxes, ha="center", va="top",
                 fontsize="medium", fontweight="bold", gid="clonus_summary",
                 bbox=dict(boxstyle="round,pad=0.3", facecolor="white",
                           edgecolor=PALETTE["grey"], alpha=0.9))
    torque_axes = [a for a in axes[0].figure.axes if a.get_gid() == "joint_torque_axes"
                   and a.get_shared_x_axes().joined(a, axes[0])]
    for twin in torque_axes:  # torque in the lower part, under the oscillating angle
        twin.set_ylim(0.0, 2.5 * max(1e-9, max(float(np.max(ln.get_ydata(), initial=0.0))
                                                for ln in twin.get_lines())))
    legend = axes[1].get_legend()
    if legend is not None:  # the beats fill the panel: keep the legend readable
        legend.set_frame_on(True)
        legend.get_frame().set_alpha(0.9)
        legend.get_frame().set_edgecolor("none")
    name = f"Clonus test [{result.label}]" if result.label else "Clonus test"
    axes[0].set_title(f"{name}: {text.splitlines()[0]}", loc="left", fontweight="bold")
    for ax in axes:
        _xlim(ax, result)
        add_teaching_label(ax.figure)
    return axes


def strength_panel(runs_by_effort: Mapping[float, Sequence[SimulationResult]], *,
                   labels: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
    """Voluntary force at several efforts for several cases, on one axis.

    Parameters
    ----------
    runs_by_effort : mapping of float to sequence of SimulationResult
        Effort (fraction of maximal command) → one :func:`~neurosim.experiments.voluntary_protocol`
        run per case, cases in the same order for every effort.
    labels : sequence of str, optional
        One name per case (default each run's label).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 9 × 3.6 in figure).

    Returns
    -------
    matplotlib.axes.Axes
        Force (% of maximal) against time (s): one colour per case, solid for the
        largest effort and dashed for smaller ones; the hold in which strength is read
        (:data:`neurosim.experiments.VOLUNTARY_HOLD_S`) is shaded (``gid="hold"``) and
        each line's legend entry gives its mean force there. Lines have
        ``gid="strength_{case}_{effort}"``.
    """
    from ..experiments import VOLUNTARY_HOLD_S, hold_force_percent
    efforts = sorted(runs_by_effort, reverse=True)
    n = len(runs_by_effort[efforts[0]])
    labels = _set_labels(labels, n, (r.label or f"case {k + 1}"
                                     for k, r in enumerate(runs_by_effort[efforts[0]])))
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 3.6), layout="constrained")
    ax.axvspan(*VOLUNTARY_HOLD_S, color=PALETTE["grey"], alpha=0.12, linewidth=0, gid="hold",
               label="hold: strength read here")
    for j, effort in enumerate(efforts):
        for k, (r, label) in enumerate(zip(runs_by_effort[effort], labels)):
            (line,) = ax.plot(r.time_s, r.force_percent, color=_set_colour(k),
                              linewidth=2.0 if j == 0 else 1.4,
                              linestyle="-" if j == 0 else (0, (4, 2)),
                              gid=f"strength_{k}_{effort:g}",
                              label=f"{label}, {100 * effort:g} % effort: "
                                    f"{hold_force_percent(r):.0f} %")
            line.sticky_edges.y.append(0.0)
    ax.set_xlim(0.0, max(float(r.duration_s) for runs in runs_by_effort.values() for r in runs))
    ax.set_xlabel(_TIME_LABEL)
    ax.set_ylabel("force (% of max)")
    ax.set_title("strength: voluntary force at the same effort", loc="left")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", frameon=False)
    return _finish(ax)
