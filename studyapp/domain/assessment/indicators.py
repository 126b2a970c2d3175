"""Platform indicators: what each kind measures and how its rate becomes points. The queries live in
services.assessment.indicators; this module holds the words and the arithmetic they share."""
from __future__ import annotations

from dataclasses import dataclass

SOURCES = {"manual": "人工评分", "platform": "平台数据"}


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    #: What the kind needs chosen in the scheme: "sittings", "modules", "sessions" or "" (nothing).
    needs: str
    #: How it is computed, shown beside the score.
    method: str


KINDS = {kind.key: kind for kind in (
    Kind("exam_participation", "考试参考率", "sittings",
         "所选场次中，本支部应考党员里至少交卷一次的人数 ÷ 应考人数"),
    Kind("exam_pass_rate", "考试合格率", "sittings",
         "所选场次中，本支部应考党员里计分成绩合格的人数 ÷ 应考人数"),
    Kind("study_completion", "学习完成率", "modules",
         "所选专题的章节中，本支部党员已标记“学习完成”的章节数 ÷（党员数 × 章节数）"),
    Kind("group_study_attendance", "集中学习到课率", "",
         "截至快照日已结束、邀请了本支部的集中学习中，本支部党员签到人次 ÷ 应到人次"),
    Kind("ledger_compliance", "组织生活合规率", "",
         "组织生活台账中按《条例》应开展的活动里，已开展的项数 ÷ 应开展项数"),
)}


def points(rate: float | None, max_points: float) -> float | None:
    """Points for a rate in 0…1, to one decimal; None (no data) stays None."""
    if rate is None:
        return None
    return round(max_points * min(max(rate, 0.0), 1.0), 1)


def percent(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator}（{numerator / denominator:.0%}）" if denominator else "无应参加人员"
