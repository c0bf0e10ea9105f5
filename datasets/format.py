"""The dataset format (version 1): table schemas, constants and small shared helpers.

See datasets/README.md for the layout. Every table has fixed columns with fixed polars types;
writers may add extra columns, readers ignore what they do not know.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import polars as pl

FORMAT_NAME = "devlearn-dataset"
FORMAT_VERSION = 1
AUDIO_SAMPLE_RATE = 16_000
SPLITS = ("train", "val", "test")
DEFAULT_SPLIT_FRACTIONS = (0.8, 0.1, 0.1)

DATASET_JSON = "dataset.json"
FRAMES_DIR = "frames"
AUDIO_DIR = "audio"
AUDIO_SUFFIX = ".flac"

_SESSION_ID = re.compile(r"[A-Za-z0-9_.-]+")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "sessions": {
        "session_id": pl.String(),
        "child_id": pl.String(),
        "age_days": pl.Int32(),
        "duration_s": pl.Float64(),
        "source": pl.String(),
        "split": pl.String(),
        "n_frames": pl.Int64(),
        "has_audio": pl.Boolean(),
    },
    "frames": {
        "session_id": pl.String(),
        "frame_idx": pl.Int32(),
        "t_s": pl.Float64(),
        "age_days": pl.Int32(),
        "shard": pl.String(),
        "row": pl.Int32(),
    },
    "utterances": {
        "session_id": pl.String(),
        "utt_id": pl.String(),
        "t_start": pl.Float64(),
        "t_end": pl.Float64(),
        "speaker": pl.String(),
        "text": pl.String(),
        "words": pl.List(pl.String()),
    },
    "words": {
        "session_id": pl.String(),
        "utt_id": pl.String(),
        "word_idx": pl.Int32(),
        "word": pl.String(),
        "t_start": pl.Float64(),
        "t_end": pl.Float64(),
    },
    "objects": {
        "session_id": pl.String(),
        "frame_idx": pl.Int32(),
        "utt_id": pl.String(),
        "object_id": pl.String(),
        "category": pl.String(),
        "exemplar": pl.String(),
        "pixel_frac": pl.Float32(),
        "bbox_x0": pl.Int32(),
        "bbox_y0": pl.Int32(),
        "bbox_x1": pl.Int32(),
        "bbox_y1": pl.Int32(),
        "named": pl.Boolean(),
    },
    "lexicon": {"word": pl.String(), "object": pl.String()},
}
TABLES = tuple(SCHEMAS)
# Tables a dataset may lack; they read as empty frames with the columns above.
OPTIONAL_TABLES = ("objects", "lexicon")
# Columns that must never be null (the others are null where unknown).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "sessions": ("session_id", "child_id", "age_days", "duration_s", "split", "n_frames"),
    "frames": ("session_id", "frame_idx", "t_s", "shard", "row"),
    "utterances": ("session_id", "utt_id", "speaker", "text", "words"),
    "words": ("session_id", "utt_id", "word_idx", "word"),
    "objects": ("session_id", "object_id"),
    "lexicon": ("word", "object"),
}


def table_file(table: str) -> str:
    """File name of a table inside a dataset folder."""
    return f"{table}.parquet"


def shard_path(session_id: str) -> str:
    """Frame shard of a session, relative to the dataset folder."""
    return f"{FRAMES_DIR}/{session_id}.npy"


def audio_path(session_id: str) -> str:
    """Audio file of a session, relative to the dataset folder."""
    return f"{AUDIO_DIR}/{session_id}{AUDIO_SUFFIX}"


def validate_session_id(session_id: str) -> str:
    """Return `session_id` if it can name files, else raise ValueError naming it."""
    if not isinstance(session_id, str) or not _SESSION_ID.fullmatch(session_id):
        raise ValueError(f"session id {session_id!r} must match [A-Za-z0-9_.-]+")
    if session_id in (".", ".."):
        raise ValueError(f"session id {session_id!r} is not a usable file name")
    return session_id


def safe_session_id(name: str) -> str:
    """A valid session id made from any name (e.g. a file stem): other characters become '_'."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "session"
    return "_" + cleaned if cleaned in (".", "..") else cleaned


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of an utterance (letters/digits, inner apostrophes kept)."""
    return [t.replace("’", "'") for t in _TOKEN.findall(text.lower())]


def empty_table(table: str) -> pl.DataFrame:
    """An empty frame with the columns and types of `table`."""
    return pl.DataFrame(schema=SCHEMAS[table])


def conform(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Cast `frame` to the table's schema: known columns first in spec order, missing optional
    columns added as nulls, extra columns kept after them. Raises ValueError when a required
    column is missing."""
    schema = SCHEMAS[table]
    missing = [c for c in REQUIRED_COLUMNS[table] if c not in frame.columns]
    if missing and frame.height > 0:
        raise ValueError(f"{table} table lacks required columns {missing}")
    columns = []
    for name, dtype in schema.items():
        if name in frame.columns:
            columns.append(pl.col(name).cast(dtype))
        else:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
    extra = [pl.col(c) for c in frame.columns if c not in schema]
    return frame.select(columns + extra)


def split_for(session_id: str, seed: int) -> float:
    """A deterministic number in [0, 1) for a session and seed (used to order sessions)."""
    digest = hashlib.sha256(f"{seed}:{session_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_splits(
    session_ids: Sequence[str],
    seed: int,
    fractions: Sequence[float] = DEFAULT_SPLIT_FRACTIONS,
) -> dict[str, str]:
    """Split sessions (never utterances, so no video leaks across splits) into train/val/test.

    Sessions are ordered by a hash of (seed, session id), so the result depends only on the
    seed and the set of sessions, not on the order they were written in. Proportions are
    exact up to rounding; val and test are left empty while there are too few sessions."""
    if len(fractions) != 3 or any(f < 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-6:
        raise ValueError(f"split fractions {tuple(fractions)} must be 3 numbers >= 0 summing to 1")
    ordered = sorted(session_ids, key=lambda s: (split_for(s, seed), s))
    n = len(ordered)
    n_val = int(round(n * fractions[1]))
    n_test = int(round(n * fractions[2]))
    n_train = n - n_val - n_test
    names = ["train"] * n_train + ["val"] * n_val + ["test"] * n_test
    return dict(zip(ordered, names, strict=True))
