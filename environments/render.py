"""Egocentric rendering and per-frame ground truth from MuJoCo's segmentation render.

The segmentation pass renders every frame at the frame's own size (the same pixels as the RGB
frame, so boxes line up exactly); it costs less than the colour pass because it has no
lighting or textures and leaves out thin decorations (books, crib bars, table legs, rugs,
window frames), which therefore never count as hiding a toy. Each pixel's geom id maps to a
catalog object, the caregiver's face or hands, or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from devlearn.environments.world import World


@dataclass
class VisibleObject:
    """A catalog object seen in a frame: pixel fraction and inclusive pixel bounding box."""

    index: int
    pixel_frac: float
    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1


@dataclass
class GroundTruth:
    """What a frame shows."""

    objects: list[VisibleObject] = field(default_factory=list)
    face_frac: float = 0.0
    hands_frac: float = 0.0

    def visible(self, min_frac: float = 0.0) -> list[int]:
        return [o.index for o in self.objects if o.pixel_frac > min_frac]


class FrameRenderer:
    """One offscreen renderer for a world's egocentric camera."""

    def __init__(self, world: World, size: tuple[int, int]):
        from devlearn.environments.offscreen import Offscreen

        self.world = world
        self.height, self.width = size
        self.offscreen = Offscreen(world.model, self.height, self.width, "eye")
        self.n_objects = len(world.object_bodies)

    def render(self, data, segmentation: bool = True) -> tuple[np.ndarray, GroundTruth | None]:
        self.offscreen.update(data)
        rgb = self.offscreen.render_rgb()
        if not segmentation:
            return rgb, None
        self.offscreen.update(data, segmentation=True)
        return rgb, self.ground_truth(self.offscreen.render_geom_ids())

    def ground_truth(self, seg_geom: np.ndarray) -> GroundTruth:
        """Objects, face and hands in a geom-id image (indices -1 map to 'nothing')."""
        n_pixels = seg_geom.size
        obj = self.world.geom_object[seg_geom]
        counts = np.bincount(obj.ravel() + 1, minlength=self.n_objects + 1)[1:]
        gt = GroundTruth()
        for index in np.flatnonzero(counts):
            mask = obj == index
            rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
            gt.objects.append(
                VisibleObject(
                    int(index),
                    float(counts[index] / n_pixels),
                    (int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])),
                )
            )
        kinds = np.bincount(self.world.geom_kind[seg_geom].ravel(), minlength=3)
        gt.face_frac = float(kinds[1] / n_pixels)
        gt.hands_frac = float(kinds[2] / n_pixels)
        return gt

    def close(self) -> None:
        self.offscreen.close()
