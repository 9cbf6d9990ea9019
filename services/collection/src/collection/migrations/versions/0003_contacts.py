"""collection: contacts tables (jurisdiction profiles seeded with CN and US version 1, debtor
profiles, contact points, do-not-contact flags, gate checks, the append-only contact log,
message dispatches).

Revision ID: 0003
Revises: 0002
"""

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_CHANNELS = "'SMS', 'APP_PUSH', 'IVR', 'AGENT_CALL', 'EMAIL', 'LETTER', 'FIELD_VISIT'"
_PARTIES = "'DEBTOR', 'THIRD_PARTY'"
_POINT_KINDS = "'PHONE', 'EMAIL', 'POSTAL_ADDRESS'"
_DNC_REASONS = (
    "'COMPLAINT', 'REPRESENTED_BY_LAWYER', 'DECEASED', 'DISPUTE_PENDING', 'CHANNEL_STOP'"
)
_OUTCOMES = (
    "'RIGHT_PARTY_CONTACT', 'NO_ANSWER', 'WRONG_NUMBER', 'REFUSED_TO_PAY', 'PROMISE_TO_PAY',"
    " 'THIRD_PARTY_CONTACT', 'LEFT_MESSAGE', 'DELIVERED', 'NOT_DELIVERED'"
)

# Version 1 of the built-in profiles; the same figures as collection.domain.jurisdiction.
_SEED = [
    {
        "profile_id": uuid.UUID("5f1c0000-0000-4000-8000-00000000c401"),
        "code": "CN",
        "quiet_hours_start_minute": 1320,
        "quiet_hours_end_minute": 480,
        "quiet_hours_waivable_by_consent": True,
        "max_connected_calls_per_day": 3,
        "max_unanswered_calls_per_number_per_day": 6,
        "max_calls_per_7_days": 0,
        "conversation_cool_off_days": 0,
        "third_party_emergency_contacts_only": True,
        "max_third_party_contacts_per_7_days": 0,
    },
    {
        "profile_id": uuid.UUID("5f1c0000-0000-4000-8000-00000000a501"),
        "code": "US",
        "quiet_hours_start_minute": 1260,
        "quiet_hours_end_minute": 480,
        "quiet_hours_waivable_by_consent": True,
        "max_connected_calls_per_day": 0,
        "max_unanswered_calls_per_number_per_day": 0,
        "max_calls_per_7_days": 7,
        "conversation_cool_off_days": 7,
        "third_party_emergency_contacts_only": True,
        "max_third_party_contacts_per_7_days": 1,
    },
]


def upgrade() -> None:
    profiles = op.create_table(
        "jurisdiction_profiles",
        sa.Column("profile_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("quiet_hours_start_minute", sa.Integer(), nullable=False),
        sa.Column("quiet_hours_end_minute", sa.Integer(), nullable=False),
        sa.Column("quiet_hours_waivable_by_consent", sa.Boolean(), nullable=False),
        sa.Column("max_connected_calls_per_day", sa.Integer(), nullable=False),
        sa.Column("max_unanswered_calls_per_number_per_day", sa.Integer(), nullable=False),
        sa.Column("max_calls_per_7_days", sa.Integer(), nullable=False),
        sa.Column("conversation_cool_off_days", sa.Integer(), nullable=False),
        sa.Column("call_channels", postgresql.ARRAY(sa.String(16)), nullable=False),
        sa.Column("third_party_emergency_contacts_only", sa.Boolean(), nullable=False),
        sa.Column("max_third_party_contacts_per_7_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("profile_id", name="pk_jurisdiction_profiles"),
        sa.UniqueConstraint("code", "version", name="uq_jurisdiction_profiles_code_version"),
        sa.CheckConstraint("version >= 1", name="ck_jurisdiction_profiles_version_positive"),
        sa.CheckConstraint(
            "quiet_hours_start_minute BETWEEN 0 AND 1439"
            " AND quiet_hours_end_minute BETWEEN 0 AND 1439"
            " AND quiet_hours_start_minute <> quiet_hours_end_minute",
            name="ck_jurisdiction_profiles_quiet_hours_possible",
        ),
        sa.CheckConstraint(
            "max_connected_calls_per_day >= 0 AND max_unanswered_calls_per_number_per_day >= 0"
            " AND max_calls_per_7_days >= 0 AND conversation_cool_off_days >= 0"
            " AND max_third_party_contacts_per_7_days >= 0",
            name="ck_jurisdiction_profiles_caps_non_negative",
        ),
    )
    op.bulk_insert(
        profiles,
        [
            {
                **row,
                "version": 1,
                "effective_from": dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
                "call_channels": ["IVR", "AGENT_CALL"],
                "created_at": dt.datetime.now(dt.UTC),
                "created_by": "migration:0003",
            }
            for row in _SEED
        ],
    )

    op.create_table(
        "debtor_profiles",
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("jurisdiction_code", sa.String(16), nullable=False),
        sa.Column(
            "preferred_windows", postgresql.JSONB(), nullable=False,
            server_default=sa.text("'[]'::jsonb"),
        ),
        sa.Column("quiet_hours_consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("borrower_id", name="pk_debtor_profiles"),
    )

    op.create_table(
        "contact_points",
        sa.Column("contact_point_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("party", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("value_blind_index", sa.String(64), nullable=False),
        sa.Column("masked_value", sa.String(128), nullable=False),
        sa.Column("relationship", sa.String(16), nullable=True),
        sa.Column("emergency_contact", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deactivation_reason", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("contact_point_id", name="pk_contact_points"),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["debtor_profiles.borrower_id"],
            name="fk_contact_points_borrower_id_debtor_profiles", ondelete="RESTRICT",
        ),
        sa.CheckConstraint(f"party IN ({_PARTIES})", name="ck_contact_points_party_known"),
        sa.CheckConstraint(f"kind IN ({_POINT_KINDS})", name="ck_contact_points_kind_known"),
    )
    op.create_index("ix_contact_points_borrower_id", "contact_points", ["borrower_id"])
    op.create_index(
        "ix_contact_points_value_blind_index", "contact_points",
        ["borrower_id", "kind", "value_blind_index"],
    )

    op.create_table(
        "do_not_contact_flags",
        sa.Column("flag_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("contact_point_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_by", sa.String(128), nullable=True),
        sa.Column("clear_reason", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("flag_id", name="pk_do_not_contact_flags"),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["debtor_profiles.borrower_id"],
            name="fk_do_not_contact_flags_borrower_id_debtor_profiles", ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["contact_point_id"], ["contact_points.contact_point_id"],
            name="fk_do_not_contact_flags_contact_point_id_contact_points", ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            f"reason IN ({_DNC_REASONS})", name="ck_do_not_contact_flags_reason_known"
        ),
    )
    op.create_index(
        "ix_do_not_contact_flags_borrower_id", "do_not_contact_flags", ["borrower_id"]
    )

    op.create_table(
        "contact_checks",
        sa.Column("check_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("party", sa.String(16), nullable=False),
        sa.Column("contact_point_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("agent_id", sa.String(128), nullable=True),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("refusal_reasons", postgresql.ARRAY(sa.String(40)), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("borrower_local_time", sa.String(40), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("jurisdiction_profile", sa.String(32), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clearance_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("check_id", name="pk_contact_checks"),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["debtor_profiles.borrower_id"],
            name="fk_contact_checks_borrower_id_debtor_profiles", ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "decision IN ('ALLOWED', 'REFUSED')", name="ck_contact_checks_decision_known"
        ),
        sa.CheckConstraint(f"channel IN ({_CHANNELS})", name="ck_contact_checks_channel_known"),
        sa.CheckConstraint(
            "(decision = 'ALLOWED') = (clearance_expires_at IS NOT NULL)",
            name="ck_contact_checks_clearance_only_when_allowed",
        ),
    )
    op.create_index(
        "ix_contact_checks_checked_at", "contact_checks", ["checked_at", "check_id"]
    )
    op.create_index(
        "ix_contact_checks_open_clearances", "contact_checks",
        ["borrower_id", "clearance_expires_at"],
        postgresql_where=sa.text(
            "decision = 'ALLOWED' AND used_at IS NULL AND released_at IS NULL"
        ),
    )

    op.create_table(
        "contact_attempts",
        sa.Column("attempt_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("check_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=True),
        sa.Column("borrower_id", sa.String(64), nullable=False),
        sa.Column("contact_point_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("party", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("connected", sa.Boolean(), nullable=False),
        sa.Column("conversation", sa.Boolean(), nullable=False),
        sa.Column("agent_id", sa.String(128), nullable=True),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recording_reference", sa.String(200), nullable=False, server_default=""),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("attempt_id", name="pk_contact_attempts"),
        sa.UniqueConstraint("check_id", name="uq_contact_attempts_check_id"),
        sa.ForeignKeyConstraint(
            ["check_id"], ["contact_checks.check_id"],
            name="fk_contact_attempts_check_id_contact_checks", ondelete="RESTRICT",
        ),
        sa.CheckConstraint(f"outcome IN ({_OUTCOMES})", name="ck_contact_attempts_outcome_known"),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at >= started_at",
            name="ck_contact_attempts_ends_after_start",
        ),
    )
    op.create_index(
        "ix_contact_attempts_borrower_started", "contact_attempts", ["borrower_id", "started_at"]
    )
    op.create_index(
        "ix_contact_attempts_started", "contact_attempts", ["started_at", "attempt_id"]
    )
    # The contact log is append-only (kept at least 3 years): no UPDATE, no DELETE.
    op.execute(
        """
        CREATE FUNCTION contact_attempts_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'contact_attempts is append-only';
        END;
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER contact_attempts_append_only BEFORE UPDATE OR DELETE ON contact_attempts"
        " FOR EACH ROW EXECUTE FUNCTION contact_attempts_append_only()"
    )

    op.create_table(
        "message_dispatches",
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("check_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("request_id", name="pk_message_dispatches"),
        sa.CheckConstraint(
            "state IN ('PENDING', 'DONE')", name="ck_message_dispatches_state_known"
        ),
    )


def downgrade() -> None:
    op.drop_table("message_dispatches")
    op.execute("DROP TRIGGER contact_attempts_append_only ON contact_attempts")
    op.execute("DROP FUNCTION contact_attempts_append_only()")
    op.drop_table("contact_attempts")
    op.drop_table("contact_checks")
    op.drop_table("do_not_contact_flags")
    op.drop_table("contact_points")
    op.drop_table("debtor_profiles")
    op.drop_table("jurisdiction_profiles")
