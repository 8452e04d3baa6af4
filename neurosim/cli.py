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

User errors (unknown scenario or parameter, bad value, bad output file) print one
line ``neurosim: error: <message>`` to stderr and exit with status 2.

A teaching toy, not a clinical model.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from pathlib import Path

from . import analysis, scenarios
from .engine import MAX_DURATION_S
from .parameters import Parameters, field_specs

__all__ = ["main", "build_parser", "TOUR_SCENARIOS", "TOUR_REFLEX_VELOCITIES", "TOUR_SPASTIC",
           "TOUR_CONDUCTION", "TOUR_ACHE_ACTIVITY"]

PROG = "neurosim"

#: Scenarios run by ``neurosim tour``, in teaching order.
TOUR_SCENARIOS = ("healthy", "inhibition_loss_only", "pic_only", "spinal_cord_injury",
                  "baclofen_like", "recruitment_ramp", "voluntary_contraction")
#: The pair drawn side by side by ``neurosim tour``.
TOUR_COMPARISON = ("healthy", "spinal_cord_injury")
#: Passive-stretch velocities (deg/s) of the tour's healthy-versus-spastic reflex figure.
TOUR_REFLEX_VELOCITIES = (10.0, 40.0, 100.0)
#: Scenario whose parameters stand for the spastic limb, and whose run is the clonus test.
TOUR_SPASTIC = "stroke_like"
#: Healthy and neuropathic nerve conduction studies compared by the tour.
TOUR_CONDUCTION = (("healthy", "nerve_conduction_study"), ("diabetic", "diabetic_neuropathy"))
#: AChE activities (fraction of normal) compared by the tour's neuromuscular-junction figure.
TOUR_ACHE_ACTIVITY = (1.0, 0.3, 0.05)
#: Units whose endplates the junction figure records (the first one is drawn).
TOUR_JUNCTION_UNITS = (0, 60, 119)

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
        0 on success, 2 for a user error (reported as one line on stderr).
        Usage errors detected by argparse raise ``SystemExit(2)`` as usual.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(_describe_os_error(exc))


def _fail(message: str) -> int:
    message = " ".join(str(message).split())  # always exactly one line
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


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
    scenario = _load_scenario(args.scenario)
    changes = _parse_changes(args.changes)
    if changes:
        scenario = scenario.with_changes(**changes)
    if args.duration is not None:
        scenario = dataclasses.replace(scenario, duration_s=_parse_duration(args.duration))
    out = _check_out_path(args.out) if args.out is not None else None
    save_to = _check_scenario_path(args.save_scenario) if args.save_scenario else None

    result = scenario.run(seed=args.seed)

    title = f"{scenario.title}  [{scenario.name}]"
    if changes:
        title += "  with " + ", ".join(f"{k} = {v:g}" for k, v in changes.items())
    written = []
    if out is not None:
        written.append(_write_result(result, out, title=title))
    if save_to is not None:
        written.append(scenario.save(save_to))

    print(f"{scenario.title}  [{scenario.name}, {scenario.category}]")
    diffs = Parameters().differences(result.parameters)
    if diffs:
        print("changed from healthy defaults: "
              + ", ".join(f"{k} = {new:g}" for k, (_, new) in diffs.items()))
    print()
    print(_summary_table([(scenario.name, analysis.summary_row(result))]))
    print()
    print(repr(result))
    for path in written:
        print(f"wrote {path}")
    return 0


def _load_scenario(spec: str) -> scenarios.Scenario:
    if spec.lower().endswith(".json"):
        return scenarios.Scenario.load(spec)
    return scenarios.get(spec)


def _parse_changes(items: list[str]) -> dict[str, float]:
    specs = field_specs()
    changes: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name or not text:
            raise ValueError(f"--set expects STAGE.FIELD=VALUE (e.g. "
                             f"inhibition.presynaptic=0.3), got {item!r}")
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
    if not math.isfinite(value) or not 0 < value <= MAX_DURATION_S:
        raise ValueError(f"--duration {text!r} is out of range: allowed "
                         f"(0, {MAX_DURATION_S:g}] s")
    return value


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
    parent = path.parent
    if not parent.is_dir():
        raise ValueError(f"cannot write {str(path)!r}: directory {str(parent)!r} does not exist")
    if path.is_dir():
        raise ValueError(f"cannot write {str(path)!r}: it is a directory")


def _write_result(result, path: Path, *, title: str) -> Path:
    suffix = path.suffix.lower()
    if suffix == ".npz":
        return result.save(path)
    if suffix == ".csv":
        return result.to_csv(path)
    plt, plotting = _pyplot()
    axes = plotting.overview(result, title=title)
    fig = _figure_of(axes)
    try:
        return plotting.save_figure(fig, path)
    finally:
        plt.close(fig)


# ---------------------------------------------------------------------------
# neurosim tour
# ---------------------------------------------------------------------------

def _cmd_tour(args) -> int:
    out_dir = Path(args.out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"--out-dir {str(out_dir)!r} exists and is not a directory")
    plt, plotting = _pyplot()
    out_dir.mkdir(parents=True, exist_ok=True)

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

    clinical_lines, conduction_rows = _tour_clinical(args.seed, out_dir, plt, plotting, written)
    clinical_lines += _tour_junction(args.seed, out_dir, plt, plotting, written)

    print(f"neurosim tour (seed {args.seed})")
    print()
    print(_summary_table([(name, analysis.summary_row(r)) for name, r in results.items()]))
    print()
    print(conduction_rows)
    print()
    for text in clinical_lines:
        print(text)
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


def _tour_clinical(seed: int, out_dir: Path, plt, plotting, written: list):
    """The tour's clinical-test figures; returns (summary lines, conduction table)."""
    from . import experiments  # local: only the tour needs it

    spastic = scenarios.get(TOUR_SPASTIC)
    velocities = TOUR_REFLEX_VELOCITIES
    healthy_curve, healthy_runs = experiments.reflex_vs_velocity(
        Parameters(), velocities, seed=seed, return_results=True)
    spastic_curve, spastic_runs = experiments.reflex_vs_velocity(
        spastic.parameters, velocities, seed=seed, return_results=True)
    reflex_labels = ("healthy", f"spastic ({TOUR_SPASTIC})")
    written.append(_save_and_close(plt, plotting, plotting.reflex_velocity_panel(
        [healthy_curve, spastic_curve], labels=reflex_labels,
        results=[healthy_runs, spastic_runs]),
        out_dir / "reflex_velocity_healthy_vs_spastic.png"))

    clonus_run = spastic.run(seed=seed)
    clonus = analysis.clonus(clonus_run)
    written.append(_save_and_close(plt, plotting,
                                   plotting.clonus_panel(clonus_run, summary=clonus),
                                   out_dir / f"clonus_{TOUR_SPASTIC}.png"))

    names = [name for name, _ in TOUR_CONDUCTION]
    conduction_runs = [scenarios.get(scenario).run(seed=seed)
                       for _, scenario in TOUR_CONDUCTION]
    reports = [experiments.conduction_report(r) for r in conduction_runs]
    written.append(_save_and_close(
        plt, plotting, plotting.conduction_panel(conduction_runs, labels=names),
        out_dir / "nerve_conduction_{}_vs_{}.png".format(*names)))

    speeds = "/".join(f"{v:g}" for v in velocities)
    lines = [
        f"reflex torque at {speeds} deg/s — "
        + ", ".join(f"{label}: " + "/".join(f"{x:.2g}" for x in curve.peak_muscle_torque_Nm)
                    + " N·m"
                    for label, curve in zip(reflex_labels, (healthy_curve, spastic_curve))),
        f"{TOUR_SPASTIC} clonus: " + _clonus_words(clonus),
    ]
    header = ("nerve conduction", *names, "unit")
    rows_per_run = [rep.rows() for rep in reports]
    body = [(measure, *(rows[i][1] for rows in rows_per_run), unit)
            for i, (measure, _, unit) in enumerate(rows_per_run[0])]
    table = _format_table(header, body, right_aligned=set(range(1, 1 + len(names))))
    return lines, table


def _tour_junction(seed: int, out_dir: Path, plt, plotting, written: list) -> list[str]:
    """The tour's neuromuscular-junction figure (AChE inhibition); returns one line per case."""
    from . import experiments  # local: only the tour needs it
    from .engine import simulate

    singles, trains = [], []
    for activity in TOUR_ACHE_ACTIVITY:
        p = Parameters().with_changes(**{"junction.ache_activity": activity})
        singles.append(simulate(p, experiments.train_protocol(1.0, 1), 0.25, seed=seed,
                                record_units=list(TOUR_JUNCTION_UNITS)))
        trains.append(simulate(p, experiments.train_protocol(30.0, 30), 1.2, seed=seed))
    written.append(_save_and_close(
        plt, plotting, plotting.junction_panel(singles, trains),
        out_dir / "junction_ache_{}.png".format(
            "_".join(f"{100 * a:g}" for a in TOUR_ACHE_ACTIVITY))))

    lines = []
    for activity, single, train in zip(TOUR_ACHE_ACTIVITY, singles, trains):
        shock_s = single.protocol.stimuli()[0][0]
        epp = analysis.endplate_response(single, impulse_time_s=shock_s,
                                         unit=TOUR_JUNCTION_UNITS[0])
        force = train.force_percent
        late = (train.time_s >= 0.9) & (train.time_s < 1.1)
        decay = (f"{epp.epp_decay_ms:.1f} ms" if math.isfinite(epp.epp_decay_ms)
                 else "> 50 ms")
        aps = f"{epp.fibre_aps} fibre AP{'' if epp.fibre_aps == 1 else 's'}"
        lines.append(f"AChE {100 * activity:g} %: EPP {epp.epp_amplitude_mV:.0f} mV, "
                     f"decay {decay}, safety factor {epp.safety_factor:.1f}, {aps} per nerve "
                     f"spike; 30 Hz train force {force.max():.0f} % → "
                     f"{force[late].mean():.0f} %")
    return lines


def _clonus_words(summary) -> str:
    if not summary.present:
        return f"none (oscillation dies out, late/early amplitude {summary.decay_ratio:.2f})"
    kind = "sustained" if summary.sustained else "decaying"
    return (f"{summary.frequency_hz:.1f} Hz, {kind} (peak-to-peak {summary.early_amplitude_deg:.1f}"
            f"° → {summary.late_amplitude_deg:.1f}°)")


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
