"""Practice and wrong-answer book pages, driven as a browser without JavaScript would."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from studyapp.models import PracticeAnswer, WrongAnswer


@pytest.fixture
def bank(make_module, make_practice_question):
    module = make_module()
    return module, [
        make_practice_question(module, "single", chapter=1, article=1, explanation="支部委员会由五人组成。"),
        make_practice_question(module, "true_false", chapter=1, article=2, stem="党员大会每季度召开一次。"),
    ]


def _token(html: str) -> str:
    return unescape(re.search(r'name="s" value="([^"]+)"', html).group(1))


def _start(client, **query):
    response = client.get("/practice/start", query_string=query)
    assert response.status_code == 302, response.data
    return client.get(response.headers["Location"])


def test_practice_home_lists_chapters_articles_and_needs_login(client, auth, member_a, bank):
    assert client.get("/practice/").status_code == 302
    auth.login(member_a)
    page = client.get("/practice/").get_data(as_text=True)
    assert "第1章 总则" in page and "第1条 · 1" in page and "开始随机练习" in page
    assert 'href="/practice/"' in page  # in the navigation as 练习
    assert "错题本" in page


def test_answer_a_question_and_see_the_key_explanation_and_article(db, client, auth, member_a, bank):
    _module, (single, true_false) = bank
    auth.login(member_a)
    page = _start(client, kind="chapter", module="branch-regs", chapter=1).get_data(as_text=True)
    assert "支部委员会由几人组成？" in page and "第 1 / 2 题" in page
    assert "见第一条" not in page and "支部委员会由五人组成" not in page  # no explanation before answering
    response = client.post("/practice/run", data={"s": _token(page), "answer": "A"})
    assert response.status_code == 302
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "回答错误，已记入错题本" in feedback
    assert "A. 三人" in feedback and "B. 五人" in feedback and "支部委员会由五人组成。" in feedback
    assert 'href="/study/branch-regs/1#art-1"' in feedback
    db.session.rollback()  # end the test session's read snapshot
    entry = db.session.query(WrongAnswer).filter_by(user_id=member_a.id, question_id=single.id).one()
    assert entry.last_response == "A"
    # Next question, answered right; then the summary.
    next_url = re.search(r'href="(/practice/run\?s=[^"]+)"', feedback).group(1)
    page = client.get(unescape(next_url)).get_data(as_text=True)
    assert "党员大会每季度召开一次。" in page and "第 2 / 2 题" in page
    response = client.post("/practice/run", data={"s": _token(page), "answer": "true"})
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "回答正确" in feedback and "查看练习结果" in feedback
    done_url = re.search(r'href="(/practice/run\?s=[^"]+)"', feedback).group(1)
    done = client.get(unescape(done_url)).get_data(as_text=True)
    assert "共答 2 题，答对 1 题，正确率 50%" in done
    db.session.rollback()
    assert db.session.query(PracticeAnswer).filter_by(user_id=member_a.id).count() == 2


def test_empty_answer_is_refused_with_a_message(db, client, auth, member_a, bank):
    auth.login(member_a)
    page = _start(client, kind="article", module="branch-regs", article=1).get_data(as_text=True)
    response = client.post("/practice/run", data={"s": _token(page)})
    assert response.status_code == 422 and "请先作答" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.query(PracticeAnswer).count() == 0


def test_a_form_sent_twice_is_answered_once(db, client, auth, member_a, bank, clock):
    """The second send (a double click, the back button) shows the first answer; nothing is counted twice."""
    auth.login(member_a)
    page = _start(client, kind="chapter", module="branch-regs", chapter=1).get_data(as_text=True)
    clock.set(clock.now + timedelta(seconds=5))
    first = client.post("/practice/run", data={"s": _token(page), "answer": "A"})
    clock.set(clock.now + timedelta(seconds=5))
    again = client.post("/practice/run", data={"s": _token(page), "answer": "B"})
    assert again.status_code == 302
    assert re.search(r"a=(\d+)", again.headers["Location"]).group(1) == re.search(r"a=(\d+)",
                                                                                first.headers["Location"]).group(1)
    assert "回答错误" in client.get(again.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    assert db.session.query(PracticeAnswer).count() == 1
    assert db.session.query(WrongAnswer).one().wrong_count == 1


def test_a_forged_or_foreign_token_is_404(client, auth, member_a, member_b, bank):
    auth.login(member_a)
    token = _token(_start(client, kind="random", count=10).get_data(as_text=True))
    assert client.get("/practice/run", query_string={"s": token + "x"}).status_code == 404
    auth.logout()
    auth.login(member_b)
    assert client.get("/practice/run", query_string={"s": token}).status_code == 404


def test_feedback_of_another_member_is_404(db, client, auth, member_a, member_b, bank):
    auth.login(member_a)
    page = _start(client, kind="chapter", module="branch-regs", chapter=1).get_data(as_text=True)
    location = client.post("/practice/run", data={"s": _token(page), "answer": "B"}).headers["Location"]
    auth.logout()
    auth.login(member_b)
    db.session.rollback()
    answer_id = db.session.query(PracticeAnswer).one().id
    token = _token(_start(client, kind="chapter", module="branch-regs", chapter=1).get_data(as_text=True))
    assert client.get("/practice/feedback", query_string={"s": token, "a": answer_id}).status_code == 404
    assert location  # member A's own feedback URL was issued


def test_nothing_to_practise_returns_to_the_home_with_a_message(client, auth, member_a, bank):
    auth.login(member_a)
    response = client.get("/practice/start", query_string={"kind": "book"}, follow_redirects=True)
    assert "这里还没有可练习的题目" in response.get_data(as_text=True)


def test_wrong_book_lists_misses_and_repractises_them(db, client, auth, member_a, member_b, bank):
    _module, (single, _tf) = bank
    auth.login(member_a)
    page = _start(client, kind="chapter", module="branch-regs", chapter=1).get_data(as_text=True)
    client.post("/practice/run", data={"s": _token(page), "answer": "C"})
    book = client.get("/wrong-book/").get_data(as_text=True)
    assert "答错 1 次" in book and "C. 七人" in book and "B. 五人" in book and "（练习）" in book
    assert "支部委员会由五人组成。" in book and 'href="/study/branch-regs/1#art-1"' in book
    assert "重新练习错题（1）" in book
    # Re-practise the book: right twice in a row resolves it.
    for _ in range(2):
        page = _start(client, kind="book").get_data(as_text=True)
        client.post("/practice/run", data={"s": _token(page), "answer": "B"})
    db.session.rollback()  # end the test session's read snapshot
    assert db.session.query(WrongAnswer).one().resolved_at is not None
    assert "没有未掌握的错题" in client.get("/wrong-book/").get_data(as_text=True)
    assert "已掌握" in client.get("/wrong-book/?all=1").get_data(as_text=True)
    auth.logout()
    auth.login(member_b)
    assert "错题本是空的" in client.get("/wrong-book/?all=1").get_data(as_text=True)
    assert client.post(f"/wrong-book/{single.id}/resolve").status_code == 404


def test_resolve_by_hand(db, client, auth, member_a, bank):
    _module, (single, _tf) = bank
    auth.login(member_a)
    page = _start(client, kind="chapter", module="branch-regs", chapter=1).get_data(as_text=True)
    client.post("/practice/run", data={"s": _token(page), "answer": "C"})
    response = client.post(f"/wrong-book/{single.id}/resolve", follow_redirects=True)
    assert "已标记为掌握" in response.get_data(as_text=True)
