"""assessment-report: a round's results and problem ledger as one workbook, the same figures as the pages."""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from ..domain import tabular
from ..extensions import db
from ..models.assessment import AssessmentRound
from ..models.types import utcnow
from ..services.assessment import problems, results


@click.command("assessment-report")
@click.argument("round_id", type=int)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="输出的 .xlsx 文件：评估结果、各标准中位数、整改台账三张表")
@with_appcontext
def assessment_report_command(round_id: int, output: Path):
    """Write the results of assessment round ROUND_ID with every indicator, and its branches' problems."""
    session = db.session
    found = session.get(AssessmentRound, round_id)
    if found is None:
        raise click.ClickException(f"评估 {round_id} 不存在")
    if output.suffix.lower() != ".xlsx":
        raise click.ClickException("输出文件应以 .xlsx 结尾")
    units = {entry.unit_id for entry in found.entries}
    view = results.round_results(session, found, units)
    zone_name = current_app.config["TIMEZONE"]
    zone = ZoneInfo(zone_name)
    rows = problems.problem_rows(session, units, utcnow(), zone_name, include_closed=True)
    sheets = results.export_sheets(session, view)
    sheets.append(("整改台账", problems.EXPORT_HEADERS,
                   problems.export_rows(rows, lambda value: value.astimezone(zone).strftime("%Y-%m-%d"))))
    output.write_bytes(tabular.xlsx_book_bytes(sheets))
    click.echo(f"已写入 {output}：{len(view.rows)} 个支部，{len(rows)} 个问题")


commands = [assessment_report_command]
