"""Answer checks for ``notebooks/01_motor_units_and_force.ipynb``.

``01.1``
    The voluntary command (fraction of maximal drive) at which unit
    :data:`RECRUITED_UNIT` fires its first spike in the ``recruitment_ramp`` scenario.
``01.2``
    Time from the fibre action potential of the largest unit to the peak of its
    twitch (ms), evoked by :func:`single_twitch_run`.
``01.3``
    Peak force (N) of ``voluntary_contraction`` with ``pool.n_units`` halved to
    :data:`HALVED_UNITS`, divided by the peak force with the default pool.

Every check computes the right answer with the package at check time.
A teaching toy, not a clinical model.
"""

from __future__ import annotations

import numpy as np

from .. import scenarios
from ..engine import simulate
from ..parameters import Parameters
from ..protocols import NerveStimulation
from ..result import SimulationResult
from . import CheckResult, exercise
from ._common import graded, number

__all__ = ["RECRUITED_UNIT", "HALVED_UNITS", "recruitment_command_of_unit",
           "peak_force_ratio", "single_twitch_run", "twitch_time_to_peak_ms"]

RECRUITED_UNIT = 60
"""The unit whose recruitment command exercise 01.1 asks for (0 = smallest)."""

HALVED_UNITS = 60
"""Pool size of exercise 01.3 (the default pool has 120 units)."""

RECRUITMENT_TOLERANCE = 0.015
"""Allowed error of the recruitment command in 01.1 (fraction of maximal drive)."""


def recruitment_command_of_unit(result: SimulationResult, unit: int) -> float:
    """Voluntary command at a unit's first spike (fraction of maximal drive; NaN if silent).

    Parameters
    ----------
    result : SimulationResult
        A run with a voluntary command (e.g. ``recruitment_ramp``).
    unit : int
        Unit index (0 = smallest).
    """
    times = result.unit_spike_times(unit)
    if times.size == 0:
        return float("nan")
    return float(np.interp(times[0], result.time_s, result.command))


def peak_force_ratio(changes: dict, *, scenario: str = "voluntary_contraction",
                     seed: int = 0) -> float:
    """Peak force (N) with ``changes`` divided by peak force with the scenario's parameters.

    Parameters
    ----------
    changes : dict
        Dotted parameter changes, e.g. ``{"pool.n_units": 60}``.
    scenario : str
        Built-in scenario run twice.
    seed : int
        Noise seed of both runs.
    """
    sc = scenarios.get(scenario)
    base = sc.run(seed=seed)
    changed = sc.run(seed=seed, parameters=sc.parameters.with_changes(**changes))
    return float(changed.force_N.max() / base.force_N.max())


def single_twitch_run(*, intensity_mA: float | None = None, seed: int = 0) -> SimulationResult:
    """One nerve shock at the motor threshold: a twitch of the largest unit alone.

    Electrical stimulation excites the largest axon first; a shock of exactly
    ``nerve.motor_threshold_mA`` excites only that one. The Ia afferents are cut
    (``nerve.afferent_survival = 0``) so that the shock cannot add an H-reflex.
    The shock is at 0.2 s; the run lasts 0.6 s.

    Parameters
    ----------
    intensity_mA : float, optional
        Shock intensity (default: the motor threshold of the largest axon).
    seed : int
        Noise seed (the run has no synaptic noise; junction noise uses it).
    """
    parameters = Parameters().with_changes(**{"nerve.afferent_survival": 0.0})
    if intensity_mA is None:
        intensity_mA = parameters.nerve.motor_threshold_mA
    return simulate(parameters, NerveStimulation(times_s=(0.2,), intensity_mA=intensity_mA),
                    0.6, seed=seed)


def twitch_time_to_peak_ms(result: SimulationResult) -> float:
    """Time from the first fibre action potential to the force maximum (ms)."""
    if result.activation_times_s.size == 0:
        raise ValueError("no fibre action potential in this run: no twitch to measure")
    return float(1000.0 * (result.time_s[np.argmax(result.force_N)]
                           - result.activation_times_s[0]))


@exercise("01.1", "At what voluntary command (fraction of maximal drive, 0–1) does unit 60 "
                  "fire its first spike in the recruitment_ramp scenario?")
def _recruitment(answer) -> CheckResult:
    value = number(answer)
    run = scenarios.get("recruitment_ramp").run(seed=0)
    truth = recruitment_command_of_unit(run, RECRUITED_UNIT)
    smallest = recruitment_command_of_unit(run, 0)
    return graded(
        value, truth, RECRUITMENT_TOLERANCE,
        explanation=f"Unit {RECRUITED_UNIT} starts firing at a command of about {truth:.3f} "
                    f"(the smallest unit at {smallest:.3f}): its rheobase is "
                    f"{run.rheobase_nA[RECRUITED_UNIT] / run.rheobase_nA[0]:.1f} times "
                    "larger, so it needs a larger command — the size principle.",
        mistakes=[(value > 1.0 and abs(value / 100.0 - truth) <= RECRUITMENT_TOLERANCE,
                   "That looks like a percentage: give the command as a fraction of "
                   "maximal drive (0–1).")],
        hint="Find the unit's first spike with "
             "result.unit_spike_times(60)[0], then read the command at that moment with "
             "np.interp(t, result.time_s, result.command). Remember the unit index "
             "counts from 0 (smallest).")


@exercise("01.3", "Halve the pool to 60 units: peak force (N) of voluntary_contraction with "
                  "60 units divided by peak force with 120 units?")
def _pool_size(answer) -> CheckResult:
    value = number(answer)
    truth = peak_force_ratio({"pool.n_units": HALVED_UNITS})
    return graded(
        value, truth, 0.05,
        explanation=f"The ratio is {truth:.2f}: about the same force. muscle.max_force_N is "
                    "shared out among however many units there are, so half as many units "
                    "are each twice as strong; the same command still recruits the same "
                    "fraction of the pool. Only doubling muscle.max_force_N doubles the "
                    "force in newtons.",
        mistakes=[(abs(value - 0.5) <= 0.05,
                   "0.5 is the natural guess — but run it. Look at result.max_force_N and "
                   "result.peak_twitch_force_N with 60 and with 120 units.")],
        hint="Run the scenario twice, once with "
             "parameters=sc.parameters.with_changes(**{'pool.n_units': 60}), and divide "
             "the two result.force_N.max() values (new / old).")


@exercise("01.2", "After a threshold shock that excites only the largest unit, how many ms "
                  "pass from its fibre action potential to the peak of its twitch?")
def _twitch_peak(answer) -> CheckResult:
    value = number(answer)
    run = single_twitch_run()
    measured = twitch_time_to_peak_ms(run)
    unit = int(run.activation_units[0])
    contraction = float(run.contraction_time_ms[unit])
    step_ms = 1000.0 / run.output_rate_hz
    delay_ms = 1000.0 * (run.activation_times_s[0]
                         - run.protocol.stimuli()[0][0]) if run.activation_times_s.size else 0.0
    return graded(
        value, contraction, max(1.5, 2 * step_ms),
        explanation=f"The twitch of unit {unit} peaks {measured:.1f} ms after its fibre action "
                    f"potential, and its contraction time is {contraction:.1f} ms: "
                    "f(t) = P (t/T) exp(1 − t/T) peaks at exactly t = T. Smaller units "
                    f"are slower (up to {run.contraction_time_ms.max():.0f} ms).",
        mistakes=[(abs(value - (contraction + delay_ms)) <= 1.5,
                   "You measured from the shock. Measure from the fibre action potential "
                   "(result.activation_times_s[0]): the nerve impulse needs a few ms to "
                   "reach the muscle.")],
        hint="Take the time of the force maximum, "
             "result.time_s[np.argmax(result.force_N)], subtract the fibre AP time "
             "result.activation_times_s[0], and convert seconds to ms.")
