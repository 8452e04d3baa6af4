"""Interactive apps: the instructor dashboard and the notebook explorers (ipywidgets).

:func:`dashboard` is the lecture-hall app (also served by ``neurosim dashboard``
through Voila); :func:`explorer` is a smaller version of the same app for the
notebooks — a few sliders and panels under an experiment. Both are a
:class:`Dashboard`: one implementation.

Everything is generated from the model's own descriptions:

* scenarios (:mod:`neurosim.scenarios`) for the picker and its text;
* the parameter metadata (:func:`neurosim.parameters.slider_groups`) for the
  slider groups, ranges, units and tooltips — a parameter declared with a ``group``
  appears here without any change to this module;
* the protocol menu :data:`neurosim.experiments.PROTOCOL_CHOICES`;
* the metrics of :data:`neurosim.sweep.METRICS` for the big numbers;
* the panel functions of :mod:`neurosim.plotting`, drawn by :class:`~neurosim.livefigure.LiveFigure`.

Sliders update when released (no update storm while dragging). An update that takes
longer than 300 ms shows a "computing…" badge (a CSS animation delay: the badge is
requested at the start of every update and only becomes visible after 300 ms).
Errors appear as a message inside the app, never as a traceback, and the app keeps
working.
"""

from __future__ import annotations

import html
import json
import logging
import time
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as w

from . import TEACHING_LABEL, scenarios
from .engine import simulate
from .experiments import PROTOCOL_CHOICES
from .livefigure import COMPARE_MODES, IMAGE_FORMAT, PANELS, LiveFigure
from .parameters import FieldSpec, Parameters, field_specs, slider_groups
from .protocols import ImposedStretch
from .scenarios import Scenario
from .sweep import METRICS, SETUPS

__all__ = ["Dashboard", "dashboard", "explorer", "BUSY_DELAY_MS", "REFERENCE_SCENARIO",
           "SCENARIO_PROTOCOL"]

log = logging.getLogger(__name__)

BUSY_DELAY_MS = 300
"""An update slower than this shows the busy badge (ms)."""

REFERENCE_SCENARIO = "healthy"
"""What the comparison compares against: healthy parameters, same protocol."""

SCENARIO_PROTOCOL = "scenario"
"""Protocol-menu key for 'the scenario's own protocol'."""

_CATEGORY_TITLES = {"experiment": "Experiments", "condition": "Conditions",
                    "treatment": "Treatments"}

_VELOCITY_SPEC = ImposedStretch.__dataclass_fields__["velocity_deg_s"].metadata

_CSS = f"""
<style>
.ns-app {{ font-size: 14px; }}
.ns-app.ns-projector {{ font-size: 20px; }}
.ns-app .widget-slider .widget-label {{ white-space: normal; line-height: 1.15; }}
.ns-app.ns-projector .widget-label, .ns-app.ns-projector .widget-readout,
.ns-app.ns-projector select, .ns-app.ns-projector button, .ns-app.ns-projector input,
.ns-app.ns-projector .widget-html-content {{ font-size: 18px !important; }}
.ns-app.ns-projector .ns-banner {{ font-size: 22px; }}
.ns-banner {{ background: #000; color: #fff; padding: 4px 10px; font-weight: bold;
  border-radius: 3px; }}
.ns-changed .widget-label, .ns-changed .widget-readout {{ background: #F0E442;
  font-weight: bold; }}
.ns-card {{ display: inline-block; border: 2px solid #0072B2; border-radius: 6px;
  padding: 4px 12px; margin: 4px; min-width: 9em; vertical-align: top; }}
.ns-card .ns-value {{ font-size: 2.2em; font-weight: bold; color: #000; }}
.ns-card .ns-name {{ font-size: 0.95em; color: #333; }}
.ns-error {{ background: #D55E00; color: #fff; padding: 6px 10px; border-radius: 4px; }}
.ns-info {{ background: #009E73; color: #fff; padding: 6px 10px; border-radius: 4px; }}
.ns-busy {{ visibility: hidden; }}
.ns-busy.ns-busy-on {{ animation: ns-appear 0s linear {BUSY_DELAY_MS}ms forwards; }}
@keyframes ns-appear {{ to {{ visibility: visible; }} }}
.ns-busy .ns-badge {{ background: #E69F00; color: #000; padding: 4px 10px;
  border-radius: 4px; font-weight: bold; }}
</style>
"""


class Dashboard(w.VBox):
    """The interactive app: scenario, sliders, protocol, figure, metrics, comparison.

    Parameters
    ----------
    scenario : str or Scenario
        Starting scenario (name or object).
    fields : sequence of str, optional
        Dotted parameter names that get sliders (default: every teaching lever of
        :func:`neurosim.parameters.slider_groups`). Each must be a known parameter.
    picker : bool
        Show the scenario picker and its description (the notebook explorers hide it).
    compare : {"off", "overlay", "side by side"}
        Initial comparison with :data:`REFERENCE_SCENARIO`.
    projector : bool
        Start in projector mode (large fonts, thick lines).
    protocol : str
        Initial protocol-menu key (default: the scenario's own protocol).
    seed : int
        Noise seed of every run (fixed, so a change on screen is caused by the slider).
    files : bool
        Show the save/load controls.
    panels : sequence of str, optional
        Figure panels to show (subset of :data:`neurosim.livefigure.PANELS`); default:
        whatever the run has to show. A notebook shows only what it has taught so far.
    metrics : sequence of str, optional
        Big numbers to show (names in :data:`neurosim.sweep.METRICS`); default: every
        metric that applies to the run's protocol.

    Attributes
    ----------
    sliders : dict of str to ipywidgets.FloatSlider
        By dotted parameter name.
    result, reference : SimulationResult or None
        The last run and the comparison run.
    metrics : dict of str to float
        The big numbers of the last run, by :data:`neurosim.sweep.METRICS` name.
    live_figure : LiveFigure
    updates : int
        Successful updates so far.
    last_update_s : float
        Wall time of the last update (simulate + metrics + redraw).
    """

    def __init__(self, scenario="healthy", *, fields=None, picker: bool = True,
                 compare: str = "overlay", projector: bool = False,
                 protocol: str = SCENARIO_PROTOCOL, seed: int = 0, files: bool = True,
                 panels=None, metrics=None):
        super().__init__()
        self._panels = _checked_choice(panels, PANELS, "panels")
        self._metric_names = _checked_choice(metrics, tuple(METRICS), "metrics")
        self.add_class("ns-app")
        self.seed = int(seed)
        self.scenario = scenarios.get(scenario) if isinstance(scenario, str) else scenario
        self._specs = self._chosen_specs(fields)
        self._suspended = False
        self._reference_cache: dict = {}
        self.result = None
        self.reference = None
        self.metrics: dict[str, float] = {}
        self.updates = 0
        self.last_update_s = float("nan")
        self.live_figure = LiveFigure(projector=projector)

        # --- widgets
        self.banner = w.HTML(f'{_CSS}<div class="ns-banner">⚠ {html.escape(TEACHING_LABEL)}'
                             f' — not medical advice</div>')
        self.scenario_picker = w.Dropdown(options=_scenario_options(), value=self.scenario.name,
                                          description="Scenario", layout=w.Layout(width="36em"),
                                          style={"description_width": "initial"})
        self.description = w.HTML()
        self.protocol_picker = w.Dropdown(
            options=[("the scenario's own", SCENARIO_PROTOCOL)]
            + [(c.label, c.name) for c in PROTOCOL_CHOICES.values()],
            value=protocol, description="Protocol", style={"description_width": "initial"},
            layout=w.Layout(width="30em"))
        self.velocity = w.FloatSlider(
            value=100.0, min=_VELOCITY_SPEC["min"], max=300.0, step=5.0,
            description=f"{_VELOCITY_SPEC['label']} ({_VELOCITY_SPEC['unit']})",
            tooltip=_VELOCITY_SPEC["help"], continuous_update=False,
            style={"description_width": "initial"}, layout=w.Layout(width="30em"))
        self.compare = w.ToggleButtons(options=list(COMPARE_MODES), value=compare,
                                       description=f"Compare with {REFERENCE_SCENARIO}",
                                       style={"description_width": "initial"})
        wide = w.Layout(width="auto")
        self.projector = w.ToggleButton(value=bool(projector), description="Projector mode",
                                        icon="desktop", tooltip="Large fonts and thick lines",
                                        layout=wide)
        self.reset_button = w.Button(description="Reset sliders", icon="undo",
                                     tooltip="Back to the scenario's values", layout=wide)
        self.sliders = {spec.name: _slider(spec) for spec in self._specs}
        self.message = w.HTML()
        self.busy = w.HTML('<span class="ns-badge">computing…</span>')
        self.busy.add_class("ns-busy")
        self.metric_cards = w.HTML()
        self.image = w.Image(format=IMAGE_FORMAT, layout=w.Layout(width="100%", max_width="1400px"))
        self.file_name = w.Text(value="neurosim_dashboard", description="File name",
                                style={"description_width": "initial"})
        self.save_figure_button = w.Button(description="Save figure (PNG)", icon="image",
                                           layout=wide)
        self.save_scenario_button = w.Button(description="Save settings as scenario",
                                             icon="save", layout=wide)
        self.load_scenario_button = w.Button(description="Load scenario file",
                                             icon="folder-open", layout=wide)

        # --- layout
        groups = []
        for group, specs in _group(self._specs).items():
            rows = [self.sliders[s.name] for s in specs]
            groups.append(w.VBox([w.HTML(f"<b>{html.escape(group)}</b>")] + rows))
        controls = [self.protocol_picker, self.velocity, *groups, self.reset_button]
        top = [self.banner]
        if picker:
            top += [self.scenario_picker, self.description]
        top += [w.HBox([self.compare, self.projector]), self.message]
        files_row = [w.HBox([self.file_name, self.save_figure_button, self.save_scenario_button,
                             self.load_scenario_button])] if files else []
        self.children = [*top,
                         w.HBox([w.VBox(controls, layout=w.Layout(min_width="36em")),
                                 w.VBox([w.HBox([self.metric_cards, self.busy]), self.image],
                                        layout=w.Layout(flex="1"))]),
                         *files_row]

        # --- events
        self.scenario_picker.observe(self._on_scenario, names="value")
        for slider in self.sliders.values():
            slider.observe(self._on_slider, names="value")
        self.protocol_picker.observe(self._on_control, names="value")
        self.velocity.observe(self._on_control, names="value")
        self.compare.observe(self._on_control, names="value")
        self.projector.observe(self._on_projector, names="value")
        self.reset_button.on_click(lambda _: self.reset())
        self.save_figure_button.on_click(lambda _: self._guarded(self._save_figure_clicked))
        self.save_scenario_button.on_click(lambda _: self._guarded(self._save_scenario_clicked))
        self.load_scenario_button.on_click(lambda _: self._guarded(self._load_scenario_clicked))

        self._apply_projector_class()
        self._show_scenario(self.scenario, protocol=protocol)

    # ------------------------------------------------------------------ public API
    @property
    def parameters(self) -> Parameters:
        """The scenario's parameters with the current slider values (validated)."""
        changes = {name: float(s.value) for name, s in self.sliders.items()}
        return self.scenario.parameters.with_changes(**changes)

    def protocol(self):
        """The current protocol and run duration (s)."""
        key = self.protocol_picker.value
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

    def select_scenario(self, name: str) -> None:
        """Pick a built-in scenario (as the picker does)."""
        self.scenario_picker.value = name

    def reset(self) -> None:
        """Put every slider back to the scenario's value and update once."""
        with self._hold():
            base = self.scenario.parameters
            for name, slider in self.sliders.items():
                slider.value = base.get(name)
        self.update()

    def save_figure(self, path) -> Path:
        """Save the current figure as PNG (with the teaching label)."""
        return self.live_figure.save(path)

    def current_scenario(self, name: str | None = None) -> Scenario:
        """The current settings as a :class:`~neurosim.scenarios.Scenario`.

        Its changes are every parameter that differs from the healthy defaults, so the
        file stands alone; its protocol and duration are the current ones.
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
            duration_s=duration_s)

    def save_scenario(self, path, *, name: str | None = None) -> Path:
        """Write the current settings as a scenario file (``neurosim run FILE`` reads it)."""
        return self.current_scenario(name or Path(path).stem).save(path)

    def load_scenario(self, path) -> None:
        """Load a scenario file: its parameters, protocol and text; sliders follow."""
        self._show_scenario(Scenario.load(path), protocol=SCENARIO_PROTOCOL)

    def update(self) -> bool:
        """Simulate with the current settings and redraw. Returns whether it worked.

        Any error is shown in :attr:`message` (one readable line) and logged; the
        previous picture stays.
        """
        if self._suspended:
            return False
        started = time.perf_counter()
        self.busy.add_class("ns-busy-on")
        try:
            parameters = self.parameters
            protocol, duration_s = self.protocol()
            result = simulate(parameters, protocol, duration_s, seed=self.seed,
                              label=self.scenario.name)
            reference = None
            if self.compare.value != "off":
                reference = self._reference(protocol, duration_s)
            title = f"{self.scenario.title} — {self._protocol_label()}"
            self.image.value = self.live_figure.render(
                result, reference, compare=self.compare.value, title=title,
                panels=self._panels, labels=("current settings", REFERENCE_SCENARIO))
            self.result, self.reference = result, reference
            self.metrics = _metrics(result, self._metric_names)
            self.metric_cards.value = _cards(self.metrics)
            self.message.value = ""
            self.updates += 1
            return True
        except Exception as exc:  # the app must survive anything; show it, don't raise
            self._show_error(exc)
            return False
        finally:
            self.busy.remove_class("ns-busy-on")
            self.last_update_s = time.perf_counter() - started
            self._mark_changed()

    @property
    def message_text(self) -> str:
        """The message line without markup ("" when all is well)."""
        import re
        return html.unescape(re.sub(r"<[^>]+>", "", self.message.value))

    # ------------------------------------------------------------------ internals
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

    def _show_scenario(self, scenario: Scenario, *, protocol: str) -> None:
        with self._hold():
            self.scenario = scenario
            if scenario.name in scenarios.names() and self.scenario_picker.value != scenario.name:
                self.scenario_picker.value = scenario.name
            base = scenario.parameters
            for name, slider in self.sliders.items():
                slider.value = base.get(name)
            self.protocol_picker.value = protocol
            self.description.value = _describe(scenario)
        self._sync_velocity()
        self.update()

    def _on_scenario(self, change) -> None:
        if self._suspended:
            return
        self._guarded(lambda: self._show_scenario(scenarios.get(change["new"]),
                                                  protocol=SCENARIO_PROTOCOL))

    def _on_slider(self, change) -> None:
        self.update()  # highlights the moved sliders too

    def _on_control(self, change) -> None:
        self._sync_velocity()
        self.update()

    def _on_projector(self, change) -> None:
        self.live_figure = LiveFigure(projector=bool(change["new"]))
        self._apply_projector_class()
        self.update()

    def _apply_projector_class(self) -> None:
        if self.projector.value:
            self.add_class("ns-projector")
        else:
            self.remove_class("ns-projector")

    def _sync_velocity(self) -> None:
        key = self.protocol_picker.value
        uses = key != SCENARIO_PROTOCOL and PROTOCOL_CHOICES[key].uses_velocity
        self.velocity.layout.display = None if uses else "none"

    def _mark_changed(self) -> None:
        moved = self.changed()
        for name, slider in self.sliders.items():
            if name in moved:
                slider.add_class("ns-changed")
            else:
                slider.remove_class("ns-changed")

    def _protocol_label(self) -> str:
        key = self.protocol_picker.value
        if key == SCENARIO_PROTOCOL:
            return "scenario protocol"
        label = PROTOCOL_CHOICES[key].label
        if PROTOCOL_CHOICES[key].uses_velocity:
            label += f" at {self.velocity.value:g} °/s"
        return label

    def _reference(self, protocol, duration_s):
        key = (json.dumps(protocol.to_dict(), sort_keys=True), duration_s, self.seed)
        if key not in self._reference_cache:
            self._reference_cache.clear()  # one protocol at a time is enough
            self._reference_cache[key] = simulate(
                scenarios.get(REFERENCE_SCENARIO).parameters, protocol, duration_s,
                seed=self.seed, label=REFERENCE_SCENARIO)
        return self._reference_cache[key]

    def _guarded(self, action) -> None:
        try:
            action()
        except Exception as exc:
            self._show_error(exc)

    def _show_error(self, exc: Exception) -> None:
        log.info("dashboard update failed", exc_info=exc)
        text = str(exc) if isinstance(exc, (ValueError, OSError)) else (
            f"{type(exc).__name__}: {exc}")
        self.message.value = (f'<div class="ns-error">Could not update: {html.escape(text)}. '
                              "The previous picture is kept; change a setting to try again."
                              "</div>")

    def _info(self, text: str) -> None:
        self.message.value = f'<div class="ns-info">{html.escape(text)}</div>'

    def _target(self, suffix: str) -> Path:
        stem = self.file_name.value.strip()
        if not stem:
            raise ValueError("file name is empty: type a name first")
        path = Path(stem)
        return path if path.suffix == suffix else path.with_suffix(suffix)

    def _save_figure_clicked(self) -> None:
        path = self.save_figure(self._target(".png"))
        self._info(f"Figure saved to {path.resolve()}")

    def _save_scenario_clicked(self) -> None:
        path = self.save_scenario(self._target(".json"))
        self._info(f"Scenario saved to {path.resolve()} (run it: neurosim run {path})")

    def _load_scenario_clicked(self) -> None:
        path = self._target(".json")
        self.load_scenario(path)
        self._info(f"Loaded {path}")


# ---------------------------------------------------------------------- helpers
def _slider(spec: FieldSpec) -> w.FloatSlider:
    unit = "" if spec.unit == "1" else f" ({spec.unit})"
    span = spec.max - spec.min
    step = 1.0 if spec.integer else float(f"{span / 200:.1g}")
    return w.FloatSlider(
        value=spec.default, min=spec.min, max=spec.max, step=step,
        description=f"{spec.label}{unit}", tooltip=f"{spec.help}\nSource: {spec.source}",
        continuous_update=False, readout_format=".3g",
        style={"description_width": "16em"}, layout=w.Layout(width="36em"))


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


def _describe(scenario: Scenario) -> str:
    e = html.escape
    return (f"<div><b>{e(scenario.title)}</b> <i>({e(scenario.category)})</i><br>"
            f"{e(scenario.description)}<br><b>Mechanism:</b> {e(scenario.mechanism)}<br>"
            f"<b>Look for:</b> {e(scenario.learning_goal)}<br>"
            f"<small><b>Caveat:</b> {e(scenario.caveat)}</small></div>")


_ALWAYS = ("spasm_count", "longest_spasm_s", "peak_force_percent", "mean_firing_rate_hz",
           "fasciculation_rate_hz")


def _applicable(result) -> list[str]:
    """Metric names that mean something for this run's protocol, most specific first."""
    components = result.protocol.components
    specific = [name for name, m in METRICS.items() if m.setup is not None
                and any(isinstance(c, SETUPS[m.setup].component) for c in components)]
    return specific + [n for n in _ALWAYS if n in METRICS]


def _checked_choice(chosen, allowed: tuple, what: str):
    """``None`` or a tuple of names, each in ``allowed`` (else a ValueError naming them)."""
    if chosen is None:
        return None
    chosen = (chosen,) if isinstance(chosen, str) else tuple(chosen)
    unknown = [name for name in chosen if name not in allowed]
    if unknown or not chosen:
        raise ValueError(f"{what} = {list(chosen)!r}: choose one or more of {list(allowed)}")
    return chosen


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
    for name, value in metrics.items():
        m = METRICS[name]
        unit = "" if m.unit == "1" else f" {m.unit}"
        shown = "—" if value != value else f"{value:.3g}"
        cards.append(f'<div class="ns-card" title="{html.escape(m.description)}" '
                     f'data-metric="{name}"><div class="ns-value">{shown}'
                     f'<small>{html.escape(unit)}</small></div>'
                     f'<div class="ns-name">{html.escape(m.label)}</div></div>')
    return "".join(cards)


def dashboard(scenario: str = "healthy", *, projector: bool = False, **kwargs) -> Dashboard:
    """The instructor dashboard: every scenario and teaching lever.

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
        Comparison with the healthy scenario.
    panels, metrics : sequence of str, optional
        Only these figure panels and big numbers (a notebook shows what it has taught);
        see :class:`Dashboard`.
    **kwargs
        Passed to :class:`Dashboard`.

    Examples
    --------
    >>> from neurosim.widgets import explorer
    >>> app = explorer("spinal_cord_injury", ["inhibition.reciprocal", "pic.strength"])
    >>> app.set_value("pic.strength", 0.2)   # what the slider does
    >>> app.metrics["longest_spasm_s"] < 2.0
    True
    """
    return Dashboard(scenario, fields=fields, picker=False, files=False, protocol=protocol,
                     compare=compare, panels=panels, metrics=metrics, **kwargs)
