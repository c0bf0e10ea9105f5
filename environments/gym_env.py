"""A gymnasium environment over the simulated home, for embodied-agent research.

Observation (Dict): egocentric ``rgb`` (H, W, 3) uint8; ``audio``, the caregiver's voice and
room sound since the last step (float32, 16 kHz, fixed length); ``head_pose`` (x, y, eye
height, azimuth, elevation); ``posture`` (index into POSTURES); ``age_months``.
Action (Box, 3): head azimuth and elevation change (radians per step, scaled from [-1, 1]),
and forward locomotion (used only while crawling or walking). With ``passive=True`` the
built-in attention model moves the head and the action is ignored. ``info["utterance"]`` is
the text of an utterance the caregiver starts at that step, else None: chosen as `simulate`
chooses its scheduled utterances, from what is in the infant's view, what it looks at, what
she holds and what is not in the room, and drawn forward when she holds a toy up before the
infant's face (`utterance_timing`). ``info["named"]`` is the category being named while a naming
utterance lasts, else None.

Reward: ``reward="none"`` (default) gives 0; ``reward="named_in_view"`` gives 1 at each step
while the caregiver names a toy that is in the infant's view (at least 0.2% of the pixels),
else 0: it pays an agent for looking at what is being named, the skill joint attention needs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from devlearn.environments.language import categories_by_place
from devlearn.environments.plan import IN_VIEW_MIN_FRAC
from devlearn.environments.utterance_timing import PAUSE_S, PresentedToy, utterance_due

try:
    import gymnasium as gym
    from gymnasium import spaces
except ImportError:  # pragma: no cover - gymnasium is a dependency
    gym = None

POSTURES = ("supine", "sitting", "crawling", "standing", "walking")
SAMPLE_RATE = 16000
MAX_TURN = 0.35  # rad per step at action 1
ENV_IDS: dict[str, dict[str, Any]] = {
    "devlearn/Infant-v0": {},
    "devlearn/InfantPassive-v0": {"passive": True},
}
REWARDS = ("none", "named_in_view")


class InfantEnv(gym.Env if gym else object):
    """One infant at a fixed age in a seeded home; an episode is ``max_steps`` frames."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 5}

    def __init__(
        self,
        age_months: float = 12.0,
        size: int = 64,
        fps: float = 5.0,
        fovy: float = 100.0,
        passive: bool = False,
        max_steps: int = 300,
        n_objects: int = 6,
        audio: bool = True,
        render_mode: str | None = None,
        reward: str = "none",
    ):
        if not 0.0 <= age_months <= 48.0:
            raise ValueError(f"age_months {age_months} outside 0-48")
        if reward not in REWARDS:
            raise ValueError(f"reward must be one of {REWARDS}, got {reward!r}")
        if reward == "named_in_view" and not audio:
            raise ValueError("reward='named_in_view' needs audio=True: naming is speech")
        self.reward = reward
        self.age_months, self.size, self.fps, self.fovy = float(age_months), size, fps, fovy
        self.passive, self.max_steps, self.n_objects = passive, max_steps, n_objects
        self.audio, self.render_mode = audio, render_mode
        self.samples_per_step = int(round(SAMPLE_RATE / fps))
        self.observation_space = spaces.Dict(
            {
                "rgb": spaces.Box(0, 255, (size, size, 3), np.uint8),
                "audio": spaces.Box(-1.0, 1.0, (self.samples_per_step,), np.float32),
                "head_pose": spaces.Box(-np.inf, np.inf, (5,), np.float32),
                "posture": spaces.Discrete(len(POSTURES)),
                "age_months": spaces.Box(0.0, 48.0, (1,), np.float32),
            }
        )
        self.action_space = spaces.Box(-1.0, 1.0, (3,), np.float32)
        self.sim = None
        self._rgb = None

    # ---- gymnasium API ----
    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        from devlearn.development import Child
        from devlearn.environments.catalog import CATEGORIES, sample_exemplar
        from devlearn.environments.sim import SimConfig, Simulation

        episode_seed = int(self.np_random.integers(2**31 - 1))
        rng = np.random.default_rng(episode_seed)
        cats = rng.choice(len(CATEGORIES), self.n_objects, replace=False)
        exemplars = [sample_exemplar(CATEGORIES[c], int(rng.integers(1000))) for c in cats]
        profile = Child(int(rng.integers(2**31 - 1))).at(self.age_months)
        if self.sim is not None:
            self.sim.close()
        # What the caregiver says depends on what is in view, so with sound the frame's
        # segmentation is rendered too.
        config = SimConfig(
            fps=self.fps, size=(self.size, self.size), fovy=self.fovy, segmentation=self.audio
        )
        self.sim = Simulation(episode_seed, exemplars, profile, config)
        self.steps = 0
        self._voice_setup(episode_seed)
        self._rgb, gt = self.sim.step(passive=True)
        info = {"posture": self.sim.infant.posture, "utterance": self._speak(gt, 0.0)}
        info["named"] = self._named[0] if self._named else None
        return self._observation(), info

    def step(self, action):
        action = np.clip(np.asarray(action, dtype=np.float32).reshape(3), -1.0, 1.0)
        infant = self.sim.infant
        if not self.passive:
            infant.turn(float(action[0]) * MAX_TURN, float(action[1]) * MAX_TURN)
            if infant.posture in ("crawling", "walking") and action[2] > 0:
                _, hi = infant.profile.locomotion_speed_mps
                heading = np.array([np.cos(infant.body_yaw), np.sin(infant.body_yaw)])
                bound = np.array(infant.bounds)
                infant.pos = np.clip(
                    infant.pos + heading * float(action[2]) * hi / self.fps, -bound, bound
                )
        self._rgb, gt = self.sim.step(passive=self.passive)
        self.steps += 1
        truncated = self.steps >= self.max_steps
        t = self.steps / self.fps
        info = {
            "posture": infant.posture,
            "caregiver_activity": self.sim.caregiver.activity,
            "utterance": self._speak(gt, t),
        }
        named = self._named[0] if self._named and t < self._named[1] else None
        info["named"] = named
        reward = 0.0
        if self.reward == "named_in_view" and named is not None:
            reward = float(named in {self._categories[i] for i in gt.visible(IN_VIEW_MIN_FRAC)})
        return self._observation(), reward, False, truncated, info

    def render(self):
        return None if self._rgb is None else self._rgb.copy()

    def close(self):
        if self.sim is not None:
            self.sim.close()
            self.sim = None

    # ---- helpers ----
    def _observation(self) -> dict[str, Any]:
        infant = self.sim.infant
        pose = np.array(
            [*infant.pos, infant.eye_height, infant.azimuth, infant.elevation], dtype=np.float32
        )
        return {
            "rgb": self._rgb,
            "audio": self._audio_chunk(),
            "head_pose": pose,
            "posture": POSTURES.index(infant.posture),
            "age_months": np.array([self.age_months], dtype=np.float32),
        }

    def _voice_setup(self, seed: int) -> None:
        """The episode's caregiver language, voice and audio scene (room tone, noises)."""
        self._scene = None
        self._named: tuple[str, float] | None = None  # category being named, until when
        if not self.audio:
            return
        from devlearn.environments.audio_scene import AudioScene
        from devlearn.environments.catalog import CATEGORIES
        from devlearn.environments.language import CaregiverLanguage, LanguageConfig
        from devlearn.environments.speech import SpeechSynthesizer, household_voices

        profile = self.sim.infant.profile
        self._categories = [e.category for e in self.sim.world.exemplars]
        duration = (self.max_steps + 2) / self.fps
        # every catalog category, as in `simulate`: she also names toys that are not here
        self._lang = CaregiverLanguage(LanguageConfig(), list(CATEGORIES), seed)
        self._due = self._lang.schedule(
            duration, profile.words_per_hour, profile.mean_utterance_length
        )
        self._scene = AudioScene(seed, duration)
        if not hasattr(self, "_synth"):
            self._synth = SpeechSynthesizer()
        self._voice = household_voices(seed, n=1)[0]
        self._busy_until = 0.0
        self._presented = PresentedToy()

    def _speak(self, gt, t: float) -> str | None:
        """Start the next due utterance at time t, told what the infant sees and holds."""
        if self._scene is None:
            return None
        in_view_objects = gt.visible_objects(IN_VIEW_MIN_FRAC)
        visible = {o.index for o in in_view_objects}
        presented = self._presented.newly_presented(self.sim.caregiver, visible)
        onset = self._due[0] if self._due else None
        if not utterance_due(onset, t, presented) or t < self._busy_until:
            return None
        self._due.pop(0)
        self._presented.spoken_over(presented)
        profile = self.sim.infant.profile
        in_view, out_of_view, absent = categories_by_place(  # as `simulate` tells her
            in_view_objects,
            self._categories.__getitem__,
            set(self._categories),
            self._lang.categories,
        )
        held = self.sim.held()
        attended = self.sim.attended_toy()
        utterance = self._lang.next_utterance(
            in_view,
            None if held is None else self._categories[held],
            absent,
            profile.mean_utterance_length,
            out_of_view,
            attended=self._categories[attended] if attended in visible else None,
            presented=None if presented is None else self._categories[presented],
        )
        clip = self._synth.say(
            utterance.text, self._voice, profile.id_pitch_raise_semitones,
            profile.id_pitch_variability, profile.id_rate_factor,
        )  # fmt: skip
        self._scene.place(clip, t)
        end = t + len(clip.samples) / clip.sample_rate
        self._busy_until = end + PAUSE_S
        if utterance.named_category is not None:
            self._named = (utterance.named_category, end)
        return utterance.text

    def _audio_chunk(self) -> np.ndarray:
        """The sound of the last step: from the previous frame's time to this one's."""
        n = self.samples_per_step
        if self._scene is None or self.steps == 0:
            return np.zeros(n, dtype=np.float32)
        end = self.steps / self.fps
        chunk = self._scene.render(end - 1.0 / self.fps, end)
        return np.pad(chunk[:n], (0, max(0, n - len(chunk)))).astype(np.float32)
