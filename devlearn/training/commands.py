"""`devlearn train`: the learner lives through a dataset in curriculum order.

Run folder (``--out RUN``):
  config.yaml         the full configuration (usable again with ``--config``)
  checkpoints/        age-MMM.MMmo.ckpt at every age mark and at the end
  last.ckpt           resumable state (weights + optimiser); rerunning the command resumes
  logs/csv, logs/tensorboard
  cache/              speech features (removed when the run completes)
  complete.json       written last, only when training ended normally: a folder without it
                      is an unfinished run (resume it by running the same command again)
"""

from __future__ import annotations

from pathlib import Path

from devlearn.errors import UserError
from devlearn.models.learner import ModelConfig
from devlearn.training.config import (
    AugmentConfig,
    CheckpointConfig,
    LoaderConfig,
    ObjectiveConfig,
    OptimConfig,
    TrainConfig,
    TrainerConfig,
)


def train(
    data: str | None = None,
    out: str | None = None,
    curriculum: str = "age",
    max_minutes: float | None = None,
    seed: int = 0,
    max_steps: int | None = None,
    model: ModelConfig = ModelConfig(),  # noqa: B008 - jsonargparse reads the defaults
    objectives: ObjectiveConfig = ObjectiveConfig(),  # noqa: B008
    augment: AugmentConfig = AugmentConfig(),  # noqa: B008
    loader: LoaderConfig = LoaderConfig(),  # noqa: B008
    optim: OptimConfig = OptimConfig(),  # noqa: B008
    checkpoints: CheckpointConfig = CheckpointConfig(),  # noqa: B008
    trainer: TrainerConfig = TrainerConfig(),  # noqa: B008
) -> None:
    """Train the audio-visual learner on a dataset, saving a checkpoint at every age mark.

    Args:
        data: dataset folder (devlearn format).
        out: run folder; if it holds an unfinished run with the same settings, it is resumed.
        curriculum: age, shuffled, reverse or shuffled-utterances (the CVCL control).
        max_minutes: stop after this many minutes of training (the run still completes).
        seed: seed of weights, data order and augmentation.
        max_steps: stop after this many optimiser steps (counted over resumes).
        model: encoder sizes and the embedding space.
        objectives: weights of image-text, image-speech and temporal objectives (0 = off).
        augment: image augmentation.
        loader: batch size, passes over the data, age range.
        optim: learning rate and schedule.
        checkpoints: how often the learner saves itself.
        trainer: Lightning accelerator, devices, strategy (e.g. ddp), nodes, precision.
    """
    if data is None or out is None:
        raise UserError("devlearn train needs --data DATASET and --out RUN")
    try:
        config = TrainConfig(
            curriculum=curriculum,
            seed=seed,
            max_minutes=max_minutes,
            max_steps=max_steps,
            model=model,
            objectives=objectives,
            augment=augment,
            loader=loader,
            optim=optim,
            checkpoints=checkpoints,
            trainer=trainer,
        )
    except ValueError as error:
        raise UserError(str(error)) from error
    from devlearn.training.run import run_training

    run_training(Path(data), Path(out), config)


COMMANDS = {"train": train}
