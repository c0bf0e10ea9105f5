"""Audio helpers: mono 16 kHz resampling and lossless FLAC files."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

from devlearn.datasets.format import AUDIO_SAMPLE_RATE


def to_mono(samples: np.ndarray) -> np.ndarray:
    """Mono float32 from (n,) or (n, channels) samples (channels averaged)."""
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim == 2:
        samples = samples.mean(axis=1, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError(f"audio must be (n,) or (n, channels), got shape {samples.shape}")
    return samples


def resample(samples: np.ndarray, rate: int, target: int = AUDIO_SAMPLE_RATE) -> np.ndarray:
    """Resample mono audio with a polyphase filter (exact rational ratio, no time shift)."""
    if rate <= 0:
        raise ValueError(f"sample rate {rate} must be positive")
    samples = to_mono(samples)
    if rate == target or samples.size == 0:
        return samples
    from scipy.signal import resample_poly

    ratio = Fraction(target, rate).limit_denominator(10_000)
    out = resample_poly(samples, ratio.numerator, ratio.denominator)
    return out.astype(np.float32, copy=False)


def write_flac(path: Path, samples: np.ndarray, rate: int = AUDIO_SAMPLE_RATE) -> None:
    """Write mono float samples as 16-bit FLAC (clipped to [-1, 1])."""
    import soundfile

    clipped = np.clip(to_mono(samples), -1.0, 1.0)
    soundfile.write(str(path), clipped, rate, format="FLAC", subtype="PCM_16")
