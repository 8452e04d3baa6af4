"""Benchmark neurosim.sweep: a 1,000-point sweep on local cores, and Dask scaling.

Workload: the default scenario (``healthy``: one brief sensory volley with noise), 5 s
per run, over a 40 × 25 grid of ``combined.inhibition_loss`` (0–1) × ``pic.strength``
(0–1.5), measuring ``spasm_duration_s``; one seed, no cache, no progress bar.

* ``local``: the default executor (all cores, worker processes), median over
  ``--repeats`` sweeps; ``serial_per_run_s`` is the mean per-run time of
  ``--serial-points`` points spread over the grid, run in this process (``executor=1``);
  the local parallel
  efficiency is ``serial time / (cores × local time)``. ``local_cpu_*`` is the CPU time
  of this process and its worker processes: divided by the cores it is the wall time
  the sweep would take on an otherwise idle machine.
* ``dask``: ``dask.distributed.LocalCluster`` with 1 and 2 worker processes (one thread
  each) on ``--dask-points`` points spread over the grid; the cluster is started and warmed up
  (a 4-point sweep) before timing; efficiency = ``t(1 worker) / (2 × t(2 workers))``.

Prints one JSON line.

Usage::

    python benchmarks/bench_sweep.py [--repeats 3] [--dask-points 200] [--serial-points 50]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import time

import numpy as np

GRID = {"combined.inhibition_loss": np.linspace(0.0, 1.0, 40),
        "pic.strength": np.linspace(0.0, 1.5, 25)}
BASE = "healthy"
METRIC = "spasm_duration_s"
DURATION_S = 5.0


def points(n: int) -> list[dict]:
    """``n`` points spread evenly over :data:`GRID` (every k-th in C order), as a list grid."""
    names = list(GRID)
    combos = [dict(zip(names, (float(GRID[a][i]) for a, i in zip(names, idx))))
              for idx in np.ndindex(*(len(v) for v in GRID.values()))]
    return combos[::max(1, len(combos) // n)][:n]


def _cpu_s() -> float:
    """CPU time of this process and of its finished child processes (s)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_sweep(grid, executor) -> tuple[float, object, float]:
    """Wall time, result and CPU time (this process + local worker processes) of a sweep."""
    from neurosim.sweep import sweep
    t, cpu = time.perf_counter(), _cpu_s()
    result = sweep(BASE, grid, [METRIC], executor=executor, duration_s=DURATION_S,
                   progress=False)
    return time.perf_counter() - t, result, _cpu_s() - cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dask-points", type=int, default=200)
    parser.add_argument("--serial-points", type=int, default=50)
    args = parser.parse_args(argv)
    import dask
    import numba

    cores = os.cpu_count() or 1
    n_points = int(np.prod([len(v) for v in GRID.values()]))
    report = {"benchmark": "sweep", "date": time.strftime("%Y-%m-%d"),
              "machine": f"{platform.machine()} {cores} cores, {platform.system()}",
              "python": platform.python_version(), "numpy": np.__version__,
              "numba": numba.__version__, "dask": dask.__version__,
              "workload": f"{BASE}, {n_points} points x {DURATION_S:g} s, {METRIC}",
              "repeats": args.repeats}

    timed_sweep(points(4), 1)  # load the compiled loop in this process
    serial_s, _, serial_cpu = timed_sweep(points(args.serial_points), 1)
    per_run = serial_s / args.serial_points
    report["serial_per_run_s"] = round(per_run, 4)
    report["serial_cpu_per_run_s"] = round(serial_cpu / args.serial_points, 4)

    local, local_cpu = [], []
    for _ in range(args.repeats):
        elapsed, result, cpu = timed_sweep(GRID, None)
        local.append(elapsed)
        local_cpu.append(cpu)
    report["local_1000_points_median_s"] = round(statistics.median(local), 2)
    report["local_1000_points_all_s"] = [round(t, 2) for t in local]
    report["local_cpu_median_s"] = round(statistics.median(local_cpu), 1)
    report["local_cpu_over_cores_s"] = round(statistics.median(local_cpu) / cores, 2)
    report["local_per_run_s"] = round(statistics.median(local) / n_points, 4)
    report["local_efficiency"] = round(per_run * n_points / (cores * statistics.median(local)), 2)
    report["spasm_points"] = int(np.sum(result.mean(METRIC) > 0))

    from dask.distributed import Client, LocalCluster
    dask_grid = points(args.dask_points)
    dask_times = {}
    for workers in (1, 2):
        t = time.perf_counter()
        with LocalCluster(n_workers=workers, processes=True, threads_per_worker=1,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            client.wait_for_workers(workers)
            timed_sweep(points(4 * workers), client)  # workers load the compiled loop
            report[f"dask_{workers}w_startup_and_warmup_s"] = round(time.perf_counter() - t, 2)
            runs = [timed_sweep(dask_grid, client)[0] for _ in range(args.repeats)]
        dask_times[workers] = statistics.median(runs)
        report[f"dask_{workers}w_{args.dask_points}_points_median_s"] = round(dask_times[workers], 2)
        report[f"dask_{workers}w_all_s"] = [round(x, 2) for x in runs]
    report["dask_speedup_2w_over_1w"] = round(dask_times[1] / dask_times[2], 2)
    report["dask_efficiency_2w"] = round(dask_times[1] / (2 * dask_times[2]), 2)
    report["dask_per_run_1w_s"] = round(dask_times[1] / args.dask_points, 4)
    report["targets_met"] = {"1000_points_5s<=60s_on_2_cores":
                             report["local_1000_points_median_s"] <= 60.0}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
