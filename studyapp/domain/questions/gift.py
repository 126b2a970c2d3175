"""Moodle GIFT import, following Moodle's own reader (question/format/gift/format.php) for the subset
the platform can hold; every other question is refused with its line, never turned into something else.

    // comment; [tag:组织设置] in a comment tags the question below
    $CATEGORY: 4/11                      sets 章/条 ("第4章/第11条" too); any other category is a tag
    ::q1:: 支部委员会会议须有多少委员到会？ {=半数以上 ~三分之二以上 ~全体 ####第十二条。}
    ::q2:: 属于联合党支部组建原则的有 {~%50%地域相邻 ~%50%行业相近 ~%-100%人数相同}
    ::q3:: 党员大会每季度召开一次。 {T}
    ::q4:: 党员大会一般每{=季度 =季}召开1次。      short answer → 填空 (the {…} becomes the blank)

Moodle's rules kept here: an answer marked "=" makes a choice question single choice (the "=" answer is
the key; other positive weights are partial credit, dropped with a warning); without "=" it is multiple
choice and the answers with positive weight are the keys; negative weights are wrong options. A short
answer accepts only its 100 % answers. Text after the {…} makes a missing-word question: the blank
（　） (or ___ for 填空) stands where the braces were. Matching, numeric and essay questions are refused.
::title:: is the key (a stable one is derived when it is too long); `####` is the explanation, and
per-answer feedback is added to it.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ..problems import Collector
from .draft import MAX_KEY, MAX_TAG, OPTION_LETTERS, QuestionDraft
from .source import Located, escape_tags, html_to_text

MISSING_WORD = "（　）"
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")
_CATEGORY_PREFIX = re.compile(r"^(\$\w+\$/)?(top/)?")
_CATEGORY_FORMS = (re.compile(r"^(\d+)(?:\s*/\s*(\d+))?$"), re.compile(r"^第\s*(\d+)\s*章(?:\s*/\s*第\s*(\d+)\s*条)?$"))
_TAG = re.compile(r"\[tag:\s*((?:\\.|[^\]\\])*?)\s*\]")


@dataclass
class _Block:
    """One question's lines (comments removed) with their line numbers, and the comments before it."""

    numbers: list[int] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def line_at(self, offset: int) -> int:
        """The file line of a character offset into `text`."""
        return self.numbers[min(self.text.count("\n", 0, offset), len(self.numbers) - 1)]


def parse_gift(text: str, problems: Collector) -> list[Located]:
    items: list[Located] = []
    chapter = article = None
    category_tag: str | None = None
    for block in _blocks(text):
        if block.text.lstrip().startswith("$CATEGORY"):
            chapter, article, category_tag = _category(block.text.split(":", 1)[-1])
            continue
        located = _question(block, problems)
        if located is None:
            continue
        draft = located.draft
        draft.chapter_number, draft.article_number = chapter, article
        tags = [*(_unescape(t) for c in block.comments for t in _TAG.findall(c)), category_tag]
        for tag in tags:
            if tag and tag[:MAX_TAG] not in draft.tags:
                draft.tags.append(tag[:MAX_TAG])
        items.append(located)
    return items


def _category(path: str) -> tuple[int | None, int | None, str | None]:
    """(chapter, article, tag): only "4/11" and "第4章/第11条" (after Moodle's $course$/top/) name a place;
    any other category is kept as a tag, and the chapter given on the import form applies."""
    path = path.strip()
    rest = _CATEGORY_PREFIX.sub("", path)
    for form in _CATEGORY_FORMS:
        if match := form.match(rest):
            return int(match.group(1)), (int(match.group(2)) if match.group(2) else None), None
    if not rest:
        return None, None, None
    return None, None, (rest if len(rest) <= MAX_TAG else rest.rsplit("/", 1)[-1])


def _blocks(text: str):
    """Each blank-line separated block; a $CATEGORY line is a block of its own."""
    block = _Block()
    for number, line in enumerate(text.split("\n") + [""], start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            block.comments.append(stripped)
            continue
        if stripped.startswith("$CATEGORY") or not stripped:
            if block.lines:
                yield block
                block = _Block()
            if stripped:  # comments above a category belong to no question
                yield _Block([number], [stripped])
                block = _Block()
            continue
        block.numbers.append(number)
        block.lines.append(line.rstrip())


def _question(block: _Block, problems: Collector) -> Located | None:
    text, start = block.text, block.numbers[0]
    located = Located(QuestionDraft(key=None, qtype="single", stem_md=""), start)
    offset = len(text) - len(text.lstrip())
    if title := re.match(r"::(.*?)(?<!\\)::", text[offset:], re.S):
        located.draft.key = _key(_unescape(title.group(1)).strip(), located)
        offset += title.end()
    opening = _find(text, "{", offset)
    closing = _find(text, "}", opening + 1) if opening >= 0 else -1
    if opening < 0:
        problems.add("GIFT 题目缺少答案部分 {…}", start)
        return None
    if closing < 0:
        problems.add("答案部分 {… 缺少右括号 }", block.line_at(opening))
        return None
    if (second := _find(text, "{", closing + 1)) >= 0:
        problems.add("一道题里有第二个答案部分 {…}：两道题之间要空一行", block.line_at(second))
        return None
    before, inside, after = text[offset:opening], text[opening + 1:closing], text[closing + 1:]
    refusal = _unsupported(inside)
    if refusal:
        problems.add(refusal, start)
        return None
    inside, general = _split(inside, "####")
    located.draft.explanation_md = _text(general) if general is not None else ""
    head = _split(inside, "#")[0].strip().upper()
    if head in ("T", "TRUE", "F", "FALSE"):
        return _true_false(located, before, after, inside)
    entries = _entries(inside)
    if _find(inside, "~") >= 0:
        return _choice(located, before, after, entries, problems)
    return _short_answer(located, before, after, entries, problems)


def _unsupported(inside: str) -> str | None:
    body = inside.strip()
    if not body or body.startswith("####"):
        return "不支持问答题（答案部分 {} 是空的）"
    if body.startswith("#"):
        return "不支持数值题（{#…}）"
    if _find(body, "->") >= 0:
        return "不支持匹配题（… -> …）"
    return None


def _key(title: str, located: Located) -> str | None:
    """The title as the key; a title longer than the key column gets a stable derived key."""
    if not title:
        return None
    if len(title) <= MAX_KEY:
        return title
    derived = f"{title[:MAX_KEY - 9].rstrip()}-{hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:8]}"
    located.warn("编号", f"标题超过{MAX_KEY}个字符，编号改为“{derived}”")
    return derived


def _stem(before: str, after: str, blank: str) -> str:
    """The question text, with the blank where the {…} stood when text follows it (missing word)."""
    return _text(before + blank + after) if after.strip() else _text(before)


def _true_false(located: Located, before: str, after: str, inside: str) -> Located:
    head, *feedback = [part.strip() for part in _split_all(inside, "#")]
    draft = located.draft
    draft.qtype, draft.answer = "true_false", head.upper().startswith("T")
    draft.stem_md = _stem(before, after, MISSING_WORD)
    # Moodle: the first feedback is shown for the wrong answer, the second for the right one.
    wrong, right = (feedback + ["", ""])[:2]
    shown = {draft.answer: right, not draft.answer: wrong}
    draft.explanation_md = _explain(draft.explanation_md, [
        f"- 答“{word}”：{_text(shown[value])}" for value, word in ((True, "对"), (False, "错")) if shown[value]])
    return located


def _choice(located: Located, before: str, after: str, entries: list, problems: Collector) -> Located | None:
    draft = located.draft
    if len(entries) > len(OPTION_LETTERS):
        problems.add(f"选项过多（最多{len(OPTION_LETTERS)}个）", located.line)
        return None
    draft.stem_md = _stem(before, after, MISSING_WORD)
    draft.options = [(letter, _option(text)) for letter, (_m, _w, text, _f) in zip(OPTION_LETTERS, entries)]
    draft.explanation_md = _explain(draft.explanation_md, [
        f"- {letter}：{_text(fb)}" for letter, (_m, _w, _t, fb) in zip(OPTION_LETTERS, entries) if fb])
    marked = [letter for letter, (mark, *_r) in zip(OPTION_LETTERS, entries) if mark == "="]
    weights = {letter: weight for letter, (_m, weight, *_r) in zip(OPTION_LETTERS, entries) if weight and weight > 0}
    if marked:  # Moodle: any "=" makes it single choice
        if len(marked) > 1:
            problems.add(f"单选题有{len(marked)}个“=”正确答案（{''.join(marked)}），本系统的单选题只能有一个；"
                         "多选题请不用“=”，改用 ~%50% 这样的权重", located.line)
            return None
        draft.answer = marked[0]
        for letter, weight in weights.items():
            located.warn("答案", f"选项{letter}的部分得分（{weight:g}%）未导入，按错误选项计分")
        return located
    if not weights:
        problems.add("选择题没有正确答案：单选题用“=”标出正确答案，多选题用 ~%50% 这样的正权重", located.line)
        return None
    if len(weights) == 1:
        draft.answer = next(iter(weights))
        located.warn("题型", "多选题只有一个正确答案，按单选题导入")
        return located
    draft.qtype, draft.answer = "multiple", sorted(weights)
    if len(set(weights.values())) > 1 or abs(sum(weights.values()) - 100) > 1:
        shown = "、".join(f"{letter} {weight:g}%" for letter, weight in weights.items())
        located.warn("答案", f"各正确选项的权重（{shown}）未导入：本系统的多选题各正确选项同等计分")
    return located


def _short_answer(located: Located, before: str, after: str, entries: list, problems: Collector) -> Located | None:
    draft = located.draft
    accepted = [text for mark, weight, text, _f in entries if mark == "=" and weight in (None, 100)]
    if not accepted:
        problems.add("简答题没有得满分（100%）的答案", located.line)
        return None
    for mark, weight, text, _f in entries:
        if not (mark == "=" and weight in (None, 100)):
            located.warn("答案", f"答案“{text}”（{weight or 0:g}%）未导入：填空题只接受完全正确的答案")
    draft.qtype, draft.answer = "fill_blank", [[html_to_text(text) for text in accepted]]
    draft.stem_md = _stem(before, after, "___") if after.strip() else f"{_text(before)} ___"
    draft.explanation_md = _explain(draft.explanation_md, [
        f"- “{_text(text)}”：{_text(fb)}" for _m, _w, text, fb in entries if fb])
    return located


def _entries(inside: str) -> list[tuple[str, float | None, str, str]]:
    """(mark "=" or "~", weight or None, text, feedback) of each answer."""
    entries = []
    for match in re.finditer(r"(?<!\\)([=~])((?:\\.|[^=~\\])*)", inside):
        body, weight = match.group(2), None
        if found := _WEIGHT.match(body):
            weight, body = float(found.group(1)), body[found.end():]
        body, feedback = _split(body, "#")
        entries.append((match.group(1), weight, _unescape(body).strip(), (feedback or "").strip()))
    return entries


def _text(raw: str) -> str:
    """GIFT text as Markdown: [html] kept (sanitized when rendered, whitespace kept), [markdown] as is,
    anything else is plain text whose "<" must show as written."""
    marker = _FORMAT.match(raw)
    body = raw[marker.end():] if marker else raw
    kind = marker.group(1).lower() if marker else "moodle"
    if kind == "html":
        html = _unescape(body).strip()
        # A raw HTML block keeps its lines as written (Markdown would re-indent <pre> and make code blocks).
        return f"<div>\n{html}\n</div>" if "\n" in html else html
    if kind == "markdown":
        return _unescape(body).strip()
    # Lines are trimmed: GIFT indents freely, and Markdown would make an indented line a code block.
    return escape_tags("\n".join(line.strip() for line in _unescape(body).strip().split("\n")))


def _option(raw: str) -> str:
    marker = _FORMAT.match(raw)
    if marker and marker.group(1).lower() == "html":
        return html_to_text(raw[marker.end():])  # options are shown as plain text
    return raw[marker.end():].strip() if marker else raw


def _explain(general: str, lines: list[str]) -> str:
    return "\n\n".join(part for part in (general, "\n".join(lines)) if part)


def _split(text: str, separator: str) -> tuple[str, str | None]:
    at = _find(text, separator)
    return (text, None) if at < 0 else (text[:at], text[at + len(separator):])


def _split_all(text: str, separator: str) -> list[str]:
    parts, rest = [], text
    while (at := _find(rest, separator)) >= 0:
        parts.append(rest[:at])
        rest = rest[at + len(separator):]
    return [*parts, rest]


def _find(text: str, needle: str, start: int = 0) -> int:
    """The first `needle` at or after `start` not escaped by a backslash (an escaped backslash does not escape)."""
    index = start
    while (index := text.find(needle, index)) >= 0:
        backslashes = len(text[:index]) - len(text[:index].rstrip("\\"))
        if backslashes % 2 == 0:
            return index
        index += 1
    return -1


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)
