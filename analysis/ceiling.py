"""A supervised ceiling for word grounding: what ground-truth labels can learn from the same views.

A self-supervised learner finds which words go with which objects; a classifier told every
object's category needs to find nothing, only to see objects well enough. Trained on the same
frames and scored with the same word -> image trials (`grounding.forced_choice`), it gives the
accuracy that the visual experience allows within a budget. When the learner falls short of a
target and the ceiling does too, the frames (how many exemplars, how well they are seen) limit
learning, not the word-learning objective.

`object_views` cuts a square around each labelled object's box (objects table ``bbox_*``, in
frame pixels) from a dataset's frames; a dataset without boxes gives whole frames.
`train_ceiling` fits the learner's own vision encoder plus a linear layer to those views, with
the learner's augmentations. The result has ``encode_image`` and ``encode_text``, so
`forced_choice` scores it like a trained learner: an image's score for a word is the
log-probability of the word's category.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import polars as pl
import torch
import torch.nn.functional as F
from torch import nn

MARGIN = 1.5  # a view is this many times the object's box side, so its outline is in view


def object_views(
    dataset,  # noqa: ANN001 - devlearn.datasets.Dataset
    split: str | None = "train",
    min_side: float = 16.0,
    max_views: int = 30_000,
    size: int = 48,
    seed: int = 0,
    margin: float = MARGIN,
) -> tuple[np.ndarray, list[str]]:
    """uint8 (n, size, size, 3) views of labelled objects and their categories.

    Only objects whose box side (frame pixels) is at least ``min_side`` count, and where some
    objects have boxes, objects without one are left out; a dataset without boxes gives whole
    frames. With more than ``max_views`` a random sample (by ``seed``) is taken. ``split``
    picks sessions (None: all). Each view is ``margin`` times its box's side.
    """
    objects = dataset.objects.filter(
        pl.col("frame_idx").is_not_null() & pl.col("category").is_not_null()
    )
    if split is not None:
        sessions = dataset.sessions.filter(pl.col("split") == split).select("session_id")
        objects = objects.join(sessions, on="session_id")
    table = objects.collect()
    if table.height == 0:
        raise ValueError(f"{dataset.path}: no labelled objects in frames (split {split!r})")
    has_box = "bbox_x0" in table.columns and table["bbox_x0"].null_count() < table.height
    if has_box:
        side = pl.max_horizontal(
            pl.col("bbox_x1") - pl.col("bbox_x0"), pl.col("bbox_y1") - pl.col("bbox_y0")
        )
        table = table.drop_nulls("bbox_x0").with_columns(side.alias("side"))
        table = table.filter(pl.col("side") >= min_side)
    if table.height == 0:
        raise ValueError(f"{dataset.path}: no labelled object box is {min_side:g} px or larger")
    table = _sample(table, max_views, seed)
    return _cut(dataset, table, size, has_box, margin), table["category"].to_list()


def _sample(table: pl.DataFrame, max_views: int | None, seed: int) -> pl.DataFrame:
    """At most ``max_views`` rows of ``table``, drawn by ``seed``, in their order."""
    if max_views is None or table.height <= max_views:
        return table
    pick = np.random.default_rng(seed).choice(table.height, max_views, replace=False)
    return table[np.sort(pick).tolist()]


def _cut(dataset, table: pl.DataFrame, size: int, boxes: bool = True,  # noqa: ANN001
         margin: float = MARGIN) -> np.ndarray:  # fmt: skip
    """uint8 (n, size, size, 3): each row's frame, cut ``margin`` times around its box
    (``boxes``) or whole, in the table's row order."""
    if not margin > 0:  # refused with or without boxes: a bad call fails the same either way
        raise ValueError(f"margin must be > 0 (times the box side), got {margin}")
    table = table.with_row_index("view")
    views = np.empty((table.height, size, size, 3), np.uint8)
    for (session_id,), group in table.group_by("session_id", maintain_order=True):
        frames = dataset.read_frames(session_id, group["frame_idx"].to_numpy())
        squares = _squares(group, frames.shape[1], frames.shape[2], margin) if boxes else None
        for k, view in enumerate(group["view"].to_list()):
            frame = frames[k]
            if squares is not None:
                x0, y0, s = squares[k]
                frame = frame[y0 : y0 + s, x0 : x0 + s]
            views[view] = _resize(frame, size)
    return views


def held_views(
    dataset,  # noqa: ANN001 - devlearn.datasets.Dataset
    min_side: float = 12.0,
    size: int = 64,
    margin: float = MARGIN,
    max_views: int | None = None,
    seed: int = 0,
) -> pl.DataFrame:
    """Views of toys held up before a simulated child while it looks at them.

    Frames where the caregiver is showing a toy (frames table ``caregiver_activity`` "show")
    and the toy held (``held_object``) has a box of at least ``min_side`` px containing the
    gaze point: the child's own view of a toy someone holds up, cut as `object_views` cuts
    (``margin`` times the box); with more than ``max_views`` a random sample (by ``seed``) is
    cut. Returns a table with ``session_id``, ``frame_idx``,
    ``category``, ``exemplar`` and ``pixels`` (uint8 size x size x 3, as a list column).
    """
    frames = dataset.frames.filter(
        (pl.col("caregiver_activity") == "show") & (pl.col("held_object") != "")
    ).select(
        "session_id", "frame_idx", "gaze_x", "gaze_y", pl.col("held_object").alias("object_id")
    )
    side = pl.max_horizontal(
        pl.col("bbox_x1") - pl.col("bbox_x0"), pl.col("bbox_y1") - pl.col("bbox_y0")
    )
    table = (
        dataset.objects.filter(pl.col("frame_idx").is_not_null() & pl.col("bbox_x0").is_not_null())
        .join(frames, on=["session_id", "frame_idx", "object_id"])
        .with_columns(side.alias("side"))
        .filter(
            (pl.col("side") >= min_side)
            & pl.col("gaze_x").is_between(pl.col("bbox_x0"), pl.col("bbox_x1"))
            & pl.col("gaze_y").is_between(pl.col("bbox_y0"), pl.col("bbox_y1"))
        )
        .sort("session_id", "frame_idx")
        .collect()
    )
    table = _sample(table, max_views, seed)
    pixels = list(_cut(dataset, table, size, margin=margin))
    return table.select("session_id", "frame_idx", "category", "exemplar").with_columns(
        pl.Series("pixels", pixels, dtype=pl.Object)
    )


def _squares(group: pl.DataFrame, height: int, width: int, margin: float = MARGIN) -> np.ndarray:
    """(x0, y0, side) of a square ``margin`` times each box's side around its centre, in frame."""
    cx = (group["bbox_x0"].to_numpy() + group["bbox_x1"].to_numpy()) / 2
    cy = (group["bbox_y0"].to_numpy() + group["bbox_y1"].to_numpy()) / 2
    side = np.clip(group["side"].to_numpy() * margin, 8, min(height, width)).astype(int)
    x0 = np.clip(np.round(cx - side / 2), 0, width - side).astype(int)
    y0 = np.clip(np.round(cy - side / 2), 0, height - side).astype(int)
    return np.stack([x0, y0, side], axis=1)


def _resize(pixels: np.ndarray, size: int) -> np.ndarray:
    """uint8 (H, W, 3) -> uint8 (size, size, 3), resized as the learner resizes its frames."""
    from devlearn.training.augment import to_float_images

    image = to_float_images(torch.from_numpy(np.ascontiguousarray(pixels))[None], size)
    return image[0].permute(1, 2, 0).mul(255).round().clamp(0, 255).to(torch.uint8).numpy()


class CeilingModel(nn.Module):
    """A category classifier with the trained learner's evaluation interface."""

    def __init__(self, categories: Sequence[str], width: int = 32, image_size: int = 48):
        super().__init__()
        from devlearn.models.vision import build_vision

        self.categories = list(categories)
        self.image_size = image_size
        self.vision = build_vision("resnet", width, image_size)
        with torch.no_grad():
            features = self.vision(torch.zeros(1, 3, image_size, image_size)).shape[-1]
        self.head = nn.Linear(features, len(self.categories))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """float (B, 3, S, S) in [0, 1] -> logits (B, categories)."""
        return self.head(self.vision(images))

    @torch.no_grad()
    def encode_image(self, pixels: np.ndarray) -> np.ndarray:
        """uint8 (n, H, W, 3) -> log-probabilities of each category (n, categories)."""
        from devlearn.training.augment import to_float_images

        self.eval()
        out = []
        for start in range(0, len(pixels), 256):
            batch = torch.from_numpy(np.ascontiguousarray(pixels[start : start + 256]))
            out.append(F.log_softmax(self(to_float_images(batch, self.image_size)), dim=1))
        return torch.cat(out).numpy()

    def encode_text(self, texts: Sequence[Sequence[str] | str]) -> np.ndarray:
        """Each text (tokens, or a string) -> one-hot of the category its last word names."""
        out = np.zeros((len(texts), len(self.categories)), np.float32)
        for i, text in enumerate(texts):
            tokens = text.split() if isinstance(text, str) else list(text)
            if tokens and tokens[-1] in self.categories:
                out[i, self.categories.index(tokens[-1])] = 1.0
        return out


def train_ceiling(
    views: np.ndarray,
    categories: Sequence[str],
    minutes: float,
    seed: int = 0,
    max_steps: int | None = None,
    batch_size: int = 64,
    lr: float = 2e-3,
    progress: bool = True,
) -> CeilingModel:
    """Fit a `CeilingModel` to labelled views for ``minutes`` (or ``max_steps``) on this CPU.

    Views get the learner's default augmentations (crops, flips, colour made unreliable), so
    the ceiling too must recognise objects by shape. Same seed, same steps: same weights.
    """
    from tqdm import tqdm

    from devlearn.training.augment import BatchAugment
    from devlearn.training.config import AugmentConfig

    if len(views) != len(categories) or len(views) < 2:
        raise ValueError(f"need >= 2 views with one category each, got {len(views)} views")
    names = sorted(set(categories))
    labels = torch.tensor([names.index(c) for c in categories])
    torch.manual_seed(seed)
    model = CeilingModel(names)
    augment = BatchAugment(AugmentConfig(), model.image_size)
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.05)
    pixels = torch.from_numpy(views)
    start = time.monotonic()
    deadline = start + minutes * 60
    # the bar counts steps when they are capped, else seconds of the time budget
    by_time = max_steps is None
    total = round(minutes * 60) if by_time else max_steps
    unit = "s" if by_time else "step"
    bar = tqdm(total=total, desc="supervised ceiling", unit=unit, disable=not progress)
    step = 0
    model.train()
    while (max_steps is None or step < max_steps) and time.monotonic() < deadline:
        idx = torch.randint(0, len(views), (batch_size,), generator=generator)
        loss = F.cross_entropy(model(augment(pixels[idx], generator)), labels[idx])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        step += 1
        bar.update(min(total, round(time.monotonic() - start)) - bar.n if by_time else 1)
        bar.set_postfix(step=step, loss=f"{loss.item():.3f}", refresh=False)
    bar.close()
    model.steps = step
    return model.eval()
