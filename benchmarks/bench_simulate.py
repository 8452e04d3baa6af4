"""Benchmark simulate(): warm and cold times for 120 and 1,000 units × 10 s.

Prints one JSON line. Warm = median of ``--repeats`` in-process runs after a first
(compiling or cache-loading) run. Cold = median over fresh Python processes of the
time from the start of ``import neurosim`` to the first result (numba's on-disk
cache is populated by the warm runs first, as it is after installation's first use).

Usage::

    python benchmarks/bench_simulate.py [--repeats 5] [--cold-repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

WORKLOAD = """
from neurosim import Parameters, simulate
from neurosim.protocols import Noise, Ramp, Hold
def run(n_units, duration_s=10.0, seed=0):
    p = Parameters().with_changes(**{"pool.n_units": n_units})
    proto = Ramp(start_s=0.5, stop_s=5.5, start_level=0.0, end_level=0.5) \\
        + Hold(level=0.5, start_s=5.5, stop_s=duration_s) + Noise()
    return simulate(p, proto, duration_s, seed=seed)
"""

COLD = """
import time
t0 = time.perf_counter()
import neurosim
{workload}
r = run({n_units})
print(time.perf_counter() - t0)
"""


def warm_times(n_units: int, repeats: int) -> list[float]:
    namespace: dict = {}
    exec(WORKLOAD, namespace)
    namespace["run"](n_units)  # compile or load from cache
    times = []
    for seed in range(repeats):
        t = time.perf_counter()
        namespace["run"](n_units, seed=seed)
        times.append(time.perf_counter() - t)
    return times


def cold_times(n_units: int, repeats: int, *, empty_cache: bool = False) -> list[float]:
    """Import-to-first-result times in fresh processes.

    With ``empty_cache`` every process gets a new, empty NUMBA_CACHE_DIR, so it
    compiles from scratch (the very first run after installation).
    """
    code = COLD.format(workload=WORKLOAD, n_units=n_units)
    out = []
    for _ in range(repeats):
        env = dict(os.environ)
        if empty_cache:
            env["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="neurosim-bench-")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env=env)
        out.append(float(proc.stdout.strip().splitlines()[-1]))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cold-repeats", type=int, default=3)
    args = parser.parse_args(argv)
    import numba
    import numpy

    report = {"benchmark": "simulate", "date": time.strftime("%Y-%m-%d"),
              "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.system()}",
              "python": platform.python_version(), "numpy": numpy.__version__,
              "numba": numba.__version__, "repeats": args.repeats,
              "cold_repeats": args.cold_repeats}
    for n in (120, 1000):
        warm = warm_times(n, args.repeats)
        report[f"warm_{n}u_10s_median_s"] = round(statistics.median(warm), 4)
        report[f"warm_{n}u_10s_all_s"] = [round(t, 4) for t in warm]
        report[f"ns_per_unit_step_{n}u"] = round(statistics.median(warm) / (n * 100_000) * 1e9, 2)
    cold = cold_times(120, args.cold_repeats)
    report["cold_120u_10s_median_s"] = round(statistics.median(cold), 3)
    report["cold_120u_10s_all_s"] = [round(t, 3) for t in cold]
    uncached = cold_times(120, args.cold_repeats, empty_cache=True)
    report["cold_uncached_120u_10s_median_s"] = round(statistics.median(uncached), 3)
    report["ratio_1000u_over_120u"] = round(
        report["warm_1000u_10s_median_s"] / report["warm_120u_10s_median_s"], 2)
    report["ratio_cold_over_warm_120u"] = round(
        report["cold_120u_10s_median_s"] / report["warm_120u_10s_median_s"], 1)
    report["targets_met"] = {"warm_120u_10s<=0.1s": report["warm_120u_10s_median_s"] <= 0.1,
                             "cold_120u_10s<=3s": report["cold_120u_10s_median_s"] <= 3.0}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
