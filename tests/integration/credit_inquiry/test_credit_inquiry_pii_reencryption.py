"""The re-encryption pass on credit-inquiry's database: column-bound (version 1) blobs and
blobs under an old key become row-bound blobs under the active key, in batches, resumably and
idempotently; the service, refusing version-1 blobs, then works on them."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import grpc
import pytest
from inquiry_harness import InquiryHarness
from sqlalchemy import text

from credit_inquiry.service_layer.inquiries import (
    REPORT_BODY_CONTEXT,
    identity_row,
    report_context,
)
from credit_inquiry.service_layer.sealed_columns import SEALED_TABLES
from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import resources_pb2 as res
from postloan_runtime.pii import PiiCipher
from postloan_runtime.pii_reencryption import reencrypt_tables
from postloan_runtime.testing.pii import (
    new_retired_key,
    retired_cipher,
    strict_cipher_with_retired_key,
)

pytestmark = pytest.mark.integration

PRE_LOAN = res.CONSENT_PURPOSE_PRE_LOAN_APPROVAL
IDENTITY, _REPORTS = SEALED_TABLES
IDENTITY_CONTEXTS = {column.name: column.context for column in IDENTITY.columns}


@pytest.fixture
def ci_cipher(ci_keys_dir: Path) -> PiiCipher:
    """The server's cipher: after a rotation, refusing version-1 blobs."""
    return strict_cipher_with_retired_key(ci_keys_dir / "pii-keys.json", new_retired_key())


async def identities(h: InquiryHarness) -> dict[str, dict[str, object]]:
    async with h.engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT verification_id, borrower_id, name_encrypted, resident_id_encrypted,"
            " mobile_encrypted FROM identity_verifications"
        ))).mappings().all()
    return {r["borrower_id"]: dict(r) for r in rows}


def clear_identity(cipher: PiiCipher, row: dict[str, object]) -> dict[str, str]:
    bound = identity_row(row["verification_id"], row["borrower_id"])  # type: ignore[arg-type]
    return {
        column: cipher.decrypt(row[column], context=context, row=bound)  # type: ignore[arg-type]
        for column, context in IDENTITY_CONTEXTS.items()
    }


async def store(h: InquiryHarness, table: str, key: str, key_value: object,
                values: dict[str, bytes]) -> None:
    assignments = ", ".join(f"{c} = :{c}" for c in values)
    async with h.engine.begin() as conn:
        await conn.execute(
            text(f"UPDATE {table} SET {assignments} WHERE {key} = :key"),  # noqa: S608
            {**values, "key": key_value},
        )


async def report_body(h: InquiryHarness, report_id: str) -> bytes:
    async with h.engine.connect() as conn:
        return await conn.scalar(  # type: ignore[no-any-return]
            text("SELECT body_encrypted FROM credit_reports WHERE report_id = :id"),
            {"id": uuid.UUID(report_id)},
        )


def get_report(h: InquiryHarness, report_id: str):  # type: ignore[no-untyped-def]
    return h.inquiries.GetReport(
        ci.GetReportRequest(report_id=report_id, access_reason="re-encryption check"),
        metadata=h.metadata,
    )


async def test_old_blobs_are_rewritten_row_bound_and_the_strict_service_reads_them(
    inquiry_harness: InquiryHarness, ci_cipher: PiiCipher
) -> None:
    h = inquiry_harness
    consents = {b: await h.onboard(b) for b in ("b-1", "b-2", "b-3")}
    report = await h.inquire("b-1", consents["b-1"].consent_id, purpose=PRE_LOAN)
    written = await identities(h)
    clear = {b: clear_identity(ci_cipher, row) for b, row in written.items()}
    body = ci_cipher.decrypt(
        await report_body(h, report.report_id), context=REPORT_BODY_CONTEXT,
        row=report.report_id,
    )
    # As stored before row binding: b-1's identity and the report column-bound (version 1) ...
    await store(h, "identity_verifications", "verification_id",
                written["b-1"]["verification_id"],
                {c: ci_cipher.encrypt_column_bound(clear["b-1"][c], context=context)
                 for c, context in IDENTITY_CONTEXTS.items()})
    await store(h, "credit_reports", "report_id", uuid.UUID(report.report_id), {
        "body_encrypted": ci_cipher.encrypt_column_bound(
            body, context=report_context(uuid.UUID(report.report_id))
        ),
    })
    # ... and b-2's row-bound but under the retired key k0; b-3's is current.
    retired = retired_cipher(ci_cipher)
    bound = identity_row(written["b-2"]["verification_id"], "b-2")  # type: ignore[arg-type]
    await store(h, "identity_verifications", "verification_id",
                written["b-2"]["verification_id"],
                {c: retired.encrypt(clear["b-2"][c], context=context, row=bound)
                 for c, context in IDENTITY_CONTEXTS.items()})

    # The strict service refuses the version-1 blobs (and calls no bureau).
    queries = h.bureau.queries
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await h.inquire("b-1", consents["b-1"].consent_id, purpose=PRE_LOAN)
    assert caught.value.code() == grpc.StatusCode.INTERNAL
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await get_report(h, report.report_id)
    assert caught.value.code() == grpc.StatusCode.INTERNAL
    assert h.bureau.queries == queries

    # A pass killed after its first batch (one row a batch) keeps what it committed ...
    def killed(rows: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await reencrypt_tables(h.engine, SEALED_TABLES, ci_cipher, batch_size=1,
                               on_batch=killed)
    # ... and the next run rewrites the rest, one batch at a time; then nothing is left.
    batches: list[int] = []
    rewritten = await reencrypt_tables(h.engine, SEALED_TABLES, ci_cipher, batch_size=1,
                                       on_batch=batches.append)
    assert (rewritten, batches) == (2, [1, 1])
    assert await reencrypt_tables(h.engine, SEALED_TABLES, ci_cipher) == 0

    after = await identities(h)
    assert after["b-3"] == written["b-3"]  # current: untouched
    for borrower, row in after.items():
        assert all(ci_cipher.is_current(row[c]) for c in IDENTITY_CONTEXTS)  # type: ignore[arg-type]
        assert clear_identity(ci_cipher, row) == clear[borrower]
    stored = await report_body(h, report.report_id)
    assert ci_cipher.is_current(stored)
    assert ci_cipher.decrypt(
        stored, context=REPORT_BODY_CONTEXT, row=report.report_id
    ) == body

    # The strict service now works on every row.
    for borrower, consent in consents.items():
        inquiry = await h.inquire(borrower, consent.consent_id, purpose=PRE_LOAN)
        assert inquiry.outcome == res.INQUIRY_OUTCOME_REPORT_RETRIEVED
    read = (await get_report(h, report.report_id)).report
    assert read.SerializeToString() == base64.b64decode(body)
