"""Regressions on the real database and APIs: a retried RequestRestructuring / QuotePlan gets
its stored answer though the loan changed or monitoring is down; a waiver of interest due on the
quote day is refused at the quote, not at activation; a checker who quoted terms of their own
cannot approve them; offer expiry is not starved by plans
still running and expires requests never quoted; ListObservationPeriods answers as of today."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal

import grpc
import pytest
from restructuring_flow import (
    FRONTEND,
    HARDSHIP,
    MAKER,
    RATE_CUT,
    TEAM_LEAD,
    cny,
    register_loan,
    sign,
    wait_for,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from test_restructuring_quote_writes import EXTENSION, snapshot

from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc
from postloan.monitoring.v1 import resources_pb2 as mon
from postloan.restructuring.v1 import resources_pb2 as res
from postloan.restructuring.v1 import restructuring_pb2 as rpc
from postloan_runtime.clock import ManualClock
from postloan_runtime.db import create_engine
from postloan_runtime.grpc_errors import decode_error
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.unit_of_work import UnitOfWork
from restructuring.adapters.repository import ObservationRepository, PlanRepository
from restructuring.domain.observation import ObservationPeriod, ObservationPolicy, ObservationState
from restructuring.domain.plans import Plan, PlanState, Quote
from restructuring.domain.rules import (
    AuthorityLevel,
    Hardship,
    HardshipReason,
    evaluate_eligibility,
    price_plan,
)
from restructuring.service_layer import observation as observation_cases
from restructuring.service_layer.plans import Context, RestructuringPolicy, expire_offers

pytestmark = pytest.mark.integration


async def _pay(suite, loan_id: str, fen: int, clock: ManualClock) -> None:  # noqa: ANN001
    request = monitoring_pb2.PostRepaymentRequest(
        request_id=str(uuid.uuid4()), loan_id=loan_id, amount=cny(fen),
        channel=mon.REPAYMENT_CHANNEL_APP, external_transaction_id=f"tx-{uuid.uuid4().hex[:8]}")
    request.paid_at.FromDatetime((clock.now() - dt.timedelta(minutes=5)).replace(tzinfo=None))
    await monitoring_pb2_grpc.RepaymentServiceStub(suite.monitoring_channel).PostRepayment(
        request, metadata=suite.as_role(*FRONTEND))


async def _loan(suite, loan_id: str) -> monitoring_pb2.GetLoanResponse:  # noqa: ANN001
    return await suite.loans.GetLoan(
        monitoring_pb2.GetLoanRequest(loan_id=loan_id, include_schedule=True),
        metadata=suite.as_role(*FRONTEND))


async def test_retries_get_the_stored_answer_after_the_loan_changed_or_monitoring_is_down(
    open_suite_with,  # noqa: ANN001
) -> None:
    clock = ManualClock.at_business_date(dt.date(2025, 2, 20))
    async with open_suite_with(workers=(), clock=clock) as suite:
        loan_id = await register_loan(suite, disbursed=dt.date(2024, 12, 10))
        await _pay(suite, loan_id, 1, clock)  # brings the loan's status up to date
        waiver = (await _loan(suite, loan_id)).loan.status.overdue.interest.minor_units
        assert waiver > 0
        meta = suite.as_role(*MAKER, subject="maker")
        request = rpc.RequestRestructuringRequest(
            request_id=str(uuid.uuid4()), loan_id=loan_id, hardship=HARDSHIP,
            terms=res.PlanTerms(plan_types=[res.PLAN_TYPE_WAIVER], interest_waiver=cny(waiver)))
        requested = await suite.plans.RequestRestructuring(request, metadata=meta)
        quote = rpc.QuotePlanRequest(request_id=str(uuid.uuid4()),
                                     plan_id=requested.plan.plan_id)
        quoted = await suite.plans.QuotePlan(quote, metadata=meta)

        # The borrower pays part of the arrears: the waiver is now above the overdue interest,
        # so a new assessment would refuse it; the retries still get the first answers.
        await _pay(suite, loan_id, 20_000, clock)
        assert (await _loan(suite, loan_id)).loan.status.overdue.interest.minor_units < waiver
        assert await suite.plans.RequestRestructuring(request, metadata=meta) == requested
        assert await suite.plans.QuotePlan(quote, metadata=meta) == quoted

        # Monitoring down: the same.
        await suite.stop_monitoring()
        assert await suite.plans.RequestRestructuring(request, metadata=meta) == requested
        assert await suite.plans.QuotePlan(quote, metadata=meta) == quoted
        # A new request still needs monitoring.
        fresh = rpc.RequestRestructuringRequest()
        fresh.CopyFrom(request)
        fresh.request_id = str(uuid.uuid4())
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await suite.plans.RequestRestructuring(fresh, metadata=meta)
        assert error.value.code() is grpc.StatusCode.UNAVAILABLE


async def test_a_waiver_of_interest_due_on_the_quote_day_is_refused_before_activation(
    open_suite_with,  # noqa: ANN001
) -> None:
    # 2025-02-15 is a due date: monitoring counts February's interest as overdue, but its
    # ReplaceSchedule on that day accepts a waiver only of interest due before it.
    clock = ManualClock.at_business_date(dt.date(2025, 2, 15))
    async with open_suite_with(workers=("activation",), clock=clock) as suite:
        loan_id = await register_loan(suite, disbursed=dt.date(2024, 12, 10))
        await _pay(suite, loan_id, 100, clock)
        loan = await _loan(suite, loan_id)
        overdue_interest = loan.loan.status.overdue.interest.minor_units
        before_today = sum(
            i.interest_due.minor_units - i.interest_paid.minor_units
            for i in loan.installments
            if (i.due_date.year, i.due_date.month, i.due_date.day) < (2025, 2, 15)
        )
        assert 0 < before_today < overdue_interest
        meta = suite.as_role(*MAKER, subject="maker")

        def request(waiver: int) -> rpc.RequestRestructuringRequest:
            return rpc.RequestRestructuringRequest(
                request_id=str(uuid.uuid4()), loan_id=loan_id, hardship=HARDSHIP,
                terms=res.PlanTerms(plan_types=[res.PLAN_TYPE_WAIVER],
                                    interest_waiver=cny(waiver)))

        with pytest.raises(grpc.aio.AioRpcError) as error:
            await suite.plans.RequestRestructuring(request(overdue_interest), metadata=meta)
        details = decode_error(error.value)
        assert details.code is grpc.StatusCode.FAILED_PRECONDITION
        assert details.reason == "WAIVER_EXCEEDS_OUTSTANDING"

        # What the quote accepts, monitoring applies.
        plan = (await suite.plans.RequestRestructuring(request(before_today),
                                                       metadata=meta)).plan
        plan = (await suite.plans.QuotePlan(
            rpc.QuotePlanRequest(request_id=str(uuid.uuid4()), plan_id=plan.plan_id),
            metadata=meta)).plan
        plan = (await suite.plans.ApprovePlan(
            rpc.ApprovePlanRequest(request_id=str(uuid.uuid4()), plan_id=plan.plan_id,
                                   quote_id=plan.quote.quote_id),
            metadata=suite.as_role(*TEAM_LEAD, subject="lead"))).plan
        await sign(suite, plan.plan_id)
        answer = await wait_for(
            suite, plan.plan_id,
            lambda s: s.state != res.PLAN_STATE_ACTIVATING or s.steps[0].attempts > 0,
            timeout=15,
        )
        assert answer.state != res.PLAN_STATE_ACTIVATION_FAILED, answer.failure_reason
        assert answer.steps[0].state == res.ACTIVATION_STEP_STATE_DONE


# --- database-level: offer expiry and observation listings ------------------------------------


@pytest.fixture
async def engine(make_database: Callable[[str], Awaitable[str]]) -> AsyncIterator[AsyncEngine]:
    url = await make_database("restructuring")
    upgrade_head("restructuring", url)
    engine = create_engine(url, pool_size=2)
    yield engine
    await engine.dispose()


TODAY = dt.date(2025, 1, 20)
HARDSHIP_DOMAIN = Hardship(HardshipReason.UNEMPLOYMENT, "lost job")


def _plan(loan_id: str, requested_at: dt.datetime,
          expires_at: dt.datetime | None = None) -> tuple[Plan, Quote]:
    loan = snapshot(loan_id)
    pricing = price_plan(loan, EXTENSION, effective_date=TODAY, discount_rate=Decimal("0.1"))
    eligibility = evaluate_eligibility(
        loan, EXTENSION, HARDSHIP_DOMAIN, policy=RestructuringPolicy().eligibility,
        plan_in_progress=False, pricing=pricing, now=requested_at, effective_date=TODAY)
    plan = Plan(plan_id=str(uuid.uuid4()), loan_id=loan_id, borrower_id="B-1",
                state=PlanState.REQUESTED, hardship=HARDSHIP_DOMAIN, requested_terms=EXTENSION,
                eligibility=eligibility, requested_by="maker", requested_at=requested_at)
    quote = Quote(str(uuid.uuid4()), EXTENSION, pricing, AuthorityLevel.TEAM_LEAD, requested_at,
                  expires_at or requested_at + dt.timedelta(days=7), quoted_by="maker")
    return plan, quote




async def test_expiry_is_not_starved_by_older_plans_still_running(engine: AsyncEngine) -> None:
    now = dt.datetime(2025, 3, 20, 9, tzinfo=dt.UTC)
    async with UnitOfWork(engine) as uow:
        repository = PlanRepository(uow.connection)
        # 100 older plans quoted again recently (not expired) ...
        for i in range(100):
            plan, quote = _plan(f"L-{i}", now - dt.timedelta(days=10, minutes=100 - i),
                                expires_at=now + dt.timedelta(days=1))
            await repository.add(plan)
            plan.requote(quote, plan.eligibility)
            await repository.save(plan)
        # ... and a newer one whose quote expired.
        plan, quote = _plan("L-late", now - dt.timedelta(days=9),
                            expires_at=now - dt.timedelta(days=2))
        await repository.add(plan)
        plan.requote(quote, plan.eligibility)
        await repository.save(plan)
        await uow.commit()
    ctx = Context(engine, ManualClock(now), None, RestructuringPolicy())  # type: ignore[arg-type]
    assert await expire_offers(ctx) == 1
    async with engine.connect() as conn:
        stored = await PlanRepository(conn).get(plan.plan_id)
    assert stored is not None and stored.state is PlanState.EXPIRED
    assert stored.failure_reason == "QUOTE_EXPIRED"


async def test_a_request_never_quoted_expires_after_the_configured_age(
    engine: AsyncEngine,
) -> None:
    now = dt.datetime(2025, 3, 20, 9, tzinfo=dt.UTC)
    old, _ = _plan("L-old", now - dt.timedelta(days=3, seconds=1))
    young, _ = _plan("L-young", now - dt.timedelta(days=2))
    async with UnitOfWork(engine) as uow:
        await PlanRepository(uow.connection).add(old)
        await PlanRepository(uow.connection).add(young)
        await uow.commit()
    policy = RestructuringPolicy(unquoted_request_max_age=dt.timedelta(days=3))
    ctx = Context(engine, ManualClock(now), None, policy)  # type: ignore[arg-type]
    assert await expire_offers(ctx) == 1
    async with engine.connect() as conn:
        expired = await PlanRepository(conn).get(old.plan_id)
        waiting = await PlanRepository(conn).get(young.plan_id)
    assert expired is not None and expired.state is PlanState.EXPIRED
    assert expired.failure_reason == "REQUEST_NOT_QUOTED"
    assert waiting is not None and waiting.state is PlanState.REQUESTED


async def test_observation_periods_are_listed_and_filtered_as_of_today(
    engine: AsyncEngine,
) -> None:
    plan, quote = _plan("L-obs", dt.datetime(2025, 1, 20, tzinfo=dt.UTC))
    started = dt.date(2025, 1, 20)
    async with UnitOfWork(engine) as uow:
        await PlanRepository(uow.connection).add(plan)
        plan.requote(quote, plan.eligibility)
        await PlanRepository(uow.connection).save(plan)
        period = ObservationPeriod.start(loan_id=plan.loan_id, borrower_id="B-1",
                                         plan_id=plan.plan_id, started_on=started,
                                         policy=ObservationPolicy())
        observations = ObservationRepository(uow.connection)
        await observations.upsert(period)
        for k, installment in enumerate(quote.pricing.installments):
            await observations.record_repayment(f"r-{k}", plan.loan_id, installment.due_date,
                                                installment.total_fen)
        await uow.commit()
    # More than a year on, every installment paid on its due date: eligible, though the
    # stored row still says IN_OBSERVATION with no on-time periods.
    clock = ManualClock.at_business_date(dt.date(2026, 2, 20))
    ctx = Context(engine, clock, None, RestructuringPolicy())  # type: ignore[arg-type]
    current = await observation_cases.get_period(ctx, plan.loan_id)
    assert current.state is ObservationState.ELIGIBLE_FOR_UPGRADE
    listed, more = await observation_cases.list_periods(ctx, [], after=None, page_size=10)
    assert [(p.state, p.consecutive_on_time_periods) for p in listed] == [
        (current.state, current.consecutive_on_time_periods)]
    assert not more
    eligible, _ = await observation_cases.list_periods(
        ctx, [ObservationState.ELIGIBLE_FOR_UPGRADE], after=None, page_size=10)
    assert [p.plan_id for p in eligible] == [plan.plan_id]
    in_observation, _ = await observation_cases.list_periods(
        ctx, [ObservationState.IN_OBSERVATION], after=None, page_size=10)
    assert in_observation == []


async def test_a_checker_who_quoted_new_terms_cannot_approve_them(suite) -> None:  # noqa: ANN001
    loan_id = await register_loan(suite)
    plan = (await suite.plans.RequestRestructuring(
        rpc.RequestRestructuringRequest(request_id=str(uuid.uuid4()), loan_id=loan_id,
                                        hardship=HARDSHIP, terms=RATE_CUT),
        metadata=suite.as_role(*MAKER, subject="maker"))).plan
    lead = suite.as_role(*TEAM_LEAD, subject="lead")
    # The checker holds restructuring.quotes.create and quotes terms of their own ...
    own = res.PlanTerms(plan_types=[res.PLAN_TYPE_RATE_REDUCTION],
                        new_annual_rate=money_pb2.DecimalValue(value="0.1000"))
    plan = (await suite.plans.QuotePlan(
        rpc.QuotePlanRequest(request_id=str(uuid.uuid4()), plan_id=plan.plan_id, terms=own),
        metadata=lead)).plan
    assert plan.state == res.PLAN_STATE_PENDING_APPROVAL

    def approval() -> rpc.ApprovePlanRequest:
        return rpc.ApprovePlanRequest(request_id=str(uuid.uuid4()), plan_id=plan.plan_id,
                                      quote_id=plan.quote.quote_id)

    # ... and cannot approve them.
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await suite.plans.ApprovePlan(approval(), metadata=lead)
    details = decode_error(error.value)
    assert details.code is grpc.StatusCode.FAILED_PRECONDITION
    assert details.reason == "APPROVER_IS_REQUESTER"
    approved = (await suite.plans.ApprovePlan(
        approval(), metadata=suite.as_role(*TEAM_LEAD, subject="lead-2"))).plan
    assert approved.state == res.PLAN_STATE_APPROVED
