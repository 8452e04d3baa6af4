"""Figures of a :class:`~neurosim.result.SimulationResult` (matplotlib).

Single-panel functions (:func:`raster`, :func:`force`, :func:`emg`,
:func:`pic_and_inhibition`, :func:`pic_balance`, :func:`membrane`, :func:`joint`) draw on
one Axes:
pass ``ax=`` to draw into an existing Axes, or leave it out to get a new figure.
They return the Axes. :func:`overview` stacks four panels for one run;
:func:`comparison` puts two runs side by side with shared y-limits so amplitudes
can be compared.

The clinical tests of :mod:`neurosim.experiments` have their own multi-panel
figures: :func:`reflex_velocity_panel` (passive stretch at several velocities,
e.g. healthy against spastic), :func:`clonus_panel` (free-limb clonus test) and
:func:`conduction_panel` (nerve conduction study: M-waves, H-reflex, H/M curve) and
:func:`junction_panel` (acetylcholinesterase inhibition: endplate potential after one
nerve shock, force during a 30 Hz train).

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

from . import TEACHING_LABEL, analysis
from ._atomic import atomic_open
from .emg import rms_envelope
from .result import SimulationResult

__all__ = ["PALETTE", "add_teaching_label", "raster", "force", "emg", "pic_and_inhibition",
           "pic_balance", "membrane", "endplate", "display_trace", "joint", "overview",
           "comparison", "reflex_velocity_panel", "clonus_panel", "conduction_panel",
           "junction_panel", "strength_panel", "decrement_panel", "save_figure"]

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
_LABEL_FONTSIZE = 9.0  # points: legible on a projector and in print
_LABEL_COLOUR = "#555555"  # 7.5:1 contrast on white (WCAG AA asks 4.5:1 for text)
_LABEL_STRIP_IN = 0.26  # height reserved for the label under a laid-out figure (inches)
_TIME_LABEL = "time (s)"
_MEMBRANE_COLOURS = ("blue", "vermillion", "bluish_green", "reddish_purple", "orange",
                     "sky_blue", "black")
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


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start/stop indices (stop exclusive) of the True runs in ``mask``."""
    padded = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


DISPLAY_POINTS = 8000
"""Per-step traces longer than this are reduced for display (see :func:`display_trace`)."""


def display_trace(time_s: np.ndarray, values: np.ndarray, max_points: int = DISPLAY_POINTS):
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
          color: str | None = None, label: str | None = None, legend: bool = True):
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
    legend : bool
        Draw the legend (default). ``False`` leaves it to the caller, e.g. when several
        runs share the axes.

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
    if legend:
        ax.legend(loc="upper right", fontsize="small", frameon=False)
    return _finish(ax)


def emg(result: SimulationResult, *, ax=None, envelope_ms: float = 100.0,
        color: str | None = None, label: str | None = None, legend: bool = True):
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
    label : str, optional
        Legend entry of the envelope (default ``"RMS envelope (<window> ms)"``).
    legend : bool
        Draw the legend (default). ``False`` leaves it to the caller, e.g. when several
        runs share the axes.

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
            label=f"RMS envelope ({envelope_ms:g} ms)" if label is None else label,
            gid="emg_envelope")
    _xlim(ax, result)
    ax.set_xlabel(_TIME_LABEL)
    ax.set_ylabel("surface EMG (mV)")
    if legend:
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


def pic_balance(result: SimulationResult, *, ax=None, units=None, legend: bool = True):
    r"""The balance that decides self-sustained firing: PIC against rheobase + inhibition.

    A motor neuron keeps firing with no input once its persistent inward current beats
    its rheobase plus the inhibition that is left, :math:`P_i\,m_i h_i > 1 + \iota(t)`
    (see :mod:`neurosim.motor_pool`). This panel draws both sides of that inequality on
    one axis, in units of the unit's own rheobase, so you can see the PIC line cross
    above the threshold when the unit switches on and sink below it when it stops. The
    inequality leaves out the smaller terms of the input (noise, the AHP, what is left of
    the synaptic drive), so firing can stop a little before or after the crossing.

    Parameters
    ----------
    result : SimulationResult
        A run with recorded units (``record_units=`` of :func:`neurosim.simulate` or
        ``Scenario.run``); their per-step PIC activation ``m·h`` is used.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 8 × 3 in figure).
    units : sequence of int, optional
        Recorded units to show (default: all recorded units). One unit per panel reads
        best.
    legend : bool
        Draw the legend (default, lower right). ``False`` leaves it to the caller, e.g. in
        a grid of panels that all say the same.

    Returns
    -------
    matplotlib.axes.Axes
        x = time (s), y = current in units of rheobase (dimensionless, 1 = rheobase):

        * ``gid="threshold"`` — rheobase plus inhibition, ``1 + result.inhibition``
          (black, at ``result.time_s``);
        * ``gid="pic_<unit>"`` — the unit's PIC :math:`P_i m_i h_i`: its amplitude
          :math:`P_i` (``pic.strength`` × the unit's own amplitude, in rheobase units;
          :func:`neurosim.motor_pool.pool_arrays`) times the recorded activation
          ``result.unit_pic_activation`` (``m·h``, 0–1) sampled at ``result.time_s``;
        * ``gid="spikes_<unit>"`` — the unit's spike times as thin tick marks in a strip
          at the top of the panel (a ``LineCollection``);
        * ``gid="self_sustained_<unit>"`` — shaded from the end of the input
          (``result.protocol.input_end_s()``) to the unit's last spike, when the unit
          fires after the input has ended: the self-sustained stretch;
        * ``gid="afferent"`` — every stretch of afferent input, shaded orange.

        The y axis starts at 0; its top leaves room for the spike strip and never lowers
        a limit already set, so panels that share their y axis all fit.

    Raises
    ------
    ValueError
        If the run recorded no units, or a requested unit was not recorded.
    """
    from .motor_pool import pool_arrays  # local: numba-compiled module, loaded on use

    if result.recorded_units.size == 0:
        raise ValueError("this run recorded no units: run it with record_units=[...] "
                         "(e.g. scenario.run(seed=0, record_units=[0, 60]))")
    units, columns = _recorded_columns(result, units)
    ax = _new_axes() if ax is None else ax
    shared = ax.get_shared_y_axes().get_siblings(ax)  # includes ax itself
    previous_top = ax.get_ylim()[1] if any(a.has_data() for a in shared) else 0.0
    t = result.time_s
    rate = result.output_rate_hz
    for i, (a, b) in enumerate(_runs(result.afferent_input > 0)):
        ax.axvspan(t[a], t[b - 1] + 1.0 / rate, color=PALETTE["orange"], alpha=0.25,
                   linewidth=0, label="afferent input" if i == 0 else None, gid="afferent")
    amplitude = pool_arrays(result.parameters.pool, result.parameters.pic,
                            result.dt_ms)["pic_amplitude"]
    rows = np.clip(np.round(t * 1000.0 / result.dt_ms).astype(np.int64), 0,
                   result.unit_pic_activation.shape[0] - 1)
    threshold = 1.0 + result.inhibition
    input_end = float(result.protocol.input_end_s())
    row_height = 0.07  # of the axes height: one strip of spike ticks per unit
    strip = row_height * len(units) + 0.02
    top = 0.0
    for k, (u, col) in enumerate(zip(units, columns)):
        colour = PALETTE[_MEMBRANE_COLOURS[k % len(_MEMBRANE_COLOURS)]]
        name = "" if len(units) == 1 else f"unit {u}: "
        pic = amplitude[u] * result.unit_pic_activation[rows, col]
        ax.plot(t, pic, color=colour, linewidth=2.0, label=f"{name}PIC  $P\\,m\\,h$",
                gid=f"pic_{u}")
        top = max(top, float(pic.max(initial=0.0)))
        spikes = result.unit_spike_times(u)
        y1 = 1.0 - 0.01 - k * row_height
        ax.vlines(spikes, y1 - row_height + 0.015, y1, transform=ax.get_xaxis_transform(),
                  color=colour, linewidth=0.8, label=f"{name}spikes", gid=f"spikes_{u}")
        late = spikes[spikes > input_end]
        if input_end > 0.0 and late.size:
            ax.axvspan(input_end, float(late.max()), color=colour, alpha=0.12, linewidth=0,
                       label=f"{name}firing on its own (input over)",
                       gid=f"self_sustained_{u}")
    ax.plot(t, threshold, color=PALETTE["black"], linewidth=2.0,
            label="rheobase + inhibition  $1 + \\iota$", gid="threshold")
    top = max(top, float(threshold.max(initial=1.0)))
    ax.set_ylim(0.0, max(1.05 * top / (1.0 - strip), previous_top))
    _xlim(ax, result)
    ax.set_xlabel(_TIME_LABEL)
    ax.set_ylabel("current (× rheobase)")
    if legend:
        ax.legend(loc="lower right", fontsize="small", framealpha=0.9)
    return _finish(ax)


def _recorded_columns(result: SimulationResult, units) -> tuple[list[int], list[int]]:
    """Requested units (default: all recorded) and their columns in the per-step traces."""
    recorded = [int(u) for u in result.recorded_units]
    if units is None:
        units = recorded
    else:
        units = [int(u) for u in np.atleast_1d(units)]
        missing = [u for u in units if u not in recorded]
        if missing:
            raise ValueError(f"unit(s) {missing} were not recorded; recorded units: {recorded} "
                             f"(choose them with simulate(..., record_units=...))")
    return units, [recorded.index(u) for u in units]


def _unit_traces(result: SimulationResult, traces: np.ndarray, ax, units, *, kind: str,
                 linewidth: float, color: str | None = None, label_prefix: str = "") -> list:
    """Draw per-step traces (shape (n_steps, n_recorded)) of recorded units; return the units."""
    units, columns = _recorded_columns(result, units)
    t = result.trace_time_s
    for i, (u, col) in enumerate(zip(units, columns)):
        ax.plot(*display_trace(t, traces[:, col]), linewidth=linewidth,
                color=color or PALETTE[_MEMBRANE_COLOURS[i % len(_MEMBRANE_COLOURS)]],
                label=f"{label_prefix}unit {u}", gid=f"{kind}_{u}")
    return units


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
        one line per unit, labelled ``"unit <index>"`` (long runs reduced for display
        by :func:`display_trace`, peaks kept).

    Raises
    ------
    ValueError
        If a requested unit was not recorded.
    """
    ax = _new_axes() if ax is None else ax
    units = _unit_traces(result, result.membrane_mV, ax, units, kind="membrane", linewidth=0.6)
    _xlim(ax, result)
    ax.set_xlabel(_TIME_LABEL)
    ax.set_ylabel("membrane above rest (mV)")
    if units:  # outside the axes: the traces fill the whole panel
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small",
                  frameon=False)
    return _finish(ax)


def joint(result: SimulationResult, *, ax=None, color: str | None = None,
          legend: bool = True):
    """Ankle angle over time, with the torque acting on the foot on a second y axis.

    Parameters
    ----------
    result : SimulationResult
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 8 × 3 in figure).
    color : str, optional
        Colour of the angle line (default Okabe–Ito blue).
    legend : bool
        Draw the legend (default). ``False`` leaves it to the caller, e.g. when several
        runs share the axes.

    Returns
    -------
    matplotlib.axes.Axes
        Left y axis: joint angle (deg, positive = dorsiflexion, which stretches the
        muscle), line ``gid="joint_angle"``. Right y axis: a twin Axes with
        ``gid="joint_torque_axes"`` (find it in ``ax.figure.axes``) holding, when
        somebody holds the foot (passive stretch, isometric), the examiner's /
        dynamometer's torque ``result.joint_torque_Nm`` (N·m, ``gid="joint_torque"``);
        for a free limb (clonus test) that torque is zero, so the external load and
        pushes from the protocol are drawn instead (N·m, ``gid="applied_torque"``).
        One legend on ``ax`` lists both lines.
    """
    ax = _new_axes() if ax is None else ax
    t = result.time_s
    (angle_line,) = ax.plot(t, result.joint_angle_deg, color=color or PALETTE["blue"],
                            linewidth=1.5, label="ankle angle (deg)", gid="joint_angle")
    ax.set_ylabel("ankle angle (deg)\n(+ = dorsiflexion)")
    twin = ax.twinx()
    twin.set_gid("joint_torque_axes")
    torque_colour = PALETTE["orange"]
    if result.protocol.joint_mode == "free":
        applied = result.protocol.limb_waveforms(np.asarray(t, dtype=float))["torque_Nm"]
        (torque_line,) = twin.plot(t, applied, color=torque_colour, linewidth=1.0,
                                   linestyle="--", label="applied load + push (N·m)",
                                   gid="applied_torque")
    else:
        (torque_line,) = twin.plot(t, result.joint_torque_Nm, color=torque_colour,
                                   linewidth=1.0, linestyle="--",
                                   label="examiner / dynamometer torque (N·m)",
                                   gid="joint_torque")
    twin.set_ylim(bottom=min(0.0, float(np.min(torque_line.get_ydata(), initial=0.0))))
    twin.set_ylabel("torque on foot (N·m)", color=torque_colour)
    twin.tick_params(axis="y", colors=torque_colour)
    twin.spines["right"].set_color(torque_colour)
    ax.set_zorder(twin.get_zorder() + 1)  # angle above torque; keep ax transparent
    ax.patch.set_visible(False)
    _xlim(ax, result)
    ax.set_xlabel(_TIME_LABEL)
    if legend:
        ax.legend(handles=[angle_line, torque_line], loc="upper right", fontsize="small",
                  frameon=False)
    return _finish(ax)


def endplate(result: SimulationResult, *, ax=None, units=None, color: str | None = None,
             label_prefix: str = "", legend: bool = True):
    """Endplate potential of the recorded units, with the fibre's firing threshold.

    Parameters
    ----------
    result : SimulationResult
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 8 × 3 in figure).
    units : sequence of int, optional
        Recorded units to show (default: all recorded units).
    color : str, optional
        One colour for every unit (default: one Okabe–Ito colour per unit).
    label_prefix : str
        Put in front of each legend entry (e.g. ``"healthy "``).
    legend : bool
        Draw the legend (default). ``False`` leaves it to the caller, e.g. when several
        runs share the axes.

    Returns
    -------
    matplotlib.axes.Axes
        x = time (s, ``result.trace_time_s``), y = endplate depolarisation above rest (mV);
        one line per unit (``gid="endplate_<unit>"``; long runs reduced for display by
        :func:`display_trace`, peaks kept) and the resting fibre threshold as
        a dashed line (``gid="fibre_threshold"``).

    Raises
    ------
    ValueError
        If a requested unit was not recorded.
    """
    ax = _new_axes() if ax is None else ax
    _unit_traces(result, result.endplate_mV, ax, units, kind="endplate", linewidth=0.8,
                 color=color, label_prefix=label_prefix)
    ax.axhline(result.parameters.junction.fibre_threshold_mV, color=PALETTE["grey"],
               linestyle="--", linewidth=1.0, label="fibre AP threshold", gid="fibre_threshold")
    _xlim(ax, result)
    ax.set_xlabel(_TIME_LABEL)
    ax.set_ylabel("endplate potential (mV)")
    if legend:
        ax.legend(loc="upper right", fontsize="small", frameon=False)
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


# --------------------------------------------------------------------- clinical tests
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


def _mv(x: float) -> str:
    """Two significant digits, so that small healthy bursts do not print as 0.00."""
    return "0" if x == 0 else f"{x:.2g}"


def _imposed_stretch(result: SimulationResult):
    from .protocols import ImposedStretch
    for c in result.protocol.components:
        if isinstance(c, ImposedStretch):
            return c
    raise ValueError(f"result {result.label or '(unlabelled)'!r} has no ImposedStretch in its "
                     f"protocol; reflex_velocity_panel needs passive-stretch runs "
                     f"(experiments.reflex_vs_velocity(..., return_results=True))")


def reflex_velocity_panel(curves, *, axes=None, labels=None, results=None) -> np.ndarray:
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
            a_ax.set_title(f"{v:g} deg/s stretch", fontweight="bold")
            a_ax.tick_params(labelbottom=False)
            e_ax.set_xlabel("time from stretch onset (s)")
            if j == 0:
                a_ax.set_ylabel("ankle angle (deg)")
                e_ax.set_ylabel(f"surface EMG (mV)\nraw + {analysis.REFLEX_ENVELOPE_MS:g} ms RMS")
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
        emg_axes[0].legend(handles=window_handles, loc="upper left", fontsize="small",
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
    summary.set_xlabel("stretch velocity (deg/s)")
    summary.set_ylabel("reflex torque of the muscle (N·m)")
    summary.set_title("reflex vs stretch velocity", fontweight="bold")
    summary.legend(loc="center right", fontsize="small", frameon=False)
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


def clonus_panel(result: SimulationResult, *, axes=None, summary=None) -> np.ndarray:
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


def _emg_segment(result: SimulationResult, t0_s: float, stop_ms: float):
    rel_ms = (result.time_s - t0_s) * 1000.0
    sel = (rel_ms >= 0.0) & (rel_ms <= stop_ms)
    return rel_ms[sel], result.emg_mV[sel]


def conduction_panel(results, *, axes=None, labels=None) -> np.ndarray:
    """Nerve conduction study of one or more runs: M-waves, H-reflex and H/M curve.

    Each run (e.g. ``nerve_conduction_study`` and ``diabetic_neuropathy``) is read
    with :func:`neurosim.experiments.conduction_report` and keeps one colour in
    every panel; the legend gives each run's motor conduction velocity (m/s).

    Parameters
    ----------
    results : SimulationResult or sequence of SimulationResult
        Runs of :func:`neurosim.experiments.conduction_protocol`.
    axes : sequence of 4 matplotlib.axes.Axes, optional
        Axes to draw into, in the order below (default: a new 12 × 8 in, 2 × 2 figure).
    labels : sequence of str, optional
        One name per run (default: each result's label, or "run 1", "run 2", …).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (4,)
        0. EMG (mV) 0–25 ms after the supramaximal **distal** shock (x in ms after the
           shock), line ``gid="m_distal_{i}"``; the M-wave onset latency is marked by a
           dotted line ``gid="m_distal_latency_{i}"`` and its value in ms.
        1. The same after the supramaximal **proximal** shock (``m_proximal_{i}``,
           ``m_proximal_latency_{i}``): the extra latency is the extra nerve length
           divided by the conduction velocity.
        2. EMG 0–60 ms after the submaximal distal shock with the largest H-reflex
           (``h_trace_{i}``; H onset ``h_latency_{i}``): an M-wave from the largest
           axons the shock reaches (about half of Mmax in the healthy model at its
           12 mA Hmax), then the H-reflex after the trip to the spinal cord and back.
        3. H/M recruitment curve: peak-to-peak amplitude (mV) against distal
           intensity (mA, log axis), M-wave ``m_curve_{i}`` (solid, circles) and
           H-reflex ``h_curve_{i}`` (dashed, squares), the points of
           ``conduction_report(result).h_curve``.

    Raises
    ------
    ValueError
        If a run lacks distal or proximal shocks, or ``labels`` or ``axes`` have the
        wrong length.
    """
    from .experiments import conduction_report  # local: experiments imports the engine
    results = _as_list(results, "conduction_panel")
    labels = _set_labels(labels, len(results),
                         (r.label or f"run {i + 1}" for i, r in enumerate(results)))
    reports = [conduction_report(r) for r in results]
    axes_created = axes is None
    if axes_created:
        fig, axes = plt.subplots(2, 2, figsize=(12.0, 8.0), layout="constrained")
    axes = _check_axes(axes, (4,), "conduction_panel")
    ax_d, ax_p, ax_h, ax_c = axes

    def fmt(x, spec, unit):
        return f"{x:{spec}} {unit}" if np.isfinite(x) else "absent"

    for i, (r, rep, label) in enumerate(zip(results, reports, labels)):
        c = _set_colour(i)
        for ax, resp, site in ((ax_d, rep.distal, "distal"), (ax_p, rep.proximal, "proximal")):
            x, y = _emg_segment(r, resp.stimulus_time_s, 25.0)
            text = (f"{label}: {fmt(resp.m_latency_ms, '.1f', 'ms')}, "
                    f"{fmt(resp.m_amplitude_mV, '.1f', 'mV')}")
            if site == "proximal":
                text += f" → CV {fmt(rep.conduction_velocity_m_s, '.1f', 'm/s')}"
            ax.plot(x, y, color=c, linewidth=1.6, gid=f"m_{site}_{i}", label=text)
            if np.isfinite(resp.m_latency_ms):
                ax.axvline(resp.m_latency_ms, color=c, linewidth=1.0, linestyle=":",
                           gid=f"m_{site}_latency_{i}")
        best = max(rep.h_curve, key=lambda e: e.h_amplitude_mV)
        x, y = _emg_segment(r, best.stimulus_time_s, 60.0)
        ax_h.plot(x, y, color=c, linewidth=1.4, gid=f"h_trace_{i}",
                  label=f"{label}: {best.intensity_mA:g} mA, H {best.h_amplitude_mV:.2f} mV")
        if np.isfinite(best.h_latency_ms):
            ax_h.axvline(best.h_latency_ms, color=c, linewidth=1.0, linestyle=":",
                         gid=f"h_latency_{i}")
            ax_h.annotate(f"{best.h_latency_ms:.1f} ms", (best.h_latency_ms, 1.0),
                          xycoords=("data", "axes fraction"), xytext=(3, -3 - 12 * i),
                          textcoords="offset points", ha="left", va="top", color=c,
                          fontsize="small")
        intens = np.array([e.intensity_mA for e in rep.h_curve], dtype=float)
        ax_c.plot(intens, [e.m_amplitude_mV for e in rep.h_curve], color=c, linewidth=1.8,
                  marker="o", gid=f"m_curve_{i}", label=f"{label}: M-wave")
        ax_c.plot(intens, [e.h_amplitude_mV for e in rep.h_curve], color=c, linewidth=1.8,
                  linestyle="--", marker="s", gid=f"h_curve_{i}", label=f"{label}: H-reflex")

    d_dist = results[0].parameters.nerve.distal_site_to_muscle_m
    p_dist = results[0].parameters.nerve.proximal_site_to_muscle_m
    ax_d.set_title(f"supramaximal shock, distal site ({100 * d_dist:g} cm from muscle)",
                   loc="left")
    ax_p.set_title(f"supramaximal shock, proximal site ({100 * p_dist:g} cm from muscle)",
                   loc="left")
    for ax in (ax_d, ax_p):
        ax.set_xlim(0.0, 25.0)
        ax.set_xlabel("time after shock (ms)")
        ax.set_ylabel("surface EMG (mV)")
    low = min(ax.get_ylim()[0] for ax in (ax_d, ax_p))
    high = max(ax.get_ylim()[1] for ax in (ax_d, ax_p))
    for ax in (ax_d, ax_p):
        ax.set_ylim(low, high)
    ax_d.legend(loc="lower right", fontsize="small", frameon=False,
                title="M-wave onset latency (dotted), amplitude", title_fontsize="small")
    ax_p.legend(loc="upper left", fontsize="small", frameon=False, title_fontsize="small",
                title=f"CV = extra distance ÷ extra latency\n"
                      f"     = {100 * (p_dist - d_dist):g} cm ÷ (proximal − distal latency)",
                alignment="left")
    fig = ax_d.figure
    if axes_created:
        fig.suptitle("Nerve conduction study — motor conduction velocity: " + ", ".join(
            f"{label} {fmt(rep.conduction_velocity_m_s, '.1f', 'm/s')}"
            for label, rep in zip(labels, reports)), fontweight="bold")

    ax_h.set_xlim(0.0, 60.0)
    ax_h.set_xlabel("time after shock (ms)")
    ax_h.set_ylabel("surface EMG (mV)")
    ax_h.set_title("submaximal distal shock giving the largest H-reflex", loc="left")
    ax_h.margins(y=0.25)
    ax_h.legend(loc="lower right", fontsize="small", frameon=False)

    ax_c.set_xscale("log")
    ticks = sorted({float(e.intensity_mA) for rep in reports for e in rep.h_curve})
    ax_c.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(ticks))
    ax_c.xaxis.set_major_formatter(matplotlib.ticker.FixedFormatter([f"{t:g}" for t in ticks]))
    ax_c.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax_c.set_xlabel("distal stimulus intensity (mA, log scale)")
    ax_c.set_ylabel("peak-to-peak amplitude (mV)")
    ax_c.set_title("H/M recruitment curve", loc="left")
    ax_c.set_ylim(bottom=0.0)
    ax_c.legend(loc="upper left", fontsize="small", frameon=False)
    for ax in axes:
        add_teaching_label(ax.figure)
    return axes


# --------------------------------------------------------------------- junction
JUNCTION_WINDOW_MS = 60.0
"""Time after the single nerve shock shown by :func:`junction_panel` (ms)."""
JUNCTION_LATE_FORCE_S = analysis.TRAIN_LATE_WINDOW_S
"""Window in which :func:`junction_panel` averages the force late in the train (s)."""


def _first_shock_s(result: SimulationResult, what: str) -> float:
    stimuli = result.protocol.stimuli()
    if not stimuli:
        raise ValueError(f"{what} {result.label or '(unlabelled)'!r} has no nerve stimulus; "
                         f"junction_panel needs runs of experiments.train_protocol(...)")
    return float(stimuli[0][0])


def _ache_label(result: SimulationResult) -> str:
    return f"AChE {100.0 * result.parameters.junction.ache_activity:g} %"


def _late_force(result: SimulationResult) -> tuple[float, float]:
    """(peak force, mean force in :data:`JUNCTION_LATE_FORCE_S`), both % of maximal."""
    return float(result.force_percent.max(initial=0.0)), analysis.late_train_force_percent(result)


def _ap_words(n: int) -> str:
    return f"{n} fibre AP" + ("" if n == 1 else "s")


def _epp_verdict(x_ms, epp, ap_ms, threshold_mV, n_aps) -> str:
    """Plain words for one EPP: relay, repetitive firing, block or failure."""
    if n_aps == 0:
        return "→ no fibre AP (EPP below threshold)" if float(np.max(epp, initial=0.0)) < \
            threshold_mV else "→ no fibre AP"
    words = "→ one EPP, one AP" if n_aps == 1 else "→ long EPP: repetitive APs"
    if ap_ms.size and x_ms.size:  # still above threshold well after the last AP: block
        above = np.flatnonzero((x_ms > ap_ms[-1]) & (epp >= threshold_mV))
        if above.size and x_ms[above[-1]] - ap_ms[-1] >= 10.0:
            words += ",\nthen block (Na⁺ channels inactivated)"
    return words


def junction_panel(single_results, train_results, *, axes=None, labels=None,
                   unit=None) -> np.ndarray:
    """Acetylcholinesterase inhibition at the junction: one shock, then a 30 Hz train.

    For each case (e.g. 100 %, 10 % and 5 % AChE activity) the top row shows the
    endplate potential of one recorded unit after a single supramaximal nerve shock;
    the bottom row overlays the force of every case during a repetitive train. With
    working AChE one shock gives one brief EPP and one fibre action potential, and a
    30 Hz train a sustained tetanus. With little AChE the endplate current lasts a few
    times longer and re-fires the fibre after its refractory period (repetitive firing);
    with very little, ACh that escapes the cleft lingers, sums over the train and keeps
    the endplate depolarised, the Na⁺ channels inactivate (depolarisation block) and
    force falls during the train.

    Parameters
    ----------
    single_results : sequence of SimulationResult
        One run per case with a single shock and recorded units, e.g.
        ``simulate(p, experiments.train_protocol(1.0, 1), 0.25, record_units=[0, 60, 119])``.
    train_results : sequence of SimulationResult
        One run per case (same order) of a train, e.g.
        ``simulate(p, experiments.train_protocol(30.0, 30), 1.2)``.
    axes : sequence of matplotlib.axes.Axes, optional
        ``n_cases + 1`` Axes: one per case for the EPP, then one for the force
        (default: a new figure, the force axis spanning the columns).
    labels : sequence of str, optional
        One name per case (default ``"AChE <activity> %"`` from each run's parameters).
    unit : int, optional
        Recorded unit whose endplate is shown (default: each run's first recorded unit).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (n_cases + 1,)
        ``[:n]`` EPP axes, x = ms after the first shock (0–60 ms), y = endplate potential
        (mV above rest), shared y-limits. In column k: the EPP ``gid="epp_{k}"`` (the
        plotted window of ``result.endplate_mV[:, col]``), the fibre threshold
        ``gid="fibre_threshold_{k}"`` (dashed), the unit's fibre action potentials as
        markers on the trace ``gid="fibre_aps_{k}"``, the numbers of
        :func:`neurosim.analysis.endplate_response` (EPP amplitude, decay, safety factor,
        fibre APs) in a text box ``gid="epp_summary_{k}"`` and the cleft ACh (quanta) as a
        thin line ``gid="cleft_ach_{k}"`` on a twin axis ``gid="cleft_ach_axes"`` (find it
        in ``ax.figure.axes``). ``[-1]`` force (% of maximal) against time (s): line
        ``gid="force_{k}"`` per case (``train_results[k].force_percent``; the legend gives
        its peak → mean of 0.9–1.1 s) and the shocks ``gid="shock_times"``.

    Raises
    ------
    ValueError
        If the sequences differ in length, a run has no stimulus, ``unit`` was not
        recorded, or ``labels`` or ``axes`` have the wrong length.
    """
    singles = _as_list(single_results, "junction_panel")
    trains = _as_list(train_results, "junction_panel")
    n = len(singles)
    if len(trains) != n:
        raise ValueError(f"junction_panel needs one train run per single-shock run; got "
                         f"{n} single-shock and {len(trains)} train runs")
    labels = _set_labels(labels, n, (_ache_label(r) for r in singles))
    shocks = [_first_shock_s(r, "single-shock run") for r in singles]
    units, cols, responses = [], [], []
    for r, t0 in zip(singles, shocks):
        recorded = [int(u) for u in r.recorded_units]
        if not recorded:
            raise ValueError("junction_panel needs recorded units in the single-shock runs "
                             "(simulate(..., record_units=[...]))")
        u = recorded[0] if unit is None else int(unit)
        if u not in recorded:
            raise ValueError(f"unit = {u} was not recorded; recorded units: {recorded}")
        units.append(u)
        cols.append(recorded.index(u))
        responses.append(analysis.endplate_response(r, impulse_time_s=t0, unit=u))

    axes_created = axes is None
    if axes_created:
        fig = plt.figure(figsize=(max(11.0, 4.2 * n), 7.6), layout="constrained")
        gs = fig.add_gridspec(2, n, height_ratios=(1.25, 1.0))
        top = [fig.add_subplot(gs[0, k]) for k in range(n)]
        axes = [*top, fig.add_subplot(gs[1, :])]
    axes = _check_axes(axes, (n + 1,), "junction_panel")
    epp_axes, f_ax = axes[:n], axes[n]

    twins = []
    for k, (r, t0, col, resp, label) in enumerate(zip(singles, shocks, cols, responses, labels)):
        ax = epp_axes[k]
        c = _set_colour(k)
        rel_ms = (r.trace_time_s - t0) * 1000.0
        sel = (rel_ms >= 0.0) & (rel_ms <= JUNCTION_WINDOW_MS)
        x, epp = rel_ms[sel], r.endplate_mV[sel, col]
        twin = ax.twinx()
        twin.set_gid("cleft_ach_axes")
        twin.plot(x, r.cleft_ach[sel, col], color=PALETTE["grey"], linewidth=0.9,
                  linestyle="-", gid=f"cleft_ach_{k}", label="cleft ACh (right axis)")
        twins.append(twin)
        ax.set_zorder(twin.get_zorder() + 1)  # EPP above the ACh line; keep ax transparent
        ax.patch.set_visible(False)
        ax.plot(x, epp, color=c, linewidth=2.0, gid=f"epp_{k}", label="endplate potential")
        theta = float(r.parameters.junction.fibre_threshold_mV)
        ax.axhline(theta, color=PALETTE["black"], linewidth=1.0, linestyle="--",
                   gid=f"fibre_threshold_{k}", label=f"fibre threshold ({theta:g} mV)")
        aps = r.activation_times_s[r.activation_units == units[k]]
        ap_ms = (aps - t0) * 1000.0
        ap_ms = ap_ms[(ap_ms >= 0.0) & (ap_ms <= JUNCTION_WINDOW_MS)]
        ax.plot(ap_ms, np.interp(ap_ms, x, epp) if x.size else ap_ms, linestyle="none",
                marker="v", markersize=9, markerfacecolor=PALETTE["yellow"],
                markeredgecolor=PALETTE["black"], markeredgewidth=1.0, zorder=5,
                gid=f"fibre_aps_{k}", label="fibre action potential")
        decay = (f"{resp.epp_decay_ms:.1f} ms" if np.isfinite(resp.epp_decay_ms)
                 else f"> {JUNCTION_WINDOW_MS:g} ms" if resp.epp_amplitude_mV > 0 else "—")
        text = (f"EPP {resp.epp_amplitude_mV:.0f} mV, decay {decay}\n"
                f"safety factor {resp.safety_factor:.1f}\n"
                f"{_ap_words(resp.fibre_aps)} per nerve shock\n"
                + _epp_verdict(x, epp, ap_ms, theta, resp.fibre_aps))
        ax.text(0.97, 0.96, text, transform=ax.transAxes, ha="right", va="top",
                fontsize="small", color=PALETTE["black"], gid=f"epp_summary_{k}",
                bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor=c,
                          linewidth=1.5, alpha=0.9), zorder=6)
        ax.set_title(label, fontweight="bold", color=c)
        ax.set_xlim(0.0, JUNCTION_WINDOW_MS)
        ax.set_xlabel("time after the nerve shock (ms)")
        if k == 0:
            ax.set_ylabel(f"endplate potential of unit {units[k]}\n(mV above rest)")
        if k == n - 1:  # one ACh scale for the row: labelled once, on the right
            twin.set_ylabel("cleft ACh (quanta)", color=PALETTE["grey"])
        twin.tick_params(axis="y", colors=PALETTE["grey"], labelsize="small",
                         labelright=k == n - 1)
        twin.spines["right"].set_color(PALETTE["grey"])

    # one scale per row of numbers, so the columns compare by eye; room for the text box
    top_mv = max(1.0, max(float(np.max(ln.get_ydata(), initial=0.0)) for ax in epp_axes
                          for ln in ax.get_lines() if (ln.get_gid() or "").startswith("epp_")))
    top_mv = max(top_mv, max(float(r.parameters.junction.fibre_threshold_mV) for r in singles))
    for ax in epp_axes:
        ax.set_ylim(-0.03 * top_mv, 1.55 * top_mv)
    top_ach = max(1e-9, max(float(np.max(t.get_lines()[0].get_ydata(), initial=0.0))
                            for t in twins))
    for twin in twins:  # ACh in the lower part of the panel, under the text box
        twin.set_ylim(-0.03 * top_ach * 2.2, top_ach * 2.2)
    handles, _ = epp_axes[0].get_legend_handles_labels()
    handles += twins[0].get_lines()[:1]
    epp_axes[0].legend(handles=handles, loc="center right", fontsize="small", frameon=False,
                       bbox_to_anchor=(1.0, 0.52))

    shock_s = np.array([s[0] for s in trains[0].protocol.stimuli()], dtype=float)
    rate = 1.0 / float(np.median(np.diff(shock_s))) if shock_s.size > 1 else 0.0
    train_words = f"{rate:.0f} Hz train" if rate else "shock"
    styles = ("-", (0, (5, 2)), (0, (1.5, 1.5)), "-.")
    for k, (r, label) in enumerate(zip(trains, labels)):
        peak, late = _late_force(r)
        (line,) = f_ax.plot(r.time_s, r.force_percent, color=_set_colour(k), linewidth=1.8,
                            linestyle=styles[k % len(styles)], gid=f"force_{k}",
                            label=f"{label}: peak {peak:.0f} % → {late:.0f} % late in the train")
        line.sticky_edges.y.append(0.0)
    if shock_s.size:
        f_ax.plot(shock_s, np.zeros(shock_s.size), linestyle="none", marker="|",
                  markersize=10, markeredgewidth=1.2, color=PALETTE["black"],
                  transform=f_ax.get_xaxis_transform(), clip_on=False, gid="shock_times",
                  label=f"nerve shocks ({shock_s.size} at {rate:.0f} Hz)" if rate
                  else "nerve shock")
    f_ax.set_title(f"force during a {train_words} of nerve shocks: held = tetanus, "
                   f"falling = depolarisation block", loc="left")
    a, b = JUNCTION_LATE_FORCE_S
    f_ax.axvspan(a, b, color=PALETTE["grey"], alpha=0.12, linewidth=0, gid="late_window",
                 label=f"late in the train ({a:g}–{b:g} s)")
    f_ax.set_xlim(0.0, max(float(r.duration_s) for r in trains))
    f_ax.set_ylim(0.0, 138.0)  # the legend sits above 100 %, clear of the force lines
    f_ax.set_yticks(np.arange(0.0, 101.0, 20.0))
    f_ax.set_xlabel(_TIME_LABEL)
    f_ax.set_ylabel("force (% of maximal)")
    f_ax.legend(loc="upper right", fontsize="small", frameon=True, framealpha=0.9,
                edgecolor="none", ncols=2)
    if axes_created:
        fig.suptitle("AChE inhibition at the neuromuscular junction: "
                     f"one nerve shock (top), a {train_words} (bottom)", fontweight="bold")
    for ax in axes:
        add_teaching_label(ax.figure)
    return axes


def strength_panel(runs_by_effort, *, labels=None, ax=None):
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
    from .experiments import VOLUNTARY_HOLD_S, hold_force_percent
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


def decrement_panel(results, *, axes=None, labels=None) -> np.ndarray:
    """Repetitive nerve stimulation: the M-waves of a train and their decrement.

    Parameters
    ----------
    results : sequence of SimulationResult
        One train run per case (e.g. ``simulate(p, experiments.train_protocol(3.0, 10), 3.5)``).
    axes : sequence of 2 matplotlib.axes.Axes, optional
        Default: a new 11 × 3.8 in figure.
    labels : sequence of str, optional
        One name per case (default each run's label).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (2,)
        ``[0]`` the M-waves after the 1st (solid) and 4th (dashed) shock, ms after the
        shock, per case (``gid="mwave_{case}_{shock}"``); ``[1]`` each compound muscle
        action potential (:func:`neurosim.analysis.cmap_amplitudes`) in % of the first,
        against the shock number (``gid="cmap_{case}"``), with the −10 % line that marks a
        clinically significant decrement (``gid="decrement_limit"``).
    """
    results = _as_list(results, "decrement_panel")
    labels = _set_labels(labels, len(results), (r.label or f"case {k + 1}"
                                                for k, r in enumerate(results)))
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11.0, 3.8), layout="constrained",
                               width_ratios=(1.0, 1.2))
    axes = _check_axes(axes, (2,), "decrement_panel")
    wave_ax, amp_ax = axes
    for k, (r, label) in enumerate(zip(results, labels)):
        shocks = [t for t, _, _ in r.protocol.stimuli()]
        if len(shocks) < 4:
            raise ValueError(f"decrement_panel needs at least 4 shocks per run; "
                             f"{label!r} has {len(shocks)}")
        c = _set_colour(k)
        for i, style in ((0, "-"), (3, (0, (4, 2)))):
            x, y = _emg_segment(r, shocks[i], 25.0)
            wave_ax.plot(x, y, color=c, linestyle=style, linewidth=1.6, gid=f"mwave_{k}_{i + 1}",
                         label=f"{label}, shock {i + 1}")
        amplitudes = analysis.cmap_amplitudes(r)
        relative = 100.0 * amplitudes / amplitudes[0] if amplitudes[0] > 0 else \
            np.zeros_like(amplitudes)
        amp_ax.plot(np.arange(1, amplitudes.size + 1), relative, color=c, marker="o",
                    linewidth=1.6, gid=f"cmap_{k}", label=label)
    wave_ax.set_xlabel("time after the shock (ms)")
    wave_ax.set_ylabel("surface EMG (mV)")
    wave_ax.set_title("M-waves: 1st and 4th shock", loc="left")
    wave_ax.legend(loc="upper right", fontsize="small", frameon=False)
    amp_ax.axhline(90.0, color=PALETTE["black"], linestyle="--", linewidth=1.0,
                   gid="decrement_limit", label="−10 %: a significant decrement")
    amp_ax.set_xlabel("shock number (3 Hz train)")
    amp_ax.set_ylabel("CMAP (% of the 1st)")
    amp_ax.set_ylim(0.0, 115.0)
    amp_ax.set_title("compound muscle action potential through the train", loc="left")
    amp_ax.legend(loc="lower left", fontsize="small", frameon=False)
    for ax in axes:
        _finish(ax)
    return axes


def save_figure(fig, path, *, dpi: float = 120) -> Path:
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


# --------------------------------------------------------------------- sweeps
__all__ += ["phase_diagram", "sweep_line"]


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


def phase_diagram(sweep_result, metric: str, *, ax=None, threshold: float | None = None,
                  show_threshold: bool = True, statistic: str = "mean", cmap: str = "viridis",
                  title: str | None = None):
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


def sweep_line(sweep_result, metric: str, *, axis: str | None = None, fixed=None, ax=None,
               color: str | None = None, label: str | None = None,
               threshold: float | None = None):
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
