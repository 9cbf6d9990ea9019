"""Inquiry rules: which consent an inquiry may rely on, hard vs soft, reuse of a stored report.

Plain Python. The service layer runs :func:`check_consent` inside the transaction that records
the inquiry, on a consent row it has locked, so a concurrent revocation cannot slip between the
check and the record (docs/credit_inquiry.md).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from credit_inquiry.domain.consent import Consent, ConsentPurpose, ReportSection
from postloan_runtime.errors import FailedPrecondition

CONSENT_MISSING: Final = "CONSENT_MISSING"
CONSENT_BORROWER_MISMATCH: Final = "CONSENT_BORROWER_MISMATCH"
IDENTITY_NOT_VERIFIED: Final = "IDENTITY_NOT_VERIFIED"
IDENTITY_BORROWER_MISMATCH: Final = "IDENTITY_BORROWER_MISMATCH"
REPORT_PURGED: Final = "REPORT_PURGED"
NO_SCORE: Final = "NO_SCORE"


class InquiryType(StrEnum):
    HARD = "HARD"
    SOFT = "SOFT"


class InquiryOutcome(StrEnum):
    REPORT_RETRIEVED = "REPORT_RETRIEVED"
    REPORT_REUSED = "REPORT_REUSED"
    NO_RECORD = "NO_RECORD"


class RecordKind(StrEnum):
    BUREAU_QUERY = "BUREAU_QUERY"
    REUSE = "REUSE"
    REPORT_READ = "REPORT_READ"
    REPORT_PURGED = "REPORT_PURGED"
    IDENTITY_MATCH = "IDENTITY_MATCH"


_HARD: Final = frozenset({ConsentPurpose.PRE_LOAN_APPROVAL, ConsentPurpose.CREDIT_LIMIT_REVIEW})
# Purposes an inquiry (a report request) may have; IDENTITY_VERIFICATION goes through
# VerifyIdentity, which asks the bureau's identity section only.
INQUIRY_PURPOSES: Final = frozenset(
    {
        ConsentPurpose.PRE_LOAN_APPROVAL,
        ConsentPurpose.POST_LOAN_MANAGEMENT,
        ConsentPurpose.CREDIT_LIMIT_REVIEW,
    }
)


def inquiry_type_for(purpose: ConsentPurpose) -> InquiryType:
    """Approval and limit reviews are hard inquiries; post-loan and identity checks soft."""
    return InquiryType.HARD if purpose in _HARD else InquiryType.SOFT


def check_consent(
    consent: Consent | None,
    *,
    borrower_id: str,
    purpose: ConsentPurpose,
    sections: frozenset[ReportSection],
    at: datetime,
) -> Consent:
    """The consent if it covers the query at ``at`` (UTC); otherwise FAILED_PRECONDITION with
    CONSENT_MISSING, CONSENT_BORROWER_MISMATCH, CONSENT_REVOKED, CONSENT_EXPIRED,
    CONSENT_NOT_YET_VALID, PURPOSE_NOT_COVERED or SCOPE_NOT_COVERED."""
    if consent is None:
        raise FailedPrecondition(CONSENT_MISSING, "no such consent")
    metadata = {"consent_id": str(consent.consent_id)}
    if consent.borrower_id != borrower_id:
        raise FailedPrecondition(
            CONSENT_BORROWER_MISMATCH, "the consent was given by another borrower", metadata
        )
    refusal = consent.covers(purpose, sections, at)
    if refusal is not None:
        raise FailedPrecondition(
            refusal.value, f"the consent does not cover this query ({refusal.value})", metadata
        )
    return consent


def sections_for(requested: frozenset[ReportSection], consent: Consent) -> frozenset[ReportSection]:
    """The sections an inquiry asks for: those requested, or all the consent covers."""
    return requested or consent.sections


@dataclass(frozen=True)
class StoredRetrieval:
    """A past bureau retrieval whose report is still stored (a reuse candidate)."""

    inquiry_id: uuid.UUID
    report_id: uuid.UUID
    sections: frozenset[ReportSection]
    completed_at: datetime
    purge_after: datetime


def reusable(
    candidate: StoredRetrieval | None,
    *,
    purpose: ConsentPurpose,
    sections: frozenset[ReportSection],
    at: datetime,
    window: timedelta,
) -> bool:
    """A POST_LOAN_MANAGEMENT inquiry may be answered from a report retrieved less than
    ``window`` before ``at``, still inside its retention, with exactly the sections asked for.
    Exactly: the score, reason codes and features copied with it were computed from all of the
    report's sections, which a narrower consent may not cover."""
    if purpose is not ConsentPurpose.POST_LOAN_MANAGEMENT or candidate is None:
        return False
    if window <= timedelta(0):
        return False
    return (
        at - candidate.completed_at < window
        and at < candidate.purge_after
        and sections == candidate.sections
    )
