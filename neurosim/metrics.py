"""One number per run: the metrics that sweeps map and the dashboard shows as big numbers.

A :class:`Metric` wraps a function of :mod:`neurosim.analysis` that turns one
:class:`~neurosim.result.SimulationResult` into one float (spasm duration, peak force,
clonus frequency, reflex torque, EPP decay, fibre APs per impulse, …) and names the
measurement set-up (:class:`Setup`, :data:`SETUPS`) whose protocol it needs: a stretch, a
clonus test, one nerve shock, or any run. :data:`METRICS` is the registry by name.

:func:`neurosim.sweep.sweep` measures every grid point with these metrics;
:mod:`neurosim.widgets` shows them under the dashboard's figure. (The multi-run clinical
tests a scenario tells its story with, with tables and figures, are
:mod:`neurosim.measurements`.)

A teaching toy, not a clinical model.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

from . import analysis, experiments
from .protocols import FreeLimb, ImposedStretch, NerveStimulation, Protocol, TorquePulses
from .result import SimulationResult

__all__ = ["Metric", "METRICS", "Setup", "SETUPS", "SPASM_THRESHOLD_S", "spasm_duration_s",
           "longest_spasm_s", "spasm_count", "peak_force_percent", "clonus_frequency_hz",
           "reflex_torque_Nm", "epp_decay_ms", "fibre_aps_per_impulse", "fasciculation_rate_hz",
           "mean_firing_rate_hz"]

SPASM_THRESHOLD_S = inspect.signature(analysis.spasm_episodes).parameters["min_duration_s"].default
"""Shortest involuntary contraction counted as a spasm (s); the phase boundary of spasm maps."""


@dataclass(frozen=True)
class Metric:
    """One number measured on every run of a sweep.

    Attributes
    ----------
    name : str
        Identifier (``--metric NAME``); also part of a sweep's cache key.
    unit : str
        Unit of the value (``"1"`` for dimensionless).
    label : str
        Short human-readable name (axis and colour-bar labels).
    description : str
        What the number means and which analysis function computes it.
    function : callable
        ``function(result: SimulationResult) -> float``. Must be importable (a
        module-level function) for process pools that spawn their workers.
    setup : str or None
        Name of the measurement set-up in :data:`SETUPS` the metric needs, or
        ``None`` if any run will do.
    threshold : float or None
        A level that separates qualitatively different behaviour (drawn as a contour
        by :func:`neurosim.plotting.phase_diagram`), or ``None``.
    needs_recorded_units : bool
        Whether the metric reads per-step traces of recorded units (EPP); otherwise
        sweeps record none, which saves memory.
    """

    name: str
    unit: str
    label: str
    description: str
    function: Callable[[SimulationResult], float]
    setup: str | None = None
    threshold: float | None = None
    needs_recorded_units: bool = False

    def __call__(self, result: SimulationResult) -> float:
        """Measure one run; returns a float in :attr:`unit` (NaN when undefined)."""
        return float(self.function(result))


def spasm_duration_s(result: SimulationResult) -> float:
    """Total duration of all spasm episodes (s), :func:`analysis.spasm_episodes`."""
    return analysis.spasm_episodes(result).total_duration_s


def longest_spasm_s(result: SimulationResult) -> float:
    """Duration of the longest spasm episode (s), :func:`analysis.spasm_episodes`."""
    return analysis.spasm_episodes(result).longest_s


def spasm_count(result: SimulationResult) -> float:
    """Number of spasm episodes, :func:`analysis.spasm_episodes`."""
    return float(analysis.spasm_episodes(result).count)


def peak_force_percent(result: SimulationResult) -> float:
    """Largest muscle force of the run, in % of maximal (fully fused) force."""
    return float(result.force_percent.max()) if result.force_percent.size else 0.0


def clonus_frequency_hz(result: SimulationResult) -> float:
    """Dominant clonus frequency (Hz), NaN when there is no clonus, :func:`analysis.clonus`."""
    summary = analysis.clonus(result)
    return summary.frequency_hz if summary.present else float("nan")


def reflex_torque_Nm(result: SimulationResult) -> float:
    """Peak reflex muscle torque in the 0.2 s after stretch onset (N·m), :func:`analysis.stretch_reflex`."""
    return analysis.stretch_reflex(result).peak_muscle_torque_Nm


def epp_decay_ms(result: SimulationResult) -> float:
    """Decay of the endplate potential to 1/e after the first shock (ms; NaN if > 50 ms).

    Measured in the first recorded unit (the smallest) by :func:`analysis.endplate_response`.
    """
    return analysis.endplate_response(result, impulse_time_s=analysis.first_shock_s(
        result, needed_by="epp_decay_ms")).epp_decay_ms


def fibre_aps_per_impulse(result: SimulationResult) -> float:
    """Muscle-fibre action potentials per nerve impulse over the run (1 = one-to-one relay).

    :func:`analysis.fibre_aps_per_impulse`; > 1 means repetitive firing (excess ACh).
    """
    return analysis.fibre_aps_per_impulse(result)


def fasciculation_rate_hz(result: SimulationResult) -> float:
    """Spontaneous motor-unit discharges of any origin per second, :func:`analysis.fasciculation_rate_hz`."""
    return analysis.fasciculation_rate_hz(result)


def mean_firing_rate_hz(result: SimulationResult) -> float:
    """Mean firing rate of the recruited units (Hz; NaN if none fired twice).

    The average over units of :attr:`analysis.FiringStatistics.mean_rate_hz`.
    """
    rates = analysis.firing_statistics(result).mean_rate_hz
    return float(np.nanmean(rates)) if np.isfinite(rates).any() else float("nan")


METRICS: Mapping[str, Metric] = MappingProxyType({m.name: m for m in (
    Metric("spasm_duration_s", "s", "Spasm duration (total)",
           "Total duration of involuntary force episodes longer than 0.5 s.",
           spasm_duration_s, threshold=SPASM_THRESHOLD_S),
    Metric("longest_spasm_s", "s", "Longest spasm",
           "Duration of the longest involuntary force episode.",
           longest_spasm_s, threshold=SPASM_THRESHOLD_S),
    Metric("spasm_count", "1", "Spasms", "Number of spasm episodes.", spasm_count,
           threshold=0.5),
    Metric("peak_force_percent", "% of max", "Peak force",
           "Largest muscle force in % of maximal (fully fused) force.", peak_force_percent),
    Metric("clonus_frequency_hz", "Hz", "Clonus frequency",
           "Dominant joint oscillation frequency after the push; NaN when there is no clonus.",
           clonus_frequency_hz, setup="clonus"),
    Metric("reflex_torque_Nm", "N·m", "Reflex size (peak reflex torque)",
           "Peak muscle torque in the 0.2 s after the onset of a passive stretch.",
           reflex_torque_Nm, setup="stretch"),
    Metric("epp_decay_ms", "ms", "EPP decay time",
           "Time for the endplate potential to fall to 1/e of its peak after one nerve shock; "
           "NaN if longer than 50 ms.", epp_decay_ms, setup="nerve_shock",
           needs_recorded_units=True),
    Metric("fibre_aps_per_impulse", "APs/impulse", "Fibre APs per nerve impulse",
           "Muscle-fibre action potentials per nerve impulse (1 = normal relay, > 1 = "
           "repetitive firing).", fibre_aps_per_impulse, setup="nerve_shock", threshold=1.5),
    Metric("fasciculation_rate_hz", "1/s", "Fasciculation rate",
           "Spontaneous motor-unit discharges per second, whole muscle: ectopic axon, nerve "
           "terminal or (at rest) motor neuron.",
           fasciculation_rate_hz),
    Metric("mean_firing_rate_hz", "Hz", "Mean firing rate",
           "Mean firing rate of the motor units that fired at least twice.",
           mean_firing_rate_hz),
)})
"""Built-in metrics by name. Every value is one float per run."""


# ---------------------------------------------------------------------------
# measurement set-ups (protocols that metrics need)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Setup:
    """A standard measurement protocol that some metrics need.

    Attributes
    ----------
    name : str
    description : str
    factory : callable
        ``factory(**quantities) -> Protocol``; its keyword arguments listed in
        ``axes`` may be swept as ``"protocol.NAME"``.
    axes : Mapping[str, (type, str)]
        Sweepable protocol quantity → (protocol component class, field) whose
        metadata gives the quantity's unit, range and label.
    component : type
        A protocol already containing this component suits the set-up as it is.
    tail_s : float
        Simulated time after the protocol's last input (s): duration =
        ``protocol.input_end_s() + tail_s``.
    """

    name: str
    description: str
    factory: Callable[..., Protocol]
    axes: Mapping[str, tuple]
    component: type
    tail_s: float

    def protocol(self, **quantities: float) -> Protocol:
        """The set-up's protocol with some quantities changed (validated)."""
        return self.factory(**quantities)

    def duration_s(self, protocol: Protocol) -> float:
        """Simulated time that covers ``protocol`` plus the set-up's tail (s)."""
        return protocol.input_end_s() + self.tail_s


def _single_shock(*, intensity_mA: float = 60.0) -> Protocol:
    """One supramaximal nerve shock at 0.1 s."""
    return experiments.train_protocol(1.0, 1, intensity_mA=intensity_mA)


SETUPS: Mapping[str, Setup] = MappingProxyType({s.name: s for s in (
    Setup("stretch", "Passive stretch test: ramp-and-hold dorsiflexion of the relaxed foot "
                     "(experiments.stretch_protocol; 15° at 100°/s by default).",
          experiments.stretch_protocol,
          {"velocity_deg_s": (ImposedStretch, "velocity_deg_s"),
           "amplitude_deg": (ImposedStretch, "amplitude_deg"),
           "hold_s": (ImposedStretch, "hold_s")},
          ImposedStretch, tail_s=0.5),
    Setup("clonus", "Clonus test: a steady load on the free foot and one brisk push "
                    "(experiments.clonus_protocol); 6 s of free movement follow.",
          experiments.clonus_protocol,
          {"load_torque_Nm": (FreeLimb, "load_torque_Nm"),
           "push_torque_Nm": (TorquePulses, "torque_Nm")},
          FreeLimb, tail_s=6.0),
    Setup("nerve_shock", "One supramaximal nerve shock at 0.1 s (experiments.train_protocol "
                         "with one shock), 0.15 s of recording after it.",
          _single_shock, {"intensity_mA": (NerveStimulation, "intensity_mA")},
          NerveStimulation, tail_s=0.15),
)})
"""Measurement set-ups by name (see :class:`Setup`)."""
