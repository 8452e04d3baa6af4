"""How a stage declares its parameters: fields with metadata, validated frozen dataclasses.

Each stage module declares its parameters as a frozen dataclass deriving from
:class:`Validated`, every numeric field made with :func:`param` — default, unit, allowed
range, label, one-line help, source and, for a teaching lever, its slider group. That
metadata is the single truth from which validation, slider ranges, CLI help and the
documentation are derived (:mod:`neurosim.parameters` composes the stages' dataclasses into
:class:`~neurosim.Parameters`).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from dataclasses import dataclass, field, fields
from typing import ClassVar

from . import _schema

__all__ = ["param", "Validated", "FieldSpec", "SLIDER_GROUPS", "FUGLEVAND_1993", "TUNED",
           "unknown_name_message"]

FUGLEVAND_1993 = "Fuglevand, Winter & Patla 1993, J Neurophysiol 70:2470"
"""The source of many motor-pool and muscle defaults."""
TUNED = "neurosim modelling choice (tuned so the teaching model behaves plausibly)"
"""The source of a default chosen so that the teaching model behaves plausibly."""


SLIDER_GROUPS = ("Descending command", "Inhibition", "Motor neurons", "Spindles and limb", "Nerve",
                 "Disease course", "Neuromuscular junction")
"""Slider groups of the teaching levers, in display order (see :func:`param`)."""


def param(default, *, unit: str, min: float, max: float, label: str, help: str,
          source: str, integer: bool = False, group: str | None = None):
    """Declare a numeric parameter field with its metadata.

    Parameters
    ----------
    default : float or int
        Default value (must lie inside ``[min, max]``).
    unit : str
        Physical unit, ``"1"`` for dimensionless quantities.
    min, max : float
        Inclusive allowed range.
    label : str
        Short human-readable name (slider label).
    help : str
        One-line meaning.
    source : str
        Where the default comes from (paper, textbook or modelling choice).
    integer : bool
        Whether the value must be a whole number.
    group : str, optional
        Slider group of a *teaching lever* (a damage or treatment knob): fields with a
        group get a slider in the dashboard and the notebook explorers, grouped and
        ordered as declared here (see :data:`SLIDER_GROUPS`). ``None``: no slider.
    """
    if group is not None and group not in SLIDER_GROUPS:
        raise AssertionError(f"unknown slider group {group!r} for {label}")
    if not (min <= default <= max):  # guard against metadata typos at import time
        raise AssertionError(f"default {default} outside [{min}, {max}] for {label}")
    return field(default=default, metadata=dict(
        unit=unit, min=min, max=max, label=label, help=help, source=source,
        integer=integer, group=group))


@dataclass(frozen=True)
class FieldSpec:
    """Metadata of one parameter field, addressed by its dotted name."""

    name: str
    stage: str
    field: str
    default: float
    unit: str
    min: float
    max: float
    label: str
    help: str
    source: str
    integer: bool
    group: str | None = None

    def describe_range(self) -> str:
        """Return the allowed range as text, e.g. ``"[0, 1] ms"``."""
        unit = "" if self.unit == "1" else f" {self.unit}"
        return f"[{_fmt(self.min)}, {_fmt(self.max)}]{unit}"


def _fmt(x: float) -> str:
    return f"{x:g}"


class Validated:
    """Mix-in that validates every metadata-carrying field of a frozen dataclass.

    Used by the stage parameter classes and by the protocol components. Each field is a
    :class:`neurosim._schema.Number` built from its metadata, the one piece of code that
    produces every type and range error in the package; numpy scalars are numbers.
    """

    stage_name: ClassVar[str] = ""

    def __post_init__(self):
        for name, spec in _number_fields(type(self)):
            object.__setattr__(self, name, spec.check(getattr(self, name),
                                                      f"{self.stage_name}.{name}"))

    def with_changes(self, **changes):
        """Return a validated copy with some fields replaced.

        Raises
        ------
        ValueError
            If a field name is unknown (the message suggests the closest names)
            or a value is invalid.
        """
        valid = [f.name for f in fields(self)]
        for key in changes:
            if key not in valid:
                raise ValueError(unknown_name_message(f"{self.stage_name}.{key}",
                                                  [f"{self.stage_name}.{v}" for v in valid]))
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """Return the field values as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@functools.lru_cache(maxsize=None)
def _number_fields(cls) -> tuple:
    """``(field name, Number spec)`` of every metadata-carrying field of ``cls``."""
    return tuple((f.name, _schema.Number.from_metadata(f.metadata)) for f in fields(cls)
                 if "unit" in f.metadata)


def unknown_name_message(name: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=3, cutoff=0.5)
    if not close:  # fall back to matching the part after the dot
        tail = name.rsplit(".", 1)[-1]
        close = [v for v in valid if tail and tail in v][:3]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"unknown parameter {name!r}{hint} (see `neurosim list --parameters`)"
