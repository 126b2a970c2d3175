"""Exam commands for cron, each safe to run repeatedly and alongside the other and members' requests.

finalize-overdue: finalize attempts whose deadline has passed, and put into the wrong-answer book the
misses of attempts whose review has opened since (every minute).
prepare-sittings: draw ahead the papers of sittings opening soon (services.exams.prepare), so that a
batch pressing 开始 together costs one UPDATE each (every few minutes to hourly).
"""
from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from ..database import intending_to_write
from ..extensions import db
from ..models.types import utcnow
from ..services.exams import finalize_overdue, prepare
from ..services.exams.misses import release


@click.command("finalize-overdue")
@click.option("--limit", default=1000, show_default=True, help="本次最多处理的答卷数")
@with_appcontext
def finalize_overdue_command(limit):
    """Grade overdue attempts with the answers saved before their deadline; each in its own transaction."""
    now = _now()
    with intending_to_write():
        count = finalize_overdue(db.session, now, limit=limit, commit=db.session.commit)
        db.session.commit()
        released = release(db.session, now, limit=limit, commit=db.session.commit)
        db.session.commit()
    click.echo(f"已按截止时间交卷 {count} 份答卷")
    if released:
        click.echo(f"已公布答案的 {released} 份答卷，错题已记入错题本")


@click.command("prepare-sittings")
@click.option("--hours", default=prepare.DEFAULT_HORIZON.total_seconds() / 3600, show_default=True, type=float,
              help="为此后多少小时内开考（或正在进行）的场次预先抽好试卷")
@with_appcontext
def prepare_sittings_command(hours):
    """Draw ahead the papers of every sitting opening within --hours (or open now) for the members of its
    audience who have none; committed in chunks. Run from cron; running it again, or two at once, adds
    only what is missing."""
    if hours < 0:
        raise click.BadParameter("不能为负", param_hint="--hours")
    with intending_to_write():
        sittings, made = prepare.prepare_due(db.session, _now(), timedelta(hours=hours), commit=db.session.commit)
        db.session.commit()
    settled = prepare.settle_after_bulk_draw(db.engine, made)
    click.echo(f"已检查 {sittings} 个场次，预先抽好 {made} 份试卷" + ("；已整理数据表" if settled else ""))


def _now():
    from flask import current_app

    clock = current_app.config.get("CLOCK")
    return clock() if clock else utcnow()


commands = [finalize_overdue_command, prepare_sittings_command]
