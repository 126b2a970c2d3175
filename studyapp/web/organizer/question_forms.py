"""Forms of the question-bank pages, and turning the edit form into a draft."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ...domain.questions import (TYPE_WORDS, WORD_OF_TYPE, QuestionDraft, answer_text, parse_answer,
                                 parse_tags)
from ...domain.questions.draft import OPTION_LETTERS
from ...models.questions import DIFFICULTY_LABELS

TYPE_CHOICES = [SelectChoice(code, word) for word, code in TYPE_WORDS.items()]


class QuestionForm(FlaskForm):
    qtype = SelectField("题型", choices=TYPE_CHOICES)
    stem = TextAreaField("题干（可用 **加粗**、列表等简单格式；填空题用 ___ 表示空）", validators=[InputRequired("请填写题干"),
                                                                      Length(max=5000)])
    answer = StringField("答案（单选 B；多选 ACD；判断 对/错；填空 各空用 ; 分隔，可接受的写法用 | 分隔）",
                         validators=[Length(max=1000)])
    explanation = TextAreaField("解析", validators=[Length(max=5000)])
    difficulty = SelectField("难度", choices=[SelectChoice(str(d), label) for d, label in DIFFICULTY_LABELS.items()],
                             default="2")
    chapter = IntegerField("章", validators=[InputRequired("请填写章号"), NumberRange(min=0, max=999)])
    article = IntegerField("条（可不填）", validators=[Optional(), NumberRange(min=1, max=9999)])
    tags = StringField("标签（用逗号分隔）", validators=[Length(max=300)])


# Options A..H as fields "option_A" ...: one text field per letter, empty ones unused.
for _letter in OPTION_LETTERS:
    setattr(QuestionForm, f"option_{_letter}", StringField(f"选项{_letter}", validators=[Length(max=1000)]))


def option_fields(form: QuestionForm) -> list:
    return [getattr(form, f"option_{letter}") for letter in OPTION_LETTERS]


def form_from_draft(form: QuestionForm, draft: QuestionDraft) -> None:
    form.qtype.data, form.stem.data = draft.qtype, draft.stem_md
    form.answer.data = answer_text(draft.qtype, draft.answer)
    form.explanation.data, form.difficulty.data = draft.explanation_md, str(draft.difficulty)
    form.chapter.data, form.article.data = draft.chapter_number, draft.article_number
    form.tags.data = ", ".join(draft.tags)
    options = dict(draft.options)
    for letter, field in zip(OPTION_LETTERS, option_fields(form)):
        field.data = options.get(letter, "")


def draft_from_form(form: QuestionForm, key: str) -> tuple[QuestionDraft, str | None]:
    """The draft the form describes, and a message if the answer cannot be read."""
    qtype = form.qtype.data
    options = [(letter, (field.data or "").strip()) for letter, field in zip(OPTION_LETTERS, option_fields(form))]
    while options and not options[-1][1]:
        options.pop()
    if qtype not in ("single", "multiple"):
        options = []
    answer, message = parse_answer(qtype, form.answer.data or "")
    draft = QuestionDraft(key=key, qtype=qtype, stem_md=(form.stem.data or "").strip().replace("\r\n", "\n"),
                          options=options, answer=answer,
                          explanation_md=(form.explanation.data or "").strip().replace("\r\n", "\n"),
                          difficulty=int(form.difficulty.data or 2), chapter_number=form.chapter.data,
                          article_number=form.article.data, tags=parse_tags(form.tags.data or ""))
    return draft, message


class ImportForm(FlaskForm):
    file = FileField("题库文件（.xlsx、.txt、.gift 或 .aiken）", validators=[FileRequired("请选择文件")])
    chapter = IntegerField("章（文件中没有写章号的题目用它，如 Aiken、没有“章”列的 Excel）",
                           validators=[Optional(), NumberRange(min=1, max=999)])
    article = IntegerField("条（可不填）", validators=[Optional(), NumberRange(min=1, max=9999)])
    on_existing = SelectField("编号与题库中已有题目相同时", default="update", choices=[
        SelectChoice("update", "更新这些题目"), SelectChoice("refuse", "报错，不导入")])


__all__ = ["QuestionForm", "ImportForm", "form_from_draft", "draft_from_form", "option_fields", "WORD_OF_TYPE"]
