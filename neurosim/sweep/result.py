"""The outcome of a sweep: :class:`SweepResult` (labelled axes, one array per metric,
save/load as ``.npz`` + JSON), and the record of runs that failed or were interrupted
(:class:`SweepFailure`, :class:`SweepFailureWarning`, :class:`SweepInterrupted`)."""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import numpy as np

from .. import _schema
from ..engine import DT_MS, DURATION_S
from ..parameters import Parameters
from ..protocols import Protocol
from ..result import read_npz, write_npz

__all__ = ["SweepResult", "SweepFailure", "SweepFailureWarning", "SweepInterrupted",
           "FORMAT_NAME", "FORMAT_VERSION"]

FORMAT_NAME = "neurosim-sweep"
FORMAT_VERSION = 1
_FAILURES_SHOWN = 3  # failures listed by name in a summary


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

    def __init__(self, n_finished: int, n_runs: int,
                 cache_dir: str | os.PathLike[str] | None) -> None:
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
    model_digest : str
        Digest of the model's sources the runs were computed with
        (:func:`neurosim._cache.model_digest`); ``""`` when unknown (files written before it
        was recorded, which stored ``neurosim_version`` instead).
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
    model_digest: str = ""
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
                    model_digest=self.model_digest, n_from_cache=self.n_from_cache,
                    failures=[f.to_dict() for f in self.failures])

    def save(self, path: str | os.PathLike[str]) -> Path:
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
    def load(cls, path: str | os.PathLike[str]) -> "SweepResult":
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
                model_digest=meta.get("model_digest", ""), n_from_cache=meta["n_from_cache"],
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
    n_from_cache=_schema.Number(integer=True, min=0)),
    optional=dict(failures=_schema.ListOf(what="a list of failed runs"),
                  model_digest=_schema.Text(), neurosim_version=_schema.Text()),
    what="sweep metadata")
"""What a sweep file's metadata holds (``failures``: absent in files written before failed
runs were recorded; ``model_digest``: absent in files written before it was, which hold
``neurosim_version`` instead)."""
