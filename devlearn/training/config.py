"""Typed training configuration.

`devlearn train` takes these dataclasses as nested options (``--optim.lr 3e-4``) and a YAML file
given with ``--config`` uses the same names (``optim: {lr: 3e-4}``). Every class checks its
values in ``__post_init__`` and names the offending setting.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

from devlearn.models.learner import ConfigError, ModelConfig

CURRICULA = ("age", "shuffled", "reverse", "shuffled-utterances")


@dataclass
class ObjectiveConfig:
    """Weights of the objectives; 0 switches one off."""

    image_text: float = 1.0  # image <-> utterance transcript (CVCL)
    image_speech: float = 1.0  # image <-> speech heard while the frame was seen
    temporal: float = 0.0  # frames close in time as positives (doubles the vision cost)
    # one word cut from the utterance's audio by its timing <-> the same word written; lets a
    # word said alone find the objects its written form was grounded in (needs word timings)
    speech_text: float = 1.0
    temporal_window_s: float = 2.0  # how far apart a temporal positive may be
    # Two utterances that share a word heard in fewer than this share of the training
    # utterances ("a ball!", "where's the ball?") are positives of each other in the image <->
    # utterance loss, not negatives: a frame of a ball is no counterexample to another ball
    # utterance. Words as common as "the" or "look" do not count. 0 = only identical utterances.
    shared_word_below: float = 0.0

    def __post_init__(self) -> None:
        for name in ("image_text", "image_speech", "temporal", "speech_text"):
            value = getattr(self, name)
            if not (value >= 0 and math.isfinite(value)):
                raise ConfigError(f"objectives.{name} must be a finite weight >= 0, got {value}")
        if not 0 <= self.shared_word_below <= 1:
            raise ConfigError(
                f"objectives.shared_word_below must be in [0, 1], got {self.shared_word_below}"
            )
        if self.image_text + self.image_speech + self.temporal + self.speech_text == 0:
            raise ConfigError("all objective weights are 0: switch at least one on")
        if self.temporal_window_s <= 0:
            raise ConfigError(
                f"objectives.temporal_window_s must be > 0, got {self.temporal_window_s}"
            )

    @property
    def speech(self) -> bool:
        return self.image_speech > 0


@dataclass
class AugmentConfig:
    """Batched image augmentations (applied in the training step, on the training device)."""

    crop_scale: tuple[float, float] = (0.5, 1.0)  # area fraction of random resized crops
    flip: bool = True
    channel_permute: float = 0.8  # probability of shuffling R, G, B: learn shape, not colour
    greyscale: float = 0.2
    hue: float = 0.5  # max hue rotation as a fraction of the colour circle
    brightness: float = 0.3
    contrast: float = 0.3
    age_transform: bool = False  # see each frame as a child of the frame's age would
    # Foveal view: crop a square of this fraction of the frame side around the child's gaze
    # point (frames table gaze_x/gaze_y) before the other augmentations; 0 = whole frame.
    gaze_crop: float = 0.0
    # Above gaze_crop: each training view's side is drawn log-uniformly between gaze_crop and
    # this (the looked-at object at several scales, so that the learner knows it whatever its
    # size in view); validation views use their geometric mean. 0 = always gaze_crop.
    gaze_crop_max: float = 0.0
    # Speech: stretch the mel axis by up to this fraction (vocal tract length perturbation),
    # so that words are recognised in voices not heard in training; 0 = off.
    speech_warp: float = 0.15

    def __post_init__(self) -> None:
        if not 0 <= self.speech_warp < 1:
            raise ConfigError(f"augment.speech_warp must be in [0, 1), got {self.speech_warp}")
        if not 0 <= self.gaze_crop <= 1:
            raise ConfigError(f"augment.gaze_crop must be in [0, 1], got {self.gaze_crop}")
        if self.gaze_crop_max and not self.gaze_crop <= self.gaze_crop_max <= 1:
            raise ConfigError(
                "augment.gaze_crop_max must be 0 (off) or in [gaze_crop, 1], got "
                f"{self.gaze_crop_max}"
            )
        lo, hi = self.crop_scale
        if not 0 < lo <= hi <= 1:
            raise ConfigError(f"augment.crop_scale must satisfy 0 < lo <= hi <= 1, got {lo}, {hi}")
        for name in ("channel_permute", "greyscale", "hue", "brightness", "contrast"):
            if not 0 <= getattr(self, name) <= 1:
                raise ConfigError(f"augment.{name} must be in [0, 1], got {getattr(self, name)}")


@dataclass
class LoaderConfig:
    """What data is used and how batches are made."""

    batch_size: int = 64  # per device
    passes: int = 4  # times each utterance is seen (each time with another of its frames)
    age_months: tuple[float, float] | None = None  # train only on sessions in this age range
    age_bucket_days: int = 7  # age curricula shuffle within buckets of this many days of age
    replay: float = 0.0  # share of positions that revisit earlier experience (age curricula)
    val_batches: int = 8
    # None: 0 when training on CPUs (batches are cheap to gather; the cores belong to the
    # model), up to 4 on a GPU (batches are gathered while the GPU computes); see loader_workers
    num_workers: int | None = None

    def __post_init__(self) -> None:
        if self.batch_size < 2:
            raise ConfigError(
                f"loader.batch_size must be >= 2 for contrastive losses, got {self.batch_size}"
            )
        if self.passes < 1:
            raise ConfigError(f"loader.passes must be >= 1, got {self.passes}")
        if self.age_months is not None:
            lo, hi = self.age_months
            if not (0 <= lo < hi):
                raise ConfigError(f"loader.age_months must be an age range lo < hi, got {lo}, {hi}")
        if self.age_bucket_days < 1:
            raise ConfigError(f"loader.age_bucket_days must be >= 1, got {self.age_bucket_days}")
        if not 0 <= self.replay < 1:
            raise ConfigError(f"loader.replay must be in [0, 1), got {self.replay}")
        if self.num_workers is not None and self.num_workers < 0:
            raise ConfigError(f"loader.num_workers must be >= 0, got {self.num_workers}")


@dataclass
class OptimConfig:
    """AdamW with linear warm-up and cosine decay over the planned steps."""

    lr: float = 2e-3
    weight_decay: float = 0.05
    warmup_steps: int = 100
    min_lr_fraction: float = 0.05

    def __post_init__(self) -> None:
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise ConfigError(f"optim.lr must be a finite number > 0, got {self.lr}")
        if self.weight_decay < 0:
            raise ConfigError(f"optim.weight_decay must be >= 0, got {self.weight_decay}")
        if self.warmup_steps < 0:
            raise ConfigError(f"optim.warmup_steps must be >= 0, got {self.warmup_steps}")
        if not 0 <= self.min_lr_fraction <= 1:
            raise ConfigError(
                f"optim.min_lr_fraction must be in [0, 1], got {self.min_lr_fraction}"
            )


@dataclass
class CheckpointConfig:
    """When the learner saves itself."""

    every_months: float = 1.0  # an age-mark checkpoint per this much simulated age consumed
    every_minutes: float = 10.0  # the resumable state is also refreshed this often

    def __post_init__(self) -> None:
        if self.every_months <= 0:
            raise ConfigError(f"checkpoints.every_months must be > 0, got {self.every_months}")
        if self.every_minutes <= 0:
            raise ConfigError(f"checkpoints.every_minutes must be > 0, got {self.every_minutes}")


@dataclass
class TrainerConfig:
    """Lightning settings: the same run goes to GPUs, several GPUs or nodes (ddp) from here."""

    accelerator: str = "cpu"  # "cpu", "gpu", "auto"
    devices: int | str = 1
    strategy: str = "auto"  # e.g. "ddp"
    num_nodes: int = 1
    precision: str = "32-true"  # e.g. "bf16-mixed" on GPUs
    threads: int | None = None  # torch CPU threads (default: torch's choice)
    progress_bar: bool = True
    val_every_steps: int = 500
    log_every_steps: int = 10

    def __post_init__(self) -> None:
        if self.num_nodes < 1:
            raise ConfigError(f"trainer.num_nodes must be >= 1, got {self.num_nodes}")
        if self.threads is not None and self.threads < 1:
            raise ConfigError(f"trainer.threads must be >= 1, got {self.threads}")
        if self.val_every_steps < 1:
            raise ConfigError(f"trainer.val_every_steps must be >= 1, got {self.val_every_steps}")


# Settings that bound how long a run goes but not what it computes: a resumed run may change them.
BUDGET_KEYS = (
    "max_minutes",
    "max_steps",
    "trainer.progress_bar",
    "trainer.val_every_steps",
    "trainer.log_every_steps",
    "loader.num_workers",
    "checkpoints.every_minutes",
)


@dataclass
class TrainConfig:
    """Everything that decides what a training run computes."""

    curriculum: str = "age"
    seed: int = 0
    max_minutes: float | None = None
    max_steps: int | None = None
    model: ModelConfig = field(default_factory=ModelConfig)
    objectives: ObjectiveConfig = field(default_factory=ObjectiveConfig)
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    loader: LoaderConfig = field(default_factory=LoaderConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    checkpoints: CheckpointConfig = field(default_factory=CheckpointConfig)
    trainer: TrainerConfig = field(default_factory=TrainerConfig)

    def __post_init__(self) -> None:
        if self.curriculum not in CURRICULA:
            raise ConfigError(
                f"curriculum must be one of {', '.join(CURRICULA)}; got {self.curriculum!r}"
            )
        if self.max_minutes is not None and not self.max_minutes > 0:
            raise ConfigError(f"max_minutes must be > 0, got {self.max_minutes}")
        if self.max_steps is not None and self.max_steps < 1:
            raise ConfigError(f"max_steps must be >= 1, got {self.max_steps}")

    def to_dict(self) -> dict:
        return _plain(asdict(self))

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        """Inverse of `to_dict`; unknown keys raise ValueError naming them."""
        sections = {f.name: f.type for f in fields(cls)}
        kwargs = {}
        for key, value in values.items():
            if key not in sections:
                raise ConfigError(f"unknown training setting {key!r}")
            section_cls = _SECTIONS.get(key)
            if section_cls is None:
                kwargs[key] = value
                continue
            known = {f.name for f in fields(section_cls)}
            unknown = sorted(set(value) - known)
            if unknown:
                raise ConfigError(f"unknown setting(s) in {key}: {', '.join(unknown)}")
            kwargs[key] = section_cls(**{k: _tuple(v) for k, v in value.items()})
        return cls(**kwargs)


_SECTIONS = {
    "model": ModelConfig,
    "objectives": ObjectiveConfig,
    "augment": AugmentConfig,
    "loader": LoaderConfig,
    "optim": OptimConfig,
    "checkpoints": CheckpointConfig,
    "trainer": TrainerConfig,
}


def _tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _plain(value: object) -> object:
    """Tuples to lists, recursively, so the dict is YAML/JSON and weights_only friendly."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def flatten(values: dict, prefix: str = "") -> dict[str, object]:
    """{"a": {"b": 1}} -> {"a.b": 1}."""
    out: dict[str, object] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def differences(saved: dict, current: dict) -> list[str]:
    """Settings that differ between two config dicts, ignoring run-budget settings."""
    a, b = flatten(saved), flatten(current)
    keys = sorted((set(a) | set(b)) - set(BUDGET_KEYS))
    return [f"{k}: {a.get(k)!r} -> {b.get(k)!r}" for k in keys if a.get(k) != b.get(k)]
