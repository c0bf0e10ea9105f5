"""Bad input through the CLI: one line naming the file (and line), exit status 2, no partial
dataset left behind; --skip_bad imports the rest and records what it skipped and why."""

from __future__ import annotations

import shutil

import pytest
from dataset_media import COLOURS, import_video_args, write_video

from devlearn.cli import main
from devlearn.datasets import open_dataset


def video_args(base, *extra):
    return import_video_args(base, *extra, size=16)


def fails(args, capsys, base) -> str:
    """Run the CLI expecting a user error; return its single line."""
    capsys.readouterr()
    assert main(args) == 2
    err = [line for line in capsys.readouterr().err.split("\n") if line.strip()]
    assert len(err) == 1 and err[0].startswith("devlearn: error: "), err
    assert not (base / "ds").exists() and not (base / "ds.partial").exists()
    return err[0]


def test_corrupt_video(video_folder, capsys):
    (video_folder / "videos" / "S_003.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(500))
    with open(video_folder / "ages.csv", "a") as table:
        table.write("S_003,S,7,,\n")
    shutil.copy(
        video_folder / "transcripts" / "S_002.csv", video_folder / "transcripts" / "S_003.csv"
    )
    line = fails(video_args(video_folder), capsys, video_folder)
    assert "S_003.mp4: cannot decode the video" in line


@pytest.mark.parametrize(
    ("ext", "message"),
    [
        ("mp4", "S_002.mp4: cannot decode the video"),  # index at the end: nothing opens
        ("mkv", "S_002.mkv: truncated video: decoded 12.8 s of 24.0 s"),
    ],  # decodes, stops early
)
def test_truncated_video(video_folder, capsys, ext, message):
    (video_folder / "videos" / "S_002.mp4").unlink()
    path = write_video(video_folder / "videos" / f"S_002.{ext}", COLOURS * 4, 10)
    path.write_bytes(path.read_bytes()[: int(path.stat().st_size * 0.6)])
    assert message in fails(video_args(video_folder), capsys, video_folder)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1.0,MOT,hi\nabc,MOT,oops\n", "S_001.csv:3: unparseable start time 'abc'"),
        ("1.0,MOT,hi\n10.0,MOT,too late\n", "S_001.csv:3: start 10 s is past the end of the video"),
        ("-2,MOT,hi\n", "S_001.csv:2: start time '-2' must be a finite time >= 0"),
    ],
)
def test_bad_transcript_times(video_folder, capsys, row, message):
    (video_folder / "transcripts" / "S_001.csv").write_text("start,speaker,utterance\n" + row)
    assert message in fails(video_args(video_folder), capsys, video_folder)


def test_missing_files(video_folder, capsys):
    (video_folder / "transcripts" / "S_002.csv").unlink()
    assert "S_002.csv: no transcript for S_002.mp4" in fails(
        video_args(video_folder), capsys, video_folder
    )
    args = video_args(video_folder)
    args[args.index("--ages") + 1] = str(video_folder / "nope.csv")
    assert "nope.csv: age table not found" in fails(args, capsys, video_folder)


def test_age_table_not_matching_videos(video_folder, capsys):
    ages = video_folder / "ages.csv"
    ages.write_text(ages.read_text() + "S_009,S,8,,\n")
    assert "ages.csv:4: no video named 'S_009'" in fails(
        video_args(video_folder), capsys, video_folder
    )
    ages.write_text("video,child_id,age_months\nS_001,S,6\n")
    assert "has no row in the age table" in fails(video_args(video_folder), capsys, video_folder)
    ages.write_text("video,child_id,age_months\nS_001,S,6\nS_002,S,600\n")
    assert "ages.csv:3: impossible age" in fails(video_args(video_folder), capsys, video_folder)


def test_corrupt_audio(video_folder, capsys):
    (video_folder / "videos" / "S_001.wav").write_bytes(b"RIFF1234WAVEjunk" + bytes(64))
    assert "S_001.wav: cannot read the audio" in fails(
        video_args(video_folder), capsys, video_folder
    )


def test_existing_target(video_folder, capsys):
    (video_folder / "ds").mkdir()
    capsys.readouterr()
    assert main(video_args(video_folder)) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("ds: the target folder already exists; choose another --out")
    assert list((video_folder / "ds").iterdir()) == []


def test_skip_bad_imports_the_rest(video_folder, capsys):
    (video_folder / "videos" / "S_003.mp4").write_bytes(b"not a video at all")
    shutil.copy(
        video_folder / "transcripts" / "S_001.csv", video_folder / "transcripts" / "S_003.csv"
    )
    (video_folder / "transcripts" / "S_002.csv").write_text("start,speaker,utterance\nx,MOT,a\n")
    ages = video_folder / "ages.csv"
    ages.write_text(ages.read_text() + "S_003,S,7,,\nS_009,S,8,,\n")
    assert main(video_args(video_folder, "--skip_bad", "true")) == 0
    ds = open_dataset(video_folder / "ds")
    assert ds.session_ids() == ["S_001"]
    skipped = ds.meta["provenance"]["skipped"]
    assert [(s["file"].rsplit("/", 1)[-1], s["reason"].split(":")[0]) for s in skipped] == [
        ("S_002.csv:2", "unparseable start time 'x'"),
        ("S_003.mp4", "cannot decode the video"),
    ]
    assert any("no video named 'S_009'" in w for w in ds.meta["provenance"]["warnings"])
    assert not (video_folder / "ds" / "frames" / "S_003.npy").exists()


GOOD_CHAT = (
    "@UTF8\n@Begin\n@Participants:\tCHI Target_Child, MOT Mother\n"
    "@ID:\teng|c|CHI|2;00.|female|||Target_Child|||\n*MOT:\thello .\n@End\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD_CHAT.replace("|||Target_Child|||", "|"), "bad.cha:4: malformed @ID header"),
        (GOOD_CHAT.replace("2;00.", "2;15.3"), "bad.cha:4: impossible age '2;15.3'"),
        (GOOD_CHAT.replace("2;00.", "two"), "bad.cha:4: malformed age 'two'"),
        (GOOD_CHAT.replace("@Begin\n", ""), "bad.cha:2: not a CHAT file: @Begin missing"),
        (GOOD_CHAT.replace("2;00.", ""), "bad.cha: no target child age in @ID"),
    ],
)
def test_broken_chat_headers(tmp_path, capsys, text, message):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.cha").write_text(text)
    (tmp_path / "in" / "good.cha").write_text(GOOD_CHAT)
    args = ["import", "chat", str(tmp_path / "in"), "--out", str(tmp_path / "ds")]
    assert message in fails(args, capsys, tmp_path)
    assert main([*args, "--skip_bad", "true"]) == 0
    ds = open_dataset(tmp_path / "ds")
    assert ds.session_ids() == ["good"]
    skipped = ds.meta["provenance"]["skipped"]
    assert len(skipped) == 1 and message in f"{skipped[0]['file']}: {skipped[0]['reason']}"


def test_broken_scene_blocks(tmp_path, capsys):
    (tmp_path / "c.txt").write_text("look a dog\nDOG\nwhere is it\nDOG\n")
    args = ["import", "scenes", str(tmp_path / "c.txt"), "--out", str(tmp_path / "ds")]
    assert "c.txt:3: expected a blank line after the objects line" in fails(args, capsys, tmp_path)
    (tmp_path / "c.txt").write_text("look a dog\nDOG\n")
    (tmp_path / "gold.txt").write_text("dog DOG extra\n")
    assert "gold.txt:1: expected 'word OBJECT'" in fails(
        [*args, "--lexicon", str(tmp_path / "gold.txt")], capsys, tmp_path
    )
