"""Tests of the clinical-test figures in neurosim.plotting.

joint, reflex_velocity_panel, clonus_panel and conduction_panel: they draw into
the Axes they are given and return them, label the figure once, and plot exactly
the numbers the result and the analysis hold. Runs use a 30-unit pool to stay fast.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import neurosim  # noqa: E402
from neurosim import analysis, experiments, plotting, scenarios  # noqa: E402
from neurosim.emg import rms_envelope  # noqa: E402
from neurosim.parameters import Parameters  # noqa: E402
from neurosim.protocols import FreeLimb, ImposedStretch, Protocol  # noqa: E402
from plot_helpers import label_count, line  # noqa: E402

SMALL = {"pool.n_units": 30}
HEALTHY = Parameters().with_changes(**SMALL)
SPASTIC = scenarios.get("stroke_like").parameters.with_changes(**SMALL)
VELOCITIES = (20.0, 100.0)


@pytest.fixture(scope="module")
def reflex():
    """(curves, results): healthy and spastic 30-unit pools at two velocities."""
    curves, results = [], []
    for params in (HEALTHY, SPASTIC):
        curve, runs = experiments.reflex_vs_velocity(params, VELOCITIES, seed=0,
                                                     return_results=True)
        curves.append(curve)
        results.append(runs)
    return curves, results


@pytest.fixture(scope="module")
def clonus_run():
    scenario = scenarios.get("stroke_like")
    return scenario.run(seed=0, duration_s=5.5, parameters=SPASTIC)


@pytest.fixture(scope="module")
def conduction_runs():
    return [scenarios.get(name).run(seed=0, parameters=scenarios.get(name).parameters
                                    .with_changes(**SMALL))
            for name in ("nerve_conduction_study", "diabetic_neuropathy")]


@pytest.fixture(scope="module")
def silent_free_limb():
    """A free limb with no load, no push and no noise: not a single spike."""
    r = neurosim.simulate(HEALTHY, Protocol(FreeLimb()), 5.5, seed=0, label="silent")
    assert r.spike_times_s.size == 0
    return r


@pytest.fixture(scope="module")
def silent_stretch():
    """Two slow, tiny, noise-free stretches of a pool without spindle input: no spikes."""
    params = HEALTHY.with_changes(**{"spindle.gain": 0.0})
    runs = [neurosim.simulate(params, Protocol(ImposedStretch(amplitude_deg=2.0,
                                                              velocity_deg_s=v, hold_s=0.2)),
                              1.5, seed=0) for v in (5.0, 10.0)]
    assert all(r.spike_times_s.size == 0 for r in runs)
    curve = experiments.ReflexCurve(np.array([5.0, 10.0]),
                                    tuple(analysis.stretch_reflex(r) for r in runs))
    return curve, runs


def torque_axes(ax):
    twins = [a for a in ax.figure.axes
             if a.get_gid() == "joint_torque_axes" and a.bbox.bounds == ax.bbox.bounds]
    assert len(twins) == 1
    return twins[0]


def texts(ax):
    return [t.get_text() for t in ax.texts]


# ------------------------------------------------------------------ joint
def test_joint_returns_given_axes_and_plots_angle_and_examiner_torque(reflex):
    r = reflex[1][0][1]  # healthy, 100 deg/s
    fig, ax = plt.subplots()
    assert plotting.joint(r, ax=ax) is ax
    assert label_count(fig) == 1
    angle = line(ax, "joint_angle")
    np.testing.assert_array_equal(angle.get_xdata(), r.time_s)
    np.testing.assert_array_equal(angle.get_ydata(), r.joint_angle_deg)
    torque = line(torque_axes(ax), "joint_torque")
    np.testing.assert_array_equal(torque.get_ydata(), r.joint_torque_Nm)
    assert np.ptp(r.joint_torque_Nm) > 0  # the examiner did push
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == 2 and "N·m" in legend[1]
    plotting.joint(r, ax=ax)
    assert label_count(fig) == 1


def test_joint_free_limb_shows_applied_load_and_push(clonus_run):
    fig, ax = plt.subplots()
    plotting.joint(clonus_run, ax=ax)
    applied = line(torque_axes(ax), "applied_torque")
    expected = clonus_run.protocol.limb_waveforms(clonus_run.time_s)["torque_Nm"]
    np.testing.assert_array_equal(applied.get_ydata(), expected)
    assert expected.max() == pytest.approx(5.0 + 8.0)  # load + push of the stroke_like test


def test_joint_creates_labelled_figure_and_handles_silent_run(silent_free_limb):
    ax = plotting.joint(silent_free_limb)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert label_count(ax.figure) == 1
    np.testing.assert_array_equal(line(ax, "joint_angle").get_ydata(),
                                  silent_free_limb.joint_angle_deg)


# ------------------------------------------------------------------ reflex vs velocity
def test_reflex_panel_returns_given_axes_and_plots_the_runs(reflex):
    curves, results = reflex
    n = len(VELOCITIES)
    fig, grid = plt.subplots(2, n + 1)
    given = [*grid[0, :n], *grid[1, :n], grid[0, n]]
    axes = plotting.reflex_velocity_panel(curves, axes=given, labels=["healthy", "spastic"],
                                          results=results)
    assert axes.shape == (2 * n + 1,)
    assert all(a is b for a, b in zip(axes, given))
    assert label_count(fig) == 1
    for j in range(n):
        for k in range(2):
            r = results[k][j]
            onset = next(c for c in r.protocol.components
                         if isinstance(c, ImposedStretch)).start_s
            angle = line(axes[j], f"angle_{k}")
            np.testing.assert_allclose(angle.get_xdata(), r.time_s - onset)
            np.testing.assert_array_equal(angle.get_ydata(), r.joint_angle_deg)
            raw = line(axes[n + j], f"emg_raw_{k}")
            np.testing.assert_array_equal(raw.get_ydata(), r.emg_mV)
            env = line(axes[n + j], f"emg_envelope_{k}")
            np.testing.assert_allclose(env.get_ydata(),
                                       rms_envelope(r.emg_mV, r.output_rate_hz,
                                                    analysis.REFLEX_ENVELOPE_MS))
            assert any(f"{curves[k].peak_muscle_torque_Nm[j]:.2g}" in t for t in texts(axes[n + j]))
        # one EMG scale for every column
        assert axes[n + j].get_ylim() == axes[n].get_ylim()
    for k, curve in enumerate(curves):
        summary = line(axes[-1], f"reflex_curve_{k}")
        np.testing.assert_array_equal(summary.get_xdata(), VELOCITIES)
        np.testing.assert_array_equal(summary.get_ydata(), curve.peak_muscle_torque_Nm)
    legend = [t.get_text() for t in axes[-1].get_legend().get_texts()]
    assert legend == ["healthy", "spastic"]


def test_reflex_panel_summary_only_and_default_figure(reflex):
    curves, results = reflex
    fig, ax = plt.subplots()
    axes = plotting.reflex_velocity_panel(curves, axes=[ax])
    assert axes.shape == (1,) and axes[0] is ax
    assert label_count(fig) == 1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["set 1", "set 2"]

    axes = plotting.reflex_velocity_panel(curves, results=results)
    assert axes.shape == (2 * len(VELOCITIES) + 1,)
    assert len({a.figure for a in axes}) == 1
    assert label_count(axes[0].figure) == 1


def test_reflex_panel_rejects_mismatched_inputs(reflex):
    curves, results = reflex
    other = experiments.ReflexCurve(np.array([1.0, 2.0]), curves[0].responses)
    with pytest.raises(ValueError, match="same velocities"):
        plotting.reflex_velocity_panel([curves[0], other])
    with pytest.raises(ValueError, match="labels"):
        plotting.reflex_velocity_panel(curves, labels=["only one"])
    with pytest.raises(ValueError, match="results"):
        plotting.reflex_velocity_panel(curves, results=results[:1])
    with pytest.raises(ValueError, match="Axes"):
        plotting.reflex_velocity_panel(curves, results=results,
                                       axes=plt.subplots(1, 2)[1])


def test_reflex_panel_with_zero_spike_runs(silent_stretch):
    curve, runs = silent_stretch
    axes = plotting.reflex_velocity_panel([curve], results=[runs])
    assert label_count(axes[0].figure) == 1
    np.testing.assert_array_equal(line(axes[-1], "reflex_curve_0").get_ydata(),
                                  curve.peak_muscle_torque_Nm)


# ------------------------------------------------------------------ clonus
def test_clonus_panel_returns_given_axes_and_shows_frequency(clonus_run):
    summary = analysis.clonus(clonus_run)
    assert summary.present  # the stroke-like test does beat
    fig, given = plt.subplots(3, 1, sharex=True)
    axes = plotting.clonus_panel(clonus_run, axes=given)
    assert all(a is b for a, b in zip(axes, given)) and axes.shape == (3,)
    assert label_count(fig) == 1
    box = next(t for t in axes[0].texts if t.get_gid() == "clonus_summary")
    freq = f"{summary.frequency_hz:.1f} Hz"
    assert freq in box.get_text()
    assert ("sustained" if summary.sustained else "decaying") in box.get_text()
    assert freq in axes[0].get_title(loc="left")
    np.testing.assert_array_equal(line(axes[0], "joint_angle").get_ydata(),
                                  clonus_run.joint_angle_deg)
    np.testing.assert_array_equal(line(axes[1], "emg_raw").get_ydata(), clonus_run.emg_mV)
    spikes = line(axes[2], "spikes")
    np.testing.assert_array_equal(spikes.get_xdata(), clonus_run.spike_times_s)


def test_clonus_panel_uses_given_summary(clonus_run):
    fake = analysis.ClonusSummary(True, 6.25, 3.0, 2.0, 0.3, False)
    axes = plotting.clonus_panel(clonus_run, summary=fake)
    box = next(t for t in axes[0].texts if t.get_gid() == "clonus_summary")
    assert "6.2 Hz" in box.get_text() and "decaying" in box.get_text()


def test_clonus_panel_with_zero_spikes(silent_free_limb):
    axes = plotting.clonus_panel(silent_free_limb)
    assert label_count(axes[0].figure) == 1
    box = next(t for t in axes[0].texts if t.get_gid() == "clonus_summary")
    assert "no clonus" in box.get_text()
    assert line(axes[2], "spikes").get_xdata().size == 0


def test_clonus_panel_too_short_run_says_not_measured():
    r = neurosim.simulate(HEALTHY, Protocol(FreeLimb()), 1.0, seed=0)
    axes = plotting.clonus_panel(r)
    box = next(t for t in axes[0].texts if t.get_gid() == "clonus_summary")
    assert "not measured" in box.get_text()


# ------------------------------------------------------------------ conduction
def test_conduction_panel_returns_given_axes_and_plots_report(conduction_runs):
    reports = [experiments.conduction_report(r) for r in conduction_runs]
    fig, grid = plt.subplots(2, 2)
    axes = plotting.conduction_panel(conduction_runs, axes=grid, labels=["healthy", "diabetic"])
    assert axes.shape == (4,)
    assert all(a is b for a, b in zip(axes, grid.flat))
    assert label_count(fig) == 1
    for i, (r, rep) in enumerate(zip(conduction_runs, reports)):
        intensities = [e.intensity_mA for e in rep.h_curve]
        m = line(axes[3], f"m_curve_{i}")
        h = line(axes[3], f"h_curve_{i}")
        np.testing.assert_array_equal(m.get_xdata(), intensities)
        np.testing.assert_array_equal(h.get_xdata(), intensities)
        np.testing.assert_array_equal(m.get_ydata(), [e.m_amplitude_mV for e in rep.h_curve])
        np.testing.assert_array_equal(h.get_ydata(), [e.h_amplitude_mV for e in rep.h_curve])
        # M-wave traces: the EMG from the shock to 25 ms after it
        for ax, resp, site in ((axes[0], rep.distal, "distal"),
                               (axes[1], rep.proximal, "proximal")):
            trace = line(ax, f"m_{site}_{i}")
            rel_ms = (r.time_s - resp.stimulus_time_s) * 1000.0
            sel = (rel_ms >= 0) & (rel_ms <= 25.0)
            np.testing.assert_allclose(trace.get_xdata(), rel_ms[sel])
            np.testing.assert_array_equal(trace.get_ydata(), r.emg_mV[sel])
            assert line(ax, f"m_{site}_latency_{i}").get_xdata()[0] == resp.m_latency_ms
        # H-reflex trace: the distal shock with the largest H, 0-60 ms
        best = max(rep.h_curve, key=lambda e: e.h_amplitude_mV)
        trace = line(axes[2], f"h_trace_{i}")
        rel_ms = (r.time_s - best.stimulus_time_s) * 1000.0
        np.testing.assert_array_equal(trace.get_ydata(),
                                      r.emg_mV[(rel_ms >= 0) & (rel_ms <= 60.0)])
        assert best.intensity_mA < rep.distal.intensity_mA  # submaximal
    legend = " ".join(t.get_text() for t in axes[2].get_legend().get_texts())
    for i, (label, rep) in enumerate(zip(["healthy", "diabetic"], reports)):
        assert f"{label}: " in legend
        cv = next(t for t in axes[1].texts if t.get_gid() == f"cv_{i}")
        assert cv.get_text() == f"CV {rep.conduction_velocity_m_s:.1f} m/s"
        assert cv.get_color() == line(axes[1], f"m_proximal_{i}").get_color()
    # same colour for a run in every panel
    colours = {line(ax, gid).get_color() for ax, gid in
               ((axes[0], "m_distal_1"), (axes[1], "m_proximal_1"), (axes[2], "h_trace_1"),
                (axes[3], "m_curve_1"), (axes[3], "h_curve_1"))}
    assert len(colours) == 1


def test_conduction_panel_single_run_default_figure(conduction_runs):
    axes = plotting.conduction_panel(conduction_runs[0])
    fig = axes[0].figure
    assert label_count(fig) == 1
    assert all(a.figure is fig for a in axes)
    assert line(axes[3], "m_curve_0").get_label().startswith("nerve_conduction_study")
    assert "m/s" in fig.get_suptitle()


def test_conduction_panel_needs_both_sites(reflex):
    with pytest.raises(ValueError, match="proximal"):
        plotting.conduction_panel(reflex[1][0][0])
    with pytest.raises(ValueError, match="labels"):
        plotting.conduction_panel([reflex[1][0][0]], labels=["a", "b"])


def test_new_figures_save_with_label(tmp_path, clonus_run):
    axes = plotting.clonus_panel(clonus_run)
    path = plotting.save_figure(axes[0].figure, tmp_path / "clonus.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert label_count(axes[0].figure) == 1


# ------------------------------------------------------------------ tour
def test_tour_prints_conduction_table_and_clinical_summaries(capsys, tmp_path, monkeypatch):
    from neurosim import clinic_map
    from neurosim.cli import main
    monkeypatch.setattr(clinic_map, "default_rows", lambda: clinic_map.QUICK_ROWS[:2])
    monkeypatch.setattr("neurosim.cli.tour.user_cache_dir", lambda: tmp_path / "cache")
    assert main(["tour", "--out-dir", str(tmp_path), "--seed", "0"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(i for i, l in enumerate(lines) if l.startswith("Nerve conduction study  "))
    assert lines[header].split()[-3:] == ["healthy", "diabetic", "unit"]
    measures = [l.split("  ")[0].strip() for l in lines[header + 2:header + 10]]
    report = experiments.conduction_report(scenarios.get("nerve_conduction_study").run(seed=0))
    assert measures == [m for m, _, _ in report.rows()]
    cv_row = next(l for l in lines if l.startswith("motor conduction velocity"))
    assert cv_row.split()[3] == f"{report.conduction_velocity_m_s:.1f}"
    clonus = analysis.clonus(scenarios.get("stroke_like").run(seed=0))
    clonus_row = next(l for l in lines if l.startswith("clonus frequency"))
    assert clonus_row.split()[-2:] == [f"{clonus.frequency_hz:.1f}", "Hz"]
    reflex_rows = [l for l in lines if l.startswith("reflex torque at ")]
    assert [r.split()[3] for r in reflex_rows] == ["10", "40", "100"]
    for name in ("reflex_velocity_healthy_vs_spastic.png", "clonus_stroke_like.png",
                 "nerve_conduction_healthy_vs_diabetic.png", "junction_ache_100_10_5.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
