"""Pictures of single catalog exemplars on a neutral background, for evaluation images.

`render_exemplar("duck", 7, split="test")` shows held-out duck number 7, whose colours and
texture come from ranges training exemplars never use. The object is centred and framed by
its size; ``view_seed`` turns it to another viewpoint.
"""

from __future__ import annotations

import numpy as np

from devlearn.environments.catalog import (
    exemplar_assets_xml,
    exemplar_geoms_xml,
    sample_exemplar,
)

BACKGROUND = (0.55, 0.55, 0.55)


def exemplar_xml(exemplar, size: int, azimuth_deg: float, elevation_deg: float) -> str:
    """MJCF of one exemplar on a grey floor, with a camera framing it."""
    radius = max(exemplar.radius, 0.02)
    centre = np.array([0.0, 0.0, max(p.pos[2] + 0.5 * max(p.size) for p in exemplar.parts) * 0.5])
    dist = radius / np.tan(np.radians(20.0)) * 1.15
    az, el = np.radians(azimuth_deg), np.radians(elevation_deg)
    eye = centre + dist * np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)])
    fwd = (centre - eye) / np.linalg.norm(centre - eye)
    right = np.cross(fwd, [0, 0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, fwd)
    grey = " ".join(f"{c:.3g}" for c in BACKGROUND)
    return f"""<mujoco model="exemplar">
  <compiler angle="degree"/>
  <visual><quality shadowsize="0" offsamples="0"/>
    <global offwidth="{size}" offheight="{size}"/>
    <map znear="0.001"/>
    <headlight ambient="0.45 0.45 0.45" diffuse="0.45 0.45 0.45" specular="0 0 0"/></visual>
  <asset>{exemplar_assets_xml(exemplar, "x")}
    <texture name="sky" type="skybox" builtin="flat" rgb1="{grey}" rgb2="{grey}" width="8"
      height="8"/></asset>
  <worldbody>
    <light pos="0.3 -0.3 1.5" dir="-0.2 0.2 -1" diffuse="0.4 0.4 0.4" castshadow="false"/>
    <geom type="plane" size="5 5 0.1" rgba="{grey} 1"/>
    <body name="object">{exemplar_geoms_xml(exemplar, "x")}</body>
    <camera name="view" pos="{eye[0]:.4g} {eye[1]:.4g} {eye[2]:.4g}" fovy="40"
      xyaxes="{right[0]:.4g} {right[1]:.4g} {right[2]:.4g} {up[0]:.4g} {up[1]:.4g} {up[2]:.4g}"/>
  </worldbody>
</mujoco>"""


def render_exemplar(
    category: str,
    exemplar_seed: int,
    split: str = "train",
    size: int = 96,
    view_seed: int | None = None,
    appearance_seed: int | None = None,
) -> np.ndarray:
    """RGB uint8 (size, size, 3) picture of one exemplar on a neutral grey background."""
    import mujoco

    from devlearn.environments import choose_gl_backend
    from devlearn.environments.offscreen import Offscreen

    choose_gl_backend()
    if size < 8:
        raise ValueError(f"size must be at least 8 pixels, got {size}")
    exemplar = sample_exemplar(category, exemplar_seed, split, appearance_seed)
    if view_seed is None:
        azimuth, elevation = 35.0, 30.0
    else:
        rng = np.random.default_rng([view_seed, 3])
        azimuth, elevation = float(rng.uniform(0, 360)), float(rng.uniform(15, 55))
    model = mujoco.MjModel.from_xml_string(exemplar_xml(exemplar, size, azimuth, elevation))
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    offscreen = Offscreen(model, size, size, "view")
    try:
        offscreen.update(data)
        return offscreen.render_rgb()
    finally:
        offscreen.close()
