"""Daily practice: the same set on reload, drawn from studied chapters and the book, capped points, streaks."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fixtures_contests import KEY, NOW
from studyapp.domain import daily_rules
from studyapp.models import Chapter
from studyapp.services import daily, study, wrong_book
from studyapp.services.errors import Conflict

TZ = "Asia/Shanghai"


def finish_day(db, user, moment, right=5):
    row = daily.today_set(db.session, user, moment, TZ)
    for position in range(len(row.question_ids)):
        daily.answer(db.session, user, position, KEY if position < right else "A", moment, TZ)
    db.session.commit()
    return row


def test_same_set_on_reload_and_a_new_one_tomorrow(db, member_a, contest_bank):
    first = daily.today_set(db.session, member_a, NOW, TZ)
    db.session.commit()
    assert len(first.question_ids) == daily_rules.SET_SIZE
    assert daily.today_set(db.session, member_a, NOW + timedelta(hours=3), TZ).id == first.id
    tomorrow = daily.today_set(db.session, member_a, NOW + timedelta(days=1), TZ)
    assert tomorrow.id != first.id


def test_draws_from_studied_chapters_and_the_wrong_answer_book(db, member_a, contest_bank):
    module, questions = contest_bank
    chapter2 = db.session.query(Chapter).filter_by(module_id=module.id, number=2).one()
    study.mark_studied(db.session, member_a, chapter2, NOW)
    missed = questions[0]  # a chapter-1 question
    wrong_book.record_results(db.session, member_a.id, [(missed.id, missed.current_version_id, False)], NOW,
                              source="exam")
    db.session.commit()
    ids = daily.today_set(db.session, member_a, NOW, TZ).question_ids
    chapter_of = {q.id: (1 if n % 2 == 0 else 2) for n, q in enumerate(questions)}
    assert missed.id in ids
    assert all(chapter_of[qid] == 2 for qid in ids if qid != missed.id)


def test_points_are_capped_and_answers_go_in_order(db, member_a, contest_bank):
    row = daily.today_set(db.session, member_a, NOW, TZ)
    with pytest.raises(Conflict):
        daily.answer(db.session, member_a, 2, KEY, NOW, TZ)
    finish_day(db, member_a, NOW)
    state = daily.status(db.session, member_a, NOW, TZ)
    assert state.done and state.correct == 5 and state.streak == 1
    assert state.points_today == daily_rules.points(5, True, 1) <= daily_rules.DAILY_CAP
    with pytest.raises(Conflict):
        daily.answer(db.session, member_a, 0, KEY, NOW, TZ)
    assert row.points == state.points_today


def test_streak_grows_day_by_day_and_a_missed_day_resets_it(db, member_a, contest_bank):
    for n in range(4):
        finish_day(db, member_a, NOW + timedelta(days=n))
    fourth = daily.status(db.session, member_a, NOW + timedelta(days=3), TZ)
    assert fourth.streak == 4 and fourth.points_today == daily_rules.DAILY_CAP  # the cap holds
    # The next day before practising: the streak lives on; a day later with none done it is gone.
    assert daily.status(db.session, member_a, NOW + timedelta(days=4), TZ).streak == 4
    assert daily.status(db.session, member_a, NOW + timedelta(days=5), TZ).streak == 0
    finish_day(db, member_a, NOW + timedelta(days=5))
    assert daily.status(db.session, member_a, NOW + timedelta(days=5), TZ).streak == 1


def test_status_without_a_set_draws_nothing(db, member_a, contest_bank):
    state = daily.status(db.session, member_a, NOW, TZ)
    assert (state.total, state.streak, state.points_total, state.done) == (0, 0, 0, False)
