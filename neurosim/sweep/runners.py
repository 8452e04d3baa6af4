"""Where a sweep's runs happen: in this process, in local worker processes, on any
:class:`concurrent.futures.Executor`, or on a Dask cluster.

A task is one simulation (a grid point and a seed); tasks travel in batches, and every run
that raises comes back as an error text instead of stopping the sweep. Ctrl-C stops the
workers at once.
"""

from __future__ import annotations

import concurrent.futures
import math
import os
import signal
from dataclasses import dataclass

import numpy as np

from .._extras import install_command
from ..engine import simulate
from .grid import _Point

_MAX_POINTS_PER_TASK = 32
_TASKS_PER_WORKER = 8


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
        raise ValueError(f"a Dask executor needs dask.distributed (the 'sweep' extra); "
                         f"install it with: {install_command('sweep')}") from None
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
