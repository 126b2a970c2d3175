"""The organization's ledger as a workbook (one sheet per kind, the compliance matrix, a summary) and a
branch's meeting record book (会议记录本) for a year. Cells go through domain.tabular, which keeps any
formula-looking text as text."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from ...domain.ledger import kinds
from ...domain.ledger.periods import GRANULARITY_LABELS, YEAR, Period
from ...models import Unit, User
from ...models.group_study import Attendance
from ...models.ledger import Activity, ActivityAttendance, PartyGroup
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


def _activity_rows(session: Session, unit_ids: list[int], year: int, zone: ZoneInfo) -> list[list[object]]:
    """One row per activity of the year (plain columns and grouped counts: three queries, no ORM objects,
    so 1,000 branches' year stays quick)."""
    if not unit_ids:
        return []
    span = Period(year, YEAR, 1)
    chair, recorder = aliased(User), aliased(User)
    in_year = (Activity.unit_id.in_(unit_ids), Activity.starts_at >= span.start(zone), Activity.starts_at < span.end(zone))
    query = (select(Activity.id, Activity.kind, Unit.name, Activity.starts_at, Activity.ends_at, Activity.place,
                    Activity.topic, chair.name, recorder.name, PartyGroup.name, Activity.status, Activity.decisions,
                    Activity.signin_session_id)
             .join(Unit, Unit.id == Activity.unit_id).outerjoin(chair, chair.id == Activity.chair_id)
             .outerjoin(recorder, recorder.id == Activity.recorder_id)
             .outerjoin(PartyGroup, PartyGroup.id == Activity.party_group_id)
             .where(*in_year).order_by(Unit.sort_order, Unit.id, Activity.starts_at, Activity.id))
    tallies: dict[int, dict[str, int]] = {}
    for activity_id, state, number in session.execute(
            select(ActivityAttendance.activity_id, ActivityAttendance.status, func.count())
            .join(Activity, Activity.id == ActivityAttendance.activity_id).where(*in_year)
            .group_by(ActivityAttendance.activity_id, ActivityAttendance.status)):
        tallies.setdefault(activity_id, {})[state] = number
    # Sign-ins count as 出席 for members with nothing recorded (as on the record page).
    unrecorded = dict(session.execute(
        select(Activity.id, func.count()).join(Attendance, Attendance.session_id == Activity.signin_session_id)
        .where(*in_year, ~select(ActivityAttendance.user_id).where(
            ActivityAttendance.activity_id == Activity.id, ActivityAttendance.user_id == Attendance.user_id).exists())
        .group_by(Activity.id)).all())
    rows = []
    for (activity_id, kind, unit_name, starts_at, ends_at, place, topic, chair_name, recorder_name, group_name,
         status, decisions, _window) in session.execute(query):
        tally = tallies.get(activity_id, {})
        start = starts_at.astimezone(zone)
        rows.append([kind, unit_name, start.strftime("%Y-%m-%d"), start.strftime("%H:%M"),
                     ends_at.astimezone(zone).strftime("%H:%M"), place, topic, chair_name or "", recorder_name or "",
                     group_name or "", kinds.STATUSES[status], tally.get(kinds.PRESENT, 0) + unrecorded.get(activity_id, 0),
                     tally.get(kinds.LEAVE, 0), tally.get(kinds.ABSENT, 0), tally.get(kinds.OTHER, 0), decisions])
    return rows


def workbook_sheets(session: Session, rows: list[BranchRow], year: int, zone: ZoneInfo):
    """(title, headers, rows) of each sheet: 汇总, 合规情况, then one per kind of activity."""
    per_kind: dict[str, list[list[object]]] = {kind: [] for kind in kinds.KINDS}
    for line in _activity_rows(session, [row.unit.id for row in rows], year, zone):
        per_kind[line[0]].append(line[1:])
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
