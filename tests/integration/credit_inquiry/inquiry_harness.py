"""The handle the inquiry integration tests drive: a real credit-inquiry server on a migrated
database, the bureau SIMULATOR as a real process, and an adapter-level counter around the real
gRPC bureau adapter (so tests know exactly which bureau calls were made)."""

from __future__ import annotations

import datetime as dt
import random
import sys
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "simulators"))
from simulator_procs import SimulatorProcess  # noqa: E402

from credit_inquiry.adapters.bureau import BureauAdapter  # noqa: E402
from credit_inquiry.domain.identity import check_character  # noqa: E402
from postloan.common.v1 import money_pb2  # noqa: E402
from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci  # noqa: E402
from postloan.credit_inquiry.v1 import credit_inquiry_pb2_grpc as ci_grpc  # noqa: E402
from postloan.credit_inquiry.v1 import resources_pb2 as res  # noqa: E402
from postloan.simulators.v1 import bureau_pb2, bureau_pb2_grpc  # noqa: E402
from postloan_runtime.clock import ManualClock  # noqa: E402
from postloan_runtime.testing.auth import bearer, token_for  # noqa: E402

START = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
ALL_SECTIONS = [
    res.REPORT_SECTION_BASIC_INFO, res.REPORT_SECTION_SUMMARY,
    res.REPORT_SECTION_CREDIT_TRANSACTIONS, res.REPORT_SECTION_PUBLIC_RECORDS,
    res.REPORT_SECTION_INQUIRY_RECORDS,
]
ALL_PURPOSES = [
    res.CONSENT_PURPOSE_PRE_LOAN_APPROVAL, res.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT,
    res.CONSENT_PURPOSE_CREDIT_LIMIT_REVIEW, res.CONSENT_PURPOSE_IDENTITY_VERIFICATION,
]
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = "伟芳娜敏静丽强磊军洋"


@dataclass(frozen=True)
class Person:
    name: str
    resident_id_number: str
    mobile_number: str


def new_person(*, has_file: bool = True) -> Person:
    """A fresh synthetic person (unique ID number, so the shared simulator learns them anew);
    order codes 990-999 have no bureau file."""
    rng = random.SystemRandom()
    birth = dt.date(1960, 1, 1) + timedelta(days=rng.randrange(0, 15000))
    order = rng.randrange(990, 1000) if not has_file else rng.randrange(100, 990)
    first_17 = f"{rng.choice(['110101', '310104', '440305', '510107'])}{birth:%Y%m%d}{order:03d}"
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2))
    mobile = f"13{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}"
    return Person(name, first_17 + check_character(first_17), mobile)


def ts(instant: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(instant)
    return stamp


@dataclass
class CountingBureau:
    """The real adapter, with every call counted (and an optional hook run just before the
    call leaves: the property test checks the consent in the database at that moment)."""

    inner: BureauAdapter
    queries: int = 0
    matches: int = 0
    before_query: Callable[[], Awaitable[None]] | None = None
    name: str = "counting"
    query_borrowers: list[str] = field(default_factory=list)

    async def match_identity(self, identity):  # type: ignore[no-untyped-def]
        self.matches += 1
        return await self.inner.match_identity(identity)

    async def query_report(self, **kwargs):  # type: ignore[no-untyped-def]
        self.queries += 1
        if self.before_query is not None:
            await self.before_query()
        return await self.inner.query_report(**kwargs)

    async def close(self) -> None:
        await self.inner.close()


@dataclass
class InquiryHarness:
    channel: grpc.aio.Channel
    consents: ci_grpc.ConsentServiceStub
    identities: ci_grpc.IdentityVerificationServiceStub
    inquiries: ci_grpc.InquiryServiceStub
    records: ci_grpc.InquiryRecordServiceStub
    clock: ManualClock
    engine: AsyncEngine
    keys_dir: Path
    bureau: CountingBureau
    simulator: SimulatorProcess
    metadata: tuple[tuple[str, str], ...]

    def as_role(self, role: str, subject: str = "op-7") -> tuple[tuple[str, str], ...]:
        return bearer(token_for(self.keys_dir, [role], subject=subject))

    async def count(self, table: str) -> int:
        async with self.engine.connect() as conn:
            return int(await conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0)

    async def counts(self) -> dict[str, int]:
        tables = ("identity_verifications", "credit_reports", "inquiries", "inquiry_records",
                  "outbox", "idempotency_keys")
        return {t: await self.count(t) for t in tables}

    async def grant(
        self, borrower_id: str, *, purposes: list[int] | None = None,
        sections: list[int] | None = None, days: int = 365, reference: str = "ekyc:1",
        valid_from: datetime | None = None,
    ) -> res.Consent:
        now = self.clock.now()
        start = valid_from or now
        request = ci.GrantConsentRequest(
            request_id=str(uuid.uuid4()), borrower_id=borrower_id,
            purposes=purposes or ALL_PURPOSES, sections=sections or ALL_SECTIONS,
            channel=res.CONSENT_CHANNEL_MOBILE_APP,
            evidence=res.ConsentEvidence(
                document_sha256="cd" * 32, signed_at=ts(min(now, start) - timedelta(minutes=1)),
                signer_verification_reference=reference,
            ),
            valid_from=ts(start), valid_until=ts(start + timedelta(days=days)),
        )
        return (await self.consents.GrantConsent(request, metadata=self.metadata)).consent

    async def revoke(self, consent_id: str) -> None:
        await self.consents.RevokeConsent(
            ci.RevokeConsentRequest(
                request_id=str(uuid.uuid4()), consent_id=consent_id,
                reason=res.REVOCATION_REASON_BORROWER_WITHDREW,
            ),
            metadata=self.metadata,
        )

    async def verify(
        self, borrower_id: str, consent_id: str, person: Person
    ) -> res.IdentityVerification:
        response = await self.identities.VerifyIdentity(
            ci.VerifyIdentityRequest(
                request_id=str(uuid.uuid4()), borrower_id=borrower_id, name=person.name,
                resident_id_number=person.resident_id_number,
                mobile_number=person.mobile_number, consent_id=consent_id,
            ),
            metadata=self.metadata,
        )
        return response.verification

    async def onboard(self, borrower_id: str, person: Person | None = None) -> res.Consent:
        """Grant an all-purpose consent and verify the borrower's identity under it."""
        consent = await self.grant(borrower_id)
        verification = await self.verify(borrower_id, consent.consent_id, person or new_person())
        assert verification.outcome == res.IDENTITY_MATCH_OUTCOME_MATCHED
        return consent

    def inquiry_request(
        self, borrower_id: str, consent_id: str,
        purpose: int = res.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT,
        **changes: object,
    ) -> ci.RequestInquiryRequest:
        request = ci.RequestInquiryRequest(
            request_id=str(uuid.uuid4()), borrower_id=borrower_id, purpose=purpose,
            consent_id=consent_id,
            loan_id="L-1" if purpose == res.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT else "",
        )
        for name, value in changes.items():
            if isinstance(value, list):
                getattr(request, name)[:] = value
            else:
                setattr(request, name, value)
        return request

    async def inquire(self, borrower_id: str, consent_id: str, **kw: object) -> res.Inquiry:
        request = self.inquiry_request(borrower_id, consent_id, **kw)  # type: ignore[arg-type]
        return (await self.inquiries.RequestInquiry(request, metadata=self.metadata)).inquiry

    async def set_faults(self, *, latency_ms: int = 0, error_rate: str = "0",
                         outage: bool = False) -> None:
        async with grpc.aio.insecure_channel(self.simulator.address) as channel:
            await bureau_pb2_grpc.BureauSimulatorServiceStub(channel).SetBureauFaults(
                bureau_pb2.SetBureauFaultsRequest(
                    request_id=str(uuid.uuid4()), latency_ms=latency_ms,
                    error_rate=money_pb2.DecimalValue(value=error_rate), outage=outage, seed=7,
                ),
                metadata=self.as_role("operator"),
            )

