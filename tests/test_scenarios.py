"""Mechanism 1: loss of inhibition unmasks PICs → self-sustained firing and spasms.

These are the contrasts a student should see, asserted on several seeds so that a
lucky noise draw cannot make them pass.
"""

import numpy as np
import pytest

from neurosim import scenarios
from neurosim.analysis import (firing_statistics, spasm_episodes, summary_row, time_to_rest_s)


SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def runs():
    names = ["healthy", "inhibition_loss_only", "pic_only", "spinal_cord_injury", "baclofen_like"]
    return {(n, seed): scenarios.get(n).run(seed=seed, duration_s=8.0)
            for n in names for seed in SEEDS}


def _force_after_input(result, delay_s):
    end = result.protocol.input_end_s()
    return result.force_percent[result.time_s > end + delay_s].max()


@pytest.mark.parametrize("seed", SEEDS)
def test_healthy_returns_to_rest_within_a_fraction_of_a_second(runs, seed):
    r = runs["healthy", seed]
    assert r.spike_times_s.size > 0, "the volley must excite the pool"
    assert time_to_rest_s(r) < 0.3
    assert spasm_episodes(r).count == 0
    assert _force_after_input(r, 0.5) < 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_spinal_cord_injury_keeps_firing_and_producing_force_for_seconds(runs, seed):
    r = runs["spinal_cord_injury", seed]
    assert time_to_rest_s(r) > 3.0
    spasm = spasm_episodes(r)
    assert spasm.count >= 1 and spasm.longest_s > 1.0
    assert _force_after_input(r, 1.5) > 10.0  # still clearly contracting 1.5 s after the input
    # spasm firing rates resemble human spasms (about 9–16 Hz; Zijdewind & Thomas)
    end = r.protocol.input_end_s()
    rates = []
    for u in range(r.n_units):
        t = r.unit_spike_times(u)
        t = t[(t > end + 0.5) & (t < end + 1.5)]
        if t.size >= 3:
            rates.append(1.0 / np.median(np.diff(t)))
    assert len(rates) > 30
    assert 7.0 < np.median(rates) < 20.0


@pytest.mark.parametrize("seed", SEEDS)
def test_each_lesion_alone_gives_less_than_both_together(runs, seed):
    both = runs["spinal_cord_injury", seed]
    for alone in ("inhibition_loss_only", "pic_only"):
        r = runs[alone, seed]
        assert spasm_episodes(r).total_duration_s < spasm_episodes(both).total_duration_s
        assert r.force_N.sum() < 0.6 * both.force_N.sum(), alone  # involuntary impulse
        assert _force_after_input(r, 1.0) < _force_after_input(both, 1.0)
    # and each alone is still more than healthy
    healthy = runs["healthy", seed]
    for alone in ("inhibition_loss_only", "pic_only"):
        assert runs[alone, seed].force_N.sum() > healthy.force_N.sum()
        assert time_to_rest_s(runs[alone, seed]) > time_to_rest_s(healthy)


@pytest.mark.parametrize("seed", SEEDS)
def test_baclofen_like_shortens_the_spasm(runs, seed):
    sci, bac = runs["spinal_cord_injury", seed], runs["baclofen_like", seed]
    assert spasm_episodes(bac).longest_s < 0.7 * spasm_episodes(sci).longest_s
    assert bac.force_N.max() < 0.5 * sci.force_N.max()
    assert firing_statistics(bac).units_recruited < firing_statistics(sci).units_recruited


def test_renshaw_is_not_the_spinal_cord_injury_lever():
    sci = scenarios.get("spinal_cord_injury")
    assert sci.parameters.inhibition.recurrent >= 1.0
    assert sci.parameters.inhibition.reciprocal < 1.0
    assert sci.parameters.inhibition.presynaptic < 1.0
    assert sci.parameters.pic.strength > scenarios.get("healthy").parameters.pic.strength


def test_restoring_inhibition_switches_a_plateau_off():
    """Plateaus end 'until inhibition switches them off': more descending inhibition
    during the tail of an SCI spasm shortens it."""
    sci = scenarios.get("spinal_cord_injury")
    stronger = sci.with_changes(**{"inhibition.descending": 3.0, "inhibition.reciprocal": 3.0})
    assert time_to_rest_s(stronger.run(seed=0)) < 0.5 * time_to_rest_s(sci.run(seed=0))


def test_every_scenario_has_teaching_text_and_runs():
    for s in scenarios.all_scenarios():
        for text in (s.title, s.description, s.mechanism, s.learning_goal, s.caveat):
            assert len(text) > 15, (s.name, text)
        assert s.category in scenarios.CATEGORIES
        r = s.run(seed=0, duration_s=1.0)
        assert r.label == s.name
    assert {"healthy", "inhibition_loss_only", "pic_only", "spinal_cord_injury",
            "baclofen_like"} <= set(scenarios.names())


def test_unknown_scenario_lists_known_names():
    with pytest.raises(ValueError, match=r"unknown scenario 'sci' \(known: healthy"):
        scenarios.get("sci")


def test_unknown_scenario_suggests_the_closest_names():
    with pytest.raises(ValueError, match=r"unknown scenario 'strok_like'; did you mean "
                                         r"stroke_like\?"):
        scenarios.get("strok_like")


def test_scenario_file_round_trip(tmp_path):
    s = scenarios.get("spinal_cord_injury").with_changes(**{"pic.strength": 0.8})
    path = s.save(tmp_path / "mine.json")
    loaded = scenarios.Scenario.load(path)
    assert loaded == s
    np.testing.assert_array_equal(loaded.run(seed=1, duration_s=2).force_N,
                                  s.run(seed=1, duration_s=2).force_N)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="not a readable scenario file"):
        scenarios.Scenario.load(tmp_path / "bad.json")


def test_summary_row_has_all_columns(runs):
    row = summary_row(runs["spinal_cord_injury", 0])
    from neurosim.analysis import SUMMARY_COLUMNS
    assert list(row) == list(SUMMARY_COLUMNS)
    assert row["spasms"] >= 1 and row["units"] > 100
