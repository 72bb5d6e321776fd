"""The plant's tables: every station's frames, reviews, alarms and self-test runs, how each station stands, and
the review desk's claims and decisions.

Revision ID: p0001_plant_tables
Revises:
Create Date: 2026-12-05 13:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'p0001_plant_tables'
down_revision = None
branch_labels = None
depends_on = None


def _keyed(name: str, *columns, second: str = "sequence") -> None:
    op.create_table(name, sa.Column("station", sa.String(64), nullable=False),
                    sa.Column(second, sa.Integer(), autoincrement=False, nullable=False), *columns,
                    sa.PrimaryKeyConstraint("station", second))


def upgrade() -> None:
    when = lambda name, nullable=False: sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)  # noqa: E731
    _keyed("plant_inspection", when("created_at"), sa.Column("source", sa.String(256), nullable=False),
           sa.Column("verdict", sa.String(8), nullable=False), sa.Column("reason", sa.String(512), nullable=False),
           sa.Column("label_a", sa.String(128), nullable=False), sa.Column("conf_a", sa.Float(), nullable=False),
           sa.Column("label_b", sa.String(128), nullable=False), sa.Column("conf_b", sa.Float(), nullable=False),
           sa.Column("image_sha256", sa.String(64), nullable=False), sa.Column("width", sa.Integer(), nullable=False),
           sa.Column("height", sa.Integer(), nullable=False), sa.Column("manual_mode", sa.Boolean(), nullable=False),
           sa.Column("product", sa.String(160), nullable=False), sa.Column("origin", sa.Text(), nullable=False),
           sa.Column("sealed", sa.Text(), nullable=False))
    op.create_index("plant_inspection_waiting", "plant_inspection", ["verdict", "created_at"])
    _keyed("plant_review", sa.Column("inspection", sa.Integer(), nullable=False),
           sa.Column("label", sa.String(128), nullable=False), sa.Column("good", sa.Boolean(), nullable=False),
           sa.Column("note", sa.Text(), nullable=False), sa.Column("reviewer", sa.String(64), nullable=False),
           when("decided_at"), sa.Column("sealed", sa.Text(), nullable=False))
    op.create_table("plant_station", sa.Column("station", sa.String(64), nullable=False),
                    sa.Column("classes", sa.Text(), nullable=False), when("seen_at"),
                    sa.Column("state", sa.Text(), server_default="{}", nullable=False),
                    sa.PrimaryKeyConstraint("station"))
    _keyed("plant_selftest", sa.Column("kind", sa.String(32), nullable=False),
           sa.Column("status", sa.String(32), nullable=False), when("started_at"), when("finished_at", True),
           sa.Column("note", sa.Text(), nullable=False), sa.Column("summary", sa.Text(), nullable=False))
    _keyed("plant_alarm", sa.Column("kind", sa.String(32), nullable=False), when("raised_at"), when("reset_at", True),
           sa.Column("detail", sa.Text(), nullable=False))
    _keyed("plant_claim", sa.Column("reviewer", sa.String(64), nullable=False), when("expires_at"),
           second="inspection")
    _keyed("plant_desk_decision", sa.Column("label", sa.String(128), nullable=False),
           sa.Column("good", sa.Boolean(), nullable=False), sa.Column("note", sa.Text(), nullable=False),
           sa.Column("reviewer", sa.String(64), nullable=False), when("decided_at"),
           sa.Column("outcome", sa.String(512), nullable=False), sa.Column("image_sha256", sa.String(64), nullable=False),
           sa.Column("payload", sa.Text(), nullable=False), sa.Column("signer", sa.String(64), nullable=False),
           sa.Column("signature", sa.String(128), nullable=False), second="inspection")


def downgrade() -> None:
    for name in ("plant_desk_decision", "plant_claim", "plant_alarm", "plant_selftest", "plant_station",
                 "plant_review", "plant_inspection"):
        op.drop_table(name)
