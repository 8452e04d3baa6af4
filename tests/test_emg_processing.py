"""EMG processing (``neurosim.emg``) checked against signals whose answer is known.

Conventions: SENIAM (Hermens et al. 1999) and ISEK's "Standards for reporting EMG data"
(Merletti & Di Torino 1999, J Electromyogr Kinesiol 9(1):III–IV) — a 20–450 Hz band-pass,
full-wave rectification and a low-pass linear envelope or a moving RMS, Welch spectra
summarised by their mean and median frequency (Stulen & De Luca 1981).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import neurosim
from neurosim import analysis, emg

RATE = 2000.0  # Hz, the model's default emg.output_rate_hz


def _time(duration_s: float, rate: float = RATE) -> np.ndarray:
    return np.arange(int(round(duration_s * rate))) / rate


def _middle(x: np.ndarray, fraction: float = 0.25) -> np.ndarray:
    """Drop ``fraction`` of the samples at each end (filter edge effects)."""
    k = int(fraction * x.size)
    return x[k:x.size - k]


def test_default_band_fits_below_the_models_nyquist_frequency():
    """The 450 Hz upper edge must lie below half the default output rate."""
    rate = neurosim.Parameters().emg.output_rate_hz
    assert emg.EMG_BAND_HZ[1] < rate / 2


# ------------------------------------------------------------------ spectra
@pytest.mark.parametrize("freq", [37.3, 80.0, 151.7])
def test_welch_peak_of_a_sine_lies_within_one_bin(freq):
    t = _time(4.0)
    f, p = emg.spectrum(np.sin(2 * np.pi * freq * t), RATE)
    df = f[1] - f[0]
    assert df == pytest.approx(1000.0 / emg.SPECTRUM_SEGMENT_MS)
    assert abs(f[np.argmax(p)] - freq) <= df
    assert abs(emg.peak_frequency(f, p) - freq) < 0.5 * df  # refined between bins


@pytest.mark.parametrize("freq", [60.0, 97.0, 210.0])
def test_mean_and_median_frequency_of_a_sine_are_its_frequency(freq):
    t = _time(4.0)
    f, p = emg.spectrum(3.0 * np.sin(2 * np.pi * freq * t + 0.4), RATE)
    df = f[1] - f[0]
    assert emg.mean_frequency(f, p) == pytest.approx(freq, abs=0.25 * df)
    assert emg.median_frequency(f, p) == pytest.approx(freq, abs=0.5 * df)


def test_mean_and_median_frequency_of_white_noise_are_the_band_centre():
    """Flat spectrum: the centroid and the half-power point are both the band's middle."""
    x = np.random.default_rng(1).normal(size=int(60 * RATE))
    f, p = emg.spectrum(x, RATE)
    centre = sum(emg.EMG_BAND_HZ) / 2  # 235 Hz
    assert emg.mean_frequency(f, p) == pytest.approx(centre, rel=0.01)
    assert emg.median_frequency(f, p) == pytest.approx(centre, rel=0.02)
    # over all frequencies, 0 to Nyquist, the centre is Nyquist / 2
    assert emg.mean_frequency(f, p, band_hz=None) == pytest.approx(RATE / 4, rel=0.01)


def test_spectrum_integrates_to_the_variance():
    """Parseval: a PSD integrates to the signal's power (sine: A²/2)."""
    t = _time(4.0)
    f, p = emg.spectrum(2.0 * np.sin(2 * np.pi * 123.0 * t), RATE)
    assert np.sum(p) * (f[1] - f[0]) == pytest.approx(2.0, rel=0.01)


def test_median_frequency_falls_when_the_signal_slows():
    """The fatigue index: lower-frequency content, lower median frequency."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=int(20 * RATE))
    f, p_fast = emg.spectrum(x, RATE)
    _, p_slow = emg.spectrum(emg.lowpass(x, RATE, 150.0), RATE)
    assert emg.median_frequency(f, p_slow) < 0.7 * emg.median_frequency(f, p_fast)


def test_spectral_summaries_are_nan_without_power_in_the_band():
    f = np.linspace(0, 1000, 101)
    p = np.where(f < 10, 1.0, 0.0)
    assert math.isnan(emg.mean_frequency(f, p))
    assert math.isnan(emg.median_frequency(f, p))
    assert math.isnan(emg.peak_frequency(f, np.linspace(1, 2, 101)))  # no local maximum


def test_peak_frequency_ignores_a_band_edge_that_only_rises():
    """A rhythm just outside the band leaks power up to the band's edge: no peak in it."""
    f = np.arange(0, 20.5, 0.5)
    p = np.exp(-((f - 2.5) / 0.8) ** 2)  # peak at 2.5 Hz; the 3–12 Hz band only falls
    assert math.isnan(emg.peak_frequency(f, p, band_hz=(3.0, 12.0)))
    p2 = p + 0.2 * np.exp(-((f - 6.0) / 0.6) ** 2)
    assert emg.peak_frequency(f, p2, band_hz=(3.0, 12.0)) == pytest.approx(6.0, abs=0.25)


def test_spectrum_refuses_a_signal_too_short():
    with pytest.raises(ValueError, match="at least 2 samples"):
        emg.spectrum(np.zeros(1), RATE)


# ------------------------------------------------------------------ band-pass
def _butterworth_bandpass_gain(freq, band, order, rate):
    """Zero-phase (forward-backward) gain of scipy's digital Butterworth band-pass, from
    its analog prototype: bilinear pre-warping w = 2 fs tan(π f / fs), the low-pass to
    band-pass map Ω = (w² − w_lo w_hi) / (w (w_hi − w_lo)), |H|² = 1 / (1 + Ω^(2N))."""
    def warp(f):
        return 2 * rate * np.tan(np.pi * f / rate)

    w, lo, hi = warp(freq), warp(band[0]), warp(band[1])
    omega = (w ** 2 - lo * hi) / (w * (hi - lo))
    return 1.0 / (1.0 + omega ** (2 * order))  # |H|² per pass → |H|² for both passes


def _amplitude(x, freq, t):
    """Amplitude of the ``freq`` component by least squares (middle half of the record)."""
    x, t = _middle(x), _middle(t)
    basis = np.column_stack([np.sin(2 * np.pi * freq * t), np.cos(2 * np.pi * freq * t)])
    coef, *_ = np.linalg.lstsq(basis, x, rcond=None)
    return float(np.hypot(*coef))


@pytest.mark.parametrize("freq", [60.0, 100.0, 200.0, 300.0])
def test_bandpass_passes_an_in_band_sine_with_under_1_percent_loss(freq):
    t = _time(3.0)
    out = emg.bandpass(np.sin(2 * np.pi * freq * t), RATE)
    assert _amplitude(out, freq, t) == pytest.approx(1.0, abs=0.01)
    # zero phase: the filtered sine lines up with the input
    assert np.corrcoef(_middle(out), _middle(np.sin(2 * np.pi * freq * t)))[0, 1] > 0.999


@pytest.mark.parametrize("freq", [5.0, 10.0, 15.0, 600.0, 800.0])
def test_bandpass_attenuates_an_out_of_band_sine_as_the_filter_order_predicts(freq):
    t = _time(6.0)
    out = emg.bandpass(np.sin(2 * np.pi * freq * t), RATE)
    expected = _butterworth_bandpass_gain(freq, emg.EMG_BAND_HZ, emg.BANDPASS_ORDER, RATE)
    assert expected < 0.5
    assert _amplitude(out, freq, t) == pytest.approx(expected, rel=0.02, abs=1e-6)


def test_bandpass_gain_at_its_edges_is_half_power_per_pass():
    """Butterworth edges are −3 dB per pass: zero-phase, the amplitude is halved there."""
    t = _time(6.0)
    for edge in emg.EMG_BAND_HZ:
        out = emg.bandpass(np.sin(2 * np.pi * edge * t), RATE)
        assert _amplitude(out, edge, t) == pytest.approx(0.5, abs=0.01)


def test_bandpass_respects_the_nyquist_frequency():
    with pytest.raises(ValueError, match="Nyquist.*output_rate_hz = 800 Hz"):
        emg.bandpass(np.zeros(1000), 800.0)
    out = emg.bandpass(np.random.default_rng(0).normal(size=1000), 200.0, band_hz=(20, 90))
    assert out.shape == (1000,) and np.all(np.isfinite(out))


def test_bandpass_handles_short_records():
    assert emg.bandpass(np.ones(5), RATE).shape == (5,)
    assert emg.bandpass(np.zeros(0), RATE).shape == (0,)


# ------------------------------------------------------------------ envelopes
def test_rms_of_a_sine_is_amplitude_over_root_two():
    amplitude, freq = 0.8, 50.0
    t = _time(2.0)
    env = emg.rms_envelope(amplitude * np.sin(2 * np.pi * freq * t), RATE, window_ms=100.0)
    np.testing.assert_allclose(_middle(env), amplitude / math.sqrt(2), rtol=1e-9)


def test_average_rectified_value_of_a_sine_is_two_amplitude_over_pi():
    t = _time(2.0)
    env = emg.rectified_envelope(0.5 * np.sin(2 * np.pi * 40.0 * t), RATE, window_ms=100.0)
    np.testing.assert_allclose(_middle(env), 2 * 0.5 / np.pi, rtol=2e-3)


def test_moving_averages_keep_their_window_and_zero_padding():
    """Sample i averages x[i - w//2 : i + (w-1)//2 + 1]; outside the record counts as 0."""
    x = np.zeros(21)
    x[10] = 1.0
    for w in (4, 5):
        env = emg.rectified_envelope(x, 1000.0, window_ms=float(w))
        inside = np.flatnonzero(env > 0)
        assert inside.tolist() == list(range(10 - (w - 1) // 2, 10 + w // 2 + 1))
        np.testing.assert_allclose(env[inside], 1.0 / w)
    np.testing.assert_allclose(emg.rms_envelope(np.ones(6), 1000.0, 4.0)[[0, 3, 5]],
                               np.sqrt([2 / 4, 1.0, 3 / 4]))


def test_linear_envelope_follows_an_amplitude_modulated_sine():
    """Carrier 100 Hz, amplitude 1 + 0.5 sin(2π·1 Hz·t): the envelope is 2A(t)/π."""
    t = _time(6.0)
    amplitude = 1.0 + 0.5 * np.sin(2 * np.pi * 1.0 * t)
    x = amplitude * np.sin(2 * np.pi * 100.0 * t)
    env = emg.linear_envelope(x, RATE)
    expected = 2.0 * amplitude / np.pi
    assert np.max(np.abs(_middle(env) - _middle(expected))) < 0.01 * expected.max()
    # it peaks where the modulation peaks (zero phase: no lag)
    lag = (np.argmax(_middle(env, 0.3)) - np.argmax(_middle(expected, 0.3))) / RATE
    assert abs(lag) < 0.01


def test_linear_envelope_band_passes_first_when_asked():
    """A 2 Hz drift under a 100 Hz burst: the band-passed envelope ignores the drift."""
    t = _time(4.0)
    x = 0.3 * np.sin(2 * np.pi * 100.0 * t) + 2.0 * np.sin(2 * np.pi * 2.0 * t)
    raw = emg.linear_envelope(x, RATE)
    clean = emg.linear_envelope(x, RATE, band_hz=emg.EMG_BAND_HZ)
    np.testing.assert_allclose(_middle(clean), 2 * 0.3 / np.pi, rtol=0.02)
    assert _middle(raw).mean() > 3 * _middle(clean).mean()


def test_lowpass_gain_at_the_cutoff_is_half_power_per_pass():
    t = _time(10.0)
    out = emg.lowpass(np.sin(2 * np.pi * 6.0 * t), RATE, 6.0)
    assert _amplitude(out, 6.0, t) == pytest.approx(0.5, abs=0.01)
    with pytest.raises(ValueError, match="Nyquist"):
        emg.lowpass(t, RATE, 1000.0)


def test_envelopes_reject_bad_input():
    with pytest.raises(ValueError, match="window_ms"):
        emg.rms_envelope(np.ones(10), RATE, 0.0)
    with pytest.raises(ValueError, match="output_rate_hz"):
        emg.rms_envelope(np.ones(10), 0.0)
    with pytest.raises(ValueError, match="one-dimensional"):
        emg.linear_envelope(np.ones((2, 10)), RATE)


# ------------------------------------------------------------------ clonus frequency
def test_autocorrelation_frequency_of_a_sine():
    t = _time(5.0, 500.0)
    x = np.sin(2 * np.pi * 5.3 * t) + 0.2 * np.random.default_rng(0).normal(size=t.size)
    assert analysis.autocorrelation_frequency_hz(x, 500.0, (3, 12)) == pytest.approx(5.3, abs=0.05)
    assert math.isnan(analysis.autocorrelation_frequency_hz(x, 500.0, (20, 40)))


@pytest.fixture(scope="module")
def stroke_like_run():
    return neurosim.scenarios.get("stroke_like").run(seed=0)


# The clonus frequency of stroke_like (seed 0) before the spectral peak was taken with
# scipy.signal.find_peaks: argmax of the band's Welch power, parabola between bins.
OLD_STROKE_LIKE_CLONUS_HZ = 4.9916


def test_stroke_like_clonus_frequency_matches_the_old_method_and_the_autocorrelation(
        stroke_like_run):
    from scipy import signal

    r = stroke_like_run
    c = analysis.clonus(r)
    assert c.present
    assert c.frequency_hz == pytest.approx(OLD_STROKE_LIKE_CLONUS_HZ, abs=0.3)
    start = r.protocol.input_end_s() + 0.2
    b, a = signal.butter(2, analysis.CLONUS_HIGHPASS_HZ, btype="highpass", fs=r.output_rate_hz)
    angle = signal.filtfilt(b, a, r.joint_angle_deg[r.time_s >= start])
    acf_hz = analysis.autocorrelation_frequency_hz(angle, r.output_rate_hz, (3.0, 12.0))
    assert acf_hz == pytest.approx(c.frequency_hz, abs=0.1)


def test_emg_spectrum_of_a_run(stroke_like_run):
    """Surface-EMG mean frequencies lie at about 50–150 Hz (Merletti & Parker 2004)."""
    sp = analysis.emg_spectrum(stroke_like_run)
    assert sp.band_hz == emg.EMG_BAND_HZ
    assert sp.freq_hz.shape == sp.psd.shape
    assert 40.0 < sp.median_frequency_hz < 200.0
    assert 40.0 < sp.mean_frequency_hz < 200.0
    env = analysis.emg_linear_envelope_mV(stroke_like_run)
    assert env.shape == stroke_like_run.emg_mV.shape
    with pytest.raises(ValueError, match="no EMG samples"):
        analysis.emg_spectrum(stroke_like_run, 100.0, 101.0)
