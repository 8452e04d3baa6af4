"""The needle EMG (neurosim.needle, needle_analysis, sound, plotting.needle and
``neurosim needle``) against the clinical EMG literature.

Published values (REFERENCE.md; Preston & Shapiro, Electromyography and Neuromuscular
Disorders; Daube & Rubin, Needle electromyography, Muscle Nerve 2009 39:244): healthy
muscle is electrically silent at rest; fibrillation potentials last 1–5 ms, are about
20–200 µV and fire regularly at 0.5–15 Hz; fasciculations are irregular whole-unit
discharges; healthy concentric-needle MUAPs last 2–15 ms, are about 0.2–3 mV and mostly
triphasic, chronic neuropathic (reinnervated) ones are long (> 15 ms), large (> 4 mV) and
polyphasic (> 4 phases); the recruitment ratio (fastest rate / units firing) is < 5 in
health, > 10 in neuropathic reduced recruitment; cramp units fire 6–25 pps (Minetto et al.
2009). Reinnervated and fibrillating muscles are built by handing the recording a
:class:`~neurosim.reinnervation.Remodelling`.
"""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
from disk_helpers import fill_disk_after

import neurosim.needle as needle_module
from neurosim import Parameters, plotting, scenarios, simulate
from neurosim.cli import main
from neurosim.nerve import SOURCE_ECTOPIC, SOURCE_REFLEX
from neurosim.needle import (NeedleParameters, exam_protocol, needle_exam, record)
from neurosim import needle_analysis as na
from neurosim.reinnervation import Remodelling, unit_remodelling
from neurosim.sound import (AUDIO_RATE_HZ, SOFT_LIMIT, audio_samples, needle_audio,
                            write_wav)

SITES = range(30)


def _site(k: int, **changes) -> NeedleParameters:
    return NeedleParameters(needle_site=k, **changes)


def _remodelling(n_units: int, *, survival: float = 1.0, enlargement: float | None = None,
                 immature: float = 0.0, fibrillating: float = 0.0, seed: int = 1) -> Remodelling:
    """Every unit survives with probability ``survival``; survivors own ``enlargement``
    times their fibres (default 1/survival: every orphaned fibre adopted)."""
    alive = np.random.default_rng(seed).random(n_units) < survival
    grow = 1.0 / survival if enlargement is None else enlargement
    return Remodelling(alive=alive, enlargement=np.where(alive, grow, 0.0),
                       immature_share=np.where(alive, immature, 0.0),
                       denervated_fraction=fibrillating, fibrillating_fraction=fibrillating)


@pytest.fixture(scope="module")
def rest():
    """A healthy muscle at rest, 10 s (synaptic noise only)."""
    return simulate(Parameters(), exam_protocol(0.0, 10.0), 10.0, seed=0, label="rest")


@pytest.fixture(scope="module")
def brief():
    """A brief run: enough for MUAP templates, which depend on anatomy, not on firing."""
    return simulate(Parameters(), exam_protocol(0.0, 0.05), 0.05, seed=0)


# ------------------------------------------------------------------ at rest
def test_healthy_rest_is_electrically_silent(rest):
    threshold_mV = na.detection_threshold_uV(NeedleParameters()) / 1000.0
    for k in range(5):
        rec = record(rest, _site(k))
        assert rec.discharge_times_s.size == 0 and rec.fibrillation_times_s.size == 0
        assert na.detected_potentials(rec) == 0
        assert np.abs(rec.signal_mV).max() < threshold_mV
        assert na.spontaneous_activity(rec).silent
        # only the amplifier's noise, at its stated RMS
        assert np.std(rec.signal_mV) == pytest.approx(NeedleParameters().noise_uV / 1000.0,
                                                      rel=1e-6)
    # the same detector does see denervated fibres
    denervated = record(rest, _site(0), remodelling=_remodelling(120, fibrillating=0.05))
    assert na.detected_potentials(denervated) > 0
    assert not na.spontaneous_activity(denervated).silent


def test_fibrillations_are_brief_small_and_regular(rest):
    rec = record(rest, _site(0), remodelling=_remodelling(120, fibrillating=0.2))
    fib = na.fibrillation_measures(rec)
    seen = (fib.amplitude_mV >= na.detection_threshold_uV(rec.parameters) / 1000.0)
    fibs = seen & ~rec.fibrillation_is_psw
    assert fibs.sum() >= 20
    # 1–5 ms long, about 20–200 µV (Preston & Shapiro; Daube & Rubin)
    duration = fib.duration_ms[fibs]
    assert np.mean((duration >= 1.0) & (duration <= 5.0)) >= 0.95
    q1, q3 = np.percentile(1000.0 * fib.amplitude_mV[fibs], [25, 75])
    assert 20.0 <= q1 and q3 <= 200.0
    assert np.all(fib.phases[fibs] >= 2)  # bi- or triphasic
    # regular firing at 0.5–15 Hz: the intervals of each fibre barely vary
    sa = na.spontaneous_activity(rec)
    assert sa.fibrillations > 0 and sa.fibrillating_fibres_seen == int(fibs.sum())
    assert 0.5 <= sa.fibrillation_firing_hz <= 15.0
    assert sa.fibrillation_interval_cv < 0.1
    for fibre in np.flatnonzero(fibs)[:10]:
        t = rec.fibrillation_times_s[rec.fibrillation_fibres == fibre]
        assert 1.0 / np.diff(t).mean() == pytest.approx(rec.fibrillation_rate_hz[fibre],
                                                        rel=0.1)
    # positive sharp waves: a positive deflection first (no negative spike), same rhythm
    psw = seen & rec.fibrillation_is_psw
    assert psw.any() and sa.positive_sharp_waves > 0
    shape = rec.fibrillation_templates_mV[rec.fibrillation_template[np.flatnonzero(psw)[0]]]
    assert shape.max() > 2.0 * abs(shape.min())
    assert int(np.argmax(shape)) < int(np.argmin(shape))


def test_more_denervated_fibres_fibrillate_more(rest):
    counts = [na.spontaneous_activity(record(rest, _site(0), remodelling=_remodelling(
        120, fibrillating=f))).fibrillations for f in (0.02, 0.1, 0.4)]
    assert counts[0] < counts[1] < counts[2]


@pytest.fixture(scope="module")
def als_rest():
    return simulate(scenarios.get("als_like").parameters, exam_protocol(0.0, 10.0), 10.0,
                    seed=0, label="als_like rest")


def test_fasciculations_in_als_are_irregular_whole_unit_potentials(als_rest):
    remodelling = unit_remodelling(als_rest.parameters)
    counts, cvs, per_unit_hz, durations = 0, [], [], []
    checked = 0
    for k in SITES:
        rec = record(als_rest, _site(k), remodelling=remodelling)
        sa = na.spontaneous_activity(rec)
        assert sa.cramp_units == ()  # slow and irregular, not a cramp discharge
        counts += sa.fasciculations
        if not np.isnan(sa.fasciculation_interval_cv):
            cvs.append(sa.fasciculation_interval_cv)
        m = na.muap_measures(rec)
        for u in sa.fasciculating_units:
            row = rec.unit_row(u)
            times = rec.discharge_times_s[rec.discharge_units == u]
            per_unit_hz.append(times.size / rec.duration_s)
            assert np.all(rec.discharge_sources[rec.discharge_units == u] & SOURCE_ECTOPIC)
            # a whole unit: the potential is the unit's MUAP (2–15 ms, tallest near the
            # needle), not a single fibre's brief fibrillation
            assert 2.0 <= m.duration_ms[row] <= 15.0 and m.visible[row]
            durations.append(m.duration_ms[row])
            template = rec.unit_templates_mV[row]
            for t in times:
                start = int(round((t + rec.template_start_ms / 1000.0) * rec.sampling_rate_hz))
                if start < 0 or start + template.size > rec.signal_mV.size:
                    continue
                seen = rec.signal_mV[start:start + template.size]
                others = np.abs(rec.discharge_times_s - t) < 0.05
                if others.sum() == 1:  # an isolated discharge
                    assert np.corrcoef(seen, template)[0, 1] > 0.9
                    checked += 1
    assert counts >= 10 and checked >= 5
    assert np.median(durations) > 5.0  # longer than fibrillations (1–5 ms)
    # irregular (an ectopic discharge is nearly random in time), slow per unit
    assert np.median(cvs) > 0.5
    assert max(per_unit_hz) <= 2.0
    # healthy rest has none
    assert na.spontaneous_activity(record(simulate(Parameters(), exam_protocol(0.0, 2.0),
                                                   2.0, seed=0))).fasciculations == 0


def test_a_cramp_is_units_firing_fast_by_themselves():
    rec = needle_exam("muscle_cramp", duration_s=3.0)
    sa = na.spontaneous_activity(rec)
    assert len(sa.cramp_units) >= 2 and sa.fasciculations == 0
    # cramp units fire 14.5 ± 5.1 pps, 6–25 (Minetto et al. 2009, J Neurophysiol 102:1890)
    assert 6.0 <= sa.cramp_rate_hz <= 25.0
    assert "cramp discharge" in sa.findings()


def test_units_driven_by_their_motor_neurons_at_rest_fire_tonically_not_fasciculate():
    # parkinsonian rigidity: the pool never rests; the needle sees MUAPs firing steadily,
    # driven from the cord (not an axon or terminal firing by itself), so not fasciculations
    rest = simulate(scenarios.get("parkinsons_like").parameters, exam_protocol(0.0, 3.0), 3.0,
                    seed=0)
    found = [na.spontaneous_activity(record(rest, _site(k))) for k in range(6)]
    tonic = [f for f in found if f.tonic_units]
    assert len(tonic) >= 2
    for f in found:
        assert f.fasciculations == 0 and f.cramp_units == () and f.fibrillations == 0
    f = tonic[0]
    assert "MUAPs firing at rest (tonic)" in f.findings() and not f.silent
    rec = record(rest, _site(found.index(f)))
    for u in f.tonic_units:
        sources = rec.discharge_sources[rec.discharge_units == u]
        assert np.mean((sources & SOURCE_REFLEX) != 0) >= na.TONIC_SHARE
    assert f.tonic_discharges == sum(int(np.sum(rec.discharge_units == u)) for u in f.tonic_units)
    # the rates of units a steady drive holds just above threshold (a few to ~10 Hz; spastic
    # muscle at rest 8.4 ± 1.8 pps, Mottram et al., J Neurophysiol)
    assert 1.0 <= f.tonic_rate_hz <= 15.0


def test_spontaneous_activity_is_read_at_rest_only():
    rec = needle_exam("healthy", effort=0.1, duration_s=2.5)
    with pytest.raises(ValueError, match="read in a rest recording"):
        na.spontaneous_activity(rec)


# ------------------------------------------------------------------ MUAPs
def _usable_muaps(result, remodelling=None, sites=range(60)):
    amplitude, duration, phases = [], [], []
    for k in sites:
        m = na.muap_measures(record(result, _site(k), remodelling=remodelling))
        amplitude += list(m.amplitude_mV[m.usable])
        duration += list(m.duration_ms[m.usable])
        phases += list(m.phases[m.usable])
    return np.array(amplitude), np.array(duration), np.array(phases)


def test_healthy_muaps_are_in_the_published_range(brief):
    amplitude, duration, phases = _usable_muaps(brief)
    assert amplitude.size >= 30
    # 2–15 ms, about 0.2–3 mV, mostly triphasic (Preston & Shapiro; Daube & Rubin)
    assert 2.0 <= np.min(duration) and np.max(duration) <= 15.0
    assert 0.2 <= np.percentile(amplitude, 10) and np.percentile(amplitude, 90) <= 3.0
    assert np.mean(phases <= 4) >= 0.8


def test_reinnervated_muaps_are_larger_longer_and_polyphasic(brief):
    healthy = _usable_muaps(brief)
    # chronic partial denervation: a fifth of the units survive and adopt every orphaned
    # fibre (five times their own), a fifth of each unit's fibres still on immature sprouts
    reinnervated = _usable_muaps(brief, _remodelling(120, survival=0.2, immature=0.2))
    assert reinnervated[0].size >= 15
    # long (> 15 ms), polyphasic (> 4 phases) and large (> 4 mV): the median reinnervated
    # MUAP is past the first two thresholds and near the third, which healthy ones rarely reach
    assert np.median(reinnervated[1]) > 15.0 > np.max(healthy[1])
    assert np.median(reinnervated[2]) > 4 >= np.median(healthy[2])
    assert np.mean(reinnervated[0] > 4.0) >= 0.3 and np.mean(healthy[0] > 4.0) <= 0.05
    assert np.median(reinnervated[0]) >= 2.0 * np.median(healthy[0])


def test_a_reinnervated_unit_keeps_its_fibres_and_adds_adopted_ones(brief):
    for k in range(5):
        before = record(brief, _site(k))
        after = record(brief, _site(k), remodelling=_remodelling(120, survival=1.0,
                                                                   enlargement=3.0))
        assert set(before.units) <= set(after.units)
        for u, count in zip(before.units, before.unit_fibre_counts):
            assert after.unit_fibre_counts[after.unit_row(u)] >= count
            assert after.unit_nearest_fibre_mm[after.unit_row(u)] <= \
                before.unit_nearest_fibre_mm[before.unit_row(u)]


# ------------------------------------------------------------------ recruitment
def _recruitment(parameters, remodelling, effort):
    result = simulate(parameters, exam_protocol(effort, 4.0), 4.0, seed=0)
    return [na.recruitment(record(result, _site(k), remodelling=remodelling))
            for k in range(20)]


def test_recruitment_is_reduced_after_axon_loss():
    """Healthy recruitment ratio < 5 (Daube). With 70 % of the axons lost (before
    reinnervation) fewer units fire at the same effort and the ratio rises. The model's
    soleus-like units fire at most about 11 Hz (Bellemare et al. 1983), so a ratio above
    10 needs a single unit at its top rate: the medians stay below 10."""
    healthy_p = Parameters()
    lost_p = healthy_p.with_changes(**{"nerve.motor_axon_survival": 0.3})
    lost = unit_remodelling(lost_p)  # acute: survivors not yet enlarged
    lost = lost._replace(enlargement=lost.alive.astype(float))
    healthy = _recruitment(healthy_p, unit_remodelling(healthy_p), 0.2)
    reduced = _recruitment(lost_p, lost, 0.2)
    ratio_h = np.nanmedian([r.recruitment_ratio for r in healthy])
    ratio_l = np.nanmedian([r.recruitment_ratio for r in reduced])
    assert ratio_h < na.NORMAL_RECRUITMENT_RATIO
    assert ratio_l > ratio_h
    assert np.median([len(r.units_firing) for r in reduced]) < \
        np.median([len(r.units_firing) for r in healthy])
    assert all(r.pattern == "normal" for r in healthy if r.units_firing)
    # at maximal effort the healthy interference pattern is fuller
    full_h = np.median([r.fullness for r in _recruitment(healthy_p, None, 1.0)])
    full_l = np.median([r.fullness for r in _recruitment(lost_p, lost, 1.0)])
    assert full_h > full_l + 0.2


def test_recruitment_frequency_is_the_first_units_rate_when_the_second_starts():
    rec = needle_exam("healthy", effort=0.2, duration_s=3.0, needle=_site(2))
    rc = na.recruitment(rec)
    m = na.muap_measures(rec)
    onsets = sorted((rec.discharge_times_s[rec.discharge_units == u][0], u)
                    for u in m.units[m.visible] if np.sum(rec.discharge_units == u) >= 2)
    first = rec.discharge_times_s[rec.discharge_units == onsets[0][1]]
    k = np.searchsorted(first, onsets[1][0])
    assert rc.recruitment_frequency_hz == pytest.approx(1.0 / (first[k] - first[k - 1]))
    assert rc.recruitment_ratio == pytest.approx(max(rc.firing_rates_hz) / len(rc.units_firing))


# ------------------------------------------------------------------ determinism, checks
def test_same_seeds_same_recording_and_sites_differ(brief, rest):
    a, b = record(rest, _site(3)), record(rest, _site(3))
    assert np.array_equal(a.signal_mV, b.signal_mV)
    assert np.array_equal(a.units, b.units)
    c = record(rest, _site(4))
    assert not np.allclose(a.needle_position_mm, c.needle_position_mm)
    positions = {tuple(np.round(record(brief, _site(k)).needle_position_mm, 6)) for k in range(8)}
    assert len(positions) == 8
    # another muscle layout shows other units at the same site
    assert set(record(brief, _site(0)).units) != set(record(brief, _site(0, muscle_seed=1)).units)
    x = needle_exam("healthy", effort=0.2, duration_s=2.5, seed=3)
    y = needle_exam("healthy", effort=0.2, duration_s=2.5, seed=3)
    assert np.array_equal(x.signal_mV, y.signal_mV)


def test_the_recording_asks_unit_remodelling_for_the_muscle(monkeypatch, brief):
    n = brief.parameters.pool.n_units
    monkeypatch.setattr(needle_module, "unit_remodelling",
                        lambda parameters: _remodelling(n, fibrillating=0.1))
    assert record(brief).fibrillation_distance_mm.size > 0


def test_bad_input_is_refused_with_the_parameter_named(brief):
    with pytest.raises(ValueError, match=r"needle.high_cut_hz = 30000 Hz .* half the sampling"):
        NeedleParameters(high_cut_hz=30000.0)
    with pytest.raises(ValueError, match="needle.fibrillation_rate_max_hz"):
        NeedleParameters(fibrillation_rate_min_hz=10.0, fibrillation_rate_max_hz=5.0)
    with pytest.raises(ValueError, match="needle.needle_site"):
        NeedleParameters(needle_site=-1)
    with pytest.raises(ValueError, match=r"remodelling.alive has shape \(3,\).*must be \(120,\)"):
        record(brief, remodelling=Remodelling(np.ones(3, bool), np.ones(3), np.zeros(3),
                                              0.0, 0.0))
    with pytest.raises(ValueError, match="fibrillating_fraction = 1.5"):
        record(brief, remodelling=_remodelling(120)._replace(fibrillating_fraction=1.5))
    with pytest.raises(ValueError, match=r"effort = 1.5 is out of range: allowed \[0, 1\]"):
        exam_protocol(1.5)
    with pytest.raises(ValueError, match="too short for a recording on effort"):
        exam_protocol(0.3, 1.0)


# ------------------------------------------------------------------ sound
def test_wav_round_trip_and_loudness(tmp_path, rest):
    from scipy.io import wavfile

    quiet = record(rest, _site(0))
    path = write_wav(tmp_path / "rest.wav", quiet)
    rate, data = wavfile.read(path)
    assert rate == AUDIO_RATE_HZ and data.dtype == np.int16
    assert data.shape == (int(round(quiet.duration_s * AUDIO_RATE_HZ)),)
    # a healthy muscle at rest stays quiet: noise about 40 dB below full scale
    assert np.sqrt(np.mean((data / 32767.0) ** 2)) < 0.01
    loud = record(rest, _site(0), remodelling=_remodelling(120, fibrillating=0.2))
    samples = audio_samples(loud)
    assert np.abs(samples).max() > 30 * np.sqrt(np.mean(audio_samples(quiet) ** 2))
    assert np.abs(samples).max() < SOFT_LIMIT  # limited softly, never clipped
    # another sampling rate is resampled to one browsers play, same length in time
    other = record(simulate(Parameters(), exam_protocol(0.0, 1.0), 1.0, seed=0),
                   _site(0, sampling_rate_hz=20000.0, high_cut_hz=8000.0))
    assert audio_samples(other).shape == (AUDIO_RATE_HZ,)


def test_the_audio_player_plays_the_same_samples(rest):
    rec = record(rest, _site(0), remodelling=_remodelling(120, fibrillating=0.1))
    player = needle_audio(rec)
    with wave.open(io.BytesIO(player.data)) as w:
        assert w.getframerate() == AUDIO_RATE_HZ and w.getnframes() == rec.signal_mV.size
        played = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32767.0
    assert np.allclose(played, audio_samples(rec), atol=2.0 / 32767.0)  # not re-normalised


def test_a_failed_wav_write_leaves_the_old_file(tmp_path, monkeypatch, rest):
    path = tmp_path / "sound.wav"
    path.write_bytes(b"old")
    fill_disk_after(monkeypatch, tmp_path, 4096)
    with pytest.raises(OSError, match="No space left"):
        write_wav(path, record(rest, _site(0)))
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"sound.wav": b"old"}


# ------------------------------------------------------------------ figure and CLI
def test_the_screen_figure_is_labelled_and_checks_its_scale(rest):
    import matplotlib.pyplot as plt

    rec = record(rest, _site(0), remodelling=_remodelling(120, fibrillating=0.1))
    fig, ax = plt.subplots()
    assert plotting.plot_needle_emg(rec, ax=ax, sweeps=3) is ax
    assert "50 µV/div" in ax.get_xlabel() and "fibrillation" in ax.get_title(loc="left")
    assert len(ax.lines) == 3
    assert any("teaching toy" in t.get_text() for t in fig.texts)
    assert plotting.plot_needle_muaps(rec).figure.texts
    with pytest.raises(ValueError, match="sensitivity_uV_per_div"):
        plotting.plot_needle_emg(rec, sensitivity_uV_per_div=0.0)
    with pytest.raises(ValueError, match="start_s"):
        plotting.plot_needle_emg(rec, start_s=60.0)


def test_cli_needle_writes_the_sound_and_reports(tmp_path, capsys):
    from scipy.io import wavfile

    wav, png = tmp_path / "als.wav", tmp_path / "als.png"
    code = main(["needle", "muscle_cramp", "--seconds", "2", "--wav", str(wav),
                 "--png", str(png)])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert "cramp discharge" in out and "teaching toy" in out
    rate, data = wavfile.read(wav)
    assert rate == AUDIO_RATE_HZ and data.size == 2 * AUDIO_RATE_HZ
    assert png.read_bytes().startswith(b"\x89PNG")
    code = main(["needle", "healthy", "--effort", "0.3", "--seconds", "3", "--site", "2"])
    out, err = capsys.readouterr()
    assert code == 0 and "recruitment ratio" in out


@pytest.mark.parametrize("argv, message", [
    (["needle", "healthy", "--effort", "2"], "--effort '2' is out of range"),
    (["needle", "healthy", "--effort", "lots"], "--effort 'lots' is not a number"),
    (["needle", "healthy", "--wav", "out.mp3"], "--wav 'out.mp3' must end in .wav"),
    (["needle", "healthy", "--effort", "0.3", "--seconds", "1"], "too short"),
    (["needle", "no_such_scenario"], "no_such_scenario"),
    (["needle", "healthy", "--site", "-3"], "needle.needle_site"),
])
def test_cli_needle_bad_input_is_one_line_and_status_2(tmp_path, capsys, monkeypatch, argv,
                                                       message):
    monkeypatch.chdir(tmp_path)
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("neurosim: error: ")
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_the_needle_test_of_a_scenario_compares_it_with_health():
    from neurosim import measurements

    cases = [measurements.Case(name, scenarios.get(name).parameters)
             for name in ("healthy", "low_magnesium")]
    m = measurements.measure("needle", cases)
    assert m.labels == ("healthy", "low_magnesium")
    fasciculations = m.reading("fasciculation potentials").values
    assert fasciculations[0] == 0 and fasciculations[1] > 0
    assert m.reading("fibrillation potentials").values == (0.0, 0.0)  # no denervation
    axes = m.draw()
    assert len(axes) == 2 and "fasciculation" in axes[1].get_title(loc="left")


def test_the_muap_panel_can_show_only_the_largest_units():
    import matplotlib.pyplot as plt

    from neurosim.needle_analysis import muap_measures
    rec = needle_exam("healthy", effort=0.3, seed=0, needle=_site(0))
    m = muap_measures(rec)
    amplitudes = np.sort(m.amplitude_mV[m.usable])[::-1]
    assert amplitudes.size > 2  # the contrast needs more units than are shown
    ax = plotting.plot_needle_muaps(rec, max_units=2)
    shown = sorted((float(t.get_text().split("\n")[1].split(" mV")[0]) for t in ax.texts
                    if t.get_text().startswith("unit ")), reverse=True)
    np.testing.assert_allclose(shown, np.round(amplitudes[:2], 1))
    with pytest.raises(ValueError, match="max_units = 0 must be ≥ 1"):
        plotting.plot_needle_muaps(rec, max_units=0)
    plt.close("all")
