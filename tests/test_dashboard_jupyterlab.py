"""The apps in JupyterLab: a notebook with ``explorer(...)`` and ``dashboard(...)``, run in a
real JupyterLab server and Debian's headless Chromium (``/usr/bin/chromium``; never
``playwright install``).

``python -m jupyter lab`` serves a temporary folder on a free port of 127.0.0.1 (no token,
no password, no browser, nothing fetched from the internet, its own config, runtime,
settings and workspace folders) with ``window.jupyterapp`` exposed; the page opens the
notebook and runs every cell through JupyterLab's own command. Both apps must render, each
figure drawn at exactly the size it is shown (the anywidget bridge measured it in JupyterLab
too), no figure wider than its output area, and the teaching-toy banner visible. The server
is stopped by its process group; a kernel left behind is ended by its PID.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, _free_port, browser_page, stop_server

pytest.importorskip("playwright")
pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (pip install -e '.[dev]' "
                    "or '.[notebooks]' installs it)")

NOTEBOOK = "neurosim_apps.ipynb"
CELLS = (('from neurosim.widgets import dashboard, explorer\n'
         'explorer("spinal_cord_injury", ["pic.strength"])'),  # cell 1 (two lines)
         'dashboard("stroke_like")')  # cell 2
READY_TIMEOUT_S = 60.0
RENDER_TIMEOUT_S = 90.0
SETTLE_S = 1.0


def _notebook() -> dict:
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": f"cell{i}",
                       "metadata": {}, "outputs": [], "source": source}
                      for i, source in enumerate(CELLS)],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                        "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


@contextlib.contextmanager
def jupyter_lab(root: Path):
    """Start JupyterLab serving ``root``; yield its base URL; stop it and its kernels."""
    port = _free_port()
    private = root.parent / "jupyter-private"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(private / "config"),
               JUPYTER_RUNTIME_DIR=str(private / "runtime"))
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", "--IdentityProvider.token=",
               "--ServerApp.password=", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly", "--ServerApp.terminals_enabled=False",
               f"--LabApp.user_settings_dir={private / 'settings'}",
               f"--LabApp.workspaces_dir={private / 'workspaces'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers, CI
        command.append("--allow-root")
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early:\n{server.stdout.read()}")
            try:
                with urllib.request.urlopen(url + "api/status", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab not answering on port {port} after "
                                   f"{READY_TIMEOUT_S:g} s")
            time.sleep(0.3)
        yield url
    finally:
        stop_server(server, timeout_s=20.0)


_FIGURES = """() => Array.from(document.querySelectorAll('.ns-app')).map((app) => {
    const img = app.querySelector('.ns-figure-area img');
    const output = app.closest('.jp-OutputArea-output') || app.closest('.jp-OutputArea');
    const o = output ? output.getBoundingClientRect() : null;
    if (!img) return {img: false};
    const r = img.getBoundingClientRect();
    return {img: true, complete: img.complete, src: img.src, nw: img.naturalWidth,
            nh: img.naturalHeight, left: r.left, right: r.right, w: r.width, h: r.height,
            output_left: o && o.left, output_right: o && o.right,
            output_width: output && output.clientWidth,
            output_overflows: output ? output.scrollWidth > output.clientWidth + 1 : null};
})"""


def _settled(page, index: int, timeout_s: float = RENDER_TIMEOUT_S) -> dict:
    """The figure of app ``index`` once it is drawn at its shown size and stays so."""
    deadline = time.monotonic() + timeout_s
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        figures = page.evaluate(_FIGURES)
        state = figures[index] if len(figures) > index else None
        if state != last:
            last, since = state, time.monotonic()
        elif (state and state["img"] and state["complete"] and state["nw"]
              and abs(state["nw"] - state["w"]) <= 1 and abs(state["nh"] - state["h"]) <= 1
              and time.monotonic() - since >= SETTLE_S):
            return state
        time.sleep(0.2)
    raise AssertionError(f"figure {index} never settled at its shown size: {last}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab with the notebook run in Chromium at 1280 × 900: (page, settled figures)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    root.mkdir()
    (root / NOTEBOOK).write_text(json.dumps(_notebook(), indent=1))
    # never ask about (or fetch) Jupyter news: the question would cover part of the page
    settings = base / "jupyter-private" / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    with jupyter_lab(root) as url, browser_page(1280, 900) as page:
        page.set_default_timeout(RENDER_TIMEOUT_S * 1000)
        page.goto(url + f"lab/tree/{NOTEBOOK}")
        page.wait_for_function("""() => {
            const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            return !!(panel && panel.context && panel.context.isReady && panel.sessionContext
                      && panel.sessionContext.session);
        }""")
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function("() => document.querySelectorAll("
                               "'.ns-app .ns-figure-area img[src]').length === 2")
        apps = page.locator(".ns-app")
        figures = []
        for i in range(apps.count()):
            # JupyterLab skips the layout of cells out of view (content-visibility): each app
            # is measured, and drawn at its size, once it is scrolled into view
            apps.nth(i).locator(".ns-figure-area img").scroll_into_view_if_needed()
            figures.append(_settled(page, i))
        yield page, figures


def test_explorer_and_dashboard_render_at_their_shown_size_in_jupyterlab(lab):
    page, figures = lab
    apps = page.locator(".ns-app")
    assert apps.count() == 2 and len(figures) == 2
    for i, figure in enumerate(figures):
        # drawn at the size shown: never scaled (the bridge measured the output area)
        assert figure["nw"] == round(figure["w"]) and figure["nh"] == round(figure["h"]), \
            (i, figure)
        assert figure["w"] >= 300, (i, figure)  # a real figure, not a fallback minimum
        # inside the notebook's output area: no horizontal overflow
        assert figure["output_width"], (i, figure)
        assert figure["w"] <= figure["output_width"] + 0.5, (i, figure)
        assert figure["left"] >= figure["output_left"] - 0.5, (i, figure)
        assert figure["right"] <= figure["output_right"] + 0.5, (i, figure)
        assert not figure["output_overflows"], (i, figure)
        banner = apps.nth(i).locator(".ns-banner")
        banner.scroll_into_view_if_needed()
        assert banner.is_visible()
        assert "teaching toy, not a clinical model" in banner.inner_text()
    assert apps.nth(1).locator(".ns-header select").count() >= 1  # the full dashboard
    errors = page.locator(".ns-app .ns-error")
    assert errors.count() == 0, errors.all_inner_texts()


@pytest.mark.parametrize("index", [
    0,
    1,
], ids=["explorer", "dashboard"])
def test_the_figure_is_tall_enough_to_read_in_jupyterlab(lab, index):
    _, figures = lab
    figure = figures[index]
    assert figure["h"] >= 0.4 * figure["w"], figure


def test_no_stray_matplotlib_output_under_the_apps(lab):
    page, _ = lab
    stray = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-OutputArea img'))
        .filter((img) => !img.closest('.ns-app')).length""")
    assert stray == 0
