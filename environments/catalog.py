"""The object catalog: 24 categories named by early nouns, exemplars with split-aware appearance.

An exemplar is a shape (drawn from its category's shape family, `shapes.py`) plus an
appearance (colours and texture), drawn from separate seeds so they vary independently: a
shape-bias test can put one exemplar's colours on another's shape. Exemplars of the ``test``
split take their hues from bands and their textures from kinds that ``train`` exemplars never
use, so a learner cannot pass held-out tests by remembering colours.
"""

from __future__ import annotations

import colorsys
import zlib
from dataclasses import dataclass

import numpy as np

from devlearn.environments.shapes import SHAPE_FAMILIES, Part

CATEGORIES: tuple[str, ...] = tuple(SHAPE_FAMILIES)
SPLITS = ("train", "test")

# Hue bands (fractions of the colour circle) reserved for held-out exemplars: orange-yellow,
# green-cyan and violet. Training exemplars draw hues from the rest of the circle.
TEST_HUE_BANDS: tuple[tuple[float, float], ...] = ((0.06, 0.13), (0.38, 0.45), (0.72, 0.79))
TEXTURES = {"train": ("plain", "checker"), "test": ("gradient", "speckle")}
DARK_RGBA = (0.08, 0.08, 0.09, 1.0)
LIGHT_RGBA = (0.93, 0.92, 0.88, 1.0)


@dataclass(frozen=True)
class Appearance:
    """Colours (RGB in 0..1) and texture kind of one exemplar."""

    main: tuple[float, float, float]
    accent: tuple[float, float, float]
    texture: str
    main_hue: float
    accent_hue: float


@dataclass(frozen=True)
class Exemplar:
    """One object: its category, shape parts (metres) and appearance."""

    category: str
    exemplar_id: str
    split: str
    parts: tuple[Part, ...]
    appearance: Appearance

    @property
    def radius(self) -> float:
        """Rough bounding radius around the object's origin, metres."""
        extent = [np.linalg.norm(p.pos) + max(p.size) for p in self.parts]
        return float(max(extent))

    @property
    def centre(self) -> np.ndarray:
        """Centre of the object's bounding box in its own frame, metres (the origin is at
        the bottom): where an eye lands on it and where a hand holding it up aims."""
        pos = np.array([p.pos for p in self.parts], float)
        reach = np.array([_part_reach(p) for p in self.parts])[:, None]
        return 0.5 * ((pos - reach).min(axis=0) + (pos + reach).max(axis=0))

    @property
    def half_extent(self) -> float:
        """Radius of a sphere about `centre` holding the whole object, metres."""
        pos = np.array([p.pos for p in self.parts], float)
        reach = np.array([_part_reach(p) for p in self.parts])
        return float(np.max(np.linalg.norm(pos - self.centre, axis=1) + reach))


def _part_reach(part: Part) -> float:
    """Distance from a part's centre to its farthest point, whatever its orientation."""
    s = part.size
    if part.kind == "capsule":
        return float(s[0] + s[1])
    if part.kind == "cylinder":
        return float(np.hypot(s[0], s[1]))
    if part.kind == "box":
        return float(np.linalg.norm(s))
    return float(max(s))  # sphere, ellipsoid


def in_test_band(hue: float) -> bool:
    """True if a hue (0..1) lies in a band reserved for held-out exemplars."""
    return any(lo <= hue % 1.0 < hi for lo, hi in TEST_HUE_BANDS)


def _sample_hue(rng: np.random.Generator, split: str) -> float:
    if split == "test":
        widths = np.array([hi - lo for lo, hi in TEST_HUE_BANDS])
        band = rng.choice(len(TEST_HUE_BANDS), p=widths / widths.sum())
        lo, hi = TEST_HUE_BANDS[band]
        return float(rng.uniform(lo, hi))
    while True:  # rejection keeps training hues uniform outside the reserved bands
        hue = float(rng.uniform(0.0, 1.0))
        if not in_test_band(hue):
            return hue


def sample_appearance(seed: int, split: str = "train", category: str | None = None) -> Appearance:
    """Colours and texture for an appearance seed, from the split's hue bands and textures.

    With ``category`` the draw also depends on the category, so exemplar 0 of every category
    does not share one colour; without it the same seed gives the same look on any shape.
    """
    _check_split(split)
    salt = [] if category is None else [zlib.crc32(category.encode())]
    rng = np.random.default_rng([*salt, seed, 7919, SPLITS.index(split)])
    main_hue, accent_hue = _sample_hue(rng, split), _sample_hue(rng, split)
    main = colorsys.hsv_to_rgb(main_hue, rng.uniform(0.5, 0.95), rng.uniform(0.55, 0.95))
    accent = colorsys.hsv_to_rgb(accent_hue, rng.uniform(0.4, 0.9), rng.uniform(0.4, 0.9))
    texture = str(rng.choice(TEXTURES[split]))
    return Appearance(
        tuple(map(float, main)), tuple(map(float, accent)), texture, main_hue, accent_hue
    )


def sample_exemplar(
    category: str, exemplar_seed: int, split: str = "train", appearance_seed: int | None = None
) -> Exemplar:
    """The exemplar of ``category`` numbered ``exemplar_seed`` in ``split``.

    Shape and appearance come from independent streams; pass ``appearance_seed`` to pair a
    shape with another exemplar's colours (shape-bias tests). Same arguments, same exemplar.
    """
    if category not in SHAPE_FAMILIES:
        raise ValueError(f"unknown category {category!r}; known: {', '.join(CATEGORIES)}")
    _check_split(split)
    code = zlib.crc32(category.encode())
    rng = np.random.default_rng([code, exemplar_seed, SPLITS.index(split)])
    scale = float(rng.uniform(0.85, 1.2))
    parts = tuple(_scaled(p, scale) for p in SHAPE_FAMILIES[category](rng))
    if appearance_seed is None:
        look = sample_appearance(exemplar_seed, split, category)
    else:
        look = sample_appearance(appearance_seed, split)
    return Exemplar(category, f"{category}-{split}-{exemplar_seed}", split, parts, look)


def _scaled(part: Part, scale: float) -> Part:
    return Part(
        part.kind,
        tuple(s * scale for s in part.size),
        tuple(float(x) * scale for x in part.pos),
        part.euler,
        part.role,
    )


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")


def _fmt(values) -> str:
    return " ".join(f"{float(v):.5g}" for v in values)


def exemplar_assets_xml(ex: Exemplar, prefix: str) -> str:
    """MJCF <texture>/<material> elements for an exemplar, names starting with ``prefix``."""
    main, accent = ex.appearance.main, ex.appearance.accent
    darker = tuple(0.55 * c for c in main)
    tex = ex.appearance.texture
    if tex == "plain":
        texture = ""
    elif tex == "checker":
        texture = (
            f'<texture name="{prefix}tex" type="cube" builtin="checker" width="16" '
            f'height="16" rgb1="{_fmt(main)}" rgb2="{_fmt(darker)}"/>'
        )
    elif tex == "gradient":
        texture = (
            f'<texture name="{prefix}tex" type="cube" builtin="gradient" width="16" '
            f'height="16" rgb1="{_fmt(main)}" rgb2="{_fmt(accent)}"/>'
        )
    else:  # speckle
        texture = (
            f'<texture name="{prefix}tex" type="cube" builtin="flat" width="16" '
            f'height="16" rgb1="{_fmt(main)}" mark="random" random="0.25" '
            f'markrgb="{_fmt(LIGHT_RGBA[:3])}"/>'
        )
    main_attr = f'texture="{prefix}tex" texrepeat="2 2"' if texture else f'rgba="{_fmt(main)} 1"'
    return (
        texture
        + f'<material name="{prefix}main" {main_attr} specular="0.2"/>'
        + f'<material name="{prefix}accent" rgba="{_fmt(accent)} 1" specular="0.2"/>'
    )


def exemplar_geoms_xml(ex: Exemplar, prefix: str, extra: str = "") -> str:
    """MJCF <geom> elements for an exemplar's parts (materials from `exemplar_assets_xml`)."""
    out = []
    for part in ex.parts:
        if part.role in ("main", "accent"):
            look = f'material="{prefix}{part.role}"'
        else:
            look = f'rgba="{_fmt(DARK_RGBA if part.role == "dark" else LIGHT_RGBA)}"'
        out.append(
            f'<geom type="{part.kind}" size="{_fmt(part.size)}" pos="{_fmt(part.pos)}" '
            f'euler="{_fmt(part.euler)}" {look} {extra}/>'
        )
    return "".join(out)
