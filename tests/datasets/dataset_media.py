"""Small media written by the tests themselves: videos with known colours at known times,
audio with a tone at a known time, CHAT files, scene corpora, image folders."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

# Colours far apart in every channel, so H.264 compression cannot confuse them.
COLOURS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (255, 0, 255), (0, 255, 255)]


def tone(seconds: float, rate: int, at: tuple[float, float], hz: float = 1000.0) -> np.ndarray:
    """Silence with a sine tone between at[0] and at[1] seconds."""
    t = np.arange(int(seconds * rate)) / rate
    on = (t >= at[0]) & (t < at[1])
    return (0.5 * np.sin(2 * np.pi * hz * t) * on).astype(np.float32)


def write_video(
    path: Path,
    colours: list[tuple[int, int, int]],
    frames_per_colour: int,
    fps: int = 10,
    size: tuple[int, int] = (64, 48),
    audio: np.ndarray | None = None,
    audio_rate: int = 44_100,
) -> Path:
    """An H.264 video: each colour fills the top half for `frames_per_colour` frames; the
    bottom half is black (so rotation shows). Optional AAC audio track."""
    import av

    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "10", "preset": "ultrafast"}
        astream = None
        if audio is not None:
            astream = container.add_stream("aac", rate=audio_rate)
            astream.layout = "mono"
        for colour in colours:
            for _ in range(frames_per_colour):
                image = np.zeros((height, width, 3), np.uint8)
                image[: height // 2] = colour
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        if astream is not None:
            block = 1024
            for i in range(0, len(audio), block):
                chunk = audio[i : i + block].reshape(1, -1)
                frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
                frame.sample_rate = audio_rate
                frame.pts = i
                frame.time_base = Fraction(1, audio_rate)
                container.mux(astream.encode(frame))
            container.mux(astream.encode(None))
    return path


@pytest.fixture
def video_folder(tmp_path: Path) -> Path:
    """Two videos of 3 s at 10 fps (6 colours x 5 frames), transcripts and an age table."""
    folder = tmp_path / "videos"
    folder.mkdir()
    write_video(folder / "S_001.mp4", COLOURS, 5)
    write_video(folder / "S_002.mp4", COLOURS[::-1], 5)
    (tmp_path / "ages.csv").write_text(
        "video,child_id,age_months,birth_date,recording_date\n"
        "S_001.mp4,S,6,,\n"
        "S_002,S,,2012-01-01,2012-12-31\n"
    )
    transcripts = tmp_path / "transcripts"
    transcripts.mkdir()
    (transcripts / "S_001.csv").write_text(
        "start,speaker,utterance\n"
        "0.5,MOT,look at the ball\n"
        "1.0,CHI,ball\n"
        '2.5,MOT,"yes, a red ball"\n'
    )
    (transcripts / "S_002.csv").write_text(
        "start,end,speaker,utterance\n00:00.2,0:00:01.0,FAT,hello there\n"
    )
    return tmp_path
