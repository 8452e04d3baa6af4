"""Measure the model's teaching-relevant behaviours against published values.

Runs the model through its public API only and prints one JSON object: for every
behaviour the physiology review checked, the measured value and the published range
it should sit in (sources in ``../shared`` notes, REFERENCE-style, and in the tests
that encode each range). Used to record "before" and "after" numbers when the model
changes::

    python benchmarks/physiology_audit.py > audit.json
    python benchmarks/physiology_audit.py --only voluntary,junction

Not a test: the tests in ``tests/test_physiology.py`` assert the ranges.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

import neurosim
from neurosim import analysis, experiments, scenarios
from neurosim.parameters import Parameters
from neurosim.protocols import NerveStimulation, Noise, Protocol


def _hold_force_percent(params, level, seed=0):
    """Mean force (% of maximal force) over the hold of a voluntary trapezoid, and the run."""
    r = neurosim.simulate(params, experiments.voluntary_protocol(level), 4.0, seed=seed)
    sel = (r.time_s >= 2.0) & (r.time_s < 3.5)
    return float(r.force_percent[sel].mean()), r  # = experiments.voluntary_force_percent


def voluntary():
    out = {}
    mvc, _ = _hold_force_percent(Parameters(), 1.0)
    out["healthy_mvc_percent_of_max"] = mvc
    for name in ("healthy", "spinal_cord_injury", "stroke_like", "multiple_sclerosis_like",
                 "baclofen_like"):
        p = scenarios.get(name).parameters if name != "healthy" else Parameters()
        out[name] = {f"cmd_{lvl:g}": round(100 * _hold_force_percent(p, lvl)[0] / mvc, 1)
                     for lvl in (0.1, 0.2, 0.3, 1.0)}
    return out


def _single_shock(params, record_units=None, seed=0):
    proto = Protocol(NerveStimulation(times_s=(0.1,), intensity_mA=60.0))
    return neurosim.simulate(params, proto, 0.4, seed=seed, record_units=record_units)


def junction():
    out = {}
    base = epc_base = None
    for ache in (1.0, 0.7, 0.5, 0.45, 0.4, 0.3, 0.1, 0.05, 0.0):
        p = Parameters().with_changes(**{"junction.ache_activity": ache})
        r = _single_shock(p, record_units=[0, 60, 119])
        responses = [analysis.endplate_response(r, unit=u) for u in (0, 60, 119)]
        decays = [e.epp_decay_ms for e in responses]
        decay = float(np.nanmean(decays)) if np.isfinite(decays).any() else float("nan")
        epcs = [e.epc_decay_ms for e in responses]
        epc = float(np.nanmean(epcs)) if np.isfinite(epcs).any() else float("nan")
        base = decay if base is None else base
        epc_base = epc if epc_base is None else epc_base
        per_unit = np.bincount(r.activation_units, minlength=r.n_units)
        impulses = np.bincount(r.nerve_impulse_units[r.nerve_impulse_sources == 2],
                               minlength=r.n_units)
        hit = impulses > 0
        out[f"ache_{ache:g}"] = dict(
            epp_decay_ms=round(decay, 2), decay_ratio=round(decay / base, 2),
            epc_decay_ms=round(epc, 2), epc_decay_ratio=round(epc / epc_base, 2),
            aps_per_impulse=round(float(per_unit[hit].sum() / impulses[hit].sum()), 3),
            fraction_units_repetitive=round(float(np.mean(per_unit[hit] > 1)), 3))
    return out


def fasciculation():
    out = {}
    for name in ("muscle_cramp", "low_magnesium_calcium", "ache_inhibition_severe"):
        r = scenarios.get(name).run(seed=0)
        src = r.nerve_impulse_sources
        out[name] = dict(
            reported_rate_hz=round(analysis.fasciculation_rate_hz(r), 2),
            terminal_per_s=round(float(np.sum(src == 8) / r.duration_s), 1),
            ectopic_axon_per_s=round(float(np.sum(src == 4) / r.duration_s), 1))
    return out


def resistance():
    out = {}
    for name in ("healthy", "stroke_like", "spinal_cord_injury", "baclofen_like"):
        p = scenarios.get(name).parameters
        curve = experiments.reflex_vs_velocity(p, (10.0, 40.0, 100.0, 200.0))
        out[name] = dict(
            resistance_Nm=[round(r.peak_resistance_Nm, 2) for r in curve.responses],
            muscle_torque_Nm=[round(float(x), 2) for x in curve.peak_muscle_torque_Nm])
    return out


def soleus():
    out = {}
    _, r = _hold_force_percent(Parameters(), 1.0)
    sel = (r.spike_times_s >= 2.0) & (r.spike_times_s < 3.5)
    counts = np.bincount(r.spike_units[sel], minlength=r.n_units)
    out["mean_rate_at_max_command_hz"] = round(float(counts[counts > 0].mean() / 1.5), 1)
    tw = _single_shock(Parameters())
    k = int(np.argmax(tw.force_N))
    onset = float(tw.activation_times_s.min())
    out["whole_muscle_twitch_contraction_ms"] = round(1000 * (tw.time_s[k] - onset), 1)
    # force-frequency: supramaximal trains, mean force over the last 0.5 s of 1.5 s
    freqs = (2, 5, 8, 10, 12, 15, 20, 30, 50)
    forces = []
    for f in freqs:
        times = tuple(0.1 + i / f for i in range(int(1.5 * f)))
        rr = neurosim.simulate(Parameters(), Protocol(NerveStimulation(times_s=times,
                                                                       intensity_mA=60.0)),
                               1.7, seed=0)
        sel = (rr.time_s >= 1.1) & (rr.time_s < 1.6)
        forces.append(float(rr.force_N[sel].mean()))
    forces = np.array(forces)
    rel = forces / forces.max()
    out["force_frequency_percent"] = dict(zip([str(f) for f in freqs],
                                              [round(100 * x, 1) for x in rel]))
    out["half_max_force_hz"] = round(float(np.interp(0.5, rel, freqs)), 1)
    c = scenarios.get("stroke_like").run(seed=0)
    out["stroke_clonus_hz"] = analysis.clonus(c).frequency_hz
    heavy = scenarios.get("stroke_like")
    p2 = heavy.parameters.with_changes(**{"limb.inertia_kg_m2": 0.045})
    c2 = neurosim.simulate(p2, heavy.protocol, heavy.duration_s, seed=0)
    out["stroke_clonus_hz_triple_inertia"] = analysis.clonus(c2).frequency_hz
    ncs = experiments.conduction_report(scenarios.get("nerve_conduction_study").run(seed=0))
    out["h_latency_ms"] = round(ncs.h_latency_ms, 1)
    out["distal_m_mV"] = round(ncs.distal.m_amplitude_mV, 2)
    out["proximal_m_mV"] = round(ncs.proximal.m_amplitude_mV, 2)
    out["distal_m_latency_ms"] = round(ncs.distal.m_latency_ms, 2)
    out["cv_m_s"] = round(ncs.conduction_velocity_m_s, 1)
    out["h_m_ratio"] = round(ncs.h_m_ratio, 2)
    d = experiments.conduction_report(scenarios.get("diabetic_neuropathy").run(seed=0))
    out["diabetic"] = dict(cv_m_s=round(d.conduction_velocity_m_s, 1),
                           distal_m_mV=round(d.distal.m_amplitude_mV, 2),
                           h_latency_ms=round(d.h_latency_ms, 1))
    return out


def cramp():
    r = scenarios.get("muscle_cramp").run(seed=0)
    rates, cvs = analysis.discharge_regularity(r)
    return dict(units=len(rates), mean_rate_pps=round(float(np.mean(rates)), 1),
                isi_cv=round(float(np.mean(cvs)), 2))


def spindle_velocity():
    p = scenarios.get("spindle_hypersensitivity").parameters
    vel = (10.0, 50.0, 100.0, 200.0, 300.0)
    out = {}
    for name, params in (("healthy", Parameters()), ("spindle_hypersensitivity", p),
                         ("stroke_like", scenarios.get("stroke_like").parameters)):
        curve = experiments.reflex_vs_velocity(params, vel)
        out[name] = [round(float(x), 2) for x in curve.peak_muscle_torque_Nm]
    out["velocities_deg_s"] = list(vel)
    return out


def resting_inhibition():
    p = Parameters().with_changes(**{"spindle.fusimotor_bias_hz": 20.0})
    r = neurosim.simulate(p, Protocol(Noise()), 1.0, seed=0)
    from neurosim import spinal_circuit
    if hasattr(spinal_circuit, "resting_inhibition"):
        assumed = spinal_circuit.resting_inhibition(p)
    else:  # before the fix: analysis assumed the healthy tonic value
        assumed = spinal_circuit.tonic_inhibition(p.inhibition)
    return dict(engine_resting_inhibition=round(float(np.median(r.inhibition[200:])), 3),
                analysis_assumed=round(assumed, 3))


def parameters_audit():
    out = {}
    base = Parameters()
    proto = experiments.clonus_protocol()
    if "limb.load_torque_Nm" in base.flat():
        a = neurosim.simulate(base, proto, 3.0, seed=0)
        b = neurosim.simulate(base.with_changes(**{"limb.load_torque_Nm": 10.0}), proto, 3.0,
                              seed=0)
        out["load_torque_changes_output"] = bool(not np.array_equal(a.joint_angle_deg,
                                                                     b.joint_angle_deg))
    else:
        out["load_torque_changes_output"] = "removed (the protocol sets the load)"
    r = neurosim.simulate(base, Protocol(neurosim.protocols.Ramp(start_s=0.1, stop_s=4.1,
                                                                  start_level=0.0,
                                                                  end_level=1.0)), 4.2,
                          seed=0)
    first = np.full(r.n_units, np.nan)
    for u in range(r.n_units):
        t = r.unit_spike_times(u)
        if t.size:
            first[u] = t[0]
    out["largest_unit_recruited_at_command"] = round(float((first[-1] - 0.1) / 4.0), 3)
    out["pic_amplitude_smallest_largest"] = (base.pic.amplitude_smallest,
                                             base.pic.amplitude_largest)
    return out


SECTIONS = dict(voluntary=voluntary, junction=junction, fasciculation=fasciculation,
                resistance=resistance, soleus=soleus, cramp=cramp,
                spindle_velocity=spindle_velocity, resting_inhibition=resting_inhibition,
                parameters=parameters_audit)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated sections")
    args = ap.parse_args(argv)
    names = [s for s in args.only.split(",") if s] or list(SECTIONS)
    out = {}
    for name in names:
        out[name] = SECTIONS[name]()
        sys.stderr.write(f"{name}: done\n")
    json.dump(out, sys.stdout, indent=1, default=float)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
