"""The credit-inquiry database schema. Alembic migrations (../migrations) build it; this module is
what they and the repositories are written against."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Sequence,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from postloan_runtime.db import new_metadata

metadata = new_metadata()

PURPOSES = ("PRE_LOAN_APPROVAL", "POST_LOAN_MANAGEMENT", "CREDIT_LIMIT_REVIEW",
            "IDENTITY_VERIFICATION")
SECTIONS = ("BASIC_INFO", "SUMMARY", "CREDIT_TRANSACTIONS", "PUBLIC_RECORDS", "INQUIRY_RECORDS")
CHANNELS = ("MOBILE_APP", "WEB", "PAPER", "RECORDED_CALL")
REVOCATION_REASONS = ("BORROWER_WITHDREW", "EVIDENCE_INVALID", "RELATIONSHIP_ENDED", "OTHER")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _subset_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} <@ ARRAY[{', '.join(repr(v) for v in values)}]::varchar[]"


# The consent ledger. State (active, pending, expired, revoked) is derived at read time from
# the window and the revocation columns; it is never stored. Instants are UTC (timestamptz).
consents = Table(
    "consents",
    metadata,
    Column("consent_id", UUID(as_uuid=True), primary_key=True),
    Column("borrower_id", String(128), nullable=False),
    Column("purposes", ARRAY(String(40)), nullable=False),
    Column("sections", ARRAY(String(40)), nullable=False),
    Column("channel", String(40), nullable=False),
    Column("document_sha256", String(64), nullable=False),
    Column("signed_at", DateTime(timezone=True), nullable=False),
    Column("signer_verification_reference", String(200), nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True), nullable=False),
    Column("granted_at", DateTime(timezone=True), nullable=False),
    Column("granted_by", String(200), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("revocation_reason", String(40), nullable=True),
    Column("revocation_note", String(500), nullable=True),
    Column("revoked_by", String(200), nullable=True),
    # Optimistic concurrency: every update bumps it and checks the value it read.
    Column("version", Integer, nullable=False),
    CheckConstraint("valid_until > valid_from", name="valid_window"),
    CheckConstraint("valid_from >= signed_at", name="valid_from_after_signing"),
    CheckConstraint("cardinality(purposes) >= 1", name="purposes_not_empty"),
    CheckConstraint("cardinality(sections) >= 1", name="sections_not_empty"),
    CheckConstraint(_subset_of("purposes", PURPOSES), name="purposes_known"),
    CheckConstraint(_subset_of("sections", SECTIONS), name="sections_known"),
    CheckConstraint(_one_of("channel", CHANNELS), name="channel_known"),
    CheckConstraint("document_sha256 ~ '^[0-9a-f]{64}$'", name="document_sha256_hex"),
    CheckConstraint(
        "(revoked_at IS NULL AND revocation_reason IS NULL AND revoked_by IS NULL)"
        " OR (revoked_at IS NOT NULL AND revoked_by IS NOT NULL AND "
        + _one_of("revocation_reason", REVOCATION_REASONS)
        + ")",
        name="revocation_complete",
    ),
    CheckConstraint("version >= 1", name="version_positive"),
)
# ListConsents: a borrower's consents, newest first (keyset pagination on granted_at, id).
Index(
    "ix_consents_borrower_granted",
    consents.c.borrower_id,
    consents.c.granted_at.desc(),
    consents.c.consent_id.desc(),
)

# --- identity verifications, reports, inquiries, the record chain (revision 0003) ----------

OUTCOMES_IDENTITY = ("MATCHED", "NAME_MISMATCH", "MOBILE_MISMATCH", "NOT_FOUND")
INQUIRY_TYPES = ("HARD", "SOFT")
INQUIRY_OUTCOMES = ("REPORT_RETRIEVED", "REPORT_REUSED", "NO_RECORD")
RECORD_KINDS = ("BUREAU_QUERY", "REUSE", "REPORT_READ", "REPORT_PURGED", "IDENTITY_MATCH")

# Personal data only encrypted (PiiCipher, context-bound per column) and masked; the resident
# ID number is found by its blind index (keyed HMAC), never by its clear value.
identity_verifications = Table(
    "identity_verifications",
    metadata,
    Column("verification_id", UUID(as_uuid=True), primary_key=True),
    Column("borrower_id", String(128), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("consent_id", UUID(as_uuid=True), ForeignKey("consents.consent_id"), nullable=False),
    Column("bureau_reference", String(100), nullable=False),
    Column("name_encrypted", LargeBinary, nullable=False),
    Column("resident_id_encrypted", LargeBinary, nullable=False),
    Column("mobile_encrypted", LargeBinary, nullable=False),
    Column("resident_id_index", String(64), nullable=False),
    Column("masked_name", String(64), nullable=False),
    Column("masked_resident_id_number", String(18), nullable=False),
    Column("masked_mobile", String(11), nullable=False),
    Column("verified_at", DateTime(timezone=True), nullable=False),
    Column("requested_by", String(200), nullable=False),
    CheckConstraint(_one_of("outcome", OUTCOMES_IDENTITY), name="outcome_known"),
)
Index(
    "ix_identity_verifications_borrower",
    identity_verifications.c.borrower_id,
    identity_verifications.c.outcome,
    identity_verifications.c.verified_at.desc(),
)
Index("ix_identity_verifications_resident_id", identity_verifications.c.resident_id_index)

# Stored reports: the contract's masked CreditReport, serialized and encrypted (context bound to
# the report id). Purging drops the body and keeps the row (who retrieved what, when).
credit_reports = Table(
    "credit_reports",
    metadata,
    Column("report_id", UUID(as_uuid=True), primary_key=True),
    Column("borrower_id", String(128), nullable=False),
    Column("bureau_report_number", String(64), nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("retrieved_at", DateTime(timezone=True), nullable=False),
    Column("purge_after", DateTime(timezone=True), nullable=False),
    Column("sections", ARRAY(String(40)), nullable=False),
    Column("body_encrypted", LargeBinary, nullable=True),
    Column("purged_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(
        "(body_encrypted IS NULL) = (purged_at IS NOT NULL)", name="purged_has_no_body"
    ),
)
Index(
    "ix_credit_reports_purge_due",
    credit_reports.c.purge_after,
    postgresql_where=credit_reports.c.purged_at.is_(None),
)

inquiries = Table(
    "inquiries",
    metadata,
    Column("inquiry_id", UUID(as_uuid=True), primary_key=True),
    Column("borrower_id", String(128), nullable=False),
    Column("loan_id", String(128), nullable=True),
    Column("purpose", String(40), nullable=False),
    Column("inquiry_type", String(10), nullable=False),
    Column("consent_id", UUID(as_uuid=True), ForeignKey("consents.consent_id"), nullable=False),
    Column("sections", ARRAY(String(40)), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("report_id", UUID(as_uuid=True), ForeignKey("credit_reports.report_id"),
           nullable=True),
    Column("reused_inquiry_id", UUID(as_uuid=True), ForeignKey("inquiries.inquiry_id"),
           nullable=True),
    Column("score", Integer, nullable=True),
    Column("model_version", String(64), nullable=True),
    Column("reason_codes", ARRAY(String(64)), nullable=False),
    Column("risk_features", JSONB, nullable=True),
    Column("explanation", JSONB, nullable=True),
    Column("requested_by", String(200), nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(_one_of("purpose", PURPOSES), name="purpose_known"),
    CheckConstraint(_one_of("inquiry_type", INQUIRY_TYPES), name="inquiry_type_known"),
    CheckConstraint(_one_of("outcome", INQUIRY_OUTCOMES), name="outcome_known"),
    CheckConstraint(
        "(outcome = 'NO_RECORD') = (report_id IS NULL)", name="report_unless_no_record"
    ),
    CheckConstraint(
        "(outcome = 'REPORT_REUSED') = (reused_inquiry_id IS NOT NULL)", name="reuse_has_source"
    ),
)
Index("ix_inquiries_borrower_completed", inquiries.c.borrower_id, inquiries.c.completed_at.desc())
# The reuse lookup: a borrower's newest retrieval (reuses, often many, are not scanned).
Index(
    "ix_inquiries_borrower_retrieved",
    inquiries.c.borrower_id,
    inquiries.c.completed_at.desc(),
    postgresql_where=inquiries.c.outcome == "REPORT_RETRIEVED",
)

# The append-only, hash-chained record of every query, reuse, read, purge and identity match.
# A trigger refuses UPDATE, DELETE and TRUNCATE; the hash chain detects what gets past it.
inquiry_records = Table(
    "inquiry_records",
    metadata,
    # Service-wide listing order (drawn from a sequence: not gap-free, see the chain columns).
    Column(
        "sequence", BigInteger, Sequence("inquiry_records_sequence_seq"), primary_key=True,
        autoincrement=False,
    ),
    # Which hash chain (a partition of borrowers) and the gap-free position in it.
    Column("chain", SmallInteger, nullable=False),
    Column("chain_sequence", BigInteger, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("borrower_id", String(128), nullable=False),
    Column("inquiry_id", UUID(as_uuid=True), nullable=True),
    Column("report_id", UUID(as_uuid=True), nullable=True),
    Column("purpose", String(40), nullable=True),
    Column("consent_id", UUID(as_uuid=True), nullable=True),
    Column("outcome", String(20), nullable=True),
    Column("actor", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("note", String(200), nullable=True),
    Column("record_hash", String(64), nullable=False),
    Column("previous_hash", String(64), nullable=False),
    CheckConstraint("sequence >= 1", name="sequence_positive"),
    CheckConstraint("chain_sequence >= 1", name="chain_sequence_positive"),
    CheckConstraint(_one_of("kind", RECORD_KINDS), name="kind_known"),
    UniqueConstraint("chain", "chain_sequence"),
)
Index("ix_inquiry_records_borrower", inquiry_records.c.borrower_id, inquiry_records.c.sequence)
Index("ix_inquiry_records_actor", inquiry_records.c.actor, inquiry_records.c.sequence)
Index("ix_inquiry_records_consent", inquiry_records.c.consent_id)
