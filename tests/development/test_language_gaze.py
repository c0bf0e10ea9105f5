"""Language input and gaze weights: sourced values pinned, age trends checked."""

from __future__ import annotations

import numpy as np
import pytest

from devlearn.development import attention, language


def test_hart_risley_values():
    assert language.WORDS_PER_HOUR_BY_GROUP == {
        "welfare": 600.0,
        "working": 1250.0,
        "professional": 2150.0,
    }
    assert language.FAMILIES_PER_GROUP == {"welfare": 6, "working": 23, "professional": 13}


def test_utterance_length_and_prosody():
    assert language.MLU_TO_INFANTS == 4.0
    assert language.mean_utterance_length(6.0) == 4.0
    assert language.mean_utterance_length(48.0) == 5.5
    young, old = language.infant_directed_prosody(6.0), language.infant_directed_prosody(48.0)
    assert young == {
        "id_pitch_raise_semitones": 4.0,
        "id_pitch_variability": 1.8,
        "id_rate_factor": 0.85,
    }
    assert old["id_pitch_raise_semitones"] < young["id_pitch_raise_semitones"]
    assert 1.0 <= old["id_pitch_variability"] < young["id_pitch_variability"]
    assert young["id_rate_factor"] < old["id_rate_factor"] < 1.0


def test_gaze_weights():
    young = attention.gaze_weights(1.0)
    assert young["faces"] == pytest.approx(15 / 60)  # Jayaraman et al. 2015
    assert attention.gaze_weights(15.0)["faces"] == pytest.approx(5 / 60)
    ages = np.linspace(0, 48, 49)
    weights = [attention.gaze_weights(a) for a in ages]
    for w in weights:
        assert sum(w.values()) == pytest.approx(1.0)
        assert min(w.values()) > 0
    faces = [w["faces"] for w in weights]
    hands = [w["hands"] for w in weights]
    held = [w["held"] for w in weights]
    assert np.all(np.diff(faces) <= 0) and faces[-1] < faces[0]
    assert np.all(np.diff(hands) >= 0) and hands[-1] > hands[0]
    assert np.all(np.diff(held) >= 0) and held[-1] > held[0]
    assert weights[24]["hands"] > weights[24]["faces"]  # hands replace faces
