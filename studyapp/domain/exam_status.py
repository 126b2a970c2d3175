"""One vocabulary for where a member stands in a sitting, used by every organizer page and export.

未开始: the sitting has not opened yet; 未参考: it is open and the member has not started;
作答中: an attempt is in progress; 及格 / 不及格: the attempt that counts is graded (已交卷 when the
pass mark is unknown); 缺考: the sitting has closed and the member never submitted. Nobody is 缺考
before the close, so a sitting scheduled for next week does not list its whole audience as absent.
"""
from __future__ import annotations

from collections.abc import Iterable

from .score_text import FAILED, PASSED  # one word for passing on every page
from .timing import CLOSED, UPCOMING

NOT_OPEN = "未开始"
NOT_STARTED = "未参考"
ANSWERING = "作答中"
SUBMITTED = "已交卷"
ABSENT = "缺考"

#: In the order a page lists the counts.
ORDER = (PASSED, FAILED, SUBMITTED, ANSWERING, NOT_STARTED, NOT_OPEN, ABSENT)


def member_status(window: str, submitted: bool, in_progress: bool, passed: bool | None = None) -> str:
    """The member's status given the sitting's window (domain.timing.window_state) and their attempts."""
    if submitted:
        if passed is None:
            return SUBMITTED
        return PASSED if passed else FAILED
    if in_progress:
        return ANSWERING
    if window == UPCOMING:
        return NOT_OPEN
    if window == CLOSED:
        return ABSENT
    return NOT_STARTED


def needs_makeup(status: str) -> bool:
    """A make-up sitting is for those absent after the close or who failed."""
    return status in (ABSENT, FAILED)


def tally(statuses: Iterable[str]) -> list[tuple[str, int]]:
    """(status, how many) in ORDER, leaving out statuses nobody has."""
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return [(status, counts[status]) for status in ORDER if counts.get(status)]
