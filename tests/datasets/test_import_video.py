"""`devlearn import video`: frames, times, rotation, transcripts, ages and audio come back
with the values the test put into its own small videos."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import soundfile
from dataset_media import COLOURS, import_video_args, tone, write_video

from devlearn import months_to_days
from devlearn.cli import main
from devlearn.datasets import open_dataset


def run_import(base, *extra):
    return main(import_video_args(base, *extra, size=32))


def colour_of(pixel: np.ndarray) -> int:
    """Index of the nearest test colour."""
    return int(np.argmin([np.abs(pixel.astype(int) - c).sum() for c in COLOURS]))


@pytest.mark.parametrize("rotate", [0, 180, 90])
def test_frames_times_and_rotation(video_folder, rotate):
    assert run_import(video_folder, "--rotate", str(rotate)) == 0
    ds = open_dataset(video_folder / "ds")
    assert ds.frame_size == (32, 32) and ds.fps == 5.0
    sessions = ds.sessions.collect()
    assert sessions["session_id"].to_list() == ["S_001", "S_002"]
    assert sessions["n_frames"].to_list() == [15, 15]  # 3 s at 5 fps
    assert sessions["duration_s"].to_list() == pytest.approx([3.0, 3.0])
    t = ds.frame_times("S_001")
    np.testing.assert_allclose(t, np.arange(15) * 0.2)
    frames = ds.read_frames("S_001", np.arange(15))
    # Colour k is on screen during [0.5k, 0.5k + 0.5) s.
    lit, dark = {0: ((8, 16), (24, 16)), 180: ((24, 16), (8, 16)), 90: ((16, 24), (16, 8))}[
        rotate
    ]  # 90 deg clockwise: top goes right
    for i, frame in enumerate(frames):
        assert colour_of(frame[lit]) == int(t[i] // 0.5)
        assert frame[dark].max() < 30
    reversed_colours = [colour_of(f[lit]) for f in ds.read_frames("S_002", [0, 14])]
    assert reversed_colours == [5, 0]


@pytest.mark.parametrize(
    "display, rotate, lit",
    [(90, 0, (16, 8)), (-90, 0, (16, 24)), (180, 0, (24, 16)), (-90, 90, (24, 16))],
)
def test_the_files_display_rotation_is_applied_before_rotate(tmp_path, display, rotate, lit):
    """A phone's portrait video: landscape pictures plus a display matrix to turn them."""
    for folder in ("videos", "transcripts"):
        (tmp_path / folder).mkdir()
    write_video(tmp_path / "videos" / "S_001.mp4", COLOURS[:2], 5, display_rotation=display)
    (tmp_path / "ages.csv").write_text("video,child_id,age_months\nS_001.mp4,S,6\n")
    (tmp_path / "transcripts" / "S_001.csv").write_text("start,speaker,utterance\n0.5,MOT,hi\n")
    assert run_import(tmp_path, "--rotate", str(rotate)) == 0
    frame = open_dataset(tmp_path / "ds").read_frames("S_001", [0])[0]
    # the lit top half of the picture ends up on the side a player would show it
    dark = (32 - lit[0], 32 - lit[1])
    assert colour_of(frame[lit]) == 0 and frame[dark].max() < 30


def test_transcripts_ages_and_caregivers(video_folder):
    assert run_import(video_folder, "--caregivers", "[MOT, FAT]") == 0
    ds = open_dataset(video_folder / "ds")
    ages = dict(ds.sessions.select("session_id", "age_days").collect().iter_rows())
    assert ages == {"S_001": months_to_days(6), "S_002": 365}
    utts = ds.utterances.collect()
    s1 = utts.filter(pl.col("session_id") == "S_001")
    # Starts only: each ends at the next start (the child's "ball" at 1.0 s was one), the last
    # at the end of the video.
    assert s1["t_start"].to_list() == [0.5, 2.5]
    assert s1["t_end"].to_list() == [1.0, 3.0]
    assert s1["text"].to_list() == ["look at the ball", "yes, a red ball"]
    assert s1["words"].to_list()[1] == ["yes", "a", "red", "ball"]
    s2 = utts.filter(pl.col("session_id") == "S_002")
    assert s2[["t_start", "t_end", "speaker"]].rows() == [(0.2, 1.0, "FAT")]
    first = next(ds.iter_utterances("S_001"))
    assert first.frame_idx.tolist() == [3, 4]  # frames at 0.6 and 0.8 s
    assert [colour_of(f[8, 16]) for f in first.frames()] == [1, 1]
    assert (
        "S_001.mp4: 1 utterances by non-caregiver speakers left out"
        in (ds.meta["provenance"]["warnings"])
    )


def test_ends_are_capped(video_folder):
    (video_folder / "transcripts" / "S_001.csv").write_text(
        "start,speaker,utterance\n0.1,MOT,long silence follows\n2.9,MOT,bye\n"
    )
    assert run_import(video_folder, "--max_utterance_s", "1.5") == 0
    utts = open_dataset(video_folder / "ds").select(sessions="S_001").utterances.collect()
    assert utts["t_end"].to_list() == pytest.approx([1.6, 3.0])


def test_audio_track_and_separate_wav(tmp_path):
    folder = tmp_path / "videos"
    folder.mkdir()
    write_video(folder / "a.mp4", COLOURS[:4], 5, audio=tone(2.0, 44_100, (1.0, 1.5)))
    write_video(folder / "b.mp4", COLOURS[:4], 5)
    soundfile.write(folder / "b.wav", tone(2.0, 44_100, (0.6, 0.8), hz=500), 44_100)
    (tmp_path / "ages.csv").write_text("video,child_id,age_days\na,X,100\nb,X,107\n")
    code = main(
        [
            "import",
            "video",
            str(folder),
            "--out",
            str(tmp_path / "ds"),
            "--ages",
            str(tmp_path / "ages.csv"),
            "--size",
            "16",
        ]
    )
    assert code == 0
    ds = open_dataset(tmp_path / "ds")
    assert ds.sessions.collect()["has_audio"].to_list() == [True, True]
    for session, (on, off), hz in (("a", (1.0, 1.5), 1000), ("b", (0.6, 0.8), 500)):
        audio = ds.read_audio(session)
        loud = np.flatnonzero(np.abs(audio) > 0.1) / 16_000
        assert loud[0] == pytest.approx(on, abs=0.01) and loud[-1] == pytest.approx(off, abs=0.01)
        window = ds.read_audio(session, on + 0.05, on + 0.15)
        assert len(window) == 1600
        peak = np.fft.rfftfreq(1600, 1 / 16_000)[np.abs(np.fft.rfft(window)).argmax()]
        assert peak == pytest.approx(hz, abs=10)
    info = soundfile.info(str(ds.audio_file("b")))
    assert (info.samplerate, info.channels) == (16_000, 1)
