"""The engine: invariants, analytic checks, determinism, convergence, compiled = interpreted."""


import numpy as np
import pytest

from neurosim import Parameters, simulate
from neurosim.motor_pool import firing_rate_lif_hz
from neurosim.muscle import twitch_arrays
from neurosim.protocols import Noise, Ramp, Step, Trapezoid
from jit_helpers import assert_identical, outputs_with_and_without_jit

SMALL = Parameters().with_changes(**{"pool.n_units": 30})


# ----------------------------------------------------------------- invariants
def test_no_input_gives_no_spikes_no_force_and_only_noise_emg():
    r = simulate(Parameters(), Noise(), 2.0, seed=3)
    assert r.spike_times_s.size == 0
    assert np.all(r.force_N == 0.0)
    # EMG is then pure measurement noise: RMS equals its SD within sampling error
    assert abs(np.std(r.emg_mV) - Parameters().emg.noise_mV) < 0.1 * Parameters().emg.noise_mV
    silent = simulate(Parameters().with_changes(**{"emg.noise_mV": 0.0}), None, 1.0, seed=3)
    assert np.all(silent.emg_mV == 0.0)


def test_recruitment_follows_size_order():
    # to 90 % of the drive: the largest soleus-like unit joins at about 70 % of it
    r = simulate(Parameters(), Ramp(start_s=0.2, stop_s=8.2, start_level=0.0, end_level=0.9),
                 8.2, seed=1)
    first = np.array([r.unit_spike_times(u)[0] for u in range(r.n_units)])
    # without noise the order is strict: every larger unit starts later
    assert np.all(np.diff(first) > 0)
    # with noise the order still holds on average (rank correlation near 1)
    noisy = simulate(Parameters(), Ramp(start_s=0.2, stop_s=8.2, start_level=0.0, end_level=0.9)
                     + Noise(), 8.2, seed=1)
    first_noisy = np.array([noisy.unit_spike_times(u)[0] for u in range(noisy.n_units)])
    rank = np.corrcoef(np.argsort(np.argsort(first_noisy)), np.arange(noisy.n_units))[0, 1]
    assert rank > 0.95


def test_force_grows_monotonically_with_command():
    levels = [0.05, 0.1, 0.2, 0.4, 0.7, 1.0]
    mean_force = []
    for level in levels:
        r = simulate(Parameters(), Step(level=level, start_s=0.0) + Noise(), 2.0, seed=5)
        mean_force.append(r.force_percent[r.time_s > 1.0].mean())
    assert np.all(np.diff(mean_force) > 0), mean_force
    assert mean_force[-1] > 60.0  # maximal command gives most of maximal force


def test_rates_are_physiological_during_a_ramp():
    from neurosim.analysis import firing_statistics
    r = simulate(Parameters(), Ramp(start_s=0.5, stop_s=10.5, start_level=0, end_level=1) + Noise(),
                 10.5, seed=1)
    stats = firing_statistics(r)
    assert stats.units_recruited == r.n_units
    late_units = slice(60, None)  # recruited mid-ramp: start near 5–8 Hz (soleus; Fuglevand 8 Hz)
    assert 4.0 < np.nanmedian(stats.recruitment_rate_hz[late_units]) < 10.0
    # soleus at maximal effort: 10.7 ± 2.9 Hz (Bellemare et al. 1983, J Neurophysiol 50:1380)
    assert 7.8 < np.nanmedian(stats.peak_rate_hz[:30]) < 16.0
    assert np.nanmax(stats.peak_rate_hz) < 30.0


# ----------------------------------------------------------------- analytic checks
def test_twitch_peaks_at_its_contraction_time_with_its_peak_force():
    # one unit, a fast membrane and a 2.5 ms command: exactly one spike, one twitch
    single = Parameters().with_changes(**{"pool.n_units": 1, "pic.strength": 0.0,
                                          "pool.membrane_time_constant_ms": 1.0})
    r1 = simulate(single, Step(level=1.0, start_s=0.1, stop_s=0.1025), 1.0, seed=0)
    assert r1.spike_times_s.size == 1 and r1.activation_times_s.size == 1
    # the muscle is activated after the efferent conduction and neuromuscular delays
    nerve = single.nerve
    expected_delay_s = nerve.path_length_m / nerve.motor_cv_smallest_m_s + nerve.neuromuscular_delay_ms / 1000
    assert r1.nerve_impulse_times_s.size == 1
    assert r1.nerve_impulse_times_s[0] - r1.spike_times_s[0] == pytest.approx(expected_delay_s, abs=1e-4)
    # and the endplate potential takes under a millisecond to fire the fibre
    assert 0 < r1.activation_times_s[0] - r1.nerve_impulse_times_s[0] < 1e-3
    activation = r1.activation_times_s[0]
    tw1 = twitch_arrays(single.muscle, 1, r1.dt_ms)
    t_peak = r1.time_s[np.argmax(r1.force_N)] - activation
    assert abs(t_peak * 1000 - tw1["contraction_time_ms"][0]) <= 1000 / r1.output_rate_hz
    assert r1.force_N.max() == pytest.approx(tw1["peak_force_N"][0], rel=1e-3)
    # the declared ranges: contraction time from the longest down by its range (soleus-like:
    # 130 → 87 ms), 100-fold twitch force (Fuglevand et al. 1993)
    muscle = Parameters().muscle
    tw = twitch_arrays(muscle, 120, 0.1)
    assert tw["contraction_time_ms"][0] == pytest.approx(muscle.contraction_time_longest_ms)
    assert tw["contraction_time_ms"][-1] == pytest.approx(
        muscle.contraction_time_longest_ms / muscle.contraction_time_range)
    assert tw["peak_force_N"][-1] / tw["peak_force_N"][0] == pytest.approx(100.0)
    assert np.all(np.diff(tw["contraction_time_ms"]) < 0)


def test_tetanus_fuses_and_saturates_at_high_rates():
    """Rate-dependent summation: force per spike falls as twitches fuse (Fuglevand 1993)."""
    one = Parameters().with_changes(**{"pool.n_units": 1, "pic.strength": 0.0,
                                       "pool.synaptic_saturation": 20.0})
    forces = []
    for level in (0.012, 0.02, 0.03):  # 19, 41, 64 Hz: within what the junction relays
        r = simulate(one, Step(level=level, start_s=0.0), 2.0, seed=0)
        late = r.time_s > 1.0
        rate = r.spike_times_s[r.spike_times_s > 1.0].size / 1.0
        forces.append((rate, r.force_N[late].mean(), np.ptp(r.force_N[late]) / r.force_N[late].mean()))
    rates = [f[0] for f in forces]
    assert rates[0] < rates[1] < rates[2]
    # force per spike drops with rate, ripple (unfused fraction) shrinks
    per_spike = [f[1] / f[0] for f in forces]
    assert per_spike[0] > per_spike[1] > per_spike[2]
    assert forces[0][2] > forces[2][2]


def test_lif_rate_matches_its_analytic_value_for_constant_input():
    # a bare LIF: no AHP, no PIC, no inhibition (Ib included), no spindle input, no noise
    p = Parameters().with_changes(**{"pool.n_units": 1, "pool.ahp_increment": 0.0,
                                     "spindle.ia_weight_nA_per_hz": 0.0,
                                     "pic.strength": 0.0, "inhibition.descending": 0.0,
                                     "inhibition.reciprocal": 0.0, "inhibition.recurrent": 0.0,
                                     "tendon_organ.autogenic_inhibition": 0.0,
                                     "pool.synaptic_saturation": 20.0})
    for level in (0.012, 0.02, 0.04):
        r = simulate(p, Step(level=level, start_s=0.0), 3.0, seed=0, dt_ms=0.025)
        x = level * p.pool.max_drive_nA / p.pool.rheobase_smallest_nA
        s = p.pool.synaptic_saturation
        u = s * x / (s + x)
        expected = firing_rate_lif_hz(u, p.pool)
        t = r.unit_spike_times(0)
        measured = 1.0 / np.mean(np.diff(t[t > 0.5]))
        assert measured == pytest.approx(expected, rel=0.01), (level, measured, expected)


def test_renshaw_activity_tracks_pool_rate():
    r = simulate(SMALL, Step(level=0.3, start_s=0.0) + Noise(), 3.0, seed=2)
    late = r.time_s > 1.5
    # r = (mean rate per unit)/20 Hz by construction
    assert r.renshaw_activity[late].mean() == pytest.approx(r.population_rate_hz[late].mean() / 20,
                                                            rel=0.1)


# ----------------------------------------------------------------- determinism
def test_same_seed_gives_identical_arrays_and_different_seeds_differ():
    proto = Trapezoid(level=0.2) + Noise()
    a = simulate(SMALL, proto, 3.0, seed=11)
    b = simulate(SMALL, proto, 3.0, seed=11)
    c = simulate(SMALL, proto, 3.0, seed=12)
    for name in ("force_N", "emg_mV", "spike_times_s", "spike_units", "membrane_mV"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.emg_mV, c.emg_mV)
    assert not np.array_equal(a.spike_times_s[:50], c.spike_times_s[:50])


def test_seed_none_records_a_seed_that_reproduces_the_run():
    a = simulate(SMALL, Trapezoid(level=0.2) + Noise(), 2.0, seed=None)
    b = simulate(SMALL, Trapezoid(level=0.2) + Noise(), 2.0, seed=a.seed)
    np.testing.assert_array_equal(a.force_N, b.force_N)


def test_chunked_loop_equals_one_run():
    """A run longer than one chunk gives the same first second as a one-chunk run."""
    proto = Trapezoid(level=0.2) + Noise()
    long = simulate(SMALL, proto, 2.5, seed=4)
    short = simulate(SMALL, proto, 1.0, seed=4)
    n = short.time_s.size
    np.testing.assert_array_equal(long.force_N[:n], short.force_N)
    np.testing.assert_array_equal(long.spike_times_s[long.spike_times_s < 1.0], short.spike_times_s)


def test_a_failure_while_preparing_a_later_chunk_reaches_the_caller():
    """Chunk inputs are prepared on a second thread; an error there is not lost."""
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class BreaksAfterOneSecond(Step):
        def waveform(self, time_s):
            if time_s.size and time_s[-1] > 1.0:
                raise ValueError("waveform asked for t > 1 s")
            return super().waveform(time_s)

    proto = BreaksAfterOneSecond(level=0.1)
    with pytest.raises(ValueError, match=r"waveform asked for t > 1 s"):
        simulate(SMALL, proto, 2.5, seed=0)
    assert simulate(SMALL, proto, 1.0, seed=0).force_N.size == 2000  # one chunk: fine


def test_emg_added_chunk_by_chunk_equals_one_sum():
    """The engine adds each chunk's MUAPs as it goes; that is the one-call EMG exactly."""
    from neurosim.emg import add_muaps, muap_arrays, synthesize_emg
    rng = np.random.default_rng(3)
    times = np.sort(rng.uniform(0.0, 3.0, 4000))
    units = rng.integers(0, 30, times.size)
    muap = muap_arrays(Parameters().emg, 30)
    whole = synthesize_emg(times, units, muap["amplitude_mV"], muap["duration_ms"], 2000.0,
                           6000)
    parts = np.zeros(6000)
    for chunk in np.array_split(np.arange(times.size), 3):
        add_muaps(parts, times[chunk], units[chunk], muap["amplitude_mV"],
                  muap["duration_ms"], 2000.0)
    assert np.abs(whole).max() > 0.1
    np.testing.assert_array_equal(parts, whole)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 16, 120, 1001])
def test_force_sum_in_lanes_matches_an_exact_sum(n):
    import math

    from neurosim.muscle import sum_in_lanes as _sum_in_lanes
    x = np.random.default_rng(n).exponential(1.0, n)
    assert _sum_in_lanes(x) == pytest.approx(math.fsum(x), rel=1e-13, abs=1e-300)


# ----------------------------------------------------------------- convergence
@pytest.mark.parametrize("scenario", ["voluntary_contraction", "spinal_cord_injury"])
def test_halving_dt_changes_key_metrics_by_less_than_5_percent(scenario):
    from neurosim import scenarios
    from neurosim.analysis import summary_row
    s = scenarios.get(scenario)
    coarse = s.run(seed=0, dt_ms=0.1)
    fine = s.run(seed=0, dt_ms=0.05)
    for key in ("peak_%", "units"):
        a, b = summary_row(coarse)[key], summary_row(fine)[key]
        assert abs(a - b) <= 0.05 * abs(b), (key, a, b)
    mean_a, mean_b = coarse.force_N.mean(), fine.force_N.mean()
    assert abs(mean_a - mean_b) <= 0.05 * mean_b
    assert abs(coarse.spike_times_s.size - fine.spike_times_s.size) <= 0.05 * fine.spike_times_s.size


# ----------------------------------------------------------------- compiled == interpreted
def test_jit_equals_disabled_jit_on_a_short_run(tmp_path):
    code = """
        import json, sys
        import numpy as np
        from neurosim import Parameters, simulate
        from neurosim.protocols import ImposedStretch, NerveStimulation, Noise, Pulses, Trapezoid
        p = Parameters().with_changes(**{"pool.n_units": 8, "pic.strength": 1.0,
                                         "spindle.gain": 3.0, "nerve.ectopic_rate_hz": 5.0})
        r = simulate(p, Trapezoid(start_s=0.02, rise_s=0.05, hold_s=0.1, fall_s=0.05, level=0.5)
                     + Pulses(times_s=(0.05,), width_ms=20, amplitude=0.3) + Noise()
                     + ImposedStretch(start_s=0.05, amplitude_deg=10, velocity_deg_s=200)
                     + NerveStimulation(times_s=(0.2,), intensity_mA=12.0),
                     0.3, seed=9)
        np.savez(sys.argv[1], force=r.force_N, emg=r.emg_mV, t=r.spike_times_s,
                 u=r.spike_units, v=r.membrane_mV, pic=r.pic_activation,
                 angle=r.joint_angle_deg, act=r.activation_times_s, src=r.activation_sources)
    """
    compiled, interpreted = outputs_with_and_without_jit(code, tmp_path)
    assert compiled["t"].size > 20
    assert_identical(compiled, interpreted)


# ----------------------------------------------------------------- errors
def test_run_argument_errors_are_clear():
    with pytest.raises(ValueError, match=r"duration_s = -1 s is out of range: allowed \(0, 3600\] \(s\)"):
        simulate(SMALL, None, -1)
    with pytest.raises(ValueError, match=r"dt_ms = 0\.3 ms must divide 1 ms evenly"):
        simulate(SMALL, None, 1.0, dt_ms=0.3)
    with pytest.raises(ValueError, match=r"dt_ms = 5 ms is out of range"):
        simulate(SMALL, None, 1.0, dt_ms=5)
    with pytest.raises(ValueError, match=r"record_units = \[30\] must lie in \[0, 29\]"):
        simulate(SMALL, None, 1.0, record_units=[30])
    with pytest.raises(ValueError, match=r"seed = -2 must be a whole number"):
        simulate(SMALL, None, 1.0, seed=-2)
    with pytest.raises(ValueError, match="parameters must be a neurosim Parameters"):
        simulate({"pool.n_units": 3}, None, 1.0)


def test_memory_stays_modest_for_per_unit_recording():
    r = simulate(SMALL, None, 1.0, record_units=[])
    assert r.membrane_mV.shape == (10000, 0)
    r = simulate(SMALL, None, 1.0, record_units=[0, 5])
    assert r.membrane_mV.shape == (10000, 2)
    assert r.time_s.shape == (2000,)
