"""Lower-motor-neuron diseases over months: named courses of denervation and reinnervation.

A condition is not one snapshot. A :class:`DiseaseCourse` is a set of values of the
``reinnervation`` parameters (and of ``nerve.motor_axon_survival``, the loss at onset) that
sets how the motor units of the muscle change with ``reinnervation.months_since_onset``
(the model is :mod:`neurosim.reinnervation`):

* :data:`ALS_LIKE` — motor neurons die month after month; the survivors sprout, but in ALS
  they are themselves failing and can only double their fibres, so strength holds until
  about half the units are gone and then falls; fibrillations are present throughout,
  since fibres are orphaned all the time;
* :data:`NERVE_INJURY` — a severe partial lesion cuts most axons at once; the survivors
  sprout within weeks to months, and the cut axons regrow at 1 mm/day and reconnect
  about ten months later as small, immature units; fibrillations start 2–3 weeks after the
  injury and fade as the fibres are adopted;
* :data:`CHRONIC_NEUROPATHY` — a slow axonal loss that sprouting hides for years.

:func:`parameters_at` gives the :class:`~neurosim.Parameters` of a course at one moment
(simulate them like any other), :func:`course_history` the course sampled over months
(surviving units, mean unit size, the force the muscle can make, fibrillating fibres), which
:func:`neurosim.plotting.disease_course_panel` draws. Because the time is a parameter
(``reinnervation.months_since_onset``) it is also a slider of the dashboard and an axis of a
sweep::

    neurosim sweep als_reinnervated --vary reinnervation.months_since_onset=0:48:7 --metric peak_force_percent

>>> from neurosim import disease_course
>>> p = disease_course.parameters_at(disease_course.ALS_LIKE, 12.0)
>>> p.reinnervation.months_since_onset, p.reinnervation.sprouting_capacity
(12.0, 2.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping, Sequence

import numpy as np

from .parameters import Parameters, field_specs
from .reinnervation import CourseHistory, remodelling_history

__all__ = ["DiseaseCourse", "ALS_LIKE", "NERVE_INJURY", "CHRONIC_NEUROPATHY", "COURSES",
           "get_course", "parameters_at", "course_history", "MONTHS_FIELD"]

MONTHS_FIELD = "reinnervation.months_since_onset"
"""The parameter that is a course's time axis."""


@dataclass(frozen=True)
class DiseaseCourse:
    """A lower-motor-neuron condition as it unfolds over months.

    Attributes
    ----------
    name : str
        Identifier (:data:`COURSES`).
    title : str
        Human-readable title.
    description : str
        What happens over time, in plain language.
    levers : Mapping[str, tuple[float, str]]
        ``{dotted parameter: (value, note)}``: the values that make the course, each with
        its source or an explicit "caricature" note. Not the time itself
        (:data:`MONTHS_FIELD`), which :func:`parameters_at` sets.
    max_months : float
        The span of the course worth showing (months, at most 120).
    """

    name: str
    title: str
    description: str
    levers: Mapping[str, tuple] = field(default_factory=dict)
    max_months: float = 24.0

    def __post_init__(self):
        object.__setattr__(self, "levers", MappingProxyType(dict(self.levers)))
        if MONTHS_FIELD in self.levers:
            raise ValueError(f"course {self.name!r}: {MONTHS_FIELD} is the time axis, set by "
                             f"parameters_at, not a lever of the course")
        limit = field_specs()[MONTHS_FIELD]
        if not (isinstance(self.max_months, (int, float)) and 0 < self.max_months <= limit.max):
            raise ValueError(f"course {self.name!r}: max_months = {self.max_months!r} month is "
                             f"out of range: allowed (0, {limit.max:g}] month")
        Parameters().with_changes(**self.changes)  # every lever is a valid parameter value

    @property
    def changes(self) -> dict[str, float]:
        """``{dotted parameter: value}`` of the course (without the time)."""
        return {k: v for k, (v, _) in self.levers.items()}

    @property
    def notes(self) -> dict[str, str]:
        """``{dotted parameter: where its value comes from}``."""
        return {k: note for k, (_, note) in self.levers.items()}


ALS_LIKE = DiseaseCourse(
    name="als_like", title="ALS-like: motor neurons die month after month",
    description="Lower motor neurons die steadily (3 % of those left each month). Their "
                "neighbours sprout and adopt the orphaned fibres a month or two later, so "
                "the units become fewer and larger and strength stays near normal until "
                "about half of them are gone; then the survivors cannot grow further and "
                "strength falls. Fibres are orphaned all the time, so some always "
                "fibrillate.",
    levers={
        "reinnervation.motor_neuron_loss_per_month": (
            0.03, "motor unit numbers fall exponentially in ALS (Baumann et al. 2012, Clin "
                  "Neurophysiol 123:2092) by about 2–9 % a month (Shefner et al. 2011, "
                  "Neurology 77:235); 3 % a caricature inside that range"),
        "reinnervation.sprouting_capacity": (
            2.0, "caricature: in ALS weakness shows only after roughly half the motor "
                 "neurons are lost (Brown & Al-Chalabi 2017, N Engl J Med 377:162); "
                 "survivors that can double their fibres make up a loss of exactly half "
                 "(failing motor neurons sprout less than the 5–8-fold of healthy ones)")},
    max_months=48.0)

NERVE_INJURY = DiseaseCourse(
    name="nerve_injury", title="Traumatic nerve injury: sprouting, then regrowth",
    description="A crush of the tibial nerve at the knee cuts 85 % of the motor axons at "
                "once. Two to three weeks later the orphaned fibres fibrillate. The "
                "surviving units sprout and, within a few months, take over as many fibres "
                "as they can (5× their own): force recovers part of the way. The cut axons "
                "regrow at 1 mm/day and reach the muscle 0.3 m away after about ten "
                "months, as small, immature units that take back the fibres still "
                "denervated: force recovers fully and the fibrillations fade.",
    levers={
        "nerve.motor_axon_survival": (
            0.15, "caricature: a severe partial lesion (axonotmesis) cutting 85 % of the "
                  "motor axons, more than sprouting alone can make up"),
        "reinnervation.regenerating_fraction": (
            0.7, "caricature: after a crush most axons regrow along their intact "
                 "endoneurial tubes (Seddon 1943, Brain 66:237)")},
    max_months=24.0)

CHRONIC_NEUROPATHY = DiseaseCourse(
    name="chronic_axonal_neuropathy", title="Chronic axonal neuropathy: years of hidden loss",
    description="A slowly progressive axonal neuropathy loses 1.5 % of the motor axons a "
                "month. Healthy survivors can grow five-fold, so for years strength stays "
                "normal while the units become few and giant; it falls only once four "
                "fifths are gone, after about nine years.",
    levers={
        "reinnervation.motor_neuron_loss_per_month": (
            0.015, "caricature: a slowly progressive length-dependent axonal neuropathy, "
                   "a few times slower than ALS (2–9 % a month; Shefner et al. 2011, "
                   "Neurology 77:235)")},
    max_months=120.0)

COURSES = {c.name: c for c in (ALS_LIKE, NERVE_INJURY, CHRONIC_NEUROPATHY)}
"""The named courses, by name."""


def get_course(name: str) -> DiseaseCourse:
    """The course called ``name`` (:data:`COURSES`).

    Raises
    ------
    ValueError
        For an unknown name (listing the known ones).
    """
    if name not in COURSES:
        raise ValueError(f"unknown disease course {name!r}; choose from {sorted(COURSES)}")
    return COURSES[name]


def _check_course(course: DiseaseCourse | str) -> DiseaseCourse:
    if isinstance(course, str):
        return get_course(course)
    if not isinstance(course, DiseaseCourse):
        raise ValueError(f"course must be a DiseaseCourse or the name of one of "
                         f"{sorted(COURSES)}, got {type(course).__name__}")
    return course


def _check_months(months: float, course: DiseaseCourse) -> float:
    ok = isinstance(months, (int, float, np.integer, np.floating)) and not isinstance(months, bool)
    if not ok or not math.isfinite(months) or not (0.0 <= months <= course.max_months):
        raise ValueError(f"months_since_onset = {months!r} month is out of range for the "
                         f"{course.name!r} course: allowed [0, {course.max_months:g}] month")
    return float(months)


def parameters_at(course: DiseaseCourse | str, months_since_onset: float,
                  base: Parameters | None = None) -> Parameters:
    """The parameters of ``course`` ``months_since_onset`` months after its onset.

    Parameters
    ----------
    course : DiseaseCourse or str
        A course or its name (:data:`COURSES`).
    months_since_onset : float
        Months since onset, in [0, ``course.max_months``].
    base : Parameters, optional
        What the course is applied to (default the healthy limb); e.g. a scenario's
        parameters, to keep its other changes (the upper-motor-neuron signs of ALS).

    Returns
    -------
    Parameters
        ``base`` with the course's levers and ``reinnervation.months_since_onset``.

    Raises
    ------
    ValueError
        For an unknown course, or a time that is not a number in the course's span.
    """
    course = _check_course(course)
    months = _check_months(months_since_onset, course)
    base = Parameters() if base is None else base
    if not isinstance(base, Parameters):
        raise ValueError(f"base must be a neurosim Parameters object, got {type(base).__name__}")
    return base.with_changes(**course.changes, **{MONTHS_FIELD: months})


def course_history(course: DiseaseCourse | str,
                   months: Sequence[float] | np.ndarray | None = None,
                   base: Parameters | None = None) -> CourseHistory:
    """``course`` sampled over time (computed from the model, no simulation needed).

    Parameters
    ----------
    course : DiseaseCourse or str
    months : array_like of float, optional
        Months since onset, each in [0, ``course.max_months``]; default every week of
        the course's span.
    base : Parameters, optional
        As in :func:`parameters_at`.

    Returns
    -------
    CourseHistory
        Surviving units, mean unit size, the share of fibres innervated (the maximal
        force the muscle can make, as a fraction of healthy), denervated, fibrillating
        and immature fibres at each time.
    """
    course = _check_course(course)
    if months is None:
        months = np.linspace(0.0, course.max_months,
                             int(round(course.max_months * 52 / 12)) + 1)
    months = np.atleast_1d(np.asarray(months, dtype=float))
    for m in months:
        _check_months(float(m), course)
    return remodelling_history(parameters_at(course, 0.0, base), months)
