"""Build the benchmark database through the project's own code paths, timing each step.

10,000 members in 100 branches arrive through the roster import (parse_roster + import_roster, as
`flask import-members` does), the sample module and its 244-question bank through load-content, a
50-question exam and a sitting open now through the exam services. Run as a script so the timings
are not disturbed by the load generator: `python bench/build_db.py URL MEMBERS OUT.json`.
"""
from __future__ import annotations

import json
import sys
import time
from datetime import timedelta
from pathlib import Path

BRANCHES = 100
PASSWORD = "bench-Pa55word"
ADMIN = "bench-admin"


def roster_csv(members: int) -> bytes:
    lines = ["姓名,党员编号,所属支部,手机号,角色", f"基准管理员,{ADMIN},第001党支部,,管理员"]
    for n in range(1, members + 1):
        branch = (n - 1) % BRANCHES + 1
        lines.append(f"党员{n:05d},m{n:05d},第{branch:03d}党支部,139{n:08d},党员")
    return ("\n".join(lines) + "\n").encode("utf-8")


def build(url: str, members: int) -> dict:
    from sqlalchemy import select, update

    from studyapp import create_app
    from studyapp.cli.accounts import get_or_create_organization
    from studyapp.cli.content import load_content
    from studyapp.database import intending_to_write
    from studyapp.domain import passwords
    from studyapp.domain.roster import parse_roster
    from studyapp.extensions import db
    from studyapp.models import Module, Question, User
    from studyapp.models.types import utcnow
    from studyapp.services.exams.definitions import ExamInput, RuleInput, create_exam
    from studyapp.services.exams.sittings import create_sitting
    from studyapp.services.roster import import_roster
    from studyapp.services.scope import subtree, unit_tree

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    timings = {}
    with app.app_context():
        db.drop_all()
        db.create_all()
        data = roster_csv(members)
        started = time.perf_counter()
        records = parse_roster(data, "bench-roster.csv")
        with intending_to_write():
            org = get_or_create_organization(app.config["ORGANIZATION_NAME"])
            result = import_roster(db.session, None, records, utcnow(), organization=org, filename="bench-roster.csv")
            db.session.commit()
        timings["roster_import_s"] = round(time.perf_counter() - started, 2)
        timings["roster_rows"] = len(records)
        timings["branches_created"] = len(result.branches_created)

        # Stand-in for members having chosen their own passwords: one argon2id hash (same verify cost
        # as each member's own) and no forced change, so the login storm measures real logins.
        with intending_to_write():
            db.session.execute(update(User).values(password_hash=passwords.hash_password(PASSWORD),
                                                   must_change_password=False))
            db.session.commit()

        started = time.perf_counter()
        report = load_content()
        timings["load_content_s"] = round(time.perf_counter() - started, 2)
        timings["load_content"] = report.lines()

        with intending_to_write():
            admin = db.session.scalar(select(User).where(User.username == ADMIN))
            managed = subtree(unit_tree(db.session), {org.id})
            module = db.session.scalar(select(Module).order_by(Module.id))
            bank = db.session.query(Question).filter(Question.module_id == module.id,
                                                     Question.status == "active").count()
            now = utcnow()
            exam = create_exam(db.session, admin, managed, ExamInput(
                title="支部工作条例万人考试", module_id=module.id, owner_unit_id=org.id, time_limit_minutes=120,
                attempts_allowed=1, status="published", rules=[RuleInput(count=50, points=2)]), now)
            sitting = create_sitting(db.session, managed, exam, "万名党员分批考（基准）", now - timedelta(minutes=5),
                                     now + timedelta(hours=8), unit_ids=[org.id])
            db.session.commit()
        return {"timings": timings, "module_slug": module.slug, "bank_questions": bank, "exam_id": exam.id,
                "sitting_id": sitting.id, "members": members, "admin": ADMIN, "password": PASSWORD,
                "chapters": [1, 2, 3, 4, 5, 6, 7, 8]}


if __name__ == "__main__":
    url, members, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    out.write_text(json.dumps(build(url, members), ensure_ascii=False, indent=2))
