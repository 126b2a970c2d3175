"""The steps of an assessment round and their order: 自查自评 → 验收 → 抽查复检 (optional) → 审定公布."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

STEPS = ("self", "review", "spotcheck", "published")
STEP_LABELS = {"self": "自查自评", "review": "验收", "spotcheck": "抽查复检", "published": "审定公布"}


def next_step(current: str, with_spotcheck: bool) -> str | None:
    """The step after `current`; the spot check is skipped when the round draws no branch."""
    if current == "published":
        return None
    following = STEPS[STEPS.index(current) + 1]
    if following == "spotcheck" and not with_spotcheck:
        return "published"
    return following


def past_deadline(deadline: date | None, now: datetime, zone: str = "Asia/Shanghai") -> bool:
    """A step's deadline is a whole day in the organization's time zone."""
    return deadline is not None and now.astimezone(ZoneInfo(zone)).date() > deadline


def check_deadlines(deadlines: dict[str, date | None], today: date) -> list[str]:
    """Deadlines must not be before today and must follow the order of the steps."""
    problems, previous = [], None
    for step in STEPS:
        value = deadlines.get(step)
        if value is None:
            continue
        if value < today:
            problems.append(f"“{STEP_LABELS[step]}”截止日期 {value:%Y-%m-%d} 早于今天")
        if previous is not None and value < previous[1]:
            problems.append(f"“{STEP_LABELS[step]}”截止日期应不早于“{STEP_LABELS[previous[0]]}”")
        previous = (step, value)
    return problems
