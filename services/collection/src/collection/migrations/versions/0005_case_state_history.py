"""collection: each case-history row keeps the case's state and tier right after it, so figures
for a past date range count cases by the tier and state they had then (not today's).

Rows written before this revision keep NULL (history is append-only; what a case's state was at
each of them is not recorded anywhere): figures fall back to the case's current state and tier
for a case with no such row on or before the range's end.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("case_events", sa.Column("case_state", sa.String(16), nullable=True))
    op.add_column("case_events", sa.Column("case_tier", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("case_events", "case_tier")
    op.drop_column("case_events", "case_state")
