"""monitoring: the classification floor restructuring sets on a loan during its observation
period (from LoanClassificationFloorSet / LoanClassificationFloorLifted on restructuring's
feed).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

FLOORS = "'SPECIAL_MENTION', 'SUBSTANDARD', 'DOUBTFUL', 'LOSS'"


def upgrade() -> None:
    op.add_column("loans", sa.Column("classification_floor", sa.String(32), nullable=True))
    op.add_column(
        "loans", sa.Column("classification_floor_plan_id", sa.String(64), nullable=True)
    )
    op.add_column("loans", sa.Column("classification_floor_since", sa.Date(), nullable=True))
    op.create_check_constraint(
        "ck_loans_classification_floor_known",
        "loans",
        f"classification_floor IS NULL OR classification_floor IN ({FLOORS})",
    )
    op.create_check_constraint(
        "ck_loans_classification_floor_with_plan",
        "loans",
        "(classification_floor IS NULL) = (classification_floor_plan_id IS NULL)"
        " AND (classification_floor IS NULL) = (classification_floor_since IS NULL)",
    )


def downgrade() -> None:
    op.drop_constraint("ck_loans_classification_floor_with_plan", "loans", type_="check")
    op.drop_constraint("ck_loans_classification_floor_known", "loans", type_="check")
    op.drop_column("loans", "classification_floor_since")
    op.drop_column("loans", "classification_floor_plan_id")
    op.drop_column("loans", "classification_floor")
