"""Furniture pieces as MJCF geoms: table, sofa, shelf, crib and rug.

Each builder places its piece against a wall, given the piece's centre on the floor and yaw,
and returns the geoms plus the top surfaces objects can rest on. Only the big boxes collide;
decorative parts (crib bars, shelf books) are visual only, to keep contact checks cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Geom group drawn in the colour frame but left out of the segmentation pass (each geom costs
# render time there): thin decorations that would hide little (books, crib bars, table legs,
# rugs, window frames, the caregiver's eyes and mouth) and the room's shell, which hides none.
DECOR_GROUP = 3


@dataclass(frozen=True)
class Surface:
    """A horizontal surface objects can be put on: centre (x, y), height z, half extents."""

    x: float
    y: float
    z: float
    half_x: float
    half_y: float


def _fmt(values) -> str:
    return " ".join(f"{float(v):.4g}" for v in values)


class Placer:
    """Writes boxes in a piece's local frame (x along the wall, y out of it) to world geoms."""

    def __init__(self, cx: float, cy: float, yaw_deg: float):
        self.cx, self.cy, self.yaw = cx, cy, np.radians(yaw_deg)
        self.geoms: list[str] = []

    def world(self, x: float, y: float) -> tuple[float, float]:
        c, s = np.cos(self.yaw), np.sin(self.yaw)
        return self.cx + c * x - s * y, self.cy + s * x + c * y

    def box(self, x, y, z, hx, hy, hz, rgba, collide=True, decor=False) -> None:
        wx, wy = self.world(x, y)
        flags = "" if collide else ' contype="0" conaffinity="0"'
        flags += f' group="{DECOR_GROUP}"' if decor else ""
        self.geoms.append(
            f'<geom type="box" size="{_fmt((hx, hy, hz))}" pos="{_fmt((wx, wy, z))}" '
            f'euler="0 0 {np.degrees(self.yaw):.4g}" rgba="{_fmt(rgba)} 1"{flags}/>'
        )

    def cylinder(self, x, y, z, r, hz, rgba) -> None:
        wx, wy = self.world(x, y)
        self.geoms.append(
            f'<geom type="cylinder" size="{r:.4g} {hz:.4g}" '
            f'pos="{_fmt((wx, wy, z))}" rgba="{_fmt(rgba)} 1" contype="0" '
            f'conaffinity="0" group="{DECOR_GROUP}"/>'
        )

    def surface(self, x, y, z, hx, hy) -> Surface:
        wx, wy = self.world(x, y)
        if abs(np.sin(self.yaw)) > 0.5:  # rotated a quarter turn: swap extents
            hx, hy = hy, hx
        return Surface(float(wx), float(wy), float(z), float(hx), float(hy))


def table(p: Placer, rng: np.random.Generator, colour) -> list[Surface]:
    hx, hy, h = rng.uniform(0.4, 0.7), rng.uniform(0.3, 0.45), rng.uniform(0.45, 0.75)
    p.box(0, 0, h - 0.02, hx, hy, 0.02, colour)
    leg = tuple(0.7 * c for c in colour)
    for sx in (-1, 1):
        for sy in (-1, 1):
            p.box(
                sx * (hx - 0.04),
                sy * (hy - 0.04),
                (h - 0.04) / 2,
                0.025,
                0.025,
                (h - 0.04) / 2,
                leg,
                collide=False,
                decor=True,
            )
    return [p.surface(0, 0, h, hx - 0.05, hy - 0.05)]


def sofa(p: Placer, rng: np.random.Generator, colour) -> list[Surface]:
    hx, depth = rng.uniform(0.7, 1.1), rng.uniform(0.35, 0.45)
    seat = rng.uniform(0.38, 0.48)
    p.box(0, 0, seat / 2, hx, depth, seat / 2, colour)
    p.box(0, -depth + 0.1, seat + 0.25, hx, 0.1, 0.25, colour)
    arm = tuple(0.85 * c for c in colour)
    for s in (-1, 1):
        p.box(s * (hx + 0.08), 0, seat / 2 + 0.12, 0.08, depth, seat / 2 + 0.12, arm)
    return [p.surface(0, 0.1, seat, hx - 0.1, depth - 0.25)]


def shelf(p: Placer, rng: np.random.Generator, colour) -> list[Surface]:
    hx, depth, height = rng.uniform(0.4, 0.7), 0.17, rng.uniform(1.0, 1.8)
    n = int(rng.integers(3, 6))
    for s in (-1, 1):
        p.box(s * hx, 0, height / 2, 0.02, depth, height / 2, colour)
    p.box(0, -depth + 0.01, height / 2, hx, 0.01, height / 2, tuple(0.8 * c for c in colour))
    surfaces = []
    for i in range(n):
        z = 0.03 + i * (height - 0.05) / (n - 1)
        p.box(0, 0, z, hx, depth, 0.015, colour)
        surfaces.append(p.surface(0, 0, z + 0.015, hx - 0.05, depth - 0.05))
        if i < n - 1 and rng.random() < 0.7:  # a row of books, visual only
            x = -hx + 0.05
            while x < hx - 0.1:
                w = rng.uniform(0.025, 0.06)
                tall = rng.uniform(0.12, 0.2)
                book = tuple(rng.uniform(0.2, 0.9, 3))
                p.box(x + w, -0.02, z + 0.015 + tall / 2, w, 0.12, tall / 2, book, False, True)
                x += 2 * w + 0.004
    return surfaces[:2]  # low shelves: within a caregiver's and a toddler's reach


def crib(p: Placer, rng: np.random.Generator, colour) -> list[Surface]:
    hx, hy, rail = 0.65, 0.35, rng.uniform(0.85, 1.0)
    mattress = 0.45
    p.box(0, 0, mattress / 2, hx, hy, mattress / 2, (0.95, 0.95, 0.97))
    for s in (-1, 1):
        p.box(s * hx, 0, rail / 2, 0.03, hy, rail / 2, colour, collide=False)
        p.box(0, s * hy, rail - 0.02, hx, 0.02, 0.02, colour, collide=False, decor=True)
        for i in range(6):  # bars
            p.cylinder(
                -hx + (i + 1) * 2 * hx / 7,
                s * hy,
                (rail + mattress) / 2,
                0.01,
                (rail - mattress) / 2,
                colour,
            )
    return [p.surface(0, 0, mattress, hx - 0.1, hy - 0.1)]


def rug(p: Placer, rng: np.random.Generator, colour) -> list[Surface]:
    hx, hy = rng.uniform(0.6, 1.1), rng.uniform(0.5, 0.9)
    p.box(0, 0, 0.003, hx, hy, 0.003, colour, collide=False, decor=True)
    p.box(0, 0, 0.0045, hx * 0.8, hy * 0.8, 0.0025, tuple(1 - 0.6 * c for c in colour), False, True)
    return []


FURNITURE = {"table": table, "sofa": sofa, "shelf": shelf, "crib": crib}
