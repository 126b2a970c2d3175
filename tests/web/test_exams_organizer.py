"""Organizer exam pages: create by rules or fixed list, preview with shortages, sittings, planner, make-up, scope."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from studyapp.models.exams import Exam, Sitting
from studyapp.services import exams as svc
from tests.conftest import FIXED_NOW


@pytest.fixture
def bank(make_module, make_question):
    module = make_module(slug="org-bank")
    for n in range(6):
        make_question(module, qtype="single", chapter=1, key=f"q-ch1-{n:03d}")
    for n in range(3):
        make_question(module, qtype="true_false", chapter=2, key=f"q-ch2-{n:03d}")
    return module


def text(response) -> str:
    """The page's words without tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))


def exam_form(module, unit, **extra):
    data = {"title": "第一章测验", "description": "", "owner_unit_id": unit.id, "module_id": module.id,
            "mode": "blueprint", "time_limit_minutes": 20, "pass_percent": 60, "attempts_allowed": 2,
            "counting": "highest", "shuffle_questions": "y", "multiple_policy": "partial",
            "review_policy": "immediate", "status": "published",
            "rule_chapter": ["1", "2", ""], "rule_article": ["", "", ""], "rule_qtype": ["single", "", ""],
            "rule_difficulty": ["", "", ""], "rule_count": ["4", "5", ""], "rule_points": ["5", "2", ""]}
    data.update(extra)
    return data


def _without_csrf(page: str) -> str:
    return re.sub(r'(name="csrf_token" value="|<meta name="csrf-token" content=")[^"]+', r"\1", page)


def test_create_exam_by_rules_and_preview_shows_shortage(client, auth, db, organizer_a, branch_a, bank):
    auth.login(organizer_a)
    # Publishing a paper the bank cannot fill is refused, naming the rule and what the bank holds.
    refused = client.post("/manage/exams/new", data=exam_form(bank, branch_a))
    assert refused.status_code == 200
    assert "不能发布" in refused.get_data(as_text=True)
    assert "规则2（第2章）需要5题，题库只有3题" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Exam)) is None
    response = client.post("/manage/exams/new", data=exam_form(bank, branch_a, status="draft"))
    assert response.status_code == 302
    db.session.rollback()  # see what the request committed
    exam = db.session.scalar(select(Exam))
    assert [(r.chapter_number, r.qtype, r.count, r.points) for r in exam.rules] == [(1, "single", 4, 5), (2, None, 5, 2)]
    assert (exam.time_limit_minutes, exam.multiple_policy, exam.shuffle_options) == (20, "partial", False)
    client.get(f"/manage/exams/{exam.id}")  # shows the flashed message
    preview = client.get(f"/manage/exams/{exam.id}/preview?seed=7").get_data(as_text=True)
    assert "规则2（第2章）需要5题，题库只有3题" in preview and "共 7 题" in preview
    # The same seed draws the same paper (the CSRF token in the page is signed with the second it was made).
    again = client.get(f"/manage/exams/{exam.id}/preview?seed=7").get_data(as_text=True)
    assert _without_csrf(again) == _without_csrf(preview)
    # Edit: replace the rules; the form shows the stored ones.
    edit = client.get(f"/manage/exams/{exam.id}/edit").get_data(as_text=True)
    assert 'value="第一章测验"' in edit and 'name="rule_count" inputmode="numeric" value="4"' in edit
    data = exam_form(bank, branch_a, rule_chapter=["2"], rule_article=[""], rule_qtype=[""], rule_difficulty=[""],
                     rule_count=["3"], rule_points=["10"], status="draft")
    assert client.post(f"/manage/exams/{exam.id}/edit", data=data).status_code == 302
    db.session.rollback()
    assert [(r.position, r.count) for r in db.session.get(Exam, exam.id).rules] == [(1, 3)]


def test_fixed_list_exam_and_bad_keys(client, auth, db, organizer_a, branch_a, bank):
    auth.login(organizer_a)
    # The picker offers the bank's questions by chapter, type and stem: nobody types an id from memory.
    form = client.get("/manage/exams/new").get_data(as_text=True)
    assert f'<datalist id="bank-{bank.id}">' in form and '<option value="q-ch1-000">第1章 单选' in form
    bad = client.post("/manage/exams/new", data=exam_form(bank, branch_a, mode="fixed",
                                                          fixed_key=["q-ch1-000", "q-nope"], fixed_points=["5", ""]))
    assert bad.status_code == 200 and "q-nope" in bad.get_data(as_text=True)
    ok = client.post("/manage/exams/new", data=exam_form(bank, branch_a, mode="fixed",
                                                         fixed_key=["q-ch1-000", "q-ch2-001", ""],
                                                         fixed_points=["5", "", ""]))
    assert ok.status_code == 302
    db.session.rollback()
    exam = db.session.scalar(select(Exam))
    assert [f.points for f in exam.fixed_questions] == [5, 1]
    edit = client.get(f"/manage/exams/{exam.id}/edit").get_data(as_text=True)
    assert re.findall(r'name="fixed_key" value="([^"]*)"', edit)[:-1] == ["q-ch1-000", "q-ch2-001"]  # last: new-row template
    assert re.findall(r'name="fixed_points" inputmode="decimal" value="([^"]*)"', edit)[:2] == ["5", "1"]


def test_rule_table_speaks_one_difficulty_vocabulary(client, auth, db, organizer_a, branch_a, bank):
    auth.login(organizer_a)
    form = client.get("/manage/exams/new").get_data(as_text=True)
    assert '<option value="1">易</option><option value="2">中</option><option value="3">难</option>' in form
    assert "data-add-row" in form and "先保存" not in form
    client.post("/manage/exams/new", data=exam_form(bank, branch_a, status="draft", rule_difficulty=["1", "", ""]))
    db.session.rollback()
    exam = db.session.scalar(select(Exam))
    assert "第1章 单选 难度易：4 题" in text(client.get(f"/manage/exams/{exam.id}"))


def test_sittings_planner_and_makeup(client, auth, db, organizer_a, admin, org, branch_a, branch_b, make_user,
                                     make_unit, bank, make_exam, app):
    app.config["CLOCK"] = lambda: FIXED_NOW
    branch_c = make_unit("第三党支部", parent=org)
    people = [make_user(branch_a) for _ in range(3)] + [make_user(branch_b) for _ in range(2)] + [make_user(branch_c)]
    exam = make_exam(bank, org, rules=[dict(count=2, points=50, chapter_number=1)])
    auth.login(admin)
    times = {"opens_at": "2026-05-01T15:00", "closes_at": "2026-05-02T15:00"}  # Asia/Shanghai local time
    response = client.post(f"/manage/exams/{exam.id}/sittings/new", data={
        "title": "第一场", **times, "units": [branch_a.id], "usernames": people[3].username})
    assert response.status_code == 302
    db.session.rollback()
    sitting = db.session.scalar(select(Sitting))
    assert sitting.opens_at == FIXED_NOW - timedelta(hours=1)  # 15:00 +08:00 = 07:00 UTC
    assert {o.sitting.id for o in svc.open_sittings_for(db.session, people[3], FIXED_NOW)} == {sitting.id}
    assert svc.open_sittings_for(db.session, people[4], FIXED_NOW) == []
    # One passes, one fails; absent: the rest of branch A (organizer A is a member too) and the listed member.
    for person, answer_right in ((people[0], True), (people[1], False)):
        attempt, _ = svc.start_attempt(db.session, person, sitting.id, FIXED_NOW)
        for item in attempt.questions:
            svc.save_answer(db.session, person, attempt.id, item.question_id, "B" if answer_right else "A", 1, FIXED_NOW)
        svc.submit_attempt(db.session, person, attempt.id, FIXED_NOW)
    db.session.commit()
    page = text(client.get(f"/manage/sittings/{sitting.id}"))
    # While the sitting is open nobody is 缺考 yet and no make-up is offered.
    assert "应考 5 人" in page and "及格 1 人 · 不及格 1 人 · 未参考 3 人" in page
    assert "缺考" not in page and "安排补考" not in page
    early = client.post(f"/manage/sittings/{sitting.id}/makeup", data=times)
    assert early.status_code == 302
    assert db.session.scalar(select(Sitting).where(Sitting.is_makeup.is_(True))) is None
    # After the close: the three who never sat are 缺考, and the make-up lists them and the one who failed.
    app.config["CLOCK"] = lambda: FIXED_NOW + timedelta(days=2)
    page = text(client.get(f"/manage/sittings/{sitting.id}"))
    assert "及格 1 人 · 不及格 1 人 · 缺考 3 人" in page and "为本场 4 名缺考或不及格的党员" in page
    later = {"opens_at": "2026-05-04T15:00", "closes_at": "2026-05-05T15:00"}
    made = client.post(f"/manage/sittings/{sitting.id}/makeup", data=later)
    assert made.status_code == 302
    db.session.rollback()
    makeup = db.session.scalar(select(Sitting).where(Sitting.is_makeup.is_(True)))
    assert makeup.makeup_of_id == sitting.id and makeup.units == []
    assert {m.user_id for m in makeup.members} == {people[1].id, people[2].id, people[3].id, organizer_a.id}
    app.config["CLOCK"] = lambda: FIXED_NOW
    # Planner, step 1: 3 branches into sittings of at most 3 members, branches kept whole, times staggered
    # (60 minutes each, 15 minutes apart); nothing is saved yet.
    plan = {"title": "分批", "opens_at": "2026-05-03T09:00", "length": 60, "gap": 15,
            "units": [branch_a.id, branch_b.id, branch_c.id], "how": "k", "amount": 3}
    proposal = client.post(f"/manage/exams/{exam.id}/plan", data=plan)
    assert proposal.status_code == 200
    body = proposal.get_data(as_text=True)
    opens = re.findall(r'name="batch_opens" value="([^"]+)"', body)
    closes = re.findall(r'name="batch_closes" value="([^"]+)"', body)
    assert opens == ["2026-05-03T09:00", "2026-05-03T10:15"] and closes == ["2026-05-03T10:00", "2026-05-03T11:15"]
    assert db.session.scalar(select(Sitting).where(Sitting.title.like("分批%"))) is None
    # Step 2: the organizer moves the second batch to the afternoon and saves.
    units = re.findall(r'name="batch_units" value="([^"]+)"', body)
    saved = client.post(f"/manage/exams/{exam.id}/plan", data={
        **plan, "save": "1", "batch_units": units, "batch_opens": [opens[0], "2026-05-03T14:00"],
        "batch_closes": [closes[0], "2026-05-03T15:00"]})
    assert saved.status_code == 302
    db.session.rollback()
    planned = db.session.scalars(select(Sitting).where(Sitting.title.like("分批%")).order_by(Sitting.id)).all()
    assert [sorted(u.unit_id for u in s.units) for s in planned] == [[branch_a.id], sorted([branch_b.id, branch_c.id])]
    assert [s.title for s in planned] == ["分批（第1场）", "分批（第2场）"]
    assert [s.opens_at.hour for s in planned] == [1, 6]  # 09:00 and 14:00 Beijing time, in UTC


def test_other_branch_organizer_gets_404(client, auth, db, organizer_a, organizer_b, branch_a, bank, make_exam,
                                         make_sitting, member_a):
    exam = make_exam(bank, branch_a, rules=[dict(count=1)])
    sitting = make_sitting(exam, units=[branch_a])
    auth.login(organizer_b)
    for url in (f"/manage/exams/{exam.id}", f"/manage/exams/{exam.id}/edit", f"/manage/exams/{exam.id}/preview",
                f"/manage/exams/{exam.id}/sittings/new", f"/manage/exams/{exam.id}/plan", f"/manage/sittings/{sitting.id}"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/manage/sittings/{sitting.id}/makeup", data={}).status_code == 404
    assert exam.title not in client.get("/manage/exams").get_data(as_text=True)
    # Organizer B cannot create an exam owned by branch A, nor a sitting for branch A's units.
    bad = client.post("/manage/exams/new", data=exam_form(bank, branch_a))
    assert bad.status_code == 200
    auth.logout()
    auth.login(member_a)
    assert client.get("/manage/exams").status_code == 403
    auth.logout()
    auth.login(organizer_a)
    assert client.get(f"/manage/exams/{exam.id}").status_code == 200
    assert "条例测试" in client.get("/manage/exams").get_data(as_text=True)
