"""Monitoring's feed while a plan is ACTIVATING (schedule replaced in monitoring, the later steps
still to come), on the real database through restructuring's own handlers and activation
driver: a breach is not lost but breaks the plan when activation completes; a repayment is kept
and counts once the observation period exists; a LoanPaidOff naming no plan does not complete a
plan whose schedule was never replaced."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal

import pytest
from google.protobuf.message import Message
from restructuring_flow import outbox_events
from sqlalchemy.ext.asyncio import AsyncEngine
from test_restructuring_quote_writes import EXTENSION, TODAY, snapshot

from postloan.common.v1 import events_pb2 as common_events
from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import events_pb2 as mon_events
from postloan.restructuring.v1 import events_pb2 as res_events
from postloan_runtime.clock import ManualClock
from postloan_runtime.db import create_engine
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.proto_convert import date_to_proto
from postloan_runtime.unit_of_work import UnitOfWork
from restructuring.adapters.peers import DONE, StepResult
from restructuring.adapters.repository import PlanRepository
from restructuring.domain.plans import (
    AgreementInfo,
    Plan,
    PlanState,
    Quote,
    SignatureEvidence,
    StepType,
)
from restructuring.domain.rules import (
    AuthorityLevel,
    Hardship,
    HardshipReason,
    evaluate_eligibility,
    price_plan,
)
from restructuring.entrypoints.monitoring_events import build_handlers
from restructuring.service_layer import observation as observation_cases
from restructuring.service_layer.activation import advance_activation
from restructuring.service_layer.plans import Context, RestructuringPolicy

pytestmark = pytest.mark.integration

NOW = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 2, tzinfo=dt.UTC)
BREACH_DAYS = 30


@pytest.fixture
async def engine(make_database: Callable[[str], Awaitable[str]]) -> AsyncIterator[AsyncEngine]:
    url = await make_database("restructuring")
    upgrade_head("restructuring", url)
    engine = create_engine(url, pool_size=2)
    yield engine
    await engine.dispose()


class Peers:
    """Monitoring and collection answering every activation call DONE."""

    async def replace_schedule(self, plan: Plan, breach_days_past_due: int) -> StepResult:
        return DONE

    async def pause_case(self, plan: Plan, effective_date: dt.date) -> StepResult:
        return DONE


async def _activating_plan(engine: AsyncEngine, *, schedule_replaced: bool) -> Plan:
    """A signed plan, ACTIVATING; with ``schedule_replaced`` monitoring has applied its schedule
    and collection's PauseCase is being retried."""
    loan_id = f"L-{uuid.uuid4().hex[:8]}"
    loan = snapshot(loan_id)
    pricing = price_plan(loan, EXTENSION, effective_date=TODAY, discount_rate=Decimal("0.1"))
    hardship = Hardship(HardshipReason.UNEMPLOYMENT, "lost job")
    eligibility = evaluate_eligibility(
        loan, EXTENSION, hardship, policy=RestructuringPolicy().eligibility,
        plan_in_progress=False, pricing=pricing, now=NOW, effective_date=TODAY)
    plan = Plan(plan_id=str(uuid.uuid4()), loan_id=loan_id, borrower_id="B-1",
                state=PlanState.REQUESTED, hardship=hardship, requested_terms=EXTENSION,
                eligibility=eligibility, requested_by="maker", requested_at=NOW)
    async with UnitOfWork(engine) as uow:
        repository = PlanRepository(uow.connection)
        await repository.add(plan)
        plan.requote(Quote("q-1", EXTENSION, pricing, AuthorityLevel.TEAM_LEAD, NOW,
                           NOW + dt.timedelta(days=7), quoted_by="maker"), eligibility)
        plan.approve(subject="lead", authority=AuthorityLevel.TEAM_LEAD, quote_id="q-1",
                     reason_codes=(), comment="", now=NOW)
        plan.attach_agreement(AgreementInfo("a-1", "q-1", "t", "text/html", "b" * 64, 10, NOW,
                                            NOW + dt.timedelta(days=3)))
        plan.sign(agreement_id="a-1", now=NOW, evidence=SignatureEvidence(
            "b" * 64, "kyc-1", NOW, "WEB", "op", NOW))
        if schedule_replaced:
            plan.step_done(StepType.SCHEDULE_REPLACED, NOW)
            plan.step_retry(StepType.CASE_PAUSED, "DEPENDENCY_UNAVAILABLE")
        await repository.save(plan, next_attempt_at=NOW)
        await uow.commit()
    return plan


async def _deliver(engine: AsyncEngine, event: Message) -> None:
    """One delivery of a monitoring event to its handler, in its own transaction."""
    handler = build_handlers(BREACH_DAYS)[type(event)]
    async with engine.begin() as conn:
        await handler(conn, common_events.EventEnvelope(), event)


async def _get(engine: AsyncEngine, plan_id: str) -> Plan:
    async with engine.connect() as conn:
        plan = await PlanRepository(conn).get(plan_id)
    assert plan is not None
    return plan


def _context(engine: AsyncEngine, clock: ManualClock) -> Context:
    return Context(engine, clock, None, RestructuringPolicy())  # type: ignore[arg-type]


def _cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


async def test_a_breach_while_activating_breaks_the_plan_once_activation_completes(
    engine: AsyncEngine,
) -> None:
    plan = await _activating_plan(engine, schedule_replaced=True)
    breach_day = TODAY + dt.timedelta(days=40)
    breach = mon_events.ScheduleBreachThresholdCrossed(
        loan_id=plan.loan_id, borrower_id="B-1", plan_id=plan.plan_id,
        business_date=date_to_proto(breach_day), days_past_due=31,
        threshold_days_past_due=BREACH_DAYS, installment_sequence=1,
        overdue_amount=_cny(123_456))
    # Monitoring emits it once per plan; a redelivery changes nothing more.
    await _deliver(engine, breach)
    await _deliver(engine, breach)
    assert (await _get(engine, plan.plan_id)).state is PlanState.ACTIVATING
    assert await outbox_events(engine, "PlanBroken") == []

    # Collection answers at last: the plan activates (the schedule is in force in monitoring)
    # and breaks at once with the breach it missed.
    activation_day = breach_day + dt.timedelta(days=1)
    clock = ManualClock.at_business_date(activation_day)
    state = await advance_activation(_context(engine, clock), plan.plan_id, Peers(), Peers())
    assert state is PlanState.BROKEN
    stored = await _get(engine, plan.plan_id)
    # Broken the day the breach is applied (collection paused the case first), with the
    # breach's figures.
    assert (stored.state, stored.activated_on, stored.ended_on) == (
        PlanState.BROKEN, activation_day, activation_day)
    assert len(await outbox_events(engine, "PlanActivated")) == 1
    broken = [res_events.PlanBroken.FromString(p)
              for p in await outbox_events(engine, "PlanBroken")]
    assert [(b.plan_id, b.days_past_due, b.installment_sequence, b.overdue_amount.minor_units,
             b.business_date) for b in broken] == [
        (plan.plan_id, 31, 1, 123_456, date_to_proto(activation_day))]


async def test_a_repayment_while_activating_counts_once_the_observation_period_exists(
    engine: AsyncEngine,
) -> None:
    plan = await _activating_plan(engine, schedule_replaced=True)
    assert plan.quote is not None
    first = plan.quote.pricing.installments[0]
    # The borrower pays the plan's first installment in full, the day of activation, before
    # the observation period exists (delivered twice: kept once).
    repayment = mon_events.RepaymentPosted(
        repayment_id=f"R-{uuid.uuid4().hex[:8]}", loan_id=plan.loan_id,
        value_date=date_to_proto(TODAY), amount=_cny(first.total_fen))
    await _deliver(engine, repayment)
    await _deliver(engine, repayment)

    clock = ManualClock.at_business_date(TODAY)
    state = await advance_activation(_context(engine, clock), plan.plan_id, Peers(), Peers())
    assert state is PlanState.ACTIVE
    clock = ManualClock.at_business_date(first.due_date + dt.timedelta(days=1))
    period = await observation_cases.get_period(_context(engine, clock), plan.loan_id)
    assert period.consecutive_on_time_periods == 1


async def test_a_payoff_naming_no_plan_does_not_complete_a_plan_not_yet_applied(
    engine: AsyncEngine,
) -> None:
    plan = await _activating_plan(engine, schedule_replaced=False)
    # Paid off on the loan's own schedule (monitoring names no plan): the plan's schedule was
    # never replaced, so it has not completed; ReplaceSchedule will be refused and fail it.
    await _deliver(engine, mon_events.LoanPaidOff(
        loan_id=plan.loan_id, borrower_id="B-1", paid_off_date=date_to_proto(TODAY)))
    assert (await _get(engine, plan.plan_id)).state is PlanState.ACTIVATING
    assert await outbox_events(engine, "PlanCompleted") == []

    # Under the plan's schedule (monitoring names the plan) it does complete, though
    # collection's step is still being retried.
    applied = await _activating_plan(engine, schedule_replaced=True)
    await _deliver(engine, mon_events.LoanPaidOff(
        loan_id=applied.loan_id, borrower_id="B-1", paid_off_date=date_to_proto(TODAY),
        plan_id=applied.plan_id))
    assert (await _get(engine, applied.plan_id)).state is PlanState.COMPLETED
    assert len(await outbox_events(engine, "PlanCompleted")) == 1
