"""What a member sees: their own attendance and their branch's activities (minutes only if published)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.ledger import kinds
from ...models import User
from ...models.group_study import Attendance
from ...models.ledger import Activity, ActivityAttendance

LIMIT = 200


@dataclass(frozen=True)
class MyLine:
    activity: Activity
    state: str | None  # kinds.ATTENDANCE key, or None when nothing is recorded for me
    reason: str = ""

    @property
    def label(self) -> str:
        if self.activity.status != kinds.DONE:
            return "计划中"
        return kinds.ATTENDANCE[self.state] if self.state else "未记录"


def my_ledger(session: Session, user: User, now: datetime) -> list[MyLine]:
    """The branch's activities, latest first, each with my attendance: three queries."""
    activities = list(session.scalars(select(Activity).where(Activity.unit_id == user.unit_id)
                                      .order_by(Activity.starts_at.desc(), Activity.id.desc()).limit(LIMIT)))
    return _lines(session, user, activities)


def my_line(session: Session, user: User, activity: Activity) -> MyLine:
    """One activity (already scope-checked, see scope.member_activity) with my attendance."""
    return _lines(session, user, [activity])[0]


def tally(lines: list[MyLine]) -> tuple[int, int]:
    """(activities held, those I attended) among the lines: planned ones count for neither."""
    held = [line for line in lines if line.activity.status == kinds.DONE]
    return len(held), sum(1 for line in held if line.state == kinds.PRESENT)


def _lines(session: Session, user: User, activities: list[Activity]) -> list[MyLine]:
    """My attendance at each activity: the recorded row, else present if I signed in through its window."""
    ids = [activity.id for activity in activities]
    mine = {row.activity_id: row for row in session.scalars(
        select(ActivityAttendance).where(ActivityAttendance.user_id == user.id,
                                         ActivityAttendance.activity_id.in_(ids)))} if ids else {}
    windows = {a.signin_session_id for a in activities if a.signin_session_id is not None}
    signed = set(session.scalars(select(Attendance.session_id).where(
        Attendance.user_id == user.id, Attendance.session_id.in_(windows)))) if windows else set()
    lines = []
    for activity in activities:
        row = mine.get(activity.id)
        if row is not None:
            lines.append(MyLine(activity, row.status, row.reason))
        elif activity.signin_session_id in signed:
            lines.append(MyLine(activity, kinds.PRESENT))
        else:
            lines.append(MyLine(activity, None))
    return lines
