"""demo: seed a demonstration organization with content, questions and an open exam."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..database import intending_to_write
from ..extensions import db
from ..services import demo


@click.command("demo")
@click.option("--password", default="demo123456", show_default=True, help="所有演示账号的密码")
@with_appcontext
def demo_command(password):
    """Seed the demo organization (safe to run again: nothing is duplicated)."""
    with intending_to_write():
        report = demo.seed_people(db.session, password)
        db.session.commit()
    click.echo(f"演示数据：{report}")
    # Study content and question banks from content/, in their own transaction (same as load-content).
    from .content import load_content_command

    click.get_current_context().invoke(load_content_command)
    # The demo exam draws from the bank just loaded, so it comes last (skipped if the bank is empty).
    from ..models.types import utcnow
    from ..services.exams.demo_exam import seed_exam

    with intending_to_write():
        click.echo("演示考试：" + seed_exam(db.session, demo.ORG_NAME, utcnow()))
        db.session.commit()
    from ..services.demo_activities import seed_activities

    with intending_to_write():
        click.echo("演示活动：" + seed_activities(db.session, demo.ORG_NAME, utcnow()))
        db.session.commit()
    from flask import current_app

    from ..services import attachments
    from ..services.assessment import evidence

    evidence_dir = attachments.directory(current_app.config, current_app.instance_path, evidence.SETTING,
                                         evidence.DIRECTORY)
    with intending_to_write():
        click.echo("演示评估定级：" + demo.seed_assessment(db.session, demo.ORG_NAME, utcnow(), evidence_dir))
        db.session.commit()
    click.echo("管理员 admin，组织员 organizer1，党员 member0001…member0200；密码均为 " + password)


commands = [demo_command]
