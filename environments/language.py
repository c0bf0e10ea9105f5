"""What the caregiver says and when: the controllable, recorded side of the input.

The simulator says what the child can see; `CaregiverLanguage` decides, for each utterance,
whether to name an object and which one, with the configured probabilities, and keeps a
record of every decision. Four knobs shape word-object co-occurrence:

- ``naming_rate``: the share of utterances that name a catalog object (the rest is chatter);
- ``p_named_in_view``: of naming utterances, the share whose object is in the child's view;
- ``p_absent_naming``: of naming utterances, the share whose object is not in the room.
  The remainder names an object in the room but out of view.
- ``name_presented``: of utterances said as the caregiver holds a toy up before the child's
  face, the share that name that toy ("look, a duck!"). Caregivers name what they show, and
  it is then large in the child's view (Yu & Smith 2012). These count as in-view naming in
  the measured rates, so with it on the measured naming rate is above ``naming_rate``.

When the drawn kind of object is not available (nothing in view, say), the caregiver names
from the next available pool (in view, out of view, absent) and the record says so, so the
measured in-view rate equals ``p_named_in_view`` over utterances where something was in view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from . import templates as T

DISTRIBUTIONS = ("zipf", "uniform", "corpus")
SOURCES = ("templates", "corpus")
STATUSES = ("in_view", "out_of_view", "absent")
# Rough duration of infant-directed speech, to keep utterance onsets from overlapping:
# about 130 words/min when slowed, plus the pause that closes an utterance.
_SECONDS_PER_WORD = 0.45
_CLOSING_PAUSE_S = 0.5


@dataclass
class LanguageConfig:
    """Caregiver language settings; stored with every simulated dataset."""

    naming_rate: float = 0.5
    p_named_in_view: float = 0.8
    p_absent_naming: float = 0.05
    n_distractors: int = 2  # other objects in view; placed by the simulator, recorded here
    word_distribution: str = "zipf"  # over categories: "zipf" | "uniform" | "corpus"
    zipf_exponent: float = 1.0  # rank = position in the category list
    corpus_path: str | None = None  # imported CHAT dataset, for "corpus" distribution/source
    utterance_source: str = "templates"  # "templates" | "corpus"
    words_per_hour: float | None = None  # None: from the developmental profile
    frame_mix: tuple[float, float, float] = (0.5, 0.3, 0.2)  # naming, question, request
    held_bias: float = 10.0  # weight on a held toy among candidates (the child's or hers)
    # Follow-in labelling: caregivers mostly name what the child is already attending to
    # (Tomasello & Farrar 1986; Yu & Smith 2012). Weight on the toy at the child's gaze.
    attended_bias: float = 8.0
    name_presented: float = 0.8

    def __post_init__(self) -> None:
        for name in ("naming_rate", "p_named_in_view", "p_absent_naming", "name_presented"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a probability in [0, 1], got {value}")
        if self.p_named_in_view + self.p_absent_naming > 1.0 + 1e-9:
            raise ValueError(
                f"p_named_in_view + p_absent_naming must be at most 1, got "
                f"{self.p_named_in_view} + {self.p_absent_naming}"
            )
        if self.n_distractors < 0:
            raise ValueError(f"n_distractors must be >= 0, got {self.n_distractors}")
        if self.word_distribution not in DISTRIBUTIONS:
            raise ValueError(
                f"word_distribution must be one of {DISTRIBUTIONS}, got {self.word_distribution!r}"
            )
        if self.utterance_source not in SOURCES:
            raise ValueError(
                f"utterance_source must be one of {SOURCES}, got {self.utterance_source!r}"
            )
        uses_corpus = "corpus" in (self.word_distribution, self.utterance_source)
        if uses_corpus and not self.corpus_path:
            raise ValueError("a corpus word distribution or source needs corpus_path")
        if self.zipf_exponent < 0:
            raise ValueError(f"zipf_exponent must be >= 0, got {self.zipf_exponent}")
        if self.words_per_hour is not None and not self.words_per_hour > 0:
            raise ValueError(f"words_per_hour must be > 0, got {self.words_per_hour}")
        self.frame_mix = tuple(float(x) for x in self.frame_mix)
        if len(self.frame_mix) != 3 or min(self.frame_mix) < 0 or sum(self.frame_mix) <= 0:
            raise ValueError(f"frame_mix needs 3 non-negative weights, got {self.frame_mix}")
        for name in ("held_bias", "attended_bias"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")

    def as_record(self) -> dict:
        return asdict(self)


@dataclass
class PlannedUtterance:
    """One utterance and the decision behind it."""

    text: str
    words: list[str]
    kind: str  # "naming" | "question" | "request" | "chatter"
    named_category: str | None = None
    named_in_view: bool | None = None  # None when nothing is named
    named_status: str | None = None  # "in_view" | "out_of_view" | "absent"
    intended_status: str | None = None  # what was drawn before falling back on availability
    named_word: str | None = None  # the word form spoken for the category
    in_view_possible: bool = False  # something was in view when the decision was made
    source: str = "templates"


@lru_cache(maxsize=4096)
def _length_tilted_weights(lengths: tuple[int, ...], target: float) -> np.ndarray:
    """Weights proportional to exp(lam * length) whose mean length is `target` (clamped to
    the lengths' range): lets a fixed set of templates follow any mean utterance length."""
    ls = np.asarray(lengths, float)
    target = float(np.clip(target, ls.min() + 0.05, ls.max() - 0.05)) if np.ptp(ls) else ls[0]

    def weights(lam: float) -> np.ndarray:
        w = np.exp(lam * (ls - ls.mean()))
        return w / w.sum()

    lo, hi = -20.0, 20.0
    for _ in range(60):  # mean length rises monotonically with lam
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if weights(mid) @ ls < target else (lo, mid)
    return weights((lo + hi) / 2)


def categories_by_place(
    in_view_objects: Iterable[Any],
    category_of: Callable[[int], str],
    in_room: set[str],
    catalog: list[str],
) -> tuple[list[str], list[str], list[str]]:
    """What the caregiver is told before she speaks: the categories of the toys in view
    (``in_view_objects``, with ``index`` and ``pixel_frac``; ``category_of(index)``), largest
    first; those in the room but out of view, sorted; and the catalog's not in the room."""
    in_view: list[str] = []
    for o in sorted(in_view_objects, key=lambda o: -o.pixel_frac):
        if category_of(o.index) not in in_view:
            in_view.append(category_of(o.index))
    out_of_view = sorted(c for c in in_room if c not in in_view)
    absent = [c for c in catalog if c not in in_room]
    return in_view, out_of_view, absent


class CaregiverLanguage:
    """Plans the caregiver's utterances for one household (seeded)."""

    def __init__(self, config: LanguageConfig, categories: list[str], seed: int = 0):
        if not categories or len(set(categories)) != len(categories):
            raise ValueError(f"categories must be a non-empty list without repeats: {categories}")
        self.config = config
        self.categories = list(categories)
        self._known = frozenset(categories)
        self._index = {c: i for i, c in enumerate(self.categories)}
        schedule_seq, utterance_seq = np.random.SeedSequence([seed, 0x1A46]).spawn(2)
        self._schedule_rng = np.random.default_rng(schedule_seq)
        self._rng = np.random.default_rng(utterance_seq)
        self.corpus = None
        if "corpus" in (config.word_distribution, config.utterance_source):
            from .corpus_speech import load_caregiver_corpus

            self.corpus = load_caregiver_corpus(config.corpus_path, self.categories)
        self.weights = self._category_weights()
        chatter_ok = [
            t for t in T.CHATTER if not any(T.category_of(w, self._known) for w in T.words_of(t))
        ]
        self._templates = {**T.TEMPLATES, "chatter": tuple(chatter_ok)}
        self.history: list[PlannedUtterance] = []

    # -- when ---------------------------------------------------------------------------------

    def words_per_hour(self, profile_words_per_hour: float | None) -> float:
        """The rate in force: the config's if set, else the profile's."""
        wph = (
            self.config.words_per_hour
            if self.config.words_per_hour is not None
            else profile_words_per_hour
        )
        if wph is None or not wph > 0:
            raise ValueError(f"words per hour must be > 0 (config or profile), got {wph}")
        return float(wph)

    def schedule(
        self,
        duration_s: float,
        words_per_hour: float | None = None,
        mean_utterance_length: float = 4.0,
    ) -> list[float]:
        """Utterance onsets (s) over `duration_s` so that the expected words per hour, at
        `mean_utterance_length` words each, matches the rate in force. Gaps are a minimum
        (the utterance's rough duration) plus an exponential wait."""
        if duration_s < 0 or mean_utterance_length <= 0:
            raise ValueError(
                f"need duration_s >= 0 and mean_utterance_length > 0, got {duration_s}, "
                f"{mean_utterance_length}"
            )
        per_s = self.words_per_hour(words_per_hour) / mean_utterance_length / 3600.0
        mean_gap = 1.0 / per_s
        min_gap = min(_SECONDS_PER_WORD * mean_utterance_length + _CLOSING_PAUSE_S, 0.8 * mean_gap)
        t = float(self._schedule_rng.uniform(0.0, mean_gap))  # stationary start
        onsets = []
        while t < duration_s:
            onsets.append(t)
            t += min_gap + float(self._schedule_rng.exponential(mean_gap - min_gap))
        return onsets

    # -- what ---------------------------------------------------------------------------------

    def next_utterance(
        self,
        in_view: list[str],
        held: str | None = None,
        absent: list[str] | tuple[str, ...] = (),
        mean_utterance_length: float = 4.0,
        out_of_view: list[str] | tuple[str, ...] = (),
        attended: str | None = None,
        presented: str | None = None,
    ) -> PlannedUtterance:
        """Plan the next utterance given which categories are in the child's view, held by the
        caregiver, in the room but out of view (`out_of_view`), or not in the room (`absent`);
        ``attended`` is the category the child is looking at, if any; ``presented`` the one
        the caregiver is holding up before the child's face as she speaks, if any."""
        named_alone = [c for c in (held, presented) if c]
        for group in (in_view, absent, out_of_view, named_alone):
            unknown = [c for c in group if c not in self._known]
            if unknown:
                raise ValueError(f"unknown categories {unknown}; the catalog has {self.categories}")
        cfg, rng = self.config, self._rng
        utterance = None
        if presented in in_view and rng.random() < cfg.name_presented:
            utterance = self._naming(presented, mean_utterance_length)
            utterance.named_in_view = True
            utterance.named_status = utterance.intended_status = "in_view"
        elif rng.random() < cfg.naming_rate:
            r = rng.random()
            intended = (
                "in_view" if r < cfg.p_named_in_view
                else "absent" if r < cfg.p_named_in_view + cfg.p_absent_naming
                else "out_of_view"
            )  # fmt: skip
            pools = {
                "in_view": list(in_view),
                "out_of_view": list(out_of_view),
                "absent": list(absent),
            }
            for status in [intended] + [s for s in STATUSES if s != intended]:
                if pools[status]:
                    category = self._pick(pools[status], held, attended)
                    utterance = self._naming(category, mean_utterance_length)
                    utterance.named_in_view = status == "in_view"
                    utterance.named_status, utterance.intended_status = status, intended
                    break
        if utterance is None:
            utterance = self._chatter(mean_utterance_length)
        utterance.in_view_possible = bool(in_view)
        self.history.append(utterance)
        return utterance

    def _category_weights(self) -> np.ndarray:
        n = len(self.categories)
        if self.config.word_distribution == "uniform":
            w = np.ones(n)
        elif self.config.word_distribution == "zipf":
            w = 1.0 / np.arange(1, n + 1) ** self.config.zipf_exponent
        else:  # corpus mention counts; half a count for unmentioned categories
            w = np.array([self.corpus.mentions.get(c, 0) + 0.5 for c in self.categories], float)
        return w / w.sum()

    def _pick(self, pool: list[str], held: str | None, attended: str | None = None) -> str:
        idx, cfg = {c: i for i, c in enumerate(self.categories)}, self.config
        w = np.array(
            [
                self.weights[idx[c]]
                * (cfg.held_bias if c == held else 1.0)
                * (cfg.attended_bias if c == attended else 1.0)
                for c in pool
            ]
        )
        w = w / w.sum() if w.sum() > 0 else np.full(len(pool), 1 / len(pool))
        return pool[int(self._rng.choice(len(pool), p=w))]

    def _naming(self, category: str, mlu: float) -> PlannedUtterance:
        if self.config.utterance_source == "corpus" and self.corpus.naming.get(category):
            options = self.corpus.naming[category]
            c = options[self._tilted_choice(tuple(len(o.words) for o in options), mlu)]
            return PlannedUtterance(
                c.text, list(c.words), c.kind, category, named_word=c.named_word, source="corpus"
            )
        kind = ("naming", "question", "request")[
            int(self._rng.choice(3, p=np.array(self.config.frame_mix) / sum(self.config.frame_mix)))
        ]
        options = self._templates[kind]
        lengths = tuple(T.template_length(t, category) for t in options)
        text = T.fill(options[self._tilted_choice(lengths, mlu)], category)
        return PlannedUtterance(
            text, T.words_of(text), kind, category, named_word=T.spoken_name(category)
        )

    def _chatter(self, mlu: float) -> PlannedUtterance:
        if self.config.utterance_source == "corpus" and self.corpus.chatter:
            options = self.corpus.chatter
            c = options[self._tilted_choice(tuple(len(o.words) for o in options), mlu)]
            return PlannedUtterance(c.text, list(c.words), "chatter", source="corpus")
        options = self._templates["chatter"]
        text = options[self._tilted_choice(tuple(T.template_length(t) for t in options), mlu)]
        return PlannedUtterance(text, T.words_of(text), "chatter")

    def _tilted_choice(self, lengths: tuple[int, ...], mlu: float) -> int:
        p = _length_tilted_weights(lengths, round(float(mlu), 2))
        return int(self._rng.choice(len(lengths), p=p))

    # -- record ---------------------------------------------------------------------------------

    def summary(self) -> dict[str, float]:
        """Measured rates over the utterances planned so far, to set beside the config."""
        h = self.history
        named = [u for u in h if u.named_category is not None]
        viewable = [u for u in named if u.in_view_possible]
        return {
            "n_utterances": len(h),
            "naming_rate": len(named) / len(h) if h else float("nan"),
            "p_named_in_view": (
                sum(u.named_in_view for u in viewable) / len(viewable) if viewable else float("nan")
            ),
            "p_absent_naming": (
                sum(u.named_status == "absent" for u in named) / len(named)
                if named
                else float("nan")
            ),
            "mean_utterance_length": float(np.mean([len(u.words) for u in h]))
            if h
            else float("nan"),
        }
