"""The wires between the stages: one number each, passed on every step.

The stages of the loop (:mod:`neurosim.schedule`) keep their own state; what one stage
tells the next within a step travels on a small float array, the *bus*, at these indices.
A stage writes the signals it produces and reads the ones it needs, so the order of the
schedule is the order in which the signals become valid in a step:

========================  ==============================  ===================  =================
signal                    meaning (unit)                  written by           read by
========================  ==============================  ===================  =================
``ISOMETRIC_FORCE_N``     the muscle's isometric force    muscle               limb (next step)
                          at the end of the step: summed
                          twitches under the fused-
                          tetanus ceiling (N)
``FORCE_N``               force the muscle exerts this    limb                 recorded, tendon
                          step, after force–velocity (N)                       organs
``ANGLE_RAD``             joint angle (rad, + dorsiflex)  limb                 recorded
``VELOCITY_RAD_S``        joint angular velocity (rad/s)  limb                 recorded
``JOINT_TORQUE_NM``       torque of examiner/dynamometer  limb                 recorded
``STRETCH_MM``            muscle stretch (mm)             limb                 spindle
``LENGTHENING_MM_S``      lengthening velocity (mm/s)     limb                 spindle
``IA_RATE_HZ``            Ia rate of the muscle (Hz)      spindle              recorded
``IA_EPSC_NA``            Ia synaptic current before      spindle              spinal circuit
                          presynaptic inhibition (nA)
``ANTAGONIST_IA_HZ``      antagonist Ia rate arriving at  spindle              spinal circuit
                          the cord now (Hz)
``POSTED_INHIBITION``     inhibition of the pool posted   any stage before     spinal circuit
                          by other stages this step       the spinal circuit   (adds, resets)
                          (fraction of rheobase)
``IA_NA``                 Ia current after presynaptic    spinal circuit       motor pool
                          inhibition (nA)
``DRIVE_NA``              synaptic drive to pool (nA)     spinal circuit       motor pool
``INHIBITION``            total inhibition of the pool    spinal circuit       motor pool,
                          (fraction of rheobase)                               recorded
========================  ==============================  ===================  =================

A new stage plugs into these wires (a tendon organ reads ``FORCE_N`` and posts
``POSTED_INHIBITION``); its own traces live in its own state.
"""

__all__ = ["N_SIGNALS", "ISOMETRIC_FORCE_N", "FORCE_N", "ANGLE_RAD", "VELOCITY_RAD_S",
           "JOINT_TORQUE_NM", "STRETCH_MM", "LENGTHENING_MM_S", "IA_RATE_HZ", "IA_EPSC_NA",
           "ANTAGONIST_IA_HZ", "POSTED_INHIBITION", "IA_NA", "DRIVE_NA", "INHIBITION"]

(ISOMETRIC_FORCE_N, FORCE_N, ANGLE_RAD, VELOCITY_RAD_S, JOINT_TORQUE_NM, STRETCH_MM,
 LENGTHENING_MM_S, IA_RATE_HZ, IA_EPSC_NA, ANTAGONIST_IA_HZ, POSTED_INHIBITION, IA_NA,
 DRIVE_NA, INHIBITION) = range(14)
N_SIGNALS = 14
"""Length of the bus."""
