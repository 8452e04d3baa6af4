"""Tests of neurosim.plotting.junction_panel (AChE inhibition at the neuromuscular junction).

The panel draws into the Axes it is given and returns them, labels the figure once,
and plots exactly the numbers the results and analysis.endplate_response hold.
Runs use a 30-unit pool to stay fast.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from neurosim import analysis, experiments, plotting, simulate  # noqa: E402
from neurosim.parameters import Parameters  # noqa: E402
from plot_helpers import label_count  # noqa: E402

SMALL = {"pool.n_units": 30}
RECORDED = [0, 15, 29]
ACTIVITIES = (1.0, 0.3, 0.05)
SHOCK_S = 0.1  # train_protocol's default start


def _params(**changes):
    return Parameters().with_changes(**SMALL, **changes)


def _runs(params, seed=0):
    single = simulate(params, experiments.train_protocol(1.0, 1), 0.25, seed=seed,
                      record_units=RECORDED)
    train = simulate(params, experiments.train_protocol(30.0, 30), 1.2, seed=seed)
    return single, train


@pytest.fixture(scope="module")
def cases():
    """(single-shock runs, train runs) at 100, 30 and 5 % AChE activity."""
    pairs = [_runs(_params(**{"junction.ache_activity": a})) for a in ACTIVITIES]
    return [s for s, _ in pairs], [t for _, t in pairs]


@pytest.fixture(scope="module")
def no_receptors():
    """A junction without ACh receptors: no EPP, no fibre AP."""
    return _runs(_params(**{"junction.receptor_density": 0.0}))


def _grid(n):
    fig = plt.figure(figsize=(4.0 * n, 7.0), layout="constrained")
    gs = fig.add_gridspec(2, n)
    return fig, [*(fig.add_subplot(gs[0, k]) for k in range(n)), fig.add_subplot(gs[1, :])]


def _by_gid(ax, gid):
    found = [a for a in (*ax.get_lines(), *ax.texts) if a.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} artists"
    return found[0]


def test_returns_the_axes_it_was_given_and_labels_once(cases):
    singles, trains = cases
    fig, given = _grid(3)
    out = plotting.junction_panel(singles, trains, axes=given)
    assert out.shape == (4,)
    assert all(a is b for a, b in zip(out, given))
    assert label_count(fig) == 1
    plotting.junction_panel(singles, trains, axes=given)  # drawing again adds no label
    assert label_count(fig) == 1


def test_new_figure_layout_titles_and_label(cases):
    singles, trains = cases
    axes = plotting.junction_panel(singles, trains)
    fig = axes[0].figure
    assert label_count(fig) == 1
    assert [ax.get_title() for ax in axes[:3]] == ["AChE 100 %", "AChE 30 %", "AChE 5 %"]
    assert all(ax.get_xlim() == (0.0, 60.0) for ax in axes[:3])
    # one EPP scale for the row
    assert len({ax.get_ylim() for ax in axes[:3]}) == 1
    twins = [a for a in fig.axes if a.get_gid() == "cleft_ach_axes"]
    assert len(twins) == 3


def test_epp_line_is_the_recorded_trace_in_the_window(cases):
    singles, trains = cases
    axes = plotting.junction_panel(singles, trains, unit=15)
    col = RECORDED.index(15)
    for k, r in enumerate(singles):
        line = _by_gid(axes[k], f"epp_{k}")
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        rel_ms = (r.trace_time_s - SHOCK_S) * 1000.0
        sel = (rel_ms >= 0.0) & (rel_ms <= 60.0)
        np.testing.assert_allclose(x, rel_ms[sel])
        np.testing.assert_array_equal(y, r.endplate_mV[sel, col])
        assert x[0] == pytest.approx(0.0, abs=0.2) and x[-1] == pytest.approx(60.0, abs=0.2)
        threshold = _by_gid(axes[k], f"fibre_threshold_{k}")
        assert set(threshold.get_ydata()) == {r.parameters.junction.fibre_threshold_mV}
        assert threshold.get_linestyle() == "--"
        ach = next(ln for a in axes[k].figure.axes for ln in a.get_lines()
                   if ln.get_gid() == f"cleft_ach_{k}")
        np.testing.assert_array_equal(ach.get_ydata(), r.cleft_ach[sel, col])


def test_fibre_ap_markers_are_the_units_aps(cases):
    singles, trains = cases
    axes = plotting.junction_panel(singles, trains)
    counts = []
    for k, r in enumerate(singles):
        marks = np.asarray(_by_gid(axes[k], f"fibre_aps_{k}").get_xdata())
        aps = r.activation_times_s[r.activation_units == RECORDED[0]]
        rel = (aps - SHOCK_S) * 1000.0
        np.testing.assert_allclose(marks, rel[(rel >= 0) & (rel <= 60.0)])
        counts.append(marks.size)
    # the teaching message: one AP in health, repetitive firing with little AChE
    assert counts[0] == 1 and counts[2] > 1


def test_annotation_holds_the_endplate_response(cases):
    singles, trains = cases
    axes = plotting.junction_panel(singles, trains)
    for k, r in enumerate(singles):
        resp = analysis.endplate_response(r, impulse_time_s=SHOCK_S, unit=RECORDED[0])
        text = _by_gid(axes[k], f"epp_summary_{k}").get_text()
        assert f"safety factor {resp.safety_factor:.1f}" in text
        assert f"EPP {resp.epp_amplitude_mV:.0f} mV" in text
        assert f"{resp.fibre_aps} fibre AP" in text


def test_force_lines_are_the_train_force(cases):
    singles, trains = cases
    axes = plotting.junction_panel(singles, trains, labels=["a", "b", "c"])
    f_ax = axes[-1]
    for k, r in enumerate(trains):
        line = _by_gid(f_ax, f"force_{k}")
        np.testing.assert_array_equal(line.get_xdata(), r.time_s)
        np.testing.assert_array_equal(line.get_ydata(), r.force_percent)
        assert line.get_label().startswith("abc"[k] + ":")
    shocks = _by_gid(f_ax, "shock_times")
    expected = [t for t, _, _ in trains[0].protocol.stimuli()]
    np.testing.assert_allclose(shocks.get_xdata(), expected)
    assert len(expected) == 30


def test_case_without_fibre_aps(cases, no_receptors):
    singles, trains = cases
    single, train = no_receptors
    resp = analysis.endplate_response(single, impulse_time_s=SHOCK_S)
    assert resp.fibre_aps == 0
    axes = plotting.junction_panel([singles[0], single], [trains[0], train])
    assert axes.shape == (3,)
    assert np.asarray(_by_gid(axes[1], "fibre_aps_1").get_xdata()).size == 0
    text = _by_gid(axes[1], "epp_summary_1").get_text()
    assert f"safety factor {resp.safety_factor:.1f}" in text and "0 fibre APs" in text
    np.testing.assert_array_equal(_by_gid(axes[-1], "force_1").get_ydata(),
                                  train.force_percent)
    assert label_count(axes[0].figure) == 1
    axes[0].figure.canvas.draw()  # lays out without errors


def test_bad_inputs_raise(cases):
    singles, trains = cases
    with pytest.raises(ValueError, match="one train run per single-shock run"):
        plotting.junction_panel(singles, trains[:2])
    with pytest.raises(ValueError, match="labels needs 3"):
        plotting.junction_panel(singles, trains, labels=["x"])
    with pytest.raises(ValueError, match="not recorded"):
        plotting.junction_panel(singles, trains, unit=7)
    with pytest.raises(ValueError, match="needs 4 Axes"):
        plotting.junction_panel(singles, trains, axes=_grid(2)[1])
