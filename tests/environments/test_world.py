"""The home, the bodies and the per-frame ground truth, checked on rendered values."""

from __future__ import annotations

import numpy as np
import pytest

import devlearn.environments  # noqa: F401  (picks the headless GL backend)
from devlearn.environments.catalog import sample_exemplar
from devlearn.environments.world import build_world

EXEMPLARS = [sample_exemplar("block", 1), sample_exemplar("ball", 2), sample_exemplar("duck", 3)]


def test_layout_is_seeded():
    a, b = build_world(3, EXEMPLARS), build_world(3, EXEMPLARS)
    c = build_world(4, EXEMPLARS)
    assert a.xml == b.xml
    assert a.xml != c.xml
    assert (a.half_x, a.half_y) != (c.half_x, c.half_y)


def test_objects_fall_to_the_floor():
    import mujoco

    world = build_world(0, EXEMPLARS)
    model, data = world.model, mujoco.MjData(world.model)
    adr = model.jnt_qposadr[model.body_jntadr[world.object_bodies[1]]]
    data.qpos[adr : adr + 3] = (0.0, 0.0, 1.2)
    mujoco.mj_step(model, data, nstep=5)
    assert data.qvel[model.jnt_dofadr[model.body_jntadr[world.object_bodies[1]]] + 2] < -0.2
    mujoco.mj_step(model, data, nstep=200)  # 2 s
    assert -0.01 <= data.qpos[adr + 2] < 0.15  # resting on the floor (contact is soft)


def _posed(world, infant_eye, azimuth, elevation, objects):
    """Data with the infant's head posed, the caregiver out of the room, toys placed."""
    import mujoco

    from devlearn.environments.infant_body import InfantRig

    model, data = world.model, mujoco.MjData(world.model)
    rig = InfantRig(model)
    far = np.array([0.0, 0.0, -5.0])
    rig.pose(data, np.asarray(infant_eye, float), azimuth, elevation, {"l": far, "r": far})
    for i, body in enumerate(world.object_bodies):
        adr = model.jnt_qposadr[model.body_jntadr[body]]
        data.qpos[adr : adr + 3] = objects.get(i, (0.0, 0.0, -3.0))
    mujoco.mj_forward(model, data)
    return data, rig


@pytest.mark.parametrize("scale, slack", [(1, 0), (2, 1)])
def test_object_in_front_is_visible_with_its_box_and_one_behind_is_not(scale, slack):
    """Boxes are exact at full size; at half size they are rounded out, off by at most 1."""
    from devlearn.environments.render import FrameRenderer

    world = build_world(1, EXEMPLARS, size=(64, 64))
    eye = (0.0, 0.0, 0.5)
    data, rig = _posed(world, eye, 0.0, 0.0, {0: (0.14, 0.02, 0.47), 2: (-0.3, 0.0, 0.47)})
    renderer = FrameRenderer(world, (64, 64), ground_truth_scale=scale)
    try:
        rgb, gt = renderer.render(data)
        empty_data, _ = _posed(world, eye, 0.0, 0.0, {})
        empty, _ = renderer.render(empty_data)
    finally:
        renderer.close()
    seen = {o.index: o for o in gt.objects}
    assert 0 in seen and 2 not in seen
    block = seen[0]
    assert block.pixel_frac > 0.01
    x0, y0, x1, y1 = block.bbox
    # the pixels that changed when the block appeared lie inside its reported box
    changed = np.abs(rgb.astype(int) - empty.astype(int)).sum(axis=2) > 30
    ys, xs = np.nonzero(changed)
    assert len(xs) > 0
    assert x0 - slack <= xs.min() and xs.max() <= x1 + slack
    assert y0 - slack <= ys.min() and ys.max() <= y1 + slack
    assert xs.min() - x0 <= 2 * slack and x1 - xs.max() <= 2 * slack
    # and the box is tight: most of it is block
    box = changed[y0 : y1 + 1, x0 : x1 + 1]
    assert box.mean() > 0.4 - 0.1 * slack
    assert abs(block.pixel_frac - changed.mean()) < 0.02 + 0.01 * slack
    # toy centred 5 cm to the left of the gaze line is drawn left of the frame centre
    assert (x0 + x1) / 2 < 32


@pytest.mark.parametrize("age", [10.0, 20.0])
def test_eye_height_rises_with_posture_and_the_camera_is_there(age):
    from devlearn.development import profile_at
    from devlearn.environments.infant import Infant

    profile = profile_at(age)
    infant = Infant(profile, np.random.default_rng(0), 2.5, 2.5)
    heights = {}
    for posture in ("supine", "crawling", "sitting", "standing"):
        infant.posture = posture
        heights[posture] = infant.eye_height
    assert heights["supine"] < heights["crawling"] < heights["sitting"] < heights["standing"]
    world = build_world(0, EXEMPLARS)
    data, rig = _posed(world, infant.eye, 0.3, -0.2, {})
    assert np.allclose(data.cam_xpos[rig.camera], infant.eye, atol=1e-6)


def test_supine_infant_looks_up_and_crawler_at_the_floor():
    from devlearn.development import profile_at
    from devlearn.environments.infant import Infant
    from devlearn.environments.infant_body import direction

    infant = Infant(profile_at(10.0), np.random.default_rng(0), 2.5, 2.5)
    ground = np.array([1.0, 0.0, 0.0])
    views = {}
    for posture in ("supine", "crawling"):
        infant.posture = posture
        infant.elevation = 0.0
        infant.look_toward(ground * 2.0 + [0, 0, -1.0], gain=1.0)  # a toy on the floor
        views[posture] = direction(infant.azimuth, infant.elevation)
    assert views["supine"][2] > 0.5  # lying on its back it still sees mostly the ceiling
    assert views["crawling"][2] < -0.3


def test_distractors_are_set_down_in_the_infants_view():
    import mujoco

    from devlearn.development import profile_at
    from devlearn.environments.catalog import CATEGORIES
    from devlearn.environments.sim import SimConfig, Simulation

    exemplars = [sample_exemplar(c, 0) for c in CATEGORIES[:6]]
    sim = Simulation(2, exemplars, profile_at(12.0), SimConfig(size=(64, 64), distractors=3))
    try:
        infant = sim.infant
        infant.posture, infant.azimuth, infant.elevation = "sitting", 0.0, -0.5
        infant.body_yaw = 0.0
        sim.caregiver.pos = infant.pos - [1.5, 0.0]  # behind the child, out of the way
        sim._set_down_distractors(list(range(6)))
        sim._pose_bodies()
        mujoco.mj_forward(sim.model, sim.data)
        _, gt = sim.renderer.render(sim.data)
        assert len(gt.visible(0.001)) >= 2
    finally:
        sim.close()


def test_the_simulation_says_which_toy_the_child_looks_at():
    from devlearn.development import profile_at
    from devlearn.environments.infant import Target
    from devlearn.environments.sim import SimConfig, Simulation

    sim = Simulation(1, EXEMPLARS, profile_at(12.0), SimConfig(size=(32, 32)))
    try:
        sim.infant.target = Target("obj2", "scene", np.zeros(3))
        assert sim.attended_toy() == 2
        sim.infant.target = Target("face", "faces", np.zeros(3))
        assert sim.attended_toy() is None
        sim.share_attention(1, 2.0)
        assert sim.attended_toy() == 1
    finally:
        sim.close()


def test_a_toy_the_caregiver_shows_is_held_close_before_the_eyes_hand_behind():
    from devlearn.development import profile_at
    from devlearn.environments.caregiver import show_distance
    from devlearn.environments.sim import SimConfig, Simulation

    sim = Simulation(0, EXEMPLARS, profile_at(12.0), SimConfig(size=(32, 32)))
    try:
        cg = sim.caregiver
        cg.carrying, cg.activity, cg.time_left = 2, "show", 30.0
        for _ in range(100):  # 20 s: time to walk over and kneel
            sim.step()
            if cg.presenting:
                break
        assert cg.presenting and cg.carrying == 2
        eye = sim.infant.eye
        duck = EXEMPLARS[2]
        centre = sim.object_centres()[2]
        toy_gap = np.linalg.norm(centre - eye)
        # Yu & Smith 2012: named toys are close and large in view; she holds the toy at the
        # distance its size calls for (the wobble moves it by a few cm)
        assert abs(toy_gap - show_distance(duck.half_extent)) < 0.06
        assert toy_gap < 0.4
        # her hand is behind the toy's far side: the toy hides it
        assert np.linalg.norm(cg.hand_pos["r"] - eye) > toy_gap + duck.half_extent
        # she turns it while she shows it, so the infant sees it from several sides
        a = sim.data.qpos[sim._qpos_adr[2] + 3 : sim._qpos_adr[2] + 7].copy()
        for _ in range(5):
            sim.step()
        b = sim.data.qpos[sim._qpos_adr[2] + 3 : sim._qpos_adr[2] + 7]
        assert cg.presenting
        assert abs(float(np.dot(a, b))) < 0.99  # quaternions: turned by more than ~16 degrees
    finally:
        sim.close()


def test_the_infant_looks_at_the_centre_of_a_toy_not_its_base():
    from devlearn.development import profile_at
    from devlearn.environments.sim import SimConfig, Simulation

    sim = Simulation(0, EXEMPLARS, profile_at(12.0), SimConfig(size=(64, 64)))
    try:
        sim.share_attention(2, 5.0)  # the duck, 0.07 m tall at its centre
        for _ in range(10):
            sim.step()
        target = sim.infant.target.pos
        centre, base = sim.object_centres()[2], sim.object_positions()[2]
        assert np.allclose(target, centre, atol=0.02)
        assert np.linalg.norm(centre - base) > 0.02
        gaze = np.array(sim.gaze_pixel())
        assert np.all(np.isfinite(gaze))
        assert np.linalg.norm(gaze - np.array(sim.project(centre))) < 1.0
    finally:
        sim.close()


def test_light_toys_have_a_floor_under_mass_and_inertia():
    from devlearn.environments.world import MIN_TOY_INERTIA, MIN_TOY_MASS

    spoon = sample_exemplar("spoon", 0)  # thin: about 12 g at the toys' density
    world = build_world(0, [spoon, *EXEMPLARS])
    body = world.object_bodies[0]
    assert world.model.body_mass[body] >= MIN_TOY_MASS - 1e-9
    assert (world.model.body_inertia[body] >= MIN_TOY_INERTIA - 1e-12).all()
    ball = world.object_bodies[2]  # heavier toys keep their own mass
    assert world.model.body_mass[ball] > MIN_TOY_MASS


def test_the_head_camera_exposes_the_dim_home_toward_mid_grey():
    from devlearn.development import profile_at
    from devlearn.environments.exposure import TARGET_LUMA
    from devlearn.environments.sim import SimConfig, Simulation

    luma = np.array([0.299, 0.587, 0.114]) / 255.0
    means = {}
    for exposed in (False, True):
        config = SimConfig(size=(32, 32), segmentation=False, auto_exposure=exposed)
        sim = Simulation(0, EXEMPLARS, profile_at(12.0), config)
        try:
            frames = [sim.step()[0] for _ in range(10)]
            means[exposed] = np.mean([f.reshape(-1, 3).mean(0) @ luma for f in frames])
        finally:
            sim.close()
    assert means[False] < TARGET_LUMA - 0.1  # the raw render, a fixed exposure, is darker
    assert abs(means[True] - TARGET_LUMA) < 0.05


def _held_ball_middle(monkeypatch, fill: float) -> float:
    """Median luminance of the middle of a ball held 0.2 m before the infant's eyes."""
    import devlearn.environments.world as world_module
    from devlearn.environments.render import FrameRenderer

    monkeypatch.setattr(world_module, "FILL_LIGHT", fill)
    world = build_world(1, EXEMPLARS, size=(96, 96))
    eye = (0.0, 0.0, 0.5)
    renderer = FrameRenderer(world, (96, 96), ground_truth_scale=1)
    try:
        rgb, _ = renderer.render(_posed(world, eye, 0.0, 0.0, {1: (0.2, 0.0, 0.5)})[0])
        empty, _ = renderer.render(_posed(world, eye, 0.0, 0.0, {})[0])
    finally:
        renderer.close()
    ys, xs = np.nonzero(np.abs(rgb.astype(int) - empty.astype(int)).sum(axis=2) > 30)
    radius = (xs.max() - xs.min()) / 2
    assert radius > 10  # it fills much of the view, as a shown toy does
    middle = np.hypot(xs - xs.mean(), ys - ys.mean()) < 0.3 * radius
    luma = rgb.astype(float) @ np.array([0.299, 0.587, 0.114])
    return float(np.median(luma[ys[middle], xs[middle]]))


def test_the_fill_light_lights_the_side_of_a_held_toy_facing_the_child(monkeypatch):
    """Rasterised light does not bounce; the fill light stands in for what the room reflects
    toward the child, so a toy held up is not lit by ambient light alone where it faces it."""
    from devlearn.environments.world import FILL_LIGHT

    assert _held_ball_middle(monkeypatch, FILL_LIGHT) > 1.3 * _held_ball_middle(monkeypatch, 0.0)


def test_caregiver_clothes_are_muted_and_toys_bright():
    """She wears everyday muted colours; toys are saturated, so a toy held up before her shirt
    stands out from it."""
    import colorsys
    import re

    from devlearn.environments.caregiver_body import xml as caregiver_xml
    from devlearn.environments.catalog import CATEGORIES

    clothes = []
    for seed in range(50):
        assets, bodies = caregiver_xml(np.random.default_rng(seed))
        shirt = re.search(r'name="cg_shirt" rgba="([\d. ]+) 1"', assets).group(1)
        trousers = re.search(r'type="capsule" fromto="0 -0.1 0[^>]*rgba="([\d. ]+) 1"', bodies)
        for rgb in (shirt, trousers.group(1)):
            clothes.append(colorsys.rgb_to_hsv(*map(float, rgb.split()))[1])
    toys = [
        colorsys.rgb_to_hsv(*sample_exemplar(c, k).appearance.main)[1]
        for c in CATEGORIES
        for k in range(3)
    ]
    assert max(clothes) <= 0.36 and min(toys) >= 0.49


def test_in_view_counts_an_object_at_exactly_the_threshold():
    from devlearn.environments.plan import IN_VIEW_MIN_FRAC
    from devlearn.environments.render import GroundTruth, VisibleObject

    box = (0, 0, 1, 1)
    gt = GroundTruth(
        [
            VisibleObject(0, IN_VIEW_MIN_FRAC, box),
            VisibleObject(1, IN_VIEW_MIN_FRAC * 0.99, box),
            VisibleObject(2, 0.0, box),
        ]
    )
    assert gt.visible(IN_VIEW_MIN_FRAC) == [0]
    assert gt.visible() == [0, 1]  # any pixel at all
    assert [o.pixel_frac for o in gt.visible_objects(IN_VIEW_MIN_FRAC)] == [IN_VIEW_MIN_FRAC]
