"""A lean offscreen renderer: one GL context per process, colour and segmentation passes.

`mujoco.Renderer` makes a GL context and a large-font MuJoCo context for every model, and
spends about half a millisecond of Python per frame around the render; at 96x96 that is a
sizeable share of the frame. Here the process keeps one GL context, each model gets a small
`MjrContext`, and frames are read into preallocated buffers.
"""

from __future__ import annotations

import numpy as np

from devlearn.environments.furniture import DECOR_GROUP

_context: dict = {}  # the process's GL context, made on first use
CONTEXT_SIZE = 1024  # largest frame side any model may render at


def _gl_context():
    import mujoco

    if "ctx" not in _context:
        ctx = mujoco.GLContext(CONTEXT_SIZE, CONTEXT_SIZE)
        ctx.make_current()
        _context["ctx"] = ctx
    return _context["ctx"]


class Offscreen:
    """Renders one model's fixed camera into (height, width) RGB and geom-id images."""

    def __init__(self, model, height: int, width: int, camera: int | str):
        import mujoco

        if height > model.vis.global_.offheight or width > model.vis.global_.offwidth:
            raise ValueError(
                f"frame {height}x{width} is larger than the model's offscreen buffer "
                f"({model.vis.global_.offheight}x{model.vis.global_.offwidth})"
            )
        _gl_context()
        self.mj = mujoco
        self.model = model
        self.con = mujoco.MjrContext(model, mujoco.mjtFontScale.mjFONTSCALE_50.value)
        self.scene = mujoco.MjvScene(model, maxgeom=model.ngeom + 50)
        self.option = mujoco.MjvOption()
        self.option.geomgroup[:] = 1  # every group in the colour frame, decorations included
        self.seg_option = mujoco.MjvOption()
        self.seg_option.geomgroup[:] = 1
        self.seg_option.geomgroup[DECOR_GROUP] = 0
        self.perturb = mujoco.MjvPerturb()
        self.camera = mujoco.MjvCamera()
        self.camera.type = mujoco.mjtCamera.mjCAMERA_FIXED
        if isinstance(camera, str):
            camera = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_CAMERA, camera)
        self.camera.fixedcamid = int(camera)
        self.rect = mujoco.MjrRect(0, 0, width, height)
        self.rgb = np.empty((height, width, 3), np.uint8)
        self.ids = np.empty((height, width, 3), np.uint8)
        self._lut: np.ndarray | None = None

    def update(self, data, segmentation: bool = False) -> None:
        """Build the scene from ``data``; the segmentation scene leaves out decorations."""
        mj = self.mj
        mj.mjv_updateScene(
            self.model, data, self.seg_option if segmentation else self.option, self.perturb,
            self.camera, mj.mjtCatBit.mjCAT_ALL.value, self.scene,
        )  # fmt: skip

    def _draw(self, segment: bool, out: np.ndarray) -> None:
        mj = self.mj
        self.scene.flags[mj.mjtRndFlag.mjRND_SEGMENT] = segment
        self.scene.flags[mj.mjtRndFlag.mjRND_IDCOLOR] = segment
        mj.mjr_setBuffer(mj.mjtFramebuffer.mjFB_OFFSCREEN.value, self.con)
        mj.mjr_render(self.rect, self.scene, self.con)
        mj.mjr_readPixels(out, None, self.rect, self.con)

    def render_rgb(self) -> np.ndarray:
        """Colour frame of the last `update`, top row first (a new array)."""
        self._draw(False, self.rgb)
        return self.rgb[::-1].copy()

    def render_geom_ids(self) -> np.ndarray:
        """Geom id per pixel of the last `update(data, segmentation=True)` (-1: none)."""
        segid, lut = self.render_segids()
        return lut[segid][::-1]

    def render_segids(self) -> tuple[np.ndarray, np.ndarray]:
        """Raw segmentation ids, bottom row first (0 = background), and the table mapping
        them to geom ids; cheaper than `render_geom_ids` when the caller maps them itself."""
        self._draw(True, self.ids)
        ids = self.ids
        segid = ids[..., 0].astype(np.int32)
        segid |= ids[..., 1].astype(np.int32) << 8
        if self.scene.ngeom >= 65535:
            segid |= ids[..., 2].astype(np.int32) << 16
        np.minimum(segid, self.scene.ngeom + 1, out=segid)
        return segid, self._segid_to_geom()

    def _segid_to_geom(self) -> np.ndarray:
        """Segmentation id -> geom id. The scene lists the same geoms in the same order every
        frame of a model, so the table is built once (reading it costs ~2 ms in Python)."""
        n = self.scene.ngeom
        if self._lut is None or len(self._lut) != n + 2:  # built from a segmentation scene
            lut = np.full(n + 2, -1, np.int32)
            geom_type = self.mj.mjtObj.mjOBJ_GEOM
            for g in self.scene.geoms[:n]:
                if g.segid >= 0 and g.objtype == geom_type:
                    lut[g.segid + 1] = g.objid
            self._lut = lut
        return self._lut

    def close(self) -> None:
        if self.con is not None:
            self.con.free()
            self.con = None
