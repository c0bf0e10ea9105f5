"""Learning target (issue 5, point 9): word -> image choice on held-out exemplars.

1. simulate an infant from 6 to 24 months with the default caregiver (`devlearn simulate`);
2. train the default learner for at most ``--minutes`` of CPU time, in age order, and the
   shuffled-utterances control for the same time;
3. render exemplars the learner never saw (held-out colours and textures, ``split="test"``)
   on a grey ground and, for the train/held-out gap, new views of training exemplars
   (``split="train"``); and (``--home-hours``) views of held-out exemplars in the child's own
   world: homes it never saw, whose toys are all held-out exemplars, from a simulated
   child's eyes while the caregiver holds each toy up;
4. score word -> image forced choice: 4-way and all-categories-at-once from written words,
   4-way from spoken words (synthesised by the simulator's caregiver voice, or cut from the
   simulated audio by word timings).
Targets: written 4-way >= 0.90, all-way >= 0.70, spoken 4-way >= 0.70, control <= 0.30.
With ``--ceiling`` it also trains a classifier on the training sessions' objects with their
ground-truth categories for the same time (`devlearn.analysis.ceiling`) and scores it with the
same written-word trials: the accuracy the simulated views allow, whatever the objective
(``--ceiling-views shown``: only the toys held up before the child while it looks at them,
the views that naming pairs with). Its views are cut ``--ceiling-margin`` times each toy's
true box around it, so that toys fill them about as much as in the renders.
With ``--gaze-on-named`` (a diagnostic, in an ``--out`` of its own) the learner trains on a
linked copy of the simulated dataset whose gaze point sits on the named toy whenever it is in
view: how far the learner gets when its attention always finds the toy being named.

Run: .venv/bin/python benchmarks/bench_learning_target.py --out bench-out [--minutes 15]
     [--train-config FILE] [--set augment.gaze_crop=0.5 --set loader.replay=0.5 ...]
     [--ceiling [--ceiling-minutes M] [--ceiling-views objects|shown] [--ceiling-margin F]]
     [--skip-control] [--gaze-on-named]
Everything is written under --out and reused when there (the simulated dataset, the runs).
Training settings come from ``--train-config`` (the YAML schema of ``devlearn train``) and
``--set section.name=value``; ``curriculum`` and ``max_minutes`` are set by the benchmark.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

TARGETS = {"text 4-way": 0.90, "text all-way": 0.70, "speech 4-way": 0.70}
CONTROL_TARGET = 0.30  # the shuffled-utterances control stays at or below this
# The supervised ceiling's views are this many times the toy's box side: a held-out render's
# toy spans a median 0.47 of its side, so at 2.1 a toy fills its view about as much as there.
CEILING_MARGIN = 2.1


def write_exemplars(out: Path, categories: list[str], split: str, size: int, per_category: int,
                    views: int, seeds: dict[str, list[int]] | None = None) -> Path:  # fmt: skip
    """A labelled-frames dataset of rendered exemplars (one session per category): exemplars
    0..per_category-1 of ``split``, or those numbered in ``seeds`` (per category), with
    per_category * views frames of each category either way."""
    from devlearn.datasets import DatasetWriter

    if out.exists():
        return out
    from devlearn.environments.exemplar_render import render_exemplar

    with DatasetWriter(
        out,
        fps=1.0,
        frame_size=(size, size),
        source="simulated",
        provenance={"command": "bench_learning_target", "split": split},
    ) as w:
        for c in categories:
            frames, rows = [], []
            numbers = seeds[c] if seeds else list(range(per_category))
            for e in numbers:
                for v in range(-(-per_category * views // len(numbers))):
                    rows.append(
                        dict(
                            frame_idx=len(frames),
                            object_id=f"{c}-{e}",
                            category=c,
                            exemplar=f"{c}-{split}-{e}",
                            pixel_frac=1.0,
                        )
                    )
                    frames.append(render_exemplar(c, e, split, size, view_seed=v))
            with w.session(f"{split}-{c}", "exemplars", 365, split="test") as s:
                s.add_frames(np.stack(frames))
                s.add_objects(rows)
    return out


def seen_exemplars(dataset) -> dict[str, list[int]]:  # noqa: ANN001 - a Dataset
    """Category -> numbers of the training-split exemplars in the training sessions."""
    import polars as pl

    train = dataset.sessions.filter(pl.col("split") == "train").select("session_id")
    ids = dataset.objects.join(train, on="session_id").select("category", "exemplar")
    seeds: dict[str, list[int]] = {}
    for category, exemplar in ids.drop_nulls().unique().collect().iter_rows():
        seeds.setdefault(category, []).append(int(exemplar.rsplit("-", 1)[1]))
    return {category: sorted(numbers) for category, numbers in sorted(seeds.items())}


def write_home_exemplars(out: Path, hours_per_age: float, size: int, per_category: int,
                         seed: int = 1000) -> Path:  # fmt: skip
    """A labelled-frames dataset of held-out exemplars in the child's own world: views from a
    simulated child's eyes, in homes the learner never saw (another seed), whose toy boxes hold
    only held-out exemplars (``exemplar_split="test"``), while the caregiver holds each toy up
    and the child looks at it (`analysis.ceiling.held_views`); up to ``per_category`` views of
    each category, spread over its exemplars and sessions."""
    from devlearn.analysis.ceiling import held_views
    from devlearn.datasets import DatasetWriter, open_dataset

    if out.exists():
        return out
    sim = out.with_name(out.name + "-sim")
    if not sim.exists():
        from devlearn.environments.commands import simulate

        simulate(out=str(sim), ages="9:24:3", hours_per_age=hours_per_age, children=2,
                 seed=seed, audio=False, exemplar_split="test", workers=2)  # fmt: skip
    views = held_views(open_dataset(sim), size=size)
    rng = np.random.default_rng(seed)
    with DatasetWriter(
        out,
        fps=1.0,
        frame_size=(size, size),
        source="simulated",
        provenance={"command": "bench_learning_target", "split": "test", "world": str(sim)},
    ) as w:
        for (category,), group in views.sort("category").group_by("category", maintain_order=True):
            pick = np.sort(rng.choice(group.height, min(per_category, group.height), False))
            group = group[pick.tolist()]
            rows = [
                dict(frame_idx=i, object_id=e, category=category, exemplar=e, pixel_frac=1.0)
                for i, e in enumerate(group["exemplar"].to_list())
            ]
            with w.session(f"home-{category}", "exemplars", 365, split="test") as s:
                s.add_frames(np.stack(group["pixels"].to_list()))
                s.add_objects(rows)
    return out


def gaze_on_named(sim: Path) -> Path:
    """A diagnostic copy of ``sim`` next to it (its files linked, not copied) whose gaze point
    sits on the centre of the named toy's box in every frame where a toy the current utterance
    names is in view, and is the child's own elsewhere: the learner as if its attention always
    found the named toy (with ``augment.gaze_crop``, its views are then cut around that toy)."""
    import shutil

    import polars as pl

    from devlearn.environments.plan import IN_VIEW_MIN_FRAC

    out = sim.with_name(sim.name + "-gaze-on-named")
    if out.exists():
        return out
    frames = pl.read_parquet(sim / "frames.parquet")
    if not {"gaze_x", "gaze_y"} <= set(frames.columns):
        raise SystemExit(f"{sim}: the frames table has no gaze_x/gaze_y to move")
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)  # left by an interrupted earlier call
    partial.mkdir()
    for item in sim.iterdir():
        if item.name != "frames.parquet":
            (partial / item.name).symlink_to(item.resolve())
    named = (
        pl.read_parquet(sim / "objects.parquet")
        .filter(pl.col("frame_idx").is_not_null() & pl.col("named"))
        .filter(pl.col("pixel_frac") >= IN_VIEW_MIN_FRAC)  # in view as simulate counts it
        .group_by("session_id", "frame_idx")
        .agg(
            ((pl.col("bbox_x0") + pl.col("bbox_x1")) / 2).first().alias("toy_x"),
            ((pl.col("bbox_y0") + pl.col("bbox_y1")) / 2).first().alias("toy_y"),
        )
    )
    moved = frames.join(named, on=["session_id", "frame_idx"], how="left").with_columns(
        pl.coalesce("toy_x", "gaze_x").cast(frames.schema["gaze_x"]).alias("gaze_x"),
        pl.coalesce("toy_y", "gaze_y").cast(frames.schema["gaze_y"]).alias("gaze_y"),
    )
    moved.select(frames.columns).write_parquet(partial / "frames.parquet")
    partial.rename(out)
    return out


def speaker(voice_seed: int | None = None):  # noqa: ANN201
    """synthesize(word) -> 16 kHz samples, in the simulated child's caregiver's voice (the
    simulation's seed 0, child 0) or, with ``voice_seed``, in a voice it never heard."""
    try:
        from devlearn.environments.plan import child_seed
        from devlearn.environments.speech import SpeechSynthesizer, household_voices
    except ImportError:
        return None
    seed = child_seed(0, 0) if voice_seed is None else voice_seed
    synth, voice = SpeechSynthesizer(), household_voices(seed=seed, n=1)[0]
    return lambda word: synth.say(word, voice, pitch_raise_semitones=3.0).samples


def evaluate(run: Path, sets: dict[str, Path], synthesize, trials: int) -> dict[str, float]:  # noqa: ANN001
    import devlearn
    from devlearn.analysis.grounding import forced_choice
    from devlearn.datasets import open_dataset

    model = devlearn.load(run)
    scores = {}
    for name, path in sets.items():
        ds = open_dataset(path)
        scores[f"{name} text 4-way"] = forced_choice(
            model, ds, 4, trials_per_category=trials
        ).accuracy
        scores[f"{name} text all-way"] = forced_choice(
            model, ds, None, trials_per_category=trials
        ).accuracy
        for label, say in synthesize.items():
            scores[f"{name} speech 4-way{label}"] = forced_choice(
                model, ds, 4, modality="speech", trials_per_category=trials, synthesize=say
            ).accuracy
    return scores


def ceiling_views(dataset, kind: str, margin: float = CEILING_MARGIN, max_views: int = 30_000,  # noqa: ANN001, ANN201
                  seed: int = 0):  # fmt: skip
    """(views, categories) of the training sessions for the supervised ceiling: ``objects``,
    every labelled object's box; ``shown``, only toys held up before the child while it looks
    at them (`held_views`), the views naming pairs with; each cut ``margin`` times its true
    box's side around it."""
    from devlearn.analysis.ceiling import held_views, object_views

    if kind == "objects":
        return object_views(dataset, split="train", max_views=max_views, seed=seed, margin=margin)
    if kind != "shown":
        raise ValueError(f"unknown ceiling views {kind!r} (choose 'objects' or 'shown')")
    train = dataset.select(split="train")
    shown = held_views(train, size=48, margin=margin, max_views=max_views, seed=seed)
    if shown.height == 0:
        raise ValueError(f"{dataset.path}: no toy is held up before the child in training sessions")
    return np.stack(shown["pixels"].to_list()), shown["category"].to_list()


def supervised_ceiling(sim: Path, sets: dict[str, Path], minutes: float, trials: int,
                       views: str = "objects", margin: float = CEILING_MARGIN) -> dict:  # fmt: skip
    """Scores of a classifier fitted to ground-truth views of the training sessions."""
    from devlearn.analysis.ceiling import train_ceiling
    from devlearn.analysis.grounding import forced_choice
    from devlearn.datasets import open_dataset

    try:
        pixels, categories = ceiling_views(open_dataset(sim), views, margin)
    except ValueError as error:  # no labelled objects with boxes: nothing to fit
        raise SystemExit(f"supervised ceiling: {error}") from None
    print(f"supervised ceiling: {len(pixels)} {views} views of training sessions")
    model = train_ceiling(pixels, categories, minutes=minutes, seed=0)
    scores = {"steps": model.steps, "views": views, "margin": margin}
    for name, path in sets.items():
        ds = open_dataset(path)
        for label, n_way in (("4-way", 4), ("all-way", None)):
            result = forced_choice(model, ds, n_way, trials_per_category=trials)
            scores[f"{name} text {label}"] = result.accuracy
    return scores


def report(results: dict[str, dict], curriculum: str) -> list[str]:
    """Lines that set each figure of the main run beside its target, then the control and the
    ceiling when they ran."""
    lines = []
    age = results[curriculum]
    for key, target in TARGETS.items():
        held, seen = age[f"held-out {key}"], age[f"training {key}"]
        verdict = "meets" if held >= target else "MISSES"
        lines.append(
            f"{key:13s} held-out {held:.3f} (target >= {target:.2f}: {verdict}); training "
            f"exemplars {seen:.3f}; gap {seen - held:+.3f}"
        )
    new_voice = "speech 4-way (new voice)"
    if f"held-out {new_voice}" in age:
        held, seen = age[f"held-out {new_voice}"], age[f"training {new_voice}"]
        lines.append(
            f"speech 4-way, a voice never heard: held-out {held:.3f}; training exemplars {seen:.3f}"
        )
    home = "held-out, in a home"
    if f"{home} text 4-way" in age:
        lines.append(
            f"held-out exemplars seen in new homes: text 4-way {age[f'{home} text 4-way']:.3f}, "
            f"all-way {age[f'{home} text all-way']:.3f}, speech 4-way "
            f"{age.get(f'{home} speech 4-way', float('nan')):.3f}"
        )
    if "shuffled-utterances" in results:
        control = results["shuffled-utterances"]["held-out text 4-way"]
        verdict = "meets" if control <= CONTROL_TARGET else "MISSES"
        lines.append(
            f"shuffled-utterances control, held-out text 4-way {control:.3f} "
            f"(target <= {CONTROL_TARGET:.2f}: {verdict})"
        )
    if "ceiling" in results:
        c = results["ceiling"]
        lines.append(
            f"supervised ceiling ({c['steps']} steps, ground-truth labels on the same frames, "
            f"{c.get('views', 'objects')} views, {c.get('margin', 1.5):g} x box): "
            f"held-out 4-way {c['held-out text 4-way']:.3f}, all-way "
            f"{c['held-out text all-way']:.3f}; training exemplars 4-way "
            f"{c['training text 4-way']:.3f}, all-way {c['training text all-way']:.3f}"
        )
    return lines


def train_config(args: argparse.Namespace, curriculum: str, passes: int):  # noqa: ANN201
    """TrainConfig from --train-config and --set, with the benchmark's own settings on top."""
    import yaml

    from devlearn.training.config import TrainConfig

    values = TrainConfig().to_dict()
    if args.train_config:
        for section, items in (yaml.safe_load(args.train_config.read_text()) or {}).items():
            values[section] = {**values[section], **items} if isinstance(items, dict) else items
    values["loader"].update(passes=passes, age_bucket_days=args.bucket_days)
    values["trainer"]["progress_bar"] = True
    for item in args.set:
        key, _, text = item.partition("=")
        section, _, name = key.partition(".")
        if name:
            values[section][name] = yaml.safe_load(text)
        else:
            values[section] = yaml.safe_load(text)
    values.update(curriculum=curriculum, max_minutes=args.minutes)
    return TrainConfig.from_dict(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--hours-per-age", type=float, default=0.25)
    parser.add_argument("--children", type=int, default=1, help="households, each its own toys")
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--passes", type=int, default=None, help="default: fit the time budget")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--samples-per-second", type=float, default=180.0)
    parser.add_argument("--bucket-days", type=int, default=7, help="age-curriculum buckets")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--skip-control", action="store_true")
    parser.add_argument(
        "--curriculum", default="age", help="of the main run (the control is shuffled-utterances)"
    )
    parser.add_argument("--train-config", type=Path, help="YAML, as for devlearn train")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.NAME=VALUE")
    parser.add_argument("--sim-size", type=int, default=None, help="frame size (default --size)")
    parser.add_argument("--ceiling", action="store_true", help="also the supervised ceiling")
    parser.add_argument("--ceiling-minutes", type=float, default=None, help="default --minutes")
    parser.add_argument(
        "--ceiling-views", choices=("objects", "shown"), default="objects",
        help="every labelled object, or only toys held up before the child (what naming pairs)",
    )  # fmt: skip
    parser.add_argument(
        "--ceiling-margin", type=float, default=CEILING_MARGIN,
        help="ceiling views are this many times the toy's box side",
    )  # fmt: skip
    parser.add_argument(
        "--gaze-on-named", action="store_true",
        help="diagnostic: train where the gaze point sits on the named toy whenever it is in "
        "view (a linked copy of the simulated dataset; use an --out of its own)",
    )  # fmt: skip
    parser.add_argument(
        "--home-hours", type=float, default=0.25,
        help="hours per age and child of the held-out homes (0: leave that set out)",
    )  # fmt: skip
    args = parser.parse_args()
    if not args.ceiling_margin > 0:  # say so now, not after the runs have trained
        parser.error(f"--ceiling-margin must be > 0, got {args.ceiling_margin}")
    args.out.mkdir(parents=True, exist_ok=True)
    from devlearn.datasets import open_dataset
    from devlearn.training.run import run_training

    print("command: python benchmarks/bench_learning_target.py " + " ".join(sys.argv[1:]))
    sim = args.out / "sim"
    started = time.perf_counter()
    if not sim.exists():
        from devlearn.environments.commands import simulate

        simulate(
            out=str(sim),
            ages="6:24:1",
            hours_per_age=args.hours_per_age,
            children=args.children,
            size=args.sim_size or args.size,
            seed=0,
            workers=args.workers,
        )
    print(f"simulated dataset: {sim} ({(time.perf_counter() - started) / 60:.1f} min)")
    if args.gaze_on_named:
        sim = gaze_on_named(sim)
        print(f"gaze moved onto the named toy: {sim}")
    ds = open_dataset(sim)
    categories = sorted(ds.objects.select("category").unique().collect()["category"].drop_nulls())
    n_train = ds.select(split="train").utterances.select("utt_id").collect().height
    # Rendering runs in a separate process: a GL context torn down in the process that then
    # trains was seen to crash it (segfault) once here.
    import multiprocessing

    sets = {"held-out": args.out / "heldout", "training": args.out / "trainex"}
    # the training set shows the very exemplars the learner saw (each household has its own)
    jobs = [(sets["held-out"], "test", None), (sets["training"], "train", seen_exemplars(ds))]
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        pool.starmap(
            write_exemplars,
            [(p, categories, split, args.size, 10, 4, seeds) for p, split, seeds in jobs],
        )
    if args.home_hours > 0:  # a process of its own, whose simulation may start workers
        sets["held-out, in a home"] = args.out / "home-heldout"
        home = multiprocessing.get_context("spawn").Process(
            target=write_home_exemplars,
            args=(sets["held-out, in a home"], args.home_hours, args.size, 40),
        )
        home.start()
        home.join()
        if home.exitcode != 0:
            raise SystemExit(f"writing the held-out homes failed (exit {home.exitcode})")
    # passes so that the planned schedule ends near the time budget (--samples-per-second, as
    # measured for the configuration on 2 cores; the budget stops the run in any case)
    rate = args.samples_per_second
    passes = args.passes or max(1, int(args.minutes * 60 * rate / max(1, n_train)))
    # the caregiver's own voice (the target) and a voice the child never heard
    synthesize = {"": speaker(), " (new voice)": speaker(voice_seed=12345)}
    results = {}
    for curriculum in (args.curriculum,) + (() if args.skip_control else ("shuffled-utterances",)):
        run = args.out / f"run-{curriculum}"
        if not (run / "complete.json").exists():
            cfg = train_config(args, curriculum, passes)
            t0 = time.perf_counter()
            summary = run_training(sim, run, cfg)
            print(
                f"{curriculum}: {summary['steps']} steps in {(time.perf_counter() - t0) / 60:.1f} "
                f"min, learner age {summary['age_months']:.1f} months ({summary['reason']})"
            )
        results[curriculum] = evaluate(run, sets, synthesize, args.trials)
    if args.ceiling:
        minutes = args.ceiling_minutes or args.minutes
        results["ceiling"] = supervised_ceiling(
            sim, sets, minutes, args.trials, args.ceiling_views, args.ceiling_margin
        )
    print(f"\n{len(categories)} categories; {n_train} training utterances; passes {passes}")
    print("\n".join(report(results, args.curriculum)))
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
