"""Stored XSS, server side: payloads written into every name and title and into chapter Markdown and the
lead note (through the chapter service, which renders and sanitizes) come back escaped on every page the
six actors can open. The headless-browser half (a script-execution trap in Chromium) is test_xss_browser.py."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from studyapp.database import intending_to_write
from studyapp.extensions import db as _db
from studyapp.domain.rendering import render_markdown
from studyapp.models.ledger import PartyGroup
from studyapp.services import chapters as chapter_service
from tests.assessment_world import poison
from tests.conftest import FIXED_NOW
from tests.security import access_table as table
from tests.security.test_access_matrix import _branches, _clients, build_url, world  # noqa: F401

PAYLOADS = ['<script>window.__xss=(window.__xss||0)+1</script>', '<img src=x onerror="window.__xss=1">',
            '<svg onload="window.__xss=1">', '"><script>window.__xss=1</script>', "T{{7*7}}T"]
MARKDOWN = ("[链接](javascript:window.__xss=1)\n\n" + "\n\n".join(PAYLOADS) +
            '\n\n<a href="javascript:window.__xss=1">a</a>\n')


class Injected(HTMLParser):
    """What a browser would run: on* attributes, javascript: URLs, script elements with a body."""

    def __init__(self):
        super().__init__()
        self.found, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data[:40]}")


def injected(body: str) -> list[str]:
    parser = Injected()
    parser.feed(body)
    return parser.found + (["{{7*7}} evaluated"] if "T49T" in body else [])


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CLOCK": lambda: FIXED_NOW}


@pytest.fixture
def poisoned(db, world):
    db.session.rollback()
    with intending_to_write():
        for n, side in enumerate(world.sides.values()):
            text = " ".join(PAYLOADS)
            side.member.name = f"{PAYLOADS[n]}{n}"
            side.organizer.name = f"{PAYLOADS[n + 2]}{n}"
            side.unit.name = f"{PAYLOADS[4]}{PAYLOADS[n + 1]}{n}"
            for obj in (side.module, side.exam, side.sitting, side.contest, side.study):
                obj.title = text
            side.module.summary = text
            side.study.place = text
            ledger_record = side.activity
            ledger_record.topic = ledger_record.place = ledger_record.decisions = text
            ledger_record.minutes_md = MARKDOWN
            ledger_record.minutes_html = render_markdown(MARKDOWN)
            ledger_record.attendance[0].status, ledger_record.attendance[0].reason = "leave", PAYLOADS[n][:200]
            side.attachment.filename = text[:200]
            ledger_record.party_group = PartyGroup(unit_id=side.unit.id, name=PAYLOADS[n + 1])
            chapter_service.save_chapter(db.session, side.organizer, side.module, side.chapter,
                                         chapter_service.ChapterInput(number=1, title=text, body_md=MARKDOWN,
                                                                      lead_note_md=MARKDOWN,
                                                                      lead_note_author=PAYLOADS[1]), FIXED_NOW)
        poison(world, PAYLOADS)
        db.session.commit()
    return world


def test_pages_show_payloads_escaped(app, poisoned):
    clients, _ = _clients(app, poisoned)
    problems, shown = [], 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint.startswith(("api.", "static", "bootstrap.")):
            continue
        for branch in _branches(rule):
            url = build_url(app, poisoned, rule, branch)
            for actor in table.ACTORS:
                response = clients[actor].get(url)
                html = "html" in response.headers.get("Content-Type", "")
                body = response.get_data(as_text=True) if html else ""
                response.close()
                if not html:
                    continue
                shown += "T{{7*7}}T" in body
                found = injected(body)
                if found:
                    problems.append(f"{url} as {actor}: {found[:3]}")
    _db.session.rollback()
    assert not problems, "\n".join(problems)
    assert shown > 20, "the payloads were not displayed anywhere, so nothing was tested"
