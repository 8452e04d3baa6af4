"""Peak memory of simulate() against its estimate (neurosim.resources.estimate_run).

Each configuration runs in a fresh process: import neurosim, a short run (every compiled
function is loaded), then the measured run. Its peak-RSS growth is the process's peak
resident set size (``ru_maxrss``) after the run minus its resident set size just before.

    python benchmarks/bench_memory.py                 # medium + 10,000 units × 60 s
    python benchmarks/bench_memory.py --only medium

Prints one JSON line per configuration (and, with ``--json``, writes all of them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

CONFIGS = {
    # per-step traces of 60 recorded units dominate: deterministic allocations
    "medium": dict(n_units=120, duration_s=10.0, dt_ms=0.1, record=60, protocol="voluntary"),
    # the long run of the architecture's contract: 10,000 units × 60 s (default recording)
    "long": dict(n_units=10000, duration_s=60.0, dt_ms=0.1, record=None, protocol="voluntary"),
    "long_rest": dict(n_units=10000, duration_s=60.0, dt_ms=0.1, record=None, protocol="rest"),
}

CHILD = r"""
import json, resource, sys, time
import numpy as np
from neurosim import Parameters, simulate
from neurosim.protocols import Hold, Noise, Protocol, Ramp
from neurosim.resources import estimate_run

cfg = json.loads(sys.argv[1])

def rss_bytes():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0

d = cfg["duration_s"]
if cfg["protocol"] == "voluntary":  # bench_simulate's workload: ramp to 50 %, hold, noise
    proto = Protocol(Ramp(start_s=0.5, stop_s=0.5 + d / 2, start_level=0.0, end_level=0.5),
                     Hold(level=0.5, start_s=0.5 + d / 2, stop_s=d), Noise())
else:
    proto = Protocol(Noise())
# load (or compile) every compiled function the run uses before measuring
warm = Protocol(Ramp(start_s=0.1, stop_s=1.0, start_level=0.0, end_level=0.5), Noise())
simulate(Parameters(), warm, 1.2, seed=0)
p = Parameters().with_changes(**{"pool.n_units": cfg["n_units"]})
n = cfg["n_units"]
record = sorted({0, n // 2, n - 1}) if cfg["record"] is None else list(range(cfg["record"]))
est = estimate_run(p, proto, d, dt_ms=cfg["dt_ms"], n_recorded=len(record))
before = rss_bytes()
t0 = time.perf_counter()
r = simulate(p, proto, d, dt_ms=cfg["dt_ms"], seed=0, record_units=record)
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps(dict(cfg, peak_rss_bytes=peak, rss_before_bytes=before,
                      growth_bytes=peak - before, estimate_bytes=est.total_bytes,
                      estimate_parts=est.parts, estimate_s=round(est.seconds, 1),
                      run_s=round(elapsed, 2), spikes=int(r.spike_times_s.size),
                      fibre_aps=int(r.activation_times_s.size),
                      impulses=int(r.nerve_impulse_times_s.size),
                      ratio=round(est.total_bytes / max(1, peak - before), 3))))
"""


def measure(name: str) -> dict:
    cfg = CONFIGS[name]
    load = os.getloadavg()
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(cfg)], check=True,
                         capture_output=True, text=True, timeout=7200)
    rec = json.loads(out.stdout.strip().splitlines()[-1])
    rec.update(name=name, load_average=[round(x, 2) for x in load],
               date=time.strftime("%Y-%m-%d %H:%M"), machine=platform.processor() or
               platform.machine(), cpus=os.cpu_count(), python=platform.python_version())
    return rec


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=sorted(CONFIGS), action="append")
    ap.add_argument("--json", help="write the records here")
    args = ap.parse_args(argv)
    records = []
    for name in args.only or ["medium", "long", "long_rest"]:
        rec = measure(name)
        records.append(rec)
        print(json.dumps(rec), flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(records, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
