"""What a child's eyes go to: relative weights of faces, hands, moving and held objects."""

from __future__ import annotations

import numpy as np

# Faces fill about 15 minutes of each waking hour for the youngest infants and about 5 for
# the oldest (Jayaraman et al. 2015, A/B; their infants were 1-15 months): we fall from 15/60
# at 1 month to 5/60 at 15 months, linear in log age, and stay there.
FACES_YOUNGEST = 15.0 / 60.0
FACES_OLDEST = 5.0 / 60.0
FACES_FROM_TO_MONTHS = (1.0, 15.0)
# With age hands, mostly hands acting on objects, replace faces (Fausey, Jayaraman & Smith
# 2016, B). The mirror image of the face curve over 1-24 months is our assumption (C).
HANDS_FROM_TO_MONTHS = (1.0, 24.0)
# Toddlers' own views hold large, close, single objects (Bambach et al. 2018, B): the held
# share grows from 0.05 before reaching (3 months) to 0.35 at 24 months (our assumption, C).
HELD_YOUNGEST = 0.05
HELD_OLDEST = 0.35
HELD_FROM_TO_MONTHS = (3.0, 24.0)


def _log_ramp(age_months: float, start: float, end: float, span: tuple[float, float]) -> float:
    lo, hi = span
    age = min(max(age_months, lo), hi)
    share = np.log(age / lo) / np.log(hi / lo)
    return float(start + share * (end - start))


def gaze_weights(age_months: float) -> dict[str, float]:
    """Weights (summing to 1) for looking at faces, hands, moving objects and held objects.

    Moving objects take what the other three leave.
    """
    faces = _log_ramp(age_months, FACES_YOUNGEST, FACES_OLDEST, FACES_FROM_TO_MONTHS)
    hands = _log_ramp(age_months, FACES_OLDEST, FACES_YOUNGEST, HANDS_FROM_TO_MONTHS)
    held = _log_ramp(age_months, HELD_YOUNGEST, HELD_OLDEST, HELD_FROM_TO_MONTHS)
    return {"faces": faces, "hands": hands, "moving": 1.0 - faces - hands - held, "held": held}
