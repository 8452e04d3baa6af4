"""Helpers shared by the browser tests of the served dashboard (importable: pytest puts tests/
on sys.path).

``served_dashboard`` starts ``python -m neurosim dashboard`` on a free port of 127.0.0.1 and
yields its URL; ``dashboard_server`` does the same but yields the server (URL and PID, for
tests that look at its processes). Both stop the server by its process group, then end any
kernel it leaves behind by PID. ``browser_page`` drives Debian's headless Chromium
(``/usr/bin/chromium``; never ``playwright install``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking"]
READY_TIMEOUT_S = 90.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclasses.dataclass(frozen=True)
class DashboardServer:
    """A running ``neurosim dashboard``: its URL and the PID of the ``neurosim`` process
    (the Voila server is its child, the kernels are Voila's children)."""

    url: str
    pid: int


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive now (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # the process ended meanwhile
        # the command name (field 2) may contain spaces and ')': the PPID follows the last ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        if os.path.exists(f"/proc/{p}"):
            tree.append(p)
            todo.extend(children.get(p, []))
    return tree


def cmdline(pid: int) -> str:
    """The command line of ``pid`` ("" if it has ended)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def kernel_pids(server_pid: int) -> list[int]:
    """The PIDs of the kernels the dashboard server runs now."""
    return [p for p in process_tree(server_pid) if "ipykernel_launcher" in cmdline(p)]


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants (VmRSS from /proc), in bytes."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024  # reported in kB
                        break
        except OSError:
            continue  # ended meanwhile
    return total


@contextlib.contextmanager
def dashboard_server(*extra_args):
    """Start the dashboard server; yield a :class:`DashboardServer`; stop it (whole process
    group, then any kernel left: kernels run in sessions of their own)."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "neurosim", "dashboard", "--port",
                               str(port), *extra_args], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"dashboard server exited early:\n{server.stdout.read()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1.0).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"dashboard not listening on port {port} after "
                                       f"{READY_TIMEOUT_S:g} s")
                time.sleep(0.2)
        yield DashboardServer(f"http://127.0.0.1:{port}/", server.pid)
    finally:
        stop_server(server)


@contextlib.contextmanager
def served_dashboard(*extra_args):
    """Start the dashboard server; yield its URL; stop it (whole process group)."""
    with dashboard_server(*extra_args) as server:
        yield server.url


@contextlib.contextmanager
def chromium():
    """Launch Debian's headless Chromium; yield the Playwright browser; close it."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def browser_page(width=1600, height=1300):
    with chromium() as browser:
        yield browser.new_page(viewport={"width": width, "height": height})


# ---------------------------------------------------------------- the dashboard page
STABLE_FOR_S = 1.0


def image_state(page):
    """Position, displayed and natural size, and a short fingerprint of the figure image."""
    return page.evaluate("""() => {
        const img = document.querySelector('.ns-figure-area img');
        if (!img || !img.complete || !img.naturalWidth) return null;
        const r = img.getBoundingClientRect();
        return {x: r.x, y: r.y, w: r.width, h: r.height, nw: img.naturalWidth,
                nh: img.naturalHeight, src: img.src.length + ':' + img.src.slice(-40)};
    }""")


def settled_image(page, timeout_s: float = 90.0, *, differs_from=None):
    """Wait until the figure is drawn at its displayed size and stays so for a moment."""
    deadline = time.monotonic() + timeout_s
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        state = image_state(page)
        if state != last:
            last, since = state, time.monotonic()
        elif (state is not None and abs(state["nw"] - state["w"]) <= 1
              and abs(state["nh"] - state["h"]) <= 1
              and (differs_from is None or state["src"] != differs_from["src"])
              and time.monotonic() - since >= STABLE_FOR_S):
            return state
        time.sleep(0.1)
    raise AssertionError(f"the figure never settled at its displayed size: {last}")


def open_page(page, url: str, query: str = ""):
    page.set_default_timeout(READY_TIMEOUT_S * 1000)
    page.goto(url + (f"?{query}" if query else ""))
    # the page has measured the figure area and the figure was drawn at that size (under
    # load the first picture, at a default size, can be on screen for a while before that)
    page.wait_for_selector(".ns-figure-area.ns-sized img[src]")
    return settled_image(page)


def readout(page, label: str):
    """The box beside the slider labelled ``label``, where a value can be typed."""
    row = page.locator(".ns-controls .widget-hbox", has=page.locator(
        "label", has_text=label)).filter(has=page.locator(".ns-readout"))
    return row.first.locator(".ns-readout input")


def stop_server(server: subprocess.Popen, *, timeout_s: float = 15.0) -> None:
    """Stop a server started in its own session (SIGTERM to its process group, SIGKILL if it
    does not end), then end any kernel it leaves behind by PID.

    Servers shut their kernels down when they stop; a kernel still there afterwards (same
    PID, same command line: not a reused PID) is killed here.
    """
    kernels = {p: cmdline(p) for p in kernel_pids(server.pid)}
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    if server.stdout is not None:
        server.stdout.close()
    deadline = time.monotonic() + 10
    while kernels and time.monotonic() < deadline:
        kernels = {p: c for p, c in kernels.items() if cmdline(p) == c}
        time.sleep(0.2)
    for p in kernels:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)
