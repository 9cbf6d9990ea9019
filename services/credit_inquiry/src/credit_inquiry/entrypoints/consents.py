"""``postloan.credit_inquiry.v1.ConsentService``: a thin mapping between protobuf and the
consent use cases. Every field is validated (INVALID_ARGUMENT naming each bad field) before any
database work; the operator is the verified caller."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final, TypeVar

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_inquiry.adapters.protobuf import consent_to_proto, enum_from_proto
from credit_inquiry.domain.commands import GrantConsent, ListConsents, RevokeConsent
from credit_inquiry.domain.consent import (
    ConsentChannel,
    ConsentEvidence,
    ConsentPurpose,
    ConsentState,
    ReportSection,
    RevocationReason,
    ValidityWindow,
    is_sha256_hex,
)
from credit_inquiry.service_layer import consents as use_cases
from postloan.credit_inquiry.v1 import credit_inquiry_pb2, credit_inquiry_pb2_grpc
from postloan_runtime import page_tokens, proto_validation
from postloan_runtime.app import RunningService
from postloan_runtime.auth import current_caller
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.validation import Violations, field_path

SERVICE: Final = "postloan.credit_inquiry.v1.ConsentService"
GRANT_CONSENT: Final = f"/{SERVICE}/GrantConsent"
REVOKE_CONSENT: Final = f"/{SERVICE}/RevokeConsent"

MAX_BORROWER_ID: Final = 128
MAX_REFERENCE: Final = 200
MAX_NOTE: Final = 500
# Signing platforms' clocks drift; a signature a little "in the future" is not a forgery.
SIGNING_CLOCK_SKEW: Final = timedelta(minutes=5)

E = TypeVar("E", bound=StrEnum)


def _enum_set(
    v: Violations, numbers: list[int] | tuple[int, ...], field: str, kind: type[E],
    *, required: bool = True, allow_duplicates: bool = False,
) -> frozenset[E]:
    """A repeated enum field: each entry specified and known, no duplicates (unless allowed),
    at least one when ``required``."""
    if not numbers:
        if required:
            v.add(field, "must name at least one value")
        return frozenset()
    values: list[E] = []
    for index, number in enumerate(numbers):
        path = field_path(field, index)
        if number == 0:
            v.add(path, "must be specified")
            continue
        value = enum_from_proto(kind, number)
        if value is None:
            v.add(path, "is not a known value")
        elif value in values and not allow_duplicates:
            v.add(path, "is a duplicate")
        else:
            values.append(value)
    return frozenset(values)


def _enum(v: Violations, number: int, field: str, kind: type[E]) -> E | None:
    if number == 0:
        v.add(field, "must be specified")
        return None
    value = enum_from_proto(kind, number)
    if value is None:
        v.add(field, "is not a known value")
    return value


def _borrower_id(v: Violations, text: str) -> str | None:
    return text if v.non_empty(text, "borrower_id", max_length=MAX_BORROWER_ID) else None


def _consent_id(v: Violations, text: str) -> uuid.UUID | None:
    return v.uuid(text, "consent_id")


def validate_grant(
    request: credit_inquiry_pb2.GrantConsentRequest, now: datetime
) -> GrantConsent:
    """The command, or InvalidArgument naming every bad field."""
    v = Violations()
    request_id = v.request_id(request.request_id)
    borrower_id = _borrower_id(v, request.borrower_id)
    purposes = _enum_set(v, list(request.purposes), "purposes", ConsentPurpose)
    sections = _enum_set(v, list(request.sections), "sections", ReportSection)
    channel = _enum(v, request.channel, "channel", ConsentChannel)

    evidence: ConsentEvidence | None = None
    signed_at: datetime | None = None
    if proto_validation.present(v, request, "evidence"):
        ev = v.at("evidence")
        document_sha256 = request.evidence.document_sha256
        sha_ok = ev.require(
            is_sha256_hex(document_sha256),
            "document_sha256",
            "must be a lowercase hex SHA-256 (64 characters)",
        )
        signed_at = proto_validation.timestamp(ev, request.evidence, "signed_at")
        if signed_at is not None and signed_at > now + SIGNING_CLOCK_SKEW:
            ev.add("signed_at", "must not be in the future")
            signed_at = None
        reference = request.evidence.signer_verification_reference
        reference_ok = ev.non_empty(
            reference, "signer_verification_reference", max_length=MAX_REFERENCE
        )
        if sha_ok and signed_at is not None and reference_ok:
            evidence = ConsentEvidence(document_sha256, signed_at, reference)

    valid_from = proto_validation.timestamp(v, request, "valid_from")
    valid_until = proto_validation.timestamp(v, request, "valid_until")
    if valid_from is not None and signed_at is not None and valid_from < signed_at:
        v.add("valid_from", "must not be before evidence.signed_at")
        valid_from = None
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        v.add("valid_until", "must be after valid_from")
        valid_until = None
    elif valid_until is not None and valid_until <= now:
        # An authorization that has already ended can never cover a query.
        v.add("valid_until", "must be in the future")
        valid_until = None

    v.raise_if_any()
    assert request_id and borrower_id and channel and evidence  # noqa: S101 - checked above
    assert valid_from is not None and valid_until is not None  # noqa: S101
    return GrantConsent(
        request_id=request_id,
        borrower_id=borrower_id,
        purposes=purposes,
        sections=sections,
        channel=channel,
        evidence=evidence,
        validity=ValidityWindow(valid_from, valid_until),
    )


def validate_revoke(request: credit_inquiry_pb2.RevokeConsentRequest) -> RevokeConsent:
    v = Violations()
    request_id = v.request_id(request.request_id)
    consent_id = _consent_id(v, request.consent_id)
    reason = _enum(v, request.reason, "reason", RevocationReason)
    note = request.note
    note_ok = not note or v.free_text(note, "note", max_length=MAX_NOTE) is not None
    if note_ok and reason is RevocationReason.OTHER and not note.strip():
        v.add("note", "is required when reason is REVOCATION_REASON_OTHER")
    v.raise_if_any()
    assert request_id and consent_id and reason  # noqa: S101
    return RevokeConsent(request_id=request_id, consent_id=consent_id, reason=reason, note=note)


def validate_list(request: credit_inquiry_pb2.ListConsentsRequest) -> ListConsents:
    v = Violations()
    borrower_id = _borrower_id(v, request.borrower_id)
    states = _enum_set(
        v, list(request.states), "states", ConsentState, required=False, allow_duplicates=True
    )
    page_size = v.page_size(request.page_size)
    after = page_tokens.decode(v, request.page_token, list_fingerprint(request))
    v.raise_if_any()
    assert borrower_id  # noqa: S101
    return ListConsents(borrower_id=borrower_id, states=states, page_size=page_size, after=after)


def list_fingerprint(request: credit_inquiry_pb2.ListConsentsRequest) -> str:
    """What a page token is bound to: the borrower and the state filter (not the page size)."""
    states = ",".join(str(s) for s in sorted(set(request.states)))
    return page_tokens.filter_fingerprint(request.borrower_id, states)


class ConsentServicer(credit_inquiry_pb2_grpc.ConsentServiceServicer):
    """The consent ledger over gRPC. ``clock`` decides "now" (tests move it)."""

    def __init__(self, running: RunningService, clock: Clock | None = None) -> None:
        self._running = running
        self._clock: Clock = clock or SystemClock()

    @property
    def _engine(self) -> AsyncEngine:
        return self._running.engine

    async def GrantConsent(  # noqa: N802 - generated name
        self, request: credit_inquiry_pb2.GrantConsentRequest, context: grpc.aio.ServicerContext
    ) -> credit_inquiry_pb2.GrantConsentResponse:
        command = validate_grant(request, self._clock.now())
        return await use_cases.grant_consent(
            self._engine,
            command,
            request=request,
            method=GRANT_CONSENT,
            clock=self._clock,
            operator=current_caller().subject,
        )

    async def RevokeConsent(  # noqa: N802
        self, request: credit_inquiry_pb2.RevokeConsentRequest, context: grpc.aio.ServicerContext
    ) -> credit_inquiry_pb2.RevokeConsentResponse:
        command = validate_revoke(request)
        return await use_cases.revoke_consent(
            self._engine,
            command,
            request=request,
            method=REVOKE_CONSENT,
            clock=self._clock,
            operator=current_caller().subject,
        )

    async def GetConsent(  # noqa: N802
        self, request: credit_inquiry_pb2.GetConsentRequest, context: grpc.aio.ServicerContext
    ) -> credit_inquiry_pb2.GetConsentResponse:
        v = Violations()
        consent_id = _consent_id(v, request.consent_id)
        v.raise_if_any()
        assert consent_id is not None  # noqa: S101
        consent = await use_cases.get_consent(self._engine, consent_id)
        return credit_inquiry_pb2.GetConsentResponse(
            consent=consent_to_proto(consent, now=self._clock.now())
        )

    async def ListConsents(  # noqa: N802
        self, request: credit_inquiry_pb2.ListConsentsRequest, context: grpc.aio.ServicerContext
    ) -> credit_inquiry_pb2.ListConsentsResponse:
        query = validate_list(request)
        now = self._clock.now()
        page, more = await use_cases.list_consents(self._engine, query, at=now)
        response = credit_inquiry_pb2.ListConsentsResponse(
            consents=[consent_to_proto(c, now=now) for c in page]
        )
        if more and page:
            last = page[-1]
            response.next_page_token = page_tokens.encode(
                (last.granted_at, last.consent_id), list_fingerprint(request)
            )
        return response

