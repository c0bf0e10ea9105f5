"""SessionWriter: stages one session's frames, audio and table rows, then renames it into place.

A session is written into `PARTIAL/sessions/ID.tmp/` and renamed to `PARTIAL/sessions/ID/` by
`close()`, once every file is complete, so a resumed writer can trust any folder without the
`.tmp` suffix.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from devlearn.datasets.audio import resample, write_flac
from devlearn.datasets.format import (
    AUDIO_SAMPLE_RATE,
    SCHEMAS,
    SPLITS,
    conform,
    shard_path,
    tokenize,
    validate_session_id,
)
from devlearn.datasets.shards import ShardAppender

if TYPE_CHECKING:
    from devlearn.datasets.writer import DatasetWriter

STAGED_SHARD = "frames.npy"
STAGED_AUDIO = "audio.flac"


def _optional_time(value: float | None, what: str) -> float | None:
    if value is None:
        return None
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{what} {value} must be a finite time >= 0 s")
    return value


class SessionWriter:
    """Writes one session; use as a context manager or call `close()` (or `abort()`)."""

    def __init__(
        self,
        writer: DatasetWriter,
        session_id: str,
        child_id: str,
        age_days: int,
        split: str | None = None,
        extra: dict[str, Any] | None = None,
    ):
        self.session_id = validate_session_id(session_id)
        if int(age_days) != age_days or age_days < 0:
            raise ValueError(f"age_days {age_days} must be a whole number of days >= 0")
        if split is not None and split not in SPLITS:
            raise ValueError(f"split {split!r} must be one of {SPLITS} or None")
        self.writer = writer
        self.child_id = str(child_id)
        self.age_days = int(age_days)
        self.split = split
        self.extra = dict(extra or {})
        self.duration_s: float | None = None  # set to override the duration computed at close
        sessions_dir = writer.partial / "sessions"
        self.final_dir = sessions_dir / self.session_id
        self.dir = sessions_dir / f"{self.session_id}.tmp"
        if self.final_dir.exists():
            raise ValueError(f"session {self.session_id!r} is already written")
        if self.dir.exists():  # left by an interrupted writer: start it again
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        self._shard: ShardAppender | None = None
        self._times: list[np.ndarray] = []
        self._frame_columns: dict[str, list[np.ndarray]] = {}
        self._audio_seconds: float | None = None
        self._utterances: list[dict[str, Any]] = []
        self._words: list[dict[str, Any]] = []
        self._objects: list[dict[str, Any]] = []
        self.closed = False

    @property
    def n_frames(self) -> int:
        return 0 if self._shard is None else self._shard.n

    def add_frames(self, frames: np.ndarray, t_s: np.ndarray | None = None) -> None:
        """Append uint8 RGB frames (n, H, W, 3); times default to frame_idx / fps."""
        if self.writer.frame_size is None:
            raise ValueError("this dataset was created without frame_size; it holds no frames")
        frames = np.asarray(frames)
        if self._shard is None:
            height, width = self.writer.frame_size
            self._shard = ShardAppender(self.dir / STAGED_SHARD, height, width)
        n0 = self._shard.n
        if t_s is None:
            t_s = (n0 + np.arange(len(frames))) / self.writer.fps
        t_s = np.asarray(t_s, dtype=np.float64).reshape(-1)
        if len(t_s) != len(frames):
            raise ValueError(f"{len(t_s)} times given for {len(frames)} frames")
        last = self._times[-1][-1] if self._times and len(self._times[-1]) else -np.inf
        if len(t_s) and (np.any(np.diff(t_s) < 0) or t_s[0] < last or t_s[0] < 0):
            raise ValueError("frame times must be >= 0 and non-decreasing")
        self._shard.append(frames)
        self._times.append(t_s)

    def add_frame_columns(self, **columns: Any) -> None:
        """Append extra per-frame columns (e.g. gaze); in total each must match the frames."""
        for name, values in columns.items():
            if name in SCHEMAS["frames"]:
                raise ValueError(f"frame column {name!r} is reserved by the format")
            self._frame_columns.setdefault(name, []).append(np.asarray(values))

    def set_audio(self, samples: np.ndarray, sample_rate: int) -> None:
        """Store the session's audio, resampled to mono 16 kHz FLAC."""
        mono = resample(samples, int(sample_rate), AUDIO_SAMPLE_RATE)
        write_flac(self.dir / STAGED_AUDIO, mono, AUDIO_SAMPLE_RATE)
        self._audio_seconds = len(mono) / AUDIO_SAMPLE_RATE

    def add_utterance(
        self,
        speaker: str,
        text: str,
        t_start: float | None = None,
        t_end: float | None = None,
        words: list[str] | None = None,
        word_times: list[tuple[str, float | None, float | None]] | None = None,
    ) -> str:
        """Add an utterance; returns its dataset-wide id `SESSION:NNNNNN`."""
        t_start = _optional_time(t_start, "utterance start")
        t_end = _optional_time(t_end, "utterance end")
        if t_start is not None and t_end is not None and t_end < t_start:
            raise ValueError(f"utterance ends ({t_end} s) before it starts ({t_start} s)")
        utt_id = f"{self.session_id}:{len(self._utterances):06d}"
        if word_times is not None:
            timed = [
                (str(w).lower(), _optional_time(a, "word start"), _optional_time(b, "word end"))
                for w, a, b in word_times
            ]
            words = [w for w, _, _ in timed] if words is None else [str(w) for w in words]
        else:
            words = tokenize(text) if words is None else [str(w).lower() for w in words]
            timed = [(w, None, None) for w in words]
        self._utterances.append(
            dict(
                utt_id=utt_id,
                t_start=t_start,
                t_end=t_end,
                speaker=str(speaker),
                text=str(text),
                words=words,
            )
        )
        for i, (word, a, b) in enumerate(timed):
            self._words.append(dict(utt_id=utt_id, word_idx=i, word=word, t_start=a, t_end=b))
        return utt_id

    def add_objects(self, rows: list[dict[str, Any]]) -> None:
        """Add objects-table rows (frame_idx or utt_id, object_id, category, ...)."""
        self._objects.extend(dict(row) for row in rows)

    # --- finishing -------------------------------------------------------------------------

    def _computed_duration(self, times: np.ndarray) -> float:
        spans = [0.0]
        if len(times):
            spans.append(float(times[-1]) + (1.0 / self.writer.fps if self.writer.fps else 0.0))
        if self._audio_seconds is not None:
            spans.append(self._audio_seconds)
        if not len(times) and self._audio_seconds is None:  # text only: last utterance time
            spans += [u[k] for u in self._utterances for k in ("t_start", "t_end") if u[k]]
        return max(spans)

    def _frames_table(self, times: np.ndarray) -> pl.DataFrame:
        n = len(times)
        frame_idx = np.arange(n, dtype=np.int32)
        data: dict[str, Any] = dict(
            session_id=[self.session_id] * n,
            frame_idx=frame_idx,
            t_s=times,
            age_days=np.full(n, self.age_days, np.int32),
            shard=[shard_path(self.session_id)] * n,
            row=frame_idx,
        )
        for name, chunks in self._frame_columns.items():
            values = np.concatenate(chunks) if chunks else np.array([])
            if len(values) != n:
                raise ValueError(f"frame column {name!r} has {len(values)} values for {n} frames")
            data[name] = values
        return conform(pl.DataFrame(data), "frames")

    def _rows_table(self, rows: list[dict[str, Any]], table: str) -> pl.DataFrame:
        for row in rows:
            row["session_id"] = self.session_id
        schema = {k: v for k, v in SCHEMAS[table].items() if any(k in r for r in rows)}
        frame = pl.DataFrame(rows, schema_overrides=schema, infer_schema_length=None)
        return conform(frame, table)

    def close(self) -> None:
        """Write the session's tables and rename its folder into place."""
        if self.closed:
            return
        times = np.concatenate(self._times) if self._times else np.zeros(0)
        if self._shard is not None:
            self._shard.close()
            if self._shard.n == 0:
                self._shard.discard()
        duration = (
            self.duration_s if self.duration_s is not None else self._computed_duration(times)
        )
        row = dict(
            session_id=self.session_id,
            child_id=self.child_id,
            age_days=self.age_days,
            duration_s=float(duration),
            source=self.writer.source,
            split=self.split,
            n_frames=len(times),
            has_audio=self._audio_seconds is not None,
        )
        row.update(self.extra)
        conform(pl.DataFrame([row]), "sessions").write_parquet(self.dir / "sessions.parquet")
        if len(times):
            self._frames_table(times).write_parquet(self.dir / "frames.parquet")
        for table, rows in (
            ("utterances", self._utterances),
            ("words", self._words),
            ("objects", self._objects),
        ):
            if rows:
                self._rows_table(rows, table).write_parquet(self.dir / f"{table}.parquet")
        os.rename(self.dir, self.final_dir)
        self.closed = True
        self.writer._open_sessions.discard(self.session_id)

    def abort(self) -> None:
        """Drop everything staged for this session."""
        if self._shard is not None:
            self._shard.discard()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.closed = True
        self.writer._open_sessions.discard(self.session_id)

    def __enter__(self) -> SessionWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        if exc_type is None:
            self.close()
        else:
            self.abort()


def staged_files(session_dir: Path) -> dict[str, Path]:
    """The staged shard and audio of a finished session folder, where present."""
    files = {"shard": session_dir / STAGED_SHARD, "audio": session_dir / STAGED_AUDIO}
    return {k: p for k, p in files.items() if p.exists()}
