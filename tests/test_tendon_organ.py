"""Golgi tendon organs (Ib) and autogenic inhibition — and the proof that a stage is one
module plus one registry line.

Published behaviour encoded here: tendon organs signal *active force* and are nearly silent
in relaxed muscle (Houk & Henneman 1967, J Neurophysiol 30:466; Jami 1992, Physiol Rev
72:623); their population discharge follows total force (Crago, Houk & Rymer 1982,
J Neurophysiol 47:1069); through Ib interneurons they inhibit their own motor neurons
(autogenic inhibition, Eccles, Eccles & Lundberg 1957, J Physiol 138:227), an inhibition
reduced in spasticity (Delwaide & Oliver 1988, J Neurol Neurosurg Psychiatry 51:1546).
"""

import numpy as np
import pytest

from neurosim import Parameters, analysis, scenarios, schedule, simulate, tendon_organ
from neurosim.cli import main as cli_main
from neurosim.parameters import field_specs, slider_groups
from neurosim.protocols import Hold, NerveStimulation, Noise, Protocol, Ramp
from neurosim.result import SimulationResult, stage_trace_columns

AUTOGENIC = "tendon_organ.autogenic_inhibition"


def _hold(level, autogenic, seed, duration_s=3.0):
    p = Parameters().with_changes(**{AUTOGENIC: autogenic})
    return simulate(p, Protocol(Hold(level=level, start_s=0.2, stop_s=duration_s), Noise()),
                    duration_s, seed=seed)


def test_ib_rate_follows_active_force_and_is_silent_at_rest():
    p = Parameters()
    r = simulate(p, Protocol(Ramp(start_s=0.5, stop_s=2.5, start_level=0.0, end_level=0.6),
                             Noise()), 3.0, seed=0)
    t = p.tendon_organ
    expected = t.resting_rate_hz + t.rate_at_max_force_hz * np.maximum(r.force_N, 0) / r.max_force_N
    np.testing.assert_allclose(r.ib_rate_hz, expected, rtol=1e-12, atol=1e-12)
    assert np.all(r.ib_rate_hz[r.time_s < 0.5] == 0.0)  # relaxed: silent (Jami 1992)
    late = r.time_s > 2.0
    assert r.ib_rate_hz[late].mean() > 5 * max(r.ib_rate_hz[(r.time_s > 0.6) & (r.time_s < 1.0)].mean(), 0.1)
    # the rate rises with force: rank correlation over the ramp
    ramp = (r.time_s > 0.5) & (r.time_s < 2.5)
    order_force = np.argsort(np.argsort(r.force_N[ramp]))
    order_ib = np.argsort(np.argsort(r.ib_rate_hz[ramp]))
    assert np.corrcoef(order_force, order_ib)[0, 1] > 0.99


def test_autogenic_inhibition_arrives_after_the_ib_conduction_and_central_delay():
    """A single maximal shock: force (and Ib discharge) starts with the twitch; the
    inhibition of the pool follows exactly one Ib delay later (to the output sample)."""
    p = Parameters().with_changes(**{"emg.output_rate_hz": 10000.0})
    r = simulate(p, Protocol(NerveStimulation(times_s=(0.05,), intensity_mA=60.0)), 0.2,
                 seed=0, dt_ms=0.1)
    first_ib = r.time_s[np.argmax(r.ib_rate_hz > 0)]
    first_inhibition = r.time_s[np.argmax(r.autogenic_inhibition > 0)]
    delay_s = tendon_organ.ib_delay_steps(p, 0.1) * 0.1 / 1000.0
    assert first_inhibition - first_ib == pytest.approx(delay_s, abs=1.5e-4)
    # conduction at 55 m/s over the nerve's path plus a disynaptic central delay: > Ia's
    ia_ms = 1000 * p.nerve.path_length_m / p.nerve.afferent_cv_m_s + p.nerve.central_delay_ms
    assert 1000 * delay_s > ia_ms


def test_ib_inhibition_lowers_force_at_a_fixed_command():
    means = {a: np.mean([_hold(0.3, a, seed).force_N[1000:].mean() for seed in range(3)])
             for a in (0.0, 1.0, 2.0)}
    assert means[0.0] > means[1.0] > means[2.0]
    # at healthy strength a negative force feedback of a few to ~15 % at 30 % effort
    assert 0.02 < 1 - means[1.0] / means[0.0] < 0.2


def test_removing_ib_inhibition_makes_the_spasm_of_the_injured_cord_stronger():
    sc = scenarios.get("spinal_cord_injury")
    peak, mean, duration = {}, {}, {}
    for a in (0.0, 1.0):
        runs = [sc.run(parameters=sc.parameters.with_changes(**{AUTOGENIC: a}), seed=seed)
                for seed in range(3)]
        peak[a] = np.mean([r.force_N.max() for r in runs])
        mean[a] = np.mean([r.force_N.mean() for r in runs])
        duration[a] = np.mean([analysis.spasm_episodes(r).total_duration_s
                               for r in runs])
    assert peak[0.0] > peak[1.0] and mean[0.0] > mean[1.0]
    assert duration[0.0] >= duration[1.0]


def test_the_stage_is_one_module_and_one_registry_line():
    """Everything else follows from the module: parameters, slider, CLI listing, traces."""
    assert "tendon_organ" in schedule.STAGE_MODULES
    assert tendon_organ in schedule.STAGES
    assert "tendon_organ.sense" in schedule.loop_source()
    specs = field_specs()
    assert {f"tendon_organ.{f}" for f in ("autogenic_inhibition", "rate_at_max_force_hz",
                                           "inhibition_per_hz")} <= set(specs)
    assert all(specs[n].source for n in specs if n.startswith("tendon_organ."))
    assert AUTOGENIC in [s.name for s in slider_groups()["Inhibition"]]
    assert set(tendon_organ.TRACES) <= set(stage_trace_columns())
    r = _hold(0.1, 1.0, seed=0, duration_s=0.3)
    assert set(r.stage_traces) == set(tendon_organ.TRACES)


def test_ib_traces_are_saved_loaded_and_exported(tmp_path):
    r = _hold(0.2, 1.0, seed=1, duration_s=0.6)
    path = r.save(tmp_path / "r.npz")
    back = SimulationResult.load(path)
    np.testing.assert_array_equal(back.ib_rate_hz, r.ib_rate_hz)
    np.testing.assert_array_equal(back.autogenic_inhibition, r.autogenic_inhibition)
    r.to_csv(tmp_path / "r.csv")
    header = (tmp_path / "r.csv").read_text().splitlines()[0].split(",")
    assert header[-2:] == ["ib_rate_hz", "autogenic_inhibition"]
    data = np.loadtxt(tmp_path / "r.csv", delimiter=",", skiprows=1)
    np.testing.assert_allclose(data[:, header.index("ib_rate_hz")], r.ib_rate_hz, rtol=1e-5,
                               atol=1e-4)
    with pytest.raises(AttributeError, match="no attribute 'gto_rate'"):
        r.gto_rate  # noqa: B018
    with pytest.raises(ValueError, match="unknown trace"):
        r.replace(stage_traces={"gto_rate": r.ib_rate_hz})


def test_cli_lists_the_tendon_organ_parameters(capsys):
    assert cli_main(["list", "--parameters"]) == 0
    out = capsys.readouterr().out
    line = next(l for l in out.splitlines() if l.startswith(AUTOGENIC))
    assert "[0, 3]" in line and "Autogenic (Ib) inhibition" in line


def test_lever_out_of_range_is_refused_with_unit_and_range():
    with pytest.raises(ValueError, match=r"tendon_organ.autogenic_inhibition.*\[0, 3\]"):
        Parameters().with_changes(**{AUTOGENIC: 5.0})
