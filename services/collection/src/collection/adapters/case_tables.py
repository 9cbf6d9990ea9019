"""The tables of cases, strategies, agents, assignments, promises and recoveries (migration 0002),
declared on the service's one ``metadata`` (``collection.adapters.tables``).

Money is BIGINT fen, rates NUMERIC, business dates DATE, instants timestamptz; tiers, states
and treatments are their proto enum names without the prefix (``EARLY``, ``OPEN``, ``SMS``)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from collection.adapters.tables import metadata

_TS = DateTime(timezone=True)


def _texts() -> ARRAY:
    return ARRAY(String(64))


strategy_versions = Table(
    "strategy_versions",
    metadata,
    Column("strategy_version_id", UUID(as_uuid=True), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("description", String(1000), nullable=False),
    Column("pre_due_treatments", _texts(), nullable=False),
    Column("champion", Boolean, nullable=False),
    Column("challenger", Boolean, nullable=False),
    Column("challenger_share", Numeric, nullable=True),
    Column("created_at", _TS, nullable=False),
    Column("created_by", String(128), nullable=False),
    UniqueConstraint("name", "version", name="uq_strategy_versions_name"),
    Index("uq_strategy_versions_champion", "champion", unique=True,
          postgresql_where=text("champion")),
    Index("uq_strategy_versions_challenger", "challenger", unique=True,
          postgresql_where=text("challenger")),
)

strategy_risk_segments = Table(
    "strategy_risk_segments",
    metadata,
    Column("strategy_version_id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("min_score", Integer, nullable=True),
    Column("max_score", Integer, nullable=True),
    Column("min_outstanding_fen", BigInteger, nullable=True),
    Column("max_outstanding_fen", BigInteger, nullable=True),
    Column("priority", Integer, nullable=False),
    ForeignKeyConstraint(["strategy_version_id"], ["strategy_versions.strategy_version_id"],
                         name="fk_strategy_risk_segments_version"),
)

strategy_tier_rules = Table(
    "strategy_tier_rules",
    metadata,
    Column("strategy_version_id", UUID(as_uuid=True), primary_key=True),
    Column("risk_segment", String(64), primary_key=True),
    Column("min_days_past_due", Integer, primary_key=True),
    Column("max_days_past_due", Integer, nullable=True),
    Column("tier", String(16), nullable=False),
    Column("treatments", _texts(), nullable=False),
    ForeignKeyConstraint(
        ["strategy_version_id", "risk_segment"],
        ["strategy_risk_segments.strategy_version_id", "strategy_risk_segments.code"],
        name="fk_strategy_tier_rules_segment",
    ),
)

borrower_scores = Table(
    "borrower_scores",
    metadata,
    Column("borrower_id", String(64), primary_key=True),
    Column("score", Integer, nullable=False),
    Column("inquiry_id", String(64), nullable=False),
    Column("completed_at", _TS, nullable=False),
)

agencies = Table(
    "agencies",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("tiers", _texts(), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("commission_rate", Numeric, nullable=False),
    Column("created_at", _TS, nullable=False),
    Column("updated_at", _TS, nullable=False),
)

agents = Table(
    "agents",
    metadata,
    Column("agent_id", String(64), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("agency_id", String(64), nullable=True),
    Column("tiers", _texts(), nullable=False),
    Column("skills", _texts(), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", _TS, nullable=False),
    Column("updated_at", _TS, nullable=False),
    ForeignKeyConstraint(
        ["agency_id"], ["agencies.agency_id"], name="fk_agents_agency_id_agencies"
    ),
)

cases = Table(
    "cases",
    metadata,
    Column("case_id", UUID(as_uuid=True), primary_key=True),
    Column("borrower_id", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("tier", String(16), nullable=False),
    Column("escalation_floor", String(16), nullable=True),
    Column("treatments", _texts(), nullable=False),
    Column("risk_segment", String(64), nullable=False),
    Column("strategy_version_id", UUID(as_uuid=True), nullable=False),
    Column("strategy_arm", String(16), nullable=False),
    Column("agent_id", String(64), nullable=True),
    Column("agency_id", String(64), nullable=True),
    Column("escalation_count", Integer, nullable=False),
    Column("days_past_due", Integer, nullable=False),
    Column("overdue_fen", BigInteger, nullable=False),
    Column("overdue_at_opening_fen", BigInteger, nullable=False),
    Column("recovered_fen", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("close_reason", String(32), nullable=True),
    Column("version", BigInteger, nullable=False),
    Column("opened_at", _TS, nullable=False),
    Column("updated_at", _TS, nullable=False),
    ForeignKeyConstraint(["strategy_version_id"], ["strategy_versions.strategy_version_id"],
                         name="fk_cases_strategy_version_id_strategy_versions"),
    ForeignKeyConstraint(["agent_id"], ["agents.agent_id"], name="fk_cases_agent_id_agents"),
    ForeignKeyConstraint(
        ["agency_id"], ["agencies.agency_id"], name="fk_cases_agency_id_agencies"
    ),
    Index("uq_cases_borrower_live", "borrower_id", unique=True,
          postgresql_where=text("state <> 'CLOSED'")),
    Index("ix_cases_borrower_id", "borrower_id"),
    Index("ix_cases_agent_id", "agent_id",
          postgresql_where=text("agent_id IS NOT NULL AND state <> 'CLOSED'")),
    Index("ix_cases_queue", "tier", "opened_at", "case_id",
          postgresql_where=text("state = 'OPEN' AND agent_id IS NULL AND agency_id IS NULL")),
    Index("ix_cases_strategy", "strategy_version_id", "strategy_arm"),
)

case_loans = Table(
    "case_loans",
    metadata,
    Column("case_id", UUID(as_uuid=True), primary_key=True),
    Column("loan_id", String(64), primary_key=True),
    Column("bucket", String(16), nullable=False),
    Column("days_past_due", Integer, nullable=False),
    Column("overdue_fen", BigInteger, nullable=False),
    Column("outstanding_principal_fen", BigInteger, nullable=False),
    Column("joined_on", Date, nullable=False),
    Column("left_on", Date, nullable=True),
    Column("left_reason", String(32), nullable=True),
    ForeignKeyConstraint(["case_id"], ["cases.case_id"], name="fk_case_loans_case_id_cases"),
    Index("uq_case_loans_loan_live", "loan_id", unique=True,
          postgresql_where=text("left_on IS NULL")),
    Index("ix_case_loans_loan_id", "loan_id"),
)

loan_pauses = Table(
    "loan_pauses",
    metadata,
    Column("loan_id", String(64), primary_key=True),
    Column("plan_id", String(64), primary_key=True),
    Column("borrower_id", String(64), nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("paused_at", _TS, nullable=False),
    Column("lifted_at", _TS, nullable=True),
    Column("lift_reason", String(200), nullable=True),
    Index("uq_loan_pauses_loan_live", "loan_id", unique=True,
          postgresql_where=text("lifted_at IS NULL")),
)

case_events = Table(
    "case_events",
    metadata,
    Column("case_id", UUID(as_uuid=True), primary_key=True),
    Column("sequence", BigInteger, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("recorded_at", _TS, nullable=False),
    Column("from_tier", String(16), nullable=True),
    Column("to_tier", String(16), nullable=True),
    Column("agent_id", String(64), nullable=True),
    Column("agency_id", String(64), nullable=True),
    Column("loan_id", String(64), nullable=True),
    Column("plan_id", String(64), nullable=True),
    Column("reason", String(500), nullable=True),
    Column("actor", String(128), nullable=False),
    # The case's state and tier right after this entry (migration 0005; NULL on older rows).
    Column("case_state", String(16), nullable=True),
    Column("case_tier", String(16), nullable=True),
    ForeignKeyConstraint(["case_id"], ["cases.case_id"], name="fk_case_events_case_id_cases"),
)

case_assignments = Table(
    "case_assignments",
    metadata,
    Column("assignment_id", BigInteger, Identity(), primary_key=True),
    Column("case_id", UUID(as_uuid=True), nullable=False),
    Column("borrower_id", String(64), nullable=False),
    Column("tier", String(16), nullable=False),
    Column("agent_id", String(64), nullable=True),
    Column("agency_id", String(64), nullable=True),
    Column("reason", String(500), nullable=False),
    Column("continuity", Boolean, nullable=False),
    Column("assigned_at", _TS, nullable=False),
    Column("ended_at", _TS, nullable=True),
    Column("end_reason", String(500), nullable=True),
    Index("ix_case_assignments_continuity", "borrower_id", "tier", "assigned_at",
          postgresql_where=text("agent_id IS NOT NULL")),
    Index("ix_case_assignments_case_id", "case_id"),
)

promises_to_pay = Table(
    "promises_to_pay",
    metadata,
    Column("promise_id", UUID(as_uuid=True), primary_key=True),
    Column("case_id", UUID(as_uuid=True), nullable=False),
    Column("borrower_id", String(64), nullable=False),
    Column("loan_id", String(64), nullable=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("promised_date", Date, nullable=False),
    Column("grace_days", Integer, nullable=False),
    Column("threshold", Numeric, nullable=False),
    Column("state", String(16), nullable=False),
    Column("paid_fen", BigInteger, nullable=False),
    Column("contact_attempt_id", String(64), nullable=True),
    Column("made_by", String(128), nullable=False),
    Column("made_at", _TS, nullable=False),
    Column("resolved_on", Date, nullable=True),
    ForeignKeyConstraint(["case_id"], ["cases.case_id"], name="fk_promises_to_pay_case_id_cases"),
    Index("uq_promises_to_pay_case_open", "case_id", unique=True,
          postgresql_where=text("state = 'OPEN'")),
    Index("ix_promises_to_pay_borrower_id", "borrower_id"),
    Index("ix_promises_to_pay_due", "promised_date", postgresql_where=text("state = 'OPEN'")),
)

case_recoveries = Table(
    "case_recoveries",
    metadata,
    Column("repayment_id", String(64), primary_key=True),
    Column("movement", String(16), primary_key=True),
    Column("case_id", UUID(as_uuid=True), nullable=False),
    Column("loan_id", String(64), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("value_date", Date, nullable=False),
    Column("recorded_at", _TS, nullable=False),
    # The promise a posted repayment counted toward (NULL: none), so its reversal is charged to
    # that one; counted_toward_recorded is false on rows from before migration 0006 (unknown).
    Column("counted_toward_promise_id", UUID(as_uuid=True), nullable=True),
    Column("counted_toward_recorded", Boolean, nullable=False, server_default=text("false")),
    ForeignKeyConstraint(["case_id"], ["cases.case_id"], name="fk_case_recoveries_case_id_cases"),
    Index("ix_case_recoveries_case_id", "case_id", "value_date"),
)

pre_due_reminders = Table(
    "pre_due_reminders",
    metadata,
    Column("loan_id", String(64), primary_key=True),
    Column("installment_sequence", Integer, primary_key=True),
    Column("days_until_due", Integer, primary_key=True),
    Column("borrower_id", String(64), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("amount_due_fen", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("strategy_version_id", UUID(as_uuid=True), nullable=False),
    Column("treatments", _texts(), nullable=False),
    # Set by the reminder worker once the outcome is final (sent, refused, expired …).
    Column("dispatched_at", _TS, nullable=True),
    Column("created_at", _TS, nullable=False),
    # Migration 0004: what the reminder worker did (collection.domain.reminders).
    Column("outcome", String(32), nullable=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", _TS, nullable=True),
    Column("channel", String(16), nullable=True),
    Column("check_id", UUID(as_uuid=True), nullable=True),
    Column("attempt_id", UUID(as_uuid=True), nullable=True),
    Column("refusal_reasons", _texts(), nullable=True),
    Index("ix_pre_due_reminders_pending", "business_date",
          postgresql_where=text("dispatched_at IS NULL")),
    CheckConstraint(
        "outcome IS NULL OR outcome IN "
        "('SENT', 'REFUSED', 'DEFERRED', 'NO_CONTACT_POINT', 'EXPIRED')",
        name="outcome_known",
    ),
    CheckConstraint(
        "(dispatched_at IS NULL) = (outcome IS NULL OR outcome = 'DEFERRED')",
        name="done_when_final",
    ),
)
