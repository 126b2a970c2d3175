"""What every bank reader shares: decoding bytes, and where each parsed question came from."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3

from ..problems import Collector
from .draft import QuestionDraft

MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass
class Located:
    """A parsed draft and its place: the line (or spreadsheet row) it starts on, the line of each
    field for text formats, and whether places are spreadsheet rows (then fields are columns)."""

    draft: QuestionDraft
    line: int
    field_lines: dict[str, int] = field(default_factory=dict)
    spreadsheet: bool = False
    #: Fields already reported as unreadable, so the checks that follow do not repeat them.
    reported: set[str] = field(default_factory=set)
    #: (field or None, message, line or None): what was read but changed or dropped, shown with the import.
    warnings: list[tuple[str | None, str, int | None]] = field(default_factory=list)

    def warn(self, field_name: str | None, message: str, line: int | None = None) -> None:
        """Note something the import keeps, but not exactly as written (a dropped label, partial credit)."""
        self.warnings.append((field_name, message, line))

    def place(self, field_name: str | None, line: int | None = None) -> tuple[int, str | None]:
        """(line or row, column label) of a field, as problems about it are shown."""
        if self.spreadsheet:
            return line or self.line, field_name
        if field_name is None:
            return line or self.line, None
        return line or self.field_lines.get(field_name, self.line), f"{field_name}字段"

    def report(self, problems: Collector, field_name: str, message: str) -> None:
        """Add a problem about one field, pointing at its line, or its row and column."""
        self.reported.add(field_name)
        problems.add(message, *self.place(field_name))


def decode_text(data: bytes, problems: Collector) -> tuple[str | None, str | None]:
    """(text, note): UTF-8 (with or without BOM), else GB18030 (what Chinese Windows tools write) and a
    note saying so.

    Binary files (NUL bytes, or text that is neither encoding) are refused with a clear message.
    """
    if len(data) > MAX_FILE_BYTES:
        problems.add(f"文件过大（最多{MAX_FILE_BYTES // 1024 // 1024}MB）")
        return None, None
    if (wide := _utf16(data)) is not None:  # Windows Notepad's "Unicode"
        try:
            return _lines(data.decode(wide).lstrip("\ufeff")), None
        except UnicodeDecodeError:
            problems.add("文件看起来是 UTF-16 编码，但无法读取，请另存为 UTF-8 编码的文本文件")
            return None, None
    if b"\x00" in data[:8192] or data.startswith(b"PK\x03\x04"):
        problems.add("这不是文本文件（可能是 Excel 或其他二进制文件）；Excel 题库请以 .xlsx 扩展名上传")
        return None, None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            problems.add("无法识别文件编码，请另存为 UTF-8 编码的文本文件")
            return None, None
        if _looks_garbled(text):
            problems.add("无法识别文件编码（既不是 UTF-8 也不是 GBK），请另存为 UTF-8 编码的文本文件")
            return None, None
        note = "文件不是 UTF-8 编码，已按 GBK（GB18030）读取；建议另存为 UTF-8"
        return _lines(text), note
    return _lines(text), None


def _utf16(data: bytes) -> str | None:
    """The UTF-16 codec of text with a byte-order mark, or of BOM-less text containing NUL bytes that
    decodes to ordinary Chinese or ASCII text in one byte order; None for anything else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" not in data[:8192] or len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            sample = data[:8192].decode(codec)
        except UnicodeDecodeError:
            continue
        if sample and sum(map(_ordinary, sample)) >= 0.95 * len(sample):
            return codec
    return None


def _ordinary(ch: str) -> bool:
    code = ord(ch)
    return (32 <= code < 127 or ch in "\t\n\r" or 0x4E00 <= code <= 0x9FFF or 0x3000 <= code <= 0x303F
            or 0xFF00 <= code <= 0xFFEF or 0x2000 <= code <= 0x206F)


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_garbled(text: str) -> bool:
    """GB18030 decodes almost any bytes; control characters or many private-use/rare chars mean it was
    not really GBK text."""
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad > 0


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def escape_tags(text: str) -> str:
    """Plain text made safe to store as Markdown: a "<" that would open a tag (x<y) shows as written."""
    return _TAG_START.sub("&lt;", text)


def html_to_text(fragment: str) -> str:
    """The text an HTML fragment shows (tags dropped, entities decoded), for fields shown as plain text."""
    cleaned = nh3.clean(fragment, tags=set(), clean_content_tags={"script", "style"})
    return re.sub(r"\s+", " ", html.unescape(cleaned)).strip()
