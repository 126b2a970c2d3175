"""The wrong-answer book (错题本): record misses from practice and exams, list them, resolve them.

Rule: every miss (practice or exam, an unanswered exam question included) adds the question to the
member's book, or reopens it, and resets its streak. An exam's misses come here only once the exam's
review policy shows the member that attempt's answers (services.exams.misses); the book never lists a
question whose key is withheld from the member now (services.key_access). An unanswered question is not
counted as 答错 (wrong_count): the member did not get it wrong, they did not reach it. A correct PRACTICE answer to a question in the
book adds one to its streak; RESOLVE_AFTER correct practice answers in a row mark it resolved
(掌握). Correct exam answers leave the book alone: the book is re-practised, not re-examined.

Writes are single upsert / conditional UPDATE statements, so an exam being graded and a practice
answer of the same member at the same moment cannot lose a count or trip the unique key.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from sqlalchemy import JSON, Integer, String, bindparam, case, cast, func, literal, null, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import Question, QuestionVersion
from ..models.practice import WRONG_SOURCES, WrongAnswer
from . import bulk
from .errors import Invalid, NotFound
from .key_access import Withheld

#: Correct practice answers in a row that resolve a book entry.
RESOLVE_AFTER = 2

#: One graded question: (question_id, question_version_id, correct) or with the response as a 4th item.
Result = Sequence


def record_results(session: Session, user_id: int, results: Iterable[Result], now: datetime, source: str) -> None:
    """Record graded answers of one member: misses go into the book, practice hits count to resolve."""
    if source not in WRONG_SOURCES:
        raise Invalid(f"未知来源：{source}")
    session.flush()
    misses = []
    for row in results:
        question_id, version_id, correct = row[0], row[1], row[2]
        response = row[3] if len(row) > 3 else None
        if not correct:
            unanswered = source == "exam" and len(row) > 3 and _blank(response)
            misses.append(dict(user_id=user_id, question_id=question_id, last_version_id=version_id,
                               last_response=response, wrong_count=0 if unanswered else 1))
        elif source == "practice":
            _record_hit(session, user_id, question_id, now)
    _record_misses(session, misses, now, source)
    # Core statements bypass the identity map: make loaded WrongAnswer objects re-read.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, WrongAnswer):
            session.expire(obj)
    if misses:
        # Schedule the misses for spaced review here, on the write path, so no page view has to.
        from . import review

        review.sync(session, user_id)


def _record_misses(session, misses: list[dict], now, source) -> None:
    """One upsert statement for all misses: a graded 50-question exam is one INSERT ... SELECT over the
    misses passed together (services.bulk), not a statement built and sent per miss. Same per-row
    semantics as a loop of upserts."""
    if not misses:
        return
    dialect = session.get_bind().dialect.name
    connection = session.connection()
    # A statement never names a question twice (a multi-row INSERT could not update the same row twice).
    batches: list[list[dict]] = [[]]
    seen: set[int] = set()
    for miss in misses:
        if miss["question_id"] in seen:
            batches.append([])
            seen.clear()
        seen.add(miss["question_id"])
        batches[-1].append(miss)
    for batch in batches:
        # The response as the JSON text the column's own type would write (SQLAlchemy's JSON: json.dumps,
        # None as 'null').
        rows = [(m["question_id"], m["last_version_id"], m["wrong_count"], json.dumps(m["last_response"]))
                for m in batch]
        connection.execute(_miss_upsert(dialect), {
            "user_id": batch[0]["user_id"], "now": now, "source": source, **bulk.params(dialect, _MISS_ROWS, rows)})


_MISS_ROWS = (("question_id", "int"), ("version_id", "int"), ("wrong_count", "int"), ("response", "text"))


@functools.cache
def _miss_upsert(dialect: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = WrongAnswer.__table__
    given = bulk.row_set(dialect, _MISS_ROWS)
    now = bindparam("now", type_=table.c.last_wrong_at.type)
    rows = select(bindparam("user_id", type_=Integer), given.c.question_id, given.c.version_id,
                  cast(given.c.response, JSON) if dialect == "postgresql" else given.c.response,
                  given.c.wrong_count, now, now, bindparam("source", type_=String), literal(0, Integer),
                  null()).where(true())  # WHERE: SQLite reads "ON CONFLICT" after a bare FROM as a join
    stmt = insert(table).from_select(["user_id", "question_id", "last_version_id", "last_response", "wrong_count",
                                      "first_wrong_at", "last_wrong_at", "last_source", "correct_streak",
                                      "resolved_at"], rows)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.question_id],
        set_=dict(
            wrong_count=table.c.wrong_count + stmt.excluded.wrong_count, last_version_id=stmt.excluded.last_version_id,
            last_response=stmt.excluded.last_response, last_wrong_at=stmt.excluded.last_wrong_at,
            last_source=stmt.excluded.last_source, correct_streak=0, resolved_at=None,
        ),
    )


def _blank(response) -> bool:
    """No answer given, whatever the question type (None, "", [] or blanks left empty)."""
    if response is None or response == "":
        return True
    return isinstance(response, list) and all(not str(item).strip() for item in response)


def _record_hit(session, user_id, question_id, now) -> None:
    streak = WrongAnswer.correct_streak + 1
    session.execute(
        update(WrongAnswer)
        .where(WrongAnswer.user_id == user_id, WrongAnswer.question_id == question_id,
               WrongAnswer.resolved_at.is_(None))
        .values(correct_streak=streak, resolved_at=case((streak >= RESOLVE_AFTER, now), else_=None))
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class BookEntry:
    """A book row with the wording that was missed (its key and explanation are shown after the miss)."""

    entry: WrongAnswer
    version: QuestionVersion
    module_id: int


def list_entries(session: Session, user_id: int, *, hide: Withheld, include_resolved: bool = False,
                 module_id: int | None = None, chapter_number: int | None = None) -> list[BookEntry]:
    """The member's book, most recent miss first, without the questions whose keys `hide` withholds
    (key_access.withheld for this member now: entries show the key and the explanation)."""
    query = (
        select(WrongAnswer, QuestionVersion, Question.module_id)
        .join(QuestionVersion, QuestionVersion.id == WrongAnswer.last_version_id)
        .join(Question, Question.id == WrongAnswer.question_id)
        .where(WrongAnswer.user_id == user_id, hide.allowed())
        .order_by(WrongAnswer.last_wrong_at.desc(), WrongAnswer.id.desc())
    )
    if not include_resolved:
        query = query.where(WrongAnswer.resolved_at.is_(None))
    if module_id is not None:
        query = query.where(Question.module_id == module_id)
    if chapter_number is not None:
        query = query.where(QuestionVersion.chapter_number == chapter_number)
    return [BookEntry(entry, version, mid) for entry, version, mid in session.execute(query)]


def open_question_ids(session: Session, user_id: int) -> set[int]:
    """Questions in the member's book and not yet resolved."""
    return set(session.scalars(select(WrongAnswer.question_id).where(
        WrongAnswer.user_id == user_id, WrongAnswer.resolved_at.is_(None))))


def count_open(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(WrongAnswer).where(
        WrongAnswer.user_id == user_id, WrongAnswer.resolved_at.is_(None))) or 0


def resolve(session: Session, user_id: int, question_id: int, now: datetime) -> WrongAnswer:
    """The member marks a question as mastered by hand (移出错题本); a later miss reopens it."""
    entry = session.scalar(select(WrongAnswer).where(
        WrongAnswer.user_id == user_id, WrongAnswer.question_id == question_id))
    if entry is None:
        raise NotFound("错题本中没有这道题")
    if entry.resolved_at is None:
        entry.resolved_at = now
        session.flush()
    return entry
