"""hardening: login ids unique regardless of case; study time credited up to a server time

Revision ID: c15_hardening
Revises: 00cf979a6dc3
Create Date: 2026-12-03 08:00:00

Login ids that differ only by case (`ADMIN` beside `admin`) must be resolved by a person: the upgrade
refuses to run and lists them, and changes nothing.
"""
from alembic import op
import sqlalchemy as sa
import studyapp.models.types


# revision identifiers, used by Alembic.
revision = 'c15_hardening'
down_revision = '00cf979a6dc3'
branch_labels = None
depends_on = None


def upgrade():
    clashes = op.get_bind().execute(sa.text(
        "SELECT lower(username) AS login, username FROM users WHERE lower(username) IN "
        "(SELECT lower(username) FROM users GROUP BY lower(username) HAVING count(*) > 1) "
        "ORDER BY lower(username), username")).all()
    if clashes:
        groups: dict[str, list[str]] = {}
        for login, username in clashes:
            groups.setdefault(login, []).append(username)
        lines = "\n".join(f"  {' / '.join(names)}" for names in groups.values())
        raise RuntimeError(
            "登录名将不区分大小写，但以下账号的登录名仅大小写不同，请先改名或停用合并后再升级"
            f"（共 {len(groups)} 组，数据库未作任何修改）：\n{lines}")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('uq_users_username_lower', [sa.text('lower(username)')], unique=True)
    with op.batch_alter_table('study_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_credited_until', studyapp.models.types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('study_progress', schema=None) as batch_op:
        batch_op.drop_column('time_credited_until')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('uq_users_username_lower')
