"""Papers drawn ahead (services.exams.prepare): deterministic from the seed, started by one UPDATE, never
two for one member, kept current when the exam, the audience or the bank changes."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from studyapp.models import Question, User
from studyapp.models.exams import PREPARED, Attempt, AttemptQuestion
from studyapp.services import exams as svc
from studyapp.services import key_access
from studyapp.domain import timing
from studyapp.services.accounts import SessionClaim
from studyapp.services.errors import Conflict, NotFound
from studyapp.services.exams import changes, prepare
from studyapp.services.exams.definitions import ExamInput, RuleInput, draw_paper, update_exam
from studyapp.services.exams.sittings import create_sitting
from tests.conftest import FIXED_NOW, recorded_statements
from tests.services.test_exam_races import run_concurrently

NOW = FIXED_NOW


@pytest.fixture
def drawn_exam(db, make_module, make_question, make_exam, make_sitting, branch_a, make_user):
    """A shuffled blueprint exam over 12 questions, a sitting for branch A open at NOW, and 5 members."""
    module = make_module(slug="prepared")
    questions = [make_question(module, qtype="single" if n % 2 else "true_false", chapter=1 + n % 3)
                 for n in range(12)]
    exam = make_exam(module, branch_a, rules=[dict(count=3, points=2, chapter_number=1), dict(count=4, points=1)],
                     shuffle_questions=True, shuffle_options=True, attempts_allowed=2)
    sitting = make_sitting(exam, units=[branch_a])
    members = [make_user(branch_a) for _ in range(5)]
    return exam, sitting, members, questions


def prepared_of(db, sitting, user=None) -> list[Attempt]:
    stmt = select(Attempt).where(Attempt.sitting_id == sitting.id, Attempt.status == PREPARED)
    if user is not None:
        stmt = stmt.where(Attempt.user_id == user.id)
    return list(db.session.scalars(stmt.order_by(Attempt.user_id)))


def paper_of(db, attempt_id) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(
        select(AttemptQuestion.question_id, AttemptQuestion.question_version_id, AttemptQuestion.points,
               AttemptQuestion.option_order).where(AttemptQuestion.attempt_id == attempt_id)
        .order_by(AttemptQuestion.position))]


def prepare_now(db, sitting, now=NOW) -> int:
    made = prepare.prepare_sitting(db.session, sitting, now)
    db.session.commit()
    return made


def test_prepare_draws_each_member_a_paper_reproducible_from_its_seed(db, drawn_exam):
    exam, sitting, members, _ = drawn_exam
    assert prepare_now(db, sitting) == len(members)
    papers = prepared_of(db, sitting)
    assert sorted(a.user_id for a in papers) == sorted(m.id for m in members)
    for attempt in papers:
        assert attempt.started_at is None and attempt.deadline is None and attempt.number == 1
        drawn = draw_paper(db.session, exam, random.Random(attempt.seed))
        stored = paper_of(db, attempt.id)
        assert [(i.question_id, i.points, list(i.option_order)) for i in drawn.items] == \
            [(q, p, order) for q, _v, p, order in stored]
        assert attempt.max_score == drawn.max_score == 10
    assert len({repr(paper_of(db, a.id)) for a in papers}) > 1  # each member their own draw


def test_start_uses_the_prepared_paper_with_one_update(db, drawn_exam):
    _, sitting, members, _ = drawn_exam
    prepare_now(db, sitting)
    member = members[0]
    ready = prepared_of(db, sitting, member)[0]
    ready_id, ready_paper = ready.id, paper_of(db, ready.id)
    db.session.expire_all()
    (attempt, created), statements = recorded_statements(
        db, lambda: svc.start_attempt(db.session, member, sitting.id, NOW))
    db.session.commit()
    assert created and attempt.id == ready_id and attempt.status == "in_progress"
    assert attempt.started_at == NOW and attempt.deadline == NOW + timedelta(minutes=30)
    assert paper_of(db, attempt.id) == ready_paper
    writes = [s for s in statements if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE ATTEMPTS")

    # Without a prepared paper (a second attempt) the start draws and writes the paper's rows.
    svc.submit_attempt(db.session, member, attempt.id, NOW + timedelta(minutes=1))
    db.session.commit()
    (second, created), on_demand = recorded_statements(
        db, lambda: svc.start_attempt(db.session, member, sitting.id, NOW + timedelta(minutes=2)))
    db.session.commit()
    assert created and second.number == 2 and len(paper_of(db, second.id)) == 7
    inserts = [s for s in on_demand if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) >= 2 and len(on_demand) > len(statements)


def test_a_prepared_paper_is_no_attempt_for_its_member(db, drawn_exam):
    _, sitting, members, questions = drawn_exam
    prepare_now(db, sitting)
    member = members[0]
    ready = prepared_of(db, sitting, member)[0]
    with pytest.raises(NotFound):
        svc.attempt_for_member(db.session, member, ready.id)
    item = paper_of(db, ready.id)[0]
    with pytest.raises(NotFound):
        svc.save_answer(db.session, member, ready.id, item[0], "A", 1, NOW)
    with pytest.raises(NotFound):
        svc.submit_attempt(db.session, member, ready.id, NOW)
    offer = svc.open_sittings_for(db.session, member, NOW)[0]
    assert offer.attempts_left == 2 and offer.in_progress_attempt_id is None
    assert svc.my_records(db.session, member) == []
    # Its questions stay open to practice: only a started paper withholds keys.
    assert not key_access.withheld(db.session, member, NOW).question_ids


def test_a_prepared_start_alone_is_its_own_transaction_on_postgresql(db, drawn_exam):
    """The website's start (start_attempt_id with the session's claim) on PostgreSQL sends its UPDATE in
    autocommit when nothing else of the request is in a transaction: one round trip, and the start is
    committed when it returns. Inside a transaction the caller already began it is part of that
    transaction and goes with its rollback, as on SQLite always."""
    _, sitting, members, _ = drawn_exam
    prepare_now(db, sitting)
    on_pg = db.engine.dialect.name == "postgresql"
    sitting_id = sitting.id
    claims = [SessionClaim(m.id, m.session_version) for m in members[:2]]
    ready_ids = [prepared_of(db, sitting, m)[0].id for m in members[:2]]

    def status_seen_elsewhere(attempt_id):
        with db.engine.connect() as other:
            return other.execute(select(Attempt.status).where(Attempt.id == attempt_id)).scalar()

    db.session.rollback()  # nothing of the request in a transaction yet
    assert svc.start_attempt_id(db.session, claims[0], sitting_id, NOW) == (ready_ids[0], True)
    assert status_seen_elsewhere(ready_ids[0]) == ("in_progress" if on_pg else PREPARED)
    db.session.rollback()
    assert status_seen_elsewhere(ready_ids[0]) == ("in_progress" if on_pg else PREPARED)

    assert prepared_of(db, sitting, members[1])  # the request has read: its transaction has begun
    assert svc.start_attempt_id(db.session, claims[1], sitting_id, NOW) == (ready_ids[1], True)
    assert status_seen_elsewhere(ready_ids[1]) == PREPARED
    db.session.rollback()
    assert status_seen_elsewhere(ready_ids[1]) == PREPARED


def test_concurrent_starts_of_a_prepared_paper_make_one_attempt(app, db, drawn_exam):
    _, sitting, members, _ = drawn_exam
    prepare_now(db, sitting)
    sitting_id, user_id = sitting.id, members[0].id
    ready_id = prepared_of(db, sitting, members[0])[0].id
    db.session.remove()

    def start(session):
        attempt, created = svc.start_attempt(session, session.get(User, user_id), sitting_id, NOW)
        return attempt.id, created

    results, errors = run_concurrently(app, db, start)
    assert errors == []
    assert {attempt_id for attempt_id, _ in results} == {ready_id}
    assert sum(created for _, created in results) == 1
    rows = db.session.execute(select(Attempt.status).where(Attempt.user_id == user_id)).scalars().all()
    assert rows == ["in_progress"]


def test_a_retired_or_edited_question_is_caught_at_start_and_the_paper_drawn_afresh(db, drawn_exam):
    _, sitting, members, _ = drawn_exam
    prepare_now(db, sitting)
    member = members[0]
    ready = prepared_of(db, sitting, member)[0]
    first_question = paper_of(db, ready.id)[0][0]
    db.session.get(Question, first_question).status = "retired"
    db.session.commit()
    attempt, created = svc.start_attempt(db.session, member, sitting.id, NOW)
    db.session.commit()
    assert created and attempt.id != ready.id and attempt.number == 1
    assert first_question not in [q for q, *_ in paper_of(db, attempt.id)]
    assert db.session.get(Attempt, ready.id) is None  # the stale paper is gone with its rows
    assert db.session.scalar(select(func.count()).where(AttemptQuestion.attempt_id == ready.id)) == 0


def test_editing_the_exam_redraws_prepared_papers_and_keeps_started_ones(db, drawn_exam, organizer_a, branch_a):
    exam, sitting, members, _ = drawn_exam
    prepare_now(db, sitting)
    started, _ = svc.start_attempt(db.session, members[0], sitting.id, NOW)
    db.session.commit()
    before = {a.user_id: a.seed for a in prepared_of(db, sitting)}
    data = ExamInput(title=exam.title, module_id=exam.module_id, owner_unit_id=branch_a.id, attempts_allowed=2,
                     shuffle_questions=True, shuffle_options=True, status="published",
                     rules=[RuleInput(count=5, points=2)])
    update_exam(db.session, exam, {branch_a.id}, data, organizer_a, now=NOW)
    db.session.commit()
    after = prepared_of(db, sitting)
    assert {a.user_id for a in after} == set(before) and not set(before.values()) & {a.seed for a in after}
    assert all(len(paper_of(db, a.id)) == 5 and a.max_score == 10 for a in after)
    assert len(paper_of(db, started.id)) == 7  # a started paper keeps its questions
    # Changing only the title draws nothing again.
    seeds = {a.seed for a in after}
    data.title = "新名称"
    update_exam(db.session, exam, {branch_a.id}, data, organizer_a, now=NOW)
    db.session.commit()
    assert {a.seed for a in prepared_of(db, sitting)} == seeds


def test_audience_edit_and_cancel_discard_papers(db, drawn_exam, organizer_a, branch_a, branch_b, make_user):
    exam, _, members, _ = drawn_exam
    outsider = make_user(branch_b)
    managed = {branch_a.id, branch_b.id}
    opens = NOW + timedelta(hours=2)
    sitting = create_sitting(db.session, managed, exam, "下午场", opens, opens + timedelta(hours=1),
                             unit_ids=[branch_a.id], now=NOW)
    db.session.commit()
    assert {a.user_id for a in prepared_of(db, sitting)} == {m.id for m in members} | {organizer_a.id}
    changes.edit_sitting(db.session, organizer_a, managed, sitting, NOW, title=sitting.title, opens_at=opens,
                         closes_at=opens + timedelta(hours=1), unit_ids=[branch_b.id], usernames=[])
    db.session.commit()
    assert {a.user_id for a in prepared_of(db, sitting)} == {outsider.id}
    # Nobody has started: cancelling is allowed, and takes the papers with it.
    changes.cancel_sitting(db.session, organizer_a, sitting, NOW)
    db.session.commit()
    assert prepared_of(db, sitting) == []


def test_make_up_late_members_and_far_sittings_are_not_prepared(db, drawn_exam, branch_a, make_user):
    exam, sitting, members, _ = drawn_exam
    managed = {branch_a.id}
    far = create_sitting(db.session, managed, exam, "下周", NOW + timedelta(days=7), NOW + timedelta(days=8),
                         unit_ids=[branch_a.id], now=NOW)
    makeup = create_sitting(db.session, managed, exam, "补考", NOW + timedelta(hours=1), NOW + timedelta(hours=3),
                            user_ids=[members[0].id], makeup_of=sitting, now=NOW)
    db.session.commit()
    assert prepared_of(db, far) == [] and prepared_of(db, makeup) == []
    prepare_now(db, sitting)
    late = make_user(branch_a)
    attempt, created = svc.start_attempt(db.session, late, sitting.id, NOW)  # joined after: drawn at start
    db.session.commit()
    assert created and len(paper_of(db, attempt.id)) == 7
    assert prepare_now(db, sitting) == 0  # everyone has a paper or an attempt


def test_prepare_sittings_command_is_idempotent_and_takes_a_horizon(app, db, runner, drawn_exam, branch_a):
    exam, sitting, members, _ = drawn_exam
    later = create_sitting(db.session, {branch_a.id}, exam, "晚场", NOW + timedelta(hours=30),
                           NOW + timedelta(hours=31), unit_ids=[branch_a.id], now=NOW)
    db.session.commit()
    app.config["CLOCK"] = lambda: NOW
    result = runner.invoke(args=["prepare-sittings"])
    assert result.exit_code == 0, result.output
    assert f"预先抽好 {len(members)} 份试卷" in result.output
    db.session.rollback()
    assert len(prepared_of(db, sitting)) == len(members) and prepared_of(db, later) == []
    assert "预先抽好 0 份试卷" in runner.invoke(args=["prepare-sittings"]).output
    assert "预先抽好 5 份试卷" in runner.invoke(args=["prepare-sittings", "--hours", "48"]).output
    db.session.rollback()
    assert len(prepared_of(db, later)) == len(members)
    assert runner.invoke(args=["prepare-sittings", "--hours", "-1"]).exit_code != 0


def test_a_bulk_draw_leaves_postgresql_its_tables_vacuumed_and_counted(app, db, runner, drawn_exam,
                                                                     monkeypatch):
    """At 09:00 the starts must not be the first to touch the papers drawn overnight (prepare.settle_after_
    bulk_draw): on PostgreSQL the command vacuums and analyzes the two tables once it drew enough papers;
    SQLite has nothing to settle; a run below the threshold leaves the tables alone."""
    exam, sitting, members, _ = drawn_exam
    app.config["CLOCK"] = lambda: NOW
    monkeypatch.setattr(prepare, "SETTLE_AFTER_PAPERS", len(members))
    result = runner.invoke(args=["prepare-sittings"])
    assert result.exit_code == 0, result.output
    on_pg = db.engine.dialect.name == "postgresql"
    assert ("已整理数据表" in result.output) is on_pg
    if on_pg:  # VACUUM counted every row of the paper table into the planner's statistics
        rows = db.session.scalar(select(func.count()).select_from(AttemptQuestion))
        # The table of this test's schema (regclass follows the search path; other runs have their own).
        counted = db.session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = 'attempt_questions'::regclass"))
        assert rows > 0 and counted == rows
    db.session.rollback()
    assert "已整理数据表" not in runner.invoke(args=["prepare-sittings"]).output  # nothing new drawn


def test_concurrent_preparers_never_give_a_member_two_papers(app, db, drawn_exam):
    _, sitting, members, _ = drawn_exam
    sitting_id, member_ids = sitting.id, [m.id for m in members]
    db.session.remove()
    _, errors = run_concurrently(app, db, lambda session: prepare.prepare_due(session, NOW, commit=session.commit))
    assert errors == []
    per_member = db.session.execute(select(Attempt.user_id, func.count()).where(Attempt.sitting_id == sitting_id)
                                    .group_by(Attempt.user_id)).all()
    assert sorted(per_member) == sorted((m, 1) for m in member_ids)


def start_both_ways(db, member, sitting_id, now):
    """Start through start_attempt (the API's, an Attempt) and start_attempt_id (the website's, an id); each
    in a transaction rolled back, so both see the same paper: [(attempt id, created, status, started_at,
    deadline)] from each."""
    seen = []
    for start in (svc.start_attempt, svc.start_attempt_id):
        found, created = start(db.session, member, sitting_id, now)
        db.session.flush()
        found_id = found if isinstance(found, int) else found.id
        row = db.session.execute(select(Attempt.status, Attempt.started_at, Attempt.deadline)
                                 .where(Attempt.id == found_id)).one()
        seen.append((found_id, created, *row))
        db.session.rollback()
    return seen


@pytest.mark.parametrize("offset, closes_in, limit", [
    (timedelta(seconds=59, microseconds=999_600), timedelta(days=1), 30),  # a start just before a whole second
    (timedelta(0), timedelta(days=1), 30),
    (timedelta(microseconds=1), timedelta(minutes=10, microseconds=123_456), 30),  # the sitting's close first
    (timedelta(days=30, hours=15, minutes=50, microseconds=7), timedelta(days=32), 1440),  # over a month's end
])
def test_the_start_update_computes_the_deadline_as_timing_does(db, drawn_exam, offset, closes_in, limit):
    exam, sitting, members, _ = drawn_exam
    now = NOW + offset
    exam.time_limit_minutes = limit
    sitting.closes_at = NOW + closes_in
    db.session.commit()
    prepare_now(db, sitting, now)
    ready_id = prepared_of(db, sitting, members[0])[0].id
    expected = timing.deadline(now, limit, sitting.closes_at)
    assert start_both_ways(db, members[0], sitting.id, now) == [(ready_id, True, "in_progress", now, expected)] * 2


def test_the_start_update_reaches_members_below_a_unit_and_those_listed(db, drawn_exam, org, make_user, branch_a,
                                                                      branch_b):
    exam, _, members, _ = drawn_exam
    listed = make_user(branch_b)
    managed = {org.id, branch_a.id, branch_b.id}
    for sitting in (create_sitting(db.session, managed, exam, "全委", NOW - timedelta(hours=1), NOW + timedelta(days=1),
                                   unit_ids=[org.id], now=NOW),
                    create_sitting(db.session, managed, exam, "点名", NOW - timedelta(hours=1), NOW + timedelta(days=1),
                                   usernames=[listed.username], now=NOW)):
        db.session.commit()
        member = listed if sitting.title == "点名" else members[0]
        ready_id = prepared_of(db, sitting, member)[0].id
        # The prepared paper itself is started (a paper drawn at start would be another attempt).
        assert [seen[:3] for seen in start_both_ways(db, member, sitting.id, NOW)] == \
            [(ready_id, True, "in_progress")] * 2


@pytest.mark.parametrize("change, refusal", [
    ("upcoming", "本场考试未开放"), ("closed", "本场考试已结束"), ("cancelled", None), ("archived", None),
    ("audience", None),
])
def test_a_prepared_paper_is_refused_as_without_one(db, drawn_exam, branch_b, change, refusal):
    """The start's UPDATE checks the sitting itself; where it refuses, the start says why as it always has,
    and the paper stays prepared."""
    exam, sitting, members, _ = drawn_exam
    prepare_now(db, sitting)
    member = members[0]
    ready = prepared_of(db, sitting, member)[0]
    now = NOW
    if change == "upcoming":
        now = sitting.opens_at - timedelta(microseconds=1)
    elif change == "closed":
        now = sitting.closes_at
    elif change == "cancelled":
        sitting.cancelled_at = NOW - timedelta(minutes=1)
    elif change == "archived":
        exam.status = "archived"
    else:
        sitting.units[0].unit_id = branch_b.id
    db.session.commit()
    for start in (svc.start_attempt, svc.start_attempt_id):
        if refusal is None:
            with pytest.raises(NotFound):
                start(db.session, member, sitting.id, now)
        else:
            with pytest.raises(Conflict, match=refusal):
                start(db.session, member, sitting.id, now)
        db.session.commit()
    assert [(a.id, a.status) for a in prepared_of(db, sitting, member)] == [(ready.id, PREPARED)]
