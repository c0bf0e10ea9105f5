"""Random training frames per second: the dataset's memory-mapped shards vs one JPEG per frame.

Builds a dataset of 96x96 frames in a temporary folder (and the same frames as one JPEG file
each, decoded with PIL: the layout of earlier SAYCam work), then times random batches of 256
frames read both ways in one process. Both layouts are read from a warm page cache, so this
measures decoding and copying, not the disk. Prints the median over repeats and the ratio.

    .venv/bin/python benchmarks/bench_dataset_frames.py [--frames 6000] [--size 96]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from devlearn.datasets import DatasetWriter, open_dataset


def natural_looking_frames(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Smooth colour blobs plus grain: JPEG sizes like camera frames, not flat colour."""
    coarse = rng.integers(0, 256, (n, size // 8, size // 8, 3), dtype=np.uint8)
    smooth = coarse.repeat(8, axis=1).repeat(8, axis=2)
    grain = rng.integers(-12, 13, smooth.shape)
    return np.clip(smooth.astype(np.int16) + grain, 0, 255).astype(np.uint8)


def build(folder: Path, n_frames: int, size: int, sessions: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    dataset, jpegs = folder / "ds", folder / "jpeg"
    per_session = n_frames // sessions
    with DatasetWriter(dataset, fps=5.0, frame_size=(size, size), source="benchmark") as w:
        for s in range(sessions):
            frames = natural_looking_frames(per_session, size, rng)
            with w.session(f"s{s:03d}", "B", 300 + s) as session:
                session.add_frames(frames)
            (jpegs / f"s{s:03d}").mkdir(parents=True)
            for i, frame in enumerate(frames):
                Image.fromarray(frame).save(jpegs / f"s{s:03d}" / f"{i:06d}.jpg", quality=90)
    return dataset, jpegs


def time_batches(read, batches) -> float:  # noqa: ANN001 - a reader over index batches
    start = time.perf_counter()
    n = 0
    for batch in batches:
        n += len(read(batch))
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=6000)
    parser.add_argument("--size", type=int, default=96)
    parser.add_argument("--sessions", type=int, default=12)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        dataset, jpegs = build(Path(tmp), args.frames, args.size, args.sessions)
        ds = open_dataset(dataset)
        table = ds.frames.select("session_id", "shard", "row").collect()
        shards = table["shard"].to_numpy().astype(str)
        rows = table["row"].to_numpy()
        files = np.array(
            [
                str(jpegs / s / f"{r:06d}.jpg")
                for s, r in zip(table["session_id"], rows, strict=True)
            ]
        )
        rng = np.random.default_rng(1)

        def from_dataset(idx: np.ndarray) -> np.ndarray:
            return ds.gather_frames(shards[idx], rows[idx])

        def from_jpegs(idx: np.ndarray) -> np.ndarray:
            return np.stack([np.asarray(Image.open(f).convert("RGB")) for f in files[idx]])

        check = rng.integers(0, len(rows), args.batch)
        assert np.array_equal(from_dataset(check).shape, from_jpegs(check).shape)
        fast, slow = [], []
        for _ in range(args.repeats):
            batches = [rng.integers(0, len(rows), args.batch) for _ in range(args.batches)]
            fast.append(time_batches(from_dataset, batches))
            slow.append(time_batches(from_jpegs, batches))
        shard_mb = sum(f.stat().st_size for f in (dataset / "frames").iterdir()) / 1e6
        jpeg_mb = sum(f.stat().st_size for f in jpegs.rglob("*.jpg")) / 1e6

    dataset_fps, jpeg_fps = statistics.median(fast), statistics.median(slow)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"one process"
    )
    print(
        f"{args.frames} frames of {args.size}x{args.size} in {args.sessions} sessions; "
        f"random batches of {args.batch}; median of {args.repeats} repeats "
        f"of {args.batches} batches"
    )
    print(f"storage: shards {shard_mb:.0f} MB, JPEG files {jpeg_mb:.0f} MB")
    print(f"dataset shards (gather_frames): {dataset_fps:12,.0f} frames/s")
    print(f"one JPEG per frame (PIL):       {jpeg_fps:12,.0f} frames/s")
    print(f"ratio: {dataset_fps / jpeg_fps:.1f}x")


if __name__ == "__main__":
    main()
