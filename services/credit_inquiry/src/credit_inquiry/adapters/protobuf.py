"""Translation between the consent domain and the ``postloan.credit_inquiry.v1`` contract:
domain enums <-> proto enums (by name, without the proto prefix), aggregates -> resources,
domain events -> event messages for the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.message import Message

from credit_inquiry.domain.consent import (
    Consent,
    ConsentChannel,
    ConsentPurpose,
    ConsentState,
    ReportSection,
    RevocationReason,
)
from credit_inquiry.domain.events import ConsentGranted, ConsentRevoked, DomainEvent
from credit_inquiry.domain.identity import IdentityMatchOutcome
from credit_inquiry.domain.inquiry import InquiryOutcome, InquiryType, RecordKind
from postloan.credit_inquiry.v1 import events_pb2, resources_pb2
from postloan_runtime.proto_convert import timestamp_to_proto

E = TypeVar("E", bound=StrEnum)

_PREFIXES: dict[type[StrEnum], tuple[EnumTypeWrapper, str]] = {
    ConsentPurpose: (resources_pb2.ConsentPurpose, "CONSENT_PURPOSE_"),
    ReportSection: (resources_pb2.ReportSection, "REPORT_SECTION_"),
    ConsentChannel: (resources_pb2.ConsentChannel, "CONSENT_CHANNEL_"),
    ConsentState: (resources_pb2.ConsentState, "CONSENT_STATE_"),
    RevocationReason: (resources_pb2.RevocationReason, "REVOCATION_REASON_"),
    IdentityMatchOutcome: (resources_pb2.IdentityMatchOutcome, "IDENTITY_MATCH_OUTCOME_"),
    InquiryType: (resources_pb2.InquiryType, "INQUIRY_TYPE_"),
    InquiryOutcome: (resources_pb2.InquiryOutcome, "INQUIRY_OUTCOME_"),
    RecordKind: (resources_pb2.InquiryRecordKind, "INQUIRY_RECORD_KIND_"),
}


def enum_from_proto(kind: type[E], number: int) -> E | None:
    """The domain value for proto enum ``number``; None for UNSPECIFIED or unknown numbers."""
    wrapper, prefix = _PREFIXES[kind]
    if number == 0 or number not in wrapper.values():
        return None
    try:
        return kind(wrapper.Name(number).removeprefix(prefix))
    except ValueError:
        return None


def enum_to_proto(value: StrEnum) -> int:
    wrapper, prefix = _PREFIXES[type(value)]
    return int(wrapper.Value(prefix + value.value))


def _sorted_numbers(values: Iterable[StrEnum]) -> list[int]:
    # Contract order (enum numbers) so equal sets always render and hash the same.
    return sorted(enum_to_proto(v) for v in values)


def consent_to_proto(consent: Consent, *, now: datetime) -> resources_pb2.Consent:
    """The ``Consent`` resource with its state at ``now`` (UTC)."""
    message = resources_pb2.Consent(
        consent_id=str(consent.consent_id),
        borrower_id=consent.borrower_id,
        purposes=_sorted_numbers(consent.purposes),
        sections=_sorted_numbers(consent.sections),
        channel=enum_to_proto(consent.channel),  # type: ignore[arg-type]
        evidence=resources_pb2.ConsentEvidence(
            document_sha256=consent.evidence.document_sha256,
            signed_at=timestamp_to_proto(consent.evidence.signed_at),
            signer_verification_reference=consent.evidence.signer_verification_reference,
        ),
        valid_from=timestamp_to_proto(consent.validity.valid_from),
        valid_until=timestamp_to_proto(consent.validity.valid_until),
        state=enum_to_proto(consent.state_at(now)),  # type: ignore[arg-type]
        granted_at=timestamp_to_proto(consent.granted_at),
        granted_by=consent.granted_by,
    )
    if consent.revocation is not None:
        message.revoked_at.CopyFrom(timestamp_to_proto(consent.revocation.revoked_at))
        message.revocation_reason = enum_to_proto(consent.revocation.reason)  # type: ignore[assignment]
        message.revocation_note = consent.revocation.note
    return message


def event_to_proto(event: DomainEvent) -> Message:
    """The contract's event message for a domain event (pseudonymous ids only)."""
    if isinstance(event, ConsentGranted):
        return events_pb2.ConsentGranted(
            consent_id=str(event.consent_id),
            borrower_id=event.borrower_id,
            purposes=_sorted_numbers(event.purposes),
            sections=_sorted_numbers(event.sections),
            channel=enum_to_proto(event.channel),  # type: ignore[arg-type]
            valid_from=timestamp_to_proto(event.valid_from),
            valid_until=timestamp_to_proto(event.valid_until),
            granted_at=timestamp_to_proto(event.granted_at),
        )
    if isinstance(event, ConsentRevoked):
        return events_pb2.ConsentRevoked(
            consent_id=str(event.consent_id),
            borrower_id=event.borrower_id,
            reason=enum_to_proto(event.reason),  # type: ignore[arg-type]
            revoked_at=timestamp_to_proto(event.revoked_at),
        )
    raise TypeError(f"no contract message for {type(event).__name__}")
