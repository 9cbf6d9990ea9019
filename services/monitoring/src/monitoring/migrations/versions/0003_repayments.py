"""monitoring: repayments with their allocations, schedule replacements, and the loan columns
repayment posting and restructuring need.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_REPAYMENT_STATES = "'POSTED', 'REVERSED'"
_CHANNELS = "'AUTO_DEBIT', 'APP', 'BANK_TRANSFER', 'AGENCY', 'OTHER'"
_REVERSAL_REASONS = "'BOUNCED', 'CHARGEBACK', 'POSTING_ERROR'"
_COMPONENTS = "'PENALTY', 'INTEREST', 'PRINCIPAL'"


def upgrade() -> None:
    # The restructuring plan in force, its breach threshold (read by the daily cycle to emit
    # ScheduleBreachThresholdCrossed once), the schedule version repayments are replayed over
    # (1, or the latest replacement's), and the value date of the latest repayment.
    op.add_column("loans", sa.Column("plan_id", sa.String(64), nullable=True))
    op.add_column("loans", sa.Column("breach_days_past_due", sa.Integer(), nullable=True))
    op.add_column(
        "loans",
        sa.Column("base_schedule_version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.add_column("loans", sa.Column("last_repayment_date", sa.Date(), nullable=True))
    op.create_check_constraint(
        "ck_loans_breach_days_past_due_positive", "loans", "breach_days_past_due >= 1"
    )

    op.create_table(
        "repayments",
        sa.Column("repayment_id", sa.Uuid(), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("external_transaction_id", sa.String(64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        # The schedule version the repayment is allocated over: repayments of an earlier base
        # (before a schedule replacement) are history and no longer replayed.
        sa.Column("base_schedule_version", sa.Integer(), nullable=False),
        sa.Column("prepaid_principal_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("unapplied_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reversal_reason", sa.String(16), nullable=True),
        sa.Column("reversal_note", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("repayment_id", name="pk_repayments"),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.loan_id"], name="fk_repayments_loan_id_loans",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint(
            "loan_id", "external_transaction_id", name="uq_repayments_loan_id"
        ),
        sa.CheckConstraint("amount_fen > 0", name="ck_repayments_amount_positive"),
        sa.CheckConstraint(
            "prepaid_principal_fen >= 0 AND unapplied_fen >= 0",
            name="ck_repayments_parts_non_negative",
        ),
        sa.CheckConstraint(f"state IN ({_REPAYMENT_STATES})", name="ck_repayments_state_known"),
        sa.CheckConstraint(f"channel IN ({_CHANNELS})", name="ck_repayments_channel_known"),
        sa.CheckConstraint(
            f"reversal_reason IS NULL OR reversal_reason IN ({_REVERSAL_REASONS})",
            name="ck_repayments_reversal_reason_known",
        ),
        sa.CheckConstraint(
            "(state = 'REVERSED') = (reversed_at IS NOT NULL)",
            name="ck_repayments_reversed_at_iff_reversed",
        ),
    )
    op.create_index(
        "ix_repayments_loan_id_value_date",
        "repayments",
        ["loan_id", sa.text("value_date DESC"), sa.text("repayment_id DESC")],
    )

    op.create_table(
        "repayment_allocations",
        sa.Column("repayment_id", sa.Uuid(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("schedule_version", sa.Integer(), nullable=False),
        sa.Column("installment_sequence", sa.Integer(), nullable=False),
        sa.Column("component", sa.String(16), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("repayment_id", "line", name="pk_repayment_allocations"),
        sa.ForeignKeyConstraint(
            ["repayment_id"], ["repayments.repayment_id"],
            name="fk_repayment_allocations_repayment_id_repayments", ondelete="CASCADE",
        ),
        sa.CheckConstraint("amount_fen > 0", name="ck_repayment_allocations_amount_positive"),
        sa.CheckConstraint(
            f"component IN ({_COMPONENTS})", name="ck_repayment_allocations_component_known"
        ),
    )
    op.create_index(
        "ix_repayment_allocations_loan_id", "repayment_allocations", ["loan_id"]
    )

    op.create_table(
        "schedule_replacements",
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("schedule_version", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("annual_rate", sa.Numeric(), nullable=False),
        sa.Column("principal_waived_fen", sa.BigInteger(), nullable=False),
        sa.Column("interest_waived_fen", sa.BigInteger(), nullable=False),
        sa.Column("penalty_waived_fen", sa.BigInteger(), nullable=False),
        sa.Column("breach_days_past_due", sa.Integer(), nullable=False),
        # SHA-256 of the request's content without request_id and expected_loan_version: a
        # repeat with the same plan and content returns ``response``; other content is a
        # PLAN_ID_CONFLICT.
        sa.Column("content_fingerprint", sa.String(64), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", name="pk_schedule_replacements"),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.loan_id"], name="fk_schedule_replacements_loan_id_loans",
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "principal_waived_fen >= 0 AND interest_waived_fen >= 0 AND penalty_waived_fen >= 0",
            name="ck_schedule_replacements_waivers_non_negative",
        ),
    )
    op.create_index(
        "ix_schedule_replacements_loan_id", "schedule_replacements", ["loan_id", "applied_at"]
    )


def downgrade() -> None:
    op.drop_table("schedule_replacements")
    op.drop_table("repayment_allocations")
    op.drop_table("repayments")
    op.drop_constraint("ck_loans_breach_days_past_due_positive", "loans", type_="check")
    op.drop_column("loans", "last_repayment_date")
    op.drop_column("loans", "base_schedule_version")
    op.drop_column("loans", "breach_days_past_due")
    op.drop_column("loans", "plan_id")
