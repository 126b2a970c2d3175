"""Importing a roster: branches created as needed, updates never duplicate, all or nothing."""
import pytest
from sqlalchemy import func, select

from studyapp.domain import passwords
from studyapp.domain.problems import ValidationFailed
from studyapp.domain.roster import parse_roster
from studyapp.models import OrganizerScope, Unit, User
from studyapp.services.errors import Forbidden
from studyapp.services.roster import import_roster
from tests.conftest import FIXED_NOW

HEADER = "姓名,党员编号,所属支部,手机号,角色\n"


def records(*lines: str):
    return parse_roster((HEADER + "\n".join(lines) + "\n").encode(), "名册.csv")


def run(db, admin, *lines):
    result = import_roster(db.session, admin, records(*lines), FIXED_NOW)
    db.session.commit()
    return result


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def user(db, username) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def test_new_members_get_one_time_codes_and_missing_branches(db, admin, branch_a):
    result = run(db, admin, "王建国,DY001,第一党支部,13800001111,", "李秀英,DY002,第三党支部,,组织员")
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert result.branches_created == ["第三党支部"]
    codes = {c.username: c for c in result.credentials}
    assert codes["DY002"].branch == "第三党支部" and codes["DY002"].name == "李秀英"
    wang = user(db, "DY001")
    assert wang.unit_id == branch_a.id and wang.phone == "13800001111" and wang.role == "member"
    assert wang.must_change_password and wang.active and wang.created_at == FIXED_NOW
    assert passwords.verify(wang.password_hash, codes["DY001"].code)
    assert codes["DY001"].code not in wang.password_hash  # never stored in clear
    li = user(db, "DY002")
    third = db.session.scalar(select(Unit).where(Unit.name == "第三党支部"))
    assert third.parent_id == admin.unit_id and third.kind == "branch"
    assert [s.unit_id for s in li.scopes] == [third.id]


def test_reimport_updates_and_never_duplicates(db, admin, branch_a, branch_b):
    run(db, admin, "王建国,DY001,第一党支部,,组织员", "李秀英,DY002,第一党支部,,")
    before = user(db, "DY001").password_hash
    again = run(db, admin, "王建国,DY001,第一党支部,,组织员", "李秀英,DY002,第一党支部,,")
    assert (again.created, again.updated, again.unchanged, again.credentials) == (0, 0, 2, [])
    moved = run(db, admin, "王建国,DY001,第二党支部,139-0000-2222,", "李秀英（改）,DY002,第一党支部,,党员")
    assert (moved.created, moved.updated, moved.unchanged) == (0, 2, 0)
    assert count(db, User) == 3
    wang = user(db, "DY001")
    # An empty role keeps the organizer an organizer; the scope follows the move.
    assert (wang.role, wang.unit_id, wang.phone) == ("organizer", branch_b.id, "13900002222")
    assert [s.unit_id for s in wang.scopes] == [branch_b.id]
    assert wang.password_hash == before and wang.session_version == 2
    assert user(db, "DY002").name == "李秀英（改）"
    demoted = run(db, admin, "王建国,DY001,第二党支部,,党员")
    assert demoted.updated == 1 and user(db, "DY001").role == "member" and count(db, OrganizerScope) == 0


def test_nested_path_creates_sub_organization(db, admin):
    run(db, admin, "王建国,DY001,第一党总支/第一党支部,,", "李秀英,DY002,第一党总支/第二党支部,,")
    total = db.session.scalar(select(Unit).where(Unit.name == "第一党总支"))
    assert total.kind == "organization" and total.parent_id == admin.unit_id
    assert {c.name for c in total.children} == {"第一党支部", "第二党支部"}
    assert user(db, "DY001").unit.parent_id == total.id


def test_all_or_nothing_with_every_problem(db, admin, make_unit, make_user, branch_a):
    other_org = make_unit("另一个党委", kind="organization")
    make_user(make_unit("第一党支部", parent=other_org), username="FOREIGN1")
    make_unit("第一党支部", parent=make_unit("第一党总支", parent=branch_a.parent))  # a second 第一党支部
    users, units = count(db, User), count(db, Unit)
    with pytest.raises(ValidationFailed) as caught:
        import_roster(db.session, admin, records(
            "王建国,DY001,新支部,,", "外人,FOREIGN1,第二党支部X,,", "李秀英,DY002,第一党支部,,"), FIXED_NOW)
    db.session.rollback()
    found = [(p.line, p.column) for p in caught.value.problems]
    assert found == [(4, "所属支部"), (3, "党员编号")]
    assert "请写明上级" in caught.value.problems[0].message
    assert (count(db, User), count(db, Unit)) == (users, units)


def test_administrator_cannot_demote_themselves(db, admin):
    with pytest.raises(ValidationFailed, match="修改您自己的角色"):
        import_roster(db.session, admin, records("管理员,admin,测试机关党委,,党员"), FIXED_NOW)


def test_only_administrators_import(db, organizer_a):
    with pytest.raises(Forbidden):
        import_roster(db.session, organizer_a, records("王建国,DY001,第一党支部,,"), FIXED_NOW)


def test_two_thousand_members(db, admin):
    lines = [f"党员{n},M{n:05d},第{n % 7 + 1}支部,138{n:08d},{'组织员' if n % 500 == 0 else ''}"
             for n in range(1, 2001)]
    result = run(db, admin, *lines)
    assert result.created == 2000 and len(result.branches_created) == 7
    assert len({c.code for c in result.credentials}) == 2000
    assert count(db, User) == 2001 and count(db, OrganizerScope) == 4
    m = user(db, "M01234")
    assert (m.name, m.unit.name, m.phone) == ("党员1234", "第3支部", "13800001234")
    again = run(db, admin, *lines)
    assert (again.created, again.unchanged) == (0, 2000) and count(db, User) == 2001


def test_optional_member_category_and_party_group_columns(db, admin, branch_a):
    from studyapp.models import PartyGroup

    rows = ("姓名,党员编号,所属支部,党员类别,党小组\n张三,DY1,第一党支部,预备,第一党小组\n"
            "李四,DY2,第一党支部,,第一党小组\n王五,DY3,第一党支部,正式党员,\n")
    import_roster(db.session, admin, parse_roster(rows.encode(), "r.csv"), FIXED_NOW)
    db.session.commit()
    people = {u.username: u for u in db.session.query(User).filter(User.username.like("DY%"))}
    assert [people[n].member_kind for n in ("DY1", "DY2", "DY3")] == ["probationary", "full", "full"]
    [group] = db.session.query(PartyGroup).all()
    assert (group.unit_id, group.name) == (branch_a.id, "第一党小组")
    assert people["DY1"].party_group_id == people["DY2"].party_group_id == group.id
    assert people["DY3"].party_group_id is None
    # Re-importing without the columns keeps both; converting a member to 正式 is one cell.
    again = import_roster(db.session, admin, parse_roster(
        "姓名,党员编号,所属支部,党员类别\n张三,DY1,第一党支部,正式\n李四,DY2,第一党支部,\n".encode(), "r.csv"), FIXED_NOW)
    db.session.commit()
    assert (again.updated, again.unchanged) == (1, 1)
    db.session.refresh(people["DY1"])
    assert people["DY1"].member_kind == "full" and people["DY1"].party_group_id == group.id


def test_unknown_member_category_is_a_problem_with_its_row_and_column():
    with pytest.raises(ValidationFailed) as caught:
        parse_roster("姓名,党员编号,所属支部,党员类别\n张三,DY1,第一党支部,积极分子\n".encode(), "r.csv")
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, "党员类别")]
    assert "应为 正式 或 预备" in caught.value.problems[0].message
