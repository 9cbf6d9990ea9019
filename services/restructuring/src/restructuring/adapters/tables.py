"""The restructuring database schema. Alembic migrations (../migrations) build it; this module is
what they and the repositories are written against.

A plan's full state (hardship, terms, eligibility, quote with its installments, decisions,
signature, activation steps) is one JSONB document written and read whole with the plan row,
under an optimistic ``version``; the columns beside it are what queries filter and order on.
Money inside documents is integer fen, rates decimal strings.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from postloan_runtime.db import new_metadata

metadata = new_metadata()

# Plan states in which the loan's plan has not ended: at most one such plan per loan.
IN_PROGRESS_SQL = "state IN ('REQUESTED', 'PENDING_APPROVAL', 'APPROVED', 'ACTIVATING', 'ACTIVE')"
# Plans not yet signed: the only ones the offer-expiry worker looks at.
OPEN_OFFERS_SQL = "state IN ('REQUESTED', 'PENDING_APPROVAL', 'APPROVED')"

plans = Table(
    "plans",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("loan_id", String(64), nullable=False),
    Column("borrower_id", String(64), nullable=False),
    Column("state", String(32), nullable=False),
    Column("requested_by", String(128), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    # When the activation worker should next try this plan; NULL unless ACTIVATING.
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("document", JSONB, nullable=False),
    Index("ix_plans_loan_id", "loan_id"),
    Index("ix_plans_requested_at", "requested_at", "plan_id"),
    Index(
        "ix_plans_next_attempt_at", "next_attempt_at",
        postgresql_where=text("next_attempt_at IS NOT NULL"),
    ),
    Index(
        "uq_plans_loan_in_progress", "loan_id", unique=True,
        postgresql_where=text(IN_PROGRESS_SQL),
    ),
    Index(
        "ix_plans_open_offers_requested_at", "requested_at", "plan_id",
        postgresql_where=text(OPEN_OFFERS_SQL),
    ),
)

agreements = Table(
    "agreements",
    metadata,
    Column("agreement_id", String(36), primary_key=True),
    Column("plan_id", String(36), nullable=False),
    Column("quote_id", String(36), nullable=False),
    Column("template_version", String(64), nullable=False),
    Column("media_type", String(32), nullable=False),
    Column("document_sha256", String(64), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("generated_at", DateTime(timezone=True), nullable=False),
    Column("sign_by", DateTime(timezone=True), nullable=False),
    Index("uq_agreements_plan_quote", "plan_id", "quote_id", unique=True),
)

observation_periods = Table(
    "observation_periods",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("loan_id", String(64), nullable=False),
    Column("borrower_id", String(64), nullable=False),
    Column("floor", String(32), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("earliest_end_on", Date, nullable=False),
    Column("required_consecutive_periods", Integer, nullable=False),
    Column("consecutive_on_time_periods", Integer, nullable=False),
    Column("state", String(32), nullable=False),
    Column("ended_on", Date, nullable=True),
    Index("ix_observation_periods_loan_id", "loan_id", "started_on"),
)

# Repayments on loans under an active plan (from monitoring's events), for on-time periods.
plan_repayments = Table(
    "plan_repayments",
    metadata,
    Column("repayment_id", String(64), primary_key=True),
    Column("loan_id", String(64), nullable=False),
    Column("value_date", Date, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("reversed", Boolean, nullable=False),
    Index("ix_plan_repayments_loan_id", "loan_id"),
)
