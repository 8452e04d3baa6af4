"""Measurements on a :class:`~neurosim.result.SimulationResult`.

Spasm episodes, firing-rate statistics, EMG amplitude and the time the pool
takes to fall silent after its input ends. Every function takes a result and
returns plain numbers or a small frozen record; none modifies the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .emg import rms_envelope
from .result import SimulationResult
from .spinal_circuit import tonic_inhibition

__all__ = ["SpasmSummary", "spasm_episodes", "recruitment_command", "FiringStatistics",
           "firing_statistics", "emg_rms_mV", "emg_envelope_mV", "time_to_rest_s", "summary_row",
           "SUMMARY_COLUMNS"]


@dataclass(frozen=True)
class SpasmSummary:
    """Involuntary force episodes.

    Attributes
    ----------
    count : int
        Number of episodes.
    total_duration_s, longest_s : float
        Sum and maximum of episode durations (s).
    peak_force_percent : float
        Largest involuntary force in any episode (% of maximal force); 0 if none.
    episodes : tuple of (float, float)
        ``(start_s, end_s)`` of each episode.
    """

    count: int
    total_duration_s: float
    longest_s: float
    peak_force_percent: float
    episodes: tuple


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start/stop indices (stop exclusive) of the True runs in ``mask``."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2], edges[1::2]))


def recruitment_command(result: SimulationResult) -> float:
    """Voluntary command (fraction of maximum) at which the smallest unit starts to fire.

    Computed from the parameters with noise, PIC and Renshaw inhibition ignored:
    the synaptic drive must overcome rheobase plus tonic inhibition.
    """
    p = result.parameters
    needed = 1.0 + tonic_inhibition(p.inhibition)  # in units of rheobase
    s = p.pool.synaptic_saturation
    if needed >= s:
        return 1.0
    x = s * needed / (s - needed)  # invert u = s x / (s + x)
    return min(1.0, x * p.pool.rheobase_smallest_nA / p.pool.max_drive_nA)


def spasm_episodes(result: SimulationResult, *, force_threshold_percent: float = 10.0,
                   min_duration_s: float = 0.5, command_threshold: float | None = None
                   ) -> SpasmSummary:
    """Find spasm episodes: involuntary force lasting at least ``min_duration_s``.

    Force counts as involuntary while the voluntary command is below
    ``command_threshold`` (default: the command that recruits the smallest unit,
    :func:`recruitment_command`) — so any force then comes from afferent input,
    persistent inward currents or disinhibition, not from the will.

    Parameters
    ----------
    result : SimulationResult
    force_threshold_percent : float
        Force (% of maximal force) above which a sample counts, in (0, 100].
    min_duration_s : float
        Shortest episode counted (s), ≥ 0.
    command_threshold : float, optional
        Command below which force is involuntary (fraction of maximum).

    Returns
    -------
    SpasmSummary
    """
    if not (0 < force_threshold_percent <= 100):
        raise ValueError(f"force_threshold_percent = {force_threshold_percent!r} % is out of "
                         f"range: allowed (0, 100] %")
    if not (min_duration_s >= 0):
        raise ValueError(f"min_duration_s = {min_duration_s!r} s must be ≥ 0 s")
    if command_threshold is None:
        command_threshold = recruitment_command(result)
    force = result.force_percent
    mask = (force > force_threshold_percent) & (result.command < command_threshold)
    episodes = []
    for start, stop in _runs(mask):
        duration = (stop - start) / result.output_rate_hz
        if duration >= min_duration_s:
            episodes.append((start, stop))
    durations = [(b - a) / result.output_rate_hz for a, b in episodes]
    return SpasmSummary(
        count=len(episodes),
        total_duration_s=float(sum(durations)),
        longest_s=float(max(durations, default=0.0)),
        peak_force_percent=float(max((force[a:b].max() for a, b in episodes), default=0.0)),
        episodes=tuple((a / result.output_rate_hz, b / result.output_rate_hz)
                       for a, b in episodes),
    )


@dataclass(frozen=True)
class FiringStatistics:
    """Firing-rate statistics of the pool.

    Attributes
    ----------
    units_recruited : int
        Units that fired at least twice.
    recruitment_rate_hz : ndarray, shape (n_units,)
        Instantaneous rate from each unit's first interspike interval (NaN if < 2 spikes).
    derecruitment_rate_hz : ndarray, shape (n_units,)
        Instantaneous rate from each unit's last interspike interval (NaN if < 2 spikes).
    mean_rate_hz : ndarray, shape (n_units,)
        Spikes divided by the time between first and last spike (NaN if < 2 spikes).
    peak_rate_hz : ndarray, shape (n_units,)
        Highest rate over three consecutive intervals (NaN if < 4 spikes).
    """

    units_recruited: int
    recruitment_rate_hz: np.ndarray
    derecruitment_rate_hz: np.ndarray
    mean_rate_hz: np.ndarray
    peak_rate_hz: np.ndarray


def firing_statistics(result: SimulationResult) -> FiringStatistics:
    """Recruitment and derecruitment rates, mean and peak rates of every unit."""
    n = result.n_units
    rec, derec, mean, peak = (np.full(n, np.nan) for _ in range(4))
    order = np.argsort(result.spike_units, kind="stable")  # spikes grouped by unit, in time
    units = result.spike_units[order]
    times = result.spike_times_s[order]
    bounds = np.searchsorted(units, np.arange(n + 1))
    for u in range(n):
        t = times[bounds[u]:bounds[u + 1]]
        if t.size < 2:
            continue
        isi = np.diff(t)
        rec[u] = 1.0 / isi[0]
        derec[u] = 1.0 / isi[-1]
        mean[u] = (t.size - 1) / (t[-1] - t[0])
        if isi.size >= 3:
            peak[u] = 1.0 / np.convolve(isi, np.ones(3) / 3, mode="valid").min()
    return FiringStatistics(int(np.sum(~np.isnan(rec))), rec, derec, mean, peak)


def emg_rms_mV(result: SimulationResult, start_s: float = 0.0, stop_s: float | None = None) -> float:
    """Root-mean-square surface EMG (mV) between ``start_s`` and ``stop_s``."""
    stop_s = result.duration_s if stop_s is None else stop_s
    sel = (result.time_s >= start_s) & (result.time_s < stop_s)
    if not sel.any():
        raise ValueError(f"no EMG samples between start_s = {start_s:g} s and "
                         f"stop_s = {stop_s:g} s (run lasts {result.duration_s:g} s)")
    return float(np.sqrt(np.mean(result.emg_mV[sel] ** 2)))


def emg_envelope_mV(result: SimulationResult, window_ms: float = 100.0) -> np.ndarray:
    """Moving-RMS EMG envelope (mV), shape (n_samples,)."""
    return rms_envelope(result.emg_mV, result.output_rate_hz, window_ms)


def time_to_rest_s(result: SimulationResult) -> float:
    """Time from the end of the last input to the pool's last spike (s).

    0 when no spike follows the end of the input; ``nan`` if the input never ends
    within the run. A healthy pool falls silent within a fraction of a second;
    self-sustained firing keeps it going for seconds.
    """
    end = result.protocol.input_end_s()
    if end >= result.duration_s:
        return float("nan")
    after = result.spike_times_s[result.spike_times_s >= end]
    return float(after.max() - end) if after.size else 0.0


SUMMARY_COLUMNS = ("spasms", "longest_s", "total_s", "peak_%", "rest_after_s", "units", "emg_rms_mV")


def summary_row(result: SimulationResult) -> dict[str, float]:
    """The headline numbers of one run, keyed by :data:`SUMMARY_COLUMNS`."""
    spasm = spasm_episodes(result)
    stats = firing_statistics(result)
    return {"spasms": spasm.count, "longest_s": spasm.longest_s,
            "total_s": spasm.total_duration_s, "peak_%": float(result.force_percent.max()),
            "rest_after_s": time_to_rest_s(result), "units": stats.units_recruited,
            "emg_rms_mV": emg_rms_mV(result)}

