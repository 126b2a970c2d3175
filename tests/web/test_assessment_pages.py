"""Branch assessment pages: the branch organizer self-assesses on their branch only; a stale form is
refused with a clear message; reviewers review and publish; members see grades only once published;
schemes import all-or-nothing; the CLI writes the same results."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from studyapp.domain.assessment.schemes import to_workbook
from studyapp.models.assessment import AssessmentProblem, AssessmentRound, AssessmentScheme
from tests.assessment_world import open_round, sample_draft
from tests.conftest import FIXED_NOW


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CLOCK": lambda: FIXED_NOW}


@pytest.fixture
def two_branch_round(db, admin, branch_a, branch_b, organizer_a, organizer_b, member_a):
    draft = sample_draft()
    draft.indicators = draft.indicators[:2]
    draft.thresholds = {"好": 70, "较好": 60, "一般": 50}
    return open_round(db, admin, [branch_a, branch_b], draft, spotcheck=0)


def _fields(body: str) -> dict[str, str]:
    """The score form's hidden version fields, as a browser would send them back."""
    return dict(re.findall(r'name="(version-\d+)" value="(\d+)"', body))


def _indicator_ids(found):
    return [i.id for i in found.scheme.indicators]


def test_branch_organizer_self_assesses_and_submits_once(client, auth, db, two_branch_round, organizer_a,
                                                         branch_a, branch_b):
    found = two_branch_round
    auth.login(organizer_a)
    url = f"/manage/assessment/rounds/{found.id}/branches/{branch_a.id}"
    page = client.get(url)
    assert page.status_code == 200 and "请逐项自评打分" in page.get_data(as_text=True)
    assert client.get(f"/manage/assessment/rounds/{found.id}/branches/{branch_b.id}").status_code == 404
    first, second = _indicator_ids(found)
    data = {**_fields(page.get_data(as_text=True)), f"score-{first}": "50", f"score-{second}": "35",
            f"note-{first}": "设置规范"}
    response = client.post(url, data=data, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "得分 50 超出范围，应在 0 到 40 之间" in body
    assert f'name="score-{first}" value="50"' in body and "设置规范" in body  # what was typed is kept to correct
    data[f"score-{first}"] = "38"
    assert "评分已保存" in client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    stale = client.post(url, data={**data, f"score-{first}": "30"}, follow_redirects=True).get_data(as_text=True)
    assert "已被甲组织员修改，您的保存未生效" in stale
    submit = f"{url}/submit"
    assert "自评已提交" in client.post(submit, data={"stage": "self"}, follow_redirects=True).get_data(as_text=True)
    again = client.post(submit, data={"stage": "self"}, follow_redirects=True).get_data(as_text=True)
    assert "已提交或现在不能提交" in again
    db.session.rollback()
    entry = next(e for e in db.session.get(AssessmentRound, found.id).entries if e.unit_id == branch_a.id)
    assert sorted(s.self_score for s in entry.scores) == [35, 38]


def test_review_publish_and_members_see_grades_only_when_published(client, auth, db, two_branch_round, admin,
                                                                   member_a, organizer_a, branch_a, branch_b):
    found = two_branch_round
    first, second = _indicator_ids(found)
    auth.login(member_a)
    assert client.get(f"/manage/assessment/rounds/{found.id}").status_code == 403
    assert "暂无公布的评估结果" in client.get("/assessment/").get_data(as_text=True)
    auth.logout()
    auth.login(admin)
    client.post(f"/manage/assessment/rounds/{found.id}/advance", data={"step": "self"})
    for unit, scores in ((branch_a, ("40", "38")), (branch_b, ("20", "30"))):
        url = f"/manage/assessment/rounds/{found.id}/branches/{unit.id}"
        fields = _fields(client.get(url).get_data(as_text=True))
        body = client.post(url, data={**fields, f"score-{first}": scores[0], f"score-{second}": scores[1]},
                           follow_redirects=True).get_data(as_text=True)
        assert "请写明扣分理由" in body  # a deduction must say why; nothing was saved
        client.post(url, data={**fields, f"score-{first}": scores[0], f"score-{second}": scores[1],
                               f"note-{first}": "组织设置不全", f"note-{second}": "会议记录缺失"})
        client.post(f"{url}/submit", data={"stage": "review"})
    response = client.post(f"/manage/assessment/rounds/{found.id}/advance", data={"step": "review"},
                           follow_redirects=True)
    assert "审定公布" in response.get_data(as_text=True)
    dashboard = client.get(f"/manage/assessment/rounds/{found.id}").get_data(as_text=True)
    assert "<svg" in dashboard and 'id="distribution-table"' in dashboard and "好" in dashboard
    client.post(f"/manage/assessment/rounds/{found.id}/members", data={"value": "1"})
    auth.logout()
    auth.login(member_a)
    mine = client.get("/assessment/").get_data(as_text=True)
    assert branch_a.name in mine and "好" in mine and "78 分" in mine
    db.session.rollback()
    problems = db.session.scalars(select(AssessmentProblem).where(AssessmentProblem.unit_id == branch_b.id)).all()
    assert len(problems) == 2  # both deductions of branch B are on its problem list


def test_results_export_has_every_indicator(client, auth, two_branch_round, admin, branch_a):
    auth.login(admin)
    response = client.get(f"/manage/assessment/rounds/{two_branch_round.id}/results.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    header = next(book["评估结果"].iter_rows(values_only=True))
    assert header[:5] == ("名次", "支部", "自评总分", "最终得分", "等次")
    assert "1.1 按规定设置党支部和党小组（40）自评" in header


def test_scheme_import_reports_every_problem_and_saves_nothing(client, auth, db, admin):
    auth.login(admin)
    draft = sample_draft()
    draft.indicators = draft.indicators[:2]
    draft.indicators[0].max_points = 0
    draft.thresholds = {"好": 70, "较好": 75, "一般": 50}
    data = {"file": (io.BytesIO(to_workbook(draft)), "细则.xlsx")}
    body = client.post("/manage/assessment/schemes", data=data, content_type="multipart/form-data",
                       follow_redirects=True).get_data(as_text=True)
    assert "细则.xlsx，第2行，“分值”列" in body and "应低于" in body
    assert db.session.scalar(select(AssessmentScheme.id)) is None
    draft.indicators[0].max_points = 40
    draft.thresholds["较好"] = 60
    response = client.post("/manage/assessment/schemes", data={"file": (io.BytesIO(to_workbook(draft)), "细则.xlsx")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "方案已导入" in response.get_data(as_text=True)


def test_problem_answer_and_chase_text(client, auth, db, two_branch_round, admin, organizer_a, branch_a):
    auth.login(admin)
    response = client.post(f"/manage/assessment/units/{branch_a.id}/problems/new",
                           data={"description": "谈心谈话记录缺失", "severity": "minor"}, follow_redirects=True)
    assert "问题已列入清单" in response.get_data(as_text=True)
    auth.logout()
    auth.login(organizer_a)
    assert client.get(f"/manage/assessment/units/{branch_a.id}/problems/new").status_code == 403
    listing = client.get("/manage/assessment/problems").get_data(as_text=True)
    assert "谈心谈话记录缺失" in listing and "【整改提醒】" in listing
    db.session.rollback()  # see the requests' writes
    problem_id = db.session.scalar(select(AssessmentProblem.id))
    body = client.post(f"/manage/assessment/problems/{problem_id}", data={"measures": "补谈", "responsible": "",
                                                                         "deadline": "2026-05-10"},
                       follow_redirects=True).get_data(as_text=True)
    assert "请填写责任人" in body
    body = client.post(f"/manage/assessment/problems/{problem_id}", data={
        "measures": "补谈", "responsible": "张三", "deadline": "2026-05-10"}, follow_redirects=True).get_data(as_text=True)
    assert "整改措施已保存" in body and "整改中" in body


def test_cli_writes_the_round_results(runner, db, two_branch_round, tmp_path, branch_a):
    out = tmp_path / "评估.xlsx"
    result = runner.invoke(args=["assessment-report", str(two_branch_round.id), "--output", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["评估结果", "各标准中位数", "整改台账"]
    assert {row[1] for row in book["评估结果"].iter_rows(min_row=2, values_only=True)} == {branch_a.name, "第二党支部"}
    missing = runner.invoke(args=["assessment-report", "999", "--output", str(out)])
    assert missing.exit_code != 0 and "评估 999 不存在" in missing.output


def test_admin_opens_a_round_from_the_form(client, auth, db, admin, branch_a, branch_b, organizer_a):
    auth.login(admin)
    template = client.get("/manage/assessment/schemes/template.xlsx")
    client.post("/manage/assessment/schemes", data={"file": (io.BytesIO(template.data), "模板.xlsx")},
                content_type="multipart/form-data")
    db.session.rollback()
    scheme_id = db.session.scalar(select(AssessmentScheme.id))
    form = {"title": "2026年度党支部评估定级", "scheme_id": str(scheme_id), "unit_ids": [str(branch_a.id)],
            "due_self": "2026-04-30", "spotcheck_count": "0"}
    body = client.post("/manage/assessment/rounds/new", data=form, follow_redirects=True).get_data(as_text=True)
    assert "“自查自评”截止日期 2026-04-30 早于今天" in body
    form["due_self"] = "2026-05-15"
    body = client.post("/manage/assessment/rounds/new", data=form, follow_redirects=True).get_data(as_text=True)
    assert "评估已开启" in body and "截止 05-15" in body
    auth.logout()
    auth.login(organizer_a)
    assert client.get("/manage/assessment/rounds/new").status_code == 403
    assert "2026年度党支部评估定级" in client.get("/manage/assessment").get_data(as_text=True)
