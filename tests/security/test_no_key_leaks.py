"""Generated from app.url_map: while a member has attempts in progress, no route shows them the key, the
correctness or the explanation of any question on those papers (issue 14).

Every GET route, and every state-changing route a member can reach, is requested as that member (pages
with their session, /api/v1 with their bearer token), with URL parameters naming the member's own objects
(the access matrix's world: their module, exam, attempt, contest round, wrong-book entry, practice answer),
following redirects so flashed verdicts are seen too. Every question the member could be shown is on one
of their open papers, so any key, verdict or explanation in any response is a leak. A route added later
that shows keys fails here; one with a parameter of a new kind fails in build_url until the world has it.
"""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from studyapp.database import intending_to_write
from studyapp.domain.answer_text import describe_key
from studyapp.models import Module, Question, QuestionVersion
from studyapp.models.daily import ReviewCard
from studyapp.models.exams import Exam, ExamFixedQuestion, Sitting, SittingUnit
from studyapp.services import review
from studyapp.services.exams.attempts import start_attempt
from studyapp.web import sealed
from tests.conftest import FIXED_NOW, PASSWORD, AuthActions
from tests.security import access_table as table
from tests.security.test_access_matrix import app_config, build_url, practice_token, world  # noqa: F401 (fixtures)

#: Words that only a verdict, a key or a review shows (every question the member could see is on a paper).
VERDICTS = ("正确答案", "回答正确", "回答错误", "✓ 正确", "✗ 错误", "答对了", "答错了")
#: Routes not requested: they end the scenario (submit, log out) or are the login itself.
SKIPPED = {"exams.submit", "api.submit", "auth.logout", "auth.change_password", "auth.login", "api.create_token",
           "api.revoke_token"}
CHANGING = {"POST", "PUT", "DELETE", "PATCH"}
ANSWER_FORM = {"answer": "B", "blank": "三", "position": "1", "status": "retired"}


def _visible_versions(db, side) -> list[QuestionVersion]:
    """Current versions of every question member A could ever be shown: their branch's bank and the shared one."""
    modules = [side.module.id, db.session.scalar(select(Module.id).where(Module.slug == "contest-world"))]
    return list(db.session.scalars(select(QuestionVersion).join(Question, Question.current_version_id == QuestionVersion.id)
                                   .where(Question.module_id.in_(modules))))


def _sentinels(versions) -> set[str]:
    found = set(VERDICTS)
    for version in versions:
        found.add(version.explanation_md)
        if version.qtype != "true_false":  # "正确"/"错误" are everyday words; the verdicts above catch those
            found.add(describe_key(version.qtype, version.answer, version.options))
    return found


def _open_papers(db, world):
    """Member A opens a second attempt at their branch's exam and an attempt at an exam over the shared bank."""
    side = world.sides["A"]
    with intending_to_write():
        # Unique explanations for the shared bank's questions, so each one's leak can be told apart.
        for version in db.session.scalars(select(QuestionVersion).join(Question, Question.id == QuestionVersion.question_id)
                                          .join(Module, Module.id == Question.module_id)
                                          .where(Module.slug == "contest-world")):
            version.explanation_md = f"共享题库解析{version.id}"
            version.explanation_html = f"<p>共享题库解析{version.id}</p>"
        shared = db.session.scalar(select(Module).where(Module.slug == "contest-world"))
        pool = db.session.scalars(select(Question).where(Question.module_id == shared.id)).all()
        exam = Exam(owner_unit_id=side.unit.id, module_id=shared.id, title="共享题库测试", mode="fixed",
                    review_policy="immediate", status="published", shuffle_questions=False, shuffle_options=False)
        exam.fixed_questions = [ExamFixedQuestion(position=n, question_id=q.id, points=1)
                                for n, q in enumerate(pool, start=1)]
        db.session.add(exam)
        db.session.flush()
        sitting = Sitting(exam_id=exam.id, title="共享题库场次", opens_at=FIXED_NOW.replace(hour=7),
                          closes_at=FIXED_NOW.replace(hour=12), units=[SittingUnit(unit_id=side.unit.id)])
        db.session.add(sitting)
        db.session.commit()
        papers = [start_attempt(db.session, side.member, side.sitting.id, FIXED_NOW)[0],
                  start_attempt(db.session, side.member, sitting.id, FIXED_NOW)[0]]
        # Every card of the member is due, so review would ask (and answer) if it were allowed to.
        review.sync(db.session, side.member.id)
        db.session.execute(update(ReviewCard).values(due_at=FIXED_NOW.replace(hour=1)))
        db.session.commit()
    return papers


def _text(response) -> str:
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data(as_text=True)


class Walker:
    def __init__(self, app, world, sentinels):
        self.app, self.world, self.sentinels = app, world, sentinels
        member = world.sides["A"].member
        self.client = app.test_client()
        assert AuthActions(self.client).login(member).status_code == 302
        self.token = app.test_client().post("/api/v1/auth/token", json={"username": member.username,
                                                                        "password": PASSWORD}).get_json()["token"]
        self.leaks, self.errors, self.requests = [], [], 0
        self.bodies: list[str] = []

    def request(self, method: str, url: str, api: bool = False, **kwargs):
        if api:
            response = self.app.test_client().open(url, method=method, follow_redirects=True,
                                                   headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
        else:
            response = self.client.open(url, method=method, follow_redirects=True, **kwargs)
        self.requests += 1
        if api and url.endswith("/auth/token/refresh") and response.status_code == 200:
            self.token = response.get_json()["token"]  # the refresh ended the old token: walk on with the new one
        body = _text(response)
        response.close()
        self.bodies.append(body)
        found = sorted(s for s in self.sentinels if s and s in body)
        if found:
            self.leaks.append(f"{method} {url} ({response.status_code}): {found}")
        if response.status_code >= 500:
            self.errors.append(f"{method} {url}: {response.status_code}")
        return response


def test_no_route_shows_a_key_of_a_question_on_an_open_paper(app, world, db):
    side = world.sides["A"]
    _open_papers(db, world)
    db.session.rollback()
    versions = _visible_versions(db, side)
    sentinels = _sentinels(versions)
    walker = Walker(app, world, sentinels)
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    assert {r.endpoint for r in rules} <= set(table.RULES)  # the access matrix names every route

    for rule in rules:
        if rule.endpoint in SKIPPED:
            continue
        kind = table.RULES[rule.endpoint]
        api = kind.startswith("api-")
        branch = "A" if rule.arguments - {"filename", "fmt"} or any(
            isinstance(v, tuple) for v in table.QUERIES.get(rule.endpoint, {}).values()) else None
        url = build_url(app, world, rule, branch)
        if "GET" in rule.methods:
            walker.request("GET", url, api=api)
        for method in sorted(rule.methods & CHANGING):
            if api or method == "PUT":
                walker.request(method, url, api=api, json={"answer": "B", "seq": 10**6})
            else:
                walker.request(method, url, data=ANSWER_FORM)

    # The routes that ask questions, with every question of the papers (not only the world's first one).
    paper_ids = [v.question_id for v in versions]
    for question_id in paper_ids:
        token = practice_token(app, side.member, [question_id])
        walker.request("GET", f"/practice/run?s={token}")
        walker.request("POST", "/practice/run", data={**ANSWER_FORM, "s": token})
        walker.request("POST", f"/daily/review/{question_id}", data=ANSWER_FORM)
        walker.request("POST", f"/api/v1/review/{question_id}/answer", api=True, json={"answer": "B"})
    for query in ({"kind": "chapter", "module": side.module.slug, "chapter": 1},
                  {"kind": "chapter", "module": "contest-world", "chapter": 1},
                  {"kind": "article", "module": "contest-world", "article": 1},
                  {"kind": "book"}, {"kind": "random", "count": 50}):
        walker.request("GET", "/practice/start", query_string=query)
    for position in (1, 2, 3):
        walker.request("GET", f"/contests/rounds/{side.round.id}")
        walker.request("POST", f"/contests/rounds/{side.round.id}/answer", data={**ANSWER_FORM, "position": position},
                       headers={"Accept": "application/json"})
    for position in (1, 2, 3):
        walker.request("POST", f"/api/v1/rounds/{side.round.id}/current", api=True)
        walker.request("POST", f"/api/v1/rounds/{side.round.id}/answers", api=True,
                       json={"position": position, "answer": "B"})
        walker.request("GET", f"/api/v1/rounds/{side.round.id}", api=True)
    # The API's practice sets: started on the papers' banks, and answered at a question of an open paper,
    # also by a request that would be a retry of an answer given before the paper opened (answer_once).
    for body in ({"kind": "chapter", "module": side.module.slug, "chapter": 1},
                 {"kind": "chapter", "module": "contest-world", "chapter": 1},
                 {"kind": "article", "module": "contest-world", "article": 1}, {"kind": "book"},
                 {"kind": "book", "module": side.module.slug}, {"kind": "random", "count": 50}):
        walker.request("POST", "/api/v1/practice/sets", api=True, json=body)
    with app.test_request_context():
        retry = sealed.dump_set(side.member.id, "练习", [side.practice_answer.question_id], FIXED_NOW - timedelta(days=1))
    refusals = []
    for token in [retry, *(practice_token(app, side.member, [question_id]) for question_id in paper_ids)]:
        current = walker.request("GET", "/api/v1/practice/sets/current", api=True, query_string={"token": token})
        answered = walker.request("POST", "/api/v1/practice/sets/answer", api=True, json={"token": token, "answer": "B"})
        refusals.append((current.status_code, current.get_json()["question"], answered.status_code))
    assert set(refusals) == {(200, None, 404)}  # never handed out, never graded
    walker.request("GET", "/daily/")
    walker.request("POST", "/daily/answer", data={**ANSWER_FORM, "position": 0})
    walker.request("POST", "/api/v1/daily/today", api=True)
    walker.request("POST", "/api/v1/daily/answer", api=True, json={"position": 0, "answer": "B"})
    walker.request("GET", "/api/v1/review", api=True)
    walker.request("GET", "/api/v1/wrong-book?all=1&per_page=50", api=True)

    assert walker.requests > 150
    # Not vacuous: the papers themselves and the contest round did show question content.
    stems = {v.stem_html for v in versions}
    assert sum(1 for body in walker.bodies if any(stem in body for stem in stems)) >= 3
    assert not walker.errors, "\n".join(walker.errors)
    assert not walker.leaks, "keys shown during an attempt:\n" + "\n".join(walker.leaks)


def test_the_sentinels_do_catch_a_key_when_no_paper_is_open(app, world, db):
    """The control: before the papers open, the same member's practice feedback and exam review show
    keys, and the sentinels find them (so the test above can fail)."""
    side = world.sides["A"]
    db.session.rollback()
    walker = Walker(app, world, _sentinels(_visible_versions(db, side)))
    token = practice_token(app, side.member, [side.practice_answer.question_id])
    walker.request("GET", f"/practice/feedback?s={token}&a={side.practice_answer.id}")
    walker.request("GET", f"/exams/attempts/{side.attempt.id}/result")
    walker.request("GET", f"/api/v1/attempts/{side.attempt.id}", api=True)
    walker.request("GET", "/wrong-book/")
    assert len(walker.leaks) == 4, walker.leaks
