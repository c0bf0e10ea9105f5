"""The public profile API: population profile, individual children, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from devlearn.development import POSTURES, Child, Profile, profile_at


def test_profile_fields_follow_the_contract():
    p = profile_at(12.0)
    assert isinstance(p, Profile)
    assert p.age_months == 12.0 and p.sex == "female"
    assert p.acuity_cpd == pytest.approx(10.23, abs=0.02)
    assert set(p.posture_probs) == set(POSTURES)
    assert sum(p.posture_probs.values()) == pytest.approx(1.0)
    assert p.stature_cm == 74.0
    assert set(p.eye_height_cm) == set(POSTURES)
    assert set(p.gaze_weights) == {"faces", "hands", "moving", "held"}
    assert p.words_per_hour == 1250.0
    assert p.mean_utterance_length == 4.0
    assert 0 < p.chromatic_sensitivity < 1 and 0 < p.visual_field_frac < 1
    assert profile_at(12.0, "male").stature_cm == 75.7


def test_locomotion_follows_the_median_child():
    assert profile_at(3.0).locomotion_speed_mps == (0.0, 0.0)
    assert profile_at(9.5).locomotion_speed_mps == (0.1, 0.3)  # median child crawls
    low, high = profile_at(24.0).locomotion_speed_mps
    assert low == 0.2 and 0.6 < high < 1.5


def test_sample_posture_matches_probabilities():
    p = profile_at(10.0)
    rng = np.random.default_rng(0)
    draws = [p.sample_posture(rng) for _ in range(4000)]
    for name in POSTURES:
        assert draws.count(name) / 4000 == pytest.approx(p.posture_probs[name], abs=0.03)


@pytest.mark.parametrize("age", [-1.0, float("nan"), 48.5, float("inf"), "twelve"])
def test_bad_ages_raise_naming_the_value(age):
    with pytest.raises(ValueError, match="age_months="):
        profile_at(age)
    with pytest.raises(ValueError, match="age_months="):
        Child(0).at(age)
    if not isinstance(age, str) and not math.isnan(age):
        with pytest.raises(ValueError, match=str(age)):
            profile_at(age)


def test_bad_sex_and_seed():
    with pytest.raises(ValueError, match="sex='x'"):
        profile_at(3.0, "x")
    with pytest.raises(ValueError, match="sex='x'"):
        Child(0, "x")
    with pytest.raises(ValueError, match="seed=1.5"):
        Child(1.5)


def test_child_is_its_seed():
    a, b = Child(7), Child(7)
    assert a.milestones == b.milestones and a.words_per_hour == b.words_per_hour
    assert Child(8).milestones != a.milestones
    # Fixing the sex changes nothing else about the child.
    assert Child(7, "male").milestones == a.milestones
    assert Child(7, "male").sex == "male"
    assert set(a.milestones) >= {"sitting", "crawling", "standing", "walking"}


def test_child_profile_uses_its_own_draws():
    child = Child(3)
    walk = child.milestones["walking"]
    before = child.at(max(walk - 0.5, 0.0))
    after = child.at(min(walk + 0.1, 48.0))
    assert before.posture_probs["walking"] == 0.0
    assert after.posture_probs == {name: float(name == "walking") for name in POSTURES}
    assert after.words_per_hour == child.words_per_hour
    expected = profile_at(20.0, child.sex).stature_cm * (1 + 0.037 * child.stature_z)
    assert child.at(20.0).stature_cm == pytest.approx(expected)
    assert child.at(20.0).acuity_cpd == profile_at(20.0).acuity_cpd


def test_cohort_has_late_walkers_and_quiet_households():
    children = [Child(seed) for seed in range(300)]
    walking = np.array([c.milestones["walking"] for c in children])
    words = np.array([c.words_per_hour for c in children])
    assert (walking > 15.0).any() and (walking < 10.0).any()
    assert words.min() < 700 and words.max() > 2000
    groups = [c.family_group for c in children]
    assert groups.count("working") / 300 == pytest.approx(23 / 42, abs=0.08)
    assert {c.sex for c in children} == {"female", "male"}


def test_profile_import_leaves_torch_and_matplotlib_alone():
    import subprocess
    import sys

    code = (
        "import sys, devlearn.development, devlearn.development.commands;"
        "print('torch' in sys.modules, 'matplotlib' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["False", "False"], result.stderr
