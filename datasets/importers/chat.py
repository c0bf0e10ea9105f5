"""Import CHILDES CHAT transcripts (a .cha file, a folder of them, or a .zip) via pylangacq.

One session per file. The target child's age comes from its `@ID` header, utterance times
from the media bullets where the file has them. Real transcripts often break strict tier
alignment: files are read leniently and the warnings are counted in the provenance."""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from devlearn import months_to_days
from devlearn.datasets.format import safe_session_id, tokenize
from devlearn.datasets.importers.common import check_input, check_target, import_each, provenance
from devlearn.datasets.writer import DatasetWriter
from devlearn.errors import UserError

_AGE = re.compile(r"^(\d+);(\d{1,2})?(?:\.(\d{1,2})?)?$")
_BULLET = re.compile("\x15[^\x15]*\x15")
_UNINTELLIGIBLE = {"xxx", "yyy", "www"}
# Headers that CHILDES files may carry before @Begin.
_PRE_BEGIN = ("@UTF8", "@PID", "@Font", "@Window", "@Color")


@dataclass
class ChatHeader:
    child_code: str
    child_name: str
    corpus: str
    age_days: int | None


def chat_sources(path: Path) -> Iterator[tuple[str, str | bytes]]:
    """(name, raw bytes) of each .cha file in a file, folder (recursive) or zip."""
    if path.is_dir():
        for file in sorted(path.rglob("*.cha")):
            yield str(file.relative_to(path)), file.read_bytes()
    elif path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                for name in sorted(archive.namelist()):
                    if name.lower().endswith(".cha"):
                        yield name, archive.read(name)
        except zipfile.BadZipFile as error:
            raise UserError(f"not a readable zip file: {error}", path=path) from error
    else:
        yield path.name, path.read_bytes()


def parse_age(text: str, path: str, line: int) -> int | None:
    """Days from a CHAT age `Y;MM.DD` (months and days optional); None if empty."""
    text = text.strip()
    if not text:
        return None
    match = _AGE.match(text)
    if not match:
        raise UserError(f"malformed age {text!r} in @ID (expected Y;MM.DD)", path=path, line=line)
    years, months, days = (int(g) if g else 0 for g in match.groups())
    if months > 11 or days > 31:
        raise UserError(f"impossible age {text!r} in @ID", path=path, line=line)
    return months_to_days(12 * years + months) + days


def read_header(text: str, name: str) -> ChatHeader:
    """Check the headers the importer relies on and find the target child."""
    lines = text.splitlines()
    first = next(
        (i for i, s in enumerate(lines) if s.strip() and not s.startswith(_PRE_BEGIN)), None
    )
    if first is None or not lines[first].startswith("@Begin"):
        raise UserError("not a CHAT file: @Begin missing", path=name, line=(first or 0) + 1)
    ids: dict[str, tuple[list[str], int]] = {}
    roles: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(lines, start=1):
        if line.startswith("@ID:"):
            fields = line[4:].strip().split("|")
            if len(fields) < 10 or not fields[2].strip():
                raise UserError(
                    "malformed @ID header (needs 10 |-separated fields)", path=name, line=number
                )
            ids[fields[2].strip()] = (fields, number)
        elif line.startswith("@Participants:"):
            for entry in line.split(":", 1)[1].split(","):
                parts = entry.split()
                if len(parts) < 2:
                    raise UserError(
                        f"malformed participant {entry.strip()!r}", path=name, line=number
                    )
                roles[parts[0]] = (parts[-1], " ".join(parts[1:-1]))
        elif line.startswith("*"):
            break
    if not roles:
        raise UserError("no @Participants header", path=name, line=first + 2)
    role_of = {
        code: fields[7].strip() or roles.get(code, ("", ""))[0] for code, (fields, _) in ids.items()
    }
    role_of.update({c: r for c, (r, _) in roles.items() if c not in role_of})
    child = next((c for c, r in role_of.items() if r == "Target_Child"), None)
    if child is None:
        child = "CHI" if "CHI" in role_of else None
    if child is None:
        raise UserError("no target child among the participants", path=name, line=first + 2)
    fields, number = ids.get(child, ([""] * 10, 0))
    age = parse_age(fields[3], name, number) if number else None
    return ChatHeader(child, roles.get(child, ("", ""))[1], fields[1].strip(), age)


def utterance_words(utterance) -> list[str]:  # noqa: ANN001 - a pylangacq Utterance
    """Word tokens: pylangacq's where it aligned the tiers, else our own from the main tier."""
    words = [t.word for t in utterance.tokens]
    if not words:
        words = tokenize(_BULLET.sub(" ", utterance.tiers.get(utterance.participant, "")))
    words = [w.lower() for w in words if any(ch.isalnum() for ch in w)]
    return [w for w in words if w not in _UNINTELLIGIBLE]


def import_chat(
    source: str | Path,
    out: str | Path,
    speakers: list[str] | None = None,
    child_id: str | None = None,
    default_age_months: float | None = None,
    seed: int = 0,
    skip_bad: bool = False,
    options: dict | None = None,
) -> Path:
    """Import CHAT transcripts into a text-only dataset at `out`."""
    import pylangacq

    out = check_target(out)
    source = check_input(source, "CHAT source")
    files = list(chat_sources(source))
    if not files:
        raise UserError("no .cha files found", path=source)
    keep = None if speakers is None else {s.strip().upper() for s in speakers}
    where = (
        (lambda n: str(source / n))
        if source.is_dir()
        else (
            (lambda n: f"{source}/{n}")
            if source.suffix.lower() == ".zip"
            else (lambda n: str(source))
        )
    )
    seen: set[str] = set()
    counts = {"warnings": 0}

    def one_file(item: tuple[str, bytes]) -> None:
        name, raw = item
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UserError(f"not UTF-8 text: {error}", path=where(name)) from error
        header = read_header(text, where(name))
        age = header.age_days
        if age is None:
            if default_age_months is None:
                raise UserError(
                    "no target child age in @ID (give --default_age_months)", path=where(name)
                )
            age = months_to_days(default_age_months)
        session_id = safe_session_id(str(Path(name).with_suffix("")).replace("/", "_"))
        if session_id in seen:
            raise UserError(f"two files give the session id {session_id!r}", path=where(name))
        seen.add(session_id)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                reader = pylangacq.CHAT.from_strs([text], ids=[name], strict=False, parallel=False)
            except Exception as error:  # the parser's own errors have no common base class
                raise UserError(f"cannot parse CHAT: {error}", path=where(name)) from error
        counts["warnings"] += len(caught)
        child = (
            child_id or "/".join(p for p in (header.corpus, header.child_name) if p) or (session_id)
        )
        with writer.session(
            session_id, child, age, extra={"source_file": name, "parse_warnings": len(caught)}
        ) as s:
            for utterance in reader.utterances():
                if keep is not None and utterance.participant.upper() not in keep:
                    continue
                raw_tier = utterance.tiers.get(utterance.participant, "")
                marks = utterance.time_marks
                t0, t1 = (marks[0] / 1000, marks[1] / 1000) if marks else (None, None)
                s.add_utterance(
                    utterance.participant,
                    " ".join(_BULLET.sub(" ", raw_tier).split()),
                    t0,
                    t1,
                    words=utterance_words(utterance),
                )

    writer = DatasetWriter(
        out, source="chat", provenance=provenance("import chat", options or {}, seed)
    )
    with writer:
        import_each(writer, files, one_file, skip_bad, name=lambda i: where(i[0]), desc="files")
        writer.provenance["parse_warnings"] = counts["warnings"]
        if counts["warnings"]:
            writer.warn(
                f"{counts['warnings']} parser warnings (e.g. tier misalignment); "
                "those utterances were kept with words from the main tier"
            )
    return out
