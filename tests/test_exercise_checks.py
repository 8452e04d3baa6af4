"""Exercise checks give the right verdict and a hint about the actual mistake."""

from neurosim.exercises import check
from neurosim.exercises.nb03 import FORCE_TOLERANCE_POINTS, held_voluntary_force_percent


def test_00_2_accepts_the_ways_of_writing_millimolar():
    for unit in ("mM", "mmol/L", "mmol/l", "millimolar"):
        assert check("00.2", (unit, 0.2, 4.0)), unit


def test_00_2_explains_a_case_mistake_and_rejects_a_wrong_unit():
    result = check("00.2", ("mm", 0.2, 4.0))
    assert not result and "millimolar" in result.message
    result = check("00.2", ("mV", 0.2, 4.0))
    assert not result and "spec.unit" in result.message and "millimolar" not in result.message


def test_03_3_says_when_the_pair_is_swapped_and_names_the_wrong_value():
    untreated = held_voluntary_force_percent("spinal_cord_injury")
    treated = held_voluntary_force_percent("baclofen_like")
    assert abs(untreated - treated) > FORCE_TOLERANCE_POINTS  # the swap is detectable
    assert check("03.3", (untreated, treated))
    swapped = check("03.3", (treated, untreated))
    assert not swapped and "wrong order" in swapped.message
    off = check("03.3", (untreated, treated + 10.0))
    assert not off and "treated value" in off.message and "untreated value" not in off.message
