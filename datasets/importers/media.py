"""Decoding video and audio with PyAV (FFmpeg): frames sampled at a fixed rate, resized,
centre-cropped and rotated; audio as mono 16 kHz. Media problems become UserErrors that name
the file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from devlearn.datasets.format import AUDIO_SAMPLE_RATE
from devlearn.errors import UserError

ROTATIONS = (0, 90, 180, 270)
# A decoded video shorter than its container claims by more than this is called truncated.
TRUNCATION_TOLERANCE_S = 1.0


@dataclass(frozen=True)
class FrameSpec:
    """How frames are made: sampled at `fps`, short side scaled to `resize`, centre crop of
    `size` x `size`, turned upright as the file's display matrix says (phones store portrait
    video as landscape pictures plus that matrix), then rotated clockwise by `rotate` degrees
    (for cameras worn upside down, which no metadata records)."""

    fps: float = 5.0
    size: int = 224
    resize: int | None = None  # None: the same as size
    rotate: int = 0

    def __post_init__(self) -> None:
        if not self.fps > 0:
            raise ValueError(f"fps {self.fps} must be > 0")
        if self.size <= 0:
            raise ValueError(f"frame size {self.size} must be > 0")
        if self.resize is not None and self.resize < self.size:
            raise ValueError(f"resize {self.resize} must be >= the crop size {self.size}")
        if self.rotate not in ROTATIONS:
            raise ValueError(f"rotation {self.rotate} must be one of {ROTATIONS}")


def _av_errors() -> tuple[type[BaseException], ...]:
    import av

    return (av.FFmpegError, EOFError, UnicodeDecodeError)


def transform_frame(rgb: np.ndarray, spec: FrameSpec, display_turns: int = 0) -> np.ndarray:
    """Centre crop an already scaled RGB frame to size x size, turn it counter-clockwise by
    ``display_turns`` quarter turns (the file's display rotation), then clockwise by
    ``spec.rotate``. The crop is a centred square, so cropping before turning is the same."""
    h, w = rgb.shape[:2]
    top, left = (h - spec.size) // 2, (w - spec.size) // 2
    crop = rgb[top : top + spec.size, left : left + spec.size]
    return np.ascontiguousarray(np.rot90(crop, k=display_turns - spec.rotate // 90))


def display_turns(frame) -> int:  # noqa: ANN001 - av.VideoFrame
    """Counter-clockwise quarter turns that the frame's display matrix asks for (0 when
    there is none, or when this PyAV cannot read it)."""
    degrees = getattr(frame, "rotation", 0) or 0
    return int(round(degrees / 90)) % 4


def _scaled_size(width: int, height: int, short: int) -> tuple[int, int]:
    scale = short / min(width, height)
    return max(short, round(width * scale)), max(short, round(height * scale))


@dataclass
class DecodedVideo:
    duration_s: float  # decoded span: last frame time + one source frame
    n_source_frames: int


def sample_video(
    path: Path, spec: FrameSpec, chunk: int = 64
) -> Iterator[tuple[np.ndarray, np.ndarray] | DecodedVideo]:
    """Yield (frames uint8 (n, S, S, 3), times s) chunks sampled at spec.fps, then a
    DecodedVideo summary. The frame for time T is the last source frame shown at or before T."""
    import av

    short = spec.resize or spec.size
    step = 1.0 / spec.fps
    frames: list[np.ndarray] = []
    times: list[float] = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise UserError("no video stream", path=path)
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            claimed = float(container.duration / 1e6) if container.duration else None
            rate = float(stream.average_rate) if stream.average_rate else 30.0
            t0: float | None = None
            previous: np.ndarray | None = None
            target = 0.0
            count = 0
            last_t = 0.0
            for frame in container.decode(stream):
                t = frame.time if frame.time is not None else count / rate
                t0 = t if t0 is None else t0
                t -= t0
                width, height = _scaled_size(frame.width, frame.height, short)
                rgb = frame.to_ndarray(width=width, height=height, format="rgb24")
                current = transform_frame(rgb, spec, display_turns(frame))
                while target < t - 1e-6:  # source frame `previous` was on screen at `target`
                    frames.append(previous if previous is not None else current)
                    times.append(target)
                    target = round(target + step, 9)
                if len(frames) >= chunk:
                    yield np.stack(frames), np.asarray(times)
                    frames, times = [], []
                previous, last_t, count = current, t, count + 1
    except _av_errors() as error:
        raise UserError(f"cannot decode the video: {error}", path=path) from error
    if count == 0:
        raise UserError("the video holds no decodable frames", path=path)
    end = last_t + 1.0 / rate
    while target < end - 1e-6:
        frames.append(previous)
        times.append(target)
        target = round(target + step, 9)
    if frames:
        yield np.stack(frames), np.asarray(times)
    if claimed is not None and end < claimed - TRUNCATION_TOLERANCE_S:
        raise UserError(f"truncated video: decoded {end:.1f} s of {claimed:.1f} s", path=path)
    yield DecodedVideo(duration_s=end, n_source_frames=count)


def decode_audio_track(path: Path) -> np.ndarray | None:
    """The first audio stream of a media file as mono float32 at 16 kHz (None if none)."""
    import av

    chunks: list[np.ndarray] = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_SAMPLE_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except _av_errors() as error:
        raise UserError(f"cannot decode the audio: {error}", path=path) from error
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)


def read_audio_file(path: Path) -> tuple[np.ndarray, int]:
    """(mono float32 samples, sample rate) of an audio file; UserError if unreadable."""
    import soundfile

    try:
        samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as error:
        raise UserError(f"cannot read the audio: {error}", path=path) from error
    if samples.shape[0] == 0:
        raise UserError("the audio file holds no samples", path=path)
    return samples.mean(axis=1, dtype=np.float32), int(rate)
