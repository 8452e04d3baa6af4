r"""Muscle spindle: Ia afferent discharge from muscle stretch and stretch velocity.

Following the simple Ia model of Prochazka & Gorassini (1998), the Ia rate is

.. math::

    R_{Ia} = \Big[R_0 + \gamma + k_L\,x + g\,\big(k_V\,\mathrm{sign}(v)\,|v|^{p}
             + k_B\,(v - \bar v)\big)\Big]_+, \qquad
    \tau_B \frac{d\bar v}{dt} = v - \bar v

with stretch :math:`x` (mm), lengthening velocity :math:`v` (mm/s), resting
rate :math:`R_0`, fusimotor (γ) bias :math:`\gamma`, dynamic (velocity) sensitivity gain
:math:`g` (1 = healthy; it scales the velocity and burst terms, not the length term),
length sensitivity :math:`k_L` (2 Hz/mm), velocity sensitivity
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

from dataclasses import dataclass
from typing import ClassVar
import math
from typing import NamedTuple

import numpy as np
from numba import njit

from . import signals
from ._fields import Validated, param


__all__ = ["SpindleParameters", "PARAMETERS", "ia_rate_hz", "ia_population_step", "spindle_constants", "burst_filter_step"]


# ------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class SpindleParameters(Validated):
    """Muscle spindle Ia afferents: rate from stretch and stretch velocity."""

    stage_name: ClassVar[str] = "spindle"

    gain: float = param(
        1.0, unit="1", min=0.0, max=5.0, label="Spindle dynamic sensitivity",
        help="Scale of the spindles' dynamic sensitivity — to stretch velocity and to the "
             "onset of a stretch — as gamma-dynamic drive sets it (1 = healthy; > 1 = "
             "hypersensitive). Length sensitivity is not scaled (see fusimotor_bias_hz for "
             "static drive).",
        group="Spindles and limb",
        source="Altered spindle sensitivity is a proposed contributor to spasticity, whose "
               "hallmark is velocity dependence (Lance 1980); gamma-dynamic drive raises the "
               "velocity sensitivity of primary endings (Crowe & Matthews 1964, J Physiol "
               "174:109). Until 0.2 it scaled the length sensitivity too, which made slow "
               "stretches of a hypersensitive limb as effective as fast ones")
    baseline_rate_hz: float = param(
        5.0, unit="Hz", min=0.0, max=100.0, label="Resting Ia rate",
        help="Ia discharge of the relaxed muscle at its resting length.",
        source="In relaxed human muscle many Ia endings are silent and the rest fire at "
               "a few Hz (Vallbo 1974, Acta Physiol Scand 90:319)")
    length_sensitivity_hz_per_mm: float = param(
        2.0, unit="Hz/mm", min=0.0, max=50.0, label="Length sensitivity",
        help="Increase of Ia rate per mm of stretch.",
        source="Prochazka & Gorassini 1998, J Physiol 507:277 (2 Hz/mm)")
    velocity_sensitivity: float = param(
        4.3, unit="Hz/(mm/s)^0.6", min=0.0, max=50.0, label="Velocity sensitivity",
        help="Coefficient of the power-law velocity term, rate ∝ sign(v)|v|^exponent.",
        source="Prochazka & Gorassini 1998, J Physiol 507:277 (4.3)")
    velocity_exponent: float = param(
        0.6, unit="1", min=0.1, max=1.0, label="Velocity exponent",
        help="Exponent of the velocity power law.",
        source="Prochazka & Gorassini 1998, J Physiol 507:277 (0.5–0.6)")
    initial_burst_sensitivity: float = param(
        2.0, unit="Hz/(mm/s)", min=0.0, max=20.0, label="Initial-burst sensitivity",
        help="Extra Ia discharge per mm/s of a *change* in stretch velocity, fading with "
             "initial_burst_time_constant_ms: the burst of primary endings at the onset of "
             "a brisk stretch (and their pause when it stops).",
        source="Primary endings fire an initial burst at stretch onset that grows with the "
               "onset's speed, i.e. they are sensitive to acceleration (Matthews 1972, "
               "Mammalian Muscle Receptors and their Central Actions; in humans Edin & Vallbo "
               "1990, J Neurophysiol 63:1297; Schuurmans et al. 2009, J Neurophysiol 102:1926); "
               "size a neurosim choice")
    initial_burst_time_constant_ms: float = param(
        15.0, unit="ms", min=1.0, max=200.0, label="Initial-burst decay",
        help="How quickly the initial burst fades once the stretch velocity is steady.",
        source="The initial burst lasts tens of ms (Matthews 1972; Edin & Vallbo 1990); value "
               "a neurosim choice")
    fusimotor_bias_hz: float = param(
        0.0, unit="Hz", min=-20.0, max=100.0, label="Fusimotor (γ) drive",
        help="Extra Ia discharge from gamma motor-neuron drive to the spindles.",
        group="Spindles and limb",
        source="Increased fusimotor drive as one caricature of upper-motor-neuron lesions "
               "(Lance 1980); 0 at rest in healthy relaxed muscle (Vallbo 1974)")
    n_afferents: int = param(
        60, unit="1", min=1, max=1000, integer=True, label="Ia afferents",
        help="Number of Ia afferents from the muscle (each turns the rate into spikes).",
        source="Soleus has on the order of 50–100 spindles (Banks 2006, J Anat 208:753)")
    ia_weight_nA_per_hz: float = param(
        0.15, unit="nA/Hz", min=0.0, max=10.0, label="Ia synaptic weight",
        help="Synaptic current given to every motor neuron per Hz of mean Ia rate "
             "(before presynaptic inhibition).",
        source="neurosim modelling choice: a brisk healthy stretch gives a brief reflex burst")
    synaptic_time_constant_ms: float = param(
        3.0, unit="ms", min=0.2, max=50.0, label="Ia EPSC decay",
        help="Decay time constant of the Ia excitatory synaptic current.",
        source="Monosynaptic Ia EPSCs decay in a few ms (Powers & Binder 2001)")


PARAMETERS = (SpindleParameters,)
"""The parameter groups this stage owns: fields of :class:`~neurosim.Parameters` named by
their ``stage_name``."""


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
    """Advance the smoothed velocity :math:`\bar v` one step (exact for a constant velocity
    over the step).

    Parameters
    ----------
    smoothed_mm_s : float
        :math:`\bar v` (mm/s).
    velocity_mm_s : float
        Lengthening velocity this step (mm/s).
    decay : float
        ``exp(-dt/τ_B)``.

    Returns
    -------
    float
        The new :math:`\bar v` (mm/s).
    """
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
    """Advance every Ia fibre's phase; return the number of fibres that fired this step.

    Parameters
    ----------
    phases : ndarray, shape (n_fibres,)
        Each fibre's phase in [0, 1), changed in place.
    rate_hz : float
        Ia rate this step (Hz).
    dt_s : float
        Step (s).

    Returns
    -------
    float
        Fibres that fired (a whole number).
    """
    fired = 0  # an integer count: a float sum would have to be added in order, one by one
    increment = rate_hz * dt_s
    for j in range(phases.shape[0]):  # branch-free, so it vectorises
        whole = math.floor(phases[j] + increment)  # 1 when the fibre fires this step, else 0
        phases[j] += increment - whole
        fired += int(whole)
    return float(fired)


# ------------------------------------------------------------------- the stage in the loop
STAGE = "spindle"
"""This stage's name in the schedule (:mod:`neurosim.schedule`) and in the bundles."""


class Constants(NamedTuple):
    """The spindle stage's constants for one run."""

    offset_hz: float  # resting rate + fusimotor bias (spindle_constants)
    gain: float
    k_length: float
    k_velocity: float
    exponent: float
    k_burst: float
    burst_decay: float  # exp(-dt/τ_B)
    afferent_delay_steps: int  # spindle → motor neurons, steps
    n_nominal: float  # spindle.n_afferents: the Ia weight is stated per intact population
    weight_nA_per_hz: float
    epsc_decay: float  # exp(-dt/τ_syn)
    dt_s: float


class State(NamedTuple):
    """Ia fibres and the afferent conduction delay lines.

    ``filters[0]`` the smoothed lengthening velocity :math:`\\bar v` (mm/s), ``filters[1]``
    the Ia EPSC (nA); ``phases`` shape (surviving Ia fibres,); ``ia_ring`` Ia spikes
    (count per step) and ``antagonist_ring`` the antagonist's Ia rate (Hz) on their way to
    the cord, shape (afferent delay + 2,), indexed by step modulo their length.
    """

    filters: np.ndarray
    phases: np.ndarray
    ia_ring: np.ndarray
    antagonist_ring: np.ndarray


class Inputs(NamedTuple):
    """Electrically evoked Ia volleys of one chunk (H-reflex): step, fibres, delay (steps)."""

    volley_step: np.ndarray
    volley_count: np.ndarray
    volley_delay: np.ndarray
    cursor: np.ndarray  # next volley to deliver, shape (1,)


class Outputs(NamedTuple):
    """The muscle's Ia rate (Hz) at the output samples, shape (n_samples,)."""

    ia_rate_hz: np.ndarray


def prepare(run):
    """Constants, initial state and outputs of the spindle stage for ``run``.

    The afferent delay lines start full of resting discharge, so there is no start-up
    transient; each surviving Ia fibre starts at a random phase (the run's spindle stream).
    """
    from .nerve import run_nerve_arrays
    p, dt_ms = run.parameters, run.dt_ms
    nerve = run_nerve_arrays(run)
    consts = spindle_constants(p.spindle)
    c = Constants(*consts, burst_decay=math.exp(-dt_ms / p.spindle.initial_burst_time_constant_ms),
                  afferent_delay_steps=nerve["afferent_delay_steps"],
                  n_nominal=float(p.spindle.n_afferents), weight_nA_per_hz=p.spindle.ia_weight_nA_per_hz,
                  epsc_decay=math.exp(-dt_ms / p.spindle.synaptic_time_constant_ms),
                  dt_s=dt_ms / 1000.0)
    rest_rate = ia_rate_hz(0.0, 0.0, *consts[:5])
    n_ia = nerve["n_afferents_alive"]
    filters = np.zeros(2)
    filters[1] = p.spindle.ia_weight_nA_per_hz * rest_rate * n_ia / p.spindle.n_afferents
    state = State(filters=filters, phases=run.rngs["spindle"].random(n_ia),
                  ia_ring=np.full(nerve["afferent_delay_steps"] + 2, rest_rate * n_ia * c.dt_s),
                  antagonist_ring=np.full(nerve["afferent_delay_steps"] + 2, rest_rate))
    return c, state, Outputs(np.zeros(run.n_samples))


def chunk_inputs(run, step0, time_s):
    """The Ia volleys that electrical stimuli start during this chunk."""
    from .nerve import run_stimulus_events
    stim = run_stimulus_events(run)
    inside = (stim["volley_step"] >= step0) & (stim["volley_step"] < step0 + time_s.size)
    return Inputs(stim["volley_step"][inside], stim["volley_count"][inside],
                  stim["volley_delay"][inside], np.zeros(1, dtype=np.int64))


@njit(cache=True, inline="always", error_model="numpy")
def sense(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``sensing``: Ia spikes (agonist) and rate (antagonist) from stretch, sent to the
    cord; the Ia spikes arriving now become the Ia EPSC.

    Reads ``STRETCH_MM``, ``LENGTHENING_MM_S``; writes ``IA_RATE_HZ``, ``IA_EPSC_NA``,
    ``ANTAGONIST_IA_HZ`` (:mod:`neurosim.signals`).
    """
    c, st, vol = consts.spindle, states.spindle, inputs.spindle
    stretch_mm, lengthening_mm_s = bus[signals.STRETCH_MM], bus[signals.LENGTHENING_MM_S]
    smooth_v = burst_filter_step(st.filters[0], lengthening_mm_s, c.burst_decay)
    st.filters[0] = smooth_v
    new_v = lengthening_mm_s - smooth_v  # the antagonist sees the mirror image
    ia_rate = ia_rate_hz(stretch_mm, lengthening_mm_s, c.offset_hz, c.gain, c.k_length,
                         c.k_velocity, c.exponent, c.k_burst, new_v)
    antagonist_rate = ia_rate_hz(-stretch_mm, -lengthening_mm_s, c.offset_hz, c.gain,
                                 c.k_length, c.k_velocity, c.exponent, c.k_burst, -new_v)
    ring, n_ring = st.ia_ring, st.ia_ring.shape[0]
    slot = (s + c.afferent_delay_steps) % n_ring
    ring[slot] += ia_population_step(st.phases, ia_rate, c.dt_s)
    st.antagonist_ring[slot] = antagonist_rate
    p = vol.cursor[0]
    while p < vol.volley_step.shape[0] and vol.volley_step[p] == s:
        ring[(s + vol.volley_delay[p]) % n_ring] += vol.volley_count[p]
        p += 1
    vol.cursor[0] = p
    arrived = ring[s % n_ring]
    ring[s % n_ring] = 0.0
    epsc = st.filters[1] * c.epsc_decay + (1.0 - c.epsc_decay) * c.weight_nA_per_hz * arrived / (
        c.n_nominal * c.dt_s)
    st.filters[1] = epsc
    bus[signals.IA_RATE_HZ] = ia_rate
    bus[signals.IA_EPSC_NA] = epsc
    bus[signals.ANTAGONIST_IA_HZ] = st.antagonist_ring[s % n_ring]


@njit(cache=True, inline="always", error_model="numpy")
def record(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``sample``: the Ia rate at output sample ``j``."""
    outputs.spindle.ia_rate_hz[j] = bus[signals.IA_RATE_HZ]


HOOKS = {"sensing": sense, "sample": record}
"""The schedule slots this stage joins (:data:`neurosim.schedule.SLOTS`)."""


def results(run, constants, state, outputs) -> dict:
    """This stage's fields of the :class:`~neurosim.SimulationResult`."""
    return dict(ia_rate_hz=outputs.ia_rate_hz)
