"""credit-inquiry's encrypted columns, for the re-encryption pass (``postloan reencrypt-pii``)."""

from __future__ import annotations

from typing import Final

from credit_inquiry.adapters.tables import credit_reports, identity_verifications
from credit_inquiry.service_layer.inquiries import (
    MOBILE_CONTEXT,
    NAME_CONTEXT,
    REPORT_BODY_CONTEXT,
    RESIDENT_ID_CONTEXT,
    identity_row,
    report_context,
)
from postloan_runtime.pii_reencryption import SealedColumn, SealedTable

SEALED_TABLES: Final = (
    SealedTable(
        identity_verifications,
        key="verification_id",
        row=lambda r: identity_row(r["verification_id"], r["borrower_id"]),
        columns=(
            SealedColumn("name_encrypted", NAME_CONTEXT),
            SealedColumn("resident_id_encrypted", RESIDENT_ID_CONTEXT),
            SealedColumn("mobile_encrypted", MOBILE_CONTEXT),
        ),
    ),
    SealedTable(
        credit_reports,
        key="report_id",
        row=lambda r: str(r["report_id"]),
        # Version-1 report bodies were already bound to their row, under the same string.
        columns=(
            SealedColumn(
                "body_encrypted", REPORT_BODY_CONTEXT,
                column_bound_context=lambda r: report_context(r["report_id"]),
            ),
        ),
    ),
)
