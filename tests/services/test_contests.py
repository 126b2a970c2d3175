"""Contest rounds against the database: server deadlines, one active round, standings, fair play, freeze."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from fixtures_contests import KEY, NOW
from studyapp.models.contests import ContestRound, ContestStanding
from studyapp.services import contests
from studyapp.services.errors import Conflict


def play(db, user, contest, answers, start=NOW, seed=None):
    """Play a whole round: `answers` is a list of (seconds after shown, response) per question.
    Each member draws their own questions unless a seed is given (identical sequences get flagged)."""
    rng = random.Random(user.id * 7919 if seed is None else seed)
    round_, _ = contests.start_round(db.session, user, contest.id, start, rng)
    moment = start
    for delay, response in answers:
        current = contests.state(db.session, user, round_.id, moment)
        assert current.question is not None
        moment = moment + timedelta(seconds=delay)
        contests.answer(db.session, user, round_.id, current.question.position, response, moment)
        moment += timedelta(seconds=1)  # the member reads the feedback before asking for the next one
    contests.state(db.session, user, round_.id, moment)
    db.session.commit()
    return round_


def test_answers_within_countdown_and_allowance_count_late_ones_score_nothing(db, member_a, make_contest):
    contest = make_contest(seconds_per_question=20, latency_allowance_seconds=2)
    round_, created = contests.start_round(db.session, member_a, contest.id, NOW, random.Random(1))
    assert created
    first = contests.state(db.session, member_a, round_.id, NOW).question
    assert first.deadline == NOW + timedelta(seconds=20) and first.remaining_ms == 20000
    # 21.5 s: after the countdown but inside the 2 s allowance -> counts.
    ok = contests.answer(db.session, member_a, round_.id, 1, KEY, NOW + timedelta(seconds=21.5))
    assert ok.accepted and ok.correct
    second_shown = NOW + timedelta(seconds=30)
    assert contests.state(db.session, member_a, round_.id, second_shown).question.position == 2
    late = contests.answer(db.session, member_a, round_.id, 2, KEY, second_shown + timedelta(seconds=22.5))
    assert not late.accepted and not late.correct
    # The third question is never answered: once its time is up the round finishes on the next touch.
    third_shown = second_shown + timedelta(seconds=60)
    assert contests.state(db.session, member_a, round_.id, third_shown).question.position == 3
    final = contests.state(db.session, member_a, round_.id, third_shown + timedelta(seconds=23))
    assert final.question is None and round_.status == "finished"
    assert round_.score == 1
    # 20 s (capped at the countdown) + 20 s (late: full countdown) + 20 s (unanswered).
    assert round_.time_used_ms == 60000


def test_one_active_round_per_member(db, member_a, make_contest):
    contest = make_contest(max_rounds_per_member=2)
    first, created = contests.start_round(db.session, member_a, contest.id, NOW, random.Random(1))
    again, created_again = contests.start_round(db.session, member_a, contest.id, NOW, random.Random(2))
    assert created and not created_again and again.id == first.id
    db.session.commit()
    # The database refuses a second in-progress round even if the service were bypassed.
    db.session.add(ContestRound(contest_id=contest.id, user_id=member_a.id, number=2, started_at=NOW,
                                status="in_progress", flags=[], review="ok"))
    with pytest.raises(Exception):
        db.session.flush()
    db.session.rollback()


def test_round_limit_and_window(db, member_a, make_contest):
    contest = make_contest(max_rounds_per_member=1)
    play(db, member_a, contest, [(3, KEY)] * 3)
    with pytest.raises(Conflict):
        contests.start_round(db.session, member_a, contest.id, NOW + timedelta(minutes=5), random.Random(3))
    later = make_contest(opens_at=NOW + timedelta(hours=1), closes_at=NOW + timedelta(hours=2))
    with pytest.raises(Conflict):
        contests.start_round(db.session, member_a, later.id, NOW, random.Random(3))


def test_best_round_counts_and_ties_go_to_who_got_there_first(db, make_user, branch_a, make_contest):
    contest = make_contest()
    early, late, slow = (make_user(branch_a) for _ in range(3))
    play(db, early, contest, [(3, KEY)] * 3, start=NOW)
    play(db, late, contest, [(3, KEY)] * 3, start=NOW + timedelta(minutes=10))
    play(db, slow, contest, [(5, KEY)] * 3, start=NOW)
    # A worse second round of `early` changes nothing: the best round is the score.
    play(db, early, contest, [(3, "A")] * 3, start=NOW + timedelta(minutes=20), seed=9)
    board = contests.leaderboard(db.session, contest, "live", late)
    assert [row.user_id for row in board.rows] == [early.id, late.id, slow.id]
    assert board.rows[0].score == 3 and board.rows[0].time_ms == 9000
    assert board.mine.rank == 2 and board.participants == 3


def test_my_rank_outside_the_top(db, make_user, branch_a, make_contest):
    contest = make_contest()
    players = [make_user(branch_a) for _ in range(4)]
    for n, player in enumerate(players):
        play(db, player, contest, [(2 + n, KEY)] * 3)
    board = contests.leaderboard(db.session, contest, "live", players[3], limit=2)
    assert len(board.rows) == 2 and board.mine.rank == 4 and board.participants == 4


def test_branch_standings_by_mean_and_participation_not_size(db, make_user, make_unit, org, make_contest):
    big, small = make_unit("大支部", parent=org), make_unit("小支部", parent=org)
    big_members = [make_user(big) for _ in range(6)]
    small_members = [make_user(small) for _ in range(2)]
    contest = make_contest()
    for member in big_members[:4]:  # 4 of 6 play, 1 correct each: 4 points in total
        play(db, member, contest, [(3, KEY), (3, "A"), (3, "A")])
    for member in small_members:  # 2 of 2 play, 3 correct each: 6 points in total
        play(db, member, contest, [(3, KEY)] * 3)
    rows, _ = contests.branch_standings(db.session, contest, "live", NOW + timedelta(hours=1))
    assert [row.name for row in rows[:2]] == ["小支部", "大支部"]
    small_row, big_row = rows[0], rows[1]
    assert (small_row.participants, small_row.audience, small_row.mean_score) == (2, 2, 3.0)
    assert (big_row.participants, big_row.audience) == (4, 6)
    assert big_row.participation == pytest.approx(4 / 6)


def test_branch_standings_are_cached_for_a_short_while(db, make_user, branch_a, make_contest):
    contest = make_contest()
    play(db, make_user(branch_a), contest, [(3, KEY)] * 3)
    at = NOW + timedelta(hours=1)
    rows, computed = contests.branch_standings(db.session, contest, "live", at)
    db.session.commit()
    play(db, make_user(branch_a), contest, [(3, KEY)] * 3)
    cached, when = contests.branch_standings(db.session, contest, "live", at + timedelta(seconds=10))
    assert when == computed and cached[0].participants == 1
    fresh, when = contests.branch_standings(db.session, contest, "live", at + timedelta(seconds=31))
    assert when > computed and fresh[0].participants == 2


def test_freeze_public_board_stops_moving_live_board_does_not(db, make_user, branch_a, make_contest):
    contest = make_contest(closes_at=NOW + timedelta(hours=1), freeze_minutes=30)
    before, after = make_user(branch_a), make_user(branch_a)
    play(db, before, contest, [(5, KEY), (5, "A"), (5, "A")], start=NOW)
    play(db, after, contest, [(3, KEY)] * 3, start=NOW + timedelta(minutes=40))  # after the freeze
    assert contests.leaderboard(db.session, contest, "public").participants == 1
    assert [r.user_id for r in contests.leaderboard(db.session, contest, "public").rows] == [before.id]
    assert [r.user_id for r in contests.leaderboard(db.session, contest, "live").rows] == [after.id, before.id]


def test_fast_answers_are_flagged_and_not_counted_until_cleared(db, member_a, make_contest):
    contest = make_contest(fast_answer_threshold_ms=1000)
    round_ = play(db, member_a, contest, [(0.3, KEY), (4, KEY), (4, KEY)])
    assert round_.flags == ["fast"] and round_.review == "flagged"
    assert contests.leaderboard(db.session, contest, "live").participants == 0
    assert [r.id for r, _ in contests.flagged_rounds(db.session, contest)] == [round_.id]
    contests.clear_round(db.session, contest, round_.id, NOW)
    db.session.commit()
    board = contests.leaderboard(db.session, contest, "live", member_a)
    assert board.mine.rank == 1 and board.mine.score == 3


def test_identical_sequences_across_accounts_are_flagged_both(db, make_user, branch_a, make_contest):
    contest = make_contest()
    one, two, honest = make_user(branch_a), make_user(branch_a), make_user(branch_a)
    answers = [(3, KEY), (4, "A"), (5, KEY)]
    first = play(db, one, contest, answers, seed=5)
    assert first.review == "ok"
    second = play(db, two, contest, answers, seed=5, start=NOW + timedelta(minutes=3))
    play(db, honest, contest, [(3, KEY), (8, "A"), (5, KEY)], seed=5)  # same answers, different timing
    db.session.expire_all()
    assert "identical" in second.flags and "identical" in db.session.get(ContestRound, first.id).flags
    flagged = {r.user_id for r, _ in contests.flagged_rounds(db.session, contest)}
    assert flagged == {one.id, two.id}
    # The first account's round had already counted: it leaves the board.
    assert [r.user_id for r in contests.leaderboard(db.session, contest, "live").rows] == [honest.id]
    contests.disqualify_round(db.session, contest, second.id, NOW)
    contests.clear_round(db.session, contest, first.id, NOW)
    db.session.commit()
    assert {r.user_id for r in contests.leaderboard(db.session, contest, "live").rows} == {one.id, honest.id}


def _count_statements(db, action):
    seen = []

    def listener(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen)


def _seed_standings(db, contest, unit, users):
    db.session.add_all(ContestStanding(contest_id=contest.id, board="live", user_id=u.id, branch_id=unit.id,
                                       best_score=n % 4, best_time_ms=1000 + n, reached_at=NOW, round_id=rid)
                       for n, (u, rid) in enumerate(users))
    db.session.commit()


def test_leaderboard_statement_count_does_not_grow_with_players(db, make_user, branch_a, make_contest):
    from studyapp.models import User

    contest = make_contest()
    # One real round to reference; standings rows are what the board reads.
    anchor = play(db, make_user(branch_a), contest, [(3, KEY)] * 3)
    counts = []
    for size in (10, 200):
        db.session.execute(ContestStanding.__table__.delete())
        db.session.commit()
        existing = db.session.scalars(select(User).where(User.unit_id == branch_a.id)).all()
        users = existing + [make_user(branch_a) for _ in range(size - len(existing))]
        _seed_standings(db, contest, branch_a, [(u, anchor.id) for u in users[:size]])
        me = users[-1]
        db.session.expire_all()
        db.session.get(type(contest), contest.id)
        counts.append(_count_statements(db, lambda: (
            contests.leaderboard(db.session, contest, "live", me),
            contests.branch_standings(db.session, contest, "live", NOW + timedelta(hours=1), max_age_seconds=0))))
    assert counts[0] == counts[1]
