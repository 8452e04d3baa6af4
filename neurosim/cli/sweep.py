"""``neurosim sweep``: a scenario over a grid of parameter values (``--vary``, ``--grid``
TOML file) or a built-in map (``--map``), written as a sweep file and a phase diagram."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

from .. import _schema
from .common import (TEACHING_REMINDER, _check_parent, _fail, _load_scenario,
                     _parse_duration, _pyplot, _save_and_close, _split_assignment)

SWEEP_RESULT_SUFFIX = ".npz"
SWEEP_FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def add_parser(sub) -> None:
    """Add ``neurosim sweep`` to the subcommands ``sub``."""
    from ..sweep import BUILTIN_MAPS, METRICS

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
    from ..sweep import BUILTIN_MAPS, SweepFailureWarning, builtin_map, sweep

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
    from ..sweep import MAX_RUNS
    return _schema.Number(integer=True, min=1, max=MAX_RUNS)


def _sweep_axis_values(name: str, text: str, option: str) -> list[float]:
    """Values of one ``--vary`` axis: ``START:STOP:N`` or ``V1,V2,...``."""
    from ..sweep import axis_spec
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
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the same parser, installed as tomli
        import tomli as tomllib
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
