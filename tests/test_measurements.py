"""Declared measurements: each scenario's own test, its numbers and its figure.

The numbers must be the analysis functions' numbers for the same runs (one truth),
each case must be what it claims (healthy, untreated, treated), and the contrasts a
scenario teaches must hold in them.
"""

from __future__ import annotations

import dataclasses
import json
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from neurosim import analysis, experiments, measurements, plotting, scenarios, simulate  # noqa: E402
from neurosim.cli import main  # noqa: E402
from neurosim.measurements import MEASUREMENTS, Case, Reading, measure, suggest  # noqa: E402
from neurosim.parameters import Parameters  # noqa: E402
from neurosim.protocols import Noise, Protocol  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def measured():
    """name → (scenario run, list of Measured) for the scenarios the contrasts need."""
    out = {}
    for name in ("spinal_cord_injury", "baclofen_like", "stroke_like", "diabetic_neuropathy",
                 "myasthenia_like", "muscle_cramp", "ache_inhibition_severe"):
        s = scenarios.get(name)
        run = s.run(seed=0)
        out[name] = (run, {m.measurement.name: m for m in s.measure(run, seed=0)})
    return out


# ------------------------------------------------------------------ declarations
def test_every_scenario_declares_known_measurements_and_a_sensible_comparison():
    for s in scenarios.all_scenarios():
        assert s.measurements and set(s.measurements) <= set(MEASUREMENTS), s.name
        if s.treats is not None:
            untreated = scenarios.get(s.treats)
            assert s.category == "treatment" and untreated.category == "condition"
            # the treated limb has the same lesion: every lever the condition pulls is set
            assert set(untreated.changes) <= set(s.changes), s.name
            assert s.reference() is untreated
        elif s.category == "experiment":
            assert s.reference() is None
        else:
            assert s.reference().name == "healthy"


def test_the_first_measurement_is_the_one_the_scenario_is_named_for():
    first = {s.name: s.measurements[0] for s in scenarios.all_scenarios()}
    assert first["stroke_like"] == "clonus"
    assert first["diabetic_neuropathy"] == first["nerve_conduction_study"] == "conduction"
    assert first["ache_inhibition_severe"] == "junction"
    assert first["myasthenia_like"] == "decrement"
    assert first["muscle_cramp"] == "spontaneous"
    assert first["spinal_cord_injury"] == "spasm"
    assert first["spindle_hypersensitivity"] == first["stretch_reflex"] == "reflex"


def test_bad_declarations_are_rejected_by_name():
    base = scenarios.get("healthy")
    with pytest.raises(ValueError, match=r"unknown measurement\(s\) \['ecg'\]; choose from"):
        dataclasses.replace(base, measurements=("spasm", "ecg"))
    with pytest.raises(ValueError, match=r"is a experiment, so it cannot name a condition"):
        dataclasses.replace(base, treats="spinal_cord_injury")
    with pytest.raises(ValueError, match=r"unknown measurement 'x'; choose from"):
        measure("x", [Case("healthy", Parameters())])
    with pytest.raises(ValueError, match="at least one case"):
        measure("spasm", [])


def test_scenario_files_keep_measurements_and_older_files_get_suggestions(tmp_path):
    s = scenarios.get("baclofen_like")
    path = s.save(tmp_path / "b.json")
    again = scenarios.Scenario.load(path)
    assert again.measurements == s.measurements and again.treats == "spinal_cord_injury"
    data = json.loads(path.read_text())
    for key in ("measurements", "treats"):  # a file written before these fields existed
        del data[key]
    old = scenarios.Scenario.from_dict(data)
    assert old.measurements == ("spasm",) and old.treats is None


@pytest.mark.parametrize("protocol, expected", [
    (experiments.stretch_protocol(50.0), "reflex"),
    (experiments.clonus_protocol(), "clonus"),
    (experiments.conduction_protocol(), "conduction"),
    (experiments.train_protocol(3.0, 10), "junction"),
    (experiments.voluntary_protocol(0.3), "contraction"),
    (Protocol(Noise()), "spontaneous"),
    (experiments.spasm_test_protocol(), "spasm"),
])
def test_suggestions_follow_the_protocol(protocol, expected):
    assert suggest(protocol) == (expected,)


# ------------------------------------------------------------------ numbers = analysis
def test_the_scenarios_own_run_is_reused_not_simulated_again(measured):
    run, by_name = measured["stroke_like"]
    assert by_name["clonus"].runs[-1] is run
    assert by_name["clonus"].runs[0] is not run  # the healthy case had to be simulated
    run, by_name = measured["spinal_cord_injury"]
    assert by_name["spasm"].runs[-1] is run


def test_clonus_numbers_are_the_analysis_of_the_scenarios_run(measured):
    run, by_name = measured["stroke_like"]
    m = by_name["clonus"]
    assert m.labels == ("healthy", "stroke_like")
    summary = analysis.clonus(run)
    assert m.value("clonus frequency") == pytest.approx(summary.frequency_hz)
    assert m.value("sustained (1) or dying out (0)") == 1.0
    assert math.isnan(m.value("clonus frequency", case=0))  # the healthy ankle: none
    assert m.reading("clonus frequency").formatted()[0] == "no clonus"


def test_conduction_numbers_are_the_report_and_show_the_neuropathy(measured):
    run, by_name = measured["diabetic_neuropathy"]
    m = by_name["conduction"]
    f_run = experiments.f_wave_study(run.parameters, n_shocks=16, interval_s=0.5, seed=0)
    report = experiments.conduction_report(run, f_run)
    assert m.value("motor conduction velocity") == pytest.approx(report.conduction_velocity_m_s)
    assert [r.label for r in m.readings] == [label for label, _, _ in report.rows()]
    # the F-waves of the same 16 shocks; later in diabetic neuropathy (tibial minimum
    # F latency 52.8 → 59.1 ms, Sci Rep 2024, doi:10.1038/s41598-024-82235-8)
    assert m.value("F-wave min latency") == pytest.approx(report.f_wave.min_latency_ms)
    assert m.value("F-wave min latency") > 1.05 * m.value("F-wave min latency", 0)
    assert m.value("F-wave persistence", 0) >= 50.0
    # slower and smaller than healthy (demyelination and axon loss)
    assert m.value("motor conduction velocity") < 0.9 * m.value("motor conduction velocity", 0)
    assert m.value("distal M amplitude") < 0.7 * m.value("distal M amplitude", 0)
    assert m.value("distal M latency") > m.value("distal M latency", 0)


def test_junction_numbers_and_depolarisation_block(measured):
    _, by_name = measured["ache_inhibition_severe"]
    m = by_name["junction"]
    single = simulate(scenarios.get("ache_inhibition_severe").parameters,
                      experiments.train_protocol(1.0, 1), 0.25, seed=0,
                      record_units=list(measurements.JUNCTION_RECORDED_UNITS))
    epp = analysis.endplate_response(single, unit=measurements.JUNCTION_RECORDED_UNITS[0])
    assert m.value("EPP amplitude (one shock)") == pytest.approx(epp.epp_amplitude_mV)
    assert m.value("EPC decay to 1/e") == pytest.approx(epp.epc_decay_ms)
    # healthy: one-to-one relay all through the train, but for the few impulses that find
    # their fibres refractory after an F-wave (3 % of the neurons backfire after each shock);
    # severe: block late in the train
    f_share = scenarios.get("healthy").parameters.nerve.backfiring_probability
    assert 1.0 - f_share <= m.value("30 Hz train: APs per impulse, last third", 0) <= 1.0
    assert (m.value("30 Hz train: APs per impulse, last third")
            < 0.5 * m.value("30 Hz train: APs per impulse, first third"))
    assert m.value("30 Hz train: force at 0.9–1.1 s") < 0.5 * m.value("30 Hz train: peak force")


def test_decrement_reads_the_cmap_of_the_scenarios_train(measured):
    run, by_name = measured["myasthenia_like"]
    m = by_name["decrement"]
    assert m.runs[-1] is run
    amplitudes = analysis.cmap_amplitudes(run)
    assert m.value("decrement, 4th vs 1st") == pytest.approx(
        analysis.decrement_percent(amplitudes))
    # a clinically significant decrement is > 10 % (REFERENCE.md, repetitive stimulation);
    # the healthy junction relays every impulse with no decrement
    assert m.value("decrement, 4th vs 1st") < -10.0
    assert abs(m.value("decrement, 4th vs 1st", 0)) < 5.0


def test_cramp_discharges_start_in_the_axons_with_the_cord_silent(measured):
    _, by_name = measured["muscle_cramp"]
    m = by_name["spontaneous"]
    assert m.value("… from ectopic axons") > 100.0
    assert m.value("… from motor neurons") == 0.0
    assert m.value("spontaneous discharges", 0) == 0.0  # healthy muscle at rest


def test_a_treatment_is_compared_with_its_untreated_condition_and_healthy(measured):
    _, by_name = measured["baclofen_like"]
    spasm = by_name["spasm"]
    assert spasm.labels == ("healthy", "untreated (spinal_cord_injury)", "baclofen_like")
    untreated_run = measured["spinal_cord_injury"][0]
    assert np.array_equal(spasm.runs[1].force_N, untreated_run.force_N)  # same limb, same seed
    assert spasm.value("longest spasm", 1) > 1.0
    assert spasm.value("longest spasm") < 0.5 * spasm.value("longest spasm", 1)
    strength = by_name["strength"]
    assert strength.value("voluntary force, maximal effort") < strength.value(
        "voluntary force, maximal effort", 0)  # weak compared with healthy
    assert strength.value("voluntary force, maximal effort") == pytest.approx(
        strength.value("voluntary force, maximal effort", 1), rel=0.15)


def test_strength_is_the_hold_force_of_voluntary_runs():
    p = scenarios.get("spinal_cord_injury").parameters
    m = measure("strength", [Case("sci", p)], seed=0)
    assert m.value("voluntary force, maximal effort") == pytest.approx(
        experiments.voluntary_force_percent(p, 1.0, seed=0))


# ------------------------------------------------------------------ tables and figures
def test_readings_format_absent_values_and_the_table_has_one_column_per_case():
    r = Reading("clonus frequency", "Hz", (float("nan"), 5.04), "{:.1f}", "no clonus")
    assert r.formatted() == ("no clonus", "5.0")
    m = measurements.Measured(MEASUREMENTS["clonus"], ("healthy", "stroke"), (r,), ())
    lines = m.table().splitlines()
    assert lines[0].split() == ["Clonus", "test", "healthy", "stroke", "unit"]
    assert lines[2].split() == ["clonus", "frequency", "no", "clonus", "5.0", "Hz"]
    with pytest.raises(ValueError, match=r"no reading 'x' in clonus; readings: \['clonus"):
        m.reading("x")


def test_decrement_panel_plots_each_cmap_relative_to_the_first(measured):
    run, _ = measured["myasthenia_like"]
    axes = plotting.decrement_panel([run], labels=["mg"])
    (line,) = [ln for ln in axes[1].get_lines() if ln.get_gid() == "cmap_0"]
    amplitudes = analysis.cmap_amplitudes(run)
    assert np.allclose(line.get_ydata(), 100 * amplitudes / amplitudes[0])
    assert [ln.get_ydata()[0] for ln in axes[1].get_lines()
            if ln.get_gid() == "decrement_limit"] == [90.0]
    one_shock = scenarios.get("healthy").run(seed=0, duration_s=0.3)
    with pytest.raises(ValueError, match="at least 4 shocks per run; 'x' has 0"):
        plotting.decrement_panel([one_shock], labels=["x"])


def test_run_prints_the_scenarios_measurements_and_draws_each(capsys, tmp_path, measured):
    out_png = tmp_path / "stroke.png"
    assert main(["run", "stroke_like", "--out", str(out_png)]) == 0
    out = capsys.readouterr().out
    run, by_name = measured["stroke_like"]
    assert f"Clonus test: {MEASUREMENTS['clonus'].definition}" in out
    assert by_name["clonus"].table() in out and by_name["reflex"].table() in out
    assert "spasms" not in out.split("Clonus test")[1]  # no spasm table for a clonus scenario
    for path in (out_png, tmp_path / "stroke_reflex.png", tmp_path / "stroke_strength.png"):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.rstrip().splitlines()[-1].startswith("Reminder: neurosim is a teaching toy")


def test_run_with_changes_compares_with_the_scenario_as_defined(capsys):
    assert main(["run", "spinal_cord_injury", "--set", "pic.strength=0.2"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("Spasm test  "))
    assert header.split()[2:] == ["spinal_cord_injury", "as", "defined", "spinal_cord_injury",
                                  "unit"]
    row = next(line for line in out.splitlines() if line.startswith("longest spasm"))
    as_defined, changed = (float(x) for x in row.split()[2:4])
    assert as_defined > 1.0 and changed == 0.0  # small PICs: no spasm
