"""Answer checks for ``notebooks/02_emg_and_nerve_conduction.ipynb``.

``02.1``
    Surface-EMG RMS during the hold of a 30 % voluntary contraction divided by that
    of a 10 % one (hold window :data:`HOLD_WINDOW_S`).
``02.2``
    Motor conduction velocity of the ``diabetic_neuropathy`` scenario (m/s), computed
    from the distal and proximal M-wave latencies and the two site distances.
``02.3``
    Two nerves with a hidden change each (:func:`mystery_nerves`): which one has lost
    axons and which one is demyelinated?

Every check computes the right answer with the package at check time.
A teaching toy, not a clinical model.
"""

from __future__ import annotations

from .. import analysis, scenarios
from ..engine import simulate
from ..experiments import ConductionReport, conduction_report, voluntary_protocol
from ..parameters import Parameters
from . import CheckResult, exercise, right, wrong
from ._common import graded, graded_ratio, number

__all__ = ["HOLD_WINDOW_S", "emg_hold_ratio", "mystery_nerves", "MYSTERY_LABELS",
           "revealed_mechanisms", "MECHANISM_WORDS"]

HOLD_WINDOW_S = (1.5, 3.5)
"""Hold phase of :func:`neurosim.experiments.voluntary_protocol` (s): rise 0.5–1.5 s,
hold 1.5–3.5 s, fall 3.5–4.5 s."""

MYSTERY_LABELS = ("A", "B")

_MYSTERY_CHANGES = {
    "A": {"nerve.demyelination_slowing": 0.3},
    "B": {"nerve.motor_axon_survival": 0.4},
}

MECHANISM_WORDS = ("axon loss", "demyelination")
"""The two answers of exercise 02.3."""


def emg_hold_ratio(high: float = 0.3, low: float = 0.1, *, seed: int = 0) -> float:
    """EMG RMS in the hold of a voluntary contraction at ``high`` over that at ``low``.

    Parameters
    ----------
    high, low : float
        Command levels (fraction of maximal drive) of
        :func:`neurosim.experiments.voluntary_protocol`.
    seed : int
        Noise seed of both runs.
    """
    rms = []
    for level in (high, low):
        run = simulate(Parameters(), voluntary_protocol(level), 5.5, seed=seed)
        rms.append(analysis.emg_rms_mV(run, *HOLD_WINDOW_S))
    return float(rms[0] / rms[1])


def mystery_nerves() -> dict[str, Parameters]:
    """Two nerves, ``"A"`` and ``"B"``, each with one hidden change.

    One has lost motor axons, the other is demyelinated. Run the nerve conduction
    study on each, e.g. ``scenarios.get("nerve_conduction_study").run(parameters=p)``,
    and decide which is which from latencies, amplitudes and velocity.

    The hiding is a game rule: the parameters are in plain view. Diagnose from the
    measurements, then peek if you like.

    Returns
    -------
    dict of str to Parameters
    """
    return {label: Parameters().with_changes(**changes)
            for label, changes in _MYSTERY_CHANGES.items()}


def _study(parameters: Parameters) -> ConductionReport:
    run = scenarios.get("nerve_conduction_study").run(seed=0, parameters=parameters)
    return conduction_report(run)


def revealed_mechanisms() -> dict[str, str]:
    """The mechanism a conduction study reveals in each mystery nerve.

    Decided from measurements, not from the hidden parameters: the nerve whose
    distal M-wave amplitude falls more (relative to healthy) has ``"axon loss"``;
    the other — whose conduction velocity falls more — ``"demyelination"``.

    Returns
    -------
    dict of str to str
        Mechanism by nerve label (``"A"``, ``"B"``).
    """
    healthy = _study(Parameters())
    reports = {label: _study(p) for label, p in mystery_nerves().items()}
    amplitude_drop = {k: 1.0 - r.distal.m_amplitude_mV / healthy.distal.m_amplitude_mV
                      for k, r in reports.items()}
    lost = max(amplitude_drop, key=amplitude_drop.get)
    return {k: "axon loss" if k == lost else "demyelination" for k in reports}


def _normalise(word) -> str | None:
    if not isinstance(word, str):
        return None
    w = word.strip().lower()
    if "myelin" in w or "slow" in w:
        return "demyelination"
    if "axon" in w or "loss" in w or "lost" in w:
        return "axon loss"
    return None


@exercise("02.1", "RMS surface EMG in the hold (1.5–3.5 s) of a 30 % voluntary contraction "
                  "divided by that of a 10 % contraction?")
def _emg_ratio(answer) -> CheckResult:
    value = number(answer)
    truth = emg_hold_ratio()
    return graded_ratio(
        value, truth, 0.05,
        explanation=f"The EMG grows {truth:.2f}-fold while the command (and the force) grows "
                    "3-fold: more units fire, each faster, and the late recruits have larger "
                    "MUAPs — but MUAPs of different units partly cancel, so the RMS grows "
                    "less than in proportion.",
        inverted="Upside down: divide the 30 % value by the 10 % value.",
        hint="Simulate both contractions, e.g. strong = neurosim.simulate("
             "neurosim.Parameters(), voluntary_protocol(0.3), 5.5, seed=0) and weak the "
             "same with 0.1, take analysis.emg_rms_mV(strong, 1.5, 3.5) and "
             "analysis.emg_rms_mV(weak, 1.5, 3.5), and divide.")


@exercise("02.2", "From the M-wave latencies at the two sites and the site distances, what "
                  "is the motor conduction velocity (m/s) in diabetic_neuropathy?")
def _velocity(answer) -> CheckResult:
    value = number(answer)
    diabetic = scenarios.get("diabetic_neuropathy")
    report = conduction_report(diabetic.run(seed=0))
    truth = report.conduction_velocity_m_s
    healthy = conduction_report(scenarios.get("nerve_conduction_study").run(seed=0))
    return graded(
        value, truth, 0.5,
        explanation=f"{truth:.1f} m/s, against {healthy.conduction_velocity_m_s:.1f} m/s in "
                    "the healthy nerve: demyelination slows conduction. Subtracting the two "
                    "latencies cancels the neuromuscular delay and the muscle's own time.",
        mistakes=[(abs(value - healthy.conduction_velocity_m_s) <= 0.5,
                   "That is the healthy nerve's velocity: use the diabetic_neuropathy run."),
                  (abs(value / 1000.0 - truth) <= 0.5 or abs(value * 1000.0 - truth) <= 0.5,
                   "Check your units: distances in m, latencies in ms → multiply by 1000 "
                   "to get m/s.")],
        hint="velocity = (proximal distance − distal distance) / (proximal "
             "latency − distal latency). Distances: diabetic_ncs.parameters.nerve."
             "proximal_site_to_muscle_m and .distal_site_to_muscle_m; latencies: "
             "diabetic_report.proximal.m_latency_ms and "
             "diabetic_report.distal.m_latency_ms (ms → s).")


@exercise("02.3", "Mystery nerves A and B: which one has lost axons and which one is "
                  "demyelinated? Answer {'A': ..., 'B': ...}.")
def _mystery(answer) -> CheckResult:
    if not isinstance(answer, dict):
        return wrong("Answer with a dict: {'A': 'axon loss' or 'demyelination', "
                     "'B': the other one}.")
    given = {str(k).strip().upper(): _normalise(v) for k, v in answer.items()}
    if set(given) != set(MYSTERY_LABELS):
        return wrong("Give one mechanism for each of 'A' and 'B'.")
    if any(v is None for v in given.values()):
        return wrong("Use the words 'axon loss' and 'demyelination'.")
    truth = revealed_mechanisms()
    if given == truth:
        lost = next(k for k, v in truth.items() if v == "axon loss")
        slow = next(k for k, v in truth.items() if v == "demyelination")
        return right(f"Nerve {lost} has lost axons: fewer motor units answer the shock, so "
                     f"the M-wave is smaller but on time. Nerve {slow} is demyelinated: every "
                     "axon still answers, so the amplitude is near normal, but latencies are "
                     "longer and the conduction velocity lower.")
    if len(set(given.values())) == 1:
        return wrong("Each nerve has a different change: one axon loss, one demyelination.")
    return wrong("Swapped. Which change makes fewer motor units answer (smaller M-wave), and "
                 "which makes every impulse arrive later (longer latencies, lower velocity)?")
