"""The ``neurosim`` command's parser and entry point :func:`main`.

Each command lives in its own module (``list.py``, ``run.py``, ``needle.py``, ``tour.py``,
``dashboard.py``, ``sweep.py``) with an ``add_parser(sub)`` that declares its arguments and
the function that carries it out; :func:`main` turns every user error into one line.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import dashboard, list as list_command, needle, run, sweep, tour
from .common import PROG, _describe_os_error, _fail

__all__ = ["main", "build_parser"]


class _OneLineParser(argparse.ArgumentParser):
    """Argument parser whose usage errors are one line on stderr and exit status 2."""

    def error(self, message):
        sys.stderr.write(f"{PROG}: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``neurosim`` command."""
    parser = _OneLineParser(
        prog=PROG,
        description="neurosim: a teaching simulator of how nerve damage produces muscle "
                    "spasms (a teaching toy, not a clinical model).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in (list_command, run, needle, tour, dashboard, sweep):
        command.add_parser(sub)
    return parser


# ---------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------

def main(argv=None) -> int:
    """Run the ``neurosim`` command; return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 for a user error (reported as one line on stderr), 1 when some
        runs of a sweep failed (one line; the output is still written), 130 after Ctrl-C
        (one line). Usage errors detected by argparse raise ``SystemExit(2)`` as usual.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # the reader went away (e.g. `neurosim list --parameters | head`): stop quietly, and
        # keep Python from complaining when it flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except ValueError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(_describe_os_error(exc))
    except KeyboardInterrupt as exc:  # Ctrl-C: one line, no traceback
        detail = str(exc) if exc.args else "interrupted (Ctrl-C)"
        print(f"{PROG}: {' '.join(detail.split())}", file=sys.stderr)
        return 130
