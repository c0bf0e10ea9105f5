"""When the caregiver's next utterance starts.

Utterances follow a schedule (`language.CaregiverLanguage.schedule`), each at least PAUSE_S
after the previous one ends. Caregivers talk about what they show (Yu & Smith 2012): a toy
held up in the child's view draws a soon-due utterance of the schedule forward, once per
showing, so that the language model can name it as ``presented``. The window keeps the
schedule's timing and rate (onsets move by less than it). `simulate` (session.py) and the
gymnasium environment (gym_env.py) share this.
"""

from __future__ import annotations

from collections.abc import Container

PAUSE_S = 0.4  # least silence between two utterances
PRESENT_DRAW_S = 10.0  # how far ahead a presented toy draws the next utterance (C)


class PresentedToy:
    """Which toy the caregiver now holds up in view and has not yet spoken over."""

    def __init__(self) -> None:
        self._spoken_over: int | None = None

    def newly_presented(self, caregiver, visible: Container[int]) -> int | None:  # noqa: ANN001
        """The toy index she presents in the child's view (``visible`` holds the indices of
        toys in view), unless she has already spoken while presenting it."""
        if not caregiver.presenting or caregiver.carrying is None:
            self._spoken_over = None  # the showing is over: the next one counts afresh
            return None
        if caregiver.carrying == self._spoken_over or caregiver.carrying not in visible:
            return None
        return caregiver.carrying

    def spoken_over(self, index: int | None) -> None:
        """She has started an utterance while presenting ``index`` (None: nothing shown)."""
        if index is not None:
            self._spoken_over = index


def utterance_due(next_onset: float | None, t: float, presented: int | None) -> bool:
    """Whether the scheduled utterance at ``next_onset`` (None: none left) starts by time
    ``t``, drawn forward by up to PRESENT_DRAW_S while a toy is newly presented."""
    if next_onset is None:
        return False
    return next_onset <= t + (PRESENT_DRAW_S if presented is not None else 0.0)
