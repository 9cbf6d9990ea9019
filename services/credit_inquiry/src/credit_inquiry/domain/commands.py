"""Commands of the consent ledger: validated requests, in domain terms (UTC instants)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from credit_inquiry.domain.consent import (
    ConsentChannel,
    ConsentEvidence,
    ConsentPurpose,
    ConsentState,
    ReportSection,
    RevocationReason,
    ValidityWindow,
)


@dataclass(frozen=True)
class GrantConsent:
    request_id: str
    borrower_id: str
    purposes: frozenset[ConsentPurpose]
    sections: frozenset[ReportSection]
    channel: ConsentChannel
    evidence: ConsentEvidence
    validity: ValidityWindow


@dataclass(frozen=True)
class RevokeConsent:
    request_id: str
    consent_id: uuid.UUID
    reason: RevocationReason
    note: str


@dataclass(frozen=True)
class ListConsents:
    borrower_id: str
    states: frozenset[ConsentState]
    page_size: int
    # Keyset position of the last consent on the previous page (granted_at, consent_id).
    after: tuple[datetime, uuid.UUID] | None
