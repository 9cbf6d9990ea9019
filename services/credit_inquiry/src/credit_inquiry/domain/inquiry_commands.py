"""Commands of identity verification, inquiries, reports and the record chain (validated
requests in domain terms; instants in UTC)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from credit_inquiry.domain.consent import ConsentPurpose, ReportSection
from credit_inquiry.domain.identity import ClaimedIdentity


@dataclass(frozen=True)
class VerifyIdentity:
    request_id: str
    borrower_id: str
    consent_id: uuid.UUID
    identity: ClaimedIdentity = field(repr=False)


@dataclass(frozen=True)
class RequestInquiry:
    request_id: str
    borrower_id: str
    purpose: ConsentPurpose
    consent_id: uuid.UUID
    sections: frozenset[ReportSection]
    loan_id: str | None


@dataclass(frozen=True)
class PurgeExpiredReports:
    request_id: str
    as_of: datetime | None
    max_reports: int


@dataclass(frozen=True)
class ListInquiryRecords:
    borrower_id: str | None
    actor: str | None
    purposes: tuple[str, ...]
    kinds: tuple[str, ...]
    outcomes: tuple[str, ...]
    consent_id: uuid.UUID | None
    recorded_from: datetime | None
    recorded_until: datetime | None
    page_size: int
    after_sequence: int
