"""sittings: cancelled state and a change history

Revision ID: c16_sittings
Revises: c14_exam_integrity

Existing sittings get no history rows (their creation predates it) and stay not cancelled.
"""
from alembic import op
import sqlalchemy as sa
import studyapp.models.types


revision = 'c16_sittings'
down_revision = 'c14_exam_integrity'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sittings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', studyapp.models.types.UTCDateTime(timezone=True), nullable=True))
    op.create_table('sitting_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', studyapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('created', 'edited', 'extended', 'cancelled')", name=op.f('ck_sitting_changes_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_sitting_changes_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name=op.f('fk_sitting_changes_sitting_id_sittings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sitting_changes'))
    )
    with op.batch_alter_table('sitting_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sitting_changes_sitting_id'), ['sitting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sitting_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sitting_changes_sitting_id'))
    op.drop_table('sitting_changes')
    with op.batch_alter_table('sittings', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')
