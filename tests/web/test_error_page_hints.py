"""Error pages share one layout (errors/generic.html); each known status adds its own hint."""
from __future__ import annotations


def test_404_and_403_pages_keep_their_hints_and_the_way_home(client, auth, member_a):
    auth.login(member_a)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    text = missing.get_data(as_text=True)
    assert "链接可能已失效，或内容已被移除。" in text and "返回首页" in text
    forbidden = client.get("/manage/modules")
    assert forbidden.status_code == 403
    text = forbidden.get_data(as_text=True)
    assert "请联系本支部的组织员或管理员" in text and "返回首页" in text
