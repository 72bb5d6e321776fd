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
    # SQLite keeps text of any length in a VARCHAR, so nothing changes there. Rebuilding the table would be worse
    # than useless: with foreign keys on, dropping the old `inspection` deletes every review (ON DELETE CASCADE).
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('inspection', 'reason', type_=sa.String(length=512), existing_type=sa.String(length=64))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('inspection', 'reason', type_=sa.String(length=64), existing_type=sa.String(length=512))
