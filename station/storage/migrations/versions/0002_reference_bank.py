"""The input gate's reference bank versions.

Revision ID: 0002_reference_bank
Revises: 0001_first_schema
Create Date: 2026-11-22 23:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_reference_bank'
down_revision = '0001_first_schema'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reference_bank',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('base_model_sha256', sa.String(length=64), nullable=False),
    sa.Column('frames', sa.Integer(), nullable=False),
    sa.Column('thresholds', sa.JSON(), nullable=False),
    sa.Column('calibration', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_reference_bank_created_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_bank')),
    sa.UniqueConstraint('version', name=op.f('uq_reference_bank_version'))
    )


def downgrade() -> None:
    op.drop_table('reference_bank')
