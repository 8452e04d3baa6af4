r"""Motor-neuron pool: size principle, leaky integrate-and-fire membrane, PIC.

Each motor neuron *i* is a leaky integrate-and-fire membrane. Its voltage
:math:`V_i` (mV above rest) obeys

.. math::

    \tau_m \frac{dV_i}{dt} = -V_i + R_i\,I_i(t),
    \qquad R_i = \frac{V_\theta}{I_{rh,i}},

and a spike is fired when :math:`V_i \ge V_\theta`; then :math:`V_i` is reset to
rest and held there for the refractory period. Because every term of
:math:`I_i` is measured in units of the unit's own rheobase :math:`I_{rh,i}`,
the equation is integrated in *relative* form, :math:`u_i = I_i / I_{rh,i}`:

.. math::

    u_i = \underbrace{s\tanh\!\Big(\frac{D(t)}{s\,I_{rh,i}}\Big)}_{\text{synaptic drive}}
        + \underbrace{P_i\,m_i h_i}_{\text{PIC}}
        - \underbrace{A_i}_{\text{AHP}}
        - \underbrace{\iota(t)}_{\text{inhibition}}
        + \underbrace{\xi_c(t) + \xi_i(t)}_{\text{noise}}

**Size principle** (Henneman 1965): rheobases grow exponentially across the
pool, :math:`I_{rh,i} = I_{rh,1}\,RR^{i/(n-1)}`, so the same synaptic drive
:math:`D` recruits small units first. Synaptic input is a conductance, so the
depolarisation it produces saturates hyperbolically as the membrane nears the
synaptic reversal potential: with :math:`x_i = D(t)/I_{rh,i}` the drive measured
at rest, the effective drive is :math:`s x_i/(s + x_i)`, never more than
:math:`s` (``synaptic_saturation``) times rheobase. This caps the peak rate.

**After-hyperpolarisation**: each spike adds ``ahp_increment`` to :math:`A_i`,
which decays with a time constant that is longer in small units; the
accumulating AHP turns more input into a higher, not an unbounded, rate.

**Persistent inward current** (PIC). PICs live mostly in the dendrites, which
do not reset with every somatic spike. The model gives each unit a dendritic
voltage :math:`V^d_i` that integrates the same input as the soma but without
the spike reset and the AHP,

.. math:: \tau_m \frac{dV^d_i}{dt} = -V^d_i + V_\theta\,\big(u_i + A_i\big),

and the PIC activation :math:`m_i` follows a smooth step of :math:`V^d_i`,
:math:`m_\infty(V^d)` that rises from 0 at ``activation_onset_below_threshold_mV``
below threshold to 1 over ``activation_width_mV``, with time constant
``activation_time_constant_ms``. The current is
:math:`P_i\,m_i h_i` (``P_i`` = ``strength`` × per-unit amplitude, in units of
rheobase). A slow inactivation :math:`h_i \to 1 - d\,m_i` (time constant
``inactivation_time_constant_s``) lets long plateaus fade.

Because an active PIC depolarises the dendrite that keeps it active, the unit
is *bistable*: once switched on, a PIC larger than rheobase plus inhibition
keeps the neuron firing with no input at all (self-sustained firing), until
inhibition pulls :math:`V^d` down and the PIC switches off. Inhibition is
therefore what normally keeps PICs from turning every input into a spasm.

The step functions below are compiled with numba and called by
:mod:`neurosim.engine` for every unit at every time step.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .parameters import MotorPoolParameters, PersistentInwardCurrentParameters

__all__ = ["unit_rank", "rheobase_nA", "pool_arrays", "membrane_step", "pic_step",
           "synaptic_drive", "firing_rate_lif_hz"]


def unit_rank(n_units: int) -> np.ndarray:
    """Return each unit's position in the pool, 0 (smallest) … 1 (largest).

    Returns
    -------
    ndarray, shape (n_units,)
    """
    if n_units == 1:
        return np.zeros(1)
    return np.arange(n_units) / (n_units - 1)


def exponential_spread(first: float, ratio: float, n_units: int) -> np.ndarray:
    """Values growing exponentially from ``first`` to ``first·ratio`` across the pool.

    This is the distribution Fuglevand et al. (1993) use for recruitment
    thresholds and twitch forces: many small values, few large ones.

    Returns
    -------
    ndarray, shape (n_units,)
    """
    return first * np.exp(np.log(ratio) * unit_rank(n_units))


def interpolate_across_pool(smallest: float, largest: float, n_units: int) -> np.ndarray:
    """Linear interpolation of a property from the smallest to the largest unit.

    Returns
    -------
    ndarray, shape (n_units,)
    """
    return smallest + (largest - smallest) * unit_rank(n_units)


def rheobase_nA(pool: MotorPoolParameters) -> np.ndarray:
    """Rheobase of every unit (nA), ordered from smallest to largest.

    Returns
    -------
    ndarray, shape (n_units,)
    """
    return exponential_spread(pool.rheobase_smallest_nA, pool.recruitment_range, pool.n_units)


def pool_arrays(pool: MotorPoolParameters, pic: PersistentInwardCurrentParameters,
                dt_ms: float) -> dict[str, np.ndarray]:
    """Per-unit constants used by the engine.

    Parameters
    ----------
    pool, pic : stage parameters
    dt_ms : float
        Integration time step (ms).

    Returns
    -------
    dict of str to ndarray, each shape (n_units,)
        ``inv_rheobase`` (1/nA), ``ahp_decay`` (per-step factor),
        ``pic_amplitude`` (fraction of rheobase, already multiplied by ``pic.strength``).
    """
    n = pool.n_units
    rh = rheobase_nA(pool)
    ahp_tau = interpolate_across_pool(pool.ahp_time_constant_smallest_ms,
                                      pool.ahp_time_constant_largest_ms, n)
    pic_amp = pic.strength * interpolate_across_pool(pic.amplitude_smallest,
                                                     pic.amplitude_largest, n)
    return dict(
        inv_rheobase=1.0 / rh,
        ahp_decay=np.exp(-dt_ms / ahp_tau),
        pic_amplitude=pic_amp,
    )


@njit(cache=True, inline="always", error_model="numpy")
def synaptic_drive(drive_nA, inv_rheobase, saturation):
    """Saturating synaptic drive of one unit, in units of its rheobase.

    A synaptic *conductance* on a passive membrane depolarises it hyperbolically
    towards the synaptic reversal potential, ``u = s·x / (s + x)``, where
    ``x = drive/rheobase`` is the drive measured at rest and ``s`` the ceiling.
    """
    x = drive_nA * inv_rheobase
    return saturation * x / (saturation + x)


@njit(cache=True, inline="always", error_model="numpy")
def pic_step(m, h, v_mV, v_half_mV, inv_width_per_mV, activation_rate, inactivation_rate, depth):
    """Advance PIC activation ``m`` and slow inactivation ``h`` by one step.

    Parameters
    ----------
    m, h : float
        Activation and availability (0–1).
    v_mV : float
        Membrane voltage above rest.
    v_half_mV : float
        Half-activation voltage.
    inv_width_per_mV : float
        1 / the span (mV) of the smooth activation step (a product is cheaper than a
        quotient in the loop over units).
    activation_rate, inactivation_rate : float
        ``dt/τ`` for activation and for inactivation.
    depth : float
        Fraction of the PIC that inactivates when fully on.

    Returns
    -------
    m, h : float
    """
    s = min(max((v_mV - v_half_mV) * inv_width_per_mV + 0.5, 0.0), 1.0)
    m_inf = s * s * (3.0 - 2.0 * s)  # smoothstep: 0 below, 1 above the activation span
    m += (m_inf - m) * activation_rate
    h += (1.0 - depth * m - h) * inactivation_rate
    return m, h


@njit(cache=True, inline="always", error_model="numpy")
def membrane_step(v_mV, u_total, threshold_mV, membrane_decay):
    """Exact exponential update of the LIF membrane for one step.

    Parameters
    ----------
    v_mV : float
        Voltage above rest.
    u_total : float
        Net input current in units of the unit's rheobase (1 = just reaches threshold).
    threshold_mV : float
    membrane_decay : float
        ``exp(-dt/τ_m)``.

    Returns
    -------
    float
        New voltage (mV above rest); the caller checks it against threshold.
    """
    v_inf = threshold_mV * u_total
    return v_inf + (v_mV - v_inf) * membrane_decay


def firing_rate_lif_hz(u: float, pool: MotorPoolParameters) -> float:
    """Analytic firing rate (Hz) of a LIF unit with constant relative input ``u``, no AHP.

    .. math:: f = \\left[t_{ref} + \\tau_m \\ln\\frac{u}{u - 1}\\right]^{-1}, \\quad u > 1

    Used to check the integrator; zero for ``u <= 1``.
    """
    if u <= 1.0:
        return 0.0
    period_ms = pool.refractory_ms + pool.membrane_time_constant_ms * math.log(u / (u - 1.0))
    return 1000.0 / period_ms
