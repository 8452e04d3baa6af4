"""Measurements on a :class:`~neurosim.result.SimulationResult`.

Spasm episodes, firing-rate statistics, EMG amplitude and the time the pool
takes to fall silent after its input ends. Every function takes a result and
returns plain numbers or a small frozen record; none modifies the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._schema import Number, show
from .emg import (linear_envelope, mean_frequency, median_frequency, peak_frequency,
                  rms_envelope, spectrum)
from .engine import SOURCE_ECTOPIC, SOURCE_F_WAVE, SOURCE_REFLEX, SOURCE_TERMINAL
from .result import SimulationResult
from .spinal_circuit import resting_inhibition

if TYPE_CHECKING:
    from .parameters import Parameters

__all__ = ["SpasmSummary", "spasm_episodes", "recruitment_command", "FiringStatistics",
           "firing_statistics", "conducted_units", "discharge_regularity", "emg_rms_mV", "emg_envelope_mV", "time_to_rest_s", "summary_row",
           "SUMMARY_COLUMNS", "ReflexResponse", "stretch_reflex", "stretch_resistance_Nm",
           "passive_torque_Nm", "ClonusSummary", "clonus", "autocorrelation_frequency_hz",
           "emg_linear_envelope_mV", "emg_spectrum", "EMGSpectrum",
           "EvokedResponse", "evoked_responses", "conduction_velocity_m_s", "EndplateResponse",
           "FWaveResponse", "FWaveSummary", "f_wave_responses", "f_wave_summary",
           "endplate_response", "fibre_aps_per_impulse", "cmap_amplitudes", "decrement_percent",
           "fasciculation_rate_hz", "FasciculationBreakdown", "fasciculation_breakdown",
           "is_rest_recording", "SPASM_FORCE_THRESHOLD_PERCENT", "SPASM_MIN_DURATION_S",
           "TRAIN_LATE_WINDOW_S", "late_train_force_percent", "first_shock_s", "epp_verdict"]


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

    Computed from the parameters with noise, PIC, Renshaw inhibition and the resting
    Ia input ignored: the descending drive must overcome rheobase plus the resting
    inhibition (:func:`~neurosim.spinal_circuit.resting_inhibition`, the same number
    the engine uses). With no descending pathway left, no command recruits the pool (1).
    """
    p = result.parameters
    needed = 1.0 + resting_inhibition(p)  # in units of rheobase
    s = p.pool.synaptic_saturation
    full_drive_nA = p.pool.max_drive_nA * p.descending.voluntary_drive
    if needed >= s or full_drive_nA <= 0:
        return 1.0
    x = s * needed / (s - needed)  # invert u = s x / (s + x)
    return min(1.0, x * p.pool.rheobase_smallest_nA / full_drive_nA)


SPASM_FORCE_THRESHOLD_PERCENT = 10.0
"""Involuntary force above this (% of maximal force) can be part of a spasm."""
SPASM_MIN_DURATION_S = 0.5
"""Involuntary force must last this long (s) to count as a spasm."""


def spasm_episodes(result: SimulationResult, *,
                   force_threshold_percent: float = SPASM_FORCE_THRESHOLD_PERCENT,
                   min_duration_s: float = SPASM_MIN_DURATION_S,
                   command_threshold: float | None = None
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
        episodes=tuple((float(a / result.output_rate_hz), float(b / result.output_rate_hz))
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


def conducted_units(result: SimulationResult, *, start_s: float = 0.0,
                    stop_s: float | None = None, min_impulses: int = 3) -> tuple[int, float]:
    """Motor units whose impulses reach the muscle in a window, and their median rate.

    What a needle examiner counts at strong effort: a unit shows when its axon conducts to
    its terminals, whatever its endplates then do (a failing junction makes its potential
    vary, not vanish). Spikes of motor neurons whose axon is lost or blocked are not seen
    (:attr:`~neurosim.result.SimulationResult.nerve_impulse_times_s`: impulses that reached
    the terminals).

    Parameters
    ----------
    result : SimulationResult
    start_s, stop_s : float, optional
        The window (s; default the whole run), e.g. the hold of a contraction.
    min_impulses : int
        Units with fewer impulses in the window are not counted (≥ 2).

    Returns
    -------
    n_units : int
        Units with at least ``min_impulses`` impulses in the window.
    median_rate_hz : float
        Median over those units of (impulses − 1) / (last − first impulse time) (Hz; NaN
        if none).
    """
    if min_impulses < 2:
        raise ValueError(f"min_impulses = {min_impulses!r} must be ≥ 2 (one interval)")
    stop_s = result.duration_s if stop_s is None else stop_s
    if not stop_s > start_s:
        raise ValueError(f"stop_s = {stop_s!r} s must be later than start_s = {start_s!r} s")
    inside = (result.nerve_impulse_times_s >= start_s) & (result.nerve_impulse_times_s < stop_s)
    times, units = result.nerve_impulse_times_s[inside], result.nerve_impulse_units[inside]
    rates = []
    for unit in np.unique(units):
        t = np.sort(times[units == unit])
        if t.size >= min_impulses and t[-1] > t[0]:
            rates.append((t.size - 1) / (t[-1] - t[0]))
    return len(rates), (float(np.median(rates)) if rates else float("nan"))


def discharge_regularity(result: SimulationResult, *, min_discharges: int = 5
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Mean discharge rate and interval variability of each muscle unit.

    Uses the fibre activations (every discharge that reached the muscle, whatever started
    it), so it describes cramp and fasciculation discharges as well as reflex firing.

    Parameters
    ----------
    result : SimulationResult
    min_discharges : int
        Units with fewer activations are left out.

    Returns
    -------
    rate_pps : ndarray, shape (n_kept,)
        Mean rate of each kept unit (pulses per second, 1 / mean interval).
    isi_cv : ndarray, shape (n_kept,)
        Coefficient of variation of its inter-discharge intervals (0 regular, ≈ 1 Poisson).
    """
    if min_discharges < 3:
        raise ValueError(f"min_discharges = {min_discharges!r} must be ≥ 3 (two intervals)")
    rates, cvs = [], []
    for unit in np.unique(result.activation_units):
        t = np.sort(result.activation_times_s[result.activation_units == unit])
        if t.size < min_discharges:
            continue
        isi = np.diff(t)
        rates.append(1.0 / isi.mean())
        cvs.append(isi.std() / isi.mean())
    return np.array(rates), np.array(cvs)


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


def emg_linear_envelope_mV(result: SimulationResult, cutoff_hz: float = 6.0) -> np.ndarray:
    """Linear envelope of the EMG (mV), shape (n_samples,): rectified, then a zero-phase
    Butterworth low-pass (:func:`neurosim.emg.linear_envelope`)."""
    return linear_envelope(result.emg_mV, result.output_rate_hz, cutoff_hz=cutoff_hz)


@dataclass(frozen=True)
class EMGSpectrum:
    """Welch power spectrum of a stretch of surface EMG and its summary frequencies.

    Attributes
    ----------
    freq_hz, psd : ndarray, shape (n_freq,)
        Frequencies (Hz) and power spectral density (mV²/Hz).
    mean_frequency_hz, median_frequency_hz : float
        Mean and median frequency within ``band_hz`` (NaN without power there).
    band_hz : (float, float)
        The band they summarise.
    """

    freq_hz: np.ndarray
    psd: np.ndarray
    mean_frequency_hz: float
    median_frequency_hz: float
    band_hz: tuple


def emg_spectrum(result: SimulationResult, start_s: float = 0.0, stop_s: float | None = None,
                 *, band_hz: tuple | None = None) -> EMGSpectrum:
    """Welch spectrum of the EMG between ``start_s`` and ``stop_s`` (:func:`neurosim.emg.spectrum`)
    with its mean and median frequency.

    ``band_hz`` defaults to :data:`neurosim.emg.EMG_BAND_HZ` (20–450 Hz), its upper edge
    lowered to the Nyquist frequency when the output rate is below 900 Hz.
    """
    stop_s = result.duration_s if stop_s is None else stop_s
    sel = (result.time_s >= start_s) & (result.time_s < stop_s)
    if sel.sum() < 2:
        raise ValueError(f"no EMG samples between start_s = {start_s:g} s and "
                         f"stop_s = {stop_s:g} s (run lasts {result.duration_s:g} s)")
    if band_hz is None:
        band_hz = (20.0, min(450.0, result.output_rate_hz / 2.0))
    freq, psd = spectrum(result.emg_mV[sel], result.output_rate_hz)
    return EMGSpectrum(freq, psd, mean_frequency(freq, psd, band_hz=band_hz),
                       median_frequency(freq, psd, band_hz=band_hz), tuple(band_hz))


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



# --------------------------------------------------------------------------- stretch reflex
@dataclass(frozen=True)
class ReflexResponse:
    """Response to an imposed stretch.

    Attributes
    ----------
    window_s : (float, float)
        Analysis window: the first ``REFLEX_WINDOW_S`` (0.2 s) after stretch onset, the
        same for every velocity, so faster stretches put more stretch into it.
    onset_latency_s : float
        First muscle activation after stretch onset (NaN if none).
    spikes : int
        Motor-neuron spikes in the window.
    emg_peak_mV : float
        Peak of the 25 ms moving-RMS EMG envelope in the window, minus its resting
        level (≥ 0): the size of the reflex burst.
    peak_muscle_torque_Nm : float
        Largest torque of the muscle (moment arm × force) in the window.
    peak_resistance_Nm : float
        Largest resistance to the passive stretch (:func:`stretch_resistance_Nm`: the
        joint's elastic and viscous torque plus the muscle's torque) from stretch onset
        to the end of the ramp, or over the window if that is longer: what the examiner
        feels and the Ashworth scale grades. The torque needed only to accelerate the
        foot is not part of it.
    peak_passive_torque_Nm : float
        The elastic and viscous part of that resistance at the same moment; the rest is
        the muscle (reflex) torque.
    """

    window_s: tuple
    onset_latency_s: float
    spikes: int
    emg_peak_mV: float
    peak_muscle_torque_Nm: float
    peak_resistance_Nm: float
    peak_passive_torque_Nm: float


REFLEX_WINDOW_S = 0.2
REFLEX_ENVELOPE_MS = 25.0


def _stretch_component(result: SimulationResult):
    from .protocols import ImposedStretch
    for c in result.protocol.components:
        if isinstance(c, ImposedStretch):
            return c
    raise ValueError("the result's protocol has no ImposedStretch: a stretch reflex needs "
                     "an imposed stretch (see neurosim.protocols.ImposedStretch)")


def passive_torque_Nm(result: SimulationResult) -> np.ndarray:
    """Elastic and viscous torque of the joint's passive tissues (N·m), shape (n_samples,).

    ``K θ + B θ̇`` (``limb.passive_stiffness_Nm_per_rad``, ``limb.damping_Nm_s_per_rad``)
    plus the end-stops' moment past the range of motion
    (:func:`neurosim.limb.end_stop_torque_Nm`); positive resists dorsiflexion.
    """
    from .limb import end_stop_torque_Nm
    limb = result.parameters.limb
    angle = np.deg2rad(result.joint_angle_deg)
    return (limb.passive_stiffness_Nm_per_rad * angle + end_stop_torque_Nm(angle, limb)
            + limb.damping_Nm_s_per_rad * np.deg2rad(result.joint_velocity_deg_s))


def stretch_resistance_Nm(result: SimulationResult) -> np.ndarray:
    r"""Resistance of the limb to being dorsiflexed (N·m), shape (n_samples,).

    .. math:: \tau_{res} = K\theta + B\dot\theta + r\,F_{muscle}

    The passive tissues' elastic and viscous torque plus the torque of the muscle
    (moment arm × force, reflex force included): what an examiner moving the foot
    at steady speed must overcome, and what the (modified) Ashworth scale grades. It
    leaves out the torque that only accelerates the foot's inertia, which depends on
    how abruptly the examiner starts, not on the limb.
    """
    return passive_torque_Nm(result) + result.parameters.limb.moment_arm_m * result.force_N


def stretch_reflex(result: SimulationResult) -> ReflexResponse:
    """Measure the reflex response to the protocol's :class:`~neurosim.protocols.ImposedStretch`.

    Raises
    ------
    ValueError
        If the protocol has no imposed stretch, or the run ends before the stretch begins.
    """
    c = _stretch_component(result)
    start = c.start_s
    if result.duration_s <= start:
        raise ValueError(f"stretch_reflex needs a run that goes past the stretch onset "
                         f"(imposed_stretch.start_s = {start:g} s); this run lasts "
                         f"{result.duration_s:g} s (the reflex window is the "
                         f"{REFLEX_WINDOW_S:g} s after the onset)")
    stop = min(start + REFLEX_WINDOW_S, result.duration_s)
    sel = (result.time_s >= start) & (result.time_s < stop)
    ramp_stop = min(max(stop, start + c.amplitude_deg / c.velocity_deg_s), result.duration_s)
    ramp = (result.time_s >= start) & (result.time_s < ramp_stop)
    resistance = stretch_resistance_Nm(result)[ramp]
    passive = passive_torque_Nm(result)[ramp]
    k_peak = int(np.argmax(resistance)) if resistance.size else 0
    before = result.time_s < start
    envelope = rms_envelope(result.emg_mV, result.output_rate_hz, REFLEX_ENVELOPE_MS)
    baseline = float(np.median(envelope[before])) if before.any() else 0.0
    peak = float(envelope[sel].max()) if sel.any() else 0.0
    acts = result.activation_times_s[(result.activation_times_s >= start)
                                     & (result.activation_times_s < stop)]
    spikes = int(np.sum((result.spike_times_s >= start) & (result.spike_times_s < stop)))
    torque = result.parameters.limb.moment_arm_m * result.force_N[sel]
    return ReflexResponse(
        window_s=(start, stop),
        onset_latency_s=float(acts.min() - start) if acts.size else float("nan"),
        spikes=spikes, emg_peak_mV=max(0.0, peak - baseline),
        peak_muscle_torque_Nm=float(torque.max()) if torque.size else 0.0,
        peak_resistance_Nm=float(resistance[k_peak]) if resistance.size else 0.0,
        peak_passive_torque_Nm=(float(passive[k_peak])
                                if resistance.size else 0.0))


# --------------------------------------------------------------------------- clonus
@dataclass(frozen=True)
class ClonusSummary:
    """Rhythmic oscillation of the joint after a perturbation.

    Attributes
    ----------
    present : bool
        A rhythmic oscillation in the clonus band with at least ``min_amplitude_deg``
        peak-to-peak in the last second.
    frequency_hz : float
        Dominant frequency in the band (NaN if no oscillation).
    early_amplitude_deg, late_amplitude_deg : float
        Peak-to-peak joint angle in the second second of the analysis window (after the
        perturbation's own swing) and in its last second.
    decay_ratio : float
        late / early amplitude: < 0.5 decaying, ≥ 0.5 sustained.
    sustained : bool
        ``present`` and ``decay_ratio >= 0.5``.
    """

    present: bool
    frequency_hz: float
    early_amplitude_deg: float
    late_amplitude_deg: float
    decay_ratio: float
    sustained: bool


CLONUS_HIGHPASS_HZ = 2.0
"""Slow changes of posture (a foot that drifts as tone builds) are not clonus: the joint
angle is high-pass filtered at this frequency (2nd-order Butterworth, zero phase) before
the clonus band (3–12 Hz; clinical ankle clonus 5–8 Hz) is examined."""


def autocorrelation_frequency_hz(x: np.ndarray, rate_hz: float,
                                 band_hz: tuple[float, float]) -> float:
    """Frequency of a rhythm from the autocorrelation of ``x`` (Hz).

    The first lag at which the autocorrelation has a local maximum (``scipy.signal.find_peaks``)
    among the periods the band allows, ``1 / high`` to ``1 / low``, refined between samples
    by a parabola, is the period; the frequency is its inverse. An independent check on the
    spectral peak of :func:`clonus`.

    Parameters
    ----------
    x : array_like, shape (n_samples,)
        The signal (e.g. the high-pass filtered joint angle); its mean is removed.
    rate_hz : float
        Its sampling rate (Hz).
    band_hz : (float, float)
        Frequencies allowed (Hz), ``0 < low < high``.

    Returns
    -------
    float
        NaN when the autocorrelation has no peak at those lags.
    """
    from scipy import signal

    x = np.asarray(x, dtype=float)
    x = x - x.mean()
    low, high = (float(f) for f in band_hz)
    if not 0.0 < low < high:
        raise ValueError(f"band_hz = {show(band_hz)} must be a pair 0 < low < high (Hz)")
    acf = signal.correlate(x, x, mode="full", method="fft")[x.size - 1:]
    lag_min = max(1, int(np.floor(rate_hz / high)))
    lag_max = min(x.size - 2, int(np.ceil(rate_hz / low)))
    if lag_max <= lag_min:
        return float("nan")
    peaks, _ = signal.find_peaks(acf[:lag_max + 1])
    peaks = peaks[peaks >= lag_min]
    if peaks.size == 0:
        return float("nan")
    k = int(peaks[0])
    a, b, c = acf[k - 1], acf[k], acf[k + 1]
    curvature = a - 2.0 * b + c
    lag = k + (0.5 * (a - c) / curvature if curvature < 0 else 0.0)
    return float(rate_hz / lag)


def _frequency_band(band_hz, nyquist_hz: float) -> tuple[float, float]:
    """``band_hz`` as ``(low, high)`` floats with 0 ≤ low < high ≤ the Nyquist frequency."""
    expected = (f"a pair (low, high) of frequencies with 0 ≤ low < high ≤ {nyquist_hz:g} Hz "
                f"(half the output rate)")
    if np.ndim(band_hz) != 1 or len(band_hz) != 2:
        raise ValueError(f"band_hz = {show(band_hz)} must be {expected}")
    edge = Number(unit="Hz", min=0.0, max=nyquist_hz)
    low, high = (edge.check(f, f"band_hz[{i}]") for i, f in enumerate(band_hz))
    if not low < high:
        raise ValueError(f"band_hz = ({low:g}, {high:g}) Hz must be {expected}")
    return low, high


def clonus(result: SimulationResult, *, start_s: float | None = None,
           band_hz: tuple = (3.0, 12.0), min_amplitude_deg: float = 0.5) -> ClonusSummary:
    """Detect clonus in the joint angle after the last perturbation.

    The angle is high-pass filtered (:data:`CLONUS_HIGHPASS_HZ`) so that slow postural
    drift does not count; clonus is present when the band holds at least 30 % of the
    filtered signal's power (Welch spectrum, 2 s segments) and the last second still
    swings by ``min_amplitude_deg`` peak to peak. The frequency is the band's largest
    spectral peak (a local maximum, ``scipy.signal.find_peaks``; power that only rises
    towards a band edge belongs to a rhythm outside the band and is not clonus), refined
    between frequency bins by a parabola through the peak and its neighbours
    (:func:`neurosim.emg.peak_frequency`). :func:`autocorrelation_frequency_hz` gives the
    same frequency from the autocorrelation (within 0.1 Hz for ``stroke_like``).

    Parameters
    ----------
    result : SimulationResult
        A run with a free limb (``FreeLimb`` or torque pulses).
    start_s : float, optional
        Start of the analysis (default: 0.2 s after the protocol's inputs end).
    band_hz : (float, float)
        Frequency band searched for the dominant oscillation (clonus: about 5–8 Hz).
    min_amplitude_deg : float
        Smallest late peak-to-peak amplitude counted as clonus (deg).
    """
    from scipy import signal

    if start_s is None:
        start_s = result.protocol.input_end_s() + 0.2
    start_s = Number(unit="s", min=0.0).check(start_s, "start_s")
    low, high = _frequency_band(band_hz, result.output_rate_hz / 2)
    min_amplitude_deg = Number(unit="deg", min=0.0).check(min_amplitude_deg, "min_amplitude_deg")
    sel = result.time_s >= start_s
    if result.duration_s - start_s < 4.0:
        raise ValueError(f"clonus needs at least 4 s after start_s = {start_s:g} s; the run "
                         f"lasts {result.duration_s:g} s")
    rate = result.output_rate_hz
    b, a = signal.butter(2, CLONUS_HIGHPASS_HZ, btype="highpass", fs=rate)
    angle = signal.filtfilt(b, a, result.joint_angle_deg[sel])
    t = result.time_s[sel]
    early = angle[(t >= start_s + 1.0) & (t < start_s + 2.0)]
    late = angle[t >= t[-1] - 1.0]
    early_amp, late_amp = float(np.ptp(early)), float(np.ptp(late))
    freqs, power = signal.welch(angle, fs=rate, nperseg=min(angle.size, int(2.0 * rate)))
    band = (freqs >= low) & (freqs <= high)
    total = power[1:].sum()
    rhythmic = bool(band.any() and total > 0 and power[band].sum() > 0.3 * total)
    freq = peak_frequency(freqs, power, band_hz=(low, high)) if rhythmic else float("nan")
    rhythmic = rhythmic and bool(np.isfinite(freq))
    ratio = late_amp / early_amp if early_amp > 0 else 0.0
    present = rhythmic and late_amp >= min_amplitude_deg
    return ClonusSummary(present, freq, early_amp, late_amp, float(ratio),
                         bool(present and ratio >= 0.5))


# --------------------------------------------------------------------------- nerve conduction
@dataclass(frozen=True)
class EvokedResponse:
    """M-wave and H-reflex after one electrical stimulus, measured on the surface EMG.

    Latencies are onset latencies (ms after the stimulus); amplitudes peak-to-peak (mV).
    NaN latencies mean no response above the noise.
    """

    stimulus_time_s: float
    intensity_mA: float
    site: str
    m_latency_ms: float
    m_amplitude_mV: float
    h_latency_ms: float
    h_amplitude_mV: float


M_WINDOW_MS = (1.0, 20.0)
PROXIMAL_M_WINDOW_END_MS = 30.0
H_WINDOW_END_MS = 70.0


ONSET_MAIN_FRACTION = 1.0 / 3.0
"""The evoked response's main deflection is where the signal first reaches this fraction of
its largest deviation from baseline; its onset is found by walking back from there."""


def _onset_and_amplitude(segment, time_ms, noise_mV):
    """Onset latency and peak-to-peak amplitude of an evoked response.

    The onset is where the response's main deflection (the first sample reaching
    :data:`ONSET_MAIN_FRACTION` of the largest deviation) last left the baseline: the
    crossing of a small threshold just before it, linearly interpolated between samples.
    Walking back from the main deflection, rather than taking the window's first crossing,
    skips a spontaneous motor-unit potential (a fasciculation, a cramp discharge) that comes
    and goes before the response — as an examiner reading the trace would.
    """
    if segment.size < 2:
        return float("nan"), 0.0
    p2p = float(np.ptp(segment))
    if p2p < 8.0 * noise_mV:
        return float("nan"), 0.0
    threshold = max(6.0 * noise_mV, 0.02 * p2p)
    deviation = np.abs(segment - np.median(segment[:2]))
    main = int(np.argmax(deviation >= ONSET_MAIN_FRACTION * deviation.max()))
    quiet = np.flatnonzero(deviation[:main] <= threshold)
    if deviation[main] <= threshold:
        return float("nan"), p2p
    j = int(quiet[-1]) + 1 if quiet.size else 0
    if j == 0:
        return float(time_ms[0]), p2p
    frac = (threshold - deviation[j - 1]) / (deviation[j] - deviation[j - 1])
    return float(time_ms[j - 1] + frac * (time_ms[j] - time_ms[j - 1])), p2p


def evoked_responses(result: SimulationResult) -> list[EvokedResponse]:
    """Measure the M-wave and H-reflex after every stimulus in the protocol.

    The M-wave is sought 1–20 ms after a distal stimulus (1–30 ms after a proximal
    one); the H-reflex from the end of that window (and at least 16 ms after the M
    onset) to 70 ms.
    """
    noise = max(result.parameters.emg.noise_mV, 1e-6)
    out = []
    for time_s, intensity, site in result.protocol.stimuli():
        rel_ms = (result.time_s - time_s) * 1000.0
        m_end = M_WINDOW_MS[1] if site == "distal" else PROXIMAL_M_WINDOW_END_MS
        m_sel = (rel_ms >= M_WINDOW_MS[0]) & (rel_ms < m_end)
        m_lat, m_amp = _onset_and_amplitude(result.emg_mV[m_sel], rel_ms[m_sel], noise)
        h_start = max(m_end, (m_lat + 16.0) if np.isfinite(m_lat) else 0.0)
        h_sel = (rel_ms >= h_start) & (rel_ms < H_WINDOW_END_MS)
        h_lat, h_amp = _onset_and_amplitude(result.emg_mV[h_sel], rel_ms[h_sel], noise)
        out.append(EvokedResponse(time_s, intensity, site, m_lat, m_amp, h_lat, h_amp))
    return out


def conduction_velocity_m_s(distal: EvokedResponse, proximal: EvokedResponse,
                            parameters: Parameters) -> float:
    """Motor conduction velocity from M-wave latencies at two sites (m/s).

    ``(proximal distance − distal distance) / (proximal latency − distal latency)``:
    the neuromuscular delay and the muscle's own time cancel out.
    """
    d = parameters.nerve.proximal_site_to_muscle_m - parameters.nerve.distal_site_to_muscle_m
    dt_ms = proximal.m_latency_ms - distal.m_latency_ms
    if not (np.isfinite(dt_ms) and dt_ms > 0):
        return float("nan")
    return 1000.0 * d / dt_ms


F_WAVE_WINDOW_MS = 150.0
"""Recurrent discharges are counted for a shock up to this long after it (or to the next
shock, if that comes first)."""


@dataclass(frozen=True)
class FWaveResponse:
    """The F-wave after one electrical stimulus.

    Attributes
    ----------
    stimulus_time_s, intensity_mA : float
    site : str
    latency_ms : float
        From the stimulus to the first recurrent discharge reaching the muscle (the
        neuromuscular delay included: the F-wave's onset on an ideal recording); NaN
        without an F-wave.
    n_units : int
        Motor units whose recurrent discharge reached the muscle.
    """

    stimulus_time_s: float
    intensity_mA: float
    site: str
    latency_ms: float
    n_units: int


@dataclass(frozen=True)
class FWaveSummary:
    """F-waves over a train of supramaximal shocks, as a clinician's table lists them.

    Attributes
    ----------
    n_shocks : int
    persistence_percent : float
        Shocks followed by an F-wave (%).
    min_latency_ms, max_latency_ms, mean_latency_ms : float
        Of the F-wave latencies (NaN without any F-wave).
    chronodispersion_ms : float
        ``max − min`` latency (NaN without any F-wave).
    responses : tuple of FWaveResponse
    """

    n_shocks: int
    persistence_percent: float
    min_latency_ms: float
    max_latency_ms: float
    mean_latency_ms: float
    chronodispersion_ms: float
    responses: tuple


def f_wave_responses(result: SimulationResult) -> list[FWaveResponse]:
    """The F-wave after every stimulus: the recurrent discharges (source flag
    :data:`~neurosim.engine.SOURCE_F_WAVE`) reaching the muscle within
    :data:`F_WAVE_WINDOW_MS` of it, or before the next shock."""
    stimuli = result.protocol.stimuli()
    src = np.asarray(result.nerve_impulse_sources).astype(np.int64)
    f = (src & SOURCE_F_WAVE) != 0
    times, units = result.nerve_impulse_times_s[f], result.nerve_impulse_units[f]
    out = []
    for k, (time_s, intensity, site) in enumerate(stimuli):
        end = time_s + F_WAVE_WINDOW_MS / 1000.0
        if k + 1 < len(stimuli):
            end = min(end, stimuli[k + 1][0])
        sel = (times >= time_s) & (times < end)
        latency = 1000.0 * (float(times[sel].min()) - time_s) if sel.any() else float("nan")
        out.append(FWaveResponse(time_s, intensity, site, latency,
                                 int(np.unique(units[sel]).size)))
    return out


def f_wave_summary(result: SimulationResult, *, site: str = "distal") -> FWaveSummary:
    """F-wave persistence, latencies and chronodispersion over the strongest shocks at ``site``.

    Raises
    ------
    ValueError
        If the protocol has no shock at ``site``.
    """
    at_site = [r for r in f_wave_responses(result) if r.site == site]
    if not at_site:
        raise ValueError(f"an F-wave summary needs stimuli at the {site} site "
                         f"(see neurosim.experiments.f_wave_protocol)")
    strongest = max(r.intensity_mA for r in at_site)
    shocks = tuple(r for r in at_site if r.intensity_mA == strongest)
    lat = np.array([r.latency_ms for r in shocks])
    lat = lat[np.isfinite(lat)]
    if lat.size:
        lo, hi, mean = float(lat.min()), float(lat.max()), float(lat.mean())
    else:
        lo = hi = mean = float("nan")
    return FWaveSummary(len(shocks), 100.0 * lat.size / len(shocks), lo, hi, mean, hi - lo,
                        shocks)


# --------------------------------------------------------------------------- junction
@dataclass(frozen=True)
class EndplateResponse:
    r"""Endplate potential after one nerve impulse, in one recorded unit.

    Attributes
    ----------
    unit : int
    epp_amplitude_mV : float
        Peak endplate potential within the window after the impulse (mV above rest), as
        measured with the fibre's action potentials blocked (as with μ-conotoxin): a fibre
        AP shunts the recorded EPP (``ap_shunt``; Fatt & Katz 1951), so the EPP is
        reconstructed from the recorded open-receptor fraction with the engine's own
        endplate equation, :math:`\tau_e\,dV/dt = -V + G\rho\,O\,(E - V)`.
    epp_decay_ms : float
        Time from the peak until that EPP falls to 1/e of it (ms; NaN if it never does
        within the window).
    safety_factor : float
        EPP amplitude / fibre threshold depolarisation (Paton & Waud 1967).
    fibre_aps : int
        Fibre action potentials of this unit within 50 ms of the impulse.
    epc_decay_ms : float
        Time from the peak of the endplate *current* until it falls to 1/e of the peak (ms;
        NaN if it never does within the window). Under voltage clamp the endplate current
        is proportional to the open-receptor fraction (``receptor_open``), so this is the
        quantity voltage-clamp papers report as the EPC decay (about 1–2 ms with working
        AChE; Magleby & Stevens 1972, J Physiol 223:173). Unlike ``epp_decay_ms`` it does
        not include the membrane time constant, nor the shunting of the EPP by fibre APs.
    """

    unit: int
    epp_amplitude_mV: float
    epp_decay_ms: float
    safety_factor: float
    fibre_aps: int
    epc_decay_ms: float = float("nan")


def endplate_response(result: SimulationResult, *, impulse_time_s: float | None = None,
                      unit: int | None = None, window_ms: float = 50.0) -> EndplateResponse:
    """Measure the EPP and fibre APs after the first nerve impulse to a recorded unit.

    Parameters
    ----------
    result : SimulationResult
    impulse_time_s : float, optional
        Look at the first impulse at or after this time (default: the first impulse).
    unit : int, optional
        A recorded unit (default: the first recorded unit that received a nerve impulse —
        a unit whose axon was lost or blocked has no endplate response).
    window_ms : float
        Analysis window after the impulse.

    Raises
    ------
    ValueError
        If no unit was recorded, ``unit`` was not recorded, or it (by default: every
        recorded unit) received no nerve impulse.
    """
    if result.recorded_units.size == 0:
        raise ValueError("endplate_response needs a recorded unit (record_units=[...])")
    if unit is None:
        reached = [int(u) for u in result.recorded_units
                   if np.any((result.nerve_impulse_units == u)
                             & (result.nerve_impulse_times_s >= (impulse_time_s or 0.0)))]
        if not reached:
            raise ValueError(f"no recorded unit ({result.recorded_units.tolist()}) received a "
                             "nerve impulse" + (f" after {impulse_time_s:g} s"
                                                if impulse_time_s is not None else ""))
        unit = reached[0]
    unit = int(unit)
    if unit not in result.recorded_units:
        raise ValueError(f"unit = {unit} was not recorded; recorded units: "
                         f"{result.recorded_units.tolist()}")
    col = int(np.flatnonzero(result.recorded_units == unit)[0])
    times = result.nerve_impulse_times_s[result.nerve_impulse_units == unit]
    if impulse_time_s is not None:
        times = times[times >= impulse_time_s]
    if times.size == 0:
        raise ValueError(f"unit {unit} received no nerve impulse"
                         + (f" after {impulse_time_s:g} s" if impulse_time_s is not None else ""))
    t0 = float(times[0])
    step = result.dt_ms / 1000.0
    i0 = int(round(t0 / step))
    i1 = min(result.endplate_mV.shape[0], i0 + int(round(window_ms / result.dt_ms)))
    epp = _epp_without_aps(result, col, i0, i1)
    peak, decay = _peak_and_decay_ms(epp, result.dt_ms)
    _, epc_decay = _peak_and_decay_ms(result.receptor_open[i0:i1, col], result.dt_ms)
    aps = result.activation_times_s[result.activation_units == unit]
    n_aps = int(np.sum((aps >= t0) & (aps < t0 + window_ms / 1000.0)))
    return EndplateResponse(unit, peak, decay,
                            peak / result.parameters.junction.fibre_threshold_mV, n_aps,
                            epc_decay)


def first_shock_s(result: SimulationResult, *, needed_by: str = "this measurement") -> float:
    """Time of the first electrical nerve stimulus in the run's protocol (s).

    Parameters
    ----------
    result : SimulationResult
    needed_by : str
        What needs the shock, named in the error (e.g. ``"junction_panel"``).

    Raises
    ------
    ValueError
        If the protocol has no nerve stimulus.
    """
    stimuli = result.protocol.stimuli()
    if not stimuli:
        raise ValueError(f"run {result.label or '(unlabelled)'!r} has no nerve stimulus; "
                         f"{needed_by} needs a nerve shock in the protocol "
                         f"(e.g. experiments.train_protocol(...))")
    return float(stimuli[0][0])


EPP_BLOCK_MS = 10.0
"""An EPP still above the fibre threshold this long (ms) after the last fibre AP is read
as depolarisation block by :func:`epp_verdict`."""


def epp_verdict(time_ms: np.ndarray, epp_mV: np.ndarray, ap_times_ms: np.ndarray,
                threshold_mV: float, n_aps: int) -> tuple[str, ...]:
    """What one endplate potential did, in plain words: relay, repetitive firing, block or failure.

    Parameters
    ----------
    time_ms, epp_mV : numpy.ndarray, shape (n,)
        The EPP after one nerve shock (ms after the shock, mV above rest).
    ap_times_ms : numpy.ndarray, shape (k,)
        The fibre's action potentials in the same window (ms after the shock), in order.
    threshold_mV : float
        The fibre's firing threshold (mV above rest).
    n_aps : int
        Fibre action potentials after the shock (:attr:`EndplateResponse.fibre_aps`).

    Returns
    -------
    tuple of str
        One or two phrases, e.g. ``("one EPP, one AP",)`` (normal relay),
        ``("long EPP: repetitive APs", "then block (Na⁺ channels inactivated)")`` when the
        EPP stays above threshold :data:`EPP_BLOCK_MS` after the last AP, or
        ``("no fibre AP (EPP below threshold)",)``.
    """
    if n_aps == 0:
        below = float(np.max(epp_mV, initial=0.0)) < threshold_mV
        return ("no fibre AP (EPP below threshold)" if below else "no fibre AP",)
    words = ("one EPP, one AP" if n_aps == 1 else "long EPP: repetitive APs",)
    if ap_times_ms.size and time_ms.size:  # still above threshold well after the last AP
        above = np.flatnonzero((time_ms > ap_times_ms[-1]) & (epp_mV >= threshold_mV))
        if above.size and time_ms[above[-1]] - ap_times_ms[-1] >= EPP_BLOCK_MS:
            words += ("then block (Na⁺ channels inactivated)",)
    return words


def _epp_without_aps(result: SimulationResult, col: int, i0: int, i1: int) -> np.ndarray:
    """The EPP (mV) of recorded column ``col`` over steps ``i0`` … ``i1`` − 1 as it would be
    with no fibre action potentials, shape (i1 − i0,).

    Integrates the engine's endplate step (:func:`neurosim.junction.endplate_potential_step`,
    driven by each step's mean open fraction) from the recorded EPP at ``i0`` (the nerve
    impulse's step: its ACh acts from the next step) with the recorded open fraction.
    """
    from .junction import endplate_potential_step
    j = result.parameters.junction
    g = j.conductance_scale * j.receptor_density
    membrane = result.dt_ms / j.endplate_time_constant_ms
    opened = result.receptor_open[i0:i1, col]
    epp = np.empty(opened.size)
    v = float(result.endplate_mV[i0, col]) if opened.size else 0.0
    for k in range(opened.size):
        if k > 0:
            v = endplate_potential_step(v, g * 0.5 * (opened[k - 1] + opened[k]), membrane,
                                        j.reversal_mV)
        epp[k] = v
    return epp


def _peak_and_decay_ms(trace: np.ndarray, dt_ms: float) -> tuple[float, float]:
    """Peak of ``trace`` and the time (ms) from the peak until it first falls below 1/e
    of it (NaN if it does not within the trace)."""
    k = int(np.argmax(trace))
    peak = float(trace[k])
    below = np.flatnonzero(trace[k:] < peak / np.e)
    return peak, (float(below[0] * dt_ms) if below.size else float("nan"))


def fibre_aps_per_impulse(result: SimulationResult, start_s: float = 0.0,
                          stop_s: float | None = None) -> float:
    """Fibre action potentials per nerve impulse between two times (1 = one-to-one relay).

    F-waves (:data:`~neurosim.nerve.SOURCE_F_WAVE`: the few motor neurons that backfire after
    a shock) are the cord's answer, not the junction's relay: their impulses and the fibre
    APs they cause are left out of both counts.
    """
    stop_s = result.duration_s if stop_s is None else stop_s
    impulses = np.sum((result.nerve_impulse_times_s >= start_s)
                      & (result.nerve_impulse_times_s < stop_s)
                      & (result.nerve_impulse_sources != SOURCE_F_WAVE))
    aps = np.sum((result.activation_times_s >= start_s) & (result.activation_times_s < stop_s)
                 & (result.activation_sources != SOURCE_F_WAVE))
    return float(aps / impulses) if impulses else float("nan")


TRAIN_LATE_WINDOW_S = (0.9, 1.1)
"""Late part of a 30 Hz train starting at 0.1 s (s): held force there is a tetanus, lost
force is depolarisation block."""


def late_train_force_percent(result: SimulationResult) -> float:
    """Mean force (% of maximal) in :data:`TRAIN_LATE_WINDOW_S`; NaN if the run is shorter."""
    a, b = TRAIN_LATE_WINDOW_S
    sel = (result.time_s >= a) & (result.time_s < b)
    return float(result.force_percent[sel].mean()) if sel.any() else float("nan")


def cmap_amplitudes(result: SimulationResult, *, window_ms: tuple = (1.0, 25.0)) -> np.ndarray:
    """Peak-to-peak compound muscle action potential after each stimulus (mV), shape (n_stimuli,)."""
    out = []
    for time_s, _, _ in result.protocol.stimuli():
        rel = (result.time_s - time_s) * 1000.0
        sel = (rel >= window_ms[0]) & (rel < window_ms[1])
        out.append(float(np.ptp(result.emg_mV[sel])) if sel.any() else 0.0)
    return np.array(out)


def decrement_percent(amplitudes: np.ndarray, *, index: int = 3) -> float:
    """Change of the ``index``-th response (default the 4th) relative to the first, in %.

    Negative values are a decrement (myasthenia-like), positive an increment.
    """
    amplitudes = np.asarray(amplitudes, dtype=float)
    if amplitudes.size <= index or amplitudes[0] <= 0:
        raise ValueError(f"decrement needs at least {index + 1} responses with a first one > 0")
    return float(100.0 * (amplitudes[index] - amplitudes[0]) / amplitudes[0])


# --------------------------------------------------------------------------- fasciculations


@dataclass(frozen=True)
class FasciculationBreakdown:
    """Spontaneous motor-unit discharges (fasciculations) per second, by where they start.

    Clinically a fasciculation is a spontaneous discharge of a motor unit, wherever
    along the motor neuron it starts (Layzer 1994, Muscle Nerve 17:1243). Every nerve
    impulse that reaches a unit's terminals is counted once, under the first origin in
    the order ectopic axon, nerve terminal, motor neuron, so the parts sum to the total.

    Attributes
    ----------
    total_per_s : float
        All spontaneous discharges, whole muscle (1/s).
    ectopic_axon_per_s : float
        Ectopic discharges of hyperexcitable motor axons (1/s).
    nerve_terminal_per_s : float
        Nerve terminals firing by themselves (lingering ACh on their autoreceptors; 1/s).
    motor_neuron_per_s : float
        Motor-neuron spikes conducted to the muscle during a rest recording
        (:func:`is_rest_recording`); 0 in any other run, where the protocol's command,
        input, stretch or stimulus can drive the motor neurons (1/s).
    rest_recording : bool
        Whether motor-neuron discharges could be counted as spontaneous.
    per_unit_hz : float
        ``total_per_s`` divided by the number of motor units (Hz per unit).
    """

    total_per_s: float
    ectopic_axon_per_s: float
    nerve_terminal_per_s: float
    motor_neuron_per_s: float
    rest_recording: bool
    per_unit_hz: float


def is_rest_recording(result: SimulationResult) -> bool:
    """Whether the protocol gives the motor neurons nothing to respond to.

    True when the voluntary command and the afferent input are zero throughout, there
    is no electrical stimulus and the joint is held still (no stretch, no torque
    pulses, no free limb); background synaptic :class:`~neurosim.protocols.Noise` is
    allowed (it is the resting synaptic bombardment).
    """
    return bool(not np.any(result.command > 0.0) and not np.any(result.afferent_input > 0.0)
                and not result.protocol.stimuli()
                and result.protocol.joint_mode == "isometric")


def fasciculation_breakdown(result: SimulationResult) -> FasciculationBreakdown:
    """Spontaneous motor-unit discharges per second, with their origin.

    Parameters
    ----------
    result : SimulationResult

    Returns
    -------
    FasciculationBreakdown
        Rates in discharges per second for the whole muscle; ``total_per_s`` equals
        the sum of the three origins.
    """
    src = np.asarray(result.nerve_impulse_sources).astype(np.int64)
    rest = is_rest_recording(result)
    ectopic = (src & SOURCE_ECTOPIC) != 0
    terminal = ((src & SOURCE_TERMINAL) != 0) & ~ectopic
    neuron = (((src & SOURCE_REFLEX) != 0) & ~ectopic & ~terminal) if rest else \
        np.zeros(src.shape, dtype=bool)
    counts = [int(np.sum(x)) for x in (ectopic, terminal, neuron)]
    duration = float(result.duration_s)
    rates = [c / duration for c in counts]
    total = sum(counts) / duration
    return FasciculationBreakdown(total_per_s=total, ectopic_axon_per_s=rates[0],
                                  nerve_terminal_per_s=rates[1], motor_neuron_per_s=rates[2],
                                  rest_recording=rest, per_unit_hz=total / result.n_units)


def fasciculation_rate_hz(result: SimulationResult) -> float:
    """Spontaneous motor-unit discharges of any origin, per second for the whole muscle.

    Ectopic axonal discharges, self-firing nerve terminals and, in a rest recording,
    motor-neuron discharges (see :func:`fasciculation_breakdown` for the split).
    """
    return fasciculation_breakdown(result).total_per_s
