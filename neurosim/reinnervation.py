r"""Motor units after axon loss: who survives, how many fibres each owns, who fibrillates.

A muscle fibre belongs to one motor unit. When a motor axon is lost its fibres are
*orphaned*: denervated, they produce no force, and about 2–3 weeks later they begin to
**fibrillate** — single fibres discharging by themselves, the needle EMG's sign of
denervation (:data:`FIBRILLATION_ONSET_WEEKS`). Surviving axons nearby **sprout** and adopt
them (collateral reinnervation), so the units become fewer and larger: larger twitches,
larger and longer MUAPs, and force made up until the survivors cannot grow any further.
Cut axons may also **regrow** from the lesion, at about 1 mm a day, and take back fibres
that are still denervated when they arrive. This module computes that course, and is the
one place that does: the nerve (who conducts), the muscle (twitch size), the EMG (MUAP
size) and the needle EMG read it (:func:`unit_remodelling`).

**The course.** Time :math:`t` runs from the onset (``months_since_onset``; a month is
:data:`DAYS_PER_MONTH` days). Unit *i* owns the share :math:`w_i` of the muscle's fibres,
in proportion to its twitch force (:func:`neurosim.muscle.fibre_shares`). At onset the
units outside ``nerve.motor_axon_survival`` :math:`s_0` are cut (the same units the nerve
has always removed, :func:`neurosim.nerve.surviving_axons`); afterwards a share :math:`r`
of those still connected dies every month (``motor_neuron_loss_per_month``), in the same
fixed order, so the connected survivors are the units below

.. math:: s(t) = s_0\,(1 - r)^{t}.

A dying unit orphans every fibre it owns, its adopted ones too. Of the units cut at onset
the share ``regenerating_fraction`` regrows and reconnects :math:`L/v` after the onset
(``regeneration_distance_mm`` / ``regeneration_mm_per_day``); a regrown axon can take back
at most its own fibres (reinnervated units regain but do not exceed their former size:
Gordon & Stein 1982, J Physiol 323:307), a sprouting survivor up to ``sprouting_capacity`` :math:`c` times its
own. Each day the connected units adopt the denervated share :math:`D` at the rate
:math:`D/\tau` (``sprouting_time_constant_months``), never more than they have room for,
shared in proportion to each unit's room (:math:`c\,w_i - f_i` for a survivor owning
:math:`f_i`): every survivor therefore grows by the same factor, the **enlargement**
:math:`e = f_i / w_i`. Fibres are conserved,

.. math:: \sum_i f_i + D = 1 ,

so a loss is fully made up, once adoption has caught up, while the survivors' own fibres
are at least :math:`1/c` of the muscle's — half the units lost for :math:`c = 2`, four fifths
for :math:`c = 5`. Recently adopted fibres are innervated by immature sprouts
(:data:`SPROUT_MATURATION_MONTHS`), whose slow and insecure conduction makes the needle
EMG's unstable, polyphasic MUAPs; a fibre denervated for longer than
:data:`FIBRILLATION_ONSET_WEEKS` fibrillates until it is adopted.

With the defaults (``months_since_onset`` = 0) nothing is adopted and nothing fibrillates:
the units the nerve has lost are simply gone, as before this module existed.

What is left out: fibres are never lost (in humans, fibres denervated for more than a year
or two degenerate and cannot be reinnervated; Sunderland 1950, Arch Neurol Psychiatry
64(6)), sprouts reach every orphaned fibre (in a real muscle only those intermingled with
intact units), regrown axons do not displace sprouts, conduct at normal speed, all arrive on
one day and are spared by a progressive loss, and the order in which units die does not
depend on their size.

This module is a stage without a slot in the loop (like :mod:`neurosim.emg`): its
parameters are the ``reinnervation`` group of :class:`~neurosim.Parameters`, so they have
sliders, appear in ``neurosim list --parameters`` and can be swept; the disease courses of
:mod:`neurosim.disease_course` are sets of their values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, NamedTuple, Sequence

import numpy as np

from ._fields import Validated, param

if TYPE_CHECKING:
    from .parameters import Parameters
    from .schedule import Run

__all__ = ["ReinnervationParameters", "PARAMETERS", "STAGE", "HOOKS", "Remodelling",
           "CourseHistory", "unit_remodelling", "remodelling_history", "run_remodelling",
           "compensable_loss",
           "DAYS_PER_MONTH", "FIBRILLATION_ONSET_WEEKS", "SPROUT_MATURATION_MONTHS"]


# ------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class ReinnervationParameters(Validated):
    """Denervation and reinnervation over time: progressive loss, sprouting, regrowth."""

    stage_name: ClassVar[str] = "reinnervation"

    months_since_onset: float = param(
        0.0, unit="month", min=0.0, max=120.0, label="Months since onset",
        group="Disease course",
        help="Time since the motor axons were lost (nerve.motor_axon_survival) or began to "
             "die (motor_neuron_loss_per_month): sprouts adopt orphaned fibres, denervated "
             "fibres fibrillate, cut axons regrow. 0 = the moment of the loss.",
        source="Teaching lever: the time axis of a disease course (neurosim.disease_course)")
    motor_neuron_loss_per_month: float = param(
        0.0, unit="1/month", min=0.0, max=0.5, label="Motor neurons lost per month",
        group="Disease course",
        help="Share of the still-connected motor units that die each month after onset "
             "(progressive loss, as in ALS; 0 = none).",
        source="Motor unit numbers fall exponentially in ALS (Baumann et al. 2012, Clin "
               "Neurophysiol 123:2092), by about 2–9 % a month (Shefner et al. 2011, "
               "Neurology 77:235: ~9 %; MUNE in a multimodal biomarker study, PubMed "
               "20715377: 2.35 %)")
    sprouting_capacity: float = param(
        5.0, unit="1", min=1.0, max=10.0, label="Sprouting capacity",
        group="Disease course",
        help="Most muscle fibres a surviving unit can innervate by collateral sprouting, as "
             "a multiple of its own: losses up to 1 − 1/capacity of the fibres can be made up "
             "(1 = no sprouting).",
        source="Surviving motor units enlarge up to 5–8-fold after partial denervation "
               "(Seven & Mitchell 2019, Respir Physiol Neurobiol 265:32, review; Rafuse, "
               "Gordon & Orozco 1992, J Neurophysiol 68:1261); the lower end")
    sprouting_time_constant_months: float = param(
        1.5, unit="month", min=0.1, max=12.0, label="Sprouting time constant",
        help="Time constant with which sprouts and regrown axons adopt the denervated fibres "
             "they have room for.",
        source="After 80 % of a rat muscle's fibres were denervated, 5 % were still "
               "denervated 4 months later (Weiss & Edds 1946, Am J Physiol 145:587): about "
               "1.4 months if adoption is exponential; reinnervated cat muscles regain their "
               "tension with a time constant of 1–2 months (Gordon & Stein 1982, J Physiol "
               "323:307)")
    regenerating_fraction: float = param(
        0.0, unit="1", min=0.0, max=1.0, label="Regrowing axons",
        group="Disease course",
        help="Share of the axons cut at onset (1 − nerve.motor_axon_survival) that regrow to "
             "the muscle (0 when the motor neurons are dead or the nerve is not repaired).",
        source="Teaching lever: axons regrow along intact endoneurial tubes after a crush "
               "(axonotmesis), poorly across a cut without repair (neurotmesis); Seddon "
               "1943, Brain 66:237; review: Gordon 2020, Int J Mol Sci 21:8652")
    regeneration_distance_mm: float = param(
        300.0, unit="mm", min=0.0, max=2000.0, label="Lesion–muscle distance",
        help="Distance the regrowing axons must cover from the lesion to the muscle.",
        source="neurosim choice: a tibial-nerve lesion at the knee, about 0.3 m above the "
               "soleus (the cord–muscle path is nerve.path_length_m)")
    regeneration_mm_per_day: float = param(
        1.0, unit="mm/day", min=0.1, max=5.0, label="Axon regrowth rate",
        help="Speed at which cut motor axons regrow towards the muscle.",
        source="Human axons regrow about 1–3 mm/day (Seddon, Medawar & Smith 1943, J Physiol "
               "102:191); 1 mm/day is the clinical rule of thumb")


PARAMETERS = (ReinnervationParameters,)
"""The parameter groups this stage owns: fields of :class:`~neurosim.Parameters` named by
their ``stage_name``."""

STAGE = "reinnervation"
"""This stage's name in the schedule (:mod:`neurosim.schedule`). It has no slot in the loop:
the nerve, the muscle and the EMG read :func:`unit_remodelling` when a run is prepared."""
HOOKS: dict = {}
"""No slot of the loop."""

DAYS_PER_MONTH = 365.25 / 12.0
"""Days in a month of ``months_since_onset`` (the course is computed a day at a time)."""

FIBRILLATION_ONSET_WEEKS = 2.5
"""Weeks a denervated fibre takes to begin fibrillating: fibrillation potentials appear
about 2–3 weeks after axon loss (Preston & Shapiro, Electromyography and Neuromuscular
Disorders; Daube & Rubin, Needle electromyography, Muscle Nerve 2009 39:244)."""

SPROUT_MATURATION_MONTHS = 3.0
"""Time constant (months) with which the sprouts innervating newly adopted fibres mature.
A caricature: early after reinnervation the new terminal branches conduct slowly and
insecurely — the MUAPs are unstable, with late components that come and go — and over
months they become stable (Daube & Rubin 2009, Muscle Nerve 39:244)."""


class Remodelling(NamedTuple):
    """The state of the motor units of one muscle.

    Attributes
    ----------
    alive : ndarray of bool, shape (n_units,)
        Units whose motor axon survives (reaches the muscle: connected at onset and not
        dead since, or regrown).
    enlargement : ndarray of float, shape (n_units,)
        Muscle fibres each unit innervates, relative to its own original fibres
        (1 = unchanged; > 1 after adopting orphaned fibres by collateral sprouting; < 1 for
        a regrown axon that has taken back only part of its fibres; 0 for a lost unit).
    immature_share : ndarray of float, shape (n_units,)
        Share of each unit's fibres adopted recently, on immature, slowly and unreliably
        conducting sprouts (0–1): the source of unstable, polyphasic MUAPs.
    denervated_fraction : float
        Share of all the muscle's fibres without a nerve (0–1).
    fibrillating_fraction : float
        Share of all the muscle's fibres that fibrillate at rest (0–1; ≤ ``denervated_fraction``).
    """

    alive: np.ndarray
    enlargement: np.ndarray
    immature_share: np.ndarray
    denervated_fraction: float
    fibrillating_fraction: float

    @property
    def size_factor(self) -> np.ndarray:
        """Each unit's twitch and MUAP size factor, shape (n_units,): the enlargement of a
        connected unit, 1 for a lost one (whose impulses never reach the muscle, so its
        size changes nothing; its constants stay those of its original fibres)."""
        return np.where(self.alive, self.enlargement, 1.0)


class CourseHistory(NamedTuple):
    """A course sampled over time (:func:`remodelling_history`); arrays shape (n_times,).

    Attributes
    ----------
    months : ndarray
        Months since onset.
    surviving_units : ndarray
        Share of the units connected to the muscle (0–1).
    mean_enlargement : ndarray
        Mean enlargement of the connected units (× their original fibres; NaN if none).
    innervated_fraction : ndarray
        Share of the muscle's fibres with a nerve (0–1): the maximal force the muscle can
        make, as a fraction of the healthy muscle's.
    denervated_fraction, fibrillating_fraction : ndarray
        Share of all fibres denervated, and fibrillating (0–1).
    immature_fraction : ndarray
        Share of the innervated fibres on immature sprouts (0–1).
    """

    months: np.ndarray
    surviving_units: np.ndarray
    mean_enlargement: np.ndarray
    innervated_fraction: np.ndarray
    denervated_fraction: np.ndarray
    fibrillating_fraction: np.ndarray
    immature_fraction: np.ndarray


# ------------------------------------------------------------------- the course
class _Units(NamedTuple):
    """Who is who: the fixed selections of a parameter set."""

    shares: np.ndarray  # (n,) each unit's original share of the fibres
    order: np.ndarray  # (n,) the nerve's scatter: unit i is connected while order[i] < s(t)
    regrowing: np.ndarray  # (n,) bool: cut at onset, and regrows
    arrival_days: float


def _units(parameters: Parameters) -> _Units:
    from .muscle import fibre_shares
    from .nerve import AXON_ORDER_OFFSET, scatter

    n = parameters.pool.n_units
    s0 = parameters.nerve.motor_axon_survival
    order = scatter(n, AXON_ORDER_OFFSET)
    cut = order >= s0
    # among the cut units, spread evenly over the pool: (order − s0)/(1 − s0) is in [0, 1)
    rank_in_cut = (order - s0) / max(1.0 - s0, 1e-300)
    regrowing = cut & (rank_in_cut < parameters.reinnervation.regenerating_fraction)
    r = parameters.reinnervation
    arrival = (r.regeneration_distance_mm / r.regeneration_mm_per_day
               if r.regenerating_fraction > 0 else math.inf)
    return _Units(fibre_shares(parameters.muscle, n), order, regrowing, arrival)


class _Day(NamedTuple):
    """The course's scalars at the end of one day."""

    survivor_limit: float  # s(t): units with order below it are connected survivors
    arrived: bool
    e: float  # enlargement of the survivors
    g: float  # enlargement of the regrown units
    immature_survivors: float  # immature share of the survivors' fibres
    immature_regrown: float
    denervated: float
    fibrillating: float


def _course(parameters: Parameters, units: _Units, sample_days: np.ndarray) -> list[_Day]:
    """Run the course a day at a time and return its state at each of ``sample_days``
    (sorted whole days ≥ 0)."""
    r, s0 = parameters.reinnervation, parameters.nerve.motor_axon_survival
    n_days = int(sample_days[-1]) if len(sample_days) else 0
    days = np.arange(n_days + 1)
    limit = s0 * (1.0 - r.motor_neuron_loss_per_month) ** (days / DAYS_PER_MONTH)
    survivors = ~units.regrowing
    by_order = np.argsort(units.order[survivors], kind="stable")
    sorted_order = units.order[survivors][by_order]
    cumulative = np.concatenate([[0.0], np.cumsum(units.shares[survivors][by_order])])
    share_alive = cumulative[np.searchsorted(sorted_order, limit, side="left")]  # S(t)
    regrown_share = float(units.shares[units.regrowing].sum())

    cap = r.sprouting_capacity
    keep = math.exp(-1.0 / (r.sprouting_time_constant_months * DAYS_PER_MONTH))
    mature = math.exp(-1.0 / (SPROUT_MATURATION_MONTHS * DAYS_PER_MONTH))
    onset_days = FIBRILLATION_ONSET_WEEKS * 7.0

    s_prev = float(share_alive[0])
    e, g, m_s, m_g = 1.0, 0.0, 0.0, 0.0  # enlargements; immature fibres (shares of all)
    denervated = float(units.shares[units.order >= s0].sum())  # the units cut at onset
    young = [(0, denervated)] if denervated > 0 else []  # (day denervated, share still so)
    old = 0.0  # denervated for at least onset_days: fibrillating
    out, wanted = [], iter(sample_days)
    want = next(wanted, None)
    for k in days:
        arrived = k >= units.arrival_days
        if k > 0:
            s_now = float(share_alive[k])
            if s_now < s_prev:  # survivors died today: their fibres are orphaned
                lost = e * (s_prev - s_now)
                m_s *= s_now / s_prev
                denervated += lost
                young.append((k, lost))
            s_prev = s_now
            room_s = max(cap - e, 0.0) * s_prev
            room_g = max(1.0 - g, 0.0) * regrown_share if arrived else 0.0
            room = room_s + room_g
            adopted = min(denervated * (1.0 - keep), room)
            if adopted > 0.0:
                to_s, to_g = adopted * room_s / room, adopted * room_g / room
                if s_prev > 0:
                    e += to_s / s_prev
                if regrown_share > 0:
                    g += to_g / regrown_share
                m_s, m_g = m_s + to_s, m_g + to_g
                kept = 1.0 - adopted / denervated
                old *= kept
                young = [(d, x * kept) for d, x in young]
                denervated -= adopted
            m_s, m_g = m_s * mature, m_g * mature
            while young and k - young[0][0] >= onset_days:
                old += young.pop(0)[1]
        while want is not None and want == k:
            owned_s, owned_g = e * s_prev, g * regrown_share if arrived else 0.0
            out.append(_Day(float(limit[k]), bool(arrived), e, g,
                            m_s / owned_s if owned_s > 0 else 0.0,
                            m_g / owned_g if owned_g > 0 else 0.0,
                            max(denervated, 0.0), max(old, 0.0)))
            want = next(wanted, None)
    return out


def _to_days(months: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.round(np.asarray(months, dtype=float) * DAYS_PER_MONTH).astype(np.int64)


def _unit_arrays(units: _Units, day: _Day):
    """alive, enlargement and immature share of every unit on ``day``."""
    survivor = ~units.regrowing & (units.order < day.survivor_limit)
    regrown = units.regrowing & day.arrived
    alive = survivor | regrown
    enlargement = np.where(survivor, day.e, np.where(regrown, day.g, 0.0))
    immature = np.where(survivor, day.immature_survivors,
                        np.where(regrown, day.immature_regrown, 0.0))
    return alive, enlargement, immature


def unit_remodelling(parameters: Parameters) -> Remodelling:
    """The motor units of ``parameters`` (a :class:`~neurosim.Parameters`), as remodelled
    ``reinnervation.months_since_onset`` after the onset (module docstring).

    Parameters
    ----------
    parameters : neurosim.Parameters

    Returns
    -------
    Remodelling
        With the defaults (no time since onset): ``alive`` is the nerve's surviving axons
        (:func:`neurosim.nerve.surviving_axons`), their ``enlargement`` 1, the lost units'
        0, nothing immature or fibrillating, ``denervated_fraction`` the lost units' share
        of the fibres.

    Examples
    --------
    >>> from neurosim import Parameters
    >>> p = Parameters().with_changes(**{"nerve.motor_axon_survival": 0.6,
    ...                                  "reinnervation.months_since_onset": 12.0})
    >>> m = unit_remodelling(p)
    >>> bool(m.enlargement[m.alive].min() > 1.5), round(m.denervated_fraction, 3)
    (True, 0.0)
    """
    units = _units(parameters)
    day = _course(parameters, units, _to_days([parameters.reinnervation.months_since_onset]))[0]
    alive, enlargement, immature = _unit_arrays(units, day)
    return Remodelling(alive=alive, enlargement=enlargement, immature_share=immature,
                       denervated_fraction=day.denervated,
                       fibrillating_fraction=min(day.fibrillating, day.denervated))


def remodelling_history(parameters: Parameters, months: Sequence[float] | np.ndarray
                        ) -> CourseHistory:
    """The course of ``parameters`` sampled at ``months`` since onset, in one pass.

    ``reinnervation.months_since_onset`` of ``parameters`` is ignored; every other field
    sets the course.

    Parameters
    ----------
    parameters : neurosim.Parameters
    months : array_like of float, shape (n_times,)
        Months since onset, each in [0, 120] (the range of
        ``reinnervation.months_since_onset``); any order. Rounded to whole days.

    Returns
    -------
    CourseHistory

    Raises
    ------
    ValueError
        If a month is not a finite number in [0, 120] or ``months`` is empty.
    """
    from .parameters import field_specs

    spec = field_specs()["reinnervation.months_since_onset"]
    months = np.atleast_1d(np.asarray(months, dtype=float))
    if months.ndim != 1 or months.size == 0:
        raise ValueError(f"months must be a non-empty 1-D sequence of months since onset, "
                         f"got shape {months.shape}")
    bad = ~np.isfinite(months) | (months < spec.min) | (months > spec.max)
    if bad.any():
        raise ValueError(f"months = {float(months[bad][0]):g} month is out of range: allowed "
                         f"{spec.describe_range()} (reinnervation.months_since_onset)")
    units = _units(parameters)
    days = _to_days(months)
    unique = np.unique(days)
    by_day = dict(zip(unique.tolist(), _course(parameters, units, unique)))
    rows = []
    for d in days.tolist():
        day = by_day[d]
        alive, enlargement, immature = _unit_arrays(units, day)
        owned = units.shares * enlargement
        rows.append((alive.mean(), enlargement[alive].mean() if alive.any() else math.nan,
                     1.0 - day.denervated, day.denervated,
                     min(day.fibrillating, day.denervated),
                     (owned * immature).sum() / owned.sum() if owned.sum() > 0 else 0.0))
    cols = np.array(rows, dtype=float).T
    return CourseHistory(months, *cols)


def run_remodelling(run: Run) -> Remodelling:
    """:func:`unit_remodelling` of a :class:`~neurosim.schedule.Run` (computed once per
    run, shared by the nerve, muscle and EMG)."""
    return run.cached("remodelling", lambda: unit_remodelling(run.parameters))


def compensable_loss(parameters: Parameters) -> float:
    r"""The largest share of the muscle's fibres whose loss sprouting can make up:
    :math:`1 - 1/c` for ``reinnervation.sprouting_capacity`` :math:`c` (0–1).

    Survivors owning the share :math:`S` of the fibres can innervate at most :math:`c\,S`,
    which is all of them once :math:`S \ge 1/c`.

    >>> from neurosim import Parameters
    >>> compensable_loss(Parameters().with_changes(**{"reinnervation.sprouting_capacity": 2.0}))
    0.5
    """
    return 1.0 - 1.0 / parameters.reinnervation.sprouting_capacity
