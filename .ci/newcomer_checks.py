"""After the quick start: open notebook 00 as a student would, and start the dashboard.

Run by ``.ci/run`` inside the fresh virtual environment the README's lines installed into:

1. executes ``notebooks/00_start_here.ipynb`` top to bottom on a fresh kernel with
   ``notebooks/`` as the working directory (where JupyterLab starts a notebook);
2. starts ``neurosim dashboard`` on a free 127.0.0.1 port, fetches its page, and stops it.

Exits non-zero, with one line saying what failed, if either does not work.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_notebook_00() -> None:
    import nbformat
    from nbclient import NotebookClient

    path = ROOT / "notebooks" / "00_start_here.ipynb"
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    print(f"notebook 00 ran top to bottom from {path.parent}")


def fetch_dashboard(timeout_s: float = 120.0) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["neurosim", "dashboard", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
                    body = page.read().decode("utf-8", "replace")
                if page.status == 200 and body.strip():
                    print(f"dashboard answered on port {port} ({len(body)} bytes)")
                    return
            except OSError:
                pass
            if server.poll() is not None:
                raise SystemExit(f"neurosim dashboard exited early: {server.stdout.read()[-2000:]}")
            if time.monotonic() > deadline:
                raise SystemExit(f"neurosim dashboard did not answer within {timeout_s:g} s")
            time.sleep(1.0)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    run_notebook_00()
    fetch_dashboard()
