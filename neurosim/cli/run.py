"""``neurosim run``: one scenario (built-in or a scenario file), its measurements printed as
tables against healthy, and optionally its figures, result file or scenario file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..parameters import Parameters, field_specs
from .common import (TEACHING_REMINDER, _check_parent, _figure_of, _load_scenario,
                     _parse_duration, _pyplot, _split_assignment)

OUT_SUFFIXES = (".png", ".npz", ".csv")


def add_parser(sub) -> None:
    """Add ``neurosim run`` to the subcommands ``sub``."""
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
    for name, note in scenario.notes.items():
        print(f"  {name}: {note}")
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
