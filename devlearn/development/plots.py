"""Pictures of the developmental profile: curves against age, and frames seen at each age."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from devlearn.development import body, language, motor, vision
from devlearn.development.ages import MAX_AGE_MONTHS
from devlearn.development.motor import POSTURES

CURVE_FILES = ("acuity.png", "contrast_colour.png", "posture.png", "eye_height.png", "words.png")


def save_figure(figure, path: str | Path) -> Path:  # noqa: ANN001 - a matplotlib Figure
    """Save a figure as PNG through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".png", dir=path.parent, prefix=".tmp-")
    os.close(handle)
    try:
        figure.savefig(temporary, format="png", dpi=110)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path


def _figure(title: str, ylabel: str):  # noqa: ANN202
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
    axes.set_title(title)
    axes.set_xlabel("age (months)")
    axes.set_ylabel(ylabel)
    axes.set_xlim(0, MAX_AGE_MONTHS)
    axes.grid(alpha=0.3)
    return figure, axes


def plot_curves(folder: str | Path, sex: str = "female") -> list[Path]:
    """Write PNG plots of the profile against age into a folder; returns their paths."""
    from matplotlib import pyplot as plt

    folder = Path(folder)
    ages = np.linspace(0.0, MAX_AGE_MONTHS, 481)
    written = []
    for name, draw in zip(
        CURVE_FILES, (_acuity, _contrast_colour, _posture, _eye_height, _words), strict=True
    ):
        figure = draw(ages, sex)
        written.append(save_figure(figure, folder / name))
        plt.close(figure)
    return written


def _acuity(ages: np.ndarray, sex: str):  # noqa: ANN202
    figure, axes = _figure("Grating acuity (Teller cards) and the log-log fit", "cycles/degree")
    axes.plot(ages, vision.acuity_cpd(ages), color="C0", label="profile (binocular fit)")
    axes.plot(ages, vision.acuity_cpd(ages, binocular=False), "C1--", label="monocular fit")
    binocular = np.array(vision.ACUITY_SALOMAO_VENTURA_1995_BINOCULAR)
    monocular = np.array(vision.ACUITY_MAYER_1995_MONOCULAR)
    axes.plot(*binocular.T, "o", color="C0", label="Salomão & Ventura 1995 (binocular)")
    axes.plot(*monocular.T, "s", color="C1", label="Mayer et al. 1995 (monocular)")
    axes.set_yscale("log")
    axes.legend(fontsize=8)
    return figure


def _contrast_colour(ages: np.ndarray, sex: str):  # noqa: ANN202
    figure, axes = _figure("Contrast, colour and field, relative to 48 months", "fraction")
    axes.plot(ages, vision.contrast_gain(ages), label="contrast kept (log peak sensitivity)")
    axes.plot(ages, vision.chromatic_sensitivity(ages), label="chromatic sensitivity")
    axes.plot(ages, vision.visual_field_frac(ages), label="visual field (of adult)")
    axes.plot(*np.array(vision.VISUAL_FIELD_DOBSON_1998).T, "o", color="C2", label="Dobson 1998")
    axes.set_ylim(0, 1.05)
    axes.legend(fontsize=8, loc="lower right")
    return figure


def _posture(ages: np.ndarray, sex: str):  # noqa: ANN202
    figure, axes = _figure("Posture stage (WHO windows of achievement)", "share of children")
    shares = np.array([[motor.posture_probabilities(a)[p] for p in POSTURES] for a in ages])
    axes.stackplot(ages, shares.T, labels=POSTURES, alpha=0.85)
    axes.set_ylim(0, 1)
    axes.set_xlim(0, 24)
    axes.legend(fontsize=8, loc="center right")
    return figure


def _eye_height(ages: np.ndarray, sex: str):  # noqa: ANN202
    figure, axes = _figure(f"Eye height above the floor (derived; WHO median {sex})", "cm")
    stature = np.array([body.stature_cm(a, sex) for a in ages])
    heights = [body.eye_heights_cm(a, s) for a, s in zip(ages, stature, strict=True)]
    axes.plot(ages, stature, "k:", label="stature")
    for posture in ("standing", "sitting", "crawling", "supine"):
        axes.plot(ages, [h[posture] for h in heights], label=posture)
    table = body.WHO_STATURE_MEDIAN_CM[sex]
    axes.plot(body.WHO_STATURE_MONTHS, table, "ko", markersize=3, label="WHO medians")
    axes.legend(fontsize=8)
    return figure


def _words(ages: np.ndarray, sex: str):  # noqa: ANN202
    from devlearn.development.child import Child

    figure, axes = _figure("Words heard per waking hour (Hart & Risley groups)", "words/hour")
    for group, rate in language.WORDS_PER_HOUR_BY_GROUP.items():
        axes.plot(ages, np.full_like(ages, rate), label=f"{group} families")
    cohort = np.array([Child(seed).words_per_hour for seed in range(500)])
    low, high = np.percentile(cohort, [5, 95])
    axes.axhspan(low, high, color="grey", alpha=0.15, label="simulated children, 5-95%")
    axes.set_ylim(0, high * 1.15)
    right = axes.twinx()
    right.plot(ages, [language.mean_utterance_length(a) for a in ages], "k--", label="MLU")
    right.set_ylabel("mean utterance length (words), dashed")
    right.set_ylim(0, 8)
    axes.legend(fontsize=8, loc="lower left")
    return figure


def age_grid(image: np.ndarray, ages: list[float], fov_deg: float, path: str | Path) -> Path:
    """Write a PNG of an RGB image (H, W, 3 floats in [0, 1]) as seen at each age."""
    import matplotlib

    matplotlib.use("Agg")
    import torch
    from matplotlib import pyplot as plt

    from devlearn.development.transform import AgeVisionTransform

    # Mirror the borders first: the FFT filter wraps around, and a picture's top and bottom
    # are not neighbours.
    margin = max(image.shape[:2]) // 8
    padded = np.pad(image, ((margin, margin), (margin, margin), (0, 0)), mode="reflect")
    frames = torch.from_numpy(np.ascontiguousarray(padded)).permute(2, 0, 1)[None].float()
    inside = (slice(margin, margin + image.shape[0]), slice(margin, margin + image.shape[1]))
    transform = AgeVisionTransform(fov_deg=fov_deg * padded.shape[0] / image.shape[0])
    columns = len(ages) + 1
    figure, grid = plt.subplots(1, columns, figsize=(2.6 * columns, 3.0), layout="constrained")
    grid[0].imshow(image)
    grid[0].set_title("adult", fontsize=10)
    for axes, age in zip(grid[1:], ages, strict=True):
        seen = transform(frames, age)[0].permute(1, 2, 0).numpy()[inside]
        axes.imshow(seen.clip(0, 1))
        axes.set_title(f"{age:g} months\n{vision.acuity_cpd(age):.1f} cpd", fontsize=10)
    for axes in grid:
        axes.set_axis_off()
    finest = 0.5 * image.shape[0] / fov_deg  # the pixels' Nyquist limit in cycles/degree
    figure.suptitle(
        f"as seen at each age: {fov_deg:g}° vertical field of view, so the picture holds "
        f"detail up to {finest:.1f} cycles/degree; acuity above that shows no blur",
        fontsize=10,
    )
    path = save_figure(figure, path)
    plt.close(figure)
    return path


def sample_scene(size: int = 512) -> np.ndarray:
    """A built-in picture with colours, fine and coarse checks and a grating: (H, W, 3)."""
    y, x = np.mgrid[0:size, 0:size] / size
    image = np.full((size, size, 3), 0.5)
    colours = [(0.9, 0.1, 0.1), (0.1, 0.7, 0.2), (0.1, 0.2, 0.9), (0.95, 0.85, 0.1)]
    for row, colour in enumerate(colours):  # colour bars, left third
        image[(y >= row / 4) & (y < (row + 1) / 4) & (x < 1 / 3)] = colour
    for row, squares in enumerate((4, 16, 48)):  # checkerboards, middle third
        band = (y >= row / 3) & (y < (row + 1) / 3) & (x >= 1 / 3) & (x < 2 / 3)
        check = ((np.floor(x * squares) + np.floor(y * squares)) % 2) * 0.8 + 0.1
        image[band] = check[band][:, None]
    cycles = 4 + 120 * y**2  # per picture height: a grating getting finer downwards
    grating = 0.5 + 0.4 * np.sin(2 * np.pi * cycles * x)
    image[x >= 2 / 3] = grating[x >= 2 / 3][:, None]
    return image.astype(np.float32)
