r"""Golgi tendon organs: Ib discharge from muscle force, and autogenic (Ib) inhibition.

Tendon organs lie *in series* with the muscle fibres, so they report the force the muscle
develops, not its length: a single organ responds to the contraction of the few fibres in
series with it, with a threshold below 0.1 g (Houk & Henneman 1967, J Neurophysiol 30:466),
and the discharge of the whole population follows total active force (Crago, Houk & Rymer
1982, J Neurophysiol 47:1069; review: Jami 1992, Physiol Rev 72:623). In a relaxed muscle
they are nearly silent. The model's population Ib rate is

.. math:: R_{Ib}(t) = R_0 + R_{max}\,\frac{[F(t)]_+}{F_{max}}

with the force :math:`F` the muscle exerts (after force–velocity) and its maximal
(fused) force :math:`F_{max}` (``muscle.max_force_N``).

The Ib volley reaches the cord over the group I afferents
(:math:`L/c_{Ib}` plus a disynaptic central delay; demyelination slows it like every
fibre, ``nerve.demyelination_slowing``; ``nerve.afferent_survival`` thins the
population) and, through inhibitory Ib interneurons, inhibits the homonymous pool —
**autogenic inhibition**, a negative force feedback:

.. math:: \tau_{Ib}\,\frac{dx}{dt} = -x + R_{Ib}(t - d_{Ib}), \qquad
          \iota_{Ib} = a\,w_{Ib}\,s_{aff}\,x

(``autogenic_inhibition`` :math:`a`, 1 = healthy, 0 = lost; ``inhibition_per_hz``
:math:`w_{Ib}`; afferent survival :math:`s_{aff}`). The inhibition is posted on the bus
(:data:`neurosim.signals.POSTED_INHIBITION`) and the spinal circuit adds it to the pool's
inhibition. Reduced Ib inhibition is one proposed contributor to spasticity (in spastic
patients Ib inhibition is reduced or replaced by facilitation: Delwaide & Oliver 1988,
J Neurol Neurosurg Psychiatry 51:1546); during locomotion Ib input even excites — a
state the model does not show.

This module is the proof of the schedule (:mod:`neurosim.schedule`): it is one module
and one line in :data:`~neurosim.schedule.STAGES`; its parameters, slider, CLI listing
and result traces (``result.ib_rate_hz``, ``result.autogenic_inhibition``) follow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
from numba import njit

from . import signals
from ._fields import TUNED, Validated, param

__all__ = ["TendonOrganParameters", "PARAMETERS", "STAGE", "TRACES", "ib_rate_hz",
           "ib_delay_steps"]


@dataclass(frozen=True)
class TendonOrganParameters(Validated):
    """Golgi tendon organs (Ib afferents) and autogenic inhibition of the pool."""

    stage_name: ClassVar[str] = "tendon_organ"

    autogenic_inhibition: float = param(
        1.0, unit="1", min=0.0, max=3.0, label="Autogenic (Ib) inhibition", group="Inhibition",
        help="Strength of the tendon organs' inhibition of their own muscle's motor neurons "
             "through Ib interneurons (1 = healthy, 0 = lost).",
        source="Teaching lever. Autogenic Ib inhibition: Eccles, Eccles & Lundberg 1957, "
               "J Physiol 138:227; reduced or reversed to facilitation in spastic patients "
               "(Delwaide & Oliver 1988, J Neurol Neurosurg Psychiatry 51:1546)")
    rate_at_max_force_hz: float = param(
        100.0, unit="Hz", min=0.0, max=300.0, label="Ib rate at maximal force",
        help="Population Ib discharge rate when the muscle exerts its maximal (fused) force; "
             "the rate rises linearly with active force.",
        source="Tendon organs signal active force with thresholds below 0.1 g (Houk & "
               "Henneman 1967, J Neurophysiol 30:466); the population discharge follows "
               "total force (Crago, Houk & Rymer 1982, J Neurophysiol 47:1069); single organs "
               "reach ~100–200 Hz in strong contractions (Jami 1992, Physiol Rev 72:623). "
               "Linearity and 100 Hz are a neurosim choice in that range")
    resting_rate_hz: float = param(
        0.0, unit="Hz", min=0.0, max=30.0, label="Ib resting rate",
        help="Ib discharge of the relaxed muscle.",
        source="Tendon organs are mostly silent in relaxed muscle (Jami 1992, Physiol Rev "
               "72:623)")
    inhibition_per_hz: float = param(
        0.0005, unit="1/Hz", min=0.0, max=0.02, label="Ib inhibition per Hz",
        help="Inhibition of the pool (fraction of rheobase) per Hz of population Ib rate at "
             "healthy strength: 0.05 at maximal force.",
        source=TUNED + ": weaker than recurrent (Renshaw) inhibition in a contraction, as "
                       "non-reciprocal group I (Ib) inhibition of a muscle's own motor "
                       "neurons is reduced during its voluntary contraction in humans "
                       "(reviewed in Pierrot-Deseilligny & Burke 2005, The Circuitry of the "
                       "Human Spinal Cord); it lowers voluntary force at a fixed effort by a "
                       "few %")
    conduction_velocity_m_s: float = param(
        55.0, unit="m/s", min=10.0, max=120.0, label="Ib conduction velocity",
        help="Conduction velocity of the group Ib afferents (before demyelination).",
        source="Ib afferents are group I fibres, on average somewhat slower than Ia (Jami "
               "1992, Physiol Rev 72:623); 55 m/s against the model's 60 m/s for Ia "
               "(nerve.afferent_cv_m_s) is a neurosim choice")
    central_delay_ms: float = param(
        1.8, unit="ms", min=0.5, max=10.0, label="Ib central delay",
        help="Central delay of the disynaptic Ib pathway (afferent terminal → Ib interneuron → "
             "motor neuron).",
        source="Disynaptic: about one synaptic delay (~0.8 ms) longer than the monosynaptic "
               "Ia pathway (Jankowska 1992, Prog Neurobiol 38:335); value a neurosim choice")
    interneuron_time_constant_ms: float = param(
        10.0, unit="ms", min=1.0, max=200.0, label="Ib interneuron time constant",
        help="Smoothing of the Ib volley by the inhibitory interneurons and their synapses.",
        source=TUNED)


PARAMETERS = (TendonOrganParameters,)
"""The parameter groups this stage owns: fields of :class:`~neurosim.Parameters` named by
their ``stage_name``."""

STAGE = "tendon_organ"
"""This stage's name in the schedule (:mod:`neurosim.schedule`) and in the bundles."""

TRACES = {"ib_rate_hz": ("Ib (tendon organ) discharge rate of the muscle", "Hz"),
          "autogenic_inhibition": ("autogenic (Ib) inhibition of the pool",
                                   "fraction of rheobase")}
"""The result traces this stage adds (name → description, unit), one value per output
sample: ``result.ib_rate_hz`` and ``result.autogenic_inhibition``."""


@njit(cache=True, inline="always", error_model="numpy")
def ib_rate_hz(force_N, max_force_N, rate_at_max_force_hz, resting_rate_hz):
    """Population Ib discharge rate for the force the muscle exerts.

    Parameters
    ----------
    force_N : float
        Force the muscle exerts (N).
    max_force_N : float
        Its maximal, fused force (N).
    rate_at_max_force_hz, resting_rate_hz : float
        ``tendon_organ`` parameters (Hz).

    Returns
    -------
    float
        Ib rate (Hz, ≥ 0).
    """
    return resting_rate_hz + rate_at_max_force_hz * max(force_N, 0.0) / max_force_N


def ib_delay_steps(parameters, dt_ms: float) -> int:
    """Steps from the tendon organs to the motor neurons: conduction over the nerve's
    path (slowed by demyelination) plus the disynaptic central delay."""
    t = parameters.tendon_organ
    cv = t.conduction_velocity_m_s * (1.0 - parameters.nerve.demyelination_slowing)
    return int(round((1000.0 * parameters.nerve.path_length_m / cv + t.central_delay_ms)
                     / dt_ms))


class Constants(NamedTuple):
    """The tendon organs' constants for one run."""

    rate_at_max_force_hz: float
    resting_rate_hz: float
    max_force_N: float
    delay_steps: int
    interneuron_decay: float  # exp(-dt/τ_Ib)
    inhibition_per_hz: float  # a × w_Ib × afferent survival


class State(NamedTuple):
    """``ring`` the Ib rate (Hz) on its way to the cord, shape (delay + 2,), indexed by step
    modulo its length; ``activity`` (2,): [0] the Ib interneurons' activity x (Hz),
    [1] this step's Ib rate at the muscle (Hz)."""

    ring: np.ndarray
    activity: np.ndarray


class Outputs(NamedTuple):
    """Ib rate (Hz) and autogenic inhibition (fraction of rheobase) at the output samples,
    shape (n_samples,) each."""

    ib_rate_hz: np.ndarray
    autogenic_inhibition: np.ndarray


def prepare(run):
    """Constants, initial state (relaxed: resting discharge everywhere) and outputs."""
    p = run.parameters
    t = p.tendon_organ
    delay = ib_delay_steps(p, run.dt_ms)
    c = Constants(rate_at_max_force_hz=t.rate_at_max_force_hz, resting_rate_hz=t.resting_rate_hz,
                  max_force_N=p.muscle.max_force_N, delay_steps=delay,
                  interneuron_decay=math.exp(-run.dt_ms / t.interneuron_time_constant_ms),
                  inhibition_per_hz=(t.autogenic_inhibition * t.inhibition_per_hz
                                     * p.nerve.afferent_survival))
    state = State(ring=np.full(delay + 2, t.resting_rate_hz),
                  activity=np.array([t.resting_rate_hz, t.resting_rate_hz]))
    return c, state, Outputs(np.zeros(run.n_samples), np.zeros(run.n_samples))


@njit(cache=True, inline="always", error_model="numpy")
def sense(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``sensing``: Ib discharge from this step's force, sent to the cord; the Ib
    interneurons post their inhibition of the pool (``POSTED_INHIBITION``)."""
    c, st = consts.tendon_organ, states.tendon_organ
    rate = ib_rate_hz(bus[signals.FORCE_N], c.max_force_N, c.rate_at_max_force_hz,
                      c.resting_rate_hz)
    ring = st.ring
    ring[(s + c.delay_steps) % ring.shape[0]] = rate
    arrived = ring[s % ring.shape[0]]
    x = arrived + (st.activity[0] - arrived) * c.interneuron_decay
    st.activity[0] = x
    st.activity[1] = rate
    bus[signals.POSTED_INHIBITION] += c.inhibition_per_hz * x


@njit(cache=True, inline="always", error_model="numpy")
def record(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``sample``: Ib rate and autogenic inhibition at output sample ``j``."""
    st, out = states.tendon_organ, outputs.tendon_organ
    out.ib_rate_hz[j] = st.activity[1]
    out.autogenic_inhibition[j] = consts.tendon_organ.inhibition_per_hz * st.activity[0]


HOOKS = {"sensing": sense, "sample": record}
"""The schedule slots this stage joins (:data:`neurosim.schedule.SLOTS`)."""


def results(run, constants, state, outputs) -> dict:
    """This stage's traces for the :class:`~neurosim.SimulationResult`."""
    return dict(ib_rate_hz=outputs.ib_rate_hz, autogenic_inhibition=outputs.autogenic_inhibition)
