"""Issue 14, as a member would try it: no key, correctness or explanation of a question on their paper
reaches them before the exam's review policy allows (findings 1-4), and a 保密题库 stays out of every
practice surface of the exam's audience until every sitting has closed."""
from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from studyapp.database import intending_to_write
from studyapp.models import WrongAnswer
from studyapp.models.daily import ReviewCard
from studyapp.models.exams import Attempt
from studyapp.services import daily, practice, review
from studyapp.services.contests.rounds import start_round
from studyapp.services.errors import Conflict, NotFound
from studyapp.services.exams.attempts import start_attempt, submit_attempt
from tests.conftest import FIXED_NOW
from tests.fixtures_exams import KEY_MARK

#: The fill-in key of exam_bank ("三", or "3"), as pages write it.
FILL_KEY = "三（或 3）"


@pytest.fixture
def setup(exam_setup, clock):
    return exam_setup


def may_see_key(*args):
    from studyapp.services.key_access import may_see_key as rule  # imported here: the suite also runs on old code

    return rule(*args)


def release(*args):
    from studyapp.services.exams.misses import release as run

    return run(*args)


def _start(client, sitting) -> int:
    response = client.post(f"/exams/sittings/{sitting.id}/start")
    assert response.status_code == 302, response.status_code
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _leaks(html: str) -> bool:
    return KEY_MARK in html or FILL_KEY in html or "正确答案" in html or "回答正确" in html


# ---- finding 1: the review page is not an oracle -----------------------------------------------------


def test_review_answers_only_a_card_due_for_this_member(client, auth, db, member_a, setup):
    exam, sitting, q = setup
    auth.login(member_a)
    _start(client, sitting)
    # Not in the member's review queue at all: refused, and nothing about the question is shown.
    response = client.post(f"/daily/review/{q['fill_blank'].id}", data={"blank": "x"}, follow_redirects=True)
    assert response.status_code == 404 and not _leaks(response.get_data(as_text=True))
    response = client.post(f"/daily/review/{q['single'].id}", data={"answer": "A"})
    assert response.status_code == 404
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ReviewCard)) == 0


def test_a_card_not_yet_due_is_refused_and_a_due_one_is_reviewed(client, auth, db, member_a, exam_bank, clock):
    module, q = exam_bank
    with intending_to_write():
        practice.answer(db.session, member_a, q["single"].id, "A", FIXED_NOW)  # a miss: a card due in minutes
        db.session.commit()
    auth.login(member_a)
    assert client.post(f"/daily/review/{q['single'].id}", data={"answer": "B"}).status_code == 404
    clock.now = FIXED_NOW + timedelta(days=1)
    html = client.post(f"/daily/review/{q['single'].id}", data={"answer": "B"}).get_data(as_text=True)
    assert "回答正确" in html
    # Answered: no longer due, so a second answer is refused.
    assert client.post(f"/daily/review/{q['single'].id}", data={"answer": "B"}).status_code == 404


# ---- finding 2: practice during an attempt; the practice token is opaque -----------------------------


def test_practice_shows_no_question_of_an_open_paper(client, auth, db, member_a, setup):
    exam, sitting, q = setup
    auth.login(member_a)
    _start(client, sitting)
    page = client.get("/practice/start", query_string={"kind": "chapter", "module": "exam-bank", "chapter": 1},
                      follow_redirects=True).get_data(as_text=True)
    assert "这里还没有可练习的题目" in page and q["single"].current.stem_html not in page
    db.session.rollback()
    with pytest.raises(NotFound):
        practice.answer(db.session, member_a, q["fill_blank"].id, ["三"], FIXED_NOW)
    assert not may_see_key(db.session, member_a, q["fill_blank"].id, FIXED_NOW)


def test_an_earlier_practice_feedback_is_hidden_while_the_question_is_on_an_open_paper(
        client, auth, db, member_a, setup):
    exam, sitting, q = setup
    with intending_to_write():
        answer_id = practice.answer(db.session, member_a, q["fill_blank"].id, ["五"], FIXED_NOW).answer.id
        db.session.commit()
    auth.login(member_a)
    location = client.get("/practice/start", query_string={"kind": "chapter", "module": "exam-bank",
                                                           "chapter": 1}).headers["Location"]
    feedback_url = f"/practice/feedback?s={location.split('s=')[1]}&a={answer_id}"
    assert FILL_KEY in client.get(feedback_url).get_data(as_text=True)
    _start(client, sitting)
    response = client.get(feedback_url)
    assert response.status_code == 404 and not _leaks(response.get_data(as_text=True))


def test_the_practice_token_does_not_list_question_ids(app, client, auth, member_a, exam_bank):
    module, q = exam_bank
    auth.login(member_a)
    location = client.get("/practice/start", query_string={"kind": "chapter", "module": "exam-bank",
                                                           "chapter": 1}).headers["Location"]
    token = location.split("s=")[1]
    payload = URLSafeSerializer(app.config["SECRET_KEY"], salt="practice-set").loads(token)
    readable = json.dumps(payload) + base64.urlsafe_b64decode(token.split(".")[0] + "==").decode("latin-1")
    assert not isinstance(payload, dict)
    assert all(f"{question.id}," not in readable and f"{question.id}]" not in readable for question in q.values())
    assert client.get(location).status_code == 200  # and the app still reads it


# ---- finding 3: the wrong-answer book follows the review policy --------------------------------------


def _book(db, member) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(WrongAnswer).where(WrongAnswer.user_id == member.id))


@pytest.mark.parametrize("policy", ["never", "after_close"])
def test_a_blank_submit_puts_nothing_in_the_book_before_review_opens(client, auth, db, member_a, setup, policy):
    exam, sitting, q = setup
    exam.review_policy = policy
    db.session.commit()
    auth.login(member_a)
    attempt_id = _start(client, sitting)
    client.post(f"/exams/attempts/{attempt_id}/submit")
    assert _book(db, member_a) == 0
    assert db.session.scalar(select(func.count()).select_from(ReviewCard)) == 0
    assert not _leaks(client.get("/wrong-book/").get_data(as_text=True))
    assert not _leaks(client.get("/daily/review").get_data(as_text=True))


def test_misses_enter_the_book_once_the_review_opens(client, auth, db, member_a, setup, clock, runner):
    exam, sitting, q = setup
    exam.review_policy = "after_close"
    db.session.commit()
    auth.login(member_a)
    attempt_id = _start(client, sitting)
    # One real miss (the others are left blank, which the book lists but does not count as 答错).
    saved = client.put(f"/exams/attempts/{attempt_id}/answers/{q['single'].id}", json={"answer": "A", "seq": 1})
    assert saved.status_code == 200
    client.post(f"/exams/attempts/{attempt_id}/submit")
    assert _book(db, member_a) == 0
    clock.now = sitting.closes_at
    assert "1 份答卷" in runner.invoke(args=["finalize-overdue"]).output  # the cron releases it
    assert _book(db, member_a) == 4
    html = client.get("/wrong-book/").get_data(as_text=True)
    assert KEY_MARK in html and FILL_KEY in html
    db.session.rollback()
    with intending_to_write():
        assert release(db.session, clock.now) == 0  # once
    assert db.session.scalar(select(func.max(WrongAnswer.wrong_count))) == 1


def test_immediate_review_puts_misses_in_the_book_at_once(client, auth, db, member_a, setup):
    exam, sitting, q = setup
    auth.login(member_a)  # exam_setup's exam shows answers immediately
    attempt_id = _start(client, sitting)
    client.post(f"/exams/attempts/{attempt_id}/submit")
    assert _book(db, member_a) == 4
    assert db.session.get(Attempt, attempt_id).book_recorded_at is not None


def test_never_review_keeps_the_attempt_out_of_the_book_forever(db, member_a, setup, clock):
    exam, sitting, q = setup
    exam.review_policy = "never"
    db.session.commit()
    with intending_to_write():
        attempt, _ = start_attempt(db.session, member_a, sitting.id, FIXED_NOW)
        submit_attempt(db.session, member_a, attempt.id, FIXED_NOW)
        db.session.commit()
        assert release(db.session, FIXED_NOW + timedelta(days=400)) == 0
    assert _book(db, member_a) == 0


def test_the_book_hides_an_earlier_miss_while_its_question_is_on_an_open_paper(client, auth, db, member_a, setup):
    exam, sitting, q = setup
    with intending_to_write():
        practice.answer(db.session, member_a, q["fill_blank"].id, ["五"], FIXED_NOW)
        db.session.commit()
    auth.login(member_a)
    assert FILL_KEY in client.get("/wrong-book/").get_data(as_text=True)
    _start(client, sitting)
    assert not _leaks(client.get("/wrong-book/").get_data(as_text=True))
    assert "回答" not in client.get("/daily/review").get_data(as_text=True)


def test_an_earlier_attempts_review_is_shut_while_a_retake_is_open(client, auth, db, member_a, setup):
    exam, sitting, q = setup
    exam.attempts_allowed = 2
    db.session.commit()
    auth.login(member_a)
    first = _start(client, sitting)
    client.post(f"/exams/attempts/{first}/submit")
    assert KEY_MARK in client.get(f"/exams/attempts/{first}/result").get_data(as_text=True)
    _start(client, sitting)
    html = client.get(f"/exams/attempts/{first}/result").get_data(as_text=True)
    assert not _leaks(html) and "交卷后才能查看" in html


# ---- finding 4: batches never see keys before the last sitting closes ---------------------------------


def test_first_batch_sees_no_key_until_every_sitting_including_make_ups_closes(
        client, auth, db, member_a, member_b, branch_b, exam_bank, make_exam, make_sitting, branch_a, clock):
    module, q = exam_bank
    exam = make_exam(module, branch_a, fixed=[(x, 10) for x in q.values()], review_policy="after_close")
    first = make_sitting(exam, units=[branch_a], closes_at=FIXED_NOW + timedelta(hours=2))
    make_sitting(exam, units=[branch_b], title="第二批", opens_at=FIXED_NOW + timedelta(hours=3),
                 closes_at=FIXED_NOW + timedelta(hours=5))
    auth.login(member_a)
    attempt_id = _start(client, first)
    client.post(f"/exams/attempts/{attempt_id}/submit")
    clock.now = FIXED_NOW + timedelta(hours=4)  # the first batch is over, the second is sitting
    html = client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    assert not _leaks(html) and "全部场次（含补考）结束后公布" in html
    assert not _leaks(client.get("/wrong-book/").get_data(as_text=True))
    assert client.get("/practice/start", query_string={"kind": "chapter", "module": "exam-bank", "chapter": 1},
                      follow_redirects=True).get_data(as_text=True).count("这里还没有可练习的题目") == 1
    db.session.rollback()  # end the test's read snapshot before writing (SQLite)
    makeup = make_sitting(exam, units=[branch_b], title="补考", opens_at=FIXED_NOW + timedelta(hours=6),
                          closes_at=FIXED_NOW + timedelta(hours=8), is_makeup=True)
    clock.now = FIXED_NOW + timedelta(hours=7)
    assert not _leaks(client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True))
    clock.now = makeup.closes_at
    assert KEY_MARK in client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)


def test_new_exams_and_the_demo_exam_default_to_review_after_every_sitting(db, org, branch_a, make_module,
                                                                             make_question):
    from studyapp.models.exams import Exam
    from studyapp.services.exams import demo_exam
    from studyapp.services.exams.definitions import ExamInput

    assert ExamInput(title="t", module_id=1, owner_unit_id=1).review_policy == "after_close"
    assert Exam.__table__.c.review_policy.default.arg == "after_close"
    module = make_module(slug=demo_exam.MODULE_SLUG)
    make_question(module)
    with intending_to_write():
        demo_exam.seed_exam(db.session, org.name, FIXED_NOW)
        db.session.commit()
    assert db.session.scalar(select(Exam.review_policy).where(Exam.title == demo_exam.EXAM_TITLE)) == "after_close"


# ---- 保密题库 ----------------------------------------------------------------------------------------


@pytest.fixture
def secret(exam_bank, make_exam, make_sitting, branch_a):
    """A 保密题库 exam over exam_bank for branch A, whose only sitting opens tomorrow."""
    module, q = exam_bank
    exam = make_exam(module, branch_a, fixed=[(x, 10) for x in q.values()], secret_bank=True)
    sitting = make_sitting(exam, units=[branch_a], opens_at=FIXED_NOW + timedelta(days=1),
                           closes_at=FIXED_NOW + timedelta(days=2))
    return exam, sitting, q


def test_a_secret_bank_is_kept_from_every_practice_surface_of_the_audience(
        client, auth, db, member_a, member_b, secret, clock):
    exam, sitting, q = secret
    # The audience, before the exam has even opened: nothing of the bank to practise, draw or play.
    assert practice.catalog(db.session, member_a, FIXED_NOW) == []
    with pytest.raises(NotFound):
        practice.random_set(db.session, member_a, 10, FIXED_NOW, __import__("random").Random(1))
    assert daily.draw_for(db.session, member_a, FIXED_NOW.date(), FIXED_NOW) == []
    assert not may_see_key(db.session, member_a, q["single"].id, FIXED_NOW)
    auth.login(member_a)
    assert "exam-bank" not in client.get("/practice/").get_data(as_text=True)
    # A member outside the audience practises it as before.
    assert [m.module.slug for m in practice.catalog(db.session, member_b, FIXED_NOW)] == ["exam-bank"]
    # Once every sitting has closed, the bank is open again.
    after = sitting.closes_at
    assert [m.module.slug for m in practice.catalog(db.session, member_a, after)] == ["exam-bank"]
    assert may_see_key(db.session, member_a, q["single"].id, after)


def test_a_secret_bank_is_kept_from_contests_and_review(db, member_a, secret, make_contest, branch_a):
    exam, sitting, q = secret
    contest = make_contest(audience=[branch_a], module_id=exam.module_id)
    with intending_to_write():
        with pytest.raises(Conflict):
            start_round(db.session, member_a, contest.id, FIXED_NOW, __import__("random").Random(1))
        db.session.rollback()
        # A miss recorded before the exam was marked secret: its card is due, but review does not show it.
        db.session.add(WrongAnswer(user_id=member_a.id, question_id=q["single"].id,
                                   last_version_id=q["single"].current_version_id, last_response="A",
                                   wrong_count=1, last_wrong_at=FIXED_NOW, last_source="practice"))
        db.session.flush()
        review.sync(db.session, member_a.id)
        db.session.commit()
    assert review.due_question_ids(db.session, member_a.id, FIXED_NOW + timedelta(hours=1)) == [q["single"].id]
    with pytest.raises(NotFound):
        practice.get_item(db.session, member_a, q["single"].id, FIXED_NOW + timedelta(hours=1))


def test_a_draft_secret_exam_hides_nothing(db, member_a, secret):
    exam, sitting, q = secret
    exam.status = "draft"
    db.session.commit()
    assert may_see_key(db.session, member_a, q["single"].id, FIXED_NOW)


def test_the_form_defaults_to_after_every_sitting_and_warns_of_batches(client, auth, db, organizer_a, branch_a,
                                                                        exam_bank, make_exam, make_sitting):
    from studyapp.models.exams import Exam
    from tests.web.test_exams_organizer import exam_form

    module, q = exam_bank
    auth.login(organizer_a)
    page = client.get("/manage/exams/new").get_data(as_text=True)
    assert '<option selected value="after_close">' in page and "保密题库" in page
    assert "review-batches-warning" not in page
    saved = client.post("/manage/exams/new", data=exam_form(module, branch_a, review_policy="after_close",
                                                            secret_bank="y", rule_qtype=["", "", ""],
                                                            status="draft"))  # this small bank fills no paper
    assert saved.status_code == 302
    db.session.rollback()
    exam = db.session.scalar(select(Exam))
    assert (exam.review_policy, exam.secret_bank) == ("after_close", True)
    make_sitting(exam, units=[branch_a], title="第一批")
    make_sitting(exam, units=[branch_a], title="第二批", opens_at=FIXED_NOW + timedelta(days=2),
                 closes_at=FIXED_NOW + timedelta(days=3))
    page = client.get(f"/manage/exams/{exam.id}/edit").get_data(as_text=True)
    assert "本考试有 2 个场次" in page
    saved = client.post(f"/manage/exams/{exam.id}/edit", data=exam_form(module, branch_a, review_policy="immediate",
                                                                        rule_qtype=["", "", ""], status="draft"),
                        follow_redirects=True)
    assert "先考的党员交卷后就能看到答案" in saved.get_data(as_text=True)
