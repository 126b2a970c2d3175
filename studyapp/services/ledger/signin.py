"""Sign-in windows and attendance: an activity's window is a group-study session inviting its branch, so
members sign in where they always have (集中学习 page), and group-study sessions are 集中学习 activities.

Attendance as recorded wins; a member with no recorded state who signed in counts as present.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.ledger import kinds
from ...domain.ledger.quorum import Quorum
from ...models import Unit, User
from ...models.group_study import Attendance, StudySession
from ...models.ledger import Activity
from ..errors import Invalid
from ..scope import subtree, unit_tree
from .activities import branch_roster

DEFAULT_WINDOW = timedelta(hours=1)


def open_signin(session: Session, actor: User, activity: Activity, starts_at: datetime | None,
                ends_at: datetime | None) -> StudySession:
    """Open a sign-in window for the branch's members; the activity's own times when none are given."""
    if activity.signin_session_id is not None:
        raise Invalid("此活动已开启签到")
    starts_at = starts_at or activity.starts_at
    ends_at = ends_at or max(activity.ends_at, starts_at + DEFAULT_WINDOW)
    if ends_at <= starts_at:
        raise Invalid("签到结束时间须晚于开始时间")
    study = StudySession(organization_id=activity.organization_id, title=f"{kinds.KINDS[activity.kind]}：{activity.topic}"[:200],
                         starts_at=starts_at, ends_at=ends_at, place=activity.place, note="", created_by_id=actor.id)
    study.units = [activity.unit]
    session.add(study)
    session.flush()
    activity.signin_session_id = study.id
    session.flush()
    return study


def sync_study_session(session: Session, study: StudySession, now: datetime | None) -> None:
    """Keep a group-study session's 集中学习 activities in step: one per invited branch (held once the
    session has ended before `now`; planned when no `now` is given)."""
    branches = subtree(unit_tree(session), {unit.id for unit in study.units})
    linked = {activity.unit_id: activity for activity in
              session.scalars(select(Activity).where(Activity.signin_session_id == study.id))}
    for unit_id, activity in linked.items():
        if unit_id not in branches and activity.kind == kinds.GROUP_STUDY:
            session.delete(activity)  # the branch is no longer invited
    for unit in session.scalars(select(Unit).where(Unit.id.in_(branches), Unit.kind == "branch")):
        activity = linked.get(unit.id)
        if activity is None:
            activity = Activity(organization_id=study.organization_id, unit_id=unit.id, kind=kinds.GROUP_STUDY,
                                signin_session_id=study.id, created_by_id=study.created_by_id,
                                minutes_md="", minutes_html="", decisions="")
            session.add(activity)
        elif activity.kind != kinds.GROUP_STUDY:
            continue  # another kind's sign-in window: its record is the organizer's, not the session's
        activity.topic, activity.place = study.title, study.place
        activity.starts_at, activity.ends_at = study.starts_at, study.ends_at
        activity.status = kinds.DONE if now is not None and study.ends_at <= now else kinds.PLANNED
    session.flush()


def drop_study_session(session: Session, study: StudySession) -> None:
    """Before a group-study session is deleted: its 集中学习 activities go with it; another kind's record
    whose sign-in window it was stays, without the window."""
    for activity in session.scalars(select(Activity).where(Activity.signin_session_id == study.id)):
        if activity.kind == kinds.GROUP_STUDY:
            session.delete(activity)
        else:
            activity.signin_session_id = None
    session.flush()


@dataclass
class Line:
    """One member on an activity's attendance sheet."""

    user: User
    state: str | None  # a kinds.ATTENDANCE key, or None: nothing recorded
    reason: str = ""
    signed_in_at: datetime | None = None

    @property
    def label(self) -> str:
        return kinds.ATTENDANCE[self.state] if self.state else "未记录"


def signins(session: Session, activity: Activity) -> dict[int, datetime]:
    if activity.signin_session_id is None:
        return {}
    rows = session.execute(select(Attendance.user_id, Attendance.signed_in_at)
                           .where(Attendance.session_id == activity.signin_session_id))
    return dict(rows.all())


def attendance_sheet(session: Session, activity: Activity) -> list[Line]:
    """The branch roster (plus anyone recorded who has since left) with each one's state."""
    signed = signins(session, activity)
    recorded = {row.user_id: row for row in activity.attendance}
    people = {user.id: user for user in branch_roster(session, activity.unit_id)}
    for row in activity.attendance:
        people.setdefault(row.user_id, row.user)
    lines = []
    for user in sorted(people.values(), key=lambda u: u.username):
        row = recorded.get(user.id)
        if row is not None:
            lines.append(Line(user, row.status, row.reason, signed.get(user.id)))
        elif user.id in signed:
            lines.append(Line(user, kinds.PRESENT, "", signed[user.id]))
        else:
            lines.append(Line(user, None))
    return lines


def counts(lines: list[Line]) -> dict[str, int]:
    result = {state: 0 for state in kinds.ATTENDANCE}
    for line in lines:
        if line.state:
            result[line.state] += 1
    return result


def quorum(lines: list[Line]) -> Quorum:
    """Art. 11: present 正式党员 against all of the branch's 正式党员 on the sheet."""
    voting = [line for line in lines if line.user.member_kind == kinds.FULL and line.user.active]
    return Quorum(voting=len(voting), present=sum(1 for line in voting if line.state == kinds.PRESENT))
