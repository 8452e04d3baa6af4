"""F-waves: supramaximal shocks make a few antidromically invaded motor neurons backfire.

Reference direction: tibial F-wave minimum latency 52.8 → 59.1 ms in diabetic neuropathy
(Sci Rep 2024, doi:10.1038/s41598-024-82235-8). The model's path is the soleus one
(``nerve.path_length_m`` 0.8 m), shorter than the tibial nerve to the foot muscles where
clinical F-waves are recorded, so its latencies are shorter; the direction and the size of
the change are what is compared.
"""

import numpy as np
import pytest

from neurosim import Parameters, scenarios, simulate
from neurosim.analysis import f_wave_responses, f_wave_summary
from neurosim.engine import SOURCE_F_WAVE
from neurosim.experiments import (conduction_protocol, conduction_report, f_wave_protocol,
                                  f_wave_study)
from neurosim.nerve import nerve_arrays
from neurosim.protocols import NerveStimulation, Noise, Protocol

SHOCKS, INTERVAL_S = 20, 0.3


def _study(parameters=None, seed=0, **changes):
    p = (parameters or Parameters()).with_changes(**changes) if changes else \
        (parameters or Parameters())
    return f_wave_study(p, n_shocks=SHOCKS, interval_s=INTERVAL_S, seed=seed)


def _f_impulses(r):
    return (np.asarray(r.nerve_impulse_sources) & SOURCE_F_WAVE) != 0


def test_f_waves_need_supramaximal_motor_stimulation():
    p = Parameters()
    counts = {}
    for mA in (5.0, 9.0, 60.0):  # Ia only (H-reflex), just below motor threshold, supramaximal
        times = tuple(0.2 + INTERVAL_S * k for k in range(SHOCKS))
        r = simulate(p, Protocol(NerveStimulation(times_s=times, intensity_mA=mA), Noise()),
                     0.2 + SHOCKS * INTERVAL_S, seed=0, record_units=[])
        counts[mA] = int(_f_impulses(r).sum())
    assert counts[5.0] == 0 and counts[9.0] == 0  # no motor axon excited: no backfiring
    assert counts[60.0] >= 10


def test_minimum_latency_is_the_analytic_path_of_the_fastest_axon():
    p = Parameters()
    r = _study(p)
    s = f_wave_summary(r)
    n, dt = p.nerve, r.dt_ms
    cv = nerve_arrays(n, p.spindle, p.pool.n_units, dt)["motor_cv_m_s"].max()
    analytic = (1000 * (n.path_length_m - n.distal_site_to_muscle_m) / cv
                + n.f_wave_turnaround_ms + 1000 * n.path_length_m / cv
                + n.neuromuscular_delay_ms)
    # the fastest axons backfire often enough in 20 shocks; each delay is rounded to a step
    assert s.min_latency_ms == pytest.approx(analytic, abs=2 * dt)
    assert s.min_latency_ms <= s.mean_latency_ms <= s.max_latency_ms
    assert s.chronodispersion_ms == pytest.approx(s.max_latency_ms - s.min_latency_ms)
    # the slowest axons set the upper bound of the latencies
    cv_slow = n.motor_cv_smallest_m_s
    slowest = (1000 * (2 * n.path_length_m - n.distal_site_to_muscle_m) / cv_slow
               + n.f_wave_turnaround_ms + n.neuromuscular_delay_ms)
    assert s.max_latency_ms <= slowest + 2 * dt


def test_latency_rises_with_demyelination():
    healthy = f_wave_summary(_study()).min_latency_ms
    slowed = f_wave_summary(_study(**{"nerve.demyelination_slowing": 0.3})).min_latency_ms
    # every velocity × 0.7: the conduction part of the latency ÷ 0.7
    assert slowed > healthy + 8.0


def test_diabetic_neuropathy_prolongs_the_f_wave_by_a_few_ms():
    healthy = f_wave_summary(_study())
    diabetic = f_wave_summary(_study(scenarios.get("diabetic_neuropathy").parameters))
    rise = diabetic.min_latency_ms - healthy.min_latency_ms
    # Sci Rep 2024: 52.8 → 59.1 ms (+6.3 ms, +12 %); here a few ms on a shorter path
    assert 2.0 < rise < 10.0
    assert 0.05 < rise / healthy.min_latency_ms < 0.3
    assert diabetic.persistence_percent > 0


def test_persistence_is_partial_and_falls_with_the_backfiring_probability():
    persist = [f_wave_summary(_study(**{"nerve.backfiring_probability": q})).persistence_percent
               for q in (0.0, 0.01, 0.03, 0.3)]
    assert persist[0] == 0.0
    assert 0.0 < persist[1] < persist[2] <= persist[3] <= 100.0
    assert persist[3] == 100.0
    assert 10.0 <= persist[2] <= 100.0  # the default: high persistence, as in health
    assert 5.0 <= persist[1] < 60.0


def test_lost_and_blocked_axons_give_no_f_wave():
    lost = _study(**{"nerve.motor_axon_survival": 0.5, "nerve.backfiring_probability": 0.5})
    alive = nerve_arrays(lost.parameters.nerve, lost.parameters.spindle,
                         lost.parameters.pool.n_units, lost.dt_ms)["alive"]
    units = lost.nerve_impulse_units[_f_impulses(lost)]
    assert units.size > 0 and alive[units].all()
    # a distal shock is below the block: blocked axons' antidromic spikes never reach the cord
    blocked_p = Parameters().with_changes(**{"nerve.conduction_block": 0.5,
                                             "nerve.backfiring_probability": 0.5})
    blocked = nerve_arrays(blocked_p.nerve, blocked_p.spindle, blocked_p.pool.n_units,
                           0.1)["blocked"]
    r = _study(blocked_p)
    assert not blocked[r.nerve_impulse_units[_f_impulses(r)]].any()
    # a proximal shock reaches the cord, but the recurrent discharge stops at the block
    times = tuple(0.2 + INTERVAL_S * k for k in range(10))
    r = simulate(blocked_p, Protocol(NerveStimulation(times_s=times, intensity_mA=60.0,
                                                      site="proximal"), Noise()),
                 3.2, seed=0, record_units=[])
    f_units = r.nerve_impulse_units[_f_impulses(r)]
    assert f_units.size > 0 and not blocked[f_units].any()


def test_f_waves_are_deterministic_per_seed_and_differ_between_seeds():
    a, b, c = _study(seed=1), _study(seed=1), _study(seed=2)
    fa, fc = _f_impulses(a), _f_impulses(c)
    assert np.array_equal(a.nerve_impulse_times_s, b.nerve_impulse_times_s)
    assert np.array_equal(a.nerve_impulse_units, b.nerve_impulse_units)
    assert not (np.array_equal(a.nerve_impulse_units[fa], c.nerve_impulse_units[fc])
                and np.array_equal(a.nerve_impulse_times_s[fa], c.nerve_impulse_times_s[fc]))


def test_conduction_report_lists_the_f_wave_measures_when_given_a_study():
    ncs = simulate(Parameters(), conduction_protocol(), 13.2, seed=0, record_units=[])
    plain = conduction_report(ncs)
    with_f = conduction_report(ncs, _study())
    assert plain.f_wave is None and len(with_f.rows()) == len(plain.rows()) + 3
    labels = [m for m, _, _ in with_f.rows()]
    assert labels[-3:] == ["F-wave min latency", "F-wave persistence", "F chronodispersion"]
    assert with_f.f_wave.n_shocks == SHOCKS


def test_f_wave_protocol_and_responses():
    proto = f_wave_protocol(5, interval_s=0.5)
    assert [t for t, _, _ in proto.stimuli()] == pytest.approx([0.2, 0.7, 1.2, 1.7, 2.2])
    with pytest.raises(ValueError):
        f_wave_protocol(0)
    r = _study()
    responses = f_wave_responses(r)
    assert len(responses) == SHOCKS
    assert all(np.isnan(x.latency_ms) == (x.n_units == 0) for x in responses)
    with pytest.raises(ValueError, match="proximal"):
        f_wave_summary(r, site="proximal")


def _two_shocks(gap_s):
    """F-wave impulses (times s, units) after two supramaximal shocks ``gap_s`` apart, every
    invaded excitable motor neuron backfiring."""
    p = Parameters().with_changes(**{"pool.n_units": 40, "nerve.backfiring_probability": 1.0})
    r = simulate(p, Protocol(NerveStimulation(times_s=(0.2, 0.2 + gap_s), intensity_mA=60.0),
                             Noise()), 0.2 + gap_s + 0.15, seed=0, record_units=[])
    f = _f_impulses(r)
    return p, r.nerve_impulse_times_s[f], r.nerve_impulse_units[f]


def test_a_recurrent_discharge_above_the_site_collides_with_the_next_shocks_volley():
    """The collision technique: a discharge on its way down meets the antidromic spike of a
    second shock if it is still above the stimulation site; both vanish, so neither the first
    F-wave nor a backfire from the second volley reaches the muscle. (Neurons that fired an
    H-reflex just before the first volley arrived were refractory and did not backfire: the
    second volley reaches them unopposed.)"""
    p, times, units = _two_shocks(1.0)
    n = p.nerve
    cv = nerve_arrays(n, p.spindle, p.pool.n_units, 0.1)["motor_cv_m_s"]
    up_ms = 1000 * (n.path_length_m - n.distal_site_to_muscle_m) / cv  # site ↔ soma
    # every discharge has left its soma, none has passed the site yet (up_ms varies < 2×)
    assert up_ms.max() < 2 * up_ms.min()
    gap_s = (n.f_wave_turnaround_ms + 0.5 * (up_ms.max() + 2 * up_ms.min())) / 1000.0
    first_backfired = set(units[times < 1.2].tolist())  # after the first shock, apart
    assert len(first_backfired) >= 10
    _, times, units = _two_shocks(gap_s)
    # before any F-wave of the second shock could arrive (its latency > 2 × up_ms.min())
    first_window = times < 0.2 + gap_s + 2 * up_ms.min() / 1000.0
    assert not first_window.any()
    # the second volley made only the neurons that had not backfired do so
    assert len(units) > 0
    assert first_backfired.isdisjoint(units.tolist())


def test_f_wave_panel_draws_one_dot_per_f_wave_and_the_minimum_latency():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neurosim import plotting
    runs = [_study(), _study(scenarios.get("diabetic_neuropathy").parameters)]
    fig, ax = plt.subplots()
    assert plotting.f_wave_panel(runs, ax=ax, labels=["healthy", "diabetic"]) is ax
    for i, r in enumerate(runs):
        s = f_wave_summary(r)
        dots = next(l for l in ax.lines if l.get_gid() == f"f_latency_{i}")
        shown = np.isfinite(dots.get_xdata())
        # persistence: a dot for every shock followed by an F-wave, none for the others
        assert shown.sum() == round(s.persistence_percent / 100 * s.n_shocks)
        np.testing.assert_allclose(np.sort(dots.get_xdata()[shown]),
                                   np.sort([e.latency_ms for e in s.responses
                                            if np.isfinite(e.latency_ms)]))
        floor = next(l for l in ax.lines if l.get_gid() == f"f_min_latency_{i}")
        assert floor.get_xdata()[0] == pytest.approx(s.min_latency_ms)
    plt.close(fig)


def test_conduction_panel_with_f_waves_has_five_panels_and_checks_their_number():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neurosim import plotting
    p = Parameters()
    conduction = simulate(p, conduction_protocol(), 13.2, seed=0)
    f_run = _study(p)
    axes = plotting.conduction_panel([conduction], f_wave_results=[f_run])
    assert axes.shape == (5,)
    assert any(l.get_gid() == "f_latency_0" for l in axes[4].lines)
    with pytest.raises(ValueError, match="one F-wave study per run"):
        plotting.conduction_panel([conduction], f_wave_results=[f_run, f_run])
    plt.close("all")
