"""The handle the collection case tests drive: the real collection server (migrated database,
real auth, ManualClock) consuming monitoring's and restructuring's events from real gRPC event
feeds served over producer databases where the tests append event payloads."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
from google.protobuf.message import Message
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan.collection.v1 import collection_pb2, collection_pb2_grpc, resources_pb2
from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import events_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as mres
from postloan_runtime.clock import ManualClock
from postloan_runtime.events.outbox import DomainEventRecord, append_events
from postloan_runtime.events.relay import relay_once

START = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


def day(value: Any) -> money_pb2.Date:
    return money_pb2.Date(year=value.year, month=value.month, day=value.day)


@dataclass
class Producer:
    """A producer's database and its feed: ``publish`` appends payloads and relays them."""

    engine: AsyncEngine
    target: str

    async def publish(self, *payloads: Message, key: str = "k") -> None:
        async with self.engine.begin() as conn:
            await append_events(conn, [DomainEventRecord(payload=p, ordering_key=key)
                                       for p in payloads])
        await relay_once(self.engine)


@dataclass
class Harness:
    channel: grpc.aio.Channel
    clock: ManualClock
    engine: AsyncEngine
    keys_dir: Path
    metadata: tuple[tuple[str, str], ...]
    monitoring: Producer
    restructuring: Producer
    address: str = ""  # the server's host:port (for clients other than ``channel``)

    @property
    def cases(self) -> collection_pb2_grpc.CaseServiceStub:
        return collection_pb2_grpc.CaseServiceStub(self.channel)

    @property
    def strategies(self) -> collection_pb2_grpc.StrategyServiceStub:
        return collection_pb2_grpc.StrategyServiceStub(self.channel)

    @property
    def agents(self) -> collection_pb2_grpc.AgentServiceStub:
        return collection_pb2_grpc.AgentServiceStub(self.channel)

    @property
    def assignment(self) -> collection_pb2_grpc.AssignmentServiceStub:
        return collection_pb2_grpc.AssignmentServiceStub(self.channel)

    @property
    def promises(self) -> collection_pb2_grpc.PromiseServiceStub:
        return collection_pb2_grpc.PromiseServiceStub(self.channel)

    @property
    def reports(self) -> collection_pb2_grpc.CollectionReportServiceStub:
        return collection_pb2_grpc.CollectionReportServiceStub(self.channel)

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.engine.connect() as conn:
            return await conn.scalar(text(sql), params)

    async def applied(self, producer: str) -> int:
        return int(
            await self.scalar(
                "SELECT coalesce(max(position), 0) FROM consumer_positions WHERE producer = :p",
                p=producer,
            )
            or 0
        )

    async def wait_applied(self, producer: str, position: int, timeout: float = 15.0) -> None:
        """Until collection's consumer applied ``producer``'s feed up to ``position``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while await self.applied(producer) < position:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{producer} feed not applied up to {position}")
            await asyncio.sleep(0.05)

    async def publish_and_wait(self, producer: Producer, name: str, *payloads: Message) -> None:
        await producer.publish(*payloads)
        async with producer.engine.connect() as conn:
            head = int(await conn.scalar(text("SELECT coalesce(max(position), 0) FROM event_feed")))
        await self.wait_applied(name, head)

    async def open_delinquent_case(self, loan_id: str, borrower_id: str) -> resources_pb2.Case:
        """Monitoring reports ``loan_id`` 40 days past due (M1 -> M2, 300 yuan overdue):
        the borrower's one case, as collection opened it."""
        await self.publish_and_wait(self.monitoring, "monitoring", mon.DelinquencyChanged(
            loan_id=loan_id, borrower_id=borrower_id, business_date=day(START.date()),
            from_bucket="M1", to_bucket="M2", days_past_due=40,
            overdue=mres.ComponentAmounts(total=cny(30_000)),
            outstanding_principal=cny(500_000)))
        [case] = (await self.cases.ListCases(
            collection_pb2.ListCasesRequest(borrower_id=borrower_id), metadata=self.metadata
        )).cases
        return case

    async def table_counts(self, *tables: str) -> dict[str, int]:
        return {t: int(await self.scalar(f"SELECT count(*) FROM {t}")) for t in tables}

    async def debtor_with_phone(self, borrower_id: str, number: str) -> str:
        """A debtor profile in Shanghai under CN and a debtor phone; returns its point id."""
        debtors = collection_pb2_grpc.DebtorServiceStub(self.channel)
        await debtors.UpdateDebtorProfile(
            collection_pb2.UpdateDebtorProfileRequest(
                request_id=request_id(), borrower_id=borrower_id, time_zone="Asia/Shanghai",
                jurisdiction_code="CN"),
            metadata=self.metadata)
        point = (await debtors.RegisterContactPoint(
            collection_pb2.RegisterContactPointRequest(
                request_id=request_id(), borrower_id=borrower_id,
                party=resources_pb2.CONTACT_PARTY_DEBTOR,
                kind=resources_pb2.CONTACT_POINT_KIND_PHONE, value=number),
            metadata=self.metadata)).contact_point
        return point.contact_point_id


def request_id() -> str:
    return str(uuid.uuid4())


Waiter = Callable[[], Awaitable[bool]]
