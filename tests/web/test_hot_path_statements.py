"""The busiest requests of a sitting cost a fixed, small number of SQL statements (counted, not timed;
bench/profile.py measures their CPU): a chapter read, an autosave from the page and from the API, and a
submit. A change that brings back repeated work (the user loaded twice, a lazy load per row, a re-read
after a write) fails here before it shows in a benchmark."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from studyapp.models.daily import ReviewCard
from studyapp.models.exams import Attempt, AttemptQuestion
from studyapp.models.practice import WrongAnswer
from studyapp.services.exams import prepare
from tests.conftest import recorded_statements

#: Transaction control is not counted (SQLite's BEGIN and COMMIT go to the driver directly and psycopg's are
#: not statements; a savepoint would be).
CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", re.I)


def counted(db, call):
    response, statements = recorded_statements(db, call)
    return response, [s for s in statements if not CONTROL.match(s)]


@pytest.fixture
def paper(exam_bank, make_exam, make_sitting, branch_a, clock):
    def make(review_policy="immediate"):
        module, questions = exam_bank
        exam = make_exam(module, branch_a, fixed=[(q, 10) for q in questions.values()], review_policy=review_policy)
        return make_sitting(exam, units=[branch_a]), questions

    return make


def start(client, sitting) -> int:
    response = client.post(f"/exams/sittings/{sitting.id}/start")
    return int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))


def test_chapter_page_is_the_user_and_one_statement(client, auth, member_a, content_dir, load, db):
    load(content_dir)
    auth.login(member_a)
    response, statements = counted(db, lambda: client.get("/study/test-mod/1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'href="/study/test-mod/2"' in page and "下一章" in page
    assert "上一章" not in page and "学习完成" in page
    # The member's user, then titles, text and progress together.
    assert len(statements) == 2, statements


def test_a_reading_page_ends_its_transaction_with_commit(client, auth, member_a, content_dir, load, db):
    """psycopg drops its prepared statements at every ROLLBACK: pages that only read end with COMMIT, so
    PostgreSQL plans a page's queries once per connection rather than on every view."""
    load(content_dir)
    auth.login(member_a)
    ends = []
    listeners = {"commit": lambda conn: ends.append("commit"), "rollback": lambda conn: ends.append("rollback")}
    for name, listener in listeners.items():
        event.listen(db.engine, name, listener)
    try:
        for number in (1, 2, 1, 2, 1, 2):
            assert client.get(f"/study/test-mod/{number}").status_code == 200
        assert client.get("/study/test-mod/99").status_code == 404
    finally:
        for name, listener in listeners.items():
            event.remove(db.engine, name, listener)
    assert ends == ["commit"] * 6 + ["rollback"], ends  # a refused request still rolls back


def test_start_of_a_prepared_paper_is_one_update(client, auth, member_a, paper, db, clock):
    sitting, _ = paper()
    prepare.prepare_sitting(db.session, sitting, clock.now)
    db.session.commit()
    sitting_id = sitting.id
    ready = db.session.scalar(select(Attempt.id).where(Attempt.user_id == member_a.id, Attempt.status == "prepared"))
    auth.login(member_a)
    response, statements = counted(db, lambda: client.post(f"/exams/sittings/{sitting_id}/start"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/exams/attempts/{ready}")
    # The UPDATE that confirms the session's claim, checks the sitting, its exam and audience and starts the
    # paper: no user is loaded first.
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("UPDATE ATTEMPTS"), statements
    assert "session_version" in statements[0], statements[0]


def test_page_autosave_is_two_statements(client, auth, member_a, paper, db):
    sitting, questions = paper()
    auth.login(member_a)
    attempt_id = start(client, sitting)
    path = f"/exams/attempts/{attempt_id}/answers/{questions['single'].id}"
    response, statements = counted(db, lambda: client.put(path, json={"answer": "B", "seq": 1}))
    assert response.get_json() == {"stored": True, "seq": 1}
    # The attempt with its paper row and the session's claim confirmed (one statement), the conditional
    # upsert: no user is loaded first.
    assert len(statements) == 2, statements
    assert "FROM users" in statements[0] and "session_version" in statements[0], statements[0]


def test_api_autosave_is_three_statements(client, api, member_a, paper, db):
    sitting, questions = paper()
    token = api.token(member_a)
    attempt_id = api.post(f"/sittings/{sitting.id}/attempts", token).get_json()["id"]
    path = f"/attempts/{attempt_id}/answers/{questions['single'].id}"
    api.put(path, token, json={"answer": "A", "seq": 1})  # the token's first use is recorded once
    single = questions["single"].id
    response, statements = counted(db, lambda: api.put(path, token, json={"answer": "B", "seq": 2}))
    assert response.get_json() == {"question_id": single, "stored": True, "seq": 2}
    # The token with its user (one statement), the attempt with its paper row, the upsert.
    assert len(statements) == 3, statements


def submitted(client, auth, db, member, paper, review_policy):
    """Start, answer two of the four questions (one right), submit: (attempt id, questions, statements)."""
    sitting, questions = paper(review_policy)
    auth.login(member)
    attempt_id = start(client, sitting)
    client.put(f"/exams/attempts/{attempt_id}/answers/{questions['single'].id}", json={"answer": "B", "seq": 1})
    client.put(f"/exams/attempts/{attempt_id}/answers/{questions['multiple'].id}", json={"answer": ["A"], "seq": 2})
    response, statements = counted(db, lambda: client.post(
        f"/exams/attempts/{attempt_id}/submit", headers={"Accept": "application/json"}))
    assert response.get_json()["score"] == 10
    return attempt_id, questions, statements


def test_submit_grades_in_four_statements_while_the_review_waits(client, auth, member_a, paper, db):
    _, _, statements = submitted(client, auth, db, member_a, paper, "after_close")
    # The attempt locked with its sitting and exam and the session's claim confirmed (no user is loaded
    # first); the paper with its saved answers; the status change; every outcome. The book waits for the
    # sitting's close.
    assert len(statements) == 4, statements
    assert "session_version" in statements[0], statements[0]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(WrongAnswer)) == 0


def test_submit_with_immediate_review_writes_book_and_cards_in_bulk(client, auth, member_a, paper, db):
    attempt_id, questions, statements = submitted(client, auth, db, member_a, paper, "immediate")
    # The four above, then the misses (one upsert for all), the unscheduled ones and their new cards.
    assert len(statements) == 7, statements
    db.session.rollback()
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.status, attempt.finalized_by, attempt.score) == ("submitted", "member", 10)
    assert attempt.book_recorded_at is not None
    wrong = {q.id for key, q in questions.items() if key != "single"}
    graded = dict(db.session.execute(select(AttemptQuestion.question_id, AttemptQuestion.correct)
                                     .where(AttemptQuestion.attempt_id == attempt_id)).all())
    assert {q for q, correct in graded.items() if not correct} == wrong
    book = dict(db.session.execute(select(WrongAnswer.question_id, WrongAnswer.wrong_count)
                                   .where(WrongAnswer.user_id == member_a.id)).all())
    # Unanswered questions enter the book but are not counted as answered wrong.
    assert book == {questions["multiple"].id: 1, questions["true_false"].id: 0, questions["fill_blank"].id: 0}
    assert set(db.session.scalars(select(ReviewCard.question_id).where(ReviewCard.user_id == member_a.id))) == wrong
