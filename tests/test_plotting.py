import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import neurosim  # noqa: E402
from neurosim import TEACHING_LABEL, plotting, scenarios  # noqa: E402
from neurosim.parameters import Parameters  # noqa: E402
from plot_helpers import label_count, line  # noqa: E402

SMALL = Parameters().with_changes(**{"pool.n_units": 20})


@pytest.fixture(scope="module")
def small():
    """20 units, healthy volley, 2 s: a handful of spikes."""
    r = neurosim.simulate(SMALL, scenarios.get("healthy").protocol, 2.0, seed=0, label="healthy")
    assert r.spike_times_s.size > 0
    return r


@pytest.fixture(scope="module")
def small_sci():
    sci = scenarios.get("spinal_cord_injury")
    params = sci.parameters.with_changes(**{"pool.n_units": 20})
    return sci.run(seed=0, duration_s=3.0, parameters=params)


@pytest.fixture(scope="module")
def silent():
    r = neurosim.simulate(duration_s=0.5, seed=1)
    assert r.spike_times_s.size == 0
    return r


# ---------------------------------------------------------------- label, palette
def test_palette_is_okabe_ito_hex():
    assert plotting.PALETTE["orange"] == "#E69F00"
    assert plotting.PALETTE["blue"] == "#0072B2"
    assert all(mcolors.is_color_like(c) for c in plotting.PALETTE.values())
    assert len(set(plotting.PALETTE.values())) == len(plotting.PALETTE)


def test_teaching_label_added_once_bottom_right():
    fig = plt.figure()
    t1 = plotting.add_teaching_label(fig)
    t2 = plotting.add_teaching_label(fig)
    assert t1 is t2
    assert label_count(fig) == 1
    assert t1.get_text() == TEACHING_LABEL
    x, y = t1.get_position()
    assert x > 0.9 and y < 0.05
    assert t1.get_ha() == "right"


def test_teaching_label_recognises_existing_text():
    fig = plt.figure()
    fig.text(0.5, 0.5, TEACHING_LABEL)
    plotting.add_teaching_label(fig)
    assert label_count(fig) == 1


def test_teaching_label_inside_figure_after_save(tmp_path):
    fig, ax = plt.subplots(figsize=(4, 2), layout="constrained")
    ax.set_xlabel("time (s)")
    text = plotting.add_teaching_label(fig)
    plotting.save_figure(fig, tmp_path / "x.png")
    bbox = text.get_window_extent()
    fig_bbox = fig.bbox
    assert bbox.x0 >= fig_bbox.x0 and bbox.x1 <= fig_bbox.x1 + 1
    assert bbox.y0 >= fig_bbox.y0 - 1
    # the reserved strip keeps the x-axis label above the teaching label
    assert ax.xaxis.label.get_window_extent().y0 >= bbox.y1 - 1


@pytest.mark.parametrize("builder", ["overview", "comparison"])
def test_figures_carry_label_exactly_once(builder, small, small_sci):
    axes = (plotting.overview(small) if builder == "overview"
            else plotting.comparison(small, small_sci))
    fig = np.asarray(axes).flat[0].figure
    plotting.add_teaching_label(fig)
    plotting.add_teaching_label(fig)
    assert label_count(fig) == 1


@pytest.mark.parametrize("func", ["raster", "force", "emg", "pic_and_inhibition", "pic_balance",
                                  "membrane"])
def test_single_panels_return_given_axes_and_label_figure(func, small):
    fig, ax = plt.subplots()
    out = getattr(plotting, func)(small, ax=ax)
    assert out is ax
    assert len(fig.axes) == 1
    assert label_count(fig) == 1
    getattr(plotting, func)(small, ax=ax)  # touching the figure again adds no second label
    assert label_count(fig) == 1


@pytest.mark.parametrize("func", ["raster", "force", "emg", "pic_and_inhibition", "pic_balance",
                                  "membrane"])
def test_single_panels_create_figure_when_no_axes(func, small):
    n_before = len(plt.get_fignums())
    ax = getattr(plotting, func)(small)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert len(plt.get_fignums()) == n_before + 1
    assert label_count(ax.figure) == 1


# ---------------------------------------------------------------- raster
def test_raster_points_are_the_spikes(small):
    ax = plotting.raster(small)
    spikes = line(ax, "spikes")
    np.testing.assert_array_equal(spikes.get_xdata(), small.spike_times_s)
    np.testing.assert_array_equal(spikes.get_ydata(), small.spike_units)
    assert len(spikes.get_xdata()) == small.spike_times_s.size
    assert ax.get_ylim() == (-0.5, small.n_units - 0.5)  # unit 0 at the bottom
    assert ax.get_xlabel() == "time (s)"
    assert ax.get_ylabel() == "motor unit (small → large)"


def test_raster_subsamples_evenly(small_sci):
    ax = plotting.raster(small_sci, max_units=5)
    y = np.asarray(line(ax, "spikes").get_ydata())
    shown = np.unique(y)
    assert set(shown) <= {0, 5, 10, 14, 19}  # evenly spaced, smallest and largest kept
    expected = np.isin(small_sci.spike_units, [0, 5, 10, 14, 19]).sum()
    assert y.size == expected
    with pytest.raises(ValueError):
        plotting.raster(small_sci, max_units=0)


def test_raster_keeps_all_units_below_limit(small_sci):
    ax = plotting.raster(small_sci)
    assert len(line(ax, "spikes").get_xdata()) == small_sci.spike_times_s.size


def test_raster_uses_given_colour(small):
    ax = plotting.raster(small, color=plotting.PALETTE["vermillion"])
    assert mcolors.same_color(line(ax, "spikes").get_color(), plotting.PALETTE["vermillion"])


# ---------------------------------------------------------------- force, emg, pic
def test_force_line_is_force_percent_with_command_and_afferent_band(small):
    ax = plotting.force(small)
    f = line(ax, "force")
    np.testing.assert_allclose(f.get_ydata(), small.force_percent)
    np.testing.assert_allclose(f.get_xdata(), small.time_s)
    np.testing.assert_allclose(line(ax, "command").get_ydata(), 100 * small.command)
    bands = [p for p in ax.patches if p.get_gid() == "afferent"]
    assert len(bands) == 1  # one 150 ms volley at 1 s
    x0 = bands[0].get_x()
    assert x0 == pytest.approx(1.0, abs=1e-3)
    assert x0 + bands[0].get_width() == pytest.approx(1.15, abs=2e-3)
    assert ax.get_ylim()[0] == 0.0
    assert ax.get_ylim()[1] >= small.force_percent.max()


def test_force_in_newtons_has_no_command(small):
    ax = plotting.force(small, percent=False, label="my force")
    np.testing.assert_allclose(line(ax, "force").get_ydata(), small.force_N)
    assert not [ln for ln in ax.get_lines() if ln.get_gid() == "command"]
    assert "my force" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_ylabel() == "force (N)"


def test_emg_raw_and_envelope(small):
    ax = plotting.emg(small, envelope_ms=50.0)
    np.testing.assert_allclose(line(ax, "emg_raw").get_ydata(), small.emg_mV)
    expected = neurosim.emg.rms_envelope(small.emg_mV, small.output_rate_hz, 50.0)
    env = line(ax, "emg_envelope")
    np.testing.assert_allclose(env.get_ydata(), expected)
    assert line(ax, "emg_raw").get_linewidth() < env.get_linewidth()
    assert "mV" in ax.get_ylabel()


def test_pic_and_inhibition_lines_and_legend(small):
    ax = plotting.pic_and_inhibition(small)
    np.testing.assert_allclose(line(ax, "pic").get_ydata(), small.pic_activation)
    np.testing.assert_allclose(line(ax, "inhibition").get_ydata(), small.inhibition)
    assert len(ax.get_legend().get_texts()) == 2


def test_membrane_traces_per_recorded_unit(small):
    ax = plotting.membrane(small)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        f"unit {u}" for u in small.recorded_units]
    u = int(small.recorded_units[-1])
    ln = line(ax, f"membrane_{u}")
    t, v = plotting.display_trace(small.trace_time_s, small.membrane_mV[:, -1])
    np.testing.assert_allclose(ln.get_ydata(), v)
    np.testing.assert_allclose(ln.get_xdata(), t)
    assert ln.get_ydata().max() == small.membrane_mV[:, -1].max()  # peaks survive


def test_display_trace_keeps_peaks_and_order():
    rng = np.random.default_rng(3)
    t = np.arange(100_003) * 1e-4
    v = rng.normal(size=t.size)
    v[77_777] = 50.0  # one spike between samples of any naive subsampling
    v[12_345] = -40.0
    td, vd = plotting.display_trace(t, v, max_points=1000)
    assert td.size <= 1000 + 3  # the remainder after the last whole bin is kept
    assert vd.max() == 50.0 and vd.min() == -40.0
    assert np.all(np.diff(td) > 0)
    assert set(vd) <= set(v)
    short_t, short_v = plotting.display_trace(t[:500], v[:500], max_points=1000)
    assert np.array_equal(short_t, t[:500]) and np.array_equal(short_v, v[:500])


def test_membrane_selected_units_and_unrecorded_unit(small):
    u = int(small.recorded_units[0])
    ax = plotting.membrane(small, units=[u])
    assert len(ax.get_lines()) == 1
    with pytest.raises(ValueError, match="not recorded"):
        plotting.membrane(small, units=[7])



# ---------------------------------------------------------------- pic_balance
@pytest.fixture(scope="module")
def balance_runs():
    """Healthy and spinal-cord-injury scenarios (seed 0) with units 0 and 60 recorded."""
    return {name: scenarios.get(name).run(seed=0, record_units=[0, 60])
            for name in ("healthy", "spinal_cord_injury")}


def _pic_amplitude(result):
    from neurosim.motor_pool import pool_arrays
    return pool_arrays(result.parameters.pool, result.parameters.pic,
                       result.dt_ms)["pic_amplitude"]


def _collection(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1, f"expected one collection with gid {gid!r}, found {len(found)}"
    return found[0]


def _spans(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def test_pic_balance_draws_both_sides_of_the_inequality_in_rheobase_units(balance_runs):
    result = balance_runs["spinal_cord_injury"]
    ax = plotting.pic_balance(result)
    # the threshold is rheobase (1) plus the pool's inhibition, at the output samples
    threshold = line(ax, "threshold")
    np.testing.assert_allclose(threshold.get_xdata(), result.time_s)
    np.testing.assert_allclose(threshold.get_ydata(), 1.0 + result.inhibition)
    # the PIC is P_i · (m·h)_i, not the bare 0–1 activation: recomputed here from the
    # parameters and the recorded per-step trace, taken at the output sample times
    amplitude = _pic_amplitude(result)
    rows = np.round(result.time_s * 1000.0 / result.dt_ms).astype(int)
    for col, u in enumerate(result.recorded_units):
        pic = line(ax, f"pic_{u}")
        np.testing.assert_allclose(pic.get_xdata(), result.time_s)
        np.testing.assert_allclose(pic.get_ydata(),
                                   amplitude[u] * result.unit_pic_activation[rows, col])
        assert max(pic.get_ydata()) > 1.2  # chronic-injury PICs exceed rheobase
        # spikes are thin ticks, one per spike, at the unit's spike times
        ticks = _collection(ax, f"spikes_{u}")
        x = sorted(seg[0, 0] for seg in ticks.get_segments())
        np.testing.assert_allclose(x, result.unit_spike_times(int(u)))
        assert max(ticks.get_linewidths()) <= 1.0
    assert ax.get_ylabel() == "current (× rheobase)" and ax.get_xlabel() == "time (s)"
    assert ax.get_ylim()[0] == 0.0
    assert ax.get_ylim()[1] > max(max(line(ax, g).get_ydata())
                                  for g in ("threshold", "pic_0", "pic_60"))
    with pytest.raises(ValueError, match="not recorded"):
        plotting.pic_balance(result, units=[7])


def test_pic_balance_self_sustained_firing_is_where_the_pic_beats_the_threshold(balance_runs):
    """Spinal cord injury (seed 0): after the volley the units fire on their own, and they
    do so where the plotted PIC lies above the plotted 1 + inhibition; healthy: never."""
    sci = balance_runs["spinal_cord_injury"]
    end = sci.protocol.input_end_s()
    for u in (0, 60):
        ax = plotting.pic_balance(sci, units=[u])
        t = line(ax, f"pic_{u}").get_xdata()
        margin = line(ax, f"pic_{u}").get_ydata() - line(ax, "threshold").get_ydata()
        late = sci.unit_spike_times(u)
        late = late[late > end]
        assert late.size >= 20 and late.max() - end > 2.0  # seconds of self-sustained firing
        (span,) = _spans(ax, f"self_sustained_{u}")
        x0, x1 = span.get_x(), span.get_x() + span.get_width()
        assert x0 == pytest.approx(end) and x1 == pytest.approx(late.max())
        at_spikes = np.interp(late, t, margin)
        assert np.mean(at_spikes > 0) >= 0.75, (u, np.mean(at_spikes > 0))
        # the PIC only beat the threshold once the volley had switched it on
        assert np.all(margin[t < 0.9] < 0)
    # the smallest unit: every one of its self-sustained spikes is above the threshold
    ax = plotting.pic_balance(sci, units=[0])
    margin0 = line(ax, "pic_0").get_ydata() - line(ax, "threshold").get_ydata()
    late0 = sci.unit_spike_times(0)[sci.unit_spike_times(0) > end]
    assert np.all(np.interp(late0, line(ax, "pic_0").get_xdata(), margin0) > 0)

    healthy = balance_runs["healthy"]
    ax = plotting.pic_balance(healthy)
    for u in (0, 60):
        assert np.all(line(ax, f"pic_{u}").get_ydata() < line(ax, "threshold").get_ydata())
        assert not _spans(ax, f"self_sustained_{u}")
        assert healthy.unit_spike_times(u).max() <= healthy.protocol.input_end_s() + 0.1


def test_pic_balance_shared_y_axes_fit_every_panel(balance_runs):
    fig, axes = plt.subplots(1, 2, sharey=True)
    plotting.pic_balance(balance_runs["spinal_cord_injury"], ax=axes[0], units=[0])
    plotting.pic_balance(balance_runs["spinal_cord_injury"], ax=axes[1], units=[60],
                         legend=False)  # the smaller PIC, drawn last, must not shrink it
    assert axes[0].get_ylim()[1] > max(line(axes[0], "pic_0").get_ydata())
    assert axes[1].get_legend() is None and axes[0].get_legend() is not None
    assert label_count(fig) == 1


def test_pic_balance_needs_recorded_units():
    bare = neurosim.simulate(duration_s=0.2, seed=0, record_units=[])
    with pytest.raises(ValueError, match="record_units"):
        plotting.pic_balance(bare)


# ---------------------------------------------------------------- composites
def test_overview_layout_and_title(small):
    axes = plotting.overview(small)
    assert isinstance(axes, np.ndarray) and axes.shape == (4,)
    fig = axes[0].figure
    assert tuple(fig.get_size_inches()) == pytest.approx((10, 9))
    assert all(ax.figure is fig for ax in axes)
    assert len({ax.get_xlim() for ax in axes}) == 1
    assert axes[0].get_shared_x_axes().joined(axes[0], axes[3])
    assert line(axes[0], "spikes")
    np.testing.assert_allclose(line(axes[1], "force").get_ydata(), small.force_percent)
    assert line(axes[2], "emg_envelope")
    assert line(axes[3], "pic")
    title = axes[0].get_title(loc="left")
    assert "healthy" in title and scenarios.get("healthy").title in title
    assert axes[-1].get_xlabel() == "time (s)"


def test_overview_title_without_scenario(small):
    unknown = small.replace(label="my own run")
    assert plotting.overview(unknown)[0].get_title(loc="left") == "my own run"
    assert plotting.overview(small, title="X")[0].get_title(loc="left") == "X"


def test_overview_into_given_axes(small):
    fig, axes = plt.subplots(4, 1)
    out = plotting.overview(small, axes=axes)
    assert all(a is b for a, b in zip(out, axes))
    assert label_count(fig) == 1
    with pytest.raises(ValueError):
        plotting.overview(small, axes=axes[:3])


def test_comparison_grid_shares_row_limits(small, small_sci):
    axes = plotting.comparison(small, small_sci)
    assert axes.shape == (3, 2)
    # runs differ a lot in force and EMG, so shared limits are a real test
    assert small_sci.force_percent.max() > 2 * small.force_percent.max()
    for row in axes:
        assert row[0].get_ylim() == row[1].get_ylim()
    assert axes[1, 0].get_ylim()[1] >= small_sci.force_percent.max()
    assert [axes[0, c].get_title() for c in range(2)] == ["healthy", "spinal_cord_injury"]
    np.testing.assert_allclose(line(axes[1, 1], "force").get_ydata(), small_sci.force_percent)


def test_comparison_unshared_axes_get_common_limits(small, small_sci):
    fig, axes = plt.subplots(3, 2)  # not shared: plotting must unify the limits itself
    out = plotting.comparison(small_sci, small, axes=axes, labels=("injured", "healthy"))
    assert out[0, 0] is axes[0, 0]
    for row in out:
        assert row[0].get_ylim() == pytest.approx(row[1].get_ylim())
    # force row tall enough for the larger (injured) run, shown in column 0 here
    assert out[1, 1].get_ylim()[1] >= small_sci.force_percent.max()
    lo, hi = out[2, 1].get_ylim()
    assert lo <= small_sci.emg_mV.min() and hi >= small_sci.emg_mV.max()
    assert [out[0, c].get_title() for c in range(2)] == ["injured", "healthy"]
    assert label_count(fig) == 1


def test_comparison_different_pool_sizes(small):
    big = neurosim.simulate(Parameters().with_changes(**{"pool.n_units": 40}),
                            scenarios.get("healthy").protocol, 2.0, seed=0)
    axes = plotting.comparison(big, small)  # the smaller pool drawn last must not win
    assert axes[0, 0].get_ylim() == axes[0, 1].get_ylim() == (-0.5, 39.5)
    assert axes[0, 0].get_title() == "run A"


# ---------------------------------------------------------------- empty result, saving
def test_silent_run_plots(silent, tmp_path):
    ax = plotting.raster(silent)
    assert len(line(ax, "spikes").get_xdata()) == 0
    axes = plotting.overview(silent)
    assert len(line(axes[0], "spikes").get_xdata()) == 0
    assert not [p for p in axes[1].patches if p.get_gid() == "afferent"]
    plotting.membrane(silent)
    plotting.comparison(silent, silent)
    assert plotting.save_figure(axes[0].figure, tmp_path / "silent.png").stat().st_size > 0


def test_save_figure_writes_png(small, tmp_path):
    axes = plotting.overview(small)
    fig = axes[0].figure
    path = plotting.save_figure(fig, tmp_path / "a" / "b" / "overview.png", dpi=50)
    assert path == tmp_path / "a" / "b" / "overview.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    assert label_count(fig) == 1


def test_save_figure_adds_label_to_bare_figure(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], color=plotting.PALETTE["blue"])
    path = plotting.save_figure(fig, str(tmp_path / "bare.svg"))
    assert label_count(fig) == 1
    assert TEACHING_LABEL in path.read_text()


def test_no_show_or_print(monkeypatch, capsys, small):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plt.show() called"))
    plotting.overview(small)
    plotting.comparison(small, small)
    assert capsys.readouterr().out == ""


def test_the_teaching_toy_footer_is_legible_on_a_projector_and_in_print():
    """At least 9 pt, and a text contrast of at least 4.5:1 on white (WCAG AA)."""
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt

    from neurosim.plotting import add_teaching_label

    fig = plt.figure(figsize=(6, 4), layout="constrained")
    fig.add_subplot().plot([0, 1], [0, 1])
    label = add_teaching_label(fig)
    assert label.get_fontsize() >= 9.0

    def luminance(colour):
        channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                    for c in mcolors.to_rgb(colour)]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    assert (1.0 + 0.05) / (luminance(label.get_color()) + 0.05) >= 4.5
