"""The learner: vision, text and speech encoders projected into one embedding space.

A plain torch module (no Lightning), so a trained model loads and runs without the trainer.
Embeddings are L2-normalised; similarities are dot products scaled by ``logit_scale``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import torch
import torch.nn.functional as F
from torch import nn

from devlearn.errors import UserError
from devlearn.models.speech import LogMel, SpeechEncoder
from devlearn.models.text import TextEncoder
from devlearn.models.vision import build_vision


class ConfigError(UserError, ValueError):
    """An impossible setting: a ValueError for library callers, one line on the command line
    (the CLI builds the config objects while parsing, before any command code runs)."""


@dataclass
class ModelConfig:
    """Encoder sizes and the shared embedding space."""

    vision: str = "resnet"  # "resnet" (CPU default) or "vit"
    vision_width: int = 32  # ResNet first-stage channels (x8 at the last), or ViT width
    image_size: int = 64  # frames are resized to image_size x image_size
    text: str = "mean"  # "mean" (embedding + mean pooling, as CVCL) or "transformer"
    text_width: int = 128
    max_words: int = 16  # utterances are cut to this many tokens
    speech_width: int = 128
    n_mels: int = 40
    max_speech_s: float = 2.5  # speech windows are cut to this many seconds
    embed_dim: int = 128
    temperature: float = 0.07  # initial softmax temperature of the contrastive losses
    learn_temperature: bool = True

    def __post_init__(self) -> None:
        if self.vision not in ("resnet", "vit"):
            raise ConfigError(f"model.vision must be 'resnet' or 'vit', got {self.vision!r}")
        if self.text not in ("mean", "transformer"):
            raise ConfigError(f"model.text must be 'mean' or 'transformer', got {self.text!r}")
        for name in (
            "vision_width",
            "image_size",
            "text_width",
            "max_words",
            "speech_width",
            "n_mels",
            "embed_dim",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(f"model.{name} must be positive, got {getattr(self, name)}")
        if not 16 <= self.image_size <= 512:
            raise ConfigError(f"model.image_size must be 16..512 pixels, got {self.image_size}")
        if not 0.1 <= self.max_speech_s <= 30:
            raise ConfigError(f"model.max_speech_s must be 0.1..30 s, got {self.max_speech_s}")
        if not 0 < self.temperature <= 1:
            raise ConfigError(f"model.temperature must be in (0, 1], got {self.temperature}")

    @classmethod
    def from_dict(cls, values: dict) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown model settings: {', '.join(unknown)}")
        return cls(**values)

    def to_dict(self) -> dict:
        return asdict(self)


class Learner(nn.Module):
    """Encoders + projections; every ``embed_*`` returns unit vectors (B, embed_dim)."""

    def __init__(self, config: ModelConfig, vocab_size: int):
        super().__init__()
        self.config = config
        self.vision = build_vision(config.vision, config.vision_width, config.image_size)
        self.text = TextEncoder(vocab_size, config.text_width, config.text, config.max_words)
        self.log_mel = LogMel(config.n_mels)
        self.speech = SpeechEncoder(config.n_mels, config.speech_width)
        d = config.embed_dim
        self.image_proj = nn.Linear(self.vision.out_dim, d)
        self.text_proj = nn.Linear(self.text.out_dim, d)
        self.speech_proj = nn.Linear(self.speech.out_dim, d)
        init = torch.tensor(math.log(1.0 / config.temperature))
        if config.learn_temperature:
            self.logit_scale = nn.Parameter(init)
        else:
            self.register_buffer("logit_scale", init)

    def scale(self) -> torch.Tensor:
        # Clamped as in CLIP so a learned temperature cannot run away below 0.01.
        return self.logit_scale.clamp(max=math.log(100.0)).exp()

    def embed_image(self, images: torch.Tensor) -> torch.Tensor:
        # images: (B, 3, S, S) float in [0, 1], already at image_size
        return F.normalize(self.image_proj(self.vision(images)), dim=-1)

    def embed_text(self, tokens: torch.Tensor) -> torch.Tensor:
        # tokens: (B, L) long, 0 = padding
        return F.normalize(self.text_proj(self.text(tokens)), dim=-1)

    def embed_speech(self, feats: torch.Tensor, n_frames: torch.Tensor) -> torch.Tensor:
        # feats: (B, n_mels, F) normalised log-mel (see LogMel), n_frames: (B,)
        return F.normalize(self.speech_proj(self.speech(feats, n_frames)), dim=-1)
