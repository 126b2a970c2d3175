"""The planner counts each member once, even when an organization and one of its branches are both chosen."""
from datetime import timedelta

from sqlalchemy import select

from studyapp.models.exams import SittingUnit
from studyapp.services.exams.planning import plan_sittings
from studyapp.services.scope import managed_unit_ids
from tests.conftest import FIXED_NOW


def test_organization_and_its_branch_are_not_double_counted(db, admin, org, branch_a, branch_b, make_user,
                                                            make_exam, exam_bank):
    for _ in range(3):
        make_user(branch_a)
    for _ in range(2):
        make_user(branch_b)
    module, questions = exam_bank
    exam = make_exam(module, org, fixed=[(q, 10) for q in questions.values()])
    managed = managed_unit_ids(db.session, admin)
    sittings = plan_sittings(db.session, managed, exam, [org.id, branch_a.id], FIXED_NOW,
                             FIXED_NOW + timedelta(days=1), "分批", k=3)
    audiences = [sorted(u.unit_id for u in db.session.scalars(select(SittingUnit).where(SittingUnit.sitting_id == s.id)))
                 for s in sittings]
    # Choosing the organization splits it into its branches; branch A is not added a second time.
    assert sorted(audiences) == [[branch_a.id], [branch_b.id]]
