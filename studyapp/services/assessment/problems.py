"""The problem list and rectification ledger (问题清单 / 整改台账) across rounds: add, answer, move, list,
export, chase. Overdue (逾期) is computed from the deadline in the organization's time zone, never stored."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...domain.assessment import rectification as rules
from ...models import Unit, User
from ...models.assessment import AssessmentProblem
from ..errors import Conflict, Forbidden, Invalid
from .access import REVIEWER, role_for


@dataclass
class ProblemInput:
    description: str
    severity: str = "minor"
    indicator_id: int | None = None


def add_problem(session: Session, actor: User, managed: set[int], unit_id: int, data: ProblemInput,
                now: datetime, round_id: int | None = None) -> AssessmentProblem:
    """A reviewer records a finding (e.g. from an inspection) for a branch in their scope."""
    if role_for(actor, unit_id, managed) != REVIEWER:
        raise Forbidden("只有上级（验收人员）可以为支部添加问题")
    if not (data.description or "").strip():
        raise Invalid("请填写问题描述")
    if data.severity not in rules.SEVERITIES:
        raise Invalid("请选择问题程度")
    problem = AssessmentProblem(unit_id=unit_id, round_id=round_id, indicator_id=data.indicator_id,
                                source="finding" if round_id else "manual", description=data.description.strip(),
                                severity=data.severity, status="open", created_by_id=actor.id, created_at=now)
    session.add(problem)
    session.flush()
    return problem


def answer(session: Session, actor: User, problem: AssessmentProblem, role: str, measures: str, responsible: str,
           deadline: date | None, now: datetime, zone: str) -> None:
    """The branch's answer: measures, a responsible person, a deadline not before today; opens the rectification."""
    if problem.status not in ("open", "in_progress"):
        raise Conflict("此问题已整改完毕，不能再修改整改措施")
    missing = [label for label, value in (("整改措施", measures), ("责任人", responsible)) if not (value or "").strip()]
    if deadline is None:
        missing.append("整改时限")
    if missing:
        raise Invalid("请填写" + "、".join(missing))
    if deadline < rules.local_today(now, zone) and deadline != problem.deadline:
        raise Invalid(f"整改时限 {deadline:%Y-%m-%d} 早于今天")
    problem.measures, problem.responsible, problem.deadline = measures.strip(), responsible.strip()[:64], deadline
    if problem.status == "open":
        problem.status = "in_progress"
    problem.updated_at = now
    session.flush()


def move(session: Session, actor: User, problem: AssessmentProblem, role: str, current: str, target: str,
         now: datetime, result: str = "") -> None:
    """Move the status; `current` is what the page showed, so a second click is a clear refusal."""
    if problem.status != current:
        raise Conflict("此问题的状态已变化，请刷新页面")
    if not rules.may_move(current, target, role):
        raise Forbidden(f"不能把“{rules.STATUS_LABELS[current]}”改为“{rules.STATUS_LABELS[target]}”")
    if target == "awaiting":
        if not result.strip():
            raise Invalid("请说明整改结果")
        problem.result = result.strip()
    problem.status = target
    problem.updated_at = now
    if target == "closed":
        problem.closed_at, problem.closed_by_id = now, actor.id
    session.flush()


@dataclass
class ProblemRow:
    problem: AssessmentProblem
    shown: str
    age: int

    @property
    def label(self) -> str:
        return rules.STATUS_LABELS[self.shown]


def problem_rows(session: Session, managed: set[int], now: datetime, zone: str, include_closed: bool = False,
                 unit_ids: set[int] | None = None) -> list[ProblemRow]:
    """Problems of the branches in scope, by branch then oldest first; one query."""
    units = managed if unit_ids is None else managed & unit_ids
    query = (select(AssessmentProblem).join(Unit, Unit.id == AssessmentProblem.unit_id)
             .where(AssessmentProblem.unit_id.in_(units or [-1]))
             .options(selectinload(AssessmentProblem.unit), selectinload(AssessmentProblem.indicator))
             .order_by(Unit.sort_order, Unit.id, AssessmentProblem.created_at, AssessmentProblem.id))
    if not include_closed:
        query = query.where(AssessmentProblem.status != "closed")
    return [ProblemRow(p, rules.shown_status(p.status, p.deadline, now, zone), rules.age_days(p.created_at, now, zone))
            for p in session.scalars(query)]


EXPORT_HEADERS = ["支部", "问题描述", "来源", "程度", "状态", "整改措施", "责任人", "整改时限", "整改结果", "发现日期",
                  "已挂账天数"]


def export_rows(rows: list[ProblemRow], localize) -> list[list[object]]:
    return [[r.problem.unit.name, r.problem.description, rules.SOURCES.get(r.problem.source, ""),
             rules.SEVERITIES[r.problem.severity], r.label, r.problem.measures, r.problem.responsible,
             r.problem.deadline.strftime("%Y-%m-%d") if r.problem.deadline else "", r.problem.result,
             localize(r.problem.created_at), r.age] for r in rows]


def chase_text(rows: list[ProblemRow]) -> str:
    """A reminder to paste into a chat group: branches with overdue or unanswered problems."""
    by_branch: dict[str, list[ProblemRow]] = {}
    for row in rows:
        if row.shown in ("overdue", "open"):
            by_branch.setdefault(row.problem.unit.name, []).append(row)
    if not by_branch:
        return ""
    lines = ["【整改提醒】以下支部有问题尚待整改，请抓紧落实并在平台更新整改情况："]
    for name, items in by_branch.items():
        overdue = sum(1 for r in items if r.shown == "overdue")
        waiting = len(items) - overdue
        parts = [f"逾期 {overdue} 个" if overdue else "", f"未制定措施 {waiting} 个" if waiting else ""]
        lines.append(f"{name}：" + "，".join(p for p in parts if p))
    return "\n".join(lines)


def overdue_counts(session: Session, unit_ids: set[int], now: datetime, zone: str) -> dict[int, int]:
    """Overdue problems per branch (one query)."""
    today = rules.local_today(now, zone)
    counts: dict[int, int] = {}
    for unit_id, in session.execute(select(AssessmentProblem.unit_id).where(
            AssessmentProblem.unit_id.in_(unit_ids or [-1]), AssessmentProblem.status != "closed",
            AssessmentProblem.deadline < today)):
        counts[unit_id] = counts.get(unit_id, 0) + 1
    return counts

