"""Checking values and loaded data against a declared schema, with one kind of message.

Every loader (scenario, result and sweep files, sweep-cache entries) and every dict
constructor (:meth:`Parameters.from_dict <neurosim.parameters.Parameters.from_dict>`,
:meth:`Protocol.from_dict <neurosim.protocols.Protocol.from_dict>`,
:meth:`Scenario.from_dict <neurosim.scenarios.Scenario.from_dict>`) declares what it accepts
with the few schema types here, and every range check of the package (parameter fields,
protocol components, the run's duration and step) is a :class:`Number`. So every bad
input gets the same kind of :class:`ValueError`: the key (a path such as
``protocol[1].times_s``), the value, and its unit and allowed range or what was expected;
a loader adds the file (:func:`reading`).

numpy scalars are numbers: ``np.int64(3)`` is 3 and ``np.float32(0.1)`` is 0.1 (a
single-precision value is read as the shortest decimal that it stands for).
"""

from __future__ import annotations

import contextlib
import difflib
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = ["is_number", "to_python", "show", "show_outside", "Number", "Text", "Const",
           "Nullable", "ListOf", "MapOf", "Record", "Array", "check", "join", "reading"]


def is_number(value) -> bool:
    """Whether ``value`` is a real number (Python or numpy; ``bool`` is not a number)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def to_python(value):
    """A number as a Python ``int`` (integers) or ``float``.

    numpy scalars are converted; a float of less than double precision becomes the
    shortest decimal it stands for (``np.float32(0.1)`` → ``0.1``, not 0.10000000149…).
    """
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, np.floating) and np.finfo(value.dtype).bits < 64:
        return float(str(value))
    return float(value)


def show(value, limit: int = 60) -> str:
    """``repr`` of a value for a message: numpy scalars as Python numbers, long text cut."""
    if isinstance(value, np.generic):
        value = value.item()
    elif isinstance(value, (list, tuple)):  # one level, enough for lists of numbers
        value = type(value)(v.item() if isinstance(v, np.generic) else v for v in value)
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _fmt(x) -> str:
    return f"{x:g}"


def show_outside(value: float, low: float, high: float) -> str:
    """Shortest ``%g`` form of an out-of-range ``value`` that is still outside ``[low, high]``.

    ``3600.001`` against ``[0, 3600]`` is shown as ``3600.001``, not ``3600``; ``3.0`` as
    ``3``; ``1e6`` as ``1e+06``.
    """
    for digits in range(6, 18):
        text = f"{value:.{digits}g}"
        shown = float(text)
        if low <= value <= high or (value > high and shown > high) or (value < low and shown < low):
            return text
    return repr(float(value))


def join(path: str, key) -> str:
    """Path of ``key`` inside ``path``: ``protocol`` + 1 → ``protocol[1]``; + ``"x"`` → ``protocol.x``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _bad(path: str, value, expected: str) -> ValueError:
    name = path or "the data"
    return ValueError(f"{name} = {show(value)} must be {expected}")


@dataclass(frozen=True)
class Number:
    """A real number (numpy scalars included), optionally whole, inside a range.

    Attributes
    ----------
    unit : str
        Physical unit; ``"1"`` for dimensionless quantities, ``""`` for counts and indices.
    min, max : float
        Allowed range (inclusive unless ``min_open`` / ``max_open``); infinite = unbounded.
    integer : bool
        Whether the value must be a whole number (returned as ``int``).
    nan_ok : bool
        Whether NaN is accepted (a measurement that is undefined); ±inf never are.
    """

    unit: str = ""
    min: float = -math.inf
    max: float = math.inf
    integer: bool = False
    min_open: bool = False
    max_open: bool = False
    nan_ok: bool = False

    @classmethod
    def from_metadata(cls, meta: Mapping) -> "Number":
        """The spec of a field declared with :func:`neurosim.parameters.param`."""
        return cls(unit=meta["unit"], min=meta["min"], max=meta["max"], integer=meta["integer"])

    @property
    def unit_text(self) -> str:
        return "dimensionless" if self.unit == "1" else self.unit

    def range_text(self) -> str:
        """``"[0, 1]"``, ``"(0, 3600]"``, ``"≥ 0"``, ``"> 0"``, ``"≤ 5"`` or ``""``."""
        lo, hi = math.isfinite(self.min), math.isfinite(self.max)
        fmt = (lambda x: str(int(x))) if self.integer else _fmt  # whole numbers in full
        if lo and hi:
            return (("(" if self.min_open else "[") + f"{fmt(self.min)}, {fmt(self.max)}"
                    + (")" if self.max_open else "]"))
        if lo:
            return ("> " if self.min_open else "≥ ") + fmt(self.min)
        if hi:
            return ("< " if self.max_open else "≤ ") + fmt(self.max)
        return ""

    def _where(self) -> str:
        """`` in (0, 3600] (s)`` or `` ≥ 0``: the range and the unit, each when there is one."""
        rng = self.range_text()
        unit = f" ({self.unit_text})" if self.unit else ""
        return (f" in {rng}" if rng.startswith(("[", "(")) else f" {rng}" if rng else "") + unit

    def expected(self) -> str:
        """What is accepted, e.g. ``"a number in (0, 3600] (s)"``, ``"a whole number ≥ 0"``."""
        return ("a whole number" if self.integer else "a number") + self._where()

    def _inside(self, v: float) -> bool:
        above = v > self.min if self.min_open else v >= self.min
        below = v < self.max if self.max_open else v <= self.max
        return above and below

    def check(self, value, path: str):
        """Return ``value`` as a Python int/float, or raise a ValueError naming ``path``."""
        if not is_number(value):
            raise _bad(path, value, self.expected())
        v = to_python(value)
        allowed = self.range_text()
        unit = f" ({self.unit_text})" if self.unit else ""
        if not (self.integer and isinstance(v, int)):  # whole ints stay exact, however large
            try:
                v = float(v)
            except OverflowError:  # an int too large for a float
                v = math.inf if v > 0 else -math.inf
            if math.isnan(v) and self.nan_ok:
                return v
            if not math.isfinite(v):
                anything = "a finite number or NaN" if self.nan_ok else "any finite number"
                raise ValueError(f"{path} = {show(value)} is not finite; allowed "
                                 f"{allowed or anything}{unit}")
            if self.integer:
                if not v.is_integer():
                    raise ValueError(f"{path} = {show(value)} must be a whole number"
                                     f"{self._where()}")
                v = int(v)
        if not self._inside(v):
            shown = show(v) if self.integer else show_outside(v, self.min, self.max)
            words = f" {self.unit_text}" if self.unit else ""
            raise ValueError(f"{path} = {shown}{words} is out of range: allowed {allowed}{unit}")
        return v


@dataclass(frozen=True)
class Text:
    """A string, optionally one of ``choices``."""

    choices: tuple = ()

    def expected(self) -> str:
        return "one of " + ", ".join(map(repr, self.choices)) if self.choices else "a string"

    def check(self, value, path: str):
        if not isinstance(value, str):
            raise _bad(path, value, self.expected())
        if self.choices and value not in self.choices:
            close = difflib.get_close_matches(value, list(self.choices), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"{path} = {show(value)} is not {self.expected()}{hint}")
        return value


@dataclass(frozen=True)
class Const:
    """Exactly ``value`` (a format marker or a version); ``why`` explains it."""

    value: object
    why: str = ""

    def expected(self) -> str:
        return repr(self.value) + (f" ({self.why})" if self.why else "")

    def check(self, value, path: str):
        if type(value) is not type(self.value) or value != self.value:
            raise _bad(path, value, self.expected())
        return value


@dataclass(frozen=True)
class Nullable:
    """``None`` or what ``inner`` accepts."""

    inner: object

    def expected(self) -> str:
        return f"null or {self.inner.expected()}"

    def check(self, value, path: str):
        return None if value is None else self.inner.check(value, path)


@dataclass(frozen=True)
class ListOf:
    """A list (or tuple) of items that ``item`` accepts (``None``: anything); returns a list."""

    item: object = None
    min_len: int = 0
    what: str = ""

    def expected(self) -> str:
        if self.what:
            return self.what
        size = f"a list of at least {self.min_len}" if self.min_len else "a list"
        return size + (f", each {self.item.expected()}" if self.item is not None else "")

    def check(self, value, path: str):
        if not isinstance(value, (list, tuple)) or len(value) < self.min_len:
            raise _bad(path, value, self.expected())
        if self.item is None:
            return list(value)
        return [self.item.check(v, join(path, i)) for i, v in enumerate(value)]


@dataclass(frozen=True)
class MapOf:
    """A mapping with string keys and values that ``value`` accepts (``None``: anything)."""

    value: object = None
    what: str = ""

    def expected(self) -> str:
        return self.what or "a mapping {name: value}"

    def check(self, value, path: str):
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            raise _bad(path, value, self.expected())
        if self.value is None:
            return dict(value)
        return {k: self.value.check(v, join(path, k)) for k, v in value.items()}


@dataclass(frozen=True)
class Record:
    """A mapping with declared keys: every ``required`` key, any ``optional`` ones, no others.

    Values are checked by the schema declared for their key (``None``: anything). Returns a
    plain dict of the keys present. ``key_noun`` names the keys in messages (e.g. "array").
    """

    required: Mapping = field(default_factory=dict)
    optional: Mapping = field(default_factory=dict)
    what: str = "a mapping"
    key_noun: str = "key"

    def expected(self) -> str:
        return self.what

    def check(self, value, path: str):
        if not isinstance(value, Mapping):
            raise _bad(path, value, self.expected())
        allowed = {**self.required, **self.optional}
        where = f"{path}: " if path else ""
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise ValueError(f"{where}unknown {self.key_noun} {show(key)}; {hint}"
                                 f"allowed: {', '.join(allowed)}")
        for key, spec in self.required.items():
            if key not in value:
                what = f": expected {spec.expected()}" if spec is not None else ""
                raise ValueError(f"{where}missing {self.key_noun} {key!r}{what}")
        return {k: (v if allowed[k] is None else allowed[k].check(v, join(path, k)))
                for k, v in value.items()}


@dataclass(frozen=True)
class Array:
    """A numpy array of floats (``kind="f"``) or integers (``"i"``) of a given ``shape``.

    ``shape`` entries of ``None`` take any length; ``why`` says where the shape comes from.
    Float arrays must be finite (NaN allowed with ``nan_ok``); integers inside
    ``[min, max]``.
    """

    kind: str
    shape: tuple
    why: str = ""
    nan_ok: bool = False
    min: float = -math.inf
    max: float = math.inf

    def expected(self) -> str:
        words = "floating-point numbers" if self.kind == "f" else "integers"
        dims = "(" + ", ".join("any" if n is None else str(n) for n in self.shape) + \
            ("," if len(self.shape) == 1 else "") + ")"
        return f"an array of {words} of shape {dims}" + (f" ({self.why})" if self.why else "")

    def check(self, value, path: str):
        kinds = "f" if self.kind == "f" else "iu"
        if (not isinstance(value, np.ndarray) or value.dtype.kind not in kinds
                or value.ndim != len(self.shape)
                or any(n is not None and n != m for n, m in zip(self.shape, value.shape))):
            got = (f"shape {value.shape} and dtype {value.dtype}" if isinstance(value, np.ndarray)
                   else show(value))
            raise ValueError(f"array {path} has {got}; expected {self.expected()}")
        if self.kind == "f":
            bad = ~np.isfinite(value)
            if self.nan_ok:
                bad &= ~np.isnan(value)
            if bad.any():
                raise ValueError(f"array {path} holds {int(bad.sum())} non-finite value(s), e.g. "
                                 f"{show(value[bad].flat[0])}; expected finite numbers")
        elif value.size and (value.min() < self.min or value.max() > self.max):
            raise ValueError(f"array {path} holds values from {value.min()} to {value.max()}; "
                             f"expected whole numbers in [{_fmt(self.min)}, {_fmt(self.max)}]")
        return value


def check(value, schema, path: str = ""):
    """Check ``value`` against ``schema`` and return it normalised (numbers as Python numbers)."""
    return schema.check(value, path)


@contextlib.contextmanager
def reading(source: str):
    """Name ``source`` (e.g. ``"scenario file 'x.json'"``) in every ValueError raised inside."""
    try:
        yield
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
