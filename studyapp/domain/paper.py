"""Paper assembly: draw an exam paper from a blueprint (or a fixed list) with an injected random.Random.

The same rules, candidates and seed always give the same paper, so a resumed attempt can be checked
against its draw and an organizer's preview is reproducible. A rule that asks for more questions than
the bank holds is reported as a shortage (the draw still takes what there is).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

#: Paper sections when questions are shuffled: questions of one type stay together, in this order.
TYPE_ORDER = ("single", "multiple", "true_false", "fill_blank")
CHOICE_TYPES = ("single", "multiple")


@dataclass(frozen=True)
class Rule:
    """Draw `count` questions from the rule's candidates, each worth `points`."""

    position: int
    count: int
    points: float
    label: str = ""  # how the organizer knows it, e.g. "第2章 单选"


@dataclass(frozen=True)
class Candidate:
    """A question that may be drawn: its id, type and its options' keys in the bank's order."""

    question_id: int
    qtype: str
    option_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class PaperItem:
    question_id: int
    points: float
    option_order: tuple[str, ...]
    qtype: str
    rule_position: int


@dataclass(frozen=True)
class Shortage:
    rule_position: int
    wanted: int
    available: int
    label: str = ""

    @property
    def message(self) -> str:
        what = f"（{self.label}）" if self.label else ""
        return f"规则{self.rule_position}{what}需要{self.wanted}题，题库只有{self.available}题"


@dataclass
class Paper:
    items: list[PaperItem] = field(default_factory=list)
    shortages: list[Shortage] = field(default_factory=list)

    @property
    def max_score(self) -> float:
        return round(sum(item.points for item in self.items), 2)


def assemble(
    rules: list[Rule],
    candidates_by_rule: dict[int, list[Candidate]],
    rng: random.Random,
    shuffle_questions: bool = False,
    shuffle_options: bool = False,
) -> Paper:
    """Draw each rule in order; a question drawn by an earlier rule is never drawn again."""
    paper = Paper()
    taken: set[int] = set()
    for rule in sorted(rules, key=lambda r: r.position):
        # Sorting first makes the draw independent of the order the database returned rows in.
        pool = sorted(
            (c for c in candidates_by_rule.get(rule.position, []) if c.question_id not in taken),
            key=lambda c: c.question_id,
        )
        if len(pool) < rule.count:
            paper.shortages.append(Shortage(rule.position, rule.count, len(pool), rule.label))
        chosen = rng.sample(pool, min(rule.count, len(pool)))
        if not shuffle_questions:
            chosen.sort(key=lambda c: c.question_id)
        for candidate in chosen:
            taken.add(candidate.question_id)
            paper.items.append(PaperItem(
                candidate.question_id, float(rule.points), _option_order(candidate, rng, shuffle_options),
                candidate.qtype, rule.position,
            ))
    if shuffle_questions:
        rng.shuffle(paper.items)
        rank = {qtype: n for n, qtype in enumerate(TYPE_ORDER)}
        # Stable sort after the shuffle: random order within each type section.
        paper.items.sort(key=lambda item: rank.get(item.qtype, len(rank)))
    return paper


def _option_order(candidate: Candidate, rng: random.Random, shuffle: bool) -> tuple[str, ...]:
    keys = list(candidate.option_keys)
    if shuffle and candidate.qtype in CHOICE_TYPES:
        rng.shuffle(keys)
    return tuple(keys)


def display_letters(option_order) -> dict[str, str]:
    """Original option key -> the letter shown on the paper (A, B, C ... in display order)."""
    return {key: chr(ord("A") + n) for n, key in enumerate(option_order)}
