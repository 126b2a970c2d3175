"""Use cases on a module's question bank: import, edit, retire and restore, export.

Who may change a bank: only its owner (services.scope.may_edit_bank): the organizers who manage the
module's unit and the administrator; an installation-wide module (loaded from content/, owner_unit_id
None), whose questions every branch's exams draw from, only the administrator. Others read it. Questions of a content/ bank may be edited here too, but the file stays
the source: the next load-content puts the file's text back (as a new version if the edit was seen).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.problems import Collector, ValidationFailed
from ..domain.questions import Located, QuestionDraft, content_checksum, read_bank, validate, write_xlsx
from ..models import Module, Question, QuestionVersion, User
from .errors import Forbidden, Invalid
from .question_versions import check_references, create_question, draft_of, save_draft
from .scope import may_edit_bank


def can_edit_bank(session: Session, actor: User, module: Module) -> bool:
    return may_edit_bank(session, actor, module)


def ensure_can_edit(session: Session, actor: User, module: Module) -> None:
    if not can_edit_bank(session, actor, module):
        raise Forbidden("您不能修改这个专题的题库")


@dataclass
class ImportResult:
    count: int
    note: str | None = None


def import_bank(session: Session, actor: User, module: Module, data: bytes, filename: str, now: datetime,
                default_chapter: int | None = None, default_article: int | None = None) -> ImportResult:
    """Add every question of the file to the module, or none: ValidationFailed lists every problem,
    including duplicates of questions already in the bank."""
    ensure_can_edit(session, actor, module)
    problems = Collector(filename)
    bank = read_bank(data, filename, problems, default_chapter=default_chapter, default_article=default_article)
    check_references(session, module, bank.items, problems)
    existing = _existing(session, module)
    keys = set(session.scalars(select(Question.key).where(Question.module_id == module.id)))
    for located in bank.items:
        _check_against_bank(located, existing, keys, problems)
    problems.problems.sort(key=lambda p: p.line or 0)
    problems.raise_if_any()
    for located in bank.items:
        draft = located.draft
        key = draft.key or _new_key(content_checksum(draft), keys)
        keys.add(key)
        create_question(session, module, key, draft, "import", now)
    session.flush()
    return ImportResult(len(bank.items), bank.note)


def _existing(session: Session, module: Module) -> dict[str, Question]:
    """Questions of the module by the checksum of their current version."""
    rows = session.execute(
        select(QuestionVersion.checksum, Question).join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.module_id == module.id)
    ).all()
    return {checksum: question for checksum, question in rows}


def _check_against_bank(located: Located, existing: dict[str, Question], keys: set[str], problems: Collector):
    twin = existing.get(content_checksum(located.draft))
    if twin is not None:
        state = "（已停用）" if twin.status == "retired" else ""
        located.report(problems, "题干", f"与题库中已有的题目 {twin.key}{state} 重复")
    if located.draft.key and located.draft.key in keys:
        located.report(problems, "编号", f"编号 {located.draft.key} 在题库中已存在")


def _new_key(checksum: str, keys: set[str]) -> str:
    key, n = f"imp-{checksum[:10]}", 1
    while key in keys:
        n += 1
        key = f"imp-{checksum[:10]}-{n}"
    return key


def edit_question(session: Session, actor: User, question: Question, draft: QuestionDraft, now: datetime) -> str:
    """Save an edit: in place while the current version is unseen, else as a new version.
    Returns "unchanged", "edited" or "versioned"; ValidationFailed names each field at fault."""
    module = session.get(Module, question.module_id)
    ensure_can_edit(session, actor, module)
    draft.key = question.key
    problems = Collector()
    located = Located(draft, 0, spreadsheet=True)
    for issue in validate(draft):
        problems.add(issue.message, column=issue.field)
    check_references(session, module, [located], problems)
    twin = _existing(session, module).get(content_checksum(draft))
    if twin is not None and twin.id != question.id:
        problems.add(f"与题库中已有的题目 {twin.key} 重复", column="题干")
    if problems.problems:
        raise ValidationFailed([p.__class__(p.message, None, None, p.column) for p in problems.problems])
    return save_draft(session, question, draft, now)


def set_status(session: Session, actor: User, question: Question, status: str, now: datetime) -> None:
    """Retire (never drawn again, history kept) or restore a question."""
    if status not in ("active", "retired"):
        raise Invalid("未知的状态")
    ensure_can_edit(session, actor, session.get(Module, question.module_id))
    question.status, question.updated_at = status, now
    session.flush()


def export_xlsx(session: Session, questions: list[Question]) -> bytes:
    """The questions' current versions in the import template, so the file can be imported again."""
    return write_xlsx([draft_of(q, q.current) for q in questions if q.current is not None])
