"""Practice: which questions a member may practise, immediate grading, and the wrong-answer book."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest

from tests.conftest import FIXED_NOW
from studyapp.models import Chapter, ModuleAudience, PracticeAnswer, WrongAnswer
from studyapp.services import practice
from studyapp.services.errors import Invalid, NotFound


@pytest.fixture
def bank(make_module, make_practice_question):
    module = make_module()
    return module, {
        "single": make_practice_question(module, "single", chapter=1, article=1),
        "multiple": make_practice_question(module, "multiple", chapter=1, article=2),
        "tf": make_practice_question(module, "true_false", chapter=2, article=5),
        "fill": make_practice_question(module, "fill_blank", chapter=2, article=6),
        "retired": make_practice_question(module, "single", chapter=1, article=1, status="retired"),
    }


def test_chapter_and_article_sets_hold_only_active_questions_in_article_order(db, member_a, bank):
    _module, q = bank
    chosen = practice.chapter_set(db.session, member_a, "branch-regs", 1, FIXED_NOW)
    assert chosen.question_ids == [q["single"].id, q["multiple"].id]
    assert "第1章" in chosen.title
    assert practice.article_set(db.session, member_a, "branch-regs", 6, FIXED_NOW).question_ids == [q["fill"].id]
    with pytest.raises(NotFound):
        practice.chapter_set(db.session, member_a, "branch-regs", 9, FIXED_NOW)


def test_random_set_draws_distinct_questions_reproducibly(db, member_a, bank):
    first = practice.random_set(db.session, member_a, 3, FIXED_NOW, random.Random(7))
    again = practice.random_set(db.session, member_a, 3, FIXED_NOW, random.Random(7))
    assert first.question_ids == again.question_ids and len(set(first.question_ids)) == 3
    assert len(practice.random_set(db.session, member_a, 50, FIXED_NOW, random.Random(1)).question_ids) == 4
    with pytest.raises(Invalid):
        practice.random_set(db.session, member_a, 0, FIXED_NOW, random.Random(1))


def test_invisible_modules_and_unreleased_chapters_are_not_practised(db, member_a, branch_b, bank):
    module, q = bank
    chapter2 = db.session.query(Chapter).filter_by(module_id=module.id, number=2).one()
    chapter2.publish_at = FIXED_NOW + timedelta(days=1)
    db.session.commit()
    ids = practice.random_set(db.session, member_a, 50, FIXED_NOW, random.Random(1)).question_ids
    assert set(ids) == {q["single"].id, q["multiple"].id}
    with pytest.raises(NotFound):
        practice.get_item(db.session, member_a, q["tf"].id, FIXED_NOW)
    # Published to another branch only: nothing for member A at all.
    db.session.add(ModuleAudience(module_id=module.id, unit_id=branch_b.id))
    db.session.commit()
    assert practice.catalog(db.session, member_a, FIXED_NOW) == []
    with pytest.raises(NotFound):
        practice.answer(db.session, member_a, q["single"].id, "B", FIXED_NOW)


def test_catalog_counts_questions_per_chapter_and_article(db, member_a, bank):
    (choice,) = practice.catalog(db.session, member_a, FIXED_NOW)
    assert choice.count == 4
    assert [(c.number, c.title, c.count, c.articles) for c in choice.chapters] == [
        (1, "总则", 2, {1: 1, 2: 1}), (2, "组织设置", 2, {5: 1, 6: 1})]


def test_a_wrong_answer_is_kept_and_enters_the_book(db, member_a, bank):
    _module, q = bank
    result = practice.answer(db.session, member_a, q["multiple"].id, ["C", "A", "D"], FIXED_NOW)
    db.session.commit()
    assert result.answer.correct is False and result.answer.response == ["A", "C", "D"]
    assert result.answer.question_version_id == q["multiple"].current_version_id
    entry = db.session.query(WrongAnswer).filter_by(user_id=member_a.id, question_id=q["multiple"].id).one()
    assert entry.last_source == "practice" and entry.last_response == ["A", "C", "D"]


def test_right_answers_of_each_type_are_graded_correct(db, member_a, bank):
    _module, q = bank
    for key, response in (("single", "B"), ("multiple", ["C", "A"]), ("tf", True), ("fill", [" 3 "])):
        assert practice.answer(db.session, member_a, q[key].id, response, FIXED_NOW).answer.correct, key
    db.session.commit()
    assert db.session.query(PracticeAnswer).count() == 4
    assert db.session.query(WrongAnswer).count() == 0
    assert practice.stats(db.session, member_a) == {"answered": 4, "correct": 4}


def test_blank_and_malformed_answers_are_refused_and_not_kept(db, member_a, bank):
    _module, q = bank
    for key, response in (("single", None), ("single", "Z"), ("multiple", []), ("tf", "yes"), ("fill", ["", ""])):
        with pytest.raises(Invalid):
            practice.answer(db.session, member_a, q[key].id, response, FIXED_NOW)
    assert db.session.query(PracticeAnswer).count() == 0


def test_book_set_and_resolution_through_practice(db, member_a, bank):
    _module, q = bank
    practice.answer(db.session, member_a, q["single"].id, "A", FIXED_NOW)
    practice.answer(db.session, member_a, q["tf"].id, False, FIXED_NOW + timedelta(minutes=1))
    assert practice.book_set(db.session, member_a, FIXED_NOW).question_ids == [q["tf"].id, q["single"].id]
    assert practice.book_set(db.session, member_a, FIXED_NOW, chapter=1).question_ids == [q["single"].id]
    for _ in range(2):
        practice.answer(db.session, member_a, q["single"].id, "B", FIXED_NOW)
    assert practice.book_set(db.session, member_a, FIXED_NOW).question_ids == [q["tf"].id]


def test_feedback_is_only_for_the_member_who_answered(db, member_a, member_b, bank):
    _module, q = bank
    result = practice.answer(db.session, member_a, q["single"].id, "A", FIXED_NOW)
    db.session.commit()
    assert practice.feedback(db.session, member_a, result.answer.id, FIXED_NOW).version.id == q["single"].current_version_id
    with pytest.raises(NotFound):
        practice.feedback(db.session, member_b, result.answer.id, FIXED_NOW)
