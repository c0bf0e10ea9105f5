"""Training throughput: devlearn's batched pipeline vs a CVCL-style per-sample pipeline.

Both feed the same default model (same losses, same optimiser) with batches of 64:
  devlearn   frames gathered in one fancy-indexed read from memory-mapped shards, kept uint8,
             augmented as a batch on the training device (`devlearn.training.augment`)
  CVCL-style one JPEG file per frame, opened with PIL, augmented per sample with PIL
             (random resized crop, flip, colour jitter, greyscale), stacked by a DataLoader
Prints samples/s of the data pipelines alone, then of training steps for both (medians of
interleaved rounds, so load from other processes hits both alike) and their ratio, the share of
step time spent waiting for data, samples/s of a real `devlearn train` run (Lightning loop,
logging and checkpoints included), and GPU samples/s where CUDA is available.
Run: .venv/bin/python benchmarks/bench_train_throughput.py [--steps 30] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from devlearn.training.config import TrainConfig, TrainerConfig
from devlearn.training.datamodule import LearnerData, LearnerDataModule, loader_workers
from devlearn.training.module import LearnerModule
from devlearn.training.toydata import write_toy_dataset


class Stepper:
    """One model + optimiser fed from one loader; ``run(n)`` times n steps."""

    def __init__(self, module, loader, device: str, train_aug: bool):  # noqa: ANN001
        self.module, self.device, self.train_aug = module.to(device), device, train_aug
        self.opt = torch.optim.AdamW(module.model.parameters(), lr=1e-3)
        self.loader, self.it = loader, iter(loader)

    def _next(self) -> dict:
        try:
            return next(self.it)
        except StopIteration:
            self.it = iter(self.loader)
            return next(self.it)

    def run(self, steps: int) -> tuple[float, float]:
        """(samples/s, share of the time spent waiting for data)."""
        wait = total = 0.0
        n = 0
        for _ in range(steps):
            t0 = time.perf_counter()
            batch = {k: v.to(self.device, non_blocking=True) for k, v in self._next().items()}
            t1 = time.perf_counter()
            out = self.module.losses(batch, train=self.train_aug)
            self.opt.zero_grad(set_to_none=True)
            out["loss"].backward()
            self.opt.step()
            if self.device == "cuda":
                torch.cuda.synchronize()
            t2 = time.perf_counter()
            wait, total, n = wait + t1 - t0, total + t2 - t0, n + len(batch["tokens"])
        return n / total, wait / total


def interleaved(pipelines: dict[str, Stepper], steps: int) -> dict[str, tuple[float, float]]:
    """Median (samples/s, waiting share) of each pipeline over 3 interleaved rounds, so that
    load from other processes hits every pipeline alike; prints each."""
    for stepper in pipelines.values():
        stepper.run(2)  # warm-up
    rounds = {name: [] for name in pipelines}
    per_round = max(1, steps // 3)
    for _ in range(3):
        for name, stepper in pipelines.items():
            rounds[name].append(stepper.run(per_round))
    medians = {name: tuple(np.median(np.array(r), axis=0)) for name, r in rounds.items()}
    for name, (rate, wait) in medians.items():
        print(
            f"{name:22s}: {rate:7.1f} samples/s (median of 3 rounds of {per_round} steps), "
            f"waiting for data {100 * wait:4.1f}% of step time"
        )
    return medians


def data_only(loader, batches: int) -> float:  # noqa: ANN001
    """Samples/s of the data pipeline alone (what bounds a fast GPU)."""
    it = iter(loader)
    next(it)
    t0, n = time.perf_counter(), 0
    for _ in range(batches):
        n += len(next(it)["tokens"])
    return n / (time.perf_counter() - t0)


class JpegFrames(torch.utils.data.Dataset):
    """CVCL-style: one JPEG per sample, PIL decode and per-sample PIL transforms."""

    def __init__(self, files: list[Path], tokens: np.ndarray, speech, size: int):  # noqa: ANN001
        self.files, self.tokens, self.speech, self.size = files, tokens, speech, size

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int) -> dict:
        from PIL import Image, ImageEnhance, ImageOps

        img = Image.open(self.files[i]).convert("RGB")
        w, h = img.size
        area = random.uniform(0.5, 1.0) * w * h
        cw = ch = int(min(w, h, area**0.5))
        x0, y0 = random.randint(0, w - cw), random.randint(0, h - ch)
        img = img.resize((self.size, self.size), Image.BILINEAR, box=(x0, y0, x0 + cw, y0 + ch))
        if random.random() < 0.5:
            img = ImageOps.mirror(img)
        img = ImageEnhance.Brightness(img).enhance(random.uniform(0.7, 1.3))
        img = ImageEnhance.Contrast(img).enhance(random.uniform(0.7, 1.3))
        img = ImageEnhance.Color(img).enhance(random.uniform(0.5, 1.5))
        if random.random() < 0.2:
            img = ImageOps.grayscale(img).convert("RGB")
        x = torch.from_numpy(np.asarray(img, dtype=np.float32) / 255.0).permute(2, 0, 1)
        feats, n_frames = self.speech
        return {
            "frames": x,
            "tokens": torch.from_numpy(self.tokens[i % len(self.tokens)]),
            "utterance": torch.tensor(i % len(self.tokens)),
            "age_days": torch.tensor(300.0),
            "speech": torch.from_numpy(np.array(feats[i % len(feats)])),
            "speech_frames": torch.tensor(int(n_frames[i % len(feats)])),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--frame-size", type=int, default=96)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: all)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    random.seed(0)
    tmp = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    data_dir = write_toy_dataset(
        tmp / "data", n_sessions=16, utterances_per_session=100, size=args.frame_size, seed=0
    )
    config = TrainConfig(trainer=TrainerConfig(progress_bar=False))
    data = LearnerData(data_dir, config, cache_dir=tmp / "cache")
    data.prepare()
    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} CPU cores, torch threads {torch.get_num_threads()}, "
        f"load average {load:.1f} at start; frames {args.frame_size} px -> model "
        f"{config.model.image_size} px, batch {config.loader.batch_size}"
    )

    # JPEG files for the CVCL-style pipeline: one per frame
    jpeg_dir = tmp / "jpeg"
    jpeg_dir.mkdir()
    from PIL import Image

    files = []
    for i, frame in enumerate(data.gather(np.arange(len(data.index.row)))):
        files.append(jpeg_dir / f"{i:06d}.jpg")
        Image.fromarray(frame).save(files[-1], quality=90)

    def cvcl_loader(workers: int):  # noqa: ANN202
        source = JpegFrames(files, data.tokens, data.speech, config.model.image_size)
        return torch.utils.data.DataLoader(
            source,
            batch_size=config.loader.batch_size,
            shuffle=True,
            num_workers=workers,
            drop_last=True,
            persistent_workers=workers > 0,
        )

    ours_loader = LearnerDataModule(data).train_dataloader()
    print(
        f"data pipeline alone: devlearn {data_only(ours_loader, 20):9.0f} samples/s, "
        f"CVCL-style (0 workers) {data_only(cvcl_loader(0), 20):7.0f} samples/s",
        flush=True,
    )
    pipelines = {
        "devlearn pipeline": Stepper(
            LearnerModule(config, data.vocab.words, 1000), ours_loader, "cpu", True
        ),
        "CVCL-style, 0 workers": Stepper(
            LearnerModule(config, data.vocab.words, 1000), cvcl_loader(0), "cpu", False
        ),
        "CVCL-style, 1 worker": Stepper(
            LearnerModule(config, data.vocab.words, 1000), cvcl_loader(1), "cpu", False
        ),
    }
    medians = interleaved(pipelines, args.steps)
    ours = medians["devlearn pipeline"][0]
    base = max(medians["CVCL-style, 0 workers"][0], medians["CVCL-style, 1 worker"][0])
    print(
        f"ratio devlearn / best CVCL-style (training steps): {ours / base:.2f}x; "
        f"devlearn waiting for data: {100 * medians['devlearn pipeline'][1]:.1f}% (target < 10%)"
    )

    # the real command (Lightning loop, logging and checkpointing included)
    from devlearn.training.run import run_training

    started = time.perf_counter()
    cfg = TrainConfig(
        max_steps=args.steps, trainer=TrainerConfig(progress_bar=False, threads=args.threads)
    )
    summary = run_training(data_dir, tmp / "run", cfg)
    seconds = time.perf_counter() - started
    print(
        f"devlearn train ({summary['steps']} steps, start-up included): "
        f"{summary['samples_seen'] / seconds:7.1f} samples/s"
    )

    if torch.cuda.is_available():
        # as `devlearn train --trainer.accelerator gpu` loads (worker processes, pinned memory)
        # against gathering in the training process, on the same GPU in interleaved rounds
        gpu_config = TrainConfig(trainer=TrainerConfig(progress_bar=False, accelerator="gpu"))
        gpu_data = LearnerData(data_dir, gpu_config, cache_dir=tmp / "cache")
        gpu_data.prepare()
        workers = loader_workers(gpu_config)
        name = f"GPU ({torch.cuda.get_device_name()})"
        gpu = interleaved(
            {
                f"{name}, {workers} loader workers": Stepper(
                    LearnerModule(config, data.vocab.words, 1000),
                    LearnerDataModule(gpu_data).train_dataloader(),
                    "cuda",
                    True,
                ),
                f"{name}, 0 loader workers": Stepper(
                    LearnerModule(config, data.vocab.words, 1000), ours_loader, "cuda", True
                ),
            },
            args.steps,
        )
        rates = [rate for rate, _ in gpu.values()]
        print(f"ratio GPU {workers} workers / 0 workers: {rates[0] / rates[1]:.2f}x")
    else:
        print("GPU: none available here")
    print(f"load average at end {os.getloadavg()[0]:.1f} (other processes share these cores)")


if __name__ == "__main__":
    main()
