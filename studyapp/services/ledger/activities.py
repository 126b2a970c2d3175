"""Recording activities: validation per field, attendance from the branch roster, and history.

Every save checks all fields and raises FieldErrors naming each bad one, having changed nothing. Each
save after the first writes an ActivityRevision with the fields that changed (old and new text), so a
completed record's edits stay visible: who changed what, when.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.ledger import kinds
from ...domain.rendering import render_markdown
from ...models import User
from ...models.ledger import Activity, ActivityAttendance, ActivityRevision, PartyGroup
from ..errors import Invalid
from ..scope import organization_root
from .scope import managed_branch

MAX_MINUTES, MAX_DECISIONS, MAX_REASON = 100_000, 20_000, 200


class FieldErrors(Invalid):
    """Every field that is wrong, with a Chinese message each; the form shows them next to the fields."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(errors.values()))


@dataclass
class ActivityInput:
    """What the record form submits (times already in UTC). attendance: user id -> (state, reason);
    None leaves the recorded attendance as it is."""

    kind: str
    status: str
    starts_at: datetime | None
    ends_at: datetime | None
    topic: str = ""
    place: str = ""
    chair_id: int | None = None
    recorder_id: int | None = None
    party_group_id: int | None = None
    minutes_md: str = ""
    decisions: str = ""
    minutes_public: bool = False
    votes: bool = False
    attendance: dict[int, tuple[str, str]] | None = field(default=None)


def branch_roster(session: Session, unit_id: int) -> list[User]:
    """The branch's active members (organizers included: they are Party members too), by login id."""
    query = select(User).where(User.unit_id == unit_id, User.active.is_(True), User.role != "admin")
    return list(session.scalars(query.order_by(User.username)))


def party_groups(session: Session, unit_id: int) -> list[PartyGroup]:
    return list(session.scalars(select(PartyGroup).where(PartyGroup.unit_id == unit_id).order_by(PartyGroup.name)))


def save_activity(session: Session, actor: User, managed: set[int], unit_id: int, activity: Activity | None,
                  data: ActivityInput, now: datetime, zone: ZoneInfo) -> Activity:
    """Create (activity None) or update an activity of a managed branch after checking every field."""
    unit = managed_branch(session, managed, unit_id if activity is None else activity.unit_id)
    roster = {user.id: user for user in branch_roster(session, unit.id)}
    groups = {group.id: group for group in party_groups(session, unit.id)}
    recorded = {row.user_id for row in activity.attendance} if activity is not None else set()
    _check(data, now, roster, groups, recorded)
    before = snapshot(activity, zone) if activity is not None else None
    if activity is None:
        activity = Activity(organization_id=organization_root(session, unit.id), unit_id=unit.id, created_by_id=actor.id,
                            created_at=now)
        session.add(activity)
    activity.kind, activity.status = data.kind, data.status
    activity.starts_at, activity.ends_at = data.starts_at, data.ends_at
    activity.topic, activity.place = data.topic.strip(), (data.place or "").strip()
    activity.chair_id, activity.recorder_id = data.chair_id, data.recorder_id
    activity.party_group_id = data.party_group_id
    activity.minutes_md = data.minutes_md or ""
    activity.minutes_html = render_markdown(activity.minutes_md)
    activity.decisions = (data.decisions or "").strip()
    activity.minutes_public = bool(data.minutes_public)
    activity.votes = bool(data.votes) and data.kind == kinds.GENERAL_MEETING
    activity.updated_at = now
    if data.attendance is not None:
        _replace_attendance(activity, data.attendance)
    session.flush()
    session.refresh(activity)
    after = snapshot(activity, zone)
    changes = [] if before is None else [[label, before[label], after[label]] for label in after
                                         if before[label] != after[label]]
    if before is None or changes:
        session.add(ActivityRevision(activity_id=activity.id, actor_id=actor.id, at=now,
                                     changes=json.dumps(changes, ensure_ascii=False)))
        session.flush()
    return activity


def _check(data: ActivityInput, now: datetime, roster: dict[int, User], groups: dict[int, PartyGroup],
           recorded: set[int]) -> None:
    errors: dict[str, str] = {}
    if data.kind not in kinds.KINDS:
        errors["kind"] = "请选择活动类型"
    if data.status not in kinds.STATUSES:
        errors["status"] = "请选择“计划”或“已开展”"
    topic = (data.topic or "").strip()
    if not topic:
        errors["topic"] = "请填写主题"
    elif len(topic) > 200:
        errors["topic"] = "主题最多200个字"
    if len((data.place or "").strip()) > 300:
        errors["place"] = "地点最多300个字"
    if data.starts_at is None:
        errors["starts_at"] = "请填写开始时间"
    elif data.status == kinds.DONE and data.starts_at > now:
        errors["starts_at"] = "已开展的活动，开始时间不能晚于现在；尚未开展的请选“计划”"
    if data.ends_at is None:
        errors["ends_at"] = "请填写结束时间"
    elif data.starts_at is not None and data.ends_at < data.starts_at:
        errors["ends_at"] = "结束时间不能早于开始时间"
    for name, user_id, label in (("chair_id", data.chair_id, "主持人"), ("recorder_id", data.recorder_id, "记录人")):
        if user_id is not None and user_id not in roster:
            errors[name] = f"{label}须是本支部党员"
    if data.party_group_id is not None and data.party_group_id not in groups:
        errors["party_group_id"] = "所选党小组不属于本支部"
    elif data.kind == kinds.GROUP_MEETING and groups and data.party_group_id is None:
        errors["party_group_id"] = "党小组会请选择党小组"
    if data.votes and data.kind != kinds.GENERAL_MEETING:
        errors["votes"] = "只有党员大会进行表决"
    if len(data.minutes_md or "") > MAX_MINUTES:
        errors["minutes_md"] = f"会议记录最多{MAX_MINUTES}个字"
    if len(data.decisions or "") > MAX_DECISIONS:
        errors["decisions"] = f"决定事项最多{MAX_DECISIONS}个字"
    for user_id, (state, reason) in (data.attendance or {}).items():
        if user_id not in roster and user_id not in recorded:
            errors["attendance"] = "出席情况中有不属于本支部的人员"
        elif state not in kinds.ATTENDANCE:
            errors["attendance"] = "出席情况只能是 出席、请假、缺席 或 其他"
        elif len(reason or "") > MAX_REASON:
            errors["attendance"] = f"缺席原因最多{MAX_REASON}个字"
    if errors:
        raise FieldErrors(errors)


def _replace_attendance(activity: Activity, entries: dict[int, tuple[str, str]]) -> None:
    by_user = {row.user_id: row for row in activity.attendance}
    for user_id, row in list(by_user.items()):
        if user_id not in entries:
            activity.attendance.remove(row)
    for user_id, (state, reason) in entries.items():
        reason = "" if state == kinds.PRESENT else (reason or "").strip()
        row = by_user.get(user_id)
        if row is None:
            activity.attendance.append(ActivityAttendance(user_id=user_id, status=state, reason=reason))
        else:
            row.status, row.reason = state, reason


def snapshot(activity: Activity, zone: ZoneInfo) -> dict[str, str]:
    """The record as text, field label -> value: what a revision compares."""

    def when(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""

    attendance = {}
    for row in sorted(activity.attendance, key=lambda r: r.user.username):
        label = kinds.ATTENDANCE[row.status]
        attendance.setdefault(label, []).append(row.user.name + (f"（{row.reason}）" if row.reason else ""))
    return {
        "活动类型": kinds.KINDS.get(activity.kind, activity.kind),
        "状态": kinds.STATUSES.get(activity.status, activity.status),
        "开始时间": when(activity.starts_at),
        "结束时间": when(activity.ends_at),
        "地点": activity.place,
        "主题": activity.topic,
        "主持人": activity.chair.name if activity.chair else "",
        "记录人": activity.recorder.name if activity.recorder else "",
        "党小组": activity.party_group.name if activity.party_group else "",
        "会议记录": activity.minutes_md,
        "决定事项": activity.decisions,
        "向党员公开记录": "是" if activity.minutes_public else "否",
        "表决事项": "是" if activity.votes else "否",
        "出席情况": "；".join(f"{label}：{'、'.join(names)}" for label, names in attendance.items()),
    }


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def history(activity: Activity) -> list[tuple[ActivityRevision, list[Change]]]:
    """Revisions newest first, each with its changes (empty: the record was created)."""
    return [(revision, [Change(*entry) for entry in json.loads(revision.changes or "[]")])
            for revision in activity.revisions]


def branch_activities(session: Session, unit_id: int, start: datetime, end: datetime) -> list[Activity]:
    """A branch's activities starting in [start, end), earliest first."""
    query = select(Activity).where(Activity.unit_id == unit_id, Activity.starts_at >= start, Activity.starts_at < end)
    return list(session.scalars(query.order_by(Activity.starts_at, Activity.id)))
