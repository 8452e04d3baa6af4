"""Standard clinical tests: the protocols and the measurements that go with them.

* the **passive stretch test** (spasticity): the examiner dorsiflexes the relaxed
  foot at a chosen velocity; a spastic limb answers with a velocity-dependent
  reflex (Lance 1980);
* the **clonus test**: a brisk push on the free foot held under a steady
  dorsiflexing load;
* the **nerve conduction study**: supramaximal shocks at two sites give M-wave
  latencies, amplitudes and the conduction velocity; a ladder of intensities at
  the distal site gives the H/M recruitment curve; a train of supramaximal shocks
  gives the F-waves (:func:`f_wave_protocol`).

Scenarios, the CLI, the notebooks and the dashboard all build on these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._schema import Number
from .analysis import (EvokedResponse, FWaveSummary, conduction_velocity_m_s,
                       evoked_responses, f_wave_summary, stretch_reflex)
from .engine import simulate
from .parameters import Parameters
from .protocols import (FreeLimb, ImposedStretch, NerveStimulation, Noise, Protocol, Pulses,
                        TendonTap, TorquePulses, Trapezoid)
from .result import SimulationResult

__all__ = ["spasm_test_protocol", "voluntary_protocol", "tendon_tap_protocol",
           "ProtocolChoice", "PROTOCOL_CHOICES", "protocol_choice",
           "stretch_protocol", "clonus_protocol", "conduction_protocol", "train_protocol",
           "f_wave_protocol", "f_wave_study",
           "reflex_vs_velocity", "voluntary_force_percent", "hold_force_percent",
           "VOLUNTARY_HOLD_S", "stretch_test",
           "ReflexCurve", "ConductionReport", "conduction_report", "H_CURVE_MA"]

H_CURVE_MA = (5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 12.0, 15.0, 20.0, 30.0, 45.0)
"""Distal stimulus intensities of the H/M recruitment curve (mA)."""


def spasm_test_protocol(*, amplitude: float = 0.3, at_s: float = 1.0) -> Protocol:
    """The standard trigger: one brief afferent volley (150 ms) at rest, with synaptic noise.

    Stands in for what triggers spasms in people with spinal cord injury — a touch,
    a stretch, a change of posture.
    """
    return Protocol(Pulses(times_s=(at_s,), width_ms=150.0, amplitude=amplitude), Noise())


def voluntary_protocol(level: float = 0.3) -> Protocol:
    """A voluntary contraction: rise over 1 s, hold 2 s, relax over 1 s (from 0.5 s), with noise.

    ``level`` is the command as a fraction of the maximal descending drive.
    """
    return Protocol(Trapezoid(start_s=0.5, rise_s=1.0, hold_s=2.0, fall_s=1.0, level=level),
                    Noise())


def voluntary_force_percent(parameters: Parameters, level: float, *, seed: int = 0) -> float:
    """Voluntary strength: mean force during the hold of :func:`voluntary_protocol`.

    Parameters
    ----------
    parameters : Parameters
    level : float
        Voluntary effort (command), fraction of maximal (0–1]; 1 gives the maximal
        voluntary contraction (MVC).
    seed : int
        Noise seed.

    Returns
    -------
    float
        Mean force (% of ``muscle.max_force_N``) from 2.0 to 3.5 s, the settled part of
        the 2 s hold. Weakness (paresis) shows as a lower value at the same effort.
    """
    if not (0 < level <= 1):
        raise ValueError(f"level = {level!r} is out of range: allowed (0, 1] (fraction of "
                         f"maximal effort)")
    result = simulate(parameters, voluntary_protocol(level), 4.0, seed=seed,
                      label=f"voluntary {level:g}")
    return hold_force_percent(result)


VOLUNTARY_HOLD_S = (2.0, 3.5)
"""The settled part of the hold of :func:`voluntary_protocol` (s), where strength is read."""


def hold_force_percent(result: SimulationResult) -> float:
    """Mean force (% of ``muscle.max_force_N``) in :data:`VOLUNTARY_HOLD_S` of a
    :func:`voluntary_protocol` run (NaN if the run is shorter)."""
    a, b = VOLUNTARY_HOLD_S
    hold = (result.time_s >= a) & (result.time_s < b)
    return float(result.force_percent[hold].mean()) if hold.any() else float("nan")


def tendon_tap_protocol(*, at_s: float = 0.5) -> Protocol:
    """A tendon-hammer tap on the relaxed, free foot (the ankle-jerk reflex)."""
    return Protocol(FreeLimb(), TendonTap(times_s=(at_s,)), Noise())


def stretch_protocol(velocity_deg_s: float = 100.0, *, amplitude_deg: float = 15.0,
                     hold_s: float = 1.0, start_s: float = 0.5) -> Protocol:
    """Passive ramp-and-hold dorsiflexion of the relaxed foot, with synaptic noise."""
    return Protocol(ImposedStretch(start_s=start_s, amplitude_deg=amplitude_deg,
                                   velocity_deg_s=velocity_deg_s, hold_s=hold_s), Noise())


def stretch_test(velocity_deg_s: float, *, amplitude_deg: float = 15.0) -> tuple:
    """The passive stretch test at one velocity: ``(protocol, duration_s)``.

    A :func:`stretch_protocol` ramp and hold, run long enough for the reflex after the
    ramp and the hold (0.5 s rest, ramp, 1 s hold, 0.5 s after; plus a second ramp-length
    of margin).
    """
    v = float(velocity_deg_s)
    return (stretch_protocol(v, amplitude_deg=amplitude_deg),
            0.5 + 2 * amplitude_deg / v + 1.0 + 0.5)


def clonus_protocol(*, load_torque_Nm: float = 3.0, push_torque_Nm: float = 8.0,
                    push_ms: float = 50.0, at_s: float = 1.0) -> Protocol:
    """Clonus test: a steady dorsiflexing load on the free foot and one brisk push."""
    return Protocol(FreeLimb(load_torque_Nm=load_torque_Nm),
                    TorquePulses(times_s=(at_s,), torque_Nm=push_torque_Nm, width_ms=push_ms),
                    Noise())


def conduction_protocol(*, supramaximal_mA: float = 60.0,
                        h_curve_mA: Sequence[float] = H_CURVE_MA,
                        interval_s: float = 1.0) -> Protocol:
    """Nerve conduction study: supramaximal distal and proximal shocks, then an H/M ladder.

    Shocks are ``interval_s`` apart, starting at 0.2 s (distal), 0.2 s + interval
    (proximal), then the distal ladder. Run it for
    ``0.2 + (2 + len(h_curve_mA)) * interval_s`` seconds.
    """
    comps = [NerveStimulation(times_s=(0.2,), intensity_mA=supramaximal_mA, site="distal"),
             NerveStimulation(times_s=(0.2 + interval_s,), intensity_mA=supramaximal_mA,
                              site="proximal")]
    for k, intensity in enumerate(h_curve_mA):
        comps.append(NerveStimulation(times_s=(0.2 + (2 + k) * interval_s,),
                                      intensity_mA=float(intensity), site="distal"))
    return Protocol(*comps, Noise())


_TRAIN_RATE_HZ = Number(unit="Hz", min=0.0, max=200.0, min_open=True)
_TRAIN_SHOCKS = Number(integer=True, min=1, max=10000)
_TRAIN_START_S = Number(unit="s", min=0.0)


def train_protocol(rate_hz: float = 3.0, n_shocks: int = 10, *, start_s: float = 0.1,
                   intensity_mA: float = 60.0) -> Protocol:
    """Repetitive nerve stimulation: ``n_shocks`` supramaximal shocks at ``rate_hz``.

    3 Hz trains reveal a decrementing response when the junction's safety factor is low
    (myasthenia-like); 30 Hz trains reveal depolarisation block when ACh is in excess.
    Run for ``start_s + n_shocks / rate_hz + 0.1`` s.
    """
    rate_hz = _TRAIN_RATE_HZ.check(rate_hz, "rate_hz")
    n_shocks = _TRAIN_SHOCKS.check(n_shocks, "n_shocks")
    start_s = _TRAIN_START_S.check(start_s, "start_s")
    times = tuple(start_s + k / rate_hz for k in range(n_shocks))
    return Protocol(NerveStimulation(times_s=times, intensity_mA=intensity_mA))


_F_SHOCKS = Number(integer=True, min=1, max=1000)
_F_INTERVAL_S = Number(unit="s", min=0.05, max=10.0)


def f_wave_protocol(n_shocks: int = 20, *, interval_s: float = 1.0,
                    intensity_mA: float = 60.0, start_s: float = 0.2) -> Protocol:
    """F-wave study: ``n_shocks`` supramaximal distal shocks, ``interval_s`` apart, at rest
    with synaptic noise (clinically 10–20 shocks at 0.5–1 Hz).

    Run for ``start_s + n_shocks * interval_s`` s; read with
    :func:`neurosim.analysis.f_wave_summary`.
    """
    n_shocks = _F_SHOCKS.check(n_shocks, "n_shocks")
    interval_s = _F_INTERVAL_S.check(interval_s, "interval_s")
    start_s = _TRAIN_START_S.check(start_s, "start_s")
    times = tuple(start_s + k * interval_s for k in range(n_shocks))
    return Protocol(NerveStimulation(times_s=times, intensity_mA=intensity_mA, site="distal"),
                    Noise())


def f_wave_study(parameters: Parameters, *, n_shocks: int = 20, interval_s: float = 1.0,
                 seed: int = 0) -> SimulationResult:
    """Run :func:`f_wave_protocol` (no per-step traces); pass the result to
    :func:`conduction_report` as ``f_wave_result`` or to
    :func:`neurosim.analysis.f_wave_summary`."""
    start_s = 0.2
    return simulate(parameters, f_wave_protocol(n_shocks, interval_s=interval_s,
                                                start_s=start_s),
                    start_s + n_shocks * interval_s, seed=seed, record_units=[],
                    label="F-wave study")


@dataclass(frozen=True)
class ProtocolChoice:
    """One entry of the protocol menu shared by the dashboard, notebooks and CLI.

    Attributes
    ----------
    name : str
        Key in :data:`PROTOCOL_CHOICES`.
    label : str
        Menu text.
    description : str
        One sentence: what the examiner does.
    build : callable
        ``build(velocity_deg_s) -> Protocol``; protocols without a velocity ignore it.
    tail_s : float
        Simulated time after the protocol's last input (s).
    uses_velocity : bool
        Whether the stretch velocity matters (the dashboard shows its slider then).
    min_duration_s : float
        Shortest run (s), whatever the inputs.
    """

    name: str
    label: str
    description: str
    build: Callable[[float], Protocol]
    tail_s: float
    uses_velocity: bool = False
    min_duration_s: float = 0.0

    def make(self, velocity_deg_s: float = 100.0) -> tuple[Protocol, float]:
        """Return the protocol and its run duration (s)."""
        protocol = self.build(velocity_deg_s)
        return protocol, max(self.min_duration_s, protocol.input_end_s() + self.tail_s)


PROTOCOL_CHOICES = {c.name: c for c in (
    ProtocolChoice("spasm_test", "Rest + brief sensory volley",
                   "The relaxed muscle receives a 150 ms sensory volley at 1 s (spasm trigger).",
                   lambda v: spasm_test_protocol(), tail_s=6.85),
    ProtocolChoice("voluntary", "Voluntary contraction (30 %)",
                   "The subject contracts to 30 % of maximal drive for 2 s, then relaxes.",
                   lambda v: voluntary_protocol(0.3), tail_s=1.0),
    ProtocolChoice("stretch", "Passive stretch",
                   "The examiner dorsiflexes the relaxed foot by 15° at the chosen velocity.",
                   lambda v: stretch_protocol(v), tail_s=1.2, uses_velocity=True),
    ProtocolChoice("tendon_tap", "Tendon tap",
                   "A tendon hammer taps the Achilles tendon of the relaxed, free foot.",
                   lambda v: tendon_tap_protocol(), tail_s=2.0),
    ProtocolChoice("clonus", "Clonus test",
                   "A steady dorsiflexing load on the free foot and one brisk push.",
                   lambda v: clonus_protocol(), tail_s=6.0),
    ProtocolChoice("nerve_stimulation", "Nerve stimulation (3 Hz train)",
                   "Ten supramaximal shocks to the motor nerve at 3 Hz (repetitive "
                   "nerve stimulation).",
                   lambda v: train_protocol(3.0, 10), tail_s=0.4),
)}
"""The protocol menu, by name."""


def protocol_choice(name: str, *, velocity_deg_s: float = 100.0) -> tuple[Protocol, float]:
    """Build a protocol from the menu :data:`PROTOCOL_CHOICES`.

    Returns
    -------
    protocol : Protocol
    duration_s : float
        How long to run it (s).

    Raises
    ------
    ValueError
        For an unknown name, or a velocity outside the stretch's allowed range.
    """
    if name not in PROTOCOL_CHOICES:
        raise ValueError(f"protocol = {name!r} is not one of {sorted(PROTOCOL_CHOICES)}")
    return PROTOCOL_CHOICES[name].make(velocity_deg_s)


@dataclass(frozen=True)
class ReflexCurve:
    """Reflex responses at several stretch velocities.

    Attributes
    ----------
    velocities_deg_s : ndarray, shape (n,)
    responses : tuple of ReflexResponse, length n
    """

    velocities_deg_s: np.ndarray
    responses: tuple

    @property
    def emg_peak_mV(self) -> np.ndarray:
        """Reflex EMG burst size at each velocity (mV), shape (n,)."""
        return np.array([r.emg_peak_mV for r in self.responses])

    @property
    def spikes(self) -> np.ndarray:
        """Motor-neuron spikes in the reflex window at each velocity, shape (n,)."""
        return np.array([r.spikes for r in self.responses])

    @property
    def peak_resistance_Nm(self) -> np.ndarray:
        """Peak resistance to the stretch at each velocity (N·m), shape (n,): passive plus
        muscle torque (:func:`~neurosim.analysis.stretch_resistance_Nm`)."""
        return np.array([r.peak_resistance_Nm for r in self.responses])

    @property
    def peak_muscle_torque_Nm(self) -> np.ndarray:
        """Peak reflex muscle torque at each velocity (N·m), shape (n,)."""
        return np.array([r.peak_muscle_torque_Nm for r in self.responses])


def reflex_vs_velocity(parameters: Parameters,
                       velocities_deg_s: Sequence[float] = (10.0, 40.0, 100.0), *,
                       amplitude_deg: float = 15.0, seed: int = 0, return_results: bool = False
                       ) -> ReflexCurve | tuple[ReflexCurve, list[SimulationResult]]:
    """Run the passive stretch test at several velocities and measure the reflex.

    Returns
    -------
    ReflexCurve, or (ReflexCurve, list of SimulationResult) with ``return_results``.
    """
    results = [simulate(parameters, *stretch_test(v, amplitude_deg=amplitude_deg), seed=seed,
                        label=f"stretch {v:g} deg/s") for v in velocities_deg_s]
    curve = ReflexCurve(np.asarray(velocities_deg_s, dtype=float),
                        tuple(stretch_reflex(r) for r in results))
    return (curve, results) if return_results else curve


@dataclass(frozen=True)
class ConductionReport:
    """Nerve conduction study results, as a clinician's table would list them.

    Attributes
    ----------
    distal, proximal : EvokedResponse
        Supramaximal M-waves at the two sites.
    conduction_velocity_m_s : float
    h_curve : tuple of EvokedResponse
        Distal ladder, in increasing intensity.
    h_max_mV, m_max_mV : float
        Largest H-reflex and M-wave (peak-to-peak).
    h_latency_ms : float
        Latency of the largest H-reflex.
    f_wave : FWaveSummary or None
        F-waves of a separate :func:`f_wave_protocol` run, when one was given.
    """

    distal: EvokedResponse
    proximal: EvokedResponse
    conduction_velocity_m_s: float
    h_curve: tuple
    h_max_mV: float
    m_max_mV: float
    h_latency_ms: float
    f_wave: FWaveSummary | None = None

    @property
    def h_m_ratio(self) -> float:
        """Hmax / Mmax (0 when there is no M-wave)."""
        return self.h_max_mV / self.m_max_mV if self.m_max_mV > 0 else 0.0

    def rows(self) -> list[tuple[str, str, str]]:
        """``(measure, value, unit)`` rows for printing."""
        def f(x, fmt):
            return "absent" if not np.isfinite(x) else fmt.format(x)
        return [(label, f(value, fmt), unit) for label, value, unit, fmt in self.measures()]

    def measures(self) -> list[tuple[str, float, str, str]]:
        """``(measure, value, unit, format)`` of every number (NaN when absent)."""
        return [
            ("distal M latency", self.distal.m_latency_ms, "ms", "{:.1f}"),
            ("distal M amplitude", self.distal.m_amplitude_mV, "mV", "{:.2f}"),
            ("proximal M latency", self.proximal.m_latency_ms, "ms", "{:.1f}"),
            ("proximal M amplitude", self.proximal.m_amplitude_mV, "mV", "{:.2f}"),
            ("motor conduction velocity", self.conduction_velocity_m_s, "m/s", "{:.1f}"),
            ("H-reflex latency", self.h_latency_ms, "ms", "{:.1f}"),
            ("Hmax", self.h_max_mV, "mV", "{:.2f}"),
            ("Hmax / Mmax", self.h_m_ratio, "", "{:.2f}"),
        ] + ([] if self.f_wave is None else [
            ("F-wave min latency", self.f_wave.min_latency_ms, "ms", "{:.1f}"),
            ("F-wave persistence", self.f_wave.persistence_percent, "%", "{:.0f}"),
            ("F chronodispersion", self.f_wave.chronodispersion_ms, "ms", "{:.1f}"),
        ])


def conduction_report(result: SimulationResult,
                      f_wave_result: SimulationResult | None = None) -> ConductionReport:
    """Read a :func:`conduction_protocol` run: latencies, amplitudes, velocity, H/M curve.

    The supramaximal shocks are the strongest distal and proximal ones; the H/M
    curve is every distal shock, sorted by intensity. With ``f_wave_result`` (a
    :func:`f_wave_protocol` run, e.g. :func:`f_wave_study`) the report adds the F-wave
    minimum latency, persistence and chronodispersion.
    """
    responses = evoked_responses(result)
    distal = [r for r in responses if r.site == "distal"]
    proximal = [r for r in responses if r.site == "proximal"]
    if not distal or not proximal:
        raise ValueError("a conduction report needs stimuli at both the distal and the "
                         "proximal site (see conduction_protocol)")
    d_max = max(distal, key=lambda r: (r.intensity_mA, -r.stimulus_time_s))
    p_max = max(proximal, key=lambda r: (r.intensity_mA, -r.stimulus_time_s))
    curve = tuple(sorted(distal, key=lambda r: (r.intensity_mA, r.stimulus_time_s)))
    h_best = max(curve, key=lambda r: r.h_amplitude_mV)
    return ConductionReport(
        distal=d_max, proximal=p_max,
        conduction_velocity_m_s=conduction_velocity_m_s(d_max, p_max, result.parameters),
        h_curve=curve, h_max_mV=h_best.h_amplitude_mV,
        m_max_mV=max(r.m_amplitude_mV for r in curve),
        h_latency_ms=h_best.h_latency_ms if h_best.h_amplitude_mV > 0 else float("nan"),
        f_wave=None if f_wave_result is None else f_wave_summary(f_wave_result))
