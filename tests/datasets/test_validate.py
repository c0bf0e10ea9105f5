"""`devlearn data validate`: a good dataset passes; each kind of damage is reported."""

from __future__ import annotations

import numpy as np
import polars as pl
import soundfile

from devlearn.cli import main
from devlearn.datasets import DatasetWriter

H, W = 4, 4


def make(tmp_path):
    out = tmp_path / "ds"
    with DatasetWriter(out, fps=5.0, frame_size=(H, W), source="t") as w:
        for sid in ("a", "b"):
            with w.session(sid, "K", 300) as s:
                s.add_frames(np.zeros((10, H, W, 3), np.uint8))
                s.set_audio(np.zeros(16_000 * 2, np.float32), 16_000)
                s.add_utterance("MOT", "hi there", 0.5, 1.0)
    return out


def problems(out, capsys) -> list[str]:
    capsys.readouterr()
    code = main(["data", "validate", str(out)])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    if code == 0:
        assert lines == [f"{out}: valid"]
        return []
    assert code == 2 and "problem(s) found" in captured.err
    return lines


def test_valid_dataset_passes(tmp_path, capsys):
    assert problems(make(tmp_path), capsys) == []


def test_each_problem_is_reported(tmp_path, capsys):
    out = make(tmp_path)
    # 1. a shard with the wrong frame size
    np.save(out / "frames" / "b.npy", np.zeros((10, H, W + 1, 3), np.uint8))
    # 2. audio at the wrong rate and in stereo
    soundfile.write(out / "audio" / "a.flac", np.zeros((8000, 2), np.float32), 8000)
    # 3. an utterance past the session's end, 4. a column of the wrong type
    utts = pl.read_parquet(out / "utterances.parquet")
    utts = utts.with_columns(
        pl.when(pl.col("session_id") == "a").then(9.0).otherwise(pl.col("t_end")).alias("t_end")
    )
    utts.write_parquet(out / "utterances.parquet")
    words = pl.read_parquet(out / "words.parquet").with_columns(pl.col("word_idx").cast(pl.Utf8))
    words.write_parquet(out / "words.parquet")
    # 5. a missing audio file
    (out / "audio" / "b.flac").unlink()
    found = problems(out, capsys)
    assert len(found) == 5, found
    text = "\n".join(found)
    assert "frames/b.npy: shard is uint8 (10, 4, 5, 3)" in text
    assert "audio/a.flac: 2 channel(s) at 8000 Hz, not mono 16000 Hz" in text
    assert "a:000000: times 0.5..9.0 outside the session's 2.00 s" in text
    assert "words.parquet: column word_idx is String, not Int32" in text
    assert "audio/b.flac: missing audio of session b" in text


def test_frame_count_mismatch(tmp_path, capsys):
    out = make(tmp_path)
    frames = pl.read_parquet(out / "frames.parquet")
    frames.filter((pl.col("session_id") == "b") | (pl.col("frame_idx") < 8)).write_parquet(
        out / "frames.parquet"
    )
    (found,) = problems(out, capsys)
    assert found.endswith("frames.parquet: session a has 8 frames, sessions.parquet says 10")
