"""The language a child hears: how much, in what utterances, with what prosody."""

from __future__ import annotations

import numpy as np

# Words heard per hour by family group (Hart & Risley 1995, B; replication disputed), with the
# number of families in each group in their study (6 welfare, 23 working-class, 13
# professional), which `Child` uses as the chance of each group.
WORDS_PER_HOUR_BY_GROUP: dict[str, float] = {
    "welfare": 600.0,
    "working": 1250.0,
    "professional": 2150.0,
}
FAMILIES_PER_GROUP: dict[str, int] = {"welfare": 6, "working": 23, "professional": 13}
# The population profile uses the middle group; individual children spread around their
# group's rate lognormally with this sd of the natural log (our assumption, C).
TYPICAL_GROUP = "working"
WITHIN_GROUP_LOG_SD = 0.25

# Mean utterance length to infants is about 4 words, to adults about 12 (Newport et al. 1977,
# C). We hold 4 words to 18 months and let it grow to 5.5 by 48 months as speech to the child
# grows more adult-like (our assumption, C).
MLU_TO_INFANTS = 4.0
MLU_AT_48_MONTHS = 5.5
MLU_GROWTH_FROM_MONTHS = 18.0

# Infant-directed speech has higher, more variable pitch (Fernald et al. 1989, B) and is
# slower, mainly through shorter utterances and phrase-final lengthening (Martin et al. 2016,
# B). The sizes are our assumptions (C): a raise of 4 semitones, a pitch range 1.8 times the
# adult-directed one and a speech rate 0.85 times it in the first year, easing to 2 semitones,
# 1.3 times and 0.95 times by 48 months.
ID_EASING_FROM_TO_MONTHS = (12.0, 48.0)
ID_PITCH_RAISE_SEMITONES = (4.0, 2.0)
ID_PITCH_VARIABILITY = (1.8, 1.3)
ID_RATE_FACTOR = (0.85, 0.95)


def _ease(age_months: float, values: tuple[float, float]) -> float:
    lo, hi = ID_EASING_FROM_TO_MONTHS
    share = float(np.clip((age_months - lo) / (hi - lo), 0.0, 1.0))
    return values[0] + share * (values[1] - values[0])


def mean_utterance_length(age_months: float) -> float:
    """Mean length in words of utterances addressed to the child."""
    share = (age_months - MLU_GROWTH_FROM_MONTHS) / (48.0 - MLU_GROWTH_FROM_MONTHS)
    return MLU_TO_INFANTS + float(np.clip(share, 0.0, 1.0)) * (MLU_AT_48_MONTHS - MLU_TO_INFANTS)


def infant_directed_prosody(age_months: float) -> dict[str, float]:
    """Pitch raise (semitones), pitch-range multiplier and speech-rate factor at an age."""
    return {
        "id_pitch_raise_semitones": _ease(age_months, ID_PITCH_RAISE_SEMITONES),
        "id_pitch_variability": _ease(age_months, ID_PITCH_VARIABILITY),
        "id_rate_factor": _ease(age_months, ID_RATE_FACTOR),
    }
