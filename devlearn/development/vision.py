"""What a child of a given age can see: acuity, contrast, colour and visual field.

Every function takes an age in months (a float or a numpy array) and is vectorised, so the
image transform can ask for a whole batch of ages at once. The numbers come from
FACTS.md; each table cites its source, and tests pin the table values.
"""

from __future__ import annotations

import numpy as np

from devlearn.development.ages import MAX_AGE_MONTHS


def _scalar_or_array(value: np.ndarray, like: float | np.ndarray) -> float | np.ndarray:
    return float(value) if np.ndim(like) == 0 else np.asarray(value, dtype=float)


# Teller acuity card group means, cycles/degree, as (age in months, acuity). Age bins given as
# ranges in the sources are placed at their middle (0-0.5 -> 0.25, 2-2.5 -> 2.25, 9-10 -> 9.5).
# Source: the public data of gilmore-lab/visual-acuity, src/data/csv/typical_group.csv (A).
# Mayer et al. 1995, monocular.
ACUITY_MAYER_1995_MONOCULAR: tuple[tuple[float, float], ...] = (
    (1.0, 0.94), (2.25, 2.16), (4.0, 2.68), (6.0, 5.65), (9.5, 6.79),
    (12.0, 6.42), (18.0, 8.59), (24.0, 9.57), (36.0, 21.8), (48.0, 24.8),
)  # fmt: skip
# Salomão & Ventura 1995, binocular.
ACUITY_SALOMAO_VENTURA_1995_BINOCULAR: tuple[tuple[float, float], ...] = (
    (0.25, 0.66), (2.25, 2.02), (4.0, 5.48), (6.0, 7.44), (9.5, 11.6),
    (12.0, 11.1), (18.0, 12.4), (24.0, 14.6), (36.0, 17.8),
)  # fmt: skip

# The fit: log10(acuity) = a + b * log10(age) + c * monocular, one line through both studies
# with a monocular offset (log-log is the log-linear form that fits these means: the largest
# residual is 0.163 log10 units, against 0.6 for log acuity linear in age). The child sees
# with both eyes, so the profile uses the binocular line. Ages below the youngest group
# (0-0.5 months, placed at 0.25) take its value: log age has no value at birth.
ACUITY_FIT_TOLERANCE_LOG10 = 0.17  # every table mean lies within this of the fit
YOUNGEST_AGE_MONTHS = 0.25


def _fit_acuity() -> tuple[float, float, float]:
    rows = [(age, cpd, 0.0) for age, cpd in ACUITY_SALOMAO_VENTURA_1995_BINOCULAR]
    rows += [(age, cpd, 1.0) for age, cpd in ACUITY_MAYER_1995_MONOCULAR]
    data = np.array(rows)
    design = np.column_stack([np.ones(len(data)), np.log10(data[:, 0]), data[:, 2]])
    coef, *_ = np.linalg.lstsq(design, np.log10(data[:, 1]), rcond=None)
    return float(coef[0]), float(coef[1]), float(coef[2])


ACUITY_FIT = _fit_acuity()  # (a, b, c), about (0.207, 0.744, -0.148)


def acuity_cpd(age_months: float | np.ndarray, binocular: bool = True) -> float | np.ndarray:
    """Grating acuity in cycles per degree at an age (the log-log fit to Teller-card means)."""
    a, b, c = ACUITY_FIT
    age = np.maximum(np.asarray(age_months, dtype=float), YOUNGEST_AGE_MONTHS)
    log_cpd = a + b * np.log10(age) + (0.0 if binocular else c)
    return _scalar_or_array(10.0**log_cpd, age_months)


# Contrast sensitivity. Adults peak at 2-4 cpd (B; FACTS.md), taken as 3 cpd; adult peak
# sensitivity (1/threshold) is of the order of 200 (C). Peak sensitivity rises about 2 log
# units from infancy to adulthood (B; FACTS.md). The infant curve is the adult curve scaled
# along both axes (Peterzell et al. 1995, B): a log-parabola in log frequency whose
# high-frequency cutoff (sensitivity 1) is the age's acuity. We let log peak sensitivity rise
# in step with log acuity (both "mostly during infancy"), from 2 log units below the adult at
# the youngest age to the adult value at 48 months, the profile's oldest age.
ADULT_PEAK_SENSITIVITY = 200.0
ADULT_PEAK_CPD = 3.0
INFANT_PEAK_DEFICIT_LOG10 = 2.0


def _maturity(age_months: float | np.ndarray) -> np.ndarray:
    """0 at the youngest age, 1 at 48 months: how far log acuity has come."""
    young = np.log10(acuity_cpd(YOUNGEST_AGE_MONTHS))
    old = np.log10(acuity_cpd(MAX_AGE_MONTHS))
    return np.clip((np.log10(acuity_cpd(age_months)) - young) / (old - young), 0.0, 1.0)


def contrast_peak_sensitivity(age_months: float | np.ndarray) -> float | np.ndarray:
    """Peak contrast sensitivity (1/threshold contrast) at an age."""
    deficit = INFANT_PEAK_DEFICIT_LOG10 * (1.0 - _maturity(age_months))
    return _scalar_or_array(ADULT_PEAK_SENSITIVITY * 10.0**-deficit, age_months)


# Width of the log-parabola (log10 cpd per sqrt(log10 sensitivity)), set so the 48-month curve
# peaks at 3 cpd and falls to 1 at the 48-month acuity.
_PEAK_TO_CUTOFF_LOG10 = np.log10(acuity_cpd(MAX_AGE_MONTHS) / ADULT_PEAK_CPD)
CSF_WIDTH = float(_PEAK_TO_CUTOFF_LOG10 / np.sqrt(np.log10(ADULT_PEAK_SENSITIVITY)))


def contrast_peak_cpd(age_months: float | np.ndarray) -> float | np.ndarray:
    """Spatial frequency (cycles/degree) of peak contrast sensitivity at an age."""
    peak = np.asarray(contrast_peak_sensitivity(age_months))
    cutoff = np.asarray(acuity_cpd(age_months))
    return _scalar_or_array(cutoff / 10.0 ** (CSF_WIDTH * np.sqrt(np.log10(peak))), age_months)


def contrast_sensitivity(age_months: float, cpd: float | np.ndarray) -> float | np.ndarray:
    """The whole contrast sensitivity function at an age (log-parabola), for plots."""
    peak = float(contrast_peak_sensitivity(age_months))
    ratio = np.log10(np.asarray(cpd, dtype=float) / float(contrast_peak_cpd(age_months)))
    return peak * 10.0 ** (-((ratio / CSF_WIDTH) ** 2))


def contrast_gain(age_months: float | np.ndarray) -> float | np.ndarray:
    """How much image contrast the age keeps, 0..1 (1 at 48 months).

    The fraction of the adult's range of visible contrast, in log units from threshold to
    100%: log10(peak sensitivity) / log10(adult peak sensitivity). Scaling contrast by the raw
    sensitivity ratio (1/100 at birth) would flatten every picture to grey, although infants
    do see high-contrast scenes; the log ratio keeps the order and the endpoints.
    """
    ratio = np.log10(contrast_peak_sensitivity(age_months)) / np.log10(ADULT_PEAK_SENSITIVITY)
    return _scalar_or_array(np.clip(ratio, 0.0, 1.0), age_months)


# Colour. Newborns tell a colour from white only at high purity: >=41% green, >=47% red,
# >=65% yellow; adults <1% (Adams & Courage 1998, B). Colour-difference thresholds halve with
# each doubling of age from 3 months on (Knoblauch et al. 2001, B). We take the newborn
# threshold as the mean of the three (51%), the adult as 1%, and the 3-month threshold so that
# the halving rule reaches the adult level at 48 months (16%: 4 doublings from 3 to 48).
# Between the youngest age and 3 months the threshold falls log-linearly in log age.
NEWBORN_PURITY_THRESHOLDS = {"green": 0.41, "red": 0.47, "yellow": 0.65}
NEWBORN_PURITY_THRESHOLD = float(np.mean(list(NEWBORN_PURITY_THRESHOLDS.values())))
ADULT_PURITY_THRESHOLD = 0.01
HALVING_FROM_MONTHS = 3.0
THREE_MONTH_PURITY_THRESHOLD = ADULT_PURITY_THRESHOLD * MAX_AGE_MONTHS / HALVING_FROM_MONTHS


def purity_threshold(age_months: float | np.ndarray) -> float | np.ndarray:
    """Colour purity (0..1) needed to tell a colour from white at an age."""
    age = np.clip(np.asarray(age_months, dtype=float), YOUNGEST_AGE_MONTHS, MAX_AGE_MONTHS)
    after = THREE_MONTH_PURITY_THRESHOLD * HALVING_FROM_MONTHS / age
    share = np.log(age / YOUNGEST_AGE_MONTHS) / np.log(HALVING_FROM_MONTHS / YOUNGEST_AGE_MONTHS)
    before = np.exp(
        np.log(NEWBORN_PURITY_THRESHOLD)
        + share * (np.log(THREE_MONTH_PURITY_THRESHOLD) - np.log(NEWBORN_PURITY_THRESHOLD))
    )
    return _scalar_or_array(np.where(age < HALVING_FROM_MONTHS, before, after), age_months)


def chromatic_sensitivity(age_months: float | np.ndarray) -> float | np.ndarray:
    """Colour sensitivity, 0 (none) .. 1 (adult): log10(1/threshold) over the adult's."""
    ratio = np.log10(purity_threshold(age_months)) / np.log10(ADULT_PURITY_THRESHOLD)
    return _scalar_or_array(np.clip(ratio, 0.0, 1.0), age_months)


# Visual field extent as a fraction of the adult's (kinetic perimetry; Dobson et al. 1998, B).
VISUAL_FIELD_DOBSON_1998: tuple[tuple[float, float], ...] = (
    (7.0, 0.81),
    (17.0, 0.86),
    (30.0, 0.96),
)
# Assumptions (no source in FACTS.md): the field is taken as adult-sized at 48 months, and
# before 7 months the 7-17 month slope is extended back (so 0.775 at birth; probably too wide).
VISUAL_FIELD_AT_48_MONTHS = 1.0


def visual_field_frac(age_months: float | np.ndarray) -> float | np.ndarray:
    """Visual field extent as a fraction of the adult's."""
    points = (*VISUAL_FIELD_DOBSON_1998, (MAX_AGE_MONTHS, VISUAL_FIELD_AT_48_MONTHS))
    ages = np.array([p[0] for p in points])
    fracs = np.array([p[1] for p in points])
    age = np.asarray(age_months, dtype=float)
    early_slope = (fracs[1] - fracs[0]) / (ages[1] - ages[0])
    value = np.where(age < ages[0], fracs[0] + early_slope * (age - ages[0]), 0.0)
    value = np.where(age >= ages[0], np.interp(age, ages, fracs), value)
    return _scalar_or_array(value, age_months)
