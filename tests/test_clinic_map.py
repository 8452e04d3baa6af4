"""The clinic map (neurosim.clinic_map): each condition's signature across the clinical tests.

The science is checked on a small table (clinic_map.QUICK_ROWS, one seed): the healthy row is
normal everywhere, spasticity is a velocity-dependent and rigidity a velocity-independent
increase of the stretch reflex, diabetic neuropathy conducts slowly, a myasthenic junction
decrements, severe AChE inhibition fires repetitively and decrements. The needle at rest on a
few more rows: silence in health, fibrillations after denervation, fasciculations, cramp
discharges and tonic firing in a spastic muscle. Then the rules: every
word follows from its readings through the stated thresholds (on the table and on random
readings), files round-trip, the figure, the cache and the error paths.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurosim import (Parameters, analysis, experiments, measurements, plotting, scenarios,
                      simulate)
from neurosim import clinic_map as cm
from neurosim.measurements import STRENGTH_EFFORTS

from plot_helpers import label_count

SEED = 0
SITE_NERVE = "motor neuron and nerve"


@pytest.fixture(scope="module")
def table():
    return cm.clinic_map(cm.QUICK_ROWS, seed=SEED)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


# ------------------------------------------------------------------ the science
def test_the_f_wave_is_prolonged_in_diabetic_neuropathy_and_its_words_follow_the_rule(table):
    # tibial minimum F latency 52.8 -> 59.1 ms in diabetic neuropathy (Sci Rep 2024,
    # doi:10.1038/s41598-024-82235-8): prolonged, but present
    cell = table.cell("diabetic_neuropathy", "fwave")
    assert "prolonged" in cell.word
    r = cell.readings
    assert r["f_min_latency_ms"] > cm.F_PROLONGED_RATIO * r["healthy_f_min_latency_ms"]
    assert r["f_persistence_percent"] > 0
    # a central lesion leaves the peripheral path alone
    assert "prolonged" not in table.cell("stroke_like", "fwave").word
    col = cm.column("fwave")
    healthy = {"healthy_f_min_latency_ms": 30.0, "healthy_f_persistence_percent": 80.0}
    assert col.classify({**healthy, "f_min_latency_ms": math.nan,
                         "f_persistence_percent": 0.0})[1] == "absent"
    assert col.classify({**healthy, "f_min_latency_ms": 31.0,
                         "f_persistence_percent": 30.0})[1] == "few"
    assert col.classify({**healthy, "f_min_latency_ms": 40.0,
                         "f_persistence_percent": 30.0})[1] == "prolonged + few"



def test_the_healthy_row_is_normal_in_every_column_and_exactly_healthy(table):
    assert table.rows[0] == "healthy"
    for name in table.columns:
        col = cm.column(name)
        cell = table.cell("healthy", name)
        assert cell.word == col.normal, name
        assert cell.value == (1.0 if col.scale == "ratio" else 0.0), name
        assert col.deviation(cell.value) == 0.0


@pytest.mark.parametrize("row", ["stroke_like", "spinal_cord_injury"])
def test_spasticity_is_a_velocity_dependent_increase_of_the_stretch_reflex(table, row):
    # Lance 1980: a velocity-dependent increase in tonic stretch reflexes
    cell = table.cell(row, "stretch")
    assert cell.word == "↑ velocity-dependent"
    r = cell.readings
    assert r["torque_fast_Nm"] >= cm.STRETCH_INCREASE_RATIO * r["healthy_torque_fast_Nm"]
    assert r["torque_slow_Nm"] < (1 - cm.VELOCITY_DEPENDENT_FRACTION) * r["torque_fast_Nm"]


def test_parkinsonian_rigidity_is_velocity_independent_unlike_spasticity(table):
    # Lee & Tatton 1975 (lead-pipe rigidity) against Lance 1980 (spasticity)
    rigid = table.cell("parkinsons_like", "stretch")
    assert rigid.word == "↑ velocity-independent"

    def lost_at_slow_speed(cell):
        r = cell.readings
        return (r["torque_fast_Nm"] - r["torque_slow_Nm"]) / r["torque_fast_Nm"]
    for spastic in ("stroke_like", "spinal_cord_injury"):
        assert lost_at_slow_speed(rigid) < lost_at_slow_speed(table.cell(spastic, "stretch"))


def test_diabetic_neuropathy_conducts_slowly_with_a_low_cmap(table):
    cell = table.cell("diabetic_neuropathy", "ncs")
    assert "slowed" in cell.word and "low amplitude" in cell.word
    assert "block" not in cell.word
    r = cell.readings
    # REFERENCE.md: motor velocity 15-20 % slower after > 10 years (52 -> 44 m/s), tibial
    # CMAP roughly halved (12.4 -> 6.7 mV); a caricature sits in a band around that
    assert 0.75 < r["cv_m_s"] / r["healthy_cv_m_s"] < cm.CV_SLOWED_RATIO
    assert 0.35 < r["distal_amplitude_mV"] / r["healthy_distal_amplitude_mV"] < cm.CMAP_LOW_RATIO


def test_central_lesions_leave_the_nerve_conduction_study_normal(table):
    for row in ("stroke_like", "spinal_cord_injury", "parkinsons_like"):
        assert table.cell(row, "ncs").word == "normal", row


def test_myasthenia_decrements_at_3_hz(table):
    cell = table.cell("myasthenia_like", "rns")
    assert cell.word == "decrement"
    r = cell.readings
    assert r["decrement_3hz_percent"] < -cm.DECREMENT_PERCENT
    assert r["healthy_decrement_3hz_percent"] > -cm.DECREMENT_PERCENT


def test_severe_ache_inhibition_fires_repetitively_then_decrements(table):
    # organophosphate-like: one shock fires the fibres more than once (a repetitive CMAP),
    # and a fast train fails (depolarisation block)
    cell = table.cell("ache_inhibition_severe", "rns")
    assert cell.word == "repetitive CMAPs + decrement"
    r = cell.readings
    assert r["aps_per_shock_3hz"] >= cm.REPETITIVE_APS_PER_SHOCK
    assert r["healthy_aps_per_shock_3hz"] < cm.REPETITIVE_APS_PER_SHOCK
    assert r["decrement_30hz_percent"] < -cm.DECREMENT_PERCENT < r["healthy_decrement_30hz_percent"]


NEEDLE_ROWS = ("healthy", "nerve_injury_recovery", "als_reinnervated", "als_like",
               "dehydration_cramp", "stroke_like")


@pytest.fixture(scope="module")
def needle_table():
    return cm.clinic_map(NEEDLE_ROWS, ["needle"], seed=SEED)


def test_the_needle_hears_nothing_in_a_healthy_resting_muscle(needle_table):
    # electrical silence at rest (Preston & Shapiro; Daube & Rubin 2009, Muscle Nerve 39:244)
    cell = needle_table.cell("healthy", "needle")
    assert cell.word == "silent" and cell.value == 0.0
    assert cell.readings["potentials_per_s"] == 0.0
    assert cell.readings["sites"] == cm.NEEDLE_SITES


def test_denervated_fibres_fibrillate_regularly_after_nerve_injury(needle_table):
    # six months after a lesion that spared 15 % of the axons: fibrillation potentials and
    # positive sharp waves in every part of the muscle, firing regularly at 0.5-15 Hz
    # (Daube & Rubin 2009); no whole-unit discharge (the nerve does not fire by itself)
    cell = needle_table.cell("nerve_injury_recovery", "needle")
    assert cell.word == "fibrillations + PSWs"
    r = cell.readings
    assert r["fibrillation_sites"] == r["psw_sites"] == cm.NEEDLE_SITES
    assert 0.5 <= r["fibrillation_firing_hz"] <= 15.0
    assert r["fasciculation_potentials"] == 0
    # two years into ALS: denervation and fasciculations together (the ALS needle exam)
    als = needle_table.cell("als_reinnervated", "needle")
    assert als.word == "fibrillations + PSWs + fasciculations"
    # the same ALS-like levers without the months: fasciculations only, fibrillations wait
    # for denervated fibres (about 2-3 weeks after axon loss)
    early = needle_table.cell("als_like", "needle")
    assert early.word == "fasciculations"
    assert early.readings["fibrillation_sites"] == 0
    assert early.value < als.value


def test_a_cramp_is_cramp_discharges_and_a_spastic_muscle_fires_tonically(needle_table):
    cramp = needle_table.cell("dehydration_cramp", "needle")
    assert cramp.word == "cramp discharges"
    # cramp units fire 14.5 ± 5.1 pps, 6-25 (Minetto et al. 2009, J Neurophysiol 102:1890)
    assert 6.0 <= cramp.readings["cramp_firing_hz"] <= 25.0
    spastic = needle_table.cell("stroke_like", "needle")
    assert spastic.word == "MUAPs at rest (tonic)"
    # spontaneous firing at rest in spastic-paretic muscle, 8.4 ± 1.8 pps (Mottram et al.,
    # J Neurophysiol): within two SDs
    assert 8.4 - 2 * 1.8 <= spastic.readings["tonic_firing_hz"] <= 8.4 + 2 * 1.8
    assert spastic.readings["fasciculation_potentials"] == 0


def test_the_needle_column_listens_to_the_needle_measurements_run():
    # the map reads the rest run through the spontaneous measurement (no one-site recording
    # of its own); that is the needle measurement's run only while both record the same test
    case = measurements.Case("healthy", Parameters())
    cache: dict = {}
    a = measurements.measure("needle", [case], seed=SEED, cache=cache).runs[0]
    b = measurements.measure("spontaneous", [case], seed=SEED, cache=cache).runs[0]
    assert b is a


@pytest.mark.parametrize("row, column, word", [
    ("spinal_cord_injury", "spasm", "spasm"),
    ("stroke_like", "spasm", "none"),
    ("ache_inhibition_severe", "needle", "fasciculations"),   # terminals fire by themselves
    ("parkinsons_like", "needle", "MUAPs at rest (tonic)"),   # rigidity: the muscle never rests
    ("diabetic_neuropathy", "needle", "silent"),  # axons lost but no time course: no fibrillation
    ("diabetic_neuropathy", "recruitment", "reduced (few units)"),
    ("myasthenia_like", "recruitment", "weak"),       # units there, endplates failing
    ("spinal_cord_injury", "recruitment", "weak"),    # upper motor neuron: paresis
    ("diabetic_neuropathy", "stretch", "↓ reduced"),  # afferents lost: hyporeflexia
])
def test_each_condition_shows_where_its_levers_act(table, row, column, word):
    assert table.cell(row, column).word == word


# ------------------------------------------------------------------ words from values
def test_every_word_of_the_table_follows_from_its_readings(table):
    for i, row in enumerate(table.cells):
        for name, cell in zip(table.columns, row):
            col = cm.column(name)
            value, word = col.classify(cell.readings)
            assert word == cell.word and _same(value, cell.value), (table.rows[i], name)
            allowed = set(col.words) | {cm.UNMEASURED}
            assert set(cell.word.split(" + ")) <= allowed, (table.rows[i], name, cell.word)


_positive = st.floats(0.01, 100.0)
_number = st.floats(-100.0, 100.0)


@settings(max_examples=200, deadline=None)
@given(healthy=_positive, fast=st.floats(0.0, 100.0), slow_share=st.floats(0.0, 1.0))
def test_stretch_word_follows_the_ratio_and_the_velocity_threshold(healthy, fast, slow_share):
    r = dict(torque_fast_Nm=fast, torque_slow_Nm=slow_share * fast, healthy_torque_fast_Nm=healthy,
             healthy_torque_slow_Nm=0.0)
    value, word = cm.column("stretch").classify(r)
    assert value == fast / healthy
    if value >= cm.STRETCH_INCREASE_RATIO:
        assert word == ("↑ velocity-dependent" if 1 - slow_share > cm.VELOCITY_DEPENDENT_FRACTION
                        else "↑ velocity-independent")
    elif value <= cm.STRETCH_DECREASE_RATIO:
        assert word == "↓ reduced"
    else:
        assert word == "normal"


@settings(max_examples=200, deadline=None)
@given(cv=_positive, h_cv=_positive, dist=_positive, h_dist=_positive, prox=_positive,
       h_prox=_positive)
def test_conduction_words_follow_their_three_thresholds(cv, h_cv, dist, h_dist, prox, h_prox):
    r = dict(cv_m_s=cv, healthy_cv_m_s=h_cv, distal_amplitude_mV=dist,
             healthy_distal_amplitude_mV=h_dist, proximal_amplitude_mV=prox,
             healthy_proximal_amplitude_mV=h_prox)
    value, word = cm.column("ncs").classify(r)
    parts = set(word.split(" + "))
    cv_ratio, amp, block = cv / h_cv, dist / h_dist, (prox / dist) / (h_prox / h_dist)
    obscured = cv_ratio > cm.CV_IMPLAUSIBLE_RATIO
    assert ("CV obscured" in parts) == obscured
    assert ("slowed" in parts) == (not obscured and cv_ratio < cm.CV_SLOWED_RATIO)
    assert ("low amplitude" in parts) == (amp < cm.CMAP_LOW_RATIO)
    assert ("block" in parts) == (block < cm.BLOCK_RATIO)
    assert (word == "normal") == (not parts & {"CV obscured", "slowed", "low amplitude", "block"})
    assert value == pytest.approx(min(([] if obscured else [cv_ratio]) + [amp, block]))


@settings(max_examples=200, deadline=None)
@given(aps=st.floats(0.0, 3.0), h_aps=st.floats(0.5, 1.5), d3=_number, d30=_number)
def test_repetitive_stimulation_words_follow_their_thresholds(aps, h_aps, d3, d30):
    r = dict(aps_per_shock_3hz=aps, healthy_aps_per_shock_3hz=h_aps, decrement_3hz_percent=d3,
             decrement_30hz_percent=d30, healthy_decrement_3hz_percent=0.0,
             healthy_decrement_30hz_percent=0.0)
    value, word = cm.column("rns").classify(r)
    parts = set(word.split(" + "))
    assert value == aps / h_aps
    assert ("repetitive CMAPs" in parts) == (aps >= cm.REPETITIVE_APS_PER_SHOCK)
    assert ("decrement" in parts) == (min(d3, d30) < -cm.DECREMENT_PERCENT)


_sites = st.integers(0, cm.NEEDLE_SITES)


@settings(max_examples=300, deadline=None)
@given(fib=_sites, psw=_sites, fasc=st.integers(0, 50), cramp=_sites, tonic=_sites,
       rate=st.floats(0.0, 500.0), healthy_rate=st.floats(0.0, 5.0))
def test_needle_words_follow_their_thresholds(fib, psw, fasc, cramp, tonic, rate, healthy_rate):
    r = dict(fibrillation_sites=float(fib), psw_sites=float(psw),
             fasciculation_potentials=float(fasc), cramp_sites=float(cramp),
             tonic_sites=float(tonic), potentials_per_s=rate, healthy_potentials_per_s=healthy_rate)
    value, word = cm.column("needle").classify(r)
    assert value == rate - healthy_rate
    parts = word.split(" + ")
    assert ("fibrillations" in parts) == (fib >= cm.FIBRILLATION_MIN_SITES)
    assert ("PSWs" in parts) == (psw >= cm.FIBRILLATION_MIN_SITES)
    assert ("fasciculations" in parts) == (fasc >= cm.FASCICULATION_MIN_POTENTIALS)
    assert ("cramp discharges" in parts) == (cramp >= cm.CRAMP_MIN_SITES)
    assert ("MUAPs at rest (tonic)" in parts) == (tonic >= cm.TONIC_MIN_SITES)
    assert (word == "silent") == (parts == ["silent"])
    assert set(parts) <= set(cm.column("needle").words)


@settings(max_examples=200, deadline=None)
@given(units=st.integers(0, 120), force=st.floats(0.0, 100.0), h_force=st.floats(1.0, 100.0))
def test_recruitment_words_follow_their_thresholds(units, force, h_force):
    r = dict(units=float(units), healthy_units=120.0, force_percent=force,
             healthy_force_percent=h_force, median_rate_hz=10.0, healthy_median_rate_hz=10.0)
    value, word = cm.column("recruitment").classify(r)
    assert value == min(units / 120.0, force / h_force)
    if units / 120.0 < cm.RECRUITMENT_REDUCED_RATIO:
        assert word == "reduced (few units)"
    else:
        assert word == ("weak" if force / h_force < cm.WEAK_FORCE_RATIO else "normal")


@settings(max_examples=100, deadline=None)
@given(spasms=st.integers(0, 3), onset=st.floats(0.0, 8.0), longest=st.floats(0.5, 8.0))
def test_spasm_words_follow_the_count_and_the_trigger(spasms, onset, longest):
    r = dict(spasms=float(spasms), longest_s=longest if spasms else 0.0, first_onset_s=onset,
             trigger_s=1.0, peak_force_percent=20.0, healthy_spasms=0.0, healthy_longest_s=0.0)
    value, word = cm.column("spasm").classify(r)
    assert value == r["longest_s"]
    assert word == ("none" if spasms == 0 else "ongoing contraction" if onset < 1.0 else "spasm")


@settings(max_examples=200, deadline=None)
@given(value=st.floats(-1e4, 1e4))
def test_colour_is_bounded_and_points_away_from_healthy(value):
    for col in cm.COLUMNS:
        d = col.deviation(value)
        assert -1.0 <= d <= 1.0
        reference = 1.0 if col.scale == "ratio" else 0.0
        if value > reference:
            assert d >= 0
        elif value < reference:
            assert d <= 0
    assert math.isnan(cm.COLUMNS[0].deviation(math.nan))


# ------------------------------------------------------------------ files
def _assert_same_table(a, b, *, readings=True):
    assert (a.rows, a.columns) == (b.rows, b.columns)
    assert a.words() == b.words()
    np.testing.assert_array_equal(a.values(), b.values())  # NaN == NaN here
    if readings:
        for ra, rb in zip(a.cells, b.cells):
            for ca, cb in zip(ra, rb):
                assert ca.readings.keys() == cb.readings.keys()
                assert all(_same(ca.readings[k], cb.readings[k]) for k in ca.readings)


def test_csv_round_trip_keeps_words_and_values(table, tmp_path):
    path = table.save(tmp_path / "map.csv")
    back = cm.ClinicMap.load(path)
    _assert_same_table(table, back, readings=False)
    assert back.seed is None and all(not c.readings for r in back.cells for c in r)
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:3] == ["scenario", "stretch", "stretch_value"]


def test_json_round_trip_keeps_everything(table, tmp_path):
    back = cm.ClinicMap.load(table.save(tmp_path / "map.json"))
    _assert_same_table(table, back)
    assert back.seed == SEED


def test_saving_needs_csv_or_json_and_reading_checks_the_file(table, tmp_path):
    with pytest.raises(ValueError, match=r"saved as \.csv or \.json"):
        table.save(tmp_path / "map.txt")
    assert not (tmp_path / "map.txt").exists()
    with pytest.raises(ValueError, match="header"):
        cm.ClinicMap.from_csv("condition,stretch\nhealthy,normal\n")
    with pytest.raises(ValueError, match="unknown clinic-map column 'nosuch'"):
        cm.ClinicMap.from_csv("scenario,nosuch,nosuch_value\nhealthy,normal,1.0\n")
    with pytest.raises(ValueError, match="not a clinic map"):
        cm.ClinicMap.from_dict({"format": "neurosim-scenario"})


# ------------------------------------------------------------------ figure
def test_the_figure_shows_every_word_in_its_grid_and_returns_the_axes(table):
    ax = plotting.plot_clinic_map(table)
    words = [t.get_text().replace(" +\n", " + ") for t in ax.texts if t.get_gid() == "word"]
    assert words == [w for row in table.words() for w in row]
    # a combined word is filled into lines that fit a cell, broken only after a " +"
    long_word = cm.Signature(0.0, "fibrillations + PSWs + fasciculations")
    crowded = cm.ClinicMap(("healthy",), ("needle",), ((long_word,),))
    (text,) = [t.get_text() for t in plotting.plot_clinic_map(crowded).texts
               if t.get_gid() == "word"]
    assert text == "fibrillations + PSWs +\nfasciculations"
    cells = [p for p in ax.patches if p.get_gid() == "cell"]
    assert len(cells) == len(table.rows) * len(table.columns)
    assert [t.get_text() for t in ax.get_xticklabels()] == [cm.column(n).title
                                                            for n in table.columns]
    assert label_count(ax.figure) == 1


def test_the_figure_draws_into_a_given_axes(table):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    assert plotting.plot_clinic_map(table, ax=ax) is ax
    assert label_count(fig) == 1


# ------------------------------------------------------------------ running, cache, errors
def _no_runs(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("simulated")
    monkeypatch.setattr(cm, "Lab", refuse)


def test_unknown_columns_and_scenarios_are_refused_before_any_run(monkeypatch):
    _no_runs(monkeypatch)
    with pytest.raises(ValueError, match=r"unknown clinic-map column 'nosuch'; choose from"):
        cm.clinic_map(["healthy"], ["stretch", "nosuch"])
    with pytest.raises(ValueError, match="nosuch_condition"):
        cm.clinic_map(["healthy", "nosuch_condition"])
    with pytest.raises(ValueError, match="at least one row and one column"):
        cm.clinic_map([], ["stretch"])
    with pytest.raises(ValueError, match="no row 'nosuch'"):
        cm.ClinicMap(("healthy",), ("spasm",), ((cm.Signature(0.0, "none"),),)).cell(
            "nosuch", "spasm")
    with pytest.raises(ValueError, match="cells must be 1 rows × 2 columns"):
        cm.ClinicMap(("healthy",), ("spasm", "needle"), ((cm.Signature(0.0, "none"),),))


def test_the_default_rows_are_healthy_and_every_condition_grouped_by_site():
    rows = cm.default_rows()
    conditions = {s.name for s in scenarios.all_scenarios() if s.category == "condition"}
    assert rows[0] == "healthy" and set(rows[1:]) == conditions
    order = [cm.SITES.index(cm.site(r)) for r in rows]
    assert order == sorted(order)
    assert cm.site("multiple_sclerosis_like") == "spinal cord and brain"  # mostly central
    assert cm.site("myasthenia_like") == "junction and ions"
    # axons lost and units remodelled over months: the motor neuron and nerve
    assert cm.site("nerve_injury_recovery") == cm.site("als_reinnervated") == SITE_NERVE


def test_a_table_is_deterministic_and_kept_in_its_cache(tmp_path, monkeypatch):
    rows, columns = ("healthy", "myasthenia_like"), ("rns",)
    first = cm.clinic_map(rows, columns, seed=3, cache_dir=tmp_path)
    again = cm.clinic_map(rows, columns, seed=3)
    _assert_same_table(first, again)
    (kept,) = tmp_path.glob("*.json")
    _no_runs(monkeypatch)
    _assert_same_table(first, cm.clinic_map(rows, columns, seed=3, cache_dir=tmp_path))
    kept.write_text("{ cut short")  # unreadable: computed again
    monkeypatch.undo()
    _assert_same_table(first, cm.clinic_map(rows, columns, seed=3, cache_dir=tmp_path))


# ------------------------------------------------------------------ analysis.conducted_units
def test_conducted_units_sees_only_the_axons_that_reach_the_muscle():
    a, b = experiments.VOLUNTARY_HOLD_S
    effort = experiments.voluntary_protocol(max(STRENGTH_EFFORTS))
    healthy = simulate(Parameters(), effort, 4.0, seed=SEED)
    lesion = simulate(scenarios.get("traumatic_nerve_injury").parameters, effort, 4.0, seed=SEED)
    n_healthy, rate_healthy = analysis.conducted_units(healthy, start_s=a, stop_s=b)
    n_lesion, _ = analysis.conducted_units(lesion, start_s=a, stop_s=b)
    # at maximal effort every healthy unit fires; the lesion's neurons fire too, but only the
    # axons that survive and are not blocked carry their spikes to the muscle
    assert n_healthy == healthy.n_units
    assert analysis.firing_statistics(lesion).units_recruited == lesion.n_units
    p = lesion.parameters.nerve
    assert n_lesion < healthy.n_units * p.motor_axon_survival
    assert 0 < n_lesion
    # REFERENCE.md: soleus units at maximal effort fire 10.7 ± 2.9 Hz (Bellemare et al. 1983)
    assert 10.7 - 2 * 2.9 < rate_healthy < 10.7 + 2 * 2.9
    with pytest.raises(ValueError, match="min_impulses = 1"):
        analysis.conducted_units(healthy, min_impulses=1)
    with pytest.raises(ValueError, match="stop_s = 1.0 s must be later than start_s = 2.0 s"):
        analysis.conducted_units(healthy, start_s=2.0, stop_s=1.0)
