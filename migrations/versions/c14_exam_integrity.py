"""exam integrity: 保密题库, and an exam's misses enter the wrong-answer book only when its review allows

Revision ID: c14_exam_integrity
Revises: c15_hardening
Create Date: 2026-12-03 08:00:00

Columns are only added (ALTER TABLE ... ADD COLUMN on SQLite too): rebuilding `exams` on SQLite would
delete its sittings and attempts through their ON DELETE CASCADE keys. Attempts already graded had
their misses put into the book then, so they are marked recorded at their submission time and are
never recorded twice. The review policy keeps its values; "after_close" now waits for every sitting
of the exam (services, not schema) and becomes the default for new exams.
"""
from alembic import op
import sqlalchemy as sa
import studyapp.models.types


revision = 'c14_exam_integrity'
down_revision = 'c15_hardening'
branch_labels = None
depends_on = None

PENDING = "status = 'submitted' AND book_recorded_at IS NULL"


def upgrade():
    op.add_column('exams', sa.Column('secret_bank', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('attempts', sa.Column('book_recorded_at', studyapp.models.types.UTCDateTime(timezone=True),
                                        nullable=True))
    op.create_index('ix_attempts_book_pending', 'attempts', ['sitting_id'], unique=False,
                    sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))
    op.execute("UPDATE attempts SET book_recorded_at = submitted_at WHERE status = 'submitted'")


def downgrade():
    op.drop_index('ix_attempts_book_pending', table_name='attempts', sqlite_where=sa.text(PENDING),
                  postgresql_where=sa.text(PENDING))
    # Plain DROP COLUMN (SQLite >= 3.35): a batch rebuild would cascade-delete sittings and attempts.
    op.drop_column('attempts', 'book_recorded_at')
    op.drop_column('exams', 'secret_bank')
