"""Search-result snippets: a window of plain text around the first match, escaped, matches in <mark>."""
from __future__ import annotations

import html
import re


DIGITS = "0-9０-９"


def number_bounded(query: str) -> bool:
    """A query that starts or ends with a digit ("8人", "第3") must not match inside a longer number."""
    return bool(query) and (query[0].isdigit() or query[-1].isdigit())


def query_pattern(query: str) -> re.Pattern:
    """The query as a case-insensitive pattern; "8人" does not match "18人", "3" does not match "35"."""
    body = re.escape(query)
    if query[:1].isdigit():
        body = f"(?<![{DIGITS}])" + body
    if query[-1:].isdigit():
        body += f"(?![{DIGITS}])"
    return re.compile(body, re.IGNORECASE)


def snippet(text: str, query: str, before: int = 30, after: int = 70) -> str:
    """HTML-safe snippet of `text` around `query` (case-insensitive), every occurrence wrapped in <mark>."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    if not query:
        return html.escape(flat[: before + after])
    pattern = query_pattern(query)
    match = pattern.search(flat)
    start = max(0, match.start() - before) if match else 0
    end = min(len(flat), (match.end() if match else 0) + after)
    window = flat[start:end]
    parts, last = [], 0
    for found in pattern.finditer(window):
        parts.append(html.escape(window[last:found.start()]))
        parts.append(f"<mark>{html.escape(found.group(0))}</mark>")
        last = found.end()
    parts.append(html.escape(window[last:]))
    return ("…" if start else "") + "".join(parts) + ("…" if end < len(flat) else "")


def like_pattern(query: str, escape: str = "\\") -> str:
    """A LIKE pattern matching `query` anywhere, with the wildcards % and _ taken literally."""
    escaped = query.replace(escape, escape * 2).replace("%", escape + "%").replace("_", escape + "_")
    return f"%{escaped}%"
