"""collection: cases and their history, strategies, agents and agencies, assignments, promises
to pay, recoveries, pauses by restructuring plans, pre-due reminders; the default strategy.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TIERS = "'EARLY', 'MIDDLE', 'LATE', 'WRITE_OFF'"
_CASE_STATES = "'OPEN', 'PAUSED', 'CLOSED'"
_ARMS = "'CHAMPION', 'CHALLENGER'"
_PROMISE_STATES = "'OPEN', 'KEPT', 'BROKEN', 'CANCELLED'"
_TS = sa.DateTime(timezone=True)

# The strategy every fresh database starts with (champion), so cases can be tiered before an
# operator writes one. Data, not code: a new version replaces it through StrategyService.
DEFAULT_STRATEGY_ID = "00000000-0000-4000-8000-000000000001"


def _text_array() -> ARRAY:
    return ARRAY(sa.String(64))


def upgrade() -> None:
    op.create_table(
        "strategy_versions",
        sa.Column("strategy_version_id", UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(1000), nullable=False, server_default=""),
        sa.Column("pre_due_treatments", _text_array(), nullable=False),
        sa.Column("champion", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("challenger", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("challenger_share", sa.Numeric(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("strategy_version_id", name="pk_strategy_versions"),
        sa.UniqueConstraint("name", "version", name="uq_strategy_versions_name"),
        sa.CheckConstraint("version >= 1", name="ck_strategy_versions_version_positive"),
        sa.CheckConstraint("NOT (champion AND challenger)", name="ck_strategy_versions_one_role"),
        sa.CheckConstraint(
            "(challenger AND challenger_share > 0 AND challenger_share < 1) "
            "OR (NOT challenger AND challenger_share IS NULL)",
            name="ck_strategy_versions_share",
        ),
    )
    # At most one champion and one challenger at any time.
    op.create_index(
        "uq_strategy_versions_champion", "strategy_versions", ["champion"], unique=True,
        postgresql_where=sa.text("champion"),
    )
    op.create_index(
        "uq_strategy_versions_challenger", "strategy_versions", ["challenger"], unique=True,
        postgresql_where=sa.text("challenger"),
    )
    op.create_table(
        "strategy_risk_segments",
        sa.Column("strategy_version_id", UUID(as_uuid=True), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("min_score", sa.Integer(), nullable=True),
        sa.Column("max_score", sa.Integer(), nullable=True),
        sa.Column("min_outstanding_fen", sa.BigInteger(), nullable=True),
        sa.Column("max_outstanding_fen", sa.BigInteger(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("strategy_version_id", "code", name="pk_strategy_risk_segments"),
        sa.ForeignKeyConstraint(
            ["strategy_version_id"], ["strategy_versions.strategy_version_id"],
            name="fk_strategy_risk_segments_version",
        ),
    )
    op.create_table(
        "strategy_tier_rules",
        sa.Column("strategy_version_id", UUID(as_uuid=True), nullable=False),
        sa.Column("risk_segment", sa.String(64), nullable=False),
        sa.Column("min_days_past_due", sa.Integer(), nullable=False),
        # NULL: no upper bound.
        sa.Column("max_days_past_due", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("treatments", _text_array(), nullable=False),
        sa.PrimaryKeyConstraint(
            "strategy_version_id", "risk_segment", "min_days_past_due",
            name="pk_strategy_tier_rules",
        ),
        sa.ForeignKeyConstraint(
            ["strategy_version_id", "risk_segment"],
            ["strategy_risk_segments.strategy_version_id", "strategy_risk_segments.code"],
            name="fk_strategy_tier_rules_segment",
        ),
        sa.CheckConstraint(f"tier IN ({_TIERS})", name="ck_strategy_tier_rules_tier"),
        sa.CheckConstraint("min_days_past_due >= 1", name="ck_strategy_tier_rules_min_dpd"),
    )
    op.create_table(
        "borrower_scores",
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.String(64), nullable=False),
        sa.Column("completed_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("borrower_id", name="pk_borrower_scores"),
    )
    op.create_table(
        "agencies",
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("tiers", _text_array(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("commission_rate", sa.Numeric(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("agency_id", name="pk_agencies"),
        sa.CheckConstraint("capacity >= 0", name="ck_agencies_capacity"),
    )
    op.create_table(
        "agents",
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("tiers", _text_array(), nullable=False),
        sa.Column("skills", _text_array(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("agent_id", name="pk_agents"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.agency_id"], name="fk_agents_agency_id_agencies"
        ),
        sa.CheckConstraint("capacity >= 0", name="ck_agents_capacity"),
    )
    op.create_table(
        "cases",
        sa.Column("case_id", UUID(as_uuid=True), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        # Lowest tier the case may be retiered to after escalations (broken promise or plan,
        # supervisor); NULL when never escalated.
        sa.Column("escalation_floor", sa.String(16), nullable=True),
        sa.Column("treatments", _text_array(), nullable=False),
        sa.Column("risk_segment", sa.String(64), nullable=False),
        sa.Column("strategy_version_id", UUID(as_uuid=True), nullable=False),
        sa.Column("strategy_arm", sa.String(16), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=True),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("escalation_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("overdue_fen", sa.BigInteger(), nullable=False),
        sa.Column("overdue_at_opening_fen", sa.BigInteger(), nullable=False),
        sa.Column("recovered_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.String(32), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False, server_default="1"),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("case_id", name="pk_cases"),
        sa.ForeignKeyConstraint(
            ["strategy_version_id"], ["strategy_versions.strategy_version_id"],
            name="fk_cases_strategy_version_id_strategy_versions",
        ),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.agent_id"], name="fk_cases_agent_id_agents"),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.agency_id"], name="fk_cases_agency_id_agencies"
        ),
        sa.CheckConstraint(f"state IN ({_CASE_STATES})", name="ck_cases_state"),
        sa.CheckConstraint(f"tier IN ({_TIERS})", name="ck_cases_tier"),
        sa.CheckConstraint(f"strategy_arm IN ({_ARMS})", name="ck_cases_arm"),
        sa.CheckConstraint(
            "(state = 'CLOSED') = (closed_on IS NOT NULL)", name="ck_cases_closed_on"
        ),
    )
    # One case per borrower that is not closed.
    op.create_index(
        "uq_cases_borrower_live", "cases", ["borrower_id"], unique=True,
        postgresql_where=sa.text("state <> 'CLOSED'"),
    )
    op.create_index("ix_cases_borrower_id", "cases", ["borrower_id"])
    op.create_index(
        "ix_cases_agent_id", "cases", ["agent_id"],
        postgresql_where=sa.text("agent_id IS NOT NULL AND state <> 'CLOSED'"),
    )
    # The assignment queue: open cases with nobody working them, per tier.
    op.create_index(
        "ix_cases_queue", "cases", ["tier", "opened_at", "case_id"],
        postgresql_where=sa.text("state = 'OPEN' AND agent_id IS NULL AND agency_id IS NULL"),
    )
    op.create_index("ix_cases_strategy", "cases", ["strategy_version_id", "strategy_arm"])
    op.create_table(
        "case_loans",
        sa.Column("case_id", UUID(as_uuid=True), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("bucket", sa.String(16), nullable=False),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("overdue_fen", sa.BigInteger(), nullable=False),
        sa.Column("outstanding_principal_fen", sa.BigInteger(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        # Set when the loan left the case (cured, paid off).
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("left_reason", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("case_id", "loan_id", name="pk_case_loans"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.case_id"], name="fk_case_loans_case_id_cases"
        ),
    )
    # A loan is in at most one case at a time.
    op.create_index(
        "uq_case_loans_loan_live", "case_loans", ["loan_id"], unique=True,
        postgresql_where=sa.text("left_on IS NULL"),
    )
    op.create_index("ix_case_loans_loan_id", "case_loans", ["loan_id"])
    op.create_table(
        "loan_pauses",
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("paused_at", _TS, nullable=False),
        sa.Column("lifted_at", _TS, nullable=True),
        sa.Column("lift_reason", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("loan_id", "plan_id", name="pk_loan_pauses"),
    )
    op.create_index(
        "uq_loan_pauses_loan_live", "loan_pauses", ["loan_id"], unique=True,
        postgresql_where=sa.text("lifted_at IS NULL"),
    )
    op.create_table(
        "case_events",
        sa.Column("case_id", UUID(as_uuid=True), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("from_tier", sa.String(16), nullable=True),
        sa.Column("to_tier", sa.String(16), nullable=True),
        sa.Column("agent_id", sa.String(64), nullable=True),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("loan_id", sa.String(64), nullable=True),
        sa.Column("plan_id", sa.String(64), nullable=True),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "sequence", name="pk_case_events"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.case_id"], name="fk_case_events_case_id_cases"
        ),
    )
    # Case history is append-only: the database refuses changes to recorded entries.
    op.execute(
        """
        CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'case_events is append-only';
        END $$;
        """
    )
    op.execute(
        "CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events "
        "FOR EACH ROW EXECUTE FUNCTION case_events_append_only()"
    )
    op.create_table(
        "case_assignments",
        sa.Column("assignment_id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("case_id", UUID(as_uuid=True), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=True),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("continuity", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("assigned_at", _TS, nullable=False),
        sa.Column("ended_at", _TS, nullable=True),
        sa.Column("end_reason", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("assignment_id", name="pk_case_assignments"),
        sa.CheckConstraint(
            "(agent_id IS NULL) <> (agency_id IS NULL)", name="ck_case_assignments_one_holder"
        ),
    )
    op.create_index(
        "ix_case_assignments_continuity", "case_assignments",
        ["borrower_id", "tier", "assigned_at"],
        postgresql_where=sa.text("agent_id IS NOT NULL"),
    )
    op.create_index("ix_case_assignments_case_id", "case_assignments", ["case_id"])
    op.create_table(
        "promises_to_pay",
        sa.Column("promise_id", UUID(as_uuid=True), nullable=False),
        sa.Column("case_id", UUID(as_uuid=True), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("promised_date", sa.Date(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Numeric(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("contact_attempt_id", sa.String(64), nullable=True),
        sa.Column("made_by", sa.String(128), nullable=False),
        sa.Column("made_at", _TS, nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("promise_id", name="pk_promises_to_pay"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.case_id"], name="fk_promises_to_pay_case_id_cases"
        ),
        sa.CheckConstraint("amount_fen > 0", name="ck_promises_to_pay_amount_positive"),
        sa.CheckConstraint("grace_days >= 0", name="ck_promises_to_pay_grace"),
        sa.CheckConstraint("threshold > 0 AND threshold <= 1", name="ck_promises_to_pay_threshold"),
        sa.CheckConstraint(f"state IN ({_PROMISE_STATES})", name="ck_promises_to_pay_state"),
    )
    # One open promise per case.
    op.create_index(
        "uq_promises_to_pay_case_open", "promises_to_pay", ["case_id"], unique=True,
        postgresql_where=sa.text("state = 'OPEN'"),
    )
    op.create_index("ix_promises_to_pay_borrower_id", "promises_to_pay", ["borrower_id"])
    op.create_index(
        "ix_promises_to_pay_due", "promises_to_pay", ["promised_date"],
        postgresql_where=sa.text("state = 'OPEN'"),
    )
    op.create_table(
        "case_recoveries",
        sa.Column("repayment_id", sa.String(64), nullable=False),
        # 'POSTED' or 'REVERSED' (a reversal is stored as a negative amount).
        sa.Column("movement", sa.String(16), nullable=False),
        sa.Column("case_id", UUID(as_uuid=True), nullable=False),
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("repayment_id", "movement", name="pk_case_recoveries"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.case_id"], name="fk_case_recoveries_case_id_cases"
        ),
    )
    op.create_index("ix_case_recoveries_case_id", "case_recoveries", ["case_id", "value_date"])
    op.create_table(
        "pre_due_reminders",
        sa.Column("loan_id", sa.String(64), nullable=False),
        sa.Column("installment_sequence", sa.Integer(), nullable=False),
        sa.Column("days_until_due", sa.Integer(), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount_due_fen", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("strategy_version_id", UUID(as_uuid=True), nullable=False),
        sa.Column("treatments", _text_array(), nullable=False),
        # Set by channel dispatch once the reminder went out (or was refused by the gate).
        sa.Column("dispatched_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint(
            "loan_id", "installment_sequence", "days_until_due", name="pk_pre_due_reminders"
        ),
    )
    op.create_index(
        "ix_pre_due_reminders_pending", "pre_due_reminders", ["business_date"],
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )
    _seed_default_strategy()


def _seed_default_strategy() -> None:
    op.execute(
        f"""
        INSERT INTO strategy_versions (strategy_version_id, name, version, description,
            pre_due_treatments, champion, challenger, created_at, created_by)
        VALUES ('{DEFAULT_STRATEGY_ID}', 'default', 1,
            'Built-in starting strategy: early 1-30, middle 31-90, late 91-180, write-off 181+',
            ARRAY['SMS', 'APP_PUSH'], true, false, now(), 'system')
        """
    )
    op.execute(
        f"""
        INSERT INTO strategy_risk_segments (strategy_version_id, code, priority)
        VALUES ('{DEFAULT_STRATEGY_ID}', 'STANDARD', 1)
        """
    )
    op.execute(
        f"""
        INSERT INTO strategy_tier_rules (strategy_version_id, risk_segment, min_days_past_due,
            max_days_past_due, tier, treatments)
        VALUES
          ('{DEFAULT_STRATEGY_ID}', 'STANDARD', 1, 30, 'EARLY', ARRAY['SMS', 'APP_PUSH', 'IVR']),
          ('{DEFAULT_STRATEGY_ID}', 'STANDARD', 31, 90, 'MIDDLE',
           ARRAY['AGENT_CALL', 'EMAIL', 'LAWYER_LETTER', 'FIELD_VISIT']),
          ('{DEFAULT_STRATEGY_ID}', 'STANDARD', 91, 180, 'LATE',
           ARRAY['LITIGATION', 'PROPERTY_PRESERVATION', 'ENFORCEMENT',
                 'NEGATIVE_CREDIT_REPORTING']),
          ('{DEFAULT_STRATEGY_ID}', 'STANDARD', 181, NULL, 'WRITE_OFF',
           ARRAY['AGENCY_PLACEMENT', 'WRITE_OFF'])
        """
    )


def downgrade() -> None:
    for table in (
        "pre_due_reminders", "case_recoveries", "promises_to_pay", "case_assignments",
        "case_events", "loan_pauses", "case_loans", "cases", "agents", "agencies",
        "borrower_scores", "strategy_tier_rules", "strategy_risk_segments", "strategy_versions",
    ):
        op.drop_table(table)
    op.execute("DROP FUNCTION IF EXISTS case_events_append_only()")
