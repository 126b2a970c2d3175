"""A whole assessment round through the services: self-assessment, review with reasons, spot check,
publication; scope rules, version checks, history, problems from deductions, 示范点 flags."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.database import intending_to_write
from studyapp.domain.assessment import draw
from studyapp.models import User
from studyapp.models.assessment import AssessmentProblem, AssessmentScoreChange
from studyapp.services.assessment import access, demo_sites, problems, results, rounds, sheets
from studyapp.services.errors import Conflict, Forbidden, Invalid, NotFound
from studyapp.services.scope import managed_unit_ids
from tests.assessment_world import ZONE, managed, open_round, rng, sample_draft
from tests.conftest import FIXED_NOW


def _inputs(entry, values, notes=None):
    notes = notes or {}
    by_code = {s.indicator.code: s for s in entry.scores}
    return [sheets.ScoreInput(by_code[code].indicator_id, value, notes.get(code, ""), by_code[code].version)
            for code, value in values.items()]


def _entry(db, actor, found, unit):
    return access.visible_entry(db.session, actor, managed(db, actor), found.id, unit.id)


@pytest.fixture
def round_ab(db, admin, branch_a, branch_b, organizer_a, organizer_b, member_a, make_module, make_question,
             make_exam, make_sitting):
    module = make_module()
    exam = make_exam(module, branch_a, fixed=[(make_question(module), 100)])
    sitting = make_sitting(exam, units=[branch_a, branch_b])
    from studyapp.services.exams.attempts import start_attempt, submit_attempt
    attempt, _ = start_attempt(db.session, member_a, sitting.id, FIXED_NOW)
    submit_attempt(db.session, member_a, attempt.id, FIXED_NOW)
    db.session.commit()
    return open_round(db, admin, [branch_a, branch_b], sample_draft([sitting.id]))


def test_a_whole_round_from_self_assessment_to_published_grades(db, round_ab, admin, organizer_a, organizer_b,
                                                                branch_a, branch_b):
    now = FIXED_NOW
    entry_a, role = _entry(db, organizer_a, round_ab, branch_a)
    assert role == access.BRANCH
    with pytest.raises(NotFound):
        _entry(db, organizer_a, round_ab, branch_b)
    # The ledger indicator is read from the compliance calendar: nothing recorded, nothing held.
    ledger = next(s for s in entry_a.scores if s.indicator.platform_kind == "ledger_compliance")
    assert ledger.platform_score == 0 and ledger.platform_detail.startswith("0/")
    sheets.save_scores(db.session, organizer_a, entry_a, role, _inputs(entry_a, {"1.1": 38, "2.1": 36},
                                                                      {"1.1": "设置规范"}), now, ZONE)
    sheets.submit(db.session, organizer_a, entry_a, role, "self", now, ZONE)
    db.session.commit()
    with pytest.raises(Conflict):
        sheets.submit(db.session, organizer_a, entry_a, role, "self", now, ZONE)
    with pytest.raises(Forbidden):  # submitted: no more edits
        sheets.save_scores(db.session, organizer_a, entry_a, role, _inputs(entry_a, {"1.1": 40}), now, ZONE)
    db.session.rollback()

    entry_b, role_b = _entry(db, organizer_b, round_ab, branch_b)
    sheets.save_scores(db.session, organizer_b, entry_b, role_b, _inputs(entry_b, {"1.1": 30, "2.1": 30}),
                       now, ZONE)
    db.session.commit()
    assert rounds.advance(db.session, admin, round_ab, "self", now, rng()) == "review"
    db.session.commit()
    with pytest.raises(Conflict):  # the same step advanced twice
        rounds.advance(db.session, admin, round_ab, "self", now, rng())
    db.session.rollback()
    with pytest.raises(Forbidden):  # the branch organizer's step is closed
        sheets.save_scores(db.session, organizer_b, entry_b, role_b, _inputs(entry_b, {"1.1": 31}), now, ZONE)
    db.session.rollback()

    entry_a, reviewer = _entry(db, admin, round_ab, branch_a)
    assert reviewer == access.REVIEWER
    with pytest.raises(Invalid, match="扣了 4 分"):
        sheets.save_scores(db.session, admin, entry_a, reviewer,
                           _inputs(entry_a, {"1.1": 40, "2.1": 36}), now, ZONE)
    db.session.rollback()
    assert all(s.review_score is None for s in _entry(db, admin, round_ab, branch_a)[0].scores)  # nothing half-saved
    with pytest.raises(Invalid, match="超出范围"):
        sheets.save_scores(db.session, admin, entry_a, reviewer, _inputs(entry_a, {"1.1": 41}), now, ZONE)
    db.session.rollback()
    entry_a, _ = _entry(db, admin, round_ab, branch_a)
    sheets.save_scores(db.session, admin, entry_a, reviewer, _inputs(
        entry_a, {"1.1": 40, "2.1": 36}, {"2.1": "党课记录缺两次"}), now, ZONE)
    sheets.submit(db.session, admin, entry_a, reviewer, "review", now, ZONE)
    entry_b, _ = _entry(db, admin, round_ab, branch_b)
    sheets.save_scores(db.session, admin, entry_b, reviewer, _inputs(
        entry_b, {"1.1": 30, "2.1": 30}, {"1.1": "未设党小组", "2.1": "支委会不按月"}),
        now, ZONE, vetoes=[0])
    sheets.submit(db.session, admin, entry_b, reviewer, "review", now, ZONE)
    db.session.commit()
    found = db.session.scalars(select(AssessmentProblem).where(AssessmentProblem.unit_id == branch_a.id)).all()
    assert sorted(p.description for p in found) == ["2.1 三会一课按期开展：扣 4 分。党课记录缺两次",
                                                    f"2.2 组织生活合规率：扣 10 分。平台数据：{ledger.platform_detail}",
                                                    "4.1 考试参考率：扣 5 分。平台数据：1/2（50%）"]
    assert any(p.description == "一票否决：发生严重违纪问题" for p in
               db.session.scalars(select(AssessmentProblem).where(AssessmentProblem.unit_id == branch_b.id)))

    assert rounds.advance(db.session, admin, round_ab, "review", now, rng()) == "spotcheck"
    db.session.commit()
    drawn = [e.unit_id for e in round_ab.entries if e.drawn]
    assert drawn == draw.spot_check([branch_a.id, branch_b.id], 1, round_ab.draw_seed)  # reproducible from the seed
    with pytest.raises(Invalid, match="未完成复检"):
        rounds.advance(db.session, admin, round_ab, "spotcheck", now, rng())
    db.session.rollback()
    drawn_unit = branch_a if drawn == [branch_a.id] else branch_b
    entry, _ = _entry(db, admin, round_ab, drawn_unit)
    first = next(s for s in entry.scores if s.indicator.code == "1.1")
    sheets.save_scores(db.session, admin, entry, reviewer, _inputs(entry, {"1.1": first.review_score - 2},
                                                                   {"1.1": "复检发现材料不实"}), now, ZONE)
    sheets.submit(db.session, admin, entry, reviewer, "recheck", now, ZONE)
    assert rounds.advance(db.session, admin, round_ab, "spotcheck", now, rng()) == "published"
    db.session.commit()
    final = {e.unit_id: (e.final_total, e.final_grade) for e in round_ab.entries}
    exam_points = {e.unit_id: next(s.platform_score for s in e.scores if s.indicator.code == "4.1")
                   for e in round_ab.entries}
    a_total = 76 + exam_points[branch_a.id] - (2 if drawn_unit == branch_a else 0)
    assert final[branch_a.id][0] == a_total
    assert final[branch_b.id][1] == "差"  # vetoed, whatever the score
    history = db.session.scalars(select(AssessmentScoreChange).where(AssessmentScoreChange.stage == "recheck")).all()
    assert [(h.reason, h.changed_by_id) for h in history] == [("复检发现材料不实", admin.id)]
    workbook = results.export_sheets(db.session, results.round_results(db.session, round_ab, managed(db, admin)))
    title, headers, rows = workbook[0]
    column = headers.index("抽查复检")
    assert sorted(row[column] for row in rows) == ["", "抽中，复检较验收 -2 分"]  # the difference is kept
    view = results.round_results(db.session, round_ab, managed(db, organizer_a))
    assert [r.entry.unit_id for r in view.rows] == [branch_a.id]  # the branch organizer sees only their branch
    with pytest.raises(Conflict):
        rounds.advance(db.session, admin, round_ab, "published", now, rng())
    with pytest.raises(Forbidden):
        rounds.set_published_to_members(db.session, organizer_a, round_ab, True)
    rounds.set_published_to_members(db.session, admin, round_ab, True)
    assert exam_points[branch_a.id] == 5.0  # member_a sat, organizer_a did not: 1/2 of 10 points


def test_a_stale_save_never_overwrites_a_newer_one(db, app, round_ab, admin, branch_a, organizer_a):
    entry, role = _entry(db, organizer_a, round_ab, branch_a)
    stale = _inputs(entry, {"1.1": 30}, {"1.1": "第二个人"})
    sheets.save_scores(db.session, organizer_a, entry, role, _inputs(entry, {"1.1": 35}), FIXED_NOW, ZONE)
    db.session.commit()
    with pytest.raises(Conflict, match="已被甲组织员修改"):
        sheets.save_scores(db.session, organizer_a, entry, role, stale, FIXED_NOW, ZONE)
    db.session.rollback()
    assert next(s.self_score for s in _entry(db, organizer_a, round_ab, branch_a)[0].scores
                if s.indicator.code == "1.1") == 35


def test_two_reviewers_saving_at_once_the_later_is_refused(db, round_ab, admin, branch_a, organizer_a, make_user,
                                                           org):
    rounds.advance(db.session, admin, round_ab, "self", FIXED_NOW, rng())
    db.session.commit()
    other_admin = make_user(org, role="admin", username="admin2", name="第二管理员")
    first, second = Session(db.engine), Session(db.engine)
    try:
        # Both reviewers open the sheet (each form carries version 1) before either saves.
        entries = [access.visible_entry(s, user, managed(db, user), round_ab.id, branch_a.id)[0]
                   for s, user in ((first, admin), (second, other_admin))]
        both = [_inputs(e, {"1.1": value}, {"1.1": why}) for e, value, why in
                ((entries[0], 39, "甲的理由"), (entries[1], 35, "乙的理由"))]
        first.commit()
        second.commit()
        with intending_to_write():  # as each POST request does
            sheets.save_scores(first, admin, entries[0], "reviewer", both[0], FIXED_NOW, ZONE)
            first.commit()
        with intending_to_write(), pytest.raises(Conflict, match="已被管理员修改"):
            sheets.save_scores(second, other_admin, entries[1], "reviewer", both[1], FIXED_NOW, ZONE)
        second.rollback()
    finally:
        first.close()
        second.close()
    db.session.rollback()  # end this session's older read snapshot
    score = next(s for s in _entry(db, admin, round_ab, branch_a)[0].scores if s.indicator.code == "1.1")
    assert (score.review_score, score.review_note, score.version) == (39, "甲的理由", 2)


def test_self_assessment_closes_after_its_deadline_in_shanghai(db, round_ab, branch_a, organizer_a):
    entry, role = _entry(db, organizer_a, round_ab, branch_a)
    due = round_ab.self_due
    last_minute = FIXED_NOW.replace(month=due.month, day=due.day, hour=15, minute=59)  # 23:59 in Shanghai
    assert sheets.open_stage(entry, role, last_minute, ZONE) == "self"
    assert sheets.open_stage(entry, role, last_minute + timedelta(minutes=1), ZONE) is None


def test_opening_a_round_refuses_bad_input(db, admin, branch_a, organizer_a):
    from studyapp.services.assessment import schemes as scheme_service

    draft = sample_draft()
    draft.indicators = draft.indicators[:2]
    draft.thresholds = {"好": 70, "较好": 60, "一般": 50}
    scheme = scheme_service.save_scheme(db.session, admin, draft, FIXED_NOW)
    with pytest.raises(Invalid, match="早于今天"):
        rounds.open_round(db.session, admin, rounds.RoundInput("2026", scheme.id, {branch_a.id},
                                                               {"self": date(2026, 4, 30)}), FIXED_NOW, ZONE)
    with pytest.raises(Forbidden):
        rounds.open_round(db.session, organizer_a, rounds.RoundInput("2026", scheme.id, {branch_a.id}), FIXED_NOW, ZONE)
    again = scheme_service.save_scheme(db.session, admin, draft, FIXED_NOW)
    assert (scheme.version, again.version) == (1, 2)


def test_problem_transitions_and_overdue(db, admin, branch_a, organizer_a):
    problem = problems.add_problem(db.session, admin, managed(db, admin), branch_a.id,
                                   problems.ProblemInput("党员档案不全", "major"), FIXED_NOW)
    with pytest.raises(Forbidden):  # a branch organizer does not file problems against their own branch
        problems.add_problem(db.session, organizer_a, managed(db, organizer_a), branch_a.id,
                             problems.ProblemInput("x"), FIXED_NOW)
    with pytest.raises(Invalid, match="早于今天"):
        problems.answer(db.session, organizer_a, problem, "branch", "补齐档案", "张三", date(2026, 4, 30), FIXED_NOW, ZONE)
    problems.answer(db.session, organizer_a, problem, "branch", "补齐档案", "张三", date(2026, 5, 10), FIXED_NOW, ZONE)
    assert problem.status == "in_progress"
    after = FIXED_NOW.replace(day=10, hour=16)  # 2026-05-11 00:00 in Shanghai
    rows = problems.problem_rows(db.session, managed(db, organizer_a), after, ZONE)
    assert [r.label for r in rows] == ["逾期"]
    assert "逾期 1 个" in problems.chase_text(rows)
    with pytest.raises(Invalid, match="整改结果"):
        problems.move(db.session, organizer_a, problem, "branch", "in_progress", "awaiting", FIXED_NOW)
    problems.move(db.session, organizer_a, problem, "branch", "in_progress", "awaiting", FIXED_NOW, "已补齐")
    with pytest.raises(Forbidden):
        problems.move(db.session, organizer_a, problem, "branch", "awaiting", "closed", FIXED_NOW)
    with pytest.raises(Conflict):
        problems.move(db.session, admin, problem, "reviewer", "in_progress", "awaiting", FIXED_NOW, "x")
    problems.move(db.session, admin, problem, "reviewer", "awaiting", "closed", FIXED_NOW)
    db.session.commit()
    assert (problem.status, problem.closed_by_id) == ("closed", admin.id)
    assert problems.problem_rows(db.session, managed(db, admin), after, ZONE) == []


def test_a_demo_site_is_flagged_when_its_grade_slips_and_revocation_is_recorded(
        db, round_ab, admin, branch_a, branch_b, organizer_a):
    site = demo_sites.name_site(db.session, admin, managed(db, admin), branch_a.id, date(2025, 12, 1), "连续两年评为好",
                                FIXED_NOW)
    with pytest.raises(Conflict):
        demo_sites.name_site(db.session, admin, managed(db, admin), branch_a.id, date(2025, 12, 1), "再次", FIXED_NOW)
    assert demo_sites.site_statuses(db.session, managed(db, admin), FIXED_NOW, ZONE)[0].reasons == []
    for entry in round_ab.entries:
        entry.final_total, entry.final_grade = 85, "较好"
    round_ab.step, round_ab.published_at = "published", FIXED_NOW
    db.session.commit()
    status = demo_sites.site_statuses(db.session, managed(db, admin), FIXED_NOW, ZONE)[0]
    assert status.needs_review and status.reasons == ["最近一次评定为“较好”，低于“好”"]
    with pytest.raises(Forbidden):
        demo_sites.revoke_site(db.session, organizer_a, managed(db, organizer_a), site.id, "x", FIXED_NOW)
    with pytest.raises(Invalid, match="撤销理由"):
        demo_sites.revoke_site(db.session, admin, managed(db, admin), site.id, " ", FIXED_NOW)
    demo_sites.revoke_site(db.session, admin, managed(db, admin), site.id, "评定下滑，经复核撤销", FIXED_NOW)
    db.session.commit()
    assert demo_sites.site_statuses(db.session, managed(db, admin), FIXED_NOW, ZONE) == []
    [revoked] = demo_sites.revoked_sites(db.session, managed(db, admin))
    assert (revoked.revoked_by_id, revoked.revoke_reason) == (admin.id, "评定下滑，经复核撤销")


def test_two_reviewers_saving_the_same_indicator_in_parallel_exactly_one_wins(db, round_ab, admin, branch_a, make_user,
                                                                             org):
    import threading

    rounds.advance(db.session, admin, round_ab, "self", FIXED_NOW, rng())
    db.session.commit()
    reviewers = [admin, make_user(org, role="admin", username="admin3", name="第三管理员")]
    barrier, outcomes, engine, round_id, unit_id = threading.Barrier(2), [], db.engine, round_ab.id, branch_a.id

    def save(user_id, value):
        session = Session(engine)
        try:
            user = session.get(User, user_id)
            entry = access.visible_entry(session, user, managed_unit_ids(session, user), round_id, unit_id)[0]
            items = _inputs(entry, {"1.1": value}, {"1.1": f"理由{value}"})
            session.commit()  # the form is on screen; both were rendered from version 1
            barrier.wait()
            with intending_to_write():
                sheets.save_scores(session, user, entry, "reviewer", items, FIXED_NOW, ZONE)
                session.commit()
            outcomes.append(("saved", value))
        except Conflict:
            session.rollback()
            outcomes.append(("refused", value))
        finally:
            session.close()

    threads = [threading.Thread(target=save, args=(user.id, value)) for user, value in zip(reviewers, (39, 35))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(kind for kind, _ in outcomes) == ["refused", "saved"]
    winner = next(value for kind, value in outcomes if kind == "saved")
    db.session.rollback()
    score = next(s for s in _entry(db, admin, round_ab, branch_a)[0].scores if s.indicator.code == "1.1")
    assert (score.review_score, score.review_note, score.version) == (winner, f"理由{winner}", 2)
    changes = db.session.scalars(select(AssessmentScoreChange).where(AssessmentScoreChange.score_id == score.id,
                                                                     AssessmentScoreChange.stage == "review")).all()
    assert len(changes) == 1  # the refused save left no trace
