"""Answer checks of notebook 08 (the mystery lesion).

Each exercise names one hidden patient, ``mystery_patient(variant, seed)``; the
check compares the student's mechanism name with that patient's hidden profile
through :func:`neurosim.exercises.mystery.diagnose` (vocabulary:
:data:`~neurosim.exercises.mystery.MECHANISMS`).
"""

from __future__ import annotations

from . import CheckResult, exercise
from .mystery import MECHANISMS, diagnose, mystery_patient

__all__ = ["PATIENTS", "PRACTICE"]

PATIENTS = {"08.1": (5, 11), "08.2": (7, 11), "08.3": (2, 11), "08.4": (0, 11),
            "08.5": (1, 11)}
"""Exercise id → ``(variant, seed)`` of the patient the notebook hands out."""

PRACTICE = (0, 7)
"""``(variant, seed)`` of the worked case, the one patient whose diagnosis the notebook shows."""

_VOCABULARY = ", ".join(repr(m) for m in MECHANISMS)


def _register(exercise_id: str) -> None:
    variant, seed = PATIENTS[exercise_id]

    @exercise(exercise_id, f"Which mechanism explains mystery_patient({variant}, seed={seed})? "
                           f"Answer with one of {_VOCABULARY}.")
    def _(answer) -> CheckResult:
        return diagnose(mystery_patient(variant, seed), answer)


for _id in PATIENTS:
    _register(_id)
