"""Analytic tests of each stage's step function (Brian2 ``test_refractory.py`` style).

Each step function is driven on its own with inputs for which its docstring equation has a
closed-form solution, and the iterated steps are compared with that solution: where the
update is exact to rounding, to 1e-12 relative; where it is a deliberate approximation,
against the discrete formula it implements and the error bound its docstring states. The
constants come from each stage's own constants function with the default parameters, so a
change of a default cannot silently change what is tested. ``limb.limb_step`` is tested in
``tests/test_numerics.py``.

The functions are compiled with numba (``inline="always"``); calling them from Python runs
the compiled code.
"""

import math

import numpy as np
import pytest

from neurosim import Parameters
from neurosim.junction import (CATCH_UP_CONSTANTS, STEP_CONSTANTS, decay_factor,
                               endplate_potential_step, junction_catch_up, junction_constants,
                               junction_step, na_availability_target, quiet_epp_limit_mV)
from neurosim.motor_pool import membrane_step, pic_step, synaptic_drive
from neurosim.muscle import (fused_force_per_peak, summation_gain, twitch_arrays, twitch_step,
                             twitch_waveform)
from neurosim.spinal_circuit import (RENSHAW_REFERENCE_RATE_HZ, interneuron_constants,
                                     interneuron_step, renshaw_constants, renshaw_step)
from neurosim.spindle import (burst_filter_step, ia_population_step, ia_rate_hz,
                              spindle_constants)

P = Parameters()
DT_MS = 0.1


def _iterate(step, state, n):
    """``[state, step(state), step(step(state)), ...]`` (n + 1 values)."""
    out = [state]
    for _ in range(n):
        state = step(state)
        out.append(state)
    return out


# ----------------------------------------------------------------- motor pool: membrane
@pytest.mark.parametrize("u", [1.05, 1.5, 3.0])
def test_membrane_with_constant_input_follows_the_exponential_and_crosses_at_the_predicted_step(u):
    """tau dV/dt = -V + theta u from rest: V(t) = theta u (1 - e^{-t/tau}); the step is the
    exact exponential update, so V after k steps is that curve at k dt, and threshold is
    first reached at step ceil(tau ln(u/(u-1)) / dt)."""
    tau, theta = P.pool.membrane_time_constant_ms, P.pool.threshold_mV
    decay = math.exp(-DT_MS / tau)
    n = int(10 * tau / DT_MS)
    v = np.array(_iterate(lambda x: membrane_step(x, u, theta, decay), 0.0, n))
    t = np.arange(n + 1) * DT_MS
    np.testing.assert_allclose(v, theta * u * -np.expm1(-t / tau), rtol=1e-12, atol=1e-12)
    crossing_ms = tau * math.log(u / (u - 1.0))
    predicted = math.ceil(crossing_ms / DT_MS)
    assert abs(crossing_ms / DT_MS - round(crossing_ms / DT_MS)) > 1e-6  # not on a step edge
    assert int(np.argmax(v >= theta)) == predicted
    assert v[predicted - 1] < theta <= v[predicted]


def test_membrane_without_input_decays_by_its_exact_factor_and_rests_at_its_target():
    tau, theta = P.pool.membrane_time_constant_ms, P.pool.threshold_mV
    decay = math.exp(-DT_MS / tau)
    v = np.array(_iterate(lambda x: membrane_step(x, 0.0, theta, decay), 12.0, 50))
    np.testing.assert_allclose(v[1:] / v[:-1], decay, rtol=1e-14)
    # exact for constant input: two steps of dt are one step of 2 dt
    two = membrane_step(membrane_step(3.0, 0.8, theta, decay), 0.8, theta, decay)
    assert two == pytest.approx(membrane_step(3.0, 0.8, theta, decay ** 2), rel=1e-14)
    # the steady state theta u is a fixed point; below threshold for u < 1 (subthreshold)
    assert membrane_step(theta * 0.8, 0.8, theta, decay) == pytest.approx(theta * 0.8, rel=1e-15)


def test_synaptic_drive_is_the_hyperbolic_conductance_saturation():
    """u = s x / (s + x), x = drive / rheobase: slope 1 at rest, half the ceiling at x = s,
    rising towards (never reaching) the ceiling s."""
    s = P.pool.synaptic_saturation
    inv_rh = 1.0 / P.pool.rheobase_smallest_nA
    drive = np.concatenate([[0.0], np.logspace(-4, 6, 300)])
    u = np.array([synaptic_drive(d, inv_rh, s) for d in drive])
    assert u[0] == 0.0
    np.testing.assert_allclose(u, s * drive * inv_rh / (s + drive * inv_rh), rtol=1e-14)
    assert np.all(np.diff(u) > 0) and np.all(u < s)
    small = drive * inv_rh < 1e-3
    np.testing.assert_allclose(u[small], drive[small] * inv_rh, rtol=1e-3)  # linear at rest
    assert synaptic_drive(s / inv_rh, inv_rh, s) == pytest.approx(s / 2, rel=1e-15)
    assert u[-1] == pytest.approx(s, rel=1e-4)


# ----------------------------------------------------------------- motor pool: PIC
def _pic_constants():
    pic, pool = P.pic, P.pool
    v_half = pool.threshold_mV - pic.activation_onset_below_threshold_mV + 0.5 * pic.activation_width_mV
    return (v_half, 1.0 / pic.activation_width_mV, DT_MS / pic.activation_time_constant_ms,
            DT_MS / (1000.0 * pic.inactivation_time_constant_s), pic.inactivation_depth)


def test_pic_activation_is_a_smooth_step_from_onset_to_onset_plus_width():
    """With activation rate 1 (dt = tau) m jumps to m_inf(V): 0 up to
    activation_onset_below_threshold_mV below threshold, 1 a width above that, 1/2 in the
    middle, rising in between with zero slope at both ends (smoothstep)."""
    v_half, inv_w, _, _, depth = _pic_constants()
    onset = P.pool.threshold_mV - P.pic.activation_onset_below_threshold_mV
    width = P.pic.activation_width_mV

    def m_inf(v):
        return pic_step(0.3, 1.0, v, v_half, inv_w, 1.0, 0.0, depth)[0]

    assert m_inf(onset) == 0.0 and m_inf(onset - 5.0) == 0.0
    assert m_inf(onset + width) == 1.0 and m_inf(onset + 3 * width) == 1.0
    assert m_inf(onset + width / 2) == pytest.approx(0.5, abs=1e-15)
    v = np.linspace(onset, onset + width, 101)
    m = np.array([m_inf(x) for x in v])
    assert np.all(np.diff(m) > 0)
    s = (v - onset) / width
    np.testing.assert_allclose(m, s * s * (3 - 2 * s), atol=1e-14)
    # zero slope at the ends: the first and last 1 % of the span move m by < 1e-3
    assert m[1] - m[0] < 1e-3 and m[-1] - m[-2] < 1e-3


def test_pic_gates_relax_with_their_time_constants():
    """Well above the span (m_inf = 1) m relaxes to 1 by the factor (1 - dt/tau_act) per
    step — after tau_act it has covered 1 - 1/e of the way to first order in dt/tau; with
    m held at 1, h relaxes to 1 - depth by (1 - dt/tau_inact) per step."""
    v_half, inv_w, act, inact, depth = _pic_constants()
    tau_ms = P.pic.activation_time_constant_ms
    n = int(round(tau_ms / DT_MS))
    ms = np.array([s[0] for s in _iterate(
        lambda s: pic_step(s[0], s[1], v_half + 100.0, v_half, inv_w, act, 0.0, depth),
        (0.0, 1.0), n)])
    np.testing.assert_allclose(1.0 - ms, (1.0 - act) ** np.arange(n + 1), rtol=1e-12)
    assert ms[-1] == pytest.approx(1.0 - math.exp(-1.0), abs=act)
    # far below the span m decays towards 0 by the same factor
    m_down = pic_step(0.8, 1.0, v_half - 100.0, v_half, inv_w, act, 0.0, depth)[0]
    assert m_down == pytest.approx(0.8 * (1.0 - act), rel=1e-14)
    # inactivation: m held at 1 (activation rate 0), h -> 1 - depth
    hs = np.array([s[1] for s in _iterate(
        lambda s: pic_step(1.0, s[1], v_half + 100.0, v_half, inv_w, 0.0, inact, depth),
        (1.0, 1.0), 1000)])
    np.testing.assert_allclose(hs - (1.0 - depth), depth * (1.0 - inact) ** np.arange(1001),
                               rtol=1e-9)
    assert np.all(np.diff(hs) < 0) and hs[-1] > 1.0 - depth


# ----------------------------------------------------------------- muscle
def test_twitch_step_reproduces_the_closed_form_twitch_and_peaks_at_its_contraction_time():
    """One impulse a = P e / T into the critically damped pair (a' = -a/T, b' = -b/T + a):
    b(t) = P (t/T) e^{1 - t/T} exactly at every step, largest at t = T with value P."""
    tw = twitch_arrays(P.muscle, 5, DT_MS)
    for i in range(5):
        peak, T, decay = tw["peak_force_N"][i], tw["contraction_time_ms"][i], tw["decay"][i]
        n = int(4 * T / DT_MS)
        states = _iterate(lambda s: twitch_step(s[0], s[1], decay, DT_MS),
                          (tw["impulse"][i], 0.0), n)
        b = np.array([s[1] for s in states])
        t = np.arange(n + 1) * DT_MS
        np.testing.assert_allclose(b, peak * (t / T) * np.exp(1.0 - t / T), rtol=1e-11,
                                   atol=1e-12 * peak)
        np.testing.assert_allclose(b, twitch_waveform(t, peak, T), rtol=1e-11, atol=1e-12 * peak)
        k_peak = int(np.argmax(b))
        assert abs(k_peak * DT_MS - T) <= DT_MS  # the sampled peak is the step nearest T
        assert b.max() == pytest.approx(peak, rel=(DT_MS / T) ** 2)


def test_twitches_superpose_linearly():
    """Two impulses give the sum of two shifted twitches (the update is linear)."""
    tw = twitch_arrays(P.muscle, 1, DT_MS)
    decay, imp = tw["decay"][0], tw["impulse"][0]
    a, b, trace = 0.0, 0.0, []
    for k in range(3000):
        if k in (0, 400):
            a += imp
        a, b = twitch_step(a, b, decay, DT_MS)
        trace.append(b)
    t = (np.arange(3000) + 1) * DT_MS
    expected = (twitch_waveform(t, tw["peak_force_N"][0], tw["contraction_time_ms"][0])
                + twitch_waveform(t - 400 * DT_MS, tw["peak_force_N"][0],
                                  tw["contraction_time_ms"][0]))
    np.testing.assert_allclose(trace, expected, rtol=1e-11, atol=1e-12)


def test_summation_gain_is_one_at_low_rates_and_saturates_mean_force_at_fusion():
    """Fuglevand's gain: g = 1 while T/ISI <= 0.4 and continuous there; a unit's mean force
    is g × (twitch area P T e) / ISI = g (T/ISI) e P, which rises with rate along a sigmoid
    towards the fused force P × fused_force_per_peak (g itself first rises above 1 —
    partly fused twitches add more than their peaks — then falls as 1/x)."""
    T = 100.0
    x = np.concatenate([np.linspace(0.01, 0.4, 40), np.linspace(0.4001, 50.0, 500)])
    g = np.array([summation_gain(T, T / xi) for xi in x])
    assert np.all(g[x <= 0.4] == 1.0)
    assert summation_gain(T, T / 0.4000001) == pytest.approx(1.0, abs=1e-5)  # continuous
    assert np.all(g[x > 0.4] > 0) and g[-1] < 1.0
    mean_force_per_peak = g * x * math.e
    rising = x < 2.0  # beyond, e^{-2x^3} < 1e-7 and soon below rounding: saturated
    assert np.all(np.diff(mean_force_per_peak[rising]) > 0)  # more rate, more force ...
    assert np.all(mean_force_per_peak <= fused_force_per_peak * (1 + 1e-15))  # ... up to fusion
    assert mean_force_per_peak[-1] == pytest.approx(fused_force_per_peak, rel=1e-12)
    # the documented formula
    xs = x[x > 0.4]
    norm = (1 - math.exp(-2 * 0.4 ** 3)) / 0.4
    np.testing.assert_allclose(g[x > 0.4], (1 - np.exp(-2 * xs ** 3)) / xs / norm, rtol=1e-12)


# ----------------------------------------------------------------- spinal circuit
def test_renshaw_activity_decays_by_its_exact_factor_and_tracks_rate_over_20_hz():
    n_units = 120
    decay, inc, gain = renshaw_constants(P.inhibition, n_units, DT_MS)
    tau = P.inhibition.recurrent_time_constant_ms
    assert decay == pytest.approx(math.exp(-DT_MS / tau), rel=1e-15)
    r = np.array(_iterate(lambda x: renshaw_step(x, 0, decay, inc), 0.7, 200))
    np.testing.assert_allclose(r, 0.7 * decay ** np.arange(201), rtol=1e-12)
    # a pool firing steadily at f Hz per unit: n f dt spikes per step; r settles at
    # n f dt inc / (1 - decay) = (f / 20 Hz) (dt/tau) / (1 - e^{-dt/tau})
    f_hz = 12.0
    spikes_per_step = n_units * f_hz * DT_MS / 1000.0
    r = 0.0
    for _ in range(int(20 * tau / DT_MS)):
        r = renshaw_step(r, spikes_per_step, decay, inc)
    x = DT_MS / tau
    expected = f_hz / RENSHAW_REFERENCE_RATE_HZ * x / -math.expm1(-x)
    assert r == pytest.approx(expected, rel=1e-8)
    assert r == pytest.approx(f_hz / RENSHAW_REFERENCE_RATE_HZ, rel=x)
    assert gain == P.inhibition.recurrent * P.inhibition.recurrent_gain


@pytest.mark.parametrize("descending, presynaptic", [(1.0, 1.0), (0.2, 0.2), (0.0, 0.0)])
def test_interneuron_activity_is_the_exact_leaky_integrator_with_loop_gain(descending, presynaptic):
    """tau de/dt = -(1 - G) e + a: from e0 under constant input a, e(t) = a/(1 - G) +
    (e0 - a/(1 - G)) e^{-(1 - G) t / tau}, with G = G_max (1 - min(1, (desc + pre)/2))."""
    inh = P.inhibition.with_changes(descending=descending, presynaptic=presynaptic)
    decay, scale, G = interneuron_constants(inh, DT_MS)
    assert G == pytest.approx(inh.interneuron_loop_gain
                              * (1 - min(1.0, 0.5 * (descending + presynaptic))), abs=1e-15)
    assert scale == pytest.approx(1.0 / (1.0 - G), rel=1e-15)
    tau = inh.interneuron_time_constant_ms
    a, e0, n = 0.2, 0.05, 3000
    e = np.array(_iterate(lambda x: interneuron_step(x, a, decay, scale), e0, n))
    t = np.arange(n + 1) * DT_MS
    e_inf = a / (1.0 - G)
    np.testing.assert_allclose(e, e_inf + (e0 - e_inf) * np.exp(-(1 - G) * t / tau), rtol=1e-11)
    # inputs removed: decays by exactly `decay` per step
    assert interneuron_step(0.3, 0.0, decay, scale) == pytest.approx(0.3 * decay, rel=1e-15)


# ----------------------------------------------------------------- spindle
def _spindle(gain=1.0):
    return spindle_constants(P.spindle.with_changes(gain=gain))


def test_ia_rate_rises_with_length_linearly_and_is_not_scaled_by_the_dynamic_gain():
    """R = R0 + gamma + k_L x at zero velocity: k_L Hz per mm, whatever the dynamic gain
    (spindle.gain scales only the velocity and burst terms, see its help)."""
    x = np.linspace(-2.0, 10.0, 121)
    for gain in (1.0, 3.0):
        c = _spindle(gain)
        rate = np.array([ia_rate_hz(xi, 0.0, *c) for xi in x])
        expected = np.maximum(c[0] + P.spindle.length_sensitivity_hz_per_mm * x, 0.0)
        np.testing.assert_allclose(rate, expected, rtol=1e-14, atol=1e-12)
    assert np.all(np.diff(rate[rate > 0]) > 0)


def test_ia_rate_follows_the_velocity_power_law_and_falls_silent_when_shortening_fast():
    """At fixed length the velocity term is g k_V sign(v)|v|^p: above the resting rate the
    log-log slope is exactly p, and g scales it; a fast shortening silences the ending."""
    c = _spindle(2.0)
    offset, gain, _, k_v, p, _ = c
    v = np.logspace(-2, 3, 60)
    extra = np.array([ia_rate_hz(0.0, vi, *c) for vi in v]) - offset
    np.testing.assert_allclose(extra, gain * k_v * v ** p, rtol=1e-12)
    slope = np.diff(np.log(extra)) / np.diff(np.log(v))
    np.testing.assert_allclose(slope, p, rtol=1e-9)
    # monotone through zero velocity, silent (not negative) during fast shortening
    vv = np.linspace(-500.0, 500.0, 401)
    rate = np.array([ia_rate_hz(0.0, vi, *c) for vi in vv])
    assert np.all(np.diff(rate) >= 0) and np.all(rate >= 0.0)
    assert rate[0] == 0.0
    assert ia_rate_hz(0.0, -(offset / (gain * k_v)) ** (1 / p) * 1.01, *c) == 0.0


def test_initial_burst_term_and_its_filter():
    """The burst adds g k_B (v - v_bar) while lengthening; a shortening, slack spindle fires
    no burst but still pauses; v_bar relaxes to a constant velocity by exp(-dt/tau_B)."""
    c = _spindle(1.5)
    offset, gain, _, k_v, p, k_b = c
    base = ia_rate_hz(0.0, 10.0, *c)
    assert ia_rate_hz(0.0, 10.0, *c, 4.0) - base == pytest.approx(gain * k_b * 4.0, rel=1e-12)
    slow_shortening = ia_rate_hz(0.0, -0.1, *c)
    assert slow_shortening > 0.0
    assert ia_rate_hz(0.0, -0.1, *c, 4.0) == slow_shortening  # no burst while shortening
    assert ia_rate_hz(0.0, -0.1, *c, -0.5) == pytest.approx(  # but a pause
        slow_shortening - gain * k_b * 0.5, rel=1e-12)
    tau_b = P.spindle.initial_burst_time_constant_ms
    decay = math.exp(-DT_MS / tau_b)
    vbar = np.array(_iterate(lambda x: burst_filter_step(x, 30.0, decay), 0.0, 500))
    t = np.arange(501) * DT_MS
    np.testing.assert_allclose(vbar, 30.0 * -np.expm1(-t / tau_b), rtol=1e-11)


def test_ia_population_fires_exactly_the_integrated_rate():
    """Each fibre fires whenever its phase passes an integer: over any time, fibre j fires
    floor(phi_j + R t) times."""
    phases = np.random.default_rng(0).random(60)
    start = phases.copy()
    rate, dt_s, n = 37.0, DT_MS / 1000.0, 10000
    fired = sum(ia_population_step(phases, rate, dt_s) for _ in range(n))
    assert fired == np.floor(start + rate * n * dt_s + 1e-9).sum()
    np.testing.assert_allclose(phases, np.mod(start + rate * n * dt_s, 1.0), atol=1e-9)


# ----------------------------------------------------------------- junction
def test_decay_factor_is_second_order_close_to_the_exponential_and_l_stable():
    """R(x) = 1/(1 + x + x^2/2): |R - e^{-x}| <= x^3/6 (documented), R(0) = 1, and
    R x^2 -> 2 for a stiff step (it goes to 0 like the exponential's stand-in should)."""
    x = np.linspace(0.0, 1.0, 1001)
    r = decay_factor(x)
    assert r[0] == 1.0
    assert np.all(np.abs(r - np.exp(-x)) <= x ** 3 / 6 + 1e-16)
    big = np.array([1e3, 1e5, 1e7])
    np.testing.assert_allclose(decay_factor(big) * big ** 2, 2.0, rtol=2e-3)


def test_endplate_potential_step_relaxes_at_rate_one_plus_g_towards_g_e_over_one_plus_g():
    """One step is V_inf + (V - V_inf) R(membrane (1 + g)) with V_inf = g E / (1 + g): the
    target is a fixed point, and without conductance the EPP decays by R(membrane)."""
    E = P.junction.reversal_mV
    membrane = DT_MS / P.junction.endplate_time_constant_ms
    for g in (0.0, 0.05, 1.0, 30.0):
        v_inf = g * E / (1.0 + g)
        for v in (0.0, 10.0, 70.0):
            expected = v_inf + (v - v_inf) * decay_factor(membrane * (1.0 + g))
            assert endplate_potential_step(v, g, membrane, E) == pytest.approx(
                expected, rel=1e-13, abs=1e-13)
        assert endplate_potential_step(v_inf, g, membrane, E) == pytest.approx(
            v_inf, rel=1e-14, abs=1e-14)
    v = np.array(_iterate(lambda x: endplate_potential_step(x, 0.0, membrane, E), 20.0, 100))
    np.testing.assert_allclose(v[1:] / v[:-1], decay_factor(membrane), rtol=1e-14)


def _junction_step_constants(**overrides):
    c = dict(zip(STEP_CONSTANTS, junction_constants(P.junction, 1, DT_MS)["step"]))
    c.update(overrides)
    return c, tuple(c[name] for name in STEP_CONSTANTS)


def test_junction_step_leaves_a_resting_endplate_at_rest():
    _, c = _junction_step_constants()
    rest = (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0)
    assert junction_step(*rest, c) == rest


def test_cleft_ach_without_dilution_decays_by_its_exact_factor_and_the_terminal_follows_its_mean():
    """With the dilution of isolated quanta off, cleft ACh falls by e^{-k dt} per step
    (hydrolysis and escape), the receptors and the terminal see its exact mean over the
    step, (1 - e^{-k dt})/(k dt) × ACh, and the terminal integrates that mean with its own
    exact factor."""
    named, c = _junction_step_constants(dilution_overlap=0.0)
    state = (1.0, 50.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0)
    ach, terminal = [50.0], [0.0]
    for _ in range(30):
        state = junction_step(*state, c)
        ach.append(state[1])
        terminal.append(state[7])
    ach = np.array(ach)
    np.testing.assert_allclose(ach[1:] / ach[:-1], named["ach_decay"], rtol=1e-13)
    mean = ach[:-1] * named["ach_mean_factor"]
    expected_terminal = [0.0]
    for m in mean:
        expected_terminal.append(m + (expected_terminal[-1] - m) * named["terminal_decay"])
    np.testing.assert_allclose(terminal, expected_terminal, rtol=1e-12)
    k = -math.log(named["ach_decay"])
    assert named["ach_mean_factor"] == pytest.approx(-math.expm1(-k) / k, rel=1e-14)


@pytest.mark.parametrize("k", [1, 10, 1000, 50_000])
def test_quiet_endplate_catch_up_equals_that_many_steps(k):
    """The engine skips quiet endplates and later advances them in closed form; k steps of
    junction_step from a quiet state (no ACh, no open channels, a low EPP) and one
    junction_catch_up(k) agree (the refill to second order in the per-step refill)."""
    named, c = _junction_step_constants()
    catch = tuple(dict(zip(STEP_CONSTANTS, c))[name] if name in STEP_CONSTANTS else None
                  for name in CATCH_UP_CONSTANTS)
    assert catch == junction_constants(P.junction, 1, DT_MS)["catch_up"]
    epp0 = 0.5 * quiet_epp_limit_mV(P.junction)
    # a partly used pool, some desensitisation, Na+ partly inactivated, recent activity
    pool, desens, epp, na_h, terminal, activity, na_slow = 0.6, 0.2, epp0, 0.7, 0.01, 3.0, 0.8
    state = (pool, 0.0, 0.0, 0.0, desens, epp, na_h, terminal, activity, na_slow)
    for _ in range(k):
        state = junction_step(*state, c)
    closed = junction_catch_up(k, pool, desens, epp, na_h, terminal, activity, na_slow, *catch)
    stepped = (state[0], state[4], state[5], state[6], state[7], state[8], state[9])
    assert state[1] == 0.0 and state[2] == 0.0 and state[3] == 0.0  # it stayed quiet
    r_max = named["pool_recovery"] * (1 + named["mobilisation"] * activity)
    assert closed[0] == pytest.approx(stepped[0], abs=k * r_max ** 3 + 1e-14)
    np.testing.assert_allclose(closed[1:], stepped[1:], rtol=1e-9, atol=1e-300)
    h_rest = na_availability_target(0.0, named["inact_half"], named["inact_inv_width"])
    assert abs(closed[3] - h_rest) <= abs(na_h - h_rest)  # relaxing towards rest
