"""Fuzz the numerics: thousands of random valid set-ups, none may give a non-finite or
physically impossible result.

Each case draws every parameter field inside its declared ``[min, max]`` (all of them in a
third of the cases, on top of a random built-in scenario), a protocol of a random kind of
``experiments.PROTOCOL_CHOICES`` (or the scenario's own) squeezed into a short run with its
settings drawn inside their declared ranges, an allowed ``dt`` and a seed
(``tests/numerics_helpers.py``). A case passes if the run's result breaks no invariant of
:func:`neurosim.numerics.result_violations` — or if ``simulate`` refuses it before running
with a ValueError that names the parameters. Anything else is a failure, listed with the
case so it can be rerun.

    python benchmarks/fuzz_numerics.py --cases 10000 --json fuzz.json

Prints progress, the cases, failures, refusals (by reason) and the run time; ``--json``
writes all of it. Case ``i`` of ``--seed s`` is always the same set-up.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import re
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from numerics_helpers import NumpyDraws, draw_case, names_a_parameter  # noqa: E402

from neurosim import simulate  # noqa: E402
from neurosim.numerics import result_violations  # noqa: E402


def run_case(seed: int, index: int, max_units: int, durations) -> dict:
    case = draw_case(NumpyDraws(np.random.default_rng([seed, index])), max_units=max_units,
                     durations_s=durations)
    out = dict(index=index, kind=case.kind, dt_ms=case.dt_ms, scenario=case.scenario)
    t0 = time.perf_counter()
    try:
        result = simulate(case.parameters(), case.protocol, case.duration_s, dt_ms=case.dt_ms,
                          seed=case.seed, record_units=case.record_units)
    except ValueError as exc:
        message = str(exc)
        out["status"] = "refused" if names_a_parameter(message) else "failure"
        out["message"] = message
    except Exception:  # noqa: BLE001 - a fuzzer reports whatever breaks
        out["status"] = "failure"
        out["message"] = traceback.format_exc(limit=3)
    else:
        problems = result_violations(result)
        out["status"] = "failure" if problems else "ok"
        if problems:
            out["message"] = "; ".join(problems)
    out["seconds"] = time.perf_counter() - t0
    if out["status"] == "failure":
        out["case"] = case.describe()
    return out


def _reason(message: str) -> str:
    """A refusal's reason without its numbers, for counting."""
    return re.sub(r"-?\d[\d.eE+-]*", "#", message.split(";")[0])[:110]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--first", type=int, default=0, help="index of the first case")
    ap.add_argument("--max-units", type=int, default=60)
    ap.add_argument("--durations", type=float, nargs=2, default=(0.3, 1.0),
                    metavar=("MIN_S", "MAX_S"))
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    ap.add_argument("--json", help="write the summary (and every failure) here")
    args = ap.parse_args(argv)

    load_before = os.getloadavg()
    start = time.perf_counter()
    simulate(duration_s=0.01, seed=0)  # compile (or load) the engine before timing cases
    indices = range(args.first, args.first + args.cases)
    records = []
    status = collections.Counter()
    report_every = max(1, args.cases // 20)

    def take(rec):
        records.append(rec)
        status[rec["status"]] += 1
        if rec["status"] == "failure":
            print(f"FAILURE case {rec['index']}: {rec['message'][:300]}", flush=True)
        if len(records) % report_every == 0:
            print(f"{len(records)}/{args.cases} cases, {dict(status)}, "
                  f"{time.perf_counter() - start:.0f} s", flush=True)

    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            for rec in pool.map(run_case, [args.seed] * args.cases, indices,
                                [args.max_units] * args.cases, [args.durations] * args.cases,
                                chunksize=20):
                take(rec)
    else:
        for i in indices:
            take(run_case(args.seed, i, args.max_units, args.durations))
    elapsed = time.perf_counter() - start
    load_after = os.getloadavg()

    refusals = collections.Counter(_reason(r["message"]) for r in records
                                   if r["status"] == "refused")
    by_kind = collections.Counter(r["kind"] for r in records)
    by_dt = collections.Counter(str(r["dt_ms"]) for r in records)
    failures = [r for r in records if r["status"] == "failure"]
    summary = dict(
        cases=len(records), ok=status["ok"], refused=status["refused"], failures=len(failures),
        seed=args.seed, first=args.first, max_units=args.max_units,
        durations_s=list(args.durations), run_time_s=round(elapsed, 1),
        mean_case_s=round(float(np.mean([r["seconds"] for r in records])), 4),
        load_average_before=[round(x, 2) for x in load_before],
        load_average_after=[round(x, 2) for x in load_after],
        machine=dict(platform=platform.platform(), processor=platform.processor(),
                     cpus=os.cpu_count(), python=platform.python_version()),
        date=time.strftime("%Y-%m-%d %H:%M"), jobs=args.jobs,
        by_kind=dict(by_kind), by_dt_ms=dict(by_dt), refusal_reasons=dict(refusals),
        failure_cases=failures)
    print(f"\ncases {summary['cases']}: ok {summary['ok']}, refused before running "
          f"{summary['refused']}, failures {summary['failures']}; run time {elapsed:.0f} s "
          f"({summary['mean_case_s'] * 1000:.0f} ms per case, {args.jobs} process(es)); "
          f"load average {load_before[0]:.2f} → {load_after[0]:.2f}")
    for reason, count in refusals.most_common():
        print(f"  refused {count:5d}: {reason}")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1, default=str))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
