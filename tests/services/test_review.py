"""Spaced review with FSRS: misses come back soon, correct reviews move further out; due counts."""
from __future__ import annotations

from datetime import timedelta

from fixtures_contests import NOW
from studyapp.services import review, wrong_book


def test_missed_question_is_scheduled_soon_and_correct_reviews_move_it_out(db, member_a, contest_bank):
    _, questions = contest_bank
    q = questions[0]
    wrong_book.record_results(db.session, member_a.id, [(q.id, q.current_version_id, False)], NOW, source="exam")
    card = review.card_for(db.session, member_a.id, q.id)  # recording the miss scheduled it
    assert card is not None
    assert NOW < card.due_at <= NOW + timedelta(minutes=10)  # comes back soon
    assert review.sync(db.session, member_a.id) == 0  # nothing new to apply

    gaps, moment = [], card.due_at
    for _ in range(3):
        card = review.record_review(db.session, member_a.id, q.id, True, moment)
        gaps.append(card.due_at - moment)
        moment = card.due_at
    assert gaps[0] < gaps[1] < gaps[2]  # each correct review pushes it further out
    assert gaps[2] >= timedelta(days=1)

    missed = review.record_review(db.session, member_a.id, q.id, False, moment)
    assert missed.due_at - moment <= timedelta(minutes=10)  # a miss brings it back soon
    assert missed.reps == 4 and missed.last_rating == "again"


def test_a_later_miss_elsewhere_reschedules_the_card(db, member_a, contest_bank):
    _, questions = contest_bank
    q = questions[1]
    wrong_book.record_results(db.session, member_a.id, [(q.id, q.current_version_id, False)], NOW, source="exam")
    review.sync(db.session, member_a.id)
    out = review.record_review(db.session, member_a.id, q.id, True, NOW + timedelta(minutes=1))
    out = review.record_review(db.session, member_a.id, q.id, True, out.due_at)
    far = out.due_at
    later = far - timedelta(hours=1)
    wrong_book.record_results(db.session, member_a.id, [(q.id, q.current_version_id, False)], later,
                              source="practice")
    assert review.sync(db.session, member_a.id) == 0  # already rescheduled when the miss was recorded
    assert review.card_for(db.session, member_a.id, q.id).due_at <= later + timedelta(minutes=10)


def test_due_counts(db, member_a, contest_bank):
    _, questions = contest_bank
    wrong_book.record_results(db.session, member_a.id, [(q.id, q.current_version_id, False) for q in questions[:3]],
                              NOW, source="exam")
    review.sync(db.session, member_a.id)
    assert review.due_count(db.session, member_a.id, NOW) == 0
    assert review.due_count(db.session, member_a.id, NOW + timedelta(hours=12)) == 3
    review.record_review(db.session, member_a.id, questions[0].id, True, NOW + timedelta(minutes=5))
    review.record_review(db.session, member_a.id, questions[0].id, True, NOW + timedelta(minutes=20))
    assert review.due_count(db.session, member_a.id, NOW + timedelta(hours=12)) == 2
    assert len(review.due_question_ids(db.session, member_a.id, NOW + timedelta(hours=1))) == 2


def test_cards_of_one_graded_exam_are_each_the_card_fsrs_schedules(db, member_a, contest_bank):
    """The misses of one exam share their new card's schedule (computed once): each stored card is the one
    fsrs gives that question on its own, its card_id included."""
    from fsrs import Card, Rating

    from studyapp.models.daily import ReviewCard

    _, questions = contest_bank
    wrong_book.record_results(db.session, member_a.id, [(q.id, q.current_version_id, False) for q in questions[:3]],
                              NOW, source="exam")
    for q in questions[:3]:
        card = review.card_for(db.session, member_a.id, q.id)
        expected, _ = review.SCHEDULER.review_card(Card(card_id=q.id, due=NOW), Rating.Again, NOW)
        assert isinstance(card, ReviewCard) and card.card_json == expected.to_json()
        assert (card.due_at, card.last_event_at, card.last_rating, card.reps) == (expected.due, NOW, "again", 0)
