"""The table of children and ages for imported recordings.

One row per recording: `video` (file name or stem), `child_id`, and the age as `age_days`,
`age_months`, or `birth_date` and `recording_date` (ISO dates, YYYY-MM-DD)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from devlearn import months_to_days
from devlearn.datasets.importers.common import read_csv_rows, require_columns
from devlearn.errors import UserError


@dataclass
class AgeRow:
    line: int
    child_id: str
    age_days: int


def _date(text: str, path: Path, line: int, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        message = f"{column} {text!r} is not a YYYY-MM-DD date"
        raise UserError(message, path=path, line=line) from None


def _age_days(row: dict[str, str], path: Path, line: int) -> int:
    try:
        if row.get("age_days"):
            days = float(row["age_days"])
        elif row.get("age_months"):
            days = months_to_days(float(row["age_months"]))
        elif row.get("birth_date") and row.get("recording_date"):
            born = _date(row["birth_date"], path, line, "birth_date")
            recorded = _date(row["recording_date"], path, line, "recording_date")
            days = (recorded - born).days
        else:
            raise UserError("no age: give age_days, age_months or both dates", path=path, line=line)
    except ValueError:
        raise UserError("the age is not a number", path=path, line=line) from None
    if not 0 <= days <= 366 * 18:
        raise UserError(f"impossible age of {days:g} days", path=path, line=line)
    return int(round(days))


def read_age_table(path: Path) -> dict[str, AgeRow]:
    """Ages keyed by recording stem (the `video` column without its extension)."""
    require_columns(path, ["video", "child_id"], any_of=["age_days", "age_months", "birth_date"])
    ages: dict[str, AgeRow] = {}
    for line, row in read_csv_rows(path):
        stem = Path(row["video"]).stem if row["video"] else ""
        if not stem:
            raise UserError("empty video name", path=path, line=line)
        if not row["child_id"]:
            raise UserError("empty child_id", path=path, line=line)
        if stem in ages:
            raise UserError(f"video {stem!r} is listed twice", path=path, line=line)
        ages[stem] = AgeRow(line, row["child_id"], _age_days(row, path, line))
    return ages
