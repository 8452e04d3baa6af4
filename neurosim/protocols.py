"""What the experimenter does: composable input protocols.

A :class:`Protocol` is an immutable collection of components. Each component
contributes a waveform to one input *channel*:

``command``
    the voluntary (descending) command, a fraction of maximal drive (0–1);
``afferent``
    excitatory sensory input to the motor neurons, a fraction of maximal drive,
    which passes through presynaptic inhibition before reaching the pool: an
    imposed sensory volley (e.g. the brief touch of the spasm test), on top of the
    Ia input the spindles compute themselves from the joint's movement.

Joint components (:class:`ImposedStretch`, :class:`SineStretch`, :class:`FreeLimb`,
:class:`TorquePulses`, :class:`TendonTap`) move or load the ankle, whose stretch drives the
spindles and so closes the stretch-reflex loop; :class:`NerveStimulation` shocks the nerve.

Waveforms on the same channel add up; the command is clipped to [0, 1] and the
afferent input to ≥ 0. A :class:`Noise` component sets the synaptic noise.
Components combine with ``+``::

    >>> from neurosim.protocols import Trapezoid, Pulses, Noise
    >>> p = Trapezoid(start_s=1, rise_s=1, hold_s=2, fall_s=1, level=0.3) + Noise()
    >>> len(p.components)
    2
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np

from . import _schema
from .parameters import Validated, param

__all__ = ["Protocol", "Rest", "Step", "Ramp", "Hold", "Trapezoid", "Sine", "Pulses",
           "Noise", "ImposedStretch", "SineStretch", "FreeLimb", "TorquePulses", "TendonTap",
           "NerveStimulation", "CHANNELS", "component_types"]

CHANNELS = ("command", "afferent")
_TEACH = "protocol setting (experimenter's choice)"


def _time(default, label, help):
    return param(default, unit="s", min=0.0, max=3600.0, label=label, help=help, source=_TEACH)


def _level(default, label, help, lo=0.0, hi=1.0):
    return param(default, unit="1", min=lo, max=hi, label=label, help=help, source=_TEACH)


class Component(Validated):
    """Base of all protocol components (frozen dataclasses with validated fields)."""

    stage_name: ClassVar[str] = "component"
    channel: ClassVar[str] = "command"

    def waveform(self, time_s: np.ndarray) -> np.ndarray:
        """Return the component's contribution at each time.

        Parameters
        ----------
        time_s : ndarray, shape (n_steps,)
            Times in seconds.

        Returns
        -------
        ndarray, shape (n_steps,)
            Contribution to :attr:`channel` (fraction of maximal drive).
        """
        return np.zeros_like(time_s)

    def to_dict(self) -> dict:
        """Return a JSON-serialisable description including the component type."""
        out = {"type": type(self).__name__}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = list(v) if isinstance(v, tuple) else v
        return out

    def __add__(self, other: Component | Protocol) -> "Protocol":
        return Protocol(self) + other

    def end_s(self) -> float:
        """Time after which the component contributes nothing (``inf`` if never)."""
        return 0.0


def _validate_times(component) -> None:
    """Validate and normalise a component's ``times_s`` to a tuple of floats ≥ 0."""
    times = component.times_s
    name = f"{component.stage_name}.times_s"
    if np.isscalar(times):
        times = (times,)
    try:
        times = tuple(float(t) for t in times)
    except (TypeError, ValueError):
        raise ValueError(f"{name} = {component.times_s!r} must be a list of times in s") from None
    if not times or any(not math.isfinite(t) or t < 0 for t in times):
        raise ValueError(f"{name} = {component.times_s!r} must be one or more finite times ≥ 0 s")
    object.__setattr__(component, "times_s", times)


def _window(time_s, start_s, stop_s):
    return (time_s >= start_s) & (time_s < stop_s)


@dataclass(frozen=True)
class Rest(Component):
    """No voluntary command at all (the explicit 'do nothing' protocol)."""

    stage_name: ClassVar[str] = "rest"


@dataclass(frozen=True)
class Step(Component):
    """A constant command ``level`` from ``start_s`` until ``stop_s``."""

    stage_name: ClassVar[str] = "step"
    level: float = _level(0.2, "Step level", "Command during the step (fraction of maximum).")
    start_s: float = _time(0.5, "Step start", "When the step begins.")
    stop_s: float = _time(3600.0, "Step end", "When the step ends.")

    def waveform(self, time_s):
        return np.where(_window(time_s, self.start_s, self.stop_s), self.level, 0.0)

    def end_s(self):
        return self.stop_s


@dataclass(frozen=True)
class Hold(Step):
    """Hold a command ``level`` between ``start_s`` and ``stop_s`` (same as :class:`Step`)."""

    stage_name: ClassVar[str] = "hold"


@dataclass(frozen=True)
class Ramp(Component):
    """A linear change from ``start_level`` at ``start_s`` to ``end_level`` at ``stop_s``.

    Zero outside ``[start_s, stop_s)``; combine with :class:`Hold` to stay at the end level.
    """

    stage_name: ClassVar[str] = "ramp"
    start_s: float = _time(0.5, "Ramp start", "When the ramp begins.")
    stop_s: float = _time(5.5, "Ramp end", "When the ramp ends.")
    start_level: float = _level(0.0, "Ramp start level", "Command at the start of the ramp.")
    end_level: float = _level(1.0, "Ramp end level", "Command at the end of the ramp.")

    def __post_init__(self):
        super().__post_init__()
        if self.stop_s <= self.start_s:
            raise ValueError(f"ramp.stop_s = {self.stop_s:g} s must be later than "
                             f"ramp.start_s = {self.start_s:g} s")

    def waveform(self, time_s):
        frac = (time_s - self.start_s) / (self.stop_s - self.start_s)
        value = self.start_level + frac * (self.end_level - self.start_level)
        return np.where(_window(time_s, self.start_s, self.stop_s), value, 0.0)

    def end_s(self):
        return self.stop_s


@dataclass(frozen=True)
class Trapezoid(Component):
    """Rise linearly to ``level``, hold, and fall back to zero — the classic isometric task."""

    stage_name: ClassVar[str] = "trapezoid"
    start_s: float = _time(0.5, "Trapezoid start", "When the rise begins.")
    rise_s: float = _time(1.0, "Rise time", "Duration of the rising ramp.")
    hold_s: float = _time(2.0, "Hold time", "Duration of the plateau.")
    fall_s: float = _time(1.0, "Fall time", "Duration of the falling ramp.")
    level: float = _level(0.3, "Plateau level", "Command on the plateau (fraction of maximum).")

    def waveform(self, time_s):
        t = time_s - self.start_s
        rise = np.clip(t / self.rise_s, 0, 1) if self.rise_s > 0 else (t >= 0).astype(float)
        t_fall = t - self.rise_s - self.hold_s
        fall = np.clip(1 - t_fall / self.fall_s, 0, 1) if self.fall_s > 0 else (t_fall < 0).astype(float)
        return np.where(t >= 0, self.level * np.minimum(rise, fall), 0.0)

    def end_s(self):
        return self.start_s + self.rise_s + self.hold_s + self.fall_s


@dataclass(frozen=True)
class Sine(Component):
    """``offset + amplitude·sin(2π f (t − start))`` between ``start_s`` and ``stop_s``."""

    stage_name: ClassVar[str] = "sine"
    offset: float = _level(0.2, "Sine offset", "Mean command.")
    amplitude: float = _level(0.1, "Sine amplitude", "Half the peak-to-peak command swing.")
    frequency_hz: float = param(1.0, unit="Hz", min=0.0, max=100.0, label="Sine frequency",
                                help="Frequency of the oscillating command.", source=_TEACH)
    start_s: float = _time(0.5, "Sine start", "When the oscillation begins.")
    stop_s: float = _time(3600.0, "Sine end", "When the oscillation ends.")

    def waveform(self, time_s):
        value = self.offset + self.amplitude * np.sin(
            2 * np.pi * self.frequency_hz * (time_s - self.start_s))
        return np.where(_window(time_s, self.start_s, self.stop_s), value, 0.0)

    def end_s(self):
        return self.stop_s


@dataclass(frozen=True)
class Pulses(Component):
    """Brief excitatory input pulses to the pool (a stand-in for a sensory volley).

    Each pulse is a rectangle of ``amplitude`` (fraction of maximal drive) lasting
    ``width_ms``. This input is *afferent*: presynaptic inhibition scales it down.
    """

    stage_name: ClassVar[str] = "pulses"
    channel: ClassVar[str] = "afferent"
    times_s: tuple = field(default=(1.0,))
    width_ms: float = param(150.0, unit="ms", min=0.1, max=5000.0, label="Pulse width",
                            help="Duration of each input pulse.", source=_TEACH)
    amplitude: float = _level(0.5, "Pulse amplitude",
                              "Size of each pulse (fraction of maximal drive).", hi=2.0)

    def __post_init__(self):
        _validate_times(self)
        super().__post_init__()

    def waveform(self, time_s):
        out = np.zeros_like(time_s)
        width = self.width_ms / 1000.0
        for t0 in self.times_s:
            out[_window(time_s, t0, t0 + width)] += self.amplitude
        return out

    def end_s(self):
        return max(self.times_s) + self.width_ms / 1000.0


@dataclass(frozen=True)
class Noise(Component):
    """Synaptic noise: a common part shared by all units and an independent part per unit.

    Both are Ornstein–Uhlenbeck currents with time constant ``time_constant_ms``,
    expressed as a fraction of each unit's rheobase, updated every millisecond.
    Common noise synchronises the units; independent noise de-synchronises them.
    """

    stage_name: ClassVar[str] = "noise"
    channel: ClassVar[str] = "noise"
    common: float = param(0.03, unit="1", min=0.0, max=2.0, label="Common noise",
                          help="SD of the noise shared by all units (fraction of rheobase).",
                          source="Common drive makes motor units covary (De Luca & Erim 1994, "
                                 "Trends Neurosci 17:299); size a neurosim choice")
    independent: float = param(0.10, unit="1", min=0.0, max=2.0, label="Independent noise",
                               help="SD of each unit's own noise (fraction of rheobase).",
                               source="Gives motor-unit interspike-interval variability of "
                                      "10–20 % (Matthews 1996, J Physiol 492:597); size a neurosim choice")
    time_constant_ms: float = param(10.0, unit="ms", min=1.0, max=1000.0,
                                    label="Noise time constant",
                                    help="Correlation time of the noise.", source=_TEACH)


# --------------------------------------------------------------------------- limb
class JointComponent(Component):
    """Base of the components that decide how the joint moves (at most one per protocol).

    Without one, the joint is held isometric (as on a dynamometer) unless torque
    pulses are given, which act on a free limb.
    """

    channel: ClassVar[str] = "joint"
    mode: ClassVar[str] = "servo"

    def target(self, time_s):
        """Target angle (rad) and angular velocity (rad/s) of the examiner's movement."""
        zero = np.zeros_like(time_s)
        return zero, zero


@dataclass(frozen=True)
class ImposedStretch(JointComponent):
    """The examiner dorsiflexes the relaxed foot: ramp, hold, and return at the same speed.

    The examiner's grip (``limb.examiner_*``) holds the foot on this trajectory for
    the whole run; the torque the grip needs is the resistance to passive stretch.
    """

    stage_name: ClassVar[str] = "imposed_stretch"
    start_s: float = _time(0.5, "Stretch start", "When the stretch begins.")
    amplitude_deg: float = param(20.0, unit="deg", min=0.0, max=60.0, label="Stretch amplitude",
                                 help="How far the foot is dorsiflexed.", source=_TEACH)
    velocity_deg_s: float = param(100.0, unit="deg/s", min=1.0, max=1000.0,
                                  label="Stretch velocity",
                                  help="Angular velocity of the ramp (clinical tests: slow "
                                       "≈ 10 deg/s, fast ≥ 100 deg/s).", source=_TEACH)
    hold_s: float = _time(1.0, "Hold time", "How long the stretched position is held.")

    def target(self, time_s):
        ramp_s = self.amplitude_deg / self.velocity_deg_s
        if ramp_s == 0.0:  # no stretch at all (and no 0/0 at the start)
            zero = np.zeros_like(time_s, dtype=float)
            return zero, zero.copy()
        t = time_s - self.start_s
        back = t - ramp_s - self.hold_s
        amp = np.deg2rad(self.amplitude_deg)
        vel = np.deg2rad(self.velocity_deg_s)
        angle = np.clip(t / ramp_s, 0, 1) - np.clip(back / ramp_s, 0, 1)
        velocity = np.where((t >= 0) & (t < ramp_s), vel, 0.0) - np.where(
            (back >= 0) & (back < ramp_s), vel, 0.0)
        return amp * angle, velocity

    def end_s(self):
        return self.start_s + 2 * self.amplitude_deg / self.velocity_deg_s + self.hold_s


@dataclass(frozen=True)
class SineStretch(JointComponent):
    """The examiner moves the foot sinusoidally about the resting angle."""

    stage_name: ClassVar[str] = "sine_stretch"
    amplitude_deg: float = param(10.0, unit="deg", min=0.0, max=60.0, label="Sine amplitude",
                                 help="Peak dorsiflexion of the oscillation.", source=_TEACH)
    frequency_hz: float = param(1.0, unit="Hz", min=0.01, max=20.0, label="Sine frequency",
                                help="Frequency of the imposed movement.", source=_TEACH)
    start_s: float = _time(0.5, "Sine start", "When the movement begins.")
    stop_s: float = _time(3600.0, "Sine end", "When the movement ends.")

    def target(self, time_s):
        on = _window(time_s, self.start_s, self.stop_s)
        w = 2 * np.pi * self.frequency_hz
        amp = np.deg2rad(self.amplitude_deg)
        phase = w * (time_s - self.start_s)
        return np.where(on, amp * np.sin(phase), 0.0), np.where(on, amp * w * np.cos(phase), 0.0)

    def end_s(self):
        return self.stop_s


@dataclass(frozen=True)
class FreeLimb(JointComponent):
    """Nobody holds the foot: muscle force moves it against a constant load (closed loop)."""

    stage_name: ClassVar[str] = "free_limb"
    mode: ClassVar[str] = "free"
    load_torque_Nm: float = param(0.0, unit="N·m", min=-200.0, max=200.0, label="Load torque",
                                  help="Constant torque on the foot; positive dorsiflexes "
                                       "(e.g. the examiner's steady pressure in a clonus test).",
                                  source=_TEACH)


@dataclass(frozen=True)
class TorquePulses(Component):
    """Brief torque pulses on the foot (positive dorsiflexes, stretching the muscle)."""

    stage_name: ClassVar[str] = "torque_pulses"
    channel: ClassVar[str] = "torque"
    times_s: tuple = field(default=(1.0,))
    torque_Nm: float = param(10.0, unit="N·m", min=-500.0, max=500.0, label="Pulse torque",
                             help="Torque during each pulse.", source=_TEACH)
    width_ms: float = param(50.0, unit="ms", min=0.1, max=5000.0, label="Pulse width",
                            help="Duration of each pulse.", source=_TEACH)

    def __post_init__(self):
        _validate_times(self)
        super().__post_init__()

    def waveform(self, time_s):
        out = np.zeros_like(time_s)
        for t0 in self.times_s:
            out[_window(time_s, t0, t0 + self.width_ms / 1000.0)] += self.torque_Nm
        return out

    def end_s(self):
        return max(self.times_s) + self.width_ms / 1000.0


@dataclass(frozen=True)
class TendonTap(TorquePulses):
    """A tendon-hammer tap: a very brief dorsiflexing impulse on the relaxed, free foot."""

    stage_name: ClassVar[str] = "tendon_tap"
    torque_Nm: float = param(40.0, unit="N·m", min=-500.0, max=500.0, label="Tap torque",
                             help="Peak torque of the tap.", source=_TEACH)
    width_ms: float = param(10.0, unit="ms", min=0.1, max=100.0, label="Tap duration",
                            help="Duration of the tap.", source=_TEACH)


@dataclass(frozen=True)
class NerveStimulation(Component):
    """Electrical stimulation of the mixed nerve (motor axons and Ia afferents).

    Each shock recruits axons by electrical threshold, largest first; see
    :mod:`neurosim.nerve` for the M-wave, H-reflex and collision.
    """

    stage_name: ClassVar[str] = "nerve_stimulation"
    channel: ClassVar[str] = "stimulus"
    times_s: tuple = field(default=(0.5,))
    intensity_mA: float = param(20.0, unit="mA", min=0.0, max=200.0, label="Stimulus intensity",
                                help="Current of each shock.", source=_TEACH)
    site: str = "distal"

    def __post_init__(self):
        _validate_times(self)
        if self.site not in ("distal", "proximal"):
            raise ValueError(f"nerve_stimulation.site = {self.site!r} must be 'distal' or "
                             f"'proximal'")
        super().__post_init__()

    def stimuli(self):
        """``(time_s, intensity_mA, site)`` of every shock."""
        return [(t, self.intensity_mA, self.site) for t in self.times_s]

    def end_s(self):
        return max(self.times_s)


_COMPONENTS = {cls.__name__: cls for cls in (
    Rest, Step, Hold, Ramp, Trapezoid, Sine, Pulses, Noise, ImposedStretch, SineStretch, FreeLimb,
    TorquePulses, TendonTap, NerveStimulation)}


_PROTOCOL_SCHEMA = _schema.ListOf(
    _schema.MapOf(what="a mapping {'type': component name, field: value}"),
    what="a list of protocol components, each {'type': component name, field: value}")
_TYPE_SCHEMA = _schema.Text(tuple(_COMPONENTS))
_TIMES_SCHEMA = _schema.ListOf(_schema.Number(unit="s", min=0.0), min_len=1,
                               what="a list of one or more times ≥ 0 (s)")


@functools.lru_cache(maxsize=None)
def _component_schema(cls) -> _schema.Record:
    """What :meth:`Protocol.from_dict` accepts for one component: its type and fields."""
    specs = {}
    for f in fields(cls):
        if "unit" in f.metadata:
            specs[f.name] = _schema.Number.from_metadata(f.metadata)
        elif f.name == "times_s":
            specs[f.name] = _TIMES_SCHEMA
        else:
            specs[f.name] = _schema.Text()
    return _schema.Record(required={"type": _TYPE_SCHEMA}, optional=specs,
                          what=f"a {cls.__name__} component")


def component_types() -> dict[str, type]:
    """Return ``{name: class}`` of every protocol component (for CLI, files, widgets)."""
    return dict(_COMPONENTS)


@dataclass(frozen=True)
class Protocol:
    """An immutable, composable experiment protocol.

    Parameters
    ----------
    *components : Component
        Waveforms and (at most one) :class:`Noise`; with no :class:`Noise` the run is noise-free.
    """

    components: tuple = ()

    def __init__(self, *components: Component | Protocol) -> None:
        flat = []
        for c in components:
            if isinstance(c, Protocol):
                flat.extend(c.components)
            elif isinstance(c, Component):
                flat.append(c)
            else:
                raise ValueError(f"protocol component {c!r} is not a protocol component "
                                 f"(one of {', '.join(_COMPONENTS)})")
        if sum(isinstance(c, Noise) for c in flat) > 1:
            raise ValueError("a protocol may contain at most one Noise component")
        if sum(isinstance(c, JointComponent) for c in flat) > 1:
            raise ValueError("a protocol may contain at most one joint component "
                             "(ImposedStretch, SineStretch or FreeLimb)")
        object.__setattr__(self, "components", tuple(flat))

    def __add__(self, other: Component | Protocol) -> "Protocol":
        return Protocol(self, other)

    @property
    def noise(self) -> Noise:
        """The protocol's :class:`Noise` (zero noise when none was given)."""
        for c in self.components:
            if isinstance(c, Noise):
                return c
        return Noise(common=0.0, independent=0.0)

    def waveforms(self, time_s: np.ndarray) -> dict[str, np.ndarray]:
        """Evaluate every channel.

        Parameters
        ----------
        time_s : ndarray, shape (n_steps,)

        Returns
        -------
        dict of str to ndarray, each shape (n_steps,)
            ``"command"`` clipped to [0, 1] and ``"afferent"`` clipped to ≥ 0.
        """
        out = {ch: np.zeros_like(time_s, dtype=float) for ch in CHANNELS}
        for c in self.components:
            if c.channel in out:
                out[c.channel] += c.waveform(time_s)
        out["command"] = np.clip(out["command"], 0.0, 1.0)
        out["afferent"] = np.maximum(out["afferent"], 0.0)
        return out

    @property
    def joint_mode(self) -> str:
        """``"isometric"`` (joint held), ``"servo"`` (examiner moves it) or ``"free"``."""
        for c in self.components:
            if isinstance(c, JointComponent):
                return c.mode
        if any(c.channel == "torque" for c in self.components):
            return "free"
        return "isometric"

    def limb_waveforms(self, time_s: np.ndarray) -> dict[str, np.ndarray]:
        """Target angle (rad), target velocity (rad/s) and external torque (N·m), each (n_steps,)."""
        angle = np.zeros_like(time_s, dtype=float)
        velocity = np.zeros_like(time_s, dtype=float)
        torque = np.zeros_like(time_s, dtype=float)
        for c in self.components:
            if isinstance(c, JointComponent):
                angle, velocity = c.target(time_s)
                if isinstance(c, FreeLimb):
                    torque = torque + c.load_torque_Nm
            elif c.channel == "torque":
                torque = torque + c.waveform(time_s)
        return {"target_angle_rad": angle, "target_velocity_rad_s": velocity, "torque_Nm": torque}

    def stimuli(self) -> list[tuple[float, float, str]]:
        """Every electrical shock as ``(time_s, intensity_mA, site)``, in time order."""
        out = [s for c in self.components if isinstance(c, NerveStimulation) for s in c.stimuli()]
        return sorted(out)

    def input_end_s(self) -> float:
        """Time at which the last command or afferent component ends (0 if none)."""
        ends = [c.end_s() for c in self.components
                if c.channel in CHANNELS + ("torque", "stimulus")
                or isinstance(c, (ImposedStretch, SineStretch))]
        return max(ends, default=0.0)

    def to_dict(self) -> list[dict]:
        """Return a JSON-serialisable list of component descriptions."""
        return [c.to_dict() for c in self.components]

    @classmethod
    def from_dict(cls, data: Sequence[Mapping[str, Any]]) -> "Protocol":
        """Rebuild a protocol from :meth:`to_dict` output.

        ``data`` is a list of ``{"type": component name, field: value, ...}``; fields left
        out take their defaults. Anything else (a non-list, an item that is not a
        mapping, an unknown type or field, ``times_s`` that is not a list of times) is a
        ValueError naming the item, e.g. ``protocol[1].times_s``.
        """
        comps = []
        for i, item in enumerate(_schema.check(data, _PROTOCOL_SCHEMA, "protocol")):
            path = f"protocol[{i}]"
            if "type" not in item:
                raise ValueError(f"{path}: missing key 'type': expected {_TYPE_SCHEMA.expected()}")
            kind = _schema.check(item["type"], _TYPE_SCHEMA, f"{path}.type")
            fields_ = _schema.check(item, _component_schema(_COMPONENTS[kind]), path)
            del fields_["type"]
            if "times_s" in fields_:
                fields_["times_s"] = tuple(fields_["times_s"])
            with _schema.reading(path):
                comps.append(_COMPONENTS[kind](**fields_))
        return cls(*comps)

    def __repr__(self) -> str:
        """The components joined by ``+``, each with its values (4 significant digits; a long
        list of times shows its first and last ones and its length), e.g.
        ``Protocol(Pulses(times_s=(1.0,), width_ms=150.0, amplitude=0.3) + Noise(...))``."""
        return "Protocol(" + " + ".join(_component_repr(c) for c in self.components) + ")"


_REPR_TIMES = 3  # a list of times longer than this shows its first ones, "…" and its last


def _short(value) -> str:
    """A field value for :meth:`Protocol.__repr__`."""
    if isinstance(value, float):
        return repr(float(f"{value:.4g}"))
    if isinstance(value, tuple):
        items = [_short(v) for v in value]
        if len(items) > _REPR_TIMES + 1:
            items = items[:_REPR_TIMES] + [f"… {items[-1]}; {len(items)} values"]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return repr(value)


def _component_repr(component: Component) -> str:
    values = ", ".join(f"{f.name}={_short(getattr(component, f.name))}" for f in fields(component))
    return f"{type(component).__name__}({values})"
