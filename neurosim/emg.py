r"""Surface EMG: the sum of motor-unit action potentials (MUAPs), plus noise.

Every motor-neuron spike produces, at the skin, a biphasic MUAP. We use the
first-order Hermite–Rodriguez shape (Lo Conte, Merletti & Sandri 1994), the
first derivative of a Gaussian scaled to a peak of :math:`A_i`:

.. math:: \phi_i(t) = A_i\,\frac{t - t_c}{\lambda_i}
          \exp\!\Big(\tfrac12\big(1 - (t - t_c)^2/\lambda_i^2\big)\Big),
          \qquad \lambda_i = D_i / 6,

centred :math:`t_c = 3\lambda_i` after the spike so that it lasts about
:math:`D_i` (:data:`MUAP_DURATION_WIDTHS` = 6 widths). Larger units give larger
MUAPs (amplitudes spread exponentially over ``muap_amplitude_range``) but briefer ones:
a surface MUAP lasts about as long as the fibres' action potentials take to travel
away from the endplate, and the muscle fibres of larger, higher-threshold units
conduct faster (Andreassen & Arendt-Nielsen 1987), so durations fall from
``muap_duration_smallest_ms`` to ``muap_duration_largest_ms`` across the pool. The
large units' fast axons thus deliver brief MUAPs that peak early; over a longer
nerve path they pull further ahead of the small units, the phases of the units'
MUAPs spread, and a proximal M-wave is slightly smaller and longer than a distal one
(temporal dispersion; Kimura). (With durations growing with size the large units'
later peaks would instead line up with the small units' the longer the path, and a
healthy proximal M-wave would come out larger.)
The surface EMG is

.. math:: \text{EMG}(t) = \sum_i \sum_k \phi_i(t - t_{ik}) + \varepsilon(t),

with white measurement noise :math:`\varepsilon` of SD ``noise_mV``.

Processing, as surface EMG is reported (SENIAM; ISEK, Merletti & Di Torino 1999):
:func:`bandpass` (20–450 Hz, 4th-order Butterworth, zero phase), :func:`rectify` and the
low-pass :func:`linear_envelope` (6 Hz), the moving RMS (:func:`rms_envelope`) and average
rectified value (:func:`rectified_envelope`); Welch :func:`spectrum` with its
:func:`mean_frequency`, :func:`median_frequency` and :func:`peak_frequency`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
import math

import numpy as np
from numba import njit

from .motor_pool import exponential_spread, interpolate_across_pool
from ._fields import TUNED, Validated, param

__all__ = ["EMGParameters", "PARAMETERS", "MUAP_DURATION_WIDTHS", "MUAP_DURATION_EXPONENT", "muap_arrays", "synthesize_emg", "add_muaps",
           "muap_waveform", "rms_envelope", "rectified_envelope", "bandpass", "lowpass", "rectify",
           "linear_envelope", "spectrum", "mean_frequency", "median_frequency", "peak_frequency",
           "EMG_BAND_HZ", "BANDPASS_ORDER", "LINEAR_ENVELOPE_HZ", "LINEAR_ENVELOPE_ORDER",
           "SPECTRUM_SEGMENT_MS"]


# ------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class EMGParameters(Validated):
    """Surface EMG: one biphasic motor-unit action potential per spike, plus noise."""

    stage_name: ClassVar[str] = "emg"

    muap_amplitude_smallest_mV: float = param(
        0.02, unit="mV", min=0.0, max=5.0, label="Smallest MUAP amplitude",
        help="Peak amplitude of the smallest unit's surface action potential.",
        source="Fuglevand, Winter, Patla & Stashuk 1992, Biol Cybern 67:143 (surface MUAPs of tens of µV)")
    muap_amplitude_range: float = param(
        10.0, unit="1", min=1.0, max=100.0, label="MUAP amplitude range",
        help="Largest divided by smallest MUAP amplitude (larger units, larger MUAPs).",
        source="Fuglevand et al. 1992, Biol Cybern 67:143; " + TUNED)
    muap_duration_smallest_ms: float = param(
        14.0, unit="ms", min=1.0, max=30.0, label="Smallest unit's MUAP duration",
        help="Duration of the smallest unit's biphasic surface MUAP (the longest: its muscle "
             "fibres conduct most slowly).",
        source="Surface MUAPs last about 5–15 ms (Farina, Merletti & Enoka 2004, J Appl "
               "Physiol 96:1486); their duration varies inversely with muscle-fibre conduction "
               "velocity, which is lowest in low-threshold units (Andreassen & Arendt-Nielsen "
               "1987, J Physiol 391:561)")
    muap_duration_largest_ms: float = param(
        8.0, unit="ms", min=1.0, max=30.0, label="Largest unit's MUAP duration",
        help="Duration of the largest unit's biphasic surface MUAP (the briefest: its muscle "
             "fibres conduct fastest).",
        source="Farina, Merletti & Enoka 2004, J Appl Physiol 96:1486 (5–15 ms); muscle-fibre "
               "conduction velocity rises with motor-unit threshold (Andreassen & "
               "Arendt-Nielsen 1987, J Physiol 391:561)")
    noise_mV: float = param(
        0.005, unit="mV", min=0.0, max=1.0, label="Measurement noise",
        help="Standard deviation of the recording's additive noise.",
        source="Typical surface-EMG baseline noise of a few µV (De Luca et al. 2010, "
               "J Biomech 43:1573)")
    output_rate_hz: float = param(
        2000.0, unit="Hz", min=200.0, max=20000.0, label="Output sampling rate",
        help="Sampling rate of the population traces (force, EMG, rates).",
        source="Surface EMG content lies below 500 Hz; 2 kHz is a common sampling rate "
               "(Merletti & Parker 2004, Electromyography)")


PARAMETERS = (EMGParameters,)
"""The parameter groups this stage owns: fields of :class:`~neurosim.Parameters` named by
their ``stage_name``."""

STAGE = "emg"
"""This stage's name in the schedule (:mod:`neurosim.schedule`). The EMG is not stepped in
the loop: the engine adds each chunk's motor-unit action potentials after the chunk."""
HOOKS: dict = {}
"""No slot of the loop."""


MUAP_DURATION_WIDTHS = 6.0
"""A MUAP of duration D has width λ = D / 6 and lasts ±3λ about its centre: there the
first-order Hermite–Rodriguez function has fallen to about 5 % of its peak (Lo Conte, Merletti &
Sandri 1994, IEEE Trans Biomed Eng 41:1147, compact-support MUAP models)."""


MUAP_DURATION_EXPONENT = 0.25
"""A unit enlarged :math:`e`-fold by reinnervation has a MUAP :math:`e^{0.25}` times longer
(:func:`muap_arrays`; a caricature)."""


def muap_arrays(emg: EMGParameters, n_units: int, *,
                size_factor: np.ndarray | None = None) -> dict[str, np.ndarray]:
    r"""Per-unit MUAP amplitude (mV) and duration (ms).

    Amplitudes grow exponentially with unit size; durations are interpolated from the
    smallest unit's to the largest unit's (shorter: faster muscle-fibre conduction).

    A reinnervated unit that innervates :math:`e` times its own fibres (``size_factor``,
    :attr:`neurosim.reinnervation.Remodelling.size_factor`) has a MUAP :math:`e` times
    larger — the far-field potential sums its fibres, and simulated macro-EMG MUAPs grow in
    proportion to the fibres added by reinnervation ("EMG of reinnervated motor units: a
    simulation study", Electroencephalogr Clin Neurophysiol 1988, 70:177) — and, for
    :math:`e > 1`, :math:`e^{1/4}` times longer: its fibres spread over a somewhat wider
    territory, so their endplates and conduction paths are more dispersed. A caricature:
    reinnervation packs the territory more densely more than it widens it (fibre-type
    grouping), so half of the growth is taken as density and half as area, whose width grows
    as its square root; a 5-fold unit's MUAP lasts 1.5× longer, as chronic neurogenic MUAPs
    last about 1.5–2× the normal (Daube & Rubin 2009, Muscle Nerve 39:244). A regrown unit
    that has taken back fewer fibres than it had (:math:`e < 1`) is smaller but not briefer.

    Parameters
    ----------
    emg : EMGParameters
    n_units : int
    size_factor : ndarray, shape (n_units,), optional
        Default 1 (no remodelling).

    Returns
    -------
    dict of str to ndarray, each shape (n_units,)
        ``amplitude_mV``, ``duration_ms``.
    """
    amplitude = exponential_spread(emg.muap_amplitude_smallest_mV, emg.muap_amplitude_range,
                                   n_units)
    duration = interpolate_across_pool(emg.muap_duration_smallest_ms,
                                       emg.muap_duration_largest_ms, n_units)
    if size_factor is not None:
        amplitude = amplitude * size_factor
        duration = duration * np.maximum(size_factor, 1.0) ** MUAP_DURATION_EXPONENT
    return dict(amplitude_mV=amplitude, duration_ms=duration)


def muap_waveform(time_ms: np.ndarray, amplitude_mV: float, duration_ms: float) -> np.ndarray:
    """The MUAP of one unit at ``time_ms`` after its spike (shape as ``time_ms``)."""
    lam = duration_ms / MUAP_DURATION_WIDTHS
    x = (np.asarray(time_ms, dtype=float) - 3.0 * lam) / lam
    return np.where(np.abs(x) <= 3.0, amplitude_mV * x * np.exp(0.5 * (1.0 - x * x)), 0.0)


@njit(cache=True, error_model="numpy")
def synthesize_emg(spike_times_s, spike_units, amplitude_mV, duration_ms, output_rate_hz,
                   n_samples):
    """Sum the MUAPs of all spikes on the output time grid.

    Parameters
    ----------
    spike_times_s : ndarray, shape (n_spikes,)
    spike_units : ndarray of int, shape (n_spikes,)
    amplitude_mV, duration_ms : ndarray, shape (n_units,)
    output_rate_hz : float
    n_samples : int

    Returns
    -------
    ndarray, shape (n_samples,)
        Noise-free surface EMG in mV, sample *j* at time ``j / output_rate_hz``.
    """
    out = np.zeros(n_samples)
    add_muaps(out, spike_times_s, spike_units, amplitude_mV, duration_ms, output_rate_hz)
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def add_muaps(out, spike_times_s, spike_units, amplitude_mV, duration_ms, output_rate_hz):
    """Add the MUAPs of the given spikes to ``out`` in place (mV, shape (n_samples,)).

    Adding the spikes batch by batch, in time order, gives exactly the array that one
    call with all of them gives; the engine adds each chunk's spikes while the next
    chunk is being simulated. Releases the GIL.
    """
    n_samples = out.shape[0]
    for k in range(spike_times_s.shape[0]):
        u = spike_units[k]
        lam_s = duration_ms[u] / (1000.0 * MUAP_DURATION_WIDTHS)
        centre = spike_times_s[k] + 3.0 * lam_s
        j0 = int(math.ceil((centre - 3.0 * lam_s) * output_rate_hz))
        j1 = int(math.floor((centre + 3.0 * lam_s) * output_rate_hz))
        if j0 < 0:
            j0 = 0
        if j1 > n_samples - 1:
            j1 = n_samples - 1
        a = amplitude_mV[u]
        for j in range(j0, j1 + 1):
            x = (j / output_rate_hz - centre) / lam_s
            out[j] += a * x * math.exp(0.5 * (1.0 - x * x))  # math.exp: same libm with and without JIT


# -------------------------------------------------------------- signal processing
# Surface-EMG processing as the field reports it (SENIAM: Hermens et al. 1999; ISEK's
# "Standards for reporting EMG data", Merletti & Di Torino 1999, J Electromyogr Kinesiol
# 9(1):III–IV): a band-pass of about 20–450 Hz, full-wave rectification and a low-pass
# "linear envelope", or a moving RMS; spectra by Welch's method, summarised by their mean
# and median frequency. Every filter is a Butterworth run forward and backward
# (``scipy.signal.sosfiltfilt``: zero phase, so envelopes do not lag the signal).

EMG_BAND_HZ = (20.0, 450.0)
"""Default surface-EMG band (Hz): 20 Hz removes movement artefact and baseline drift,
450 Hz is where the surface EMG's power has fallen to the noise (De Luca, Gilmore, Kuznetsov
& Roy 2010, J Biomech 43:1573; SENIAM, Hermens et al. 1999)."""

BANDPASS_ORDER = 4
"""Order of the Butterworth band-pass prototype (``scipy.signal.butter(4, band)``; the
band-pass filter itself has twice as many poles). Run forward and backward, its gain is
the square of one pass's: ``1 / (1 + Ω**(2 * 4))`` at the prototype frequency Ω."""

LINEAR_ENVELOPE_HZ = 6.0
"""Default cut-off of the linear envelope's low-pass (Hz): a few hertz follows the force of
a voluntary contraction (Winter 2009, Biomechanics and Motor Control of Human Movement,
4th ed., ch. 10; 6 Hz as in gait EMG)."""

LINEAR_ENVELOPE_ORDER = 4
"""Order of the linear envelope's Butterworth low-pass (run forward and backward)."""

SPECTRUM_SEGMENT_MS = 250.0
"""Welch segment length (ms): 500 samples at the default 2 kHz, a 4 Hz frequency
resolution, Hann window, 50 % overlap (scipy's defaults for the rest)."""


def _rate(output_rate_hz) -> float:
    rate = float(output_rate_hz)
    if not (np.isfinite(rate) and rate > 0):
        raise ValueError(f"output_rate_hz = {output_rate_hz!r} Hz must be a finite number > 0")
    return rate


def _signal(x, name: str = "emg_mV") -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (n_samples,), got shape {x.shape}")
    return x


def _band(band_hz, rate: float) -> tuple[float, float]:
    nyquist = rate / 2.0
    try:
        low, high = (float(f) for f in band_hz)
    except (TypeError, ValueError):
        raise ValueError(f"band_hz = {band_hz!r} must be a pair (low, high) in Hz") from None
    if not (0.0 < low < high < nyquist):
        raise ValueError(
            f"band_hz = ({low:g}, {high:g}) Hz must satisfy 0 < low < high < {nyquist:g} Hz, "
            f"the Nyquist frequency of output_rate_hz = {rate:g} Hz (emg.output_rate_hz); "
            f"raise the output rate or lower the band's upper edge")
    return low, high


def _filtfilt(sos: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Zero-phase filtering; a signal too short for scipy's default edge padding is padded
    as much as it allows."""
    from scipy import signal

    if x.size == 0:
        return x.copy()
    default_pad = 3 * (2 * sos.shape[0] + 1 - min((sos[:, 2] == 0).sum(), (sos[:, 5] == 0).sum()))
    return signal.sosfiltfilt(sos, x, padlen=min(default_pad, x.size - 1))


def bandpass(emg_mV, output_rate_hz: float, *, band_hz=EMG_BAND_HZ,
             order: int = BANDPASS_ORDER) -> np.ndarray:
    """Band-pass the EMG: Butterworth, zero phase (``scipy.signal.sosfiltfilt``).

    Parameters
    ----------
    emg_mV : array_like, shape (n_samples,)
        Raw surface EMG (mV).
    output_rate_hz : float
        Its sampling rate (Hz), e.g. ``result.output_rate_hz``.
    band_hz : (float, float)
        Pass band (Hz), default :data:`EMG_BAND_HZ` (20–450 Hz, SENIAM). The upper edge
        must lie below the Nyquist frequency, half of ``output_rate_hz``: at the model's
        lowest allowed output rate (200 Hz) pass e.g. ``band_hz=(20, 90)``.
    order : int
        Order of the Butterworth prototype (default :data:`BANDPASS_ORDER`).

    Returns
    -------
    ndarray, shape (n_samples,)
        Filtered EMG (mV). Run forward and backward, the filter's gain at frequency
        *f* is ``1 / (1 + Ω(f)**(2 order))``, with Ω the low-pass prototype frequency of
        the bilinear-transformed band-pass: < 1 % loss well inside the band.

    Raises
    ------
    ValueError
        If the band is not ``0 < low < high < output_rate_hz / 2``.
    """
    from scipy import signal

    rate = _rate(output_rate_hz)
    low, high = _band(band_hz, rate)
    sos = signal.butter(int(order), (low, high), btype="bandpass", fs=rate, output="sos")
    return _filtfilt(sos, _signal(emg_mV))


def lowpass(x, output_rate_hz: float, cutoff_hz: float, *, order: int = LINEAR_ENVELOPE_ORDER
            ) -> np.ndarray:
    """Butterworth low-pass, zero phase (``scipy.signal.sosfiltfilt``), shape as ``x``.

    Raises
    ------
    ValueError
        If ``cutoff_hz`` is not between 0 and the Nyquist frequency.
    """
    from scipy import signal

    rate = _rate(output_rate_hz)
    cutoff = float(cutoff_hz)
    if not (0.0 < cutoff < rate / 2.0):
        raise ValueError(f"cutoff_hz = {cutoff_hz!r} Hz must lie between 0 and the Nyquist "
                         f"frequency, {rate / 2.0:g} Hz (half of output_rate_hz = {rate:g} Hz)")
    sos = signal.butter(int(order), cutoff, btype="lowpass", fs=rate, output="sos")
    return _filtfilt(sos, _signal(x, "x"))


def rectify(emg_mV) -> np.ndarray:
    """Full-wave rectification: ``|emg|`` (mV), shape (n_samples,)."""
    return np.abs(_signal(emg_mV))


def linear_envelope(emg_mV, output_rate_hz: float, *, cutoff_hz: float = LINEAR_ENVELOPE_HZ,
                    order: int = LINEAR_ENVELOPE_ORDER, band_hz=None) -> np.ndarray:
    """The linear envelope: full-wave rectified EMG through a zero-phase low-pass.

    Parameters
    ----------
    emg_mV : array_like, shape (n_samples,)
        Surface EMG (mV).
    output_rate_hz : float
        Its sampling rate (Hz).
    cutoff_hz : float
        Low-pass cut-off (Hz), default :data:`LINEAR_ENVELOPE_HZ` (6 Hz).
    order : int
        Butterworth order (default 4), run forward and backward.
    band_hz : (float, float), optional
        Band-pass the raw EMG first (:func:`bandpass`), e.g. :data:`EMG_BAND_HZ`. The
        model's EMG has no movement artefact, so the default is not to.

    Returns
    -------
    ndarray, shape (n_samples,)
        Envelope (mV). For a carrier of slowly varying amplitude *A(t)* it follows
        ``2 A(t) / π``, the mean of a rectified sine. The low-pass may undershoot
        slightly below zero next to an abrupt burst; it is not clipped.

    References
    ----------
    Winter DA (2009) Biomechanics and Motor Control of Human Movement, 4th ed., Wiley,
    ch. 10 (linear envelope); Merletti R, Di Torino P (1999) Standards for reporting EMG
    data. J Electromyogr Kinesiol 9(1):III–IV.
    """
    x = _signal(emg_mV)
    if band_hz is not None:
        x = bandpass(x, output_rate_hz, band_hz=band_hz)
    return lowpass(np.abs(x), output_rate_hz, cutoff_hz, order=order)


def _window_samples(window_ms: float, rate_hz: float) -> int:
    if not (window_ms > 0):
        raise ValueError(f"window_ms = {window_ms!r} ms must be > 0")
    return max(1, int(round(window_ms * rate_hz / 1000.0)))


def _centred_mean(x: np.ndarray, w: int) -> np.ndarray:
    """Centred moving average over ``w`` samples, zero-padded, of the same length as ``x``
    (sample *i* averages ``x[i - w//2 : i + (w - 1)//2 + 1]``).

    ``scipy.ndimage.uniform_filter1d`` with zero padding (``mode="constant"``): a running
    sum, O(n) whatever the window, unlike ``np.convolve``'s O(n·w).
    """
    from scipy import ndimage

    if x.size == 0:
        return np.zeros(0)
    return ndimage.uniform_filter1d(np.asarray(x, dtype=float), size=w, mode="constant", cval=0.0)


def rms_envelope(emg_mV: np.ndarray, output_rate_hz: float, window_ms: float = 100.0) -> np.ndarray:
    """Moving root-mean-square of the EMG (centred window).

    The moving RMS is the amplitude estimate the SENIAM/ISEK recommendations list beside
    the average rectified value (Merletti & Di Torino 1999); a sine of amplitude *A* has
    RMS ``A / √2`` over any whole number of periods.

    Parameters
    ----------
    emg_mV : ndarray, shape (n_samples,)
    output_rate_hz : float
    window_ms : float
        Window length (ms); the samples beyond either end of the record count as 0.

    Returns
    -------
    ndarray, shape (n_samples,)
        RMS amplitude in mV.
    """
    squares = _centred_mean(np.asarray(emg_mV, dtype=float) ** 2,
                            _window_samples(window_ms, _rate(output_rate_hz)))
    return np.sqrt(np.maximum(squares, 0.0))  # a running sum can round to -1e-20


def rectified_envelope(emg_mV: np.ndarray, output_rate_hz: float, window_ms: float = 100.0) -> np.ndarray:
    """Average rectified value: full-wave rectified EMG smoothed by a centred moving
    average (mV), shape (n_samples,). A sine of amplitude *A* gives ``2 A / π``.

    For the low-pass "linear envelope" see :func:`linear_envelope`.
    """
    return np.maximum(_centred_mean(np.abs(np.asarray(emg_mV, dtype=float)),
                                    _window_samples(window_ms, _rate(output_rate_hz))), 0.0)


def spectrum(emg_mV, output_rate_hz: float, *, segment_ms: float = SPECTRUM_SEGMENT_MS
             ) -> tuple[np.ndarray, np.ndarray]:
    """Power spectral density by Welch's method (``scipy.signal.welch``).

    Parameters
    ----------
    emg_mV : array_like, shape (n_samples,)
        Signal (mV).
    output_rate_hz : float
        Sampling rate (Hz).
    segment_ms : float
        Segment length (ms), default :data:`SPECTRUM_SEGMENT_MS`; shortened to the signal
        if longer. Hann window, 50 % overlap, mean removed per segment.

    Returns
    -------
    freq_hz : ndarray, shape (n_freq,)
        Frequencies from 0 to the Nyquist frequency, spaced ``1 / segment`` apart.
    psd : ndarray, shape (n_freq,)
        Power spectral density (mV²/Hz).

    Raises
    ------
    ValueError
        If the signal has fewer than 2 samples.
    """
    from scipy import signal

    rate = _rate(output_rate_hz)
    x = _signal(emg_mV)
    if x.size < 2:
        raise ValueError(f"a spectrum needs at least 2 samples, got {x.size}")
    nperseg = min(x.size, _window_samples(segment_ms, rate))
    return signal.welch(x, fs=rate, nperseg=nperseg)


def _in_band(freq_hz, psd, band_hz):
    freq_hz, psd = np.asarray(freq_hz, dtype=float), np.asarray(psd, dtype=float)
    if freq_hz.shape != psd.shape or freq_hz.ndim != 1:
        raise ValueError(f"freq_hz and psd must be 1-D of one shape, got {freq_hz.shape} "
                         f"and {psd.shape}")
    if band_hz is None:
        sel = np.ones(freq_hz.size, dtype=bool)
    else:
        low, high = (float(f) for f in band_hz)
        sel = (freq_hz >= low) & (freq_hz <= high)
    return freq_hz[sel], psd[sel]


def mean_frequency(freq_hz, psd, *, band_hz=EMG_BAND_HZ) -> float:
    """Mean (centroid) frequency of a power spectrum: ``Σ f P(f) / Σ P(f)`` (Hz).

    Parameters
    ----------
    freq_hz, psd : ndarray, shape (n_freq,)
        A spectrum, e.g. from :func:`spectrum`.
    band_hz : (float, float) or None
        Only the frequencies in this band count (default :data:`EMG_BAND_HZ`); ``None``
        for all. A sine gives its own frequency; white noise the centre of the band.

    Returns
    -------
    float
        NaN when the band holds no power.

    References
    ----------
    Merletti R, Di Torino P (1999) Standards for reporting EMG data. J Electromyogr
    Kinesiol 9(1):III–IV (mean and median frequency); Stulen FB, De Luca CJ (1981) IEEE
    Trans Biomed Eng 28:515.
    """
    f, p = _in_band(freq_hz, psd, band_hz)
    total = p.sum()
    return float((f * p).sum() / total) if total > 0 else float("nan")


def median_frequency(freq_hz, psd, *, band_hz=EMG_BAND_HZ) -> float:
    """Median frequency of a power spectrum: the frequency that splits its power in two
    halves (Hz), linearly interpolated in the cumulative power.

    Parameters and references as :func:`mean_frequency`. NaN when the band holds no power.
    """
    f, p = _in_band(freq_hz, psd, band_hz)
    total = p.sum()
    if not total > 0:
        return float("nan")
    cumulative = np.cumsum(p)
    # bin k holds the power between f[k] - df/2 and f[k] + df/2: the half-way point of the
    # cumulative power lies inside the bin where it is reached
    k = int(np.searchsorted(cumulative, 0.5 * total))
    below = cumulative[k - 1] if k > 0 else 0.0
    df = f[1] - f[0] if f.size > 1 else 0.0
    return float(f[k] - 0.5 * df + df * (0.5 * total - below) / p[k])


def peak_frequency(freq_hz, psd, *, band_hz=None) -> float:
    """Frequency of the largest spectral peak in ``band_hz`` (Hz), refined between bins.

    A peak is a local maximum found by ``scipy.signal.find_peaks`` (a band edge where the
    power merely keeps rising is not one); the largest is refined by a parabola through it
    and its two neighbours (quadratic interpolation of a spectral peak; Smith & Serra 1987).

    Parameters
    ----------
    freq_hz, psd : ndarray, shape (n_freq,)
        An evenly spaced spectrum, e.g. from :func:`spectrum`.
    band_hz : (float, float) or None
        Search band (Hz); ``None`` for all frequencies.

    Returns
    -------
    float
        NaN when there is no local maximum in the band.
    """
    from scipy import signal

    freq_hz, psd = np.asarray(freq_hz, dtype=float), np.asarray(psd, dtype=float)
    peaks, _ = signal.find_peaks(psd)
    if band_hz is not None:
        low, high = (float(f) for f in band_hz)
        peaks = peaks[(freq_hz[peaks] >= low) & (freq_hz[peaks] <= high)]
    if peaks.size == 0:
        return float("nan")
    k = int(peaks[np.argmax(psd[peaks])])
    a, b, c = psd[k - 1], psd[k], psd[k + 1]  # find_peaks never returns an end point
    curvature = a - 2.0 * b + c
    offset = 0.5 * (a - c) / curvature if curvature < 0 else 0.0
    return float(freq_hz[k] + offset * (freq_hz[1] - freq_hz[0]))
