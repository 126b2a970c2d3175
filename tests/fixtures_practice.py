"""Factories for practice, wrong-answer book and API tests: a module with chapters and a small bank."""
from __future__ import annotations

import hashlib
import itertools

import pytest

from studyapp.models import Article, Chapter, Module, Question, QuestionVersion

_seq = itertools.count(1)

OPTIONS = [{"key": "A", "text": "三人"}, {"key": "B", "text": "五人"}, {"key": "C", "text": "七人"},
           {"key": "D", "text": "九人"}]


@pytest.fixture
def make_module(db):
    def make(slug="branch-regs", title="支部工作条例", chapters=((1, "总则", (1, 2)), (2, "组织设置", (5, 6))),
             status="published"):
        module = Module(slug=slug, title=title, status=status, source="file")
        db.session.add(module)
        db.session.flush()
        for number, chapter_title, articles in chapters:
            chapter = Chapter(module_id=module.id, number=number, title=chapter_title,
                              body_md="", body_html=f"<h2 id=\"art-{articles[0]}\">第{articles[0]}条</h2><p>正文</p>")
            db.session.add(chapter)
            db.session.flush()
            for position, article in enumerate(articles):
                db.session.add(Article(chapter_id=chapter.id, module_id=module.id, number=article,
                                       title=f"第{article}条", anchor=f"art-{article}", position=position))
        db.session.commit()
        return module

    return make


@pytest.fixture
def make_practice_question(db):
    """A question with one current version; `answer` is the key in the stored shape."""

    def make(module, qtype="single", chapter=1, article=1, answer=None, status="active",
             stem="支部委员会由几人组成？", explanation="见第一条。", options=None):
        n = next(_seq)
        if answer is None:
            answer = {"single": "B", "multiple": ["A", "C"], "true_false": True,
                      "fill_blank": [["三", "3"]]}[qtype]
        if options is None:
            options = OPTIONS if qtype in ("single", "multiple") else []
        question = Question(module_id=module.id, key=f"q-test-{n:04d}", status=status, source="file")
        db.session.add(question)
        db.session.flush()
        version = QuestionVersion(
            question_id=question.id, version_no=1, qtype=qtype, stem_md=stem, stem_html=f"<p>{stem}</p>",
            options=options, answer=answer, explanation_md=explanation,
            explanation_html=f"<p>{explanation}</p>", difficulty=2, chapter_number=chapter,
            article_number=article, tags=[], checksum=hashlib.sha256(f"{n}".encode()).hexdigest(),
        )
        db.session.add(version)
        db.session.flush()
        question.current_version_id = version.id
        db.session.commit()
        return question

    return make
