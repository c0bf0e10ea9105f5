"""Motor milestones, posture and body: WHO tables pinned, derived values checked."""

from __future__ import annotations

import math

import numpy as np
import pytest

from devlearn.development import POSTURES, body, motor
from devlearn.development.child import cohort_milestones


def test_who_tables_match_facts():
    assert motor.WHO_WINDOWS == {
        "sitting": (3.8, 9.2),
        "standing_assisted": (4.8, 11.4),
        "crawling": (5.2, 13.5),
        "walking_assisted": (5.9, 13.7),
        "standing": (6.9, 16.9),
        "walking": (8.2, 17.6),
    }
    assert motor.WHO_MEANS == {
        "sitting": 6.0,
        "standing_assisted": 7.6,
        "crawling": 8.5,
        "walking_assisted": 9.2,
        "standing": 11.0,
        "walking": 12.1,
    }
    assert motor.NEVER_CRAWL_FRACTION == 0.043
    assert POSTURES == ("supine", "sitting", "crawling", "standing", "walking")


@pytest.mark.parametrize("milestone", list(motor.WHO_WINDOWS))
def test_onset_model_reproduces_window_and_mean(milestone):
    low, high = motor.WHO_WINDOWS[milestone]
    assert motor.onset_quantile(milestone, 0.01) == pytest.approx(low)
    assert motor.onset_quantile(milestone, 0.99) == pytest.approx(high)
    mean, sd = motor.log_onset(milestone)
    population_mean = math.exp(mean + sd**2 / 2)  # lognormal mean
    assert population_mean == pytest.approx(motor.WHO_MEANS[milestone], abs=0.2)


def test_posture_probabilities():
    assert motor.posture_probabilities(0.0)["supine"] == 1.0
    assert motor.posture_probabilities(30.0)["walking"] == 1.0
    at_12 = motor.posture_probabilities(12.0)
    assert sum(at_12.values()) == pytest.approx(1.0)
    assert at_12["walking"] == pytest.approx(0.5, abs=0.03)  # median walking onset ~12 months
    ages = np.linspace(0, 48, 97)
    walking = [motor.posture_probabilities(a)["walking"] for a in ages]
    supine = [motor.posture_probabilities(a)["supine"] for a in ages]
    assert np.all(np.diff(walking) >= 0) and np.all(np.diff(supine) <= 0)


def test_cohort_of_1000_walks_like_the_who_window():
    walking = cohort_milestones(1000, seed=0)["walking"]
    low, high = motor.WHO_WINDOWS["walking"]
    assert np.median(walking) == pytest.approx(math.sqrt(low * high), abs=0.3)  # 12.0
    assert np.median(walking) == pytest.approx(motor.WHO_MEANS["walking"], abs=0.5)
    assert np.percentile(walking, 1) == pytest.approx(low, abs=0.6)
    assert np.percentile(walking, 99) == pytest.approx(high, abs=1.0)
    # Spread: the middle half spans about 10.7-13.5 months under this model.
    q25, q75 = np.percentile(walking, [25, 75])
    assert q75 - q25 == pytest.approx(2.7, abs=0.4)


def test_cohort_never_crawl_share():
    crawling = cohort_milestones(1000, seed=1)["crawling"]
    assert np.isnan(crawling).mean() == pytest.approx(0.043, abs=0.02)


def test_who_stature_medians_match_facts():
    assert body.WHO_STATURE_MONTHS[:8] == (0, 3, 6, 9, 12, 18, 24, 36)
    assert body.WHO_STATURE_MEDIAN_CM["male"][:8] == (
        49.9, 61.4, 67.6, 72.0, 75.7, 82.3, 87.8, 96.1,
    )  # fmt: skip
    assert body.WHO_STATURE_MEDIAN_CM["female"][:8] == (
        49.1, 59.8, 65.8, 70.1, 74.0, 80.7, 86.4, 95.1,
    )  # fmt: skip
    assert body.stature_cm(12.0, "male") == 75.7
    assert body.stature_cm(15.0, "female") == pytest.approx((74.0 + 80.7) / 2)
    assert body.stature_cm(12.0, "female", z=2.0) == pytest.approx(74.0 * (1 + 2 * 0.037))
    with pytest.raises(ValueError, match="'other'"):
        body.stature_cm(12.0, "other")


def test_eye_heights_are_ordered_and_grow():
    for age in (0.0, 6.0, 12.0, 24.0, 48.0):
        eyes = body.eye_heights_cm(age, body.stature_cm(age))
        assert eyes["supine"] < eyes["crawling"] < eyes["sitting"] < eyes["standing"]
        assert eyes["standing"] == eyes["walking"]
        assert eyes["standing"] < body.stature_cm(age)
    at_12 = body.eye_heights_cm(12.0, 74.0)
    assert at_12["standing"] == pytest.approx(74.0 - 0.5 * 74.0 * (0.25 - 0.05 * 12 / 24))
    assert 20.0 < at_12["crawling"] < 35.0  # crawlers see mostly floor
    heights = [body.eye_heights_cm(a, body.stature_cm(a))["standing"] for a in range(49)]
    assert np.all(np.diff(heights) > 0)


def test_locomotion_speeds():
    assert body.locomotion_speed_mps("supine") == (0.0, 0.0)
    assert body.locomotion_speed_mps("sitting") == (0.0, 0.0)
    assert body.locomotion_speed_mps("crawling") == (0.1, 0.3)
    assert body.locomotion_speed_mps("walking", 0.0) == (0.2, 0.6)
    assert body.locomotion_speed_mps("walking", 36.0) == (0.2, 1.5)
    assert (
        body.locomotion_speed_mps("walking", 12.0)[1]
        < body.locomotion_speed_mps("walking", 24.0)[1]
    )
