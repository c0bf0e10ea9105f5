from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from devlearn.analysis.grounding import (
    category_words,
    forced_choice,
    labelled_frames,
    spoken_words,
)
from devlearn.datasets import DatasetWriter, open_dataset
from devlearn.training.toydata import SHAPES, word_freq, write_toy_dataset


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory):
    path = write_toy_dataset(
        tmp_path_factory.mktemp("g") / "toy",
        n_sessions=2,
        utterances_per_session=30,
        size=24,
        seed=3,
    )
    return open_dataset(path)


class Oracle:
    """Knows each frame's category (by its pixels) and each tone word's frequency."""

    def __init__(self, dataset):
        frames = labelled_frames(dataset)
        self.by_pixels = {}
        for row in frames.iter_rows(named=True):
            pixels = dataset.read_frames(row["session_id"], [row["frame_idx"]])[0]
            self.by_pixels[pixels.tobytes()] = SHAPES.index(row["category"])

    def _onehot(self, idx):
        out = np.zeros((len(idx), len(SHAPES)), dtype=np.float32)
        out[np.arange(len(idx)), idx] = 1
        return out

    def encode_image(self, images):
        return self._onehot([self.by_pixels[im.tobytes()] for im in images])

    def encode_text(self, texts):
        return self._onehot([SHAPES.index(t[0]) for t in texts])

    def encode_speech(self, waves):
        idx = []
        for w in waves:  # the tone's frequency names the word
            peak = np.argmax(np.abs(np.fft.rfft(w))) * 16000 / len(w)
            idx.append(int(np.argmin([abs(word_freq(s) - peak) for s in SHAPES])))
        return self._onehot(idx)


class Random:
    def __init__(self, seed=0):
        self.rng = np.random.default_rng(seed)

    def encode_image(self, images):
        return self.rng.normal(size=(len(images), 8))

    def encode_text(self, texts):
        return self.rng.normal(size=(len(texts), 8))


def test_oracle_scores_perfectly_and_random_scores_chance(toy):
    oracle = Oracle(toy)
    four = forced_choice(oracle, toy, n_way=4, trials_per_category=50)
    assert four.accuracy == 1.0 and four.chance == 0.25
    assert four.trials.height == 50 * len(SHAPES)
    every = forced_choice(oracle, toy, n_way=None, trials_per_category=20)
    assert every.accuracy == 1.0 and abs(every.chance - 1 / len(SHAPES)) < 1e-9
    rand = forced_choice(Random(), toy, n_way=4, trials_per_category=200, seed=1)
    assert 0.2 < rand.accuracy < 0.3
    assert set(rand.per_category()["category"]) == set(SHAPES)


def test_spoken_words_are_cut_by_word_timings(toy):
    cuts = spoken_words(toy, ["circle", "square"], per_word=5)
    assert 1 <= len(cuts["circle"]) <= 5
    for wave in cuts["circle"]:
        assert abs(len(wave) - 0.25 * 16000) < 20
        peak = np.argmax(np.abs(np.fft.rfft(wave))) * 16000 / len(wave)
        assert abs(peak - word_freq("circle")) < 10
    result = forced_choice(Oracle(toy), toy, n_way=4, modality="speech", trials_per_category=30)
    assert result.accuracy == 1.0


def test_a_frame_takes_the_category_of_its_largest_object(tmp_path: Path):
    with DatasetWriter(tmp_path / "d", fps=1.0, frame_size=(4, 4)) as w:
        with w.session("s", "c", 300) as s:
            s.add_frames(np.zeros((2, 4, 4, 3), np.uint8))
            s.add_objects(
                [
                    dict(frame_idx=0, object_id="a", category="cup", exemplar="x", pixel_frac=0.1),
                    dict(frame_idx=0, object_id="b", category="dog", exemplar="y", pixel_frac=0.4),
                    dict(frame_idx=1, object_id="a", category="cup", exemplar="x", pixel_frac=0.3),
                ]
            )
        w.add_lexicon([("doggy", "dog"), ("dog", "dog"), ("kitty", "cat")])
    dataset = open_dataset(tmp_path / "d")
    frames = labelled_frames(dataset)
    assert frames["category"].to_list() == ["dog", "cup"]
    words = category_words(dataset, ["dog", "cat", "cup"])
    assert words == {"dog": "dog", "cat": "kitty", "cup": "cup"}


def test_bad_trial_settings(toy):
    with pytest.raises(ValueError, match="10-way trials need 10 categories"):
        forced_choice(Random(), toy, n_way=10)
    with pytest.raises(ValueError, match="modality"):
        forced_choice(Random(), toy, modality="smell")
