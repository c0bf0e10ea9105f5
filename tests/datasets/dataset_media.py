"""Small media written by the tests themselves: videos with known colours at known times,
audio with a tone at a known time, CHAT files, scene corpora, image folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from devlearn.datasets import samples
from devlearn.datasets.samples import tone  # noqa: F401 - re-exported for the tests

# Colours far apart in every channel, so H.264 compression cannot confuse them.
COLOURS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (255, 0, 255), (0, 255, 255)]


def write_video(
    path: Path,
    colours: list[tuple[int, int, int]],
    frames_per_colour: int,
    fps: int = 10,
    size: tuple[int, int] = (64, 48),
    audio: np.ndarray | None = None,
    audio_rate: int = 44_100,
    display_rotation: int = 0,
) -> Path:
    """An H.264 video: each colour fills the top half for `frames_per_colour` frames; the
    bottom half is black (so rotation shows). Optional AAC audio track; optional display
    rotation (degrees counter-clockwise, as a phone records portrait video)."""
    width, height = size
    images = np.zeros((len(colours) * frames_per_colour, height, width, 3), np.uint8)
    for i, colour in enumerate(colours):
        images[i * frames_per_colour : (i + 1) * frames_per_colour, : height // 2] = colour
    return samples.write_video(path, images, fps, audio, audio_rate, display_rotation)


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


def import_video_args(base: Path, *extra: str, size: int = 16) -> list[str]:
    """`devlearn import video` arguments for the folder made by the `video_folder` fixture."""
    return [
        "import",
        "video",
        str(base / "videos"),
        "--out",
        str(base / "ds"),
        "--ages",
        str(base / "ages.csv"),
        "--transcripts",
        str(base / "transcripts"),
        "--size",
        str(size),
        *extra,
    ]
