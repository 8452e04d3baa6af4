r"""Needle EMG: what a concentric needle electrode in the muscle records, computed after a run.

The clinician's needle does not see the whole muscle: it sees the muscle fibres within a
few millimetres of its tip, and the nearest of them far more than the rest. This module
turns a finished run (:class:`~neurosim.result.SimulationResult`: which unit's fibres fired
when) into that recording, post hoc, as an amplifier would: the engine is not touched.

Geometry (a cross-section of the muscle, fibres running through it in parallel)
----------------------------------------------------------------------------------
Each motor unit owns a circular *territory* at a random place in the muscle (seeded by
``muscle_seed``); territory diameters spread exponentially from
``territory_diameter_smallest_mm`` to ``territory_diameter_largest_mm`` across the pool,
and inside its territory a unit's fibres lie at random with density ``unit_fibre_density``
(:math:`\rho`), so a unit's fibre count is proportional to its territory's area. The
muscle's cross-section is a disc whose area makes ``territories_per_point`` territories
overlap at a typical point. The needle goes in at a random place (seeded by
``needle_site``); the fibres of every unit within ``pickup_radius_mm`` of it contribute.

A unit remodelled by collateral reinnervation (:func:`neurosim.reinnervation.unit_remodelling`)
with enlargement :math:`E` owns :math:`E` times its fibres: its territory's area grows by
:math:`E^{\gamma}` and its fibre density by :math:`E^{1-\gamma}` (``γ =
reinnervation_territory_exponent``; reinnervated units grow mainly denser — fibre-type
grouping, a raised single-fibre-EMG fibre density; by default all of it). Among the fibres
it adopted are its immature ones, ``immature_share`` of all its fibres, on new sprouts that
conduct late, by up to ``immature_delay_ms``. The fibres of each unit near the needle are drawn as a Poisson field
*nested* in density (the fibres at density :math:`\rho` are among those at any higher
density), so a reinnervated unit keeps its own fibres and adds adopted ones.

One fibre's potential at the needle
-----------------------------------
A muscle fibre's action potential, seen from a distance :math:`r`, is triphasic (the wave
approaches, passes, leaves: a long low positive phase, a sharp negative spike, a long low
positive phase) and grows blunter and much smaller with distance — the far field of a
travelling tripole falls as :math:`1/r^3` and spreads in time as :math:`r` grows. Its shape
is that far field's, :math:`(2x^2 - 1)/(1 + x^2)^{5/2}` (the second derivative of
:math:`1/\sqrt{r^2 + z^2}` along the fibre):

.. math:: \phi(t; r) = A_0\,s^{-3}\,\frac{2x^2 - 1}{(1 + x^2)^{5/2}},
          \qquad x = \frac{t - \tau}{\lambda_0 s},
          \qquad s = \sqrt{1 + (r/r_0)^2},

with :math:`A_0` = ``fibre_amplitude_mV``, :math:`\lambda_0` = ``fibre_spike_width_ms`` and
:math:`r_0` = ``near_field_radius_mm`` (the leading-off surface of a concentric needle
averages the nearest field, so the amplitude levels off within :math:`r_0`). The main
(negative) phase peaks at :math:`-A_0 s^{-3}`; a fibre 0.2 mm away gives a third of a
fibre touching the needle, one 0.5 mm away a twentieth. Each fibre arrives :math:`\tau`
after its unit's discharge: a normal spread of SD ``arrival_spread_ms`` (endplate zone and
terminal branches), plus, for an immature fibre, a uniform extra delay up to
``immature_delay_ms``. A unit's MUAP is the sum over its fibres in view; near units give
large sharp spikes, far ones small blunt ones (Nandedkar, Sanders, Stålberg & Andreassen
1988: amplitude from the nearest fibres, duration from those within about 2.5 mm).

Denervated fibres (``fibrillating_fraction`` of all the muscle's fibres, density
``muscle_fibre_density``) fibrillate: each fires by itself, regularly, at its own rate
(log-uniform in ``fibrillation_rate_min_hz``–``fibrillation_rate_max_hz``, intervals
varying by ``fibrillation_interval_cv``), with the same potential scaled down by
``denervated_fibre_amplitude`` (denervated fibres atrophy). Fibrillating fibres the needle
tip has injured (within :math:`2 r_0`) fire, with probability ``psw_share``, as *positive
sharp waves*: the wave stops at the tip, leaving a sharp positive deflection and a slow
return (:func:`positive_sharp_wave`).

The recording
-------------
Every unit in view adds its MUAP at each of its fibre activations of the run (voluntary,
reflex, ectopic, terminal or stimulated alike); every fibrillating fibre its potential at
each of its discharges. Potentials pass the amplifier's band-pass
(``low_cut_hz``–``high_cut_hz``, :func:`neurosim.emg.bandpass`), and band-limited Gaussian
noise of RMS ``noise_uV`` is added. The trace is in mV, sampled at ``sampling_rate_hz``;
:mod:`neurosim.needle_analysis` measures it and :mod:`neurosim.sound` plays it.

A teaching toy, not a clinical model: the numbers describe the model, not a patient.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from numba import njit

from ._fields import TUNED, Validated, param
from .emg import bandpass
from .motor_pool import exponential_spread
from .protocols import Noise, Protocol, Trapezoid
from .reinnervation import Remodelling, unit_remodelling
from .result import SimulationResult

if TYPE_CHECKING:
    from .parameters import Parameters
    from .scenarios import Scenario

__all__ = ["NeedleParameters", "NeedleRecording", "record", "needle_exam", "exam_protocol",
           "fibre_potential", "positive_sharp_wave", "REST_DURATION_S", "EFFORT_DURATION_S",
           "EFFORT_START_S", "EFFORT_RISE_S", "EFFORT_SETTLE_S", "FIBRE_SUPPORT_WIDTHS"]

_CARICATURE = "caricature: "
_SEED_MAX = 2 ** 31 - 1


# ------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class NeedleParameters(Validated):
    """A concentric needle electrode in the muscle, its amplifier and the muscle it samples."""

    stage_name: ClassVar[str] = "needle"

    # --- the amplifier
    sampling_rate_hz: float = param(
        44100.0, unit="Hz", min=8000.0, max=96000.0, label="Sampling rate",
        help="Samples per second of the needle recording (also the sound's rate).",
        source="Needle EMG is digitised at 20 kHz or more when potentials rise steeply "
               "(Norwegian Society of Clinical Neurophysiology, guideline ch. 5: EMG "
               "equipment and settings); 44.1 kHz is the audio-CD rate, so the trace plays "
               "as it is")
    low_cut_hz: float = param(
        10.0, unit="Hz", min=0.5, max=500.0, label="Low-frequency filter",
        help="High-pass corner of the amplifier's band-pass (removes baseline drift).",
        source="Needle-EMG low-frequency filter 10 Hz (Preston & Shapiro, Electromyography "
               "and Neuromuscular Disorders); 2–20 Hz in use, 20 Hz already distorts MUAPs "
               "(Norwegian Society of Clinical Neurophysiology, guideline ch. 5)")
    high_cut_hz: float = param(
        10000.0, unit="Hz", min=500.0, max=40000.0, label="High-frequency filter",
        help="Low-pass corner of the amplifier's band-pass; must lie below half the "
             "sampling rate.",
        source="Needle-EMG high-frequency filter 10 kHz (Preston & Shapiro; Norwegian "
               "Society of Clinical Neurophysiology, guideline ch. 5)")
    noise_uV: float = param(
        2.5, unit="µV", min=0.0, max=100.0, label="Baseline noise",
        help="RMS of the band-limited noise of needle and amplifier.",
        source="Amplifier noise ≤ 3–4 µV, about 10 µV with the needle (peak to peak) "
               "(Norwegian Society of Clinical Neurophysiology, guideline ch. 5)")
    # --- what the needle sees
    pickup_radius_mm: float = param(
        2.5, unit="mm", min=0.3, max=10.0, label="Pick-up radius",
        help="Fibres farther than this from the needle tip are left out.",
        source="Concentric-needle MUAP duration is set by the fibres within about 2.5 mm, "
               "its amplitude by the nearest (Nandedkar, Sanders, Stålberg & Andreassen "
               "1988, Muscle Nerve 11:151)")
    near_field_radius_mm: float = param(
        0.2, unit="mm", min=0.02, max=2.0, label="Near-field radius",
        help="Within this distance a fibre's potential is about as large as it gets; beyond "
             "it, amplitude falls as distance⁻³ and the potential broadens.",
        source=_CARICATURE + "single-fibre contributions matter within about 0.35 mm of a "
               "concentric needle (Stashuk 1999, Muscle Nerve 22:218); the leading-off "
               "surface (about 0.15 × 0.58 mm) averages the nearest field")
    fibre_spike_width_ms: float = param(
        0.2, unit="ms", min=0.02, max=2.0, label="Fibre spike width",
        help="Width of a fibre's potential right at the needle (its spike rises in 1.2 "
             "widths and it lasts about five; farther fibres' potentials are broader).",
        source=_CARICATURE + "chosen with the near-field radius so that fibrillation "
               "potentials last 1–5 ms (Preston & Shapiro; Daube & Rubin)")
    fibre_amplitude_mV: float = param(
        1.5, unit="mV", min=0.01, max=50.0, label="Fibre amplitude at the needle",
        help="Peak of the main (negative) phase of a healthy fibre's potential right at "
             "the needle.",
        source=TUNED + "; healthy concentric-needle MUAPs about 0.2–3 mV (Preston & Shapiro; "
               "Daube & Rubin)")
    denervated_fibre_amplitude: float = param(
        0.3, unit="1", min=0.01, max=1.0, label="Denervated fibre amplitude",
        help="A denervated (fibrillating) fibre's potential relative to a healthy fibre's "
             "at the same distance: denervated fibres atrophy.",
        source=_CARICATURE + "fibrillation amplitude falls as denervated fibres atrophy "
               "(Kraft 1990, Muscle Nerve 13:814); sized so fibrillations are about "
               "20–200 µV (Preston & Shapiro)")
    unit_fibre_density: float = param(
        5.0, unit="1/mm²", min=0.1, max=100.0, label="Fibres of one unit per mm²",
        help="Density of one healthy unit's fibres inside its territory.",
        source="Single-fibre EMG fibre density about 1.5 fibres of one unit within the "
               "300 µm uptake radius (Stålberg & Trontelj, Single Fibre Electromyography): "
               "1.5 / (π·0.3²) ≈ 5 per mm²")
    muscle_fibre_density: float = param(
        300.0, unit="1/mm²", min=1.0, max=2000.0, label="Muscle fibres per mm²",
        help="Density of all the muscle's fibres (sets how many fibres can fibrillate near "
             "the needle).",
        source=_CARICATURE + "fibres 40–80 µm across pack a few hundred per mm²")
    territory_diameter_smallest_mm: float = param(
        3.0, unit="mm", min=0.2, max=30.0, label="Smallest unit territory",
        help="Diameter of the smallest unit's territory.",
        source=_CARICATURE + "below the 5–10 mm typical of human limb muscles (Buchthal, "
               "Erminio & Rosenfalck 1959, Acta Physiol Scand 45:72)")
    territory_diameter_largest_mm: float = param(
        10.0, unit="mm", min=0.2, max=30.0, label="Largest unit territory",
        help="Diameter of the largest unit's territory (diameters spread exponentially "
             "across the pool).",
        source="Motor-unit territories about 5–10 mm across in human limb muscles "
               "(Buchthal, Erminio & Rosenfalck 1959, Acta Physiol Scand 45:72)")
    territories_per_point: float = param(
        10.0, unit="1", min=0.5, max=50.0, label="Overlapping territories",
        help="Healthy unit territories covering a typical point of the muscle (sets the "
             "muscle's cross-section from the territories' total area).",
        source=_CARICATURE + "in human muscle some 15–30 territories overlap (Buchthal et "
               "al. 1959); the model's pool stands for a whole muscle with fewer units")
    reinnervation_territory_exponent: float = param(
        0.0, unit="1", min=0.0, max=1.0, label="Territory growth exponent",
        help="A unit owning E times its fibres spreads over E^exponent times its territory; "
             "the rest raises its fibre density (0: the territory stays, the unit grows "
             "denser).",
        source=_CARICATURE + "after reinnervation single-fibre EMG fibre density rises "
               "several-fold while territories grow little (Stålberg & Trontelj, Single "
               "Fibre Electromyography); 0 puts all the growth into density")
    arrival_spread_ms: float = param(
        0.2, unit="ms", min=0.0, max=5.0, label="Arrival spread",
        help="SD of the times at which a unit's fibres' potentials reach the needle "
             "(endplate zone and terminal branches).",
        source=_CARICATURE + "temporal dispersion of fibre potentials shapes the MUAP "
               "(Nandedkar et al. 1988, Muscle Nerve 11:151)")
    immature_delay_ms: float = param(
        10.0, unit="ms", min=0.0, max=50.0, label="Immature sprout delay",
        help="Largest extra delay of a fibre on an immature sprout (uniform from 0).",
        source=_CARICATURE + "slowly conducting new sprouts give late, unstable "
               "components: long polyphasic MUAPs with satellite potentials (Daube & Rubin)")
    # --- spontaneous activity of denervated fibres
    fibrillation_rate_min_hz: float = param(
        0.5, unit="Hz", min=0.05, max=50.0, label="Slowest fibrillation",
        help="Lowest firing rate of a fibrillating fibre.",
        source="Fibrillation potentials fire regularly at about 0.5–15 Hz (Preston & "
               "Shapiro; Daube & Rubin)")
    fibrillation_rate_max_hz: float = param(
        15.0, unit="Hz", min=0.05, max=50.0, label="Fastest fibrillation",
        help="Highest firing rate of a fibrillating fibre (rates spread log-uniformly).",
        source="Fibrillation potentials fire regularly at about 0.5–15 Hz (Preston & "
               "Shapiro; Daube & Rubin)")
    fibrillation_interval_cv: float = param(
        0.03, unit="1", min=0.0, max=0.5, label="Fibrillation irregularity",
        help="Coefficient of variation of a fibrillating fibre's discharge intervals.",
        source=_CARICATURE + "fibrillations are regular, unlike end-plate spikes (Partanen "
               "& Danner 1982; Conrad et al. 1972)")
    psw_share: float = param(
        0.3, unit="1", min=0.0, max=1.0, label="Positive sharp waves",
        help="Share of the fibrillating fibres injured by the needle tip (within twice the "
             "near-field radius) that fire as positive sharp waves.",
        source=_CARICATURE + "positive sharp waves are fibrillations blocked at the needle "
               "tip (Dumitru 1996, Muscle Nerve 19:221)")
    psw_decay_ms: float = param(
        5.0, unit="ms", min=0.5, max=50.0, label="Positive sharp wave decay",
        help="Time constant of the slow return after a positive sharp wave's deflection.",
        source=_CARICATURE + "a sharp positive deflection with a slow return lasting "
               "about 10–20 ms")
    # --- where
    muscle_seed: int = param(
        0, unit="", min=0, max=_SEED_MAX, integer=True, label="Muscle layout",
        help="Seed of where the units' territories lie in the muscle.",
        source="teaching lever (same seed, same muscle)")
    needle_site: int = param(
        0, unit="", min=0, max=_SEED_MAX, integer=True, label="Needle site",
        help="Seed of where the needle goes in (another site shows other units).",
        source="teaching lever (the examiner samples several sites)")

    def __post_init__(self):
        super().__post_init__()
        if self.fibrillation_rate_max_hz < self.fibrillation_rate_min_hz:
            raise ValueError(
                f"needle.fibrillation_rate_max_hz = {self.fibrillation_rate_max_hz:g} Hz must "
                f"not be below needle.fibrillation_rate_min_hz = "
                f"{self.fibrillation_rate_min_hz:g} Hz")
        if self.territory_diameter_largest_mm < self.territory_diameter_smallest_mm:
            raise ValueError(
                f"needle.territory_diameter_largest_mm = "
                f"{self.territory_diameter_largest_mm:g} mm must not be below "
                f"needle.territory_diameter_smallest_mm = "
                f"{self.territory_diameter_smallest_mm:g} mm")
        if not self.low_cut_hz < self.high_cut_hz < self.sampling_rate_hz / 2.0:
            raise ValueError(
                f"needle.high_cut_hz = {self.high_cut_hz:g} Hz must lie between "
                f"needle.low_cut_hz = {self.low_cut_hz:g} Hz and half the sampling rate, "
                f"{self.sampling_rate_hz / 2.0:g} Hz (needle.sampling_rate_hz = "
                f"{self.sampling_rate_hz:g} Hz)")


# ------------------------------------------------------------------ waveforms
FIBRE_SUPPORT_WIDTHS = 12.0
"""A fibre potential is computed within ±12 widths of its centre, where its positive tails
have fallen to about 0.1 % of its peak."""


def _spread(distance_mm, near_field_mm):
    """s = √(1 + (r/r0)²): the broadening of a potential seen from ``distance_mm``."""
    return np.sqrt(1.0 + (np.asarray(distance_mm, dtype=float) / near_field_mm) ** 2)


def _triphasic(x):
    """(2x² − 1) / (1 + x²)^(5/2) within ±:data:`FIBRE_SUPPORT_WIDTHS`, else 0: a long low
    positive phase, the negative spike (−1 at x = 0), a long low positive phase; zero area.
    """
    x2 = np.square(np.asarray(x, dtype=float))
    q = 1.0 / (1.0 + x2)
    value = (2.0 * x2 - 1.0) * (q * q * np.sqrt(q))  # (1 + x²)^(-5/2), without a slow pow
    return np.where(x2 > FIBRE_SUPPORT_WIDTHS ** 2, 0.0, value)


def fibre_potential(time_ms, distance_mm, *, amplitude_mV: float, width_ms: float,
                    near_field_mm: float) -> np.ndarray:
    """The spike of one muscle fibre's action potential at the needle (mV), unfiltered.

    Parameters
    ----------
    time_ms : array_like
        Time from the potential's centre (its main negative peak), ms.
    distance_mm : float or array_like
        Distance of the fibre from the needle tip (mm); broadcasts against ``time_ms``.
    amplitude_mV : float
        Peak of the main phase of a fibre at the needle (``fibre_amplitude_mV``, scaled
        for a denervated fibre).
    width_ms : float
        Width of the potential at the needle (``fibre_spike_width_ms``).
    near_field_mm : float
        ``near_field_radius_mm``.

    Returns
    -------
    ndarray
        ``A s⁻³ (2x² − 1) / (1 + x²)^(5/2)`` with ``x = t / (width·s)``,
        ``s = √(1 + (r/r0)²)``: long low positive phases around the negative spike (peak
        ``−A s⁻³``, positive phases a fifth of it), zero area; 0 beyond
        :data:`FIBRE_SUPPORT_WIDTHS` widths.

    Examples
    --------
    >>> round(float(fibre_potential(0.0, 0.0, amplitude_mV=1.0, width_ms=0.2,
    ...                              near_field_mm=0.2)), 3)
    -1.0
    >>> round(float(fibre_potential(0.0, 0.2, amplitude_mV=1.0, width_ms=0.2,
    ...                              near_field_mm=0.2)), 3)   # 2^(-3/2)
    -0.354
    """
    s = _spread(distance_mm, near_field_mm)
    return amplitude_mV * s ** -3 * _triphasic(np.asarray(time_ms, dtype=float) / (width_ms * s))


_PSW_NEGATIVE_SHARE = 0.15  # the small, slow negative phase after the return


def positive_sharp_wave(time_ms, distance_mm, *, amplitude_mV: float, width_ms: float,
                        near_field_mm: float, decay_ms: float) -> np.ndarray:
    """A positive sharp wave (mV), before filtering: the fibre's wave stops at the needle.

    A sharp positive deflection (rising with a time constant of half the fibre's local
    width), a slow return with time constant ``decay_ms``, and a small, slower negative
    phase; peak about ``amplitude_mV·s⁻³`` as for :func:`fibre_potential`.

    Parameters
    ----------
    time_ms : array_like
        Time from the start of the deflection (ms).
    distance_mm : float
        Distance of the fibre from the needle (mm).
    amplitude_mV, width_ms, near_field_mm : float
        As for :func:`fibre_potential`.
    decay_ms : float
        ``psw_decay_ms``.

    Returns
    -------
    ndarray
        Same shape as ``time_ms``; 0 before the deflection.

    Examples
    --------
    >>> t = np.linspace(0.0, 40.0, 4001)
    >>> w = positive_sharp_wave(t, 0.0, amplitude_mV=0.1, width_ms=0.2, near_field_mm=0.2,
    ...                         decay_ms=5.0)
    >>> round(float(w.max()), 2), bool(t[w.argmax()] < 1.0), bool(w.min() < 0)
    (0.1, True, True)
    """
    s = float(_spread(distance_mm, near_field_mm))
    t = np.maximum(np.asarray(time_ms, dtype=float), 0.0)
    rise = 0.5 * width_ms * s
    positive = (1.0 - np.exp(-t / rise)) * np.exp(-t / decay_ms)
    peak_t = rise * math.log1p(decay_ms / rise)  # where the positive part peaks
    positive /= (1.0 - math.exp(-peak_t / rise)) * math.exp(-peak_t / decay_ms)
    slow = 3.0 * decay_ms
    negative = _PSW_NEGATIVE_SHARE * (t / slow) * np.exp(1.0 - t / slow)
    value = amplitude_mV * s ** -3 * (positive - negative)
    return np.where(np.asarray(time_ms, dtype=float) >= 0.0, value, 0.0)


def _psw_length_ms(decay_ms: float) -> float:
    return 12.0 * decay_ms  # the slow negative phase has returned to < 0.1 % by then


# ---------------------------------------------------------------- the muscle
@dataclass(frozen=True)
class _Layout:
    centres_mm: np.ndarray      # (n_units, 2) territory centres
    diameters_mm: np.ndarray    # (n_units,) healthy territory diameters
    muscle_radius_mm: float
    needle_mm: np.ndarray       # (2,)


def _layout(needle: NeedleParameters, n_units: int) -> _Layout:
    diameters = exponential_spread(
        needle.territory_diameter_smallest_mm,
        needle.territory_diameter_largest_mm / needle.territory_diameter_smallest_mm, n_units)
    area = float(np.sum(np.pi * diameters ** 2 / 4.0)) / needle.territories_per_point
    radius = math.sqrt(area / math.pi)
    muscle = np.random.default_rng([_KEY_MUSCLE, needle.muscle_seed])
    centres = _uniform_in_disc(muscle, n_units, radius)
    site = np.random.default_rng([_KEY_SITE, needle.needle_site])
    needle_mm = _uniform_in_disc(site, 1, _NEEDLE_REACH * radius)[0]
    return _Layout(centres, diameters, radius, needle_mm)


_KEY_MUSCLE, _KEY_SITE, _KEY_FIBRES, _KEY_FIBRILLATION, _KEY_NOISE = 11, 13, 17, 19, 23
_NEEDLE_REACH = 0.7  # the needle goes in within 70 % of the muscle's radius, not at its edge


def _uniform_in_disc(rng: np.random.Generator, n: int, radius: float) -> np.ndarray:
    """``n`` points uniform in a disc, shape (n, 2); point k depends only on the k-th pair
    of draws (the first points are the same however many are asked for)."""
    u = rng.random((n, 2))
    r = radius * np.sqrt(u[:, 0])
    angle = 2.0 * np.pi * u[:, 1]
    return np.column_stack([r * np.cos(angle), r * np.sin(angle)])


@dataclass(frozen=True)
class _UnitFibres:
    distance_mm: np.ndarray  # (n_fibres,)
    delay_ms: np.ndarray     # (n_fibres,)


def _unit_fibres(needle: NeedleParameters, layout: _Layout, unit: int, enlargement: float,
                 immature_share: float) -> _UnitFibres | None:
    """The fibres of one unit within the pick-up radius: distances and arrival delays.

    A Poisson field *nested* in density: candidate fibres around the needle arrive in order
    of a mark that grows by Exp(1)/area per candidate, and those with marks below the
    unit's density (inside its territory) are its fibres. The fibres at one density are
    among those at any higher one, so a reinnervated unit keeps its own fibres (marks below
    the healthy density, inside its own territory) and adds adopted ones; the immature
    fibres are among the adopted.
    """
    if not enlargement > 0:
        return None
    gamma = needle.reinnervation_territory_exponent
    own_radius = 0.5 * layout.diameters_mm[unit]
    radius = own_radius * enlargement ** (0.5 * gamma)
    centre = layout.centres_mm[unit] - layout.needle_mm        # relative to the needle
    pickup = needle.pickup_radius_mm
    if float(np.hypot(*centre)) > radius + pickup:
        return None
    own_density = needle.unit_fibre_density
    density = own_density * enlargement ** (1.0 - gamma)
    area = math.pi * pickup ** 2
    # one stream per attribute, so that fibre k's draws do not depend on how many there are
    marks_rng, place_rng, normal_rng, late_rng, draw_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(
            [_KEY_FIBRES, needle.muscle_seed, needle.needle_site, unit]).spawn(5))
    expected = density * area
    chunk = int(expected * 1.3 + 4.0 * math.sqrt(expected) + 16)
    marks = np.cumsum(marks_rng.standard_exponential(chunk)) / area
    while marks[-1] <= density:  # rarely: more candidates needed
        more = np.cumsum(marks_rng.standard_exponential(chunk)) / area
        marks = np.concatenate([marks, marks[-1] + more])
    n = int(np.searchsorted(marks, density))
    points = _uniform_in_disc(place_rng, n, pickup)              # around the needle
    normal, late, draw = (normal_rng.standard_normal(n), late_rng.random(n),
                          draw_rng.random(n))
    off_centre = np.hypot(*(points - centre).T)
    inside = off_centre <= radius
    own = (marks[:n] <= own_density) & (off_centre <= own_radius)
    if enlargement > 1.0:
        p_immature = min(1.0, immature_share * enlargement / (enlargement - 1.0))
        immature = ~own & (draw < p_immature)
    else:
        immature = draw < immature_share
    delay = needle.arrival_spread_ms * normal + np.where(
        immature, late * needle.immature_delay_ms, 0.0)
    if not inside.any():
        return None
    return _UnitFibres(np.hypot(*points[inside].T), delay[inside])


# ---------------------------------------------------------------- the recording
@dataclass(frozen=True, repr=False, eq=False)
class NeedleRecording:
    """A needle-EMG recording of one run at one needle site. Arrays are read-only.

    Attributes
    ----------
    result : SimulationResult
        The run recorded.
    parameters : NeedleParameters
    remodelling : Remodelling
        The motor units as remodelled (who survives, enlargement, fibrillating fraction).
    needle_position_mm : ndarray, shape (2,)
        Where the needle tip sits in the muscle's cross-section (mm from its centre).
    muscle_radius_mm : float
        Radius of the muscle's cross-section (mm).
    signal_mV : ndarray, shape (n_samples,)
        The recording (mV): filtered potentials plus noise; sample *j* at ``j / rate``.
    units : ndarray of int, shape (n_view,)
        Units with fibres within the pick-up radius, by index in the pool.
    unit_templates_mV : ndarray, shape (n_view, n_template)
        Each unit's MUAP at the needle after the amplifier's filter (mV); sample *k* at
        ``template_start_ms + k / rate`` after the unit's discharge.
    template_start_ms : float
        Time of the templates' first sample relative to the discharge (ms, may be < 0).
    unit_fibre_counts : ndarray of int, shape (n_view,)
        Fibres of each unit within the pick-up radius.
    unit_nearest_fibre_mm : ndarray, shape (n_view,)
        Distance of each unit's nearest fibre from the needle (mm).
    fibrillation_distance_mm : ndarray, shape (n_fibrillating,)
        Distance of each fibrillating fibre within the pick-up radius (mm).
    fibrillation_rate_hz : ndarray, shape (n_fibrillating,)
        Each fibrillating fibre's mean firing rate (Hz).
    fibrillation_is_psw : ndarray of bool, shape (n_fibrillating,)
        Whether the fibre fires as positive sharp waves.
    fibrillation_template : ndarray of int, shape (n_fibrillating,)
        Row of :attr:`fibrillation_templates_mV` that each fibre's potential is.
    fibrillation_templates_mV : ndarray, shape (n_shapes, n_fibrillation_template)
        Filtered potentials of the fibrillating fibres, one per distance and kind (mV);
        sample *k* at ``fibrillation_template_start_ms + k / rate`` after the discharge.
    fibrillation_template_start_ms : float
    fibrillation_times_s, fibrillation_fibres : ndarray, shape (n_fibrillations,)
        Every discharge of a fibrillating fibre, in time order, and which fibre (index
        into the ``fibrillation_*`` arrays) fired.
    """

    result: SimulationResult
    parameters: NeedleParameters
    remodelling: Remodelling
    needle_position_mm: np.ndarray
    muscle_radius_mm: float
    signal_mV: np.ndarray
    units: np.ndarray
    unit_templates_mV: np.ndarray
    template_start_ms: float
    unit_fibre_counts: np.ndarray
    unit_nearest_fibre_mm: np.ndarray
    fibrillation_distance_mm: np.ndarray
    fibrillation_rate_hz: np.ndarray
    fibrillation_is_psw: np.ndarray
    fibrillation_template: np.ndarray
    fibrillation_templates_mV: np.ndarray
    fibrillation_template_start_ms: float
    fibrillation_times_s: np.ndarray
    fibrillation_fibres: np.ndarray
    _discharges: tuple = field(default=(), init=False)

    def __post_init__(self):
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray):
                view = value.view()
                view.flags.writeable = False
                object.__setattr__(self, name, view)
        in_view = np.isin(self.result.activation_units, self.units)
        object.__setattr__(self, "_discharges", (
            _read_only(self.result.activation_times_s[in_view]),
            _read_only(self.result.activation_units[in_view]),
            _read_only(self.result.activation_sources[in_view])))

    # ------------------------------------------------------------ derived views
    @property
    def sampling_rate_hz(self) -> float:
        """Samples per second (Hz)."""
        return float(self.parameters.sampling_rate_hz)

    @property
    def duration_s(self) -> float:
        """Length of the recording (s), the run's duration."""
        return float(self.result.duration_s)

    @property
    def time_s(self) -> np.ndarray:
        """Sample times (s), shape (n_samples,)."""
        return np.arange(self.signal_mV.shape[0]) / self.sampling_rate_hz

    @property
    def template_time_ms(self) -> np.ndarray:
        """Time of each template sample after the discharge (ms), shape (n_template,)."""
        return (self.template_start_ms
                + 1000.0 * np.arange(self.unit_templates_mV.shape[1]) / self.sampling_rate_hz)

    @property
    def discharge_times_s(self) -> np.ndarray:
        """Every fibre activation of a unit in view (s), in time order, shape (n,)."""
        return self._discharges[0]

    @property
    def discharge_units(self) -> np.ndarray:
        """The unit (pool index) of each of :attr:`discharge_times_s`, shape (n,)."""
        return self._discharges[1]

    @property
    def discharge_sources(self) -> np.ndarray:
        """What drove each discharge (``neurosim.nerve.SOURCE_*`` flags), shape (n,)."""
        return self._discharges[2]

    @property
    def at_rest(self) -> bool:
        """Whether the run had no voluntary command at all (a rest recording)."""
        return not bool(np.any(self.result.command > 0))

    def unit_row(self, unit: int) -> int:
        """Row of :attr:`unit_templates_mV` holding pool unit ``unit``.

        Raises
        ------
        ValueError
            If the unit has no fibres in view.
        """
        rows = np.flatnonzero(self.units == unit)
        if rows.size == 0:
            raise ValueError(f"unit = {unit!r} has no fibres within the needle's pick-up "
                             f"radius; units in view: {self.units.tolist()}")
        return int(rows[0])

    def __repr__(self) -> str:
        n_fib = int(self.fibrillation_distance_mm.shape[0])
        label = self.result.label or "run"
        return (f"NeedleRecording({label!r}, {self.duration_s:g} s at "
                f"{self.sampling_rate_hz:g} Hz, site {self.parameters.needle_site} at "
                f"({self.needle_position_mm[0]:.1f}, {self.needle_position_mm[1]:.1f}) mm, "
                f"{self.units.size} units in view, {n_fib} fibrillating fibres, "
                f"{self.discharge_times_s.size} unit discharges, "
                f"{self.fibrillation_times_s.size} fibrillation discharges)")


def _read_only(a: np.ndarray) -> np.ndarray:
    v = np.asarray(a).view()
    v.flags.writeable = False
    return v


def _check_remodelling(remodelling, n_units: int) -> Remodelling:
    if not isinstance(remodelling, Remodelling):
        raise ValueError(f"remodelling must be a neurosim.reinnervation.Remodelling, got "
                         f"{type(remodelling).__name__}")
    for name in ("alive", "enlargement", "immature_share"):
        shape = np.shape(getattr(remodelling, name))
        if shape != (n_units,):
            raise ValueError(f"remodelling.{name} has shape {shape}; the pool has "
                             f"pool.n_units = {n_units} units, so it must be ({n_units},)")
    enlargement = np.asarray(remodelling.enlargement, dtype=float)
    if not (np.all(np.isfinite(enlargement)) and np.all(enlargement >= 0)):
        raise ValueError("remodelling.enlargement must be finite and ≥ 0 (1 = unchanged)")
    immature = np.asarray(remodelling.immature_share, dtype=float)
    if not np.all((immature >= 0) & (immature <= 1)):
        raise ValueError("remodelling.immature_share must lie in [0, 1]")
    fraction = float(remodelling.fibrillating_fraction)
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"remodelling.fibrillating_fraction = {fraction!r} must lie in "
                         f"[0, 1] (share of the muscle's fibres)")
    return remodelling


def _time_axis_ms(start_ms: float, stop_ms: float, rate_hz: float) -> np.ndarray:
    n = int(math.ceil((stop_ms - start_ms) * rate_hz / 1000.0)) + 1
    return start_ms + 1000.0 * np.arange(n) / rate_hz


_FILTER_PAD_MS = 150.0  # quiet trace around each template before the zero-phase band-pass


def _filtered(rows: np.ndarray, needle: NeedleParameters) -> np.ndarray:
    """Pass each row through the amplifier's band-pass, as part of a long quiet trace.

    The rows are laid end to end with :data:`_FILTER_PAD_MS` of silence between them and
    filtered in one pass; the filter's response to one row has died away (to < 10⁻⁴ of
    its size) before the next begins.
    """
    rate = needle.sampling_rate_hz
    n_rows, width = rows.shape
    if n_rows == 0:
        return rows.copy()
    pad = int(round(_FILTER_PAD_MS * rate / 1000.0))
    stride = width + pad
    trace = np.zeros(pad + n_rows * stride)
    starts = pad + stride * np.arange(n_rows)
    trace[starts[:, None] + np.arange(width)] = rows
    trace = bandpass(trace, rate, band_hz=(needle.low_cut_hz, needle.high_cut_hz))
    return trace[starts[:, None] + np.arange(width)]


@njit(cache=True, nogil=True)
def _sum_fibres(out, start_ms, rate_hz, centre_ms, width_ms, peak_mV):
    """Add ``peak · K((t − centre) / width)`` of every fibre to ``out`` (sample *j* at
    ``start_ms + 1000 j / rate_hz``), each only within its own support: the compiled twin
    of summing :func:`fibre_potential` over fibres."""
    n = out.shape[0]
    step = 1000.0 / rate_hz
    for f in range(centre_ms.shape[0]):
        reach = FIBRE_SUPPORT_WIDTHS * width_ms[f]
        j0 = max(0, int(math.ceil((centre_ms[f] - reach - start_ms) / step)))
        j1 = min(n - 1, int(math.floor((centre_ms[f] + reach - start_ms) / step)))
        for j in range(j0, j1 + 1):
            x = (start_ms + j * step - centre_ms[f]) / width_ms[f]
            x2 = x * x
            q = 1.0 / (1.0 + x2)
            out[j] += peak_mV[f] * (2.0 * x2 - 1.0) * q * q * math.sqrt(q)


@njit(cache=True, nogil=True)
def _scatter_templates(out, starts, which, templates, first, last):
    """Add ``templates[which[k], first[w]:last[w]]`` to ``out`` at sample ``starts[k] +
    first[w]`` for every event *k* (``w = which[k]``), clipped to ``out``."""
    n = out.shape[0]
    for k in range(starts.shape[0]):
        w = which[k]
        for j in range(first[w], last[w]):
            i = starts[k] + j
            if 0 <= i < n:
                out[i] += templates[w, j]


def _add_events(out: np.ndarray, times_s: np.ndarray, which: np.ndarray,
                templates: np.ndarray, start_ms: float, rate_hz: float) -> None:
    """Add template ``which[k]`` at every event time ``times_s[k]`` (the templates' first
    sample ``start_ms`` after the event); each template only where it is not negligible."""
    if times_s.size == 0:
        return
    significant = np.abs(templates) >= _NEGLIGIBLE_MV * 1e-2
    first = np.where(significant.any(axis=1), significant.argmax(axis=1), 0)
    last = np.where(significant.any(axis=1),
                    templates.shape[1] - significant[:, ::-1].argmax(axis=1), 0)
    offset = int(round(start_ms * rate_hz / 1000.0))
    starts = np.round(np.asarray(times_s) * rate_hz).astype(np.int64) + offset
    _scatter_templates(out, starts, np.asarray(which, dtype=np.int64),
                       np.ascontiguousarray(templates), first.astype(np.int64),
                       last.astype(np.int64))


def _fibrillation_discharges(rng: np.random.Generator, rates_hz: np.ndarray, cv: float,
                             duration_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Regular discharges of each fibre: a random phase, intervals (1 ± cv·N(0,1))/rate."""
    n = rates_hz.size
    if n == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    count = int(math.ceil(duration_s * rates_hz.max() * 1.2)) + 2
    period = 1.0 / rates_hz[:, None]
    intervals = period * np.clip(1.0 + cv * rng.standard_normal((n, count)), 0.5, 1.5)
    first = period[:, 0] * rng.random(n)
    times = first[:, None] + np.concatenate([np.zeros((n, 1)),
                                             np.cumsum(intervals[:, 1:], axis=1)], axis=1)
    fibre = np.broadcast_to(np.arange(n)[:, None], times.shape)
    keep = times < duration_s
    t, f = times[keep], fibre[keep]
    order = np.argsort(t, kind="stable")
    return t[order], f[order].astype(np.int64)


_FIBRILLATION_BIN_MM = 0.01  # fibrillating fibres share a template per 10 µm of distance
_NEGLIGIBLE_MV = 5e-4        # potentials smaller than 0.5 µV (a fifth of the noise) are left out


def record(result: SimulationResult, needle: NeedleParameters | None = None, *,
           remodelling: Remodelling | None = None) -> NeedleRecording:
    """Record a finished run with a concentric needle electrode.

    Parameters
    ----------
    result : SimulationResult
        The run: which unit's fibres fired when (``activation_*``).
    needle : NeedleParameters, optional
        Electrode, amplifier and muscle (default :class:`NeedleParameters()`).
    remodelling : Remodelling, optional
        The motor units after axon loss and reinnervation (default
        :func:`neurosim.reinnervation.unit_remodelling` of ``result.parameters``).

    Returns
    -------
    NeedleRecording

    Raises
    ------
    ValueError
        If ``needle`` or ``remodelling`` is of the wrong kind or shape.

    Examples
    --------
    >>> from neurosim import Parameters, simulate
    >>> from neurosim.protocols import Protocol, Noise
    >>> quiet = simulate(Parameters().with_changes(**{"pool.n_units": 30}),
    ...                  Protocol(Noise()), 0.5, seed=0)
    >>> rec = record(quiet)
    >>> rec.signal_mV.shape, rec.discharge_times_s.size     # silent at rest: only noise
    ((22050,), 0)
    """
    needle = NeedleParameters() if needle is None else needle
    if not isinstance(needle, NeedleParameters):
        raise ValueError(f"needle must be a NeedleParameters, got {type(needle).__name__}")
    if not isinstance(result, SimulationResult):
        raise ValueError(f"result must be a SimulationResult, got {type(result).__name__}")
    n_units = result.parameters.pool.n_units
    remodelling = _check_remodelling(unit_remodelling(result.parameters) if remodelling is None
                                     else remodelling, n_units)
    rate = needle.sampling_rate_hz
    layout = _layout(needle, n_units)
    enlargement = np.asarray(remodelling.enlargement, dtype=float)
    alive = np.asarray(remodelling.alive, dtype=bool)
    immature = np.asarray(remodelling.immature_share, dtype=float)

    # --- the units in view: their fibres and MUAP templates
    spike = dict(amplitude_mV=needle.fibre_amplitude_mV, width_ms=needle.fibre_spike_width_ms,
                 near_field_mm=needle.near_field_radius_mm)
    fibres = {}
    for u in range(n_units):
        if alive[u]:
            f = _unit_fibres(needle, layout, u, float(enlargement[u]), float(immature[u]))
            if f is not None:
                fibres[u] = f
    reach = FIBRE_SUPPORT_WIDTHS * needle.fibre_spike_width_ms * float(
        _spread(needle.pickup_radius_mm, needle.near_field_radius_mm))
    if fibres:
        start = min(float(f.delay_ms.min()) for f in fibres.values()) - reach
        stop = max(float(f.delay_ms.max()) for f in fibres.values()) + reach
    else:
        start, stop = -reach, reach
    t_ms = _time_axis_ms(start, stop, rate)
    raw = np.zeros((len(fibres), t_ms.size))
    for row, f in enumerate(fibres.values()):
        s_f = _spread(f.distance_mm, needle.near_field_radius_mm)
        _sum_fibres(raw[row], float(t_ms[0]), rate, f.delay_ms,
                    needle.fibre_spike_width_ms * s_f, needle.fibre_amplitude_mV * s_f ** -3.0)
    templates = _filtered(raw, needle)
    size = np.ptp(templates, axis=1) if templates.size else np.zeros(0)
    visible = size >= _NEGLIGIBLE_MV
    units = np.array(list(fibres), dtype=np.int64)[visible]
    templates = templates[visible]
    counts = np.array([fibres[u].distance_mm.size for u in units], dtype=np.int64)
    nearest = np.array([fibres[u].distance_mm.min() for u in units], dtype=float)

    n_samples = int(round(result.duration_s * rate))
    clean = np.zeros(n_samples)
    in_view = np.isin(result.activation_units, units)
    _add_events(clean, result.activation_times_s[in_view],
                np.searchsorted(units, result.activation_units[in_view]), templates, start, rate)

    # --- fibrillating fibres and positive sharp waves
    fib_rng = np.random.default_rng([_KEY_FIBRILLATION, needle.muscle_seed, needle.needle_site,
                                     result.seed])
    pickup_area = math.pi * needle.pickup_radius_mm ** 2
    n_fib = int(fib_rng.poisson(float(remodelling.fibrillating_fraction)
                                * needle.muscle_fibre_density * pickup_area))
    where = _uniform_in_disc(fib_rng, n_fib, needle.pickup_radius_mm)
    distance = np.hypot(where[:, 0], where[:, 1])
    lo_hz, hi_hz = needle.fibrillation_rate_min_hz, needle.fibrillation_rate_max_hz
    rates = np.exp(fib_rng.uniform(math.log(lo_hz), math.log(hi_hz), n_fib))
    psw = (distance <= 2.0 * needle.near_field_radius_mm) & (fib_rng.random(n_fib)
                                                            < needle.psw_share)
    fib_times, fib_fibre = _fibrillation_discharges(fib_rng, rates,
                                                    needle.fibrillation_interval_cv,
                                                    result.duration_s)
    # one template per 10 µm of distance and kind
    bins = np.round(distance / _FIBRILLATION_BIN_MM).astype(np.int64) * 2 + psw
    shapes, shape_of_fibre = np.unique(bins, return_inverse=True)
    fib_start = -reach
    fib_t = _time_axis_ms(fib_start, max(reach, _psw_length_ms(needle.psw_decay_ms)), rate)
    rows = []
    scale = needle.denervated_fibre_amplitude
    for key in shapes:
        r = (key // 2) * _FIBRILLATION_BIN_MM
        if key % 2:
            rows.append(positive_sharp_wave(
                fib_t, r, amplitude_mV=scale * needle.fibre_amplitude_mV,
                width_ms=needle.fibre_spike_width_ms, near_field_mm=needle.near_field_radius_mm,
                decay_ms=needle.psw_decay_ms))
        else:
            rows.append(scale * fibre_potential(fib_t, r, **spike))
    fib_templates = _filtered(np.array(rows).reshape(len(rows), fib_t.size), needle)
    shown = np.ptp(fib_templates, axis=1) >= _NEGLIGIBLE_MV if len(shapes) else np.zeros(0, bool)
    fired = shown[shape_of_fibre[fib_fibre]] if fib_fibre.size else np.zeros(0, bool)
    _add_events(clean, fib_times[fired], shape_of_fibre[fib_fibre[fired]], fib_templates,
                fib_start, rate)

    # --- the amplifier's noise, band-limited like the potentials
    noise_rng = np.random.default_rng([_KEY_NOISE, needle.needle_site, result.seed])
    noise = np.zeros(n_samples)
    if needle.noise_uV > 0 and n_samples > 1:
        pad = int(round(_FILTER_PAD_MS * rate / 1000.0))  # no filter edge in the recording
        noise = bandpass(noise_rng.standard_normal(n_samples + 2 * pad), rate,
                         band_hz=(needle.low_cut_hz, needle.high_cut_hz))[pad:pad + n_samples]
        noise *= (needle.noise_uV / 1000.0) / max(float(np.std(noise)), 1e-300)

    return NeedleRecording(
        result=result, parameters=needle, remodelling=remodelling,
        needle_position_mm=layout.needle_mm, muscle_radius_mm=layout.muscle_radius_mm,
        signal_mV=clean + noise, units=units, unit_templates_mV=templates,
        template_start_ms=float(t_ms[0]), unit_fibre_counts=counts,
        unit_nearest_fibre_mm=nearest, fibrillation_distance_mm=distance,
        fibrillation_rate_hz=rates, fibrillation_is_psw=psw,
        fibrillation_template=shape_of_fibre.astype(np.int64).reshape(-1),
        fibrillation_templates_mV=fib_templates,
        fibrillation_template_start_ms=float(fib_t[0]),
        fibrillation_times_s=fib_times, fibrillation_fibres=fib_fibre)


# ----------------------------------------------------------------- the exam
REST_DURATION_S = 10.0
"""Default length of a rest recording (s): long enough to hear slow fibrillations
(0.5 Hz) and irregular fasciculations."""
EFFORT_DURATION_S = 4.0
"""Default length of a recording on effort (s): the rise and a 2.5 s hold."""
EFFORT_START_S = 0.5
"""When the voluntary effort starts rising (s)."""
EFFORT_RISE_S = 1.0
"""How long the effort takes to reach its level (s): units are recruited one by one."""
EFFORT_SETTLE_S = 0.5
"""Time after the rise before the hold is measured (s)."""


def exam_protocol(effort: float = 0.0, duration_s: float = REST_DURATION_S) -> Protocol:
    """What the patient does during the needle exam.

    Parameters
    ----------
    effort : float
        Voluntary command as a fraction of maximal (0 = relaxed, the rest recording;
        ≤ 1).
    duration_s : float
        Length of the recording (s); on effort at least the rise and settling time plus
        0.5 s of hold.

    Returns
    -------
    Protocol
        At rest only synaptic noise (:class:`~neurosim.protocols.Noise`); on effort a rise
        from :data:`EFFORT_START_S` over :data:`EFFORT_RISE_S` to ``effort``, held to the
        end, with noise.

    Raises
    ------
    ValueError
        If ``effort`` is outside [0, 1] or the recording too short for the effort.
    """
    effort = float(effort)
    if not 0.0 <= effort <= 1.0:
        raise ValueError(f"effort = {effort!r} is out of range: allowed [0, 1] (fraction of "
                         f"maximal voluntary effort; 0 = at rest)")
    if effort == 0.0:
        return Protocol(Noise())
    shortest = EFFORT_START_S + EFFORT_RISE_S + EFFORT_SETTLE_S + 0.5
    if not duration_s >= shortest:
        raise ValueError(f"duration_s = {duration_s!r} s is too short for a recording on "
                         f"effort: allowed ≥ {shortest:g} s (rise, settling and a hold)")
    hold = duration_s - EFFORT_START_S - EFFORT_RISE_S
    return Protocol(Trapezoid(start_s=EFFORT_START_S, rise_s=EFFORT_RISE_S, hold_s=hold,
                              fall_s=0.0, level=effort), Noise())


def needle_exam(subject: "str | Scenario | Parameters", *, effort: float = 0.0,
                duration_s: float | None = None, seed: int = 0,
                needle: NeedleParameters | None = None,
                remodelling: Remodelling | None = None) -> NeedleRecording:
    """Run a patient through the needle exam at rest or on effort, and record it.

    Parameters
    ----------
    subject : str, Scenario or Parameters
        A scenario name (``neurosim list``), a scenario (its parameters are used, not its
        protocol) or a parameter set.
    effort : float
        0 for the rest recording, else the voluntary command (fraction of maximal).
    duration_s : float, optional
        Default :data:`REST_DURATION_S` at rest, :data:`EFFORT_DURATION_S` on effort.
    seed : int
        Noise seed of the run.
    needle : NeedleParameters, optional
    remodelling : Remodelling, optional
        Default: :func:`neurosim.reinnervation.unit_remodelling` of the parameters.

    Returns
    -------
    NeedleRecording
    """
    from . import scenarios
    from .engine import simulate
    from .parameters import Parameters

    if isinstance(subject, str):
        subject = scenarios.get(subject)
    if isinstance(subject, scenarios.Scenario):
        label, parameters = subject.name, subject.parameters
    elif isinstance(subject, Parameters):
        label, parameters = "", subject
    else:
        raise ValueError(f"subject must be a scenario name, a Scenario or Parameters, got "
                         f"{type(subject).__name__}")
    if duration_s is None:
        duration_s = REST_DURATION_S if effort == 0 else EFFORT_DURATION_S
    protocol = exam_protocol(effort, duration_s)
    what = "rest" if effort == 0 else f"effort {effort:g}"
    result = simulate(parameters, protocol, duration_s, seed=seed,
                      label=f"{label} needle {what}".strip())
    return record(result, needle, remodelling=remodelling)
