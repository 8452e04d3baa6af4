"""Model parameters: one frozen dataclass per stage, composed into :class:`Parameters`.

Every numeric field carries metadata — unit, allowed range, label, a one-line
meaning and the source of its default — and that metadata is the single truth
from which validation, slider ranges, CLI help and documentation are derived.

Changing a value never mutates an object; it returns a new, validated one::

    >>> from neurosim import Parameters
    >>> injured = Parameters().with_changes(**{"inhibition.presynaptic": 0.3})
    >>> injured.inhibition.presynaptic
    0.3

Values are *teaching* defaults. Where a value is a published measurement the
``source`` names the paper; where it is a modelling choice tuned so that the
toy behaves plausibly, the ``source`` says so.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Mapping

from . import _schema

__all__ = [
    "FieldSpec",
    "Parameters",
    "MotorPoolParameters",
    "PersistentInwardCurrentParameters",
    "DescendingParameters",
    "InhibitionParameters",
    "MuscleParameters",
    "EMGParameters",
    "LimbParameters",
    "SpindleParameters",
    "NerveParameters",
    "JunctionParameters",
    "field_specs",
    "slider_groups",
    "SLIDER_GROUPS",
]


SLIDER_GROUPS = ("Descending command", "Inhibition", "Motor neurons", "Spindles and limb", "Nerve",
                 "Neuromuscular junction")
"""Slider groups of the teaching levers, in display order (see :func:`param`)."""


def param(default, *, unit: str, min: float, max: float, label: str, help: str,
          source: str, integer: bool = False, group: str | None = None):
    """Declare a numeric parameter field with its metadata.

    Parameters
    ----------
    default : float or int
        Default value (must lie inside ``[min, max]``).
    unit : str
        Physical unit, ``"1"`` for dimensionless quantities.
    min, max : float
        Inclusive allowed range.
    label : str
        Short human-readable name (slider label).
    help : str
        One-line meaning.
    source : str
        Where the default comes from (paper, textbook or modelling choice).
    integer : bool
        Whether the value must be a whole number.
    group : str, optional
        Slider group of a *teaching lever* (a damage or treatment knob): fields with a
        group get a slider in the dashboard and the notebook explorers, grouped and
        ordered as declared here (see :data:`SLIDER_GROUPS`). ``None``: no slider.
    """
    if group is not None and group not in SLIDER_GROUPS:
        raise AssertionError(f"unknown slider group {group!r} for {label}")
    if not (min <= default <= max):  # guard against metadata typos at import time
        raise AssertionError(f"default {default} outside [{min}, {max}] for {label}")
    return field(default=default, metadata=dict(
        unit=unit, min=min, max=max, label=label, help=help, source=source,
        integer=integer, group=group))


@dataclass(frozen=True)
class FieldSpec:
    """Metadata of one parameter field, addressed by its dotted name."""

    name: str
    stage: str
    field: str
    default: float
    unit: str
    min: float
    max: float
    label: str
    help: str
    source: str
    integer: bool
    group: str | None = None

    def describe_range(self) -> str:
        """Return the allowed range as text, e.g. ``"[0, 1] ms"``."""
        unit = "" if self.unit == "1" else f" {self.unit}"
        return f"[{_fmt(self.min)}, {_fmt(self.max)}]{unit}"


def _fmt(x: float) -> str:
    return f"{x:g}"


class Validated:
    """Mix-in that validates every metadata-carrying field of a frozen dataclass.

    Used by the stage parameter classes and by the protocol components. Each field is a
    :class:`neurosim._schema.Number` built from its metadata, the one piece of code that
    produces every type and range error in the package; numpy scalars are numbers.
    """

    stage_name: ClassVar[str] = ""

    def __post_init__(self):
        for name, spec in _number_fields(type(self)):
            object.__setattr__(self, name, spec.check(getattr(self, name),
                                                      f"{self.stage_name}.{name}"))

    def with_changes(self, **changes):
        """Return a validated copy with some fields replaced.

        Raises
        ------
        ValueError
            If a field name is unknown (the message suggests the closest names)
            or a value is invalid.
        """
        valid = [f.name for f in fields(self)]
        for key in changes:
            if key not in valid:
                raise ValueError(_unknown_message(f"{self.stage_name}.{key}",
                                                  [f"{self.stage_name}.{v}" for v in valid]))
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """Return the field values as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@functools.lru_cache(maxsize=None)
def _number_fields(cls) -> tuple:
    """``(field name, Number spec)`` of every metadata-carrying field of ``cls``."""
    return tuple((f.name, _schema.Number.from_metadata(f.metadata)) for f in fields(cls)
                 if "unit" in f.metadata)


def _unknown_message(name: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=3, cutoff=0.5)
    if not close:  # fall back to matching the part after the dot
        tail = name.rsplit(".", 1)[-1]
        close = [v for v in valid if tail and tail in v][:3]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"unknown parameter {name!r}{hint} (see `neurosim list --parameters`)"


# ---------------------------------------------------------------------------
# Stage parameter classes
# ---------------------------------------------------------------------------

_FUGLEVAND = "Fuglevand, Winter & Patla 1993, J Neurophysiol 70:2470"
_TUNED = "neurosim modelling choice (tuned so the teaching model behaves plausibly)"


@dataclass(frozen=True)
class MotorPoolParameters(Validated):
    """Motor-neuron pool: size principle and leaky integrate-and-fire membranes."""

    stage_name: ClassVar[str] = "pool"

    n_units: int = param(
        120, unit="1", min=1, max=20000, integer=True, label="Motor units",
        help="Number of motor neurons (motor units) in the pool.",
        source=_FUGLEVAND + " (120 units)")
    rheobase_smallest_nA: float = param(
        3.0, unit="nA", min=0.5, max=20.0, label="Smallest rheobase",
        help="Current that just makes the smallest motor neuron fire.",
        source="Zengel et al. 1985, J Neurophysiol 53:1323 (cat type-S rheobase, a few nA)")
    recruitment_range: float = param(
        30.0, unit="1", min=1.0, max=100.0, label="Recruitment range",
        help="Rheobase of the largest unit divided by that of the smallest; "
             "thresholds spread exponentially (many small, few large units).",
        source=_FUGLEVAND + " (range 30)")
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
        source=_TUNED + ": with the soleus AHP it gives about 11 Hz per unit at maximal "
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
        source=_TUNED + ": gives about 6–7 Hz at recruitment, as soleus units start firing "
               "at 5–8 Hz (Bellemare et al. 1983; " + _FUGLEVAND + ": 8 Hz)")
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
        source=_TUNED)
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
        source=_TUNED)


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
               "(Lance 1980; Thomas et al. 1997, Muscle Nerve 20:1380, weak voluntary "
               "contractions of muscles below incomplete cervical SCI)")


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
        source=_TUNED + ": Renshaw inhibition lowers rates a few Hz "
                        "(Katz & Pierrot-Deseilligny 1999)")
    recurrent_time_constant_ms: float = param(
        20.0, unit="ms", min=1.0, max=200.0, label="Renshaw time constant",
        help="How quickly Renshaw-cell activity follows the pool's output.",
        source="Renshaw-cell bursts last tens of ms (Katz & Pierrot-Deseilligny 1999)")
    reciprocal_tonic: float = param(
        0.1, unit="1", min=0.0, max=2.0, label="Tonic reciprocal inhibition",
        help="Reciprocal inhibition at healthy strength from the antagonist's resting Ia "
             "discharge, as a fraction of rheobase.",
        source=_TUNED)
    interneuron_loop_gain: float = param(
        0.9, unit="1", min=0.0, max=0.97, label="Interneuron loop gain (disinhibited)",
        help="Recurrent excitation within the spinal excitatory interneurons when their "
             "inhibitory control is fully lost; < 1 keeps the network stable.",
        source=_TUNED + ": gives polysynaptic EPSPs lasting about a second after SCI "
               "(Bennett et al. 2004, J Neurophysiol 91:2247; Mahrous et al. 2024)")
    interneuron_time_constant_ms: float = param(
        80.0, unit="ms", min=1.0, max=1000.0, label="Interneuron time constant",
        help="Time constant of the excitatory interneuron network.",
        source=_TUNED)
    interneuron_weight: float = param(
        0.3, unit="1", min=0.0, max=5.0, label="Polysynaptic weight",
        help="Drive the interneurons give the pool per unit of their activity, relative "
             "to the direct afferent path.",
        source=_TUNED)
    presynaptic_max_depression: float = param(
        0.6, unit="1", min=0.0, max=0.62, label="Presynaptic depression",
        help="Fraction of afferent input removed by presynaptic inhibition at strength 1.",
        source="Rudomin & Schmidt 1999, Exp Brain Res 129:1 (PAD reduces Ia EPSPs by tens of %)")
    descending_tonic: float = param(
        0.1, unit="1", min=0.0, max=2.0, label="Tonic descending inhibition",
        help="Tonic descending inhibition at healthy strength, as a fraction of rheobase.",
        source=_TUNED)


@dataclass(frozen=True)
class MuscleParameters(Validated):
    """Twitch force of each motor unit and its rate-dependent summation."""

    stage_name: ClassVar[str] = "muscle"

    twitch_force_range: float = param(
        100.0, unit="1", min=1.0, max=1000.0, label="Twitch force range",
        help="Peak twitch force of the largest unit divided by that of the smallest.",
        source=_FUGLEVAND + " (100-fold)")
    contraction_time_longest_ms: float = param(
        130.0, unit="ms", min=5.0, max=300.0, label="Longest contraction time",
        help="Time to peak of the smallest unit's twitch.",
        source="Soleus is a slow muscle: whole-muscle twitch contraction time about 150 ms "
               "at the ankle (Vandervoort & McComas 1983, Eur J Appl Physiol 51:435, with "
               "the tendon's compliance; the model has none, so its fibre twitches are a "
               "little faster). Was 90 ms (" + _FUGLEVAND + ", a hand muscle) until 0.2")
    contraction_time_range: float = param(
        1.5, unit="1", min=1.0, max=10.0, label="Contraction time range",
        help="Longest divided by shortest contraction time (fast units are the large ones).",
        source="Soleus is about 80 % slow (type I) fibres, so its units' contraction times "
               "differ little (Johnson et al. 1973, J Neurol Sci 18:111); 130 to 87 ms. "
               "Was 3 (" + _FUGLEVAND + ") until 0.2")
    max_force_N: float = param(
        3000.0, unit="N", min=0.1, max=20000.0, label="Maximal muscle force",
        help="Fully fused force of all units together (soleus-like).",
        source="Plantarflexor maximal torque of about 150 N·m at a 36 mm Achilles moment arm "
               "(Manal, Cowder & Buchanan 2013, Physiol Rep 1:e00139) implies about 4 kN for "
               "the triceps surae, of which soleus is the largest part")
    max_shortening_velocity_mm_s: float = param(
        250.0, unit="mm/s", min=1.0, max=5000.0, label="Maximal shortening velocity",
        help="Shortening velocity at which the muscle can produce no force (Hill "
             "force–velocity relation); lengthening raises force up to 1.5×.",
        source="Hill 1938, Proc R Soc B 126:136 (hyperbolic force–velocity relation); "
               "value a neurosim choice for a slow soleus-like muscle")


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
        source="Fuglevand et al. 1992, Biol Cybern 67:143; " + _TUNED)
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


@dataclass(frozen=True)
class LimbParameters(Validated):
    """One joint (ankle) moved by the muscle (soleus-like) against inertia, stiffness and load."""

    stage_name: ClassVar[str] = "limb"

    inertia_kg_m2: float = param(
        0.015, unit="kg·m²", min=0.001, max=5.0, label="Foot inertia",
        help="Moment of inertia of the foot (and shoe) about the ankle.",
        source="Foot segment (about 1.5 % of a 70 kg body) about the ankle: of order "
               "0.01–0.02 kg·m² (Winter 2009, Biomechanics and Motor Control of Human "
               "Movement, anthropometric tables)")
    passive_stiffness_Nm_per_rad: float = param(
        20.0, unit="N·m/rad", min=0.0, max=1000.0, label="Passive stiffness",
        help="Elastic resistance of the relaxed ankle to rotation away from rest.",
        group="Spindles and limb",
        source="Relaxed human ankle stiffness of tens of N·m/rad (Kearney & Hunter 1990, "
               "Crit Rev Biomed Eng 18:55)")
    damping_Nm_s_per_rad: float = param(
        0.5, unit="N·m·s/rad", min=0.0, max=50.0, label="Passive damping",
        help="Viscous resistance of the relaxed ankle.",
        source="Kearney & Hunter 1990, Crit Rev Biomed Eng 18:55 (about 0.5 N·m·s/rad)")
    moment_arm_m: float = param(
        0.036, unit="m", min=0.005, max=0.2, label="Achilles moment arm",
        help="Lever arm of the muscle about the ankle; also converts joint angle to "
             "muscle length (mm per rad).",
        source="Manal, Cowder & Buchanan 2013, Physiol Rep 1:e00139 (35–37 mm)")
    examiner_stiffness_Nm_per_rad: float = param(
        3000.0, unit="N·m/rad", min=1.0, max=100000.0, label="Examiner grip stiffness",
        help="How firmly the examiner's hand (or a motor) holds the foot on the imposed "
             "trajectory during a passive stretch.",
        source="neurosim modelling choice: a firm grip or motorised dynamometer that keeps "
               "the imposed trajectory within about a degree even against a spastic reflex")
    examiner_damping_Nm_s_per_rad: float = param(
        13.0, unit="N·m·s/rad", min=0.0, max=1000.0, label="Examiner grip damping",
        help="Velocity feedback of the examiner's grip.",
        source="neurosim modelling choice (near critically damped with the grip stiffness)")
    dorsiflexion_limit_deg: float = param(
        25.0, unit="deg", min=5.0, max=45.0, label="Dorsiflexion limit",
        help="End of the ankle's range of motion in dorsiflexion, from the model's zero (the "
             "relaxed foot); beyond it a soft end-stop's moment rises exponentially.",
        source="Normal ankle dorsiflexion about 20° (American Medical Association; American "
               "Academy of Orthopaedic Surgeons, Joint Motion: Method of Measuring and "
               "Recording, 1965), 13 ± 4.4° with the knee flexed (Boone & Azen 1979, J Bone "
               "Joint Surg Am 61:756), 20–30° in stretching studies; the passive moment rises "
               "steeply towards the end of the range (Riener & Edrich 1999, J Biomech 32:539). "
               "25° is a neurosim choice in that span that leaves room for the 15° stretch "
               "test and the beats of clonus")
    plantarflexion_limit_deg: float = param(
        50.0, unit="deg", min=10.0, max=80.0, label="Plantarflexion limit",
        help="End of the ankle's range of motion in plantarflexion (entered as a positive "
             "angle below the model's zero); beyond it a soft end-stop's moment rises "
             "exponentially.",
        source="Normal ankle plantarflexion about 50° (American Academy of Orthopaedic "
               "Surgeons 1965), 56 ± 6° (Boone & Azen 1979, J Bone Joint Surg Am 61:756)")


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


@dataclass(frozen=True)
class NerveParameters(Validated):
    """Peripheral nerve: conduction, axon loss, demyelination, ectopic firing, stimulation."""

    stage_name: ClassVar[str] = "nerve"

    path_length_m: float = param(
        0.8, unit="m", min=0.05, max=2.0, label="Cord–muscle path",
        help="Nerve path length from the spinal cord to the muscle.",
        source="Spinal segment S1 to soleus about 0.8–1 m in adults, consistent with H-reflex "
               "latencies near 30 ms (Palmieri, Ingersoll & Hoffman 2004, J Athl Train 39:268)")
    motor_cv_smallest_m_s: float = param(
        44.0, unit="m/s", min=1.0, max=120.0, label="Motor CV, small axons",
        help="Conduction velocity of the smallest motor axons.",
        source="Human leg motor conduction 40–50 m/s (Kimura, Electrodiagnosis in "
               "Diseases of Nerve and Muscle); the spread within one nerve is narrower")
    motor_cv_largest_m_s: float = param(
        50.0, unit="m/s", min=1.0, max=120.0, label="Motor CV, large axons",
        help="Conduction velocity of the largest motor axons (larger axons conduct faster).",
        source="Kimura, Electrodiagnosis in Diseases of Nerve and Muscle (leg 40–50 m/s)")
    afferent_cv_m_s: float = param(
        60.0, unit="m/s", min=1.0, max=120.0, label="Ia afferent CV",
        help="Conduction velocity of the Ia afferents (faster than motor axons).",
        source="Ia afferents conduct faster than motor axons (Kimura; Palmieri et al. 2004)")
    central_delay_ms: float = param(
        1.0, unit="ms", min=0.1, max=20.0, label="Central delay",
        help="Synaptic and intraspinal delay of the monosynaptic Ia reflex.",
        source="Monosynaptic central delay about 0.5–1 ms (Burke 1983, in Motor Control "
               "Mechanisms in Health and Disease)")
    neuromuscular_delay_ms: float = param(
        1.0, unit="ms", min=0.1, max=10.0, label="Neuromuscular delay",
        help="Delay from the axon terminal to the muscle-fibre action potential.",
        source="Neuromuscular transmission about 1 ms (Kimura)")
    motor_axon_survival: float = param(
        1.0, unit="1", min=0.0, max=1.0, label="Surviving motor axons",
        help="Fraction of motor axons that still reach the muscle (1 = all; axon loss lowers it).",
        group="Nerve",
        source="Axonal neuropathy lowers CMAP amplitude: tibial 12.4 vs 6.7 mV in diabetes "
               "without vs with polyneuropathy (Sci Rep 2024, doi:10.1038/s41598-024-82235-8)")
    afferent_survival: float = param(
        1.0, unit="1", min=0.0, max=1.0, label="Surviving Ia afferents",
        help="Fraction of Ia afferents that still conduct.",
        group="Nerve",
        source="Sensory potentials fall first in diabetic neuropathy (Sci Rep 2024, "
               "doi:10.1038/s41598-024-82235-8: sural SNAP 5.6 → 0 µV)")
    demyelination_slowing: float = param(
        0.0, unit="1", min=0.0, max=0.8, label="Demyelination slowing",
        help="Fractional reduction of every conduction velocity by demyelination.",
        group="Nerve",
        source="Demyelination slows conduction (Kimura); median motor CV 52.3 → 43.6 m/s "
               "after > 10 years of diabetes (ICR 2025, 30(7):170)")
    conduction_block: float = param(
        0.0, unit="1", min=0.0, max=1.0, label="Conduction block",
        help="Fraction of motor axons blocked in a demyelinated segment between the "
             "proximal and distal stimulation sites.",
        group="Nerve",
        source="Conduction block: proximal CMAP smaller than distal (Kimura)")
    ectopic_rate_hz: float = param(
        0.0, unit="Hz", min=0.0, max=100.0, label="Ectopic discharge rate",
        help="Mean rate of spontaneous discharges of each hyperexcitable motor axon "
             "(fasciculations when low, cramp when high).",
        group="Nerve",
        source="Ectopic axonal discharges as a source of fasciculations and cramps "
               "(Layzer 1994, Muscle Nerve 17:1243)")
    ectopic_fraction: float = param(
        1.0, unit="1", min=0.0, max=1.0, label="Hyperexcitable axons",
        help="Fraction of motor axons that discharge ectopically at ectopic_rate_hz.",
        source="neurosim modelling choice")
    ectopic_refractory_ms: float = param(
        1.0, unit="ms", min=0.2, max=10.0, label="Axonal refractory period",
        help="Absolute refractory period of a motor axon after an ectopic discharge: no "
             "second discharge within it.",
        source="Human motor axons are absolutely refractory for about 1 ms at body "
               "temperature (Kiernan, Burke, Andersen & Bostock 2000, Muscle Nerve 23:399)")
    ectopic_recovery_ms: float = param(
        30.0, unit="ms", min=1.0, max=500.0, label="Axonal recovery time constant",
        help="Time constant with which an axon's excitability recovers after an ectopic "
             "discharge (decay of the post-discharge threshold rise).",
        source="Late subexcitability of human motor axons (slow K⁺ channels) peaks about "
               "40 ms after an impulse and is gone by about 100–200 ms (Kiernan et al. "
               "2000, Muscle Nerve 23:399; Bostock, Cikurel & Burke 1998, Muscle Nerve "
               "21:137); value chosen inside that span")
    ectopic_recovery_depth: float = param(
        5.0, unit="1", min=0.0, max=20.0, label="Axonal recovery depth",
        help="Post-discharge threshold rise in units of the membrane noise: right after "
             "the refractory period the discharge hazard is exp(−depth) of a rested "
             "axon's (0 = Poisson firing after the refractory period).",
        source="neurosim choice with ectopic_recovery_ms: gives an ISI coefficient of "
               "variation near 0.45 at 14.5 discharges/s, as in electrically elicited "
               "cramps (Minetto et al. 2009, J Neurophysiol 102:1890: 14.5 ± 5.1 pps, "
               "ISI CV ≈ 0.45), while rare discharges stay Poisson-like (CV ≈ 1)")
    motor_threshold_mA: float = param(
        10.0, unit="mA", min=0.1, max=100.0, label="Motor threshold (largest axon)",
        help="Stimulus that just excites the largest motor axon (large axons are excited first).",
        source="Typical surface stimulation thresholds of a few to tens of mA (Kimura)")
    motor_threshold_range: float = param(
        2.5, unit="1", min=1.0, max=10.0, label="Motor threshold range",
        help="Threshold of the smallest motor axon divided by that of the largest.",
        source="neurosim modelling choice (M-wave grows from threshold to maximum over a "
               "few-fold intensity range)")
    ia_threshold_fraction: float = param(
        0.6, unit="1", min=0.1, max=2.0, label="Ia threshold re motor",
        help="Lowest Ia threshold as a fraction of the motor threshold; Ia thresholds "
             "spread up to 1.5× this value.",
        source="H-reflex appears below motor threshold in soleus (Palmieri et al. 2004)")
    stimulated_ia_per_muscle_ia: float = param(
        3.0, unit="1", min=0.0, max=20.0, label="Ia fibres in the nerve per muscle Ia",
        help="Ia fibres a nerve shock can excite (the muscle's own and its synergists', "
             "all projecting to this pool) per Ia afferent of the muscle itself.",
        source="Tibial-nerve shocks excite soleus and synergist Ia afferents, which all "
               "excite soleus motor neurons (Pierrot-Deseilligny & Burke 2005, The Circuitry "
               "of the Human Spinal Cord)")
    distal_site_to_muscle_m: float = param(
        0.15, unit="m", min=0.01, max=1.0, label="Distal site–muscle distance",
        help="Distance from the distal stimulation site to the muscle.",
        source="protocol setting (stimulation at the popliteal fossa)")
    proximal_site_to_muscle_m: float = param(
        0.45, unit="m", min=0.02, max=1.9, label="Proximal site–muscle distance",
        help="Distance from the proximal stimulation site to the muscle.",
        source="protocol setting (second site for conduction velocity)")


@dataclass(frozen=True)
class JunctionParameters(Validated):
    """Neuromuscular junction of each motor unit (one representative endplate per unit)."""

    stage_name: ClassVar[str] = "junction"

    ache_activity: float = param(
        1.0, unit="1", min=0.0, max=1.0, label="AChE activity",
        help="Acetylcholinesterase activity (1 = healthy, 0 = fully inhibited).",
        group="Neuromuscular junction",
        source="AChE hydrolyses ACh within < 1 ms; inhibitors prolong endplate currents "
               "(Magleby & Stevens 1972, J Physiol 223:173)")
    quantal_content: float = param(
        50.0, unit="quanta", min=1.0, max=500.0, label="Quantal content",
        help="Quanta released by the first nerve impulse from a full vesicle pool.",
        source="Human endplates release tens of quanta per impulse (Wood & Slater 2001, "
               "Prog Neurobiol 64:393)")
    endplate_variability: float = param(
        0.3, unit="1", min=0.0, max=0.9, label="Endplate variability",
        help="Spread of quantal content between motor units: from (1 − v) to (1 + v) times "
             "the mean, so safety factors differ and failures come gradually.",
        source="Quantal content and safety factor vary between endplates (Wood & Slater "
               "2001, Prog Neurobiol 64:393); value a neurosim choice")
    quantal_scale: float = param(
        1.0, unit="1", min=0.0, max=2.0, label="Release scale",
        help="Multiplies the quanta released per impulse (botulinum toxin lowers it).",
        group="Neuromuscular junction",
        source="Botulinum toxin cleaves SNARE proteins and blocks ACh release "
               "(Montecucco & Schiavo 1994, Mol Microbiol 13:1)")
    release_fraction: float = param(
        0.2, unit="1", min=0.01, max=1.0, label="Release fraction",
        help="Fraction of the ready vesicle pool released per impulse at normal Ca²⁺/Mg²⁺.",
        source="Depletion model of short-term depression (Wood & Slater 2001); value a "
               "neurosim choice giving normal 3 Hz depression without CMAP decrement")
    pool_recovery_s: float = param(
        2.0, unit="s", min=0.05, max=30.0, label="Vesicle pool recovery",
        help="Time constant with which the ready vesicle pool refills.",
        source="Seconds-scale recovery from depression at the mammalian NMJ (Wood & Slater 2001)")
    mobilisation: float = param(
        0.8, unit="1", min=0.0, max=5.0, label="Vesicle mobilisation",
        help="How much recent activity speeds refilling of the ready pool: recovery rate × "
             "(1 + mobilisation × impulses in the last second).",
        source="Activity-dependent vesicle mobilisation keeps transmission going at "
               "30–50 Hz (Wood & Slater 2001); value a neurosim choice")
    receptor_density: float = param(
        1.0, unit="1", min=0.0, max=2.0, label="ACh receptor density",
        help="Nicotinic receptors at the endplate relative to normal (myasthenia lowers it).",
        group="Neuromuscular junction",
        source="Myasthenia gravis: antibody loss of ACh receptors lowers the safety factor "
               "(Drachman 1994, N Engl J Med 330:1797)")
    hydrolysis_per_ms: float = param(
        5.0, unit="1/ms", min=0.0, max=50.0, label="ACh hydrolysis rate",
        help="Rate of ACh removal by AChE at activity 1.",
        source="Changed from 1/ms: with working AChE ACh is gone from the cleft in well under "
               "1 ms (AChE turns over 5,000–10,000 ACh per second; Rosenberry 1975), so the "
               "EPC decay (~1 ms) is set by channel closing, not by ACh removal (Magleby & "
               "Stevens 1972, J Physiol 223:173); the large enzyme reserve means transmission "
               "changes little until most AChE is inhibited. Value a neurosim choice")
    diffusion_per_ms: float = param(
        0.15, unit="1/ms", min=0.01, max=10.0, label="ACh escape rate (flooded cleft)",
        help="Rate at which ACh leaves a cleft flooded by a multi-quantal release, by "
             "diffusion out at the edges of the synapse (slowed by rebinding to receptors); "
             "what clears ACh when AChE is fully inhibited.",
        source="Changed from 0.03/ms (a 33 ms tail, neurosim choice): diffusion empties the "
               "cleft within milliseconds, and complete AChE inhibition prolongs the endplate "
               "current only a few-fold (Katz & Miledi 1973, J Physiol 231:549; Magleby & "
               "Stevens 1972, J Physiol 223:173); mouse: +76 % acute inhibitor, +37 % "
               "knockout (Adler et al. 2011). Value a neurosim choice in that range")
    dilution_per_ms: float = param(
        1.0, unit="1/ms", min=0.0, max=20.0, label="ACh lateral dilution rate",
        help="Extra loss of an isolated quantum's ACh as it spreads sideways into the "
             "unflooded cleft around it; it fades as quanta overlap (see "
             "quantal_overlap_quanta), so with AChE inhibited a multi-quantal EPC lasts "
             "longer than a single-quantum MEPC.",
        source="Quanta interact when AChE is inhibited: the evoked EPC is prolonged more than "
               "the MEPC (Hartzell, Kuffler & Yoshikami 1975, J Physiol 251:427); value a "
               "neurosim choice")
    quantal_overlap_quanta: float = param(
        3.0, unit="quanta", min=0.1, max=500.0, label="Quantal overlap",
        help="Cleft ACh (quanta) at which neighbouring quanta's spreading ACh overlaps so "
             "much that lateral dilution is halved.",
        source="Hartzell, Kuffler & Yoshikami 1975, J Physiol 251:427 (interaction of quanta "
               "with AChE inhibited); value a neurosim choice")
    perijunctional_hydrolysis_per_ms: float = param(
        0.05, unit="1/ms", min=0.0, max=10.0, label="Perijunctional ACh hydrolysis rate",
        help="Rate, at AChE activity 1, at which AChE outside the synaptic cleft (at the "
             "margins of the endplate and along the fibre) hydrolyses the ACh that escaped "
             "the cleft; scaled by ache_activity like hydrolysis in the cleft.",
        source="AChE is also present perijunctionally and extrajunctionally, so ACh that "
               "escapes the cleft is normally destroyed before it can accumulate (Salpeter "
               "1967, J Cell Biol 32:379; Hartzell, Kuffler & Yoshikami 1975, J Physiol "
               "251:427). Value a neurosim choice: it lasts ~20 ms in health but ~0.3 s (with "
               "the washout) at 5 % AChE, so only severe inhibition lets it sum over a 30 Hz "
               "train")
    perijunctional_washout_s: float = param(
        2.0, unit="s", min=0.05, max=60.0, label="Perijunctional ACh washout time",
        help="Time constant with which ACh that escaped the cleft is cleared without AChE "
             "(diffusion away into the interstitium and capillaries); what clears it when "
             "AChE is inhibited.",
        source="Without AChE, ACh around the junction is cleared only by diffusion and "
               "bulk washout over seconds, so it accumulates during high-rate trains and "
               "depolarises the endplate (anticholinesterase-induced transmission failure at "
               "high rates: Maselli & Leung 1993, Muscle Nerve 16:548); value a neurosim "
               "choice")
    perijunctional_efficacy: float = param(
        0.0162, unit="1", min=0.0, max=1.0, label="Perijunctional ACh efficacy",
        help="How strongly one quantum's worth of perijunctional ACh opens endplate "
             "receptors, relative to the same ACh in the cleft (it is diluted in a larger "
             "volume and reaches mostly the receptors at the endplate margins).",
        source="neurosim choice: one impulse's escaped ACh depolarises the endplate by less "
               "than 1 mV in health and, at 5 % AChE, by ~10 mV (below the Na⁺-inactivation "
               "range), but there it sums over a 30 Hz train until Na⁺ channels inactivate — "
               "depolarisation block after a first phase of repetitive firing "
               "(anticholinesterase-induced transmission failure at high rates: Maselli & "
               "Leung 1993, Muscle Nerve 16:548); at ≥ 10 % AChE (30 Hz) and in health "
               "(50 Hz) every impulse is still relayed")
    binding_rate: float = param(
        0.021, unit="1/(quantum·ms)", min=0.0, max=10.0, label="Receptor activation rate",
        help="Rate at which one quantum's worth of cleft ACh opens free receptors.",
        source="neurosim choice: a normal evoked release opens a small fraction of the "
               "receptors, so quanta add nearly linearly (a quantum opens ~1,000 of ~10⁷ "
               "channels; Wood & Slater 2001). Changed from 0.005 with the faster hydrolysis "
               "(ACh now lingers ~0.2 ms, not ~1 ms) to keep the safety factor at 3–5 "
               "(Paton & Waud 1967, J Physiol 191:59); from 0.027 to 0.021 when the "
               "receptors began to see the ACh averaged over each step (the same EPP, now "
               "independent of dt)")
    channel_open_time_ms: float = param(
        1.0, unit="ms", min=0.1, max=20.0, label="Channel open time",
        help="Mean open (burst) time of a nicotinic channel.",
        source="Colquhoun & Sakmann 1985, J Physiol 369:501 (bursts about 1 ms)")
    desensitization_per_s: float = param(
        20.0, unit="1/s", min=0.0, max=100.0, label="Desensitisation rate",
        help="Rate at which open receptors enter the desensitised state.",
        source="Slow desensitisation by prolonged ACh (Katz & Thesleff 1957, J Physiol 138:63)")
    desensitization_recovery_s: float = param(
        2.0, unit="s", min=0.05, max=60.0, label="Desensitisation recovery",
        help="Time constant of recovery from desensitisation.",
        source="Katz & Thesleff 1957, J Physiol 138:63 (seconds)")
    endplate_time_constant_ms: float = param(
        3.0, unit="ms", min=0.2, max=30.0, label="Endplate membrane time constant",
        help="Passive time constant of the endplate membrane.",
        source="neurosim choice inside the few-ms range of muscle-fibre membranes "
               "(Hodgkin & Nakajima 1972)")
    reversal_mV: float = param(
        80.0, unit="mV", min=10.0, max=150.0, label="EPP reversal (re rest)",
        help="Endplate-current reversal potential above the resting potential "
             "(reversal near 0 mV, rest near −80 mV).",
        source="Endplate reversal about 0 mV (Magleby & Stevens 1972)")
    conductance_scale: float = param(
        40.0, unit="1", min=0.0, max=100.0, label="Endplate conductance",
        help="Endplate conductance with all receptors open, relative to the membrane leak.",
        source="neurosim choice giving a safety factor of about 3–4 (Paton & Waud 1967, "
               "J Physiol 191:59; Wood & Slater 2001)")
    fibre_threshold_mV: float = param(
        15.0, unit="mV", min=2.0, max=60.0, label="Fibre AP threshold (re rest)",
        help="Depolarisation at which the muscle fibre fires an action potential.",
        source="About 15–25 mV above a −80 mV rest (Wood & Slater 2001)")
    fibre_refractory_ms: float = param(
        3.0, unit="ms", min=0.5, max=20.0, label="Fibre refractory period",
        help="Absolute refractory period of the muscle fibre.",
        source="Muscle fibre absolute refractory period of a few ms (Kimura)")
    relative_refractory_ms: float = param(
        4.0, unit="ms", min=0.1, max=50.0, label="Relative refractory time",
        help="Time constant with which the raised threshold after an AP returns to normal.",
        source="neurosim choice (relative refractory period of several ms)")
    relative_refractory_factor: float = param(
        6.0, unit="1", min=0.0, max=20.0, label="Relative refractory rise",
        help="How much the threshold is raised just after the absolute refractory period.",
        source="neurosim choice")
    inactivation_half_mV: float = param(
        20.0, unit="mV", min=1.0, max=80.0, label="Na⁺ inactivation midpoint",
        help="Sustained depolarisation (re rest) that inactivates half the Na⁺ channels.",
        source="Sustained depolarisation inactivates Na⁺ channels: depolarisation block "
               "(Hodgkin & Huxley 1952); high ACh gives depolarisation block")
    inactivation_width_mV: float = param(
        16.0, unit="mV", min=1.0, max=60.0, label="Na⁺ inactivation width",
        help="Span of sustained depolarisation over which steady-state Na⁺ availability "
             "falls from 1 to 0 (a smooth step centred on inactivation_half_mV).",
        source="Steady-state Na⁺ inactivation is a sigmoid of voltage with a slope factor of "
               "a few mV, i.e. it goes from mostly available to mostly inactivated over "
               "~10–25 mV (Hodgkin & Huxley 1952; muscle fibres: Ruff 1996, Acta Physiol Scand "
               "156:159). Value the previously hard-coded 16 mV span (10–90 % over ~10 mV, at "
               "the steep end); a neurosim choice")
    inactivation_time_constant_ms: float = param(
        20.0, unit="ms", min=0.1, max=1000.0, label="Na⁺ inactivation time",
        help="Time constant of Na⁺-channel inactivation and recovery.",
        source="Fast inactivation over milliseconds (Hodgkin & Huxley 1952)")
    ap_shunt: float = param(
        1.0, unit="1", min=0.0, max=1.0, label="EPP shunted by a fibre AP",
        help="Fraction of the endplate potential wiped out by a muscle-fibre action "
             "potential; a further AP then needs endplate current that outlasts the "
             "refractory period to charge the membrane again (0 = the EPP survives the AP).",
        source="The muscle action potential wipes out the endplate potential (Fatt & Katz "
               "1951, J Physiol 115:320)")
    use_dependent_inactivation: float = param(
        0.03, unit="1", min=0.0, max=1.0, label="Na⁺ slow inactivation per AP",
        help="Fraction of the available Na⁺ channels that each fibre AP puts into slow "
             "inactivation (recovering with slow_inactivation_recovery_ms).",
        source="Slow inactivation of muscle Na⁺ channels during repetitive firing "
               "(Ruff 1996, Acta Physiol Scand 156:159); value a neurosim choice")
    slow_inactivation_recovery_ms: float = param(
        200.0, unit="ms", min=1.0, max=10000.0, label="Na⁺ slow-inactivation recovery",
        help="Time constant of recovery from slow inactivation.",
        source="Ruff 1996, Acta Physiol Scand 156:159 (hundreds of ms)")
    spontaneous_rate_hz: float = param(
        1.0, unit="Hz", min=0.0, max=2000.0, label="Spontaneous quanta",
        help="Spontaneous quanta (miniature EPPs) per second at the endplate.",
        source="About 1 mEPP per second per endplate (Fatt & Katz 1952, J Physiol 117:109)")
    terminal_threshold_quanta: float = param(
        0.03, unit="quanta", min=0.001, max=500.0, label="Terminal firing threshold",
        help="Integrated lingering cleft ACh (quanta) at which the nerve terminal, through "
             "its nicotinic autoreceptors, fires by itself (a fasciculation of the unit); "
             "with working AChE one quantum reaches about 0.01, with 5 % AChE about 0.04.",
        source="Antidromic terminal firing as a proposed cause of fasciculations with "
               "AChE inhibitors (Masland & Wigton 1940, J Neurophysiol 3:269); changed from "
               "0.2 with the faster ACh clearance (a spontaneous quantum now lingers ms, not "
               "tens of ms); value a neurosim choice between health and severe inhibition")
    terminal_time_constant_ms: float = param(
        20.0, unit="ms", min=0.5, max=500.0, label="Terminal integration time",
        help="Time over which the nerve terminal integrates cleft ACh.",
        source="neurosim choice")
    terminal_refractory_ms: float = param(
        10.0, unit="ms", min=0.5, max=100.0, label="Terminal refractory time",
        help="After any impulse the nerve terminal cannot fire by itself (from its "
             "autoreceptors) for this long.",
        source="Human motor axons are refractory for ~3 ms after an impulse and subexcitable "
               "for tens of ms after that (recovery cycle: Kiernan et al. 2000, Muscle Nerve "
               "23:399); was engine.TERMINAL_REFRACTORY_MS, value a neurosim choice")
    calcium_mM: float = param(
        1.2, unit="mM", min=0.2, max=4.0, label="Extracellular Ca²⁺ (ionised)",
        help="Ionised calcium; low values lower release and make axons hyperexcitable.",
        group="Neuromuscular junction",
        source="Normal ionised Ca²⁺ about 1.1–1.3 mM; release ∝ [Ca]^4 (Dodge & Rahamimoff "
               "1967, J Physiol 193:419)")
    magnesium_mM: float = param(
        0.8, unit="mM", min=0.1, max=5.0, label="Extracellular Mg²⁺",
        help="Magnesium; high values block release, low values add to axonal excitability.",
        group="Neuromuscular junction",
        source="Mg²⁺ competes with Ca²⁺ for release (Dodge & Rahamimoff 1967)")


_STAGES: dict[str, type] = {
    "pool": MotorPoolParameters,
    "pic": PersistentInwardCurrentParameters,
    "descending": DescendingParameters,
    "inhibition": InhibitionParameters,
    "muscle": MuscleParameters,
    "emg": EMGParameters,
    "limb": LimbParameters,
    "spindle": SpindleParameters,
    "nerve": NerveParameters,
    "junction": JunctionParameters,
}


@dataclass(frozen=True)
class Parameters:
    """All model parameters, one frozen dataclass per stage.

    Attributes
    ----------
    pool : MotorPoolParameters
    pic : PersistentInwardCurrentParameters
    descending : DescendingParameters
    inhibition : InhibitionParameters
    muscle : MuscleParameters
    emg : EMGParameters
    limb : LimbParameters
    spindle : SpindleParameters
    nerve : NerveParameters
    junction : JunctionParameters

    Examples
    --------
    >>> p = Parameters().with_changes(**{"pic.strength": 1.0, "inhibition.reciprocal": 0.3})
    >>> p.pic.strength, p.inhibition.reciprocal
    (1.0, 0.3)
    """

    pool: MotorPoolParameters = field(default_factory=MotorPoolParameters)
    pic: PersistentInwardCurrentParameters = field(default_factory=PersistentInwardCurrentParameters)
    descending: DescendingParameters = field(default_factory=DescendingParameters)
    inhibition: InhibitionParameters = field(default_factory=InhibitionParameters)
    muscle: MuscleParameters = field(default_factory=MuscleParameters)
    emg: EMGParameters = field(default_factory=EMGParameters)
    limb: LimbParameters = field(default_factory=LimbParameters)
    spindle: SpindleParameters = field(default_factory=SpindleParameters)
    nerve: NerveParameters = field(default_factory=NerveParameters)
    junction: JunctionParameters = field(default_factory=JunctionParameters)

    def __post_init__(self):
        for name, cls in _STAGES.items():
            if not isinstance(getattr(self, name), cls):
                raise ValueError(f"Parameters.{name} must be a {cls.__name__}, "
                                 f"got {type(getattr(self, name)).__name__}")

    def with_changes(self, **changes: float) -> "Parameters":
        """Return a new validated :class:`Parameters` with dotted fields replaced.

        Parameters
        ----------
        **changes
            ``"stage.field": value`` pairs, e.g. ``**{"inhibition.presynaptic": 0.3}``.

        Raises
        ------
        ValueError
            Unknown names (with the closest valid names suggested) or invalid values.
        """
        specs = field_specs()
        grouped: dict[str, dict[str, Any]] = {}
        for name, value in changes.items():
            if name not in specs:
                raise ValueError(_unknown_message(name, list(specs)))
            stage, fname = name.split(".", 1)
            grouped.setdefault(stage, {})[fname] = value
        updated = {stage: getattr(self, stage).with_changes(**vals)
                   for stage, vals in grouped.items()}
        return dataclasses.replace(self, **updated)

    def get(self, name: str) -> float:
        """Return the value of a dotted field such as ``"pic.strength"``."""
        if name not in field_specs():
            raise ValueError(_unknown_message(name, list(field_specs())))
        stage, fname = name.split(".", 1)
        return getattr(getattr(self, stage), fname)

    def to_dict(self) -> dict[str, dict[str, float]]:
        """Return ``{stage: {field: value}}`` (JSON-serialisable)."""
        return {name: getattr(self, name).to_dict() for name in _STAGES}

    def flat(self) -> dict[str, float]:
        """Return ``{"stage.field": value}`` for every field."""
        return {f"{s}.{k}": v for s, vals in self.to_dict().items() for k, v in vals.items()}

    def differences(self, other: "Parameters") -> dict[str, tuple[float, float]]:
        """Return ``{name: (self_value, other_value)}`` for every field that differs."""
        a, b = self.flat(), other.flat()
        return {k: (a[k], b[k]) for k in a if a[k] != b[k]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, float]]) -> "Parameters":
        """Build from :meth:`to_dict` output: ``{stage: {field: value}}``, all optional.

        Unknown stages or fields, a stage that is not a mapping, or an invalid value are
        a ValueError naming the key (``parameters.pic``, ``pic.strength``).

        Fields removed from the model (:data:`REMOVED_FIELDS`) are accepted at the value
        they always had, so files written by earlier versions still load; any other
        value is refused with the reason the field went.
        """
        data = _schema.check(data, _PARAMETERS_SCHEMA, "parameters")
        flat = {}
        for stage, vals in data.items():
            for k, v in vals.items():
                name = f"{stage}.{k}"
                if name in REMOVED_FIELDS:
                    inert_value, why = REMOVED_FIELDS[name]
                    if v != inert_value:
                        raise ValueError(f"{name} = {_schema.show(v)} is no longer a model "
                                         f"parameter: {why}")
                    continue
                flat[name] = v
        return cls().with_changes(**flat)


_PARAMETERS_SCHEMA = _schema.Record(
    optional={stage: _schema.MapOf(what="a mapping {field name: value}, e.g. "
                                        f"{{{fields(cls)[0].name!r}: {fields(cls)[0].default!r}}}")
              for stage, cls in _STAGES.items()},
    what="a mapping {stage: {field name: value}}")
"""What :meth:`Parameters.from_dict` accepts (the field values are checked by the stages)."""


REMOVED_FIELDS: dict[str, tuple[float, str]] = {
    "limb.load_torque_Nm": (0.0, "the load on the foot is set by the protocol "
                                 "(FreeLimb.load_torque_Nm); this field never acted"),
}
"""Fields of earlier versions: ``name -> (the value at which they were inert, why removed)``."""


def field_specs() -> dict[str, FieldSpec]:
    """Return the metadata of every parameter, keyed by dotted name.

    Returns
    -------
    dict of str to FieldSpec
        Ordered by stage, then by field declaration order (a new dict each call; the
        metadata is collected once).
    """
    return dict(_collect_field_specs())


@functools.lru_cache(maxsize=None)
def _collect_field_specs() -> dict[str, FieldSpec]:
    out = {}
    for stage, cls in _STAGES.items():
        for f in fields(cls):
            m = f.metadata
            out[f"{stage}.{f.name}"] = FieldSpec(
                name=f"{stage}.{f.name}", stage=stage, field=f.name, default=f.default,
                unit=m["unit"], min=m["min"], max=m["max"], label=m["label"], help=m["help"],
                source=m["source"], integer=m["integer"], group=m["group"])
    return out


def slider_groups() -> dict[str, list[FieldSpec]]:
    """Return the teaching levers (fields declared with a ``group``), grouped.

    Returns
    -------
    dict of str to list of FieldSpec
        Keys in :data:`SLIDER_GROUPS` order (empty groups left out); fields in
        declaration order. The dashboard and the notebook explorers build their
        sliders from this, so a new lever appears there by declaring its group.
    """
    out: dict[str, list[FieldSpec]] = {}
    specs = [s for s in field_specs().values() if s.group is not None]
    for group in SLIDER_GROUPS:
        members = [s for s in specs if s.group == group]
        if members:
            out[group] = members
    return out
