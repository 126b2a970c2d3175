"""What is due: the Regulations' frequencies as one table, each rule citing its article.

Status follows /work/shared/regulation-facts.md: "verified" when the article number and the content were
seen in a source; "inferred" when the content was seen and the number deduced from its neighbours
(Arts. 15, 16 and 18, see the fact sheet's Note A). Frequencies set by other documents (a branch 党课
each quarter) are the organization's own settings, kept apart and never attributed to the Regulations.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import kinds
from .periods import MONTH, QUARTER, YEAR

REGULATIONS = "《中国共产党支部工作条例（试行）》"
OWN_SETTING = "本组织规定"
VERIFIED, INFERRED = "verified", "inferred"
STATUS_LABELS = {VERIFIED: "条号已核实", INFERRED: "条号系推断"}
COMMITTEE_THRESHOLD = 7  # full members from which a branch sets up a committee (Art. 20)


@dataclass(frozen=True)
class BranchFacts:
    """What the rules need to know about a branch."""

    full_members: int  # active 正式党员
    party_groups: int  # 党小组 set up in the branch

    @property
    def has_committee(self) -> bool:
        return self.full_members >= COMMITTEE_THRESHOLD


@dataclass(frozen=True)
class Rule:
    """One frequency: activities of `kind` are due once per `granularity` where `applies` holds."""

    kind: str
    granularity: str
    text: str  # what is due, paraphrased
    source: str  # REGULATIONS or OWN_SETTING
    article: str = ""  # e.g. "第十一条"; empty for the organization's own settings
    status: str = VERIFIED
    applies: Callable[[BranchFacts], bool] = lambda facts: True
    #: Why the rule does not apply to a branch for which `applies` is False.
    exempt: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        return kinds.KINDS[self.kind]

    @property
    def citation(self) -> str:
        """Where the rule comes from, as shown on hover/tap."""
        if self.source == OWN_SETTING:
            return f"{OWN_SETTING}（非《条例》要求）"
        return f"{REGULATIONS}{self.article}（{STATUS_LABELS[self.status]}）"


RULES: tuple[Rule, ...] = (
    Rule(kinds.GENERAL_MEETING, QUARTER, "党员大会一般每季度召开1次", REGULATIONS, "第十一条"),
    Rule(kinds.COMMITTEE, MONTH, "支部委员会会议一般每月召开1次", REGULATIONS, "第十二条",
         applies=lambda facts: facts.has_committee,
         exempt="正式党员不足7人，不设支部委员会（第二十条），不要求召开支委会会议"),
    Rule(kinds.GROUP_MEETING, MONTH, "党小组会一般每月召开1次", REGULATIONS, "第十三条",
         applies=lambda facts: facts.party_groups > 0, exempt="未划分党小组，不要求召开党小组会"),
    Rule(kinds.THEME_DAY, MONTH, "每月相对固定1天开展主题党日", REGULATIONS, "第十六条", INFERRED),
    Rule(kinds.LIFE_MEETING, YEAR, "组织生活会每年至少召开1次，一般安排在第四季度", REGULATIONS, "第十七条",
         note="一般安排在第四季度"),
    Rule(kinds.APPRAISAL, YEAR, "民主评议党员一般每年开展1次", REGULATIONS, "第十八条", INFERRED),
    Rule(kinds.HEART_TALK, YEAR, "谈心谈话每年至少开展1次", REGULATIONS, "第十九条"),
)

#: The organization's own frequencies (from other documents), shown apart from the Regulations'.
ORGANIZATION_SETTINGS: tuple[Rule, ...] = (
    Rule(kinds.PARTY_LECTURE, QUARTER, "支部党课每季度至少1次", OWN_SETTING),
)


def all_rules() -> tuple[Rule, ...]:
    return RULES + ORGANIZATION_SETTINGS


def rules_for(facts: BranchFacts) -> tuple[list[Rule], list[Rule]]:
    """(rules that apply to the branch, rules it is exempt from)."""
    applying, exempt = [], []
    for rule in all_rules():
        (applying if rule.applies(facts) else exempt).append(rule)
    return applying, exempt
