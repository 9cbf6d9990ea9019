"""monitoring: the daily rewrite of a delinquent loan's row becomes a heap-only update.

A delinquent loan's days past due move every business date. ``ix_loans_not_current`` (0007)
named ``days_past_due`` in its predicate, so each of those updates changed an indexed column:
PostgreSQL wrote the new row version elsewhere and added it to every index of ``loans``, whose
pages on a large book are mostly not in memory. The predicate now reads a stored generated
flag, ``not_current`` (days past due not zero, or a classification worse than normal), which
stays true while a loan stays delinquent; with a tenth of each page kept free (fillfactor 90)
the daily update stays on its page and touches no index. Adding the stored column rewrites the
table once (with the new fillfactor): on a large book, run this migration in a maintenance
window.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NOT_CURRENT = "days_past_due <> 0 OR classification <> 'NORMAL'"


def upgrade() -> None:
    op.execute("ALTER TABLE loans SET (fillfactor = 90)")
    op.add_column(
        "loans",
        sa.Column("not_current", sa.Boolean, sa.Computed(NOT_CURRENT, persisted=True),
                  nullable=False),
    )
    op.drop_index("ix_loans_not_current", table_name="loans")
    op.create_index(
        "ix_loans_not_current", "loans", ["loan_id"], postgresql_where=sa.text("not_current")
    )


def downgrade() -> None:
    op.drop_index("ix_loans_not_current", table_name="loans")
    op.create_index(
        "ix_loans_not_current", "loans", ["loan_id"], postgresql_where=sa.text(NOT_CURRENT)
    )
    op.drop_column("loans", "not_current")
    op.execute("ALTER TABLE loans RESET (fillfactor)")
