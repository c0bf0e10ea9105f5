"""Vision profile: table values pinned, the acuity fit against the Teller-card means, shapes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from devlearn.development import vision

AGES = np.linspace(0.0, 48.0, 193)


def test_acuity_tables_match_facts():
    assert vision.ACUITY_MAYER_1995_MONOCULAR == (
        (1.0, 0.94), (2.25, 2.16), (4.0, 2.68), (6.0, 5.65), (9.5, 6.79),
        (12.0, 6.42), (18.0, 8.59), (24.0, 9.57), (36.0, 21.8), (48.0, 24.8),
    )  # fmt: skip
    assert vision.ACUITY_SALOMAO_VENTURA_1995_BINOCULAR == (
        (0.25, 0.66), (2.25, 2.02), (4.0, 5.48), (6.0, 7.44), (9.5, 11.6),
        (12.0, 11.1), (18.0, 12.4), (24.0, 14.6), (36.0, 17.8),
    )  # fmt: skip


def test_acuity_fit_coefficients():
    a, b, c = vision.ACUITY_FIT
    assert a == pytest.approx(0.2067, abs=1e-3)
    assert b == pytest.approx(0.7444, abs=1e-3)
    assert c == pytest.approx(-0.1485, abs=1e-3)  # monocular is about 0.71 of binocular


@pytest.mark.parametrize("age", [1.0, 6.0, 12.0, 24.0])
def test_acuity_matches_table_at_key_ages(age):
    tables = {
        True: dict(vision.ACUITY_SALOMAO_VENTURA_1995_BINOCULAR),
        False: dict(vision.ACUITY_MAYER_1995_MONOCULAR),
    }
    checked = 0
    for binocular, table in tables.items():
        if age in table:
            fitted = vision.acuity_cpd(age, binocular=binocular)
            error = abs(math.log10(fitted / table[age]))
            assert error <= vision.ACUITY_FIT_TOLERANCE_LOG10, (age, binocular, fitted)
            checked += 1
    assert checked >= 1


def test_every_table_mean_within_stated_tolerance():
    rows = [(a, v, True) for a, v in vision.ACUITY_SALOMAO_VENTURA_1995_BINOCULAR]
    rows += [(a, v, False) for a, v in vision.ACUITY_MAYER_1995_MONOCULAR]
    errors = [abs(math.log10(vision.acuity_cpd(a, binocular=b) / v)) for a, v, b in rows]
    assert max(errors) == pytest.approx(0.163, abs=0.002)
    assert max(errors) <= vision.ACUITY_FIT_TOLERANCE_LOG10


def test_acuity_values():
    assert vision.acuity_cpd(0.0) == vision.acuity_cpd(0.25)  # youngest group's value
    assert vision.acuity_cpd(0.25) == pytest.approx(0.573, abs=0.005)
    assert vision.acuity_cpd(12.0) == pytest.approx(10.23, abs=0.02)
    # Near the adult's ~30 cpd at four years.
    assert 25.0 < vision.acuity_cpd(48.0) < 32.0


def test_monotone_in_age():
    for fn in (
        vision.acuity_cpd,
        vision.contrast_peak_sensitivity,
        vision.contrast_peak_cpd,
        vision.contrast_gain,
        vision.chromatic_sensitivity,
        vision.visual_field_frac,
    ):
        values = fn(AGES)
        assert np.all(np.diff(values) >= 0), fn.__name__
        assert values[-1] > values[0], fn.__name__
    assert np.all(np.diff(vision.purity_threshold(AGES)) <= 0)


def test_contrast_sensitivity_values():
    assert vision.ADULT_PEAK_CPD == 3.0  # adults peak at 2-4 cpd
    # Peak rises 2 log units from the youngest age to 48 months.
    rise = math.log10(vision.contrast_peak_sensitivity(48.0) / vision.contrast_peak_sensitivity(0))
    assert rise == pytest.approx(2.0)
    assert vision.contrast_peak_cpd(48.0) == pytest.approx(3.0)
    assert 0.15 < vision.contrast_peak_cpd(0.0) < 0.4  # infants peak well below 1 cpd
    # Scaled adult shape: the curve reaches sensitivity 1 at the age's acuity.
    for age in (1.0, 6.0, 24.0):
        assert vision.contrast_sensitivity(age, vision.acuity_cpd(age)) == pytest.approx(1.0)
        peak = vision.contrast_sensitivity(age, vision.contrast_peak_cpd(age))
        assert peak == pytest.approx(vision.contrast_peak_sensitivity(age))
    assert vision.contrast_gain(48.0) == 1.0
    assert vision.contrast_gain(0.0) == pytest.approx(math.log10(2.0) / math.log10(200.0))


def test_colour_values():
    assert vision.NEWBORN_PURITY_THRESHOLDS == {"green": 0.41, "red": 0.47, "yellow": 0.65}
    assert vision.purity_threshold(0.0) == pytest.approx(0.51)
    assert vision.purity_threshold(48.0) == pytest.approx(0.01)
    # Thresholds halve with each doubling of age from 3 months (Knoblauch et al. 2001).
    for age in (3.0, 6.0, 12.0, 24.0):
        assert vision.purity_threshold(2 * age) == pytest.approx(vision.purity_threshold(age) / 2)
    assert vision.chromatic_sensitivity(48.0) == 1.0
    assert vision.chromatic_sensitivity(0.0) == pytest.approx(math.log10(0.51) / -2.0)


def test_visual_field_values():
    assert vision.VISUAL_FIELD_DOBSON_1998 == ((7.0, 0.81), (17.0, 0.86), (30.0, 0.96))
    for age, frac in vision.VISUAL_FIELD_DOBSON_1998:
        assert vision.visual_field_frac(age) == pytest.approx(frac)
    assert vision.visual_field_frac(48.0) == 1.0
    assert vision.visual_field_frac(0.0) == pytest.approx(0.775)


def test_vectorised_matches_scalar():
    ages = np.array([0.5, 3.0, 18.0])
    for fn in (vision.acuity_cpd, vision.contrast_gain, vision.chromatic_sensitivity):
        assert np.allclose(fn(ages), [fn(float(a)) for a in ages])
