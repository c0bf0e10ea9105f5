"""Run planned sessions into a dataset: worker processes, resume, shards, progress, finalize.

Every worker opens its own `DatasetWriter(resume=True)` on the shared `OUT.partial/` and
writes whole sessions; a session folder appears only when complete, so an interrupted run
resumes by skipping the sessions already there. Whoever sees every planned session of the
whole run finished (all shards) finalizes, guarded by an exclusive lock file.
"""

from __future__ import annotations

import json
import os
import queue as queue_module
from pathlib import Path

from devlearn.environments.plan import SessionSpec, SimulateOptions, plan_sessions
from devlearn.errors import UserError

OPTIONS_FILE = "simulate.json"
_worker_state: dict = {}


def _writer(out: Path, opts: SimulateOptions):
    from devlearn.datasets import DatasetWriter

    provenance = {"command": "devlearn simulate", "options": opts.to_dict(), "seed": opts.seed}
    return DatasetWriter(
        out,
        fps=opts.fps,
        frame_size=(opts.size, opts.size),
        source="simulated",
        provenance=provenance,
        resume=True,
    )


def write_session(
    writer, spec: SessionSpec, opts: SimulateOptions, synth=None, progress=None
) -> int:
    """Simulate one session into an open DatasetWriter; never leaves it half-written."""
    from devlearn.environments.session import SessionRecorder

    recorder = SessionRecorder(spec, opts, synth)
    extra = {"simulated_seed": spec.seed, "chunk": spec.chunk}
    with writer.session(spec.session_id, spec.child_id, spec.age_days, extra=extra) as sink:
        return recorder.run(sink, progress)


def _init_worker(out: str, opts: dict, progress_queue) -> None:
    from devlearn.environments import choose_gl_backend

    choose_gl_backend()
    _worker_state.update(out=Path(out), opts=SimulateOptions(**opts), queue=progress_queue)
    _worker_state["writer"] = _writer(Path(out), _worker_state["opts"])


def _run_in_worker(spec: SessionSpec) -> tuple[str, int]:
    state = _worker_state
    if "synth" not in state and state["opts"].audio:
        from devlearn.environments.speech import SpeechSynthesizer

        state["synth"] = SpeechSynthesizer()
    n = write_session(
        state["writer"], spec, state["opts"], state.get("synth"), lambda k: state["queue"].put(k)
    )
    return spec.session_id, n


def check_resume(partial: Path, opts: SimulateOptions) -> None:
    """A resumed run must use the options it was started with."""
    path = partial / OPTIONS_FILE
    if path.exists():
        started = json.loads(path.read_text())
        if started != json.loads(json.dumps(opts.to_dict())):
            raise UserError(
                "an interrupted run with other options left this folder; "
                "rerun with the same options or remove it",
                path=partial,
            )
    else:
        partial.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(opts.to_dict(), indent=1))
        os.replace(tmp, path)


def run(out: Path, opts: SimulateOptions, mine: list[SessionSpec], workers: int) -> Path | None:
    """Write this process's sessions, then finalize if the whole run is done."""
    from tqdm import tqdm

    writer = _writer(out, opts)
    check_resume(writer.partial, opts)
    done = writer.finished_sessions()
    todo = [s for s in mine if s.session_id not in done]
    frames_total = sum(int(round(s.duration_s * opts.fps)) for s in todo)
    bar = tqdm(total=frames_total, unit="frame", desc="simulate", dynamic_ncols=True)
    bar.set_postfix_str(f"sessions {len(mine) - len(todo)}/{len(mine)}")
    finished = len(mine) - len(todo)
    try:
        if workers <= 1 or len(todo) <= 1:
            synth = None
            if opts.audio and todo:
                from devlearn.environments.speech import SpeechSynthesizer

                synth = SpeechSynthesizer()
            for spec in todo:
                write_session(writer, spec, opts, synth, bar.update)
                finished += 1
                bar.set_postfix_str(f"sessions {finished}/{len(mine)}")
        else:
            finished = _run_pool(out, opts, todo, workers, bar, finished, len(mine))
    except BaseException:
        writer.abort(keep_finished=True)
        raise
    finally:
        bar.close()
    return finalize_if_complete(writer, opts)


def _run_pool(out, opts, todo, workers, bar, finished, n_mine) -> int:
    import multiprocessing as mp

    ctx = mp.get_context("spawn")  # no forked GL contexts
    progress = ctx.Queue()
    with ctx.Pool(
        min(workers, len(todo)), _init_worker, (str(out), opts.to_dict(), progress)
    ) as pool:
        results = [pool.apply_async(_run_in_worker, (spec,)) for spec in todo]
        pending = list(results)
        while pending:
            try:
                bar.update(progress.get(timeout=0.5))
            except queue_module.Empty:
                pass
            for r in [r for r in pending if r.ready()]:
                r.get()  # re-raises a worker's error here
                pending.remove(r)
                finished += 1
                bar.set_postfix_str(f"sessions {finished}/{n_mine}")
        while not progress.empty():
            bar.update(progress.get())
    return finished


def finalize_if_complete(writer, opts: SimulateOptions) -> Path | None:
    """Finalize when every session of the whole run (all shards) is written; else None."""
    planned = {s.session_id for s in plan_sessions(opts)}
    if not planned <= writer.finished_sessions():
        return None
    lock = writer.partial.with_name(writer.out.name + ".finalize.lock")
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return None  # another shard is finalizing
    os.close(fd)
    try:
        (writer.partial / OPTIONS_FILE).unlink(missing_ok=True)
        writer.add_lexicon([(c, c) for c in opts.categories])
        return writer.finalize()
    finally:
        lock.unlink(missing_ok=True)
