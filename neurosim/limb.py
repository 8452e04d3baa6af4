r"""Single-joint limb: the ankle, moved by a soleus-like muscle.

The joint angle :math:`\theta` (rad, positive = dorsiflexion, which stretches the
muscle) obeys

.. math::

    I\,\ddot\theta = -K\theta - B\dot\theta - r\,F_{muscle} + \tau_{load}(t)
                     + s(t)\,\big[K_e(\theta^*(t) - \theta) + B_e(\dot\theta^*(t) - \dot\theta)\big]

with foot inertia :math:`I`, passive stiffness :math:`K` and damping :math:`B`,
Achilles moment arm :math:`r`, external load :math:`\tau_{load}` (constant load
plus pushes and tendon taps) and, while an examiner imposes a movement
(:math:`s = 1`), a stiff grip that pulls the foot along the target trajectory
:math:`\theta^*`. The torque the grip exerts is the *resistance to passive
stretch* a clinician feels. Without an examiner the limb is free: muscle force
moves the joint, the joint stretches the spindles, the spindles excite the
motor neurons — the stretch reflex becomes a closed loop.

Muscle length follows the angle: stretch :math:`x = 1000\,r\,\theta` (mm),
lengthening velocity :math:`v = 1000\,r\,\dot\theta` (mm/s).

The ankle has an anatomical range of motion, about 20–30° of dorsiflexion and 50° of
plantarflexion (``limb.dorsiflexion_limit_deg``, ``limb.plantarflexion_limit_deg``).
Near its ends the passive tissues' moment rises steeply, roughly exponentially (Riener &
Edrich 1999, J Biomech 32:539): beyond a limit by :math:`\delta` the joint meets a soft
end-stop,

.. math:: \tau_{stop} = -\operatorname{sign}(\delta)\,K_s\,\delta_s\,\big(e^{|\delta|/\delta_s} - 1\big)

(:data:`END_STOP_STIFFNESS_NM_PER_RAD` :math:`K_s`, :data:`END_STOP_SCALE_DEG`
:math:`\delta_s`; continued linearly beyond :data:`END_STOP_LINEAR_BEYOND_DEG`, so it
stays finite): 30 N·m one degree past the limit, 2,600 N·m five degrees past, and by
eight degrees past more than the strongest muscle the parameters allow (6,000 N·m: 1.5 ×
20 kN on a 0.2 m moment arm) with the largest pushes on top.

Integrated with the implicit (backward) Euler method: the new velocity solves

.. math:: I\,\frac{\dot\theta_1 - \dot\theta_0}{\Delta t} = \tau(\theta_0 + \Delta t\,\dot\theta_1,\ \dot\theta_1)

with every torque — springs, dampers, the examiner's grip, the end-stops and the muscle's
force–velocity relation — taken at the end of the step. The right-hand side falls
monotonically with :math:`\dot\theta_1`, so the equation has one root, found by Newton's
method inside a bracket that is known in advance (:func:`limb_step`). The step is stable
for every inertia, stiffness, damping, grip and step size (an explicit or semi-implicit
step is not once :math:`\Delta t\,B/I > 2` or :math:`\Delta t\sqrt{K/I} > 2`: the light,
heavily damped foot or the stiff grip of the examiner). It adds a little numerical damping,
:math:`\omega^2 \Delta t/2` per second: 0.05/s for a 5 Hz clonus at 0.1 ms, against
the foot's own :math:`B/2I` ≈ 17/s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
import math
from typing import NamedTuple

import numpy as np
from numba import njit

from . import signals
from ._fields import Validated, param

__all__ = ["LimbParameters", "PARAMETERS", "limb_step", "muscle_stretch_mm", "force_velocity_factor", "HILL_CURVATURE",
           "ECCENTRIC_FORCE_LIMIT", "ECCENTRIC_RISE", "end_stop_torque", "end_stop_torque_Nm",
           "rest_angle_rad",
           "range_of_motion_rad", "END_STOP_STIFFNESS_NM_PER_RAD", "END_STOP_SCALE_DEG",
           "END_STOP_LINEAR_BEYOND_DEG", "END_STOP_OVERSHOOT_DEG"]


# ------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class LimbParameters(Validated):
    """One joint (ankle) moved by the muscle (soleus-like) against inertia, stiffness and load."""

    stage_name: ClassVar[str] = "limb"

    inertia_kg_m2: float = param(
        0.015, unit="kg·m²", min=0.001, max=5.0, label="Foot inertia",
        help="Moment of inertia of the foot (and shoe) about the ankle.",
        source="Foot segment (about 1.5 % of a 70 kg body) about the ankle: of order "
               "0.01–0.02 kg·m² (Winter 2009, Biomechanics and Motor Control of Human "
               "Movement, anthropometric tables)")
    passive_stiffness_Nm_per_rad: float = param(
        20.0, unit="N·m/rad", min=0.0, max=1000.0, label="Passive stiffness",
        help="Elastic resistance of the relaxed ankle to rotation away from rest.",
        group="Spindles and limb",
        source="Relaxed human ankle stiffness of tens of N·m/rad (Kearney & Hunter 1990, "
               "Crit Rev Biomed Eng 18:55)")
    damping_Nm_s_per_rad: float = param(
        0.5, unit="N·m·s/rad", min=0.0, max=50.0, label="Passive damping",
        help="Viscous resistance of the relaxed ankle.",
        source="Kearney & Hunter 1990, Crit Rev Biomed Eng 18:55 (about 0.5 N·m·s/rad)")
    moment_arm_m: float = param(
        0.036, unit="m", min=0.005, max=0.2, label="Achilles moment arm",
        help="Lever arm of the muscle about the ankle; also converts joint angle to "
             "muscle length (mm per rad).",
        source="Manal, Cowder & Buchanan 2013, Physiol Rep 1:e00139 (35–37 mm)")
    examiner_stiffness_Nm_per_rad: float = param(
        3000.0, unit="N·m/rad", min=1.0, max=100000.0, label="Examiner grip stiffness",
        help="How firmly the examiner's hand (or a motor) holds the foot on the imposed "
             "trajectory during a passive stretch.",
        source="neurosim modelling choice: a firm grip or motorised dynamometer that keeps "
               "the imposed trajectory within about a degree even against a spastic reflex")
    examiner_damping_Nm_s_per_rad: float = param(
        13.0, unit="N·m·s/rad", min=0.0, max=1000.0, label="Examiner grip damping",
        help="Velocity feedback of the examiner's grip.",
        source="neurosim modelling choice (near critically damped with the grip stiffness)")
    dorsiflexion_limit_deg: float = param(
        25.0, unit="deg", min=5.0, max=45.0, label="Dorsiflexion limit",
        help="End of the ankle's range of motion in dorsiflexion, from the model's zero (the "
             "relaxed foot); beyond it a soft end-stop's moment rises exponentially.",
        source="Normal ankle dorsiflexion about 20° (American Medical Association; American "
               "Academy of Orthopaedic Surgeons, Joint Motion: Method of Measuring and "
               "Recording, 1965), 13 ± 4.4° with the knee flexed (Boone & Azen 1979, J Bone "
               "Joint Surg Am 61:756), 20–30° in stretching studies; the passive moment rises "
               "steeply towards the end of the range (Riener & Edrich 1999, J Biomech 32:539). "
               "25° is a neurosim choice in that span that leaves room for the 15° stretch "
               "test and the beats of clonus")
    plantarflexion_limit_deg: float = param(
        50.0, unit="deg", min=10.0, max=80.0, label="Plantarflexion limit",
        help="End of the ankle's range of motion in plantarflexion (entered as a positive "
             "angle below the model's zero); beyond it a soft end-stop's moment rises "
             "exponentially.",
        source="Normal ankle plantarflexion about 50° (American Academy of Orthopaedic "
               "Surgeons 1965), 56 ± 6° (Boone & Azen 1979, J Bone Joint Surg Am 61:756)")


PARAMETERS = (LimbParameters,)
"""The parameter groups this stage owns: fields of :class:`~neurosim.Parameters` named by
their ``stage_name``."""

HILL_CURVATURE = 0.25
"""Hill's a/F0: the curvature of the shortening branch of the force–velocity hyperbola,
(F + a)(v + b) = (F0 + a) b. About 0.25 for mammalian muscle (Hill 1938, Proc R Soc B
126:136; Close 1972, Physiol Rev 52:129)."""
ECCENTRIC_FORCE_LIMIT = 1.5
"""Force of a lengthening muscle approaches this multiple of its isometric force: about
1.5–1.8 F0 (Katz 1939, J Physiol 96:45; Joyce, Rack & Westbury 1969, J Physiol 204:461)."""
ECCENTRIC_RISE = 4.0
"""How steeply force rises with lengthening velocity (per v_max): the lengthening branch has
the same initial slope as the shortening one, 1/(a/F0) = 4, so the curve is smooth at v = 0
(as Katz 1939 found: force rises steeply with slow lengthening)."""


END_STOP_STIFFNESS_NM_PER_RAD = 1000.0
"""Initial stiffness :math:`K_s` of the soft end-stops (N·m/rad): a neurosim choice for the
steep rise of the ankle's passive moment at the ends of its range (Riener & Edrich 1999,
J Biomech 32:539: double-exponential passive joint moments), stiff enough that no torque
the model can produce carries the foot more than a few degrees past its limit."""
END_STOP_SCALE_DEG = 1.0
"""Angle over which the end-stop's moment grows e-fold (deg); a neurosim choice."""
END_STOP_LINEAR_BEYOND_DEG = 10.0
"""Beyond this many degrees past a limit the end-stop's moment continues linearly (with the
slope it has there, ~2·10⁷ N·m/rad), so it stays finite for any angle."""
END_STOP_OVERSHOOT_DEG = 10.0
"""How far past a limit the foot can be pushed by the torques the model allows (the muscle
at 1.5 × 20 kN on a 0.2 m moment arm, loads and pushes of hundreds of N·m): the end-stop's
moment reaches 5·10⁴ N·m 8° past the limit and 4·10⁵ N·m at 10°."""

_STOP_SCALE = math.radians(END_STOP_SCALE_DEG)
_STOP_LINEAR = math.radians(END_STOP_LINEAR_BEYOND_DEG) / _STOP_SCALE  # in scales
_STOP_EXP_LINEAR = math.exp(_STOP_LINEAR)


@njit(cache=True, inline="always", error_model="numpy")
def end_stop_torque(angle_rad, lower_rad, upper_rad):
    """Moment of the soft end-stops *resisting* the angle (N·m, positive when the foot is
    past its dorsiflexion limit) and its slope d/dθ (N·m/rad).

    Zero inside ``[lower_rad, upper_rad]``; see the module docstring.
    """
    if angle_rad > upper_rad:
        z = (angle_rad - upper_rad) / _STOP_SCALE
        sign = 1.0
    elif angle_rad < lower_rad:
        z = (lower_rad - angle_rad) / _STOP_SCALE
        sign = -1.0
    else:
        return 0.0, 0.0
    if z <= _STOP_LINEAR:
        e = math.exp(z)
        return (sign * END_STOP_STIFFNESS_NM_PER_RAD * _STOP_SCALE * (e - 1.0),
                END_STOP_STIFFNESS_NM_PER_RAD * e)
    return (sign * END_STOP_STIFFNESS_NM_PER_RAD * _STOP_SCALE
            * (_STOP_EXP_LINEAR * (1.0 + z - _STOP_LINEAR) - 1.0),
            END_STOP_STIFFNESS_NM_PER_RAD * _STOP_EXP_LINEAR)


def end_stop_torque_Nm(angle_rad, limb):
    """:func:`end_stop_torque` of every angle in ``angle_rad`` (N·m, positive resists
    dorsiflexion), same shape; for analysing recorded joint angles."""
    lower, upper = range_of_motion_rad(limb)
    angle = np.asarray(angle_rad, dtype=float)
    past = np.where(angle > upper, angle - upper, np.where(angle < lower, lower - angle, 0.0))
    z = past / _STOP_SCALE
    grow = np.where(z <= _STOP_LINEAR, np.expm1(np.minimum(z, _STOP_LINEAR)),
                    _STOP_EXP_LINEAR * (1.0 + z - _STOP_LINEAR) - 1.0)
    return np.sign(angle - 0.5 * (lower + upper)) * END_STOP_STIFFNESS_NM_PER_RAD * _STOP_SCALE * grow


def range_of_motion_rad(limb) -> tuple[float, float]:
    """``(lower, upper)`` joint angles (rad) of the limb's range of motion (plantarflexion
    negative)."""
    return (-math.radians(limb.plantarflexion_limit_deg),
            math.radians(limb.dorsiflexion_limit_deg))


def rest_angle_rad(load_torque_Nm: float, limb) -> float:
    """Angle (rad) at which the relaxed foot rests under a constant load: passive stiffness
    and end-stops balance the load, ``K θ + τ_stop(θ) = τ_load`` (0 without a load)."""
    lower, upper = range_of_motion_rad(limb)
    k = limb.passive_stiffness_Nm_per_rad
    if load_torque_Nm == 0.0:
        return 0.0

    def excess(theta):
        return k * theta + end_stop_torque(theta, lower, upper)[0] - load_torque_Nm

    # the stops alone hold any allowed load within END_STOP_OVERSHOOT_DEG of the range
    lo = lower - math.radians(END_STOP_OVERSHOOT_DEG + 90.0)
    hi = upper + math.radians(END_STOP_OVERSHOOT_DEG + 90.0)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if excess(mid) > 0.0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


@njit(cache=True, inline="always", error_model="numpy")
def _force_velocity_slope(u):
    """d f / d u of :func:`force_velocity_factor` at the normalised velocity ``u``."""
    if u < 0.0:
        if u <= -1.0:
            return 0.0
        q = 1.0 - u / HILL_CURVATURE
        return (1.0 + 1.0 / HILL_CURVATURE) / (q * q)
    q = 1.0 + ECCENTRIC_RISE * u
    return (ECCENTRIC_FORCE_LIMIT - 1.0) * ECCENTRIC_RISE / (q * q)


@njit(cache=True, error_model="numpy")
def limb_step(angle_rad, velocity_rad_s, muscle_force_N, external_torque_Nm, servo_on,
              target_angle_rad, target_velocity_rad_s, inertia, stiffness, damping, moment_arm,
              examiner_stiffness, examiner_damping, max_shortening_velocity_mm_s, lower_rad,
              upper_rad, dt_s):
    r"""Advance the joint by one implicit (backward) Euler step.

    ``muscle_force_N`` is the muscle's isometric force this step (≥ 0); the force–velocity
    factor is applied at the new velocity. The new velocity :math:`\omega` solves
    ``g(ω) = 0`` with

    ``g(ω) = a ω + τ_stop(θ0 + Δt ω) + r F f(ω) − c``,
    ``a = I/Δt + B + s B_e + Δt (K + s K_e)``,
    ``c = I ω0/Δt − (K + s K_e) θ0 + τ_ext + s (K_e θ* + B_e θ̇*)``,

    which rises strictly with ω. With :math:`0 \le f \le 1.5` and the end-stops silent
    inside the range, the root lies in
    ``[min((c − 1.5 r F)/a, (θ_max − θ0)/Δt), max(c/a, (θ_min − θ0)/Δt)]``, where Newton's
    method is safeguarded by bisection.

    Parameters
    ----------
    angle_rad, velocity_rad_s : float
        Joint angle (rad, + dorsiflexion) and angular velocity (rad/s) at the step's start.
    muscle_force_N : float
        The muscle's isometric force this step (N, ≥ 0).
    external_torque_Nm : float
        Load and pushes on the foot (N·m, + dorsiflexing).
    servo_on : bool
        Whether the examiner's grip acts (it pulls towards the target).
    target_angle_rad, target_velocity_rad_s : float
        The examiner's target (rad, rad/s).
    inertia, stiffness, damping : float
        Foot's inertia (kg·m²), passive stiffness (N·m/rad) and damping (N·m·s/rad).
    moment_arm : float
        Muscle moment arm (m).
    examiner_stiffness, examiner_damping : float
        Grip stiffness (N·m/rad) and damping (N·m·s/rad).
    max_shortening_velocity_mm_s : float
        The muscle's maximal shortening velocity (mm/s).
    lower_rad, upper_rad : float
        The range of motion (rad).
    dt_s : float
        Step (s).

    Returns
    -------
    angle_rad, velocity_rad_s, examiner_torque_Nm, force_velocity_factor : float
    """
    s = 1.0 if servo_on else 0.0
    k_tot = stiffness + s * examiner_stiffness
    a = inertia / dt_s + damping + s * examiner_damping + dt_s * k_tot
    c = (inertia / dt_s * velocity_rad_s - k_tot * angle_rad + external_torque_Nm
         + s * (examiner_stiffness * target_angle_rad + examiner_damping * target_velocity_rad_s))
    rf = moment_arm * muscle_force_N
    per_rad_s = 1000.0 * moment_arm / max_shortening_velocity_mm_s  # u per rad/s
    lo = min((c - ECCENTRIC_FORCE_LIMIT * rf) / a, (upper_rad - angle_rad) / dt_s)
    hi = max(c / a, (lower_rad - angle_rad) / dt_s)
    w = min(max(velocity_rad_s, lo), hi)
    for _ in range(100):
        stop, stop_slope = end_stop_torque(angle_rad + dt_s * w, lower_rad, upper_rad)
        u = w * per_rad_s
        g = a * w + stop + rf * force_velocity_factor(u, 1.0) - c
        if g > 0.0:
            hi = w
        elif g < 0.0:
            lo = w
        else:
            break
        slope = a + dt_s * stop_slope + rf * per_rad_s * _force_velocity_slope(u)
        w_new = w - g / slope
        if not (lo < w_new < hi):  # Newton left the bracket: bisect instead
            w_new = 0.5 * (lo + hi)
        if abs(w_new - w) <= 1e-13 * (1.0 + abs(w)) or hi - lo <= 1e-13 * (1.0 + abs(w)):
            w = w_new
            break
        w = w_new
    angle_rad += dt_s * w
    examiner = s * (examiner_stiffness * (target_angle_rad - angle_rad)
                    + examiner_damping * (target_velocity_rad_s - w))
    return angle_rad, w, examiner, force_velocity_factor(w * per_rad_s, 1.0)


@njit(cache=True, inline="always", error_model="numpy")
def muscle_stretch_mm(angle_rad, velocity_rad_s, moment_arm):
    """Muscle stretch and lengthening velocity from the joint state.

    Parameters
    ----------
    angle_rad, velocity_rad_s : float
        Joint angle (rad, + dorsiflexion) and angular velocity (rad/s).
    moment_arm : float
        Moment arm (m).

    Returns
    -------
    stretch_mm, lengthening_mm_s : float
    """
    return 1000.0 * moment_arm * angle_rad, 1000.0 * moment_arm * velocity_rad_s


@njit(cache=True, inline="always", error_model="numpy")
def force_velocity_factor(lengthening_velocity_mm_s, max_shortening_velocity_mm_s):
    r"""Hill force–velocity factor: 1 when isometric, 0 at maximal shortening, < 1.5 lengthening.

    With :math:`u = v / v_{max}` (lengthening positive),

    .. math:: f(u) = \frac{1 + u}{1 - u/k} \ (u < 0), \qquad
              f(u) = E - \frac{E - 1}{1 + r u} \ (u \ge 0)

    — Hill's hyperbola (:data:`HILL_CURVATURE` k = a/F0 = 0.25) for shortening and a
    smooth rise towards :data:`ECCENTRIC_FORCE_LIMIT` E = 1.5 for lengthening
    (:data:`ECCENTRIC_RISE` r = 4). It is what damps the reflex loop: a shortening muscle
    loses force.
    """
    v = lengthening_velocity_mm_s / max_shortening_velocity_mm_s
    if v < 0.0:  # shortening: Hill hyperbola
        if v <= -1.0:
            return 0.0
        return (1.0 + v) / (1.0 - v / HILL_CURVATURE)
    # lengthening: rises from 1 towards the eccentric limit
    return ECCENTRIC_FORCE_LIMIT - (ECCENTRIC_FORCE_LIMIT - 1.0) / (1.0 + ECCENTRIC_RISE * v)


# ------------------------------------------------------------------- the stage in the loop
STAGE = "limb"
"""This stage's name in the schedule (:mod:`neurosim.schedule`) and in the bundles."""


class Constants(NamedTuple):
    """The limb's constants for one run (SI units; see :func:`limb_step`)."""

    isometric: bool  # the dynamometer holds the joint
    servo: bool  # the examiner's grip follows the protocol's target
    inertia: float
    stiffness: float
    damping: float
    moment_arm: float
    examiner_stiffness: float
    examiner_damping: float
    max_shortening_mm_s: float
    lower_rad: float
    upper_rad: float
    dt_s: float


class State(NamedTuple):
    """The joint: ``joint[0]`` angle (rad), ``joint[1]`` velocity (rad/s)."""

    joint: np.ndarray


class Inputs(NamedTuple):
    """One chunk of the protocol's limb waveforms, shape (steps of the chunk,) each."""

    target_angle_rad: np.ndarray
    target_velocity_rad_s: np.ndarray
    torque_Nm: np.ndarray


class Outputs(NamedTuple):
    """Joint traces at the output samples, shape (n_samples,) each."""

    angle_rad: np.ndarray
    velocity_rad_s: np.ndarray
    torque_Nm: np.ndarray


def prepare(run):
    """Constants, initial state and output arrays of the limb for ``run``
    (:class:`neurosim.schedule.Run`). A free foot starts at rest under its load."""
    p, mode = run.parameters, run.protocol.joint_mode
    lower, upper = range_of_motion_rad(p.limb)
    constants = Constants(
        isometric=mode == "isometric", servo=mode == "servo", inertia=p.limb.inertia_kg_m2,
        stiffness=p.limb.passive_stiffness_Nm_per_rad, damping=p.limb.damping_Nm_s_per_rad,
        moment_arm=p.limb.moment_arm_m, examiner_stiffness=p.limb.examiner_stiffness_Nm_per_rad,
        examiner_damping=p.limb.examiner_damping_Nm_s_per_rad,
        max_shortening_mm_s=p.muscle.max_shortening_velocity_mm_s, lower_rad=lower,
        upper_rad=upper, dt_s=run.dt_ms / 1000.0)
    joint = np.zeros(2)
    if mode == "free":  # no start-up swing
        load0 = run.protocol.limb_waveforms(np.zeros(1))["torque_Nm"][0]
        joint[0] = rest_angle_rad(float(load0), p.limb)
    outputs = Outputs(*(np.zeros(run.n_samples) for _ in Outputs._fields))
    return constants, State(joint=joint), outputs


def chunk_inputs(run, step0, time_s):
    """The protocol's target angle, velocity and load torque at ``time_s`` (s)."""
    w = run.protocol.limb_waveforms(time_s)
    # copies: a protocol may hand out views of one array, and the loop's arrays must not
    # share memory (neurosim.schedule.check_no_shared_memory)
    return Inputs(*(np.array(w[name], dtype=np.float64) for name in Inputs._fields))


@njit(cache=True, inline="always", error_model="numpy")
def move(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``mechanics``: the muscle's force (at the new velocity) moves the joint.

    Reads ``ISOMETRIC_FORCE_N``; writes ``FORCE_N``, ``ANGLE_RAD``, ``VELOCITY_RAD_S``,
    ``JOINT_TORQUE_NM``, ``STRETCH_MM``, ``LENGTHENING_MM_S`` (:mod:`neurosim.signals`).
    """
    c, joint, w = consts.limb, states.limb.joint, inputs.limb
    force = bus[signals.ISOMETRIC_FORCE_N]
    if c.isometric:
        examiner = c.moment_arm * force  # the dynamometer holds the joint
    else:
        joint[0], joint[1], examiner, fv = limb_step(
            joint[0], joint[1], force, w.torque_Nm[k], c.servo, w.target_angle_rad[k],
            w.target_velocity_rad_s[k], c.inertia, c.stiffness, c.damping, c.moment_arm,
            c.examiner_stiffness, c.examiner_damping, c.max_shortening_mm_s, c.lower_rad,
            c.upper_rad, c.dt_s)
        force *= fv
    bus[signals.FORCE_N] = force
    bus[signals.ANGLE_RAD] = joint[0]
    bus[signals.VELOCITY_RAD_S] = joint[1]
    bus[signals.JOINT_TORQUE_NM] = examiner
    bus[signals.STRETCH_MM], bus[signals.LENGTHENING_MM_S] = muscle_stretch_mm(
        joint[0], joint[1], c.moment_arm)


@njit(cache=True, inline="always", error_model="numpy")
def record(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``sample``: the joint's angle, velocity and torque at output sample ``j``."""
    out = outputs.limb
    out.angle_rad[j] = bus[signals.ANGLE_RAD]
    out.velocity_rad_s[j] = bus[signals.VELOCITY_RAD_S]
    out.torque_Nm[j] = bus[signals.JOINT_TORQUE_NM]


HOOKS = {"mechanics": move, "sample": record}
"""The schedule slots this stage joins (:data:`neurosim.schedule.SLOTS`)."""


def results(run, constants, state, outputs) -> dict:
    """This stage's fields of the :class:`~neurosim.SimulationResult`."""
    return dict(joint_angle_deg=np.rad2deg(outputs.angle_rad),
                joint_velocity_deg_s=np.rad2deg(outputs.velocity_rad_s),
                joint_torque_Nm=outputs.torque_Nm)
