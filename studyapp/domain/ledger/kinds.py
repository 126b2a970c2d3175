"""Kinds of organizational-life activity, attendance states and member categories, with their labels."""
from __future__ import annotations

GENERAL_MEETING = "general_meeting"
COMMITTEE = "committee"
GROUP_MEETING = "group_meeting"
PARTY_LECTURE = "party_lecture"
THEME_DAY = "theme_day"
LIFE_MEETING = "life_meeting"
APPRAISAL = "appraisal"
HEART_TALK = "heart_talk"
GROUP_STUDY = "group_study"

#: Every kind, in the order the forms and the ledger list them.
KINDS: dict[str, str] = {
    GENERAL_MEETING: "党员大会",
    COMMITTEE: "支部委员会会议",
    GROUP_MEETING: "党小组会",
    PARTY_LECTURE: "党课",
    THEME_DAY: "主题党日",
    LIFE_MEETING: "组织生活会",
    APPRAISAL: "民主评议党员",
    HEART_TALK: "谈心谈话",
    GROUP_STUDY: "集中学习",
}
#: Short names for narrow calendar cells.
SHORT: dict[str, str] = {
    GENERAL_MEETING: "党员大会", COMMITTEE: "支委会", GROUP_MEETING: "党小组会", PARTY_LECTURE: "党课",
    THEME_DAY: "主题党日", LIFE_MEETING: "组织生活会", APPRAISAL: "民主评议", HEART_TALK: "谈心谈话",
    GROUP_STUDY: "集中学习",
}

PLANNED, DONE = "planned", "done"
STATUSES: dict[str, str] = {PLANNED: "计划", DONE: "已开展"}

PRESENT, LEAVE, ABSENT, OTHER = "present", "leave", "absent", "other"
#: Attendance at an activity; every state but PRESENT is an absence with a reason.
ATTENDANCE: dict[str, str] = {PRESENT: "出席", LEAVE: "请假", ABSENT: "缺席", OTHER: "其他"}

FULL, PROBATIONARY = "full", "probationary"
#: 党员类别: only full members (正式党员) vote and count towards a committee (Arts. 11, 20).
MEMBER_KINDS: dict[str, str] = {FULL: "正式党员", PROBATIONARY: "预备党员"}
#: Roster words for the category, to the stored code.
MEMBER_KIND_WORDS: dict[str, str] = {"正式": FULL, "正式党员": FULL, "预备": PROBATIONARY, "预备党员": PROBATIONARY}
