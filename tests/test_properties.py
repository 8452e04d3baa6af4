"""Property tests (hypothesis): the validators, the result file round trip, and invariants
of the analysis, over randomly drawn inputs.

* every field refuses any value outside its declared [min, max] with a ValueError that names
  the field and its range, and accepts any value inside it, which then survives
  ``Parameters.to_dict`` / ``from_dict`` (also through JSON);
* a small random run saved and loaded is the same run, array for array;
* spasm episodes are disjoint, ordered, inside the run and as long as the summary says;
  firing statistics are non-negative, between the slowest and fastest interspike interval,
  and never faster than the refractory period allows.

Runs are kept small (a few units, under a second) so the file takes well under 30 s.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from neurosim import Parameters, SimulationResult, analysis, field_specs, scenarios, simulate

SPECS = field_specs()
NAMES = sorted(SPECS)
FAST = settings(max_examples=200, deadline=None, derandomize=True)
RUNS = settings(max_examples=12, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


def _range_text(spec) -> str:
    return f"[{spec.min:g}, {spec.max:g}]"


# ------------------------------------------------------------------------- validators

@st.composite
def out_of_range(draw):
    """A field and a finite value outside its [min, max] (below or above)."""
    spec = SPECS[draw(st.sampled_from(NAMES))]
    scale = max(abs(spec.min), abs(spec.max), 1.0)
    distance = draw(st.floats(min_value=1e-6, max_value=1e6)) * scale
    value = spec.max + distance if draw(st.booleans()) else spec.min - distance
    if spec.integer and draw(st.booleans()):
        value = float(math.ceil(value)) if value > spec.max else float(math.floor(value))
    assume(math.isfinite(value) and not spec.min <= value <= spec.max)
    return spec, value


@st.composite
def in_range(draw):
    """A field and a value inside its [min, max] (whole for integer fields)."""
    spec = SPECS[draw(st.sampled_from(NAMES))]
    if spec.integer:
        return spec, draw(st.integers(min_value=int(spec.min), max_value=int(spec.max)))
    return spec, draw(st.floats(min_value=spec.min, max_value=spec.max,
                                allow_nan=False, allow_subnormal=False))


@FAST
@given(out_of_range())
def test_a_value_outside_the_declared_range_is_refused_naming_field_and_range(case):
    spec, value = case
    with pytest.raises(ValueError) as info:
        Parameters().with_changes(**{spec.name: value})
    message = str(info.value)
    assert message.startswith(f"{spec.name} = "), message
    assert _range_text(spec) in message, message


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.sampled_from(NAMES), st.sampled_from([math.nan, math.inf, -math.inf]))
def test_a_non_finite_value_is_refused_naming_the_field(name, value):
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} = "):
        Parameters().with_changes(**{name: value})


@FAST
@given(in_range())
def test_a_value_inside_the_range_is_accepted_and_round_trips(case):
    spec, value = case
    p = Parameters().with_changes(**{spec.name: value})
    assert p.get(spec.name) == value
    assert Parameters.from_dict(p.to_dict()) == p
    assert Parameters.from_dict(json.loads(json.dumps(p.to_dict()))) == p
    assert set(p.differences(Parameters())) <= {spec.name}


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(in_range(), min_size=2, max_size=8))
def test_several_changes_at_once_round_trip(cases):
    changes = {spec.name: value for spec, value in cases}
    p = Parameters().with_changes(**changes)
    assert {name: p.get(name) for name in changes} == changes
    assert Parameters.from_dict(json.loads(json.dumps(p.to_dict()))) == p


# ------------------------------------------------------------------------- small runs

SCENARIOS = ("healthy", "spinal_cord_injury", "stretch_reflex", "junction_train",
             "recruitment_ramp")


@dataclasses.dataclass(frozen=True)
class RunCase:
    """A small run of a built-in scenario, drawn by :func:`small_run` (shown on failure)."""

    scenario: str
    changes: tuple
    record_units: tuple
    duration_s: float
    seed: int

    def run(self) -> SimulationResult:
        scenario = scenarios.get(self.scenario)
        return simulate(scenario.parameters.with_changes(**dict(self.changes)),
                        scenario.protocol, self.duration_s, seed=self.seed,
                        record_units=list(self.record_units), label=scenario.name)


@st.composite
def small_run(draw, names=SCENARIOS, durations=(0.2, 0.8), units=(1, 8)):
    """A random small run of a built-in scenario: a few units, a short duration."""
    n_units = draw(st.integers(min_value=units[0], max_value=units[1]))
    changes = [("pool.n_units", n_units)]
    if draw(st.booleans()):
        changes.append(("pic.strength", draw(st.floats(min_value=0.0, max_value=1.5))))
        changes.append(("inhibition.presynaptic", draw(st.floats(min_value=0.0, max_value=1.0))))
    return RunCase(
        scenario=draw(st.sampled_from(names)), changes=tuple(changes),
        record_units=tuple(draw(st.lists(st.integers(min_value=0, max_value=n_units - 1),
                                         max_size=2, unique=True))),
        duration_s=draw(st.floats(min_value=durations[0], max_value=durations[1])),
        seed=draw(st.integers(min_value=0, max_value=2**31 - 1)))


def _assert_same(x, y, what: str) -> None:
    if isinstance(x, np.ndarray):
        assert isinstance(y, np.ndarray) and x.dtype == y.dtype and x.shape == y.shape, what
        np.testing.assert_array_equal(x, y, err_msg=what)
    elif isinstance(x, Mapping):
        assert isinstance(y, Mapping) and set(x) == set(y), what
        for key in x:
            _assert_same(x[key], y[key], f"{what}[{key!r}]")
    else:
        assert x == y, what


def _assert_same_run(a: SimulationResult, b: SimulationResult) -> None:
    for f in dataclasses.fields(SimulationResult):
        _assert_same(getattr(a, f.name), getattr(b, f.name), f.name)


@RUNS
@given(small_run())
def test_a_saved_run_loads_as_the_same_run(case):
    result = case.run()
    with tempfile.TemporaryDirectory() as folder:
        path = result.save(Path(folder) / "run.npz")
        loaded = SimulationResult.load(path)
    _assert_same_run(result, loaded)
    assert repr(loaded) == repr(result)


@settings(RUNS, max_examples=20)
@given(small_run(names=("spinal_cord_injury", "spinal_cord_injury", "healthy"),
                 durations=(1.5, 2.5), units=(4, 12)),
       st.floats(min_value=0.5, max_value=30.0), st.floats(min_value=0.0, max_value=0.3))
def test_spasm_episodes_are_disjoint_ordered_and_inside_the_run(case, threshold, min_s):
    result = case.run()
    summary = analysis.spasm_episodes(result, force_threshold_percent=threshold,
                                      min_duration_s=min_s)
    episodes = summary.episodes
    event(f"{min(summary.count, 2)} episode(s)")
    assert summary.count == len(episodes)
    durations = [end - start for start, end in episodes]
    for (start, end), duration in zip(episodes, durations):
        assert 0.0 <= start < end <= result.duration_s + 1e-9
        assert duration >= min_s - 1e-9
    for (_, end), (next_start, _) in zip(episodes, episodes[1:]):
        assert end < next_start  # disjoint and in time order
    assert summary.total_duration_s == pytest.approx(sum(durations), abs=1e-9)
    assert summary.longest_s == pytest.approx(max(durations, default=0.0), abs=1e-9)
    if summary.count:
        assert summary.peak_force_percent > threshold
    else:
        assert summary.peak_force_percent == 0.0
    # a stricter definition never finds more spasm time
    stricter = analysis.spasm_episodes(result, force_threshold_percent=min(100.0, threshold * 1.5),
                                       min_duration_s=min_s)
    assert stricter.total_duration_s <= summary.total_duration_s + 1e-9


@RUNS
@given(small_run(names=("spinal_cord_injury", "stretch_reflex", "recruitment_ramp"),
                 durations=(1.2, 2.0), units=(2, 8)))
def test_firing_statistics_are_non_negative_and_bounded_by_the_intervals(case):
    result = case.run()
    stats = analysis.firing_statistics(result)
    counts = np.bincount(result.spike_units, minlength=result.n_units)
    assert stats.units_recruited == int(np.sum(counts >= 2))
    fastest_hz = 1000.0 / result.parameters.pool.refractory_ms
    for u in range(result.n_units):
        t = np.sort(result.spike_times_s[result.spike_units == u])
        rates = np.array([stats.recruitment_rate_hz[u], stats.derecruitment_rate_hz[u],
                          stats.mean_rate_hz[u], stats.peak_rate_hz[u]])
        if t.size < 2:
            assert np.all(np.isnan(rates))
            continue
        event("a unit fired at least twice")
        isi = np.diff(t)
        finite = rates[np.isfinite(rates)]
        assert finite.size == (4 if t.size >= 4 else 3)
        assert np.all(finite >= 0.0)
        assert np.all(finite >= 1.0 / isi.max() * (1 - 1e-9))
        assert np.all(finite <= 1.0 / isi.min() * (1 + 1e-9))
        assert np.all(finite <= fastest_hz * (1 + 1e-6))
