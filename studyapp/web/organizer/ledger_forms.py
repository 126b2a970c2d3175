"""The ledger's record form: fields, choices from the branch roster, and attendance read from the post."""
from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from ...domain.ledger import kinds
from ...services.ledger.activities import ActivityInput
from .content_forms import LocalDateTimeField


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class ActivityForm(FlaskForm):
    kind = SelectField("活动类型", choices=[SelectChoice(code, label) for code, label in kinds.KINDS.items()])
    status = RadioField("状态", choices=[SelectChoice(code, label) for code, label in kinds.STATUSES.items()],
                        default=kinds.DONE)
    topic = StringField("主题", validators=[Length(max=200, message="主题最多200个字")],
                        render_kw={"placeholder": "例如：研究发展党员工作"})
    starts_at = LocalDateTimeField("开始时间", render_kw={"type": "datetime-local"})
    ends_at = LocalDateTimeField("结束时间", render_kw={"type": "datetime-local"})
    place = StringField("地点", validators=[Length(max=300, message="地点最多300个字")])
    chair_id = SelectField("主持人", coerce=_optional_int, validate_choice=False)
    recorder_id = SelectField("记录人", coerce=_optional_int, validate_choice=False)
    party_group_id = SelectField("党小组", coerce=_optional_int, validate_choice=False)
    minutes_md = TextAreaField("会议记录（可用 # 标题、**加粗**、- 列表）", render_kw={"rows": 8})
    decisions = TextAreaField("决定事项", render_kw={"rows": 3})
    minutes_public = BooleanField("向本支部党员公开会议记录和决定事项")
    votes = BooleanField("本次党员大会有表决事项（检查到会人数是否超过有表决权党员的半数）")

    def fill_choices(self, roster, groups) -> None:
        people = [SelectChoice("", "（未填）")] + [SelectChoice(user.id, user.name) for user in roster]
        self.chair_id.choices = self.recorder_id.choices = people
        self.party_group_id.choices = [SelectChoice("", "（不适用）")] + [SelectChoice(g.id, g.name) for g in groups]

    def to_input(self, roster) -> ActivityInput:
        return ActivityInput(
            kind=self.kind.data, status=self.status.data, starts_at=self.starts_at.utc, ends_at=self.ends_at.utc,
            topic=self.topic.data or "", place=self.place.data or "", chair_id=self.chair_id.data,
            recorder_id=self.recorder_id.data, party_group_id=self.party_group_id.data,
            minutes_md=self.minutes_md.data or "", decisions=self.decisions.data or "",
            minutes_public=self.minutes_public.data, votes=self.votes.data, attendance=posted_attendance(roster))


def posted_attendance(roster) -> dict[int, tuple[str, str]]:
    """att-<user id> = state (empty: not recorded) and reason-<user id>, for the roster's members; ids
    posted for anyone else are passed on too, so the service can refuse them by name."""
    entries = {}
    for key, state in request.form.items():
        if not key.startswith("att-") or not state:
            continue
        try:
            user_id = int(key[4:])
        except ValueError:
            continue
        entries[user_id] = (state, request.form.get(f"reason-{user_id}", ""))
    return entries
