"""The wrong-answer book: misses recorded from practice and exams, resolution after correct practice."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import FIXED_NOW
from studyapp.models import WrongAnswer
from studyapp.services import wrong_book
from studyapp.services.errors import Invalid, NotFound
from studyapp.services.key_access import Withheld

NOTHING = Withheld()


@pytest.fixture
def bank(make_module, make_practice_question):
    module = make_module()
    return module, [make_practice_question(module, chapter=1 if i < 2 else 2, article=i + 1) for i in range(3)]


def _entry(db, user, question):
    db.session.expire_all()
    return db.session.query(WrongAnswer).filter_by(user_id=user.id, question_id=question.id).one_or_none()


def test_a_miss_enters_the_book_with_the_answer_given(db, member_a, bank):
    _module, (q1, q2, _q3) = bank
    wrong_book.record_results(db.session, member_a.id, [(q1.id, q1.current_version_id, False, "C"),
                                                        (q2.id, q2.current_version_id, True)], FIXED_NOW, "exam")
    db.session.commit()
    entry = _entry(db, member_a, q1)
    assert (entry.wrong_count, entry.last_response, entry.last_source) == (1, "C", "exam")
    assert entry.last_wrong_at == FIXED_NOW and entry.resolved_at is None
    assert _entry(db, member_a, q2) is None  # a correct answer never adds to the book


def test_repeated_misses_count_and_the_newest_comes_first(db, member_a, bank):
    _module, (q1, q2, _q3) = bank
    wrong_book.record_results(db.session, member_a.id, [(q1.id, q1.current_version_id, False)], FIXED_NOW, "practice")
    later = FIXED_NOW + timedelta(minutes=5)
    wrong_book.record_results(db.session, member_a.id, [(q2.id, q2.current_version_id, False, "A")], later, "practice")
    wrong_book.record_results(db.session, member_a.id, [(q1.id, q1.current_version_id, False, "D")],
                              later + timedelta(minutes=1), "exam")
    db.session.commit()
    entries = wrong_book.list_entries(db.session, member_a.id, hide=NOTHING)
    assert [e.entry.question_id for e in entries] == [q1.id, q2.id]
    assert entries[0].entry.wrong_count == 2 and entries[0].entry.last_response == "D"
    assert entries[0].entry.first_wrong_at == FIXED_NOW


def test_two_correct_practice_answers_in_a_row_resolve_and_a_miss_reopens(db, member_a, bank):
    _module, (q1, _q2, _q3) = bank
    hit = [(q1.id, q1.current_version_id, True)]
    wrong_book.record_results(db.session, member_a.id, [(q1.id, q1.current_version_id, False)], FIXED_NOW, "practice")
    wrong_book.record_results(db.session, member_a.id, hit, FIXED_NOW, "practice")
    assert _entry(db, member_a, q1).resolved_at is None
    # A miss in between resets the streak.
    wrong_book.record_results(db.session, member_a.id, [(q1.id, q1.current_version_id, False)], FIXED_NOW, "practice")
    wrong_book.record_results(db.session, member_a.id, hit, FIXED_NOW, "practice")
    assert _entry(db, member_a, q1).resolved_at is None
    resolved_at = FIXED_NOW + timedelta(hours=1)
    wrong_book.record_results(db.session, member_a.id, hit, resolved_at, "practice")
    entry = _entry(db, member_a, q1)
    assert entry.resolved_at == resolved_at and entry.correct_streak == wrong_book.RESOLVE_AFTER
    assert wrong_book.list_entries(db.session, member_a.id, hide=NOTHING) == []
    assert len(wrong_book.list_entries(db.session, member_a.id, hide=NOTHING, include_resolved=True)) == 1
    wrong_book.record_results(db.session, member_a.id, [(q1.id, q1.current_version_id, False)], FIXED_NOW, "exam")
    entry = _entry(db, member_a, q1)
    assert entry.resolved_at is None and entry.wrong_count == 3 and entry.correct_streak == 0


def test_correct_exam_answers_do_not_resolve(db, member_a, bank):
    _module, (q1, _q2, _q3) = bank
    wrong_book.record_results(db.session, member_a.id, [(q1.id, q1.current_version_id, False)], FIXED_NOW, "exam")
    for _ in range(3):
        wrong_book.record_results(db.session, member_a.id, [(q1.id, q1.current_version_id, True)], FIXED_NOW, "exam")
    assert _entry(db, member_a, q1).correct_streak == 0


def test_books_are_per_member_and_filter_by_chapter(db, member_a, member_b, bank):
    module, (q1, q2, q3) = bank
    results = [(q.id, q.current_version_id, False) for q in (q1, q2, q3)]
    wrong_book.record_results(db.session, member_a.id, results, FIXED_NOW, "practice")
    db.session.commit()
    assert wrong_book.list_entries(db.session, member_b.id, hide=NOTHING) == []
    chapter2 = wrong_book.list_entries(db.session, member_a.id, hide=NOTHING, module_id=module.id, chapter_number=2)
    assert [e.entry.question_id for e in chapter2] == [q3.id]
    assert wrong_book.open_question_ids(db.session, member_a.id) == {q1.id, q2.id, q3.id}
    assert wrong_book.count_open(db.session, member_a.id) == 3


def test_manual_resolve_and_unknown_source(db, member_a, bank):
    _module, (q1, q2, _q3) = bank
    wrong_book.record_results(db.session, member_a.id, [(q1.id, q1.current_version_id, False)], FIXED_NOW, "practice")
    wrong_book.resolve(db.session, member_a.id, q1.id, FIXED_NOW)
    assert wrong_book.count_open(db.session, member_a.id) == 0
    with pytest.raises(NotFound):
        wrong_book.resolve(db.session, member_a.id, q2.id, FIXED_NOW)
    with pytest.raises(Invalid):
        wrong_book.record_results(db.session, member_a.id, [], FIXED_NOW, "quiz")
