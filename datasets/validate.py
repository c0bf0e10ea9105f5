"""`devlearn data validate`: check every table and file of a dataset against the format.

Each problem is one line naming the file (and the session or row); nothing stops at the first.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from devlearn.datasets.format import (
    AUDIO_SAMPLE_RATE,
    OPTIONAL_TABLES,
    REQUIRED_COLUMNS,
    SCHEMAS,
    SPLITS,
    TABLES,
    audio_path,
    table_file,
    validate_session_id,
)
from devlearn.datasets.reader import Dataset

# Times may exceed a session's duration by this much (the last frame's span, rounding).
TIME_TOLERANCE_S = 0.5


def _table_problems(ds: Dataset, table: str) -> tuple[list[str], pl.DataFrame | None]:
    path = ds.path / table_file(table)
    if not path.exists():
        return ([] if table in OPTIONAL_TABLES else [f"{path}: missing table"]), None
    try:
        frame = pl.read_parquet(path)
    except Exception as error:  # any unreadable parquet, whatever the engine raises
        return [f"{path}: unreadable: {error}"], None
    problems = []
    for column, dtype in SCHEMAS[table].items():
        if column not in frame.columns:
            if column in REQUIRED_COLUMNS[table]:
                problems.append(f"{path}: missing column {column}")
            continue
        if frame.schema[column] != dtype:
            problems.append(f"{path}: column {column} is {frame.schema[column]}, not {dtype}")
        elif column in REQUIRED_COLUMNS[table] and frame[column].null_count():
            problems.append(f"{path}: column {column} has {frame[column].null_count()} nulls")
    return problems, (None if problems else frame)


def _session_problems(ds: Dataset, sessions: pl.DataFrame) -> list[str]:
    where = ds.path / table_file("sessions")
    problems = []
    for sid in sessions.filter(pl.col("session_id").is_duplicated())["session_id"].unique():
        problems.append(f"{where}: session {sid} appears more than once")
    for row in sessions.iter_rows(named=True):
        sid = row["session_id"]
        try:
            validate_session_id(sid)
        except ValueError as error:
            problems.append(f"{where}: {error}")
        if row["split"] not in SPLITS:
            problems.append(f"{where}: session {sid}: split {row['split']!r} not in {SPLITS}")
        if row["age_days"] < 0 or row["duration_s"] < 0:
            problems.append(f"{where}: session {sid}: negative age or duration")
        if row["has_audio"]:
            problems += _audio_problems(ds, sid, row["duration_s"])
    return problems


def _audio_problems(ds: Dataset, session_id: str, duration_s: float) -> list[str]:
    import soundfile

    path = ds.path / audio_path(session_id)
    if not path.exists():
        return [f"{path}: missing audio of session {session_id}"]
    try:
        info = soundfile.info(str(path))
        with soundfile.SoundFile(str(path)) as audio:
            audio.seek(max(0, audio.frames - 1))
            audio.read(1)
    except Exception as error:  # libsndfile reports damage in several ways
        return [f"{path}: unreadable audio: {error}"]
    problems = []
    if info.samplerate != AUDIO_SAMPLE_RATE or info.channels != 1:
        problems.append(
            f"{path}: {info.channels} channel(s) at {info.samplerate} Hz, "
            f"not mono {AUDIO_SAMPLE_RATE} Hz"
        )
    if info.duration > duration_s + TIME_TOLERANCE_S:
        problems.append(f"{path}: {info.duration:.2f} s of audio in a {duration_s:.2f} s session")
    return problems


def _frame_problems(ds: Dataset, frames: pl.DataFrame, sessions: pl.DataFrame) -> list[str]:
    where = ds.path / table_file("frames")
    problems = []
    expected = dict(sessions.select("session_id", "n_frames").iter_rows())
    durations = dict(sessions.select("session_id", "duration_s").iter_rows())
    for (sid,), group in frames.group_by("session_id", maintain_order=True):
        if sid not in expected:
            problems.append(f"{where}: frames of unknown session {sid}")
            continue
        if group.height != expected[sid]:
            problems.append(
                f"{where}: session {sid} has {group.height} frames, "
                f"sessions.parquet says {expected[sid]}"
            )
        if not np.array_equal(np.sort(group["frame_idx"].to_numpy()), np.arange(group.height)):
            problems.append(f"{where}: session {sid}: frame_idx is not 0..{group.height - 1}")
        t = group["t_s"].to_numpy()
        if t.size and (t.min() < 0 or t.max() > durations[sid] + TIME_TOLERANCE_S):
            problems.append(f"{where}: session {sid}: frame times outside 0..{durations[sid]} s")
    size = ds.frame_size
    for (shard,), group in frames.group_by("shard"):
        path = ds.path / shard
        try:
            array = np.load(path, mmap_mode="r")
        except (OSError, ValueError) as error:
            problems.append(f"{path}: unreadable shard: {error}")
            continue
        if array.dtype != np.uint8 or size is None or array.shape[1:] != (*size, 3):
            problems.append(
                f"{path}: shard is {array.dtype} {array.shape}, not uint8 (n, {size}, 3)"
            )
        if group["row"].max() >= len(array) or group["row"].min() < 0:
            problems.append(f"{path}: rows up to {group['row'].max()} in a shard of {len(array)}")
    missing = [s for s, n in expected.items() if n > 0 and s not in set(frames["session_id"])]
    problems += [f"{where}: no frames for session {s}" for s in missing]
    return problems


def _utterance_problems(ds: Dataset, tables: dict[str, pl.DataFrame]) -> list[str]:
    sessions, utts = tables["sessions"], tables.get("utterances")
    problems = []
    durations = dict(sessions.select("session_id", "duration_s").iter_rows())
    if utts is not None:
        where = ds.path / table_file("utterances")
        if utts["utt_id"].is_duplicated().any():
            problems.append(f"{where}: utt_id values are not unique")
        for row in utts.iter_rows(named=True):
            sid, a, b = row["session_id"], row["t_start"], row["t_end"]
            if sid not in durations:
                problems.append(f"{where}: {row['utt_id']}: unknown session {sid}")
                continue
            limit = durations[sid] + TIME_TOLERANCE_S
            if (a is not None and not 0 <= a <= limit) or (b is not None and not 0 <= b <= limit):
                problems.append(
                    f"{where}: {row['utt_id']}: times {a}..{b} outside the "
                    f"session's {durations[sid]:.2f} s"
                )
            elif a is not None and b is not None and b < a:
                problems.append(f"{where}: {row['utt_id']}: ends before it starts")
    words = tables.get("words")
    if words is not None and utts is not None:
        orphans = words.join(utts.select("utt_id"), on="utt_id", how="anti").height
        if orphans:
            problems.append(
                f"{ds.path / table_file('words')}: {orphans} words of unknown utterances"
            )
    objects = tables.get("objects")
    if objects is not None:
        n_frames = dict(sessions.select("session_id", "n_frames").iter_rows())
        bad = objects.filter(~pl.col("session_id").is_in(list(n_frames))).height
        bad += sum(
            1
            for sid, f in objects.select("session_id", "frame_idx").iter_rows()
            if f is not None and sid in n_frames and not 0 <= f < n_frames[sid]
        )
        if bad:
            problems.append(
                f"{ds.path / table_file('objects')}: {bad} rows point at no frame or session"
            )
    return problems


def validate_dataset(ds: Dataset) -> list[str]:
    """Every problem found, one line each (empty when the dataset is valid)."""
    problems: list[str] = []
    for key in ("fps", "frame_height", "frame_width", "audio_sample_rate", "provenance"):
        if key not in ds.meta:
            problems.append(f"{ds.path / 'dataset.json'}: missing {key}")
    if ds.meta.get("audio_sample_rate") != AUDIO_SAMPLE_RATE:
        problems.append(f"{ds.path / 'dataset.json'}: audio_sample_rate is not 16000")
    tables: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        found, frame = _table_problems(ds, table)
        problems += found
        if frame is not None:
            tables[table] = frame
    if "sessions" not in tables:
        return problems
    problems += _session_problems(ds, tables["sessions"])
    if "frames" in tables:
        problems += _frame_problems(ds, tables["frames"], tables["sessions"])
    problems += _utterance_problems(ds, tables)
    return problems
