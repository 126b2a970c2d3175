"""API practice sets: the practice pages' services and sealed tokens, in JSON. Starting a set and reading its
question write nothing; each question handed out is answered once; keys only in the feedback and never for
a question on an exam paper the member has open; another member's set is a 404."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fixtures_api import conforms
from fixtures_contests import KEY
from studyapp.models import ModuleAudience, PracticeAnswer, Question, WrongAnswer
from studyapp.web import sealed
from tests.conftest import FIXED_NOW


@pytest.fixture
def token(api, member_a, clock):
    return api.token(member_a)


def _start(api, token, **body):
    response = api.post("/practice/sets", token, json=body)
    assert response.status_code == 200, response.get_json()
    conforms(response.get_json(), "PracticeSet")
    return response.get_json()


def _answer(api, token, step, answer=KEY):
    return api.post("/practice/sets/answer", token, json={"token": step["token"], "answer": answer})


def _answers(db) -> int:
    db.session.rollback()  # see the requests' commits
    return db.session.query(PracticeAnswer).count()


def test_catalog_counts_what_i_can_practise(api, token, contest_bank):
    response = api.get("/practice", token)
    body = response.get_json()
    conforms(body, "PracticeCatalog")
    module = body["modules"][0]
    assert module["slug"] == "contest-regs" and module["count"] == 12
    assert [(c["number"], c["count"], c["articles"]) for c in module["chapters"]] == [
        (1, 6, [{"number": 1, "count": 6}]), (2, 6, [{"number": 5, "count": 6}])]
    assert body["random_sizes"] == [10, 20, 50] and body["random_max"] == 50
    assert (body["book_count"], body["answered"], body["correct"]) == (0, 0, 0)


def test_a_chapter_set_answered_through_to_the_end(db, api, token, contest_bank, clock):
    step = _start(api, token, kind="chapter", module="contest-regs", chapter=1)
    assert (step["title"], step["total"], step["position"], step["answered"]) == ("第1章 总则", 6, 0, 0)
    assert "correct_answer" not in step["question"] and "explanation_html" not in step["question"]
    assert api.get("/practice/sets/current", token, query_string={"token": step["token"]}).get_json() == step
    assert _answers(db) == 0  # starting and reading write nothing
    for n in range(6):
        clock.set(clock.now + timedelta(seconds=10))
        response = _answer(api, token, step, KEY if n else "A")
        assert response.status_code == 200, response.get_json()
        conforms(response.get_json(), "PracticeAnswered")
        feedback, step = response.get_json()["feedback"], response.get_json()["set"]
        assert feedback["correct"] is (n > 0) and feedback["correct_answer"] == KEY and feedback["explanation_html"]
        assert (step["position"], step["answered"], step["correct"]) == (n + 1, n + 1, n)
    assert step["question"] is None and step["position"] == step["total"] == 6
    finished = _answer(api, token, step)
    assert finished.status_code == 409 and finished.get_json()["error"]["message"] == "本组练习已经答完"
    assert _answers(db) == 6 and db.session.query(WrongAnswer).count() == 1


def test_an_answer_sent_again_is_answered_once(db, api, token, contest_bank, clock):
    """A retried request (the first response was lost) gets the first answer's feedback and the same next step."""
    step = _start(api, token, kind="article", module="contest-regs", article=5)
    clock.set(clock.now + timedelta(seconds=10))
    first = _answer(api, token, step, "A").get_json()
    clock.set(clock.now + timedelta(seconds=10))
    again = _answer(api, token, step, KEY)
    assert again.status_code == 200
    assert again.get_json()["feedback"] == first["feedback"] and first["feedback"]["correct"] is False
    unsealed = [sealed.unseal(body["set"]["token"]) for body in (first, again.get_json())]
    assert unsealed[0] == unsealed[1] and unsealed[0]["i"] == 1
    assert {k: v for k, v in again.get_json()["set"].items() if k != "token"} == {
        k: v for k, v in first["set"].items() if k != "token"}
    assert _answers(db) == 1 and db.session.query(WrongAnswer).one().wrong_count == 1
    clock.set(clock.now + timedelta(seconds=10))
    assert _answer(api, token, first["set"]).get_json()["feedback"]["question_id"] != first["feedback"]["question_id"]
    assert _answers(db) == 2


def test_random_and_book_sets(db, api, token, member_a, contest_bank, clock):
    step = _start(api, token, kind="random", count=5)
    assert step["total"] == 5 and step["title"] == "随机练习"
    missing = api.post("/practice/sets", token, json={"kind": "book"})
    assert missing.status_code == 404 and missing.get_json()["error"]["message"] == "这里还没有可练习的题目"
    clock.set(clock.now + timedelta(seconds=10))
    missed = _answer(api, token, step, "A").get_json()["feedback"]["question_id"]
    book = _start(api, token, kind="book")
    assert book["total"] == 1 and book["question"]["id"] == missed and book["title"] == "错题重练"
    chapter_of_missed = 1 + [q.id for q in contest_bank[1]].index(missed) % 2  # as contest_bank lays them out
    chapter = _start(api, token, kind="book", module="contest-regs", chapter=chapter_of_missed)
    assert chapter["question"]["id"] == missed
    assert api.get("/practice", token).get_json()["book_count"] == 1


@pytest.mark.parametrize("body,status", [
    ({}, 422), ({"kind": "everything"}, 422), ({"kind": "chapter", "chapter": 1}, 422),
    ({"kind": "chapter", "module": "contest-regs"}, 422), ({"kind": "chapter", "module": 5, "chapter": 1}, 422),
    ({"kind": "article", "module": "contest-regs", "article": True}, 422),
    ({"kind": "chapter", "module": "contest-regs", "chapter": 2**64}, 422),
    ({"kind": "random", "count": 0}, 422), ({"kind": "random", "count": 51}, 422), ({"kind": "random"}, 422),
    ({"kind": "chapter", "module": "contest-regs", "chapter": 9}, 404),
    ({"kind": "chapter", "module": "no-such", "chapter": 1}, 404),
    ({"kind": "chapter", "module": "contest\x00regs", "chapter": 1}, 404),
    ({"kind": "book", "module": "no-such"}, 404),
])
def test_a_set_that_cannot_be_started(api, token, contest_bank, body, status):
    response = api.post("/practice/sets", token, json=body)
    assert response.status_code == status and response.get_json()["error"]["message"]


def test_another_branchs_module_is_not_practised(db, api, token, contest_bank, branch_b):
    db.session.add(ModuleAudience(module_id=contest_bank[0].id, unit_id=branch_b.id))
    db.session.commit()
    for body in ({"kind": "chapter", "module": "contest-regs", "chapter": 1}, {"kind": "random", "count": 5},
                 {"kind": "book", "module": "contest-regs"}):
        assert api.post("/practice/sets", token, json=body).status_code == 404
    assert api.get("/practice", token).get_json()["modules"] == []


def test_another_members_or_a_forged_set_is_404(db, api, token, member_b, contest_bank):
    step = _start(api, token, kind="chapter", module="contest-regs", chapter=1)
    theirs = api.token(member_b)
    for token_used, set_token in ((theirs, step["token"]), (token, step["token"][:-2] + "xx"), (token, "x")):
        assert api.get("/practice/sets/current", token_used, query_string={"token": set_token}).status_code == 404
        refused = api.post("/practice/sets/answer", token_used, json={"token": set_token, "answer": KEY})
        assert refused.status_code == 404 and refused.get_json()["error"]["message"] == "练习不存在或已失效，请重新开始"
    assert _answers(db) == 0


def test_bad_answers_are_refused_and_not_kept(db, api, token, contest_bank):
    step = _start(api, token, kind="chapter", module="contest-regs", chapter=1)
    assert api.get("/practice/sets/current", token).status_code == 422
    for body in ({"token": step["token"]}, {"answer": KEY}, {"token": 5, "answer": KEY},
                 {"token": step["token"], "answer": ["B"]}, {"token": step["token"], "answer": ""}):
        refused = api.post("/practice/sets/answer", token, json=body)
        assert refused.status_code == 422 and refused.get_json()["error"]["message"], body
    assert api.post("/practice/sets/answer", token, data="{", content_type="application/json").status_code == 400
    assert _answers(db) == 0


def test_a_question_no_longer_available_is_passed_over(db, api, token, contest_bank, clock):
    _module, questions = contest_bank
    step = _start(api, token, kind="chapter", module="contest-regs", chapter=1)
    chapter_ids = [q.id for q in questions[::2]]  # contest_bank: the even ones are in chapter 1
    db.session.get(Question, chapter_ids[1]).status = "retired"
    db.session.commit()
    clock.set(clock.now + timedelta(seconds=10))
    after = _answer(api, token, step).get_json()["set"]
    assert after["position"] == 2 and after["question"]["id"] == chapter_ids[2]


def test_the_website_takes_the_apis_sets(client, auth, api, token, member_a, contest_bank):
    step = _start(api, token, kind="chapter", module="contest-regs", chapter=1)
    auth.login(member_a)
    page = client.get("/practice/run", query_string={"s": step["token"]}).get_data(as_text=True)
    assert "第 1 / 6 题" in page and "第1题" in page


# ---- the key rule: a question on an exam paper of mine that is open ---------------------------------


@pytest.fixture
def open_paper(api, token, contest_bank, make_exam, make_sitting, branch_a):
    """Member A's attempt in progress at an exam of the bank's first two chapter-1 questions."""
    module, questions = contest_bank
    on_paper = [questions[0], questions[2]]
    exam = make_exam(module, branch_a, fixed=[(q, 1) for q in on_paper])
    sitting = make_sitting(exam, units=[branch_a], opens_at=FIXED_NOW - timedelta(hours=1))
    assert api.post(f"/sittings/{sitting.id}/attempts", token).status_code == 201
    return [q.id for q in on_paper]


def test_questions_on_my_open_paper_are_not_handed_out_or_answered(db, app, api, token, member_a, open_paper, clock):
    step = _start(api, token, kind="chapter", module="contest-regs", chapter=1)
    assert step["total"] == 4 and step["question"]["id"] not in open_paper
    with app.test_request_context():
        forged_order = sealed.dump_set(member_a.id, "练习", [*open_paper, step["question"]["id"]], FIXED_NOW)
    current = api.get("/practice/sets/current", token, query_string={"token": forged_order}).get_json()
    assert current["position"] == 2 and current["question"]["id"] == step["question"]["id"]
    clock.set(clock.now + timedelta(seconds=10))
    refused = api.post("/practice/sets/answer", token, json={"token": forged_order, "answer": KEY})
    assert refused.status_code == 404 and "correct_answer" not in refused.get_data(as_text=True)
    assert _answers(db) == 0


def test_a_question_put_on_my_paper_mid_set_is_withheld(db, api, token, contest_bank, make_exam, make_sitting,
                                                          branch_a, clock):
    module, _questions = contest_bank
    step = _start(api, token, kind="chapter", module="contest-regs", chapter=1)
    current = db.session.get(Question, step["question"]["id"])
    exam = make_exam(module, branch_a, fixed=[(current, 1)])
    sitting = make_sitting(exam, units=[branch_a])
    assert api.post(f"/sittings/{sitting.id}/attempts", token).status_code == 201
    clock.set(clock.now + timedelta(seconds=10))
    refused = _answer(api, token, step)
    assert refused.status_code == 404 and "correct_answer" not in refused.get_data(as_text=True)
    moved = api.get("/practice/sets/current", token, query_string={"token": step["token"]}).get_json()
    assert moved["position"] == 1 and moved["question"]["id"] != current.id
