"""The consent ledger: table ``consents``.

Written out in full (not generated from adapters/tables.py at run time) so this revision stays
what it was when the declared schema changes later.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_PURPOSES = "ARRAY['PRE_LOAN_APPROVAL', 'POST_LOAN_MANAGEMENT', 'CREDIT_LIMIT_REVIEW', " \
    "'IDENTITY_VERIFICATION']::varchar[]"
_SECTIONS = "ARRAY['BASIC_INFO', 'SUMMARY', 'CREDIT_TRANSACTIONS', 'PUBLIC_RECORDS', " \
    "'INQUIRY_RECORDS']::varchar[]"


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("consent_id", sa.UUID(), nullable=False),
        sa.Column("borrower_id", sa.String(length=128), nullable=False),
        sa.Column("purposes", postgresql.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("sections", postgresql.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signer_verification_reference", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=200), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_reason", sa.String(length=40), nullable=True),
        sa.Column("revocation_note", sa.String(length=500), nullable=True),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("valid_until > valid_from", name=op.f("ck_consents_valid_window")),
        sa.CheckConstraint(
            "valid_from >= signed_at", name=op.f("ck_consents_valid_from_after_signing")
        ),
        sa.CheckConstraint(
            "cardinality(purposes) >= 1", name=op.f("ck_consents_purposes_not_empty")
        ),
        sa.CheckConstraint(
            "cardinality(sections) >= 1", name=op.f("ck_consents_sections_not_empty")
        ),
        sa.CheckConstraint(f"purposes <@ {_PURPOSES}", name=op.f("ck_consents_purposes_known")),
        sa.CheckConstraint(f"sections <@ {_SECTIONS}", name=op.f("ck_consents_sections_known")),
        sa.CheckConstraint(
            "channel IN ('MOBILE_APP', 'WEB', 'PAPER', 'RECORDED_CALL')",
            name=op.f("ck_consents_channel_known"),
        ),
        sa.CheckConstraint(
            "document_sha256 ~ '^[0-9a-f]{64}$'", name=op.f("ck_consents_document_sha256_hex")
        ),
        sa.CheckConstraint(
            "(revoked_at IS NULL AND revocation_reason IS NULL AND revoked_by IS NULL)"
            " OR (revoked_at IS NOT NULL AND revoked_by IS NOT NULL AND revocation_reason IN"
            " ('BORROWER_WITHDREW', 'EVIDENCE_INVALID', 'RELATIONSHIP_ENDED', 'OTHER'))",
            name=op.f("ck_consents_revocation_complete"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_consents_version_positive")),
        sa.PrimaryKeyConstraint("consent_id", name=op.f("pk_consents")),
    )
    op.create_index(
        "ix_consents_borrower_granted",
        "consents",
        ["borrower_id", sa.text("granted_at DESC"), sa.text("consent_id DESC")],
    )


def downgrade() -> None:
    op.drop_index("ix_consents_borrower_granted", table_name="consents")
    op.drop_table("consents")
