r"""Spinal inhibitory pathways acting on the motor-neuron pool, and the descending command.

**The voluntary command** reaches the pool through the descending (corticospinal)
pathway: a command :math:`c(t)` (fraction of maximal effort) becomes the synaptic
drive :math:`D(t) = D_{max}\,w_{CST}\,c(t)`, where :math:`w_{CST}` =
``descending.voluntary_drive`` (1 = intact). An upper-motor-neuron lesion lowers
:math:`w_{CST}`: the same effort recruits fewer units (weakness), while the loss of
descending *inhibition* below makes spasms and reflexes grow.

Four inhibitory pathways, each with a strength where 1 = healthy and 0 = lost:

**Recurrent (Renshaw) inhibition.** Motor-neuron spikes excite Renshaw cells,
which inhibit the pool. Renshaw activity :math:`r` is the pool's per-unit
firing rate divided by a 20 Hz reference, low-pass filtered with
:math:`\tau_R`:

.. math:: \tau_R \frac{dr}{dt} = -r + \frac{\text{pool spikes per second}}{n \cdot 20\,\text{Hz}}

**Reciprocal Ia inhibition.** The antagonist muscle's Ia afferents inhibit the
pool through Ia interneurons, in proportion to their rate: ``reciprocal_tonic``
at the healthy resting Ia rate, more when fusimotor drive or a stretch of the
antagonist raises it (:func:`reciprocal_per_hz`).

**Presynaptic inhibition.** GABAergic axo-axonic synapses on afferent terminals
scale *afferent* input (never the voluntary command) by

.. math:: g_{pre} = 1 - \text{presynaptic} \times \text{presynaptic\_max\_depression}

**Descending inhibition.** Tonic inhibition from supraspinal centres,
``descending_tonic`` at healthy strength; lost below a spinal lesion.

**Excitatory interneurons (polysynaptic pathway).** Afferent input (the sensory
volleys of the protocol and the Ia input, both after presynaptic inhibition)
also reaches the pool through a network of excitatory interneurons whose recurrent
excitation is normally held in check by descending and presynaptic (GABAergic)
inhibition. Its activity :math:`e` (fraction of maximal drive) obeys

.. math:: \tau_{IN} \frac{de}{dt} = -(1 - G)\,e + g_{pre}\,a(t), \qquad
          G = G_{max}\,\big(1 - \min(1, \tfrac12(\text{descending} + \text{presynaptic}))\big),

so when inhibition is lost the loop gain :math:`G` approaches 1 and one brief
volley leaves a long-lasting polysynaptic EPSP — the spasm-like burst seen when
inhibition is blocked (Bennett et al. 2004; Mahrous et al. 2024).

All inhibitory currents are expressed as fractions of each unit's rheobase,
so one number :math:`\iota(t)` describes the inhibition of the whole pool:

.. math:: \iota(t) = \text{descending}\cdot\iota_{desc} + \text{reciprocal}\cdot\iota_{recip}
          + \text{recurrent}\cdot g_R\,r(t) + \iota_{posted}(t)

where :math:`\iota_{posted}` is what other segmental pathways post on the bus
(:data:`neurosim.signals.POSTED_INHIBITION`, e.g. autogenic Ib inhibition from the tendon
organs).

In the loop the circuit joins two slots of the schedule: ``spinal`` (:func:`integrate`,
before the motor neurons: drive and inhibition of this step) and ``recurrent``
(:func:`recurrent`, after them: the Renshaw cells take up this step's spikes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
import math
from typing import NamedTuple

import numpy as np
from numba import njit

from . import signals
from .motor_pool import SPIKES_NOW
from ._fields import TUNED, Validated, param


__all__ = ["DescendingParameters", "InhibitionParameters", "PARAMETERS", "interneuron_constants", "interneuron_step", "afferent_gate", "resting_inhibition",
           "reciprocal_per_hz", "voluntary_drive_nA", "renshaw_constants", "renshaw_step",
           "RENSHAW_REFERENCE_RATE_HZ"]


# ------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class DescendingParameters(Validated):
    """The descending (corticospinal) pathway that carries the voluntary command to the pool.

    Upper-motor-neuron lesions damage it: the same effort then reaches the pool as a
    smaller drive (paresis), while the loss of descending *inhibition*
    (``inhibition.descending``) and the unmasked PICs make spasms and reflexes grow.
    """

    stage_name: ClassVar[str] = "descending"

    voluntary_drive: float = param(
        1.0, unit="1", min=0.0, max=1.0, label="Corticospinal (voluntary) drive",
        help="Fraction of the voluntary command that reaches the motor neurons through the "
             "descending pathway (1 = intact, 0 = no voluntary control).",
        group="Descending command",
        source="Upper-motor-neuron lesions cause weakness (paresis) as well as spasticity: "
               "voluntary force at a given effort falls after stroke and spinal cord injury "
               "(Lance 1980; Zijdewind & Thomas 2003, J Neurophysiol 89:2065, voluntary "
               "contractions of thenar muscles weakened by cervical SCI)")
    tonic_drive: float = param(
        0.0, unit="1", min=0.0, max=0.2, label="Tonic descending excitation",
        help="Steady descending excitation of the pool, as a fraction of the maximal "
             "voluntary drive, present with no voluntary command (0 = none, the healthy "
             "relaxed limb). Raised, it keeps small units firing at rest: the tonic drive "
             "behind parkinsonian rigidity or a tense, aroused limb.",
        group="Descending command",
        source="Parkinsonian rigidity comes with tonic EMG at rest and enhanced long-latency "
               "(supraspinal) stretch reflexes, a raised tonic drive independent of stretch "
               "velocity (Berardelli, Sabra & Hallett 1983, J Neurol Neurosurg Psychiatry "
               "46:45: muscle activity when trying to relax, long-latency reflexes that "
               "track the clinical tone; Lee & Tatton 1975); one steady current onto the "
               "pool is a neurosim caricature")

@dataclass(frozen=True)
class InhibitionParameters(Validated):
    """Spinal inhibitory pathways acting on the pool; each strength is 1 = healthy, 0 = lost."""

    stage_name: ClassVar[str] = "inhibition"

    recurrent: float = param(
        1.0, unit="1", min=0.0, max=3.0, label="Recurrent (Renshaw) inhibition",
        help="Strength of Renshaw-cell inhibition driven by the pool's own output "
             "(1 = healthy, 0 = lost).",
        group="Inhibition",
        source="Katz & Pierrot-Deseilligny 1999, Muscle Nerve 22:1339; after SCI reported "
               "increased, not decreased (Nielsen, Crone & Hultborn 2007, Acta Physiol 189:171)")
    reciprocal: float = param(
        1.0, unit="1", min=0.0, max=3.0, label="Reciprocal Ia inhibition",
        help="Strength of inhibition from the antagonist's Ia afferents via Ia interneurons "
             "(1 = healthy, 0 = lost).",
        group="Inhibition",
        source="Crone et al. 1994, Brain 117:1161 (reduced in spastic patients)")
    presynaptic: float = param(
        1.0, unit="1", min=0.0, max=1.6, label="Presynaptic inhibition",
        help="Strength of presynaptic inhibition of afferent terminals (1 = healthy, "
             "0 = lost, > 1 = enhanced, e.g. by baclofen).",
        group="Inhibition",
        source="Rudomin & Schmidt 1999, Exp Brain Res 129:1; reduced after SCI "
               "(Nielsen, Crone & Hultborn 2007)")
    descending: float = param(
        1.0, unit="1", min=0.0, max=3.0, label="Descending inhibition",
        help="Strength of tonic inhibition from the brainstem and cortex "
             "(1 = healthy, 0 = lost).",
        group="Inhibition",
        source="Loss of supraspinal inhibitory control in upper-motor-neuron lesions "
               "(Lance 1980, in Spasticity: Disordered Motor Control)")
    recurrent_gain: float = param(
        0.1, unit="1", min=0.0, max=5.0, label="Renshaw gain",
        help="Recurrent inhibitory current, as a fraction of each unit's rheobase, when "
             "the pool fires at the reference rate of 20 Hz per unit.",
        source=TUNED + ": Renshaw inhibition lowers rates a few Hz "
                        "(Katz & Pierrot-Deseilligny 1999)")
    recurrent_time_constant_ms: float = param(
        20.0, unit="ms", min=1.0, max=200.0, label="Renshaw time constant",
        help="How quickly Renshaw-cell activity follows the pool's output.",
        source="Renshaw-cell bursts last tens of ms (Katz & Pierrot-Deseilligny 1999)")
    reciprocal_tonic: float = param(
        0.1, unit="1", min=0.0, max=2.0, label="Tonic reciprocal inhibition",
        help="Reciprocal inhibition at healthy strength from the antagonist's resting Ia "
             "discharge, as a fraction of rheobase.",
        source=TUNED)
    interneuron_loop_gain: float = param(
        0.9, unit="1", min=0.0, max=0.97, label="Interneuron loop gain (disinhibited)",
        help="Recurrent excitation within the spinal excitatory interneurons when their "
             "inhibitory control is fully lost; < 1 keeps the network stable.",
        source=TUNED + ": gives polysynaptic EPSPs lasting about a second after SCI "
               "(Bennett et al. 2004, J Neurophysiol 91:2247; Mahrous et al. 2024)")
    interneuron_time_constant_ms: float = param(
        80.0, unit="ms", min=1.0, max=1000.0, label="Interneuron time constant",
        help="Time constant of the excitatory interneuron network.",
        source=TUNED)
    interneuron_weight: float = param(
        0.3, unit="1", min=0.0, max=5.0, label="Polysynaptic weight",
        help="Drive the interneurons give the pool per unit of their activity, relative "
             "to the direct afferent path.",
        source=TUNED)
    presynaptic_max_depression: float = param(
        0.6, unit="1", min=0.0, max=0.62, label="Presynaptic depression",
        help="Fraction of afferent input removed by presynaptic inhibition at strength 1.",
        source="Rudomin & Schmidt 1999, Exp Brain Res 129:1 (PAD reduces Ia EPSPs by tens of %)")
    descending_tonic: float = param(
        0.1, unit="1", min=0.0, max=2.0, label="Tonic descending inhibition",
        help="Tonic descending inhibition at healthy strength, as a fraction of rheobase.",
        source=TUNED)


PARAMETERS = (DescendingParameters, InhibitionParameters)
"""The parameter groups this stage owns: fields of :class:`~neurosim.Parameters` named by
their ``stage_name``."""

RENSHAW_REFERENCE_RATE_HZ = 20.0
"""Pool firing rate (Hz per unit) at which ``inhibition.recurrent_gain`` is stated: a scale
for the gain, not a claim about the pool. Recurrent inhibition is measured during
moderate voluntary contractions, when motor units fire at about 10–20 Hz (Hultborn &
Pierrot-Deseilligny 1979, J Physiol 297:253; Katz & Pierrot-Deseilligny 1999)."""


def afferent_gate(inhibition: InhibitionParameters) -> float:
    """Fraction of afferent input that survives presynaptic inhibition (0–1)."""
    return 1.0 - inhibition.presynaptic * inhibition.presynaptic_max_depression


def voluntary_drive_nA(pool, descending, command):
    """Synaptic drive (nA) that a voluntary command produces at the pool.

    Parameters
    ----------
    pool : MotorPoolParameters
    descending : DescendingParameters
    command : float or ndarray
        Voluntary command, fraction of maximal effort (0–1).

    Returns
    -------
    float or ndarray
        ``max_drive_nA × (voluntary_drive × command + tonic_drive)``, same shape as
        ``command``; the tonic part needs no command (and is not voluntary).
    """
    return pool.max_drive_nA * (descending.voluntary_drive * command + descending.tonic_drive)


def reciprocal_per_hz(inhibition: InhibitionParameters, spindle) -> float:
    """Reciprocal Ia inhibition (fraction of rheobase) per Hz of antagonist Ia rate.

    Scaled so that the antagonist firing at the healthy resting rate
    (``spindle.baseline_rate_hz``, no fusimotor bias) gives ``reciprocal_tonic`` at
    strength 1.
    """
    return (inhibition.reciprocal * inhibition.reciprocal_tonic
            / max(spindle.baseline_rate_hz, 1.0))


def resting_inhibition(parameters) -> float:
    """Inhibition of the relaxed, resting pool (fraction of rheobase).

    Descending tonic inhibition plus reciprocal inhibition from the antagonist's
    resting Ia discharge (which fusimotor bias raises); Renshaw inhibition is zero at
    rest. The engine computes its inhibition from the same pieces, and analysis uses
    this to decide which command recruits the pool (tested to agree).

    Parameters
    ----------
    parameters : Parameters

    Returns
    -------
    float
    """
    from .spindle import ia_rate_hz, spindle_constants  # the antagonist's resting rate
    resting_ia_hz = ia_rate_hz(0.0, 0.0, *spindle_constants(parameters.spindle))
    return (parameters.inhibition.descending * parameters.inhibition.descending_tonic
            + reciprocal_per_hz(parameters.inhibition, parameters.spindle) * resting_ia_hz)


def renshaw_constants(inhibition: InhibitionParameters, n_units: int, dt_ms: float):
    """Per-step constants of the Renshaw stage.

    Returns
    -------
    decay : float
        ``exp(-dt/τ_R)``.
    increment_per_spike : float
        Jump of :math:`r` caused by one motor-neuron spike.
    gain : float
        Inhibition (fraction of rheobase) per unit of :math:`r`, times the pathway strength.
    """
    tau_s = inhibition.recurrent_time_constant_ms / 1000.0
    decay = math.exp(-dt_ms / inhibition.recurrent_time_constant_ms)
    increment = 1.0 / (n_units * RENSHAW_REFERENCE_RATE_HZ * tau_s)
    return decay, increment, inhibition.recurrent * inhibition.recurrent_gain


@njit(cache=True, inline="always", error_model="numpy")
def renshaw_step(r, n_spikes, decay, increment_per_spike):
    """Advance Renshaw activity by one step given the number of pool spikes in it.

    Parameters
    ----------
    r : float
        Renshaw activity (1 = pool firing at 20 Hz per unit).
    n_spikes : int
        Motor-neuron spikes (and antidromic invasions) this step.
    decay, increment_per_spike : float
        From :func:`renshaw_constants`.

    Returns
    -------
    float
    """
    return r * decay + n_spikes * increment_per_spike


def interneuron_constants(inhibition: InhibitionParameters, dt_ms: float):
    """Per-step constants of the excitatory-interneuron stage.

    Returns
    -------
    decay : float
        ``exp(-(1 - G) dt / τ_IN)``.
    input_scale : float
        Steady-state activity per unit of gated afferent input, ``1/(1 - G)``.
    loop_gain : float
        :math:`G`.
    """
    control = min(1.0, 0.5 * (inhibition.descending + inhibition.presynaptic))
    loop_gain = inhibition.interneuron_loop_gain * (1.0 - control)
    decay = math.exp(-(1.0 - loop_gain) * dt_ms / inhibition.interneuron_time_constant_ms)
    return decay, 1.0 / (1.0 - loop_gain), loop_gain


@njit(cache=True, inline="always", error_model="numpy")
def interneuron_step(e, gated_afferent, decay, input_scale):
    """Exact one-step update of interneuron activity for constant input over the step.

    Parameters
    ----------
    e : float
        Interneuron activity (fraction of maximal drive).
    gated_afferent : float
        Afferent input after presynaptic inhibition, this step (fraction of maximal drive).
    decay, input_scale : float
        From :func:`interneuron_constants`.

    Returns
    -------
    float
    """
    e_inf = gated_afferent * input_scale
    return e_inf + (e - e_inf) * decay


# ------------------------------------------------------------------- the stage in the loop
STAGE = "spinal_circuit"
"""This stage's name in the schedule (:mod:`neurosim.schedule`) and in the bundles."""


class Constants(NamedTuple):
    """The spinal circuit's constants for one run (inhibition in fractions of rheobase)."""

    gate: float  # afferent_gate: what presynaptic inhibition lets through
    interneuron_decay: float
    interneuron_scale: float
    interneuron_weight: float
    descending_inhibition: float
    reciprocal_per_hz: float
    renshaw_decay: float
    renshaw_increment: float
    renshaw_gain: float


class State(NamedTuple):
    """``activity[0]`` excitatory-interneuron activity :math:`e`, ``activity[1]`` Renshaw
    activity :math:`r`."""

    activity: np.ndarray


class Inputs(NamedTuple):
    """One chunk of the descending command and the gated afferent input (nA), shape
    (steps of the chunk,)."""

    command_nA: np.ndarray
    afferent_nA: np.ndarray


class Outputs(NamedTuple):
    """Total inhibition and Renshaw activity at the output samples, shape (n_samples,)."""

    inhibition: np.ndarray
    renshaw: np.ndarray


def prepare(run):
    """Constants, initial state (all quiet) and outputs of the spinal circuit for ``run``."""
    p, dt_ms = run.parameters, run.dt_ms
    in_decay, in_scale, _ = interneuron_constants(p.inhibition, dt_ms)
    ren_decay, ren_inc, ren_gain = renshaw_constants(p.inhibition, p.pool.n_units, dt_ms)
    c = Constants(gate=afferent_gate(p.inhibition), interneuron_decay=in_decay,
                  interneuron_scale=in_scale, interneuron_weight=p.inhibition.interneuron_weight,
                  descending_inhibition=p.inhibition.descending * p.inhibition.descending_tonic,
                  reciprocal_per_hz=reciprocal_per_hz(p.inhibition, p.spindle),
                  renshaw_decay=ren_decay, renshaw_increment=ren_inc, renshaw_gain=ren_gain)
    return c, State(np.zeros(2)), Outputs(np.zeros(run.n_samples), np.zeros(run.n_samples))


def chunk_inputs(run, step0, time_s):
    """The protocol's command and afferent input as currents at the pool."""
    p = run.parameters
    w = run.protocol.waveforms(time_s)
    return Inputs(voluntary_drive_nA(p.pool, p.descending, w["command"]),
                  p.pool.max_drive_nA * afferent_gate(p.inhibition) * w["afferent"])


@njit(cache=True, inline="always", error_model="numpy")
def integrate(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``spinal``: presynaptic gating of the Ia input, the interneurons, the drive and
    the inhibition of the pool this step.

    Reads ``IA_EPSC_NA``, ``ANTAGONIST_IA_HZ``, ``POSTED_INHIBITION`` (then clears it);
    writes ``IA_NA``, ``DRIVE_NA``, ``INHIBITION`` (:mod:`neurosim.signals`).
    """
    c, act, w = consts.spinal_circuit, states.spinal_circuit.activity, inputs.spinal_circuit
    ia_nA = c.gate * bus[signals.IA_EPSC_NA]  # proximal Ia synapses: no saturation
    act[0] = interneuron_step(act[0], w.afferent_nA[k] + ia_nA, c.interneuron_decay,
                              c.interneuron_scale)
    bus[signals.IA_NA] = ia_nA
    bus[signals.DRIVE_NA] = w.command_nA[k] + w.afferent_nA[k] + c.interneuron_weight * act[0]
    bus[signals.INHIBITION] = (c.descending_inhibition
                               + c.reciprocal_per_hz * bus[signals.ANTAGONIST_IA_HZ]
                               + c.renshaw_gain * act[1]) + bus[signals.POSTED_INHIBITION]
    bus[signals.POSTED_INHIBITION] = 0.0


@njit(cache=True, inline="always", error_model="numpy")
def recurrent(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``recurrent``: the Renshaw cells take up this step's motor-neuron spikes."""
    c, act = consts.spinal_circuit, states.spinal_circuit.activity
    act[1] = renshaw_step(act[1], states.motor_pool.counts[SPIKES_NOW], c.renshaw_decay,
                          c.renshaw_increment)


@njit(cache=True, inline="always", error_model="numpy")
def record(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``sample``: inhibition and Renshaw activity at output sample ``j``."""
    outputs.spinal_circuit.inhibition[j] = bus[signals.INHIBITION]
    outputs.spinal_circuit.renshaw[j] = states.spinal_circuit.activity[1]


HOOKS = {"spinal": integrate, "recurrent": recurrent, "sample": record}
"""The schedule slots this stage joins (:data:`neurosim.schedule.SLOTS`)."""


def results(run, constants, state, outputs) -> dict:
    """This stage's fields of the :class:`~neurosim.SimulationResult`."""
    return dict(inhibition=outputs.inhibition, renshaw_activity=outputs.renshaw)
