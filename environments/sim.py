"""One simulated home with an infant and a caregiver, stepped frame by frame.

Shared by the dataset writer (`session.py`) and the gymnasium environment: physics, the two
bodies, carried toys, the egocentric render and the per-frame ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from devlearn.environments.caregiver import PRESENT_TILT_RAD, Caregiver
from devlearn.environments.catalog import Exemplar
from devlearn.environments.exposure import AutoExposure
from devlearn.environments.infant import Infant, Target
from devlearn.environments.infant_body import InfantRig
from devlearn.environments.render import FrameRenderer, GroundTruth
from devlearn.environments.world import TIMESTEP, World, build_world

MOVING_SPEED = 0.15  # m/s above which a toy counts as moving for attention


@dataclass
class SimConfig:
    """Rendering and stepping settings of a simulation."""

    fps: float = 5.0
    size: tuple[int, int] = (96, 96)
    fovy: float = 100.0
    segmentation: bool = True  # ground truth needs it; the gym env may switch it off
    # Toys the caregiver sets down in front of the infant when she starts showing one: the
    # other objects in view while she names (cross-situational ambiguity).
    distractors: int = 0
    # Segmentation (ground truth) at 1/scale of the frame size; 1 = the frame's own pixels.
    ground_truth_scale: int = 1
    # The head camera meters each scene and exposes it toward mid-grey (see exposure.py).
    auto_exposure: bool = True

    def __post_init__(self):
        if not self.fps > 0:
            raise ValueError(f"fps must be positive, got {self.fps}")
        if min(self.size) < 8:
            raise ValueError(f"frame size must be at least 8x8, got {self.size}")
        if not 10.0 <= self.fovy <= 170.0:
            raise ValueError(f"fovy must be within 10-170 degrees, got {self.fovy}")


class Simulation:
    """A world plus its dynamic state; `step` advances one frame and renders it."""

    def __init__(
        self,
        seed: int,
        exemplars: list[Exemplar],
        profile,
        config: SimConfig,
        home_seed: int | None = None,
    ):
        import mujoco

        self.config = config
        self.rng = np.random.default_rng([seed, 99])
        self.world: World = build_world(
            seed if home_seed is None else home_seed,
            exemplars,
            config.fovy,
            config.size,
            placement_seed=seed,
        )
        self.model = self.world.model
        self.data = mujoco.MjData(self.model)
        self.nstep = max(1, int(round(1.0 / (config.fps * TIMESTEP))))
        self.dt = self.nstep * TIMESTEP
        self.infant = Infant(profile, self.rng, self.world.half_x, self.world.half_y)
        # each toy's centre in its own frame: where eyes land on it and hands aim
        self._centres = np.array([e.centre for e in exemplars], float).reshape(-1, 3)
        extents = np.array([e.half_extent for e in exemplars], float)
        self.caregiver = Caregiver(
            self.model, self.rng, self.world.half_x, self.world.half_y, extents
        )
        self.infant_rig = InfantRig(self.model)
        self.renderer = FrameRenderer(self.world, config.size, config.ground_truth_scale)
        self.exposure = AutoExposure() if config.auto_exposure else None
        self.time = 0.0
        self.cam = self.infant_rig.camera
        self._qpos_adr = [
            int(self.model.jnt_qposadr[self.model.body_jntadr[b]]) for b in self.world.object_bodies
        ]
        self._qvel_adr = [
            int(self.model.jnt_dofadr[self.model.body_jntadr[b]]) for b in self.world.object_bodies
        ]
        self._xyz_index = np.array([[a, a + 1, a + 2] for a in self._qpos_adr], int).reshape(-1, 3)
        self._vel_index = np.array([[v, v + 1, v + 2] for v in self._qvel_adr], int).reshape(-1, 3)
        self._floating: set[int] | None = None
        self._pose_bodies()
        mujoco.mj_step(self.model, self.data, nstep=50)  # let toys settle where they were put

    # ---- state accessors ----
    def object_positions(self) -> np.ndarray:
        """(n, 3) toy positions (a copy)."""
        return self.data.qpos[self._xyz_index]

    def object_centres(self) -> np.ndarray:
        """(n, 3) world positions of the toys' centres (origins are at their bottoms)."""
        return np.array([self._centre_of(i) for i in range(len(self._qpos_adr))]).reshape(-1, 3)

    def _centre_of(self, i: int) -> np.ndarray:
        a = self._qpos_adr[i]
        return (
            self.data.qpos[a : a + 3]
            + _quat_matrix(self.data.qpos[a + 3 : a + 7]) @ (self._centres[i])
        )

    def object_speeds(self) -> np.ndarray:
        """(n,) toy speeds, m/s."""
        return np.linalg.norm(self.data.qvel[self._vel_index], axis=1)

    def held_by_caregiver(self) -> int | None:
        return self.caregiver.carrying

    def held(self) -> int | None:
        """The toy held by anyone (the infant's own first)."""
        return self.infant.held if self.infant.held is not None else self.caregiver.carrying

    def attended_toy(self) -> int | None:
        """Index of the toy the infant is looking at, or None (a face, a hand, the room)."""
        target = self.infant.target
        if target is None or not target.key.startswith("obj"):
            return None
        return int(target.key[3:])

    def share_attention(self, index: int, seconds: float) -> None:
        """The infant looks at toy ``index`` for ``seconds`` (while the caregiver names it)."""
        kind = "held" if index in (self.infant.held, self.caregiver.carrying) else "scene"
        pos = self.object_centres()[index]
        self.infant.share_attention(Target(f"obj{index}", kind, pos), seconds)

    def attention_targets(self) -> list[Target]:
        """Faces, hands and toys the infant could look at this frame, by kind."""
        head = self.data.mocap_pos[self.caregiver.rig.head].copy()
        targets = [Target("face", "faces", head)]
        for side, pos in self.caregiver.hand_pos.items():
            targets.append(Target(f"hand_{side}", "hands", np.asarray(pos).copy()))
        positions, speeds = self.object_centres(), self.object_speeds()
        held = {self.infant.held, self.caregiver.carrying}
        for i, pos in enumerate(positions):
            kind = "held" if i in held else "moving" if speeds[i] > MOVING_SPEED else "scene"
            targets.append(Target(f"obj{i}", kind, pos.copy()))
        return targets

    def locate(self, key: str) -> np.ndarray | None:
        """Current position of an attention target by key (see `attention_targets`)."""
        if key == "face":
            return self.data.mocap_pos[self.caregiver.rig.head].copy()
        if key.startswith("hand_"):
            return np.asarray(self.caregiver.hand_pos[key[-1]], float).copy()
        if key.startswith("obj"):
            return self._centre_of(int(key[3:]))
        return None

    def project(self, point: np.ndarray) -> tuple[float, float] | None:
        """Pixel (x, y) of a world point in the egocentric frame, None if behind the eye."""
        return self.project_direction(np.asarray(point, float) - self.data.cam_xpos[self.cam])

    def project_direction(self, vec: np.ndarray) -> tuple[float, float] | None:
        rot = self.data.cam_xmat[self.cam].reshape(3, 3)
        c = rot.T @ np.asarray(vec, float)
        if c[2] >= -1e-6:  # the camera looks along its -z axis
            return None
        height, width = self.config.size
        focal = 0.5 * height / np.tan(np.radians(self.config.fovy) / 2)
        return (width / 2 + focal * c[0] / -c[2], height / 2 - focal * c[1] / -c[2])

    def gaze_pixel(self) -> tuple[float, float]:
        """Where the eyes look in the frame, in pixels (NaN when outside it)."""
        xy = self.project_direction(self.infant.gaze_dir)
        height, width = self.config.size
        if xy is None or not (0 <= xy[0] < width and 0 <= xy[1] < height):
            return float("nan"), float("nan")
        return float(xy[0]), float(xy[1])

    # ---- stepping ----
    def step(self, passive: bool = True) -> tuple[np.ndarray, GroundTruth | None]:
        """Advance one frame; returns the egocentric RGB frame and its ground truth."""
        import mujoco

        dt = self.dt
        infant = self.infant
        infant.maybe_change_posture(dt)
        infant.locomote(dt, self.object_positions())
        if passive:
            infant.attend(dt, self.attention_targets, self.locate)
        taken = {infant.held, self.caregiver.carrying}
        free = [i for i in range(len(self._qpos_adr)) if i not in taken]
        was_showing = self.caregiver.activity == "show"
        self.caregiver.step(self.data, dt, infant, self.object_positions(), free)
        if self.caregiver.activity == "show" and not was_showing:
            self._set_down_distractors(free)
        if self.caregiver.given is not None:
            infant.held, infant.hold_left = self.caregiver.given, float(self.rng.uniform(3, 12))
        if infant.held is None and infant.can_hold and self.rng.random() < dt / 4.0:
            self._pick_up_nearby(free)
        if infant.held is not None:
            infant.hold_left -= dt
            if infant.hold_left <= 0 or not infant.can_hold:
                infant.held = None  # drops it; physics takes over
        self._pose_bodies()
        mujoco.mj_step(self.model, self.data, nstep=self.nstep)
        self._pose_carried()
        self._keep_in_room()
        mujoco.mj_kinematics(self.model, self.data)
        mujoco.mj_camlight(self.model, self.data)
        self.time += dt
        rgb, truth = self.renderer.render(self.data, self.config.segmentation)
        if self.exposure is not None:
            rgb = self.exposure(rgb, dt)
        return rgb, truth

    def _pose_bodies(self) -> None:
        infant = self.infant
        self.infant_rig.pose(
            self.data, infant.eye, infant.azimuth, infant.elevation, infant.hands()
        )
        self._pose_carried()

    def _pose_carried(self) -> None:
        """Carried toys follow the hand kinematically and float (gravity compensated)."""
        carried, turned = {}, {}
        if self.caregiver.carrying is not None:
            cg = self.caregiver
            carried[cg.carrying] = cg.hand_pos["r"] + cg.toy_offset
            if cg.toy_turn is not None:  # presented: centred where she aims, turned
                quat = _shown_quat(*cg.toy_turn)
                carried[cg.carrying] = (
                    carried[cg.carrying] - _quat_matrix(quat) @ (self._centres[cg.carrying])
                )
                turned[cg.carrying] = quat
        if self.infant.held is not None:
            carried[self.infant.held] = self.infant.held_object_pos()
        if set(carried) != self._floating:  # gravity compensation only where it changes
            for i, body in enumerate(self.world.object_bodies):
                self.model.body_gravcomp[body] = 1.0 if i in carried else 1e-9
            self._floating = set(carried)
        for i, pos in carried.items():
            a, v = self._qpos_adr[i], self._qvel_adr[i]
            self.data.qpos[a : a + 3] = pos
            if i in turned:
                self.data.qpos[a + 3 : a + 7] = turned[i]
            self.data.qvel[v : v + 6] = 0.0

    def _pick_up_nearby(self, free: list[int]) -> None:
        """A toy within arm's reach of a child who can hold things is picked up now and then."""
        free = [i for i in free if i != self.caregiver.carrying]
        if not free:
            return
        positions = self.object_positions()[free]
        dist = np.linalg.norm(positions[:, :2] - self.infant.pos, axis=1)
        nearest = int(np.argmin(dist))
        if dist[nearest] < 0.35 and positions[nearest, 2] < self.infant.eye_height:
            self.infant.held = free[nearest]
            self.infant.hold_left = float(self.rng.uniform(3, 12))

    def _set_down_distractors(self, free: list[int]) -> None:
        """Put up to `distractors` free toys on the floor ahead of a sitting or standing child."""
        infant = self.infant
        if self.config.distractors <= 0 or infant.posture == "supine":
            return
        free = [i for i in free if i != self.caregiver.carrying]
        picks = self.rng.permutation(free)[: self.config.distractors]
        bound = np.array([self.world.half_x - 0.3, self.world.half_y - 0.3])
        for i in picks:
            ahead = infant.azimuth + self.rng.uniform(-0.5, 0.5)
            dist = self.rng.uniform(0.45, 0.9)
            xy = infant.pos + dist * np.array([np.cos(ahead), np.sin(ahead)])
            a, v = self._qpos_adr[i], self._qvel_adr[i]
            self.data.qpos[a : a + 3] = (*np.clip(xy, -bound, bound), 0.03)
            self.data.qvel[v : v + 6] = 0.0

    def _keep_in_room(self) -> None:
        """Put back a toy that tunnelled out of the room (rare with fast throws)."""
        hx, hy = self.world.half_x - 0.1, self.world.half_y - 0.1
        xyz = self.data.qpos[self._xyz_index]  # (n, 3)
        out = (xyz[:, 2] < -0.2) | (np.abs(xyz[:, 0]) > hx + 0.2) | (np.abs(xyz[:, 1]) > hy + 0.2)
        for i in np.flatnonzero(out):
            a, v = self._qpos_adr[i], self._qvel_adr[i]
            x, y, _ = xyz[i]
            self.data.qpos[a : a + 3] = (np.clip(x, -hx, hx), np.clip(y, -hy, hy), 0.1)
            self.data.qvel[v : v + 6] = 0.0

    def close(self) -> None:
        self.renderer.close()


def _quat_matrix(q: np.ndarray) -> np.ndarray:
    """Rotation matrix of a unit quaternion (w, x, y, z), MuJoCo's order."""
    import mujoco

    out = np.empty(9)
    mujoco.mju_quat2Mat(out, np.asarray(q, dtype=np.float64))
    return out.reshape(3, 3)


def _shown_quat(yaw: float, to_eyes: np.ndarray) -> np.ndarray:
    """Orientation of a shown toy: turned by ``yaw`` about the vertical, then its top tipped
    by PRESENT_TILT_RAD toward the eyes (``to_eyes``: unit vector from the toy to them)."""
    turn = np.array([np.cos(yaw / 2), 0.0, 0.0, np.sin(yaw / 2)])
    axis = np.cross([0.0, 0.0, 1.0], [to_eyes[0], to_eyes[1], 0.0])
    norm = float(np.linalg.norm(axis))
    if norm < 1e-6:  # eyes straight above (a lying infant): no tip
        return turn
    half = PRESENT_TILT_RAD / 2
    tip = np.array([np.cos(half), *(np.sin(half) * axis / norm)])
    return _quat_mul(tip, turn)


def _quat_mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    import mujoco

    out = np.empty(4)
    mujoco.mju_mulQuat(out, np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    return out
