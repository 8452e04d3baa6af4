"""Mechanism 3: the neuromuscular junction and acetylcholine excess."""

import numpy as np
import pytest

from neurosim import Parameters, scenarios, simulate
from neurosim.analysis import (cmap_amplitudes, decrement_percent, endplate_response,
                               fasciculation_rate_hz, fibre_aps_per_impulse, spasm_episodes)
from neurosim.experiments import train_protocol
from neurosim.junction import electrolyte_ectopic_rate_hz, release_factor
from neurosim.protocols import Noise, Trapezoid

SMALL = {"pool.n_units": 30}
RECORD = [0, 15, 29]


def _params(**changes):
    return Parameters().with_changes(**{**SMALL, **changes})


def _single(p, seed=0):
    return simulate(p, train_protocol(1.0, 1), 0.25, seed=seed, record_units=RECORD)


def _ache(a, **changes):
    return _params(**{"junction.ache_activity": a, **changes})


def test_healthy_junction_relays_one_to_one_even_in_a_50_hz_train():
    r = simulate(_params(), train_protocol(50.0, 50), 1.2, seed=0)
    assert r.nerve_impulse_times_s.size >= 50 * 30 * 0.99
    assert fibre_aps_per_impulse(r) == 1.0
    single = endplate_response(_single(_params()))
    assert single.fibre_aps == 1
    assert 3.0 <= single.safety_factor <= 5.0  # Paton & Waud: about 4 (3–5 commonly quoted)


def test_voluntary_force_passes_the_junction_unchanged():
    """Inserting the junction leaves healthy contractions intact: every nerve impulse
    becomes exactly one fibre AP, within two milliseconds."""
    r = simulate(_params(), Trapezoid(level=0.3) + Noise(), 4.0, seed=1)
    assert r.nerve_impulse_times_s.size > 500
    assert r.activation_times_s.size == r.nerve_impulse_times_s.size
    for unit in range(r.n_units):
        imp = r.nerve_impulse_times_s[r.nerve_impulse_units == unit]
        aps = r.activation_times_s[r.activation_units == unit]
        assert imp.size == aps.size
        if imp.size:
            lag = aps - imp
            assert np.all((lag > 0) & (lag < 2e-3))


def test_epp_decay_time_grows_monotonically_as_ache_activity_falls():
    decays = [endplate_response(_single(_ache(a))).epp_decay_ms for a in (1.0, 0.5, 0.3, 0.1, 0.05)]
    assert np.all(np.diff(decays) > 0), decays
    # a strong inhibitor prolongs endplate currents by tens of % (Magleby & Stevens; +37–76 %);
    # AChE has a large reserve, so the change shows once most of it is inhibited
    assert 1.2 < decays[3] / decays[0] < 3.0


def test_repetitive_fibre_aps_appear_only_when_the_epp_outlasts_the_refractory_period():
    p0 = _params()
    refractory_ms = p0.junction.fibre_refractory_ms
    threshold = p0.junction.fibre_threshold_mV
    seen_single = seen_repetitive = False
    for a in (1.0, 0.7, 0.5, 0.3, 0.2, 0.1, 0.05):
        r = _single(_ache(a))
        e = endplate_response(r, unit=0)
        first_ap = r.activation_times_s[r.activation_units == 0][0]
        i0 = int(round(first_ap * 1000 / r.dt_ms))
        above_ms = np.sum(r.endplate_mV[i0:, 0] > threshold) * r.dt_ms
        if e.fibre_aps > 1:
            seen_repetitive = True
            assert above_ms > refractory_ms, (a, above_ms)
        else:
            seen_single = True
        if above_ms <= refractory_ms:
            assert e.fibre_aps == 1, (a, above_ms)
    assert seen_single and seen_repetitive


def test_severe_inhibition_blocks_firing_and_force_falls_during_a_30_hz_train():
    def train(a):
        r = simulate(_ache(a), train_protocol(30.0, 30), 1.2, seed=0)
        late = (r.time_s > 0.9) & (r.time_s < 1.1)
        return r.force_percent.max(), r.force_percent[late].mean(), r
    peak_h, late_h, _ = train(1.0)
    peak_s, late_s, severe = train(0.05)
    assert late_h > 0.9 * peak_h  # healthy tetanus is sustained
    assert late_s < 0.5 * peak_s  # severe excess: depolarisation block, force falls
    # the fibres stop firing although the nerve impulses keep arriving
    late_impulses = np.sum(severe.nerve_impulse_times_s > 0.8)
    assert late_impulses > 0 and np.sum(severe.activation_times_s > 0.8) < 0.2 * late_impulses


def test_fewer_quanta_or_receptors_lower_the_safety_factor_and_give_decrement():
    healthy = simulate(_params(), train_protocol(3.0, 10), 3.5, seed=0, record_units=RECORD)
    sf_h = endplate_response(healthy).safety_factor
    assert abs(decrement_percent(cmap_amplitudes(healthy))) < 5.0
    for change in ({"junction.receptor_density": 0.25}, {"junction.quantal_scale": 0.25}):
        r = simulate(_params(**change), train_protocol(3.0, 10), 3.5, seed=0, record_units=RECORD)
        assert endplate_response(r).safety_factor < 0.6 * sf_h, change
        assert decrement_percent(cmap_amplitudes(r)) < -10.0, change
        assert fibre_aps_per_impulse(r) < 1.0  # failures


def test_myasthenia_like_scenario_decrements_and_mild_inhibition_helps():
    r = scenarios.get("myasthenia_like").run(seed=0)
    dec = decrement_percent(cmap_amplitudes(r))
    assert dec < -10.0  # the clinical criterion for a decrement
    treated = scenarios.get("myasthenia_like").with_changes(**{"junction.ache_activity": 0.5})
    dec_treated = decrement_percent(cmap_amplitudes(treated.run(seed=0)))
    assert dec_treated > dec + 10.0


def test_spontaneous_release_rate_sets_the_fasciculation_rate():
    rates = []
    for spont in (0.0, 1.0, 2.0):
        p = _ache(0.05, **{"junction.spontaneous_rate_hz": spont})
        rates.append(fasciculation_rate_hz(simulate(p, Noise(), 6.0, seed=3)))
    assert rates[0] == 0.0
    assert rates[1] > 0.0
    assert rates[2] == pytest.approx(2 * rates[1], rel=0.35)
    # with working AChE spontaneous quanta never fire the terminals
    healthy = simulate(_params(**{"junction.spontaneous_rate_hz": 2.0}), Noise(), 6.0, seed=3)
    assert fasciculation_rate_hz(healthy) == 0.0
    assert healthy.activation_times_s.size == 0


def test_ache_inhibition_makes_twitches_sum_into_prolonged_contraction():
    def impulse_force(a):
        r = simulate(_ache(a), train_protocol(1.0, 1), 1.0, seed=0)
        return r.force_N.sum()
    # severe inhibition: a burst of fibre APs per impulse (at 10 % AChE only a doublet)
    assert impulse_force(0.05) > 1.5 * impulse_force(1.0)


def test_calcium_and_magnesium_change_release_and_axonal_excitability():
    base = Parameters().junction
    assert release_factor(base) == pytest.approx(1.0)
    low_ca = base.with_changes(calcium_mM=0.8)
    high_mg = base.with_changes(magnesium_mM=3.0)
    assert release_factor(low_ca) < 0.5 and release_factor(high_mg) < 0.5
    assert electrolyte_ectopic_rate_hz(base) == 0.0
    assert electrolyte_ectopic_rate_hz(low_ca.with_changes(magnesium_mM=0.5)) > 1.0
    r = scenarios.get("low_magnesium_calcium").run(seed=0, duration_s=2.0)
    assert r.spike_times_s.size == 0 and r.activation_times_s.size > 100  # twitches, silent cord


def test_botulinum_toxin_lowers_spasm_force_but_not_the_neural_drive():
    sci_scenario, botox_scenario = scenarios.get("spinal_cord_injury"), scenarios.get("botulinum_toxin")
    # the toxin acts at the junction only: with the one force feedback to the cord (the
    # tendon organs) cut, the motor neurons fire exactly as in the untreated cord
    no_ib = {"tendon_organ.autogenic_inhibition": 0.0}
    sci = sci_scenario.run(parameters=sci_scenario.parameters.with_changes(**no_ib), seed=0)
    botox = botox_scenario.run(parameters=botox_scenario.parameters.with_changes(**no_ib), seed=0)
    np.testing.assert_array_equal(sci.spike_times_s, botox.spike_times_s)  # same cord
    # with it, the weakened muscle inhibits its own motor neurons less: no fewer spikes
    sci, botox = sci_scenario.run(seed=0), botox_scenario.run(seed=0)
    assert botox.spike_times_s.size >= sci.spike_times_s.size
    assert botox.force_N.max() < 0.7 * sci.force_N.max()
    assert spasm_episodes(botox).total_duration_s < spasm_episodes(sci).total_duration_s


def test_junction_is_deterministic_and_validated():
    p = _ache(0.05)
    a = simulate(p, Noise(), 2.0, seed=4, record_units=RECORD)
    b = simulate(p, Noise(), 2.0, seed=4, record_units=RECORD)
    np.testing.assert_array_equal(a.endplate_mV, b.endplate_mV)
    np.testing.assert_array_equal(a.nerve_impulse_times_s, b.nerve_impulse_times_s)
    with pytest.raises(ValueError, match=r"junction\.ache_activity = 1\.5 dimensionless is out of range"):
        Parameters().with_changes(**{"junction.ache_activity": 1.5})
    with pytest.raises(ValueError, match=r"unit = 3 was not recorded"):
        endplate_response(a, unit=3)
    with pytest.raises(ValueError, match=r"rate_hz = 0 Hz is out of range: allowed \(0, 200\] \(Hz\)"):
        train_protocol(0.0)
    with pytest.raises(ValueError, match="decrement needs at least 4 responses"):
        decrement_percent(np.array([1.0, 0.9]))


def test_closed_form_catch_up_equals_stepping_a_quiet_endplate():
    from neurosim.junction import junction_catch_up, junction_constants, junction_step
    c = junction_constants(Parameters().junction, 1, 0.1)
    state = dict(pool=0.6, desens=0.05, epp=4.0, na_h=0.7, terminal=0.08, activity=3.0,
                 na_slow=0.8)
    k = 4000  # 0.4 s of quiet
    # a quiet endplate has no cleft ACh, no perijunctional ACh and no open channels
    stepped = [state["pool"], 0.0, 0.0, 0.0, state["desens"], state["epp"], state["na_h"],
               state["terminal"], state["activity"], state["na_slow"]]
    for _ in range(k):
        stepped = list(junction_step.py_func(*stepped, c["step"]))
    closed = junction_catch_up(
        k, state["pool"], state["desens"], state["epp"], state["na_h"], state["terminal"],
        state["activity"], state["na_slow"], *c["catch_up"])
    pool, _, outer, _, desens, epp, na_h, terminal, activity, na_slow = stepped
    assert outer == 0.0
    np.testing.assert_allclose(closed, (pool, desens, epp, na_h, terminal, activity, na_slow),
                               rtol=1e-8, atol=1e-12)  # pool: 2nd-order product
    assert junction_catch_up(0, *closed, *c["catch_up"]) == closed


@pytest.mark.parametrize("name", ["spinal_cord_injury", "ache_inhibition_severe",
                                  "low_magnesium_calcium"])
def test_letting_quiet_endplates_rest_changes_nothing_measurable(name):
    """Recorded endplates are stepped every step; recording all of them disables the
    quiet-endplate shortcut, so the two runs compare the shortcut with plain stepping."""
    s = scenarios.get(name)
    p = s.parameters.with_changes(**SMALL)
    shortcut = simulate(p, s.protocol, 3.0, seed=2, record_units=[0])
    stepped = simulate(p, s.protocol, 3.0, seed=2, record_units=list(range(30)))
    assert shortcut.activation_times_s.size == stepped.activation_times_s.size
    np.testing.assert_allclose(shortcut.activation_times_s, stepped.activation_times_s,
                               atol=1e-3)
    np.testing.assert_allclose(shortcut.force_N, stepped.force_N,
                               atol=1e-3 * max(stepped.force_N.max(), 1e-9))
    np.testing.assert_array_equal(shortcut.endplate_mV[:, 0], stepped.endplate_mV[:, 0])


def test_relative_refractory_lookup_is_the_threshold_formula():
    """The engine looks the raised threshold up instead of calling exp every step: the table
    is the formula θ (1 + k e^{-t/τ}) itself, from θ (1 + k) just after an AP down to θ."""
    from neurosim.junction import relative_refractory_table, relative_refractory_threshold
    j = Parameters().junction
    dt_ms, tau = 0.1, j.relative_refractory_ms
    table = relative_refractory_table(800, dt_ms, j.fibre_threshold_mV,
                                      j.relative_refractory_factor, tau)
    assert table.shape == (800,)
    assert table[0] == pytest.approx(j.fibre_threshold_mV * (1 + j.relative_refractory_factor))
    at_tau = int(round(tau / dt_ms))
    assert table[at_tau] == pytest.approx(
        j.fibre_threshold_mV * (1 + j.relative_refractory_factor / np.e))
    assert np.all(np.diff(table) < 0) and table[-1] < 1.01 * j.fibre_threshold_mV
    direct = [relative_refractory_threshold(k, dt_ms, j.fibre_threshold_mV,
                                            j.relative_refractory_factor, tau)
              for k in (0, 1, at_tau, 799, 900)]
    np.testing.assert_array_equal(direct[:4], table[[0, 1, at_tau, 799]])
    assert j.fibre_threshold_mV < direct[4] < table[-1]
