"""restructuring: a partial index over the plans not yet signed (REQUESTED, PENDING_APPROVAL,
APPROVED), through which the offer-expiry worker finds the ones past their deadline without
walking every plan ever made.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_OPEN_OFFERS = "state IN ('REQUESTED', 'PENDING_APPROVAL', 'APPROVED')"


def upgrade() -> None:
    op.create_index(
        "ix_plans_open_offers_requested_at", "plans", ["requested_at", "plan_id"],
        postgresql_where=sa.text(_OPEN_OFFERS),
    )


def downgrade() -> None:
    op.drop_index("ix_plans_open_offers_requested_at", table_name="plans")
