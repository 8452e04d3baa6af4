"""The one time-stepping loop: every stage advanced together, step by step.

:func:`simulate` flattens the parameters into arrays once, evaluates the
protocol, draws the noise from an explicit :class:`numpy.random.Generator`,
and runs :func:`_run_chunk` — a numba-compiled loop that calls each stage's
step function — one second of simulated time at a time, so memory stays
modest for long runs. Each step:

1. the limb moves under muscle force, load and the examiner's grip (:mod:`limb`);
2. the spindles turn stretch into Ia spikes, which travel to the cord
   (afferent delay) and, through presynaptic inhibition, excite the pool
   (:mod:`spindle`, :mod:`nerve`, :mod:`spinal_circuit`);
3. inhibition (Renshaw, reciprocal from the antagonist's spindles, descending)
   and the interneurons are updated (:mod:`spinal_circuit`);
4. every motor neuron integrates its input, PIC and AHP (:mod:`motor_pool`);
5. motor-neuron spikes travel down the motor axons (efferent delay, axon loss,
   conduction block, collision with antidromic spikes) and, with electrically
   evoked and ectopic axon spikes, activate the muscle units, each activation
   adding a twitch (:mod:`muscle`).

The surface EMG is built from the muscle activations (:mod:`emg`). The compiled loop
releases the GIL, so while it runs one chunk a second thread prepares the next chunk's
inputs (noise, events, waveforms) and adds the finished chunk's MUAPs to the EMG; one
worker does these jobs in order, so the results do not depend on the threading.

``NUMBA_DISABLE_JIT=1`` runs the same code as plain Python and gives identical
results (slowly); this is tested.

Before anything is allocated, :func:`simulate` refuses what the step or the ankle cannot
represent (:func:`neurosim.numerics.check_run`) and a run whose estimated memory exceeds
what the machine has available (:func:`neurosim.resources.estimate_run`). Every stage's
update is stable for every value inside the declared ranges and every allowed step, so a
run that starts ends with finite, physically possible results
(:func:`neurosim.numerics.result_violations`).
"""

from __future__ import annotations

import logging
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit
from numba.core.compiler import CompilerBase, DefaultPassBuilder

from . import _cache
from . import emg as emg_stage
from .junction import (QUIET_ACH_QUANTA, QUIET_OPEN_FRACTION, QUIET_OUTER_EFFECT,
                       electrolyte_ectopic_rate_hz,
                       junction_catch_up, junction_constants, junction_step,
                       quiet_epp_limit_mV, relative_refractory_table,
                       relative_refractory_threshold)
from .limb import limb_step, muscle_stretch_mm, range_of_motion_rad, rest_angle_rad
from .motor_pool import membrane_step, pic_step, pool_arrays, synaptic_drive, rheobase_nA
from .muscle import fused_force_ceiling, summation_gain, twitch_arrays, twitch_step
from .nerve import EctopicDischarges, max_ectopic_rate_hz, nerve_arrays, stimulus_events
from .numerics import check_run
from .resources import _max_shocks_per_chunk, check_memory, estimate_run, event_buffer_sizes
from ._schema import Number, show
from .parameters import Parameters
from .protocols import Protocol
from .result import SimulationResult
from .spindle import burst_filter_step, ia_population_step, ia_rate_hz, spindle_constants
from .spinal_circuit import (afferent_gate, interneuron_constants, interneuron_step,
                             reciprocal_per_hz, renshaw_constants, renshaw_step,
                             voluntary_drive_nA)

__all__ = ["simulate", "NOISE_INTERVAL_MS", "CHUNK_MS", "SOURCE_REFLEX", "SOURCE_STIMULUS",
           "SOURCE_ECTOPIC"]

NOISE_INTERVAL_MS = 1.0
"""Noise is updated every millisecond, whatever dt, so halving dt keeps the same noise."""
CHUNK_MS = 1000
"""The loop runs in chunks of this much simulated time."""
RATE_BIN_MS = 50.0
MAX_DURATION_S = 3600.0
LONG_RUN_S = 60.0
"""Runs estimated to take longer than this (s) log their time and memory estimate (INFO)."""

_log = logging.getLogger("neurosim")
COMPILE_NOTICE = ("neurosim: compiling the simulation engine — once per install (or after an "
                  "upgrade), about 10 s; later runs start at once.")
"""Said once, on stderr (logging), before the first run that has to compile the loop."""

SOURCE_REFLEX = 1
"""Activation flag: a motor-neuron spike conducted down the axon (voluntary or reflex)."""
SOURCE_STIMULUS = 2
"""Activation flag: an axon excited directly by an electrical stimulus (M-wave)."""
SOURCE_ECTOPIC = 4
"""Activation flag: an ectopic discharge of a hyperexcitable axon."""
SOURCE_TERMINAL = 8
"""Activation flag: the nerve terminal fired by itself (lingering ACh on its autoreceptors)."""

ENDPLATE_BLOCK = 8
"""Endplates go quiet and wake up in blocks of this many neighbours (units of similar
size): a block is stepped as one vector of doubles, and skipped while all of it rests."""


class _NoAliasCompiler(CompilerBase):
    """numba's standard nopython pipeline, with every array argument marked ``noalias``.

    Without it LLVM must assume that writing ``jn_epp[i]`` may change ``jn_h[i + 1]``, and
    keeps the loops over units scalar; with it they are vectorised (the endplate pass ran
    3× faster). The promise this makes: no array that :func:`_run_chunk` writes is passed
    to it twice or overlaps another argument — :func:`simulate` allocates each one apart.
    """

    def define_pipelines(self):
        self.state.flags.noalias = True
        return [DefaultPassBuilder.define_nopython_pipeline(self.state)]


# indices into the scalar-state vector
_NOISE, _RENSHAW, _INTER, _ANGLE, _VELOCITY, _EPSC, _FORCE, _SMOOTH_V = range(8)


@njit(cache=True, inline="always", error_model="numpy")
def _endplate_events(fibre_refractory, epp, na_h, na_slow, terminal, armed, steps_since_impulse,
                     fibre_threshold, terminal_threshold, terminal_refractory_steps):
    """The branch-free part of an endplate's events this step.

    Counts the fibre's absolute refractory period down, re-arms the terminal once its own
    ACh has come and gone, and finds what the event pass (6b) must look at: a fibre that
    is not refractory with the EPP above its resting threshold (an AP if it also clears
    the relative-refractory threshold) or an armed terminal at its firing threshold.

    Returns
    -------
    fibre_refractory : int
    at_threshold : bool
    armed : bool
    needs_events : bool
    """
    was_refractory = fibre_refractory > 0
    at_threshold = (not was_refractory) & (epp * na_h * na_slow >= fibre_threshold)
    armed = armed | ((terminal < 0.5 * terminal_threshold)
                     & (steps_since_impulse > terminal_refractory_steps))
    return (fibre_refractory - was_refractory, at_threshold, armed,
            at_threshold | (armed & (terminal >= terminal_threshold)))


@njit(cache=True, inline="always", error_model="numpy")
def _can_rest(ach, outer_effect, open_, epp, fibre_refractory, terminal, quiet_epp,
              terminal_threshold):
    """Whether an endplate may go quiet: no ACh in the cleft, too little perijunctional ACh
    acting on the receptors (``outer_effect``, efficacy × perijunctional ACh) to matter, no
    open channels, a low EPP, not refractory, and its terminal below its firing threshold
    (with no ACh it only decays, so a quiet terminal cannot fire; whether it has re-armed
    is decided from its decayed value when the endplate wakes)."""
    return ((ach < QUIET_ACH_QUANTA) & (outer_effect < QUIET_OUTER_EFFECT)
            & (open_ < QUIET_OPEN_FRACTION) & (epp < quiet_epp)
            & (fibre_refractory == 0) & (terminal < terminal_threshold))


@njit(cache=True, inline="always", error_model="numpy")
def _sum_in_lanes(x):
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


@njit(cache=True, error_model="numpy")
def _wake_block(block, last_step, block_quiet, block_quiet_step, jn_pool, jn_desens, jn_epp,
                jn_h, jn_terminal, jn_activity, jn_slow, catch_up_constants):
    """Bring the quiet endplates of ``block`` to the end of step ``last_step`` in closed form
    and mark the block active.

    Called only on the rare wake-ups (a nerve impulse or a spontaneous quantum reaching
    one of its endplates), so it is not inlined into the loop.
    """
    steps = last_step - block_quiet_step[block]
    for i in range(block * ENDPLATE_BLOCK, (block + 1) * ENDPLATE_BLOCK):
        (jn_pool[i], jn_desens[i], jn_epp[i], jn_h[i], jn_terminal[i], jn_activity[i],
         jn_slow[i]) = junction_catch_up(steps, jn_pool[i], jn_desens[i], jn_epp[i], jn_h[i],
                                         jn_terminal[i], jn_activity[i], jn_slow[i],
                                         *catch_up_constants)
    block_quiet[block] = False


@njit(cache=True, nogil=True, error_model="numpy", pipeline_class=_NoAliasCompiler)
def _run_chunk(step0, n_steps, dt_ms, steps_per_noise, command_nA, afferent_nA, noise_draws,
               noise_decay, noise_common_sd, noise_independent_sd,
               # motor pool
               inv_rheobase, saturation, ahp_decay, ahp_increment, threshold_mV,
               membrane_decay, refractory_steps, pic_amplitude, pic_v_half, pic_inv_width,
               pic_act_rate, pic_inact_rate, pic_depth,
               # spinal circuit
               descending_inhib, reciprocal_per_hz, renshaw_decay, renshaw_increment,
               renshaw_gain, interneuron_decay, interneuron_scale, interneuron_weight, gate,
               # spindle
               ia_offset, ia_gain, ia_k_length, ia_k_velocity, ia_exponent, ia_k_burst,
               ia_burst_decay, ia_phases,
               ia_n_nominal, ia_weight, epsc_decay,
               # nerve
               efferent_delay, afferent_delay, reaches_muscle, muscle_ring, ia_ring, antag_ring,
               ev_muscle_step, ev_muscle_unit, ev_muscle_delay, ev_muscle_flag,
               ev_anti_step, ev_anti_unit, ev_anti_delay,
               ev_volley_step, ev_volley_count, ev_volley_delay,
               # limb and muscle
               isometric, servo, target_angle, target_velocity, external_torque, inertia,
               stiffness, damping, moment_arm, examiner_k, examiner_b, max_shortening_mm_s,
               lower_rad, upper_rad, max_force, twitch_decay, twitch_impulse, contraction_ms,
               # junction
               quanta_per_impulse, release_fraction, junction_constants_step,
               junction_constants_catch_up, ap_shunt, fibre_threshold, fibre_refractory_steps,
               rel_refr_factor, rel_refr_ms, rel_refr_table, terminal_threshold,
               ev_spont_step, ev_spont_unit,
               jn_pool, jn_ach, jn_outer, jn_open, jn_desens, jn_epp, jn_h, jn_terminal,
               jn_activity, jn_slow, use_dependent,
               fibre_refr, last_fibre_ap, terminal_armed, last_impulse, terminal_refractory_steps,
               release_flag, fibre_at_threshold, needs_events, block_quiet, block_quiet_step,
               block_always_active, quiet_epp, ring_count,
               # state (mutated in place)
               v, vd, refractory, spike_candidate, ahp, m, h, tw_a, tw_b, noise_ind,
               collide_until, antidromic_at, scalars,
               # outputs
               out_steps, out_index0, out_force, out_pic, out_inhib, out_renshaw, out_angle,
               out_velocity, out_examiner, out_ia,
               spike_step, spike_unit, act_step, act_unit, act_flag,
               imp_step, imp_unit, imp_flag,
               rec_units, rec_v, rec_pic, rec_epp, rec_ach, rec_open, rec_row0):
    n = v.shape[0]
    dt_s = dt_ms / 1000.0
    noise_common = scalars[_NOISE]
    r = scalars[_RENSHAW]
    e = scalars[_INTER]
    angle = scalars[_ANGLE]
    velocity = scalars[_VELOCITY]
    epsc = scalars[_EPSC]
    force_sum = scalars[_FORCE]
    smooth_v = scalars[_SMOOTH_V]
    n_spk = 0
    n_act = 0
    out_j = out_index0
    n_out = out_steps.shape[0]
    noise_row = 0
    noise_scale = math.sqrt(1.0 - noise_decay * noise_decay)
    L_m = muscle_ring.shape[0]
    L_a = ia_ring.shape[0]
    p_mus = 0
    p_anti = 0
    p_vol = 0
    p_spont = 0
    n_imp = 0
    examiner = 0.0
    n_blocks = block_quiet.shape[0]
    wake = (block_quiet, block_quiet_step, jn_pool, jn_desens, jn_epp, jn_h, jn_terminal,
            jn_activity, jn_slow)
    catch_up = junction_constants_catch_up
    n_table = rel_refr_table.shape[0]
    n_antidromic = 0  # antidromic spikes on their way to a soma
    for i in range(n):
        n_antidromic += antidromic_at[i] >= 0
    for k in range(n_steps):
        s = step0 + k
        if s % steps_per_noise == 0:  # Ornstein-Uhlenbeck update every NOISE_INTERVAL_MS
            noise_common = noise_common * noise_decay + noise_scale * noise_draws[noise_row, 0]
            for i in range(n):
                noise_ind[i] = noise_ind[i] * noise_decay + noise_scale * noise_draws[noise_row, i + 1]
            noise_row += 1

        # 1. limb: muscle force (with force-velocity, at the new velocity) moves the joint
        force = fused_force_ceiling(force_sum, max_force)  # the isometric force
        if isometric:
            examiner = moment_arm * force  # the dynamometer holds the joint
        else:
            angle, velocity, examiner, fv = limb_step(
                angle, velocity, force, external_torque[k], servo, target_angle[k],
                target_velocity[k], inertia, stiffness, damping, moment_arm, examiner_k,
                examiner_b, max_shortening_mm_s, lower_rad, upper_rad, dt_s)
            force *= fv
        stretch_mm, lengthening_mm_s = muscle_stretch_mm(angle, velocity, moment_arm)

        # 2. spindles: Ia spikes (agonist) and rate (antagonist) travel to the cord
        smooth_v = burst_filter_step(smooth_v, lengthening_mm_s, ia_burst_decay)
        new_v = lengthening_mm_s - smooth_v  # the antagonist sees the mirror image
        ia_rate = ia_rate_hz(stretch_mm, lengthening_mm_s, ia_offset, ia_gain, ia_k_length,
                             ia_k_velocity, ia_exponent, ia_k_burst, new_v)
        antag_rate = ia_rate_hz(-stretch_mm, -lengthening_mm_s, ia_offset, ia_gain,
                                ia_k_length, ia_k_velocity, ia_exponent, ia_k_burst, -new_v)
        slot = (s + afferent_delay) % L_a
        ia_ring[slot] += ia_population_step(ia_phases, ia_rate, dt_s)
        antag_ring[slot] = antag_rate
        while p_vol < ev_volley_step.shape[0] and ev_volley_step[p_vol] == s:
            ia_ring[(s + ev_volley_delay[p_vol]) % L_a] += ev_volley_count[p_vol]
            p_vol += 1
        arrived = ia_ring[s % L_a]
        ia_ring[s % L_a] = 0.0
        epsc = epsc * epsc_decay + (1.0 - epsc_decay) * ia_weight * arrived / (ia_n_nominal * dt_s)

        # 3. spinal circuit
        ia_nA = gate * epsc  # proximal monosynaptic Ia synapses: added without saturation
        e = interneuron_step(e, afferent_nA[k] + ia_nA, interneuron_decay, interneuron_scale)
        drive = command_nA[k] + afferent_nA[k] + interneuron_weight * e
        inhib = descending_inhib + reciprocal_per_hz * antag_ring[s % L_a] + renshaw_gain * r
        common = noise_common_sd * noise_common - inhib

        # electrically evoked axon spikes starting now
        while p_anti < ev_anti_step.shape[0] and ev_anti_step[p_anti] == s:
            u = ev_anti_unit[p_anti]
            n_antidromic += antidromic_at[u] < 0
            collide_until[u] = s + ev_anti_delay[p_anti]
            antidromic_at[u] = s + ev_anti_delay[p_anti]
            p_anti += 1
        while p_mus < ev_muscle_step.shape[0] and ev_muscle_step[p_mus] == s:
            row = (s + ev_muscle_delay[p_mus]) % L_m
            ring_count[row] += muscle_ring[row, ev_muscle_unit[p_mus]] == 0
            muscle_ring[row, ev_muscle_unit[p_mus]] |= ev_muscle_flag[p_mus]
            p_mus += 1

        # 4a. every unit's continuous dynamics, its refractory count-down and a flag for the
        #     units at threshold (branch-free, so it vectorises)
        n_at_threshold = 0
        for i in range(n):
            tw_a[i], tw_b[i] = twitch_step(tw_a[i], tw_b[i], twitch_decay[i], dt_ms)
            ahp[i] *= ahp_decay[i]
            u_dend = (synaptic_drive(drive, inv_rheobase[i], saturation) + ia_nA * inv_rheobase[i]
                      + pic_amplitude[i] * m[i] * h[i] + common
                      + noise_independent_sd * noise_ind[i])
            vd[i] = membrane_step(vd[i], u_dend, threshold_mV, membrane_decay)
            m[i], h[i] = pic_step(m[i], h[i], vd[i], pic_v_half, pic_inv_width, pic_act_rate,
                                  pic_inact_rate, pic_depth)
            v_new = membrane_step(v[i], u_dend - ahp[i], threshold_mV, membrane_decay)
            was_refractory = refractory[i] > 0
            v[i] = 0.0 if was_refractory else v_new  # held at rest while refractory
            refractory[i] -= was_refractory
            at_threshold = (not was_refractory) & (v_new >= threshold_mV)
            spike_candidate[i] = at_threshold
            n_at_threshold += at_threshold
        # 4b. antidromic invasion and spikes (rare events)
        spikes_now = 0
        for i in range(n if n_at_threshold + n_antidromic > 0 else 0):
            if antidromic_at[i] == s:  # an antidromic spike invades the soma
                antidromic_at[i] = -1
                n_antidromic -= 1
                v[i] = 0.0
                refractory[i] = refractory_steps
                ahp[i] += ahp_increment
                spikes_now += 1
            elif spike_candidate[i]:
                v[i] = 0.0
                refractory[i] = refractory_steps
                ahp[i] += ahp_increment
                if n_spk == spike_step.shape[0]:  # never: sized by the refractory periods
                    raise RuntimeError("neurosim: event buffer full (a bug; please report)")
                spike_step[n_spk] = s
                spike_unit[n_spk] = i
                n_spk += 1
                spikes_now += 1
                if reaches_muscle[i] and s >= collide_until[i]:
                    arrive = (s + efferent_delay[i]) % L_m
                    ring_count[arrive] += muscle_ring[arrive, i] == 0
                    muscle_ring[arrive, i] |= SOURCE_REFLEX
        # 5. spontaneous quanta (miniature EPPs)
        while p_spont < ev_spont_step.shape[0] and ev_spont_step[p_spont] == s:
            u = ev_spont_unit[p_spont]
            if block_quiet[u // ENDPLATE_BLOCK]:  # wake it: to the end of the previous step
                _wake_block(u // ENDPLATE_BLOCK, s - 1, *wake, catch_up)
            jn_ach[u] += 1.0  # one spontaneous quantum (a miniature EPP)
            p_spont += 1
        # 6a. the continuous dynamics of every endplate in a block that is not quiet (see
        #     6c), and a flag for those that need event handling in 6b
        row = s % L_m
        busy = ring_count[row]  # nerve impulses arriving now (quiet endplates included)
        b = 0
        while b < n_blocks:
            if block_quiet[b]:
                b += 1
                continue
            first = b  # a run of active blocks: one loop of unknown length, so it vectorises
            while b < n_blocks and not block_quiet[b]:
                b += 1
            # unsigned bounds: numba then skips the negative-index check, which would
            # otherwise keep LLVM from vectorising
            for i in range(np.uint64(first * ENDPLATE_BLOCK), np.uint64(b * ENDPLATE_BLOCK)):
                (jn_pool[i], jn_ach[i], jn_outer[i], jn_open[i], jn_desens[i], jn_epp[i],
                 jn_h[i], jn_terminal[i], jn_activity[i], jn_slow[i]) = junction_step(
                    jn_pool[i], jn_ach[i], jn_outer[i], jn_open[i], jn_desens[i], jn_epp[i],
                    jn_h[i], jn_terminal[i], jn_activity[i], jn_slow[i],
                    junction_constants_step)
                (fibre_refr[i], fibre_at_threshold[i], terminal_armed[i],
                 flagged) = _endplate_events(fibre_refr[i], jn_epp[i], jn_h[i], jn_slow[i],
                                             jn_terminal[i], terminal_armed[i],
                                             s - last_impulse[i], fibre_threshold,
                                             terminal_threshold, terminal_refractory_steps)
                needs_events[i] = flagged
                busy += flagged
        force_sum = _sum_in_lanes(tw_b)
        # 6b. fibre action potentials (one twitch each), self-firing terminals, and the
        #     nerve impulses reaching the terminals now (their ACh acts from the next step)
        for i in range(n if busy > 0 else 0):
            if not needs_events[i] and muscle_ring[row, i] == 0:
                continue
            busy -= needs_events[i] + (muscle_ring[row, i] != 0)
            if block_quiet[i // ENDPLATE_BLOCK]:  # woken by a nerve impulse: to this step's end
                _wake_block(i // ENDPLATE_BLOCK, s, *wake, catch_up)
            flag = muscle_ring[row, i]
            if flag != 0:
                muscle_ring[row, i] = 0
                jn_ach[i] += quanta_per_impulse[i] * jn_pool[i]
                jn_pool[i] -= release_fraction * jn_pool[i]
                jn_activity[i] += 1.0
                release_flag[i] = flag
                terminal_armed[i] = False  # the terminal has just fired: it re-arms later
                last_impulse[i] = s
                if n_imp == imp_step.shape[0]:  # never: sized by the refractory periods
                    raise RuntimeError("neurosim: event buffer full (a bug; please report)")
                imp_step[n_imp] = s
                imp_unit[n_imp] = i
                imp_flag[n_imp] = flag
                n_imp += 1
            if fibre_at_threshold[i]:
                since = s - last_fibre_ap[i]
                since_ms = since * dt_ms
                if since < n_table:
                    threshold = rel_refr_table[since]
                else:
                    threshold = relative_refractory_threshold(since, dt_ms, fibre_threshold,
                                                              rel_refr_factor, rel_refr_ms)
                if jn_epp[i] * jn_h[i] * jn_slow[i] >= threshold:
                    jn_slow[i] -= use_dependent * jn_slow[i]
                    # the AP shunts ("wipes out") the EPP (Fatt & Katz 1951): another AP
                    # needs endplate current that outlasts the refractory period
                    jn_epp[i] -= ap_shunt * jn_epp[i]
                    if last_fibre_ap[i] >= 0:
                        g = summation_gain(contraction_ms[i], since_ms)
                    else:
                        g = 1.0
                    tw_a[i] += g * twitch_impulse[i]
                    last_fibre_ap[i] = s
                    fibre_refr[i] = fibre_refractory_steps
                    if n_act == act_step.shape[0]:  # never: sized by the refractory periods
                        raise RuntimeError("neurosim: event buffer full (a bug; please report)")
                    act_step[n_act] = s
                    act_unit[n_act] = i
                    act_flag[n_act] = release_flag[i]
                    n_act += 1
            if terminal_armed[i] and jn_terminal[i] >= terminal_threshold:
                terminal_armed[i] = False
                last_impulse[i] = s
                jn_ach[i] += quanta_per_impulse[i] * jn_pool[i]
                jn_pool[i] -= release_fraction * jn_pool[i]
                jn_activity[i] += 1.0
                release_flag[i] = SOURCE_TERMINAL
                if n_imp == imp_step.shape[0]:  # never: sized by the refractory periods
                    raise RuntimeError("neurosim: event buffer full (a bug; please report)")
                imp_step[n_imp] = s
                imp_unit[n_imp] = i
                imp_flag[n_imp] = SOURCE_TERMINAL
                n_imp += 1
            if busy == 0:
                break  # every endplate with something to do has been seen
        ring_count[row] = 0  # 6b has consumed this row
        # 6c. once per ms: a block whose endplates all have no ACh, no open channels, a low
        #     EPP and nothing pending goes quiet; it is left alone until something happens
        #     to one of them, and then advanced in closed form (junction_catch_up)
        if s % steps_per_noise == 0:
            for b in range(n_blocks):
                if block_quiet[b] or block_always_active[b]:
                    continue
                resting = 0
                for i in range(b * ENDPLATE_BLOCK, (b + 1) * ENDPLATE_BLOCK):
                    resting += _can_rest(jn_ach[i], jn_outer[i], jn_open[i],
                                         jn_epp[i], fibre_refr[i], jn_terminal[i], quiet_epp,
                                         terminal_threshold)
                if resting == ENDPLATE_BLOCK:
                    for i in range(b * ENDPLATE_BLOCK, (b + 1) * ENDPLATE_BLOCK):
                        jn_ach[i] = 0.0
                        jn_outer[i] = 0.0
                        jn_open[i] = 0.0
                        needs_events[i] = False  # only a nerve impulse wakes it (6b)
                        fibre_at_threshold[i] = False
                    block_quiet[b] = True
                    block_quiet_step[b] = s
        r = renshaw_step(r, spikes_now, renshaw_decay, renshaw_increment)

        for q in range(rec_units.shape[0]):
            u = rec_units[q]
            rec_v[rec_row0 + k, q] = v[u]
            rec_pic[rec_row0 + k, q] = m[u] * h[u]
            rec_epp[rec_row0 + k, q] = jn_epp[u]
            rec_ach[rec_row0 + k, q] = jn_ach[u]
            rec_open[rec_row0 + k, q] = jn_open[u]
        if out_j < n_out and out_steps[out_j] == s:
            pic_sum = 0.0
            for i in range(n):
                pic_sum += m[i] * h[i]
            out_force[out_j] = force
            out_pic[out_j] = pic_sum / n
            out_inhib[out_j] = inhib
            out_renshaw[out_j] = r
            out_angle[out_j] = angle
            out_velocity[out_j] = velocity
            out_examiner[out_j] = examiner
            out_ia[out_j] = ia_rate
            out_j += 1
    scalars[_NOISE] = noise_common
    scalars[_RENSHAW] = r
    scalars[_INTER] = e
    scalars[_ANGLE] = angle
    scalars[_VELOCITY] = velocity
    scalars[_EPSC] = epsc
    scalars[_FORCE] = force_sum
    scalars[_SMOOTH_V] = smooth_v
    return n_spk, n_act, n_imp, out_j


DURATION_S = Number(unit="s", min=0.0, max=MAX_DURATION_S, min_open=True)
"""What a run's duration may be (``simulate``, scenarios, result files, sweeps)."""
DT_MS = Number(unit="ms", min=0.005, max=1.0)
"""What a run's integration step may be (it must also divide 1 ms evenly)."""


def _check_run_arguments(duration_s, dt_ms, output_rate_hz) -> tuple[float, float]:
    """Return the run's ``(duration_s, dt_ms)`` as floats, or raise a ValueError."""
    duration_s = DURATION_S.check(duration_s, "duration_s")
    dt_ms = DT_MS.check(dt_ms, "dt_ms")
    per_noise = NOISE_INTERVAL_MS / dt_ms
    if abs(per_noise - round(per_noise)) > 1e-9:
        raise ValueError(f"dt_ms = {dt_ms:g} ms must divide {NOISE_INTERVAL_MS:g} ms evenly "
                         f"(e.g. 0.1, 0.05, 0.025 ms)")
    if 1000.0 / output_rate_hz < dt_ms:
        raise ValueError(f"dt_ms = {dt_ms:g} ms is coarser than the output interval "
                         f"{1000.0 / output_rate_hz:g} ms (emg.output_rate_hz = {output_rate_hz:g} Hz)")
    return duration_s, dt_ms


def _run_lengths(duration_s: float, dt_ms: float, output_rate_hz: float) -> tuple[int, int]:
    """``(n_steps, n_samples)`` of a run: integration steps and output samples."""
    return (int(round(duration_s * 1000.0 / dt_ms)),
            int(math.floor(duration_s * output_rate_hz + 1e-9)))


def _check_record_units(record_units, n_units: int) -> np.ndarray:
    """The recorded units as an int64 array, or a ValueError (whole numbers in [0, n − 1])."""
    if record_units is None:
        return np.array(sorted({0, n_units // 2, n_units - 1}), dtype=np.int64)
    units = [record_units] if np.ndim(record_units) == 0 else np.asarray(
        record_units, dtype=object).reshape(-1).tolist()
    whole = Number(integer=True)
    try:
        units = [whole.check(u, "unit") for u in units]
    except ValueError:
        raise ValueError(f"record_units = {show(record_units)} must be whole unit indices in "
                         f"[0, {n_units - 1}] (pool.n_units = {n_units})") from None
    if units and (min(units) < 0 or max(units) >= n_units):
        raise ValueError(f"record_units = {units} must lie in [0, {n_units - 1}] "
                         f"(pool.n_units = {n_units})")
    return np.array(units, dtype=np.int64)


def _resolve_seed(seed) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy % (2 ** 63))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number ≥ 0 (or None for a fresh seed)")
    return int(seed)


def simulate(parameters: Parameters | None = None, protocol: Protocol | None = None,
             duration_s: float = 5.0, *, dt_ms: float = 0.1, seed: int | None = None,
             record_units=None, label: str = "") -> SimulationResult:
    """Run the model.

    Pure: the same parameters, protocol, duration, dt and seed give identical arrays.

    Parameters
    ----------
    parameters : Parameters, optional
        Model parameters (default: healthy defaults).
    protocol : Protocol or protocol component, optional
        What the experimenter does (default: rest with no noise).
    duration_s : float
        Simulated time (s), in (0, 3600].
    dt_ms : float, keyword-only
        Integration step (ms); must divide 1 ms evenly. Default 0.1 ms.
    seed : int or None, keyword-only
        Seed of the :class:`numpy.random.Generator` for all noise. ``None`` draws a
        fresh seed, which is stored in the result so the run can be repeated.
    record_units : sequence of int, optional, keyword-only
        Units whose membrane voltage, PIC activation, EPP, cleft ACh and open receptors are
        recorded at every step (40 bytes per step and unit: 0.4 MB per simulated second
        at 0.1 ms). Default: the smallest, a middle and the largest unit; ``[]`` for long
        runs that do not need them.
    label : str, keyword-only
        Name stored in the result (scenarios pass their name).

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        For an out-of-range duration, step, seed or recorded unit; for a step that cannot
        resolve a refractory period or an imposed movement past the range of motion
        (:func:`neurosim.numerics.check_run`); for a run that would need more memory than
        the machine has available (:func:`neurosim.resources.check_memory`: the message
        gives the estimate and how to shrink the run).
    """
    parameters = Parameters() if parameters is None else parameters
    if not isinstance(parameters, Parameters):
        raise ValueError(f"parameters must be a neurosim Parameters object, got "
                         f"{type(parameters).__name__}")
    protocol = Protocol() if protocol is None else Protocol(protocol)
    p = parameters
    n = p.pool.n_units
    out_rate = p.emg.output_rate_hz
    duration_s, dt_ms = _check_run_arguments(duration_s, dt_ms, out_rate)
    check_run(p, protocol, dt_ms)
    seed = _resolve_seed(seed)
    record_units = _check_record_units(record_units, n)
    # what the run will need, before anything is allocated
    estimate = estimate_run(p, protocol, duration_s, dt_ms=dt_ms, n_recorded=record_units.size,
                            chunk_ms=CHUNK_MS)
    check_memory(estimate, duration_s=duration_s, dt_ms=dt_ms)
    if estimate.seconds > LONG_RUN_S:
        _log.info("neurosim: a long run — about %.0f s and %s of memory", estimate.seconds,
                  estimate.describe())

    steps_per_noise = int(round(NOISE_INTERVAL_MS / dt_ms))
    n_steps, n_out = _run_lengths(duration_s, dt_ms, out_rate)
    out_time_s = np.arange(n_out) / out_rate
    out_steps = np.round(out_time_s * 1000.0 / dt_ms).astype(np.int64)
    dt_s = dt_ms / 1000.0

    # ---- flatten the parameters once
    pool = pool_arrays(p.pool, p.pic, dt_ms)
    tw = twitch_arrays(p.muscle, n, dt_ms)
    gate = afferent_gate(p.inhibition)
    ren_decay, ren_inc, ren_gain = renshaw_constants(p.inhibition, n, dt_ms)
    in_decay, in_scale, _ = interneuron_constants(p.inhibition, dt_ms)
    ia_offset, ia_gain, ia_k_len, ia_k_vel, ia_exp, ia_k_burst = spindle_constants(p.spindle)
    nerve = nerve_arrays(p.nerve, p.spindle, n, dt_ms)
    noise = protocol.noise
    noise_decay = math.exp(-NOISE_INTERVAL_MS / noise.time_constant_ms)
    refractory_steps = int(round(p.pool.refractory_ms / dt_ms))
    pic_v_half = (p.pool.threshold_mV - p.pic.activation_onset_below_threshold_mV
                  + 0.5 * p.pic.activation_width_mV)
    recip_per_hz = reciprocal_per_hz(p.inhibition, p.spindle)
    mode = protocol.joint_mode
    jc = junction_constants(p.junction, n, dt_ms)
    # low Ca2+/Mg2+ make every axon hyperexcitable (nerve stage)
    nerve_for_ectopic = p.nerve.with_changes(ectopic_rate_hz=min(
        max_ectopic_rate_hz(), p.nerve.ectopic_rate_hz + electrolyte_ectopic_rate_hz(p.junction)))
    stim = stimulus_events(protocol.stimuli(), p.nerve, nerve, dt_ms)

    # ---- state
    v = np.zeros(n)
    vd = np.zeros(n)
    refractory = np.zeros(n, dtype=np.int64)
    spike_candidate = np.zeros(n, dtype=np.bool_)
    ahp = np.zeros(n)
    m = np.zeros(n)
    h = np.ones(n)
    tw_a = np.zeros(n)
    tw_b = np.zeros(n)
    noise_ind = np.zeros(n)
    collide_until = np.full(n, -1, dtype=np.int64)
    antidromic_at = np.full(n, -1, dtype=np.int64)
    scalars = np.zeros(8)
    # endplate state, padded to whole blocks; the padding endplates stay at rest (no nerve
    # reaches them) and only ever share their block's steps
    n_blocks = -(-n // ENDPLATE_BLOCK)
    n_padded = n_blocks * ENDPLATE_BLOCK
    jn = {name: np.zeros(n_padded) for name in ("ach", "outer", "open", "desens", "epp",
                                              "terminal")}
    jn["pool"] = np.ones(n_padded)
    jn["h"] = np.ones(n_padded)
    jn["activity"] = np.zeros(n_padded)
    jn["slow"] = np.ones(n_padded)
    fibre_refr = np.zeros(n_padded, dtype=np.int64)
    terminal_armed = np.ones(n_padded, dtype=np.bool_)
    last_impulse = np.full(n_padded, -1_000_000, dtype=np.int64)
    needs_events = np.zeros(n_padded, dtype=np.bool_)
    fibre_at_threshold = np.zeros(n_padded, dtype=np.bool_)
    last_fibre_ap = np.full(n, -1, dtype=np.int64)
    release_flag = np.zeros(n, dtype=np.int8)
    # every endplate starts at rest, quiet "since before step 0", except the blocks of the
    # recorded ones, which are stepped every step so that their traces are exact
    block_always_active = np.zeros(n_blocks, dtype=np.bool_)
    block_always_active[record_units // ENDPLATE_BLOCK] = True
    block_quiet = ~block_always_active
    block_quiet_step = np.full(n_blocks, -1, dtype=np.int64)
    if mode == "free":  # a free foot starts at rest under its load (no start-up swing)
        load0 = protocol.limb_waveforms(np.zeros(1))["torque_Nm"][0]
        scalars[_ANGLE] = rest_angle_rad(float(load0), p.limb)
    lower_rad, upper_rad = range_of_motion_rad(p.limb)
    muscle_ring = np.zeros((int(nerve["efferent_delay_steps"].max()) + 2, n), dtype=np.int8)
    ring_count = np.zeros(muscle_ring.shape[0], dtype=np.int64)  # nonzero cells per row
    # the afferent pipeline starts full of resting discharge, so there is no start-up transient
    rest_rate = ia_rate_hz(0.0, 0.0, ia_offset, ia_gain, ia_k_len, ia_k_vel, ia_exp)
    n_ia = nerve["n_afferents_alive"]
    ia_ring = np.full(nerve["afferent_delay_steps"] + 2, rest_rate * n_ia * dt_s)
    antag_ring = np.full(nerve["afferent_delay_steps"] + 2, rest_rate)
    scalars[_EPSC] = p.spindle.ia_weight_nA_per_hz * rest_rate * n_ia / p.spindle.n_afferents

    # ---- outputs
    outs = {name: np.zeros(n_out) for name in ("force", "pic", "inhib", "renshaw", "angle",
                                                "velocity", "examiner", "ia")}
    rec_v = np.zeros((n_steps, record_units.size))
    rec_pic = np.zeros((n_steps, record_units.size))
    rec_epp = np.zeros((n_steps, record_units.size))
    rec_ach = np.zeros((n_steps, record_units.size))
    rec_open = np.zeros((n_steps, record_units.size))
    spikes, activations, impulses = [], [], []

    rng = np.random.default_rng(np.random.SeedSequence(seed))
    synaptic_rng, emg_rng, spindle_rng, ectopic_rng, spont_rng = rng.spawn(5)
    ia_phases = spindle_rng.random(n_ia)
    ectopic = EctopicDischarges(nerve_for_ectopic, nerve, dt_ms, ectopic_rng)
    chunk_steps = CHUNK_MS * steps_per_noise
    fibre_refractory_steps = max(1, int(round(p.junction.fibre_refractory_ms / dt_ms)))
    terminal_refractory_steps = int(round(p.junction.terminal_refractory_ms / dt_ms))
    # event buffers of one chunk, sized by what the refractory periods allow (upper bounds)
    capacity = event_buffer_sizes(
        n_units=n, chunk_steps=min(chunk_steps, n_steps), dt_ms=dt_ms,
        refractory_steps=refractory_steps, fibre_refractory_steps=fibre_refractory_steps,
        terminal_refractory_steps=terminal_refractory_steps,
        ectopic_refractory_ms=(p.nerve.ectopic_refractory_ms
                               if nerve_for_ectopic.ectopic_rate_hz > 0 else None),
        shocks_per_chunk=_max_shocks_per_chunk([t for t, _, _ in protocol.stimuli()],
                                               CHUNK_MS))
    spike_step_buf = np.empty(capacity["spikes"], dtype=np.int64)
    spike_unit_buf = np.empty(capacity["spikes"], dtype=np.int32)
    act_step_buf = np.empty(capacity["activations"], dtype=np.int64)
    act_unit_buf = np.empty_like(act_step_buf, dtype=np.int32)
    act_flag_buf = np.empty_like(act_step_buf, dtype=np.int8)
    imp_step_buf = np.empty(capacity["impulses"], dtype=np.int64)
    imp_unit_buf = np.empty_like(imp_step_buf, dtype=np.int32)
    imp_flag_buf = np.empty_like(imp_step_buf, dtype=np.int8)
    # thresholds during the relative refractory period, looked up for 20 time constants
    rel_refr = relative_refractory_table(
        int(math.ceil(20.0 * p.junction.relative_refractory_ms / dt_ms)), dt_ms,
        p.junction.fibre_threshold_mV, p.junction.relative_refractory_factor,
        p.junction.relative_refractory_ms)
    out_j = 0
    nmj = int(round(p.nerve.neuromuscular_delay_ms / dt_ms))

    def chunk_inputs(step0):
        """Everything chunk ``step0`` needs that does not depend on the simulated state:
        protocol waveforms, noise draws, ectopic and spontaneous events, stimuli."""
        k_steps = min(chunk_steps, n_steps - step0)
        t = (step0 + np.arange(k_steps)) * dt_s
        n_noise = -(-k_steps // steps_per_noise)
        draws = synaptic_rng.standard_normal((n_noise, n + 1))
        ect_step, ect_unit = ectopic.events(step0, k_steps)  # chunks in order: state carries
        # superposed Poisson processes, drawn in continuous time (a Poisson count for the
        # chunk, uniform times, a random unit each) and reported at step floor(t / dt):
        # the same quanta whatever dt, so runs at dt and dt/2 can be compared
        chunk_s = k_steps * dt_s
        n_spont = spont_rng.poisson(p.junction.spontaneous_rate_hz * n * chunk_s)
        sp_time = np.sort(spont_rng.random(n_spont)) * (k_steps * dt_ms)
        sp_step = step0 + np.minimum(np.floor(sp_time / dt_ms).astype(np.int64), k_steps - 1)
        sp_unit = spont_rng.integers(0, n, size=n_spont, dtype=np.int64)
        in_chunk = (stim["muscle_step"] >= step0) & (stim["muscle_step"] < step0 + k_steps)
        ev_step = np.concatenate([stim["muscle_step"][in_chunk], ect_step])
        order = np.argsort(ev_step, kind="stable")
        anti = (stim["anti_step"] >= step0) & (stim["anti_step"] < step0 + k_steps)
        vol = (stim["volley_step"] >= step0) & (stim["volley_step"] < step0 + k_steps)
        return dict(
            k_steps=k_steps, waves=protocol.waveforms(t), limb=protocol.limb_waveforms(t),
            draws=draws, sp_step=sp_step, sp_unit=sp_unit, ev_step=ev_step[order],
            ev_unit=np.concatenate([stim["muscle_unit"][in_chunk], ect_unit])[order],
            ev_delay=np.concatenate([stim["muscle_delay"][in_chunk],
                                     np.full(ect_step.size, nmj, dtype=np.int64)])[order],
            ev_flag=np.concatenate([
                np.full(int(in_chunk.sum()), SOURCE_STIMULUS, dtype=np.int8),
                np.full(ect_step.size, SOURCE_ECTOPIC, dtype=np.int8)])[order],
            anti_step=stim["anti_step"][anti], anti_unit=stim["anti_unit"][anti],
            anti_delay=stim["anti_delay"][anti], volley_step=stim["volley_step"][vol],
            volley_count=stim["volley_count"][vol], volley_delay=stim["volley_delay"][vol])

    def run_one_chunk(step0, c, out_j):
        """Run the compiled loop over one chunk; keep its events; return the next output row."""
        n_spk, n_act, n_imp, out_j = _run_chunk(
            step0, c["k_steps"], dt_ms, steps_per_noise,
            voluntary_drive_nA(p.pool, p.descending, c["waves"]["command"]),
            p.pool.max_drive_nA * gate * c["waves"]["afferent"], c["draws"], noise_decay,
            noise.common, noise.independent,
            pool["inv_rheobase"], p.pool.synaptic_saturation, pool["ahp_decay"],
            p.pool.ahp_increment, p.pool.threshold_mV,
            math.exp(-dt_ms / p.pool.membrane_time_constant_ms), refractory_steps,
            pool["pic_amplitude"], pic_v_half, 1.0 / p.pic.activation_width_mV,
            dt_ms / p.pic.activation_time_constant_ms,
            dt_ms / (1000.0 * p.pic.inactivation_time_constant_s), p.pic.inactivation_depth,
            p.inhibition.descending * p.inhibition.descending_tonic, recip_per_hz,
            ren_decay, ren_inc, ren_gain, in_decay, in_scale, p.inhibition.interneuron_weight,
            gate,
            ia_offset, ia_gain, ia_k_len, ia_k_vel, ia_exp, ia_k_burst,
            math.exp(-dt_ms / p.spindle.initial_burst_time_constant_ms), ia_phases,
            float(p.spindle.n_afferents),
            p.spindle.ia_weight_nA_per_hz,
            math.exp(-dt_ms / p.spindle.synaptic_time_constant_ms),
            nerve["efferent_delay_steps"], nerve["afferent_delay_steps"],
            nerve["alive"] & ~nerve["blocked"], muscle_ring, ia_ring, antag_ring,
            c["ev_step"], c["ev_unit"], c["ev_delay"], c["ev_flag"],
            c["anti_step"], c["anti_unit"], c["anti_delay"],
            c["volley_step"], c["volley_count"], c["volley_delay"],
            mode == "isometric", mode == "servo", c["limb"]["target_angle_rad"],
            c["limb"]["target_velocity_rad_s"], c["limb"]["torque_Nm"], p.limb.inertia_kg_m2,
            p.limb.passive_stiffness_Nm_per_rad, p.limb.damping_Nm_s_per_rad,
            p.limb.moment_arm_m, p.limb.examiner_stiffness_Nm_per_rad,
            p.limb.examiner_damping_Nm_s_per_rad, p.muscle.max_shortening_velocity_mm_s,
            lower_rad, upper_rad, p.muscle.max_force_N,
            tw["decay"], tw["impulse"], tw["contraction_time_ms"],
            jc["quanta_per_impulse"], jc["release_fraction"], jc["step"], jc["catch_up"],
            jc["ap_shunt"], p.junction.fibre_threshold_mV, fibre_refractory_steps,
            p.junction.relative_refractory_factor, p.junction.relative_refractory_ms, rel_refr,
            p.junction.terminal_threshold_quanta,
            c["sp_step"], c["sp_unit"],
            jn["pool"], jn["ach"], jn["outer"], jn["open"], jn["desens"], jn["epp"], jn["h"],
            jn["terminal"], jn["activity"], jn["slow"], p.junction.use_dependent_inactivation,
            fibre_refr, last_fibre_ap, terminal_armed, last_impulse,
            terminal_refractory_steps, release_flag,
            fibre_at_threshold, needs_events, block_quiet, block_quiet_step,
            block_always_active, quiet_epp_limit_mV(p.junction), ring_count,
            v, vd, refractory, spike_candidate, ahp, m, h, tw_a, tw_b, noise_ind,
            collide_until, antidromic_at, scalars,
            out_steps, out_j, outs["force"], outs["pic"], outs["inhib"], outs["renshaw"],
            outs["angle"], outs["velocity"], outs["examiner"], outs["ia"],
            spike_step_buf, spike_unit_buf, act_step_buf, act_unit_buf, act_flag_buf,
            imp_step_buf, imp_unit_buf, imp_flag_buf,
            record_units, rec_v, rec_pic, rec_epp, rec_ach, rec_open, step0)
        spikes.append((spike_step_buf[:n_spk].copy(), spike_unit_buf[:n_spk].copy()))
        activations.append((act_step_buf[:n_act].copy(), act_unit_buf[:n_act].copy(),
                            act_flag_buf[:n_act].copy()))
        # this chunk's MUAPs are added on the preparing thread while the next chunk runs
        emg_jobs.append(preparer.submit(
            emg_stage.add_muaps, emg_clean, activations[-1][0] * dt_s, activations[-1][1],
            muap["amplitude_mV"], muap["duration_ms"], out_rate))
        impulses.append((imp_step_buf[:n_imp].copy(), imp_unit_buf[:n_imp].copy(),
                         imp_flag_buf[:n_imp].copy()))
        return out_j

    # The inputs of the next chunk are prepared on a second thread while the compiled loop
    # (which releases the GIL) runs this one. One worker draws the chunks in order, so the
    # random streams, and the results, are those of preparing each chunk just in time.
    chunk_starts = list(range(0, n_steps, chunk_steps))
    muap = emg_stage.muap_arrays(p.emg, n)
    emg_clean = np.zeros(n_out)
    emg_jobs = []
    first_compile = not _cache.engine_compiled()
    if first_compile:  # the inputs are valid; the first chunk is about to compile the loop
        _log.warning(COMPILE_NOTICE)
    preparer = ThreadPoolExecutor(max_workers=1)
    with preparer:
        upcoming = [preparer.submit(chunk_inputs, step0) for step0 in chunk_starts[:1]]
        for index, step0 in enumerate(chunk_starts):
            inputs = upcoming.pop().result()
            upcoming += [preparer.submit(chunk_inputs, start)
                         for start in chunk_starts[index + 1:index + 2]]
            out_j = run_one_chunk(step0, inputs, out_j)
    for job in emg_jobs:
        job.result()  # re-raises anything that went wrong on the preparing thread
    if first_compile:
        _cache.mark_engine_compiled()

    spike_times = np.concatenate([a for a, _ in spikes]) * dt_s
    spike_units = np.concatenate([b for _, b in spikes])
    act_times = np.concatenate([a[0] for a in activations]) * dt_s
    act_units = np.concatenate([a[1] for a in activations])
    act_flags = np.concatenate([a[2] for a in activations])
    imp_times = np.concatenate([a[0] for a in impulses]) * dt_s
    imp_units = np.concatenate([a[1] for a in impulses])
    imp_flags = np.concatenate([a[2] for a in impulses])

    emg = emg_clean + p.emg.noise_mV * emg_rng.standard_normal(n_out)

    waves_out = protocol.waveforms(out_time_s)
    return SimulationResult(
        parameters=p, protocol=protocol, seed=seed, dt_ms=float(dt_ms),
        duration_s=float(duration_s), label=label, time_s=out_time_s,
        command=waves_out["command"], afferent_input=waves_out["afferent"],
        force_N=outs["force"], emg_mV=emg,
        population_rate_hz=_population_rate(spike_times, n, out_time_s, out_rate),
        pic_activation=outs["pic"], inhibition=outs["inhib"], renshaw_activity=outs["renshaw"],
        joint_angle_deg=np.rad2deg(outs["angle"]),
        joint_velocity_deg_s=np.rad2deg(outs["velocity"]),
        joint_torque_Nm=outs["examiner"], ia_rate_hz=outs["ia"],
        spike_times_s=spike_times, spike_units=spike_units,
        activation_times_s=act_times, activation_units=act_units,
        activation_sources=act_flags, nerve_impulse_times_s=imp_times,
        nerve_impulse_units=imp_units, nerve_impulse_sources=imp_flags,
        recorded_units=record_units,
        membrane_mV=rec_v, unit_pic_activation=rec_pic, endplate_mV=rec_epp, cleft_ach=rec_ach,
        receptor_open=rec_open, rheobase_nA=rheobase_nA(p.pool),
        peak_twitch_force_N=tw["peak_force_N"], contraction_time_ms=tw["contraction_time_ms"],
        max_force_N=p.muscle.max_force_N)


def _population_rate(spike_times_s, n_units, out_time_s, out_rate_hz):
    """Mean rate per unit (Hz) in RATE_BIN_MS bins, sampled on the output grid."""
    if out_time_s.size == 0:
        return np.zeros(0)
    bin_s = RATE_BIN_MS / 1000.0
    n_bins = int(math.ceil((out_time_s[-1] + 1.0 / out_rate_hz) / bin_s))
    counts = np.bincount(np.minimum((spike_times_s / bin_s).astype(np.int64), n_bins - 1),
                         minlength=n_bins) if spike_times_s.size else np.zeros(n_bins)
    rate = counts / (n_units * bin_s)
    return rate[np.minimum((out_time_s / bin_s).astype(np.int64), n_bins - 1)]
