"""Parameter sweeps: run one set-up over a grid of values and measure every run.

A lecture's best picture is often a map — *where in damage-parameter space do
spasms appear?* :func:`sweep` makes that one call::

    >>> from neurosim.sweep import sweep
    >>> maps = sweep("healthy", {"combined.inhibition_loss": [0, 0.5, 1],
    ...                          "pic.strength": [0.25, 1.0]},
    ...              ["spasm_duration_s"], seeds=range(3))        # doctest: +SKIP
    >>> maps.mean("spasm_duration_s").shape                         # doctest: +SKIP
    (3, 2)

What is swept
-------------
``grid`` is either a mapping ``{axis name: values}`` (full factorial: every
combination is run, the first axis varies slowest) or a list of dicts
``[{axis name: value, ...}, ...]`` (each dict one point; the result then has a
single axis ``"point"``). Axis names are

* a dotted model parameter, e.g. ``"pic.strength"`` (``neurosim list --parameters``);
* a *combined* axis from :data:`COMBINED_AXES`, a documented lever that moves
  several parameters together — ``"combined.inhibition_loss"`` = L sets reciprocal,
  presynaptic and descending inhibition to (1 − L) × healthy (recurrent Renshaw
  inhibition is left intact, as in the ``spinal_cord_injury`` scenario);
* a *protocol* quantity ``"protocol.NAME"`` of the metrics' measurement set-up
  (:data:`SETUPS`), e.g. ``"protocol.velocity_deg_s"`` for the stretch test.

Every value is validated before any simulation starts; a bad grid raises a
:class:`ValueError` naming the axis, the value, its unit and its allowed range.

What is measured, and with which protocol
-----------------------------------------
``metrics`` are names from :data:`METRICS` (or :class:`Metric` objects). Each
metric wraps a function of :mod:`neurosim.analysis` and declares the measurement
set-up it needs (``Metric.setup``): ``None`` (any run: spasm, force, firing,
fasciculation), ``"stretch"`` (reflex size), ``"clonus"`` (clonus frequency) or
``"nerve_shock"`` (endplate potential, fibre APs per impulse). The protocol of every
point is chosen by one rule:

1. with ``protocol.*`` axes, the set-up's protocol factory builds each point's
   protocol from those values (other quantities at the factory's defaults);
2. otherwise an explicit ``protocol=`` argument, else the base scenario's own
   protocol if it already contains what the set-up needs (e.g. the
   ``stroke_like`` clonus test for ``clonus_frequency_hz``);
3. otherwise the set-up's default protocol; with no set-up at all (and a bare
   :class:`~neurosim.parameters.Parameters` base) the spasm test of the
   ``healthy`` scenario (:data:`DEFAULT_SCENARIO`).

All metrics of one sweep must share a set-up (or have none): one simulation per
point and seed serves all of them.

Seeds
-----
Every point is run once per seed in ``seeds``, and every point uses the *same*
noise seed for a given replicate (common random numbers): differences across a map
come from the parameters, not from a different noise draw, and any cell can be
reproduced with :func:`neurosim.simulate` and that seed. Results therefore do not
depend on the executor, the batching or the order in which points finish.

Where it runs
-------------
By default on all local cores (:class:`concurrent.futures.ProcessPoolExecutor`),
several points per task, with a :mod:`tqdm` progress bar. ``executor=1`` runs in
this process; any :class:`concurrent.futures.Executor` may be passed; a
``dask.distributed.Client`` or a scheduler address string runs the same tasks on a
Dask cluster (whose workers need neurosim installed). With ``cache_dir`` every
finished run is stored on disk, keyed by a hash of (parameters, protocol,
duration, step, seed, metric names, neurosim version); an interrupted sweep run
again with the same ``cache_dir`` recomputes only what is missing. Every cache entry
(and :meth:`SweepResult.save`) is written atomically: an interruption never leaves half a
file.

When a run fails
----------------
A run that raises (e.g. a metric that cannot be measured on that point:
``"unit 0 received no nerve impulse"``) does not stop the sweep: its cells hold NaN, the
failure (grid index, axis values, seed, message) is listed in
:attr:`SweepResult.failures` and summarised by :meth:`SweepResult.failure_summary`, the
other points are completed, and :func:`sweep` warns once (:class:`SweepFailureWarning`).
Failed runs are not cached, so a rerun tries them again. Ctrl-C (:class:`KeyboardInterrupt`)
stops the sweep at once with :class:`SweepInterrupted`; the runs finished before it stay
in ``cache_dir``, so running the same sweep again resumes.

A teaching toy, not a clinical model.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
import inspect
import json
import math
import os
import signal
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

from . import _schema, analysis, experiments
from ._atomic import check_writable, write_text
from . import scenarios as _scenarios
from .engine import DT_MS, DURATION_S, simulate
from .parameters import Parameters, field_specs
from .protocols import FreeLimb, ImposedStretch, NerveStimulation, Protocol, TorquePulses
from .result import SimulationResult, read_npz, write_npz

__all__ = ["sweep", "SweepResult", "Metric", "METRICS", "Setup", "SETUPS", "AxisSpec",
           "CombinedAxis", "COMBINED_AXES", "axis_spec", "BuiltinMap", "BUILTIN_MAPS",
           "builtin_map", "DEFAULT_SCENARIO", "SPASM_THRESHOLD_S", "FORMAT_NAME",
           "FORMAT_VERSION", "SweepFailure", "SweepFailureWarning", "SweepInterrupted"]

FORMAT_NAME = "neurosim-sweep"
FORMAT_VERSION = 1
DEFAULT_SCENARIO = "healthy"
"""Scenario whose protocol and duration a bare :class:`Parameters` base runs with."""
PROTOCOL_PREFIX = "protocol."
POINT_AXIS = "point"
SPASM_THRESHOLD_S = inspect.signature(analysis.spasm_episodes).parameters["min_duration_s"].default
"""Shortest involuntary contraction counted as a spasm (s); the phase boundary of spasm maps."""
MAX_RUNS = 1_000_000
"""Most runs (grid points × seeds) one sweep may have: a larger grid is a typo, not a plan."""
_MAX_POINTS_PER_TASK = 32
_TASKS_PER_WORKER = 8
_FAILURES_SHOWN = 3  # failures listed by name in a summary


# ---------------------------------------------------------------------------
# metrics
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Metric:
    """One number measured on every run of a sweep.

    Attributes
    ----------
    name : str
        Identifier (``--metric NAME``); also part of the cache key.
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


def _first_shock_s(result: SimulationResult) -> float:
    stimuli = result.protocol.stimuli()
    if not stimuli:
        raise ValueError("this metric needs a nerve shock in the protocol "
                         "(see neurosim.experiments.train_protocol)")
    return stimuli[0][0]


def epp_decay_ms(result: SimulationResult) -> float:
    """Decay of the endplate potential to 1/e after the first shock (ms; NaN if > 50 ms).

    Measured in the first recorded unit (the smallest) by :func:`analysis.endplate_response`.
    """
    return analysis.endplate_response(result, impulse_time_s=_first_shock_s(result)).epp_decay_ms


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

    def protocol(self, **quantities) -> Protocol:
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


# ---------------------------------------------------------------------------
# axes
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AxisSpec:
    """What a sweep axis is: name, kind, unit, range and label.

    ``kind`` is ``"parameter"``, ``"combined"``, ``"protocol"`` or ``"point"``.
    """

    name: str
    kind: str
    unit: str
    min: float
    max: float
    label: str
    integer: bool = False

    def describe_range(self) -> str:
        """The allowed range as text, e.g. ``"[0, 1] (dimensionless)"``."""
        return f"[{self.min:g}, {self.max:g}] ({_unit_words(self.unit)})"


@dataclass(frozen=True)
class CombinedAxis:
    """A documented lever that moves several parameters together.

    A value ``x`` sets every field in ``fields`` to its healthy default × (1 − x):
    0 leaves them healthy, 1 removes them entirely.
    """

    name: str
    label: str
    help: str
    fields: tuple

    @property
    def spec(self) -> AxisSpec:
        """The axis's description: dimensionless, allowed range [0, 1]."""
        return AxisSpec(self.name, "combined", "1", 0.0, 1.0, self.label)

    def changes(self, value: float) -> dict[str, float]:
        """Parameter changes for one value of the axis."""
        specs = field_specs()
        return {name: specs[name].default * (1.0 - value) for name in self.fields}


COMBINED_AXES: Mapping[str, CombinedAxis] = MappingProxyType({a.name: a for a in (
    CombinedAxis("combined.inhibition_loss", "Inhibition loss",
                 "Fraction of reciprocal Ia, presynaptic and descending inhibition lost "
                 "(0 = healthy, 0.8 = the spinal_cord_injury scenario, 1 = all lost); "
                 "recurrent (Renshaw) inhibition stays intact.",
                 ("inhibition.reciprocal", "inhibition.presynaptic",
                  "inhibition.descending")),
)})
"""Combined axes by name (see :class:`CombinedAxis`)."""


def _unit_words(unit: str) -> str:
    return "dimensionless" if unit == "1" else unit


def _component_spec(name: str, cls: type, field_name: str) -> AxisSpec:
    meta = {f.name: f.metadata for f in dataclasses.fields(cls)}[field_name]
    return AxisSpec(name, "protocol", meta["unit"], meta["min"], meta["max"], meta["label"],
                    bool(meta.get("integer", False)))


def axis_spec(name: str, setup: str | None = None) -> AxisSpec:
    """Describe a sweep axis (unit, range, label) from the metadata.

    Parameters
    ----------
    name : str
        A dotted parameter, a combined axis or ``"protocol.NAME"``.
    setup : str, optional
        Set-up whose protocol quantities ``"protocol.NAME"`` refers to.

    Raises
    ------
    ValueError
        For an unknown name (with suggestions).
    """
    if name in COMBINED_AXES:
        return COMBINED_AXES[name].spec
    if name.startswith(PROTOCOL_PREFIX):
        quantity = name[len(PROTOCOL_PREFIX):]
        if setup is None:
            raise ValueError(f"grid axis {name!r} is a protocol quantity, but no metric of this "
                             f"sweep has a measurement set-up; protocol axes exist for: "
                             + "; ".join(f"{s.name} ({', '.join(PROTOCOL_PREFIX + a for a in s.axes)})"
                                         for s in SETUPS.values()))
        axes = SETUPS[setup].axes
        if quantity not in axes:
            raise ValueError(f"unknown protocol axis {name!r} for the {setup!r} set-up; known: "
                             + ", ".join(PROTOCOL_PREFIX + a for a in axes))
        return _component_spec(name, *axes[quantity])
    specs = field_specs()
    if name not in specs:
        try:
            Parameters().get(name)  # raises the library's message with suggestions
        except ValueError as exc:
            raise ValueError(f"{exc}; combined axes: {', '.join(COMBINED_AXES)}") from None
    spec = specs[name]
    return AxisSpec(name, "parameter", spec.unit, spec.min, spec.max, spec.label, spec.integer)


# ---------------------------------------------------------------------------
# planning: validate everything, build every point
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Point:
    """One grid point: what is simulated (every replicate seed uses it)."""

    parameters: Parameters
    protocol: Protocol
    duration_s: float
    record: bool


@dataclass(frozen=True)
class _Plan:
    label: str
    axes: tuple  # of AxisSpec
    axis_values: tuple  # of ndarray
    shape: tuple
    points: tuple  # of _Point, C order over ``shape``
    point_values: tuple  # of dict axis -> value (list grids only)
    metrics: tuple  # of Metric
    setup: str | None
    parameters: Parameters
    protocol: Protocol
    duration_s: float
    seeds: tuple
    dt_ms: float


def _resolve_metrics(metrics) -> tuple:
    if isinstance(metrics, (str, Metric)):
        metrics = [metrics]
    try:
        metrics = list(metrics)
    except TypeError:
        raise ValueError(f"metrics = {metrics!r} must be a list of metric names; known: "
                         f"{', '.join(METRICS)}") from None
    if not metrics:
        raise ValueError(f"metrics is empty: name at least one of {', '.join(METRICS)}")
    out = []
    for m in metrics:
        if isinstance(m, Metric):
            out.append(m)
        elif isinstance(m, str) and m in METRICS:
            out.append(METRICS[m])
        else:
            raise ValueError(f"unknown metric {m!r}; known: {', '.join(METRICS)}")
    names = [m.name for m in out]
    if len(set(names)) != len(names):
        raise ValueError(f"metrics {names} name the same metric twice")
    setups = {m.setup for m in out if m.setup is not None}
    if len(setups) > 1:
        raise ValueError("metrics " + ", ".join(f"{m.name} (set-up {m.setup})" for m in out
                                                if m.setup)
                         + " need different protocols; run one sweep per set-up")
    for m in out:
        if m.setup is not None and m.setup not in SETUPS:
            raise ValueError(f"metric {m.name!r} needs unknown set-up {m.setup!r}; known: "
                             f"{', '.join(SETUPS)}")
    return tuple(out)


def _resolve_base(base):
    """(label, parameters, base protocol or None, base duration or None)."""
    if isinstance(base, str):
        base = _scenarios.get(base)
    if isinstance(base, _scenarios.Scenario):
        return base.name, base.parameters, base.protocol, base.duration_s
    if isinstance(base, Parameters):
        return "parameters", base, None, None
    raise ValueError(f"base = {base!r} must be a scenario name, a Scenario or a Parameters "
                     f"object")


def _numeric_values(name: str, values, spec: AxisSpec) -> np.ndarray:
    """Axis values as a 1-d float array, or a ValueError naming axis, value, unit, range."""
    where = f"grid axis {name!r}"
    if isinstance(values, (str, bytes)) or np.ndim(values) > 1:
        raise ValueError(f"{where}: values {values!r} must be a list of numbers in "
                         f"{spec.describe_range()}")
    arr = np.atleast_1d(np.asarray(values, dtype=object))
    if arr.size == 0:
        raise ValueError(f"{where} is empty: give at least one value in {spec.describe_range()}")
    out = np.empty(arr.size)
    for i, v in enumerate(arr):
        if not _schema.is_number(v):
            raise ValueError(f"{where}: {name} = {v!r} must be a number in "
                             f"{spec.describe_range()}")
        out[i] = float(v)
    return out


def _python_value(spec: AxisSpec, value: float):
    return int(value) if spec.integer and float(value).is_integer() else float(value)


def _check_value(spec: AxisSpec, value: float, setup: str | None) -> None:
    """Raise a ValueError (axis, value, unit, range) for an invalid value."""
    if spec.kind == "parameter":
        try:
            Parameters().with_changes(**{spec.name: _python_value(spec, value)})
        except ValueError as exc:
            raise ValueError(f"grid axis {spec.name!r}: {exc}") from None
    elif spec.kind == "protocol":
        quantity = spec.name[len(PROTOCOL_PREFIX):]
        try:
            SETUPS[setup].protocol(**{quantity: _python_value(spec, value)})
        except ValueError as exc:
            raise ValueError(f"grid axis {spec.name!r}: {exc}") from None
    else:
        with _schema.reading(f"grid axis {spec.name!r}"):
            _schema.Number(unit=spec.unit, min=spec.min, max=spec.max,
                           integer=spec.integer).check(value, spec.name)


def _point_changes(values: Mapping[str, float], specs: Mapping[str, AxisSpec]):
    """Split one point's axis values into (parameter changes, protocol quantities)."""
    changes, quantities = {}, {}
    for name, value in values.items():
        spec = specs[name]
        if spec.kind == "combined":
            changes.update(COMBINED_AXES[name].changes(value))
        elif spec.kind == "protocol":
            quantities[name[len(PROTOCOL_PREFIX):]] = _python_value(spec, value)
        else:
            changes[name] = _python_value(spec, value)
    return changes, quantities


def _check_overlaps(names) -> None:
    combined_fields = {f: c for c in names if c in COMBINED_AXES for f in COMBINED_AXES[c].fields}
    for name in names:
        if name in combined_fields:
            raise ValueError(f"grid axes {combined_fields[name]!r} and {name!r} both set {name}; "
                             f"vary one or the other")


def _plan(base, grid, metrics, *, seeds, protocol, duration_s, dt_ms, label) -> _Plan:
    metrics = _resolve_metrics(metrics)
    setup = next((m.setup for m in metrics if m.setup), None)
    base_label, parameters, base_protocol, base_duration = _resolve_base(base)
    seeds = _resolve_seeds(seeds)
    if protocol is not None:
        protocol = Protocol(protocol)
    if duration_s is not None:
        duration_s = DURATION_S.check(duration_s, "duration_s")

    # ---- axes and the values of every point
    if isinstance(grid, Mapping):
        if not grid:
            raise ValueError("grid is empty: give at least one axis, e.g. "
                             "{'pic.strength': [0.5, 1.0]}")
        names = list(grid)
        specs = {n: axis_spec(n, setup) for n in names}
        axis_values = tuple(_numeric_values(n, grid[n], specs[n]) for n in names)
        _check_size(math.prod(v.size for v in axis_values), len(seeds), " × ".join(
            f"{v.size} ({n})" for n, v in zip(names, axis_values)))
        for n, vals in zip(names, axis_values):
            for v in vals:
                _check_value(specs[n], v, setup)
        shape = tuple(v.size for v in axis_values)
        combos = [dict(zip(names, (axis_values[k][i] for k, i in enumerate(idx))))
                  for idx in np.ndindex(*shape)]
        axes = tuple(specs[n] for n in names)
        point_values = ()
    else:
        if isinstance(grid, (str, bytes)):
            raise ValueError("grid must be a mapping {axis: values} or a list of dicts")
        grid = list(grid)
        if not grid:
            raise ValueError("grid is an empty list: give at least one point")
        _check_size(len(grid), len(seeds), f"{len(grid)} listed")
        names, combos = [], []
        specs: dict[str, AxisSpec] = {}
        for k, point in enumerate(grid):
            if not isinstance(point, Mapping) or not point:
                raise ValueError(f"grid point {k} = {point!r} must be a non-empty dict "
                                 f"{{axis: value}}")
            values = {}
            for n, v in point.items():
                if n not in specs:
                    specs[n] = axis_spec(n, setup)
                    names.append(n)
                if np.ndim(v) != 0:
                    raise ValueError(f"grid point {k}: {n} = {v!r} must be a single number in "
                                     f"{specs[n].describe_range()}")
                arr = _numeric_values(n, [v], specs[n])
                _check_value(specs[n], arr[0], setup)
                values[n] = float(arr[0])
            combos.append(values)
        axes = (AxisSpec(POINT_AXIS, "point", "1", 0, len(grid) - 1, "grid point", True),)
        axis_values = (np.arange(len(grid), dtype=float),)
        shape = (len(grid),)
        point_values = tuple(combos)
    _check_overlaps(names)
    has_protocol_axes = any(specs[n].kind == "protocol" for n in names)
    if protocol is not None and has_protocol_axes:
        raise ValueError("protocol= cannot be combined with protocol.* grid axes (the set-up "
                         "builds each point's protocol)")

    # ---- protocol and duration of the sweep (see module docstring)
    def protocol_for(quantities):
        if has_protocol_axes:
            return SETUPS[setup].protocol(**quantities), True
        if protocol is not None:
            return protocol, False
        if base_protocol is not None and (setup is None or any(
                isinstance(c, SETUPS[setup].component) for c in base_protocol.components)):
            return base_protocol, False
        if setup is not None:
            return SETUPS[setup].protocol(), True
        default = _scenarios.get(DEFAULT_SCENARIO)
        return default.protocol, False

    def duration_for(proto, from_setup):
        if duration_s is not None:
            return duration_s
        if from_setup:
            return SETUPS[setup].duration_s(proto)
        if base_duration is not None:
            return base_duration
        if setup is not None:
            return SETUPS[setup].duration_s(proto)
        return _scenarios.get(DEFAULT_SCENARIO).duration_s

    record = any(m.needs_recorded_units for m in metrics)
    points = []
    for values in combos:
        changes, quantities = _point_changes(values, specs)
        proto, from_setup = protocol_for(quantities)
        points.append(_Point(parameters.with_changes(**changes), proto,
                             duration_for(proto, from_setup), record))
    sweep_protocol, from_setup = protocol_for({})
    return _Plan(label=label or base_label, axes=axes, axis_values=axis_values, shape=shape,
                 points=tuple(points), point_values=point_values, metrics=metrics, setup=setup,
                 parameters=parameters, protocol=sweep_protocol,
                 duration_s=(float("nan") if has_protocol_axes and duration_s is None
                             else duration_for(sweep_protocol, from_setup)),
                 seeds=seeds, dt_ms=float(dt_ms))


def _check_size(n_points: int, n_seeds: int, how: str) -> None:
    """Refuse a sweep of more than :data:`MAX_RUNS` runs before anything is built."""
    if n_points * n_seeds > MAX_RUNS:
        raise ValueError(f"the grid has {how} = {n_points:,} points × {n_seeds:,} seed(s) = "
                         f"{n_points * n_seeds:,} runs; a sweep may have at most {MAX_RUNS:,}")


def _resolve_seeds(seeds) -> tuple:
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        raise ValueError(f"seeds = {seeds!r} must be a sequence of seeds, e.g. (0,) or range(5)")
    if hasattr(seeds, "__len__") and not isinstance(seeds, (str, bytes)) \
            and len(seeds) > MAX_RUNS:
        raise ValueError(f"seeds has {len(seeds):,} seeds; a sweep may have at most "
                         f"{MAX_RUNS:,} runs")
    try:
        seeds = list(seeds)
    except TypeError:
        raise ValueError(f"seeds = {seeds!r} must be a sequence of whole numbers ≥ 0") from None
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed, e.g. (0,)")
    for s in seeds:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0:
            raise ValueError(f"seed {s!r} must be a whole number ≥ 0")
    if len(set(int(s) for s in seeds)) != len(seeds):
        raise ValueError(f"seeds {seeds} repeat a seed; repeated seeds give identical runs")
    return tuple(int(s) for s in seeds)


# ---------------------------------------------------------------------------
# running: tasks, cache, executors
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Task:
    """One simulation: a point, one seed, and where its values go."""

    index: int  # flat index into (n_points, n_seeds)
    point: _Point
    seed: int
    dt_ms: float


def _run_task(task: _Task, metrics) -> list[float]:
    record = None if task.point.record else ()
    result = simulate(task.point.parameters, task.point.protocol, task.point.duration_s,
                      dt_ms=task.dt_ms, seed=task.seed, record_units=record)
    return [m(result) for m in metrics]


def _error_text(exc: BaseException) -> str:
    """One line saying what went wrong, e.g. ``"ValueError: unit 0 received no ..."``."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _attempt(task: _Task, metrics) -> tuple:
    """``(values, None)`` for a finished run, ``(None, error text)`` for a failed one.

    Only :class:`Exception` counts as a failed run; Ctrl-C (:class:`KeyboardInterrupt`)
    and :class:`SystemExit` stop the sweep.
    """
    try:
        return _run_task(task, metrics), None
    except Exception as exc:
        return None, _error_text(exc)


def _run_batch(tasks, metrics) -> list[tuple]:
    """Worker entry point: simulate and measure several tasks (module level: picklable).

    Returns one ``(values, error)`` pair per task (see :func:`_attempt`).
    """
    return [_attempt(t, metrics) for t in tasks]


def _cache_key(task: _Task, metric_names, version: str) -> str:
    record = dict(parameters=task.point.parameters.to_dict(),
                  protocol=task.point.protocol.to_dict(), duration_s=task.point.duration_s,
                  dt_ms=task.dt_ms, seed=task.seed, record=task.point.record,
                  metrics=list(metric_names), neurosim=version)
    text = json.dumps(record, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _cache_entry_schema(metric_names) -> _schema.Record:
    """What a cache entry holds: the run's seed and one number (or NaN) per metric."""
    return _schema.Record(required=dict(
        seed=_schema.Number(integer=True, min=0),
        values=_schema.Record(required={name: _schema.Number(nan_ok=True)
                                        for name in metric_names},
                              what="a mapping {metric name: value}")),
        what="a cache entry {'seed': .., 'values': {metric: value}}")


def _read_cache_entry(data, path, seed: int, metric_names) -> list[float]:
    """The metric values of a cache entry, in ``metric_names`` order, or a ValueError
    naming the file, the key and what was expected (also when the seed is not ``seed``)."""
    with _schema.reading(f"sweep cache entry {str(path)!r}"):
        entry = _schema.check(data, _cache_entry_schema(metric_names))
        if entry["seed"] != seed:
            raise ValueError(f"seed = {entry['seed']} does not match the run it is filed "
                             f"under (seed {seed})")
        return [entry["values"][name] for name in metric_names]


class _Cache:
    """Completed runs on disk: one small JSON file per (point, seed), written atomically."""

    def __init__(self, directory, metric_names):
        from . import __version__
        self.directory = None if directory is None else Path(directory)
        self.metric_names = tuple(metric_names)
        self.version = __version__
        if self.directory is not None:
            if self.directory.exists() and not self.directory.is_dir():
                raise ValueError(f"cache_dir {str(self.directory)!r} exists and is not a "
                                 f"directory")
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ValueError(f"cannot create cache_dir {str(self.directory)!r}: "
                                 f"{exc.strerror or exc}") from None
            try:  # before any run: a cache that cannot be written fails now, not later
                check_writable(self.directory / "entry.json")
            except ValueError as exc:
                raise ValueError(f"cache_dir: {exc}") from None

    def _path(self, task):
        return self.directory / f"{_cache_key(task, self.metric_names, self.version)}.json"

    def get(self, task):
        """The cached metric values of ``task``, or ``None`` to compute them (again).

        An entry that is missing or cut short is computed again quietly; a readable entry
        that does not match :func:`_cache_entry_schema` (wrong keys, types, a non-finite
        value, another seed) is computed again with a warning that names the file.
        """
        if self.directory is None:
            return None
        path = self._path(task)
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return None  # missing or unreadable: compute it again
        try:
            return _read_cache_entry(data, path, task.seed, self.metric_names)
        except ValueError as exc:
            warnings.warn(f"{exc}; computing this run again", RuntimeWarning, stacklevel=2)
            return None

    def put(self, task, values) -> None:
        if self.directory is None:
            return
        # atomic: an interruption or a full disk never leaves half a file (an OSError
        # names the entry and stops the sweep; the entries written so far stay)
        write_text(self._path(task), json.dumps(dict(
            seed=task.seed, values=dict(zip(self.metric_names, values)))))


def _is_dask_client(executor) -> bool:
    return type(executor).__module__.split(".")[0] == "distributed" and \
        hasattr(executor, "submit") and hasattr(executor, "gather")


def _batches(tasks, n_workers: int) -> list[list[_Task]]:
    size = max(1, min(_MAX_POINTS_PER_TASK, math.ceil(len(tasks) / (n_workers * _TASKS_PER_WORKER))))
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def _warm_engine() -> None:
    """Load the compiled loop in this process before workers start.

    Forked workers inherit it; spawned ones find numba's on-disk cache filled
    instead of all compiling at once.
    """
    simulate(duration_s=0.01, seed=0, record_units=())


def _execute(todo, metrics, executor, on_done) -> None:
    """Run ``todo`` tasks on ``executor``; call ``on_done(batch, values)`` as batches finish."""
    if executor is None:
        executor = os.cpu_count() or 1
    if isinstance(executor, bool) or (isinstance(executor, (int, np.integer))
                                      and executor < 1):
        raise ValueError(f"executor = {executor!r} workers must be ≥ 1")
    if isinstance(executor, (int, np.integer)) and executor == 1:
        for task in todo:  # in this process, one run at a time
            on_done([task], [_attempt(task, metrics)])
        return
    if isinstance(executor, (int, np.integer)):
        _warm_engine()
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=int(executor),
                                                      initializer=_ignore_sigint)
        try:
            _execute_futures(pool, _batches(todo, int(executor)), metrics, on_done)
        except BaseException:
            _stop_pool(pool)  # Ctrl-C or an error here: do not wait for running batches
            raise
        pool.shutdown(wait=True)
        return
    if isinstance(executor, concurrent.futures.Executor):
        workers = getattr(executor, "_max_workers", None) or os.cpu_count() or 1
        _execute_futures(executor, _batches(todo, workers), metrics, on_done)
        return
    if isinstance(executor, str):
        distributed = _import_distributed()
        with distributed.Client(executor) as client:
            _execute_dask(client, todo, metrics, on_done)
        return
    if _is_dask_client(executor):
        _execute_dask(executor, todo, metrics, on_done)
        return
    raise ValueError(f"executor = {executor!r} must be None (all local cores), a number of "
                     f"local worker processes, a concurrent.futures.Executor, a "
                     f"dask.distributed.Client or a Dask scheduler address")


def _ignore_sigint() -> None:
    """Worker initializer: Ctrl-C is handled by the parent, which stops the workers
    (otherwise every idle worker prints its own KeyboardInterrupt traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_pool(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the worker processes now."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def _batch_outcomes(batch, future) -> list[tuple]:
    """A finished batch's ``(values, error)`` pairs; a batch that failed as a whole
    (e.g. its worker process died) fails each of its runs with that error."""
    try:
        return future.result()
    except Exception as exc:
        return [(None, _error_text(exc))] * len(batch)


def _execute_futures(pool, batches, metrics, on_done) -> None:
    futures = {pool.submit(_run_batch, batch, metrics): batch for batch in batches}
    try:
        for future in concurrent.futures.as_completed(futures):
            on_done(futures[future], _batch_outcomes(futures[future], future))
    except BaseException:
        for f in futures:
            f.cancel()
        raise


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise ValueError("a Dask executor needs dask.distributed: "
                         "python -m pip install 'dask[distributed]'") from None
    return distributed


def _execute_dask(client, todo, metrics, on_done) -> None:
    distributed = _import_distributed()
    n_workers = max(1, sum(client.nthreads().values()))
    batches = _batches(todo, n_workers)
    futures = [client.submit(_run_batch, batch, metrics, pure=False) for batch in batches]
    owner = {f.key: batch for f, batch in zip(futures, batches)}
    try:
        for future in distributed.as_completed(futures):
            on_done(owner[future.key], _batch_outcomes(owner[future.key], future))
    except BaseException:
        client.cancel(futures)
        raise


# ---------------------------------------------------------------------------
# failures and interruptions
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SweepFailure:
    """One run of a sweep that raised instead of giving values (its cells are NaN).

    Attributes
    ----------
    index : tuple of int
        Grid index of the point, ``(i_1, ..., i_axes)`` (``(k,)`` for a list grid).
    point : Mapping[str, float]
        Axis values of the point (for a list grid: the point's own ``{axis: value}``).
    seed : int
        Noise seed of the run.
    message : str
        What went wrong, one line (``"ValueError: unit 0 received no nerve impulse"``).
    """

    index: tuple
    point: Mapping
    seed: int
    message: str

    def __post_init__(self):
        object.__setattr__(self, "index", tuple(int(i) for i in self.index))
        object.__setattr__(self, "point", MappingProxyType(
            {str(k): float(v) for k, v in dict(self.point).items()}))
        object.__setattr__(self, "seed", int(self.seed))
        object.__setattr__(self, "message", str(self.message))

    def where(self) -> str:
        """The run's coordinates as text, e.g. ``"pic.strength = 0.25, seed 0"``."""
        values = ", ".join(f"{k} = {v:g}" for k, v in self.point.items())
        return f"{values}, seed {self.seed}" if values else f"seed {self.seed}"

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"

    def __repr__(self) -> str:
        return f"SweepFailure(index={self.index}, {self})"

    def __reduce__(self):  # picklable despite the read-only mapping
        return (type(self), (self.index, dict(self.point), self.seed, self.message))

    def to_dict(self) -> dict:
        """JSON-ready form (stored in the sweep file)."""
        return dict(index=list(self.index), point=dict(self.point), seed=self.seed,
                    message=self.message)

    @classmethod
    def from_dict(cls, data: Mapping) -> "SweepFailure":
        """Rebuild from :meth:`to_dict` output."""
        return cls(index=data["index"], point=data["point"], seed=data["seed"],
                   message=data["message"])


def _summarise_failures(failures, n_runs: int, limit: int = _FAILURES_SHOWN) -> str:
    """``"2 of 8 runs failed (NaN in the result): <first ones>; and 1 more"`` on one line."""
    if not failures:
        return f"all {n_runs} runs finished"
    shown = "; ".join(str(f) for f in failures[:limit])
    more = len(failures) - limit
    return (f"{len(failures)} of {n_runs} run{'' if n_runs == 1 else 's'} failed (NaN in "
            f"the result): {shown}" + (f"; and {more} more" if more > 0 else ""))


class SweepFailureWarning(RuntimeWarning):
    """Warned by :func:`sweep` when some runs failed (see :attr:`SweepResult.failures`)."""


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a :func:`sweep`; the runs finished before it stay in the cache.

    A :class:`KeyboardInterrupt`, so code that stops on Ctrl-C still does.

    Attributes
    ----------
    n_finished : int
        Runs done (computed or read from the cache) before the interruption.
    n_runs : int
        Runs of the whole sweep.
    cache_dir : Path or None
        Where the finished runs are kept (``None``: no cache, they are lost).
    """

    def __init__(self, n_finished: int, n_runs: int, cache_dir):
        self.n_finished, self.n_runs = int(n_finished), int(n_runs)
        self.cache_dir = None if cache_dir is None else Path(cache_dir)
        if self.cache_dir is None:
            keep = ("without a cache directory they are lost (use cache_dir= / --cache DIR "
                    "to resume an interrupted sweep)")
        else:
            keep = (f"the finished runs are kept in {str(self.cache_dir)!r}; run the same "
                    f"sweep again to resume")
        super().__init__(f"sweep interrupted after {self.n_finished} of {self.n_runs} runs; "
                         f"{keep}")

    def __reduce__(self):
        return (type(self), (self.n_finished, self.n_runs, self.cache_dir))


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------

@dataclass(frozen=True, repr=False, eq=False)
class SweepResult:
    """Outcome of a :func:`sweep`: labelled axes and one array per metric.

    Attributes
    ----------
    label : str
        Base scenario name (``"parameters"`` for a bare Parameters base) or map name.
    axis_names : tuple of str, length n_axes
        Swept quantities, slowest-varying first (``("point",)`` for a list grid).
    axis_values : tuple of ndarray, each shape (n_i,)
        Values along each axis, in the axis's unit.
    axis_units, axis_labels : tuple of str, length n_axes
    metric_names, metric_units, metric_labels : tuple of str, length n_metrics
    metric_thresholds : tuple of float or None, length n_metrics
        Level drawn as a contour by phase diagrams (None: no natural threshold).
    values : Mapping[str, ndarray], each shape (n_1, ..., n_axes, n_seeds)
        Metric value of every run (read-only).
    seeds : ndarray of int, shape (n_seeds,)
        Noise seed of each replicate (the same for every point).
    parameters : Parameters
        Base parameters the grid changes are applied to.
    protocol : Protocol
        Protocol of the runs (at the set-up's default quantities when a protocol
        quantity is swept).
    setup : str
        Measurement set-up of the metrics ("" if none).
    duration_s : float
        Simulated time of every run (NaN when it varies with a protocol axis).
    dt_ms : float
        Integration step (ms).
    points : tuple of dict
        For list grids: the axis values of each point; empty for factorial grids.
    neurosim_version : str
    n_from_cache : int
        Runs read from the cache instead of simulated (bookkeeping of this call).
    failures : tuple of SweepFailure
        Runs that raised instead of giving values (their cells are NaN), in grid order;
        empty when every run finished. See :meth:`failure_summary`.
    """

    label: str
    axis_names: tuple
    axis_values: tuple
    axis_units: tuple
    axis_labels: tuple
    metric_names: tuple
    metric_units: tuple
    metric_labels: tuple
    metric_thresholds: tuple
    values: Mapping
    seeds: np.ndarray
    parameters: Parameters
    protocol: Protocol
    setup: str
    duration_s: float
    dt_ms: float
    points: tuple = ()
    neurosim_version: str = ""
    n_from_cache: int = 0
    failures: tuple = ()

    def __post_init__(self):
        def frozen(a, dtype=None):
            a = np.array(a, dtype=dtype)
            a.flags.writeable = False
            return a
        object.__setattr__(self, "axis_values", tuple(frozen(v, float) for v in self.axis_values))
        object.__setattr__(self, "seeds", frozen(self.seeds, np.int64))
        object.__setattr__(self, "values", MappingProxyType(
            {name: frozen(self.values[name], float) for name in self.metric_names}))
        for name in ("axis_names", "axis_units", "axis_labels", "metric_names", "metric_units",
                     "metric_labels", "metric_thresholds", "points"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "failures", tuple(
            f if isinstance(f, SweepFailure) else SweepFailure.from_dict(f)
            for f in self.failures))
        expected = self.shape + (self.seeds.size,)
        for name, arr in self.values.items():
            if arr.shape != expected:
                raise ValueError(f"metric {name!r} has shape {arr.shape}; expected {expected} "
                                 f"(axes {self.axis_names} × seeds)")

    # ------------------------------------------------------------- access
    @property
    def shape(self) -> tuple:
        """Grid shape ``(n_1, ..., n_axes)`` (without the seed axis)."""
        return tuple(v.size for v in self.axis_values)

    @property
    def n_seeds(self) -> int:
        """Number of replicate seeds (the last dimension of every metric array)."""
        return int(self.seeds.size)

    def _metric(self, metric: str) -> int:
        if metric not in self.metric_names:
            raise ValueError(f"metric {metric!r} is not in this sweep; it has "
                             f"{', '.join(self.metric_names)}")
        return self.metric_names.index(metric)

    @property
    def n_runs(self) -> int:
        """Runs of the sweep: grid points × seeds."""
        return int(np.prod(self.shape)) * self.n_seeds

    def failure_summary(self, limit: int = _FAILURES_SHOWN) -> str:
        """One line: how many runs failed and the first ``limit`` with coordinates and message.

        E.g. ``"1 of 4 runs failed (NaN in the result): pic.strength = 0.25, seed 0:
        ValueError: unit 0 received no nerve impulse"``.
        """
        return _summarise_failures(self.failures, self.n_runs, limit)

    def __getitem__(self, metric: str) -> np.ndarray:
        """Values of one metric, shape (n_1, ..., n_axes, n_seeds)."""
        self._metric(metric)
        return self.values[metric]

    def mean(self, metric: str) -> np.ndarray:
        """Mean over seeds, ignoring NaN (e.g. no clonus), shape (n_1, ..., n_axes)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells stay NaN
            return np.nanmean(self[metric], axis=-1)

    def std(self, metric: str) -> np.ndarray:
        """Spread (population standard deviation) over seeds, ignoring NaN, shape (n_1, ..., n_axes)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanstd(self[metric], axis=-1)

    def unit(self, name: str) -> str:
        """Unit of a metric or an axis."""
        if name in self.axis_names:
            return self.axis_units[self.axis_names.index(name)]
        return self.metric_units[self._metric(name)]

    def label_of(self, name: str) -> str:
        """Axis-ready label ``"Label (unit)"`` of a metric or an axis."""
        if name in self.axis_names:
            i = self.axis_names.index(name)
            text, unit = self.axis_labels[i], self.axis_units[i]
        else:
            i = self._metric(name)
            text, unit = self.metric_labels[i], self.metric_units[i]
        return text if unit == "1" else f"{text} ({unit})"

    def threshold(self, metric: str) -> float | None:
        """The metric's natural threshold (or None)."""
        return self.metric_thresholds[self._metric(metric)]

    def point(self, *index: int) -> dict[str, float]:
        """Axis values of one grid point, e.g. ``result.point(2, 0)``."""
        if len(index) != len(self.shape):
            raise ValueError(f"point needs {len(self.shape)} indices, got {len(index)}")
        for i, n in zip(index, self.shape):
            if not 0 <= i < n:
                raise ValueError(f"index {i} is out of range [0, {n - 1}]")
        if self.points:
            return dict(self.points[index[0]])
        return {name: float(v[i]) for name, v, i in zip(self.axis_names, self.axis_values, index)}

    def __repr__(self) -> str:
        axes = " × ".join(f"{name} [{v.min():g}…{v.max():g}, {v.size}]"
                          for name, v in zip(self.axis_names, self.axis_values))
        metrics = []
        for name, unit in zip(self.metric_names, self.metric_units):
            m = self.mean(name)
            finite = m[np.isfinite(m)]
            span = f"{finite.min():.3g}…{finite.max():.3g}" if finite.size else "all NaN"
            metrics.append(f"{name} {span} {'' if unit == '1' else unit}".rstrip())
        failed = f", {len(self.failures):,} failed" if self.failures else ""
        return (f"SweepResult({self.label!r}, {axes}, {self.n_seeds} seed"
                f"{'' if self.n_seeds == 1 else 's'}, {self.n_runs:,} runs{failed}; mean "
                + "; ".join(metrics) + ")")

    # -------------------------------------------------------------- save/load
    def _metadata(self) -> dict:
        return dict(format=FORMAT_NAME, version=FORMAT_VERSION, label=self.label,
                    axis_names=list(self.axis_names), axis_units=list(self.axis_units),
                    axis_labels=list(self.axis_labels), metric_names=list(self.metric_names),
                    metric_units=list(self.metric_units),
                    metric_labels=list(self.metric_labels),
                    metric_thresholds=list(self.metric_thresholds),
                    parameters=self.parameters.to_dict(), protocol=self.protocol.to_dict(),
                    setup=self.setup,
                    duration_s=None if math.isnan(self.duration_s) else self.duration_s,
                    dt_ms=self.dt_ms, points=[dict(p) for p in self.points],
                    neurosim_version=self.neurosim_version, n_from_cache=self.n_from_cache,
                    failures=[f.to_dict() for f in self.failures])

    def save(self, path) -> Path:
        """Save to ``path`` (``.npz``): arrays plus JSON metadata, nothing pickled.

        The list of failed runs is saved too. The write is atomic: if it fails (disk
        full, Ctrl-C), an existing file at ``path`` is left as it was.

        Returns
        -------
        Path
            The file written.
        """
        arrays = {f"axis_{i}": v for i, v in enumerate(self.axis_values)}
        arrays.update({f"metric_{i}": self.values[name]
                       for i, name in enumerate(self.metric_names)})
        arrays["seeds"] = self.seeds
        return write_npz(path, arrays, self._metadata())

    @classmethod
    def load(cls, path) -> "SweepResult":
        """Load a sweep written by :meth:`save`.

        Raises
        ------
        ValueError
            If the file is missing, corrupt, not a neurosim sweep, or from another
            format version.
        """
        path = Path(path)
        arrays, meta = read_npz(path, what="sweep", format_name=FORMAT_NAME,
                                format_version=FORMAT_VERSION)
        with _schema.reading(f"sweep file {str(path)!r}"):
            meta = _schema.check(meta, _SWEEP_METADATA)
            try:  # files written before failed runs were recorded have no list
                failures = tuple(SweepFailure.from_dict(f) for f in meta.get("failures", ()))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise ValueError(f"a corrupt list of failed runs: "
                                 f"{type(exc).__name__}: {exc}") from None
            n_axes, names = len(meta["axis_names"]), meta["metric_names"]
            for key in ("axis_units", "axis_labels"):
                _check_length(meta, key, n_axes, "axis_names")
            for key in ("metric_units", "metric_labels", "metric_thresholds"):
                _check_length(meta, key, len(names), "metric_names")
            shape = tuple(a.shape[0] if isinstance(a, np.ndarray) and a.ndim == 1 else None
                          for a in (arrays.get(f"axis_{i}") for i in range(n_axes)))
            seeds = arrays.get("seeds")
            n_seeds = seeds.shape[0] if isinstance(seeds, np.ndarray) and seeds.ndim == 1 else None
            if meta["points"] and (n_axes != 1 or len(meta["points"]) != shape[0]):
                raise ValueError(f"points has {len(meta['points'])} entries; expected none, or "
                                 f"one per value of the single axis of a list grid")
            arrays = _schema.check(arrays, _schema.Record(required={
                **{f"axis_{i}": _schema.Array("f", (None,), f"the values of {name}")
                   for i, name in enumerate(meta["axis_names"])},
                **{f"metric_{i}": _schema.Array("f", shape + (n_seeds,), f"{name}: one per "
                                                "grid point and seed", nan_ok=True)
                   for i, name in enumerate(names)},
                "seeds": _schema.Array("i", (None,), "the noise seeds", min=0)},
                what="the sweep's arrays", key_noun="array"))
            return cls(
                label=meta["label"], axis_names=meta["axis_names"],
                axis_values=[arrays[f"axis_{i}"] for i in range(n_axes)],
                axis_units=meta["axis_units"], axis_labels=meta["axis_labels"],
                metric_names=names, metric_units=meta["metric_units"],
                metric_labels=meta["metric_labels"],
                metric_thresholds=meta["metric_thresholds"],
                values={name: arrays[f"metric_{i}"] for i, name in enumerate(names)},
                seeds=arrays["seeds"], parameters=Parameters.from_dict(meta["parameters"]),
                protocol=Protocol.from_dict(meta["protocol"]), setup=meta["setup"],
                duration_s=float("nan") if meta["duration_s"] is None else meta["duration_s"],
                dt_ms=meta["dt_ms"], points=meta["points"],
                neurosim_version=meta["neurosim_version"], n_from_cache=meta["n_from_cache"],
                failures=failures)


def _check_length(meta: dict, key: str, n: int, of: str) -> None:
    if len(meta[key]) != n:
        raise ValueError(f"{key} has {len(meta[key])} entries; expected one per entry of {of}")


_TEXTS = _schema.ListOf(_schema.Text())
_SWEEP_METADATA = _schema.Record(required=dict(
    format=_schema.Const(FORMAT_NAME), version=_schema.Const(FORMAT_VERSION),
    label=_schema.Text(), axis_names=_schema.ListOf(_schema.Text(), min_len=1),
    axis_units=_TEXTS, axis_labels=_TEXTS, metric_names=_schema.ListOf(_schema.Text(), min_len=1),
    metric_units=_TEXTS, metric_labels=_TEXTS,
    metric_thresholds=_schema.ListOf(_schema.Nullable(_schema.Number())),
    parameters=_schema.MapOf(what="a mapping {stage: {field name: value}}"),
    protocol=_schema.ListOf(what="a list of protocol components"),
    setup=_schema.Text(), duration_s=_schema.Nullable(DURATION_S), dt_ms=DT_MS,
    points=_schema.ListOf(_schema.MapOf(_schema.Number())),
    neurosim_version=_schema.Text(), n_from_cache=_schema.Number(integer=True, min=0)),
    optional=dict(failures=_schema.ListOf(what="a list of failed runs")),
    what="sweep metadata")
"""What a sweep file's metadata holds (``failures``: absent in files written before failed
runs were recorded)."""


# ---------------------------------------------------------------------------
# the entry point
# ---------------------------------------------------------------------------

def sweep(base, grid, metrics, *, seeds=(0,), executor=None, cache_dir=None,
          progress: bool = True, duration_s: float | None = None,
          protocol: Protocol | None = None, dt_ms: float = 0.1,
          label: str | None = None) -> SweepResult:
    """Run ``base`` at every point of ``grid`` (and every seed) and measure ``metrics``.

    Parameters
    ----------
    base : str, Scenario or Parameters
        A scenario name (``neurosim list``), a :class:`~neurosim.scenarios.Scenario`, or
        :class:`~neurosim.parameters.Parameters` (run with ``protocol=`` if given, else
        with the metrics' set-up, else with the ``healthy`` spasm test; see the module
        docstring for the exact rule).
    grid : Mapping[str, array-like] or list of dict
        ``{axis: values}`` for a full factorial grid (first axis slowest), or a list
        of ``{axis: value}`` points. Axes: dotted parameters, :data:`COMBINED_AXES`,
        or ``"protocol.NAME"`` quantities of the metrics' set-up (:data:`SETUPS`).
    metrics : str, Metric, or list of them
        Names from :data:`METRICS` (or :class:`Metric` objects).
    seeds : sequence of int, keyword-only
        Noise seeds; each point runs once per seed (default ``(0,)``).
    executor : None, int, Executor, dask Client or str, keyword-only
        ``None``: all local cores in worker processes; an int: that many local
        processes (1 = in this process); a :class:`concurrent.futures.Executor`; a
        ``dask.distributed.Client`` or a Dask scheduler address.
    cache_dir : path, optional, keyword-only
        Directory of completed runs (created if needed, checked writable before any
        run); a sweep run again with the same directory (e.g. after an interruption)
        recomputes only the missing runs. Failed runs are not cached.
    progress : bool, keyword-only
        Show a progress bar (:mod:`tqdm.auto`: terminal or notebook).
    duration_s : float, optional, keyword-only
        Simulated time of every run (s), overriding the scenario's or set-up's.
    protocol : Protocol, optional, keyword-only
        Protocol of every run, overriding the base scenario's (not with ``protocol.*`` axes).
    dt_ms : float, keyword-only
        Integration step (ms).
    label : str, optional, keyword-only
        Name stored in the result (default: the scenario name).

    Returns
    -------
    SweepResult
        One array per metric, shape ``(n_1, ..., n_axes, n_seeds)``. A run that raised
        while simulating or measuring (e.g. a clonus metric on a run too short for it)
        holds NaN and is listed in :attr:`SweepResult.failures` with its coordinates
        and message; the other runs are completed, and a :class:`SweepFailureWarning`
        gives :meth:`SweepResult.failure_summary`.

    Raises
    ------
    ValueError
        Before any simulation, for an unknown axis or metric, a non-numeric,
        out-of-range or empty axis (naming the value, its unit and allowed range),
        bad seeds, metrics that need different protocols, or a ``cache_dir`` that is
        not a writable directory.
    SweepInterrupted
        On Ctrl-C (a :class:`KeyboardInterrupt`); the runs finished before it stay in
        ``cache_dir``, so the same call again resumes.
    OSError
        If a cache entry cannot be written (e.g. the disk is full); the error names the
        entry, and the entries written before it stay.

    Examples
    --------
    >>> from neurosim import sweep
    >>> result = sweep("spinal_cord_injury", {"pic.strength": [0.25, 0.5, 1.0]},
    ...                ["spasm_duration_s"], seeds=range(3))         # doctest: +SKIP
    >>> result.mean("spasm_duration_s")                              # doctest: +SKIP
    array([...])
    """
    from tqdm.auto import tqdm

    plan = _plan(base, grid, metrics, seeds=seeds, protocol=protocol, duration_s=duration_s,
                 dt_ms=dt_ms, label=label)
    names = tuple(m.name for m in plan.metrics)
    cache = _Cache(cache_dir, names)
    n_seeds = len(plan.seeds)
    tasks = [_Task(i * n_seeds + k, point, seed, plan.dt_ms)
             for i, point in enumerate(plan.points) for k, seed in enumerate(plan.seeds)]
    values = np.full((len(tasks), len(names)), np.nan)
    todo = []
    for task in tasks:
        cached = cache.get(task)
        if cached is None:
            todo.append(task)
        else:
            values[task.index] = cached
    n_cached = len(tasks) - len(todo)
    failed = {}  # task index -> error text
    n_finished = n_cached

    def where(task):
        point = task.index // n_seeds
        index = np.unravel_index(point, plan.shape)
        coordinates = (plan.point_values[point] if plan.point_values else
                       {a.name: float(v[i]) for a, v, i in zip(plan.axes, plan.axis_values,
                                                               index)})
        return tuple(int(i) for i in index), coordinates

    with tqdm(total=len(tasks), initial=n_cached, disable=not progress, unit="run",
              desc=f"sweep {plan.label}", dynamic_ncols=True) as bar:
        def on_done(batch, outcomes):
            nonlocal n_finished
            for task, (vals, error) in zip(batch, outcomes):
                if error is not None:
                    failed[task.index] = error  # stays NaN, not cached: a rerun retries it
                else:
                    values[task.index] = vals
                    cache.put(task, vals)
                n_finished += 1
            bar.update(len(batch))

        if todo:
            try:
                _execute(todo, plan.metrics, executor, on_done)
            except KeyboardInterrupt:
                raise SweepInterrupted(n_finished - len(failed), len(tasks),
                                       cache.directory) from None

    failures = tuple(SweepFailure(*where(tasks[i]), seed=tasks[i].seed, message=failed[i])
                     for i in sorted(failed))
    if failures:
        warnings.warn(f"sweep {plan.label!r}: "
                      + _summarise_failures(failures, len(tasks)), SweepFailureWarning,
                      stacklevel=2)
    grid_shape = plan.shape + (n_seeds,)
    return SweepResult(
        label=plan.label, axis_names=tuple(a.name for a in plan.axes),
        axis_values=plan.axis_values, axis_units=tuple(a.unit for a in plan.axes),
        axis_labels=tuple(a.label for a in plan.axes), metric_names=names,
        metric_units=tuple(m.unit for m in plan.metrics),
        metric_labels=tuple(m.label for m in plan.metrics),
        metric_thresholds=tuple(m.threshold for m in plan.metrics),
        values={name: values[:, j].reshape(grid_shape) for j, name in enumerate(names)},
        seeds=np.array(plan.seeds), parameters=plan.parameters, protocol=plan.protocol,
        setup=plan.setup or "", duration_s=plan.duration_s, dt_ms=plan.dt_ms,
        points=plan.point_values, neurosim_version=cache.version, n_from_cache=n_cached,
        failures=failures)


# ---------------------------------------------------------------------------
# built-in maps
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class BuiltinMap:
    """A ready-made two-parameter map for the tour, the notebooks and lectures.

    Attributes
    ----------
    name : str
    title : str
    description : str
        What the map shows and why.
    base : str or None
        Scenario name, or ``None`` for the healthy default parameters.
    x_axis, y_axis : (str, float, float)
        ``(axis name, first value, last value)``; ``x_axis`` is the first (slow) axis.
    metric : str
    threshold : float or None
        Level of the phase boundary drawn on the figure.
    figure_name : str
        File name of the figure (``figures/map_….png``).
    """

    name: str
    title: str
    description: str
    base: str | None
    x_axis: tuple
    y_axis: tuple
    metric: str
    threshold: float | None
    figure_name: str

    def grid(self, resolution: int) -> dict[str, np.ndarray]:
        """The map's factorial grid with ``resolution`` values per axis."""
        return {name: np.linspace(start, stop, resolution)
                for name, start, stop in (self.x_axis, self.y_axis)}


BUILTIN_MAPS: Mapping[str, BuiltinMap] = MappingProxyType({m.name: m for m in (
    BuiltinMap(
        "spasm_inhibition_pic", "Where spasms appear: inhibition loss × PIC strength",
        "Total spasm duration after the standard brief sensory volley (the spasm test of the "
        "healthy and spinal_cord_injury scenarios, 8 s) over the combined loss of reciprocal, "
        "presynaptic and descending inhibition (combined.inhibition_loss; 0.8 is the "
        "spinal_cord_injury scenario) and persistent-inward-current strength (pic.strength; "
        "1 = chronic injury). Spasms need both levers: the contour marks where involuntary "
        "force first lasts 0.5 s.",
        "healthy", ("combined.inhibition_loss", 0.0, 1.0), ("pic.strength", 0.0, 1.5),
        "spasm_duration_s", SPASM_THRESHOLD_S, "map_spasm_inhibition_pic.png"),
    BuiltinMap(
        "reflex_gain_velocity", "Velocity-dependent stretch reflex: spindle gain × velocity",
        "Peak reflex torque in the 0.2 s after the onset of a 15° passive stretch of the "
        "relaxed healthy ankle, over spindle sensitivity (spindle.gain) and stretch velocity "
        "(protocol.velocity_deg_s): hypersensitive spindles turn a fast stretch into a large "
        "reflex, the velocity dependence of spasticity.",
        "stretch_reflex", ("spindle.gain", 0.5, 5.0), ("protocol.velocity_deg_s", 10.0, 200.0),
        "reflex_torque_Nm", None, "map_reflex_gain_velocity.png"),
    BuiltinMap(
        "junction_ache_quanta", "Repetitive firing at the junction: AChE activity × quanta",
        "Muscle-fibre action potentials per nerve impulse after one supramaximal nerve shock "
        "(healthy defaults otherwise), over acetylcholinesterase activity "
        "(junction.ache_activity) and quantal content (junction.quantal_content): with "
        "little AChE and ample release, acetylcholine lingers and one impulse fires the "
        "fibres several times. The contour marks 1.5 APs per impulse.",
        None, ("junction.ache_activity", 0.02, 1.0), ("junction.quantal_content", 10.0, 150.0),
        "fibre_aps_per_impulse", 1.5, "map_junction_ache_quanta.png"),
)})
"""The three built-in maps by name."""


def builtin_map(name: str, *, resolution: int = 21, seeds=(0,), executor=None,
                cache_dir=None, progress: bool = True) -> SweepResult:
    """Compute one of the :data:`BUILTIN_MAPS`.

    Parameters
    ----------
    name : str
        ``"spasm_inhibition_pic"``, ``"reflex_gain_velocity"`` or ``"junction_ache_quanta"``.
    resolution : int, keyword-only
        Values per axis, in [2, 201] (the map has resolution² points per seed).
    seeds, executor, cache_dir, progress
        As for :func:`sweep`.

    Returns
    -------
    SweepResult
        Labelled with the map's name; plot it with :func:`neurosim.plotting.phase_diagram`.
    """
    if name not in BUILTIN_MAPS:
        raise ValueError(f"unknown map {name!r}; known: {', '.join(BUILTIN_MAPS)}")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or \
            not 2 <= resolution <= 201:
        raise ValueError(f"resolution = {resolution!r} values per axis is out of range: "
                         f"allowed [2, 201]")
    spec = BUILTIN_MAPS[name]
    base = Parameters() if spec.base is None else spec.base
    return sweep(base, spec.grid(int(resolution)), [spec.metric], seeds=seeds,
                 executor=executor, cache_dir=cache_dir, progress=progress, label=spec.name)
