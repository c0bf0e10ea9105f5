"""The object catalog: categories, exemplar variation, held-out colour ranges."""

from __future__ import annotations

import colorsys

import numpy as np
import pytest

from devlearn.environments.catalog import (
    CATEGORIES,
    TEXTURES,
    in_test_band,
    sample_appearance,
    sample_exemplar,
)

EARLY_NOUNS = {
    "ball",
    "car",
    "duck",
    "cup",
    "spoon",
    "shoe",
    "book",
    "bottle",
    "block",
    "truck",
    "bear",
    "bunny",
    "apple",
    "banana",
    "hat",
    "keys",
    "phone",
    "bowl",
    "train",
    "airplane",
    "fish",
    "bird",
    "dog",
    "cat",
}


def test_catalog_has_the_early_nouns():
    assert len(CATEGORIES) >= 24
    assert EARLY_NOUNS <= set(CATEGORIES)


def test_same_seed_same_exemplar_and_shapes_differ_between_exemplars():
    for category in CATEGORIES:
        a, b = sample_exemplar(category, 3), sample_exemplar(category, 3)
        assert a == b
        c = sample_exemplar(category, 4)
        sizes_a = np.concatenate([p.size for p in a.parts])
        sizes_c = np.concatenate([p.size for p in c.parts])
        assert len(a.parts) != len(c.parts) or not np.allclose(sizes_a, sizes_c)


def test_test_split_colours_and_textures_never_used_in_training():
    for seed in range(300):
        train, test = sample_appearance(seed, "train"), sample_appearance(seed, "test")
        assert not in_test_band(train.main_hue) and not in_test_band(train.accent_hue)
        assert in_test_band(test.main_hue) and in_test_band(test.accent_hue)
        assert train.texture in TEXTURES["train"] and test.texture in TEXTURES["test"]
        hue = colorsys.rgb_to_hsv(*test.main)[0]
        assert in_test_band(hue + 1e-6) or in_test_band(hue - 1e-6)
    assert not set(TEXTURES["train"]) & set(TEXTURES["test"])


def test_appearance_varies_independently_of_shape():
    plain = sample_exemplar("dog", 5)
    recoloured = sample_exemplar("dog", 5, appearance_seed=99)
    assert plain.parts == recoloured.parts
    assert plain.appearance != recoloured.appearance
    # the same appearance seed puts the same colours on another category's shape
    assert sample_exemplar("cat", 1, appearance_seed=99).appearance == recoloured.appearance


def test_default_colours_differ_between_categories():
    hues = {sample_exemplar(c, 0).appearance.main_hue for c in CATEGORIES}
    assert len(hues) == len(CATEGORIES)


def test_unknown_category_and_split_are_errors():
    with pytest.raises(ValueError, match="unknown category"):
        sample_exemplar("unicorn", 0)
    with pytest.raises(ValueError, match="unknown split"):
        sample_exemplar("ball", 0, split="val")


def test_render_exemplar_shows_the_object_in_its_colour():
    from devlearn.environments.exemplar_render import BACKGROUND, render_exemplar

    image = render_exemplar("block", 2, split="test", size=64)
    assert image.shape == (64, 64, 3) and image.dtype == np.uint8
    grey = np.array(BACKGROUND) * 255
    differs = np.abs(image.astype(float) - grey).sum(axis=2) > 40
    assert 0.03 < differs.mean() < 0.9  # an object, not an empty or full frame
    centre = differs[16:48, 16:48].mean()
    assert centre > differs.mean()  # framed in the middle
    assert np.array_equal(image, render_exemplar("block", 2, split="test", size=64))


def test_centre_and_half_extent_bound_every_part():
    from devlearn.environments.catalog import Appearance, Exemplar
    from devlearn.environments.shapes import Part

    look = Appearance((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), "plain", 0.0, 0.3)
    # a sphere of radius 0.05 resting on the floor, and a box 0.2 m to its side
    parts = (
        Part("sphere", (0.05,), (0.0, 0.0, 0.05)),
        Part("box", (0.02, 0.02, 0.02), (0.2, 0, 0.02)),
    )
    ex = Exemplar("ball", "x", "train", parts, look)
    box_reach = np.sqrt(3) * 0.02
    # reaches are orientation-free: the box's reach goes below the floor too
    assert np.allclose(
        ex.centre, [(-0.05 + 0.2 + box_reach) / 2, 0.0, (0.02 - box_reach + 0.1) / 2]
    )
    to_box = np.linalg.norm(np.array([0.2, 0, 0.02]) - ex.centre) + box_reach
    to_sphere = np.linalg.norm(np.array([0, 0, 0.05]) - ex.centre) + 0.05
    assert np.isclose(ex.half_extent, max(to_box, to_sphere))
    assert ex.half_extent >= (0.2 + box_reach + 0.05) / 2  # at least half the length
    for category in CATEGORIES:  # every part's centre lies within the bounding sphere
        e = sample_exemplar(category, 0)
        for p in e.parts:
            assert np.linalg.norm(np.array(p.pos) - e.centre) < e.half_extent
