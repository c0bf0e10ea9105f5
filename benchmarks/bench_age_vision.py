"""Time AgeVisionTransform on a batch of frames against a per-image PIL Gaussian blur.

    python benchmarks/bench_age_vision.py                 # 256 frames of 96x96, 2 threads
    python benchmarks/bench_age_vision.py --device cuda

Prints the median time per batch (and the spread) for three age mixes, and the ratio of the
PIL baseline's time to ours (above 1: ours is faster). At 96 pixels over 100 degrees a frame
holds at most 0.48 cycles/degree, so only frames under about 0.8 months need the FFT filter;
"all 0.5 months" is the worst case, where every frame goes through it. The PIL baseline blurs
the same frames, already converted to PIL images (conversion not timed), with a Gaussian
whose response falls to 1% at each frame's acuity cutoff. PIL's blur does far less (no
contrast or colour step, one blur, uint8), so the ratio flatters PIL.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time

import numpy as np
import torch
from PIL import Image, ImageFilter

from devlearn.development import AgeVisionTransform, vision


def timed(fn, repeats: int) -> list[float]:  # noqa: ANN001
    fn()  # warm up (plans, caches)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def describe(times: list[float]) -> str:
    q1, median, q3 = np.percentile(times, [25, 50, 75]) * 1000
    return f"median {median:7.2f} ms  (IQR {q1:.2f}-{q3:.2f}, best {min(times) * 1000:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--size", type=int, default=96)
    parser.add_argument("--fov", type=float, default=100.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    generator = torch.Generator().manual_seed(0)
    # Smooth-ish random frames: noise at a quarter resolution, upsampled.
    coarse = torch.rand(args.batch, 3, args.size // 4, args.size // 4, generator=generator)
    frames = torch.nn.functional.interpolate(coarse, size=(args.size, args.size), mode="bilinear")
    frames = frames.to(device)
    transform = AgeVisionTransform(fov_deg=args.fov).to(device)
    mixes = {
        "ages 0-48 months": torch.rand(args.batch, generator=generator) * 48.0,
        "all 12 months": torch.full((args.batch,), 12.0),
        "all 0.5 months": torch.full((args.batch,), 0.5),
    }
    print(
        f"AgeVisionTransform: {args.batch} frames {args.size}x{args.size}, fov {args.fov:g} deg, "
        f"device {device}, {torch.get_num_threads()} threads, {args.repeats} repeats; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work slows it)"
    )
    ours = {}
    for name, ages in mixes.items():

        def run(ages=ages) -> None:
            transform(frames, ages.to(device))
            sync()

        ours[name] = timed(run, args.repeats)
        print(f"  {name:18s} {describe(ours[name])}")

    pixels = (frames.clamp(0, 1) * 255).round().byte().permute(0, 2, 3, 1).cpu().numpy()
    pictures = [Image.fromarray(p) for p in pixels]
    print("PIL GaussianBlur, one frame at a time (same frames, as PIL images):")
    for name, ages in mixes.items():
        cutoff = vision.acuity_cpd(ages.numpy()) * args.fov / args.size  # cycles/pixel
        sigmas = math.sqrt(math.log(100) / (2 * math.pi**2)) / cutoff  # 1% response at cutoff
        filters = [ImageFilter.GaussianBlur(radius=float(s)) for s in sigmas]

        def baseline(filters=filters) -> None:
            for picture, blur in zip(pictures, filters, strict=True):
                picture.filter(blur)

        times = timed(baseline, args.repeats)
        ratio = statistics.median(times) / statistics.median(ours[name])
        print(f"  {name:18s} {describe(times)}  ratio PIL/ours {ratio:.2f}")


if __name__ == "__main__":
    main()
