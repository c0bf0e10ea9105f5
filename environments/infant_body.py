"""The infant's head (carrying the egocentric camera) and hands, as mocap bodies.

The head frame looks along +x with z up; its camera shares that frame, so the head's
orientation is the view. Hands are small spheres that rest below the view and come up into it
when the infant holds an object close to its face, as toddlers do.
"""

from __future__ import annotations

import colorsys

import numpy as np

NO_CONTACT = 'contype="0" conaffinity="0"'


def xml(rng: np.random.Generator, fovy: float) -> str:
    """MJCF bodies: head with the egocentric camera ``eye`` and two hands."""
    skin = colorsys.hsv_to_rgb(
        rng.uniform(0.04, 0.09), rng.uniform(0.2, 0.55), rng.uniform(0.45, 0.97)
    )
    rgba = " ".join(f"{c:.3g}" for c in skin) + " 1"
    hands = "".join(
        f'<body name="infant_hand_{s}" mocap="true" pos="0 0 -5">'
        f'<geom type="sphere" size="0.022" rgba="{rgba}" {NO_CONTACT}/>'
        f'<geom type="capsule" fromto="-0.02 0 -0.004 -0.08 0 -0.02" size="0.016" '
        f'rgba="{rgba}" {NO_CONTACT}/></body>'
        for s in "lr"
    )
    return (
        f'<body name="infant_head" mocap="true" pos="0 0 0.5">'
        f'<camera name="eye" pos="0 0 0" xyaxes="0 -1 0 0 0 1" fovy="{fovy:.4g}"/></body>' + hands
    )


def look_quat(azimuth: float, elevation: float) -> np.ndarray:
    """Quaternion turning +x to the direction (azimuth about z, elevation above horizontal)."""
    cy, sy = np.cos(azimuth / 2), np.sin(azimuth / 2)
    cp, sp = np.cos(-elevation / 2), np.sin(-elevation / 2)  # pitching up is -y rotation
    return np.array([cy * cp, -sy * sp, cy * sp, sy * cp])


def direction(azimuth: float, elevation: float) -> np.ndarray:
    """Unit vector for an azimuth and elevation (radians)."""
    return np.array(
        [
            np.cos(elevation) * np.cos(azimuth),
            np.cos(elevation) * np.sin(azimuth),
            np.sin(elevation),
        ]
    )


class InfantRig:
    """Writes the infant's head and hand poses into a model's mocap arrays."""

    def __init__(self, model):
        import mujoco

        def mocap(name: str) -> int:
            return int(model.body_mocapid[mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_BODY, name)])

        self.head = mocap("infant_head")
        self.hands = {s: mocap(f"infant_hand_{s}") for s in "lr"}
        self.camera = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_CAMERA, "eye")

    def pose(
        self, data, eye: np.ndarray, azimuth: float, elevation: float, hands: dict[str, np.ndarray]
    ) -> None:
        data.mocap_pos[self.head] = eye
        data.mocap_quat[self.head] = look_quat(azimuth, elevation)
        for side, pos in hands.items():
            data.mocap_pos[self.hands[side]] = pos
            data.mocap_quat[self.hands[side]] = look_quat(azimuth, elevation)
