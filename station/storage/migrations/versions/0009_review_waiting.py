"""The review queue as a table the database keeps: the frames waiting for a person, filled and emptied by
triggers on inspection and review, so reading the queue costs the same after a year of decided frames.

Revision ID: 0009_review_waiting
Revises: 0008_recipe_numbers
Create Date: 2026-12-05 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_review_waiting'
down_revision = '0008_recipe_numbers'
branch_labels = None
depends_on = None

# Waiting: verdict REVIEW and no review. Inspections and reviews are written once (sealed); the update and
# delete triggers keep the queue true even so, whatever changes a row (the audit trail shows who did).
WAITING_NOW = ("INSERT INTO review_waiting (inspection_id) SELECT i.id FROM inspection i "
               "LEFT JOIN review r ON r.inspection_id = i.id WHERE i.verdict = 'REVIEW' AND r.id IS NULL")

SQLITE = [
    """CREATE TRIGGER review_waiting_on_inspection AFTER INSERT ON inspection WHEN NEW.verdict = 'REVIEW'
       BEGIN INSERT OR IGNORE INTO review_waiting (inspection_id) VALUES (NEW.id); END""",
    """CREATE TRIGGER review_waiting_on_verdict AFTER UPDATE OF verdict ON inspection
       BEGIN
         DELETE FROM review_waiting WHERE inspection_id = OLD.id;
         INSERT OR IGNORE INTO review_waiting (inspection_id) SELECT NEW.id WHERE NEW.verdict = 'REVIEW'
           AND NOT EXISTS (SELECT 1 FROM review WHERE inspection_id = NEW.id);
       END""",
    """CREATE TRIGGER review_waiting_on_inspection_gone AFTER DELETE ON inspection
       BEGIN DELETE FROM review_waiting WHERE inspection_id = OLD.id; END""",
    """CREATE TRIGGER review_waiting_on_review AFTER INSERT ON review
       BEGIN DELETE FROM review_waiting WHERE inspection_id = NEW.inspection_id; END""",
    """CREATE TRIGGER review_waiting_on_review_gone AFTER DELETE ON review
       BEGIN
         INSERT OR IGNORE INTO review_waiting (inspection_id) SELECT id FROM inspection
           WHERE id = OLD.inspection_id AND verdict = 'REVIEW';
       END""",
]

POSTGRESQL = [
    """CREATE FUNCTION review_waiting_on_inspection() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'INSERT' THEN
           DELETE FROM review_waiting WHERE inspection_id = OLD.id;
         END IF;
         IF TG_OP <> 'DELETE' AND NEW.verdict = 'REVIEW'
            AND NOT EXISTS (SELECT 1 FROM review WHERE inspection_id = NEW.id) THEN
           INSERT INTO review_waiting (inspection_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER review_waiting_on_inspection AFTER INSERT OR UPDATE OF verdict OR DELETE ON inspection
       FOR EACH ROW EXECUTE FUNCTION review_waiting_on_inspection()""",
    """CREATE FUNCTION review_waiting_on_review() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           DELETE FROM review_waiting WHERE inspection_id = NEW.inspection_id;
         ELSE
           INSERT INTO review_waiting (inspection_id) SELECT id FROM inspection
             WHERE id = OLD.inspection_id AND verdict = 'REVIEW' ON CONFLICT DO NOTHING;
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER review_waiting_on_review AFTER INSERT OR DELETE ON review
       FOR EACH ROW EXECUTE FUNCTION review_waiting_on_review()""",
]


def upgrade() -> None:
    op.create_table('review_waiting',
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_review_waiting_inspection_id_inspection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('inspection_id', name=op.f('pk_review_waiting'))
    )
    op.execute(WAITING_NOW)
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER review_waiting_on_review ON review")
        op.execute("DROP TRIGGER review_waiting_on_inspection ON inspection")
        op.execute("DROP FUNCTION review_waiting_on_review()")
        op.execute("DROP FUNCTION review_waiting_on_inspection()")
    else:
        for name in ("inspection", "verdict", "inspection_gone", "review", "review_gone"):
            op.execute(f"DROP TRIGGER review_waiting_on_{name}")
    op.drop_table('review_waiting')
