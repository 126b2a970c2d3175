"""Roster files (花名册): read .csv or .xlsx with Chinese headers, check every row, return clean records.

Pure: takes the file's bytes and name, knows nothing of the database. Every problem is collected with
its spreadsheet row (the header is row 1) and column, and raised at once as ValidationFailed.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from .ledger.kinds import MEMBER_KIND_WORDS
from .problems import Collector, ValidationFailed
from .sheets import read_sheet

NAME, LOGIN, BRANCH, PHONE, ROLE = "姓名", "党员编号", "所属支部", "手机号", "角色"
LOGIN_ALIASES = ("党员编号", "登录名")
TEMPLATE_HEADER = [NAME, LOGIN, BRANCH, PHONE, ROLE]
#: Optional columns the ledger's rules need (quorum, committee, 党小组); absent or empty keeps what is stored.
MEMBER_KIND, PARTY_GROUP = "党员类别", "党小组"
OPTIONAL_HEADER = [MEMBER_KIND, PARTY_GROUP]
TEMPLATE_EXAMPLE = ["张三", "DY0001", "第一党支部", "13800000000", "党员"]

#: Accepted role words, to the stored role code. An empty cell means "党员" for a new account and
#: "keep the current role" for an existing one, so re-importing a plain roster never demotes anyone.
ROLE_WORDS = {
    "党员": "member", "member": "member",
    "组织员": "organizer", "支部组织员": "organizer", "organizer": "organizer",
    "管理员": "admin", "admin": "admin",
}
LOGIN_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
MAX_NAME, MAX_UNIT_NAME, MAX_PHONE_INPUT = 64, 100, 32
MAX_ROWS = 50_000
FORMULA_STARTS = ("=", "+", "-", "@")
BRANCH_SEPARATOR = "/"  # "第一党总支/第一党支部" names a branch inside a sub-organization


@dataclass(frozen=True)
class RosterRecord:
    """One checked roster row."""

    row: int
    name: str
    username: str
    branch_path: tuple[str, ...]  # unit names from the importing organization down; usually one
    phone: str | None
    role: str | None  # None: not given (see ROLE_WORDS)
    member_kind: str | None = None  # "full" / "probationary"; None: not given
    party_group: str | None = None  # 党小组 name within the branch; None: not given

    @property
    def branch(self) -> str:
        return BRANCH_SEPARATOR.join(self.branch_path)


def parse_roster(data: bytes, filename: str) -> list[RosterRecord]:
    """Every record of the file, or ValidationFailed listing every problem with row and column."""
    problems = Collector(filename)
    rows = _read_rows(data, filename, problems)
    problems.raise_if_any()
    if not rows:
        problems.add("文件是空的，没有表头")
        problems.raise_if_any()
    header_row, *body = rows
    columns = _columns(header_row[1], problems)
    problems.raise_if_any()
    records, seen = [], {}
    for number, cells in body:
        values = {key: _cell(cells, index) for key, index in columns.items()}
        if not any(values.values()):
            continue  # Excel leaves blank rows at the end; they mean nothing
        username, key = values[LOGIN], values[LOGIN].casefold()
        if key in seen:
            problems.add(f"登录名 {username} 与第{seen[key]}行重复", number, LOGIN)
            problems.add(f"登录名 {username} 与第{number}行重复", seen[key], LOGIN)
        elif key:
            seen[key] = number
        record = _check_row(number, values, problems)
        if record is not None:
            records.append(record)
    if not records and not problems.problems:
        problems.add("文件只有表头，没有人员")
    if len(records) > MAX_ROWS:
        problems.add(f"一次最多导入{MAX_ROWS}人，请分批导入")
    problems.problems.sort(key=lambda p: (p.line or 0))
    problems.raise_if_any()
    return records


def _read_rows(data: bytes, filename: str, problems: Collector) -> list[tuple[int, list[str]]]:
    """(spreadsheet row number, cell texts) for each row of the file."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "csv":
        text = _decode(data, problems)
        if text is None:
            return []
        # newline="": the csv module ends lines itself, so a bare \r (old Mac Excel) is a line end, not an error.
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = []
        try:
            for n, row in enumerate(reader, 1):
                rows.append((n, [c.strip() for c in row]))
        except csv.Error:
            problems.add("CSV 格式有误，无法逐行读取（例如某个单元格过长），请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重试",
                         reader.line_num)
            return []
        return rows
    if suffix == "xlsx":
        return _read_xlsx(data, problems)
    problems.add("只支持 .xlsx 或 .csv 文件（Excel 请“另存为”这两种格式之一）")
    return []


def _decode(data: bytes, problems: Collector) -> str | None:
    """UTF-8 (with or without BOM), else GB18030 — a superset of the GBK that Chinese Excel writes."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    problems.add("无法识别文件编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx")
    return None


def _read_xlsx(data: bytes, problems: Collector) -> list[tuple[int, list[str]]]:
    # The shared reader bounds the sheet (sheets.MAX_SHEET_ROWS × MAX_SHEET_COLUMNS) before reading it.
    sheet = read_sheet(data, problems)
    if sheet is None or not sheet.header:
        return []
    return [(1, [_text(v) for v in sheet.header]), *((n, [_text(v) for v in row]) for n, row in sheet.rows)]


def _text(value: object) -> str:
    """A cell as the text a person sees: 13800000000 not 13800000000.0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _columns(header: list[str], problems: Collector) -> dict[str, int]:
    """Column index of each known header; missing required headers are problems on row 1."""
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        title = raw.strip().rstrip("*＊").strip()
        key = LOGIN if title in LOGIN_ALIASES else title
        if key not in TEMPLATE_HEADER and key not in OPTIONAL_HEADER:
            continue  # extra columns (序号, 备注...) are allowed and ignored
        if key in found:
            problems.add(f"表头“{title}”出现了两次（“党员编号”与“登录名”只能有一列）", 1, title)
            continue
        found[key] = index
    for required in (NAME, LOGIN, BRANCH):
        if required not in found:
            label = "党员编号”或“登录名" if required == LOGIN else required
            problems.add(f"缺少必填列“{label}”（表头应在第1行）", 1)
    return found


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _check_row(number: int, values: dict[str, str], problems: Collector) -> RosterRecord | None:
    before = len(problems.problems)

    def text(column: str, limit: int, required: bool = True) -> str:
        value = values.get(column, "")
        if required and not value:
            problems.add(f"{column}不能为空", number, column)
        elif len(value) > limit:
            problems.add(f"内容过长（最多{limit}个字符）", number, column)
        elif value.startswith(FORMULA_STARTS):
            problems.add(f"内容“{value[:20]}”以 = + - @ 开头，像是公式，请改为纯文本", number, column)
        return value

    name = text(NAME, MAX_NAME)
    branch = text(BRANCH, MAX_UNIT_NAME * 3)
    path = tuple(part.strip() for part in branch.split(BRANCH_SEPARATOR))
    if branch and (not all(path) or any(len(part) > MAX_UNIT_NAME for part in path)):
        problems.add(f"支部名称有误（层级用“/”分隔，每级不超过{MAX_UNIT_NAME}个字符）", number, BRANCH)
    username = values.get(LOGIN, "")
    if not username:
        problems.add("党员编号不能为空", number, LOGIN)
    elif not LOGIN_PATTERN.fullmatch(username):
        problems.add(f"登录名“{username[:70]}”只能由字母、数字和 - _ . 组成，最长64个字符", number, LOGIN)
    phone = _phone(values.get(PHONE, ""), number, problems)
    role_word = values.get(ROLE, "")
    role = ROLE_WORDS.get(role_word.lower()) if role_word else None
    if role_word and role is None:
        problems.add(f"未知角色“{role_word[:20]}”，应为 党员、组织员 或 管理员", number, ROLE)
    kind_word = values.get(MEMBER_KIND, "")
    member_kind = MEMBER_KIND_WORDS.get(kind_word) if kind_word else None
    if kind_word and member_kind is None:
        problems.add(f"未知党员类别“{kind_word[:20]}”，应为 正式 或 预备", number, MEMBER_KIND)
    party_group = text(PARTY_GROUP, MAX_UNIT_NAME, required=False) or None
    if len(problems.problems) > before:
        return None
    return RosterRecord(number, name, username, path, phone, role, member_kind, party_group)


def _phone(raw: str, number: int, problems: Collector) -> str | None:
    """Eleven digits starting with 1; spaces, dashes and a +86 prefix are tolerated and dropped."""
    if not raw:
        return None
    digits = re.sub(r"[\s\-]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    if len(raw) > MAX_PHONE_INPUT or not re.fullmatch(r"1\d{10}", digits):
        problems.add(f"手机号“{raw[:MAX_PHONE_INPUT]}”应为以1开头的11位数字", number, PHONE)
        return None
    return digits


def template_rows() -> tuple[list[str], list[list[str]]]:
    """Header and example row of the downloadable template."""
    return list(TEMPLATE_HEADER), [list(TEMPLATE_EXAMPLE)]


__all__ = ["RosterRecord", "parse_roster", "template_rows", "ValidationFailed"]
