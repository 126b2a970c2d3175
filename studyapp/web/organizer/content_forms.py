"""Forms of the organizer's content pages (modules, chapters, publishing)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..localtime import parse_local


class ModuleForm(FlaskForm):
    title = StringField("专题标题", validators=[DataRequired("请填写专题标题"), Length(max=200)])
    summary = TextAreaField("简介", validators=[Length(max=1000)], render_kw={"rows": 3})
    order = IntegerField("排序（小的在前）", default=0, validators=[Optional(), NumberRange(-9999, 9999)])
    audience = StringField("学习对象", validators=[Length(max=100)], render_kw={"placeholder": "例如：全体党员"})


class LocalDateTimeField(StringField):
    """A datetime-local input; `.utc` holds the parsed value (None when left empty)."""

    utc = None

    def pre_validate(self, form):
        try:
            self.utc = parse_local(self.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class ChapterForm(FlaskForm):
    number = IntegerField("章节序号", validators=[InputRequired("请填写章节序号"), NumberRange(0, 999)])
    title = StringField("章节标题", validators=[DataRequired("请填写章节标题"), Length(max=200)],
                        render_kw={"placeholder": "例如：第四章 组织生活"})
    body_md = TextAreaField("正文（每条以 ## 开头；可用 **加粗**、列表等简单格式）", validators=[Length(max=200_000)], render_kw={"rows": 18})
    publish_at = LocalDateTimeField("定时发布（留空则随专题立即可见）", render_kw={"type": "datetime-local"})
    lead_note_md = TextAreaField("领学导读（可留空）", validators=[Length(max=20_000)], render_kw={"rows": 5})
    lead_note_author = StringField("导读署名", validators=[Length(max=100)],
                                   render_kw={"placeholder": "例如：第一党支部书记 张三"})


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {value for value, _label in self.choices or ()}
        if any(value not in allowed for value in self.data or ()):
            raise ValidationError("所选项不在可选范围内")


class PublishForm(FlaskForm):
    units = MultiCheckboxField("发布范围", coerce=int, validators=[DataRequired("请至少选择一个发布范围")])
