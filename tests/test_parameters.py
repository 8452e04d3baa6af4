"""Parameters: metadata completeness, validation and dotted updates."""

import math

import pytest

from neurosim import Parameters, field_specs
from neurosim.parameters import InhibitionParameters, MotorPoolParameters
from neurosim.protocols import Noise, Protocol, Pulses, Ramp, Step


def test_every_field_has_complete_metadata():
    specs = field_specs()
    assert len(specs) > 30
    for name, spec in specs.items():
        assert spec.unit, name
        assert spec.label and spec.help and spec.source, name
        assert len(spec.source) > 10, f"{name} needs a real source"
        assert spec.min <= spec.default <= spec.max, name


def test_defaults_validate_and_round_trip_through_dict():
    p = Parameters()
    assert Parameters.from_dict(p.to_dict()) == p


def test_dotted_update_returns_new_validated_object():
    p = Parameters()
    q = p.with_changes(**{"inhibition.presynaptic": 0.3, "pic.strength": 1.0})
    assert q.inhibition.presynaptic == 0.3 and q.pic.strength == 1.0
    assert p.inhibition.presynaptic == 1.0  # original untouched
    assert q.differences(p) == {"inhibition.presynaptic": (0.3, 1.0), "pic.strength": (1.0, 0.25)}


def test_parameters_are_frozen():
    p = Parameters()
    with pytest.raises(AttributeError):
        p.pool.n_units = 3  # type: ignore[misc]


def test_out_of_range_names_field_value_unit_and_range():
    with pytest.raises(ValueError, match=r"inhibition\.presynaptic = 3 dimensionless is out of range: "
                                         r"allowed \[0, 1\.6\]"):
        Parameters().with_changes(**{"inhibition.presynaptic": 3.0})
    with pytest.raises(ValueError, match=r"pool\.membrane_time_constant_ms = -1 ms .*\[1, 50\] \(ms\)"):
        Parameters().with_changes(**{"pool.membrane_time_constant_ms": -1})


@pytest.mark.parametrize("bad", [float("nan"), math.inf, -math.inf])
def test_non_finite_values_are_rejected(bad):
    with pytest.raises(ValueError, match=r"pic\.strength = .* is not finite"):
        Parameters().with_changes(**{"pic.strength": bad})


@pytest.mark.parametrize("bad", ["0.5", None, True, [1.0]])
def test_wrong_types_are_rejected(bad):
    with pytest.raises(ValueError, match=r"pic\.strength = .* must be a number"):
        Parameters().with_changes(**{"pic.strength": bad})


def test_integer_fields_reject_fractions_but_accept_whole_floats():
    with pytest.raises(ValueError, match=r"pool\.n_units = 10\.5 must be a whole number"):
        MotorPoolParameters(n_units=10.5)
    assert MotorPoolParameters(n_units=10.0).n_units == 10
    assert isinstance(MotorPoolParameters(n_units=10.0).n_units, int)


def test_unknown_field_suggests_closest_names():
    with pytest.raises(ValueError, match=r"unknown parameter 'inhibition\.presynaptc'.*did you mean "
                                         r"inhibition\.presynaptic"):
        Parameters().with_changes(**{"inhibition.presynaptc": 0.3})
    with pytest.raises(ValueError, match=r"unknown parameter 'inhibtion\.recurrent'.*inhibition\.recurrent"):
        Parameters().with_changes(**{"inhibtion.recurrent": 0.3})
    with pytest.raises(ValueError, match=r"unknown parameter 'inhibition\.bogus'"):
        InhibitionParameters().with_changes(bogus=1.0)


def test_get_reads_dotted_fields():
    p = Parameters().with_changes(**{"muscle.max_force_N": 55.0})
    assert p.get("muscle.max_force_N") == 55.0
    with pytest.raises(ValueError, match="unknown parameter"):
        p.get("muscle.max_force")


def test_protocol_components_validate_with_the_same_messages():
    with pytest.raises(ValueError, match=r"step\.level = 1\.5 dimensionless is out of range"):
        Step(level=1.5)
    with pytest.raises(ValueError, match=r"ramp\.stop_s = 1 s must be later than ramp\.start_s = 2 s"):
        Ramp(start_s=2.0, stop_s=1.0)
    with pytest.raises(ValueError, match=r"pulses\.times_s = .* must be one or more finite times"):
        Pulses(times_s=(-1.0,))
    with pytest.raises(ValueError, match="at most one Noise"):
        Protocol(Noise(), Noise())


def test_protocol_repr_shows_every_component_with_its_values():
    p = Ramp(start_s=0.5, stop_s=5.5, start_level=0.0, end_level=0.5) + Noise()
    assert repr(p) == ("Protocol(Ramp(start_s=0.5, stop_s=5.5, start_level=0.0, end_level=0.5)"
                       " + Noise(common=0.03, independent=0.1, time_constant_ms=10.0))")
    assert repr(Protocol()) == "Protocol()"
    assert repr(Protocol(Pulses(times_s=(1.0,), amplitude=0.2))) == \
        "Protocol(Pulses(times_s=(1.0,), width_ms=150.0, amplitude=0.2))"
    train = Protocol(Pulses(times_s=tuple(0.1 + k / 30 for k in range(30))))
    assert "times_s=(0.1, 0.1333, 0.1667, … 1.067; 30 values)" in repr(train)  # short


def test_protocol_round_trips_through_dict():
    p = Protocol(Ramp(start_s=0.5, stop_s=2.0), Pulses(times_s=(1.0, 2.0), amplitude=0.2), Noise())
    assert Protocol.from_dict(p.to_dict()) == p
    with pytest.raises(ValueError, match=r"protocol\[0\]\.type = 'Wobble' is not one of 'Rest'"):
        Protocol.from_dict([{"type": "Wobble"}])
