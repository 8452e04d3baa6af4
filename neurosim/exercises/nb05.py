"""Answer checks for ``notebooks/05_acetylcholine_excess.ipynb``.

* ``05.1`` — the highest AChE activity at which one nerve impulse fires the fibre twice;
* ``05.2`` — how much longer the endplate potential lasts at 30 % than at 100 % AChE;
* ``05.3`` — the highest receptor density that still shows an abnormal decrement at 3 Hz.

Every check simulates with the package (seed 0), so the right answer follows the model if
it is retuned.
"""

from __future__ import annotations

from .. import Parameters, analysis, experiments, scenarios, simulate
from . import CheckResult, exercise
from ._common import graded_ratio, grid_threshold, number

__all__ = ["ACHE_STEP", "DENSITY_STEP", "DECREMENT_CRITERION_PERCENT", "RATIO_TOLERANCE",
           "UNIT", "single_shock", "decrement"]

ACHE_STEP = 0.05
"""Resolution asked for in exercise 05.1 (``junction.ache_activity`` is a multiple of it)."""

DENSITY_STEP = 0.05
"""Resolution asked for in exercise 05.3 (``junction.receptor_density`` is a multiple of it)."""

DECREMENT_CRITERION_PERCENT = -10.0
"""A decrement of 10 % or more (4th vs 1st response) counts as abnormal (exercise 05.3)."""

RATIO_TOLERANCE = 0.05
"""Accepted relative error of the decay-time ratio of 05.2."""

UNIT = 0
"""The motor unit whose endplate the exercises read (0 = the smallest unit)."""


def single_shock(ache_activity: float) -> analysis.EndplateResponse:
    """Endplate response of :data:`UNIT` to one supramaximal nerve shock (seed 0).

    Runs ``experiments.train_protocol(1.0, 1)`` for 0.25 s with healthy parameters except
    ``junction.ache_activity``.
    """
    parameters = Parameters().with_changes(**{"junction.ache_activity": ache_activity})
    result = simulate(parameters, experiments.train_protocol(1.0, 1), 0.25, seed=0,
                      record_units=[UNIT])
    return analysis.endplate_response(result, unit=UNIT)


def decrement(receptor_density: float) -> float:
    """Decrement (%) of the 4th CMAP of the ``junction_train`` 3 Hz train (seed 0).

    Negative values are a decrement; the healthy parameters are used except
    ``junction.receptor_density``.
    """
    scenario = scenarios.get("junction_train")
    parameters = scenario.parameters.with_changes(**{"junction.receptor_density":
                                                     receptor_density})
    result = scenario.run(seed=0, parameters=parameters)
    return analysis.decrement_percent(analysis.cmap_amplitudes(result))


@exercise("05.1", "Highest junction.ache_activity (a multiple of 0.05) at which one nerve "
                  "shock gives at least 2 fibre action potentials in unit 0?")
def _repetitive_firing(answer) -> CheckResult:
    return grid_threshold(
        number(answer), field="junction.ache_activity", low=0.0, high=1.0, step=ACHE_STEP,
        toward=+1, measure=lambda v: single_shock(v).fibre_aps, holds=lambda aps: aps >= 2,
        holds_text="gives ≥ 2 fibre APs",
        not_here="At AChE activity {value:g} one shock gives {measured} fibre AP(s) in unit "
                 f"{UNIT}: inhibit AChE more (a smaller activity).",
        explanation="At {value:.0%} AChE activity (but not at {neighbour:.0%}) endplate "
                    "current still flows when the fibre's refractory period ends (the first "
                    "AP wiped the EPP out), so it charges the endplate above threshold again "
                    "and one nerve impulse fires the fibre twice or more — repetitive "
                    "firing.")


@exercise("05.2", "EPP decay time (unit 0, one shock) at 30 % AChE divided by that at 100 %?")
def _decay_ratio(answer) -> CheckResult:
    value = number(answer)
    inhibited, normal = single_shock(0.3), single_shock(1.0)
    ratio = inhibited.epp_decay_ms / normal.epp_decay_ms
    return graded_ratio(
        value, ratio, RATIO_TOLERANCE,
        explanation=f"{inhibited.epp_decay_ms:.1f} ms vs {normal.epp_decay_ms:.1f} ms: the EPP "
                    f"lasts {ratio:.1f} times longer, because with less AChE the ACh stays in "
                    "the cleft and keeps opening receptors (the membrane time constant sets "
                    "a floor, so the ratio is smaller than the change in ACh clearance).",
        inverted="That is the inverse: divide the 30 % decay time by the 100 % one.",
        hint="Not what the model gives. The singles of section 2 are the one-shock runs "
             "(0.25 s, seed 0) in the order of activities: singles[0] is 100 %, singles[1] "
             "30 %. Divide analysis.endplate_response(singles[1], unit=0).epp_decay_ms by the "
             "same for singles[0].")


@exercise("05.3", "Highest junction.receptor_density (a multiple of 0.05) at which the 3 Hz "
                  "train shows a decrement of 10 % or more?")
def _decrement(answer) -> CheckResult:
    return grid_threshold(
        number(answer), field="junction.receptor_density", low=0.0, high=2.0, low_open=True,
        range_text="the range to search, (0, 2]", step=DENSITY_STEP, toward=+1,
        measure=decrement, holds=lambda change: change <= DECREMENT_CRITERION_PERCENT,
        holds_text="gives an abnormal decrement",
        not_here="At receptor density {value:g} the 4th response changes by {measured:+.1f} % "
                 "— not an abnormal decrement. Try fewer receptors.",
        explanation="At receptor density {value:g} the decrement is {measured:+.1f} %, a step "
                    "higher it is normal: the safety factor falls with the receptors, and "
                    "only when it is low does the normal depression of release during a 3 Hz "
                    "train make fibres fail.")
