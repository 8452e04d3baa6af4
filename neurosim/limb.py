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

Integrated with semi-implicit (symplectic) Euler, which is stable for the stiff
examiner grip at the engine's step.
"""

from __future__ import annotations

from numba import njit

__all__ = ["limb_step", "muscle_stretch_mm", "force_velocity_factor", "HILL_CURVATURE",
           "ECCENTRIC_FORCE_LIMIT", "ECCENTRIC_RISE"]

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


@njit(cache=True, inline="always", error_model="numpy")
def limb_step(angle_rad, velocity_rad_s, muscle_force_N, external_torque_Nm, servo_on,
              target_angle_rad, target_velocity_rad_s, inertia, stiffness, damping, moment_arm,
              examiner_stiffness, examiner_damping, dt_s):
    """Advance the joint by one step.

    Returns
    -------
    angle_rad, velocity_rad_s, examiner_torque_Nm : float
    """
    examiner = 0.0
    if servo_on:
        examiner = (examiner_stiffness * (target_angle_rad - angle_rad)
                    + examiner_damping * (target_velocity_rad_s - velocity_rad_s))
    torque = (-stiffness * angle_rad - damping * velocity_rad_s - moment_arm * muscle_force_N
              + external_torque_Nm + examiner)
    velocity_rad_s += dt_s * torque / inertia
    angle_rad += dt_s * velocity_rad_s
    return angle_rad, velocity_rad_s, examiner


@njit(cache=True, inline="always", error_model="numpy")
def muscle_stretch_mm(angle_rad, velocity_rad_s, moment_arm):
    """Muscle stretch (mm) and lengthening velocity (mm/s) from the joint state."""
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
