"""load-content: sync study modules, chapters and question banks from content/ into the database."""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from ..database import intending_to_write
from ..domain.problems import ValidationFailed
from ..extensions import db
from ..models.types import utcnow
from ..services.content_sync import SyncReport, sync_content


def load_content(directory: str | None = None) -> SyncReport:
    """Run one sync in one transaction; on any problem roll back and re-raise (nothing half-loaded)."""
    root = Path(directory or current_app.config["CONTENT_DIR"])
    with intending_to_write():
        try:
            report = sync_content(db.session, root, utcnow(), ZoneInfo(current_app.config["TIMEZONE"]))
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return report


@click.command("load-content")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@with_appcontext
def load_content_command(directory):
    """Load content/ (or DIRECTORY): new chapters added, changed ones updated, unchanged left alone."""
    try:
        report = load_content(directory)
    except ValidationFailed as failed:
        click.echo(f"内容文件有 {len(failed.problems)} 处问题，未载入任何内容：", err=True)
        for problem in failed.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    for line in report.lines():
        click.echo(line)


commands = [load_content_command]
