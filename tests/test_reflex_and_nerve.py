"""Mechanism 2 (spindles, stretch reflex, clonus) and nerve conduction studies."""

import numpy as np
import pytest

from neurosim import Parameters, scenarios, simulate
from neurosim.analysis import clonus, evoked_responses, stretch_reflex
from neurosim.experiments import (clonus_protocol, conduction_protocol, conduction_report,
                                  reflex_vs_velocity, stretch_protocol)
from neurosim.nerve import nerve_arrays
from neurosim.protocols import (FreeLimb, ImposedStretch, NerveStimulation, Noise, Protocol,
                                TendonTap)
from neurosim.spindle import ia_rate_hz, spindle_constants

STROKE = dict(scenarios.get("stroke_like").changes)
NCS_DURATION = 13.2


# ----------------------------------------------------------------- spindle
def _rate(x, v, **changes):
    p = Parameters().with_changes(**changes) if changes else Parameters()
    return ia_rate_hz(x, v, *spindle_constants(p.spindle))


def test_ia_rate_rises_with_length_linearly():
    rates = [_rate(x, 0.0) for x in (0.0, 2.0, 4.0, 8.0)]
    assert np.all(np.diff(rates) > 0)
    assert rates[2] - rates[0] == pytest.approx(2 * (rates[1] - rates[0]))  # 2 Hz/mm, linear


def test_ia_rate_follows_the_velocity_power_law():
    v = np.array([5.0, 20.0, 80.0, 320.0])
    extra = np.array([_rate(0.0, x) for x in v]) - _rate(0.0, 0.0)
    slope = np.polyfit(np.log(v), np.log(extra), 1)[0]
    assert slope == pytest.approx(0.6, abs=1e-9)
    # doubling the gain doubles the velocity response
    assert _rate(0.0, 80.0, **{"spindle.gain": 2.0}) - _rate(0.0, 0.0) == pytest.approx(2 * extra[2])


def test_ia_endings_fall_silent_during_fast_shortening():
    assert _rate(0.0, -50.0) == 0.0
    assert _rate(0.0, -0.2) > 0.0  # slow shortening only slows them
    # and in a simulated passive stretch: silent while the foot returns quickly
    r = simulate(Parameters(), stretch_protocol(100.0), 2.5, seed=0)
    returning = (r.joint_velocity_deg_s < -50)
    assert returning.sum() > 50 and np.all(r.ia_rate_hz[returning] == 0.0)
    # during the steady ramp (not the braking at its end, where primary endings pause)
    lengthening = (r.joint_velocity_deg_s > 90) & (r.joint_velocity_deg_s < 110)
    assert r.ia_rate_hz[lengthening].min() > 3 * Parameters().spindle.baseline_rate_hz


# ----------------------------------------------------------------- reflex latency
def test_h_reflex_latency_is_the_sum_of_conduction_and_synaptic_delays():
    p = Parameters()
    r = simulate(p, NerveStimulation(times_s=(0.1,), intensity_mA=9.0), 0.2, seed=0)
    reflex = r.activation_sources == 1
    assert reflex.sum() > 5
    latency_ms = (r.activation_times_s[reflex].min() - 0.1) * 1000
    n = p.nerve
    up = (n.path_length_m - n.distal_site_to_muscle_m) / n.afferent_cv_m_s * 1000 + n.central_delay_ms
    first_unit = r.activation_units[reflex][np.argmin(r.activation_times_s[reflex])]
    down = nerve_arrays(n, p.spindle, p.pool.n_units, r.dt_ms)["efferent_delay_steps"][first_unit] * r.dt_ms
    # what is left is the time the EPSP needs to reach threshold: positive and short
    assert 0.0 < latency_ms - (up + down) < 3.0
    # a longer path adds exactly the extra conduction time in both directions
    longer = p.with_changes(**{"nerve.path_length_m": 1.0})
    r2 = simulate(longer, NerveStimulation(times_s=(0.1,), intensity_mA=9.0), 0.2, seed=0)
    latency2_ms = (r2.activation_times_s[r2.activation_sources == 1].min() - 0.1) * 1000
    extra = 200.0 * (1 / n.afferent_cv_m_s + 1 / n.motor_cv_smallest_m_s)
    assert latency2_ms - latency_ms == pytest.approx(extra, abs=0.6)


def test_healthy_brisk_stretch_gives_a_burst_that_ends_soon_after_the_stretch():
    r = simulate(Parameters(), stretch_protocol(100.0, hold_s=1.5), 3.0, seed=1)
    ramp_end = 0.5 + 15 / 100
    burst = r.spike_times_s[(r.spike_times_s > 0.5) & (r.spike_times_s < ramp_end + 0.15)]
    assert burst.size > 10
    assert np.sum((r.spike_times_s > ramp_end + 0.25) & (r.spike_times_s < ramp_end + 1.5)) == 0
    response = stretch_reflex(r)
    assert 0.030 < response.onset_latency_s < 0.070


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_spastic_reflex_grows_with_velocity_far_more_than_healthy(seed):
    velocities = (10.0, 40.0, 100.0)
    healthy = reflex_vs_velocity(Parameters(), velocities, seed=seed)
    spastic = reflex_vs_velocity(Parameters().with_changes(**STROKE), velocities, seed=seed)
    for curve in (healthy, spastic):  # reflex torque and firing grow with velocity …
        assert np.all(np.diff(curve.peak_muscle_torque_Nm) > 0)
        assert np.all(np.diff(curve.spikes) > 0)
    gain_h = healthy.peak_muscle_torque_Nm[-1] - healthy.peak_muscle_torque_Nm[0]
    gain_s = spastic.peak_muscle_torque_Nm[-1] - spastic.peak_muscle_torque_Nm[0]
    assert gain_s > 5 * gain_h  # … but far more steeply in the spastic limb
    assert healthy.spikes[0] < 5  # a slow stretch of a healthy relaxed muscle: ~nothing
    assert np.all(spastic.emg_peak_mV > 2 * healthy.emg_peak_mV)
    for s in ("spindle_hypersensitivity", "multiple_sclerosis_like"):
        curve = reflex_vs_velocity(scenarios.get(s).parameters, (10.0, 100.0), seed=seed)
        assert (curve.peak_muscle_torque_Nm[1] - curve.peak_muscle_torque_Nm[0]) > 2 * gain_h, s


def test_tizanidine_like_lowers_stretch_evoked_torque():
    stroke = reflex_vs_velocity(scenarios.get("stroke_like").parameters, (40.0,), seed=0)
    treated = reflex_vs_velocity(scenarios.get("tizanidine_like").parameters, (40.0,), seed=0)
    ratio = treated.peak_muscle_torque_Nm[0] / stroke.peak_muscle_torque_Nm[0]
    assert 0.4 < ratio < 0.85  # REFERENCE: stretch-evoked torque down by about 15–60 %


# ----------------------------------------------------------------- clonus
def _clonus(changes, seed=0):
    p = Parameters().with_changes(**changes)
    return clonus(simulate(p, clonus_protocol(load_torque_Nm=5.0), 8.0, seed=seed))


def test_healthy_free_limb_shows_no_clonus():
    c = _clonus({})
    assert not c.present and c.late_amplitude_deg < 0.1


def test_clonus_appears_above_a_gain_threshold_only():
    low = _clonus({**STROKE, "spindle.gain": 1.0})  # healthy spindles in the lesioned cord
    high = _clonus(STROKE)
    assert not low.present
    assert high.present and high.sustained
    assert 4.5 <= high.frequency_hz <= 7.0  # ankle clonus beats at about 5–7 Hz


def test_clonus_appears_above_a_delay_threshold_and_slows_with_delay():
    very_short = _clonus({**STROKE, "nerve.path_length_m": 0.2})
    short = _clonus({**STROKE, "nerve.path_length_m": 0.4})
    normal = _clonus({**STROKE, "nerve.path_length_m": 0.8})
    long = _clonus({**STROKE, "nerve.path_length_m": 1.2})
    assert not very_short.present
    assert short.sustained and normal.sustained and long.sustained
    # a longer loop oscillates more slowly, and more widely
    assert long.frequency_hz < normal.frequency_hz < short.frequency_hz
    assert short.late_amplitude_deg < normal.late_amplitude_deg < long.late_amplitude_deg


def test_restoring_inhibition_makes_clonus_decay():
    spastic = STROKE
    assert _clonus(spastic).sustained
    restored = {**spastic, "inhibition.descending": 1.0, "inhibition.presynaptic": 1.0,
                "inhibition.reciprocal": 1.0}
    assert not _clonus(restored).present


def test_stroke_like_scenario_shows_sustained_clonus():
    c = clonus(scenarios.get("stroke_like").run(seed=0))
    assert c.sustained and c.late_amplitude_deg > 0.7


# ----------------------------------------------------------------- nerve conduction
@pytest.fixture(scope="module")
def healthy_ncs():
    return conduction_report(simulate(Parameters(), conduction_protocol(), NCS_DURATION, seed=0))


def test_conduction_velocity_is_measured_from_two_sites(healthy_ncs):
    # the fastest axons set the onset latencies
    assert healthy_ncs.conduction_velocity_m_s == pytest.approx(
        Parameters().nerve.motor_cv_largest_m_s, rel=0.1)
    assert healthy_ncs.proximal.m_latency_ms > healthy_ncs.distal.m_latency_ms
    assert healthy_ncs.proximal.m_amplitude_mV == pytest.approx(healthy_ncs.distal.m_amplitude_mV,
                                                                 rel=0.2)


def test_h_m_recruitment_curve_has_its_classic_shape(healthy_ncs):
    curve = healthy_ncs.h_curve
    m = np.array([c.m_amplitude_mV for c in curve])
    h = np.array([c.h_amplitude_mV for c in curve])
    assert np.all(np.diff(m) >= -0.05 * m.max())  # M grows with intensity to a plateau
    first_h = np.flatnonzero(h > 0.1)[0]
    first_m = np.flatnonzero(m > 0.1)[0]
    assert first_h < first_m  # the H-reflex appears below motor threshold
    assert h[-1] < 0.1 * h.max()  # and vanishes at supramaximal intensity (collision)
    assert 0.05 < healthy_ncs.h_m_ratio < 0.8
    assert 25.0 < healthy_ncs.h_latency_ms < 45.0


def test_halving_conduction_velocity_lengthens_m_latency_accordingly(healthy_ncs):
    p = Parameters().with_changes(**{"nerve.demyelination_slowing": 0.5})
    slow = conduction_report(simulate(p, conduction_protocol(), NCS_DURATION, seed=0))
    n = Parameters().nerve
    extra_ms = 1000 * n.distal_site_to_muscle_m / n.motor_cv_largest_m_s  # dist/(cv/2) − dist/cv
    assert slow.distal.m_latency_ms - healthy_ncs.distal.m_latency_ms == pytest.approx(extra_ms, abs=1.0)
    assert slow.conduction_velocity_m_s == pytest.approx(healthy_ncs.conduction_velocity_m_s / 2,
                                                         rel=0.1)


def test_axon_loss_lowers_m_amplitude_in_proportion(healthy_ncs):
    for survival in (0.5, 0.25):
        p = Parameters().with_changes(**{"nerve.motor_axon_survival": survival})
        r = simulate(p, conduction_protocol(), NCS_DURATION, seed=0)
        lost = conduction_report(r)
        ratio = lost.distal.m_amplitude_mV / healthy_ncs.distal.m_amplitude_mV
        assert ratio == pytest.approx(survival, abs=0.12), survival
        assert lost.conduction_velocity_m_s == pytest.approx(healthy_ncs.conduction_velocity_m_s,
                                                             rel=0.1)  # axonal, not demyelinating
        direct = (r.activation_sources == 2) & (r.activation_times_s < 0.25)
        assert direct.sum() == nerve_arrays(p.nerve, p.spindle, 120, 0.1)["alive"].sum()


def test_conduction_block_lowers_the_proximal_response_only(healthy_ncs):
    p = Parameters().with_changes(**{"nerve.conduction_block": 0.5})
    rep = conduction_report(simulate(p, conduction_protocol(), NCS_DURATION, seed=0))
    assert rep.distal.m_amplitude_mV == pytest.approx(healthy_ncs.distal.m_amplitude_mV, rel=0.1)
    assert rep.proximal.m_amplitude_mV < 0.7 * rep.distal.m_amplitude_mV


def test_diabetic_neuropathy_gives_smaller_later_responses(healthy_ncs):
    dn = conduction_report(scenarios.get("diabetic_neuropathy").run(seed=0))
    assert dn.distal.m_amplitude_mV < 0.7 * healthy_ncs.distal.m_amplitude_mV
    assert dn.distal.m_latency_ms > healthy_ncs.distal.m_latency_ms
    assert dn.conduction_velocity_m_s < 0.9 * healthy_ncs.conduction_velocity_m_s
    assert dn.h_latency_ms > healthy_ncs.h_latency_ms
    assert dn.h_max_mV < 0.5 * healthy_ncs.h_max_mV


def test_ectopic_discharges_make_a_cramp_without_motor_neuron_firing():
    r = scenarios.get("muscle_cramp").run(seed=0)
    assert r.spike_times_s.size == 0  # the cord is silent …
    assert r.force_percent[r.time_s > 1.0].mean() > 10.0  # … yet the muscle contracts
    assert np.mean(r.activation_sources == 4) > 0.99  # fibre APs come from ectopic impulses
    # the ectopic rate sets the impulse rate (mean rate per axon × hyperexcitable axons)
    nerve = scenarios.get("muscle_cramp").parameters.nerve
    per_s = np.sum(r.nerve_impulse_sources == 4) / r.duration_s
    assert per_s == pytest.approx(nerve.ectopic_fraction * 120 * nerve.ectopic_rate_hz, rel=0.1)


def test_tendon_tap_on_a_free_limb_evokes_a_jerk():
    r = simulate(Parameters(), TendonTap(times_s=(0.5,)) + Noise(), 1.5, seed=0)
    assert r.joint_angle_deg.max() > 1.0  # the tap stretches the muscle
    reflex = r.activation_times_s[(r.activation_times_s > 0.5) & (r.activation_times_s < 0.6)]
    assert reflex.size > 0  # and a reflex twitch follows


# ----------------------------------------------------------------- determinism and errors
def test_closed_loop_runs_are_deterministic():
    proto = clonus_protocol()
    a = simulate(Parameters().with_changes(**STROKE), proto, 3.0, seed=5)
    b = simulate(Parameters().with_changes(**STROKE), proto, 3.0, seed=5)
    np.testing.assert_array_equal(a.joint_angle_deg, b.joint_angle_deg)
    np.testing.assert_array_equal(a.activation_times_s, b.activation_times_s)


def test_limb_and_nerve_errors_are_clear():
    with pytest.raises(ValueError, match=r"nerve_stimulation\.site = 'elbow' must be 'distal' or 'proximal'"):
        NerveStimulation(site="elbow")
    with pytest.raises(ValueError, match="at most one joint component"):
        Protocol(FreeLimb(), ImposedStretch())
    with pytest.raises(ValueError, match=r"imposed_stretch\.velocity_deg_s = 0 deg/s is out of range"):
        ImposedStretch(velocity_deg_s=0)
    with pytest.raises(ValueError, match=r"spindle\.gain = 9 dimensionless is out of range"):
        Parameters().with_changes(**{"spindle.gain": 9.0})
    r = simulate(Parameters(), Noise(), 1.0, seed=0)
    with pytest.raises(ValueError, match="has no ImposedStretch"):
        stretch_reflex(r)
    with pytest.raises(ValueError, match="clonus needs at least 4 s"):
        clonus(r)
    with pytest.raises(ValueError, match="needs stimuli at both"):
        conduction_report(r)
    assert evoked_responses(r) == []
