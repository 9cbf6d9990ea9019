"""monitoring: partial indexes through which the daily cycle finds the loans a business date can
change (an installment reaching its due date, installments in arrears, loans not plainly
current) instead of examining the whole book.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_installments_pending_due_date", "installments", ["due_date"],
        postgresql_where=sa.text("state = 'PENDING'"),
    )
    op.create_index(
        "ix_installments_in_arrears_loan_id", "installments", ["loan_id"],
        postgresql_where=sa.text("state IN ('DUE', 'OVERDUE')"),
    )
    op.create_index(
        "ix_loans_not_current", "loans", ["loan_id"],
        postgresql_where=sa.text("days_past_due <> 0 OR classification <> 'NORMAL'"),
    )


def downgrade() -> None:
    op.drop_index("ix_loans_not_current", table_name="loans")
    op.drop_index("ix_installments_in_arrears_loan_id", table_name="installments")
    op.drop_index("ix_installments_pending_due_date", table_name="installments")
