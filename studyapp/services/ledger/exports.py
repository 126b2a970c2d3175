"""The organization's ledger as a workbook (one sheet per kind, the compliance matrix, a summary) and a
branch's meeting record book (会议记录本) for a year. Cells go through domain.tabular, which keeps any
formula-looking text as text."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...domain.ledger import kinds
from ...domain.ledger.periods import GRANULARITY_LABELS, YEAR, Period
from ...models.group_study import Attendance
from ...models.ledger import Activity
from .calendar import BranchRow
from .signin import Line, attendance_sheet

ACTIVITY_HEADERS = ["支部", "日期", "开始", "结束", "地点", "主题", "主持人", "记录人", "党小组", "状态",
                    "出席", "请假", "缺席", "其他", "决定事项"]
MATRIX_HEADERS = ["支部", "活动", "周期", "依据"] + [f"第{n}期" for n in range(1, 13)]
SUMMARY_HEADERS = ["支部", "正式党员", "党小组", "已开展", "未开展", "逾期未开展"]


def year_activities(session: Session, unit_ids: list[int], year: int, zone: ZoneInfo) -> list[Activity]:
    span = Period(year, YEAR, 1)
    if not unit_ids:
        return []
    query = (select(Activity).where(Activity.unit_id.in_(unit_ids), Activity.starts_at >= span.start(zone),
                                    Activity.starts_at < span.end(zone))
             .options(selectinload(Activity.attendance), selectinload(Activity.unit), selectinload(Activity.chair),
                      selectinload(Activity.recorder), selectinload(Activity.party_group))
             .order_by(Activity.unit_id, Activity.starts_at, Activity.id))
    return list(session.scalars(query))


def _signins(session: Session, activities: list[Activity]) -> dict[int, set[int]]:
    """Session id -> members who signed in, for all the activities' windows in one query."""
    ids = {a.signin_session_id for a in activities if a.signin_session_id is not None}
    found: dict[int, set[int]] = {}
    if ids:
        for session_id, user_id in session.execute(select(Attendance.session_id, Attendance.user_id)
                                                   .where(Attendance.session_id.in_(ids))):
            found.setdefault(session_id, set()).add(user_id)
    return found


def workbook_sheets(session: Session, rows: list[BranchRow], year: int, zone: ZoneInfo):
    """(title, headers, rows) of each sheet: 汇总, 合规情况, then one per kind of activity."""
    activities = year_activities(session, [row.unit.id for row in rows], year, zone)
    signed = _signins(session, activities)
    per_kind: dict[str, list[list[object]]] = {kind: [] for kind in kinds.KINDS}
    for activity in activities:
        tally = {state: 0 for state in kinds.ATTENDANCE}
        recorded = {row.user_id for row in activity.attendance}
        for row in activity.attendance:
            tally[row.status] += 1
        tally[kinds.PRESENT] += len(signed.get(activity.signin_session_id, set()) - recorded)
        start = activity.starts_at.astimezone(zone)
        per_kind[activity.kind].append([
            activity.unit.name, start.strftime("%Y-%m-%d"), start.strftime("%H:%M"),
            activity.ends_at.astimezone(zone).strftime("%H:%M"), activity.place, activity.topic,
            activity.chair.name if activity.chair else "", activity.recorder.name if activity.recorder else "",
            activity.party_group.name if activity.party_group else "", kinds.STATUSES[activity.status],
            tally[kinds.PRESENT], tally[kinds.LEAVE], tally[kinds.ABSENT], tally[kinds.OTHER], activity.decisions])
    summary = [[row.unit.name, row.facts.full_members, row.facts.party_groups, row.done, row.pending, row.overdue]
               for row in rows]
    # Wide: one row per branch and rule, one column per period (month, quarter or the year).
    matrix = [[row.unit.name, rule.label, GRANULARITY_LABELS[rule.granularity], rule.citation]
              + [cell.state_label for cell in cells] for row in rows for rule, cells in row.year.by_rule()]
    return [("汇总", SUMMARY_HEADERS, summary), ("合规情况", MATRIX_HEADERS, matrix)] + [
        (kinds.SHORT[kind], ACTIVITY_HEADERS, lines) for kind, lines in per_kind.items()]


def record_book(session: Session, unit_id: int, year: int, zone: ZoneInfo) -> list[tuple[Activity, list[Line]]]:
    """The year's held activities of a branch, each with its attendance sheet, for printing."""
    return [(activity, attendance_sheet(session, activity))
            for activity in year_activities(session, [unit_id], year, zone) if activity.status == kinds.DONE]


def localizer(zone: ZoneInfo) -> Callable[[datetime], str]:
    return lambda value: value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
