"""Issue 14, findings 5 and 6 as an organizer would try them: every module, chapter, question, exam,
sitting or contest id an organizer submits is checked against the scope of the pages that list them,
and only a bank's owner changes its questions."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from studyapp.models import Question
from studyapp.models.contests import Contest
from studyapp.models.exams import Exam
from tests.conftest import FIXED_NOW
from tests.fixtures_exams import KEY_MARK
from tests.web.test_exams_organizer import exam_form


@pytest.fixture
def private_b(make_web_module, make_question, organizer_b, branch_b):
    """Branch B's own bank: a module published to branch B only, with five questions."""
    module = make_web_module(organizer_b, title="乙支部内部题库", publish_to=[branch_b])
    for n in range(5):
        make_question(module, qtype="single", chapter=1)
    return module


@pytest.fixture
def draft_b(make_web_module, make_question, organizer_b):
    module = make_web_module(organizer_b, title="乙支部草稿题库")
    make_question(module, qtype="single", chapter=1)
    return module


@pytest.fixture
def own_a(make_web_module, make_question, organizer_a, branch_a):
    module = make_web_module(organizer_a, title="甲支部题库", publish_to=[branch_a])
    for n in range(5):
        make_question(module, qtype="single", chapter=1)
    return module


def _count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def contest_form(module, unit, **extra):
    data = {"title": "五月竞赛", "owner_unit_id": unit.id, "module_id": module.id, "chapters": "",
            "questions_per_round": 3, "seconds_per_question": 20, "latency_allowance_seconds": 2,
            "opens_at": "2026-05-01T15:00", "closes_at": "2026-05-01T18:00", "freeze_minutes": 0,
            "max_rounds_per_member": 2, "fast_answer_threshold_ms": 1500, "units": [unit.id]}
    data.update(extra)
    return data


# ---- finding 5: another branch's bank --------------------------------------------------------------


def test_exam_form_lists_and_accepts_only_banks_in_scope(client, auth, db, organizer_a, branch_a, own_a,
                                                         private_b, draft_b):
    auth.login(organizer_a)
    page = client.get("/manage/exams/new").get_data(as_text=True)
    assert "甲支部题库" in page and "乙支部内部题库" not in page and "乙支部草稿题库" not in page
    for module in (private_b, draft_b):
        response = client.post("/manage/exams/new", data=exam_form(module, branch_a, rule_qtype=["", "", ""],
                                                                    rule_chapter=["1", "", ""]))
        assert response.status_code == 200 and "题库所属专题不存在" in response.get_data(as_text=True)
    assert _count(db, Exam) == 0
    assert client.post("/manage/exams/new", data=exam_form(own_a, branch_a, rule_qtype=["", "", ""],
                                                           rule_chapter=["1", "", ""],
                                                           status="draft")).status_code == 302  # too small to publish


def test_an_exam_on_another_branchs_bank_shows_no_preview(client, auth, db, organizer_a, branch_a, private_b,
                                                          make_exam):
    exam = make_exam(private_b, branch_a, rules=[dict(count=3, points=1.0)])  # made before the check existed
    auth.login(organizer_a)
    response = client.get(f"/manage/exams/{exam.id}/preview?seed=1")
    assert response.status_code == 404 and KEY_MARK not in response.get_data(as_text=True)
    assert "✓" not in response.get_data(as_text=True)


def test_contest_form_checks_the_bank_before_telling_its_size(client, auth, db, organizer_a, branch_a, own_a,
                                                               private_b, make_unit, make_user, make_web_module):
    other_org = make_unit("另一机关党委", kind="organization")
    other_branch = make_unit("另一支部", parent=other_org)
    foreign = make_web_module(make_user(other_branch, role="organizer"), title="外单位题库", publish_to=[other_branch])
    auth.login(organizer_a)
    page = client.get("/manage/contests/new").get_data(as_text=True)
    assert "甲支部题库" in page and "乙支部内部题库" not in page and "外单位题库" not in page
    for module in (private_b, foreign):
        response = client.post("/manage/contests/new", data=contest_form(module, branch_a, questions_per_round=50))
        text = response.get_data(as_text=True)
        assert response.status_code == 422 and "题库所属专题不存在" in text and "所选范围只有" not in text
    response = client.post("/manage/contests/new", data=contest_form(own_a, branch_a, chapters="1,9"))
    assert response.status_code == 422 and "所选专题没有这些章：第9章" in response.get_data(as_text=True)
    assert _count(db, Contest) == 0
    assert client.post("/manage/contests/new", data=contest_form(own_a, branch_a, chapters="1")).status_code == 302


def test_every_kind_of_id_has_one_scope_check(db, organizer_a, organizer_b, admin, private_b, own_a, make_exam,
                                              make_sitting, branch_a, branch_b, make_contest):
    from studyapp.services import scope
    from studyapp.services.errors import NotFound
    from studyapp.services.scope import managed_unit_ids

    question_b = db.session.scalar(select(Question).where(Question.module_id == private_b.id))
    exam_b = make_exam(private_b, branch_b, rules=[dict(count=1)])
    sitting_b = make_sitting(exam_b, units=[branch_b])
    contest_b = make_contest(audience=[branch_b], owner_unit_id=branch_b.id)
    managed_a = managed_unit_ids(db.session, organizer_a)
    for check in (lambda: scope.usable_module(db.session, organizer_a, private_b.id),
                  lambda: scope.usable_question(db.session, organizer_a, question_b.id),
                  lambda: scope.managed_exam(db.session, managed_a, exam_b.id),
                  lambda: scope.managed_sitting(db.session, managed_a, sitting_b.id),
                  lambda: scope.managed_contest(db.session, managed_a, contest_b.id)):
        with pytest.raises(NotFound):
            check()
    assert scope.usable_module(db.session, organizer_b, private_b.id) == private_b
    assert scope.usable_module(db.session, admin, private_b.id) == private_b
    assert [m.title for m in scope.usable_modules(db.session, organizer_a)].count("乙支部内部题库") == 0


# ---- finding 6: the organization's bank is changed by its owner only --------------------------------


@pytest.fixture
def shared_bank(make_module, make_question):
    """An installation-wide bank (loaded from content/, no owner) that every branch's exams draw from."""
    module = make_module(slug="shared-bank")
    return module, make_question(module, qtype="single", chapter=1, key="q-shared-1")


def test_a_branch_organizer_cannot_change_or_retire_the_shared_bank(client, auth, db, organizer_a, admin,
                                                                    shared_bank):
    module, question = shared_bank
    auth.login(organizer_a)
    detail = client.get(f"/manage/questions/{question.id}").get_data(as_text=True)
    assert "q-shared-1" in detail and f"/manage/questions/{question.id}/edit" not in detail  # read-only
    assert client.get(f"/manage/questions/{question.id}/edit").status_code == 403
    form = {"qtype": "single", "stem": "改过的题干", "option_A": "一", "option_B": "二", "answer": "A",
            "explanation": "", "difficulty": "2", "chapter": "1", "article": "", "tags": ""}
    assert client.post(f"/manage/questions/{question.id}/edit", data=form).status_code == 403
    assert client.post(f"/manage/questions/{question.id}/status", data={"status": "retired"}).status_code == 403
    assert client.get(f"/manage/questions/import?module={module.id}").status_code == 403
    db.session.rollback()
    question = db.session.get(Question, question.id)
    assert question.status == "active" and question.current.answer == "B" and question.current.version_no == 1
    auth.logout()
    auth.login(admin)
    assert client.post(f"/manage/questions/{question.id}/status", data={"status": "retired"}).status_code == 302
    db.session.rollback()
    assert db.session.get(Question, question.id).status == "retired"


def test_a_branch_organizer_cannot_correct_a_key_of_the_shared_bank(client, auth, db, organizer_a, branch_a,
                                                                    shared_bank, make_exam):
    module, question = shared_bank
    exam = make_exam(module, branch_a, fixed=[(question, 10)])
    auth.login(organizer_a)
    response = client.post(f"/manage/reports/exams/{exam.id}/questions/{question.id}/key", data={"key": "A"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/items")
    assert "您不能修改这个专题的题库" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Question, question.id).current.answer == "B"


def test_the_organizer_keeps_editing_their_own_branchs_bank(db, organizer_a, own_a):
    from studyapp.services.scope import may_edit_bank

    assert may_edit_bank(db.session, organizer_a, own_a)
    assert FIXED_NOW  # the shared clock of these fixtures
