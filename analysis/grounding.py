"""Word -> image forced choice (the Labeled-S protocol of CVCL, Vong et al. 2024).

Each trial shows a word (written, or spoken) and ``n_way`` frames: one of the word's category
(the target) and foils, each from a different other category. The model picks the frame whose
embedding is most similar to the word's; accuracy is the fraction of trials where that is the
target (chance 1 / n_way). ``n_way=None`` puts one frame of every category in each trial.

The evaluation set is any dataset whose objects table labels frames with categories (e.g.
labelled frames imported with ``devlearn import labeled-frames``, or a simulator's held-out
exemplars): each frame takes the category of its largest labelled object. Spoken words are cut
from a dataset's audio by its word timings, or made by a ``synthesize(word)`` function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass
class GroundingResult:
    trials: pl.DataFrame  # one row per trial: category, word, trial, n_way, correct
    modality: str
    n_way: int | None

    @property
    def accuracy(self) -> float:
        return float(self.trials["correct"].mean())

    @property
    def chance(self) -> float:
        return float((1.0 / self.trials["n_way"]).mean())

    def per_category(self) -> pl.DataFrame:
        return (
            self.trials.group_by("category", "word")
            .agg(pl.col("correct").mean().alias("accuracy"), pl.len().alias("trials"))
            .sort("category")
        )


def labelled_frames(dataset, split: str | Sequence[str] | None = None) -> pl.DataFrame:  # noqa: ANN001
    """(session_id, frame_idx, category, exemplar): each frame's largest labelled object."""
    view = dataset if split is None else dataset.select(split=split)
    objects = view.objects.filter(
        pl.col("frame_idx").is_not_null() & pl.col("category").is_not_null()
    )
    return (
        objects.with_columns(pl.col("pixel_frac").fill_null(0.0))
        .sort("pixel_frac", descending=True)
        .group_by("session_id", "frame_idx", maintain_order=True)
        .first()
        .select("session_id", "frame_idx", "category", "exemplar")
        .sort("session_id", "frame_idx")
        .collect()
    )


def category_words(dataset, categories: Sequence[str]) -> dict[str, str]:  # noqa: ANN001
    """The word for each category: its own name, unless the dataset's lexicon names it only
    with other words (then the first of those)."""
    lexicon = dataset.lexicon.collect()
    words: dict[str, list[str]] = {}
    for word, obj in zip(lexicon["word"].to_list(), lexicon["object"].to_list(), strict=True):
        words.setdefault(obj, []).append(word)
    return {c: c if c in words.get(c, [c]) else words[c][0] for c in categories}


def spoken_words(
    dataset, words: Sequence[str], per_word: int = 20, seed: int = 0
) -> dict[str, list[np.ndarray]]:  # noqa: ANN001, E501
    """Up to ``per_word`` recorded tokens of each word, cut from the audio by word timings."""
    rng = np.random.default_rng(seed)
    table = (
        dataset.words.filter(
            pl.col("word").is_in(list(words))
            & pl.col("t_start").is_not_null()
            & pl.col("t_end").is_not_null()
        )
        .join(
            dataset.sessions.filter(pl.col("has_audio")).select("session_id"),
            on="session_id",
            how="semi",
        )
        .collect()
    )
    cuts: dict[str, list[np.ndarray]] = {}
    for word in words:
        rows = table.filter(pl.col("word") == word)
        if rows.height > per_word:
            rows = rows[np.sort(rng.choice(rows.height, per_word, replace=False)).tolist()]
        cuts[word] = [
            dataset.read_audio(r["session_id"], r["t_start"], r["t_end"])
            for r in rows.iter_rows(named=True)
        ]
    return cuts


def forced_choice(
    model,  # noqa: ANN001 - anything with encode_image / encode_text / encode_speech
    dataset,  # noqa: ANN001 - devlearn.datasets.Dataset with labelled frames
    n_way: int | None = 4,
    modality: str = "text",
    trials_per_category: int = 100,
    seed: int = 0,
    split: str | Sequence[str] | None = None,
    words: dict[str, str] | None = None,
    speech_dataset=None,  # noqa: ANN001 - where spoken words are cut from (default: dataset)
    synthesize: Callable[[str], np.ndarray] | None = None,
    frames_per_category: int = 200,
) -> GroundingResult:
    """Run word -> image forced-choice trials; see the module docstring."""
    if modality not in ("text", "speech"):
        raise ValueError(f"modality must be 'text' or 'speech', got {modality!r}")
    if n_way is not None and n_way < 2:
        raise ValueError(f"n_way must be >= 2 (or None for all categories), got {n_way}")
    rng = np.random.default_rng(seed)
    frames = labelled_frames(dataset, split)
    categories = sorted(frames["category"].unique().to_list())
    if len(categories) < 2:
        raise ValueError(f"forced choice needs frames of >= 2 categories, found {categories}")
    k = len(categories) if n_way is None else n_way
    if k > len(categories):
        raise ValueError(
            f"{k}-way trials need {k} categories; the dataset labels {len(categories)}"
        )
    words = words or category_words(dataset, categories)
    # embed a fixed sample of each category's frames once
    pools, images = {}, []
    start = 0
    for c in categories:
        rows = frames.filter(pl.col("category") == c)
        if rows.height > frames_per_category:
            rows = rows[
                np.sort(rng.choice(rows.height, frames_per_category, replace=False)).tolist()
            ]
        pixels = np.concatenate(
            [
                dataset.read_frames(sid, group["frame_idx"].to_numpy())
                for (sid,), group in rows.group_by("session_id", maintain_order=True)
            ]
        )
        images.append(np.asarray(model.encode_image(pixels)))
        pools[c] = np.arange(start, start + len(pixels))
        start += len(pixels)
    image_emb = np.concatenate(images)
    queries = _queries(
        model, categories, words, modality, speech_dataset or dataset, synthesize, seed
    )
    records = []
    for c in categories:
        if len(queries[c]) == 0:
            continue  # a word never heard: no spoken trial for it
        others = [o for o in categories if o != c]
        for t in range(trials_per_category):
            foils = rng.choice(len(others), k - 1, replace=False)
            candidates = [rng.choice(pools[c])] + [rng.choice(pools[others[f]]) for f in foils]
            query = queries[c][rng.integers(len(queries[c]))]
            scores = image_emb[candidates] @ query
            records.append((c, words[c], t, k, bool(np.argmax(scores) == 0)))
    trials = pl.DataFrame(
        records, schema=["category", "word", "trial", "n_way", "correct"], orient="row"
    )
    return GroundingResult(trials, modality, n_way)


def _queries(
    model, categories, words, modality, speech_source, synthesize, seed
) -> dict[str, np.ndarray]:  # noqa: ANN001, E501
    if modality == "text":
        emb = np.asarray(model.encode_text([[words[c]] for c in categories]))
        return {c: emb[i : i + 1] for i, c in enumerate(categories)}
    if synthesize is not None:
        cuts = {words[c]: [synthesize(words[c])] for c in categories}
    else:
        cuts = spoken_words(speech_source, [words[c] for c in categories], seed=seed)
    out = {}
    for c in categories:
        tokens = cuts.get(words[c], [])
        out[c] = np.asarray(model.encode_speech(tokens)) if tokens else np.zeros((0, 1))
    return out
