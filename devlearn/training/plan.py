"""The order in which the learner meets its data (curricula), fixed in advance from the seed.

A *sample* is an utterance together with the frames seen while it was said. The plan lists, for
every training position, which sample's frame is shown, which of its frames, and which
utterance is heard with it. Because the whole plan is a pure function of (samples, curriculum,
passes, seed), batch k is the same in every run and a resumed run picks up exactly where the
interrupted one stopped.

Curricula:
  age                  age buckets (``bucket_days`` of the child's life) in increasing age;
                       each bucket's samples ``passes`` times, each pass in a new random order
  reverse              the same buckets in decreasing age
  shuffled             all samples, ``passes`` times, in one random order (i.i.d.)
  shuffled-utterances  age order, but every frame is heard with the utterance of another,
                       random moment (a fixed permutation): the CVCL control

Replay (``replay`` > 0, for the ordered curricula): that share of positions instead revisits a
sample met earlier in the plan, drawn uniformly from everything met so far. A learner that only
ever sees the present forgets the toys of earlier months; replay of past experience is the
usual remedy in continual learning and a rough stand-in for memory consolidation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Plan:
    sample: np.ndarray  # (P,) sample whose frames are shown at each position
    frame: np.ndarray  # (P,) global frame row shown
    utterance: np.ndarray  # (P,) sample whose utterance (text, speech) is heard
    age_days: np.ndarray  # (P,) age of the shown frame's session
    # (P,) age of the newest experience at each position (differs from age_days on replays)
    newest_age_days: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.sample)

    def learner_age_days(self, samples_seen: int) -> float:
        """Simulated age of a learner that has consumed ``samples_seen`` positions.

        It is the age the child had reached when it had lived through the same fraction of
        the data in age order, so every curriculum gets an age on the same scale (for the
        age curriculum it is, up to bucket shuffling, the age of the data just seen)."""
        if samples_seen <= 0:
            return float(self._sorted_ages[0])
        n = min(samples_seen, len(self)) - 1
        return float(self._sorted_ages[n])

    def __post_init__(self) -> None:
        ages = self.age_days if self.newest_age_days is None else self.newest_age_days
        self._sorted_ages = np.sort(ages)


def make_plan(
    sample_age_days: np.ndarray,
    frame_lo: np.ndarray,
    frame_hi: np.ndarray,
    curriculum: str,
    passes: int,
    seed: int,
    bucket_days: int = 7,
    replay: float = 0.0,
) -> Plan:
    """Plan over samples given their ages and frame ranges [lo, hi) (hi > lo)."""
    n = len(sample_age_days)
    if n == 0:
        raise ValueError("no samples to plan over")
    if np.any(frame_hi <= frame_lo):
        raise ValueError("every sample needs at least one frame")
    rng = np.random.default_rng([seed, 0x5EED])
    ages = np.asarray(sample_age_days, dtype=np.int64)
    repeated = np.tile(np.arange(n), passes)
    pass_of = np.repeat(np.arange(passes), n)
    if curriculum == "shuffled":
        order = rng.permutation(repeated)
    elif curriculum in ("age", "reverse", "shuffled-utterances"):
        bucket = ages[repeated] // bucket_days
        if curriculum == "reverse":
            bucket = -bucket
        # lexsort: last key is primary. Within a bucket, one pass after another, each in random
        # order, so a batch rarely holds the same utterance twice.
        order = repeated[np.lexsort((rng.random(len(repeated)), pass_of, bucket))]
    else:
        raise ValueError(f"unknown curriculum {curriculum!r}")
    newest = ages[order].astype(np.float64)
    if replay > 0 and curriculum != "shuffled":
        first_time = order.copy()
        revisit = rng.random(len(order)) < replay
        earlier = np.floor(rng.random(len(order)) * np.arange(len(order))).astype(np.int64)
        order = np.where(revisit, first_time[earlier], first_time)
    span = frame_hi[order] - frame_lo[order]
    frame = frame_lo[order] + np.minimum((rng.random(len(order)) * span).astype(np.int64), span - 1)
    utterance = order
    if curriculum == "shuffled-utterances":
        utterance = rng.permutation(n)[order]
    return Plan(order, frame, utterance, ages[order].astype(np.float64), newest)


def temporal_partners(
    frame: np.ndarray,
    session_lo: np.ndarray,
    session_hi: np.ndarray,
    max_offset: int,
    seed: int,
) -> np.ndarray:
    """For each frame row, another row of the same session at most ``max_offset`` frames away."""
    rng = np.random.default_rng([seed, 0x7E3])
    offset = rng.integers(1, max(1, max_offset) + 1, size=len(frame))
    offset = np.where(rng.random(len(frame)) < 0.5, -offset, offset)
    partner = np.clip(frame + offset, session_lo, session_hi - 1)
    # At a session's edge the clipped partner may be the frame itself: step the other way.
    stuck = partner == frame
    partner[stuck] = np.clip(frame[stuck] - offset[stuck], session_lo[stuck], session_hi[stuck] - 1)
    return partner
