r"""Muscle spindle: Ia afferent discharge from muscle stretch and stretch velocity.

Following the simple Ia model of Prochazka & Gorassini (1998), the Ia rate is

.. math::

    R_{Ia} = \Big[R_0 + \gamma + g\,\big(k_L\,x + k_V\,\mathrm{sign}(v)\,|v|^{p}\big)\Big]_+

with stretch :math:`x` (mm), lengthening velocity :math:`v` (mm/s), resting
rate :math:`R_0`, fusimotor (γ) bias :math:`\gamma`, sensitivity gain :math:`g`
(1 = healthy), length sensitivity :math:`k_L` (2 Hz/mm), velocity sensitivity
:math:`k_V` (4.3) and exponent :math:`p` (0.6). The rate cannot be negative, so
during fast shortening the endings fall silent.

A population of ``n_afferents`` Ia fibres turns this rate into spikes: each
fibre is an integrate-to-threshold phase oscillator that fires whenever its
accumulated phase :math:`\int R_{Ia}\,dt` passes an integer, starting from a
random phase (so the population is not synchronised). The antagonist muscle
(tibialis anterior) has the mirror image stretch, :math:`-x`, and drives
reciprocal Ia inhibition.
"""

from __future__ import annotations

import math

from numba import njit

from .parameters import SpindleParameters

__all__ = ["ia_rate_hz", "ia_population_step", "spindle_constants"]


def spindle_constants(spindle: SpindleParameters) -> tuple:
    """Flatten the spindle parameters for the compiled loop.

    Returns
    -------
    tuple
        ``(offset_hz, gain, k_length, k_velocity, exponent)`` where offset = resting rate + γ bias.
    """
    return (spindle.baseline_rate_hz + spindle.fusimotor_bias_hz, spindle.gain,
            spindle.length_sensitivity_hz_per_mm, spindle.velocity_sensitivity,
            spindle.velocity_exponent)


@njit(cache=True, inline="always", error_model="numpy")
def ia_rate_hz(stretch_mm, velocity_mm_s, offset_hz, gain, k_length, k_velocity, exponent):
    """Ia discharge rate (Hz, ≥ 0) for a given stretch (mm) and lengthening velocity (mm/s)."""
    if velocity_mm_s > 0.0:
        vel = math.pow(velocity_mm_s, exponent)
    elif velocity_mm_s < 0.0:
        vel = -math.pow(-velocity_mm_s, exponent)
    else:
        vel = 0.0
    rate = offset_hz + gain * (k_length * stretch_mm + k_velocity * vel)
    return rate if rate > 0.0 else 0.0


@njit(cache=True, inline="always", error_model="numpy")
def ia_population_step(phases, rate_hz, dt_s):
    """Advance every Ia fibre's phase; return the number of fibres that fired this step."""
    fired = 0  # an integer count: a float sum would have to be added in order, one by one
    increment = rate_hz * dt_s
    for j in range(phases.shape[0]):  # branch-free, so it vectorises
        whole = math.floor(phases[j] + increment)  # 1 when the fibre fires this step, else 0
        phases[j] += increment - whole
        fired += int(whole)
    return float(fired)
