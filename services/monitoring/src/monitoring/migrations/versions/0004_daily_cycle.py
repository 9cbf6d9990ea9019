"""monitoring: the daily cycle (runs with checkpoints, penalty accrual marker, breach marker),
bucket history, month-end buckets, early-warning alerts and credit-inquiry signals.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Penalty is accrued from the day after this date, so a re-run accrues nothing twice.
    op.add_column("installments", sa.Column("penalty_accrued_through", sa.Date(), nullable=True))
    # The plan whose breach threshold was already reported (ScheduleBreachThresholdCrossed once).
    op.add_column("loans", sa.Column("breach_reported_plan_id", sa.String(64), nullable=True))

    op.create_table(
        "daily_cycle_runs",
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("partition_index", sa.Integer(), nullable=False),
        sa.Column("partition_count", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("last_completed_phase", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("cursor_loan_id", sa.String(64), nullable=True),
        sa.Column("loans_total", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("loans_done", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("loans_changed", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("events_emitted", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure_reason", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("business_date", "partition_index", name="pk_daily_cycle_runs"),
        sa.CheckConstraint(
            "partition_count >= 1", name="ck_daily_cycle_runs_partition_count_positive"
        ),
        sa.CheckConstraint(
            "partition_index >= 0 AND partition_index < partition_count",
            name="ck_daily_cycle_runs_partition_in_range",
        ),
        sa.CheckConstraint(
            "state IN ('RUNNING', 'COMPLETED', 'FAILED')", name="ck_daily_cycle_runs_state_known"
        ),
    )

    op.create_table(
        "bucket_history",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("from_bucket", sa.String(16), nullable=False),
        sa.Column("to_bucket", sa.String(16), nullable=False),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("overdue_fen", sa.BigInteger(), nullable=False),
        sa.Column("cause", sa.String(32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bucket_history"),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.loan_id"], name="fk_bucket_history_loan_id_loans",
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "cause IN ('DAILY_CYCLE', 'REPAYMENT', 'REVERSAL', 'SCHEDULE_REPLACED')",
            name="ck_bucket_history_cause_known",
        ),
    )
    op.create_index("ix_bucket_history_loan_id", "bucket_history", ["loan_id", "id"])
    # History is never lost: refuse UPDATE and DELETE on it at the database.
    op.execute(
        """
        CREATE FUNCTION bucket_history_is_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'bucket_history is append-only';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER bucket_history_append_only BEFORE UPDATE OR DELETE ON bucket_history"
        " FOR EACH ROW EXECUTE FUNCTION bucket_history_is_append_only()"
    )

    op.create_table(
        "bucket_month_ends",
        sa.Column("month_end", sa.Date(), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("product_code", sa.String(64), nullable=False),
        sa.Column("disbursement_month", sa.Date(), nullable=False),
        sa.Column("bucket", sa.String(16), nullable=False),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("classification", sa.String(32), nullable=False),
        sa.Column("outstanding_principal_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month_end", "loan_id", name="pk_bucket_month_ends"),
    )
    op.create_index(
        "ix_bucket_month_ends_vintage", "bucket_month_ends", ["disbursement_month", "month_end"]
    )

    op.create_table(
        "alerts",
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("rule_code", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("evidence", postgresql.JSONB(), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(128), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(128), nullable=True),
        sa.Column("resolution", sa.String(32), nullable=True),
        sa.Column("resolution_note", sa.String(500), nullable=True),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("alert_id", name="pk_alerts"),
        sa.CheckConstraint(
            "state IN ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')", name="ck_alerts_state_known"
        ),
        sa.CheckConstraint(
            "severity IN ('LOW', 'MEDIUM', 'HIGH')", name="ck_alerts_severity_known"
        ),
    )
    op.create_index(
        "uq_alerts_unresolved",
        "alerts",
        ["rule_code", "borrower_id", "subject"],
        unique=True,
        postgresql_where=sa.text("state <> 'RESOLVED'"),
    )
    op.create_index("ix_alerts_raised", "alerts", [sa.text("raised_at DESC"), "alert_id"])

    op.create_table(
        "borrower_inquiries",
        sa.Column("inquiry_id", sa.String(64), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("hard", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("inquiries_1m", sa.Integer(), nullable=True),
        sa.Column("inquiries_3m", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("inquiry_id", name="pk_borrower_inquiries"),
    )
    op.create_index(
        "ix_borrower_inquiries_borrower", "borrower_inquiries", ["borrower_id", "completed_at"]
    )


def downgrade() -> None:
    op.drop_table("borrower_inquiries")
    op.drop_table("alerts")
    op.drop_table("bucket_month_ends")
    op.drop_table("bucket_history")
    op.execute("DROP FUNCTION IF EXISTS bucket_history_is_append_only()")
    op.drop_table("daily_cycle_runs")
    op.drop_column("loans", "breach_reported_plan_id")
    op.drop_column("installments", "penalty_accrued_through")
