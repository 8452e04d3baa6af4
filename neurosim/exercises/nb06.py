"""Answer checks of notebook 06 (conditions as caricatures).

* ``06.1`` — which clinical test tells three described damage profiles from healthy;
* ``06.2`` — how much the diabetic-neuropathy scenario slows motor conduction (%);
* ``06.3`` — which lever, besides inhibition, turns the tetanus-like caricature into spasms.

Every check runs the model; nothing is compared with a stored number.
"""

from __future__ import annotations

from types import MappingProxyType

from .. import scenarios
from ..analysis import spasm_episodes, stretch_reflex
from ..engine import simulate
from ..experiments import conduction_protocol, conduction_report, spasm_test_protocol, \
    stretch_protocol
from ..parameters import Parameters
from ..protocols import Noise, Protocol
from . import CheckResult, exercise, right, wrong
from ._common import graded

__all__ = ["TEST_CASES", "TEST_NAMES", "TETANUS_LIKE", "distinguishing_tests", "normalise_test",
           "STRETCH_FACTOR", "REST_AP_RATE_HZ", "CV_CHANGE", "AMPLITUDE_CHANGE"]

TEST_CASES = MappingProxyType({
    "A": MappingProxyType(dict(scenarios.get("multiple_sclerosis_like").changes)),
    "B": MappingProxyType({"nerve.ectopic_rate_hz": 1.0, "nerve.ectopic_fraction": 0.3}),
    "C": MappingProxyType({"nerve.demyelination_slowing": 0.25}),
})
"""The three described damage profiles of exercise 06.1 (dotted parameter changes)."""

TEST_NAMES = ("stretch test", "EMG at rest", "nerve conduction")
"""The three tests of exercise 06.1."""

STRETCH_FACTOR = 2.0
"""Stretch test: the reflex torque at 100 °/s differs from healthy by more than this factor."""
REST_AP_RATE_HZ = 1.0
"""EMG at rest: more muscle-fibre action potentials per second than healthy plus this."""
CV_CHANGE = 0.15
"""Nerve conduction: conduction velocity differs from healthy by more than this fraction ..."""
AMPLITUDE_CHANGE = 0.25
"""... or the distal M-wave amplitude by more than this fraction."""

TETANUS_LIKE = MappingProxyType({"inhibition.recurrent": 0.2, "inhibition.reciprocal": 0.1,
                                 "inhibition.presynaptic": 0.2})
"""The tetanus-like caricature of notebook 06 (toxin blocks release from inhibitory interneurons)."""

_SEED = 0
_REST_S = 3.0

_ALIASES = {"stretch": "stretch test", "stretch test": "stretch test",
            "passive stretch": "stretch test", "stretch reflex": "stretch test",
            "emg": "EMG at rest", "emg at rest": "EMG at rest", "rest emg": "EMG at rest",
            "resting emg": "EMG at rest", "emg_at_rest": "EMG at rest",
            "nerve conduction": "nerve conduction", "ncs": "nerve conduction",
            "nerve conduction study": "nerve conduction", "conduction": "nerve conduction",
            "nerve_conduction_study": "nerve conduction"}


def normalise_test(name) -> str | None:
    """Map a student's test name onto :data:`TEST_NAMES` (``None`` if unknown)."""
    if not isinstance(name, str):
        return None
    key = " ".join(name.strip().lower().replace("-", " ").split())
    return _ALIASES.get(key, _ALIASES.get(key.replace(" ", "_")))


def _measure(parameters: Parameters) -> dict[str, float]:
    stretch = simulate(parameters, stretch_protocol(100.0), 2.3, seed=_SEED)
    rest = simulate(parameters, Protocol(Noise()), _REST_S, seed=_SEED)
    ncs = conduction_report(simulate(parameters, conduction_protocol(), 13.2, seed=_SEED))
    return {"torque_Nm": stretch_reflex(stretch).peak_muscle_torque_Nm,
            "rest_aps_hz": rest.activation_times_s.size / _REST_S,
            "cv_m_s": ncs.conduction_velocity_m_s,
            "m_amplitude_mV": ncs.distal.m_amplitude_mV}


def distinguishing_tests(changes) -> tuple[set[str], dict[str, float], dict[str, float]]:
    """Which of :data:`TEST_NAMES` tell a damage profile from healthy.

    Parameters
    ----------
    changes : mapping of str to float
        Dotted parameter changes from the healthy defaults.

    Returns
    -------
    tests : set of str
        The tests whose criterion (see the module constants) is met.
    measured, healthy : dict
        The measurements of the profile and of healthy.
    """
    healthy = _measure(Parameters())
    measured = _measure(Parameters().with_changes(**dict(changes)))
    tests = set()
    ratio = (measured["torque_Nm"] + 1e-3) / (healthy["torque_Nm"] + 1e-3)
    if ratio > STRETCH_FACTOR or ratio < 1.0 / STRETCH_FACTOR:
        tests.add("stretch test")
    if measured["rest_aps_hz"] > healthy["rest_aps_hz"] + REST_AP_RATE_HZ:
        tests.add("EMG at rest")
    cv_change = abs(measured["cv_m_s"] / healthy["cv_m_s"] - 1.0)
    amp_change = abs(measured["m_amplitude_mV"] / healthy["m_amplitude_mV"] - 1.0)
    if not cv_change <= CV_CHANGE or amp_change > AMPLITUDE_CHANGE:  # NaN counts as changed
        tests.add("nerve conduction")
    return tests, measured, healthy


@exercise("06.1", "For each profile A, B, C, which test (stretch test, EMG at rest, nerve "
                  "conduction) tells it from healthy? Answer a dict like {'A': 'stretch test', …}.")
def _(answer) -> CheckResult:
    if not isinstance(answer, dict) or set(answer) != set(TEST_CASES):
        return wrong(f"Answer a dict with the keys {sorted(TEST_CASES)}, each naming one of "
                     f"{', '.join(TEST_NAMES)}.")
    problems = []
    for key, changes in TEST_CASES.items():
        chosen = normalise_test(answer[key])
        if chosen is None:
            return wrong(f"{answer[key]!r} (profile {key}) is not one of {', '.join(TEST_NAMES)}.")
        tests, measured, healthy = distinguishing_tests(changes)
        if chosen not in tests:
            problems.append(f"{key}: by the criteria, the {chosen} does not tell this profile "
                            f"from healthy — which stage do its changes act on?")
    if problems:
        return wrong(" ".join(problems))
    return right("A acts inside the cord (inhibition, spindles, central delay): only the "
                 "stretch reflex changes. B makes distal axons fire by themselves: the muscle "
                 "twitches at rest. C slows conduction: only the nerve conduction study sees it.")


@exercise("06.2", "By how many percent is motor conduction velocity lower in "
                  "diabetic_neuropathy than in nerve_conduction_study (a positive number)?")
def _(answer) -> CheckResult:
    value = float(answer)
    cvs = [conduction_report(scenarios.get(name).run(seed=_SEED)).conduction_velocity_m_s
           for name in ("nerve_conduction_study", "diabetic_neuropathy")]
    drop = 100.0 * (1.0 - cvs[1] / cvs[0])
    return graded(
        value, drop, 1.0,
        explanation=f"{cvs[0]:.1f} → {cvs[1]:.1f} m/s: {drop:.1f} % slower, close to the "
                    "demyelination_slowing lever of the scenario and to the 15–20 % "
                    "reported after long-standing diabetes.",
        mistakes=[(abs(value + drop) <= 1.0,
                   "Right size, wrong sign: give the drop as a positive percentage.")],
        hint="Run both scenarios, e.g. scenarios.get('diabetic_neuropathy').run(seed=0), "
             "read .conduction_velocity_m_s of experiments.conduction_report for each run, "
             "and compute 100 × (1 − diabetic / healthy).")


@exercise("06.3", "Which changes, without touching any inhibition.* lever, turn the "
                  "tetanus-like caricature into a spasm lasting ≥ 1 s? Answer a dict of changes.")
def _(answer) -> CheckResult:
    if not isinstance(answer, dict) or not answer:
        return wrong("Answer a dict of dotted parameter changes, e.g. {'stage.field': value}.")
    touched = [k for k in answer if str(k).startswith("inhibition.")]
    if touched:
        return wrong(f"Leave the inhibition levers as the caricature sets them ({touched}); "
                     f"which property of the motor neurons themselves makes firing outlast "
                     f"its input?")
    parameters = Parameters().with_changes(**{**TETANUS_LIKE, **answer})
    run = simulate(parameters, spasm_test_protocol(), 8.0, seed=_SEED)
    longest = spasm_episodes(run).longest_s
    if longest >= 1.0:
        return right(f"Longest spasm {longest:.2f} s. Disinhibition lets the volley in; it takes "
                     f"large persistent inward currents to keep the units firing for seconds "
                     f"(the same two levers as the spinal-cord-injury scenario).")
    return wrong(f"Longest spasm only {longest:.2f} s. Which current lets a motor neuron keep "
                 f"firing after its input has gone (notebook 03)?")
