"""collection: each recovered repayment records the promise to pay it counted toward, so that
its reversal is taken off that promise and no other.

``counted_toward_recorded`` is false on rows written before this revision (which promise they
counted toward is not known): a reversal of such a repayment is charged, as before, to the
promise whose window holds its value date.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "case_recoveries",
        sa.Column("counted_toward_promise_id", sa.dialects.postgresql.UUID(as_uuid=True),
                  nullable=True),
    )
    op.add_column(
        "case_recoveries",
        sa.Column("counted_toward_recorded", sa.Boolean(), nullable=False,
                  server_default=sa.text("false")),
    )


def downgrade() -> None:
    op.drop_column("case_recoveries", "counted_toward_recorded")
    op.drop_column("case_recoveries", "counted_toward_promise_id")
