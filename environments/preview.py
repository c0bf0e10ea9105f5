"""`simulate --preview`: a contact sheet (PNG) and a short video with sound (MP4).

A few short sessions at ages spread over the requested range are simulated in memory; the
sheet shows egocentric frames from each (one row per age), the video plays some seconds of
each age with the caregiver's voice, so a person can see and hear the infant's experience.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np

from devlearn.environments.plan import SessionSpec, SimulateOptions

PREVIEW_SECONDS = 24.0
SHEET_COLUMNS = 8
VIDEO_SECONDS_PER_AGE = 8.0
VIDEO_SIZE = 192


class MemorySink:
    """Collects what a session writes, in memory (the SessionWriter methods the recorder uses)."""

    def __init__(self):
        self.frames: list[np.ndarray] = []
        self.columns: dict[str, list] = {}
        self.audio = np.zeros(0, np.float32)
        self.utterances: list[tuple[float, float, str]] = []
        self.objects: list[dict] = []

    def add_frames(self, frames: np.ndarray) -> None:
        self.frames.extend(frames)

    def add_frame_columns(self, **columns) -> None:
        for name, values in columns.items():
            self.columns.setdefault(name, []).extend(values)

    def set_audio(self, samples: np.ndarray, sample_rate: int) -> None:
        self.audio = np.asarray(samples, np.float32)

    def add_utterance(self, speaker, text, t_start=None, t_end=None, words=None, word_times=None):
        self.utterances.append((t_start, t_end, text))
        return f"u{len(self.utterances)}"

    def add_objects(self, rows) -> None:
        self.objects.extend(rows)


def preview_ages(ages: list[float], n: int = 5) -> list[float]:
    ages = sorted(set(ages))
    if len(ages) <= n:
        return ages
    return [ages[int(round(i))] for i in np.linspace(0, len(ages) - 1, n)]


def record_previews(opts: SimulateOptions, seconds: float = PREVIEW_SECONDS):
    """Simulate one short session per preview age; returns [(age, MemorySink)]."""
    from devlearn.environments.session import SessionRecorder

    out = []
    for age in preview_ages(opts.ages):
        spec = SessionSpec(f"preview_{age:g}", 0, float(age), 0, seconds, opts.seed + int(age * 10))
        sink = MemorySink()
        SessionRecorder(spec, opts).run(sink)
        out.append((age, sink))
    return out


def contact_sheet(previews, path: Path, cell: int = 128) -> None:
    from PIL import Image, ImageDraw

    rows = len(previews)
    sheet = Image.new("RGB", (SHEET_COLUMNS * cell, rows * (cell + 16)), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    for r, (age, sink) in enumerate(previews):
        picks = np.linspace(0, len(sink.frames) - 1, SHEET_COLUMNS).astype(int)
        for c, i in enumerate(picks):
            tile = Image.fromarray(sink.frames[i]).resize((cell, cell), Image.NEAREST)
            sheet.paste(tile, (c * cell, r * (cell + 16) + 16))
        postures = sorted(set(sink.columns.get("posture", [])))
        draw.text(
            (4, r * (cell + 16) + 2), f"{age:g} months - {', '.join(postures)}", fill=(0, 0, 0)
        )
    sheet.save(path)


def video(previews, path: Path, fps: float) -> None:
    """H.264 video with AAC sound: the first seconds of each preview age, one after another."""
    import av
    from PIL import Image

    per_age = int(VIDEO_SECONDS_PER_AGE * fps)
    frames, audio = [], []
    for _, sink in previews:
        frames += sink.frames[:per_age]
        audio.append(sink.audio[: int(per_age / fps * 16000)])
    sound = np.concatenate(audio) if audio else np.zeros(0, np.float32)
    with av.open(str(path), "w") as container:
        v = container.add_stream("libx264", rate=int(round(fps)))
        v.width = v.height = VIDEO_SIZE
        v.pix_fmt = "yuv420p"
        a = container.add_stream("aac", rate=16000)
        a.layout = "mono"
        for frame in frames:
            big = np.asarray(Image.fromarray(frame).resize((VIDEO_SIZE, VIDEO_SIZE), Image.NEAREST))
            for packet in v.encode(av.VideoFrame.from_ndarray(big, format="rgb24")):
                container.mux(packet)
        for packet in v.encode():
            container.mux(packet)
        chunk = 1024
        for start in range(0, len(sound), chunk):
            piece = sound[start : start + chunk].reshape(1, -1).astype(np.float32)
            af = av.AudioFrame.from_ndarray(piece, format="fltp", layout="mono")
            af.sample_rate = 16000
            af.pts = start
            for packet in a.encode(af):
                container.mux(packet)
        for packet in a.encode():
            container.mux(packet)


def write_preview(out: Path, opts: SimulateOptions, seconds: float = PREVIEW_SECONDS) -> Path:
    """Write OUT/contact_sheet.png and OUT/preview.mp4 (all or nothing)."""
    previews = record_previews(opts, seconds)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.absolute().parent))
    try:
        contact_sheet(previews, tmp / "contact_sheet.png")
        if opts.audio:
            video(previews, tmp / "preview.mp4", opts.fps)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
