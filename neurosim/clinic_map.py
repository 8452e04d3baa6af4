"""The clinic on one page: every condition's signature across the clinical tests.

A student revising asks, for each condition, *what does each test show?* This module
answers with a table: one row per condition scenario (category ``"condition"`` of
:mod:`neurosim.scenarios`, so a new condition is a new row without a line here), the healthy
limb first as the reference row, and one column per test of :data:`COLUMNS`. Every test is
run once per row with one noise seed, on the condition and on the healthy limb, and reduced
to a :class:`Signature`: a number relative to healthy (:attr:`Signature.value`), a short word
(:attr:`Signature.word`) and the readings both come from (:attr:`Signature.readings`). The
word follows from the readings through the thresholds below, each stated with its reason, so
any cell can be re-derived (:meth:`Column.classify`) and checked.

=============== ====================================== =============================================
column          value (relative to healthy)            words
=============== ====================================== =============================================
``stretch``     reflex torque at 100 °/s, × healthy    ↑ velocity-dependent, ↑ velocity-independent,
                                                       ↓ reduced, normal
``spasm``       longest spasm, s beyond healthy        spasm, ongoing contraction, none
``needle``      spontaneous potentials per second at   fibrillations, PSWs, fasciculations, cramp
                a needle site, beyond healthy          discharges, MUAPs at rest (tonic) (combined
                                                       with "+"), silent
``recruitment`` the lower of units seen and force at   reduced (few units), weak, normal
                maximal effort, × healthy
``ncs``         the lowest of CV, distal CMAP and      slowed, low amplitude, block (combined with
                proximal/distal CMAP, × healthy        "+"), CV obscured, no response, normal
``fwave``       minimum F-wave latency, × healthy      prolonged, few (combined with "+"), absent,
                                                       normal
``rns``         fibre APs per shock at 3 Hz, ×         repetitive CMAPs, decrement, both, normal
                healthy
=============== ====================================== =============================================

The tests are the ones ``neurosim run`` prints (:func:`neurosim.measurements.measure`: the
spasm test, the stretch reflex at three velocities, the strength test, the needle EMG at
rest, repetitive stimulation and the junction's 30 Hz train), so a cell says what a
scenario's own tables say; only the nerve conduction and F-wave columns run their own short
studies (three supramaximal shocks per site, read as medians; see :data:`NCS_REPEATS`), and
the needle column listens at several sites of the rest run (:data:`NEEDLE_SITES`). The
healthy limb's runs are made once per table and kept; a condition's runs are dropped after
its row. A whole table (26 conditions) takes about 30 s of CPU, a quarter of it the needle's
recordings; with ``cache_dir`` it is computed once per version of the model.

Adding a column
---------------
Columns are a registry: a test is one :class:`Column` entry in :data:`COLUMNS` (a ``measure``
function returning readings, a ``classify`` function turning them into value and word, and
how to colour the value). The F-wave column was added so, one entry; so was the needle EMG
at rest, which replaced a provisional column that counted the whole muscle's motor-unit
discharges (a needle hears a few units near its tip, and the denervated fibres no whole-unit
count sees). A ``measure`` reuses a measurement's runs through :meth:`Lab.measure` where it
can (the healthy limb's are made once per table) and :meth:`Lab.keep_healthy` for a costly
reading of them; its readings name their unit in the key's suffix, and its ``classify`` is
pure, so that a test can re-derive every word from the readings (tests/test_clinic_map.py
does, for every column, on the table and on random readings).

A teaching toy, not a clinical model: the words describe what the model does, not a patient,
and the thresholds are stated so that they can be argued with.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import inspect
import io
import json
import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping, Sequence

import numpy as np

from . import (_cache, analysis, experiments, measurements, metrics, needle,
               needle_analysis, scenarios)
from ._atomic import write_text
from .engine import simulate
from .measurements import REFLEX_VELOCITIES_DEG_S, Case
from .parameters import Parameters
from .protocols import NerveStimulation, Noise, Protocol, Pulses
from .result import SimulationResult

__all__ = ["Signature", "Column", "Lab", "ClinicMap", "COLUMNS", "column", "default_rows",
           "site", "SITES", "clinic_map", "QUICK_ROWS", "UNMEASURED", "FORMAT_NAME",
           "FORMAT_VERSION",
           "STRETCH_INCREASE_RATIO", "STRETCH_DECREASE_RATIO", "VELOCITY_DEPENDENT_FRACTION",
           "NEEDLE_SITES", "FIBRILLATION_MIN_SITES", "FASCICULATION_MIN_POTENTIALS",
           "CRAMP_MIN_SITES", "TONIC_MIN_SITES",
           "RECRUITMENT_REDUCED_RATIO", "WEAK_FORCE_RATIO",
           "NCS_REPEATS", "NCS_INTERVAL_S", "CV_SLOWED_RATIO", "CV_IMPLAUSIBLE_RATIO",
           "CMAP_LOW_RATIO", "BLOCK_RATIO", "DECREMENT_PERCENT", "REPETITIVE_APS_PER_SHOCK"]

FORMAT_NAME = "neurosim-clinic-map"
FORMAT_VERSION = 1
UNMEASURED = "not measurable"
"""The word of a cell whose test gave no number to judge (e.g. no healthy response)."""

# ----------------------------------------------------------------------------- thresholds
STRETCH_INCREASE_RATIO = 1.5
"""Reflex torque at 100 °/s at least this many times healthy is an increased stretch reflex.
Caricature: tendon-reflex and tone grades are judged by eye; half again the healthy response
is the smallest change the model's limbs show consistently across seeds."""
STRETCH_DECREASE_RATIO = 1.0 / STRETCH_INCREASE_RATIO
"""Reflex torque at 100 °/s at most this fraction of healthy is a reduced reflex (the same
factor downwards)."""
VELOCITY_DEPENDENT_FRACTION = 0.5
"""An increased reflex is *velocity-dependent* (spasticity, Lance 1980) when more than this
fraction of its torque at 100 °/s is lost at 10 °/s, (T100 − T10) / T100; below it the
resistance is there at any speed (lead-pipe rigidity, Lee & Tatton 1975; a muscle already
contracting). Caricature: the bedside contrast is qualitative; half the response is the
midpoint between a purely phasic and a purely tonic reflex."""

NEEDLE_SITES = 4
"""Needle sites of the map's needle exam at rest: the examiner moves the needle through the
muscle (its quadrants, at more than one depth) because one site sees only the few units
whose fibres lie within a couple of millimetres (:mod:`neurosim.needle`). The sites record
the same 4 s rest run (the ``needle`` measurement's), as ``needle.needle_site`` 0 to 3.
Caricature: a clinical exam samples ten or more sites; four keep the table affordable and
already find every finding of the model's conditions."""
FIBRILLATION_MIN_SITES = 2
"""Fibrillation potentials (or positive sharp waves) at this many sites or more are
fibrillations (PSWs): the lowest grade of fibrillation potentials, 1+, is persistent trains
in at least two areas of the muscle (Daube & Rubin 2009, Muscle Nerve 39:244); at one site
only they may be an insertion artefact or an endplate spike."""
FASCICULATION_MIN_POTENTIALS = 2
"""Fasciculation potentials (spontaneous whole-unit discharges of an axon or nerve
terminal, :func:`neurosim.needle_analysis.spontaneous_activity`) seen this many times or
more over all sites are fasciculations. Caricature: more than a single discharge."""
CRAMP_MIN_SITES = 1
"""A cramp discharge (a unit firing fast by itself, at least
:data:`~neurosim.needle_analysis.CRAMP_MIN_RATE_HZ`) at this many sites is cramp discharges:
one train is unmistakable."""
TONIC_MIN_SITES = 1
"""MUAPs firing at rest driven by their motor neurons
(:data:`~neurosim.needle_analysis.TONIC_SHARE`) at this many sites are *MUAPs at rest
(tonic)*: the muscle does not relax — a spinal or supraspinal drive (spastic-paretic muscle,
rigidity), not a disease of the motor unit. One unit firing steadily is unmistakable."""

RECRUITMENT_REDUCED_RATIO = 0.75
"""Fewer motor units than this fraction of healthy reaching the muscle at maximal effort is
reduced recruitment (the neurogenic pattern: fewer units, each at full rate). Caricature: on
the needle the pattern is judged by eye; a quarter of the units missing is the smallest loss
that separates the model's neuropathies from its central lesions."""
WEAK_FORCE_RATIO = 0.75
"""Maximal voluntary force below this fraction of healthy, with the units still recruited, is
weakness (paresis of central origin, or a failing junction). Caricature: a quarter of the
force lost."""

NCS_REPEATS = 3
"""Supramaximal shocks per site in the clinic map's conduction study; latencies and
amplitudes are the medians. A clinician repeats a shock until the response is reproducible;
one spontaneous discharge just before a single shock otherwise moves the onset and the
velocity (e.g. ``neurosim run als_like``, seed 0: 229 m/s)."""
NCS_INTERVAL_S = 0.5
"""Time between the shocks of the clinic map's conduction study (s)."""
NCS_SUPRAMAXIMAL_MA = inspect.signature(
    experiments.conduction_protocol).parameters["supramaximal_mA"].default
"""Intensity of its shocks (mA): the conduction study's supramaximal shock."""
CV_SLOWED_RATIO = 0.9
"""A motor conduction velocity below this fraction of healthy is slowed. The map compares
the same limb with and without the lesion, so it can call a 10 % slowing (the diabetic series
of REFERENCE.md: 15–20 % slower) where a population's lower limit of normal would not
(tibial, men in their twenties: 42 m/s against a mean of 51 m/s, about 17 % below it; Kim
et al. 2022, Ann Rehabil Med 46(1), reference standards of leg nerve conduction)."""
CV_IMPLAUSIBLE_RATIO = 1.2
"""A velocity above this multiple of healthy is not a conduction (no condition speeds motor
axons): spontaneous discharges obscured the onsets, and the map says so."""
CMAP_LOW_RATIO = 0.75
"""A distal CMAP below this fraction of healthy has a low amplitude (axon loss, or a junction
that fails on the first shock). Caricature: a quarter of the units lost; a population's lower
limit of the tibial CMAP is about 0.4–0.5 of its mean (15.3 ± 4.5 mV, Buschbacher 1999, Am J
Phys Med Rehabil 78(6 Suppl), PMID 10573092; 7.1 mV, range 3.4–10.9, Kim et al. 2022), so a
patient needs a larger loss to fall outside it."""
BLOCK_RATIO = 0.7
"""A proximal/distal CMAP ratio below this fraction of the healthy limb's own ratio is a
conduction block: the ≥ 30 % amplitude drop of "probable" partial motor conduction block in
the EFNS/PNS criteria (Joint Task Force of the EFNS and the PNS 2010, J Peripher Nerv Syst
15:1), counted beyond the healthy limb's own dispersion."""

F_WAVE_SHOCKS = measurements.F_WAVE_SHOCKS
"""The F-wave study of the map is the conduction measurement's
(:data:`neurosim.measurements.F_WAVE_TEST`)."""
F_PROLONGED_RATIO = 1.1
"""A minimum F-wave latency above this multiple of healthy is prolonged. Same-limb
comparison, as :data:`CV_SLOWED_RATIO` (1/0.9 ≈ 1.1); the diabetic series of REFERENCE.md
moves the tibial minimum latency from 52.8 to 59.1 ms, ×1.12 (Sci Rep 2024,
doi:10.1038/s41598-024-82235-8)."""
F_PERSISTENCE_LOW_RATIO = 0.5
"""A persistence (share of shocks followed by an F-wave) below this fraction of healthy's is
reduced. Caricature: half of the healthy limb's own persistence."""

DECREMENT_PERCENT = 10.0
"""A CMAP that falls by more than this (%) during repetitive stimulation is a decrement: at
3 Hz the 4th response against the 1st, the usual criterion (the ``decrement`` measurement);
for the 30 Hz train the last response against the first (caricature: the same criterion)."""
REPETITIVE_APS_PER_SHOCK = metrics.METRICS["fibre_aps_per_impulse"].threshold
"""Fibre action potentials per nerve shock at or above this are repetitive CMAPs (one shock
firing the fibres again and again, as with AChE inhibited): the threshold of the
``fibre_aps_per_impulse`` metric."""


# ----------------------------------------------------------------------------- data
@dataclass(frozen=True)
class Signature:
    """One cell: what one test shows in one condition.

    Attributes
    ----------
    value : float
        The column's number relative to healthy (a ratio, × healthy, or a difference,
        healthy + value; :attr:`Column.value_label` says which); NaN if not measurable.
    word : str
        What a student writes down (one of :attr:`Column.words`, or a combination of them
        joined by ``" + "`` in the ``ncs`` and ``rns`` columns).
    readings : Mapping[str, float]
        The numbers the value and the word come from, the condition's and the healthy
        limb's (keys ``healthy_…``), with the unit as the key's suffix. Empty when the table
        was read back from CSV.
    """

    value: float
    word: str
    readings: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self):
        object.__setattr__(self, "value", float(self.value))
        object.__setattr__(self, "readings", MappingProxyType(
            {str(k): float(v) for k, v in dict(self.readings).items()}))


class Lab:
    """Runs the tests of one table with one seed.

    The healthy limb's runs are made once and kept (every row is compared with them); a
    condition's runs are not kept.

    Parameters
    ----------
    seed : int
        Noise seed of every run.
    """

    def __init__(self, seed: int = 0):
        self.seed = int(seed)
        self.reference = Case("healthy", Parameters())
        self._healthy_runs: dict = {}   # measurements.measure's cache, healthy runs only
        self._measured: set = set()
        self._healthy_own: dict = {}    # (protocol, duration) -> run, for Lab.run
        self._healthy_kept: dict = {}   # name -> readings of the healthy limb, Lab.keep_healthy

    def measure(self, name: str, case: Case) -> measurements.Measured:
        """Measurement ``name`` of :data:`neurosim.measurements.MEASUREMENTS` on healthy
        (case 0) and ``case`` (case 1)."""
        if name not in self._measured:
            measurements.measure(name, [self.reference], seed=self.seed,
                                 cache=self._healthy_runs)
            self._measured.add(name)
        return measurements.measure(name, [self.reference, case], seed=self.seed,
                                    cache=dict(self._healthy_runs))

    def keep_healthy(self, name: str, compute: Callable[[], dict]) -> dict:
        """The healthy limb's readings called ``name``: ``compute()`` the first time, then
        kept (a column whose reading of a run costs more than the run, e.g. the needle)."""
        if name not in self._healthy_kept:
            self._healthy_kept[name] = dict(compute())
        return self._healthy_kept[name]

    def run(self, case: Case, protocol: Protocol, duration_s: float) -> SimulationResult:
        """One run of ``protocol`` for ``case`` (kept if ``case`` is the healthy limb)."""
        healthy = case.parameters == self.reference.parameters
        key = (protocol, float(duration_s))
        if healthy and key in self._healthy_own:
            return self._healthy_own[key]
        result = simulate(case.parameters, protocol, duration_s, seed=self.seed,
                          label=case.label)
        if healthy:
            self._healthy_own[key] = result
        return result


def _ratio(a: float, b: float) -> float:
    """a / b, NaN when either is not finite or b is not positive."""
    a, b = float(a), float(b)
    if not (math.isfinite(a) and math.isfinite(b)) or b <= 0:
        return math.nan
    return a / b


@dataclass(frozen=True)
class Column:
    """One test of the map.

    Attributes
    ----------
    name : str
        Identifier (``clinic_map(columns=[...])``, CSV headers).
    title : str
        Column heading of the figure (may hold a line break).
    value_label : str
        What :attr:`Signature.value` is, with its unit.
    definition : str
        The test and how its word is chosen, in a sentence or two.
    words : tuple of str
        The words a cell can hold, the healthy one first.
    scale : str
        ``"ratio"`` (value × healthy; healthy is 1) or ``"difference"`` (healthy + value;
        healthy is 0): how the value is coloured.
    full_scale : float
        The ratio (and its inverse) or the difference at which the colour is full.
    measure : callable
        ``measure(lab: Lab, case: Case) -> dict`` of readings (see :attr:`Signature.readings`).
    classify : callable
        ``classify(readings) -> (value, word)``: pure, so a cell can be re-derived.
    log_scale : bool
        For a difference: colour by ``log(1 + abs(value))`` (values spanning decades).
    value_format : str
        How the value is printed in the figure (``{}`` is the number).
    """

    name: str
    title: str
    value_label: str
    definition: str
    words: tuple
    scale: str
    full_scale: float
    measure: Callable = field(repr=False)
    classify: Callable = field(repr=False)
    log_scale: bool = False
    value_format: str = "{}"

    @property
    def normal(self) -> str:
        """The word of a healthy cell."""
        return self.words[0]

    def signature(self, readings: Mapping[str, float]) -> Signature:
        """The cell for ``readings``: value and word from :attr:`classify`."""
        value, word = self.classify(readings)
        return Signature(value, word, readings)

    def deviation(self, value: float) -> float:
        """Colour coordinate of ``value``: 0 as healthy, ±1 at :attr:`full_scale` or beyond
        (positive above healthy), NaN when not measured."""
        value = float(value)
        if not math.isfinite(value):
            return math.nan
        if self.scale == "ratio":
            if value <= 0:
                return -1.0
            x = math.log(value) / math.log(self.full_scale)
        elif self.log_scale:
            x = math.copysign(math.log1p(abs(value)) / math.log1p(self.full_scale), value)
        else:
            x = value / self.full_scale
        return float(min(1.0, max(-1.0, x)))

    def format_value(self, value: float) -> str:
        """The value as printed in a cell: two significant digits, whole numbers from 10
        on (``"–"`` when not measured)."""
        value = float(value)
        if not math.isfinite(value):
            return "–"
        number = f"{value:.0f}" if abs(value) >= 10 else f"{value:.2g}"
        if self.scale == "difference" and value >= 0:
            number = "+" + number
        return self.value_format.format(number)


# ----------------------------------------------------------------------------- columns
def _stretch_measure(lab: Lab, case: Case) -> dict:
    m = lab.measure("reflex", case)
    slow, fast = (f"reflex torque at {v:g} °/s" for v in
                  (REFLEX_VELOCITIES_DEG_S[0], REFLEX_VELOCITIES_DEG_S[-1]))
    return dict(torque_slow_Nm=m.value(slow, 1), torque_fast_Nm=m.value(fast, 1),
                healthy_torque_slow_Nm=m.value(slow, 0), healthy_torque_fast_Nm=m.value(fast, 0))


def _stretch_classify(r: Mapping[str, float]) -> tuple:
    ratio = _ratio(r["torque_fast_Nm"], r["healthy_torque_fast_Nm"])
    if not math.isfinite(ratio):
        return math.nan, UNMEASURED
    if ratio >= STRETCH_INCREASE_RATIO:
        lost_slowly = (r["torque_fast_Nm"] - r["torque_slow_Nm"]) / r["torque_fast_Nm"]
        return ratio, ("↑ velocity-dependent" if lost_slowly > VELOCITY_DEPENDENT_FRACTION
                       else "↑ velocity-independent")
    if ratio <= STRETCH_DECREASE_RATIO:
        return ratio, "↓ reduced"
    return ratio, "normal"


def _trigger_s(protocol: Protocol) -> float:
    """Time of the spasm test's sensory volley (s); +inf without one."""
    times = [t for c in protocol.components if isinstance(c, Pulses) for t in c.times_s]
    return float(min(times)) if times else math.inf


def _spasm_measure(lab: Lab, case: Case) -> dict:
    m = lab.measure("spasm", case)
    healthy, run = (analysis.spasm_episodes(r) for r in m.runs)
    onset = run.episodes[0][0] if run.episodes else math.nan
    return dict(spasms=float(run.count), longest_s=run.longest_s,
                peak_force_percent=run.peak_force_percent, first_onset_s=onset,
                trigger_s=_trigger_s(m.runs[1].protocol),
                healthy_spasms=float(healthy.count), healthy_longest_s=healthy.longest_s)


def _spasm_classify(r: Mapping[str, float]) -> tuple:
    value = r["longest_s"] - r["healthy_longest_s"]
    if r["spasms"] < 1:
        return value, "none"
    return value, ("ongoing contraction" if r["first_onset_s"] < r["trigger_s"] else "spasm")


def _needle_readings(run: SimulationResult, prefix: str = "") -> dict:
    """The needle at rest at :data:`NEEDLE_SITES` sites of one run: potentials per second
    of listening (all sites together), by kind and in all; with no ``prefix``, also at how
    many sites each finding was seen, the fasciculation potentials counted, and the median
    firing rates (Hz) of cramp units, tonic units and fibrillating fibres over the sites
    that saw them. The healthy limb's (``prefix="healthy_"``) only its potentials per
    second."""
    found = [needle_analysis.spontaneous_activity(
        needle.record(run, needle.NeedleParameters(needle_site=k))) for k in range(NEEDLE_SITES)]
    listened_s = sum(f.duration_s for f in found)
    counts = dict(
        fibrillation=sum(f.fibrillations for f in found),
        psw=sum(f.positive_sharp_waves for f in found),
        fasciculation=sum(f.fasciculations for f in found),
        cramp=sum(f.cramp_discharges for f in found),
        tonic=sum(f.tonic_discharges for f in found))
    out = {f"{prefix}{k}_per_s": v / listened_s for k, v in counts.items()}
    out[f"{prefix}potentials_per_s"] = sum(counts.values()) / listened_s
    if prefix:
        return {f"{prefix}potentials_per_s": out[f"{prefix}potentials_per_s"]}
    out.update(
        sites=float(len(found)),
        fibrillation_sites=float(sum(f.fibrillations > 0 for f in found)),
        psw_sites=float(sum(f.positive_sharp_waves > 0 for f in found)),
        fasciculation_potentials=float(counts["fasciculation"]),
        cramp_sites=float(sum(bool(f.cramp_units) for f in found)),
        tonic_sites=float(sum(bool(f.tonic_units) for f in found)),
        cramp_firing_hz=_median_finite(f.cramp_rate_hz for f in found),
        tonic_firing_hz=_median_finite(f.tonic_rate_hz for f in found),
        fibrillation_firing_hz=_median_finite(f.fibrillation_firing_hz for f in found))
    return out


def _median_finite(values) -> float:
    """Median of the finite values (NaN if none)."""
    values = [v for v in values if math.isfinite(v)]
    return float(np.median(values)) if values else math.nan


def _needle_measure(lab: Lab, case: Case) -> dict:
    # the run the needle measurement records (its protocol is the rest recording's; the
    # spontaneous measurement returns it without the measurement's own one-site recordings)
    m = lab.measure("spontaneous", case)
    healthy = lab.keep_healthy("needle at rest", lambda: _needle_readings(m.runs[0], "healthy_"))
    return {**_needle_readings(m.runs[1]), **healthy}


def _needle_classify(r: Mapping[str, float]) -> tuple:
    value = r["potentials_per_s"] - r["healthy_potentials_per_s"]
    parts = []
    if r["fibrillation_sites"] >= FIBRILLATION_MIN_SITES:
        parts.append("fibrillations")
    if r["psw_sites"] >= FIBRILLATION_MIN_SITES:
        parts.append("PSWs")
    if r["fasciculation_potentials"] >= FASCICULATION_MIN_POTENTIALS:
        parts.append("fasciculations")
    if r["cramp_sites"] >= CRAMP_MIN_SITES:
        parts.append("cramp discharges")
    if r["tonic_sites"] >= TONIC_MIN_SITES:
        parts.append("MUAPs at rest (tonic)")
    return value, (" + ".join(parts) or "silent")


def _units_and_rate(run: SimulationResult) -> tuple:
    a, b = experiments.VOLUNTARY_HOLD_S
    units, rate = analysis.conducted_units(run, start_s=a, stop_s=b)
    return float(units), rate


def _recruitment_measure(lab: Lab, case: Case) -> dict:
    m = lab.measure("strength", case)  # its runs: maximal effort
    (h_units, h_rate), (units, rate) = (_units_and_rate(r) for r in m.runs)
    h_force, force = (experiments.hold_force_percent(r) for r in m.runs)
    return dict(units=units, median_rate_hz=rate, force_percent=force,
                healthy_units=h_units, healthy_median_rate_hz=h_rate,
                healthy_force_percent=h_force)


def _recruitment_classify(r: Mapping[str, float]) -> tuple:
    units = _ratio(r["units"], r["healthy_units"])
    force = _ratio(r["force_percent"], r["healthy_force_percent"])
    if not (math.isfinite(units) and math.isfinite(force)):
        return math.nan, UNMEASURED
    value = min(units, force)
    if units < RECRUITMENT_REDUCED_RATIO:
        return value, "reduced (few units)"
    if force < WEAK_FORCE_RATIO:
        return value, "weak"
    return value, "normal"


def _ncs_protocol() -> tuple:
    """(protocol, duration_s): :data:`NCS_REPEATS` supramaximal shocks distally, then as
    many proximally, :data:`NCS_INTERVAL_S` apart from 0.2 s."""
    times = [0.2 + k * NCS_INTERVAL_S for k in range(2 * NCS_REPEATS)]
    protocol = Protocol(
        NerveStimulation(times_s=tuple(times[:NCS_REPEATS]), intensity_mA=NCS_SUPRAMAXIMAL_MA,
                         site="distal"),
        NerveStimulation(times_s=tuple(times[NCS_REPEATS:]), intensity_mA=NCS_SUPRAMAXIMAL_MA,
                         site="proximal"),
        Noise())
    return protocol, times[-1] + NCS_INTERVAL_S


def _ncs_readings(run: SimulationResult, prefix: str = "") -> dict:
    responses = analysis.evoked_responses(run)
    out = {}
    median = {}
    for where in ("distal", "proximal"):
        at = [e for e in responses if e.site == where]
        latencies = np.array([e.m_latency_ms for e in at])
        latency = (float(np.median(latencies[np.isfinite(latencies)]))
                   if np.isfinite(latencies).any() else math.nan)
        amplitude = float(np.median([e.m_amplitude_mV for e in at]))
        median[where] = dataclasses.replace(at[0], m_latency_ms=latency, m_amplitude_mV=amplitude)
        out[f"{prefix}{where}_latency_ms"] = latency
        out[f"{prefix}{where}_amplitude_mV"] = amplitude
    out[f"{prefix}cv_m_s"] = analysis.conduction_velocity_m_s(median["distal"], median["proximal"],
                                                              run.parameters)
    return out


def _ncs_measure(lab: Lab, case: Case) -> dict:
    protocol, duration_s = _ncs_protocol()
    return {**_ncs_readings(lab.run(case, protocol, duration_s)),
            **_ncs_readings(lab.run(lab.reference, protocol, duration_s), "healthy_")}


def _ncs_classify(r: Mapping[str, float]) -> tuple:
    if not r["distal_amplitude_mV"] > 0:
        return 0.0, "no response"
    cv = _ratio(r["cv_m_s"], r["healthy_cv_m_s"])
    amplitude = _ratio(r["distal_amplitude_mV"], r["healthy_distal_amplitude_mV"])
    block = _ratio(_ratio(r["proximal_amplitude_mV"], r["distal_amplitude_mV"]),
                   _ratio(r["healthy_proximal_amplitude_mV"], r["healthy_distal_amplitude_mV"]))
    obscured = not (math.isfinite(cv) and cv <= CV_IMPLAUSIBLE_RATIO)
    parts = []
    if obscured:
        parts.append("CV obscured")
    elif cv < CV_SLOWED_RATIO:
        parts.append("slowed")
    if amplitude < CMAP_LOW_RATIO:
        parts.append("low amplitude")
    if block < BLOCK_RATIO:
        parts.append("block")
    ratios = [x for x in ((math.nan if obscured else cv), amplitude, block) if math.isfinite(x)]
    return (min(ratios) if ratios else math.nan), (" + ".join(parts) or "normal")


def _f_wave_readings(run: SimulationResult, prefix: str = "") -> dict:
    summary = analysis.f_wave_summary(run)
    return {f"{prefix}f_min_latency_ms": summary.min_latency_ms,
            f"{prefix}f_persistence_percent": summary.persistence_percent}


def _f_wave_measure(lab: Lab, case: Case) -> dict:
    protocol, duration_s = measurements.F_WAVE_TEST
    return {**_f_wave_readings(lab.run(case, protocol, duration_s)),
            **_f_wave_readings(lab.run(lab.reference, protocol, duration_s), "healthy_")}


def _f_wave_classify(r: Mapping[str, float]) -> tuple:
    if not r["f_persistence_percent"] > 0:
        return math.nan, "absent"
    value = _ratio(r["f_min_latency_ms"], r["healthy_f_min_latency_ms"])
    parts = []
    if value > F_PROLONGED_RATIO:
        parts.append("prolonged")
    if (_ratio(r["f_persistence_percent"], r["healthy_f_persistence_percent"])
            < F_PERSISTENCE_LOW_RATIO):
        parts.append("few")
    return value, (" + ".join(parts) or "normal")


def _decrement(amplitudes: np.ndarray, index: int) -> float:
    try:
        return analysis.decrement_percent(amplitudes, index=index)
    except ValueError:  # no first response
        return math.nan


def _rns_measure(lab: Lab, case: Case) -> dict:
    slow = lab.measure("decrement", case)   # 3 Hz
    fast = lab.measure("junction", case)    # its runs: the 30 Hz train
    out = {}
    for prefix, run3, run30 in (("healthy_", slow.runs[0], fast.runs[0]),
                                ("", slow.runs[1], fast.runs[1])):
        a3, a30 = analysis.cmap_amplitudes(run3), analysis.cmap_amplitudes(run30)
        out[f"{prefix}decrement_3hz_percent"] = _decrement(a3, 3)
        out[f"{prefix}decrement_30hz_percent"] = _decrement(a30, a30.size - 1)
        out[f"{prefix}aps_per_shock_3hz"] = analysis.fibre_aps_per_impulse(run3)
    return out


def _rns_classify(r: Mapping[str, float]) -> tuple:
    value = _ratio(r["aps_per_shock_3hz"], r["healthy_aps_per_shock_3hz"])
    if not math.isfinite(r["decrement_3hz_percent"]):
        return value, "no response"
    parts = []
    if r["aps_per_shock_3hz"] >= REPETITIVE_APS_PER_SHOCK:
        parts.append("repetitive CMAPs")
    if (r["decrement_3hz_percent"] < -DECREMENT_PERCENT
            or r["decrement_30hz_percent"] < -DECREMENT_PERCENT):
        parts.append("decrement")
    return value, (" + ".join(parts) or "normal")


COLUMNS: tuple = (
    Column("stretch", "Stretch test", "reflex torque at 100 °/s, × healthy",
           "Passive stretches at 10, 40 and 100 °/s (the reflex measurement). Increased "
           f"(≥ ×{STRETCH_INCREASE_RATIO:g}) and velocity-dependent if more than "
           f"{100 * VELOCITY_DEPENDENT_FRACTION:g} % of it is lost at 10 °/s; reduced at "
           f"≤ ×{STRETCH_DECREASE_RATIO:.2f}.",
           ("normal", "↑ velocity-dependent", "↑ velocity-independent", "↓ reduced"),
           "ratio", 4.0, _stretch_measure, _stretch_classify, value_format="×{}"),
    Column("spasm", "Spasm test", "longest spasm, s beyond healthy",
           "A brief sensory volley at rest (the spasm measurement). A spasm is involuntary "
           f"force above {analysis.SPASM_FORCE_THRESHOLD_PERCENT:g} % for at least "
           f"{analysis.SPASM_MIN_DURATION_S:g} s after the volley; one already there before "
           "it is an ongoing contraction.",
           ("none", "spasm", "ongoing contraction"),
           "difference", 5.0, _spasm_measure, _spasm_classify, value_format="{} s"),
    Column("needle", "Needle EMG\nat rest", "spontaneous potentials per second at a site, "
           "beyond healthy",
           f"The relaxed muscle's 4 s rest recording heard by a concentric needle at "
           f"{NEEDLE_SITES} sites (the needle measurement). Fibrillations, PSWs: seen at ≥ "
           f"{FIBRILLATION_MIN_SITES} sites; fasciculations: ≥ {FASCICULATION_MIN_POTENTIALS} "
           "spontaneous whole-unit potentials; cramp discharges: a unit firing fast by itself; "
           "MUAPs at rest (tonic): units driven by their motor neurons.",
           ("silent", "fibrillations", "PSWs", "fasciculations", "cramp discharges",
            "MUAPs at rest (tonic)"),
           "difference", 100.0, _needle_measure, _needle_classify, log_scale=True,
           value_format="{}/s"),
    Column("recruitment", "Recruitment\n(maximal effort)",
           "the lower of the motor units reaching the muscle and the force at maximal effort, "
           "× healthy",
           "A maximal voluntary contraction (the strength measurement): units whose "
           "discharges reach the muscle during the hold. Reduced below "
           f"×{RECRUITMENT_REDUCED_RATIO:g}; weak if the units are there but the force is below "
           f"×{WEAK_FORCE_RATIO:g}.",
           ("normal", "reduced (few units)", "weak"),
           "ratio", 2.0, _recruitment_measure, _recruitment_classify, value_format="×{}"),
    Column("ncs", "Nerve conduction", "lowest of CV, distal CMAP and proximal/distal CMAP, "
           "× healthy",
           f"{NCS_REPEATS} supramaximal shocks at each site (medians). Slowed: CV below "
           f"×{CV_SLOWED_RATIO:g}; low amplitude: distal CMAP below ×{CMAP_LOW_RATIO:g}; "
           f"block: proximal/distal CMAP below ×{BLOCK_RATIO:g} of healthy's.",
           ("normal", "slowed", "low amplitude", "block", "CV obscured", "no response"),
           "ratio", 2.0, _ncs_measure, _ncs_classify, value_format="×{}"),
    Column("fwave", "F-wave", "minimum F-wave latency, × healthy",
           f"{F_WAVE_SHOCKS} supramaximal distal shocks: the few motor neurons that backfire "
           "(the whole length of the nerve, roots included). Prolonged: minimum latency above "
           f"×{F_PROLONGED_RATIO:g}; few: persistence below ×{F_PERSISTENCE_LOW_RATIO:g} of "
           "healthy's; absent: no F-wave after any shock.",
           ("normal", "prolonged", "few", "absent"),
           "ratio", 2.0, _f_wave_measure, _f_wave_classify, value_format="×{}"),
    Column("rns", "Repetitive\nstimulation", "fibre APs per shock at 3 Hz, × healthy",
           "Ten shocks at 3 Hz and a 30 Hz train. Repetitive CMAPs: ≥ "
           f"{REPETITIVE_APS_PER_SHOCK:g} fibre APs per shock at 3 Hz; decrement: a CMAP fall "
           f"of more than {DECREMENT_PERCENT:g} % (4th vs 1st at 3 Hz, last vs first at 30 Hz).",
           ("normal", "repetitive CMAPs", "decrement", "no response"),
           "ratio", 2.0, _rns_measure, _rns_classify, value_format="×{}"),
)
"""The tests of the map, in column order (see the module docstring to add one)."""


def column(name: str) -> Column:
    """The column called ``name`` (ValueError listing the columns if there is none)."""
    for c in COLUMNS:
        if c.name == name:
            return c
    raise ValueError(f"unknown clinic-map column {name!r}; choose from "
                     f"{[c.name for c in COLUMNS]}")


# ----------------------------------------------------------------------------- rows
SITES = ("reference", "spinal cord and brain", "motor neuron and nerve", "junction and ions")
"""Groups of rows, in order: the healthy reference, then where a condition's levers act."""


def site(name: str) -> str:
    """Where scenario ``name``'s levers act (one of :data:`SITES`): the group holding most of
    its parameter changes — ``junction.*`` (junction and ions), ``nerve.*`` and
    ``reinnervation.*`` (motor neuron and nerve: axons lost, units remodelled) or any other
    stage (spinal cord and brain); a tie goes to the more peripheral. The healthy limb (no
    changes) is the reference."""
    changes = scenarios.get(name).changes
    if not changes:
        return SITES[0]
    groups = {"junction": SITES[3], "nerve": SITES[2], "reinnervation": SITES[2]}
    counts = {g: 0 for g in SITES[1:]}
    for key in changes:
        counts[groups.get(key.split(".")[0], SITES[1])] += 1
    return max(reversed(SITES[1:]), key=lambda g: counts[g])


def default_rows() -> tuple:
    """``"healthy"`` and every condition scenario, grouped by :func:`site` (registry order
    within a group)."""
    names = ["healthy", *(s.name for s in scenarios.all_scenarios() if s.category == "condition")]
    return tuple(sorted(names, key=lambda n: SITES.index(site(n))))


QUICK_ROWS = ("healthy", "spinal_cord_injury", "stroke_like", "parkinsons_like",
              "diabetic_neuropathy", "myasthenia_like", "ache_inhibition_severe")
"""A small table for tests and a quick look: the contrasts the map must show."""


# ----------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class ClinicMap:
    """Rows (scenarios) × columns (tests) of :class:`Signature`.

    Attributes
    ----------
    rows : tuple of str
        Scenario names, the healthy reference first.
    columns : tuple of str
        Names of :data:`COLUMNS` entries.
    cells : tuple of tuple of Signature
        ``cells[i][j]``: row ``i``, column ``j``.
    seed : int or None
        Noise seed of every run (None when read back from CSV).
    """

    rows: tuple
    columns: tuple
    cells: tuple
    seed: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "rows", tuple(self.rows))
        object.__setattr__(self, "columns", tuple(self.columns))
        for name in self.columns:
            column(name)
        cells = tuple(tuple(r) for r in self.cells)
        if len(cells) != len(self.rows) or any(len(r) != len(self.columns) for r in cells):
            raise ValueError(f"cells must be {len(self.rows)} rows × {len(self.columns)} "
                             f"columns of Signature")
        object.__setattr__(self, "cells", cells)

    def __repr__(self) -> str:
        return (f"ClinicMap({len(self.rows)} rows × {len(self.columns)} columns: "
                f"{', '.join(self.columns)}; seed {self.seed})")

    def cell(self, row: str, column_name: str) -> Signature:
        """The signature of scenario ``row`` in column ``column_name``."""
        if row not in self.rows:
            raise ValueError(f"no row {row!r} in this clinic map; rows: {list(self.rows)}")
        if column_name not in self.columns:
            raise ValueError(f"no column {column_name!r} in this clinic map; columns: "
                             f"{list(self.columns)}")
        return self.cells[self.rows.index(row)][self.columns.index(column_name)]

    def values(self) -> np.ndarray:
        """Every value, shape (n_rows, n_columns)."""
        return np.array([[c.value for c in r] for r in self.cells], dtype=float).reshape(
            len(self.rows), len(self.columns))

    def words(self) -> tuple:
        """Every word, rows × columns (tuple of tuples)."""
        return tuple(tuple(c.word for c in r) for r in self.cells)

    def deviations(self) -> np.ndarray:
        """Colour coordinates (:meth:`Column.deviation`), shape (n_rows, n_columns)."""
        cols = [column(n) for n in self.columns]
        return np.array([[c.deviation(s.value) for c, s in zip(cols, r)] for r in self.cells],
                        dtype=float).reshape(len(self.rows), len(self.columns))

    # ---- files
    def to_csv(self) -> str:
        """The table as CSV: ``scenario``, then per column its word and ``<column>_value``."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["scenario", *(h for n in self.columns for h in (n, f"{n}_value"))])
        for name, row in zip(self.rows, self.cells):
            writer.writerow([name, *(x for s in row for x in (s.word, repr(s.value)))])
        return buf.getvalue()

    def to_dict(self) -> dict:
        """Everything, readings and seed included, as plain JSON-ready data (NaN → None)."""
        def num(x):
            return x if math.isfinite(x) else None
        return dict(format=FORMAT_NAME, version=FORMAT_VERSION, seed=self.seed,
                    rows=list(self.rows), columns=list(self.columns),
                    cells=[[dict(value=num(s.value), word=s.word,
                                 readings={k: num(v) for k, v in s.readings.items()})
                            for s in row] for row in self.cells])

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the table atomically: ``.csv`` (words and values) or ``.json`` (all)."""
        path = Path(path)
        if path.suffix == ".csv":
            return write_text(path, self.to_csv())
        if path.suffix == ".json":
            return write_text(path, json.dumps(self.to_dict(), indent=1, ensure_ascii=False))
        raise ValueError(f"path = {str(path)!r}: a clinic map is saved as .csv or .json")

    @classmethod
    def from_csv(cls, text: str) -> "ClinicMap":
        """Read :meth:`to_csv`'s text back (words and values; no readings, no seed)."""
        reader = csv.reader(io.StringIO(text))
        try:
            header = next(reader)
        except StopIteration:
            raise ValueError("clinic-map CSV is empty") from None
        names = header[1::2]
        if header[:1] != ["scenario"] or header[2::2] != [f"{n}_value" for n in names]:
            raise ValueError(f"clinic-map CSV header {header!r} is not 'scenario', then "
                             f"'<column>', '<column>_value' for each column")
        rows, cells = [], []
        for line in reader:
            if len(line) != len(header):
                raise ValueError(f"clinic-map CSV row {line!r} has {len(line)} fields, the "
                                 f"header {len(header)}")
            rows.append(line[0])
            cells.append([Signature(float(v), w) for w, v in zip(line[1::2], line[2::2])])
        return cls(tuple(rows), tuple(names), tuple(map(tuple, cells)))

    @classmethod
    def from_dict(cls, data: Mapping) -> "ClinicMap":
        """Read :meth:`to_dict`'s data back."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT_NAME:
            raise ValueError(f"not a clinic map: format must be {FORMAT_NAME!r}")
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"clinic map version {data.get('version')!r}: this neurosim "
                             f"reads version {FORMAT_VERSION}")

        def num(x):
            return math.nan if x is None else float(x)
        cells = tuple(tuple(Signature(num(c["value"]), c["word"],
                                      {k: num(v) for k, v in c["readings"].items()})
                            for c in row) for row in data["cells"])
        return cls(tuple(data["rows"]), tuple(data["columns"]), cells, data.get("seed"))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "ClinicMap":
        """Read a file written by :meth:`save` (``.csv`` or ``.json``)."""
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".csv":
            return cls.from_csv(text)
        if path.suffix == ".json":
            return cls.from_dict(json.loads(text))
        raise ValueError(f"path = {str(path)!r}: a clinic map is read from .csv or .json")


def _cache_path(cache_dir: str | os.PathLike[str], rows: tuple, columns: tuple, seed: int
                ) -> Path:
    """The cache file of a table: a hash of what decides its numbers — rows, columns, seed
    and the model's sources (:func:`neurosim._cache.model_digest`, which covers this module's
    thresholds too)."""
    record = dict(format=FORMAT_NAME, version=FORMAT_VERSION, model=_cache.model_digest(),
                  rows=list(rows), columns=list(columns), seed=int(seed))
    key = hashlib.blake2b(json.dumps(record, sort_keys=True).encode(), digest_size=16)
    return Path(cache_dir) / f"clinic_map_{key.hexdigest()}.json"


def clinic_map(rows: Sequence[str] | None = None, columns: Sequence[str] | None = None, *,
               seed: int = 0, cache_dir: str | os.PathLike[str] | None = None
               ) -> ClinicMap:
    """Run every test of every row and reduce each to its signature.

    Parameters
    ----------
    rows : sequence of str, optional
        Scenario names (default :func:`default_rows`: healthy and every condition). Any
        scenario may be a row (a treatment too); each is compared with the healthy limb.
        :data:`QUICK_ROWS` is a small table.
    columns : sequence of str, optional
        Names of :data:`COLUMNS` entries (default: all, in registry order).
    seed : int
        Noise seed of every run.
    cache_dir : path, optional
        Keep the table there (JSON, written atomically) and reuse it while the rows,
        columns, seed and the model's sources are the same (e.g. ``neurosim tour`` run
        again); a file that cannot be read is computed again, one that cannot be written
        is skipped with a :class:`RuntimeWarning`.

    Returns
    -------
    ClinicMap

    Raises
    ------
    ValueError
        Before any run, for an unknown scenario or column, or no rows or columns.
    """
    rows = default_rows() if rows is None else tuple(rows)
    chosen = tuple(c.name for c in COLUMNS) if columns is None else tuple(columns)
    if not rows or not chosen:
        raise ValueError("a clinic map needs at least one row and one column")
    cols = [column(n) for n in chosen]
    cases = [Case(name, scenarios.get(name).parameters) for name in rows]
    path = None if cache_dir is None else _cache_path(cache_dir, rows, chosen, seed)
    if path is not None and path.is_file():
        try:
            kept = ClinicMap.load(path)
        except (OSError, ValueError, KeyError, TypeError):
            kept = None  # unreadable: compute it again
        if kept is not None and (kept.rows, kept.columns, kept.seed) == (rows, chosen, seed):
            return kept
    lab = Lab(seed)
    cells = tuple(tuple(c.signature(c.measure(lab, case)) for c in cols) for case in cases)
    table = ClinicMap(rows, chosen, cells, int(seed))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            table.save(path)
        except OSError as exc:
            warnings.warn(f"clinic map not kept in {str(path.parent)!r} "
                          f"({exc.strerror or exc}); it will be computed again next time",
                          RuntimeWarning, stacklevel=2)
    return table
