"""Identity verifications, stored credit reports, inquiries and the hash-chained inquiry
records (append-only: a trigger refuses UPDATE, DELETE and TRUNCATE).

Written out in full so this revision stays what it was when the declared schema changes later.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_PURPOSES = "('PRE_LOAN_APPROVAL', 'POST_LOAN_MANAGEMENT', 'CREDIT_LIMIT_REVIEW', " \
    "'IDENTITY_VERIFICATION')"


def upgrade() -> None:
    op.create_table(
        "identity_verifications",
        sa.Column("verification_id", sa.UUID(), nullable=False),
        sa.Column("borrower_id", sa.String(length=128), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("consent_id", sa.UUID(), nullable=False),
        sa.Column("bureau_reference", sa.String(length=100), nullable=False),
        sa.Column("name_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("resident_id_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("mobile_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("resident_id_index", sa.String(length=64), nullable=False),
        sa.Column("masked_name", sa.String(length=64), nullable=False),
        sa.Column("masked_resident_id_number", sa.String(length=18), nullable=False),
        sa.Column("masked_mobile", sa.String(length=11), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('MATCHED', 'NAME_MISMATCH', 'MOBILE_MISMATCH', 'NOT_FOUND')",
            name=op.f("ck_identity_verifications_outcome_known"),
        ),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consents.consent_id"],
            name=op.f("fk_identity_verifications_consent_id_consents"),
        ),
        sa.PrimaryKeyConstraint("verification_id", name=op.f("pk_identity_verifications")),
    )
    op.create_index(
        "ix_identity_verifications_borrower",
        "identity_verifications",
        ["borrower_id", "outcome", sa.text("verified_at DESC")],
    )
    op.create_index(
        "ix_identity_verifications_resident_id", "identity_verifications", ["resident_id_index"]
    )

    op.create_table(
        "credit_reports",
        sa.Column("report_id", sa.UUID(), nullable=False),
        sa.Column("borrower_id", sa.String(length=128), nullable=False),
        sa.Column("bureau_report_number", sa.String(length=64), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retrieved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purge_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sections", postgresql.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("body_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(body_encrypted IS NULL) = (purged_at IS NOT NULL)",
            name=op.f("ck_credit_reports_purged_has_no_body"),
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_credit_reports")),
    )
    op.create_index(
        "ix_credit_reports_purge_due",
        "credit_reports",
        ["purge_after"],
        postgresql_where=sa.text("purged_at IS NULL"),
    )

    op.create_table(
        "inquiries",
        sa.Column("inquiry_id", sa.UUID(), nullable=False),
        sa.Column("borrower_id", sa.String(length=128), nullable=False),
        sa.Column("loan_id", sa.String(length=128), nullable=True),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("inquiry_type", sa.String(length=10), nullable=False),
        sa.Column("consent_id", sa.UUID(), nullable=False),
        sa.Column("sections", postgresql.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("report_id", sa.UUID(), nullable=True),
        sa.Column("reused_inquiry_id", sa.UUID(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("model_version", sa.String(length=64), nullable=True),
        sa.Column("reason_codes", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("risk_features", postgresql.JSONB(), nullable=True),
        sa.Column("explanation", postgresql.JSONB(), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"purpose IN {_PURPOSES}", name=op.f("ck_inquiries_purpose_known")),
        sa.CheckConstraint(
            "inquiry_type IN ('HARD', 'SOFT')", name=op.f("ck_inquiries_inquiry_type_known")
        ),
        sa.CheckConstraint(
            "outcome IN ('REPORT_RETRIEVED', 'REPORT_REUSED', 'NO_RECORD')",
            name=op.f("ck_inquiries_outcome_known"),
        ),
        sa.CheckConstraint(
            "(outcome = 'NO_RECORD') = (report_id IS NULL)",
            name=op.f("ck_inquiries_report_unless_no_record"),
        ),
        sa.CheckConstraint(
            "(outcome = 'REPORT_REUSED') = (reused_inquiry_id IS NOT NULL)",
            name=op.f("ck_inquiries_reuse_has_source"),
        ),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consents.consent_id"], name=op.f("fk_inquiries_consent_id_consents")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["credit_reports.report_id"],
            name=op.f("fk_inquiries_report_id_credit_reports"),
        ),
        sa.ForeignKeyConstraint(
            ["reused_inquiry_id"], ["inquiries.inquiry_id"],
            name=op.f("fk_inquiries_reused_inquiry_id_inquiries"),
        ),
        sa.PrimaryKeyConstraint("inquiry_id", name=op.f("pk_inquiries")),
    )
    op.create_index(
        "ix_inquiries_borrower_completed",
        "inquiries",
        ["borrower_id", sa.text("completed_at DESC")],
    )
    op.create_index(
        "ix_inquiries_borrower_retrieved",
        "inquiries",
        ["borrower_id", sa.text("completed_at DESC")],
        postgresql_where=sa.text("outcome = 'REPORT_RETRIEVED'"),
    )

    op.create_table(
        "inquiry_records",
        sa.Column("sequence", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("borrower_id", sa.String(length=128), nullable=False),
        sa.Column("inquiry_id", sa.UUID(), nullable=True),
        sa.Column("report_id", sa.UUID(), nullable=True),
        sa.Column("purpose", sa.String(length=40), nullable=True),
        sa.Column("consent_id", sa.UUID(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("record_hash", sa.String(length=64), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("sequence >= 1", name=op.f("ck_inquiry_records_sequence_positive")),
        sa.CheckConstraint(
            "kind IN ('BUREAU_QUERY', 'REUSE', 'REPORT_READ', 'REPORT_PURGED', 'IDENTITY_MATCH')",
            name=op.f("ck_inquiry_records_kind_known"),
        ),
        sa.PrimaryKeyConstraint("sequence", name=op.f("pk_inquiry_records")),
    )
    op.create_index(
        "ix_inquiry_records_borrower", "inquiry_records", ["borrower_id", "sequence"]
    )
    op.create_index("ix_inquiry_records_actor", "inquiry_records", ["actor", "sequence"])
    op.create_index("ix_inquiry_records_consent", "inquiry_records", ["consent_id"])
    op.execute(
        """
        CREATE FUNCTION inquiry_records_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'inquiry_records is append-only (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER inquiry_records_no_update_delete BEFORE UPDATE OR DELETE"
        " ON inquiry_records FOR EACH ROW EXECUTE FUNCTION inquiry_records_append_only()"
    )
    op.execute(
        "CREATE TRIGGER inquiry_records_no_truncate BEFORE TRUNCATE"
        " ON inquiry_records FOR EACH STATEMENT EXECUTE FUNCTION inquiry_records_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER inquiry_records_no_truncate ON inquiry_records")
    op.execute("DROP TRIGGER inquiry_records_no_update_delete ON inquiry_records")
    op.execute("DROP FUNCTION inquiry_records_append_only()")
    op.drop_index("ix_inquiry_records_consent", table_name="inquiry_records")
    op.drop_index("ix_inquiry_records_actor", table_name="inquiry_records")
    op.drop_index("ix_inquiry_records_borrower", table_name="inquiry_records")
    op.drop_table("inquiry_records")
    op.drop_index("ix_inquiries_borrower_retrieved", table_name="inquiries")
    op.drop_index("ix_inquiries_borrower_completed", table_name="inquiries")
    op.drop_table("inquiries")
    op.drop_index("ix_credit_reports_purge_due", table_name="credit_reports")
    op.drop_table("credit_reports")
    op.drop_index("ix_identity_verifications_resident_id", table_name="identity_verifications")
    op.drop_index("ix_identity_verifications_borrower", table_name="identity_verifications")
    op.drop_table("identity_verifications")
