"""Import labelled image folders (Labeled-S, Konkle objects, Toybox style) as evaluation sets:

    ROOT/ball/0001.jpg, ROOT/ball/0002.jpg, ROOT/car/...

Each category becomes one session (split "test") whose frames are the images, short side
scaled and centre-cropped to size x size; objects rows give each frame's category."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from devlearn.datasets.format import safe_session_id
from devlearn.datasets.importers.common import check_input, check_target, import_each, provenance
from devlearn.datasets.writer import DatasetWriter
from devlearn.errors import UserError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
NOMINAL_FPS = 1.0  # images have no time; frame i sits at i seconds


def load_image(path: Path, size: int) -> np.ndarray:
    """An RGB image with its short side scaled to `size`, centre-cropped to size x size."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image = image.convert("RGB")
            scale = size / min(image.size)
            width = max(size, round(image.width * scale))
            height = max(size, round(image.height * scale))
            image = image.resize((width, height), Image.Resampling.BILINEAR)
            left, top = (width - size) // 2, (height - size) // 2
            return np.asarray(image.crop((left, top, left + size, top + size)))
    except (OSError, UnidentifiedImageError, ValueError) as error:
        raise UserError(f"cannot read the image: {error}", path=path) from error


def import_labeled_frames(
    root: str | Path,
    out: str | Path,
    size: int = 224,
    seed: int = 0,
    skip_bad: bool = False,
    options: dict | None = None,
) -> Path:
    """Import ROOT/CATEGORY/IMAGE files into a dataset at `out`."""
    out = check_target(out)
    root = check_input(root, "image folder")
    if size <= 0:
        raise UserError(f"--size {size} must be > 0")
    categories = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    if not categories:
        raise UserError("no category sub-folders", path=root)
    writer = DatasetWriter(
        out,
        fps=NOMINAL_FPS,
        frame_size=(size, size),
        source="labeled-frames",
        provenance=provenance("import labeled-frames", options or {}, seed),
    )

    def one_category(folder: Path) -> None:
        images = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        if not images:
            raise UserError("no images in this category", path=folder)
        session_id = safe_session_id(folder.name)
        with writer.session(
            session_id, "labeled", 0, split="test", extra={"category": folder.name}
        ) as session:
            rows = []
            for image in images:
                try:
                    pixels = load_image(image, size)
                except UserError as error:
                    if not skip_bad:
                        raise
                    writer.skip(str(image), error.message)
                    continue
                rows.append(
                    {
                        "frame_idx": session.n_frames,
                        "object_id": image.stem,
                        "category": folder.name,
                        "exemplar": str(image.relative_to(root)),
                        "named": False,
                    }
                )
                session.add_frames(pixels[None])
            if not rows:
                raise UserError("no readable images in this category", path=folder)
            session.add_objects(rows)

    with writer:
        import_each(writer, categories, one_category, skip_bad, name=str, desc="categories")
    return out
