"""Problem list and rectification ledger (问题清单 / 整改台账): who may move a problem where, and when it is overdue.

Stored statuses: open (待整改) → in_progress (整改中) → awaiting (已整改待验收) → closed (已销号, by the
higher level). 逾期 is never stored: a problem not closed whose deadline (a date in the organization's
time zone, Asia/Shanghai) has passed is overdue, computed from `now`.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

STATUSES = ("open", "in_progress", "awaiting", "closed")
STATUS_LABELS = {"open": "待整改", "in_progress": "整改中", "awaiting": "已整改待验收", "closed": "已销号",
                 "overdue": "逾期"}
SEVERITIES = {"minor": "一般", "major": "较重", "serious": "严重"}
SOURCES = {"deduction": "验收扣分", "finding": "检查发现", "manual": "手工录入"}

#: (from, to) -> who may make the move: "branch" (the branch organizer) or "reviewer" (the higher level).
TRANSITIONS = {
    ("open", "in_progress"): "branch",
    ("in_progress", "awaiting"): "branch",
    ("awaiting", "closed"): "reviewer",
    ("awaiting", "in_progress"): "reviewer",  # sent back: not yet rectified
}


def local_today(now: datetime, zone: str = "Asia/Shanghai") -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def is_overdue(status: str, deadline: date | None, now: datetime, zone: str = "Asia/Shanghai") -> bool:
    """Past its deadline and not closed; the deadline day itself is still in time."""
    return status != "closed" and deadline is not None and local_today(now, zone) > deadline


def shown_status(status: str, deadline: date | None, now: datetime, zone: str = "Asia/Shanghai") -> str:
    return "overdue" if is_overdue(status, deadline, now, zone) else status


def may_move(current: str, target: str, role: str) -> bool:
    """Reviewers may also do the branch's moves (they manage the branch too)."""
    who = TRANSITIONS.get((current, target))
    return who is not None and (who == role or role == "reviewer")


def age_days(created: datetime, now: datetime, zone: str = "Asia/Shanghai") -> int:
    return (local_today(now, zone) - local_today(created, zone)).days
