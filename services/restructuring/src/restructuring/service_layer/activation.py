"""Activation across services, driven by a worker from the database (so it survives restarts):
for each ACTIVATING plan whose next attempt is due, in order,

1. monitoring.ReplaceSchedule (keyed by the plan id, at the quote's loan version);
2. collection.PauseCase (keyed by the plan id);
3. the observation period starts and LoanClassificationFloorSet is emitted, the plan becomes
   ACTIVE and PlanActivated is emitted (one local transaction).

A step that cannot reach its peer (or meets an RPC not built yet) is retried with exponential
backoff; its attempts and last error show in GetActivationStatus. A refusal of step 1 (e.g.
LOAN_CHANGED_SINCE_QUOTE) fails the plan: nothing was applied anywhere, collection was never
asked. Step 2 runs only after step 1 is done, so a plan is either fully applied or failed before
anything changed; step 2 is retried even on a refusal (the schedule replacement cannot be undone,
so it must complete) with the refusal's reason recorded for operators.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Protocol

from opentelemetry import trace

from postloan_runtime.unit_of_work import UnitOfWork
from restructuring.adapters import protobuf
from restructuring.adapters.peers import DONE, StepResult
from restructuring.adapters.repository import ObservationRepository, PlanRepository
from restructuring.domain.observation import ObservationPeriod
from restructuring.domain.plans import Plan, PlanState, StepType
from restructuring.service_layer.plans import Context

log = logging.getLogger(__name__)
tracer = trace.get_tracer("restructuring.activation")


class ScheduleReplacer(Protocol):
    async def replace_schedule(self, plan: Plan, breach_days_past_due: int) -> StepResult: ...


class CasePauser(Protocol):
    async def pause_case(self, plan: Plan, effective_date: dt.date) -> StepResult: ...


def backoff_seconds(attempts: int, base: float, maximum: float) -> float:
    """base·2^(attempts−1), at most ``maximum``."""
    return float(min(base * (2 ** max(attempts - 1, 0)), maximum))


async def _call(
    ctx: Context, plan: Plan, step: StepType, monitoring: ScheduleReplacer, collection: CasePauser
) -> StepResult:
    assert plan.quote is not None  # noqa: S101 - signed plans have a quote
    with tracer.start_as_current_span(
        f"restructuring.activation.{step.value.lower()}",
        attributes={"restructuring.plan_id": plan.plan_id, "restructuring.step": step.value},
    ) as span:
        if step is StepType.SCHEDULE_REPLACED:
            result = await monitoring.replace_schedule(plan, ctx.policy.breach_days_past_due)
        elif step is StepType.CASE_PAUSED:
            result = await collection.pause_case(plan, plan.quote.pricing.effective_date)
        else:
            result = DONE
        span.set_attribute("restructuring.step_outcome", result.outcome)
        if result.reason:
            span.set_attribute("restructuring.step_reason", result.reason)
        return result


async def advance_activation(
    ctx: Context, plan_id: str, monitoring: ScheduleReplacer, collection: CasePauser
) -> PlanState | None:
    """Drive one plan's activation as far as it goes now; returns its state afterwards."""
    with tracer.start_as_current_span(
        "restructuring.activation", attributes={"restructuring.plan_id": plan_id}
    ):
        while True:
            async with ctx.engine.connect() as conn:
                plan = await PlanRepository(conn).get(plan_id)
            if plan is None:
                return None
            step = plan.next_step()
            if step is None:
                return plan.state
            result = await _call(ctx, plan, step, monitoring, collection)
            state, again = await _record(ctx, plan_id, step, result)
            if not again:
                return state


async def _record(
    ctx: Context, plan_id: str, step: StepType, result: StepResult
) -> tuple[PlanState | None, bool]:
    """Write a step's outcome; (state, whether to go on with the next step now)."""
    async with UnitOfWork(ctx.engine) as uow:
        repository = PlanRepository(uow.connection)
        plan = await repository.get(plan_id, for_update=True)
        if plan is None or plan.next_step() is not step:
            return (plan.state if plan else None), False  # someone else moved it on
        now = ctx.clock.now()
        again = False
        next_attempt: dt.datetime | None = None
        if result.outcome == "DONE":
            plan.step_done(step, now)
            if step is StepType.CLASSIFICATION_FLOOR_SET:
                today = ctx.clock.today()
                period = ObservationPeriod.start(
                    loan_id=plan.loan_id, borrower_id=plan.borrower_id, plan_id=plan.plan_id,
                    started_on=today, policy=ctx.policy.observation,
                )
                await ObservationRepository(uow.connection).upsert(period)
                breach = plan.activated(today)
                uow.record_event(protobuf.floor_set(period), plan.loan_id)
                uow.record_event(protobuf.plan_activated(plan), plan.loan_id)
                if breach is not None:
                    # Breached while ACTIVATING: broken now, after collection paused the case.
                    assert plan.ended_on is not None  # noqa: S101 - set by activated()
                    uow.record_event(protobuf.plan_broken(
                        plan, on=plan.ended_on, days_past_due=breach.days_past_due,
                        sequence=breach.installment_sequence, overdue_fen=breach.overdue_fen,
                    ), plan.loan_id)
            else:
                next_attempt, again = now, True
        elif result.outcome == "REFUSED" and step is StepType.SCHEDULE_REPLACED:
            plan.activation_failed(step, result.reason)
            uow.record_event(protobuf.plan_activation_failed(plan, now), plan.loan_id)
        else:
            attempts = plan.step_retry(step, result.reason)
            delay = backoff_seconds(
                attempts, ctx.policy.retry_base_seconds, ctx.policy.retry_max_seconds
            )
            next_attempt = now + dt.timedelta(seconds=delay)
            log.info(
                "activation step %s of plan %s will be retried in %.1fs (%s)",
                step.value, plan.plan_id, delay, result.reason,
            )
        await repository.save(plan, next_attempt_at=next_attempt)
        await uow.commit()
        return plan.state, again


async def activate_due_plans(
    ctx: Context, monitoring: ScheduleReplacer, collection: CasePauser, *, batch: int = 20
) -> int:
    """One pass over the plans whose next attempt is due; returns how many were tried."""
    async with ctx.engine.connect() as conn:
        plan_ids = await PlanRepository(conn).due_for_activation(ctx.clock.now(), batch)
    for plan_id in plan_ids:
        await advance_activation(ctx, plan_id, monitoring, collection)
    return len(plan_ids)


async def run_activation_worker(
    ctx: Context, monitoring: ScheduleReplacer, collection: CasePauser,
    *, poll_seconds: float = 1.0,
) -> None:
    """Forever: drive due activations, then sleep ``poll_seconds``."""
    while True:
        try:
            await activate_due_plans(ctx, monitoring, collection)
        except Exception:  # noqa: BLE001 - the worker must outlive a database blip
            log.exception("activation pass failed; retrying")
        await asyncio.sleep(poll_seconds)
