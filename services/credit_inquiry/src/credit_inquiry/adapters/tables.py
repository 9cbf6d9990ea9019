"""The credit-inquiry database schema. Alembic migrations (../migrations) build it; this module is
what they and the repositories are written against."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID

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
