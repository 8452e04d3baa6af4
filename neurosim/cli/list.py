"""``neurosim list``: the built-in scenarios by category, or (``--parameters``) every model
parameter with its default, unit, range and label."""

from __future__ import annotations

from .. import scenarios
from ..parameters import field_specs
from .common import _format_table


def add_parser(sub) -> None:
    """Add ``neurosim list`` to the subcommands ``sub``."""
    p_list = sub.add_parser("list", help="list the built-in scenarios (or the parameters)",
                            description="List the built-in scenarios by category, or with "
                                        "--parameters every model parameter.")
    p_list.add_argument("--parameters", action="store_true",
                        help="list every parameter: dotted name, default, unit, range, label")
    p_list.add_argument("--notes", action="store_true",
                        help="with every scenario, its parameter changes and where each "
                             "comes from (a source, or why it is a caricature)")
    p_list.set_defaults(func=_cmd_list)


def _cmd_list(args) -> int:
    if args.parameters:
        _print_parameters()
    else:
        _print_scenarios(notes=args.notes)
    return 0


def _print_scenarios(*, notes: bool = False) -> None:
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
            if notes:
                if s.treats:
                    print(f"      treats {s.treats}")
                for key, value in s.changes.items():
                    print(f"      {key} = {value:g}: {s.notes.get(key, 'no note')}")
    print()
    print("Run one with `neurosim run NAME`; list the parameters with "
          "`neurosim list --parameters`" + ("." if notes else
                                             ", each scenario's changes and their sources "
                                             "with `neurosim list --notes`."))


def _print_parameters() -> None:
    header = ("parameter", "default", "unit", "range", "label")
    rows = [(spec.name, f"{spec.default:g}", spec.unit, f"[{spec.min:g}, {spec.max:g}]",
             spec.label) for spec in field_specs().values()]
    print(_format_table(header, rows, right_aligned={1}))
    print()
    print("Unit 1 means dimensionless. Change a value with "
          "`neurosim run SCENARIO --set stage.field=value`.")
