from __future__ import annotations

from pathlib import Path

import pytest

from devlearn.models.learner import ModelConfig
from devlearn.training.config import (
    AugmentConfig,
    CheckpointConfig,
    LoaderConfig,
    OptimConfig,
    TrainConfig,
    TrainerConfig,
)
from devlearn.training.toydata import write_toy_dataset

SPLITS = ("train", "train", "val", "train", "train", "test")


@pytest.fixture(scope="session")
def toy_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six sessions, 6-12 months, coloured shapes named in tone speech; splits fixed."""
    out = tmp_path_factory.mktemp("toy") / "toy"
    return write_toy_dataset(
        out, n_sessions=6, utterances_per_session=24, size=32, splits=SPLITS, seed=1
    )


@pytest.fixture(scope="session")
def silent_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("silent") / "silent"
    return write_toy_dataset(
        out,
        n_sessions=3,
        utterances_per_session=8,
        size=32,
        audio=False,
        splits=("train", "train", "val"),
    )


@pytest.fixture(scope="session")
def finished_run(toy_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small learner trained to the end on the toy dataset."""
    from devlearn.training.run import run_training

    run = tmp_path_factory.mktemp("runs") / "full"
    run_training(toy_dataset, run, small_config())
    return run


def small_config(**overrides) -> TrainConfig:  # noqa: ANN003
    """A tiny learner that trains in seconds on two cores."""
    values = dict(
        model=ModelConfig(
            vision_width=8,
            image_size=32,
            text_width=32,
            speech_width=32,
            embed_dim=32,
            max_speech_s=1.0,
        ),
        loader=LoaderConfig(batch_size=16, passes=8),
        augment=AugmentConfig(crop_scale=(0.8, 1.0), channel_permute=0.0, greyscale=0.0, hue=0.1),
        optim=OptimConfig(lr=3e-3, warmup_steps=3),
        checkpoints=CheckpointConfig(every_months=1.0),
        trainer=TrainerConfig(progress_bar=False, threads=1, log_every_steps=1),
    )
    values.update(overrides)
    return TrainConfig(**values)
