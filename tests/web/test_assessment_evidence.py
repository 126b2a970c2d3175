"""Evidence attachments (佐证材料) of an assessment: the branch organizer attaches images or PDFs to its
self-assessment and to its rectifications, in the same store as the ledger (checked by content, outside the
web root, owner-only); reviewers in scope open them; another branch gets 404, members 403; nothing is
half-saved when a file is refused; once the step is closed the evidence is fixed."""
from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from studyapp.models.assessment import AssessmentEvidence, AssessmentRound
from studyapp.services.assessment import problems as problem_service
from tests.assessment_world import open_round, sample_draft
from tests.conftest import FIXED_NOW

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CLOCK": lambda: FIXED_NOW}


@pytest.fixture
def found(db, admin, branch_a, branch_b, organizer_a, organizer_b, member_a):
    draft = sample_draft()
    draft.indicators = draft.indicators[:2]
    draft.thresholds = {"好": 70, "较好": 60, "一般": 50}
    return open_round(db, admin, [branch_a, branch_b], draft, spotcheck=0)


def _sheet(found, unit):
    return f"/manage/assessment/rounds/{found.id}/branches/{unit.id}"


def _upload(client, url, files, **fields):
    data = {**fields, "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)


def _count(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AssessmentEvidence))


def _directory(app) -> Path:
    return Path(app.config["ASSESSMENT_EVIDENCE_DIR"])


def test_branch_organizer_attaches_evidence_and_reviewers_in_scope_open_it(app, client, auth, db, found, admin,
                                                                          organizer_b, member_a, organizer_a,
                                                                          branch_a):
    first = found.scheme.indicators[0]
    auth.login(organizer_a)
    body = _upload(client, f"{_sheet(found, branch_a)}/evidence", [("设立批复.png", PNG), ("名单.pdf", PDF)],
                   indicator_id=str(first.id)).get_data(as_text=True)
    assert "佐证材料已上传" in body and "设立批复.png" in body and "名单.pdf" in body
    db.session.rollback()
    items = db.session.scalars(select(AssessmentEvidence).order_by(AssessmentEvidence.id)).all()
    assert [(i.filename, i.content_type) for i in items] == [("设立批复.png", "image/png"),
                                                            ("名单.pdf", "application/pdf")]
    assert all(i.score.indicator_id == first.id for i in items)
    for item in items:  # random names in the instance-side directory, readable by the owner only
        path = _directory(app) / item.stored_name
        assert path.read_bytes() in (PNG, PDF) and "批复" not in item.stored_name
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "static" not in str(_directory(app))
    url = f"/manage/assessment/evidence/{items[0].id}"
    served = client.get(url)
    assert served.status_code == 200 and served.data == PNG and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert "no-store" in served.headers["Cache-Control"]
    auth.logout()
    auth.login(admin)  # the higher level reviews: sees and opens the evidence, cannot delete it
    sheet = client.get(_sheet(found, branch_a)).get_data(as_text=True)
    assert "设立批复.png" in sheet and "assessment/evidence/" in sheet and "/delete" not in sheet
    assert client.get(url).data == PNG
    auth.logout()
    auth.login(organizer_b)
    assert client.get(url).status_code == 404
    assert client.post(f"/manage/assessment/evidence/{items[0].id}/delete").status_code == 404
    assert _upload(client, f"{_sheet(found, branch_a)}/evidence", [("x.png", PNG)],
                   indicator_id=str(first.id)).status_code == 404
    auth.logout()
    auth.login(member_a)
    assert client.get(url).status_code == 403
    assert _count(db) == 2


@pytest.mark.parametrize("files, message", [
    ([("通知.png", b"<html><script>alert(1)</script></html>")], "“通知.png”不是图片（JPG、PNG、GIF、WebP）或 PDF 文件"),
    ([("扫描件.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))], "“扫描件.pdf”超过 10 MB"),
    ([("好的.png", PNG), ("坏的.jpg", b"MZ\x90\x00")], "“坏的.jpg”不是图片"),
    ([], "请选择要上传的文件"),
])
def test_a_refused_file_saves_nothing_and_says_which(app, client, auth, db, found, organizer_a, branch_a, files,
                                                     message):
    first = found.scheme.indicators[0]
    auth.login(organizer_a)
    body = _upload(client, f"{_sheet(found, branch_a)}/evidence", files,
                   indicator_id=str(first.id)).get_data(as_text=True)
    assert message in body and f"{first.code} {first.title}" in body
    assert _count(db) == 0
    assert not _directory(app).exists() or not any(_directory(app).iterdir())


def test_at_most_ten_files_per_indicator(app, client, auth, db, found, organizer_a, branch_a):
    first = found.scheme.indicators[0]
    auth.login(organizer_a)
    url = f"{_sheet(found, branch_a)}/evidence"
    _upload(client, url, [(f"{n}.png", PNG) for n in range(9)], indicator_id=str(first.id))
    refused = _upload(client, url, [("9.png", PNG), ("10.png", PNG)], indicator_id=str(first.id))
    assert "每个指标最多10个佐证材料" in refused.get_data(as_text=True)
    assert _count(db) == 9


def test_evidence_is_fixed_once_the_self_assessment_is_submitted(app, client, auth, db, found, admin, organizer_a,
                                                                branch_a):
    first = found.scheme.indicators[0]
    auth.login(organizer_a)
    _upload(client, f"{_sheet(found, branch_a)}/evidence", [("a.png", PNG), ("b.png", PNG)],
            indicator_id=str(first.id))
    db.session.rollback()
    keep, drop = db.session.scalars(select(AssessmentEvidence).order_by(AssessmentEvidence.id)).all()
    dropped = _directory(app) / drop.stored_name
    assert "佐证材料已删除" in client.post(f"/manage/assessment/evidence/{drop.id}/delete",
                                          follow_redirects=True).get_data(as_text=True)
    assert _count(db) == 1 and not dropped.exists()
    auth.logout()
    auth.login(admin)  # a reviewer neither adds nor deletes the branch's self-assessment evidence
    refused = _upload(client, f"{_sheet(found, branch_a)}/evidence", [("c.png", PNG)], indicator_id=str(first.id))
    assert "现在不能上传佐证材料" in refused.get_data(as_text=True)
    assert "现在不能删除" in client.post(f"/manage/assessment/evidence/{keep.id}/delete",
                                        follow_redirects=True).get_data(as_text=True)
    auth.logout()
    db.session.rollback()
    entry = next(e for e in db.session.get(AssessmentRound, found.id).entries if e.unit_id == branch_a.id)
    entry.self_submitted_at = FIXED_NOW
    db.session.commit()
    auth.login(organizer_a)
    assert "现在不能上传佐证材料" in _upload(client, f"{_sheet(found, branch_a)}/evidence", [("d.png", PNG)],
                                           indicator_id=str(first.id)).get_data(as_text=True)
    client.post(f"/manage/assessment/evidence/{keep.id}/delete")
    assert _count(db) == 1 and (_directory(app) / keep.stored_name).exists()
    sheet = client.get(_sheet(found, branch_a)).get_data(as_text=True)
    assert "a.png" in sheet and 'type="file"' not in sheet


def test_rectification_evidence_on_the_problem_page_and_in_the_report(app, client, auth, db, found, admin,
                                                                      organizer_a, organizer_b, branch_a):
    problem = problem_service.add_problem(db.session, admin, {branch_a.id}, branch_a.id,
                                          problem_service.ProblemInput("党员档案不全"), FIXED_NOW)
    db.session.commit()
    page = f"/manage/assessment/problems/{problem.id}"
    auth.login(organizer_a)
    assert 'type="file"' in client.get(page).get_data(as_text=True)
    body = _upload(client, f"{page}/evidence", [("档案整理后.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20)]) \
        .get_data(as_text=True)
    assert "整改佐证材料已上传" in body and "档案整理后.jpg" in body
    first = found.scheme.indicators[0]
    _upload(client, f"{_sheet(found, branch_a)}/evidence", [("设立批复.png", PNG)], indicator_id=str(first.id))
    report = client.get(f"{_sheet(found, branch_a)}/report").get_data(as_text=True)
    names = report[report.index('id="evidence-names"'):]
    assert f"{first.code} {first.title}：设立批复.png" in names and "党员档案不全：档案整理后.jpg" in names
    client.post(f"/manage/assessment/problems/{problem.id}/move",
                data={"current": "open", "target": "in_progress"})
    db.session.rollback()
    problem = db.session.merge(problem)
    problem.status = "awaiting"  # reported done: the evidence is what the higher level verifies
    db.session.commit()
    assert "只有支部在整改期间" in _upload(client, f"{page}/evidence", [("迟到.png", PNG)]).get_data(as_text=True)
    assert 'type="file"' not in client.get(page).get_data(as_text=True)
    auth.logout()
    auth.login(organizer_b)
    assert _upload(client, f"{page}/evidence", [("x.png", PNG)]).status_code == 404
    auth.logout()
    auth.login(admin)
    shown = client.get(page).get_data(as_text=True)
    assert "档案整理后.jpg" in shown and 'type="file"' not in shown
    assert _count(db) == 2


def test_ledger_and_assessment_share_one_store(app):
    """One home for accepting and storing files: the ledger's attachments use the same checks."""
    from studyapp.services import attachments as store
    from studyapp.services.assessment import evidence
    from studyapp.services.ledger import attachments as ledger

    assert ledger.read is store.read and ledger.storage is store.storage
    assert evidence.DIRECTORY != ledger.DIRECTORY
