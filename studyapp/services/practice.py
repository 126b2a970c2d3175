"""Practice (练习): sets of questions by chapter, article, at random or from the wrong-answer book.

Nothing here is timed or counted in exam records. Only ACTIVE questions whose chapter the member may
read now (services.study's one visibility rule) and whose key the member may see now
(services.key_access: not on an open exam paper, not in a 保密题库) are ever shown. Each answer is graded at once, kept as
a PracticeAnswer (pinning the version shown) and passed to the wrong-answer book. The set itself is
plain data (question ids) that the web layer carries, signed, between requests.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ..domain import grading
from ..domain.content_files import chapter_label
from ..models import Article, Chapter, Module, Question, QuestionVersion, User
from ..models.practice import PracticeAnswer
from . import key_access, wrong_book
from .exams.misses import release as release_misses
from .errors import Invalid, NotFound
from .study import visible_condition

#: Largest set: a chapter's whole bank is practised in one go up to this many questions.
MAX_SET = 100
#: Sizes offered for a random set; any size from 1 to RANDOM_MAX is accepted.
RANDOM_SIZES = (10, 20, 50)
RANDOM_MAX = 50


@dataclass(frozen=True)
class Item:
    """One practisable question: its current wording and where it sits in the module."""

    question: Question
    version: QuestionVersion
    module: Module


@dataclass(frozen=True)
class PracticeSet:
    title: str
    question_ids: list[int]


@dataclass
class ChapterChoice:
    number: int
    title: str
    count: int = 0
    articles: dict[int, int] = field(default_factory=dict)  # article number -> question count

    @property
    def label(self) -> str:
        return chapter_label(self.number, self.title)


@dataclass
class ModuleChoice:
    module: Module
    chapters: list[ChapterChoice]

    @property
    def count(self) -> int:
        return sum(chapter.count for chapter in self.chapters)


def _items(session: Session, user: User, now: datetime, *conditions, hide: key_access.Withheld | None = None
           ) -> list[Item]:
    """Active questions, current wording, in a chapter the member may read now, keys not withheld
    (`hide`: key_access.withheld for this member now, when the caller already has it)."""
    hide = key_access.withheld(session, user, now) if hide is None else hide
    stmt = (
        select(Question, QuestionVersion, Module)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .join(Module, Module.id == Question.module_id)
        .join(Chapter, and_(Chapter.module_id == Module.id, Chapter.number == QuestionVersion.chapter_number))
        .where(Question.status == "active", visible_condition(session, user, now),
               hide.allowed(), *conditions)
    )
    items = [Item(q, v, m) for q, v, m in session.execute(stmt)]
    items.sort(key=lambda it: (it.module.order, it.module.id, it.version.chapter_number,
                               it.version.article_number or 0, it.question.id))
    return items


def catalog(session: Session, user: User, now: datetime) -> list[ModuleChoice]:
    """What the member can practise: visible modules and chapters, with question counts per article."""
    found: dict[int, ModuleChoice] = {}
    titles = {(c.module_id, c.number): c.title for c in session.scalars(
        select(Chapter).join(Module).where(visible_condition(session, user, now)))}
    chapters: dict[tuple[int, int], ChapterChoice] = {}
    for item in _items(session, user, now):
        module_id, number = item.module.id, item.version.chapter_number
        choice = found.setdefault(module_id, ModuleChoice(item.module, []))
        if (module_id, number) not in chapters:
            chapters[(module_id, number)] = ChapterChoice(number, titles.get((module_id, number), ""))
            choice.chapters.append(chapters[(module_id, number)])
        chapter = chapters[(module_id, number)]
        chapter.count += 1
        if item.version.article_number is not None:
            chapter.articles[item.version.article_number] = chapter.articles.get(item.version.article_number, 0) + 1
    return list(found.values())


def _module(session: Session, slug: str) -> Module:
    if "\x00" in slug:  # no slug holds one, and PostgreSQL cannot even compare it
        raise NotFound("学习专题不存在")
    module = session.scalar(select(Module).where(Module.slug == slug))
    if module is None:
        raise NotFound("学习专题不存在")
    return module


def chapter_set(session: Session, user: User, slug: str, chapter: int, now: datetime) -> PracticeSet:
    module = _module(session, slug)
    items = _items(session, user, now, Module.id == module.id, QuestionVersion.chapter_number == chapter)
    title = session.scalar(select(Chapter.title).where(Chapter.module_id == module.id, Chapter.number == chapter))
    return _set(chapter_label(chapter, title or ""), items)


def article_set(session: Session, user: User, slug: str, article: int, now: datetime) -> PracticeSet:
    module = _module(session, slug)
    items = _items(session, user, now, Module.id == module.id, QuestionVersion.article_number == article)
    title = session.scalar(select(Article.title).where(Article.module_id == module.id, Article.number == article))
    return _set(title or f"第{article}条", items)


def random_set(session: Session, user: User, count: int, now: datetime, rng: random.Random) -> PracticeSet:
    if not 1 <= count <= RANDOM_MAX:
        raise Invalid(f"随机练习的题数应为1到{RANDOM_MAX}")
    items = _items(session, user, now)
    return _set("随机练习", rng.sample(items, min(count, len(items))))


def book_set(session: Session, user: User, now: datetime, chapter: int | None = None,
             module_id: int | None = None) -> PracticeSet:
    """The member's unresolved wrong answers (optionally one chapter), most recent miss first."""
    entries = wrong_book.list_entries(session, user.id, hide=key_access.withheld(session, user, now),
                                      module_id=module_id, chapter_number=chapter)
    eligible = {item.question.id for item in _items(session, user, now, Question.id.in_(
        [e.entry.question_id for e in entries]))} if entries else set()
    ids = [e.entry.question_id for e in entries if e.entry.question_id in eligible]
    title = "错题重练" if chapter is None else f"错题重练 · {chapter_label(chapter)}"
    return _ids_set(title, ids)


def _set(title: str, items: list[Item]) -> PracticeSet:
    return _ids_set(title, [item.question.id for item in items])


def _ids_set(title: str, ids: list[int]) -> PracticeSet:
    if not ids:
        raise NotFound("这里还没有可练习的题目")
    return PracticeSet(title, ids[:MAX_SET])


def get_item(session: Session, user: User, question_id: int, now: datetime,
             hide: key_access.Withheld | None = None) -> Item:
    """The question as practice shows it now; retired, no longer visible or withheld questions are NotFound."""
    items = _items(session, user, now, Question.id == question_id, hide=hide)
    if not items:
        raise NotFound("题目不存在或已停用")
    return items[0]


def article_of(session: Session, version: QuestionVersion, module: Module) -> Article | None:
    if version.article_number is None:
        return None
    return session.scalar(select(Article).where(Article.module_id == module.id,
                                                Article.number == version.article_number))


@dataclass(frozen=True)
class Feedback:
    answer: PracticeAnswer
    version: QuestionVersion
    module: Module


def answer(session: Session, user: User, question_id: int, raw_response, now: datetime) -> Feedback:
    """Grade one practice answer, keep it, and feed the wrong-answer book."""
    item = get_item(session, user, question_id, now)
    version = item.version
    try:
        response = grading.check_response(version.qtype, raw_response, [o["key"] for o in version.options],
                                          blanks_of(version))
    except grading.InvalidResponse as exc:
        raise Invalid(str(exc)) from None
    if grading.is_blank(version.qtype, response):
        raise Invalid("请先作答")
    outcome = grading.grade(version.qtype, version.answer, response, 1, stem=version.stem_md)
    row = PracticeAnswer(user_id=user.id, question_id=item.question.id, question_version_id=version.id,
                         response=response, correct=outcome.correct, answered_at=now)
    session.add(row)
    session.flush()
    wrong_book.record_results(session, user.id, [(item.question.id, version.id, outcome.correct, response)], now,
                              source="practice")
    # A write path of this member: exam misses whose review has opened since join the book now.
    release_misses(session, now, user_id=user.id)
    return Feedback(row, version, item.module)


def answer_once(session: Session, user: User, question_id: int, raw_response, now: datetime,
                asked_at: datetime | None) -> Feedback:
    """answer(), once per question handed out at `asked_at`: if this member has answered the question
    since then, that answer is the one (a form sent twice, a retried request) and is returned instead
    of grading again. Without `asked_at` every call is graded."""
    if asked_at is not None:
        earlier = session.scalar(
            select(PracticeAnswer.id).where(PracticeAnswer.user_id == user.id,
                                            PracticeAnswer.question_id == question_id,
                                            PracticeAnswer.answered_at > asked_at)
            .order_by(PracticeAnswer.answered_at, PracticeAnswer.id).limit(1))
        if earlier is not None:
            return feedback(session, user, earlier, now)
    return answer(session, user, question_id, raw_response, now)


def next_item(session: Session, user: User, question_ids: list[int], start: int, now: datetime,
              hide: key_access.Withheld | None = None) -> tuple[int, Item] | None:
    """The first question of a set from position `start` on that practice shows now, with its position
    (retired, no longer visible and withheld ones are passed over); None when none is left."""
    rest = question_ids[start:]
    if not rest:
        return None
    found = {item.question.id: item for item in _items(session, user, now, Question.id.in_(rest), hide=hide)}
    return next(((start + n, found[i]) for n, i in enumerate(rest) if i in found), None)


def feedback(session: Session, user: User, answer_id: int, now: datetime) -> Feedback:
    """A practice answer given earlier by this member, with the wording it answered; none while its key
    is withheld (the question has since come onto an exam paper of theirs)."""
    row = session.get(PracticeAnswer, answer_id)
    if row is None or row.user_id != user.id or not key_access.may_see_key(session, user, row.question_id, now):
        raise NotFound("练习记录不存在")
    version = session.get(QuestionVersion, row.question_version_id)
    return Feedback(row, version, session.get(Module, session.get(Question, row.question_id).module_id))


def blanks_of(version: QuestionVersion) -> int:
    """Number of blanks in a fill-in question (one accepted-answers list per blank)."""
    return grading.blank_count(version.qtype, version.answer)


def stats(session: Session, user: User) -> dict[str, int]:
    """Practice answers given and how many were right (for the practice home)."""
    rows = session.execute(select(PracticeAnswer.correct).where(PracticeAnswer.user_id == user.id)).scalars().all()
    counts = defaultdict(int)
    for correct in rows:
        counts["correct" if correct else "wrong"] += 1
    return {"answered": len(rows), "correct": counts["correct"]}
