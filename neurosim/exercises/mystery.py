"""The mystery lesion: a patient with a hidden damage profile, for notebook 08.

:func:`mystery_patient` returns a :class:`MysteryPatient` whose parameter changes
are hidden: its ``repr`` names only the variant and the seed. The student runs
the standard clinical tests on it — each returns an ordinary
:class:`~neurosim.result.SimulationResult`, to be read with
:mod:`neurosim.analysis`, :mod:`neurosim.experiments` and :mod:`neurosim.plotting`
— compares them with :func:`reference_patient` (healthy, same tests) and names the
mechanism. :func:`diagnose` (or the notebook's ``check("08.k", name)``) says whether
the name is right.

There are nine mechanisms, :data:`MECHANISMS` (the answer vocabulary):

==========================  ========================================================
name                        the damage profile (magnitudes jittered per seed)
==========================  ========================================================
``"inhibition"``            reciprocal, presynaptic and descending inhibition lost,
                            persistent inward currents large (spinal-injury-like)
``"spindle"``               spindle gain about tripled (hypersensitive spindles)
``"acetylcholine"``         acetylcholinesterase largely inhibited (ACh excess)
``"demyelination"``         every conduction velocity slowed by about a third
``"axon loss"``             most motor axons and Ia afferents lost
``"junction failure"``      too few ACh receptors (myasthenia-like safety-factor loss)
``"motor neuron disease"``  the ``als_like`` scenario: more than half the motor axons
                            lost, some survivors discharging by themselves
                            (fasciculations), less descending inhibition and more
                            spindle gain (brisk reflexes)
``"guillain-barre"``        the ``guillain_barre_like`` scenario: conduction slowed,
                            half the axons blocked between the stimulation sites,
                            half the Ia afferents lost
``"rigidity"``              the ``parkinsons_like`` scenario: a tonic descending drive
                            and spindles of low velocity sensitivity
==========================  ========================================================

The last three take their levers from the built-in scenarios (:data:`SCENARIO_OF`,
``neurosim list --notes`` for the sources), each lever pulled 0.85 to 1.15 times as
far from healthy as the scenario pulls it.

Which mechanism a variant number gets is chosen by a seeded generator: the
``seed`` shuffles the nine mechanisms over the variant numbers ``0 … 8`` and
jitters the magnitudes, so the same ``(variant, seed)`` is always the same
patient, the nine variants of one seed are nine different mechanisms, and a
variant number is not a code for a mechanism.

The hiding is a game rule, not security: every result carries its parameters
(the analysis functions need them), so ``result.parameters`` would give the game
away. Diagnose from the measurements.

A teaching toy, not a clinical model; not medical advice.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from .. import scenarios
from ..engine import simulate
from ..experiments import (clonus_protocol, conduction_protocol, spasm_test_protocol,
                           stretch_protocol, train_protocol)
from ..parameters import Parameters
from ..protocols import Noise, Protocol
from ..result import SimulationResult
from . import CheckResult, right, wrong

__all__ = ["MECHANISMS", "ALIASES", "N_VARIANTS", "SCENARIO_OF", "MysteryPatient",
           "mystery_patient", "reference_patient", "diagnose", "normalise_mechanism",
           "RECORDED_UNITS"]

MECHANISMS = ("inhibition", "spindle", "acetylcholine", "demyelination", "axon loss",
              "junction failure", "motor neuron disease", "guillain-barre", "rigidity")
"""The answer vocabulary: one name per hidden mechanism."""

N_VARIANTS = len(MECHANISMS)
"""Variant numbers run from 0 to ``N_VARIANTS - 1``."""

SCENARIO_OF = {"motor neuron disease": "als_like", "guillain-barre": "guillain_barre_like",
               "rigidity": "parkinsons_like"}
"""The mechanisms whose damage profile is a built-in scenario's (``neurosim list --notes``)."""

ALIASES = {
    "loss of inhibition": "inhibition", "disinhibition": "inhibition",
    "inhibition loss": "inhibition",
    "spindle hypersensitivity": "spindle", "spindles": "spindle",
    "hypersensitive spindles": "spindle",
    "ache inhibition": "acetylcholine", "acetylcholine excess": "acetylcholine",
    "ach excess": "acetylcholine", "ach": "acetylcholine",
    "demyelinating neuropathy": "demyelination",
    "axonal loss": "axon loss", "axonal neuropathy": "axon loss",
    "neuromuscular junction failure": "junction failure",
    "myasthenia": "junction failure", "myasthenia like": "junction failure",
    "als": "motor neuron disease", "als like": "motor neuron disease",
    "amyotrophic lateral sclerosis": "motor neuron disease",
    "motor neurone disease": "motor neuron disease",
    "guillain barre syndrome": "guillain-barre", "guillain barre like": "guillain-barre",
    "gbs": "guillain-barre", "acute demyelination": "guillain-barre",
    "acute inflammatory demyelinating polyneuropathy": "guillain-barre", "aidp": "guillain-barre",
    "parkinsons": "rigidity", "parkinson": "rigidity", "parkinsons like": "rigidity",
    "parkinsons disease": "rigidity", "parkinsonism": "rigidity",
    "parkinsonian rigidity": "rigidity", "lead pipe rigidity": "rigidity",
}
"""Other accepted spellings of the :data:`MECHANISMS` (after :func:`normalise_mechanism`)."""

RECORDED_UNITS = (0, 60, 119)
"""Units whose membrane and endplate are recorded in every test (smallest, middle, largest)."""

_STRETCH_AMPLITUDE_DEG = 15.0


_SCENARIO_JITTER = (0.85, 1.15)
"""Range of the factor on how far each lever of a scenario-based profile is pulled from its
healthy default (±15 %)."""

_NOT_JITTERED = frozenset({"nerve.ectopic_fraction"})
"""Scenario levers a patient keeps exactly. ``nerve.ectopic_fraction`` chooses *which* axons
are hyperexcitable (a fixed, evenly scattered subset, :func:`neurosim.nerve.scatter`), not how
ill the patient is: how many of them survive the axon loss jumps with it (``als_like``'s 0.3
keeps 7 of the 55 surviving axons at 120 units, 0.22 keeps none), so jittering it would take
the fasciculations away from some patients."""


def _profile(mechanism: str, rng: np.random.Generator) -> dict[str, float]:
    """Dotted parameter changes of one mechanism, magnitudes drawn from ``rng``."""
    u = rng.uniform
    if mechanism == "inhibition":
        return {"inhibition.reciprocal": u(0.1, 0.3), "inhibition.presynaptic": u(0.1, 0.3),
                "inhibition.descending": u(0.1, 0.3), "pic.strength": u(0.9, 1.2)}
    if mechanism == "spindle":
        return {"spindle.gain": u(2.6, 3.6), "spindle.fusimotor_bias_hz": u(0.0, 2.0)}
    if mechanism == "acetylcholine":
        return {"junction.ache_activity": u(0.04, 0.12)}
    if mechanism == "demyelination":
        return {"nerve.demyelination_slowing": u(0.3, 0.45)}
    if mechanism == "axon loss":
        return {"nerve.motor_axon_survival": u(0.3, 0.5),
                "nerve.afferent_survival": u(0.3, 0.6)}
    if mechanism == "junction failure":
        return {"junction.receptor_density": u(0.19, 0.245)}
    if mechanism in SCENARIO_OF:
        return _scenario_profile(SCENARIO_OF[mechanism], rng)
    raise AssertionError(f"no profile for {mechanism!r}")  # MECHANISMS and this agree


def _scenario_profile(name: str, rng: np.random.Generator) -> dict[str, float]:
    """A built-in scenario's parameter changes, each pulled ``_SCENARIO_JITTER`` times as far.

    The scenario (``neurosim.scenarios.get(name)``) stays the one place its levers and their
    sources live; the patient moves each lever from its healthy default by a factor drawn
    from ``rng``, in the scenario's order (the levers of :data:`_NOT_JITTERED` are kept).
    """
    healthy = Parameters()
    changes = {}
    for key, value in scenarios.get(name).changes.items():
        if key in _NOT_JITTERED:
            changes[key] = float(value)
            continue
        default = healthy.get(key)
        changes[key] = float(default + (value - default) * rng.uniform(*_SCENARIO_JITTER))
    return changes


def _key(name: str) -> str:
    """Lower case, accents, apostrophes, dashes, hyphens and underscores dropped."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.strip().lower().replace("'", "").replace("’", "")
    for dash in ("-", "_", "–", "—"):
        text = text.replace(dash, " ")
    return " ".join(text.split())


_CANONICAL = {_key(m): m for m in MECHANISMS} | {_key(k): v for k, v in ALIASES.items()}


def normalise_mechanism(name) -> str | None:
    """Map a student's answer onto :data:`MECHANISMS` (``None`` if it is not in the vocabulary).

    Case, surrounding spaces, accents, apostrophes, dashes, hyphens and underscores do not
    matter (``"Guillain–Barré"`` and ``"Parkinson's"`` are understood); the :data:`ALIASES`
    are accepted.

    Parameters
    ----------
    name : str

    Returns
    -------
    str or None

    Examples
    --------
    >>> from neurosim.exercises.mystery import normalise_mechanism
    >>> normalise_mechanism("Guillain–Barré-like"), normalise_mechanism("Parkinson's")
    ('guillain-barre', 'rigidity')
    """
    if not isinstance(name, str):
        return None
    return _CANONICAL.get(_key(name))


def _standard_test(build, duration_s: float, summary: str, reader: str):
    """A :class:`MysteryPatient` test method without arguments (one fixed protocol).

    Parameters
    ----------
    build : callable
        ``build() -> Protocol``, e.g. :func:`neurosim.experiments.clonus_protocol`.
    duration_s : float
        Run duration (s).
    summary, reader : str
        The method's one-line summary, and what to read its result with.

    Returns
    -------
    callable
        The method ``test(self) -> SimulationResult``, with its docstring.
    """
    def test(self) -> SimulationResult:
        return self._run(build(), duration_s)
    test.__doc__ = (f"{summary}\n\n        Read it with {reader}.\n\n        Returns\n"
                    "        -------\n        SimulationResult\n        ")
    return test


class MysteryPatient:
    """A patient with a hidden damage profile and the standard clinical tests.

    Build one with :func:`mystery_patient` (hidden) or :func:`reference_patient`
    (healthy). Every test returns a :class:`~neurosim.result.SimulationResult`
    with the label ``"mystery patient"`` (or ``"reference (healthy)"``); runs are
    deterministic (the noise seed comes from the patient's seed).

    Attributes
    ----------
    variant : int or None
        Variant number (``None`` for the healthy reference).
    seed : int
        Seed of the patient (profile and noise).
    """

    __slots__ = ("variant", "seed", "_mechanism", "_changes", "_parameters", "_label",
                 "_noise_seed")

    def __init__(self, variant, seed, mechanism, changes, label, noise_seed):
        self.variant = variant
        self.seed = seed
        self._mechanism = mechanism
        self._changes = dict(changes)
        self._parameters = Parameters().with_changes(**self._changes)
        self._label = label
        self._noise_seed = noise_seed

    def __repr__(self) -> str:
        if self.variant is None:
            return "MysteryPatient(reference: healthy)"
        return (f"MysteryPatient(variant={self.variant}, seed={self.seed}; hidden damage "
                f"profile — run its tests to find out)")

    def _run(self, protocol: Protocol, duration_s: float) -> SimulationResult:
        return simulate(self._parameters, protocol, duration_s, seed=self._noise_seed,
                        record_units=list(RECORDED_UNITS), label=self._label)

    # ------------------------------------------------------------------ tests
    def stretch_test(self, velocity_deg_s: float = 100.0) -> SimulationResult:
        """Passive stretch: the examiner dorsiflexes the relaxed foot by 15° at ``velocity_deg_s``.

        Read it with :func:`neurosim.analysis.stretch_reflex`.

        Parameters
        ----------
        velocity_deg_s : float
            Stretch velocity (deg/s), as allowed by
            :class:`~neurosim.protocols.ImposedStretch`.

        Returns
        -------
        SimulationResult
        """
        protocol = stretch_protocol(float(velocity_deg_s), amplitude_deg=_STRETCH_AMPLITUDE_DEG)
        duration = 0.5 + 2 * _STRETCH_AMPLITUDE_DEG / float(velocity_deg_s) + 1.5
        return self._run(protocol, duration)

    spasm_test = _standard_test(
        spasm_test_protocol, 8.0,
        "A brief (150 ms) sensory volley at 1 s to the relaxed muscle, 8 s in all.",
        ":func:`neurosim.analysis.spasm_episodes` or :func:`neurosim.analysis.summary_row`")

    def emg_at_rest(self, duration_s: float = 4.0) -> SimulationResult:
        """The relaxed muscle with nothing but synaptic noise: spontaneous activity.

        Parameters
        ----------
        duration_s : float
            Recording time (s), in (0, 60].

        Returns
        -------
        SimulationResult
            Read it with :func:`neurosim.analysis.fasciculation_rate_hz`, the EMG and the
            spikes (motor-neuron firing) versus activations (muscle-fibre action
            potentials).

        Raises
        ------
        ValueError
            If ``duration_s`` is outside (0, 60] s.
        """
        # the same rule as neurosim.engine's duration check (a private helper there,
        # with the engine's own limit): no public validator to reuse
        if not (0 < duration_s <= 60):
            raise ValueError(f"duration_s = {duration_s!r} s is out of range: allowed (0, 60] s")
        return self._run(Protocol(Noise()), float(duration_s))

    nerve_conduction_study = _standard_test(
        conduction_protocol, 13.2,
        "Supramaximal distal and proximal shocks, then an H/M ladder (13.2 s).",
        ":func:`neurosim.experiments.conduction_report`")

    def repetitive_stimulation(self, rate_hz: float = 3.0, n_shocks: int = 10
                               ) -> SimulationResult:
        """A train of ``n_shocks`` supramaximal nerve shocks at ``rate_hz``.

        Parameters
        ----------
        rate_hz : float
            Shock rate (Hz), in (0, 200].
        n_shocks : int
            Number of shocks, in [1, 300].

        Returns
        -------
        SimulationResult
            Read it with :func:`neurosim.analysis.cmap_amplitudes`,
            :func:`~neurosim.analysis.decrement_percent` and
            :func:`~neurosim.analysis.fibre_aps_per_impulse`.

        Raises
        ------
        ValueError
            For a rate or a number of shocks out of range.
        """
        if not (1 <= n_shocks <= 300):
            raise ValueError(f"n_shocks = {n_shocks!r} is out of range: allowed [1, 300]")
        protocol = train_protocol(float(rate_hz), int(n_shocks))
        return self._run(protocol, 0.1 + int(n_shocks) / float(rate_hz) + 0.4)

    def needle(self, effort: float = 0.0):
        """The needle EMG exam: at rest (``effort`` 0, 10 s) or on a steady voluntary effort.

        Parameters
        ----------
        effort : float
            Voluntary effort (fraction of maximal drive), as
            :func:`neurosim.needle.exam_protocol` allows.

        Returns
        -------
        neurosim.needle.NeedleRecording
            Look at it with :func:`neurosim.plotting.plot_needle_emg`, listen with
            :func:`neurosim.sound.needle_audio`, read it with
            :func:`neurosim.needle_analysis.spontaneous_activity` (rest) or
            :func:`~neurosim.needle_analysis.recruitment` (effort).
        """
        from ..needle import EFFORT_DURATION_S, REST_DURATION_S, exam_protocol, record
        duration_s = REST_DURATION_S if effort == 0 else EFFORT_DURATION_S
        return record(self._run(exam_protocol(effort, duration_s), duration_s))

    clonus_test = _standard_test(
        clonus_protocol, 7.0,
        "A steady dorsiflexing load on the free foot and one brisk push at 1 s (7 s).",
        ":func:`neurosim.analysis.clonus`")


def _mechanism_of(variant: int, seed: int) -> tuple[str, np.random.Generator]:
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 8]))
    order = rng.permutation(N_VARIANTS)
    return MECHANISMS[int(order[variant])], rng


def _check_variant(variant) -> int:
    if isinstance(variant, bool) or not isinstance(variant, (int, np.integer)) or not (
            0 <= variant < N_VARIANTS):
        raise ValueError(f"variant = {variant!r} is unknown: allowed 0 to {N_VARIANTS - 1} "
                         f"(whole numbers)")
    return int(variant)


def mystery_patient(variant: int, seed: int = 0) -> MysteryPatient:
    """A patient with a hidden damage profile.

    Parameters
    ----------
    variant : int
        Which of the seed's patients, ``0`` to ``N_VARIANTS - 1`` (8).
    seed : int
        Seed (≥ 0) of the :class:`numpy.random.Generator` that shuffles the mechanisms
        over the variant numbers and jitters the magnitudes.

    Returns
    -------
    MysteryPatient

    Raises
    ------
    ValueError
        For an unknown variant (the message names the allowed range) or a negative or
        non-integer seed.

    Examples
    --------
    >>> from neurosim.exercises.mystery import mystery_patient
    >>> patient = mystery_patient(2, seed=0)
    >>> patient
    MysteryPatient(variant=2, seed=0; hidden damage profile — run its tests to find out)
    """
    variant = _check_variant(variant)
    # the engine's seed rule (neurosim.engine._resolve_seed, private, which also accepts
    # None); no public validator to reuse
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number ≥ 0")
    mechanism, rng = _mechanism_of(variant, int(seed))
    # draw every profile in a fixed order so one patient's magnitudes do not depend
    # on which variant was asked for
    profiles = {m: _profile(m, rng) for m in MECHANISMS}
    noise_seed = int(rng.integers(0, 2**31 - 1))
    return MysteryPatient(variant, int(seed), mechanism, profiles[mechanism],
                          "mystery patient", noise_seed)


def reference_patient(seed: int = 0) -> MysteryPatient:
    """A healthy patient with the same tests, for comparison (nothing hidden).

    Parameters
    ----------
    seed : int
        Noise seed of its runs.

    Returns
    -------
    MysteryPatient
    """
    return MysteryPatient(None, int(seed), None, {}, "reference (healthy)", int(seed))


def diagnose(patient: MysteryPatient, mechanism) -> CheckResult:
    """Say whether ``mechanism`` names the patient's hidden damage.

    Parameters
    ----------
    patient : MysteryPatient
        From :func:`mystery_patient`.
    mechanism : str
        One of :data:`MECHANISMS` (or an :data:`ALIASES` spelling).

    Returns
    -------
    CheckResult
        ✅ with the hidden profile's mechanism explained, or ❌ with a hint; an answer
        outside the vocabulary is a ❌ listing the vocabulary.

    Raises
    ------
    ValueError
        If ``patient`` is not a mystery patient (e.g. the healthy reference).
    """
    if not isinstance(patient, MysteryPatient) or patient.variant is None:
        raise ValueError("diagnose needs a patient from mystery_patient(variant, seed)")
    name = normalise_mechanism(mechanism)
    if name is None:
        verdict = wrong(f"{mechanism!r} is not in the answer vocabulary: "
                        f"{', '.join(repr(m) for m in MECHANISMS)}.")
    elif name == patient._mechanism:
        verdict = right(_EXPLANATIONS[name])
    else:
        verdict = wrong(_HINTS[name])
    return CheckResult(verdict.correct, verdict.message,
                       f"mystery_patient({patient.variant}, seed={patient.seed})")


_EXPLANATIONS = {
    "inhibition": "Inhibition was lost and persistent inward currents were large: a brief "
                  "volley set off a spasm lasting seconds, while the nerve and junction tests "
                  "were normal.",
    "spindle": "The spindles were hypersensitive: the stretch reflex was large and grew with "
               "stretch velocity, while the spasm test, nerve conduction and junction were "
               "normal (the H-reflex bypasses the spindle).",
    "acetylcholine": "Acetylcholinesterase was inhibited: acetylcholine lingered, one nerve "
                     "impulse gave more than one fibre action potential, and the terminals "
                     "fired by themselves at rest (fasciculations).",
    "demyelination": "The nerve was demyelinated: conduction velocity fell and latencies grew, "
                     "while the M-wave amplitude stayed near normal (the axons are there) and "
                     "the proximal M-wave stayed about as large as the distal one.",
    "axon loss": "Axons were lost: the M-wave amplitude fell while conduction velocity stayed "
                 "near normal (the surviving axons conduct normally), and the reflexes shrank "
                 "with the lost afferents.",
    "junction failure": "Too few acetylcholine receptors: the safety factor was low, so the "
                        "CMAP decremented during 3 Hz repetitive stimulation; nerve and cord "
                        "were normal.",
    "motor neuron disease": "Upper and lower motor neurons were lost (ALS-like): the M-wave "
                            "was small, as with axon loss, yet the stretch reflex stayed "
                            "brisk in the weakened muscle, and surviving axons discharged by "
                            "themselves at rest (fasciculations) while the cord was silent.",
    "guillain-barre": "An acute demyelinating neuropathy (Guillain-Barré-like): conduction "
                      "was slow, the proximal M-wave much smaller than the distal one "
                      "(conduction block between the two sites), and the reflexes were "
                      "almost gone.",
    "rigidity": "Parkinson's-like rigidity: a steady descending drive kept the relaxed "
                "muscle firing, and the reflex torque was already large at 10 °/s and hardly "
                "grew at 100 °/s (velocity-independent, unlike spasticity); no spasm followed "
                "the volley.",
}

_HINTS = {
    "inhibition": "Not inhibition: did the spasm test really show a spasm lasting seconds? A "
                  "cord that fires all the time is not a spasm. Compare every test with "
                  "reference_patient().",
    "spindle": "Not the spindles: a large stretch reflex can also come from other damage. "
               "Does it grow with stretch velocity, and which other tests differ from the "
               "reference?",
    "acetylcholine": "Not acetylcholine excess: count fibre APs per nerve impulse in a "
                     "repetitive-stimulation run; fasciculations at rest can also start in "
                     "the axons.",
    "demyelination": "Not demyelination: compare the conduction velocity and the M-wave "
                     "amplitude with the reference — which of the two changed? And is the "
                     "proximal M-wave as large as the distal one?",
    "axon loss": "Not axon loss: compare the conduction velocity and the M-wave amplitude "
                 "with the reference — which of the two changed? And do the reflexes and the "
                 "EMG at rest fit lost axons alone?",
    "junction failure": "Not junction failure: look at the decrement of the CMAP over a 3 Hz "
                        "train, and at fibre APs per impulse.",
    "motor neuron disease": "Not motor neuron disease: a small M-wave alone is axon loss; "
                            "the ALS-like patient adds a brisk stretch reflex in a muscle "
                            "that has lost units, and fasciculations at rest.",
    "guillain-barre": "Not Guillain-Barré-like: besides the conduction velocity, compare the "
                      "proximal with the distal M-wave amplitude (a block between the sites) "
                      "and look at the reflexes.",
    "rigidity": "Not rigidity: compare the reflex torque at 10 and at 100 °/s. Rigidity is "
                "large already at the slow stretch and hardly grows with speed.",
}
