"""The monitoring database schema. Alembic migrations (../migrations) build it; this module is what
they and the repositories are written against.

Money is BIGINT fen, rates NUMERIC (scale kept as written, e.g. 0.1800), business dates DATE,
instants timestamptz.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from postloan_runtime.db import new_metadata

metadata = new_metadata()

REPAYMENT_METHODS = ("EQUAL_INSTALLMENT", "EQUAL_PRINCIPAL", "INTEREST_FIRST")
PREPAYMENT_RULES = ("SHORTEN_TERM", "REDUCE_INSTALLMENT")
LOAN_STATES = ("ACTIVE", "PAID_OFF")
INSTALLMENT_STATES = ("PENDING", "DUE", "OVERDUE", "PAID", "SUPERSEDED")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


loans = Table(
    "loans",
    metadata,
    Column("loan_id", String(64), primary_key=True),
    Column("borrower_id", String(64), nullable=False),
    Column("credit_line_id", String(64), nullable=True),
    Column("product_code", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("principal_fen", BigInteger, nullable=False),
    Column("annual_rate", Numeric, nullable=False),
    Column("current_annual_rate", Numeric, nullable=False),
    Column("term_periods", Integer, nullable=False),
    Column("repayment_method", String(32), nullable=False),
    Column("disbursement_date", Date, nullable=False),
    Column("due_day", Integer, nullable=False),
    Column("grace_days", Integer, nullable=False),
    Column("penalty_annual_rate", Numeric, nullable=False),
    Column("prepayment_rule", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("schedule_version", Integer, nullable=False),
    Column("status_as_of", Date, nullable=False),
    Column("days_past_due", Integer, nullable=False),
    Column("bucket", String(16), nullable=False),
    Column("classification", String(32), nullable=False),
    Column("paid_off_date", Date, nullable=True),
    # SHA-256 of the registration request without its request_id: a re-registration of the
    # same loan_id with the same terms returns the loan; other terms are a LOAN_ID_CONFLICT.
    Column("registration_fingerprint", String(64), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    # Stays true while a loan stays delinquent, though its days past due move daily: the
    # partial index below reads this flag, so the daily update of the row is heap-only
    # (migration 0009).
    Column(
        "not_current", Boolean,
        Computed("days_past_due <> 0 OR classification <> 'NORMAL'", persisted=True),
        nullable=False,
    ),
    CheckConstraint("principal_fen > 0", name="principal_positive"),
    CheckConstraint("annual_rate >= 0", name="annual_rate_non_negative"),
    CheckConstraint("current_annual_rate >= 0", name="current_annual_rate_non_negative"),
    CheckConstraint("penalty_annual_rate >= 0", name="penalty_rate_non_negative"),
    CheckConstraint("term_periods BETWEEN 1 AND 600", name="term_periods_range"),
    CheckConstraint("due_day BETWEEN 1 AND 31", name="due_day_range"),
    CheckConstraint("grace_days >= 0", name="grace_days_non_negative"),
    CheckConstraint("days_past_due >= 0", name="days_past_due_non_negative"),
    CheckConstraint("version >= 1", name="version_positive"),
    CheckConstraint("schedule_version >= 1", name="schedule_version_positive"),
    CheckConstraint(_one_of("repayment_method", REPAYMENT_METHODS), name="repayment_method_known"),
    CheckConstraint(_one_of("prepayment_rule", PREPAYMENT_RULES), name="prepayment_rule_known"),
    CheckConstraint(_one_of("state", LOAN_STATES), name="state_known"),
    # Room on each page for the daily rewrite of delinquent loans (see not_current).
    postgresql_with={"fillfactor": 90},
)
Index("ix_loans_borrower_id", loans.c.borrower_id, loans.c.loan_id)
Index("ix_loans_credit_line_id", loans.c.credit_line_id)

installments = Table(
    "installments",
    metadata,
    Column(
        "loan_id",
        String(64),
        ForeignKey("loans.loan_id", ondelete="RESTRICT"),
        primary_key=True,
    ),
    Column("schedule_version", Integer, primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("due_date", Date, nullable=False),
    Column("principal_due_fen", BigInteger, nullable=False),
    Column("interest_due_fen", BigInteger, nullable=False),
    Column("penalty_due_fen", BigInteger, nullable=False, server_default="0"),
    Column("principal_paid_fen", BigInteger, nullable=False, server_default="0"),
    Column("interest_paid_fen", BigInteger, nullable=False, server_default="0"),
    Column("penalty_paid_fen", BigInteger, nullable=False, server_default="0"),
    Column("penalty_waived_fen", BigInteger, nullable=False, server_default="0"),
    Column("state", String(16), nullable=False),
    Column("paid_on", Date, nullable=True),
    Column("days_past_due", Integer, nullable=False, server_default="0"),
    CheckConstraint("sequence >= 1", name="sequence_positive"),
    CheckConstraint("schedule_version >= 1", name="schedule_version_positive"),
    CheckConstraint(
        "principal_due_fen >= 0 AND interest_due_fen >= 0 AND penalty_due_fen >= 0",
        name="due_non_negative",
    ),
    CheckConstraint(
        "principal_paid_fen >= 0 AND interest_paid_fen >= 0 AND penalty_paid_fen >= 0"
        " AND penalty_waived_fen >= 0",
        name="paid_non_negative",
    ),
    CheckConstraint(
        "principal_paid_fen <= principal_due_fen AND interest_paid_fen <= interest_due_fen",
        name="paid_within_due",
    ),
    CheckConstraint("days_past_due >= 0", name="days_past_due_non_negative"),
    CheckConstraint(_one_of("state", INSTALLMENT_STATES), name="state_known"),
    # Room on each page so the daily rewrite of installments in arrears stays heap-only
    # (migration 0008).
    postgresql_with={"fillfactor": 80},
)

# --- repayments and schedule replacements (migration 0003) -----------------------------------

REPAYMENT_STATES = ("POSTED", "REVERSED")
REPAYMENT_CHANNELS = ("AUTO_DEBIT", "APP", "BANK_TRANSFER", "AGENCY", "OTHER")
REVERSAL_REASONS = ("BOUNCED", "CHARGEBACK", "POSTING_ERROR")
ALLOCATION_COMPONENTS = ("PENALTY", "INTEREST", "PRINCIPAL")

# The restructuring plan in force and its breach threshold (the daily cycle reads it to emit
# ScheduleBreachThresholdCrossed once), the schedule version repayments are replayed over
# (1, or the latest replacement's) and the value date of the latest repayment.
loans.append_column(Column("plan_id", String(64), nullable=True))
loans.append_column(Column("breach_days_past_due", Integer, nullable=True))
loans.append_column(
    Column("base_schedule_version", Integer, nullable=False, server_default="1")
)
loans.append_column(Column("last_repayment_date", Date, nullable=True))
loans.append_constraint(
    CheckConstraint("breach_days_past_due >= 1", name="breach_days_past_due_positive")
)

repayments = Table(
    "repayments",
    metadata,
    Column("repayment_id", Uuid, primary_key=True),
    Column(
        "loan_id", String(64), ForeignKey("loans.loan_id", ondelete="RESTRICT"), nullable=False
    ),
    Column("external_transaction_id", String(64), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=False),
    Column("value_date", Date, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    # The schedule version it is allocated over; repayments of an earlier base (before a
    # schedule replacement) are history and are no longer replayed.
    Column("base_schedule_version", Integer, nullable=False),
    Column("prepaid_principal_fen", BigInteger, nullable=False, server_default="0"),
    Column("unapplied_fen", BigInteger, nullable=False, server_default="0"),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    Column("reversed_at", DateTime(timezone=True), nullable=True),
    Column("reversal_reason", String(16), nullable=True),
    Column("reversal_note", String(500), nullable=True),
    UniqueConstraint("loan_id", "external_transaction_id"),
    CheckConstraint("amount_fen > 0", name="amount_positive"),
    CheckConstraint(
        "prepaid_principal_fen >= 0 AND unapplied_fen >= 0", name="parts_non_negative"
    ),
    CheckConstraint(_one_of("state", REPAYMENT_STATES), name="state_known"),
    CheckConstraint(_one_of("channel", REPAYMENT_CHANNELS), name="channel_known"),
    CheckConstraint(
        "reversal_reason IS NULL OR " + _one_of("reversal_reason", REVERSAL_REASONS),
        name="reversal_reason_known",
    ),
    CheckConstraint(
        "(state = 'REVERSED') = (reversed_at IS NOT NULL)", name="reversed_at_iff_reversed"
    ),
)
Index(
    "ix_repayments_loan_id_value_date",
    repayments.c.loan_id,
    repayments.c.value_date.desc(),
    repayments.c.repayment_id.desc(),
)

repayment_allocations = Table(
    "repayment_allocations",
    metadata,
    Column(
        "repayment_id",
        Uuid,
        ForeignKey("repayments.repayment_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("line", Integer, primary_key=True),
    Column("loan_id", String(64), nullable=False),
    Column("schedule_version", Integer, nullable=False),
    Column("installment_sequence", Integer, nullable=False),
    Column("component", String(16), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    CheckConstraint("amount_fen > 0", name="amount_positive"),
    CheckConstraint(_one_of("component", ALLOCATION_COMPONENTS), name="component_known"),
)
Index("ix_repayment_allocations_loan_id", repayment_allocations.c.loan_id)

schedule_replacements = Table(
    "schedule_replacements",
    metadata,
    Column("plan_id", String(64), primary_key=True),
    Column(
        "loan_id", String(64), ForeignKey("loans.loan_id", ondelete="RESTRICT"), nullable=False
    ),
    Column("schedule_version", Integer, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("annual_rate", Numeric, nullable=False),
    Column("principal_waived_fen", BigInteger, nullable=False),
    Column("interest_waived_fen", BigInteger, nullable=False),
    Column("penalty_waived_fen", BigInteger, nullable=False),
    Column("breach_days_past_due", Integer, nullable=False),
    # SHA-256 of the request's content without request_id and expected_loan_version: a repeat
    # of the plan with the same content returns ``response``; other content is PLAN_ID_CONFLICT.
    Column("content_fingerprint", String(64), nullable=False),
    Column("response", LargeBinary, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(
        "principal_waived_fen >= 0 AND interest_waived_fen >= 0 AND penalty_waived_fen >= 0",
        name="waivers_non_negative",
    ),
)
Index(
    "ix_schedule_replacements_loan_id",
    schedule_replacements.c.loan_id,
    schedule_replacements.c.applied_at,
)

# --- daily cycle, bucket history, early warning (migration 0004) -----------------------------

DAILY_CYCLE_RUN_STATES = ("RUNNING", "COMPLETED", "FAILED")
DELINQUENCY_CHANGE_CAUSES = ("DAILY_CYCLE", "REPAYMENT", "REVERSAL", "SCHEDULE_REPLACED")
ALERT_STATES = ("OPEN", "ACKNOWLEDGED", "RESOLVED")
ALERT_SEVERITIES = ("LOW", "MEDIUM", "HIGH")

# The last business date penalty interest was accrued through (None: nothing accrued yet);
# the daily cycle accrues from the day after it, so a re-run accrues nothing twice.
installments.append_column(Column("penalty_accrued_through", Date, nullable=True))
# (migration 0010) Penalty accrued as exact principal-days (unpaid principal fen x days) from
# penalty_days_from (None: the due date) through penalty_accrued_through; the penalty is
# rounded once on the total (monitoring.domain.penalty). Penalty accrued before 0010 stays in
# penalty_due_fen, and its rows count principal-days from where it stopped.
installments.append_column(
    Column("penalty_principal_days", BigInteger, nullable=False, server_default="0")
)
installments.append_column(Column("penalty_days_from", Date, nullable=True))
# The plan whose breach threshold was already reported (ScheduleBreachThresholdCrossed once).
loans.append_column(Column("breach_reported_plan_id", String(64), nullable=True))

daily_cycle_runs = Table(
    "daily_cycle_runs",
    metadata,
    Column("business_date", Date, primary_key=True),
    Column("partition_index", Integer, primary_key=True),
    Column("partition_count", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    # DailyCyclePhase number of the last phase completed (0 = none).
    Column("last_completed_phase", Integer, nullable=False, server_default="0"),
    # Checkpoint: loans up to this id (in the partition) are done in the current phase.
    Column("cursor_loan_id", String(64), nullable=True),
    Column("loans_total", BigInteger, nullable=False, server_default="0"),
    Column("loans_done", BigInteger, nullable=False, server_default="0"),
    Column("loans_changed", BigInteger, nullable=False, server_default="0"),
    Column("events_emitted", BigInteger, nullable=False, server_default="0"),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=True),
    Column("failure_reason", String(64), nullable=True),
    CheckConstraint("partition_count >= 1", name="partition_count_positive"),
    CheckConstraint(
        "partition_index >= 0 AND partition_index < partition_count", name="partition_in_range"
    ),
    CheckConstraint(_one_of("state", DAILY_CYCLE_RUN_STATES), name="state_known"),
)

# One row per change of a loan's bucket; never updated or deleted.
bucket_history = Table(
    "bucket_history",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "loan_id", String(64), ForeignKey("loans.loan_id", ondelete="RESTRICT"), nullable=False
    ),
    Column("business_date", Date, nullable=False),
    Column("from_bucket", String(16), nullable=False),
    Column("to_bucket", String(16), nullable=False),
    Column("days_past_due", Integer, nullable=False),
    Column("overdue_fen", BigInteger, nullable=False),
    Column("cause", String(32), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(_one_of("cause", DELINQUENCY_CHANGE_CAUSES), name="cause_known"),
)
Index("ix_bucket_history_loan_id", bucket_history.c.loan_id, bucket_history.c.id)

# Every active loan's bucket at each month end (written by the daily cycle of the month's last
# day): what roll rates, vintage curves and past-date figures are computed from. Never deleted.
bucket_month_ends = Table(
    "bucket_month_ends",
    metadata,
    Column("month_end", Date, primary_key=True),
    Column("loan_id", String(64), primary_key=True),
    Column("product_code", String(64), nullable=False),
    Column("disbursement_month", Date, nullable=False),
    Column("bucket", String(16), nullable=False),
    Column("days_past_due", Integer, nullable=False),
    Column("classification", String(32), nullable=False),
    Column("outstanding_principal_fen", BigInteger, nullable=False),
)
Index(
    "ix_bucket_month_ends_vintage", bucket_month_ends.c.disbursement_month,
    bucket_month_ends.c.month_end,
)

alerts = Table(
    "alerts",
    metadata,
    Column("alert_id", Uuid, primary_key=True),
    Column("rule_code", String(32), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("reason", String(500), nullable=False),
    # [{"name": …, "value": …, "threshold": …}] — no personal data.
    Column("evidence", JSONB, nullable=False),
    Column("borrower_id", String(64), nullable=False),
    Column("loan_id", String(64), nullable=True),
    Column("state", String(16), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True), nullable=True),
    Column("acknowledged_by", String(128), nullable=True),
    Column("resolved_at", DateTime(timezone=True), nullable=True),
    Column("resolved_by", String(128), nullable=True),
    Column("resolution", String(32), nullable=True),
    Column("resolution_note", String(500), nullable=True),
    # Loan id, or "" for borrower-level alerts: at most one unresolved alert per rule and subject.
    Column("subject", String(64), nullable=False),
    CheckConstraint(_one_of("state", ALERT_STATES), name="state_known"),
    CheckConstraint(_one_of("severity", ALERT_SEVERITIES), name="severity_known"),
)
Index(
    "uq_alerts_unresolved", alerts.c.rule_code, alerts.c.borrower_id, alerts.c.subject,
    unique=True, postgresql_where=alerts.c.state != "RESOLVED",
)
Index("ix_alerts_raised", alerts.c.raised_at.desc(), alerts.c.alert_id)

# Credit-inquiry signals per borrower (from InquiryCompleted events), for early warning and the
# after-payoff review.
borrower_inquiries = Table(
    "borrower_inquiries",
    metadata,
    Column("inquiry_id", String(64), primary_key=True),
    Column("borrower_id", String(64), nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("hard", Integer, nullable=False),
    Column("score", Integer, nullable=True),
    Column("inquiries_1m", Integer, nullable=True),
    Column("inquiries_3m", Integer, nullable=True),
)
Index("ix_borrower_inquiries_borrower", borrower_inquiries.c.borrower_id,
      borrower_inquiries.c.completed_at)

# --- revolving credit lines and the actions taken on them (migration 0005) -------------------

CREDIT_LINE_STATES = ("ACTIVE", "FROZEN")
CREDIT_LINE_ACTION_TYPES = ("REDUCE_LIMIT", "FREEZE", "UNFREEZE")

credit_lines = Table(
    "credit_lines",
    metadata,
    Column("credit_line_id", String(64), primary_key=True),
    Column("borrower_id", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("credit_limit_fen", BigInteger, nullable=False),
    Column("original_limit_fen", BigInteger, nullable=False),
    Column("state", String(16), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("original_limit_fen > 0", name="original_limit_positive"),
    # Limits only go down in v1 (there is no increase action).
    CheckConstraint(
        "credit_limit_fen >= 0 AND credit_limit_fen <= original_limit_fen",
        name="limit_within_original",
    ),
    CheckConstraint(_one_of("state", CREDIT_LINE_STATES), name="state_known"),
)
Index("ix_credit_lines_borrower_id", credit_lines.c.borrower_id, credit_lines.c.credit_line_id)

# A loan drawn from a line names a registered line.
loans.append_constraint(
    ForeignKeyConstraint(
        ["credit_line_id"], ["credit_lines.credit_line_id"], ondelete="RESTRICT"
    )
)

# One row per action; never updated or deleted (a trigger refuses it at the database).
credit_line_actions = Table(
    "credit_line_actions",
    metadata,
    # Insertion order: the log is listed newest first by it (instants may tie).
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("action_id", Uuid, nullable=False, unique=True),
    Column(
        "credit_line_id",
        String(64),
        ForeignKey("credit_lines.credit_line_id", ondelete="RESTRICT"),
        nullable=False,
    ),
    Column("action", String(16), nullable=False),
    Column("previous_limit_fen", BigInteger, nullable=False),
    Column("new_limit_fen", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    # No personal data (the servicer refuses ID and mobile numbers in it).
    Column("reason", String(500), nullable=False),
    Column("alert_id", Uuid, ForeignKey("alerts.alert_id", ondelete="RESTRICT"), nullable=True),
    Column("taken_by", String(128), nullable=False),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(_one_of("action", CREDIT_LINE_ACTION_TYPES), name="action_known"),
    CheckConstraint(
        "previous_limit_fen >= 0 AND new_limit_fen >= 0", name="limits_non_negative"
    ),
    CheckConstraint(
        "(action = 'REDUCE_LIMIT' AND new_limit_fen < previous_limit_fen)"
        " OR (action <> 'REDUCE_LIMIT' AND new_limit_fen = previous_limit_fen)",
        name="limit_change_matches_action",
    ),
)
Index(
    "ix_credit_line_actions_credit_line_id",
    credit_line_actions.c.credit_line_id,
    credit_line_actions.c.id,
)

# --- classification floor from restructuring's observation period (migration 0006) ----------

CLASSIFICATION_FLOORS = ("SPECIAL_MENTION", "SUBSTANDARD", "DOUBTFUL", "LOSS")

# The floor (no better than) in force, the plan that set it and the business date it started;
# all NULL when the loan has none. Every place that classifies applies it.
loans.append_column(Column("classification_floor", String(32), nullable=True))
loans.append_column(Column("classification_floor_plan_id", String(64), nullable=True))
loans.append_column(Column("classification_floor_since", Date, nullable=True))
loans.append_constraint(
    CheckConstraint(
        "classification_floor IS NULL OR "
        + _one_of("classification_floor", CLASSIFICATION_FLOORS),
        name="classification_floor_known",
    )
)
loans.append_constraint(
    CheckConstraint(
        "(classification_floor IS NULL) = (classification_floor_plan_id IS NULL)"
        " AND (classification_floor IS NULL) = (classification_floor_since IS NULL)",
        name="classification_floor_with_plan",
    )
)

# --- what the daily cycle examines (migration 0007) -------------------------------------------

# The daily cycle examines only the loans a business date can change (see
# ``daily_cycle_sql.candidate_ids_sql``); these partial indexes find them without a scan of the
# book: installments reaching their due date, installments in arrears, loans not plainly current.
Index(
    "ix_installments_pending_due_date", installments.c.due_date,
    postgresql_where=installments.c.state == "PENDING",
)
Index(
    "ix_installments_in_arrears_loan_id", installments.c.loan_id,
    postgresql_where=installments.c.state.in_(("DUE", "OVERDUE")),
)
Index(
    "ix_loans_not_current", loans.c.loan_id, postgresql_where=loans.c.not_current,
)
