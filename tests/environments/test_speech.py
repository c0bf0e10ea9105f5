from __future__ import annotations

import multiprocessing

import numpy as np
import pytest

from devlearn.environments.speech import (
    SpeechSynthesizer,
    Voice,
    household_voices,
    pitch_setting,
)

FEMALE = Voice("en-us+f3", base_pitch=50, pitch_range=50, rate_wpm=165, sex="female")
MALE = Voice("en-gb+m3", base_pitch=45, pitch_range=50, rate_wpm=165, sex="male")
PHRASE = "look, a doggy! where's the ball?"


@pytest.fixture(scope="module")
def synth() -> SpeechSynthesizer:
    return SpeechSynthesizer()


@pytest.fixture(scope="module")
def clip(synth):
    return synth.say(PHRASE, FEMALE, pitch_raise_semitones=3.0, pitch_variability=1.5)


def _median_f0_semitones(samples: np.ndarray) -> tuple[float, float]:
    """Median and spread (semitones re 100 Hz) of F0 over voiced frames."""
    import librosa

    f0, voiced, _ = librosa.pyin(samples, fmin=60, fmax=600, sr=16000, frame_length=1024)
    st = 12 * np.log2(f0[voiced] / 100.0)
    return float(np.median(st)), float(np.std(st))


def test_clip_is_16k_float_mono_within_range(clip):
    assert clip.sample_rate == 16000
    assert clip.samples.dtype == np.float32 and clip.samples.ndim == 1
    assert 0.8 < clip.duration_s < 4.0
    assert 0.05 < np.abs(clip.samples).max() <= 1.0


def test_word_times_follow_the_text_in_order(clip):
    assert [w for w, _, _ in clip.word_times] == ["look", "a", "doggy", "where's", "the", "ball"]
    ends = [0.0]
    for _, start, end in clip.word_times:
        assert ends[-1] <= start + 1e-9 and start < end <= clip.duration_s + 1e-9
        ends.append(end)


def test_speech_energy_lies_inside_word_times(clip):
    x = clip.samples.astype(np.float64)
    inside = np.zeros(len(x), bool)
    for _, start, end in clip.word_times:
        inside[int(start * 16000) : int(np.ceil(end * 16000))] = True
    outside_share = (x[~inside] ** 2).sum() / (x**2).sum()
    assert outside_share < 0.01
    # The pause after "look," is not counted as part of the word: words do not tile the clip.
    assert inside.mean() < 0.95
    for word, start, end in clip.word_times:  # every word carries sound
        seg = x[int(start * 16000) : int(end * 16000)]
        assert np.sqrt((seg**2).mean()) > 0.01, word


def test_same_input_gives_identical_samples_even_after_other_speech(synth, clip):
    synth.say("something else entirely, with another voice", MALE)
    again = synth.say(PHRASE, FEMALE, pitch_raise_semitones=3.0, pitch_variability=1.5)
    assert np.array_equal(again.samples, clip.samples)
    assert again.word_times == clip.word_times
    other = synth.say(PHRASE, MALE, pitch_raise_semitones=3.0, pitch_variability=1.5)
    assert len(other.samples) != len(clip.samples) or not np.array_equal(
        other.samples, clip.samples
    )


def test_worker_process_gives_the_same_samples(synth):
    ctx = multiprocessing.get_context("spawn")
    # The worker imports only the library (test modules are not importable under importlib mode).
    with ctx.Pool(1) as pool:
        remote = pool.apply(SpeechSynthesizer().say, ("the ball", FEMALE), {"rate_factor": 0.8})
    local = synth.say("the ball", FEMALE, rate_factor=0.8)
    assert np.array_equal(remote.samples, local.samples)
    assert remote.word_times == local.word_times


def test_infant_directed_pitch_is_raised_by_the_requested_semitones(synth):
    text = "oh mama, look at the moon"
    plain, _ = _median_f0_semitones(synth.say(text, FEMALE).samples)
    raised, _ = _median_f0_semitones(synth.say(text, FEMALE, pitch_raise_semitones=4.0).samples)
    assert raised - plain == pytest.approx(4.0, abs=0.6)


def test_pitch_variability_widens_the_pitch_range(synth):
    text = "oh mama, look at the moon! is it big?"
    _, narrow = _median_f0_semitones(synth.say(text, FEMALE, pitch_variability=0.5).samples)
    _, wide = _median_f0_semitones(synth.say(text, FEMALE, pitch_variability=1.8).samples)
    assert wide > 1.5 * narrow


def test_slower_rate_lengthens_speech(synth):
    normal = synth.say("can you get the ball", FEMALE)
    slow = synth.say("can you get the ball", FEMALE, rate_factor=0.7)
    assert slow.duration_s / normal.duration_s > 1.2
    assert slow.settings["rate_wpm"] == round(165 * 0.7)


def test_pitch_setting_maps_semitones_onto_espeak_scale():
    assert pitch_setting(50, 0.0) == 50
    assert pitch_setting(50, 2.1) == 60  # measured: setting 60 is 2.1 semitones above 50
    assert pitch_setting(50, -3.6) == 30
    assert pitch_setting(90, 12.0) == 99  # clamped at the top of the scale


def test_household_voices_are_seeded_distinct_and_of_both_sexes():
    a, b = household_voices(7, 4), household_voices(7, 4)
    assert a == b
    assert household_voices(8, 4) != a
    assert len({v.name for v in a}) == 4
    assert {v.sex for v in a} == {"female", "male"}
    assert all(0 <= v.base_pitch <= 99 and 80 <= v.rate_wpm <= 450 for v in a)
    assert len(household_voices(3, 12)) == 12  # more voices than variants still works


def test_household_voices_all_speak(synth):
    for voice in household_voices(1, 3):
        out = synth.say("hi", voice)
        assert out.word_times[0][0] == "hi" and np.abs(out.samples).max() > 0.05


def test_voice_names_and_variants_are_honoured(synth):
    british = synth.say("hi", Voice("en+m3", base_pitch=45, sex="male"))
    assert np.array_equal(synth.say("hi", MALE).samples, british.samples)  # en-gb is "en"
    other = synth.say("hi", Voice("en+m1", base_pitch=45, sex="male"))
    assert len(other.samples) != len(british.samples) or not np.array_equal(
        other.samples, british.samples
    )
    with pytest.raises(ValueError, match="variant 'zz9'"):
        synth.say("hi", Voice("en-us+zz9"))


def test_bad_arguments_raise_value_errors(synth):
    with pytest.raises(ValueError, match="base_pitch"):
        Voice(base_pitch=120)
    with pytest.raises(ValueError, match="sex"):
        Voice(sex="robot")
    with pytest.raises(ValueError, match="n=0"):
        household_voices(0, 0)
    with pytest.raises(ValueError, match="empty"):
        synth.say("   ", FEMALE)
    with pytest.raises(ValueError, match="rate_factor"):
        synth.say("hi", FEMALE, rate_factor=0)
