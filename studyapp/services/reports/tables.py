"""Every report as a table (Chinese headers, numbers as numbers): the pages' exports and the CLI use these.

Percentages are numbers (not "85.0%" text) so a spreadsheet can sort and average them.
"""
from __future__ import annotations

from collections.abc import Callable

from ...domain import exam_status
from ...domain import item_analysis as ia
from ...domain.rendering import plain_text
from ...domain.score_text import FAILED, PASSED, verdict
from ...models.questions import TYPE_LABELS
from .items import ArticleRow, ItemReport
from .members import Transcript
from .sitting import SittingSummary

SUMMARY_HEADERS = ["排名", "支部", "应考人数", "实考人数", "未参考人数", "参考率(%)", "及格人数", "及格率(%)", "平均分",
                   "中位数"]


def summary_table(summary: SittingSummary) -> tuple[list[str], list[list]]:
    rows = [[b.rank, b.name, *_figures(b.figures)] for b in summary.branches]
    rows.append([None, "合计", *_figures(summary.total)])
    return SUMMARY_HEADERS, rows


def _figures(f) -> list:
    return [f.expected, f.sat, f.absent, f.participation_rate, f.passed, f.pass_rate, f.mean, f.median]


def distribution_table(summary: SittingSummary) -> tuple[list[str], list[list]]:
    sat = summary.total.sat
    rows = [[b.label, b.count, round(b.count * 100 / sat, 1) if sat else None] for b in summary.bins]
    rows += [[PASSED, summary.total.passed, summary.total.pass_rate],
             [FAILED, summary.failed, round(summary.failed * 100 / sat, 1) if sat else None],
             ["未参考", summary.total.absent, None]]
    return ["得分率区间(%)", "人数", "占实考(%)"], rows


ITEM_HEADERS = ["序号", "题目编号", "题型", "章", "条", "作答人数", "答对人数", "难度系数(答对率)", "区分度(27%)",
                "点二列相关", "各选项选择人数", "未作答", "提示"]


def item_table(report: ItemReport) -> tuple[list[str], list[list]]:
    rows = []
    for row in report.items:
        s, v = row.stats, row.version
        texts = row.option_texts
        options = "；".join(f"{_label(o.key, v.qtype, texts)}{'(答案)' if o.is_key else ''}:{o.count}" for o in s.options)
        rows.append([row.position, s.question_id, TYPE_LABELS.get(v.qtype, v.qtype), v.chapter_number,
                     v.article_number, s.takers, s.correct, s.facility, s.discrimination, s.point_biserial,
                     options, s.unanswered, "、".join(s.flags)])
    return ITEM_HEADERS, rows


def _label(key: str, qtype: str, texts: dict[str, str]) -> str:
    return texts.get(key, key) if qtype == "true_false" else key


def article_table(rows: list[ArticleRow]) -> tuple[list[str], list[list]]:
    return ["支部", "章", "条", "条文", "作答题次", "答对题次", "答对率"], [
        [r.unit_name, r.chapter_number, r.article_number, r.article_title, r.answered, r.correct, r.facility]
        for r in rows
    ]


def transcript_table(sheet: Transcript, localize: Callable) -> tuple[list[str], list[list]]:
    rows = []
    for record in sheet.exams:
        for attempt in record.attempts:
            rows.append([record.exam.title, attempt.sitting.title, attempt.number,
                         exam_status.ANSWERING if attempt.status != "submitted" else exam_status.SUBMITTED,
                         attempt.score, attempt.max_score, verdict(attempt.passed) or None,
                         "是" if attempt.id == record.counting_id else "", localize(attempt.started_at)])
    return ["考试", "场次", "第几次", "状态", "成绩", "满分", "是否及格", "计入成绩", "开始时间"], rows


def answers_table(details: list, localize: Callable) -> tuple[list[str], list[list]]:
    """A member's answers in one sitting, attempt by attempt (submitted attempts only have answers)."""
    rows = []
    for detail in details:
        attempt = detail.attempt
        for line in detail.answers:
            rows.append([attempt.number, localize(attempt.submitted_at) if attempt.submitted_at else None,
                         line.position, TYPE_LABELS.get(line.qtype, line.qtype), plain_text(line.stem_html),
                         line.response, line.key, None if line.correct is None else ("是" if line.correct else "否"),
                         line.awarded, line.points])
    return ["第几次", "交卷时间", "题号", "题型", "题干", "作答", "答案", "是否正确", "得分", "分值"], rows


def study_table(sheet: Transcript, localize: Callable) -> tuple[list[str], list[list]]:
    return ["专题", "章", "章名", "开始学习", "完成学习", "学习时长(分钟)"], [
        [s.module_title, s.chapter_number, s.chapter_title, localize(s.started_at),
         localize(s.completed_at) if s.completed_at else None, s.minutes] for s in sheet.study
    ]


def changes_table(changes: list[tuple], localize: Callable) -> tuple[list[str], list[list]]:
    return ["党员编号", "姓名", "原成绩", "新成绩", "原是否及格", "新是否及格", "原因", "时间"], [
        [user.username, user.name, c.old_score, c.new_score, verdict(c.old_passed) or None,
         verdict(c.new_passed) or None, c.reason,
         localize(c.changed_at)] for c, user in changes
    ]


FLAG_CLASSES = {ia.FLAG_NEGATIVE: "flag-negative", ia.FLAG_DISTRACTOR: "flag-distractor"}
