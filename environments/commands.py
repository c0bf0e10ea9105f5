"""`devlearn simulate`: generate a dataset (or a preview) from the simulated infant."""

from __future__ import annotations

import os
from pathlib import Path

from devlearn.errors import UserError


def simulate(
    out: str | None = None,
    ages: str = "6:24:1",
    hours_per_age: float = 1.0,
    children: int = 1,
    seed: int = 0,
    fps: float = 5.0,
    size: int = 96,
    workers: int = 1,
    shard: str | None = None,
    preview: bool = False,
    fovy: float = 100.0,
    chunk_minutes: float = 10.0,
    categories: list[str] | None = None,
    objects_per_session: int = 8,
    naming_rate: float = 0.4,
    p_named_in_view: float = 0.8,
    p_absent_naming: float = 0.05,
    n_distractors: int = 2,
    joint_attention: bool = True,
    name_presented: float = 0.8,
    word_distribution: str = "zipf",
    corpus_path: str | None = None,
    words_per_hour: float | None = None,
    audio: bool = True,
    vision_transform: bool = False,
    ground_truth_scale: int = 2,
    exemplar_split: str = "train",
    auto_exposure: bool = True,
) -> None:
    """Simulate an infant's days in a home and write them as a dataset.

    Args:
        out: Dataset folder to create (required; must not exist; an interrupted run leaves
            OUT.partial, which the same command resumes).
        ages: Ages in months: START:STOP:STEP (stop included), a list like 6,12,18, or one age
            (quote it in a YAML file: '6:24:1').
        hours_per_age: Hours of experience per child and age.
        children: Number of simulated children (households).
        seed: Seed of everything random; same seed and options give identical output.
        fps: Frames per second.
        size: Frame height and width in pixels.
        workers: Processes writing sessions in parallel.
        shard: Write only shard i/N of the sessions (for job arrays); the last to finish
            finalizes the dataset.
        preview: Write a contact sheet (PNG) and a short video with sound (MP4) to OUT
            instead of a dataset.
        fovy: Vertical field of view of the head camera, degrees.
        chunk_minutes: Longest session; longer stretches are split into several.
        categories: Object categories in the home (default: all 24).
        objects_per_session: Toys out in the room per session.
        naming_rate: Share of utterances that name a toy.
        p_named_in_view: Probability that a named toy is in the child's view.
        p_absent_naming: Rate of naming toys that are not in view.
        n_distractors: Other toys the caregiver keeps in view while naming.
        joint_attention: The caregiver mostly names the toy the child is looking at, and the
            child looks at a named toy in view while it is named (false: names
            are chosen without regard to the child's gaze, which then wanders on).
        name_presented: Share of the utterances said as the caregiver holds a toy up before
            the child's face that name that toy (0 turns this ostensive naming off).
        word_distribution: zipf, uniform or corpus (with corpus_path).
        corpus_path: Imported CHAT dataset to sample utterances from.
        words_per_hour: Words heard per hour (default: from the age profile).
        audio: Synthesize speech and room sound.
        vision_transform: Apply the age vision transform to frames when writing (default:
            leave it to training).
        ground_truth_scale: Render the segmentation that gives the ground truth at 1/scale of
            the frame size (1, 2 or 4); 2 saves about 40% of that pass, and boxes are then
            rounded outward to whole frame pixels.
        exemplar_split: Toy box: train, or test for toys whose colours and textures training
            toys never have (a home to test a trained learner in).
        auto_exposure: The head camera exposes each scene toward mid-grey, as real ones do
            (false: the render's own brightness, a fixed exposure).
    """
    if out is None:
        raise UserError("give the dataset folder to create with --out DIR")
    from devlearn.environments.catalog import CATEGORIES
    from devlearn.environments.plan import (
        SimulateOptions,
        parse_ages,
        parse_shard,
        plan_sessions,
        shard_sessions,
    )

    try:
        opts = SimulateOptions(
            ages=parse_ages(ages),
            hours_per_age=hours_per_age,
            children=children,
            seed=seed,
            fps=fps,
            size=size,
            fovy=fovy,
            chunk_minutes=chunk_minutes,
            categories=list(categories) if categories else list(CATEGORIES),
            objects_per_session=objects_per_session,
            naming_rate=naming_rate,
            p_named_in_view=p_named_in_view,
            p_absent_naming=p_absent_naming,
            n_distractors=n_distractors,
            joint_attention=joint_attention,
            name_presented=name_presented,
            word_distribution=word_distribution,
            corpus_path=corpus_path,
            words_per_hour=words_per_hour,
            audio=audio,
            vision_transform=vision_transform,
            ground_truth_scale=ground_truth_scale,
            exemplar_split=exemplar_split,
            auto_exposure=auto_exposure,
        )
        opts.language_config()  # fails here, before anything is written
        shard_spec = parse_shard(shard)
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
    except ValueError as error:
        raise UserError(str(error)) from None
    if corpus_path is not None and not Path(corpus_path).exists():
        raise UserError("corpus dataset not found", path=corpus_path)
    out_path = Path(out)
    check_writable(out_path)
    if preview:
        from devlearn.environments.preview import write_preview

        write_preview(out_path, opts)
        print(f"wrote preview to {out_path}")
        return
    from devlearn.environments.runner import run

    mine = shard_sessions(plan_sessions(opts), shard_spec)
    done = run(out_path, opts, mine, workers)
    if done is None:
        print(f"wrote {len(mine)} sessions; the dataset is finalized when all shards are done")
    else:
        print(f"wrote dataset {done}")


def check_writable(out: Path) -> None:
    """The output folder must not exist and its parent must be a writable folder."""
    if out.exists():
        raise UserError("the output folder already exists; choose another", path=out)
    parent = out.absolute().parent
    if not parent.is_dir():
        raise UserError("the folder that should hold the output does not exist", path=parent)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError("cannot write here", path=parent)


COMMANDS = {"simulate": simulate}
