from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import polars as pl
import pytest
import torch

import devlearn
from devlearn import cli
from devlearn.errors import UserError
from devlearn.training.checkpoints import read_checkpoint
from devlearn.training.config import CheckpointConfig, ObjectiveConfig
from devlearn.training.run import run_training

from .conftest import small_config


def test_run_completes_with_age_named_checkpoints(finished_run: Path):
    done = json.loads((finished_run / "complete.json").read_text())
    assert done["reason"] == "finished" and done["steps"] == done["planned_steps"]
    assert done["samples_seen"] == 16 * done["steps"]
    names = [Path(c).name for c in done["checkpoints"]]
    assert names == sorted(names) and names[-1] == Path(done["final_checkpoint"]).name
    previous = -1.0
    for name in names:
        ckpt = torch.load(finished_run / "checkpoints" / name, weights_only=True)
        mark = float(name[4:-7])
        assert abs(ckpt["age_months"] - mark) < 1.0 and ckpt["age_months"] >= mark - 1e-6
        assert ckpt["samples_seen"] == 16 * ckpt["step"] and ckpt["samples_seen"] > previous
        assert "optimizer" not in ckpt
        previous = ckpt["samples_seen"]
    # monthly marks between the youngest (6 mo) and oldest (10.8 mo) training sessions
    assert names[:3] == ["age-007.00mo.ckpt", "age-009.00mo.ckpt", "age-010.00mo.ckpt"]
    assert 10.7 < done["age_months"] < 10.85
    assert (finished_run / "logs" / "csv").is_dir() and (
        finished_run / "logs" / "tensorboard"
    ).is_dir()
    assert not (finished_run / "cache").exists()


def test_loss_decreases_on_the_easy_task(finished_run: Path):
    metrics = pl.read_csv(next((finished_run / "logs" / "csv").rglob("metrics.csv")))
    rows = metrics.drop_nulls(["train/image_text", "train/image_speech", "train/speech_text"])
    grounding = (rows["train/image_text"] + rows["train/image_speech"]).to_list()
    assert len(grounding) >= 40
    # from above chance (log 16 per objective at random) to clearly below it
    assert sum(grounding[:3]) / 3 > 5.8 and sum(grounding[-5:]) / 5 < 5.45
    words = rows["train/speech_text"].to_list()  # spoken word <-> written word
    assert sum(words[-5:]) / 5 < sum(words[:3]) / 3 - 0.3


def test_load_gives_a_working_model(finished_run: Path, toy_dataset: Path):
    from devlearn.datasets import open_dataset

    model = devlearn.load(finished_run)
    frames = open_dataset(toy_dataset).read_frames("toy000", [0, 1])
    img, txt = model.encode_image(frames), model.encode_text(["circle", "look at the square"])
    speech = model.encode_speech([torch.randn(8000).numpy()])
    assert img.shape == txt.shape == (2, 32) and speech.shape == (1, 32)
    assert torch.allclose(img.norm(dim=1), torch.ones(2), atol=1e-5)
    assert 10.7 < model.age_months < 10.85


def test_resumed_run_reaches_the_same_weights(
    toy_dataset: Path, finished_run: Path, tmp_path: Path
):
    run = tmp_path / "resumed"
    first = run_training(toy_dataset, run, small_config(max_steps=7))
    assert first["reason"] == "max_steps" and first["steps"] == 7
    assert read_checkpoint(run / "last.ckpt")["step"] == 7
    second = run_training(toy_dataset, run, small_config())
    assert second["reason"] == "finished"
    a = devlearn.load(finished_run).model.state_dict()
    b = devlearn.load(run).model.state_dict()
    for key in a:
        assert torch.allclose(a[key], b[key], atol=1e-6, rtol=0), key


def test_finished_run_and_other_settings_are_refused(
    toy_dataset: Path, finished_run: Path, tmp_path: Path
):
    with pytest.raises(UserError, match="already finished"):
        run_training(toy_dataset, finished_run, small_config())
    run = tmp_path / "r"
    run_training(toy_dataset, run, small_config(max_steps=2))
    with pytest.raises(UserError, match=r"other settings.*seed: 0 -> 3"):
        run_training(toy_dataset, run, small_config(seed=3))


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(
    toy_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import devlearn.training.module as module

    real, calls = module.info_nce, {"n": 0}

    def flaky(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls["n"] += 1
        loss = real(*args, **kwargs)
        return loss * float("nan") if calls["n"] > 30 else loss

    monkeypatch.setattr(module, "info_nce", flaky)
    run = tmp_path / "nan"
    cfg = small_config(
        checkpoints=CheckpointConfig(every_months=0.5), objectives=ObjectiveConfig(image_speech=0.0)
    )
    with pytest.raises(UserError, match=r"NaN.*step 30.*last good checkpoint is .*age-") as error:
        run_training(toy_dataset, run, cfg)
    assert not (run / "complete.json").exists()
    last = Path(str(error.value).split("last good checkpoint is ")[1].split(";")[0])
    state = read_checkpoint(last)
    assert 12 <= state["step"] <= 30
    assert all(
        torch.isfinite(v).all() for v in state["state_dict"].values() if v.is_floating_point()
    )


def test_load_refuses_unfinished_runs_and_mismatched_configs(
    toy_dataset: Path, finished_run: Path, tmp_path: Path
):
    run = tmp_path / "unfinished"
    run.mkdir()
    with pytest.raises(UserError, match="has not finished"):
        devlearn.load(run)
    ckpt = torch.load(finished_run / "last.ckpt", weights_only=True)
    ckpt["config"]["model"]["embed_dim"] = 64
    torch.save(ckpt, tmp_path / "bad.ckpt")
    with pytest.raises(UserError, match=r"do not match the checkpoint's model config.*image_proj"):
        devlearn.load(tmp_path / "bad.ckpt")


@dataclasses.dataclass
class Sneaky:
    value: int = 1


def test_checkpoints_load_with_weights_only(tmp_path: Path):
    torch.save(
        {"format": "devlearn-learner", "format_version": 1, "x": Sneaky()}, tmp_path / "p.ckpt"
    )
    with pytest.raises(UserError, match="not a loadable checkpoint"):
        read_checkpoint(tmp_path / "p.ckpt")


def test_cli_errors_are_one_line_with_exit_status_2(
    tmp_path: Path, silent_dataset: Path, capsys: pytest.CaptureFixture
):
    status = cli.main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert status == 2 and "not a devlearn dataset" in err and len(err.strip().splitlines()) == 1
    status = cli.main(["train", "--data", str(silent_dataset), "--out", str(tmp_path / "r2")])
    assert status == 2 and "no audio" in capsys.readouterr().err
    assert not (tmp_path / "r2" / "complete.json").exists()
    status = cli.main(
        ["train", "--data", str(silent_dataset), "--out", str(tmp_path / "r3"), "--optim.lr", "-1"]
    )
    assert status == 2 and "optim.lr must be" in capsys.readouterr().err


def test_config_yaml_of_a_run_reruns_it_and_time_budget_stops(finished_run: Path, tmp_path: Path):
    out = tmp_path / "again"
    args = ["train", "--config", str(finished_run / "config.yaml"), "--out", str(out)]
    assert cli.main([*args, "--max-steps", "2"]) == 0
    done = json.loads((out / "complete.json").read_text())
    assert done["reason"] == "max_steps" and done["steps"] == 2
    assert devlearn.load(out).info["config"]["model"]["embed_dim"] == 32
    timed = tmp_path / "timed"
    assert (
        cli.main(
            [
                "train",
                "--config",
                str(finished_run / "config.yaml"),
                "--out",
                str(timed),
                "--max-minutes",
                "0.0001",
            ]
        )
        == 0
    )
    done = json.loads((timed / "complete.json").read_text())
    assert done["reason"] == "max_minutes" and done["steps"] == 1
