"""Simulated age: a child's senses, body and language input as functions of age.

    from devlearn.development import profile_at, Child, AgeVisionTransform
    profile_at(12.0).acuity_cpd          # a typical 12-month-old
    Child(seed=3).at(12.0).posture_probs # one simulated child
    AgeVisionTransform(fov_deg=100)(images, age_months)  # frames as a child sees them

The transform needs torch and is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from devlearn.development.ages import MAX_AGE_MONTHS, MIN_AGE_MONTHS
from devlearn.development.child import Child
from devlearn.development.motor import POSTURES
from devlearn.development.profile import Profile, profile_at

if TYPE_CHECKING:
    from devlearn.development.transform import AgeVisionTransform

__all__ = [
    "MAX_AGE_MONTHS",
    "MIN_AGE_MONTHS",
    "POSTURES",
    "AgeVisionTransform",
    "Child",
    "Profile",
    "profile_at",
]


def __getattr__(name: str):  # noqa: ANN202 - module attribute hook
    if name == "AgeVisionTransform":
        from devlearn.development.transform import AgeVisionTransform

        return AgeVisionTransform
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
