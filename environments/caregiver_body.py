"""The caregiver's body: pelvis with legs and torso, a head with a face, two-link arms, hands.

All parts are mocap bodies that do not collide: the caregiver is animated kinematically by
`caregiver.py` (walk, kneel, lean, reach). Arms are solved each frame with two-link inverse
kinematics so the hands stay attached to the shoulders wherever they reach.
"""

from __future__ import annotations

import colorsys

import numpy as np

from devlearn.environments.furniture import DECOR_GROUP

UPPER_ARM, FOREARM = 0.3, 0.28  # m
TORSO = 0.52  # pelvis to shoulders, m
SHOULDER_HALF_WIDTH = 0.19
HEAD_ABOVE_SHOULDERS = 0.2
ARM_PARTS = ("upper_l", "fore_l", "upper_r", "fore_r")
NO_CONTACT = 'contype="0" conaffinity="0"'
# Eyes, mouth and nose sit on the face: drawn in colour, left out of the segmentation pass,
# where the face beneath them counts their pixels.
DETAIL = f'{NO_CONTACT} group="{DECOR_GROUP}"'


CLOTHES_SATURATION = (0.05, 0.35)  # shirt and trousers: muted, so shown toys stand out


def _fmt(values) -> str:
    return " ".join(f"{float(v):.4g}" for v in values)


def xml(
    rng: np.random.Generator, clothes_rng: np.random.Generator | None = None
) -> tuple[str, str]:
    """(assets, bodies) MJCF for a caregiver with seeded skin, hair and clothes (clothes from
    ``clothes_rng`` when given: she wears other clothes on other days)."""
    skin = colorsys.hsv_to_rgb(
        rng.uniform(0.04, 0.09), rng.uniform(0.25, 0.6), rng.uniform(0.35, 0.95)
    )
    hair = colorsys.hsv_to_rgb(
        rng.uniform(0.02, 0.12), rng.uniform(0.2, 0.8), rng.uniform(0.08, 0.7)
    )
    wear = rng if clothes_rng is None else clothes_rng
    # Everyday muted clothes against saturated toys (catalog: saturation 0.5-0.95): a toy she
    # holds up stands out from her shirt behind it. With clothes as saturated as the toys, a
    # classifier told each shown toy's category named held-out renders at 0.74 / 0.45 (4-way /
    # all-way), with these and the fill light (world.py) at 0.83 / 0.55 (same simulated days).
    shirt = colorsys.hsv_to_rgb(
        wear.uniform(0, 1), wear.uniform(*CLOTHES_SATURATION), wear.uniform(0.3, 0.85)
    )
    trousers = colorsys.hsv_to_rgb(
        wear.uniform(0, 1), wear.uniform(*CLOTHES_SATURATION), wear.uniform(0.15, 0.6)
    )
    hair_len = rng.uniform(0.02, 0.12)
    assets = (
        f'<material name="cg_skin" rgba="{_fmt(skin)} 1"/>'
        f'<material name="cg_shirt" rgba="{_fmt(shirt)} 1"/>'
    )
    legs = "".join(
        f'<geom type="capsule" fromto="0 {s * 0.1} 0 0 {s * 0.1} -0.8" size="0.07" '
        f'rgba="{_fmt(trousers)} 1" {NO_CONTACT}/>'
        for s in (-1, 1)
    )
    face = (
        f'<geom name="cg_face" type="ellipsoid" size="0.09 0.08 0.11" material="cg_skin" '
        f"{NO_CONTACT}/>"
        f'<geom type="ellipsoid" size="0.095 0.088 0.08" pos="-0.02 0 0.05" '
        f'rgba="{_fmt(hair)} 1" {NO_CONTACT}/>'
        f'<geom type="box" size="0.03 0.085 {hair_len:.3g}" pos="-0.06 0 {-hair_len + 0.04:.3g}" '
        f'rgba="{_fmt(hair)} 1" {NO_CONTACT}/>'
        + "".join(
            f'<geom type="sphere" size="0.014" pos="0.078 {s * 0.033} 0.02" '
            f'rgba="0.97 0.97 0.97 1" {DETAIL}/>'
            f'<geom type="sphere" size="0.008" pos="0.089 {s * 0.033} 0.02" '
            f'rgba="0.1 0.07 0.05 1" {DETAIL}/>'
            for s in (-1, 1)
        )
        + f'<geom type="ellipsoid" size="0.012 0.025 0.007" pos="0.078 0 -0.05" '
        f'rgba="0.65 0.25 0.25 1" {DETAIL}/>'
        f'<geom type="sphere" size="0.014" pos="0.09 0 -0.01" material="cg_skin" '
        f"{DETAIL}/>"
    )
    arms = "".join(
        f'<body name="cg_{part}" mocap="true"><geom type="capsule" fromto="0 0 0 0 0 '
        f'{UPPER_ARM if part.startswith("upper") else FOREARM}" size="0.04" '
        f'material="cg_{"shirt" if part.startswith("upper") else "skin"}" '
        f"{NO_CONTACT}/></body>"
        for part in ARM_PARTS
    )
    hands = "".join(
        f'<body name="cg_hand_{s}" mocap="true"><geom type="sphere" size="0.045" '
        f'material="cg_skin" {NO_CONTACT}/></body>'
        for s in "lr"
    )
    bodies = (
        f'<body name="cg_pelvis" mocap="true" pos="0 0 -5">{legs}'
        f'<geom type="capsule" fromto="0 0 0 0 0 {TORSO}" size="0.15" material="cg_shirt" '
        f"{NO_CONTACT}/></body>"
        f'<body name="cg_head" mocap="true" pos="0 0 -5">{face}</body>{arms}{hands}'
    )
    return assets, bodies


def geom_kinds(model) -> np.ndarray:
    """Geom id -> 1 for the caregiver's face, 2 for hands, 0 otherwise (index -1: 0)."""
    import mujoco

    kinds = np.zeros(model.ngeom + 1, dtype=np.int8)
    head = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_BODY, "cg_head")
    hands = {mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_BODY, f"cg_hand_{s}") for s in "lr"}
    for g in range(model.ngeom):
        body = int(model.geom_bodyid[g])
        kinds[g] = 1 if body == head else 2 if body in hands else 0
    return kinds


def _yaw_quat(yaw: float) -> np.ndarray:
    return np.array([np.cos(yaw / 2), 0.0, 0.0, np.sin(yaw / 2)])


def _z_to(vec: np.ndarray) -> np.ndarray:
    import mujoco

    quat = np.zeros(4)
    mujoco.mju_quatZ2Vec(quat, np.asarray(vec, dtype=np.float64))
    return quat


class CaregiverRig:
    """Writes a caregiver pose into the mocap arrays of a model's data."""

    def __init__(self, model):
        import mujoco

        def mocap(name: str) -> int:
            body = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_BODY, name)
            return int(model.body_mocapid[body])

        self.pelvis, self.head = mocap("cg_pelvis"), mocap("cg_head")
        self.parts = {p: mocap(f"cg_{p}") for p in ARM_PARTS}
        self.hands = {s: mocap(f"cg_hand_{s}") for s in "lr"}

    def shoulders(self, pelvis: np.ndarray, yaw: float, lean: float) -> dict[str, np.ndarray]:
        """Shoulder positions for a pelvis position, facing yaw and forward lean (rad)."""
        fwd = np.array([np.cos(yaw), np.sin(yaw), 0.0])
        left = np.array([-np.sin(yaw), np.cos(yaw), 0.0])
        top = pelvis + TORSO * (np.cos(lean) * np.array([0, 0, 1.0]) + np.sin(lean) * fwd)
        return {
            "l": top + SHOULDER_HALF_WIDTH * left,
            "r": top - SHOULDER_HALF_WIDTH * left,
            "top": top,
            "fwd": fwd,
        }

    def pose(self, data, pelvis, yaw: float, lean: float, look_at, hands: dict) -> dict:
        """Place the body; returns where the hands really are (reach is limited by the arms)."""
        pelvis = np.asarray(pelvis, dtype=np.float64)
        sh = self.shoulders(pelvis, yaw, lean)
        data.mocap_pos[self.pelvis] = pelvis
        up = sh["top"] - pelvis
        data.mocap_quat[self.pelvis] = _quat_yaw_pitch(yaw, lean)
        head = sh["top"] + HEAD_ABOVE_SHOULDERS * up / np.linalg.norm(up)
        data.mocap_pos[self.head] = head
        gaze = np.asarray(look_at, dtype=np.float64) - head
        head_yaw = np.arctan2(gaze[1], gaze[0])
        pitch = -np.arctan2(gaze[2], np.hypot(gaze[0], gaze[1]))
        pitch = float(np.clip(pitch, -0.5, 1.0))
        data.mocap_quat[self.head] = _quat_yaw_pitch(head_yaw, pitch)
        reached = {}
        for side in "lr":
            shoulder, target = sh[side], np.asarray(hands[side], dtype=np.float64)
            elbow, hand = _two_link(shoulder, target, sh["fwd"])
            for part, start, end in (
                (f"upper_{side}", shoulder, elbow),
                (f"fore_{side}", elbow, hand),
            ):
                data.mocap_pos[self.parts[part]] = start
                data.mocap_quat[self.parts[part]] = _z_to(end - start)
            data.mocap_pos[self.hands[side]] = hand
            reached[side] = hand
        return reached


def _quat_yaw_pitch(yaw: float, pitch: float) -> np.ndarray:
    import mujoco

    qp = np.array([np.cos(pitch / 2), 0.0, np.sin(pitch / 2), 0.0])
    out = np.empty(4)
    mujoco.mju_mulQuat(out, _yaw_quat(yaw), qp)
    return out


def _two_link(shoulder: np.ndarray, target: np.ndarray, fwd: np.ndarray):
    """Elbow and hand for a target; the hand stops at full reach. Elbows bend down and out."""
    vec = target - shoulder
    dist = float(np.linalg.norm(vec))
    reach = UPPER_ARM + FOREARM - 1e-3
    if dist < 0.08:
        vec, dist = fwd * 0.08, 0.08
    u = vec / dist
    dist = min(dist, reach)
    hand = shoulder + u * dist
    a = (UPPER_ARM**2 - FOREARM**2 + dist**2) / (2 * dist)
    h = np.sqrt(max(UPPER_ARM**2 - a**2, 0.0))
    down = np.array([0.0, 0.0, -1.0]) - u * u[2]
    norm = np.linalg.norm(down)
    bend = (
        down / norm
        if norm > 1e-6
        else np.cross(u, fwd) / max(np.linalg.norm(np.cross(u, fwd)), 1e-6)
    )
    return shoulder + a * u + h * bend, hand
