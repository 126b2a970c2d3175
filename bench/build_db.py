"""Build the benchmark database through the project's own code paths, timing each step.

10,000 members in 100 branches arrive through the roster import (parse_roster + import_roster, as
`flask import-members` does), the sample module and its question bank through load-content, a
50-question exam and a sitting open now through the exam services, and a contest open now for the
whole organization with a few thousand players' finished rounds, played through the contest services
at injected times (so the standings and the branch board hold what real play writes). Run as a
script so the timings are not disturbed by the load generator:
`python bench/build_db.py URL MEMBERS OUT.json`.
"""
from __future__ import annotations

import json
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

BRANCHES = 100
PASSWORD = "bench-Pa55word"
ADMIN = "bench-admin"
#: Contest players with finished rounds before the load starts (fewer when the roster is small).
CONTEST_PLAYERS = 3000
CONTEST_ROUNDS_PER_MEMBER = 3
#: Seeded players whose rounds go through the contest services (the others are inserted in bulk).
SERVICE_PLAYERS = 100


def contest_players(members: int) -> list[str]:
    """The seeded players: the end of the roster, where bench/contest_load.py takes its live players."""
    count = min(CONTEST_PLAYERS, members * 3 // 10)
    return [f"m{n:05d}" for n in range(members - count + 1, members + 1)]


def play_round(session, user, contest_id: int, start, rng: random.Random):
    """One round through the contest services, as a member would play it, at injected times."""
    from studyapp.models import QuestionVersion
    from studyapp.services import contests

    round_, _ = contests.start_round(session, user, contest_id, start, rng)
    moment = start
    while True:
        current = contests.state(session, user, round_.id, moment)
        if current.question is None:
            return round_
        item = round_.questions[current.question.position - 1]
        version = session.get(QuestionVersion, item.question_version_id)
        moment += timedelta(milliseconds=rng.randint(2_000, 30_000))
        result = contests.answer(session, user, round_.id, item.position, answer_of(version, rng), moment)
        if result.finished:
            return round_
        moment += timedelta(milliseconds=rng.randint(200, 1_500))  # reading the feedback, asking for the next


def answer_of(version, rng: random.Random):
    """Right about seven times in ten, otherwise a well-formed wrong answer."""
    right = rng.random() < 0.7
    keys = [o["key"] for o in version.options or []]
    if version.qtype == "single":
        return version.answer if right else next(k for k in keys if k != version.answer)
    if version.qtype == "multiple":
        return sorted(version.answer) if right else sorted(set(keys) - set(version.answer)) or keys[:1]
    if version.qtype == "true_false":
        return version.answer if right else not version.answer
    return [accepted[0] for accepted in version.answer] if right else ["不知道"] * len(version.answer)


def roster_csv(members: int) -> bytes:
    lines = ["姓名,党员编号,所属支部,手机号,角色", f"基准管理员,{ADMIN},第001党支部,,管理员"]
    for n in range(1, members + 1):
        branch = (n - 1) % BRANCHES + 1
        lines.append(f"党员{n:05d},m{n:05d},第{branch:03d}党支部,139{n:08d},党员")
    return ("\n".join(lines) + "\n").encode("utf-8")


def build(url: str, members: int) -> dict:
    from sqlalchemy import func, select, update

    from studyapp import create_app
    from studyapp.cli.accounts import get_or_create_organization
    from studyapp.cli.content import load_content
    from studyapp.database import intending_to_write
    from studyapp.domain import passwords
    from studyapp.domain.roster import parse_roster
    from studyapp.extensions import db
    from studyapp.models import Module, Question, User
    from studyapp.models.exams import PREPARED, Attempt
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
            # Papers drawn ahead below, timed on their own (prepare=False here); the make-up sitting, open
            # to everyone too, is never prepared: its starts draw the paper in the request (the on-demand path).
            sitting = create_sitting(db.session, managed, exam, "万名党员分批考（基准）", now - timedelta(minutes=5),
                                     now + timedelta(hours=8), unit_ids=[org.id], prepare=False)
            makeup = create_sitting(db.session, managed, exam, "补考（基准：开考时抽题）", now - timedelta(minutes=5),
                                    now + timedelta(hours=8), unit_ids=[org.id], makeup_of=sitting)
            db.session.commit()

        # What cron's `flask prepare-sittings` does before the batch opens, for the 10,000-member sitting.
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["prepare-sittings", "--hours", "1"])
        timings["prepare_sittings_s"] = round(time.perf_counter() - started, 2)
        if result.exit_code != 0:
            raise RuntimeError(f"prepare-sittings failed: {result.output}")
        timings["prepared_papers"] = db.session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.status == PREPARED))
        prepared_max_id = db.session.scalar(select(func.max(Attempt.id)))

        started = time.perf_counter()
        contest, seeded = seed_contest(admin, managed, org.id, module.id, members, now)
        timings["contest_seed_s"] = round(time.perf_counter() - started, 2)
        timings["contest_seed"] = seeded
        return {"timings": timings, "module_slug": module.slug, "bank_questions": bank, "exam_id": exam.id,
                "sitting_id": sitting.id, "makeup_sitting_id": makeup.id, "prepared_max_id": prepared_max_id,
                "members": members, "admin": ADMIN, "password": PASSWORD,
                "chapters": [1, 2, 3, 4, 5, 6, 7, 8],
                "contest": {"id": contest.id, "players": seeded["players"], "rounds": seeded["rounds"],
                            "questions_per_round": contest.questions_per_round,
                            "max_rounds_per_member": contest.max_rounds_per_member}}


def seed_contest(admin, managed: set[int], org_id: int, module_id: int, members: int, now) -> tuple:
    """A contest open for two hours already, and its players' finished rounds.

    Five questions of 60 s, three rounds each, no fast-answer flag (bots answer in milliseconds later
    on), a 30-minute freeze far ahead. Every player has one finished round, every fourth a second one,
    so the standings keep a best of two; times fall in the two hours the contest has been open.

    The first SERVICE_PLAYERS play through the contest services (start_round, state, answer at
    injected times). That path costs some 40 statements and ~30 ms per round here, two minutes for a
    few thousand rounds, so the others' rounds are computed with the same domain rules (grading,
    score_round, sequence_key, best round) and inserted in bulk: the rows finish_round and the
    standings upsert would have written.
    """
    from sqlalchemy import select

    from studyapp.database import intending_to_write
    from studyapp.extensions import db
    from studyapp.models import User
    from studyapp.services.contests import ContestInput, create_contest

    rng = random.Random(20260501)
    opens = now - timedelta(hours=2)
    seeded = {}
    with intending_to_write():
        contest = create_contest(db.session, admin, managed, ContestInput(
            title="支部工作条例知识竞赛（基准）", owner_unit_id=org_id, module_id=module_id, opens_at=opens,
            closes_at=now + timedelta(hours=8), audience_unit_ids=[org_id], questions_per_round=5,
            seconds_per_question=60, freeze_minutes=30, max_rounds_per_member=CONTEST_ROUNDS_PER_MEMBER,
            fast_answer_threshold_ms=0), now)
        db.session.commit()
        names = contest_players(members)
        users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))}
        # (user, rounds, first round's start) in roster order
        plan = [(users[name], 2 if n % 4 == 0 else 1, opens + timedelta(seconds=rng.randint(0, 50 * 60)))
                for n, name in enumerate(names, start=1)]
        service, bulk = plan[:SERVICE_PLAYERS], plan[SERVICE_PLAYERS:]

        started = time.perf_counter()
        for user, count, start in service:
            for _ in range(count):
                round_ = play_round(db.session, user, contest.id, start, rng)
                start = round_.finished_at + timedelta(seconds=rng.randint(10, 50 * 60))
        db.session.commit()
        service_rounds = sum(count for _, count, _ in service)
        service_s = time.perf_counter() - started
        seeded["service_rounds"] = service_rounds
        seeded["service_ms_per_round"] = round(service_s * 1000 / max(1, service_rounds), 1)

        started = time.perf_counter()
        seeded["bulk_rounds"] = insert_rounds(db.session, contest, bulk, rng)
        db.session.commit()
        seeded["bulk_s"] = round(time.perf_counter() - started, 2)
    seeded["players"] = len(names)
    seeded["rounds"] = service_rounds + seeded["bulk_rounds"]
    return contest, seeded


def insert_rounds(session, contest, plan: list, rng: random.Random) -> int:
    """Finished rounds and both boards' standings for `plan` [(user, rounds, start)], as the services write them."""
    from sqlalchemy import insert, select

    from studyapp.domain import contest_rules as rules
    from studyapp.domain import grading
    from studyapp.domain import standings as board_rules
    from studyapp.models import QuestionVersion
    from studyapp.models.contests import ContestRound, ContestStanding, RoundQuestion
    from studyapp.services.contests.definitions import candidates_query

    if not plan:
        return 0
    pool = sorted(session.scalars(candidates_query(contest.module_id, contest.chapters)))
    versions = {v.id: v for v in session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(pool)))}
    rounds, questions, owners = [], [], []
    for user, count, start in plan:
        for number in range(1, count + 1):
            drawn = rng.sample(pool, min(contest.questions_per_round, len(pool)))
            moment, items, responses, rows = start, [], [], []
            for position, vid in enumerate(drawn, start=1):
                version = versions[vid]
                shown = moment
                moment += timedelta(milliseconds=rng.randint(2_000, 30_000))
                response = grading.check_response(version.qtype, answer_of(version, rng),
                                                  [o["key"] for o in version.options or []],
                                                  grading.blank_count(version.qtype, version.answer))
                correct = grading.grade(version.qtype, version.answer, response, 1).correct
                items.append(rules.Answered(correct, rules.elapsed_ms(shown, moment)))
                responses.append(response)
                rows.append(dict(position=position, question_version_id=vid, shown_at=shown,
                                 deadline=rules.deadline(shown, contest.seconds_per_question), answered_at=moment,
                                 response=response, correct=correct, late=False))
                moment += timedelta(milliseconds=rng.randint(200, 1_500))
            finished = rows[-1]["answered_at"]
            score = rules.score_round(items, contest.seconds_per_question)
            rounds.append(dict(contest_id=contest.id, user_id=user.id, number=number, started_at=start,
                               status="finished", score=score.score, time_used_ms=score.time_used_ms,
                               finished_at=finished, flags=[], review="ok",
                               sequence_key=rules.sequence_key(drawn, responses)))
            questions.append(rows)
            owners.append(user)
            start = finished + timedelta(seconds=rng.randint(10, 50 * 60))
    ids = session.scalars(insert(ContestRound).returning(ContestRound.id, sort_by_parameter_order=True), rounds).all()
    session.execute(insert(RoundQuestion), [dict(row, round_id=rid) for rid, rows in zip(ids, questions) for row in rows])

    best = {}
    for rid, row, user in zip(ids, rounds, owners):
        entry = board_rules.Entry(user.id, row["score"], row["time_used_ms"], row["finished_at"])
        if user.id not in best or board_rules.rank_key(entry) < board_rules.rank_key(best[user.id][0]):
            best[user.id] = (entry, rid, user.unit_id)
    # Every seeded round finished hours before the freeze, so the public board holds the same best rounds.
    assert all(board_rules.counts_on_public(row["finished_at"], contest.closes_at, contest.freeze_minutes)
               for row in rounds)
    session.execute(insert(ContestStanding), [
        dict(contest_id=contest.id, board=board, user_id=entry.user_id, branch_id=branch_id, best_score=entry.score,
             best_time_ms=entry.time_ms, reached_at=entry.reached_at, round_id=rid)
        for entry, rid, branch_id in best.values() for board in ("live", "public")])
    return len(rounds)


if __name__ == "__main__":
    url, members, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    out.write_text(json.dumps(build(url, members), ensure_ascii=False, indent=2))
