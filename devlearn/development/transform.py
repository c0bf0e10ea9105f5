"""Show frames the way a child of a given age sees them (torch, batched, CPU or GPU).

Three linear steps per image, in this order:
1. colour: mix each pixel towards its luma by the age's chromatic sensitivity;
2. contrast: scale every spatial frequency except the mean (per channel) by the age's
   contrast gain, so the mean luminance and mean colour stay;
3. acuity: a low-pass filter in the frequency domain (rfft2) that passes everything up to
   half the age's acuity and falls to zero at the acuity along a raised cosine.

Acuity is in cycles/degree; the camera's vertical field of view (`fov_deg`, across the image
height, as MuJoCo's fovy and BabyView's 100° portrait) turns it into cycles/pixel:
``cutoff = acuity_cpd * fov_deg / H``, square pixels assumed. A frame whose pixels are
already coarser than the cutoff needs no filtering: 96-pixel frames over 100° hold at most
0.48 cycles/degree, below a newborn's acuity, so they are only filtered at the youngest ages.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch
from torch import nn

from devlearn.development import vision
from devlearn.development.ages import check_ages

PASS_FRACTION = 0.5  # frequencies below this share of the cutoff pass untouched
LUMA_WEIGHTS = (0.299, 0.587, 0.114)  # Rec. 601 luma of (gamma-encoded) RGB
FFT_CHUNK = 8  # frames per FFT call on CPU: large batches run slower per frame (cache)


@lru_cache(maxsize=32)
def _radial_frequency(height: int, width: int, device: str) -> torch.Tensor:
    """|f| in cycles/pixel on the rfft2 grid of an H x W image, shape (H, W//2+1)."""
    fy = torch.fft.fftfreq(height, device=device)
    fx = torch.fft.rfftfreq(width, device=device)
    return torch.sqrt(fy[:, None] ** 2 + fx[None, :] ** 2)


def acuity_mtf(radial: torch.Tensor, cutoff_cpp: torch.Tensor) -> torch.Tensor:
    """Raised-cosine modulation transfer: 1 below PASS_FRACTION * cutoff, 0 from cutoff on.

    radial: (H, W//2+1) cycles/pixel; cutoff_cpp: (B,) -> (B, H, W//2+1).
    """
    start = PASS_FRACTION * cutoff_cpp[:, None, None]
    width = (1.0 - PASS_FRACTION) * cutoff_cpp[:, None, None]
    share = ((radial[None] - start) / width).clamp(0.0, 1.0)
    return 0.5 * (1.0 + torch.cos(math.pi * share))


class AgeVisionTransform(nn.Module):
    """Blur, flatten and desaturate frames to what a child of a given age can see.

    ``forward(images, age_months)``: images (B, 3, H, W) floats in [0, 1] on any device;
    age_months a float, a sequence or a (B,) tensor of per-frame ages in 0-48 months, or
    None (or inf, per frame) for an adult, which returns the frames unchanged. Each step can
    be switched off (``acuity``, ``contrast``, ``colour``) to study it alone.
    """

    def __init__(
        self,
        fov_deg: float = 100.0,
        acuity: bool = True,
        contrast: bool = True,
        colour: bool = True,
    ):
        super().__init__()
        fov = float(fov_deg)
        if not (0.0 < fov < 360.0):  # also refuses nan
            raise ValueError(f"fov_deg={fov_deg!r} must be above 0 and below 360 degrees")
        self.fov_deg = fov
        self.acuity, self.contrast, self.colour = acuity, contrast, colour

    def extra_repr(self) -> str:
        return (
            f"fov_deg={self.fov_deg:g}, acuity={self.acuity}, contrast={self.contrast}, "
            f"colour={self.colour}"
        )

    def cutoff_cycles_per_pixel(self, age_months: np.ndarray, height: int) -> np.ndarray:
        """The acuity cutoff for each age in cycles/pixel of an image this tall."""
        return np.asarray(vision.acuity_cpd(age_months), dtype=float) * self.fov_deg / height

    def forward(self, images: torch.Tensor, age_months=None) -> torch.Tensor:  # noqa: ANN001
        # images: (B, 3, H, W) in [0, 1]; age_months: None | float | sequence | (B,) tensor
        _check_images(images)
        batch, _, height, _ = images.shape
        ages = _per_frame_ages(age_months, batch)
        if ages is None:
            return images
        child = np.isfinite(ages)  # inf = adult: leave as it is
        if not child.any():
            return images
        child_ages = np.where(child, ages, 0.0)  # placeholder age for adult frames, unused
        keep_colour = np.where(child, vision.chromatic_sensitivity(child_ages), 1.0)
        keep_contrast = np.where(child, vision.contrast_gain(child_ages), 1.0)
        cutoff = self.cutoff_cycles_per_pixel(child_ages, height)
        # A frame needs the filter only if the pass band ends inside the frequency grid.
        blur = child & (PASS_FRACTION * cutoff < math.hypot(0.5, 0.5)) & self.acuity
        colour = keep_colour if self.colour else np.ones(batch)
        gain = keep_contrast if self.contrast else np.ones(batch)
        return self._see_at_ages(images, colour, gain, cutoff, blur)

    def _see_at_ages(
        self,
        images: torch.Tensor,
        colour: np.ndarray,
        gain: np.ndarray,
        cutoff: np.ndarray,
        blur: np.ndarray,
    ) -> torch.Tensor:
        # Colour and contrast together are one 3x3 matrix and offset per frame: one pass over
        # the pixels. Blurred frames take their contrast in the frequency domain instead, and
        # go through colour, FFT and back in small chunks that stay in the CPU's cache.
        matrix, offset = _colour_and_contrast(images, colour, np.where(blur, 1.0, gain))
        if not blur.any():
            return _mix(images, matrix, offset)
        rows = np.flatnonzero(blur)
        every = len(rows) == len(blur)
        picked = torch.as_tensor(rows, device=images.device)
        frames = images if every else images[picked]
        row_matrix = matrix if every else matrix[picked]
        row_offset = offset if every else offset[picked]
        responses, which = self._responses(images, cutoff[rows], gain[rows])
        filtered = torch.empty_like(frames)
        chunk = FFT_CHUNK if images.device.type == "cpu" else len(rows)  # GPUs like one call
        for start in range(0, len(rows), chunk):
            part = slice(start, start + chunk)
            tinted = _mix(frames[part], row_matrix[part], row_offset[part])
            response = responses if len(responses) == 1 else responses[which[part]]
            filtered[part] = _filter(tinted, response)
        if every:
            return filtered
        out = _mix(images, matrix, offset)  # the blurred rows are replaced below
        out[picked] = filtered
        return out

    def _responses(
        self, images: torch.Tensor, cutoff: np.ndarray, gain: np.ndarray
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One frequency response per distinct (cutoff, gain), and which one each frame uses."""
        height, width = images.shape[-2:]
        radial = _radial_frequency(height, width, str(images.device))
        pairs, which = np.unique(np.stack([cutoff, gain], axis=1), axis=0, return_inverse=True)
        cut = torch.as_tensor(pairs[:, 0], device=images.device, dtype=radial.dtype)
        scale = torch.as_tensor(pairs[:, 1], device=images.device, dtype=radial.dtype)
        response = acuity_mtf(radial, cut) * scale.view(-1, 1, 1)
        response[:, 0, 0] = 1.0  # the mean stays
        return response, torch.as_tensor(which.reshape(-1), device=images.device)


def _filter(frames: torch.Tensor, response: torch.Tensor) -> torch.Tensor:
    """Scale each frame's spectrum by its response.

    frames (b, 3, H, W); response (b or 1, H, W//2+1).
    """
    height, width = frames.shape[-2:]
    work = torch.float32 if frames.dtype in (torch.float16, torch.bfloat16) else frames.dtype
    spectrum = torch.fft.rfft2(frames.to(work))
    filtered = torch.fft.irfft2(spectrum * response[:, None].to(work), s=(height, width))
    return filtered.clamp_(0.0, 1.0).to(frames.dtype)


def _colour_and_contrast(
    images: torch.Tensor, colour: np.ndarray, gain: np.ndarray
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-frame matrix (B, 3, 3) and offset (B, 3, 1) that desaturate, then scale contrast.

    With luma Y = w.x, desaturated d = Y + s(x - Y) = D x with D = s I + (1 - s) 1 w^T, and
    output m + g(d - m) (m = D mean(x), the mean of d per channel): g D x + (1 - g) m.
    """
    dtype, device = images.dtype, images.device
    s = torch.as_tensor(colour, dtype=dtype, device=device).view(-1, 1, 1)
    g = torch.as_tensor(gain, dtype=dtype, device=device).view(-1, 1, 1)
    luma = torch.tensor(LUMA_WEIGHTS, dtype=dtype, device=device).view(1, 1, 3)
    desaturate = s * torch.eye(3, dtype=dtype, device=device) + (1.0 - s) * luma
    channel_mean = images.mean(dim=(-2, -1)).unsqueeze(-1)  # (B, 3, 1)
    return g * desaturate, (1.0 - g) * (desaturate @ channel_mean)


def _mix(images: torch.Tensor, matrix: torch.Tensor, offset: torch.Tensor) -> torch.Tensor:
    """matrix @ pixel + offset for every pixel of every frame. images (B, 3, H, W)."""
    batch, channels, height, width = images.shape
    flat = images.reshape(batch, channels, height * width)
    return torch.baddbmm(offset, matrix, flat).view(batch, channels, height, width)


def _check_images(images: torch.Tensor) -> None:
    if not isinstance(images, torch.Tensor):
        raise ValueError(f"images must be a torch.Tensor, got {type(images).__name__}")
    if images.ndim != 4 or images.shape[1] != 3:
        raise ValueError(f"images shape={tuple(images.shape)} must be (B, 3, H, W)")
    if not images.is_floating_point():
        raise ValueError(f"images dtype={images.dtype} must be floating point in [0, 1]")


def _per_frame_ages(age_months, batch: int) -> np.ndarray | None:  # noqa: ANN001
    """(B,) float ages in months, inf for adult frames; None when the whole batch is adult."""
    if age_months is None:
        return None
    if isinstance(age_months, torch.Tensor):
        ages = age_months.detach().to("cpu", torch.float64).numpy()
    else:
        ages = np.asarray(age_months, dtype=float)
    if ages.ndim == 0:
        ages = np.full(batch, float(ages))
    if ages.shape != (batch,):
        raise ValueError(f"age_months shape={ages.shape} must be () or ({batch},)")
    return check_ages(ages, allow_adult=True)
