"""Numerical guarantees: what a run refuses before it starts, and what every result satisfies.

Every stage's step is stable for every value inside its declared range and every allowed
step (the stiff linear parts are integrated exactly or implicitly: :mod:`neurosim.limb`,
:mod:`neurosim.junction`). What a fixed step still cannot represent is refused by
:func:`check_run` before anything is allocated, with a message that names the
interacting parameters and the relation they must satisfy. :func:`result_violations` lists
the invariants a finished run breaks — none, for every run the engine accepts; the
property test ``tests/test_numerics.py`` and ``benchmarks/fuzz_numerics.py`` check that over
random parameter sets drawn from the whole declared space.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["check_run", "result_violations", "FLOAT_TOLERANCE"]

FLOAT_TOLERANCE = 1e-9
"""Relative tolerance of the bounds in :func:`result_violations` (rounding only)."""


def check_run(parameters, protocol, dt_ms: float) -> None:
    """Refuse a run the fixed step, or the ankle, cannot represent — before it starts.

    Continuous dynamics are stable at any step (exact or implicit updates), but some
    things happen *once per step* and need a step shorter than they last:

    * a motor neuron's absolute refractory period, ``dt_ms ≤ pool.refractory_ms``: with a
      longer step it rounds to no step at all and the neuron could fire every step;
    * a muscle fibre's absolute refractory period, ``dt_ms ≤ junction.fibre_refractory_ms``;
    * the nerve terminal's refractory time, ``dt_ms ≤ junction.terminal_refractory_ms``.

    And an examiner cannot move the foot past the end of its range of motion:

    * ``imposed_stretch.amplitude_deg ≤ limb.dorsiflexion_limit_deg``;
    * ``sine_stretch.amplitude_deg ≤ limb.dorsiflexion_limit_deg`` and
      ``≤ limb.plantarflexion_limit_deg`` (it swings both ways).

    Parameters
    ----------
    parameters : Parameters
    protocol : Protocol
    dt_ms : float

    Raises
    ------
    ValueError
        Naming the interacting parameters and the relation they must satisfy.
    """
    from .protocols import ImposedStretch, SineStretch

    p = parameters
    for name, value in (("pool.refractory_ms", p.pool.refractory_ms),
                        ("junction.fibre_refractory_ms", p.junction.fibre_refractory_ms),
                        ("junction.terminal_refractory_ms", p.junction.terminal_refractory_ms)):
        if dt_ms > value * (1.0 + 1e-12):
            raise ValueError(
                f"dt_ms = {dt_ms:g} ms is longer than {name} = {value:g} ms: the step must "
                f"resolve the refractory period (allowed: dt_ms ≤ {name}); use dt_ms ≤ "
                f"{value:g} ms or a longer {name}")
    dorsi, plantar = p.limb.dorsiflexion_limit_deg, p.limb.plantarflexion_limit_deg
    for c in protocol.components:
        if isinstance(c, ImposedStretch) and c.amplitude_deg > dorsi:
            raise ValueError(
                f"imposed_stretch.amplitude_deg = {c.amplitude_deg:g} deg goes past the ankle's "
                f"range of motion, limb.dorsiflexion_limit_deg = {dorsi:g} deg: an examiner "
                f"cannot dorsiflex the foot beyond it (allowed: imposed_stretch.amplitude_deg "
                f"≤ limb.dorsiflexion_limit_deg)")
        if isinstance(c, SineStretch) and c.amplitude_deg > min(dorsi, plantar):
            raise ValueError(
                f"sine_stretch.amplitude_deg = {c.amplitude_deg:g} deg goes past the ankle's "
                f"range of motion (limb.dorsiflexion_limit_deg = {dorsi:g} deg, "
                f"limb.plantarflexion_limit_deg = {plantar:g} deg): the foot swings both ways "
                f"(allowed: sine_stretch.amplitude_deg ≤ both limits)")


def _bad(values: np.ndarray) -> int:
    return int(np.size(values) - np.count_nonzero(np.isfinite(values)))


def result_violations(result, *, angle_tolerance_deg: float | None = None) -> list[str]:
    """The invariants a result breaks (an empty list for a sound run).

    * every float array is finite;
    * force ≥ 0, and ≤ ``max_force_N`` while the joint is held (isometric) or ≤
      :data:`~neurosim.limb.ECCENTRIC_FORCE_LIMIT` × ``max_force_N`` when it moves
      (a lengthening muscle may pull up to 1.5× its isometric force);
    * PIC activations and the receptors' open fraction lie in [0, 1]; cleft ACh ≥ 0; the
      EPP in [0, ``junction.reversal_mV``]; rates ≥ 0;
    * the joint angle stays within the range of motion, give or take
      ``angle_tolerance_deg`` (default :data:`~neurosim.limb.END_STOP_OVERSHOOT_DEG`: how far
      the soft end-stops yield to the largest torque the model allows);
    * event times are ordered and inside the run.

    Parameters
    ----------
    result : SimulationResult
    angle_tolerance_deg : float, optional

    Returns
    -------
    list of str
        One line per broken invariant.
    """
    from .limb import ECCENTRIC_FORCE_LIMIT, END_STOP_OVERSHOOT_DEG
    from .result import SimulationResult

    out = []
    for f in SimulationResult.__dataclass_fields__:
        v = getattr(result, f)
        if isinstance(v, np.ndarray) and v.dtype.kind == "f" and _bad(v):
            out.append(f"{f}: {_bad(v)} non-finite values")
    if out:
        return out
    p = result.parameters
    tol = 1.0 + FLOAT_TOLERANCE
    isometric = result.protocol.joint_mode == "isometric"
    f_max = result.max_force_N * (1.0 if isometric else ECCENTRIC_FORCE_LIMIT)
    if result.force_N.size:
        if result.force_N.min() < 0.0:
            out.append(f"force_N < 0 (min {result.force_N.min():g} N)")
        if result.force_N.max() > f_max * tol:
            out.append(f"force_N above {f_max:g} N ({'isometric' if isometric else 'moving'}"
                       f" joint): max {result.force_N.max():g} N")

    def within(name, values, lo, hi):
        if np.size(values) == 0:
            return
        a, b = float(np.min(values)), float(np.max(values))
        slack = FLOAT_TOLERANCE * max(1.0, abs(lo), abs(hi))
        if a < lo - slack or b > hi + slack:
            out.append(f"{name} outside [{lo:g}, {hi:g}]: [{a:g}, {b:g}]")

    within("pic_activation", result.pic_activation, 0.0, 1.0)
    within("unit_pic_activation", result.unit_pic_activation, 0.0, 1.0)
    within("receptor_open", result.receptor_open, 0.0, 1.0)
    within("cleft_ach", result.cleft_ach, 0.0, math.inf)
    within("endplate_mV", result.endplate_mV, 0.0, p.junction.reversal_mV)
    within("population_rate_hz", result.population_rate_hz, 0.0, math.inf)
    within("ia_rate_hz", result.ia_rate_hz, 0.0, math.inf)
    within("renshaw_activity", result.renshaw_activity, 0.0, math.inf)
    tol_deg = END_STOP_OVERSHOOT_DEG if angle_tolerance_deg is None else angle_tolerance_deg
    within("joint_angle_deg", result.joint_angle_deg,
           -p.limb.plantarflexion_limit_deg - tol_deg, p.limb.dorsiflexion_limit_deg + tol_deg)
    for name in ("spike_times_s", "activation_times_s", "nerve_impulse_times_s"):
        t = getattr(result, name)
        if t.size and (np.any(np.diff(t) < 0) or t[0] < 0 or t[-1] >= result.duration_s):
            out.append(f"{name}: not ordered or outside [0, {result.duration_s:g}) s")
    return out
