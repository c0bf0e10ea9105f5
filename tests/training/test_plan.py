from __future__ import annotations

import numpy as np
import pytest

from devlearn.training.plan import make_plan, temporal_partners

AGES = np.array([200, 100, 300, 100, 200, 300, 150, 250])
LO = np.arange(8) * 10
HI = LO + np.array([1, 2, 3, 4, 5, 6, 7, 8])


def plan(curriculum: str, seed: int = 0, passes: int = 3):
    return make_plan(AGES, LO, HI, curriculum, passes, seed, bucket_days=50)


def test_age_curriculum_goes_up_in_age_and_repeats_each_sample():
    p = plan("age")
    assert np.all(np.diff(p.age_days // 50) >= 0)
    assert np.bincount(p.sample, minlength=8).tolist() == [3] * 8
    assert np.array_equal(p.utterance, p.sample)
    assert np.all((p.frame >= LO[p.sample]) & (p.frame < HI[p.sample]))


def test_reverse_goes_down_in_age():
    p = plan("reverse")
    assert np.all(np.diff(p.age_days // 50) <= 0)
    assert p.age_days[0] == 300 and p.age_days[-1] == 100


def test_shuffled_is_not_in_age_order_but_covers_everything():
    p = plan("shuffled")
    assert np.bincount(p.sample, minlength=8).tolist() == [3] * 8
    assert np.any(np.diff(p.age_days) < 0)


def test_shuffled_utterances_keeps_frames_in_age_order_and_pairs_other_utterances():
    p = plan("shuffled-utterances")
    assert np.all(np.diff(p.age_days // 50) >= 0)
    assert np.mean(p.utterance != p.sample) > 0.6
    # a fixed permutation: each sample is always heard with the same other utterance
    pairs = {(s, u) for s, u in zip(p.sample.tolist(), p.utterance.tolist(), strict=True)}
    assert len(pairs) == 8


def test_plans_depend_only_on_the_seed():
    a, b, c = plan("shuffled", 1), plan("shuffled", 1), plan("shuffled", 2)
    assert np.array_equal(a.sample, b.sample) and np.array_equal(a.frame, b.frame)
    assert not np.array_equal(a.sample, c.sample)


def test_learner_age_follows_the_data_consumed():
    p = plan("age", passes=1)
    ages = [p.learner_age_days(n) for n in range(len(p) + 1)]
    assert ages[0] == 100 and ages[-1] == 300
    assert np.all(np.diff(ages) >= 0)
    assert p.learner_age_days(4) == 200  # sorted ages: 100 100 150 200 | 200 250 300 300


def test_unknown_curriculum_is_refused():
    with pytest.raises(ValueError, match="unknown curriculum"):
        plan("sideways")


def test_temporal_partners_stay_in_session_and_nearby():
    frame = np.array([0, 5, 9, 10, 19])
    lo, hi = np.array([0, 0, 0, 10, 10]), np.array([10, 10, 10, 20, 20])
    partner = temporal_partners(frame, lo, hi, max_offset=3, seed=0)
    assert np.all(partner != frame)
    assert np.all((partner >= lo) & (partner < hi))
    assert np.all(np.abs(partner - frame) <= 3)


def test_replay_revisits_only_what_was_met_before():
    ages = np.repeat(np.arange(10) * 30 + 100, 20)  # ten buckets of 20 samples
    lo = np.arange(200) * 4
    plain = make_plan(ages, lo, lo + 3, "age", 2, 0, bucket_days=30)
    p = make_plan(ages, lo, lo + 3, "age", 2, 0, bucket_days=30, replay=0.4)
    assert len(p) == len(plain)
    # the newest experience still goes up in age; what is shown sometimes goes back
    assert np.all(np.diff(p.newest_age_days) >= 0)
    back = p.age_days < p.newest_age_days
    assert 0.25 < back.mean() < 0.45
    first_seen = {}
    for i, s in enumerate(plain.sample):
        first_seen.setdefault(int(s), i)
    assert all(first_seen[int(s)] <= i for i, s in enumerate(p.sample))
    # the learner's age follows the newest experience, not the replayed memories
    assert p.learner_age_days(len(p)) == plain.learner_age_days(len(plain)) == 370
    assert p.learner_age_days(len(p) // 2) == plain.learner_age_days(len(plain) // 2)
