"""wrong_answers.wrong_count may be 0: an exam question left unanswered enters the book without counting as 答错

Revision ID: c16_member
Revises: c16_sittings
Create Date: 2026-12-03 07:45:00

Existing rows keep their counts (all >= 1), so the upgrade loses nothing; the downgrade raises any 0 to 1.
"""
from alembic import op


revision = 'c16_member'
down_revision = 'c16_sittings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('wrong_answers') as batch_op:
        batch_op.drop_constraint(op.f('ck_wrong_answers_wrong_count'), type_='check')
        batch_op.create_check_constraint('wrong_count', 'wrong_count >= 0')


def downgrade():
    op.execute("UPDATE wrong_answers SET wrong_count = 1 WHERE wrong_count < 1")
    with op.batch_alter_table('wrong_answers') as batch_op:
        batch_op.drop_constraint(op.f('ck_wrong_answers_wrong_count'), type_='check')
        batch_op.create_check_constraint('wrong_count', 'wrong_count >= 1')
