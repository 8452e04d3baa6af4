"""Benchmark how simulate() scales with pool size and duration: time and peak memory.

Cases: 120, 1,000 and 10,000 units × 10 s and 60 s of the ``bench_simulate`` workload
(ramp to 50 % command over 5 s, then hold; synaptic noise; dt 0.1 ms). Every run is
a fresh Python process that first loads the compiled loop (a 0.1 s run), records its
peak resident memory so far (the baseline: interpreter, numpy, numba, compiled code),
then times one simulate() call (wall clock and the process's CPU time, which a busy
machine inflates less) and reads the peak resident memory again
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``). The memory of a case is that peak;
its growth over the baseline is what the run itself needed.

Prints one JSON line with medians over ``--repeats`` processes (``--long-repeats``
for the 10,000 × 60 s case), the per-unit-step cost, the growth ratios (ideal
linear: 8.3 and 10 across pool sizes, 6 across durations) and the targets.

Usage::

    python benchmarks/bench_scaling.py [--repeats 3] [--long-repeats 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

from bench_simulate import WORKLOAD

UNITS = (120, 1_000, 10_000)
DURATIONS_S = (10.0, 60.0)

CASE = """
import json, resource, time
{workload}
run(120, 0.1)  # load the compiled loop
baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t, cpu = time.perf_counter(), time.process_time()
result = run({n_units}, {duration_s})
elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(time_s=elapsed, cpu_s=cpu, baseline_mb=baseline_mb, peak_mb=peak_mb,
                      spikes=int(result.spike_times_s.size))))
"""


def run_case(n_units: int, duration_s: float) -> dict:
    """One fresh process: time and memory of one simulate() call."""
    code = CASE.format(workload=WORKLOAD, n_units=n_units, duration_s=duration_s)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--long-repeats", type=int, default=1,
                        help="repeats of the 10,000 units × 60 s case (about 1.5 min each)")
    args = parser.parse_args(argv)
    import numba
    import numpy

    report = {"benchmark": "scaling", "date": time.strftime("%Y-%m-%d"),
              "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.system()}",
              "python": platform.python_version(), "numpy": numpy.__version__,
              "numba": numba.__version__, "repeats": args.repeats,
              "long_repeats": args.long_repeats, "cases": {}}
    for duration in DURATIONS_S:
        for n in UNITS:
            repeats = args.long_repeats if (n, duration) == (UNITS[-1], DURATIONS_S[-1]) \
                else args.repeats
            runs = [run_case(n, duration) for _ in range(repeats)]
            t = statistics.median(r["time_s"] for r in runs)
            peak = statistics.median(r["peak_mb"] for r in runs)
            base = statistics.median(r["baseline_mb"] for r in runs)
            report["cases"][f"{n}u_{duration:g}s"] = dict(
                time_median_s=round(t, 3), time_all_s=[round(r["time_s"], 3) for r in runs],
                cpu_median_s=round(statistics.median(r["cpu_s"] for r in runs), 3),
                peak_rss_mb=round(peak, 1), growth_over_baseline_mb=round(peak - base, 1),
                spikes=runs[0]["spikes"],
                ns_per_unit_step=round(t / (n * duration * 10_000) * 1e9, 2))
    cases = report["cases"]

    def ratio(a, b, key):
        return round(cases[a][key] / cases[b][key], 2)

    report["ratios"] = {
        "time_1000u_over_120u_10s": ratio("1000u_10s", "120u_10s", "time_median_s"),
        "time_10000u_over_1000u_10s": ratio("10000u_10s", "1000u_10s", "time_median_s"),
        "time_60s_over_10s_1000u": ratio("1000u_60s", "1000u_10s", "time_median_s"),
        "time_60s_over_10s_10000u": ratio("10000u_60s", "10000u_10s", "time_median_s"),
        "memory_growth_60s_over_10s_10000u": ratio("10000u_60s", "10000u_10s",
                                                   "growth_over_baseline_mb"),
        "memory_growth_10000u_over_1000u_60s": ratio("10000u_60s", "1000u_60s",
                                                     "growth_over_baseline_mb"),
    }
    report["targets_met"] = {
        "10000u_10s<=10s": cases["10000u_10s"]["time_median_s"] <= 10.0,
        "10000u_60s_peak_memory<=2GB": cases["10000u_60s"]["peak_rss_mb"] <= 2048.0,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
