"""Saves never destroy data: every writer replaces its file atomically, a failed write
(disk full, Ctrl-C) leaves the old file intact and no temporary file behind, and the
error names the file that was asked for."""

from __future__ import annotations

import errno
import json
import os
import stat

import matplotlib.pyplot as plt
import numpy as np
import pytest
from disk_helpers import fill_disk_after, refuse_new_files

from neurosim import SimulationResult, SweepResult, plotting, scenarios
from neurosim._atomic import atomic_open, check_writable, write_bytes, write_text
from neurosim.scenarios import Scenario

ENOSPC_PATTERN = "No space left on device"


def _only(directory, *names):
    """The directory holds exactly ``names``: nothing half-written, no temporary file."""
    assert sorted(p.name for p in directory.iterdir()) == sorted(names)


@pytest.fixture(scope="module")
def result():
    return scenarios.get("spinal_cord_injury").run(seed=3, duration_s=2.0)


# ------------------------------------------------------------------ the helper
@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
                                   KeyboardInterrupt(), RuntimeError("writer bug")])
def test_a_write_that_fails_midway_changes_nothing(tmp_path, error):
    path = write_bytes(tmp_path / "data.bin", b"old contents")
    with pytest.raises(type(error)) as info:
        with atomic_open(path, "wb") as fh:
            fh.write(b"new contents, half of them")
            raise error
    assert path.read_bytes() == b"old contents"
    _only(tmp_path, "data.bin")
    if isinstance(error, OSError):
        assert info.value.errno == errno.ENOSPC
        assert info.value.filename == str(path)  # the file asked for, not the temp file


def test_a_new_file_that_fails_leaves_nothing(tmp_path):
    with pytest.raises(OSError):
        with atomic_open(tmp_path / "new.txt", "w") as fh:
            fh.write("partial")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    _only(tmp_path)


def test_replacing_keeps_the_permissions_and_writes_through_links(tmp_path):
    path = write_text(tmp_path / "s.json", "{}")
    os.chmod(path, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(path)
    write_text(link, '{"a": 1}')
    assert link.is_symlink() and json.loads(path.read_text()) == {"a": 1}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    _only(tmp_path, "s.json", "link.json")


def test_a_device_is_written_not_replaced():
    write_bytes(os.devnull, b"discarded")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # /dev/null is still the device


def test_check_writable_probes_the_directory(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match=r"'.*file' is not a directory"):
        check_writable(tmp_path / "file" / "x.npz")
    with pytest.raises(ValueError, match=r"directory '.*missing' does not exist"):
        check_writable(tmp_path / "missing" / "x.npz")
    with pytest.raises(ValueError, match="it is a directory"):
        check_writable(tmp_path)
    check_writable(tmp_path / "x.npz")
    _only(tmp_path, "file")  # the probe file is gone again
    locked = tmp_path / "locked"
    locked.mkdir()
    refuse_new_files(monkeypatch, locked)
    with pytest.raises(ValueError, match=r"'.*locked' is not writable \(Read-only file system"):
        check_writable(locked / "x.npz")


# ------------------------------------------------------------------ every writer
def test_result_save_over_an_old_file_that_fails_midway_keeps_it(result, tmp_path, monkeypatch):
    path = result.save(tmp_path / "run.npz")
    before = path.read_bytes()
    fill_disk_after(monkeypatch, tmp_path, 4096)  # a few kilobytes, then the disk is full
    with pytest.raises(OSError, match=ENOSPC_PATTERN) as info:
        result.replace(label="second").save(path)
    assert info.value.filename == str(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert SimulationResult.load(path).label == result.label  # still loads
    _only(tmp_path, "run.npz")


def test_result_csv_that_fails_midway_keeps_the_old_file(result, tmp_path, monkeypatch):
    path = result.to_csv(tmp_path / "run.csv")
    before = path.read_text()
    fill_disk_after(monkeypatch, tmp_path, 2000)
    with pytest.raises(OSError, match=ENOSPC_PATTERN):
        result.to_csv(path)
    monkeypatch.undo()
    assert path.read_text() == before
    _only(tmp_path, "run.csv")


def test_scenario_save_that_fails_midway_keeps_the_old_file(tmp_path, monkeypatch):
    path = scenarios.get("healthy").save(tmp_path / "s.json")
    before = path.read_text()
    fill_disk_after(monkeypatch, tmp_path, 100)
    with pytest.raises(OSError, match=ENOSPC_PATTERN):
        scenarios.get("spinal_cord_injury").save(path)
    monkeypatch.undo()
    assert path.read_text() == before
    assert Scenario.load(path).name == "healthy"
    _only(tmp_path, "s.json")


@pytest.mark.parametrize("suffix", [".png", ".pdf", ".svg"])
def test_figure_save_that_fails_midway_keeps_the_old_file(tmp_path, monkeypatch, suffix):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    path = plotting.save_figure(fig, tmp_path / f"fig{suffix}")
    before = path.read_bytes()
    ax.plot([0, 1], [1, 0])
    fill_disk_after(monkeypatch, tmp_path, 500)
    with pytest.raises(OSError, match=ENOSPC_PATTERN):
        plotting.save_figure(fig, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    _only(tmp_path, f"fig{suffix}")


def test_figure_without_suffix_gets_the_default_format_suffix(tmp_path):
    fig, _ = plt.subplots()
    path = plotting.save_figure(fig, tmp_path / "figure")
    assert path.name == "figure.png" and path.read_bytes()[:4] == b"\x89PNG"
    _only(tmp_path, "figure.png")


def test_sweep_result_save_that_fails_midway_keeps_the_old_file(tmp_path, monkeypatch):
    values = np.arange(4.0).reshape(2, 2, 1)
    sweep_result = SweepResult(
        label="t", axis_names=("a", "b"), axis_values=([0.0, 1.0], [2.0, 3.0]),
        axis_units=("1", "1"), axis_labels=("A", "B"), metric_names=("m",),
        metric_units=("1",), metric_labels=("M",), metric_thresholds=(None,),
        values={"m": values}, seeds=[0], parameters=scenarios.get("healthy").parameters,
        protocol=scenarios.get("healthy").protocol, setup="", duration_s=1.0, dt_ms=0.1)
    path = sweep_result.save(tmp_path / "sweep.npz")
    before = path.read_bytes()
    fill_disk_after(monkeypatch, tmp_path, 300)
    with pytest.raises(OSError, match=ENOSPC_PATTERN):
        sweep_result.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    np.testing.assert_array_equal(SweepResult.load(path)["m"], values)
    _only(tmp_path, "sweep.npz")


def test_dashboard_saves_that_fail_midway_keep_the_old_files(tmp_path, monkeypatch):
    pytest.importorskip("ipywidgets")
    from neurosim import widgets

    app = widgets.dashboard("healthy", compare="off")
    figure = app.save_figure(tmp_path / "fig.png")
    settings = app.save_scenario(tmp_path / "lecture.json")
    old_figure, old_settings = figure.read_bytes(), settings.read_text()
    app.set_value("pic.strength", 1.0)
    fill_disk_after(monkeypatch, tmp_path, 200)
    with pytest.raises(OSError, match=ENOSPC_PATTERN):
        app.save_figure(figure)
    with pytest.raises(OSError, match=ENOSPC_PATTERN):
        app.save_scenario(settings)
    monkeypatch.undo()
    assert figure.read_bytes() == old_figure and settings.read_text() == old_settings
    _only(tmp_path, "fig.png", "lecture.json")
