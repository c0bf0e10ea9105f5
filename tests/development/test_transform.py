"""AgeVisionTransform: measured with FFTs on test patterns, colour and contrast by value."""

from __future__ import annotations

import math

import pytest
import torch

from devlearn.development import AgeVisionTransform, vision
from devlearn.development.transform import PASS_FRACTION

SIZE = 256
CUTOFF_CYCLES = 64  # cycles across the image at the acuity cutoff: 0.25 cycles/pixel
AGE = 6.0


def fov_for_cutoff(age: float) -> float:
    """Field of view that puts the age's acuity at CUTOFF_CYCLES across a SIZE image."""
    return CUTOFF_CYCLES / vision.acuity_cpd(age)  # degrees spanned by the image height


def grating(kx: int, ky: int, contrast: float = 0.4) -> torch.Tensor:
    """Grey sinusoidal grating with (kx, ky) whole cycles across the image, (1, 3, H, W)."""
    coords = torch.arange(SIZE, dtype=torch.float64)
    y, x = torch.meshgrid(coords, coords, indexing="ij")
    image = 0.5 + contrast * torch.cos(2 * math.pi * (kx * x + ky * y) / SIZE)
    return image.expand(1, 3, SIZE, SIZE).clone()


def amplitude(image: torch.Tensor, kx: int, ky: int) -> float:
    spectrum = torch.fft.fft2(image[0, 0])
    return float(spectrum[ky % SIZE, kx % SIZE].abs()) * 2 / SIZE**2


def acuity_only(age: float = AGE) -> AgeVisionTransform:
    return AgeVisionTransform(fov_for_cutoff(age), contrast=False, colour=False)


def test_cutoff_in_cycles_per_pixel():
    t = AgeVisionTransform(fov_deg=100.0)
    cutoff = t.cutoff_cycles_per_pixel(torch.tensor([12.0]).numpy(), 200)
    assert float(cutoff[0]) == pytest.approx(vision.acuity_cpd(12.0) * 100.0 / 200)


@pytest.mark.parametrize("direction", [(1, 0), (0, 1), (0.8, 0.6)])
def test_grating_kept_below_cutoff_and_removed_above(direction):
    t = acuity_only()
    dx, dy = direction
    for radius, expected in [
        (20, "kept"),
        (30, "kept"),
        (48, "partial"),
        (66, "gone"),
        (90, "gone"),
    ]:
        kx, ky = round(radius * dx), round(radius * dy)
        image = grating(kx, ky)
        out = t(image, AGE)
        ratio = amplitude(out, kx, ky) / amplitude(image, kx, ky)
        if expected == "kept":  # inside the pass band (below half the cutoff)
            assert ratio == pytest.approx(1.0, abs=1e-9), radius
        elif expected == "gone":  # beyond the age's acuity
            assert ratio < 1e-9, radius
        else:
            assert 0.05 < ratio < 0.95, radius
        assert float(out.mean()) == pytest.approx(0.5, abs=1e-9)  # mean luminance stays


def test_checkerboard_spectrum_split_at_cutoff():
    y, x = torch.meshgrid(torch.arange(SIZE), torch.arange(SIZE), indexing="ij")
    board = (((x // 8) + (y // 8)) % 2).double() * 0.8 + 0.1  # 16 squares: odd harmonics
    image = board.expand(1, 3, SIZE, SIZE).clone()
    out = acuity_only()(image, AGE)
    before = torch.fft.fft2(image[0, 0] - image.mean()).abs()
    after = torch.fft.fft2(out[0, 0] - out.mean()).abs()
    fy = torch.fft.fftfreq(SIZE).abs()[:, None] * SIZE
    fx = torch.fft.fftfreq(SIZE).abs()[None, :] * SIZE
    radius = torch.sqrt(fx**2 + fy**2)
    low = radius <= PASS_FRACTION * CUTOFF_CYCLES
    high = radius >= CUTOFF_CYCLES
    assert before[high].pow(2).sum() > 0.05 * before.pow(2).sum()  # the board has fine detail
    # Clamping to [0, 1] can only add a little high-frequency energy; none remains above.
    assert after[high].pow(2).sum() < 1e-6 * before[high].pow(2).sum()
    assert torch.allclose(after[low], before[low], rtol=1e-3, atol=1e-6)


def test_younger_is_blurrier():
    image = grating(40, 0)
    ages = torch.tensor([1.0, 3.0, 6.0, 12.0])
    out = acuity_only()(image.expand(4, -1, -1, -1), ages)
    kept = [amplitude(out[i : i + 1], 40, 0) for i in range(4)]
    # non-decreasing with age; amplitudes below 1e-9 are all "gone", whatever their rounding
    assert all(b >= a - 1e-9 for a, b in zip(kept, kept[1:], strict=False))
    assert kept[0] < 1e-9 and kept[-1] > 0.39 and kept[-1] > kept[1] + 0.3


def test_per_sample_ages_match_single_age_calls():
    torch.manual_seed(0)
    images = torch.rand(5, 3, 64, 48)
    ages = torch.tensor([0.0, 0.5, 6.0, 20.0, float("inf")])
    t = AgeVisionTransform(fov_deg=30.0)
    together = t(images, ages)
    for i, age in enumerate(ages.tolist()):
        alone = t(images[i : i + 1], None if math.isinf(age) else age)
        assert torch.allclose(together[i : i + 1], alone, atol=1e-6), age
    assert torch.equal(together[4], images[4])


def test_many_blurred_frames_across_chunks():
    torch.manual_seed(5)
    images = torch.rand(21, 3, 32, 32)
    ages = torch.tensor([0.1 * (i % 7) for i in range(21)])  # repeated ages, all blurred
    t = AgeVisionTransform(fov_deg=100.0)
    together = t(images, ages)
    for i in (0, 8, 13, 20):
        assert torch.allclose(together[i], t(images[i : i + 1], float(ages[i]))[0], atol=1e-6)


def test_identity_for_adults_and_at_48_months_on_small_frames():
    torch.manual_seed(1)
    images = torch.rand(4, 3, 96, 96)
    t = AgeVisionTransform(fov_deg=100.0)
    assert t(images, None) is images
    assert torch.equal(t(images, float("inf")), images)
    assert torch.allclose(t(images, 48.0), images, atol=1e-6)
    assert torch.allclose(t(images, torch.full((4,), 48.0)), images, atol=1e-6)


def test_colour_desaturated_by_chromatic_sensitivity():
    red = torch.zeros(1, 3, 16, 16)
    red[:, 0] = 1.0
    t = AgeVisionTransform(fov_deg=10.0, acuity=False, contrast=False)
    for age in (0.0, 3.0, 12.0, 48.0):
        out = t(red, age)
        s = vision.chromatic_sensitivity(age)
        luma = 0.299
        assert float(out[0, 0, 0, 0]) == pytest.approx(luma + s * (1 - luma), abs=1e-6)
        assert float(out[0, 1, 0, 0]) == pytest.approx(luma * (1 - s), abs=1e-6)
    grey = torch.full((1, 3, 8, 8), 0.3)
    assert torch.allclose(t(grey, 0.0), grey)  # grey stays grey


def test_contrast_scaled_about_the_mean():
    torch.manual_seed(2)
    images = torch.rand(3, 3, 32, 32)
    t = AgeVisionTransform(fov_deg=10.0, acuity=False, colour=False)
    ages = torch.tensor([0.0, 6.0, 24.0])
    out = t(images, ages)
    for i, age in enumerate(ages.tolist()):
        mean = images[i].mean(dim=(-2, -1), keepdim=True)
        gain = vision.contrast_gain(age)
        assert torch.allclose(out[i], mean + gain * (images[i] - mean), atol=1e-6)
    spreads = [float(out[i].std()) for i in range(3)]
    assert spreads == sorted(spreads)


def test_blurred_frames_get_contrast_and_colour_too():
    torch.manual_seed(3)
    images = torch.rand(2, 3, 64, 64)
    t = AgeVisionTransform(fov_deg=100.0)  # 0.64 months: blurred at 64 pixels
    out = t(images, 0.5)
    assert float(out.std()) < 0.5 * float(images.std())
    means_in, means_out = images.mean(dim=(-2, -1)), out.mean(dim=(-2, -1))
    # Means move only by desaturation towards each frame's luma.
    assert (means_out.std(dim=1) < means_in.std(dim=1)).all()
    assert out.min() >= 0 and out.max() <= 1


def test_moves_between_devices_like_a_module():
    t = AgeVisionTransform(fov_deg=20.0).to("cpu").float()
    assert list(t.state_dict()) == []  # nothing to save: everything follows from the age
    assert t(torch.rand(1, 3, 8, 8), 1.0).shape == (1, 3, 8, 8)


def test_dtypes_and_output_range():
    images = torch.rand(2, 3, 40, 40)
    t = AgeVisionTransform(fov_deg=20.0)
    for dtype in (torch.float32, torch.float64, torch.bfloat16):
        out = t(images.to(dtype), 2.0)
        assert out.dtype == dtype and out.shape == images.shape
        assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0


@pytest.mark.parametrize(
    ("kwargs", "call", "message"),
    [
        ({"fov_deg": 0.0}, None, "fov_deg=0.0"),
        ({"fov_deg": -5}, None, "fov_deg=-5"),
        ({"fov_deg": float("nan")}, None, "fov_deg=nan"),
        ({}, (torch.rand(2, 3, 8, 8), -1.0), "age_months=-1.0"),
        ({}, (torch.rand(2, 3, 8, 8), float("nan")), "age_months=nan"),
        ({}, (torch.rand(2, 3, 8, 8), 49.0), "age_months=49.0"),
        ({}, (torch.rand(2, 3, 8, 8), torch.tensor([1.0, 60.0])), "age_months=60.0"),
        ({}, (torch.rand(2, 3, 8, 8), torch.tensor([1.0, 2.0, 3.0])), r"shape=\(3,\)"),
        ({}, (torch.rand(3, 8, 8), 1.0), r"shape=\(3, 8, 8\)"),
        ({}, (torch.rand(2, 1, 8, 8), 1.0), r"shape=\(2, 1, 8, 8\)"),
        ({}, (torch.zeros(2, 3, 8, 8, dtype=torch.uint8), 1.0), "dtype=torch.uint8"),
    ],
)
def test_invalid_input_raises_naming_the_value(kwargs, call, message):
    with pytest.raises(ValueError, match=message):
        t = AgeVisionTransform(**kwargs)
        t(*call)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_matches_cpu():
    torch.manual_seed(4)
    images = torch.rand(6, 3, 64, 64)
    ages = torch.tensor([0.0, 0.3, 1.0, 6.0, 30.0, 48.0])
    t = AgeVisionTransform(fov_deg=100.0)
    on_gpu = t.cuda()(images.cuda(), ages.cuda())
    assert on_gpu.device.type == "cuda"
    assert torch.allclose(on_gpu.cpu(), t(images, ages), atol=1e-5)
