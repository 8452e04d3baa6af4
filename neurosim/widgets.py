"""Interactive apps: the instructor dashboard and the notebook explorers (ipywidgets).

:func:`dashboard` is the lecture-hall app (also served by ``neurosim dashboard``
through Voila); :func:`explorer` is a smaller version of the same app for the
notebooks — a few sliders and a figure under an experiment. Both are a
:class:`Dashboard`: one implementation.

What the app shows is generated from the model's own descriptions:

* the scenarios (:mod:`neurosim.scenarios`): picker, text, and the *tests* each declares
  (:attr:`~neurosim.scenarios.Scenario.measurements`). The figure, the numbers (cards)
  and the definition under them come from the chosen test
  (:mod:`neurosim.measurements`), so a new scenario gets the right view without any
  change here. A condition is compared with the healthy limb, a treatment with its
  untreated condition and the healthy limb;
* the parameter metadata (:func:`neurosim.parameters.slider_groups`) for the slider
  groups, ranges, units, help and sources;
* single runs of a protocol from :data:`neurosim.experiments.PROTOCOL_CHOICES` (the
  notebook explorers use these), with the big numbers of :data:`neurosim.metrics.METRICS`.

For the lecture hall: the figure is drawn at the size the browser shows it and fits the
window without scrolling (:class:`~neurosim.browser.BrowserBridge` measures it); the
controls fold away; projector mode enlarges everything; the address keeps the state
(:mod:`neurosim.dashboard_state`); keyboard shortcuts; a play mode sweeps a time cursor
in slow motion; figures and settings download to the lecturer's computer and settings
upload from it; every message appears next to the control that caused it.

Sliders update when released. An update slower than 300 ms shows a "computing…" badge.
Errors never show a traceback, and the app keeps working.
"""

from __future__ import annotations

import html
import json
import logging
import math
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from ._extras import require

# without the dashboard extra: one ImportError that says how to install it
require("dashboard", "neurosim.widgets", modules=("ipywidgets", "anywidget", "PIL"))

import ipywidgets as w  # noqa: E402

from . import TEACHING_LABEL, dashboard_state, measurements, scenarios  # noqa: E402
from .browser import BrowserBridge
from .engine import simulate
from .experiments import PROTOCOL_CHOICES
from .livefigure import COMPARE_MODES, IMAGE_FORMAT, PANELS, LiveFigure, render_static
from .parameters import FieldSpec, Parameters, field_specs, slider_groups
from .protocols import ImposedStretch
from .scenarios import Scenario
from .metrics import METRICS, SETUPS

__all__ = ["Dashboard", "dashboard", "served_dashboard", "explorer", "BUSY_DELAY_MS", "REFERENCE_SCENARIO",
           "SCENARIO_PROTOCOL", "FAST_TESTS", "SOUND_TESTS", "MAX_CARDS", "SHORTCUTS",
           "SLOW_MOTION"]

log = logging.getLogger(__name__)

BUSY_DELAY_MS = 300
"""An update slower than this shows the busy badge (ms)."""

REFERENCE_SCENARIO = "healthy"
"""The limb every condition and treatment is compared with."""

SCENARIO_PROTOCOL = "scenario"
"""Protocol key for 'the scenario's own protocol' (view ``"run:scenario"``)."""

FAST_TESTS = {"spasm": ("raster", "force", "emg"), "contraction": ("raster", "force", "emg"),
              "spontaneous": ("raster", "force", "emg")}
"""Tests drawn by the fast, redraw-in-place figure, with their panels. The others draw
their own figure (:meth:`neurosim.measurements.Measured.draw`) on every update."""

SOUND_TESTS = ("needle",)
"""Tests the dashboard can also play: a player under the figure plays the current
settings' needle recording (:func:`neurosim.sound.wav_bytes`)."""

MAX_CARDS = 6
"""Numbers shown as cards in one row (the test's first readings); all are in the table."""

SHORTCUTS = {"n": "next scenario", "p": "previous scenario", "t": "next test",
             "r": "reset the sliders", "c": "compare: off → overlay → side by side",
             "f": "full screen", " ": "play / stop the time cursor", "h": "help on/off",
             "Escape": "stop playing, leave figure mode"}
"""Keyboard shortcuts of the served dashboard (key → what it does)."""

SLOW_MOTION = {"real time": 1.0, "2× slower": 2.0, "5× slower": 5.0, "10× slower": 10.0}
"""Play speeds: wall-clock seconds per simulated second."""

_DEFAULT_SIZE_PX = (960, 560)
_NARROW_FIGURE_PX = 640  # a narrower first figure folds the controls away
_TEST = "test:"
_RUN = "run:"
_CATEGORY_TITLES = {"experiment": "Experiments", "condition": "Conditions",
                    "treatment": "Treatments"}
_VELOCITY_SPEC = ImposedStretch.__dataclass_fields__["velocity_deg_s"].metadata

_CSS = f"""
<style>
.ns-app {{ font-size: 14px; }}
.ns-app.ns-projector {{ font-size: 19px; }}
.ns-app.ns-projector .widget-label, .ns-app.ns-projector .widget-readout,
.ns-app.ns-projector select, .ns-app.ns-projector button, .ns-app.ns-projector input,
.ns-app.ns-projector .widget-html-content {{ font-size: 17px !important; }}
.ns-app.ns-projector .ns-header select, .ns-app.ns-projector .ns-header button,
.ns-app.ns-projector .ns-header .widget-label {{ font-size: 15px !important; }}
.ns-app .widget-html-content {{ line-height: 1.3; }}
.ns-header {{ flex-wrap: wrap; align-items: center; gap: 2px 6px; }}
.ns-banner {{ background: #000; color: #fff; padding: 2px 8px; font-weight: bold;
  border-radius: 3px; white-space: nowrap; }}
.ns-controls {{ overflow-y: auto; min-width: 0; padding-right: 6px;
  border-right: 1px solid #ccc; }}
.ns-controls .widget-slider {{ flex-wrap: wrap; width: 100% !important; }}
.ns-controls .widget-slider .widget-label {{ width: 100% !important; max-width: 100%;
  white-space: normal; line-height: 1.2; text-align: left; }}
.ns-controls .widget-slider .slider-container {{ flex: 1 1 auto; }}
.ns-readout input {{ text-align: right; }}
.ns-changed .widget-label {{ background: #F0E442; font-weight: bold; }}
.ns-field-error {{ color: #fff; background: #D55E00; padding: 3px 6px; border-radius: 3px;
  margin: 2px 0 6px 0; }}
.ns-figure-column {{ flex: 1 1 auto; min-width: 0; }}
.ns-figure-area {{ min-width: 0; overflow: hidden; width: 100%; }}
.ns-figure-area img {{ display: block; max-width: none; }}
.ns-cards {{ display: flex; flex-wrap: nowrap; gap: 6px; width: 100%; }}
.ns-card {{ flex: 1 1 0; min-width: 0; border: 2px solid #0072B2; border-radius: 6px;
  padding: 2px 8px; overflow: hidden; }}
.ns-card .ns-value {{ font-size: 1.45em; font-weight: bold; color: #000; white-space: nowrap;
  line-height: 1.15; }}
.ns-card .ns-value small {{ font-size: 0.6em; font-weight: normal; }}
.ns-card .ns-name, .ns-card .ns-ref {{ font-size: 0.74em; color: #222; line-height: 1.15;
  overflow: hidden; text-overflow: ellipsis; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; }}
.ns-card .ns-ref {{ color: #333; -webkit-line-clamp: 1; }}
.ns-definition {{ font-size: 0.8em; color: #111; margin: 2px 0; line-height: 1.25;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
  overflow: hidden; }}
.ns-slider-help {{ font-size: 0.85em; line-height: 1.25; margin: 2px 0 6px 0; }}
.ns-help-panel {{ border: 2px solid #009E73; border-radius: 6px; padding: 6px 10px; }}
.ns-error {{ background: #D55E00; color: #fff; padding: 4px 8px; border-radius: 4px; }}
.ns-info {{ background: #009E73; color: #fff; padding: 4px 8px; border-radius: 4px; }}
.ns-busy {{ visibility: hidden; }}
.ns-busy.ns-busy-on {{ animation: ns-appear 0s linear {BUSY_DELAY_MS}ms forwards; }}
@keyframes ns-appear {{ to {{ visibility: visible; }} }}
.ns-busy .ns-badge {{ background: #E69F00; color: #000; padding: 3px 8px;
  border-radius: 4px; font-weight: bold; white-space: nowrap; }}
.ns-app.ns-figure-mode .ns-controls, .ns-app.ns-figure-mode .ns-files,
.ns-app.ns-figure-mode .ns-help-panel {{ display: none !important; }}
.ns-app:fullscreen {{ background: #fff; overflow: auto; }}
</style>
"""


class Dashboard(w.VBox):
    """The interactive app: scenario, test, sliders, figure, numbers, comparison.

    Parameters
    ----------
    scenario : str or Scenario
        Starting scenario (name or object).
    fields : sequence of str, optional
        Dotted parameter names that get sliders (default: every teaching lever of
        :func:`neurosim.parameters.slider_groups`). Each must be a known parameter.
    picker : bool
        The full dashboard: scenario picker, before/after presets, description, files
        (the notebook explorers hide them).
    compare : {"off", "overlay", "side by side"}, optional
        Comparison with the reference: the healthy limb for a condition; the untreated
        condition (and the healthy limb) for a treatment; the scenario as defined for an
        experiment whose sliders were moved. Default "overlay" (dashboard) or "off"
        (explorer).
    projector : bool
        Start in projector mode (large fonts, thick lines).
    protocol : str, optional
        Show single runs of this protocol-menu key (``"scenario"`` for the scenario's
        own; see :data:`neurosim.experiments.PROTOCOL_CHOICES`) instead of a test.
    view : str, optional
        ``"test:<measurement>"`` or ``"run:<protocol key>"``; default: the scenario's
        first test (dashboard) or its own protocol (explorer).
    seed : int
        Noise seed of every run (fixed, so a change on screen is caused by a slider).
    files : bool
        Show the download/upload controls (default: with the picker).
    panels : sequence of str, optional
        Figure panels of single-run views (subset of :data:`neurosim.livefigure.PANELS`);
        a notebook shows only what it has taught so far.
    metrics : sequence of str, optional
        Big numbers of single-run views (names in :data:`neurosim.metrics.METRICS`).
    fit_height : bool, optional
        Fit the figure to the window's height (default: with the picker).
    sync_url : bool
        Keep the state in the page address (the served dashboard).
    shortcuts : bool, optional
        Keyboard shortcuts :data:`SHORTCUTS` (default: with ``sync_url``).
    changes : dict of str to float, optional
        Slider values to start from (dotted name → value), e.g. from the address.

    Attributes
    ----------
    sliders : dict of str to ipywidgets.FloatSlider
        By dotted parameter name.
    readouts : dict of str to ipywidgets.Text
        The typed value beside each slider.
    sound : ipywidgets.Audio or None
        The needle EMG's player, shown with the tests of :data:`SOUND_TESTS` (WAV bytes of
        the current settings' recording); made the first time one is shown — an empty
        player would have the browser fetch an empty recording, a failed request.
    result, reference : SimulationResult or None
        The scenario's run and the run it is compared with, of the last update.
    measured : neurosim.measurements.Measured or None
        The last test (``None`` in a single-run view).
    metrics : dict of str to float
        The numbers of the last update: the test's readings (label → value of the
        current settings) or, in a single-run view, :data:`neurosim.metrics.METRICS`.
    live_figure : LiveFigure
    bridge : BrowserBridge
    updates : int
        Successful updates so far.
    last_update_s : float
        Wall time of the last update (simulate + numbers + drawing).
    """

    def __init__(self, scenario="healthy", *, fields=None, picker: bool = True,
                 compare: str | None = None, projector: bool = False,
                 protocol: str | None = None, view: str | None = None, seed: int = 0,
                 files: bool | None = None, panels=None, metrics=None,
                 fit_height: bool | None = None, sync_url: bool = False,
                 shortcuts: bool | None = None, changes=None):
        super().__init__()
        self.add_class("ns-app")
        self.seed = int(seed)
        self.scenario = scenarios.get(scenario) if isinstance(scenario, str) else scenario
        self._specs = self._chosen_specs(fields)
        self._panels = _checked_choice(panels, PANELS, "panels")
        self._metric_names = _checked_choice(metrics, tuple(METRICS), "metrics")
        compare = compare or ("overlay" if picker else "off")
        if compare not in COMPARE_MODES:
            raise ValueError(f"compare = {compare!r} must be one of {list(COMPARE_MODES)}")
        self._suspended = False
        self._cache: dict = {}
        self._static_figure = None
        self._play_ready = None
        self.result = self.reference = self.measured = None
        self.metrics: dict[str, float] = {}
        self.updates = 0
        self.last_update_s = float("nan")
        self.live_figure = LiveFigure(projector=projector)
        fit_height = picker if fit_height is None else bool(fit_height)
        self.bridge = BrowserBridge(fit_height=fit_height, sync_url=bool(sync_url),
                                    shortcuts=bool(sync_url if shortcuts is None else shortcuts))
        files = picker if files is None else bool(files)
        initial_view = self._initial_view(view, protocol, picker)

        # --- header
        self.banner = w.HTML(f'{_CSS}<span class="ns-banner">⚠ {html.escape(TEACHING_LABEL)}'
                             f' — not medical advice</span>')
        self.scenario_picker = w.Dropdown(options=_scenario_options(), value=self.scenario.name,
                                          description="Scenario",
                                          layout=w.Layout(width="24em"),
                                          style={"description_width": "initial"})
        self.preset_picker = w.Dropdown(options=_preset_options(), value="",
                                        description="Before/after",
                                        tooltip="A condition and its treatment side by side",
                                        layout=w.Layout(width="16em"),
                                        style={"description_width": "initial"})
        self.view_picker = w.Dropdown(options=self._view_options(self.scenario),
                                      value=initial_view, description="Show",
                                      layout=w.Layout(width="20em"),
                                      style={"description_width": "initial"})
        self.velocity = w.FloatSlider(
            value=100.0, min=_VELOCITY_SPEC["min"], max=300.0, step=10.0,
            description=f"{_VELOCITY_SPEC['label']} ({_VELOCITY_SPEC['unit']})",
            tooltip=_VELOCITY_SPEC["help"], continuous_update=False,
            style={"description_width": "initial"}, layout=w.Layout(width="24em"))
        self.compare = w.ToggleButtons(options=list(COMPARE_MODES), value=compare,
                                       description="Compare",
                                       tooltip="Compare with the healthy limb (a treatment "
                                               "also with its untreated condition)",
                                       style={"description_width": "initial",
                                              "button_width": "auto"})
        auto = w.Layout(width="auto")
        self.projector = w.ToggleButton(value=bool(projector), description="Projector",
                                        tooltip="Large fonts and thick lines", layout=auto)
        self.controls_toggle = w.ToggleButton(value=True, description="Controls",
                                              tooltip="Show or fold away the sliders",
                                              layout=auto)
        self.figure_mode = w.ToggleButton(value=False, description="Figure only",
                                          tooltip="Only the figure and its numbers (key f: "
                                                  "full screen)", layout=auto)
        self.play_button = w.Button(description="▶ Play", tooltip="Sweep a time cursor across "
                                    "the figure in slow motion (key: space)", layout=auto)
        self.slow_motion = w.Dropdown(options=list(SLOW_MOTION.items()), value=5.0,
                                      description="", tooltip="Play speed",
                                      layout=w.Layout(width="9em"))
        self.help_toggle = w.ToggleButton(value=False, description="Help",
                                          tooltip="What you see and the keyboard shortcuts",
                                          layout=auto)
        self.reset_button = w.Button(description="Reset sliders",
                                     tooltip="Back to the scenario's values (key r)",
                                     layout=auto)

        # --- controls panel
        self.description = w.HTML()
        self.sliders = {spec.name: _slider(spec) for spec in self._specs}
        self.readouts = {spec.name: _readout(spec) for spec in self._specs}
        self.slider_messages = {spec.name: w.HTML() for spec in self._specs}
        self.slider_help = w.HTML()
        self.numbers_table = w.HTML()
        self.help_panel = w.HTML(layout=w.Layout(display="none"))
        self.help_panel.add_class("ns-help-panel")

        # --- figure column
        self.busy = w.HTML('<span class="ns-badge">computing…</span>')
        self.busy.add_class("ns-busy")
        self.metric_cards = w.HTML()
        self.definition = w.HTML()
        self.message = w.HTML()
        self.image = w.Image(format=IMAGE_FORMAT)
        self.sound = None  # made with its first recording (see _play_sound)
        self.sound_box = w.HBox([w.HTML("<b>Listen</b> (the needle's loudspeaker, fixed "
                                        "gain):")],
                                layout=w.Layout(display="none", align_items="center"))
        self.figure_area = w.Box([self.image])
        self.figure_area.add_class("ns-figure-area")

        # --- files
        self.save_figure_button = w.Button(description="Download figure (PNG)",
                                           tooltip="The figure as it is now, with its caption",
                                           layout=auto)
        self.save_scenario_button = w.Button(description="Download settings",
                                             tooltip="A scenario file: neurosim run FILE.json "
                                                     "or Load settings reopens it",
                                             layout=auto)
        self.upload = w.FileUpload(accept=".json", multiple=False,
                                   description="Load settings", layout=auto,
                                   tooltip="Open a settings file downloaded from here "
                                           "(or written by neurosim run --save-scenario)")
        self.files_message = w.HTML()

        # --- layout
        header = [self.banner]
        if picker:
            header += [self.scenario_picker, self.preset_picker]
        header += [self.view_picker, self.compare, self.projector, self.controls_toggle,
                   self.figure_mode, self.play_button, self.slow_motion, self.help_toggle]
        self.header = w.HBox(header)
        self.header.add_class("ns-header")
        groups = []
        for group, specs in _group(self._specs).items():
            rows = []
            for s in specs:
                rows += [w.HBox([self.sliders[s.name], self.readouts[s.name]],
                                layout=w.Layout(align_items="flex-end")),
                         self.slider_messages[s.name]]
            groups.append(w.VBox([w.HTML(f"<b>{html.escape(group)}</b>")] + rows))
        controls = ([self.description] if picker else []) + [
            self.velocity, self.reset_button, self.slider_help, *groups, self.numbers_table]
        self.controls_panel = w.VBox(controls, layout=w.Layout(
            width="23em" if picker else "100%", flex="0 0 auto"))
        self.controls_panel.add_class("ns-controls")
        figure_column = w.VBox([w.HBox([self.metric_cards, self.busy],
                                       layout=w.Layout(width="100%")),
                                self.definition, self.message, self.sound_box,
                                self.figure_area])
        figure_column.add_class("ns-figure-column")
        body = (w.HBox([self.controls_panel, figure_column], layout=w.Layout(width="100%"))
                if picker else w.VBox([self.controls_panel, figure_column]))
        files_row = w.HBox([self.save_figure_button, self.save_scenario_button, self.upload,
                            self.files_message])
        files_row.add_class("ns-files")
        self.children = [self.bridge, self.header, self.help_panel, body] + (
            [files_row] if files else [])

        # --- events
        self.scenario_picker.observe(self._on_scenario, names="value")
        self.preset_picker.observe(self._on_preset, names="value")
        self.view_picker.observe(self._on_control, names="value")
        self.velocity.observe(self._on_control, names="value")
        self.compare.observe(self._on_control, names="value")
        self.projector.observe(self._on_projector, names="value")
        self.controls_toggle.observe(self._on_controls_toggle, names="value")
        self.figure_mode.observe(self._on_figure_mode, names="value")
        self.help_toggle.observe(self._on_help, names="value")
        for name, slider in self.sliders.items():
            slider.observe(lambda change, n=name: self._on_slider(n, change), names="value")
            self.readouts[name].observe(lambda change, n=name: self._on_typed(n, change),
                                        names="value")
        self.reset_button.on_click(lambda _: self.reset())
        self.play_button.on_click(lambda _: self.play())
        self.save_figure_button.on_click(lambda _: self._files_action(self._download_figure))
        self.save_scenario_button.on_click(lambda _: self._files_action(self._download_settings))
        self.upload.observe(lambda change: self._files_action(lambda: self._uploaded(change)),
                            names="value")
        self.bridge.observe(self._on_figure_box, names="figure_box")
        self.bridge.on_key(self._on_key)

        self._apply_projector_class()
        self._show_scenario(self.scenario, view=initial_view, changes=changes)

    # ------------------------------------------------------------------ public API
    @property
    def parameters(self) -> Parameters:
        """The scenario's parameters with the current slider values (validated)."""
        changes = {name: float(s.value) for name, s in self.sliders.items()}
        return self.scenario.parameters.with_changes(**changes)

    @property
    def view(self) -> str:
        """The current view: ``"test:<measurement>"`` or ``"run:<protocol key>"``."""
        return self.view_picker.value

    def protocol(self):
        """The protocol and duration (s) of a single-run view (the scenario's own in a
        test view)."""
        key = self.view[len(_RUN):] if self.view.startswith(_RUN) else SCENARIO_PROTOCOL
        if key == SCENARIO_PROTOCOL:
            return self.scenario.protocol, self.scenario.duration_s
        return PROTOCOL_CHOICES[key].make(float(self.velocity.value))

    def changed(self) -> dict[str, tuple[float, float]]:
        """Sliders moved away from the scenario's value: name → (scenario value, now)."""
        base = self.scenario.parameters
        return {name: (base.get(name), float(s.value)) for name, s in self.sliders.items()
                if float(s.value) != float(base.get(name))}

    def set_value(self, name: str, value: float) -> None:
        """Move a slider (as a user would) and update.

        Raises
        ------
        ValueError
            If ``name`` has no slider here (the message says which do).
        """
        if name not in self.sliders:
            raise ValueError(f"no slider for {name!r}; sliders: {sorted(self.sliders)}")
        self.sliders[name].value = value

    def type_value(self, name: str, text: str) -> None:
        """Type ``text`` into the box beside slider ``name`` (as a user would)."""
        if name not in self.readouts:
            raise ValueError(f"no slider for {name!r}; sliders: {sorted(self.readouts)}")
        self.readouts[name].value = text

    def select_scenario(self, name: str) -> None:
        """Pick a built-in scenario (as the picker does)."""
        self.scenario_picker.value = name

    def select_view(self, view: str) -> None:
        """Show ``"test:<measurement>"`` or ``"run:<protocol key>"``."""
        keys = [v for _, v in self.view_picker.options]
        if view not in keys:
            raise ValueError(f"view {view!r} is not offered here; choose from {keys}")
        self.view_picker.value = view

    def reset(self) -> None:
        """Put every slider back to the scenario's value and update once."""
        with self._hold():
            base = self.scenario.parameters
            for name, slider in self.sliders.items():
                slider.value = base.get(name)
                self.slider_messages[name].value = ""
        self.update()

    def save_figure(self, path) -> Path:
        """Save the current figure as PNG (with the teaching label and the caption)."""
        if self._static_figure is not None:
            from . import plotting
            return plotting.save_figure(self._static_figure, path)
        return self.live_figure.save(path)

    def figure_png(self) -> bytes:
        """The current figure as PNG bytes (what "Download figure" hands the browser)."""
        with tempfile.TemporaryDirectory() as folder:
            return self.save_figure(Path(folder) / "figure.png").read_bytes()

    def current_scenario(self, name: str | None = None) -> Scenario:
        """The current settings as a :class:`~neurosim.scenarios.Scenario`.

        Its changes are every parameter that differs from the healthy defaults, so the
        file stands alone; protocol, duration, tests and comparison are the scenario's.
        """
        parameters = self.parameters
        protocol, duration_s = self.protocol()
        changes = {k: new for k, (_, new) in Parameters().differences(parameters).items()}
        moved = ", ".join(f"{k} = {v:g}" for k, (_, v) in self.changed().items()) or "none"
        return Scenario(
            name=name or f"{self.scenario.name}_custom",
            title=f"{self.scenario.title} (dashboard settings)",
            category=self.scenario.category,
            description=f"Saved from the dashboard, starting from '{self.scenario.name}'. "
                        f"Sliders moved: {moved}. {self.scenario.description}",
            mechanism=self.scenario.mechanism, learning_goal=self.scenario.learning_goal,
            caveat=self.scenario.caveat, changes=changes, protocol=protocol,
            duration_s=duration_s, measurements=self.scenario.measurements,
            treats=self.scenario.treats,
            notes={k: note for k, note in self.scenario.notes.items()
                   if k in changes and changes[k] == self.scenario.changes[k]})

    def save_scenario(self, path, *, name: str | None = None) -> Path:
        """Write the current settings as a scenario file (``neurosim run FILE`` reads it)."""
        return self.current_scenario(name or Path(path).stem).save(path)

    def load_scenario(self, path) -> None:
        """Load a scenario file: its parameters, protocol, tests and text; sliders follow."""
        self._show_scenario(Scenario.load(path), view=None)

    def load_scenario_text(self, text: str) -> None:
        """Load a scenario from the text of a scenario file (what an upload delivers)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a scenario file: it is not JSON ({exc.msg}, line "
                             f"{exc.lineno})") from None
        if not isinstance(data, dict):
            raise ValueError("not a neurosim scenario file")
        self._show_scenario(Scenario.from_dict(data), view=None)

    def play(self) -> bool:
        """Sweep a time cursor across the figure at the chosen slow motion.

        Returns whether the current view can be played (one shared time axis).
        """
        frames = self._play_frames()
        if frames is None:
            self._say(self.message, "Play works on views with one time axis: the spasm "
                      "test, a contraction, a rest recording, the clonus test and single "
                      "runs.", error=False)
            return False
        self.bridge.play(**frames, slowmo=float(self.slow_motion.value))
        return True

    def update(self) -> bool:
        """Simulate with the current settings and redraw. Returns whether it worked.

        Any error is shown next to the figure (one readable line) and logged; the
        previous picture stays.
        """
        if self._suspended:
            return False
        started = time.perf_counter()
        self.busy.add_class("ns-busy-on")
        try:
            if self.view.startswith(_TEST):
                self._update_test(self.view[len(_TEST):])
            else:
                self._update_run()
            self.message.value = ""
            self.updates += 1
            self._write_url()
            return True
        except Exception as exc:  # the app must survive anything; show it, don't raise
            log.info("dashboard update failed", exc_info=exc)
            self._say(self.message, f"Could not update: {_plain(exc)}. The previous picture "
                      "is kept; change a setting to try again.")
            return False
        finally:
            self.busy.remove_class("ns-busy-on")
            self.last_update_s = time.perf_counter() - started
            self._mark_changed()

    @property
    def message_text(self) -> str:
        """The message next to the figure without markup ("" when all is well)."""
        return _text_of(self.message.value)

    @property
    def files_message_text(self) -> str:
        """The message next to the file controls without markup."""
        return _text_of(self.files_message.value)

    def slider_message_text(self, name: str) -> str:
        """The message under slider ``name`` without markup."""
        return _text_of(self.slider_messages[name].value)

    @property
    def title(self) -> str:
        """The figure's title: scenario, view, and every slider moved from the scenario."""
        moved = self.changed()
        specs = field_specs()
        text = f"{self.scenario.title} — {self._view_label()}"
        if moved:
            text += "\nchanged: " + "; ".join(
                f"{specs[k].label} {old:g} → {new:g}" for k, (old, new) in moved.items())
        return text

    # ------------------------------------------------------------------ updating
    def _update_test(self, name: str) -> None:
        cases = self._cases()
        # keep the runs of every case shown, the current one too: a resize, folding the
        # controls or projector mode then redraws without simulating again
        shown = {c.parameters for c in cases}
        self._cache = {k: v for k, v in self._cache.items() if k[0] in shown}
        m = measurements.measure(name, cases, seed=self.seed, cache=self._cache)
        size = self._size_px()
        if name in FAST_TESTS:
            reference = m.runs[-2] if len(m.runs) > 1 else None
            self._close_static()
            self.live_figure.size_px = size
            self.image.value = self.live_figure.render(
                m.runs[-1], reference, compare=self.compare.value if reference else "off",
                title=self.title, panels=FAST_TESTS[name],
                labels=(m.labels[-1], m.labels[-2] if reference else ""))
            self._play_ready = ("live", m.runs[-1])
        else:
            picture, figure = render_static(m.draw, size_px=size,
                                            projector=self.projector.value, title=self.title)
            self._close_static()
            self._static_figure = figure
            self.image.value = picture
            self._play_ready = ("static", m.runs[-1]) if name == "clonus" else None
        self._show_size(size)
        self._play_sound(m.runs[-1] if name in SOUND_TESTS else None)
        self.measured = m
        self.result = m.runs[-1]
        self.reference = m.runs[-2] if len(m.runs) > 1 else None
        self.metrics = {r.label: float(r.values[-1]) for r in m.readings}
        self.metric_cards.value = _reading_cards(m)
        self.definition.value = (f'<div class="ns-definition"><b>{html.escape(m.measurement.title)}'
                                 f':</b> {html.escape(m.measurement.definition)}</div>')
        self.numbers_table.value = _reading_table(m)

    def _update_run(self) -> None:
        parameters = self.parameters
        protocol, duration_s = self.protocol()
        result = simulate(parameters, protocol, duration_s, seed=self.seed,
                          label=self.scenario.name)
        reference = None
        cases = self._cases()
        if len(cases) > 1:  # the nearest reference (untreated for a treatment), kept
            case = cases[-2]
            key = (case.parameters, protocol, float(duration_s), self.seed, ())
            if key not in self._cache:
                self._cache = {key: simulate(case.parameters, protocol, duration_s,
                                             seed=self.seed, label=case.label)}
            reference = self._cache[key]
        self.live_figure.size_px = self._size_px()
        self._close_static()
        self.image.value = self.live_figure.render(
            result, reference, compare=self.compare.value if reference else "off",
            title=self.title, panels=self._panels,
            labels=("current settings", cases[-2].label if reference else ""))
        self._show_size(self.live_figure.size_px)
        self._play_sound(None)
        self.result, self.reference, self.measured = result, reference, None
        self.metrics = _metrics(result, self._metric_names)
        self.metric_cards.value = _cards(self.metrics)
        self.definition.value = ""
        self.numbers_table.value = ""
        self._play_ready = ("live", result)

    def _play_sound(self, run) -> None:
        """Put the needle recording of ``run`` into the player, or hide it (``None``)."""
        if run is None:
            self.sound_box.layout.display = "none"
            return
        from . import needle, sound
        wav = sound.wav_bytes(needle.record(run))
        if self.sound is None:
            self.sound = w.Audio(value=wav, format="wav", autoplay=False, controls=True,
                                 loop=False)
            self.sound_box.children = (*self.sound_box.children, self.sound)
        else:
            self.sound.value = wav
        self.sound_box.layout.display = ""

    def _cases(self) -> list:
        """Reference cases, then the current settings (see ``compare``)."""
        moved = self.changed()
        this = measurements.Case("current settings" if moved else self.scenario.name,
                                 self.parameters)
        if self.compare.value == "off":
            return [this]
        s = self.scenario
        healthy = measurements.Case(REFERENCE_SCENARIO,
                                    scenarios.get(REFERENCE_SCENARIO).parameters)
        if s.treats is not None:
            return [healthy, measurements.Case(f"untreated ({s.treats})",
                                               scenarios.get(s.treats).parameters), this]
        if s.category != "experiment":
            return [healthy, this]
        if moved:
            return [measurements.Case(f"{s.name} as defined", s.parameters), this]
        return [this]

    def _size_px(self) -> tuple:
        box = self.bridge.figure_box
        return tuple(box) if len(box) == 2 else _DEFAULT_SIZE_PX

    def _show_size(self, size) -> None:
        if len(self.bridge.figure_box) == 2:  # drawn at the size the page measured
            self.figure_area.add_class("ns-sized")
        self.live_figure.size_px = tuple(size)
        self.image.layout.width = f"{size[0]}px"
        self.image.layout.height = f"{size[1]}px"

    def _close_static(self) -> None:
        self._static_figure = None  # render_static already detached it from pyplot

    def _play_frames(self):
        if self._play_ready is None:
            return None
        kind, run = self._play_ready
        if kind == "live":
            axes = [ax for ax in self.live_figure.figure.axes
                    if ax.get_gid() and not ax.get_gid().startswith("reference:")]
        else:
            axes = [ax for ax in self._static_figure.axes if ax.get_label() != "<colorbar>"
                    and ax.get_shared_x_axes().joined(ax, self._static_figure.axes[0])]
        if not axes:
            return None
        boxes = [ax.get_position() for ax in axes]
        x0, x1 = axes[0].get_xlim()
        box = boxes[0]
        frac = lambda t: box.x0 + (t - x0) / (x1 - x0) * box.width  # noqa: E731
        step = max(1, int(round(run.output_rate_hz / 50.0)))  # 50 frames per simulated s
        time_s = run.time_s[::step]
        return dict(time_s=time_s.tolist(), angle_deg=run.joint_angle_deg[::step].tolist(),
                    force_percent=run.force_percent[::step].tolist(),
                    x0=frac(float(time_s[0])), x1=frac(float(time_s[-1])),
                    top=1.0 - max(b.y1 for b in boxes), bottom=1.0 - min(b.y0 for b in boxes))

    # ------------------------------------------------------------------ events
    @staticmethod
    def _chosen_specs(fields) -> list[FieldSpec]:
        if fields is None:
            return [s for specs in slider_groups().values() for s in specs]
        specs = field_specs()
        unknown = [f for f in fields if f not in specs]
        if unknown:
            Parameters().get(unknown[0])  # raises the usual "did you mean" error
        return [specs[f] for f in fields]

    @contextmanager
    def _hold(self):
        previous, self._suspended = self._suspended, True
        try:
            yield
        finally:
            self._suspended = previous

    def _initial_view(self, view, protocol, picker) -> str:
        if view is not None:
            keys = [v for _, v in self._view_options(self.scenario)]
            if view not in keys:
                raise ValueError(f"view = {view!r} is not offered; choose from {keys}")
            return view
        if protocol is not None:
            if protocol != SCENARIO_PROTOCOL and protocol not in PROTOCOL_CHOICES:
                raise ValueError(f"protocol = {protocol!r} must be {SCENARIO_PROTOCOL!r} or "
                                 f"one of {list(PROTOCOL_CHOICES)}")
            return _RUN + protocol
        return _TEST + self.scenario.measurements[0] if picker else _RUN + SCENARIO_PROTOCOL

    @staticmethod
    def _view_options(scenario: Scenario) -> list[tuple[str, str]]:
        declared = [(f"Test: {measurements.MEASUREMENTS[m].title}", _TEST + m)
                    for m in scenario.measurements]
        others = [(f"Other test: {t.title}", _TEST + t.name)
                  for t in measurements.MEASUREMENTS.values()
                  if t.name not in scenario.measurements]
        runs = [("One run: the scenario's own protocol", _RUN + SCENARIO_PROTOCOL)] + [
            (f"One run: {c.label}", _RUN + c.name) for c in PROTOCOL_CHOICES.values()]
        return declared + others + runs

    def _show_scenario(self, scenario: Scenario, *, view: str | None, changes=None) -> None:
        with self._hold():
            previous = self.view_picker.value
            self.scenario = scenario
            if scenario.name in scenarios.names() and self.scenario_picker.value != scenario.name:
                self.scenario_picker.value = scenario.name
            self.view_picker.options = self._view_options(scenario)
            if view is None:  # a test view follows the scenario; a chosen single run stays
                view = previous if previous.startswith(_RUN) else _TEST + scenario.measurements[0]
            self.view_picker.value = view
            base = scenario.parameters
            for name, slider in self.sliders.items():
                slider.value = base.get(name)
                self.slider_messages[name].value = ""
            for name, value in (changes or {}).items():
                if name in self.sliders:
                    self.sliders[name].value = value
            self.description.value = _describe(scenario)
            self.help_panel.value = self._help_text()
        self._sync_velocity()
        self.update()

    def _on_scenario(self, change) -> None:
        if self._suspended:
            return
        self._guarded(lambda: self._show_scenario(scenarios.get(change["new"]), view=None))

    def _on_preset(self, change) -> None:
        if self._suspended or not change["new"]:
            return
        with self._hold():
            self.compare.value = "side by side"
            self.preset_picker.value = ""
        self._guarded(lambda: self._show_scenario(scenarios.get(change["new"]), view=None))

    def _on_slider(self, name: str, change) -> None:
        spec = field_specs()[name]
        self.readouts[name].value = _format(spec, change["new"])
        if self._suspended:  # set by a scenario change or a reset, not moved by a user
            return
        self.slider_messages[name].value = ""
        self.slider_help.value = (f'<div class="ns-slider-help"><b>{html.escape(spec.label)}'
                                  f'</b>: {html.escape(spec.help)} <i>Source: '
                                  f'{html.escape(spec.source)}</i></div>')
        self.update()

    def _on_typed(self, name: str, change) -> None:
        spec = field_specs()[name]
        slider = self.sliders[name]
        text = str(change["new"]).strip()
        if text == _format(spec, slider.value):
            return
        value, problem = _parse_typed(spec, text)
        if problem:
            self._say(self.slider_messages[name], problem)
            with self._hold():
                self.readouts[name].value = _format(spec, slider.value)
            return
        self.slider_messages[name].value = ""
        slider.value = value

    def _on_control(self, change) -> None:
        self._sync_velocity()
        self.update()

    def _on_projector(self, change) -> None:
        self.live_figure = LiveFigure(projector=bool(change["new"]))
        self._apply_projector_class()
        self.update()
        self.bridge.remeasure()

    def _on_controls_toggle(self, change) -> None:
        self.controls_panel.layout.display = None if change["new"] else "none"
        self.bridge.remeasure()

    def _on_figure_mode(self, change) -> None:
        if change["new"]:
            self.add_class("ns-figure-mode")
        else:
            self.remove_class("ns-figure-mode")
        self.bridge.remeasure()

    def _on_help(self, change) -> None:
        self.help_panel.layout.display = None if change["new"] else "none"
        self.bridge.remeasure()

    def _on_figure_box(self, change) -> None:
        box = change["new"]
        if len(box) != 2:
            return
        if (not change["old"] and box[0] < _NARROW_FIGURE_PX and self.controls_toggle.value
                and self.bridge.fit_height):
            # a small screen (a projector at 1024 × 768): the figure first, controls folded
            self.controls_toggle.value = False
            return  # folding the controls widens the figure area: measured again
        if tuple(box) != self.live_figure.size_px:
            self.update()

    def _on_key(self, key: str) -> None:
        names = scenarios.names()
        position = names.index(self.scenario.name) if self.scenario.name in names else -1
        if key in ("n", "p"):
            step = 1 if key == "n" else -1
            self.scenario_picker.value = names[(position + step) % len(names)]
        elif key == "t":
            keys = [v for _, v in self.view_picker.options if v.startswith(_TEST)]
            declared = [_TEST + m for m in self.scenario.measurements]
            cycle = declared if self.view in declared else keys
            current = cycle.index(self.view) if self.view in cycle else -1
            self.view_picker.value = cycle[(current + 1) % len(cycle)]
        elif key == "r":
            self.reset()
        elif key == "c":
            modes = list(COMPARE_MODES)
            self.compare.value = modes[(modes.index(self.compare.value) + 1) % len(modes)]
        elif key == "f":
            self.figure_mode.value = not self.figure_mode.value
        elif key == " ":
            self.play()
        elif key == "h":
            self.help_toggle.value = not self.help_toggle.value
        elif key == "Escape":
            self.bridge.stop()
            self.figure_mode.value = False

    def _apply_projector_class(self) -> None:
        if self.projector.value:
            self.add_class("ns-projector")
        else:
            self.remove_class("ns-projector")

    def _sync_velocity(self) -> None:
        key = self.view[len(_RUN):] if self.view.startswith(_RUN) else SCENARIO_PROTOCOL
        uses = key != SCENARIO_PROTOCOL and PROTOCOL_CHOICES[key].uses_velocity
        self.velocity.layout.display = None if uses else "none"

    def _mark_changed(self) -> None:
        moved = self.changed()
        for name, slider in self.sliders.items():
            if name in moved:
                slider.add_class("ns-changed")
            else:
                slider.remove_class("ns-changed")

    def _view_label(self) -> str:
        label = dict((v, k) for k, v in self.view_picker.options)[self.view]
        if self.view.startswith(_RUN) and not self.velocity.layout.display:
            label += f" at {self.velocity.value:g} °/s"
        return label

    def _write_url(self) -> None:
        if not self.bridge.sync_url:
            return
        default_view = _TEST + self.scenario.measurements[0]
        state = dashboard_state.DashboardState(
            scenario=self.scenario.name, view=None if self.view == default_view else self.view,
            compare=None if self.compare.value == "overlay" else self.compare.value,
            projector=bool(self.projector.value),
            changes={k: new for k, (_, new) in self.changed().items()})
        self.bridge.url_state = dashboard_state.encode(state)

    def _help_text(self) -> str:
        keys = "".join(f"<li><kbd>{'space' if k == ' ' else html.escape(k)}</kbd> — "
                       f"{html.escape(v)}</li>" for k, v in SHORTCUTS.items())
        return ("<b>What you see.</b> Pick a scenario; <i>Show</i> chooses the test (the "
                "scenario's own tests first). The cards are the test's numbers for the current "
                "settings, with the comparison below each; the figure title lists every slider "
                "you moved. Sliders update when released; type a value in the box beside one, "
                "or focus it and use the arrow keys. <b>Keys</b> (when no text box is "
                f"focused):<ul>{keys}</ul><i>{html.escape(TEACHING_LABEL)}.</i>")

    # ------------------------------------------------------------------ messages & files
    def _guarded(self, action) -> None:
        try:
            action()
        except Exception as exc:
            log.info("dashboard action failed", exc_info=exc)
            self._say(self.message, _plain(exc))

    @staticmethod
    def _say(target: w.HTML, text: str, *, error: bool = True) -> None:
        kind = "ns-error" if error else "ns-info"
        target.value = f'<div class="{kind}" role="alert">{html.escape(text)}</div>'

    def _files_action(self, action) -> None:
        try:
            action()
        except Exception as exc:  # shown next to the file buttons; nothing else changes
            log.info("file action failed", exc_info=exc)
            self._say(self.files_message, _plain(exc))

    def _download_figure(self) -> None:
        name = f"neurosim_{self.scenario.name}.png"
        self.bridge.download(name, self.figure_png(), "image/png")
        self._say(self.files_message, f"Figure sent to your browser as {name}", error=False)

    def _download_settings(self) -> None:
        name = f"{self.scenario.name}_settings.json"
        data = json.dumps(self.current_scenario(Path(name).stem).to_dict(), indent=2)
        self.bridge.download(name, data.encode("utf-8"), "application/json")
        self._say(self.files_message, f"Settings sent to your browser as {name} (open it again "
                  f"with Load settings, or: neurosim run {name})", error=False)

    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        try:
            text = bytes(item["content"]).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{item['name']} is not a text file") from None
        try:
            self.load_scenario_text(text)
        except ValueError as exc:
            raise ValueError(f"could not load {item['name']}: {exc}") from None
        self._say(self.files_message, f"Loaded {item['name']}", error=False)


# ---------------------------------------------------------------------- helpers
def _nice_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) that crosses ``span`` in about 20 presses."""
    raw = span / 20.0
    exponent = math.floor(math.log10(raw))
    for mantissa in (1.0, 2.0, 2.5, 5.0, 10.0):
        if mantissa * 10.0 ** exponent >= raw * (1 - 1e-9):
            return float(mantissa * 10.0 ** exponent)
    return float(10.0 ** (exponent + 1))  # pragma: no cover


def _slider(spec: FieldSpec) -> w.FloatSlider:
    unit = "" if spec.unit == "1" else f" ({spec.unit})"
    step = 1.0 if spec.integer else _nice_step(spec.max - spec.min)
    return w.FloatSlider(
        value=spec.default, min=spec.min, max=spec.max, step=step,
        description=f"{spec.label}{unit}", tooltip=f"{spec.help}\nSource: {spec.source}",
        continuous_update=False, readout=False,
        style={"description_width": "initial"}, layout=w.Layout(flex="1 1 auto", width="auto"))


def _readout(spec: FieldSpec) -> w.Text:
    box = w.Text(value=_format(spec, spec.default), continuous_update=False,
                 tooltip=f"{spec.label}: type a value in {spec.describe_range()}",
                 layout=w.Layout(width="5.5em"))
    box.add_class("ns-readout")
    return box


def _format(spec: FieldSpec, value: float) -> str:
    return f"{int(round(value))}" if spec.integer else f"{value:.3g}"


def _parse_typed(spec: FieldSpec, text: str) -> tuple[float, str]:
    """(value, "") for a valid typed value, else (nan, a plain-language message)."""
    unit = "" if spec.unit == "1" else f" {spec.unit}"
    allowed = f"between {spec.min:g} and {spec.max:g}{unit}"
    cleaned = text.replace(" ", "")
    try:
        value = float(cleaned)
    except ValueError:
        hint = (f' Use a dot for decimals: {cleaned.replace(",", ".")}.'
                if "," in cleaned else "")
        return math.nan, (f"{spec.label}: “{text}” is not a number.{hint} It stays at its "
                          f"value; allowed: {allowed}.")
    if not math.isfinite(value) or not spec.min <= value <= spec.max:
        side = "too small" if value < spec.min else "too large"
        return math.nan, (f"{spec.label}: {text}{unit} is {side} — allowed: {allowed}. "
                          f"It stays at its value.")
    if spec.integer and value != int(value):
        return math.nan, f"{spec.label}: {text} must be a whole number ({allowed})."
    return value, ""


def _checked_choice(chosen, allowed: tuple, what: str):
    """``None`` or a tuple of names, each in ``allowed`` (else a ValueError naming them)."""
    if chosen is None:
        return None
    chosen = (chosen,) if isinstance(chosen, str) else tuple(chosen)
    unknown = [name for name in chosen if name not in allowed]
    if unknown or not chosen:
        raise ValueError(f"{what} = {list(chosen)!r}: choose one or more of {list(allowed)}")
    return chosen


def _group(specs: list[FieldSpec]) -> dict[str, list[FieldSpec]]:
    out: dict[str, list[FieldSpec]] = {}
    for spec in specs:
        out.setdefault(spec.group or spec.stage, []).append(spec)
    return out


def _scenario_options() -> list[tuple[str, str]]:
    options = []
    for category, title in _CATEGORY_TITLES.items():
        for s in scenarios.all_scenarios():
            if s.category == category:
                options.append((f"{title} › {s.title}", s.name))
    return options


def _preset_options() -> list[tuple[str, str]]:
    """Before/after pairs: every treatment that names the condition it treats."""
    return [("choose…", "")] + [
        (f"{s.treats} → {s.name}", s.name) for s in scenarios.all_scenarios()
        if s.treats is not None]


def _describe(scenario: Scenario) -> str:
    e = html.escape
    return (f"<div><b>{e(scenario.title)}</b> <i>({e(scenario.category)})</i><br>"
            f"{e(scenario.description)}<br><b>Mechanism:</b> {e(scenario.mechanism)}<br>"
            f"<b>Look for:</b> {e(scenario.learning_goal)}<br>"
            f"<small><b>Caveat:</b> {e(scenario.caveat)}</small></div>")


def _plain(exc: Exception) -> str:
    return str(exc) if isinstance(exc, (ValueError, OSError)) else f"{type(exc).__name__}: {exc}"


def _text_of(markup: str) -> str:
    import re
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _reading_cards(m) -> str:
    cards = []
    for r in m.readings[:MAX_CARDS]:
        shown = r.formatted()
        absent = not math.isfinite(r.values[-1])  # "none", "no clonus": no unit after it
        unit = f"<small> {html.escape(r.unit)}</small>" if r.unit and not absent else ""
        others = " · ".join(f"{html.escape(label)} {html.escape(value)}"
                            for label, value in zip(m.labels[:-1], shown[:-1]))
        cards.append(f'<div class="ns-card" data-reading="{html.escape(r.label)}">'
                     f'<div class="ns-value">{html.escape(shown[-1])}{unit}</div>'
                     f'<div class="ns-name">{html.escape(r.label)}</div>'
                     + (f'<div class="ns-ref">{others}</div>' if others else "") + "</div>")
    return f'<div class="ns-cards">{"".join(cards)}</div>'


def _reading_table(m) -> str:
    e = html.escape
    head = "".join(f"<th>{e(label)}</th>" for label in m.labels)
    rows = "".join(f"<tr><td>{e(r.label)}</td>"
                   + "".join(f"<td align='right'>{e(v)}</td>" for v in r.formatted())
                   + f"<td>{e(r.unit)}</td></tr>" for r in m.readings)
    return (f"<details><summary><b>All numbers of this test</b></summary><table>"
            f"<tr><th></th>{head}<th></th></tr>{rows}</table></details>")


_ALWAYS = ("spasm_count", "longest_spasm_s", "peak_force_percent", "mean_firing_rate_hz",
           "fasciculation_rate_hz")


def _applicable(result) -> list[str]:
    """Metric names that mean something for this run's protocol, most specific first."""
    components = result.protocol.components
    specific = [name for name, m in METRICS.items() if m.setup is not None
                and any(isinstance(c, SETUPS[m.setup].component) for c in components)]
    return specific + [n for n in _ALWAYS if n in METRICS]


def _metrics(result, names=None) -> dict[str, float]:
    out = {}
    for name in _applicable(result) if names is None else names:
        try:
            out[name] = METRICS[name](result)
        except ValueError:  # e.g. a clonus test too short to judge: leave the card out
            continue
    return out


def _cards(metrics: dict[str, float]) -> str:
    cards = []
    for name, value in list(metrics.items())[:MAX_CARDS]:
        m = METRICS[name]
        unit = "" if m.unit == "1" else f" {m.unit}"
        shown = "—" if value != value else f"{value:.3g}"
        cards.append(f'<div class="ns-card" title="{html.escape(m.description)}" '
                     f'data-metric="{name}"><div class="ns-value">{shown}'
                     f'<small>{html.escape(unit)}</small></div>'
                     f'<div class="ns-name">{html.escape(m.label)}</div></div>')
    return f'<div class="ns-cards">{"".join(cards)}</div>'


def dashboard(scenario: str = "healthy", *, projector: bool = False, **kwargs) -> Dashboard:
    """The instructor dashboard: every scenario, test and teaching lever.

    Parameters
    ----------
    scenario : str
        Starting scenario.
    projector : bool
        Start in projector mode.
    **kwargs
        Passed to :class:`Dashboard`.
    """
    return Dashboard(scenario, projector=projector, **kwargs)


def served_dashboard(query: str = "", *, scenario: str = "healthy",
                     projector: bool = False) -> Dashboard:
    """The dashboard as ``neurosim dashboard`` serves it: state from the page address.

    Parameters
    ----------
    query : str
        The address's query string (Voila passes it as ``QUERY_STRING``); a bad one
        opens the default view with the problem shown next to the figure.
    scenario, projector : optional
        Defaults when the address does not say (the command line's choices).
    """
    problem = None
    try:
        state = dashboard_state.decode(query) if query else dashboard_state.DashboardState(
            scenario=scenario, projector=projector)
    except ValueError as exc:
        problem = f"The page address was not understood ({exc}); showing the default view."
        state = dashboard_state.DashboardState(scenario=scenario, projector=projector)
    try:
        app = Dashboard(state.scenario, projector=state.projector, compare=state.compare,
                        view=state.view, changes=state.changes, sync_url=True)
    except ValueError as exc:  # e.g. a view the scenario does not offer
        problem = f"The page address was not understood ({exc}); showing the default view."
        app = Dashboard(state.scenario, projector=state.projector, sync_url=True)
    if problem:
        app._say(app.message, problem)
    return app


def explorer(scenario: str = "healthy", fields=None, *, protocol: str = SCENARIO_PROTOCOL,
             compare: str = "off", panels=None, metrics=None, **kwargs) -> Dashboard:
    """A compact explorer for notebooks: a few sliders and the figure, no picker or files.

    Parameters
    ----------
    scenario : str
        The scenario explored.
    fields : sequence of str, optional
        Dotted parameter names that get sliders (default: all teaching levers).
    protocol : str
        Protocol-menu key (default: the scenario's own).
    compare : {"off", "overlay", "side by side"}
        Comparison with the reference (see :class:`Dashboard`).
    panels, metrics : sequence of str, optional
        Only these figure panels and big numbers (a notebook shows what it has taught);
        see :class:`Dashboard`.
    **kwargs
        Passed to :class:`Dashboard` (e.g. ``view="test:reflex"``).

    Examples
    --------
    >>> from neurosim.widgets import explorer
    >>> app = explorer("spinal_cord_injury", ["inhibition.reciprocal", "pic.strength"])
    >>> app.set_value("pic.strength", 0.2)   # what the slider does
    >>> app.metrics["longest_spasm_s"] < 2.0
    True
    """
    if "view" in kwargs:
        protocol = None
    return Dashboard(scenario, fields=fields, picker=False, files=False, protocol=protocol,
                     compare=compare, panels=panels, metrics=metrics, **kwargs)
