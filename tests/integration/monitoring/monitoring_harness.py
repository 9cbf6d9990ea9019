"""A real monitoring server on a migrated database with a manual clock, an operator allowed to
register, post, read and act on alerts and read analytics, and monitoring's consumer of
credit_inquiry's feed driven event by event (shared by the early-warning and portfolio tests)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from google.protobuf import any_pb2
from sqlalchemy import text

from monitoring.entrypoints.app import build_app
from monitoring.entrypoints.inquiry_events import inquiry_completed_handler
from postloan.common.v1 import events_pb2 as common_events
from postloan.common.v1 import money_pb2
from postloan.credit_inquiry.v1 import events_pb2 as ci_events
from postloan.credit_inquiry.v1 import resources_pb2 as ci_resources
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
from postloan_runtime.clock import ManualClock
from postloan_runtime.events.consumer import EventConsumer
from postloan_runtime.telemetry import TelemetryHandle
from postloan_runtime.testing.service import service_under_test

DISBURSED = dt.date(2024, 1, 10)
OPERATOR_ROLES = ["lending_frontend", "risk_manager"]


def cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


def pb_date(day: dt.date) -> money_pb2.Date:
    return money_pb2.Date(year=day.year, month=day.month, day=day.day)


class NoSource:
    """The consumer is driven with ``apply``; it never subscribes."""

    def subscribe(self, after_position, event_types=()):  # pragma: no cover - unused
        raise NotImplementedError

    async def head(self) -> int:
        return 0

    async def close(self) -> None:
        return None


@dataclasses.dataclass
class Harness:
    engine: object
    loans: monitoring_pb2_grpc.LoanServiceStub
    repayments: monitoring_pb2_grpc.RepaymentServiceStub
    alerts: monitoring_pb2_grpc.EarlyWarningServiceStub
    metadata: tuple[tuple[str, str], ...]
    clock: ManualClock
    consumer: EventConsumer
    analytics: monitoring_pb2_grpc.PortfolioAnalyticsServiceStub | None = None
    credit_lines: monitoring_pb2_grpc.CreditLineServiceStub | None = None
    address: str = ""
    keys_dir: Path | None = None
    position: int = 0

    async def register(self, borrower: str = "B-EW-1", principal: int = 1_200_000,
                       term: int = 12, disbursed: dt.date = DISBURSED, due_day: int = 10,
                       loan_id: str | None = None, credit_line_id: str = "") -> str:
        loan_id = loan_id or f"L-{uuid.uuid4().hex[:12]}"
        await self.loans.RegisterLoan(monitoring_pb2.RegisterLoanRequest(
            request_id=str(uuid.uuid4()), loan_id=loan_id, borrower_id=borrower,
            credit_line_id=credit_line_id,
            terms=resources_pb2.LoanTerms(
                product_code="CASH-12M", principal=cny(principal),
                annual_rate=money_pb2.DecimalValue(value="0.1200"), term_periods=term,
                repayment_method=resources_pb2.REPAYMENT_METHOD_EQUAL_PRINCIPAL,
                disbursement_date=pb_date(disbursed), due_day=due_day, grace_days=3,
                penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
            ),
        ), metadata=self.metadata)
        return loan_id

    async def installment_total(self, loan_id: str, sequence: int) -> int:
        schedule = await self.loans.GetLoanSchedule(
            monitoring_pb2.GetLoanScheduleRequest(loan_id=loan_id), metadata=self.metadata)
        i = schedule.installments[sequence - 1]
        return i.principal_due.minor_units + i.interest_due.minor_units

    async def pay(self, loan_id: str, fen: int, day: dt.date) -> monitoring_pb2.Loan:
        self.clock.set_business_date(day)
        request = monitoring_pb2.PostRepaymentRequest(
            request_id=str(uuid.uuid4()), loan_id=loan_id, amount=cny(fen),
            channel=resources_pb2.REPAYMENT_CHANNEL_APP,
            external_transaction_id=f"TX-{uuid.uuid4().hex[:10]}",
        )
        request.paid_at.FromDatetime(
            dt.datetime(day.year, day.month, day.day, 0, tzinfo=dt.UTC))
        return (await self.repayments.PostRepayment(request, metadata=self.metadata)).loan

    async def list_alerts(self, **filters) -> list[resources_pb2.Alert]:
        response = await self.alerts.ListAlerts(
            monitoring_pb2.ListAlertsRequest(**filters), metadata=self.metadata)
        return list(response.alerts)

    async def inquiry(self, borrower: str, *, score: int | None, inquiries_1m: int,
                      day: dt.date, inquiry_id: str | None = None,
                      hard: bool = True, unavailable: tuple[str, ...] = ()) -> tuple[bool, str]:
        payload = ci_events.InquiryCompleted(
            inquiry_id=inquiry_id or f"INQ-{uuid.uuid4().hex[:10]}", borrower_id=borrower,
            inquiry_type=(ci_resources.INQUIRY_TYPE_HARD if hard
                          else ci_resources.INQUIRY_TYPE_SOFT),
            outcome=ci_resources.INQUIRY_OUTCOME_REPORT_RETRIEVED,
            risk_features=ci_resources.RiskFeatures(inquiries_last_1_month=inquiries_1m,
                                                    unavailable_features=unavailable),
        )
        if score is not None:
            payload.score.CopyFrom(ci_resources.Score(score=score, model_version="v1"))
        payload.completed_at.FromDatetime(
            dt.datetime(day.year, day.month, day.day, 3, tzinfo=dt.UTC))
        wrapped = any_pb2.Any()
        wrapped.Pack(payload)
        self.position += 1
        envelope = common_events.EventEnvelope(
            event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, payload.inquiry_id)),
            event_type=payload.DESCRIPTOR.full_name, position=self.position, payload=wrapped,
        )
        return await self.consumer.apply(envelope), payload.inquiry_id

    async def outbox(self, message_type: type) -> list:
        async with self.engine.connect() as conn:  # type: ignore[attr-defined]
            rows = await conn.execute(
                text("SELECT payload FROM outbox WHERE event_type = :t ORDER BY id"),
                {"t": message_type.DESCRIPTOR.full_name})
            return [message_type.FromString(bytes(r[0])) for r in rows]


@pytest.fixture
async def monitoring_harness(
    make_database: Callable[[str], Awaitable[str]],
    monitoring_keys_dir: Path,
    monitoring_telemetry: TelemetryHandle,
) -> AsyncIterator[Harness]:
    clock = ManualClock.at_business_date(dt.date(2024, 6, 1))
    async with service_under_test(
        "monitoring", lambda: build_app(clock=clock), make_database=make_database,
        keys_dir=monitoring_keys_dir, telemetry=monitoring_telemetry,
    ) as monitoring:
        channel = monitoring.channel
        consumer = EventConsumer(
            "credit-inquiry", NoSource(), monitoring.engine,
            {ci_events.InquiryCompleted: inquiry_completed_handler(clock)},
        )
        yield Harness(
            engine=monitoring.engine,
            loans=monitoring_pb2_grpc.LoanServiceStub(channel),
            repayments=monitoring_pb2_grpc.RepaymentServiceStub(channel),
            alerts=monitoring_pb2_grpc.EarlyWarningServiceStub(channel),
            analytics=monitoring_pb2_grpc.PortfolioAnalyticsServiceStub(channel),
            credit_lines=monitoring_pb2_grpc.CreditLineServiceStub(channel),
            address=monitoring.address, keys_dir=monitoring_keys_dir,
            metadata=monitoring.metadata(*OPERATOR_ROLES, subject="op-42"),
            clock=clock, consumer=consumer,
        )
