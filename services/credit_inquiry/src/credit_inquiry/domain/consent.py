"""The consent ledger: a borrower's written authorization to query the credit bureau.

Plain Python on purpose (no grpc, no sqlalchemy). A lender may query a borrower's credit report
only with the borrower's written authorization and only for the purposes and report sections
authorized (征信业管理条例 Art.18/20); a withdrawal takes effect immediately (PIPL Art.15).

All instants are timezone-aware UTC datetimes. A consent's state is never stored: it is derived
at the instant asked about, from the validity window and the revocation.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from credit_inquiry.domain.events import ConsentGranted, ConsentRevoked, DomainEvent
from postloan_runtime.errors import FailedPrecondition

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class ConsentPurpose(StrEnum):
    """What the borrower authorized a query for."""

    PRE_LOAN_APPROVAL = "PRE_LOAN_APPROVAL"
    POST_LOAN_MANAGEMENT = "POST_LOAN_MANAGEMENT"
    CREDIT_LIMIT_REVIEW = "CREDIT_LIMIT_REVIEW"
    IDENTITY_VERIFICATION = "IDENTITY_VERIFICATION"


class ReportSection(StrEnum):
    """A section of the personal credit report; a consent's scope is a set of them."""

    BASIC_INFO = "BASIC_INFO"
    SUMMARY = "SUMMARY"
    CREDIT_TRANSACTIONS = "CREDIT_TRANSACTIONS"
    PUBLIC_RECORDS = "PUBLIC_RECORDS"
    INQUIRY_RECORDS = "INQUIRY_RECORDS"


class ConsentChannel(StrEnum):
    """How the borrower signed."""

    MOBILE_APP = "MOBILE_APP"
    WEB = "WEB"
    PAPER = "PAPER"
    RECORDED_CALL = "RECORDED_CALL"


class ConsentState(StrEnum):
    """A consent's state at some instant (derived, never stored)."""

    PENDING = "PENDING"  # valid_from is still ahead
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"  # at or past valid_until
    REVOKED = "REVOKED"  # at or past the revocation


class RevocationReason(StrEnum):
    BORROWER_WITHDREW = "BORROWER_WITHDREW"
    EVIDENCE_INVALID = "EVIDENCE_INVALID"
    RELATIONSHIP_ENDED = "RELATIONSHIP_ENDED"
    OTHER = "OTHER"


class CoverageRefusal(StrEnum):
    """Why a consent does not cover an inquiry: the FAILED_PRECONDITION reasons of the inquiry
    RPCs. CONSENT_NOT_YET_VALID has no name in the v1 proto yet (see the slice report)."""

    CONSENT_REVOKED = "CONSENT_REVOKED"
    CONSENT_EXPIRED = "CONSENT_EXPIRED"
    CONSENT_NOT_YET_VALID = "CONSENT_NOT_YET_VALID"
    PURPOSE_NOT_COVERED = "PURPOSE_NOT_COVERED"
    SCOPE_NOT_COVERED = "SCOPE_NOT_COVERED"


CONSENT_ALREADY_REVOKED = "CONSENT_ALREADY_REVOKED"


def _require_utc(instant: datetime, name: str) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC)")


def is_sha256_hex(text: str) -> bool:
    """Lowercase hex SHA-256 (64 characters)."""
    return bool(_SHA256_HEX.match(text))


@dataclass(frozen=True)
class ConsentEvidence:
    """Proof of the written authorization: SHA-256 (lowercase hex) of the signed document, when
    it was signed (UTC) and the signer's identity-verification reference."""

    document_sha256: str
    signed_at: datetime
    signer_verification_reference: str

    def __post_init__(self) -> None:
        if not is_sha256_hex(self.document_sha256):
            raise ValueError("document_sha256 must be 64 lowercase hex characters")
        _require_utc(self.signed_at, "signed_at")
        if not self.signer_verification_reference.strip():
            raise ValueError("signer_verification_reference is required")


@dataclass(frozen=True)
class ValidityWindow:
    """``[valid_from, valid_until)`` in UTC: inclusive start, exclusive end."""

    valid_from: datetime
    valid_until: datetime

    def __post_init__(self) -> None:
        _require_utc(self.valid_from, "valid_from")
        _require_utc(self.valid_until, "valid_until")
        if self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")


@dataclass(frozen=True)
class Revocation:
    """A withdrawal, effective from ``revoked_at`` (UTC). ``note`` carries no personal data."""

    reason: RevocationReason
    revoked_at: datetime
    revoked_by: str
    note: str = ""


@dataclass(eq=False)
class Consent:
    """One authorization in the ledger (the aggregate). ``version`` increases with every change
    and guards concurrent updates (optimistic concurrency)."""

    consent_id: uuid.UUID
    borrower_id: str
    purposes: frozenset[ConsentPurpose]
    sections: frozenset[ReportSection]
    channel: ConsentChannel
    evidence: ConsentEvidence
    validity: ValidityWindow
    granted_at: datetime
    granted_by: str
    revocation: Revocation | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if not self.borrower_id.strip():
            raise ValueError("borrower_id is required")
        if not self.purposes:
            raise ValueError("a consent needs at least one purpose")
        if not self.sections:
            raise ValueError("a consent needs at least one report section")
        _require_utc(self.granted_at, "granted_at")
        if self.validity.valid_from < self.evidence.signed_at:
            raise ValueError("valid_from must not be before the signing time")

    @classmethod
    def grant(
        cls,
        *,
        consent_id: uuid.UUID,
        borrower_id: str,
        purposes: frozenset[ConsentPurpose],
        sections: frozenset[ReportSection],
        channel: ConsentChannel,
        evidence: ConsentEvidence,
        validity: ValidityWindow,
        granted_at: datetime,
        granted_by: str,
    ) -> Consent:
        """Record a new authorization; queues :class:`ConsentGranted`."""
        consent = cls(
            consent_id=consent_id,
            borrower_id=borrower_id,
            purposes=frozenset(purposes),
            sections=frozenset(sections),
            channel=channel,
            evidence=evidence,
            validity=validity,
            granted_at=granted_at,
            granted_by=granted_by,
        )
        consent.events.append(
            ConsentGranted(
                consent_id=consent_id,
                borrower_id=borrower_id,
                purposes=consent.purposes,
                sections=consent.sections,
                channel=channel,
                valid_from=validity.valid_from,
                valid_until=validity.valid_until,
                granted_at=granted_at,
            )
        )
        return consent

    def state_at(self, at: datetime) -> ConsentState:
        """The state at instant ``at`` (UTC). Revocation wins over the window."""
        _require_utc(at, "at")
        if self.revocation is not None and at >= self.revocation.revoked_at:
            return ConsentState.REVOKED
        if at >= self.validity.valid_until:
            return ConsentState.EXPIRED
        if at < self.validity.valid_from:
            return ConsentState.PENDING
        return ConsentState.ACTIVE

    def covers(
        self, purpose: ConsentPurpose, sections: frozenset[ReportSection], at: datetime
    ) -> CoverageRefusal | None:
        """None when an inquiry for ``purpose`` asking for ``sections`` may rely on this consent
        at ``at``; otherwise the first reason it may not (state first, then purpose, then
        scope). An empty ``sections`` asks for nothing beyond the purpose.

        A recorded revocation refuses whatever ``at`` is: it is recorded at the instant it is
        made, never ahead, so a check that reads it runs after it even if its clock was read
        earlier (before waiting for the row). :meth:`state_at` keeps the history for display."""
        if self.revocation is not None:
            return CoverageRefusal.CONSENT_REVOKED
        state = self.state_at(at)
        if state is ConsentState.EXPIRED:
            return CoverageRefusal.CONSENT_EXPIRED
        if state is ConsentState.PENDING:
            return CoverageRefusal.CONSENT_NOT_YET_VALID
        if purpose not in self.purposes:
            return CoverageRefusal.PURPOSE_NOT_COVERED
        if not frozenset(sections) <= self.sections:
            return CoverageRefusal.SCOPE_NOT_COVERED
        return None

    def revoke(
        self, *, reason: RevocationReason, at: datetime, revoked_by: str, note: str = ""
    ) -> None:
        """Withdraw the authorization effective at ``at`` (UTC); queues :class:`ConsentRevoked`.
        A consent is revoked once: a second revocation is refused with
        FAILED_PRECONDITION ``CONSENT_ALREADY_REVOKED``. Expired consents may still be revoked
        (the record of the withdrawal matters for audit)."""
        _require_utc(at, "at")
        if self.revocation is not None:
            raise FailedPrecondition(
                CONSENT_ALREADY_REVOKED,
                "the consent is already revoked",
                metadata={"consent_id": str(self.consent_id)},
            )
        self.revocation = Revocation(reason=reason, revoked_at=at, revoked_by=revoked_by, note=note)
        self.events.append(
            ConsentRevoked(
                consent_id=self.consent_id,
                borrower_id=self.borrower_id,
                reason=reason,
                revoked_at=at,
            )
        )

    def collect_events(self) -> list[DomainEvent]:
        """Hand over and forget the queued events."""
        events, self.events = self.events, []
        return events
