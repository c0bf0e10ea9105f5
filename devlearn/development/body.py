"""The child's body: stature, eye height in each posture, and how fast it can move."""

from __future__ import annotations

import numpy as np

from devlearn.development.ages import check_sex

# WHO Child Growth Standards, length/height-for-age medians in cm (A; FACTS.md), 0-36 months.
# The 48-month medians (boys 103.3, girls 102.7) are from the same WHO tables but are not in
# FACTS.md (C): they keep 36-48 months interpolated instead of extrapolated.
WHO_STATURE_MONTHS = (0, 3, 6, 9, 12, 18, 24, 36, 48)
WHO_STATURE_MEDIAN_CM: dict[str, tuple[float, ...]] = {
    "male": (49.9, 61.4, 67.6, 72.0, 75.7, 82.3, 87.8, 96.1, 103.3),
    "female": (49.1, 59.8, 65.8, 70.1, 74.0, 80.7, 86.4, 95.1, 102.7),
}
# Spread of stature around the median: a coefficient of variation of about 3.7% (C; WHO
# length-for-age SDs are 3.5-4% of the median over 0-4 years). A child's growth percentile is
# a z-score on this spread.
STATURE_CV = 0.037


def stature_cm(age_months: float, sex: str = "female", z: float = 0.0) -> float:
    """Length/height in cm at an age (WHO median, linear between table ages) at z-score z."""
    median = float(np.interp(age_months, WHO_STATURE_MONTHS, WHO_STATURE_MEDIAN_CM[check_sex(sex)]))
    return median * (1.0 + STATURE_CV * z)


# Eye height is DERIVED, not sourced: no table of infant eye heights exists in FACTS.md. It
# comes from stature and textbook body proportions (C), which shift as the head's share of the
# body shrinks: head height (vertex to chin) is about 1/4 of length at birth and about 1/5 at
# two years (about 1/8 in adults); sitting height (crown-rump) is about 2/3 of length at birth
# and 0.55 at four years. The eye sits about half-way down the head.
HEAD_FRACTION_POINTS = ((0.0, 0.25), (24.0, 0.20), (48.0, 0.18))
SITTING_FRACTION_POINTS = ((0.0, 0.67), (12.0, 0.60), (24.0, 0.57), (48.0, 0.55))
VERTEX_TO_EYE_OF_HEAD = 0.5
# Lying on the back the eye is about three quarters of a head height above the floor (the
# back of the skull to the eye is most of the head's depth).
SUPINE_EYE_OF_HEAD = 0.75
# On hands and knees the shoulders are about an arm's length (about 0.3 of length) above the
# floor and the raised head puts the eye a little higher: 0.38 of length (C, derived).
CRAWLING_EYE_OF_STATURE = 0.38


def _fraction(points: tuple[tuple[float, float], ...], age_months: float) -> float:
    return float(np.interp(age_months, [p[0] for p in points], [p[1] for p in points]))


def eye_heights_cm(age_months: float, stature: float) -> dict[str, float]:
    """Height of the eyes above the floor in each posture, for a child of this stature."""
    head = _fraction(HEAD_FRACTION_POINTS, age_months) * stature
    sitting_height = _fraction(SITTING_FRACTION_POINTS, age_months) * stature
    standing = stature - VERTEX_TO_EYE_OF_HEAD * head
    return {
        "supine": SUPINE_EYE_OF_HEAD * head,
        "sitting": sitting_height - VERTEX_TO_EYE_OF_HEAD * head,
        "crawling": CRAWLING_EYE_OF_STATURE * stature,
        "standing": standing,
        "walking": standing,
    }


# Locomotion speeds in m/s (C; assumed, not in FACTS.md): crawlers move at about 0.1-0.3 m/s;
# new walkers at 0.2-0.6 m/s, and the top speed grows with walking experience to about
# 1.5 m/s (running) by four years. Supine and sitting children do not travel.
CRAWL_SPEED_MPS = (0.1, 0.3)
STANDING_SPEED_MPS = (0.05, 0.2)  # cruising along furniture
NEW_WALKER_SPEED_MPS = (0.2, 0.6)
WALKER_TOP_SPEED_MPS = 1.5
WALKER_TOP_SPEED_AFTER_MONTHS = 36.0  # months of walking to reach the top speed


def locomotion_speed_mps(posture: str, months_walking: float = 0.0) -> tuple[float, float]:
    """(min, max) travel speed in m/s in a posture; (0, 0) for supine and sitting."""
    if posture == "crawling":
        return CRAWL_SPEED_MPS
    if posture == "standing":
        return STANDING_SPEED_MPS
    if posture == "walking":
        share = min(max(months_walking, 0.0) / WALKER_TOP_SPEED_AFTER_MONTHS, 1.0)
        low, high = NEW_WALKER_SPEED_MPS
        return (low, high + share * (WALKER_TOP_SPEED_MPS - high))
    return (0.0, 0.0)
