"""What a sweep runs: its axes, their allowed values, and every validated grid point.

:func:`axis_spec` describes an axis (a dotted parameter, a :data:`COMBINED_AXES` lever or a
``protocol.NAME`` quantity of the metrics' set-up) with its unit, range and label from the
metadata; ``_plan`` checks a whole grid, its seeds and metrics before anything runs and builds
the parameters, protocol and duration of every point.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import numpy as np

from .. import _schema
from .. import scenarios as _scenarios
from ..engine import DURATION_S
from ..metrics import METRICS, SETUPS, Metric
from ..parameters import Parameters, field_specs
from ..protocols import Protocol

__all__ = ["AxisSpec", "CombinedAxis", "COMBINED_AXES", "axis_spec", "DEFAULT_SCENARIO",
           "MAX_RUNS"]

DEFAULT_SCENARIO = "healthy"
"""Scenario whose protocol and duration a bare :class:`Parameters` base runs with."""
PROTOCOL_PREFIX = "protocol."
POINT_AXIS = "point"
MAX_RUNS = 1_000_000
"""Most runs (grid points × seeds) one sweep may have: a larger grid is a typo, not a plan."""


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
