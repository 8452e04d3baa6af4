"""The model's numbers do not move unless someone means them to.

Every built-in scenario (seed 0) and the engine benchmark's run are compared with the
fingerprint committed in ``tests/golden/fingerprint.json``: spike, fibre-AP and nerve-impulse
times, units and sources bit for bit, every trace to 1e-9 of its scale. A deliberate change
re-records it with its reason (``python tests/golden.py record --reason "..."``).
"""

import numpy as np
import pytest

import golden

RECORDED = golden.load()


@pytest.mark.parametrize("name", list(golden.workloads()))
def test_outputs_match_the_committed_fingerprint(name):
    assert name in RECORDED["workloads"], f"{name} has no recorded fingerprint"
    result = golden.workloads()[name]()
    problems = golden.differences(RECORDED["workloads"][name], golden.fingerprint(result))
    assert not problems, "\n".join(problems)


def test_every_scenario_is_fingerprinted_and_every_change_has_a_reason():
    names = set(golden.workloads())
    assert names == set(RECORDED["workloads"])
    assert RECORDED["history"] and all(len(h["reason"]) > 10 for h in RECORDED["history"])


def test_the_comparison_notices_a_moved_spike_and_a_small_change_in_force():
    result = golden.benchmark_run()
    base = golden.fingerprint(result)
    spikes = result.spike_times_s.copy()
    spikes[len(spikes) // 2] += result.dt_ms / 1000.0
    moved = golden.summarise("spike_times_s", spikes)
    assert golden.differences({"spike_times_s": base["spike_times_s"]},
                              {"spike_times_s": moved}) == ["spike_times_s: not bit-identical"]
    force = result.force_N * (1.0 + 1e-7)
    problems = golden.differences({"force_N": base["force_N"]},
                                  {"force_N": golden.summarise("force_N", force)})
    assert problems and all(p.startswith("force_N.") for p in problems)
    # a shift by one output sample keeps sum and extremes but moves the weighted sum
    shifted = np.roll(result.force_N, 1)
    problems = golden.differences({"force_N": base["force_N"]},
                                  {"force_N": golden.summarise("force_N", shifted)})
    assert any("time_weighted_sum" in p for p in problems)
    # rounding-level noise passes
    noisy = result.force_N * (1.0 + 1e-13)
    assert golden.differences({"force_N": base["force_N"]},
                              {"force_N": golden.summarise("force_N", noisy)}) == []
