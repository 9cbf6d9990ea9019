"""Repositories of identity verifications, stored reports, inquiries and the record chain, on
the unit of work's SQLAlchemy Core ``AsyncConnection``."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import and_, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from credit_inquiry.adapters.repository import row_to_consent
from credit_inquiry.adapters.tables import (
    consents,
    credit_reports,
    identity_verifications,
    inquiries,
    inquiry_records,
)
from credit_inquiry.domain.consent import Consent, ReportSection
from credit_inquiry.domain.identity import IdentityMatchOutcome, IdentityVerification
from credit_inquiry.domain.inquiry import RecordKind, StoredRetrieval
from credit_inquiry.domain.record_chain import (
    GENESIS,
    RECORD_CHAINS,
    ChainLink,
    ContentValue,
    chain_hash,
    chain_of,
)
from postloan_runtime.direct_sql import DirectStatement, insert_sql

# First key of the two-key pg_advisory_xact_lock(space, chain) serializing appends to one chain
# (ASCII "INQC").
CHAIN_LOCK_SPACE: Final = 0x494E5143


@dataclass(frozen=True)
class StoredIdentity:
    """A verification with its encrypted personal data (decrypted only to call the bureau)."""

    verification: IdentityVerification
    name_encrypted: bytes
    resident_id_encrypted: bytes


_VERIFICATION_FIELDS: Final = (
    "verification_id", "borrower_id", "outcome", "masked_name", "masked_resident_id_number",
    "masked_mobile", "bureau_reference", "consent_id", "verified_at", "requested_by",
)


def _row_to_verification(row: Any, prefix: str = "") -> IdentityVerification:
    """The verification in ``row``, its columns named ``prefix`` + field (a joined read labels
    them ``identity_…``)."""
    values = {field: getattr(row, prefix + field) for field in _VERIFICATION_FIELDS}
    values["outcome"] = IdentityMatchOutcome(values["outcome"])
    return IdentityVerification(**values)


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
class InquiryGrounds:
    """What an inquiry rests on, read in one statement: the consent (share-locked, None when
    there is no such consent), the borrower's newest MATCHED identity verification and
    (post-loan) the newest retrieval with a stored report, with the score and features to copy
    if it is reused."""

    consent: Consent | None
    identity: StoredIdentity | None
    candidate: StoredRetrieval | None
    source: Any | None  # the candidate's inquiry columns (score, model_version, …)


_CONSENT_COLUMNS: Final = ", ".join(f"c.{c.name}" for c in consents.columns)
_IDENTITY_COLUMNS: Final = (
    "verification_id", "borrower_id", "outcome", "consent_id", "bureau_reference",
    "name_encrypted", "resident_id_encrypted", "masked_name", "masked_resident_id_number",
    "masked_mobile", "verified_at", "requested_by",
)
# The consent row FOR SHARE (a revocation's FOR UPDATE waits for this transaction, and if this
# statement waited for a revocation it rechecks the revoked row), the identity and the reuse
# candidate in one round trip. No consent row: no row at all (CONSENT_MISSING). The identity
# and candidate need no lock ordering with a revocation (it changes neither). The candidate is
# the newest retrieval whatever its sections; ``reusable`` decides whether it fits this ask.
_GROUNDS: Final = DirectStatement(
    f"SELECT {_CONSENT_COLUMNS}, "
    + ", ".join(f"identity.{c} AS identity_{c}" for c in _IDENTITY_COLUMNS)
    + ", candidate.*"
    " FROM consents AS c"
    " LEFT JOIN LATERAL (SELECT " + ", ".join(_IDENTITY_COLUMNS)
    + " FROM identity_verifications"
    " WHERE borrower_id = :borrower_id AND outcome = 'MATCHED'"
    " ORDER BY verified_at DESC LIMIT 1) AS identity ON true"
    " LEFT JOIN LATERAL (SELECT i.inquiry_id AS candidate_inquiry_id,"
    " i.report_id AS candidate_report_id, r.sections AS candidate_sections,"
    " r.purge_after AS candidate_purge_after,"
    " i.completed_at AS candidate_completed_at, i.score, i.model_version, i.reason_codes,"
    " i.risk_features, i.explanation"
    " FROM inquiries AS i JOIN credit_reports AS r ON r.report_id = i.report_id"
    " WHERE :with_candidate AND i.borrower_id = :borrower_id"
    " AND i.outcome = 'REPORT_RETRIEVED' AND r.purged_at IS NULL"
    " ORDER BY i.completed_at DESC LIMIT 1) AS candidate ON true"
    " WHERE c.consent_id = :consent_id"
    " FOR SHARE OF c"
)


async def inquiry_grounds(
    conn: AsyncConnection, consent_id: uuid.UUID, borrower_id: str, *, with_candidate: bool
) -> InquiryGrounds:
    row = await _GROUNDS.fetchrow(
        conn,
        {"consent_id": consent_id, "borrower_id": borrower_id, "with_candidate": with_candidate},
    )
    if row is None:
        return InquiryGrounds(None, None, None, None)
    identity = None
    if row.identity_verification_id is not None:
        identity = StoredIdentity(
            _row_to_verification(row, "identity_"),
            row.identity_name_encrypted,
            row.identity_resident_id_encrypted,
        )
    candidate = None
    if row.candidate_inquiry_id is not None:
        candidate = StoredRetrieval(
            inquiry_id=row.candidate_inquiry_id,
            report_id=row.candidate_report_id,
            sections=frozenset(ReportSection(s) for s in row.candidate_sections),
            completed_at=row.candidate_completed_at,
            purge_after=row.candidate_purge_after,
        )
    return InquiryGrounds(
        row_to_consent(row), identity, candidate, row if candidate is not None else None
    )


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

    async def add_locking_chain(self, values: dict[str, Any], chain: int) -> ChainHead:
        """Insert the inquiry (``values``: every column) and, in the same round trip, lock
        ``chain`` for an append and read its head (see :class:`RecordChain`)."""
        params = {**values, "chains": [chain], "space": CHAIN_LOCK_SPACE}
        for document in _JSONB_COLUMNS:
            if params[document] is not None:
                params[document] = json.dumps(params[document])
        row = await _INSERT_LOCKING_CHAIN.fetchrow(self._conn, params)
        assert row is not None  # noqa: S101 - the function returns one row per chain
        return ChainHead(row.chain_sequence or 0, row.record_hash or GENESIS)

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


@dataclass(frozen=True)
class ChainHead:
    """A chain's newest position (0: empty) and its hash (GENESIS: empty)."""

    position: int
    record_hash: str


# Locks the chains (ascending) and then reads their heads with a fresh snapshot, in one
# statement: see migration 0005 for why this takes a function.
_CHAIN_HEADS: Final = text(
    "SELECT chain, chain_sequence, record_hash"
    " FROM inquiry_chain_heads(:space, CAST(:chains AS integer[]))"
).bindparams(space=CHAIN_LOCK_SPACE)
_INQUIRY_COLUMNS: Final = tuple(c.name for c in inquiries.columns)
# Run on the driver connection (postloan_runtime.direct_sql): the JSONB columns go as text.
_JSONB_COLUMNS: Final = ("risk_features", "explanation")
_INSERT_LOCKING_CHAIN: Final = DirectStatement(
    f"WITH inserted AS ({insert_sql('inquiries', _INQUIRY_COLUMNS)})"
    " SELECT chain, chain_sequence, record_hash"
    " FROM inquiry_chain_heads(:space, CAST(:chains AS integer[]))"
)
# Waits for the appends in progress, then the newest sequence no later append can go below
# (migration 0006). Run it in a transaction of its own: its shared locks hold appends off.
_LISTING_HORIZON: Final = text(
    "SELECT inquiry_records_listing_horizon(:space, :chains)"
).bindparams(space=CHAIN_LOCK_SPACE, chains=RECORD_CHAINS)
_RECORD_COLUMNS: Final = (
    "chain", "chain_sequence", "kind", "borrower_id", "inquiry_id", "report_id", "purpose",
    "consent_id", "outcome", "actor", "recorded_at", "note", "record_hash", "previous_hash",
)
_INSERT_RECORDS: Final = DirectStatement(insert_sql("inquiry_records", _RECORD_COLUMNS))


class RecordChain:
    """Appends to and reads the hash chains. An append locks the chains it writes to
    (transaction-scoped advisory locks, ascending order), so concurrent appends to one chain
    go one after another (gap-free positions, each hash linked to the committed predecessor)
    while other chains proceed; call :meth:`append` as the last statement before the commit so
    the lock is held only for the insert and the commit. Records are inserted (their listing
    ``sequence`` drawn) only under those locks: :meth:`listing_horizon` relies on it."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def append(
        self, records: Sequence[NewRecord], *, locked_heads: dict[int, ChainHead] | None = None
    ) -> list[dict[str, Any]]:
        """Append ``records``. ``locked_heads``: the heads of every chain they go to, read by
        this transaction under the chains' locks (:meth:`InquiryRepository.add_locking_chain`);
        without it, this locks the chains and reads their heads first."""
        if not records:
            return []
        if locked_heads is None:
            chains = sorted({chain_of(r.borrower_id) for r in records})
            heads = {
                row.chain: (row.chain_sequence or 0, row.record_hash or GENESIS)
                for row in await self._conn.execute(_CHAIN_HEADS, {"chains": chains})
            }
        else:
            heads = {chain: (h.position, h.record_hash) for chain, h in locked_heads.items()}
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
        await _INSERT_RECORDS.executemany(self._conn, rows)
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

    async def listing_horizon(self) -> int:
        """The newest listing sequence below which every record is committed (or never will
        be): waits for the appends in progress. Commit right after it to release the locks."""
        return int(await self._conn.scalar(_LISTING_HORIZON) or 0)

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
        up_to: int,
        limit: int,
    ) -> Sequence[Any]:
        """Records matching every given filter, in listing order, with sequence in
        ``(after_sequence, up_to]``."""
        c = inquiry_records.c
        query = select(inquiry_records).where(c.sequence > after_sequence, c.sequence <= up_to)
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
