"""Sync a module's questions/*.txt banks (content/<slug>/questions/) into the database by key.

Called by load-content inside its transaction. Every file is checked first (syntax, answers,
chapter and article references, ids unique across the module's files); any problem raises
ValidationFailed with all of them and nothing is written. Then, by key: new questions are added;
unchanged ones left alone; changed ones edited in place while no one has seen the current version,
else given a new version; questions no longer in any file are retired (never deleted), and come back
if they reappear.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.problems import Collector, ValidationFailed
from ..domain.questions import Located, content_checksum, read_bank
from ..models import Module, Question
from .question_versions import check_references, create_question, save_draft


@dataclass
class BankReport:
    added: int = 0
    edited: int = 0
    versioned: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = (f"新增{self.added}题，修改{self.edited}题，新版本{self.versioned}题，未变{self.unchanged}题，"
                f"停用{self.retired}题，恢复{self.restored}题")
        return "；".join([text, *self.notes])


def sync_banks(session: Session, module: Module, bank_dir: Path, now: datetime) -> BankReport:
    """Bring the module's file questions in line with bank_dir (flushes, never commits)."""
    items, notes = _read_all(session, module, bank_dir)
    existing = {q.key: q for q in session.scalars(select(Question).where(Question.module_id == module.id))}
    _check_keys(module, items, existing)
    report = BankReport(notes=tuple(notes))
    for located in items:
        draft = located.draft
        question = existing.get(draft.key)
        if question is None:
            create_question(session, module, draft.key, draft, "file", now)
            report.added += 1
            continue
        if question.status == "retired":
            question.status = "active"
            report.restored += 1
        outcome = save_draft(session, question, draft, now)
        setattr(report, outcome, getattr(report, outcome) + 1)
    keys = {located.draft.key for located in items}
    for question in existing.values():
        if question.source == "file" and question.key not in keys and question.status == "active":
            question.status, question.updated_at = "retired", now
            report.retired += 1
    session.flush()
    return report


def _read_all(session: Session, module: Module, bank_dir: Path) -> tuple[list[Located], list[str]]:
    problems, items, notes, seen, sums = [], [], [], {}, {}
    for path in sorted(bank_dir.glob("*.txt")):
        name = f"{module.slug}/questions/{path.name}"
        collector = Collector(name)
        bank = read_bank(path.read_bytes(), name, collector, require_keys=True, require_explanation=True)
        check_references(session, module, bank.items, collector)
        for located in bank.items:
            key = located.draft.key
            if key in seen and seen[key][0] != name:
                located.report(collector, "编号", f"编号 {key} 已在 {seen[key][0]} 第{seen[key][1]}行使用")
            elif key:
                seen.setdefault(key, (name, located.line))
            checksum = content_checksum(located.draft)
            if checksum in sums and sums[checksum][0] != name:
                located.report(collector, "题干", f"与 {sums[checksum][0]} 第{sums[checksum][1]}行的题目重复")
            sums.setdefault(checksum, (name, located.line))
        if bank.note:
            notes.append(f"{name}：{bank.note}")
        problems += collector.problems
        items += bank.items
    if problems:
        raise ValidationFailed(problems)
    return items, notes


def _check_keys(module: Module, items: list[Located], existing: dict[str, Question]) -> None:
    """A file id that names a question imported or made in the browser would hijack it: refuse."""
    collector = Collector()
    for located in items:
        question = existing.get(located.draft.key)
        if question is not None and question.source != "file":
            collector.add(f"编号 {located.draft.key} 已被网页导入的题目使用，请换一个编号", located.line)
    collector.raise_if_any()
