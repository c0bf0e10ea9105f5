"""The age range the developmental profile covers, and checking ages against it."""

from __future__ import annotations

import math

import numpy as np

MIN_AGE_MONTHS = 0.0
MAX_AGE_MONTHS = 48.0  # the profile's oldest age; older ages are refused, not extrapolated
SEXES = ("female", "male")


def check_age(age_months: float) -> float:
    """Return the age as a float, or raise ValueError naming it if it is outside 0-48 months."""
    try:
        age = float(age_months)
    except (TypeError, ValueError):
        raise ValueError(f"age_months={age_months!r} must be a number of months") from None
    if math.isnan(age) or age < MIN_AGE_MONTHS or age > MAX_AGE_MONTHS:
        raise ValueError(
            f"age_months={age_months!r} is outside the profile's range "
            f"{MIN_AGE_MONTHS:g}-{MAX_AGE_MONTHS:g} months"
        )
    return age


def check_ages(ages_months: np.ndarray, allow_adult: bool = False) -> np.ndarray:
    """Check an array of ages; with allow_adult, +inf stands for an adult (no change)."""
    ages = np.asarray(ages_months, dtype=float)
    bad = np.isnan(ages) | (ages < MIN_AGE_MONTHS)
    bad |= (ages > MAX_AGE_MONTHS) & ~(allow_adult & np.isposinf(ages))
    if bad.any():
        first = float(ages[bad].flat[0])
        raise ValueError(
            f"age_months={first!r} is outside the profile's range "
            f"{MIN_AGE_MONTHS:g}-{MAX_AGE_MONTHS:g} months"
            + (" (use inf or None for an adult)" if allow_adult else "")
        )
    return ages


def check_sex(sex: str) -> str:
    """Return the sex if it is one of SEXES, else raise ValueError naming it."""
    if sex not in SEXES:
        raise ValueError(f"sex={sex!r} must be one of {', '.join(SEXES)}")
    return sex
