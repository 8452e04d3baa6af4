r"""Muscle force: one twitch per action potential, with rate-dependent summation.

Following Fuglevand, Winter & Patla (1993), unit *i* has a peak twitch force
:math:`P_i` (spread exponentially over ``twitch_force_range``) and a contraction
time :math:`T_i` that is shorter for stronger units,

.. math:: T_i = T_L \left(\frac{1}{P_i/P_1}\right)^{1/c}, \quad c = \log_{R_T} R_P .

Each action potential produces the impulse response of a critically damped
second-order system,

.. math:: f_i(t) = g\,P_i\,\frac{t}{T_i}\,e^{1 - t/T_i},

which peaks at exactly :math:`t = T_i` with value :math:`g P_i`. It is integrated
exactly with two state variables per unit (:math:`a' = -a/T`, :math:`b' = -b/T + a`,
force :math:`= b`). The gain :math:`g` models the sigmoidal force–rate relation:
:math:`g = 1` while :math:`T_i/\text{ISI} \le 0.4`, otherwise

.. math:: g = \frac{1 - e^{-2 (T_i/\text{ISI})^3}}{T_i/\text{ISI}}
               \Big/ \frac{1 - e^{-2 \cdot 0.4^3}}{0.4},

so that mean force saturates as the twitches fuse into a tetanus. Forces are
scaled so that all units fully fused together give ``max_force_N``. After axon loss and
reinnervation (:mod:`neurosim.reinnervation`) a unit that adopted orphaned fibres has a
proportionally larger twitch (:math:`P_i` times its enlargement), so the fully fused force
is ``max_force_N`` times the share of the fibres that still have a nerve.

Summed linearly, the twitches of many units firing *in synchrony* at a partly fused rate
peak above that mean (by up to a few % in electrically driven or ectopic trains), but a
muscle cannot pull harder than its fused tetanus: the summed force passes through a soft
ceiling (:func:`fused_force_ceiling`) that leaves it untouched up to
:data:`CEILING_KNEE` × ``max_force_N`` and approaches ``max_force_N`` smoothly above.

In the loop the muscle joins the ``muscle`` slot of the schedule (:mod:`neurosim.schedule`),
after the junction: every unit's twitch advances one step, each fibre action potential of
this step starts a twitch (scaled by the summation gain of its interval), and the summed
force goes on the bus for the limb's next step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
import math
from typing import NamedTuple

import numpy as np
from numba import njit

from . import signals
from .junction import APS_NOW

from .motor_pool import exponential_spread
from ._fields import FUGLEVAND_1993, Validated, param

__all__ = ["MuscleParameters", "PARAMETERS", "fibre_shares", "twitch_arrays", "summation_gain", "twitch_step", "twitch_waveform",
           "fused_force_per_peak", "fused_force_ceiling", "CEILING_KNEE"]


# ------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class MuscleParameters(Validated):
    """Twitch force of each motor unit and its rate-dependent summation."""

    stage_name: ClassVar[str] = "muscle"

    twitch_force_range: float = param(
        100.0, unit="1", min=1.0, max=1000.0, label="Twitch force range",
        help="Peak twitch force of the largest unit divided by that of the smallest.",
        source=FUGLEVAND_1993 + " (100-fold)")
    contraction_time_longest_ms: float = param(
        130.0, unit="ms", min=5.0, max=300.0, label="Longest contraction time",
        help="Time to peak of the smallest unit's twitch.",
        source="Soleus is a slow muscle: whole-muscle twitch contraction time about 150 ms "
               "at the ankle (Vandervoort & McComas 1983, Eur J Appl Physiol 51:435, with "
               "the tendon's compliance; the model has none, so its fibre twitches are a "
               "little faster). Was 90 ms (" + FUGLEVAND_1993 + ", a hand muscle) until 0.2")
    contraction_time_range: float = param(
        1.5, unit="1", min=1.0, max=10.0, label="Contraction time range",
        help="Longest divided by shortest contraction time (fast units are the large ones).",
        source="Soleus is about 80 % slow (type I) fibres, so its units' contraction times "
               "differ little (Johnson et al. 1973, J Neurol Sci 18:111); 130 to 87 ms. "
               "Was 3 (" + FUGLEVAND_1993 + ") until 0.2")
    max_force_N: float = param(
        3000.0, unit="N", min=0.1, max=20000.0, label="Maximal muscle force",
        help="Fully fused force of all units together (soleus-like).",
        source="Plantarflexor maximal torque of about 150 N·m at a 36 mm Achilles moment arm "
               "(Manal, Cowder & Buchanan 2013, Physiol Rep 1:e00139) implies about 4 kN for "
               "the triceps surae, of which soleus is the largest part")
    max_shortening_velocity_mm_s: float = param(
        250.0, unit="mm/s", min=1.0, max=5000.0, label="Maximal shortening velocity",
        help="Shortening velocity at which the muscle can produce no force (Hill "
             "force–velocity relation); lengthening raises force up to 1.5×.",
        source="Hill 1938, Proc R Soc B 126:136 (hyperbolic force–velocity relation); "
               "value a neurosim choice for a slow soleus-like muscle")


PARAMETERS = (MuscleParameters,)
"""The parameter groups this stage owns: fields of :class:`~neurosim.Parameters` named by
their ``stage_name``."""

_LINEAR_LIMIT = 0.4
"""Normalised firing rate T/ISI up to which twitches add linearly (gain 1); above it the
force-rate relation bends towards fusion. Fuglevand, Winter & Patla 1993, J Neurophysiol
70:2470 (their eq. 17: gain 1 for T/ISI ≤ 0.4)."""
_NORMALISER = (1.0 - math.exp(-2.0 * _LINEAR_LIMIT ** 3)) / _LINEAR_LIMIT
fused_force_per_peak = math.e / _NORMALISER
"""Mean force of a fully fused unit divided by its peak twitch force (≈ 9.05)."""


def fibre_shares(muscle: MuscleParameters, n_units: int) -> np.ndarray:
    """Each unit's share of the muscle's fibres, shape (n_units,), summing to 1.

    In proportion to its peak twitch force: a unit's force grows with the number of fibres
    it innervates (innervation ratios are proportional to unit force in rat muscles; Kanda
    & Hashizume 1992, J Physiol 448:677).
    """
    relative = exponential_spread(1.0, muscle.twitch_force_range, n_units)
    return relative / relative.sum()


def twitch_arrays(muscle: MuscleParameters, n_units: int, dt_ms: float, *,
                  size_factor: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Per-unit twitch constants.

    Parameters
    ----------
    muscle : MuscleParameters
    n_units : int
    dt_ms : float
    size_factor : ndarray, shape (n_units,), optional
        Fibres each unit innervates relative to its own original ones
        (:attr:`neurosim.reinnervation.Remodelling.size_factor`): a unit that adopted
        orphaned fibres by sprouting has a proportionally larger twitch. Default 1.

    Returns
    -------
    dict of str to ndarray, each shape (n_units,)
        ``peak_force_N`` (P_i), ``contraction_time_ms`` (T_i), ``decay`` (exp(-dt/T_i)),
        ``impulse`` (jump of the ``a`` state per spike, N/ms, before gain).
    """
    relative = exponential_spread(1.0, muscle.twitch_force_range, n_units)
    if muscle.contraction_time_range > 1.0 and muscle.twitch_force_range > 1.0:
        c = math.log(muscle.twitch_force_range) / math.log(muscle.contraction_time_range)
        contraction = muscle.contraction_time_longest_ms * (1.0 / relative) ** (1.0 / c)
    else:
        contraction = np.full(n_units, muscle.contraction_time_longest_ms)
    # scale so that all units fully fused sum to max_force_N
    peak = relative * muscle.max_force_N / (fused_force_per_peak * relative.sum())
    if size_factor is not None:
        peak = peak * size_factor
    return dict(
        peak_force_N=peak,
        contraction_time_ms=contraction,
        decay=np.exp(-dt_ms / contraction),
        impulse=peak * math.e / contraction,
    )


@njit(cache=True, inline="always", error_model="numpy")
def summation_gain(contraction_time_ms, interval_ms):
    """Twitch gain for a fibre action potential following the previous one by ``interval_ms``.

    Parameters
    ----------
    contraction_time_ms : float
        The unit's contraction time :math:`T_i` (ms).
    interval_ms : float
        Time since the fibre's previous action potential (ms, > 0).

    Returns
    -------
    float
        :math:`g` of the module docstring: 1 while :math:`T_i/\\text{ISI} \\le 0.4`.
    """
    x = contraction_time_ms / interval_ms
    if x <= _LINEAR_LIMIT:
        return 1.0
    return (1.0 - math.exp(-2.0 * x * x * x)) / x / _NORMALISER


CEILING_KNEE = 0.9
"""Fraction of ``max_force_N`` up to which summed twitch force is passed on unchanged
(:func:`fused_force_ceiling`); a neurosim choice: asynchronous voluntary and reflex
contractions stay below it, only synchronous trains near fusion reach it."""


@njit(cache=True, inline="always", error_model="numpy")
def fused_force_ceiling(force_N, max_force_N):
    r"""Muscle force (N) from the linear sum of the twitches, never above ``max_force_N``.

    .. math:: F = F_s \ (F_s \le k F_{max}), \qquad
              F = F_{max}\Big(k + (1 - k)\tanh\frac{F_s/F_{max} - k}{1 - k}\Big)

    with :math:`k` = :data:`CEILING_KNEE`: continuous with a continuous slope, rising,
    and below :math:`F_{max}` (the fused tetanus) for every sum.
    """
    if force_N <= CEILING_KNEE * max_force_N:
        return force_N
    return max_force_N * (CEILING_KNEE + (1.0 - CEILING_KNEE) * math.tanh(
        (force_N / max_force_N - CEILING_KNEE) / (1.0 - CEILING_KNEE)))


@njit(cache=True, inline="always", error_model="numpy")
def twitch_step(a, b, decay, dt_ms):
    """Exact one-step update of a unit's twitch states (critically damped, time constant T).

    Parameters
    ----------
    a, b : float
        Twitch states; ``b`` is the unit's force (N), ``a`` its rate of rise (N/ms).
    decay : float
        ``exp(-dt/T)`` for the unit's contraction time ``T``.
    dt_ms : float
        Step (ms).

    Returns
    -------
    a, b : float
    """
    return a * decay, (b + dt_ms * a) * decay


def twitch_waveform(time_ms: np.ndarray, peak_force_N: float, contraction_time_ms: float) -> np.ndarray:
    """Analytic twitch ``P (t/T) exp(1 - t/T)`` for t ≥ 0 (zero before).

    Parameters
    ----------
    time_ms : ndarray, shape (n,)

    Returns
    -------
    ndarray, shape (n,)
        Force in newtons.
    """
    t = np.maximum(time_ms, 0.0) / contraction_time_ms
    return np.where(time_ms >= 0, peak_force_N * t * np.exp(1.0 - t), 0.0)


@njit(cache=True, inline="always", error_model="numpy")
def sum_in_lanes(x):
    """Sum of ``x`` (shape (n,)) kept in eight interleaved partial sums.

    The eight chains of additions are independent, so they overlap in the processor;
    one running sum would make every addition wait for the previous one.
    """
    n_whole = x.shape[0] - x.shape[0] % 8
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    for i in range(0, n_whole, 8):
        s0 += x[i]
        s1 += x[i + 1]
        s2 += x[i + 2]
        s3 += x[i + 3]
        s4 += x[i + 4]
        s5 += x[i + 5]
        s6 += x[i + 6]
        s7 += x[i + 7]
    tail = 0.0
    for i in range(n_whole, x.shape[0]):
        tail += x[i]
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) + tail


# ------------------------------------------------------------------- the stage in the loop
STAGE = "muscle"
"""This stage's name in the schedule (:mod:`neurosim.schedule`) and in the bundles."""


class Constants(NamedTuple):
    """The muscle's constants for one run; arrays have shape (n_units,)."""

    twitch_decay: np.ndarray
    twitch_impulse: np.ndarray
    contraction_time_ms: np.ndarray
    max_force_N: float


class State(NamedTuple):
    """Every unit's twitch states ``a`` and ``b`` (force = ``b``, N), shape (n_units,)."""

    a: np.ndarray
    b: np.ndarray


class Outputs(NamedTuple):
    """Muscle force (N) at the output samples, shape (n_samples,)."""

    force_N: np.ndarray


def prepare(run):
    """Constants, initial state (relaxed) and outputs of the muscle for ``run``."""
    from .reinnervation import run_remodelling
    p, n = run.parameters, run.parameters.pool.n_units
    tw = run.cached("twitch_arrays", lambda: twitch_arrays(
        p.muscle, n, run.dt_ms, size_factor=run_remodelling(run).size_factor))
    c = Constants(tw["decay"], tw["impulse"], tw["contraction_time_ms"], p.muscle.max_force_N)
    return c, State(np.zeros(n), np.zeros(n)), Outputs(np.zeros(run.n_samples))


@njit(cache=True, inline="always", error_model="numpy")
def contract(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``muscle``: twitches advance; this step's fibre APs start new ones; the summed
    force, under the fused-tetanus ceiling, goes on the bus (``ISOMETRIC_FORCE_N``)."""
    c, st, jn = consts.muscle, states.muscle, states.junction
    dt_ms = consts.run.dt_ms
    a, b = st.a, st.b
    for i in range(a.shape[0]):
        a[i], b[i] = twitch_step(a[i], b[i], c.twitch_decay[i], dt_ms)
    for q in range(jn.counts[APS_NOW]):
        i = jn.ap_unit[q]
        since = jn.ap_interval_steps[q]
        g = summation_gain(c.contraction_time_ms[i], since * dt_ms) if since >= 0 else 1.0
        a[i] += g * c.twitch_impulse[i]
    bus[signals.ISOMETRIC_FORCE_N] = fused_force_ceiling(sum_in_lanes(b), c.max_force_N)


@njit(cache=True, inline="always", error_model="numpy")
def record(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``sample``: the force the muscle exerts at output sample ``j``."""
    outputs.muscle.force_N[j] = bus[signals.FORCE_N]


HOOKS = {"muscle": contract, "sample": record}
"""The schedule slots this stage joins (:data:`neurosim.schedule.SLOTS`)."""


def results(run, constants, state, outputs) -> dict:
    """This stage's fields of the :class:`~neurosim.SimulationResult`."""
    tw = run.cache["twitch_arrays"]
    return dict(force_N=outputs.force_N, peak_twitch_force_N=tw["peak_force_N"],
                contraction_time_ms=tw["contraction_time_ms"],
                max_force_N=run.parameters.muscle.max_force_N)
