"""Report services against figures the test computes itself from the generated cohort's records."""
from __future__ import annotations

import statistics as pystats
from datetime import timedelta

import pytest

from fixtures_exams import FIXED_NOW
from tests.conftest import recorded_statements
from studyapp.domain import exam_status
from studyapp.models import Chapter
from studyapp.models.progress import StudyProgress
from studyapp.models.reports import ScoreChange
from studyapp.services import reports
from studyapp.services.errors import NotFound
from studyapp.services.reports import items as item_reports
from studyapp.services.reports import members as member_reports
from studyapp.services.reports import regrade, rosters
from studyapp.services.reports.sitting import monitor, sitting_summary


@pytest.fixture
def cohort(make_cohort, branch_a, branch_b, org):
    return make_cohort({branch_a: 150, branch_b: 120}, seed=11, owner=org)


def expected_branch(records):
    counted = [r.counted for r in records if r.counted]
    scores = [c["score"] for c in counted]
    return dict(expected=len(records), sat=len(counted), passed=sum(c["passed"] for c in counted),
                mean=round(sum(scores) / len(scores), 2) if scores else None,
                median=round(pystats.median(scores), 2) if scores else None)


def test_summary_by_branch_matches_the_records(db, cohort, branch_a, branch_b):
    audience = reports.audience_for(db.session, cohort.sitting, None)
    summary = sitting_summary(db.session, audience)
    assert sum(len(r.attempts) for r in cohort.records) > 250  # a few hundred attempts
    rows = {row.unit_id: row.figures for row in summary.branches}
    for unit in (branch_a, branch_b):
        want = expected_branch(cohort.in_unit(unit))
        got = rows[unit.id]
        assert (got.expected, got.sat, got.passed, got.mean, got.median) == tuple(want.values())
        assert got.participation_rate == round(want["sat"] * 100 / want["expected"], 1)
    everyone = expected_branch(cohort.records)
    assert (summary.total.expected, summary.total.sat, summary.total.passed) == (
        everyone["expected"], everyone["sat"], everyone["passed"])
    assert summary.failed == everyone["sat"] - everyone["passed"]
    # Histogram: each counted score is a multiple of 10% here (20-point questions, fill-ins all or nothing)
    bins = [0] * 10
    for record in cohort.records:
        if record.counted:
            bins[min(int(record.counted["score"]) // 10, 9)] += 1
    assert [b.count for b in summary.bins] == bins
    # Ranked by participation then pass rate
    ordered = sorted(rows.values(), key=lambda f: (-f.participation_rate, -(f.pass_rate or 0)))
    assert [row.figures for row in summary.branches] == ordered
    assert summary.branches[0].rank == 1


def test_chase_and_score_lists(db, cohort):
    audience = reports.audience_for(db.session, cohort.sitting, None)
    chase = list(rosters.member_lines(db.session, audience, absent_only=True))
    absent = {r.user.username for r in cohort.records if not r.submitted}
    assert {line.username for line in chase} == absent
    answering = {r.user.username for r in cohort.records if r.attempts and not r.submitted}
    assert {line.username for line in chase if line.status == exam_status.ANSWERING} == answering
    assert all(line.phone for line in chase)
    lines = {line.username: line for line in rosters.member_lines(db.session, audience)}
    assert len(lines) == len(cohort.records)
    for record in cohort.records:
        line = lines[record.user.username]
        assert line.attempts == len(record.attempts)
        assert line.score == (record.counted["score"] if record.counted else None)
        assert line.passed == (record.counted["passed"] if record.counted else None)


def test_monitor_counts(db, cohort, branch_a):
    audience = reports.audience_for(db.session, cohort.sitting, None)
    row = next(r for r in monitor(db.session, audience) if r.unit_id == branch_a.id)
    records = cohort.in_unit(branch_a)
    assert row.expected == len(records)
    assert row.submitted == sum(1 for r in records if r.submitted)
    assert row.in_progress == sum(1 for r in records if r.attempts and not r.submitted)
    assert row.not_started == sum(1 for r in records if not r.attempts)


def test_organizer_scope(db, cohort, branch_a, branch_b, make_exam, make_sitting):
    # The sitting belongs to the organization: branch A's organizer sees it, but only branch A's figures.
    audience = reports.audience_for(db.session, reports.reportable_sitting(db.session, cohort.sitting.id, {branch_a.id}),
                                    {branch_a.id})
    summary = sitting_summary(db.session, audience)
    assert [row.unit_id for row in summary.branches] == [branch_a.id]
    assert summary.total.expected == len(cohort.in_unit(branch_a))
    # A sitting of branch A's own exam for branch A does not exist for branch B's organizer.
    own = make_sitting(make_exam(cohort.module, branch_a, fixed=[(cohort.questions[0], 10)]), units=[branch_a])
    with pytest.raises(NotFound):
        reports.reportable_sitting(db.session, own.id, {branch_b.id})
    with pytest.raises(NotFound):
        reports.reportable_exam(db.session, own.exam_id, {branch_b.id})
    with pytest.raises(NotFound):
        reports.reportable_member(db.session, cohort.in_unit(branch_a)[0].user.id, {branch_b.id})


def count_statements(db, fn):
    return len(recorded_statements(db, fn)[1])


def test_summary_query_count_does_not_grow_with_members(db, make_cohort, make_unit, org):
    counts = []
    for size, seed in ((10, 21), (200, 22)):
        unit = make_unit(f"规模{size}支部", parent=org)
        cohort = make_cohort({unit: size}, seed=seed)
        db.session.expire_all()

        def run():
            sitting = reports.reportable_sitting(db.session, cohort.sitting.id, None)
            audience = reports.audience_for(db.session, sitting, None)
            summary = sitting_summary(db.session, audience)
            monitor(db.session, audience)
            assert summary.total.expected == size

        counts.append(count_statements(db, run))
    assert counts[0] == counts[1]
    assert counts[1] <= 10


def test_item_analysis_facility_matches_first_attempts(db, cohort):
    report = item_reports.item_analysis(db.session, cohort.exam, None)
    firsts = [r.first for r in cohort.records if r.first]
    assert report.attempts == len(firsts)
    by_question = {row.stats.question_id: row.stats for row in report.items}
    for question in cohort.questions:
        right = sum(1 for f in firsts if f["items"][question.id])
        assert by_question[question.id].takers == len(firsts)
        assert by_question[question.id].facility == round(right / len(firsts), 3)
    single = cohort.questions[0]
    picks = {key: sum(1 for f in firsts if f["answers"].get(single.id) == key) for key in "ABCD"}
    assert {o.key: o.count for o in by_question[single.id].options} == picks
    assert by_question[single.id].unanswered == sum(1 for f in firsts if single.id not in f["answers"])


def test_weak_articles_by_branch(db, cohort, branch_a):
    rows = item_reports.weak_articles(db.session, cohort.exam, None, unit_id=branch_a.id)
    firsts = [r.first for r in cohort.in_unit(branch_a) if r.first]
    # Article 1 has two questions (1 and 5): both count.
    q1, q5 = cohort.questions[0].id, cohort.questions[4].id
    art1 = next(r for r in rows if r.article_number == 1)
    assert art1.answered == 2 * len(firsts)
    assert art1.correct == sum(f["items"][q1] + f["items"][q5] for f in firsts)
    assert [r.facility for r in rows] == sorted(r.facility for r in rows)
    assert {r.unit_id for r in rows} == {branch_a.id}


def test_regrade_after_key_correction_is_recorded_once(db, cohort, admin):
    question = cohort.questions[0]  # single, key B; make C the key
    assert regrade.correct_key(db.session, admin, cohort.exam, question.id, "C", FIXED_NOW) == "versioned"
    result = regrade.regrade_exam(db.session, admin, cohort.exam, FIXED_NOW + timedelta(minutes=1))
    db.session.commit()
    expected = {}
    for record in cohort.records:
        for attempt in record.submitted:
            answer = attempt["answers"].get(question.id)
            delta = (20 if answer == "C" else 0) - (20 if answer == "B" else 0)
            if delta:
                new = attempt["score"] + delta
                expected[attempt["id"]] = (attempt["score"], new, attempt["passed"], new >= 60)
    got = {c.attempt_id: (c.old_score, c.new_score, c.old_passed, c.new_passed) for c in result.changes}
    assert got == expected and expected
    assert result.attempts == sum(len(r.submitted) for r in cohort.records)
    again = regrade.regrade_exam(db.session, admin, cohort.exam, FIXED_NOW + timedelta(minutes=2))
    db.session.commit()
    assert again.changes == []
    assert db.session.query(ScoreChange).count() == len(expected)


def test_member_detail_and_transcript(db, cohort, branch_a):
    record = next(r for r in cohort.in_unit(branch_a) if r.submitted)
    details = member_reports.sitting_attempts(db.session, cohort.sitting, record.user)
    assert [d.attempt.id for d in details] == [a["id"] for a in sorted(record.attempts, key=lambda a: a["number"])]
    first = next(d for d in details if d.attempt.status == "submitted")
    assert len(first.answers) == 5
    assert first.answers[0].key == "B. 选项B内容"
    chapter = db.session.query(Chapter).filter_by(module_id=cohort.module.id, number=1).one()
    db.session.add(StudyProgress(user_id=record.user.id, chapter_id=chapter.id, started_at=FIXED_NOW,
                                 completed_at=FIXED_NOW, seconds_spent=600))
    db.session.commit()
    sheet = member_reports.transcript(db.session, record.user)
    assert [e.exam.id for e in sheet.exams] == [cohort.exam.id]
    assert sheet.exams[0].counting.score == record.counted["score"]
    assert [(s.chapter_number, s.minutes) for s in sheet.study] == [(1, 10.0)]
