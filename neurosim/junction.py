r"""Neuromuscular junction: release, cleft acetylcholine, receptors, endplate potential, fibre AP.

Each motor unit has one representative endplate (all its fibres behave alike).
Every nerve impulse reaching the terminal releases

.. math:: n = Q \cdot s \cdot \frac{U'}{U}\, R, \qquad R \leftarrow R\,(1 - U'),
          \qquad U' = \min(0.95,\ U f_{Ca,Mg})

quanta (quantal content :math:`Q`, release scale :math:`s` — botulinum toxin lowers
it — ready pool :math:`R` that refills with time constant ``pool_recovery_s``,
faster after recent activity: rate × (1 + ``mobilisation`` × impulses in the last
second)), where
:math:`f_{Ca,Mg} = \big(\tfrac{[Ca]/(1+[Mg])}{[Ca]_0/(1+[Mg]_0)}\big)^4` is the
fourth-power calcium dependence of release with magnesium competing (Dodge &
Rahamimoff 1967). Spontaneous quanta (miniature EPPs) arrive at random.

Cleft ACh :math:`A` (in quanta) is removed by hydrolysis, by escape from the
cleft and, for isolated quanta, by lateral dilution,

.. math:: \frac{dA}{dt} = -\Big(k_h\,a_{AChE} + k_d + \frac{k_s}{1 + A/A_o}\Big)\,A.

With working AChE hydrolysis (:math:`k_h` = ``hydrolysis_per_ms``) clears ACh in a
fraction of a millisecond, so the endplate current decays with the channels' closing
(~1 ms). Without it, ACh leaves by diffusion within milliseconds: a single quantum
spreads into the unflooded cleft around it (:math:`k_s` = ``dilution_per_ms``), but a
multi-quantal release floods the cleft, the spreading quanta overlap
(:math:`A_o` = ``quantal_overlap_quanta``) and ACh can only leave at the edges of the
synapse (:math:`k_d` = ``diffusion_per_ms``) — so with AChE inhibited the evoked EPC is
prolonged more than a miniature one (Hartzell, Kuffler & Yoshikami 1975). The step
takes the linear part exactly and the dilution semi-implicitly.

ACh that escapes the cleft (the share :math:`k_d / (k_h a_{AChE} + k_d)` of its linear loss,
~3 % in health, ~40 % at 5 % AChE) enters the *perijunctional* space around the endplate,
:math:`P`, where AChE outside the cleft normally destroys it (:math:`k_p` =
``perijunctional_hydrolysis_per_ms``, scaled by :math:`a_{AChE}`) and otherwise only a slow
washout clears it (:math:`\tau_w` = ``perijunctional_washout_s``):

.. math:: \frac{dP}{dt} = k_d\,A - \Big(k_p\,a_{AChE} + \frac{1}{\tau_w}\Big)\,P .

It acts on the endplate receptors with the weight :math:`c` = ``perijunctional_efficacy``
(it is diluted and reaches mainly the receptors at the margins). In health it is gone in
~20 ms and adds < 1 mV; with AChE at 5 % it lasts ~0.3 s, so during a 30 Hz train it
*accumulates* with the release rate and holds the endplate depolarised between impulses
(~10 mV just before the 2nd impulse, > 20 mV from the 5th on): the summation of prolonged
EPPs that inactivates the Na⁺ channels — depolarisation block after a first phase of
repetitive firing (anticholinesterase-induced transmission failure at high rates: Maselli &
Leung 1993, Muscle Nerve 16:548). The same lingering ACh desensitises receptors (Katz &
Thesleff 1957); within a 1 s train that limits the depolarisation a little rather than
causing the block, which is the Na⁺ inactivation's. At rest (spontaneous quanta, ~1 Hz)
it stays negligible; at ≥ 10 % AChE a 30 Hz train, and in health a 50 Hz train, are relayed
one-to-one. The engine keeps the efficacy-weighted :math:`cP` (``outer``) as a state.

Inhibiting AChE (:math:`a_{AChE} \to 0`) lets ACh linger and rebind. Receptors
open, close and desensitise from the open state (closed → open → desensitised → closed),

.. math:: \frac{dO}{dt} = k_{on} (A + cP) (1 - O - D) - \Big(\frac{1}{\tau_o} + k_{des}\Big) O,
          \qquad \frac{dD}{dt} = k_{des} O - \frac{D}{\tau_{D}},

and drive the passive endplate towards the reversal potential :math:`E` (≈ 0 mV,
i.e. about 80 mV above rest),

.. math:: \tau_e \frac{dV}{dt} = -V + G\rho\,O\,(E - V)

(:math:`\rho` receptor density, which myasthenia lowers). The fibre fires an
action potential when :math:`V` exceeds its threshold :math:`\theta`, raised
during the relative refractory period and divided by the fraction of Na⁺
channels available: :math:`h`, which falls with sustained depolarisation, times
:math:`h_s`, which each fibre AP lowers by a fraction (slow, use-dependent
inactivation) and which recovers over hundreds of ms:

.. math:: \theta_{eff} = \theta\,\big(1 + k\,e^{-t_{AP}/\tau_{rr}}\big) / (h\,h_s), \qquad
          \frac{dh}{dt} = \frac{h_\infty(V) - h}{\tau_h},

where :math:`h_\infty` falls smoothly from 1 to 0 over ``inactivation_width_mV`` centred
on ``inactivation_half_mV``. A fibre action potential shunts ("wipes out") the endplate
potential (Fatt & Katz 1951): :math:`V \leftarrow (1 - \sigma) V` with
:math:`\sigma` = ``ap_shunt``; the EPP then builds up again only as long as endplate
current flows. No firing rule is scripted beyond this: one-to-one relay in health,
several fibre APs per nerve impulse when the endplate *current* outlasts the refractory
period, depolarisation block when :math:`V` stays high, failures when the EPP is small.

The nerve terminal itself carries nicotinic autoreceptors: it integrates
lingering cleft ACh, :math:`\tau_T\,dT/dt = A - T`, and fires when :math:`T`
exceeds ``terminal_threshold_quanta``. Every impulse (its own or one arriving down the
axon) disarms the terminal until :math:`T` has fallen below half the threshold and
``terminal_refractory_ms`` have passed, so
the ACh of an ordinary evoked release never re-fires it. With working AChE this never happens;
when AChE is inhibited, spontaneous quanta can fire the terminal — a
fasciculation of the whole unit.

Numerics (:func:`junction_step`). Every linear decay takes its exact factor
:math:`e^{-\Delta t/\tau}`; a state whose rate changes from step to step (refilling, the
receptors, the EPP) relaxes towards its momentary equilibrium by the factor
:func:`decay_factor` — :math:`1/(1 + x + x^2/2)` for :math:`x` = rate × Δt, which never
overshoots — so no rate inside the declared ranges and no allowed Δt can make a state
leave its range (an explicit EPP step grew to ±1e28 mV with a fast, strong endplate). The
receptors and the terminal see the cleft ACh averaged over each step, the EPP the step's
mean open fraction: EPPs, fibre APs and force then change by < 5 % when Δt is halved
(``tests/test_numerics.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .nerve import SOURCE_TERMINAL
from ._fields import Validated, param

__all__ = ["JunctionParameters", "PARAMETERS", "junction_constants", "release_factor", "junction_step", "junction_catch_up",
           "decay_factor", "endplate_potential_step", "STEP_CONSTANTS", "CATCH_UP_CONSTANTS",
           "na_availability_target", "quiet_epp_limit_mV", "electrolyte_ectopic_rate_hz",
           "relative_refractory_threshold", "relative_refractory_table",
           "QUIET_ACH_QUANTA", "QUIET_OPEN_FRACTION", "QUIET_OUTER_EFFECT"]


# ------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class JunctionParameters(Validated):
    """Neuromuscular junction of each motor unit (one representative endplate per unit)."""

    stage_name: ClassVar[str] = "junction"

    ache_activity: float = param(
        1.0, unit="1", min=0.0, max=1.0, label="AChE activity",
        help="Acetylcholinesterase activity (1 = healthy, 0 = fully inhibited).",
        group="Neuromuscular junction",
        source="AChE hydrolyses ACh within < 1 ms; inhibitors prolong endplate currents "
               "(Magleby & Stevens 1972, J Physiol 223:173)")
    quantal_content: float = param(
        50.0, unit="quanta", min=1.0, max=500.0, label="Quantal content",
        help="Quanta released by the first nerve impulse from a full vesicle pool.",
        source="Human endplates release tens of quanta per impulse (Wood & Slater 2001, "
               "Prog Neurobiol 64:393)")
    endplate_variability: float = param(
        0.3, unit="1", min=0.0, max=0.9, label="Endplate variability",
        help="Spread of quantal content between motor units: from (1 − v) to (1 + v) times "
             "the mean, so safety factors differ and failures come gradually.",
        source="Quantal content and safety factor vary between endplates (Wood & Slater "
               "2001, Prog Neurobiol 64:393); value a neurosim choice")
    quantal_scale: float = param(
        1.0, unit="1", min=0.0, max=2.0, label="Release scale",
        help="Multiplies the quanta released per impulse (botulinum toxin lowers it).",
        group="Neuromuscular junction",
        source="Botulinum toxin cleaves SNARE proteins and blocks ACh release "
               "(Montecucco & Schiavo 1994, Mol Microbiol 13:1)")
    release_fraction: float = param(
        0.2, unit="1", min=0.01, max=1.0, label="Release fraction",
        help="Fraction of the ready vesicle pool released per impulse at normal Ca²⁺/Mg²⁺.",
        source="Depletion model of short-term depression (Wood & Slater 2001); value a "
               "neurosim choice giving normal 3 Hz depression without CMAP decrement")
    pool_recovery_s: float = param(
        2.0, unit="s", min=0.05, max=30.0, label="Vesicle pool recovery",
        help="Time constant with which the ready vesicle pool refills.",
        source="Seconds-scale recovery from depression at the mammalian NMJ (Wood & Slater 2001)")
    mobilisation: float = param(
        0.8, unit="1", min=0.0, max=5.0, label="Vesicle mobilisation",
        help="How much recent activity speeds refilling of the ready pool: recovery rate × "
             "(1 + mobilisation × impulses in the last second).",
        source="Activity-dependent vesicle mobilisation keeps transmission going at "
               "30–50 Hz (Wood & Slater 2001); value a neurosim choice")
    receptor_density: float = param(
        1.0, unit="1", min=0.0, max=2.0, label="ACh receptor density",
        help="Nicotinic receptors at the endplate relative to normal (myasthenia lowers it).",
        group="Neuromuscular junction",
        source="Myasthenia gravis: antibody loss of ACh receptors lowers the safety factor "
               "(Drachman 1994, N Engl J Med 330:1797)")
    hydrolysis_per_ms: float = param(
        5.0, unit="1/ms", min=0.0, max=50.0, label="ACh hydrolysis rate",
        help="Rate of ACh removal by AChE at activity 1.",
        source="Changed from 1/ms: with working AChE ACh is gone from the cleft in well under "
               "1 ms (AChE turns over 5,000–10,000 ACh per second; Rosenberry 1975), so the "
               "EPC decay (~1 ms) is set by channel closing, not by ACh removal (Magleby & "
               "Stevens 1972, J Physiol 223:173); the large enzyme reserve means transmission "
               "changes little until most AChE is inhibited. Value a neurosim choice")
    diffusion_per_ms: float = param(
        0.15, unit="1/ms", min=0.01, max=10.0, label="ACh escape rate (flooded cleft)",
        help="Rate at which ACh leaves a cleft flooded by a multi-quantal release, by "
             "diffusion out at the edges of the synapse (slowed by rebinding to receptors); "
             "what clears ACh when AChE is fully inhibited.",
        source="Changed from 0.03/ms (a 33 ms tail, neurosim choice): diffusion empties the "
               "cleft within milliseconds, and complete AChE inhibition prolongs the endplate "
               "current only a few-fold (Katz & Miledi 1973, J Physiol 231:549; Magleby & "
               "Stevens 1972, J Physiol 223:173); mouse: +76 % acute inhibitor, +37 % "
               "knockout (Adler et al. 2011). Value a neurosim choice in that range")
    dilution_per_ms: float = param(
        1.0, unit="1/ms", min=0.0, max=20.0, label="ACh lateral dilution rate",
        help="Extra loss of an isolated quantum's ACh as it spreads sideways into the "
             "unflooded cleft around it; it fades as quanta overlap (see "
             "quantal_overlap_quanta), so with AChE inhibited a multi-quantal EPC lasts "
             "longer than a single-quantum MEPC.",
        source="Quanta interact when AChE is inhibited: the evoked EPC is prolonged more than "
               "the MEPC (Hartzell, Kuffler & Yoshikami 1975, J Physiol 251:427); value a "
               "neurosim choice")
    quantal_overlap_quanta: float = param(
        3.0, unit="quanta", min=0.1, max=500.0, label="Quantal overlap",
        help="Cleft ACh (quanta) at which neighbouring quanta's spreading ACh overlaps so "
             "much that lateral dilution is halved.",
        source="Hartzell, Kuffler & Yoshikami 1975, J Physiol 251:427 (interaction of quanta "
               "with AChE inhibited); value a neurosim choice")
    perijunctional_hydrolysis_per_ms: float = param(
        0.05, unit="1/ms", min=0.0, max=10.0, label="Perijunctional ACh hydrolysis rate",
        help="Rate, at AChE activity 1, at which AChE outside the synaptic cleft (at the "
             "margins of the endplate and along the fibre) hydrolyses the ACh that escaped "
             "the cleft; scaled by ache_activity like hydrolysis in the cleft.",
        source="AChE is also present perijunctionally and extrajunctionally, so ACh that "
               "escapes the cleft is normally destroyed before it can accumulate (Salpeter "
               "1967, J Cell Biol 32:379; Hartzell, Kuffler & Yoshikami 1975, J Physiol "
               "251:427). Value a neurosim choice: it lasts ~20 ms in health but ~0.3 s (with "
               "the washout) at 5 % AChE, so only severe inhibition lets it sum over a 30 Hz "
               "train")
    perijunctional_washout_s: float = param(
        2.0, unit="s", min=0.05, max=60.0, label="Perijunctional ACh washout time",
        help="Time constant with which ACh that escaped the cleft is cleared without AChE "
             "(diffusion away into the interstitium and capillaries); what clears it when "
             "AChE is inhibited.",
        source="Without AChE, ACh around the junction is cleared only by diffusion and "
               "bulk washout over seconds, so it accumulates during high-rate trains and "
               "depolarises the endplate (anticholinesterase-induced transmission failure at "
               "high rates: Maselli & Leung 1993, Muscle Nerve 16:548); value a neurosim "
               "choice")
    perijunctional_efficacy: float = param(
        0.0162, unit="1", min=0.0, max=1.0, label="Perijunctional ACh efficacy",
        help="How strongly one quantum's worth of perijunctional ACh opens endplate "
             "receptors, relative to the same ACh in the cleft (it is diluted in a larger "
             "volume and reaches mostly the receptors at the endplate margins).",
        source="neurosim choice: one impulse's escaped ACh depolarises the endplate by less "
               "than 1 mV in health and, at 5 % AChE, by ~10 mV (below the Na⁺-inactivation "
               "range), but there it sums over a 30 Hz train until Na⁺ channels inactivate — "
               "depolarisation block after a first phase of repetitive firing "
               "(anticholinesterase-induced transmission failure at high rates: Maselli & "
               "Leung 1993, Muscle Nerve 16:548); at ≥ 10 % AChE (30 Hz) and in health "
               "(50 Hz) every impulse is still relayed")
    binding_rate: float = param(
        0.021, unit="1/(quantum·ms)", min=0.0, max=10.0, label="Receptor activation rate",
        help="Rate at which one quantum's worth of cleft ACh opens free receptors.",
        source="neurosim choice: a normal evoked release opens a small fraction of the "
               "receptors, so quanta add nearly linearly (a quantum opens ~1,000 of ~10⁷ "
               "channels; Wood & Slater 2001). Changed from 0.005 with the faster hydrolysis "
               "(ACh now lingers ~0.2 ms, not ~1 ms) to keep the safety factor at 3–5 "
               "(Paton & Waud 1967, J Physiol 191:59); from 0.027 to 0.021 when the "
               "receptors began to see the ACh averaged over each step (the same EPP, now "
               "independent of dt)")
    channel_open_time_ms: float = param(
        1.0, unit="ms", min=0.1, max=20.0, label="Channel open time",
        help="Mean open (burst) time of a nicotinic channel.",
        source="Colquhoun & Sakmann 1985, J Physiol 369:501 (bursts about 1 ms)")
    desensitization_per_s: float = param(
        20.0, unit="1/s", min=0.0, max=100.0, label="Desensitisation rate",
        help="Rate at which open receptors enter the desensitised state.",
        source="Slow desensitisation by prolonged ACh (Katz & Thesleff 1957, J Physiol 138:63)")
    desensitization_recovery_s: float = param(
        2.0, unit="s", min=0.05, max=60.0, label="Desensitisation recovery",
        help="Time constant of recovery from desensitisation.",
        source="Katz & Thesleff 1957, J Physiol 138:63 (seconds)")
    endplate_time_constant_ms: float = param(
        3.0, unit="ms", min=0.2, max=30.0, label="Endplate membrane time constant",
        help="Passive time constant of the endplate membrane.",
        source="neurosim choice inside the few-ms range of muscle-fibre membranes "
               "(Hodgkin & Nakajima 1972)")
    reversal_mV: float = param(
        80.0, unit="mV", min=10.0, max=150.0, label="EPP reversal (re rest)",
        help="Endplate-current reversal potential above the resting potential "
             "(reversal near 0 mV, rest near −80 mV).",
        source="Endplate reversal about 0 mV (Magleby & Stevens 1972)")
    conductance_scale: float = param(
        40.0, unit="1", min=0.0, max=100.0, label="Endplate conductance",
        help="Endplate conductance with all receptors open, relative to the membrane leak.",
        source="neurosim choice giving a safety factor of about 3–4 (Paton & Waud 1967, "
               "J Physiol 191:59; Wood & Slater 2001)")
    fibre_threshold_mV: float = param(
        15.0, unit="mV", min=2.0, max=60.0, label="Fibre AP threshold (re rest)",
        help="Depolarisation at which the muscle fibre fires an action potential.",
        source="About 15–25 mV above a −80 mV rest (Wood & Slater 2001)")
    fibre_refractory_ms: float = param(
        3.0, unit="ms", min=0.5, max=20.0, label="Fibre refractory period",
        help="Absolute refractory period of the muscle fibre.",
        source="Muscle fibre absolute refractory period of a few ms (Kimura)")
    relative_refractory_ms: float = param(
        4.0, unit="ms", min=0.1, max=50.0, label="Relative refractory time",
        help="Time constant with which the raised threshold after an AP returns to normal.",
        source="neurosim choice (relative refractory period of several ms)")
    relative_refractory_factor: float = param(
        6.0, unit="1", min=0.0, max=20.0, label="Relative refractory rise",
        help="How much the threshold is raised just after the absolute refractory period.",
        source="neurosim choice")
    inactivation_half_mV: float = param(
        20.0, unit="mV", min=1.0, max=80.0, label="Na⁺ inactivation midpoint",
        help="Sustained depolarisation (re rest) that inactivates half the Na⁺ channels.",
        source="Sustained depolarisation inactivates Na⁺ channels: depolarisation block "
               "(Hodgkin & Huxley 1952); high ACh gives depolarisation block")
    inactivation_width_mV: float = param(
        16.0, unit="mV", min=1.0, max=60.0, label="Na⁺ inactivation width",
        help="Span of sustained depolarisation over which steady-state Na⁺ availability "
             "falls from 1 to 0 (a smooth step centred on inactivation_half_mV).",
        source="Steady-state Na⁺ inactivation is a sigmoid of voltage with a slope factor of "
               "a few mV, i.e. it goes from mostly available to mostly inactivated over "
               "~10–25 mV (Hodgkin & Huxley 1952; muscle fibres: Ruff 1996, Acta Physiol Scand "
               "156:159). Value the previously hard-coded 16 mV span (10–90 % over ~10 mV, at "
               "the steep end); a neurosim choice")
    inactivation_time_constant_ms: float = param(
        20.0, unit="ms", min=0.1, max=1000.0, label="Na⁺ inactivation time",
        help="Time constant of Na⁺-channel inactivation and recovery.",
        source="Fast inactivation over milliseconds (Hodgkin & Huxley 1952)")
    ap_shunt: float = param(
        1.0, unit="1", min=0.0, max=1.0, label="EPP shunted by a fibre AP",
        help="Fraction of the endplate potential wiped out by a muscle-fibre action "
             "potential; a further AP then needs endplate current that outlasts the "
             "refractory period to charge the membrane again (0 = the EPP survives the AP).",
        source="The muscle action potential wipes out the endplate potential (Fatt & Katz "
               "1951, J Physiol 115:320)")
    use_dependent_inactivation: float = param(
        0.03, unit="1", min=0.0, max=1.0, label="Na⁺ slow inactivation per AP",
        help="Fraction of the available Na⁺ channels that each fibre AP puts into slow "
             "inactivation (recovering with slow_inactivation_recovery_ms).",
        source="Slow inactivation of muscle Na⁺ channels during repetitive firing "
               "(Ruff 1996, Acta Physiol Scand 156:159); value a neurosim choice")
    slow_inactivation_recovery_ms: float = param(
        200.0, unit="ms", min=1.0, max=10000.0, label="Na⁺ slow-inactivation recovery",
        help="Time constant of recovery from slow inactivation.",
        source="Ruff 1996, Acta Physiol Scand 156:159 (hundreds of ms)")
    spontaneous_rate_hz: float = param(
        1.0, unit="Hz", min=0.0, max=2000.0, label="Spontaneous quanta",
        help="Spontaneous quanta (miniature EPPs) per second at the endplate.",
        source="About 1 mEPP per second per endplate (Fatt & Katz 1952, J Physiol 117:109)")
    terminal_threshold_quanta: float = param(
        0.03, unit="quanta", min=0.001, max=500.0, label="Terminal firing threshold",
        help="Integrated lingering cleft ACh (quanta) at which the nerve terminal, through "
             "its nicotinic autoreceptors, fires by itself (a fasciculation of the unit); "
             "with working AChE one quantum reaches about 0.01, with 5 % AChE about 0.04.",
        source="Antidromic terminal firing as a proposed cause of fasciculations with "
               "AChE inhibitors (Masland & Wigton 1940, J Neurophysiol 3:269); changed from "
               "0.2 with the faster ACh clearance (a spontaneous quantum now lingers ms, not "
               "tens of ms); value a neurosim choice between health and severe inhibition")
    terminal_time_constant_ms: float = param(
        20.0, unit="ms", min=0.5, max=500.0, label="Terminal integration time",
        help="Time over which the nerve terminal integrates cleft ACh.",
        source="neurosim choice")
    terminal_refractory_ms: float = param(
        10.0, unit="ms", min=0.5, max=100.0, label="Terminal refractory time",
        help="After any impulse the nerve terminal cannot fire by itself (from its "
             "autoreceptors) for this long.",
        source="Human motor axons are refractory for ~3 ms after an impulse and subexcitable "
               "for tens of ms after that (recovery cycle: Kiernan et al. 2000, Muscle Nerve "
               "23:399); was engine.TERMINAL_REFRACTORY_MS, value a neurosim choice")
    calcium_mM: float = param(
        1.2, unit="mM", min=0.2, max=4.0, label="Extracellular Ca²⁺ (ionised)",
        help="Ionised calcium; low values lower release and make axons hyperexcitable.",
        group="Neuromuscular junction",
        source="Normal ionised Ca²⁺ about 1.1–1.3 mM; release ∝ [Ca]^4 (Dodge & Rahamimoff "
               "1967, J Physiol 193:419)")
    magnesium_mM: float = param(
        0.8, unit="mM", min=0.1, max=5.0, label="Extracellular Mg²⁺",
        help="Magnesium; high values block release, low values add to axonal excitability.",
        group="Neuromuscular junction",
        source="Mg²⁺ competes with Ca²⁺ for release (Dodge & Rahamimoff 1967)")


PARAMETERS = (JunctionParameters,)
"""The parameter groups this stage owns: fields of :class:`~neurosim.Parameters` named by
their ``stage_name``."""

QUIET_ACH_QUANTA = 1e-5
"""Below this much cleft ACh (quanta) — and with no channels open, no event pending and
the EPP low — an endplate is *quiet*: the engine stops stepping it and later advances it
in closed form (:func:`junction_catch_up`). The ACh left over is dropped (≤ 1e-5 quanta,
a millionth of one nerve impulse's release); so is the efficacy-weighted perijunctional ACh
:math:`cP`, which must be below :data:`QUIET_OUTER_EFFECT` — a quiet endplate has none."""

QUIET_OPEN_FRACTION = 3e-5
"""Largest open-receptor fraction of a quiet endplate (dropped on going quiet): what
:data:`QUIET_OUTER_EFFECT` of perijunctional ACh holds open (binding × 1e-3 / closing), a
conductance that depolarises the endplate by less than 0.1 mV."""

QUIET_OUTER_EFFECT = 1e-3
"""Largest efficacy-weighted perijunctional ACh (quanta) of a quiet endplate, dropped on
going quiet. It could open at most binding × 1e-3 / closing ≈ 3e-5 of the receptors, an EPP
below 0.1 mV; waiting for it to fall to the cleft's 1e-5 kept every endplate of a unit
firing at 10 Hz awake (it decays over ~20 ms with working AChE)."""

NORMAL_CALCIUM_MM = 1.2
"""Normal extracellular ionised Ca²⁺ (mM): the middle of the 1.1–1.3 mM reference range of
serum ionised calcium (Tietz Textbook of Clinical Chemistry); release and axonal
excitability are expressed relative to it."""
NORMAL_MAGNESIUM_MM = 0.8
"""Normal extracellular Mg²⁺ (mM): serum magnesium 0.7–1.0 mM (Tietz Textbook of Clinical
Chemistry; the Mg²⁺ of Dodge & Rahamimoff 1967, J Physiol 193:419, is relative to it)."""
_CA0, _MG0 = NORMAL_CALCIUM_MM, NORMAL_MAGNESIUM_MM


def release_factor(junction: JunctionParameters) -> float:
    """Release probability relative to normal Ca²⁺/Mg²⁺ (Dodge & Rahamimoff fourth power)."""
    effective = junction.calcium_mM / (1.0 + junction.magnesium_mM)
    return (effective / (_CA0 / (1.0 + _MG0))) ** 4


ECTOPIC_MAGNESIUM_WEIGHT = 0.5
"""How much a fractional Mg²⁺ shortfall counts relative to the same Ca²⁺ shortfall in
lowering the axonal threshold: both divalent ions screen the membrane's surface charge and
shift Na⁺-channel gating (Frankenhaeuser & Hodgkin 1957, J Physiol 137:218), Mg²⁺ less
effectively than Ca²⁺ (Hille, Woodhull & Shapiro 1975, Philos Trans R Soc B 270:301); the
value 0.5 is a neurosim choice inside that picture."""
ECTOPIC_SHORTFALL_ONSET = 0.2
"""Combined shortfall below which axons stay quiet: 20 % below normal Ca²⁺ alone is an
ionised calcium near 0.95 mM, below the ~1.1 mM lower reference limit, where
neuromuscular irritability (paraesthesiae, cramps, then tetany) appears (Tietz Textbook
of Clinical Chemistry); the exact onset is a neurosim choice."""
ECTOPIC_SHORTFALL_SPAN = 0.5
"""Further shortfall over which the ectopic rate rises from 0 to its tetany value
(quadratically); a neurosim choice so that overt tetany needs a severe, combined deficit."""
ECTOPIC_TETANY_RATE_HZ = 20.0
"""Ectopic discharge rate per axon (Hz) at full hypocalcaemic tetany: a neurosim choice at
the fast end of involuntary cramp discharges (Minetto et al. 2009, J Neurophysiol
102:1890: cramp units 14.5 ± 5.1 pps, 6–25 pps)."""


def electrolyte_ectopic_rate_hz(junction: JunctionParameters) -> float:
    """Ectopic axonal discharge rate (Hz per axon) caused by low Ca²⁺ and Mg²⁺.

    A caricature of hypocalcaemic hyperexcitability: nothing until the combined
    shortfall ``(Ca0 − Ca)/Ca0 + w (Mg0 − Mg)/Mg0`` (``w`` =
    :data:`ECTOPIC_MAGNESIUM_WEIGHT`) exceeds :data:`ECTOPIC_SHORTFALL_ONSET`, then
    rising quadratically to :data:`ECTOPIC_TETANY_RATE_HZ` (tetany) over a further
    :data:`ECTOPIC_SHORTFALL_SPAN`.
    """
    shortfall = ((NORMAL_CALCIUM_MM - junction.calcium_mM) / NORMAL_CALCIUM_MM
                 + ECTOPIC_MAGNESIUM_WEIGHT * (NORMAL_MAGNESIUM_MM - junction.magnesium_mM)
                 / NORMAL_MAGNESIUM_MM)
    x = min(max((shortfall - ECTOPIC_SHORTFALL_ONSET) / ECTOPIC_SHORTFALL_SPAN, 0.0), 1.0)
    return ECTOPIC_TETANY_RATE_HZ * x * x


def _escape_fraction(junction: JunctionParameters, dt_ms: float) -> float:
    """Fraction of the cleft ACh that escapes the cleft (to the perijunctional space) per
    step: the escape share :math:`k_d / (k_h a_{AChE} + k_d)` of the linear loss."""
    k = junction.hydrolysis_per_ms * junction.ache_activity + junction.diffusion_per_ms
    return junction.diffusion_per_ms / k * (1.0 - math.exp(-k * dt_ms))


def junction_constants(junction: JunctionParameters, n_units: int, dt_ms: float) -> dict:
    """Per-step constants of the junction stage.

    ``quanta_per_impulse`` is an array, shape (n_units,): quantal content differs
    between endplates by ± ``endplate_variability`` (evenly scattered, seed-independent);
    every other entry is a scalar. ``step`` is the tuple :func:`junction_step` takes and
    ``catch_up`` the one :func:`junction_catch_up` takes (see :data:`STEP_CONSTANTS` and
    :data:`CATCH_UP_CONSTANTS` for their order).

    Every per-step factor of a linear decay is the exact ``exp(-dt/τ)``; the rates that
    change from step to step (refilling, receptor gating, the endplate's conductance) are
    given as ``rate·dt`` and turned into factors in the step (:func:`decay_factor`).
    """
    from .nerve import scatter  # one helper for seed-independent scattering across units

    u = junction.release_fraction
    u_eff = min(0.95, u * release_factor(junction))
    spread = 1.0 + junction.endplate_variability * (2.0 * scatter(n_units, 0.37) - 1.0)
    ach_rate = (junction.hydrolysis_per_ms * junction.ache_activity
                + junction.diffusion_per_ms) * dt_ms
    desens_tau_ms = 1000.0 * junction.desensitization_recovery_s
    desens_decay = math.exp(-dt_ms / desens_tau_ms)
    c = dict(
        quanta_per_impulse=junction.quantal_content * junction.quantal_scale * u_eff / u * spread,
        release_fraction=u_eff,
        pool_recovery=dt_ms / (1000.0 * junction.pool_recovery_s),
        mobilisation=junction.mobilisation,
        activity_decay=math.exp(-dt_ms / 1000.0),
        ach_decay=math.exp(-ach_rate),
        ach_mean_factor=-math.expm1(-ach_rate) / ach_rate,  # mean of e^{-kt} over a step
        escape=junction.perijunctional_efficacy * _escape_fraction(junction, dt_ms),
        outer_decay=math.exp(-(junction.perijunctional_hydrolysis_per_ms * junction.ache_activity
                               + 1.0 / (1000.0 * junction.perijunctional_washout_s)) * dt_ms),
        overlap=junction.quantal_overlap_quanta,
        dilution_overlap=junction.dilution_per_ms * dt_ms * junction.quantal_overlap_quanta,
        ap_shunt=junction.ap_shunt,
        binding=junction.binding_rate * dt_ms,
        receptor_exit=dt_ms / junction.channel_open_time_ms
        + junction.desensitization_per_s * dt_ms / 1000.0,
        desens_decay=desens_decay,
        # D relaxes towards k_des τ_D × (mean open fraction of the step)
        desens_gain=junction.desensitization_per_s / 1000.0 * desens_tau_ms * (1.0 - desens_decay),
        conductance=junction.conductance_scale * junction.receptor_density,
        reversal=junction.reversal_mV,
        membrane=dt_ms / junction.endplate_time_constant_ms,
        inact_half=junction.inactivation_half_mV,
        inact_inv_width=1.0 / junction.inactivation_width_mV,
        na_decay=math.exp(-dt_ms / junction.inactivation_time_constant_ms),
        terminal_decay=math.exp(-dt_ms / junction.terminal_time_constant_ms),
        slow_decay=math.exp(-dt_ms / junction.slow_inactivation_recovery_ms),
    )
    c["step"] = tuple(float(c[name]) for name in STEP_CONSTANTS)
    c["catch_up"] = tuple(float(c[name]) for name in CATCH_UP_CONSTANTS)
    return c


STEP_CONSTANTS = ("pool_recovery", "mobilisation", "activity_decay", "ach_decay", "ach_mean_factor",
                  "escape", "outer_decay", "overlap", "dilution_overlap", "binding",
                  "receptor_exit", "desens_decay", "desens_gain", "conductance", "reversal",
                  "membrane", "inact_half", "inact_inv_width", "na_decay", "terminal_decay",
                  "slow_decay")
"""Order of the constants in the ``step`` tuple of :func:`junction_constants`."""

CATCH_UP_CONSTANTS = ("pool_recovery", "mobilisation", "activity_decay", "desens_decay",
                      "membrane", "inact_half", "inact_inv_width", "na_decay", "terminal_decay",
                      "slow_decay")
"""Order of the constants in the ``catch_up`` tuple of :func:`junction_constants`."""


@njit(cache=True, inline="always", error_model="numpy")
def decay_factor(x):
    r"""A stand-in for :math:`e^{-x}`, :math:`x \ge 0`: the (0, 2) Padé approximant
    :math:`1 / (1 + x + x^2/2)`.

    Second-order accurate (:math:`e^{-x}` to within :math:`x^3/6`), always in (0, 1] and
    falling with :math:`x`, → 0 for a stiff step (L-stable). A relaxation
    :math:`y \leftarrow y_\infty + (y - y_\infty)\,R(x)` with it therefore never overshoots
    :math:`y_\infty` however large ``rate × dt`` is; it costs one division, so the loop
    over endplates still vectorises (a call to ``exp`` would stop that).
    """
    return 1.0 / (1.0 + x * (1.0 + 0.5 * x))


@njit(cache=True, inline="always", error_model="numpy")
def na_availability_target(epp_mV, inact_half_mV, inact_inv_width):
    """Steady-state Na⁺ availability h∞ at an endplate depolarisation (smooth step).

    1 at half a width (``1 / inact_inv_width`` mV, ``inactivation_width_mV``) below
    ``inact_half_mV`` and lower, 0 at half a width above it and higher.
    """
    s = min(max((epp_mV - inact_half_mV) * inact_inv_width + 0.5, 0.0), 1.0)
    return 1.0 - s * s * (3.0 - 2.0 * s)


@njit(cache=True, inline="always", error_model="numpy")
def relative_refractory_threshold(steps_since_ap, dt_ms, threshold_mV, factor, time_constant_ms):
    """Fibre threshold (mV) ``steps_since_ap`` steps after its last action potential.

    ``θ (1 + k e^{-t/τ_rr})``: raised by the factor ``k`` just after an AP, relaxing to θ.
    """
    since_ms = steps_since_ap * dt_ms
    return threshold_mV * (1.0 + factor * math.exp(-since_ms / time_constant_ms))


@njit(cache=True, error_model="numpy")
def relative_refractory_table(n_steps, dt_ms, threshold_mV, factor, time_constant_ms):
    """:func:`relative_refractory_threshold` for 0 … ``n_steps`` − 1 steps since the last AP.

    Returns
    -------
    ndarray, shape (n_steps,)
        Thresholds in mV; the engine looks them up instead of calling ``exp`` every step
        an endplate sits above θ during its relative refractory period.
    """
    table = np.empty(n_steps)
    for k in range(n_steps):
        table[k] = relative_refractory_threshold(k, dt_ms, threshold_mV, factor,
                                                 time_constant_ms)
    return table


def quiet_epp_limit_mV(junction: JunctionParameters) -> float:
    """Highest EPP (mV) at which a quiet endplate may be advanced in closed form.

    Below it the fibre cannot reach threshold and h∞ is constant (the EPP only decays
    once ACh is gone), so the closed form of :func:`junction_catch_up` is exact.
    """
    flat_h = junction.inactivation_half_mV - 0.5 * junction.inactivation_width_mV  # h∞ = 1 below
    return min(0.5 * junction.fibre_threshold_mV, flat_h) if flat_h > 0 else 1e-6


@njit(cache=True, error_model="numpy")
def junction_catch_up(k, pool, desens, epp, na_h, terminal, activity, na_slow, pool_recovery,
                      mobilisation, activity_decay, desens_decay, membrane, inact_half,
                      inact_inv_width, na_decay, terminal_decay, slow_decay):
    r"""Advance a quiet endplate (no cleft or perijunctional ACh, no open channels) by ``k``
    steps at once.

    With ACh and open channels at zero every variable relaxes linearly, so ``k`` steps
    of :func:`junction_step` have a closed form: each variable moves towards its
    resting value by the per-step factor to the power ``k``. The vesicle pool refills
    at a rate that follows the decaying activity; its product over the steps is taken to
    second order in the per-step refill fraction (error ~ k·r³, r ≤ 0.002 at 0.1 ms).

    Returns
    -------
    pool, desens, epp, na_h, terminal, activity, na_slow : float
    """
    if k <= 0:
        return pool, desens, epp, na_h, terminal, activity, na_slow
    r = pool_recovery
    m = mobilisation
    d = activity_decay
    dk = d ** k
    s1 = (1.0 - dk) / (1.0 - d)
    s2 = (1.0 - dk * dk) / (1.0 - d * d)
    sum_x = r * k + r * m * activity * s1
    sum_x2 = r * r * (k + 2.0 * m * activity * s1 + m * m * activity * activity * s2)
    pool = 1.0 - (1.0 - pool) * math.exp(-sum_x - 0.5 * sum_x2)
    activity *= dk
    desens *= desens_decay ** k
    epp *= decay_factor(membrane) ** k
    h_rest = na_availability_target(0.0, inact_half, inact_inv_width)
    na_h = h_rest + (na_h - h_rest) * na_decay ** k
    terminal *= terminal_decay ** k
    na_slow = 1.0 - (1.0 - na_slow) * slow_decay ** k
    return pool, desens, epp, na_h, terminal, activity, na_slow


@njit(cache=True, inline="always", error_model="numpy")
def endplate_potential_step(epp, g, membrane, reversal):
    r"""Advance the endplate potential by one step at a conductance ``g`` held over the step.

    :math:`\tau_e\,dV/dt = -V + g\,(E - V)` relaxes towards
    :math:`V_\infty = gE/(1 + g)` at the rate :math:`(1 + g)/\tau_e`; the step is
    :math:`V_\infty + (V - V_\infty)\,R(x)` with :math:`x` = ``membrane`` × (1 + g)
    (``membrane`` = dt/τ_e) and :math:`R` = :func:`decay_factor`, written with one
    division. It stays between V and :math:`V_\infty` — inside [0, E] — for any
    conductance and step (an explicit Euler step overshoots once
    :math:`x > 1` and grows without bound once :math:`x > 2`).

    Parameters
    ----------
    epp : float
        Endplate potential (mV above rest).
    g : float
        Endplate conductance over the step, relative to the resting membrane's.
    membrane : float
        ``dt/τ_e``.
    reversal : float
        :math:`E`, the ACh receptors' reversal potential (mV above rest).

    Returns
    -------
    float
        The new EPP (mV above rest).
    """
    x = membrane * (1.0 + g)
    return (epp + membrane * g * reversal * (1.0 + 0.5 * x)) / (1.0 + x * (1.0 + 0.5 * x))


@njit(cache=True, inline="always", error_model="numpy")
def junction_step(pool, ach, outer, open_, desens, epp, na_h, terminal, activity, na_slow, c):
    r"""Advance one endplate's continuous dynamics by one step (branch-free).

    ``c`` is the ``step`` tuple of :func:`junction_constants` (order
    :data:`STEP_CONSTANTS`). Every update is exact or a relaxation that cannot overshoot
    its target (:func:`decay_factor`), so no rate or step size can make a state leave its
    range: the vesicle pool, the receptor fractions and Na⁺ availabilities stay in
    [0, 1], ACh ≥ 0, the EPP in [0, E].

    * refilling: ``pool → 1`` at the rate ``pool_recovery × (1 + mobilisation ×
      activity)`` (``activity`` counts recent nerve impulses, decays over 1 s), an Euler
      step that stops at a full pool (the rate × dt is ≤ 0.002 at 0.1 ms by default);
    * cleft ACh: the linear loss (hydrolysis and escape from a flooded cleft) exactly,
      the lateral dilution of isolated quanta semi-implicitly; the receptors and the
      terminal see the ACh *averaged over the step* (the exact mean of the linear loss,
      diluted like the end value) — with working AChE the ACh of a release is mostly gone
      within one 0.1 ms step, and its value at the end of the step would undercount it by
      a quarter;
    * ``outer``: the perijunctional ACh weighted by its efficacy (:math:`c P`, in quanta of
      cleft ACh that act alike), fed by the escaping share of the cleft ACh;
    * receptors: closed → open at ``binding × ACh``, open → closed (``channel_open_time``)
      and open → desensitised, desensitised → closed; the open fraction relaxes to its
      equilibrium with the desensitised fraction held, the desensitised fraction to
      :math:`k_{des}\tau_D` × the step's mean open fraction (exact for that mean), and
      :math:`O + D \le 1` is kept (the exact flow never leaves it; the split step could
      by rounding);
    * the EPP with the step's mean conductance (:func:`endplate_potential_step`);
      Na⁺ availability, the terminal's integrated ACh and slow inactivation with their
      exact decay factors.

    Returns
    -------
    pool, ach, outer, open, desens, epp, na_h, terminal, activity, na_slow : float
    """
    (pool_recovery, mobilisation, activity_decay, ach_decay, ach_mean_factor, escape,
     outer_decay, overlap, dilution_overlap, binding, receptor_exit, desens_decay, desens_gain,
     conductance, reversal, membrane, inact_half, inact_inv_width, na_decay, terminal_decay,
     slow_decay) = c
    # refilling: an Euler step, held at a full pool when rate × dt ≥ 1 (no overshoot)
    pool = 1.0 - (1.0 - pool) * max(0.0, 1.0 - pool_recovery * (1.0 + mobilisation * activity))
    activity *= activity_decay
    # ACh that escapes the cleft joins the perijunctional pool, which AChE outside the
    # cleft clears (or, when it is inhibited, washout over seconds)
    outer = outer * outer_decay + escape * ach
    # cleft: exact linear loss, then lateral dilution semi-implicitly,
    # lin / (1 + k_s dt A_o / (lin + A_o)); the mean over the step is the exact mean of the
    # linear loss, (1 - e^{-k dt}) / (k dt) × ACh, diluted alike (one division for both)
    lin = ach * ach_decay
    spread = lin + overlap
    diluted = spread / (spread + dilution_overlap)
    ach_mean = ach * ach_mean_factor * diluted
    ach = lin * diluted
    # receptors: O relaxes to b (1 - D) / (b + exit) with D held
    b = binding * (ach_mean + outer)
    x = b + receptor_exit
    new_open = (open_ + b * (1.0 - desens) * (1.0 + 0.5 * x)) / (1.0 + x * (1.0 + 0.5 * x))
    open_mean = 0.5 * (open_ + new_open)
    open_ = new_open
    desens = min(desens * desens_decay + desens_gain * open_mean, 1.0 - open_)
    epp = endplate_potential_step(epp, conductance * open_mean, membrane, reversal)
    # Na+ availability: smooth step from 1 (half a width below the midpoint) to 0 (above)
    target = na_availability_target(epp, inact_half, inact_inv_width)
    na_h = target + (na_h - target) * na_decay
    terminal = ach_mean + (terminal - ach_mean) * terminal_decay
    na_slow = 1.0 - (1.0 - na_slow) * slow_decay
    return pool, ach, outer, open_, desens, epp, na_h, terminal, activity, na_slow


# ------------------------------------------------------------------- the stage in the loop
STAGE = "junction"
"""This stage's name in the schedule (:mod:`neurosim.schedule`) and in the bundles."""

ENDPLATE_BLOCK = 8
"""Endplates go quiet and wake up in blocks of this many neighbours (units of similar
size): a block is stepped as one vector of doubles, and skipped while all of it rests."""

N_ACTIVATIONS, N_IMPULSES, APS_NOW = range(3)
"""Indices into :attr:`State.counts`: fibre APs and nerve impulses in this chunk's event
buffers, fibre APs this step (listed in ``ap_unit``/``ap_interval_steps`` for the muscle)."""


class Constants(NamedTuple):
    """The junction's constants for one run (see :func:`junction_constants`)."""

    quanta_per_impulse: np.ndarray  # (n_units,)
    release_fraction: float
    step: tuple  # junction_step's constants (STEP_CONSTANTS)
    catch_up: tuple  # junction_catch_up's constants (CATCH_UP_CONSTANTS)
    ap_shunt: float
    fibre_threshold_mV: float
    fibre_refractory_steps: int
    relative_refractory_factor: float
    relative_refractory_ms: float
    relative_refractory_table: np.ndarray  # thresholds (mV) by steps since the last AP
    terminal_threshold: float
    use_dependent: float
    terminal_refractory_steps: int
    quiet_epp_mV: float
    block_always_active: np.ndarray  # (n_blocks,) blocks of recorded endplates


class State(NamedTuple):
    """Every endplate's state, padded to whole blocks of :data:`ENDPLATE_BLOCK`: vesicle
    ``pool``, cleft ``ach`` and efficacy-weighted perijunctional ``outer`` ACh (quanta),
    receptors ``open``/``desens``, ``epp`` (mV), fibre Na⁺ availability ``na_h`` and
    ``na_slow``, ``terminal`` (autoreceptor ACh), ``activity``, ``fibre_refractory`` steps
    left, ``armed`` terminals, ``last_impulse`` step, and this step's flags
    ``needs_events``/``at_threshold``; per unit ``last_fibre_ap`` and ``release_flag``;
    per block ``quiet`` and ``quiet_step``; this step's fibre APs for the muscle
    (``ap_unit``, ``ap_interval_steps``: steps since the fibre's previous AP, −1 for its
    first); ``counts``; the chunk's event buffers (fibre APs, nerve impulses)."""

    pool: np.ndarray
    ach: np.ndarray
    outer: np.ndarray
    open: np.ndarray
    desens: np.ndarray
    epp: np.ndarray
    na_h: np.ndarray
    terminal: np.ndarray
    activity: np.ndarray
    na_slow: np.ndarray
    fibre_refractory: np.ndarray
    armed: np.ndarray
    last_impulse: np.ndarray
    needs_events: np.ndarray
    at_threshold: np.ndarray
    last_fibre_ap: np.ndarray
    release_flag: np.ndarray
    quiet: np.ndarray
    quiet_step: np.ndarray
    ap_unit: np.ndarray
    ap_interval_steps: np.ndarray
    counts: np.ndarray
    act_step: np.ndarray
    act_unit: np.ndarray
    act_flag: np.ndarray
    imp_step: np.ndarray
    imp_unit: np.ndarray
    imp_flag: np.ndarray


class Inputs(NamedTuple):
    """Spontaneous quanta (miniature EPPs) of one chunk: ``step``, ``unit`` sorted by step;
    ``cursor`` (1,) the next to deliver."""

    step: np.ndarray
    unit: np.ndarray
    cursor: np.ndarray


class Outputs(NamedTuple):
    """EPP (mV), cleft ACh (quanta) and open receptors of the recorded endplates at every
    step, shape (n_steps, n_recorded)."""

    epp: np.ndarray
    ach: np.ndarray
    open: np.ndarray


def prepare(run):
    """Constants, initial state and outputs of the junction for ``run``.

    Every endplate starts at rest, quiet "since before step 0", except the blocks of the
    recorded ones, which are stepped every step so that their traces are exact; the
    padding endplates stay at rest (no nerve reaches them).
    """
    p, dt_ms, n = run.parameters.junction, run.dt_ms, run.parameters.pool.n_units
    jc = junction_constants(p, n, dt_ms)
    n_blocks = -(-n // ENDPLATE_BLOCK)
    n_padded = n_blocks * ENDPLATE_BLOCK
    always = np.zeros(n_blocks, dtype=np.bool_)
    always[run.record_units // ENDPLATE_BLOCK] = True
    c = Constants(
        quanta_per_impulse=jc["quanta_per_impulse"], release_fraction=jc["release_fraction"],
        step=jc["step"], catch_up=jc["catch_up"], ap_shunt=jc["ap_shunt"],
        fibre_threshold_mV=p.fibre_threshold_mV,
        fibre_refractory_steps=max(1, int(round(p.fibre_refractory_ms / dt_ms))),
        relative_refractory_factor=p.relative_refractory_factor,
        relative_refractory_ms=p.relative_refractory_ms,
        relative_refractory_table=relative_refractory_table(  # for 20 time constants
            int(math.ceil(20.0 * p.relative_refractory_ms / dt_ms)), dt_ms,
            p.fibre_threshold_mV, p.relative_refractory_factor, p.relative_refractory_ms),
        terminal_threshold=p.terminal_threshold_quanta, use_dependent=p.use_dependent_inactivation,
        terminal_refractory_steps=int(round(p.terminal_refractory_ms / dt_ms)),
        quiet_epp_mV=quiet_epp_limit_mV(p), block_always_active=always)
    zeros = lambda dtype=np.float64: np.zeros(n_padded, dtype=dtype)  # noqa: E731
    cap = run.event_capacity
    state = State(
        pool=np.ones(n_padded), ach=zeros(), outer=zeros(), open=zeros(), desens=zeros(),
        epp=zeros(), na_h=np.ones(n_padded), terminal=zeros(), activity=zeros(),
        na_slow=np.ones(n_padded), fibre_refractory=zeros(np.int64),
        armed=np.ones(n_padded, dtype=np.bool_),
        last_impulse=np.full(n_padded, -1_000_000, dtype=np.int64),
        needs_events=zeros(np.bool_), at_threshold=zeros(np.bool_),
        last_fibre_ap=np.full(n, -1, dtype=np.int64), release_flag=np.zeros(n, dtype=np.int8),
        quiet=~always, quiet_step=np.full(n_blocks, -1, dtype=np.int64),
        ap_unit=np.zeros(n, dtype=np.int64), ap_interval_steps=np.zeros(n, dtype=np.int64),
        counts=np.zeros(3, dtype=np.int64),
        act_step=np.empty(cap["activations"], dtype=np.int64),
        act_unit=np.empty(cap["activations"], dtype=np.int32),
        act_flag=np.empty(cap["activations"], dtype=np.int8),
        imp_step=np.empty(cap["impulses"], dtype=np.int64),
        imp_unit=np.empty(cap["impulses"], dtype=np.int32),
        imp_flag=np.empty(cap["impulses"], dtype=np.int8))
    n_rec = run.record_units.size
    outputs = Outputs(*(np.zeros((run.n_steps, n_rec)) for _ in Outputs._fields))
    run.events["activations"] = []
    run.events["impulses"] = []
    return c, state, outputs


SPONTANEOUS_WINDOW_MS = 1000.0
"""Spontaneous quanta are drawn one window of this much simulated time at a time (the last
window ends with the run), whatever the chunks the loop runs in."""


class SpontaneousQuanta:
    """Spontaneous quanta (miniature EPPs) of every endplate, window by window.

    Superposed Poisson processes drawn in continuous time — a Poisson count for each
    :data:`SPONTANEOUS_WINDOW_MS` window, uniform times, a random unit each — and reported at
    step ``floor(t / dt)``: the same quanta whatever dt (so runs at dt and dt/2 can be
    compared) and whatever the chunk size (so a run cut into chunks equals the whole run).

    Parameters
    ----------
    rate_hz : float
        Rate per endplate (``junction.spontaneous_rate_hz``).
    n_units : int
    dt_ms : float
    n_steps : int
        Steps of the run.
    rng : numpy.random.Generator
        The only source of randomness.
    """

    def __init__(self, rate_hz: float, n_units: int, dt_ms: float, n_steps: int,
                 rng: np.random.Generator):
        self._rate_hz, self._n, self._dt_ms, self._rng = rate_hz, n_units, dt_ms, rng
        self._window_steps = int(round(SPONTANEOUS_WINDOW_MS / dt_ms))
        self._n_steps = n_steps
        self._drawn_to = 0  # windows drawn up to this step
        self._step = np.zeros(0, dtype=np.int64)
        self._unit = np.zeros(0, dtype=np.int64)

    def _draw_window(self):
        start = self._drawn_to
        k_steps = min(self._window_steps, self._n_steps - start)
        count = self._rng.poisson(self._rate_hz * self._n * k_steps * self._dt_ms / 1000.0)
        time_ms = np.sort(self._rng.random(count)) * (k_steps * self._dt_ms)
        step = start + np.minimum(np.floor(time_ms / self._dt_ms).astype(np.int64), k_steps - 1)
        unit = self._rng.integers(0, self._n, size=count, dtype=np.int64)
        self._step = np.concatenate([self._step, step])
        self._unit = np.concatenate([self._unit, unit])
        self._drawn_to = start + k_steps

    def events(self, step0: int, n_steps: int):
        """Quanta at steps ``step0 … step0 + n_steps − 1`` (chunks asked for in order).

        Returns
        -------
        step, unit : int64 ndarray, shape (n_quanta,), sorted by step
        """
        end = step0 + n_steps
        while self._drawn_to < end:
            self._draw_window()
        inside = (self._step >= step0) & (self._step < end)
        step, unit = self._step[inside], self._unit[inside]
        keep = self._step >= end  # later chunks' quanta only
        self._step, self._unit = self._step[keep], self._unit[keep]
        return step, unit


def chunk_inputs(run, step0, time_s):
    """Spontaneous quanta of this chunk (:class:`SpontaneousQuanta`, the run's spontaneous
    stream)."""
    quanta = run.cached("spontaneous_quanta", lambda: SpontaneousQuanta(
        run.parameters.junction.spontaneous_rate_hz, run.parameters.pool.n_units, run.dt_ms,
        run.n_steps, run.rngs["spontaneous"]))
    step, unit = quanta.events(step0, time_s.size)
    return Inputs(step, unit, np.zeros(1, dtype=np.int64))


@njit(cache=True, inline="always", error_model="numpy")
def _endplate_events(fibre_refractory, epp, na_h, na_slow, terminal, armed, steps_since_impulse,
                     fibre_threshold, terminal_threshold, terminal_refractory_steps):
    """The branch-free part of an endplate's events this step.

    Counts the fibre's absolute refractory period down, re-arms the terminal once its own
    ACh has come and gone, and finds what the event pass must look at: a fibre that
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


@njit(cache=True, error_model="numpy")
def _wake_block(block, last_step, st, catch_up):
    """Bring the quiet endplates of ``block`` to the end of step ``last_step`` in closed form
    (:func:`junction_catch_up`) and mark the block active.

    Called only on the rare wake-ups (a nerve impulse or a spontaneous quantum reaching
    one of its endplates), so it is not inlined into the loop.
    """
    steps = last_step - st.quiet_step[block]
    for i in range(block * ENDPLATE_BLOCK, (block + 1) * ENDPLATE_BLOCK):
        (st.pool[i], st.desens[i], st.epp[i], st.na_h[i], st.terminal[i], st.activity[i],
         st.na_slow[i]) = junction_catch_up(steps, st.pool[i], st.desens[i], st.epp[i],
                                            st.na_h[i], st.terminal[i], st.activity[i],
                                            st.na_slow[i], *catch_up)
    st.quiet[block] = False


@njit(cache=True, inline="always", error_model="numpy")
def _release(st, c, i, s, flag):
    """Nerve impulse ``flag`` at terminal ``i``, step ``s``: a fraction of the vesicle pool is
    released into the cleft (its ACh acts from the next step) and the impulse recorded."""
    st.ach[i] += c.quanta_per_impulse[i] * st.pool[i]
    st.pool[i] -= c.release_fraction * st.pool[i]
    st.activity[i] += 1.0
    st.release_flag[i] = flag
    st.last_impulse[i] = s
    n_imp = st.counts[N_IMPULSES]
    if n_imp == st.imp_step.shape[0]:  # never: sized by the refractory periods
        raise RuntimeError("neurosim: event buffer full (a bug; please report)")
    st.imp_step[n_imp] = s
    st.imp_unit[n_imp] = i
    st.imp_flag[n_imp] = flag
    st.counts[N_IMPULSES] = n_imp + 1


@njit(cache=True, inline="always", error_model="numpy")
def _fibre_ap(st, c, i, s, dt_ms):
    """Fibre ``i`` at its resting threshold: an action potential if the EPP, scaled by Na⁺
    availability, also clears the relative-refractory threshold; the AP is handed to the
    muscle (``ap_unit``) and recorded."""
    since = s - st.last_fibre_ap[i]
    table = c.relative_refractory_table
    if since < table.shape[0]:
        threshold = table[since]
    else:
        threshold = relative_refractory_threshold(since, dt_ms, c.fibre_threshold_mV,
                                                  c.relative_refractory_factor,
                                                  c.relative_refractory_ms)
    if not st.epp[i] * st.na_h[i] * st.na_slow[i] >= threshold:
        return
    st.na_slow[i] -= c.use_dependent * st.na_slow[i]
    # the AP shunts ("wipes out") the EPP (Fatt & Katz 1951): another AP needs endplate
    # current that outlasts the refractory period
    st.epp[i] -= c.ap_shunt * st.epp[i]
    q = st.counts[APS_NOW]
    st.ap_unit[q] = i
    st.ap_interval_steps[q] = since if st.last_fibre_ap[i] >= 0 else -1
    st.counts[APS_NOW] = q + 1
    st.last_fibre_ap[i] = s
    st.fibre_refractory[i] = c.fibre_refractory_steps
    n_act = st.counts[N_ACTIVATIONS]
    if n_act == st.act_step.shape[0]:  # never: sized by the refractory periods
        raise RuntimeError("neurosim: event buffer full (a bug; please report)")
    st.act_step[n_act] = s
    st.act_unit[n_act] = i
    st.act_flag[n_act] = st.release_flag[i]
    st.counts[N_ACTIVATIONS] = n_act + 1


@njit(cache=True, inline="always", error_model="numpy")
def transmit(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``junction``: spontaneous quanta; every active endplate's continuous dynamics;
    the nerve impulses reaching the terminals now (release), fibre APs and self-firing
    terminals; quiet blocks once per ms.

    Reads the nerve's delay line (``states.nerve``, row ``s``) and consumes it; lists this
    step's fibre APs for the muscle.
    """
    c, st, spont = consts.junction, states.junction, inputs.junction
    dt_ms = consts.run.dt_ms
    n = st.last_fibre_ap.shape[0]
    n_blocks = st.quiet.shape[0]
    st.counts[APS_NOW] = 0
    # spontaneous quanta (miniature EPPs)
    p = spont.cursor[0]
    while p < spont.step.shape[0] and spont.step[p] == s:
        u = spont.unit[p]
        if st.quiet[u // ENDPLATE_BLOCK]:  # wake it: to the end of the previous step
            _wake_block(u // ENDPLATE_BLOCK, s - 1, st, c.catch_up)
        st.ach[u] += 1.0  # one spontaneous quantum (a miniature EPP)
        p += 1
    spont.cursor[0] = p
    # the continuous dynamics of every endplate in a block that is not quiet, and a flag
    # for those that need event handling below
    ring = states.nerve.muscle_ring
    row = s % ring.shape[0]
    busy = states.nerve.ring_count[row]  # impulses arriving now (quiet endplates included)
    b = 0
    while b < n_blocks:
        if st.quiet[b]:
            b += 1
            continue
        first = b  # a run of active blocks: one loop of unknown length, so it vectorises
        while b < n_blocks and not st.quiet[b]:
            b += 1
        # unsigned bounds: numba then skips the negative-index check, which would
        # otherwise keep LLVM from vectorising
        for i in range(np.uint64(first * ENDPLATE_BLOCK), np.uint64(b * ENDPLATE_BLOCK)):
            (st.pool[i], st.ach[i], st.outer[i], st.open[i], st.desens[i], st.epp[i],
             st.na_h[i], st.terminal[i], st.activity[i], st.na_slow[i]) = junction_step(
                st.pool[i], st.ach[i], st.outer[i], st.open[i], st.desens[i], st.epp[i],
                st.na_h[i], st.terminal[i], st.activity[i], st.na_slow[i], c.step)
            (st.fibre_refractory[i], st.at_threshold[i], st.armed[i],
             flagged) = _endplate_events(st.fibre_refractory[i], st.epp[i], st.na_h[i],
                                         st.na_slow[i], st.terminal[i], st.armed[i],
                                         s - st.last_impulse[i], c.fibre_threshold_mV,
                                         c.terminal_threshold, c.terminal_refractory_steps)
            st.needs_events[i] = flagged
            busy += flagged
    # events: nerve impulses (their ACh acts from the next step), fibre APs (one twitch
    # each) and self-firing terminals
    for i in range(n if busy > 0 else 0):
        if not st.needs_events[i] and ring[row, i] == 0:
            continue
        busy -= st.needs_events[i] + (ring[row, i] != 0)
        if st.quiet[i // ENDPLATE_BLOCK]:  # woken by a nerve impulse: to this step's end
            _wake_block(i // ENDPLATE_BLOCK, s, st, c.catch_up)
        flag = ring[row, i]
        if flag != 0:
            ring[row, i] = 0
            st.armed[i] = False  # the terminal has just fired: it re-arms later
            _release(st, c, i, s, flag)
        if st.at_threshold[i]:
            _fibre_ap(st, c, i, s, dt_ms)
        if st.armed[i] and st.terminal[i] >= c.terminal_threshold:
            st.armed[i] = False
            _release(st, c, i, s, SOURCE_TERMINAL)
        if busy == 0:
            break  # every endplate with something to do has been seen
    states.nerve.ring_count[row] = 0  # this row is consumed
    # once per ms: a block whose endplates all have no ACh, no open channels, a low EPP and
    # nothing pending goes quiet; it is left alone until something happens to one of them,
    # and then advanced in closed form (junction_catch_up)
    if s % consts.run.steps_per_ms == 0:
        for b in range(n_blocks):
            if st.quiet[b] or c.block_always_active[b]:
                continue
            resting = 0
            for i in range(b * ENDPLATE_BLOCK, (b + 1) * ENDPLATE_BLOCK):
                resting += _can_rest(st.ach[i], st.outer[i], st.open[i], st.epp[i],
                                     st.fibre_refractory[i], st.terminal[i], c.quiet_epp_mV,
                                     c.terminal_threshold)
            if resting == ENDPLATE_BLOCK:
                for i in range(b * ENDPLATE_BLOCK, (b + 1) * ENDPLATE_BLOCK):
                    st.ach[i] = 0.0
                    st.outer[i] = 0.0
                    st.open[i] = 0.0
                    st.needs_events[i] = False  # only a nerve impulse wakes it
                    st.at_threshold[i] = False
                st.quiet[b] = True
                st.quiet_step[b] = s


@njit(cache=True, inline="always", error_model="numpy")
def record_units(s, k, j, bus, states, consts, inputs, outputs):
    """Slot ``units``: EPP, cleft ACh and open receptors of the recorded endplates."""
    st, out = states.junction, outputs.junction
    units = consts.run.record_units
    for q in range(units.shape[0]):
        u = units[q]
        out.epp[s, q] = st.epp[u]
        out.ach[s, q] = st.ach[u]
        out.open[s, q] = st.open[u]


HOOKS = {"junction": transmit, "units": record_units}
"""The schedule slots this stage joins (:data:`neurosim.schedule.SLOTS`)."""


def end_chunk(run, state) -> None:
    """Keep this chunk's fibre APs and nerve impulses; empty the buffers."""
    a, i = state.counts[N_ACTIVATIONS], state.counts[N_IMPULSES]
    run.events["activations"].append((state.act_step[:a].copy(), state.act_unit[:a].copy(),
                                      state.act_flag[:a].copy()))
    run.events["impulses"].append((state.imp_step[:i].copy(), state.imp_unit[:i].copy(),
                                   state.imp_flag[:i].copy()))
    state.counts[N_ACTIVATIONS] = 0
    state.counts[N_IMPULSES] = 0


def results(run, constants, state, outputs) -> dict:
    """This stage's fields of the :class:`~neurosim.SimulationResult`."""
    dt_s = run.dt_ms / 1000.0
    act, imp = run.events["activations"], run.events["impulses"]
    return dict(
        activation_times_s=np.concatenate([a[0] for a in act]) * dt_s,
        activation_units=np.concatenate([a[1] for a in act]),
        activation_sources=np.concatenate([a[2] for a in act]),
        nerve_impulse_times_s=np.concatenate([a[0] for a in imp]) * dt_s,
        nerve_impulse_units=np.concatenate([a[1] for a in imp]),
        nerve_impulse_sources=np.concatenate([a[2] for a in imp]),
        endplate_mV=outputs.epp, cleft_ach=outputs.ach, receptor_open=outputs.open)
