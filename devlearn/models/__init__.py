"""Encoders (vision, speech, text), the vocabulary and the learner that joins them.

Plain torch modules; the trainer lives in `devlearn.training`, loading in `devlearn.inference`.
"""

from __future__ import annotations

from devlearn.models.learner import Learner, ModelConfig
from devlearn.models.vocab import Vocab, tokenize

__all__ = ["Learner", "ModelConfig", "Vocab", "tokenize"]
