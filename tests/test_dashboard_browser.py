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

from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, browser_page, open_page, readout, served_dashboard, \
    settled_image

def test_slider_redraws_plot_and_metrics_in_chromium(tmp_path):
    pytest.importorskip("playwright")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    with served_dashboard("--scenario", "spinal_cord_injury") as url, browser_page() as page:
        before = open_page(page, url)
        page.wait_for_selector(".ns-card")
        assert "teaching toy, not a clinical model" in page.inner_text(".ns-banner")
        assert "import" not in page.inner_text("body")  # no code cells visible
        card = page.locator(".ns-card[data-reading='longest spasm'] .ns-value")
        before_metric = card.inner_text()
        box = readout(page, "Presynaptic inhibition")
        box.fill("1.6")
        box.press("Enter")
        settled_image(page, differs_from=before)
        after_metric = card.inner_text()
        assert after_metric != before_metric
        changed = page.locator(".widget-slider.ns-changed")
        assert changed.count() == 1
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
