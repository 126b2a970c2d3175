"""Scores to a grade (好/较好/一般/差) or to stars (一星…五星), with vetoes (一票否决) capping the result.

A scale is a list of (label, minimum total) from best to worst; a total at or above a minimum earns
that label. Below every minimum the scale's floor label applies (差, or 未定星). Totals are compared
after rounding to two decimals, so 89.99999999 from float sums does not fall below a threshold of 90.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..problems import Collector

GRADES = ("好", "较好", "一般", "差")
STARS = ("五星", "四星", "三星", "二星", "一星")
NO_STAR = "未定星"
SCALE_KINDS = {"grades": "好 / 较好 / 一般 / 差", "stars": "一星至五星"}


@dataclass(frozen=True)
class Scale:
    """A grade mapping: `steps` are (label, minimum) best first; `floor` is the label below them all."""

    kind: str
    steps: tuple[tuple[str, float], ...]
    floor: str

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for label, _ in self.steps) + (self.floor,)

    def rank(self, label: str) -> int:
        """0 for the best label; the floor is the largest rank."""
        return self.labels.index(label)

    def grade(self, total: float) -> str:
        value = round(total, 2)
        for label, minimum in self.steps:
            if value >= minimum:
                return label
        return self.floor


def scale_from(kind: str, thresholds: Mapping[str, float]) -> Scale:
    """The scale of a scheme; raises ValueError if the thresholds are not strictly decreasing."""
    problems = check_thresholds(kind, thresholds)
    if problems:
        raise ValueError("；".join(problems))
    labels = GRADES[:-1] if kind == "grades" else STARS
    floor = GRADES[-1] if kind == "grades" else NO_STAR
    return Scale(kind, tuple((label, float(thresholds[label])) for label in labels), floor)


def check_thresholds(kind: str, thresholds: Mapping[str, float], max_total: float | None = None) -> list[str]:
    """Every problem with a threshold table, in words an administrator can act on."""
    if kind not in SCALE_KINDS:
        return [f"定级方式应为“等次”或“星级”，而不是“{kind}”"]
    labels = GRADES[:-1] if kind == "grades" else STARS
    problems = [f"缺少“{label}”的分数线" for label in labels if thresholds.get(label) is None]
    if problems:
        return problems
    values = [float(thresholds[label]) for label in labels]
    for label, value in zip(labels, values):
        if value < 0 or (max_total is not None and value > max_total):
            problems.append(f"“{label}”的分数线 {value:g} 应在 0 到总分 {max_total or 100:g} 之间")
    for (upper, high), (lower, low) in zip(zip(labels, values), list(zip(labels, values))[1:]):
        if low >= high:
            problems.append(f"“{lower}”的分数线（{low:g}）应低于“{upper}”（{high:g}）")
    return problems


@dataclass(frozen=True)
class Veto:
    """A 一票否决 item: if it applies, the grade is at best `cap`."""

    title: str
    cap: str


@dataclass(frozen=True)
class Outcome:
    total: float
    grade: str
    #: The grade the score alone would earn, before vetoes.
    score_grade: str
    #: Titles of the vetoes that lowered the grade.
    capped_by: tuple[str, ...] = field(default=())


def worse(scale: Scale, *labels: str) -> str:
    return max(labels, key=scale.rank)


def outcome(scale: Scale, scores: Iterable[float | None], vetoes: Sequence[Veto] = ()) -> Outcome:
    """Total of the scores (missing ones count 0), the grade it earns, then capped by each veto that applies."""
    total = round(sum(score or 0 for score in scores), 2)
    earned = scale.grade(total)
    grade, capped = earned, []
    for veto in vetoes:
        if scale.rank(veto.cap) > scale.rank(grade):
            capped.append(veto.title)
        grade = worse(scale, grade, veto.cap)
    return Outcome(total, grade, earned, tuple(capped))


def movement(scale: Scale, previous: str | None, current: str | None) -> int:
    """+1 when the grade rose since the previous round (晋位升级), -1 when it fell, 0 otherwise or unknown."""
    if previous is None or current is None or previous not in scale.labels or current not in scale.labels:
        return 0
    change = scale.rank(previous) - scale.rank(current)
    return (change > 0) - (change < 0)


def check_score(value: float | None, max_points: float, where: str, problems: Collector,
                reason: str = "", need_reason: bool = False) -> None:
    """A score must lie in 0…max; a reviewer's deduction must say why."""
    if value is None:
        return
    if value < 0 or value > max_points:
        problems.add(f"得分 {value:g} 超出范围，应在 0 到 {max_points:g} 之间", column=where)
    elif need_reason and value < max_points and not reason.strip():
        problems.add(f"扣了 {max_points - value:g} 分，请写明扣分理由", column=where)
