"""The entry point :func:`sweep`: plan the grid, read what the cache holds, run the rest,
and assemble the :class:`~neurosim.sweep.SweepResult`."""

from __future__ import annotations

import concurrent.futures
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..protocols import Protocol
from .cache import _Cache
from .grid import _plan
from .result import SweepFailure, SweepFailureWarning, SweepInterrupted, SweepResult, \
    _summarise_failures
from .runners import _execute, _Task

if TYPE_CHECKING:
    from ..metrics import Metric
    from ..parameters import Parameters
    from ..scenarios import Scenario

__all__ = ["sweep"]

def sweep(base: str | Scenario | Parameters,
          grid: Mapping[str, Iterable[float]] | Sequence[Mapping[str, float]],
          metrics: str | Metric | Sequence[str | Metric], *, seeds: Iterable[int] = (0,),
          executor: int | concurrent.futures.Executor | str | Any | None = None,  # Any: a dask Client
          cache_dir: str | os.PathLike[str] | None = None,
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
        points=plan.point_values, model_digest=cache.model, n_from_cache=n_cached,
        failures=failures)
