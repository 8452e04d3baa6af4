"""Loaders and dict constructors are strict and clear (issue 15, part 3).

Every bad input is one ValueError naming the file (when there is one), the key, the value
and what was expected; numpy scalars are numbers; out-of-range values are shown with
enough digits to see why.
"""

import dataclasses
import json
import re

import numpy as np
import pytest

from neurosim import Parameters, SimulationResult, analysis, scenarios, simulate
from neurosim._schema import Number, show_outside
from neurosim.cli import main
from neurosim.emg import rectified_envelope, rms_envelope
from neurosim.experiments import clonus_protocol, train_protocol
from neurosim.protocols import ImposedStretch, Noise, Protocol, Step
from neurosim.result import _array_schema
from neurosim.sweep import sweep
from neurosim.sweep.cache import _read_cache_entry

SMALL = Parameters().with_changes(**{"pool.n_units": 10})


def assert_cli_error(capsys, argv, pattern):
    """``neurosim ARGV`` exits 2 with one line ``neurosim: error: ...`` matching ``pattern``."""
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("neurosim: error: "), err
    assert "Traceback" not in err
    assert re.search(pattern, lines[0]), lines[0]


# --------------------------------------------------------------- dict constructors
def test_parameters_from_dict_stage_that_is_not_a_mapping():
    with pytest.raises(ValueError, match=r"^parameters\.pic = 0\.5 must be a mapping "
                                         r"\{field name: value\}, e\.g\. \{'strength': 0\.25\}$"):
        Parameters.from_dict({"pic": 0.5})


def test_parameters_from_dict_unknown_stage_and_not_a_mapping():
    with pytest.raises(ValueError, match=r"parameters: unknown key 'pik'; did you mean 'pic'\?"):
        Parameters.from_dict({"pik": {"strength": 1.0}})
    with pytest.raises(ValueError, match=r"parameters = \[1\] must be a mapping \{stage:"):
        Parameters.from_dict([1])


def test_scenario_get_needs_a_string():
    with pytest.raises(ValueError, match=r"scenario name = \['healthy'\] must be a string, one "
                                         r"of: healthy, "):
        scenarios.get(["healthy"])


@pytest.mark.parametrize("data, pattern", [
    ([{"type": "Step", "bogus": 1}],
     r"^protocol\[0\]: unknown key 'bogus'; allowed: type, level, start_s, stop_s$"),
    ([Noise().to_dict(), 5], r"^protocol\[1\] = 5 must be a mapping \{'type': component name"),
    ([{"type": "Pulses", "times_s": 1.0}],
     r"^protocol\[0\]\.times_s = 1\.0 must be a list of one or more times ≥ 0 \(s\)$"),
    ([{"type": "Pulses", "times_s": [1.0, "x"]}],
     r"^protocol\[0\]\.times_s\[1\] = 'x' must be a number ≥ 0 \(s\)$"),
    (5, r"^protocol = 5 must be a list of protocol components"),
    ([{"level": 0.3}], r"^protocol\[0\]: missing key 'type': expected one of 'Rest', 'Step'"),
    ([{"type": "Wobble"}], r"^protocol\[0\]\.type = 'Wobble' is not one of 'Rest', 'Step'"),
    ([{"type": "Step", "level": 1.5}],
     r"^protocol\[0\]\.level = 1\.5 dimensionless is out of range: allowed \[0, 1\]"),
    ([{"type": "Ramp", "start_s": 2.0, "stop_s": 1.0}],
     r"^protocol\[0\]: ramp\.stop_s = 1 s must be later than ramp\.start_s = 2 s$"),
])
def test_protocol_from_dict_names_the_item_and_what_was_expected(data, pattern):
    with pytest.raises(ValueError, match=pattern):
        Protocol.from_dict(data)


# --------------------------------------------------------------- scenario files
SCENARIO_CASES = [
    ({"duration_s": None}, r"duration_s = None must be a number in \(0, 3600\] \(s\)$"),
    ({"protocol": 5}, r"protocol = 5 must be a list of protocol components"),
    ({"changes": [1, 2]}, r"changes = \[1, 2\] must be a mapping \{parameter name: value\}"),
    ({"extra": 1}, r"unknown key 'extra'; allowed: format, version, name, "),
    ({"version": 99}, r"version = 99 must be 1 \(the scenario file version this neurosim reads\)"),
    ({"duration_s": 3600.001}, r"duration_s = 3600\.001 s is out of range: allowed \(0, 3600\]"),
    ({"category": "sick"}, r"category = 'sick' is not one of 'experiment', 'condition'"),
    ({"changes": {"pic.strength": 7}}, r"pic\.strength = 7 dimensionless is out of range"),
]


def _scenario_file(tmp_path, change):
    data = {**scenarios.get("healthy").to_dict(), **change}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("change, pattern", SCENARIO_CASES)
def test_scenario_file_is_checked_against_its_schema(tmp_path, change, pattern):
    path = _scenario_file(tmp_path, change)
    with pytest.raises(ValueError, match=re.escape(f"scenario file {str(path)!r}: ") + pattern):
        scenarios.Scenario.load(path)
    with pytest.raises(ValueError, match=r"^scenario: " + pattern):
        scenarios.Scenario.from_dict({**scenarios.get("healthy").to_dict(), **change})


@pytest.mark.parametrize("change, pattern", SCENARIO_CASES)
def test_cli_run_of_a_bad_scenario_file_is_one_line(tmp_path, capsys, change, pattern):
    path = _scenario_file(tmp_path, change)
    assert_cli_error(capsys, ["run", str(path)], re.escape(f"scenario file {str(path)!r}: ")
                     + pattern)


def test_scenario_file_missing_key_and_missing_marker(tmp_path):
    data = scenarios.get("healthy").to_dict()
    del data["title"]
    with pytest.raises(ValueError, match=r"^scenario: missing key 'title': expected a string$"):
        scenarios.Scenario.from_dict(data)
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match=r"list\.json': not a neurosim scenario file"):
        scenarios.Scenario.load(path)


# --------------------------------------------------------------- result files
@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("result") / "run.npz"
    simulate(SMALL, Noise(), 0.05, seed=3).save(path)
    return path


def _rewrite(saved, tmp_path, meta_change=None, drop=None, arrays_change=None):
    with np.load(saved) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["metadata_json"]))
    meta.update(meta_change or {})
    if drop:
        del meta[drop]
    if arrays_change:
        arrays_change(arrays)
    arrays["metadata_json"] = np.array(json.dumps(meta))
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(drop="seed"), r"missing key 'seed': expected a whole number ≥ 0$"),
    (dict(meta_change={"seed": "abc"}), r"seed = 'abc' must be a whole number ≥ 0$"),
    (dict(meta_change={"dt_ms": -0.1}),
     r"dt_ms = -0\.1 ms is out of range: allowed \[0\.005, 1\] \(ms\)$"),
    (dict(arrays_change=lambda a: a.update(force_N=a["force_N"][:-1])),
     r"array force_N has shape \(99,\) and dtype float64; expected an array of floating-point "
     r"numbers of shape \(100,\) \(one per output sample"),
    (dict(meta_change={"duration_s": 0.06}),
     r"array time_s has shape \(100,\) and dtype float64; expected an array of "
     r"floating-point numbers of shape \(120,\) \(one per output sample"),
    (dict(arrays_change=lambda a: a.update(membrane_mV=a["membrane_mV"][:, :1])),
     r"array membrane_mV has shape \(500, 1\) .*shape \(500, 3\)"),
    (dict(arrays_change=lambda a: a.update(recorded_units=np.array([0, 99, 9]))),
     r"array recorded_units holds values from 0 to 99; expected whole numbers in \[0, 9\]"),
    (dict(arrays_change=lambda a: a["emg_mV"].__setitem__(5, np.inf)),
     r"array emg_mV holds 1 non-finite value\(s\), e\.g\. inf; expected finite numbers"),
    (dict(arrays_change=lambda a: a.pop("ia_rate_hz")), r"missing array 'ia_rate_hz'"),
    (dict(arrays_change=lambda a: a.update(extra=np.zeros(2))), r"unknown array 'extra'"),
    (dict(meta_change={"label": None}), r"label = None must be a string$"),
    (dict(meta_change={"extra": 1}), r"unknown key 'extra'; allowed: format, version, "),
    (dict(meta_change={"parameters": {"pic": 0.5}}), r"parameters\.pic = 0\.5 must be a mapping"),
])
def test_result_file_is_checked_against_its_metadata(saved, tmp_path, kwargs, pattern):
    path = _rewrite(saved, tmp_path, **kwargs)
    with pytest.raises(ValueError, match=re.escape(f"result file {str(path)!r}: ") + pattern):
        SimulationResult.load(path)


def test_result_array_schema_covers_every_array_field(saved):
    arrays = {f.name for f in dataclasses.fields(SimulationResult) if f.type == "np.ndarray"}
    schema = _array_schema({}, n_samples=1, n_steps=1, n_units=1)
    assert set(schema.required) == arrays
    loaded = SimulationResult.load(saved)
    assert loaded.seed == 3 and loaded.n_units == 10


# --------------------------------------------------------------- analysis and protocols
def test_stretch_reflex_on_a_run_that_ends_before_the_stretch():
    result = simulate(SMALL, Protocol(ImposedStretch(start_s=0.5)), 0.001, seed=0)
    with pytest.raises(ValueError, match=r"stretch_reflex needs a run that goes past the stretch "
                                         r"onset \(imposed_stretch\.start_s = 0\.5 s\); this "
                                         r"run lasts 0\.001 s"):
        analysis.stretch_reflex(result)


def test_stretch_reflex_and_envelopes_on_runs_shorter_than_the_envelope_window():
    result = simulate(SMALL, Protocol(ImposedStretch(start_s=0.0)), 0.005, seed=0)
    assert analysis.stretch_reflex(result).window_s == (0.0, 0.005)
    emg = np.arange(4.0)
    assert rms_envelope(emg, 2000.0, 25.0).shape == (4,)
    assert rectified_envelope(emg, 2000.0, 100.0).shape == (4,)


def test_record_units_must_be_whole_unit_indices():
    with pytest.raises(ValueError, match=r"record_units = \[0\.5\] must be whole unit indices in "
                                         r"\[0, 9\] \(pool\.n_units = 10\)"):
        simulate(SMALL, None, 0.01, record_units=[0.5])
    run = simulate(SMALL, None, 0.01, record_units=[np.int64(2), 5.0])
    assert run.recorded_units.tolist() == [2, 5]


def test_train_protocol_needs_a_whole_number_of_shocks():
    with pytest.raises(ValueError, match=r"^n_shocks = 1\.5 must be a whole number in \[1, 10000\]$"):
        train_protocol(3.0, 1.5)
    assert len(train_protocol(3.0, np.int64(4)).stimuli()) == 4


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(band_hz=(12.0, 3.0)), r"^band_hz = \(12, 3\) Hz must be a pair \(low, high\) of "
                                r"frequencies with 0 ≤ low < high ≤ 1000 Hz"),
    (dict(band_hz=3.0), r"^band_hz = 3\.0 must be a pair \(low, high\)"),
    (dict(band_hz=(3.0, 5000.0)), r"^band_hz\[1\] = 5000 Hz is out of range: allowed \[0, 1000\]"),
    (dict(min_amplitude_deg=-1.0), r"^min_amplitude_deg = -1 deg is out of range: allowed ≥ 0"),
])
def test_clonus_checks_its_band_and_amplitude(kwargs, pattern):
    result = simulate(SMALL, clonus_protocol(), 0.01, seed=0)
    with pytest.raises(ValueError, match=pattern):
        analysis.clonus(result, **kwargs)


# --------------------------------------------------------------- sweeps
def test_cli_vary_with_a_huge_count_is_refused_before_any_allocation(tmp_path, capsys):
    assert_cli_error(capsys, ["sweep", "healthy", "--vary", "pic.strength=0:1:1000000000",
                              "--metric", "spasm_count", "--workers", "1", "--no-progress",
                              "--out", str(tmp_path / "x.npz")],
                     r"--vary pic\.strength='0:1:1000000000': N = 1000000000 is out of range: "
                     r"allowed \[1, 1000000\]$")
    assert not (tmp_path / "x.npz").exists()


def test_sweep_with_too_many_runs_is_refused():
    with pytest.raises(ValueError, match=r"1,002,001 runs; a sweep may have at most 1,000,000"):
        sweep("healthy", {"pic.strength": np.linspace(0, 1, 1001),
                          "inhibition.presynaptic": np.linspace(0, 1, 1001)},
              "spasm_count", executor=1, progress=False)


GOOD_ENTRY = {"seed": 1, "values": {"peak_force_percent": 2.5, "clonus_frequency_hz": float("nan")}}
METRIC_NAMES = ("peak_force_percent", "clonus_frequency_hz")


@pytest.mark.parametrize("entry, pattern", [
    ({**GOOD_ENTRY, "seed": 4}, r"seed = 4 does not match the run it is filed under \(seed 1\)"),
    ({**GOOD_ENTRY, "values": {**GOOD_ENTRY["values"], "peak_force_percent": "2.5"}},
     r"values\.peak_force_percent = '2\.5' must be a number$"),
    ({**GOOD_ENTRY, "values": {**GOOD_ENTRY["values"], "peak_force_percent": float("inf")}},
     r"values\.peak_force_percent = inf is not finite; allowed a finite number or NaN$"),
    ({**GOOD_ENTRY, "values": {"peak_force_percent": 1.0}},
     r"values: missing key 'clonus_frequency_hz': expected a number$"),
    ({**GOOD_ENTRY, "values": {**GOOD_ENTRY["values"], "spasm_count": 1.0}},
     r"values: unknown key 'spasm_count'"),
    ({**GOOD_ENTRY, "extra": 1}, r"unknown key 'extra'; allowed: seed, values, model$"),
    ([1.0, 2.0], r"the data = \[1\.0, 2\.0\] must be a cache entry"),
])
def test_cache_entry_is_checked(entry, pattern):
    with pytest.raises(ValueError, match=r"^sweep cache entry 'c/x\.json': " + pattern):
        _read_cache_entry(entry, "c/x.json", 1, METRIC_NAMES)
    values = _read_cache_entry(GOOD_ENTRY, "c/x.json", 1, METRIC_NAMES)
    assert values[0] == 2.5 and np.isnan(values[1])


def test_a_wrong_cache_entry_is_computed_again_with_a_warning(tmp_path):
    kwargs = dict(seeds=(0,), duration_s=0.2, executor=1, cache_dir=tmp_path, progress=False)
    first = sweep(SMALL, {"pic.strength": [1.0]}, "peak_force_percent", **kwargs)
    (entry,) = tmp_path.glob("*.json")
    good = json.loads(entry.read_text())
    entry.write_text(json.dumps({**good, "values": {"peak_force_percent": "a lot"}}))
    with pytest.warns(RuntimeWarning, match=re.escape(f"sweep cache entry {str(entry)!r}: ")
                      + r"values\.peak_force_percent = 'a lot' must be a number; computing "
                        r"this run again"):
        again = sweep(SMALL, {"pic.strength": [1.0]}, "peak_force_percent", **kwargs)
    assert again.n_from_cache == 0
    np.testing.assert_array_equal(again["peak_force_percent"], first["peak_force_percent"])
    assert json.loads(entry.read_text()) == good  # the entry is written anew


# --------------------------------------------------------------- numbers
def test_numpy_scalars_are_numbers():
    p = Parameters().with_changes(**{"pic.strength": np.float32(0.3), "pool.n_units": np.int64(12)})
    assert p.pic.strength == 0.3 and type(p.pic.strength) is float  # not 0.30000001192...
    assert p.pool.n_units == 12 and type(p.pool.n_units) is int
    assert Parameters.from_dict({"pic": {"strength": np.float64(0.5)}}).pic.strength == 0.5
    assert Step(level=np.float32(0.25), stop_s=np.int32(3)).stop_s == 3.0
    run = simulate(SMALL, None, np.float32(0.02), dt_ms=np.float32(0.05), seed=np.int64(1))
    assert (run.duration_s, run.dt_ms, run.seed) == (0.02, 0.05, 1)
    assert type(run.duration_s) is float
    assert simulate(SMALL, None, np.int64(1), seed=0).duration_s == 1.0
    scenario = scenarios.Scenario.from_dict({**scenarios.get("healthy").to_dict(),
                                             "duration_s": np.float32(2.5)})
    assert scenario.duration_s == 2.5
    assert sweep(SMALL, {"pic.strength": np.array([0.5, 1.0], dtype=np.float32)},
                 "peak_force_percent", duration_s=np.int64(1), executor=1,
                 progress=False).duration_s == 1.0


def test_out_of_range_values_show_the_digits_that_put_them_out():
    with pytest.raises(ValueError, match=r"^step\.stop_s = 3600\.001 s is out of range: allowed "
                                         r"\[0, 3600\] \(s\)$"):
        Step(stop_s=3600.001)
    with pytest.raises(ValueError, match=r"^duration_s = 3600\.001 s is out of range: allowed "
                                         r"\(0, 3600\] \(s\)$"):
        simulate(SMALL, None, 3600.001)
    with pytest.raises(ValueError, match=r"pic\.strength = 2\.0000001 dimensionless"):
        Parameters().with_changes(**{"pic.strength": 2.0000001})
    assert show_outside(3600.001, 0, 3600) == "3600.001"
    assert show_outside(-1e-9, 0, 1) == "-1e-09"
    assert show_outside(3.0, 0, 1.6) == "3"
    assert show_outside(1 + 2 ** -52, 0, 1) == "1.0000000000000002"
    assert Number(integer=True, min=1, max=10 ** 6).range_text() == "[1, 1000000]"


@pytest.mark.parametrize("text, pattern", [
    ("points = [1, 2]", r"points\[0\] = 1 must be a \[\[points\]\] table of NAME = value$"),
    ("grid = 5", r"grid = 5 must be a \[grid\] table of NAME = \[values\] or NAME = "),
    ("[grid]\npic.strength = {start = 0, stop = 1}",
     r"pic\.strength: missing key 'n': expected a whole number in \[1, 1000000\]$"),
    ("[grid]\npic.strength = {start = 0, stop = 1, n = 2000000000}",
     r"pic\.strength\.n = 2000000000 is out of range: allowed \[1, 1000000\]$"),
    ("[grid]\npic.strength = {start = 0, stop = 'x', n = 2}",
     r"pic\.strength\.stop = 'x' must be a number$"),
    ("x = 1", r"unknown key 'x'; allowed: grid, points$"),
])
def test_cli_grid_file_is_checked_against_its_schema(tmp_path, capsys, text, pattern):
    path = tmp_path / "grid.toml"
    path.write_text(text + "\n")
    assert_cli_error(capsys, ["sweep", "healthy", "--grid", str(path), "--metric", "spasm_count",
                              "--workers", "1", "--no-progress", "--out", str(tmp_path / "x.npz")],
                     re.escape(f"grid file {str(path)!r}: ") + pattern)


@pytest.mark.parametrize("meta_change, arrays_change, pattern", [
    ({"axis_units": []}, None, r"axis_units has 0 entries; expected one per entry of axis_names$"),
    ({"dt_ms": "x"}, None, r"dt_ms = 'x' must be a number in \[0\.005, 1\] \(ms\)$"),
    ({"version": 2}, None, r"was written by sweep format version 2"),
    (None, lambda a: a.update(metric_0=a["metric_0"][:, :1]),
     r"array metric_0 has shape \(2, 1\) .*shape \(2, 2\) \(peak_force_percent: one per grid "
     r"point and seed\)$"),
    (None, lambda a: a.pop("seeds"), r"missing array 'seeds'"),
])
def test_sweep_file_is_checked_against_its_metadata(tmp_path, meta_change, arrays_change, pattern):
    path = sweep(SMALL, {"pic.strength": [0.5, 1.0]}, "peak_force_percent", seeds=(0, 1),
                 duration_s=0.1, executor=1, progress=False).save(tmp_path / "s.npz")
    from neurosim import SweepResult
    bad = _rewrite(path, tmp_path, meta_change=meta_change, arrays_change=arrays_change)
    with pytest.raises(ValueError, match=re.escape(str(bad)) + r"'.*" + pattern):
        SweepResult.load(bad)
