"""Golden outputs: a committed fingerprint of every built-in scenario and the benchmark run.

A change that is meant to leave the model's numbers alone (a refactoring, a speed-up) must
reproduce them: event times, units and sources *exactly*, every other array to 1e-9 of its
own scale. ``tests/test_golden.py`` checks that. A change that is meant to move the numbers
records a new fingerprint, deliberately and with the reason, which is kept in the file's
history::

    python tests/golden.py record --reason "junction: receptors see the step-mean ACh"
    python tests/golden.py compare          # what differs, workload by workload

A float array is summarised by its size, extremes, sum, sum of squares, a time-weighted sum
(it moves when a trace shifts in time) and 41 evenly spaced samples; an integer, boolean or
event array by its size and the SHA-256 of its bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

FINGERPRINT_PATH = Path(__file__).parent / "golden" / "fingerprint.json"
RELATIVE_TOLERANCE = 1e-9
"""Float summaries must agree to this fraction of the array's largest magnitude."""
N_SAMPLES = 41

EXACT_FIELDS = ("spike_times_s", "spike_units", "activation_times_s", "activation_units",
                "activation_sources", "nerve_impulse_times_s", "nerve_impulse_units",
                "nerve_impulse_sources", "recorded_units")
"""Result fields compared bit for bit: which unit fired, when, and why."""


def benchmark_run():
    """The engine benchmark's workload (``benchmarks/bench_simulate.py``), seed 0:
    120 units × 10 s, ramp to 50 % and hold, with noise."""
    from neurosim import Parameters, simulate
    from neurosim.protocols import Hold, Noise, Ramp
    p = Parameters().with_changes(**{"pool.n_units": 120})
    proto = (Ramp(start_s=0.5, stop_s=5.5, start_level=0.0, end_level=0.5)
             + Hold(level=0.5, start_s=5.5, stop_s=10.0) + Noise())
    return simulate(p, proto, 10.0, seed=0)


def workloads() -> dict:
    """Name → zero-argument function returning a result: every scenario, then the benchmark."""
    from neurosim import scenarios
    runs = {f"scenario:{name}": (lambda name=name: scenarios.get(name).run(seed=0))
            for name in scenarios.names()}
    runs["benchmark:120x10s"] = benchmark_run
    return runs


def _digest(values: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()


def summarise(name: str, values: np.ndarray) -> dict:
    """The fingerprint of one array (see the module docstring)."""
    values = np.asarray(values)
    out = {"shape": list(values.shape), "dtype": values.dtype.str}
    if name in EXACT_FIELDS or values.dtype.kind != "f":
        out["sha256"] = _digest(values)
        return out
    flat = values.reshape(values.shape[0], -1) if values.ndim > 1 else values.reshape(-1, 1)
    if flat.size == 0:
        return out
    weights = np.linspace(0.0, 1.0, flat.shape[0])
    index = np.unique(np.linspace(0, flat.shape[0] - 1, N_SAMPLES).round().astype(int))
    out.update(
        scale=float(np.max(np.abs(flat))),
        min=float(np.min(flat)), max=float(np.max(flat)),
        sum=[float(s) for s in flat.sum(axis=0)],
        sum_squares=[float(s) for s in (flat * flat).sum(axis=0)],
        time_weighted_sum=[float(s) for s in weights @ flat],
        samples=flat[index].tolist())
    return out


def fingerprint(result) -> dict:
    """The fingerprint of every array field of a :class:`~neurosim.SimulationResult` and of
    its stage traces."""
    out = {}
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if isinstance(value, np.ndarray):
            out[field.name] = summarise(field.name, value)
    for name, value in result.stage_traces.items():
        out[name] = summarise(name, value)
    return out


def differences(expected: dict, actual: dict) -> list[str]:
    """What differs between two fingerprints of one workload (empty when they agree)."""
    problems = []
    for name in sorted(set(expected) | set(actual)):
        if name not in expected or name not in actual:
            problems.append(f"{name}: only in the {'recorded' if name in expected else 'new'} "
                            f"fingerprint")
            continue
        e, a = expected[name], actual[name]
        if e["shape"] != a["shape"] or e["dtype"] != a["dtype"]:
            problems.append(f"{name}: shape/dtype {e['shape']} {e['dtype']} → "
                            f"{a['shape']} {a['dtype']}")
            continue
        if "sha256" in e or "sha256" in a:
            if e.get("sha256") != a.get("sha256"):
                problems.append(f"{name}: not bit-identical")
            continue
        if "scale" not in e:
            continue
        scale = max(e["scale"], a["scale"])
        n = e["shape"][0]
        # sums of n values carry their rounding: allow n × the tolerance for them
        for key, tol in (("min", 1), ("max", 1), ("sum", n), ("time_weighted_sum", n),
                         ("sum_squares", n * scale), ("samples", 1)):
            x, y = np.asarray(e[key], dtype=float), np.asarray(a[key], dtype=float)
            allowed = RELATIVE_TOLERANCE * scale * tol
            worst = float(np.max(np.abs(x - y))) if x.size else 0.0
            if not worst <= allowed:
                problems.append(f"{name}.{key}: differs by {worst:.3g} (allowed {allowed:.3g}, "
                                f"array scale {scale:.3g})")
    return problems


def load() -> dict:
    return json.loads(FINGERPRINT_PATH.read_text())


def record(reason: str) -> None:
    """Recompute every workload and write the fingerprint, appending ``reason`` to its
    history (atomically: the old file stays intact if anything fails)."""
    import numba

    from neurosim._atomic import write_text
    history = load()["history"] if FINGERPRINT_PATH.exists() else []
    history.append({"date": datetime.date.today().isoformat(), "reason": reason,
                    "numpy": np.__version__, "numba": numba.__version__})
    data = {"history": history,
            "workloads": {name: fingerprint(run()) for name, run in workloads().items()}}
    FINGERPRINT_PATH.parent.mkdir(exist_ok=True)
    write_text(FINGERPRINT_PATH, json.dumps(data, indent=0, sort_keys=True) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="write a new fingerprint (say why)")
    rec.add_argument("--reason", required=True,
                     help="why the model's numbers are meant to change")
    sub.add_parser("compare", help="list what differs from the recorded fingerprint")
    args = parser.parse_args(argv)
    if args.command == "record":
        record(args.reason)
        return 0
    recorded = load()["workloads"]
    status = 0
    for name, run in workloads().items():
        problems = differences(recorded.get(name, {}), fingerprint(run()))
        print(f"{name}: {'same' if not problems else f'{len(problems)} differences'}")
        for line in problems[:20]:
            print("   ", line)
        status |= bool(problems)
    return status


if __name__ == "__main__":
    sys.exit(main())
