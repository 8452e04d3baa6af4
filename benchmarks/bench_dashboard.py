"""Benchmark the dashboard's slider latency: simulate + metrics + redraw, in-process.

Prints one JSON line. The default scenario (``healthy``, the dashboard's first
picture, 8 s of simulated time, comparison overlay with healthy) is shown; then a
slider is moved back and forth ``--repeats`` times and each update's wall time is
taken, exactly as the widget callback runs it (``Dashboard.update``). The parts are
timed separately in the same run: the simulation alone, the metrics alone, and
the redraw of the live figure (blitting) against the peer — rebuilding the same
panels in a fresh figure and encoding it — so the ratio shows what reusing the
figure buys.

Usage::

    python benchmarks/bench_dashboard.py [--repeats 15] [--scenario healthy]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

TARGET_S = 0.1


def _median_time(function, repeats: int) -> tuple[float, list[float]]:
    times = []
    for i in range(repeats):
        t = time.perf_counter()
        function(i)
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--scenario", default="healthy")
    parser.add_argument("--slider", default="inhibition.reciprocal")
    args = parser.parse_args(argv)

    from neurosim import simulate
    from neurosim.livefigure import LiveFigure
    from neurosim.widgets import _metrics, dashboard

    app = dashboard(args.scenario)  # compiles/loads the loop, draws the first picture
    spec_values = (0.5, 0.8)

    def move_slider(i):
        app.set_value(args.slider, spec_values[i % 2])

    move_slider(1)
    update_median, update_all = _median_time(move_slider, args.repeats)
    assert app.message_text == "", app.message_text

    protocol, duration = app.protocol()
    parameters = app.parameters
    simulate_median, _ = _median_time(
        lambda i: simulate(parameters, protocol, duration, seed=0), args.repeats)
    result = app.result
    metrics_median, _ = _median_time(lambda i: _metrics(result), args.repeats)
    live = app.live_figure
    redraw_median, _ = _median_time(
        lambda i: live.render(result, app.reference, compare="overlay", title="bench"),
        args.repeats)
    rebuild_median, _ = _median_time(
        lambda i: LiveFigure().render(result, app.reference, compare="overlay",
                                      title="bench"), max(3, args.repeats // 3))

    report = {
        "benchmark": "dashboard_slider_latency", "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.system()}",
        "python": platform.python_version(), "scenario": args.scenario,
        "simulated_s": duration, "slider": args.slider, "repeats": args.repeats,
        "update_median_s": round(update_median, 4),
        "update_all_s": [round(t, 4) for t in update_all],
        "simulate_median_s": round(simulate_median, 4),
        "metrics_median_s": round(metrics_median, 4),
        "redraw_blit_median_s": round(redraw_median, 4),
        "redraw_rebuild_median_s": round(rebuild_median, 4),
        "ratio_rebuild_over_blit": round(rebuild_median / redraw_median, 2),
        "blits": live.blits, "full_redraws": live.full_redraws,
        "target_update_s": TARGET_S,
        "target_met": update_median <= TARGET_S,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
