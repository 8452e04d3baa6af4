"""The mystery lesion (notebook 08): every hidden variant shows in its intended test."""

from functools import lru_cache

import numpy as np
import pytest

from neurosim import analysis
from neurosim.exercises import check
from neurosim.exercises.mystery import (MECHANISMS, N_VARIANTS, MysteryPatient, diagnose,
                                        mystery_patient, normalise_mechanism,
                                        reference_patient)
from neurosim.experiments import conduction_report
from neurosim.result import SimulationResult

SEEDS = (0, 1)


def _by_mechanism(seed):
    patients = [mystery_patient(v, seed) for v in range(N_VARIANTS)]
    return {p._mechanism: p for p in patients}


@lru_cache(maxsize=None)
def _reference():
    ref = reference_patient()
    return dict(
        spasm=analysis.spasm_episodes(ref.spasm_test()),
        spasm_rest=analysis.time_to_rest_s(ref.spasm_test()),
        torque100=analysis.stretch_reflex(ref.stretch_test(100.0)).peak_muscle_torque_Nm,
        ncs=conduction_report(ref.nerve_conduction_study()),
        rns=ref.repetitive_stimulation(3.0),
        rest=ref.emg_at_rest(),
    )


def test_the_reference_is_healthy():
    ref = _reference()
    assert ref["spasm"].count == 0 and ref["spasm_rest"] < 0.5
    assert analysis.fibre_aps_per_impulse(ref["rns"]) == 1.0
    assert abs(analysis.decrement_percent(analysis.cmap_amplitudes(ref["rns"]))) < 5.0
    assert analysis.fasciculation_rate_hz(ref["rest"]) == 0.0
    assert 40.0 < ref["ncs"].conduction_velocity_m_s < 60.0


@pytest.mark.parametrize("seed", SEEDS)
def test_each_seed_shuffles_all_six_mechanisms_over_the_variants(seed):
    mechanisms = [mystery_patient(v, seed)._mechanism for v in range(N_VARIANTS)]
    assert sorted(mechanisms) == sorted(MECHANISMS)


def test_variant_numbers_are_not_a_code_for_the_mechanism():
    orders = {tuple(mystery_patient(v, s)._mechanism for v in range(N_VARIANTS))
              for s in range(6)}
    assert len(orders) > 1


@pytest.mark.parametrize("seed", SEEDS)
def test_spasm_variant_has_long_spasms_and_a_normal_nerve(seed):
    p = _by_mechanism(seed)["inhibition"]
    ref = _reference()
    run = p.spasm_test()
    spasm = analysis.spasm_episodes(run)
    assert spasm.count >= 1 and spasm.longest_s > ref["spasm"].longest_s + 0.5
    assert analysis.time_to_rest_s(run) > 2.0  # firing outlasts the volley by seconds
    ncs = conduction_report(p.nerve_conduction_study())
    assert ncs.conduction_velocity_m_s == pytest.approx(
        ref["ncs"].conduction_velocity_m_s, rel=0.05)


@pytest.mark.parametrize("seed", SEEDS)
def test_spindle_variant_has_a_large_velocity_dependent_reflex_but_no_spasm(seed):
    p = _by_mechanism(seed)["spindle"]
    fast = analysis.stretch_reflex(p.stretch_test(100.0)).peak_muscle_torque_Nm
    slow = analysis.stretch_reflex(p.stretch_test(10.0)).peak_muscle_torque_Nm
    assert fast > 3.0 * _reference()["torque100"]
    assert fast > 5.0 * slow
    assert analysis.spasm_episodes(p.spasm_test()).count == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_ache_variant_fires_more_than_once_per_impulse_and_fasciculates(seed):
    p = _by_mechanism(seed)["acetylcholine"]
    assert analysis.fibre_aps_per_impulse(p.repetitive_stimulation(3.0)) > 1.5
    rest = p.emg_at_rest()
    assert analysis.fasciculation_rate_hz(rest) > 1.0
    assert rest.spike_times_s.size < 0.05 * rest.activation_times_s.size  # the cord is quiet


@pytest.mark.parametrize("seed", SEEDS)
def test_demyelination_variant_conducts_slowly_with_near_normal_amplitude(seed):
    ref = _reference()["ncs"]
    ncs = conduction_report(_by_mechanism(seed)["demyelination"].nerve_conduction_study())
    assert ncs.conduction_velocity_m_s < 0.8 * ref.conduction_velocity_m_s
    assert ncs.distal.m_latency_ms > ref.distal.m_latency_ms + 1.0
    assert ncs.distal.m_amplitude_mV > 0.85 * ref.distal.m_amplitude_mV


@pytest.mark.parametrize("seed", SEEDS)
def test_axon_loss_variant_has_a_small_m_wave_at_normal_velocity(seed):
    ref = _reference()["ncs"]
    ncs = conduction_report(_by_mechanism(seed)["axon loss"].nerve_conduction_study())
    assert ncs.distal.m_amplitude_mV < 0.6 * ref.distal.m_amplitude_mV
    assert ncs.conduction_velocity_m_s > 0.95 * ref.conduction_velocity_m_s


@pytest.mark.parametrize("seed", SEEDS)
def test_junction_failure_variant_decrements_at_3_hz(seed):
    run = _by_mechanism(seed)["junction failure"].repetitive_stimulation(3.0)
    assert analysis.decrement_percent(analysis.cmap_amplitudes(run)) < -10.0
    assert analysis.fibre_aps_per_impulse(run) < 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_only_the_intended_variants_show_each_sign(seed):
    """The signs that name a mechanism are absent in the others (so one test decides)."""
    ref_cv = _reference()["ncs"].conduction_velocity_m_s
    for name, p in _by_mechanism(seed).items():
        ncs = conduction_report(p.nerve_conduction_study())
        rns = p.repetitive_stimulation(3.0)
        if name != "demyelination":
            assert ncs.conduction_velocity_m_s > 0.9 * ref_cv, name
        if name != "acetylcholine":
            assert analysis.fibre_aps_per_impulse(rns) <= 1.0, name
        if name not in ("acetylcholine", "junction failure"):
            assert analysis.decrement_percent(analysis.cmap_amplitudes(rns)) > -5.0, name


def test_same_seed_same_hidden_profile_and_identical_runs():
    a, b = mystery_patient(3, seed=7), mystery_patient(3, seed=7)
    assert a._mechanism == b._mechanism and a._changes == b._changes
    np.testing.assert_array_equal(a.spasm_test().force_N, b.spasm_test().force_N)


def test_different_variants_and_seeds_differ():
    profiles = [mystery_patient(v, 0)._changes for v in range(N_VARIANTS)]
    assert all(profiles[i] != profiles[j] for i in range(N_VARIANTS)
               for j in range(i + 1, N_VARIANTS))
    # the jitter: the same mechanism under another seed has other magnitudes
    assert _by_mechanism(0)["demyelination"]._changes != _by_mechanism(1)["demyelination"]._changes


def test_repr_and_label_hide_the_profile():
    for v in range(N_VARIANTS):
        p = mystery_patient(v, 0)
        text = repr(p) + str(p)
        assert f"variant={v}" in text
        for word in ("inhibition", "spindle", "junction", "nerve", "ache", "receptor", "0."):
            assert word not in text.lower().replace("variant", ""), (word, text)
        result = p.emg_at_rest(0.5)
        assert isinstance(result, SimulationResult) and result.label == "mystery patient"
    assert not hasattr(mystery_patient(0), "__dict__")  # nothing extra to browse


@pytest.mark.parametrize("bad", [N_VARIANTS, -1, 1.5, "2", True, None])
def test_unknown_variant_is_a_value_error_naming_the_range(bad):
    with pytest.raises(ValueError, match=rf"variant = .* is unknown: allowed 0 to {N_VARIANTS - 1}"):
        mystery_patient(bad)


def test_bad_seed_and_bad_test_arguments_are_value_errors():
    with pytest.raises(ValueError, match=r"seed = -1 must be a whole number"):
        mystery_patient(0, seed=-1)
    with pytest.raises(ValueError, match=r"duration_s = 0 s is out of range"):
        mystery_patient(0).emg_at_rest(0)
    with pytest.raises(ValueError, match=r"n_shocks = 0 is out of range"):
        mystery_patient(0).repetitive_stimulation(3.0, 0)
    with pytest.raises(ValueError, match="diagnose needs a patient"):
        diagnose(reference_patient(), "spindle")


def test_diagnosis_accepts_the_vocabulary_and_rejects_the_rest():
    p = mystery_patient(0, 0)
    truth = p._mechanism
    assert diagnose(p, truth).correct
    assert diagnose(p, f"  {truth.upper().replace(' ', '-')} ").correct
    others = [m for m in MECHANISMS if m != truth]
    assert not any(diagnose(p, m).correct for m in others)
    verdict = diagnose(p, "gremlins")
    assert not verdict.correct and "vocabulary" in verdict.message
    assert normalise_mechanism("myasthenia") == "junction failure"
    assert normalise_mechanism(3) is None
    assert isinstance(p, MysteryPatient)


def test_notebook_checks_know_the_notebook_patients():
    from neurosim.exercises import nb08
    for exercise_id, (variant, seed) in nb08.PATIENTS.items():
        truth = mystery_patient(variant, seed)._mechanism
        assert check(exercise_id, truth).correct
        assert not check(exercise_id, next(m for m in MECHANISMS if m != truth)).correct
        assert not check(exercise_id, None).correct
    chosen = {mystery_patient(v, s)._mechanism for v, s in nb08.PATIENTS.values()}
    assert len(chosen) == len(nb08.PATIENTS) >= 2  # different variants in the notebook
