"""Contract tests run over every registered devlearn gymnasium environment."""

from __future__ import annotations

from types import SimpleNamespace

import gymnasium
import numpy as np
import pytest

import devlearn.environments  # noqa: F401  (registers the environments)
from devlearn.environments.utterance_timing import PRESENT_DRAW_S, PresentedToy, utterance_due

ENV_IDS = sorted(i for i in gymnasium.registry if i.startswith("devlearn/"))
SMALL = dict(size=32, max_steps=6)


def test_environments_are_registered():
    assert "devlearn/Infant-v0" in ENV_IDS and "devlearn/InfantPassive-v0" in ENV_IDS


def _rollout(env_id: str, seed: int, n: int = 4):
    env = gymnasium.make(env_id, **SMALL)
    try:
        obs, info = env.reset(seed=seed)
        env.action_space.seed(seed)
        observations = [obs]
        for _ in range(n):
            obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
            observations.append(obs)
        return env.observation_space, env.action_space, observations
    finally:
        env.close()


def _assert_obs_equal(a, b):
    for key in a:
        assert np.array_equal(np.asarray(a[key]), np.asarray(b[key])), key


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_spaces_and_finite_observations(env_id):
    obs_space, act_space, observations = _rollout(env_id, 0)
    assert isinstance(obs_space, gymnasium.spaces.Dict)
    assert {"rgb", "audio", "head_pose", "posture", "age_months"} <= set(obs_space.spaces)
    assert isinstance(act_space, gymnasium.spaces.Box)
    for obs in observations:
        assert obs_space.contains(obs)
        for key, value in obs.items():
            assert np.all(np.isfinite(np.asarray(value, dtype=float))), key
    assert np.asarray(observations[-1]["rgb"]).std() > 3  # a picture, not a blank frame


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_seeded_determinism_and_reset_randomisation(env_id):
    _, _, first = _rollout(env_id, 7)
    _, _, again = _rollout(env_id, 7)
    for a, b in zip(first, again, strict=True):
        _assert_obs_equal(a, b)
    _, _, other = _rollout(env_id, 8)
    assert not np.array_equal(first[0]["rgb"], other[0]["rgb"])


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_episode_truncates_at_max_steps(env_id):
    env = gymnasium.make(env_id, **SMALL)
    env.reset(seed=1)
    truncated = False
    for _ in range(SMALL["max_steps"]):
        _, _, terminated, truncated, _ = env.step(env.action_space.sample())
        assert not terminated
    assert truncated
    env.close()


def test_active_head_turns_with_the_action():
    env = gymnasium.make("devlearn/Infant-v0", **SMALL)
    obs, _ = env.reset(seed=2)
    azimuth = float(obs["head_pose"][3])
    obs, *_ = env.step(np.array([1.0, 0.0, 0.0], np.float32))
    turned = (float(obs["head_pose"][3]) - azimuth + np.pi) % (2 * np.pi) - np.pi
    assert turned == pytest.approx(0.35, abs=1e-4)
    env.close()


def test_audio_since_last_step_carries_the_caregiver_voice():
    env = gymnasium.make("devlearn/InfantPassive-v0", size=32, max_steps=100)
    env.reset(seed=3)
    energy = [
        float(np.sqrt(np.mean(env.step(env.action_space.sample())[0]["audio"] ** 2)))
        for _ in range(100)
    ]
    env.close()
    assert max(energy) > 0.01 and len(energy) == 100


def test_naming_reward_pays_for_looking_at_the_named_toy():
    env = gymnasium.make("devlearn/Infant-v0", size=32, max_steps=20, reward="named_in_view")
    try:
        u, truth = _floor_view(env)
        seen = max(truth.objects, key=lambda o: o.pixel_frac)
        assert seen.pixel_frac > 0.002
        u._named = (u._categories[seen.index], float("inf"))  # she is naming that toy
        _, reward, _, _, info = env.step(np.zeros(3, np.float32))
        assert reward == 1.0 and info["named"] == u._categories[seen.index]
        for _ in range(3):  # look up, away from the floor
            _, reward, _, _, _ = env.step(np.array([0.0, 1.0, 0.0], np.float32))
        assert reward == 0.0
        u._named = None  # nothing is being named: nothing to earn
        _, reward, _, _, info = env.step(np.array([0.0, -1.0, 0.0], np.float32))
        assert reward == 0.0 and info["named"] is None
    finally:
        env.close()
    with pytest.raises(ValueError, match="reward"):
        gymnasium.make("devlearn/Infant-v0", reward="curiosity")
    with pytest.raises(ValueError, match="audio"):
        gymnasium.make("devlearn/Infant-v0", reward="named_in_view", audio=False)


def test_presented_toy_draws_one_utterance_forward_per_showing():
    cg = SimpleNamespace(presenting=True, carrying=2)
    shown = PresentedToy()
    assert shown.newly_presented(cg, {2, 5}) == 2
    assert utterance_due(7.0, 1.0, 2) and not utterance_due(7.0, 1.0, None)
    assert not utterance_due(1.0 + PRESENT_DRAW_S + 0.1, 1.0, 2)  # the window is bounded
    assert not utterance_due(None, 1.0, 2)  # nothing left on the schedule
    shown.spoken_over(2)
    assert shown.newly_presented(cg, {2, 5}) is None  # she already spoke while showing it
    assert shown.newly_presented(SimpleNamespace(presenting=True, carrying=5), {2}) is None
    cg.presenting = False  # the showing ends; the next one draws an utterance again
    assert shown.newly_presented(cg, {2}) is None
    cg.presenting = True
    assert shown.newly_presented(cg, {2}) == 2


def _floor_view(env) -> tuple:
    """Reset; the sitting infant looks at toys set down on the floor ahead of it."""
    env.reset(seed=4)
    u = env.unwrapped
    sim, infant = u.sim, u.sim.infant
    infant.posture, infant.azimuth, infant.elevation = "sitting", infant.body_yaw, -0.5
    ahead = np.array([np.cos(infant.body_yaw), np.sin(infant.body_yaw)])
    sim.caregiver.pos = infant.pos - 1.5 * ahead
    sim.caregiver.activity, sim.caregiver.time_left = "attend", 60.0
    sim._set_down_distractors(list(range(u.n_objects)))
    for _ in range(3):  # the toys settle
        env.step(np.zeros(3, np.float32))
    _, truth = sim.renderer.render(sim.data)
    return u, truth


def test_gym_caregiver_names_the_toy_she_holds_up_sooner():
    env = gymnasium.make("devlearn/Infant-v0", size=32, max_steps=20)
    try:
        u, truth = _floor_view(env)
        seen = max(truth.objects, key=lambda o: o.pixel_frac)
        assert seen.pixel_frac > 0.002
        u._lang.config.name_presented = 1.0
        u._due, u._busy_until = [7.0], 0.0
        caregiver = u.sim.caregiver
        caregiver.presenting, caregiver.carrying = False, None
        assert u._speak(truth, 1.0) is None  # nothing shown: 7 s is not yet due
        caregiver.presenting, caregiver.carrying = True, seen.index
        assert u._speak(truth, 1.5) is not None  # drawn forward, and it names the toy
        assert u._named[0] == u._categories[seen.index]
        u._due, u._busy_until = [9.0], 0.0
        assert u._speak(truth, 2.0) is None  # once per showing
    finally:
        env.close()


def test_gym_caregiver_also_names_toys_that_are_not_in_the_room():
    env = gymnasium.make("devlearn/Infant-v0", size=32, max_steps=20)
    try:
        u, truth = _floor_view(env)
        cfg = u._lang.config
        cfg.naming_rate, cfg.p_named_in_view, cfg.p_absent_naming = 1.0, 0.0, 1.0
        named = set()
        for k in range(5):
            u._due, u._busy_until = [0.0], 0.0
            assert u._speak(truth, float(k)) is not None
            named.add(u._named[0])
        assert named and not named & set(u._categories)
    finally:
        env.close()
