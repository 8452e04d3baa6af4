"""The built-in maps (:data:`BUILTIN_MAPS`): ready-made two-parameter sweeps for the tour,
the notebooks and lectures, computed by :func:`builtin_map`."""

from __future__ import annotations

import concurrent.futures
import os
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from ..metrics import SPASM_THRESHOLD_S
from ..parameters import Parameters
from .result import SweepResult
from .run import sweep

__all__ = ["BuiltinMap", "BUILTIN_MAPS", "builtin_map"]

@dataclass(frozen=True)
class BuiltinMap:
    """A ready-made two-parameter map for the tour, the notebooks and lectures.

    Attributes
    ----------
    name : str
    title : str
    description : str
        What the map shows and why.
    base : str or None
        Scenario name, or ``None`` for the healthy default parameters.
    x_axis, y_axis : (str, float, float)
        ``(axis name, first value, last value)``; ``x_axis`` is the first (slow) axis.
    metric : str
    threshold : float or None
        Level of the phase boundary drawn on the figure.
    figure_name : str
        File name of the figure (``figures/map_….png``).
    """

    name: str
    title: str
    description: str
    base: str | None
    x_axis: tuple
    y_axis: tuple
    metric: str
    threshold: float | None
    figure_name: str

    def grid(self, resolution: int) -> dict[str, np.ndarray]:
        """The map's factorial grid with ``resolution`` values per axis."""
        return {name: np.linspace(start, stop, resolution)
                for name, start, stop in (self.x_axis, self.y_axis)}


BUILTIN_MAPS: Mapping[str, BuiltinMap] = MappingProxyType({m.name: m for m in (
    BuiltinMap(
        "spasm_inhibition_pic", "Where spasms appear: inhibition loss × PIC strength",
        "Total spasm duration after the standard brief sensory volley (the spasm test of the "
        "healthy and spinal_cord_injury scenarios, 8 s) over the combined loss of reciprocal, "
        "presynaptic and descending inhibition (combined.inhibition_loss; 0.8 is the "
        "spinal_cord_injury scenario) and persistent-inward-current strength (pic.strength; "
        "1 = chronic injury). Spasms need both levers: the contour marks where involuntary "
        "force first lasts 0.5 s.",
        "healthy", ("combined.inhibition_loss", 0.0, 1.0), ("pic.strength", 0.0, 1.5),
        "spasm_duration_s", SPASM_THRESHOLD_S, "map_spasm_inhibition_pic.png"),
    BuiltinMap(
        "reflex_gain_velocity", "Velocity-dependent stretch reflex: spindle gain × velocity",
        "Peak reflex torque in the 0.2 s after the onset of a 15° passive stretch of the "
        "relaxed healthy ankle, over spindle sensitivity (spindle.gain) and stretch velocity "
        "(protocol.velocity_deg_s): hypersensitive spindles turn a fast stretch into a large "
        "reflex, the velocity dependence of spasticity.",
        "stretch_reflex", ("spindle.gain", 0.5, 5.0), ("protocol.velocity_deg_s", 10.0, 200.0),
        "reflex_torque_Nm", None, "map_reflex_gain_velocity.png"),
    BuiltinMap(
        "junction_ache_quanta", "Repetitive firing at the junction: AChE activity × quanta",
        "Muscle-fibre action potentials per nerve impulse after one supramaximal nerve shock "
        "(healthy defaults otherwise), over acetylcholinesterase activity "
        "(junction.ache_activity) and quantal content (junction.quantal_content): with "
        "little AChE and ample release, acetylcholine lingers and one impulse fires the "
        "fibres several times. The contour marks 1.5 APs per impulse.",
        None, ("junction.ache_activity", 0.02, 1.0), ("junction.quantal_content", 10.0, 150.0),
        "fibre_aps_per_impulse", 1.5, "map_junction_ache_quanta.png"),
)})
"""The three built-in maps by name."""


def builtin_map(name: str, *, resolution: int = 21, seeds: Iterable[int] = (0,),
                executor: int | concurrent.futures.Executor | str | Any | None = None,
                cache_dir: str | os.PathLike[str] | None = None,
                progress: bool = True) -> SweepResult:
    """Compute one of the :data:`BUILTIN_MAPS`.

    Parameters
    ----------
    name : str
        ``"spasm_inhibition_pic"``, ``"reflex_gain_velocity"`` or ``"junction_ache_quanta"``.
    resolution : int, keyword-only
        Values per axis, in [2, 201] (the map has resolution² points per seed).
    seeds, executor, cache_dir, progress
        As for :func:`sweep`.

    Returns
    -------
    SweepResult
        Labelled with the map's name; plot it with :func:`neurosim.plotting.phase_diagram`.
    """
    if name not in BUILTIN_MAPS:
        raise ValueError(f"unknown map {name!r}; known: {', '.join(BUILTIN_MAPS)}")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or \
            not 2 <= resolution <= 201:
        raise ValueError(f"resolution = {resolution!r} values per axis is out of range: "
                         f"allowed [2, 201]")
    spec = BUILTIN_MAPS[name]
    base = Parameters() if spec.base is None else spec.base
    return sweep(base, spec.grid(int(resolution)), [spec.metric], seeds=seeds,
                 executor=executor, cache_dir=cache_dir, progress=progress, label=spec.name)
