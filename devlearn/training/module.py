"""The one LightningModule: objectives, optimiser, learning-rate schedule and logging.

The model itself is `devlearn.models.Learner` (plain torch). Augmentation randomness comes from
a generator seeded by (seed, step, rank), never from global RNG state, so a resumed run repeats
the uninterrupted run's batches exactly.
"""

from __future__ import annotations

import math

import lightning as L
import torch

from devlearn import days_to_months
from devlearn.models.learner import Learner
from devlearn.training.augment import BatchAugment, to_float_images, warp_mel
from devlearn.training.config import TrainConfig
from devlearn.training.losses import info_nce, masked_info_nce, same_tokens, shared_words


class LossNotFinite(RuntimeError):
    """The training loss became NaN or infinite."""

    def __init__(self, step: int):
        super().__init__(f"the loss became NaN or infinite at step {step}")
        self.step = step


class LearnerModule(L.LightningModule):
    def __init__(
        self,
        config: TrainConfig,
        vocab_words: list[str],
        total_steps: int = 1,
        shared_word_tokens: list[int] | None = None,
    ):
        super().__init__()
        self.config = config
        self.vocab_words = list(vocab_words)
        self.model = Learner(config.model, len(self.vocab_words))
        self.augment = BatchAugment(config.augment, config.model.image_size)
        self.total_steps = total_steps
        self.step_count = 0  # optimiser steps over the whole run, resumes included
        self.samples_seen = 0  # training positions consumed by all ranks together
        self.pending_optimizer_state: dict | None = None
        # words whose sharing makes two utterances positives (objectives.shared_word_below);
        # derived from the data on every start, so kept out of checkpoints
        counted = torch.zeros(len(self.vocab_words), dtype=torch.bool)
        counted[list(shared_word_tokens or [])] = True
        self.register_buffer("shared_word_counted", counted, persistent=False)
        self.shared_words_on = bool(counted.any())  # decided once: no device sync per step

    # --- optimisation --------------------------------------------------------------------

    def configure_optimizers(self) -> torch.optim.Optimizer:
        decay, no_decay = [], []
        for name, p in self.model.named_parameters():
            (decay if p.ndim >= 2 and "pos" not in name else no_decay).append(p)
        o = self.config.optim
        return torch.optim.AdamW(
            [
                {"params": decay, "weight_decay": o.weight_decay},
                {"params": no_decay, "weight_decay": 0.0},
            ],
            lr=o.lr,
        )

    def lr_at(self, step: int) -> float:
        """Linear warm-up, then cosine decay to ``min_lr_fraction`` at the end of the plan."""
        o = self.config.optim
        if step < o.warmup_steps:
            return o.lr * (step + 1) / o.warmup_steps
        span = max(1, self.total_steps - o.warmup_steps)
        progress = min(1.0, (step - o.warmup_steps) / span)
        floor = o.min_lr_fraction
        return o.lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))

    def on_train_start(self) -> None:
        if self.pending_optimizer_state is not None:
            self.trainer.optimizers[0].load_state_dict(self.pending_optimizer_state)
            self.pending_optimizer_state = None
        # Continue the loggers' step axis where the interrupted run stopped.
        loop = self.trainer.fit_loop.epoch_loop
        if hasattr(loop, "_batches_that_stepped"):
            loop._batches_that_stepped = self.step_count

    def on_train_batch_start(self, batch: dict, batch_idx: int) -> None:
        lr = self.lr_at(self.step_count)
        for group in self.trainer.optimizers[0].param_groups:
            group["lr"] = lr

    # --- objectives ----------------------------------------------------------------------

    def _generator(self) -> torch.Generator:
        g = torch.Generator(device=self.device)
        g.manual_seed((self.config.seed * 1_000_003 + self.step_count) * 64 + self.global_rank)
        return g

    def losses(self, batch: dict, train: bool) -> dict[str, torch.Tensor]:
        w, m = self.config.objectives, self.model
        ages = days_to_months(batch["age_days"].float())
        frames, gaze = batch["frames"], batch.get("gaze")
        if w.temporal > 0:
            frames = torch.cat([frames, batch["partner_frames"]])
            ages = torch.cat([ages, ages])
            gaze = None if gaze is None else torch.cat([gaze, batch["partner_gaze"]])
        g = self._generator() if train else None
        warp = self.config.augment.speech_warp if train else 0.0
        if train:
            images = self.augment(frames, g, ages, gaze)
        elif self.config.augment.gaze_crop > 0 and gaze is not None:
            images = self.augment.gaze_view(frames, gaze)  # the same view, without jitter
        else:
            images = to_float_images(frames, self.config.model.image_size)
        emb = m.embed_image(images)
        b = batch["frames"].shape[0]
        img, scale, out = emb[:b], m.scale(), {}
        if w.image_text > 0:
            tokens = batch["tokens"]
            same = same_tokens(tokens)
            if self.shared_words_on:
                same = same | shared_words(tokens, self.shared_word_counted)
            out["image_text"] = info_nce(img, m.embed_text(tokens), scale, same)
        if w.image_speech > 0:
            n_frames = batch["speech_frames"]
            speech = m.embed_speech(warp_mel(batch["speech"].float(), g, warp), n_frames)
            # the same utterance twice in a batch (another frame of it) is no negative
            utt = batch["utterance"]
            same = utt[:, None] == utt[None, :]
            out["image_speech"] = masked_info_nce(img, speech, scale, n_frames > 0, same)
        if w.temporal > 0:
            out["temporal"] = info_nce(img, emb[b:], scale)
        if w.speech_text > 0 and "word_speech" in batch:
            n_word = batch["word_frames"]
            spoken = m.embed_speech(warp_mel(batch["word_speech"].float(), g, warp), n_word)
            written = m.embed_text(batch["word_tokens"])
            out["speech_text"] = masked_info_nce(
                spoken, written, scale, n_word > 0, same_tokens(batch["word_tokens"])
            )
        out["loss"] = sum(getattr(w, k) * v for k, v in out.items())
        return out

    def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        out = self.losses(batch, train=True)
        finite = bool(torch.isfinite(out["loss"]))
        if self.trainer.world_size > 1:
            finite = self.trainer.strategy.reduce_boolean_decision(finite, all=True)
        if not finite:
            raise LossNotFinite(self.step_count)
        b = batch["frames"].shape[0]
        for name, value in out.items():
            self.log(f"train/{name}", value.detach(), prog_bar=name == "loss", batch_size=b)
        self.log("train/temperature", 1.0 / self.model.scale().detach(), batch_size=b)
        self.log("train/age_months", days_to_months(batch["age_days"].float().mean()), batch_size=b)
        return out["loss"]

    def validation_step(self, batch: dict, batch_idx: int) -> None:
        out = self.losses(batch, train=False)
        b = batch["frames"].shape[0]
        for name, value in out.items():
            self.log(f"val/{name}", value, batch_size=b, sync_dist=True)
