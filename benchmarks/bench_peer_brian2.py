"""Peer benchmark: the same motor-pool workload in neurosim and in Brian2.

Workload (both simulators): 120 leaky integrate-and-fire motor units with the
Fuglevand rheobases and twitches that neurosim derives from its default parameters
(``motor_pool.rheobase_nA``, ``muscle.twitch_arrays``: exponential spread, range 30 in
rheobase and 100 in twitch force), a voluntary command ramping from 0 to 50 % over
5 s (0.5–5.5 s) and held to 10 s, saturating synaptic drive, after-hyperpolarisation
(rate coding), 3 ms refractoriness, Ornstein–Uhlenbeck synaptic noise (common and
independent, 10 ms), a Fuglevand twitch per spike summed to a muscle force recorded at
2 kHz, and every spike recorded; dt = 0.1 ms, 10 s.

neurosim runs its whole model on this protocol (:data:`bench_simulate.WORKLOAD`): on
top of the Brian2 model it also integrates persistent inward currents, four spinal
inhibitory pathways and interneurons, the limb and spindles, conduction delays, the
neuromuscular junction of every unit, rate-dependent twitch summation and the surface
EMG. The comparison is therefore conservative for neurosim.

Brian2 timings (``prefs.codegen.target`` = ``"cython"`` and ``"numpy"``):

* ``run``: ``Network.run(10 * second)`` on a freshly built network in a warm process
  (Cython extension cache already filled), which includes Brian2's code generation
  and cache look-up on every call;
* ``loop``: a second ``run(10 * second)`` on the same network, which reuses the code
  objects: close to Brian2's pure simulation loop.

neurosim's ``simulate`` is timed the same way as in ``bench_simulate.py`` (warm
process, median over seeds). Cold start = a fresh Python process, from the start of
the import to the first result, with both on-disk caches (numba's, Cython's) filled.

Prints one JSON line. Brian2 is optional (``pip install ".[bench]"``, or any interpreter
that has it, given as ``--brian2-python``); if it cannot be imported the script says so
on stderr and reports neurosim alone.

Usage::

    python benchmarks/bench_peer_brian2.py [--repeats 5] [--numpy-repeats 2] [--cold-repeats 3]
        [--brian2-python /path/to/env/bin/python]
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

from bench_simulate import cold_times, warm_times

BRIAN2_WORKLOAD = '''
import json, math, time
import numpy as np
import brian2 as b2

C = json.loads({constants!r})

def build(target, seed=0):
    b2.prefs.codegen.target = target
    b2.start_scope()
    b2.seed(seed)
    b2.defaultclock.dt = C["dt_ms"] * b2.ms
    n_units = len(C["rheobase_nA"])
    t_ms = np.arange(10001)
    command = np.clip((t_ms / 1000.0 - 0.5) / 5.0, 0.0, 1.0) * 0.5  # ramp 0.5-5.5 s, hold
    drive = b2.TimedArray(command * C["max_drive_nA"], dt=1 * b2.ms)
    eqs = """
    dv/dt = (-v + vth * (s * x / (s + x) - ahp + sd_c * nc + sd_i * ni)) / tau_m : 1 (unless refractory)
    x = drive(t) / rheo : 1
    dahp/dt = -ahp / tau_ahp : 1
    dni/dt = -ni / tau_n + sqrt(2 / tau_n) * xi_i : 1
    dnc/dt = -nc / tau_n + sqrt(2 / tau_n) * xi_c : 1
    dtw/dt = -tw / T : 1
    dF/dt = -F / T + e_P_over_T * tw : 1
    rheo : 1 (constant)
    tau_ahp : second (constant)
    T : second (constant)
    e_P_over_T : Hz (constant)
    """
    namespace = dict(drive=drive, vth=C["threshold_mV"], s=C["saturation"],
                     tau_m=C["membrane_ms"] * b2.ms, tau_n=C["noise_ms"] * b2.ms,
                     sd_c=C["noise_common"], sd_i=C["noise_independent"],
                     ahp_inc=C["ahp_increment"])
    pool = b2.NeuronGroup(n_units, eqs, threshold="v > vth",
                          reset="v = 0; ahp += ahp_inc; tw += 1",
                          refractory=C["refractory_ms"] * b2.ms, method="euler",
                          namespace=namespace)
    pool.rheo = C["rheobase_nA"]
    pool.tau_ahp = np.array(C["ahp_ms"]) * b2.ms
    contraction = np.array(C["contraction_time_ms"])
    pool.T = contraction * b2.ms
    pool.e_P_over_T = np.array(C["peak_twitch_N"]) * math.e / (contraction * b2.ms)
    total = b2.NeuronGroup(1, "force_N : 1")
    summed = b2.Synapses(pool, total, "force_N_post = F_pre : 1 (summed)")
    summed.connect()
    spikes = b2.SpikeMonitor(pool)
    force = b2.StateMonitor(total, "force_N", record=0, dt=0.5 * b2.ms)
    return b2.Network(pool, total, summed, spikes, force), spikes, force
'''
"""The Brian2 model (``.format(constants=...)``: JSON of the neurosim-derived constants).

Brian2 runs in its own interpreter (``--brian2-python``): Brian2 2.9 does not import
with numpy 2.4 (``ndarray.ptp`` is gone), so it may live in a separate environment; the
constants come from neurosim in this process, so that environment needs no neurosim.
The common noise is drawn per unit here (a shared stochastic variable needs a separate
group in Brian2); its size is the same.
"""

WARM_BRIAN2 = '''
{workload}
build({target!r})[0].run(10 * b2.second)  # compile, or load the extension cache
run_s, loop_s = [], []
for seed in range({repeats}):
    net, spikes, force = build({target!r}, seed=seed)
    t = time.perf_counter()
    net.run(10 * b2.second)
    run_s.append(time.perf_counter() - t)
    t = time.perf_counter()
    net.run(10 * b2.second)
    loop_s.append(time.perf_counter() - t)
print(json.dumps(dict(run_s=run_s, loop_s=loop_s, spikes_per_20s=int(spikes.num_spikes),
                      peak_force_N=float(force.force_N[0].max()))))
'''

COLD_BRIAN2 = '''
import time
t0 = time.perf_counter()
{workload}
net, spikes, force = build({target!r})
net.run(10 * b2.second)
print(time.perf_counter() - t0)
'''


def model_constants(n_units: int = 120, dt_ms: float = 0.1) -> str:
    """The Brian2 model's constants, taken from neurosim's defaults, as JSON."""
    import numpy as np

    from neurosim import Parameters
    from neurosim.motor_pool import rheobase_nA
    from neurosim.muscle import twitch_arrays
    from neurosim.protocols import Noise

    params = Parameters().with_changes(**{"pool.n_units": n_units})
    pool, noise = params.pool, Noise()
    twitch = twitch_arrays(params.muscle, n_units, dt_ms)
    frac = np.linspace(0.0, 1.0, n_units)
    ahp_ms = pool.ahp_time_constant_smallest_ms + frac * (
        pool.ahp_time_constant_largest_ms - pool.ahp_time_constant_smallest_ms)
    return json.dumps(dict(
        dt_ms=dt_ms, rheobase_nA=rheobase_nA(pool).tolist(), max_drive_nA=pool.max_drive_nA,
        threshold_mV=pool.threshold_mV, saturation=pool.synaptic_saturation,
        membrane_ms=pool.membrane_time_constant_ms, refractory_ms=pool.refractory_ms,
        ahp_increment=pool.ahp_increment, ahp_ms=ahp_ms.tolist(),
        noise_ms=noise.time_constant_ms, noise_common=noise.common,
        noise_independent=noise.independent,
        contraction_time_ms=twitch["contraction_time_ms"].tolist(),
        peak_twitch_N=twitch["peak_force_N"].tolist()))


def _last_line(python: str, code: str) -> str:
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"exit status {proc.returncode}")
    return proc.stdout.strip().splitlines()[-1]


def brian2_version(python: str) -> str | None:
    """Brian2's version under ``python``, or None (with a message) if it does not import."""
    try:
        return _last_line(python, "import brian2; print(brian2.__version__)")
    except RuntimeError as exc:
        print(f"brian2 cannot be imported by {python} ({exc}); install it with "
              f"pip install '.[bench]' or pass --brian2-python: reporting neurosim only",
              file=sys.stderr)
        return None


def brian2_times(python: str, target: str, repeats: int, constants: str) -> dict:
    """Warm ``run`` (fresh network) and ``loop`` (continued network) times, in one process."""
    workload = BRIAN2_WORKLOAD.format(constants=constants)
    return json.loads(_last_line(python, WARM_BRIAN2.format(
        workload=workload, target=target, repeats=repeats)))


def brian2_cold(python: str, target: str, repeats: int, constants: str) -> list[float]:
    """Fresh-process times from ``import brian2`` to the first result (caches filled)."""
    code = COLD_BRIAN2.format(workload=BRIAN2_WORKLOAD.format(constants=constants),
                              target=target)
    return [float(_last_line(python, code)) for _ in range(repeats)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--numpy-repeats", type=int, default=2,
                        help="repeats of the (slow) Brian2 numpy runtime")
    parser.add_argument("--cold-repeats", type=int, default=3)
    parser.add_argument("--brian2-python", default=sys.executable, metavar="PYTHON",
                        help="interpreter with Brian2 installed (default: this one)")
    args = parser.parse_args(argv)
    import numba
    import numpy

    report = {"benchmark": "peer_brian2", "date": time.strftime("%Y-%m-%d"),
              "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.system()}",
              "python": platform.python_version(), "numpy": numpy.__version__,
              "numba": numba.__version__, "workload": "120 LIF units, 5 s ramp + 5 s hold, "
                                                      "noise, dt 0.1 ms, 10 s"}
    warm = warm_times(120, args.repeats)
    cold = cold_times(120, args.cold_repeats)
    report["neurosim_simulate_median_s"] = round(statistics.median(warm), 4)
    report["neurosim_simulate_all_s"] = [round(t, 4) for t in warm]
    report["neurosim_cold_median_s"] = round(statistics.median(cold), 3)
    version = brian2_version(args.brian2_python)
    report["brian2"] = version
    if version is None:
        print(json.dumps(report))
        return 0
    constants = model_constants()
    for target, repeats in (("cython", args.repeats), ("numpy", args.numpy_repeats)):
        times = brian2_times(args.brian2_python, target, repeats, constants)
        run_median = statistics.median(times["run_s"])
        loop_median = statistics.median(times["loop_s"])
        report[f"brian2_{target}_run_median_s"] = round(run_median, 4)
        report[f"brian2_{target}_loop_median_s"] = round(loop_median, 4)
        report[f"brian2_{target}_run_all_s"] = [round(t, 4) for t in times["run_s"]]
        report[f"brian2_{target}_loop_all_s"] = [round(t, 4) for t in times["loop_s"]]
        report[f"brian2_{target}_spikes_per_20s"] = times["spikes_per_20s"]
        report[f"ratio_brian2_{target}_run_over_neurosim"] = round(
            run_median / report["neurosim_simulate_median_s"], 1)
        report[f"ratio_brian2_{target}_loop_over_neurosim"] = round(
            loop_median / report["neurosim_simulate_median_s"], 1)
    b_cold = brian2_cold(args.brian2_python, "cython", args.cold_repeats, constants)
    report["brian2_cython_cold_median_s"] = round(statistics.median(b_cold), 3)
    report["brian2_cython_cold_all_s"] = [round(t, 3) for t in b_cold]
    report["ratio_cold_brian2_cython_over_neurosim"] = round(
        report["brian2_cython_cold_median_s"] / report["neurosim_cold_median_s"], 1)
    report["targets_met"] = {
        "neurosim>=10x_faster_than_brian2_cython_run":
            report["ratio_brian2_cython_run_over_neurosim"] >= 10.0,
        "neurosim>=10x_faster_than_brian2_cython_loop":
            report["ratio_brian2_cython_loop_over_neurosim"] >= 10.0,
        "neurosim_faster_cold": report["ratio_cold_brian2_cython_over_neurosim"] > 1.0}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
