"""collection's encrypted columns, for the re-encryption pass (``postloan reencrypt-pii``)."""

from __future__ import annotations

from typing import Final

from collection.adapters.contact_tables import contact_points
from collection.service_layer.contacts import POINT_CONTEXT, point_row
from postloan_runtime.pii_reencryption import SealedColumn, SealedTable

SEALED_TABLES: Final = (
    SealedTable(
        contact_points,
        key="contact_point_id",
        row=lambda r: point_row(r["contact_point_id"], r["borrower_id"]),
        columns=(SealedColumn("value_encrypted", POINT_CONTEXT),),
    ),
)
