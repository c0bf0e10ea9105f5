"""What every importer shares: refusing an existing target, per-file error handling with
--skip-bad, provenance, and small readers for CSV tables with line numbers."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from devlearn.datasets.writer import DatasetWriter, partial_path
from devlearn.errors import UserError

T = TypeVar("T")


def check_target(out: str | Path | None) -> Path:
    """The output folder, refused if missing from the options or already present."""
    if out is None or str(out) == "":
        raise UserError("--out is required: the folder to write the dataset to")
    out = Path(out)
    if out.exists():
        raise UserError("the target folder already exists; choose another --out", path=out)
    if partial_path(out).exists():
        raise UserError(
            "an interrupted import left this folder; remove it first", path=partial_path(out)
        )
    return out


def check_input(path: str | Path, what: str) -> Path:
    """An input path that must exist."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{what} not found", path=path)
    return path


def provenance(command: str, options: dict[str, Any], seed: int) -> dict[str, Any]:
    """Provenance for dataset.json: the command, its options (as text) and the seed."""
    plain = {k: (str(v) if isinstance(v, Path) else v) for k, v in options.items()}
    return {"command": command, "options": plain, "seed": seed}


def import_each(
    writer: DatasetWriter,
    items: Iterable[T],
    handle: Callable[[T], None],
    skip_bad: bool,
    name: Callable[[T], str],
    desc: str,
) -> int:
    """Run `handle` on each item; with `skip_bad`, a UserError skips the item (recorded in
    dataset.json) instead of stopping the import. Returns how many items were imported."""
    from tqdm import tqdm

    items = list(items)
    done = 0
    # disable=None: a bar only on a terminal, so logs and the one-line error stay clean.
    for item in tqdm(items, desc=desc, unit="file", disable=True if len(items) < 2 else None):
        try:
            handle(item)
            done += 1
        except UserError as error:
            if not skip_bad:
                raise
            where = error.path if error.path is not None else name(item)
            if error.line is not None:
                where = f"{where}:{error.line}"
            writer.skip(where, error.message)
    if done == 0:
        raise UserError("nothing could be imported (every input was bad or skipped)")
    return done


def read_csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row of a CSV file with a header; keys lower-cased."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read the table: {error}", path=path) from error
    lines = text.splitlines()
    reader = csv.reader(lines)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise UserError("the table is empty", path=path, line=1) from None
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise UserError(f"{len(row)} fields for {len(header)} columns", path=path, line=line)
        yield line, {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}


def require_columns(path: Path, columns: Iterable[str], any_of: Iterable[str] = ()) -> list[str]:
    """The header of a CSV file, checked for required columns (case-insensitive)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = [h.strip().lower() for h in next(csv.reader(handle), [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise UserError(f"missing column(s) {missing}; found {header}", path=path, line=1)
    any_of = list(any_of)
    if any_of and not any(c in header for c in any_of):
        raise UserError(f"needs one of the columns {any_of}; found {header}", path=path, line=1)
    return header
