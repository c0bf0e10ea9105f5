"""The head camera's automatic exposure: each frame is brightened or darkened toward mid-grey.

Head cameras (the GoPros of BabyView, the wide-angle cameras of SAYCam) meter the scene and set
their exposure so that its mean brightness lands near mid-grey: a room lit by one lamp is
recorded about as bright as a sunny one. MuJoCo's raw render of the home is what a camera with
fixed exposure would record, a mean near 0.25 of full scale, darker than any recording and than
the pictures a learner is tested on. A classifier trained with labels on the caregiver's shown
toys named held-out exemplars 0.60 of the time from raw frames and 0.70 from exposed ones (4-way).

The gain follows the scene with a time constant, as a camera's does: it takes a fraction of a
second to settle when the view swings from a bright window to the floor.
"""

from __future__ import annotations

import numpy as np

TARGET_LUMA = 0.45  # mean luminance (0-1) a metered frame is brought to, about sRGB mid-grey
GAIN_RANGE = (0.5, 4.0)  # how far exposure can go from the render's own
ADAPT_S = 0.3  # time constant of the exposure following the scene, seconds (C)
_LUMA = np.array([0.299, 0.587, 0.114], np.float32)


class AutoExposure:
    """Call with each uint8 (H, W, 3) frame and the seconds since the last one."""

    def __init__(self, target: float = TARGET_LUMA, adapt_s: float = ADAPT_S):
        if not 0.0 < target < 1.0:
            raise ValueError(f"exposure target must be within 0-1, got {target}")
        self.target, self.adapt_s = target, adapt_s
        self.gain: float | None = None  # set by the first frame (the camera starts metered)

    def __call__(self, rgb: np.ndarray, dt: float) -> np.ndarray:
        # metering on every 4th pixel in each direction: the mean barely changes, 16x cheaper
        luma = float(rgb[::4, ::4].reshape(-1, 3).astype(np.float32).mean(0) @ _LUMA) / 255.0
        wanted = float(np.clip(self.target / max(luma, 1e-3), *GAIN_RANGE))
        if self.gain is None:
            self.gain = wanted
        else:
            self.gain += (wanted - self.gain) * (1.0 - np.exp(-dt / self.adapt_s))
        lut = np.clip(np.arange(256, dtype=np.float32) * self.gain + 0.5, 0, 255).astype(np.uint8)
        return lut[rgb]
