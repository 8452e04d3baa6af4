"""The needle EMG as sound: what the electromyographer hears from the loudspeaker.

Clinicians listen to the needle: fibrillations sound like rain on a tin roof, positive
sharp waves like a ticking clock, fasciculations like irregular pops, a full interference
pattern like a roar, a reduced one like a motorboat (Preston & Shapiro; Daube & Rubin).

Loudness: the loudspeaker follows the amplifier's gain, as on an EMG machine, so a quiet
muscle stays quiet. A fixed *full scale* (mV) maps to the loudest sound: by default
:data:`REST_FULL_SCALE_MV` for a rest recording (the gain of 50 µV per division used to
look for spontaneous activity, ten divisions) and :data:`EFFORT_FULL_SCALE_MV` on effort
(500 µV per division). The signal is never amplified to fill the range: the noise of a
healthy resting muscle (a few µV) plays about 40 dB below full scale. Potentials beyond
full scale are limited softly (``tanh``), never clipped, as an overdriven amplifier would.

:func:`needle_audio` returns an :class:`IPython.display.Audio` player for notebooks (IPython
comes with the ``dashboard`` extra); :func:`wav_bytes` is the WAV the dashboard's player
plays; :func:`write_wav` writes a 16-bit PCM WAV file atomically.
"""

from __future__ import annotations

import io
import math
import os
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._atomic import atomic_open
from ._extras import require
from .needle import NeedleRecording

if TYPE_CHECKING:
    from IPython.display import Audio

__all__ = ["AUDIO_RATE_HZ", "REST_FULL_SCALE_MV", "EFFORT_FULL_SCALE_MV", "SOFT_LIMIT",
           "full_scale_mV", "audio_samples", "needle_audio", "wav_bytes", "write_wav"]

AUDIO_RATE_HZ = 44100
"""Rate of the sound (Hz): the audio-CD rate, which every browser plays. A recording at
another rate is resampled (``scipy.signal.resample_poly``)."""
REST_FULL_SCALE_MV = 0.5
"""Full scale at rest (mV): ten divisions of 50 µV, the gain for spontaneous activity."""
EFFORT_FULL_SCALE_MV = 5.0
"""Full scale on effort (mV): ten divisions of 500 µV, the gain for MUAPs."""
SOFT_LIMIT = 0.9
"""Loudest sample (fraction of the 16-bit range): ``SOFT_LIMIT · tanh(x / (SOFT_LIMIT · full
scale))`` is linear for small signals and never reaches the clipping level."""


def full_scale_mV(recording: NeedleRecording) -> float:
    """The default full scale of a recording (mV): :data:`REST_FULL_SCALE_MV` at rest,
    :data:`EFFORT_FULL_SCALE_MV` on effort."""
    return REST_FULL_SCALE_MV if recording.at_rest else EFFORT_FULL_SCALE_MV


def audio_samples(recording: NeedleRecording, *, full_scale: float | None = None,
                  rate_hz: int = AUDIO_RATE_HZ) -> np.ndarray:
    """The recording as sound samples in [−1, 1].

    Parameters
    ----------
    recording : NeedleRecording
    full_scale : float, optional
        Signal (mV) that plays at full loudness; default :func:`full_scale_mV`.
    rate_hz : int
        Rate of the sound (Hz).

    Returns
    -------
    ndarray, shape (n_audio,)
        ``SOFT_LIMIT · tanh(signal / (SOFT_LIMIT · full_scale))``: linear for small
        signals, never beyond ±:data:`SOFT_LIMIT`; ``n_audio = round(duration · rate_hz)``.

    Raises
    ------
    ValueError
        If ``full_scale`` is not a positive number of mV or ``rate_hz`` is not a whole
        number of Hz between 8000 and 192000.
    """
    scale = full_scale_mV(recording) if full_scale is None else float(full_scale)
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"full_scale = {full_scale!r} mV must be a positive number (the "
                         f"signal that plays at full loudness)")
    if not (isinstance(rate_hz, (int, np.integer)) and 8000 <= rate_hz <= 192000):
        raise ValueError(f"rate_hz = {rate_hz!r} Hz must be a whole number in [8000, 192000] "
                         f"(a rate browsers play)")
    signal = recording.signal_mV
    source_rate = recording.sampling_rate_hz
    if source_rate != rate_hz:
        from scipy.signal import resample_poly

        ratio = Fraction(int(rate_hz), 1) / Fraction(source_rate).limit_denominator(1000)
        ratio = ratio.limit_denominator(1000)
        signal = resample_poly(signal, ratio.numerator, ratio.denominator)
    return SOFT_LIMIT * np.tanh(signal / (SOFT_LIMIT * scale))


def needle_audio(recording: NeedleRecording, *, full_scale: float | None = None,
                 rate_hz: int = AUDIO_RATE_HZ) -> "Audio":
    """A player for the recording's sound (``IPython.display.Audio``, not normalised).

    Parameters and loudness as :func:`audio_samples`.

    Returns
    -------
    IPython.display.Audio
        Shows a player in a notebook; ``.data`` holds the WAV bytes.

    Raises
    ------
    ImportError
        If IPython (the ``dashboard`` extra) is not installed.
    """
    require("dashboard", "neurosim.sound.needle_audio", modules=("IPython",))
    from IPython.display import Audio

    samples = audio_samples(recording, full_scale=full_scale, rate_hz=rate_hz)
    return Audio(data=samples, rate=int(rate_hz), normalize=False)


def wav_bytes(recording: NeedleRecording, *, full_scale: float | None = None,
              rate_hz: int = AUDIO_RATE_HZ) -> bytes:
    """The recording's sound as the bytes of a 16-bit PCM WAV file (what the dashboard's
    player plays). Parameters and loudness as :func:`audio_samples`."""
    from scipy.io import wavfile

    buffer = io.BytesIO()
    wavfile.write(buffer, int(rate_hz), _pcm(recording, full_scale, rate_hz))
    return buffer.getvalue()


def _pcm(recording, full_scale, rate_hz) -> np.ndarray:
    samples = audio_samples(recording, full_scale=full_scale, rate_hz=rate_hz)
    return np.round(samples * 32767.0).astype(np.int16)


def write_wav(path: str | os.PathLike[str], recording: NeedleRecording, *,
              full_scale: float | None = None, rate_hz: int = AUDIO_RATE_HZ) -> Path:
    """Write the recording's sound to a 16-bit PCM WAV file, atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Destination (``.wav``); an existing file is replaced only when the write succeeds.
    recording : NeedleRecording
    full_scale, rate_hz
        As :func:`audio_samples`.

    Returns
    -------
    Path
        The file written.
    """
    from scipy.io import wavfile

    pcm = _pcm(recording, full_scale, rate_hz)
    path = Path(path)
    with atomic_open(path, "wb") as fh:
        wavfile.write(fh, int(rate_hz), pcm)
    return path
