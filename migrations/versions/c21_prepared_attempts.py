"""prepared attempts: papers drawn ahead of a sitting's opening (status 'prepared', no start time yet)

Revision ID: c21_prepared
Revises: c20b_evidence
Create Date: 2026-12-03 13:40:00

attempts.status gains 'prepared'; started_at and deadline become NULL exactly while prepared; one
prepared attempt per member and sitting at most. Existing rows all satisfy the new checks unchanged.

SQLite cannot change a CHECK or a NOT NULL in place, so the table is rebuilt (what batch mode does).
Dropping the old `attempts` with foreign keys on would delete every answer, paper question and score
change through their ON DELETE CASCADE keys, and PRAGMA foreign_keys cannot be turned off inside the
migration's transaction: those rows are copied aside first and put back, ids and all, after the swap.
"""
from alembic import op
import sqlalchemy as sa
import studyapp.models.types


revision = 'c21_prepared'
down_revision = 'c20b_evidence'
branch_labels = None
depends_on = None

CHILDREN = ("answers", "attempt_questions", "score_changes")

OLD_STATUS = "status IN ('in_progress', 'submitted')"
NEW_STATUS = "status IN ('prepared', 'in_progress', 'submitted')"
OLD_SCORE = ("(status = 'submitted' AND submitted_at IS NOT NULL AND score IS NOT NULL) OR "
             "(status = 'in_progress' AND submitted_at IS NULL AND score IS NULL)")
NEW_SCORE = ("(status = 'submitted' AND submitted_at IS NOT NULL AND score IS NOT NULL) OR "
             "(status IN ('prepared', 'in_progress') AND submitted_at IS NULL AND score IS NULL)")
STARTED = ("(status = 'prepared' AND started_at IS NULL AND deadline IS NULL) OR "
           "(status <> 'prepared' AND started_at IS NOT NULL AND deadline IS NOT NULL)")
PREPARED_ONLY = "status = 'prepared'"


def _attempts(name: str, prepared: bool) -> sa.Table:
    """The attempts table as the models define it, before (prepared=False) or after this revision."""
    when = studyapp.models.types.UTCDateTime(timezone=True)
    checks = [
        sa.CheckConstraint(NEW_SCORE if prepared else OLD_SCORE, name='ck_attempts_score_iff_submitted'),
        sa.CheckConstraint("finalized_by IS NULL OR finalized_by IN ('member', 'deadline')",
                           name='ck_attempts_finalized_by'),
        sa.CheckConstraint(NEW_STATUS if prepared else OLD_STATUS, name='ck_attempts_status'),
        sa.CheckConstraint('number >= 1', name='ck_attempts_number'),
    ]
    if prepared:
        checks.append(sa.CheckConstraint(STARTED, name='ck_attempts_started_iff_not_prepared'))
    metadata = sa.MetaData()
    for parent in ("sittings", "users"):  # stand-ins the foreign keys resolve against; never created here
        sa.Table(parent, metadata, sa.Column('id', sa.Integer(), primary_key=True))
    return sa.Table(
        name, metadata,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sitting_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('seed', sa.BigInteger(), nullable=False),
        sa.Column('started_at', when, nullable=prepared),
        sa.Column('deadline', when, nullable=prepared),
        sa.Column('submitted_at', when, nullable=True),
        sa.Column('finalized_by', sa.String(length=20), nullable=True),
        sa.Column('score', sa.Double(), nullable=True),
        sa.Column('max_score', sa.Double(), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=True),
        sa.Column('time_used_seconds', sa.Integer(), nullable=True),
        sa.Column('book_recorded_at', when, nullable=True),
        *checks,
        sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name='fk_attempts_sitting_id_sittings',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_attempts_user_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_attempts'),
        sa.UniqueConstraint('sitting_id', 'user_id', 'number', name='uq_attempts_sitting_id_user_id_number'),
    )


def _indexes(prepared: bool) -> None:
    op.create_index('ix_attempts_sitting_status', 'attempts', ['sitting_id', 'status'], unique=False)
    op.create_index('ix_attempts_status_deadline', 'attempts', ['status', 'deadline'], unique=False)
    op.create_index('ix_attempts_user', 'attempts', ['user_id', 'started_at'], unique=False)
    op.create_index('uq_attempts_one_in_progress', 'attempts', ['sitting_id', 'user_id'], unique=True,
                    sqlite_where=sa.text("status = 'in_progress'"), postgresql_where=sa.text("status = 'in_progress'"))
    pending = "status = 'submitted' AND book_recorded_at IS NULL"
    op.create_index('ix_attempts_book_pending', 'attempts', ['sitting_id'], unique=False,
                    sqlite_where=sa.text(pending), postgresql_where=sa.text(pending))
    if prepared:
        op.create_index('uq_attempts_one_prepared', 'attempts', ['sitting_id', 'user_id'], unique=True,
                        sqlite_where=sa.text(PREPARED_ONLY), postgresql_where=sa.text(PREPARED_ONLY))


def _rebuild_sqlite(prepared: bool) -> None:
    """Swap in a new attempts table keeping every row of it and of the tables that cascade from it."""
    bind = op.get_bind()
    for child in CHILDREN:
        op.execute(f"CREATE TEMP TABLE keep_{child} AS SELECT * FROM {child}")
    new = _attempts('_attempts_new', prepared)
    new.create(bind)
    columns = ", ".join(c.name for c in new.columns)
    op.execute(f"INSERT INTO _attempts_new ({columns}) SELECT {columns} FROM attempts")
    op.execute("DROP TABLE attempts")  # the cascade empties the children; they come back below
    op.execute("ALTER TABLE _attempts_new RENAME TO attempts")
    _indexes(prepared)
    for child in CHILDREN:
        op.execute(f"INSERT INTO {child} SELECT * FROM keep_{child}")
        op.execute(f"DROP TABLE keep_{child}")


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(prepared=True)
        return
    op.drop_constraint(op.f('ck_attempts_status'), 'attempts', type_='check')
    op.create_check_constraint(op.f('ck_attempts_status'), 'attempts', NEW_STATUS)
    op.drop_constraint(op.f('ck_attempts_score_iff_submitted'), 'attempts', type_='check')
    op.create_check_constraint(op.f('ck_attempts_score_iff_submitted'), 'attempts', NEW_SCORE)
    op.alter_column('attempts', 'started_at', existing_type=studyapp.models.types.UTCDateTime(timezone=True),
                    nullable=True)
    op.alter_column('attempts', 'deadline', existing_type=studyapp.models.types.UTCDateTime(timezone=True),
                    nullable=True)
    op.create_check_constraint(op.f('ck_attempts_started_iff_not_prepared'), 'attempts', STARTED)
    op.create_index('uq_attempts_one_prepared', 'attempts', ['sitting_id', 'user_id'], unique=True,
                    postgresql_where=sa.text(PREPARED_ONLY))


def downgrade():
    # Papers nobody started are not attempts: they go (their paper rows with them), nothing else does.
    op.execute("DELETE FROM attempt_questions WHERE attempt_id IN (SELECT id FROM attempts WHERE status = 'prepared')")
    op.execute("DELETE FROM attempts WHERE status = 'prepared'")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(prepared=False)
        return
    op.drop_index('uq_attempts_one_prepared', table_name='attempts', postgresql_where=sa.text(PREPARED_ONLY))
    op.drop_constraint(op.f('ck_attempts_started_iff_not_prepared'), 'attempts', type_='check')
    op.alter_column('attempts', 'deadline', existing_type=studyapp.models.types.UTCDateTime(timezone=True),
                    nullable=False)
    op.alter_column('attempts', 'started_at', existing_type=studyapp.models.types.UTCDateTime(timezone=True),
                    nullable=False)
    op.drop_constraint(op.f('ck_attempts_score_iff_submitted'), 'attempts', type_='check')
    op.create_check_constraint(op.f('ck_attempts_score_iff_submitted'), 'attempts', OLD_SCORE)
    op.drop_constraint(op.f('ck_attempts_status'), 'attempts', type_='check')
    op.create_check_constraint(op.f('ck_attempts_status'), 'attempts', OLD_STATUS)
