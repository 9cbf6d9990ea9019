"""Tables of the contact gate, the contact log, debtor profiles and jurisdiction profiles
(migration 0003_contacts builds them), declared on collection's one ``metadata``.

``case_id`` columns carry no foreign key: a pre-due reminder has no case, and cases live in
their own slice. Contact point values are stored only encrypted (``PiiCipher``, context
``collection.contact_point``) with a keyed blind index for equality lookups and a masked form
for display. ``contact_attempts`` is append-only (a trigger refuses UPDATE and DELETE).
"""

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from collection.adapters.tables import metadata

CHANNELS = ("SMS", "APP_PUSH", "IVR", "AGENT_CALL", "EMAIL", "LETTER", "FIELD_VISIT")
PARTIES = ("DEBTOR", "THIRD_PARTY")
POINT_KINDS = ("PHONE", "EMAIL", "POSTAL_ADDRESS")
DNC_REASONS = (
    "COMPLAINT", "REPRESENTED_BY_LAWYER", "DECEASED", "DISPUTE_PENDING", "CHANNEL_STOP",
)
DECISIONS = ("ALLOWED", "REFUSED")
OUTCOMES = (
    "RIGHT_PARTY_CONTACT", "NO_ANSWER", "WRONG_NUMBER", "REFUSED_TO_PAY", "PROMISE_TO_PAY",
    "THIRD_PARTY_CONTACT", "LEFT_MESSAGE", "DELIVERED", "NOT_DELIVERED",
)
DISPATCH_STATES = ("PENDING", "DONE")


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


jurisdiction_profiles = Table(
    "jurisdiction_profiles",
    metadata,
    Column("profile_id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("effective_from", DateTime(timezone=True), nullable=False),
    Column("quiet_hours_start_minute", Integer, nullable=False),
    Column("quiet_hours_end_minute", Integer, nullable=False),
    Column("quiet_hours_waivable_by_consent", Boolean, nullable=False),
    Column("max_connected_calls_per_day", Integer, nullable=False),
    Column("max_unanswered_calls_per_number_per_day", Integer, nullable=False),
    Column("max_calls_per_7_days", Integer, nullable=False),
    Column("conversation_cool_off_days", Integer, nullable=False),
    Column("call_channels", ARRAY(String(16)), nullable=False),
    Column("third_party_emergency_contacts_only", Boolean, nullable=False),
    Column("max_third_party_contacts_per_7_days", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(128), nullable=False),
    UniqueConstraint("code", "version", name="uq_jurisdiction_profiles_code_version"),
    CheckConstraint("version >= 1", name="version_positive"),
    CheckConstraint(
        "quiet_hours_start_minute BETWEEN 0 AND 1439 AND quiet_hours_end_minute BETWEEN 0 AND 1439"
        " AND quiet_hours_start_minute <> quiet_hours_end_minute",
        name="quiet_hours_possible",
    ),
    CheckConstraint(
        "max_connected_calls_per_day >= 0 AND max_unanswered_calls_per_number_per_day >= 0"
        " AND max_calls_per_7_days >= 0 AND conversation_cool_off_days >= 0"
        " AND max_third_party_contacts_per_7_days >= 0",
        name="caps_non_negative",
    ),
)

debtor_profiles = Table(
    "debtor_profiles",
    metadata,
    Column("borrower_id", String(64), primary_key=True),
    Column("time_zone", String(64), nullable=False),
    Column("jurisdiction_code", String(16), nullable=False),
    # [{"days_of_week": [1..7], "start_minute": m, "end_minute": m}, ...]
    Column("preferred_windows", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("quiet_hours_consent_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

contact_points = Table(
    "contact_points",
    metadata,
    Column("contact_point_id", UUID(as_uuid=True), primary_key=True),
    Column(
        "borrower_id", String(64),
        ForeignKey("debtor_profiles.borrower_id", ondelete="RESTRICT"), nullable=False,
    ),
    Column("party", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value_encrypted", LargeBinary, nullable=False),
    Column("value_blind_index", String(64), nullable=False),
    Column("masked_value", String(128), nullable=False),
    Column("relationship", String(16), nullable=True),
    Column("emergency_contact", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("deactivated_at", DateTime(timezone=True), nullable=True),
    Column("deactivation_reason", String(200), nullable=True),
    CheckConstraint(one_of("party", PARTIES), name="party_known"),
    CheckConstraint(one_of("kind", POINT_KINDS), name="kind_known"),
)
Index("ix_contact_points_borrower_id", contact_points.c.borrower_id)
Index(
    "ix_contact_points_value_blind_index",
    contact_points.c.borrower_id, contact_points.c.kind, contact_points.c.value_blind_index,
)

do_not_contact_flags = Table(
    "do_not_contact_flags",
    metadata,
    Column("flag_id", UUID(as_uuid=True), primary_key=True),
    Column(
        "borrower_id", String(64),
        ForeignKey("debtor_profiles.borrower_id", ondelete="RESTRICT"), nullable=False,
    ),
    Column("reason", String(32), nullable=False),
    Column("channel", String(16), nullable=True),
    Column(
        "contact_point_id", UUID(as_uuid=True),
        ForeignKey("contact_points.contact_point_id", ondelete="RESTRICT"), nullable=True,
    ),
    Column("note", String(500), nullable=False, server_default=""),
    Column("set_at", DateTime(timezone=True), nullable=False),
    Column("set_by", String(128), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("cleared_at", DateTime(timezone=True), nullable=True),
    Column("cleared_by", String(128), nullable=True),
    Column("clear_reason", String(500), nullable=True),
    CheckConstraint(one_of("reason", DNC_REASONS), name="reason_known"),
)
Index("ix_do_not_contact_flags_borrower_id", do_not_contact_flags.c.borrower_id)

contact_checks = Table(
    "contact_checks",
    metadata,
    Column("check_id", UUID(as_uuid=True), primary_key=True),
    Column(
        "borrower_id", String(64),
        ForeignKey("debtor_profiles.borrower_id", ondelete="RESTRICT"), nullable=False,
    ),
    Column("case_id", String(64), nullable=True),
    Column("channel", String(16), nullable=False),
    Column("party", String(16), nullable=False),
    Column("contact_point_id", UUID(as_uuid=True), nullable=True),
    Column("agent_id", String(128), nullable=True),
    Column("agency_id", String(64), nullable=True),
    Column("decision", String(16), nullable=False),
    Column("refusal_reasons", ARRAY(String(40)), nullable=False),
    Column("planned_at", DateTime(timezone=True), nullable=False),
    Column("borrower_local_time", String(40), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("jurisdiction_profile", String(32), nullable=False),
    Column("checked_at", DateTime(timezone=True), nullable=False),
    Column("clearance_expires_at", DateTime(timezone=True), nullable=True),
    Column("used_at", DateTime(timezone=True), nullable=True),
    # A clearance given back unused (the channel was down); it no longer holds a slot.
    Column("released_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(one_of("decision", DECISIONS), name="decision_known"),
    CheckConstraint(one_of("channel", CHANNELS), name="channel_known"),
    CheckConstraint(
        "(decision = 'ALLOWED') = (clearance_expires_at IS NOT NULL)",
        name="clearance_only_when_allowed",
    ),
)
Index("ix_contact_checks_checked_at", contact_checks.c.checked_at, contact_checks.c.check_id)
Index(
    "ix_contact_checks_open_clearances",
    contact_checks.c.borrower_id,
    contact_checks.c.clearance_expires_at,
    postgresql_where=text("decision = 'ALLOWED' AND used_at IS NULL AND released_at IS NULL"),
)

contact_attempts = Table(
    "contact_attempts",
    metadata,
    Column("attempt_id", UUID(as_uuid=True), primary_key=True),
    Column(
        "check_id", UUID(as_uuid=True),
        ForeignKey("contact_checks.check_id", ondelete="RESTRICT"), nullable=False, unique=True,
    ),
    Column("case_id", String(64), nullable=True),
    Column("borrower_id", String(64), nullable=False),
    Column("contact_point_id", UUID(as_uuid=True), nullable=True),
    Column("channel", String(16), nullable=False),
    Column("party", String(16), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("connected", Boolean, nullable=False),
    Column("conversation", Boolean, nullable=False),
    Column("agent_id", String(128), nullable=True),
    Column("agency_id", String(64), nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("recording_reference", String(200), nullable=False, server_default=""),
    Column("note", String(500), nullable=False, server_default=""),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(one_of("outcome", OUTCOMES), name="outcome_known"),
    CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
)
Index(
    "ix_contact_attempts_borrower_started",
    contact_attempts.c.borrower_id, contact_attempts.c.started_at,
)
Index("ix_contact_attempts_started", contact_attempts.c.started_at, contact_attempts.c.attempt_id)

# DispatchMessage spans a network call, so its idempotency is its own row (the runtime's
# idempotency claim lives in one transaction): PENDING between check and record, DONE with the
# stored response.
message_dispatches = Table(
    "message_dispatches",
    metadata,
    Column("request_id", String(36), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("check_id", UUID(as_uuid=True), nullable=True),
    Column("state", String(16), nullable=False),
    Column("response", LargeBinary, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(one_of("state", DISPATCH_STATES), name="state_known"),
)
