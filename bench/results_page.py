"""Time the sitting results page for 10,000 members and 50 questions, and count its SQL statements.

    .venv/bin/python bench/results_page.py [DATABASE_URL] [MEMBERS]

Builds a fresh database (default: a temporary SQLite file) with MEMBERS members in 100 branches, a
50-question fixed exam, one sitting for the whole organization, and a submitted first attempt with 50
graded questions and answers for 90% of the members (rows written in bulk with Core inserts: this
measures reading, not writing). Then, as the administrator, it times the summary service alone and
the whole page, item analysis and the CSV export through the test client. Not a test: numbers depend
on the machine; the query-count test is tests/services/test_reports.py.
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

QUESTIONS, BRANCHES = 50, 100
NOW = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)


def build(db, members: int) -> tuple[int, int, int]:
    from studyapp.domain import passwords
    from studyapp.models import Module, Question, QuestionVersion, Unit, User
    from studyapp.models.exams import Answer, Attempt, AttemptQuestion, Exam, Sitting, SittingUnit

    rng = random.Random(1)
    org = Unit(name="基准党委", kind="organization")
    db.session.add(org)
    db.session.flush()
    branches = [Unit(name=f"第{n:03d}党支部", parent_id=org.id, kind="branch", sort_order=n) for n in range(BRANCHES)]
    db.session.add_all(branches)
    hashed = passwords.hash_password("bench-Pa55word")
    admin = User(username="bench-admin", name="管理员", unit_id=org.id, role="admin", password_hash=hashed)
    module = Module(slug="bench", title="基准题库")
    db.session.add_all([admin, module])
    db.session.flush()
    versions = []
    for n in range(QUESTIONS):
        question = Question(module_id=module.id, key=f"b{n}")
        db.session.add(question)
        db.session.flush()
        version = QuestionVersion(question_id=question.id, qtype="single", stem_md="题", stem_html="<p>题</p>",
                                  options=[{"key": k, "text": k} for k in "ABCD"], answer="B",
                                  chapter_number=1 + n % 8, article_number=1 + n % 40, checksum=f"{n:064d}")
        db.session.add(version)
        db.session.flush()
        question.current_version_id = version.id
        versions.append(version)
    exam = Exam(owner_unit_id=org.id, module_id=module.id, title="基准考试", mode="fixed", status="published")
    db.session.add(exam)
    db.session.flush()
    sitting = Sitting(exam_id=exam.id, title="基准场次", opens_at=NOW - timedelta(hours=2),
                      closes_at=NOW + timedelta(hours=2), units=[SittingUnit(unit_id=org.id)])
    db.session.add(sitting)
    db.session.flush()
    db.session.execute(User.__table__.insert(), [
        dict(username=f"m{n:05d}", name=f"党员{n:05d}", unit_id=branches[n % BRANCHES].id, role="member",
             password_hash=hashed, phone=f"139{n:08d}", active=True, must_change_password=False, session_version=1,
             created_at=NOW) for n in range(members)])
    user_ids = [u for (u,) in db.session.execute(User.__table__.select().with_only_columns(User.id)
                                                 .where(User.role == "member"))]
    attempts, items, answers = [], [], []
    attempt_id = aq_id = 0
    for user_id in user_ids:
        if rng.random() < 0.1:
            continue
        attempt_id += 1
        ability = rng.uniform(0.3, 0.95)
        score = 0.0
        for position, version in enumerate(versions, start=1):
            response = "B" if rng.random() < ability else rng.choice("ACD")
            right = response == "B"
            score += 2.0 if right else 0.0
            aq_id += 1
            items.append(dict(id=aq_id, attempt_id=attempt_id, position=position, question_id=version.question_id,
                              question_version_id=version.id, points=2.0, option_order=list("ABCD"),
                              awarded=2.0 if right else 0.0, correct=right))
            answers.append(dict(attempt_id=attempt_id, question_id=version.question_id, response=response,
                                client_seq=1, saved_at=NOW - timedelta(minutes=30)))
        attempts.append(dict(id=attempt_id, sitting_id=sitting.id, user_id=user_id, number=1, status="submitted",
                             seed=attempt_id, started_at=NOW - timedelta(minutes=40), deadline=NOW,
                             submitted_at=NOW - timedelta(minutes=10), finalized_by="member", score=score,
                             max_score=100.0, passed=score >= 60, time_used_seconds=1800))
    db.session.execute(Attempt.__table__.insert(), attempts)
    for start in range(0, len(items), 50_000):
        db.session.execute(AttemptQuestion.__table__.insert(), items[start:start + 50_000])
        db.session.execute(Answer.__table__.insert(), answers[start:start + 50_000])
    db.session.commit()
    return sitting.id, exam.id, len(attempts)


def timed(label, fn, repeat=3):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label:<44} {best * 1000:8.1f} ms (best of {repeat})")
    return result


def main() -> None:
    from sqlalchemy import event

    from studyapp import create_app
    from studyapp.extensions import db
    from studyapp.services import reports
    from studyapp.services.reports.sitting import sitting_summary

    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/results-bench.sqlite3"
    members = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        sitting_id, exam_id, attempts = build(db, members)
        print(f"built {members} members, {attempts} attempts x {QUESTIONS} questions "
              f"in {time.perf_counter() - start:.1f} s ({url.split(':')[0]})")
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

        def summary():
            db.session.expire_all()
            sitting = reports.reportable_sitting(db.session, sitting_id, None)
            return sitting_summary(db.session, reports.audience_for(db.session, sitting, None))

        result = timed("summary service (branch figures + histogram)", summary)
        statements.clear()
        summary()
        print(f"  statements per summary: {len(statements)}; expected {result.total.expected}, "
              f"sat {result.total.sat}, mean {result.total.mean}")
    client = app.test_client()
    client.post("/login", data={"username": "bench-admin", "password": "bench-Pa55word"})
    for label, path in (("results page GET", f"/manage/reports/sittings/{sitting_id}"),
                        ("monitor.json GET", f"/manage/reports/sittings/{sitting_id}/monitor.json"),
                        ("score list CSV export (all rows)", f"/manage/reports/sittings/{sitting_id}/scores?format=csv"),
                        ("item analysis page GET", f"/manage/reports/exams/{exam_id}/items")):
        response = timed(label, lambda p=path: _read(client.get(p)), repeat=2)
        assert response.status_code == 200, (path, response.status_code)


def _read(response):
    response.get_data()  # a streamed body is produced only when read
    return response


if __name__ == "__main__":
    main()
