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

**Ectopic discharges** of hyperexcitable distal axons activate their muscle units
directly: fasciculations at low rates, cramp at high. Each hyperexcitable axon fires
as a renewal process whose hazard recovers after every discharge. At time :math:`s`
since its last discharge the axon is absolutely refractory for
:math:`s < t_{ref}`; after that its threshold is still raised by an amount that decays
with time constant :math:`\tau_r` (late subexcitability), and with escape noise the
hazard is

.. math:: h(s) = r_0 \exp\!\big(-\delta\, e^{-(s - t_{ref})/\tau_r}\big),
          \qquad s \ge t_{ref},

(``ectopic_refractory_ms``, ``ectopic_recovery_ms``, depth :math:`\delta` =
``ectopic_recovery_depth``). The rested hazard :math:`r_0` is chosen so that the mean
discharge rate :math:`1/\mathrm{E}[\text{ISI}]` equals ``ectopic_rate_hz``; an axon
that has not fired yet is rested (hazard :math:`r_0`). Rare discharges
(:math:`1/\text{rate} \gg \tau_r`) are Poisson-like and irregular (ISI CV near 1);
frequent ones are paced by the recovery and become more regular (CV about 0.45 at
15 Hz, as in cramps). An ectopic discharge does not interact with impulses from the
motor neuron (no collision or reset), a simplification.

In the loop the nerve joins two slots of the schedule (:mod:`neurosim.schedule`):
``axons`` (:func:`stimulate`, before the motor neurons: electrically evoked and ectopic
axon spikes set off now) and ``efferent`` (:func:`conduct`, after them: this step's
motor-neuron spikes travel down their axons unless lost, blocked or annihilated by an
antidromic spike). Spikes wait in a delay line, one row per step, until they reach the
nerve terminals, which the junction reads (:func:`neurosim.junction.transmit`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar
import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .motor_pool import FIRED_NOW, exponential_spread, interpolate_across_pool, unit_rank
from ._fields import Validated, param
from .spindle import SpindleParameters

__all__ = ["NerveParameters", "PARAMETERS", "nerve_arrays", "surviving_axons", "AXON_ORDER_OFFSET",
           "scatter", "stimulus_events", "EctopicDischarges", "backfires", "SOURCE_F_WAVE",
           "ectopic_interval_stats", "rested_hazard_hz", "max_ectopic_rate_hz", "SITES",
           "IA_THRESHOLD_SPREAD"]


# ------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class NerveParameters(Validated):
    """Peripheral nerve: conduction, axon loss, demyelination, ectopic firing, stimulation."""

    stage_name: ClassVar[str] = "nerve"

    path_length_m: float = param(
        0.8, unit="m", min=0.05, max=2.0, label="Cord–muscle path",
        help="Nerve path length from the spinal cord to the muscle.",
        source="Spinal segment S1 to soleus about 0.8–1 m in adults, consistent with H-reflex "
               "latencies near 30 ms (Palmieri, Ingersoll & Hoffman 2004, J Athl Train 39:268)")
    motor_cv_smallest_m_s: float = param(
        44.0, unit="m/s", min=1.0, max=120.0, label="Motor CV, small axons",
        help="Conduction velocity of the smallest motor axons.",
        source="Human leg motor conduction 40–50 m/s (Kimura, Electrodiagnosis in "
               "Diseases of Nerve and Muscle); the spread within one nerve is narrower")
    motor_cv_largest_m_s: float = param(
        50.0, unit="m/s", min=1.0, max=120.0, label="Motor CV, large axons",
        help="Conduction velocity of the largest motor axons (larger axons conduct faster).",
        source="Kimura, Electrodiagnosis in Diseases of Nerve and Muscle (leg 40–50 m/s)")
    afferent_cv_m_s: float = param(
        60.0, unit="m/s", min=1.0, max=120.0, label="Ia afferent CV",
        help="Conduction velocity of the Ia afferents (faster than motor axons).",
        source="Ia afferents conduct faster than motor axons (Kimura; Palmieri et al. 2004)")
    central_delay_ms: float = param(
        1.0, unit="ms", min=0.1, max=20.0, label="Central delay",
        help="Synaptic and intraspinal delay of the monosynaptic Ia reflex.",
        source="Monosynaptic central delay about 0.5–1 ms (Burke 1983, in Motor Control "
               "Mechanisms in Health and Disease)")
    neuromuscular_delay_ms: float = param(
        1.0, unit="ms", min=0.1, max=10.0, label="Neuromuscular delay",
        help="Delay from the axon terminal to the muscle-fibre action potential.",
        source="Neuromuscular transmission about 1 ms (Kimura)")
    motor_axon_survival: float = param(
        1.0, unit="1", min=0.0, max=1.0, label="Surviving motor axons",
        help="Fraction of motor axons that still reach the muscle (1 = all; axon loss lowers it).",
        group="Nerve",
        source="Axonal neuropathy lowers CMAP amplitude: tibial 12.4 vs 6.7 mV in diabetes "
               "without vs with polyneuropathy (Sci Rep 2024, doi:10.1038/s41598-024-82235-8)")
    afferent_survival: float = param(
        1.0, unit="1", min=0.0, max=1.0, label="Surviving Ia afferents",
        help="Fraction of Ia afferents that still conduct.",
        group="Nerve",
        source="Sensory potentials fall first in diabetic neuropathy (Sci Rep 2024, "
               "doi:10.1038/s41598-024-82235-8: sural SNAP 5.6 → 0 µV)")
    demyelination_slowing: float = param(
        0.0, unit="1", min=0.0, max=0.8, label="Demyelination slowing",
        help="Fractional reduction of every conduction velocity by demyelination.",
        group="Nerve",
        source="Demyelination slows conduction (Kimura); median motor CV 52.3 → 43.6 m/s "
               "after > 10 years of diabetes (ICR 2025, 30(7):170)")
    conduction_block: float = param(
        0.0, unit="1", min=0.0, max=1.0, label="Conduction block",
        help="Fraction of motor axons blocked in a demyelinated segment between the "
             "proximal and distal stimulation sites.",
        group="Nerve",
        source="Conduction block: proximal CMAP smaller than distal (Kimura)")
    ectopic_rate_hz: float = param(
        0.0, unit="Hz", min=0.0, max=100.0, label="Ectopic discharge rate",
        help="Mean rate of spontaneous discharges of each hyperexcitable motor axon "
             "(fasciculations when low, cramp when high).",
        group="Nerve",
        source="Ectopic axonal discharges as a source of fasciculations and cramps "
               "(Layzer 1994, Muscle Nerve 17:1243)")
    ectopic_fraction: float = param(
        1.0, unit="1", min=0.0, max=1.0, label="Hyperexcitable axons",
        help="Fraction of motor axons that discharge ectopically at ectopic_rate_hz.",
        source="neurosim modelling choice")
    ectopic_refractory_ms: float = param(
        1.0, unit="ms", min=0.2, max=10.0, label="Axonal refractory period",
        help="Absolute refractory period of a motor axon after an ectopic discharge: no "
             "second discharge within it.",
        source="Human motor axons are absolutely refractory for about 1 ms at body "
               "temperature (Kiernan, Burke, Andersen & Bostock 2000, Muscle Nerve 23:399)")
    ectopic_recovery_ms: float = param(
        30.0, unit="ms", min=1.0, max=500.0, label="Axonal recovery time constant",
        help="Time constant with which an axon's excitability recovers after an ectopic "
             "discharge (decay of the post-discharge threshold rise).",
        source="Late subexcitability of human motor axons (slow K⁺ channels) peaks about "
               "40 ms after an impulse and is gone by about 100–200 ms (Kiernan et al. "
               "2000, Muscle Nerve 23:399; Bostock, Cikurel & Burke 1998, Muscle Nerve "
               "21:137); value chosen inside that span")
    ectopic_recovery_depth: float = param(
        5.0, unit="1", min=0.0, max=20.0, label="Axonal recovery depth",
        help="Post-discharge threshold rise in units of the membrane noise: right after "
             "the refractory period the discharge hazard is exp(−depth) of a rested "
             "axon's (0 = Poisson firing after the refractory period).",
        source="neurosim choice with ectopic_recovery_ms: gives an ISI coefficient of "
               "variation near 0.45 at 14.5 discharges/s, as in electrically elicited "
               "cramps (Minetto et al. 2009, J Neurophysiol 102:1890: 14.5 ± 5.1 pps, "
               "ISI CV ≈ 0.45), while rare discharges stay Poisson-like (CV ≈ 1)")
    motor_threshold_mA: float = param(
        10.0, unit="mA", min=0.1, max=100.0, label="Motor threshold (largest axon)",
        help="Stimulus that just excites the largest motor axon (large axons are excited first).",
        source="Typical surface stimulation thresholds of a few to tens of mA (Kimura)")
    motor_threshold_range: float = param(
        2.5, unit="1", min=1.0, max=10.0, label="Motor threshold range",
        help="Threshold of the smallest motor axon divided by that of the largest.",
        source="neurosim modelling choice (M-wave grows from threshold to maximum over a "
               "few-fold intensity range)")
    ia_threshold_fraction: float = param(
        0.6, unit="1", min=0.1, max=2.0, label="Ia threshold re motor",
        help="Lowest Ia threshold as a fraction of the motor threshold; Ia thresholds "
             "spread up to 1.5× this value.",
        source="H-reflex appears below motor threshold in soleus (Palmieri et al. 2004)")
    stimulated_ia_per_muscle_ia: float = param(
        3.0, unit="1", min=0.0, max=20.0, label="Ia fibres in the nerve per muscle Ia",
        help="Ia fibres a nerve shock can excite (the muscle's own and its synergists', "
             "all projecting to this pool) per Ia afferent of the muscle itself.",
        source="Tibial-nerve shocks excite soleus and synergist Ia afferents, which all "
               "excite soleus motor neurons (Pierrot-Deseilligny & Burke 2005, The Circuitry "
               "of the Human Spinal Cord)")
    distal_site_to_muscle_m: float = param(
        0.15, unit="m", min=0.01, max=1.0, label="Distal site–muscle distance",
        help="Distance from the distal stimulation site to the muscle.",
        source="protocol setting (stimulation at the popliteal fossa)")
    proximal_site_to_muscle_m: float = param(
        0.45, unit="m", min=0.02, max=1.9, label="Proximal site–muscle distance",
        help="Distance from the proximal stimulation site to the muscle.",
        source="protocol setting (second site for conduction velocity)")
    backfiring_probability: float = param(
        0.03, unit="1", min=0.0, max=1.0, label="Backfiring probability",
        help="Chance that an antidromic spike invading an excitable motor neuron makes it "
             "fire again (a recurrent discharge back down the axon: the F-wave).",
        source="F-waves come from the recurrent discharge of a small fraction, about 1–5 %, "
               "of the antidromically invaded motor neurons (Kimura, Electrodiagnosis in "
               "Diseases of Nerve and Muscle; Mesrati & Vecchierini 2004, Neurophysiol "
               "Clin 34:217); 0.03 inside that span")
    f_wave_turnaround_ms: float = param(
        1.0, unit="ms", min=0.1, max=5.0, label="F-wave turnaround time",
        help="Delay at the motor neuron between the antidromic invasion and the recurrent "
             "discharge it sends back down.",
        source="Turnaround time at the motor neuron about 1 ms (Kimura, Electrodiagnosis in "
               "Diseases of Nerve and Muscle)")


PARAMETERS = (NerveParameters,)
"""The parameter groups this stage owns: fields of :class:`~neurosim.Parameters` named by
their ``stage_name``."""

SITES = ("distal", "proximal")

SOURCE_REFLEX = 1
"""Impulse/activation flag: a motor-neuron spike conducted down the axon (voluntary or reflex)."""
SOURCE_STIMULUS = 2
"""Impulse/activation flag: an axon excited directly by an electrical stimulus (M-wave)."""
SOURCE_ECTOPIC = 4
"""Impulse/activation flag: an ectopic discharge of a hyperexcitable axon."""
SOURCE_TERMINAL = 8
"""Impulse/activation flag: the nerve terminal fired by itself (lingering ACh on its
autoreceptors; :mod:`neurosim.junction`)."""
SOURCE_F_WAVE = 16
"""Impulse/activation flag: a recurrent discharge (backfiring) of a motor neuron invaded by
an antidromic spike — the F-wave."""
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0
IA_THRESHOLD_SPREAD = 1.5
"""Highest Ia stimulation threshold divided by the lowest (exponential spread). With the
lowest at ``ia_threshold_fraction`` (0.6) of the motor threshold, the Ia thresholds span
0.6–0.9 of it, so the soleus H-reflex appears below motor threshold and is largest near
it (Palmieri, Ingersoll & Hoffman 2004, J Athl Train 39:268); the value is a neurosim
choice inside that picture."""
_RECOVERY_TABLE_POINTS = 20000
_RECOVERY_RESIDUE = 1e-6  # the table ends where the hazard is within this of r0
_MAX_REFRACTORY_SHARE = 0.5  # the refractory period may fill at most half the mean interval


def scatter(n: int, offset: float) -> np.ndarray:
    """Evenly scattered, seed-independent numbers in [0, 1) for selecting subsets of units.

    The fractional parts of ``(i + offset)·φ`` (golden ratio) spread any
    fraction of the pool evenly over small and large units, so that the same
    parameter value always removes the same axons.
    """
    return np.mod((np.arange(n) + offset) * _GOLDEN, 1.0)


AXON_ORDER_OFFSET = 0.5
"""The :func:`scatter` offset that orders the motor axons for loss: unit *i* survives
while ``scatter(n, AXON_ORDER_OFFSET)[i]`` is below the surviving fraction."""


def surviving_axons(nerve: NerveParameters, n_units: int) -> np.ndarray:
    """The motor axons that ``nerve.motor_axon_survival`` leaves, shape (n_units,) bool.

    A fixed, seed-independent subset spread evenly over the pool (:func:`scatter`); over
    time :mod:`neurosim.reinnervation` removes more in the same order, or lets cut ones
    regrow.
    """
    return scatter(n_units, AXON_ORDER_OFFSET) < nerve.motor_axon_survival


def nerve_arrays(nerve: NerveParameters, spindle: SpindleParameters, n_units: int,
                 dt_ms: float, *, alive: np.ndarray | None = None) -> dict:
    """Per-unit and per-afferent constants of the nerve stage.

    Parameters
    ----------
    nerve : NerveParameters
    spindle : SpindleParameters
    n_units : int
    dt_ms : float
    alive : ndarray of bool, shape (n_units,), optional
        The motor axons that reach the muscle; default :func:`surviving_axons`. A run
        passes the remodelled units' (:func:`neurosim.reinnervation.unit_remodelling`),
        which are the same unless time has passed since the onset.

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
    alive = surviving_axons(nerve, n_units) if alive is None else np.asarray(alive, dtype=bool)
    blocked = alive & (scatter(n_units, 0.25 * n_units + 0.7) < nerve.conduction_block)
    n_aff = int(round(spindle.n_afferents * nerve.afferent_survival))
    n_nerve_ia = int(round(n_aff * nerve.stimulated_ia_per_muscle_ia))
    rank = unit_rank(n_units)
    motor_thr = nerve.motor_threshold_mA * nerve.motor_threshold_range ** (1.0 - rank)
    ia_thr = exponential_spread(nerve.ia_threshold_fraction * nerve.motor_threshold_mA,
                                IA_THRESHOLD_SPREAD, max(n_nerve_ia, 1))[:n_nerve_ia]
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
        ``anti_below`` — steps from the stimulation site to that unit's muscle: an
        orthodromic spike in flight that would arrive later than this is still above the
        site and meets the antidromic spike (both vanish);
        ``volley_step, volley_count, volley_delay`` — Ia volleys reaching the cord.
    """
    cols = {k: [] for k in ("muscle_step", "muscle_unit", "muscle_delay", "anti_step",
                            "anti_unit", "anti_delay", "anti_below", "volley_step", "volley_count",
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
        cols["anti_below"].append(down[to_cord])
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


def max_ectopic_rate_hz() -> float:
    """Ceiling on the ectopic rate per axon (Hz), whatever its causes add up to.

    The upper end of ``nerve.ectopic_rate_hz``'s declared range (its metadata), so a
    parameter change and low Ca²⁺/Mg²⁺ together stay inside what the parameter allows.
    """
    return float(next(f for f in dataclasses.fields(NerveParameters)
                      if f.name == "ectopic_rate_hz").metadata["max"])


def _recovery_table(nerve: NerveParameters):
    r"""Grid of times after the refractory period (s) and the hazard's recovery factor there.

    Returns
    -------
    x_s : ndarray, shape (n,)
        Times after the end of the refractory period, from 0 to where the factor is
        within ``_RECOVERY_RESIDUE`` of 1 (a single point at 0 without recovery).
    g : ndarray, shape (n,)
        :math:`\exp(-\delta e^{-x/\tau_r})`.
    """
    depth, tau = nerve.ectopic_recovery_depth, nerve.ectopic_recovery_ms / 1000.0
    if depth <= 0.0:
        return np.zeros(1), np.ones(1)
    x_end = tau * math.log(max(depth, 1.0) / _RECOVERY_RESIDUE)
    x = np.linspace(0.0, x_end, _RECOVERY_TABLE_POINTS)
    return x, np.exp(-depth * np.exp(-x / tau))


def _cumulative(x, values):
    """Trapezoidal running integral of ``values`` over ``x``, shape as ``x``."""
    out = np.zeros_like(x)
    if x.size > 1:
        out[1:] = np.cumsum(0.5 * (values[1:] + values[:-1]) * np.diff(x))
    return out


def _mean_interval_s(r0, nerve, x, g_integral):
    """Mean interval between ectopic discharges (s) at rested hazard ``r0`` (Hz)."""
    h_cum = r0 * g_integral
    survival = np.exp(-h_cum)
    inside = float(np.sum(0.5 * (survival[1:] + survival[:-1]) * np.diff(x)))
    return nerve.ectopic_refractory_ms / 1000.0 + inside + float(survival[-1]) / r0


def _check_rate(nerve: NerveParameters, rate_hz: float) -> None:
    refractory_s = nerve.ectopic_refractory_ms / 1000.0
    if rate_hz * refractory_s > _MAX_REFRACTORY_SHARE:
        raise ValueError(
            f"nerve.ectopic_rate_hz = {rate_hz:g} Hz is too fast for nerve.ectopic_refractory_ms "
            f"= {nerve.ectopic_refractory_ms:g} ms: the refractory period may fill at most "
            f"{_MAX_REFRACTORY_SHARE:g} of the mean interval (rate ≤ "
            f"{_MAX_REFRACTORY_SHARE / refractory_s:g} Hz)")


def rested_hazard_hz(nerve: NerveParameters, rate_hz: float) -> float:
    r"""The rested hazard :math:`r_0` (Hz) that gives a mean ectopic rate of ``rate_hz``.

    Raises
    ------
    ValueError
        If the rate cannot be reached because the refractory period would fill more
        than half of the mean interval.
    """
    _check_rate(nerve, rate_hz)
    if rate_hz < NEGLIGIBLE_ECTOPIC_RATE_HZ:
        return 0.0
    x, g = _recovery_table(nerve)
    gi = _cumulative(x, g)
    lo, hi = math.log(rate_hz), math.log(rate_hz) + 40.0  # hazard ≤ r0, so r0 ≥ rate
    for _ in range(200):  # bisection in log r0: the mean interval falls as r0 grows
        mid = 0.5 * (lo + hi)
        if 1.0 / _mean_interval_s(math.exp(mid), nerve, x, gi) < rate_hz:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return math.exp(0.5 * (lo + hi))


def ectopic_interval_stats(nerve: NerveParameters, rate_hz: float | None = None):
    """Mean (s) and coefficient of variation of the ectopic inter-discharge interval.

    Parameters
    ----------
    nerve : NerveParameters
    rate_hz : float, optional
        Mean rate (default ``nerve.ectopic_rate_hz``); must be > 0.

    Returns
    -------
    mean_s, cv : float
    """
    rate_hz = nerve.ectopic_rate_hz if rate_hz is None else rate_hz
    if not rate_hz > 0.0:
        raise ValueError(f"rate_hz = {rate_hz:g} Hz must be > 0")
    r0 = rested_hazard_hz(nerve, rate_hz)
    x, g = _recovery_table(nerve)
    g_integral = _cumulative(x, g)
    survival = np.exp(-r0 * g_integral)
    s_end = float(survival[-1])
    mean = _mean_interval_s(r0, nerve, x, g_integral)
    m1 = mean - nerve.ectopic_refractory_ms / 1000.0  # the part after the refractory period
    xs = x * survival
    m2 = 2.0 * float(np.sum(0.5 * (xs[1:] + xs[:-1]) * np.diff(x))) \
        + 2.0 * s_end * (x[-1] / r0 + 1.0 / r0 ** 2)
    var = m2 - m1 * m1  # the refractory period shifts the interval, not its spread
    return mean, math.sqrt(max(var, 0.0)) / mean


NEGLIGIBLE_ECTOPIC_RATE_HZ = 1e-6
"""Ectopic rates below this (Hz: one discharge in 11 days, against runs of at most an hour)
are treated as none — a rate of 1e-320 Hz would otherwise need a hazard that underflows."""

NEVER_STEP = 2 ** 62
"""Step of a discharge that never comes (beyond any run: 3600 s is 7.2e8 steps at 5 µs)."""


class EctopicDischarges:
    r"""Ectopic discharges of the hyperexcitable motor axons, one chunk of steps at a time.

    Every surviving hyperexcitable axon (a fixed, seed-independent ``ectopic_fraction``
    of the pool) fires as the renewal process of the module docstring. Intervals are
    drawn by inverting the cumulative hazard, :math:`\int_0^{\text{ISI}} h = E` with
    :math:`E \sim \text{Exp}(1)`; the exponentials come from ``rng`` in *rounds* of one
    per axon, and an axon's *k*-th interval always uses round *k*, so the discharges
    do not depend on how the run is cut into chunks. The state (each axon's next
    discharge time) carries over from one call to the next.

    Parameters
    ----------
    nerve : NerveParameters
    arrays : dict
        Output of :func:`nerve_arrays`.
    dt_ms : float
        Time step (ms); discharges are reported at step ``floor(t / dt)``.
    rng : numpy.random.Generator
        The only source of randomness (not used at rate 0).
    rate_hz : float, optional
        Mean rate per axon (default ``nerve.ectopic_rate_hz``).

    Raises
    ------
    ValueError
        If the rate is too fast for the refractory period (:func:`rested_hazard_hz`).
    """

    def __init__(self, nerve: NerveParameters, arrays: dict, dt_ms: float,
                 rng: np.random.Generator, rate_hz: float | None = None):
        n = arrays["alive"].size
        self.rate_hz = float(nerve.ectopic_rate_hz if rate_hz is None else rate_hz)
        self.units = np.flatnonzero(arrays["alive"] & (scatter(n, 0.9) < nerve.ectopic_fraction))
        self.rested_hazard_hz = rested_hazard_hz(nerve, self.rate_hz)
        self._dt_s = dt_ms / 1000.0
        self._rng = rng
        self._refractory_s = nerve.ectopic_refractory_ms / 1000.0
        self._x, g = _recovery_table(nerve)
        self._h_cum = self.rested_hazard_hz * _cumulative(self._x, g)
        self._active = self.rested_hazard_hz > 0.0 and self.units.size > 0
        m = self.units.size
        self._rounds = np.zeros((0, m))
        self._first_round = 0
        self._count = np.zeros(m, dtype=np.int64)
        self._next_s = np.zeros(m)
        self._next_step = np.zeros(m, dtype=np.int64)
        self._expected_step = 0
        if self._active:  # rested axons: the first discharge comes at hazard r0
            self._next_s = self._draw(np.arange(m)) / self.rested_hazard_hz
            self._next_step = self._step_of(self._next_s)

    def _step_of(self, time_s: np.ndarray) -> np.ndarray:
        """Step ``floor(t / dt)`` of each discharge time; a time too far away to represent
        (a rate of 1e-310 Hz gives an infinite interval) becomes :data:`NEVER_STEP`, so
        that axon simply does not fire again."""
        with np.errstate(over="ignore"):
            return np.floor(np.minimum(time_s / self._dt_s, NEVER_STEP)).astype(np.int64)

    def _draw(self, idx: np.ndarray) -> np.ndarray:
        """The next exponential of each axon in ``idx`` (its round ``count``)."""
        need = int(self._count[idx].max()) + 1 - self._first_round
        if need > self._rounds.shape[0]:
            extra = self._rng.standard_exponential((need - self._rounds.shape[0],
                                                    self.units.size))
            self._rounds = np.concatenate([self._rounds, extra])
        e = self._rounds[self._count[idx] - self._first_round, idx]
        self._count[idx] += 1
        done = int(self._count.min()) - self._first_round  # rounds every axon has used
        if done > 0:
            self._rounds = self._rounds[done:]
            self._first_round += done
        return e

    def _interval_s(self, e: np.ndarray) -> np.ndarray:
        """Interval (s) whose cumulative hazard equals ``e``, shape as ``e``."""
        h_end = self._h_cum[-1]
        inside = np.interp(np.minimum(e, h_end), self._h_cum, self._x) if self._x.size > 1 \
            else np.zeros_like(e)
        tail = np.maximum(e - h_end, 0.0) / self.rested_hazard_hz
        return self._refractory_s + inside + tail

    def events(self, step0: int, n_steps: int):
        """Discharges at steps ``step0 … step0 + n_steps − 1``.

        Chunks must be asked for in order, each starting where the last one ended.

        Returns
        -------
        step, unit : int64 ndarray, shape (n_events,)
            Origin step and unit of every discharge, sorted by step (then unit); each
            reaches the muscle after the neuromuscular delay.
        """
        if step0 != self._expected_step:
            raise ValueError(f"ectopic discharges were asked for step {step0}; the next "
                             f"chunk starts at step {self._expected_step}")
        self._expected_step = step0 + n_steps
        if not self._active:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        end = step0 + n_steps
        steps, units = [], []
        while True:
            due = np.flatnonzero(self._next_step < end)
            if due.size == 0:
                break
            steps.append(self._next_step[due].copy())
            units.append(self.units[due])
            interval_s = self._interval_s(self._draw(due))
            if not np.all(interval_s > 0.0):  # never for valid parameters; guards the loop
                raise RuntimeError("neurosim: an ectopic interval was not positive (a bug; "
                                   "please report)")
            self._next_s[due] += interval_s
            self._next_step[due] = self._step_of(self._next_s[due])
        if not steps:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        step = np.concatenate(steps)
        unit = np.concatenate(units).astype(np.int64)
        order = np.lexsort((unit, step))
        return step[order], unit[order]


# ------------------------------------------------------------------- the stage in the loop
STAGE = "nerve"
"""This stage's name in the schedule (:mod:`neurosim.schedule`) and in the bundles."""

EN_ROUTE, F_PENDING = range(2)
"""Indices into :attr:`State.counts`: antidromic spikes on their way to a soma; recurrent
discharges (F-waves) waiting for their turnaround time."""


def run_nerve_arrays(run) -> dict:
    """:func:`nerve_arrays` of ``run`` (computed once per run, shared by the stages)."""
    from .reinnervation import run_remodelling
    p = run.parameters
    return run.cached("nerve_arrays", lambda: nerve_arrays(
        p.nerve, p.spindle, p.pool.n_units, run.dt_ms, alive=run_remodelling(run).alive))


def run_stimulus_events(run) -> dict:
    """:func:`stimulus_events` of ``run``'s protocol (computed once per run)."""
    return run.cached("stimulus_events", lambda: stimulus_events(
        run.protocol.stimuli(), run.parameters.nerve, run_nerve_arrays(run), run.dt_ms))


def ectopic_nerve(parameters) -> NerveParameters:
    """The nerve as its ectopic discharges see it: low Ca²⁺/Mg²⁺ make every axon
    hyperexcitable (:func:`neurosim.junction.electrolyte_ectopic_rate_hz` adds to
    ``nerve.ectopic_rate_hz``)."""
    from .junction import electrolyte_ectopic_rate_hz
    return parameters.nerve.with_changes(ectopic_rate_hz=min(
        max_ectopic_rate_hz(),
        parameters.nerve.ectopic_rate_hz + electrolyte_ectopic_rate_hz(parameters.junction)))


def backfires(n_antidromic: int, nerve: NerveParameters, rng: np.random.Generator) -> np.ndarray:
    """Which antidromic spikes may make their motor neuron backfire, shape (n_antidromic,).

    One uniform number per antidromic spike (in the order of :func:`stimulus_events`), drawn
    once per run from ``rng``, so the F-waves do not depend on how the run is cut into
    chunks. Whether a chosen neuron does backfire is decided in the loop: only if it is
    excitable (not refractory) when the spike invades it.
    """
    if nerve.backfiring_probability <= 0.0 or n_antidromic == 0:
        return np.zeros(n_antidromic, dtype=np.bool_)
    return rng.random(n_antidromic) < nerve.backfiring_probability


def run_backfires(run) -> np.ndarray:
    """:func:`backfires` of ``run``'s antidromic spikes (its ``backfire`` stream; once per run)."""
    return run.cached("backfires", lambda: backfires(
        run_stimulus_events(run)["anti_step"].size, run.parameters.nerve, run.rngs["backfire"]))


class Constants(NamedTuple):
    """The nerve's constants for one run: arrays shape (n_units,)."""

    efferent_delay_steps: np.ndarray  # motor neuron → nerve terminal
    reaches_muscle: np.ndarray  # alive and not blocked
    turnaround_steps: int  # antidromic invasion → recurrent discharge (F-wave)


class State(NamedTuple):
    """Spikes on their way.

    ``muscle_ring`` shape (longest efferent delay + 2, n_units): the impulses reaching each
    terminal at step ``s`` sit in row ``s`` modulo its length, as flags (``SOURCE_*``);
    ``ring_count`` the non-zero cells of each row; ``collide_until`` (n_units,) the step
    until which an antidromic spike is on the axon (a spike sent down meets it);
    ``antidromic_at`` (n_units,) the step it reaches the soma (−1: none); ``backfire``
    (n_units,) whether that spike may make the neuron backfire; ``backfire_at`` (n_units,)
    the step its recurrent discharge (F-wave) leaves the soma (−1: none); ``counts``
    (:data:`EN_ROUTE`, :data:`F_PENDING`).
    """

    muscle_ring: np.ndarray
    ring_count: np.ndarray
    collide_until: np.ndarray
    antidromic_at: np.ndarray
    backfire: np.ndarray
    backfire_at: np.ndarray
    counts: np.ndarray


class Inputs(NamedTuple):
    """One chunk of axon spikes set off by stimuli and ectopic discharges.

    Orthodromic: ``step``, ``unit``, ``delay`` (steps to the terminal), ``flag`` (source),
    sorted by step; antidromic: ``anti_step``, ``anti_unit``, ``anti_delay`` (steps to the
    soma), ``anti_below`` (steps from the stimulation site to the muscle), ``anti_backfire`` (may make the neuron backfire, :func:`backfires`); ``cursor``
    (2,) the next of each to deliver.
    """

    step: np.ndarray
    unit: np.ndarray
    delay: np.ndarray
    flag: np.ndarray
    anti_step: np.ndarray
    anti_unit: np.ndarray
    anti_delay: np.ndarray
    anti_below: np.ndarray
    anti_backfire: np.ndarray
    cursor: np.ndarray


def prepare(run):
    """Constants, initial state (nothing on the way) and outputs of the nerve for ``run``."""
    p, n = run.parameters, run.parameters.pool.n_units
    arrays = run_nerve_arrays(run)
    ectopic = ectopic_nerve(p)
    run.cache["ectopic"] = EctopicDischarges(ectopic, arrays, run.dt_ms, run.rngs["ectopic"])
    rows = int(arrays["efferent_delay_steps"].max()) + 2
    state = State(muscle_ring=np.zeros((rows, n), dtype=np.int8),
                  ring_count=np.zeros(rows, dtype=np.int64),
                  collide_until=np.full(n, -1, dtype=np.int64),
                  antidromic_at=np.full(n, -1, dtype=np.int64),
                  backfire=np.zeros(n, dtype=np.bool_),
                  backfire_at=np.full(n, -1, dtype=np.int64),
                  counts=np.zeros(2, dtype=np.int64))
    turnaround = int(round(p.nerve.f_wave_turnaround_ms / run.dt_ms))
    return (Constants(arrays["efferent_delay_steps"], arrays["alive"] & ~arrays["blocked"],
                      turnaround), state, None)


def chunk_inputs(run, step0, time_s):
    """This chunk's stimulus-evoked and ectopic axon spikes (the run's ectopic stream)."""
    stim = run_stimulus_events(run)
    end = step0 + time_s.size
    ect_step, ect_unit = run.cache["ectopic"].events(step0, time_s.size)  # in order
    nmj = int(round(run.parameters.nerve.neuromuscular_delay_ms / run.dt_ms))
    inside = (stim["muscle_step"] >= step0) & (stim["muscle_step"] < end)
    step = np.concatenate([stim["muscle_step"][inside], ect_step])
    order = np.argsort(step, kind="stable")
    anti = (stim["anti_step"] >= step0) & (stim["anti_step"] < end)
    backfire = run_backfires(run)
    return Inputs(
        step=step[order], unit=np.concatenate([stim["muscle_unit"][inside], ect_unit])[order],
        delay=np.concatenate([stim["muscle_delay"][inside],
                              np.full(ect_step.size, nmj, dtype=np.int64)])[order],
        flag=np.concatenate([np.full(int(inside.sum()), SOURCE_STIMULUS, dtype=np.int8),
                             np.full(ect_step.size, SOURCE_ECTOPIC, dtype=np.int8)])[order],
        anti_step=stim["anti_step"][anti], anti_unit=stim["anti_unit"][anti],
        anti_delay=stim["anti_delay"][anti], anti_below=stim["anti_below"][anti],
        anti_backfire=backfire[anti],
        cursor=np.zeros(2, dtype=np.int64))


@njit(cache=True, inline="always", error_model="numpy")
def _send(ring, ring_count, row, unit, flag):
    """Put an impulse with ``flag`` into delay-line ``row`` for ``unit``."""
    ring_count[row] += ring[row, unit] == 0
    ring[row, unit] |= flag


@njit(cache=True, inline="always", error_model="numpy")
def stimulate(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``axons``: antidromic spikes set off now start up the axons — they annihilate
    the orthodromic spikes already on the axon above the stimulation site, and will collide
    with what comes down — and orthodromic ones start down towards the terminals."""
    st, w = states.nerve, inputs.nerve
    n_rows = st.muscle_ring.shape[0]
    p = w.cursor[1]
    while p < w.anti_step.shape[0] and w.anti_step[p] == s:
        u = w.anti_unit[p]
        p += 1
        # a spike on its way down that arrives later than one set off here is above the
        # site: the two meet and both vanish (the collision technique)
        collided = False
        last = s + consts.nerve.efferent_delay_steps[u]
        for arrival in range(s + w.anti_below[p - 1] + 1, last + 1):
            row = arrival % n_rows
            if st.muscle_ring[row, u] != 0:
                st.muscle_ring[row, u] = 0
                st.ring_count[row] -= 1
                collided = True
        if collided:
            continue
        st.counts[EN_ROUTE] += st.antidromic_at[u] < 0
        st.collide_until[u] = s + w.anti_delay[p - 1]
        st.antidromic_at[u] = s + w.anti_delay[p - 1]
        st.backfire[u] = w.anti_backfire[p - 1]
    w.cursor[1] = p
    p = w.cursor[0]
    while p < w.step.shape[0] and w.step[p] == s:
        _send(st.muscle_ring, st.ring_count, (s + w.delay[p]) % n_rows, w.unit[p], w.flag[p])
        p += 1
    w.cursor[0] = p


@njit(cache=True, inline="always", error_model="numpy")
def conduct(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``efferent``: this step's motor-neuron spikes and recurrent discharges (F-waves)
    go down their axons — unless the axon is lost or blocked, or an antidromic spike on it
    annihilates them."""
    c, st, pool = consts.nerve, states.nerve, states.motor_pool
    n_rows = st.muscle_ring.shape[0]
    for i in range(st.backfire_at.shape[0] if st.counts[F_PENDING] > 0 else 0):
        if st.backfire_at[i] == s:
            st.backfire_at[i] = -1
            st.counts[F_PENDING] -= 1
            if c.reaches_muscle[i] and s >= st.collide_until[i]:
                _send(st.muscle_ring, st.ring_count, (s + c.efferent_delay_steps[i]) % n_rows,
                      i, SOURCE_F_WAVE)
    for q in range(pool.counts[FIRED_NOW]):
        i = pool.fired[q]
        if c.reaches_muscle[i] and s >= st.collide_until[i]:
            _send(st.muscle_ring, st.ring_count, (s + c.efferent_delay_steps[i]) % n_rows, i,
                  SOURCE_REFLEX)


HOOKS = {"axons": stimulate, "efferent": conduct}
"""The schedule slots this stage joins (:data:`neurosim.schedule.SLOTS`)."""
