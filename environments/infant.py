"""The infant: posture and eye height from the age profile, attention-driven gaze, locomotion.

Gaze follows a simple attention model: at each saccade the next target is drawn with the
profile's gaze weights (faces, hands, moving and held objects) plus a share for the static
scene, and held until the fixation ends (gamma-distributed, longer in younger infants). The
head camera turns toward the target with lag; the eyes land on it at once, so the gaze point
in the image is recorded separately from the head's direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from devlearn.environments.infant_body import direction

# Head elevation limits by posture, radians (supine infants see ceiling and faces above them;
# crawlers mostly see the floor; Kretch et al. 2014).
ELEVATION_LIMITS = {
    "supine": (1.0, 1.5),
    "sitting": (-1.0, 0.7),
    "crawling": (-1.1, 0.25),
    "standing": (-1.0, 0.7),
    "walking": (-1.0, 0.6),
}
RESTING_ELEVATION = {
    "supine": 1.2,
    "sitting": -0.25,
    "crawling": -0.5,
    "standing": -0.2,
    "walking": -0.15,
}
SCENE_WEIGHT = 0.2  # share of fixations on static things (toys lying around, the room)
HEAD_GAIN = 0.6  # fraction of the remaining angle the head turns per frame
HOLD_DISTANCE_M = 0.17  # how far in front of the eyes a held toy is, about a forearm (C)
HAND_BELOW_TOY_M = 0.06  # the holding hand's centre below the toy's (C)
MOBILE = ("crawling", "walking")


@dataclass
class Target:
    """Something the infant can look at."""

    key: str  # e.g. "face", "hand_l", "obj3", "scene"
    kind: str  # faces, hands, moving, held, scene
    pos: np.ndarray


def _wrap(angle: float) -> float:
    return float((angle + np.pi) % (2 * np.pi) - np.pi)


class Infant:
    """State of the infant's body and attention over a session."""

    def __init__(
        self,
        profile,
        rng: np.random.Generator,
        half_x: float,
        half_y: float,
        fixation_mean_s: float | None = None,
    ):
        self.profile, self.rng = profile, rng
        self.bounds = (max(half_x - 1.0, 0.3), max(half_y - 1.0, 0.3))
        self.pos = np.array(
            [rng.uniform(-0.4, 0.4) * self.bounds[0], rng.uniform(-0.4, 0.4) * self.bounds[1]]
        )
        self.body_yaw = float(rng.uniform(-np.pi, np.pi))
        self.posture = profile.sample_posture(rng)
        # Younger infants hold fixations longer ("sticky fixation"); about 1.6 s at 3 months
        # down to 0.8 s at 24 months.
        age = float(profile.age_months)
        self.fixation_mean_s = fixation_mean_s or float(np.interp(age, [3, 24], [1.6, 0.8]))
        self.azimuth, self.elevation = self.body_yaw, RESTING_ELEVATION[self.posture]
        self.target: Target | None = None
        self.fixation_left = 0.0
        self.goal: np.ndarray | None = None
        self.held: int | None = None  # object index in the infant's hand
        self.hold_left = 0.0
        self.gaze_dir = direction(self.azimuth, self.elevation)

    # ---- body ----
    @property
    def eye_height(self) -> float:
        """Eye height above the floor in metres for the current posture (from the profile)."""
        return float(self.profile.eye_height_cm[self.posture]) / 100.0

    @property
    def eye(self) -> np.ndarray:
        return np.array([self.pos[0], self.pos[1], self.eye_height])

    @property
    def can_hold(self) -> bool:
        """Reaching and holding from about 5 months, not while lying or crawling on hands."""
        return self.profile.age_months >= 5.0 and self.posture in ("sitting", "standing", "walking")

    def maybe_change_posture(self, dt: float) -> None:
        """Resample posture about once a minute, from the profile's posture probabilities."""
        if self.rng.random() < dt / 60.0:
            self.posture = self.profile.sample_posture(self.rng)
            lo, hi = ELEVATION_LIMITS[self.posture]
            self.elevation = float(np.clip(RESTING_ELEVATION[self.posture], lo, hi))

    def locomote(self, dt: float, toy_positions: np.ndarray) -> None:
        """Crawl or walk toward a toy or a free spot now and then, at the profile's speed."""
        if self.posture not in MOBILE:
            self.goal = None
            return
        lo, hi = self.profile.locomotion_speed_mps
        if self.goal is None and self.rng.random() < dt / 8.0:
            if len(toy_positions) and self.rng.random() < 0.6:
                self.goal = toy_positions[self.rng.integers(len(toy_positions)), :2].copy()
            else:
                self.goal = self.rng.uniform(-1, 1, 2) * self.bounds
            self.goal = np.clip(self.goal, -np.array(self.bounds), np.array(self.bounds))
        if self.goal is None:
            return
        step = self.goal - self.pos
        dist = float(np.linalg.norm(step))
        if dist < 0.3:
            self.goal = None
            return
        speed = self.rng.uniform(lo, hi) if hi > 0 else 0.0
        self.pos = self.pos + step / dist * min(speed * dt, dist)
        heading = float(np.arctan2(step[1], step[0]))
        self.body_yaw += 0.5 * _wrap(heading - self.body_yaw)

    def hands(self) -> dict[str, np.ndarray]:
        """Where the hands are: resting by posture, or holding a toy up in front of the eyes."""
        fwd = np.array([np.cos(self.body_yaw), np.sin(self.body_yaw), 0.0])
        left = np.array([-fwd[1], fwd[0], 0.0])
        eye = self.eye
        if self.posture == "supine":
            rest = {
                s: eye + 0.12 * fwd + k * 0.1 * left + np.array([0, 0, 0.08])
                for s, k in (("l", 1), ("r", -1))
            }
        elif self.posture == "crawling":
            rest = {
                s: np.array([*(eye[:2] + 0.12 * fwd[:2] + k * 0.09 * left[:2]), 0.03])
                for s, k in (("l", 1), ("r", -1))
            }
        else:
            rest = {
                s: eye + 0.15 * fwd + k * 0.1 * left - np.array([0, 0, 0.28])
                for s, k in (("l", 1), ("r", -1))
            }
        if self.held is not None:
            # Held up close in front of the eyes, where toddlers' own views show held toys
            # large (Bambach et al. 2018; Yu & Smith 2012); the hand is below the line of
            # sight with the toy on top of it, so hand and forearm do not hide the toy.
            view, up = direction(self.azimuth, self.elevation), self._view_up()
            rest["r"] = eye + HOLD_DISTANCE_M * view - HAND_BELOW_TOY_M * up - 0.02 * left
        return rest

    def held_object_pos(self) -> np.ndarray:
        return self.hands()["r"] + (HAND_BELOW_TOY_M - 0.01) * self._view_up()

    def _view_up(self) -> np.ndarray:
        """The camera's up direction (perpendicular to the view, in the vertical plane)."""
        a, e = self.azimuth, self.elevation
        return np.array([-np.sin(e) * np.cos(a), -np.sin(e) * np.sin(a), np.cos(e)])

    # ---- attention ----
    def choose_target(self, targets: list[Target]) -> Target:
        """Draw the next fixation target with the profile's gaze weights."""
        weights = dict(self.profile.gaze_weights)
        weights["scene"] = SCENE_WEIGHT
        by_kind: dict[str, list[Target]] = {}
        for t in targets:
            by_kind.setdefault(t.kind, []).append(t)
        options, probs = [], []
        for kind, group in by_kind.items():
            for t in group:
                options.append(t)
                probs.append(weights.get(kind, 0.0) / len(group))
        probs = np.asarray(probs, dtype=float)
        if probs.sum() <= 0:
            return Target("scene", "scene", self.eye + direction(self.body_yaw, 0.0))
        return options[self.rng.choice(len(options), p=probs / probs.sum())]

    def attend(self, dt: float, targets, locate=None) -> None:
        """Advance fixation timing, pick a new target after a fixation, turn the head.

        ``targets`` is a list of Targets or a function making it (called only when a new
        fixation starts); ``locate(key)`` gives the current target's position in between
        (None: keep the last one)."""
        self.fixation_left -= dt
        if self.target is None or self.fixation_left <= 0:
            self.target = self.choose_target(targets() if callable(targets) else targets)
            self.fixation_left = float(self.rng.gamma(2.0, self.fixation_mean_s / 2.0))
        else:  # follow it as it moves
            if locate is None:
                found = {t.key: t.pos for t in targets}.get(self.target.key)
            else:
                found = locate(self.target.key)
            if found is not None:
                self.target = Target(self.target.key, self.target.kind, found)
        self.look_toward(self.target.pos)

    def share_attention(self, target: Target, seconds: float) -> None:
        """Look at ``target`` for ``seconds``: joint attention while the caregiver names it."""
        self.target = target
        self.fixation_left = max(self.fixation_left, seconds)

    def look_toward(self, point: np.ndarray, gain: float = HEAD_GAIN) -> None:
        vec = np.asarray(point, dtype=float) - self.eye
        az = float(np.arctan2(vec[1], vec[0]))
        el = float(np.arctan2(vec[2], np.hypot(vec[0], vec[1])))
        self.turn(gain * _wrap(az - self.azimuth), gain * (el - self.elevation))
        self.gaze_dir = vec / max(float(np.linalg.norm(vec)), 1e-6)

    def turn(self, d_azimuth: float, d_elevation: float) -> None:
        """Turn the head, within the posture's limits; the body follows beyond 100 degrees."""
        lo, hi = ELEVATION_LIMITS[self.posture]
        self.elevation = float(np.clip(self.elevation + d_elevation, lo, hi))
        self.azimuth = _wrap(self.azimuth + d_azimuth)
        rel = _wrap(self.azimuth - self.body_yaw)
        limit = np.radians(100.0)
        if abs(rel) > limit:
            if self.posture == "supine":  # cannot turn the body while lying: clamp the head
                self.azimuth = _wrap(self.body_yaw + np.sign(rel) * limit)
            else:
                self.body_yaw = _wrap(self.azimuth - np.sign(rel) * limit)
        self.gaze_dir = direction(self.azimuth, self.elevation)
