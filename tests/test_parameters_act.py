"""Every declared parameter changes something the model computes.

A parameter that does nothing teaches something false (a student moves it and concludes the
mechanism does not matter). For every field of :class:`neurosim.Parameters`, this runs a small
battery of protocols that between them exercise every stage — a voluntary contraction with a
sensory volley, the same volley below a spinal injury, a passive stretch, a free ankle under
load with a push, a free ankle pushed to both ends of its range, a nerve-conduction study,
a poisoned junction (with hyperexcitable axons, or with brisk terminal autoreceptors)
under a fast train, and a shock to a muscle months after an axon loss — once at the defaults and
once with the field moved to another allowed value, and asserts that some output array
differs.
"""

import numpy as np
import pytest

from neurosim import Parameters, simulate
from neurosim.experiments import clonus_protocol, stretch_protocol
from neurosim.parameters import field_specs
from neurosim.protocols import (FreeLimb, NerveStimulation, Noise, Protocol, Pulses,
                                TorquePulses, Trapezoid)

OUTPUTS = ("force_N", "emg_mV", "spike_times_s", "spike_units", "activation_times_s",
           "nerve_impulse_times_s", "nerve_impulse_sources", "joint_angle_deg",
           "joint_torque_Nm", "inhibition", "ia_rate_hz", "pic_activation", "endplate_mV",
           "membrane_mV", "cleft_ach", "receptor_open")

# (name, base changes, protocol, duration_s)
PROBES = (
    ("voluntary + volley", {}, Protocol(
        Trapezoid(start_s=0.2, rise_s=0.3, hold_s=0.5, fall_s=0.3, level=0.4),
        Pulses(times_s=(1.5,), width_ms=150.0, amplitude=0.3), Noise()), 2.2),
    ("injured cord, volley",
     {"inhibition.descending": 0.2, "inhibition.presynaptic": 0.2, "pic.strength": 1.0},
     Protocol(Pulses(times_s=(0.2,), width_ms=150.0, amplitude=0.3), Noise()), 1.5),
    ("passive stretch", {}, stretch_protocol(100.0, hold_s=0.3, start_s=0.2), 0.8),
    ("free ankle, push", {}, clonus_protocol(load_torque_Nm=5.0, at_s=0.3), 1.5),
    # pushed hard both ways, the foot meets the ends of its range of motion
    ("free ankle, pushed to both limits", {}, Protocol(
        FreeLimb(), TorquePulses(times_s=(0.1,), torque_Nm=-100.0, width_ms=100.0),
        TorquePulses(times_s=(0.5,), torque_Nm=100.0, width_ms=150.0)), 0.9),
    ("conduction study", {}, Protocol(
        NerveStimulation(times_s=(0.05,), intensity_mA=60.0, site="distal"),
        NerveStimulation(times_s=(0.15,), intensity_mA=60.0, site="proximal"),
        NerveStimulation(times_s=(0.25,), intensity_mA=7.0, site="distal"),
        NerveStimulation(times_s=(0.35,), intensity_mA=15.0, site="distal"), Noise()), 0.5),
    ("poisoned junction, ectopic axons",
     {"junction.ache_activity": 0.05, "nerve.ectopic_rate_hz": 10.0, "nerve.ectopic_fraction": 0.5},
     Protocol(NerveStimulation(times_s=tuple(0.3 + k / 30 for k in range(12)),
                               intensity_mA=60.0), Noise()), 1.0),
    # a terminal whose autoreceptor signal is brief re-arms as soon as its refractory time
    # allows: the one set-up where that time limits self-firing
    ("poisoned junction, brisk terminal",
     {"junction.ache_activity": 0.05, "junction.terminal_time_constant_ms": 1.0},
     Protocol(NerveStimulation(times_s=tuple(0.3 + k / 30 for k in range(12)),
                               intensity_mA=60.0), Noise()), 1.0),
    # months after an axon loss that goes on, with sprouts at their capacity and regrown
    # axons still adopting fibres: every lever of the course moves the units' sizes
    ("denervated muscle, months on",
     {"nerve.motor_axon_survival": 0.3, "reinnervation.months_since_onset": 11.0,
      "reinnervation.motor_neuron_loss_per_month": 0.02,
      "reinnervation.regenerating_fraction": 0.5, "reinnervation.sprouting_capacity": 2.0},
     Protocol(NerveStimulation(times_s=(0.05,), intensity_mA=60.0)), 0.3),
)


def _another_value(spec):
    """An allowed value clearly different from the default."""
    lo, hi, d = spec.min, spec.max, spec.default
    if spec.integer:
        return d + 1 if d + 1 <= hi else d - 1
    for candidate in (d * 1.5, d * 0.6):
        if d != 0 and lo <= candidate <= hi:
            return candidate
    return lo + 0.3 * (hi - lo) if d != lo + 0.3 * (hi - lo) else lo + 0.7 * (hi - lo)


def _run(changes, probe):
    """Run one probe with the field under test changed (it wins over the probe's base)."""
    _, base, protocol, duration_s = probe
    params = Parameters().with_changes(**{**base, **changes})
    return simulate(params, protocol, duration_s, seed=7, record_units=[0, 60, 119])


@pytest.fixture(scope="module")
def baselines():
    return [_run({}, probe) for probe in PROBES]


def _differs(a, b):
    for name in OUTPUTS:
        x, y = getattr(a, name), getattr(b, name)
        if x.shape != y.shape or not np.array_equal(x, y):
            return True
    return False


@pytest.mark.parametrize("name", list(field_specs()))
def test_every_parameter_changes_some_output(name, baselines):
    spec = field_specs()[name]
    changed = {name: _another_value(spec)}
    assert any(_differs(_run(changed, probe), base)
               for probe, base in zip(PROBES, baselines)), (
        f"{name} (moved from {spec.default:g} to {_another_value(spec):g} {spec.unit}) changes "
        f"no output of any probe protocol: wire it up or remove it")


def test_the_check_would_catch_a_parameter_that_does_nothing(baselines):
    """The comparison itself can fail: the same parameters give identical outputs."""
    assert not any(_differs(_run({}, probe), base)
                   for probe, base in zip(PROBES, baselines))


def test_the_battery_covers_every_field_of_every_parameter_dataclass():
    """The parametrised names above are every field of every stage dataclass of
    :class:`Parameters`, read from the dataclasses themselves (a stage or field missing
    from the metadata registry would escape the battery otherwise); none is exempt, and
    each moved value is inside its declared range (``with_changes`` validates it)."""
    import dataclasses

    stages = {f.name: type(getattr(Parameters(), f.name)) for f in dataclasses.fields(Parameters)}
    declared = {f"{stage}.{f.name}" for stage, cls in stages.items()
                for f in dataclasses.fields(cls)}
    assert declared == set(field_specs())
    for name, spec in field_specs().items():
        value = _another_value(spec)
        assert value != spec.default and spec.min <= value <= spec.max, name
        stage, field = name.split(".")
        assert getattr(getattr(Parameters().with_changes(**{name: value}), stage), field) == value
