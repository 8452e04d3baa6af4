"""The dashboard's state as a short, readable query string (the page address).

A lecturer bookmarks a view or puts a link in the slides::

    http://127.0.0.1:8866/?scenario=stroke_like&view=test:reflex&compare=side+by+side
        &projector=1&set=spindle.gain:2,inhibition.presynaptic:0.8

and the dashboard opens exactly there. :func:`encode` writes the state,
:func:`decode` reads it back and checks every part, so a mistyped link gives a
clear message and the dashboard opens on its defaults instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from .parameters import Parameters, field_specs

__all__ = ["DashboardState", "encode", "decode"]


@dataclass(frozen=True)
class DashboardState:
    """What the address holds.

    Attributes
    ----------
    scenario : str
        Scenario name.
    view : str or None
        ``"test:<measurement>"`` or ``"run:<protocol key>"``; ``None`` for the scenario's
        first test.
    compare : str or None
        Comparison mode (``"off"``, ``"overlay"``, ``"side by side"``).
    projector : bool
    changes : dict of str to float
        Sliders moved away from the scenario's values (dotted name → value).
    """

    scenario: str = "healthy"
    view: str | None = None
    compare: str | None = None
    projector: bool = False
    changes: dict = field(default_factory=dict)


def encode(state: DashboardState) -> str:
    """The state as a query string (no leading ``?``), shortest first: only what is set."""
    items = [("scenario", state.scenario)]
    if state.view:
        items.append(("view", state.view))
    if state.compare:
        items.append(("compare", state.compare))
    if state.projector:
        items.append(("projector", "1"))
    if state.changes:
        items.append(("set", ",".join(f"{k}:{v:g}" for k, v in state.changes.items())))
    return urlencode(items, safe=":,")


def decode(query: str) -> DashboardState:
    """Read a query string written by :func:`encode` (or typed by hand).

    Raises
    ------
    ValueError
        Naming the part of the address that is wrong: an unknown key, a scenario
        name or parameter that does not exist (with suggestions), a value that is not
        a number or is out of the parameter's range.
    """
    from . import scenarios  # local: scenarios imports much of the package

    fields = parse_qs(query.lstrip("?"), keep_blank_values=True)
    unknown = sorted(set(fields) - {"scenario", "view", "compare", "projector", "set"})
    if unknown:
        raise ValueError(f"the address has unknown part(s) {unknown}; allowed: scenario, "
                         f"view, compare, projector, set")
    one = {k: v[-1] for k, v in fields.items()}
    name = one.get("scenario", "healthy")
    scenarios.get(name)  # unknown names: the usual message with suggestions
    changes = {}
    specs = field_specs()
    for item in filter(None, one.get("set", "").split(",")):
        key, sep, text = item.partition(":")
        if not sep:
            raise ValueError(f"address part set={item!r} must look like "
                             f"stage.field:value (e.g. inhibition.presynaptic:0.6)")
        if key not in specs:
            Parameters().get(key)  # raises with "did you mean"
        try:
            changes[key] = float(text)
        except ValueError:
            raise ValueError(f"address part set: {key} = {text!r} is not a number") from None
    Parameters().with_changes(**changes)  # every value inside its allowed range
    projector = one.get("projector", "0")
    if projector not in ("0", "1"):
        raise ValueError(f"address part projector={projector!r} must be 0 or 1")
    return DashboardState(scenario=name, view=one.get("view") or None,
                          compare=one.get("compare") or None, projector=projector == "1",
                          changes=changes)
