"""Contest pages: members play by plain form posts on the server's clock; boards frozen for members only."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from fixtures_contests import KEY, NOW
from tests.conftest import PG_URL


def _play_round(client, db, contest, clock, delay=3, response=KEY):
    page = client.post(f"/contests/{contest.id}/start")
    assert page.status_code == 302
    play_url = page.headers["Location"]
    for position in range(1, contest.questions_per_round + 1):
        shown = client.get(play_url)
        assert f"第 {position} / {contest.questions_per_round} 题" in shown.get_data(as_text=True)
        clock.now += timedelta(seconds=delay)
        client.post(play_url + "/answer", data={"position": position, "answer": response})
        clock.now += timedelta(seconds=1)
    return client.get(play_url).get_data(as_text=True)


def test_member_plays_a_round_and_sees_rank(client, auth, db, member_a, make_contest, clock):
    contest = make_contest()
    auth.login(member_a)
    assert contest.title in client.get("/contests/").get_data(as_text=True)
    result = _play_round(client, db, contest, clock)
    assert "答对 <strong>3</strong> / 3 题" in result
    board = client.get(f"/contests/{contest.id}/board").get_data(as_text=True)
    assert "我的排名：第 <strong>1</strong> 名" in board and "第一党支部" in board


def test_late_answer_via_page_scores_nothing(client, auth, db, member_a, make_contest, clock):
    contest = make_contest(questions_per_round=1, seconds_per_question=10, latency_allowance_seconds=1)
    auth.login(member_a)
    client.post(f"/contests/{contest.id}/start")
    page = client.get("/contests/rounds/1")
    assert 'data-remaining-ms="10000"' in page.get_data(as_text=True)
    clock.now += timedelta(seconds=12)
    answered = client.post("/contests/rounds/1/answer", data={"position": 1, "answer": KEY}, follow_redirects=True)
    text = answered.get_data(as_text=True)
    assert "超时作答，本题不计分" in text and "查看本轮成绩" in text
    assert "答对 <strong>0</strong> / 1 题" in client.get("/contests/rounds/1").get_data(as_text=True)


def test_after_an_answer_the_key_shows_and_the_next_clock_waits(client, auth, db, member_a, make_contest, clock):
    from studyapp.models.contests import RoundQuestion

    contest = make_contest(seconds_per_question=20)
    auth.login(member_a)
    client.post(f"/contests/{contest.id}/start")
    client.get("/contests/rounds/1")
    # Asking for question 1's outcome before it is settled shows the question again, never its key.
    early = client.get("/contests/rounds/1?after=1").get_data(as_text=True)
    assert "正确答案" not in early and 'id="contest-form"' in early
    clock.now += timedelta(seconds=3)
    answered = client.post("/contests/rounds/1/answer", data={"position": 1, "answer": "A" if KEY != "A" else "B"})
    assert answered.headers["Location"].endswith("/contests/rounds/1?after=1")
    page = client.get(answered.headers["Location"]).get_data(as_text=True)
    assert "回答错误" in page and "正确答案" in page and "下一题" in page
    clock.now += timedelta(minutes=5)  # reading the answer takes no time from question 2
    db.session.commit()
    second = db.session.query(RoundQuestion).filter_by(position=2).one()
    assert second.shown_at is None
    nxt = client.get("/contests/rounds/1").get_data(as_text=True)
    assert "第 2 / 3 题" in nxt and 'data-remaining-ms="20000"' in nxt
    assert "服务器时间" not in nxt  # plain words: how long each question has


def test_branch_table_shows_my_finished_round_at_once(client, auth, db, member_a, make_contest, clock):
    contest = make_contest()
    auth.login(member_a)
    before = client.get(f"/contests/{contest.id}/board").get_data(as_text=True)  # caches the branch rows
    assert "<td>0/" in before
    _play_round(client, db, contest, clock)
    board = client.get(f"/contests/{contest.id}/board").get_data(as_text=True)
    mine = board.split('class="contest-me"')[-1].split("</tr>")[0]
    assert "第一党支部" in mine and "<td>1/" in mine  # inside the 30 s cache, my own branch is fresh


def test_member_outside_the_audience_gets_404(client, auth, member_b, branch_a, make_contest, clock):
    contest = make_contest(audience=[branch_a])
    auth.login(member_b)
    assert client.get(f"/contests/{contest.id}").status_code == 404
    assert client.post(f"/contests/{contest.id}/start").status_code == 404
    assert contest.title not in client.get("/contests/").get_data(as_text=True)


def test_freeze_hides_late_rounds_from_members_not_organizers(app, db, auth, member_a, member_b, admin,
                                                             make_contest, clock, org):
    contest = make_contest(closes_at=NOW + timedelta(hours=1), freeze_minutes=30)
    first = app.test_client()
    from conftest import AuthActions

    AuthActions(first).login(member_a)
    _play_round(first, db, contest, clock, delay=5)
    clock.now = NOW + timedelta(minutes=40)  # inside the freeze
    second = app.test_client()
    AuthActions(second).login(member_b)
    _play_round(second, db, contest, clock, delay=2)
    public = second.get(f"/contests/{contest.id}/board").get_data(as_text=True)
    assert "已封榜" in public and "<td>乙党员</td>" not in public and "<td>甲党员</td>" in public
    organizer = app.test_client()
    AuthActions(organizer).login(admin)
    live = organizer.get(f"/manage/contests/{contest.id}").get_data(as_text=True)
    assert "<td>乙党员</td>" in live and "<td>甲党员</td>" in live and "党员端已封榜" in live


def test_organizer_creates_contest_clears_flag_and_exports(client, auth, db, organizer_a, branch_a, contest_bank,
                                                           member_a, clock, app):
    module, _ = contest_bank
    auth.login(organizer_a)
    bad = client.post("/manage/contests/new", data={
        "title": "竞赛", "owner_unit_id": branch_a.id, "module_id": module.id, "chapters": "", "questions_per_round": 50,
        "seconds_per_question": 20, "latency_allowance_seconds": 2, "opens_at": "2026-05-01T15:00",
        "closes_at": "2026-05-01T14:00", "freeze_minutes": 0, "max_rounds_per_member": 3,
        "fast_answer_seconds": 1.5, "units": [branch_a.id]})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "结束时间应晚于开始时间" in text
    created = client.post("/manage/contests/new", data={
        "title": "五月竞赛", "owner_unit_id": branch_a.id, "module_id": module.id, "chapters": "1", "questions_per_round": 3,
        "seconds_per_question": 20, "latency_allowance_seconds": 2, "opens_at": "2026-05-01T15:00",
        "closes_at": "2026-05-01T18:00", "freeze_minutes": 10, "max_rounds_per_member": 2,
        "fast_answer_seconds": 1.5, "units": [branch_a.id]})
    assert created.status_code == 302, created.get_data(as_text=True)[-3000:]
    contest_url = created.headers["Location"]
    from studyapp.models.contests import Contest

    db.session.commit()  # end the test's read snapshot: the request committed on its own connection
    contest = db.session.query(Contest).one()
    assert contest.chapters == [1] and contest.opens_at == NOW + timedelta(hours=-1)  # 15:00 Shanghai = 07:00 UTC
    member = app.test_client()
    from conftest import AuthActions

    AuthActions(member).login(member_a)
    _play_round(member, db, contest, clock, delay=0.2)  # faster than anyone can read
    monitor = client.get(contest_url).get_data(as_text=True)
    assert "答题过快" in monitor and "待复核（1）" in monitor
    client.post(f"{contest_url}/rounds/1/clear")
    monitor = client.get(contest_url).get_data(as_text=True)
    assert "待复核（0）" in monitor and "甲党员" in monitor
    csv = client.get(f"{contest_url}/export.csv")
    assert csv.status_code == 200 and "甲党员" in csv.get_data(as_text=True)
    assert "名次" in csv.get_data(as_text=True)
    xlsx = client.get(f"{contest_url}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_other_branch_organizer_and_members_are_kept_out(client, auth, organizer_b, member_a, make_contest,
                                                         branch_a):
    contest = make_contest(owner_unit_id=branch_a.id, audience=[branch_a])
    auth.login(organizer_b)
    assert client.get(f"/manage/contests/{contest.id}").status_code == 404
    auth.logout()
    auth.login(member_a)
    assert client.get(f"/manage/contests/{contest.id}").status_code == 403


@pytest.fixture
def commit_elsewhere_before(db):
    """commit_elsewhere_before("UPDATE round_questions"): just before the app first runs such a statement,
    another connection commits a write, as another member's request would at that moment."""
    import sqlite3

    from sqlalchemy import event

    engine = db.engine
    seen = {"done": False, "other_committed": None}

    def arm(prefix: str):
        def before(conn, cursor, statement, params, context, executemany):
            if seen["done"] or not statement.lstrip().upper().startswith(prefix):
                return
            seen["done"] = True
            other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                # A real change: SQLite notices no write that leaves the values as they were.
                other.execute("UPDATE users SET phone = hex(randomblob(4)) WHERE id = (SELECT max(id) FROM users)")
                other.execute("COMMIT")
                seen["other_committed"] = True
            except sqlite3.OperationalError:  # the app holds the write lock already: the other one waits
                seen["other_committed"] = False
            finally:
                other.close()

        event.listen(engine, "before_cursor_execute", before)
        return seen

    return arm


@pytest.mark.skipif(bool(PG_URL), reason="SQLite only: a reader cannot become a writer after another commit")
def test_question_page_starts_its_clock_while_others_commit(client, auth, db, member_a, make_contest, clock,
                                                              commit_elsewhere_before):
    contest = make_contest()
    auth.login(member_a)
    play_url = client.post(f"/contests/{contest.id}/start").headers["Location"]
    seen = commit_elsewhere_before("UPDATE ROUND_QUESTIONS")
    page = client.get(play_url)
    assert seen["done"], "the page did not start the question's clock"
    assert page.status_code == 200 and "第 1 / 3 题" in page.get_data(as_text=True)


@pytest.mark.skipif(bool(PG_URL), reason="SQLite only: a reader cannot become a writer after another commit")
def test_board_refreshes_branch_standings_while_others_commit(client, auth, db, member_a, make_contest, clock,
                                                               commit_elsewhere_before):
    contest = make_contest()
    auth.login(member_a)
    _play_round(client, db, contest, clock)
    clock.now += timedelta(minutes=5)  # the branch cache (if any) is stale
    seen = commit_elsewhere_before("INSERT INTO CONTEST_BRANCH_CACHE")
    board = client.get(f"/contests/{contest.id}/board")
    assert seen["done"] and board.status_code == 200
    assert "第一党支部" in board.get_data(as_text=True)


def test_contest_form_starts_from_the_published_bank_and_refuses_an_empty_one(client, auth, db, organizer_a, branch_a,
                                                                               contest_bank, make_module):
    module, _ = contest_bank
    empty = make_module(slug="aa-empty", status="draft")
    empty.order = -1  # listed first, as a freshly made draft module would be
    db.session.commit()
    auth.login(organizer_a)
    form = client.get("/manage/contests/new").get_data(as_text=True)
    assert re.search(rf'<option selected value="{module.id}"|value="{module.id}" selected', form)
    assert re.search(rf'checked[^>]*value="{branch_a.id}"|value="{branch_a.id}"[^>]*checked', form)
    refused = client.post("/manage/contests/new", data={
        "title": "空题库竞赛", "owner_unit_id": branch_a.id, "module_id": empty.id, "chapters": "", "questions_per_round": 5,
        "seconds_per_question": 20, "latency_allowance_seconds": 2, "opens_at": "2026-05-01T15:00",
        "closes_at": "2026-05-01T18:00", "freeze_minutes": 0, "max_rounds_per_member": 3,
        "fast_answer_seconds": 1.5, "units": [branch_a.id]})
    assert refused.status_code == 422 and "所选范围只有0道题，少于每轮题数" in refused.get_data(as_text=True)
