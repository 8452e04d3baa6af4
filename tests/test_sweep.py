"""Tests of neurosim.sweep: grids, executors (local processes, Dask), resume, validation,
the result file, plots and the ``neurosim sweep`` command."""

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from disk_helpers import fill_disk_after, refuse_new_files
from distributed import Client, LocalCluster
from plot_helpers import label_count

import neurosim
from neurosim import Parameters, SweepResult, _cache, plotting, scenarios, simulate
from neurosim.cli import main
from neurosim.sweep import (BUILTIN_MAPS, METRICS, Metric, SweepFailure, SweepFailureWarning,
                            SweepInterrupted, axis_spec, builtin_map, peak_force_percent, sweep)

RUNNERS = sys.modules["neurosim.sweep.runners"]  # where the sweep calls simulate

SHORT_S = 2.0  # simulated time of the small sweeps (s): the volley comes at 1 s
SMALL_GRID = {"combined.inhibition_loss": [0.0, 1.0], "pic.strength": [0.25, 1.0]}


def _assert_same(a: SweepResult, b: SweepResult) -> None:
    assert a.metric_names == b.metric_names
    for name in a.metric_names:
        np.testing.assert_array_equal(a[name], b[name])


# --------------------------------------------------------------------- executors
@pytest.fixture(scope="module")
def local_reference():
    """The small sweep run in this process (executor=1)."""
    return sweep("healthy", SMALL_GRID, ["peak_force_percent", "spasm_count"], seeds=(0, 3),
                 duration_s=SHORT_S, executor=1, progress=False)


def test_local_processes_equal_in_process(local_reference):
    pooled = sweep("healthy", SMALL_GRID, ["peak_force_percent", "spasm_count"], seeds=(0, 3),
                   duration_s=SHORT_S, executor=2, progress=False)
    _assert_same(pooled, local_reference)
    force = local_reference["peak_force_percent"]
    assert force.shape == (2, 2, 2)
    assert np.unique(force).size > 1  # the grid really changes the runs


def test_dask_local_cluster_gives_identical_arrays(local_reference):
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster:
        with Client(cluster) as client:
            on_client = sweep("healthy", SMALL_GRID, ["peak_force_percent", "spasm_count"],
                              seeds=(0, 3), duration_s=SHORT_S, executor=client,
                              progress=False)
        by_address = sweep("healthy", SMALL_GRID, ["peak_force_percent", "spasm_count"],
                           seeds=(0, 3), duration_s=SHORT_S,
                           executor=cluster.scheduler_address, progress=False)
    _assert_same(on_client, local_reference)
    _assert_same(by_address, local_reference)


def test_point_reproduces_a_direct_simulation():
    """Every point runs with the replicate's seed itself (common random numbers)."""
    result = sweep("spinal_cord_injury", {"pic.strength": [0.6, 1.0]}, "peak_force_percent",
                   seeds=(5,), duration_s=SHORT_S, executor=1, progress=False)
    scenario = scenarios.get("spinal_cord_injury")
    direct = simulate(scenario.parameters.with_changes(**{"pic.strength": 0.6}),
                      scenario.protocol, SHORT_S, seed=5)
    assert result["peak_force_percent"][0, 0] == peak_force_percent(direct)


# --------------------------------------------------------------------- resume
CALLS = {"n": 0, "fail_after": None}


def _counted_force(result):
    """Peak force, counting calls; Ctrl-C (KeyboardInterrupt) once ``fail_after`` calls
    were made."""
    if CALLS["fail_after"] is not None and CALLS["n"] >= CALLS["fail_after"]:
        raise KeyboardInterrupt
    CALLS["n"] += 1
    return peak_force_percent(result)


COUNTED = Metric("counted_force", "% of max", "Peak force", "Peak force, counted.", _counted_force)


def test_resume_after_ctrl_c_recomputes_nothing_done(tmp_path):
    grid = {"pic.strength": [0.25, 0.5, 1.0], "inhibition.presynaptic": [0.2, 1.0]}
    n_runs = 6 * 2
    CALLS.update(n=0, fail_after=5)
    with pytest.raises(SweepInterrupted, match=r"after 5 of 12 runs; the finished runs are "
                                               r"kept in .*run the same sweep again") as info:
        sweep("healthy", grid, [COUNTED], seeds=(0, 1), duration_s=SHORT_S, executor=1,
              cache_dir=tmp_path, progress=False)
    assert isinstance(info.value, KeyboardInterrupt)  # Ctrl-C still stops callers
    assert (info.value.n_finished, info.value.n_runs) == (5, 12)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json"] * 5  # no temp file

    CALLS.update(n=0, fail_after=None)
    resumed = sweep("healthy", grid, [COUNTED], seeds=(0, 1), duration_s=SHORT_S, executor=1,
                    cache_dir=tmp_path, progress=False)
    assert CALLS["n"] == n_runs - 5
    assert resumed.n_from_cache == 5

    CALLS.update(n=0)
    again = sweep("healthy", grid, [COUNTED], seeds=(0, 1), duration_s=SHORT_S, executor=1,
                  cache_dir=tmp_path, progress=False)
    assert CALLS["n"] == 0 and again.n_from_cache == n_runs
    fresh = sweep("healthy", grid, [COUNTED], seeds=(0, 1), duration_s=SHORT_S, executor=1,
                  progress=False)
    _assert_same(resumed, fresh)
    _assert_same(again, fresh)


def test_cache_is_keyed_by_what_was_run(tmp_path):
    """A different seed or duration is a different run; a process pool reads the cache too."""
    grid = {"pic.strength": [0.25, 1.0]}
    first = sweep("healthy", grid, "peak_force_percent", seeds=(0,), duration_s=SHORT_S,
                  executor=2, cache_dir=tmp_path, progress=False)
    assert first.n_from_cache == 0
    same = sweep("healthy", grid, "peak_force_percent", seeds=(0,), duration_s=SHORT_S,
                 executor=2, cache_dir=tmp_path, progress=False)
    assert same.n_from_cache == 2
    _assert_same(same, first)
    other_seed = sweep("healthy", grid, "peak_force_percent", seeds=(0, 1), duration_s=SHORT_S,
                       executor=1, cache_dir=tmp_path, progress=False)
    assert other_seed.n_from_cache == 2
    longer = sweep("healthy", grid, "peak_force_percent", seeds=(0,), duration_s=SHORT_S + 0.5,
                   executor=1, cache_dir=tmp_path, progress=False)
    assert longer.n_from_cache == 0


# --------------------------------------------------------------------- a cache that cannot go stale
PACKAGE = Path(neurosim.__file__).parent


def _package_copy(tmp_path) -> Path:
    copy = tmp_path / "neurosim"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _one_byte_changed(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] = ord(" ") if data[-1] != ord(" ") else ord("\n")
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("source", ["engine.py", "junction.py", "parameters.py", "analysis.py",
                                    "metrics.py", "protocols.py"])
def test_model_digest_changes_with_one_byte_of_a_model_source(tmp_path, source):
    copy = _package_copy(tmp_path)
    assert _cache.model_digest(root=copy) == _cache.model_digest()
    _one_byte_changed(copy / source)
    assert _cache.model_digest(root=copy) != _cache.model_digest()


def test_model_digest_counts_a_new_model_file_and_ignores_figures_and_the_cli(tmp_path):
    copy = _package_copy(tmp_path)
    for ui in ("plotting/base.py", "cli/parser.py", "widgets.py", "livefigure.py"):
        _one_byte_changed(copy / ui)
    assert _cache.model_digest(root=copy) == _cache.model_digest()
    (copy / "tendon.py").write_text('"""A new stage, listed nowhere."""\n')
    assert _cache.model_digest(root=copy) != _cache.model_digest()


def test_a_changed_model_recomputes_the_cached_points(tmp_path, monkeypatch):
    """An unchanged model reads every point from the cache; after a change to the model
    (its digest) every point is computed again, and the entries say which model made them."""
    grid = {"pic.strength": [0.25, 1.0]}
    kwargs = dict(seeds=(0,), duration_s=SHORT_S, executor=1, cache_dir=tmp_path,
                  progress=False)
    CALLS.update(n=0, fail_after=None)
    first = sweep("healthy", grid, [COUNTED], **kwargs)
    assert CALLS["n"] == 2 and first.n_from_cache == 0
    assert first.model_digest == _cache.model_digest()
    entries = [json.loads(p.read_text()) for p in tmp_path.glob("*.json")]
    assert [e["model"] for e in entries] == [first.model_digest] * 2

    CALLS.update(n=0)
    same = sweep("healthy", grid, [COUNTED], **kwargs)
    assert CALLS["n"] == 0 and same.n_from_cache == 2
    _assert_same(same, first)

    monkeypatch.setattr(_cache, "model_digest", lambda **_: "0123456789abcdef")
    CALLS.update(n=0)
    changed = sweep("healthy", grid, [COUNTED], **kwargs)
    assert CALLS["n"] == 2 and changed.n_from_cache == 0
    assert changed.model_digest == "0123456789abcdef"
    assert len(list(tmp_path.glob("*.json"))) == 4  # the old model's entries are not reused

    CALLS.update(n=0)
    again = sweep("healthy", grid, [COUNTED], **kwargs)
    assert CALLS["n"] == 0 and again.n_from_cache == 2


def test_an_entry_filed_under_this_model_but_made_by_another_is_computed_again(tmp_path):
    kwargs = dict(seeds=(0,), duration_s=0.2, executor=1, cache_dir=tmp_path, progress=False)
    sweep("healthy", {"pic.strength": [1.0]}, "peak_force_percent", **kwargs)
    (entry,) = tmp_path.glob("*.json")
    entry.write_text(json.dumps({**json.loads(entry.read_text()), "model": "not this one"}))
    with pytest.warns(RuntimeWarning, match=r"model = 'not this one' was computed by another "
                                            r"version of the model.*computing this run again"):
        again = sweep("healthy", {"pic.strength": [1.0]}, "peak_force_percent", **kwargs)
    assert again.n_from_cache == 0


# --------------------------------------------------------------------- failing runs
def _simulate_failing_at(monkeypatch, strength, *, seed=None, calls=None):
    """Make the sweep's simulate raise the analysis's error at ``pic.strength = strength``
    (for every seed, or one); count the calls in ``calls``."""
    real = RUNNERS.simulate

    def simulate_or_fail(parameters, *args, **kwargs):
        if calls is not None:
            calls.append(parameters.get("pic.strength"))
        if parameters.get("pic.strength") == strength and seed in (None, kwargs.get("seed")):
            raise ValueError("unit 0 received no nerve impulse (the shock was too weak)")
        return real(parameters, *args, **kwargs)

    monkeypatch.setattr(RUNNERS, "simulate", simulate_or_fail)


def test_a_failing_run_is_recorded_and_the_others_complete(tmp_path, monkeypatch):
    grid = {"combined.inhibition_loss": [0.0, 1.0], "pic.strength": [0.25, 1.0]}
    calls = []
    _simulate_failing_at(monkeypatch, 1.0, seed=3, calls=calls)
    with pytest.warns(SweepFailureWarning, match=r"2 of 8 runs failed .*pic\.strength = 1, "
                                                 r"seed 3: ValueError: unit 0 received no"):
        result = sweep("healthy", grid, ["peak_force_percent"], seeds=(0, 3),
                       duration_s=SHORT_S, executor=1, cache_dir=tmp_path / "cache",
                       progress=False)
    assert len(calls) == 8  # every run was tried
    force = result["peak_force_percent"]
    failed = np.zeros(force.shape, bool)
    failed[:, 1, 1] = True  # pic.strength = 1.0 (index 1), seed 3 (index 1)
    assert np.isnan(force[failed]).all() and np.isfinite(force[~failed]).all()
    assert result.failures == (
        SweepFailure((0, 1), {"combined.inhibition_loss": 0.0, "pic.strength": 1.0}, 3,
                     "ValueError: unit 0 received no nerve impulse (the shock was too weak)"),
        SweepFailure((1, 1), {"combined.inhibition_loss": 1.0, "pic.strength": 1.0}, 3,
                     "ValueError: unit 0 received no nerve impulse (the shock was too weak)"))
    assert "2 failed" in repr(result)
    loaded = SweepResult.load(result.save(tmp_path / "sweep.npz"))
    assert loaded.failures == result.failures
    np.testing.assert_array_equal(loaded["peak_force_percent"], force)

    # failed runs are not cached: a rerun (now succeeding) computes only those
    monkeypatch.undo()
    _simulate_failing_at(monkeypatch, None, calls=calls)
    calls.clear()
    again = sweep("healthy", grid, ["peak_force_percent"], seeds=(0, 3), duration_s=SHORT_S,
                  executor=1, cache_dir=tmp_path / "cache", progress=False)
    assert calls == [1.0, 1.0] and again.n_from_cache == 6 and again.failures == ()
    np.testing.assert_array_equal(again["peak_force_percent"][~failed], force[~failed])


def _force_failing_at_strength_half(result):
    """Peak force; fails at pic.strength = 0.5 (module level: worker processes import it)."""
    if result.parameters.pic.strength == 0.5:
        raise RuntimeError("no force trace at this point")
    return peak_force_percent(result)


FAILING_AT_HALF = Metric("force_or_fail", "% of max", "Peak force", "Fails at 0.5.",
                         _force_failing_at_strength_half)


def test_a_failing_run_in_worker_processes_is_recorded(tmp_path):
    with pytest.warns(SweepFailureWarning, match="1 of 3 runs failed"):
        result = sweep("healthy", {"pic.strength": [0.25, 0.5, 1.0]}, [FAILING_AT_HALF],
                       duration_s=SHORT_S, executor=2, progress=False)
    values = result["force_or_fail"][:, 0]
    assert np.isnan(values[1]) and np.isfinite(values[[0, 2]]).all()
    assert result.failure_summary() == ("1 of 3 runs failed (NaN in the result): "
                                        "pic.strength = 0.5, seed 0: RuntimeError: no force "
                                        "trace at this point")


def test_failure_summary_lists_the_first_few(local_reference):
    failures = [SweepFailure((i, 0), local_reference.point(i, 0), 0, f"ValueError: bad {i}")
                for i in range(2)] + \
               [SweepFailure((i, 1), local_reference.point(i, 1), 3, "ZeroDivisionError")
                for i in range(2)]
    result = SweepResult(**{**{f: getattr(local_reference, f) for f in (
        "label", "axis_names", "axis_values", "axis_units", "axis_labels", "metric_names",
        "metric_units", "metric_labels", "metric_thresholds", "values", "seeds", "parameters",
        "protocol", "setup", "duration_s", "dt_ms")}, "failures": failures})
    text = result.failure_summary()
    assert text.startswith("4 of 8 runs failed (NaN in the result): "
                           "combined.inhibition_loss = 0, pic.strength = 0.25, seed 0: "
                           "ValueError: bad 0; ")
    assert text.endswith("; and 1 more") and "\n" not in text
    assert result.failure_summary(limit=10).count("seed") == 4
    assert local_reference.failure_summary() == "all 8 runs finished"


def test_a_full_disk_stops_the_sweep_naming_the_cache_entry(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    entry_size = len(json.dumps(dict(seed=0, model=_cache.model_digest(),
                                     values={"peak_force_percent": 1.2345678901234})))
    fill_disk_after(monkeypatch, cache, 2 * entry_size + 10)  # room for two entries
    calls = []
    _simulate_failing_at(monkeypatch, None, calls=calls)
    with pytest.raises(OSError, match="No space left on device") as info:
        sweep("healthy", {"pic.strength": [0.25, 0.5, 0.75, 1.0]}, "peak_force_percent",
              duration_s=SHORT_S, executor=1, cache_dir=cache, progress=False)
    assert info.value.errno == errno.ENOSPC
    assert Path(info.value.filename).parent == cache and info.value.filename.endswith(".json")
    assert len(calls) == 3  # stopped at the first entry that did not fit
    assert sorted(p.suffix for p in cache.iterdir()) == [".json"] * 2  # whole entries only


@pytest.mark.parametrize("grid, metrics, pattern", [
    ({"pic.strength": [0.5, 5.0]}, "spasm_duration_s",
     r"pic\.strength = 5 dimensionless is out of range: allowed \[0, 2\]"),
    ({"junction.ache_activity": [-0.1]}, "spasm_duration_s",
     r"junction\.ache_activity = -0\.1 .*allowed \[0, 1\]"),
    ({"nerve.central_delay_ms": [1e6]}, "spasm_duration_s",
     r"nerve\.central_delay_ms = 1e\+06 ms is out of range: allowed \[.*\] \(ms\)"),
    ({"pic.strenght": [1.0]}, "spasm_duration_s",
     r"unknown parameter 'pic\.strenght'; did you mean pic\.strength"),
    ({"pic.strength": []}, "spasm_duration_s",
     r"grid axis 'pic\.strength' is empty: .*\[0, 2\] \(dimensionless\)"),
    ({"pic.strength": ["strong"]}, "spasm_duration_s",
     r"pic\.strength = 'strong' must be a number in \[0, 2\]"),
    ({"combined.inhibition_loss": [1.5]}, "spasm_duration_s",
     r"combined\.inhibition_loss = 1\.5 dimensionless is out of range: allowed \[0, 1\]"),
    ({"protocol.velocity_deg_s": [10.0, 5000.0]}, "reflex_torque_Nm",
     r"velocity_deg_s = 5000 deg/s is out of range: allowed \[1, 1000\] \(deg/s\)"),
    ({"protocol.velocity_deg_s": [10.0]}, "spasm_duration_s",
     r"protocol\.velocity_deg_s.*no metric of this sweep has a measurement set-up"),
    ({"pool.n_units": [100.5]}, "spasm_duration_s",
     r"pool\.n_units = 100\.5 must be a whole number in \[1, 20000\]"),
    ({"pic.strength": [1.0]}, "spasm_lenght", r"unknown metric 'spasm_lenght'; known: "),
    ({"pic.strength": [1.0]}, ["reflex_torque_Nm", "epp_decay_ms"], r"different protocols"),
    ({"combined.inhibition_loss": [0.5], "inhibition.presynaptic": [1.0]}, "spasm_count",
     r"both set inhibition\.presynaptic"),
    ([{"pic.strength": 1.0}, {"pic.strength": 9.0}], "spasm_count",
     r"pic\.strength = 9 dimensionless is out of range"),
    ({}, "spasm_count", r"grid is empty"),
])
def test_bad_grids_fail_before_any_work(tmp_path, grid, metrics, pattern):
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match=pattern):
        sweep("healthy", grid, metrics if isinstance(metrics, list) else [metrics],
              executor=1, cache_dir=cache, progress=False)
    assert not cache.exists()  # nothing was started, not even the cache


def test_bad_seeds_and_base():
    with pytest.raises(ValueError, match=r"seeds = 3 must be a sequence"):
        sweep("healthy", {"pic.strength": [1.0]}, "spasm_count", seeds=3)
    with pytest.raises(ValueError, match=r"seed -1 must be a whole number ≥ 0"):
        sweep("healthy", {"pic.strength": [1.0]}, "spasm_count", seeds=(0, -1))
    with pytest.raises(ValueError, match=r"unknown scenario 'nope'"):
        sweep("nope", {"pic.strength": [1.0]}, "spasm_count")


def test_axis_spec_reads_units_from_metadata():
    assert axis_spec("protocol.velocity_deg_s", "stretch").unit == "deg/s"
    assert axis_spec("junction.quantal_content").unit == "quanta"
    assert axis_spec("combined.inhibition_loss").max == 1.0


# --------------------------------------------------------------------- progress
def test_progress_bar_reaches_100_percent(tmp_path, capsys):
    sweep("healthy", {"pic.strength": [0.25, 1.0]}, "spasm_count", seeds=(0, 1),
          duration_s=SHORT_S, executor=1, cache_dir=tmp_path, progress=True)
    err = capsys.readouterr().err
    final = err.replace("\r", "\n").strip().splitlines()[-1]
    assert "100%" in final and "4/4" in final
    sweep("healthy", {"pic.strength": [0.25, 1.0]}, "spasm_count", seeds=(0, 1),
          duration_s=SHORT_S, executor=1, cache_dir=tmp_path, progress=True)
    final = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert "100%" in final and "4/4" in final  # all from the cache: complete at once
    sweep("healthy", {"pic.strength": [0.25]}, "spasm_count", duration_s=SHORT_S,
          executor=1, progress=False)
    assert "%" not in capsys.readouterr().err


# --------------------------------------------------------------------- result file
def test_save_load_round_trip_is_identical(tmp_path, local_reference):
    path = local_reference.save(tmp_path / "sweep.npz")
    loaded = SweepResult.load(path)
    _assert_same(loaded, local_reference)
    for name in ("label", "axis_names", "axis_units", "axis_labels", "metric_names",
                 "metric_units", "metric_labels", "metric_thresholds", "setup", "duration_s",
                 "dt_ms", "points", "model_digest", "n_from_cache"):
        assert getattr(loaded, name) == getattr(local_reference, name), name
    for a, b in zip(loaded.axis_values, local_reference.axis_values):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.seeds, local_reference.seeds)
    assert loaded.parameters == local_reference.parameters
    assert loaded.protocol.to_dict() == local_reference.protocol.to_dict()
    assert repr(loaded) == repr(local_reference)
    with np.load(path, allow_pickle=False) as data:  # nothing pickled
        assert json.loads(str(data["metadata_json"]))["format"] == "neurosim-sweep"


def test_list_grid_and_nan_metric_round_trip(tmp_path):
    points = [{"spindle.gain": 3.0}, {"spindle.gain": 0.5, "inhibition.descending": 1.0}]
    result = sweep("stroke_like", points, "clonus_frequency_hz", executor=1, progress=False)
    assert result.axis_names == ("point",) and result.points == tuple(points)
    freq = result["clonus_frequency_hz"][:, 0]
    assert 3.0 <= freq[0] <= 12.0  # the stroke-like limb beats
    assert np.isnan(freq[1])  # low gain, inhibition back: no clonus, NaN
    loaded = SweepResult.load(result.save(tmp_path / "points.npz"))
    _assert_same(loaded, result)
    assert loaded.points == result.points and result.point(1) == points[1]


def test_load_rejects_other_files(tmp_path):
    run = simulate(duration_s=0.1, seed=0).save(tmp_path / "run.npz")
    with pytest.raises(ValueError, match="not a neurosim sweep file"):
        SweepResult.load(run)
    with pytest.raises(ValueError, match="does not exist"):
        SweepResult.load(tmp_path / "missing.npz")


def test_older_files_without_failures_load_and_a_corrupt_list_is_rejected(tmp_path,
                                                                           local_reference):
    path = local_reference.save(tmp_path / "sweep.npz")
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["metadata_json"]))
    for failures, expect in ((None, ()), (["not a failure"], "corrupt list of failed runs")):
        if failures is None:
            meta.pop("failures")
        else:
            meta["failures"] = failures
        arrays["metadata_json"] = np.array(json.dumps(meta))
        np.savez(tmp_path / "edited.npz", **arrays)
        if expect == ():
            assert SweepResult.load(tmp_path / "edited.npz").failures == ()
        else:
            with pytest.raises(ValueError, match=expect):
                SweepResult.load(tmp_path / "edited.npz")


def test_mean_and_spread_over_seeds(local_reference):
    force = local_reference["peak_force_percent"]
    np.testing.assert_allclose(local_reference.mean("peak_force_percent"), force.mean(axis=-1))
    np.testing.assert_allclose(local_reference.std("peak_force_percent"), force.std(axis=-1))
    assert "peak_force_percent" in repr(local_reference) and "2 seeds" in repr(local_reference)


def test_a_sweep_file_from_before_the_model_digest_loads(tmp_path, local_reference):
    path = local_reference.save(tmp_path / "sweep.npz")
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["metadata_json"]))
    meta["neurosim_version"] = "0.1.0"
    del meta["model_digest"]
    arrays["metadata_json"] = np.array(json.dumps(meta))
    old = tmp_path / "old.npz"
    np.savez_compressed(old, **arrays)
    loaded = SweepResult.load(old)
    assert loaded.model_digest == ""
    _assert_same(loaded, local_reference)


# --------------------------------------------------------------------- science
def test_spasm_duration_grows_as_inhibition_falls():
    result = sweep("healthy", {"combined.inhibition_loss": [0.0, 0.5, 1.0],
                               "pic.strength": [1.0]}, "spasm_duration_s", seeds=(0, 1),
                   duration_s=5.0, progress=False)
    duration = result.mean("spasm_duration_s")[:, 0]
    assert duration[0] == 0.0  # healthy inhibition holds the PIC in check
    assert np.all(np.diff(duration) >= 0)
    assert duration[2] > duration[0] + 1.0  # seconds of involuntary force once it is lost


def test_repetitive_fibre_firing_needs_low_ache():
    result = sweep(Parameters(), {"junction.ache_activity": [1.0, 0.05]},
                   ["fibre_aps_per_impulse", "epp_decay_ms"], progress=False)
    assert result.setup == "nerve_shock"
    aps = result["fibre_aps_per_impulse"][:, 0]
    assert aps[0] == pytest.approx(1.0, abs=0.05)  # one impulse, one AP
    assert aps[1] > 1.5  # lingering ACh fires the fibres again
    decay = result["epp_decay_ms"][:, 0]
    assert decay[1] > decay[0]


def test_reflex_grows_with_spindle_gain_over_velocity_axis():
    result = sweep("stretch_reflex", {"spindle.gain": [1.0, 4.0],
                                      "protocol.velocity_deg_s": [40.0, 100.0]},
                   "reflex_torque_Nm", progress=False)
    torque = result["reflex_torque_Nm"][..., 0]
    assert np.all(torque[1] > torque[0])
    assert np.isnan(result.duration_s)  # each velocity has its own duration
    assert result.unit("protocol.velocity_deg_s") == "deg/s"


def test_builtin_maps_are_well_formed():
    for spec in BUILTIN_MAPS.values():
        assert spec.metric in METRICS
        axis_spec(spec.x_axis[0], METRICS[spec.metric].setup)
        axis_spec(spec.y_axis[0], METRICS[spec.metric].setup)
    result = builtin_map("junction_ache_quanta", resolution=2, executor=1, progress=False)
    assert result.shape == (2, 2) and result.label == "junction_ache_quanta"
    with pytest.raises(ValueError, match=r"resolution = 1 .* allowed \[2, 201\]"):
        builtin_map("junction_ache_quanta", resolution=1)


# --------------------------------------------------------------------- plots
def test_phase_diagram_has_units_contour_and_label():
    result = sweep("healthy", {"combined.inhibition_loss": [0.0, 0.5, 1.0],
                               "pic.strength": [0.25, 1.0, 1.5]}, "spasm_duration_s",
                   duration_s=5.0, progress=False)
    ax = plotting.phase_diagram(result, "spasm_duration_s")
    assert ax.get_xlabel() == "Inhibition loss" and ax.get_ylabel() == "PIC strength"
    mesh = [c for c in ax.collections if c.get_gid() == "map"]
    assert len(mesh) == 1 and mesh[0].get_array().shape == (3, 3)
    assert any(c.get_gid() == "threshold" for c in ax.figure.findobj()
               if hasattr(c, "get_gid"))
    colourbar = ax.figure.axes[-1]
    assert colourbar.get_ylabel() == "Spasm duration (total) (s)"
    assert label_count(ax.figure) == 1
    with pytest.raises(ValueError, match="needs a sweep with 2 axes"):
        plotting.phase_diagram(sweep("healthy", {"pic.strength": [1.0]}, "spasm_count",
                                     duration_s=SHORT_S, executor=1, progress=False),
                               "spasm_count")


def test_sweep_line_shows_mean_and_spread(local_reference):
    ax = plotting.sweep_line(local_reference, "peak_force_percent", axis="pic.strength",
                             fixed={"combined.inhibition_loss": 1.0})
    mean = [ln for ln in ax.get_lines() if ln.get_gid() == "mean"][0]
    np.testing.assert_allclose(mean.get_ydata(),
                               local_reference.mean("peak_force_percent")[1])
    assert any(c.get_gid() == "spread" for c in ax.collections)
    assert ax.get_ylabel() == "Peak force (% of max)"
    assert label_count(ax.figure) == 1
    with pytest.raises(ValueError, match="needs fixed="):
        plotting.sweep_line(local_reference, "peak_force_percent", axis="pic.strength")


# --------------------------------------------------------------------- CLI
def test_cli_sweep_writes_result_and_figure(tmp_path, capsys):
    out, figure = tmp_path / "map.npz", tmp_path / "map.png"
    status = main(["sweep", "healthy", "--vary", "combined.inhibition_loss=0:1:2",
                   "--vary", "pic.strength=0.25,1.0", "--metric", "spasm_count",
                   "--duration", str(SHORT_S), "--workers", "1", "--no-progress",
                   "--out", str(out), "--figure", str(figure)])
    assert status == 0
    loaded = SweepResult.load(out)
    assert loaded.axis_names == ("combined.inhibition_loss", "pic.strength")
    np.testing.assert_array_equal(loaded.axis_values[0], [0.0, 1.0])
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {out}" in capsys.readouterr().out


def test_cli_sweep_grid_file(tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text('[grid]\npic.strength = {start = 0.5, stop = 1.0, n = 3}\n')
    out = tmp_path / "line.npz"
    assert main(["sweep", "healthy", "--grid", str(grid), "--metric", "peak_force_percent",
                 "--duration", str(SHORT_S), "--workers", "1", "--no-progress",
                 "--out", str(out)]) == 0
    np.testing.assert_allclose(SweepResult.load(out).axis_values[0], [0.5, 0.75, 1.0])


@pytest.mark.parametrize("args, pattern", [
    (["--vary", "pic.strength=0:1"], "expected START:STOP:N"),
    (["--vary", "pic.strength=0:1:x"], r"expected START:STOP:N .*\[0, 2\]"),
    (["--vary", "pic.strength"], "--vary expects NAME=START:STOP:N"),
    (["--vary", "pic.strength=0:3:2"], r"pic\.strength = 3 dimensionless is out of range"),
    (["--vary", "pic.strenght=0:1:2"], "unknown parameter 'pic.strenght'"),
])
def test_cli_bad_vary_exits_2_with_one_line(tmp_path, capsys, args, pattern):
    status = main(["sweep", "healthy", *args, "--metric", "spasm_count", "--workers", "1",
                   "--no-progress", "--out", str(tmp_path / "x.npz")])
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("neurosim: error: ")
    assert re.search(pattern, err)
    assert not (tmp_path / "x.npz").exists()


def test_cli_builtin_map_and_its_misuse(tmp_path, capsys):
    figure = tmp_path / "junction.png"
    assert main(["sweep", "--map", "junction_ache_quanta", "--resolution", "2", "--workers",
                 "1", "--no-progress", "--figure", str(figure)]) == 0
    assert figure.read_bytes()[:4] == b"\x89PNG"
    capsys.readouterr()
    assert main(["sweep", "healthy", "--map", "junction_ache_quanta", "--figure",
                 str(figure)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--map computes a built-in map" in err


@pytest.mark.parametrize("option, target, pattern", [
    ("--out", "file/map.npz", r"cannot write '.*file/map\.npz': '.*file' is not a directory"),
    ("--out", "missing/map.npz", r"directory '.*missing' does not exist"),
    ("--out", "locked/map.npz", r"directory '.*locked' is not writable"),
    ("--figure", "file/map.png", r"'.*file' is not a directory"),
    ("--figure", "locked/map.svg", r"directory '.*locked' is not writable"),
    ("--cache", "file", r"cache_dir '.*file' exists and is not a directory"),
    ("--cache", "locked", r"cache_dir: .*'.*locked' is not writable"),
])
def test_cli_sweep_bad_destination_fails_before_any_run(tmp_path, capsys, monkeypatch, option,
                                                        target, pattern):
    """Checked before the sweep: as root permission bits never fail, so a parent that is a
    file and a directory refusing new files (simulated) are caught by probing."""
    (tmp_path / "file").write_text("a file, not a directory")
    (tmp_path / "locked").mkdir()
    refuse_new_files(monkeypatch, tmp_path / "locked")
    calls = []
    _simulate_failing_at(monkeypatch, None, calls=calls)
    outputs = [] if option == "--out" else ["--out", str(tmp_path / "ok.npz")]
    status = main(["sweep", "healthy", "--vary", "pic.strength=0.25,1.0", "--metric",
                   "spasm_count", "--duration", str(SHORT_S), "--workers", "1",
                   "--no-progress", option, str(tmp_path / target), *outputs])
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("neurosim: error: ")
    assert re.search(pattern, err), err
    assert calls == []  # no simulation ran
    assert not (tmp_path / "ok.npz").exists()


def test_cli_sweep_with_a_failing_run_writes_the_rest_and_exits_1(tmp_path, capsys,
                                                                 monkeypatch):
    out, figure = tmp_path / "map.npz", tmp_path / "map.png"
    _simulate_failing_at(monkeypatch, 0.25)
    status = main(["sweep", "healthy", "--vary", "combined.inhibition_loss=0,1",
                   "--vary", "pic.strength=0.25,1.0", "--metric", "peak_force_percent",
                   "--duration", str(SHORT_S), "--workers", "1", "--no-progress",
                   "--out", str(out), "--figure", str(figure)])
    captured = capsys.readouterr()
    assert status == 1
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err  # one line, no warning or traceback besides
    assert lines[0] == (
        "neurosim: error: 2 of 4 runs failed (NaN in the result): "
        "combined.inhibition_loss = 0, pic.strength = 0.25, seed 0: ValueError: unit 0 "
        "received no nerve impulse (the shock was too weak); combined.inhibition_loss = 1, "
        "pic.strength = 0.25, seed 0: ValueError: unit 0 received no nerve impulse (the "
        "shock was too weak); the output holds NaN for them")
    assert f"wrote {out}" in captured.out and f"wrote {figure}" in captured.out
    loaded = SweepResult.load(out)
    force = loaded["peak_force_percent"][..., 0]
    assert np.isnan(force[:, 0]).all() and np.isfinite(force[:, 1]).all()
    assert [f.index for f in loaded.failures] == [(0, 0), (1, 0)]
    assert figure.read_bytes()[:4] == b"\x89PNG"


def test_cli_sweep_ctrl_c_keeps_finished_runs_and_resumes(tmp_path, capsys, monkeypatch):
    cache, out = tmp_path / "cache", tmp_path / "line.npz"
    args = ["sweep", "healthy", "--vary", "pic.strength=0:1:5", "--metric",
            "peak_force_percent", "--duration", str(SHORT_S), "--workers", "1",
            "--no-progress", "--cache", str(cache), "--out", str(out)]
    calls = []
    real = RUNNERS.simulate

    def interrupted_at_third(*a, **k):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(RUNNERS, "simulate", interrupted_at_third)
    assert main(args) == 130
    captured = capsys.readouterr()
    assert captured.err == (f"neurosim: sweep interrupted after 2 of 5 runs; the finished "
                            f"runs are kept in {str(cache)!r}; run the same sweep again to "
                            f"resume\n")
    assert captured.out == "" and not out.exists()
    assert sorted(p.suffix for p in cache.iterdir()) == [".json"] * 2

    monkeypatch.undo()
    calls.clear()
    _simulate_failing_at(monkeypatch, None, calls=calls)  # counts, fails nowhere
    assert main(args) == 0
    assert len(calls) == 3  # only the runs the interruption left
    assert "2 of 5 runs read from the cache" in capsys.readouterr().out


def test_cli_sweep_ctrl_c_stops_worker_processes_with_one_line(tmp_path):
    """A real SIGINT to the process group (as Ctrl-C in a terminal) during a pooled sweep:
    one line, status 130, no worker tracebacks, and the finished runs resume."""
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "neurosim", "sweep", "healthy", "--vary",
               "pic.strength=0:1:40", "--metric", "peak_force_percent", "--duration",
               str(SHORT_S), "--workers", "2", "--no-progress", "--cache", str(cache),
               "--out", str(tmp_path / "x.npz")]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 240
        while not (cache.is_dir() and len(list(cache.glob("*.json"))) >= 2):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc.returncode == 0:
        pytest.skip("the sweep finished before the interrupt arrived")
    assert proc.returncode == 130, err
    lines = [line for line in err.splitlines() if "compiling the simulation engine" not in line]
    assert len(lines) == 1 and lines[0].startswith("neurosim: sweep interrupted after "), err
    assert "run the same sweep again to resume" in lines[0]
    n_kept = int(re.search(r"after (\d+) of 40 runs", lines[0]).group(1))
    n_files = len(list(cache.glob("*.json")))
    # the signal may land between writing an entry and counting it
    assert n_files >= 2 and n_kept in (n_files, n_files - 1), (n_kept, n_files)
    assert not [p for p in cache.iterdir() if p.suffix != ".json"]  # no temp files
    assert not (tmp_path / "x.npz").exists()
