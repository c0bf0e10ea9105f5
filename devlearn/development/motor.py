"""Motor milestones and posture stage, from the WHO windows of achievement.

A milestone's onset age is drawn as a normal variable in log months whose 1st and 99th
percentiles are the WHO window: this matches both ends of each window and lands within
0.2 months of the WHO mean (a normal in months cannot, as the windows are right-skewed).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

# WHO Multicentre Growth Reference Study 2006: windows of achievement, 1st-99th percentile in
# months (A), and mean age (B).
WHO_WINDOWS: dict[str, tuple[float, float]] = {
    "sitting": (3.8, 9.2),  # sitting without support
    "standing_assisted": (4.8, 11.4),  # standing with assistance
    "crawling": (5.2, 13.5),  # hands-and-knees crawling
    "walking_assisted": (5.9, 13.7),  # walking with assistance
    "standing": (6.9, 16.9),  # standing alone
    "walking": (8.2, 17.6),  # walking alone
}
WHO_MEANS: dict[str, float] = {
    "sitting": 6.0,
    "standing_assisted": 7.6,
    "crawling": 8.5,
    "walking_assisted": 9.2,
    "standing": 11.0,
    "walking": 12.1,
}
NEVER_CRAWL_FRACTION = 0.043  # WHO MGRS 2006: 4.3% never crawl on hands and knees
Z_99 = 2.3263478740408408  # standard normal 99th percentile

# Posture stages, least to most advanced. A child's posture is the most advanced stage it
# has reached; "standing" and "walking" are standing and walking alone.
POSTURES = ("supine", "sitting", "crawling", "standing", "walking")
POSTURE_MILESTONES = ("sitting", "crawling", "standing", "walking")

# How strongly one child's milestones go together: each onset's z-score shares this fraction
# of its variance with one child-level factor (an assumption, not from FACTS.md; early
# sitters tend to walk early, but not in lockstep).
SHARED_TIMING_VARIANCE = 0.5


def log_onset(milestone: str) -> tuple[float, float]:
    """Mean and sd of the onset's natural-log age in months, from its WHO window."""
    low, high = WHO_WINDOWS[milestone]
    mean = 0.5 * (math.log(low) + math.log(high))
    return mean, (math.log(high) - math.log(low)) / (2.0 * Z_99)


def onset_quantile(milestone: str, q: float) -> float:
    """Age in months by which a fraction q of (crawling: crawling) children reach a milestone."""
    from statistics import NormalDist

    mean, sd = log_onset(milestone)
    return math.exp(mean + sd * NormalDist().inv_cdf(q))


def draw_milestones(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Onset ages (months) of every WHO milestone for n children; nan = never crawls."""
    shared = rng.standard_normal(n)
    own = rng.standard_normal((len(WHO_WINDOWS), n))
    never_crawl = rng.random(n) < NEVER_CRAWL_FRACTION
    weight = math.sqrt(SHARED_TIMING_VARIANCE)
    ages = {}
    for row, milestone in enumerate(WHO_WINDOWS):
        z = weight * shared + math.sqrt(1.0 - weight**2) * own[row]
        mean, sd = log_onset(milestone)
        ages[milestone] = np.exp(mean + sd * z)
    ages["crawling"] = np.where(never_crawl, np.nan, ages["crawling"])
    return ages


def posture_of(milestones: dict[str, float | np.ndarray], age_months: float) -> np.ndarray:
    """Index into POSTURES of the most advanced stage reached by each child at an age."""
    stage = np.zeros(np.shape(milestones["walking"]), dtype=int)
    for index, milestone in enumerate(POSTURE_MILESTONES, start=1):
        reached = np.asarray(milestones[milestone]) <= age_months  # nan (never) is False
        stage = np.where(reached, index, stage)
    return stage


REFERENCE_COHORT_SIZE = 20_000
REFERENCE_COHORT_SEED = 20060401  # fixed: population probabilities are deterministic


@lru_cache(maxsize=1)
def _reference_cohort() -> dict[str, np.ndarray]:
    return draw_milestones(np.random.default_rng(REFERENCE_COHORT_SEED), REFERENCE_COHORT_SIZE)


def posture_probabilities(age_months: float) -> dict[str, float]:
    """Share of children in each posture stage at an age.

    Computed on a fixed reference cohort drawn from the same model as `Child`, so the
    population profile and simulated cohorts agree (sampling error about 0.4 points).
    """
    stages = posture_of(_reference_cohort(), age_months)
    counts = np.bincount(stages, minlength=len(POSTURES)) / REFERENCE_COHORT_SIZE
    return {name: float(share) for name, share in zip(POSTURES, counts, strict=True)}
