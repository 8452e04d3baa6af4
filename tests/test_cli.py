"""Tests of the ``neurosim`` command line (neurosim.cli)."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
from disk_helpers import fill_disk_after, refuse_new_files

from neurosim import SimulationResult, analysis, scenarios
from neurosim.cli import TOUR_SCENARIOS, main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_cli(capsys, *argv):
    """Call main() in-process; return (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, err):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("neurosim: error: ")
    assert "Traceback" not in err


# ------------------------------------------------------------------ list

def test_list_shows_every_scenario_grouped_by_category(capsys):
    code, out, err = run_cli(capsys, "list")
    assert code == 0 and err == ""
    for s in scenarios.all_scenarios():
        assert s.name in out
        assert s.title in out
    headings = ["Experiments:", "Conditions:", "Treatments:"]
    positions = [out.index(h) for h in headings]
    assert positions == sorted(positions)
    # each scenario is listed under its own category heading
    for s in scenarios.all_scenarios():
        pos = out.index(f"  {s.name} ")
        heading = max((p, h) for p, h in zip(positions, headings) if p < pos)[1]
        assert heading == f"{s.category.capitalize()}s:"


def test_list_parameters_shows_name_default_unit_range_label(capsys):
    code, out, err = run_cli(capsys, "list", "--parameters")
    assert code == 0 and err == ""
    from neurosim import field_specs
    specs = field_specs()
    for name in specs:
        assert name in out
    line = next(l for l in out.splitlines() if l.split()[:1] == ["inhibition.presynaptic"])
    assert line.split()[1:4] == ["1", "1", "[0,"]
    assert "[0, 1.6]" in line
    assert "Presynaptic inhibition" in line
    line = next(l for l in out.splitlines() if l.split()[:1] == ["pool.membrane_time_constant_ms"])
    assert " ms " in line and "[1, 50]" in line and "Membrane time constant" in line


def test_list_does_not_need_matplotlib(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # any import of it now fails
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    assert main(["list"]) == 0
    assert main(["list", "--parameters"]) == 0


# ------------------------------------------------------------------ run

def test_run_prints_title_summary_table_and_repr_and_writes_nothing(capsys, tmp_path,
                                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "run", "spinal_cord_injury", "--duration", "2")
    assert code == 0 and err == ""
    assert scenarios.get("spinal_cord_injury").title in out
    # the scenario's declared measurements, against healthy, on the 2 s run
    header = next(l for l in out.splitlines() if l.startswith("Spasm test  "))
    assert header.split() == ["Spasm", "test", "healthy", "spinal_cord_injury", "unit"]
    run = scenarios.get("spinal_cord_injury").run(seed=0, duration_s=2.0)
    row = next(l for l in out.splitlines() if l.startswith("longest spasm"))
    assert row.split()[-2:] == [f"{analysis.spasm_episodes(run).longest_s:.2f}", "s"]
    assert any(l.startswith("Strength test  ") for l in out.splitlines())
    assert "SimulationResult('spinal_cord_injury', 120 units, 2 s" in out
    assert "seed 0" in out
    assert list(tmp_path.iterdir()) == []


def test_run_set_seed_and_npz_output(capsys, tmp_path):
    path = tmp_path / "x.npz"
    code, out, err = run_cli(capsys, "run", "healthy", "--set", "inhibition.presynaptic=0.3",
                             "--set", "pic.strength=1", "--seed", "7", "--duration", "1.5",
                             "--out", str(path))
    assert code == 0, err
    loaded = SimulationResult.load(path)
    assert loaded.parameters.inhibition.presynaptic == 0.3
    assert loaded.parameters.pic.strength == 1.0
    assert loaded.seed == 7
    assert loaded.duration_s == 1.5
    assert loaded.label == "healthy"
    assert "inhibition.presynaptic = 0.3" in out
    assert str(path) in out


def test_run_integer_value_for_integer_field(capsys, tmp_path):
    path = tmp_path / "small.npz"
    code, _, err = run_cli(capsys, "run", "healthy", "--set", "pool.n_units=30",
                           "--duration", "0.5", "--out", str(path))
    assert code == 0, err
    assert SimulationResult.load(path).parameters.pool.n_units == 30


def test_run_csv_output_has_header_columns(capsys, tmp_path):
    path = tmp_path / "traces.csv"
    code, _, err = run_cli(capsys, "run", "healthy", "--duration", "0.5", "--out", str(path))
    assert code == 0, err
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    assert header[:4] == ["time_s", "command", "afferent_input", "force_N"]
    assert "emg_mV" in header and "population_rate_hz" in header
    assert len(lines) == 1 + 1000  # 0.5 s at 2 kHz
    assert all(len(l.split(",")) == len(header) for l in lines[1:])


def test_run_png_output_is_a_png(capsys, tmp_path):
    path = tmp_path / "overview.png"
    code, _, err = run_cli(capsys, "run", "healthy", "--duration", "2", "--out", str(path))
    assert code == 0, err
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_save_scenario_round_trip_reproduces_force(capsys, tmp_path):
    scen_file = tmp_path / "mine.json"
    first, second = tmp_path / "first.npz", tmp_path / "second.npz"
    code, _, err = run_cli(capsys, "run", "healthy", "--set", "inhibition.presynaptic=0.3",
                           "--set", "pic.strength=1.2", "--duration", "2.5", "--seed", "3",
                           "--out", str(first), "--save-scenario", str(scen_file))
    assert code == 0, err
    saved = scenarios.Scenario.load(scen_file)
    assert saved.changes["inhibition.presynaptic"] == 0.3
    assert saved.changes["pic.strength"] == 1.2
    assert saved.duration_s == 2.5

    code, out, err = run_cli(capsys, "run", str(scen_file), "--seed", "3", "--out", str(second))
    assert code == 0, err
    a, b = SimulationResult.load(first), SimulationResult.load(second)
    assert a.force_N.size == b.force_N.size == 5000
    np.testing.assert_array_equal(a.force_N, b.force_N)
    assert a.parameters == b.parameters
    assert a.force_N.max() > 0  # the comparison is not trivially between empty runs
    assert scenarios.get("healthy").title in out


# ------------------------------------------------------------------ errors

def test_unknown_scenario(capsys):
    code, out, err = run_cli(capsys, "run", "nosuch")
    assert_one_line_error(code, err)
    assert "nosuch" in err and "spinal_cord_injury" in err  # lists the known names
    assert out == ""


def test_missing_scenario_file(capsys, tmp_path):
    code, _, err = run_cli(capsys, "run", str(tmp_path / "missing.json"))
    assert_one_line_error(code, err)
    assert "does not exist" in err


def test_unknown_field_suggests_close_names(capsys):
    code, _, err = run_cli(capsys, "run", "healthy", "--set", "inhibition.presynaptc=0.3")
    assert_one_line_error(code, err)
    assert "inhibition.presynaptc" in err
    assert "did you mean inhibition.presynaptic" in err


def test_out_of_range_value_mentions_range(capsys):
    code, _, err = run_cli(capsys, "run", "healthy", "--set", "inhibition.presynaptic=5")
    assert_one_line_error(code, err)
    assert "out of range" in err and "[0, 1.6]" in err


@pytest.mark.parametrize("value", ["abc", "", "nan"])
def test_non_numeric_value(capsys, value):
    code, _, err = run_cli(capsys, "run", "healthy", "--set", f"inhibition.presynaptic={value}")
    assert_one_line_error(code, err)
    assert "inhibition.presynaptic" in err


def test_set_without_equals_sign(capsys):
    code, _, err = run_cli(capsys, "run", "healthy", "--set", "inhibition.presynaptic")
    assert_one_line_error(code, err)
    assert "STAGE.FIELD=VALUE" in err


def test_non_integer_for_integer_field(capsys):
    code, _, err = run_cli(capsys, "run", "healthy", "--set", "pool.n_units=50.5")
    assert_one_line_error(code, err)
    assert "whole number" in err


@pytest.mark.parametrize("duration", ["abc", "0", "-1", "inf", "5000"])
def test_bad_duration(capsys, duration):
    code, _, err = run_cli(capsys, "run", "healthy", "--duration", duration)
    assert_one_line_error(code, err)
    assert "--duration" in err


def test_unknown_out_suffix_writes_nothing(capsys, tmp_path):
    path = tmp_path / "result.txt"
    code, out, err = run_cli(capsys, "run", "healthy", "--out", str(path))
    assert_one_line_error(code, err)
    assert ".png" in err and ".npz" in err and ".csv" in err
    assert not path.exists()
    assert out == ""  # rejected before running


def test_unwritable_out(capsys, tmp_path):
    code, _, err = run_cli(capsys, "run", "healthy", "--duration", "0.5",
                           "--out", str(tmp_path / "no" / "such" / "dir" / "x.npz"))
    assert_one_line_error(code, err)
    assert "does not exist" in err


def test_out_is_a_directory(capsys, tmp_path):
    (tmp_path / "d.npz").mkdir()
    code, _, err = run_cli(capsys, "run", "healthy", "--duration", "0.5",
                           "--out", str(tmp_path / "d.npz"))
    assert_one_line_error(code, err)


def _count_simulations(monkeypatch, *, interrupt_after=None):
    """Count the runs of `neurosim run` (optionally Ctrl-C at a given run)."""
    calls = []
    real = scenarios.simulate

    def counted(*args, **kwargs):
        if interrupt_after is not None and len(calls) >= interrupt_after:
            raise KeyboardInterrupt
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scenarios, "simulate", counted)
    return calls


@pytest.mark.parametrize("option, target, pattern", [
    ("--out", "file/x.npz", r"cannot write '.*file/x\.npz': '.*file' is not a directory"),
    ("--save-scenario", "file/s.json", r"'.*file' is not a directory"),
    ("--out", "locked/x.png", r"directory '.*locked' is not writable \(Read-only file system"),
    ("--save-scenario", "locked/s.json", r"'.*locked' is not writable"),
])
def test_run_checks_the_destination_before_simulating(capsys, tmp_path, monkeypatch, option,
                                                      target, pattern):
    """As root, permission bits never fail: a parent that is a file and a directory that
    refuses new files (simulated) must both be caught by probing, before any run."""
    (tmp_path / "file").write_text("a file, not a directory")
    (tmp_path / "locked").mkdir()
    refuse_new_files(monkeypatch, tmp_path / "locked")
    calls = _count_simulations(monkeypatch)
    code, out, err = run_cli(capsys, "run", "healthy", "--duration", "0.5",
                             option, str(tmp_path / target))
    assert_one_line_error(code, err)
    assert re.search(pattern, err), err
    assert calls == [] and out == ""  # nothing ran


@pytest.mark.parametrize("suffix", [".npz", ".csv", ".png"])
def test_run_out_on_a_full_disk_names_the_file_and_keeps_the_old_one(capsys, tmp_path,
                                                                      monkeypatch, suffix):
    path = tmp_path / f"run{suffix}"
    code, _, err = run_cli(capsys, "run", "healthy", "--duration", "0.5", "--out", str(path))
    assert code == 0, err
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    fill_disk_after(monkeypatch, tmp_path, 4096)
    code, _, err = run_cli(capsys, "run", "healthy", "--duration", "0.5", "--seed", "1",
                           "--out", str(path))
    monkeypatch.undo()
    assert_one_line_error(code, err)
    assert f"cannot write {str(path)!r}: No space left on device" in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temp file
    if suffix == ".npz":
        assert SimulationResult.load(path).seed == 0  # the old result, still loadable


def test_ctrl_c_is_one_line_and_status_130(capsys, monkeypatch):
    _count_simulations(monkeypatch, interrupt_after=0)
    code, out, err = run_cli(capsys, "run", "healthy", "--duration", "0.5")
    assert code == 130
    assert err == "neurosim: interrupted (Ctrl-C)\n" and out == ""


def test_save_scenario_needs_json_suffix(capsys, tmp_path):
    code, _, err = run_cli(capsys, "run", "healthy", "--save-scenario", str(tmp_path / "s.txt"))
    assert_one_line_error(code, err)
    assert ".json" in err


def test_negative_seed(capsys):
    code, _, err = run_cli(capsys, "run", "healthy", "--duration", "0.5", "--seed", "-1")
    assert_one_line_error(code, err)
    assert "seed" in err


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["run"], ["run", "healthy", "--seed", "x"],
                                  ["list", "--bogus"]])
def test_argparse_usage_errors_are_one_line_and_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as excinfo:
        main(argv)
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("neurosim: error: ") and "--help" in err


def test_module_entry_point_reports_one_line_error():
    proc = subprocess.run([sys.executable, "-m", "neurosim.cli", "run", "nosuch"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("neurosim: error: unknown scenario 'nosuch'")
    assert proc.stdout == ""


# ------------------------------------------------------------------ tour

def test_tour_writes_figures_and_prints_summary(capsys, tmp_path, monkeypatch):
    from neurosim import clinic_map
    # the clinic map of a few conditions (tests/test_clinic_map.py checks the table), kept
    # in a cache of this test's own
    monkeypatch.setattr(clinic_map, "default_rows", lambda: clinic_map.QUICK_ROWS)
    monkeypatch.setattr("neurosim.cli.tour.user_cache_dir", lambda: tmp_path / "cache")
    out_dir = tmp_path / "figs" / "nested"  # created if needed
    code, out, err = run_cli(capsys, "tour", "--out-dir", str(out_dir), "--seed", "1")
    assert code == 0, err
    expected = {f"overview_{name}.png" for name in TOUR_SCENARIOS}
    expected.add("compare_healthy_vs_spinal_cord_injury.png")
    expected |= {"reflex_velocity_healthy_vs_spastic.png", "clonus_stroke_like.png",
                 "nerve_conduction_healthy_vs_diabetic.png", "junction_ache_100_10_5.png",
                 "clinic_map.png"}
    assert {p.name for p in out_dir.iterdir()} == expected | {"clinic_map.csv"}
    for name in expected:
        assert (out_dir / name).read_bytes()[:8] == PNG_MAGIC
        assert str(out_dir / name) in out
    table = clinic_map.ClinicMap.load(out_dir / "clinic_map.csv")
    assert table.rows == clinic_map.QUICK_ROWS
    assert table.columns == tuple(c.name for c in clinic_map.COLUMNS)
    assert len(list((tmp_path / "cache" / "clinic_map").glob("*.json"))) == 1

    lines = out.splitlines()
    header_index = next(i for i, l in enumerate(lines) if l.startswith("scenario"))
    assert lines[header_index].split() == ["scenario", *analysis.SUMMARY_COLUMNS]
    rows = lines[header_index + 2:header_index + 2 + len(TOUR_SCENARIOS)]
    assert [r.split()[0] for r in rows] == list(TOUR_SCENARIOS)
    assert all(len(r.split()) == 1 + len(analysis.SUMMARY_COLUMNS) for r in rows)
    # aligned: every row ends where the header ends
    assert {len(r) for r in rows} == {len(lines[header_index])}
    sci = next(r for r in rows if r.startswith("spinal_cord_injury"))
    healthy = next(r for r in rows if r.startswith("healthy"))
    col = list(analysis.SUMMARY_COLUMNS).index("spasms") + 1
    assert int(sci.split()[col]) >= 1 and int(healthy.split()[col]) == 0
    assert "teaching toy, not a clinical model" in lines[-1]


def test_tour_out_dir_is_a_file(capsys, tmp_path):
    blocker = tmp_path / "figures"
    blocker.write_text("not a directory")
    code, _, err = run_cli(capsys, "tour", "--out-dir", str(blocker))
    assert_one_line_error(code, err)


def test_tour_checks_its_out_dir_before_any_run(capsys, tmp_path, monkeypatch):
    out_dir = tmp_path / "figures"
    out_dir.mkdir()
    refuse_new_files(monkeypatch, out_dir)
    calls = _count_simulations(monkeypatch)
    code, out, err = run_cli(capsys, "tour", "--out-dir", str(out_dir))
    assert_one_line_error(code, err)
    assert re.search(r"directory '.*figures' is not writable", err), err
    assert calls == [] and out == ""


def test_a_closed_pipe_ends_the_command_quietly():
    """`neurosim list --parameters | head`: the reader goes away; no error, no traceback."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "neurosim", "list", "--parameters"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert err == ""


def test_every_run_ends_with_the_teaching_toy_reminder(capsys, tmp_path, monkeypatch):
    from neurosim.cli import TEACHING_REMINDER

    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "run", "healthy", "--duration", "0.5")
    assert code == 0
    assert out.rstrip().splitlines()[-1] == TEACHING_REMINDER
