"""Command-line interface: ``neurosim list``, ``neurosim run`` and ``neurosim tour``.

Examples
--------
::

    neurosim list
    neurosim list --parameters
    neurosim run spinal_cord_injury --out spasm.png
    neurosim run healthy --set inhibition.presynaptic=0.3 --seed 7 --out run.npz
    neurosim run healthy --set pic.strength=1 --save-scenario mine.json
    neurosim run mine.json --out mine.csv
    neurosim tour --out-dir figures
    neurosim sweep healthy --vary combined.inhibition_loss=0:1:11 --vary pic.strength=0:1.5:7 \
        --metric spasm_duration_s --seeds 3 --out spasm_map.npz --figure spasm_map.png
    neurosim sweep --map reflex_gain_velocity --figure reflex_map.png

User errors (unknown scenario or parameter, bad value, bad output file) print one
line ``neurosim: error: <message>`` to stderr and exit with status 2; output files are
checked (directory exists, is writable) before any simulation. Every file is written
atomically: a failed write (e.g. disk full, reported with the file's name) leaves an
existing file as it was. ``neurosim sweep`` exits with status 1 and one line naming the
failed runs when some runs failed (the output, NaN for those runs, is still written).
Ctrl-C stops any command with one line and status 130; an interrupted sweep with
``--cache DIR`` keeps its finished runs there and resumes when run again.

A teaching toy, not a clinical model.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from . import _schema, analysis, scenarios
from ._atomic import check_writable
from .engine import DURATION_S
from .parameters import Parameters, field_specs

__all__ = ["main", "build_parser", "TOUR_SCENARIOS", "TOUR_SPASTIC",
           "TOUR_CONDUCTION", "TOUR_ACHE_ACTIVITY"]

PROG = "neurosim"

#: Scenarios run by ``neurosim tour``, in teaching order.
TOUR_SCENARIOS = ("healthy", "inhibition_loss_only", "pic_only", "spinal_cord_injury",
                  "baclofen_like", "recruitment_ramp", "voluntary_contraction")
#: The pair drawn side by side by ``neurosim tour``.
TOUR_COMPARISON = ("healthy", "spinal_cord_injury")
#: Scenario whose parameters stand for the spastic limb, and whose run is the clonus test.
TOUR_SPASTIC = "stroke_like"
#: Healthy and neuropathic nerve conduction studies compared by the tour.
TOUR_CONDUCTION = (("healthy", "nerve_conduction_study"), ("diabetic", "diabetic_neuropathy"))
#: AChE activities (fraction of normal) compared by the tour's neuromuscular-junction figure:
#: healthy; 10 % (one shock fires the fibre repeatedly, a 30 Hz train is still relayed); 5 %
#: (repetitive firing, then depolarisation block during the train). At 30 % a single shock
#: and the train look almost healthy, so it teaches nothing distinct here.
TOUR_ACHE_ACTIVITY = (1.0, 0.1, 0.05)

OUT_SUFFIXES = (".png", ".npz", ".csv")

TEACHING_REMINDER = ("Reminder: neurosim is a teaching toy, not a clinical model; these "
                     "numbers describe the model, not any patient.")

# how each summary column is printed; columns not listed fall back to "{:.3g}"
_COLUMN_FORMATS = {"spasms": "{:d}", "longest_s": "{:.2f}", "total_s": "{:.2f}",
                   "peak_%": "{:.1f}", "rest_after_s": "{:.2f}", "units": "{:d}",
                   "emg_rms_mV": "{:.4f}"}


# ---------------------------------------------------------------------------
# parser
# ---------------------------------------------------------------------------

class _OneLineParser(argparse.ArgumentParser):
    """Argument parser whose usage errors are one line on stderr and exit status 2."""

    def error(self, message):
        sys.stderr.write(f"{PROG}: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``neurosim`` command."""
    parser = _OneLineParser(
        prog=PROG,
        description="neurosim: a teaching simulator of how nerve damage produces muscle "
                    "spasms (a teaching toy, not a clinical model).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p_list = sub.add_parser("list", help="list the built-in scenarios (or the parameters)",
                            description="List the built-in scenarios by category, or with "
                                        "--parameters every model parameter.")
    p_list.add_argument("--parameters", action="store_true",
                        help="list every parameter: dotted name, default, unit, range, label")
    p_list.set_defaults(func=_cmd_list)

    p_run = sub.add_parser(
        "run", help="run one scenario and print its summary",
        description="Run a built-in scenario (or a scenario JSON file) and print a summary. "
                    "Nothing is written unless --out or --save-scenario is given.")
    p_run.add_argument("scenario", metavar="SCENARIO",
                       help="built-in scenario name (see `neurosim list`) or a path to a "
                            "scenario file ending in .json")
    p_run.add_argument("--set", dest="changes", action="append", default=[],
                       metavar="STAGE.FIELD=VALUE",
                       help="change one parameter, e.g. inhibition.presynaptic=0.3 "
                            "(repeatable; see `neurosim list --parameters`)")
    p_run.add_argument("--duration", metavar="S", default=None,
                       help="simulated time in seconds (default: the scenario's duration)")
    p_run.add_argument("--seed", type=int, default=0, metavar="N",
                       help="noise seed (default 0: the same picture every time)")
    p_run.add_argument("--out", metavar="FILE", default=None,
                       help="write the result: .png overview figure, .npz result file "
                            "or .csv traces")
    p_run.add_argument("--save-scenario", metavar="FILE.json", default=None,
                       help="write the (modified) scenario to a JSON file that "
                            "`neurosim run FILE.json` reloads")
    p_run.set_defaults(func=_cmd_run)

    p_tour = sub.add_parser(
        "tour", help="run the key scenarios and write their figures",
        description="Run the key scenarios (" + ", ".join(TOUR_SCENARIOS) + "), write an "
                    "overview figure of each plus a healthy-versus-injury comparison, "
                    "then the clinical tests: passive stretch at several velocities "
                    "(healthy versus stroke-like), the stroke-like clonus test, nerve "
                    "conduction studies (healthy versus diabetic neuropathy) and "
                    "acetylcholinesterase inhibition at the neuromuscular junction (one "
                    "shock and a 30 Hz train at 100, 30 and 5 % AChE activity). Prints a "
                    "summary table, a nerve-conduction table and the key number of each "
                    "clinical figure.")
    p_tour.add_argument("--out-dir", default="figures", metavar="DIR",
                        help="directory for the figures (created if needed; default: figures)")
    p_tour.add_argument("--seed", type=int, default=0, metavar="N",
                        help="noise seed (default 0)")
    p_tour.set_defaults(func=_cmd_tour)

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
    _add_sweep_parser(sub)
    return parser


# ---------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------

def main(argv=None) -> int:
    """Run the ``neurosim`` command; return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 for a user error (reported as one line on stderr), 1 when some
        runs of a sweep failed (one line; the output is still written), 130 after Ctrl-C
        (one line). Usage errors detected by argparse raise ``SystemExit(2)`` as usual.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # the reader went away (e.g. `neurosim list --parameters | head`): stop quietly, and
        # keep Python from complaining when it flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except ValueError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(_describe_os_error(exc))
    except KeyboardInterrupt as exc:  # Ctrl-C: one line, no traceback
        detail = str(exc) if exc.args else "interrupted (Ctrl-C)"
        print(f"{PROG}: {' '.join(detail.split())}", file=sys.stderr)
        return 130


def _cmd_dashboard(args) -> int:
    import socket
    import subprocess

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
    app_dir = Path(__file__).with_name("app")
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


def _fail(message: str, status: int = 2) -> int:
    message = " ".join(str(message).split())  # always exactly one line
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def _describe_os_error(exc: OSError) -> str:
    if exc.filename is not None:
        reason = exc.strerror or str(exc)
        return f"cannot write {str(exc.filename)!r}: {reason}"
    return str(exc) or type(exc).__name__


# ---------------------------------------------------------------------------
# neurosim list
# ---------------------------------------------------------------------------

def _cmd_list(args) -> int:
    if args.parameters:
        _print_parameters()
    else:
        _print_scenarios()
    return 0


def _print_scenarios() -> None:
    all_scen = scenarios.all_scenarios()
    width = max(len(s.name) for s in all_scen)
    first = True
    for category in scenarios.CATEGORIES:
        members = [s for s in all_scen if s.category == category]
        if not members:
            continue
        if not first:
            print()
        first = False
        print(f"{category.capitalize()}s:")
        for s in members:
            print(f"  {s.name:<{width}}  {s.title}")
    print()
    print("Run one with `neurosim run NAME`; list the parameters with "
          "`neurosim list --parameters`.")


def _print_parameters() -> None:
    header = ("parameter", "default", "unit", "range", "label")
    rows = [(spec.name, f"{spec.default:g}", spec.unit, f"[{spec.min:g}, {spec.max:g}]",
             spec.label) for spec in field_specs().values()]
    print(_format_table(header, rows, right_aligned={1}))
    print()
    print("Unit 1 means dimensionless. Change a value with "
          "`neurosim run SCENARIO --set stage.field=value`.")


# ---------------------------------------------------------------------------
# neurosim run
# ---------------------------------------------------------------------------

def _cmd_run(args) -> int:
    scenario = base = _load_scenario(args.scenario)
    changes = _parse_changes(args.changes)
    if changes:
        scenario = scenario.with_changes(**changes)
    if args.duration is not None:
        scenario = dataclasses.replace(scenario, duration_s=_parse_duration(args.duration))
    out = _check_out_path(args.out) if args.out is not None else None
    save_to = _check_scenario_path(args.save_scenario) if args.save_scenario else None

    result = scenario.run(seed=args.seed)
    reference, reference_label = None, None
    if changes:  # compare what the user changed with the scenario as it is defined
        reference, reference_label = base, f"{base.name} as defined"
    measured = scenario.measure(result, seed=args.seed, reference=reference,
                                reference_label=reference_label)

    title = f"{scenario.title}  [{scenario.name}]"
    if changes:
        title += "  with " + ", ".join(f"{k} = {v:g}" for k, v in changes.items())
    written = []
    if out is not None:
        written += _write_measured(result, measured, out, title=title)
    if save_to is not None:
        written.append(scenario.save(save_to))

    print(f"{scenario.title}  [{scenario.name}, {scenario.category}]")
    diffs = Parameters().differences(result.parameters)
    if diffs:
        print("changed from healthy defaults: "
              + ", ".join(f"{k} = {new:g}" for k, (_, new) in diffs.items()))
    for m in measured:
        print()
        print(f"{m.measurement.title}: {m.measurement.definition}")
        print(m.table())
    print()
    print(repr(result))
    for path in written:
        print(f"wrote {path}")
    print(TEACHING_REMINDER)
    return 0


def _load_scenario(spec: str) -> scenarios.Scenario:
    if spec.lower().endswith(".json"):
        return scenarios.Scenario.load(spec)
    return scenarios.get(spec)


def _split_assignment(item: str, option: str, form: str, example: str) -> tuple[str, str]:
    """Split ``NAME=TEXT`` from the command line, or raise the option's usage error."""
    name, sep, text = item.partition("=")
    name, text = name.strip(), text.strip()
    if not sep or not name or not text:
        raise ValueError(f"{option} expects {form} (e.g. {example}), got {item!r}")
    return name, text


def _parse_changes(items: list[str]) -> dict[str, float]:
    specs = field_specs()
    changes: dict[str, float] = {}
    for item in items:
        name, text = _split_assignment(item, "--set", "STAGE.FIELD=VALUE",
                                       "inhibition.presynaptic=0.3")
        if name not in specs:
            Parameters().get(name)  # raises the library's message with suggestions
        try:
            value = float(text)
        except ValueError:
            spec = specs[name]
            unit = "dimensionless" if spec.unit == "1" else spec.unit
            raise ValueError(f"{name} = {text!r} is not a number; allowed "
                             f"[{spec.min:g}, {spec.max:g}] ({unit})") from None
        changes[name] = value
    return changes


def _parse_duration(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"--duration {text!r} is not a number of seconds") from None
    return DURATION_S.check(value, "--duration")


def _check_out_path(text: str) -> Path:
    path = Path(text)
    suffix = path.suffix.lower()
    if suffix not in OUT_SUFFIXES:
        shown = f"{path.suffix!r}" if path.suffix else "no suffix"
        raise ValueError(f"--out {text!r} has {shown}; use .png (figure), .npz (result file) "
                         f"or .csv (traces)")
    _check_parent(path)
    return path


def _check_scenario_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() != ".json":
        raise ValueError(f"--save-scenario {text!r} must end in .json "
                         f"(so that `neurosim run` recognises it as a scenario file)")
    _check_parent(path)
    return path


def _check_parent(path: Path) -> None:
    """Before any work: the directory exists, is a directory and accepts a new file."""
    check_writable(path)


def _write_measured(result, measured: list, path: Path, *, title: str) -> list[Path]:
    """Write the run (.npz, .csv) or each measurement's figure (.png: the first to
    ``path``, the others beside it as ``<stem>_<measurement>.png``)."""
    suffix = path.suffix.lower()
    if suffix == ".npz":
        return [result.save(path)]
    if suffix == ".csv":
        return [result.to_csv(path)]
    plt, plotting = _pyplot()
    written = []
    for k, m in enumerate(measured):
        target = path if k == 0 else path.with_name(f"{path.stem}_{m.measurement.name}"
                                                    f"{path.suffix}")
        fig = _figure_of(m.draw())
        fig.suptitle(f"{title}\n{m.measurement.title}", fontweight="bold")
        try:
            written.append(plotting.save_figure(fig, target))
        finally:
            plt.close(fig)
    return written


# ---------------------------------------------------------------------------
# neurosim tour
# ---------------------------------------------------------------------------

def _cmd_tour(args) -> int:
    out_dir = Path(args.out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"--out-dir {str(out_dir)!r} exists and is not a directory")
    plt, plotting = _pyplot()
    out_dir.mkdir(parents=True, exist_ok=True)
    check_writable(out_dir / "overview.png")  # before the first run

    results = {}
    written = []
    for name in TOUR_SCENARIOS:
        scenario = scenarios.get(name)
        result = scenario.run(seed=args.seed)
        results[name] = result
        fig = _figure_of(plotting.overview(result, title=scenario.title))
        try:
            written.append(plotting.save_figure(fig, out_dir / f"overview_{name}.png"))
        finally:
            plt.close(fig)

    a, b = TOUR_COMPARISON
    fig = _figure_of(plotting.comparison(results[a], results[b],
                                         labels=(scenarios.get(a).title,
                                                 scenarios.get(b).title)))
    try:
        written.append(plotting.save_figure(fig, out_dir / f"compare_{a}_vs_{b}.png"))
    finally:
        plt.close(fig)

    clinical = _tour_clinical(args.seed)
    for filename, m in clinical:
        written.append(_save_and_close(plt, plotting, m.draw(), out_dir / filename))

    print(f"neurosim tour (seed {args.seed})")
    print()
    print(_summary_table([(name, analysis.summary_row(r)) for name, r in results.items()]))
    for _, m in clinical:
        print()
        print(f"{m.measurement.title}: {m.measurement.definition}")
        print(m.table())
    print()
    print(f"Files written to {out_dir}:")
    for path in written:
        print(f"  {path}")
    print()
    print(TEACHING_REMINDER)
    return 0


def _save_and_close(plt, plotting, axes, path: Path) -> Path:
    fig = _figure_of(axes)
    try:
        return plotting.save_figure(fig, path)
    finally:
        plt.close(fig)


def _tour_clinical(seed: int) -> list:
    """The tour's clinical tests as ``(file name, Measured)``: reflex and clonus of the
    spastic limb, a nerve conduction study, AChE inhibition at the junction."""
    from .measurements import Case, measure

    spastic = scenarios.get(TOUR_SPASTIC)
    healthy = Case("healthy", Parameters())
    conduction = [Case(label, scenarios.get(name).parameters) for label, name in TOUR_CONDUCTION]
    ache = [Case(f"AChE {100 * a:g} %", Parameters().with_changes(
        **{"junction.ache_activity": a})) for a in TOUR_ACHE_ACTIVITY]
    return [
        ("reflex_velocity_healthy_vs_spastic.png",
         measure("reflex", [healthy, Case(f"spastic ({TOUR_SPASTIC})", spastic.parameters)],
                 seed=seed)),
        (f"clonus_{TOUR_SPASTIC}.png",
         measure("clonus", [Case(TOUR_SPASTIC, spastic.parameters)], seed=seed)),
        ("nerve_conduction_{}_vs_{}.png".format(*(c.label for c in conduction)),
         measure("conduction", conduction, seed=seed)),
        ("junction_ache_{}.png".format("_".join(f"{100 * a:g}" for a in TOUR_ACHE_ACTIVITY)),
         measure("junction", ache, seed=seed)),
    ]


# ---------------------------------------------------------------------------
# neurosim sweep
# ---------------------------------------------------------------------------

SWEEP_RESULT_SUFFIX = ".npz"
SWEEP_FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def _add_sweep_parser(sub) -> None:
    from .sweep import BUILTIN_MAPS, METRICS

    p = sub.add_parser(
        "sweep", help="run a scenario over a grid of parameter values (a phase diagram)",
        description="Run a scenario at every point of a parameter grid (all combinations of "
                    "the --vary axes and the --grid file) and measure one or more metrics; "
                    "write the result (.npz) and a figure (a phase diagram for two axes, a "
                    "line for one). Or compute a built-in map with --map. Axes: dotted "
                    "parameters (`neurosim list --parameters`), combined.inhibition_loss, "
                    "or protocol.* quantities of the metric's set-up (e.g. "
                    "protocol.velocity_deg_s for reflex_torque_Nm). Metrics: "
                    + ", ".join(METRICS) + ". Built-in maps: " + ", ".join(BUILTIN_MAPS) + ".")
    p.add_argument("base", metavar="BASE", nargs="?", default=None,
                   help="scenario name or scenario .json file (not with --map)")
    p.add_argument("--vary", action="append", default=[], metavar="NAME=START:STOP:N",
                   help="one grid axis: N values from START to STOP, or NAME=V1,V2,... "
                        "(repeatable)")
    p.add_argument("--grid", metavar="FILE.toml", default=None,
                   help="grid axes from a TOML file: a [grid] table of NAME = [values] or "
                        "NAME = {start = .., stop = .., n = ..}, or [[points]] tables")
    p.add_argument("--metric", dest="metrics", action="append", default=[], metavar="NAME",
                   help="metric to measure (repeatable; the figure shows the first)")
    p.add_argument("--map", dest="map_name", metavar="NAME", default=None,
                   choices=list(BUILTIN_MAPS), help="compute a built-in map instead")
    p.add_argument("--resolution", type=int, default=21, metavar="N",
                   help="values per axis of a built-in map (default 21)")
    p.add_argument("--seeds", type=int, default=1, metavar="N",
                   help="noise seeds 0..N-1 per point; mean and spread over them (default 1)")
    p.add_argument("--duration", metavar="S", default=None,
                   help="simulated time of every run in seconds (default: the scenario's)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="local worker processes (default: all cores; 1 = this process)")
    p.add_argument("--dask", metavar="ADDRESS", default=None,
                   help="run on the Dask scheduler at ADDRESS (e.g. tcp://host:8786)")
    p.add_argument("--cache", metavar="DIR", default=None,
                   help="keep finished runs in DIR; a repeated or interrupted sweep "
                        "resumes from it")
    p.add_argument("--out", metavar="FILE.npz", default=None, help="write the sweep result")
    p.add_argument("--figure", metavar="FILE.png", default=None,
                   help="write the phase diagram (two axes) or line plot (one axis); with "
                        "--map the default is figures/<map file name>")
    p.add_argument("--no-progress", dest="progress", action="store_false",
                   help="do not show the progress bar")
    p.set_defaults(func=_cmd_sweep)


def _cmd_sweep(args) -> int:
    from .sweep import BUILTIN_MAPS, SweepFailureWarning, builtin_map, sweep

    if args.seeds < 1:
        raise ValueError(f"--seeds {args.seeds} must be ≥ 1")
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers {args.workers} must be ≥ 1")
    if args.workers is not None and args.dask is not None:
        raise ValueError("give --workers or --dask, not both")
    executor = args.dask if args.dask is not None else args.workers
    seeds = range(args.seeds)
    out = _check_sweep_path(args.out, "--out", (SWEEP_RESULT_SUFFIX,)) if args.out else None
    figure = (_check_sweep_path(args.figure, "--figure", SWEEP_FIGURE_SUFFIXES)
              if args.figure else None)

    if args.map_name is not None:
        if args.base or args.vary or args.grid or args.metrics or args.duration:
            raise ValueError("--map computes a built-in map: give no BASE, --vary, --grid, "
                             "--metric or --duration with it")
        spec = BUILTIN_MAPS[args.map_name]
        if out is None and figure is None:
            figure = Path("figures") / spec.figure_name
            if not figure.parent.is_dir():
                figure.parent.mkdir(parents=True, exist_ok=True)
            figure = _check_sweep_path(str(figure), "--figure", SWEEP_FIGURE_SUFFIXES)
        with warnings.catch_warnings():  # failed runs are reported below, in one line
            warnings.simplefilter("ignore", SweepFailureWarning)
            result = builtin_map(args.map_name, resolution=args.resolution, seeds=seeds,
                                 executor=executor, cache_dir=args.cache,
                                 progress=args.progress)
    else:
        if args.base is None:
            raise ValueError("name a scenario to sweep (BASE) or a built-in map (--map NAME)")
        if not args.metrics:
            raise ValueError("name at least one --metric (e.g. --metric spasm_duration_s)")
        if out is None and figure is None:
            raise ValueError("give --out FILE.npz and/or --figure FILE.png, or the sweep's "
                             "result would be lost")
        grid = _sweep_grid(args.vary, args.grid)
        if figure is not None and isinstance(grid, dict) and len(grid) > 2:
            raise ValueError(f"--figure draws one or two axes; this grid has {len(grid)} "
                             f"({', '.join(grid)}); write --out only")
        duration = _parse_duration(args.duration) if args.duration is not None else None
        base = _load_scenario(args.base)
        with warnings.catch_warnings():  # failed runs are reported below, in one line
            warnings.simplefilter("ignore", SweepFailureWarning)
            result = sweep(base, grid, args.metrics, seeds=seeds, executor=executor,
                           cache_dir=args.cache, progress=args.progress, duration_s=duration)

    written = []
    if out is not None:
        written.append(result.save(out))
    if figure is not None:
        title = BUILTIN_MAPS[args.map_name].title if args.map_name is not None else None
        written.append(_sweep_figure(result, figure, title=title))
    print(repr(result))
    if result.n_from_cache:
        print(f"{result.n_from_cache} of {result.n_runs} runs read from the cache")
    for path in written:
        print(f"wrote {path}")
    print(TEACHING_REMINDER)
    if result.failures:
        sys.stdout.flush()
        return _fail(result.failure_summary()
                     + ("; the output holds NaN for them" if written else ""), status=1)
    return 0


def _check_sweep_path(text: str, option: str, suffixes) -> Path:
    path = Path(text)
    if path.suffix.lower() not in suffixes:
        shown = f"{path.suffix!r}" if path.suffix else "no suffix"
        raise ValueError(f"{option} {text!r} has {shown}; use {' or '.join(suffixes)}")
    _check_parent(path)
    return path


def _axis_count() -> _schema.Number:
    """The number of values of one axis (``N`` of ``--vary``, ``n`` of a grid file): a whole
    number in [1, :data:`neurosim.sweep.MAX_RUNS`]."""
    from .sweep import MAX_RUNS
    return _schema.Number(integer=True, min=1, max=MAX_RUNS)


def _sweep_axis_values(name: str, text: str, option: str) -> list[float]:
    """Values of one ``--vary`` axis: ``START:STOP:N`` or ``V1,V2,...``."""
    from .sweep import axis_spec
    try:
        where = f"{name} in {axis_spec(name).describe_range()}"
    except ValueError:  # unknown or protocol axis: the sweep itself reports those
        where = name
    parts = text.split(":")
    try:
        if len(parts) == 1:
            return [float(v) for v in text.split(",")]
        if len(parts) != 3 or not parts[2].strip().isdigit():
            raise ValueError
        start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise ValueError(f"{option} {name}={text!r}: expected START:STOP:N (N a whole number "
                         f"≥ 1) or V1,V2,... with numbers for {where}") from None
    with _schema.reading(f"{option} {name}={text!r}"):
        count = _axis_count().check(count, "N")
    return np.linspace(start, stop, count).tolist()


def _sweep_grid(vary: list[str], grid_file: str | None) -> dict:
    grid: dict = {}
    for item in vary:
        name, text = _split_assignment(item, "--vary", "NAME=START:STOP:N",
                                       "pic.strength=0:1.5:7")
        if name in grid:
            raise ValueError(f"--vary {name} is given twice")
        grid[name] = _sweep_axis_values(name, text, "--vary")
    if grid_file is not None:
        points = _read_grid_file(Path(grid_file))
        if isinstance(points, list):
            if grid:
                raise ValueError(f"--grid {grid_file!r} lists [[points]]; it cannot be "
                                 f"combined with --vary")
            return points
        for name, values in points.items():
            if name in grid:
                raise ValueError(f"{name} is set by both --vary and --grid {grid_file!r}")
            grid[name] = values
    if not grid:
        raise ValueError("no grid: give --vary NAME=START:STOP:N or --grid FILE.toml")
    return grid


_RANGE_KEYS = {"start", "stop", "n"}


def _flatten_toml(table: dict, prefix: str = "") -> dict:
    """``{"pic": {"strength": [..]}}`` (TOML dotted keys) → ``{"pic.strength": [..]}``.

    A table with any of ``start``, ``stop``, ``n`` is one axis's range, not a deeper name.
    """
    out = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not _RANGE_KEYS & set(value):
            out.update(_flatten_toml(value, name + "."))
        else:
            out[name] = value
    return out


def _grid_file_schema() -> _schema.Record:
    """What a ``--grid`` TOML file holds: a [grid] table or [[points]] tables."""
    return _schema.Record(
        optional=dict(grid=_schema.MapOf(what="a [grid] table of NAME = [values] or NAME = "
                                              "{start = .., stop = .., n = ..}"),
                      points=_schema.ListOf(_schema.MapOf(what="a [[points]] table of NAME = "
                                                               "value"),
                                            min_len=1, what="[[points]] tables")),
        what="a TOML grid file"), _schema.Record(
        required=dict(start=_schema.Number(), stop=_schema.Number(),
                      n=_axis_count()),
        what="{start = number, stop = number, n = whole number ≥ 1}")


def _read_grid_file(path: Path):
    import tomllib
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ValueError(f"grid file {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{str(path)!r} is not a readable TOML grid file: {exc}") from None
    file_schema, range_schema = _grid_file_schema()
    with _schema.reading(f"grid file {str(path)!r}"):
        data = _schema.check(data, file_schema)
        if len(data) != 1:
            raise ValueError("must hold exactly one of a [grid] table or [[points]] tables")
        if "points" in data:
            return [_flatten_toml(p) for p in data["points"]]
        grid = {}
        for name, spec in _flatten_toml(data["grid"]).items():
            if isinstance(spec, dict):
                spec = _schema.check(spec, range_schema, name)
                grid[name] = np.linspace(spec["start"], spec["stop"], spec["n"]).tolist()
            else:
                grid[name] = spec  # a list (or a bad value the sweep reports with unit, range)
        return grid


def _sweep_figure(result, path: Path, *, title: str | None = None) -> Path:
    plt, plotting = _pyplot()
    metric = result.metric_names[0]
    if len(result.axis_names) == 2:
        ax = plotting.phase_diagram(result, metric, title=title)
    else:
        ax = plotting.sweep_line(result, metric)
    return _save_and_close(plt, plotting, ax, path)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def _pyplot():
    """Import matplotlib (headless) and the plotting module, only when a command plots."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plotting
    return plt, plotting


def _figure_of(axes):
    """The figure holding an Axes or an array of Axes."""
    first = axes.flat[0] if hasattr(axes, "flat") else axes
    return first.figure


def _format_value(column: str, value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    fmt = _COLUMN_FORMATS.get(column, "{:.3g}")
    try:
        return fmt.format(value)
    except (ValueError, TypeError):  # e.g. an int format given a float
        return f"{value:.3g}" if isinstance(value, float) else str(value)


def _summary_table(rows: list[tuple[str, dict]]) -> str:
    """Aligned table: one row per run, columns :data:`analysis.SUMMARY_COLUMNS`."""
    columns = list(analysis.SUMMARY_COLUMNS)
    header = ("scenario", *columns)
    body = [(name, *(_format_value(c, row.get(c)) for c in columns)) for name, row in rows]
    return _format_table(header, body, right_aligned=set(range(1, len(header))))


def _format_table(header, rows, *, right_aligned=frozenset()) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        parts = [f"{c:>{w}}" if i in right_aligned else f"{c:<{w}}"
                 for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(parts).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


if __name__ == "__main__":
    sys.exit(main())
