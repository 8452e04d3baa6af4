"""Bounded resources: what a run will need, estimated before it starts.

:func:`estimate_run` adds up what :func:`neurosim.simulate` allocates — the per-step traces
of the recorded units, the population traces, the per-unit state, the next second's inputs,
the event buffers and the event lists a typical run fills — and guesses the run time.
``simulate`` refuses a run whose estimate exceeds the memory the machine has available
(:func:`available_memory_bytes`), before allocating any of it, and says how to make it fit.

What grows with the duration: the recorded units' per-step traces (5 traces × 8 bytes per
step and unit: 1.2 MB per simulated second for the default 3 units at 0.1 ms), the
population traces (about 20 × 8 bytes per output sample: 0.3 MB/s at 2 kHz) and the event
lists (about 30 bytes per spike, fibre action potential and nerve impulse while the
chunks' lists are joined at the end). Everything
else — state, inputs prepared a second ahead, event buffers — is fixed by the pool size and
the step, not by the duration.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

__all__ = ["RunEstimate", "estimate_run", "available_memory_bytes", "check_memory",
           "event_buffer_sizes", "TRACES_PER_UNIT", "EVENT_RATE_GUESS_HZ", "REST_EVENT_RATE_HZ",
           "NS_PER_UNIT_STEP", "NS_PER_STEP", "MEMORY_SHARE"]

TRACES_PER_UNIT = 5
"""Per-step traces kept for every recorded unit (membrane, PIC, EPP, cleft ACh, receptors)."""
EVENT_RATE_GUESS_HZ = 10.0
"""Assumed mean rate (per unit) of motor-neuron spikes, fibre APs and nerve impulses for the
estimate of the event lists: a soleus at maximal effort (10.7 Hz, Bellemare et al. 1983).
Electrical shocks and ectopic discharges are added from the protocol and parameters."""
REST_EVENT_RATE_HZ = 1.0
"""The same for a protocol that does not drive the pool (noise only, joint held)."""
NS_PER_UNIT_STEP = 20.0
"""Rough cost of one unit for one step (ns), measured on a 2-core 2026 laptop-class CPU
(BENCHMARKS.md: 10,000 units × 10 s at 0.1 ms in ~17 s)."""
NS_PER_STEP = 1000.0
"""Rough cost of one step beyond the units (limb, spindles, events), ns."""
MEMORY_SHARE = 0.9
"""Share of the available memory a run may plan to use."""
_OUTPUT_ARRAYS = 20  # float64 arrays per output sample (traces, EMG, waveforms, temporaries)
_STATE_BYTES_PER_UNIT = 480  # per-unit constants and state (about 60 float64 arrays)
_EVENT_BYTES = 13  # per event in the chunks' lists (step, unit, flag)
_JOIN_BYTES = 16  # per event while the lists are joined (times, units, flags, a temporary)
_SHOCK_BYTES_PER_UNIT = 56  # per (shock, excited axon): M-wave and antidromic events


@dataclass(frozen=True)
class RunEstimate:
    """Memory and time a run is expected to need.

    Attributes
    ----------
    parts : dict of str to int
        Bytes by what holds them at the peak: ``"recorded traces"``, ``"population
        traces"``, ``"state"``, ``"events"`` (the chunks' event lists), ``"inputs and
        buffers, or joined events"`` (the larger of what the loop holds while it runs —
        two chunks' inputs and the written part of the event buffers — and the event
        arrays joined at the end), ``"stimuli"``.
    seconds : float
        Rough run time once the engine is compiled (s).
    n_units, n_recorded, n_steps : int
    input_bytes, buffer_bytes : int
        Two chunks' inputs, and the capacity of the event buffers (allocated once; only
        what is written occupies memory). Neither depends on the duration.
    """

    parts: dict = field(default_factory=dict)
    seconds: float = 0.0
    n_units: int = 0
    n_recorded: int = 0
    n_steps: int = 0
    input_bytes: int = 0
    buffer_bytes: int = 0

    @property
    def total_bytes(self) -> int:
        return int(sum(self.parts.values()))

    def describe(self) -> str:
        """One line: the total and its largest parts, e.g. ``"4.3 GB (recorded traces 4.3 GB,
        …)"``."""
        big = sorted(self.parts.items(), key=lambda kv: -kv[1])[:3]
        inner = ", ".join(f"{k} {_size(v)}" for k, v in big if v > 0)
        return f"{_size(self.total_bytes)} ({inner})"


def _size(n_bytes: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{int(n_bytes)} B"


def event_buffer_sizes(*, n_units: int, chunk_steps: int, dt_ms: float, refractory_steps: int,
                       fibre_refractory_steps: int, terminal_refractory_steps: int,
                       ectopic_refractory_ms: float | None, shocks_per_chunk: int) -> dict:
    """Capacity of the per-chunk event buffers of the compiled loop (entries, for all units).

    Upper bounds, per unit and chunk of ``chunk_steps`` steps:

    * spikes: one per ``refractory_steps + 1`` steps;
    * fibre APs: one per ``fibre_refractory_steps + 1`` steps (the fibre's absolute
      refractory period);
    * nerve impulses: at most one per step, and no more than the motor neuron's arriving
      spikes, the ectopic discharges (one per ``ectopic_refractory_ms``; ``None`` when axons
      do not discharge ectopically), the electrical shocks (two each: the direct impulse
      and perhaps a recurrent discharge, the F-wave), and the terminal's own firings
      (one per ``terminal_refractory_steps + 1`` steps after any impulse) together.

    Returns
    -------
    dict with ``spikes``, ``activations``, ``impulses`` : int
    """
    spikes = chunk_steps // (refractory_steps + 1) + 1
    activations = chunk_steps // (fibre_refractory_steps + 1) + 1
    ectopic = 0 if ectopic_refractory_ms is None else \
        int(chunk_steps * dt_ms / ectopic_refractory_ms) + 2
    impulses = min(chunk_steps + 1,
                   spikes + ectopic + 2 * shocks_per_chunk
                   + chunk_steps // (terminal_refractory_steps + 1) + 1)
    return dict(spikes=n_units * spikes, activations=n_units * min(activations, chunk_steps + 1),
                impulses=n_units * impulses)


def estimate_run(parameters, protocol, duration_s: float, *, dt_ms: float, n_recorded: int,
                 chunk_ms: float = 1000.0) -> RunEstimate:
    """Memory (bytes, by part) and rough time of a :func:`neurosim.simulate` run.

    Parameters
    ----------
    parameters : Parameters
    protocol : Protocol
    duration_s : float
    dt_ms : float
    n_recorded : int
        Number of recorded units (per-step traces).
    chunk_ms : float
        Simulated time per chunk of the compiled loop.

    Returns
    -------
    RunEstimate
    """
    from .junction import electrolyte_ectopic_rate_hz

    p = parameters
    n = p.pool.n_units
    n_steps = int(round(duration_s * 1000.0 / dt_ms))
    chunk_steps = min(n_steps, int(round(chunk_ms / dt_ms)))
    n_out = int(math.floor(duration_s * p.emg.output_rate_hz + 1e-9))
    ectopic_hz = min(100.0, p.nerve.ectopic_rate_hz + electrolyte_ectopic_rate_hz(p.junction))
    shocks = [t for t, _, _ in protocol.stimuli()]
    per_chunk = _max_shocks_per_chunk(shocks, chunk_ms)
    buffers = event_buffer_sizes(
        n_units=n, chunk_steps=chunk_steps, dt_ms=dt_ms,
        refractory_steps=max(1, int(round(p.pool.refractory_ms / dt_ms))),
        fibre_refractory_steps=max(1, int(round(p.junction.fibre_refractory_ms / dt_ms))),
        terminal_refractory_steps=max(1, int(round(p.junction.terminal_refractory_ms / dt_ms))),
        ectopic_refractory_ms=p.nerve.ectopic_refractory_ms if ectopic_hz > 0 else None,
        shocks_per_chunk=per_chunk)
    ring_rows = int(math.ceil(p.nerve.path_length_m / max(1e-9, _slowest_cv(p)) * 1000.0
                              / dt_ms)) + int(round(p.nerve.neuromuscular_delay_ms / dt_ms)) + 4
    noise_rows = int(math.ceil(chunk_steps * dt_ms))  # one row per ms
    # events: motor-neuron spikes, fibre APs and nerve impulses at a guessed rate while the
    # protocol drives the pool (little at rest), ectopic discharges, electrical shocks
    drives = protocol.input_end_s() > 0 or protocol.joint_mode != "isometric"
    rate = EVENT_RATE_GUESS_HZ if drives else REST_EVENT_RATE_HZ
    per_s = n * (3 * rate + 2 * ectopic_hz * p.nerve.ectopic_fraction)
    events = per_s * duration_s + 2 * len(shocks) * n
    chunk_events = per_s * min(duration_s, chunk_ms / 1000.0) + 2 * per_chunk * n
    capacity = 12 * buffers["spikes"] + 13 * (buffers["activations"] + buffers["impulses"])
    inputs = 2 * (8 * noise_rows * (n + 1) + 16 * 8 * chunk_steps)
    # the chunks' event lists (13 B per event) live to the end; while the loop runs they
    # share the peak with two chunks' inputs and the buffers (only the entries written
    # occupy memory), at the end with the joined arrays and their temporaries (16 B/event)
    touched = min(capacity, _EVENT_BYTES * chunk_events)
    parts = {
        "recorded traces": TRACES_PER_UNIT * 8 * n_steps * n_recorded,
        "population traces": _OUTPUT_ARRAYS * 8 * n_out,
        "state": _STATE_BYTES_PER_UNIT * n + ring_rows * (n + 8),
        "events": int(_EVENT_BYTES * events),
        "inputs and buffers, or joined events": int(max(inputs + touched,
                                                        _JOIN_BYTES * events)),
        "stimuli": _SHOCK_BYTES_PER_UNIT * len(shocks) * n,
    }
    seconds = n_steps * (n * NS_PER_UNIT_STEP + NS_PER_STEP) * 1e-9
    return RunEstimate(parts={k: int(v) for k, v in parts.items()}, seconds=seconds,
                       n_units=n, n_recorded=n_recorded, n_steps=n_steps,
                       input_bytes=int(inputs), buffer_bytes=int(capacity))


def _slowest_cv(p) -> float:
    cv = p.nerve.motor_cv_smallest_m_s * (1.0 - p.nerve.demyelination_slowing)
    return cv


def _max_shocks_per_chunk(times_s, chunk_ms: float) -> int:
    """Most shocks in any window as long as a chunk: each axon's events reach the muscle a
    fixed delay after its shock (up to seconds in a slow, long nerve), so the events that
    land in one chunk come from shocks inside one such window."""
    if not times_s:
        return 0
    t = sorted(times_s)
    window_s = chunk_ms / 1000.0
    most, first = 0, 0
    for last in range(len(t)):
        while t[last] - t[first] >= window_s:
            first += 1
        most = max(most, last - first + 1)
    return most + 1  # a shock on the window's edge: its step may round into the window


def available_memory_bytes() -> int | None:
    """Memory this process can still use (bytes), or ``None`` when unknown.

    ``MemAvailable`` of ``/proc/meminfo`` (Linux), else the free physical pages
    (``os.sysconf``); lowered to what a cgroup (v2 or v1) memory limit leaves. The
    environment variable ``NEUROSIM_MEMORY_LIMIT_BYTES`` overrides it (tests, shared
    machines).
    """
    override = os.environ.get("NEUROSIM_MEMORY_LIMIT_BYTES")
    if override:
        return int(float(override))
    avail = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    if avail is None:
        try:
            avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return None
    for limit_file, usage_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                    "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            with open(limit_file) as fh:
                limit = fh.read().strip()
            with open(usage_file) as fh:
                usage = int(fh.read().strip())
        except (OSError, ValueError):
            continue
        if limit.isdigit() and int(limit) < 2 ** 60:
            avail = min(avail, max(0, int(limit) - usage))
        break
    return avail


def check_memory(estimate: RunEstimate, *, duration_s: float, dt_ms: float) -> None:
    """Refuse a run whose estimated memory exceeds :data:`MEMORY_SHARE` of what is available.

    Raises
    ------
    ValueError
        With the estimate, the available memory and how to reduce the run.
    """
    avail = available_memory_bytes()
    if avail is None or estimate.total_bytes <= MEMORY_SHARE * avail:
        return
    source = ("NEUROSIM_MEMORY_LIMIT_BYTES" if os.environ.get("NEUROSIM_MEMORY_LIMIT_BYTES")
              else "MemAvailable, or the cgroup's memory limit")
    hints = []
    traces = estimate.parts.get("recorded traces", 0)
    if traces > 0.2 * estimate.total_bytes:
        hints.append(f"record fewer units (record_units=[] saves {_size(traces)}; each "
                     f"recorded unit costs {_size(traces / max(1, estimate.n_recorded))})")
    hints.append(f"a shorter duration_s (now {duration_s:g} s; recorded traces, population "
                 f"traces and events grow with it)")
    hints.append(f"a larger dt_ms (now {dt_ms:g} ms; per-step traces and buffers shrink with it)")
    if estimate.n_units > 1000:
        hints.append(f"fewer motor units (pool.n_units = {estimate.n_units})")
    raise ValueError(
        f"this run would need about {estimate.describe()} of memory, but only "
        f"{_size(avail)} is available on this machine ({source}); reduce it with "
        + "; or ".join(hints) + f". (Estimated run time {estimate.seconds:.0f} s.)")
