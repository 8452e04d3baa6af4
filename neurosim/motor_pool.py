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

    u_i = \underbrace{\frac{s\,x_i}{s + x_i}}_{\text{synaptic drive}}
        + \underbrace{\frac{I_{Ia}(t)}{I_{rh,i}}}_{\text{Ia synapses}}
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
The monosynaptic Ia current :math:`I_{Ia}` (proximal synapses, after presynaptic
inhibition) is added without saturation.

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

**Synaptic noise**: a common and an independent Ornstein–Uhlenbeck current per unit,
updated every millisecond (``protocol.noise``), so units neither fire in lock-step nor
perfectly regularly.

In the loop the pool joins the ``pool`` slot of the schedule (:mod:`neurosim.schedule`):
:func:`integrate` advances every unit's membranes, PIC and AHP in one branch-free pass
(so it vectorises) and then fires the units at threshold and lets antidromic spikes invade
their somata; the nerve carries the spikes on (:func:`neurosim.nerve.conduct`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
import math
from typing import NamedTuple

import numpy as np
from numba import njit

from . import signals
from ._fields import FUGLEVAND_1993, TUNED, Validated, param


__all__ = ["MotorPoolParameters", "PersistentInwardCurrentParameters", "PARAMETERS", "unit_rank", "rheobase_nA", "pool_arrays", "membrane_step", "pic_step",
           "synaptic_drive", "firing_rate_lif_hz"]


# ------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class MotorPoolParameters(Validated):
    """Motor-neuron pool: size principle and leaky integrate-and-fire membranes."""

    stage_name: ClassVar[str] = "pool"

    n_units: int = param(
        120, unit="1", min=1, max=20000, integer=True, label="Motor units",
        help="Number of motor neurons (motor units) in the pool.",
        source=FUGLEVAND_1993 + " (120 units)")
    rheobase_smallest_nA: float = param(
        3.0, unit="nA", min=0.5, max=20.0, label="Smallest rheobase",
        help="Current that just makes the smallest motor neuron fire.",
        source="Zengel et al. 1985, J Neurophysiol 53:1323 (cat type-S rheobase, a few nA)")
    recruitment_range: float = param(
        30.0, unit="1", min=1.0, max=100.0, label="Recruitment range",
        help="Rheobase of the largest unit divided by that of the smallest; "
             "thresholds spread exponentially (many small, few large units).",
        source=FUGLEVAND_1993 + " (range 30)")
    max_drive_nA: float = param(
        400.0, unit="nA", min=1.0, max=2000.0, label="Maximal descending drive",
        help="Effective synaptic current delivered to every unit at voluntary command 1 "
             "through an intact descending pathway; in a slow ramp the largest unit is "
             "recruited at about 70 % of it.",
        source="Recruitment complete at 50–85 % of maximal force in human muscles "
               "(De Luca & Hostage 2010, J Neurophysiol 104:1034); value chosen inside that span")
    synaptic_saturation: float = param(
        1.5, unit="1", min=1.0, max=20.0, label="Synaptic saturation",
        help="Largest synaptic drive a unit can receive, in multiples of its own rheobase "
             "(finite synaptic driving force); sets the peak firing rate.",
        source=TUNED + ": with the soleus AHP it gives about 11 Hz per unit at maximal "
               "voluntary effort, as in human soleus (10.7 ± 2.9 Hz, Bellemare et al. 1983, "
               "J Neurophysiol 50:1380). Was 2.0 (33 Hz, a hand muscle's rates) until 0.2")
    membrane_time_constant_ms: float = param(
        7.0, unit="ms", min=1.0, max=50.0, label="Membrane time constant",
        help="Passive membrane time constant of every motor neuron.",
        source="Zengel et al. 1985, J Neurophysiol 53:1323 (cat motoneurons 5–10 ms)")
    threshold_mV: float = param(
        15.0, unit="mV", min=5.0, max=40.0, label="Spike threshold (re rest)",
        help="Depolarisation from rest at which a spike is fired.",
        source="Powers & Binder 2001, Rev Physiol Biochem Pharmacol 143:137 (10–20 mV above rest)")
    refractory_ms: float = param(
        3.0, unit="ms", min=0.5, max=20.0, label="Absolute refractory period",
        help="Time after a spike during which the neuron cannot fire again.",
        source="Powers & Binder 2001, Rev Physiol Biochem Pharmacol 143:137")
    ahp_increment: float = param(
        0.6, unit="1", min=0.0, max=10.0, label="AHP size",
        help="After-hyperpolarisation current added by each spike, as a fraction of the "
             "unit's rheobase; sets how steeply firing rate grows with input.",
        source=TUNED + ": gives about 6–7 Hz at recruitment, as soleus units start firing "
               "at 5–8 Hz (Bellemare et al. 1983; " + FUGLEVAND_1993 + ": 8 Hz)")
    ahp_time_constant_smallest_ms: float = param(
        120.0, unit="ms", min=1.0, max=500.0, label="AHP decay, small units",
        help="Decay time constant of the after-hyperpolarisation in the smallest unit.",
        source="Zengel et al. 1985, J Neurophysiol 53:1323 (AHP longer in slow, small units); "
               "human soleus motoneurons have long AHPs, over 100 ms (Kudina & Alexeeva "
               "1992, Exp Brain Res 89:214), which keep their rates low. Was 50 ms until 0.2")
    ahp_time_constant_largest_ms: float = param(
        80.0, unit="ms", min=1.0, max=500.0, label="AHP decay, large units",
        help="Decay time constant of the after-hyperpolarisation in the largest unit.",
        source="Zengel et al. 1985, J Neurophysiol 53:1323 (AHP shorter in fast, large units); "
               "soleus is mostly slow units, so the range is narrow. Was 30 ms until 0.2")

@dataclass(frozen=True)
class PersistentInwardCurrentParameters(Validated):
    """Persistent inward current (PIC): slow, voltage-activated, self-sustaining."""

    stage_name: ClassVar[str] = "pic"

    strength: float = param(
        0.25, unit="1", min=0.0, max=2.0, label="PIC strength",
        help="Scale of the persistent inward current: 0 = absent, 1 = chronic-injury-like "
             "(large enough for self-sustained firing).",
        group="Motor neurons",
        source="Healthy human PICs are modest (Heckman et al. 2005, Muscle Nerve 31:135); "
               "chronic spinal injury makes them large (Bennett, Li & Siu 2001, J Neurophysiol 86:1955)")
    amplitude_smallest: float = param(
        1.6, unit="1", min=0.0, max=5.0, label="PIC size, small units",
        help="Fully activated PIC at strength 1 in the smallest unit, as a fraction of its rheobase.",
        source="Li & Bennett 2003, J Neurophysiol 90:857 (peak about 3 nA against a rheobase of "
               "a few nA). Was 1.2 until 0.2; raised with the soleus firing rates so that a "
               "chronic-injury spasm still lasts seconds (Zijdewind & Thomas: > 4 s)")
    amplitude_largest: float = param(
        1.0, unit="1", min=0.0, max=5.0, label="PIC size, large units",
        help="Fully activated PIC at strength 1 in the largest unit, as a fraction of its rheobase.",
        source="Lee & Heckman 1998, J Neurophysiol 80:583 (self-sustained firing long-lasting "
               "in low-threshold units, brief or partial in high-threshold units: their PIC "
               "is smaller relative to their rheobase). Was 1.2, equal to the smallest "
               "unit's, until 0.2")
    activation_onset_below_threshold_mV: float = param(
        7.0, unit="mV", min=0.0, max=15.0, label="PIC onset re threshold",
        help="How far below spike threshold the PIC starts to activate.",
        source="Li & Bennett 2003, J Neurophysiol 90:857 (PIC onset about 7 mV below threshold)")
    activation_width_mV: float = param(
        7.0, unit="mV", min=0.5, max=20.0, label="PIC activation width",
        help="Voltage span over which the PIC goes from off to fully on (here: from its "
             "onset up to spike threshold).",
        source=TUNED)
    activation_time_constant_ms: float = param(
        60.0, unit="ms", min=1.0, max=1000.0, label="PIC activation time",
        help="Time constant with which the PIC follows the membrane voltage.",
        source="Li & Bennett 2003, J Neurophysiol 90:857 (slow, Ca-mediated PIC; tens of ms)")
    inactivation_time_constant_s: float = param(
        10.0, unit="s", min=0.1, max=100.0, label="PIC slow inactivation",
        help="Time constant of the slow decline of an active PIC, which ends a plateau "
             "after seconds even without inhibition.",
        source="Bennett, Li & Siu 2001, J Neurophysiol 86:1955 (plateaus last > 5 s); "
               "time constant a neurosim choice")
    inactivation_depth: float = param(
        0.6, unit="1", min=0.0, max=1.0, label="PIC inactivation depth",
        help="Fraction of the PIC that slowly inactivates while it is on.",
        source=TUNED)


PARAMETERS = (MotorPoolParameters, PersistentInwardCurrentParameters)
"""The parameter groups this stage owns: fields of :class:`~neurosim.Parameters` named by
their ``stage_name``."""


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

    Parameters
    ----------
    drive_nA : float
        Synaptic drive to the pool (nA).
    inv_rheobase : float
        1 / the unit's rheobase (1/nA).
    saturation : float
        ``s``, the ceiling in multiples of rheobase.

    Returns
    -------
    float
        Effective drive in units of the unit's rheobase.
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


# ------------------------------------------------------------------- the stage in the loop
STAGE = "motor_pool"
"""This stage's name in the schedule (:mod:`neurosim.schedule`) and in the bundles."""

NOISE_INTERVAL_MS = 1.0
"""The synaptic noise is updated every this many ms (an Ornstein–Uhlenbeck step)."""

SPIKES_NOW, FIRED_NOW, N_SPIKES = range(3)
"""Indices into :attr:`State.counts`: somatic spikes this step (fired or invaded
antidromically — what the Renshaw cells see), units that fired this step (listed in
``fired``, for the nerve), spikes recorded in this chunk's event buffer."""


def _steps_per_noise(dt_ms: float) -> int:
    return int(round(NOISE_INTERVAL_MS / dt_ms))


class Constants(NamedTuple):
    """The pool's constants for one run; arrays have shape (n_units,)."""

    inv_rheobase: np.ndarray  # 1/nA
    saturation: float
    ahp_decay: np.ndarray
    ahp_increment: float
    threshold_mV: float
    membrane_decay: float
    refractory_steps: int
    pic_amplitude: np.ndarray
    pic_v_half_mV: float
    pic_inv_width: float
    pic_activation_rate: float
    pic_inactivation_rate: float
    pic_depth: float
    steps_per_noise: int
    noise_decay: float
    noise_scale: float  # sqrt(1 - decay²): keeps the OU variance at 1
    noise_common_sd: float
    noise_independent_sd: float


class State(NamedTuple):
    """Every unit's state, shape (n_units,): soma ``v`` and dendrite ``vd`` (mV above rest),
    ``refractory`` steps left, ``candidate`` (at threshold this step), ``ahp`` (fraction of
    rheobase), PIC ``m`` and ``h``, independent noise; ``noise_common`` shape (1,);
    ``fired`` the units that fired this step; ``counts`` (:data:`SPIKES_NOW`, ...); the
    chunk's spike buffer ``spike_step``/``spike_unit``."""

    v: np.ndarray
    vd: np.ndarray
    refractory: np.ndarray
    candidate: np.ndarray
    ahp: np.ndarray
    m: np.ndarray
    h: np.ndarray
    noise_independent: np.ndarray
    noise_common: np.ndarray
    fired: np.ndarray
    counts: np.ndarray
    spike_step: np.ndarray
    spike_unit: np.ndarray


class Inputs(NamedTuple):
    """Standard-normal noise draws of one chunk, shape (ms of the chunk, n_units + 1):
    column 0 the common, columns 1… the independent noise."""

    draws: np.ndarray


class Outputs(NamedTuple):
    """Mean PIC activation at the output samples, shape (n_samples,); membrane voltage and
    PIC activation of the recorded units at every step, shape (n_steps, n_recorded)."""

    pic: np.ndarray
    membrane_mV: np.ndarray
    unit_pic: np.ndarray


def prepare(run):
    """Constants, initial state (at rest, PIC off) and outputs of the pool for ``run``."""
    p, dt_ms, n = run.parameters, run.dt_ms, run.parameters.pool.n_units
    arrays = pool_arrays(p.pool, p.pic, dt_ms)
    noise = run.protocol.noise
    noise_decay = math.exp(-NOISE_INTERVAL_MS / noise.time_constant_ms)
    c = Constants(
        inv_rheobase=arrays["inv_rheobase"], saturation=p.pool.synaptic_saturation,
        ahp_decay=arrays["ahp_decay"], ahp_increment=p.pool.ahp_increment,
        threshold_mV=p.pool.threshold_mV,
        membrane_decay=math.exp(-dt_ms / p.pool.membrane_time_constant_ms),
        refractory_steps=int(round(p.pool.refractory_ms / dt_ms)),
        pic_amplitude=arrays["pic_amplitude"],
        pic_v_half_mV=(p.pool.threshold_mV - p.pic.activation_onset_below_threshold_mV
                       + 0.5 * p.pic.activation_width_mV),
        pic_inv_width=1.0 / p.pic.activation_width_mV,
        pic_activation_rate=dt_ms / p.pic.activation_time_constant_ms,
        pic_inactivation_rate=dt_ms / (1000.0 * p.pic.inactivation_time_constant_s),
        pic_depth=p.pic.inactivation_depth, steps_per_noise=_steps_per_noise(run.dt_ms),
        noise_decay=noise_decay, noise_scale=math.sqrt(1.0 - noise_decay * noise_decay),
        noise_common_sd=noise.common, noise_independent_sd=noise.independent)
    capacity = run.event_capacity["spikes"]
    state = State(v=np.zeros(n), vd=np.zeros(n), refractory=np.zeros(n, dtype=np.int64),
                  candidate=np.zeros(n, dtype=np.bool_), ahp=np.zeros(n), m=np.zeros(n),
                  h=np.ones(n), noise_independent=np.zeros(n), noise_common=np.zeros(1),
                  fired=np.zeros(n, dtype=np.int64), counts=np.zeros(3, dtype=np.int64),
                  spike_step=np.empty(capacity, dtype=np.int64),
                  spike_unit=np.empty(capacity, dtype=np.int32))
    n_rec = run.record_units.size
    outputs = Outputs(np.zeros(run.n_samples), np.zeros((run.n_steps, n_rec)),
                      np.zeros((run.n_steps, n_rec)))
    run.events["spikes"] = []
    return c, state, outputs


def chunk_inputs(run, step0, time_s):
    """This chunk's noise draws from the run's synaptic stream."""
    n_noise = -(-time_s.size // _steps_per_noise(run.dt_ms))
    return Inputs(run.rngs["synaptic"].standard_normal((n_noise, run.parameters.pool.n_units + 1)))


@njit(cache=True, inline="always", error_model="numpy")
def _reset(st, c, i):
    """A somatic spike of unit ``i`` (fired, or an antidromic spike invading): the membrane
    resets to rest, stays there for the refractory period, and the AHP grows."""
    st.v[i] = 0.0
    st.refractory[i] = c.refractory_steps
    st.ahp[i] += c.ahp_increment


@njit(cache=True, inline="always", error_model="numpy")
def integrate(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``pool``: noise, every unit's membranes, PIC and AHP; then the spikes.

    Reads ``DRIVE_NA``, ``IA_NA``, ``INHIBITION`` (:mod:`neurosim.signals`) and the
    antidromic spikes reaching the somata now (``states.nerve``); lists the units that fired
    in ``fired`` for the nerve.
    """
    c, st = consts.motor_pool, states.motor_pool
    v, vd, m, h, ahp, noise_ind = st.v, st.vd, st.m, st.h, st.ahp, st.noise_independent
    refractory, candidate = st.refractory, st.candidate
    n = v.shape[0]
    if s % c.steps_per_noise == 0:  # Ornstein-Uhlenbeck update every NOISE_INTERVAL_MS
        draws = inputs.motor_pool.draws[k // c.steps_per_noise]
        st.noise_common[0] = st.noise_common[0] * c.noise_decay + c.noise_scale * draws[0]
        for i in range(n):
            noise_ind[i] = noise_ind[i] * c.noise_decay + c.noise_scale * draws[i + 1]
    drive, ia_nA = bus[signals.DRIVE_NA], bus[signals.IA_NA]
    common = c.noise_common_sd * st.noise_common[0] - bus[signals.INHIBITION]
    # every unit's continuous dynamics, its refractory count-down and a flag for the units
    # at threshold (branch-free, so it vectorises)
    n_at_threshold = 0
    for i in range(n):
        ahp[i] *= c.ahp_decay[i]
        u_dend = (synaptic_drive(drive, c.inv_rheobase[i], c.saturation)
                  + ia_nA * c.inv_rheobase[i] + c.pic_amplitude[i] * m[i] * h[i] + common
                  + c.noise_independent_sd * noise_ind[i])
        vd[i] = membrane_step(vd[i], u_dend, c.threshold_mV, c.membrane_decay)
        m[i], h[i] = pic_step(m[i], h[i], vd[i], c.pic_v_half_mV, c.pic_inv_width,
                              c.pic_activation_rate, c.pic_inactivation_rate, c.pic_depth)
        v_new = membrane_step(v[i], u_dend - ahp[i], c.threshold_mV, c.membrane_decay)
        was_refractory = refractory[i] > 0
        v[i] = 0.0 if was_refractory else v_new  # held at rest while refractory
        refractory[i] -= was_refractory
        at_threshold = (not was_refractory) & (v_new >= c.threshold_mV)
        candidate[i] = at_threshold
        n_at_threshold += at_threshold
    # antidromic invasion and spikes (rare events)
    nerve = states.nerve
    antidromic_at = nerve.antidromic_at
    counts = st.counts
    counts[SPIKES_NOW] = 0
    counts[FIRED_NOW] = 0
    en_route = nerve.counts  # [0]: antidromic spikes on their way (nerve.EN_ROUTE), [1]: F_PENDING
    for i in range(n if n_at_threshold + en_route[0] > 0 else 0):
        if antidromic_at[i] == s:  # an antidromic spike invades the soma
            antidromic_at[i] = -1
            en_route[0] -= 1
            if nerve.backfire[i] and refractory[i] == 0 and nerve.backfire_at[i] < 0:
                # an excitable soma backfires: a recurrent discharge after the turnaround
                nerve.backfire_at[i] = s + consts.nerve.turnaround_steps
                en_route[1] += 1  # nerve.F_PENDING
            nerve.backfire[i] = False
            _reset(st, c, i)
            counts[SPIKES_NOW] += 1
        elif candidate[i]:
            _reset(st, c, i)
            n_spk = counts[N_SPIKES]
            if n_spk == st.spike_step.shape[0]:  # never: sized by the refractory periods
                raise RuntimeError("neurosim: event buffer full (a bug; please report)")
            st.spike_step[n_spk] = s
            st.spike_unit[n_spk] = i
            counts[N_SPIKES] = n_spk + 1
            counts[SPIKES_NOW] += 1
            st.fired[counts[FIRED_NOW]] = i
            counts[FIRED_NOW] += 1


@njit(cache=True, inline="always", error_model="numpy")
def record_units(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``units``: membrane voltage and PIC activation of the recorded units, step ``s``."""
    st, out = states.motor_pool, outputs.motor_pool
    units = consts.run.record_units
    for q in range(units.shape[0]):
        u = units[q]
        out.membrane_mV[s, q] = st.v[u]
        out.unit_pic[s, q] = st.m[u] * st.h[u]


@njit(cache=True, inline="always", error_model="numpy")
def record(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``sample``: the pool's mean PIC activation at output sample ``j``."""
    st = states.motor_pool
    n = st.m.shape[0]
    pic_sum = 0.0
    for i in range(n):
        pic_sum += st.m[i] * st.h[i]
    outputs.motor_pool.pic[j] = pic_sum / n


HOOKS = {"pool": integrate, "units": record_units, "sample": record}
"""The schedule slots this stage joins (:data:`neurosim.schedule.SLOTS`)."""


def end_chunk(run, state) -> None:
    """Keep this chunk's spikes and empty the buffer for the next chunk."""
    n = state.counts[N_SPIKES]
    run.events["spikes"].append((state.spike_step[:n].copy(), state.spike_unit[:n].copy()))
    state.counts[N_SPIKES] = 0


def results(run, constants, state, outputs) -> dict:
    """This stage's fields of the :class:`~neurosim.SimulationResult`."""
    chunks = run.events["spikes"]
    spike_times = np.concatenate([a for a, _ in chunks]) * (run.dt_ms / 1000.0)
    return dict(spike_times_s=spike_times, spike_units=np.concatenate([b for _, b in chunks]),
                population_rate_hz=population_rate_hz(spike_times, run.parameters.pool.n_units,
                                                      run.out_time_s, run.output_rate_hz),
                pic_activation=outputs.pic, membrane_mV=outputs.membrane_mV,
                unit_pic_activation=outputs.unit_pic, rheobase_nA=rheobase_nA(run.parameters.pool))


RATE_BIN_MS = 50.0
"""Width (ms) of the bins of :func:`population_rate_hz`."""


def population_rate_hz(spike_times_s, n_units, out_time_s, out_rate_hz):
    """Mean rate per unit (Hz) in :data:`RATE_BIN_MS` bins, sampled on the output grid.

    Parameters
    ----------
    spike_times_s : ndarray, shape (n_spikes,)
    n_units : int
    out_time_s : ndarray, shape (n_samples,)
    out_rate_hz : float

    Returns
    -------
    ndarray, shape (n_samples,)
    """
    if out_time_s.size == 0:
        return np.zeros(0)
    bin_s = RATE_BIN_MS / 1000.0
    n_bins = int(math.ceil((out_time_s[-1] + 1.0 / out_rate_hz) / bin_s))
    counts = np.bincount(np.minimum((spike_times_s / bin_s).astype(np.int64), n_bins - 1),
                         minlength=n_bins) if spike_times_s.size else np.zeros(n_bins)
    rate = counts / (n_units * bin_s)
    return rate[np.minimum((out_time_s / bin_s).astype(np.int64), n_bins - 1)]
