"""Transcript CSVs for videos: start, optional end, speaker, utterance (one row per utterance).

Times are seconds (`12.5`) or clock times (`1:02:03.5`, `02:03`). Where only starts are given
an utterance ends at the next utterance's start, capped at `max_utterance_s` after its own
start (CVCL's SAYCam transcripts give starts only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from devlearn.datasets.importers.common import read_csv_rows, require_columns
from devlearn.errors import UserError

TEXT_COLUMNS = ("utterance", "text", "transcript")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d+(?:\.\d*)?)$")
# Times may overshoot the video's end by this much (rounding in transcription tools).
END_TOLERANCE_S = 0.5


@dataclass
class TranscriptRow:
    line: int
    start: float
    end: float | None
    speaker: str
    text: str


def parse_time(text: str, path: Path, line: int, column: str) -> float:
    """Seconds from `12.5`, `02:03` or `1:02:03.5`; UserError naming file and line otherwise."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        match = _CLOCK.match(text)
        if not match:
            raise UserError(f"unparseable {column} time {text!r}", path=path, line=line) from None
        hours, minutes, seconds = match.groups()
        value = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    if value != value or value < 0 or value == float("inf"):
        raise UserError(f"{column} time {text!r} must be a finite time >= 0", path=path, line=line)
    return value


def read_transcript(path: Path) -> list[TranscriptRow]:
    """Rows of a transcript CSV, in file order, with their line numbers."""
    header = require_columns(path, ["start", "speaker"], any_of=TEXT_COLUMNS)
    text_column = next(c for c in TEXT_COLUMNS if c in header)
    rows = []
    for line, row in read_csv_rows(path):
        start = parse_time(row["start"], path, line, "start")
        end = None
        if row.get("end", ""):
            end = parse_time(row["end"], path, line, "end")
            if end < start:
                message = f"ends ({end} s) before it starts ({start} s)"
                raise UserError(message, path=path, line=line)
        rows.append(TranscriptRow(line, start, end, row["speaker"], row[text_column]))
    return rows


def timed_utterances(
    rows: list[TranscriptRow], path: Path, duration_s: float, max_utterance_s: float
) -> list[TranscriptRow]:
    """Rows with every end filled in and checked against the video's duration."""
    ordered = sorted(rows, key=lambda r: r.start)
    out = []
    for i, row in enumerate(ordered):
        if row.start > duration_s + END_TOLERANCE_S:
            raise UserError(
                f"start {row.start:g} s is past the end of the video ({duration_s:.2f} s)",
                path=path,
                line=row.line,
            )
        end = row.end
        if end is None:
            next_start = ordered[i + 1].start if i + 1 < len(ordered) else duration_s
            end = min(next_start, row.start + max_utterance_s, duration_s)
        elif end > duration_s + END_TOLERANCE_S:
            raise UserError(
                f"end {end:g} s is past the end of the video ({duration_s:.2f} s)",
                path=path,
                line=row.line,
            )
        end = max(row.start, min(end, duration_s))
        out.append(TranscriptRow(row.line, min(row.start, duration_s), end, row.speaker, row.text))
    return out
