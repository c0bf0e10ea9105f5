"""Egocentric rendering and per-frame ground truth from MuJoCo's segmentation render.

The segmentation pass renders every frame at the frame's own size (the same pixels as the RGB
frame, so boxes line up exactly); it costs less than the colour pass because it has no
lighting or textures and leaves out the room's shell (which cannot hide a toy inside it) and
thin decorations (books, crib bars, table legs, rugs, window frames, the caregiver's eyes and
mouth), which therefore never count as hiding a toy. Each pixel's geom id maps to a
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

    def visible_objects(self, min_frac: float = 0.0) -> list[VisibleObject]:
        """The objects covering at least ``min_frac`` of the frame (and at least one pixel):
        one rule for `simulate`'s "in view" and the gym environment's."""
        return [o for o in self.objects if o.pixel_frac >= min_frac and o.pixel_frac > 0]

    def visible(self, min_frac: float = 0.0) -> list[int]:
        """Indices of `visible_objects`."""
        return [o.index for o in self.visible_objects(min_frac)]


class FrameRenderer:
    """One offscreen renderer for a world's egocentric camera."""

    def __init__(self, world: World, size: tuple[int, int], ground_truth_scale: int = 1):
        from devlearn.environments.offscreen import Offscreen

        if ground_truth_scale < 1:
            raise ValueError(f"ground_truth_scale must be >= 1, got {ground_truth_scale}")
        self.world = world
        self.height, self.width = size
        self.offscreen = Offscreen(world.model, self.height, self.width, "eye")
        # The segmentation pass may run at 1/scale of the frame's size: about 40% cheaper at
        # half size, with boxes rounded outward to the frame's pixels.
        self.seg_size = (
            max(1, self.height // ground_truth_scale),
            max(1, self.width // ground_truth_scale),
        )
        if ground_truth_scale == 1:
            self.seg_offscreen = self.offscreen
        else:
            self.seg_offscreen = Offscreen(world.model, *self.seg_size, "eye")
        self.n_objects = n = len(world.object_bodies)
        # geom id (index -1 = nothing) -> code: 0 nothing, object index + 1, n + 1 the
        # caregiver's face, n + 2 her hands
        code = (world.geom_object + 1).astype(np.int32)
        code[world.geom_kind == 1] = n + 1
        code[world.geom_kind == 2] = n + 2
        self._geom_code = code
        self._lut_seen: np.ndarray | None = None
        self._segid_code = code

    def render(self, data, segmentation: bool = True) -> tuple[np.ndarray, GroundTruth | None]:
        self.offscreen.update(data)
        rgb = self.offscreen.render_rgb()
        if not segmentation:
            return rgb, None
        self.seg_offscreen.update(data, segmentation=True)
        segid, lut = self.seg_offscreen.render_segids()
        if lut is not self._lut_seen:  # compose segid -> geom -> code once per scene layout
            self._lut_seen, self._segid_code = lut, self._geom_code[lut]
        return rgb, self._from_codes(self._segid_code[segid], bottom_up=True)

    def ground_truth(self, seg_geom: np.ndarray) -> GroundTruth:
        """Objects, face and hands in a geom-id image, top row first (-1 = nothing)."""
        return self._from_codes(self._geom_code[seg_geom], bottom_up=False)

    def _from_codes(self, code: np.ndarray, bottom_up: bool) -> GroundTruth:
        """Codes per pixel: 0 nothing, 1..n object index + 1, n + 1 face, n + 2 hands."""
        n = self.n_objects
        counts = np.bincount(code.ravel(), minlength=n + 3)
        n_pixels = code.size
        gt = GroundTruth(
            face_frac=float(counts[n + 1] / n_pixels), hands_frac=float(counts[n + 2] / n_pixels)
        )
        for k in np.flatnonzero(counts[1 : n + 1]) + 1:
            mask = code == k
            rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
            y0, y1 = int(rows[0]), int(rows[-1])
            if bottom_up:
                y0, y1 = code.shape[0] - 1 - y1, code.shape[0] - 1 - y0
            box = self._to_frame_pixels(int(cols[0]), y0, int(cols[-1]), y1, code.shape)
            gt.objects.append(VisibleObject(int(k - 1), float(counts[k] / n_pixels), box))
        return gt

    def _to_frame_pixels(self, x0, y0, x1, y1, shape) -> tuple[int, int, int, int]:
        """A box in a (possibly smaller) segmentation image, rounded outward to frame pixels."""
        if shape == (self.height, self.width):
            return x0, y0, x1, y1
        sy, sx = self.height / shape[0], self.width / shape[1]
        return (
            int(np.floor(x0 * sx)),
            int(np.floor(y0 * sy)),
            min(int(np.ceil((x1 + 1) * sx)) - 1, self.width - 1),
            min(int(np.ceil((y1 + 1) * sy)) - 1, self.height - 1),
        )

    def close(self) -> None:
        if self.seg_offscreen is not self.offscreen:
            self.seg_offscreen.close()
        self.offscreen.close()
