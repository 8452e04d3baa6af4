"""Random valid set-ups for the numerical stress tests (property test and fuzz script).

A *case* is a random parameter set (fields drawn inside their declared ``[min, max]``,
on top of a random built-in scenario), a protocol of one of the kinds of
:data:`neurosim.experiments.PROTOCOL_CHOICES` squeezed into a short run (its inputs drawn
inside their own declared ranges), an allowed ``dt`` and a seed. The draws go through a
small interface (:class:`RandomDraws`), so ``tests/test_numerics.py`` can feed it from
hypothesis (which then shrinks failures) and ``benchmarks/fuzz_numerics.py`` from a numpy
generator.

Importable from the tests (pytest puts tests/ on sys.path) and from the fuzz script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from neurosim import Parameters, scenarios
from neurosim.experiments import PROTOCOL_CHOICES
from neurosim.parameters import field_specs
from neurosim.protocols import (FreeLimb, ImposedStretch, NerveStimulation, Noise, Protocol,
                                Pulses, TendonTap, TorquePulses, Trapezoid)

KINDS = tuple(PROTOCOL_CHOICES) + ("scenario",)
"""Protocol kinds: every entry of PROTOCOL_CHOICES, plus the base scenario's own protocol."""
DT_CHOICES_MS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0)
"""Steps a case may use (every one divides 1 ms)."""


class RandomDraws:
    """What a case generator needs from a source of randomness."""

    def uniform(self, lo: float, hi: float) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    def choice(self, options):  # pragma: no cover - interface
        raise NotImplementedError

    def integer(self, lo: int, hi: int) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def value(self, lo: float, hi: float, *, log: bool | None = None) -> float:
        """A value in [lo, hi]: often an end of the range, else spread evenly (or evenly in
        its logarithm for a range over decades)."""
        how = self.choice(("low", "high", "inside", "inside", "inside"))
        if how == "low" or lo == hi:
            return lo
        if how == "high":
            return hi
        if log is None:
            log = lo > 0 and hi / lo > 30
        if log:
            return math.exp(self.uniform(math.log(lo), math.log(hi)))
        return self.uniform(lo, hi)


class NumpyDraws(RandomDraws):
    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def uniform(self, lo, hi):
        return float(self.rng.uniform(lo, hi))

    def choice(self, options):
        options = tuple(options)
        return options[int(self.rng.integers(len(options)))]

    def integer(self, lo, hi):
        return int(self.rng.integers(lo, hi + 1))


class HypothesisDraws(RandomDraws):
    def __init__(self, data):
        from hypothesis import strategies as st
        self.data, self.st = data, st

    def uniform(self, lo, hi):
        return self.data.draw(self.st.floats(lo, hi, allow_nan=False, allow_infinity=False))

    def choice(self, options):
        return self.data.draw(self.st.sampled_from(tuple(options)))

    def integer(self, lo, hi):
        return self.data.draw(self.st.integers(lo, hi))


@dataclass
class Case:
    scenario: str
    kind: str
    changes: dict
    protocol: Protocol
    duration_s: float
    dt_ms: float
    seed: int
    record_units: list

    def parameters(self) -> Parameters:
        return scenarios.get(self.scenario).parameters.with_changes(**self.changes)

    def describe(self) -> dict:
        return dict(scenario=self.scenario, kind=self.kind, changes=self.changes,
                    protocol=self.protocol.to_dict(), duration_s=self.duration_s,
                    dt_ms=self.dt_ms, seed=self.seed, record_units=self.record_units)


def _noise(d: RandomDraws):
    return Noise(common=d.value(0.0, 2.0), independent=d.value(0.0, 2.0),
                 time_constant_ms=d.value(1.0, 1000.0))


def short_protocol(kind: str, base: Protocol, duration_s: float, d: RandomDraws) -> Protocol:
    """A protocol of ``kind`` whose inputs fall inside ``duration_s``, each of its settings
    drawn inside its declared range."""
    t0 = d.uniform(0.0, 0.5 * duration_s)
    if kind == "scenario":
        return base
    if kind == "spasm_test":
        return Protocol(Pulses(times_s=(t0,), width_ms=d.value(0.1, 5000.0),
                               amplitude=d.value(0.0, 2.0)), _noise(d))
    if kind == "voluntary":
        span = duration_s - t0
        return Protocol(Trapezoid(start_s=t0, rise_s=d.uniform(0.0, span / 3),
                                  hold_s=d.uniform(0.0, span / 3),
                                  fall_s=d.uniform(0.0, span / 3), level=d.value(0.0, 1.0)),
                        _noise(d))
    if kind == "stretch":
        return Protocol(ImposedStretch(start_s=t0, amplitude_deg=d.value(0.0, 60.0),
                                       velocity_deg_s=d.value(1.0, 1000.0),
                                       hold_s=d.uniform(0.0, duration_s)), _noise(d))
    if kind in ("tendon_tap", "clonus"):
        pulse = (TendonTap(times_s=(t0,), torque_Nm=d.value(-500.0, 500.0),
                           width_ms=d.value(0.1, 100.0)) if kind == "tendon_tap" else
                 TorquePulses(times_s=(t0,), torque_Nm=d.value(-500.0, 500.0),
                              width_ms=d.value(0.1, 5000.0)))
        return Protocol(FreeLimb(load_torque_Nm=d.value(-200.0, 200.0)), pulse, _noise(d))
    if kind == "nerve_stimulation":
        rate = d.value(1.0, 200.0)
        times = tuple(t0 + k / rate for k in range(max(1, int((duration_s - t0) * rate))))
        return Protocol(NerveStimulation(times_s=times, intensity_mA=d.value(0.0, 200.0),
                                         site=d.choice(("distal", "proximal"))))
    raise ValueError(f"unknown kind {kind!r}")


def draw_case(d: RandomDraws, *, max_units: int = 60, durations_s=(0.3, 1.0),
              dt_choices=DT_CHOICES_MS) -> Case:
    """A random valid case (see the module docstring).

    ``pool.n_units`` is drawn up to ``max_units`` only (its declared maximum is 20,000):
    the numerics of a unit do not depend on how many there are, and runs must stay short.
    """
    name = d.choice(scenarios.names())
    share = d.choice((0.05, 0.3, 1.0))  # how many fields leave the scenario's values
    changes = {}
    for spec in field_specs().values():
        if d.uniform(0.0, 1.0) >= share:
            continue
        hi = min(spec.max, max_units) if spec.name == "pool.n_units" else spec.max
        if spec.integer:
            changes[spec.name] = d.choice((int(spec.min), int(hi), d.integer(int(spec.min), int(hi))))
        else:
            changes[spec.name] = d.value(spec.min, hi)
    duration = d.uniform(*durations_s)
    base = scenarios.get(name)
    kind = d.choice(KINDS)
    protocol = short_protocol(kind, base.protocol, duration, d)
    rate = changes.get("emg.output_rate_hz", base.parameters.emg.output_rate_hz)
    fits = [dt for dt in dt_choices if dt <= 1000.0 / rate]
    dt = d.choice(fits if fits and d.uniform(0.0, 1.0) < 0.95 else dt_choices)
    n = changes.get("pool.n_units", base.parameters.pool.n_units)
    record = sorted({d.integer(0, n - 1) for _ in range(3)})
    return Case(name, kind, changes, protocol, duration, dt, d.integer(0, 2 ** 31), record)


def names_a_parameter(message: str) -> bool:
    """Whether an error message names a parameter (``stage.field``, ``dt_ms`` …)."""
    import re
    specs = field_specs()
    dotted = re.findall(r"\b([a-z_]+\.[a-z_A-Z0-9]+)\b", message)
    return any(m in specs or m.split(".")[0] in _PROTOCOL_STAGES for m in dotted) or \
        "dt_ms" in message or "duration_s" in message


_PROTOCOL_STAGES = {"ramp", "step", "hold", "trapezoid", "sine", "pulses", "noise",
                    "imposed_stretch", "sine_stretch", "free_limb", "torque_pulses",
                    "tendon_tap", "nerve_stimulation", "component"}
