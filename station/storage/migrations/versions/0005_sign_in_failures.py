"""Failed sign-ins in a row per account and per source, for the back-off.

Revision ID: 0005_sign_in_failures
Revises: 0004_longer_reasons
Create Date: 2026-12-04 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_sign_in_failures'
down_revision = '0004_longer_reasons'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failure')),
    sa.UniqueConstraint('kind', 'key', name=op.f('uq_sign_in_failure_kind'))
    )


def downgrade() -> None:
    op.drop_table('sign_in_failure')
