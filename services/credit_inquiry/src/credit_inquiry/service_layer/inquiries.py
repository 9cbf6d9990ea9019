"""Use cases of identity verification, credit inquiries, stored reports and the record chain.

**The inquiry transaction** (docs/credit_inquiry.md). One unit of work does all of it:

1. claim the ``request_id`` (first statement, AIP-155);
2. read the consent ``FOR SHARE`` (with the identity and the reuse candidate, one statement)
   and check it covers borrower, purpose and sections *now*; the lock makes a concurrent
   revocation (``FOR UPDATE``) wait until this transaction ends, so the consent cannot be
   withdrawn between the check and the record, and a revocation that waited for it is dated
   after it;
3. answer from a stored report inside the reuse window with exactly the sections asked for
   (post-loan only; no bureau call), or call the bureau **while the transaction is open**
   (bounded by the adapter's deadline and retries);
4. store the encrypted report and the inquiry, whose insert also takes the borrower's chain
   lock and reads the chain's head; store the idempotent response; append the chain record
   (the lock is held for the idempotency update, the chain insert, the InquiryCompleted outbox
   row and the commit); commit.

A bureau failure raises before anything is written: the transaction rolls back, the
idempotency key with it, and the caller gets UNAVAILABLE / DEADLINE_EXCEEDED with nothing
recorded. A retry with the same ``request_id`` sends the bureau the same query id, so the
bureau bills a retried query once. The price is a database connection (and the consent's share
lock) held for the bureau call's duration.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Final

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_inquiry.adapters.bureau import BureauAdapter, bureau_query_id
from credit_inquiry.adapters.inquiry_protobuf import (
    explanation_to_json,
    inquiry_completed,
    inquiry_to_proto,
    verification_to_proto,
)
from credit_inquiry.adapters.inquiry_repository import (
    ChainHead,
    IdentityRepository,
    InquiryRepository,
    NewRecord,
    RecordChain,
    ReportRepository,
    inquiry_grounds,
)
from credit_inquiry.adapters.repository import ConsentRepository
from credit_inquiry.domain.consent import ConsentPurpose, ReportSection
from credit_inquiry.domain.identity import (
    IdentityVerification,
    normalize_mobile,
    normalize_resident_id,
)
from credit_inquiry.domain.inquiry import (
    IDENTITY_NOT_VERIFIED,
    NO_SCORE,
    REPORT_PURGED,
    InquiryOutcome,
    RecordKind,
    check_consent,
    inquiry_type_for,
    reusable,
    sections_for,
)
from credit_inquiry.domain.inquiry_commands import (
    ListInquiryRecords,
    PurgeExpiredReports,
    RequestInquiry,
    VerifyIdentity,
)
from credit_inquiry.domain.record_chain import GENESIS, ChainCheck, chain_of, verify_chain
from credit_inquiry.domain.report import risk_features
from credit_inquiry.domain.scorecard import DEFAULT_MODEL, ScoringModel
from postloan.credit_inquiry.v1 import credit_inquiry_pb2, report_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.errors import FailedPrecondition, NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.pii import PiiCipher, mask_id_number, mask_mobile, mask_name, row_context
from postloan_runtime.proto_convert import timestamp_from_proto
from postloan_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

NAME_CONTEXT: Final = "credit_inquiry.identity_verifications.name"
RESIDENT_ID_CONTEXT: Final = "credit_inquiry.identity_verifications.resident_id"
MOBILE_CONTEXT: Final = "credit_inquiry.identity_verifications.mobile"
RESIDENT_ID_INDEX_CONTEXT: Final = "resident_id"
VERIFY_BATCH: Final = 1000


REPORT_BODY_CONTEXT: Final = "credit_inquiry.credit_reports.body"


def report_context(report_id: uuid.UUID) -> str:
    """What a version-1 report body was bound to (already its row); version 2 binds the same
    string as ``REPORT_BODY_CONTEXT`` with the row ``report_id``."""
    return row_context(REPORT_BODY_CONTEXT, str(report_id))


def identity_row(verification_id: uuid.UUID, borrower_id: str) -> str:
    """The row an identity field is bound to: the verification (a row's key, never reused) and
    its borrower, so neither a blob moved to another verification nor a verification moved to
    another borrower decrypts."""
    return f"{verification_id}/{borrower_id}"


@dataclass(frozen=True)
class ScoringModels:
    """The active scorecard and every version this process knows."""

    active: ScoringModel
    by_version: dict[str, ScoringModel] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> ScoringModels:
        """``POSTLOAN_SCORING_MODEL_FILE`` (JSON, the shape of DEFAULT_MODEL_JSON) becomes the
        active model; the built-in one stays readable by version."""
        known = {DEFAULT_MODEL.model_version: DEFAULT_MODEL}
        path = os.environ.get("POSTLOAN_SCORING_MODEL_FILE")
        active = DEFAULT_MODEL
        if path:
            active = ScoringModel.from_dict(json.loads(Path(path).read_text()))
            known[active.model_version] = active
        return cls(active=active, by_version=known)


@dataclass(frozen=True)
class InquirySettings:
    reuse_window: timedelta = timedelta(days=30)
    report_retention: timedelta = timedelta(days=365)

    def __post_init__(self) -> None:
        # A reuse must never reach past a report's retention (a purge-due report is not served).
        if self.report_retention <= timedelta(0):
            raise ValueError("POSTLOAN_REPORT_RETENTION_DAYS must be positive")
        if self.reuse_window >= self.report_retention:
            raise ValueError(
                "POSTLOAN_INQUIRY_REUSE_WINDOW_HOURS must be shorter than "
                "POSTLOAN_REPORT_RETENTION_DAYS (the reuse window is "
                f"{self.reuse_window}, the report retention {self.report_retention})"
            )

    @classmethod
    def from_env(cls) -> InquirySettings:
        """Exits at start-up on a value that is not a number or a window not shorter than the
        retention."""
        try:
            hours = _env_number("POSTLOAN_INQUIRY_REUSE_WINDOW_HOURS", "720")
            days = _env_number("POSTLOAN_REPORT_RETENTION_DAYS", "365")
            return cls(reuse_window=timedelta(hours=hours), report_retention=timedelta(days=days))
        except ValueError as exc:
            raise SystemExit(f"credit-inquiry: {exc}") from None


def _env_number(name: str, default: str) -> float:
    text = os.environ.get(name, default)
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number") from None


@dataclass
class InquiryContext:
    """What the inquiry use cases need (built once at start-up)."""

    engine: AsyncEngine
    clock: Clock
    cipher: PiiCipher
    bureau: BureauAdapter
    models: ScoringModels
    settings: InquirySettings


# --- identity verification ----------------------------------------------------------------


async def verify_identity(
    ctx: InquiryContext, command: VerifyIdentity, *, request: Message, method: str,
    operator: str,
) -> credit_inquiry_pb2.VerifyIdentityResponse:
    """Match the claimed identity against the bureau under a consent covering
    IDENTITY_VERIFICATION and BASIC_INFO; record the outcome (also when not matched) with the
    personal data encrypted, and its chain record."""
    now = ctx.clock.now()  # before the consent's lock: see request_inquiry
    claimed = command.identity
    async with UnitOfWork(ctx.engine) as uow:

        async def verify() -> credit_inquiry_pb2.VerifyIdentityResponse:
            conn = uow.connection
            consent = await ConsentRepository(conn).get(command.consent_id, for_share=True)
            check_consent(
                consent,
                borrower_id=command.borrower_id,
                purpose=ConsentPurpose.IDENTITY_VERIFICATION,
                sections=frozenset({ReportSection.BASIC_INFO}),
                at=now,
            )
            match = await ctx.bureau.match_identity(claimed)
            resident_id = normalize_resident_id(claimed.resident_id_number)
            mobile = normalize_mobile(claimed.mobile_number)
            verification = IdentityVerification(
                verification_id=uuid.uuid4(),
                borrower_id=command.borrower_id,
                outcome=match.outcome,
                masked_name=mask_name(claimed.name),
                masked_resident_id_number=mask_id_number(resident_id),
                masked_mobile=mask_mobile(mobile),
                bureau_reference=match.bureau_reference,
                consent_id=command.consent_id,
                verified_at=now,
                requested_by=operator,
            )
            cipher = ctx.cipher
            row = identity_row(verification.verification_id, verification.borrower_id)
            await IdentityRepository(conn).add(
                verification,
                name_encrypted=cipher.encrypt(claimed.name.strip(), context=NAME_CONTEXT, row=row),
                resident_id_encrypted=cipher.encrypt(
                    resident_id, context=RESIDENT_ID_CONTEXT, row=row
                ),
                mobile_encrypted=cipher.encrypt(mobile, context=MOBILE_CONTEXT, row=row),
                resident_id_index=cipher.blind_index(
                    resident_id, context=RESIDENT_ID_INDEX_CONTEXT
                ),
            )
            await RecordChain(conn).append(
                [
                    NewRecord(
                        kind=RecordKind.IDENTITY_MATCH,
                        borrower_id=command.borrower_id,
                        actor=operator,
                        recorded_at=now,
                        purpose=ConsentPurpose.IDENTITY_VERIFICATION.value,
                        consent_id=command.consent_id,
                    )
                ]
            )
            log.info("identity verified", extra={"outcome": match.outcome.value})
            return credit_inquiry_pb2.VerifyIdentityResponse(
                verification=verification_to_proto(verification)
            )

        response = await run_idempotent_in_transaction(
            uow.connection,
            request_id=command.request_id,
            method=method,
            request=request,
            response_type=credit_inquiry_pb2.VerifyIdentityResponse,
            effect=verify,
            now=now,
        )
        await uow.commit()
    return response


async def get_verification(ctx: InquiryContext, verification_id: uuid.UUID) -> IdentityVerification:
    async with ctx.engine.connect() as conn:
        verification = await IdentityRepository(conn).get(verification_id)
    if verification is None:
        raise NotFound("identity verification", str(verification_id))
    return verification


# --- inquiries ----------------------------------------------------------------------------


async def request_inquiry(
    ctx: InquiryContext, command: RequestInquiry, *, request: Message, method: str,
    operator: str,
) -> credit_inquiry_pb2.RequestInquiryResponse:
    """Check the consent and record the inquiry in one transaction (see the module docstring);
    emits InquiryCompleted."""
    # Read before the consent's lock: a revocation committed meanwhile still refuses, as
    # Consent.covers refuses any recorded revocation whatever this instant.
    now = ctx.clock.now()
    chain = chain_of(command.borrower_id)
    # Appended after the idempotency response is stored, right before the commit (which writes
    # the outbox row). The chain's lock is taken, and its head read, by the inquiry's insert:
    # it is held for the idempotency update, the chain insert, the outbox row and the commit.
    # The outbox row comes after the lock so a borrower's events keep the chain's (= commit)
    # order.
    chain_record: list[NewRecord] = []
    chain_heads: dict[int, ChainHead] = {}
    async with UnitOfWork(ctx.engine) as uow:

        async def inquire() -> credit_inquiry_pb2.RequestInquiryResponse:
            conn = uow.connection
            # Consent (share-locked), identity, reuse candidate and its score: one statement.
            grounds = await inquiry_grounds(
                conn, command.consent_id, command.borrower_id,
                with_candidate=command.purpose is ConsentPurpose.POST_LOAN_MANAGEMENT,
            )
            consent = check_consent(
                grounds.consent,
                borrower_id=command.borrower_id,
                purpose=command.purpose,
                sections=command.sections,
                at=now,
            )
            sections = sections_for(command.sections, consent)
            identity, candidate = grounds.identity, grounds.candidate
            if identity is None:
                raise FailedPrecondition(
                    IDENTITY_NOT_VERIFIED, "the borrower has no matched identity verification"
                )
            values: dict[str, Any] = {
                "inquiry_id": uuid.uuid4(),
                "borrower_id": command.borrower_id,
                "loan_id": command.loan_id,
                "purpose": command.purpose.value,
                "inquiry_type": inquiry_type_for(command.purpose).value,
                "consent_id": consent.consent_id,
                "sections": sorted(s.value for s in sections),
                "requested_by": operator,
                "completed_at": now,
                "report_id": None,
                "reused_inquiry_id": None,
                "score": None,
                "model_version": None,
                "reason_codes": [],
                "risk_features": None,
                "explanation": None,
            }
            if candidate is not None and reusable(
                candidate, purpose=command.purpose, sections=sections, at=now,
                window=ctx.settings.reuse_window,
            ):
                source = grounds.source
                if source is None:  # inquiry_grounds reads it in the same row as the candidate
                    raise AssertionError("reuse candidate without its inquiry's score columns")
                kind = RecordKind.REUSE
                values.update(
                    outcome=InquiryOutcome.REPORT_REUSED.value,
                    report_id=candidate.report_id,
                    reused_inquiry_id=candidate.inquiry_id,
                    score=source.score,
                    model_version=source.model_version,
                    reason_codes=list(source.reason_codes),
                    risk_features=source.risk_features,
                    explanation=source.explanation,
                )
            else:
                kind = RecordKind.BUREAU_QUERY
                # Row-bound: an identity swapped in from another row fails here (INTERNAL, the
                # transaction rolls back) before the bureau is called.
                row = identity_row(
                    identity.verification.verification_id, identity.verification.borrower_id
                )
                retrieved = await ctx.bureau.query_report(
                    query_id=bureau_query_id(command.request_id),
                    name=ctx.cipher.decrypt(identity.name_encrypted, context=NAME_CONTEXT, row=row),
                    resident_id_number=ctx.cipher.decrypt(
                        identity.resident_id_encrypted, context=RESIDENT_ID_CONTEXT, row=row
                    ),
                    purpose=command.purpose,
                    sections=sections,
                )
                if retrieved is None:
                    values["outcome"] = InquiryOutcome.NO_RECORD.value
                else:
                    report_id = uuid.uuid4()
                    report = retrieved.report
                    report.report_id = str(report_id)
                    report.borrower_id = command.borrower_id
                    purge_after = now + ctx.settings.report_retention
                    report.purge_after.FromDatetime(purge_after)
                    body = base64.b64encode(report.SerializeToString()).decode("ascii")
                    await ReportRepository(conn).add(
                        report_id=report_id,
                        borrower_id=command.borrower_id,
                        bureau_report_number=report.bureau_report_number,
                        reported_at=timestamp_from_proto(report.reported_at),
                        retrieved_at=now,
                        purge_after=purge_after,
                        sections=sorted(s.value for s in sections),
                        body_encrypted=ctx.cipher.encrypt(
                            body, context=REPORT_BODY_CONTEXT, row=str(report_id)
                        ),
                    )
                    features = risk_features(retrieved.facts)
                    model = ctx.models.active
                    result = model.score(features.score_values())
                    values.update(
                        outcome=InquiryOutcome.REPORT_RETRIEVED.value,
                        report_id=report_id,
                        score=result.score,
                        model_version=result.model_version,
                        reason_codes=list(result.reason_codes),
                        risk_features=features.to_dict(),
                        explanation=explanation_to_json(result, model),
                    )
            chain_heads[chain] = await InquiryRepository(conn).add_locking_chain(values, chain)
            # The stored row is exactly ``values`` (every column given, no defaults or
            # triggers), so the answer is built from them rather than read back.
            inquiry = inquiry_to_proto(SimpleNamespace(**values))
            uow.record_event(inquiry_completed(inquiry), ordering_key=command.borrower_id)
            chain_record.append(
                NewRecord(
                    kind=kind,
                    borrower_id=command.borrower_id,
                    actor=operator,
                    recorded_at=now,
                    inquiry_id=values["inquiry_id"],
                    report_id=values["report_id"],
                    purpose=command.purpose.value,
                    consent_id=consent.consent_id,
                    outcome=values["outcome"],
                )
            )
            log.info(
                "inquiry recorded",
                extra={"inquiry_id": str(values["inquiry_id"]), "outcome": values["outcome"]},
            )
            return credit_inquiry_pb2.RequestInquiryResponse(inquiry=inquiry)

        response = await run_idempotent_in_transaction(
            uow.connection,
            request_id=command.request_id,
            method=method,
            request=request,
            response_type=credit_inquiry_pb2.RequestInquiryResponse,
            effect=inquire,
            now=now,
        )
        # Nothing on a replay; the heads were read under the lock the insert took.
        await RecordChain(uow.connection).append(chain_record, locked_heads=chain_heads)
        await uow.commit()
    return response


async def get_inquiry_row(ctx: InquiryContext, inquiry_id: uuid.UUID) -> Any:
    async with ctx.engine.connect() as conn:
        row = await InquiryRepository(conn).get(inquiry_id)
    if row is None:
        raise NotFound("inquiry", str(inquiry_id))
    return row


async def get_score_explanation_row(ctx: InquiryContext, inquiry_id: uuid.UUID) -> Any:
    row = await get_inquiry_row(ctx, inquiry_id)
    if row.score is None:
        raise FailedPrecondition(
            NO_SCORE, "the inquiry has no score (the bureau had no file)",
            {"inquiry_id": str(inquiry_id)},
        )
    return row


def scoring_model(ctx: InquiryContext, version: str | None) -> ScoringModel:
    if not version:
        return ctx.models.active
    model = ctx.models.by_version.get(version)
    if model is None:
        raise NotFound("scoring model", version)
    return model


# --- stored reports -----------------------------------------------------------------------


async def get_report(
    ctx: InquiryContext, report_id: uuid.UUID, *, access_reason: str, operator: str
) -> report_pb2.CreditReport:
    """Decrypt and return a stored report; the read is recorded on the chain (same
    transaction: no record, no report)."""
    now = ctx.clock.now()
    async with UnitOfWork(ctx.engine) as uow:
        row = await ReportRepository(uow.connection).get(report_id)
        if row is None:
            raise NotFound("report", str(report_id))
        if row.purged_at is not None:
            raise FailedPrecondition(
                REPORT_PURGED, "the report was purged at the end of its retention period",
                {"report_id": str(report_id)},
            )
        body = ctx.cipher.decrypt(
            row.body_encrypted, context=REPORT_BODY_CONTEXT, row=str(report_id),
            column_bound_context=report_context(report_id),
        )
        report = report_pb2.CreditReport.FromString(base64.b64decode(body))
        await RecordChain(uow.connection).append(
            [
                NewRecord(
                    kind=RecordKind.REPORT_READ,
                    borrower_id=row.borrower_id,
                    actor=operator,
                    recorded_at=now,
                    report_id=report_id,
                    note=access_reason,
                )
            ]
        )
        await uow.commit()
    return report


async def purge_expired_reports(
    ctx: InquiryContext, command: PurgeExpiredReports, *, request: Message, method: str,
    operator: str,
) -> credit_inquiry_pb2.PurgeExpiredReportsResponse:
    """Drop the bodies of reports whose retention ended before ``as_of`` (default now), set-
    based, one REPORT_PURGED chain record each."""
    now = ctx.clock.now()
    as_of = command.as_of or now
    async with UnitOfWork(ctx.engine) as uow:

        async def purge() -> credit_inquiry_pb2.PurgeExpiredReportsResponse:
            reports = ReportRepository(uow.connection)
            due = await reports.lock_due(as_of, command.max_reports or None)
            await reports.purge([r.report_id for r in due], now)
            await RecordChain(uow.connection).append(
                [
                    NewRecord(
                        kind=RecordKind.REPORT_PURGED,
                        borrower_id=r.borrower_id,
                        actor=operator,
                        recorded_at=now,
                        report_id=r.report_id,
                    )
                    for r in due
                ]
            )
            remaining = await reports.count_due(as_of)
            if due:
                log.info("reports purged", extra={"purged": len(due), "remaining": remaining})
            return credit_inquiry_pb2.PurgeExpiredReportsResponse(
                purged_reports=len(due), remaining_reports=remaining
            )

        response = await run_idempotent_in_transaction(
            uow.connection,
            request_id=command.request_id,
            method=method,
            request=request,
            response_type=credit_inquiry_pb2.PurgeExpiredReportsResponse,
            effect=purge,
            now=now,
        )
        await uow.commit()
    return response


# --- records ------------------------------------------------------------------------------


async def list_records(
    ctx: InquiryContext, query: ListInquiryRecords
) -> tuple[Sequence[Any], bool]:
    async with ctx.engine.connect() as conn:
        # Sequences are drawn at insert and commit out of order across chains: list only up to
        # the horizon, or a page could end past a record still committing, skipped for ever.
        horizon = await RecordChain(conn).listing_horizon()
        await conn.commit()  # release the horizon's locks before the (longer) search
        rows = await RecordChain(conn).search(
            borrower_id=query.borrower_id,
            actor=query.actor,
            purposes=query.purposes,
            kinds=query.kinds,
            outcomes=query.outcomes,
            consent_id=query.consent_id,
            recorded_from=query.recorded_from,
            recorded_until=query.recorded_until,
            after_sequence=query.after_sequence,
            up_to=horizon,
            limit=query.page_size + 1,
        )
    return rows[: query.page_size], len(rows) > query.page_size


async def borrower_history(
    ctx: InquiryContext, borrower_id: str, *, after: tuple[datetime, uuid.UUID] | None,
    page_size: int,
) -> tuple[Sequence[Any], bool]:
    async with ctx.engine.connect() as conn:
        rows = await InquiryRepository(conn).history(
            borrower_id, after=after, limit=page_size + 1
        )
    return rows[:page_size], len(rows) > page_size


async def verify_record_chain(ctx: InquiryContext, first: int, last: int) -> ChainCheck:
    """Recompute every chain over the records with listing sequence in ``[first, last]``
    (``last`` 0 = newest), each chain in batches, anchored at its predecessor's stored hash.
    The first broken record is the one with the lowest listing sequence over all chains."""
    from credit_inquiry.adapters.inquiry_repository import row_to_link

    first = max(first, 1)
    checked = 0
    broken: list[tuple[int, str]] = []
    async with ctx.engine.connect() as conn:
        chain = RecordChain(conn)
        newest = await chain.newest_sequence()
        last = newest if last <= 0 else min(last, newest)
        if last < first:
            return ChainCheck(records_checked=0)
        for number in await chain.chains_in(first, last):
            result = await _verify_one_chain(chain, number, first, last, row_to_link)
            checked += result.records_checked
            if not result.intact:
                broken.append((result.first_broken_sequence, result.broken_reason))
    if broken:
        sequence, reason = min(broken)
        return ChainCheck(checked, sequence, reason)
    return ChainCheck(checked)


async def _verify_one_chain(
    chain: RecordChain, number: int, first: int, last: int, to_link: Any
) -> ChainCheck:
    """One chain's records in ``[first, last]``; a break is reported by listing sequence."""
    checked = 0
    position = 0
    previous: str | None = None
    while True:
        rows = await chain.chain_range(number, first, last, after_position=position,
                                       limit=VERIFY_BATCH)
        if not rows:
            return ChainCheck(checked)
        if previous is None:  # anchor: the chain's genesis or the stored predecessor
            start = rows[0].chain_sequence
            previous = GENESIS if start == 1 else await chain.hash_at(number, start - 1)
            if previous is None:
                return ChainCheck(checked + 1, rows[0].sequence, "SEQUENCE_GAP")
            position = start - 1
        result = verify_chain(
            (to_link(r) for r in rows), expected_previous=previous, first_sequence=position + 1
        )
        checked += result.records_checked
        if not result.intact:
            # The record at (or, for a gap, right after) the broken position.
            at = next(r.sequence for r in rows
                      if r.chain_sequence >= result.first_broken_sequence)
            return ChainCheck(checked, at, result.broken_reason)
        previous = rows[-1].record_hash
        position = rows[-1].chain_sequence
