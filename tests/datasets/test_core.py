"""Writer and reader of the dataset format: values written come back exactly."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import polars as pl
import pytest

from devlearn import months_to_days
from devlearn.datasets import DatasetWriter, open_dataset
from devlearn.datasets.format import SCHEMAS, assign_splits, tokenize, validate_session_id
from devlearn.errors import UserError

H, W, FPS = 8, 6, 5.0


def coloured_frames(n: int, base: int) -> np.ndarray:
    """Frames whose every pixel is (base + i) % 256 in red, i in green: identifiable."""
    frames = np.zeros((n, H, W, 3), np.uint8)
    frames[..., 0] = ((base + np.arange(n)) % 256)[:, None, None]
    frames[..., 1] = np.arange(n)[:, None, None] % 256
    return frames


def write_two_children(out, **kwargs):
    w = DatasetWriter(
        out,
        fps=FPS,
        frame_size=(H, W),
        source="test",
        provenance={"command": "test", "seed": 3},
        **kwargs,
    )
    for sid, child, months, base in (("s1", "A", 6, 0), ("s2", "A", 12, 100), ("s3", "B", 9, 50)):
        with w.session(sid, child, months_to_days(months)) as s:
            frames = coloured_frames(10, base)
            s.add_frames(frames[:4])
            s.add_frames(frames[4:])
            s.add_frame_columns(gaze_x=np.linspace(0, 1, 10))
            tone = np.sin(2 * np.pi * 440 * np.arange(2 * 8000) / 8000).astype(np.float32)
            s.set_audio(tone, 8000)
            s.add_utterance("MOT", "Look at the Ball!", 0.2, 0.65)
            s.add_utterance("CHI", "ball", word_times=[("ball", 1.0, 1.3)], t_start=1.0, t_end=1.3)
            s.add_objects(
                [
                    {
                        "frame_idx": 2,
                        "object_id": "ball1",
                        "category": "ball",
                        "pixel_frac": 0.25,
                        "named": True,
                    }
                ]
            )
    return w


def test_roundtrip_frames_audio_utterances(tmp_path):
    out = tmp_path / "ds"
    write_two_children(out).finalize()
    assert not (tmp_path / "ds.partial").exists()
    ds = open_dataset(out)
    assert ds.fps == FPS and ds.frame_size == (H, W) and ds.audio_sample_rate == 16000
    sessions = ds.sessions.collect()
    # Sessions are ordered by child then age.
    assert sessions["session_id"].to_list() == ["s1", "s2", "s3"]
    assert sessions["n_frames"].to_list() == [10, 10, 10]
    assert sessions["duration_s"].to_list() == pytest.approx([2.0, 2.0, 2.0])
    assert sessions.schema["age_days"] == pl.Int32
    frames = ds.frames.collect()
    assert frames.height == 30 and "gaze_x" in frames.columns
    s2 = frames.filter(pl.col("session_id") == "s2")
    assert s2["t_s"].to_list() == pytest.approx(np.arange(10) / FPS)
    assert s2["shard"][0] == "frames/s2.npy"
    got = ds.read_frames("s2", [9, 0, 3])
    assert got[:, 0, 0, 0].tolist() == [109, 100, 103]
    assert got[:, 0, 0, 1].tolist() == [9, 0, 3]
    assert ds.frames_at("s3", [0.0, 0.39, 0.41, 99.0])[:, 0, 0, 1].tolist() == [0, 2, 2, 9]
    # A random batch over shards comes back in the order asked.
    rows = frames.sample(30, seed=0, shuffle=True)
    batch = ds.gather_frames(rows["shard"].to_numpy(), rows["row"].to_numpy())
    base = {"s1": 0, "s2": 100, "s3": 50}
    expected = [base[s] + r for s, r in zip(rows["session_id"], rows["row"], strict=True)]
    assert batch[:, 3, 2, 0].tolist() == expected
    # Audio: 2 s at 16 kHz, 440 Hz tone.
    audio = ds.read_audio("s1")
    assert audio.shape == (32000,) and audio.dtype == np.float32
    window = ds.read_audio("s1", 0.5, 0.75)
    assert window.shape == (4000,)
    np.testing.assert_allclose(window, audio[8000:12000])
    spectrum = np.abs(np.fft.rfft(window))
    assert np.fft.rfftfreq(4000, 1 / 16000)[spectrum.argmax()] == pytest.approx(440, abs=4)
    utts = list(ds.iter_utterances("s1"))
    assert [u.speaker for u in utts] == ["MOT", "CHI"]
    assert utts[0].words == ["look", "at", "the", "ball"]
    assert utts[0].frame_idx.tolist() == [1, 2, 3]  # frames at 0.2, 0.4, 0.6 s
    assert utts[0].frames()[:, 0, 0, 1].tolist() == [1, 2, 3]
    assert utts[1].utt_id == "s1:000001"
    words = ds.words.filter(pl.col("utt_id") == "s1:000001").collect()
    assert words["t_start"].to_list() == [1.0] and words["t_end"].to_list() == [1.3]
    objects = ds.objects.collect()
    assert objects.height == 3 and objects["pixel_frac"].dtype == pl.Float32
    assert objects["utt_id"].null_count() == 3
    meta = json.loads((out / "dataset.json").read_text())
    assert meta["format_version"] == 1 and meta["provenance"]["seed"] == 3


def test_select_by_child_age_and_split(tmp_path):
    write_two_children(tmp_path / "ds").finalize()
    ds = open_dataset(tmp_path / "ds")
    assert ds.select(children="A").session_ids() == ["s1", "s2"]
    assert ds.select(age_months=(8, None)).session_ids() == ["s2", "s3"]
    assert ds.select(age_months=(None, 10)).session_ids() == ["s1", "s3"]
    view = ds.select(children=["A"], age_months=(8, 13))
    assert view.session_ids() == ["s2"]
    assert view.frames.collect()["session_id"].unique().to_list() == ["s2"]
    assert view.utterances.collect().height == 2
    assert [u.session_id for u in view.iter_utterances()] == ["s2", "s2"]
    splits = ds.sessions.collect()["split"].to_list()
    assert set(splits) <= {"train", "val", "test"}
    assert ds.select(split="train").session_ids() == [
        s for s, sp in zip(["s1", "s2", "s3"], splits, strict=True) if sp == "train"
    ]
    assert ds.lexicon.collect().columns == list(SCHEMAS["lexicon"])


def test_splits_are_deterministic_and_by_session():
    ids = [f"v{i}" for i in range(20)]
    a = assign_splits(ids, seed=1)
    assert a == assign_splits(list(reversed(ids)), seed=1)
    assert sorted(a.values()).count("train") == 16 and list(a.values()).count("val") == 2
    assert a != assign_splits(ids, seed=2)


def test_exception_leaves_no_dataset(tmp_path):
    out = tmp_path / "ds"
    with pytest.raises(RuntimeError):
        with DatasetWriter(out, fps=FPS, frame_size=(H, W), source="t") as w:
            with w.session("a", "A", 100) as s:
                s.add_frames(coloured_frames(3, 0))
            raise RuntimeError("boom")
    assert not out.exists() and not (tmp_path / "ds.partial").exists()


def test_resume_keeps_finished_sessions(tmp_path):
    out = tmp_path / "ds"
    w = DatasetWriter(out, fps=FPS, frame_size=(H, W), source="t")
    with w.session("done", "A", 100) as s:
        s.add_frames(coloured_frames(3, 7))
    s = w.session("half", "A", 101)
    s.add_frames(coloured_frames(2, 0))  # the process "dies" here: never closed
    with pytest.raises(UserError, match="interrupted"):
        DatasetWriter(out, fps=FPS, frame_size=(H, W), source="t")
    w2 = DatasetWriter(out, fps=FPS, frame_size=(H, W), source="t", resume=True)
    assert w2.finished_sessions() == {"done"}
    with w2.session("half", "A", 101) as s:
        s.add_frames(coloured_frames(4, 20))
    w2.warn("a warning")
    w2.skip("bad.mp4", "truncated")
    w2.finalize()
    ds = open_dataset(out)
    assert ds.sessions.collect()["n_frames"].to_list() == [3, 4]
    assert ds.read_frames("done", [2])[0, 0, 0, 0] == 9
    assert ds.read_frames("half", [3])[0, 0, 0, 0] == 23
    prov = ds.meta["provenance"]
    assert prov["warnings"] == ["a warning"]
    assert prov["skipped"] == [{"file": "bad.mp4", "reason": "truncated"}]
    again = DatasetWriter(tmp_path / "other", fps=FPS, frame_size=(H, W), source="t")
    again.session("x", "A", 1).close()
    with pytest.raises(ValueError, match="already written"):
        again.session("x", "A", 1)


WRITE_ONE = """
import sys, numpy as np
from devlearn.datasets import DatasetWriter
out, sid, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
w = DatasetWriter(out, fps=5.0, frame_size=(8, 6), source="t", resume=True)
with w.session(sid, "C", 200) as s:
    frames = np.zeros((5, 8, 6, 3), np.uint8)
    frames[..., 0] = (base + np.arange(5))[:, None, None]
    s.add_frames(frames)
    s.add_utterance("MOT", "hello " + sid, 0.0, 0.5)
w.warn("from " + sid)
"""


def test_several_processes_write_one_dataset(tmp_path):
    out = tmp_path / "ds"
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITE_ONE, str(out), f"p{i}", str(10 * i)])
        for i in range(4)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    w = DatasetWriter(out, fps=FPS, frame_size=(H, W), source="t", resume=True)
    assert w.finished_sessions() == {"p0", "p1", "p2", "p3"}
    w.finalize()
    ds = open_dataset(out)
    assert ds.read_frames("p3", [1])[0, 0, 0, 0] == 31
    assert sorted(ds.meta["provenance"]["warnings"]) == [f"from p{i}" for i in range(4)]
    assert ds.utterances.collect()["utt_id"].n_unique() == 4


def test_refuses_existing_target_and_bad_ids(tmp_path):
    (tmp_path / "ds").mkdir()
    with pytest.raises(UserError, match="already exists"):
        DatasetWriter(tmp_path / "ds", fps=FPS, frame_size=(H, W))
    with pytest.raises(ValueError, match="must match"):
        validate_session_id("a/b")
    w = DatasetWriter(tmp_path / "x", fps=FPS, frame_size=(H, W))
    with pytest.raises(ValueError, match="age_days"):
        w.session("ok", "A", -3)
    with pytest.raises(UserError, match="not a devlearn dataset"):
        open_dataset(tmp_path / "ds")


def test_tokenize():
    assert tokenize("Where's the DOGGIE? it's_here, 2 dogs") == [
        "where's",
        "the",
        "doggie",
        "it's",
        "here",
        "2",
        "dogs",
    ]


def test_writer_into_an_impossible_place_is_a_user_error(tmp_path) -> None:
    from devlearn.datasets import DatasetWriter
    from devlearn.errors import UserError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(UserError, match="cannot write here"):
        DatasetWriter(blocker / "ds", fps=5.0, frame_size=(8, 8), source="test")
    assert not (blocker / "ds.partial").exists()
