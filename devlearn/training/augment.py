"""Batched image augmentations on tensors (no per-sample PIL), run on the training device.

Colour is made unreliable on purpose (channel permutation, greyscale, hue rotation) so that the
learner must find objects by their shape: with few colours per category a contrastive learner
otherwise learns "red = ball" and fails on a blue ball. All randomness comes from the generator
passed in, so a batch's augmentation depends only on (seed, step) and a resumed run repeats it.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from devlearn.training.config import AugmentConfig

# RGB <-> YIQ: hue rotation is a rotation of the (I, Q) chroma plane.
_RGB2YIQ = torch.tensor([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])
_PERMS = torch.tensor([[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]])
_LUMA = (0.299, 0.587, 0.114)
GAZE_JITTER = 0.1  # max shift of a foveal crop's centre, as a fraction of the crop side


def to_float_images(frames: torch.Tensor, size: int) -> torch.Tensor:
    """uint8 (B, H, W, 3) or float (B, 3, H, W) in [0, 1] -> float (B, 3, size, size)."""
    if frames.dtype == torch.uint8:
        if frames.ndim != 4 or frames.shape[-1] != 3:
            raise ValueError(f"uint8 frames must be (B, H, W, 3), got {tuple(frames.shape)}")
        frames = frames.permute(0, 3, 1, 2).float().div_(255.0)
    elif frames.ndim != 4 or frames.shape[1] != 3:
        raise ValueError(f"float images must be (B, 3, H, W), got {tuple(frames.shape)}")
    if frames.shape[-2:] != (size, size):
        frames = F.interpolate(frames, size=(size, size), mode="bilinear", antialias=True)
    return frames.contiguous(memory_format=torch.channels_last)


class BatchAugment(nn.Module):
    """uint8 frames (B, H, W, 3) -> augmented float images (B, 3, S, S)."""

    def __init__(self, config: AugmentConfig, image_size: int):
        super().__init__()
        self.config = config
        self.size = image_size
        self._age_transform = None

    def forward(
        self,
        frames: torch.Tensor,
        generator: torch.Generator,
        ages_months: torch.Tensor | None = None,
        gaze: torch.Tensor | None = None,
    ) -> torch.Tensor:
        if self.config.gaze_crop > 0 and gaze is not None:
            x = self.gaze_view(frames, gaze, generator)
        else:
            x = to_float_images(frames, self.size)
        if self.config.age_transform and ages_months is not None:
            x = self.age_transform(x, ages_months)
        x = self.crop_flip(x, generator)
        x = self.colour(x, generator)
        return x.clamp_(0.0, 1.0)

    def gaze_view(
        self, frames: torch.Tensor, gaze: torch.Tensor, g: torch.Generator | None = None
    ) -> torch.Tensor:
        """uint8 (B, H, W, 3) -> the square of side ``gaze_crop`` x the frame's shorter side
        around each gaze point (x, y pixels; NaN = frame centre), kept inside the frame and
        resized to (B, 3, S, S). With a generator the centre moves by up to GAZE_JITTER of
        the crop side, so the learner does not only ever see the toy dead centre, and with
        ``gaze_crop_max`` each side is drawn between the two (log-uniform; without a
        generator: their geometric mean).

        Cropping the full-resolution frame (not the resized image) keeps the detail there is.
        """
        x = frames.permute(0, 3, 1, 2).float().div_(255.0)
        b, _, h, w = x.shape
        side = self._gaze_sides(b, g, x.device) * min(h, w)  # (B, 1)
        centre = gaze.to(x.device, torch.float32).clone()
        centre[:, 0] = centre[:, 0].nan_to_num(w / 2)
        centre[:, 1] = centre[:, 1].nan_to_num(h / 2)
        if g is not None:
            centre += (torch.rand(b, 2, generator=g, device=x.device) * 2 - 1) * GAZE_JITTER * side
        size = torch.tensor([w, h], dtype=torch.float32, device=x.device)
        centre = torch.maximum(torch.minimum(centre, size - side / 2), (side / 2).expand_as(centre))
        theta = torch.zeros(b, 2, 3, device=x.device)
        theta[:, 0, 0], theta[:, 1, 1] = side[:, 0] / w, side[:, 0] / h
        theta[:, :, 2] = centre / size * 2 - 1  # pixel centre -> [-1, 1] (align_corners=False)
        grid = F.affine_grid(theta, [b, 3, self.size, self.size], align_corners=False)
        out = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
        return out.contiguous(memory_format=torch.channels_last)

    def _gaze_sides(self, b: int, g: torch.Generator | None, device) -> torch.Tensor:  # noqa: ANN001
        """(B, 1) crop sides as fractions of the frame's shorter side."""
        lo, hi = self.config.gaze_crop, max(self.config.gaze_crop_max, self.config.gaze_crop)
        if hi == lo:
            return torch.full((b, 1), lo, device=device)
        if g is None:
            return torch.full((b, 1), math.sqrt(lo * hi), device=device)
        u = torch.rand(b, 1, generator=g, device=device)
        return torch.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))

    def _rand(self, n: int, g: torch.Generator, device: torch.device) -> torch.Tensor:
        return torch.rand(n, generator=g, device=device)

    def crop_flip(self, x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
        b, dev = x.shape[0], x.device
        lo, hi = self.config.crop_scale
        area = lo + (hi - lo) * self._rand(b, g, dev)
        # aspect ratio in [3/4, 4/3], narrowed so the crop fits (area 1 -> ratio 1)
        r_lo = torch.maximum(area.log(), torch.full_like(area, -math.log(4 / 3)))
        r_hi = torch.minimum(-area.log(), torch.full_like(area, math.log(4 / 3)))
        log_ratio = r_lo + (r_hi - r_lo) * self._rand(b, g, dev)
        w = (area * log_ratio.exp()).sqrt().clamp(max=1.0)
        h = (area / log_ratio.exp()).sqrt().clamp(max=1.0)
        tx = (self._rand(b, g, dev) * 2 - 1) * (1 - w)
        ty = (self._rand(b, g, dev) * 2 - 1) * (1 - h)
        flip = torch.ones(b, device=dev)
        if self.config.flip:
            flip = torch.where(self._rand(b, g, dev) < 0.5, -1.0, 1.0)
        theta = torch.zeros(b, 2, 3, device=dev)
        theta[:, 0, 0], theta[:, 0, 2] = w * flip, tx
        theta[:, 1, 1], theta[:, 1, 2] = h, ty
        grid = F.affine_grid(theta, [b, 3, self.size, self.size], align_corners=False)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)

    def colour(self, x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
        c, b, dev = self.config, x.shape[0], x.device
        # brightness and contrast
        gain = 1 + (self._rand(b, g, dev) * 2 - 1) * c.brightness
        x = x * gain[:, None, None, None]
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        con = 1 + (self._rand(b, g, dev) * 2 - 1) * c.contrast
        x = (x - mean) * con[:, None, None, None] + mean
        # hue rotation in YIQ
        angle = (self._rand(b, g, dev) * 2 - 1) * c.hue * 2 * math.pi
        cos, sin = angle.cos(), angle.sin()
        rot = torch.zeros(b, 3, 3, device=dev)
        rot[:, 0, 0] = 1
        rot[:, 1, 1], rot[:, 1, 2], rot[:, 2, 1], rot[:, 2, 2] = cos, -sin, sin, cos
        to_yiq = _RGB2YIQ.to(dev)
        mats = torch.linalg.inv(to_yiq) @ rot @ to_yiq  # (B, 3, 3)
        # channel permutation (applied as a permutation matrix after the hue rotation)
        pick = (self._rand(b, g, dev) * 6).long().clamp(max=5)
        permute = self._rand(b, g, dev) < c.channel_permute
        perm = torch.where(permute[:, None], _PERMS.to(dev)[pick], _PERMS.to(dev)[0])
        mats = torch.eye(3, device=dev)[perm] @ mats
        # greyscale
        grey = (self._rand(b, g, dev) < c.greyscale).float()[:, None, None]
        luma = torch.tensor(_LUMA, device=dev).expand(3, 3)
        mats = grey * (luma @ mats) + (1 - grey) * mats
        return torch.einsum("bij,bjhw->bihw", mats, x).contiguous(memory_format=torch.channels_last)

    def age_transform(self, x: torch.Tensor, ages_months: torch.Tensor) -> torch.Tensor:
        if self._age_transform is None:
            from devlearn.development import AgeVisionTransform

            self._age_transform = AgeVisionTransform().to(x.device)
        # The profile covers birth to 48 months; older frames are seen as at 48 months.
        return self._age_transform(x, ages_months.clamp(0.0, 48.0).to(x.device))


def warp_mel(feats: torch.Tensor, generator: torch.Generator, amount: float) -> torch.Tensor:
    """Stretch each sample's mel axis by a random factor in [1 - amount, 1 + amount].

    A longer or shorter vocal tract shifts formants by a common factor, which on a mel scale is
    roughly a stretch of the band axis (vocal tract length perturbation). Training on stretched
    features helps the speech encoder hear a word from a voice it has not heard before.
    feats: (B, n_mels, F) -> same shape; band i takes the value at band i * factor.
    """
    if amount <= 0:
        return feats
    b, n_mels, _ = feats.shape
    factor = 1 + amount * (2 * torch.rand(b, 1, generator=generator, device=feats.device) - 1)
    pos = (torch.arange(n_mels, device=feats.device, dtype=feats.dtype)[None] * factor).clamp(
        0, n_mels - 1
    )
    lo = pos.floor().long()
    hi = (lo + 1).clamp(max=n_mels - 1)
    w = (pos - lo).unsqueeze(-1)
    take = lambda idx: torch.gather(feats, 1, idx.unsqueeze(-1).expand_as(feats))  # noqa: E731
    return take(lo) * (1 - w) + take(hi) * w
