"""Chapter 0, a module's overview section, is a chapter like any other, named by its title, never "第0章"."""
from __future__ import annotations

from studyapp.models.exams import ExamRule
from studyapp.services import practice
from studyapp.services.exams.definitions import rule_label
from tests.conftest import FIXED_NOW


def test_overview_questions_are_practised_under_the_overview_title(db, member_a, make_module, make_practice_question):
    module = make_module(chapters=((0, "《条例》概况", (90,)), (1, "第一章 总则", (1,))))
    whole = make_practice_question(module, "true_false", chapter=0, article=None, answer=True)
    make_practice_question(module, "true_false", chapter=1, article=1, answer=True)
    chosen = practice.chapter_set(db.session, member_a, module.slug, 0, FIXED_NOW)
    assert chosen.question_ids == [whole.id] and chosen.title == "《条例》概况"
    practice.answer(db.session, member_a, whole.id, False, FIXED_NOW)  # a miss puts it in the wrong-answer book
    again = practice.book_set(db.session, member_a, FIXED_NOW, 0, module.id)
    assert again.question_ids == [whole.id] and again.title == "错题重练 · 概况"


def test_an_exam_rule_for_the_overview_is_not_a_rule_for_any_chapter():
    assert rule_label(ExamRule(chapter_number=0, count=2)) == "概况"
    assert rule_label(ExamRule(chapter_number=None, count=2)) == "不限"


def test_the_overview_section_can_be_saved_in_the_browser_editor(db, admin, make_module):
    from studyapp.models import Chapter
    from studyapp.services import chapters

    module = make_module(chapters=((0, "《条例》概况", (90,)), (1, "第一章 总则", (1,))))
    overview = db.session.query(Chapter).filter_by(module_id=module.id, number=0).one()
    saved = chapters.save_chapter(db.session, admin, module, overview, chapters.ChapterInput(
        number=0, title="《条例》概况", body_md="正文。\n\n::: 编者注\n内部说明。\n:::\n", publish_at=None,
        lead_note_md="", lead_note_author=""), FIXED_NOW)
    assert saved.number == 0 and "内部说明" not in saved.body_html
