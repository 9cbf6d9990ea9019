"""Strategy use cases: create a version (validated, numbered per name), read, list, make it the
champion, set or clear the challenger and its share."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from google.protobuf.message import Message
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from collection.adapters import case_protobuf as convert
from collection.adapters.case_tables import (
    strategy_risk_segments,
    strategy_tier_rules,
    strategy_versions,
)
from collection.domain.strategies import Reasons, StrategyDefinition, validate_strategy
from postloan.collection.v1 import collection_pb2
from postloan.collection.v1 import resources_pb2 as pb
from postloan_runtime.errors import FailedPrecondition, NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.unit_of_work import UnitOfWork

CREATE_METHOD = "/postloan.collection.v1.StrategyService/CreateStrategyVersion"
ACTIVATE_METHOD = "/postloan.collection.v1.StrategyService/ActivateStrategyVersion"
CHALLENGER_METHOD = "/postloan.collection.v1.StrategyService/SetChallengerStrategy"


async def strategy_message(conn: AsyncConnection, version_id: uuid.UUID) -> pb.StrategyVersion:
    row = (
        await conn.execute(
            select(strategy_versions).where(
                strategy_versions.c.strategy_version_id == version_id
            )
        )
    ).first()
    if row is None:
        raise NotFound("strategy version", str(version_id))
    segments = (
        await conn.execute(
            select(strategy_risk_segments)
            .where(strategy_risk_segments.c.strategy_version_id == version_id)
            .order_by(strategy_risk_segments.c.priority, strategy_risk_segments.c.code)
        )
    ).all()
    rules = (
        await conn.execute(
            select(strategy_tier_rules)
            .where(strategy_tier_rules.c.strategy_version_id == version_id)
            .order_by(strategy_tier_rules.c.risk_segment, strategy_tier_rules.c.min_days_past_due)
        )
    ).all()
    return convert.strategy_to_proto(row, segments, rules)


async def create_version(
    engine: AsyncEngine, request_id: str, definition: StrategyDefinition, request: Message, *,
    now: dt.datetime, actor: str,
) -> collection_pb2.CreateStrategyVersionResponse:
    validate_strategy(definition)  # refusals before any database work
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> collection_pb2.CreateStrategyVersionResponse:
            # Version numbers per name are taken under a lock on the name.
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('collection.strategy'), hashtext(:n))"),
                {"n": definition.name},
            )
            latest = await conn.scalar(
                select(func.coalesce(func.max(strategy_versions.c.version), 0)).where(
                    strategy_versions.c.name == definition.name
                )
            )
            version_id = uuid.uuid4()
            await conn.execute(
                strategy_versions.insert().values(
                    strategy_version_id=version_id,
                    name=definition.name,
                    version=int(latest or 0) + 1,
                    description=definition.description,
                    pre_due_treatments=[t.value for t in definition.pre_due_treatments],
                    champion=False,
                    challenger=False,
                    challenger_share=None,
                    created_at=now,
                    created_by=actor,
                )
            )
            await conn.execute(
                strategy_risk_segments.insert(),
                [
                    {
                        "strategy_version_id": version_id,
                        "code": s.code,
                        "min_score": s.min_score,
                        "max_score": s.max_score,
                        "min_outstanding_fen": s.min_outstanding_fen,
                        "max_outstanding_fen": s.max_outstanding_fen,
                        "priority": s.priority,
                    }
                    for s in definition.risk_segments
                ],
            )
            await conn.execute(
                strategy_tier_rules.insert(),
                [
                    {
                        "strategy_version_id": version_id,
                        "risk_segment": r.risk_segment,
                        "min_days_past_due": r.min_days_past_due,
                        "max_days_past_due": r.max_days_past_due,
                        "tier": r.tier.value,
                        "treatments": [t.value for t in r.treatments],
                    }
                    for r in definition.tier_rules
                ],
            )
            return collection_pb2.CreateStrategyVersionResponse(
                strategy_version=await strategy_message(conn, version_id)
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=CREATE_METHOD, request=request,
            response_type=collection_pb2.CreateStrategyVersionResponse, effect=effect, now=now,
        )
        await uow.commit()
    return response


async def _lock_roles(conn: AsyncConnection) -> None:
    await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('collection.strategy.roles'))"))


async def _role_of(conn: AsyncConnection, version_id: uuid.UUID):  # noqa: ANN202
    row = (
        await conn.execute(
            select(strategy_versions.c.champion, strategy_versions.c.challenger).where(
                strategy_versions.c.strategy_version_id == version_id
            )
        )
    ).first()
    if row is None:
        raise NotFound("strategy version", str(version_id))
    return row


async def activate(
    engine: AsyncEngine, request_id: str, version_id: uuid.UUID, request: Message, *,
    now: dt.datetime,
) -> collection_pb2.ActivateStrategyVersionResponse:
    """The version becomes champion for new cases; open cases keep their version."""
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> collection_pb2.ActivateStrategyVersionResponse:
            await _lock_roles(conn)
            role = await _role_of(conn, version_id)
            if role.challenger:
                raise FailedPrecondition(
                    Reasons.IS_CHALLENGER, "clear the challenger before making it champion",
                    metadata={"strategy_version_id": str(version_id)},
                )
            await conn.execute(
                update(strategy_versions)
                .where(strategy_versions.c.champion,
                       strategy_versions.c.strategy_version_id != version_id)
                .values(champion=False)
            )
            await conn.execute(
                update(strategy_versions)
                .where(strategy_versions.c.strategy_version_id == version_id)
                .values(champion=True)
            )
            return collection_pb2.ActivateStrategyVersionResponse(
                strategy_version=await strategy_message(conn, version_id)
            )

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=ACTIVATE_METHOD, request=request,
            response_type=collection_pb2.ActivateStrategyVersionResponse, effect=effect, now=now,
        )
        await uow.commit()
    return response


async def set_challenger(
    engine: AsyncEngine, request_id: str, version_id: uuid.UUID | None, share: Decimal | None,
    request: Message, *, now: dt.datetime,
) -> collection_pb2.SetChallengerStrategyResponse:
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> collection_pb2.SetChallengerStrategyResponse:
            await _lock_roles(conn)
            if version_id is not None:
                role = await _role_of(conn, version_id)
                if role.champion:
                    raise FailedPrecondition(
                        Reasons.IS_CHAMPION, "the champion cannot also be the challenger",
                        metadata={"strategy_version_id": str(version_id)},
                    )
                has_champion = await conn.scalar(
                    select(func.count()).where(strategy_versions.c.champion)
                )
                if not has_champion:
                    raise FailedPrecondition(
                        Reasons.NO_CHAMPION, "activate a champion before setting a challenger"
                    )
            await conn.execute(
                update(strategy_versions)
                .where(strategy_versions.c.challenger)
                .values(challenger=False, challenger_share=None)
            )
            response = collection_pb2.SetChallengerStrategyResponse()
            if version_id is not None:
                await conn.execute(
                    update(strategy_versions)
                    .where(strategy_versions.c.strategy_version_id == version_id)
                    .values(challenger=True, challenger_share=share)
                )
                response.strategy_version.CopyFrom(await strategy_message(conn, version_id))
            return response

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=CHALLENGER_METHOD, request=request,
            response_type=collection_pb2.SetChallengerStrategyResponse, effect=effect, now=now,
        )
        await uow.commit()
    return response


async def get_version(engine: AsyncEngine, version_id: uuid.UUID) -> pb.StrategyVersion:
    async with engine.connect() as conn:
        return await strategy_message(conn, version_id)


@dataclass(frozen=True)
class StrategyPageKey:
    created_at: dt.datetime
    strategy_version_id: uuid.UUID


async def list_versions(
    engine: AsyncEngine, name: str | None, *, after: StrategyPageKey | None, page_size: int
) -> tuple[list[pb.StrategyVersion], StrategyPageKey | None]:
    """Newest first."""
    s = strategy_versions
    query = select(s.c.strategy_version_id, s.c.created_at).order_by(
        s.c.created_at.desc(), s.c.strategy_version_id.desc()
    ).limit(page_size + 1)
    if name:
        query = query.where(s.c.name == name)
    if after is not None:
        query = query.where(
            (s.c.created_at < after.created_at)
            | ((s.c.created_at == after.created_at)
               & (s.c.strategy_version_id < after.strategy_version_id))
        )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
        page = rows[:page_size]
        messages = [await strategy_message(conn, r.strategy_version_id) for r in page]
    more = len(rows) > page_size
    return messages, (
        StrategyPageKey(page[-1].created_at, page[-1].strategy_version_id) if more else None
    )
