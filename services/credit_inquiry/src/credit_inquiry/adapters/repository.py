"""The consent repository on a SQLAlchemy Core ``AsyncConnection`` (the unit of work's)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from credit_inquiry.adapters.tables import consents
from credit_inquiry.domain.consent import (
    Consent,
    ConsentChannel,
    ConsentEvidence,
    ConsentPurpose,
    ConsentState,
    ReportSection,
    Revocation,
    RevocationReason,
    ValidityWindow,
)
from postloan_runtime.errors import Aborted


def row_to_consent(row: Any) -> Consent:
    revocation = None
    if row.revoked_at is not None:
        revocation = Revocation(
            reason=RevocationReason(row.revocation_reason),
            revoked_at=row.revoked_at,
            revoked_by=row.revoked_by,
            note=row.revocation_note or "",
        )
    return Consent(
        consent_id=row.consent_id,
        borrower_id=row.borrower_id,
        purposes=frozenset(ConsentPurpose(p) for p in row.purposes),
        sections=frozenset(ReportSection(s) for s in row.sections),
        channel=ConsentChannel(row.channel),
        evidence=ConsentEvidence(
            document_sha256=row.document_sha256,
            signed_at=row.signed_at,
            signer_verification_reference=row.signer_verification_reference,
        ),
        validity=ValidityWindow(row.valid_from, row.valid_until),
        granted_at=row.granted_at,
        granted_by=row.granted_by,
        revocation=revocation,
        version=row.version,
    )


def state_at_sql(at: datetime) -> ColumnElement[str]:
    """The SQL twin of :meth:`Consent.state_at` (same precedence: revoked, expired, pending)."""
    at_value = literal(at, consents.c.valid_from.type)
    return case(
        (
            and_(consents.c.revoked_at.is_not(None), consents.c.revoked_at <= at_value),
            literal(ConsentState.REVOKED.value),
        ),
        (consents.c.valid_until <= at_value, literal(ConsentState.EXPIRED.value)),
        (consents.c.valid_from > at_value, literal(ConsentState.PENDING.value)),
        else_=literal(ConsentState.ACTIVE.value),
    )


class ConsentRepository:
    """Loads and stores :class:`Consent` aggregates inside the caller's transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, consent: Consent) -> None:
        await self._conn.execute(
            insert(consents).values(
                consent_id=consent.consent_id,
                borrower_id=consent.borrower_id,
                purposes=sorted(p.value for p in consent.purposes),
                sections=sorted(s.value for s in consent.sections),
                channel=consent.channel.value,
                document_sha256=consent.evidence.document_sha256,
                signed_at=consent.evidence.signed_at,
                signer_verification_reference=consent.evidence.signer_verification_reference,
                valid_from=consent.validity.valid_from,
                valid_until=consent.validity.valid_until,
                granted_at=consent.granted_at,
                granted_by=consent.granted_by,
                version=consent.version,
            )
        )

    async def get(
        self, consent_id: uuid.UUID, *, for_update: bool = False, for_share: bool = False
    ) -> Consent | None:
        """The consent, or None. ``for_update`` locks its row until the transaction ends
        (SELECT … FOR UPDATE), so concurrent revocations queue instead of racing;
        ``for_share`` (FOR SHARE) lets concurrent inquiries relying on it proceed together
        while a revocation waits for them to commit."""
        query = select(consents).where(consents.c.consent_id == consent_id)
        if for_update:
            query = query.with_for_update()
        elif for_share:
            query = query.with_for_update(read=True)
        row = (await self._conn.execute(query)).first()
        return row_to_consent(row) if row is not None else None

    async def save_revocation(self, consent: Consent) -> None:
        """Write the revocation; refuses with ABORTED if the row changed since it was read
        (version check), then bumps ``consent.version``."""
        if consent.revocation is None:
            raise ValueError("the consent is not revoked")
        result = await self._conn.execute(
            update(consents)
            .where(
                consents.c.consent_id == consent.consent_id,
                consents.c.version == consent.version,
            )
            .values(
                revoked_at=consent.revocation.revoked_at,
                revocation_reason=consent.revocation.reason.value,
                revocation_note=consent.revocation.note,
                revoked_by=consent.revocation.revoked_by,
                version=consent.version + 1,
            )
        )
        if result.rowcount != 1:
            raise Aborted(metadata={"consent_id": str(consent.consent_id)})
        consent.version += 1

    async def list_for_borrower(
        self,
        borrower_id: str,
        *,
        at: datetime,
        states: Collection[ConsentState] = (),
        after: tuple[datetime, uuid.UUID] | None = None,
        limit: int,
    ) -> Sequence[Consent]:
        """Up to ``limit`` of the borrower's consents, newest first (``granted_at``, then id,
        descending), strictly after the keyset position ``after``; only those whose state at
        ``at`` is in ``states`` when given."""
        query = select(consents).where(consents.c.borrower_id == borrower_id)
        if states:
            query = query.where(state_at_sql(at).in_([s.value for s in states]))
        if after is not None:
            granted_at, consent_id = after
            query = query.where(
                or_(
                    consents.c.granted_at < granted_at,
                    and_(consents.c.granted_at == granted_at, consents.c.consent_id < consent_id),
                )
            )
        query = query.order_by(consents.c.granted_at.desc(), consents.c.consent_id.desc())
        rows = (await self._conn.execute(query.limit(limit))).all()
        return [row_to_consent(row) for row in rows]
