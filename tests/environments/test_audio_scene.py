from __future__ import annotations

import numpy as np
import pytest

from devlearn.environments.audio_scene import NOISE_KINDS, AudioScene
from devlearn.environments.speech import SpeechSynthesizer, Voice

SR = 16000


def _dbfs_rms(x: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(np.asarray(x, np.float64) ** 2)))


def _band_density_db(x: np.ndarray, lo: float, hi: float) -> float:
    spec = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(len(x), 1 / SR)
    return 10 * np.log10(spec[(f >= lo) & (f < hi)].mean())


def _tone(seconds: float, freq: float = 440.0, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_render_is_float32_16k_of_the_right_length_and_seeded():
    a = AudioScene(3, 20.0, noise_events_per_minute=6).render()
    assert a.dtype == np.float32 and a.shape == (20 * SR,)
    assert np.abs(a).max() <= 1.0
    assert np.array_equal(a, AudioScene(3, 20.0, noise_events_per_minute=6).render())
    assert not np.array_equal(a, AudioScene(4, 20.0, noise_events_per_minute=6).render())


def test_room_tone_is_quiet_coloured_noise_at_the_set_level():
    x = AudioScene(0, 30.0, noise_events_per_minute=0, room_tone_dbfs=-50.0).render()
    assert _dbfs_rms(x) == pytest.approx(-50.0, abs=0.5)
    # Level is steady (no pumping at the overlap-added block seams): 0.25 s windows agree.
    windows = [_dbfs_rms(w) for w in x.reshape(-1, SR // 4)]
    assert max(windows) - min(windows) < 3.0
    # Power density falls 10 * 1.5 = 15 dB per decade for slope 1.5 (between pink and brown).
    drop = _band_density_db(x, 100, 200) - _band_density_db(x, 1000, 2000)
    assert drop == pytest.approx(15.0, abs=2.0)
    assert abs(x.mean()) < 1e-4  # no DC


def test_windowed_rendering_equals_the_whole():
    scene = AudioScene(5, 12.0, noise_events_per_minute=20)
    scene.place(_tone(1.5), 3.3)
    whole = scene.render()
    pieces = np.concatenate([scene.render(t, min(t + 0.2, 12.0)) for t in np.arange(0, 12.0, 0.2)])
    assert np.array_equal(whole, pieces)


def test_household_noise_events_are_drawn_and_audible():
    scene = AudioScene(1, 300.0, noise_events_per_minute=4.0, room_tone_dbfs=-50.0)
    kinds = {e.kind for e in scene.events}
    assert kinds == set(NOISE_KINDS)
    assert len(scene.events) == pytest.approx(4.0 * 5, abs=10)  # Poisson, mean 20
    audio = scene.render()
    for e in scene.events:  # each at least 6 dB above the room tone over its first 0.5 s
        t0 = e.t_start + (1.0 if e.kind == "hum" else 0.0)  # past the hum's fade-in
        seg = audio[int(t0 * SR) : int((t0 + min(e.duration_s, 0.5)) * SR)]
        assert _dbfs_rms(seg) > -50.0 + 6.0, e
    hum = next(e for e in scene.events if e.kind == "hum")
    seg = audio[int((hum.t_start + 1) * SR) : int((hum.t_start + 2) * SR)]
    mains = max(_band_density_db(seg, 45, 65), _band_density_db(seg, 55, 65))
    assert mains > _band_density_db(seg, 2000, 4000) + 20
    clatter = next(e for e in scene.events if e.kind == "clatter")
    seg = audio[int(clatter.t_start * SR) : int((clatter.t_start + clatter.duration_s) * SR)]
    assert _band_density_db(seg, 900, 5000) > _band_density_db(seg, 100, 400) + 5


def test_placed_speech_sits_at_its_time_and_level():
    synth = SpeechSynthesizer()
    clip = synth.say("hi baby", Voice("en-us+f2"))
    scene = AudioScene(2, 6.0, noise_events_per_minute=0, speech_peak_dbfs=-6.0)
    placed = scene.place(clip, 2.0)
    assert placed.t_start == 2.0 and placed.t_end == pytest.approx(2.0 + clip.duration_s)
    assert placed.text == "hi baby" and scene.speech == [placed]
    audio = scene.render()
    assert _dbfs_rms(audio[: int(1.9 * SR)]) == pytest.approx(-50.0, abs=1.5)  # room tone only
    during = audio[int(2.0 * SR) : int(placed.t_end * SR)]
    assert np.abs(during).max() == pytest.approx(10 ** (-6 / 20), abs=0.01)
    quieter = AudioScene(2, 6.0, noise_events_per_minute=0)
    quieter.place(clip, 2.0, gain_db=-12.0)
    assert np.abs(quieter.render()).max() == pytest.approx(10 ** (-18 / 20), abs=0.01)


def test_overlapping_loud_sounds_are_scaled_not_clipped():
    scene = AudioScene(
        0, 3.0, noise_events_per_minute=0, room_tone_dbfs=-90.0, speech_peak_dbfs=-1.0
    )
    scene.place(_tone(1.0, 200.0), 1.0)
    scene.place(_tone(1.0, 200.0), 1.0)  # in phase: would peak near 1.78
    audio = scene.render()
    assert np.abs(audio).max() == pytest.approx(0.99, abs=1e-3)
    seg = audio[int(1.0 * SR) : int(2.0 * SR)]
    # Still a sine (scaled), not a flattened one: crest factor stays sqrt(2).
    assert np.abs(seg).max() / np.sqrt(np.mean(seg.astype(np.float64) ** 2)) == pytest.approx(
        np.sqrt(2), rel=0.01
    )


def test_bad_arguments_raise():
    scene = AudioScene(0, 2.0)
    with pytest.raises(ValueError, match="t_start"):
        scene.place(_tone(0.1), -1.0)
    with pytest.raises(ValueError, match="22050 Hz"):

        class Clip:
            samples = _tone(0.1)
            sample_rate = 22050

        scene.place(Clip(), 0.0)
    with pytest.raises(ValueError, match="outside"):
        scene.render(1.0, 3.0)
    with pytest.raises(ValueError, match="duration_s"):
        AudioScene(0, 0.0)
