"""The monitoring database schema. Alembic migrations (../migrations) build it; this module is what
they and the repositories are written against.

Money is BIGINT fen, rates NUMERIC (scale kept as written, e.g. 0.1800), business dates DATE,
instants timestamptz.
"""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
)

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
)
