from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from devlearn.training.datamodule import BatchSource, LearnerData

from .conftest import small_config


def test_ranks_split_each_global_batch_without_overlap(toy_dataset: Path, tmp_path: Path):
    data = LearnerData(toy_dataset, small_config(), cache_dir=tmp_path)
    plan = data.train_plan()
    ranks = [BatchSource(data, plan, 8, rank, 2, None) for rank in range(2)]
    assert len(ranks[0]) == len(ranks[1]) == len(plan) // 16
    for k in (0, 3):
        both = np.concatenate([r.positions(k) for r in ranks])
        assert np.array_equal(np.sort(both), np.arange(16 * k, 16 * (k + 1)))


# About 15 s on an idle 2-core machine (two processes start torch and Lightning), so it stays
# in the default run: it is the only check that the ddp strategy runs unchanged.
def test_ddp_with_two_cpu_processes(toy_dataset: Path, tmp_path: Path):
    run = tmp_path / "ddp"
    small = [
        "--model.vision_width",
        "8",
        "--model.image_size",
        "32",
        "--model.embed_dim",
        "32",
        "--model.text_width",
        "32",
        "--model.speech_width",
        "32",
        "--model.max_speech_s",
        "1",
    ]
    args = [
        sys.executable,
        "-m",
        "devlearn.cli",
        "train",
        "--data",
        str(toy_dataset),
        "--out",
        str(run),
        "--trainer.strategy",
        "ddp",
        "--trainer.devices",
        "2",
        "--trainer.threads",
        "1",
        "--trainer.progress_bar",
        "false",
        "--loader.batch_size",
        "8",
        "--loader.passes",
        "2",
        *small,
    ]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Starting with 2 processes" in done.stderr + done.stdout
    summary = json.loads((run / "complete.json").read_text())
    # 2 passes over the training utterances, 2 ranks x 8 per step
    assert summary["samples_seen"] == 16 * summary["steps"] == 16 * summary["planned_steps"]
    assert summary["final_checkpoint"].startswith("checkpoints/age-010.")
