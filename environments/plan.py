"""What a `simulate` run will do: its validated options and the list of sessions.

A session is one (child, age) chunk of at most ``chunk_minutes``; every random choice in it
derives from (seed, child, age, chunk), so sessions can run in any order, in any process, on
any shard of a job array, and come out the same.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np

from devlearn import months_to_days
from devlearn.environments.catalog import CATEGORIES, SPLITS

MAX_AGE_MONTHS = 48.0
IN_VIEW_MIN_FRAC = 0.002  # a toy counts as in view from this fraction of the pixels on


@dataclass
class SimulateOptions:
    """Everything that shapes the generated data (stored in the dataset's provenance)."""

    ages: list[float]
    hours_per_age: float = 1.0
    children: int = 1
    seed: int = 0
    fps: float = 5.0
    size: int = 96
    fovy: float = 100.0
    chunk_minutes: float = 10.0
    categories: list[str] = field(default_factory=lambda: list(CATEGORIES))
    objects_per_session: int = 8
    exemplars_per_category: int = 3
    exemplar_split: str = "train"
    in_view_min_frac: float = IN_VIEW_MIN_FRAC
    ground_truth_scale: int = 2  # segmentation at 1/2 the frame size: ~40% cheaper pass
    naming_rate: float = 0.4
    p_named_in_view: float = 0.8
    p_absent_naming: float = 0.05
    n_distractors: int = 2
    joint_attention: bool = True  # name what the child looks at; the child looks at the named toy
    name_presented: float = 0.8  # share of utterances over a toy held up to the child naming it
    word_distribution: str = "zipf"
    zipf_exponent: float = 1.0
    corpus_path: str | None = None
    words_per_hour: float | None = None
    audio: bool = True
    vision_transform: bool = False
    auto_exposure: bool = True  # the head camera exposes each scene toward mid-grey

    def __post_init__(self):
        for age in self.ages:
            if not 0.0 <= age <= MAX_AGE_MONTHS:
                raise ValueError(f"age {age} months is outside 0-{MAX_AGE_MONTHS:g} months")
        if not self.ages:
            raise ValueError("no ages given")
        if not self.hours_per_age > 0:
            raise ValueError(f"hours per age must be positive, got {self.hours_per_age}")
        if self.children < 1:
            raise ValueError(f"children must be at least 1, got {self.children}")
        if not self.fps > 0 or self.size < 16 or not self.chunk_minutes > 0:
            raise ValueError(
                f"need fps > 0, size >= 16 and chunk_minutes > 0, got "
                f"{self.fps}, {self.size}, {self.chunk_minutes}"
            )
        unknown = [c for c in self.categories if c not in CATEGORIES]
        if unknown:
            raise ValueError(f"unknown categories {unknown}; known: {', '.join(CATEGORIES)}")
        if not self.categories or self.objects_per_session < 1:
            raise ValueError("need at least one category and one object per session")
        if self.ground_truth_scale not in (1, 2, 4):
            raise ValueError(f"ground_truth_scale must be 1, 2 or 4, got {self.ground_truth_scale}")
        if self.exemplar_split not in SPLITS:
            raise ValueError(f"exemplar_split must be one of {SPLITS}, got {self.exemplar_split}")
        for name in ("naming_rate", "p_named_in_view", "p_absent_naming", "name_presented"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within 0-1, got {getattr(self, name)}")

    def to_dict(self) -> dict:
        return asdict(self)

    def language_config(self):
        """The caregiver-language settings of these options (validated by LanguageConfig)."""
        from devlearn.environments.language import LanguageConfig

        return LanguageConfig(
            naming_rate=self.naming_rate, p_named_in_view=self.p_named_in_view,
            p_absent_naming=self.p_absent_naming, n_distractors=self.n_distractors,
            word_distribution=self.word_distribution, zipf_exponent=self.zipf_exponent,
            corpus_path=self.corpus_path, words_per_hour=self.words_per_hour,
            utterance_source="corpus" if self.corpus_path else "templates",
            attended_bias=8.0 if self.joint_attention else 1.0,
            name_presented=self.name_presented,
        )  # fmt: skip


@dataclass(frozen=True)
class SessionSpec:
    """One session to simulate."""

    session_id: str
    child: int
    age_months: float
    chunk: int
    duration_s: float
    seed: int  # derived; drives everything random in the session

    @property
    def age_days(self) -> int:
        return months_to_days(self.age_months)

    @property
    def child_id(self) -> str:
        return f"sim{self.child:03d}"


def parse_ages(text: str | float | list) -> list[float]:
    """'6:24:1' (start:stop:step, stop included), '6,12,18' or a single number, in months."""
    if isinstance(text, (int, float)):
        return [float(text)]
    if isinstance(text, (list, tuple)):
        return [float(a) for a in text]
    text = str(text).strip()
    try:
        if ":" in text:
            parts = [float(p) for p in text.split(":")]
            if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] <= 0):
                raise ValueError
            start, stop = parts[0], parts[1]
            step = parts[2] if len(parts) == 3 else 1.0
            n = int(np.floor((stop - start) / step + 1e-9)) + 1
            return [round(start + i * step, 6) for i in range(max(n, 0))]
        return [float(p) for p in re.split(r"[,\s]+", text) if p]
    except ValueError:
        raise ValueError(
            f"ages {text!r}: expected START:STOP:STEP, a list like 6,12,18 or one age, in months"
        ) from None


def child_seed(seed: int, child: int) -> int:
    return int(np.random.SeedSequence([seed, child, 17]).generate_state(1)[0])


def plan_sessions(opts: SimulateOptions) -> list[SessionSpec]:
    """All sessions of a run, in (child, age, chunk) order."""
    specs = []
    total = opts.hours_per_age * 3600.0
    chunk = opts.chunk_minutes * 60.0
    n_chunks = int(np.ceil(total / chunk - 1e-9))
    for child in range(opts.children):
        for age in opts.ages:
            days = months_to_days(age)
            for k in range(n_chunks):
                duration = min(chunk, total - k * chunk)
                seed = int(np.random.SeedSequence([opts.seed, child, days, k]).generate_state(1)[0])
                specs.append(
                    SessionSpec(
                        f"sim{child:03d}_d{days:04d}_{k:03d}",
                        child,
                        float(age),
                        k,
                        float(duration),
                        seed,
                    )
                )
    return specs


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """'i/N' (i counted from 0) -> (i, N)."""
    if text is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not match or int(match[2]) < 1 or int(match[1]) >= int(match[2]):
        raise ValueError(f"shard {text!r}: expected i/N with 0 <= i < N, e.g. 0/4")
    return int(match[1]), int(match[2])


def shard_sessions(specs: list[SessionSpec], shard: tuple[int, int] | None) -> list[SessionSpec]:
    """The deterministic subset of sessions for shard (i, N): every N-th, starting at i."""
    if shard is None:
        return specs
    i, n = shard
    return specs[i::n]
