"""Answering a question looks and works the same in practice, daily review and contests (one partial, one parser)."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from werkzeug.datastructures import MultiDict

from studyapp.services import wrong_book
from studyapp.web.answer_forms import response_from_form
from tests.fixtures_contests import KEY, NOW

#: A right answer for each type, as a browser posts it (the fixtures' default keys).
RIGHT = {"single": {"answer": "B"}, "multiple": {"answer": ["A", "C"]}, "true_false": {"answer": "true"},
         "fill_blank": {"blank": ["３", "五"]}}
LEGENDS = {"单选题": "single", "多选题": "multiple", "判断题": "true_false", "填空题": "fill_blank"}


@pytest.fixture
def four_types(make_module, make_practice_question):
    module = make_module()
    for qtype in ("single", "multiple", "true_false"):
        make_practice_question(module, qtype, chapter=1, article=1)
    make_practice_question(module, "fill_blank", chapter=1, article=2, stem="不超过___人，每___召开。",
                           answer=[["三", "3"], ["五"]])
    return module


def _legend(html: str) -> str:
    return re.search(r'<legend class="practice-type">([^<]+)', html).group(1)


def test_each_type_gets_its_own_labelled_inputs_and_a_right_answer_is_graded_right(client, auth, member_a,
                                                                                   four_types):
    auth.login(member_a)
    page = client.get(client.get("/practice/start?kind=chapter&module=branch-regs&chapter=1")
                      .headers["Location"]).get_data(as_text=True)
    seen = set()
    for _ in range(4):
        qtype = LEGENDS[_legend(page)]
        seen.add(qtype)
        assert '<fieldset class="question" aria-describedby="question-stem">' in page
        assert 'id="question-stem"' in page
        if qtype == "single":
            assert page.count('type="radio" name="answer"') == 4 and "checkbox" not in page
        elif qtype == "multiple":
            assert page.count('type="checkbox" name="answer"') == 4 and "（可选多项）" in page
        elif qtype == "true_false":
            assert 'value="true"> <span>正确</span>' in page and 'value="false"> <span>错误</span>' in page
        else:
            for i in range(2):
                assert f'<label class="form-label" for="blank-{i}">第{i + 1}空</label>' in page
                assert f'id="blank-{i}" name="blank"' in page
        token = unescape(re.search(r'name="s" value="([^"]+)"', page).group(1))
        answered = client.post("/practice/run", data={"s": token, **RIGHT[qtype]})
        feedback = client.get(answered.headers["Location"]).get_data(as_text=True)
        assert "回答正确" in feedback, qtype
        page = client.get(unescape(re.search(r'href="(/practice/run\?s=[^"]+)"', feedback).group(1))).get_data(
            as_text=True)
    assert seen == set(RIGHT)
    assert "共答 4 题，答对 4 题" in page


def test_refused_answer_is_announced_with_the_question(client, auth, member_a, four_types):
    auth.login(member_a)
    page = client.get(client.get("/practice/start?kind=chapter&module=branch-regs&chapter=1")
                      .headers["Location"]).get_data(as_text=True)
    token = unescape(re.search(r'name="s" value="([^"]+)"', page).group(1))
    refused = client.post("/practice/run", data={"s": token})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'aria-describedby="question-stem answer-error"' in html and 'id="answer-error">请先作答' in html


def test_review_uses_the_same_inputs_and_feedback_as_practice(client, auth, db, member_a, contest_bank, clock):
    _, questions = contest_bank
    q = questions[0]
    wrong_book.record_results(db.session, member_a.id, [(q.id, q.current_version_id, False)],
                              NOW - timedelta(hours=1), source="exam")
    db.session.commit()
    auth.login(member_a)
    page = client.get("/daily/review").get_data(as_text=True)
    assert _legend(page) == "单选题" and page.count('type="radio" name="answer"') == 4
    wrong = client.post(f"/daily/review/{q.id}", data={"answer": "A"}).get_data(as_text=True)
    # The same feedback as after practice: verdict, key, explanation under its heading, link to the article.
    assert "回答错误，已记入错题本" in wrong and "B. 五人" in wrong
    assert '<h2 class="h6">解析</h2>' in wrong and 'href="/study/contest-regs/1#art-1"' in wrong


def test_contest_question_uses_the_shared_inputs(client, auth, member_a, make_contest, clock):
    contest = make_contest()
    auth.login(member_a)
    play_url = client.post(f"/contests/{contest.id}/start").headers["Location"]
    page = client.get(play_url).get_data(as_text=True)
    assert _legend(page) == "单选题" and page.count('type="radio" name="answer"') == 4
    assert 'id="question-stem"' in page
    answered = client.post(play_url + "/answer", data={"position": 1, "answer": KEY}, follow_redirects=True)
    assert "回答正确" in answered.get_data(as_text=True) and "正确答案" in answered.get_data(as_text=True)


@pytest.mark.parametrize(("qtype", "fields", "expected"), [
    ("single", {}, None),
    ("single", {"answer": "B"}, "B"),
    ("multiple", {"answer": ["A", "C"]}, ["A", "C"]),
    ("multiple", {}, []),
    ("true_false", {"answer": "false"}, False),
    ("true_false", {"answer": "maybe"}, None),
    ("fill_blank", {"blank": ["三", "五"]}, ["三", "五"]),
    ("fill_blank", {"blank": ["三"]}, ["", ""]),  # a tampered form counts as unanswered, never misaligned
])
def test_form_fields_become_the_graders_response_shape(qtype, fields, expected):
    assert response_from_form(qtype, MultiDict(fields), 2) == expected
