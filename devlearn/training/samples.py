"""Training samples from a dataset: each utterance paired with the frames seen while it was said.

Reads the tables once into numpy arrays (frames in session order, so a session's frames are
one contiguous range of global rows) and checks the dataset can feed the chosen objectives,
turning every problem into a `UserError` that says what to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from devlearn.errors import UserError

DEFAULT_UTTERANCE_S = 2.0  # length assumed for utterances whose end time is unknown


@dataclass
class Samples:
    """One row per utterance that has frames; frames indexed by global row."""

    session: np.ndarray  # (n,) str
    split: np.ndarray  # (n,) str
    age_days: np.ndarray  # (n,) int
    t_start: np.ndarray  # (n,) float, s
    t_end: np.ndarray
    words: list[list[str]]
    has_audio: np.ndarray  # (n,) bool
    frame_lo: np.ndarray  # (n,) first global frame row shown during the utterance
    frame_hi: np.ndarray  # (n,) one past the last
    session_lo: np.ndarray  # (n,) the sample's session's global frame range
    session_hi: np.ndarray
    utt_id: list[str]

    def subset(self, keep: np.ndarray) -> Samples:
        idx = np.flatnonzero(keep)
        return Samples(
            *(
                getattr(self, f)[idx]
                if isinstance(getattr(self, f), np.ndarray)
                else [getattr(self, f)[i] for i in idx]
                for f in self.__dataclass_fields__
            )
        )

    def __len__(self) -> int:
        return len(self.session)


@dataclass
class FrameIndex:
    shard: np.ndarray  # (N,) str, shard path of each global frame row
    row: np.ndarray  # (N,) row inside the shard
    t_s: np.ndarray
    gaze: np.ndarray | None = None  # (N, 2) float32 gaze point in pixels (x, y); NaN = unknown


def load_samples(
    path: str | Path,
    age_months: tuple[float, float] | None,
    need_audio: bool,
) -> tuple[object, Samples, FrameIndex]:
    """(dataset view, samples of all splits, frame index) or a UserError naming the problem."""
    from devlearn import days_to_months
    from devlearn.datasets import open_dataset

    full = open_dataset(path)
    view = full if age_months is None else full.select(age_months=tuple(age_months))
    sessions = view.sessions.collect()
    if sessions.height == 0:
        ages = full.sessions.select("age_days").collect()["age_days"]
        have = (
            "the dataset has no sessions"
            if ages.len() == 0
            else f"the dataset covers {days_to_months(ages.min()):.1f}-"
            f"{days_to_months(ages.max()):.1f} months"
        )
        raise UserError(f"no sessions in the age range {age_months} months; {have}", path=path)
    if sessions.filter(pl.col("split") == "train").height == 0:
        raise UserError("the dataset has no sessions in the train split", path=path)
    if need_audio and not sessions.filter(pl.col("split") == "train")["has_audio"].any():
        raise UserError(
            "the dataset has no audio, but the image-speech objective is on; "
            "train without it with --objectives.image_speech 0",
            path=path,
        )
    has_gaze = {"gaze_x", "gaze_y"} <= set(view.frames.collect_schema().names())
    columns = ["session_id", "frame_idx", "t_s", "shard", "row"]
    frames = (
        view.frames.select(*columns, *(["gaze_x", "gaze_y"] if has_gaze else []))
        .sort("session_id", "frame_idx")
        .collect()
    )
    gaze = None
    if has_gaze:
        gaze = frames.select(
            pl.col("gaze_x", "gaze_y").cast(pl.Float32).fill_null(float("nan"))
        ).to_numpy()
    index = FrameIndex(
        frames["shard"].to_numpy().astype(str),
        frames["row"].to_numpy(),
        frames["t_s"].to_numpy(),
        gaze,
    )
    bounds = (
        frames.with_row_index("g")
        .group_by("session_id")
        .agg(pl.col("g").min().alias("lo"), (pl.col("g").max() + 1).alias("hi"))
    )
    utts = (
        view.utterances.filter(pl.col("t_start").is_not_null())
        .join(
            sessions.lazy().select("session_id", "split", "age_days", "has_audio"), on="session_id"
        )
        .join(bounds.lazy(), on="session_id")
        .sort("session_id", "t_start", "utt_id")
        .collect()
    )
    samples = _pair_frames(utts, index)
    if not (samples.split == "train").any():
        raise UserError(
            "no training utterance has a start time and frames seen while it was said; "
            "the learner pairs frames with timed utterances",
            path=path,
        )
    return view, samples, index


def _pair_frames(utts: pl.DataFrame, index: FrameIndex) -> Samples:
    t0 = utts["t_start"].to_numpy()
    t1 = utts["t_end"].fill_null(utts["t_start"] + DEFAULT_UTTERANCE_S).to_numpy()
    s_lo, s_hi = utts["lo"].to_numpy().astype(np.int64), utts["hi"].to_numpy().astype(np.int64)
    lo, hi = np.empty_like(s_lo), np.empty_like(s_lo)
    for i in range(len(t0)):  # per utterance; searchsorted inside one session's times
        t = index.t_s[s_lo[i] : s_hi[i]]
        a, b = np.searchsorted(t, [t0[i], t1[i]], side="left")
        if b <= a:  # shorter than a frame interval: the frame nearest its middle, if inside
            a = int(np.clip(np.searchsorted(t, 0.5 * (t0[i] + t1[i])), 0, len(t) - 1))
            b = a + 1 if t[0] <= t1[i] and t0[i] <= t[-1] + 1.0 else a
        lo[i], hi[i] = s_lo[i] + a, s_lo[i] + b
    keep = hi > lo
    samples = Samples(
        session=utts["session_id"].to_numpy().astype(str),
        split=utts["split"].to_numpy().astype(str),
        age_days=utts["age_days"].to_numpy().astype(np.int64),
        t_start=t0,
        t_end=t1,
        words=[list(w or []) for w in utts["words"].to_list()],
        has_audio=utts["has_audio"].fill_null(False).to_numpy().astype(bool),
        frame_lo=lo,
        frame_hi=hi,
        session_lo=s_lo,
        session_hi=s_hi,
        utt_id=utts["utt_id"].to_list(),
    )
    return samples.subset(keep)
