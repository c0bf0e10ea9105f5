"""Individual children: one seed draws a child's milestones, growth and language input."""

from __future__ import annotations

import math

import numpy as np

from devlearn.development import body, language, motor
from devlearn.development.ages import SEXES, check_age, check_sex
from devlearn.development.motor import POSTURE_MILESTONES, POSTURES
from devlearn.development.profile import Profile, senses_and_input


class Child:
    """One simulated child, drawn from the population ranges by a seed.

    Attributes: ``sex``; ``milestones`` (onset age in months of each WHO milestone, nan for a
    child who never crawls); ``stature_z`` (growth percentile as a z-score);
    ``family_group`` and ``words_per_hour`` (Hart & Risley group, then a lognormal spread
    around its rate). The same seed always gives the same child.
    """

    def __init__(self, seed: int, sex: str | None = None):
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"seed={seed!r} must be an integer")
        rng = np.random.default_rng(int(seed))
        # Draw every attribute whatever was given, so fixing the sex changes nothing else.
        drawn_sex = SEXES[int(rng.integers(len(SEXES)))]
        self.seed = int(seed)
        self.sex = drawn_sex if sex is None else check_sex(sex)
        self.milestones = {k: float(v[0]) for k, v in motor.draw_milestones(rng, 1).items()}
        self.stature_z = float(rng.standard_normal())
        groups = list(language.FAMILIES_PER_GROUP)
        weights = np.array([language.FAMILIES_PER_GROUP[g] for g in groups], dtype=float)
        self.family_group = groups[int(rng.choice(len(groups), p=weights / weights.sum()))]
        spread = math.exp(language.WITHIN_GROUP_LOG_SD * float(rng.standard_normal()))
        self.words_per_hour = language.WORDS_PER_HOUR_BY_GROUP[self.family_group] * spread

    def __repr__(self) -> str:
        return f"Child(seed={self.seed}, sex={self.sex!r})"

    def posture_at(self, age_months: float) -> str:
        """The most advanced posture stage this child has reached at an age."""
        return POSTURES[int(motor.posture_of(self.milestones, check_age(age_months)))]

    def at(self, age_months: float) -> Profile:
        """This child's profile at an age (0-48 months)."""
        age = check_age(age_months)
        posture = self.posture_at(age)
        stature = body.stature_cm(age, self.sex, self.stature_z)
        return Profile(
            age_months=age,
            sex=self.sex,
            posture_probs={name: float(name == posture) for name in POSTURES},
            stature_cm=stature,
            eye_height_cm=body.eye_heights_cm(age, stature),
            locomotion_speed_mps=body.locomotion_speed_mps(
                posture, age - self.milestones["walking"]
            ),
            words_per_hour=self.words_per_hour,
            **senses_and_input(age),
        )


def cohort_milestones(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Milestone onset ages of the children Child(seed), ..., Child(seed + n - 1)."""
    children = [Child(seed + i) for i in range(n)]
    return {m: np.array([c.milestones[m] for c in children]) for m in motor.WHO_WINDOWS}


__all__ = ["Child", "cohort_milestones", "POSTURE_MILESTONES"]
