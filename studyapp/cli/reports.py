"""report: a sitting's results from the command line, the same figures as the organizer pages."""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from ..domain import tabular
from ..extensions import db
from ..models.types import utcnow
from ..services.errors import NotFound
from ..services.reports import audience_for, reportable_sitting, rosters, tables
from ..services.reports.sitting import sitting_summary
from .files import open_private


@click.command("report")
@click.argument("sitting_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True,
              help="xlsx：一个工作簿（参考情况、未参考名单、成绩单、成绩分布四张表）；csv：每张表一个文件")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="输出文件；csv 时其余表写在同目录的 <文件名>-未参考名单.csv 等")
@with_appcontext
def report_command(sitting_id: int, fmt: str, output: Path):
    """Write the results of sitting SITTING_ID: summary by branch, chase list, score list, distribution."""
    session = db.session
    try:
        sitting = reportable_sitting(session, sitting_id, None)
    except NotFound:
        raise click.ClickException(f"场次 {sitting_id} 不存在") from None
    audience = audience_for(session, sitting, None)
    summary = sitting_summary(session, audience)
    zone = ZoneInfo(current_app.config["TIMEZONE"])

    def localize(value):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else None

    sheets = [
        ("参考情况", *tables.summary_table(summary)),
        ("未参考名单", rosters.CHASE_HEADERS,
         rosters.chase_rows(rosters.member_lines(session, audience, absent_only=True, now=utcnow()))),
        ("成绩单", rosters.SCORE_HEADERS,
         rosters.score_rows(rosters.member_lines(session, audience, now=utcnow()), localize)),
        ("成绩分布", *tables.distribution_table(summary)),
    ]
    if fmt == "xlsx":
        with open_private(output, binary=True) as handle:
            handle.write(tabular.xlsx_book_bytes(sheets))
        written = [output]
    else:
        written = []
        for n, (title, headers, rows) in enumerate(sheets):
            path = output if n == 0 else output.with_name(f"{output.stem}-{title}.csv")
            with open_private(path) as handle:
                for chunk in tabular.csv_rows(headers, rows):  # streamed: one row at a time
                    handle.write(chunk)
            written.append(path)
    total = summary.total
    click.echo(f"{sitting.title}：应考 {total.expected} 人，实考 {total.sat} 人，通过 {total.passed} 人")
    for path in written:
        click.echo(f"已写入 {path}")


commands = [report_command]
