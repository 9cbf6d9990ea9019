"""Contact use cases: the gate (CheckContact), the contact log (RecordContactAttempt, lists)
and channel dispatch (DispatchMessage: check → send → record).

Concurrency: every check of a debtor locks the debtor's profile row (``SELECT … FOR UPDATE``)
before counting, and an allowed check is stored as a clearance that counts under the caps until
used or expired. Checks for one debtor are therefore serialized, and the count each one sees
includes every clearance granted before it: no interleaving of agents can exceed a cap.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Final

from google.protobuf.message import Message
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from collection.adapters import contact_protobuf as pb
from collection.adapters.channels import ChannelGateway, Delivery
from collection.adapters.contact_repository import (
    AttemptFilter,
    CheckFilter,
    ContactRepository,
    Row,
    debtor_from_rows,
    point_view,
    rules_from_row,
)
from collection.adapters.contact_tables import message_dispatches
from collection.domain.compliance import (
    NOBODY,
    Holder,
    Party,
    PlannedContact,
    check_contact,
    lookback,
)
from collection.domain.jurisdiction import Channel
from collection.domain.templates import TemplateReasons, find_template, render
from postloan.collection.v1 import collection_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.errors import (
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    Reason,
)
from postloan_runtime.idempotency import (
    fingerprint_matches,
    request_fingerprint,
    run_idempotent_in_transaction,
)
from postloan_runtime.pii import PiiCipher
from postloan_runtime.unit_of_work import UnitOfWork

CHECK_METHOD: Final = "/postloan.collection.v1.ContactService/CheckContact"
RECORD_METHOD: Final = "/postloan.collection.v1.ContactService/RecordContactAttempt"
DISPATCH_METHOD: Final = "/postloan.collection.v1.ContactService/DispatchMessage"
POINT_CONTEXT: Final = "collection.contact_point"
DEFAULT_CLEARANCE_TTL: Final = dt.timedelta(minutes=10)
# An attempt may start this long before its check's planned time: the caller's clock stamps
# started_at (the servicer's clock skew, 5 minutes; clients stamp a call a few minutes early).
# Kept small: the gate judged quiet hours and the day's caps at planned_at.
ATTEMPT_START_SKEW: Final = dt.timedelta(minutes=5)
# Outcomes that are a conversation with the debtor (start the cool-off).
CONVERSATION_OUTCOMES: Final = frozenset(
    {"RIGHT_PARTY_CONTACT", "PROMISE_TO_PAY", "REFUSED_TO_PAY"}
)
# Outcomes in which someone was spoken to: on a call, only possible if it connected.
SPOKEN_OUTCOMES: Final = CONVERSATION_OUTCOMES | {"THIRD_PARTY_CONTACT"}
# Channels on which a contact can "connect" (a call).
CALL_CHANNELS: Final = frozenset({Channel.IVR, Channel.AGENT_CALL})
# Channels without a person at our end: checks and attempts name no agent.
AUTOMATED_CHANNELS: Final = frozenset({Channel.SMS, Channel.APP_PUSH, Channel.IVR, Channel.EMAIL})


class ContactReasons:
    """FAILED_PRECONDITION reasons of the contact use cases (documented in the proto)."""

    CLEARANCE_REFUSED: Final = "CLEARANCE_REFUSED"
    CLEARANCE_EXPIRED: Final = "CLEARANCE_EXPIRED"
    CLEARANCE_ALREADY_USED: Final = "CLEARANCE_ALREADY_USED"
    CLEARANCE_MISMATCH: Final = "CLEARANCE_MISMATCH"
    NO_JURISDICTION_PROFILE: Final = "NO_JURISDICTION_PROFILE"


@dataclass(frozen=True)
class GatePolicy:
    clearance_ttl: dt.timedelta = DEFAULT_CLEARANCE_TTL


@dataclass(frozen=True)
class CheckCommand:
    request_id: str
    case_id: str | None
    borrower_id: str
    channel: Channel
    party: Party
    contact_point_id: uuid.UUID | None
    planned_at: dt.datetime | None  # None: now
    agent_id: str | None


@dataclass(frozen=True)
class RecordCommand:
    request_id: str
    check_id: uuid.UUID
    outcome: str
    connected: bool
    started_at: dt.datetime
    ended_at: dt.datetime | None
    recording_reference: str
    note: str
    # The verified caller: a person's clearance is only theirs to use.
    recorded_by: str = ""


@dataclass(frozen=True)
class DispatchCommand:
    request_id: str
    case_id: str | None
    borrower_id: str
    channel: Channel
    party: Party
    contact_point_id: uuid.UUID | None
    template_code: str


# --- the gate --------------------------------------------------------------------------------


async def _gate(
    repo: ContactRepository, command: CheckCommand, *, now: dt.datetime, policy: GatePolicy
) -> Row:
    """Lock the debtor, decide, record the check (allowed: a clearance). Returns the row.
    Three statements: the debtor locked with what does not depend on its lock (contact point,
    case, agent's agency, jurisdiction profile); then, after the lock, the flags and the recent
    contacts; then the check.

    A person's contact is judged on a case: the one named, or else the borrower's live case,
    which the check then records (none: refused NOT_ASSIGNED, as the person holds no case)."""
    person = command.agent_id is not None
    subject = await repo.gate_subject(
        command.borrower_id,
        agent_id=command.agent_id,
        contact_point_id=command.contact_point_id,
        case_id=uuid.UUID(command.case_id) if command.case_id is not None else None,
        live_case=person and command.case_id is None,
        now=now,
    )
    if subject is None:
        raise NotFound("debtor_profile", command.borrower_id)
    debtor_row = subject.debtor
    point = None
    if command.contact_point_id is not None:
        point_row = subject.point
        if point_row is None or point_row["borrower_id"] != command.borrower_id:
            raise NotFound("contact_point", str(command.contact_point_id))
        point = point_view(point_row)
    contactor = Holder(
        agent_id=command.agent_id,
        agency_id=subject.agent_agency_id if command.agent_id is not None else None,
    )
    case_id, case_state, case_holder = command.case_id, None, NOBODY
    case_row = subject.case
    if case_id is not None and case_row is None:
        raise NotFound("case", case_id)
    if case_row is not None:  # the case named, or a person's contact: the live case
        case_id = str(case_row["case_id"])
        case_state = case_row["state"]
        case_holder = Holder(agent_id=case_row["agent_id"], agency_id=case_row["agency_id"])
    code = debtor_row["jurisdiction_code"]
    profile_row = subject.profile
    if profile_row is None:
        raise FailedPrecondition(
            ContactReasons.NO_JURISDICTION_PROFILE,
            "no version of the debtor's jurisdiction profile is in effect",
            metadata={"jurisdiction_code": code},
        )
    rules = rules_from_row(profile_row)
    planned_at = command.planned_at or now
    gate_history = await repo.gate_history(
        command.borrower_id, planned_at=planned_at, since=planned_at - lookback(rules), now=now
    )
    debtor = debtor_from_rows(debtor_row, gate_history.flags)
    history = gate_history.past
    decision = check_contact(
        rules,
        debtor,
        PlannedContact(
            channel=command.channel, party=command.party, contact_point=point,
            planned_at=planned_at, case_state=case_state, contactor=contactor,
            case_holder=case_holder,
        ),
        history,
    )
    return await repo.add_check(
        {
            "check_id": uuid.uuid4(),
            "borrower_id": command.borrower_id,
            "case_id": case_id,
            "channel": command.channel.value,
            "party": command.party.value,
            "contact_point_id": command.contact_point_id,
            "agent_id": contactor.agent_id,
            "agency_id": contactor.agency_id,
            "decision": "ALLOWED" if decision.allowed else "REFUSED",
            "refusal_reasons": [r.value for r in decision.refusals],
            "planned_at": planned_at,
            "borrower_local_time": decision.local_time.isoformat(timespec="seconds"),
            "time_zone": debtor.time_zone,
            "jurisdiction_profile": decision.rules_label,
            "checked_at": now,
            "clearance_expires_at": (
                max(now, planned_at) + policy.clearance_ttl if decision.allowed else None
            ),
        }
    )


async def check(
    engine: AsyncEngine,
    command: CheckCommand,
    request: Message,
    *,
    clock: Clock,
    policy: GatePolicy = GatePolicy(),
) -> collection_pb2.CheckContactResponse:
    """Check a planned contact; allowed or refused, the check is recorded (idempotent by
    request_id: a retry returns the same check, and the same clearance)."""
    now = clock.now()
    async with UnitOfWork(engine) as uow:
        repo = ContactRepository(uow.connection)

        async def effect() -> collection_pb2.CheckContactResponse:
            row = await _gate(repo, command, now=now, policy=policy)
            return collection_pb2.CheckContactResponse(check=pb.check_to_proto(row))

        response = await run_idempotent_in_transaction(
            uow.connection,
            request_id=command.request_id,
            method=CHECK_METHOD,
            request=request,
            response_type=collection_pb2.CheckContactResponse,
            effect=effect,
            now=now,
        )
        await uow.commit()
    return response


# --- the contact log ---------------------------------------------------------------------------


def _clearance_problem(check_row: Row, started_at: dt.datetime) -> FailedPrecondition | None:
    """Why the check cannot cover an attempt that started at ``started_at``. The attempt must
    start within the clearance, from its planned time (less the skew) to its expiry: the gate
    judged that time, and the caps count the attempt at started_at. Expiry is judged on the
    start (a call may outlast the clearance), not on when the attempt is logged."""
    meta = {"check_id": str(check_row["check_id"])}
    if check_row["decision"] != "ALLOWED":
        return FailedPrecondition(
            ContactReasons.CLEARANCE_REFUSED, "the check refused this contact", meta
        )
    if check_row["used_at"] is not None:
        return FailedPrecondition(
            ContactReasons.CLEARANCE_ALREADY_USED, "the clearance was already used", meta
        )
    if check_row["released_at"] is not None or check_row["clearance_expires_at"] <= started_at:
        return FailedPrecondition(
            ContactReasons.CLEARANCE_EXPIRED,
            "the clearance was released or had expired when the attempt started", meta,
        )
    if started_at < check_row["planned_at"] - ATTEMPT_START_SKEW:
        return FailedPrecondition(
            ContactReasons.CLEARANCE_MISMATCH,
            "the attempt started before the time the check cleared",
            {**meta, "field": "started_at",
             "planned_at": check_row["planned_at"].isoformat(timespec="seconds")},
        )
    return None


def _holder_problem(check_row: Row, recorded_by: str) -> FailedPrecondition | None:
    """A person's clearance (the check names its agent) used by someone else: the attempt
    would be logged under that agent's name and take their slot."""
    agent = check_row["agent_id"]
    if agent and recorded_by != agent:
        return FailedPrecondition(
            ContactReasons.CLEARANCE_MISMATCH,
            "the clearance was given to another agent",
            {"check_id": str(check_row["check_id"]), "field": "agent"},
        )
    return None


def _connection_problem(check_row: Row, outcome: str, connected: bool) -> InvalidArgument | None:
    """A conversation on a call that did not connect: the request contradicts itself (the
    channel is the check's, hence judged here and not in the servicer)."""
    if (
        Channel(check_row["channel"]) in CALL_CHANNELS
        and outcome in SPOKEN_OUTCOMES
        and not connected
    ):
        # Logged as unanswered, a conversation would escape the connected cap and the cool-off.
        return InvalidArgument(
            [FieldViolation("connected", "must be true when the outcome is a conversation on"
                            " a call")],
            message="a conversation on a call must have connected",
        )
    return None


def _outcome_problem(check_row: Row, outcome: str, connected: bool) -> FailedPrecondition | None:
    channel, party = Channel(check_row["channel"]), Party(check_row["party"])
    mismatch = (
        (connected and channel not in CALL_CHANNELS)
        or (outcome == "THIRD_PARTY_CONTACT" and party is not Party.THIRD_PARTY)
        or (outcome in CONVERSATION_OUTCOMES and party is not Party.DEBTOR)
    )
    if mismatch:
        return FailedPrecondition(
            ContactReasons.CLEARANCE_MISMATCH,
            "the outcome does not fit the cleared channel or party",
            {"check_id": str(check_row["check_id"]), "channel": channel.value,
             "party": party.value},
        )
    return None


async def _record(
    uow: UnitOfWork,
    repo: ContactRepository,
    check_row: Row,
    *,
    outcome: str,
    connected: bool,
    started_at: dt.datetime,
    ended_at: dt.datetime | None,
    recording_reference: str,
    note: str,
    now: dt.datetime,
) -> Row:
    # Lock the debtor first: ContactAttempted (ordering key: the borrower) keeps per-borrower
    # order on the feed, and the caps' counts change atomically with the check's slot.
    await repo.debtor(check_row["borrower_id"], lock=True)
    attempt = await repo.insert_attempt(
        {
            "attempt_id": uuid.uuid4(),
            "check_id": check_row["check_id"],
            "case_id": check_row["case_id"],
            "borrower_id": check_row["borrower_id"],
            "contact_point_id": check_row["contact_point_id"],
            "channel": check_row["channel"],
            "party": check_row["party"],
            "outcome": outcome,
            "connected": connected,
            "conversation": outcome in CONVERSATION_OUTCOMES and (
                connected or Channel(check_row["channel"]) not in CALL_CHANNELS
            ),
            "agent_id": check_row["agent_id"],
            "agency_id": check_row["agency_id"],
            "started_at": started_at,
            "ended_at": ended_at,
            "recording_reference": recording_reference,
            "note": note,
            "recorded_at": now,
        }
    )
    await repo.mark_check(check_row["check_id"], used_at=now)
    uow.record_event(pb.contact_attempted_event(attempt), check_row["borrower_id"])
    return attempt


async def record_attempt(
    engine: AsyncEngine, command: RecordCommand, request: Message, *, clock: Clock
) -> collection_pb2.RecordContactAttemptResponse:
    """Log an attempt using a clearance; emits ContactAttempted. Idempotent by request_id."""
    now = clock.now()
    async with UnitOfWork(engine) as uow:
        repo = ContactRepository(uow.connection)

        async def effect() -> collection_pb2.RecordContactAttemptResponse:
            check_row = await repo.check(command.check_id, lock=True)
            if check_row is None:
                raise NotFound("contact_check", str(command.check_id))
            problem = (
                _connection_problem(check_row, command.outcome, command.connected)
                or _clearance_problem(check_row, command.started_at)
                or _holder_problem(check_row, command.recorded_by)
                or _outcome_problem(check_row, command.outcome, command.connected)
            )
            if problem is not None:
                raise problem
            attempt = await _record(
                uow, repo, check_row,
                outcome=command.outcome, connected=command.connected,
                started_at=command.started_at, ended_at=command.ended_at,
                recording_reference=command.recording_reference, note=command.note, now=now,
            )
            return collection_pb2.RecordContactAttemptResponse(attempt=pb.attempt_to_proto(attempt))

        response = await run_idempotent_in_transaction(
            uow.connection,
            request_id=command.request_id,
            method=RECORD_METHOD,
            request=request,
            response_type=collection_pb2.RecordContactAttemptResponse,
            effect=effect,
            now=now,
        )
        await uow.commit()
    return response


async def list_checks(
    engine: AsyncEngine,
    where: CheckFilter,
    *,
    after: tuple[dt.datetime, uuid.UUID] | None,
    page_size: int,
) -> tuple[list[Row], bool]:
    async with engine.connect() as conn:
        rows = await ContactRepository(conn).list_checks(where, after=after, limit=page_size + 1)
    return rows[:page_size], len(rows) > page_size


async def list_attempts(
    engine: AsyncEngine,
    where: AttemptFilter,
    *,
    after: tuple[dt.datetime, uuid.UUID] | None,
    page_size: int,
) -> tuple[list[Row], bool]:
    async with engine.connect() as conn:
        rows = await ContactRepository(conn).list_attempts(where, after=after, limit=page_size + 1)
    return rows[:page_size], len(rows) > page_size


def point_row(contact_point_id: uuid.UUID, borrower_id: str) -> str:
    """The row a contact point's value is bound to: the point and its borrower, so neither a
    value moved to another point nor a point moved to another borrower decrypts."""
    return f"{contact_point_id}/{borrower_id}"


# --- dispatch --------------------------------------------------------------------------------


async def dispatch(
    engine: AsyncEngine,
    command: DispatchCommand,
    request: Message,
    *,
    clock: Clock,
    channels: ChannelGateway,
    cipher: PiiCipher,
    policy: GatePolicy = GatePolicy(),
) -> collection_pb2.DispatchMessageResponse:
    """Check, send through the channel adapter, record: three steps, because the send is a
    network call outside any transaction.

    1. One transaction: claim the request id (``message_dispatches``), run the gate, record the
       check. Refused: the response is stored at once, nothing is sent.
    2. Send, with the request id as the provider's idempotency key (a retry after a crash
       between 2 and 3 does not send an SMS or IVR call twice).
    3. One transaction: log the attempt with the delivery outcome, use the clearance, emit
       ContactAttempted, store the response.

    The channel down: the clearance is released, the claim removed (a retry starts afresh) and
    UNAVAILABLE raised.
    """
    template = find_template(command.template_code)
    if template is None:
        raise FailedPrecondition(
            TemplateReasons.TEMPLATE_NOT_FOUND, "no template with this code",
            {"template_code": command.template_code},
        )
    if template.party is not command.party:
        raise FailedPrecondition(
            TemplateReasons.TEMPLATE_NOT_FOR_PARTY,
            "the template is not meant for this party (third parties only get location"
            " templates)",
            {"template_code": command.template_code, "party": command.party.value},
        )
    message = render(template, command.channel)
    fingerprint = request_fingerprint(DISPATCH_METHOD, request)
    now = clock.now()

    # Step 1.
    async with UnitOfWork(engine) as uow:
        repo = ContactRepository(uow.connection)
        conn = uow.connection
        claimed = await conn.execute(
            insert(message_dispatches)
            .values(request_id=command.request_id, request_hash=fingerprint, state="PENDING",
                    created_at=now)
            .on_conflict_do_nothing(index_elements=["request_id"])
            .returning(message_dispatches.c.request_id)
        )
        if claimed.first() is None:
            existing = (
                await conn.execute(
                    select(message_dispatches)
                    .where(message_dispatches.c.request_id == command.request_id)
                )
            ).mappings().one()
            if not fingerprint_matches(existing["request_hash"], fingerprint, DISPATCH_METHOD,
                                       request):
                raise InvalidArgument(
                    [FieldViolation("request_id", "was already used for a different request")],
                    message="request_id was already used for a different request",
                    reason=Reason.REQUEST_ID_REUSED,
                )
            if existing["state"] == "DONE":
                return collection_pb2.DispatchMessageResponse.FromString(existing["response"])
            check_row = await repo.check(existing["check_id"])
            assert check_row is not None  # noqa: S101 - written in the same transaction
            destination = await _destination(repo, check_row, cipher)
        else:
            check_row = await _gate(
                repo,
                CheckCommand(
                    request_id=command.request_id, case_id=command.case_id,
                    borrower_id=command.borrower_id, channel=command.channel,
                    party=command.party, contact_point_id=command.contact_point_id,
                    planned_at=None, agent_id=None,
                ),
                now=now, policy=policy,
            )
            if check_row["decision"] != "ALLOWED":
                response = collection_pb2.DispatchMessageResponse(
                    check=pb.check_to_proto(check_row)
                )
                await _finish_dispatch(conn, command.request_id, check_row, response)
                await uow.commit()
                return response
            # Before the commit: a value that does not decrypt (moved from another row) leaves
            # no claim and no check behind, and nothing is sent.
            destination = await _destination(repo, check_row, cipher)
            await conn.execute(
                message_dispatches.update()
                .where(message_dispatches.c.request_id == command.request_id)
                .values(check_id=check_row["check_id"])
            )
            await uow.commit()

    # Step 2.
    try:
        delivery = await channels.send(
            request_id=command.request_id, channel=command.channel, destination=destination,
            message=message,
        )
    except DomainError:
        await _release(engine, command.request_id, check_row["check_id"], clock.now())
        raise

    # Step 3.
    return await _record_dispatch(engine, command.request_id, check_row["check_id"], delivery,
                                  clock=clock)


async def _destination(repo: ContactRepository, check_row: Row, cipher: PiiCipher) -> str:
    if check_row["contact_point_id"] is None:
        return ""
    point = await repo.contact_point(check_row["contact_point_id"])
    assert point is not None  # noqa: S101 - the gate found it
    return cipher.decrypt(
        point["value_encrypted"], context=POINT_CONTEXT,
        row=point_row(point["contact_point_id"], point["borrower_id"]),
    )


async def _finish_dispatch(
    conn: Any, request_id: str, check_row: Row, response: Message
) -> None:
    await conn.execute(
        message_dispatches.update()
        .where(message_dispatches.c.request_id == request_id)
        .values(state="DONE", check_id=check_row["check_id"],
                response=response.SerializeToString(deterministic=True))
    )


async def _release(
    engine: AsyncEngine, request_id: str, check_id: uuid.UUID, now: dt.datetime
) -> None:
    async with UnitOfWork(engine) as uow:
        repo = ContactRepository(uow.connection)
        check_row = await repo.check(check_id, lock=True)
        if check_row is not None and check_row["used_at"] is None:
            await repo.mark_check(check_id, released_at=now)
        await uow.connection.execute(
            message_dispatches.delete().where(
                message_dispatches.c.request_id == request_id,
                message_dispatches.c.state == "PENDING",
            )
        )
        await uow.commit()


async def _record_dispatch(
    engine: AsyncEngine, request_id: str, check_id: uuid.UUID, delivery: Delivery, *, clock: Clock
) -> collection_pb2.DispatchMessageResponse:
    now = clock.now()
    async with UnitOfWork(engine) as uow:
        conn = uow.connection
        repo = ContactRepository(conn)
        state = (
            await conn.execute(
                select(message_dispatches).where(message_dispatches.c.request_id == request_id)
                .with_for_update()
            )
        ).mappings().one()
        if state["state"] == "DONE":  # a concurrent duplicate finished first
            return collection_pb2.DispatchMessageResponse.FromString(state["response"])
        check_row = await repo.check(check_id, lock=True)
        assert check_row is not None  # noqa: S101
        # The message went out even if the clearance ran out meanwhile: log it regardless.
        attempt = await _record(
            uow, repo, check_row,
            outcome=delivery.outcome, connected=delivery.connected,
            started_at=delivery.started_at, ended_at=delivery.ended_at,
            recording_reference=delivery.provider_reference, note="", now=now,
        )
        response = collection_pb2.DispatchMessageResponse(
            check=pb.check_to_proto(check_row),
            attempt=pb.attempt_to_proto(attempt),
            provider_reference=delivery.provider_reference,
        )
        await _finish_dispatch(conn, request_id, check_row, response)
        await uow.commit()
    return response

