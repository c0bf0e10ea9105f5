"""A small synthetic audio-visual dataset: coloured shapes named in tone 'speech'.

For tests, benchmarks and smoke runs (nothing is downloaded). Every utterance names the shape
in view ("look at the circle"); each word is a short tone at a frequency of its own, so the
speech encoder can learn words from sound. Exemplars differ by colour: ``palette`` picks which
colours appear, so held-out colours test whether a learner learned shape rather than colour.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

SHAPES = ("circle", "square", "triangle", "cross", "ring", "bar")
TRAIN_COLOURS = ((220, 40, 40), (40, 180, 60), (50, 80, 220), (230, 200, 40))
HELDOUT_COLOURS = ((200, 60, 200), (40, 200, 200), (240, 130, 30), (150, 150, 150))
FILLERS = ("look", "at", "the", "see", "a", "nice")
SAMPLE_RATE = 16_000
WORD_S, GAP_S = 0.25, 0.05


def word_freq(word: str) -> float:
    """A fixed tone frequency (Hz) per word, 300-3000 Hz."""
    return 300.0 + (zlib.crc32(word.encode()) % 2700)


def tone(word: str, seconds: float = WORD_S) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    env = np.minimum(1.0, np.minimum(t, seconds - t) / 0.02)
    return (0.3 * env * np.sin(2 * np.pi * word_freq(word) * t)).astype(np.float32)


def draw_shape(
    shape: str,
    colour: tuple[int, int, int],
    size: int,
    rng: np.random.Generator,
    background: np.ndarray | None = None,
) -> np.ndarray:
    """One (size, size, 3) uint8 image of ``shape`` at a random place and scale."""
    img = background.copy() if background is not None else np.full((size, size, 3), 30, np.uint8)
    if background is None:
        img[:] = rng.integers(10, 70, size=3)
    r = size * rng.uniform(0.22, 0.35)
    cy, cx = rng.uniform(r + 1, size - r - 1, size=2)
    y, x = np.mgrid[:size, :size].astype(np.float32)
    dy, dx = (y - cy) / r, (x - cx) / r
    masks = {
        "circle": dx**2 + dy**2 <= 1,
        "square": (np.abs(dx) <= 0.8) & (np.abs(dy) <= 0.8),
        "triangle": (dy <= 0.8) & (dy >= -0.9 + 2 * np.abs(dx) * 0.95),
        "cross": ((np.abs(dx) <= 0.3) | (np.abs(dy) <= 0.3))
        & (np.abs(dx) <= 1)
        & (np.abs(dy) <= 1),
        "ring": (dx**2 + dy**2 <= 1) & (dx**2 + dy**2 >= 0.45),
        "bar": (np.abs(dx) <= 1) & (np.abs(dy) <= 0.3),
    }
    img[masks[shape]] = colour
    return img


def write_toy_dataset(
    out: str | Path,
    n_sessions: int = 6,
    ages_months: tuple[float, float] = (6.0, 12.0),
    utterances_per_session: int = 20,
    size: int = 32,
    fps: float = 5.0,
    shapes: tuple[str, ...] = SHAPES,
    palette: tuple[tuple[int, int, int], ...] = TRAIN_COLOURS,
    audio: bool = True,
    seed: int = 0,
    splits: tuple[str, ...] | None = None,
) -> Path:
    """Write the toy dataset to ``out`` and return its path.

    Sessions are evenly spaced over ``ages_months``; ``splits`` (one per session) fixes their
    splits, otherwise the writer assigns them."""
    from devlearn import months_to_days
    from devlearn.datasets import DatasetWriter

    rng = np.random.default_rng(seed)
    ages = np.linspace(*ages_months, n_sessions)
    provenance = {"command": "toy dataset", "options": {"n_sessions": n_sessions}, "seed": seed}
    with DatasetWriter(
        out, fps=fps, frame_size=(size, size), source="synthetic", provenance=provenance
    ) as writer:
        for s, age in enumerate(ages):
            sid = f"toy{s:03d}"
            split = None if splits is None else splits[s]
            with writer.session(sid, "toy", months_to_days(float(age)), split=split) as session:
                _write_session(
                    session, rng, utterances_per_session, size, fps, shapes, palette, audio
                )
        writer.add_lexicon([(shape, shape) for shape in shapes])
    return Path(out)


def _write_session(session, rng, n_utts, size, fps, shapes, palette, audio) -> None:  # noqa: ANN001
    t, frames, waves, objects = 0.0, [], [], []
    for _ in range(n_utts):
        shape = shapes[rng.integers(len(shapes))]
        colour = palette[rng.integers(len(palette))]
        words = [*rng.choice(FILLERS, size=rng.integers(1, 3), replace=False), shape]
        word_times, w_t = [], t
        for w in words:
            word_times.append((str(w), w_t, w_t + WORD_S))
            waves.append(tone(str(w)))
            waves.append(np.zeros(int(GAP_S * SAMPLE_RATE), np.float32))
            w_t += WORD_S + GAP_S
        session.add_utterance("caregiver", " ".join(words), t, w_t, word_times=word_times)
        n_frames = int(np.ceil((w_t - t) * fps - 1e-9))
        for _ in range(n_frames):
            idx = len(frames)
            frames.append(draw_shape(shape, colour, size, rng))
            objects.append(
                dict(
                    frame_idx=idx,
                    object_id=f"{shape}-{colour}",
                    category=shape,
                    exemplar=str(colour),
                    pixel_frac=0.2,
                    named=True,
                )
            )
        # Frames and audio stay aligned: the utterance lasts exactly n_frames / fps seconds.
        pad = n_frames / fps - (w_t - t)
        if pad > 0:
            waves.append(np.zeros(int(round(pad * SAMPLE_RATE)), np.float32))
        t += n_frames / fps
    session.add_frames(np.stack(frames))
    session.add_objects(objects)
    if audio:
        session.set_audio(np.concatenate(waves), SAMPLE_RATE)
