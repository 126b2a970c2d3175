"""Validation that collects every problem with its place, and raises once."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where: file, row or line, and column or field."""

    message: str
    file: str | None = None
    line: int | None = None  # a line of a text file, or a spreadsheet row (1-based, header included)
    column: str | None = None
    line_label: str = "行"  # "行" for rows and lines alike; Chinese needs no distinction

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"第{self.line}{self.line_label}")
        if self.column:
            parts.append(f"“{self.column}”列" if not self.column.endswith("字段") else self.column)
        return "，".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}：{self.message}" if where else self.message


class ValidationFailed(Exception):
    """Raised with every problem found, so the user can fix them all in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Collector:
    """Accumulates problems while a whole input is checked."""

    def __init__(self, file: str | None = None):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, message: str, line: int | None = None, column: str | None = None) -> None:
        self.problems.append(Problem(message, self.file, line, column))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationFailed(self.problems)
