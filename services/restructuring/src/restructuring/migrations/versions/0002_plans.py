"""restructuring: plans, agreements, observation periods, repayments under plans.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_IN_PROGRESS = "state IN ('REQUESTED', 'PENDING_APPROVAL', 'APPROVED', 'ACTIVATING', 'ACTIVE')"


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("requested_by", sa.String(128), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("document", postgresql.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", name="pk_plans"),
    )
    op.create_index("ix_plans_loan_id", "plans", ["loan_id"])
    op.create_index("ix_plans_requested_at", "plans", ["requested_at", "plan_id"])
    op.create_index(
        "ix_plans_next_attempt_at", "plans", ["next_attempt_at"],
        postgresql_where=sa.text("next_attempt_at IS NOT NULL"),
    )
    op.create_index(
        "uq_plans_loan_in_progress", "plans", ["loan_id"], unique=True,
        postgresql_where=sa.text(_IN_PROGRESS),
    )
    op.create_table(
        "agreements",
        sa.Column("agreement_id", sa.String(36), nullable=False),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("quote_id", sa.String(36), nullable=False),
        sa.Column("template_version", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sign_by", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agreement_id", name="pk_agreements"),
    )
    op.create_index(
        "uq_agreements_plan_quote", "agreements", ["plan_id", "quote_id"], unique=True
    )
    op.create_table(
        "observation_periods",
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("floor", sa.String(32), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("earliest_end_on", sa.Date(), nullable=False),
        sa.Column("required_consecutive_periods", sa.Integer(), nullable=False),
        sa.Column("consecutive_on_time_periods", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("plan_id", name="pk_observation_periods"),
    )
    op.create_index(
        "ix_observation_periods_loan_id", "observation_periods", ["loan_id", "started_on"]
    )
    op.create_table(
        "plan_repayments",
        sa.Column("repayment_id", sa.String(64), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reversed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("repayment_id", name="pk_plan_repayments"),
    )
    op.create_index("ix_plan_repayments_loan_id", "plan_repayments", ["loan_id"])


def downgrade() -> None:
    op.drop_table("plan_repayments")
    op.drop_table("observation_periods")
    op.drop_table("agreements")
    op.drop_table("plans")
