"""Roll-out: the signed packs a plant offers its stations (the pack itself is in the object store, by sha256).

Revision ID: p0002_plant_offer
Revises: p0001_plant_tables
Create Date: 2026-12-05 13:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'p0002_plant_offer'
down_revision = 'p0001_plant_tables'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("plant_offer", sa.Column("pack_sha256", sa.String(64), nullable=False),
                    sa.Column("products", sa.Text(), nullable=False), sa.Column("signer", sa.String(64), nullable=False),
                    sa.Column("signer_name", sa.String(128), nullable=False),
                    sa.Column("foundation_sha256", sa.String(64), nullable=False),
                    sa.Column("sequence", sa.BigInteger(), nullable=False),
                    sa.Column("published_by", sa.String(160), nullable=False),
                    sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("size", sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint("pack_sha256"))


def downgrade() -> None:
    op.drop_table("plant_offer")
