"""The dashboard server in a real lecture hall: no kernel leak, no internet.

Drives Debian's headless Chromium (Playwright, ``/usr/bin/chromium``) against
``neurosim dashboard`` on a free port of 127.0.0.1:

* opening and closing 20 pages (four tabs at a time, each waiting for the plot) leaves no
  kernel and no memory behind (Voila's page shuts its kernel down on ``beforeunload``; that
  used to be refused with a 403, see neurosim/app/voila.py);
* the page asks nothing of any host but 127.0.0.1, and works with every other request
  aborted (lecture halls are often offline).

Kernels are counted as the server's ``ipykernel_launcher`` descendant processes (Voila has no
``/api/kernels`` listing; it answers ``/api/kernels/<id>`` for one kernel, which is used to
check that each page's own kernel is gone). Memory is the resident set (VmRSS) of the
server's whole process tree, from /proc.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_helpers import (
    CHROMIUM,
    READY_TIMEOUT_S,
    chromium,
    dashboard_server,
    kernel_pids,
    tree_rss_bytes,
)

N_PAGES = 20
AT_ONCE = 4  # pages loading at the same time, like tabs (N_PAGES is a multiple)
KERNELS_BACK_TIMEOUT_S = 60.0  # for the last page's kernel to go (shutdown takes ~1-5 s)
RSS_MARGIN_MB = 100.0  # for the server's own growth over 20 renders; one kernel is ~300 MB
MB = 1024 * 1024


def _need_browser() -> None:
    pytest.importorskip("playwright", reason="the browser tests need Playwright "
                                             "(pip install -e '.[dev]')")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")


def _is_local(url: str) -> bool:
    """Whether a request goes to the dashboard's own host (data:/about: never leave the page;
    a blob: URL is local when its origin is)."""
    scheme = urlsplit(url).scheme
    if scheme in ("data", "about"):
        return True
    if scheme == "blob":
        return _is_local(url[len("blob:"):])
    return urlsplit(url).hostname == "127.0.0.1"


def _open(page, url: str | None) -> str:
    """Load the dashboard (``url=None``: already loading), wait for its plot image; return the
    page's kernel id."""
    if url is not None:
        page.goto(url)
    page.wait_for_selector(".ns-app img[src]", timeout=READY_TIMEOUT_S * 1000)
    return page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def _kernel_status(base_url: str, kernel_id: str) -> int:
    """HTTP status of the server's REST answer for one kernel (200 running, 404 gone)."""
    try:
        with urllib.request.urlopen(f"{base_url}api/kernels/{kernel_id}", timeout=10) as r:
            json.load(r)
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait_until(condition, timeout_s: float, poll_s: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout_s
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(poll_s)


def test_closing_pages_shuts_their_kernels_down_and_frees_memory():
    _need_browser()
    started = time.monotonic()
    with dashboard_server() as server, chromium() as browser:
        base_kernels = len(kernel_pids(server.pid))
        base_rss = tree_rss_bytes(server.pid)
        # one browser context for all pages, like tabs of one browser: closing a tab does not
        # close the browser, which still sends the page's shutdown beacon
        context = browser.new_context(viewport={"width": 1600, "height": 1300})
        kernel_ids, peak_rss = [], base_rss
        try:
            for _ in range(N_PAGES // AT_ONCE):
                pages = [context.new_page() for _ in range(AT_ONCE)]
                for page in pages:  # start the loads together (a kernel each), then wait
                    page.goto(server.url, wait_until="commit")
                opened = [_open(page, None) for page in pages]
                if not kernel_ids:  # the measurement sees the pages' kernels (running)
                    assert len(kernel_pids(server.pid)) >= base_kernels + AT_ONCE
                    assert all(_kernel_status(server.url, k) == 200 for k in opened)
                kernel_ids += opened
                peak_rss = max(peak_rss, tree_rss_bytes(server.pid))
                for page in pages:
                    page.close(run_before_unload=True)  # as closing the tab does
            assert len(set(kernel_ids)) == N_PAGES  # one kernel per page load

            back = _wait_until(lambda: len(kernel_pids(server.pid)) <= base_kernels,
                               KERNELS_BACK_TIMEOUT_S)
            kernels_after = len(kernel_pids(server.pid))
            rss_ok = _wait_until(
                lambda: tree_rss_bytes(server.pid) <= base_rss + RSS_MARGIN_MB * MB, 30.0)
            rss_after = tree_rss_bytes(server.pid)
            print(f"\n{N_PAGES} pages in {time.monotonic() - started:.0f} s: kernels "
                  f"{base_kernels} -> {kernels_after}; server tree RSS "
                  f"{base_rss / MB:.0f} MB -> {rss_after / MB:.0f} MB "
                  f"(peak {peak_rss / MB:.0f} MB)")
            assert back, (f"{kernels_after - base_kernels} of {N_PAGES} kernels still running "
                          f"{KERNELS_BACK_TIMEOUT_S:g} s after their pages closed")
            assert rss_ok, (f"server memory {rss_after / MB:.0f} MB did not come back within "
                            f"{RSS_MARGIN_MB:g} MB of {base_rss / MB:.0f} MB")
            # the process can end a moment before the server has finished forgetting it
            def known():
                return [k for k in kernel_ids if _kernel_status(server.url, k) != 404]
            _wait_until(lambda: not known(), KERNELS_BACK_TIMEOUT_S)
            still = known()
            assert not still, f"the server still knows {len(still)} closed pages' kernels"
        finally:
            context.close()


def _font_awesome_faces(page) -> list:
    """The Font Awesome font faces the page has loaded (the widgets' button icons)."""
    return page.evaluate("""async () => {
        await document.fonts.ready;
        return Array.from(document.fonts)
            .filter(f => f.family.includes('Font Awesome') && f.status === 'loaded')
            .map(f => f.family + ' ' + f.weight);
    }""")


def test_dashboard_needs_no_host_but_localhost():
    _need_browser()
    with dashboard_server() as server, chromium() as browser:
        context = browser.new_context()
        try:
            # 1. as it is: every request the page makes (and every websocket it opens)
            page = context.new_page()
            seen = []
            page.on("request", lambda r: seen.append(r.url))
            page.on("websocket", lambda ws: seen.append(ws.url))
            _open(page, server.url)
            page.wait_for_load_state("networkidle")
            elsewhere = [u for u in seen if not _is_local(u)]
            assert len(seen) > 10 and any(u.startswith("ws://") for u in seen)  # recorded
            assert elsewhere == [], f"the dashboard asks other hosts than 127.0.0.1: {elsewhere}"
            page.close(run_before_unload=True)

            # 2. offline: every request not to 127.0.0.1 aborted; the dashboard still works
            page = context.new_page()
            aborted, failed = [], []

            def only_local(route):
                if _is_local(route.request.url):
                    route.continue_()
                else:
                    aborted.append(route.request.url)
                    route.abort("internetdisconnected")

            page.route("**/*", only_local)
            page.on("requestfailed", lambda r: failed.append((r.url, r.failure)))
            _open(page, server.url)
            page.wait_for_load_state("networkidle")
            assert page.locator(".ns-card").count() > 0
            assert "teaching toy, not a clinical model" in page.inner_text(".ns-banner")
            assert page.eval_on_selector(".ns-app img", "i => i.complete && i.naturalWidth > 100")
            assert _font_awesome_faces(page), "the buttons' Font Awesome icons did not load"
            assert aborted == [], f"offline, these requests failed: {aborted}"
            assert failed == [], f"failed requests: {failed}"
            page.close(run_before_unload=True)
        finally:
            context.close()
