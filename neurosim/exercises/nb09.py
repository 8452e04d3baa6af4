"""Answer checks for ``notebooks/09_emg_lab.ipynb``.

``09.1``
    Four patients at rest (:func:`mystery_recordings`): which shows fibrillation potentials,
    which fasciculation potentials, which a cramp discharge, and which is silent?
``09.2``
    The recruitment ratio (highest firing rate ÷ units firing, Daube) of the
    ``nerve_injury_recovery`` patient at 30 % effort.
``09.3``
    In the ALS-like course, the share of motor units still alive (%) when the muscle's
    force capacity first falls below 90 % of healthy.

Every check computes the right answer with the package at check time.
A teaching toy, not a clinical model.
"""

from __future__ import annotations

import numpy as np

from .. import disease_course, needle_analysis
from ..needle import NeedleParameters, NeedleRecording, needle_exam
from . import CheckResult, exercise, right, wrong
from ._common import graded, number

__all__ = ["MYSTERY_LABELS", "REST_WORDS", "mystery_recordings", "rest_word",
           "EFFORT", "NEEDLE_SITE", "recruitment_ratio", "COMPENSATED_FORCE", "units_left_when_force_fails"]

MYSTERY_LABELS = ("A", "B", "C", "D")

_MYSTERY_SCENARIOS = {"A": "dehydration_cramp", "B": "nerve_injury_recovery",
                      "C": "healthy", "D": "als_like"}

REST_WORDS = ("silent", "fibrillations", "fasciculations", "cramp discharge")
"""The four answers of exercise 09.1."""

EFFORT = 0.3
"""Voluntary effort of exercise 09.2 (fraction of maximal drive)."""

NEEDLE_SITE = 1
"""Where the needle of section 3 goes in (``NeedleParameters.needle_site``): a site with a
reinnervated unit close to the tip six months after the nerve injury, as an examiner moves
the needle until one is."""

COMPENSATED_FORCE = 0.9
"""Exercise 09.3: the force capacity (fraction of healthy) below which weakness shows."""


def mystery_recordings(seed: int = 0) -> dict[str, NeedleRecording]:
    """Four needle recordings at rest, ``"A"`` to ``"D"``, one patient each.

    One is healthy, one was denervated weeks ago, one has motor neuron disease, one is
    cramping. Look at them (:func:`neurosim.plotting.plot_needle_emg`) and listen
    (:func:`neurosim.sound.needle_audio`), then name what each shows. The patients are in
    plain view in this module; diagnose from the recordings, then peek if you like.

    Parameters
    ----------
    seed : int
        Noise and needle-position seed of every recording.

    Returns
    -------
    dict of str to NeedleRecording
    """
    return {label: needle_exam(name, seed=seed) for label, name in _MYSTERY_SCENARIOS.items()}


def rest_word(recording: NeedleRecording) -> str:
    """The one word of :data:`REST_WORDS` that names a rest recording's main finding.

    Read from the recording (:func:`neurosim.needle_analysis.spontaneous_activity`): a
    cramp discharge outranks the rest, then fibrillations (with or without positive sharp
    waves), then fasciculations; nothing is silence.
    """
    activity = needle_analysis.spontaneous_activity(recording)
    if activity.cramp_units:
        return "cramp discharge"
    if activity.fibrillations or activity.positive_sharp_waves:
        return "fibrillations"
    if activity.fasciculations:
        return "fasciculations"
    return "silent"


def recruitment_ratio(scenario: str = "nerve_injury_recovery", *, seed: int = 0) -> float:
    """Recruitment ratio of ``scenario`` at :data:`EFFORT`, needle at :data:`NEEDLE_SITE`
    (Hz per unit firing)."""
    recording = needle_exam(scenario, effort=EFFORT, seed=seed,
                            needle=NeedleParameters(needle_site=NEEDLE_SITE))
    return float(needle_analysis.recruitment(recording).recruitment_ratio)


def units_left_when_force_fails(course: str = "als_like") -> float:
    """Surviving motor units (% of the original) when the force capacity of ``course``
    first falls below :data:`COMPENSATED_FORCE` of healthy (NaN if it never does)."""
    spec = disease_course.get_course(course)
    months = np.linspace(0.0, spec.max_months, int(spec.max_months * 10) + 1)
    history = disease_course.course_history(course, months)
    failing = np.flatnonzero(np.asarray(history.innervated_fraction) < COMPENSATED_FORCE)
    if failing.size == 0:
        return float("nan")
    return float(100.0 * np.asarray(history.surviving_units)[failing[0]])


def _word(answer) -> str | None:
    if not isinstance(answer, str):
        return None
    w = answer.strip().lower()
    if "fibril" in w or "sharp" in w or "psw" in w:
        return "fibrillations"
    if "fascic" in w:
        return "fasciculations"
    if "cramp" in w:
        return "cramp discharge"
    if "silen" in w or "normal" in w or "nothing" in w or "healthy" in w:
        return "silent"
    return None


@exercise("09.1", "Which of the four rest recordings A–D shows fibrillations, which "
                  "fasciculations, which a cramp discharge, and which is silent?")
def _rest(answer) -> CheckResult:
    if not isinstance(answer, dict) or set(answer) != set(MYSTERY_LABELS):
        return wrong('Answer with a dict naming all four recordings, e.g. {"A": "silent", '
                     '"B": "fibrillations", "C": ..., "D": ...}.')
    truth = {label: rest_word(r) for label, r in mystery_recordings().items()}
    given = {label: _word(w) for label, w in answer.items()}
    if any(g is None for g in given.values()):
        return wrong("Use the words silent, fibrillations, fasciculations and cramp "
                     "discharge.")
    misses = sorted(k for k in MYSTERY_LABELS if given[k] != truth[k])
    if not misses:
        return right("Fibrillations are brief, small (tens of µV) and metronome-regular — "
                     "single denervated fibres; fasciculations are whole motor-unit "
                     "potentials, big and irregular, rare; a cramp discharge is units firing "
                     "fast and steadily for as long as the cramp lasts; a healthy muscle at "
                     "rest is silent.")
    return wrong(f"Not yet for {', '.join(misses)}. Compare size (a fibre or a whole unit?), "
                 "rhythm (regular or irregular?) and how often they come; "
                 "needle_analysis.spontaneous_activity(recording) counts them for you.")


@exercise("09.2", "Recruitment ratio (highest firing rate ÷ number of units firing) of the "
                  "nerve_injury_recovery patient at 30 % effort?")
def _ratio(answer) -> CheckResult:
    value = number(answer)
    truth = recruitment_ratio()
    return graded(
        value, truth, 0.1 * truth,
        explanation=f"{truth:.1f} Hz per unit, above the normal 5: a healthy muscle recruits "
                    "a new unit long before the first fires fast; after axon loss the few "
                    "units left carry the effort alone and fire faster before another joins "
                    "— reduced recruitment (Daube; his neuropathic ratios above 10 come from "
                    "muscles whose units fire faster than this soleus-like model's, at most "
                    "about 12 Hz).",
        hint="rec = needle_exam('nerve_injury_recovery', effort=0.3, seed=0, "
             "needle=NeedleParameters(needle_site=1)), then "
             "needle_analysis.recruitment(rec): divide its max_rate_hz by the number of "
             "units_firing.")


@exercise("09.3", "ALS-like course: what share of the motor units (%) is still alive when the "
                  "force capacity first falls below 90 % of healthy?")
def _units_left(answer) -> CheckResult:
    value = number(answer)
    truth = units_left_when_force_fails()
    return graded(
        value, truth, 5.0,
        explanation=f"About {truth:.0f} %: until then the survivors adopt the orphaned fibres "
                    "and the muscle is nearly as strong as before — strength looks normal "
                    "while half the motor neurons are already gone. Only when the survivors "
                    "cannot grow further (here twice their size) does weakness appear.",
        hint="history = disease_course.course_history('als_like', months) for a fine grid of "
             "months; find the first month where history.innervated_fraction < 0.9 and read "
             "history.surviving_units there (a fraction: × 100 for %).")
