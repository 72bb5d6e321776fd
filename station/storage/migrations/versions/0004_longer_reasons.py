"""An inspection's reason holds every reason at once and a named inspection error.

Revision ID: 0004_longer_reasons
Revises: 0003_audit_seals_trusted_keys
Create Date: 2026-12-04 22:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_longer_reasons'
down_revision = '0003_audit_seals_trusted_keys'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # on PostgreSQL an ALTER; SQLite rebuilds the table once (a few seconds per million inspections)
    with op.batch_alter_table('inspection') as batch:
        batch.alter_column('reason', type_=sa.String(length=512), existing_type=sa.String(length=64))


def downgrade() -> None:
    with op.batch_alter_table('inspection') as batch:
        batch.alter_column('reason', type_=sa.String(length=64), existing_type=sa.String(length=512))
