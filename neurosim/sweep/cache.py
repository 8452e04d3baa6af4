"""The sweep cache: finished runs on disk, one small JSON file per (grid point, seed).

An entry's file name is a hash of everything that decides its numbers: parameters,
protocol, duration, step, seed, recorded units, metric names, and the digest of the
model's sources (:func:`neurosim._cache.model_digest`). Any edit to the engine, a stage,
the parameters, the analysis or the metrics therefore changes every key, so a changed model
computes its points again instead of reusing stale ones; the entry stores the digest it was
computed with too. Entries are written atomically.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

from .. import _cache, _schema
from .._atomic import check_writable, write_text
from .runners import _Task

def _cache_key(task: _Task, metric_names, model: str) -> str:
    record = dict(parameters=task.point.parameters.to_dict(),
                  protocol=task.point.protocol.to_dict(), duration_s=task.point.duration_s,
                  dt_ms=task.dt_ms, seed=task.seed, record=task.point.record,
                  metrics=list(metric_names), model=model)
    text = json.dumps(record, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _cache_entry_schema(metric_names) -> _schema.Record:
    """What a cache entry holds: the run's seed, one number (or NaN) per metric and the
    digest of the model that computed them."""
    return _schema.Record(required=dict(
        seed=_schema.Number(integer=True, min=0),
        values=_schema.Record(required={name: _schema.Number(nan_ok=True)
                                        for name in metric_names},
                              what="a mapping {metric name: value}")),
        optional=dict(model=_schema.Text()),
        what="a cache entry {'seed': .., 'values': {metric: value}, 'model': digest}")


def _read_cache_entry(data, path, seed: int, metric_names, model: str | None = None
                      ) -> list[float]:
    """The metric values of a cache entry, in ``metric_names`` order, or a ValueError
    naming the file, the key and what was expected (also when the seed is not ``seed``, or
    the entry names a model digest other than ``model``)."""
    with _schema.reading(f"sweep cache entry {str(path)!r}"):
        entry = _schema.check(data, _cache_entry_schema(metric_names))
        if entry["seed"] != seed:
            raise ValueError(f"seed = {entry['seed']} does not match the run it is filed "
                             f"under (seed {seed})")
        if model is not None and entry.get("model", model) != model:
            raise ValueError(f"model = {entry['model']!r} was computed by another version of "
                             f"the model (this one is {model!r})")
        return [entry["values"][name] for name in metric_names]


class _Cache:
    """Completed runs on disk: one small JSON file per (point, seed), written atomically."""

    def __init__(self, directory, metric_names):
        self.directory = None if directory is None else Path(directory)
        self.metric_names = tuple(metric_names)
        self.model = _cache.model_digest()
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
        return self.directory / f"{_cache_key(task, self.metric_names, self.model)}.json"

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
            return _read_cache_entry(data, path, task.seed, self.metric_names, self.model)
        except ValueError as exc:
            warnings.warn(f"{exc}; computing this run again", RuntimeWarning, stacklevel=2)
            return None

    def put(self, task, values) -> None:
        if self.directory is None:
            return
        # atomic: an interruption or a full disk never leaves half a file (an OSError
        # names the entry and stops the sweep; the entries written so far stay)
        write_text(self._path(task), json.dumps(dict(
            seed=task.seed, model=self.model, values=dict(zip(self.metric_names, values)))))
