"""Frames per second of `devlearn simulate` at 96x96, against rendering alone.

Full: the real command (physics, bodies, colour and segmentation renders, ground truth,
speech synthesis, audio scene, dataset writing) with 2 worker processes, timed end to end.
Baseline: only the egocentric colour render of the same kind of home, head moving every
frame, in 2 processes. Target (issue 4): full >= 300 frames/s and within 2x of the baseline.

    .venv/bin/python benchmarks/bench_simulate.py [--repeats 3] [--minutes 2]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

SIZE = 96


def render_only(n_frames: int, seed: int) -> float:
    """Seconds to render n_frames colour frames with the head turning (no physics, no GT)."""
    import devlearn.environments  # noqa: F401  (headless GL)
    import mujoco
    import numpy as np
    from devlearn.environments.catalog import CATEGORIES, sample_exemplar
    from devlearn.environments.infant_body import InfantRig
    from devlearn.environments.offscreen import Offscreen
    from devlearn.environments.world import build_world

    rng = np.random.default_rng(seed)
    exemplars = [sample_exemplar(c, i) for i, c in enumerate(CATEGORIES[:8])]
    world = build_world(seed, exemplars, size=(SIZE, SIZE))
    data = mujoco.MjData(world.model)
    mujoco.mj_forward(world.model, data)
    rig = InfantRig(world.model)
    off = Offscreen(world.model, SIZE, SIZE, "eye")
    hands = {"l": np.array([0, 0, -5.0]), "r": np.array([0, 0, -5.0])}
    start = time.perf_counter()
    for _ in range(n_frames):
        rig.pose(data, np.array([0.0, 0.0, 0.4]), rng.uniform(-3, 3), rng.uniform(-0.8, 0.6), hands)
        mujoco.mj_kinematics(world.model, data)
        mujoco.mj_camlight(world.model, data)
        off.update(data)
        off.render_rgb()
    elapsed = time.perf_counter() - start
    off.close()
    return elapsed


def render_fps(processes: int, n_frames: int) -> float:
    start = time.perf_counter()
    with mp.get_context("spawn").Pool(processes) as pool:
        pool.starmap(render_only, [(n_frames, s) for s in range(processes)])
    return processes * n_frames / (time.perf_counter() - start)


def simulate_fps(workers: int, minutes: float, seed: int) -> float:
    from devlearn.environments.commands import simulate

    tmp = Path(tempfile.mkdtemp())
    try:
        start = time.perf_counter()
        simulate(
            str(tmp / "ds"),
            ages="12,18",
            hours_per_age=2 * minutes / 60,
            chunk_minutes=minutes,
            size=SIZE,
            fps=5.0,
            workers=workers,
            seed=seed,
        )
        elapsed = time.perf_counter() - start
    finally:
        shutil.rmtree(tmp)
    return 2 * 2 * minutes * 60 * 5.0 / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--minutes", type=float, default=2.0, help="minutes per session")
    args = parser.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")
    frames = int(2 * 2 * args.minutes * 60 * 5)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    print(f"frames per run: {frames} ({SIZE}x{SIZE}, 5 fps), repeats: {args.repeats}")
    full2 = [simulate_fps(2, args.minutes, r) for r in range(args.repeats)]
    full1 = [simulate_fps(1, args.minutes / 2, r) for r in range(args.repeats)]
    rend2 = [render_fps(2, frames // 2) for _ in range(args.repeats)]
    rend1 = [render_fps(1, frames // 4) for _ in range(args.repeats)]
    f2, f1 = statistics.median(full2), statistics.median(full1)
    r2, r1 = statistics.median(rend2), statistics.median(rend1)
    print(
        f"simulate, 2 workers:        {f2:7.1f} frames/s (runs: "
        f"{', '.join(f'{x:.0f}' for x in full2)})"
    )
    print(f"simulate, 1 worker:         {f1:7.1f} frames/s")
    print(f"rendering alone, 2 procs:   {r2:7.1f} frames/s")
    print(f"rendering alone, 1 proc:    {r1:7.1f} frames/s")
    print(f"ratio rendering/simulate (2 processes): {r2 / f2:.2f}x  (target <= 2x)")
    print(
        f"target 300 frames/s: {'met' if f2 >= 300 else 'not met'}; "
        f"load average at end {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
