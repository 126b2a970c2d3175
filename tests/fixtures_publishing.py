"""Factories for publishing and group-study tests: browser modules with chapters, study sessions."""
from __future__ import annotations

from datetime import timedelta

import pytest

from studyapp.services import chapters as chapter_service
from studyapp.services import group_study, publishing
from studyapp.services.scope import managed_unit_ids
from tests.conftest import FIXED_NOW

CHAPTER_MD = "导语。\n\n## 第十一条 党员大会\n\n党员大会一般每季度召开1次。\n\n## 第十二条 支部委员会会议\n\n一般每月召开1次。\n"


@pytest.fixture
def make_web_module(db):
    """A browser-written module with one chapter, created through the services as `author` would."""

    def make(author, title="学习专题", body=CHAPTER_MD, publish_to=None, publish_at=None):
        managed = managed_unit_ids(db.session, author)
        module = publishing.create_module(db.session, author, managed, title=title, summary="简介", now=FIXED_NOW)
        chapter_service.save_chapter(db.session, author, module, None, chapter_service.ChapterInput(
            number=1, title="第一章 总则", body_md=body, publish_at=publish_at), FIXED_NOW)
        if publish_to is not None:
            publishing.publish(db.session, author, managed, module, {unit.id for unit in publish_to}, FIXED_NOW)
        db.session.commit()
        return module

    return make


@pytest.fixture
def make_study_session(db):
    """A session scheduled by `author` for `units`, starting `starts_in` after FIXED_NOW, lasting 2 hours."""

    def make(author, units, title="集中学习：支部工作条例第四章", starts_in=timedelta(hours=1),
             length=timedelta(hours=2)):
        managed = managed_unit_ids(db.session, author)
        data = group_study.SessionInput(title=title, starts_at=FIXED_NOW + starts_in,
                                        ends_at=FIXED_NOW + starts_in + length, place="三楼会议室",
                                        unit_ids={unit.id for unit in units})
        study = group_study.save_session(db.session, author, managed, None, data)
        db.session.commit()
        return study

    return make
