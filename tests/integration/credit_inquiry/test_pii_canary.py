"""PII canary: a made-up name, resident ID number and mobile go through VerifyIdentity,
GrantConsent and RequestInquiry (answered, and refused) with the service's real JSON logging
and an in-memory span exporter attached. None of the three values, raw or escaped, may appear
in a log line, a span (name, status, attributes, events), or anything the client receives on a
refusal; in the database they exist only encrypted (every text-like and bytea column of every
table is searched), and decrypting the stored columns gives them back."""

from __future__ import annotations

import base64
import io
import json
import logging
import urllib.parse
import uuid

import grpc
import pytest
from inquiry_harness import InquiryHarness
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import text

from credit_inquiry.domain.identity import check_character
from credit_inquiry.service_layer.inquiries import (
    MOBILE_CONTEXT,
    NAME_CONTEXT,
    RESIDENT_ID_CONTEXT,
    identity_row,
)
from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import resources_pb2 as res
from postloan_runtime.grpc_errors import decode_error
from postloan_runtime.logs import json_handler
from postloan_runtime.pii import PiiCipher
from postloan_runtime.telemetry import TelemetryHandle

pytestmark = pytest.mark.integration

CANARY_NAME = "欧阳测雀"
_FIRST_17 = "44030519870211537"
CANARY_ID = _FIRST_17 + check_character(_FIRST_17)
CANARY_MOBILE = "13987650123"
# A malformed variant (wrong check character) that VerifyIdentity refuses: not to be echoed.
BAD_ID = _FIRST_17 + ("0" if CANARY_ID[-1] != "0" else "1")
CANARIES = (CANARY_NAME, CANARY_ID, CANARY_MOBILE, BAD_ID)


def text_forms(value: str) -> set[str]:
    """The value and the escaped forms a careless log line or error might carry."""
    utf8 = value.encode("utf-8")
    return {
        value,
        json.dumps(value)[1:-1],  # \uXXXX escapes
        json.dumps(value)[1:-1].upper().replace("\\U", "\\u"),
        urllib.parse.quote(value),
        str(utf8)[2:-1],  # b'\xe6…' repr
        base64.b64encode(utf8).decode("ascii"),
    }


def byte_forms(value: str) -> set[bytes]:
    return {form.encode("utf-8") for form in text_forms(value)}


def assert_clean(where: str, haystack: str | bytes) -> None:
    for canary in CANARIES:
        if isinstance(haystack, bytes):
            leaked = [f for f in byte_forms(canary) if f in haystack]
        else:
            leaked = [f for f in text_forms(canary) if f in haystack]
        assert not leaked, f"{where} carries {leaked!r}"


def span_text(span) -> str:  # type: ignore[no-untyped-def]
    parts = [span.name, str(span.status.description or "")]
    parts += [f"{k}={v}" for k, v in (span.attributes or {}).items()]
    for event in span.events:
        parts.append(event.name)
        parts += [f"{k}={v}" for k, v in (event.attributes or {}).items()]
    return "\n".join(parts)


def assert_refusal_clean(error: grpc.aio.AioRpcError) -> None:
    assert_clean("error details", error.details() or "")
    decoded = decode_error(error)
    assert_clean("decoded error", repr(decoded))
    for key, value in error.trailing_metadata() or ():
        assert_clean(f"trailer {key}", value if isinstance(value, bytes) else str(value))


async def hits(conn, table: str, column: str, data_type: str, needle: bytes) -> int:  # type: ignore[no-untyped-def]
    """Rows of ``table`` whose ``column`` contains ``needle`` (bytes, or its UTF-8 text)."""
    if data_type == "bytea":
        condition = f'position(CAST(:needle AS bytea) IN "{column}") > 0'
        value: bytes | str = needle
    else:
        condition = f'strpos(CAST("{column}" AS text), :needle) > 0'
        value = needle.decode("utf-8")
    query = f'SELECT count(*) FROM "{table}" WHERE {condition}'  # noqa: S608 - catalog names
    return int(await conn.scalar(text(query), {"needle": value}) or 0)


async def refused(call) -> grpc.aio.AioRpcError:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


@pytest.fixture
def captured(ci_telemetry: TelemetryHandle):  # type: ignore[no-untyped-def]
    """The service's JSON log handler on the root logger (DEBUG) and an in-memory exporter."""
    stream = io.StringIO()
    handler = json_handler("credit-inquiry", stream)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    exporter = InMemorySpanExporter()
    ci_telemetry.add_span_exporter(exporter)
    try:
        yield stream, exporter
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        exporter.shutdown()  # the processor stays on the session provider, exporting nothing


async def test_pii_canary_stays_out_of_logs_spans_errors_and_clear_columns(
    inquiry_harness: InquiryHarness, captured, ci_keys_dir  # type: ignore[no-untyped-def]
) -> None:
    h = inquiry_harness
    stream, exporter = captured
    consent = await h.grant("b-canary")
    bad = await refused(h.identities.VerifyIdentity(
        ci.VerifyIdentityRequest(
            request_id=str(uuid.uuid4()), borrower_id="b-canary", name=CANARY_NAME,
            resident_id_number=BAD_ID, mobile_number=CANARY_MOBILE,
            consent_id=consent.consent_id,
        ),
        metadata=h.metadata,
    ))
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "resident_id_number" in {v.field for v in decode_error(bad).field_violations}
    assert_refusal_clean(bad)

    verification = (await h.identities.VerifyIdentity(
        ci.VerifyIdentityRequest(
            request_id=str(uuid.uuid4()), borrower_id="b-canary", name=CANARY_NAME,
            resident_id_number=CANARY_ID, mobile_number=CANARY_MOBILE,
            consent_id=consent.consent_id,
        ),
        metadata=h.metadata,
    )).verification
    assert verification.outcome == res.IDENTITY_MATCH_OUTCOME_MATCHED
    assert_clean("VerifyIdentity response", verification.SerializeToString())
    # A consent whose signer reference is the verification (the canary's identity).
    signed = await h.grant("b-canary", reference=verification.verification_id)

    retrieved = await h.inquire("b-canary", signed.consent_id,
                                purpose=res.CONSENT_PURPOSE_PRE_LOAN_APPROVAL)
    assert retrieved.outcome == res.INQUIRY_OUTCOME_REPORT_RETRIEVED
    reused = await h.inquire("b-canary", signed.consent_id)
    assert reused.outcome == res.INQUIRY_OUTCOME_REPORT_REUSED
    report = await h.inquiries.GetReport(
        ci.GetReportRequest(report_id=retrieved.report_id, access_reason="canary check"),
        metadata=h.metadata,
    )
    assert_clean("GetReport response", report.SerializeToString())

    await h.revoke(signed.consent_id)
    revoked = await refused(h.inquiries.RequestInquiry(
        h.inquiry_request("b-canary", signed.consent_id), metadata=h.metadata
    ))
    assert decode_error(revoked).reason == "CONSENT_REVOKED"
    assert_refusal_clean(revoked)
    other = await h.grant("b-other")
    mismatch = await refused(h.inquiries.RequestInquiry(
        h.inquiry_request("b-canary", other.consent_id), metadata=h.metadata
    ))
    assert mismatch.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert_refusal_clean(mismatch)

    # Logs: every line is JSON from the service's handler; none carries a canary.
    h_logged = stream.getvalue()
    lines = h_logged.splitlines()
    assert any("inquiry recorded" in line for line in lines), "the service logged nothing?"
    for line in lines:
        record = json.loads(line)
        assert_clean("log line", line)
        assert_clean("decoded log line", json.dumps(record, ensure_ascii=False))

    # Spans: the server spans of every RPC above, and their SQL children.
    spans = exporter.get_finished_spans()
    names = {s.name for s in spans}
    for method in ("VerifyIdentity", "RequestInquiry", "GrantConsent", "GetReport"):
        assert any(n.endswith(f"/{method}") for n in names), (method, names)
    assert any("db.statement" in (s.attributes or {}) for s in spans)
    for span in spans:
        assert_clean(f"span {span.name}", span_text(span))

    # Database: the canaries are in no text-like or bytea column of any table in clear …
    async with h.engine.connect() as conn:
        columns = (await conn.execute(text(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'public' AND (data_type IN ('text', 'character varying',"
            " 'character', 'json', 'jsonb', 'bytea') OR data_type = 'ARRAY')"
        ))).all()
        assert ("identity_verifications", "name_encrypted", "bytea") in {tuple(c) for c in columns}
        # The search itself finds what is there: the masks and the borrower id.
        found = {(t, c) for t, c, d in columns
                 for needle in (verification.masked_mobile, "b-canary")
                 if await hits(conn, t, c, d, needle.encode("utf-8"))}
        assert ("identity_verifications", "masked_mobile") in found
        assert ("inquiry_records", "borrower_id") in found
        for table, column, data_type in columns:
            for canary in CANARIES:
                for form in byte_forms(canary):
                    assert not await hits(conn, table, column, data_type, form), (
                        table, column, form.decode())
        # … and the encrypted columns do hold them.
        row = (await conn.execute(text(
            "SELECT verification_id, borrower_id, name_encrypted, resident_id_encrypted,"
            " mobile_encrypted"
            " FROM identity_verifications WHERE borrower_id = 'b-canary'"
        ))).one()
    cipher = PiiCipher.from_file(ci_keys_dir / "pii-keys.json")
    bound = identity_row(row.verification_id, row.borrower_id)
    assert cipher.decrypt(row.name_encrypted, context=NAME_CONTEXT, row=bound) == CANARY_NAME
    assert cipher.decrypt(
        row.resident_id_encrypted, context=RESIDENT_ID_CONTEXT, row=bound
    ) == CANARY_ID
    assert cipher.decrypt(row.mobile_encrypted, context=MOBILE_CONTEXT, row=bound) == CANARY_MOBILE
