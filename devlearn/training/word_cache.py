"""Log-mel features of single spoken words, cut from the audio by the words table's timings.

The spoken-word objective pairs one word heard in an utterance with the same word written, so
that the speech encoder maps a word said alone (as in a word-to-picture test) to where the
transcript's word lies in the shared space. Children hear words in isolation and in sentences;
the timings come from the transcript's alignment (the simulator records them exactly).

Cached like the utterance features (`speech_cache.py`): computed once, memory-mapped, keyed by
the dataset and the utterances used. Words are stored utterance by utterance, so utterance i
owns rows ``offsets[i]:offsets[i + 1]``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

MAX_WORD_S = 1.0  # longer words are cut; infant-directed words rarely last longer


def has_word_times(dataset) -> bool:  # noqa: ANN001
    """Whether the dataset's words table holds timed words."""
    words = dataset.words
    if not {"t_start", "t_end"} <= set(words.collect_schema().names()):
        return False
    timed = words.filter(pl.col("t_start").is_not_null() & pl.col("t_end").is_not_null())
    return timed.select(pl.len()).collect().item() > 0


def build_word_cache(
    dataset,  # devlearn.datasets.Dataset  # noqa: ANN001
    utt_ids: list[str],
    n_mels: int,
    out: Path,
    progress: bool = False,
) -> None:
    """Write feats float16 (n_words, n_mels, F), frames, words and per-utterance offsets."""
    from devlearn.training.speech_cache import build_speech_cache

    order = pl.DataFrame({"utt_id": utt_ids, "u": np.arange(len(utt_ids))})
    words = (
        dataset.words.filter(pl.col("t_start").is_not_null() & pl.col("t_end").is_not_null())
        .select("session_id", "utt_id", "word_idx", "word", "t_start", "t_end")
        .collect()
        .join(order, on="utt_id")
        .sort("u", "word_idx")
    )
    counts = np.bincount(words["u"].to_numpy(), minlength=len(utt_ids))
    base = out.with_suffix("")
    out.parent.mkdir(parents=True, exist_ok=True)
    np.save(f"{base}.offsets.npy", np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
    np.save(f"{base}.words.npy", words["word"].to_numpy().astype(str))
    # the same features as for utterances, over word windows; writes ``out`` last
    build_speech_cache(
        dataset,
        words["session_id"].to_numpy().astype(str),
        words["t_start"].to_numpy(),
        words["t_end"].to_numpy(),
        np.ones(words.height, dtype=bool),
        n_mels,
        MAX_WORD_S,
        out,
        progress=progress,
    )


def open_word_cache(out: Path) -> dict[str, np.ndarray]:
    base = out.with_suffix("")
    return {
        "feats": np.load(out, mmap_mode="r"),
        "frames": np.load(f"{base}.frames.npy"),
        "offsets": np.load(f"{base}.offsets.npy"),
        "words": np.load(f"{base}.words.npy"),
    }


def pick_words(offsets: np.ndarray, utterances: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One word row per utterance, uniformly among its words; -1 where it has none."""
    lo, hi = offsets[utterances], offsets[utterances + 1]
    pick = lo + np.floor(rng.random(len(utterances)) * (hi - lo)).astype(np.int64)
    return np.where(hi > lo, pick, -1)
