"""Front matter of content files: a `---` block of `key: value` lines, read with line numbers.

The format is deliberately smaller than YAML (see content/README.md): one key per line, the value is
the rest of the line. Every problem is reported with its line through a Collector.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from .problems import Collector

KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$")

MODULE_KEYS = {"title": True, "summary": True, "order": False, "audience": False}
CHAPTER_KEYS = {"number": True, "title": True, "publish_at": False}


@dataclass(frozen=True)
class FrontMatter:
    """The keys with their values and lines, and the body that follows the block."""

    values: dict[str, str]
    lines: dict[str, int]
    body: str
    body_line: int  # line number of the body's first line


def parse_front_matter(text: str, problems: Collector) -> FrontMatter | None:
    """Split a file into front matter and body; None (with problems added) if the block is malformed."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        problems.add("文件应以一行 --- 开头的 front matter 开始", line=1)
        return None
    values: dict[str, str] = {}
    key_lines: dict[str, int] = {}
    for index in range(1, len(lines)):
        line_no, line = index + 1, lines[index]
        if line.strip() == "---":
            body = "\n".join(lines[index + 1:])
            return FrontMatter(values, key_lines, body, line_no + 1)
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = KEY.match(line.strip())
        if not match:
            problems.add(f"front matter 行格式应为“键: 值”：{line.strip()[:40]}", line=line_no)
            continue
        key, value = match.group(1), match.group(2).strip()
        if key in values:
            problems.add(f"键 {key} 重复（第一次在第{key_lines[key]}行）", line=line_no)
            continue
        values[key], key_lines[key] = value, line_no
    problems.add("front matter 没有结束行 ---", line=len(lines))
    return None


def check_keys(front: FrontMatter, allowed: dict[str, bool], problems: Collector, header_line: int = 1) -> None:
    """Report unknown keys and missing or empty required ones."""
    for key, line in front.lines.items():
        if key not in allowed:
            problems.add(f"未知的键 {key}（可用：{'、'.join(allowed)}）", line=line)
    for key, required in allowed.items():
        if not required:
            continue
        if key not in front.values:
            problems.add(f"缺少必填的键 {key}", line=header_line)
        elif not front.values[key]:
            problems.add(f"键 {key} 不能为空", line=front.lines[key])


def read_int(front: FrontMatter, key: str, problems: Collector, default: int | None = None,
             minimum: int | None = None) -> int | None:
    raw = front.values.get(key, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.add(f"{key} 应为整数：{raw}", line=front.lines[key])
        return default
    if minimum is not None and value < minimum:
        problems.add(f"{key} 不能小于 {minimum}：{raw}", line=front.lines[key])
        return default
    return value


def read_datetime(front: FrontMatter, key: str, problems: Collector, default_tz: tzinfo) -> datetime | None:
    """An ISO date-time; without an offset it is read in the organization's time zone."""
    raw = front.values.get(key, "")
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        problems.add(f"{key} 应为日期时间，如 2026-12-01T09:00+08:00：{raw}", line=front.lines[key])
        return None
    return value if value.tzinfo else value.replace(tzinfo=default_tz)
