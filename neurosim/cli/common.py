"""What the commands share: the teaching-toy reminder, one-line errors, parsing of scenario
names, ``--set`` and ``--duration``, output checks, tables and figure saving."""

from __future__ import annotations

import math
import sys
from pathlib import Path

from .. import analysis, scenarios
from .._atomic import check_writable
from ..engine import DURATION_S

PROG = "neurosim"

TEACHING_REMINDER = ("Reminder: neurosim is a teaching toy, not a clinical model; these "
                     "numbers describe the model, not any patient.")

# how each summary column is printed; columns not listed fall back to "{:.3g}"
_COLUMN_FORMATS = {"spasms": "{:d}", "longest_s": "{:.2f}", "total_s": "{:.2f}",
                   "peak_%": "{:.1f}", "rest_after_s": "{:.2f}", "units": "{:d}",
                   "emg_rms_mV": "{:.4f}"}


def _fail(message: str, status: int = 2) -> int:
    message = " ".join(str(message).split())  # always exactly one line
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def _describe_os_error(exc: OSError) -> str:
    if exc.filename is not None:
        reason = exc.strerror or str(exc)
        return f"cannot write {str(exc.filename)!r}: {reason}"
    return str(exc) or type(exc).__name__


def _load_scenario(spec: str) -> scenarios.Scenario:
    if spec.lower().endswith(".json"):
        return scenarios.Scenario.load(spec)
    return scenarios.get(spec)


def _split_assignment(item: str, option: str, form: str, example: str) -> tuple[str, str]:
    """Split ``NAME=TEXT`` from the command line, or raise the option's usage error."""
    name, sep, text = item.partition("=")
    name, text = name.strip(), text.strip()
    if not sep or not name or not text:
        raise ValueError(f"{option} expects {form} (e.g. {example}), got {item!r}")
    return name, text


def _parse_duration(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"--duration {text!r} is not a number of seconds") from None
    return DURATION_S.check(value, "--duration")


def _check_parent(path: Path) -> None:
    """Before any work: the directory exists, is a directory and accepts a new file."""
    check_writable(path)


def _pyplot():
    """Import matplotlib (headless) and the plotting module, only when a command plots."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .. import plotting
    return plt, plotting


def _figure_of(axes):
    """The figure holding an Axes or an array of Axes."""
    first = axes.flat[0] if hasattr(axes, "flat") else axes
    return first.figure


def _save_and_close(plt, plotting, axes, path: Path) -> Path:
    fig = _figure_of(axes)
    try:
        return plotting.save_figure(fig, path)
    finally:
        plt.close(fig)


def _format_value(column: str, value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    fmt = _COLUMN_FORMATS.get(column, "{:.3g}")
    try:
        return fmt.format(value)
    except (ValueError, TypeError):  # e.g. an int format given a float
        return f"{value:.3g}" if isinstance(value, float) else str(value)


def _summary_table(rows: list[tuple[str, dict]]) -> str:
    """Aligned table: one row per run, columns :data:`analysis.SUMMARY_COLUMNS`."""
    columns = list(analysis.SUMMARY_COLUMNS)
    header = ("scenario", *columns)
    body = [(name, *(_format_value(c, row.get(c)) for c in columns)) for name, row in rows]
    return _format_table(header, body, right_aligned=set(range(1, len(header))))


def _format_table(header, rows, *, right_aligned=frozenset()) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        parts = [f"{c:>{w}}" if i in right_aligned else f"{c:<{w}}"
                 for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(parts).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
