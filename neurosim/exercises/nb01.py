"""Answer checks for ``notebooks/01_motor_units_and_force.ipynb``.

``01.1``
    The voluntary command (fraction of maximal drive) at which unit
    :data:`RECRUITED_UNIT` fires its first spike in the ``recruitment_ramp`` scenario.
``01.2``
    Time from the fibre action potential of the largest unit to the peak of its
    twitch (ms), evoked by :func:`single_twitch_run`.
``01.3``
    Peak force (N) of ``voluntary_contraction`` with only :data:`SURVIVING_AXONS` of the
    motor axons left (``nerve.motor_axon_survival``), divided by the peak force with all
    of them. (Not ``pool.n_units``: that is the model's resolution — how many model units
    represent the pool — and force in % of maximum does not depend on it.)

Every check computes the right answer with the package at check time.
A teaching toy, not a clinical model.
"""

from __future__ import annotations

import numpy as np

from .. import analysis, scenarios
from ..engine import simulate
from ..parameters import Parameters
from ..protocols import NerveStimulation
from ..result import SimulationResult
from . import CheckResult, exercise
from ._common import graded, looks_inverted, number

__all__ = ["RECRUITED_UNIT", "SURVIVING_AXONS", "recruitment_command_of_unit",
           "peak_force_ratio", "single_twitch_run", "twitch_time_to_peak_ms"]

RECRUITED_UNIT = 60
"""The unit whose recruitment command exercise 01.1 asks for (0 = smallest)."""

SURVIVING_AXONS = 0.5
"""``nerve.motor_axon_survival`` of exercise 01.3: the fraction of motor axons left."""

AXON_LOSS = {"nerve.motor_axon_survival": SURVIVING_AXONS}
"""The parameter change of exercise 01.3."""

RESOLUTION_CHANGE = {"pool.n_units": 60}
"""The change exercise 01.3 is *not* about (the model's resolution), for the hint."""

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
        Dotted parameter changes, e.g. ``{"nerve.motor_axon_survival": 0.5}``.
    scenario : str
        Built-in scenario run twice.
    seed : int
        Noise seed of both runs.
    """
    runs = _runs_with(changes, scenario=scenario, seed=seed)
    return float(runs[1].force_N.max() / runs[0].force_N.max())


def _runs_with(changes: dict, *, scenario: str = "voluntary_contraction",
               seed: int = 0) -> tuple[SimulationResult, SimulationResult]:
    """The scenario run with its own parameters and with ``changes`` (same seed)."""
    base_scenario = scenarios.get(scenario)
    base = base_scenario.run(seed=seed)
    changed = base_scenario.run(seed=seed,
                                parameters=base_scenario.parameters.with_changes(**changes))
    return base, changed


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
             "ramp.unit_spike_times(60)[0], then read the command at that moment with "
             "np.interp(first_spike_s, ramp.time_s, ramp.command), where first_spike_s is "
             "that spike time. Remember the unit index counts from 0 (smallest).")


@exercise("01.3", "Half of the motor axons lost (nerve.motor_axon_survival = 0.5): peak "
                  "force (N) of voluntary_contraction divided by the peak force with all axons?")
def _axon_loss(answer) -> CheckResult:
    value = number(answer)
    base, fewer = _runs_with(AXON_LOSS)
    truth = float(fewer.force_N.max() / base.force_N.max())
    resolution = peak_force_ratio(RESOLUTION_CHANGE)
    fired = (analysis.firing_statistics(base).units_recruited,
             analysis.firing_statistics(fewer).units_recruited)
    return graded(
        value, truth, 0.05,
        explanation=f"The ratio is {truth:.2f}: about half of the force is gone. The spinal cord "
                    f"is untouched — {fired[1]} motor neurons fire, as with all axons "
                    f"({fired[0]}) — but only the surviving axons reach the muscle, and the lost "
                    "ones are spread over small and large units alike. Compare pool.n_units = "
                    f"60 (ratio {resolution:.2f}): that only changes the model's resolution. "
                    "Real muscles partly make up for lost axons by reinnervation, which "
                    "neurosim does not model.",
        mistakes=[(abs(value - resolution) <= 0.05,
                   "That is what halving pool.n_units gives — the model's resolution, not a "
                   "loss of motor units. Change nerve.motor_axon_survival to 0.5 instead."),
                  (looks_inverted(value, truth, 0.1),
                   "Upside down: divide the peak force with half of the axons by the peak "
                   "force with all of them (normal)."),
                  (value > 1.0 and abs(value / 100.0 - truth) <= 0.05,
                   "That looks like a percentage: give the ratio as a fraction (e.g. 0.8).")],
        hint="Run vc.run(seed=0, parameters=vc.parameters.with_changes("
             "**{'nerve.motor_axon_survival': 0.5})) and divide its force_N.max() by "
             "normal.force_N.max().")


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
                   "(twitch.activation_times_s[0]): the nerve impulse needs a few ms to "
                   "reach the muscle.")],
        hint="Take the time of the force maximum, "
             "twitch.time_s[np.argmax(twitch.force_N)], subtract the fibre AP time "
             "twitch.activation_times_s[0], and convert seconds to ms.")
