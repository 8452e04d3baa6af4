"""Figures of the tests that stimulate the nerve electrically.

:func:`conduction_panel` (nerve conduction study: M-waves, H-reflex, H/M curve, and with an
F-wave study its :func:`f_wave_panel`),
:func:`junction_panel` (acetylcholinesterase inhibition at the neuromuscular junction: the
endplate potential after one shock, force during a 30 Hz train) and
:func:`decrement_panel` (repetitive nerve stimulation: the CMAP decrement).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from .. import analysis
from ..result import SimulationResult
from .base import (PALETTE, _TIME_LABEL, _as_list, _check_axes, _finish, _set_colour,
                   _set_labels, add_teaching_label)

__all__ = ["conduction_panel", "f_wave_panel", "junction_panel", "decrement_panel", "JUNCTION_WINDOW_MS",
           "JUNCTION_LATE_FORCE_S"]


def _emg_segment(result: SimulationResult, t0_s: float, stop_ms: float):
    rel_ms = (result.time_s - t0_s) * 1000.0
    sel = (rel_ms >= 0.0) & (rel_ms <= stop_ms)
    return rel_ms[sel], result.emg_mV[sel]


def conduction_panel(results: SimulationResult | Sequence[SimulationResult], *,
                     axes: Sequence[Axes] | np.ndarray | None = None,
                     labels: Sequence[str] | None = None,
                     f_wave_results: Sequence[SimulationResult] | None = None) -> np.ndarray:
    """Nerve conduction study of one or more runs: M-waves, H-reflex and H/M curve (and
    F-waves).

    Each run (e.g. ``nerve_conduction_study`` and ``diabetic_neuropathy``) is read
    with :func:`neurosim.experiments.conduction_report` and keeps one colour in
    every panel; each run's motor conduction velocity (m/s) is written in its colour in
    the proximal panel (text ``gid="cv_{i}"``), the run names are in the H-reflex panel's
    legend. Compact on purpose, to be read at the dashboard's ~680 × 450 px.

    Parameters
    ----------
    results : SimulationResult or sequence of SimulationResult
        Runs of :func:`neurosim.experiments.conduction_protocol`.
    axes : sequence of 4 matplotlib.axes.Axes, optional
        Axes to draw into, in the order below (default: a new 12 × 8 in, 2 × 2 figure).
    labels : sequence of str, optional
        One name per run (default: each result's label, or "run 1", "run 2", …).
    f_wave_results : sequence of SimulationResult, optional
        One :func:`neurosim.experiments.f_wave_study` run per run: adds a fifth panel,
        :func:`f_wave_panel` (the default figure is then 2 × 3: M-waves and F-waves above,
        the H-reflex and H/M curve below).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (4,) or (5,) with ``f_wave_results``
        0. EMG (mV) 0–25 ms after the supramaximal **distal** shock (x in ms after the
           shock), line ``gid="m_distal_{i}"``; the M-wave onset latency is marked by a
           dotted line ``gid="m_distal_latency_{i}"`` and its value in ms.
        1. The same after the supramaximal **proximal** shock (``m_proximal_{i}``,
           ``m_proximal_latency_{i}``): the extra latency is the extra nerve length
           divided by the conduction velocity.
        2. EMG 0–60 ms after the submaximal distal shock with the largest H-reflex
           (``h_trace_{i}``; H onset ``h_latency_{i}``): an M-wave from the largest
           axons the shock reaches (about half of Mmax in the healthy model at its
           12 mA Hmax), then the H-reflex after the trip to the spinal cord and back.
        3. H/M recruitment curve: peak-to-peak amplitude (mV) against distal
           intensity (mA, log axis), M-wave ``m_curve_{i}`` (solid, circles) and
           H-reflex ``h_curve_{i}`` (dashed, squares), the points of
           ``conduction_report(result).h_curve``.
        4. With ``f_wave_results``: :func:`f_wave_panel`.

    Raises
    ------
    ValueError
        If a run lacks distal or proximal shocks, or ``labels`` or ``axes`` have the
        wrong length.
    """
    from ..experiments import conduction_report  # local: experiments imports the engine
    results = _as_list(results, "conduction_panel")
    labels = _set_labels(labels, len(results),
                         (r.label or f"run {i + 1}" for i, r in enumerate(results)))
    reports = [conduction_report(r) for r in results]
    with_f = f_wave_results is not None
    if with_f and len(f_wave_results) != len(results):
        raise ValueError(f"conduction_panel: f_wave_results must hold one F-wave study per "
                         f"run ({len(results)}), got {len(f_wave_results)}")
    axes_created = axes is None
    if axes_created and with_f:
        fig = plt.figure(figsize=(12.0, 7.0), layout="constrained")
        grid = fig.subplot_mosaic([["d", "p", "f"], ["h", "h", "c"]])
        axes = np.array([grid[k] for k in ("d", "p", "h", "c", "f")])
    elif axes_created:
        fig, axes = plt.subplots(2, 2, figsize=(12.0, 8.0), layout="constrained")
    axes = _check_axes(axes, (5,) if with_f else (4,), "conduction_panel")
    ax_d, ax_p, ax_h, ax_c = axes[:4]
    if with_f:
        f_wave_panel(f_wave_results, ax=axes[4], labels=labels)

    def fmt(x, spec, unit):
        return f"{x:{spec}} {unit}" if np.isfinite(x) else "absent"

    def mark(ax, x_ms, i, gid, text):
        """A dotted latency line and its value, stacked by run at the top of the panel."""
        if not np.isfinite(x_ms):
            return
        ax.axvline(x_ms, color=_set_colour(i), linewidth=1.0, linestyle=":", gid=gid)
        ax.annotate(text, (x_ms, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -3 - 11 * i), textcoords="offset points", ha="left", va="top",
                    color=_set_colour(i), fontsize="small")

    # compact on purpose: the dashboard draws this at ~680 × 450 px beside its controls at
    # 1024 × 768, where long legends crowd the traces out; the numbers are in its cards
    for i, (r, rep, label) in enumerate(zip(results, reports, labels)):
        c = _set_colour(i)
        for ax, resp, site in ((ax_d, rep.distal, "distal"), (ax_p, rep.proximal, "proximal")):
            x, y = _emg_segment(r, resp.stimulus_time_s, 25.0)
            ax.plot(x, y, color=c, linewidth=1.6, gid=f"m_{site}_{i}", label=label)
            mark(ax, resp.m_latency_ms, i, f"m_{site}_latency_{i}",
                 f"{resp.m_latency_ms:.1f} ms")
        best = max(rep.h_curve, key=lambda e: e.h_amplitude_mV)
        x, y = _emg_segment(r, best.stimulus_time_s, 60.0)
        ax_h.plot(x, y, color=c, linewidth=1.4, gid=f"h_trace_{i}",
                  label=f"{label}: {best.intensity_mA:g} mA, H {best.h_amplitude_mV:.2f} mV")
        mark(ax_h, best.h_latency_ms, i, f"h_latency_{i}", f"{best.h_latency_ms:.1f} ms")
        ax_p.annotate(f"CV {fmt(rep.conduction_velocity_m_s, '.1f', 'm/s')}", (0.98, 0.04),
                      xycoords="axes fraction", xytext=(0, 11 * (len(results) - 1 - i)),
                      textcoords="offset points", ha="right", va="bottom", color=c,
                      fontsize="small", gid=f"cv_{i}")
        intens = np.array([e.intensity_mA for e in rep.h_curve], dtype=float)
        ax_c.plot(intens, [e.m_amplitude_mV for e in rep.h_curve], color=c, linewidth=1.8,
                  marker="o", markersize=4, gid=f"m_curve_{i}", label=f"{label}: M-wave")
        ax_c.plot(intens, [e.h_amplitude_mV for e in rep.h_curve], color=c, linewidth=1.8,
                  linestyle="--", marker="s", markersize=4, gid=f"h_curve_{i}",
                  label=f"{label}: H-reflex")

    d_dist = results[0].parameters.nerve.distal_site_to_muscle_m
    p_dist = results[0].parameters.nerve.proximal_site_to_muscle_m
    ax_d.set_title(f"M-wave, distal ({100 * d_dist:g} cm)", loc="left")
    ax_p.set_title(f"proximal ({100 * p_dist:g} cm)", loc="left")
    for ax in (ax_d, ax_p):
        ax.set_xlim(0.0, 25.0)
        ax.set_xlabel("ms after shock")
    ax_d.set_ylabel("surface EMG (mV)")
    low = min(ax.get_ylim()[0] for ax in (ax_d, ax_p))
    high = max(ax.get_ylim()[1] for ax in (ax_d, ax_p))
    for ax in (ax_d, ax_p):
        # room for the latency values at the top and the velocities at the bottom
        ax.set_ylim(low - (high - low) * (0.12 + 0.1 * len(results)), high * 1.35)
    ax_p.annotate(f"CV = {100 * (p_dist - d_dist):g} cm ÷ Δlatency", (0.98, 0.04),
                  xycoords="axes fraction", xytext=(0, 11 * len(results)),
                  textcoords="offset points", ha="right", va="bottom", color="0.25",
                  fontsize="small")
    fig = ax_d.figure
    if axes_created:
        fig.suptitle("Nerve conduction study — motor conduction velocity: " + ", ".join(
            f"{label} {fmt(rep.conduction_velocity_m_s, '.1f', 'm/s')}"
            for label, rep in zip(labels, reports)), fontweight="bold")

    ax_h.set_xlim(0.0, 60.0)
    ax_h.set_xlabel("ms after shock")
    ax_h.set_ylabel("surface EMG (mV)")
    ax_h.set_title("submaximal shock with the largest H-reflex", loc="left")
    ax_h.margins(y=0.3)
    ax_h.legend(loc="lower right", fontsize="small", frameon=False, handlelength=1.2)

    ax_c.set_xscale("log")
    ticks = sorted({float(e.intensity_mA) for rep in reports for e in rep.h_curve})
    shown = [ticks[0]]
    for tick in ticks[1:]:  # labels at least a factor 1.8 apart: readable on a log axis
        if tick >= 1.8 * shown[-1]:
            shown.append(tick)
    if shown[-1] != ticks[-1]:  # the strongest shock is always labelled
        shown[-1 if len(shown) > 1 and ticks[-1] < 1.8 * shown[-1] else len(shown):] = [ticks[-1]]
    ax_c.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(shown))
    ax_c.xaxis.set_major_formatter(matplotlib.ticker.FixedFormatter([f"{t:g}" for t in shown]))
    ax_c.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax_c.set_xlabel("shock (mA, log)")
    ax_c.set_ylabel("amplitude (mV)")
    ax_c.set_title("H/M recruitment", loc="left")
    ax_c.set_ylim(bottom=0.0)
    styles = [matplotlib.lines.Line2D([], [], color="0.3", marker="o", markersize=4,
                                      label="M-wave"),
              matplotlib.lines.Line2D([], [], color="0.3", linestyle="--", marker="s",
                                      markersize=4, label="H-reflex")]
    ax_c.legend(handles=styles, loc="center right", fontsize="small", frameon=False,
                handlelength=1.6)
    for ax in axes:
        add_teaching_label(ax.figure)
    return axes


def f_wave_panel(results: SimulationResult | Sequence[SimulationResult], *,
                 ax: Axes | None = None, labels: Sequence[str] | None = None) -> Axes:
    """F-waves of one or more F-wave studies: the latency after every supramaximal shock.

    One row per shock (y, shock number), a dot at the latency of its F-wave (the first
    recurrent discharge to reach the muscle, :func:`neurosim.analysis.f_wave_responses`);
    a shock without an F-wave leaves its row empty. The dotted line marks the minimum
    latency, written at the top with the persistence (% of shocks followed by an F-wave);
    the spread of the dots is the chronodispersion. Each run keeps the colour it has in
    :func:`conduction_panel`.

    Parameters
    ----------
    results : SimulationResult or sequence of SimulationResult
        Runs of :func:`neurosim.experiments.f_wave_study`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (default: a new 6 × 4 in figure).
    labels : sequence of str, optional
        One name per run.

    Returns
    -------
    matplotlib.axes.Axes
        Dots ``gid="f_latency_{i}"``, minimum-latency lines ``gid="f_min_latency_{i}"``.

    Raises
    ------
    ValueError
        If a run has no distal shock, or ``labels`` has the wrong length.
    """
    results = _as_list(results, "f_wave_panel")
    labels = _set_labels(labels, len(results),
                         (r.label or f"run {i + 1}" for i, r in enumerate(results)))
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 4.0), layout="constrained")

    def fmt(x, spec, unit):
        return f"{x:{spec}} {unit}" if np.isfinite(x) else "absent"

    for i, (r, label) in enumerate(zip(results, labels)):
        c = _set_colour(i)
        summary = analysis.f_wave_summary(r)
        latency = np.array([e.latency_ms for e in summary.responses])
        shock = np.arange(1, latency.size + 1)
        ax.plot(latency, shock + 0.15 * i, linestyle="none", marker="o", markersize=4,
                color=c, gid=f"f_latency_{i}", label=label)
        if np.isfinite(summary.min_latency_ms):
            ax.axvline(summary.min_latency_ms, color=c, linewidth=1.0, linestyle=":",
                       gid=f"f_min_latency_{i}")
            ax.annotate(f"{summary.min_latency_ms:.1f} ms, {summary.persistence_percent:.0f} %",
                        (summary.min_latency_ms, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(3, -3 - 11 * i),
                        textcoords="offset points", ha="left", va="top", color=c,
                        fontsize="small")
    ax.set_xlabel("F latency (ms after shock)")
    ax.set_ylabel("shock")
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_title(f"F-waves ({len(results[0].protocol.stimuli())} shocks)", loc="left")
    ax.margins(x=0.35)
    top = max(len(r.protocol.stimuli()) for r in results)
    ax.set_ylim(0.3, top * 1.3 + 1)  # room for the minimum latencies at the top
    add_teaching_label(ax.figure)
    return ax


# --------------------------------------------------------------------- junction
JUNCTION_WINDOW_MS = 60.0
"""Time after the single nerve shock shown by :func:`junction_panel` (ms)."""
JUNCTION_LATE_FORCE_S = analysis.TRAIN_LATE_WINDOW_S
"""Window in which :func:`junction_panel` averages the force late in the train (s)."""


def _ache_label(result: SimulationResult) -> str:
    return f"AChE {100.0 * result.parameters.junction.ache_activity:g} %"


def _late_force(result: SimulationResult) -> tuple[float, float]:
    """(peak force, mean force in :data:`JUNCTION_LATE_FORCE_S`), both % of maximal."""
    return float(result.force_percent.max(initial=0.0)), analysis.late_train_force_percent(result)


def _ap_words(n: int) -> str:
    return f"{n} fibre AP" + ("" if n == 1 else "s")


def junction_panel(single_results: Sequence[SimulationResult],
                   train_results: Sequence[SimulationResult], *, axes: Sequence[Axes] | np.ndarray | None = None,
                   labels: Sequence[str] | None = None, unit: int | None = None) -> np.ndarray:
    """Acetylcholinesterase inhibition at the junction: one shock, then a 30 Hz train.

    For each case (e.g. 100 %, 10 % and 5 % AChE activity) the top row shows the
    endplate potential of one recorded unit after a single supramaximal nerve shock;
    the bottom row overlays the force of every case during a repetitive train. With
    working AChE one shock gives one brief EPP and one fibre action potential, and a
    30 Hz train a sustained tetanus. With little AChE the endplate current lasts a few
    times longer and re-fires the fibre after its refractory period (repetitive firing);
    with very little, ACh that escapes the cleft lingers, sums over the train and keeps
    the endplate depolarised, the Na⁺ channels inactivate (depolarisation block) and
    force falls during the train.

    Parameters
    ----------
    single_results : sequence of SimulationResult
        One run per case with a single shock and recorded units, e.g.
        ``simulate(p, experiments.train_protocol(1.0, 1), 0.25, record_units=[0, 60, 119])``.
    train_results : sequence of SimulationResult
        One run per case (same order) of a train, e.g.
        ``simulate(p, experiments.train_protocol(30.0, 30), 1.2)``.
    axes : sequence of matplotlib.axes.Axes, optional
        ``n_cases + 1`` Axes: one per case for the EPP, then one for the force
        (default: a new figure, the force axis spanning the columns).
    labels : sequence of str, optional
        One name per case (default ``"AChE <activity> %"`` from each run's parameters).
    unit : int, optional
        Recorded unit whose endplate is shown (default: each run's first recorded unit that
        a nerve impulse reached).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (n_cases + 1,)
        ``[:n]`` EPP axes, x = ms after the first shock (0–60 ms), y = endplate potential
        (mV above rest), shared y-limits. In column k: the EPP ``gid="epp_{k}"`` (the
        plotted window of ``result.endplate_mV[:, col]``), the fibre threshold
        ``gid="fibre_threshold_{k}"`` (dashed), the unit's fibre action potentials as
        markers on the trace ``gid="fibre_aps_{k}"``, the numbers of
        :func:`neurosim.analysis.endplate_response` (EPP amplitude, decay, safety factor,
        fibre APs) in a text box ``gid="epp_summary_{k}"`` and the cleft ACh (quanta) as a
        thin line ``gid="cleft_ach_{k}"`` on a twin axis ``gid="cleft_ach_axes"`` (find it
        in ``ax.figure.axes``). ``[-1]`` force (% of maximal) against time (s): line
        ``gid="force_{k}"`` per case (``train_results[k].force_percent``; the legend gives
        its peak → mean of 0.9–1.1 s) and the shocks ``gid="shock_times"``.

    Raises
    ------
    ValueError
        If the sequences differ in length, a run has no stimulus, ``unit`` was not
        recorded, or ``labels`` or ``axes`` have the wrong length.
    """
    singles = _as_list(single_results, "junction_panel")
    trains = _as_list(train_results, "junction_panel")
    n = len(singles)
    if len(trains) != n:
        raise ValueError(f"junction_panel needs one train run per single-shock run; got "
                         f"{n} single-shock and {len(trains)} train runs")
    labels = _set_labels(labels, n, (_ache_label(r) for r in singles))
    shocks = [analysis.first_shock_s(r, needed_by="junction_panel (single-shock runs)")
              for r in singles]
    units, cols, responses = [], [], []
    for r, t0 in zip(singles, shocks):
        recorded = [int(u) for u in r.recorded_units]
        if not recorded:
            raise ValueError("junction_panel needs recorded units in the single-shock runs "
                             "(simulate(..., record_units=[...]))")
        if unit is not None and int(unit) not in recorded:
            raise ValueError(f"unit = {unit} was not recorded; recorded units: {recorded}")
        response = analysis.endplate_response(r, impulse_time_s=t0, unit=unit)
        units.append(response.unit)
        cols.append(recorded.index(response.unit))
        responses.append(response)

    axes_created = axes is None
    if axes_created:
        fig = plt.figure(figsize=(max(11.0, 4.2 * n), 7.6), layout="constrained")
        gs = fig.add_gridspec(2, n, height_ratios=(1.25, 1.0))
        top = [fig.add_subplot(gs[0, k]) for k in range(n)]
        axes = [*top, fig.add_subplot(gs[1, :])]
    axes = _check_axes(axes, (n + 1,), "junction_panel")
    epp_axes, f_ax = axes[:n], axes[n]

    twins = []
    for k, (r, t0, col, resp, label) in enumerate(zip(singles, shocks, cols, responses, labels)):
        ax = epp_axes[k]
        c = _set_colour(k)
        rel_ms = (r.trace_time_s - t0) * 1000.0
        sel = (rel_ms >= 0.0) & (rel_ms <= JUNCTION_WINDOW_MS)
        x, epp = rel_ms[sel], r.endplate_mV[sel, col]
        twin = ax.twinx()
        twin.set_gid("cleft_ach_axes")
        twin.plot(x, r.cleft_ach[sel, col], color=PALETTE["grey"], linewidth=0.9,
                  linestyle="-", gid=f"cleft_ach_{k}", label="cleft ACh (right axis)")
        twins.append(twin)
        ax.set_zorder(twin.get_zorder() + 1)  # EPP above the ACh line; keep ax transparent
        ax.patch.set_visible(False)
        ax.plot(x, epp, color=c, linewidth=2.0, gid=f"epp_{k}", label="endplate potential")
        theta = float(r.parameters.junction.fibre_threshold_mV)
        ax.axhline(theta, color=PALETTE["black"], linewidth=1.0, linestyle="--",
                   gid=f"fibre_threshold_{k}", label=f"fibre threshold ({theta:g} mV)")
        aps = r.activation_times_s[r.activation_units == units[k]]
        ap_ms = (aps - t0) * 1000.0
        ap_ms = ap_ms[(ap_ms >= 0.0) & (ap_ms <= JUNCTION_WINDOW_MS)]
        ax.plot(ap_ms, np.interp(ap_ms, x, epp) if x.size else ap_ms, linestyle="none",
                marker="v", markersize=9, markerfacecolor=PALETTE["yellow"],
                markeredgecolor=PALETTE["black"], markeredgewidth=1.0, zorder=5,
                gid=f"fibre_aps_{k}", label="fibre action potential")
        decay = (f"{resp.epp_decay_ms:.1f} ms" if np.isfinite(resp.epp_decay_ms)
                 else f"> {JUNCTION_WINDOW_MS:g} ms" if resp.epp_amplitude_mV > 0 else "—")
        verdict = analysis.epp_verdict(x, epp, ap_ms, theta, resp.fibre_aps)
        text = (f"EPP {resp.epp_amplitude_mV:.0f} mV, decay {decay}\n"
                f"safety factor {resp.safety_factor:.1f}\n"
                f"{_ap_words(resp.fibre_aps)} per nerve shock\n→ " + ",\n".join(verdict))
        ax.text(0.97, 0.96, text, transform=ax.transAxes, ha="right", va="top",
                fontsize="small", color=PALETTE["black"], gid=f"epp_summary_{k}",
                bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor=c,
                          linewidth=1.5, alpha=0.9), zorder=6)
        ax.set_title(label, fontweight="bold", color=c)
        ax.set_xlim(0.0, JUNCTION_WINDOW_MS)
        ax.set_xlabel("time after the nerve shock (ms)")
        if k == 0:
            ax.set_ylabel(f"endplate potential of unit {units[k]}\n(mV above rest)")
        if k == n - 1:  # one ACh scale for the row: labelled once, on the right
            twin.set_ylabel("cleft ACh (quanta)", color=PALETTE["grey"])
        twin.tick_params(axis="y", colors=PALETTE["grey"], labelsize="small",
                         labelright=k == n - 1)
        twin.spines["right"].set_color(PALETTE["grey"])

    # one scale per row of numbers, so the columns compare by eye; room for the text box
    top_mv = max(1.0, max(float(np.max(ln.get_ydata(), initial=0.0)) for ax in epp_axes
                          for ln in ax.get_lines() if (ln.get_gid() or "").startswith("epp_")))
    top_mv = max(top_mv, max(float(r.parameters.junction.fibre_threshold_mV) for r in singles))
    for ax in epp_axes:
        ax.set_ylim(-0.03 * top_mv, 1.55 * top_mv)
    top_ach = max(1e-9, max(float(np.max(t.get_lines()[0].get_ydata(), initial=0.0))
                            for t in twins))
    for twin in twins:  # ACh in the lower part of the panel, under the text box
        twin.set_ylim(-0.03 * top_ach * 2.2, top_ach * 2.2)
    handles, _ = epp_axes[0].get_legend_handles_labels()
    handles += twins[0].get_lines()[:1]
    epp_axes[0].legend(handles=handles, loc="center right", fontsize="small", frameon=False,
                       bbox_to_anchor=(1.0, 0.52))

    shock_s = np.array([s[0] for s in trains[0].protocol.stimuli()], dtype=float)
    rate = 1.0 / float(np.median(np.diff(shock_s))) if shock_s.size > 1 else 0.0
    train_words = f"{rate:.0f} Hz train" if rate else "shock"
    styles = ("-", (0, (5, 2)), (0, (1.5, 1.5)), "-.")
    for k, (r, label) in enumerate(zip(trains, labels)):
        peak, late = _late_force(r)
        (line,) = f_ax.plot(r.time_s, r.force_percent, color=_set_colour(k), linewidth=1.8,
                            linestyle=styles[k % len(styles)], gid=f"force_{k}",
                            label=f"{label}: peak {peak:.0f} % → {late:.0f} % late in the train")
        line.sticky_edges.y.append(0.0)
    if shock_s.size:
        f_ax.plot(shock_s, np.zeros(shock_s.size), linestyle="none", marker="|",
                  markersize=10, markeredgewidth=1.2, color=PALETTE["black"],
                  transform=f_ax.get_xaxis_transform(), clip_on=False, gid="shock_times",
                  label=f"nerve shocks ({shock_s.size} at {rate:.0f} Hz)" if rate
                  else "nerve shock")
    f_ax.set_title(f"force during a {train_words} of nerve shocks: held = tetanus, "
                   f"falling = depolarisation block", loc="left")
    a, b = JUNCTION_LATE_FORCE_S
    f_ax.axvspan(a, b, color=PALETTE["grey"], alpha=0.12, linewidth=0, gid="late_window",
                 label=f"late in the train ({a:g}–{b:g} s)")
    f_ax.set_xlim(0.0, max(float(r.duration_s) for r in trains))
    f_ax.set_ylim(0.0, 138.0)  # the legend sits above 100 %, clear of the force lines
    f_ax.set_yticks(np.arange(0.0, 101.0, 20.0))
    f_ax.set_xlabel(_TIME_LABEL)
    f_ax.set_ylabel("force (% of maximal)")
    f_ax.legend(loc="upper right", fontsize="small", frameon=True, framealpha=0.9,
                edgecolor="none", ncols=2)
    if axes_created:
        fig.suptitle("AChE inhibition at the neuromuscular junction: "
                     f"one nerve shock (top), a {train_words} (bottom)", fontweight="bold")
    for ax in axes:
        add_teaching_label(ax.figure)
    return axes


def decrement_panel(results: Sequence[SimulationResult], *, axes: Sequence[Axes] | np.ndarray | None = None,
                    labels: Sequence[str] | None = None) -> np.ndarray:
    """Repetitive nerve stimulation: the M-waves of a train and their decrement.

    Parameters
    ----------
    results : sequence of SimulationResult
        One train run per case (e.g. ``simulate(p, experiments.train_protocol(3.0, 10), 3.5)``).
    axes : sequence of 2 matplotlib.axes.Axes, optional
        Default: a new 11 × 3.8 in figure.
    labels : sequence of str, optional
        One name per case (default each run's label).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (2,)
        ``[0]`` the M-waves after the 1st (solid) and 4th (dashed) shock, ms after the
        shock, per case (``gid="mwave_{case}_{shock}"``); ``[1]`` each compound muscle
        action potential (:func:`neurosim.analysis.cmap_amplitudes`) in % of the first,
        against the shock number (``gid="cmap_{case}"``), with the −10 % line that marks a
        clinically significant decrement (``gid="decrement_limit"``).
    """
    results = _as_list(results, "decrement_panel")
    labels = _set_labels(labels, len(results), (r.label or f"case {k + 1}"
                                                for k, r in enumerate(results)))
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11.0, 3.8), layout="constrained",
                               width_ratios=(1.0, 1.2))
    axes = _check_axes(axes, (2,), "decrement_panel")
    wave_ax, amp_ax = axes
    for k, (r, label) in enumerate(zip(results, labels)):
        shocks = [t for t, _, _ in r.protocol.stimuli()]
        if len(shocks) < 4:
            raise ValueError(f"decrement_panel needs at least 4 shocks per run; "
                             f"{label!r} has {len(shocks)}")
        c = _set_colour(k)
        for i, style in ((0, "-"), (3, (0, (4, 2)))):
            x, y = _emg_segment(r, shocks[i], 25.0)
            wave_ax.plot(x, y, color=c, linestyle=style, linewidth=1.6, gid=f"mwave_{k}_{i + 1}",
                         label=f"{label}, shock {i + 1}")
        amplitudes = analysis.cmap_amplitudes(r)
        relative = 100.0 * amplitudes / amplitudes[0] if amplitudes[0] > 0 else \
            np.zeros_like(amplitudes)
        amp_ax.plot(np.arange(1, amplitudes.size + 1), relative, color=c, marker="o",
                    linewidth=1.6, gid=f"cmap_{k}", label=label)
    wave_ax.set_xlabel("time after the shock (ms)")
    wave_ax.set_ylabel("surface EMG (mV)")
    wave_ax.set_title("M-waves: 1st and 4th shock", loc="left")
    wave_ax.legend(loc="upper right", fontsize="small", frameon=False)
    amp_ax.axhline(90.0, color=PALETTE["black"], linestyle="--", linewidth=1.0,
                   gid="decrement_limit", label="−10 %: a significant decrement")
    amp_ax.set_xlabel("shock number (3 Hz train)")
    amp_ax.set_ylabel("CMAP (% of the 1st)")
    amp_ax.set_ylim(0.0, 115.0)
    amp_ax.set_title("compound muscle action potential through the train", loc="left")
    amp_ax.legend(loc="lower left", fontsize="small", frameon=False)
    for ax in axes:
        _finish(ax)
    return axes
