"""Denervation and reinnervation over time (issue 18 §3).

Surviving axons sprout and adopt the fibres of lost ones, so motor units become fewer and
larger (larger twitches, larger and longer MUAPs) and force is made up until the survivors
cannot grow any further; denervated fibres fibrillate from about 2–3 weeks after they lose
their nerve until they are adopted (Preston & Shapiro; Daube & Rubin 2009, Muscle Nerve
39:244); cut axons regrow at about 1–3 mm/day (Seddon, Medawar & Smith 1943, J Physiol
102:191). The thresholds here are derived from the model's own capacity and rates, not
copied from its output.
"""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from neurosim import Parameters, disease_course, simulate  # noqa: E402
from neurosim.emg import muap_arrays  # noqa: E402
from neurosim.experiments import voluntary_force_percent  # noqa: E402
from neurosim.muscle import fibre_shares, twitch_arrays  # noqa: E402
from neurosim.nerve import surviving_axons  # noqa: E402
from neurosim.protocols import NerveStimulation, Protocol  # noqa: E402
from neurosim.reinnervation import (DAYS_PER_MONTH, FIBRILLATION_ONSET_WEEKS,  # noqa: E402
                                    compensable_loss, remodelling_history,
                                    unit_remodelling)

N_UNITS = 60
SMALL = Parameters().with_changes(**{"pool.n_units": N_UNITS})
WEEK_MONTHS = 7.0 / DAYS_PER_MONTH


def _p(base=SMALL, **changes):
    return base.with_changes(**{k.replace("__", "."): v for k, v in changes.items()})


def _shock(parameters, seed=0):
    """One supramaximal distal shock: the muscle twitch and the M-wave of every axon."""
    return simulate(parameters, Protocol(NerveStimulation(times_s=(0.05,), intensity_mA=60.0)),
                    0.4, seed=seed)


# ------------------------------------------------------------------ defaults
def test_defaults_leave_every_unit_as_it_was():
    m = unit_remodelling(SMALL)
    assert m.alive.all() and np.all(m.enlargement == 1.0)
    assert np.all(m.immature_share == 0.0)
    assert m.denervated_fraction == 0.0 and m.fibrillating_fraction == 0.0
    assert np.array_equal(m.size_factor, np.ones(N_UNITS))
    # the engine's constants with the default remodelling are bit for bit the old ones
    plain, scaled = twitch_arrays(SMALL.muscle, N_UNITS, 0.1), twitch_arrays(
        SMALL.muscle, N_UNITS, 0.1, size_factor=m.size_factor)
    assert all(np.array_equal(plain[k], scaled[k]) for k in plain)
    plain, scaled = muap_arrays(SMALL.emg, N_UNITS), muap_arrays(
        SMALL.emg, N_UNITS, size_factor=m.size_factor)
    assert all(np.array_equal(plain[k], scaled[k]) for k in plain)


def test_at_onset_a_loss_is_the_nerves_loss_and_nothing_else():
    """No time since onset: the nerve's surviving axons, unchanged, and the lost units'
    fibres denervated; not yet fibrillating."""
    p = _p(nerve__motor_axon_survival=0.5)
    m = unit_remodelling(p)
    assert np.array_equal(m.alive, surviving_axons(p.nerve, N_UNITS))
    assert np.array_equal(m.enlargement, m.alive.astype(float))
    lost_share = fibre_shares(p.muscle, N_UNITS)[~m.alive].sum()
    assert m.denervated_fraction == pytest.approx(lost_share, rel=1e-12)
    assert m.fibrillating_fraction == 0.0


# ------------------------------------------------------------------ invariants
@pytest.mark.parametrize("changes", [
    dict(nerve__motor_axon_survival=0.5),
    dict(nerve__motor_axon_survival=0.1, reinnervation__regenerating_fraction=0.8,
         reinnervation__regeneration_distance_mm=60.0),
    dict(reinnervation__motor_neuron_loss_per_month=0.05, reinnervation__sprouting_capacity=2.0),
    dict(nerve__motor_axon_survival=0.7, reinnervation__motor_neuron_loss_per_month=0.2,
         reinnervation__sprouting_capacity=1.0),
])
def test_fibres_are_conserved_and_sizes_bounded(changes):
    """Σ (own fibres × enlargement) + denervated = all the fibres, at every moment; a
    survivor never exceeds the sprouting capacity, a regrown axon never its own size."""
    p = _p(**changes)
    shares = fibre_shares(p.muscle, N_UNITS)
    cap = p.reinnervation.sprouting_capacity
    for months in (0.0, 0.3, 1.0, 4.0, 12.0, 60.0):
        m = unit_remodelling(p.with_changes(**{"reinnervation.months_since_onset": months}))
        assert (shares * m.enlargement).sum() + m.denervated_fraction == pytest.approx(1.0, abs=1e-12)
        assert np.all(m.enlargement[~m.alive] == 0.0)
        assert np.all(m.enlargement <= cap + 1e-12)
        regrown = m.alive & ~surviving_axons(p.nerve, N_UNITS)
        assert np.all(m.enlargement[regrown] <= 1.0 + 1e-12)
        assert 0.0 <= m.fibrillating_fraction <= m.denervated_fraction <= 1.0
        assert np.all((m.immature_share >= 0.0) & (m.immature_share <= 1.0))


# ------------------------------------------------------------------ larger units
def test_reinnervated_units_have_larger_twitches_and_larger_longer_muaps():
    p = _p(nerve__motor_axon_survival=0.5)
    later = p.with_changes(**{"reinnervation.months_since_onset": 12.0})
    m = unit_remodelling(later)
    alive = m.alive
    assert m.enlargement[alive].min() > 1.5  # half the fibres to adopt: ~2× each
    onset_run, later_run = _shock(p), _shock(later)
    # the unit constants of the run: each survivor's twitch grows by its enlargement
    ratio = later_run.peak_twitch_force_N[alive] / onset_run.peak_twitch_force_N[alive]
    assert np.allclose(ratio, m.enlargement[alive], rtol=1e-12)
    # surface MUAPs: amplitude ∝ enlargement, and longer
    before = muap_arrays(p.emg, N_UNITS)
    after = muap_arrays(p.emg, N_UNITS, size_factor=m.size_factor)
    assert np.allclose(after["amplitude_mV"][alive] / before["amplitude_mV"][alive],
                       m.enlargement[alive])
    assert np.all(after["duration_ms"][alive] > before["duration_ms"][alive])
    # the whole muscle: the same axons now give a larger twitch and a larger M-wave
    assert later_run.force_N.max() > 1.5 * onset_run.force_N.max()
    assert np.ptp(later_run.emg_mV) > 1.5 * np.ptp(onset_run.emg_mV)


def test_only_connected_units_reach_the_muscle_in_a_run():
    """The nerve conducts for exactly the remodelled units: a supramaximal shock activates
    the survivors and the regrown axons, never a lost one."""
    p = _p(nerve__motor_axon_survival=0.3, reinnervation__regenerating_fraction=0.5,
           reinnervation__regeneration_distance_mm=30.0,
           reinnervation__months_since_onset=2.0)
    m = unit_remodelling(p)
    assert (m.alive & ~surviving_axons(p.nerve, N_UNITS)).any()  # some have regrown
    r = _shock(p)
    assert set(np.unique(r.activation_units).tolist()) == set(np.flatnonzero(m.alive).tolist())


# ------------------------------------------------------------------ compensation
def _mvc(parameters):
    return voluntary_force_percent(parameters, 1.0, seed=0)


def test_force_is_made_up_until_the_sprouting_capacity_is_exceeded():
    """With capacity c, survivors owning the share S of the fibres can innervate c·S of
    them: a loss below 1 − 1/c is made up once adoption has caught up, a larger one leaves
    the muscle at c·S of its force."""
    capacity = 2.0
    base = _p(reinnervation__sprouting_capacity=capacity)
    limit = compensable_loss(base)
    assert limit == pytest.approx(1.0 - 1.0 / capacity)
    healthy = _mvc(base)
    shares = fibre_shares(base.muscle, N_UNITS)
    mild, severe = 0.6, 0.2  # surviving axons: 40 % and 80 % lost
    for survival in (mild, severe):
        onset = base.with_changes(**{"nerve.motor_axon_survival": survival})
        later = onset.with_changes(**{"reinnervation.months_since_onset": 24.0})  # 16 τ
        kept = shares[surviving_axons(onset.nerve, N_UNITS)].sum()
        expected = min(1.0, capacity * kept)
        assert 1.0 - unit_remodelling(later).denervated_fraction == pytest.approx(expected,
                                                                                 abs=1e-6)
        ratio_onset, ratio_later = _mvc(onset) / healthy, _mvc(later) / healthy
        if 1.0 - kept < limit:  # within the capacity: strength as healthy, within a few %
            assert abs(ratio_later - 1.0) < 0.05, ratio_later
            assert ratio_onset < 0.8  # and it was the sprouting that made it up
        else:  # beyond: clearly weaker, about c·S of healthy
            assert ratio_later < 0.6 and abs(ratio_later - expected) < 0.1, ratio_later
            assert ratio_later > ratio_onset * 1.5  # sprouting still doubled what was left


def test_the_als_course_keeps_force_until_about_half_the_units_are_gone():
    """ALS-like: losing units steadily, strength stays near healthy while more than
    1/capacity of the fibres keep their own axons, and falls after."""
    course = disease_course.ALS_LIKE
    rate = course.changes["reinnervation.motor_neuron_loss_per_month"]
    capacity = course.changes["reinnervation.sprouting_capacity"]
    months = np.arange(0.0, course.max_months + 1.0, 1.0)
    h = disease_course.course_history(course, months)
    # units die in a fixed order, evenly scattered over the pool (golden-ratio sequence:
    # even to within a couple of units): the surviving share follows (1 − r)^t
    assert np.allclose(h.surviving_units, (1.0 - rate) ** months, atol=2.0 / 120)
    assert np.all(np.diff(h.surviving_units) <= 0)
    # the month at which the survivors' own fibres fall to 1/c: half for c = 2
    crossing = math.log(1.0 / capacity) / math.log(1.0 - rate)
    early = months < 0.8 * crossing
    late = months > 1.4 * crossing
    # loss keeps going, so adoption lags by about r·τ: "near healthy" within 10 %
    assert h.innervated_fraction[early].min() > 0.9
    assert h.innervated_fraction[late].max() < 0.8
    # fibrillations are present throughout once the first fibres have waited 2–3 weeks
    assert np.all(h.fibrillating_fraction[months >= 1.0] > 0.0)


# ------------------------------------------------------------------ fibrillation
def test_fibrillations_appear_after_two_to_three_weeks_and_fall_with_reinnervation():
    p = _p(nerve__motor_axon_survival=0.5)
    weeks = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 26.0, 52.0])
    h = remodelling_history(p, weeks * WEEK_MONTHS)
    # none in the first two weeks (Preston & Shapiro: ~2–3 weeks after denervation)
    assert np.all(h.fibrillating_fraction[weeks < 2.0 + 1e-9] == 0.0)
    assert weeks[np.flatnonzero(h.fibrillating_fraction > 0)[0]] <= 3.0
    assert 2.0 <= FIBRILLATION_ONSET_WEEKS <= 3.0
    # then they fall as sprouts adopt the fibres
    at = dict(zip(weeks, h.fibrillating_fraction))
    assert at[3.0] > 0.1 and at[26.0] < 0.25 * at[3.0] and at[52.0] < at[26.0]
    # without sprouting or regrowth every orphaned fibre fibrillates, and keeps on
    stuck = remodelling_history(p.with_changes(**{"reinnervation.sprouting_capacity": 1.0}),
                                weeks * WEEK_MONTHS)
    lost = stuck.denervated_fraction[0]
    assert np.allclose(stuck.fibrillating_fraction[weeks >= 3.0], lost)


# ------------------------------------------------------------------ regrowth
def test_cut_axons_regrow_after_the_distance_over_the_speed():
    distance_mm, speed = 90.0, 1.5
    p = _p(nerve__motor_axon_survival=0.4, reinnervation__regenerating_fraction=0.6,
           reinnervation__regeneration_distance_mm=distance_mm,
           reinnervation__regeneration_mm_per_day=speed)
    arrival_months = distance_mm / speed / DAYS_PER_MONTH
    h = remodelling_history(p, [arrival_months - 2 / DAYS_PER_MONTH,
                                arrival_months + 2 / DAYS_PER_MONTH, arrival_months + 12.0])
    surviving = surviving_axons(p.nerve, N_UNITS).mean()
    assert h.surviving_units[0] == pytest.approx(surviving)
    assert h.surviving_units[1] > surviving + 0.3  # 60 % of the 60 % cut are back
    # right after arrival the new units are small and immature (nascent units)
    m = unit_remodelling(p.with_changes(**{
        "reinnervation.months_since_onset": arrival_months + 10 / DAYS_PER_MONTH}))
    regrown = m.alive & ~surviving_axons(p.nerve, N_UNITS)
    assert np.all(m.enlargement[regrown] < 0.5) and np.all(m.immature_share[regrown] > 0.9)
    assert h.immature_fraction[2] < h.immature_fraction[1]  # the sprouts mature


# ------------------------------------------------------------------ courses and validation
def test_parameters_at_sets_the_course_and_its_time_and_keeps_the_base():
    base = _p(spindle__gain=2.0)
    p = disease_course.parameters_at("als_like", 12.0, base)
    assert p.reinnervation.months_since_onset == 12.0 and p.spindle.gain == 2.0
    for name, value in disease_course.ALS_LIKE.changes.items():
        assert p.get(name) == value
    assert set(disease_course.COURSES) >= {"als_like", "nerve_injury",
                                            "chronic_axonal_neuropathy"}
    for course in disease_course.COURSES.values():
        assert set(course.notes) == set(course.changes)
        assert all("caricature" in n or any(ch.isdigit() for ch in n)
                   for n in course.notes.values())


@pytest.mark.parametrize("months", [-1.0, 49.0, float("nan"), "6", True])
def test_a_time_outside_the_course_is_refused(months):
    with pytest.raises(ValueError, match=r"months_since_onset = .* month is out of range .*"
                                         r"allowed \[0, 48\] month"):
        disease_course.parameters_at(disease_course.ALS_LIKE, months)


def test_other_bad_inputs_are_refused_with_the_name_the_value_and_the_range():
    with pytest.raises(ValueError, match=r"reinnervation\.months_since_onset.*-1"):
        SMALL.with_changes(**{"reinnervation.months_since_onset": -1.0})
    with pytest.raises(ValueError, match=r"reinnervation\.sprouting_capacity.*0\.5"):
        SMALL.with_changes(**{"reinnervation.sprouting_capacity": 0.5})
    with pytest.raises(ValueError, match=r"months = 130.* allowed \[0, 120\] month"):
        remodelling_history(SMALL, [0.0, 130.0])
    with pytest.raises(ValueError, match="unknown disease course 'als'"):
        disease_course.get_course("als")
    with pytest.raises(ValueError, match="time axis"):
        disease_course.DiseaseCourse("x", "x", "x", {"reinnervation.months_since_onset": (1.0, "1")})
    with pytest.raises(ValueError, match=r"max_months = 200 month .* allowed \(0, 120\]"):
        disease_course.DiseaseCourse("x", "x", "x", {}, max_months=200)


def test_the_time_is_a_sweep_axis():
    from neurosim.sweep import sweep
    result = sweep(disease_course.parameters_at("als_like", 0.0, SMALL),
                   {"reinnervation.months_since_onset": [0.0, 40.0]}, "peak_force_percent",
                   executor=1, progress=False, duration_s=0.4,
                   protocol=Protocol(NerveStimulation(times_s=(0.05,), intensity_mA=60.0)))
    force = result.mean("peak_force_percent")
    assert force[1] < 0.9 * force[0]  # 40 months of ALS-like loss: past the capacity


def test_the_course_figure_shows_units_size_force_and_fibrillation():
    from neurosim import TEACHING_LABEL, plotting
    ax = plotting.disease_course_panel(disease_course.ALS_LIKE, simulated_force={24.0: 95.0})
    gids = {line.get_gid() for line in ax.get_lines()}
    assert {"surviving_units", "max_force", "fibrillating", "simulated_force",
            "half_lost"} <= gids
    assert "unit_size" in {line.get_gid() for line in ax.unit_size_axes.get_lines()}
    assert ax.get_xlabel() == "months since onset"
    assert any(t.get_text() == TEACHING_LABEL for t in ax.figure.texts)
    force = next(line for line in ax.get_lines() if line.get_gid() == "max_force")
    assert np.all(force.get_ydata() <= 100.0 + 1e-9)
    plt.close(ax.figure)
