"""Months, quarters and years as the organization counts them: in its own time zone (Asia/Shanghai).
A meeting at 00:30 on 1 April Beijing time is 16:30 UTC on 31 March; by the UTC date it would count for
March and Q1, but it belongs to April and Q2. The zone is a parameter, never read here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

MONTH, QUARTER, YEAR = "month", "quarter", "year"
GRANULARITY_LABELS = {MONTH: "每月", QUARTER: "每季度", YEAR: "每年"}


@dataclass(frozen=True, order=True)
class Period:
    """One month (index 1–12), quarter (1–4) or year (index 1) of a calendar year."""

    year: int
    granularity: str
    index: int

    @property
    def first_month(self) -> int:
        if self.granularity == MONTH:
            return self.index
        return 3 * self.index - 2 if self.granularity == QUARTER else 1

    @property
    def last_month(self) -> int:
        if self.granularity == MONTH:
            return self.index
        return 3 * self.index if self.granularity == QUARTER else 12

    def start(self, zone: ZoneInfo) -> datetime:
        """The first instant of the period (aware, in UTC)."""
        return datetime(self.year, self.first_month, 1, tzinfo=zone).astimezone(timezone.utc)

    def end(self, zone: ZoneInfo) -> datetime:
        """The first instant after the period (aware, in UTC)."""
        year, month = (self.year + 1, 1) if self.last_month == 12 else (self.year, self.last_month + 1)
        return datetime(year, month, 1, tzinfo=zone).astimezone(timezone.utc)

    def contains(self, day: date) -> bool:
        return day.year == self.year and self.first_month <= day.month <= self.last_month

    @property
    def label(self) -> str:
        if self.granularity == MONTH:
            return f"{self.index}月"
        if self.granularity == QUARTER:
            return f"第{'一二三四'[self.index - 1]}季度"
        return f"{self.year}年"


@lru_cache(maxsize=64)
def periods(year: int, granularity: str) -> tuple[Period, ...]:
    """The year's periods of a granularity (cached: a calendar of 1,000 branches asks 1,000 times)."""
    count = {MONTH: 12, QUARTER: 4, YEAR: 1}[granularity]
    return tuple(Period(year, granularity, index) for index in range(1, count + 1))


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day of an aware instant in the organization's zone."""
    return moment.astimezone(zone).date()


def period_of(day: date, granularity: str) -> Period:
    index = {MONTH: day.month, QUARTER: (day.month - 1) // 3 + 1, YEAR: 1}[granularity]
    return Period(day.year, granularity, index)
