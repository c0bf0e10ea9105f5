"""devlearn: simulate and study how a child learns from what it sees and hears."""

from __future__ import annotations

__version__ = "0.1.0"

DAYS_PER_MONTH = 30.4375  # mean Gregorian month; ages are days in tables, months in the CLI


def months_to_days(months: float) -> int:
    """Age in whole days for an age in (fractional) months."""
    return int(round(months * DAYS_PER_MONTH))


def days_to_months(days: float) -> float:
    """Age in months for an age in days."""
    return days / DAYS_PER_MONTH


def load(path):  # noqa: ANN001, ANN201 - re-exported, typed where defined
    """Load a trained model from a run folder or checkpoint (see `devlearn.inference.load`)."""
    from devlearn.inference import load as _load

    return _load(path)
