"""Exam definitions: create and update an exam (blueprint rules or a fixed list), preview a drawn paper."""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ...domain import paper as paper_rules
from ...domain.grading import MULTIPLE_POLICIES
from ...models import Module, Question, QuestionVersion, TYPE_LABELS, User
from ...models.questions import DIFFICULTY_LABELS
from ...models.exams import COUNTING_RULES, EXAM_STATUSES, REVIEW_POLICIES, Exam, ExamFixedQuestion, ExamRule
from ...models.types import utcnow
from ..errors import Invalid, NotFound
from .. import key_access, scope


@dataclass
class RuleInput:
    count: int
    points: float
    chapter_number: int | None = None
    article_number: int | None = None
    qtype: str | None = None
    difficulty: int | None = None


@dataclass
class ExamInput:
    """What an organizer sets on an exam; `rules` for blueprint mode, `fixed` (question key, points) else."""

    title: str
    module_id: int
    owner_unit_id: int
    mode: str = "blueprint"
    description: str = ""
    time_limit_minutes: int = 30
    pass_percent: int = 60
    attempts_allowed: int = 1
    counting: str = "highest"
    shuffle_questions: bool = True
    shuffle_options: bool = True
    multiple_policy: str = "all_or_nothing"
    review_policy: str = "after_close"
    secret_bank: bool = False
    status: str = "draft"
    rules: list[RuleInput] = field(default_factory=list)
    fixed: list[tuple[str, float]] = field(default_factory=list)


def default_module_id(session: Session, managed: set[int], choices: list[int]) -> int | None:
    """The bank a new exam starts from: among the offered modules, the published one with the most
    active questions (the organization's bank), never an empty draft."""
    if not choices:
        return None
    counts = dict(session.execute(
        select(Question.module_id, func.count()).where(Question.module_id.in_(choices), Question.status == "active")
        .group_by(Question.module_id)
    ).all())
    published = set(session.scalars(select(Module.id).where(Module.id.in_(choices), Module.status == "published")))
    best = max(choices, key=lambda m: (m in published and counts.get(m, 0) > 0, counts.get(m, 0), -choices.index(m)))
    return best
def managed_exam(session: Session, exam_id: int, managed: set[int]) -> Exam:
    """The exam if its owner unit is managed by the caller; another branch's exam does not exist."""
    return scope.managed_exam(session, managed, exam_id)


def bank_choices(session: Session, module_ids: list[int], limit: int = 2000) -> dict[int, list[tuple[str, str]]]:
    """Per module, its active questions as (key, "第N章 题型 题干…") for the fixed-question picker."""
    rows = session.execute(
        select(Question.module_id, Question.key, QuestionVersion.qtype, QuestionVersion.chapter_number,
               QuestionVersion.stem_md)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.module_id.in_(module_ids or [-1]), Question.status == "active")
        .order_by(Question.module_id, QuestionVersion.chapter_number, Question.key).limit(limit)
    )
    banks: dict[int, list[tuple[str, str]]] = {}
    for module_id, key, qtype, chapter, stem in rows:
        text = " ".join((stem or "").split())
        banks.setdefault(module_id, []).append(
            (key, f"第{chapter}章 {TYPE_LABELS.get(qtype, qtype)} {text[:40]}{'…' if len(text) > 40 else ''}"))
    return banks


def shortages(session: Session, exam: Exam) -> list[paper_rules.Shortage]:
    """The rules (or fixed questions) the bank cannot fill; empty when every paper is complete."""
    if exam.mode == "blueprint" and not exam.rules:
        return [paper_rules.Shortage(0, 1, 0, "没有抽题规则")]
    return draw_paper(session, exam, random.Random(0)).shortages


def create_exam(session: Session, actor: User, managed: set[int], data: ExamInput, now: datetime) -> Exam:
    exam = Exam(created_by_id=actor.id, created_at=now)
    _apply(session, exam, actor, managed, data)
    session.add(exam)
    session.flush()
    return exam


def update_exam(session: Session, exam: Exam, managed: set[int], data: ExamInput, actor: User,
                now: datetime | None = None) -> Exam:
    """Change an exam; papers already drawn keep their questions (attempts pin their versions), except
    papers drawn ahead that nobody has started: those are redrawn when the paper's rules changed."""
    from .prepare import redraw_exam  # prepare draws through this module

    before = paper_signature(exam) if exam.id is not None else None
    _apply(session, exam, actor, managed, data)
    session.flush()
    if before is not None and paper_signature(exam) != before:
        redraw_exam(session, exam, now or utcnow())
    return exam


def publish_exam(session: Session, exam: Exam) -> Exam:
    """A draft becomes 已发布, refused with the shortage named while its paper cannot be filled."""
    short = shortages(session, exam)
    if short:
        raise Invalid("题库题目不足，不能发布：" + "；".join(s.message for s in short))
    exam.status = "published"
    session.flush()
    return exam


def _apply(session: Session, exam: Exam, actor: User, managed: set[int], data: ExamInput) -> None:
    problems = _check(data)
    if data.owner_unit_id not in managed:
        problems.append("只能为自己管理的组织创建考试")
    try:
        module = scope.usable_module(session, actor, data.module_id)
    except NotFound as exc:
        module = None
        problems.append(str(exc))
    fixed_rows = []
    if data.mode == "fixed" and module is not None:
        keys = [key for key, _ in data.fixed]
        found = dict(session.execute(
            select(Question.key, Question.id).where(Question.module_id == module.id, Question.key.in_(keys))
        ).all())
        missing = [key for key in keys if key not in found]
        if missing:
            problems.append("题库中没有这些题号：" + "、".join(missing))
        if len(set(keys)) != len(keys):
            problems.append("固定题目中有重复的题号")
        fixed_rows = [(found.get(key), points) for key, points in data.fixed]
    if problems:
        raise Invalid("；".join(problems))
    for name in ("title", "description", "mode", "time_limit_minutes", "pass_percent", "attempts_allowed",
                 "counting", "shuffle_questions", "shuffle_options", "multiple_policy", "review_policy",
                 "secret_bank", "status", "module_id", "owner_unit_id"):
        setattr(exam, name, getattr(data, name))
    exam.title = data.title.strip()
    if exam.id is not None:
        # Delete the old rows first: the new ones reuse their (exam, position) slots.
        exam.rules.clear()
        exam.fixed_questions.clear()
        session.flush()
    exam.rules = [] if data.mode == "fixed" else [
        ExamRule(position=n, chapter_number=r.chapter_number, article_number=r.article_number, qtype=r.qtype or None,
                 difficulty=r.difficulty, count=r.count, points=r.points)
        for n, r in enumerate(data.rules, start=1)
    ]
    exam.fixed_questions = [
        ExamFixedQuestion(position=n, question_id=qid, points=points) for n, (qid, points) in enumerate(fixed_rows, 1)
    ]
    if exam.status == "published":
        short = shortages(session, exam)
        if short:
            raise Invalid("题库题目不足，不能发布：" + "；".join(s.message for s in short)
                          + "。请减少题数或放宽条件，或先保存为草稿")


def _check(data: ExamInput) -> list[str]:
    problems = []
    if not data.title.strip():
        problems.append("请填写考试名称")
    if data.mode not in ("blueprint", "fixed"):
        problems.append("组卷方式无效")
    if not 1 <= data.time_limit_minutes <= 1440:
        problems.append("考试时长应在1到1440分钟之间")
    if not 0 <= data.pass_percent <= 100:
        problems.append("及格线应在0到100之间")
    if data.attempts_allowed < 1:
        problems.append("允许次数至少为1")
    if data.counting not in COUNTING_RULES or data.review_policy not in REVIEW_POLICIES:
        problems.append("计分或公布答案方式无效")
    if data.multiple_policy not in MULTIPLE_POLICIES or data.status not in EXAM_STATUSES:
        problems.append("多选计分方式或状态无效")
    if data.mode == "blueprint":
        if not data.rules:
            problems.append("请至少添加一条抽题规则")
        for n, rule in enumerate(data.rules, start=1):
            if rule.count < 1 or rule.points <= 0:
                problems.append(f"规则{n}：题数和每题分值必须大于0")
            if rule.qtype and rule.qtype not in TYPE_LABELS:
                problems.append(f"规则{n}：题型无效")
            if rule.difficulty is not None and rule.difficulty not in (1, 2, 3):
                problems.append(f"规则{n}：难度应为1、2或3")
    elif not data.fixed:
        problems.append("请至少列出一道固定题目")
    elif any(points <= 0 for _, points in data.fixed):
        problems.append("每题分值必须大于0")
    return problems


def rule_label(rule: ExamRule) -> str:
    parts = []
    if rule.chapter_number is not None:  # 0 is the overview section, not "any chapter"
        parts.append("概况" if rule.chapter_number == 0 else f"第{rule.chapter_number}章")
    if rule.article_number:
        parts.append(f"第{rule.article_number}条")
    if rule.qtype:
        parts.append(TYPE_LABELS.get(rule.qtype, rule.qtype))
    if rule.difficulty:
        parts.append(f"难度{DIFFICULTY_LABELS.get(rule.difficulty, rule.difficulty)}")
    return " ".join(parts) or "不限"


#: Option keys of question versions by (version id, content checksum). A version's content only changes
#: together with its checksum, so an entry is never stale, in any worker; drawing a paper then decodes no
#: option lists (decoding all 244 of the bank's cost more than the rest of the draw). Bounded: cleared when full.
_OPTION_KEYS: dict[tuple[int, str], tuple[str, ...]] = {}
_OPTION_KEYS_LIMIT = 50_000


@functools.cache
def _bank_statement():
    return (select(Question.id, QuestionVersion.id.label("version_id"), QuestionVersion.checksum,
                   QuestionVersion.qtype, QuestionVersion.chapter_number, QuestionVersion.article_number,
                   QuestionVersion.difficulty)
            .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
            .where(Question.module_id == bindparam("module_id"), Question.status == "active"))


def _option_keys(session: Session, rows) -> dict[tuple[int, str], tuple[str, ...]]:
    missing = [row.version_id for row in rows if (row.version_id, row.checksum) not in _OPTION_KEYS]
    if missing:
        if len(_OPTION_KEYS) + len(missing) > _OPTION_KEYS_LIMIT:
            _OPTION_KEYS.clear()
        for version_id, checksum, options in session.execute(
            select(QuestionVersion.id, QuestionVersion.checksum, QuestionVersion.options)
            .where(QuestionVersion.id.in_(missing))
        ):
            _OPTION_KEYS[(version_id, checksum)] = tuple(o["key"] for o in (options or []))
    return _OPTION_KEYS


@dataclass
class PaperSource:
    """What an exam's papers are drawn from, read once: a sitting's whole audience draws from one read."""

    rules: list[paper_rules.Rule]
    candidates: dict[int, list[paper_rules.Candidate]]
    #: question id -> its current version, the one a drawn paper pins
    versions: dict[int, int]
    shuffle_questions: bool
    shuffle_options: bool

    def draw(self, rng: random.Random) -> paper_rules.Paper:
        return paper_rules.assemble(self.rules, self.candidates, rng, self.shuffle_questions, self.shuffle_options)


def paper_source(session: Session, exam: Exam) -> PaperSource:
    """Active questions (current versions) matching each rule, or the fixed list's questions."""
    rows = session.execute(_bank_statement(), {"module_id": exam.module_id}).all()
    keys = _option_keys(session, rows)
    versions = {row.id: row.version_id for row in rows}

    def candidate(row) -> paper_rules.Candidate:
        return paper_rules.Candidate(row.id, row.qtype, keys[(row.version_id, row.checksum)])

    rules, cands = [], {}
    if exam.mode == "fixed":
        by_id = {row.id: row for row in rows}
        rules = [paper_rules.Rule(f.position, 1, f.points, f"第{f.position}题") for f in exam.fixed_questions]
        cands = {f.position: [candidate(by_id[f.question_id])] if f.question_id in by_id else []
                 for f in exam.fixed_questions}
    else:
        for rule in exam.rules:
            rules.append(paper_rules.Rule(rule.position, rule.count, rule.points, rule_label(rule)))
            cands[rule.position] = [
                candidate(row) for row in rows
                if (rule.chapter_number is None or row.chapter_number == rule.chapter_number)
                and (rule.article_number is None or row.article_number == rule.article_number)
                and (rule.qtype is None or row.qtype == rule.qtype)
                and (rule.difficulty is None or row.difficulty == rule.difficulty)
            ]
    return PaperSource(rules, cands, versions, exam.shuffle_questions, exam.shuffle_options)


def paper_signature(exam: Exam) -> tuple:
    """Everything about an exam that decides which paper a seed draws (not timing or scoring rules):
    papers drawn ahead are redrawn when it changes (services.exams.prepare)."""
    return (exam.mode, exam.module_id, exam.shuffle_questions, exam.shuffle_options,
            tuple((r.position, r.chapter_number, r.article_number, r.qtype, r.difficulty, r.count, float(r.points))
                  for r in exam.rules),
            tuple((f.position, f.question_id, float(f.points)) for f in exam.fixed_questions))


def draw_paper(session: Session, exam: Exam, rng: random.Random) -> paper_rules.Paper:
    """Draw a paper for the exam as it stands now (used for attempts and for the organizer preview)."""
    return paper_source(session, exam).draw(rng)


@dataclass
class PreviewItem:
    position: int
    points: float
    version: QuestionVersion
    key: str
    option_order: tuple[str, ...]


def preview(session: Session, exam: Exam, seed: int, actor: User) -> tuple[list[PreviewItem], list[paper_rules.Shortage]]:
    """A drawn paper with its keys, for the organizer, plus the rules the bank cannot fill; only over a
    bank within the actor's scope (an exam made on another branch's bank before that was checked shows nothing)."""
    if not key_access.may_manage_key(session, actor, exam.module):
        raise NotFound("题库所属专题不存在")
    drawn = draw_paper(session, exam, random.Random(seed))
    questions = {q.id: q for q in session.scalars(
        select(Question).where(Question.id.in_([i.question_id for i in drawn.items] or [-1]))
    )}
    items = [
        PreviewItem(n, item.points, questions[item.question_id].current, questions[item.question_id].key,
                    item.option_order)
        for n, item in enumerate(drawn.items, start=1)
    ]
    return items, drawn.shortages
