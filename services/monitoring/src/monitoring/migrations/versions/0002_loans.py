"""Loans and their installments.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_REPAYMENT_METHODS = "'EQUAL_INSTALLMENT', 'EQUAL_PRINCIPAL', 'INTEREST_FIRST'"
_PREPAYMENT_RULES = "'SHORTEN_TERM', 'REDUCE_INSTALLMENT'"
_LOAN_STATES = "'ACTIVE', 'PAID_OFF'"
_INSTALLMENT_STATES = "'PENDING', 'DUE', 'OVERDUE', 'PAID', 'SUPERSEDED'"


def upgrade() -> None:
    op.create_table(
        "loans",
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("credit_line_id", sa.String(64), nullable=True),
        sa.Column("product_code", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("principal_fen", sa.BigInteger(), nullable=False),
        sa.Column("annual_rate", sa.Numeric(), nullable=False),
        sa.Column("current_annual_rate", sa.Numeric(), nullable=False),
        sa.Column("term_periods", sa.Integer(), nullable=False),
        sa.Column("repayment_method", sa.String(32), nullable=False),
        sa.Column("disbursement_date", sa.Date(), nullable=False),
        sa.Column("due_day", sa.Integer(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("penalty_annual_rate", sa.Numeric(), nullable=False),
        sa.Column("prepayment_rule", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("schedule_version", sa.Integer(), nullable=False),
        sa.Column("status_as_of", sa.Date(), nullable=False),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(16), nullable=False),
        sa.Column("classification", sa.String(32), nullable=False),
        sa.Column("paid_off_date", sa.Date(), nullable=True),
        sa.Column("registration_fingerprint", sa.String(64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("loan_id", name="pk_loans"),
        sa.CheckConstraint("principal_fen > 0", name="ck_loans_principal_positive"),
        sa.CheckConstraint("annual_rate >= 0", name="ck_loans_annual_rate_non_negative"),
        sa.CheckConstraint(
            "current_annual_rate >= 0", name="ck_loans_current_annual_rate_non_negative"
        ),
        sa.CheckConstraint("penalty_annual_rate >= 0", name="ck_loans_penalty_rate_non_negative"),
        sa.CheckConstraint("term_periods BETWEEN 1 AND 600", name="ck_loans_term_periods_range"),
        sa.CheckConstraint("due_day BETWEEN 1 AND 31", name="ck_loans_due_day_range"),
        sa.CheckConstraint("grace_days >= 0", name="ck_loans_grace_days_non_negative"),
        sa.CheckConstraint("days_past_due >= 0", name="ck_loans_days_past_due_non_negative"),
        sa.CheckConstraint("version >= 1", name="ck_loans_version_positive"),
        sa.CheckConstraint("schedule_version >= 1", name="ck_loans_schedule_version_positive"),
        sa.CheckConstraint(
            f"repayment_method IN ({_REPAYMENT_METHODS})", name="ck_loans_repayment_method_known"
        ),
        sa.CheckConstraint(
            f"prepayment_rule IN ({_PREPAYMENT_RULES})", name="ck_loans_prepayment_rule_known"
        ),
        sa.CheckConstraint(f"state IN ({_LOAN_STATES})", name="ck_loans_state_known"),
    )
    op.create_index("ix_loans_borrower_id", "loans", ["borrower_id", "loan_id"])
    op.create_index("ix_loans_credit_line_id", "loans", ["credit_line_id"])

    op.create_table(
        "installments",
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("schedule_version", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("principal_due_fen", sa.BigInteger(), nullable=False),
        sa.Column("interest_due_fen", sa.BigInteger(), nullable=False),
        sa.Column("penalty_due_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("principal_paid_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("interest_paid_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("penalty_paid_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("penalty_waived_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("days_past_due", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("loan_id", "schedule_version", "sequence", name="pk_installments"),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["loans.loan_id"],
            name="fk_installments_loan_id_loans",
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint("sequence >= 1", name="ck_installments_sequence_positive"),
        sa.CheckConstraint(
            "schedule_version >= 1", name="ck_installments_schedule_version_positive"
        ),
        sa.CheckConstraint(
            "principal_due_fen >= 0 AND interest_due_fen >= 0 AND penalty_due_fen >= 0",
            name="ck_installments_due_non_negative",
        ),
        sa.CheckConstraint(
            "principal_paid_fen >= 0 AND interest_paid_fen >= 0 AND penalty_paid_fen >= 0"
            " AND penalty_waived_fen >= 0",
            name="ck_installments_paid_non_negative",
        ),
        sa.CheckConstraint(
            "principal_paid_fen <= principal_due_fen AND interest_paid_fen <= interest_due_fen",
            name="ck_installments_paid_within_due",
        ),
        sa.CheckConstraint(
            "days_past_due >= 0", name="ck_installments_days_past_due_non_negative"
        ),
        sa.CheckConstraint(
            f"state IN ({_INSTALLMENT_STATES})", name="ck_installments_state_known"
        ),
    )


def downgrade() -> None:
    op.drop_table("installments")
    op.drop_table("loans")
