"""``neurosim needle``: the needle-EMG exam of one scenario, at rest or on effort: what it
shows (spontaneous activity, MUAPs, recruitment), and optionally its sound (WAV) and trace
(PNG)."""

from __future__ import annotations

import math
from pathlib import Path

from .common import (TEACHING_REMINDER, _check_parent, _format_table, _load_scenario,
                     _pyplot, _save_and_close)

__all__ = ["add_parser"]


def add_parser(sub) -> None:
    """Add ``neurosim needle`` to the subcommands ``sub``."""
    p = sub.add_parser(
        "needle", help="the needle-EMG exam of a scenario, with its sound",
        description="Put a concentric needle into the muscle of a scenario (its parameters; "
                    "the patient relaxes, or contracts with --effort) and report what the "
                    "electromyographer sees: spontaneous activity at rest (fibrillations, "
                    "positive sharp waves, fasciculations, cramp discharges), the MUAPs of "
                    "the units near the needle, and on effort the recruitment pattern. "
                    "--wav writes what the loudspeaker plays.")
    p.add_argument("scenario", metavar="SCENARIO",
                   help="built-in scenario name (see `neurosim list`) or a scenario file "
                        "ending in .json")
    p.add_argument("--effort", metavar="E", default="0",
                   help="voluntary effort, a fraction of maximal in [0, 1] (default 0: at "
                        "rest, where spontaneous activity is read)")
    p.add_argument("--seconds", metavar="S", default=None,
                   help="length of the recording in seconds (default 10 at rest, 4 on "
                        "effort)")
    p.add_argument("--seed", type=int, default=0, metavar="N",
                   help="noise seed of the run (default 0)")
    p.add_argument("--site", type=int, default=0, metavar="N",
                   help="needle site: where the needle goes in (default 0; another number "
                        "samples other units)")
    p.add_argument("--wav", metavar="FILE.wav", default=None,
                   help="write the sound of the recording (16-bit WAV, 44.1 kHz)")
    p.add_argument("--png", metavar="FILE.png", default=None,
                   help="write the trace as the EMG screen shows it")
    p.set_defaults(func=_cmd_needle)


def _number(text: str, option: str, lo: float, hi: float, unit: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not a number; allowed [{lo:g}, {hi:g}] "
                         f"{unit}".rstrip()) from None
    if not (math.isfinite(value) and lo <= value <= hi):
        raise ValueError(f"{option} {text!r} is out of range; allowed [{lo:g}, {hi:g}] "
                         f"{unit}".rstrip())
    return value


def _output(text: str | None, option: str, suffix: str) -> Path | None:
    if text is None:
        return None
    path = Path(text)
    if path.suffix.lower() != suffix:
        raise ValueError(f"{option} {text!r} must end in {suffix}")
    _check_parent(path)
    return path


def _f(value: float, fmt: str = "{:.1f}") -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else fmt.format(value)


def _cmd_needle(args) -> int:
    from ..engine import DURATION_S
    from ..needle import (EFFORT_DURATION_S, EFFORT_RISE_S, EFFORT_SETTLE_S, EFFORT_START_S,
                          REST_DURATION_S, NeedleParameters, needle_exam)
    from .. import needle_analysis as na

    scenario = _load_scenario(args.scenario)
    effort = _number(args.effort, "--effort", 0.0, 1.0, "(fraction of maximal effort)")
    default = REST_DURATION_S if effort == 0 else EFFORT_DURATION_S
    seconds = default if args.seconds is None else _number(
        args.seconds, "--seconds", float(DURATION_S.min), float(DURATION_S.max), "s")
    shortest = EFFORT_START_S + EFFORT_RISE_S + EFFORT_SETTLE_S + 0.5
    if effort > 0 and seconds < shortest:
        raise ValueError(f"--seconds {args.seconds!r} is too short for a recording on effort; "
                         f"allowed ≥ {shortest:g} s (the rise, settling and a hold)")
    needle = NeedleParameters(needle_site=args.site)  # checks the site's range
    wav = _output(args.wav, "--wav", ".wav")
    png = _output(args.png, "--png", ".png")

    rec = needle_exam(scenario, effort=effort, duration_s=seconds, seed=args.seed,
                      needle=needle)
    where = "at rest" if effort == 0 else f"on effort at {100 * effort:g} % of maximal"
    print(f"Needle EMG: {scenario.title}  [{scenario.name}], {where}, {seconds:g} s")
    x, y = rec.needle_position_mm
    muaps = na.muap_measures(rec)
    print(f"needle site {args.site} at ({x:.1f}, {y:.1f}) mm; {rec.units.size} units with "
          f"fibres in view, {int(muaps.visible.sum())} visible (≥ "
          f"{na.VISIBLE_MUAP_UV:g} µV); {rec.fibrillation_distance_mm.size} fibrillating "
          f"fibres within {rec.parameters.pickup_radius_mm:g} mm")
    print()
    if effort == 0:
        sa = na.spontaneous_activity(rec)
        print("At rest: " + ", ".join(sa.findings()))
        rows = [("fibrillation potentials", f"{sa.fibrillations}",
                 _f(sa.fibrillation_rate_hz), f"{sa.fibrillating_fibres_seen} fibres, "
                 f"firing {_f(sa.fibrillation_firing_hz)} Hz, interval CV "
                 f"{_f(sa.fibrillation_interval_cv, '{:.2f}')}"),
                ("positive sharp waves", f"{sa.positive_sharp_waves}",
                 _f(sa.positive_sharp_wave_rate_hz), ""),
                ("fasciculation potentials", f"{sa.fasciculations}",
                 _f(sa.fasciculation_rate_hz), f"{len(sa.fasciculating_units)} units, "
                 f"interval CV {_f(sa.fasciculation_interval_cv, '{:.2f}')}"),
                ("cramp discharge", f"{len(sa.cramp_units)} units", "",
                 f"firing {_f(sa.cramp_rate_hz)} Hz" if sa.cramp_units else "")]
        print(_format_table(("potentials", "count", "per s", "detail"), rows,
                            right_aligned={1, 2}))
    else:
        rc = na.recruitment(rec)
        print(f"Recruitment ({rc.window_s[0]:g}–{rc.window_s[1]:g} s): "
              f"{len(rc.units_firing)} visible units firing, fastest "
              f"{_f(rc.max_rate_hz)} Hz; recruitment ratio {_f(rc.recruitment_ratio)} "
              f"({rc.pattern}; normal < {na.NORMAL_RECRUITMENT_RATIO:g}, neuropathic > "
              f"{na.NEUROPATHIC_RECRUITMENT_RATIO:g}); recruitment frequency "
              f"{_f(rc.recruitment_frequency_hz)} Hz; interference pattern {rc.interference} "
              f"(fullness {_f(rc.fullness, '{:.2f}')})")
    print()
    usable = muaps.usable.nonzero()[0]
    if usable.size:
        print(f"MUAPs close enough to measure (rise time ≤ {na.USABLE_RISE_TIME_MS:g} ms):")
        rows = [(f"{muaps.units[k]}", f"{muaps.amplitude_mV[k]:.2f}",
                 f"{muaps.duration_ms[k]:.1f}", f"{muaps.phases[k]}",
                 f"{muaps.rise_time_ms[k]:.2f}") for k in usable]
        print(_format_table(("unit", "amplitude mV", "duration ms", "phases", "rise ms"),
                            rows, right_aligned={0, 1, 2, 3, 4}))
    else:
        print("No MUAP close enough to measure at this site (try another --site).")
    written = []
    if wav is not None:
        from ..sound import write_wav
        written.append(write_wav(wav, rec))
    if png is not None:
        plt, plotting = _pyplot()
        written.append(_save_and_close(plt, plotting, plotting.plot_needle_emg(rec), png))
    for path in written:
        print(f"wrote {path}")
    print(TEACHING_REMINDER)
    return 0
