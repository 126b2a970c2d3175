"""assessment evidence: attachments of self-assessed scores and of rectifications

Revision ID: c20b_evidence
Revises: c20_assessment
Create Date: 2026-12-03 09:10:00

"""
from alembic import op
import sqlalchemy as sa
import studyapp.models.types


# revision identifiers, used by Alembic.
revision = 'c20b_evidence'
down_revision = 'c20_assessment'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_evidence',
    sa.Column('score_id', sa.Integer(), nullable=True),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=50), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', studyapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(score_id IS NULL) <> (problem_id IS NULL)', name=op.f('ck_assessment_evidence_one_owner')),
    sa.ForeignKeyConstraint(['problem_id'], ['assessment_problems.id'], name=op.f('fk_assessment_evidence_problem_id_assessment_problems'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['score_id'], ['assessment_scores.id'], name=op.f('fk_assessment_evidence_score_id_assessment_scores'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_assessment_evidence_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_evidence')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_assessment_evidence_stored_name'))
    )
    with op.batch_alter_table('assessment_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_evidence_problem_id'), ['problem_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_evidence_score_id'), ['score_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assessment_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_evidence_score_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_evidence_problem_id'))

    op.drop_table('assessment_evidence')
