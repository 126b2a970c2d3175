"""Demo branch assessment: a 100-point scheme written in the project's own words after the Regulations'
chapters, last year's published round, this year's open round on the five demo branches, problems in
every status and two 示范点 (one flagged 待复核). Idempotent: skipped when the scheme exists."""
from __future__ import annotations

import struct
import zlib
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.assessment.rectification import local_today
from ..domain.assessment.schemes import IndicatorDraft, SchemeDraft
from ..models import Module, Unit, User
from ..models.assessment import AssessmentEntry, AssessmentEvidence, AssessmentProblem, AssessmentRound, AssessmentScore, DemoSite
from ..models.exams import Exam, Sitting
from . import attachments as store
from .assessment import rounds, schemes, sheets

SCHEME_NAME = "党支部建设质量评估方案（示例）"
STAR_SCHEME_NAME = "星级党支部评定方案（示例）"
ZONE = "Asia/Shanghai"


def _draft(sitting_ids: list[int], module_ids: list[int]) -> SchemeDraft:
    i = IndicatorDraft
    items = [
        i("组织设置", "1.1", "按单位或区域设置党支部，党员人数符合一般不超过50人的要求", 8,
          "对照《条例》第四条：有正式党员3人以上的单位设立党支部；人数过多的及时调整", "党支部设立或调整批复"),
        i("组织设置", "1.2", "党员人数较多或分散的划分党小组，明确党小组长", 7,
          "对照第十三条：党小组长由支部指定或党小组党员推选", "党小组名单"),
        i("组织生活", "2.1", "党员大会一般每季度召开1次，表决事项到会人数和票数符合规定", 8,
          "对照第十一条：有表决权的党员到会超过半数方能召开", "会议记录、表决票"),
        i("组织生活", "2.2", "支部委员会会议一般每月召开1次", 6, "对照第十二条", "支委会会议记录"),
        i("组织生活", "2.3", "每月相对固定1天开展主题党日", 6, "对照第十六条", "主题党日活动记录"),
        i("组织生活", "2.4", "组织生活会每年至少1次，民主评议党员一般每年1次", 5, "对照第十七、十八条",
          "组织生活会记录、评议结果"),
        i("组织生活", "2.5", "组织生活合规率（组织生活台账）", 5, "按台账中应开展活动的完成比例计分", "",
          "platform", "ledger_compliance"),
        i("支部委员会建设", "3.1", "按期换届，委员职数和分工符合规定", 10,
          "对照第二十、二十一条：正式党员7人以上设支部委员会，一般每届3年", "换届选举材料"),
        i("支部委员会建设", "3.2", "支部书记党龄一般不少于1年，履职尽责", 5, "对照第二十三条", "书记述职材料"),
        i("支部委员会建设", "3.3", "支委之间、支委与党员之间谈心谈话每年至少1次", 5, "对照第十九条", "谈心谈话记录"),
        i("党员教育管理", "4.1", "《条例》知识测试参考率", 5, "本支部党员至少交卷一次的比例", "",
          "platform", "exam_participation", sitting_ids),
        i("党员教育管理", "4.2", "《条例》知识测试合格率", 5, "本支部党员至少一次合格的比例", "",
          "platform", "exam_pass_rate", sitting_ids),
        i("党员教育管理", "4.3", "《条例》专题学习完成率", 5, "本支部党员已学完章节的比例", "",
          "platform", "study_completion", module_ids),
        i("党员教育管理", "4.4", "集中学习到课率", 5, "本支部党员集中学习签到的比例", "", "platform",
          "group_study_attendance"),
        i("作用发挥", "5.1", "围绕中心、服务大局，推动本单位任务完成", 8, "对照第九条", "工作总结、表彰情况"),
        i("作用发挥", "5.2", "密切联系群众，听取意见、解决实际问题", 7, "对照第九条", "走访记录、办结情况"),
    ]
    return SchemeDraft(SCHEME_NAME, "grades", {"好": 90, "较好": 80, "一般": 60}, items,
                       [("支部班子成员发生严重违纪违法问题", "差"), ("未按期换届且无正当理由", "一般")], "好")


#: Last year's review scores for the manual and hand-scored indicators, as a share of each maximum.
LAST_YEAR = {"第一党支部": 0.97, "第二党支部": 0.86, "第三党支部": 0.92, "第四党支部": 0.7, "第五党支部": 0.83}


def seed_assessment(session: Session, org_name: str, now: datetime, evidence_dir: Path | None = None) -> str:
    """Seed the demo; with `evidence_dir` (the instance's evidence store) also a few evidence files."""
    org = session.scalar(select(Unit).where(Unit.parent_id.is_(None), Unit.name == org_name))
    admin = session.scalar(select(User).where(User.username == "admin"))
    if org is None or admin is None:
        return "未找到演示组织，跳过评估定级演示"
    if session.scalar(select(AssessmentRound.id).join(AssessmentRound.scheme).where(
            AssessmentRound.organization_id == org.id)) is not None:
        return "已存在，未做更改"
    branches = list(session.scalars(select(Unit).where(Unit.parent_id == org.id, Unit.kind == "branch")
                                    .order_by(Unit.sort_order, Unit.id)))
    sitting_ids = list(session.scalars(select(Sitting.id).join(Exam).where(Exam.owner_unit_id == org.id)))
    module_ids = list(session.scalars(select(Module.id).where(Module.slug == "branch-regulations")))
    draft = _draft(sitting_ids, module_ids)
    if not sitting_ids or not module_ids:  # content not loaded: those indicators become hand-scored
        for item in draft.indicators:
            if item.platform_kind in ("exam_participation", "exam_pass_rate", "study_completion"):
                item.source, item.platform_kind, item.scope_ids = "manual", None, []
    scheme = schemes.save_scheme(session, admin, draft, now)
    # The same standards scored for stars (评星定级), for organizations that award stars instead of grades.
    stars = SchemeDraft(STAR_SCHEME_NAME, "stars", {"五星": 95, "四星": 85, "三星": 75, "二星": 65, "一星": 60},
                        draft.indicators, [(draft.vetoes[0][0], "未定星"), (draft.vetoes[1][0], "三星")], "五星")
    schemes.save_scheme(session, admin, stars, now)
    today = local_today(now, ZONE)
    last = _last_year(session, scheme, branches, admin, now)
    current = rounds.open_round(session, admin, rounds.RoundInput(
        f"{today.year}年度党支部评估定级", scheme.id, {b.id for b in branches},
        {"self": today + timedelta(days=14), "review": today + timedelta(days=30),
         "spotcheck": today + timedelta(days=40), "published": today + timedelta(days=50)}, 2), now, ZONE)
    _self_scores(session, current, now)
    _problems(session, last, branches, admin, now, today)
    if evidence_dir is not None:
        _evidence(session, current, admin, Path(evidence_dir), now)
    by_name = {b.name: b for b in branches}
    session.add(DemoSite(unit_id=by_name["第一党支部"].id, named_on=today - timedelta(days=700),
                         reason="连续两年评为“好”，三会一课规范", named_by_id=admin.id))
    session.add(DemoSite(unit_id=by_name["第二党支部"].id, named_on=today - timedelta(days=700),
                         reason="主题党日特色鲜明", named_by_id=admin.id))
    session.flush()
    return f"方案“{SCHEME_NAME}”，上年度评估已公布，本年度评估进行中，问题清单与示范点"


def _last_year(session, scheme, branches, admin, now) -> AssessmentRound:
    """Last year's round, published. Its platform indicators predate the platform: scored by hand."""
    when = now - timedelta(days=365)
    found = AssessmentRound(organization_id=scheme.organization_id, scheme_id=scheme.id,
                            title=f"{local_today(when, ZONE).year}年度党支部评估定级", step="published",
                            created_by_id=admin.id, created_at=when, snapshot_at=when,
                            published_at=when + timedelta(days=40), published_to_members=True)
    for branch in branches:
        share = LAST_YEAR.get(branch.name, 0.85)
        entry = AssessmentEntry(unit_id=branch.id, vetoes=[], self_submitted_at=when + timedelta(days=10),
                                review_submitted_at=when + timedelta(days=25))
        for indicator in scheme.indicators:
            points = round(indicator.max_points * share * 2) / 2
            note = "" if points >= indicator.max_points else "材料不完整，部分要求未落实"
            entry.scores.append(AssessmentScore(
                indicator_id=indicator.id, self_score=min(indicator.max_points, points + 0.5),
                review_score=points, review_note=note, updated_at=when,
                platform_detail="上一年度平台尚无此项数据，由验收人员人工评分" if indicator.source == "platform" else ""))
        found.entries.append(entry)
    session.add(found)
    session.flush()
    for entry in found.entries:
        result = sheets.entry_outcome(scheme, entry)
        entry.final_total, entry.final_grade = result.total, result.grade
    return found


def _self_scores(session, current, now) -> None:
    """This year: two branches submitted their self-assessment, two are part way, 第一党支部 has not started."""
    for n, entry in enumerate(sorted(current.entries, key=lambda e: e.unit.sort_order)):
        if n == 0:
            continue
        for score in entry.scores:
            indicator = score.indicator
            if indicator.source == "platform" and score.platform_score is not None:
                continue
            if n >= 3 and indicator.standard in ("支部委员会建设", "作用发挥"):
                continue  # still filling in
            score.self_score = round(indicator.max_points * (0.95 - 0.05 * n) * 2) / 2
            score.self_note = "对照要求自查，材料齐全" if score.self_score == indicator.max_points else "个别记录不完整"
            score.updated_at, score.version = now, 2
        if n in (1, 2):
            entry.self_submitted_at = now


def _problems(session, last, branches, admin, now, today) -> None:
    """A problem in each status, from last year's deductions; one overdue."""
    by_name = {b.name: b for b in branches}
    specs = [
        ("第四党支部", "2.2 支部委员会会议未做到每月召开，全年仅召开7次", "major", "in_progress",
         "制定支委会年度计划，每月第一周召开", "王建国", today - timedelta(days=5), ""),
        ("第四党支部", "3.3 谈心谈话记录缺失", "minor", "open", "", "", None, ""),
        ("第五党支部", "2.4 民主评议党员材料不全", "minor", "awaiting", "补齐评议材料并归档", "李卫东",
         today + timedelta(days=10), "已补齐并归档"),
        ("第三党支部", "2.3 主题党日有两个月未开展", "major", "closed", "固定每月第二周周五为主题党日", "张秀英",
         today - timedelta(days=60), "已按月开展并留存记录"),
        ("第二党支部", "1.2 党小组长调整后未及时明确", "minor", "in_progress", "支委会研究明确党小组长", "刘桂兰",
         today + timedelta(days=20), ""),
    ]
    created = now - timedelta(days=300)
    for name, text, severity, status, measures, person, deadline, result in specs:
        session.add(AssessmentProblem(
            unit_id=by_name[name].id, round_id=last.id, source="deduction", description=text, severity=severity,
            status=status, measures=measures, responsible=person, deadline=deadline, result=result,
            created_by_id=admin.id, created_at=created, updated_at=created,
            closed_at=now - timedelta(days=30) if status == "closed" else None,
            closed_by_id=admin.id if status == "closed" else None))


def _evidence(session, current, admin, directory, now) -> None:
    """Evidence the branches uploaded: 第一党支部's first file (organizer1 can add and delete more), a
    submitted self-assessment's meeting record, and the rectification 第五党支部 reported done."""
    organizer = session.scalar(select(User).where(User.username == "organizer1")) or admin
    entries = {e.unit.name: e for e in current.entries}
    wanted = [("第一党支部", "1.1", "党支部设立批复.pdf", _demo_pdf()),
              ("第二党支部", "2.2", "支委会会议记录（3月）.png", _demo_png())]
    for branch, code, name, data in wanted:
        entry = entries.get(branch)
        score = next((s for s in entry.scores if s.indicator.code == code), None) if entry else None
        if score is not None:
            _attach(session, organizer, score, name, data, directory, now)
    problem = session.scalar(select(AssessmentProblem).join(Unit, Unit.id == AssessmentProblem.unit_id).where(
        Unit.name == "第五党支部", AssessmentProblem.status == "awaiting"))
    if problem is not None:
        _attach(session, organizer, problem, "民主评议材料归档清单.pdf", _demo_pdf(), directory, now)


def _attach(session, actor, owner, name, data, directory, now) -> None:
    def attach(fields):
        item = AssessmentEvidence(**fields)
        owner.evidence.append(item)
        return item

    store.add_files(session, actor, [(name, data)], store.storage(directory), now, 0, 1, attach, "演示材料每项一个")


def _demo_png(width: int = 240, height: int = 160) -> bytes:
    """A small picture of a filled-in form: a red heading band and ruled grey lines on white."""
    rows = []
    for y in range(height):
        if y < 24:
            pixel = b"\xc8\x10\x2e"
        elif y % 20 == 0:
            pixel = b"\x99\x99\x99"
        else:
            pixel = b"\xff\xff\xff"
        rows.append(b"\x00" + pixel * width)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
            + chunk(b"IEND", b""))


def _demo_pdf() -> bytes:
    """A one-page A4 PDF with a ruled table, standing in for a scanned document."""
    lines = "".join(f"50 {y} m 545 {y} l S\n" for y in range(700, 400, -30))
    content = f"0.6 w\n50 400 495 330 re S\n{lines}".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
