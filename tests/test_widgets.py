"""The dashboard's callback path, without a browser.

Every test drives the app as a user would (sliders, pickers, buttons) and checks
the model parameters, the figure data and the metrics.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from PIL import Image  # noqa: E402

from neurosim import TEACHING_LABEL, cli, measurements, scenarios, widgets  # noqa: E402
from neurosim.livefigure import LiveFigure, nice_ceiling  # noqa: E402
from neurosim.parameters import field_specs, slider_groups  # noqa: E402


def _force_line(app, reference=False):
    ax = app.live_figure.axes("force", reference=reference)
    lines = [ln for ln in ax.get_lines() if ln.get_gid() == "force"]
    return lines[-1].get_ydata().copy()


@pytest.fixture(scope="module")
def sci():
    return widgets.dashboard("spinal_cord_injury", compare="off")


def test_sliders_come_from_the_metadata():
    app = widgets.explorer("healthy", ["pic.strength", "junction.ache_activity"])
    assert list(app.sliders) == ["pic.strength", "junction.ache_activity"]
    specs = widgets.Dashboard._chosen_specs(None)
    grouped = [s.name for group in slider_groups().values() for s in group]
    assert [s.name for s in specs] == grouped
    assert {s.group for s in specs} >= {"Inhibition", "Motor neurons", "Neuromuscular junction"}
    spec = field_specs()["junction.ache_activity"]
    slider = app.sliders["junction.ache_activity"]
    assert (slider.min, slider.max, slider.value) == (spec.min, spec.max, spec.default)
    assert spec.source in slider.tooltip and spec.help in slider.tooltip
    assert spec.label in slider.description
    assert not slider.continuous_update  # no update storm while dragging
    with pytest.raises(ValueError, match="no slider for 'pic.amplitude_smallest'"):
        app.set_value("pic.amplitude_smallest", 1.0)
    with pytest.raises(ValueError, match="pic.strenght"):
        widgets.explorer("healthy", ["pic.strenght"])


def test_inhibition_and_pic_groups_change_spasms(sci):
    assert sci.view == "test:spasm"  # the scenario's first declared test
    before_force = _force_line(sci)
    before = dict(sci.metrics)
    assert before["longest spasm"] > 0.5
    sci.set_value("inhibition.presynaptic", 1.6)
    assert sci.parameters.inhibition.presynaptic == 1.6
    assert sci.metrics["longest spasm"] < before["longest spasm"]
    assert not np.array_equal(_force_line(sci), before_force)
    assert "ns-changed" in sci.sliders["inhibition.presynaptic"]._dom_classes
    sci.reset()
    assert sci.parameters == scenarios.get("spinal_cord_injury").parameters
    assert sci.metrics == before  # same seed: the same run again
    assert "ns-changed" not in sci.sliders["inhibition.presynaptic"]._dom_classes
    sci.set_value("pic.strength", 0.25)
    assert sci.parameters.pic.strength == 0.25
    assert sci.metrics["longest spasm"] < before["longest spasm"]
    sci.reset()


def test_spindle_group_changes_the_stretch_reflex():
    app = widgets.explorer("healthy", ["spindle.gain"], protocol="stretch")
    assert "joint" in [k for k in app.live_figure._axes]
    low = app.metrics["reflex_torque_Nm"]
    app.set_value("spindle.gain", 3.0)
    assert app.parameters.spindle.gain == 3.0
    assert app.metrics["reflex_torque_Nm"] > low + 0.5


def test_velocity_slider_only_for_the_stretch_and_it_matters():
    app = widgets.explorer("stroke_like", ["spindle.gain"], protocol="spasm_test")
    assert app.velocity.layout.display == "none"
    app.select_view("run:stretch")
    assert app.velocity.layout.display is None
    fast = app.metrics["reflex_torque_Nm"]
    app.velocity.value = 10.0
    assert app.metrics["reflex_torque_Nm"] < fast  # velocity-dependent resistance


def test_nerve_and_junction_groups():
    app = widgets.explorer("healthy", ["nerve.motor_axon_survival", "junction.ache_activity"],
                           protocol="nerve_stimulation")
    base = dict(app.metrics)
    assert base["fibre_aps_per_impulse"] == pytest.approx(1.0)
    app.set_value("nerve.motor_axon_survival", 0.4)
    assert app.parameters.nerve.motor_axon_survival == 0.4
    assert app.metrics["peak_force_percent"] < 0.7 * base["peak_force_percent"]
    app.set_value("nerve.motor_axon_survival", 1.0)
    app.set_value("junction.ache_activity", 0.05)
    assert app.metrics["fibre_aps_per_impulse"] > 1.5
    # severe inhibition prolongs the EPP by tens of % up to a few-fold (Katz & Miledi 1973)
    assert app.metrics["epp_decay_ms"] > 1.5 * base["epp_decay_ms"]
    epp = app.live_figure.axes("endplate").get_lines()[0].get_ydata()
    assert epp.max() > 0


def test_scenario_picker_loads_parameters_text_and_updates_once():
    app = widgets.dashboard("healthy", compare="off")
    labels = [label for label, _ in app.scenario_picker.options]
    order = [label.split(" › ")[0] for label in labels]
    assert order == sorted(order, key=["Experiments", "Conditions", "Treatments"].index)
    n = app.updates
    app.select_scenario("baclofen_like")
    assert app.updates == n + 1
    target = scenarios.get("baclofen_like")
    assert app.parameters == target.parameters
    assert app.sliders["inhibition.presynaptic"].value == target.parameters.inhibition.presynaptic
    assert target.title in app.description.value
    assert app.changed() == {}


def test_comparison_overlay_and_side_by_side():
    app = widgets.explorer("spinal_cord_injury", ["pic.strength"], compare="overlay")
    ax = app.live_figure.axes("force")
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert "healthy" in labels
    healthy = scenarios.get("healthy").run(duration_s=app.result.duration_s)
    app.compare.value = "side by side"
    ref = _force_line(app, reference=True)
    np.testing.assert_allclose(ref, healthy.force_percent)
    a = app.live_figure.axes("force").get_ylim()
    b = app.live_figure.axes("force", reference=True).get_ylim()
    assert a == b  # same scale in both columns
    app.compare.value = "off"
    with pytest.raises(ValueError, match="no panel 'reference:force'"):
        app.live_figure.axes("force", reference=True)


def test_projector_mode_enlarges_text_and_lines():
    app = widgets.explorer("healthy", ["pic.strength"])
    normal = app.live_figure.axes("force")
    normal_label = normal.yaxis.label.get_fontsize()
    normal_width = [ln for ln in normal.get_lines() if ln.get_gid() == "force"][0].get_linewidth()
    app.projector.value = True
    assert "ns-projector" in app._dom_classes
    big = app.live_figure.axes("force")
    normal_ticks = 10.0  # font.size of the normal pictures (livefigure._NORMAL_RC)
    assert big.yaxis.get_ticklabels()[0].get_fontsize() >= 1.3 * normal_ticks
    # labels are larger too, but only as large as their panel is high: a longer label
    # would run into its neighbour's (low panels of a projector-sized picture)
    fig = app.live_figure.figure
    assert big.yaxis.label.get_fontsize() > normal_label
    from neurosim.livefigure import _SMALLEST_LABEL_PT
    for ax in fig.axes:
        label = ax.yaxis.label
        label_px = label.get_window_extent(fig.canvas.get_renderer()).height
        assert (label_px <= ax.get_window_extent().height + 1.0
                or label.get_fontsize() == _SMALLEST_LABEL_PT), ax.get_ylabel()
    width = [ln for ln in big.get_lines() if ln.get_gid() == "force"][0].get_linewidth()
    assert width >= 1.5 * normal_width
    assert TEACHING_LABEL in [t.get_text() for t in app.live_figure.figure.texts]


def test_save_figure_and_scenario_round_trip(tmp_path, capsys):
    app = widgets.dashboard("healthy", compare="off")
    app.set_value("pic.strength", 1.0)
    app.set_value("inhibition.descending", 0.3)
    app.select_view("run:stretch")
    app.velocity.value = 60.0
    png = app.save_figure(tmp_path / "fig.png")
    with Image.open(png) as im:
        assert im.size[0] > 500
    path = app.save_scenario(tmp_path / "lecture.json")
    data = json.loads(path.read_text())
    assert data["changes"]["pic.strength"] == 1.0 and data["name"] == "lecture"
    other = widgets.dashboard("stroke_like", compare="off")
    other.load_scenario(path)
    assert other.parameters == app.parameters
    assert other.view == "test:spasm"  # the tests the file declares (healthy's)
    other.select_view("run:scenario")
    assert other.protocol() == app.protocol()
    assert other.metrics == app.metrics
    assert cli.main(["run", str(path), "--duration", "0.5"]) == 0
    capsys.readouterr()


def _sent(app, monkeypatch) -> list:
    """Messages the app sends to the browser page (downloads, play)."""
    sent = []
    monkeypatch.setattr(app.bridge, "send", lambda content, buffers=None: sent.append(content))
    return sent


def _upload(app, name: str, data: bytes) -> None:
    """What the browser's file picker does."""
    import datetime
    app.upload.value = ({"name": name, "type": "application/json", "size": len(data),
                         "content": memoryview(data),
                         "last_modified": datetime.datetime.now(datetime.timezone.utc)},)


def test_downloads_go_to_the_browser_and_uploads_come_back(monkeypatch):
    import base64
    app = widgets.dashboard("healthy", compare="off")
    sent = _sent(app, monkeypatch)
    app.set_value("pic.strength", 1.0)
    app.save_scenario_button.click()
    settings = sent[-1]
    assert settings["type"] == "download" and settings["name"] == "healthy_settings.json"
    data = base64.b64decode(settings["b64"])
    assert json.loads(data)["changes"]["pic.strength"] == 1.0
    assert "Settings sent to your browser as healthy_settings.json" in app.files_message_text
    app.save_figure_button.click()
    figure = sent[-1]
    assert figure["mime"] == "image/png"
    assert base64.b64decode(figure["b64"])[:8] == b"\x89PNG\r\n\x1a\n"
    other = widgets.dashboard("stroke_like", compare="off")
    _upload(other, "healthy_settings.json", data)
    assert other.parameters == app.parameters
    assert "Loaded healthy_settings.json" in other.files_message_text
    assert other.message_text == ""  # the message sits next to the file controls


def test_a_bad_upload_is_explained_next_to_the_file_controls_and_changes_nothing():
    app = widgets.dashboard("healthy", compare="off")
    bad = scenarios.get("healthy").to_dict()
    bad["changes"] = {"junction.ache_activity": 3.0}
    image, n = app.image.value, app.updates
    _upload(app, "bad.json", json.dumps(bad).encode())
    text = app.files_message_text
    assert "could not load bad.json" in text
    assert "junction.ache_activity = 3" in text and "[0, 1]" in text
    assert "Traceback" not in text and app.image.value == image and app.updates == n
    _upload(app, "notes.json", b"my lecture notes")
    assert "not a scenario file: it is not JSON" in app.files_message_text
    app.set_value("pic.strength", 0.5)  # the app keeps working
    assert app.updates == n + 1 and app.message_text == ""


def test_typed_values_get_plain_language_messages_next_to_the_slider():
    app = widgets.explorer("spinal_cord_injury", ["inhibition.presynaptic"])
    n = app.updates
    app.type_value("inhibition.presynaptic", "0,5")
    text = app.slider_message_text("inhibition.presynaptic")
    assert text.startswith("Presynaptic inhibition: “0,5” is not a number")
    assert "Use a dot for decimals: 0.5" in text and "dimensionless" not in text
    assert app.updates == n and app.readouts["inhibition.presynaptic"].value == "0.2"
    app.type_value("inhibition.presynaptic", "5")
    text = app.slider_message_text("inhibition.presynaptic")
    assert "5 is too large — allowed: between 0 and 1.6" in text
    assert app.parameters.inhibition.presynaptic == 0.2 and app.updates == n
    app.type_value("inhibition.presynaptic", "0.6")
    assert app.slider_message_text("inhibition.presynaptic") == ""
    assert app.parameters.inhibition.presynaptic == 0.6 and app.updates == n + 1


def test_arrow_keys_cross_a_slider_in_about_twenty_steps():
    for spec in field_specs().values():
        if spec.integer:
            continue
        steps = (spec.max - spec.min) / widgets._slider(spec).step
        assert 10 <= steps <= 25, spec.name


def test_a_failing_simulation_is_reported_not_raised(monkeypatch):
    app = widgets.explorer("healthy", ["pic.strength"])
    image, metrics = app.image.value, dict(app.metrics)

    def broken(*args, **kwargs):
        assert "ns-busy-on" in app.busy._dom_classes  # the badge is requested first
        raise RuntimeError("numerical trouble")

    monkeypatch.setattr(widgets, "simulate", broken)
    app.set_value("pic.strength", 0.6)
    assert "RuntimeError: numerical trouble" in app.message_text
    assert app.image.value == image and app.metrics == metrics
    assert "ns-busy-on" not in app.busy._dom_classes
    monkeypatch.undo()
    assert app.update() and app.message_text == ""
    assert app.metrics != metrics or app.parameters.pic.strength == 0.6


def test_busy_badge_shows_only_after_300_ms():
    assert widgets.BUSY_DELAY_MS == 300
    app = widgets.explorer("healthy", ["pic.strength"])
    assert f"{widgets.BUSY_DELAY_MS}ms forwards" in app.banner.value
    assert "ns-busy" in app.busy._dom_classes and "ns-busy-on" not in app.busy._dom_classes


def test_blitted_frame_matches_a_full_redraw():
    a = scenarios.get("spinal_cord_injury").run()
    b = scenarios.get("spinal_cord_injury").with_changes(**{"pic.strength": 0.95}).run()
    live = LiveFigure()
    live.render(a, title="t")
    blitted = live.render(b, title="t")
    assert live.blits == 1 and live.full_redraws == 1
    fresh = LiveFigure().render(b, title="t")
    x = np.asarray(Image.open(io.BytesIO(blitted)).convert("L"), dtype=float)
    y = np.asarray(Image.open(io.BytesIO(fresh)).convert("L"), dtype=float)
    assert x.shape == y.shape
    assert np.mean(np.abs(x - y) > 40) < 0.003  # the same picture up to antialiasing


@pytest.mark.parametrize("x, expected", [(0.3, 0.5), (64.0, 100.0), (100.0, 100.0),
                                         (0.011, 0.02), (7.0, 10.0)])
def test_nice_ceiling(x, expected):
    assert nice_ceiling(x) == pytest.approx(expected)


def test_nice_ceiling_rejects_non_positive():
    with pytest.raises(ValueError, match="x = 0"):
        nice_ceiling(0.0)


def test_an_explorer_shows_only_the_panels_and_numbers_it_is_given():
    app = widgets.explorer("junction_train", ["junction.ache_activity"], panels=("force", "emg"),
                   metrics=("peak_force_percent",))
    shown = sorted(ax.get_gid() for ax in app.live_figure.figure.axes if ax.get_gid())
    assert shown == ["emg", "force"]
    assert list(app.metrics) == ["peak_force_percent"]
    app.set_value("junction.ache_activity", 0.3)  # the choice survives an update
    assert list(app.metrics) == ["peak_force_percent"]
    default = widgets.explorer("junction_train", ["junction.ache_activity"])
    assert "epp_decay_ms" in default.metrics  # by default every applicable number is shown


def test_an_explorer_rejects_unknown_panels_and_numbers_by_name():
    with pytest.raises(ValueError, match=r"panels = \['membrane'\]: choose one or more of"):
        widgets.explorer("healthy", panels=("membrane",))
    with pytest.raises(ValueError, match=r"metrics = \['spasm_count', 'nope'\]: choose"):
        widgets.explorer("healthy", metrics=("spasm_count", "nope"))


# ------------------------------------------------------------------ lecture-hall features
def test_the_figure_is_drawn_at_the_size_the_page_shows_it():
    app = widgets.dashboard("spinal_cord_injury", compare="off")
    for box in ([700, 430], [1500, 820]):
        app.bridge.figure_box = box  # what the browser reports after measuring
        with Image.open(io.BytesIO(app.image.value)) as im:
            assert list(im.size) == box  # drawn at that size: never scaled, never cut
        assert (app.image.layout.width, app.image.layout.height) == (f"{box[0]}px",
                                                                     f"{box[1]}px")
    app.select_view("test:reflex")  # a test that draws its own figure: the same size
    with Image.open(io.BytesIO(app.image.value)) as im:
        assert list(im.size) == [1500, 820]
    import matplotlib.pyplot as plt
    assert plt.get_fignums() == []  # never left to pyplot: no stray copy under the app
    assert app.figure_png()[:8] == b"\x89PNG\r\n\x1a\n"  # and it can still be saved


def test_each_scenario_shows_its_declared_test_with_its_numbers_and_definition():
    app = widgets.dashboard("diabetic_neuropathy")
    assert app.view == "test:conduction"
    report = app.measured
    assert report.labels == ("healthy", "diabetic_neuropathy")
    assert app.metrics["motor conduction velocity"] == pytest.approx(
        report.value("motor conduction velocity"))
    assert "Nerve conduction study:" in app.definition.value
    assert app.metric_cards.value.count('class="ns-card"') == widgets.MAX_CARDS
    app.select_scenario("spinal_cord_injury")
    assert app.view == "test:spasm"
    assert "above 10 % of maximal force for at least 0.5 s" in app.definition.value


def test_a_treatment_is_compared_with_untreated_and_healthy_and_presets_set_it_up():
    app = widgets.dashboard("healthy")
    app.preset_picker.value = "tizanidine_like"
    assert app.scenario.name == "tizanidine_like" and app.compare.value == "side by side"
    assert app.measured.labels == ("healthy", "untreated (stroke_like)", "tizanidine_like")
    torque = app.measured.reading("reflex torque at 100 °/s").values
    assert torque[2] < torque[1]  # the drug lowers the reflex of the untreated limb
    assert "untreated (stroke_like) " in app.metric_cards.value


def test_the_title_names_every_moved_slider():
    app = widgets.dashboard("spinal_cord_injury", compare="off")
    app.set_value("inhibition.presynaptic", 0.6)
    app.set_value("pic.strength", 0.5)
    title = app.live_figure.figure._suptitle.get_text()
    assert "changed: Presynaptic inhibition 0.2 → 0.6; PIC strength" in title
    assert title == app.title


def test_the_address_keeps_the_state_and_reopens_it():
    from neurosim import dashboard_state
    app = widgets.served_dashboard("")
    app.select_scenario("stroke_like")
    app.select_view("test:reflex")
    app.compare.value = "side by side"
    app.set_value("spindle.gain", 2.0)
    query = app.bridge.url_state
    assert "scenario=stroke_like" in query and "set=spindle.gain:2" in query
    again = widgets.served_dashboard(query)
    assert (again.scenario.name, again.view, again.compare.value) == (
        "stroke_like", "test:reflex", "side by side")
    assert again.parameters == app.parameters and again.metrics == app.metrics
    state = dashboard_state.decode(query)
    assert dashboard_state.encode(state) == query


@pytest.mark.parametrize("query, message", [
    ("scenario=strok_like", "unknown scenario 'strok_like'; did you mean stroke_like"),
    ("scenario=healthy&set=pic.strength:9", "pic.strength = 9"),
    ("scenario=healthy&zoom=2", "unknown part(s) ['zoom']"),
    ("scenario=healthy&view=test:ecg", "view = 'test:ecg' is not offered"),
])
def test_a_bad_address_opens_the_default_view_and_says_why(query, message):
    app = widgets.served_dashboard(query, scenario="healthy")
    assert app.scenario.name == "healthy" and app.result is not None
    assert "The page address was not understood" in app.message_text
    assert message in app.message_text


def test_keyboard_shortcuts(monkeypatch):
    app = widgets.served_dashboard("scenario=spinal_cord_injury")
    sent = _sent(app, monkeypatch)
    names = scenarios.names()
    i = names.index("spinal_cord_injury")
    app.bridge.press("n")
    assert app.scenario.name == names[i + 1]
    app.bridge.press("p")
    assert app.scenario.name == "spinal_cord_injury"
    app.bridge.press("c")
    assert app.compare.value == "side by side"
    app.bridge.press("t")
    assert app.view == "test:strength"  # the next of the scenario's own tests
    app.bridge.press("t")
    assert app.view == "test:spasm"
    app.set_value("pic.strength", 0.5)
    app.bridge.press("r")
    assert app.changed() == {}
    app.bridge.press("h")
    assert app.help_panel.layout.display is None and "space" in app.help_panel.value
    app.bridge.press("f")
    assert "ns-figure-mode" in app._dom_classes
    app.bridge.press(" ")
    assert sent[-1]["type"] == "play"
    app.bridge.press("Escape")
    assert {"type": "stop"} in sent[-2:] and "ns-figure-mode" not in app._dom_classes


def test_play_sweeps_the_time_axis_of_the_run_on_screen(monkeypatch):
    app = widgets.dashboard("stroke_like", compare="off")  # the clonus test
    sent = _sent(app, monkeypatch)
    app.slow_motion.value = 10.0
    assert app.play()
    frames = sent[-1]
    assert frames["slowmo"] == 10.0
    assert frames["time_s"][0] == 0.0 and frames["time_s"][-1] == pytest.approx(
        app.result.duration_s, abs=0.03)
    assert np.allclose(frames["angle_deg"], np.interp(frames["time_s"], app.result.time_s,
                                                       app.result.joint_angle_deg))
    assert 0.0 < frames["x0"] < frames["x1"] < 1.0 and 0.0 < frames["top"] < frames["bottom"]
    app.select_view("test:reflex")  # three velocities: no single time axis to sweep
    assert not app.play() and "Play works on views with one time axis" in app.message_text


# What notebooks 01–03 have taught by the time their explorer appears: the panels and big
# numbers an explorer there may show (notebook 00 has the full instructor dashboard instead).
_TAUGHT_BY_EXPLORER = {
    # 01: raster, force, recruitment and rate coding — no EMG (02), no spasms (03), no junction
    "01_motor_units_and_force": ({"raster", "force"},
                                 {"peak_force_percent", "mean_firing_rate_hz"}),
    # 02: adds the EMG; still no spasms and no endplate (05)
    "02_emg_and_nerve_conduction": ({"raster", "force", "emg"},
                                    {"peak_force_percent", "mean_firing_rate_hz"}),
    # 03: adds spasms; still no endplate, EPP decay or fasciculations (05)
    "03_loss_of_inhibition": ({"raster", "force", "emg"},
                              {"spasm_count", "longest_spasm_s", "spasm_duration_s",
                               "peak_force_percent", "mean_firing_rate_hz"}),
}


def _explorer_cells(stem):
    from pathlib import Path
    path = Path(__file__).resolve().parents[1] / "notebooks" / f"{stem}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells
            if c["cell_type"] == "code" and "explorer(" in "".join(c["source"])]


@pytest.mark.parametrize("stem", sorted(_TAUGHT_BY_EXPLORER))
def test_notebook_explorers_show_only_what_the_notebook_has_taught(stem):
    import ast
    panels_ok, metrics_ok = _TAUGHT_BY_EXPLORER[stem]
    cells = _explorer_cells(stem)
    assert cells, f"{stem}: no explorer cell"
    for source in cells:
        assert "panels=" in source and "metrics=" in source, source  # chosen, not the default
        tree = ast.parse(source)
        *body, last = tree.body
        namespace = {"explorer": widgets.explorer}
        exec(compile(ast.Module(body, []), stem, "exec"), namespace)  # noqa: S102
        app = eval(compile(ast.Expression(last.value), stem, "eval"), namespace)  # noqa: S307
        shown = {ax.get_gid().removeprefix("reference:")
                 for ax in app.live_figure.figure.axes if ax.get_gid()}
        assert shown and shown <= panels_ok, (stem, shown)
        assert app.metrics and set(app.metrics) <= metrics_ok, (stem, list(app.metrics))


def test_moving_a_slider_redraws_only_the_data_and_title():
    """The caption changes with every moved slider; it must not force a full redraw."""
    app = widgets.dashboard("spinal_cord_injury", compare="overlay")
    app.set_value("inhibition.presynaptic", 0.4)  # the caption gets its second line
    full = app.live_figure.full_redraws
    for value in (0.6, 0.5, 0.4):
        app.set_value("inhibition.presynaptic", value)
    assert app.live_figure.full_redraws == full  # blitted, title included
    assert app.live_figure.figure._suptitle.get_text().endswith("0.2 → 0.4")


def test_a_resize_redraws_without_simulating_again(monkeypatch):
    app = widgets.dashboard("spinal_cord_injury", compare="overlay")
    calls = []
    real = measurements.simulate
    monkeypatch.setattr(measurements, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    app.bridge.figure_box = [800, 500]
    assert calls == [] and app.updates >= 2  # redrawn at the new size from the kept runs
    app.set_value("pic.strength", 0.5)
    assert len(calls) == 1  # a moved slider simulates the current settings only


def test_the_needle_test_plays_its_sound_and_other_views_hide_the_player():
    from scipy.io import wavfile

    app = widgets.dashboard("muscle_cramp", compare="off")
    assert app.sound_box.layout.display == "none"  # its first test is the rest recording
    assert app.sound is None  # no empty player for the browser to fetch
    app.select_view("test:needle")
    assert app.message_text == "" and app.sound_box.layout.display == ""
    rate, data = wavfile.read(io.BytesIO(app.sound.value))
    assert rate == 44100 and data.size == int(app.result.duration_s * 44100)
    assert app.metrics["units firing a cramp discharge"] >= 1
    quiet = widgets.dashboard("healthy", compare="off", view="test:needle")
    _, silent = wavfile.read(io.BytesIO(quiet.sound.value))
    assert np.abs(silent).max() < np.abs(data).max() / 10  # a quiet muscle stays quiet
    app.select_view("test:spontaneous")
    assert app.sound_box.layout.display == "none"
