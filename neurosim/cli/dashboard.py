"""``neurosim dashboard``: serve the instructor dashboard (``neurosim/app``) with Voila on
127.0.0.1 and print its address."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import scenarios
from .._extras import install_command, missing_modules
from .common import PROG


def add_parser(sub) -> None:
    """Add ``neurosim dashboard`` to the subcommands ``sub``."""
    p_dash = sub.add_parser(
        "dashboard", help="serve the instructor dashboard in the browser (Voila)",
        description="Serve the instructor dashboard on http://127.0.0.1:PORT/ with Voila "
                    "(no code visible) and print the address. Stop with Ctrl-C.")
    p_dash.add_argument("--port", type=int, default=8866, metavar="N",
                        help="TCP port on 127.0.0.1 (default 8866; 0 = any free port)")
    p_dash.add_argument("--scenario", default="healthy", metavar="NAME",
                        help="scenario shown first (default: healthy)")
    p_dash.add_argument("--projector", action="store_true",
                        help="start in projector mode (large fonts, thick lines)")
    p_dash.set_defaults(func=_cmd_dashboard)


def _cmd_dashboard(args) -> int:
    import socket
    import subprocess

    missing = missing_modules("dashboard")
    if missing:
        raise ValueError(f"the dashboard needs the 'dashboard' extra (missing: "
                         f"{', '.join(missing)}); install it with: {install_command('dashboard')}")
    if not 0 <= args.port <= 65535:
        raise ValueError(f"--port = {args.port} is out of range: allowed [0, 65535] (0 = any free port)")
    scenarios.get(args.scenario)  # unknown names fail here, with suggestions
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", args.port))
        except OSError:
            raise ValueError(f"--port = {args.port}: that port is in use on 127.0.0.1; "
                             f"choose another (e.g. --port 0 for any free port)") from None
        port = probe.getsockname()[1]
    app_dir = Path(__file__).parent.parent / "app"  # neurosim/app
    app = app_dir / "dashboard.ipynb"
    # app/voila.py is the server's configuration (kernel shutdown on page close, idle-kernel
    # culling, the "neurosim" template that makes no request outside 127.0.0.1; the file says
    # why each setting). It is the only config file read: a voila.json/voila.py in the current
    # directory or a Jupyter config directory would otherwise change the lecture's server.
    # JUPYTER_PATH (ours first) is where Voila finds the "neurosim" template.
    jupyter_path = os.pathsep.join(p for p in (str(app_dir / "jupyter"),
                                               os.environ.get("JUPYTER_PATH", "")) if p)
    env = dict(os.environ, NEUROSIM_DASHBOARD_SCENARIO=args.scenario,
               NEUROSIM_DASHBOARD_PROJECTOR="1" if args.projector else "0",
               JUPYTER_PATH=jupyter_path)
    command = [sys.executable, "-m", "voila", str(app), "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--strip_sources=True",
               "--show_tracebacks=False", "--theme=light",
               f"--Voila.config_file_paths={app_dir}"]
    print(f"{PROG} dashboard: http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
    server = subprocess.Popen(command, env=env)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait(timeout=10)
        return 0
