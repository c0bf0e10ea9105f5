"""Setting up, resuming and finishing a training run (the body of `devlearn train`)."""

from __future__ import annotations

import json
import os
import shutil
import time
import warnings
from pathlib import Path

import yaml

from devlearn import days_to_months
from devlearn.errors import UserError
from devlearn.training.config import TrainConfig, differences

COMPLETE = "complete.json"
CONFIG = "config.yaml"


def _is_rank_zero() -> bool:
    from lightning.pytorch.utilities import rank_zero_only

    return getattr(rank_zero_only, "rank", 0) == 0


def _resume_state(run: Path, data: Path, config: TrainConfig) -> dict | None:
    """The saved state to resume from, None for a fresh run, UserError if RUN can't be used."""
    from devlearn.training.checkpoints import LAST, read_checkpoint

    if run.exists() and not run.is_dir():
        raise UserError("exists and is not a folder", path=run)
    done = run / COMPLETE
    if done.exists():
        reason = json.loads(done.read_text()).get("reason")
        if reason == "finished":
            raise UserError("this run has already finished; choose a new --out", path=run)
    if (run / LAST).exists():
        state = read_checkpoint(run / LAST)
        diffs = differences(state["config"], config.to_dict())
        if diffs:
            raise UserError(
                "an unfinished run with other settings is here ("
                + "; ".join(diffs[:5])
                + "); use the same settings to resume it or choose a new --out",
                path=run,
            )
        if Path(state["data"]).resolve() != data.resolve():
            raise UserError(f"this run trained on {state['data']}, not on {data}", path=run)
        return state
    if run.exists() and any(run.iterdir()) and not (run / CONFIG).exists():
        raise UserError("exists and is not a devlearn run folder; choose a new --out", path=run)
    return None


def run_training(data: Path, run: Path, config: TrainConfig) -> dict:
    """Train (or resume) and write ``complete.json``; returns its content."""
    import lightning as L
    import torch
    from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger

    from devlearn.models.vocab import Vocab
    from devlearn.training.checkpoints import AgeCheckpoints
    from devlearn.training.datamodule import LearnerData, LearnerDataModule
    from devlearn.training.module import LearnerModule, LossNotFinite

    state = _resume_state(run, data, config)
    tc = config.trainer
    if tc.threads is not None:
        torch.set_num_threads(tc.threads)
    warnings.filterwarnings("ignore", ".*does not have many workers.*")
    warnings.filterwarnings("ignore", ".*sync_dist=True.*")
    warnings.filterwarnings("ignore", ".*is smaller than the logging interval.*")
    warnings.filterwarnings("ignore", ".*LeafSpec.*is deprecated.*")
    vocab = Vocab(state["vocab"]) if state else None
    learner_data = LearnerData(
        data, config, cache_dir=run / "cache", vocab=vocab, progress=tc.progress_bar
    )
    dm = LearnerDataModule(learner_data, start_batch=state["step"] if state else 0)
    if _is_rank_zero():
        run.mkdir(parents=True, exist_ok=True)
        (run / COMPLETE).unlink(missing_ok=True)
        text = yaml.safe_dump({"data": str(data), **config.to_dict()}, sort_keys=False)
        tmp = run / (CONFIG + ".tmp")
        tmp.write_text(text)
        os.replace(tmp, run / CONFIG)

    torch.manual_seed(config.seed)
    module = LearnerModule(
        config, learner_data.vocab.words, shared_word_tokens=learner_data.shared_word_tokens
    )
    if state:
        module.model.load_state_dict(state["state_dict"])
        module.step_count, module.samples_seen = state["step"], state["samples_seen"]
        module.pending_optimizer_state = state["optimizer"]
    callback = AgeCheckpoints(
        run,
        dm.plan,
        str(data),
        config.checkpoints.every_months,
        config.checkpoints.every_minutes,
        config.max_minutes,
    )
    logs = run / "logs"
    trainer = L.Trainer(
        accelerator=tc.accelerator,
        devices=tc.devices,
        strategy=tc.strategy,
        num_nodes=tc.num_nodes,
        precision=tc.precision,
        max_epochs=1,
        logger=[CSVLogger(logs, name="csv"), TensorBoardLogger(logs, name="tensorboard")],
        callbacks=[callback],
        enable_checkpointing=False,
        enable_progress_bar=tc.progress_bar,
        enable_model_summary=False,
        use_distributed_sampler=False,
        num_sanity_val_steps=0,
        gradient_clip_val=1.0,
        log_every_n_steps=tc.log_every_steps,
    )
    module.total_steps = dm.batches_per_run(trainer.world_size)
    end = (
        module.total_steps
        if config.max_steps is None
        else min(module.total_steps, config.max_steps)
    )
    if module.total_steps < 1:
        raise UserError(
            f"only {len(dm.plan)} training positions: fewer than one batch of "
            f"{config.loader.batch_size} x {trainer.world_size} device(s)",
            path=data,
        )
    remaining = end - dm.start_batch
    started = time.monotonic()
    if remaining > 0:
        has_val = dm.vplan is not None and len(dm.vplan) // trainer.world_size >= 2
        trainer.limit_val_batches = 1.0 if has_val else 0
        trainer.val_check_interval = min(tc.val_every_steps, remaining)
        try:
            trainer.fit(module, datamodule=dm)
        except LossNotFinite as error:
            last = callback.last_good
            where = f"the last good checkpoint is {last}" if last else "no checkpoint was saved yet"
            raise UserError(
                f"training stopped: {error} (learner age "
                f"{days_to_months(dm.plan.learner_age_days(module.samples_seen)):.1f} months); "
                f"{where}; try a lower --optim.lr",
                path=run,
            ) from error
    else:
        callback.stop_reason = "finished"
    reason = callback.stop_reason
    if reason == "finished" and config.max_steps is not None and end < module.total_steps:
        reason = "max_steps"
    return _finish(run, module, dm, reason, time.monotonic() - started, trainer.is_global_zero)


def _finish(run: Path, module, dm, reason: str, seconds: float, rank_zero: bool) -> dict:  # noqa: ANN001
    age = dm.plan.learner_age_days(module.samples_seen)
    ckpts = sorted(p.name for p in (run / "checkpoints").glob("age-*.ckpt"))
    summary = {
        "complete": True,
        "reason": reason,
        "steps": module.step_count,
        "samples_seen": module.samples_seen,
        "planned_steps": module.total_steps,
        "age_months": round(days_to_months(age), 3),
        "final_checkpoint": f"checkpoints/{ckpts[-1]}" if ckpts else None,
        "checkpoints": [f"checkpoints/{c}" for c in ckpts],
        "minutes_this_session": round(seconds / 60, 2),
    }
    if rank_zero:
        if reason == "finished":
            shutil.rmtree(run / "cache", ignore_errors=True)
        tmp = run / (COMPLETE + ".tmp")
        tmp.write_text(json.dumps(summary, indent=2) + "\n")
        os.replace(tmp, run / COMPLETE)
    return summary
