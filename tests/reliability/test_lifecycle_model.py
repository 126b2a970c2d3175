"""Model-based test of the attempt lifecycle over the services: hypothesis drives random sequences of
start, save, stale save, submit, clock moves, overdue finalization, deadline extension and deactivation,
and after every step the invariants members rely on are checked against the database."""
from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import delete, func, select

from studyapp.database import intending_to_write
from studyapp.models import User
from studyapp.models.exams import Answer, Attempt, AttemptQuestion, Sitting
from studyapp.models.practice import WrongAnswer
from studyapp.services import accounts
from studyapp.services import exams as svc
from studyapp.services.errors import Conflict, ServiceError
from studyapp.services.exams.extend import extend_attempt
from tests.conftest import FIXED_NOW

CHOICES = ["A", "B", "C", "D"]
KEY = "B"
POINTS = 10


def test_attempt_lifecycle_model(db, make_module, make_question, make_exam, make_sitting, make_user, branch_a):
    module = make_module(slug="model-bank")
    questions = [make_question(module, qtype="single", answer=KEY) for _ in range(3)]
    exam = make_exam(module, branch_a, fixed=[(q, POINTS) for q in questions], time_limit_minutes=30,
                     attempts_allowed=2)
    sitting = make_sitting(exam, units=[branch_a], closes_at=FIXED_NOW + timedelta(hours=3))
    users = [make_user(branch_a).id for _ in range(2)]
    qids = [q.id for q in questions]
    sitting_id, managed = sitting.id, {branch_a.id}
    closes_at = sitting.closes_at

    class Lifecycle(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            db.session.rollback()
            with intending_to_write():
                for table in (WrongAnswer, Answer, AttemptQuestion, Attempt):
                    db.session.execute(delete(table))
                db.session.execute(User.__table__.update().where(User.id.in_(users)).values(active=True))
                sitting_row = db.session.get(Sitting, sitting_id)
                sitting_row.closes_at = closes_at
                db.session.commit()
            self.now = FIXED_NOW
            self.seq = 0
            self.acked: dict[int, dict[int, tuple[str, int]]] = {}  # attempt -> question -> (answer, seq)
            self.active = {uid: True for uid in users}

        def _write(self, work):
            with intending_to_write():
                try:
                    result = work(db.session)
                except ServiceError:
                    db.session.commit()  # a refusal may have finalized an overdue attempt on the way
                    raise
                db.session.commit()
                return result

        def _live(self, uid) -> Attempt | None:
            """The attempt in progress of `uid`, or else of anyone (so rules rarely fall through)."""
            db.session.rollback()
            live = db.session.scalars(select(Attempt).where(Attempt.status == "in_progress")).all()
            return next((a for a in live if a.user_id == uid), live[0] if live else None)

        def _any_live(self) -> bool:
            db.session.rollback()
            return db.session.scalar(select(func.count()).select_from(Attempt).where(
                Attempt.status == "in_progress")) > 0

        @rule(who=st.sampled_from(users))
        def start(self, who):
            if not self.active[who]:
                return  # a deactivated member cannot log in, so cannot start
            try:
                attempt, _ = self._write(lambda s: svc.start_attempt(s, s.get(User, who), sitting_id, self.now))
            except Conflict:
                return
            self.acked.setdefault(attempt.id, {})

        @rule(who=st.sampled_from(users), q=st.sampled_from(qids), answer=st.sampled_from(CHOICES))
        @precondition(lambda self: self._any_live())
        def save(self, who, q, answer):
            live = self._live(who)
            if live is None or not self.active[live.user_id]:
                return
            who, attempt_id, deadline = live.user_id, live.id, live.deadline
            self.seq += 1
            seq = self.seq
            try:
                result = self._write(lambda s: svc.save_answer(s, s.get(User, who), attempt_id, q, answer, seq, self.now))
            except Conflict:
                assert self.now > deadline, "a save inside the time was refused"
                return
            assert self.now <= deadline, "a save after the deadline was accepted"
            assert result.stored and result.client_seq == seq
            self.acked.setdefault(attempt_id, {})[q] = (answer, seq)

        @rule(who=st.sampled_from(users), answer=st.sampled_from(CHOICES))
        @precondition(lambda self: self._any_live())
        def stale_save(self, who, answer):
            live = self._live(who)
            if live is None or not self.acked.get(live.id):
                return
            who, attempt_id = live.user_id, live.id
            q, (kept, seq) = next(iter(self.acked[attempt_id].items()))
            try:
                result = self._write(lambda s: svc.save_answer(s, s.get(User, who), attempt_id, q, answer, seq - 1,
                                                               self.now))
            except Conflict:
                return
            assert not result.stored and result.client_seq >= seq
            db.session.rollback()
            stored = db.session.scalar(select(Answer.response).where(Answer.attempt_id == attempt_id,
                                                                      Answer.question_id == q))
            assert stored == self.acked[attempt_id][q][0]

        @rule(who=st.sampled_from(users))
        @precondition(lambda self: self._any_live())
        def submit(self, who):
            live = self._live(who)
            if live is None or not self.active[live.user_id]:
                return
            who, attempt_id = live.user_id, live.id
            first = self._write(lambda s: svc.submit_attempt(s, s.get(User, who), attempt_id, self.now))
            again = self._write(lambda s: svc.submit_attempt(s, s.get(User, who), attempt_id, self.now))
            assert (first.score, first.submitted_at) == (again.score, again.submitted_at)

        @rule(minutes=st.sampled_from([1, 5, 20, 45]))
        def advance(self, minutes):
            self.now += timedelta(minutes=minutes)

        @rule()
        def finalize(self):
            with intending_to_write():
                svc.finalize_overdue(db.session, self.now, commit=db.session.commit)
                db.session.commit()

        @rule(who=st.sampled_from(users), minutes=st.sampled_from([5, 30]))
        @precondition(lambda self: self._any_live())
        def extend(self, who, minutes):
            live = self._live(who)
            if live is None:
                return
            attempt_id = live.id
            try:
                self._write(lambda s: extend_attempt(s, attempt_id, minutes, self.now, managed))
            except Conflict:
                assert self.now > live.deadline

        @rule(who=st.sampled_from(users))
        def deactivate(self, who):
            self._write(lambda s: accounts.set_active(s, s.get(User, who), False))
            self.active[who] = False

        @invariant()
        def one_in_progress_and_score_iff_submitted(self):
            db.session.rollback()
            for uid in users:
                live = db.session.scalar(select(func.count()).select_from(Attempt).where(
                    Attempt.user_id == uid, Attempt.sitting_id == sitting_id, Attempt.status == "in_progress"))
                assert live <= 1
            for attempt in db.session.scalars(select(Attempt)):
                assert (attempt.score is not None) == (attempt.status == "submitted")
                assert (attempt.submitted_at is not None) == (attempt.status == "submitted")

        @invariant()
        def every_acknowledged_save_is_in_the_grade(self):
            db.session.rollback()
            for attempt in db.session.scalars(select(Attempt).where(Attempt.status == "submitted")):
                answers = self.acked.get(attempt.id, {})
                expected = sum(POINTS for answer, _ in answers.values() if answer == KEY)
                assert attempt.score == expected, (attempt.id, answers, attempt.score)
                assert attempt.submitted_at <= attempt.deadline

    run_state_machine_as_test(Lifecycle, settings=settings(
        max_examples=40, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
