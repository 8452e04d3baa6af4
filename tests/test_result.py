"""SimulationResult: immutability, documented shapes, exact save/load, CSV, clear errors."""

import dataclasses
import json
import zipfile

import numpy as np
import pytest

from neurosim import SimulationResult, scenarios
from neurosim.result import FORMAT_VERSION, TRACE_COLUMNS, stage_trace_columns


@pytest.fixture(scope="module")
def result():
    return scenarios.get("spinal_cord_injury").run(seed=7, duration_s=3.0)


def test_shapes_are_as_documented(result):
    n_out = int(result.duration_s * result.output_rate_hz)
    n_steps = int(round(result.duration_s * 1000 / result.dt_ms))
    for name in ("time_s", "command", "afferent_input", "force_N", "emg_mV",
                 "population_rate_hz", "pic_activation", "inhibition", "renshaw_activity"):
        assert getattr(result, name).shape == (n_out,), name
    assert result.spike_times_s.shape == result.spike_units.shape
    assert np.all(np.diff(result.spike_times_s) >= 0)
    assert result.membrane_mV.shape == (n_steps, result.recorded_units.size)
    assert result.rheobase_nA.shape == (result.n_units,)
    assert result.force_percent.max() <= 100.0


def test_arrays_are_read_only_and_fields_frozen(result):
    with pytest.raises(ValueError):
        result.force_N[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.seed = 3


def test_repr_is_readable(result):
    text = repr(result)
    assert "spinal_cord_injury" in text and "120 units" in text and "seed 7" in text


def test_save_load_round_trip_is_exact(result, tmp_path):
    path = result.save(tmp_path / "run.npz")
    loaded = SimulationResult.load(path)
    for f in dataclasses.fields(SimulationResult):
        a, b = getattr(result, f.name), getattr(loaded, f.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=f.name)
            assert a.dtype == b.dtype, f.name
        elif isinstance(a, dict):  # the stages' traces
            assert a.keys() == b.keys() and a, f.name
            for name in a:
                np.testing.assert_array_equal(a[name], b[name], err_msg=name)
                assert a[name].dtype == b[name].dtype, name
        else:
            assert a == b, f.name


def test_load_rejects_corrupt_foreign_and_other_version_files(result, tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(ValueError, match="not a readable neurosim result file"):
        SimulationResult.load(bad)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, x=np.arange(3))
    with pytest.raises(ValueError, match="not a neurosim result file"):
        SimulationResult.load(foreign)
    with pytest.raises(ValueError, match="does not exist"):
        SimulationResult.load(tmp_path / "missing.npz")
    # same file with a bumped version number
    path = result.save(tmp_path / "v.npz")
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["metadata_json"]))
    meta["version"] = FORMAT_VERSION + 1
    arrays["metadata_json"] = np.array(json.dumps(meta))
    np.savez(tmp_path / "v2.npz", **arrays)
    with pytest.raises(ValueError, match=f"format version {FORMAT_VERSION + 1}"):
        SimulationResult.load(tmp_path / "v2.npz")


def test_saved_file_contains_no_pickles(result, tmp_path):
    path = result.save(tmp_path / "run.npz")
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            header = z.read(name)[:128]
            assert b"'descr': '|O'" not in header, name


def test_csv_export_has_documented_columns(result, tmp_path):
    path = result.to_csv(tmp_path / "run.csv")
    header = path.read_text().splitlines()[0].split(",")
    assert header == list(TRACE_COLUMNS) + list(stage_trace_columns())  # core, then stages'
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    assert data.shape == (result.time_s.size, len(header))
    np.testing.assert_allclose(data[:, header.index("force_N")], result.force_N, rtol=1e-5,
                               atol=1e-9)
