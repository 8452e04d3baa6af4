"""Answer checks of notebook 07 (treatments as caricatures).

* ``07.1`` — a botulinum-toxin dose (``junction.quantal_scale``) that halves the peak force of
  the spinal-cord-injury spasm, and what it costs in voluntary force;
* ``07.2`` — rank four treatments of the spinal-cord-injury spasm by how much they shorten
  the total spasm time.

Every check runs the model; nothing is compared with a stored number.
"""

from __future__ import annotations

from types import MappingProxyType

from .. import scenarios
from ..analysis import summary_row
from ..engine import simulate
from ..experiments import voluntary_protocol
from ..parameters import Parameters
from . import CheckResult, exercise, right, wrong

__all__ = ["SCI_TREATMENTS", "VOLUNTARY_LEVEL", "spasm_peak_percent", "voluntary_peak_percent",
           "spasm_total_s"]

VOLUNTARY_LEVEL = 0.5
"""Voluntary command (fraction of maximum) at which notebook 07 measures voluntary force."""

SCI_TREATMENTS = MappingProxyType({
    "baclofen_like": MappingProxyType(dict(scenarios.get("baclofen_like").changes)),
    "botulinum_toxin": MappingProxyType(dict(scenarios.get("botulinum_toxin").changes)),
    "anti_seizure_like": MappingProxyType(dict(scenarios.get("anticonvulsant_pic_like").changes)),
    "spinal_cord_stimulation_like": MappingProxyType(
        dict(scenarios.get("spinal_cord_stimulation").changes)),
})
"""The four treated spinal-cord-injury set-ups of exercise 07.2 (full dotted changes, from
the scenarios ``baclofen_like``, ``botulinum_toxin``, ``anticonvulsant_pic_like`` and
``spinal_cord_stimulation``)."""

_SEED = 0
_SCI = "spinal_cord_injury"


def spasm_peak_percent(quantal_scale: float = 1.0) -> float:
    """Peak force (% of maximum) in the spinal-cord-injury spasm test at a quantal scale."""
    sci = scenarios.get(_SCI).with_changes(**{"junction.quantal_scale": quantal_scale})
    return float(sci.run(seed=_SEED).force_percent.max())


def voluntary_peak_percent(quantal_scale: float = 1.0) -> float:
    """Peak force (% of maximum) of the injured cord's voluntary contraction at
    :data:`VOLUNTARY_LEVEL`, at a quantal scale."""
    sci = scenarios.get(_SCI).with_changes(**{"junction.quantal_scale": quantal_scale})
    return float(simulate(sci.parameters, voluntary_protocol(VOLUNTARY_LEVEL), 5.5,
                          seed=_SEED).force_percent.max())


def spasm_total_s(changes) -> float:
    """Total spasm time (s) in the spasm test with the given full dotted changes."""
    scenario = scenarios.get(_SCI)
    run = scenario.run(seed=_SEED, parameters=Parameters().with_changes(**dict(changes)))
    return float(summary_row(run)["total_s"])


@exercise("07.1", "Find a junction.quantal_scale that halves the peak force of the "
                  "spinal_cord_injury spasm, and the voluntary force it costs (%). Answer "
                  "{'quantal_scale': q, 'voluntary_cost_percent': c}.")
def _(answer) -> CheckResult:
    if not isinstance(answer, dict) or set(answer) != {"quantal_scale", "voluntary_cost_percent"}:
        return wrong("Answer a dict with the keys 'quantal_scale' and 'voluntary_cost_percent'.")
    q = float(answer["quantal_scale"])
    cost = float(answer["voluntary_cost_percent"])
    ratio = spasm_peak_percent(q) / spasm_peak_percent(1.0)
    if not 0.4 <= ratio <= 0.6:
        direction = "lower" if ratio > 0.6 else "higher"
        return wrong(f"At quantal_scale = {q:g} the spasm peak is {100 * ratio:.0f} % of "
                     f"untreated; aim for 40–60 %: try a {direction} value.")
    v0, vq = voluntary_peak_percent(1.0), voluntary_peak_percent(q)
    true_cost = 100.0 * (1.0 - vq / v0)
    if abs(cost - true_cost) > 3.0:
        return wrong(f"The dose is fine (spasm peak {100 * ratio:.0f} % of untreated), but the "
                     f"voluntary cost is not {cost:g} %: compare the peak force of "
                     f"experiments.voluntary_protocol({VOLUNTARY_LEVEL}) with and without the "
                     f"toxin, "
                     f"100 × (1 − treated / untreated).")
    return right(f"Spasm peak {100 * ratio:.0f} % of untreated at quantal_scale {q:g}; "
                 f"voluntary force {v0:.1f} → {vq:.1f} % ({true_cost:.0f} % lost). The toxin "
                 f"acts on every impulse at the junction, willed or not: it cannot tell a "
                 f"spasm from a voluntary contraction.")


@exercise("07.2", "Rank baclofen_like, botulinum_toxin, anti_seizure_like and "
                  "spinal_cord_stimulation_like by how much they shorten the total spasm "
                  "time, largest reduction first (a list of the four names).")
def _(answer) -> CheckResult:
    names = list(answer) if isinstance(answer, (list, tuple)) else None
    if names is None or sorted(map(str, names)) != sorted(SCI_TREATMENTS):
        return wrong(f"Answer a list of the four names {sorted(SCI_TREATMENTS)}, largest "
                     f"reduction first.")
    untreated = spasm_total_s(scenarios.get(_SCI).changes)
    reduction = {n: untreated - spasm_total_s(SCI_TREATMENTS[n]) for n in names}
    tolerance_s = 0.05  # ties (e.g. two treatments that both abolish the spasm) in any order
    for first, second in zip(names, names[1:]):
        if reduction[first] < reduction[second] - tolerance_s:
            return wrong(f"{second} shortens the spasm more than {first}: compare the "
                         f"'total_s' column of analysis.summary_row for each treatment.")
    table = ", ".join(f"{n} −{reduction[n]:.2f} s" for n in names)
    return right(f"Untreated {untreated:.2f} s of spasm; {table}. The levers that act on the "
                 f"cord (less afferent input, smaller PICs, more inhibition) shorten the spasm; "
                 f"the toxin only weakens it — the cord keeps firing as long as before.")
