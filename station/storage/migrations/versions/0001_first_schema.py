"""First schema: every table of DESIGN.md.

Revision ID: 0001_first_schema
Revises: 
Create Date: 2026-11-22 03:29:24.772524
"""
from alembic import op
import sqlalchemy as sa


revision = '0001_first_schema'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=128), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    op.create_table('alarm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('reset_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reset_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['reset_by'], ['user.id'], name=op.f('fk_alarm_reset_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alarm'))
    )
    op.create_table('model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['imported_by'], ['user.id'], name=op.f('fk_model_imported_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model'))
    )
    with op.batch_alter_table('model', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_sha256'), ['sha256'], unique=False)

    op.create_table('prompt_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('base_model_sha256', sa.String(length=64), nullable=False),
    sa.Column('first_prompted_block', sa.Integer(), nullable=False),
    sa.Column('tokens_per_block', sa.Integer(), nullable=False),
    sa.Column('classes', sa.JSON(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_prompt_set_created_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prompt_set'))
    )
    op.create_table('inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=256), nullable=False),
    sa.Column('origin', sa.Text(), nullable=False),
    sa.Column('image_path', sa.Text(), nullable=False),
    sa.Column('image_sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('label_a', sa.String(length=128), nullable=False),
    sa.Column('conf_a', sa.Float(), nullable=False),
    sa.Column('label_b', sa.String(length=128), nullable=False),
    sa.Column('conf_b', sa.Float(), nullable=False),
    sa.Column('latency_ms', sa.Float(), nullable=False),
    sa.Column('manual_mode', sa.Boolean(), nullable=False),
    sa.Column('truth', sa.String(length=128), nullable=True),
    sa.Column('clip_model_id', sa.Integer(), nullable=True),
    sa.Column('check_b_model_id', sa.Integer(), nullable=True),
    sa.Column('prompt_set_id', sa.Integer(), nullable=True),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['check_b_model_id'], ['model.id'], name=op.f('fk_inspection_check_b_model_id_model')),
    sa.ForeignKeyConstraint(['clip_model_id'], ['model.id'], name=op.f('fk_inspection_clip_model_id_model')),
    sa.ForeignKeyConstraint(['operator_id'], ['user.id'], name=op.f('fk_inspection_operator_id_user')),
    sa.ForeignKeyConstraint(['prompt_set_id'], ['prompt_set.id'], name=op.f('fk_inspection_prompt_set_id_prompt_set')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection'))
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_inspection_verdict_id', ['verdict', 'id'], unique=False)

    op.create_table('selftest_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('clip_model_id', sa.Integer(), nullable=True),
    sa.Column('check_b_model_id', sa.Integer(), nullable=True),
    sa.Column('prompt_set_id', sa.Integer(), nullable=True),
    sa.Column('started_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['check_b_model_id'], ['model.id'], name=op.f('fk_selftest_run_check_b_model_id_model')),
    sa.ForeignKeyConstraint(['clip_model_id'], ['model.id'], name=op.f('fk_selftest_run_clip_model_id_model')),
    sa.ForeignKeyConstraint(['prompt_set_id'], ['prompt_set.id'], name=op.f('fk_selftest_run_prompt_set_id_prompt_set')),
    sa.ForeignKeyConstraint(['started_by'], ['user.id'], name=op.f('fk_selftest_run_started_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selftest_run'))
    )
    with op.batch_alter_table('selftest_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selftest_run_started_at'), ['started_at'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=128), nullable=False),
    sa.Column('good', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_review_inspection_id_inspection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_review_reviewer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review')),
    sa.UniqueConstraint('inspection_id', name=op.f('uq_review_inspection_id'))
    )
    op.create_table('selftest_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.Text(), nullable=False),
    sa.Column('true_label', sa.String(length=128), nullable=False),
    sa.Column('variant', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('image_path', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['selftest_run.id'], name=op.f('fk_selftest_result_run_id_selftest_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selftest_result'))
    )
    with op.batch_alter_table('selftest_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selftest_result_run_id'), ['run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('selftest_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selftest_result_run_id'))

    op.drop_table('selftest_result')
    op.drop_table('review')
    with op.batch_alter_table('selftest_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selftest_run_started_at'))

    op.drop_table('selftest_run')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index('ix_inspection_verdict_id')
        batch_op.drop_index(batch_op.f('ix_inspection_created_at'))

    op.drop_table('inspection')
    op.drop_table('prompt_set')
    with op.batch_alter_table('model', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_sha256'))

    op.drop_table('model')
    op.drop_table('alarm')
    op.drop_table('user')
    op.drop_table('audit_event')
