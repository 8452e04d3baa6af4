"""Answer checks for the notebook exercises.

Each notebook's exercises live in a module of this package (``nb03`` holds
``"03.1"``, ``"03.2"`` …). A notebook's check cell calls::

    from neurosim.exercises import check
    check("03.1", answer)

and shows a :class:`CheckResult`: ✅ with a short explanation when the answer is right,
❌ with a hint when it is not. Checks compute the right answer with the package itself
(never a stored number), so they stay correct when the model changes.

Writing a check::

    from neurosim.exercises import exercise, CheckResult

    @exercise("03.1", "Which pathway ...?")
    def _(answer) -> CheckResult:
        ...
"""

from __future__ import annotations

import html
import importlib
from dataclasses import dataclass
from typing import Callable

__all__ = ["CheckResult", "check", "exercise", "exercise_ids", "right", "wrong", "RIGHT_MARK",
           "WRONG_MARK"]

RIGHT_MARK = "✅"
WRONG_MARK = "❌"

_REGISTRY: dict[str, tuple[str, Callable]] = {}


@dataclass(frozen=True)
class CheckResult:
    """Outcome of an answer check; displays itself in a notebook.

    Attributes
    ----------
    correct : bool
    message : str
        Why it is right, or a hint towards the right answer.
    exercise_id : str
    """

    correct: bool
    message: str
    exercise_id: str = ""

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        mark, verdict = (RIGHT_MARK, "Correct") if self.correct else (WRONG_MARK, "Not yet")
        return f"{mark} Exercise {self.exercise_id}: {verdict}. {self.message}"

    def _repr_html_(self) -> str:
        colour = "#009E73" if self.correct else "#D55E00"
        return (f'<div style="border-left: 6px solid {colour}; padding: 4px 10px;">'
                f"{html.escape(repr(self))}</div>")


def right(message: str) -> CheckResult:
    """A passing check with an explanation."""
    return CheckResult(True, message)


def wrong(message: str) -> CheckResult:
    """A failing check with a hint."""
    return CheckResult(False, message)


def exercise(exercise_id: str, question: str):
    """Register the check function of one exercise (decorator).

    Parameters
    ----------
    exercise_id : str
        ``"NN.k"``: notebook number and exercise number.
    question : str
        The question, one line (shown when the answer is missing).
    """
    def register(function: Callable) -> Callable:
        if exercise_id in _REGISTRY:
            raise ValueError(f"exercise {exercise_id!r} is registered twice")
        _REGISTRY[exercise_id] = (question, function)
        return function
    return register


def _load(exercise_id: str) -> None:
    notebook = exercise_id.split(".", 1)[0]
    if not notebook.isdigit():
        raise ValueError(f"exercise id {exercise_id!r} must look like '03.1'")
    try:
        importlib.import_module(f"{__name__}.nb{notebook}")
    except ModuleNotFoundError:
        pass


def exercise_ids(notebook: str | None = None) -> list[str]:
    """Registered exercise ids (of one notebook, e.g. ``"03"``, or of all)."""
    if notebook is not None:
        _load(f"{notebook}.0")
    return sorted(i for i in _REGISTRY if notebook is None or i.split(".")[0] == notebook)


def check(exercise_id: str, answer) -> CheckResult:
    """Check a student's answer to an exercise.

    Parameters
    ----------
    exercise_id : str
        E.g. ``"03.1"``.
    answer
        Whatever the exercise asks for (a number, a name, a dict of parameter changes …);
        ``None`` or ``...`` means "not answered yet".

    Returns
    -------
    CheckResult
        Never raises for a wrong or malformed answer: that is a ❌ with a hint.

    Raises
    ------
    ValueError
        For an unknown exercise id.
    """
    _load(exercise_id)
    if exercise_id not in _REGISTRY:
        raise ValueError(f"unknown exercise {exercise_id!r}; known: {exercise_ids()}")
    question, function = _REGISTRY[exercise_id]
    if answer is None or answer is Ellipsis:
        result = wrong(f"No answer yet. {question}")
    else:
        try:
            result = function(answer)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            result = wrong(f"That answer could not be checked ({exc}). {question}")
    return CheckResult(result.correct, result.message, exercise_id)
