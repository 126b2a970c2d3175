"""Papers drawn ahead (prepared attempts), so that a sitting's synchronized start is one UPDATE per member.

When a batch opens at 09:00 its members press 开始 within the same minute; drawing a paper and writing its
50 rows inside each of those requests made 2,000 members wait up to 40 s. As Moodle pre-creates quiz
attempts, the papers of a sitting's audience are drawn ahead, in bulk, each from a seed recorded on its
attempt. Such an attempt is 'prepared': no start time, no deadline, and no attempt in any page, count or
report (models.exams.Attempt.started is that rule). Pressing 开始 turns it into an attempt in progress
with one conditional UPDATE (start_offered).

- Who: each active audience member with no attempt in the sitting, for their first attempt. A member
  added to the audience afterwards, a second attempt and a make-up sitting draw at start, as before.
- When: on creating or editing a sitting that opens within the horizon, and by `flask prepare-sittings`
  (cron) for the sittings that come within it.
- Kept current: a change to what decides the paper (definitions.paper_signature) discards the exam's
  prepared papers and draws them again; an audience edit discards those of members no longer in it;
  cancelling a sitting discards them all.
- A bank change between preparing and starting (a question retired, or edited: editing a version that a
  paper pins makes a new version) is caught at the start, not at publishing: the start's UPDATE refuses a
  paper holding a question that is no longer active or no longer at its current version, and that
  member's paper is discarded and drawn afresh, exactly as without preparation. Publishing a bank costs
  nothing here, and nobody starts a paper with a retired question or an outdated text.
- Concurrency: papers go in with INSERT ... ON CONFLICT DO NOTHING against the unique (sitting, member,
  number) and the one-prepared-per-member index, so overlapping cron runs, an organizer's edit and a
  member's on-demand start never give anyone two; on PostgreSQL the exam row is locked while papers are
  drawn, so an exam edit waits for the batch and then redraws it.
"""
from __future__ import annotations

import functools
import json
import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import (Interval, String, bindparam, cast, delete, false, func, literal_column, or_, select, true,
                        update)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

from ...models import Question, User
from ...models.exams import PREPARED, Attempt, AttemptQuestion, Exam, Sitting
from ...models.types import UTCDateTime
from ..accounts import SessionClaim, claim_state
from ..sql_constants import constant
from .definitions import PaperSource, paper_source
from .sittings import audience_ids, audience_includes

#: Sittings opening within this time are prepared (on creating or editing them, and by the CLI's default).
DEFAULT_HORIZON = timedelta(hours=24)
#: Members per bulk INSERT; the CLI commits after each, so members sitting another exam meanwhile never
#: wait long behind it for the database (SQLite has one writer at a time).
CHUNK = 500


def preparable(sitting: Sitting, now: datetime, horizon: timedelta = DEFAULT_HORIZON) -> bool:
    """Papers are drawn ahead for a first sitting (not a make-up) of a published exam that is not over
    and opens within the horizon."""
    return (sitting.cancelled_at is None and not sitting.is_makeup and sitting.exam.status == "published"
            and sitting.closes_at > now and sitting.opens_at <= now + horizon)


def prepare_sitting(session: Session, sitting: Sitting, now: datetime, horizon: timedelta = DEFAULT_HORIZON,
                    commit=None) -> int:
    """Draw the papers the sitting's audience still lacks; returns how many this call made.

    Pass `commit` (the CLI passes session.commit) to commit after each chunk of members."""
    if not preparable(sitting, now, horizon):
        return 0
    sitting_id, exam_id = sitting.id, sitting.exam_id
    have = set(session.scalars(select(Attempt.user_id).where(Attempt.sitting_id == sitting_id)))
    todo = sorted(audience_ids(session, sitting) - have)
    made = 0
    for start in range(0, len(todo), CHUNK):
        exam = _lock_exam(session, exam_id)  # again per chunk: a commit released it
        made += _insert_papers(session, sitting_id, paper_source(session, exam), todo[start:start + CHUNK])
        if commit is not None:
            commit()
    return made


def prepare_due(session: Session, now: datetime, horizon: timedelta = DEFAULT_HORIZON,
                commit=None) -> tuple[int, int]:
    """Prepare every sitting opening within the horizon; returns (sittings looked at, papers made)."""
    ids = list(session.scalars(
        select(Sitting.id).join(Exam, Exam.id == Sitting.exam_id)
        .where(Exam.status == "published", Sitting.cancelled_at.is_(None), Sitting.is_makeup.is_(False),
               Sitting.closes_at > now, Sitting.opens_at <= now + horizon)
        .order_by(Sitting.opens_at, Sitting.id)
    ))
    made = 0
    for sitting_id in ids:
        made += prepare_sitting(session, session.get(Sitting, sitting_id), now, horizon, commit=commit)
    return len(ids), made


#: prepare-sittings settles the tables (settle_after_bulk_draw) once it has drawn at least this many papers.
SETTLE_AFTER_PAPERS = 500


def settle_after_bulk_draw(engine: Engine, made: int) -> bool:
    """PostgreSQL, after a bulk draw (prepare-sittings from cron, hours before the batch opens): VACUUM
    (ANALYZE) the two tables it filled. Otherwise the synchronized start pays for them: each start's
    UPDATE is the first statement to touch its paper's freshly inserted rows, and sets their hint bits
    (dirtying every page again) with statistics that do not yet count them, until autovacuum catches up
    with tens of thousands of new rows, perhaps not before 09:00 (measured on a 2,000-member start: the
    database's share of the machine fell from about 31 % to 17-27 %). Outside a transaction (VACUUM
    cannot run in one); SQLite has no such bookkeeping. Returns whether it ran."""
    if engine.dialect.name != "postgresql" or made < SETTLE_AFTER_PAPERS:
        return False
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE) attempts, attempt_questions")
    return True


def refresh_sitting(session: Session, sitting: Sitting, now: datetime) -> int:
    """After an edit of the sitting: discard the papers of members no longer in its audience (or all, once
    cancelled), then draw those missing; returns how many were discarded."""
    if sitting.cancelled_at is not None:
        return discard(session, Attempt.sitting_id == sitting.id)
    dropped = discard(session, Attempt.sitting_id == sitting.id,
                      Attempt.user_id.not_in(audience_ids(session, sitting) or {-1}))
    prepare_sitting(session, sitting, now)
    return dropped


def redraw_exam(session: Session, exam: Exam, now: datetime) -> int:
    """The exam's paper rules changed: discard every prepared paper of its sittings and draw them again."""
    _lock_exam(session, exam.id)
    dropped = discard(session, Attempt.sitting_id.in_(select(Sitting.id).where(Sitting.exam_id == exam.id)))
    for sitting in list(exam.sittings):
        prepare_sitting(session, sitting, now)
    return dropped


def discard(session: Session, *conditions) -> int:
    """Delete prepared (never started) attempts matching the conditions, with their papers."""
    ids = select(Attempt.id).where(Attempt.status == PREPARED, *conditions)
    session.execute(delete(AttemptQuestion).where(AttemptQuestion.attempt_id.in_(ids)),
                    execution_options={"synchronize_session": False})
    return session.execute(delete(Attempt).where(Attempt.status == PREPARED, *conditions),
                           execution_options={"synchronize_session": False}).rowcount


def start_offered(session: Session, user: User, sitting_id: int, now: datetime) -> Attempt | None:
    """Start the member's prepared paper in the sitting if it is offered to them and open now: one
    conditional UPDATE ... RETURNING the attempt, which checks the sitting, its exam and audience itself
    and computes the deadline (timing.deadline) in the database.

    None when it changed no row: the sitting is not offered to the member or not open, the member has no
    prepared paper, a concurrent start took it first, or it holds a question the bank has retired or edited
    since. The caller then takes the path without a prepared paper, which says which."""
    return session.scalars(_start_statement(session.get_bind().dialect.name, orm=True),
                           _start_parameters(user, sitting_id, now)).first()


def start_offered_id(session: Session, member: User | SessionClaim, sitting_id: int, now: datetime) -> int | None:
    """start_offered for a caller that needs only the attempt's id (the website redirects to it): the same
    statement with no ORM object, which at 09:00 cost more than the statement itself. For a web session's
    claim the statement also confirms it (accounts.claim_state), so no user is loaded first; None also
    when the claim does not hold (the caller's path without a prepared paper says so)."""
    bind = session.get_bind()
    statement = _start_statement(bind.dialect.name, orm=False, with_claim=isinstance(member, SessionClaim))
    parameters = _start_parameters(member, sitting_id, now)
    if bind.dialect.name == "postgresql" and not _in_transaction(session):
        # The statement is the whole transaction: sent in autocommit it is one round trip instead of three
        # (BEGIN, UPDATE, COMMIT), which at 09:00 was a quarter of PostgreSQL's work per start. It commits
        # before it answers; the session has not begun, so nothing else of the request is in it.
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            return connection.execute(statement, parameters).scalar()
    return session.connection().execute(statement, parameters).scalar()


def _in_transaction(session: Session | scoped_session) -> bool:
    return (session() if isinstance(session, scoped_session) else session).in_transaction()


def _start_parameters(member: User | SessionClaim, sitting_id: int, now: datetime) -> dict:
    if isinstance(member, SessionClaim):
        return {"the_sitting": sitting_id, "the_member": member.user_id, "claim_version": member.version,
                "now": now}
    return {"the_sitting": sitting_id, "the_member": member.id, "the_unit": member.unit_id, "now": now}


def _deadline_sql(dialect: str):
    """timing.deadline in SQL: min(now + the exam's time limit, the sitting's close), to the microsecond."""
    now = bindparam("now", type_=UTCDateTime)
    if dialect == "postgresql":
        return func.least(now + Exam.time_limit_minutes * literal_column("interval '1 minute'", Interval),
                          Sitting.closes_at)
    # SQLite holds UTC times as 'YYYY-MM-DD HH:MM:SS.ffffff' text, ordered as the times are. Whole minutes
    # are added to the seconds-long head and the microseconds put back: datetime() keeps milliseconds
    # only, and would round a time just before a whole second up to it.
    later = func.datetime(func.substr(now, constant(1), constant(19)),
                          constant("+").concat(cast(Exam.time_limit_minutes, String)).concat(constant(" minutes")))
    return func.min(later.concat(func.substr(now, constant(20))), Sitting.closes_at)


@functools.cache
def _start_statement(dialect: str, orm: bool, with_claim: bool = False):
    items, questions = AttemptQuestion.__table__, Question.__table__
    stale = (select(items.c.id).join(questions, questions.c.id == items.c.question_id)
             .where(items.c.attempt_id == Attempt.id,
                    or_(questions.c.status != constant("active"),
                        questions.c.current_version_id != items.c.question_version_id))
             .exists())
    now = bindparam("now", type_=UTCDateTime)
    unit, signed_in = bindparam("the_unit"), true()
    if with_claim:  # the member's unit read by the statement, and only while the session's claim holds
        unit = select(User.unit_id).where(User.id == bindparam("the_member")).scalar_subquery()
        signed_in = claim_state(bindparam("the_member"), bindparam("claim_version")) == false()
    # At most one row: one prepared paper per member and sitting (uq_attempts_one_prepared). The sitting
    # and exam are read in the same statement (UPDATE ... FROM), and not locked by it.
    stmt = (update(Attempt)
            .where(Attempt.sitting_id == bindparam("the_sitting"), Attempt.user_id == bindparam("the_member"),
                   Attempt.status == constant(PREPARED), ~stale,
                   Sitting.id == Attempt.sitting_id, Exam.id == Sitting.exam_id,
                   Exam.status == constant("published"), Sitting.cancelled_at.is_(None),
                   Sitting.opens_at <= now, Sitting.closes_at > now,
                   # The unit walk's WITH nested in the clause: the statement reads as the write it is.
                   audience_includes(bindparam("the_member"), unit, nesting=True), signed_in)
            .values(status=constant("in_progress"), started_at=now, deadline=_deadline_sql(dialect)))
    if orm:
        return stmt.returning(Attempt).execution_options(synchronize_session=False, populate_existing=True)
    return stmt.returning(Attempt.id)


def _lock_exam(session: Session, exam_id: int) -> Exam:
    """The exam, its row locked on PostgreSQL (SQLite writers already hold the database's write lock)."""
    stmt = select(Exam).where(Exam.id == exam_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalar(stmt.execution_options(populate_existing=True))


def _insert_papers(session: Session, sitting_id: int, source: PaperSource, user_ids: list[int]) -> int:
    papers, rows = {}, []
    for user_id in user_ids:
        seed = secrets.randbits(48)
        paper = source.draw(random.Random(seed))
        if not paper.items:
            continue
        papers[user_id] = paper
        rows.append(dict(sitting_id=sitting_id, user_id=user_id, number=1, status=PREPARED, seed=seed,
                         max_score=paper.max_score))
    if not rows:
        return 0
    table = Attempt.__table__
    postgres = session.get_bind().dialect.name == "postgresql"
    # A member who got a paper (or started) since `todo` was read keeps theirs: the row is skipped.
    stmt = (postgresql if postgres else sqlite).insert(table).on_conflict_do_nothing().returning(table.c.id,
                                                                                                 table.c.user_id)
    made = session.execute(stmt, rows).all()
    orders: dict[tuple, str] = {}  # each question's few option orders, serialized once
    items = [
        (attempt_id, n, item.question_id, source.versions[item.question_id], item.points,
         orders.get(item.option_order) or orders.setdefault(item.option_order, json.dumps(list(item.option_order))))
        for attempt_id, user_id in made for n, item in enumerate(papers[user_id].items, start=1)
    ]
    if items:
        _write_paper_rows(session, items, postgres)
    return len(made)


def _write_paper_rows(session: Session, items: list[tuple], postgres: bool) -> None:
    """Half a million paper rows for 10,000 members go straight to the driver (SQLAlchemy's per-row
    parameter work cost more than the database's): COPY on PostgreSQL, executemany on SQLite."""
    connection = session.connection()
    if not postgres:
        connection.exec_driver_sql(
            "INSERT INTO attempt_questions (attempt_id, position, question_id, question_version_id, points, "
            "option_order) VALUES (?, ?, ?, ?, ?, ?)", items)
        return
    with connection.connection.dbapi_connection.cursor() as cursor:
        with cursor.copy("COPY attempt_questions (attempt_id, position, question_id, question_version_id, points, "
                         "option_order) FROM STDIN") as copy:
            for row in items:
                copy.write_row(row)
