"""Chasing members who have not sat: a message ready for a branch's WeChat group, and a phone list."""
from __future__ import annotations

from collections.abc import Iterable


def reminder(exam_title: str, deadline: str, names: list[str]) -> str:
    """"请以下同志于12月10日18:00前完成《条例》知识测试：张三、李四。" (deadline already in local words)."""
    who = "、".join(names)
    return f"请以下同志于{deadline}前完成{exam_title}：{who}。"


def phone_list(phones: Iterable[str | None]) -> str:
    """The numbers on file, one per line, each once, in order."""
    seen: list[str] = []
    for phone in phones:
        if phone and phone not in seen:
            seen.append(phone)
    return "\n".join(seen)


def tree_order(parents: dict[int, int | None], sort_keys: dict[int, tuple]) -> dict[int, int]:
    """Rank of each unit in a depth-first walk of the tree, children by sort key: how branches are listed."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in parents.items():
        children.setdefault(parent_id if parent_id in parents else None, []).append(unit_id)
    rank: dict[int, int] = {}
    stack = sorted(children.get(None, []), key=lambda u: sort_keys.get(u, ()), reverse=True)
    while stack:
        unit_id = stack.pop()
        if unit_id in rank:
            continue
        rank[unit_id] = len(rank)
        stack.extend(sorted(children.get(unit_id, []), key=lambda u: sort_keys.get(u, ()), reverse=True))
    return rank
