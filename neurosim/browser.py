"""The dashboard's link to the browser page: size, address, keys, downloads, play.

ipywidgets cannot see the page around them. :class:`BrowserBridge` is a small
invisible widget (an :mod:`anywidget` with a few lines of JavaScript) that gives the
dashboard what a lecture hall needs from the page:

* ``figure_box`` — the width and height (CSS px) the figure can have without
  scrolling: the width of the figure area and, when ``fit_height`` is on, the height
  from its top to the bottom of the window. The dashboard draws its figure at exactly
  that size, so it is never scaled up (blurry) or cut off.
* ``url_state`` — the dashboard's state as a query string, kept in the page address
  when ``sync_url`` is on: a bookmark or a link in the slides reopens the same view, and
  a reload keeps it (Voila hands the address's query string to the app's kernel, which
  starts in that state; see :mod:`neurosim.dashboard_state`).
* keyboard shortcuts (``shortcuts`` on): every key press outside a text field is sent
  to Python as ``{"type": "key", "key": ...}`` (:meth:`on_key`).
* :meth:`download` — hands bytes to the browser as a file download (figure, scenario).
* :meth:`play` — sweeps a time cursor across the figure in slow motion, with the ankle
  angle and the force shown beside it as they were at that moment.
* :meth:`fullscreen` — asks the browser to show the app full screen.

Works wherever ipywidgets work with anywidget: Voila (the served dashboard),
JupyterLab and Jupyter Notebook.
"""

from __future__ import annotations

import base64
from typing import Callable

from ._extras import require

require("dashboard", "neurosim.browser", modules=("anywidget",))

import anywidget  # noqa: E402
import traitlets  # noqa: E402

__all__ = ["BrowserBridge"]

_ESM = r"""
function appOf(el) { return el.closest(".ns-app") || document.body; }

function scrollParent(node) {
  // the element that scrolls the app (JupyterLab's notebook panel), or null for the window
  for (let p = node.parentElement; p && p !== document.body; p = p.parentElement) {
    const style = getComputedStyle(p).overflowY;
    if ((style === "auto" || style === "scroll") && p.scrollHeight > p.clientHeight + 1) {
      return p;
    }
  }
  return null;
}

function measure(model, el) {
  const app = appOf(el);
  const area = app.querySelector(".ns-figure-area");
  if (!area) return;
  const box = area.getBoundingClientRect();
  const width = Math.floor(area.clientWidth);
  let height;
  if (model.get("fit_height")) {
    const scroller = scrollParent(app);
    if (scroller && scroller.clientHeight < window.innerHeight - 2) {
      // inside a notebook panel (JupyterLab): one visible panel height, app scrolled to its top
      const above = box.top - app.getBoundingClientRect().top;
      height = Math.floor(scroller.clientHeight - above - 12);
    } else {  // a page of its own (Voila): the window below the figure's top
      const scrolled = scroller ? scroller.scrollTop : window.scrollY;
      height = Math.floor(window.innerHeight - Math.max(0, box.top + scrolled) - 6);
    }
  } else {
    height = Math.floor(width * 0.62);
  }
  const next = [Math.max(width, 240), Math.max(height, 200)];
  const now = model.get("figure_box") || [];
  if (now[0] !== next[0] || now[1] !== next[1]) {
    model.set("figure_box", next);
    model.save_changes();
  }
}

function download(msg) {
  const bytes = Uint8Array.from(atob(msg.b64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: msg.mime }));
  const a = document.createElement("a");
  a.href = url;
  a.download = msg.name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function play(el, msg, state) {
  stop(state);
  const area = appOf(el).querySelector(".ns-figure-area");
  const img = area && area.querySelector("img");
  if (!img) return;
  area.style.position = "relative";
  const cursor = document.createElement("div");
  cursor.className = "ns-cursor";
  const panel = document.createElement("div");
  panel.className = "ns-play-panel";
  panel.innerHTML =
    '<svg viewBox="-60 -60 120 120" width="120" height="120" aria-label="ankle">' +
    '<line x1="0" y1="-55" x2="0" y2="0" stroke="#555" stroke-width="8"/>' +
    '<g class="ns-foot"><line x1="-12" y1="0" x2="50" y2="0" stroke="#0072B2" ' +
    'stroke-width="10" stroke-linecap="round"/></g></svg>' +
    '<div class="ns-force-bar"><div class="ns-force-fill"></div></div>' +
    '<div class="ns-play-text"></div>';
  area.appendChild(cursor);
  area.appendChild(panel);
  state.nodes = [cursor, panel];
  const foot = panel.querySelector(".ns-foot");
  const fill = panel.querySelector(".ns-force-fill");
  const text = panel.querySelector(".ns-play-text");
  const n = msg.time_s.length;
  const t0 = msg.time_s[0], t1 = msg.time_s[n - 1];
  const wall_ms = (t1 - t0) * msg.slowmo * 1000;
  const start = performance.now();
  function frame(now) {
    const f = Math.min(1, (now - start) / wall_ms);
    const i = Math.min(n - 1, Math.round(f * (n - 1)));
    const x = img.offsetLeft + img.clientWidth * (msg.x0 + f * (msg.x1 - msg.x0));
    cursor.style.left = x + "px";
    cursor.style.top = img.offsetTop + img.clientHeight * msg.top + "px";
    cursor.style.height = img.clientHeight * (msg.bottom - msg.top) + "px";
    foot.setAttribute("transform", "rotate(" + (-msg.angle_deg[i]) + ")");
    fill.style.height = Math.max(0, Math.min(100, msg.force_percent[i])) + "%";
    text.textContent = "t = " + msg.time_s[i].toFixed(2) + " s  ·  force " +
      msg.force_percent[i].toFixed(0) + " %  ·  ankle " + msg.angle_deg[i].toFixed(1) + "°";
    if (f < 1) { state.raf = requestAnimationFrame(frame); }
    else { state.done = setTimeout(() => stop(state), 1500); }
  }
  state.raf = requestAnimationFrame(frame);
}

function stop(state) {
  if (state.raf) cancelAnimationFrame(state.raf);
  if (state.done) clearTimeout(state.done);
  (state.nodes || []).forEach((node) => node.remove());
  state.nodes = [];
}

function labelControls(app) {
  // ipywidgets' slider handles and our typed-value boxes have no accessible name: give each
  // the text of its slider's label, so screen readers and keyboard users know what it sets
  app.querySelectorAll(".widget-slider").forEach((slider) => {
    const label = slider.querySelector("label");
    if (!label || !label.innerText) return;
    const name = label.innerText.trim();
    const handle = slider.querySelector(".noUi-handle");
    if (handle && handle.getAttribute("aria-label") !== name) {
      handle.setAttribute("aria-label", name);
    }
    const row = slider.parentElement;
    const box = row && row.querySelector(".ns-readout input");
    if (box && box.getAttribute("aria-label") !== name + ": type a value") {
      box.setAttribute("aria-label", name + ": type a value");
    }
  });
}

function isTyping(target) {
  const tag = (target.tagName || "").toLowerCase();
  return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
}

export default {
  render({ model, el }) {
    el.classList.add("ns-bridge");
    const state = { nodes: [] };
    const onUrl = () => {
      if (!model.get("sync_url") || !model.get("url_state")) return;
      const query = "?" + model.get("url_state");
      if (window.location.search !== query) {
        history.replaceState(null, "", query + window.location.hash);
      }
    };
    model.on("change:url_state", onUrl);
    const app = appOf(el);
    labelControls(app);
    const labeller = new MutationObserver(() => labelControls(app));
    labeller.observe(app, { childList: true, subtree: true });
    const remeasure = () => measure(model, el);
    const observer = new ResizeObserver(remeasure);
    const area = appOf(el).querySelector(".ns-figure-area");
    if (area) observer.observe(area);
    window.addEventListener("resize", remeasure);
    model.on("change:fit_height", remeasure);
    model.on("msg:custom", (msg) => {
      if (msg.type === "download") download(msg);
      else if (msg.type === "play") play(el, msg, state);
      else if (msg.type === "stop") stop(state);
      else if (msg.type === "remeasure") remeasure();
      else if (msg.type === "fullscreen") {
        if (document.fullscreenElement) document.exitFullscreen();
        else appOf(el).requestFullscreen && appOf(el).requestFullscreen();
      }
    });
    const onKey = (event) => {
      if (!model.get("shortcuts") || isTyping(event.target)) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const keys = ["n", "p", "r", "c", "f", "t", " ", "h", "u", "Escape"];
      if (!keys.includes(event.key)) return;
      if (event.key === " ") event.preventDefault();
      if (event.key === "f") {  // full screen needs the key press itself (a user gesture)
        if (document.fullscreenElement) document.exitFullscreen();
        else if (appOf(el).requestFullscreen) appOf(el).requestFullscreen();
      }
      model.send({ type: "key", key: event.key });
    };
    window.addEventListener("keydown", onKey);
    setTimeout(remeasure, 0);
    setTimeout(remeasure, 500);
    onUrl();
    return () => {
      observer.disconnect();
      labeller.disconnect();
      window.removeEventListener("resize", remeasure);
      window.removeEventListener("keydown", onKey);
      stop(state);
    };
  },
};
"""


class BrowserBridge(anywidget.AnyWidget):
    """Invisible widget linking a dashboard to its browser page (see module docstring).

    Attributes
    ----------
    figure_box : list of int
        ``[width, height]`` in CSS px available to the figure (set by the browser).
    fit_height : bool
        Fit the figure to the window height (dashboard) or use a 0.62 aspect (notebook).
    sync_url : bool
        Keep :attr:`url_state` in the page address.
    url_state : str
        The state written to the address (a query string without ``?``).
    shortcuts : bool
        Send key presses to Python.
    """

    _esm = _ESM
    _css = """
    .ns-bridge { display: none; }
    .ns-cursor { position: absolute; width: 3px; background: #D55E00; opacity: 0.85;
      pointer-events: none; z-index: 10; }
    .ns-play-panel { position: absolute; right: 8px; top: 8px; z-index: 11; background: #fff;
      border: 2px solid #0072B2; border-radius: 6px; padding: 6px; display: flex; gap: 8px;
      align-items: center; font-size: 16px; pointer-events: none; }
    .ns-force-bar { width: 18px; height: 110px; border: 1px solid #000; position: relative; }
    .ns-force-fill { position: absolute; bottom: 0; width: 100%; background: #009E73; }
    """
    figure_box = traitlets.List(traitlets.Int(), default_value=[]).tag(sync=True)
    fit_height = traitlets.Bool(True).tag(sync=True)
    sync_url = traitlets.Bool(False).tag(sync=True)
    url_state = traitlets.Unicode("").tag(sync=True)
    shortcuts = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._key_handlers: list[Callable[[str], None]] = []
        self.on_msg(self._handle_message)

    def on_key(self, handler: Callable[[str], None]) -> None:
        """Call ``handler(key)`` for every shortcut key pressed in the page."""
        self._key_handlers.append(handler)

    def press(self, key: str) -> None:
        """Act as if ``key`` had been pressed in the page (tests, scripted demos)."""
        for handler in self._key_handlers:
            handler(key)

    def _handle_message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("type") == "key":
            self.press(str(content.get("key", "")))

    def download(self, name: str, data: bytes, mime: str) -> None:
        """Offer ``data`` to the browser as a download called ``name``."""
        self.send({"type": "download", "name": name, "mime": mime,
                   "b64": base64.b64encode(data).decode("ascii")})

    def play(self, **frames) -> None:
        """Sweep the time cursor: ``time_s``, ``angle_deg``, ``force_percent`` (lists of
        equal length), ``x0``, ``x1`` (figure-width fractions of the time axis), ``top``,
        ``bottom`` (figure-height fractions the cursor spans) and ``slowmo`` (wall
        seconds per simulated second)."""
        self.send({"type": "play", **frames})

    def stop(self) -> None:
        """Stop a running :meth:`play`."""
        self.send({"type": "stop"})

    def fullscreen(self) -> None:
        """Toggle the browser's full-screen mode for the app."""
        self.send({"type": "fullscreen"})

    def remeasure(self) -> None:
        """Ask the browser to measure the figure area again (after a layout change)."""
        self.send({"type": "remeasure"})
