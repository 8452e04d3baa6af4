"""Reference limit for speed: a hand-written numba loop of the motor pool alone, timed in the
same run as ``neurosim.simulate`` on the workload of ``bench_simulate.py``.

The reference is the least a motor-pool simulation must do: ``n`` leaky integrate-and-fire
units with an after-hyperpolarisation, recruited by the size principle (rheobases spread
exponentially over the pool's recruitment range, the same hyperbolic synaptic saturation,
the resting tonic inhibition as a constant), Ornstein–Uhlenbeck synaptic
noise (common + independent, updated every millisecond, the defaults of
``neurosim.protocols.Noise``), and a Fuglevand-style twitch per spike (exact update of the
critically damped second-order twitch, ``a' = -a/T``, ``b' = -b/T + a``, Fuglevand's gain
from the interspike interval), force = the sum over units, sampled at the output rate. No
spinal circuit, spindles, limb, nerve, junction or EMG: ``simulate / reference`` is what the
whole model costs over the pool alone.

Both are driven by the ramp-to-50 %-and-hold command of ``bench_simulate.WORKLOAD`` for
10 s at dt 0.1 ms. Each is timed ``--repeats`` times after one warm-up (compilation or cache
load); medians are reported, and for each a fit ``time = fixed per step × steps + per
unit-step × units × steps`` over the pool sizes (least squares, the run length fixed).

Prints one JSON object.

Usage::

    python benchmarks/bench_pool_reference.py [--repeats 15] [--sizes 120 1000 [10000]]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

DURATION_S = 10.0
DT_MS = 0.1
CHUNK_MS = 1000  # noise drawn one second at a time, as simulate does (memory stays flat)


def _workload():
    """``run(n_units, duration_s, seed)`` of bench_simulate.py (imported, not copied)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_simulate import WORKLOAD
    namespace: dict = {}
    exec(WORKLOAD, namespace)
    return namespace["run"]


# ----------------------------------------------------------------- the reference loop
@njit(cache=True, nogil=True, fastmath=False)
def _pool_chunk(step0, n_steps, steps_per_noise, out_every, command, max_drive_nA,
                inv_rheobase, saturation, inhibition, threshold_mV, membrane_decay,
                refractory_steps, ahp_decay, ahp_increment,
                noise_draws, noise_decay, noise_common_sd, noise_independent_sd,
                twitch_decay, twitch_impulse, contraction_ms, dt_ms,
                v, refractory, ahp, noise_ind, tw_a, tw_b, last_spike, scalars, out_force,
                out_j):
    """One chunk of the pool: LIF with AHP + size principle + OU noise + exact twitches.

    Returns the number of spikes and the next output index.
    """
    n = v.shape[0]
    noise_common = scalars[0]
    noise_scale = math.sqrt(1.0 - noise_decay * noise_decay)
    row = 0
    n_spikes = 0
    norm = (1.0 - math.exp(-2.0 * 0.4 ** 3)) / 0.4  # Fuglevand's gain: 1 up to T/ISI = 0.4
    for k in range(n_steps):
        s = step0 + k
        if s % steps_per_noise == 0:
            noise_common = noise_common * noise_decay + noise_scale * noise_draws[row, 0]
            for i in range(n):
                noise_ind[i] = noise_ind[i] * noise_decay + noise_scale * noise_draws[row, i + 1]
            row += 1
        drive = max_drive_nA * command[k]
        force = 0.0
        for i in range(n):
            # twitch: exact update of the critically damped pair
            a = tw_a[i] * twitch_decay[i]
            b = (tw_b[i] + dt_ms * tw_a[i]) * twitch_decay[i]
            force += b
            ahp[i] *= ahp_decay[i]
            x = drive * inv_rheobase[i]
            u = (saturation * x / (saturation + x) - inhibition - ahp[i]
                 + noise_common_sd * noise_common + noise_independent_sd * noise_ind[i])
            v_inf = threshold_mV * u
            v_new = v_inf + (v[i] - v_inf) * membrane_decay
            if refractory[i] > 0:
                refractory[i] -= 1
                v[i] = 0.0
            elif v_new >= threshold_mV:
                v[i] = 0.0
                refractory[i] = refractory_steps
                ahp[i] += ahp_increment
                g = 1.0
                if last_spike[i] >= 0:
                    ratio = contraction_ms[i] / ((s - last_spike[i]) * dt_ms)
                    if ratio > 0.4:
                        g = (1.0 - math.exp(-2.0 * ratio * ratio * ratio)) / ratio / norm
                a += g * twitch_impulse[i]
                last_spike[i] = s
                n_spikes += 1
            else:
                v[i] = v_new
            tw_a[i] = a
            tw_b[i] = b
        if s % out_every == 0 and out_j < out_force.shape[0]:
            out_force[out_j] = force
            out_j += 1
    scalars[0] = noise_common
    return n_spikes, out_j


def reference_run(n_units: int, duration_s: float = DURATION_S, seed: int = 0):
    """The pool alone on the bench_simulate command; returns ``(force_N, n_spikes)``."""
    from neurosim import Parameters
    from neurosim.protocols import Noise
    from neurosim.spinal_circuit import resting_inhibition

    p = Parameters()  # the same pool and muscle numbers as the simulate workload
    pool, muscle, noise = p.pool, p.muscle, Noise()
    rank = np.arange(n_units) / max(n_units - 1, 1)
    rheobase = pool.rheobase_smallest_nA * pool.recruitment_range ** rank
    ahp_tau = (pool.ahp_time_constant_smallest_ms
               + (pool.ahp_time_constant_largest_ms - pool.ahp_time_constant_smallest_ms) * rank)
    relative = muscle.twitch_force_range ** rank
    c = math.log(muscle.twitch_force_range) / math.log(muscle.contraction_time_range)
    contraction = muscle.contraction_time_longest_ms * (1.0 / relative) ** (1.0 / c)
    norm = (1.0 - math.exp(-2.0 * 0.4 ** 3)) / 0.4
    peak = relative * muscle.max_force_N / (math.e / norm * relative.sum())
    steps_per_noise = int(round(1.0 / DT_MS))
    n_steps = int(round(duration_s * 1000.0 / DT_MS))
    out_rate = p.emg.output_rate_hz
    out_every = int(round(1000.0 / out_rate / DT_MS))
    out_force = np.zeros(int(math.floor(duration_s * out_rate + 1e-9)))
    v, ahp, noise_ind = np.zeros(n_units), np.zeros(n_units), np.zeros(n_units)
    tw_a, tw_b = np.zeros(n_units), np.zeros(n_units)
    refractory = np.zeros(n_units, dtype=np.int64)
    last_spike = np.full(n_units, -1, dtype=np.int64)
    scalars = np.zeros(1)
    rng = np.random.default_rng(seed)
    chunk_steps = CHUNK_MS * steps_per_noise
    out_j = n_spikes = 0
    for step0 in range(0, n_steps, chunk_steps):
        k = min(chunk_steps, n_steps - step0)
        t = (step0 + np.arange(k)) * DT_MS / 1000.0
        # ramp 0 → 0.5 from 0.5 to 5.5 s, then hold at 0.5 (bench_simulate's WORKLOAD)
        command = np.clip((t - 0.5) / 5.0, 0.0, 1.0) * 0.5
        draws = rng.standard_normal((-(-k // steps_per_noise), n_units + 1))
        spikes, out_j = _pool_chunk(
            step0, k, steps_per_noise, out_every, command,
            pool.max_drive_nA * p.descending.voluntary_drive, 1.0 / rheobase,
            pool.synaptic_saturation, resting_inhibition(p), pool.threshold_mV,
            math.exp(-DT_MS / pool.membrane_time_constant_ms),
            int(round(pool.refractory_ms / DT_MS)), np.exp(-DT_MS / ahp_tau),
            pool.ahp_increment, draws,
            math.exp(-1.0 / noise.time_constant_ms), noise.common, noise.independent,
            np.exp(-DT_MS / contraction), peak * math.e / contraction, contraction, DT_MS,
            v, refractory, ahp, noise_ind, tw_a, tw_b, last_spike, scalars, out_force, out_j)
        n_spikes += spikes
    return out_force, n_spikes


# ----------------------------------------------------------------- timing
def _median_time(fn, n_units: int, repeats: int) -> tuple[float, list[float]]:
    fn(n_units, seed=0)  # warm-up: compile or load from the cache
    times = []
    for seed in range(repeats):
        t = time.perf_counter()
        fn(n_units, seed=seed)
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def _fit(sizes, medians, n_steps):
    """Least-squares ``t = n_steps (fixed + per_unit n)``: (ns per step, ns per unit-step)."""
    a = np.column_stack([np.full(len(sizes), float(n_steps)), np.asarray(sizes, float) * n_steps])
    (fixed, per_unit), *_ = np.linalg.lstsq(a, np.asarray(medians), rcond=None)
    return {"fixed_ns_per_step": round(fixed * 1e9, 2),
            "ns_per_unit_step": round(per_unit * 1e9, 3)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--sizes", type=int, nargs="+", default=[120, 1000],
                        help="pool sizes (≥ 2 for the fit; 10000 is slow for simulate)")
    args = parser.parse_args(argv)
    if len(args.sizes) < 2:
        parser.error("--sizes needs at least two pool sizes for the fit")
    import numba

    load_before = os.getloadavg()
    simulate_run = _workload()
    n_steps = int(round(DURATION_S * 1000.0 / DT_MS))
    report = {"benchmark": "pool_reference", "date": time.strftime("%Y-%m-%d %H:%M"),
              "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.system()} "
                         f"{platform.release()}, {platform.processor() or 'cpu n/a'}",
              "python": platform.python_version(), "numpy": np.__version__,
              "numba": numba.__version__, "repeats": args.repeats,
              "duration_s": DURATION_S, "dt_ms": DT_MS, "steps": n_steps,
              "loadavg_before": [round(x, 2) for x in load_before]}
    sims, refs = [], []
    for n in args.sizes:
        ref_med, ref_all = _median_time(reference_run, n, args.repeats)
        sim_med, sim_all = _median_time(simulate_run, n, args.repeats)
        force, spikes = reference_run(n, seed=0)
        result = simulate_run(n, seed=0)
        hold = slice(int(0.6 * force.size), None)
        refs.append(ref_med)
        sims.append(sim_med)
        report[f"{n}u"] = {
            "reference_median_s": round(ref_med, 4), "simulate_median_s": round(sim_med, 4),
            "ratio_simulate_over_reference": round(sim_med / ref_med, 2),
            "reference_ns_per_unit_step": round(ref_med / (n * n_steps) * 1e9, 2),
            "simulate_ns_per_unit_step": round(sim_med / (n * n_steps) * 1e9, 2),
            "reference_all_s": [round(t, 4) for t in ref_all],
            "simulate_all_s": [round(t, 4) for t in sim_all],
            # sanity: both recruit the pool and hold a force (different models: not equal)
            "reference_spikes": int(spikes), "simulate_spikes": int(result.spike_times_s.size),
            "reference_hold_force_percent": round(100 * force[hold].mean()
                                                  / result.max_force_N, 1),
            "simulate_hold_force_percent": round(100 * result.force_N[hold].mean()
                                                 / result.max_force_N, 1)}
    report["fit_reference"] = _fit(args.sizes, refs, n_steps)
    report["fit_simulate"] = _fit(args.sizes, sims, n_steps)
    report["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
