"""Answer checks for ``notebooks/04_spindles_and_spasticity.ipynb``.

* ``04.1`` — how much larger the stroke-like reflex is at 100 than at 10 °/s;
* ``04.2`` — the smallest spindle gain at which the stroke-like ankle beats on (clonus);
* ``04.3`` — how much the clonus period grows with a longer reflex path.

Every check simulates with the package (seed 0), so the right answer follows the model if
it is retuned.
"""

from __future__ import annotations

import math

from .. import analysis, experiments, scenarios
from . import CheckResult, exercise
from ._common import graded, graded_ratio, grid_threshold, number

__all__ = ["RATIO_TOLERANCE", "GAIN_STEP", "PATH_LENGTHS_M", "PERIOD_TOLERANCE_MS",
           "reflex_torque_ratio", "clonus_summary", "clonus_period_change_ms",
           "extra_conduction_delay_ms"]

RATIO_TOLERANCE = 0.05
"""Accepted relative error of the reflex-torque ratio of 04.1."""

GAIN_STEP = 0.25
"""Resolution asked for in exercise 04.2 (``spindle.gain`` is a multiple of it)."""

PATH_LENGTHS_M = (0.8, 1.2)
"""Cord–muscle path lengths compared in exercise 04.3 (m)."""

PERIOD_TOLERANCE_MS = 5.0
"""Accepted error of the period change of 04.3 (ms)."""

_SCENARIO = "stroke_like"


def reflex_torque_ratio(scenario_name: str = _SCENARIO) -> float:
    """Peak reflex muscle torque at 100 °/s divided by that at 10 °/s (seed 0).

    Uses :func:`neurosim.experiments.reflex_vs_velocity` with the scenario's parameters;
    ``inf`` when there is no reflex torque at 10 °/s.
    """
    curve = experiments.reflex_vs_velocity(scenarios.get(scenario_name).parameters,
                                           (10.0, 100.0), seed=0)
    slow, fast = curve.peak_muscle_torque_Nm
    return float(fast / slow) if slow > 0 else math.inf


def clonus_summary(**changes) -> analysis.ClonusSummary:
    """Clonus test of the ``stroke_like`` scenario with further ``changes`` (seed 0)."""
    scenario = scenarios.get(_SCENARIO)
    return analysis.clonus(scenario.run(seed=0,
                                        parameters=scenario.parameters.with_changes(**changes)))


def clonus_period_change_ms() -> float:
    """Clonus period at the longer minus the shorter path of :data:`PATH_LENGTHS_M` (ms)."""
    short, long_ = (clonus_summary(**{"nerve.path_length_m": length})
                    for length in PATH_LENGTHS_M)
    if not (short.present and long_.present):
        raise ValueError("the stroke-like ankle shows no clonus at one of the path lengths")
    return 1000.0 / long_.frequency_hz - 1000.0 / short.frequency_hz


def extra_conduction_delay_ms() -> float:
    """Extra reflex-loop conduction delay of the longer path of :data:`PATH_LENGTHS_M` (ms).

    The added length is travelled once by the Ia afferent and once by the motor axon (at
    the mean of the smallest and largest motor conduction velocities).
    """
    nerve = scenarios.get(_SCENARIO).parameters.nerve
    motor_cv = 0.5 * (nerve.motor_cv_smallest_m_s + nerve.motor_cv_largest_m_s)
    extra_m = PATH_LENGTHS_M[1] - PATH_LENGTHS_M[0]
    return 1000.0 * extra_m * (1.0 / nerve.afferent_cv_m_s + 1.0 / motor_cv)


@exercise("04.1", "Peak reflex torque of stroke_like at 100 °/s divided by that at 10 °/s?")
def _velocity_ratio(answer) -> CheckResult:
    value = number(answer)
    ratio = reflex_torque_ratio()
    return graded_ratio(
        value, ratio, RATIO_TOLERANCE,
        explanation=f"The reflex torque is {ratio:.1f} times larger at 100 °/s than at "
                    "10 °/s: faster stretch → more Ia firing (power law in velocity) → a "
                    "bigger reflex. That velocity dependence is what defines spasticity "
                    "(Lance 1980).",
        inverted="That is the inverse: divide the 100 °/s torque by the 10 °/s torque.",
        hint="Not what the model gives. Use experiments.reflex_vs_velocity("
             "scenarios.get('stroke_like').parameters, (10.0, 100.0)) and divide the "
             "two values of .peak_muscle_torque_Nm (fast / slow).")


@exercise("04.2", "Smallest spindle.gain (a multiple of 0.25) at which the stroke_like "
                  "clonus test shows sustained clonus?")
def _clonus_gain(answer) -> CheckResult:
    return grid_threshold(
        number(answer), field="spindle.gain", low=0.0, high=5.0, step=GAIN_STEP, toward=-1,
        measure=lambda v: clonus_summary(**{"spindle.gain": v}).sustained,
        holds_text="gives sustained clonus",
        not_here="At spindle.gain = {value:g} the beats are too small to count as sustained "
                 "clonus: .sustained of analysis.clonus for that run is False. Try a larger "
                 "gain.",
        explanation="At spindle.gain {value:g} the delayed stretch reflex re-excites itself "
                    "strongly enough that the last second of the test still swings by at least "
                    "0.5° (and by at least half as much as early on): analysis.clonus calls "
                    "that sustained clonus. At {neighbour:g} the beats are smaller. The swing "
                    "grows steadily with the loop gain; the criterion draws the line.")


@exercise("04.3", "By how many ms does the stroke_like clonus period grow when "
                  "nerve.path_length_m goes from 0.8 to 1.2 m?")
def _period_change(answer) -> CheckResult:
    value = number(answer)
    change = clonus_period_change_ms()
    extra = extra_conduction_delay_ms()
    return graded(
        value, change, PERIOD_TOLERANCE_MS,
        explanation=f"The period grows by about {change:.0f} ms, {change / extra:.1f} times "
                    f"the {extra:.0f} ms of extra conduction delay (Ia up, motor axon down): "
                    "a delayed feedback loop oscillates with a period of a few loop delays, "
                    "so every extra millisecond in the loop lengthens each beat by more.",
        mistakes=[(0 < abs(value) < 1, "Give the change in milliseconds, not seconds.")],
        hint="Not what the model gives. Run the stroke_like scenario with "
             "nerve.path_length_m = 0.8 and 1.2 (stroke.run(seed=0, parameters=...)), take "
             ".frequency_hz of analysis.clonus for each run, and subtract the periods in ms "
             "(1000 / frequency): the 1.2 m period minus the 0.8 m period.")
