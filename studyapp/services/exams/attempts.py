"""A member's attempts: see open sittings, start, save answers, submit. The server decides all timing."""
from __future__ import annotations

import functools
import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, selectinload

from ...domain import grading, timing
from ...models import QuestionVersion, User
from ...models.exams import PREPARED, Answer, Attempt, AttemptQuestion, Exam, Sitting
from ..accounts import SessionClaim, claim_parameters, confirmed_user, confirmed_user_id, with_claim_state
from ..errors import Conflict, Invalid, NotFound
from . import prepare
from .definitions import paper_source
from .finalize import close_attempt, close_locked, finalize_if_overdue, lock_attempt, locked_for_closing
from .sittings import audience_filter, audience_includes


@dataclass
class SittingOffer:
    sitting: Sitting
    exam: Exam
    attempts_left: int
    in_progress_attempt_id: int | None
    #: When the attempt in progress ends (its own time limit or the sitting's close, whichever is first).
    in_progress_deadline: datetime | None = None


def open_sittings_for(session: Session, user: User, now: datetime) -> list[SittingOffer]:
    """Sittings of published exams open now whose audience includes the user, soonest closing first."""
    sittings = session.scalars(
        select(Sitting).join(Exam).where(
            Exam.status == "published", Sitting.opens_at <= now, Sitting.closes_at > now, audience_filter(session, user),
            Sitting.cancelled_at.is_(None),
        ).order_by(Sitting.closes_at, Sitting.id)
    ).all()
    offers = []
    for sitting in sittings:
        mine = session.scalars(select(Attempt).where(Attempt.sitting_id == sitting.id, Attempt.user_id == user.id,
                                                     Attempt.started)).all()
        live = next((a for a in mine if a.status == "in_progress" and not timing.is_overdue(now, a.deadline)), None)
        left = max(0, sitting.exam.attempts_allowed - len(mine))
        offers.append(SittingOffer(sitting, sitting.exam, left, live.id if live else None,
                                   live.deadline if live else None))
    return offers


def _sitting_for(session: Session, user: User, sitting_id: int) -> Sitting:
    """The sitting (its exam loaded with it) if offered to the user, in one statement: at 09:00 every
    member of a batch asks this at once."""
    found = session.scalar(_offered_statement(), {"sitting_id": sitting_id, "user_id": user.id,
                                                  "unit_id": user.unit_id})
    if found is None:
        raise NotFound("场次不存在")
    return found


@functools.cache
def _offered_statement():
    return (select(Sitting).join(Sitting.exam).options(contains_eager(Sitting.exam))
            .where(Sitting.id == bindparam("sitting_id"), Exam.status == "published", Sitting.cancelled_at.is_(None),
                   audience_includes(bindparam("user_id"), bindparam("unit_id"))))


def _mine(session: Session, user: User, sitting_id: int) -> list[Attempt]:
    # One statement, one snapshot: an attempt a concurrent start just committed is either seen here
    # (and returned) or refused below by the unique index.
    return list(session.scalars(
        select(Attempt).where(Attempt.sitting_id == sitting_id, Attempt.user_id == user.id)
        .execution_options(populate_existing=True)
    ))


def start_attempt(session: Session, user: User, sitting_id: int, now: datetime) -> tuple[Attempt, bool]:
    """Start an attempt, or return the one in progress (created=False). One in progress, ever.

    The member's paper drawn ahead (services.exams.prepare) starts with one UPDATE; without one, or when
    the bank changed under it, the paper is drawn now."""
    # The 09:00 path: the member's prepared paper, if the sitting is offered and open and nobody started
    # the paper, in one UPDATE that checks all that itself.
    ready = prepare.start_offered(session, user, sitting_id, now)
    if ready is not None:
        return ready, True
    return _start_unprepared(session, user, sitting_id, now)


def start_attempt_id(session: Session, member: User | SessionClaim, sitting_id: int, now: datetime
                     ) -> tuple[int, bool]:
    """start_attempt for a caller that needs only the attempt's id (the website's redirect): the 09:00 path
    is one statement and builds no ORM object; for a web session's claim (as save_answer takes it) that
    statement confirms the claim too, and the user is loaded only if it finds no prepared paper."""
    ready = prepare.start_offered_id(session, member, sitting_id, now)
    if ready is not None:
        return ready, True
    attempt, created = _start_unprepared(session, confirmed_user(session, member), sitting_id, now)
    return attempt.id, created


def _start_unprepared(session: Session, user: User, sitting_id: int, now: datetime) -> tuple[Attempt, bool]:
    """start_attempt once the prepared paper's UPDATE changed no row: says why the sitting is refused, or
    returns the attempt in progress, or draws a paper now."""
    sitting = _sitting_for(session, user, sitting_id)
    window = timing.window_state(now, sitting.opens_at, sitting.closes_at)
    mine = _mine(session, user, sitting_id)
    current = next((a for a in mine if a.status == "in_progress"), None)
    if current is not None:
        current = lock_attempt(session, current.id)
        if not finalize_if_overdue(session, current, now):
            return current, False
        mine = _mine(session, user, sitting_id)
    if window != timing.OPEN:
        raise Conflict("本场考试未开放" if now < sitting.opens_at else "本场考试已结束")
    for _ in range(2):  # a second pass only after losing a race to a concurrent start or preparer
        prepared = next((a for a in mine if not a.started), None)
        if prepared is not None:
            # Not started above: a question on it was retired or edited since (or a preparer has just
            # added it). Draw afresh instead, as without preparation.
            prepare.discard(session, Attempt.id == prepared.id)
            session.expunge(prepared)
            mine = [a for a in mine if a.id != prepared.id]
        attempt = _draw_and_start(session, user, sitting, len([a for a in mine if a.started]), now)
        if attempt is not None:
            return attempt, True
        mine = _mine(session, user, sitting_id)
        winner = next((a for a in mine if a.status == "in_progress"), None)
        if winner is not None:
            return winner, False
    raise Conflict("请稍后重试")


def _draw_and_start(session: Session, user: User, sitting: Sitting, used: int, now: datetime) -> Attempt | None:
    """Draw a paper now and start it; None if a concurrent start or preparer took the attempt's number."""
    exam = sitting.exam
    if used >= exam.attempts_allowed:
        raise Conflict(f"本场考试最多可作答{exam.attempts_allowed}次，您的次数已用完")
    seed = secrets.randbits(48)
    source = paper_source(session, exam)
    paper = source.draw(random.Random(seed))
    if not paper.items:
        raise Conflict("题库中暂无可用题目，请联系组织员")
    attempt = Attempt(
        sitting_id=sitting.id, user_id=user.id, number=used + 1, status="in_progress", seed=seed, started_at=now,
        deadline=timing.deadline(now, exam.time_limit_minutes, sitting.closes_at), max_score=paper.max_score,
    )
    try:
        # A concurrent start may win the race; the database's unique index then refuses ours.
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        return None
    # The paper's rows in one bulk INSERT (same transaction): 50 ORM objects cost more than the draw.
    session.execute(insert(AttemptQuestion), [
        dict(attempt_id=attempt.id, position=n, question_id=item.question_id,
             question_version_id=source.versions[item.question_id], points=item.points,
             option_order=list(item.option_order))
        for n, item in enumerate(paper.items, start=1)
    ])
    return attempt


def attempt_for_member(session: Session, user: User, attempt_id: int) -> Attempt:
    """The member's own attempt; anyone else's, and a paper drawn ahead that they have not started, does not
    exist."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id or not attempt.started:
        raise NotFound("答卷不存在")
    return attempt


@dataclass
class QuestionView:
    question_id: int
    position: int
    qtype: str
    stem_html: str
    options: list[tuple[str, str]]  # (original key, text) in display order
    blanks: int
    points: float


def paper_view(session: Session, attempt: Attempt) -> tuple[list[QuestionView], dict[int, object]]:
    """The paper as the member sees it, with saved answers; never the key or the explanation."""
    items = session.scalars(
        select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)
        .options(selectinload(AttemptQuestion.version)).order_by(AttemptQuestion.position)
    ).all()
    views = []
    for item in items:
        version = item.version
        texts = {o["key"]: o["text"] for o in version.options or []}
        views.append(QuestionView(
            item.question_id, item.position, version.qtype, version.stem_html,
            [(key, texts.get(key, "")) for key in item.option_order],
            grading.blank_count(version.qtype, version.answer), item.points,
        ))
    saved = {
        a.question_id: a.response
        for a in session.scalars(select(Answer).where(Answer.attempt_id == attempt.id))
        if a.response is not None
    }
    return views, saved


@dataclass
class SaveResult:
    stored: bool
    client_seq: int


def _refuse_if_closed(session: Session, attempt, now: datetime) -> None:
    """`attempt`: the attempt or its row (id, status, deadline)."""
    if attempt.status == "submitted":
        raise Conflict("已交卷，答案未保存")
    if timing.is_overdue(now, attempt.deadline):
        # Finalize on touch; the caller commits this even though the save itself is refused.
        close_attempt(session, lock_attempt(session, attempt.id, with_exam=True), now, "deadline")
        raise Conflict("考试已结束，答案未保存")


def save_answer(
    session: Session, member: User | SessionClaim, attempt_id: int, question_id: int, raw_response, client_seq: int,
    now: datetime,
) -> SaveResult:
    """Store the answer unless a newer save (higher client_seq) is already stored; refused after the deadline.

    member: a user already authenticated (an API token's), or a web session's claim, which the statement
    that reads the attempt confirms as well (Unauthorized when it no longer holds, PasswordChangeRequired
    when the account must choose a password first): autosave loads no user before it runs."""
    if not isinstance(client_seq, int) or isinstance(client_seq, bool) or not 0 <= client_seq < 2**53:
        raise Invalid("seq 应为非负整数")
    # The attempt's row (row-locked where the backend can) with the question's paper row and version,
    # in one round trip and as plain columns: autosave is the busiest request of a sitting, and loading
    # an Attempt object cost more than the statement. The object is loaded only to finalize it.
    dialect = session.get_bind().dialect.name
    connection = session.connection()
    params = {"attempt_id": attempt_id, "question_id": question_id, **claim_parameters(member)}
    item = connection.execute(_save_target_statement(dialect == "postgresql", isinstance(member, SessionClaim)),
                              params).first()
    user_id = confirmed_user_id(session, member, item)
    if item is None or item.user_id != user_id or item.status == PREPARED:
        raise NotFound("答卷不存在")
    _refuse_if_closed(session, item, now)
    if item.qtype is None:
        raise NotFound("本试卷中没有这道题")
    blanks = grading.blank_count(item.qtype, item.answer)
    try:
        response = grading.check_response(item.qtype, raw_response, list(item.option_order), blanks)
    except grading.InvalidResponse as exc:
        raise Invalid(str(exc)) from None
    written = connection.execute(_answer_upsert(dialect), dict(
        attempt_id=item.id, question_id=question_id, response=response, client_seq=client_seq, saved_at=now,
    )).first()
    if written is not None:
        return SaveResult(True, written.client_seq)
    current = session.scalar(select(Answer.client_seq).where(
        Answer.attempt_id == item.id, Answer.question_id == question_id
    ))
    return SaveResult(False, current)


@functools.cache
def _save_target_statement(for_update: bool, with_claim: bool = False):
    stmt = (select(Attempt.id, Attempt.user_id, Attempt.status, Attempt.deadline, AttemptQuestion.option_order,
                   QuestionVersion.qtype, QuestionVersion.answer)
            .outerjoin(AttemptQuestion, and_(AttemptQuestion.attempt_id == Attempt.id,
                                             AttemptQuestion.question_id == bindparam("question_id")))
            .outerjoin(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
            .where(Attempt.id == bindparam("attempt_id")))
    if with_claim:
        stmt = with_claim_state(stmt)
    # Locks the attempt row only (the joined rows are read, not changed): a concurrent submit waits.
    return stmt.with_for_update(of=Attempt.__table__) if for_update else stmt


_UPSERTS: dict = {}


def _answer_upsert(dialect: str):
    """The autosave statement, built once per backend (building it per save cost more than running it)."""
    if dialect not in _UPSERTS:
        table = Answer.__table__
        stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        # Conditional upsert: a stale tab or a retried save never overwrites a newer answer.
        _UPSERTS[dialect] = stmt.on_conflict_do_update(
            index_elements=[table.c.attempt_id, table.c.question_id],
            set_={"response": stmt.excluded.response, "client_seq": stmt.excluded.client_seq,
                  "saved_at": stmt.excluded.saved_at},
            where=table.c.client_seq < stmt.excluded.client_seq,
        ).returning(table.c.client_seq)
    return _UPSERTS[dialect]


@dataclass
class SubmitResult:
    score: float
    max_score: float
    passed: bool
    submitted_at: datetime
    finalized_by: str


def submit_attempt(session: Session, member: User | SessionClaim, attempt_id: int, now: datetime) -> SubmitResult:
    """Grade once; a repeated or concurrent submit returns the same stored result.

    member: as for save_answer (a web session's claim is confirmed by the statement that locks the attempt)."""
    # The attempt as one locked row of plain columns, refused as attempt_for_member refuses it.
    row = locked_for_closing(session, attempt_id, member)
    user_id = confirmed_user_id(session, member, row)
    if row is None or row.user_id != user_id or row.status == PREPARED:
        raise NotFound("答卷不存在")
    _expire_loaded(session, row.id)  # read (and written) with Core: a loaded Attempt object re-reads
    if row.status == "in_progress":
        by = "deadline" if timing.is_overdue(now, row.deadline) else "member"
        closed = close_locked(session, row, now, by)
        if closed is not None:
            return SubmitResult(closed["score"], row.max_score, bool(closed["passed"]), closed["submitted_at"], by)
        row = locked_for_closing(session, attempt_id)  # closed meanwhile by another request: its stored result
    return SubmitResult(row.score, row.max_score, bool(row.passed), row.submitted_at, row.finalized_by)


def _expire_loaded(session: Session, attempt_id: int) -> None:
    loaded = session.identity_map.get(Attempt.__mapper__.identity_key_from_primary_key((attempt_id,)))
    if loaded is not None:
        session.expire(loaded)
