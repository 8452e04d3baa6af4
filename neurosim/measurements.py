"""What a scenario measures: the clinical or laboratory test that tells its story.

Each scenario declares its measurements (:attr:`neurosim.scenarios.Scenario.measurements`)
by name from :data:`MEASUREMENTS`. A measurement is a standard test run on one or more
*cases* (a label and a parameter set, e.g. healthy, untreated, treated), read with the
functions of :mod:`neurosim.analysis` and :mod:`neurosim.experiments`, and drawn with the
panel functions of :mod:`neurosim.plotting`:

=========== =====================================================================
spasm       the spasm test (a brief sensory volley): involuntary force episodes
contraction a voluntary contraction: recruitment, rate coding, force, EMG
strength    voluntary force at 30 % and at maximal effort (weakness)
reflex      passive stretches at 10, 40 and 100 °/s: velocity-dependent reflex
clonus      a loaded free ankle pushed once: frequency and persistence of beats
conduction  a nerve conduction study: latencies, amplitudes, velocity, H-reflex
junction    one nerve shock (EPP, safety factor) and a 30 Hz train (block)
decrement   repetitive nerve stimulation at 3 Hz: the CMAP decrement
spontaneous a rest recording: fasciculations, ectopic discharges, cramp force
needle      the needle EMG at rest: fibrillations, fasciculations, cramp; MUAP shape
=========== =====================================================================

The command line (``neurosim run``) prints each measurement's table and draws its
figure; the same objects serve the dashboard and notebooks. A case that already has a
run of the test's protocol (the scenario's own run) is reused, not simulated again.

A teaching toy, not a clinical model: the numbers describe the model, not a patient.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping, Sequence

import numpy as np

from . import analysis, experiments
from .engine import simulate
from .parameters import Parameters
from .protocols import FreeLimb, Noise, Protocol
from .result import SimulationResult

__all__ = ["Case", "Reading", "Measured", "Measurement", "MEASUREMENTS", "measure",
           "suggest", "REFLEX_VELOCITIES_DEG_S", "JUNCTION_RECORDED_UNITS", "STRENGTH_EFFORTS",
           "F_WAVE_SHOCKS", "F_WAVE_INTERVAL_S", "F_WAVE_TEST"]

REFLEX_VELOCITIES_DEG_S = (10.0, 40.0, 100.0)
"""Stretch velocities of the reflex test (°/s): slow, moderate and brisk, as a clinician
tests velocity dependence (Lance 1980)."""

JUNCTION_RECORDED_UNITS = (0, 60, 119)
"""Units whose endplates the junction test records (the first one is drawn)."""

STRENGTH_EFFORTS = (0.3, 1.0)
"""Voluntary efforts of the strength test (fraction of maximal command)."""

_SINGLE_SHOCK = (experiments.train_protocol(1.0, 1), 0.25)
_FAST_TRAIN = (experiments.train_protocol(30.0, 30), 1.2)
_SLOW_TRAIN = (experiments.train_protocol(3.0, 10), 3.5)
_SPASM_TEST = (experiments.spasm_test_protocol(), 8.0)
_CONDUCTION = (experiments.conduction_protocol(), 13.2)
F_WAVE_SHOCKS, F_WAVE_INTERVAL_S = 16, 0.5
"""The F-wave study of the conduction test: 16 supramaximal distal shocks 0.5 s apart
(clinically 10–20 shocks at 0.5–1 Hz)."""
F_WAVE_TEST = (experiments.f_wave_protocol(F_WAVE_SHOCKS, interval_s=F_WAVE_INTERVAL_S),
               0.2 + F_WAVE_SHOCKS * F_WAVE_INTERVAL_S)
"""(protocol, duration_s) of that study, as :func:`neurosim.experiments.f_wave_study` runs it."""
_CLONUS_TEST = (experiments.clonus_protocol(load_torque_Nm=5.0), 8.0)
_REST = (Protocol(Noise()), 4.0)
_CONTRACTION = (experiments.voluntary_protocol(0.3), 5.5)


@dataclass(frozen=True)
class Case:
    """One parameter set a measurement is made on.

    Attributes
    ----------
    label : str
        Column heading and legend entry (e.g. ``"healthy"``, ``"untreated"``).
    parameters : Parameters
    result : SimulationResult, optional
        A run already made with these parameters (e.g. the scenario's own run); used
        instead of a new simulation when its protocol is the test's protocol.
    """

    label: str
    parameters: Parameters
    result: SimulationResult | None = None


@dataclass(frozen=True)
class Reading:
    """One number of a measurement, for every case.

    Attributes
    ----------
    label : str
        What is measured (e.g. ``"longest spasm"``).
    unit : str
        Unit of the values (``""`` for a count or ratio).
    values : tuple of float
        One value per case, in the order of :attr:`Measured.labels`; NaN where the
        quantity does not exist (printed as :attr:`absent`).
    fmt : str
        Format of one value.
    absent : str
        Printed for a NaN value.
    """

    label: str
    unit: str
    values: tuple
    fmt: str = "{:.3g}"
    absent: str = "absent"

    def formatted(self) -> tuple:
        """The values as printed, one string per case."""
        return tuple(self.absent if not math.isfinite(v) else self.fmt.format(v)
                     for v in self.values)


@dataclass(frozen=True)
class Measured:
    """The outcome of one measurement on one or more cases.

    Attributes
    ----------
    measurement : Measurement
    labels : tuple of str
        The cases, in order (the scenario itself is the last one).
    readings : tuple of Reading
    runs : tuple of SimulationResult
        The main run of each case (the one a CSV or result file would hold).
    """

    measurement: Measurement
    labels: tuple
    readings: tuple
    runs: tuple
    _draw: Callable = field(repr=False, compare=False, default=None)

    def reading(self, label: str) -> Reading:
        """The reading called ``label`` (ValueError listing the readings if none)."""
        for r in self.readings:
            if r.label == label:
                return r
        raise ValueError(f"no reading {label!r} in {self.measurement.name}; readings: "
                         f"{[r.label for r in self.readings]}")

    def value(self, label: str, case: int = -1) -> float:
        """One value: reading ``label`` of case ``case`` (default the last, the scenario)."""
        return float(self.reading(label).values[case])

    def table(self) -> str:
        """The readings as a plain-text table: one row per reading, one column per case."""
        header = (self.measurement.title, *self.labels, "unit")
        rows = [(r.label, *r.formatted(), r.unit) for r in self.readings]
        widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
        right = set(range(1, 1 + len(self.labels)))

        def line(cells):
            return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
        return "\n".join([line(header), line(["-" * w for w in widths]),
                          *(line(r) for r in rows)])

    def draw(self, axes=None):
        """Draw the measurement's figure (into ``axes`` if given); returns the axes.

        The teaching-toy label is added by the panel functions of :mod:`neurosim.plotting`.
        """
        return self._draw(axes)


@dataclass(frozen=True)
class Measurement:
    """A named test a scenario can declare.

    Attributes
    ----------
    name : str
        Identifier (``Scenario.measurements`` entries).
    title : str
        Heading of its table and figure.
    definition : str
        What it measures and how, in one or two sentences a student can read on screen
        (e.g. what counts as a spasm).
    function : callable
        ``function(cases, runner) -> Measured`` (the runner simulates the cases).
    """

    name: str
    title: str
    definition: str
    function: Callable = field(repr=False)


# --------------------------------------------------------------------------- running
class _Runner:
    """Runs the tests' protocols for the cases: the case's own run where it is the test's,
    else a run from ``cache`` (a dict owned by the caller, e.g. the dashboard, so that
    moving a slider does not simulate the unchanged healthy limb again), else a new one."""

    def __init__(self, seed: int, cache: dict | None):
        self.seed = seed
        self.cache = cache

    def run(self, case: Case, protocol: Protocol, duration_s: float, *,
            record_units=()) -> SimulationResult:
        own = case.result
        if own is not None and own.protocol == protocol and (
                not record_units
                or set(record_units) <= set(int(u) for u in own.recorded_units)):
            return own
        key = (case.parameters, protocol, float(duration_s), self.seed, tuple(record_units))
        if self.cache is not None and key in self.cache:
            return self.cache[key]
        # the engine's default recording unless units are needed: which endplates are
        # recorded (stepped every step) changes the numbers slightly, and a reference must
        # match the scenario's own run exactly
        result = simulate(case.parameters, protocol, duration_s, seed=self.seed,
                          label=case.label, record_units=list(record_units) or None)
        if self.cache is not None:
            self.cache[key] = result
        return result

    def runs(self, cases, test, **kwargs) -> list[SimulationResult]:
        protocol, duration_s = test
        return [self.run(c, protocol, duration_s, **kwargs) for c in cases]


def _own_protocol(cases: Sequence[Case], accepts: Callable[[Protocol], bool], default):
    """(protocol, duration) of the scenario's own run if ``accepts`` it, else ``default``."""
    for case in reversed(cases):
        if case.result is not None and accepts(case.result.protocol):
            return case.result.protocol, float(case.result.duration_s)
    return default


def _values(function, items) -> tuple:
    return tuple(float(function(x)) for x in items)


def _labels(cases) -> tuple:
    return tuple(c.label for c in cases)


def _two_columns(plotting, runs, labels, axes):
    """Overview of one run, or the last two side by side (reference, then the scenario;
    for a treatment: untreated, then treated)."""
    if len(runs) == 1:
        return plotting.overview(runs[0], axes=axes, title=labels[0])
    return plotting.comparison(runs[-2], runs[-1], axes=axes, labels=(labels[-2], labels[-1]))


# --------------------------------------------------------------------------- measurements
def _spasm(cases, runner: _Runner) -> Measured:
    test = _own_protocol(cases, lambda p: p == _SPASM_TEST[0], _SPASM_TEST)
    runs = runner.runs(cases, test)
    episodes = [analysis.spasm_episodes(r) for r in runs]
    readings = (
        Reading("spasms", "", tuple(float(e.count) for e in episodes), "{:.0f}"),
        Reading("longest spasm", "s", tuple(e.longest_s for e in episodes), "{:.2f}"),
        Reading("involuntary force, peak", "% of max",
                tuple(e.peak_force_percent for e in episodes), "{:.1f}"),
        Reading("pool firing after the volley", "s", _values(analysis.time_to_rest_s, runs),
                "{:.2f}"),
        Reading("units recruited", "",
                tuple(float(analysis.firing_statistics(r).units_recruited) for r in runs),
                "{:.0f}"),
    )

    def draw(axes):
        from . import plotting
        return _two_columns(plotting, runs, _labels(cases), axes)
    return Measured(MEASUREMENTS["spasm"], _labels(cases), readings, tuple(runs), draw)


def _has_command(protocol: Protocol) -> bool:
    return any(c.channel == "command" for c in protocol.components)


def _contraction(cases, runner: _Runner) -> Measured:
    runs = runner.runs(cases, _own_protocol(cases, _has_command, _CONTRACTION))
    stats = [analysis.firing_statistics(r) for r in runs]
    readings = (
        Reading("peak force", "% of max", tuple(float(r.force_percent.max()) for r in runs),
                "{:.1f}"),
        Reading("units recruited", "", tuple(float(s.units_recruited) for s in stats), "{:.0f}"),
        Reading("peak firing rate, median unit", "Hz",
                tuple(float(np.nanmedian(s.peak_rate_hz)) if np.any(np.isfinite(s.peak_rate_hz))
                      else math.nan for s in stats), "{:.1f}", "no unit fired"),
        Reading("surface EMG (RMS)", "mV", _values(analysis.emg_rms_mV, runs), "{:.3f}"),
    )

    def draw(axes):
        from . import plotting
        return _two_columns(plotting, runs, _labels(cases), axes)
    return Measured(MEASUREMENTS["contraction"], _labels(cases), readings, tuple(runs), draw)


def _strength(cases, runner: _Runner) -> Measured:
    per_effort = {effort: runner.runs(cases, (experiments.voluntary_protocol(effort), 4.0))
                  for effort in STRENGTH_EFFORTS}
    readings = tuple(
        Reading("voluntary force, maximal effort" if effort == 1.0
                else f"voluntary force, {100 * effort:g} % effort", "% of max",
                _values(experiments.hold_force_percent, runs), "{:.1f}")
        for effort, runs in per_effort.items())

    def draw(axes):
        from . import plotting
        return plotting.strength_panel(per_effort, labels=_labels(cases), ax=axes)
    return Measured(MEASUREMENTS["strength"], _labels(cases), readings,
                    tuple(per_effort[max(STRENGTH_EFFORTS)]), draw)


def _reflex(cases, runner: _Runner) -> Measured:
    runs = [[runner.run(case, *experiments.stretch_test(v)) for v in REFLEX_VELOCITIES_DEG_S]
            for case in cases]
    curves = [experiments.ReflexCurve(np.asarray(REFLEX_VELOCITIES_DEG_S),
                                      tuple(analysis.stretch_reflex(r) for r in results))
              for results in runs]
    speeds = [f"{v:g} °/s" for v in REFLEX_VELOCITIES_DEG_S]
    fastest = len(REFLEX_VELOCITIES_DEG_S) - 1
    readings = (
        Reading(f"reflex onset at {speeds[fastest]}", "ms",
                tuple(1000.0 * c.responses[fastest].onset_latency_s for c in curves), "{:.0f}",
                "no reflex"),
        *(Reading(f"reflex torque at {s}", "N·m",
                  tuple(float(c.peak_muscle_torque_Nm[i]) for c in curves), "{:.2f}")
          for i, s in enumerate(speeds)),
        *(Reading(f"resistance to stretch at {s}", "N·m",
                  tuple(float(c.peak_resistance_Nm[i]) for c in curves), "{:.2f}")
          for i, s in enumerate(speeds)),
    )

    def draw(axes):
        from . import plotting
        return plotting.reflex_velocity_panel(curves, axes=axes, labels=list(_labels(cases)),
                                              results=runs)
    return Measured(MEASUREMENTS["reflex"], _labels(cases), readings,
                    tuple(r[fastest] for r in runs), draw)


def _is_free_limb(protocol: Protocol) -> bool:
    return any(isinstance(c, FreeLimb) for c in protocol.components)


def _clonus(cases, runner: _Runner) -> Measured:
    runs = runner.runs(cases, _own_protocol(cases, _is_free_limb, _CLONUS_TEST))
    summaries = [analysis.clonus(r) for r in runs]
    readings = (
        Reading("clonus frequency", "Hz",
                tuple(s.frequency_hz if s.present else math.nan for s in summaries), "{:.1f}",
                "no clonus"),
        Reading("sustained (1) or dying out (0)", "",
                tuple(float(s.sustained) for s in summaries), "{:.0f}"),
        Reading("peak-to-peak, early", "°", tuple(s.early_amplitude_deg for s in summaries),
                "{:.1f}"),
        Reading("peak-to-peak, last second", "°",
                tuple(s.late_amplitude_deg for s in summaries), "{:.1f}"),
    )

    def draw(axes):
        from . import plotting
        return plotting.clonus_panel(runs[-1], axes=axes, summary=summaries[-1])
    return Measured(MEASUREMENTS["clonus"], _labels(cases), readings, tuple(runs), draw)


def _conduction(cases, runner: _Runner) -> Measured:
    runs = runner.runs(cases, _CONDUCTION)
    f_runs = runner.runs(cases, F_WAVE_TEST)
    reports = [experiments.conduction_report(r, f) for r, f in zip(runs, f_runs)]
    rows = [rep.measures() for rep in reports]
    readings = tuple(
        Reading(label, unit, tuple(float(r[i][1]) for r in rows), fmt)
        for i, (label, _, unit, fmt) in enumerate(rows[0]))

    def draw(axes):
        from . import plotting
        return plotting.conduction_panel(runs, axes=axes, labels=list(_labels(cases)),
                                         f_wave_results=f_runs)
    return Measured(MEASUREMENTS["conduction"], _labels(cases), readings, tuple(runs), draw)


def _endplate(run: SimulationResult) -> analysis.EndplateResponse:
    """The endplate response of the first recorded unit a nerve impulse reached; NaN
    throughout when none did (every recorded axon lost)."""
    try:
        return analysis.endplate_response(run)
    except ValueError:
        return analysis.EndplateResponse(-1, math.nan, math.nan, math.nan, 0, math.nan)


def _junction(cases, runner: _Runner) -> Measured:
    singles = runner.runs(cases, _SINGLE_SHOCK, record_units=JUNCTION_RECORDED_UNITS)
    trains = runner.runs(cases, _FAST_TRAIN)
    epps = [_endplate(r) for r in singles]
    shocks = _FAST_TRAIN[0].stimuli()
    first_s, last_s = shocks[0][0], shocks[-1][0]
    span_s = (last_s - first_s) / 3.0
    late_a, late_b = analysis.TRAIN_LATE_WINDOW_S

    readings = (
        Reading("EPP amplitude (one shock)", "mV", tuple(e.epp_amplitude_mV for e in epps),
                "{:.0f}"),
        Reading("EPP decay to 1/e", "ms", tuple(e.epp_decay_ms for e in epps), "{:.1f}",
                "> 50 ms"),
        Reading("EPC decay to 1/e", "ms", tuple(e.epc_decay_ms for e in epps), "{:.1f}",
                "> 50 ms"),
        Reading("safety factor", "", tuple(e.safety_factor for e in epps), "{:.1f}"),
        Reading("fibre APs after one shock", "", tuple(float(e.fibre_aps) for e in epps),
                "{:.0f}"),
        Reading("30 Hz train: APs per impulse, first third", "",
                tuple(analysis.fibre_aps_per_impulse(r, first_s, first_s + span_s)
                      for r in trains), "{:.2f}"),
        Reading("30 Hz train: APs per impulse, last third", "",
                tuple(analysis.fibre_aps_per_impulse(r, last_s - span_s, last_s + 0.05)
                      for r in trains), "{:.2f}"),
        Reading("30 Hz train: peak force", "% of max",
                tuple(float(r.force_percent.max()) for r in trains), "{:.0f}"),
        Reading(f"30 Hz train: force at {late_a:g}–{late_b:g} s", "% of max",
                _values(analysis.late_train_force_percent, trains), "{:.0f}"),
    )

    def draw(axes):
        from . import plotting
        return plotting.junction_panel(singles, trains, axes=axes, labels=list(_labels(cases)))
    return Measured(MEASUREMENTS["junction"], _labels(cases), readings, tuple(trains), draw)


def _decrement(cases, runner: _Runner) -> Measured:
    runs = runner.runs(cases, _own_protocol(cases, lambda p: p == _SLOW_TRAIN[0], _SLOW_TRAIN))
    amplitudes = [analysis.cmap_amplitudes(r) for r in runs]

    def decrement(a):
        try:
            return analysis.decrement_percent(a)
        except ValueError:  # no first response: nothing to decrement from
            return math.nan
    readings = (
        Reading("CMAP, 1st shock", "mV", tuple(float(a[0]) for a in amplitudes), "{:.2f}"),
        Reading("CMAP, 4th shock", "mV", tuple(float(a[3]) for a in amplitudes), "{:.2f}"),
        Reading("decrement, 4th vs 1st", "%", tuple(decrement(a) for a in amplitudes),
                "{:+.0f}", "no response"),
        Reading("fibre APs per impulse", "", _values(analysis.fibre_aps_per_impulse, runs),
                "{:.2f}"),
    )

    def draw(axes):
        from . import plotting
        return plotting.decrement_panel(runs, axes=axes, labels=list(_labels(cases)))
    return Measured(MEASUREMENTS["decrement"], _labels(cases), readings, tuple(runs), draw)


def _at_rest(protocol: Protocol) -> bool:
    return all(isinstance(c, Noise) for c in protocol.components)


def _spontaneous(cases, runner: _Runner) -> Measured:
    runs = runner.runs(cases, _own_protocol(cases, _at_rest, _REST))
    breakdown = [analysis.fasciculation_breakdown(r) for r in runs]

    def median_cv(r):
        _, cv = analysis.discharge_regularity(r)
        return float(np.median(cv)) if cv.size else math.nan
    readings = (
        Reading("spontaneous discharges", "1/s", tuple(b.total_per_s for b in breakdown),
                "{:.1f}"),
        Reading("… from ectopic axons", "1/s", tuple(b.ectopic_axon_per_s for b in breakdown),
                "{:.1f}"),
        Reading("… from nerve terminals", "1/s",
                tuple(b.nerve_terminal_per_s for b in breakdown), "{:.1f}"),
        Reading("… from motor neurons", "1/s", tuple(b.motor_neuron_per_s for b in breakdown),
                "{:.1f}"),
        Reading("discharge interval CV, median unit", "", tuple(median_cv(r) for r in runs),
                "{:.2f}", "too few"),
        Reading("mean force", "% of max", tuple(float(r.force_percent.mean()) for r in runs),
                "{:.1f}"),
    )

    def draw(axes):
        from . import plotting
        return _two_columns(plotting, runs, _labels(cases), axes)
    return Measured(MEASUREMENTS["spontaneous"], _labels(cases), readings, tuple(runs), draw)


def _needle(cases, runner: _Runner) -> Measured:
    from . import needle, needle_analysis as na

    runs = runner.runs(cases, _own_protocol(cases, _at_rest, _REST))
    recordings = [needle.record(r) for r in runs]
    found = [na.spontaneous_activity(rec) for rec in recordings]
    muaps = [na.muap_measures(rec) for rec in recordings]

    def median(values, m):
        return float(np.median(values[m.usable])) if m.usable.any() else math.nan
    readings = (
        Reading("fibrillation potentials", "1/s", tuple(f.fibrillation_rate_hz for f in found),
                "{:.1f}"),
        Reading("positive sharp waves", "1/s",
                tuple(f.positive_sharp_wave_rate_hz for f in found), "{:.1f}"),
        Reading("fasciculation potentials", "1/s",
                tuple(f.fasciculation_rate_hz for f in found), "{:.1f}"),
        Reading("units firing a cramp discharge", "",
                tuple(float(len(f.cramp_units)) for f in found), "{:.0f}"),
        Reading("MUAPs firing at rest (tonic)", "1/s",
                tuple(f.tonic_discharges / f.duration_s for f in found), "{:.1f}"),
        Reading("MUAP amplitude, median near the needle", "mV",
                tuple(median(m.amplitude_mV, m) for m in muaps), "{:.2f}", "none"),
        Reading("MUAP duration, median", "ms", tuple(median(m.duration_ms, m) for m in muaps),
                "{:.1f}", "none"),
        Reading("MUAP phases, median", "", tuple(median(m.phases, m) for m in muaps), "{:.0f}",
                "none"),
    )

    def draw(axes):
        from . import plotting
        if axes is None:
            import matplotlib.pyplot as plt
            _, axes = plt.subplots(len(recordings), 1, squeeze=False, layout="constrained",
                                   figsize=(9.0, 1.2 + 3.2 * len(recordings)))
        axes = np.asarray(axes, dtype=object).ravel()
        if axes.size != len(recordings):
            raise ValueError(f"the needle test needs {len(recordings)} Axes, got {axes.size}")
        for ax, rec, label in zip(axes, recordings, _labels(cases)):
            plotting.plot_needle_emg(rec, ax=ax, sweeps=3)
            ax.set_title(f"{label}: " + ", ".join(na.spontaneous_activity(rec).findings()),
                         fontsize="medium", loc="left")
        for ax in axes[:-1]:  # the same sweep speed and gain: said once, under the last
            ax.set_xlabel("")
        return axes
    return Measured(MEASUREMENTS["needle"], _labels(cases), readings, tuple(runs), draw)


MEASUREMENTS: Mapping[str, Measurement] = MappingProxyType({m.name: m for m in (
    Measurement("spasm", "Spasm test",
                f"A brief sensory volley at 1 s. A spasm is involuntary force — force while "
                f"the voluntary command is below the level that recruits the smallest unit — "
                f"above {analysis.SPASM_FORCE_THRESHOLD_PERCENT:g} % of maximal force for at "
                f"least {analysis.SPASM_MIN_DURATION_S:g} s.", _spasm),
    Measurement("contraction", "Voluntary contraction",
                "The voluntary command recruits units from small to large and drives them "
                "faster as it grows; force and surface EMG follow.", _contraction),
    Measurement("strength", "Strength test",
                "Mean force during a 2 s hold at 30 % and at maximal voluntary effort; "
                "weakness (paresis) is a lower force for the same effort.", _strength),
    Measurement("reflex", "Stretch reflex at three velocities",
                "The examiner dorsiflexes the relaxed ankle by 15° at 10, 40 and 100 °/s. "
                "Spasticity is a resistance to stretch that grows with velocity (Lance 1980).",
                _reflex),
    Measurement("clonus", "Clonus test",
                "A steady load on the free foot and one brisk push: clonus is a rhythmic "
                "beating (3–12 Hz band; ankle clonus 5–8 Hz) that outlasts the push.",
                _clonus),
    Measurement("conduction", "Nerve conduction study",
                "Supramaximal shocks at two sites give M-wave latencies, amplitudes and the "
                "conduction velocity; a ladder of intensities gives the H-reflex; 16 "
                "supramaximal shocks give the F-waves (minimum latency, persistence).",
                _conduction),
    Measurement("junction", "Neuromuscular junction",
                "One nerve shock: the endplate potential, its decay and safety factor; then a "
                "30 Hz train: one fibre AP per impulse is a healthy relay, fewer and falling "
                "force is depolarisation block.", _junction),
    Measurement("decrement", "Repetitive nerve stimulation (3 Hz)",
                "Ten supramaximal shocks at 3 Hz; a fall of the 4th compound muscle action "
                "potential by more than 10 % of the 1st is a decrement (a failing junction).",
                _decrement),
    Measurement("spontaneous", "Rest recording",
                "Nothing asks the muscle to contract: every discharge is spontaneous — "
                "fasciculations, ectopic axonal firing, cramp.", _spontaneous),
    Measurement("needle", "Needle EMG at rest",
                "A concentric needle in the relaxed muscle: healthy muscle is silent; "
                "denervated fibres fibrillate (brief, small, regular potentials: rain on a "
                "tin roof), whole units fasciculate irregularly, cramps fire fast. The MUAPs "
                "of the units near the needle are large, long and polyphasic after "
                "reinnervation.", _needle),
)})


def measure(name: str, cases: Sequence[Case], *, seed: int = 0,
            cache: dict | None = None) -> Measured:
    """Make measurement ``name`` on ``cases`` (the scenario itself last).

    Parameters
    ----------
    name : str
        A key of :data:`MEASUREMENTS`.
    cases : sequence of Case
        One or more parameter sets, e.g. ``[Case("healthy", Parameters()),
        Case("stroke-like", p, result=own_run)]``.
    seed : int
        Noise seed of every run.
    cache : dict, optional
        Runs already made, reused when the same parameters, protocol, duration, seed
        and recording come again; new runs are added. The caller owns it (and decides
        when to empty it).

    Returns
    -------
    Measured

    Raises
    ------
    ValueError
        For an unknown measurement or no cases.
    """
    if name not in MEASUREMENTS:
        raise ValueError(f"unknown measurement {name!r}; choose from {list(MEASUREMENTS)}")
    cases = list(cases)
    if not cases:
        raise ValueError("measure needs at least one case")
    return MEASUREMENTS[name].function(cases, _Runner(int(seed), cache))


def suggest(protocol: Protocol) -> tuple:
    """Measurements that fit a protocol, for scenario files written before scenarios
    declared their measurements (built-in scenarios always declare theirs)."""
    kinds = {type(c).__name__ for c in protocol.components}
    if "ImposedStretch" in kinds:
        return ("reflex",)
    if "FreeLimb" in kinds:
        return ("clonus",)
    stimuli = protocol.stimuli()
    if {site for _, _, site in stimuli} >= {"distal", "proximal"}:
        return ("conduction",)
    if stimuli:
        return ("junction",)
    if _has_command(protocol):
        return ("contraction",)
    if _at_rest(protocol):
        return ("spontaneous",)
    return ("spasm",)
