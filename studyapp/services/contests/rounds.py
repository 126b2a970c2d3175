"""Playing a contest round: start, be handed one question at a time, answer before the deadline.

The server decides every time: a question is shown when `state` hands it out (shown_at, deadline are
stored then), an answer counts only if it arrives by deadline + latency allowance, and a question
left past that is settled as unanswered the next time the round is touched. Writes that two tabs
could race on are conditional UPDATEs, so each question is answered once and each round finished once.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...domain import contest_rules as rules
from ...domain import grading
from ...models import QuestionVersion, User
from ...models.contests import Contest, ContestRound, RoundQuestion
from .. import key_access
from ..errors import Conflict, Invalid, NotFound
from .definitions import candidates_query, visible_contest
from .scoring import finish_round


def start_round(session: Session, user: User, contest_id: int, now: datetime,
                rng: random.Random) -> tuple[ContestRound, bool]:
    """The member's round in progress, or a new one drawn with `rng`; (round, created)."""
    contest = visible_contest(session, user, contest_id)
    active = _active(session, contest.id, user.id)
    if active is not None:
        return active, False
    if now < contest.opens_at:
        raise Conflict("竞赛尚未开始")
    if now >= contest.closes_at:
        raise Conflict("竞赛已结束")
    played = session.scalar(select(func.count()).select_from(ContestRound).where(
        ContestRound.contest_id == contest.id, ContestRound.user_id == user.id)) or 0
    if played >= contest.max_rounds_per_member:
        raise Conflict(f"每人最多参加{contest.max_rounds_per_member}轮，您的轮次已用完")
    # Never a question whose key the member may not see now (on their open exam paper, in a 保密题库).
    pool = sorted(session.scalars(candidates_query(contest.module_id, contest.chapters)
                                  .where(key_access.withheld(session, user, now).allowed())))
    if not pool:
        raise Conflict("题库暂无题目，请联系组织者")
    drawn = rng.sample(pool, min(contest.questions_per_round, len(pool)))
    round_ = ContestRound(contest_id=contest.id, user_id=user.id, number=played + 1, started_at=now,
                          status="in_progress", flags=[], review="ok")
    round_.questions = [RoundQuestion(position=n, question_version_id=vid) for n, vid in enumerate(drawn, start=1)]
    try:
        # A second tab starting at the same moment loses on the partial unique index: use the winner's round.
        with session.begin_nested():
            session.add(round_)
            session.flush()
    except IntegrityError:
        winner = _active(session, contest.id, user.id)
        if winner is None:
            raise Conflict("请重试") from None
        return winner, False
    return round_, True


def _active(session: Session, contest_id: int, user_id: int) -> ContestRound | None:
    return session.scalar(select(ContestRound).where(ContestRound.contest_id == contest_id,
                                                     ContestRound.user_id == user_id,
                                                     ContestRound.status == "in_progress"))


def round_for_member(session: Session, user: User, round_id: int) -> ContestRound:
    round_ = session.get(ContestRound, round_id)
    if round_ is None or round_.user_id != user.id:
        raise NotFound("答题记录不存在")
    return round_


def my_rounds(session: Session, user: User, contest_id: int) -> list[ContestRound]:
    return list(session.scalars(select(ContestRound).where(
        ContestRound.contest_id == contest_id, ContestRound.user_id == user.id).order_by(ContestRound.number)))


@dataclass(frozen=True)
class QuestionView:
    """What the member may see of the current question: never the key."""

    position: int
    total: int
    qtype: str
    stem_html: str
    options: list[tuple[str, str]]
    blanks: int
    deadline: datetime
    remaining_ms: int


@dataclass(frozen=True)
class RoundState:
    round: ContestRound
    contest: Contest
    question: QuestionView | None  # None once the round is finished


def _done(contest: Contest, item: RoundQuestion, now: datetime) -> bool:
    if item.answered_at is not None:
        return True
    if item.shown_at is None:
        return now >= contest.closes_at  # never handed out and no longer can be
    return rules.expired(item.shown_at, contest.seconds_per_question, contest.latency_allowance_seconds, now)


def state(session: Session, user: User, round_id: int, now: datetime) -> RoundState:
    """Where the round stands now: settle expired questions, hand out the next one, or finish."""
    round_ = round_for_member(session, user, round_id)
    contest = session.get(Contest, round_.contest_id)
    if round_.status == "finished":
        return RoundState(round_, contest, None)
    pending = next((q for q in round_.questions if not _done(contest, q, now)), None)
    if pending is None:
        finish_round(session, contest, round_, now)
        return RoundState(round_, contest, None)
    if pending.shown_at is None:
        deadline = rules.deadline(now, contest.seconds_per_question)
        session.execute(update(RoundQuestion).where(RoundQuestion.id == pending.id, RoundQuestion.shown_at.is_(None))
                        .values(shown_at=now, deadline=deadline).execution_options(synchronize_session=False))
        session.refresh(pending)
    version = session.get(QuestionVersion, pending.question_version_id)
    remaining = max(0, round((pending.deadline - now).total_seconds() * 1000))
    view = QuestionView(pending.position, len(round_.questions), version.qtype, version.stem_html,
                        [(o["key"], o["text"]) for o in version.options or []],
                        grading.blank_count(version.qtype, version.answer), pending.deadline, remaining)
    return RoundState(round_, contest, view)


@dataclass(frozen=True)
class SettledQuestion:
    """A question of the round once it is settled for the member (answered, or its time ran out): with its key."""

    position: int
    total: int
    version: QuestionVersion
    response: object
    answered: bool  # False: the time ran out first
    correct: bool
    late: bool
    finished: bool  # the round has no question left


def settled_question(session: Session, user: User, round_id: int, position: int, now: datetime) -> SettledQuestion:
    """The key of a contest question is shown to the member only after that question is settled for them."""
    round_ = round_for_member(session, user, round_id)
    contest = session.get(Contest, round_.contest_id)
    item = next((q for q in round_.questions if q.position == position), None)
    if item is None or item.shown_at is None or not _done(contest, item, now):
        raise NotFound("题目不存在")
    version = session.get(QuestionVersion, item.question_version_id)
    if not key_access.may_see_key(session, user, version.question_id, now):
        raise NotFound("题目不存在")  # the member goes on to the next question without the key
    finished = round_.status == "finished" or all(_done(contest, q, now) for q in round_.questions)
    return SettledQuestion(position, len(round_.questions), version,
                           item.response, item.answered_at is not None, bool(item.correct), bool(item.late), finished)


@dataclass(frozen=True)
class AnswerResult:
    accepted: bool  # False: arrived after the deadline and allowance, scores nothing
    correct: bool
    finished: bool
    #: May the member be told whether this answer was right (services.key_access)? The round still scores it.
    revealed: bool = True


def answer(session: Session, user: User, round_id: int, position: int, raw_response, now: datetime) -> AnswerResult:
    """Take the answer to the question at `position`, judged by the server's receipt time."""
    round_ = round_for_member(session, user, round_id)
    contest = session.get(Contest, round_.contest_id)
    if round_.status == "finished":
        raise Conflict("本轮已结束")
    item = next((q for q in round_.questions if q.position == position), None)
    if item is None or item.shown_at is None:
        raise NotFound("题目不存在")
    if item.answered_at is not None:
        raise Conflict("这道题已作答")
    version = session.get(QuestionVersion, item.question_version_id)
    try:
        response = grading.check_response(version.qtype, raw_response, [o["key"] for o in version.options or []],
                                          grading.blank_count(version.qtype, version.answer))
    except grading.InvalidResponse as exc:
        raise Invalid(str(exc)) from None
    in_time = rules.accepts(item.shown_at, contest.seconds_per_question, contest.latency_allowance_seconds, now)
    correct = in_time and grading.grade(version.qtype, version.answer, response, 1, stem=version.stem_md).correct
    written = session.execute(
        update(RoundQuestion).where(RoundQuestion.id == item.id, RoundQuestion.answered_at.is_(None))
        .values(answered_at=now, response=response, correct=correct, late=not in_time)
        .execution_options(synchronize_session=False)).rowcount
    if written != 1:
        raise Conflict("这道题已作答")
    session.refresh(item)
    # The next question is handed out (and its clock started) only when the member asks for it.
    finished = all(_done(contest, q, now) for q in round_.questions)
    if finished:
        finish_round(session, contest, round_, now)
    return AnswerResult(in_time, correct, finished, key_access.may_see_key(session, user, version.question_id, now))
