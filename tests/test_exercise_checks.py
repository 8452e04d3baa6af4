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
    # the hint names an expression the notebook can run, not its variable ``spec`` (which holds
    # another parameter's metadata there)
    assert not result and "field_specs()['junction.calcium_mM'].unit" in result.message
    assert "millimolar" not in result.message


def test_03_3_says_when_the_pair_is_swapped_and_names_the_wrong_value():
    untreated = held_voluntary_force_percent("spinal_cord_injury")
    treated = held_voluntary_force_percent("baclofen_like")
    assert abs(untreated - treated) > FORCE_TOLERANCE_POINTS  # the swap is detectable
    assert check("03.3", (untreated, treated))
    swapped = check("03.3", (treated, untreated))
    assert not swapped and "wrong order" in swapped.message
    off = check("03.3", (untreated, treated + 10.0))
    assert not off and "treated value" in off.message and "untreated value" not in off.message


def test_03_1_has_the_same_answer_for_seeds_0_to_4_and_the_check_is_sharp():
    """The smallest pic.strength on the exercise's grid that gives a spasm does not depend on
    the noise seed; the check accepts it and rejects the grid values on either side."""
    from neurosim.exercises.nb03 import PIC_GRID, PIC_STEP, smallest_pic_for_spasm

    answers = {seed: smallest_pic_for_spasm(seed=seed) for seed in range(5)}
    assert len(set(answers.values())) == 1, answers
    answer = answers[0]
    assert answer is not None and PIC_GRID[0] < answer < PIC_GRID[-1]
    assert check("03.1", answer)
    below = check("03.1", round(answer - PIC_STEP, 10))
    assert not below and "no spasm" in below.message
    above = check("03.1", round(answer + PIC_STEP, 10))
    assert not above and "smaller value" in above.message
