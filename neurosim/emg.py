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
Envelopes: full-wave rectification and moving RMS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
import math

import numpy as np
from numba import njit

from .motor_pool import exponential_spread, interpolate_across_pool
from ._fields import TUNED, Validated, param

__all__ = ["EMGParameters", "PARAMETERS", "MUAP_DURATION_WIDTHS", "muap_arrays", "synthesize_emg", "add_muaps",
           "muap_waveform", "rms_envelope", "rectified_envelope"]


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


def muap_arrays(emg: EMGParameters, n_units: int) -> dict[str, np.ndarray]:
    """Per-unit MUAP amplitude (mV) and duration (ms).

    Amplitudes grow exponentially with unit size; durations are interpolated from the
    smallest unit's to the largest unit's (shorter: faster muscle-fibre conduction).

    Returns
    -------
    dict of str to ndarray, each shape (n_units,)
        ``amplitude_mV``, ``duration_ms``.
    """
    return dict(
        amplitude_mV=exponential_spread(emg.muap_amplitude_smallest_mV,
                                        emg.muap_amplitude_range, n_units),
        duration_ms=interpolate_across_pool(emg.muap_duration_smallest_ms,
                                            emg.muap_duration_largest_ms, n_units),
    )


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


def _window_samples(window_ms: float, rate_hz: float) -> int:
    if not (window_ms > 0):
        raise ValueError(f"window_ms = {window_ms!r} ms must be > 0")
    return max(1, int(round(window_ms * rate_hz / 1000.0)))


def _centred_mean(x: np.ndarray, w: int) -> np.ndarray:
    """Centred moving average over ``w`` samples, zero-padded, of the same length as ``x``
    (``np.convolve(mode="same")`` returns ``w`` samples when ``x`` is shorter than that)."""
    start = (w - 1) // 2
    return np.convolve(x, np.ones(w) / w, mode="full")[start:start + x.size]


def rms_envelope(emg_mV: np.ndarray, output_rate_hz: float, window_ms: float = 100.0) -> np.ndarray:
    """Moving root-mean-square of the EMG (centred window).

    Parameters
    ----------
    emg_mV : ndarray, shape (n_samples,)
    output_rate_hz : float
    window_ms : float
        Window length (ms).

    Returns
    -------
    ndarray, shape (n_samples,)
        RMS amplitude in mV.
    """
    return np.sqrt(_centred_mean(np.asarray(emg_mV) ** 2,
                                 _window_samples(window_ms, output_rate_hz)))


def rectified_envelope(emg_mV: np.ndarray, output_rate_hz: float, window_ms: float = 100.0) -> np.ndarray:
    """Full-wave rectified EMG smoothed by a centred moving average (mV), shape (n_samples,)."""
    return _centred_mean(np.abs(emg_mV), _window_samples(window_ms, output_rate_hz))
