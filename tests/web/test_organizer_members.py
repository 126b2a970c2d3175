"""Organizers manage their own branch's members only; another branch's member does not exist (404)."""
import re

import pytest

from studyapp.domain import passwords


def fresh(db, obj):
    db.session.rollback()  # end the test's read snapshot; requests commit in their own sessions
    db.session.refresh(obj)
    return obj


def test_list_shows_only_own_branch(client, auth, organizer_a, member_a, member_b):
    auth.login(organizer_a)
    page = client.get("/manage/members").get_data(as_text=True)
    assert "甲党员" in page and "乙党员" not in page
    assert "党员名单" in client.get("/").get_data(as_text=True)  # navigation


def test_search_and_paging(client, auth, organizer_a, make_user, branch_a):
    for n in range(25):
        make_user(branch_a, username=f"p{n:03d}", name=f"张{n}", phone=f"1390000{n:04d}")
    auth.login(organizer_a)
    first = client.get("/manage/members").get_data(as_text=True)
    assert "第 1 / 2 页" in first
    assert "p024" in client.get("/manage/members?page=2").get_data(as_text=True)
    found = client.get("/manage/members?q=13900000007").get_data(as_text=True)
    assert "张7" in found and "张8" not in found
    assert "张12" in client.get("/manage/members?q=p012").get_data(as_text=True)
    assert "没有找到人员" in client.get("/manage/members?q=%25").get_data(as_text=True)  # % is literal


def test_reset_password_shows_code_once(client, auth, organizer_a, member_a, db):
    auth.login(organizer_a)
    response = client.post(f"/manage/members/{member_a.id}/reset-password")
    page = response.get_data(as_text=True)
    code = re.search(r'class="one-time-code"[^>]*>([A-Z0-9]+)<', page).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    member = fresh(db, member_a)
    assert member.must_change_password and passwords.verify(member.password_hash, code)
    assert code not in member.password_hash
    other = client.application.test_client()
    assert other.post("/login", data={"username": "member_a", "password": code}).headers["Location"] == "/password"


def test_deactivate_and_reactivate(client, auth, organizer_a, member_a, db):
    auth.login(organizer_a)
    response = client.post(f"/manage/members/{member_a.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert not fresh(db, member_a).active
    assert "已停用" in client.get(response.headers["Location"]).get_data(as_text=True)
    client.post(f"/manage/members/{member_a.id}/active", data={"active": "1"})
    assert fresh(db, member_a).active


@pytest.mark.parametrize("method,path", [
    ("get", "/manage/members/{id}"),
    ("post", "/manage/members/{id}/reset-password"),
    ("post", "/manage/members/{id}/active"),
])
def test_another_branchs_member_is_not_found(client, auth, organizer_a, member_b, db, method, path):
    auth.login(organizer_a)
    before = member_b.password_hash
    response = getattr(client, method)(path.format(id=member_b.id), data={"active": "0"})
    assert response.status_code == 404
    member = fresh(db, member_b)
    assert member.active and member.password_hash == before


def test_organizer_cannot_touch_other_organizers_or_self(client, auth, organizer_a, make_user, branch_a, db):
    colleague = make_user(branch_a, role="organizer", username="colleague")
    auth.login(organizer_a)
    response = client.post(f"/manage/members/{colleague.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "组织员只能管理党员账号" in response.get_data(as_text=True)
    assert fresh(db, colleague).active
    response = client.post(f"/manage/members/{organizer_a.id}/reset-password", follow_redirects=True)
    assert "不能对自己的账号执行此操作" in response.get_data(as_text=True)


def test_admin_manages_every_branch(client, auth, admin, member_a, member_b, db):
    auth.login(admin)
    page = client.get("/manage/members").get_data(as_text=True)
    assert "甲党员" in page and "乙党员" in page
    client.post(f"/manage/members/{member_b.id}/active", data={"active": "0"})
    assert not fresh(db, member_b).active


def test_member_cannot_reach_organizer_pages(client, auth, member_a):
    auth.login(member_a)
    assert client.get("/manage/members").status_code == 403
