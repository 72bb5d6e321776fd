"""Recipe numbers: the number a PLC selects a product by, the same on every version of that product.

Revision ID: 0008_recipe_numbers
Revises: 0007_products
Create Date: 2026-12-05 03:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_recipe_numbers'
down_revision = '0007_products'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('product', sa.Column('recipe', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('product') as batch:
        batch.drop_column('recipe')
