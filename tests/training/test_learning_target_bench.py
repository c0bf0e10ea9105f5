"""The learning-target benchmark's glue: its training settings, exemplar sets, scores, report."""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from devlearn.datasets import open_dataset

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_learning_target.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_learning_target", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _in_a_new_process(code: str) -> None:
    """Run ``code`` with the benchmark loaded as ``bench`` in a fresh interpreter. Rendering
    makes a GL context, and torch's compiler stack loaded after one crashed the process (the
    benchmark renders its exemplars in a separate process for the same reason)."""
    load = (
        "import importlib.util; from pathlib import Path; import numpy as np; "
        f"spec = importlib.util.spec_from_file_location('bench', {str(BENCH)!r}); "
        "bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench); "
    )
    subprocess.run([sys.executable, "-c", load + code], check=True)


def test_training_settings_are_yaml_then_set_then_the_benchmarks_own(bench, tmp_path: Path):
    config = tmp_path / "run.yaml"
    config.write_text("augment: {gaze_crop: 0.5}\noptim: {lr: 0.001}\ncurriculum: reverse\n")
    args = argparse.Namespace(
        train_config=config,
        set=["augment.gaze_crop=0.25", "loader.replay=0.5"],
        bucket_days=3,
        minutes=12.0,
    )
    cfg = bench.train_config(args, "shuffled-utterances", passes=9)
    assert cfg.augment.gaze_crop == 0.25  # --set wins over the file
    assert cfg.optim.lr == 0.001 and cfg.loader.replay == 0.5
    assert cfg.loader.passes == 9 and cfg.loader.age_bucket_days == 3
    assert cfg.curriculum == "shuffled-utterances" and cfg.max_minutes == 12.0


def test_exemplar_sets_hold_each_render_under_its_category_and_are_reused(tmp_path: Path):
    out, expected = tmp_path / "ex", tmp_path / "ball-1-1.npy"
    write = f"bench.write_exemplars(Path({str(out)!r}), ['ball', 'cup'], 'test', 32, 2, 2)"
    _in_a_new_process(
        f"{write}; "
        "from devlearn.environments.exemplar_render import render_exemplar; "
        f"np.save({str(expected)!r}, render_exemplar('ball', 1, 'test', 32, view_seed=1))"
    )
    ds = open_dataset(out)
    objects = ds.objects.collect().sort("session_id", "frame_idx")
    assert objects.height == 8 and set(objects["category"]) == {"ball", "cup"}
    row = objects.row(3, named=True)  # ball, exemplar 1, view 1
    frame = ds.read_frames(row["session_id"], [row["frame_idx"]])[0]
    assert row["exemplar"] == "ball-test-1"
    assert np.array_equal(frame, np.load(expected)) and frame.std() > 5
    stamp = (out / "dataset.json").stat().st_mtime_ns
    _in_a_new_process(write)
    assert (out / "dataset.json").stat().st_mtime_ns == stamp


def test_the_home_set_holds_held_out_toys_seen_in_a_new_home_and_is_reused(tmp_path: Path):
    out = tmp_path / "home"
    write = f"bench.write_home_exemplars(Path({str(out)!r}), 1 / 60, 32, 3)"
    _in_a_new_process(write)
    ds = open_dataset(out)
    objects = ds.objects.collect()
    assert objects.height > 0
    assert all("-test-" in e for e in objects["exemplar"])  # held-out exemplars only
    per_category = objects.group_by("category").len()
    assert per_category["len"].max() <= 3
    assert set(ds.sessions.collect()["session_id"]) == {
        f"home-{c}" for c in per_category["category"]
    }
    world = open_dataset(tmp_path / "home-sim")
    assert (
        json.loads((tmp_path / "home-sim" / "dataset.json").read_text())["provenance"]["options"][
            "seed"
        ]
        == 1000
    )
    first = objects.sort("session_id", "frame_idx").row(0, named=True)
    assert ds.read_frames(first["session_id"], [first["frame_idx"]])[0].std() > 3
    assert world.sessions.collect().height == 12  # 6 ages, 2 children
    stamp = (out / "dataset.json").stat().st_mtime_ns
    _in_a_new_process(write)
    assert (out / "dataset.json").stat().st_mtime_ns == stamp


def test_scores_are_the_forced_choice_accuracies_of_the_run(bench, finished_run, toy_dataset):
    import devlearn
    from devlearn.analysis.grounding import forced_choice

    scores = bench.evaluate(finished_run, {"toy": toy_dataset}, {}, trials=20)
    assert set(scores) == {"toy text 4-way", "toy text all-way"}
    model, ds = devlearn.load(finished_run), open_dataset(toy_dataset)
    direct = forced_choice(model, ds, 4, trials_per_category=20).accuracy
    assert scores["toy text 4-way"] == direct
    assert scores["toy text 4-way"] > 0.4  # the toy run learned its shapes (chance 0.25)


def test_report_sets_each_figure_beside_its_target(bench):
    run = {
        "held-out text 4-way": 0.91, "training text 4-way": 0.95,
        "held-out text all-way": 0.5, "training text all-way": 0.6,
        "held-out speech 4-way": 0.7, "training speech 4-way": 0.65,
    }  # fmt: skip
    results = {"age": run, "shuffled-utterances": {"held-out text 4-way": 0.31}}
    lines = bench.report(results, "age")
    assert "meets" in lines[0] and "gap +0.040" in lines[0]
    assert "MISSES" in lines[1] and "meets" in lines[2] and "gap -0.050" in lines[2]
    assert "control" in lines[3] and "0.310" in lines[3] and "MISSES" in lines[3]
    ceiling = {"steps": 5, **{f"{s} text {k}": 0.5 for s in ("held-out", "training")
                              for k in ("4-way", "all-way")}}  # fmt: skip
    lines = bench.report({"age": run, "ceiling": ceiling}, "age")
    assert len(lines) == 4 and "5 steps" in lines[-1]
    home = {"held-out, in a home text 4-way": 0.8, "held-out, in a home text all-way": 0.4,
            "held-out, in a home speech 4-way": 0.6}  # fmt: skip
    lines = bench.report({"age": {**run, **home}}, "age")
    assert len(lines) == 4 and "new homes" in lines[-1]
    assert "0.800" in lines[-1] and "0.400" in lines[-1] and "0.600" in lines[-1]


def test_the_training_set_renders_the_exemplars_the_learner_saw(bench, tmp_path: Path):
    from devlearn.datasets import DatasetWriter

    data = tmp_path / "seen"
    with DatasetWriter(data, fps=1.0, frame_size=(8, 8), source="simulated") as w:
        for session, split, exemplars in (
            ("a", "train", ["ball-train-2", "ball-train-1000", "cup-train-1"]),
            ("b", "train", ["ball-train-2"]),
            ("c", "val", ["cup-train-7"]),  # not a training session
        ):
            with w.session(session, "child", 300, split=split) as s:
                s.add_frames(np.zeros((len(exemplars), 8, 8, 3), np.uint8))
                s.add_objects(
                    [
                        dict(
                            frame_idx=i,
                            object_id=f"o{i}",
                            category=e.split("-")[0],
                            exemplar=e,
                            pixel_frac=0.1,
                        )
                        for i, e in enumerate(exemplars)
                    ]
                )
    assert bench.seen_exemplars(open_dataset(data)) == {"ball": [2, 1000], "cup": [1]}
    out = tmp_path / "ex"
    seeds = {"ball": [1000, 2], "cup": [1]}
    _in_a_new_process(
        f"bench.write_exemplars(Path({str(out)!r}), ['ball', 'cup'], 'train', 32, 2, 2, {seeds})"
    )
    objects = open_dataset(out).objects.collect()
    counts = dict(objects.group_by("exemplar").len().iter_rows())
    # as many frames per category as without seeds (2 x 2), spread over the seen exemplars
    assert counts == {"ball-train-1000": 2, "ball-train-2": 2, "cup-train-1": 4}


def test_shown_ceiling_views_are_the_toys_held_up_in_training_sessions(bench, tmp_path: Path):
    from devlearn.datasets import DatasetWriter

    data = tmp_path / "shown"
    with DatasetWriter(data, fps=1.0, frame_size=(32, 32), source="simulated") as w:
        for session, split in (("a", "train"), ("b", "val")):
            with w.session(session, "child", 300, split=split) as s:
                frames = np.zeros((3, 32, 32, 3), np.uint8)
                frames[:, 8:24, 8:24] = 200  # the toy
                s.add_frames(frames)
                # frame 0: shown and looked at; 1: shown, gaze elsewhere; 2: nobody shows it
                s.add_frame_columns(
                    caregiver_activity=["show", "show", "attend"],
                    held_object=["o", "o", ""],
                    gaze_x=[16.0, 1.0, 16.0],
                    gaze_y=[16.0, 1.0, 16.0],
                )
                s.add_objects(
                    [
                        dict(
                            frame_idx=i,
                            object_id="o",
                            category="cup" if split == "train" else "ball",
                            exemplar="cup-train-0",
                            pixel_frac=0.25,
                            bbox_x0=8,
                            bbox_y0=8,
                            bbox_x1=24,
                            bbox_y1=24,
                        )
                        for i in range(3)
                    ]
                )
    ds = open_dataset(data)
    views, categories = bench.ceiling_views(ds, "shown", margin=2.0)
    assert categories == ["cup"]  # the training session's one looked-at, held-up frame
    assert views.shape == (1, 48, 48, 3)
    # the 16 px toy in a view twice its side: it fills the middle half of the view
    assert abs((views[0, ..., 0] > 100).mean() - 0.25) < 0.05
    views, categories = bench.ceiling_views(ds, "objects", margin=1.5)
    assert set(categories) == {"cup"} and len(categories) == 3  # every training box
    assert abs((views[..., 0] > 100).mean() - 1 / 1.5**2) < 0.05
    with pytest.raises(ValueError, match="unknown ceiling views"):
        bench.ceiling_views(ds, "faces")


def test_gaze_on_named_moves_the_gaze_onto_the_named_toy_only(bench, tmp_path: Path):
    from devlearn.datasets import DatasetWriter

    data = tmp_path / "sim"
    with DatasetWriter(data, fps=1.0, frame_size=(32, 32), source="simulated") as w:
        with w.session("a", "child", 300, split="train") as s:
            s.add_frames(np.zeros((3, 32, 32, 3), np.uint8))
            s.add_frame_columns(gaze_x=[1.0, 2.0, 3.0], gaze_y=[4.0, 5.0, 6.0])
            box = dict(object_id="o", category="cup", pixel_frac=0.1, bbox_x0=10, bbox_y0=20,
                       bbox_x1=14, bbox_y1=30)  # fmt: skip
            # frame 0: in view, not named; 1: in view and named; 2: named, 2 pixels (not in view)
            tiny = {**box, "pixel_frac": 2 / 32**2}
            s.add_objects(
                [
                    dict(frame_idx=0, named=False, **box),
                    dict(frame_idx=1, named=True, **box),
                    dict(frame_idx=2, named=True, **tiny),
                ]
            )
    (tmp_path / "sim-gaze-on-named.partial").mkdir()  # left by an interrupted call
    moved = bench.gaze_on_named(data)
    assert moved.name == "sim-gaze-on-named" and bench.gaze_on_named(data) == moved  # reused
    frames = open_dataset(moved).frames.sort("frame_idx").collect()
    assert frames["gaze_x"].to_list() == [1.0, 12.0, 3.0]
    assert frames["gaze_y"].to_list() == [4.0, 25.0, 6.0]
    assert open_dataset(moved).objects.collect().height == 3  # the rest is the same dataset
    assert open_dataset(data).frames.sort("frame_idx").collect()["gaze_x"].to_list()[1] == 2.0
