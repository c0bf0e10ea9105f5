from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch

from devlearn.datasets import open_dataset
from devlearn.errors import UserError
from devlearn.training.config import AugmentConfig, LoaderConfig, ObjectiveConfig
from devlearn.training.datamodule import LearnerData, LearnerDataModule

from .conftest import small_config


def _data(path: Path, tmp_path: Path, **overrides) -> LearnerData:  # noqa: ANN003
    data = LearnerData(path, small_config(**overrides), cache_dir=tmp_path / "cache")
    data.prepare()
    return data


def test_splits_are_by_session(toy_dataset: Path, tmp_path: Path):
    data = _data(toy_dataset, tmp_path)
    sessions = open_dataset(toy_dataset).sessions.collect()
    split_of = dict(zip(sessions["session_id"], sessions["split"], strict=True))
    assert {split_of[s] for s in data.train.session} == {"train"}
    assert {split_of[s] for s in data.val.session} == {"val"}
    assert not set(data.train.session) & set(data.val.session)
    assert "toy005" not in set(data.train.session) | set(data.val.session)  # test split unused


def test_a_batch_holds_the_planned_frames_words_and_speech(toy_dataset: Path, tmp_path: Path):
    data = _data(toy_dataset, tmp_path)
    dm = LearnerDataModule(data)
    source = dm.train_source()
    batch = source[3]
    assert batch["frames"].shape == (16, 32, 32, 3) and str(batch["frames"].dtype) == "torch.uint8"
    ds = open_dataset(toy_dataset)
    pos = batch["position"].numpy()
    sample = dm.plan.sample[pos]
    for i in (0, 7):
        s = sample[i]
        sid = data.train.session[s]
        frame_idx = dm.plan.frame[pos[i]] - data.train.session_lo[s]
        expected = ds.read_frames(sid, [frame_idx])[0]
        assert np.array_equal(batch["frames"][i].numpy(), expected)
        words = [data.vocab.words[t] for t in batch["tokens"][i].tolist() if t != 0]
        assert words == data.train.words[s][: len(words)]
        # the frame was shown while the utterance was said
        t = ds.frame_times(sid)[frame_idx]
        assert data.train.t_start[s] - 0.2 <= t < data.train.t_end[s]
    assert batch["speech"].shape[0] == 16 and (batch["speech_frames"] > 10).all()


def test_shuffled_utterances_pairs_frames_with_other_words(toy_dataset: Path, tmp_path: Path):
    data = _data(toy_dataset, tmp_path, curriculum="shuffled-utterances")
    dm = LearnerDataModule(data)
    batch = dm.train_source()[0]
    own = dm.plan.sample[batch["position"].numpy()]
    heard = dm.plan.utterance[batch["position"].numpy()]
    assert np.mean(own != heard) > 0.7
    assert np.array_equal(batch["tokens"].numpy(), data.tokens[heard])


def test_resumed_loader_starts_at_the_next_batch(toy_dataset: Path, tmp_path: Path):
    data = _data(toy_dataset, tmp_path)
    loader = LearnerDataModule(data, start_batch=5).train_dataloader()
    first = next(iter(loader))
    assert np.array_equal(first["position"].numpy(), np.arange(5 * 16, 6 * 16))


def test_not_a_dataset(tmp_path: Path):
    with pytest.raises(UserError, match="not a devlearn dataset") as error:
        _data(tmp_path, tmp_path)
    assert str(tmp_path) in str(error.value)


def test_no_audio_with_speech_on(silent_dataset: Path, tmp_path: Path):
    with pytest.raises(UserError, match="no audio.*--objectives.image_speech 0"):
        _data(silent_dataset, tmp_path)
    data = _data(silent_dataset, tmp_path, objectives=ObjectiveConfig(image_speech=0.0))
    assert data.speech is None and len(data.train) > 0


def test_empty_age_range(toy_dataset: Path, tmp_path: Path):
    with pytest.raises(UserError, match=r"no sessions in the age range.*covers 6.0-12.0 months"):
        _data(toy_dataset, tmp_path, loader=LoaderConfig(batch_size=16, age_months=(30, 40)))


def test_age_range_selects_sessions(toy_dataset: Path, tmp_path: Path):
    data = _data(toy_dataset, tmp_path, loader=LoaderConfig(batch_size=4, age_months=(9, 13)))
    ages = open_dataset(toy_dataset).sessions.filter(pl.col("split") == "train").collect()
    kept = set(ages.filter(pl.col("age_days") >= 274)["session_id"])
    assert set(data.train.session) == kept


def test_temporal_partners_and_losses(toy_dataset: Path, tmp_path: Path):
    from devlearn.training.config import AugmentConfig
    from devlearn.training.module import LearnerModule

    objectives = ObjectiveConfig(temporal=0.5, temporal_window_s=1.0)
    data = _data(toy_dataset, tmp_path, objectives=objectives)
    dm = LearnerDataModule(data)
    source = dm.train_source()
    pos = source.positions(2)
    partner, frame = source.partners[pos], dm.plan.frame[pos]
    sample = dm.plan.sample[pos]
    assert np.all(partner != frame) and np.all(np.abs(partner - frame) <= 5)  # 1 s at 5 fps
    assert np.all(
        (partner >= data.train.session_lo[sample]) & (partner < data.train.session_hi[sample])
    )
    batch = source[2]
    assert batch["partner_frames"].shape == batch["frames"].shape
    module = LearnerModule(data.config, data.vocab.words)
    out = module.losses(batch, train=True)
    assert set(out) == {"image_text", "image_speech", "temporal", "speech_text", "loss"}
    assert all(torch.isfinite(v) for v in out.values())
    expected = out["image_text"] + out["image_speech"] + 0.5 * out["temporal"] + out["speech_text"]
    assert torch.allclose(out["loss"], expected)
    pytest.importorskip("devlearn.development")
    aged = dataclasses.replace(data.config, augment=AugmentConfig(age_transform=True))
    module = LearnerModule(aged, data.vocab.words)
    assert torch.isfinite(module.losses(batch, train=True)["loss"])


def test_gaze_crop_needs_gaze_columns(toy_dataset: Path, tmp_path: Path):
    with pytest.raises(UserError, match="gaze_x and gaze_y.*--augment.gaze_crop 0"):
        _data(toy_dataset, tmp_path, augment=AugmentConfig(gaze_crop=0.5))


def test_batches_carry_each_frames_gaze(toy_dataset: Path, tmp_path: Path):
    copy = tmp_path / "gazed"
    shutil.copytree(toy_dataset, copy)
    frames = pl.read_parquet(copy / "frames.parquet")
    # a gaze point that names its frame: x = frame_idx, y = row in the shard
    frames = frames.with_columns(
        gaze_x=pl.col("frame_idx").cast(pl.Float32), gaze_y=pl.col("row").cast(pl.Float32)
    )
    frames.write_parquet(copy / "frames.parquet")
    data = _data(copy, tmp_path, augment=AugmentConfig(gaze_crop=0.5))
    dm = LearnerDataModule(data)
    batch = dm.train_source()[2]
    rows = dm.plan.frame[batch["position"].numpy()]
    assert batch["gaze"].shape == (16, 2) and batch["gaze"].dtype == torch.float32
    assert np.array_equal(batch["gaze"][:, 1].numpy(), data.index.row[rows].astype(np.float32))
    assert (
        batch["gaze"][:, 0].tolist()
        == frames.sort("session_id", "frame_idx")["frame_idx"][rows].cast(pl.Float32).to_list()
    )


def test_spoken_words_are_cut_by_their_timings(toy_dataset: Path, tmp_path: Path):
    data = _data(toy_dataset, tmp_path)
    cache, tokens = data.words
    ids = data.train.utt_id + data.val.utt_id
    timed = (
        open_dataset(toy_dataset)
        .words.filter(pl.col("utt_id").is_in(ids))
        .collect()
        .sort("utt_id", "word_idx")
    )
    assert len(cache["words"]) == timed.height
    # utterance i owns rows offsets[i]:offsets[i + 1], in word order
    i = 5
    rows = slice(cache["offsets"][i], cache["offsets"][i + 1])
    expect = timed.filter(pl.col("utt_id") == ids[i])
    assert cache["words"][rows].tolist() == expect["word"].to_list()
    # feature frames follow each word's duration (10 ms hop, 25 ms window), cut at 1 s
    seconds = np.minimum(expect["t_end"].to_numpy() - expect["t_start"].to_numpy(), 1.0)
    assert np.allclose(cache["frames"][rows], seconds * 100 - 1, atol=2)
    # a batch pairs each sample's spoken word with that word written, from its own utterance
    source = LearnerDataModule(data).train_source()
    batch = source[1]
    utt = batch["utterance"].numpy()
    for b in range(len(utt)):
        mine = cache["words"][cache["offsets"][utt[b]] : cache["offsets"][utt[b] + 1]]
        written = data.vocab.words[int(batch["word_tokens"][b, 0])]
        assert written in set(mine) and int(batch["word_tokens"][b, 1]) == 0
    assert torch.equal(source[1]["word_speech"], batch["word_speech"])  # seeded choice


def test_loader_workers_follow_the_accelerator_unless_set(monkeypatch: pytest.MonkeyPatch):
    from devlearn.models.learner import ConfigError
    from devlearn.training.config import TrainConfig, TrainerConfig
    from devlearn.training.datamodule import GPU_LOADER_WORKERS, loader_workers

    monkeypatch.setattr("os.cpu_count", lambda: 16)
    cpu = TrainConfig(trainer=TrainerConfig(accelerator="cpu"))
    gpu = TrainConfig(trainer=TrainerConfig(accelerator="gpu"))
    assert loader_workers(cpu) == 0 and loader_workers(gpu) == GPU_LOADER_WORKERS
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert loader_workers(gpu) == 1  # one core stays with the training process
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    assert loader_workers(TrainConfig(trainer=TrainerConfig(accelerator="auto"))) == 0
    assert loader_workers(TrainConfig(loader=LoaderConfig(num_workers=2))) == 2
    with pytest.raises(ConfigError, match="num_workers"):
        LoaderConfig(num_workers=-1)


def test_distinctive_words_are_those_rarer_than_the_share():
    from devlearn.models.vocab import Vocab
    from devlearn.training.datamodule import distinctive_tokens

    utterances = [["look", "the", "ball"], ["the", "ball", "ball"], ["look", "the", "cup"], ["the"]]
    vocab = Vocab.build(utterances)
    # shares of utterances: the 4/4, ball 2/4 (counted once per utterance), look 2/4, cup 1/4
    picked = {vocab.words[i] for i in distinctive_tokens(vocab, utterances, 0.6)}
    assert picked == {"ball", "look", "cup"}
    assert {vocab.words[i] for i in distinctive_tokens(vocab, utterances, 0.5)} == {"cup"}
    assert distinctive_tokens(vocab, utterances, 0.0) == []


def test_shared_word_positives_reach_the_module(toy_dataset: Path, tmp_path: Path):
    from devlearn.training.module import LearnerModule

    data = _data(toy_dataset, tmp_path, objectives=ObjectiveConfig(shared_word_below=0.5))
    assert data.shared_word_tokens
    module = LearnerModule(
        data.config, data.vocab.words, shared_word_tokens=data.shared_word_tokens
    )
    counted = module.shared_word_counted
    assert counted.sum() == len(data.shared_word_tokens) and not counted[:2].any()
    assert "shared_word_counted" not in module.state_dict()  # derived from data, not saved
    batch = LearnerDataModule(data).train_source()[0]
    from devlearn.training.losses import same_tokens, shared_words

    tokens = batch["tokens"]
    extra = shared_words(tokens, counted) & ~same_tokens(tokens)
    assert extra.any()  # the batch holds different utterances that share a counted word
    with_shared = module.losses(batch, train=True)["image_text"]
    module.shared_words_on = False
    plain = module.losses(batch, train=True)["image_text"]
    assert torch.isfinite(with_shared) and not torch.isclose(with_shared, plain)


def test_shared_word_share_outside_0_1_is_refused():
    from devlearn.models.learner import ConfigError

    with pytest.raises(ConfigError, match="shared_word_below"):
        ObjectiveConfig(shared_word_below=1.5)
