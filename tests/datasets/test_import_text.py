"""`devlearn import chat` and `devlearn import scenes`: speakers, utterances, tokens, ages,
times, scene objects and the gold lexicon come back as written by the test."""

from __future__ import annotations

import zipfile

import polars as pl

from devlearn import months_to_days
from devlearn.cli import main
from devlearn.datasets import open_dataset

CHAT = (
    "@UTF8\n@PID:\t11312/c-00000000-1\n@Begin\n@Languages:\teng\n"
    "@Participants:\tCHI Eve Target_Child, MOT Mother\n"
    "@ID:\teng|brown|CHI|1;06.15|female|||Target_Child|||\n"
    "@ID:\teng|brown|MOT|||||Mother|||\n"
    "@Media:\teve01, audio\n"
    "*MOT:\tlook at the doggie@c ! \x151000_2500\x15\n"
    "%mor:\tv|look prep|at det|the n|doggie !\n"
    "*CHI:\tmore cookie [/] cookie . \x153000_3600\x15\n"
    "*MOT:\tyes that is a big dog .\n"
    "%mor:\tco|yes pro|that\n"  # misaligned on purpose: a warning, the words still kept
    "*MOT:\txxx &uh wanna [: want to] play ?\n"
    "@End\n"
)


def test_chat_speakers_utterances_tokens_age_times(tmp_path):
    (tmp_path / "eve01.cha").write_text(CHAT)
    assert main(["import", "chat", str(tmp_path / "eve01.cha"), "--out", str(tmp_path / "ds")]) == 0
    ds = open_dataset(tmp_path / "ds")
    session = ds.sessions.collect().row(0, named=True)
    assert session["session_id"] == "eve01" and session["child_id"] == "brown/Eve"
    assert session["age_days"] == months_to_days(18) + 15
    assert session["n_frames"] == 0 and not session["has_audio"]
    utts = ds.utterances.collect()
    assert utts["speaker"].to_list() == ["MOT", "CHI", "MOT", "MOT"]
    assert utts["words"].to_list() == [
        ["look", "at", "the", "doggie"],
        ["more", "cookie"],
        ["yes", "that", "is", "a", "big", "dog"],
        ["want", "to", "play"],
    ]
    assert utts["t_start"].to_list() == [1.0, 3.0, None, None]
    assert utts["t_end"].to_list() == [2.5, 3.6, None, None]
    assert utts["text"][0] == "look at the doggie@c !"
    assert ds.words.collect().height == 15
    assert ds.meta["provenance"]["parse_warnings"] == 1
    assert ds.meta["fps"] is None and ds.frame_size is None


def test_chat_folder_zip_and_speaker_filter(tmp_path):
    folder = tmp_path / "corpus" / "Eve"
    folder.mkdir(parents=True)
    (folder / "eve01.cha").write_text(CHAT)
    (folder / "eve02.cha").write_text(CHAT.replace("1;06.15", "1;07."))
    with zipfile.ZipFile(tmp_path / "corpus.zip", "w") as archive:
        for name in ("eve01.cha", "eve02.cha"):
            archive.write(folder / name, f"Eve/{name}")
    for source, out in ((tmp_path / "corpus", "a"), (tmp_path / "corpus.zip", "b")):
        args = ["import", "chat", str(source), "--out", str(tmp_path / out), "--speakers", "[MOT]"]
        assert main(args) == 0
        ds = open_dataset(tmp_path / out)
        sessions = ds.sessions.collect()
        assert sessions["session_id"].to_list() == ["Eve_eve01", "Eve_eve02"]
        assert sessions["age_days"].to_list() == [months_to_days(18) + 15, months_to_days(19)]
        assert set(ds.utterances.collect()["speaker"]) == {"MOT"}
        assert ds.utterances.collect().height == 6


CORPUS = (
    "look at the doggie\nDOG BALL\n\n"
    "where is the kitty\nCAT\n\n"
    "no objects here\n\n\n"
    "the doggie and the ball\nDOG BALL CAT\n"
)


def test_scenes_pairs_and_gold_lexicon(tmp_path):
    (tmp_path / "me03.txt").write_text(CORPUS)
    (tmp_path / "gold.txt").write_text("doggie DOG\nkitty CAT\nball BALL\n\n")
    args = [
        "import",
        "scenes",
        str(tmp_path / "me03.txt"),
        "--out",
        str(tmp_path / "ds"),
        "--lexicon",
        str(tmp_path / "gold.txt"),
        "--age_months",
        "13",
    ]
    assert main(args) == 0
    ds = open_dataset(tmp_path / "ds")
    assert ds.sessions.collect()["age_days"].to_list() == [months_to_days(13)]
    utts = ds.utterances.collect()
    assert utts["words"].to_list() == [
        ["look", "at", "the", "doggie"],
        ["where", "is", "the", "kitty"],
        ["no", "objects", "here"],
        ["the", "doggie", "and", "the", "ball"],
    ]
    objects = ds.objects.collect()
    assert objects["frame_idx"].null_count() == objects.height == 6
    pairs = objects.join(utts.select("utt_id", "words").with_row_index("u"), on="utt_id")
    assert pairs.select("u", "object_id", "named").rows() == [
        (0, "DOG", True),
        (0, "BALL", False),
        (1, "CAT", True),
        (3, "DOG", True),
        (3, "BALL", True),
        (3, "CAT", False),
    ]
    assert ds.lexicon.collect().rows() == [("doggie", "DOG"), ("kitty", "CAT"), ("ball", "BALL")]


def test_labeled_frames(tmp_path):
    from PIL import Image

    colours = {"ball": (250, 0, 0), "car": (0, 0, 250)}
    for category, colour in colours.items():
        (tmp_path / "eval" / category).mkdir(parents=True)
        for i, size in enumerate([(40, 30), (30, 50)]):
            Image.new("RGB", size, colour).save(tmp_path / "eval" / category / f"{i}.png")
    args = [
        "import",
        "labeled-frames",
        str(tmp_path / "eval"),
        "--out",
        str(tmp_path / "ds"),
        "--size",
        "16",
    ]
    assert main(args) == 0
    ds = open_dataset(tmp_path / "ds")
    assert ds.frame_size == (16, 16)
    assert ds.sessions.collect()["split"].to_list() == ["test", "test"]
    objects = ds.objects.collect()
    assert objects.select("session_id", "frame_idx", "category").rows() == [
        ("ball", 0, "ball"),
        ("ball", 1, "ball"),
        ("car", 0, "car"),
        ("car", 1, "car"),
    ]
    rows = ds.frames.collect()
    frames = ds.gather_frames(rows["shard"], rows["row"])
    assert frames.shape == (4, 16, 16, 3)
    assert frames[:, 8, 8].tolist() == [[250, 0, 0]] * 2 + [[0, 0, 250]] * 2
    assert objects.filter(pl.col("category") == "car")["exemplar"].to_list() == [
        "car/0.png",
        "car/1.png",
    ]


def test_info_prints_the_numbers(tmp_path, capsys):
    (tmp_path / "eve01.cha").write_text(CHAT)
    main(["import", "chat", str(tmp_path / "eve01.cha"), "--out", str(tmp_path / "ds")])
    capsys.readouterr()
    assert main(["data", "info", str(tmp_path / "ds"), "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "children      1 (brown/Eve)" in out
    assert "age range     18.5 to 18.5 months" in out
    assert "utterances    4" in out and "tokens        15" in out
    assert "vocabulary    15 word types" in out  # "cookie [/] cookie" counts once
    assert "top words     a (1), at (1), big (1)" in out


def test_options_from_a_yaml_config(tmp_path):
    (tmp_path / "c.txt").write_text("a ball\nBALL\n")
    config = tmp_path / "scenes.yaml"
    config.write_text(f"out: {tmp_path / 'ds'}\nchild_id: kid\nage_months: 9\nseed: 4\n")
    assert main(["import", "scenes", str(tmp_path / "c.txt"), "--config", str(config)]) == 0
    ds = open_dataset(tmp_path / "ds")
    assert ds.sessions.collect()[["child_id", "age_days"]].rows() == [("kid", months_to_days(9))]
    assert ds.meta["provenance"]["seed"] == 4
    assert ds.meta["provenance"]["options"]["age_months"] == 9
