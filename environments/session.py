"""Simulate one session and write it: frames, audio, utterances with word times, ground truth.

Per frame: step the world, render, read what is visible; when the caregiver's next utterance
is due (and the previous one has ended) tell the language model what is in view and held,
synthesize what it says and place it in the audio scene. An object is `named` in every frame
inside an utterance that names its category. Each naming utterance also gets an
utterance-level objects row saying whether the named toy was in view when it was chosen.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from devlearn.environments.catalog import Exemplar, sample_exemplar
from devlearn.environments.language import categories_by_place
from devlearn.environments.plan import SessionSpec, SimulateOptions, child_seed
from devlearn.environments.sim import SimConfig, Simulation
from devlearn.environments.utterance_timing import PAUSE_S, PresentedToy, utterance_due

FRAME_BATCH = 200  # frames handed to the writer at a time


def session_exemplars(spec: SessionSpec, opts: SimulateOptions) -> list[Exemplar]:
    """The toys out in this session, drawn from the household's toy box."""
    rng = np.random.default_rng([spec.seed, 5])
    n = min(opts.objects_per_session, len(opts.categories))
    chosen = rng.choice(len(opts.categories), n, replace=False)
    out = []
    for c in sorted(chosen):
        j = int(rng.integers(opts.exemplars_per_category))
        out.append(sample_exemplar(opts.categories[c], spec.child * 1000 + j, opts.exemplar_split))
    return out


class SessionRecorder:
    """Runs one session's simulation, speech and ground truth into a SessionWriter-like sink."""

    def __init__(self, spec: SessionSpec, opts: SimulateOptions, synth=None):
        from devlearn.development import Child

        self.spec, self.opts = spec, opts
        self.profile = Child(child_seed(opts.seed, spec.child)).at(spec.age_months)
        self.exemplars = session_exemplars(spec, opts)
        config = SimConfig(
            fps=opts.fps, size=(opts.size, opts.size), fovy=opts.fovy,
            distractors=opts.n_distractors, ground_truth_scale=opts.ground_truth_scale,
            auto_exposure=opts.auto_exposure,
        )  # fmt: skip
        self.sim = Simulation(
            spec.seed,
            self.exemplars,
            self.profile,
            config,
            home_seed=child_seed(opts.seed, spec.child),
        )
        self.rng = np.random.default_rng([spec.seed, 11])
        self.synth = synth
        self._language()

    def _language(self) -> None:
        from devlearn.environments.language import CaregiverLanguage

        o, p = self.opts, self.profile
        cfg = o.language_config()
        self.lang = CaregiverLanguage(cfg, list(o.categories), seed=self.spec.seed)
        wph = o.words_per_hour if o.words_per_hour is not None else p.words_per_hour
        self.due = sorted(self.lang.schedule(self.spec.duration_s, wph, p.mean_utterance_length))
        self.presented = PresentedToy()

    def run(self, sink, progress: Callable[[int], None] | None = None) -> int:
        """Simulate and write everything into ``sink`` (a SessionWriter); returns frames."""
        from devlearn.environments.audio_scene import AudioScene
        from devlearn.environments.speech import SpeechSynthesizer, household_voices

        spec, opts, sim = self.spec, self.opts, self.sim
        n_frames = int(round(spec.duration_s * opts.fps))
        scene = AudioScene(spec.seed, spec.duration_s) if opts.audio else None
        synth = self.synth or (SpeechSynthesizer() if opts.audio else None)
        voices = household_voices(child_seed(opts.seed, spec.child), n=2) if opts.audio else []
        frames, columns = [], _Columns()
        spans: list[tuple[float, float, str]] = []  # (start, end, named category)
        busy_until, next_due = 0.0, 0
        for f in range(n_frames):
            t = f / opts.fps
            rgb, gt = sim.step()
            visible = {o.index: o for o in gt.visible_objects(opts.in_view_min_frac)}
            presented = self.presented.newly_presented(sim.caregiver, visible)
            onset = self.due[next_due] if next_due < len(self.due) else None
            if utterance_due(onset, t, presented) and t >= busy_until:
                next_due += 1
                end = self._speak(sink, f, t, visible, scene, synth, voices, spans, presented)
                busy_until = end + PAUSE_S
                self.presented.spoken_over(presented)
            spans[:] = [span for span in spans if span[1] > t]  # drop finished utterances
            named_now = {cat for a, b, cat in spans if a <= t < b and cat}
            rows = []
            for o in gt.objects:
                ex = self.exemplars[o.index]
                rows.append(
                    dict(
                        frame_idx=f,
                        object_id=f"obj{o.index}",
                        category=ex.category,
                        exemplar=ex.exemplar_id,
                        pixel_frac=o.pixel_frac,
                        bbox_x0=o.bbox[0],
                        bbox_y0=o.bbox[1],
                        bbox_x1=o.bbox[2],
                        bbox_y1=o.bbox[3],
                        named=ex.category in named_now,
                    )
                )
            sink.add_objects(rows)
            columns.add(sim, gt)
            frames.append(rgb)
            if len(frames) == FRAME_BATCH or f == n_frames - 1:
                self._flush(sink, frames, columns, f + 1 - len(frames))
                frames = []
                if progress:
                    progress(FRAME_BATCH if f != n_frames - 1 else (f % FRAME_BATCH) + 1)
        if scene is not None:
            sink.set_audio(scene.render(), 16000)
        sim.close()
        return n_frames

    def _speak(self, sink, frame, t, visible, scene, synth, voices, spans, presented=None) -> float:
        """Plan, voice and record the next utterance at time t; returns its end time."""
        in_view, out_of_view, absent = categories_by_place(
            visible.values(),
            lambda index: self.exemplars[index].category,
            {e.category for e in self.exemplars},
            list(self.opts.categories),
        )
        held = self.sim.held()
        held_cat = self.exemplars[held].category if held is not None else None
        u = self.lang.next_utterance(
            in_view,
            held_cat,
            absent,
            self.profile.mean_utterance_length,
            out_of_view,
            attended=self._attended(visible),
            presented=self.exemplars[presented].category if presented is not None else None,
        )
        if synth is not None:
            voice_idx = 0 if self.rng.random() < 0.8 or len(voices) < 2 else 1
            p = self.profile
            clip = synth.say(
                u.text,
                voices[voice_idx],
                p.id_pitch_raise_semitones,
                p.id_pitch_variability,
                p.id_rate_factor,
            )
            duration = len(clip.samples) / clip.sample_rate
            word_times = [(w, t + a, t + b) for w, a, b in clip.word_times]
        else:  # no audio: a reading-speed estimate of the duration, no word times
            voice_idx, duration, word_times = 0, 0.35 * len(u.words) + 0.3, None
        if t + duration > self.spec.duration_s:
            return t  # it would run past the session's end: left unsaid
        if synth is not None:
            scene.place(clip, t)
        speaker = "caregiver" if voice_idx == 0 else "adult2"
        utt_id = sink.add_utterance(
            speaker,
            u.text,
            t,
            t + duration,
            words=None if word_times else u.words,
            word_times=word_times,
        )
        if u.named_category:
            spans.append((t, t + duration, u.named_category))
            seen = [
                o for o in visible.values() if self.exemplars[o.index].category == u.named_category
            ]
            # the named toy: the one in view, else the one in the room, else none (absent)
            room = [i for i, e in enumerate(self.exemplars) if e.category == u.named_category]
            index = seen[0].index if seen else room[0] if room else None
            if seen and self.opts.joint_attention:
                self.sim.share_attention(index, duration)
            ex = self.exemplars[index] if index is not None else None
            sink.add_objects(
                [
                    dict(
                        utt_id=utt_id,
                        frame_idx=None,
                        object_id=f"obj{index}" if ex else f"absent-{u.named_category}",
                        category=u.named_category,
                        exemplar=ex.exemplar_id if ex else None,
                        pixel_frac=seen[0].pixel_frac if seen else 0.0,
                        named=True,
                        utterance_kind=u.kind,
                        decision_frame=frame,
                        named_in_view=bool(u.named_in_view),
                        named_status=u.named_status,
                        in_view_possible=bool(in_view),
                        n_other_in_view=len([c for c in in_view if c != u.named_category]),
                    )
                ]
            )
        return t + duration

    def _attended(self, visible: dict) -> str | None:
        """The category of the toy the child is looking at, if it is in view."""
        index = self.sim.attended_toy()
        return None if index is None or index not in visible else self.exemplars[index].category

    def _flush(self, sink, frames, columns, first: int) -> None:
        batch = np.stack(frames)
        if self.opts.vision_transform:
            batch = _age_transform(batch, self.spec.age_months, self.opts.fovy)
        sink.add_frames(batch)
        sink.add_frame_columns(**columns.take())


def _age_transform(batch: np.ndarray, age_months: float, fovy: float) -> np.ndarray:
    import torch

    from devlearn.development import AgeVisionTransform

    x = torch.from_numpy(batch).permute(0, 3, 1, 2).float() / 255.0
    with torch.no_grad():
        y = AgeVisionTransform(fov_deg=fovy)(x, age_months)
    return (y.clamp(0, 1) * 255.0 + 0.5).to(torch.uint8).permute(0, 2, 3, 1).numpy()


class _Columns:
    """Per-frame extra columns: posture, eye height, head direction, gaze point, faces, hands."""

    NAMES = (
        "posture",
        "eye_height_m",
        "head_azimuth",
        "head_elevation",
        "gaze_x",
        "gaze_y",
        "face_frac",
        "hands_frac",
        "caregiver_activity",
        "held_object",
    )

    def __init__(self):
        self.values: dict[str, list] = {n: [] for n in self.NAMES}

    def add(self, sim: Simulation, gt) -> None:
        infant, v = sim.infant, self.values
        v["posture"].append(infant.posture)
        v["eye_height_m"].append(infant.eye_height)
        v["head_azimuth"].append(infant.azimuth)
        v["head_elevation"].append(infant.elevation)
        gx, gy = sim.gaze_pixel()
        v["gaze_x"].append(gx)
        v["gaze_y"].append(gy)
        v["face_frac"].append(gt.face_frac)
        v["hands_frac"].append(gt.hands_frac)
        v["caregiver_activity"].append(sim.caregiver.activity)
        held = sim.held()
        v["held_object"].append("" if held is None else f"obj{held}")

    def take(self) -> dict[str, np.ndarray]:
        out = {}
        for name, values in self.values.items():
            text = name in ("posture", "caregiver_activity", "held_object")
            out[name] = np.asarray(values, dtype=str if text else np.float32)
            values.clear()
        return out
