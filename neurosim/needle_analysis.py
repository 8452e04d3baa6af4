r"""Reading a needle-EMG recording as an electromyographer does.

At rest (:func:`spontaneous_activity`): is the muscle silent, or are there fibrillation
potentials and positive sharp waves (denervated fibres), fasciculations (a whole unit
discharging by itself, irregularly) or a cramp discharge (units firing fast and
repetitively by themselves)? On effort: the shape of each unit's MUAP
(:func:`muap_measures`: amplitude, duration, phases, rise time), the recruitment pattern
(:func:`recruitment`: how fast the units fire before the next is recruited, Daube's
recruitment ratio) and how full the interference pattern is
(:func:`interference_fullness`).

The rules, stated once:

* **Detection**: a potential is seen when it leaves the baseline by more than
  :func:`detection_threshold_uV` — six times the noise RMS, at least
  :data:`MIN_DETECTION_UV` — so a quiet muscle shows nothing (Gaussian noise passes six
  SDs about once in 10⁹ samples).
* **Amplitude** is peak to peak (mV). **Duration** runs from the first to the last point
  where the potential departs from the baseline by more than the smaller of
  :data:`DURATION_THRESHOLD_UV` and :data:`DURATION_RELATIVE` × its peak (an absolute
  criterion for MUAPs, as automatic MUAP analysis uses; a relative one for the small
  single-fibre potentials). **Phases** = baseline crossings + 1, counting only crossings
  between excursions beyond that same threshold. **Rise time**: from the peak just
  before the main negative peak (where the main spike starts to fall) to it; a MUAP is measured only when it rises within
  :data:`USABLE_RISE_TIME_MS` (the needle is close to it; Preston & Shapiro).
* A unit is **visible** when its MUAP is at least :data:`VISIBLE_MUAP_UV` peak to peak: the
  units an electromyographer can tell apart on the screen and count.
* **Recruitment ratio** (Daube): the firing rate of the fastest visible unit divided by the
  number of visible units firing; normally below 5, above 10 in neuropathic reduced
  recruitment. **Recruitment frequency**: the rate of the first unit when the second is
  recruited.
* **Spontaneous activity** is read at rest only. A unit discharging by itself on average at
  least :data:`CRAMP_MIN_RATE_HZ` times a second over the recording (and at least
  :data:`CRAMP_MIN_DISCHARGES` times) is firing a cramp discharge (cramp units fire 6–25 pps;
  Minetto et al. 2009); other spontaneous whole-unit discharges, single or in brief bursts,
  are fasciculation potentials. A unit whose discharges at rest come mostly (at least
  :data:`TONIC_SHARE` of them) from its motor neuron — a spinal or supraspinal drive, not an
  ectopic axon or nerve terminal — is not spontaneous but *tonic*: MUAPs firing in a muscle
  that does not relax (spastic-paretic muscle at rest, 8.4 ± 1.8 pps and none in healthy
  controls: Mottram, Suresh, Heckman, Gorassini & Rymer, J Neurophysiol, "Origins of
  spontaneous firing of motor units in the spastic-paretic biceps brachii muscle of stroke
  survivors"; rigidity). At the bedside the examiner tells them apart by their semi-rhythmic
  firing that the patient cannot stop; here the origin label says it.

The classification reads the recording's labelled events (which unit or fibre fired), as an
expert's eye sorts potentials by shape, but counts only those the trace shows above the
detection threshold. A teaching toy, not a clinical model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .needle import (EFFORT_RISE_S, EFFORT_SETTLE_S, EFFORT_START_S, NeedleParameters,
                     NeedleRecording)
from .nerve import SOURCE_ECTOPIC, SOURCE_REFLEX, SOURCE_TERMINAL

__all__ = ["WaveformMeasures", "MUAPMeasures", "SpontaneousActivity", "Recruitment",
           "detection_threshold_uV", "waveform_measures", "muap_measures",
           "fibrillation_measures", "spontaneous_activity", "recruitment",
           "interference_fullness", "effort_window_s", "detected_potentials",
           "MIN_DETECTION_UV", "DETECTION_NOISE_FACTOR", "DURATION_THRESHOLD_UV",
           "DURATION_RELATIVE", "VISIBLE_MUAP_UV", "USABLE_RISE_TIME_MS",
           "CRAMP_MIN_RATE_HZ", "CRAMP_MIN_DISCHARGES", "TONIC_SHARE", "FULLNESS_BIN_MS", "FULL_PATTERN",
           "DISCRETE_PATTERN",
           "NORMAL_RECRUITMENT_RATIO", "NEUROPATHIC_RECRUITMENT_RATIO"]

MIN_DETECTION_UV = 10.0
"""Lowest detection threshold (µV), for a noiseless recording."""
DETECTION_NOISE_FACTOR = 6.0
"""Detection threshold in units of the noise RMS."""
DURATION_THRESHOLD_UV = 20.0
"""Absolute departure from baseline that starts and ends a potential's duration (µV)."""
DURATION_RELATIVE = 0.1
"""Relative departure (share of the potential's peak) used instead when it is smaller."""
VISIBLE_MUAP_UV = 100.0
"""Smallest MUAP (peak to peak, µV) counted as a separate unit on the screen."""
USABLE_RISE_TIME_MS = 0.5
"""A MUAP whose main phase rises more slowly than this is too far from the needle to be
measured (Preston & Shapiro: rise time < 500 µs)."""
CRAMP_MIN_RATE_HZ = 5.0
"""Mean spontaneous rate above which a unit's discharges are a cramp discharge (Hz):
cramp units fire 14.5 ± 5.1 pps, 6–25 (Minetto et al. 2009, J Neurophysiol 102:1890);
fasciculating units far below 1 Hz."""
CRAMP_MIN_DISCHARGES = 5
"""A cramp discharge is repetitive: at least this many discharges of the unit."""
TONIC_SHARE = 0.5
"""A unit at rest of whose discharges at least this share are driven by its motor neuron
(``neurosim.nerve.SOURCE_REFLEX`` alone, no ectopic or terminal flag) fires tonically: the
larger origin names it, as in :func:`neurosim.analysis.fasciculation_breakdown`. Caricature."""
FULLNESS_BIN_MS = 5.0
"""Bins of the interference pattern: a bin shows baseline when no potential in it reaches
half of :data:`VISIBLE_MUAP_UV`."""
FULL_PATTERN = 0.7
"""Interference fullness from which the pattern is called full (a teaching threshold)."""
DISCRETE_PATTERN = 0.3
"""Interference fullness below which the pattern is called discrete (a teaching threshold)."""
NORMAL_RECRUITMENT_RATIO = 5.0
"""Recruitment ratio below which recruitment is normal (Daube)."""
NEUROPATHIC_RECRUITMENT_RATIO = 10.0
"""Recruitment ratio above which recruitment is reduced, neuropathic (Daube)."""


def detection_threshold_uV(parameters: NeedleParameters) -> float:
    """Departure from baseline that counts as a potential (µV).

    Examples
    --------
    >>> detection_threshold_uV(NeedleParameters())           # 6 × 2.5 µV noise
    15.0
    >>> detection_threshold_uV(NeedleParameters(noise_uV=0.0))
    10.0
    """
    return max(MIN_DETECTION_UV, DETECTION_NOISE_FACTOR * parameters.noise_uV)


# ------------------------------------------------------------------ one waveform
@dataclass(frozen=True)
class WaveformMeasures:
    """Amplitude, duration, phases and rise time of potentials, one entry each.

    Attributes
    ----------
    amplitude_mV : ndarray, shape (n,)
        Peak to peak (mV).
    duration_ms : ndarray, shape (n,)
        First to last departure from baseline beyond the duration threshold (ms).
    phases : ndarray of int, shape (n,)
        Baseline crossings + 1.
    rise_time_ms : ndarray, shape (n,)
        From the peak just before the main negative peak to that peak (ms); NaN
        when the potential has no negative peak (a positive sharp wave).
    """

    amplitude_mV: np.ndarray
    duration_ms: np.ndarray
    phases: np.ndarray
    rise_time_ms: np.ndarray


def _one(waveform: np.ndarray, rate_hz: float) -> tuple[float, float, int, float]:
    amplitude = float(np.ptp(waveform)) if waveform.size else 0.0
    peak = float(np.abs(waveform).max()) if waveform.size else 0.0
    threshold = min(DURATION_THRESHOLD_UV / 1000.0, DURATION_RELATIVE * peak)
    above = np.flatnonzero(np.abs(waveform) > threshold) if peak > 0 else np.zeros(0, int)
    if above.size == 0:
        return amplitude, 0.0, 0, math.nan
    duration = 1000.0 * (above[-1] - above[0]) / rate_hz
    signs = np.sign(waveform[above])
    phases = int(1 + np.count_nonzero(signs[1:] != signs[:-1]))
    k = int(np.argmin(waveform))
    if waveform[k] >= 0:
        rise = math.nan
    else:  # back from the main negative peak to the nearest positive-going peak before it
        j = k
        while j > 0 and waveform[j - 1] >= waveform[j]:
            j -= 1
        rise = 1000.0 * (k - j) / rate_hz
    return amplitude, duration, phases, rise


def waveform_measures(waveforms_mV: np.ndarray, rate_hz: float) -> WaveformMeasures:
    """Measure potentials by the rules of the module docstring.

    Parameters
    ----------
    waveforms_mV : array_like, shape (n, n_samples) or (n_samples,)
        One potential per row (mV), baseline 0.
    rate_hz : float
        Sampling rate (Hz).

    Returns
    -------
    WaveformMeasures

    Examples
    --------
    A fibre's triphasic potential: three phases, peak to peak 1.2 × its main peak, and a
    main spike that rises in 1.22 widths.

    >>> from neurosim.needle import fibre_potential
    >>> t = np.arange(-2.0, 2.0, 0.01)
    >>> m = waveform_measures(fibre_potential(t, 0.0, amplitude_mV=1.0, width_ms=0.2,
    ...                                       near_field_mm=0.2), 100000.0)
    >>> int(m.phases[0]), round(float(m.amplitude_mV[0]), 2), round(float(m.rise_time_ms[0]), 2)
    (3, 1.2, 0.25)
    """
    waveforms = np.asarray(waveforms_mV, dtype=float)
    rows = waveforms.reshape(-1, waveforms.shape[-1]) if waveforms.ndim else waveforms.reshape(1, 1)
    values = [_one(row, float(rate_hz)) for row in rows]
    if not values:
        empty = np.zeros(0)
        return WaveformMeasures(empty, empty, np.zeros(0, dtype=np.int64), empty)
    a, d, p, r = zip(*values)
    return WaveformMeasures(np.array(a), np.array(d), np.array(p, dtype=np.int64), np.array(r))


@dataclass(frozen=True)
class MUAPMeasures:
    """:class:`WaveformMeasures` of every unit in view, and which of them can be measured.

    Attributes
    ----------
    units : ndarray of int, shape (n_view,)
        Pool index of each unit in view (as :attr:`NeedleRecording.units`).
    amplitude_mV, duration_ms, phases, rise_time_ms : ndarray, shape (n_view,)
        As in :class:`WaveformMeasures`.
    visible : ndarray of bool, shape (n_view,)
        MUAP of at least :data:`VISIBLE_MUAP_UV` peak to peak.
    usable : ndarray of bool, shape (n_view,)
        Visible and rising within :data:`USABLE_RISE_TIME_MS` (close enough to measure).
    """

    units: np.ndarray
    amplitude_mV: np.ndarray
    duration_ms: np.ndarray
    phases: np.ndarray
    rise_time_ms: np.ndarray
    visible: np.ndarray
    usable: np.ndarray


def muap_measures(recording: NeedleRecording) -> MUAPMeasures:
    """Amplitude, duration, phases and rise time of the MUAP of each unit in view.

    Parameters
    ----------
    recording : NeedleRecording

    Returns
    -------
    MUAPMeasures
        Measured on the units' filtered templates (the MUAP a trigger-and-average would
        give), one entry per unit in view.
    """
    m = waveform_measures(recording.unit_templates_mV, recording.sampling_rate_hz)
    visible = m.amplitude_mV >= VISIBLE_MUAP_UV / 1000.0
    usable = visible & (m.rise_time_ms <= USABLE_RISE_TIME_MS)
    return MUAPMeasures(recording.units.copy(), m.amplitude_mV, m.duration_ms, m.phases,
                        m.rise_time_ms, visible, usable)


def fibrillation_measures(recording: NeedleRecording) -> WaveformMeasures:
    """:class:`WaveformMeasures` of each fibrillating fibre's potential (fibrillation or
    positive sharp wave), shape (n_fibrillating,)."""
    shapes = waveform_measures(recording.fibrillation_templates_mV, recording.sampling_rate_hz)
    k = recording.fibrillation_template
    if k.size == 0:
        empty = np.zeros(0)
        return WaveformMeasures(empty, empty, np.zeros(0, dtype=np.int64), empty)
    return WaveformMeasures(shapes.amplitude_mV[k], shapes.duration_ms[k], shapes.phases[k],
                            shapes.rise_time_ms[k])


def detected_potentials(recording: NeedleRecording) -> int:
    """Number of potentials in the trace: excursions beyond the detection threshold,
    those closer than 1 ms counted as one."""
    threshold = detection_threshold_uV(recording.parameters) / 1000.0
    above = np.flatnonzero(np.abs(recording.signal_mV) > threshold)
    if above.size == 0:
        return 0
    gap = max(1, int(round(recording.sampling_rate_hz / 1000.0)))
    return int(1 + np.count_nonzero(np.diff(above) > gap))


# ------------------------------------------------------------------ at rest
@dataclass(frozen=True)
class SpontaneousActivity:
    """What a rest recording shows.

    Attributes
    ----------
    duration_s : float
        Length of the recording (s).
    fibrillations : int
        Fibrillation potentials seen (above the detection threshold).
    fibrillation_rate_hz : float
        Fibrillation potentials per second.
    fibrillating_fibres_seen : int
        Fibres whose fibrillations are seen.
    fibrillation_firing_hz : float
        Median firing rate of those fibres (Hz; NaN if none).
    fibrillation_interval_cv : float
        Median CV of their discharge intervals (NaN if none fires three times).
    positive_sharp_waves : int
        Positive sharp waves seen.
    positive_sharp_wave_rate_hz : float
    fasciculations : int
        Spontaneous discharges of visible units firing neither as a cramp discharge nor
        tonically.
    fasciculation_rate_hz : float
        Fasciculation potentials per second.
    fasciculating_units : tuple of int
        Pool index of each unit that fasciculated.
    fasciculation_interval_cv : float
        CV of the intervals of each fasciculating unit, median over units with three or
        more discharges (NaN if none).
    cramp_units : tuple of int
        Units firing a cramp discharge.
    cramp_rate_hz : float
        Median over the cramp units of their mean firing rates (Hz; NaN if none).
    cramp_discharges : int
        Discharges of the cramp units.
    tonic_units : tuple of int
        Visible units firing at rest driven by their motor neuron (see :data:`TONIC_SHARE`).
    tonic_discharges : int
        Their discharges.
    tonic_rate_hz : float
        Median over the tonic units of their mean firing rates (Hz; NaN if none).
    """

    duration_s: float
    fibrillations: int
    fibrillation_rate_hz: float
    fibrillating_fibres_seen: int
    fibrillation_firing_hz: float
    fibrillation_interval_cv: float
    positive_sharp_waves: int
    positive_sharp_wave_rate_hz: float
    fasciculations: int
    fasciculation_rate_hz: float
    fasciculating_units: tuple
    fasciculation_interval_cv: float
    cramp_units: tuple
    cramp_rate_hz: float
    cramp_discharges: int
    tonic_units: tuple
    tonic_discharges: int
    tonic_rate_hz: float

    @property
    def silent(self) -> bool:
        """No potential at all: electrical silence at rest."""
        return (self.fibrillations + self.positive_sharp_waves + self.fasciculations == 0
                and not self.cramp_units and not self.tonic_units)

    def findings(self) -> list[str]:
        """The findings in words, e.g. ``["fibrillation potentials", "fasciculations"]``."""
        out = []
        if self.fibrillations:
            out.append("fibrillation potentials")
        if self.positive_sharp_waves:
            out.append("positive sharp waves")
        if self.fasciculations:
            out.append("fasciculation potentials")
        if self.cramp_units:
            out.append("cramp discharge")
        if self.tonic_units:
            out.append("MUAPs firing at rest (tonic)")
        return out or ["silent (electrical silence at rest)"]


def _interval_cvs(times_s: np.ndarray, owners: np.ndarray, keys) -> list[float]:
    out = []
    for key in keys:
        t = np.sort(times_s[owners == key])
        if t.size >= 3:
            isi = np.diff(t)
            out.append(float(isi.std() / isi.mean()))
    return out


def _median(values) -> float:
    values = list(values)
    return float(np.median(values)) if values else math.nan


def spontaneous_activity(recording: NeedleRecording) -> SpontaneousActivity:
    """Classify the spontaneous activity of a rest recording.

    Parameters
    ----------
    recording : NeedleRecording
        A recording at rest (:func:`neurosim.needle.needle_exam` with ``effort=0``).

    Returns
    -------
    SpontaneousActivity

    Raises
    ------
    ValueError
        If the run had a voluntary command (spontaneous activity is read at rest).
    """
    if not recording.at_rest:
        raise ValueError("spontaneous activity is read in a rest recording; this run has a "
                         "voluntary command (record it with effort = 0)")
    duration = recording.duration_s
    threshold_mV = detection_threshold_uV(recording.parameters) / 1000.0
    # --- denervated fibres
    fib = fibrillation_measures(recording)
    seen = fib.amplitude_mV >= threshold_mV
    fired = recording.fibrillation_fibres
    shown = seen[fired] if fired.size else np.zeros(0, dtype=bool)
    is_psw = recording.fibrillation_is_psw[fired] if fired.size else np.zeros(0, dtype=bool)
    n_fib = int(np.count_nonzero(shown & ~is_psw))
    n_psw = int(np.count_nonzero(shown & is_psw))
    fibres_seen = np.unique(fired[shown])
    fibs_seen = fibres_seen[~recording.fibrillation_is_psw[fibres_seen]]
    cvs = _interval_cvs(recording.fibrillation_times_s, fired, fibs_seen)
    # --- whole units
    muaps = muap_measures(recording)
    visible = set(muaps.units[muaps.visible].tolist())
    times, units = recording.discharge_times_s, recording.discharge_units
    sources = recording.discharge_sources.astype(np.int64)
    by_neuron = ((sources & SOURCE_REFLEX) != 0) & ((sources & (SOURCE_ECTOPIC | SOURCE_TERMINAL))
                                                    == 0)
    fasc_units, cramp_units, cramp_rates, tonic_units, tonic_rates = [], [], [], [], []
    n_fasc = n_cramp = n_tonic = 0
    for u in sorted(set(units.tolist()) & visible):
        mine = units == u
        t = np.sort(times[mine])
        rate = t.size / duration
        if np.count_nonzero(by_neuron[mine]) >= TONIC_SHARE * t.size:
            tonic_units.append(u)
            tonic_rates.append(rate)
            n_tonic += t.size
        elif t.size >= CRAMP_MIN_DISCHARGES and rate >= CRAMP_MIN_RATE_HZ:
            cramp_units.append(u)
            cramp_rates.append(rate)
            n_cramp += t.size
        else:
            fasc_units.append(u)
            n_fasc += t.size
    fasc_cvs = _interval_cvs(times, units, fasc_units)
    return SpontaneousActivity(
        duration_s=duration, fibrillations=n_fib, fibrillation_rate_hz=n_fib / duration,
        fibrillating_fibres_seen=int(fibs_seen.size),
        fibrillation_firing_hz=_median(recording.fibrillation_rate_hz[fibs_seen]),
        fibrillation_interval_cv=_median(cvs), positive_sharp_waves=n_psw,
        positive_sharp_wave_rate_hz=n_psw / duration, fasciculations=n_fasc,
        fasciculation_rate_hz=n_fasc / duration, fasciculating_units=tuple(fasc_units),
        fasciculation_interval_cv=_median(fasc_cvs), cramp_units=tuple(cramp_units),
        cramp_rate_hz=_median(cramp_rates), cramp_discharges=n_cramp,
        tonic_units=tuple(tonic_units), tonic_discharges=n_tonic,
        tonic_rate_hz=_median(tonic_rates))


# ------------------------------------------------------------------ on effort
def effort_window_s(recording: NeedleRecording) -> tuple[float, float]:
    """The settled hold of an effort recording (s): from the end of the rise plus
    :data:`~neurosim.needle.EFFORT_SETTLE_S` to the end."""
    start = EFFORT_START_S + EFFORT_RISE_S + EFFORT_SETTLE_S
    return (min(start, recording.duration_s), recording.duration_s)


@dataclass(frozen=True)
class Recruitment:
    """The recruitment pattern on effort.

    Attributes
    ----------
    units_firing : tuple of int
        Visible units firing (at least twice) in the window, by pool index.
    firing_rates_hz : tuple of float
        Their mean firing rates in the window (Hz), same order.
    max_rate_hz : float
        Rate of the fastest (NaN if none fires).
    recruitment_ratio : float
        ``max_rate_hz / len(units_firing)`` (Daube; NaN if none fires).
    recruitment_frequency_hz : float
        Rate of the first visible unit when the second is recruited (Hz; NaN if fewer
        than two are recruited).
    fullness : float
        :func:`interference_fullness` in the window (0–1).
    window_s : (float, float)
    """

    units_firing: tuple
    firing_rates_hz: tuple
    max_rate_hz: float
    recruitment_ratio: float
    recruitment_frequency_hz: float
    fullness: float
    window_s: tuple

    @property
    def interference(self) -> str:
        """The interference pattern in words: ``"full"`` (fullness ≥
        :data:`FULL_PATTERN`), ``"reduced"``, ``"discrete"`` (< :data:`DISCRETE_PATTERN`:
        single potentials stand apart), ``"single unit"`` or ``"none"``."""
        if not self.units_firing:
            return "none"
        if len(self.units_firing) == 1:
            return "single unit"
        if self.fullness >= FULL_PATTERN:
            return "full"
        return "reduced" if self.fullness >= DISCRETE_PATTERN else "discrete"

    @property
    def pattern(self) -> str:
        """``"normal"`` (ratio < 5), ``"reduced (neuropathic)"`` (> 10), ``"borderline"``
        between, or ``"no units firing"``."""
        if not self.units_firing:
            return "no units firing"
        if self.recruitment_ratio < NORMAL_RECRUITMENT_RATIO:
            return "normal"
        if self.recruitment_ratio > NEUROPATHIC_RECRUITMENT_RATIO:
            return "reduced (neuropathic)"
        return "borderline"


def interference_fullness(recording: NeedleRecording,
                          window_s: tuple[float, float] | None = None) -> float:
    """Share of the trace in which the baseline is hidden by motor-unit potentials.

    The window is cut into :data:`FULLNESS_BIN_MS` bins; a bin shows baseline when the
    trace stays within ±½ :data:`VISIBLE_MUAP_UV` in it. A full interference pattern (many
    units firing) hides the baseline everywhere (→ 1); a reduced pattern leaves gaps; a
    quiet muscle shows only baseline (→ 0).

    Parameters
    ----------
    recording : NeedleRecording
    window_s : (float, float), optional
        Default :func:`effort_window_s`.

    Returns
    -------
    float
        0–1 (NaN for a window shorter than one bin).
    """
    start, stop = effort_window_s(recording) if window_s is None else window_s
    rate = recording.sampling_rate_hz
    i0, i1 = int(round(start * rate)), int(round(stop * rate))
    per_bin = max(1, int(round(FULLNESS_BIN_MS * rate / 1000.0)))
    n_bins = (i1 - i0) // per_bin
    if n_bins < 1:
        return math.nan
    segment = np.abs(recording.signal_mV[i0:i0 + n_bins * per_bin]).reshape(n_bins, per_bin)
    hidden = segment.max(axis=1) >= 0.5 * VISIBLE_MUAP_UV / 1000.0
    return float(hidden.mean())


def recruitment(recording: NeedleRecording,
                window_s: tuple[float, float] | None = None) -> Recruitment:
    """Recruitment frequency, recruitment ratio and interference pattern on effort.

    Parameters
    ----------
    recording : NeedleRecording
        A recording on effort (:func:`neurosim.needle.needle_exam` with ``effort > 0``).
    window_s : (float, float), optional
        Where rates and fullness are read; default :func:`effort_window_s`.

    Returns
    -------
    Recruitment
    """
    start, stop = effort_window_s(recording) if window_s is None else window_s
    muaps = muap_measures(recording)
    visible = muaps.units[muaps.visible]
    times, units = recording.discharge_times_s, recording.discharge_units
    firing, rates = [], []
    for u in visible.tolist():
        t = times[(units == u) & (times >= start) & (times < stop)]
        if t.size >= 2:
            firing.append(u)
            rates.append((t.size - 1) / float(t[-1] - t[0]))
    max_rate = max(rates) if rates else math.nan
    ratio = max_rate / len(firing) if firing else math.nan
    # recruitment frequency: the first visible unit's rate when the second starts firing
    onsets = []
    for u in visible.tolist():
        t = times[units == u]
        if t.size >= 2:
            onsets.append((float(t[0]), u))
    onsets.sort()
    frequency = math.nan
    if len(onsets) >= 2:
        first_unit, second_onset = onsets[0][1], onsets[1][0]
        t = times[units == first_unit]
        k = int(np.searchsorted(t, second_onset))
        if 1 <= k < t.size:
            frequency = 1.0 / float(t[k] - t[k - 1])
        elif k >= t.size >= 2:
            frequency = 1.0 / float(t[-1] - t[-2])
    return Recruitment(units_firing=tuple(firing), firing_rates_hz=tuple(rates),
                       max_rate_hz=max_rate, recruitment_ratio=ratio,
                       recruitment_frequency_hz=frequency,
                       fullness=interference_fullness(recording, (start, stop)),
                       window_s=(start, stop))
