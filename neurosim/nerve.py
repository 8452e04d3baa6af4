r"""Peripheral nerve: conduction delays, axon loss, demyelination, ectopic firing, stimulation.

**Conduction.** Motor axon *i* conducts at :math:`c_i` (larger units faster),
the Ia afferents at :math:`c_{Ia}`; demyelination multiplies every velocity by
:math:`1 - \text{slowing}`. Over the cord–muscle path :math:`L`:

.. math::

    d_{eff,i} = L / c_i + d_{NMJ}, \qquad d_{aff} = L / c_{Ia} + d_{central},

so the monosynaptic reflex latency is :math:`d_{aff} + d_{eff,i}` plus the time
the motor neuron takes to reach threshold.

**Axon loss and block.** A fixed, seed-independent subset of motor axons is
lost (``1 - motor_axon_survival``); of the survivors a further subset is
blocked in a demyelinated segment between the proximal and distal stimulation
sites (``conduction_block``). Lost axons never reach the muscle; blocked ones
reach it only from a stimulus below the block.

**Electrical stimulation** recruits axons by *electrical* threshold, largest
first — the reverse of voluntary recruitment. A stimulus at distance
:math:`D` from the muscle makes, in every motor axon above threshold, an
orthodromic spike (reaches the muscle after :math:`D/c_i + d_{NMJ}`: the
**M-wave**) and an antidromic one (reaches the motor neuron after
:math:`(L - D)/c_i`, resetting it and colliding with any reflex spike on its
way down). Ia afferents above threshold (lower thresholds than motor axons; the
muscle's own and its synergists') send a synchronous volley to the cord, :math:`(L - D)/c_{Ia}` later, which
excites the motor neurons monosynaptically: the **H-reflex**. With rising
intensity the M-wave grows and the H-reflex first grows, then vanishes by
collision — the H/M recruitment curve.

**Ectopic discharges** of hyperexcitable distal axons (Poisson, ``ectopic_rate_hz``)
activate their muscle units directly: fasciculations at low rates, cramp at high.
"""

from __future__ import annotations

import math

import numpy as np

from .motor_pool import exponential_spread, interpolate_across_pool, unit_rank
from .parameters import NerveParameters, SpindleParameters

__all__ = ["nerve_arrays", "scatter", "stimulus_events", "ectopic_events", "SITES"]

SITES = ("distal", "proximal")
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


def scatter(n: int, offset: float) -> np.ndarray:
    """Evenly scattered, seed-independent numbers in [0, 1) for selecting subsets of units.

    The fractional parts of ``(i + offset)·φ`` (golden ratio) spread any
    fraction of the pool evenly over small and large units, so that the same
    parameter value always removes the same axons.
    """
    return np.mod((np.arange(n) + offset) * _GOLDEN, 1.0)


def nerve_arrays(nerve: NerveParameters, spindle: SpindleParameters, n_units: int,
                 dt_ms: float) -> dict:
    """Per-unit and per-afferent constants of the nerve stage.

    Returns
    -------
    dict
        ``motor_cv_m_s`` (n_units,), ``efferent_delay_steps`` (n_units,) int,
        ``afferent_delay_steps`` int, ``alive`` (n_units,) bool, ``blocked`` (n_units,) bool,
        ``n_afferents_alive`` int, ``motor_threshold_mA`` (n_units,),
        ``ia_threshold_mA`` (n_nerve_ia,) thresholds of the stimulable Ia fibres,
        ``afferent_cv_m_s`` float.
    """
    slow = 1.0 - nerve.demyelination_slowing
    cv = interpolate_across_pool(nerve.motor_cv_smallest_m_s, nerve.motor_cv_largest_m_s,
                                 n_units) * slow
    cv_aff = nerve.afferent_cv_m_s * slow
    eff_ms = 1000.0 * nerve.path_length_m / cv + nerve.neuromuscular_delay_ms
    aff_ms = 1000.0 * nerve.path_length_m / cv_aff + nerve.central_delay_ms
    alive = scatter(n_units, 0.5) < nerve.motor_axon_survival
    blocked = alive & (scatter(n_units, 0.25 * n_units + 0.7) < nerve.conduction_block)
    n_aff = int(round(spindle.n_afferents * nerve.afferent_survival))
    n_nerve_ia = int(round(n_aff * nerve.stimulated_ia_per_muscle_ia))
    rank = unit_rank(n_units)
    motor_thr = nerve.motor_threshold_mA * nerve.motor_threshold_range ** (1.0 - rank)
    ia_thr = exponential_spread(nerve.ia_threshold_fraction * nerve.motor_threshold_mA, 1.5,
                                max(n_nerve_ia, 1))[:n_nerve_ia]
    return dict(motor_cv_m_s=cv, afferent_cv_m_s=cv_aff,
                efferent_delay_steps=np.round(eff_ms / dt_ms).astype(np.int64),
                afferent_delay_steps=int(round(aff_ms / dt_ms)), alive=alive, blocked=blocked,
                n_afferents_alive=n_aff, motor_threshold_mA=motor_thr, ia_threshold_mA=ia_thr)


def stimulus_events(stimuli, nerve: NerveParameters, arrays: dict, dt_ms: float) -> dict:
    """Everything a list of electrical stimuli causes, as events at the stimulus step.

    Parameters
    ----------
    stimuli : sequence of (time_s, intensity_mA, site)
    nerve : NerveParameters
    arrays : dict
        Output of :func:`nerve_arrays`.
    dt_ms : float

    Returns
    -------
    dict of int64 ndarray, each set sorted by its step
        ``muscle_step, muscle_unit, muscle_delay`` — direct (M-wave) activations,
        reaching the muscle ``muscle_delay`` steps after the stimulus;
        ``anti_step, anti_unit, anti_delay`` — antidromic spikes, reaching the
        motor neuron ``anti_delay`` steps after the stimulus (collision window);
        ``volley_step, volley_count, volley_delay`` — Ia volleys reaching the cord.
    """
    cols = {k: [] for k in ("muscle_step", "muscle_unit", "muscle_delay", "anti_step",
                            "anti_unit", "anti_delay", "volley_step", "volley_count",
                            "volley_delay")}
    cv = arrays["motor_cv_m_s"]
    for time_s, intensity, site in stimuli:
        dist = nerve.distal_site_to_muscle_m if site == "distal" else nerve.proximal_site_to_muscle_m
        dist = min(dist, nerve.path_length_m)
        s0 = int(round(time_s * 1000.0 / dt_ms))
        hit = arrays["alive"] & (arrays["motor_threshold_mA"] <= intensity)
        # a proximal stimulus is above the block: blocked axons do not reach the muscle;
        # a distal one is below it: their antidromic spikes do not reach the cord
        to_muscle = np.flatnonzero(hit & ~(arrays["blocked"] & (site == "proximal")))
        to_cord = np.flatnonzero(hit & ~(arrays["blocked"] & (site == "distal")))
        down = np.round((1000.0 * dist / cv + nerve.neuromuscular_delay_ms) / dt_ms)
        up = np.round(1000.0 * (nerve.path_length_m - dist) / cv / dt_ms)
        cols["muscle_step"].append(np.full(to_muscle.size, s0))
        cols["muscle_unit"].append(to_muscle)
        cols["muscle_delay"].append(down[to_muscle])
        cols["anti_step"].append(np.full(to_cord.size, s0))
        cols["anti_unit"].append(to_cord)
        cols["anti_delay"].append(up[to_cord])
        n_ia = int(np.sum(arrays["ia_threshold_mA"] <= intensity))
        if n_ia:
            up_ia = (1000.0 * (nerve.path_length_m - dist) / arrays["afferent_cv_m_s"]
                     + nerve.central_delay_ms)
            cols["volley_step"].append([s0])
            cols["volley_count"].append([n_ia])
            cols["volley_delay"].append([round(up_ia / dt_ms)])
    out = {k: (np.concatenate([np.asarray(v, dtype=np.int64) for v in vals])
               if vals else np.zeros(0, dtype=np.int64)) for k, vals in cols.items()}
    for prefix in ("muscle", "anti", "volley"):
        keys = [k for k in out if k.startswith(prefix)]
        order = np.argsort(out[f"{prefix}_step"], kind="stable")
        for k in keys:
            out[k] = out[k][order]
    return out


def ectopic_events(nerve: NerveParameters, arrays: dict, step0: int, n_steps: int,
                   dt_ms: float, rng: np.random.Generator):
    """Ectopic axonal discharges starting in one chunk of steps.

    Every surviving hyperexcitable axon fires as a Poisson process at
    ``ectopic_rate_hz``. The draws always use ``rng`` (even at rate 0) so that the
    other random streams do not depend on this setting.

    Returns
    -------
    step, unit : int64 ndarray, shape (n_events,)
        Origin step and unit of every discharge, sorted by step; each reaches the
        muscle after the neuromuscular delay.
    """
    n = arrays["alive"].size
    hyper = np.flatnonzero(arrays["alive"] & (scatter(n, 0.9) < nerve.ectopic_fraction))
    # superposed Poisson processes: a Poisson count per step, each on a random axon
    per_step = rng.poisson(nerve.ectopic_rate_hz * hyper.size * dt_ms / 1000.0, size=n_steps)
    steps = np.repeat(step0 + np.arange(n_steps, dtype=np.int64), per_step)
    units = hyper[rng.integers(0, max(hyper.size, 1), size=steps.size)] if hyper.size else \
        np.zeros(0, dtype=np.int64)
    return steps, units.astype(np.int64)
