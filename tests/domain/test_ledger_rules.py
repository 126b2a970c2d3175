"""The ledger's rules: what is due when, in Asia/Shanghai, for branches with and without a committee or
党小组, and the 党员大会 quorum."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from studyapp.domain.ledger import kinds
from studyapp.domain.ledger.compliance import DONE, FUTURE, OVERDUE, PENDING, branch_year, period_state
from studyapp.domain.ledger.periods import MONTH, QUARTER, YEAR, Period, local_date, period_of
from studyapp.domain.ledger.quorum import Quorum, needed
from studyapp.domain.ledger.rules import INFERRED, OWN_SETTING, RULES, VERIFIED, BranchFacts, rules_for

SH = ZoneInfo("Asia/Shanghai")
BIG = BranchFacts(full_members=12, party_groups=2)
SMALL = BranchFacts(full_members=6, party_groups=0)


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


# ---- the rule table --------------------------------------------------------------------------


def test_each_rule_cites_its_article_with_the_fact_sheets_status():
    table = {rule.kind: (rule.granularity, rule.article, rule.status) for rule in RULES}
    assert table == {
        kinds.GENERAL_MEETING: (QUARTER, "第十一条", VERIFIED),
        kinds.COMMITTEE: (MONTH, "第十二条", VERIFIED),
        kinds.GROUP_MEETING: (MONTH, "第十三条", VERIFIED),
        kinds.THEME_DAY: (MONTH, "第十六条", INFERRED),
        kinds.LIFE_MEETING: (YEAR, "第十七条", VERIFIED),
        kinds.APPRAISAL: (YEAR, "第十八条", INFERRED),
        kinds.HEART_TALK: (YEAR, "第十九条", VERIFIED),
    }


def test_a_branch_party_lecture_each_quarter_is_the_organizations_setting_not_the_regulations():
    assert all(rule.kind != kinds.PARTY_LECTURE for rule in RULES)
    lecture = [rule for rule in rules_for(BIG)[0] if rule.kind == kinds.PARTY_LECTURE]
    assert lecture and lecture[0].source == OWN_SETTING and "非《条例》" in lecture[0].citation


def test_committee_meetings_are_due_only_from_seven_full_members():
    assert kinds.COMMITTEE in {rule.kind for rule in rules_for(BranchFacts(7, 0))[0]}
    applying, exempt = rules_for(BranchFacts(6, 0))
    assert kinds.COMMITTEE not in {rule.kind for rule in applying}
    assert [rule.kind for rule in exempt if rule.kind == kinds.COMMITTEE]
    assert "第二十条" in next(rule.exempt for rule in exempt if rule.kind == kinds.COMMITTEE)


def test_party_group_meetings_are_due_only_where_party_groups_exist():
    assert kinds.GROUP_MEETING in {rule.kind for rule in rules_for(BranchFacts(3, 1))[0]}
    assert kinds.GROUP_MEETING not in {rule.kind for rule in rules_for(BranchFacts(30, 0))[0]}


# ---- periods in Asia/Shanghai ------------------------------------------------------------------


def test_a_meeting_just_after_midnight_on_the_first_counts_for_the_new_month_quarter_and_year():
    first_april = local_date(utc(2026, 3, 31, 16, 30), SH)  # 00:30 on 1 April in Beijing
    assert first_april == date(2026, 4, 1)
    assert period_of(first_april, MONTH) == Period(2026, MONTH, 4)
    assert period_of(first_april, QUARTER) == Period(2026, QUARTER, 2)
    new_year = local_date(utc(2025, 12, 31, 16, 0), SH)
    assert period_of(new_year, YEAR) == Period(2026, YEAR, 1)
    last_evening = local_date(utc(2026, 3, 31, 15, 59), SH)  # 23:59 on 31 March
    assert period_of(last_evening, QUARTER) == Period(2026, QUARTER, 1)


def test_periods_start_and_end_at_local_midnight():
    q1 = Period(2026, QUARTER, 1)
    assert q1.start(SH) == utc(2025, 12, 31, 16, 0)
    assert q1.end(SH) == utc(2026, 3, 31, 16, 0)
    assert Period(2026, MONTH, 12).end(SH) == utc(2026, 12, 31, 16, 0)
    assert Period(2026, YEAR, 1).end(SH) == utc(2026, 12, 31, 16, 0)


def test_a_period_is_pending_while_open_and_overdue_from_its_first_instant_after():
    march = Period(2026, MONTH, 3)
    assert period_state(march, 0, utc(2026, 3, 31, 15, 59), SH) == PENDING
    assert period_state(march, 0, utc(2026, 3, 31, 16, 0), SH) == OVERDUE
    assert period_state(march, 0, utc(2026, 2, 28, 15, 59), SH) == FUTURE
    assert period_state(march, 1, utc(2027, 1, 1), SH) == DONE


# ---- a branch's year ---------------------------------------------------------------------------


def cells(year, kind):
    return [cell for cell in year.cells if cell.rule.kind == kind]


def test_branch_year_marks_held_pending_overdue_and_future_periods():
    now = utc(2026, 5, 10)
    done = [(kinds.COMMITTEE, date(2026, 1, 8)), (kinds.COMMITTEE, date(2026, 5, 3)),
            (kinds.GENERAL_MEETING, date(2026, 3, 31)), (kinds.COMMITTEE, date(2025, 12, 30))]
    year = branch_year(BIG, 2026, done, now, SH)
    committee = [cell.state for cell in cells(year, kinds.COMMITTEE)]
    assert committee[:6] == [DONE, OVERDUE, OVERDUE, OVERDUE, DONE, FUTURE]
    assert [cell.state for cell in cells(year, kinds.GENERAL_MEETING)] == [DONE, PENDING, FUTURE, FUTURE]
    assert [cell.state for cell in cells(year, kinds.LIFE_MEETING)] == [PENDING]
    # committee Feb–Apr, 党小组会 and 主题党日 Jan–Apr, the quarterly 党课 of Q1
    assert year.count(OVERDUE) == 3 + 4 + 4 + 1


def test_small_branch_has_no_committee_or_group_cells_and_says_why():
    year = branch_year(SMALL, 2026, [], utc(2027, 1, 5), SH)
    assert not cells(year, kinds.COMMITTEE) and not cells(year, kinds.GROUP_MEETING)
    assert {rule.kind for rule in year.exempt} == {kinds.COMMITTEE, kinds.GROUP_MEETING}
    # After the year: every applicable period without an activity is overdue.
    assert year.count(OVERDUE) == 4 + 12 + 1 + 1 + 1 + 4


def test_annual_rules_are_met_by_one_activity_any_time_in_the_year():
    year = branch_year(SMALL, 2026, [(kinds.LIFE_MEETING, date(2026, 12, 31))], utc(2027, 1, 5), SH)
    assert [cell.state for cell in cells(year, kinds.LIFE_MEETING)] == [DONE]
    assert [cell.state for cell in cells(year, kinds.HEART_TALK)] == [OVERDUE]


def test_planned_activities_are_counted_but_do_not_meet_a_rule():
    year = branch_year(BIG, 2026, [], utc(2026, 5, 10), SH, planned=[(kinds.COMMITTEE, date(2026, 5, 20))])
    may = cells(year, kinds.COMMITTEE)[4]
    assert may.state == PENDING and may.planned == 1 and may.held == 0
    assert "第十二条" in may.hint


# ---- quorum ------------------------------------------------------------------------------------


@pytest.mark.parametrize("voting, need", [(20, 11), (21, 11), (19, 10), (2, 2), (1, 1), (0, 0)])
def test_more_than_half_of_the_voting_members_must_be_present(voting, need):
    assert needed(voting) == need


def test_quorum_met_only_with_more_than_half_present():
    assert not Quorum(voting=20, present=10).met
    assert Quorum(voting=20, present=11).met
    assert "至少 11 人" in str(Quorum(20, 11))
    assert not Quorum(voting=0, present=0).met
