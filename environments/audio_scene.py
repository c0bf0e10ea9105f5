"""The sound of the home: room tone, household noises and the caregiver's speech, mixed.

Everything is drawn from the seed when the scene is made, and each piece of sound is made
from its own seeded generator, so any time window renders the same samples whether the whole
session is rendered at once or piece by piece (as the gym environment does step by step).
Levels are absolute (dBFS), so a window's loudness does not depend on what else is in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NOISE_KINDS = ("door", "clatter", "hum")
_BLOCK = 16384  # room-tone blocks, overlap-added with power-complementary sine windows
_BANK = 16  # distinct room-tone segments per scene
_PEAK_LIMIT = 0.99


@dataclass(frozen=True)
class NoiseEvent:
    kind: str  # "door" | "clatter" | "hum"
    t_start: float
    duration_s: float
    peak: float  # linear amplitude


@dataclass(frozen=True)
class PlacedSpeech:
    t_start: float
    t_end: float
    text: str


def _db(x: float) -> float:
    return 10 ** (x / 20)


class AudioScene:
    """Room tone plus household noise events for `duration_s`, with speech placed on top."""

    def __init__(
        self,
        seed: int,
        duration_s: float,
        sample_rate: int = 16000,
        room_tone_dbfs: float = -50.0,  # RMS of the background
        room_tone_slope: float = 1.5,  # power falls as 1/f**slope: 1 pink, 2 brown
        noise_events_per_minute: float = 0.5,
        noise_peak_dbfs: tuple[float, float] = (-26.0, -10.0),
        speech_peak_dbfs: float = -6.0,
    ):
        if not duration_s > 0 or sample_rate <= 0:
            raise ValueError(
                f"need duration_s > 0 and sample_rate > 0, got {duration_s}, {sample_rate}"
            )
        if noise_events_per_minute < 0:
            raise ValueError(f"noise_events_per_minute must be >= 0, got {noise_events_per_minute}")
        if (
            not noise_peak_dbfs[0] <= noise_peak_dbfs[1] <= 0
            or speech_peak_dbfs > 0
            or room_tone_dbfs > 0
        ):
            raise ValueError("levels are dBFS and must be <= 0 (noise_peak_dbfs as (low, high))")
        self.seed = seed
        self.duration_s = float(duration_s)
        self.sample_rate = int(sample_rate)
        self.n_samples = int(round(duration_s * sample_rate))
        self.room_tone_rms = _db(room_tone_dbfs)
        self.room_tone_slope = room_tone_slope
        self.speech_peak = _db(speech_peak_dbfs)
        self.events = self._draw_events(noise_events_per_minute, noise_peak_dbfs)
        self.speech: list[PlacedSpeech] = []
        self._speech_audio: list[tuple[int, np.ndarray]] = []
        self._bank: np.ndarray | None = None
        self._window: np.ndarray | None = None

    def _draw_events(self, per_minute: float, peak_db: tuple[float, float]) -> list[NoiseEvent]:
        rng = np.random.default_rng([self.seed, 0xA0D10])
        events, t = [], 0.0
        while per_minute > 0:
            t += rng.exponential(60.0 / per_minute)
            if t >= self.duration_s:
                break
            kind = NOISE_KINDS[int(rng.choice(3, p=[0.35, 0.4, 0.25]))]
            duration = {
                "door": 0.7,
                "clatter": float(rng.uniform(0.4, 1.2)),
                "hum": float(rng.uniform(3, 12)),
            }[kind]
            level = float(rng.uniform(*peak_db)) - (
                10.0 if kind == "hum" else 0.0
            )  # hums are quiet
            events.append(NoiseEvent(kind, float(t), duration, _db(level)))
        return events

    def place(self, clip, t_start: float, gain_db: float = 0.0) -> PlacedSpeech:
        """Mix speech (a `SpeechClip`, or float samples at the scene's rate) from `t_start` s,
        scaled to the scene's speech peak plus `gain_db` (e.g. negative for a far speaker)."""
        samples = np.asarray(getattr(clip, "samples", clip), np.float32)
        rate = getattr(clip, "sample_rate", self.sample_rate)
        if rate != self.sample_rate:
            raise ValueError(
                f"speech at {rate} Hz cannot be mixed into a {self.sample_rate} Hz scene"
            )
        if t_start < 0 or samples.ndim != 1:
            raise ValueError(
                f"need t_start >= 0 and mono samples, got {t_start}, shape {samples.shape}"
            )
        peak = float(np.abs(samples).max()) if samples.size else 0.0
        scaled = samples * (self.speech_peak * _db(gain_db) / peak) if peak > 0 else samples
        start = int(round(t_start * self.sample_rate))
        placed = PlacedSpeech(
            float(t_start),
            float(t_start + len(samples) / self.sample_rate),
            getattr(clip, "text", ""),
        )
        self.speech.append(placed)
        self._speech_audio.append((start, scaled.astype(np.float32)))
        return placed

    def render(self, start_s: float = 0.0, end_s: float | None = None) -> np.ndarray:
        """Float32 mono samples of [start_s, end_s) (default: the whole scene), in [-1, 1]."""
        a = int(round(start_s * self.sample_rate))
        b = self.n_samples if end_s is None else int(round(end_s * self.sample_rate))
        if not 0 <= a <= b <= self.n_samples:
            raise ValueError(
                f"window {start_s}..{end_s} s is outside the scene's {self.duration_s} s"
            )
        out = self._room_tone(a, b)
        for i, event in enumerate(self.events):
            s = int(round(event.t_start * self.sample_rate))
            if s < b and s + int(event.duration_s * self.sample_rate) > a:
                _add(
                    out,
                    a,
                    s,
                    _noise(event, self.sample_rate, np.random.default_rng([self.seed, 0xE7, i])),
                )
        for s, samples in self._speech_audio:
            if s < b and s + len(samples) > a:
                _add(out, a, s, samples)
        peak = float(np.abs(out).max()) if out.size else 0.0
        if peak > _PEAK_LIMIT:  # only when speech overlaps loud noise: scale, never clip
            out *= _PEAK_LIMIT / peak
        return out.astype(np.float32)

    def _room_tone(self, a: int, b: int) -> np.ndarray:
        """Coloured noise as overlap-added 2-block segments. Drawing ~60 M Gaussian samples
        an hour was the slowest part of rendering, so each segment is one of a bank of
        `_BANK` noise segments, circularly shifted and signed by a hash of its index: the
        background never repeats as a whole, though pieces of it recur."""
        out = np.zeros(b - a, np.float32)
        bank = self._tone_bank()
        for k in range(a // _BLOCK, (b - 1) // _BLOCK + 2 if b > a else 0):
            h = (k * 2654435761 + self.seed * 40503 + 12345) % 2**32
            tone = np.roll(bank[h % _BANK], (h >> 6) % (2 * _BLOCK))
            _add(out, a, (k - 1) * _BLOCK, tone * (self._window if h & 32 else -self._window))
        return out

    def _tone_bank(self) -> np.ndarray:
        if self._bank is None:
            freqs = np.fft.rfftfreq(2 * _BLOCK, 1.0 / self.sample_rate)
            shape = np.maximum(freqs, 20.0) ** (-self.room_tone_slope / 2)
            shape[freqs < 20.0] = 0.0  # no rumble below hearing, no DC
            rng = np.random.default_rng([self.seed, 0x2007])
            white = rng.standard_normal((_BANK, 2 * _BLOCK))
            tone = np.fft.irfft(np.fft.rfft(white, axis=1) * shape, 2 * _BLOCK, axis=1)
            tone *= self.room_tone_rms / np.sqrt((tone**2).mean(axis=1, keepdims=True))
            self._bank = tone.astype(
                np.float32
            )  # circular shifts stay seamless: irfft output is periodic
            # Sine windows overlapping by half are power-complementary: constant level.
            window = np.sin(np.pi * (np.arange(2 * _BLOCK) + 0.5) / (2 * _BLOCK))
            self._window = window.astype(np.float32)
        return self._bank


def _add(out: np.ndarray, out_start: int, start: int, samples: np.ndarray) -> None:
    """Add `samples` beginning at absolute sample `start` into `out` beginning at `out_start`."""
    lo, hi = max(start, out_start), min(start + len(samples), out_start + len(out))
    if lo < hi:
        out[lo - out_start : hi - out_start] += samples[lo - start : hi - start]


def _noise(event: NoiseEvent, rate: int, rng: np.random.Generator) -> np.ndarray:
    """A simple synthetic household sound: a door thud, a clatter of hits, an appliance hum."""
    n = int(event.duration_s * rate)
    t = np.arange(n) / rate
    if event.kind == "door":  # low resonant thud, then the latch
        x = np.sin(2 * np.pi * rng.uniform(60, 140) * t) * np.exp(-t / rng.uniform(0.05, 0.12))
        x += 0.5 * rng.standard_normal(n) * np.exp(-t / 0.01)
        latch = int(rng.uniform(0.15, 0.35) * rate)
        x[latch:] += 0.4 * rng.standard_normal(n - latch) * np.exp(-t[: n - latch] / 0.008)
    elif event.kind == "clatter":  # damped high partials: dishes, toys, a dropped spoon
        x = np.zeros(n)
        for hit in np.sort(rng.uniform(0, event.duration_s * 0.8, int(rng.integers(3, 9)))):
            s = int(hit * rate)
            tt = t[: n - s]
            ring = sum(np.sin(2 * np.pi * rng.uniform(900, 5000) * tt) for _ in range(3))
            x[s:] += rng.uniform(0.3, 1.0) * ring * np.exp(-tt / rng.uniform(0.02, 0.07))
    else:  # mains hum with harmonics and a fan's noise, faded in and out
        f0 = 50.0 if rng.random() < 0.5 else 60.0
        x = sum(np.sin(2 * np.pi * f0 * h * t + rng.uniform(0, 6.3)) / h for h in (1, 2, 3, 4))
        x = x + 0.3 * np.convolve(rng.standard_normal(n), np.ones(8) / 8, mode="same")
        x *= np.clip(np.minimum(t, event.duration_s - t) / 0.5, 0.0, 1.0)
    peak = np.abs(x).max()
    return (x * (event.peak / peak) if peak > 0 else x).astype(np.float32)
