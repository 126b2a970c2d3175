"""Every navigation entry and home card points at a page that exists, for the roles it names."""
from studyapp.web import nav


def test_nav_and_cards_point_at_real_endpoints(app):
    missing = [e.endpoint for e in nav.NAV + nav.CARDS if e.endpoint not in app.view_functions]
    missing += [name for e in nav.NAV for name in e.also if name not in app.view_functions]
    assert missing == []


def test_each_role_gets_navigation(app):
    for role in ("member", "organizer", "admin"):
        assert nav.visible(nav.NAV, role), role


def test_members_do_not_see_management_entries(client, auth, member_a):
    auth.login(member_a)
    page = client.get("/").get_data(as_text=True)
    assert "/manage" not in page and "/admin" not in page


def test_absurd_ids_are_not_found(client, auth, member_a):
    auth.login(member_a)
    assert client.get(f"/exams/attempts/{2**63}/result").status_code == 404
    assert client.get(f"/exams/attempts/{2**31}/result").status_code == 404
