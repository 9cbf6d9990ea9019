"""Repositories of identity verifications, stored reports, inquiries and the record chain, on
the unit of work's SQLAlchemy Core ``AsyncConnection``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import and_, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from credit_inquiry.adapters.tables import (
    credit_reports,
    identity_verifications,
    inquiries,
    inquiry_records,
)
from credit_inquiry.domain.consent import ReportSection
from credit_inquiry.domain.identity import IdentityMatchOutcome, IdentityVerification
from credit_inquiry.domain.inquiry import RecordKind, StoredRetrieval
from credit_inquiry.domain.record_chain import GENESIS, ChainLink, ContentValue, chain_hash

# pg_advisory_xact_lock key serializing appends to the record chain (ASCII "INQCHAIN").
CHAIN_LOCK_KEY: Final = 0x494E51434841494E


@dataclass(frozen=True)
class StoredIdentity:
    """A verification with its encrypted personal data (decrypted only to call the bureau)."""

    verification: IdentityVerification
    name_encrypted: bytes
    resident_id_encrypted: bytes


def _row_to_verification(row: Any) -> IdentityVerification:
    return IdentityVerification(
        verification_id=row.verification_id,
        borrower_id=row.borrower_id,
        outcome=IdentityMatchOutcome(row.outcome),
        masked_name=row.masked_name,
        masked_resident_id_number=row.masked_resident_id_number,
        masked_mobile=row.masked_mobile,
        bureau_reference=row.bureau_reference,
        consent_id=row.consent_id,
        verified_at=row.verified_at,
        requested_by=row.requested_by,
    )


class IdentityRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(
        self,
        verification: IdentityVerification,
        *,
        name_encrypted: bytes,
        resident_id_encrypted: bytes,
        mobile_encrypted: bytes,
        resident_id_index: str,
    ) -> None:
        await self._conn.execute(
            insert(identity_verifications).values(
                verification_id=verification.verification_id,
                borrower_id=verification.borrower_id,
                outcome=verification.outcome.value,
                consent_id=verification.consent_id,
                bureau_reference=verification.bureau_reference,
                name_encrypted=name_encrypted,
                resident_id_encrypted=resident_id_encrypted,
                mobile_encrypted=mobile_encrypted,
                resident_id_index=resident_id_index,
                masked_name=verification.masked_name,
                masked_resident_id_number=verification.masked_resident_id_number,
                masked_mobile=verification.masked_mobile,
                verified_at=verification.verified_at,
                requested_by=verification.requested_by,
            )
        )

    async def get(self, verification_id: uuid.UUID) -> IdentityVerification | None:
        row = (
            await self._conn.execute(
                select(identity_verifications).where(
                    identity_verifications.c.verification_id == verification_id
                )
            )
        ).first()
        return _row_to_verification(row) if row is not None else None

    async def latest_matched(self, borrower_id: str) -> StoredIdentity | None:
        """The borrower's newest MATCHED verification."""
        row = (
            await self._conn.execute(
                select(identity_verifications)
                .where(
                    identity_verifications.c.borrower_id == borrower_id,
                    identity_verifications.c.outcome == IdentityMatchOutcome.MATCHED.value,
                )
                .order_by(identity_verifications.c.verified_at.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            return None
        return StoredIdentity(
            _row_to_verification(row), row.name_encrypted, row.resident_id_encrypted
        )

    async def borrowers_with_resident_id(self, resident_id_index: str) -> list[str]:
        """Borrower ids with a verification of this resident ID (looked up by blind index)."""
        rows = await self._conn.execute(
            select(identity_verifications.c.borrower_id)
            .where(identity_verifications.c.resident_id_index == resident_id_index)
            .distinct()
        )
        return [r[0] for r in rows]


class ReportRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, **values: Any) -> None:
        await self._conn.execute(insert(credit_reports).values(**values))

    async def get(self, report_id: uuid.UUID) -> Any | None:
        return (
            await self._conn.execute(
                select(credit_reports).where(credit_reports.c.report_id == report_id)
            )
        ).first()

    async def lock_due(self, as_of: datetime, limit: int | None) -> Sequence[Any]:
        """Unpurged reports whose retention ended before ``as_of``, oldest first, locked
        (SKIP LOCKED: a concurrent purge takes the others)."""
        query = (
            select(credit_reports.c.report_id, credit_reports.c.borrower_id)
            .where(credit_reports.c.purged_at.is_(None), credit_reports.c.purge_after < as_of)
            .order_by(credit_reports.c.purge_after, credit_reports.c.report_id)
            .with_for_update(skip_locked=True)
        )
        if limit:
            query = query.limit(limit)
        return (await self._conn.execute(query)).all()

    async def purge(self, report_ids: Sequence[uuid.UUID], at: datetime) -> None:
        """Drop the bodies (set-based)."""
        if report_ids:
            await self._conn.execute(
                update(credit_reports)
                .where(credit_reports.c.report_id.in_(report_ids))
                .values(body_encrypted=None, purged_at=at)
            )

    async def count_due(self, as_of: datetime) -> int:
        return int(
            await self._conn.scalar(
                select(func.count()).where(
                    credit_reports.c.purged_at.is_(None), credit_reports.c.purge_after < as_of
                )
            )
            or 0
        )


class InquiryRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, **values: Any) -> None:
        await self._conn.execute(insert(inquiries).values(**values))

    async def get(self, inquiry_id: uuid.UUID) -> Any | None:
        return (
            await self._conn.execute(select(inquiries).where(inquiries.c.inquiry_id == inquiry_id))
        ).first()

    async def latest_retrieval(self, borrower_id: str) -> StoredRetrieval | None:
        """The borrower's newest bureau retrieval whose report is still stored."""
        row = (
            await self._conn.execute(
                select(
                    inquiries.c.inquiry_id,
                    inquiries.c.report_id,
                    credit_reports.c.sections,
                    inquiries.c.completed_at,
                )
                .join(credit_reports, credit_reports.c.report_id == inquiries.c.report_id)
                .where(
                    inquiries.c.borrower_id == borrower_id,
                    inquiries.c.outcome == "REPORT_RETRIEVED",
                    credit_reports.c.purged_at.is_(None),
                )
                .order_by(inquiries.c.completed_at.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            return None
        return StoredRetrieval(
            inquiry_id=row.inquiry_id,
            report_id=row.report_id,
            sections=frozenset(ReportSection(s) for s in row.sections),
            completed_at=row.completed_at,
        )

    async def history(
        self, borrower_id: str, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> Sequence[Any]:
        """The borrower's inquiries (queries and reuses), newest first, keyset-paged."""
        query = select(inquiries).where(inquiries.c.borrower_id == borrower_id)
        if after is not None:
            at, inquiry_id = after
            query = query.where(
                or_(
                    inquiries.c.completed_at < at,
                    and_(inquiries.c.completed_at == at, inquiries.c.inquiry_id < inquiry_id),
                )
            )
        query = query.order_by(inquiries.c.completed_at.desc(), inquiries.c.inquiry_id.desc())
        return (await self._conn.execute(query.limit(limit))).all()


# --- the record chain --------------------------------------------------------------------


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def record_content(
    *,
    sequence: int,
    kind: str,
    borrower_id: str,
    inquiry_id: uuid.UUID | None,
    report_id: uuid.UUID | None,
    purpose: str | None,
    consent_id: uuid.UUID | None,
    outcome: str | None,
    actor: str,
    recorded_at: datetime,
    note: str | None,
) -> dict[str, ContentValue]:
    """What a record's hash covers (every stored column except the two hashes)."""
    return {
        "sequence": sequence,
        "kind": kind,
        "borrower_id": borrower_id,
        "inquiry_id": _text(inquiry_id),
        "report_id": _text(report_id),
        "purpose": purpose,
        "consent_id": _text(consent_id),
        "outcome": outcome,
        "actor": actor,
        "recorded_at": recorded_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "note": note,
    }


def row_to_link(row: Any) -> ChainLink:
    content = record_content(
        sequence=row.sequence,
        kind=row.kind,
        borrower_id=row.borrower_id,
        inquiry_id=row.inquiry_id,
        report_id=row.report_id,
        purpose=row.purpose,
        consent_id=row.consent_id,
        outcome=row.outcome,
        actor=row.actor,
        recorded_at=row.recorded_at,
        note=row.note,
    )
    return ChainLink(row.sequence, content, row.record_hash, row.previous_hash)


@dataclass(frozen=True)
class NewRecord:
    kind: RecordKind
    borrower_id: str
    actor: str
    recorded_at: datetime
    inquiry_id: uuid.UUID | None = None
    report_id: uuid.UUID | None = None
    purpose: str | None = None
    consent_id: uuid.UUID | None = None
    outcome: str | None = None
    note: str | None = None


class RecordChain:
    """Appends to and reads the hash chain. Appends take a transaction-scoped advisory lock, so
    concurrent transactions append one after another (gap-free sequence, each hash linked to
    the committed predecessor); call :meth:`append` last in the unit of work to hold it
    briefly."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def append(self, records: Sequence[NewRecord]) -> list[dict[str, Any]]:
        if not records:
            return []
        await self._conn.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY}
        )
        last = (
            await self._conn.execute(
                select(inquiry_records.c.sequence, inquiry_records.c.record_hash)
                .order_by(inquiry_records.c.sequence.desc())
                .limit(1)
            )
        ).first()
        sequence, previous = (last.sequence, last.record_hash) if last else (0, GENESIS)
        rows: list[dict[str, Any]] = []
        for record in records:
            sequence += 1
            content = record_content(
                sequence=sequence,
                kind=record.kind.value,
                borrower_id=record.borrower_id,
                inquiry_id=record.inquiry_id,
                report_id=record.report_id,
                purpose=record.purpose,
                consent_id=record.consent_id,
                outcome=record.outcome,
                actor=record.actor,
                recorded_at=record.recorded_at,
                note=record.note,
            )
            record_hash = chain_hash(previous, content)
            rows.append(
                {
                    "sequence": sequence,
                    "kind": record.kind.value,
                    "borrower_id": record.borrower_id,
                    "inquiry_id": record.inquiry_id,
                    "report_id": record.report_id,
                    "purpose": record.purpose,
                    "consent_id": record.consent_id,
                    "outcome": record.outcome,
                    "actor": record.actor,
                    "recorded_at": record.recorded_at,
                    "note": record.note,
                    "record_hash": record_hash,
                    "previous_hash": previous,
                }
            )
            previous = record_hash
        await self._conn.execute(insert(inquiry_records), rows)
        return rows

    async def hash_of(self, sequence: int) -> str | None:
        return await self._conn.scalar(
            select(inquiry_records.c.record_hash).where(inquiry_records.c.sequence == sequence)
        )

    async def newest_sequence(self) -> int:
        return int(await self._conn.scalar(select(func.max(inquiry_records.c.sequence))) or 0)

    async def range(self, first: int, last: int) -> Sequence[Any]:
        return (
            await self._conn.execute(
                select(inquiry_records)
                .where(inquiry_records.c.sequence.between(first, last))
                .order_by(inquiry_records.c.sequence)
            )
        ).all()

    async def search(
        self,
        *,
        borrower_id: str | None,
        actor: str | None,
        purposes: Sequence[str],
        kinds: Sequence[str],
        outcomes: Sequence[str],
        consent_id: uuid.UUID | None,
        recorded_from: datetime | None,
        recorded_until: datetime | None,
        after_sequence: int,
        limit: int,
    ) -> Sequence[Any]:
        """Records matching every given filter, in chain order after ``after_sequence``."""
        c = inquiry_records.c
        query = select(inquiry_records).where(c.sequence > after_sequence)
        if borrower_id:
            query = query.where(c.borrower_id == borrower_id)
        if actor:
            query = query.where(c.actor == actor)
        if purposes:
            query = query.where(c.purpose.in_(purposes))
        if kinds:
            query = query.where(c.kind.in_(kinds))
        if outcomes:
            query = query.where(c.outcome.in_(outcomes))
        if consent_id is not None:
            query = query.where(c.consent_id == consent_id)
        if recorded_from is not None:
            query = query.where(c.recorded_at >= recorded_from)
        if recorded_until is not None:
            query = query.where(c.recorded_at < recorded_until)
        return (await self._conn.execute(query.order_by(c.sequence).limit(limit))).all()
