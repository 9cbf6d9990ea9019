"""monitoring: penalty accrues as exact principal-days, rounded once on the total.

``penalty_principal_days`` keeps what the daily cycle accrued on an installment (unpaid
principal fen x days) so the penalty is round-half-up(total x rate / 360) however the days were
split into runs, and a posting dated before the accrual can take back exactly the days it paid
for. ``penalty_days_from`` is where those principal-days start (NULL: the due date).

Existing rows: penalty accrued so far stays owed as it is, in ``penalty_due_fen`` (the fixed
part, never recomputed); their principal-days start at 0 from the date it was accrued through.
Adding a NOT NULL column with a constant default and a nullable one rewrites no table; only the
rows with accrued penalty (installments ever in arrears) are updated.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "installments",
        sa.Column("penalty_principal_days", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.add_column("installments", sa.Column("penalty_days_from", sa.Date(), nullable=True))
    op.execute(
        "UPDATE installments SET penalty_days_from = penalty_accrued_through"
        " WHERE penalty_accrued_through IS NOT NULL"
    )


def downgrade() -> None:
    # The principal-days' penalty is already in penalty_due_fen: nothing owed is lost.
    op.drop_column("installments", "penalty_days_from")
    op.drop_column("installments", "penalty_principal_days")
