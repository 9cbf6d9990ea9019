"""Plan monitoring from monitoring's event feed (consumer_worker("monitoring", handlers)): each
handler runs inside the consumer's transaction (inbox, position and effect commit together) and
writes restructuring's own events to the outbox in that same transaction.

* ScheduleBreachThresholdCrossed, or DelinquencyChanged on a plan's schedule beyond the breach
  threshold: the ACTIVE plan breaks → PlanBroken (collection reopens and escalates); an
  ACTIVATING plan keeps the breach and breaks when activation completes.
* LoanPaidOff under a plan: the plan completes → PlanCompleted.
* An event naming no plan applies to the loan's ACTIVE plan, or to its ACTIVATING one only once
  monitoring holds the plan's schedule (a payoff on the loan's own schedule completes nothing:
  the plan's ReplaceSchedule will be refused and fail it).
* RepaymentPosted / RepaymentReversed on a loan with an observation period, or with a plan
  ACTIVATING (its period does not exist yet): kept to count on-time plan installments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection

from postloan.common.v1 import events_pb2 as common_events
from postloan.monitoring.v1 import events_pb2 as monitoring_events
from postloan_runtime.events.consumer import Handlers
from postloan_runtime.events.outbox import DomainEventRecord, append_events
from postloan_runtime.proto_convert import date_from_proto
from restructuring.adapters import protobuf
from restructuring.adapters.repository import ObservationRepository, PlanRepository
from restructuring.domain.plans import Breach, Plan, PlanState


async def _plan(conn: AsyncConnection, plan_id: str, loan_id: str) -> Plan | None:
    repository = PlanRepository(conn)
    if plan_id:
        plan = await repository.get(plan_id, for_update=True)
        return plan if plan is not None and plan.loan_id == loan_id else None
    plan = await repository.active_plan_for_loan(loan_id)
    # An event naming no plan is about the loan's own schedule: it concerns an ACTIVATING plan
    # only once monitoring holds the plan's schedule.
    if plan is not None and plan.state is PlanState.ACTIVATING and not plan.schedule_replaced():
        return None
    return plan


async def _break(conn: AsyncConnection, plan: Plan, on: dt.date, dpd: int, sequence: int,
                 overdue_fen: int) -> None:
    if plan.record_breach(Breach(on, dpd, sequence, overdue_fen)):
        await PlanRepository(conn).save(plan)
        if plan.state is PlanState.BROKEN:
            await append_events(conn, [DomainEventRecord(
                protobuf.plan_broken(plan, on=on, days_past_due=dpd, sequence=sequence,
                                     overdue_fen=overdue_fen),
                plan.loan_id,
            )])


def build_handlers(breach_days_past_due: int) -> Handlers:
    async def on_breach(conn: AsyncConnection, envelope: common_events.EventEnvelope,
                        event: Message) -> None:
        assert isinstance(event, monitoring_events.ScheduleBreachThresholdCrossed)  # noqa: S101
        plan = await _plan(conn, event.plan_id, event.loan_id)
        if plan is not None:
            await _break(conn, plan, date_from_proto(event.business_date), event.days_past_due,
                         event.installment_sequence, event.overdue_amount.minor_units)

    async def on_delinquency(conn: AsyncConnection, envelope: common_events.EventEnvelope,
                             event: Message) -> None:
        assert isinstance(event, monitoring_events.DelinquencyChanged)  # noqa: S101
        if not event.plan_id or event.days_past_due <= breach_days_past_due:
            return
        plan = await _plan(conn, event.plan_id, event.loan_id)
        if plan is not None:
            await _break(conn, plan, date_from_proto(event.business_date), event.days_past_due,
                         0, event.overdue.total.minor_units)

    async def on_paid_off(conn: AsyncConnection, envelope: common_events.EventEnvelope,
                          event: Message) -> None:
        assert isinstance(event, monitoring_events.LoanPaidOff)  # noqa: S101
        plan = await _plan(conn, event.plan_id, event.loan_id)
        if plan is None:
            return
        on = date_from_proto(event.paid_off_date)
        if plan.complete(on):
            await PlanRepository(conn).save(plan)
            await append_events(conn, [DomainEventRecord(
                protobuf.plan_completed(plan, on), plan.loan_id)])

    async def on_repayment(conn: AsyncConnection, envelope: common_events.EventEnvelope,
                           event: Message) -> None:
        assert isinstance(event, monitoring_events.RepaymentPosted)  # noqa: S101
        # While a plan is ACTIVATING its schedule may already be in force and its period not
        # yet started: keep the repayment, counted once the period exists.
        if (
            await ObservationRepository(conn).latest_for_loan(event.loan_id) is None
            and not await PlanRepository(conn).has_plan_in_states(
                event.loan_id, (PlanState.ACTIVATING,))
        ):
            return
        await ObservationRepository(conn).record_repayment(
            event.repayment_id, event.loan_id, date_from_proto(event.value_date),
            event.amount.minor_units,
        )

    async def on_reversal(conn: AsyncConnection, envelope: common_events.EventEnvelope,
                          event: Message) -> None:
        repayment_id = getattr(event, "repayment_id", "")
        if repayment_id:
            await ObservationRepository(conn).reverse_repayment(repayment_id)

    handlers: dict[type[Message], Callable] = {
        monitoring_events.ScheduleBreachThresholdCrossed: on_breach,
        monitoring_events.DelinquencyChanged: on_delinquency,
        monitoring_events.LoanPaidOff: on_paid_off,
        monitoring_events.RepaymentPosted: on_repayment,
        monitoring_events.RepaymentReversed: on_reversal,
    }
    return handlers  # type: ignore[return-value]
