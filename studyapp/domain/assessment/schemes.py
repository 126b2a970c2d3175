"""A scheme (评估方案) as plain data, its checks, and its .xlsx form so organizations can bring their own
考评细则. Workbook: sheet "方案" (key/value rows: 方案名称, 定级方式, each grade's 分数线, 示范点保持等次),
sheet "指标" (one row per indicator), sheet "否决项" (one row per veto)."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from .. import archives
from ..problems import Collector
from ..sheets import to_xlsx_book
from .grading import GRADES, NO_STAR, SCALE_KINDS, STARS, check_thresholds
from .indicators import KINDS

INDICATOR_HEADERS = ["标准", "编号", "指标", "分值", "评分要点", "佐证材料", "来源", "平台指标", "数据范围编号"]
VETO_HEADERS = ["否决项", "最高等次"]
KIND_WORDS = {"等次": "grades", "星级": "stars"}
SOURCE_WORDS = {"人工": "manual", "人工评分": "manual", "平台": "platform", "平台数据": "platform"}


@dataclass
class IndicatorDraft:
    standard: str
    code: str
    title: str
    max_points: float
    guidance: str = ""
    evidence: str = ""
    source: str = "manual"
    platform_kind: str | None = None
    #: Ids of the sittings / modules the platform indicator looks at.
    scope_ids: list[int] = field(default_factory=list)


@dataclass
class SchemeDraft:
    name: str
    scale_kind: str
    thresholds: dict[str, float]
    indicators: list[IndicatorDraft]
    vetoes: list[tuple[str, str]] = field(default_factory=list)
    keep_demo_at: str | None = None

    @property
    def total(self) -> float:
        return round(sum(i.max_points for i in self.indicators), 2)


def check(draft: SchemeDraft, problems: Collector, row_of=lambda index: None) -> None:
    """Every problem of a scheme; `row_of(i)` gives the sheet row of indicator i for messages."""
    if not draft.name.strip():
        problems.add("请填写方案名称", column="方案名称")
    if not draft.indicators:
        problems.add("方案至少要有一项指标")
    codes = set()
    for index, item in enumerate(draft.indicators):
        row = row_of(index)
        if not item.title.strip():
            problems.add("指标名称不能为空", row, "指标")
        if item.code in codes:
            problems.add(f"编号“{item.code}”重复", row, "编号")
        codes.add(item.code)
        if not 0 < item.max_points <= 100:
            problems.add(f"分值 {item.max_points:g} 应大于 0 且不超过 100", row, "分值")
        if item.source == "platform" and item.platform_kind not in KINDS:
            problems.add("平台指标应为：" + "、".join(k.label for k in KINDS.values()), row, "平台指标")
        if item.source == "platform" and item.platform_kind in KINDS:
            needs = KINDS[item.platform_kind].needs
            if needs in ("sittings", "modules") and not item.scope_ids:
                what = "场次" if needs == "sittings" else "专题"
                problems.add(f"“{KINDS[item.platform_kind].label}”需要填写所选{what}的编号", row, "数据范围编号")
    labels = GRADES if draft.scale_kind == "grades" else STARS + (NO_STAR,)
    for title, cap in draft.vetoes:
        if cap not in labels:
            problems.add(f"否决项“{title}”的最高等次应为：" + "、".join(labels), column="最高等次")
    for message in check_thresholds(draft.scale_kind, draft.thresholds, draft.total or None):
        problems.add(message, column="分数线")
    if draft.keep_demo_at and draft.keep_demo_at not in labels:
        problems.add("示范点保持等次应为：" + "、".join(labels), column="示范点保持等次")


def to_workbook(draft: SchemeDraft, kind_labels=None) -> bytes:
    kind_word = {v: k for k, v in KIND_WORDS.items()}[draft.scale_kind]
    settings = [["方案名称", draft.name], ["定级方式", kind_word]]
    settings += [[label, value] for label, value in draft.thresholds.items()]
    settings.append(["示范点保持等次", draft.keep_demo_at or ""])
    rows = [[i.standard, i.code, i.title, i.max_points, i.guidance, i.evidence,
             "平台" if i.source == "platform" else "人工",
             KINDS[i.platform_kind].label if i.platform_kind in KINDS else "",
             ",".join(str(n) for n in i.scope_ids)] for i in draft.indicators]
    return to_xlsx_book([("方案", ["项目", "内容"], settings), ("指标", INDICATOR_HEADERS, rows),
                         ("否决项", VETO_HEADERS, [list(v) for v in draft.vetoes])])


GUIDE = [
    ["工作表“方案”", "方案名称；定级方式填“等次”或“星级”；各等次（好、较好、一般）或各星级（五星…一星）的最低分数；示范点保持等次（可空，默认最高等次）"],
    ["工作表“指标”", "每行一项指标：标准（分组）、编号、指标、分值、评分要点、佐证材料、来源（人工/平台）"],
    ["来源为“平台”时", "“平台指标”填：" + "、".join(k.label for k in KINDS.values())],
    ["数据范围编号", "考试参考率、考试合格率填所选考试场次的编号，学习完成率填所选专题的编号，多个用逗号分隔；编号见“评估方案”页面"],
    ["工作表“否决项”", "每行一项一票否决：否决项、最高等次（发生时最高只能评为该等次）"],
    ["导入规则", "有任何一处错误则整份方案不导入，并列出每处错误的工作表行号；同名方案导入后成为新版本，进行中的评估仍用原版本"],
]


def template_workbook() -> bytes:
    """A small scheme that imports as it is, plus a sheet "说明" explaining every column."""
    sample = SchemeDraft("党支部评估方案（模板）", "grades", {"好": 90, "较好": 80, "一般": 60}, [
        IndicatorDraft("组织设置", "1.1", "按规定设置党支部和党小组", 30, "对照《条例》第四条、第十三条", "设立批复、党小组名单"),
        IndicatorDraft("组织生活", "2.1", "三会一课、主题党日按期开展", 40, "对照第十一至十六条", "会议记录"),
        IndicatorDraft("组织生活", "2.2", "组织生活合规率", 10, "按台账计算", "", "platform", "ledger_compliance"),
        IndicatorDraft("党员教育管理", "3.1", "集中学习到课率", 20, "按签到计算", "", "platform", "group_study_attendance"),
    ], [("发生严重违纪违法问题", "差")])
    book = to_workbook(sample)
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(book))
    guide = workbook.create_sheet("说明")
    guide.append(["项目", "说明"])
    for row in GUIDE:
        guide.append(row)
    guide.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def from_workbook(data: bytes, filename: str) -> SchemeDraft:
    """Read a scheme workbook; raises ValidationFailed with every problem (sheet, row, column)."""
    from openpyxl import load_workbook

    problems = Collector(filename)
    try:
        archives.check_zip(data)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except archives.UnsafeArchive as exc:
        problems.add(str(exc))
        problems.raise_if_any()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        problems.add("无法读取 Excel 文件，请确认是 .xlsx 格式")
        problems.raise_if_any()
    try:
        sheets = {sheet.title: [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
                  for sheet in book.worksheets}
    finally:
        book.close()
    for name in ("方案", "指标"):
        if name not in sheets:
            problems.add(f"缺少工作表“{name}”")
    problems.raise_if_any()
    settings = {row[0]: (row[1] if len(row) > 1 else "") for row in sheets["方案"][1:] if row and row[0]}
    kind = KIND_WORDS.get(settings.get("定级方式", ""), "")
    if not kind:
        problems.add("“定级方式”应为“等次”或“星级”", column="定级方式")
        kind = "grades"
    labels = GRADES[:-1] if kind == "grades" else STARS
    thresholds = {}
    for label in labels:
        number = _number(settings.get(label, ""))
        if number is None:
            problems.add(f"“{label}”的分数线应是数字", column=label)
        else:
            thresholds[label] = number
    indicators, rows = [], []
    body = sheets["指标"]
    header = [h.strip() for h in body[0]] if body else []
    missing = [h for h in INDICATOR_HEADERS[:4] if h not in header]
    if missing:
        problems.add("工作表“指标”缺少列：" + "、".join(missing), 1)
        problems.raise_if_any()
    col = {h: header.index(h) for h in INDICATOR_HEADERS if h in header}
    kind_by_label = {k.label: k.key for k in KINDS.values()}
    for number, cells in enumerate(body[1:], start=2):
        get = lambda h: cells[col[h]].strip() if h in col and col[h] < len(cells) else ""  # noqa: E731
        if not any(cells):
            continue
        points = _number(get("分值"))
        if points is None:
            problems.add("分值应是数字", number, "分值")
            points = 0.0
        source = SOURCE_WORDS.get(get("来源") or "人工")
        if source is None:
            problems.add("来源应为“人工”或“平台”", number, "来源")
            source = "manual"
        scope_ids = []
        for part in get("数据范围编号").replace("，", ",").split(","):
            if part.strip():
                if part.strip().isdigit():
                    scope_ids.append(int(part.strip()))
                else:
                    problems.add(f"“{part.strip()}”不是编号（应是数字，用逗号分隔）", number, "数据范围编号")
        indicators.append(IndicatorDraft(
            get("标准"), get("编号") or str(number - 1), get("指标"), points, get("评分要点"), get("佐证材料"),
            source, kind_by_label.get(get("平台指标")) if source == "platform" else None, scope_ids))
        rows.append(number)
    vetoes = [(row[0].strip(), row[1].strip() if len(row) > 1 else "")
              for row in sheets.get("否决项", [])[1:] if row and row[0].strip()]
    draft = SchemeDraft(settings.get("方案名称", ""), kind, thresholds, indicators, vetoes,
                        settings.get("示范点保持等次") or None)
    if not problems.problems:
        check(draft, problems, lambda index: rows[index])
    problems.raise_if_any()
    return draft


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


__all__ = ["SCALE_KINDS", "SchemeDraft", "IndicatorDraft", "check", "to_workbook", "from_workbook", "template_workbook"]
