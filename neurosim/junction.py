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

Cleft ACh :math:`A` (in quanta) is removed by hydrolysis and diffusion,

.. math:: \frac{dA}{dt} = -(k_h\,a_{AChE} + k_d)\,A,

so inhibiting AChE (:math:`a_{AChE} \to 0`) lets ACh linger and rebind. Receptors
open and desensitise,

.. math:: \frac{dO}{dt} = k_{on} A (1 - O - D) - \frac{O}{\tau_o}, \qquad
          \frac{dD}{dt} = k_{des} O - \frac{D}{\tau_{D}},

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
          \frac{dh}{dt} = \frac{h_\infty(V) - h}{\tau_h}.

No firing rule is scripted beyond this: one-to-one relay in health, several
fibre APs per nerve impulse when the EPP outlasts the refractory period,
depolarisation block when :math:`V` stays high, failures when the EPP is small.

The nerve terminal itself carries nicotinic autoreceptors: it integrates
lingering cleft ACh, :math:`\tau_T\,dT/dt = A - T`, and fires when :math:`T`
exceeds ``terminal_threshold_quanta``. Every impulse (its own or one arriving down the
axon) disarms the terminal until :math:`T` has fallen below half the threshold, so
the ACh of an ordinary evoked release never re-fires it. With working AChE this never happens;
when AChE is inhibited, spontaneous quanta can fire the terminal — a
fasciculation of the whole unit.
"""

from __future__ import annotations

import math

from numba import njit

from .parameters import JunctionParameters

__all__ = ["junction_constants", "release_factor", "junction_step", "electrolyte_ectopic_rate_hz"]

_CA0, _MG0 = 1.2, 0.8


def release_factor(junction: JunctionParameters) -> float:
    """Release probability relative to normal Ca²⁺/Mg²⁺ (Dodge & Rahamimoff fourth power)."""
    effective = junction.calcium_mM / (1.0 + junction.magnesium_mM)
    return (effective / (_CA0 / (1.0 + _MG0))) ** 4


def electrolyte_ectopic_rate_hz(junction: JunctionParameters) -> float:
    """Ectopic axonal discharge rate (Hz per axon) caused by low Ca²⁺ and Mg²⁺.

    A caricature of hypocalcaemic hyperexcitability: nothing until the combined
    shortfall ``(Ca0 − Ca)/Ca0 + ½ (Mg0 − Mg)/Mg0`` exceeds 0.2, then rising to
    20 Hz (tetany) at a shortfall of 0.7.
    """
    shortfall = ((_CA0 - junction.calcium_mM) / _CA0
                 + 0.5 * (_MG0 - junction.magnesium_mM) / _MG0)
    x = min(max((shortfall - 0.2) / 0.5, 0.0), 1.0)
    return 20.0 * x * x


def junction_constants(junction: JunctionParameters, n_units: int, dt_ms: float) -> dict:
    """Per-step constants of the junction stage.

    ``quanta_per_impulse`` is an array, shape (n_units,): quantal content differs
    between endplates by ± ``endplate_variability`` (evenly scattered, seed-independent);
    every other entry is a scalar.
    """
    from .nerve import scatter  # one helper for seed-independent scattering across units

    u = junction.release_fraction
    u_eff = min(0.95, u * release_factor(junction))
    spread = 1.0 + junction.endplate_variability * (2.0 * scatter(n_units, 0.37) - 1.0)
    return dict(
        quanta_per_impulse=junction.quantal_content * junction.quantal_scale * u_eff / u * spread,
        release_fraction=u_eff,
        pool_recovery=dt_ms / (1000.0 * junction.pool_recovery_s),
        mobilisation=junction.mobilisation,
        activity_decay=math.exp(-dt_ms / 1000.0),
        ach_decay=math.exp(-(junction.hydrolysis_per_ms * junction.ache_activity
                             + junction.diffusion_per_ms) * dt_ms),
        binding=junction.binding_rate * dt_ms,
        closing=dt_ms / junction.channel_open_time_ms,
        desensitization=junction.desensitization_per_s * dt_ms / 1000.0,
        resensitization=dt_ms / (1000.0 * junction.desensitization_recovery_s),
        conductance=junction.conductance_scale * junction.receptor_density,
        reversal=junction.reversal_mV,
        membrane=dt_ms / junction.endplate_time_constant_ms,
        inact_half=junction.inactivation_half_mV,
        inact_rate=dt_ms / junction.inactivation_time_constant_ms,
        terminal_rate=dt_ms / junction.terminal_time_constant_ms,
        slow_recovery=dt_ms / junction.slow_inactivation_recovery_ms,
    )


@njit(cache=True, inline="always", error_model="numpy")
def junction_step(pool, ach, open_, desens, epp, na_h, terminal, activity, na_slow,
                  pool_recovery, mobilisation, activity_decay, ach_decay, binding, closing,
                  desensitization, resensitization, conductance, reversal, membrane, inact_half,
                  inact_rate, terminal_rate, slow_recovery):
    """Advance one endplate's continuous dynamics by one step (branch-free).

    ``activity`` counts recent nerve impulses (decays over 1 s) and speeds refilling.

    Returns
    -------
    pool, ach, open, desens, epp, na_h, terminal, activity, na_slow : float
    """
    pool += (1.0 - pool) * pool_recovery * (1.0 + mobilisation * activity)
    activity *= activity_decay
    ach *= ach_decay
    # semi-implicit update: stays within [0, 1 - desens] however much ACh lingers
    bound = binding * ach
    open_ = (open_ + bound * (1.0 - desens)) / (1.0 + bound + closing)
    desens += desensitization * open_ - desens * resensitization
    g = conductance * open_
    epp += membrane * (g * (reversal - epp) - epp)
    # Na+ availability: smooth step from 1 (8 mV below the midpoint) to 0 (8 mV above)
    s = min(max((epp - inact_half) / 16.0 + 0.5, 0.0), 1.0)
    h_inf = 1.0 - s * s * (3.0 - 2.0 * s)
    na_h += (h_inf - na_h) * inact_rate
    terminal += (ach - terminal) * terminal_rate
    na_slow += (1.0 - na_slow) * slow_recovery
    return pool, ach, open_, desens, epp, na_h, terminal, activity, na_slow
