"""Caregiver voices: eSpeak NG speech with infant-directed prosody and word timestamps.

Infant-directed speech is higher and more variable in pitch, slower and more paused than
speech to adults (Fernald et al. 1989; Martin et al. 2016; see FACTS.md). The synthesizer
takes those changes as numbers, normally from the developmental profile
(`id_pitch_raise_semitones`, `id_pitch_variability`, `id_rate_factor`), and maps them onto
eSpeak's pitch, range and rate controls. Word times come from eSpeak's word events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from . import espeak_ffi

SAMPLE_RATE = 16000
SEXES = ("female", "male")
# eSpeak NG voice variants (espeak-ng-data/voices/!v) by sex, and the English accents used.
FEMALE_VARIANTS = ("f1", "f2", "f3", "f4", "f5")
MALE_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7")
ACCENTS = ("en-us", "en", "en-us", "en-gb-x-rp", "en-gb-scotland")  # "en" is British

# Semitones relative to eSpeak's default pitch (50) at eSpeak pitch settings 0, 5, ..., 100,
# measured on this library (eSpeak NG 1.52): the median F0 (pYIN) of "mama mama mama" from the
# en-us voice with the pitch range set to 0. The scale is close to 1 semitone per 5 steps.
_PITCH_SETTINGS = np.arange(0, 101, 5)
_PITCH_SEMITONES = np.array(
    [-8.7, -7.8, -7.0, -6.1, -5.4, -4.5, -3.6, -2.7, -1.8, -0.9, 0.0,
     1.0, 2.1, 3.1, 4.0, 5.0, 6.1, 7.1, 8.2, 9.2, 10.0]
)  # fmt: skip

# Energy envelope used to end words where the voice stops rather than where the next word
# starts (which would swallow the pause after a comma or sentence).
_FRAME_S = 0.005
_SILENCE_DB = -45.0  # below the clip's loudest frame
_WORD_TAIL_S = 0.01
_TOKEN = re.compile(r"[\w']+")


@dataclass(frozen=True)
class Voice:
    """One speaker: an eSpeak voice (``language+variant``) and its resting prosody."""

    name: str = "en-us+f3"
    base_pitch: int = 50  # eSpeak pitch setting 0-99
    pitch_range: int = 50  # eSpeak pitch-range setting 0-99 (50 = the voice's own)
    rate_wpm: int = 165  # words per minute in speech to adults
    sex: str = "female"

    def __post_init__(self) -> None:
        if not self.name or any(c.isspace() for c in self.name):
            raise ValueError(
                f"voice name must be an eSpeak voice id like 'en-us+f3', got {self.name!r}"
            )
        for label, value in (("base_pitch", self.base_pitch), ("pitch_range", self.pitch_range)):
            if not 0 <= value <= 99:
                raise ValueError(f"{label} must be in 0..99, got {value}")
        if not 80 <= self.rate_wpm <= 450:
            raise ValueError(f"rate_wpm must be in 80..450, got {self.rate_wpm}")
        if self.sex not in SEXES:
            raise ValueError(f"sex must be one of {SEXES}, got {self.sex!r}")


@dataclass
class SpeechClip:
    """Mono float32 speech at 16 kHz with (word, start s, end s) for each spoken word."""

    samples: np.ndarray
    word_times: list[tuple[str, float, float]]
    text: str = ""
    voice: Voice | None = None
    sample_rate: int = SAMPLE_RATE
    settings: dict[str, int] = field(default_factory=dict)  # the eSpeak settings used

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def household_voices(seed: int, n: int = 2) -> list[Voice]:
    """`n` distinct voices for one household, alternating female and male, fixed by `seed`."""
    if n < 1:
        raise ValueError(f"a household needs at least one voice, got n={n}")
    rng = np.random.default_rng([seed, 0x5EEC])
    first = int(rng.integers(2))
    females = list(rng.permutation(FEMALE_VARIANTS))
    males = list(rng.permutation(MALE_VARIANTS))
    voices = []
    for i in range(n):
        sex = SEXES[(first + i) % 2]
        pool = females if sex == "female" else males
        if not pool:  # more voices than variants of that sex: reuse with other settings
            pool.extend(rng.permutation(FEMALE_VARIANTS if sex == "female" else MALE_VARIANTS))
        accent = ACCENTS[int(rng.integers(len(ACCENTS)))]
        voices.append(
            Voice(
                name=f"{accent}+{pool.pop()}",
                base_pitch=int(rng.integers(40, 61)),
                pitch_range=int(rng.integers(30, 47)),  # headroom: ID speech widens it up to 99
                rate_wpm=int(rng.integers(150, 186)),
                sex=sex,
            )
        )
    return voices


def pitch_setting(base_pitch: float, raise_semitones: float) -> int:
    """eSpeak pitch setting that raises a voice at `base_pitch` by `raise_semitones`."""
    target = np.interp(base_pitch, _PITCH_SETTINGS, _PITCH_SEMITONES) + raise_semitones
    return int(np.clip(round(float(np.interp(target, _PITCH_SEMITONES, _PITCH_SETTINGS))), 0, 99))


class SpeechSynthesizer:
    """Speaks text with eSpeak NG. Same text, voice and prosody give identical samples.

    Cheap to create and safe to use from worker processes: the library is loaded for each
    call (see `espeak_ffi`), so nothing is initialised at construction.
    """

    sample_rate = SAMPLE_RATE

    def say(
        self,
        text: str,
        voice: Voice,
        pitch_raise_semitones: float = 0.0,
        pitch_variability: float = 1.0,
        rate_factor: float = 1.0,
        word_gap_ms: float = 0.0,
    ) -> SpeechClip:
        """Synthesise `text` in `voice`, with infant-directed changes applied.

        pitch_raise_semitones: raise of the voice's pitch; pitch_variability: multiplier on
        its pitch range (>1 more melodic); rate_factor: multiplier on its speaking rate (<1
        slower); word_gap_ms: extra pause between words.
        """
        if not text.strip():
            raise ValueError("cannot speak an empty text")
        if pitch_variability < 0 or rate_factor <= 0 or word_gap_ms < 0:
            raise ValueError(
                f"need pitch_variability >= 0, rate_factor > 0, word_gap_ms >= 0; got "
                f"{pitch_variability}, {rate_factor}, {word_gap_ms}"
            )
        # eSpeak's F0 is base + contour * range in Hz, so a raise by a ratio must scale the
        # range too, or the excursions shrink in semitones; variability widens them on top.
        range_scale = pitch_variability * 2 ** (pitch_raise_semitones / 12)
        settings = {
            "pitch": pitch_setting(voice.base_pitch, pitch_raise_semitones),
            "pitch_range": int(np.clip(round(voice.pitch_range * range_scale), 0, 99)),
            "rate_wpm": int(np.clip(round(voice.rate_wpm * rate_factor), 80, 450)),
            "word_gap": int(round(word_gap_ms / 10.0)),
        }
        raw = espeak_ffi.synthesize(
            text, voice.name, gender=1 if voice.sex == "male" else 2, **settings
        )
        native = raw.samples.astype(np.float32) / 32768.0
        word_times = _word_times(text, raw.events, native, espeak_ffi.NATIVE_SAMPLE_RATE)
        return SpeechClip(_to_16k(native), word_times, text, voice, SAMPLE_RATE, settings)


def _to_16k(native: np.ndarray) -> np.ndarray:
    from scipy.signal import resample_poly

    # 16000 / 22050 = 320 / 441, with resample_poly's own filter, designed once.
    return resample_poly(native, 320, 441, window=_resampling_filter()).astype(np.float32)


@lru_cache(maxsize=1)
def _resampling_filter() -> np.ndarray:
    from scipy.signal import firwin

    return firwin(2 * 10 * 441 + 1, 1.0 / 441, window=("kaiser", 5.0))


def _word_times(
    text: str, events: list[espeak_ffi.RawEvent], samples: np.ndarray, rate: int
) -> list[tuple[str, float, float]]:
    """Word intervals: start at eSpeak's word event; end where the voice falls silent before
    the next word or clause boundary."""
    loud = _loud_frames(samples, rate)
    frame = int(_FRAME_S * rate)
    marks = [e for e in events if e.kind in (espeak_ffi.EVENT_WORD, espeak_ffi.EVENT_END)]
    out = []
    for i, e in enumerate(marks):
        if e.kind != espeak_ffi.EVENT_WORD:
            continue
        # The whole token at the event: eSpeak's length can stop short of a clitic ("where's").
        token = _TOKEN.match(text, e.text_position - 1)
        if token is None:
            continue
        later = [m.sample for m in marks[i + 1 :] if m.sample > e.sample]
        bound = min(later[0] if later else len(samples), len(samples))
        first, last = e.sample // frame, max(e.sample // frame, bound // frame - 1)
        voiced = np.flatnonzero(loud[first : last + 1])
        end = bound if not len(voiced) else int(first + voiced[-1] + 1) * frame
        end = min(bound, end + int(_WORD_TAIL_S * rate), len(samples))
        out.append((token.group().lower(), e.sample / rate, max(end, e.sample) / rate))
    return out


def _loud_frames(samples: np.ndarray, rate: int) -> np.ndarray:
    frame = int(_FRAME_S * rate)
    n = -(-len(samples) // frame)
    padded = np.zeros(n * frame, np.float32)
    padded[: len(samples)] = samples
    energy = (padded.reshape(n, frame) ** 2).mean(axis=1)
    if n == 0 or energy.max() <= 0:
        return np.zeros(n, bool)
    return energy > energy.max() * 10 ** (_SILENCE_DB / 10)
