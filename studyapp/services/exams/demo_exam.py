"""Demo exam: 《条例》知识测试 over the sample bank, with a sitting open for 30 days for every demo branch."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Module, Question, QuestionVersion, Unit, User
from ...models.exams import Exam, ExamRule, Sitting, SittingUnit

EXAM_TITLE = "《条例》知识测试"
MODULE_SLUG = "branch-regulations"
QUESTIONS = 50
POINTS_EACH = 2


def chapter_shares(available: dict[int, int], total: int) -> dict[int, int]:
    """Spread `total` questions over chapters in proportion to what each holds (largest remainder)."""
    pool = sum(available.values())
    if pool <= total:
        return dict(available)
    exact = {ch: n * total / pool for ch, n in available.items()}
    shares = {ch: int(x) for ch, x in exact.items()}
    for ch in sorted(exact, key=lambda c: (-(exact[c] - shares[c]), c))[: total - sum(shares.values())]:
        shares[ch] += 1
    return {ch: n for ch, n in shares.items() if n}


def seed_exam(session: Session, org_name: str, now: datetime) -> str:
    """Create the demo exam and its sitting if missing; says what it did (or why it skipped)."""
    org = session.scalar(select(Unit).where(Unit.parent_id.is_(None), Unit.name == org_name))
    module = session.scalar(select(Module).where(Module.slug == MODULE_SLUG))
    if org is None or module is None:
        return "未找到演示组织或题库专题，跳过演示考试"
    available = dict(session.execute(
        select(QuestionVersion.chapter_number, func.count())
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.module_id == module.id, Question.status == "active")
        .group_by(QuestionVersion.chapter_number)
    ).all())
    if not available:
        return "题库为空，跳过演示考试（请先运行 flask --app studyapp load-content）"
    exam = session.scalar(select(Exam).where(Exam.owner_unit_id == org.id, Exam.title == EXAM_TITLE))
    said = []
    if exam is None:
        admin = session.scalar(select(User).where(User.username == "admin"))
        exam = Exam(
            owner_unit_id=org.id, module_id=module.id, title=EXAM_TITLE, mode="blueprint",
            description="按章抽题，约50题，30分钟，60分及格；可作答2次，取最高分；答案与解析在全部场次结束后公布。",
            time_limit_minutes=30, pass_percent=60, attempts_allowed=2, counting="highest",
            shuffle_questions=True, shuffle_options=True, review_policy="after_close", status="published",
            created_by_id=admin.id if admin else None, created_at=now,
            rules=[ExamRule(position=n, chapter_number=ch, count=count, points=POINTS_EACH)
                   for n, (ch, count) in enumerate(sorted(chapter_shares(available, QUESTIONS).items()), start=1)],
        )
        session.add(exam)
        session.flush()
        said.append(f"考试“{EXAM_TITLE}”")
    if not session.scalar(select(func.count()).select_from(Sitting).where(Sitting.exam_id == exam.id)):
        branches = session.scalars(select(Unit.id).where(Unit.parent_id == org.id)).all()
        session.add(Sitting(exam_id=exam.id, title="全体党员第一场", opens_at=now, closes_at=now + timedelta(days=30),
                            units=[SittingUnit(unit_id=b) for b in branches]))
        session.flush()
        said.append("考试场次（30天内开放）")
    return "已创建" + "、".join(said) if said else "演示考试已存在，未做更改"
