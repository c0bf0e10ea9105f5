"""Import scene-annotated corpora in the block format of cross-situational word-learning
studies (Frank, Goodman & Tenenbaum 2009):

    look at the doggie        <- utterance words
    DOG BALL                  <- objects in view (may be empty)
                              <- blank line between blocks

and an optional gold lexicon of `word OBJECT` lines, stored as lexicon.parquet. Each corpus
file is one session; objects rows carry utt_id and a null frame_idx."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from devlearn import months_to_days
from devlearn.datasets.format import safe_session_id
from devlearn.datasets.importers.common import check_input, check_target, import_each, provenance
from devlearn.datasets.writer import DatasetWriter
from devlearn.errors import UserError


@dataclass
class SceneBlock:
    line: int
    words: list[str]
    objects: list[str]


def _read_text(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read: {error}", path=path) from error


def read_scenes(path: Path) -> list[SceneBlock]:
    """Blocks of a corpus file; UserError naming the line where the block structure breaks."""
    lines = _read_text(path) + [""]
    blocks = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        words = lines[i].split()
        objects = lines[i + 1].split() if i + 1 < len(lines) else []
        if i + 2 < len(lines) and lines[i + 2].strip():
            raise UserError("expected a blank line after the objects line", path=path, line=i + 3)
        blocks.append(SceneBlock(i + 1, [w.lower() for w in words], objects))
        i += 3
    if not blocks:
        raise UserError("no utterance blocks", path=path)
    return blocks


def read_lexicon(path: Path) -> list[tuple[str, str]]:
    """`word OBJECT` pairs (blank lines and lines starting with # ignored)."""
    pairs = []
    for number, line in enumerate(_read_text(path), start=1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if len(parts) != 2:
            raise UserError(f"expected 'word OBJECT', got {line.strip()!r}", path=path, line=number)
        pairs.append((parts[0].lower(), parts[1]))
    return pairs


def import_scenes(
    corpus: str | Path,
    out: str | Path,
    lexicon: str | Path | None = None,
    child_id: str | None = None,
    age_months: float = 0.0,
    seed: int = 0,
    skip_bad: bool = False,
    options: dict | None = None,
) -> Path:
    """Import one corpus file, or a folder of .txt corpus files, into a dataset at `out`."""
    out = check_target(out)
    corpus = check_input(corpus, "scene corpus")
    files = sorted(corpus.glob("*.txt")) if corpus.is_dir() else [corpus]
    if not files:
        raise UserError("no .txt corpus files", path=corpus)
    pairs = read_lexicon(check_input(lexicon, "lexicon")) if lexicon is not None else []
    if age_months < 0:
        raise UserError(f"--age_months {age_months} must be >= 0")
    words_of: dict[str, set[str]] = {}
    for word, obj in pairs:
        words_of.setdefault(obj, set()).add(word)

    def one_file(path: Path) -> None:
        blocks = read_scenes(path)
        session_id = safe_session_id(path.stem)
        with writer.session(
            session_id,
            child_id or session_id,
            months_to_days(age_months),
            extra={"source_file": path.name},
        ) as session:
            for block in blocks:
                utt_id = session.add_utterance(
                    "caregiver", " ".join(block.words), words=block.words
                )
                said = set(block.words)
                session.add_objects(
                    [
                        {
                            "utt_id": utt_id,
                            "frame_idx": None,
                            "object_id": obj,
                            "category": obj,
                            "named": bool(said & words_of.get(obj, {obj.lower()})),
                        }
                        for obj in block.objects
                    ]
                )

    writer = DatasetWriter(
        out, source="scenes", provenance=provenance("import scenes", options or {}, seed)
    )
    with writer:
        import_each(writer, files, one_file, skip_bad, name=str, desc="corpora")
        if pairs:
            writer.add_lexicon(pairs)
    return out
