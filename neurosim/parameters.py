"""Model parameters: one frozen dataclass per stage, composed into :class:`Parameters`.

Every numeric field carries metadata — unit, allowed range, label, a one-line
meaning and the source of its default — and that metadata is the single truth
from which validation, slider ranges, CLI help and documentation are derived.

Changing a value never mutates an object; it returns a new, validated one::

    >>> from neurosim import Parameters
    >>> injured = Parameters().with_changes(**{"inhibition.presynaptic": 0.3})
    >>> injured.inhibition.presynaptic
    0.3

Values are *teaching* defaults. Where a value is a published measurement the
``source`` names the paper; where it is a modelling choice tuned so that the
toy behaves plausibly, the ``source`` says so.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import field, fields
from typing import Any, Mapping

from . import _schema
from ._fields import SLIDER_GROUPS, FieldSpec, Validated, param, unknown_name_message
from .schedule import STAGES

__all__ = ["FieldSpec", "Parameters", "field_specs", "slider_groups", "SLIDER_GROUPS",
           "Validated", "param", "parameter_groups"]


def parameter_groups() -> dict[str, type]:
    """``{group name: dataclass}`` of every stage in the schedule, in schedule order
    (:data:`neurosim.schedule.STAGES`, each stage's ``PARAMETERS``)."""
    return {cls.stage_name: cls for stage in STAGES for cls in getattr(stage, "PARAMETERS", ())}


_STAGES = parameter_groups()
for _cls in _STAGES.values():  # the stages' classes, importable from here as before
    globals()[_cls.__name__] = _cls
    __all__.append(_cls.__name__)


class _ParametersMethods:
    """The methods of :class:`Parameters` (whose fields come from the schedule)."""

    def __post_init__(self):
        for name, cls in _STAGES.items():
            if not isinstance(getattr(self, name), cls):
                raise ValueError(f"Parameters.{name} must be a {cls.__name__}, "
                                 f"got {type(getattr(self, name)).__name__}")

    def with_changes(self, **changes: float) -> "Parameters":
        """Return a new validated :class:`Parameters` with dotted fields replaced.

        Parameters
        ----------
        **changes
            ``"stage.field": value`` pairs, e.g. ``**{"inhibition.presynaptic": 0.3}``.

        Raises
        ------
        ValueError
            Unknown names (with the closest valid names suggested) or invalid values.
        """
        specs = field_specs()
        grouped: dict[str, dict[str, Any]] = {}
        for name, value in changes.items():
            if name not in specs:
                raise ValueError(unknown_name_message(name, list(specs)))
            stage, fname = name.split(".", 1)
            grouped.setdefault(stage, {})[fname] = value
        updated = {stage: getattr(self, stage).with_changes(**vals)
                   for stage, vals in grouped.items()}
        return dataclasses.replace(self, **updated)

    def get(self, name: str) -> float:
        """Return the value of a dotted field such as ``"pic.strength"``."""
        if name not in field_specs():
            raise ValueError(unknown_name_message(name, list(field_specs())))
        stage, fname = name.split(".", 1)
        return getattr(getattr(self, stage), fname)

    def to_dict(self) -> dict[str, dict[str, float]]:
        """Return ``{stage: {field: value}}`` (JSON-serialisable)."""
        return {name: getattr(self, name).to_dict() for name in _STAGES}

    def flat(self) -> dict[str, float]:
        """Return ``{"stage.field": value}`` for every field."""
        return {f"{s}.{k}": v for s, vals in self.to_dict().items() for k, v in vals.items()}

    def differences(self, other: "Parameters") -> dict[str, tuple[float, float]]:
        """Return ``{name: (self_value, other_value)}`` for every field that differs."""
        a, b = self.flat(), other.flat()
        return {k: (a[k], b[k]) for k in a if a[k] != b[k]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, float]]) -> "Parameters":
        """Build from :meth:`to_dict` output: ``{stage: {field: value}}``, all optional.

        Unknown stages or fields, a stage that is not a mapping, or an invalid value are
        a ValueError naming the key (``parameters.pic``, ``pic.strength``).

        Fields removed from the model (:data:`REMOVED_FIELDS`) are accepted at the value
        they always had, so files written by earlier versions still load; any other
        value is refused with the reason the field went.
        """
        data = _schema.check(data, _PARAMETERS_SCHEMA, "parameters")
        flat = {}
        for stage, vals in data.items():
            for k, v in vals.items():
                name = f"{stage}.{k}"
                if name in REMOVED_FIELDS:
                    inert_value, why = REMOVED_FIELDS[name]
                    if v != inert_value:
                        raise ValueError(f"{name} = {_schema.show(v)} is no longer a model "
                                         f"parameter: {why}")
                    continue
                flat[name] = v
        return cls().with_changes(**flat)


def _defaults_repr(self) -> str:
    changed = self.differences(type(self)())
    inner = ", ".join(f"{name}={mine!r}" for name, (mine, _) in changed.items())
    return f"Parameters({inner})"


_ParametersMethods.__repr__ = _defaults_repr

Parameters = dataclasses.make_dataclass(
    "Parameters", [(name, cls, field(default_factory=cls)) for name, cls in _STAGES.items()],
    bases=(_ParametersMethods,), frozen=True, repr=False, namespace={"__module__": __name__})
Parameters.__doc__ = "\n".join([
    "All model parameters: one frozen dataclass per parameter group of each stage.",
    "",
    "The groups are the stages' ``PARAMETERS`` in the order of the schedule",
    "(:data:`neurosim.schedule.STAGES`): a new stage's parameters appear here, in the",
    "sliders, the CLI listing and the documentation by being declared in its module.",
    "``repr`` shows only what differs from the defaults.",
    "",
    "Attributes",
    "----------",
    *(f"{name} : {cls.__name__}" for name, cls in _STAGES.items()),
    "",
    "Examples",
    "--------",
    '>>> p = Parameters().with_changes(**{"pic.strength": 1.0, "inhibition.reciprocal": 0.3})',
    ">>> p.pic.strength, p.inhibition.reciprocal",
    "(1.0, 0.3)",
    ">>> p",
    "Parameters(inhibition.reciprocal=0.3, pic.strength=1.0)",
    ""])


_PARAMETERS_SCHEMA = _schema.Record(
    optional={stage: _schema.MapOf(what="a mapping {field name: value}, e.g. "
                                        f"{{{fields(cls)[0].name!r}: {fields(cls)[0].default!r}}}")
              for stage, cls in _STAGES.items()},
    what="a mapping {stage: {field name: value}}")
"""What :meth:`Parameters.from_dict` accepts (the field values are checked by the stages)."""


REMOVED_FIELDS: dict[str, tuple[float, str]] = {
    "limb.load_torque_Nm": (0.0, "the load on the foot is set by the protocol "
                                 "(FreeLimb.load_torque_Nm); this field never acted"),
}
"""Fields of earlier versions: ``name -> (the value at which they were inert, why removed)``."""


def field_specs() -> dict[str, FieldSpec]:
    """Return the metadata of every parameter, keyed by dotted name.

    Returns
    -------
    dict of str to FieldSpec
        Ordered by stage, then by field declaration order (a new dict each call; the
        metadata is collected once).
    """
    return dict(_collect_field_specs())


@functools.lru_cache(maxsize=None)
def _collect_field_specs() -> dict[str, FieldSpec]:
    out = {}
    for stage, cls in _STAGES.items():
        for f in fields(cls):
            m = f.metadata
            out[f"{stage}.{f.name}"] = FieldSpec(
                name=f"{stage}.{f.name}", stage=stage, field=f.name, default=f.default,
                unit=m["unit"], min=m["min"], max=m["max"], label=m["label"], help=m["help"],
                source=m["source"], integer=m["integer"], group=m["group"])
    return out


def slider_groups() -> dict[str, list[FieldSpec]]:
    """Return the teaching levers (fields declared with a ``group``), grouped.

    Returns
    -------
    dict of str to list of FieldSpec
        Keys in :data:`SLIDER_GROUPS` order (empty groups left out); fields in
        declaration order. The dashboard and the notebook explorers build their
        sliders from this, so a new lever appears there by declaring its group.
    """
    out: dict[str, list[FieldSpec]] = {}
    specs = [s for s in field_specs().values() if s.group is not None]
    for group in SLIDER_GROUPS:
        members = [s for s in specs if s.group == group]
        if members:
            out[group] = members
    return out
