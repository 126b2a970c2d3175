"""Use cases on a module's question bank: import, edit, retire and restore, export.

Who may change a bank: only its owner (services.scope.may_edit_bank): the organizers who manage the
module's unit and the administrator; an installation-wide module (loaded from content/, owner_unit_id
None), whose questions every branch's exams draw from, only the administrator. Others read it. Questions of a content/ bank may be edited here too, but the file stays
the source: the next load-content puts the file's text back (as a new version if the edit was seen).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.problems import Collector, ValidationFailed
from ..domain.questions import Located, QuestionDraft, content_checksum, read_bank, validate, write_xlsx
from ..models import Module, Question, QuestionVersion, User
from .errors import Forbidden, Invalid
from .question_versions import check_references, create_question, draft_of, save_draft
from .scope import may_edit_bank


def ensure_can_edit(session: Session, actor: User, module: Module) -> None:
    if not may_edit_bank(session, actor, module):
        raise Forbidden("您不能修改这个专题的题库")


@dataclass
class ImportResult:
    """What an import did: questions added, updated by key (their keys), left as they were; the reader's
    note and warnings (each with file and line or row), which the page shows."""

    created: int = 0
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    note: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.created + len(self.updated) + self.unchanged


def import_bank(session: Session, actor: User, module: Module, data: bytes, filename: str, now: datetime,
                default_chapter: int | None = None, default_article: int | None = None,
                update_existing: bool = True) -> ImportResult:
    """Add the file's questions to the module, or change nothing: ValidationFailed lists every problem,
    including duplicates of questions already in the bank.

    A question whose key is already in the module updates that question (a new version once the old one
    has been used), so an exported file comes back as the same questions; with update_existing=False
    such a key is a problem instead.
    """
    ensure_can_edit(session, actor, module)
    problems = Collector(filename)
    bank = read_bank(data, filename, problems, default_chapter=default_chapter, default_article=default_article)
    check_references(session, module, bank.items, problems)
    existing = _existing(session, module)
    by_key = {q.key: q for q in session.scalars(select(Question).where(Question.module_id == module.id))}
    for located in bank.items:
        _check_against_bank(located, existing, by_key, update_existing, problems)
    problems.problems.sort(key=lambda p: p.line or 0)
    problems.raise_if_any()
    result = ImportResult(note=bank.note, warnings=[str(w) for w in bank.warnings])
    keys = set(by_key)
    for located in bank.items:
        draft = located.draft
        if draft.key in by_key:
            outcome = save_draft(session, by_key[draft.key], draft, now)
            if outcome == "unchanged":
                result.unchanged += 1
            else:
                result.updated.append(draft.key)
            continue
        key = draft.key or _new_key(content_checksum(draft), keys)
        keys.add(key)
        create_question(session, module, key, draft, "import", now)
        result.created += 1
    session.flush()
    return result


def _existing(session: Session, module: Module) -> dict[str, Question]:
    """Questions of the module by the checksum of their current version."""
    rows = session.execute(
        select(QuestionVersion.checksum, Question).join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.module_id == module.id)
    ).all()
    return {checksum: question for checksum, question in rows}


def _check_against_bank(located: Located, existing: dict[str, Question], by_key: dict[str, Question],
                        update_existing: bool, problems: Collector) -> None:
    key = located.draft.key
    target = by_key.get(key) if key else None
    twin = existing.get(content_checksum(located.draft))
    if twin is not None and twin is not target:
        state = "（已停用）" if twin.status == "retired" else ""
        located.report(problems, "题干", f"与题库中已有的题目 {twin.key}{state} 重复")
    if target is not None and not update_existing:
        located.report(problems, "编号", f"编号 {key} 在题库中已存在（要更新它，请在导入页选择“更新这些题目”）")


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
