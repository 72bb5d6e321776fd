"""Products: versions of a factory's own part, and the product version that judged each inspection.

Revision ID: 0007_products
Revises: 0006_pack_sequences
Create Date: 2026-12-05 01:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_products'
down_revision = '0006_pack_sequences'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('base_model_sha256', sa.String(length=64), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('acceptance', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by', sa.Integer(), nullable=True),
    sa.Column('live', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_product_created_by_user')),
    sa.ForeignKeyConstraint(['accepted_by'], ['user.id'], name=op.f('fk_product_accepted_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_product_name'))
    )
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN with its reference, no table rebuild: a rebuild of inspection with foreign keys on would
        # take every review with it (see 0004)
        op.execute("ALTER TABLE inspection ADD COLUMN product_id INTEGER "
                   "CONSTRAINT fk_inspection_product_id_product REFERENCES product (id)")
    else:
        op.add_column('inspection', sa.Column('product_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_inspection_product_id_product'), 'inspection', 'product', ['product_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('inspection') as batch:
        batch.drop_column('product_id')
    op.drop_table('product')
