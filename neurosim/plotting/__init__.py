"""Figures of a :class:`~neurosim.result.SimulationResult` and of a sweep (matplotlib).

Every name below is importable from ``neurosim.plotting`` itself
(``from neurosim import plotting; plotting.force(result)``); the files say where the code
lives:

======================= =====================================================================
``base.py``             the teaching-toy label (:func:`add_teaching_label`), the colour
                        palette (:data:`PALETTE`), :func:`save_figure`, :func:`display_trace`
                        and the helpers every figure shares
``traces.py``           single-panel time traces of one run: :func:`raster`, :func:`force`,
                        :func:`emg`, :func:`pic_and_inhibition`, :func:`pic_balance`,
                        :func:`membrane`, :func:`joint`, :func:`endplate`
``figures.py``          composite figures of whole runs: :func:`overview`, :func:`comparison`
``clinical.py``         bedside tests: :func:`reflex_velocity_panel` (passive stretch at
                        several velocities), :func:`clonus_panel`, :func:`strength_panel`
``electrodiagnosis.py`` tests that stimulate the nerve: :func:`conduction_panel` (M-waves,
                        H-reflex, H/M curve), :func:`junction_panel` (AChE inhibition: EPP
                        after one shock, force in a 30 Hz train), :func:`decrement_panel`
``needle.py``           the needle EMG: :func:`plot_needle_emg` (the screen's raster of
                        sweeps), :func:`plot_needle_muaps` (the MUAPs near the needle)
``maps.py``             sweeps: :func:`phase_diagram`, :func:`sweep_line`; the clinic:
                        :func:`plot_clinic_map` (conditions × tests)
``course.py``           a disease over months: :func:`disease_course_panel`
======================= =====================================================================

Single-panel functions draw on one Axes: pass ``ax=`` to draw into an existing Axes, or
leave it out to get a new figure. They return the Axes; multi-panel functions take
``axes=`` and return an array of Axes.

Every figure these functions create or draw into carries the label
:data:`neurosim.TEACHING_LABEL` at its bottom right (:func:`add_teaching_label`), so a saved
picture is never mistaken for clinical data. Colours come from the colour-blind-safe
Okabe–Ito palette, :data:`PALETTE`. Nothing here calls ``plt.show()``; close figures you no
longer need with ``plt.close(fig)``.
"""

from .base import DISPLAY_POINTS, PALETTE, add_teaching_label, display_trace, save_figure
from .clinical import clonus_panel, reflex_velocity_panel, strength_panel
from .electrodiagnosis import (JUNCTION_LATE_FORCE_S, JUNCTION_WINDOW_MS, conduction_panel,
                               f_wave_panel,
                               decrement_panel, junction_panel)
from .course import disease_course_panel
from .figures import comparison, overview
from .maps import phase_diagram, plot_clinic_map, sweep_line
from .needle import plot_needle_emg, plot_needle_muaps
from .traces import (DEFAULT_MAX_UNITS, emg, endplate, force, joint, membrane,
                     pic_and_inhibition, pic_balance, raster)

__all__ = ["PALETTE", "add_teaching_label", "raster", "force", "emg", "pic_and_inhibition",
           "pic_balance", "membrane", "endplate", "display_trace", "joint", "overview",
           "comparison", "reflex_velocity_panel", "clonus_panel", "conduction_panel", "f_wave_panel",
           "junction_panel", "strength_panel", "decrement_panel", "save_figure",
           "phase_diagram", "sweep_line", "plot_clinic_map", "disease_course_panel",
           "DEFAULT_MAX_UNITS", "DISPLAY_POINTS",
           "JUNCTION_WINDOW_MS", "JUNCTION_LATE_FORCE_S", "plot_needle_emg", "plot_needle_muaps"]
