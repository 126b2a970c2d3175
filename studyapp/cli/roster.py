"""import-members: the roster import of the administrator pages, from a file on the server."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..database import intending_to_write
from ..domain import sheets
from ..domain.problems import ValidationFailed
from ..domain.roster import parse_roster
from ..extensions import db
from ..models.types import utcnow
from ..services.roster import CREDENTIALS_HEADER, import_roster
from .accounts import get_or_create_organization
from .files import open_private


@click.command("import-members")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organization", default=None, help="导入到哪个组织（默认取配置 ORGANIZATION_NAME，不存在则创建）")
@click.option("--credentials", "credentials_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="新账号初始密码写到此 CSV 文件（默认：与 FILE 同目录的 <FILE名>-credentials.csv）")
@with_appcontext
def import_members_command(file: Path, organization: str | None, credentials_path: Path | None):
    """Import members from a roster (.xlsx/.csv); nothing is imported if any row has a problem."""
    try:
        records = parse_roster(file.read_bytes(), file.name)
        with intending_to_write():
            org = get_or_create_organization(organization or current_app.config["ORGANIZATION_NAME"])
            result = import_roster(db.session, None, records, utcnow(), organization=org, filename=file.name)
            out = credentials_path or file.with_name(f"{file.stem}-credentials.csv")
            if result.credentials:
                # Written before the commit: if the file cannot be written, nobody is left without a code.
                with open_private(out, binary=True) as handle:
                    handle.write(sheets.to_csv(CREDENTIALS_HEADER, result.credential_rows()))
            db.session.commit()
    except ValidationFailed as failed:
        db.session.rollback()
        for problem in failed.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"共 {len(failed.problems)} 个问题，未导入任何人员。请修改后重新导入。") from None
    except OSError as exc:
        db.session.rollback()
        raise click.ClickException(f"无法写入初始密码文件：{exc}") from None
    click.echo(f"导入完成（{org.name}）：新建 {result.created} 人，更新 {result.updated} 人，"
               f"未变 {result.unchanged} 人；新建支部 {len(result.branches_created)} 个")
    if result.branches_created:
        click.echo("新建支部：" + "、".join(result.branches_created))
    if result.credentials:
        click.echo(f"{len(result.credentials)} 个新账号的初始密码已写入 {out}（请妥善保管，分发后删除）")


commands = [import_members_command]
