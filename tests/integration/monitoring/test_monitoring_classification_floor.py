"""The classification floor of a restructured loan, end to end inside monitoring: the real
restructuring service serves its event feed (with authentication) and monitoring's own consumer
worker, wired as in production (peer address and service identity from the environment),
applies LoanClassificationFloorSet / …Lifted. GetLoan, the set-based daily cycle, postings and
the NPL ratio then classify no better than the floor; lifting it classifies by days past due.

  loan     disbursed    first due   on 10 Jan 2024           classification by days past due
  current  20 Dec 2023  20 Jan 2024 0 days past due          NORMAL
  doubtful 10 Jan 2023  10 Feb 2023 334 days past due        DOUBTFUL (271..360)
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from google.protobuf import any_pb2
from monitoring_harness import NoSource, cny, pb_date
from sqlalchemy import text

from monitoring.adapters.daily_cycle_sql import classification_case
from monitoring.domain.delinquency import CLASSIFICATION_ORDER, DelinquencyPolicy, classify
from monitoring.entrypoints.app import build_app as build_monitoring
from monitoring.entrypoints.restructuring_events import (
    restructuring_consumer_worker,
    restructuring_handlers,
)
from monitoring.service_layer.daily_cycle import run_daily_cycle
from postloan.common.v1 import classification_pb2 as cls
from postloan.common.v1 import events_pb2 as common_events
from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import events_pb2 as m_events
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
from postloan.restructuring.v1 import events_pb2 as r_events
from postloan_runtime.clock import ManualClock
from postloan_runtime.db import create_engine
from postloan_runtime.events.consumer import EventConsumer
from postloan_runtime.events.outbox import DomainEventRecord, append_events
from postloan_runtime.events.relay import relay_worker
from postloan_runtime.suite import unused_port
from postloan_runtime.telemetry import TelemetryHandle
from postloan_runtime.testing.service import ServiceUnderTest, service_under_test
from restructuring.entrypoints.app import build_app as build_restructuring

pytestmark = pytest.mark.integration

TODAY = dt.date(2024, 1, 10)
SUBSTANDARD = cls.LOAN_CLASSIFICATION_SUBSTANDARD


@dataclasses.dataclass
class Floors:
    monitoring: ServiceUnderTest
    restructuring: ServiceUnderTest
    loans: monitoring_pb2_grpc.LoanServiceStub
    repayments: monitoring_pb2_grpc.RepaymentServiceStub
    analytics: monitoring_pb2_grpc.PortfolioAnalyticsServiceStub
    clock: ManualClock
    metadata: tuple[tuple[str, str], ...]

    async def register(self, loan_id: str, disbursed: dt.date, due_day: int) -> None:
        await self.loans.RegisterLoan(monitoring_pb2.RegisterLoanRequest(
            request_id=str(uuid.uuid4()), loan_id=loan_id, borrower_id=f"B-{loan_id}",
            terms=resources_pb2.LoanTerms(
                product_code="CASH-12M", principal=cny(1_200_000),
                annual_rate=money_pb2.DecimalValue(value="0.1200"), term_periods=12,
                repayment_method=resources_pb2.REPAYMENT_METHOD_EQUAL_PRINCIPAL,
                disbursement_date=pb_date(disbursed), due_day=due_day, grace_days=3,
                penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
            ),
        ), metadata=self.metadata)

    async def status(self, loan_id: str) -> resources_pb2.LoanStatus:
        return (await self.loans.GetLoan(monitoring_pb2.GetLoanRequest(loan_id=loan_id),
                                         metadata=self.metadata)).loan.status

    async def publish(self, *payloads) -> None:
        """Restructuring's events, written to its own outbox (its relay puts them on the feed)."""
        async with self.restructuring.engine.begin() as conn:
            await append_events(conn, [DomainEventRecord(p, p.loan_id) for p in payloads])

    async def cycle(self, day: dt.date) -> None:
        self.clock.set_business_date(day)
        async for _ in run_daily_cycle(self.monitoring.engine, day, 0, 1, clock=self.clock):
            pass

    async def applied(self, count: int, timeout: float = 10.0) -> None:
        """Wait until monitoring's consumer has applied ``count`` restructuring events."""
        for _ in range(int(timeout / 0.05)):
            async with self.monitoring.engine.connect() as conn:
                position = await conn.scalar(text(
                    "SELECT position FROM consumer_positions WHERE producer = 'restructuring'"))
            if (position or 0) >= count:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"monitoring applied {position} of {count} restructuring events")

    async def classification_changes(self, loan_id: str) -> list[m_events.ClassificationChanged]:
        async with self.monitoring.engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT payload FROM outbox WHERE ordering_key = :k AND event_type = :t "
                "ORDER BY id"), {"k": loan_id,
                                 "t": "postloan.monitoring.v1.ClassificationChanged"})).all()
        return [m_events.ClassificationChanged.FromString(r.payload) for r in rows]


@contextlib.asynccontextmanager
async def restructuring_service(make_database, keys_dir: Path, telemetry: TelemetryHandle,
                                clock: ManualClock, port: int = 0):
    async with service_under_test(
        "restructuring", lambda: build_restructuring(clock=clock), make_database=make_database,
        keys_dir=keys_dir, telemetry=telemetry, workers=[relay_worker], grpc_port=port,
    ) as restructuring:
        yield restructuring


@contextlib.asynccontextmanager
async def monitoring_service(make_database, keys_dir: Path, telemetry: TelemetryHandle,
                             clock: ManualClock):
    """Monitoring with its production consumer of restructuring's feed: the peer address
    (``POSTLOAN_RESTRUCTURING_ADDRESS``) and its own service identity from the environment."""
    async with service_under_test(
        "monitoring", lambda: build_monitoring(clock=clock), make_database=make_database,
        keys_dir=keys_dir, telemetry=telemetry, workers=[restructuring_consumer_worker()],
    ) as monitoring:
        yield monitoring


def floors_of(monitoring: ServiceUnderTest, restructuring: ServiceUnderTest | None,
              clock: ManualClock) -> Floors:
    return Floors(
        monitoring=monitoring, restructuring=restructuring,  # type: ignore[arg-type]
        loans=monitoring_pb2_grpc.LoanServiceStub(monitoring.channel),
        repayments=monitoring_pb2_grpc.RepaymentServiceStub(monitoring.channel),
        analytics=monitoring_pb2_grpc.PortfolioAnalyticsServiceStub(monitoring.channel),
        clock=clock,
        metadata=monitoring.metadata("lending_frontend", "risk_manager"),
    )


@pytest.fixture
async def floors(
    make_database: Callable[[str], Awaitable[str]],
    monitoring_keys_dir: Path,
    monitoring_telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Floors]:
    monkeypatch.setenv("POSTLOAN_KEYS_DIR", str(monitoring_keys_dir))
    clock = ManualClock.at_business_date(TODAY)
    async with restructuring_service(make_database, monitoring_keys_dir, monitoring_telemetry,
                                     clock) as restructuring:
        monkeypatch.setenv("POSTLOAN_RESTRUCTURING_ADDRESS", restructuring.address)
        async with monitoring_service(make_database, monitoring_keys_dir, monitoring_telemetry,
                                      clock) as monitoring:
            yield floors_of(monitoring, restructuring, clock)


def floor_set(loan_id: str, plan_id: str, on: dt.date) -> r_events.LoanClassificationFloorSet:
    return r_events.LoanClassificationFloorSet(
        loan_id=loan_id, borrower_id=f"B-{loan_id}", plan_id=plan_id, floor=SUBSTANDARD,
        started_on=pb_date(on), earliest_end_on=pb_date(on + dt.timedelta(days=366)),
        required_consecutive_periods=2,
    )


def floor_lifted(loan_id: str, plan_id: str, on: dt.date) -> r_events.LoanClassificationFloorLifted:
    return r_events.LoanClassificationFloorLifted(
        loan_id=loan_id, borrower_id=f"B-{loan_id}", plan_id=plan_id, lifted_on=pb_date(on))


async def test_floor_from_restructurings_feed_applies_everywhere_until_lifted(
    floors: Floors,
) -> None:
    await floors.register("L-current", dt.date(2023, 12, 20), 20)
    await floors.register("L-doubtful", dt.date(2023, 1, 10), 10)
    await floors.cycle(TODAY)
    assert (await floors.status("L-current")).classification == cls.LOAN_CLASSIFICATION_NORMAL
    doubtful = await floors.status("L-doubtful")
    assert (doubtful.days_past_due, doubtful.classification) == (
        334, cls.LOAN_CLASSIFICATION_DOUBTFUL)

    # Floor set: the current loan is substandard at once; the doubtful one stays doubtful.
    await floors.publish(floor_set("L-current", "P-1", TODAY),
                         floor_set("L-doubtful", "P-2", TODAY))
    await floors.applied(2)
    current = await floors.status("L-current")
    assert (current.days_past_due, current.classification, current.classification_floor) == (
        0, SUBSTANDARD, SUBSTANDARD)
    doubtful = await floors.status("L-doubtful")
    assert (doubtful.classification, doubtful.classification_floor) == (
        cls.LOAN_CLASSIFICATION_DOUBTFUL, SUBSTANDARD)
    (moved,) = await floors.classification_changes("L-current")
    assert (moved.from_classification, moved.to_classification, moved.floor) == (
        cls.LOAN_CLASSIFICATION_NORMAL, SUBSTANDARD, SUBSTANDARD)
    assert moved.business_date == pb_date(TODAY)
    # Only the first cycle's move (before any floor) for the doubtful loan.
    assert [(m.to_classification, m.floor)
            for m in await floors.classification_changes("L-doubtful")] == [
        (cls.LOAN_CLASSIFICATION_DOUBTFUL, cls.LOAN_CLASSIFICATION_UNSPECIFIED)]

    # The NPL ratio reads the stored classification: both loans are non-performing.
    npl = await floors.analytics.GetNplRatio(monitoring_pb2.GetNplRatioRequest(),
                                             metadata=floors.metadata)
    assert npl.non_performing_principal.minor_units == npl.total_outstanding_principal.minor_units

    # The set-based daily cycle keeps the floor (and changes nothing, so emits nothing).
    await floors.cycle(TODAY + dt.timedelta(days=1))
    assert (await floors.status("L-current")).classification == SUBSTANDARD
    assert (await floors.status("L-doubtful")).classification == cls.LOAN_CLASSIFICATION_DOUBTFUL
    assert len(await floors.classification_changes("L-current")) == 1

    # A posting keeps it too: the first installment paid early leaves the loan current.
    request = monitoring_pb2.PostRepaymentRequest(
        request_id=str(uuid.uuid4()), loan_id="L-current", amount=cny(112_000),
        channel=resources_pb2.REPAYMENT_CHANNEL_APP, external_transaction_id="TX-floor-1")
    request.paid_at.FromDatetime(dt.datetime(2024, 1, 11, 0, 30, tzinfo=dt.UTC))
    posted = await floors.repayments.PostRepayment(request, metadata=floors.metadata)
    assert (posted.loan.status.days_past_due, posted.loan.status.classification) == (
        0, SUBSTANDARD)

    # A lift by another plan than the one whose floor is in force changes nothing; the lift by
    # the plan classifies by days past due again at once.
    later = TODAY + dt.timedelta(days=2)
    await floors.publish(floor_lifted("L-current", "P-2", later))
    await floors.applied(3)
    assert (await floors.status("L-current")).classification_floor == SUBSTANDARD
    await floors.publish(floor_lifted("L-current", "P-1", later),
                         floor_lifted("L-doubtful", "P-2", later))
    await floors.applied(5)
    current = await floors.status("L-current")
    assert (current.classification, current.classification_floor) == (
        cls.LOAN_CLASSIFICATION_NORMAL, cls.LOAN_CLASSIFICATION_UNSPECIFIED)
    doubtful = await floors.status("L-doubtful")
    assert (doubtful.classification, doubtful.classification_floor) == (
        cls.LOAN_CLASSIFICATION_DOUBTFUL, cls.LOAN_CLASSIFICATION_UNSPECIFIED)
    await floors.cycle(later)
    assert (await floors.status("L-current")).classification == cls.LOAN_CLASSIFICATION_NORMAL
    assert [(m.from_classification, m.to_classification)
            for m in await floors.classification_changes("L-current")] == [
        (cls.LOAN_CLASSIFICATION_NORMAL, SUBSTANDARD),
        (SUBSTANDARD, cls.LOAN_CLASSIFICATION_NORMAL)]


async def test_the_same_floor_event_applied_twice_changes_nothing(floors: Floors) -> None:
    await floors.register("L-once", dt.date(2023, 12, 20), 20)
    await floors.publish(floor_set("L-once", "P-1", TODAY))
    await floors.applied(1)
    async with floors.monitoring.engine.connect() as conn:
        event_id, position = (await conn.execute(text(
            "SELECT event_id, position FROM inbox WHERE producer = 'restructuring'"))).one()
    # Redelivered (same event id, as after a producer's replay at a later position), and a
    # second event with the same content: neither moves the classification again.
    consumer = EventConsumer(
        "restructuring", NoSource(), floors.monitoring.engine, restructuring_handlers()
    )
    payload = any_pb2.Any()
    payload.Pack(floor_set("L-once", "P-1", TODAY))
    again = common_events.EventEnvelope(
        event_id=str(event_id), position=position + 100, producer="restructuring",
        event_type=payload.TypeName(), ordering_key="L-once", payload=payload)
    assert await consumer.apply(again) is False
    again.event_id, again.position = str(uuid.uuid4()), position + 101
    assert await consumer.apply(again) is True
    assert len(await floors.classification_changes("L-once")) == 1
    assert (await floors.status("L-once")).classification == SUBSTANDARD


async def test_monitoring_serves_while_restructuring_is_down_and_catches_up_later(
    make_database, monitoring_keys_dir: Path, monitoring_telemetry: TelemetryHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Monitoring and restructuring read each other's feeds; neither start waits for the
    other. Monitoring starts with nobody at restructuring's address, serves, and its consumer
    applies the floor once restructuring comes up there."""
    monkeypatch.setenv("POSTLOAN_KEYS_DIR", str(monitoring_keys_dir))
    port = unused_port()
    monkeypatch.setenv("POSTLOAN_RESTRUCTURING_ADDRESS", f"127.0.0.1:{port}")
    clock = ManualClock.at_business_date(TODAY)
    async with monitoring_service(make_database, monitoring_keys_dir, monitoring_telemetry,
                                  clock) as monitoring:
        floors = floors_of(monitoring, None, clock)
        await floors.register("L-later", dt.date(2023, 12, 20), 20)
        await asyncio.sleep(1.0)  # the consumer has failed to subscribe a few times by now
        assert (await floors.status("L-later")).classification == cls.LOAN_CLASSIFICATION_NORMAL
        async with restructuring_service(make_database, monitoring_keys_dir,
                                         monitoring_telemetry, clock, port) as restructuring:
            floors.restructuring = restructuring
            await floors.publish(floor_set("L-later", "P-1", TODAY))
            await floors.applied(1, timeout=20.0)  # backoff is at most 5 s between attempts
            assert (await floors.status("L-later")).classification == SUBSTANDARD


async def test_the_daily_cycle_sql_classifies_as_the_domain_does(make_database) -> None:
    """The generated SQL expression against ``classify`` over days past due around every
    threshold and every floor (none included)."""
    policy = DelinquencyPolicy()
    days = sorted({0, 1, 2, 30, 89, 90, 91, 92, 270, 271, 272, 360, 361, 362, 1000})
    floors_ = [None, *CLASSIFICATION_ORDER]
    url = await make_database("floor_sql")
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            for floor in floors_:
                literal = "NULL" if floor is None else f"'{floor.value}'"
                expression = classification_case(policy, "d", f"CAST({literal} AS varchar)")
                rows = (await conn.execute(text(
                    f"SELECT d, {expression} AS cls FROM unnest(CAST(:days AS int[])) AS d"
                ), {"days": days})).all()
                assert {r.d: r.cls for r in rows} == {
                    d: classify(d, policy.classification, floor=floor).value for d in days
                }, floor
    finally:
        await engine.dispose()
