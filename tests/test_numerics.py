"""Numerics: no silent NaN and no impossible state anywhere in the declared parameter space.

* a hypothesis property test over random valid set-ups (every field drawn inside its
  declared range, random scenario, protocol kind and step): every result is finite and
  physically possible, or the run is refused beforehand naming the parameters;
* regression tests for the three failures of the audit (issue 15): the explicit joint
  update (light foot, heavy damping; examiner's damping during a fast stretch), the
  explicit endplate update (fast, strong endplate: EPPs of ±1e28 mV), and the missing range
  of motion (feet turning hundreds of degrees; isometric force above the maximum);
* the integrators' building blocks, the refusals, and the junction's convergence in dt.

``benchmarks/fuzz_numerics.py`` runs the same cases by the ten thousand.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neurosim import Parameters, scenarios, simulate
from neurosim.analysis import endplate_response, fibre_aps_per_impulse
from neurosim.experiments import clonus_protocol, stretch_protocol, train_protocol
from neurosim.junction import decay_factor, endplate_potential_step
from neurosim.limb import (END_STOP_OVERSHOOT_DEG, end_stop_torque, end_stop_torque_Nm,
                           limb_step, range_of_motion_rad, rest_angle_rad)
from neurosim.muscle import CEILING_KNEE, fused_force_ceiling
from neurosim.numerics import result_violations
from neurosim.protocols import FreeLimb, ImposedStretch, NerveStimulation, Protocol, SineStretch
from neurosim.protocols import TorquePulses
from numerics_helpers import HypothesisDraws, draw_case, names_a_parameter

SMALL = {"pool.n_units": 20}


def _assert_sound(result):
    problems = result_violations(result)
    assert not problems, problems


# ----------------------------------------------------------------- property test
@settings(max_examples=250, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_valid_setups_give_finite_possible_results_or_a_clear_refusal(data):
    case = draw_case(HypothesisDraws(data), max_units=12, durations_s=(0.1, 0.4))
    try:
        result = simulate(case.parameters(), case.protocol, case.duration_s, dt_ms=case.dt_ms,
                          seed=case.seed, record_units=case.record_units)
    except ValueError as exc:
        assert names_a_parameter(str(exc)), str(exc)
        return
    problems = result_violations(result)
    assert not problems, (problems, case.describe())


# ----------------------------------------------------------------- (a) the joint
@pytest.mark.parametrize("dt_ms", [0.1, 0.5])
def test_light_heavily_damped_foot_stays_finite_in_the_clonus_test(dt_ms):
    """dt·B/I = 5 at 0.1 ms: the semi-implicit step grew by ×4 per step (issue 15)."""
    p = Parameters().with_changes(**{**SMALL, "limb.inertia_kg_m2": 0.001,
                                     "limb.damping_Nm_s_per_rad": 50.0,
                                     "emg.output_rate_hz": 1000.0})
    r = simulate(p, clonus_protocol(), 2.0, seed=0, dt_ms=dt_ms)
    _assert_sound(r)
    # a heavily over-damped foot creeps to its load's rest angle: no beats at all
    assert np.ptp(r.joint_angle_deg[r.time_s > 1.5]) < 1.0
    assert r.joint_angle_deg[-1] == pytest.approx(math.degrees(rest_angle_rad(3.0, p.limb)),
                                                  abs=0.5)


def test_examiner_with_heavy_damping_moves_the_foot_along_a_fast_stretch():
    """Examiner damping 1000 N·m·s/rad during a 100 °/s stretch: the explicit step blew up."""
    p = Parameters().with_changes(**{**SMALL, "limb.examiner_damping_Nm_s_per_rad": 1000.0})
    r = simulate(p, stretch_protocol(100.0), 2.0, seed=0)
    _assert_sound(r)
    target = np.rad2deg(stretch_protocol(100.0).limb_waveforms(r.time_s)["target_angle_rad"])
    assert np.max(np.abs(r.joint_angle_deg - target)) < 1.0
    assert np.all(np.abs(r.joint_torque_Nm) < 1e4)


def test_implicit_joint_step_solves_its_equation_and_is_first_order():
    """The new velocity satisfies the backward-Euler equation; for a plain damped oscillator
    the error of the end state falls about in half when dt does."""
    lo, hi = -1.0, 1.0  # range of motion (rad), not reached
    inertia, k, b = 0.015, 20.0, 0.5

    def run(dt_s, t_end=0.5):
        angle, vel = 0.2, 0.0
        for _ in range(int(round(t_end / dt_s))):
            angle, vel, _, fv = limb_step(angle, vel, 0.0, 0.0, False, 0.0, 0.0, inertia, k, b,
                                          0.036, 0.0, 0.0, 250.0, lo, hi, dt_s)
        return angle

    w0 = math.sqrt(k / inertia - (b / (2 * inertia)) ** 2)
    exact = 0.2 * math.exp(-b / (2 * inertia) * 0.5) * (
        math.cos(w0 * 0.5) + b / (2 * inertia * w0) * math.sin(w0 * 0.5))
    errors = [abs(run(dt) - exact) for dt in (1e-4, 5e-5)]
    assert errors[1] < 0.6 * errors[0] and errors[0] < 0.01 * 0.2
    # one step with everything on: muscle force, examiner, a stop; the equation holds
    angle, vel, force = 0.42, 3.0, 2500.0
    dt, ke, be, r, vmax = 1e-3, 1e5, 1000.0, 0.2, 1.0
    lo, hi = range_of_motion_rad(Parameters().limb)
    a1, w1, ex, fv = limb_step(angle, vel, force, 50.0, True, 0.5, 1.0, 0.001, 1000.0, 50.0, r,
                               ke, be, vmax, lo, hi, dt)
    lhs = 0.001 * (w1 - vel) / dt
    rhs = (-1000.0 * a1 - end_stop_torque(a1, lo, hi)[0] - 50.0 * w1 - r * force * fv + 50.0
           + ke * (0.5 - a1) + be * (1.0 - w1))
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-6 * abs(lhs))


def test_implicit_joint_step_is_bounded_for_extreme_stiffness_damping_and_step():
    lo, hi = range_of_motion_rad(Parameters().limb)
    for dt_s in (1e-5, 1e-4, 1e-3):
        for (inertia, k, b, ke, be) in ((0.001, 1000.0, 50.0, 1e5, 1000.0),
                                        (0.001, 0.0, 0.0, 1e5, 0.0), (5.0, 0.0, 0.0, 1.0, 0.0)):
            angle, vel = 0.3, -50.0
            for i in range(3000):
                angle, vel, ex, fv = limb_step(angle, vel, 20000.0 * (i % 2), 500.0, True,
                                               math.radians(60.0), 0.0, inertia, k, b, 0.2, ke,
                                               be, 1.0, lo, hi, dt_s)
                assert math.isfinite(angle) and math.isfinite(vel) and math.isfinite(ex)
                assert lo - math.radians(END_STOP_OVERSHOOT_DEG) <= angle
                assert angle <= hi + math.radians(END_STOP_OVERSHOOT_DEG)


# ----------------------------------------------------------------- (b) the endplate
def test_fast_strong_endplate_stays_within_rest_and_reversal():
    """τ_e 0.2 ms, conductance 100, receptors ×2 with a 3 Hz train: the explicit step gave
    EPPs of ±1e28 mV (issue 15)."""
    p = Parameters().with_changes(**{**SMALL, "junction.endplate_time_constant_ms": 0.2,
                                     "junction.conductance_scale": 100.0,
                                     "junction.receptor_density": 2.0})
    r = simulate(p, train_protocol(3.0, 10), 3.5, seed=0, record_units=[0, 10, 19])
    _assert_sound(r)
    assert r.endplate_mV.max() > 0.5 * p.junction.reversal_mV  # a big, fast EPP ...
    assert fibre_aps_per_impulse(r) >= 1.0  # ... that fires the fibres


@pytest.mark.parametrize("changes", [
    {"junction.desensitization_per_s": 100.0, "junction.channel_open_time_ms": 20.0,
     "junction.binding_rate": 10.0, "junction.ache_activity": 0.0},
    {"junction.pool_recovery_s": 0.05, "junction.mobilisation": 5.0,
     "nerve.ectopic_rate_hz": 100.0, "nerve.ectopic_refractory_ms": 0.2},
    {"junction.inactivation_time_constant_ms": 0.1, "junction.terminal_time_constant_ms": 0.5,
     "junction.slow_inactivation_recovery_ms": 1.0, "junction.spontaneous_rate_hz": 2000.0},
])
def test_fractions_and_ach_stay_in_range_at_the_fastest_junction_rates(changes):
    """Receptors desensitising faster than they close, refilling faster than a step, the
    fastest inactivation: the receptor fractions stay in [0, 1], cleft ACh ≥ 0."""
    p = Parameters().with_changes(**{**SMALL, **changes})
    for dt_ms in (0.025, 0.1):
        r = simulate(p, train_protocol(50.0, 20), 0.6, seed=1, dt_ms=dt_ms,
                     record_units=[0, 10, 19])
        _assert_sound(r)


def test_decay_factor_and_epp_step_never_overshoot():
    x = np.concatenate([[0.0], np.logspace(-8, 8, 200)])
    r = decay_factor(x)
    assert np.all((r > 0) & (r <= 1)) and np.all(np.diff(r) < 0)
    assert np.allclose(r[x < 1e-2], np.exp(-x[x < 1e-2]), rtol=2e-7)
    for g in (0.0, 0.1, 10.0, 1e6):
        for membrane in (1e-4, 0.5, 5.0):
            v = endplate_potential_step(3.0, g, membrane, 80.0)
            v_inf = g * 80.0 / (1.0 + g)
            assert min(3.0, v_inf) - 1e-9 <= v <= max(3.0, v_inf) + 1e-9


# ----------------------------------------------------------------- (c) range of motion, force
def test_free_foot_without_stiffness_stops_at_its_range_of_motion():
    """No passive stiffness, a steady dorsiflexing load and a hard push: without end-stops
    the foot turned hundreds of degrees (issue 15)."""
    p = Parameters().with_changes(**{**SMALL, "limb.passive_stiffness_Nm_per_rad": 0.0})
    limb = p.limb
    push = Protocol(FreeLimb(load_torque_Nm=30.0),
                    TorquePulses(times_s=(0.5,), torque_Nm=500.0, width_ms=200.0))
    r = simulate(p, push, 2.0, seed=0)
    _assert_sound(r)
    assert r.joint_angle_deg.max() > limb.dorsiflexion_limit_deg  # it reaches the stop ...
    assert r.joint_angle_deg.max() < limb.dorsiflexion_limit_deg + 6.0  # ... which holds
    back = Protocol(FreeLimb(load_torque_Nm=-200.0))
    r = simulate(p, back, 0.5, seed=0)
    assert -limb.plantarflexion_limit_deg - 5.0 < r.joint_angle_deg.min()
    assert r.joint_angle_deg.min() < -limb.plantarflexion_limit_deg


def test_end_stops_are_silent_inside_the_range_and_rise_steeply_outside():
    limb = Parameters().limb
    lo, hi = range_of_motion_rad(limb)
    assert math.degrees(hi) == limb.dorsiflexion_limit_deg
    assert math.degrees(lo) == -limb.plantarflexion_limit_deg
    inside = np.linspace(lo, hi, 50)
    assert np.all(end_stop_torque_Nm(inside, limb) == 0.0)
    past = np.radians(np.linspace(0.0, 40.0, 400))
    up = end_stop_torque_Nm(hi + past, limb)
    down = end_stop_torque_Nm(lo - past, limb)
    assert np.all(np.diff(up) > 0) and np.all(np.diff(down) < 0) and np.all(np.isfinite(up))
    assert np.allclose(up, -down)
    assert 10.0 < end_stop_torque(hi + math.radians(1.0), lo, hi)[0] < 100.0  # 1° past: tens
    # the largest torque the model allows is held within END_STOP_OVERSHOOT_DEG
    assert end_stop_torque(hi + math.radians(END_STOP_OVERSHOOT_DEG), lo, hi)[0] > 6.1e4
    # numba and numpy versions agree
    assert [end_stop_torque(a, lo, hi)[0] for a in hi + past[::40]] == pytest.approx(
        end_stop_torque_Nm(hi + past[::40], limb).tolist(), rel=1e-12)


def test_force_never_exceeds_the_fused_maximum_in_synchronous_isometric_trains():
    """Identical units driven in synchrony at a partly fused rate: linear twitch summation
    peaked above max_force_N (up to 1.03×)."""
    p = Parameters().with_changes(**{**SMALL, "muscle.twitch_force_range": 1.0,
                                     "muscle.contraction_time_range": 1.0})
    for rate in (10.0, 12.0, 15.0):  # 1.012, 1.016, 1.011 × max_force_N before
        r = simulate(p, train_protocol(rate, int(1.4 * rate), intensity_mA=200.0), 1.6, seed=0)
        _assert_sound(r)
        assert r.force_N.max() <= p.muscle.max_force_N
    f = np.linspace(0.0, 5.0, 2001)
    c = np.array([fused_force_ceiling(x, 1.0) for x in f])
    assert np.all(c <= 1.0) and np.all(np.diff(c) >= 0) and np.all(np.diff(c[f < 2.0]) > 0)
    assert np.array_equal(c[f <= CEILING_KNEE], f[f <= CEILING_KNEE])  # untouched below


# ----------------------------------------------------------------- refusals
def test_a_step_longer_than_a_refractory_period_is_refused_naming_both():
    p = Parameters().with_changes(**{**SMALL, "pool.refractory_ms": 0.5,
                                     "emg.output_rate_hz": 1000.0})
    with pytest.raises(ValueError, match=r"dt_ms = 1 ms is longer than pool\.refractory_ms = "
                                         r"0\.5 ms.*dt_ms ≤ pool\.refractory_ms"):
        simulate(p, None, 0.1, dt_ms=1.0)
    simulate(p, None, 0.1, dt_ms=0.5)  # a step as long as the period is fine
    p = Parameters().with_changes(**{**SMALL, "junction.fibre_refractory_ms": 0.5,
                                     "emg.output_rate_hz": 1000.0})
    with pytest.raises(ValueError, match=r"junction\.fibre_refractory_ms = 0\.5 ms"):
        simulate(p, None, 0.1, dt_ms=1.0)


def test_an_examiner_cannot_move_the_foot_past_its_range_of_motion():
    p = Parameters().with_changes(**SMALL)
    with pytest.raises(ValueError, match=r"imposed_stretch\.amplitude_deg = 40 deg goes past "
                                         r".*limb\.dorsiflexion_limit_deg = 25 deg"):
        simulate(p, ImposedStretch(amplitude_deg=40.0), 1.0)
    with pytest.raises(ValueError, match=r"sine_stretch\.amplitude_deg = 30 deg.*"
                                         r"limb\.plantarflexion_limit_deg"):
        simulate(p, SineStretch(amplitude_deg=30.0), 1.0)
    wide = p.with_changes(**{"limb.dorsiflexion_limit_deg": 45.0})
    _assert_sound(simulate(wide, ImposedStretch(amplitude_deg=40.0), 1.5, seed=0))


def test_a_stretch_of_zero_degrees_is_no_stretch():
    """amplitude 0: the ramp lasted 0 s and 0/0 at its start gave a NaN target."""
    r = simulate(Parameters().with_changes(**SMALL),
                 ImposedStretch(start_s=0.25, amplitude_deg=0.0), 0.5, seed=0)
    _assert_sound(r)
    assert np.all(r.joint_angle_deg == 0.0)


# ----------------------------------------------------------------- junction convergence
def _junction_metrics(result, t0, t1):
    rec = [int(u) for u in result.recorded_units]
    first = [endplate_response(result, unit=u, impulse_time_s=t0 - 1e-9) for u in rec]
    train = (result.time_s >= t0) & (result.time_s < t1)
    return dict(mean_force=result.force_N[train].mean(),
                aps_per_impulse=fibre_aps_per_impulse(result, t0, t1),
                epp_amplitude=np.mean([e.epp_amplitude_mV for e in first]),
                epp_decay=np.mean([e.epp_decay_ms for e in first]))


@pytest.mark.parametrize("name", ["ache_inhibition_severe", "myasthenia_like", "junction_train"])
def test_junction_converges_when_dt_is_halved(name):
    """Mean force in the train, fibre APs per impulse, EPP amplitude and decay change by
    < 5 % from 0.1 to 0.05 ms (and from 0.05 to 0.025 ms for the severe inhibition: the
    spontaneous quanta are the same at every dt)."""
    s = scenarios.get(name)
    times = [t for t, _, _ in s.protocol.stimuli()]
    t0, t1 = min(times), max(times) + 0.1
    dts = (0.1, 0.05, 0.025) if name == "ache_inhibition_severe" else (0.1, 0.05)
    runs = [_junction_metrics(s.run(seed=0, dt_ms=dt, record_units=[0, 60, 119]), t0, t1)
            for dt in dts]
    for coarse, fine in zip(runs, runs[1:]):
        for key in coarse:
            assert abs(coarse[key] - fine[key]) <= 0.05 * abs(fine[key]), (key, coarse, fine)


@pytest.mark.parametrize("rate_hz", [5e-324, 1e-310, 1e-7])
def test_a_vanishing_ectopic_rate_gives_no_discharges_instead_of_an_endless_loop(rate_hz):
    """A subnormal rate needs a hazard that underflows: its first interval was infinite, the
    step of it overflowed to a negative number, and the event loop never ended (found by the
    property test above)."""
    from neurosim.nerve import (NEGLIGIBLE_ECTOPIC_RATE_HZ, EctopicDischarges, ectopic_nerve,
                                nerve_arrays)
    p = Parameters().with_changes(**{"nerve.ectopic_rate_hz": rate_hz,
                                     "nerve.ectopic_fraction": 1.0, "pool.n_units": 12})
    arrays = nerve_arrays(p.nerve, p.spindle, 12, 0.005)
    ectopic = EctopicDischarges(ectopic_nerve(p), arrays, 0.005, np.random.default_rng(0))
    step, unit = ectopic.events(0, 80_000)
    assert rate_hz < NEGLIGIBLE_ECTOPIC_RATE_HZ and step.size == 0 and unit.size == 0
    r = simulate(p, None, 0.2, seed=0, dt_ms=0.005)
    assert not np.any(r.activation_sources & 4)  # no ectopic activations
