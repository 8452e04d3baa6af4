"""Helpers shared by the answer checks of the notebook modules (``nb00`` … ``nb08``).

One place for what every check module needs: reading a numeric answer
(:func:`number`), grading it against the model's value with a tolerance and
hints for the usual mistakes (:func:`graded`, :func:`graded_ratio`), and the
"smallest / highest grid value at which something holds" search check
(:func:`grid_threshold`).
"""

from __future__ import annotations

import math
from typing import Callable

from . import CheckResult, right, wrong

__all__ = ["number", "graded", "graded_ratio", "looks_inverted", "grid_threshold"]


def number(answer) -> float:
    """Read a student's answer as a finite number.

    Parameters
    ----------
    answer
        Anything :class:`float` accepts (a number, a numeric string, a NumPy scalar).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        For ``True`` / ``False`` (a bool is not a number answer).
    ValueError
        For something that is not a number, or for NaN and infinities.
    """
    if isinstance(answer, bool):
        raise TypeError("give a number, not True/False")
    value = float(answer)
    if not math.isfinite(value):
        raise ValueError("give a finite number")
    return value


def looks_inverted(value: float, ratio: float, rel_tol: float) -> bool:
    """Whether ``value`` is ``1 / ratio`` within ``rel_tol`` (the ratio taken upside down).

    Parameters
    ----------
    value : float
        The student's ratio.
    ratio : float
        The model's ratio.
    rel_tol : float
        Accepted relative error of ``1 / value`` against ``ratio``.

    Returns
    -------
    bool
        False for a value ≤ 0.
    """
    return value > 0 and abs(1.0 / value - ratio) <= rel_tol * ratio


def graded(value: float, truth: float, tolerance: float, *, explanation: str, hint: str,
           mistakes=()) -> CheckResult:
    """Grade a numeric answer against the model's value.

    Parameters
    ----------
    value : float
        The student's answer (see :func:`number`).
    truth : float
        The value the model gives.
    tolerance : float
        Accepted absolute error: ``|value - truth| <= tolerance`` is right.
    explanation : str
        Why it is right (shown with ✅).
    hint : str
        Shown with ❌ when no known mistake matches.
    mistakes : sequence of (bool, str)
        Known mistakes, in order: ``(matched, hint)``; the first matched one gives
        its own hint instead of ``hint``.

    Returns
    -------
    CheckResult
    """
    if abs(value - truth) <= tolerance:
        return right(explanation)
    for matched, message in mistakes:
        if matched:
            return wrong(message)
    return wrong(hint)


def graded_ratio(value: float, ratio: float, rel_tol: float, *, explanation: str,
                 inverted: str, hint: str) -> CheckResult:
    """Grade a ratio answer: right within ``rel_tol``, with a hint for the ratio upside down.

    :func:`graded` with the relative tolerance ``rel_tol * ratio`` and one known
    mistake, the ratio inverted (:func:`looks_inverted`).

    Parameters
    ----------
    value, ratio, rel_tol : float
        The student's ratio, the model's, and the accepted relative error.
    explanation, inverted, hint : str
        Why it is right; the hint for ``1 / ratio``; the hint for any other wrong answer.

    Returns
    -------
    CheckResult
    """
    return graded(value, ratio, rel_tol * ratio, explanation=explanation, hint=hint,
                  mistakes=[(looks_inverted(value, ratio, rel_tol), inverted)])


def grid_threshold(value: float, *, field: str, low: float, high: float, step: float,
                   toward: int, measure: Callable[[float], object],
                   holds: Callable[[object], bool] = bool, holds_text: str, not_here: str,
                   explanation: str, low_open: bool = False,
                   range_text: str | None = None) -> CheckResult:
    """Check "the smallest (or highest) grid value of ``field`` at which a property holds".

    The answer is right when the property holds at the answer (rounded to the grid)
    and not one grid step away (below for the smallest, above for the highest value),
    as far as that step stays in the allowed range.

    Parameters
    ----------
    value : float
        The student's answer (see :func:`number`).
    field : str
        Dotted parameter name, for the messages.
    low, high : float
        Allowed range of answers (``high`` included; ``low`` included unless
        ``low_open``).
    step : float
        Grid resolution; the answer is rounded to a multiple of it.
    toward : {-1, +1}
        ``-1`` asks for the smallest value (the step below must fail), ``+1`` for the
        highest (the step above must fail).
    measure : callable
        ``measure(value) -> measurement``: runs the model at one grid value.
    holds : callable
        ``holds(measurement) -> bool``: whether the property holds (default ``bool``).
    holds_text : str
        The property as a verb phrase ("gives a spasm"), for the hint when it also holds
        one step further.
    not_here : str
        Hint when the property fails at the answer; a :meth:`str.format` template with
        the fields ``value`` (the answer on the grid) and ``measured``.
    explanation : str
        Why the answer is right; a template with the fields ``value``, ``neighbour``
        (the grid value one step further) and ``measured``.
    low_open : bool
        Exclude ``low`` from the allowed range.
    range_text : str, optional
        How the out-of-range hint names the range (default ``"its allowed range
        low–high"``).

    Returns
    -------
    CheckResult
    """
    inside = (low < value) if low_open else (low <= value)
    if not (inside and value <= high):
        text = range_text or f"its allowed range {low:g}–{high:g}"
        return wrong(f"{field} = {value:g} is outside {text}.")
    value = round(value / step) * step
    measured = measure(value)
    if not holds(measured):
        return wrong(not_here.format(value=value, measured=measured))
    neighbour = round(value + toward * step, 10)
    in_range = neighbour >= low if toward < 0 else neighbour <= high
    if in_range and holds(measure(neighbour)):
        direction = "smaller" if toward < 0 else "higher"
        return wrong(f"{field} = {value:g} {holds_text}, but so does {neighbour:g}: look for "
                     f"a {direction} value.")
    return right(explanation.format(value=value, neighbour=neighbour, measured=measured))
