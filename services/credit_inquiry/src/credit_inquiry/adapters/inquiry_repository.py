"""Repositories of identity verifications, stored reports, inquiries and the record chain, on
the unit of work's SQLAlchemy Core ``AsyncConnection``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import and_, bindparam, func, insert, literal, or_, select, text, true, update
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
from credit_inquiry.domain.record_chain import (
    GENESIS,
    ChainLink,
    ContentValue,
    chain_hash,
    chain_of,
)

# First key of the two-key pg_advisory_xact_lock(space, chain) serializing appends to one chain
# (ASCII "INQC").
CHAIN_LOCK_SPACE: Final = 0x494E5143


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

    async def borrowers_with_resident_id(self, resident_id_index: str) -> list[str]:
        """Borrower ids with a verification of this resident ID (looked up by blind index)."""
        rows = await self._conn.execute(
            select(identity_verifications.c.borrower_id)
            .where(identity_verifications.c.resident_id_index == resident_id_index)
            .distinct()
        )
        return [r[0] for r in rows]


@dataclass(frozen=True)
class InquiryBasis:
    """What an inquiry needs to know about the borrower, read in one statement: the newest
    MATCHED identity verification and (post-loan) the newest retrieval with a stored report,
    with the score and features to copy if it is reused."""

    identity: StoredIdentity | None
    candidate: StoredRetrieval | None
    source: Any | None  # the candidate's inquiry columns (score, model_version, …)


def _basis_statement() -> Any:
    iv = identity_verifications.c
    identity = (
        select(identity_verifications)
        .where(iv.borrower_id == bindparam("borrower_id"), iv.outcome == "MATCHED")
        .order_by(iv.verified_at.desc())
        .limit(1)
        .lateral("identity")
    )
    i, r = inquiries.c, credit_reports.c
    candidate = (
        select(
            i.inquiry_id.label("candidate_inquiry_id"),
            i.report_id.label("candidate_report_id"),
            r.sections.label("candidate_sections"),
            i.completed_at.label("candidate_completed_at"),
            i.score, i.model_version, i.reason_codes, i.risk_features, i.explanation,
        )
        .join(credit_reports, r.report_id == i.report_id)
        .where(
            bindparam("with_candidate"),
            i.borrower_id == bindparam("borrower_id"),
            i.outcome == "REPORT_RETRIEVED",
            r.purged_at.is_(None),
        )
        .order_by(i.completed_at.desc())
        .limit(1)
        .lateral("candidate")
    )
    return (
        select(identity, candidate)
        .select_from(select(literal(1).label("one")).subquery("one"))
        .outerjoin(identity, true())
        .outerjoin(candidate, true())
    )


# Built once: the hot path only binds parameters.
_BASIS = _basis_statement()


async def inquiry_basis(
    conn: AsyncConnection, borrower_id: str, *, with_candidate: bool
) -> InquiryBasis:
    row = (
        await conn.execute(_BASIS, {"borrower_id": borrower_id, "with_candidate": with_candidate})
    ).one()
    identity = None
    if row.verification_id is not None:
        identity = StoredIdentity(
            _row_to_verification(row), row.name_encrypted, row.resident_id_encrypted
        )
    candidate = None
    if row.candidate_inquiry_id is not None:
        candidate = StoredRetrieval(
            inquiry_id=row.candidate_inquiry_id,
            report_id=row.candidate_report_id,
            sections=frozenset(ReportSection(s) for s in row.candidate_sections),
            completed_at=row.candidate_completed_at,
        )
    return InquiryBasis(identity, candidate, row if candidate is not None else None)


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

    async def add_returning(self, **values: Any) -> Any:
        """Insert and return the stored row (one round trip)."""
        return (
            await self._conn.execute(insert(inquiries).values(**values).returning(inquiries))
        ).one()

    async def get(self, inquiry_id: uuid.UUID) -> Any | None:
        return (
            await self._conn.execute(select(inquiries).where(inquiries.c.inquiry_id == inquiry_id))
        ).first()

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
    """What a record's hash covers: every stored column except the two hashes, the chain
    number (implied by the links) and the service-wide listing ``sequence``; ``sequence`` here
    is the record's position in its chain (``chain_sequence``)."""
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
        sequence=row.chain_sequence,
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
    return ChainLink(row.chain_sequence, content, row.record_hash, row.previous_hash)


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


_LOCK_CHAINS = text(
    "SELECT pg_advisory_xact_lock(:space, chain)"
    " FROM (SELECT unnest(CAST(:chains AS integer[])) AS chain ORDER BY 1) AS ordered"
)
_CHAIN_HEADS = text(
    "SELECT c.chain, head.chain_sequence, head.record_hash"
    " FROM unnest(CAST(:chains AS integer[])) AS c(chain)"
    " LEFT JOIN LATERAL (SELECT r.chain_sequence, r.record_hash FROM inquiry_records AS r"
    " WHERE r.chain = c.chain ORDER BY r.chain_sequence DESC LIMIT 1) AS head ON true"
)


class RecordChain:
    """Appends to and reads the hash chains. An append locks the chains it writes to
    (transaction-scoped advisory locks, ascending order), so concurrent appends to one chain
    go one after another (gap-free positions, each hash linked to the committed predecessor)
    while other chains proceed; call :meth:`append` as the last statement before the commit so
    the lock is held only for the insert and the commit."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def append(self, records: Sequence[NewRecord]) -> list[dict[str, Any]]:
        if not records:
            return []
        chains = sorted({chain_of(r.borrower_id) for r in records})
        await self._conn.execute(_LOCK_CHAINS, {"space": CHAIN_LOCK_SPACE, "chains": chains})
        heads: dict[int, tuple[int, str]] = {
            row.chain: (row.chain_sequence or 0, row.record_hash or GENESIS)
            for row in await self._conn.execute(_CHAIN_HEADS, {"chains": chains})
        }
        rows: list[dict[str, Any]] = []
        for record in records:
            chain = chain_of(record.borrower_id)
            position, previous = heads[chain]
            position += 1
            content = record_content(
                sequence=position,
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
                    "chain": chain,
                    "chain_sequence": position,
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
            heads[chain] = (position, record_hash)
        await self._conn.execute(insert(inquiry_records), rows)
        return rows

    async def chains_in(self, first: int, last: int) -> list[int]:
        """The chains with records whose listing sequence is in ``[first, last]``."""
        rows = await self._conn.execute(
            select(inquiry_records.c.chain)
            .where(inquiry_records.c.sequence.between(first, last))
            .distinct()
            .order_by(inquiry_records.c.chain)
        )
        return [r[0] for r in rows]

    async def chain_range(
        self, chain: int, first: int, last: int, *, after_position: int, limit: int
    ) -> Sequence[Any]:
        """Up to ``limit`` records of ``chain`` with listing sequence in ``[first, last]``,
        after ``after_position``, in chain order."""
        c = inquiry_records.c
        return (
            await self._conn.execute(
                select(inquiry_records)
                .where(
                    c.chain == chain,
                    c.chain_sequence > after_position,
                    c.sequence.between(first, last),
                )
                .order_by(c.chain_sequence)
                .limit(limit)
            )
        ).all()

    async def hash_at(self, chain: int, position: int) -> str | None:
        return await self._conn.scalar(
            select(inquiry_records.c.record_hash).where(
                inquiry_records.c.chain == chain, inquiry_records.c.chain_sequence == position
            )
        )

    async def newest_sequence(self) -> int:
        return int(await self._conn.scalar(select(func.max(inquiry_records.c.sequence))) or 0)

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
