"""Single-panel time traces of one run, each on one Axes.

:func:`raster` (spikes), :func:`force`, :func:`emg`, :func:`pic_and_inhibition`,
:func:`pic_balance` (PIC against firing threshold, in rheobase units), :func:`membrane`,
:func:`joint` (ankle angle and torque) and :func:`endplate`. Pass ``ax=`` to draw into an
existing Axes, or leave it out to get a new figure; every function returns the Axes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from ..analysis import _runs
from ..emg import rms_envelope
from ..result import SimulationResult
from .base import (PALETTE, _TIME_LABEL, _finish, _new_axes, _root_figure, _xlim,
                   display_trace)

__all__ = ["raster", "force", "emg", "pic_and_inhibition", "pic_balance", "membrane", "joint",
           "endplate", "DEFAULT_MAX_UNITS"]

DEFAULT_MAX_UNITS = 300
"""Raster plots of larger pools show this many evenly spaced units."""
_MEMBRANE_COLOURS = ("blue", "vermillion", "bluish_green", "reddish_purple", "orange",
                     "sky_blue", "black")


# --------------------------------------------------------------------- panels
def raster(result: SimulationResult, *, ax: Axes | None = None, max_units: int | None = None,
           color: str | None = None) -> Axes:
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


def _shade_afferent_input(ax, result: SimulationResult) -> None:
    """Shade the periods of imposed afferent input (``gid="afferent"``, labelled once)."""
    t, step = result.time_s, 1.0 / result.output_rate_hz
    for i, (a, b) in enumerate(_runs(result.afferent_input > 0)):
        ax.axvspan(t[a], t[b - 1] + step, color=PALETTE["orange"], alpha=0.25,
                   linewidth=0, label="afferent input" if i == 0 else None, gid="afferent")


def force(result: SimulationResult, *, ax: Axes | None = None, percent: bool = True,
          color: str | None = None, label: str | None = None, legend: bool = True) -> Axes:
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
    _shade_afferent_input(ax, result)
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


def emg(result: SimulationResult, *, ax: Axes | None = None, envelope_ms: float = 100.0,
        color: str | None = None, label: str | None = None, legend: bool = True) -> Axes:
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


def pic_and_inhibition(result: SimulationResult, *, ax: Axes | None = None) -> Axes:
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


def pic_balance(result: SimulationResult, *, ax: Axes | None = None,
                units: Sequence[int] | None = None, legend: bool = True) -> Axes:
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
    from ..motor_pool import pool_arrays  # local: numba-compiled module, loaded on use

    if result.recorded_units.size == 0:
        raise ValueError("this run recorded no units: run it with record_units=[...] "
                         "(e.g. scenario.run(seed=0, record_units=[0, 60]))")
    units, columns = _recorded_columns(result, units)
    ax = _new_axes() if ax is None else ax
    shared = ax.get_shared_y_axes().get_siblings(ax)  # includes ax itself
    previous_top = ax.get_ylim()[1] if any(a.has_data() for a in shared) else 0.0
    t = result.time_s
    _shade_afferent_input(ax, result)
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


def membrane(result: SimulationResult, *, ax: Axes | None = None,
             units: Sequence[int] | None = None) -> Axes:
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


def joint(result: SimulationResult, *, ax: Axes | None = None, color: str | None = None,
          legend: bool = True) -> Axes:
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


def endplate(result: SimulationResult, *, ax: Axes | None = None,
             units: Sequence[int] | None = None, color: str | None = None,
             label_prefix: str = "", legend: bool = True) -> Axes:
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
