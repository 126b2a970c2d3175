"""finalize-overdue: finalize attempts whose deadline has passed, and put into the wrong-answer book the
misses of attempts whose review has opened since (safe to run from cron every minute)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..database import intending_to_write
from ..extensions import db
from ..models.types import utcnow
from ..services.exams import finalize_overdue
from ..services.exams.misses import release


@click.command("finalize-overdue")
@click.option("--limit", default=1000, show_default=True, help="本次最多处理的答卷数")
@with_appcontext
def finalize_overdue_command(limit):
    """Grade overdue attempts with the answers saved before their deadline; each in its own transaction."""
    from flask import current_app

    clock = current_app.config.get("CLOCK")
    now = clock() if clock else utcnow()
    with intending_to_write():
        count = finalize_overdue(db.session, now, limit=limit, commit=db.session.commit)
        db.session.commit()
        released = release(db.session, now, limit=limit, commit=db.session.commit)
        db.session.commit()
    click.echo(f"已按截止时间交卷 {count} 份答卷")
    if released:
        click.echo(f"已公布答案的 {released} 份答卷，错题已记入错题本")


commands = [finalize_overdue_command]
