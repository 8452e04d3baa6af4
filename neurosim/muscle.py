r"""Muscle force: one twitch per action potential, with rate-dependent summation.

Following Fuglevand, Winter & Patla (1993), unit *i* has a peak twitch force
:math:`P_i` (spread exponentially over ``twitch_force_range``) and a contraction
time :math:`T_i` that is shorter for stronger units,

.. math:: T_i = T_L \left(\frac{1}{P_i/P_1}\right)^{1/c}, \quad c = \log_{R_T} R_P .

Each action potential produces the impulse response of a critically damped
second-order system,

.. math:: f_i(t) = g\,P_i\,\frac{t}{T_i}\,e^{1 - t/T_i},

which peaks at exactly :math:`t = T_i` with value :math:`g P_i`. It is integrated
exactly with two state variables per unit (:math:`a' = -a/T`, :math:`b' = -b/T + a`,
force :math:`= b`). The gain :math:`g` models the sigmoidal force–rate relation:
:math:`g = 1` while :math:`T_i/\text{ISI} \le 0.4`, otherwise

.. math:: g = \frac{1 - e^{-2 (T_i/\text{ISI})^3}}{T_i/\text{ISI}}
               \Big/ \frac{1 - e^{-2 \cdot 0.4^3}}{0.4},

so that mean force saturates as the twitches fuse into a tetanus. Forces are
scaled so that all units fully fused together give ``max_force_N``.

Summed linearly, the twitches of many units firing *in synchrony* at a partly fused rate
peak above that mean (by up to a few % in electrically driven or ectopic trains), but a
muscle cannot pull harder than its fused tetanus: the summed force passes through a soft
ceiling (:func:`fused_force_ceiling`) that leaves it untouched up to
:data:`CEILING_KNEE` × ``max_force_N`` and approaches ``max_force_N`` smoothly above.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .motor_pool import exponential_spread
from .parameters import MuscleParameters

__all__ = ["twitch_arrays", "summation_gain", "twitch_step", "twitch_waveform",
           "fused_force_per_peak", "fused_force_ceiling", "CEILING_KNEE"]

_LINEAR_LIMIT = 0.4
"""Normalised firing rate T/ISI up to which twitches add linearly (gain 1); above it the
force-rate relation bends towards fusion. Fuglevand, Winter & Patla 1993, J Neurophysiol
70:2470 (their eq. 17: gain 1 for T/ISI ≤ 0.4)."""
_NORMALISER = (1.0 - math.exp(-2.0 * _LINEAR_LIMIT ** 3)) / _LINEAR_LIMIT
fused_force_per_peak = math.e / _NORMALISER
"""Mean force of a fully fused unit divided by its peak twitch force (≈ 9.05)."""


def twitch_arrays(muscle: MuscleParameters, n_units: int, dt_ms: float) -> dict[str, np.ndarray]:
    """Per-unit twitch constants.

    Returns
    -------
    dict of str to ndarray, each shape (n_units,)
        ``peak_force_N`` (P_i), ``contraction_time_ms`` (T_i), ``decay`` (exp(-dt/T_i)),
        ``impulse`` (jump of the ``a`` state per spike, N/ms, before gain).
    """
    relative = exponential_spread(1.0, muscle.twitch_force_range, n_units)
    if muscle.contraction_time_range > 1.0 and muscle.twitch_force_range > 1.0:
        c = math.log(muscle.twitch_force_range) / math.log(muscle.contraction_time_range)
        contraction = muscle.contraction_time_longest_ms * (1.0 / relative) ** (1.0 / c)
    else:
        contraction = np.full(n_units, muscle.contraction_time_longest_ms)
    # scale so that all units fully fused sum to max_force_N
    peak = relative * muscle.max_force_N / (fused_force_per_peak * relative.sum())
    return dict(
        peak_force_N=peak,
        contraction_time_ms=contraction,
        decay=np.exp(-dt_ms / contraction),
        impulse=peak * math.e / contraction,
    )


@njit(cache=True, inline="always", error_model="numpy")
def summation_gain(contraction_time_ms, interval_ms):
    """Twitch gain for a spike following the previous one by ``interval_ms``."""
    x = contraction_time_ms / interval_ms
    if x <= _LINEAR_LIMIT:
        return 1.0
    return (1.0 - math.exp(-2.0 * x * x * x)) / x / _NORMALISER


CEILING_KNEE = 0.9
"""Fraction of ``max_force_N`` up to which summed twitch force is passed on unchanged
(:func:`fused_force_ceiling`); a neurosim choice: asynchronous voluntary and reflex
contractions stay below it, only synchronous trains near fusion reach it."""


@njit(cache=True, inline="always", error_model="numpy")
def fused_force_ceiling(force_N, max_force_N):
    r"""Muscle force (N) from the linear sum of the twitches, never above ``max_force_N``.

    .. math:: F = F_s \ (F_s \le k F_{max}), \qquad
              F = F_{max}\Big(k + (1 - k)\tanh\frac{F_s/F_{max} - k}{1 - k}\Big)

    with :math:`k` = :data:`CEILING_KNEE`: continuous with a continuous slope, rising,
    and below :math:`F_{max}` (the fused tetanus) for every sum.
    """
    if force_N <= CEILING_KNEE * max_force_N:
        return force_N
    return max_force_N * (CEILING_KNEE + (1.0 - CEILING_KNEE) * math.tanh(
        (force_N / max_force_N - CEILING_KNEE) / (1.0 - CEILING_KNEE)))


@njit(cache=True, inline="always", error_model="numpy")
def twitch_step(a, b, decay, dt_ms):
    """Exact one-step update of a unit's twitch states; returns ``(a, b)``; force = ``b``."""
    return a * decay, (b + dt_ms * a) * decay


def twitch_waveform(time_ms: np.ndarray, peak_force_N: float, contraction_time_ms: float) -> np.ndarray:
    """Analytic twitch ``P (t/T) exp(1 - t/T)`` for t ≥ 0 (zero before).

    Parameters
    ----------
    time_ms : ndarray, shape (n,)

    Returns
    -------
    ndarray, shape (n,)
        Force in newtons.
    """
    t = np.maximum(time_ms, 0.0) / contraction_time_ms
    return np.where(time_ms >= 0, peak_force_N * t * np.exp(1.0 - t), 0.0)
