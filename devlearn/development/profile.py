"""A developmental profile: everything the project needs to know about a child at one age."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from devlearn.development import attention, body, language, motor, vision
from devlearn.development.ages import check_age, check_sex
from devlearn.development.motor import POSTURES


@dataclass(frozen=True)
class Profile:
    """A child's senses, body and language input at one age (see `profile_at`)."""

    age_months: float
    sex: str
    acuity_cpd: float  # grating acuity, cycles/degree (binocular)
    contrast_peak_sensitivity: float  # 1/threshold contrast at the peak frequency
    contrast_peak_cpd: float
    contrast_gain: float  # share of image contrast the transform keeps, 0..1
    chromatic_sensitivity: float  # 0 (no colour) .. 1 (adult)
    visual_field_frac: float  # fraction of the adult's extent
    posture_probs: dict[str, float]  # over POSTURES, sums to 1
    stature_cm: float
    eye_height_cm: dict[str, float]  # per posture, eyes above the floor
    locomotion_speed_mps: tuple[float, float]  # (min, max); (0, 0) before crawling
    gaze_weights: dict[str, float]  # "faces", "hands", "moving", "held"; sums to 1
    words_per_hour: float
    mean_utterance_length: float  # words, child-directed
    id_pitch_raise_semitones: float
    id_pitch_variability: float  # multiplier on pitch range (>= 1)
    id_rate_factor: float  # speech-rate multiplier (< 1 is slower)

    def __post_init__(self) -> None:
        check_age(self.age_months)
        check_sex(self.sex)
        if set(self.posture_probs) != set(POSTURES):
            raise ValueError(f"posture_probs keys {sorted(self.posture_probs)} are not {POSTURES}")
        for name in ("posture_probs", "gaze_weights"):
            total = sum(getattr(self, name).values())
            if not math.isclose(total, 1.0, abs_tol=1e-6):
                raise ValueError(f"{name} sums to {total}, not 1")

    @property
    def posture(self) -> str:
        """The most likely posture stage."""
        return max(POSTURES, key=lambda name: self.posture_probs[name])

    def sample_posture(self, rng: np.random.Generator) -> str:
        """Draw a posture stage with the profile's probabilities."""
        probs = np.array([self.posture_probs[name] for name in POSTURES])
        return POSTURES[int(rng.choice(len(POSTURES), p=probs / probs.sum()))]


def senses_and_input(age_months: float) -> dict[str, object]:
    """The parts of a profile that are the same for every child of an age."""
    return {
        "acuity_cpd": vision.acuity_cpd(age_months),
        "contrast_peak_sensitivity": vision.contrast_peak_sensitivity(age_months),
        "contrast_peak_cpd": vision.contrast_peak_cpd(age_months),
        "contrast_gain": vision.contrast_gain(age_months),
        "chromatic_sensitivity": vision.chromatic_sensitivity(age_months),
        "visual_field_frac": vision.visual_field_frac(age_months),
        "gaze_weights": attention.gaze_weights(age_months),
        "mean_utterance_length": language.mean_utterance_length(age_months),
        **language.infant_directed_prosody(age_months),
    }


def median_posture(posture_probs: dict[str, float]) -> str:
    """The most advanced stage that at least half of the children have reached."""
    reached = 0.0
    for name in reversed(POSTURES):
        reached += posture_probs[name]
        if reached >= 0.5:
            return name
    return POSTURES[0]


def profile_at(age_months: float, sex: str = "female") -> Profile:
    """The profile of a population-typical child of an age (0-48 months) and sex.

    Posture is a distribution over stages; stature is the WHO median; the travel speed is
    that of the median child's stage; words per hour are the middle Hart & Risley group's.
    """
    age = check_age(age_months)
    probs = motor.posture_probabilities(age)
    stature = body.stature_cm(age, sex)
    walking_for = age - motor.onset_quantile("walking", 0.5)
    return Profile(
        age_months=age,
        sex=check_sex(sex),
        posture_probs=probs,
        stature_cm=stature,
        eye_height_cm=body.eye_heights_cm(age, stature),
        locomotion_speed_mps=body.locomotion_speed_mps(median_posture(probs), walking_for),
        words_per_hour=language.WORDS_PER_HOUR_BY_GROUP[language.TYPICAL_GROUP],
        **senses_and_input(age),
    )
