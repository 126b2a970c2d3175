"""Organizer result pages and exports, checked against figures computed here from the cohort's records."""
from __future__ import annotations

import csv
import io
import re
import statistics as pystats

import pytest
from openpyxl import load_workbook

from studyapp.domain.score_text import points
from studyapp.models import User

EVIL = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def cohort(make_cohort, branch_a, branch_b, org):
    """An organization-wide sitting for branches A and B; member no. 1 (in A) has a formula for a name."""
    return make_cohort({branch_a: 110, branch_b: 90}, seed=5, owner=org, names={1: EVIL})


@pytest.fixture
def own_cohort(make_cohort, branch_a):
    """Branch A's own exam and sitting, for branch A only."""
    return make_cohort({branch_a: 12}, seed=6)


def cells(html: str, row_header: str) -> list[str]:
    """Text of the cells of the table row whose header cell is `row_header`."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        texts = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if row_header in texts:
            return texts
    raise AssertionError(f"no row {row_header}")


def rate(part, whole):
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def figures(records):
    counted = [r.counted for r in records if r.counted]
    scores = [c["score"] for c in counted]
    passed = sum(c["passed"] for c in counted)
    return dict(expected=len(records), sat=len(counted), passed=passed, absent=len(records) - len(counted),
                mean=round(sum(scores) / len(scores), 2), median=round(pystats.median(scores), 2))


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response, sheet=None):
    book = load_workbook(io.BytesIO(response.get_data()))
    return book[sheet] if sheet else book.active


def test_sitting_page_figures_by_branch(client, auth, admin, cohort, branch_a, branch_b):
    auth.login(admin)
    html = client.get(f"/manage/reports/sittings/{cohort.sitting.id}").get_data(as_text=True)
    for unit in (branch_a, branch_b):
        f = figures(cohort.in_unit(unit))
        row = cells(html, unit.name)
        assert row[2:] == [str(f["expected"]), str(f["sat"]), rate(f["sat"], f["expected"]), str(f["passed"]),
                           rate(f["passed"], f["sat"]), str(f["mean"]), str(f["median"]), str(f["absent"])]
    everyone = figures(cohort.records)
    assert cells(html, "合计")[2:4] == [str(everyone["expected"]), str(everyone["sat"])]
    # The histogram is inline SVG with a text table beside it; nothing inline the CSP would block.
    assert '<svg class="histogram"' in html and "<rect" in html
    assert "style=" not in html and not re.search(r"<script(?![^>]*\ssrc=)", html)
    bins = [0] * 10
    for record in cohort.records:
        if record.counted:
            bins[min(int(record.counted["score"]) // 10, 9)] += 1
    assert cells(html, "90–100%")[1] == str(bins[9])
    assert cells(html, "不及格")[1] == str(everyone["sat"] - everyone["passed"])


def test_summary_exports_keep_numbers_numeric(client, auth, admin, cohort, branch_a):
    auth.login(admin)
    sheet = read_xlsx(client.get(f"/manage/reports/sittings/{cohort.sitting.id}?format=xlsx"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("排名", "支部", "应考人数", "实考人数", "未参考人数")
    row = next(r for r in rows if r[1] == branch_a.name)
    f = figures(cohort.in_unit(branch_a))
    assert row[2:5] == (f["expected"], f["sat"], f["absent"])
    assert isinstance(row[5], float) and row[5] == round(f["sat"] * 100 / f["expected"], 1)
    assert row[8] == f["mean"]
    data = read_csv(client.get(f"/manage/reports/sittings/{cohort.sitting.id}?format=csv"))
    assert data[0][0] == "排名" and any(r[1] == branch_a.name and r[2] == str(f["expected"]) for r in data)


def test_organizer_sees_only_own_branch(client, auth, organizer_a, cohort, branch_a, branch_b):
    auth.login(organizer_a)
    html = client.get(f"/manage/reports/sittings/{cohort.sitting.id}").get_data(as_text=True)
    assert branch_a.name in html and branch_b.name not in html
    data = read_csv(client.get(f"/manage/reports/sittings/{cohort.sitting.id}/scores?format=csv"))
    assert {r[0] for r in data[1:]} == {branch_a.name}
    # The organizer belongs to branch A and is in its audience too (the exam pages' rule: all active people).
    assert {r[1] for r in data[1:]} == {r.user.username for r in cohort.in_unit(branch_a)} | {organizer_a.username}


def test_chase_list_and_formula_neutralization(client, auth, organizer_a, cohort, branch_a, db):
    evil = db.session.query(User).filter_by(name=EVIL).one()
    record = next(r for r in cohort.records if r.user.id == evil.id)
    if record.submitted:  # make sure the formula-named member is on the chase list
        from studyapp.models.exams import Attempt

        db.session.query(Attempt).filter_by(user_id=evil.id).delete()
        db.session.commit()
        record.attempts.clear()
    absent = {r.user.username for r in cohort.in_unit(branch_a) if not r.submitted} | {organizer_a.username}
    auth.login(organizer_a)
    html = client.get(f"/manage/reports/sittings/{cohort.sitting.id}/chase").get_data(as_text=True)
    assert f"未参考名单（{len(absent)} 人）" in html
    data = read_csv(client.get(f"/manage/reports/sittings/{cohort.sitting.id}/chase?format=csv"))
    assert data[0] == ["支部", "党员编号", "姓名", "联系电话", "状态"]
    assert {r[1] for r in data[1:]} == set(absent)
    assert all(r[3].startswith("1380000") for r in data[1:] if r[1] != organizer_a.username)
    evil_row = next(r for r in data[1:] if r[1] == evil.username)
    assert evil_row[2] == "'" + EVIL
    sheet = read_xlsx(client.get(f"/manage/reports/sittings/{cohort.sitting.id}/chase?format=xlsx"))
    cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[1].value == evil.username)
    assert cell.data_type == "s" and cell.value == EVIL  # stored as text, never as a formula


def test_score_list_export_matches_records(client, auth, admin, cohort):
    auth.login(admin)
    data = read_csv(client.get(f"/manage/reports/sittings/{cohort.sitting.id}/scores?format=csv"))
    by_username = {r[1]: r for r in data[1:]}
    assert len(by_username) == len(cohort.records)
    for record in cohort.records:
        row = by_username[record.user.username]
        counted = record.counted
        assert row[4] == str(len(record.attempts))
        assert row[5] == ("" if counted is None else str(counted["score"]))
    sheet = read_xlsx(client.get(f"/manage/reports/sittings/{cohort.sitting.id}/scores?format=xlsx"))
    scores = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True) if row[5] is not None]
    assert all(isinstance(s, (int, float)) for s in scores)  # numbers, not text
    assert len(scores) == sum(1 for r in cohort.records if r.counted)


def test_monitor_page_and_json(client, auth, admin, cohort, branch_b):
    auth.login(admin)
    html = client.get(f"/manage/reports/sittings/{cohort.sitting.id}/monitor").get_data(as_text=True)
    assert 'src="/static/js/monitor.js' in html and "data-interval=\"10000\"" in html
    state = client.get(f"/manage/reports/sittings/{cohort.sitting.id}/monitor.json").get_json()
    row = next(b for b in state["branches"] if b["name"] == branch_b.name)
    records = cohort.in_unit(branch_b)
    assert row["expected"] == len(records)
    assert row["submitted"] == sum(1 for r in records if r.submitted)
    assert row["in_progress"] == sum(1 for r in records if r.attempts and not r.submitted)
    assert row["not_started"] == sum(1 for r in records if not r.attempts)
    assert state["total"]["expected"] == len(cohort.records)


def test_member_detail_shows_answers_after_submission(client, auth, organizer_a, cohort, branch_a):
    record = next(r for r in cohort.in_unit(branch_a) if r.submitted)
    auth.login(organizer_a)
    html = client.get(f"/manage/reports/sittings/{cohort.sitting.id}/members/{record.user.id}").get_data(as_text=True)
    first = record.submitted[0]
    assert f"{points(first['score'])} / 100 分 · " in html  # one way to write a score (domain/score_text.py)
    assert "答案：B. 选项B内容" in html
    answers = list(read_xlsx(client.get(
        f"/manage/reports/sittings/{cohort.sitting.id}/members/{record.user.id}?format=xlsx"
    )).iter_rows(min_row=2, values_only=True))
    first_attempt = [row for row in answers if row[0] == 1]
    assert len(first_attempt) == len(cohort.questions)
    assert sum(row[8] or 0 for row in first_attempt) == first["score"]  # the points awarded add up to the score
    transcript = client.get(f"/manage/reports/members/{record.user.id}").get_data(as_text=True)
    assert cohort.exam.title in transcript and cohort.sitting.title in transcript
    rows = list(read_xlsx(client.get(f"/manage/reports/members/{record.user.id}?format=xlsx"))
                .iter_rows(min_row=2, values_only=True))
    assert sorted(r[4] for r in rows if r[4] is not None) == sorted(a["score"] for a in record.submitted)


def test_item_analysis_and_weak_articles(client, auth, admin, cohort):
    auth.login(admin)
    rows = list(read_xlsx(client.get(f"/manage/reports/exams/{cohort.exam.id}/items?format=xlsx"))
                .iter_rows(values_only=True))
    assert rows[0][7] == "难度系数(答对率)"
    firsts = [r.first for r in cohort.records if r.first]
    facility = {row[1]: row[7] for row in rows[1:]}
    for question in cohort.questions:
        want = round(sum(1 for f in firsts if f["items"][question.id]) / len(firsts), 3)
        assert facility[question.id] == want
    html = client.get(f"/manage/reports/exams/{cohort.exam.id}/items").get_data(as_text=True)
    assert f"共 {len(firsts)} 份" in html
    page = client.get(f"/manage/reports/exams/{cohort.exam.id}/articles").get_data(as_text=True)
    assert f'href="/study/{cohort.module.slug}/1#art-1"' in page
    assert f"/practice/start?kind=article&amp;module={cohort.module.slug}&amp;article=1" in page
    data = read_csv(client.get(f"/manage/reports/exams/{cohort.exam.id}/articles?format=csv"))
    assert data[0] == ["支部", "章", "条", "条文", "作答题次", "答对题次", "答对率"]


def test_flags_are_highlighted(client, auth, admin, cohort, db):
    """Make the strongest half miss question 3 (true/false) by flipping their answers: negative discrimination."""
    from studyapp.models.exams import AttemptQuestion

    firsts = sorted((r.first for r in cohort.records if r.first), key=lambda f: -f["score"])
    q3 = cohort.questions[2].id
    top = [f["id"] for f in firsts[: len(firsts) // 3]]
    bottom = [f["id"] for f in firsts[-(len(firsts) // 3):]]
    db.session.query(AttemptQuestion).filter(AttemptQuestion.attempt_id.in_(top), AttemptQuestion.question_id == q3) \
        .update({"correct": False}, synchronize_session=False)
    db.session.query(AttemptQuestion).filter(AttemptQuestion.attempt_id.in_(bottom),
                                             AttemptQuestion.question_id == q3) \
        .update({"correct": True}, synchronize_session=False)
    db.session.commit()
    auth.login(admin)
    html = client.get(f"/manage/reports/exams/{cohort.exam.id}/items").get_data(as_text=True)
    assert re.search(rf'<tr id="q-{q3}" class="is-flagged">', html)
    assert "区分度为负" in html


def test_key_correction_and_regrade_are_idempotent(client, auth, admin, cohort):
    question = cohort.questions[0]
    auth.login(admin)
    client.post(f"/manage/reports/exams/{cohort.exam.id}/questions/{question.id}/key", data={"key": "C"})
    response = client.post(f"/manage/reports/exams/{cohort.exam.id}/regrade", data={"reason": "更正第1题答案"},
                           follow_redirects=True)
    changed = [a for r in cohort.records for a in r.submitted if a["answers"].get(question.id) in ("B", "C")]
    total = sum(len(r.submitted) for r in cohort.records)
    html = response.get_data(as_text=True)
    assert f"已重新评分 {total} 份答卷，{len(changed)} 份成绩有变化。" in html
    assert f"成绩变更记录（{len(changed)}）" in html
    again = client.post(f"/manage/reports/exams/{cohort.exam.id}/regrade", follow_redirects=True).get_data(as_text=True)
    assert f"已重新评分 {total} 份答卷，0 份成绩有变化。" in again
    data = read_csv(client.get(f"/manage/reports/exams/{cohort.exam.id}/regrade?format=csv"))
    assert len(data) - 1 == len(changed)


def test_branch_b_gets_404_for_branch_a(client, auth, organizer_b, own_cohort, branch_a):
    member = own_cohort.records[0].user
    sid, eid = own_cohort.sitting.id, own_cohort.exam.id
    auth.login(organizer_b)
    for url in (
        f"/manage/reports/sittings/{sid}", f"/manage/reports/sittings/{sid}?format=xlsx",
        f"/manage/reports/sittings/{sid}/chase?format=csv", f"/manage/reports/sittings/{sid}/scores",
        f"/manage/reports/sittings/{sid}/distribution?format=csv", f"/manage/reports/sittings/{sid}/monitor.json",
        f"/manage/reports/sittings/{sid}/members/{member.id}", f"/manage/reports/members/{member.id}",
        f"/manage/reports/members/{member.id}?format=csv", f"/manage/reports/exams/{eid}/items",
        f"/manage/reports/exams/{eid}/items?format=xlsx", f"/manage/reports/exams/{eid}/articles?format=csv",
        f"/manage/reports/exams/{eid}/regrade",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/manage/reports/exams/{eid}/regrade").status_code == 404
    html = client.get("/manage/reports").get_data(as_text=True)
    assert own_cohort.sitting.title not in html or "还没有您可以查看的考试场次" in html


def test_members_cannot_open_reports(client, auth, member_a, own_cohort):
    auth.login(member_a)
    assert client.get(f"/manage/reports/sittings/{own_cohort.sitting.id}").status_code == 403


def test_a_handful_of_answer_sheets_flags_nothing(client, auth, admin, make_cohort, branch_a, db):
    """Five members, the best one missing question 3 and the weakest getting it: negative discrimination on
    paper, but five sheets are no evidence of a wrong key, so nothing is flagged (figures are still shown)."""
    from studyapp.models.exams import AttemptQuestion

    small = make_cohort({branch_a: 5}, seed=3)
    firsts = sorted((r.first for r in small.records if r.first), key=lambda f: -f["score"])
    q3 = small.questions[2].id
    for attempt_id, correct in ((firsts[0]["id"], False), (firsts[-1]["id"], True)):
        db.session.query(AttemptQuestion).filter(AttemptQuestion.attempt_id == attempt_id,
                                                 AttemptQuestion.question_id == q3) \
            .update({"correct": correct}, synchronize_session=False)
    db.session.commit()
    auth.login(admin)
    html = client.get(f"/manage/reports/exams/{small.exam.id}/items").get_data(as_text=True)
    assert "is-flagged" not in html and "区分度为负" not in html
    assert "区分度：成绩好的人比成绩差的人多答对多少" in html
