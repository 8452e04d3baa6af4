"""The served dashboard as a lecture hall sees it: Chromium at a projector's 1024 × 768 and
at 1920 × 1080, in normal and projector mode.

One server (``neurosim dashboard``) serves every page; the state comes from the page
address. What must hold: the whole figure is inside the window without scrolling, drawn
at the size it is shown (no scaling), the cards sit in one row, the controls fold away,
the figure-only mode gives the figure the width, the address keeps the state across a
reload, downloads arrive and uploads load, a key press acts, and the needle EMG's view
plays its recording from a player above the figure.

Run as a script to refresh the layout screenshots in ``figures/``::

    python tests/test_dashboard_layout.py figures
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from neurosim import Parameters, measurements
from neurosim.sound import AUDIO_RATE_HZ

from browser_helpers import (CHROMIUM, browser_page, image_state, open_page, readout,
                             served_dashboard, settled_image)

pytest.importorskip("playwright")

SIZES = ((1024, 768), (1920, 1080))


@pytest.fixture(scope="module")
def url():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    with served_dashboard("--scenario", "spinal_cord_injury") as address:
        yield address


def _inside_window(box, width, height) -> bool:
    return (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["w"] <= width + 0.5
            and box["y"] + box["h"] <= height + 0.5)


@pytest.mark.parametrize("projector", [False, True], ids=["normal", "projector"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_whole_figure_is_on_screen_at_the_size_it_is_drawn(url, size, projector, tmp_path):
    width, height = size
    with browser_page(width, height) as page:
        image = open_page(page, url, "scenario=spinal_cord_injury"
                          + ("&projector=1" if projector else ""))
        assert _inside_window(image, width, height), (image, size)
        assert page.evaluate("() => window.scrollY") == 0
        # drawn at the size shown: never scaled up (blurred) or down (tiny labels)
        assert image["nw"] == round(image["w"]) and image["nh"] == round(image["h"])
        assert image["w"] >= 0.55 * width and image["h"] >= 0.5 * height, image
        cards = page.locator(".ns-card")
        assert cards.count() >= 3
        tops = {round(cards.nth(i).bounding_box()["y"]) for i in range(cards.count())}
        assert len(tops) == 1, f"cards in {len(tops)} rows"
        for i in range(cards.count()):
            box = cards.nth(i).bounding_box()
            assert box["x"] + box["width"] <= width + 0.5
        assert "teaching toy, not a clinical model" in page.inner_text(".ns-banner")
        assert "at least 0.5 s" in page.inner_text(".ns-figure-column .ns-definition")  # what a spasm is
        page.screenshot(path=str(tmp_path / "layout.png"))


def test_the_needle_view_plays_its_recording_beside_a_readable_figure(url):
    # a student hears fibrillations ("rain on a tin roof") on a projector's 1024 × 768:
    # the player and the whole figure on screen, no sideways scrolling
    width, height = 1024, 768
    with browser_page(width, height) as page:
        image = open_page(page, url, "scenario=nerve_injury_recovery&view=test:needle")
        assert _inside_window(image, width, height), image
        assert image["nw"] == round(image["w"]) and image["nh"] == round(image["h"])
        assert image["w"] >= 0.6 * width and image["h"] >= 0.55 * height, image
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
        assert "Needle EMG at rest" in page.inner_text(".ns-figure-column .ns-definition")
        fibrillations = page.locator(".ns-card[data-reading='fibrillation potentials'] .ns-value")
        assert float(fibrillations.inner_text().split()[0]) > 0
        player = page.locator(".ns-figure-column audio")
        assert player.count() == 1 and player.is_visible()
        box = player.bounding_box()
        assert _inside_window({"x": box["x"], "y": box["y"], "w": box["width"],
                               "h": box["height"]}, width, height), box
        assert box["y"] + box["height"] <= image["y"]  # above the figure, not over it
        sound = page.evaluate("""async () => {
          const a = document.querySelector('.ns-figure-column audio');
          const r = await fetch(a.src);
          const b = new DataView(await r.arrayBuffer());
          const text = (i, n) => String.fromCharCode(
            ...new Uint8Array(b.buffer, i, n));
          return {src: a.src, type: r.headers.get('content-type'), controls: a.controls,
                  riff: text(0, 4), wave: text(8, 4), channels: b.getUint16(22, true),
                  rate: b.getUint32(24, true), bits: b.getUint16(34, true),
                  data: b.byteLength - 44};
        }""")
        assert sound["src"] and sound["controls"], sound
        assert sound["type"] == "audio/wav" and (sound["riff"], sound["wave"]) == ("RIFF", "WAVE")
        # the whole rest recording of the needle measurement, 16-bit mono at the audio rate
        rest_s = measurements.measure("needle", [measurements.Case("healthy", Parameters())],
                                      seed=0).runs[0].duration_s
        assert (sound["channels"], sound["bits"], sound["rate"]) == (1, 16, AUDIO_RATE_HZ)
        assert sound["data"] / (2 * sound["rate"]) == pytest.approx(rest_s, abs=0.01)
        player.evaluate("a => a.play()")
        deadline = time.monotonic() + 30
        while player.evaluate("a => a.currentTime") == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert player.evaluate("a => !a.paused && a.currentTime > 0 && a.error === null")
        assert player.evaluate("a => a.duration") == pytest.approx(rest_s, abs=0.05)


def test_controls_fold_away_and_figure_only_mode_gives_the_figure_the_width(url):
    with browser_page(1280, 800) as page:
        first = open_page(page, url)
        assert page.locator(".ns-controls").is_visible()
        page.get_by_role("button", name="Controls").click()
        wider = settled_image(page, differs_from=first)
        assert not page.locator(".ns-controls").is_visible()
        assert wider["w"] > first["w"] + 200 and _inside_window(wider, 1280, 800)
        page.get_by_role("button", name="Controls").click()
        again = settled_image(page, differs_from=wider)
        page.get_by_role("button", name="Figure only").click()
        alone = settled_image(page, differs_from=again)
        assert alone["w"] >= 1280 - 60 and _inside_window(alone, 1280, 800)


def test_the_address_keeps_the_state_across_a_reload(url):
    with browser_page(1600, 1000) as page:
        open_page(page, url, "scenario=stroke_like&view=test:reflex")
        definition = page.inner_text(".ns-figure-column .ns-definition")
        assert "Stretch reflex at three velocities" in definition
        name = "Presynaptic inhibition"
        box = readout(page, name)
        before = image_state(page)
        box.fill("0.5")
        box.press("Enter")
        settled_image(page, differs_from=before)
        deadline = time.monotonic() + 30
        while "set=" not in page.url and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "scenario=stroke_like" in page.url and "view=test:reflex" in page.url
        assert "set=" in page.url, page.url
        page.reload()
        page.wait_for_selector(".ns-figure-area.ns-sized img[src]")
        settled_image(page)
        assert readout(page, name).input_value() == "0.5"
        changed = page.locator(".widget-slider.ns-changed label")
        assert changed.count() == 1 and changed.first.inner_text() == name


def test_a_typed_mistake_is_explained_next_to_its_slider(url):
    with browser_page(1600, 1000) as page:
        open_page(page, url)
        slider = page.locator(".ns-controls .widget-slider", has=page.locator(
            "label", has_text="Presynaptic inhibition"))
        box = readout(page, "Presynaptic inhibition")
        box.fill("0,5")
        box.press("Enter")
        message = page.locator(".ns-field-error, .ns-error").filter(has_text="0,5")
        message.wait_for()
        assert "Use a dot for decimals: 0.5" in message.inner_text()
        # the message sits under its slider, not at the top of the page
        assert message.bounding_box()["y"] > slider.bounding_box()["y"]
        assert message.bounding_box()["y"] - slider.bounding_box()["y"] < 150


def test_downloads_arrive_and_an_upload_loads_them(url, tmp_path):
    with browser_page(1600, 1000) as page:
        open_page(page, url, "scenario=healthy&set=pic.strength:0.9")
        with page.expect_download() as info:
            page.get_by_role("button", name="Download settings").click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert json.loads(saved.read_text())["changes"]["pic.strength"] == 0.9
        with page.expect_download() as info:
            page.get_by_role("button", name="Download figure (PNG)").click()
        png = tmp_path / info.value.suggested_filename
        info.value.save_as(png)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with browser_page(1600, 1000) as page:
        before = open_page(page, url, "scenario=stroke_like")
        with page.expect_file_chooser() as chooser:  # the browser's own file picker
            page.locator(".ns-files .widget-upload").click()
        chooser.value.set_files(str(saved))
        page.locator(".ns-files .ns-info").filter(has_text="Loaded").wait_for()
        settled_image(page, differs_from=before)
        assert "pic.strength:0.9" in page.url or "scenario=healthy" in page.url


def test_a_key_press_moves_to_the_next_scenario(url):
    with browser_page(1600, 1000) as page:
        before = open_page(page, url, "scenario=healthy")
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("n")
        settled_image(page, differs_from=before)
        deadline = time.monotonic() + 30
        while "scenario=recruitment_ramp" not in page.url and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "scenario=recruitment_ramp" in page.url


def test_every_control_has_a_name_for_keyboard_and_screen_reader_users(url):
    with browser_page(1600, 1000) as page:
        open_page(page, url)
        unnamed = page.evaluate("""() => {
          const out = [];
          const controls = document.querySelectorAll(
            '.ns-app button, .ns-app select, .ns-app input, .ns-app [role=slider]');
          for (const el of controls) {
            if (el.offsetParent === null || el.type === 'file') continue;
            const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
            const name = el.getAttribute('aria-label') || label || el.title
              || (el.tagName === 'BUTTON' ? el.innerText : '');
            if (!name || !name.trim() || name === 'null') out.push(el.outerHTML.slice(0, 120));
          }
          return out;
        }""")
        assert unnamed == []
        handles = page.locator(".ns-controls [role=slider]")
        assert handles.count() >= 10
        handle = page.locator(".ns-controls [role=slider][aria-label='Presynaptic inhibition']")
        before = readout(page, "Presynaptic inhibition").input_value()
        handle.focus()
        page.keyboard.press("ArrowRight")  # one useful step, not 1/200 of the range
        deadline = time.monotonic() + 30
        while readout(page, "Presynaptic inhibition").input_value() == before \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        after = float(readout(page, "Presynaptic inhibition").input_value())
        assert after == pytest.approx(float(before) + 0.1)


def main(out_dir: str) -> None:
    """Save a screenshot of each layout (size × mode) into ``out_dir``."""
    with served_dashboard("--scenario", "spinal_cord_injury") as address:
        for width, height in SIZES:
            for projector in (False, True):
                with browser_page(width, height) as page:
                    open_page(page, address, "scenario=spinal_cord_injury"
                              + ("&projector=1" if projector else ""))
                    mode = "projector" if projector else "normal"
                    page.screenshot(path=str(Path(out_dir) / f"dashboard_{width}x{height}_"
                                                               f"{mode}.png"))


if __name__ == "__main__":
    main(sys.argv[1])
