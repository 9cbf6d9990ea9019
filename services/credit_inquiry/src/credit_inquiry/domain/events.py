"""Domain events of the consent ledger. Pseudonymous ids only, never personal data; the service
layer turns them into ``postloan.credit_inquiry.v1`` event messages for the outbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credit_inquiry.domain.consent import (
        ConsentChannel,
        ConsentPurpose,
        ReportSection,
        RevocationReason,
    )


@dataclass(frozen=True)
class ConsentGranted:
    consent_id: uuid.UUID
    borrower_id: str
    purposes: frozenset[ConsentPurpose]
    sections: frozenset[ReportSection]
    channel: ConsentChannel
    valid_from: datetime
    valid_until: datetime
    granted_at: datetime


@dataclass(frozen=True)
class ConsentRevoked:
    consent_id: uuid.UUID
    borrower_id: str
    reason: RevocationReason
    revoked_at: datetime


DomainEvent = ConsentGranted | ConsentRevoked
