"""Administrator pages: branch tree, member list, roles; and who may reach /admin and /manage at all."""
import pytest
from sqlalchemy import select

from studyapp.models import Unit


def fresh(db, obj):
    db.session.rollback()  # end the test's read snapshot; requests commit in their own sessions
    db.session.refresh(obj)
    return obj


def test_branch_tree_with_counts(client, auth, admin, member_a, member_b, make_user, branch_a):
    make_user(branch_a, active=False)
    auth.login(admin)
    page = client.get("/admin/units").get_data(as_text=True)
    assert "测试机关党委" in page and "第一党支部" in page and "第二党支部" in page
    assert "1 人（共 3 人）" in page  # the admin at the top, one active member in each branch


def test_add_and_rename_units(client, auth, admin, branch_a, db):
    auth.login(admin)
    client.post(f"/admin/units/{admin.unit_id}/children", data={"name": "第一党总支", "kind": "organization"})
    db.session.rollback()
    total = db.session.scalar(select(Unit).where(Unit.name == "第一党总支"))
    assert total.kind == "organization" and total.parent_id == admin.unit_id
    client.post(f"/admin/units/{total.id}/children", data={"name": "第三党支部", "kind": "branch"})
    duplicate = client.post(f"/admin/units/{admin.unit_id}/children", data={"name": "第一党支部"},
                            follow_redirects=True)
    assert "已有名为“第一党支部”的单位" in duplicate.get_data(as_text=True)
    client.post(f"/admin/units/{branch_a.id}/name", data={"name": "机关第一党支部"})
    assert fresh(db, branch_a).name == "机关第一党支部"
    page = client.get("/admin/units").get_data(as_text=True)
    assert "第三党支部" in page and "机关第一党支部" in page


def test_units_outside_the_organization_are_not_found(client, auth, admin, make_unit, db):
    foreign = make_unit("另一个党委", kind="organization")
    auth.login(admin)
    assert client.post(f"/admin/units/{foreign.id}/name", data={"name": "x"}).status_code == 404
    assert client.post(f"/admin/units/{foreign.id}/children", data={"name": "x"}).status_code == 404
    assert fresh(db, foreign).name == "另一个党委"


def test_member_list_search_and_branch_filter(client, auth, admin, member_a, member_b, branch_a):
    auth.login(admin)
    page = client.get("/admin/members").get_data(as_text=True)
    assert "甲党员" in page and "乙党员" in page and "系统管理" in page
    page = client.get(f"/admin/members?unit={branch_a.id}").get_data(as_text=True)
    assert "甲党员" in page and "乙党员" not in page
    page = client.get("/admin/members?q=member_b").get_data(as_text=True)
    assert "乙党员" in page and "甲党员" not in page
    page = client.get("/admin/members?role=admin").get_data(as_text=True)
    assert "管理员" in page and "甲党员" not in page


def test_set_role_organizer_with_scope_then_back(client, auth, admin, member_a, branch_a, branch_b, db):
    auth.login(admin)
    assert "设置角色" in client.get(f"/admin/members/{member_a.id}").get_data(as_text=True)
    client.post(f"/admin/members/{member_a.id}/role", data={"role": "organizer", "units": [branch_a.id, branch_b.id]})
    member = fresh(db, member_a)
    assert member.role == "organizer" and {s.unit_id for s in member.scopes} == {branch_a.id, branch_b.id}
    page = client.get(f"/admin/members/{member_a.id}").get_data(as_text=True)
    assert "管理：第一党支部、第二党支部" in page
    client.post(f"/admin/members/{member_a.id}/role", data={"role": "member"})
    member = fresh(db, member_a)
    assert member.role == "member" and member.scopes == []


def test_admin_cannot_change_own_role(client, auth, admin, db):
    auth.login(admin)
    page = client.post(f"/admin/members/{admin.id}/role", data={"role": "member"}, follow_redirects=True)
    assert "不能修改自己的角色" in page.get_data(as_text=True) and fresh(db, admin).role == "admin"


def test_admin_resets_password_from_member_page(client, auth, admin, organizer_a, db):
    auth.login(admin)
    page = client.post(f"/manage/members/{organizer_a.id}/reset-password",
                       data={"next": f"/admin/members/{organizer_a.id}"}).get_data(as_text=True)
    assert "一次性密码" in page and f'href="/admin/members/{organizer_a.id}"' in page
    assert fresh(db, organizer_a).must_change_password


# ---- who may reach the areas at all -------------------------------------------------------------

def area_urls(app, prefix):
    """Every rule of an area, with 1 for each id: the guard must answer before any lookup happens."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefix):
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "csv")
            method = "post" if "POST" in rule.methods and "GET" not in rule.methods else "get"
            urls.append((method, path))
    return urls


@pytest.mark.parametrize("prefix", ["/admin/", "/manage/"])
def test_member_gets_403_on_every_area_url(app, client, auth, member_a, prefix):
    urls = area_urls(app, prefix)
    assert urls
    auth.login(member_a)
    for method, path in urls:
        assert getattr(client, method)(path).status_code == 403, path


def test_organizer_gets_403_on_every_admin_url(app, client, auth, organizer_a):
    auth.login(organizer_a)
    for method, path in area_urls(app, "/admin/"):
        assert getattr(client, method)(path).status_code == 403, path


@pytest.mark.parametrize("prefix", ["/admin/", "/manage/"])
def test_anonymous_is_sent_to_login(app, client, prefix):
    for method, path in area_urls(app, prefix):
        response = getattr(client, method)(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
