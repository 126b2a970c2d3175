"""Answer contests (答题竞赛): a contest, members' rounds, the questions handed out, and standings.

Time is the server's: a question counts as shown when the server hands it out, and its deadline is
fixed then. Standings are kept in their own small table, updated by one upsert per finished round,
so a leaderboard page reads a few indexed rows instead of scanning every round.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

ROUND_STATUSES = ("in_progress", "finished")
#: Organizer review of a finished round: ok (counted), flagged (held), cleared (counted), disqualified.
REVIEW_STATES = ("ok", "flagged", "cleared", "disqualified")
#: The live board (organizers) and the public board (frozen during the last minutes).
BOARDS = ("live", "public")


class Contest(db.Model):
    """A contest over a module's bank (optionally some chapters), open to an audience for a window."""

    __tablename__ = "contests"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="window"),
        CheckConstraint("questions_per_round BETWEEN 1 AND 100", name="questions_per_round"),
        CheckConstraint("seconds_per_question BETWEEN 5 AND 600", name="seconds_per_question"),
        CheckConstraint("latency_allowance_seconds BETWEEN 0 AND 30", name="latency_allowance"),
        CheckConstraint("freeze_minutes >= 0", name="freeze_minutes"),
        CheckConstraint("max_rounds_per_member >= 1", name="max_rounds"),
        CheckConstraint("fast_answer_threshold_ms >= 0", name="fast_threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The organization or branch that runs the contest; its organizers manage it.
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: The module whose bank the questions come from.
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    #: Chapter numbers to draw from; empty means the whole module.
    chapters: Mapped[list] = mapped_column(JSON, default=list)
    #: Questions in one round.
    questions_per_round: Mapped[int] = mapped_column(default=10)
    #: Countdown for each question, decided by the server.
    seconds_per_question: Mapped[int] = mapped_column(default=20)
    #: Grace for network latency: an answer arriving this long after the countdown still counts.
    latency_allowance_seconds: Mapped[int] = mapped_column(default=2)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The public board stops moving this many minutes before the close (0: never frozen).
    freeze_minutes: Mapped[int] = mapped_column(default=0)
    #: Rounds a member may play; their best round counts.
    max_rounds_per_member: Mapped[int] = mapped_column(default=3)
    #: A correct answer faster than this (ms after shown) is faster than anyone can read: flagged.
    fast_answer_threshold_ms: Mapped[int] = mapped_column(default=1500)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module = relationship("Module")
    owner_unit = relationship("Unit")
    audience: Mapped[list[ContestAudience]] = relationship(cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Contest {self.id} {self.title!r}>"


class ContestAudience(db.Model):
    """A unit (with everything below it) whose members may play the contest."""

    __tablename__ = "contest_audiences"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)

    def __repr__(self) -> str:
        return f"<ContestAudience contest={self.contest_id} unit={self.unit_id}>"


class ContestRound(db.Model):
    """One member's round of a contest: its questions, score and time, and fair-play flags."""

    __tablename__ = "contest_rounds"
    __table_args__ = (
        UniqueConstraint("contest_id", "user_id", "number"),
        CheckConstraint("status IN ('in_progress', 'finished')", name="status"),
        CheckConstraint("review IN ('ok', 'flagged', 'cleared', 'disqualified')", name="review"),
        CheckConstraint(
            "(status = 'finished' AND finished_at IS NOT NULL) OR (status = 'in_progress' AND finished_at IS NULL)",
            name="finished"),
        # The database itself keeps one round in progress per member and contest.
        Index("uq_contest_rounds_active", "contest_id", "user_id", unique=True,
              sqlite_where=text("status = 'in_progress'"), postgresql_where=text("status = 'in_progress'")),
        Index("ix_contest_rounds_review", "contest_id", "review"),
        Index("ix_contest_rounds_sequence", "contest_id", "sequence_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: 1, 2, ... per member and contest.
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: "in_progress" or "finished".
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    #: Correct answers that arrived in time.
    score: Mapped[int] = mapped_column(default=0)
    #: Sum of answer times, each capped at the countdown; unanswered questions count the full countdown.
    time_used_ms: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Fair-play findings, e.g. ["fast", "identical"]; empty when none.
    flags: Mapped[list] = mapped_column(JSON, default=list)
    #: One of REVIEW_STATES: only "ok" and "cleared" rounds reach the standings.
    review: Mapped[str] = mapped_column(String(20), default="ok")
    #: Hash of (question versions in order, responses), to find identical sequences across accounts.
    sequence_key: Mapped[str | None] = mapped_column(String(64))

    questions: Mapped[list[RoundQuestion]] = relationship(order_by="RoundQuestion.position",
                                                          cascade="all, delete-orphan")
    user = relationship("User")

    @property
    def counted(self) -> bool:
        return self.status == "finished" and self.review in ("ok", "cleared")

    def __repr__(self) -> str:
        return f"<ContestRound {self.id} contest={self.contest_id} user={self.user_id} #{self.number} {self.status}>"


class RoundQuestion(db.Model):
    """A question of a round: when the server showed it, its deadline, and the answer received."""

    __tablename__ = "round_questions"
    __table_args__ = (UniqueConstraint("round_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_rounds.id", ondelete="CASCADE"), index=True)
    #: 1-based order in the round.
    position: Mapped[int]
    #: The exact wording handed out (marks the version as used).
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    #: When the server handed the question out; None until then.
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: shown_at + seconds_per_question: the countdown the member sees (the allowance is added on receipt).
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the answer arrived (None: never answered).
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The answer in the canonical response shape.
    response: Mapped[object | None] = mapped_column(JSON)
    #: True only for a right answer that arrived in time.
    correct: Mapped[bool] = mapped_column(default=False)
    #: The answer arrived after deadline + allowance: it scores nothing.
    late: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<RoundQuestion round={self.round_id} #{self.position}>"


class ContestStanding(db.Model):
    """A member's best counted round on one board; one row per (contest, board, member)."""

    __tablename__ = "contest_standings"
    __table_args__ = (
        CheckConstraint("board IN ('live', 'public')", name="board"),
        Index("ix_contest_standings_branch", "contest_id", "board", "branch_id"),
    )

    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True)
    #: "live" (every counted round) or "public" (rounds finished before the freeze).
    board: Mapped[str] = mapped_column(String(10), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: The member's branch when the round finished (branch standings group by it).
    branch_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    best_score: Mapped[int]
    best_time_ms: Mapped[int]
    #: When the best round finished: equal score and time rank by who got there first.
    reached_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The round that holds the best result.
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_rounds.id", ondelete="CASCADE"))

    def __repr__(self) -> str:
        return f"<ContestStanding contest={self.contest_id} {self.board} user={self.user_id} {self.best_score}>"


class ContestBranchCache(db.Model):
    """Branch standings computed at most every few seconds, kept in the database so workers share it."""

    __tablename__ = "contest_branch_cache"
    __table_args__ = (CheckConstraint("board IN ('live', 'public')", name="board"),)

    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True)
    board: Mapped[str] = mapped_column(String(10), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The computed rows: [{"unit_id", "name", "audience", "participants", "mean_score", ...}].
    payload: Mapped[list] = mapped_column(JSON, default=list)

    def __repr__(self) -> str:
        return f"<ContestBranchCache contest={self.contest_id} {self.board} {self.computed_at}>"


# The leaderboard order, so top-N and "my rank" are index range reads.
Index("ix_contest_standings_rank", ContestStanding.contest_id, ContestStanding.board, ContestStanding.best_score.desc(),
      ContestStanding.best_time_ms, ContestStanding.reached_at, ContestStanding.user_id)
