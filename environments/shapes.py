"""Shape families of the object catalog, built from MuJoCo primitives.

Each family is a function ``(rng) -> list[Part]`` whose random draws change the exemplar's
shape details (proportions, number of parts, pose of parts), never its colour: colour and
texture are drawn separately in `catalog`, so shape and appearance vary independently.
Parts are in the object's frame, metres, z up, resting roughly on z = 0 at the bottom.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Part:
    """One primitive of an object. ``role`` picks its colour: main, accent, dark or light."""

    kind: str  # sphere, capsule, box, cylinder, ellipsoid
    size: tuple[float, ...]
    pos: tuple[float, float, float] = (0.0, 0.0, 0.0)
    euler: tuple[float, float, float] = (0.0, 0.0, 0.0)  # degrees, xyz
    role: str = "main"


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def ball(rng):
    r = _u(rng, 0.045, 0.11)
    squash = _u(rng, 0.8, 1.0)
    parts = [Part("ellipsoid", (r, r, r * squash), (0, 0, r * squash))]
    if rng.random() < 0.6:  # a seam band
        parts.append(Part("cylinder", (r * 1.01, r * 0.12), (0, 0, r * squash), role="accent"))
    return parts


def _wheels(xs, half_width, r, z):
    return [
        Part("cylinder", (r, r * 0.35), (x, s * half_width, z), (90, 0, 0), "dark")
        for x in xs
        for s in (-1, 1)
    ]


def car(rng):
    length, width, height = _u(rng, 0.12, 0.24), _u(rng, 0.07, 0.11), _u(rng, 0.03, 0.05)
    r = _u(rng, 0.018, 0.03)
    cabin_len, shift = length * _u(rng, 0.35, 0.6), _u(rng, -0.2, 0.15) * length
    z0 = r + height / 2
    return [
        Part("box", (length / 2, width / 2, height / 2), (0, 0, z0)),
        Part(
            "box",
            (cabin_len / 2, width * 0.42, height * 0.45),
            (shift, 0, z0 + height * 0.95),
            role="accent",
        ),
        *_wheels((-length * 0.32, length * 0.32), width / 2, r, r),
    ]


def truck(rng):
    cab, cargo = _u(rng, 0.05, 0.08), _u(rng, 0.12, 0.22)
    width, r = _u(rng, 0.08, 0.12), _u(rng, 0.02, 0.032)
    cab_h, cargo_h = _u(rng, 0.06, 0.09), _u(rng, 0.05, 0.11)
    x_cab = (cab + cargo) / 2
    return [
        Part("box", (cab / 2, width / 2, cab_h / 2), (x_cab, 0, r + cab_h / 2), role="accent"),
        Part("box", (cargo / 2, width / 2, cargo_h / 2), (-cab / 2 + 0.005, 0, r + cargo_h / 2)),
        *_wheels((x_cab, -cargo * 0.1, -cargo * 0.4), width / 2, r, r),
    ]


def train(rng):
    n_cars = int(rng.integers(1, 4))
    r, width = _u(rng, 0.015, 0.022), _u(rng, 0.05, 0.07)
    boiler_len, boiler_r = _u(rng, 0.08, 0.13), _u(rng, 0.022, 0.032)
    parts = [
        Part("cylinder", (boiler_r, boiler_len / 2), (0, 0, r + boiler_r), (0, 90, 0)),
        Part("box", (0.025, width / 2, 0.04), (-boiler_len / 2 - 0.02, 0, r + 0.04), role="accent"),
        Part(
            "cylinder",
            (0.009, _u(rng, 0.012, 0.025)),
            (boiler_len * 0.35, 0, r + 2.2 * boiler_r),
            role="dark",
        ),
        *_wheels((-boiler_len / 2, boiler_len / 3), width / 2, r, r),
    ]
    x = -boiler_len / 2 - 0.05
    for _ in range(n_cars - 1):
        car_len = _u(rng, 0.06, 0.1)
        x -= car_len / 2 + 0.012
        parts.append(Part("box", (car_len / 2, width / 2, 0.025), (x, 0, r + 0.03), role="accent"))
        parts += _wheels((x,), width / 2, r, r)
        x -= car_len / 2
    return parts


def airplane(rng):
    length, radius = _u(rng, 0.16, 0.28), _u(rng, 0.015, 0.025)
    span, chord = length * _u(rng, 0.7, 1.1), _u(rng, 0.03, 0.06)
    sweep = _u(rng, -20, 20)
    z = radius + 0.02
    return [
        Part("capsule", (radius, length / 2), (0, 0, z), (0, 90, 0)),
        Part("box", (chord / 2, span / 2, 0.004), (length * 0.05, 0, z), (0, 0, sweep), "accent"),
        Part("box", (chord * 0.3, span * 0.18, 0.003), (-length * 0.45, 0, z), role="accent"),
        Part("box", (chord * 0.35, 0.003, _u(rng, 0.025, 0.045)), (-length * 0.45, 0, z + 0.03)),
    ]


def duck(rng):
    body = (_u(rng, 0.05, 0.08), _u(rng, 0.035, 0.055), _u(rng, 0.03, 0.045))
    head = _u(rng, 0.022, 0.035)
    neck_x = body[0] * _u(rng, 0.4, 0.7)
    head_z = body[2] * 2 + head * _u(rng, 0.5, 1.2)
    return [
        Part("ellipsoid", body, (0, 0, body[2])),
        Part("sphere", (head,), (neck_x, 0, head_z)),
        Part(
            "ellipsoid",
            (head * 0.8, head * 0.45, head * 0.2),
            (neck_x + head * 1.1, 0, head_z),
            role="accent",
        ),
        Part(
            "ellipsoid",
            (body[0] * 0.25, 0.01, body[2] * 0.5),
            (-body[0] * 0.95, 0, body[2] * 1.5),
            (0, -30, 0),
        ),
        *[
            Part(
                "sphere",
                (head * 0.15,),
                (neck_x + head * 0.6, s * head * 0.7, head_z + head * 0.35),
                role="dark",
            )
            for s in (-1, 1)
        ],
    ]


def fish(rng):
    length, height, width = _u(rng, 0.07, 0.13), _u(rng, 0.03, 0.06), _u(rng, 0.015, 0.03)
    tail = _u(rng, 0.025, 0.045)
    spread = _u(rng, 25, 50)
    z = height + 0.005
    return [
        Part("ellipsoid", (length, width, height), (0, 0, z)),
        *[
            Part(
                "box",
                (tail, 0.003, tail * 0.3),
                (-length - tail * 0.7, 0, z + s * tail * 0.45),
                (0, s * spread, 0),
                "accent",
            )
            for s in (-1, 1)
        ],
        Part("box", (length * 0.35, 0.003, height * 0.3), (0, 0, z + height), role="accent"),
        Part(
            "sphere", (height * 0.15,), (length * 0.6, width * 0.8, z + height * 0.25), role="dark"
        ),
    ]


def bird(rng):
    body = (_u(rng, 0.04, 0.07), _u(rng, 0.025, 0.04), _u(rng, 0.025, 0.04))
    head, leg = _u(rng, 0.018, 0.028), _u(rng, 0.015, 0.03)
    z = leg + body[2]
    wing_tilt = _u(rng, 0, 35)
    return [
        Part("ellipsoid", body, (0, 0, z), (0, -_u(rng, 0, 25), 0)),
        Part("sphere", (head,), (body[0] * 0.9, 0, z + body[2] * 0.9)),
        Part(
            "ellipsoid",
            (head * 0.7, head * 0.2, head * 0.2),
            (body[0] * 0.9 + head * 1.2, 0, z + body[2] * 0.85),
            role="accent",
        ),
        *[
            Part(
                "ellipsoid",
                (body[0] * 0.7, 0.006, body[2] * 0.6),
                (-0.005, s * body[1], z),
                (s * wing_tilt, 0, 0),
                "accent",
            )
            for s in (-1, 1)
        ],
        Part("box", (body[0] * 0.4, body[1] * 0.5, 0.003), (-body[0] * 1.2, 0, z + 0.005)),
        *[
            Part("cylinder", (0.003, leg / 2), (0, s * body[1] * 0.4, leg / 2), role="dark")
            for s in (-1, 1)
        ],
    ]


def _quadruped(rng, slim: float, tail_up: bool, ears: str):
    length, radius = _u(rng, 0.06, 0.1), _u(rng, 0.025, 0.04) * slim
    leg, head = _u(rng, 0.03, 0.06), _u(rng, 0.025, 0.04)
    z = leg + radius
    snout = _u(rng, 0.2, 1.0) * head * (1.3 - slim)
    parts = [
        Part("capsule", (radius, length / 2), (0, 0, z), (0, 90, 0)),
        Part("sphere", (head,), (length / 2 + head * 0.6, 0, z + head * 1.1)),
        *[
            Part("capsule", (radius * 0.35, leg / 2), (x, s * radius * 0.6, leg / 2))
            for x in (-length / 2, length / 2)
            for s in (-1, 1)
        ],
        *[
            Part(
                "sphere",
                (head * 0.14,),
                (length / 2 + head * 1.4, s * head * 0.45, z + head * 1.35),
                role="dark",
            )
            for s in (-1, 1)
        ],
    ]
    if snout > 0.005:
        parts.append(
            Part(
                "ellipsoid",
                (snout, head * 0.45, head * 0.4),
                (length / 2 + head * 1.3, 0, z + head * 0.8),
                role="light",
            )
        )
    for s in (-1, 1):
        if ears == "pointed":
            parts.append(
                Part(
                    "box",
                    (head * 0.3, 0.004, head * 0.35),
                    (length / 2 + head * 0.5, s * head * 0.55, z + head * 2.0),
                    (s * 15, 45, 0),
                    "accent",
                )
            )
        else:
            parts.append(
                Part(
                    "ellipsoid",
                    (head * 0.3, 0.006, head * 0.55),
                    (length / 2 + head * 0.4, s * head * 0.95, z + head * 1.2),
                    (s * _u(rng, 10, 50), 0, 0),
                    "accent",
                )
            )
    tail_len = _u(rng, 0.03, 0.08)
    tail_angle = _u(rng, -70, -30) if tail_up else _u(rng, 10, 60)
    parts.append(
        Part(
            "capsule",
            (radius * 0.2, tail_len / 2),
            (-length / 2 - tail_len * 0.3, 0, z + tail_len * 0.3),
            (0, tail_angle, 0),
        )
    )
    return parts


def dog(rng):
    return _quadruped(rng, slim=1.0, tail_up=False, ears="floppy")


def cat(rng):
    return _quadruped(rng, slim=0.7, tail_up=True, ears="pointed")


def _sitting_animal(rng, ear_len: float, ear_r: float):
    body = (_u(rng, 0.04, 0.06), _u(rng, 0.04, 0.065), _u(rng, 0.05, 0.08))
    head = _u(rng, 0.03, 0.045)
    head_z = body[2] * 2 + head * 0.8
    parts = [
        Part("ellipsoid", body, (0, 0, body[2])),
        Part("sphere", (head,), (0.005, 0, head_z)),
        Part(
            "ellipsoid",
            (head * 0.4, head * 0.5, head * 0.35),
            (head * 0.85, 0, head_z - head * 0.3),
            role="light",
        ),
        *[
            Part(
                "sphere",
                (head * 0.13,),
                (head * 0.85, s * head * 0.4, head_z + head * 0.2),
                role="dark",
            )
            for s in (-1, 1)
        ],
        *[
            Part(
                "capsule",
                (body[1] * 0.22, body[2] * 0.45),
                (body[0] * 0.4, s * body[1] * 0.95, body[2] * 1.1),
                (s * _u(rng, 10, 60), 0, 0),
            )
            for s in (-1, 1)
        ],
        *[
            Part(
                "ellipsoid",
                (body[0] * 0.5, body[1] * 0.3, body[1] * 0.25),
                (body[0] * 0.6, s * body[1] * 0.55, body[1] * 0.25),
            )
            for s in (-1, 1)
        ],
    ]
    splay = _u(rng, 0, 25)
    for s in (-1, 1):
        parts.append(
            Part(
                "capsule",
                (ear_r, ear_len / 2),
                (0, s * head * 0.5, head_z + head * 0.7 + ear_len * 0.4),
                (s * splay, 0, 0),
                "accent",
            )
        )
    return parts


def bear(rng):
    return _sitting_animal(rng, ear_len=0.001, ear_r=_u(rng, 0.01, 0.016))


def bunny(rng):
    return _sitting_animal(rng, ear_len=_u(rng, 0.04, 0.08), ear_r=_u(rng, 0.007, 0.012))


def cup(rng):
    r, h = _u(rng, 0.03, 0.05), _u(rng, 0.05, 0.1)
    handle = _u(rng, 0.015, 0.03)
    parts = [
        Part("cylinder", (r, h / 2), (0, 0, h / 2)),
        Part("cylinder", (r * 0.85, 0.002), (0, 0, h + 0.001), role="dark"),
    ]
    if rng.random() < 0.85:  # most cups have a handle
        x = r + handle * 0.6
        parts += [
            Part("box", (0.005, 0.005, h * 0.3), (x, 0, h / 2), role="accent"),
            Part(
                "box",
                (handle * 0.35, 0.005, 0.005),
                (r + handle * 0.3, 0, h / 2 + h * 0.3),
                role="accent",
            ),
            Part(
                "box",
                (handle * 0.35, 0.005, 0.005),
                (r + handle * 0.3, 0, h / 2 - h * 0.3),
                role="accent",
            ),
        ]
    return parts


def bowl(rng):
    r, depth = _u(rng, 0.06, 0.11), _u(rng, 0.025, 0.05)
    return [
        Part("ellipsoid", (r, r, depth), (0, 0, depth)),
        Part("cylinder", (r * 0.99, 0.004), (0, 0, depth * 1.6)),
        Part("cylinder", (r * 0.85, 0.002), (0, 0, depth * 1.62 + 0.003), role="dark"),
        Part("cylinder", (r * 0.45, 0.006), (0, 0, 0.006), role="accent"),
    ]


def spoon(rng):
    handle, bowl_len = _u(rng, 0.08, 0.14), _u(rng, 0.025, 0.04)
    bend = _u(rng, 0, 15)
    return [
        Part("capsule", (0.005, handle / 2), (-handle / 2, 0, 0.008), (0, 90 - bend, 0)),
        Part(
            "ellipsoid",
            (bowl_len, bowl_len * _u(rng, 0.5, 0.75), 0.007),
            (bowl_len * 0.9, 0, 0.008),
            role="main",
        ),
        Part(
            "capsule",
            (0.007, handle * 0.15),
            (-handle * 0.85, 0, 0.008 + handle * 0.05),
            (0, 90 - bend, 0),
            "accent",
        ),
    ]


def shoe(rng):
    length, width = _u(rng, 0.1, 0.16), _u(rng, 0.035, 0.05)
    top = _u(rng, 0.025, 0.05)
    return [
        Part("box", (length / 2, width / 2, 0.006), (0, 0, 0.006), role="dark"),
        Part("ellipsoid", (length / 2, width / 2, top), (0, 0, 0.012)),
        Part("cylinder", (width * 0.45, _u(rng, 0.01, 0.035)), (-length * 0.3, 0, top + 0.012)),
        Part(
            "box",
            (length * 0.2, width * 0.3, 0.003),
            (length * 0.12, 0, top * 0.9 + 0.012),
            (0, -20, 0),
            "accent",
        ),
    ]


def book(rng):
    w, h, t = _u(rng, 0.1, 0.18), _u(rng, 0.12, 0.22), _u(rng, 0.01, 0.04)
    return [
        Part("box", (w / 2, h / 2, t / 2), (0, 0, t / 2)),
        Part("box", (w / 2 - 0.004, h / 2 - 0.004, t / 2 - 0.002), (0.004, 0, t / 2), role="light"),
        Part("box", (0.006, h / 2 + 0.001, t / 2 + 0.001), (-w / 2, 0, t / 2), role="accent"),
    ]


def bottle(rng):
    r, h = _u(rng, 0.025, 0.045), _u(rng, 0.1, 0.2)
    neck_r, neck_h = r * _u(rng, 0.3, 0.6), _u(rng, 0.02, 0.05)
    return [
        Part("cylinder", (r, h / 2), (0, 0, h / 2)),
        Part("ellipsoid", (r, r, r * 0.6), (0, 0, h)),
        Part("cylinder", (neck_r, neck_h / 2), (0, 0, h + neck_h / 2 + r * 0.4)),
        Part("cylinder", (neck_r * 1.2, 0.01), (0, 0, h + neck_h + r * 0.4 + 0.01), role="accent"),
    ]


def block(rng):
    side = _u(rng, 0.035, 0.07)
    sx, sy, sz = side * _u(rng, 0.8, 1.6), side * _u(rng, 0.8, 1.2), side * _u(rng, 0.8, 1.2)
    parts = [Part("box", (sx / 2, sy / 2, sz / 2), (0, 0, sz / 2))]
    for axis in range(int(rng.integers(1, 4))):  # raised letter-like marks on faces
        pos = [0.0, 0.0, sz / 2]
        pos[axis % 2] = (sx, sy)[axis % 2] / 2 + 0.001
        size = [sx * 0.3, sy * 0.3, sz * 0.3]
        size[axis % 2] = 0.002
        parts.append(Part("box", tuple(size), tuple(pos), role="accent"))
    return parts


def apple(rng):
    r = _u(rng, 0.035, 0.05)
    squash = _u(rng, 0.8, 1.0)
    return [
        Part("ellipsoid", (r, r, r * squash), (0, 0, r * squash)),
        Part(
            "cylinder",
            (0.003, 0.008),
            (0, 0, 2 * r * squash + 0.006),
            (_u(rng, -20, 20), 0, 0),
            "dark",
        ),
        Part(
            "ellipsoid",
            (0.014, 0.007, 0.002),
            (0.01, 0, 2 * r * squash + 0.01),
            (0, -_u(rng, 10, 40), 0),
            "accent",
        ),
    ]


def banana(rng):
    n, seg, r = int(rng.integers(4, 6)), _u(rng, 0.025, 0.035), _u(rng, 0.013, 0.019)
    curve = _u(rng, 10, 22)  # degrees per segment
    parts, x, z, angle = [], 0.0, r, -curve * (n - 1) / 2
    for _ in range(n):
        rad = np.radians(angle)
        parts.append(Part("capsule", (r, seg / 2), (x, 0, z), (0, 90 - angle, 0)))
        x += seg * np.cos(rad)
        z -= seg * np.sin(rad)
        angle += curve
    parts.append(
        Part("sphere", (r * 0.6,), (parts[0].pos[0] - seg / 2, 0, parts[0].pos[2]), role="dark")
    )
    return parts


def hat(rng):
    brim, crown_r, crown_h = _u(rng, 0.08, 0.14), _u(rng, 0.05, 0.07), _u(rng, 0.04, 0.1)
    dome = rng.random() < 0.5
    crown = (
        Part("ellipsoid", (crown_r, crown_r, crown_h), (0, 0, 0.004))
        if dome
        else Part("cylinder", (crown_r, crown_h / 2), (0, 0, crown_h / 2 + 0.004))
    )
    return [
        Part("cylinder", (brim, 0.004), (0, 0, 0.004)),
        crown,
        Part("cylinder", (crown_r * 1.02, 0.008), (0, 0, 0.016), role="accent"),
    ]


def keys(rng):
    ring = _u(rng, 0.015, 0.025)
    parts = [Part("cylinder", (ring, 0.003), (0, 0, 0.003), role="light")]
    for i in range(int(rng.integers(2, 5))):
        angle = float(i) * _u(rng, 30, 60) - 40
        length = _u(rng, 0.04, 0.07)
        rad = np.radians(angle)
        cx, cy = np.cos(rad) * (ring + length / 2), np.sin(rad) * (ring + length / 2)
        parts.append(Part("box", (length / 2, 0.005, 0.002), (cx, cy, 0.004), (0, 0, angle)))
        hx, hy = np.cos(rad) * ring * 1.2, np.sin(rad) * ring * 1.2
        parts.append(Part("cylinder", (0.01, 0.003), (hx, hy, 0.005), role="accent"))
    return parts


def phone(rng):
    w, h, t = _u(rng, 0.06, 0.08), _u(rng, 0.12, 0.16), _u(rng, 0.007, 0.012)
    return [
        Part("box", (w / 2, h / 2, t / 2), (0, 0, t / 2)),
        Part(
            "box",
            (w / 2 - 0.004, h / 2 - _u(rng, 0.006, 0.015), 0.0008),
            (0, 0, t + 0.0008),
            role="dark",
        ),
        Part("cylinder", (0.004, 0.001), (0, h / 2 - 0.006, t + 0.001), role="accent"),
    ]


SHAPE_FAMILIES: dict[str, Callable[[np.random.Generator], list[Part]]] = {
    "ball": ball,
    "car": car,
    "duck": duck,
    "cup": cup,
    "spoon": spoon,
    "shoe": shoe,
    "book": book,
    "bottle": bottle,
    "block": block,
    "truck": truck,
    "bear": bear,
    "bunny": bunny,
    "apple": apple,
    "banana": banana,
    "hat": hat,
    "keys": keys,
    "phone": phone,
    "bowl": bowl,
    "train": train,
    "airplane": airplane,
    "fish": fish,
    "bird": bird,
    "dog": dog,
    "cat": cat,
}
