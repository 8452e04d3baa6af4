"""The one time-stepping loop: every stage advanced together, step by step.

:func:`simulate` flattens the parameters into arrays once, evaluates the
protocol, draws the noise from an explicit :class:`numpy.random.Generator`,
and runs :func:`_run_chunk` — a numba-compiled loop that calls each stage's
step function (:mod:`motor_pool`, :mod:`spinal_circuit`, :mod:`muscle`) — one
second of simulated time at a time, so memory stays modest for long runs.
EMG is synthesised afterwards from the spike events (:mod:`emg`).

``NUMBA_DISABLE_JIT=1`` runs the same code as plain Python and gives identical
results (slowly); this is tested.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import emg as emg_stage
from .motor_pool import membrane_step, pic_step, pool_arrays, synaptic_drive, rheobase_nA
from .muscle import summation_gain, twitch_arrays, twitch_step
from .parameters import Parameters
from .protocols import Protocol
from .result import SimulationResult
from .spinal_circuit import (afferent_gate, interneuron_constants, interneuron_step,
                             renshaw_constants, renshaw_step, tonic_inhibition)

__all__ = ["simulate", "NOISE_INTERVAL_MS", "CHUNK_MS"]

NOISE_INTERVAL_MS = 1.0
"""Noise is updated every millisecond, whatever dt, so halving dt keeps the same noise."""
CHUNK_MS = 1000
"""The loop runs in chunks of this much simulated time."""
RATE_BIN_MS = 50.0
MAX_DURATION_S = 3600.0


@njit(cache=True, error_model="numpy")
def _run_chunk(step0, n_steps, steps_per_noise, command_nA, afferent_nA, noise_draws, noise_decay,
               noise_common_sd, noise_independent_sd,
               # pool constants
               inv_rheobase, saturation, ahp_decay, ahp_increment, threshold_mV,
               membrane_decay, refractory_steps, pic_amplitude, pic_v_half, pic_width,
               pic_act_rate, pic_inact_rate, pic_depth,
               # inhibition constants
               tonic_inhib, renshaw_decay, renshaw_increment, renshaw_gain,
               interneuron_decay, interneuron_scale, interneuron_weight,
               # muscle constants
               twitch_decay, twitch_impulse, contraction_ms, dt_ms,
               # state (mutated in place) and scalar state
               v, vd, refractory, ahp, m, h, tw_a, tw_b, last_spike, noise_ind, scalars,
               # outputs
               out_steps, out_index0, out_force, out_pic, out_inhib, out_renshaw,
               spike_step, spike_unit, rec_units, rec_v, rec_pic, rec_row0):
    n = v.shape[0]
    noise_common = scalars[0]
    r = scalars[1]
    e = scalars[2]
    n_spk = 0
    out_j = out_index0
    n_out = out_steps.shape[0]
    noise_row = 0
    noise_scale = math.sqrt(1.0 - noise_decay * noise_decay)
    for k in range(n_steps):
        s = step0 + k
        if s % steps_per_noise == 0:  # Ornstein-Uhlenbeck update every NOISE_INTERVAL_MS
            noise_common = noise_common * noise_decay + noise_scale * noise_draws[noise_row, 0]
            for i in range(n):
                noise_ind[i] = noise_ind[i] * noise_decay + noise_scale * noise_draws[noise_row, i + 1]
            noise_row += 1
        e = interneuron_step(e, afferent_nA[k], interneuron_decay, interneuron_scale)
        drive = command_nA[k] + afferent_nA[k] + interneuron_weight * e
        inhib = tonic_inhib + renshaw_gain * r
        common = noise_common_sd * noise_common - inhib
        # pass 1: every unit's continuous dynamics (branch-free, so it vectorises)
        for i in range(n):
            tw_a[i], tw_b[i] = twitch_step(tw_a[i], tw_b[i], twitch_decay[i], dt_ms)
            ahp[i] *= ahp_decay[i]
            u_dend = (synaptic_drive(drive, inv_rheobase[i], saturation)
                      + pic_amplitude[i] * m[i] * h[i] + common
                      + noise_independent_sd * noise_ind[i])
            vd[i] = membrane_step(vd[i], u_dend, threshold_mV, membrane_decay)
            m[i], h[i] = pic_step(m[i], h[i], vd[i], pic_v_half, pic_width, pic_act_rate,
                                  pic_inact_rate, pic_depth)
            v_new = membrane_step(v[i], u_dend - ahp[i], threshold_mV, membrane_decay)
            v[i] = v_new if refractory[i] == 0 else 0.0  # held at rest while refractory
        # pass 2: refractoriness and spikes (rare events)
        spikes_now = 0
        for i in range(n):
            if refractory[i] > 0:
                refractory[i] -= 1
            elif v[i] >= threshold_mV:
                v[i] = 0.0
                refractory[i] = refractory_steps
                ahp[i] += ahp_increment
                if last_spike[i] >= 0:
                    g = summation_gain(contraction_ms[i], (s - last_spike[i]) * dt_ms)
                else:
                    g = 1.0
                tw_a[i] += g * twitch_impulse[i]
                last_spike[i] = s
                spike_step[n_spk] = s
                spike_unit[n_spk] = i
                n_spk += 1
                spikes_now += 1
        r = renshaw_step(r, spikes_now, renshaw_decay, renshaw_increment)
        for q in range(rec_units.shape[0]):
            rec_v[rec_row0 + k, q] = v[rec_units[q]]
            rec_pic[rec_row0 + k, q] = m[rec_units[q]] * h[rec_units[q]]
        if out_j < n_out and out_steps[out_j] == s:
            force = 0.0
            pic_sum = 0.0
            for i in range(n):
                force += tw_b[i]
                pic_sum += m[i] * h[i]
            out_force[out_j] = force
            out_pic[out_j] = pic_sum / n
            out_inhib[out_j] = tonic_inhib + renshaw_gain * r
            out_renshaw[out_j] = r
            out_j += 1
    scalars[0] = noise_common
    scalars[1] = r
    scalars[2] = e
    return n_spk, out_j


def _check_run_arguments(duration_s, dt_ms, output_rate_hz):
    if isinstance(duration_s, bool) or not isinstance(duration_s, (int, float)) \
            or not math.isfinite(duration_s) or not (0 < duration_s <= MAX_DURATION_S):
        raise ValueError(f"duration_s = {duration_s!r} s is out of range: allowed (0, "
                         f"{MAX_DURATION_S:g}] s")
    if isinstance(dt_ms, bool) or not isinstance(dt_ms, (int, float)) \
            or not math.isfinite(dt_ms) or not (0.005 <= dt_ms <= 1.0):
        raise ValueError(f"dt_ms = {dt_ms!r} ms is out of range: allowed [0.005, 1] ms")
    per_noise = NOISE_INTERVAL_MS / dt_ms
    if abs(per_noise - round(per_noise)) > 1e-9:
        raise ValueError(f"dt_ms = {dt_ms:g} ms must divide {NOISE_INTERVAL_MS:g} ms evenly "
                         f"(e.g. 0.1, 0.05, 0.025 ms)")
    if 1000.0 / output_rate_hz < dt_ms:
        raise ValueError(f"dt_ms = {dt_ms:g} ms is coarser than the output interval "
                         f"{1000.0 / output_rate_hz:g} ms (emg.output_rate_hz = {output_rate_hz:g} Hz)")


def _resolve_seed(seed) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy % (2 ** 63))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number ≥ 0 (or None for a fresh seed)")
    return int(seed)


def simulate(parameters: Parameters | None = None, protocol: Protocol | None = None,
             duration_s: float = 5.0, *, dt_ms: float = 0.1, seed: int | None = None,
             record_units=None, label: str = "") -> SimulationResult:
    """Run the model.

    Pure: the same parameters, protocol, duration, dt and seed give identical arrays.

    Parameters
    ----------
    parameters : Parameters, optional
        Model parameters (default: healthy defaults).
    protocol : Protocol or protocol component, optional
        What the experimenter does (default: rest with no noise).
    duration_s : float
        Simulated time (s), in (0, 3600].
    dt_ms : float, keyword-only
        Integration step (ms); must divide 1 ms evenly. Default 0.1 ms.
    seed : int or None, keyword-only
        Seed of the :class:`numpy.random.Generator` for all noise. ``None`` draws a
        fresh seed, which is stored in the result so the run can be repeated.
    record_units : sequence of int, optional, keyword-only
        Units whose membrane voltage and PIC activation are recorded at every step.
        Default: the smallest, a middle and the largest unit.
    label : str, keyword-only
        Name stored in the result (scenarios pass their name).

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        For an out-of-range duration, step, seed or recorded unit.
    """
    parameters = Parameters() if parameters is None else parameters
    if not isinstance(parameters, Parameters):
        raise ValueError(f"parameters must be a neurosim Parameters object, got "
                         f"{type(parameters).__name__}")
    protocol = Protocol() if protocol is None else Protocol(protocol)
    p = parameters
    n = p.pool.n_units
    out_rate = p.emg.output_rate_hz
    _check_run_arguments(duration_s, dt_ms, out_rate)
    seed = _resolve_seed(seed)
    if record_units is None:
        record_units = sorted({0, n // 2, n - 1})
    record_units = np.asarray(record_units, dtype=np.int64).reshape(-1)
    if record_units.size and (record_units.min() < 0 or record_units.max() >= n):
        raise ValueError(f"record_units = {record_units.tolist()} must lie in [0, {n - 1}] "
                         f"(pool.n_units = {n})")

    steps_per_noise = int(round(NOISE_INTERVAL_MS / dt_ms))
    n_steps = int(round(duration_s * 1000.0 / dt_ms))
    n_out = int(math.floor(duration_s * out_rate + 1e-9))
    out_time_s = np.arange(n_out) / out_rate
    out_steps = np.round(out_time_s * 1000.0 / dt_ms).astype(np.int64)

    # ---- flatten the parameters once
    pool = pool_arrays(p.pool, p.pic, dt_ms)
    tw = twitch_arrays(p.muscle, n, dt_ms)
    gate = afferent_gate(p.inhibition)
    ren_decay, ren_inc, ren_gain = renshaw_constants(p.inhibition, n, dt_ms)
    in_decay, in_scale, _ = interneuron_constants(p.inhibition, dt_ms)
    noise = protocol.noise
    noise_decay = math.exp(-NOISE_INTERVAL_MS / noise.time_constant_ms)
    refractory_steps = int(round(p.pool.refractory_ms / dt_ms))
    pic_v_half = (p.pool.threshold_mV - p.pic.activation_onset_below_threshold_mV
                  + 0.5 * p.pic.activation_width_mV)

    # ---- state
    v = np.zeros(n)
    vd = np.zeros(n)
    refractory = np.zeros(n, dtype=np.int64)
    ahp = np.zeros(n)
    m = np.zeros(n)
    h = np.ones(n)
    tw_a = np.zeros(n)
    tw_b = np.zeros(n)
    last_spike = np.full(n, -1, dtype=np.int64)
    noise_ind = np.zeros(n)
    scalars = np.zeros(3)  # common noise, Renshaw activity, interneuron activity

    # ---- outputs
    out_force = np.zeros(n_out)
    out_pic = np.zeros(n_out)
    out_inhib = np.zeros(n_out)
    out_renshaw = np.zeros(n_out)
    rec_v = np.zeros((n_steps, record_units.size))
    rec_pic = np.zeros((n_steps, record_units.size))
    spike_steps, spike_units = [], []

    rng = np.random.default_rng(np.random.SeedSequence(seed))
    synaptic_rng, emg_rng = rng.spawn(2)
    chunk_steps = CHUNK_MS * steps_per_noise
    max_per_unit = chunk_steps // (refractory_steps + 1) + 1
    spike_step_buf = np.empty(n * max_per_unit, dtype=np.int64)
    spike_unit_buf = np.empty(n * max_per_unit, dtype=np.int32)
    out_j = 0
    for step0 in range(0, n_steps, chunk_steps):
        k_steps = min(chunk_steps, n_steps - step0)
        t = (step0 + np.arange(k_steps)) * (dt_ms / 1000.0)
        waves = protocol.waveforms(t)
        n_noise = -(-k_steps // steps_per_noise)
        draws = synaptic_rng.standard_normal((n_noise, n + 1))
        n_spk, out_j = _run_chunk(
            step0, k_steps, steps_per_noise, p.pool.max_drive_nA * waves["command"],
            p.pool.max_drive_nA * gate * waves["afferent"], draws, noise_decay, noise.common,
            noise.independent,
            pool["inv_rheobase"], p.pool.synaptic_saturation, pool["ahp_decay"],
            p.pool.ahp_increment, p.pool.threshold_mV,
            math.exp(-dt_ms / p.pool.membrane_time_constant_ms), refractory_steps,
            pool["pic_amplitude"], pic_v_half, p.pic.activation_width_mV,
            dt_ms / p.pic.activation_time_constant_ms,
            dt_ms / (1000.0 * p.pic.inactivation_time_constant_s), p.pic.inactivation_depth,
            tonic_inhibition(p.inhibition), ren_decay, ren_inc, ren_gain,
            in_decay, in_scale, p.inhibition.interneuron_weight,
            tw["decay"], tw["impulse"], tw["contraction_time_ms"], dt_ms,
            v, vd, refractory, ahp, m, h, tw_a, tw_b, last_spike, noise_ind, scalars,
            out_steps, out_j, out_force, out_pic, out_inhib, out_renshaw,
            spike_step_buf, spike_unit_buf, record_units, rec_v, rec_pic, step0)
        spike_steps.append(spike_step_buf[:n_spk].copy())
        spike_units.append(spike_unit_buf[:n_spk].copy())

    spike_step_all = np.concatenate(spike_steps)
    spike_unit_all = np.concatenate(spike_units)
    spike_times = spike_step_all * (dt_ms / 1000.0)

    muap = emg_stage.muap_arrays(p.emg, n)
    emg = emg_stage.synthesize_emg(spike_times, spike_unit_all, muap["amplitude_mV"],
                                   muap["duration_ms"], out_rate, n_out)
    emg = emg + p.emg.noise_mV * emg_rng.standard_normal(n_out)

    waves_out = protocol.waveforms(out_time_s)
    return SimulationResult(
        parameters=p, protocol=protocol, seed=seed, dt_ms=float(dt_ms),
        duration_s=float(duration_s), label=label, time_s=out_time_s,
        command=waves_out["command"], afferent_input=waves_out["afferent"],
        force_N=out_force, emg_mV=emg,
        population_rate_hz=_population_rate(spike_times, n, out_time_s, out_rate),
        pic_activation=out_pic, inhibition=out_inhib, renshaw_activity=out_renshaw,
        spike_times_s=spike_times, spike_units=spike_unit_all, recorded_units=record_units,
        membrane_mV=rec_v, unit_pic_activation=rec_pic, rheobase_nA=rheobase_nA(p.pool),
        peak_twitch_force_N=tw["peak_force_N"], contraction_time_ms=tw["contraction_time_ms"],
        max_force_N=p.muscle.max_force_N)


def _population_rate(spike_times_s, n_units, out_time_s, out_rate_hz):
    """Mean rate per unit (Hz) in RATE_BIN_MS bins, sampled on the output grid."""
    if out_time_s.size == 0:
        return np.zeros(0)
    bin_s = RATE_BIN_MS / 1000.0
    n_bins = int(math.ceil((out_time_s[-1] + 1.0 / out_rate_hz) / bin_s))
    counts = np.bincount(np.minimum((spike_times_s / bin_s).astype(np.int64), n_bins - 1),
                         minlength=n_bins) if spike_times_s.size else np.zeros(n_bins)
    rate = counts / (n_units * bin_s)
    return rate[np.minimum((out_time_s / bin_s).astype(np.int64), n_bins - 1)]
