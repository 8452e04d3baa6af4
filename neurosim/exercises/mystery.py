"""The mystery lesion: a patient with a hidden damage profile, for notebook 08.

:func:`mystery_patient` returns a :class:`MysteryPatient` whose parameter changes
are hidden: its ``repr`` names only the variant and the seed. The student runs
the standard clinical tests on it — each returns an ordinary
:class:`~neurosim.result.SimulationResult`, to be read with
:mod:`neurosim.analysis`, :mod:`neurosim.experiments` and :mod:`neurosim.plotting`
— compares them with :func:`reference_patient` (healthy, same tests) and names the
mechanism. :func:`diagnose` (or the notebook's ``check("08.k", name)``) says whether
the name is right.

There are six mechanisms, :data:`MECHANISMS` (the answer vocabulary):

========================  ==========================================================
name                      the damage profile (magnitudes jittered per seed)
========================  ==========================================================
``"inhibition"``          reciprocal, presynaptic and descending inhibition lost,
                          persistent inward currents large (spinal-injury-like)
``"spindle"``             spindle gain about tripled (hypersensitive spindles)
``"acetylcholine"``       acetylcholinesterase largely inhibited (ACh excess)
``"demyelination"``       every conduction velocity slowed by about a third
``"axon loss"``           most motor axons and Ia afferents lost
``"junction failure"``    too few ACh receptors (myasthenia-like safety-factor loss)
========================  ==========================================================

Which mechanism a variant number gets is chosen by a seeded generator: the
``seed`` shuffles the six mechanisms over the variant numbers ``0 … 5`` and
jitters the magnitudes, so the same ``(variant, seed)`` is always the same
patient, the six variants of one seed are six different mechanisms, and a
variant number is not a code for a mechanism.

The hiding is a game rule, not security: every result carries its parameters
(the analysis functions need them), so ``result.parameters`` would give the game
away. Diagnose from the measurements.

A teaching toy, not a clinical model; not medical advice.
"""

from __future__ import annotations

import numpy as np

from ..engine import simulate
from ..experiments import (clonus_protocol, conduction_protocol, spasm_test_protocol,
                           stretch_protocol, train_protocol)
from ..parameters import Parameters
from ..protocols import Noise, Protocol
from ..result import SimulationResult
from . import CheckResult, right, wrong

__all__ = ["MECHANISMS", "ALIASES", "N_VARIANTS", "MysteryPatient", "mystery_patient",
           "reference_patient", "diagnose", "normalise_mechanism", "RECORDED_UNITS"]

MECHANISMS = ("inhibition", "spindle", "acetylcholine", "demyelination", "axon loss",
              "junction failure")
"""The answer vocabulary: one name per hidden mechanism."""

N_VARIANTS = len(MECHANISMS)
"""Variant numbers run from 0 to ``N_VARIANTS - 1``."""

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
}
"""Other accepted spellings of the :data:`MECHANISMS` (after :func:`normalise_mechanism`)."""

RECORDED_UNITS = (0, 60, 119)
"""Units whose membrane and endplate are recorded in every test (smallest, middle, largest)."""

_STRETCH_AMPLITUDE_DEG = 15.0


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
    raise AssertionError(f"no profile for {mechanism!r}")  # MECHANISMS and this agree


def normalise_mechanism(name) -> str | None:
    """Map a student's answer onto :data:`MECHANISMS` (``None`` if it is not in the vocabulary).

    Case, surrounding spaces, hyphens and underscores do not matter; the
    :data:`ALIASES` are accepted.

    Parameters
    ----------
    name : str

    Returns
    -------
    str or None
    """
    if not isinstance(name, str):
        return None
    key = " ".join(name.strip().lower().replace("-", " ").replace("_", " ").split())
    key = ALIASES.get(key, key)
    return key if key in MECHANISMS else None


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
        Which of the seed's patients, ``0`` to ``N_VARIANTS - 1`` (5).
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
                     "while the M-wave amplitude stayed near normal (the axons are there).",
    "axon loss": "Axons were lost: the M-wave amplitude fell while conduction velocity stayed "
                 "near normal (the surviving axons conduct normally).",
    "junction failure": "Too few acetylcholine receptors: the safety factor was low, so the "
                        "CMAP decremented during 3 Hz repetitive stimulation; nerve and cord "
                        "were normal.",
}

_HINTS = {
    "inhibition": "Not inhibition: did the spasm test really outlast the healthy reference "
                  "by seconds? Compare every test with reference_patient().",
    "spindle": "Not the spindles: a large stretch reflex can also come from other damage. "
               "Which other tests differ from the reference?",
    "acetylcholine": "Not acetylcholine excess: count fibre APs per nerve impulse in a "
                     "repetitive-stimulation run, and fasciculations at rest.",
    "demyelination": "Not demyelination: compare the conduction velocity and the M-wave "
                     "amplitude with the reference — which of the two changed?",
    "axon loss": "Not axon loss: compare the conduction velocity and the M-wave amplitude "
                 "with the reference — which of the two changed?",
    "junction failure": "Not junction failure: look at the decrement of the CMAP over a 3 Hz "
                        "train, and at fibre APs per impulse.",
}
