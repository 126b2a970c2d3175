"""A question as read from a file or a form, before it is stored: its fields, checks and checksum.

Answers use the canonical shapes stored on QuestionVersion.answer:
  single "B"; multiple ["A", "C"]; true_false True/False; fill_blank [["50", "五十"], ["季度"]].
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field

from ..grading import normalize_text

QUESTION_TYPES = ("single", "multiple", "true_false", "fill_blank")
#: Chinese type words used by every file format and the web pages.
TYPE_WORDS = {"单选": "single", "多选": "multiple", "判断": "true_false", "填空": "fill_blank"}
WORD_OF_TYPE = {code: word for word, code in TYPE_WORDS.items()}
#: Other ways files from Chinese exam systems name the types (read, never written).
TYPE_ALIASES = {
    **TYPE_WORDS, "单选题": "single", "单项选择": "single", "单项选择题": "single",
    "多选题": "multiple", "多项选择": "multiple", "多项选择题": "multiple",
    "判断题": "true_false", "是非题": "true_false", "填空题": "fill_blank",
}
#: A question's key: what the text format's "## key" line, the spreadsheet's 编号 column and exports carry.
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
MAX_KEY = 80
OPTION_LETTERS = "ABCDEFGH"
BLANK = re.compile(r"_{3,}")
#: Blanks as people type them in Word or Excel: （　）, (  ), （）. In a fill-in stem they become ___.
TYPED_BLANK = re.compile(r"[（(][ \t\u3000]*[)）]")
TRUE_WORDS = {"对", "正确", "√", "✓", "是", "t", "true", "y"}
FALSE_WORDS = {"错", "错误", "×", "✗", "否", "f", "false", "n"}
MAX_STEM, MAX_OPTION, MAX_TAG = 5000, 1000, 30

# Field names problems refer to; they are also the text format's keys and the spreadsheet headers.
F_TYPE, F_STEM, F_OPTIONS, F_ANSWER, F_EXPLANATION = "题型", "题干", "选项", "答案", "解析"
F_DIFFICULTY, F_CHAPTER, F_ARTICLE, F_TAGS, F_KEY = "难度", "章", "条", "标签", "编号"


@dataclass
class QuestionDraft:
    """Everything a version says. `key` may be None when the source has no ids (generated on import)."""

    key: str | None
    qtype: str
    stem_md: str
    options: list[tuple[str, str]] = field(default_factory=list)
    answer: object = None
    explanation_md: str = ""
    difficulty: int = 2
    chapter_number: int | None = None
    article_number: int | None = None
    tags: list[str] = field(default_factory=list)

    def option_keys(self) -> list[str]:
        return [key for key, _ in self.options]


@dataclass(frozen=True)
class Issue:
    """One thing wrong with a draft, and which field (one of the F_* names) it concerns."""

    field: str
    message: str


def blank_count(stem: str) -> int:
    """Blanks in a fill-in stem: each run of three or more underscores."""
    return len(BLANK.findall(stem or ""))


def type_of(word: str) -> str:
    """The type code a file's type word names (单选, 单选题, 单项选择题 …); unknown words come back as they are."""
    word = (word or "").strip()
    return TYPE_ALIASES.get(word, word)


def typed_blanks_to_underscores(stem: str) -> str:
    """A fill-in stem with typed blanks（　）made into ___, the one blank the platform draws."""
    return TYPED_BLANK.sub("___", stem)


def letters_of(text: str) -> str:
    """Answer or option letters as typed, made plain: full-width (ＡＢ) and lowercase (a) become AB."""
    return unicodedata.normalize("NFKC", text or "").upper()


def validate(draft: QuestionDraft) -> list[Issue]:
    """Every problem with the draft; an empty list means it can be stored."""
    issues: list[Issue] = []
    if draft.qtype not in QUESTION_TYPES:
        return [Issue(F_TYPE, f"未知题型“{draft.qtype}”，应为 单选、多选、判断 或 填空")]
    if not (draft.stem_md or "").strip():
        issues.append(Issue(F_STEM, "题干不能为空"))
    elif len(draft.stem_md) > MAX_STEM:
        issues.append(Issue(F_STEM, f"题干过长（最多{MAX_STEM}字）"))
    issues += _check_options(draft)
    issues += _check_answer(draft)
    if not isinstance(draft.difficulty, int) or not 1 <= draft.difficulty <= 3:
        issues.append(Issue(F_DIFFICULTY, f"难度应为 1、2 或 3，而不是“{draft.difficulty}”"))
    if draft.chapter_number is None:
        issues.append(Issue(F_CHAPTER, "缺少章号"))
    elif draft.chapter_number < 0:  # 0 is a module's overview section (content/README.md)
        issues.append(Issue(F_CHAPTER, "章号应为0或正整数"))
    if draft.article_number is not None and draft.article_number < 1:
        issues.append(Issue(F_ARTICLE, "条号应为正整数"))
    if any(len(tag) > MAX_TAG for tag in draft.tags):
        issues.append(Issue(F_TAGS, f"标签过长（每个最多{MAX_TAG}字）"))
    return issues


def _check_options(draft: QuestionDraft) -> list[Issue]:
    if draft.qtype not in ("single", "multiple"):
        if draft.options:
            return [Issue(F_OPTIONS, f"{WORD_OF_TYPE[draft.qtype]}题不应有选项")]
        return []
    issues = []
    keys = draft.option_keys()
    if len(keys) < 2:
        issues.append(Issue(F_OPTIONS, "选择题至少要有2个选项"))
    if keys != list(OPTION_LETTERS[: len(keys)]):
        issues.append(Issue(F_OPTIONS, f"选项字母应从A起连续排列，而不是 {''.join(keys)}"))
    for key, text in draft.options:
        if not text.strip():
            issues.append(Issue(F_OPTIONS, f"选项{key}是空的"))
        elif len(text) > MAX_OPTION:
            issues.append(Issue(F_OPTIONS, f"选项{key}过长（最多{MAX_OPTION}字）"))
    return issues


def _check_answer(draft: QuestionDraft) -> list[Issue]:
    answer, keys = draft.answer, draft.option_keys()
    if answer is None or answer == "" or answer == []:
        return [Issue(F_ANSWER, "缺少答案")]
    if draft.qtype == "single":
        if not isinstance(answer, str) or len(answer) != 1:
            return [Issue(F_ANSWER, "单选题的答案应为一个选项字母")]
        if answer not in keys:
            return [Issue(F_ANSWER, f"答案 {answer} 不在选项中（选项为 {''.join(keys)}）")]
    elif draft.qtype == "multiple":
        missing = [letter for letter in answer if letter not in keys]
        if missing:
            return [Issue(F_ANSWER, f"答案 {''.join(missing)} 不在选项中（选项为 {''.join(keys)}）")]
        if len(set(answer)) < 2:
            return [Issue(F_ANSWER, "多选题至少要有2个正确答案（只有一个请用单选题）")]
    elif draft.qtype == "true_false":
        if not isinstance(answer, bool):
            return [Issue(F_ANSWER, "判断题的答案应为“对”或“错”")]
    elif draft.qtype == "fill_blank":
        blanks = blank_count(draft.stem_md)
        if blanks == 0:
            return [Issue(F_STEM, "填空题的题干中没有空（用三个或更多下划线 ___ 表示一个空）")]
        if len(answer) != blanks:
            return [Issue(F_ANSWER, f"题干有{blanks}个空，答案却有{len(answer)}组（各空答案用“;”分隔）")]
        for number, group in enumerate(answer, 1):
            if not group or not all(normalize_text(item) for item in group):
                return [Issue(F_ANSWER, f"第{number}个空的答案是空的（或只有标点）")]
    return []


def content_checksum(draft: QuestionDraft) -> str:
    """Hash of what the question asks and expects, normalized so that re-typed copies (other spacing,
    full-width characters, punctuation, option order) are recognized as duplicates."""
    options = {key: normalize_text(text) for key, text in draft.options}
    answer = draft.answer
    if draft.qtype in ("single", "multiple"):
        chosen = {answer} if isinstance(answer, str) else set(answer or [])
        body = sorted([text, key in chosen] for key, text in options.items())
    elif draft.qtype == "fill_blank":
        body = [sorted({normalize_text(item) for item in group}) for group in answer or []]
    else:
        body = answer
    payload = json.dumps([draft.qtype, normalize_text(draft.stem_md or ""), body], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# ---- answers as written in files (text format, spreadsheets) ----------------------------------

_SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_answer(qtype: str, text: str) -> tuple[object, str | None]:
    """(canonical answer, None) or (None, message) for an answer cell or field as people write it."""
    text = (text or "").strip()
    if not text:
        return None, None  # validate() reports the missing answer
    if qtype == "single":
        letter = letters_of(text).strip(" .、,，")
        return (letter, None) if len(letter) == 1 else (None, f"单选题的答案应为一个选项字母，而不是“{text}”")
    if qtype == "multiple":
        letters = list(_SEPARATORS.sub("", letters_of(text)))
        if not all(letter.isascii() and letter.isalpha() for letter in letters):
            return None, f"多选题的答案应为选项字母（如 ACD），而不是“{text}”"
        if len(set(letters)) != len(letters):
            return None, f"答案“{text}”中有重复的字母"
        return sorted(letters), None
    if qtype == "true_false":
        word = text.lower()
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, f"判断题的答案应为“对”或“错”，而不是“{text}”"
    if qtype == "fill_blank":
        groups = [part for part in re.split(r"[;；]", text)]
        return [[alt.strip() for alt in re.split(r"[|｜]", group) if alt.strip()] for group in groups], None
    return None, None


def answer_text(qtype: str, answer: object) -> str:
    """The answer as written in files; parse_answer(answer_text(a)) == a."""
    if qtype == "multiple":
        return "".join(answer)
    if qtype == "true_false":
        return "对" if answer else "错"
    if qtype == "fill_blank":
        return "; ".join(" | ".join(group) for group in answer)
    return str(answer)


def parse_tags(text: str) -> list[str]:
    """Comma-separated (half- or full-width, or 、) tags, in order, without repeats."""
    tags: list[str] = []
    for tag in re.split(r"[,，、]", text or ""):
        if tag.strip() and tag.strip() not in tags:
            tags.append(tag.strip())
    return tags


def parse_int(text: str) -> int | None:
    """An integer from a file cell; '第4条' or '4.0' count too. None when absent; ValueError when wrong."""
    text = (text or "").strip()
    if not text:
        return None
    stripped = re.sub(r"^第|[章条]$", "", text)
    if re.fullmatch(r"\d+(\.0+)?", stripped):
        return int(float(stripped))
    raise ValueError(text)
