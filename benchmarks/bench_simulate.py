"""Frames per second of `devlearn simulate` at 96x96, against rendering alone.

Full: the real command (physics, bodies, colour and segmentation renders, ground truth,
speech synthesis, audio scene, dataset writing) with 2 worker processes, timed end to end
(process start-up included); and the same session loop in 2 warmed-up processes (no start-up,
no files). Baseline: only the egocentric colour render of the same frames (a session's
states recorded, then replayed through the renderer), in 2 warmed-up processes. Target
(issue 4): >= 300 frames/s and within 2x of the baseline. The machine's load average is
printed: other work on it lowers every figure.

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
    """Seconds to render, colour only, the frames of a session like the timed one: its
    states (toys, bodies, head) are recorded first, then replayed through the renderer."""
    import mujoco

    from devlearn.environments.plan import SessionSpec, SimulateOptions
    from devlearn.environments.session import SessionRecorder

    opts = SimulateOptions(ages=[12.0], size=SIZE, seed=seed)
    spec = SessionSpec("timed", 0, 12.0, 0, n_frames / opts.fps, seed)
    sim = SessionRecorder(spec, opts).sim
    sim.config.segmentation = False
    model, data = sim.model, sim.data
    states = []
    for _ in range(n_frames):
        sim.step()
        states.append((data.qpos.copy(), data.mocap_pos.copy(), data.mocap_quat.copy()))
    off = sim.renderer.offscreen
    start, cpu = time.perf_counter(), time.process_time()
    for qpos, mocap_pos, mocap_quat in states:
        data.qpos[:], data.mocap_pos[:], data.mocap_quat[:] = qpos, mocap_pos, mocap_quat
        mujoco.mj_kinematics(model, data)
        mujoco.mj_camlight(model, data)
        off.update(data)
        off.render_rgb()
    elapsed = (time.perf_counter() - start, time.process_time() - cpu)
    sim.close()
    return elapsed


def session_only(n_frames: int, seed: int) -> float:
    """Seconds for one warmed-up process to simulate n_frames of a full session in memory
    (physics, bodies, both renders, ground truth, speech, audio scene; no dataset files)."""
    from devlearn.environments.plan import SessionSpec, SimulateOptions
    from devlearn.environments.preview import MemorySink
    from devlearn.environments.session import SessionRecorder
    from devlearn.environments.speech import SpeechSynthesizer

    opts = SimulateOptions(ages=[12.0], size=SIZE, seed=seed)
    synth = SpeechSynthesizer()
    warm = SessionSpec("warm", 0, 12.0, 0, 10.0, seed + 100)
    SessionRecorder(warm, opts, synth).run(MemorySink())  # imports, caches, GL context
    spec = SessionSpec("timed", 0, 12.0, 0, n_frames / opts.fps, seed)
    start, cpu = time.perf_counter(), time.process_time()
    SessionRecorder(spec, opts, synth).run(MemorySink())
    return time.perf_counter() - start, time.process_time() - cpu


def pool_fps(target, processes: int, n_frames: int) -> float:
    """Frames/s over `processes` processes each running `target` (timed inside each); also
    records frames per CPU-second of one process, which other load on the machine barely
    changes (software GL renders on the calling thread, so CPU time covers rendering)."""
    with mp.get_context("spawn").Pool(processes) as pool:
        times = pool.starmap(target, [(n_frames, s) for s in range(processes)])
    CPU_RATES.setdefault(target.__name__, []).extend(n_frames / cpu for _, cpu in times)
    return sum(n_frames / wall for wall, _ in times)


CPU_RATES: dict[str, list[float]] = {}


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
    runs = {
        "simulate command, 2 workers, end to end": [
            simulate_fps(2, args.minutes, r) for r in range(args.repeats)],
        "full session loop, 2 processes, warm": [
            pool_fps(session_only, 2, frames // 2) for _ in range(args.repeats)],
        "full session loop, 1 process, warm": [
            pool_fps(session_only, 1, frames // 4) for _ in range(args.repeats)],
        "rendering alone, 2 processes, warm": [
            pool_fps(render_only, 2, frames // 2) for _ in range(args.repeats)],
        "rendering alone, 1 process, warm": [
            pool_fps(render_only, 1, frames // 4) for _ in range(args.repeats)],
    }  # fmt: skip
    medians = {name: statistics.median(values) for name, values in runs.items()}
    for name, values in runs.items():
        listed = ", ".join(f"{x:.0f}" for x in values)
        print(f"{name:42s} {medians[name]:7.1f} frames/s  (runs: {listed})")
    end_to_end = medians["simulate command, 2 workers, end to end"]
    loop2 = medians["full session loop, 2 processes, warm"]
    render2 = medians["rendering alone, 2 processes, warm"]
    print(f"ratio rendering alone / full loop (2 processes, warm): {render2 / loop2:.2f}x")
    print(f"ratio rendering alone / simulate command: {render2 / end_to_end:.2f}x (target <= 2x)")
    cpu_full = statistics.median(CPU_RATES["session_only"])
    cpu_render = statistics.median(CPU_RATES["render_only"])
    print(
        f"per CPU-second of one process: full loop {cpu_full:.0f} frames, rendering alone "
        f"{cpu_render:.0f} frames; ratio {cpu_render / cpu_full:.2f}x; two free cores would "
        f"give about {2 * cpu_full:.0f} frames/s"
    )
    met = {True: "met", False: "not met"}
    print(
        f"target 300 frames/s: {met[end_to_end >= 300]} end to end, {met[loop2 >= 300]} warm; "
        f"load average at end {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
