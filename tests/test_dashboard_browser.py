"""The served dashboard in a real browser: Voila + Debian's headless Chromium.

Starts ``python -m neurosim dashboard`` on a free port of 127.0.0.1, waits for the
port to accept connections, drives Chromium with Playwright (``/usr/bin/chromium``;
never ``playwright install``), moves a slider, waits until the plot image has
changed and stayed stable, checks that a metric readout changed, saves a
screenshot, and stops the server by its process group.

The layout at lecture-hall sizes, and the screenshots in ``figures/``, are in
``test_dashboard_layout.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, READY_TIMEOUT_S, browser_page, served_dashboard

STABLE_FOR_S = 1.0


def _image_src(page) -> str:
    return page.get_attribute(".ns-app img", "src") or ""


def wait_until_image_changes(page, old_src: str, timeout_s: float = 60.0) -> str:
    """Wait until the plot image differs from ``old_src`` and then stays the same."""
    deadline = time.monotonic() + timeout_s
    current, since = old_src, time.monotonic()
    while time.monotonic() < deadline:
        src = _image_src(page)
        if src != current:
            current, since = src, time.monotonic()
        elif current != old_src and time.monotonic() - since >= STABLE_FOR_S:
            return current
        time.sleep(0.1)
    raise AssertionError("the plot image did not change (or never settled)")


def set_slider(page, label: str, value: float) -> None:
    """Type a value into the box beside the slider labelled ``label`` (like a user)."""
    row = page.locator(".ns-controls .widget-hbox", has=page.locator(
        f"label:text-is('{label}')")).filter(has=page.locator(".ns-readout"))
    readout = row.first.locator(".ns-readout input")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{value:g}")
    page.keyboard.press("Enter")


def open_dashboard(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".ns-app img[src]", timeout=READY_TIMEOUT_S * 1000)
    page.wait_for_selector(".ns-card", timeout=30_000)


def test_slider_redraws_plot_and_metrics_in_chromium(tmp_path):
    pytest.importorskip("playwright")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    with served_dashboard("--scenario", "spinal_cord_injury") as url, browser_page() as page:
        open_dashboard(page, url)
        assert "teaching toy, not a clinical model" in page.inner_text(".ns-banner")
        assert "import" not in page.inner_text("body")  # no code cells visible
        card = page.locator(".ns-card[data-reading='longest spasm'] .ns-value")
        before_metric = card.inner_text()
        before_src = _image_src(page)
        set_slider(page, "Presynaptic inhibition", 1.6)
        wait_until_image_changes(page, before_src)
        after_metric = card.inner_text()
        assert after_metric != before_metric
        changed = page.locator(".widget-slider.ns-changed")
        assert changed.count() == 1
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
