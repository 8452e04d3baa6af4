r"""Muscle spindle: Ia afferent discharge from muscle stretch and stretch velocity.

Following the simple Ia model of Prochazka & Gorassini (1998), the Ia rate is

.. math::

    R_{Ia} = \Big[R_0 + \gamma + g\,\big(k_L\,x + k_V\,\mathrm{sign}(v)\,|v|^{p}
             + k_B\,(v - \bar v)\big)\Big]_+, \qquad
    \tau_B \frac{d\bar v}{dt} = v - \bar v

with stretch :math:`x` (mm), lengthening velocity :math:`v` (mm/s), resting
rate :math:`R_0`, fusimotor (γ) bias :math:`\gamma`, sensitivity gain :math:`g`
(1 = healthy), length sensitivity :math:`k_L` (2 Hz/mm), velocity sensitivity
:math:`k_V` (4.3) and exponent :math:`p` (0.6). The rate cannot be negative, so
during fast shortening the endings fall silent.

The last term is the **initial burst**: :math:`v - \bar v` is the part of the velocity
that is new (a high-pass filter with time constant :math:`\tau_B`, i.e. a smoothed
acceleration), so when a stretch starts the ending fires a burst that grows with how
fast it starts and fades within :math:`\tau_B`; when the stretch stops it pauses. At a
steady velocity the term vanishes and Prochazka & Gorassini's ramp response is left. A
shortening, slack spindle fires no burst (the term can only pause it then).
The burst is what makes brisk stretches and tendon taps so effective: the number of
extra spikes it adds grows in proportion to the velocity reached, whereas the
power-law term adds :math:`\propto v^{p-1}` over a stretch of fixed amplitude.

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

__all__ = ["ia_rate_hz", "ia_population_step", "spindle_constants", "burst_filter_step"]


def spindle_constants(spindle: SpindleParameters) -> tuple:
    """Flatten the spindle parameters for the compiled loop.

    Returns
    -------
    tuple
        ``(offset_hz, gain, k_length, k_velocity, exponent, k_burst)`` where offset =
        resting rate + γ bias and ``k_burst`` the initial-burst sensitivity.
    """
    return (spindle.baseline_rate_hz + spindle.fusimotor_bias_hz, spindle.gain,
            spindle.length_sensitivity_hz_per_mm, spindle.velocity_sensitivity,
            spindle.velocity_exponent, spindle.initial_burst_sensitivity)


@njit(cache=True, inline="always", error_model="numpy")
def burst_filter_step(smoothed_mm_s, velocity_mm_s, decay):
    """Advance the smoothed velocity :math:`\bar v` (mm/s) one step (exact for a constant
    velocity over the step; ``decay = exp(-dt/τ_B)``)."""
    return velocity_mm_s + (smoothed_mm_s - velocity_mm_s) * decay


@njit(cache=True, inline="always", error_model="numpy")
def ia_rate_hz(stretch_mm, velocity_mm_s, offset_hz, gain, k_length, k_velocity, exponent,
               k_burst=0.0, new_velocity_mm_s=0.0):
    """Ia discharge rate (Hz, ≥ 0).

    Parameters
    ----------
    stretch_mm, velocity_mm_s : float
        Stretch (mm) and lengthening velocity (mm/s) of the muscle.
    offset_hz, gain, k_length, k_velocity, exponent, k_burst : float
        From :func:`spindle_constants`.
    new_velocity_mm_s : float
        :math:`v - \bar v`, the velocity not yet smoothed away (0 at steady velocity).
    """
    if velocity_mm_s > 0.0:
        vel = math.pow(velocity_mm_s, exponent)
    elif velocity_mm_s < 0.0:
        vel = -math.pow(-velocity_mm_s, exponent)
    else:
        vel = 0.0
    # a shortening (slack) spindle fires no burst, though it still pauses
    burst = new_velocity_mm_s if (velocity_mm_s > 0.0 or new_velocity_mm_s < 0.0) else 0.0
    rate = offset_hz + k_length * stretch_mm + gain * (k_velocity * vel + k_burst * burst)
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
