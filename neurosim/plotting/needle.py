"""The needle EMG as the EMG machine's screen shows it.

:func:`plot_needle_emg` draws the recording in consecutive sweeps stacked one below the
other (the machine's raster display): ten divisions across at a clinical sweep speed,
negative up as clinicians display it, at the gain used to look for spontaneous activity at
rest (50 µV per division) or at a MUAP gain on effort. :func:`plot_needle_muaps` draws the
MUAP of every unit close enough to measure, with its amplitude, duration and phases.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes

from ..needle import NeedleRecording
from ..needle_analysis import effort_window_s, muap_measures, recruitment, spontaneous_activity
from .base import PALETTE, _finish, _new_axes, _set_colour

__all__ = ["plot_needle_emg", "plot_needle_muaps", "REST_SENSITIVITY_UV_PER_DIV",
           "EFFORT_SENSITIVITY_UV_PER_DIV", "SWEEP_MS_PER_DIV", "DIVISIONS"]

REST_SENSITIVITY_UV_PER_DIV = 50.0
"""Gain at rest (µV per division): fibrillations of 20–200 µV span up to four divisions
(Preston & Shapiro: 50 µV/div to look for spontaneous activity)."""
EFFORT_SENSITIVITY_UV_PER_DIV = 500.0
"""Gain on effort (µV per division): MUAPs of a few mV stay on the screen."""
SWEEP_MS_PER_DIV = 100.0
"""Sweep speed (ms per division) of the raster display: a second per sweep, to see firing
patterns (10 ms/div shows a single potential's shape; see :func:`plot_needle_muaps`)."""
DIVISIONS = 10
"""Divisions across the screen."""
_LANE_DIVISIONS = 4  # least vertical divisions per sweep in the raster display


def _window_title(recording: NeedleRecording) -> str:
    label = recording.result.label or "run"
    site = recording.parameters.needle_site
    if recording.at_rest:
        found = ", ".join(spontaneous_activity(recording).findings())
        return f"Needle EMG at rest — {label}, site {site}: {found}"
    rc = recruitment(recording)
    ratio = "n/a" if math.isnan(rc.recruitment_ratio) else f"{rc.recruitment_ratio:.1f}"
    return (f"Needle EMG on effort — {label}, site {site}: {len(rc.units_firing)} units "
            f"firing, recruitment ratio {ratio}, interference {rc.interference}")


def plot_needle_emg(recording: NeedleRecording, *, ax: Axes | None = None,
                    start_s: float | None = None, sweeps: int | None = None,
                    sweep_ms_per_div: float = SWEEP_MS_PER_DIV,
                    sensitivity_uV_per_div: float | None = None) -> Axes:
    """Draw the needle recording as consecutive sweeps of the EMG screen.

    Parameters
    ----------
    recording : NeedleRecording
    ax : Axes, optional
        Axes to draw into (default: a new figure).
    start_s : float, optional
        Start of the first sweep (s); default 0 at rest, the settled hold on effort
        (:func:`neurosim.needle_analysis.effort_window_s`).
    sweeps : int, optional
        Consecutive sweeps stacked top to bottom (default: 5 at rest, 2 on effort, fewer
        if the recording is shorter).
    sweep_ms_per_div : float
        Sweep speed (ms per division; :data:`DIVISIONS` divisions per sweep).
    sensitivity_uV_per_div : float, optional
        Gain (µV per division); default :data:`REST_SENSITIVITY_UV_PER_DIV` at rest,
        :data:`EFFORT_SENSITIVITY_UV_PER_DIV` on effort. Potentials taller than a sweep's
        lane are cut off, as on the screen.

    Returns
    -------
    Axes

    Raises
    ------
    ValueError
        If the speed or gain is not positive, or the first sweep starts outside the
        recording.
    """
    rest = recording.at_rest
    gain = (REST_SENSITIVITY_UV_PER_DIV if rest else EFFORT_SENSITIVITY_UV_PER_DIV) \
        if sensitivity_uV_per_div is None else float(sensitivity_uV_per_div)
    if not (math.isfinite(gain) and gain > 0):
        raise ValueError(f"sensitivity_uV_per_div = {sensitivity_uV_per_div!r} µV/div must "
                         f"be a positive number")
    speed = float(sweep_ms_per_div)
    if not (math.isfinite(speed) and speed > 0):
        raise ValueError(f"sweep_ms_per_div = {sweep_ms_per_div!r} ms/div must be a positive "
                         f"number")
    start = (0.0 if rest else effort_window_s(recording)[0]) if start_s is None \
        else float(start_s)
    duration = recording.duration_s
    if not 0.0 <= start < duration:
        raise ValueError(f"start_s = {start_s!r} s must lie in [0, {duration:g}) s, within "
                         f"the recording")
    sweep_s = DIVISIONS * speed / 1000.0
    available = max(1, int((duration - start) // sweep_s)) if duration - start >= sweep_s \
        else 1
    n_sweeps = min(available, 5 if rest else 2) if sweeps is None else int(sweeps)
    if n_sweeps < 1:
        raise ValueError(f"sweeps = {sweeps!r} must be at least 1")
    if ax is None:
        ax = _new_axes(figsize=(9.0, 1.2 + 0.9 * n_sweeps))
    rate = recording.sampling_rate_hz
    lane = max(_LANE_DIVISIONS, DIVISIONS // n_sweeps)
    half = 0.5 * lane
    for k in range(n_sweeps):
        i0 = int(round((start + k * sweep_s) * rate))
        i1 = min(int(round((start + (k + 1) * sweep_s) * rate)), recording.signal_mV.size)
        if i0 >= i1:
            break
        t_ms = 1000.0 * np.arange(i1 - i0) / rate
        # negative up, in divisions, cut off at the lane's edges
        y = np.clip(-1000.0 * recording.signal_mV[i0:i1] / gain, -half, half)
        ax.plot(t_ms / speed, y - k * lane, color=PALETTE["black"], lw=0.6)
        ax.text(-0.15, -k * lane, f"{start + k * sweep_s:g} s", ha="right", va="center",
                fontsize="small", color=PALETTE["grey"])
    ax.set_xlim(0, DIVISIONS)
    ax.set_ylim(-lane * (n_sweeps - 1) - half, half)
    ax.set_xticks(np.arange(DIVISIONS + 1))
    ax.set_yticks(np.arange(-lane * (n_sweeps - 1) - half, half + 1e-9, 1.0))
    ax.tick_params(labelbottom=False, labelleft=False, length=0)
    ax.grid(True, color=PALETTE["grey"], lw=0.3, alpha=0.5)
    ax.set_xlabel(f"{speed:g} ms/div, {gain:g} µV/div, negative up; {n_sweeps} consecutive "
                  f"sweeps of {1000 * sweep_s:g} ms")
    ax.set_title(_window_title(recording), fontsize="medium", loc="left")
    return _finish(ax)


def plot_needle_muaps(recording: NeedleRecording, *, ax: Axes | None = None,
                      usable_only: bool = True, window_ms: float = 30.0,
                      max_units: int | None = None) -> Axes:
    """Draw the MUAP of each unit near the needle side by side, with its measures.

    Parameters
    ----------
    recording : NeedleRecording
    ax : Axes, optional
    usable_only : bool
        Only the units close enough to measure (rise time within
        :data:`neurosim.needle_analysis.USABLE_RISE_TIME_MS`); else every visible one.
    window_ms : float
        Time shown per MUAP (ms), centred on its main negative peak.
    max_units : int, optional
        Show at most this many, the largest (default all): their labels stay readable in a
        narrow panel.

    Returns
    -------
    Axes
    """
    m = muap_measures(recording)
    rows = np.flatnonzero(m.usable if usable_only else m.visible)
    if max_units is not None:
        if max_units < 1:
            raise ValueError(f"max_units = {max_units} must be ≥ 1 (or None for all)")
        largest = np.sort(np.argsort(m.amplitude_mV[rows])[::-1][:max_units])
        rows = rows[largest]
    if ax is None:
        ax = _new_axes(figsize=(9.0, 3.0))
    t = recording.template_time_ms
    half = 0.5 * float(window_ms)
    gap = 0.15 * window_ms
    low, high = -0.1, 0.1
    for j, row in enumerate(rows):
        w = recording.unit_templates_mV[row]
        centre = t[int(np.argmin(w))]
        keep = np.abs(t - centre) <= half
        x0 = j * (window_ms + gap)
        ax.plot(x0 + t[keep] - centre + half, w[keep], color=_set_colour(j), lw=1.0)
        low, high = min(low, float(w[keep].min())), max(high, float(w[keep].max()))
        ax.text(x0 + half, 0.98, f"unit {m.units[row]}\n{m.amplitude_mV[row]:.1f} mV, "
                f"{m.duration_ms[row]:.0f} ms\n{m.phases[row]} phases",
                transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize="small")
    if rows.size == 0:
        ax.text(0.5, 0.5, "no MUAP close enough to measure at this site",
                transform=ax.transAxes, ha="center", va="center", color=PALETTE["grey"])
    ax.axhline(0.0, color=PALETTE["grey"], lw=0.4)
    span = high - low
    ax.set_ylim(high + 0.1 * span, low - 0.6 * span)  # inverted: negative up, room for labels
    ax.set_xlim(-gap, max(1, rows.size) * (window_ms + gap))
    ax.set_xticks([])
    ax.set_ylabel("mV, negative up")
    ax.set_xlabel(f"each MUAP: {window_ms:g} ms around its main peak")
    label = recording.result.label or "run"
    ax.set_title(f"MUAPs near the needle — {label}, site {recording.parameters.needle_site}",
                 fontsize="medium", loc="left")
    return _finish(ax)
