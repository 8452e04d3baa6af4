"""What the model teaches, checked against published physiology.

Each test encodes a published range or a clinical contrast and names its source. They
guard the corrections of the 0.2 physiology review: paresis with spasticity, resistance
to stretch, a soleus that behaves like a soleus, velocity-dependent reflexes, one truth
for the resting inhibition, and parameters that do what they say.
"""

import numpy as np
import pytest

from neurosim import Parameters, scenarios, simulate
from neurosim.analysis import (clonus, firing_statistics, passive_torque_Nm, spasm_episodes,
                               stretch_resistance_Nm)
from neurosim.experiments import (conduction_report, reflex_vs_velocity, stretch_protocol,
                                  voluntary_force_percent, voluntary_protocol)
from neurosim.parameters import REMOVED_FIELDS, field_specs
from neurosim.protocols import NerveStimulation, Noise, Protocol, Ramp
from neurosim.spinal_circuit import resting_inhibition

UMN_LESIONS = ("spinal_cord_injury", "stroke_like", "multiple_sclerosis_like")


@pytest.fixture(scope="module")
def healthy_mvc():
    return voluntary_force_percent(Parameters(), 1.0)


# --------------------------------------------------------------------------- 1. paresis
@pytest.mark.parametrize("name", UMN_LESIONS)
def test_upper_motor_neuron_lesions_weaken_voluntary_force(name, healthy_mvc):
    """Upper-motor-neuron syndrome = weakness *and* spasticity (Lance 1980): the same effort
    gives less force than in health at every level, and maximal voluntary force falls to a
    fraction of healthy (incomplete SCI and stroke plantarflexors: a fraction of controls,
    e.g. Jayaraman et al. 2006, Spinal Cord 44:680)."""
    params = scenarios.get(name).parameters
    for level in (0.1, 0.3):
        assert (voluntary_force_percent(params, level)
                < voluntary_force_percent(Parameters(), level))
    mvc = voluntary_force_percent(params, 1.0)
    assert 0.2 * healthy_mvc < mvc < 0.85 * healthy_mvc


def test_spinal_injury_is_weak_yet_has_spasms_and_healthy_is_strong_without():
    """The two faces of the lesion in one limb: paresis (less voluntary force) and spasms
    (involuntary force lasting seconds after a brief input)."""
    sci = scenarios.get("spinal_cord_injury")
    healthy = scenarios.get("healthy")
    assert spasm_episodes(sci.run(seed=1)).longest_s >= 1.0
    assert spasm_episodes(healthy.run(seed=1)).count == 0
    assert voluntary_force_percent(sci.parameters, 0.5) < voluntary_force_percent(
        healthy.parameters, 0.5)


def test_without_a_descending_pathway_no_command_moves_the_muscle():
    p = Parameters().with_changes(**{"descending.voluntary_drive": 0.0})
    assert voluntary_force_percent(p, 1.0) < 0.5
    assert voluntary_force_percent(Parameters(), 1.0) > 20.0


@pytest.mark.parametrize("level", [0.5, 1.0])
def test_baclofen_like_keeps_voluntary_force_while_the_spasm_falls(level):
    """Baclofen depresses reflexes and spasms; voluntary strength is kept (caricature of
    Rudomin & Schmidt 1999 presynaptic inhibition; REFERENCE drugs table). Compared at
    efforts where the injured limb is far from its force ceiling."""
    sci, bac = (scenarios.get(n) for n in ("spinal_cord_injury", "baclofen_like"))
    for seed in (0, 1):
        f_sci = voluntary_force_percent(sci.parameters, level, seed=seed)
        f_bac = voluntary_force_percent(bac.parameters, level, seed=seed)
        assert f_sci < 60.0  # not at the ceiling (max force 100 %)
        assert f_bac == pytest.approx(f_sci, rel=0.15)
    assert (spasm_episodes(bac.run(seed=0)).longest_s
            < 0.5 * spasm_episodes(sci.run(seed=0)).longest_s)


# --------------------------------------------------------------------------- 5. resistance
def test_resistance_is_passive_plus_muscle_torque_exactly():
    r = simulate(scenarios.get("stroke_like").parameters, stretch_protocol(100.0), 2.0, seed=0)
    limb = r.parameters.limb
    expected = (limb.passive_stiffness_Nm_per_rad * np.deg2rad(r.joint_angle_deg)
                + limb.damping_Nm_s_per_rad * np.deg2rad(r.joint_velocity_deg_s)
                + limb.moment_arm_m * r.force_N)
    np.testing.assert_allclose(stretch_resistance_Nm(r), expected, rtol=1e-12)
    np.testing.assert_allclose(stretch_resistance_Nm(r) - passive_torque_Nm(r),
                               limb.moment_arm_m * r.force_N, rtol=1e-12, atol=1e-12)


@pytest.fixture(scope="module")
def resistance_curves():
    vel = (10.0, 100.0, 200.0)
    return vel, {name: reflex_vs_velocity(scenarios.get(name).parameters, vel)
                 for name in ("healthy", "stroke_like", "spinal_cord_injury", "baclofen_like")}


def test_spastic_limb_resists_passive_stretch_more_than_healthy(resistance_curves):
    """What the Ashworth scale grades: the spastic limb's resistance is larger at every
    velocity (reflex torque on top of the passive tissues); the healthy relaxed limb's is
    almost all passive."""
    _, curves = resistance_curves
    healthy = curves["healthy"]
    for r in healthy.responses:
        assert r.peak_resistance_Nm - r.peak_passive_torque_Nm < 0.2 * r.peak_resistance_Nm
    for name in ("stroke_like", "spinal_cord_injury"):
        assert np.all(curves[name].peak_resistance_Nm > 1.3 * healthy.peak_resistance_Nm)
    # the treatment brings the injured limb's resistance back towards healthy
    assert np.all(curves["baclofen_like"].peak_resistance_Nm
                  < curves["spinal_cord_injury"].peak_resistance_Nm)


def test_resistance_no_longer_depends_on_the_grip_alone(resistance_curves):
    """Before 0.2 the 'resistance' was the examiner grip's damping × velocity, identical in
    every limb; now two limbs that differ only in the cord differ in resistance."""
    _, curves = resistance_curves
    a = curves["healthy"].peak_resistance_Nm
    b = curves["stroke_like"].peak_resistance_Nm
    assert not np.allclose(a, b, rtol=0.1)


# --------------------------------------------------------------------------- 6. soleus
def test_soleus_units_fire_near_11_hz_at_maximal_effort():
    """Human soleus motor units at MVC: 10.7 ± 2.9 Hz (Bellemare et al. 1983, J Neurophysiol
    50:1380) — not the 30 Hz of hand muscles."""
    r = simulate(Parameters(), voluntary_protocol(1.0), 4.0, seed=0)
    hold = (r.spike_times_s >= 2.0) & (r.spike_times_s < 3.5)
    counts = np.bincount(r.spike_units[hold], minlength=r.n_units)
    mean_rate = counts[counts > 0].mean() / 1.5
    assert 10.7 - 2.9 <= mean_rate <= 10.7 + 2.9


def test_soleus_twitch_is_slow_and_fuses_at_low_rates():
    """Whole-soleus twitch contraction time ~150 ms at the ankle (Vandervoort & McComas 1983;
    the model has no tendon, so its fibre twitch is a little faster but far slower than a
    hand muscle's 30–90 ms); consequently half of tetanic force at < 12 Hz."""
    one = simulate(Parameters(), Protocol(NerveStimulation(times_s=(0.1,), intensity_mA=60.0)),
                   0.6, seed=0)
    contraction_ms = 1000 * (one.time_s[np.argmax(one.force_N)] - one.activation_times_s.min())
    assert 80.0 <= contraction_ms <= 170.0

    def mean_force(rate_hz):
        times = tuple(0.1 + i / rate_hz for i in range(int(1.5 * rate_hz)))
        r = simulate(Parameters(), Protocol(NerveStimulation(times_s=times, intensity_mA=60.0)),
                     1.7, seed=0)
        return r.force_N[(r.time_s >= 1.1) & (r.time_s < 1.6)].mean()

    tetanic = mean_force(50.0)
    assert mean_force(12.0) > 0.5 * tetanic
    assert mean_force(4.0) < 0.5 * tetanic


@pytest.mark.parametrize("seed", [0, 1])
def test_stroke_like_ankle_clonus_beats_near_5_hz_and_slows_with_inertia(seed):
    """Ankle clonus 5–8 Hz clinically; its frequency falls when inertia is added to the foot
    (Rack, Ross & Thilmann 1984, J Neurol Neurosurg Psychiatry 47:1201). The model sits at
    the low edge of that range (about 5 Hz): it has no tendon compliance, whose unloading of
    the spindles during each contraction shortens the real loop; 4.5 Hz is accepted."""
    s = scenarios.get("stroke_like")
    base = clonus(s.run(seed=seed))
    heavy = clonus(simulate(s.parameters.with_changes(**{"limb.inertia_kg_m2": 0.045}),
                            s.protocol, s.duration_s, seed=seed))
    assert base.sustained
    assert 4.5 <= base.frequency_hz <= 7.0
    assert heavy.present and heavy.frequency_hz < base.frequency_hz


def test_soleus_h_reflex_latency_stays_in_the_clinical_range():
    """Soleus H-reflex latency ~28–34 ms (Palmieri, Ingersoll & Hoffman 2004)."""
    report = conduction_report(scenarios.get("nerve_conduction_study").run(seed=0))
    assert 28.0 <= report.h_latency_ms <= 34.0


# --------------------------------------------------------------------------- 9. velocity
@pytest.mark.parametrize("seed", [0, 1])
def test_hypersensitive_spindles_give_reflexes_that_grow_with_velocity(seed):
    """Spasticity is velocity-dependent (Lance 1980): with hypersensitive spindles the reflex
    torque keeps growing (or at least does not fall) from 10 up to 300 deg/s. Before 0.2 it
    fell above 100 deg/s: fixed-amplitude fast stretches are brief, and the power-law term
    alone gives fewer Ia spikes the faster the stretch; the spindles' initial burst (which
    grows with the stretch's onset speed) is what keeps brisk stretches effective."""
    vel = (10.0, 50.0, 100.0, 200.0, 300.0)
    torque = reflex_vs_velocity(scenarios.get("spindle_hypersensitivity").parameters, vel,
                                seed=seed).peak_muscle_torque_Nm
    assert np.all(np.diff(torque) > -0.1 * torque[1:])
    assert torque[-1] > 10 * torque[0]


def test_initial_burst_adds_spikes_in_proportion_to_the_onset_velocity():
    """Analytic check of the burst term: after a velocity step to v, the extra Ia discharge
    is g·k_B·v·exp(-t/τ_B), so it adds g·k_B·v·τ_B spikes per fibre (linear in v, unlike the
    power-law term's v^0.6 rate over a stretch lasting 1/v); at steady velocity it is gone
    and the Prochazka & Gorassini ramp response is left."""
    from neurosim.spindle import burst_filter_step, ia_rate_hz, spindle_constants

    p = Parameters().with_changes(**{"spindle.gain": 2.0})
    const = spindle_constants(p.spindle)
    dt_ms, tau_ms = 0.01, p.spindle.initial_burst_time_constant_ms
    decay = np.exp(-dt_ms / tau_ms)
    for v in (20.0, 60.0, 180.0):
        smooth, extra = 0.0, 0.0
        for _ in range(int(20 * tau_ms / dt_ms)):
            smooth = burst_filter_step(smooth, v, decay)
            extra += (ia_rate_hz(0.0, v, *const, v - smooth) - ia_rate_hz(0.0, v, *const)) \
                * dt_ms / 1000.0
        expected = 2.0 * p.spindle.initial_burst_sensitivity * v * tau_ms / 1000.0
        assert extra == pytest.approx(expected, rel=0.01)
        assert ia_rate_hz(0.0, v, *const, v - smooth) == pytest.approx(
            ia_rate_hz(0.0, v, *const), rel=1e-6)


# --------------------------------------------------------------------------- 10. one truth
@pytest.mark.parametrize("changes", [
    {}, {"spindle.fusimotor_bias_hz": 20.0}, {"inhibition.reciprocal": 0.3},
    {"inhibition.descending": 0.0, "spindle.baseline_rate_hz": 12.0}])
def test_engine_and_analysis_agree_on_the_resting_inhibition(changes):
    p = Parameters().with_changes(**changes)
    r = simulate(p, Protocol(Noise(common=0.0, independent=0.0)), 0.5, seed=0)
    assert np.median(r.inhibition[200:]) == pytest.approx(resting_inhibition(p), rel=1e-6)


def test_fusimotor_drive_raises_the_command_needed_to_recruit():
    from neurosim.analysis import recruitment_command

    def needed(p):
        return recruitment_command(simulate(p, Protocol(), 0.01, seed=0))

    assert needed(Parameters().with_changes(**{"spindle.fusimotor_bias_hz": 20.0})) > needed(
        Parameters())


# --------------------------------------------------------------------------- 11. parameters
def test_pic_is_weaker_in_high_threshold_units_as_its_source_says():
    """Self-sustained firing is long in low-threshold and brief in high-threshold units
    (Lee & Heckman 1998, J Neurophysiol 80:583)."""
    p = Parameters()
    assert p.pic.amplitude_largest < p.pic.amplitude_smallest
    assert "high-threshold" in field_specs()["pic.amplitude_largest"].source


def test_max_drive_help_states_where_the_largest_unit_is_recruited():
    r = simulate(Parameters(), Protocol(Ramp(start_s=0.1, stop_s=4.1, start_level=0.0,
                                             end_level=1.0)), 4.2, seed=0)
    first = r.unit_spike_times(r.n_units - 1)[0]
    command_at_recruitment = (first - 0.1) / 4.0
    assert "about 70 %" in field_specs()["pool.max_drive_nA"].help
    assert 0.6 <= command_at_recruitment <= 0.8


def test_removed_load_field_loads_when_inert_and_is_refused_otherwise():
    old = Parameters().to_dict()
    old["limb"]["load_torque_Nm"] = 0.0
    assert Parameters.from_dict(old) == Parameters()
    old["limb"]["load_torque_Nm"] = 5.0
    with pytest.raises(ValueError, match=r"limb.load_torque_Nm = 5.0 is no longer.*FreeLimb"):
        Parameters.from_dict(old)
    with pytest.raises(ValueError, match="unknown parameter 'limb.load_torque_Nm'"):
        Parameters().with_changes(**{"limb.load_torque_Nm": 0.0})
    assert set(REMOVED_FIELDS).isdisjoint(field_specs())


def test_descending_drive_is_validated():
    with pytest.raises(ValueError, match=r"descending.voluntary_drive = 1.5 .*\[0, 1\]"):
        Parameters().with_changes(**{"descending.voluntary_drive": 1.5})


def test_healthy_relaxed_and_spastic_recruitment_of_firing():
    """Motor units recruited at the start of a slow ramp fire at 5–8 Hz, as in soleus
    (Bellemare et al. 1983; Fuglevand et al. 1993: 8 Hz)."""
    r = simulate(Parameters(), Protocol(Ramp(start_s=0.1, stop_s=4.1, start_level=0.0,
                                             end_level=1.0)), 4.2, seed=0)
    rec = firing_statistics(r).recruitment_rate_hz
    assert 4.0 <= np.nanmedian(rec) <= 9.0


def test_discharge_regularity_is_exact_on_a_regular_train_and_checks_its_argument():
    """A supramaximal 10 Hz train: every unit discharges every 100 ms (CV 0), up to the one
    0.1 ms step by which the endplate potential may reach threshold later in a train.
    Without F-waves: a backfiring motor neuron adds a discharge of its own ~30 ms after a
    shock (tests/test_f_waves.py)."""
    from neurosim.analysis import discharge_regularity
    from neurosim.experiments import train_protocol

    p = Parameters().with_changes(**{"nerve.backfiring_probability": 0.0})
    r = simulate(p, train_protocol(10.0, 8), 1.0, seed=0)
    rates, cvs = discharge_regularity(r)
    assert rates.size == r.n_units
    np.testing.assert_allclose(rates, 10.0, rtol=1e-3)
    np.testing.assert_allclose(cvs, 0.0, atol=1e-3)
    with pytest.raises(ValueError, match=r"min_discharges = 2 must be ≥ 3"):
        discharge_regularity(r, min_discharges=2)
