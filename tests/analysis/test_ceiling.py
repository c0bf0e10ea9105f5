from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from devlearn.analysis.ceiling import MARGIN, object_views, train_ceiling
from devlearn.analysis.grounding import forced_choice
from devlearn.datasets import DatasetWriter, open_dataset
from devlearn.training.toydata import HELDOUT_COLOURS, write_toy_dataset


def boxes_dataset(path: Path) -> Path:
    """64 px black frames, each with one white (category 'big') or grey ('small') square."""
    rng = np.random.default_rng(0)
    frames, rows = [], []
    for i in range(12):
        side = 12 if i % 2 == 0 else 6
        x0, y0 = (int(v) for v in rng.integers(0, 64 - side, 2))
        frame = np.zeros((64, 64, 3), np.uint8)
        frame[y0 : y0 + side, x0 : x0 + side] = 255 if side == 12 else 128
        frames.append(frame)
        rows.append(
            dict(frame_idx=i, object_id=f"o{i}", category="big" if side == 12 else "small",
                 exemplar=f"o{i}", pixel_frac=side * side / 64**2, bbox_x0=x0, bbox_y0=y0,
                 bbox_x1=x0 + side, bbox_y1=y0 + side)
        )  # fmt: skip
    with DatasetWriter(path, fps=1.0, frame_size=(64, 64)) as w:
        with w.session("s", "c", 300, split="train") as s:
            s.add_frames(np.stack(frames))
            s.add_objects(rows)
    return path


def test_views_are_cut_around_object_boxes(tmp_path: Path):
    ds = open_dataset(boxes_dataset(tmp_path / "boxes"))
    views, cats = object_views(ds, min_side=10, size=30)
    assert views.shape == (6, 30, 30, 3) and set(cats) == {"big"}  # small boxes left out
    for view in views:
        # the square fills the middle 1/MARGIN of the view; the corners are background
        assert view[15, 15].min() > 240 and view[:3, :3].max() < 20
        assert abs((view[..., 0] > 128).mean() - 1 / MARGIN**2) < 0.1
    views, cats = object_views(ds, min_side=0, max_views=4, size=30)
    assert len(views) == 4 and set(cats) <= {"big", "small"}
    with pytest.raises(ValueError, match="no labelled object box"):
        object_views(ds, min_side=20)
    views, _ = object_views(ds, min_side=10, size=32, margin=2.0)  # looser: a quarter of each
    assert all(abs((view[..., 0] > 128).mean() - 0.25) < 0.05 for view in views)
    with pytest.raises(ValueError, match="margin must be > 0"):
        object_views(ds, min_side=10, margin=0.0)


def test_ceiling_learns_shapes_that_generalise_to_new_colours(tmp_path: Path):
    train = open_dataset(write_toy_dataset(tmp_path / "train", n_sessions=2, seed=1, audio=False))
    heldout = open_dataset(
        write_toy_dataset(tmp_path / "heldout", n_sessions=1, palette=HELDOUT_COLOURS, seed=2,
                          audio=False)
    )  # fmt: skip
    views, cats = object_views(train, split=None, size=48)  # toy frames have no boxes: whole
    assert len(views) == train.objects.collect().height
    with pytest.raises(ValueError, match="margin must be > 0"):  # refused without boxes too
        object_views(train, split=None, size=48, margin=-1.0)
    model = train_ceiling(views, cats, minutes=5, max_steps=80, seed=0, progress=False)
    assert model.steps == 80
    four = forced_choice(model, heldout, n_way=4, trials_per_category=30)
    assert four.accuracy >= 0.9, four.per_category()
    again = train_ceiling(views, cats, minutes=5, max_steps=3, seed=0, progress=False)
    same = train_ceiling(views, cats, minutes=5, max_steps=3, seed=0, progress=False)
    for a, b in zip(again.state_dict().values(), same.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_text_names_its_category_and_unknown_words_score_nothing():
    model = train_ceiling(np.zeros((4, 48, 48, 3), np.uint8), ["a", "b", "a", "b"], 1,
                          max_steps=1, progress=False)  # fmt: skip
    assert model.encode_text([["look", "b"], "a", ["zebra"]]).tolist() == [
        [0, 1], [1, 0], [0, 0]
    ]  # fmt: skip
    logp = model.encode_image(np.zeros((3, 20, 20, 3), np.uint8))
    assert logp.shape == (3, 2) and np.allclose(np.exp(logp).sum(1), 1, atol=1e-5)
