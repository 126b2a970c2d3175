"""What every bank reader shares: decoding bytes, and where each parsed question came from."""
from __future__ import annotations

from dataclasses import dataclass, field

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

    def report(self, problems: Collector, field_name: str, message: str) -> None:
        """Add a problem about one field, pointing at its line, or its row and column."""
        self.reported.add(field_name)
        if self.spreadsheet:
            problems.add(message, self.line, field_name)
        else:
            problems.add(message, self.field_lines.get(field_name, self.line), f"{field_name}字段")


def decode_text(data: bytes, problems: Collector) -> tuple[str | None, str | None]:
    """(text, note): UTF-8 (with or without BOM), else GB18030 (what Chinese Windows tools write) and a
    note saying so.

    Binary files (NUL bytes, or text that is neither encoding) are refused with a clear message.
    """
    if len(data) > MAX_FILE_BYTES:
        problems.add(f"文件过大（最多{MAX_FILE_BYTES // 1024 // 1024}MB）")
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


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_garbled(text: str) -> bool:
    """GB18030 decodes almost any bytes; control characters or many private-use/rare chars mean it was
    not really GBK text."""
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad > 0
