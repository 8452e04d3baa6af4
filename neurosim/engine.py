"""The one time-stepping loop: every stage advanced together, step by step.

:func:`simulate` flattens the parameters into arrays once, evaluates the
protocol, draws the noise from an explicit :class:`numpy.random.Generator`,
and runs :func:`_run_chunk` — a numba-compiled loop that calls each stage's
step function — one second of simulated time at a time, so memory stays
modest for long runs. Each step:

1. the limb moves under muscle force, load and the examiner's grip (:mod:`limb`);
2. the spindles turn stretch into Ia spikes, which travel to the cord
   (afferent delay) and, through presynaptic inhibition, excite the pool
   (:mod:`spindle`, :mod:`nerve`, :mod:`spinal_circuit`);
3. inhibition (Renshaw, reciprocal from the antagonist's spindles, descending)
   and the interneurons are updated (:mod:`spinal_circuit`);
4. every motor neuron integrates its input, PIC and AHP (:mod:`motor_pool`);
5. motor-neuron spikes travel down the motor axons (efferent delay, axon loss,
   conduction block, collision with antidromic spikes) and, with electrically
   evoked and ectopic axon spikes, activate the muscle units, each activation
   adding a twitch (:mod:`muscle`).

The surface EMG is built from the muscle activations (:mod:`emg`). The compiled loop
releases the GIL, so while it runs one chunk a second thread prepares the next chunk's
inputs (noise, events, waveforms) and adds the finished chunk's MUAPs to the EMG; one
worker does these jobs in order, so the results do not depend on the threading.

``NUMBA_DISABLE_JIT=1`` runs the same code as plain Python and gives identical
results (slowly); this is tested.

Before anything is allocated, :func:`simulate` refuses what the step or the ankle cannot
represent (:func:`neurosim.numerics.check_run`) and a run whose estimated memory exceeds
what the machine has available (:func:`neurosim.resources.estimate_run`). Every stage's
update is stable for every value inside the declared ranges and every allowed step, so a
run that starts ends with finite, physically possible results
(:func:`neurosim.numerics.result_violations`).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import _cache, schedule, signals
from . import emg as emg_stage
from .motor_pool import NOISE_INTERVAL_MS
from .nerve import (SOURCE_ECTOPIC, SOURCE_F_WAVE, SOURCE_REFLEX, SOURCE_STIMULUS,
                    SOURCE_TERMINAL, ectopic_nerve)
from .numerics import check_run
from .resources import _max_shocks_per_chunk, check_memory, estimate_run, event_buffer_sizes
from ._schema import Number, show
from .parameters import Parameters
from .protocols import Protocol
from .reinnervation import run_remodelling
from .result import SimulationResult

__all__ = ["simulate", "NOISE_INTERVAL_MS", "CHUNK_MS", "SOURCE_REFLEX", "SOURCE_STIMULUS",
           "SOURCE_ECTOPIC", "SOURCE_TERMINAL", "SOURCE_F_WAVE"]

CHUNK_MS = 1000
"""The loop runs in chunks of this much simulated time."""
MAX_DURATION_S = 3600.0
LONG_RUN_S = 60.0
"""Runs estimated to take longer than this (s) log their time and memory estimate (INFO)."""

_log = logging.getLogger("neurosim")
COMPILE_NOTICE = ("neurosim: compiling the simulation engine — once per install (or after an "
                  "upgrade), about 10 s; later runs start at once.")
"""Said once, on stderr (logging), before the first run that has to compile the loop."""

DURATION_S = Number(unit="s", min=0.0, max=MAX_DURATION_S, min_open=True)
"""What a run's duration may be (``simulate``, scenarios, result files, sweeps)."""
DT_MS = Number(unit="ms", min=0.005, max=1.0)
"""What a run's integration step may be (it must also divide 1 ms evenly)."""


def _check_run_arguments(duration_s, dt_ms, output_rate_hz) -> tuple[float, float]:
    """Return the run's ``(duration_s, dt_ms)`` as floats, or raise a ValueError."""
    duration_s = DURATION_S.check(duration_s, "duration_s")
    dt_ms = DT_MS.check(dt_ms, "dt_ms")
    per_noise = NOISE_INTERVAL_MS / dt_ms
    if abs(per_noise - round(per_noise)) > 1e-9:
        raise ValueError(f"dt_ms = {dt_ms:g} ms must divide {NOISE_INTERVAL_MS:g} ms evenly "
                         f"(e.g. 0.1, 0.05, 0.025 ms)")
    if 1000.0 / output_rate_hz < dt_ms:
        raise ValueError(f"dt_ms = {dt_ms:g} ms is coarser than the output interval "
                         f"{1000.0 / output_rate_hz:g} ms (emg.output_rate_hz = {output_rate_hz:g} Hz)")
    return duration_s, dt_ms


def _run_lengths(duration_s: float, dt_ms: float, output_rate_hz: float) -> tuple[int, int]:
    """``(n_steps, n_samples)`` of a run: integration steps and output samples."""
    return (int(round(duration_s * 1000.0 / dt_ms)),
            int(math.floor(duration_s * output_rate_hz + 1e-9)))


def _check_record_units(record_units, n_units: int) -> np.ndarray:
    """The recorded units as an int64 array, or a ValueError (whole numbers in [0, n − 1])."""
    if record_units is None:
        return np.array(sorted({0, n_units // 2, n_units - 1}), dtype=np.int64)
    units = [record_units] if np.ndim(record_units) == 0 else np.asarray(
        record_units, dtype=object).reshape(-1).tolist()
    whole = Number(integer=True)
    try:
        units = [whole.check(u, "unit") for u in units]
    except ValueError:
        raise ValueError(f"record_units = {show(record_units)} must be whole unit indices in "
                         f"[0, {n_units - 1}] (pool.n_units = {n_units})") from None
    if units and (min(units) < 0 or max(units) >= n_units):
        raise ValueError(f"record_units = {units} must lie in [0, {n_units - 1}] "
                         f"(pool.n_units = {n_units})")
    return np.array(units, dtype=np.int64)


def _resolve_seed(seed) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy % (2 ** 63))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number ≥ 0 (or None for a fresh seed)")
    return int(seed)


def simulate(parameters: Parameters | None = None, protocol: Protocol | None = None,
             duration_s: float = 5.0, *, dt_ms: float = 0.1, seed: int | None = None,
             record_units: Sequence[int] | None = None, label: str = "") -> SimulationResult:
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
        Units whose membrane voltage, PIC activation, EPP, cleft ACh and open receptors are
        recorded at every step (40 bytes per step and unit: 0.4 MB per simulated second
        at 0.1 ms). Default: the smallest, a middle and the largest unit; ``[]`` for long
        runs that do not need them.
    label : str, keyword-only
        Name stored in the result (scenarios pass their name).

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        For an out-of-range duration, step, seed or recorded unit; for a step that cannot
        resolve a refractory period or an imposed movement past the range of motion
        (:func:`neurosim.numerics.check_run`); for a run that would need more memory than
        the machine has available (:func:`neurosim.resources.check_memory`: the message
        gives the estimate and how to shrink the run).
    """
    parameters = Parameters() if parameters is None else parameters
    if not isinstance(parameters, Parameters):
        raise ValueError(f"parameters must be a neurosim Parameters object, got "
                         f"{type(parameters).__name__}")
    protocol = Protocol() if protocol is None else Protocol(protocol)
    p = parameters
    n = p.pool.n_units
    out_rate = p.emg.output_rate_hz
    duration_s, dt_ms = _check_run_arguments(duration_s, dt_ms, out_rate)
    check_run(p, protocol, dt_ms)
    seed = _resolve_seed(seed)
    record_units = _check_record_units(record_units, n)
    # what the run will need, before anything is allocated
    estimate = estimate_run(p, protocol, duration_s, dt_ms=dt_ms, n_recorded=record_units.size,
                            chunk_ms=CHUNK_MS)
    check_memory(estimate, duration_s=duration_s, dt_ms=dt_ms)
    if estimate.seconds > LONG_RUN_S:
        _log.info("neurosim: a long run — about %.0f s and %s of memory", estimate.seconds,
                  estimate.describe())

    steps_per_ms = int(round(NOISE_INTERVAL_MS / dt_ms))
    n_steps, n_out = _run_lengths(duration_s, dt_ms, out_rate)
    out_time_s = np.arange(n_out) / out_rate
    chunk_steps = CHUNK_MS * steps_per_ms
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    # spawned in this order, so adding a stream at the end leaves the others unchanged
    streams = dict(zip(("synaptic", "emg", "spindle", "ectopic", "spontaneous", "backfire"),
                       rng.spawn(6)))
    run = schedule.Run(
        parameters=p, protocol=protocol, duration_s=duration_s, dt_ms=dt_ms, seed=seed,
        n_steps=n_steps, n_samples=n_out, out_time_s=out_time_s,
        out_steps=np.round(out_time_s * 1000.0 / dt_ms).astype(np.int64),
        output_rate_hz=out_rate, steps_per_ms=steps_per_ms,
        chunk_steps=chunk_steps, record_units=record_units, rngs=streams,
        event_capacity=_event_capacity(p, protocol, dt_ms, min(chunk_steps, n_steps)))
    consts, states, outputs = schedule.bundles(
        run, schedule.RunConstants(dt_ms=dt_ms, steps_per_ms=steps_per_ms,
                                   record_units=record_units))
    bus = np.zeros(signals.N_SIGNALS)

    # The inputs of the next chunk are prepared on a second thread while the compiled loop
    # (which releases the GIL) runs this one; the finished chunk's MUAPs are added to the
    # EMG there too. One worker does these jobs in order, so the random streams, and the
    # results, are those of preparing each chunk just in time.
    chunk_starts = list(range(0, n_steps, chunk_steps))
    muap = emg_stage.muap_arrays(p.emg, n, size_factor=run_remodelling(run).size_factor)
    emg_clean = np.zeros(n_out)
    emg_jobs = []
    first_compile = not _cache.engine_compiled()
    if first_compile:  # the inputs are valid; the first chunk is about to compile the loop
        _log.warning(COMPILE_NOTICE)
    out_j = 0
    dt_s = dt_ms / 1000.0
    preparer = ThreadPoolExecutor(max_workers=1)
    with preparer:
        def prepare(start):
            return preparer.submit(schedule.chunk_inputs, run, start,
                                   min(chunk_steps, n_steps - start))
        upcoming = [prepare(step0) for step0 in chunk_starts[:1]]
        for index, step0 in enumerate(chunk_starts):
            inputs = upcoming.pop().result()
            upcoming += [prepare(start) for start in chunk_starts[index + 1:index + 2]]
            if index == 0:
                schedule.check_no_shared_memory(bus=bus, states=states, consts=consts,
                                                inputs=inputs, outputs=outputs)
            out_j = schedule.compiled_loop()(step0, min(chunk_steps, n_steps - step0), out_j,
                                                 run.out_steps, bus, states, consts, inputs,
                                                 outputs)
            schedule.end_chunk(run, states)
            act_steps, act_units, _ = run.events["activations"][-1]
            emg_jobs.append(preparer.submit(
                emg_stage.add_muaps, emg_clean, act_steps * dt_s, act_units,
                muap["amplitude_mV"], muap["duration_ms"], out_rate))
    for job in emg_jobs:
        job.result()  # re-raises anything that went wrong on the preparing thread
    if first_compile:
        _cache.mark_engine_compiled()

    waves_out = protocol.waveforms(out_time_s)
    return SimulationResult(
        parameters=p, protocol=protocol, seed=seed, dt_ms=float(dt_ms),
        duration_s=float(duration_s), label=label, time_s=out_time_s,
        command=waves_out["command"], afferent_input=waves_out["afferent"],
        emg_mV=emg_clean + p.emg.noise_mV * streams["emg"].standard_normal(n_out),
        recorded_units=record_units, **_result_fields(schedule.results(run, consts, states,
                                                                        outputs)))


def _result_fields(stage_results: dict) -> dict:
    """The stages' results as :class:`SimulationResult` fields: what is not a field of its
    own goes into ``stage_traces``."""
    own = {f.name for f in dataclasses.fields(SimulationResult)}
    fields = {k: v for k, v in stage_results.items() if k in own}
    fields["stage_traces"] = {k: v for k, v in stage_results.items() if k not in own}
    return fields


def _event_capacity(p: Parameters, protocol: Protocol, dt_ms: float, chunk_steps: int) -> dict:
    """Sizes of one chunk's event buffers: what the refractory periods allow (upper bounds)."""
    ectopic = ectopic_nerve(p)
    return event_buffer_sizes(
        n_units=p.pool.n_units, chunk_steps=chunk_steps, dt_ms=dt_ms,
        refractory_steps=int(round(p.pool.refractory_ms / dt_ms)),
        fibre_refractory_steps=max(1, int(round(p.junction.fibre_refractory_ms / dt_ms))),
        terminal_refractory_steps=int(round(p.junction.terminal_refractory_ms / dt_ms)),
        ectopic_refractory_ms=(p.nerve.ectopic_refractory_ms
                               if ectopic.ectopic_rate_hz > 0 else None),
        shocks_per_chunk=_max_shocks_per_chunk([t for t, _, _ in protocol.stimuli()],
                                               CHUNK_MS))
