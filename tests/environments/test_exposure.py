"""The head camera's automatic exposure, on synthetic frames."""

from __future__ import annotations

import math

import numpy as np
import pytest

from devlearn.environments.exposure import ADAPT_S, GAIN_RANGE, TARGET_LUMA, AutoExposure


def _grey(value: int, size: int = 32) -> np.ndarray:
    return np.full((size, size, 3), value, np.uint8)


def _luma(frame: np.ndarray) -> float:
    return float(frame.reshape(-1, 3).mean(0) @ np.array([0.299, 0.587, 0.114])) / 255.0


def test_a_dim_scene_is_brought_to_mid_grey_at_once():
    camera = AutoExposure()
    out = camera(_grey(50), dt=0.2)
    assert out.dtype == np.uint8
    assert abs(_luma(out) - TARGET_LUMA) < 0.01
    assert camera.gain == pytest.approx(TARGET_LUMA * 255 / 50, rel=1e-3)


def test_exposure_follows_a_change_of_scene_with_its_time_constant():
    camera = AutoExposure()
    camera(_grey(50), dt=0.2)
    dark_gain = camera.gain
    bright_gain = TARGET_LUMA * 255 / 200
    camera(_grey(200), dt=ADAPT_S)  # one time constant: 1 - 1/e of the way
    moved = (dark_gain - camera.gain) / (dark_gain - bright_gain)
    assert moved == pytest.approx(1 - math.exp(-1), abs=1e-3)
    for _ in range(30):
        out = camera(_grey(200), dt=0.2)
    assert abs(_luma(out) - TARGET_LUMA) < 0.01


def test_gain_is_bounded_and_keeps_colours_in_range():
    camera = AutoExposure()
    assert not camera(_grey(0), dt=0.2).any()  # black stays black
    assert camera.gain == GAIN_RANGE[1]
    camera = AutoExposure()
    frame = np.zeros((8, 8, 3), np.uint8)
    frame[..., 0] = 255  # saturated red: its luma 0.3 asks for more gain; red clips at 255
    out = camera(frame, dt=0.2)
    assert out[..., 0].min() == 255 and out[..., 1:].max() == 0
    camera = AutoExposure()
    camera(_grey(255), dt=0.2)
    assert camera.gain == GAIN_RANGE[0]  # white asks for 0.45: held at the lower bound


def test_a_target_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="exposure target"):
        AutoExposure(target=1.5)
