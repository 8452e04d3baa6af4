"""Answer checks for ``notebooks/00_start_here.ipynb``.

``00.1``
    Which of :data:`SPASM_CANDIDATES` has the longest spasm (``summary_row``'s
    ``longest_s``)? The answer is a scenario name.
``00.2``
    Unit and allowed range of :data:`METADATA_FIELD`, read from
    :func:`neurosim.parameters.field_specs`. The answer is ``(unit, min, max)``.

Every check computes the right answer with the package at check time, so it stays
right when scenarios or metadata are retuned. A teaching toy, not a clinical model.
"""

from __future__ import annotations

import math

from .. import analysis, scenarios
from ..parameters import field_specs
from . import CheckResult, exercise, right, wrong

__all__ = ["SPASM_CANDIDATES", "METADATA_FIELD", "longest_spasms"]

SPASM_CANDIDATES = ("spinal_cord_injury", "botulinum_toxin", "muscle_cramp", "baclofen_like")
"""The scenarios compared in exercise 00.1."""

METADATA_FIELD = "junction.calcium_mM"
"""The parameter whose unit and range exercise 00.2 asks for."""


def longest_spasms(names=SPASM_CANDIDATES, *, seed: int = 0) -> dict[str, float]:
    """Longest spasm (s) of each named scenario, run with its own protocol.

    Parameters
    ----------
    names : sequence of str
        Built-in scenario names.
    seed : int
        Noise seed of every run.

    Returns
    -------
    dict of str to float
        ``summary_row(result)["longest_s"]`` by scenario name.
    """
    return {name: float(analysis.summary_row(scenarios.get(name).run(seed=seed))["longest_s"])
            for name in names}


@exercise("00.1", "Which of spinal_cord_injury, botulinum_toxin, muscle_cramp and "
                  "baclofen_like has the longest spasm? Answer with the scenario name.")
def _longest_spasm(answer) -> CheckResult:
    if not isinstance(answer, str):
        return wrong("Answer with a scenario name as a string, e.g. \"spinal_cord_injury\".")
    name = answer.strip()
    if name not in SPASM_CANDIDATES:
        return wrong(f"{name!r} is not one of the four candidates: "
                     f"{', '.join(SPASM_CANDIDATES)}.")
    durations = longest_spasms()
    best = max(durations, key=durations.get)
    table = ", ".join(f"{k} {v:.2f} s" for k, v in durations.items())
    if name == best:
        source = ("the motor axons themselves" if best == "muscle_cramp"
                  else "the spinal cord")
        return right(f"Longest spasms: {table}. The winner's involuntary force comes from "
                     f"{source}: analysis.spasm_episodes counts any force the will did not "
                     "ask for, wherever it starts.")
    return wrong(f"{name} has a longest spasm of {durations[name]:.2f} s, and another "
                 "candidate lasts longer. Run every candidate as you ran this one, "
                 f"analysis.summary_row(scenarios.get({name!r}).run(seed=0))['longest_s'], "
                 "and compare the four numbers.")


def _as_triple(answer):
    if isinstance(answer, dict):
        return answer["unit"], answer["min"], answer["max"]
    unit, low, high = answer  # a tuple or list of three
    return unit, low, high


UNIT_SYNONYMS = {"mM": ("mM", "mmol/L", "mmol/l", "mmol L-1", "mmol·L⁻¹", "mmol/litre",
                        "mmol/liter", "millimolar")}
"""Ways of writing a unit that mean the same (millimolar = mmol per litre)."""


def _same_unit(given: str, unit: str) -> bool:
    """Whether ``given`` names ``unit``, allowing the synonyms of :data:`UNIT_SYNONYMS`."""
    given = given.strip()
    return given == unit or given in UNIT_SYNONYMS.get(unit, ())


def _close(a, b) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)


@exercise("00.2", "What are the unit, the minimum and the maximum allowed value of "
                  "junction.calcium_mM? Answer (unit, min, max).")
def _unit_and_range(answer) -> CheckResult:
    spec = field_specs()[METADATA_FIELD]
    try:
        unit, low, high = _as_triple(answer)
    except (TypeError, ValueError, KeyError):
        return wrong("Answer with three values: (unit, min, max), e.g. (\"ms\", 1.0, 50.0).")
    if not isinstance(unit, str):
        return wrong("The unit is a string, e.g. \"ms\" (it is "
                     f"field_specs()[{METADATA_FIELD!r}].unit).")
    problems = []
    if not _same_unit(unit, spec.unit):
        hint = (" (units are case-sensitive: mM is millimolar, mm would be millimetres)"
                if unit.strip().lower() == spec.unit.lower() else "")
        problems.append(f"the unit {unit.strip()!r} is not it — "
                        f"field_specs()[{METADATA_FIELD!r}].unit holds it{hint}")
    try:
        if not _close(low, spec.min):
            problems.append("the minimum is wrong")
        if not _close(high, spec.max):
            problems.append("the maximum is wrong")
    except (TypeError, ValueError):
        return wrong("min and max must be numbers.")
    if problems:
        return wrong("Not quite: " + "; ".join(problems) + ". Read "
                     f"field_specs()[{METADATA_FIELD!r}] — its .unit, .min and .max.")
    return right(f"{spec.label}: {spec.describe_range()}. {spec.help} "
                 f"Source: {spec.source}. Setting a value outside the range raises a "
                 "ValueError that names the allowed range.")
