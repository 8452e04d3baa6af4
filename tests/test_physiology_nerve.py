"""Peripheral nerve and EMG physiology against published ranges.

Each test encodes a published range or contrast and names its source:

* healthy proximal M-wave equal or slightly smaller and broader than the distal one
  (temporal dispersion; normal proximal/distal amplitude ratio about 0.8–1.0: Kimura,
  Electrodiagnosis in Diseases of Nerve and Muscle; Oh, Clinical Electromyography:
  Nerve Conduction Studies), while conduction block roughly halves it;
* cramp discharges of 6–25 pps (mean 14.5 ± 5.1) with ISI CV about 0.45 (Minetto et
  al. 2009, J Neurophysiol 102:1890);
* fasciculations are spontaneous motor-unit discharges wherever they start (Layzer
  1994, Muscle Nerve 17:1243), irregular at low rates.
"""


import numpy as np
import pytest

import neurosim.engine as engine
from neurosim import Parameters, experiments, scenarios, simulate
from neurosim.analysis import (discharge_regularity, fasciculation_breakdown,
                               fasciculation_rate_hz,
                               is_rest_recording)
from neurosim.experiments import conduction_report, voluntary_protocol
from neurosim.nerve import (EctopicDischarges, ectopic_interval_stats, nerve_arrays,
                            rested_hazard_hz)
from neurosim.protocols import NerveStimulation, Noise, Protocol
from jit_helpers import assert_identical, outputs_with_and_without_jit

MINETTO_RATE_PPS = (6.0, 25.0)  # Minetto et al. 2009: cramp units 14.5 ± 5.1 pps, 6–25
MINETTO_ISI_CV = (0.3, 0.6)  # Minetto et al. 2009: ISI CV about 0.45


def _supramaximal_pair(params, seed=0):
    """One supramaximal shock at the distal, then one at the proximal site."""
    proto = Protocol(NerveStimulation(times_s=(0.1,), intensity_mA=60.0, site="distal"),
                     NerveStimulation(times_s=(0.3,), intensity_mA=60.0, site="proximal"))
    return simulate(params, proto, 0.5, seed=seed)


def _m_wave(result, time_s, window_ms=(1.0, 40.0)):
    """EMG of the M-wave after the shock at ``time_s`` (mV) and its sample interval (ms)."""
    rel = (result.time_s - time_s) * 1000.0
    sel = (rel >= window_ms[0]) & (rel < window_ms[1])
    return result.emg_mV[sel], 1000.0 / result.parameters.emg.output_rate_hz


def _area_duration_ms(x, dt_ms):
    """Rectified area divided by half the peak-to-peak amplitude (ms): a duration that
    does not depend on where the samples fall, and grows with temporal dispersion."""
    return float(np.sum(np.abs(x)) * dt_ms / (0.5 * np.ptp(x)))


def _unit_isi_stats(result):
    """Mean rate (pps) and ISI CV of each unit with at least 5 muscle activations."""
    return discharge_regularity(result, min_discharges=5)


# ----------------------------------------------------------------- M-wave, proximal vs distal
@pytest.fixture(scope="module")
def healthy_ncs():
    return conduction_report(scenarios.get("nerve_conduction_study").run(seed=0))


def test_healthy_proximal_m_wave_is_not_larger_than_the_distal(healthy_ncs):
    # Kimura; Oh: normal proximal/distal CMAP amplitude ratio about 0.8–1.0 (temporal
    # dispersion and phase cancellation over the longer path); the test allows 0.75–1.0
    ratio = healthy_ncs.proximal.m_amplitude_mV / healthy_ncs.distal.m_amplitude_mV
    assert 0.75 <= ratio <= 1.0


def test_healthy_proximal_m_wave_is_broader():
    # Kimura; Oh: the proximal CMAP lasts longer (temporal dispersion), in health too
    r = _supramaximal_pair(Parameters())
    distal, dt = _m_wave(r, 0.1)
    proximal, _ = _m_wave(r, 0.3)
    assert _area_duration_ms(proximal, dt) > _area_duration_ms(distal, dt)
    assert np.ptp(proximal) <= np.ptp(distal)


@pytest.mark.parametrize("seed", [0, 1])
def test_conduction_block_still_halves_the_proximal_m_wave(seed):
    # Kimura: conduction block = proximal CMAP much smaller than distal; blocking half
    # the axons roughly halves it, while the distal response is untouched
    healthy = _supramaximal_pair(Parameters(), seed=seed)
    blocked = _supramaximal_pair(Parameters().with_changes(**{"nerve.conduction_block": 0.5}),
                                 seed=seed)
    d_h, d_b = np.ptp(_m_wave(healthy, 0.1)[0]), np.ptp(_m_wave(blocked, 0.1)[0])
    p_b = np.ptp(_m_wave(blocked, 0.3)[0])
    assert d_b == pytest.approx(d_h, rel=0.05)
    assert 0.35 < p_b / d_b < 0.65


def test_conduction_velocity_and_h_latency_stay_in_range(healthy_ncs):
    # Kimura: leg motor CV 40–50 m/s (model axons 44–50 m/s); soleus H-reflex latency
    # about 28–34 ms (Palmieri, Ingersoll & Hoffman 2004, J Athl Train 39:268)
    assert 44.0 <= healthy_ncs.conduction_velocity_m_s <= 50.5
    assert 28.0 <= healthy_ncs.h_latency_ms <= 34.0
    diabetic = conduction_report(scenarios.get("diabetic_neuropathy").run(seed=0))
    assert diabetic.conduction_velocity_m_s < 0.9 * healthy_ncs.conduction_velocity_m_s


# ----------------------------------------------------------------- cramp discharges
@pytest.fixture(scope="module")
def cramp():
    return scenarios.get("muscle_cramp").run(seed=0)


def test_cramp_units_fire_at_minetto_rates_and_regularity(cramp):
    # Minetto et al. 2009: electrically elicited cramp, 14.5 ± 5.1 pps (6–25), ISI CV ≈ 0.45
    rates, cvs = _unit_isi_stats(cramp)
    assert rates.size >= 20
    assert MINETTO_RATE_PPS[0] <= rates.mean() <= MINETTO_RATE_PPS[1]
    assert MINETTO_ISI_CV[0] <= cvs.mean() <= MINETTO_ISI_CV[1]


def test_cramp_is_involuntary_force_with_silent_motor_neurons(cramp):
    # the scenario's story: the cramp starts in the nerve, the cord stays silent
    assert cramp.spike_times_s.size == 0
    assert cramp.force_percent[cramp.time_s > 1.0].mean() > 10.0


def test_low_calcium_and_magnesium_give_cramp_like_discharges():
    # low Ca2+/Mg2+ lower the axonal threshold → cramp-like discharges (Minetto ranges)
    r = scenarios.get("low_magnesium_calcium").run(seed=0, duration_s=3.0)
    rates, cvs = _unit_isi_stats(r)
    assert r.spike_times_s.size == 0
    assert MINETTO_RATE_PPS[0] <= rates.mean() <= MINETTO_RATE_PPS[1]
    assert MINETTO_ISI_CV[0] <= cvs.mean() <= MINETTO_ISI_CV[1]


@pytest.mark.parametrize("rate_hz, cv_range", [(0.5, (0.85, 1.05)), (14.5, MINETTO_ISI_CV)])
def test_ectopic_intervals_are_irregular_when_rare_and_paced_when_frequent(rate_hz, cv_range):
    # fasciculations are irregular, far below 1 Hz per unit (REFERENCE; Layzer 1994): a
    # Poisson-like process, CV near 1; cramp discharges are more regular (Minetto 2009)
    p = Parameters()
    nerve = p.nerve.with_changes(ectopic_rate_hz=rate_hz)
    mean_s, cv = ectopic_interval_stats(nerve)
    assert 1.0 / mean_s == pytest.approx(rate_hz, rel=1e-3)
    assert cv_range[0] <= cv <= cv_range[1]
    # and the simulated discharges show it
    arrays = nerve_arrays(nerve, p.spindle, 120, 0.1)
    gen = EctopicDischarges(nerve, arrays, 0.1, np.random.default_rng(3))
    duration_s = max(20.0, 400.0 / rate_hz)
    step, unit = gen.events(0, int(duration_s * 10000))
    cvs, rates = [], []
    for u in np.unique(unit):
        t = step[unit == u] * 1e-4
        isi = np.diff(t)
        cvs.append(isi.std() / isi.mean())
        rates.append(t.size / duration_s)
    assert np.mean(rates) == pytest.approx(rate_hz, rel=0.05)
    assert cv_range[0] <= np.mean(cvs) <= cv_range[1]


def test_without_recovery_ectopic_firing_is_poisson_after_the_refractory_period():
    nerve = Parameters().nerve.with_changes(ectopic_recovery_depth=0.0, ectopic_rate_hz=14.5)
    mean_s, cv = ectopic_interval_stats(nerve)
    t_ref = nerve.ectopic_refractory_ms / 1000.0
    assert cv == pytest.approx((mean_s - t_ref) / mean_s, rel=1e-3)  # exponential, shifted
    assert rested_hazard_hz(nerve, 14.5) == pytest.approx(1.0 / (1.0 / 14.5 - t_ref), rel=1e-6)


# ----------------------------------------------------------------- fasciculation rate
def test_fasciculation_rate_counts_ectopic_discharges(cramp):
    b = fasciculation_breakdown(cramp)
    ectopic = np.sum((cramp.nerve_impulse_sources & 4) != 0) / cramp.duration_s
    assert b.ectopic_axon_per_s == pytest.approx(ectopic) and ectopic > 100.0
    assert fasciculation_rate_hz(cramp) == b.total_per_s
    assert b.total_per_s == pytest.approx(b.ectopic_axon_per_s + b.nerve_terminal_per_s
                                          + b.motor_neuron_per_s)
    assert b.per_unit_hz == pytest.approx(b.total_per_s / cramp.n_units)


def test_fasciculation_breakdown_sums_to_the_total_for_terminal_firing():
    r = scenarios.get("ache_inhibition_severe").run(seed=0)
    b = fasciculation_breakdown(r)
    assert b.nerve_terminal_per_s > 1.0 and b.ectopic_axon_per_s == 0.0
    assert b.total_per_s == pytest.approx(b.ectopic_axon_per_s + b.nerve_terminal_per_s
                                          + b.motor_neuron_per_s)


def test_motor_neuron_discharges_count_only_in_a_rest_recording():
    # a noisy, excitable pool fires at rest: spontaneous motor-unit discharges
    p = Parameters().with_changes(**{"pool.rheobase_smallest_nA": 0.5,
                                     "inhibition.descending": 0.0})
    rest = simulate(p, Noise(common=0.3, independent=0.6), 2.0, seed=1)
    assert is_rest_recording(rest) and rest.spike_times_s.size > 0
    b = fasciculation_breakdown(rest)
    assert b.motor_neuron_per_s == pytest.approx(
        np.sum(rest.nerve_impulse_sources == 1) / rest.duration_s)
    assert b.motor_neuron_per_s > 0 and b.total_per_s == pytest.approx(b.motor_neuron_per_s)
    # a voluntary contraction is not a fasciculation
    voluntary = simulate(Parameters(), voluntary_protocol(0.3), 2.0, seed=1)
    assert not is_rest_recording(voluntary) and voluntary.spike_times_s.size > 0
    assert fasciculation_rate_hz(voluntary) == 0.0


def test_healthy_rest_has_no_fasciculations():
    r = simulate(Parameters(), Noise(), 2.0, seed=0)
    assert fasciculation_rate_hz(r) == 0.0


# ----------------------------------------------------------------- chunking, JIT, seeds
def test_ectopic_discharges_do_not_depend_on_the_chunking():
    p = Parameters()
    nerve = p.nerve.with_changes(ectopic_rate_hz=14.5, ectopic_fraction=0.5)
    arrays = nerve_arrays(nerve, p.spindle, 120, 0.1)
    whole = EctopicDischarges(nerve, arrays, 0.1, np.random.default_rng(7)).events(0, 30000)
    gen = EctopicDischarges(nerve, arrays, 0.1, np.random.default_rng(7))
    parts = [gen.events(a, b - a) for a, b in ((0, 1), (1, 777), (777, 10000), (10000, 30000))]
    np.testing.assert_array_equal(np.concatenate([s for s, _ in parts]), whole[0])
    np.testing.assert_array_equal(np.concatenate([u for _, u in parts]), whole[1])


def test_simulation_in_short_chunks_equals_the_default_chunks(monkeypatch):
    p = scenarios.get("muscle_cramp").parameters.with_changes(
        **{"junction.spontaneous_rate_hz": 0.0})  # the only stream drawn per chunk otherwise
    a = simulate(p, Noise(), 2.0, seed=11)
    monkeypatch.setattr(engine, "CHUNK_MS", 300)
    b = simulate(p, Noise(), 2.0, seed=11)
    assert a.nerve_impulse_times_s.size > 1000
    for key in ("nerve_impulse_times_s", "nerve_impulse_units", "activation_times_s",
                "force_N", "emg_mV"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key), err_msg=key)


def test_ectopic_runs_are_deterministic_per_seed(cramp):
    again = scenarios.get("muscle_cramp").run(seed=0)
    np.testing.assert_array_equal(again.nerve_impulse_times_s, cramp.nerve_impulse_times_s)
    other = scenarios.get("muscle_cramp").run(seed=1)
    assert not np.array_equal(other.nerve_impulse_times_s[:50],
                              cramp.nerve_impulse_times_s[:50])


def test_ectopic_firing_is_identical_without_jit(tmp_path):
    code = """
        import sys
        import numpy as np
        from neurosim import Parameters, simulate
        from neurosim.protocols import Noise
        p = Parameters().with_changes(**{"pool.n_units": 8, "nerve.ectopic_rate_hz": 20.0})
        r = simulate(p, Noise(), 0.3, seed=2)
        np.savez(sys.argv[1], t=r.nerve_impulse_times_s, u=r.nerve_impulse_units,
                 act=r.activation_times_s, force=r.force_N)
    """
    compiled, interpreted = outputs_with_and_without_jit(code, tmp_path)
    assert compiled["t"].size > 20
    assert_identical(compiled, interpreted)


# ----------------------------------------------------------------- errors
def test_ectopic_parameter_errors_are_clear():
    with pytest.raises(ValueError, match=r"nerve\.ectopic_refractory_ms = 0\.1 ms is out of range"):
        Parameters().with_changes(**{"nerve.ectopic_refractory_ms": 0.1})
    with pytest.raises(ValueError, match=r"nerve\.ectopic_recovery_ms = 0 ms is out of range"):
        Parameters().with_changes(**{"nerve.ectopic_recovery_ms": 0.0})
    with pytest.raises(ValueError,
                       match=r"nerve\.ectopic_recovery_depth = -1 dimensionless is out of range"):
        Parameters().with_changes(**{"nerve.ectopic_recovery_depth": -1.0})
    too_fast = Parameters().with_changes(**{"nerve.ectopic_refractory_ms": 10.0,
                                            "nerve.ectopic_rate_hz": 60.0})
    with pytest.raises(ValueError, match=r"ectopic_rate_hz = 60 Hz is too fast for "
                                         r"nerve\.ectopic_refractory_ms = 10 ms"):
        simulate(too_fast, Noise(), 0.1, seed=0)
    with pytest.raises(ValueError, match=r"rate_hz = 0 Hz must be > 0"):
        ectopic_interval_stats(Parameters().nerve)
    p = Parameters()
    nerve = p.nerve.with_changes(ectopic_rate_hz=5.0)
    gen = EctopicDischarges(nerve, nerve_arrays(nerve, p.spindle, 10, 0.1), 0.1,
                            np.random.default_rng(0))
    gen.events(0, 100)
    with pytest.raises(ValueError, match="asked for step 50; the next chunk starts at step 100"):
        gen.events(50, 100)


def test_a_spontaneous_unit_potential_before_the_m_wave_does_not_set_its_onset():
    """A fasciculation that comes and goes before the response is not its onset: the onset
    is where the main deflection left the baseline (an examiner reads the trace so)."""
    from neurosim.analysis import _onset_and_amplitude
    dt_ms = 0.1
    time_ms = np.arange(1.0, 20.0, dt_ms)
    m_wave = np.where(time_ms > 6.0, -8.0 * np.sin(np.pi * (time_ms - 6.0) / 5.0), 0.0)
    m_wave[time_ms > 16.0] = 0.0
    onset, _ = _onset_and_amplitude(m_wave, time_ms, 0.01)
    blip = np.where(np.abs(time_ms - 2.5) < 0.8, -1.0, 0.0)  # one unit, 1/8 of the M-wave
    onset_with_blip, _ = _onset_and_amplitude(m_wave + blip, time_ms, 0.01)
    assert onset == pytest.approx(6.0, abs=2 * dt_ms)
    assert onset_with_blip == pytest.approx(onset)


def test_fasciculations_do_not_change_the_measured_conduction_velocity():
    """ALS-like fasciculations are irregular whole-unit discharges: the conduction study of
    the same nerve reads the same velocity with and without them (before the onset rule
    walked back from the main deflection, one fasciculation gave 229 m/s)."""
    als = scenarios.get("als_like").parameters
    quiet = als.with_changes(**{"nerve.ectopic_rate_hz": 0.0})
    cv = [experiments.conduction_report(simulate(p, experiments.conduction_protocol(), 13.2,
                                                 seed=0)).conduction_velocity_m_s
          for p in (als, quiet)]
    assert cv[0] == pytest.approx(cv[1], rel=0.03)
