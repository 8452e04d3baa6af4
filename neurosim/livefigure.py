"""A multi-panel figure that is redrawn in place, fast enough for sliders.

The dashboard and the notebook explorers (:mod:`neurosim.widgets`) show one run —
optionally against a reference run — as a PNG. Rebuilding a matplotlib figure
costs about 0.2 s, too slow for a slider, so :class:`LiveFigure` keeps one figure
with a fixed layout and, on each :meth:`LiveFigure.render`:

1. removes the data artists of the previous run,
2. draws the new run with the ordinary panel functions of :mod:`neurosim.plotting`
   (one implementation for saved figures, the tour and the dashboard),
3. rounds each panel's y-limits to a "nice" value (1, 2, 5 × 10ⁿ), so axes, ticks and
   labels usually stay the same from one run to the next,
4. blits: restores the cached picture of the empty axes and draws only the data
   artists on top; only when a limit or the title changed is the whole figure drawn,
5. encodes the canvas as JPEG (quality 92, no chroma subsampling): a few ms, where PNG
   takes 10–12 ms for the same picture. Saved figures (:meth:`LiveFigure.save`) are
   drawn afresh at full quality in any format.

Legends sit to the right of their panels, outside the data, so they belong to the
cached background and are not redrawn on every frame.

Panels are chosen from the run: raster, force, joint angle (when the protocol moves
the limb), surface EMG, endplate potential (when units were recorded).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from . import plotting
from .plotting import PALETTE
from .plotting.base import _root_figure
from .result import SimulationResult

__all__ = ["LiveFigure", "PANELS", "COMPARE_MODES", "IMAGE_FORMAT", "DPI", "panels_for",
           "nice_ceiling", "render_static", "rc_params"]

PANELS = ("raster", "force", "joint", "emg", "endplate")
"""Every panel the live figure can show, in display order."""

COMPARE_MODES = ("off", "overlay", "side by side")
"""How a reference run is shown: not at all, in grey under the current run, or in a
second column with the same y-limits."""

REFERENCE_COLOUR = PALETTE["grey"]

_PROJECTOR_RC = {"font.size": 15.0, "axes.titlesize": 17.0, "axes.labelsize": 15.0,
                 "xtick.labelsize": 13.0, "ytick.labelsize": 13.0, "legend.fontsize": 12.0,
                 "axes.linewidth": 1.6, "xtick.major.width": 1.4, "ytick.major.width": 1.4,
                 "axes.edgecolor": "black", "text.color": "black", "axes.labelcolor": "black",
                 "xtick.color": "black", "ytick.color": "black"}
_NORMAL_RC = {"font.size": 10.0, "axes.titlesize": 11.0, "legend.fontsize": 9.0}
_PROJECTOR_LINE_SCALE = 1.8
_NARROW_PX = 900  # narrower pictures put their legends inside the panels
_PANEL_HEIGHT_IN = {False: 2.3, True: 3.0}
_FIGURE_WIDTH_IN = {False: 11.0, True: 13.0}
DPI = 100.0
"""Pixels per inch of every live picture: font sizes in points are 1.39 px per point."""
IMAGE_FORMAT = "jpeg"
"""Format of the bytes :meth:`LiveFigure.render` returns (an ipywidgets Image format)."""
_JPEG_QUALITY = 92


def nice_ceiling(x: float) -> float:
    """Smallest value of the form 1, 2 or 5 × 10ⁿ that is ≥ ``x`` (``x`` > 0).

    Examples
    --------
    >>> nice_ceiling(0.3), nice_ceiling(64.0), nice_ceiling(100.0)
    (0.5, 100.0, 100.0)
    """
    if not (x > 0 and math.isfinite(x)):
        raise ValueError(f"x = {x!r} must be a finite number > 0")
    exponent = math.floor(math.log10(x))
    for mantissa in (1.0, 2.0, 5.0, 10.0):
        value = mantissa * 10.0 ** exponent
        if value >= x * (1 - 1e-12):
            return float(value)
    return float(10.0 ** (exponent + 1))  # pragma: no cover  (10 × 10ⁿ always qualifies)


def _checked_size(size_px):
    if size_px is None:
        return None
    width, height = (int(round(x)) for x in size_px)
    if not (160 <= width <= 8000 and 120 <= height <= 8000):
        raise ValueError(f"size_px = {tuple(size_px)!r} px is out of range: allowed width "
                         f"[160, 8000] and height [120, 8000]")
    return (width, height)


def rc_params(projector: bool) -> dict:
    """Matplotlib settings of the live pictures (normal or projector mode)."""
    return _PROJECTOR_RC if projector else _NORMAL_RC


def render_static(draw, *, size_px, projector: bool = False, title: str = "") -> tuple:
    """Draw a whole figure at a given pixel size and encode it (no blitting).

    For the figures of :mod:`neurosim.measurements`, which build their own layout.

    Parameters
    ----------
    draw : callable
        ``draw() -> axes``: creates the figure (e.g. :meth:`Measured.draw`).
    size_px : (int, int)
        Width and height of the picture (pixels).
    projector : bool
        Large fonts and thick lines.
    title : str
        Figure title (replaces the drawing's own).

    Returns
    -------
    (bytes, matplotlib.figure.Figure)
        The picture as :data:`IMAGE_FORMAT`, and the figure (kept for saving). The
        figure is already closed in pyplot, so no notebook shows it as a stray output.
    """
    width, height = _checked_size(size_px)
    with matplotlib.rc_context(rc_params(projector)):
        axes = draw()
        fig = np.ravel(axes)[0].figure if not hasattr(axes, "figure") else axes.figure
        fig = _root_figure(fig)
        fig.set_dpi(DPI)
        fig.set_size_inches(width / DPI, height / DPI)
        if title:
            fig.suptitle(wrap_title(title, fig), x=0.01, ha="left", fontweight="bold")
        _fold_long_ylabels(fig)
        if projector:
            for line in (ln for ax in fig.axes for ln in ax.get_lines()):
                line.set_linewidth(line.get_linewidth() * _PROJECTOR_LINE_SCALE)
        import matplotlib.pyplot as plt
        plt.close(fig)  # detached from pyplot: a notebook's inline backend must not show it
        FigureCanvasAgg(fig)  # its own canvas, still drawable and savable
        fig.canvas.draw()
    return _encode_canvas(fig.canvas), fig


def wrap_title(title: str, fig) -> str:
    """``title`` with each line wrapped to the figure's width (suptitle font size)."""
    import textwrap
    size_pt = matplotlib.font_manager.FontProperties(
        size=matplotlib.rcParams["figure.titlesize"]).get_size_in_points()
    width_px = fig.get_figwidth() * fig.dpi
    chars = max(20, int(width_px / (size_pt * fig.dpi / 72.0 * 0.58)))
    return "\n".join(textwrap.fill(line, chars) for line in title.splitlines())


_CHAR_WIDTH_EM = 0.55  # mean width of a character of the label font, in font sizes
_SMALLEST_LABEL_PT = 7.0


def _fold_long_ylabels(fig) -> None:
    """Put a y-label's unit on a second line when the label is longer than its panel, and
    shrink the font of a label whose longest line is still longer (low panels of a
    projector-sized picture), so that neighbouring labels do not run into each other."""
    height_px = fig.get_figheight() * fig.dpi
    for ax in fig.axes:
        label = ax.yaxis.label
        text = label.get_text()
        room_px = ax.get_position().height * height_px
        size_px = label.get_fontsize() * fig.dpi / 72.0
        if " (" in text and "\n" not in text and \
                len(text) * _CHAR_WIDTH_EM * size_px > room_px:
            text = text.replace(" (", "\n(", 1)
            label.set_text(text)
        if room_px <= 0:
            continue
        needed_px = label.get_window_extent(fig.canvas.get_renderer()).height  # as drawn
        if needed_px > room_px:
            # with a margin: the layout, redone for the smaller label, moves the panels a little
            label.set_fontsize(max(_SMALLEST_LABEL_PT,
                                   0.9 * label.get_fontsize() * room_px / needed_px))


def _encode_canvas(canvas) -> bytes:
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=_JPEG_QUALITY, subsampling=0)
    return out.getvalue()


def panels_for(result: SimulationResult) -> tuple[str, ...]:
    """The panels that have something to show for this run, in :data:`PANELS` order."""
    chosen = ["raster", "force"]
    if result.protocol.joint_mode != "isometric":
        chosen.append("joint")
    chosen.append("emg")
    if result.recorded_units.size:
        chosen.append("endplate")
    return tuple(chosen)


@dataclass(frozen=True)
class _Layout:
    panels: tuple
    side_by_side: bool
    projector: bool
    size_px: tuple | None


class LiveFigure:
    """One figure, redrawn in place for each new run.

    Parameters
    ----------
    projector : bool
        Large fonts and thick lines for a lecture hall.
    size_px : (int, int), optional
        Width and height of the picture in pixels: the size it is shown at, so it is
        never scaled (a scaled-up picture is blurred, a scaled-down one has tiny
        labels). Default: a fixed size in inches at :data:`DPI`.

    Attributes
    ----------
    figure : matplotlib.figure.Figure or None
        The current figure (``None`` before the first :meth:`render`). Its axes hold
        the data of the last run; their ``gid`` is the panel name (``"force"``, …), with
        ``"reference:"`` in front for the reference column in side-by-side mode.
    full_redraws, blits : int
        How many renders drew the whole figure and how many only the data.
    """

    def __init__(self, *, projector: bool = False, size_px=None):
        self.projector = bool(projector)
        self.size_px = _checked_size(size_px)
        self.figure = None
        self.full_redraws = 0
        self.blits = 0
        self._layout = None
        self._axes: dict[str, object] = {}
        self._data_artists: list = []
        self._extra_axes: list = []
        self._background = None
        self._signature = None

    # ------------------------------------------------------------------ public
    def render(self, result: SimulationResult, reference: SimulationResult | None = None, *,
               compare: str = "overlay", title: str = "", panels=None,
               labels: tuple = ("current settings", "reference")) -> bytes:
        """Draw ``result`` (and ``reference``) and return the figure as image bytes.

        Parameters
        ----------
        result : SimulationResult
            The run to show.
        reference : SimulationResult, optional
            A run to compare with (e.g. ``healthy``); ignored when ``compare="off"``.
        compare : {"off", "overlay", "side by side"}
        title : str
            Figure title (e.g. the scenario and protocol).
        panels : sequence of str, optional
            Panels to show (subset of :data:`PANELS`); default :func:`panels_for`.
        labels : (str, str)
            Column titles in side-by-side mode (current run, reference run).

        Returns
        -------
        bytes
            The picture, encoded as :data:`IMAGE_FORMAT`.
        """
        if compare not in COMPARE_MODES:
            raise ValueError(f"compare = {compare!r} must be one of {COMPARE_MODES}")
        if compare == "off":
            reference = None
        chosen = tuple(panels) if panels is not None else panels_for(result)
        unknown = [p for p in chosen if p not in PANELS]
        if unknown:
            raise ValueError(f"unknown panel(s) {unknown}; choose from {PANELS}")
        if reference is not None and "endplate" in chosen and not reference.recorded_units.size:
            reference = None
        layout = _Layout(chosen, reference is not None and compare == "side by side",
                         self.projector, self.size_px)
        with matplotlib.rc_context(self._rc()):
            if layout != self._layout:
                self._build(layout)
            self._clear_data()
            self._draw_data(result, reference, layout)
            if layout.side_by_side:
                self._axes[layout.panels[0]].set_title(labels[0], loc="left")
                self._axes[f"reference:{layout.panels[0]}"].set_title(labels[1], loc="left")
            # the title changes with every moved slider ("changed: …"): it is drawn over the
            # cached background like the data, so only its number of lines forces a full draw
            wrapped = wrap_title(title, self.figure) or " "
            signature = (wrapped.count("\n"), tuple(labels) if layout.side_by_side else None,
                         self._limits(), self._legend_texts())
            if signature != self._signature or self._background is None:
                self._full_draw(wrapped)
                self._signature = signature
            else:
                self.figure._suptitle.set_text(wrapped)
                self._blit()
        return self._encode()

    def save(self, path, *, dpi: float = 120.0):
        """Save the current figure (with its teaching label) to ``path``; returns the path."""
        if self.figure is None:
            raise ValueError("nothing to save yet: render a run first")
        return plotting.save_figure(self.figure, path, dpi=dpi)

    def axes(self, panel: str, *, reference: bool = False):
        """The Axes of a panel (of the reference column with ``reference=True``)."""
        key = f"reference:{panel}" if reference else panel
        if key not in self._axes:
            raise ValueError(f"no panel {key!r} in the current figure; it has {sorted(self._axes)}")
        return self._axes[key]

    # ------------------------------------------------------------------ internals
    def _rc(self) -> dict:
        return rc_params(self.projector)

    def _build(self, layout: _Layout) -> None:
        n = len(layout.panels)
        columns = 2 if layout.side_by_side else 1
        if layout.size_px is None:
            size_in = (_FIGURE_WIDTH_IN[layout.projector],
                       0.6 + _PANEL_HEIGHT_IN[layout.projector] * n)
        else:
            size_in = (layout.size_px[0] / DPI, layout.size_px[1] / DPI)
        fig = Figure(figsize=size_in, dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        grid = fig.subplots(n, columns, sharex=True, squeeze=False)
        self._axes = {}
        for row, panel in enumerate(layout.panels):
            for col in range(columns):
                ax = grid[row, col]
                key = panel if col == 0 else f"reference:{panel}"
                ax.set_gid(key)
                self._axes[key] = ax
        for ax in grid[:-1].flat:
            ax.tick_params(labelbottom=False)
        fig.suptitle(" ", x=0.01, ha="left", fontweight="bold")
        label = plotting.add_teaching_label(fig)
        if layout.projector:
            label.set_fontsize(12.0)
            label.set_color("black")
        self.figure = fig
        self._layout = layout
        self._background = None
        self._signature = None
        self._extra_axes = []
        self._data_artists = []

    def _clear_data(self) -> None:
        for artist in self._data_artists:
            artist.remove()
        for ax in self._extra_axes:
            ax.remove()
        self._data_artists = []
        self._extra_axes = []

    def _draw_data(self, result, reference, layout: _Layout) -> None:
        fig = self.figure
        axes_before = set(fig.axes)
        targets = [(result, "", None)]
        if reference is not None:
            prefix = "reference:" if layout.side_by_side else ""
            targets.insert(0, (reference, prefix, None if layout.side_by_side else REFERENCE_COLOUR))
        for run, prefix, colour in targets:
            for panel in layout.panels:
                ax = self._axes[prefix + panel]
                before = set(ax.get_children())
                self._draw_panel(panel, run, ax, colour)
                new = [a for a in ax.get_children() if a not in before]
                if colour is not None:  # overlaid reference: keep its main traces only
                    for a in new:
                        if a.get_gid() in ("command", "afferent", "emg_raw", "fibre_threshold",
                                           "spikes"):
                            a.remove()
                    new = [a for a in ax.get_children() if a not in before]
                self._data_artists.extend(new)
        self._extra_axes = [a for a in fig.axes if a not in axes_before]
        if self.projector:
            for artist in self._data_artists:
                if isinstance(artist, matplotlib.lines.Line2D):
                    artist.set_linewidth(artist.get_linewidth() * _PROJECTOR_LINE_SCALE)
                    artist.set_markeredgewidth(artist.get_markeredgewidth() * _PROJECTOR_LINE_SCALE)
        self._tidy_limits(result, reference, layout)

    @staticmethod
    def _draw_panel(panel, run, ax, colour) -> None:
        last_row = ax.get_subplotspec().is_last_row()
        label = None if colour is None else (run.label or "reference")
        if panel == "raster":
            plotting.raster(run, ax=ax, color=colour)
        elif panel == "force":
            plotting.force(run, ax=ax, color=colour, label=label, legend=False)
        elif panel == "joint":
            plotting.joint(run, ax=ax, color=colour, legend=False)
        elif panel == "emg":
            plotting.emg(run, ax=ax, color=colour, label=label, legend=False)
        elif panel == "endplate":  # the smallest recorded unit: recruited first, most active
            plotting.endplate(run, ax=ax, color=colour, units=run.recorded_units[:1],
                              label_prefix="" if colour is None else f"{label} ",
                              legend=False)
        if not last_row:
            ax.set_xlabel("")

    def _tidy_limits(self, result, reference, layout: _Layout) -> None:
        runs = [r for r in (result, reference) if r is not None]
        duration = max(float(r.duration_s) for r in runs)
        for key, ax in self._axes.items():
            panel = key.split(":")[-1]
            ax.set_xlim(0.0, duration)
            if panel == "raster":
                continue
            lines = [a for a in ax.get_lines() if a.get_gid() not in ("afferent",)]
            values = [np.asarray(line.get_ydata(), dtype=float) for line in lines]
            values = [v[np.isfinite(v)] for v in values if v.size]
            top = max((float(v.max()) for v in values if v.size), default=1.0)
            bottom = min((float(v.min()) for v in values if v.size), default=0.0)
            if panel == "emg":
                span = nice_ceiling(max(abs(top), abs(bottom), 0.05))
                ax.set_ylim(-span, span)
            elif panel == "force":
                ax.set_ylim(0.0, nice_ceiling(max(top, 1.0)) * 1.05)
            elif panel == "endplate":
                ax.set_ylim(min(-1.0, bottom), nice_ceiling(max(top, 1.0)) * 1.05)
            elif panel == "joint":
                span = nice_ceiling(max(abs(top), abs(bottom), 1.0))
                ax.set_ylim(-span if bottom < -0.5 else -0.05 * span, span * 1.05)
        if layout.side_by_side:  # same y-limits in both columns
            for panel in layout.panels:
                a, b = self._axes[panel], self._axes[f"reference:{panel}"]
                low = min(a.get_ylim()[0], b.get_ylim()[0])
                high = max(a.get_ylim()[1], b.get_ylim()[1])
                a.set_ylim(low, high)
                b.set_ylim(low, high)

    def _limits(self) -> tuple:
        return tuple((key, ax.get_xlim(), ax.get_ylim()) for key, ax in sorted(self._axes.items()))

    def _legend_entries(self, key: str, ax) -> tuple[list, list]:
        """Labelled data artists of a panel (and of its twin axes), for its legend."""
        axes = [ax] + [a for a in self._extra_axes if a.get_position().bounds
                       == ax.get_position().bounds]
        handles, labels = [], []
        for a in axes:
            for artist in a.get_children():
                label = artist.get_label() if artist in self._data_artists else "_"
                if label and not label.startswith("_") and label not in labels:
                    handles.append(artist)
                    labels.append(label)
        return handles, labels

    def _legend_texts(self) -> tuple:
        shown = [(k, ax) for k, ax in sorted(self._axes.items())
                 if not (self._layout.side_by_side and not k.startswith("reference:"))]
        return tuple((k, tuple(self._legend_entries(k, ax)[1])) for k, ax in shown)

    def _place_legends(self) -> None:
        """Legends right of the panels (right-hand column only, side by side)."""
        for key, ax in self._axes.items():
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            if self._layout.side_by_side and not key.startswith("reference:"):
                continue
            handles, labels = self._legend_entries(key, ax)
            if not handles:
                continue
            if self._layout.size_px is not None and (self._layout.size_px[0] < _NARROW_PX
                                                     or self._layout.projector):
                # a narrow picture keeps its width for the data: legends inside the panels
                ax.legend(handles, labels, loc="upper right", fontsize="x-small",
                          frameon=True, framealpha=0.8, edgecolor="none", borderpad=0.2,
                          labelspacing=0.2, handlelength=1.2)
            else:
                ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                          fontsize="small", frameon=False)

    def _full_draw(self, wrapped_title: str) -> None:
        fig = self.figure
        # the layout keeps room for the title's lines; the background has them blank
        fig.suptitle("\n".join(" " for _ in wrapped_title.splitlines()), x=0.01, ha="left",
                     fontweight="bold")
        self._place_legends()
        _fold_long_ylabels(fig)
        hidden = self._data_artists + self._extra_axes
        for artist in hidden:
            artist.set_visible(False)
        fig.canvas.draw()
        self._background = fig.canvas.copy_from_bbox(fig.bbox)
        fig._suptitle.set_text(wrapped_title)
        for artist in hidden:
            artist.set_visible(True)
        self._draw_artists()
        self.full_redraws += 1

    def _blit(self) -> None:
        self.figure.canvas.restore_region(self._background)
        self._draw_artists()
        self.blits += 1

    def _draw_artists(self) -> None:
        fig = self.figure
        renderer = fig.canvas.get_renderer()
        for ax in self._extra_axes:  # twin axes (joint torque): drawn whole
            ax.draw(renderer)
        for artist in sorted(self._data_artists, key=lambda a: a.get_zorder()):
            if artist.axes is not None and artist.axes in self._extra_axes:
                continue
            artist.axes.draw_artist(artist) if artist.axes is not None else artist.draw(renderer)
        fig._suptitle.draw(renderer)

    def _encode(self) -> bytes:
        return _encode_canvas(self.figure.canvas)
