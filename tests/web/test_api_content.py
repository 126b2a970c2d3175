"""API: who am I, and what may I read."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import FIXED_NOW
from fixtures_api import conforms
from studyapp.models import Chapter, ModuleAudience


@pytest.fixture
def token(api, member_a):
    return api.token(member_a)


def test_me(api, token):
    body = api.get("/me", token).get_json()
    conforms(body, "Me")
    assert body == {"username": "member_a", "name": "甲党员", "branch": "第一党支部", "role": "member"}


def test_modules_list_released_chapters_of_visible_modules(db, api, token, make_module, branch_b, clock):
    module = make_module()
    hidden = make_module(slug="other-branch", title="别的支部")
    db.session.add(ModuleAudience(module_id=hidden.id, unit_id=branch_b.id))
    db.session.query(Chapter).filter_by(module_id=module.id, number=2).one().publish_at = FIXED_NOW + timedelta(days=1)
    db.session.commit()
    body = api.get("/modules", token).get_json()
    conforms(body, schema={"type": "array", "items": {"$ref": "#/components/schemas/Module"}})
    # The scheduled instalment is listed as upcoming (locked, with its release time), as the module page shows it.
    release = (FIXED_NOW + timedelta(days=1)).isoformat()
    upcoming = body[0]["upcoming"]
    assert [(c["number"], c["publish_at"][:19]) for c in upcoming] == [(2, release[:19])]
    assert body == [{"slug": "branch-regs", "title": "支部工作条例", "chapters": [{"number": 1, "title": "总则"}],
                     "upcoming": upcoming}]
    assert api.get("/modules/branch-regs/chapters/2", token).status_code == 404
    assert api.get("/modules/other-branch/chapters/1", token).status_code == 404
    clock.set(FIXED_NOW + timedelta(days=2))
    listed = api.get("/modules", token).get_json()[0]
    assert [c["number"] for c in listed["chapters"]] == [1, 2] and listed["upcoming"] == []


def test_chapter_text_and_articles(api, token, make_module):
    make_module()
    response = api.get("/modules/branch-regs/chapters/1", token)
    body = response.get_json()
    conforms(body, "Chapter")
    assert body["title"] == "总则" and 'id="art-1"' in body["html"]
    assert body["articles"] == [{"number": 1, "anchor": "art-1"}, {"number": 2, "anchor": "art-2"}]
    assert api.get("/modules/branch-regs/chapters/9", token).get_json()["error"]["code"] == "not_found"


def test_my_progress_per_module_and_chapter_reads_only(db, api, token, make_module, member_a, branch_b, clock):
    from studyapp.models.progress import StudyProgress

    module = make_module()
    hidden = make_module(slug="other-branch", title="别的支部")
    db.session.add(ModuleAudience(module_id=hidden.id, unit_id=branch_b.id))
    first = db.session.query(Chapter).filter_by(module_id=module.id, number=1).one()
    db.session.add(StudyProgress(user_id=member_a.id, chapter_id=first.id, started_at=FIXED_NOW,
                                 completed_at=FIXED_NOW, seconds_spent=120))
    db.session.commit()
    body = api.get("/me/progress", token).get_json()
    conforms(body, schema={"type": "array", "items": {"$ref": "#/components/schemas/ModuleProgress"}})
    assert [m["slug"] for m in body] == [module.slug]  # never another branch's module
    mine = body[0]
    assert mine["completed"] == 1 and mine["seconds"] == 120
    assert mine["chapters"][0]["completed_at"] == FIXED_NOW.isoformat() and mine["chapters"][0]["seconds"] == 120
    assert all(c["completed_at"] is None for c in mine["chapters"][1:])
