"""The consent ledger through a real server and PostgreSQL: grant, read, list, revoke,
idempotent retries, refusals, and nothing written for invalid requests."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import grpc
import pytest
from consent_harness import START, Harness
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import text

from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import events_pb2
from postloan.credit_inquiry.v1 import resources_pb2 as res
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration

PURPOSES = [res.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT, res.CONSENT_PURPOSE_IDENTITY_VERIFICATION]
SECTIONS = [res.REPORT_SECTION_BASIC_INFO, res.REPORT_SECTION_SUMMARY]


def ts(delta: timedelta = timedelta(0)) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(START + delta)
    return stamp


def grant_request(borrower_id: str = "b-100", **changes) -> ci.GrantConsentRequest:
    request = ci.GrantConsentRequest(
        request_id=str(uuid.uuid4()),
        borrower_id=borrower_id,
        purposes=PURPOSES,
        sections=SECTIONS,
        channel=res.CONSENT_CHANNEL_MOBILE_APP,
        evidence=res.ConsentEvidence(
            document_sha256="ab" * 32,
            signed_at=ts(-timedelta(hours=1)),
            signer_verification_reference="ekyc:4711",
        ),
        valid_from=ts(),
        valid_until=ts(timedelta(days=365)),
    )
    for name, value in changes.items():
        if isinstance(value, Timestamp):
            getattr(request, name).CopyFrom(value)
        elif isinstance(value, list):
            getattr(request, name)[:] = value
        else:
            setattr(request, name, value)
    return request


def revoke_request(consent_id: str, **changes) -> ci.RevokeConsentRequest:
    fields = {
        "request_id": str(uuid.uuid4()),
        "consent_id": consent_id,
        "reason": res.REVOCATION_REASON_BORROWER_WITHDREW,
    }
    fields.update(changes)
    return ci.RevokeConsentRequest(**fields)


async def refused(coro) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await coro
    return caught.value


async def test_grant_then_get_and_list(harness: Harness) -> None:
    granted = (await harness.stub.GrantConsent(grant_request(), metadata=harness.metadata)).consent
    assert granted.state == res.CONSENT_STATE_ACTIVE
    assert granted.granted_by == "op-7"
    assert list(granted.purposes) == PURPOSES and list(granted.sections) == SECTIONS
    assert granted.evidence.document_sha256 == "ab" * 32
    assert granted.granted_at.ToDatetime() == START.replace(tzinfo=None)

    got = await harness.stub.GetConsent(
        ci.GetConsentRequest(consent_id=granted.consent_id), metadata=harness.metadata
    )
    assert got.consent == granted

    listed = await harness.stub.ListConsents(
        ci.ListConsentsRequest(borrower_id="b-100"), metadata=harness.metadata
    )
    assert list(listed.consents) == [granted] and listed.next_page_token == ""
    assert await harness.outbox_types() == ["postloan.credit_inquiry.v1.ConsentGranted"]


async def test_list_paginates_newest_first_and_filters_by_state(harness: Harness) -> None:
    ids = []
    for _ in range(5):
        response = await harness.stub.GrantConsent(
            grant_request("b-200"), metadata=harness.metadata
        )
        ids.append(response.consent.consent_id)
        harness.clock.advance(minutes=1)
    await harness.stub.GrantConsent(grant_request("b-other"), metadata=harness.metadata)
    await harness.stub.RevokeConsent(revoke_request(ids[1]), metadata=harness.metadata)

    seen, token, pages = [], "", 0
    while True:
        page = await harness.stub.ListConsents(
            ci.ListConsentsRequest(borrower_id="b-200", page_size=2, page_token=token),
            metadata=harness.metadata,
        )
        seen += [c.consent_id for c in page.consents]
        pages += 1
        token = page.next_page_token
        if not token:
            break
    assert seen == list(reversed(ids)) and pages == 3

    active = await harness.stub.ListConsents(
        ci.ListConsentsRequest(borrower_id="b-200", states=[res.CONSENT_STATE_ACTIVE]),
        metadata=harness.metadata,
    )
    assert [c.consent_id for c in active.consents] == [ids[4], ids[3], ids[2], ids[0]]

    # A token only works with the filters it was issued for.
    first = await harness.stub.ListConsents(
        ci.ListConsentsRequest(borrower_id="b-200", page_size=1), metadata=harness.metadata
    )
    error = await refused(harness.stub.ListConsents(
        ci.ListConsentsRequest(borrower_id="b-other", page_token=first.next_page_token),
        metadata=harness.metadata,
    ))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in decode_error(error).field_violations] == ["page_token"]


async def test_revocation_takes_effect_at_once(harness: Harness) -> None:
    consent = (await harness.stub.GrantConsent(grant_request(), metadata=harness.metadata)).consent
    harness.clock.advance(hours=2)
    request = revoke_request(consent.consent_id, reason=res.REVOCATION_REASON_OTHER, note="call")
    revoked = (await harness.stub.RevokeConsent(request, metadata=harness.metadata)).consent
    assert revoked.state == res.CONSENT_STATE_REVOKED
    assert revoked.revocation_reason == res.REVOCATION_REASON_OTHER
    assert revoked.revocation_note == "call"
    assert revoked.revoked_at.ToDatetime() == (START + timedelta(hours=2)).replace(tzinfo=None)

    got = await harness.stub.GetConsent(
        ci.GetConsentRequest(consent_id=consent.consent_id), metadata=harness.metadata
    )
    assert got.consent.state == res.CONSENT_STATE_REVOKED

    again = await refused(harness.stub.RevokeConsent(
        revoke_request(consent.consent_id), metadata=harness.metadata
    ))
    assert again.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert decode_error(again).reason == "CONSENT_ALREADY_REVOKED"

    assert await harness.outbox_types() == [
        "postloan.credit_inquiry.v1.ConsentGranted",
        "postloan.credit_inquiry.v1.ConsentRevoked",
    ]
    async with harness.engine.connect() as conn:
        payload, key, version, revoked_by = (await conn.execute(text(
            "SELECT o.payload, o.ordering_key, c.version, c.revoked_by FROM outbox o, consents c"
            " WHERE o.event_type LIKE '%ConsentRevoked'"
        ))).one()
    event = events_pb2.ConsentRevoked.FromString(payload)
    assert event.consent_id == consent.consent_id and event.borrower_id == "b-100"
    assert key == "b-100" and version == 2 and revoked_by == "op-7"


async def test_concurrent_revocations_revoke_once(harness: Harness) -> None:
    consent = (await harness.stub.GrantConsent(grant_request(), metadata=harness.metadata)).consent
    calls = [
        harness.stub.RevokeConsent(revoke_request(consent.consent_id), metadata=harness.metadata)
        for _ in range(4)
    ]
    results = await asyncio.gather(*calls, return_exceptions=True)
    ok = [r for r in results if isinstance(r, ci.RevokeConsentResponse)]
    refusals = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(ok) == 1 and len(refusals) == 3
    assert {decode_error(r).reason for r in refusals} == {"CONSENT_ALREADY_REVOKED"}
    assert await harness.count("outbox") == 2


async def test_expiry_follows_the_clock(harness: Harness) -> None:
    consent = (await harness.stub.GrantConsent(
        grant_request(valid_until=ts(timedelta(days=30))), metadata=harness.metadata
    )).consent
    harness.clock.advance(days=30)
    got = await harness.stub.GetConsent(
        ci.GetConsentRequest(consent_id=consent.consent_id), metadata=harness.metadata
    )
    assert got.consent.state == res.CONSENT_STATE_EXPIRED
    expired = await harness.stub.ListConsents(
        ci.ListConsentsRequest(borrower_id="b-100", states=[res.CONSENT_STATE_EXPIRED]),
        metadata=harness.metadata,
    )
    assert [c.consent_id for c in expired.consents] == [consent.consent_id]


async def test_retries_with_the_same_request_id_are_safe(harness: Harness) -> None:
    request = grant_request()
    first = await harness.stub.GrantConsent(request, metadata=harness.metadata)
    harness.clock.advance(minutes=5)
    second = await harness.stub.GrantConsent(request, metadata=harness.metadata)
    assert second == first
    assert await harness.counts() == {"consents": 1, "outbox": 1, "idempotency_keys": 1}

    revoke = revoke_request(first.consent.consent_id)
    revoked = await harness.stub.RevokeConsent(revoke, metadata=harness.metadata)
    assert await harness.stub.RevokeConsent(revoke, metadata=harness.metadata) == revoked
    assert await harness.counts() == {"consents": 1, "outbox": 2, "idempotency_keys": 2}


async def test_a_reused_request_id_with_another_payload_is_refused(harness: Harness) -> None:
    request = grant_request()
    await harness.stub.GrantConsent(request, metadata=harness.metadata)
    other = grant_request(request_id=request.request_id, borrower_id="b-999")
    error = await refused(harness.stub.GrantConsent(other, metadata=harness.metadata))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = decode_error(error)
    assert details.reason == "REQUEST_ID_REUSED"
    assert [v.field for v in details.field_violations] == ["request_id"]
    assert await harness.counts() == {"consents": 1, "outbox": 1, "idempotency_keys": 1}


def _bad_grant() -> ci.GrantConsentRequest:
    request = grant_request(
        request_id="not-a-uuid",
        channel=res.CONSENT_CHANNEL_UNSPECIFIED,
        valid_from=ts(timedelta(days=10)),
        valid_until=ts(timedelta(days=9)),
    )
    request.purposes[:] = [res.CONSENT_PURPOSE_UNSPECIFIED, res.CONSENT_PURPOSE_PRE_LOAN_APPROVAL]
    del request.sections[:]
    request.evidence.document_sha256 = "XYZ"
    request.evidence.signer_verification_reference = ""
    return request


@pytest.mark.parametrize(
    ("method", "request_", "fields"),
    [
        ("GrantConsent", _bad_grant(), [
            "request_id", "purposes[0]", "sections", "channel", "evidence.document_sha256",
            "evidence.signer_verification_reference", "valid_until",
        ]),
        ("GrantConsent", ci.GrantConsentRequest(), [
            "request_id", "borrower_id", "purposes", "sections", "channel", "evidence",
            "valid_from", "valid_until",
        ]),
        ("GrantConsent", grant_request(valid_from=ts(-timedelta(hours=2))), ["valid_from"]),
        ("GrantConsent", grant_request(valid_until=ts(-timedelta(seconds=1)),
                                       valid_from=ts(-timedelta(minutes=30))), ["valid_until"]),
        ("GrantConsent", grant_request(purposes=[1, 1], sections=[9]),
         ["purposes[1]", "sections[0]"]),
        ("RevokeConsent", ci.RevokeConsentRequest(), ["request_id", "consent_id", "reason"]),
        ("RevokeConsent", revoke_request(str(uuid.uuid4()), reason=res.REVOCATION_REASON_OTHER),
         ["note"]),
        ("RevokeConsent", revoke_request("42", note="x" * 501), ["consent_id", "note"]),
        ("RevokeConsent", revoke_request(str(uuid.uuid4()), reason=res.REVOCATION_REASON_OTHER,
                                         note="borrower called from 138 1234 5678"), ["note"]),
        ("GetConsent", ci.GetConsentRequest(), ["consent_id"]),
        ("GetConsent", ci.GetConsentRequest(consent_id="ABC"), ["consent_id"]),
        ("ListConsents", ci.ListConsentsRequest(page_size=-1, states=[0], page_token="!!"),
         ["borrower_id", "states[0]", "page_size", "page_token"]),
    ],
    ids=lambda p: p if isinstance(p, str) else "",
)
async def test_invalid_requests_name_each_field_and_write_nothing(
    harness: Harness, method: str, request_, fields: list[str]
) -> None:
    error = await refused(getattr(harness.stub, method)(request_, metadata=harness.metadata))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in decode_error(error).field_violations] == fields
    assert await harness.counts() == {"consents": 0, "outbox": 0, "idempotency_keys": 0}


async def test_unknown_consents_are_not_found_and_write_nothing(harness: Harness) -> None:
    unknown = str(uuid.uuid4())
    error = await refused(harness.stub.GetConsent(
        ci.GetConsentRequest(consent_id=unknown), metadata=harness.metadata
    ))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    error = await refused(harness.stub.RevokeConsent(
        revoke_request(unknown), metadata=harness.metadata
    ))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert decode_error(error).metadata == {"resource": "consent", "id": unknown}
    assert await harness.counts() == {"consents": 0, "outbox": 0, "idempotency_keys": 0}


async def test_the_operator_needs_the_permission(harness: Harness) -> None:
    auditor = harness.as_role("auditor")
    error = await refused(harness.stub.GrantConsent(grant_request(), metadata=auditor))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    listed = await harness.stub.ListConsents(
        ci.ListConsentsRequest(borrower_id="b-1"), metadata=auditor
    )
    assert list(listed.consents) == []
