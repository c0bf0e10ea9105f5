"""`devlearn data sample` writes inputs that every importer turns into a valid dataset."""

from __future__ import annotations

import numpy as np
import pytest

from devlearn.cli import main
from devlearn.datasets import open_dataset
from devlearn.datasets.samples import TOYS


def test_sample_inputs_import_and_validate(tmp_path, capsys):
    inputs = tmp_path / "in"
    assert main(["data", "sample", str(inputs)]) == 0
    imports = {
        "video": [
            str(inputs / "videos"),
            "--ages",
            str(inputs / "ages.csv"),
            "--transcripts",
            str(inputs / "transcripts"),
            "--size",
            "48",
        ],
        "chat": [str(inputs / "chat")],
        "scenes": [str(inputs / "scenes.txt"), "--lexicon", str(inputs / "gold.txt")],
        "labeled-frames": [str(inputs / "labeled"), "--size", "32"],
    }
    for kind, args in imports.items():
        assert main(["import", kind, *args, "--out", str(tmp_path / kind)]) == 0
        assert main(["data", "validate", str(tmp_path / kind)]) == 0
    video = open_dataset(tmp_path / "video")
    assert video.sessions.collect()["n_frames"].to_list() == [20, 20, 20]  # 4 s at 5 fps
    # The toy's colour is in the frames; the "speech" tone starts with the first utterance.
    first = next(video.iter_utterances("S_001"))
    assert first.text == "look at the ball" and first.t_start == 0.5
    pixels = first.frames().reshape(-1, 3).astype(int)
    assert np.any(np.abs(pixels - TOYS["ball"]).sum(axis=1) < 40)
    audio = video.read_audio("S_001")
    assert np.flatnonzero(np.abs(audio) > 0.1)[0] / 16_000 == pytest.approx(0.5, abs=0.01)
    assert open_dataset(tmp_path / "scenes").lexicon.collect().height == 3
    assert main(["data", "sample", str(inputs)]) == 2  # refuses an existing folder
