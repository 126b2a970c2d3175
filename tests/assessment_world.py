"""Shared set-up for the branch assessment tests: a sample scheme and a round on two branches."""
from __future__ import annotations

import random
from datetime import date, timedelta

from studyapp.domain.assessment.schemes import IndicatorDraft, SchemeDraft
from studyapp.services.assessment import rounds, schemes
from studyapp.services.scope import managed_unit_ids
from tests.conftest import FIXED_NOW

ZONE = "Asia/Shanghai"
TODAY = date(2026, 5, 1)


def sample_draft(sitting_ids=(), module_ids=(), name="支部建设评估方案") -> SchemeDraft:
    """100 points: 80 manual in two standards, 20 from the platform (10 of them from the ledger)."""
    items = [
        IndicatorDraft("组织设置", "1.1", "按规定设置党支部和党小组", 40, "对照第四条", "设立批复"),
        IndicatorDraft("组织生活", "2.1", "三会一课按期开展", 40, "对照第十一至十五条", "会议记录"),
        IndicatorDraft("党员教育管理", "4.1", "考试参考率", 10, source="platform",
                       platform_kind="exam_participation", scope_ids=list(sitting_ids)),
        IndicatorDraft("组织生活", "2.2", "组织生活合规率", 10, source="platform", platform_kind="ledger_compliance"),
    ]
    if module_ids:
        items[2].max_points = 5
        items.append(IndicatorDraft("党员教育管理", "4.2", "学习完成率", 5, source="platform",
                                    platform_kind="study_completion", scope_ids=list(module_ids)))
    return SchemeDraft(name, "grades", {"好": 90, "较好": 80, "一般": 60}, items, [("发生严重违纪问题", "差")], "好")


def open_round(db, admin, branches, draft=None, spotcheck=1, now=FIXED_NOW, title="2026年度党支部评估定级"):
    scheme = schemes.save_scheme(db.session, admin, draft or sample_draft(), now)
    found = rounds.open_round(db.session, admin, rounds.RoundInput(
        title, scheme.id, {b.id for b in branches},
        {"self": TODAY + timedelta(days=10), "review": TODAY + timedelta(days=20)}, spotcheck), now, ZONE)
    db.session.commit()
    return found


def managed(db, user):
    return managed_unit_ids(db.session, user)


def rng():
    return random.Random(7)


def build_for_world(db, admin, sides) -> None:
    """For the access matrix: one round over both branches (its pages exist for each), a scheme, and per
    branch a problem, a 示范点 and a self-assessment evidence file uploaded by the branch organizer. Sets
    side.assessment, side.scheme, side.problem, side.site, side.evidence."""
    from datetime import date as _date

    from flask import current_app

    from studyapp.models.assessment import DemoSite
    from studyapp.services.assessment import problems as problem_service

    draft = sample_draft()
    draft.indicators = draft.indicators[:2]
    draft.thresholds = {"好": 70, "较好": 60, "一般": 50}
    found = open_round(db, admin, [side.unit for side in sides.values()], draft, spotcheck=0)
    for side in sides.values():
        side.assessment, side.scheme = found, found.scheme
        side.problem = problem_service.add_problem(db.session, admin, managed(db, admin), side.unit.id,
                                                   problem_service.ProblemInput("党员档案不全"), FIXED_NOW)
        side.site = DemoSite(unit_id=side.unit.id, named_on=_date(2026, 1, 1), reason="示范", named_by_id=admin.id)
        db.session.add(side.site)
        entry = next(e for e in found.entries if e.unit_id == side.unit.id)
        directory = current_app.config["ASSESSMENT_EVIDENCE_DIR"]
        [side.evidence] = add_evidence(db, side.organizer, entry, directory)
        add_problem_evidence(db, side.organizer, side.problem, directory)
    db.session.commit()


PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 16


def add_evidence(db, organizer, entry, directory, name="支部设立批复.png", data=PNG):
    """The branch organizer's evidence for the first indicator of its sheet (the round must be in 自查自评)."""
    from studyapp.services import attachments as store
    from studyapp.services.assessment import evidence

    indicator = entry.round.scheme.indicators[0]
    return evidence.add_score_evidence(db.session, organizer, entry, "branch", indicator.id, [(name, data)],
                                       store.storage(directory), FIXED_NOW, ZONE)


def add_problem_evidence(db, organizer, problem, directory, name="整改照片.png", data=PNG):
    from studyapp.services import attachments as store
    from studyapp.services.assessment import evidence

    return evidence.add_problem_evidence(db.session, organizer, problem, "branch", [(name, data)],
                                         store.storage(directory), FIXED_NOW)


def poison(world, payloads: list[str]) -> None:
    """Write payloads into every free-text field of the assessment the pages and exports show."""
    for n, side in enumerate(world.sides.values()):
        first, second = payloads[n % len(payloads)], payloads[(n + 1) % len(payloads)]
        side.problem.description, side.problem.measures, side.problem.result = first, second, first
        side.problem.responsible = second[:64]
        side.site.reason = first
        side.evidence.filename = second[:200]
        for item in side.problem.evidence:
            item.filename = first[:200]
        entry = next(e for e in side.assessment.entries if e.unit_id == side.unit.id)
        for score in entry.scores:
            score.self_note, score.review_note, score.platform_detail = first, second, first[:300]
    scheme = world.sides["A"].scheme
    scheme.name = payloads[0]
    scheme.vetoes = [{"title": payloads[-1], "cap": "差"}]
    for n, indicator in enumerate(scheme.indicators):
        indicator.title, indicator.standard = payloads[n % len(payloads)], payloads[(n + 1) % len(payloads)]
        indicator.guidance = indicator.evidence = payloads[(n + 2) % len(payloads)]
