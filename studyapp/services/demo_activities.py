"""Demo activities beside the exam: a contest open now and a group-study session this week, so that after
`make run` no organizer or member menu opens on an empty page. Idempotent: found by title, never duplicated."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Chapter, Module, Unit, User
from ..models.contests import Contest, ContestAudience
from ..models.group_study import StudySession

CONTEST_TITLE = "《条例》知识竞赛（演示）"
SESSION_TITLE = "集中学习：支部工作条例第一章、第二章"
MODULE_SLUG = "branch-regulations"


def seed_activities(session: Session, org_name: str, now: datetime) -> str:
    """Create the demo contest (open for 14 days) and a group-study session later today if missing."""
    org = session.scalar(select(Unit).where(Unit.parent_id.is_(None), Unit.name == org_name))
    module = session.scalar(select(Module).where(Module.slug == MODULE_SLUG))
    if org is None or module is None:
        return "未找到演示组织或学习专题，跳过竞赛和集中学习"
    admin = session.scalar(select(User).where(User.username == "admin"))
    said = []
    if session.scalar(select(Contest.id).where(Contest.owner_unit_id == org.id, Contest.title == CONTEST_TITLE)) is None:
        contest = Contest(owner_unit_id=org.id, title=CONTEST_TITLE, module_id=module.id, chapters=[],
                          questions_per_round=10, seconds_per_question=20, latency_allowance_seconds=2,
                          opens_at=now, closes_at=now + timedelta(days=14), freeze_minutes=0,
                          max_rounds_per_member=3, fast_answer_threshold_ms=1500,
                          created_by_id=admin.id if admin else None, created_at=now)
        contest.audience = [ContestAudience(unit_id=org.id)]
        session.add(contest)
        said.append("竞赛（14天内开放）")
    if session.scalar(select(StudySession.id).where(StudySession.organization_id == org.id,
                                                    StudySession.title == SESSION_TITLE)) is None:
        # Starts at the next full hour after the next one, so members can sign in today (from 15 minutes before).
        starts = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
        chapters = session.scalars(select(Chapter).where(Chapter.module_id == module.id, Chapter.number.in_((1, 2)))
                                   .order_by(Chapter.number)).all()
        session.add(StudySession(organization_id=org.id, title=SESSION_TITLE, starts_at=starts,
                                 ends_at=starts + timedelta(hours=2), place="机关三楼党员活动室",
                                 note="请带好学习笔记本，按时签到。", created_by_id=admin.id if admin else None,
                                 created_at=now, chapters=list(chapters), units=[org]))
        said.append("集中学习（今天）")
    session.flush()
    return "已创建" + "、".join(said) if said else "演示竞赛和集中学习已存在，未做更改"
