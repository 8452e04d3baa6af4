"""Bounded resources: a run's memory is estimated before it starts, and refused if it
cannot fit (issue 15, part 4)."""

import json
import os
import subprocess
import sys
import textwrap
import time
import tracemalloc

import pytest

from neurosim import Parameters, simulate
from neurosim.protocols import Noise, Protocol
from neurosim.resources import available_memory_bytes, estimate_run, event_buffer_sizes

MEDIUM = textwrap.dedent("""
    import json, resource
    from neurosim import Parameters, simulate
    from neurosim.experiments import voluntary_protocol
    from neurosim.resources import estimate_run

    def status(key):
        with open("/proc/self/status") as fh:
            return next(int(l.split()[1]) * 1024 for l in fh if l.startswith(key))

    def reset_peak():
        # Linux >= 4.0: the peak resident size (VmHWM) restarts from now, so the compiler's
        # memory during the warm-up (a fresh machine compiles the engine) is not counted
        try:
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")
            return True
        except OSError:
            return False

    p = Parameters().with_changes(**{"pool.n_units": 60})
    record = list(range(60))  # per-step traces of every unit: 5 x 8 B x 60 x 50,000 steps
    # load (or compile) every compiled function the run uses before measuring
    simulate(p, voluntary_protocol(0.3), 1.2, seed=0, record_units=[0])
    est = estimate_run(p, voluntary_protocol(0.3), 5.0, dt_ms=0.1, n_recorded=len(record))
    before = status("VmRSS:")
    fresh_peak = reset_peak()
    simulate(p, voluntary_protocol(0.3), 5.0, seed=0, record_units=record)
    peak = (status("VmHWM:") if fresh_peak
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    print(json.dumps(dict(estimate=est.total_bytes, growth=peak - before)))
""")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc")
def test_estimate_is_within_1_5x_of_the_measured_peak_rss_growth_of_a_medium_run():
    out = subprocess.run([sys.executable, "-c", MEDIUM], check=True, capture_output=True,
                         text=True, timeout=600)
    rec = json.loads(out.stdout.strip().splitlines()[-1])
    assert rec["growth"] > 50e6  # the traces (120 MB) were really allocated and written
    assert 1 / 1.5 <= rec["estimate"] / rec["growth"] <= 1.5, rec


def test_a_run_too_large_for_the_machine_is_refused_before_allocating(monkeypatch):
    monkeypatch.setenv("NEUROSIM_MEMORY_LIMIT_BYTES", str(200e6))
    assert available_memory_bytes() == 200e6
    p = Parameters().with_changes(**{"pool.n_units": 120})
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"(?s)this run would need about \d+\.\d MB .*recorded "
                                         r"traces.*only 200\.0 MB is available.*record_units"
                                         r"=\[\].*shorter duration_s.*larger dt_ms"):
        simulate(p, Protocol(Noise()), 300.0, seed=0, record_units=[0, 40, 80, 119])
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 5e6  # nothing was allocated: refused up front
    # the same run without per-step traces fits
    est = estimate_run(p, Protocol(Noise()), 300.0, dt_ms=0.1, n_recorded=0)
    assert est.total_bytes < 200e6 * 0.9


def test_the_issue_s_oversized_runs_are_refused():
    """20,000 units × 3600 s at 0.005 ms was accepted (and would have needed ~90 GB, its
    event buffers alone 50 GB); 120 units × 3600 s needs ~6 GB, most of it the default
    units' per-step traces."""
    avail = available_memory_bytes()
    p = Parameters().with_changes(**{"pool.n_units": 20000})
    est = estimate_run(p, Protocol(Noise()), 3600.0, dt_ms=0.005, n_recorded=3)
    assert est.total_bytes > 5e10
    if avail is not None and avail < 0.9 * est.total_bytes:
        with pytest.raises(ValueError, match="this run would need about"):
            simulate(p, Protocol(Noise()), 3600.0, dt_ms=0.005, seed=0)
    est = estimate_run(Parameters(), Protocol(Noise()), 3600.0, dt_ms=0.1, n_recorded=3)
    assert 4e9 < est.total_bytes < 1e10
    assert est.parts["recorded traces"] == 5 * 8 * 36_000_000 * 3


def test_memory_that_does_not_belong_to_the_result_does_not_grow_with_the_duration():
    """State, the inputs prepared a second ahead and the event buffers are fixed by the pool
    and the step; only the traces and event lists the result holds grow with the run."""
    p = Parameters().with_changes(**{"pool.n_units": 10000})
    short, long = (estimate_run(p, Protocol(Noise()), d, dt_ms=0.1, n_recorded=3)
                   for d in (60.0, 3600.0))
    assert short.parts["state"] == long.parts["state"]
    assert short.input_bytes == long.input_bytes and short.buffer_bytes == long.buffer_bytes
    for part in ("recorded traces", "population traces", "events"):
        assert long.parts[part] == pytest.approx(60 * short.parts[part], rel=1e-6), part
    assert short.buffer_bytes < 200e6  # was 1.3 GB (n × steps/2 entries per kind)


def test_event_buffers_hold_the_fastest_firing_the_refractory_periods_allow():
    """The buffers are sized by the refractory periods: a run pushed to those limits (fibre
    and motor-neuron refractory periods of one step, ectopic discharges as fast as allowed,
    a 200 Hz train, terminals firing by themselves) fits, and the counts approach them."""
    p = Parameters().with_changes(**{
        "pool.n_units": 8, "pool.refractory_ms": 0.5, "junction.fibre_refractory_ms": 0.5,
        "junction.terminal_refractory_ms": 0.5, "junction.relative_refractory_factor": 0.0,
        "junction.spontaneous_rate_hz": 2000.0, "nerve.ectopic_rate_hz": 100.0,
        "nerve.ectopic_refractory_ms": 0.2, "pool.synaptic_saturation": 20.0,
        "pool.ahp_increment": 0.0, "emg.output_rate_hz": 2000.0})
    from neurosim.experiments import train_protocol
    from neurosim.protocols import Step
    proto = Protocol(Step(level=1.0, start_s=0.0), *train_protocol(200.0, 300).components)
    r = simulate(p, proto, 1.5, seed=0, dt_ms=0.5)
    cap = event_buffer_sizes(n_units=8, chunk_steps=2000, dt_ms=0.5, refractory_steps=1,
                             fibre_refractory_steps=1, terminal_refractory_steps=1,
                             ectopic_refractory_ms=0.2, shocks_per_chunk=201)
    spikes, aps, impulses = ((t < 1.0).sum() for t in (
        r.spike_times_s, r.activation_times_s, r.nerve_impulse_times_s))
    assert spikes <= cap["spikes"] and 0 < aps <= cap["activations"]
    assert impulses <= cap["impulses"]
    # close to the limits (the fibres soon fall into depolarisation block at such rates)
    assert spikes > 0.5 * cap["spikes"] and impulses > 0.1 * cap["impulses"]
