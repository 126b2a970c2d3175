"""init-db and create-admin."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from ..database import intending_to_write
from ..domain import passwords
from ..extensions import db
from ..models import Unit, User


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database schema to the latest migration."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo(f"数据库已就绪: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("create-admin")
@click.option("--username", required=True, help="登录名")
@click.option("--name", required=True, help="姓名")
@click.option("--organization", default=None, help="组织名称（默认取配置 ORGANIZATION_NAME）")
@click.password_option("--password", help="密码（至少8位）")
@with_appcontext
def create_admin_command(username, name, organization, password):
    """Create an organization administrator (and the organization if it does not exist)."""
    problem = passwords.password_problem(password, username, name=name)
    if problem:
        raise click.ClickException(problem)
    org_name = organization or current_app.config["ORGANIZATION_NAME"]
    with intending_to_write():
        if db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower())):
            raise click.ClickException(f"登录名 {username} 已存在")
        org = get_or_create_organization(org_name)
        db.session.add(User(username=username, name=name, unit=org, role="admin",
                            password_hash=passwords.hash_password(password)))
        db.session.commit()
    click.echo(f"已创建管理员 {username}（{org_name}）")


def get_or_create_organization(name: str) -> Unit:
    org = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None), Unit.name == name))
    if org is None:
        org = Unit(name=name, kind="organization")
        db.session.add(org)
        db.session.flush()
    return org


commands = [init_db_command, create_admin_command]
