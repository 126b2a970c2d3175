"""exam integrity: review after every sitting by default, 保密题库, misses enter the book when review allows

Revision ID: c14_exam_integrity
Revises: 00cf979a6dc3
Create Date: 2026-12-03 08:00:00

Existing exams keep their review policy; only the default for new exams changes. Attempts already
submitted had their misses put into the wrong-answer book when they were graded, so they are marked
recorded (at their submission time) and are never recorded twice.
"""
from alembic import op
import sqlalchemy as sa
import studyapp.models.types


revision = 'c14_exam_integrity'
down_revision = '00cf979a6dc3'
branch_labels = None
depends_on = None

OLD = "review_policy IN ('immediate', 'after_close', 'never')"
NEW = "review_policy IN ('after_exam', 'immediate', 'after_close', 'never')"


def upgrade():
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_bank', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.drop_constraint(op.f('ck_exams_review_policy'), type_='check')
        batch_op.create_check_constraint(op.f('ck_exams_review_policy'), NEW)

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('book_recorded_at', studyapp.models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_attempts_book_pending', ['sitting_id'], unique=False,
                              sqlite_where=sa.text("status = 'submitted' AND book_recorded_at IS NULL"),
                              postgresql_where=sa.text("status = 'submitted' AND book_recorded_at IS NULL"))
    op.execute("UPDATE attempts SET book_recorded_at = submitted_at WHERE status = 'submitted'")


def downgrade():
    op.execute("UPDATE exams SET review_policy = 'after_close' WHERE review_policy = 'after_exam'")
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_attempts_book_pending', sqlite_where=sa.text("status = 'submitted' AND book_recorded_at IS NULL"),
                            postgresql_where=sa.text("status = 'submitted' AND book_recorded_at IS NULL"))
        batch_op.drop_column('book_recorded_at')
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_exams_review_policy'), type_='check')
        batch_op.create_check_constraint(op.f('ck_exams_review_policy'), OLD)
        batch_op.drop_column('secret_bank')
