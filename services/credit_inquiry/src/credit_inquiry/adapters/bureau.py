"""The credit-bureau port and its default adapter, a gRPC client of the bureau SIMULATOR.

:class:`BureauAdapter` is what the use cases call. Adapters are chosen by configuration:
``POSTLOAN_BUREAU_ADAPTER`` names one registered in :data:`ADAPTERS` (default
``grpc-simulator``) or a ``module:factory`` path, so another bureau (or a bureau gateway)
plugs in without touching the use cases. Every adapter answers in contract terms: a
:class:`RetrievedReport` with the report already normalized and masked (sections outside the
inquiry's scope dropped) and the facts the scorecard needs.

Failures reach the caller as :class:`~postloan_runtime.errors.Unavailable` or
:class:`~postloan_runtime.errors.DeadlineExceeded`, never with personal data in them.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Protocol, TypeVar
from zoneinfo import ZoneInfo

import grpc

from credit_inquiry.adapters.circuit_breaker import CircuitBreaker
from credit_inquiry.domain.consent import ConsentPurpose, ReportSection
from credit_inquiry.domain.identity import ClaimedIdentity, IdentityMatchOutcome
from credit_inquiry.domain.report import AccountFacts, InquiryFacts, ReportFacts
from postloan.credit_inquiry.v1 import report_pb2
from postloan.simulators.v1 import bureau_pb2, bureau_pb2_grpc
from postloan_runtime.auth import ServiceIdentity
from postloan_runtime.config import peer_address
from postloan_runtime.errors import DeadlineExceeded, FailedPrecondition, Unavailable
from postloan_runtime.pii import mask_id_number, mask_mobile, mask_name
from postloan_runtime.proto_convert import date_from_proto, timestamp_from_proto
from postloan_runtime.server import peer_channel

log = logging.getLogger(__name__)

DEPENDENCY: Final = "credit-bureau"
BUSINESS_ZONE: Final = ZoneInfo("Asia/Shanghai")
IDENTITY_NOT_VERIFIED: Final = "IDENTITY_NOT_VERIFIED"


@dataclass(frozen=True)
class IdentityMatch:
    outcome: IdentityMatchOutcome
    bureau_reference: str


@dataclass(frozen=True)
class RetrievedReport:
    """A report as the contract shows it (``report_id``, ``borrower_id`` and ``purge_after``
    still empty: the service assigns them) plus the scorecard's facts."""

    report: report_pb2.CreditReport
    facts: ReportFacts


class BureauAdapter(Protocol):
    """The credit-bureau port."""

    name: str

    async def match_identity(self, identity: ClaimedIdentity) -> IdentityMatch:
        """Match name + resident ID + mobile against the bureau's identity section."""
        ...

    async def query_report(
        self,
        *,
        query_id: str,
        name: str,
        resident_id_number: str,
        purpose: ConsentPurpose,
        sections: frozenset[ReportSection],
    ) -> RetrievedReport | None:
        """The person's report restricted to ``sections``; None when the bureau has no file.
        ``query_id`` makes retries safe (the bureau answers a repeat once, billed once)."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class BureauSettings:
    """``POSTLOAN_BUREAU_*`` settings (docs/conventions.md)."""

    address: str
    adapter: str = "grpc-simulator"
    deadline_seconds: float = 2.0
    max_attempts: int = 3
    backoff_initial_seconds: float = 0.05
    backoff_max_seconds: float = 1.0
    breaker_failure_threshold: int = 5
    breaker_reset_seconds: float = 10.0
    institution_code: str = "POSTLOAN-DEV"

    @classmethod
    def from_env(cls) -> BureauSettings:
        env = os.environ.get
        return cls(
            address=peer_address("bureau"),
            adapter=env("POSTLOAN_BUREAU_ADAPTER", "grpc-simulator"),
            deadline_seconds=float(env("POSTLOAN_BUREAU_DEADLINE_SECONDS", "2.0")),
            max_attempts=int(env("POSTLOAN_BUREAU_MAX_ATTEMPTS", "3")),
            backoff_initial_seconds=float(env("POSTLOAN_BUREAU_BACKOFF_SECONDS", "0.05")),
            breaker_failure_threshold=int(env("POSTLOAN_BUREAU_BREAKER_FAILURES", "5")),
            breaker_reset_seconds=float(env("POSTLOAN_BUREAU_BREAKER_RESET_SECONDS", "10")),
            institution_code=env("POSTLOAN_BUREAU_INSTITUTION_CODE", "POSTLOAN-DEV"),
        )


T = TypeVar("T")

_RETRYABLE: Final = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED})

_REASONS: Final = {
    ConsentPurpose.PRE_LOAN_APPROVAL: bureau_pb2.BUREAU_QUERY_REASON_LOAN_APPROVAL,
    ConsentPurpose.POST_LOAN_MANAGEMENT: bureau_pb2.BUREAU_QUERY_REASON_POST_LOAN_MANAGEMENT,
    ConsentPurpose.CREDIT_LIMIT_REVIEW: bureau_pb2.BUREAU_QUERY_REASON_CREDIT_LIMIT_REVIEW,
}
_MATCH: Final = {
    bureau_pb2.BUREAU_IDENTITY_MATCH_MATCHED: IdentityMatchOutcome.MATCHED,
    bureau_pb2.BUREAU_IDENTITY_MATCH_NAME_MISMATCH: IdentityMatchOutcome.NAME_MISMATCH,
    bureau_pb2.BUREAU_IDENTITY_MATCH_MOBILE_MISMATCH: IdentityMatchOutcome.MOBILE_MISMATCH,
    bureau_pb2.BUREAU_IDENTITY_MATCH_NOT_FOUND: IdentityMatchOutcome.NOT_FOUND,
}


class GrpcSimulatorBureau:
    """The bureau simulator over gRPC (``POSTLOAN_BUREAU_ADDRESS``): a deadline per attempt,
    up to ``max_attempts`` attempts with exponential backoff and full jitter on UNAVAILABLE,
    and a circuit breaker that refuses at once while the bureau keeps failing."""

    name = "grpc-simulator"

    def __init__(
        self,
        settings: BureauSettings,
        identity: ServiceIdentity,
        *,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.breaker = breaker or CircuitBreaker(
            failure_threshold=settings.breaker_failure_threshold,
            reset_timeout=settings.breaker_reset_seconds,
        )
        self._channel = peer_channel(settings.address, service_identity=identity)
        self._stub = bureau_pb2_grpc.BureauSimulatorServiceStub(self._channel)
        self._sleep = sleep

    async def close(self) -> None:
        await self._channel.close()

    async def _call(self, operation: str, attempt: Callable[[float], Awaitable[T]]) -> T:
        """``attempt`` with retries, every outcome reported to the breaker (a half-open probe
        that never reports would keep the circuit refusing until restart)."""
        if not self.breaker.allow():
            log.warning("bureau call refused: circuit open", extra={"operation": operation})
            raise Unavailable(DEPENDENCY, "the credit bureau is unavailable (circuit open)")
        try:
            result = await self._attempts(operation, attempt)
        except grpc.aio.AioRpcError as exc:
            raise self._failure(operation, exc.code()) from None
        except asyncio.CancelledError:
            # The caller gave up (client cancel, its deadline, shutdown), in the call or in the
            # backoff sleep: no verdict on the bureau, but the probe, if this was it, goes back.
            self.breaker.release()
            raise
        except Exception:
            self.breaker.record_failure()
            log.warning("bureau call failed unexpectedly", extra={"operation": operation})
            raise
        self.breaker.record_success()
        return result

    async def _attempts(self, operation: str, attempt: Callable[[float], Awaitable[T]]) -> T:
        """Up to ``max_attempts`` attempts with backoff on a retryable code; the last
        AioRpcError (or a non-retryable one) propagates."""
        delay = self.settings.backoff_initial_seconds
        for number in range(1, self.settings.max_attempts + 1):
            try:
                return await attempt(self.settings.deadline_seconds)
            except grpc.aio.AioRpcError as exc:
                code = exc.code()
                if code not in _RETRYABLE or number >= self.settings.max_attempts:
                    raise
                log.info(
                    "bureau call failed, retrying",
                    extra={"operation": operation, "code": code.name, "attempt": number},
                )
            await self._sleep(random.uniform(0, delay))  # noqa: S311 - jitter
            delay = min(delay * 2, self.settings.backoff_max_seconds)
        raise AssertionError("unreachable")  # pragma: no cover

    def _failure(self, operation: str, code: grpc.StatusCode) -> Exception:
        if code is grpc.StatusCode.FAILED_PRECONDITION:
            # The bureau refused the identity: an answer, not an outage.
            self.breaker.record_success()
            return FailedPrecondition(
                IDENTITY_NOT_VERIFIED, "the bureau does not match the verified identity"
            )
        self.breaker.record_failure()
        log.warning("bureau call failed", extra={"operation": operation, "code": code.name})
        if code is grpc.StatusCode.DEADLINE_EXCEEDED:
            return DeadlineExceeded("the credit bureau did not answer in time",
                                    dependency=DEPENDENCY)
        return Unavailable(DEPENDENCY, "the credit bureau is unavailable; retry later")

    async def match_identity(self, identity: ClaimedIdentity) -> IdentityMatch:
        request = bureau_pb2.MatchIdentityRequest(
            name=identity.name,
            resident_id_number=identity.resident_id_number,
            mobile_number=identity.mobile_number,
        )

        async def attempt(timeout: float) -> bureau_pb2.MatchIdentityResponse:
            return await self._stub.MatchIdentity(request, timeout=timeout)

        response: bureau_pb2.MatchIdentityResponse = await self._call("match_identity", attempt)
        outcome = _MATCH.get(response.outcome)
        if outcome is None:
            raise Unavailable(DEPENDENCY, "the credit bureau answered an unknown outcome")
        return IdentityMatch(outcome=outcome, bureau_reference=response.bureau_reference)

    async def query_report(
        self,
        *,
        query_id: str,
        name: str,
        resident_id_number: str,
        purpose: ConsentPurpose,
        sections: frozenset[ReportSection],
    ) -> RetrievedReport | None:
        request = bureau_pb2.QueryCreditReportRequest(
            request_id=query_id,
            name=name,
            resident_id_number=resident_id_number,
            reason=_REASONS[purpose],
            institution_code=self.settings.institution_code,
        )

        async def attempt(timeout: float) -> bureau_pb2.QueryCreditReportResponse:
            return await self._stub.QueryCreditReport(request, timeout=timeout)

        response: bureau_pb2.QueryCreditReportResponse = await self._call(
            "query_report", attempt
        )
        if not response.found:
            return None
        return normalize_report(response.report, sections)


# --- normalization: the bureau's wire format -> the contract's masked report ----------------

_ACCOUNT_TYPES: Final = {1: "D1", 2: "R4", 3: "R1", 4: "R2"}
_ACCOUNT_STATUSES: Final = {
    1: "NORMAL", 2: "OVERDUE", 3: "CLOSED", 4: "BAD_DEBT", 5: "FROZEN", 6: "TRANSFERRED",
}
_INQUIRY_REASON_NAMES: Final = {
    number: bureau_pb2.BureauQueryReason.Name(number).removeprefix("BUREAU_QUERY_REASON_")
    for number in bureau_pb2.BureauQueryReason.values()
}
# The contract has no separate "credit limit review" reason in a report's inquiry records;
# PBOC lists 额度审批 with loan approvals.
_REPORT_REASONS: Final = {
    "LOAN_APPROVAL": report_pb2.REPORT_INQUIRY_REASON_LOAN_APPROVAL,
    "CREDIT_LIMIT_REVIEW": report_pb2.REPORT_INQUIRY_REASON_LOAN_APPROVAL,
    "CREDIT_CARD_APPROVAL": report_pb2.REPORT_INQUIRY_REASON_CREDIT_CARD_APPROVAL,
    "POST_LOAN_MANAGEMENT": report_pb2.REPORT_INQUIRY_REASON_POST_LOAN_MANAGEMENT,
    "GUARANTEE_REVIEW": report_pb2.REPORT_INQUIRY_REASON_GUARANTEE_REVIEW,
    "SELF_INQUIRY": report_pb2.REPORT_INQUIRY_REASON_SELF_INQUIRY,
}


def normalize_report(
    bureau: bureau_pb2.BureauCreditReport, sections: frozenset[ReportSection]
) -> RetrievedReport:
    """The contract's report (personal data masked, employer names, addresses and institution
    names dropped, out-of-scope sections absent) and the facts of the in-scope sections."""
    reported_at: datetime = timestamp_from_proto(bureau.reported_at)
    report = report_pb2.CreditReport(
        bureau_report_number=bureau.report_number, reported_at=bureau.reported_at
    )
    if ReportSection.BASIC_INFO in sections:
        basic = bureau.basic_info
        report.basic_info.CopyFrom(
            report_pb2.ReportBasicInfo(
                masked_name=mask_name(basic.name),
                masked_resident_id_number=mask_id_number(basic.resident_id_number),
                masked_mobile=mask_mobile(basic.mobile_number),
                gender=basic.gender,
                birth_year=basic.birth_date.year,
                marital_status=basic.marital_status,
                education=basic.education,
                employer_industry=basic.employer_industry,
                months_at_residence=basic.months_at_residence,
            )
        )
    if ReportSection.SUMMARY in sections:
        s = bureau.summary
        report.summary.CopyFrom(
            report_pb2.ReportSummary(
                open_loan_accounts=s.open_loan_accounts,
                open_credit_card_accounts=s.open_credit_card_accounts,
                overdue_accounts=s.overdue_accounts,
                max_overdue_months=s.max_overdue_months,
                bad_debt_accounts=s.bad_debt_accounts,
                total_credit_limit=s.total_credit_limit,
                total_credit_used=s.total_credit_used,
                total_outstanding=s.total_outstanding,
                average_used_6_months=s.average_used_6_months,
            )
        )
    accounts: tuple[AccountFacts, ...] | None = None
    if ReportSection.CREDIT_TRANSACTIONS in sections:
        facts: list[AccountFacts] = []
        for a in bureau.credit_accounts:
            entry = report.credit_accounts.add(
                account_number=a.account_number,
                account_type=a.account_type,  # same numbering: D1, R4, R1, R2
                institution_type=a.institution_type,
                opened_on=a.opened_on,
                credit_limit_or_principal=a.credit_limit_or_principal,
                balance=a.balance,
                overdue_amount=a.overdue_amount,
                overdue_periods=a.overdue_periods,
                status=a.status,  # same numbering
                repayment_status_24_months=a.repayment_status_24_months,
                status_month=a.status_month,
            )
            if a.HasField("matures_on"):
                entry.matures_on.CopyFrom(a.matures_on)
            facts.append(
                AccountFacts(
                    account_type=_ACCOUNT_TYPES.get(a.account_type, "UNKNOWN"),
                    status=_ACCOUNT_STATUSES.get(a.status, "UNKNOWN"),
                    opened_on=date_from_proto(a.opened_on),
                    limit_or_principal_fen=a.credit_limit_or_principal.minor_units,
                    balance_fen=a.balance.minor_units,
                    overdue_periods=a.overdue_periods,
                    repayment_status_24_months=a.repayment_status_24_months,
                    status_month=date_from_proto(a.status_month)
                    if a.HasField("status_month") else None,
                )
            )
        accounts = tuple(facts)
    public_records: int | None = None
    if ReportSection.PUBLIC_RECORDS in sections:
        for p in bureau.public_records:
            report.public_records.add(
                record_type=p.record_type, filed_on=p.filed_on, amount=p.amount, status=p.status
            )
        public_records = len(bureau.public_records)
    inquiries: tuple[InquiryFacts, ...] | None = None
    if ReportSection.INQUIRY_RECORDS in sections:
        entries: list[InquiryFacts] = []
        for i in bureau.inquiry_records:
            reason = _INQUIRY_REASON_NAMES.get(i.reason, "UNSPECIFIED")
            report.inquiry_entries.add(
                inquired_on=i.inquired_on,
                institution_type=i.institution_type,
                reason=_REPORT_REASONS.get(reason, report_pb2.REPORT_INQUIRY_REASON_UNSPECIFIED),
            )
            entries.append(InquiryFacts(date_from_proto(i.inquired_on), reason))
        inquiries = tuple(entries)
    as_of: date = reported_at.astimezone(BUSINESS_ZONE).date()
    return RetrievedReport(
        report=report,
        facts=ReportFacts(
            as_of=as_of, accounts=accounts, public_records=public_records, inquiries=inquiries
        ),
    )


def bureau_query_id(request_id: str) -> str:
    """The bureau's query serial number for one of our requests: stable across retries of the
    same ``request_id`` (so the bureau bills a retried query once), opaque otherwise."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"postloan:credit-inquiry:{request_id}"))


# --- choosing an adapter by configuration --------------------------------------------------

AdapterFactory = Callable[[BureauSettings], BureauAdapter]


def _grpc_simulator(settings: BureauSettings) -> BureauAdapter:
    return GrpcSimulatorBureau(settings, ServiceIdentity.from_env("credit_inquiry"))


ADAPTERS: dict[str, AdapterFactory] = {"grpc-simulator": _grpc_simulator}


def bureau_from_env(settings: BureauSettings | None = None) -> BureauAdapter:
    """The adapter ``POSTLOAN_BUREAU_ADAPTER`` names: a key of :data:`ADAPTERS` or
    ``package.module:factory`` (a callable taking :class:`BureauSettings`)."""
    settings = settings or BureauSettings.from_env()
    factory = ADAPTERS.get(settings.adapter)
    if factory is None:
        module_name, _, attribute = settings.adapter.partition(":")
        if not attribute:
            raise SystemExit(f"unknown bureau adapter {settings.adapter!r}")
        factory = getattr(importlib.import_module(module_name), attribute)
    return factory(settings)
