"""Group study sessions (集中学习): organizers schedule them, invited members sign in on their phones.

Scope: a session belongs to one organization; an organizer sees a session when it invites one of
their units (directly or through a unit above), and its attendance only for the units they manage. Invitations, on create and edit,
are limited to managed units. A member is invited when their unit lies under an invited unit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.signin import CLOSED, NOT_YET, signin_state
from ..models import Chapter, Unit, User
from ..models.group_study import Attendance, StudySession, study_session_units
from .errors import Invalid, NotFound
from .ledger.signin import drop_study_session, sync_study_session
from .publishing import readable_modules
from .scope import ancestors, organization_root, subtree, unit_tree, with_ancestors


@dataclass
class SessionInput:
    """What the scheduling form submits (times already converted to UTC)."""

    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    place: str = ""
    note: str = ""
    chapter_ids: set[int] = field(default_factory=set)
    unit_ids: set[int] = field(default_factory=set)


def selectable_chapters(session: Session, actor: User, managed: set[int]) -> list[Chapter]:
    """Chapters an organizer may put on a session's agenda: those of modules they may read."""
    chapters = []
    for module in readable_modules(session, actor, managed):
        chapters.extend(module.chapters)
    return chapters


def save_session(session: Session, actor: User, managed: set[int], study: StudySession | None,
                 data: SessionInput, now: datetime | None = None) -> StudySession:
    """Create (study None) or update a session after checking times, invitations and chapters; its
    invited branches' ledgers get (or update) a 集中学习 activity, held if it ended before `now`."""
    title = (data.title or "").strip()
    if not title:
        raise Invalid("请填写学习主题")
    if data.starts_at is None or data.ends_at is None:
        raise Invalid("请填写开始和结束时间")
    if data.ends_at <= data.starts_at:
        raise Invalid("结束时间须晚于开始时间")
    if not data.unit_ids:
        raise Invalid("请至少邀请一个支部")
    if not data.unit_ids <= managed:
        raise Invalid("只能邀请您管理的组织或支部")
    allowed = {chapter.id: chapter for chapter in selectable_chapters(session, actor, managed)}
    if not data.chapter_ids <= allowed.keys():
        raise Invalid("所选章节不存在")
    if study is None:
        study = StudySession(organization_id=organization_root(session, actor.unit_id), created_by_id=actor.id)
        session.add(study)
    study.title = title[:200]
    study.starts_at, study.ends_at = data.starts_at, data.ends_at
    study.place = (data.place or "").strip()[:300]
    study.note = (data.note or "").strip()
    study.chapters = [allowed[chapter_id] for chapter_id in sorted(data.chapter_ids)]
    study.units = list(session.scalars(select(Unit).where(Unit.id.in_(data.unit_ids))))
    session.flush()
    sync_study_session(session, study, now)
    return study


def managed_sessions(session: Session, actor: User, managed: set[int]) -> list[StudySession]:
    """Sessions inviting a unit the actor manages or one above it (which invites theirs), newest first."""
    covering = with_ancestors(session, managed)
    invited = select(study_session_units.c.session_id).where(study_session_units.c.unit_id.in_(covering))
    query = select(StudySession).where(
        StudySession.organization_id == organization_root(session, actor.unit_id), StudySession.id.in_(invited)
    )
    return list(session.scalars(query.order_by(StudySession.starts_at.desc())))


def get_managed_session(session: Session, actor: User, managed: set[int], session_id: int) -> StudySession:
    study = session.get(StudySession, session_id)
    if (study is None or study.organization_id != organization_root(session, actor.unit_id)
            or not {unit.id for unit in study.units} & with_ancestors(session, managed)):
        raise NotFound("集中学习不存在")
    return study


def may_edit(study: StudySession, managed: set[int]) -> bool:
    """Only someone who manages every invited unit may change or delete a session."""
    return {unit.id for unit in study.units} <= managed


def delete_session(session: Session, study: StudySession) -> None:
    drop_study_session(session, study)
    session.delete(study)
    session.flush()


# ---- members ---------------------------------------------------------------------------------


def _invited_with_my_signin(session: Session, user: User):
    """Sessions inviting the member's unit or one above it, each with the member's sign-in if any."""
    invited = select(study_session_units.c.session_id).where(
        study_session_units.c.unit_id.in_(ancestors(session, user.unit_id))
    )
    return (select(StudySession, Attendance)
            .outerjoin(Attendance, and_(Attendance.session_id == StudySession.id, Attendance.user_id == user.id))
            .where(StudySession.id.in_(invited)))


def my_sessions(session: Session, user: User) -> list[tuple[StudySession, Attendance | None]]:
    """Sessions the member is invited to, latest start first, each with their sign-in if any."""
    rows = session.execute(_invited_with_my_signin(session, user).order_by(StudySession.starts_at.desc()).limit(100))
    return [(study, attendance) for study, attendance in rows]


def my_windows(session: Session, user: User,
               session_ids: set[int]) -> dict[int, tuple[StudySession, Attendance | None]]:
    """Among these sessions (the sign-in windows of ledger activities), those the member is invited to,
    by id, each with their sign-in if any: one query."""
    if not session_ids:
        return {}
    rows = session.execute(_invited_with_my_signin(session, user).where(StudySession.id.in_(session_ids)))
    return {study.id: (study, attendance) for study, attendance in rows}


def is_invited(session: Session, user: User, study: StudySession) -> bool:
    return bool({unit.id for unit in study.units} & set(ancestors(session, user.unit_id)))


def sign_in(session: Session, user: User, session_id: int, now: datetime, early: timedelta) -> Attendance:
    """Record the member's sign-in; signing in again returns the first record unchanged."""
    study = session.get(StudySession, session_id)
    if study is None or not is_invited(session, user, study):
        raise NotFound("集中学习不存在")
    existing = _attendance(session, study.id, user.id)
    if existing is not None:
        return existing
    state = signin_state(study.starts_at, study.ends_at, now, early)
    if state == NOT_YET:
        raise Invalid("签到尚未开始")
    if state == CLOSED:
        raise Invalid("集中学习已结束，不能签到")
    try:
        with session.begin_nested():  # a double tap racing itself: the unique key decides
            attendance = Attendance(session_id=study.id, user_id=user.id, signed_in_at=now)
            session.add(attendance)
    except IntegrityError:
        return _attendance(session, study.id, user.id)
    return attendance


def _attendance(session: Session, session_id: int, user_id: int) -> Attendance | None:
    return session.scalar(select(Attendance).where(Attendance.session_id == session_id, Attendance.user_id == user_id))


# ---- attendance report -----------------------------------------------------------------------


@dataclass
class BranchAttendance:
    unit: Unit
    present: list[tuple[User, datetime]] = field(default_factory=list)
    absent: list[User] = field(default_factory=list)

    @property
    def invited(self) -> int:
        return len(self.present) + len(self.absent)


def attendance_report(session: Session, study: StudySession, managed: set[int]) -> list[BranchAttendance]:
    """Per unit (within the actor's scope): who signed in and who did not, in one query."""
    units = subtree(unit_tree(session), {unit.id for unit in study.units}) & managed
    rows = session.execute(
        select(User, Attendance.signed_in_at)
        .outerjoin(Attendance, and_(Attendance.user_id == User.id, Attendance.session_id == study.id))
        .where(User.unit_id.in_(units), User.role != "admin",
               (User.active.is_(True)) | (Attendance.id.is_not(None)))
        .order_by(User.username)
    )
    by_unit: dict[int, BranchAttendance] = {}
    unit_rows = session.scalars(select(Unit).where(Unit.id.in_(units)).order_by(Unit.sort_order, Unit.id))
    for unit in unit_rows:
        by_unit[unit.id] = BranchAttendance(unit)
    for user, signed_in_at in rows:
        branch = by_unit[user.unit_id]
        if signed_in_at is None:
            branch.absent.append(user)
        else:
            branch.present.append((user, signed_in_at))
    return [branch for branch in by_unit.values() if branch.invited]


EXPORT_HEADERS = ["支部", "登录名", "姓名", "状态", "签到时间"]


def export_rows(report: list[BranchAttendance], localize) -> list[list[object]]:
    """Rows for the attendance export; `localize` turns a UTC datetime into the local time text."""
    rows: list[list[object]] = []
    for branch in report:
        rows.extend([branch.unit.name, u.username, u.name, "已签到", localize(at)] for u, at in branch.present)
        rows.extend([branch.unit.name, u.username, u.name, "缺席", ""] for u in branch.absent)
    return rows
