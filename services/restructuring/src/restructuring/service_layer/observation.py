"""Observation periods of restructured loans: reads (on-time periods recounted as of today from
the plan's schedule and the repayments seen on monitoring's feed) and lifting the floor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection

from postloan.restructuring.v1 import restructuring_pb2
from postloan_runtime.errors import NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.unit_of_work import UnitOfWork
from restructuring.adapters import protobuf
from restructuring.adapters.repository import ObservationRepository, PlanRepository
from restructuring.domain.observation import (
    DueAmount,
    ObservationPeriod,
    ObservationState,
    consecutive_on_time_periods,
)
from restructuring.service_layer.plans import Context

METHOD_LIFT = "/postloan.restructuring.v1.ObservationService/LiftClassificationFloor"


async def refresh_period(
    conn: AsyncConnection, period: ObservationPeriod, today: dt.date
) -> ObservationPeriod:
    """Recount the period's consecutive on-time plan installments as of ``today``."""
    plan = await PlanRepository(conn).get(period.plan_id)
    if plan is None or plan.quote is None:
        return period
    schedule = [DueAmount(i.due_date, i.total_fen) for i in plan.quote.pricing.installments]
    repayments = await ObservationRepository(conn).repayments(period.loan_id, period.started_on)
    period.refresh(consecutive_on_time_periods(schedule, repayments, today), today)
    return period


async def get_period(ctx: Context, loan_id: str) -> ObservationPeriod:
    async with ctx.engine.connect() as conn:
        period = await ObservationRepository(conn).latest_for_loan(loan_id)
        if period is None:
            raise NotFound("observation_period", loan_id)
        return await refresh_period(conn, period, ctx.clock.today())


_OPEN_STATES = (ObservationState.IN_OBSERVATION, ObservationState.ELIGIBLE_FOR_UPGRADE)


async def list_periods(
    ctx: Context, states: Sequence[ObservationState], *, after: tuple[dt.date, str] | None,
    page_size: int,
) -> tuple[list[ObservationPeriod], bool]:
    """Periods as of today, like get_period: each recounted before the state filter applies
    (the stored state is only as fresh as the last write; time alone can make a period
    eligible). Recounting never ends a period nor reopens an ended one, so the stored state
    narrows the scan to ENDED or to the open states."""
    today = ctx.clock.today()
    wanted = set(states)
    stored: list[ObservationState] = []
    if wanted:
        if ObservationState.ENDED in wanted:
            stored.append(ObservationState.ENDED)
        if wanted.intersection(_OPEN_STATES):
            stored.extend(_OPEN_STATES)
    found: list[ObservationPeriod] = []
    cursor = after
    async with ctx.engine.connect() as conn:
        repository = ObservationRepository(conn)
        while len(found) <= page_size:
            batch = await repository.list_page(stored, after=cursor, limit=page_size + 1)
            for period in batch:
                if period.state is not ObservationState.ENDED:
                    await refresh_period(conn, period, today)
                if not wanted or period.state in wanted:
                    found.append(period)
                    if len(found) > page_size:
                        break
            if len(batch) <= page_size:
                break
            cursor = (batch[-1].started_on, batch[-1].plan_id)
    return found[:page_size], len(found) > page_size


async def lift_floor(
    ctx: Context, request_id: str, loan_id: str, request: Message
) -> restructuring_pb2.LiftClassificationFloorResponse:
    """Lift the floor once the period is over by time and on-time periods and the loan is
    current (days past due read from monitoring before the transaction)."""
    loan = await ctx.loans.read_loan(loan_id)
    async with UnitOfWork(ctx.engine) as uow:

        async def effect() -> restructuring_pb2.LiftClassificationFloorResponse:
            repository = ObservationRepository(uow.connection)
            period = await repository.latest_for_loan(loan_id, for_update=True)
            if period is None:
                from postloan_runtime.errors import FailedPrecondition
                from restructuring.domain.rules import Reasons

                raise FailedPrecondition(Reasons.NO_FLOOR, "the loan has no classification floor")
            today = ctx.clock.today()
            await refresh_period(uow.connection, period, today)
            period.lift(today, days_past_due=loan.days_past_due)
            await repository.upsert(period)
            uow.record_event(protobuf.floor_lifted(period), period.loan_id)
            return restructuring_pb2.LiftClassificationFloorResponse(
                observation_period=protobuf.observation_to_proto(period)
            )

        response = await run_idempotent_in_transaction(
            uow.connection, request_id=request_id, method=METHOD_LIFT, request=request,
            response_type=restructuring_pb2.LiftClassificationFloorResponse, effect=effect,
            now=ctx.clock.now(),
        )
        await uow.commit()
    return response
