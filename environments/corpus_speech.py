"""Caregiver utterances taken from an imported CHAT corpus (a dataset in devlearn format).

Adult utterances are kept and sorted by which catalog categories they name, through the
synonym table in `templates` (doggy -> dog, kitty -> cat). Utterances naming exactly one
category can be spoken when the caregiver names it; those naming none serve as chatter.
The counts of category mentions give a corpus word-frequency distribution.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .templates import category_of, words_of

CHILD_SPEAKERS = frozenset({"CHI", "CHILD", "TARGET_CHILD"})
_CHAT_CODE = re.compile(r"\[[^\]]*\]|&[=+-]?\S*|\bxxx\b|\byyy\b|\bwww\b|[<>@+]\S*|\(|\)")


@dataclass
class CorpusUtterance:
    text: str
    words: list[str]
    category: str | None
    named_word: str | None  # the surface form that named it ("doggy")
    kind: str


@dataclass
class CaregiverCorpus:
    naming: dict[str, list[CorpusUtterance]] = field(default_factory=dict)
    chatter: list[CorpusUtterance] = field(default_factory=list)
    mentions: Counter = field(default_factory=Counter)  # category -> utterances naming it
    n_read: int = 0


def clean_text(text: str) -> str:
    """Speakable text: CHAT codes, pause markers and stray symbols removed."""
    t = _CHAT_CODE.sub(" ", text)
    t = re.sub(r"[^A-Za-z' ,.!?]", " ", t)
    t = re.sub(r"\s+([,.!?])", r"\1", t)
    return " ".join(t.split())


def _kind(words: list[str], text: str) -> str:
    if text.endswith("?"):
        return "question"
    if words and (words[0] in {"give", "get", "show", "bring", "put", "take", "go", "let's"}):
        return "request"
    return "naming"


def load_caregiver_corpus(path: str | Path, categories: list[str]) -> CaregiverCorpus:
    """Read adult utterances of the dataset at `path` and map their nouns to `categories`."""
    from devlearn.datasets import open_dataset

    table = open_dataset(path).utterances
    table = table() if callable(table) else table  # a LazyFrame, property or method
    utterances = table.select("speaker", "text").collect()
    cats = frozenset(categories)
    corpus = CaregiverCorpus()
    for speaker, raw in utterances.iter_rows():
        if speaker is not None and speaker.upper() in CHILD_SPEAKERS:
            continue
        text = clean_text(raw or "")
        words = words_of(text)
        if not words:
            continue
        corpus.n_read += 1
        named = {(w, c) for w in words if (c := category_of(w, cats)) is not None}
        named_cats = {c for _, c in named}
        if not named_cats:
            corpus.chatter.append(CorpusUtterance(text, words, None, None, "chatter"))
        elif len(named_cats) == 1:
            word, cat = sorted(named)[0]
            utt = CorpusUtterance(text, words, cat, word, _kind(words, text))
            corpus.naming.setdefault(cat, []).append(utt)
        corpus.mentions.update(named_cats)
    return corpus
