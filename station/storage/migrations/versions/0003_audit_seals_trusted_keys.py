"""Keyed audit events that seal protected records; trusted pack-signing keys.

Revision ID: 0003_audit_seals_trusted_keys
Revises: 0002_reference_bank
Create Date: 2026-11-23 01:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_audit_seals_trusted_keys'
down_revision = '0002_reference_bank'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event') as batch:
        batch.add_column(sa.Column('mac', sa.String(length=64), nullable=False, server_default=''))
        batch.add_column(sa.Column('record_table', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('record_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('record_digest', sa.String(length=64), nullable=True))
        batch.create_index('ix_audit_event_record', ['record_table', 'record_id', 'id'])
        batch.create_index('ix_audit_event_listed', ['record_id', 'id'])
    op.create_table('trusted_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('public_key', sa.Text(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['user.id'], name=op.f('fk_trusted_key_added_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trusted_key')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_trusted_key_fingerprint'))
    )


def downgrade() -> None:
    op.drop_table('trusted_key')
    with op.batch_alter_table('audit_event') as batch:
        batch.drop_index('ix_audit_event_listed')
        batch.drop_index('ix_audit_event_record')
        batch.drop_column('record_digest')
        batch.drop_column('record_id')
        batch.drop_column('record_table')
        batch.drop_column('mac')
