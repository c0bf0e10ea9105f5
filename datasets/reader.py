"""Reading datasets: lazy polars tables, memory-mapped frames, audio windows, utterances."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from devlearn.datasets.format import (
    AUDIO_SAMPLE_RATE,
    DATASET_JSON,
    FORMAT_NAME,
    FORMAT_VERSION,
    SCHEMAS,
    TABLES,
    audio_path,
    empty_table,
    table_file,
)
from devlearn.datasets.shards import open_shard
from devlearn.errors import UserError


@dataclass
class Utterance:
    """One utterance with the frames shown while it was said."""

    session_id: str
    utt_id: str
    t_start: float | None
    t_end: float | None
    speaker: str
    text: str
    words: list[str]
    frame_idx: np.ndarray  # frames with t_start <= t_s < t_end (empty if times unknown)
    _dataset: Dataset | None = field(default=None, repr=False, compare=False)

    def frames(self) -> np.ndarray:
        """The utterance's frames, uint8 (n, H, W, 3)."""
        assert self._dataset is not None
        return self._dataset.read_frames(self.session_id, self.frame_idx)


class _Store:
    """What views of one dataset share: the folder, its metadata and open shard maps."""

    def __init__(self, root: Path, meta: dict[str, Any]):
        self.root = root
        self.meta = meta
        self.shards: dict[str, np.ndarray] = {}
        self.session_frames: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def shard(self, relative: str) -> np.ndarray:
        mapped = self.shards.get(relative)
        if mapped is None:
            mapped = self.shards[relative] = open_shard(self.root / relative)
        return mapped


def open_dataset(path: str | Path) -> Dataset:
    """Open a dataset folder; UserError naming the path if it is not one."""
    root = Path(path)
    meta_path = root / DATASET_JSON
    if not meta_path.is_file():
        raise UserError(f"not a devlearn dataset (no {DATASET_JSON})", path=root)
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise UserError(f"unreadable dataset metadata: {error}", path=meta_path) from error
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise UserError(f"not a {FORMAT_NAME} file", path=meta_path)
    if meta.get("format_version") != FORMAT_VERSION:
        version = meta.get("format_version")
        raise UserError(f"format version {version} is not {FORMAT_VERSION}", path=meta_path)
    return Dataset(_Store(root, meta))


class Dataset:
    """A dataset or a lazy selection of its sessions (see `select`)."""

    def __init__(self, store: _Store, session_filter: pl.Expr | None = None):
        self._store = store
        self._filter = session_filter

    # --- metadata ------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._store.root

    @property
    def meta(self) -> dict[str, Any]:
        return self._store.meta

    @property
    def fps(self) -> float | None:
        return self.meta.get("fps")

    @property
    def frame_size(self) -> tuple[int, int] | None:
        h, w = self.meta.get("frame_height"), self.meta.get("frame_width")
        return None if h is None else (int(h), int(w))

    @property
    def audio_sample_rate(self) -> int:
        return int(self.meta.get("audio_sample_rate", AUDIO_SAMPLE_RATE))

    def __repr__(self) -> str:
        selected = "" if self._filter is None else " (selection)"
        return f"Dataset({str(self.path)!r}{selected})"

    # --- tables --------------------------------------------------------------------------

    def _scan(self, table: str) -> pl.LazyFrame:
        path = self.path / table_file(table)
        if not path.exists():
            return empty_table(table).lazy()
        return pl.scan_parquet(path)

    @property
    def sessions(self) -> pl.LazyFrame:
        scan = self._scan("sessions")
        return scan if self._filter is None else scan.filter(self._filter)

    def _per_session(self, table: str) -> pl.LazyFrame:
        scan = self._scan(table)
        if self._filter is None:
            return scan
        return scan.join(self.sessions.select("session_id"), on="session_id", how="semi")

    @property
    def frames(self) -> pl.LazyFrame:
        return self._per_session("frames")

    @property
    def utterances(self) -> pl.LazyFrame:
        return self._per_session("utterances")

    @property
    def words(self) -> pl.LazyFrame:
        return self._per_session("words")

    @property
    def objects(self) -> pl.LazyFrame:
        return self._per_session("objects")

    @property
    def lexicon(self) -> pl.LazyFrame:
        return self._scan("lexicon")

    def table(self, name: str) -> pl.LazyFrame:
        """Any table by name (sessions, frames, utterances, words, objects, lexicon)."""
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r}; tables are {TABLES}")
        return getattr(self, name)

    def session_ids(self) -> list[str]:
        """Selected sessions in child, age order."""
        return self.sessions.select("session_id").collect()["session_id"].to_list()

    def select(
        self,
        children: Sequence[str] | str | None = None,
        sessions: Sequence[str] | str | None = None,
        age_months: tuple[float | None, float | None] | None = None,
        split: Sequence[str] | str | None = None,
    ) -> Dataset:
        """A lazy view of some sessions: by child, session id, age range [lo, hi) in months
        (either end may be None) and split. Conditions combine with AND."""
        from devlearn import months_to_days

        conditions = [] if self._filter is None else [self._filter]
        for column, wanted in (("child_id", children), ("session_id", sessions), ("split", split)):
            if wanted is not None:
                values = [wanted] if isinstance(wanted, str) else [str(v) for v in wanted]
                conditions.append(pl.col(column).is_in(values))
        if age_months is not None:
            lo, hi = age_months
            if lo is not None and hi is not None and hi < lo:
                raise ValueError(f"age range {age_months} ends before it starts")
            if lo is not None:
                conditions.append(pl.col("age_days") >= months_to_days(lo))
            if hi is not None:
                conditions.append(pl.col("age_days") < months_to_days(hi))
        combined = pl.all_horizontal(conditions) if conditions else None
        return Dataset(self._store, combined)

    # --- frames --------------------------------------------------------------------------

    def _session_frames(self, session_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(shard codes, rows, times) indexed by frame_idx, cached per session."""
        cached = self._store.session_frames.get(session_id)
        if cached is None:
            table = (
                self._scan("frames")
                .filter(pl.col("session_id") == session_id)
                .select("frame_idx", "t_s", "shard", "row")
                .sort("frame_idx")
                .collect()
            )
            if table.height == 0:
                raise KeyError(f"session {session_id!r} has no frames in {self.path}")
            if not np.array_equal(table["frame_idx"].to_numpy(), np.arange(table.height)):
                raise ValueError(f"frame_idx of session {session_id!r} is not 0..n-1")
            cached = (
                table["shard"].to_numpy().astype(str),
                table["row"].to_numpy(),
                table["t_s"].to_numpy(),
            )
            self._store.session_frames[session_id] = cached
        return cached

    def frame_times(self, session_id: str) -> np.ndarray:
        """Times (s) of a session's frames, indexed by frame_idx."""
        return self._session_frames(session_id)[2]

    def read_frames(self, session_id: str, frame_idx: Sequence[int] | np.ndarray) -> np.ndarray:
        """Frames of a session by index, uint8 (n, H, W, 3)."""
        shards, rows, _ = self._session_frames(session_id)
        idx = np.asarray(frame_idx, dtype=np.int64).reshape(-1)
        if idx.size and (idx.min() < 0 or idx.max() >= len(rows)):
            raise IndexError(f"frame index out of range 0..{len(rows) - 1} for {session_id!r}")
        return self.gather_frames(shards[idx], rows[idx])

    def frames_at(self, session_id: str, times_s: Sequence[float] | np.ndarray) -> np.ndarray:
        """The frame nearest to each time (s)."""
        return self.read_frames(session_id, self.nearest_frames(session_id, times_s))

    def nearest_frames(self, session_id: str, times_s: Sequence[float] | np.ndarray) -> np.ndarray:
        """frame_idx of the frame nearest to each time (s)."""
        t = self.frame_times(session_id)
        query = np.asarray(times_s, dtype=np.float64).reshape(-1)
        right = np.clip(np.searchsorted(t, query), 1, max(len(t) - 1, 1))
        left = right - 1
        pick_right = np.abs(t[np.minimum(right, len(t) - 1)] - query) < np.abs(t[left] - query)
        return np.where(pick_right, right, left).astype(np.int64)

    def gather_frames(
        self, shards: Sequence[str] | np.ndarray, rows: Sequence[int] | np.ndarray
    ) -> np.ndarray:
        """Frames from (shard, row) pairs, e.g. a random training batch, uint8 (n, H, W, 3).

        Rows keep the order given. Each frame is copied once, straight from the memory map
        into the batch (faster here than one fancy-indexed read per shard, which copies twice).
        """
        shards = np.asarray(shards)
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        if len(shards) != len(rows):
            raise ValueError(f"{len(shards)} shards given for {len(rows)} rows")
        if self.frame_size is None:
            raise ValueError(f"dataset {self.path} holds no frames")
        if rows.size and rows.min() < 0:
            raise IndexError(f"negative shard row {rows.min()}")
        out = np.empty((len(rows), *self.frame_size, 3), dtype=np.uint8)
        maps = self._store.shards
        for i, (relative, row) in enumerate(zip(shards.tolist(), rows.tolist(), strict=True)):
            mapped = maps.get(relative)
            if mapped is None:
                mapped = self._store.shard(str(relative))
            out[i] = mapped[row]
        return out

    # --- audio ---------------------------------------------------------------------------

    def audio_file(self, session_id: str) -> Path:
        return self.path / audio_path(session_id)

    def read_audio(
        self, session_id: str, t_start: float | None = None, t_end: float | None = None
    ) -> np.ndarray:
        """Mono float32 samples at 16 kHz between t_start and t_end (s), sample-accurate."""
        import soundfile

        path = self.audio_file(session_id)
        if not path.exists():
            raise KeyError(f"session {session_id!r} has no audio in {self.path}")
        with soundfile.SoundFile(str(path)) as audio:
            rate = audio.samplerate
            first = 0 if t_start is None else max(0, int(round(t_start * rate)))
            last = audio.frames if t_end is None else min(audio.frames, int(round(t_end * rate)))
            if last <= first:
                return np.zeros(0, dtype=np.float32)
            audio.seek(first)
            samples = audio.read(last - first, dtype="float32", always_2d=True)
        return samples.mean(axis=1, dtype=np.float32) if samples.shape[1] > 1 else samples[:, 0]

    # --- utterances ----------------------------------------------------------------------

    def iter_utterances(self, session_id: str | None = None) -> Iterator[Utterance]:
        """Utterances (of one session, or of the selection) with the indices of their frames."""
        table = self.utterances
        if session_id is not None:
            table = table.filter(pl.col("session_id") == session_id)
        table = table.select(list(SCHEMAS["utterances"])).collect()
        has_frames = set(
            self.sessions.filter(pl.col("n_frames") > 0)
            .select("session_id")
            .collect()["session_id"]
            .to_list()
        )
        empty = np.zeros(0, dtype=np.int64)
        for row in table.iter_rows(named=True):
            sid = row["session_id"]
            frame_idx = empty
            if sid in has_frames and row["t_start"] is not None and row["t_end"] is not None:
                t = self.frame_times(sid)
                a, b = np.searchsorted(t, [row["t_start"], row["t_end"]], side="left")
                frame_idx = np.arange(a, b, dtype=np.int64)
            yield Utterance(
                session_id=sid,
                utt_id=row["utt_id"],
                t_start=row["t_start"],
                t_end=row["t_end"],
                speaker=row["speaker"],
                text=row["text"],
                words=list(row["words"] or []),
                frame_idx=frame_idx,
                _dataset=self,
            )
