"""The core install works without the extras; a missing extra is one clear message.

A missing package is simulated by putting ``None`` in ``sys.modules`` under its name: Python
then refuses to import it (``ModuleNotFoundError``) and ``importlib.util.find_spec`` reports
it as absent, exactly as when it is not installed.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from neurosim import _extras
from neurosim.cli import main

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD_INSTALL = 'python -m pip install "neurosim-teaching[dashboard]"'


def _hide(monkeypatch, *names):
    """Make the modules ``names`` (and their submodules already imported) unimportable."""
    for loaded in list(sys.modules):
        if any(loaded == n or loaded.startswith(n + ".") for n in names):
            monkeypatch.delitem(sys.modules, loaded)
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


def test_install_commands_name_the_distribution_and_the_extra():
    assert _extras.install_command("dashboard") == DASHBOARD_INSTALL
    assert _extras.install_command("sweep") == 'python -m pip install "neurosim-teaching[sweep]"'
    with pytest.raises(ValueError, match=r"extra = 'gui' is not one of neurosim's extras: "
                                         r"dashboard, notebooks, sweep"):
        _extras.install_command("gui")


def test_the_extras_table_matches_pyproject():
    """Every extra neurosim checks for is declared in pyproject.toml, and declares what it
    checks for (by distribution name: pillow provides PIL, dask[distributed] provides
    distributed)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    provides = {"PIL": "pillow", "distributed": "dask[distributed]", "IPython": "ipython"}
    for extra, modules in _extras.EXTRAS.items():
        declared = " ".join(extras[extra])
        for module in modules:
            assert provides.get(module, module) in declared, (extra, module)


def test_missing_modules_lists_what_is_hidden(monkeypatch):
    assert _extras.missing_modules("dashboard") == []  # the test environment has them all
    _hide(monkeypatch, "voila", "anywidget")
    assert _extras.missing_modules("dashboard") == ["voila", "anywidget"]


def test_dashboard_command_without_the_extra_is_one_line_with_the_install_command(
        capsys, monkeypatch):
    _hide(monkeypatch, "voila", "ipywidgets")

    def no_server(*args, **kwargs):
        raise AssertionError("the server must not be started without the dashboard extra")

    monkeypatch.setattr(subprocess, "Popen", no_server)
    code = main(["dashboard", "--port", "0"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err == ("neurosim: error: the dashboard needs the 'dashboard' extra (missing: "
                   f"ipywidgets, voila); install it with: {DASHBOARD_INSTALL}\n")


def test_widgets_without_ipywidgets_is_an_import_error_with_the_install_command(monkeypatch):
    _hide(monkeypatch, "ipywidgets", "neurosim.widgets")
    monkeypatch.delitem(sys.modules, "neurosim.widgets")  # unhidden, so it is imported anew
    with pytest.raises(ImportError, match=r"neurosim.widgets needs the 'dashboard' extra, "
                                          r"which is not installed \(missing: ipywidgets\); "
                                          r"install it with: python -m pip install "
                                          r"\"neurosim-teaching\[dashboard\]\"") as info:
        importlib.import_module("neurosim.widgets")
    assert info.value.name == "ipywidgets"


def test_browser_bridge_without_anywidget_is_an_import_error_with_the_install_command(
        monkeypatch):
    _hide(monkeypatch, "anywidget", "neurosim.browser")
    monkeypatch.delitem(sys.modules, "neurosim.browser")
    with pytest.raises(ImportError, match=r"neurosim.browser needs the 'dashboard' extra.*"
                                          r"missing: anywidget.*neurosim-teaching\[dashboard\]"):
        importlib.import_module("neurosim.browser")


def test_a_dask_executor_without_dask_names_the_sweep_extra(monkeypatch):
    from neurosim.sweep import runners

    _hide(monkeypatch, "distributed")
    with pytest.raises(ValueError, match=r"a Dask executor needs dask.distributed \(the "
                                         r"'sweep' extra\); install it with: python -m pip "
                                         r"install \"neurosim-teaching\[sweep\]\""):
        runners._import_distributed()


def test_the_core_works_without_any_extra(tmp_path):
    """In a fresh interpreter where every extra's packages are unimportable: import
    neurosim, run a scenario, analyse it, draw and save a figure, run the command line."""
    hidden = sorted({m for modules in _extras.EXTRAS.values() for m in modules} - {"PIL"}
                    | {"traitlets", "jupyter_server", "nbformat", "dask"})
    script = textwrap.dedent(f"""
        import sys
        for name in {hidden!r}:
            sys.modules[name] = None
        import matplotlib
        matplotlib.use("Agg")
        import neurosim
        from neurosim import analysis, plotting
        from neurosim.cli import main
        result = neurosim.scenarios.get("healthy").run(seed=0, duration_s=0.5)
        assert result.force_N.size > 0
        analysis.firing_statistics(result)
        ax = plotting.force(result)
        plotting.save_figure(ax.figure, {str(tmp_path / "force.png")!r})
        assert main(["list"]) == 0
        loaded = [m for m in {hidden!r} if sys.modules.get(m) is not None]
        assert not loaded, loaded
        print("core ok", neurosim.__version__)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines()[-1] == f"core ok {__import__('neurosim').__version__}"
    assert (tmp_path / "force.png").stat().st_size > 1000
