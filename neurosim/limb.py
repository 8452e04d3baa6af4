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

__all__ = ["limb_step", "muscle_stretch_mm", "force_velocity_factor"]


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

    .. math:: f(u) = \frac{1 + u}{1 - 4u} \ (u < 0), \qquad f(u) = 1.5 - \frac{0.5}{1 + 4u} \ (u \ge 0)

    — Hill's hyperbola (a/F0 = 0.25) for shortening and a smooth rise to 1.5 for
    lengthening. It is what damps the reflex loop: a shortening muscle loses force.
    """
    v = lengthening_velocity_mm_s / max_shortening_velocity_mm_s
    if v < 0.0:  # shortening: Hill hyperbola with a/F0 = 0.25
        if v <= -1.0:
            return 0.0
        return (1.0 + v) / (1.0 - 4.0 * v)
    return 1.5 - 0.5 / (1.0 + 4.0 * v)  # lengthening: rises from 1 towards 1.5
