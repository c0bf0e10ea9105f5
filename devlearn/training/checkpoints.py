"""Checkpoints named by the learner's simulated age, and the resumable training state.

A run folder holds ``checkpoints/age-MMM.MMmo.ckpt`` (weights, age, samples seen, config and
vocabulary: everything `devlearn.load` needs) at every age mark (default: each simulated month
of data consumed) and at the end, plus ``last.ckpt`` (the same and the optimiser state), which
an interrupted run resumes from. Files are plain tensors, numbers, strings, lists and dicts, so
they load with ``torch.load(weights_only=True)``: loading never runs pickled code. Every file is
written to a temporary name and renamed, so a crash never leaves half a checkpoint.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import lightning as L
import torch

from devlearn import __version__, days_to_months
from devlearn.errors import UserError

FORMAT = "devlearn-learner"
FORMAT_VERSION = 1
LAST = "last.ckpt"


def age_name(age_months: float) -> str:
    return f"age-{math.floor(age_months * 100) / 100:06.2f}mo.ckpt"


def payload(module, age_days: float, data_path: str, full: bool) -> dict:  # noqa: ANN001
    """What a checkpoint holds (``full`` adds the optimiser state for resuming)."""
    out = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "devlearn_version": __version__,
        "config": module.config.to_dict(),
        "vocab": list(module.vocab_words),
        "state_dict": {k: v.detach().cpu().clone() for k, v in module.model.state_dict().items()},
        "age_days": float(age_days),
        "age_months": float(days_to_months(age_days)),
        "samples_seen": int(module.samples_seen),
        "step": int(module.step_count),
        "data": str(data_path),
    }
    if full:
        out["optimizer"] = module.trainer.optimizers[0].state_dict()
    return out


def write_checkpoint(content: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(content, tmp)
    os.replace(tmp, path)


def read_checkpoint(path: str | Path) -> dict:
    """Load a checkpoint with weights only; UserError if it is not a devlearn checkpoint."""
    path = Path(path)
    try:
        content = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError as error:
        raise UserError("no such checkpoint", path=path) from error
    except Exception as error:  # unpickling refused or a corrupt file
        raise UserError(
            f"not a loadable checkpoint ({type(error).__name__}: {error})", path=path
        ) from error
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise UserError(f"not a {FORMAT} checkpoint", path=path)
    if content.get("format_version") != FORMAT_VERSION:
        raise UserError(
            f"checkpoint format {content.get('format_version')} is not {FORMAT_VERSION}", path=path
        )
    return content


def weights_finite(module) -> bool:  # noqa: ANN001
    return all(
        bool(torch.isfinite(p).all())
        for p in module.model.state_dict().values()
        if p.is_floating_point()
    )


class AgeCheckpoints(L.Callback):
    """Counts samples, tracks the learner's age, saves at age marks, enforces the time budget."""

    def __init__(
        self,
        run: Path,
        plan,
        data_path: str,
        every_months: float,  # noqa: ANN001
        every_minutes: float,
        max_minutes: float | None,
    ):
        self.run, self.plan, self.data_path = run, plan, data_path
        self.every_months, self.every_minutes, self.max_minutes = (
            every_months,
            every_minutes,
            max_minutes,
        )
        self.saved: list[str] = []
        self.stop_reason = "finished"
        self.last_good: Path | None = None

    def _mark(self, samples_seen: int) -> int:
        return math.floor(
            days_to_months(self.plan.learner_age_days(samples_seen)) / self.every_months + 1e-9
        )

    def on_train_start(self, trainer, module) -> None:  # noqa: ANN001
        self.started = self.last_save = time.monotonic()
        self.mark = self._mark(module.samples_seen)
        self.global_batch = module.config.loader.batch_size * trainer.world_size
        if (self.run / LAST).exists():
            self.last_good = self.run / LAST

    def save(self, trainer, module, name: str | None) -> None:  # noqa: ANN001
        if not trainer.is_global_zero:
            return
        if not weights_finite(module):  # keep the last good state rather than a broken one
            return
        age = self.plan.learner_age_days(module.samples_seen)
        content = payload(module, age, self.data_path, full=True)
        if name is not None:
            slim = {k: v for k, v in content.items() if k != "optimizer"}
            write_checkpoint(slim, self.run / "checkpoints" / name)
            self.saved.append(name)
            self.last_good = self.run / "checkpoints" / name
        write_checkpoint(content, self.run / LAST)
        self.last_save = time.monotonic()

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx) -> None:  # noqa: ANN001
        module.step_count += 1
        module.samples_seen += self.global_batch
        mark = self._mark(module.samples_seen)
        if mark > self.mark:
            self.mark = mark
            self.save(trainer, module, age_name(mark * self.every_months))
        elif time.monotonic() - self.last_save > 60 * self.every_minutes:
            self.save(trainer, module, None)
        if self.max_minutes is not None:
            over = time.monotonic() - self.started > 60 * self.max_minutes
            if trainer.strategy.broadcast(over, src=0):
                trainer.should_stop = True
                self.stop_reason = "max_minutes"

    def on_train_end(self, trainer, module) -> None:  # noqa: ANN001
        age = self.plan.learner_age_days(module.samples_seen)
        self.save(trainer, module, age_name(days_to_months(age)))
