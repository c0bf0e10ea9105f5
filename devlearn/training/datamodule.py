"""The LightningDataModule: batches of frames, utterance tokens and speech features.

Batch k of the plan (see `plan.py`) is built whole by one ``__getitem__`` call: a fancy-indexed
gather from the memory-mapped frame shards, token rows from a matrix, log-mel rows from the
speech cache. No per-sample decoding, so the data side costs a few milliseconds per batch.
Batches stay uint8 until the training step converts and augments them on the device.

Splits come from the dataset's sessions table (by session, never by utterance): the learner
trains on ``train`` sessions and validates on ``val`` sessions; ``test`` is left to analysis.
With several processes (ddp), every rank takes its own slice of each global batch, so the data
seen per step is the same whatever the number of devices, for a fixed global batch.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import lightning as L
import numpy as np
import torch
from torch.utils.data import DataLoader

from devlearn.errors import UserError
from devlearn.models.vocab import Vocab
from devlearn.training.config import TrainConfig
from devlearn.training.plan import Plan, make_plan, temporal_partners
from devlearn.training.samples import load_samples
from devlearn.training.speech_cache import build_speech_cache, cache_key, open_speech_cache
from devlearn.training.word_cache import (
    MAX_WORD_S,
    build_word_cache,
    has_word_times,
    open_word_cache,
    pick_words,
)


class BatchSource(torch.utils.data.Dataset):
    """Map-style dataset whose item k is the whole batch k (for one rank)."""

    def __init__(
        self,
        data: LearnerData,
        plan: Plan,
        batch_size: int,
        rank: int,
        world: int,
        partners: np.ndarray | None,
    ):
        self.data, self.plan, self.partners = data, plan, partners
        self.batch_size, self.rank, self.world = batch_size, rank, world
        self.n_batches = len(plan) // (batch_size * world)

    def __len__(self) -> int:
        return self.n_batches

    def positions(self, k: int) -> np.ndarray:
        start = (k * self.world + self.rank) * self.batch_size
        return np.arange(start, start + self.batch_size)

    def __getitem__(self, k: int) -> dict[str, torch.Tensor]:
        pos = self.positions(k)
        d, plan = self.data, self.plan
        frame_rows = plan.frame[pos]
        utt = plan.utterance[pos]
        batch = {
            "position": torch.from_numpy(pos),
            "frames": torch.from_numpy(d.gather(frame_rows)),
            "tokens": torch.from_numpy(d.tokens[utt]),
            "utterance": torch.from_numpy(utt.astype(np.int64)),
            "age_days": torch.from_numpy(plan.age_days[pos].astype(np.float32)),
        }
        if d.index.gaze is not None:
            batch["gaze"] = torch.from_numpy(d.index.gaze[frame_rows])
        if d.speech is not None:
            feats, n_frames = d.speech
            order = np.argsort(utt, kind="stable")  # memmap reads go forwards
            rows = np.empty((len(utt), *feats.shape[1:]), dtype=np.float16)
            rows[order] = feats[utt[order]]
            batch["speech"] = torch.from_numpy(rows)
            batch["speech_frames"] = torch.from_numpy(n_frames[utt].astype(np.int64))
        if d.words is not None:
            batch.update(self._words(k, utt))
        if self.partners is not None:
            batch["partner_frames"] = torch.from_numpy(d.gather(self.partners[pos]))
            if d.index.gaze is not None:
                batch["partner_gaze"] = torch.from_numpy(d.index.gaze[self.partners[pos]])
        return batch

    def _words(self, k: int, utt: np.ndarray) -> dict[str, torch.Tensor]:
        """One spoken word of each sample's utterance, with the word written as tokens."""
        cache, tokens = self.data.words
        rng = np.random.default_rng([self.data.config.seed, k, self.rank, 17])
        rows = pick_words(cache["offsets"], utt, rng)
        have = rows >= 0
        safe = np.where(have, rows, 0)
        order = np.argsort(safe, kind="stable")
        feats = np.empty((len(rows), *cache["feats"].shape[1:]), dtype=np.float16)
        feats[order] = cache["feats"][safe[order]]
        return {
            "word_speech": torch.from_numpy(feats),
            "word_frames": torch.from_numpy(
                np.where(have, cache["frames"][safe], 0).astype(np.int64)
            ),
            "word_tokens": torch.from_numpy(tokens[safe]),
        }


GPU_LOADER_WORKERS = 4  # enough to gather batches for one GPU at its pace (H200: 2.4k samples/s)


def loader_workers(config: TrainConfig) -> int:
    """Data loader processes: ``loader.num_workers``, or when unset 0 on CPUs (the model needs
    the cores more than the cheap batch gather) and up to GPU_LOADER_WORKERS when training on a
    GPU, one core left for the training process."""
    if config.loader.num_workers is not None:
        return config.loader.num_workers
    accelerator = config.trainer.accelerator
    on_gpu = accelerator in ("gpu", "cuda") or (accelerator == "auto" and torch.cuda.is_available())
    return min(GPU_LOADER_WORKERS, max(0, (os.cpu_count() or 1) - 1)) if on_gpu else 0


def distinctive_tokens(
    vocab: Vocab, utterances: Sequence[Sequence[str]], below: float
) -> list[int]:
    """Vocabulary indices of the words heard in fewer than ``below`` of the utterances (and at
    least once): the words two utterances may share to count as saying the same thing."""
    if below <= 0 or not utterances:
        return []
    heard: dict[str, int] = {}
    for words in utterances:
        for w in set(words):
            heard[w] = heard.get(w, 0) + 1
    limit = below * len(utterances)
    return sorted(vocab.index[w] for w, n in heard.items() if w in vocab and n < limit)


class LearnerData:
    """Samples, vocabulary, plans and caches for one run (no Lightning)."""

    def __init__(
        self,
        path: str | Path,
        config: TrainConfig,
        cache_dir: Path | None = None,
        vocab: Vocab | None = None,
        progress: bool = False,
    ):
        self.config = config
        need_audio = config.objectives.speech
        self.view, samples, self.index = load_samples(path, config.loader.age_months, need_audio)
        if config.augment.gaze_crop > 0 and self.index.gaze is None:
            raise UserError(
                "augment.gaze_crop needs the frames table's gaze_x and gaze_y columns, which "
                "this dataset lacks; train without it with --augment.gaze_crop 0",
                path=path,
            )
        self.train = samples.subset(samples.split == "train")
        self.val = samples.subset(samples.split == "val")
        self.vocab = vocab or Vocab.build(self.train.words)
        self.shared_word_tokens = distinctive_tokens(
            self.vocab, self.train.words, config.objectives.shared_word_below
        )
        self.fps = float(self.view.fps or 1.0)
        self._cache_dir, self._progress = cache_dir, progress
        self.speech = None
        self.words: tuple[dict[str, np.ndarray], np.ndarray] | None = None

    # --- per-split arrays (train rows first, then val rows) -----------------------------

    def prepare(self) -> None:
        """Token matrix and (when speech is on) the speech cache; idempotent."""
        both_words = self.train.words + self.val.words
        self.tokens = np.asarray(
            [self.vocab.encode(w, self.config.model.max_words) for w in both_words], dtype=np.int64
        ).reshape(len(both_words), self.config.model.max_words)
        if self.config.objectives.speech:
            self.speech = self._speech_cache()
        if self.config.objectives.speech_text > 0:
            self.words = self._word_cache()

    def _word_cache(self) -> tuple[dict[str, np.ndarray], np.ndarray] | None:
        """Spoken-word features and their written tokens; None (with a warning) without
        timed words in audio, so datasets without alignments still train."""
        import warnings

        audio = np.concatenate([self.train.has_audio, self.val.has_audio])
        if not audio.any() or not has_word_times(self.view):
            warnings.warn(
                "the dataset has no timed words with audio: the spoken-word objective "
                "(objectives.speech_text) is off for this run",
                stacklevel=2,
            )
            return None
        m = self.config.model
        ids = self.train.utt_id + self.val.utt_id
        key = cache_key(self.view.path, ids, m.n_mels, MAX_WORD_S)
        if self._cache_dir is None:
            raise ValueError("a cache folder is needed for speech features")
        path = Path(self._cache_dir) / f"words-{key}.npy"
        if not path.exists():
            build_word_cache(self.view, ids, m.n_mels, path, progress=self._progress)
        cache = open_word_cache(path)
        tokens = np.asarray(
            [self.vocab.encode([w], m.max_words) for w in cache["words"]], dtype=np.int64
        ).reshape(len(cache["words"]), m.max_words)
        return cache, tokens

    def _speech_cache(self) -> tuple[np.ndarray, np.ndarray]:
        m = self.config.model
        cat = lambda f: np.concatenate([getattr(self.train, f), getattr(self.val, f)])  # noqa: E731
        ids = self.train.utt_id + self.val.utt_id
        key = cache_key(self.view.path, ids, m.n_mels, m.max_speech_s)
        if self._cache_dir is None:
            raise ValueError("a cache folder is needed for speech features")
        path = Path(self._cache_dir) / f"speech-{key}.npy"
        if not path.exists():
            build_speech_cache(
                self.view,
                cat("session"),
                cat("t_start"),
                cat("t_end"),
                cat("has_audio"),
                m.n_mels,
                m.max_speech_s,
                path,
                progress=self._progress,
            )
        return open_speech_cache(path)

    def gather(self, rows: np.ndarray) -> np.ndarray:
        return self.view.gather_frames(self.index.shard[rows], self.index.row[rows])

    # --- plans ---------------------------------------------------------------------------

    def train_plan(self) -> Plan:
        c, t = self.config, self.train
        return make_plan(
            t.age_days,
            t.frame_lo,
            t.frame_hi,
            c.curriculum,
            c.loader.passes,
            c.seed,
            c.loader.age_bucket_days,
            c.loader.replay,
        )

    def val_plan(self) -> Plan | None:
        """Every val utterance once, with its middle frame, in a fixed order."""
        if len(self.val) == 0:
            return None
        n_train = len(self.train)
        order = np.arange(len(self.val))
        mid = (self.val.frame_lo + self.val.frame_hi) // 2
        return Plan(order, mid, order + n_train, self.val.age_days.astype(np.float64))

    def partners(self, plan: Plan, val: bool = False) -> np.ndarray | None:
        """Temporal positives for each plan position (None when that objective is off)."""
        c = self.config.objectives
        if c.temporal == 0:
            return None
        src = self.val if val else self.train
        rows = plan.sample
        max_offset = int(round(c.temporal_window_s * self.fps))
        return temporal_partners(
            plan.frame, src.session_lo[rows], src.session_hi[rows], max_offset, self.config.seed
        )


class LearnerDataModule(L.LightningDataModule):
    """Training batches from ``start_batch`` on (for resuming) and a small validation set."""

    def __init__(self, data: LearnerData, start_batch: int = 0):
        super().__init__()
        self.data = data
        self.start_batch = start_batch
        self.plan = data.train_plan()
        self.vplan = data.val_plan()

    def prepare_data(self) -> None:
        self.data.prepare()

    def setup(self, stage: str | None = None) -> None:
        if not hasattr(self.data, "tokens"):  # ranks other than 0 (prepare_data ran on rank 0)
            self.data.prepare()

    def _world(self) -> tuple[int, int]:
        trainer = self.trainer
        return (0, 1) if trainer is None else (trainer.global_rank, trainer.world_size)

    def batches_per_run(self, world: int = 1) -> int:
        return len(self.plan) // (self.data.config.loader.batch_size * world)

    def train_source(self) -> BatchSource:
        rank, world = self._world()
        partners = self.data.partners(self.plan)
        return BatchSource(
            self.data, self.plan, self.data.config.loader.batch_size, rank, world, partners
        )

    def train_dataloader(self) -> DataLoader:
        source = self.train_source()
        end = len(source)
        if self.data.config.max_steps is not None:
            end = min(end, self.data.config.max_steps)
        return self._loader(source, range(self.start_batch, end))

    def val_dataloader(self) -> DataLoader | list:
        if self.vplan is None:
            return []
        rank, world = self._world()
        bs = min(self.data.config.loader.batch_size, len(self.vplan) // world)
        if bs < 2:
            return []
        source = BatchSource(
            self.data, self.vplan, bs, rank, world, self.data.partners(self.vplan, val=True)
        )
        return self._loader(source, range(min(len(source), self.data.config.loader.val_batches)))

    def _loader(self, source: BatchSource, batches: range) -> DataLoader:
        workers = loader_workers(self.data.config)
        return DataLoader(
            source,
            batch_size=None,
            sampler=batches,
            num_workers=workers,
            persistent_workers=workers > 0,
            pin_memory=torch.cuda.is_available() and self.data.config.trainer.accelerator != "cpu",
        )
