"""What the caregiver's body does: attend to the infant, fetch toys, show them, hand them over.

A small state machine over activities; each frame it returns the body pose (pelvis, facing,
lean, what the head looks at, where the hands go) and which toy, if any, is in a hand. What
she says is decided elsewhere (`language.py`), told what is in the infant's view.
"""

from __future__ import annotations

import numpy as np

from devlearn.environments.caregiver_body import CaregiverRig

STAND, KNEEL = 0.95, 0.5  # pelvis heights, m
WALK_SPEED = 0.8  # m/s
# Toys are shown close to the infant's face, so that they fill much of the view when named
# (Yu & Smith 2012). She holds each at the distance where it spans about 2 x SHOW_HALF_ANGLE
# of the view, a big toy farther away than a small one, within arm's reach and not nearer
# than an infant's eyes converge (C).
SHOW_HALF_ANGLE_DEG = 20.0
SHOW_MIN_M, SHOW_MAX_M = 0.18, 0.45
# While presenting she stays put until the infant has moved this far from where she would
# kneel; re-walking on every small shift kept her standing with the toy at her chest (C).
PRESENT_SLACK_M = 0.3
WALK_GIVE_UP_S = 15.0  # a toy that cannot be brought to the infant in this time is put down
# A carried toy sits on top of the hand. A presented one is held from behind, the hand this
# far beyond the toy's far side, so the toy hides the hand from the infant; she turns it
# slowly and tips its top toward the infant, so each showing gives several views (C).
CARRY_OFFSET = np.array([0.0, 0.0, 0.03])
PRESENT_HAND_BEHIND_M = 0.03
PRESENT_TURN_RAD_S = 0.8
# Kneeling and leaning forward by PRESENT_LEAN, her right hand reaches about this far ahead of
# her pelvis at a sitting infant's eye height (arms of `caregiver_body`).
PRESENT_LEAN, PRESENT_HAND_AHEAD_M = 0.5, 0.4
PRESENT_TILT_RAD = np.radians(25.0)


def show_distance(half_extent: float) -> float:
    """How far from the infant's eyes a toy of this half extent (metres) is held up."""
    d = half_extent / np.tan(np.radians(SHOW_HALF_ANGLE_DEG))
    return float(np.clip(d, SHOW_MIN_M, SHOW_MAX_M))


class Caregiver:
    """The caregiver's activities; `step` advances one frame and poses the rig."""

    def __init__(
        self,
        model,
        rng: np.random.Generator,
        half_x: float,
        half_y: float,
        toy_extents: np.ndarray | None = None,
    ):
        self.rig = CaregiverRig(model)
        # half extent of each toy, metres (sets how far away it is shown); unknown: 0.1 m
        self.toy_extents = toy_extents
        self.rng = rng
        self.bounds = np.array([half_x - 0.4, half_y - 0.4])
        self.pos = rng.uniform(-1, 1, 2) * self.bounds
        self.height, self.yaw, self.lean = STAND, 0.0, 0.0
        self.activity, self.time_left = "attend", 2.0
        self.carrying: int | None = None
        self.target_obj: int | None = None
        self.goal: np.ndarray | None = None
        self.phase = 0.0
        self.phase_arrived = 0.0
        self.walking_to_show = 0.0  # seconds spent bringing a toy over to show it
        self.hand_pos = {"l": np.zeros(3), "r": np.zeros(3)}
        self.released: int | None = None  # object let go of this frame (falls by physics)
        self.given: int | None = None  # object handed to the infant this frame
        self.presenting = False  # holding a toy up before the infant's face
        # where the carried toy is, from the right hand: its origin when carried, its centre
        # when presented (`toy_turn` then gives its orientation)
        self.toy_offset = CARRY_OFFSET
        self.toy_turn: tuple[float, np.ndarray] | None = None  # (yaw, direction to the eyes)
        self.turn_start = 0.0

    # ---- helpers ----
    def _walk_to(self, goal: np.ndarray, dt: float, height: float, slack: float = 0.05) -> bool:
        step = goal - self.pos
        dist = float(np.linalg.norm(step))
        if dist > slack:
            self.pos = self.pos + step / dist * min(WALK_SPEED * dt, dist)
            self.yaw = float(np.arctan2(step[1], step[0]))
            self.height += 0.5 * (STAND - self.height)
            self.lean *= 0.5
            return False
        self.height += 0.6 * (height - self.height)
        return abs(self.height - height) < 0.03

    def _near_spot(self, infant, distance: float = 0.75) -> np.ndarray:
        """Where to be to interact: beside a lying infant, ``distance`` in front of a sitting
        one."""
        if infant.posture == "supine":
            side = infant.body_yaw + np.pi / 2
            return infant.pos + 0.45 * np.array([np.cos(side), np.sin(side)])
        # in front of the body, not the head: the head turns with every glance
        ahead = infant.body_yaw + self.rng.normal(0, 0.05)
        return infant.pos + distance * np.array([np.cos(ahead), np.sin(ahead)])

    def _face_infant(self, infant) -> None:
        vec = infant.pos - self.pos
        if np.linalg.norm(vec) > 1e-3:
            self.yaw = float(np.arctan2(vec[1], vec[0]))
        self.lean = 0.55 if infant.posture == "supine" else 0.2

    def _next_activity(self, infant, free_objects: list[int]) -> None:
        choice = self.rng.random()
        if self.carrying is not None:
            # time_left counts presenting only; the walk there has its own limit
            self.activity, self.time_left = "show", self.rng.uniform(3, 8)
            self.turn_start = float(self.rng.uniform(0, 2 * np.pi))
            self.walking_to_show = 0.0
        elif choice < 0.55 and free_objects:
            self.activity = "fetch"
            self.target_obj = int(self.rng.choice(free_objects))
            self.time_left = 20.0
        elif choice < 0.7:
            self.activity, self.time_left = "wander", self.rng.uniform(4, 12)
            self.goal = self.rng.uniform(-1, 1, 2) * self.bounds
        else:
            self.activity, self.time_left = "attend", self.rng.uniform(3, 8)
        self.goal = self._near_spot(infant) if self.activity in ("attend", "show") else self.goal

    # ---- one frame ----
    def step(self, data, dt: float, infant, object_pos: np.ndarray, free_objects: list[int]):
        """Advance one frame and pose the rig; returns hand positions actually reached."""
        self.released = self.given = None
        self.toy_offset, self.toy_turn = CARRY_OFFSET, None
        if self.goal is None:
            self.goal = self._near_spot(infant)
        self.time_left -= dt
        self.phase += dt
        face = infant.eye
        look_at = face
        rest = self._rest_hands()
        hands = dict(rest)
        if self.activity == "attend":
            if self._walk_to(self.goal, dt, KNEEL):
                self._face_infant(infant)
                if self.rng.random() < 0.3:  # an occasional gesture toward the infant
                    hands["r"] = 0.5 * (rest["r"] + face)
            if self.time_left <= 0:
                self._next_activity(infant, free_objects)
        elif self.activity == "fetch":
            obj = object_pos[self.target_obj]
            look_at = obj
            # squat and lean to reach toys on the floor; stand for toys on furniture
            squat = float(np.clip(0.3 + 0.9 * obj[2], 0.3, STAND))
            if self._walk_to(obj[:2] - 0.5 * self._toward(obj[:2]), dt, squat):
                self.lean = 1.0
                hands["r"] = obj
                self.phase_arrived += dt
                if self.phase_arrived >= 0.6:  # reached for it: it is in the hand
                    self.phase_arrived = 0.0
                    if self.target_obj in free_objects:
                        self.carrying = self.target_obj
                    self._next_activity(infant, free_objects)
            if self.activity == "fetch" and (
                self.time_left < 0 or self.target_obj not in free_objects
            ):
                self._next_activity(infant, free_objects)
        elif self.activity == "show":
            self._show(infant, dt, hands)
            if self.presenting:
                look_at = face if self.rng.random() < 0.6 else hands["r"]
        elif self.activity == "wander":
            look_at = np.array([*self.goal, 0.8])
            if self._walk_to(self.goal, dt, STAND) or self.time_left <= 0:
                self._next_activity(infant, free_objects)
        if self.carrying is not None and not self.presenting:
            hands["r"] = hands["r"] if self.activity == "fetch" else rest["r"] + [0, 0, 0.1]
        self.hand_pos = self.rig.pose(
            data, np.array([*self.pos, self.height]), self.yaw, self.lean, look_at, hands
        )
        return self.hand_pos

    def _show(self, infant, dt: float, hands: dict[str, np.ndarray]) -> None:
        """Bring the carried toy to the infant, then hold it up before the face for a while."""
        # near enough that her hand, behind the toy, reaches where she holds it up
        extent = self._carried_extent()
        reach = show_distance(extent) + extent + PRESENT_HAND_BEHIND_M + PRESENT_HAND_AHEAD_M
        spot = self._near_spot(infant, float(np.clip(reach, 0.5, 0.95)))
        if self.goal is None or np.linalg.norm(spot - self.goal) > PRESENT_SLACK_M:
            self.goal = spot
        if self._walk_to(self.goal, dt, KNEEL, slack=0.1 if self.presenting else 0.05):
            self._face_infant(infant)
            self.lean = PRESENT_LEAN if infant.posture != "supine" else self.lean
            centre = self._show_point(infant)
            to_eyes = infant.eye - centre
            to_eyes /= max(float(np.linalg.norm(to_eyes)), 1e-6)
            hands["r"] = centre - (extent + PRESENT_HAND_BEHIND_M) * to_eyes
            self.toy_offset = centre - hands["r"]
            self.toy_turn = (self.turn_start + PRESENT_TURN_RAD_S * self.phase, to_eyes)
            self.presenting = True
        else:
            self.presenting = False
            self.time_left += dt  # walking there does not use up the showing time
            self.walking_to_show += dt
        if self.time_left <= 0 or self.walking_to_show > WALK_GIVE_UP_S:
            self._finish_showing(infant)

    def _toward(self, xy: np.ndarray) -> np.ndarray:
        vec = xy - self.pos
        return vec / max(float(np.linalg.norm(vec)), 1e-6)

    def _rest_hands(self) -> dict[str, np.ndarray]:
        fwd = np.array([np.cos(self.yaw), np.sin(self.yaw), 0.0])
        left = np.array([-fwd[1], fwd[0], 0.0])
        base = np.array([*self.pos, self.height + 0.15])
        return {"l": base + 0.25 * fwd + 0.15 * left, "r": base + 0.25 * fwd - 0.15 * left}

    def _show_point(self, infant) -> np.ndarray:
        """Hold the toy up between the faces, moving it gently so it catches the eye."""
        wobble = 0.03 * np.array(
            [np.sin(3.0 * self.phase), np.cos(2.3 * self.phase), 0.6 * np.sin(4.1 * self.phase)]
        )
        distance = show_distance(self._carried_extent())
        if infant.posture == "supine":
            return infant.eye + np.array([0, 0, distance]) + wobble
        toward_cg = np.array([*(self.pos - infant.pos), 0.0])
        toward_cg /= max(float(np.linalg.norm(toward_cg)), 1e-6)
        return infant.eye + distance * toward_cg + np.array([0, 0, 0.02]) + wobble

    def _carried_extent(self) -> float:
        if self.toy_extents is None or self.carrying is None:
            return 0.1
        return float(self.toy_extents[self.carrying])

    def _finish_showing(self, infant) -> None:
        if infant.can_hold and infant.held is None and self.rng.random() < 0.5:
            self.given = self.carrying
        else:
            self.released = self.carrying  # put down: let it drop by the infant
        self.carrying, self.presenting = None, False
        self.activity, self.time_left = "attend", self.rng.uniform(2, 6)
