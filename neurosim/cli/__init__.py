"""Command-line interface: ``neurosim list``, ``run``, ``needle``, ``tour``, ``dashboard`` and
``sweep``.

Examples
--------
::

    neurosim list
    neurosim list --parameters
    neurosim run spinal_cord_injury --out spasm.png
    neurosim run healthy --set inhibition.presynaptic=0.3 --seed 7 --out run.npz
    neurosim run healthy --set pic.strength=1 --save-scenario mine.json
    neurosim run mine.json --out mine.csv
    neurosim needle als_like --wav fasciculations.wav
    neurosim needle healthy --effort 0.3 --site 2 --png effort.png
    neurosim tour --out-dir figures
    neurosim sweep healthy --vary combined.inhibition_loss=0:1:11 --vary pic.strength=0:1.5:7 \
        --metric spasm_duration_s --seeds 3 --out spasm_map.npz --figure spasm_map.png
    neurosim sweep --map reflex_gain_velocity --figure reflex_map.png

User errors (unknown scenario or parameter, bad value, bad output file) print one
line ``neurosim: error: <message>`` to stderr and exit with status 2; output files are
checked (directory exists, is writable) before any simulation. Every file is written
atomically: a failed write (e.g. disk full, reported with the file's name) leaves an
existing file as it was. ``neurosim sweep`` exits with status 1 and one line naming the
failed runs when some runs failed (the output, NaN for those runs, is still written).
Ctrl-C stops any command with one line and status 130; an interrupted sweep with
``--cache DIR`` keeps its finished runs there and resumes when run again.

Where the code is
-----------------
One module per command, each with ``add_parser(sub)`` (its arguments) and the function that
carries it out:

================ ==========================================================================
``parser.py``    :func:`build_parser` (every command's arguments) and :func:`main`, which
                 turns every user error into one line and an exit status
``list.py``      ``neurosim list [--parameters]``
``run.py``       ``neurosim run SCENARIO [--set ..] [--out ..] [--save-scenario ..]``
``needle.py``    ``neurosim needle SCENARIO [--effort E] [--seconds S] [--site N] [--wav ..]
                 [--png ..]`` (the needle-EMG exam and its sound)
``tour.py``      ``neurosim tour [--out-dir DIR]`` (:data:`TOUR_SCENARIOS` and the clinical
                 tests)
``dashboard.py`` ``neurosim dashboard [--port N] [--scenario NAME] [--projector]``
``sweep.py``     ``neurosim sweep ... | --map NAME``
``common.py``    what the commands share: one-line errors, parsing, output checks, tables
================ ==========================================================================

``python -m neurosim`` and ``python -m neurosim.cli`` run :func:`main` too.

A teaching toy, not a clinical model.
"""

from .common import TEACHING_REMINDER
from .parser import build_parser, main
from .tour import (TOUR_ACHE_ACTIVITY, TOUR_COMPARISON, TOUR_CONDUCTION, TOUR_SCENARIOS,
                   TOUR_SPASTIC)

__all__ = ["main", "build_parser", "TOUR_SCENARIOS", "TOUR_SPASTIC", "TOUR_COMPARISON",
           "TOUR_CONDUCTION", "TOUR_ACHE_ACTIVITY", "TEACHING_REMINDER"]
