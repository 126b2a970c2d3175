"""The member home page: every block shows what there is, and says so when there is nothing."""
from __future__ import annotations

from datetime import timedelta

from fixtures_contests import KEY, NOW
from studyapp.services import wrong_book


def test_empty_home_degrades_gracefully(client, auth, member_a, clock):
    auth.login(member_a)
    page = client.get("/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for empty in ("目前没有待参加的考试", "目前没有进行中的竞赛", "暂无学习任务", "还没有成绩记录"):
        assert empty in text
    assert "0 天" in text and "0 题" in text and 'id="home-manage"' not in text
    assert "常用入口" not in text  # the nav already lists every area


def test_home_shows_contests_modules_daily_streak_reviews_and_scores(client, auth, db, member_a, make_contest,
                                                                     contest_bank, clock):
    module, questions = contest_bank
    contest = make_contest()
    wrong_book.record_results(db.session, member_a.id, [(q.id, q.current_version_id, False) for q in questions[:2]],
                              NOW - timedelta(hours=1), source="exam")
    db.session.commit()
    auth.login(member_a)
    text = client.get("/").get_data(as_text=True)
    assert contest.title in text and module.title in text and "已学 0/2 章" in text
    assert "2 题" in text  # two missed questions due for review today
    # Do today's practice: five answers through the page.
    for position in range(5):
        client.post("/daily/answer", data={"position": position, "answer": KEY})
    done = client.get("/daily/").get_data(as_text=True)
    assert "今日练习已完成" in done and "已连续练习 <strong>1</strong> 天" in done
    # Play a contest round, then the home page lists the score.
    client.post(f"/contests/{contest.id}/start")
    for position in range(1, 4):
        client.get("/contests/rounds/1")
        clock.now += timedelta(seconds=3)
        client.post("/contests/rounds/1/answer", data={"position": position, "answer": KEY})
    text = client.get("/").get_data(as_text=True)
    assert "1 天" in text and "已完成" in text
    assert "答对 3/3 题" in text


def test_review_page_reschedules_a_missed_question(client, auth, db, member_a, contest_bank, clock):
    _, questions = contest_bank
    q = questions[0]
    wrong_book.record_results(db.session, member_a.id, [(q.id, q.current_version_id, False)],
                              NOW - timedelta(hours=1), source="exam")
    db.session.commit()
    auth.login(member_a)
    page = client.get("/daily/review").get_data(as_text=True)
    assert "今日待复习 1 题" in page
    answered = client.post(f"/daily/review/{q.id}", data={"answer": KEY}).get_data(as_text=True)
    assert "回答正确" in answered and "下次复习" in answered
    assert "现在没有需要复习的错题" in client.get("/daily/review").get_data(as_text=True)


def test_organizer_sees_management_shortcuts(client, auth, organizer_a, clock):
    auth.login(organizer_a)
    text = client.get("/").get_data(as_text=True)
    assert 'id="home-manage"' in text and "竞赛管理" in text
