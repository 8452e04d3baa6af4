"""Record (or compare) every built-in scenario's key outputs: spike times, force, fibre APs.

Used to check that a change to the integrators leaves the healthy model's numbers alone::

    python benchmarks/scenario_fingerprint.py record before.npz
    python benchmarks/scenario_fingerprint.py compare before.npz [--json out.json]

``compare`` reruns every scenario (seed 0, its own duration, dt 0.1 ms) and prints, per
scenario, the relative change of mean and peak force, the maximal force difference
relative to the peak, and the change in motor-neuron spike, nerve-impulse and fibre-AP
counts.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from neurosim import scenarios


def fingerprint(name: str) -> dict:
    r = scenarios.get(name).run(seed=0)
    return {"force_N": r.force_N, "spike_times_s": r.spike_times_s,
            "spike_units": r.spike_units.astype(np.int64),
            "activation_times_s": r.activation_times_s,
            "impulse_times_s": r.nerve_impulse_times_s, "angle_deg": r.joint_angle_deg}


def _rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b) if b != 0 else (0.0 if a == 0 else float("inf"))


def compare(before: dict, after: dict) -> dict:
    fb, fa = before["force_N"], after["force_N"]
    peak = max(np.abs(fb).max(), 1e-12)
    return {
        "mean_force_rel": _rel(fa.mean(), fb.mean()),
        "peak_force_rel": _rel(fa.max(), fb.max()),
        "max_force_diff_rel_to_peak": float(np.abs(fa - fb).max() / peak),
        "spikes": [int(before["spike_times_s"].size), int(after["spike_times_s"].size)],
        "spikes_rel": _rel(after["spike_times_s"].size, before["spike_times_s"].size),
        "impulses": [int(before["impulse_times_s"].size), int(after["impulse_times_s"].size)],
        "fibre_aps": [int(before["activation_times_s"].size),
                      int(after["activation_times_s"].size)],
        "fibre_aps_rel": _rel(after["activation_times_s"].size,
                              before["activation_times_s"].size),
        "spike_times_identical": bool(np.array_equal(before["spike_times_s"],
                                                     after["spike_times_s"])),
        "max_angle_diff_deg": float(np.abs(after["angle_deg"] - before["angle_deg"]).max()),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("record", "compare"))
    ap.add_argument("file")
    ap.add_argument("--json", help="write the comparison here")
    args = ap.parse_args(argv)
    if args.mode == "record":
        arrays = {}
        for name in scenarios.names():
            for key, value in fingerprint(name).items():
                arrays[f"{name}/{key}"] = value
            print(name, "recorded", flush=True)
        np.savez_compressed(args.file, **arrays)
        return 0
    data = np.load(args.file)
    table = {}
    for name in scenarios.names():
        before = {k.split("/", 1)[1]: data[k] for k in data.files if k.startswith(name + "/")}
        table[name] = c = compare(before, fingerprint(name))
        print(f"{name:26s} mean F {100 * c['mean_force_rel']:6.2f} %  peak F "
              f"{100 * c['peak_force_rel']:6.2f} %  max|dF|/peak "
              f"{100 * c['max_force_diff_rel_to_peak']:6.2f} %  spikes {c['spikes'][0]}→"
              f"{c['spikes'][1]}  fibre APs {c['fibre_aps'][0]}→{c['fibre_aps'][1]}  "
              f"same spike times {c['spike_times_identical']}  max|dθ| "
              f"{c['max_angle_diff_deg']:.3f}°", flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(table, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
