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

import os
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
    import torch
    from tqdm import tqdm

    from devlearn.models.speech import HOP, SAMPLE_RATE, LogMel

    order = pl.DataFrame({"utt_id": utt_ids, "u": np.arange(len(utt_ids))})
    words = (
        dataset.words.filter(pl.col("t_start").is_not_null() & pl.col("t_end").is_not_null())
        .select("session_id", "utt_id", "word_idx", "word", "t_start", "t_end")
        .collect()
        .join(order, on="utt_id")
        .sort("u", "word_idx")
    )
    counts = np.bincount(words["u"].to_numpy(), minlength=len(utt_ids))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    max_samples = int(round(MAX_WORD_S * SAMPLE_RATE))
    n_feat = max_samples // HOP + 1
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.partial.npy")
    feats = np.lib.format.open_memmap(
        tmp, mode="w+", dtype=np.float16, shape=(words.height, n_mels, n_feat)
    )
    n_frames = np.zeros(words.height, dtype=np.int32)
    log_mel = LogMel(n_mels)
    sessions = words["session_id"].to_numpy().astype(str)
    t0, t1 = words["t_start"].to_numpy(), words["t_end"].to_numpy()
    for session in tqdm(
        list(dict.fromkeys(sessions.tolist())), desc="word features", unit="session",
        disable=not progress,
    ):  # fmt: skip
        rows = np.flatnonzero(sessions == session)
        audio = dataset.read_audio(session)
        for chunk in np.array_split(rows, max(1, len(rows) // 512)):
            waves = torch.zeros(len(chunk), max_samples)
            lengths = torch.zeros(len(chunk), dtype=torch.long)
            for j, i in enumerate(chunk):
                a = int(round(t0[i] * SAMPLE_RATE))
                b = min(int(round(t1[i] * SAMPLE_RATE)), a + max_samples, len(audio))
                if b > a:
                    waves[j, : b - a] = torch.from_numpy(audio[a:b])
                    lengths[j] = b - a
            with torch.no_grad():
                mel, frames = log_mel(waves, lengths)
            feats[chunk] = mel.numpy().astype(np.float16)
            n_frames[chunk] = torch.where(lengths > 0, frames, torch.zeros_like(frames)).numpy()
    feats.flush()
    del feats
    base = out.with_suffix("")
    np.save(f"{base}.frames.npy", n_frames)
    np.save(f"{base}.offsets.npy", offsets)
    np.save(f"{base}.words.npy", words["word"].to_numpy().astype(str))
    os.replace(tmp, out)  # last: its presence means the cache is whole


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
