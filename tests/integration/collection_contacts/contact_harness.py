"""The handle the contact-gate integration tests drive a real collection server with (a module
of its own so test files can import it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import grpc
from aiosmtpd.controller import Controller
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan.collection.v1 import collection_pb2, collection_pb2_grpc, resources_pb2
from postloan_runtime.clock import ManualClock
from postloan_runtime.grpc_errors import ErrorDetails, decode_error
from postloan_runtime.testing.auth import bearer, token_for

# Monday 2 June 2025, 10:00 in Shanghai.
START = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)
R = resources_pb2
# The outside agency the gate tests' agents work for: a person contacts a borrower only on a
# case they hold, so :meth:`Harness.hold` places the borrower's live case with it.
GATE_AGENCY = "AG-GATE"
PERSON_CHANNELS = frozenset(
    {R.CONTACT_CHANNEL_AGENT_CALL, R.CONTACT_CHANNEL_FIELD_VISIT, R.CONTACT_CHANNEL_LETTER}
)
_TIERS = "ARRAY['EARLY', 'MIDDLE', 'LATE', 'WRITE_OFF']"
# The strategy every fresh collection database starts with (migration 0002).
_DEFAULT_STRATEGY_ID = "00000000-0000-4000-8000-000000000001"


def rid() -> str:
    return str(uuid.uuid4())


def ts(instant: datetime) -> Timestamp:
    out = Timestamp()
    out.FromDatetime(instant)
    return out


async def record(h, check_id: str, *, agent: str = "agent-1", connected: bool = True,
                 outcome: int = R.CONTACT_OUTCOME_RIGHT_PARTY_CONTACT,
                 started: datetime | None = None, ended: datetime | None = None,
                 request_id: str | None = None) -> collection_pb2.RecordContactAttemptResponse:
    """RecordContactAttempt as ``agent``: started now (or ``started``), three minutes long."""
    started = started or h.clock.now()
    return await h.contacts.RecordContactAttempt(
        collection_pb2.RecordContactAttemptRequest(
            request_id=request_id or rid(), check_id=check_id, outcome=outcome,
            connected=connected, started_at=ts(started),
            ended_at=ts(ended or started + timedelta(minutes=3)), recording_reference="rec-1",
        ),
        metadata=h.agent(agent),
    )


@dataclass
class SinkHandler:
    """aiosmtpd handler keeping every message it receives."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@dataclass
class SmtpSink:
    controller: Controller
    handler: SinkHandler

    @property
    def port(self) -> int:
        return int(self.controller.port)


@dataclass
class Harness:
    channel: grpc.aio.Channel
    contacts: collection_pb2_grpc.ContactServiceStub
    debtors: collection_pb2_grpc.DebtorServiceStub
    profiles: collection_pb2_grpc.JurisdictionProfileServiceStub
    clock: ManualClock
    engine: AsyncEngine
    keys_dir: Path
    metadata: tuple[tuple[str, str], ...]

    def agent(self, subject: str) -> tuple[tuple[str, str], ...]:
        return bearer(token_for(self.keys_dir, ["collector"], subject=subject))

    async def count(self, table: str, where: str = "TRUE") -> int:
        async with self.engine.connect() as conn:
            return int(await conn.scalar(text(f"SELECT count(*) FROM {table} WHERE {where}")) or 0)

    async def counts(self) -> dict[str, int]:
        tables = ("contact_checks", "contact_attempts", "contact_points", "debtor_profiles",
                  "do_not_contact_flags", "jurisdiction_profiles", "idempotency_keys", "outbox",
                  "message_dispatches")
        return {t: await self.count(t) for t in tables}

    async def hold(self, borrower_id: str, *agents: str) -> None:
        """Make ``agents`` agents of :data:`GATE_AGENCY` and give the borrower a live case
        placed with it (kept if the borrower has one already), so they may contact the borrower
        without naming the case. Written straight into the tables: these tests serve only the
        contact servicers."""
        now = datetime.now(UTC)
        async with self.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO agencies (agency_id, name, tiers, capacity, active, commission_rate,"
                f" created_at, updated_at) VALUES (:agency, 'Gate tests', {_TIERS}, 1000000,"
                " true, 0.1, :now, :now) ON CONFLICT DO NOTHING"
            ), {"agency": GATE_AGENCY, "now": now})
            for agent in agents:
                await conn.execute(text(
                    "INSERT INTO agents (agent_id, display_name, agency_id, tiers, skills,"
                    f" capacity, active, created_at, updated_at) VALUES (:agent, :agent, :agency,"
                    f" {_TIERS}, ARRAY[]::varchar[], 1000, true, :now, :now)"
                    " ON CONFLICT DO NOTHING"
                ), {"agent": agent, "agency": GATE_AGENCY, "now": now})
            await conn.execute(text(
                "INSERT INTO cases (case_id, borrower_id, state, tier, treatments, risk_segment,"
                " strategy_version_id, strategy_arm, agency_id, days_past_due, overdue_fen,"
                " overdue_at_opening_fen, currency, opened_on, opened_at, updated_at)"
                " VALUES (:case_id, :borrower, 'OPEN', 'MIDDLE', ARRAY['AGENT_CALL'], 'STANDARD',"
                " :strategy, 'CHAMPION', :agency, 40, 30000, 30000, 'CNY', :today, :now, :now)"
                " ON CONFLICT (borrower_id) WHERE state <> 'CLOSED' DO NOTHING"
            ), {"case_id": uuid.uuid4(), "borrower": borrower_id, "strategy": _DEFAULT_STRATEGY_ID,
                "agency": GATE_AGENCY, "today": START.date(), "now": now})

    async def debtor(self, borrower_id: str, zone: str = "Asia/Shanghai",
                     code: str = "CN") -> None:
        await self.debtors.UpdateDebtorProfile(
            collection_pb2.UpdateDebtorProfileRequest(
                request_id=rid(), borrower_id=borrower_id, time_zone=zone, jurisdiction_code=code
            ),
            metadata=self.metadata,
        )

    async def point(self, borrower_id: str, value: str, *,
                    kind: int = R.CONTACT_POINT_KIND_PHONE,
                    party: int = R.CONTACT_PARTY_DEBTOR, emergency: bool = False) -> str:
        relationship = (
            R.THIRD_PARTY_RELATIONSHIP_SIBLING if party == R.CONTACT_PARTY_THIRD_PARTY else 0
        )
        response = await self.debtors.RegisterContactPoint(
            collection_pb2.RegisterContactPointRequest(
                request_id=rid(), borrower_id=borrower_id, party=party, kind=kind, value=value,
                relationship=relationship, emergency_contact=emergency,
            ),
            metadata=self.metadata,
        )
        return response.contact_point.contact_point_id

    async def check(self, borrower_id: str, point_id: str, *, agent: str = "agent-1",
                    channel: int = R.CONTACT_CHANNEL_AGENT_CALL,
                    party: int = R.CONTACT_PARTY_DEBTOR,
                    request_id: str | None = None) -> R.ContactCheck:
        """CheckContact without a case, as ``agent`` (a person's channel: one who holds the
        borrower's live case, see :meth:`hold`)."""
        if channel in PERSON_CHANNELS:
            await self.hold(borrower_id, agent)
        response = await self.contacts.CheckContact(
            collection_pb2.CheckContactRequest(
                request_id=request_id or rid(), borrower_id=borrower_id, channel=channel,
                party=party, contact_point_id=point_id,
            ),
            metadata=self.agent(agent),
        )
        return response.check


async def swap_points(h, columns: tuple[str, ...], first: str, second: str) -> None:
    """Exchange ``columns`` between two contact points, as someone writing the database could
    (one statement: the FROM side reads the rows as they were)."""
    assignments = ", ".join(f"{c} = other.{c}" for c in columns)
    async with h.engine.begin() as conn:
        await conn.execute(text(
            f"UPDATE contact_points AS mine SET {assignments}"  # noqa: S608 - column names
            " FROM contact_points AS other"
            " WHERE mine.contact_point_id IN (:a, :b) AND other.contact_point_id IN (:a, :b)"
            " AND mine.contact_point_id <> other.contact_point_id"
        ), {"a": first, "b": second})


def mail(h, borrower_id: str, point_id: str):
    """DispatchMessage of the debtor e-mail template to ``point_id``, as agent-1."""
    return h.contacts.DispatchMessage(
        collection_pb2.DispatchMessageRequest(
            request_id=rid(), borrower_id=borrower_id, channel=R.CONTACT_CHANNEL_EMAIL,
            party=R.CONTACT_PARTY_DEBTOR, contact_point_id=point_id,
            template_code="OVERDUE_EARLY_1",
        ),
        metadata=h.agent("agent-1"),
    )


async def refusal(call) -> ErrorDetails:
    """The decoded error of an awaited call that must fail."""
    try:
        await call
    except grpc.aio.AioRpcError as exc:
        return decode_error(exc)
    raise AssertionError("the call succeeded")
