"""Contest standings kept cheap for thousands of players.

Writes: one conditional upsert per board when a counted round finishes (the row changes only if the
round beats the member's best). Reads: the top N and "my rank" are index range reads on
(contest_id, board, best_score DESC, best_time_ms, reached_at, user_id); branch standings are a
GROUP BY over the standings, cached in the database (ContestBranchCache) for BRANCH_CACHE_SECONDS so
every worker shares one copy. Nothing here scans rounds on a page view.

Boards: "live" holds every counted round; "public" only rounds finished before the freeze, so
during the last freeze_minutes the public sees the board as it stood at the freeze moment.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterator

from sqlalchemy import and_, bindparam, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...domain import standings as rules
from ...models import Unit, User
from ...models.contests import Contest, ContestBranchCache, ContestRound, ContestStanding
from .definitions import audience_sizes

#: Branch standings are recomputed at most this often.
BRANCH_CACHE_SECONDS = 30


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _upsert(session: Session, contest_id: int, board: str, round_: ContestRound, branch_id: int) -> None:
    stmt = _insert(session)(ContestStanding).values(
        contest_id=contest_id, board=board, user_id=round_.user_id, branch_id=branch_id,
        best_score=round_.score, best_time_ms=round_.time_used_ms, reached_at=round_.finished_at, round_id=round_.id)
    new, old = stmt.excluded, ContestStanding
    beats = or_(new.best_score > old.best_score,
                and_(new.best_score == old.best_score, new.best_time_ms < old.best_time_ms),
                and_(new.best_score == old.best_score, new.best_time_ms == old.best_time_ms,
                     new.reached_at < old.reached_at))
    session.execute(stmt.on_conflict_do_update(
        index_elements=[old.contest_id, old.board, old.user_id],
        set_=dict(best_score=new.best_score, best_time_ms=new.best_time_ms, reached_at=new.reached_at,
                  round_id=new.round_id, branch_id=new.branch_id),
        where=beats))


def record(session: Session, contest: Contest, round_: ContestRound, branch_id: int) -> None:
    """A counted round reaches the live board, and the public one if it finished before the freeze."""
    _upsert(session, contest.id, "live", round_, branch_id)
    if rules.counts_on_public(round_.finished_at, contest.closes_at, contest.freeze_minutes):
        _upsert(session, contest.id, "public", round_, branch_id)


def recompute_member(session: Session, contest: Contest, user_id: int) -> None:
    """Rebuild one member's rows from their counted rounds (after a flag, clearance or disqualification)."""
    session.execute(delete(ContestStanding).where(ContestStanding.contest_id == contest.id,
                                                  ContestStanding.user_id == user_id))
    rounds = session.scalars(select(ContestRound).where(
        ContestRound.contest_id == contest.id, ContestRound.user_id == user_id, ContestRound.status == "finished",
        ContestRound.review.in_(("ok", "cleared")))).all()
    branch_id = session.get(User, user_id).unit_id
    for round_ in rounds:
        record(session, contest, round_, branch_id)


@dataclass(frozen=True)
class BoardRow:
    rank: int
    user_id: int
    name: str
    branch: str
    score: int
    time_ms: int
    reached_at: datetime


@dataclass(frozen=True)
class Board:
    board: str
    rows: list[BoardRow]
    participants: int
    mine: BoardRow | None


_ORDER = (ContestStanding.best_score.desc(), ContestStanding.best_time_ms, ContestStanding.reached_at,
          ContestStanding.user_id)


def leaderboard(session: Session, contest: Contest, board: str, user: User | None = None, limit: int = 20) -> Board:
    """Top `limit` and the user's own row with its rank: a fixed number of indexed queries."""
    top_stmt, count_stmt, mine_stmt, ahead_stmt = _board_statements()
    params = {"contest_id": contest.id, "board": board}
    top = session.execute(top_stmt, {**params, "limit": limit}).all()
    rows = [BoardRow(n, s.user_id, name, branch, s.best_score, s.best_time_ms, s.reached_at)
            for n, (s, name, branch) in enumerate(top, start=1)]
    participants = session.scalar(count_stmt, params) or 0
    mine = None
    if user is not None:
        found = session.execute(mine_stmt, {**params, "user_id": user.id}).first()
        if found is not None:
            s, name, branch = found
            better = session.scalar(ahead_stmt, {**params, "score": s.best_score, "time_ms": s.best_time_ms,
                                                 "reached_at": s.reached_at, "user_id": s.user_id}) or 0
            mine = BoardRow(better + 1, s.user_id, name, branch, s.best_score, s.best_time_ms, s.reached_at)
    return Board(board, rows, participants, mine)


@functools.cache
def _board_statements():
    # Built once: every leaderboard view runs all four, and building them cost more than running them.
    S = ContestStanding
    where = (S.contest_id == bindparam("contest_id"), S.board == bindparam("board"))
    named = (select(S, User.name, Unit.name).join(User, User.id == S.user_id).join(Unit, Unit.id == S.branch_id)
             .where(*where))
    top = named.order_by(*_ORDER).limit(bindparam("limit"))
    count = select(func.count()).select_from(S).where(*where)
    mine = named.where(S.user_id == bindparam("user_id"))
    score, time_ms, reached, user_id = (bindparam("score"), bindparam("time_ms"), bindparam("reached_at"),
                                        bindparam("user_id"))
    # Ahead of me: ranked before me by the board's order (score, time, reached, id); counted, not listed.
    ahead = or_(S.best_score > score,
                and_(S.best_score == score, S.best_time_ms < time_ms),
                and_(S.best_score == score, S.best_time_ms == time_ms, S.reached_at < reached),
                and_(S.best_score == score, S.best_time_ms == time_ms, S.reached_at == reached, S.user_id < user_id))
    return top, count, mine, select(func.count()).select_from(S).where(*where, ahead)


# ---- branches --------------------------------------------------------------------------------------


def _compute_branches(session: Session, contest: Contest, board: str) -> list[rules.BranchRow]:
    sizes = audience_sizes(session, contest)
    played = {branch_id: (count, score, time) for branch_id, count, score, time in session.execute(
        select(ContestStanding.branch_id, func.count(), func.sum(ContestStanding.best_score),
               func.sum(ContestStanding.best_time_ms))
        .where(ContestStanding.contest_id == contest.id, ContestStanding.board == board)
        .group_by(ContestStanding.branch_id))}
    ids = set(sizes) | set(played)
    names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all()) if ids else {}
    rows = []
    for unit_id in ids:
        count, score, time = played.get(unit_id, (0, 0, 0))
        # Someone who moved branch after playing still counts where they played; never divide by less.
        rows.append(rules.BranchRow(unit_id, names.get(unit_id, ""), max(sizes.get(unit_id, 0), count), count,
                                    float(score or 0), float(time or 0)))
    return rules.rank_branches(rows)


def cached_branch_standings(session: Session, contest: Contest, board: str, now: datetime,
                            max_age_seconds: int = BRANCH_CACHE_SECONDS) -> tuple[list[rules.BranchRow], datetime] | None:
    """The cached branch standings and when they were computed, or None when missing or too old. Reads only."""
    return _if_fresh(session.get(ContestBranchCache, (contest.id, board)), now, max_age_seconds)


def _if_fresh(cached: ContestBranchCache | None, now: datetime,
              max_age_seconds: int) -> tuple[list[rules.BranchRow], datetime] | None:
    if cached is None or now - cached.computed_at >= timedelta(seconds=max_age_seconds):
        return None
    return [rules.BranchRow(**row) for row in cached.payload], cached.computed_at


def branch_standings_read_only(session: Session, contest: Contest, board: str,
                               now: datetime) -> tuple[list[rules.BranchRow], datetime]:
    """The cached standings when fresh, else computed now without storing them: for readers that must not
    write (API GETs); the pages refresh the shared cache with branch_standings."""
    fresh = cached_branch_standings(session, contest, board, now)
    return fresh if fresh is not None else (_compute_branches(session, contest, board), now)


def branch_standings(session: Session, contest: Contest, board: str, now: datetime,
                     max_age_seconds: int = BRANCH_CACHE_SECONDS) -> tuple[list[rules.BranchRow], datetime]:
    """Branch standings and when they were computed; recomputed only when the cached copy is older."""
    cached = session.get(ContestBranchCache, (contest.id, board))
    fresh = _if_fresh(cached, now, max_age_seconds)
    if fresh is not None:
        return fresh
    rows = _compute_branches(session, contest, board)
    payload = [dict(unit_id=r.unit_id, name=r.name, audience=r.audience, participants=r.participants,
                    score_sum=r.score_sum, time_sum=r.time_sum) for r in rows]
    stmt = _insert(session)(ContestBranchCache).values(contest_id=contest.id, board=board, computed_at=now,
                                                       payload=payload)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[ContestBranchCache.contest_id, ContestBranchCache.board],
        set_=dict(computed_at=stmt.excluded.computed_at, payload=stmt.excluded.payload)))
    if cached is not None:
        session.expire(cached)  # the upsert bypassed the identity map
    return rows, now


def with_own_branch(session: Session, contest: Contest, board: str, rows: list[rules.BranchRow],
                    branch_id: int | None) -> list[rules.BranchRow]:
    """The (cached) branch rows with the viewer's own branch read fresh and re-ranked: a member sees their
    finished round in their branch's row at once; other branches' rows may be up to the cache age old."""
    own = next((row for row in rows if row.unit_id == branch_id), None)
    if own is None:
        return rows
    count, score, time = session.execute(
        select(func.count(), func.sum(ContestStanding.best_score), func.sum(ContestStanding.best_time_ms))
        .where(ContestStanding.contest_id == contest.id, ContestStanding.board == board,
               ContestStanding.branch_id == branch_id)).one()
    fresh = rules.BranchRow(own.unit_id, own.name, max(own.audience, count), count, float(score or 0),
                            float(time or 0))
    return rules.rank_branches([fresh if row is own else row for row in rows])


def export_rows(session: Session, contest: Contest) -> Iterator[tuple]:
    """Every ranked member of the live board: rank, name, login, branch, score, seconds, reached."""
    stmt = (select(ContestStanding, User.name, User.username, Unit.name)
            .join(User, User.id == ContestStanding.user_id).join(Unit, Unit.id == ContestStanding.branch_id)
            .where(ContestStanding.contest_id == contest.id, ContestStanding.board == "live").order_by(*_ORDER))
    for n, (s, name, username, branch) in enumerate(session.execute(stmt), start=1):
        yield n, name, username, branch, s.best_score, round(s.best_time_ms / 1000, 1), s.reached_at
