"""Evidence attachments (佐证材料) of an assessment, in the shared attachment store: the branch organizer
attaches photos or scans to each indicator it self-assesses, and to the rectification of its problems.

Who may change them follows the score sheet and the problem page: a score's evidence only while the
branch's 自查自评 is open to it (services.assessment.sheets.open_stage), a problem's only while the
branch is rectifying it (待整改 or 整改中). Reviewers in scope see them; members never do.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from ...models import User
from ...models.assessment import AssessmentEntry, AssessmentEvidence, AssessmentProblem, AssessmentScore
from .. import attachments as store
from ..errors import Forbidden, Invalid
from .access import BRANCH
from .sheets import open_stage

DIRECTORY = "assessment_evidence"  # under the instance folder
SETTING = "ASSESSMENT_EVIDENCE_DIR"
#: Files per indicator or per problem.
MAX_PER_ITEM = 10
#: Problem statuses in which the branch may still change its evidence.
RECTIFYING = ("open", "in_progress")


def may_change_score_evidence(entry: AssessmentEntry, role: str, now: datetime, zone: str) -> bool:
    return open_stage(entry, role, now, zone) == "self"


def may_change_problem_evidence(problem: AssessmentProblem, role: str) -> bool:
    return role == BRANCH and problem.status in RECTIFYING


def add_score_evidence(session: Session, actor: User, entry: AssessmentEntry, role: str, indicator_id: int | None,
                       uploads: list[tuple[str, bytes]], directory: Path, now: datetime,
                       zone: str) -> list[AssessmentEvidence]:
    """Attach files to the branch's self-assessment of one indicator; all or none."""
    if not may_change_score_evidence(entry, role, now, zone):
        raise Forbidden("现在不能上传佐证材料（自查自评未开放、已提交或已过截止日期）")
    score = next((s for s in entry.scores if s.indicator_id == indicator_id), None)
    if score is None:
        raise Invalid("请选择要上传佐证材料的指标")
    label = f"{score.indicator.code} {score.indicator.title}"
    try:
        return _add(session, actor, score, uploads, directory, now, "指标")
    except Invalid as refused:
        raise Invalid(f"{label}：{refused}") from None


def add_problem_evidence(session: Session, actor: User, problem: AssessmentProblem, role: str,
                         uploads: list[tuple[str, bytes]], directory: Path, now: datetime) -> list[AssessmentEvidence]:
    """Attach files to the rectification of a problem; all or none."""
    if not may_change_problem_evidence(problem, role):
        raise Forbidden("只有支部在整改期间（待整改、整改中）可以上传整改佐证材料")
    return _add(session, actor, problem, uploads, directory, now, "问题")


def _add(session: Session, actor: User, owner: AssessmentScore | AssessmentProblem, uploads, directory, now,
         noun: str) -> list[AssessmentEvidence]:
    def attach(fields: dict) -> AssessmentEvidence:
        item = AssessmentEvidence(**fields)
        owner.evidence.append(item)
        return item

    return store.add_files(session, actor, uploads, directory, now, len(owner.evidence), MAX_PER_ITEM, attach,
                           f"每个{noun}最多{MAX_PER_ITEM}个佐证材料")


def may_delete(item: AssessmentEvidence, role: str, now: datetime, zone: str) -> bool:
    if item.score_id is not None:
        score = item.score
        return may_change_score_evidence(score.entry, role, now, zone)
    return may_change_problem_evidence(item.problem, role)


def delete_evidence(session: Session, item: AssessmentEvidence, role: str, directory: Path, now: datetime,
                    zone: str) -> Path:
    """Delete the row; the caller removes the returned file once the deletion is committed."""
    if not may_delete(item, role, now, zone):
        raise Forbidden("现在不能删除此佐证材料")
    return store.delete_file(session, item, directory)

