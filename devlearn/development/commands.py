"""`devlearn development ...`: pictures of the developmental profile."""

from __future__ import annotations

from pathlib import Path

from devlearn.errors import UserError


def show(
    image: str | None = None,
    ages: str = "1,3,6,12,24",
    fov: float = 100.0,
    out: str = "age_grid.png",
    max_side: int = 1024,
) -> None:
    """Write a PNG grid of a picture as a child sees it at each age.

    Args:
        image: picture file (PNG, JPEG, ...); without it, a built-in test scene.
        ages: ages in months, comma-separated (0-48).
        fov: the camera's vertical field of view in degrees (spanning the picture's height).
        out: the PNG to write.
        max_side: pictures larger than this are shrunk first (the blur depends on degrees,
            not pixels, so this changes only the time taken).
    """
    from devlearn.development.plots import age_grid, sample_scene

    age_list = _parse_ages(ages)
    if not fov > 0 or fov >= 360:
        raise UserError(f"--fov {fov} must be above 0 and below 360 degrees")
    picture = sample_scene() if image is None else _read_image(image, max_side)
    path = age_grid(picture, age_list, fov, out)
    print(f"wrote {path}")


def curves(out: str = "development_curves", sex: str = "female") -> None:
    """Write PNG plots of acuity, contrast and colour, posture, eye height and words per hour.

    Args:
        out: folder to write the PNGs into (created if missing).
        sex: "female" or "male", for stature and eye height.
    """
    from devlearn.development.plots import plot_curves

    if sex not in ("female", "male"):
        raise UserError(f"--sex {sex!r} must be female or male")
    for path in plot_curves(out, sex):
        print(f"wrote {path}")


def _parse_ages(text: str | list | tuple) -> list[float]:
    from devlearn.development.ages import check_age

    parts = text if isinstance(text, (list, tuple)) else str(text).split(",")
    try:
        ages = [check_age(float(part)) for part in parts if str(part).strip()]
    except ValueError as error:
        raise UserError(f"--ages {text!r}: {error}") from None
    if not ages:
        raise UserError("--ages needs at least one age in months, e.g. 1,3,6,12,24")
    return ages


def _read_image(path: str, max_side: int):  # noqa: ANN202 - numpy array
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    if not Path(path).is_file():
        raise UserError("no such image file", path=path)
    try:
        with Image.open(path) as opened:
            picture = opened.convert("RGB")
    except (UnidentifiedImageError, OSError) as error:
        raise UserError(f"cannot read the image: {error}", path=path) from None
    if max(picture.size) > max_side > 0:
        picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return np.asarray(picture, dtype=np.float32) / 255.0


COMMANDS = {"development": {"show": show, "curves": curves}}
