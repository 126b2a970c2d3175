"""The wrong-answer book as one entry: today's review, the misses a page at a time, blanks not counted as 答错."""
from __future__ import annotations

from datetime import timedelta

from fixtures_contests import NOW
from studyapp.services import wrong_book


def _current_nav(html: str) -> list[str]:
    nav = html.split('aria-label="主导航"')[1].split("</nav>")[0]
    return [part.split(">")[1].split("<")[0] for part in nav.split('aria-current="page"')[1:]]


def test_book_leads_with_todays_review_and_pages_its_misses(client, auth, db, member_a, contest_bank, clock):
    _, questions = contest_bank
    wrong_book.record_results(db.session, member_a.id, [(q.id, q.current_version_id, False, "A") for q in questions],
                              NOW - timedelta(hours=1), source="exam")
    db.session.commit()
    auth.login(member_a)
    first = client.get("/wrong-book/").get_data(as_text=True)
    assert "今日复习 <strong>12</strong> 题" in first and "开始今日复习" in first
    assert first.count('class="panel book-entry"') == 10 and "第 1 / 2 页，共 12 条" in first
    assert _current_nav(first) == ["错题本"]
    second = client.get("/wrong-book/?page=2").get_data(as_text=True)
    assert second.count('class="panel book-entry"') == 2
    assert client.get("/wrong-book/?page=99").status_code == 200  # past the end: the last page
    # 错题复习 belongs to the book: the nav says so.
    review = client.get("/daily/review").get_data(as_text=True)
    assert _current_nav(review) == ["错题本"] and "返回错题本" in review
    assert _current_nav(client.get("/daily/").get_data(as_text=True)) == ["每日一练"]


def test_an_unanswered_exam_question_is_not_counted_as_wrong(client, auth, db, member_a, contest_bank, clock):
    _, (blank, wrong, *_) = contest_bank
    wrong_book.record_results(db.session, member_a.id, [(blank.id, blank.current_version_id, False, None),
                                                        (wrong.id, wrong.current_version_id, False, "A")],
                              NOW - timedelta(hours=1), source="exam")
    db.session.commit()
    auth.login(member_a)
    entries = client.get("/wrong-book/").get_data(as_text=True).split('class="panel book-entry"')[1:]
    by_stem = {("blank" if "第1题：" in e else "wrong"): e for e in entries}
    assert "答错" not in by_stem["blank"].split("</p>")[0] and "考试中未作答" in by_stem["blank"]
    assert "答错 1 次" in by_stem["wrong"]
    # A later wrong answer to the blank one counts once.
    db.session.rollback()  # end the test session's snapshot: requests committed since
    wrong_book.record_results(db.session, member_a.id, [(blank.id, blank.current_version_id, False, "C")], NOW,
                              source="practice")
    db.session.commit()
    page = client.get("/wrong-book/").get_data(as_text=True)
    assert page.count("答错 1 次") == 2
