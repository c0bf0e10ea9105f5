"""Cost of the caregiver's voice per hour of simulated experience.

Prints: eSpeak synthesis speed with the library reloaded per call (what `SpeechSynthesizer`
does, for deterministic output) against the baseline of one library kept loaded (faster by the
reload, but the same text comes out slightly different each time); language planning speed;
and the time to render an hour of audio scene. Run: python benchmarks/bench_speech.py
"""

from __future__ import annotations

import ctypes
import os
import platform
import time

import numpy as np

from devlearn.environments import espeak_ffi
from devlearn.environments.audio_scene import AudioScene
from devlearn.environments.language import CaregiverLanguage, LanguageConfig
from devlearn.environments.speech import SpeechSynthesizer, household_voices, pitch_setting

CATEGORIES = "ball car duck cup spoon shoe book bottle block truck bear bunny dog cat".split()
WORDS_PER_HOUR, MLU = 1250.0, 4.0


def _persistent_baseline(texts: list[str], voice_name: str) -> float:
    """Seconds to synthesise `texts` with one library kept initialised (no reload)."""
    lib_path, data_path = espeak_ffi._paths()
    lib = ctypes.CDLL(lib_path)
    espeak_ffi._declare(lib)
    lib.espeak_Initialize(2, 0, data_path.encode(), 0x8000)
    lib.espeak_SetSynthCallback(espeak_ffi._CALLBACK)
    lib.espeak_SetVoiceByName(voice_name.encode())
    lib.espeak_SetParameter(espeak_ffi.PARAM_PITCH, pitch_setting(50, 4.0), 0)
    t0 = time.perf_counter()
    for text in texts:
        data = text.encode()
        espeak_ffi._chunks.clear()
        lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 1, None, None)
    elapsed = time.perf_counter() - t0
    lib.espeak_Terminate()
    espeak_ffi._chunks.clear()
    return elapsed


def main() -> None:
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    lang = CaregiverLanguage(LanguageConfig(), CATEGORIES, seed=0)
    t0 = time.perf_counter()
    plans = [lang.next_utterance(["ball", "cup"], "cup", ["dog"], MLU) for _ in range(5000)]
    plan_s = (time.perf_counter() - t0) / 5000
    texts = [u.text for u in plans[:60]]

    voice = household_voices(0, 1)[0]
    synth = SpeechSynthesizer()
    synth.say("warm up", voice)
    t0 = time.perf_counter()
    clips = [synth.say(t, voice, 4.0, 1.8, 0.85) for t in texts]
    ours = time.perf_counter() - t0
    audio_s = sum(c.duration_s for c in clips)
    base = _persistent_baseline(texts, voice.name)
    per_utt = ours / len(texts)
    utt_per_hour = WORDS_PER_HOUR / MLU
    print(f"speech: {len(texts)} utterances, {audio_s:.1f} s of audio in {ours:.2f} s "
          f"({audio_s / ours:.0f}x real time, {1e3 * per_utt:.1f} ms each incl. word times, "
          f"resampling)")  # fmt: skip
    print(f"  baseline, library kept loaded (raw synthesis only): {base:.2f} s; "
          f"ours / baseline = {ours / base:.2f}")  # fmt: skip
    print(f"language planning: {1e6 * plan_s:.0f} us per utterance")

    scene = AudioScene(0, 3600.0)
    for t in lang.schedule(3600.0, WORDS_PER_HOUR, MLU):
        scene.place(clips[int(t) % len(clips)], t)
    t0 = time.perf_counter()
    audio = scene.render()
    render_s = time.perf_counter() - t0
    print(f"audio scene: 1 h rendered in {render_s:.2f} s ({len(scene.speech)} utterances, "
          f"{len(scene.events)} noise events, peak {np.abs(audio).max():.2f})")  # fmt: skip
    total = utt_per_hour * (per_utt + plan_s) + render_s
    print(f"per hour of experience at {WORDS_PER_HOUR:.0f} words/h: {total:.1f} s of one core "
          f"(the simulate target allows 60 s per hour for everything)")  # fmt: skip


if __name__ == "__main__":
    main()
