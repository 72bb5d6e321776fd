"""The newest pack sequence imported from each trusted signer: an older pack is not taken silently.

Revision ID: 0006_pack_sequences
Revises: 0005_sign_in_failures
Create Date: 2026-12-04 23:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_pack_sequences'
down_revision = '0005_sign_in_failures'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # an added column with a default: SQLite's ALTER TABLE ADD COLUMN, no rebuild (reviews are never touched)
    op.add_column('trusted_key', sa.Column('last_sequence', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('trusted_key') as batch:
        batch.drop_column('last_sequence')
