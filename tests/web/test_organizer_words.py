"""No developer words on organizer pages: every organizer and admin page (from app.url_map, with real
objects) is read as the administrator and must not show time-zone names, markup-language names, file
paths, anchors, milliseconds or keyboard tricks."""
from __future__ import annotations

import re

import pytest

from tests.conftest import FIXED_NOW
from tests.security.test_access_matrix import build_url, world  # noqa: F401 (fixture)

DEVELOPER_WORDS = ["Markdown", "Asia/", "UTC", "content/", "load-content", "#art-", "毫秒", "Ctrl", "q-ch1-001"]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CLOCK": lambda: FIXED_NOW}


def test_organizer_pages_speak_plainly(app, world, client, auth):  # noqa: F811
    auth.login(world.admin)
    seen = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("organizer.", "admin.")) or "GET" not in rule.methods:
            continue
        if any(part in rule.rule for part in (".<fmt>", ".xlsx", ".json", "/distribution")):
            continue
        url = build_url(app, world, rule, "A")
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))  # what a person reads
        found = [w for w in DEVELOPER_WORDS if w in words]
        assert not found, f"{url}: {found}"
        seen += 1
    assert seen >= 35
