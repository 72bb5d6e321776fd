"""Each station's audit trail, side by side: its events as the station chained them, verifiable per station.

Revision ID: p0003_plant_audit
Revises: p0002_plant_offer
Create Date: 2026-12-05 13:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'p0003_plant_audit'
down_revision = 'p0002_plant_offer'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("plant_audit", sa.Column("station", sa.String(64), nullable=False),
                    sa.Column("sequence", sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("actor", sa.String(64), nullable=False), sa.Column("action", sa.String(64), nullable=False),
                    sa.Column("detail", sa.Text(), nullable=False), sa.Column("prev_hash", sa.String(64), nullable=False),
                    sa.Column("hash", sa.String(64), nullable=False), sa.Column("mac", sa.String(64), nullable=True),
                    sa.Column("record_table", sa.String(32), nullable=True),
                    sa.Column("record_id", sa.Integer(), nullable=True),
                    sa.Column("record_digest", sa.String(64), nullable=True),
                    sa.PrimaryKeyConstraint("station", "sequence"))
    op.create_index("plant_audit_record", "plant_audit", ["station", "record_table", "record_id"])


def downgrade() -> None:
    op.drop_table("plant_audit")
