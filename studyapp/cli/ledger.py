"""ledger-report: the organization's organizational-life ledger for a year as an .xlsx workbook."""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..domain import tabular
from ..extensions import db
from ..models import Unit
from ..models.types import utcnow
from ..services.ledger import calendar, exports
from ..services.scope import subtree, unit_tree


@click.command("ledger-report")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出的 .xlsx 文件")
@click.option("--unit", "unit_name", default=None,
              help="只导出这个组织或支部（名称）及其下级；默认为全部")
@with_appcontext
def ledger_report_command(year: int, output: Path, unit_name: str | None):
    """Write YEAR's ledger: a summary, the compliance matrix and one sheet per kind of activity."""
    session = db.session
    if unit_name:
        matches = list(session.scalars(select(Unit).where(Unit.name == unit_name)))
        if not matches:
            raise click.ClickException(f"没有名为“{unit_name}”的组织或支部")
        if len(matches) > 1:
            raise click.ClickException(f"有{len(matches)}个名为“{unit_name}”的单位，请用上级组织的名称")
        roots = {matches[0].id}
    else:
        roots = set(session.scalars(select(Unit.id).where(Unit.parent_id.is_(None))))
    scope = subtree(unit_tree(session), roots)
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    clock = current_app.config.get("CLOCK")  # the same clock as the pages (tests set it)
    rows = calendar.organization_calendar(session, scope, year, clock() if clock else utcnow(), zone, "name")
    data = tabular.xlsx_book_bytes(exports.workbook_sheets(session, rows, year, zone))
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"无法写入 {output}：{exc.strerror}") from None
    overdue = sum(row.overdue for row in rows)
    click.echo(f"{year}年：{len(rows)} 个支部，逾期未开展 {overdue} 项")
    click.echo(f"已写入 {output}")


commands = [ledger_report_command]
