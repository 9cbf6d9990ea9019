"""Agents, agencies and the assignment of cases to them.

Bulk assignment is one set-based statement per tier (window functions; no per-case loop):
1. the queue: open cases of the tier with neither agent nor agency, oldest first;
2. continuity: a case whose borrower's latest agent at this tier is active, still works the
   tier and has room keeps that agent (up to the agent's free capacity, oldest cases first);
3. balance: the rest go to free slots ordered by the load the agent would reach
   (open cases + cases kept + slot number), so each next case lands on the least-loaded
   agent (water-filling; ties by agent id);
4. the cases, their assignment records and their history rows are written in the same
   statement."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from google.protobuf.message import Message
from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from collection.adapters import case_protobuf as convert
from collection.adapters import case_repository as repo
from collection.adapters.case_tables import agencies, agents, case_assignments, cases
from collection.domain.cases import CaseEventKind, CaseState, Reasons
from collection.domain.strategies import TIER_ORDER, Tier
from collection.service_layer.cases import Change, case_message, release_agent
from postloan.collection.v1 import collection_pb2
from postloan.collection.v1 import resources_pb2 as pb
from postloan_runtime.db import retry_transaction_conflicts
from postloan_runtime.errors import FailedPrecondition, NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.unit_of_work import UnitOfWork

ASSIGN_METHOD = "/postloan.collection.v1.AssignmentService/AssignCases"
REASSIGN_METHOD = "/postloan.collection.v1.AssignmentService/ReassignCase"
PLACE_METHOD = "/postloan.collection.v1.AssignmentService/PlaceCaseWithAgency"
RECALL_METHOD = "/postloan.collection.v1.AssignmentService/RecallCaseFromAgency"
CREATE_AGENT_METHOD = "/postloan.collection.v1.AgentService/CreateAgent"
UPDATE_AGENT_METHOD = "/postloan.collection.v1.AgentService/UpdateAgent"
CREATE_AGENCY_METHOD = "/postloan.collection.v1.AgentService/CreateAgency"
UPDATE_AGENCY_METHOD = "/postloan.collection.v1.AgentService/UpdateAgency"

ASSIGN_TIER_SQL = """
WITH load AS (
    SELECT a.agent_id, a.capacity,
           (SELECT count(*) FROM cases o
            WHERE o.agent_id = a.agent_id AND o.state <> 'CLOSED') AS open_cases
    FROM agents a
    WHERE a.active AND a.agency_id IS NULL AND CAST(:tier AS varchar) = ANY(a.tiers)
), queue AS (
    SELECT c.case_id, c.borrower_id, row_number() OVER (ORDER BY c.opened_at, c.case_id) AS n
    FROM (SELECT case_id, borrower_id, opened_at FROM cases
          WHERE state = 'OPEN' AND agent_id IS NULL AND agency_id IS NULL AND tier = :tier
          ORDER BY opened_at, case_id LIMIT :max_cases) c
), previous AS (
    SELECT DISTINCT ON (q.case_id) q.case_id, q.n, ca.agent_id
    FROM queue q
    JOIN case_assignments ca ON ca.borrower_id = q.borrower_id AND ca.tier = :tier
                             AND ca.agent_id IS NOT NULL
    ORDER BY q.case_id, ca.assigned_at DESC, ca.assignment_id DESC
), kept AS (
    SELECT p.case_id, p.agent_id
    FROM (SELECT p.*, row_number() OVER (PARTITION BY p.agent_id ORDER BY p.n) AS k
          FROM previous p) p
    JOIN load l ON l.agent_id = p.agent_id
    WHERE p.k <= l.capacity - l.open_cases
), kept_per_agent AS (
    SELECT agent_id, count(*) AS kept FROM kept GROUP BY agent_id
), rest AS (
    SELECT q.case_id, row_number() OVER (ORDER BY q.n) AS r
    FROM queue q WHERE NOT EXISTS (SELECT 1 FROM kept k WHERE k.case_id = q.case_id)
), slots AS (
    SELECT l.agent_id,
           row_number() OVER (ORDER BY l.open_cases + coalesce(kp.kept, 0) + s.j, l.agent_id) AS r
    FROM load l
    LEFT JOIN kept_per_agent kp ON kp.agent_id = l.agent_id
    CROSS JOIN LATERAL generate_series(
        1, least(l.capacity - l.open_cases - coalesce(kp.kept, 0), (SELECT count(*) FROM rest))
    ) AS s(j)
), chosen AS (
    SELECT k.case_id, k.agent_id, true AS continuity FROM kept k
    UNION ALL
    SELECT r.case_id, s.agent_id, false FROM rest r JOIN slots s ON s.r = r.r
), updated AS (
    UPDATE cases c SET agent_id = ch.agent_id, version = c.version + 1, updated_at = :now
    FROM chosen ch
    WHERE c.case_id = ch.case_id AND c.state = 'OPEN' AND c.agent_id IS NULL
      AND c.agency_id IS NULL AND c.tier = :tier
    RETURNING c.case_id, c.borrower_id, c.tier, ch.agent_id, ch.continuity
), recorded AS (
    INSERT INTO case_assignments (case_id, borrower_id, tier, agent_id, reason, continuity,
                                  assigned_at)
    SELECT case_id, borrower_id, tier, agent_id, 'BULK_ASSIGNMENT', continuity, :now
    FROM updated
), last_entry AS MATERIALIZED (
    -- each case's last history sequence in one pass: a per-row max() subquery was planned as
    -- a sequential scan while the history looked empty, and each rescan also read the pages
    -- the insert below had added meanwhile (quadratic in the cases assigned)
    SELECT e.case_id, max(e.sequence) AS last FROM case_events e
    WHERE e.case_id IN (SELECT case_id FROM updated) GROUP BY e.case_id
), history AS (
    INSERT INTO case_events (case_id, sequence, kind, business_date, recorded_at, agent_id,
                             reason, actor)
    SELECT u.case_id, coalesce(h.last, 0) + 1,
           'ASSIGNED', :today, :now, u.agent_id,
           CASE WHEN u.continuity THEN 'CONTINUITY' ELSE 'BALANCED' END, :actor
    FROM updated u LEFT JOIN last_entry h ON h.case_id = u.case_id
)
SELECT (SELECT count(*) FROM queue) AS queued, u.agent_id, count(*) AS assigned,
       count(*) FILTER (WHERE u.continuity) AS continuity
FROM updated u GROUP BY u.agent_id
"""


@dataclass(frozen=True)
class AssignmentOutcome:
    assigned: int
    continuity: int
    unassigned: int
    loads: list[tuple[str, int, int]]  # agent, assigned now, open cases now


async def _lock_assignment(conn: AsyncConnection) -> None:
    """Assignment decisions read capacity; one at a time keeps them within it."""
    await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('collection.assignment'))"))


async def assign_in_transaction(
    conn: AsyncConnection, tiers: Sequence[Tier], max_cases: int, *, now: dt.datetime,
    today: dt.date, actor: str,
) -> AssignmentOutcome:
    """Bulk assignment on ``conn`` (one statement per tier, tiers in escalation order)."""
    await _lock_assignment(conn)
    # JIT-compiling these plans (estimated costly: one row per open case) took longer than
    # running them; their time goes to writing rows. Off for the rest of this transaction.
    await conn.execute(text("SET LOCAL jit = off"))
    remaining = max_cases if max_cases > 0 else 2**31 - 1
    assigned = continuity = queued = 0
    per_agent: dict[str, int] = {}
    for tier in sorted(set(tiers), key=lambda t: t.rank):
        if remaining <= 0:
            break
        rows = (
            await conn.execute(
                text(ASSIGN_TIER_SQL),
                {"tier": tier.value, "max_cases": remaining, "now": now, "today": today,
                 "actor": actor},
            )
        ).all()
        tier_assigned = sum(r.assigned for r in rows)
        if rows:
            queued += rows[0].queued
        else:
            queued += int(
                await conn.scalar(
                    text(
                        "SELECT count(*) FROM (SELECT 1 FROM cases WHERE state = 'OPEN' AND "
                        "agent_id IS NULL AND agency_id IS NULL AND tier = :tier LIMIT :m) q"
                    ),
                    {"tier": tier.value, "m": remaining},
                )
                or 0
            )
        assigned += tier_assigned
        continuity += sum(r.continuity for r in rows)
        for r in rows:
            per_agent[r.agent_id] = per_agent.get(r.agent_id, 0) + r.assigned
        remaining -= tier_assigned
    open_now: dict[str, int] = {}
    if per_agent:
        open_now = {
            r.agent_id: r.n
            for r in await conn.execute(
                select(cases.c.agent_id, func.count().label("n"))
                .where(cases.c.agent_id.in_(list(per_agent)), cases.c.state != "CLOSED")
                .group_by(cases.c.agent_id)
            )
        }
    loads = [(a, n, open_now.get(a, 0)) for a, n in sorted(per_agent.items())]
    return AssignmentOutcome(assigned, continuity, queued - assigned, loads)


async def assign_cases(
    engine: AsyncEngine, request_id: str, tiers: Sequence[Tier], max_cases: int,
    request: Message, *, now: dt.datetime, today: dt.date, actor: str,
) -> collection_pb2.AssignCasesResponse:
    # A bulk assignment updates many case rows that the event consumers update one at a time;
    # when PostgreSQL breaks a deadlock by aborting it, the whole assignment runs again.
    # It also numbers each case's ASSIGNED history row from its statement snapshot without
    # the borrower lock: a consumer that commits a history row for a queued case while the
    # statement waits for that case's row lock takes the number first (a unique violation on
    # pk_case_events). That is the same kind of conflict: the rerun's fresh snapshot sees the
    # consumer's row. (Cheaper than a per-case counter: the race needs an event mid-statement.)
    return await retry_transaction_conflicts(
        lambda: _assign_cases_once(
            engine, request_id, tiers, max_cases, request, now=now, today=today, actor=actor,
        ),
        also_conflict=_history_sequence_taken,
    )


def _history_sequence_taken(exc: Exception) -> bool:
    """A unique violation on a case-history row's (case_id, sequence)."""
    if not isinstance(exc, IntegrityError):
        return False
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23505" and (
        getattr(orig, "constraint_name", None) == "pk_case_events"
        or getattr(getattr(orig, "__cause__", None), "constraint_name", None) == "pk_case_events"
    )


async def _assign_cases_once(
    engine: AsyncEngine, request_id: str, tiers: Sequence[Tier], max_cases: int,
    request: Message, *, now: dt.datetime, today: dt.date, actor: str,
) -> collection_pb2.AssignCasesResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> collection_pb2.AssignCasesResponse:
            outcome = await assign_in_transaction(
                conn, tiers or TIER_ORDER, max_cases, now=now, today=today, actor=actor
            )
            return collection_pb2.AssignCasesResponse(
                assigned_cases=outcome.assigned,
                continuity_cases=outcome.continuity,
                unassigned_cases=outcome.unassigned,
                agent_loads=[
                    collection_pb2.AgentLoad(agent_id=a, assigned=n, open_cases=o)
                    for a, n, o in outcome.loads
                ],
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=ASSIGN_METHOD, request=request,
            response_type=collection_pb2.AssignCasesResponse, effect=effect, now=now,
        )
        await uow.commit()
    return response


async def _open_case_locked(conn: AsyncConnection, case_id: uuid.UUID) -> Any:
    row = await repo.get_case(conn, case_id)
    if row is None:
        raise NotFound("case", str(case_id))
    await repo.lock_borrower(conn, row.borrower_id)
    row = await repo.get_case(conn, case_id, lock=True)
    if row.state != CaseState.OPEN.value:
        raise FailedPrecondition(
            Reasons.CASE_NOT_OPEN, "the case is not open",
            metadata={"case_id": str(case_id), "state": row.state},
        )
    return row


async def _count_open(conn: AsyncConnection, column: Any, value: str) -> int:
    return int(
        await conn.scalar(
            select(func.count()).where(column == value, cases.c.state != "CLOSED")
        )
        or 0
    )


async def reassign_case(
    engine: AsyncEngine, request_id: str, case_id: uuid.UUID, agent_id: str, reason: str,
    request: Message, *, now: dt.datetime, today: dt.date, actor: str,
) -> collection_pb2.ReassignCaseResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection
        change = Change(conn, now, today, actor)

        async def effect() -> collection_pb2.ReassignCaseResponse:
            await _lock_assignment(conn)
            row = await _open_case_locked(conn, case_id)
            agent = (
                await conn.execute(select(agents).where(agents.c.agent_id == agent_id))
            ).first()
            if agent is None:
                raise NotFound("agent", agent_id)
            if agent.agency_id is not None:
                # An agency's agent works only the cases placed with the agency (the contact
                # gate holds them to the placement, not to Case.agent_id).
                raise FailedPrecondition(
                    Reasons.AGENT_OF_AGENCY,
                    "the agent belongs to an agency: place the case with the agency instead",
                    metadata={"agent_id": agent_id, "agency_id": agent.agency_id},
                )
            if row.agency_id is not None:
                raise FailedPrecondition(
                    Reasons.CASE_PLACED_WITH_AGENCY, "recall the case from its agency first",
                    metadata={"case_id": str(case_id), "agency_id": row.agency_id},
                )
            if not agent.active:
                raise FailedPrecondition(
                    Reasons.AGENT_INACTIVE, "the agent is inactive", metadata={"agent_id": agent_id}
                )
            if row.tier not in agent.tiers:
                raise FailedPrecondition(
                    Reasons.AGENT_TIER_MISMATCH, "the agent does not work the case's tier",
                    metadata={"agent_id": agent_id, "tier": row.tier},
                )
            if row.agent_id != agent_id and (
                await _count_open(conn, cases.c.agent_id, agent_id) >= agent.capacity
            ):
                raise FailedPrecondition(
                    Reasons.AGENT_AT_CAPACITY, "the agent has no free capacity",
                    metadata={"agent_id": agent_id, "capacity": str(agent.capacity)},
                )
            if row.agent_id != agent_id:
                await conn.execute(
                    update(case_assignments)
                    .where(case_assignments.c.case_id == case_id,
                           case_assignments.c.agent_id.is_not(None),
                           case_assignments.c.ended_at.is_(None))
                    .values(ended_at=now, end_reason=f"REASSIGNED:{reason}")
                )
                await conn.execute(
                    case_assignments.insert().values(
                        case_id=case_id, borrower_id=row.borrower_id, tier=row.tier,
                        agent_id=agent_id, reason=reason, continuity=False, assigned_at=now,
                    )
                )
                await repo.bump_version(conn, case_id, now, agent_id=agent_id)
                await change.history(
                    case_id,
                    change.entry(CaseEventKind.REASSIGNED, agent_id=agent_id, reason=reason),
                )
            return collection_pb2.ReassignCaseResponse(
                collection_case=await case_message(conn, case_id)
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=REASSIGN_METHOD, request=request,
            response_type=collection_pb2.ReassignCaseResponse, effect=effect, now=now,
        )
        await uow.commit()
    return response


async def place_case(
    engine: AsyncEngine, request_id: str, case_id: uuid.UUID, agency_id: str, reason: str,
    ends_on: dt.date | None, request: Message, *, now: dt.datetime, today: dt.date, actor: str,
) -> collection_pb2.PlaceCaseWithAgencyResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection
        change = Change(conn, now, today, actor)

        async def effect() -> collection_pb2.PlaceCaseWithAgencyResponse:
            await _lock_assignment(conn)
            row = await _open_case_locked(conn, case_id)
            agency = (
                await conn.execute(select(agencies).where(agencies.c.agency_id == agency_id))
            ).first()
            if agency is None:
                raise NotFound("agency", agency_id)
            if row.agency_id is not None:
                raise FailedPrecondition(
                    Reasons.ALREADY_PLACED, "the case is already placed with an agency",
                    metadata={"case_id": str(case_id), "agency_id": row.agency_id},
                )
            if not agency.active:
                raise FailedPrecondition(
                    Reasons.AGENCY_INACTIVE, "the agency is inactive",
                    metadata={"agency_id": agency_id},
                )
            # Checked when placing only: a placed case whose tier changes later keeps its
            # agency (the placement is a contract; recall it to end it), see collection.md.
            if row.tier not in agency.tiers:
                raise FailedPrecondition(
                    Reasons.AGENCY_TIER_MISMATCH, "the agency does not take the case's tier",
                    metadata={"agency_id": agency_id, "tier": row.tier},
                )
            if await _count_open(conn, cases.c.agency_id, agency_id) >= agency.capacity:
                raise FailedPrecondition(
                    Reasons.AGENCY_AT_CAPACITY, "the agency has no free capacity",
                    metadata={"agency_id": agency_id, "capacity": str(agency.capacity)},
                )
            await release_agent(change, row, "PLACED_WITH_AGENCY")
            note = reason if ends_on is None else f"{reason} (until {ends_on.isoformat()})"
            await conn.execute(
                case_assignments.insert().values(
                    case_id=case_id, borrower_id=row.borrower_id, tier=row.tier,
                    agency_id=agency_id, reason=note, continuity=False, assigned_at=now,
                )
            )
            await repo.bump_version(conn, case_id, now, agency_id=agency_id)
            await change.history(
                case_id, change.entry(CaseEventKind.PLACED, agency_id=agency_id, reason=note)
            )
            return collection_pb2.PlaceCaseWithAgencyResponse(
                collection_case=await case_message(conn, case_id)
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=PLACE_METHOD, request=request,
            response_type=collection_pb2.PlaceCaseWithAgencyResponse, effect=effect, now=now,
        )
        await uow.commit()
    return response


async def recall_case(
    engine: AsyncEngine, request_id: str, case_id: uuid.UUID, reason: str, note: str,
    request: Message, *, now: dt.datetime, today: dt.date, actor: str,
) -> collection_pb2.RecallCaseFromAgencyResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection
        change = Change(conn, now, today, actor)

        async def effect() -> collection_pb2.RecallCaseFromAgencyResponse:
            row = await repo.get_case(conn, case_id)
            if row is None:
                raise NotFound("case", str(case_id))
            await repo.lock_borrower(conn, row.borrower_id)
            row = await repo.get_case(conn, case_id, lock=True)
            if row.agency_id is None:
                raise FailedPrecondition(
                    Reasons.NOT_PLACED, "the case is not placed with an agency",
                    metadata={"case_id": str(case_id)},
                )
            text_reason = f"{reason}: {note}" if note else reason
            await conn.execute(
                update(case_assignments)
                .where(case_assignments.c.case_id == case_id,
                       case_assignments.c.agency_id.is_not(None),
                       case_assignments.c.ended_at.is_(None))
                .values(ended_at=now, end_reason=text_reason)
            )
            await repo.bump_version(conn, case_id, now, agency_id=None)
            await change.history(
                case_id,
                change.entry(CaseEventKind.RECALLED, agency_id=row.agency_id, reason=text_reason),
            )
            return collection_pb2.RecallCaseFromAgencyResponse(
                collection_case=await case_message(conn, case_id)
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=RECALL_METHOD, request=request,
            response_type=collection_pb2.RecallCaseFromAgencyResponse, effect=effect, now=now,
        )
        await uow.commit()
    return response


# --- agents and agencies -----------------------------------------------------------------


@dataclass(frozen=True)
class AgentFields:
    agent_id: str
    display_name: str
    agency_id: str | None
    tiers: tuple[Tier, ...]
    skills: tuple[str, ...]
    capacity: int
    active: bool


async def agent_message(conn: AsyncConnection, agent_id: str) -> pb.Agent:
    row = (await conn.execute(select(agents).where(agents.c.agent_id == agent_id))).first()
    if row is None:
        raise NotFound("agent", agent_id)
    return convert.agent_to_proto(row, await _count_open(conn, cases.c.agent_id, agent_id))


async def create_agent(
    engine: AsyncEngine, request_id: str, fields: AgentFields, request: Message, *,
    now: dt.datetime,
) -> collection_pb2.CreateAgentResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> collection_pb2.CreateAgentResponse:
            if fields.agency_id is not None and (
                await conn.scalar(
                    select(agencies.c.agency_id).where(agencies.c.agency_id == fields.agency_id)
                )
            ) is None:
                raise FailedPrecondition(
                    Reasons.AGENCY_NOT_FOUND, "the agency is not registered",
                    metadata={"agency_id": fields.agency_id},
                )
            inserted = (
                await conn.execute(
                    insert(agents)
                    .values(
                        agent_id=fields.agent_id, display_name=fields.display_name,
                        agency_id=fields.agency_id, tiers=[t.value for t in fields.tiers],
                        skills=list(fields.skills), capacity=fields.capacity,
                        active=fields.active, created_at=now, updated_at=now,
                    )
                    .on_conflict_do_nothing()
                    .returning(agents.c.agent_id)
                )
            ).first()
            if inserted is None:
                raise FailedPrecondition(
                    Reasons.AGENT_ID_CONFLICT, "an agent with this id exists",
                    metadata={"agent_id": fields.agent_id},
                )
            return collection_pb2.CreateAgentResponse(
                agent=await agent_message(conn, fields.agent_id)
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=CREATE_AGENT_METHOD, request=request,
            response_type=collection_pb2.CreateAgentResponse, effect=effect, now=now,
        )
        await uow.commit()
    return response


async def update_agent(
    engine: AsyncEngine, request_id: str, agent_id: str, values: dict[str, Any],
    request: Message, *, now: dt.datetime,
) -> collection_pb2.UpdateAgentResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> collection_pb2.UpdateAgentResponse:
            updated = (
                await conn.execute(
                    update(agents)
                    .where(agents.c.agent_id == agent_id)
                    .values(updated_at=now, **values)
                    .returning(agents.c.agent_id)
                )
            ).first()
            if updated is None:
                raise NotFound("agent", agent_id)
            return collection_pb2.UpdateAgentResponse(agent=await agent_message(conn, agent_id))

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=UPDATE_AGENT_METHOD, request=request,
            response_type=collection_pb2.UpdateAgentResponse, effect=effect, now=now,
        )
        await uow.commit()
    return response


async def get_agent(engine: AsyncEngine, agent_id: str) -> pb.Agent:
    async with engine.connect() as conn:
        return await agent_message(conn, agent_id)


async def list_agents(
    engine: AsyncEngine, *, agency_id: str | None, tier: Tier | None, active_only: bool,
    after: str | None, page_size: int,
) -> tuple[list[pb.Agent], str | None]:
    open_cases = (
        select(func.count())
        .where(cases.c.agent_id == agents.c.agent_id, cases.c.state != "CLOSED")
        .scalar_subquery()
    )
    query = select(agents, open_cases.label("open_cases")).order_by(agents.c.agent_id)
    if agency_id:
        query = query.where(agents.c.agency_id == agency_id)
    if tier is not None:
        query = query.where(agents.c.tiers.any(tier.value))
    if active_only:
        query = query.where(agents.c.active)
    if after:
        query = query.where(agents.c.agent_id > after)
    async with engine.connect() as conn:
        rows = (await conn.execute(query.limit(page_size + 1))).all()
    page = rows[:page_size]
    return (
        [convert.agent_to_proto(r, r.open_cases) for r in page],
        page[-1].agent_id if len(rows) > page_size else None,
    )


@dataclass(frozen=True)
class AgencyFields:
    agency_id: str
    name: str
    tiers: tuple[Tier, ...]
    capacity: int
    active: bool
    commission_rate: Decimal


async def agency_message(conn: AsyncConnection, agency_id: str) -> pb.Agency:
    row = (await conn.execute(select(agencies).where(agencies.c.agency_id == agency_id))).first()
    if row is None:
        raise NotFound("agency", agency_id)
    return convert.agency_to_proto(row, await _count_open(conn, cases.c.agency_id, agency_id))


async def create_agency(
    engine: AsyncEngine, request_id: str, fields: AgencyFields, request: Message, *,
    now: dt.datetime,
) -> collection_pb2.CreateAgencyResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> collection_pb2.CreateAgencyResponse:
            inserted = (
                await conn.execute(
                    insert(agencies)
                    .values(
                        agency_id=fields.agency_id, name=fields.name,
                        tiers=[t.value for t in fields.tiers], capacity=fields.capacity,
                        active=fields.active, commission_rate=fields.commission_rate,
                        created_at=now, updated_at=now,
                    )
                    .on_conflict_do_nothing()
                    .returning(agencies.c.agency_id)
                )
            ).first()
            if inserted is None:
                raise FailedPrecondition(
                    Reasons.AGENCY_ID_CONFLICT, "an agency with this id exists",
                    metadata={"agency_id": fields.agency_id},
                )
            return collection_pb2.CreateAgencyResponse(
                agency=await agency_message(conn, fields.agency_id)
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=CREATE_AGENCY_METHOD, request=request,
            response_type=collection_pb2.CreateAgencyResponse, effect=effect, now=now,
        )
        await uow.commit()
    return response


async def update_agency(
    engine: AsyncEngine, request_id: str, agency_id: str, values: dict[str, Any],
    request: Message, *, now: dt.datetime,
) -> collection_pb2.UpdateAgencyResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> collection_pb2.UpdateAgencyResponse:
            updated = (
                await conn.execute(
                    update(agencies)
                    .where(agencies.c.agency_id == agency_id)
                    .values(updated_at=now, **values)
                    .returning(agencies.c.agency_id)
                )
            ).first()
            if updated is None:
                raise NotFound("agency", agency_id)
            return collection_pb2.UpdateAgencyResponse(
                agency=await agency_message(conn, agency_id)
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=UPDATE_AGENCY_METHOD, request=request,
            response_type=collection_pb2.UpdateAgencyResponse, effect=effect, now=now,
        )
        await uow.commit()
    return response


async def list_agencies(
    engine: AsyncEngine, *, active_only: bool, after: str | None, page_size: int
) -> tuple[list[pb.Agency], str | None]:
    placed = (
        select(func.count())
        .where(cases.c.agency_id == agencies.c.agency_id, cases.c.state != "CLOSED")
        .scalar_subquery()
    )
    query = select(agencies, placed.label("placed")).order_by(agencies.c.agency_id)
    if active_only:
        query = query.where(agencies.c.active)
    if after:
        query = query.where(agencies.c.agency_id > after)
    async with engine.connect() as conn:
        rows = (await conn.execute(query.limit(page_size + 1))).all()
    page = rows[:page_size]
    return (
        [convert.agency_to_proto(r, r.placed) for r in page],
        page[-1].agency_id if len(rows) > page_size else None,
    )
