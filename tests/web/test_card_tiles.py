"""Home and the management overview draw their cards with the same tiles (_macros.card_tiles)."""
from __future__ import annotations


def test_organizer_sees_the_same_tiles_on_home_and_the_overview(client, auth, organizer_a):
    auth.login(organizer_a)
    home = client.get("/").get_data(as_text=True)
    overview = client.get("/manage/")
    assert overview.status_code == 200
    tile = '<a class="tile" href="/manage/modules">\n    <span class="tile__title">专题管理</span>'
    assert tile in overview.get_data(as_text=True)
    assert 'id="home-manage"' in home and tile in home
    # Members' areas are in the navigation bar; home does not repeat them as cards.
    assert 'id="home-entries"' not in home and '<span class="tile__title">练习</span>' not in home
