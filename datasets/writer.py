"""DatasetWriter: writes a dataset into `OUT.partial/` and renames it to `OUT` when complete.

Several processes may write different sessions into the same `OUT.partial/` (each with
`resume=True`); one of them calls `finalize()` at the end. Each writer keeps its warnings,
skipped files and lexicon pairs in its own `notes/*.json`, so writers never share a file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import polars as pl

from devlearn.datasets.format import (
    AUDIO_SAMPLE_RATE,
    DATASET_JSON,
    DEFAULT_SPLIT_FRACTIONS,
    FORMAT_NAME,
    FORMAT_VERSION,
    TABLES,
    assign_splits,
    audio_path,
    conform,
    empty_table,
    shard_path,
    table_file,
)
from devlearn.datasets.session_writer import SessionWriter, staged_files
from devlearn.errors import UserError

SETTINGS_FILE = "writer.json"


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def partial_path(out_dir: str | Path) -> Path:
    """The staging folder of a dataset being written to `out_dir`."""
    out = Path(out_dir)
    return out.with_name(out.name + ".partial")


class DatasetWriter:
    """Writes a dataset; see datasets/README.md for the layout and the staging protocol."""

    def __init__(
        self,
        out_dir: str | Path,
        fps: float | None = None,
        frame_size: tuple[int, int] | None = None,
        source: str = "unknown",
        provenance: dict[str, Any] | None = None,
        resume: bool = False,
        split_fractions: tuple[float, float, float] = DEFAULT_SPLIT_FRACTIONS,
    ):
        if frame_size is not None:
            frame_size = (int(frame_size[0]), int(frame_size[1]))
            if min(frame_size) <= 0:
                raise ValueError(f"frame_size {frame_size} must be two positive sizes (H, W)")
            if fps is None or not fps > 0:
                raise ValueError(f"fps {fps} must be > 0 for a dataset with frames")
        self.out = Path(out_dir)
        self.partial = partial_path(self.out)
        self.fps = None if fps is None else float(fps)
        self.frame_size = frame_size
        self.source = source
        self.provenance = dict(provenance or {})
        self.resume = resume
        self.split_fractions = tuple(split_fractions)
        if self.out.exists():
            raise UserError("the target folder already exists; choose another", path=self.out)
        if self.partial.exists() and not resume:
            raise UserError(
                "an interrupted write left this folder; resume it or remove it", path=self.partial
            )
        try:
            (self.partial / "sessions").mkdir(parents=True, exist_ok=True)
            (self.partial / "notes").mkdir(exist_ok=True)
        except OSError as error:
            raise UserError(f"cannot write here: {error.strerror}", path=self.out) from error
        self._check_settings()
        self._notes_path = self.partial / "notes" / f"{uuid.uuid4().hex}.json"
        self._notes: dict[str, list] = {"warnings": [], "skipped": [], "lexicon": []}
        self._open_sessions: set[str] = set()

    def _settings(self) -> dict[str, Any]:
        size = self.frame_size
        return {
            "fps": self.fps,
            "frame_size": None if size is None else list(size),
            "source": self.source,
        }

    def _check_settings(self) -> None:
        """Writers sharing one partial folder must agree on fps, frame size and source."""
        path = self.partial / SETTINGS_FILE
        if path.exists():
            found = json.loads(path.read_text())
            if found != self._settings():
                raise ValueError(f"{self.partial} was started with {found}, not {self._settings()}")
        else:
            _write_json_atomic(path, self._settings())

    # --- sessions ------------------------------------------------------------------------

    def finished_sessions(self) -> set[str]:
        """Sessions already complete in the partial folder (by any writer)."""
        folder = self.partial / "sessions"
        return {p.name for p in folder.iterdir() if p.is_dir() and not p.name.endswith(".tmp")}

    def session(
        self,
        session_id: str,
        child_id: str,
        age_days: int,
        split: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> SessionWriter:
        """Start a session; `split=None` assigns one by a seeded hash when finalizing."""
        if session_id in self._open_sessions:
            raise ValueError(f"session {session_id!r} is already being written")
        writer = SessionWriter(self, session_id, child_id, age_days, split, extra)
        self._open_sessions.add(session_id)
        return writer

    # --- notes ---------------------------------------------------------------------------

    def _save_notes(self) -> None:
        _write_json_atomic(self._notes_path, self._notes)

    def warn(self, message: str) -> None:
        """Record a warning in the dataset's provenance."""
        self._notes["warnings"].append(str(message))
        self._save_notes()

    def skip(self, file: str | Path, reason: str) -> None:
        """Record an input file that was left out, and why."""
        self._notes["skipped"].append({"file": str(file), "reason": str(reason)})
        self._save_notes()

    def add_lexicon(self, pairs: list[tuple[str, str]]) -> None:
        """Add gold word -> object pairs (stored as lexicon.parquet)."""
        self._notes["lexicon"].extend([str(w), str(o)] for w, o in pairs)
        self._save_notes()

    def _all_notes(self) -> dict[str, list]:
        merged: dict[str, list] = {"warnings": [], "skipped": [], "lexicon": []}
        for path in sorted((self.partial / "notes").glob("*.json")):
            notes = json.loads(path.read_text())
            for key in merged:
                merged[key].extend(notes.get(key, []))
        return merged

    # --- finishing -----------------------------------------------------------------------

    def _merge(self, table: str, sessions: list[str]) -> pl.DataFrame:
        parts = [
            pl.read_parquet(self.partial / "sessions" / s / table_file(table))
            for s in sessions
            if (self.partial / "sessions" / s / table_file(table)).exists()
        ]
        if not parts:
            return empty_table(table)
        return conform(pl.concat(parts, how="diagonal_relaxed"), table)

    def _sessions_table(self, sessions: list[str]) -> pl.DataFrame:
        table = self._merge("sessions", sessions)
        unassigned = table.filter(pl.col("split").is_null())["session_id"].to_list()
        seed = int(self.provenance.get("seed", 0) or 0)
        splits = assign_splits(unassigned, seed, self.split_fractions)
        table = table.with_columns(
            pl.col("split").fill_null(pl.col("session_id").replace_strict(splits, default=None))
        )
        return table.sort("child_id", "age_days", "session_id")

    def finalize(self) -> Path:
        """Merge the sessions into the top-level tables and rename the folder to `out`."""
        if self._open_sessions:
            raise RuntimeError(f"sessions still open: {sorted(self._open_sessions)}")
        if self.out.exists():
            raise UserError("the target folder already exists; choose another", path=self.out)
        sessions = sorted(self.finished_sessions())
        notes = self._all_notes()
        sessions_table = self._sessions_table(sessions)
        order = {s: i for i, s in enumerate(sessions_table["session_id"].to_list())}
        rank = pl.col("session_id").replace_strict(order, return_dtype=pl.Int64)
        sort_keys = {
            "frames": ["frame_idx"],
            "utterances": [],
            "words": ["word_idx"],
            "objects": [],
        }
        for table in TABLES:
            if table == "sessions":
                frame = sessions_table
            elif table == "lexicon":
                frame = pl.DataFrame(notes["lexicon"], schema=["word", "object"], orient="row")
                frame = conform(frame.unique(maintain_order=True), "lexicon")
            else:
                frame = self._merge(table, sessions)
                # Keep rows of a session in their written order; sessions in child/age order.
                frame = (
                    frame.with_columns(rank.alias("_rank"))
                    .sort(["_rank", *sort_keys[table]], maintain_order=True)
                    .drop("_rank")
                )
            frame.write_parquet(self.partial / table_file(table))
        (self.partial / "frames").mkdir(exist_ok=True)
        (self.partial / "audio").mkdir(exist_ok=True)
        for session in sessions:
            staged = staged_files(self.partial / "sessions" / session)
            if "shard" in staged:
                os.replace(staged["shard"], self.partial / shard_path(session))
            if "audio" in staged:
                os.replace(staged["audio"], self.partial / audio_path(session))
        self._write_meta(notes)
        for leftover in ("sessions", "notes"):
            shutil.rmtree(self.partial / leftover)
        (self.partial / SETTINGS_FILE).unlink()
        os.rename(self.partial, self.out)
        return self.out

    def _write_meta(self, notes: dict[str, list]) -> None:
        from devlearn import __version__

        size = self.frame_size
        provenance = dict(self.provenance)
        provenance.setdefault("seed", 0)
        provenance.update(
            devlearn_version=__version__,
            created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            warnings=notes["warnings"],
            skipped=notes["skipped"],
        )
        meta = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "fps": self.fps,
            "frame_height": None if size is None else size[0],
            "frame_width": None if size is None else size[1],
            "audio_sample_rate": AUDIO_SAMPLE_RATE,
            "source": self.source,
            "split_fractions": list(self.split_fractions),
            "provenance": provenance,
        }
        _write_json_atomic(self.partial / DATASET_JSON, meta)

    def abort(self, keep_finished: bool | None = None) -> None:
        """Remove the partial folder. With `keep_finished` (default: when resuming), drop
        only this writer's unfinished sessions so a later resume continues from the rest."""
        keep = self.resume if keep_finished is None else keep_finished
        if keep:
            for session in list(self._open_sessions):
                shutil.rmtree(self.partial / "sessions" / f"{session}.tmp", ignore_errors=True)
            self._open_sessions.clear()
        else:
            shutil.rmtree(self.partial, ignore_errors=True)

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        if exc_type is None:
            self.finalize()
        else:
            self.abort()
