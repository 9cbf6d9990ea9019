"""What the end-to-end story needs around the suite: gRPC stubs of every service reached over
their real sockets, people's and services' tokens by role, bounded polling of a consumer's API
for the effects of asynchronous events, a borrower time zone where it is daytime now, and a
module-scoped suite whose processes export their spans to an in-test OTLP receiver."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from postloan.collection.v1 import collection_pb2_grpc
from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import credit_inquiry_pb2_grpc
from postloan.credit_inquiry.v1 import resources_pb2 as cir
from postloan.monitoring.v1 import monitoring_pb2_grpc
from postloan.restructuring.v1 import restructuring_pb2_grpc
from postloan.simulators.v1 import bureau_pb2_grpc
from postloan_runtime.demo import ZONES_ACROSS_OFFSETS
from postloan_runtime.embedded_pg import PostgresServer
from postloan_runtime.grpc_errors import ErrorDetails, decode_error
from postloan_runtime.suite import Suite
from postloan_runtime.testing.auth import bearer, token_for
from postloan_runtime.testing.otlp import OtlpReceiver

T = TypeVar("T")

# Channel arguments for tests that restart services: a restarted server is found again within
# a second (the default reconnect backoff grows to two minutes).
FAST_RECONNECT = (
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
)

# Wall-clock zones across the UTC offsets (the demo's list); the story picks one where it is
# daytime now so quiet hours (CN: 22:00-08:00 local) never decide a contact check.
CANDIDATE_ZONES = ZONES_ACROSS_OFFSETS


def daytime_zone(now: dt.datetime | None = None, first_hour: int = 10,
                 last_hour: int = 15) -> str:
    """An IANA zone where the local hour is ``first_hour``..``last_hour`` at ``now``."""
    now = now or dt.datetime.now(dt.UTC)
    for name in CANDIDATE_ZONES:
        if first_hour <= now.astimezone(ZoneInfo(name)).hour <= last_hour:
            return name
    raise AssertionError(f"no candidate zone has a daytime hour at {now.isoformat()}")


async def eventually(
    read: Callable[[], Awaitable[T]], predicate: Callable[[T], bool], *,
    timeout: float = 20.0, interval: float = 0.1, what: str = "condition",
) -> T:
    """Poll ``read()`` until ``predicate`` holds on its answer (events are asynchronous); fail
    with the last answer after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await read()
        if predicate(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout}s; last answer:\n{value}")
        await asyncio.sleep(interval)


async def refusal(call: Awaitable[Any]) -> ErrorDetails:
    """The decoded error of a call that must fail."""
    try:
        answer = await call
    except grpc.aio.AioRpcError as error:
        return decode_error(error)
    raise AssertionError(f"expected an error, got {answer}")


def new_id() -> str:
    return str(uuid.uuid4())


def timestamp(instant: dt.datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(instant.astimezone(dt.UTC).replace(tzinfo=None))
    return stamp


def consent_request(borrower_id: str, purposes: Sequence[int],
                    sections: Sequence[int] = (cir.REPORT_SECTION_BASIC_INFO,),
                    ) -> ci.GrantConsentRequest:
    """A consent signed two minutes ago, valid from a minute ago for a year."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return ci.GrantConsentRequest(
        request_id=new_id(), borrower_id=borrower_id, purposes=purposes, sections=sections,
        channel=cir.CONSENT_CHANNEL_MOBILE_APP,
        evidence=cir.ConsentEvidence(
            document_sha256=hashlib.sha256(b"signed authorization").hexdigest(),
            signed_at=timestamp(now - dt.timedelta(minutes=2)),
            signer_verification_reference="ekyc:e2e-consent"),
        valid_from=timestamp(now - dt.timedelta(minutes=1)),
        valid_until=timestamp(now + dt.timedelta(days=365)))


@dataclass
class Clients:
    """Stubs of every service of a running suite, and tokens for people by role."""

    suite: Suite
    channels: list[grpc.aio.Channel]
    # gRPC channel arguments, e.g. a short reconnect backoff for tests that restart services.
    options: Sequence[tuple[str, Any]] = ()

    def __post_init__(self) -> None:
        def channel(address: str) -> grpc.aio.Channel:
            opened = grpc.aio.insecure_channel(address, options=list(self.options))
            self.channels.append(opened)
            return opened

        s = self.suite.services
        ci = channel(s["credit_inquiry"].address)
        self.consents = credit_inquiry_pb2_grpc.ConsentServiceStub(ci)
        self.identities = credit_inquiry_pb2_grpc.IdentityVerificationServiceStub(ci)
        self.inquiries = credit_inquiry_pb2_grpc.InquiryServiceStub(ci)
        self.inquiry_records = credit_inquiry_pb2_grpc.InquiryRecordServiceStub(ci)
        mo = channel(s["monitoring"].address)
        self.loans = monitoring_pb2_grpc.LoanServiceStub(mo)
        self.repayments = monitoring_pb2_grpc.RepaymentServiceStub(mo)
        self.daily_cycles = monitoring_pb2_grpc.DailyCycleServiceStub(mo)
        co = channel(s["collection"].address)
        self.cases = collection_pb2_grpc.CaseServiceStub(co)
        self.contacts = collection_pb2_grpc.ContactServiceStub(co)
        self.debtors = collection_pb2_grpc.DebtorServiceStub(co)
        self.promises = collection_pb2_grpc.PromiseServiceStub(co)
        self.agents = collection_pb2_grpc.AgentServiceStub(co)
        self.assignment = collection_pb2_grpc.AssignmentServiceStub(co)
        re = channel(s["restructuring"].address)
        self.plans = restructuring_pb2_grpc.PlanServiceStub(re)
        self.observation = restructuring_pb2_grpc.ObservationServiceStub(re)
        bureau = channel(self.suite.simulators["bureau"].address)
        self.bureau = bureau_pb2_grpc.BureauSimulatorServiceStub(bureau)

    def person(self, *roles: str, subject: str = "e2e-operator") -> tuple[tuple[str, str], ...]:
        """Call metadata of a person holding ``roles``."""
        return bearer(token_for(self.suite.keys_dir, list(roles), subject=subject,
                                ttl=timedelta(minutes=30)))

    async def close(self) -> None:
        for opened in self.channels:
            await opened.close()


@asynccontextmanager
async def clients_of(suite: Suite,
                     options: Sequence[tuple[str, Any]] = ()) -> AsyncIterator[Clients]:
    clients = Clients(suite, [], options)
    try:
        yield clients
    finally:
        await clients.close()


@asynccontextmanager
async def suite_of_processes(pg_server: PostgresServer, prefix: str,
                             extra_env: dict[str, str] | None = None) -> AsyncIterator[Suite]:
    """The four services, the simulators and the SMTP sink as separate processes on their own
    databases (named ``<prefix>_<8 hex>_<package>``, dropped afterwards)."""
    state_dir = Path(tempfile.mkdtemp(prefix=f"postloan-{prefix}-"))
    running = Suite(
        state_dir=state_dir,
        pg_url=pg_server.admin_url,
        database_prefix=f"{prefix}_{uuid.uuid4().hex[:8]}",
        free_ports=True,
        extra_env={"POSTLOAN_SHUTDOWN_GRACE_SECONDS": "3", **(extra_env or {})},
    )
    try:
        await running.start(timeout=120)
        yield running
    finally:
        running.pg = None  # the test server outlives the suite; only the processes stop here
        # Stopping waits for the processes (which flush their spans, if they export any).
        await asyncio.to_thread(running.stop, 15)
        for package in running.services:
            await pg_server.drop_database(f"{running.database_prefix}_{package}")
        shutil.rmtree(state_dir, ignore_errors=True)


@asynccontextmanager
async def traced_suite(pg_server: PostgresServer) -> AsyncIterator[tuple[Suite, OtlpReceiver]]:
    """A suite of processes (as the shared e2e suite) exporting their spans to an OTLP
    receiver running on this event loop."""
    receiver = await OtlpReceiver().start()
    try:
        async with suite_of_processes(pg_server, "e2e_story", receiver.env()) as running:
            yield running, receiver
    finally:
        await receiver.stop()
