"""A plan's life after the offer, through real servers and PostgreSQL: offers that expire
(the expiry worker, a ManualClock moved forward), plans broken or completed by REAL monitoring
events (appended to monitoring's outbox, relayed to its gRPC feed, consumed by restructuring's
own consumer worker), the observation period across a leap year (get, list with pages, lift
refused before the end and allowed after) and ListPlans' pages."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import grpc
import pytest
from restructuring_flow import (
    FRONTEND,
    MAKER,
    RISK,
    approve,
    generate_agreement,
    get_plan,
    outbox_events,
    publish_monitoring_events,
    quoted_plan,
    register_loan,
    request_plan,
    signature_request,
    wait_plan,
)
from restructuring_flow import active_plan as activate

from postloan.common.v1 import classification_pb2, money_pb2
from postloan.monitoring.v1 import events_pb2 as mon_events
from postloan.monitoring.v1 import resources_pb2 as mon
from postloan.restructuring.v1 import events_pb2 as res_events
from postloan.restructuring.v1 import resources_pb2 as res
from postloan.restructuring.v1 import restructuring_pb2 as rpc
from postloan_runtime.clock import ManualClock
from postloan_runtime.grpc_errors import decode_error
from postloan_runtime.proto_convert import date_from_proto, date_to_proto

pytestmark = pytest.mark.integration


def cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


async def refused(call) -> object:  # noqa: ANN001
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    return decode_error(error.value)


# --- offers expire --------------------------------------------------------------------------------


async def test_unapproved_and_unsigned_offers_expire(open_suite_with):  # noqa: ANN001
    clock = ManualClock(dt.datetime.now(dt.UTC).replace(microsecond=0))
    async with open_suite_with(workers=("expiry",), clock=clock) as suite:
        unapproved = await quoted_plan(suite, await register_loan(suite))
        assert unapproved.state == res.PLAN_STATE_PENDING_APPROVAL
        unsigned = await approve(suite, await quoted_plan(suite, await register_loan(suite)))
        agreement = await generate_agreement(suite, unsigned.plan_id)
        signed_at = clock.now()
        # Just before the signature deadline (3 days): nothing expires.
        clock.advance(days=2, hours=23)
        await asyncio.sleep(0.3)
        assert (await get_plan(suite, unsigned.plan_id)).state == res.PLAN_STATE_APPROVED
        assert (await get_plan(suite, unapproved.plan_id)).state == \
            res.PLAN_STATE_PENDING_APPROVAL
        # The signature deadline passes: the unsigned offer expires, the unapproved one not yet.
        clock.advance(hours=1)
        plan = await wait_plan(suite, unsigned.plan_id,
                               lambda p: p.state == res.PLAN_STATE_EXPIRED)
        assert (plan.state, plan.failure_reason) == (res.PLAN_STATE_EXPIRED,
                                                     "SIGNATURE_DEADLINE_PASSED")
        assert (await get_plan(suite, unapproved.plan_id)).state == \
            res.PLAN_STATE_PENDING_APPROVAL
        # A signature after the deadline is refused and writes nothing.
        before = await suite.counts()
        error = await refused(suite.plans.RecordSignature(
            signature_request(unsigned.plan_id, agreement, signed_at),
            metadata=suite.as_role(*FRONTEND)))
        assert error.code is grpc.StatusCode.FAILED_PRECONDITION
        assert await suite.counts() == before
        # The quote's 7 days pass: the unapproved offer expires too.
        clock.advance(days=4, minutes=1)
        plan = await wait_plan(suite, unapproved.plan_id,
                               lambda p: p.state == res.PLAN_STATE_EXPIRED)
        assert (plan.state, plan.failure_reason) == (res.PLAN_STATE_EXPIRED, "QUOTE_EXPIRED")
        error = await refused(suite.plans.ApprovePlan(
            rpc.ApprovePlanRequest(request_id=str(uuid.uuid4()), plan_id=unapproved.plan_id,
                                   quote_id=unapproved.quote.quote_id),
            metadata=suite.as_role(*RISK, subject="lead")))
        assert error.code is grpc.StatusCode.FAILED_PRECONDITION
        expired = [res_events.PlanExpired.FromString(p)
                   for p in await outbox_events(suite.engine, "PlanExpired")]
        assert [(e.plan_id, e.reason) for e in expired] == [
            (unsigned.plan_id, "SIGNATURE_DEADLINE_PASSED"),
            (unapproved.plan_id, "QUOTE_EXPIRED"),
        ]
        # Another pass changes nothing: each offer expires once.
        await asyncio.sleep(0.3)
        assert len(await outbox_events(suite.engine, "PlanExpired")) == 2


# --- plan monitoring from monitoring's feed -------------------------------------------------------


async def test_monitoring_events_break_and_complete_active_plans(open_suite_with):  # noqa: ANN001
    async with open_suite_with(workers=("activation", "consumer"), with_collection=True) as suite:
        breached = await activate(suite)
        delinquent = await activate(suite)
        paid = await activate(suite)
        today = dt.date.today()

        def delinquency(plan, days_past_due: int) -> mon_events.DelinquencyChanged:  # noqa: ANN001
            return mon_events.DelinquencyChanged(
                loan_id=plan.loan_id, borrower_id=plan.borrower_id,
                business_date=date_to_proto(today), from_bucket="M1", to_bucket="M2",
                days_past_due=days_past_due, plan_id=plan.plan_id,
                overdue=mon.ComponentAmounts(total=cny(55_000)),
            )

        await publish_monitoring_events(suite, [
            # At the threshold (30 days), not beyond it: the plan holds.
            (delinquency(delinquent, 30), delinquent.loan_id),
            (mon_events.ScheduleBreachThresholdCrossed(
                loan_id=breached.loan_id, borrower_id=breached.borrower_id,
                plan_id=breached.plan_id, business_date=date_to_proto(today), days_past_due=30,
                threshold_days_past_due=30, installment_sequence=2,
                overdue_amount=cny(108_000)), breached.loan_id),
            (mon_events.LoanPaidOff(
                loan_id=paid.loan_id, borrower_id=paid.borrower_id,
                paid_off_date=date_to_proto(today), total_repaid=cny(1_260_000),
                plan_id=paid.plan_id), paid.loan_id),
        ])
        plan = await wait_plan(suite, paid.plan_id, lambda p: p.state != res.PLAN_STATE_ACTIVE)
        assert plan.state == res.PLAN_STATE_COMPLETED
        assert (await get_plan(suite, breached.plan_id)).state == res.PLAN_STATE_BROKEN
        assert (await get_plan(suite, delinquent.plan_id)).state == res.PLAN_STATE_ACTIVE
        # One day more: beyond the threshold, the plan breaks.
        await publish_monitoring_events(suite, [(delinquency(delinquent, 31), delinquent.loan_id)])
        plan = await wait_plan(suite, delinquent.plan_id,
                               lambda p: p.state != res.PLAN_STATE_ACTIVE)
        assert plan.state == res.PLAN_STATE_BROKEN
        broken = [res_events.PlanBroken.FromString(p)
                  for p in await outbox_events(suite.engine, "PlanBroken")]
        assert [(b.plan_id, b.days_past_due, b.installment_sequence, b.overdue_amount.minor_units)
                for b in broken] == [(breached.plan_id, 30, 2, 108_000),
                                     (delinquent.plan_id, 31, 0, 55_000)]
        completed = [res_events.PlanCompleted.FromString(p)
                     for p in await outbox_events(suite.engine, "PlanCompleted")]
        assert [(c.plan_id, date_from_proto(c.business_date)) for c in completed] == \
            [(paid.plan_id, today)]
        # Redelivered or repeated events change nothing more (a broken plan stays broken once).
        await publish_monitoring_events(suite, [(delinquency(breached, 45), breached.loan_id)])
        await asyncio.sleep(0.5)
        assert len(await outbox_events(suite.engine, "PlanBroken")) == 2


# --- observation period across a leap year ------------------------------------------------------


async def test_observation_period_across_a_leap_year(open_suite_with):  # noqa: ANN001
    clock = ManualClock.at_business_date(dt.date(2024, 2, 29))
    async with open_suite_with(workers=("activation", "consumer"), with_collection=True,
                               clock=clock) as suite:
        plans = [await activate(suite, await register_loan(suite, disbursed=dt.date(2024, 2, 20)))
                 for _ in range(3)]
        first = plans[0]
        reader = suite.as_role(*MAKER)
        period = (await suite.observation.GetObservationPeriod(
            rpc.GetObservationPeriodRequest(loan_id=first.loan_id), metadata=reader
        )).observation_period
        assert period.plan_id == first.plan_id
        assert period.floor == classification_pb2.LOAN_CLASSIFICATION_SUBSTANDARD
        assert date_from_proto(period.started_on) == dt.date(2024, 2, 29)
        assert date_from_proto(period.earliest_end_on) == dt.date(2025, 2, 28)  # clamped
        assert (period.required_consecutive_periods, period.state) == (
            2, res.OBSERVATION_STATE_IN_OBSERVATION)
        floors = [res_events.LoanClassificationFloorSet.FromString(p)
                  for p in await outbox_events(suite.engine, "LoanClassificationFloorSet")]
        assert sorted(f.plan_id for f in floors) == sorted(p.plan_id for p in plans)
        assert {(date_from_proto(f.started_on), date_from_proto(f.earliest_end_on), f.floor)
                for f in floors} == {(dt.date(2024, 2, 29), dt.date(2025, 2, 28),
                                      classification_pb2.LOAN_CLASSIFICATION_SUBSTANDARD)}

        # Listing in pages of 2: every period once, oldest first (then by plan id).
        seen, token, pages = [], "", 0
        while True:
            page = await suite.observation.ListObservationPeriods(
                rpc.ListObservationPeriodsRequest(
                    states=[res.OBSERVATION_STATE_IN_OBSERVATION], page_size=2,
                    page_token=token),
                metadata=reader)
            seen += [p.plan_id for p in page.observation_periods]
            pages += 1
            token = page.next_page_token
            if not token:
                break
        assert (pages, seen) == (2, sorted(p.plan_id for p in plans))
        error = await refused(suite.observation.ListObservationPeriods(
            rpc.ListObservationPeriodsRequest(page_size=2, page_token="not-a-token"),
            metadata=reader))
        assert error.code is grpc.StatusCode.INVALID_ARGUMENT

        def lift() -> object:
            return suite.observation.LiftClassificationFloor(
                rpc.LiftClassificationFloorRequest(request_id=str(uuid.uuid4()),
                                                   loan_id=first.loan_id),
                metadata=suite.as_role(*RISK, subject="risk"))

        error = await refused(lift())
        assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                              "OBSERVATION_PERIOD_NOT_ENDED")
        # The borrower pays every plan installment on its due date (monitoring's events).
        installments = list(first.quote.installments)
        await publish_monitoring_events(suite, [
            (mon_events.RepaymentPosted(
                repayment_id=str(uuid.uuid4()), loan_id=first.loan_id,
                borrower_id=first.borrower_id, amount=i.total,
                value_date=i.due_date, channel=mon.REPAYMENT_CHANNEL_APP), first.loan_id)
            for i in installments
        ])
        last_due = date_from_proto(installments[-1].due_date)
        assert last_due < dt.date(2025, 2, 28)
        # Paid on time throughout, but one day before the clamped end: still refused.
        clock.set_business_date(dt.date(2025, 2, 27))
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            period = (await suite.observation.GetObservationPeriod(
                rpc.GetObservationPeriodRequest(loan_id=first.loan_id), metadata=reader
            )).observation_period
            if (period.consecutive_on_time_periods == len(installments)
                    or asyncio.get_running_loop().time() > deadline):
                break
            await asyncio.sleep(0.05)
        assert period.consecutive_on_time_periods == len(installments)
        assert period.state == res.OBSERVATION_STATE_IN_OBSERVATION
        before = await suite.counts()
        error = await refused(lift())
        assert error.reason == "OBSERVATION_PERIOD_NOT_ENDED"
        assert error.metadata["earliest_end_on"] == "2025-02-28"
        assert await suite.counts() == before
        # On 2025-02-28 (2024-02-29 + 12 months) the floor may be lifted.
        clock.set_business_date(dt.date(2025, 2, 28))
        period = (await suite.observation.GetObservationPeriod(
            rpc.GetObservationPeriodRequest(loan_id=first.loan_id), metadata=reader
        )).observation_period
        assert period.state == res.OBSERVATION_STATE_ELIGIBLE_FOR_UPGRADE
        # A collector cannot lift it; a risk manager can.
        error = await refused(suite.observation.LiftClassificationFloor(
            rpc.LiftClassificationFloorRequest(request_id=str(uuid.uuid4()),
                                               loan_id=first.loan_id),
            metadata=suite.as_role(*MAKER)))
        assert error.code is grpc.StatusCode.PERMISSION_DENIED
        lifted = (await lift()).observation_period
        assert (lifted.state, date_from_proto(lifted.ended_on)) == (
            res.OBSERVATION_STATE_ENDED, dt.date(2025, 2, 28))
        events = [res_events.LoanClassificationFloorLifted.FromString(p)
                  for p in await outbox_events(suite.engine, "LoanClassificationFloorLifted")]
        assert [(e.plan_id, date_from_proto(e.lifted_on)) for e in events] == [
            (first.plan_id, dt.date(2025, 2, 28))]
        error = await refused(lift())
        assert error.reason == "NO_FLOOR"
        # The other two loans' periods are unaffected (nothing was paid on them).
        other = (await suite.observation.GetObservationPeriod(
            rpc.GetObservationPeriodRequest(loan_id=plans[1].loan_id), metadata=reader
        )).observation_period
        assert (other.state, other.consecutive_on_time_periods) == (
            res.OBSERVATION_STATE_IN_OBSERVATION, 0)


# --- ListPlans pages ------------------------------------------------------------------------------


async def test_list_plans_pages_newest_first_with_filters(suite):  # noqa: ANN001
    loans = [await register_loan(suite) for _ in range(3)]
    requested = [await request_plan(suite, loan_id) for loan_id in loans]
    reader = suite.as_role(*MAKER)
    seen, token, pages = [], "", 0
    while True:
        page = await suite.plans.ListPlans(
            rpc.ListPlansRequest(states=[res.PLAN_STATE_REQUESTED], page_size=2,
                                 page_token=token), metadata=reader)
        seen += [p.plan_id for p in page.plans]
        pages += 1
        token = page.next_page_token
        if not token:
            break
    assert pages == 2
    assert seen == [p.plan_id for p in reversed(requested)]  # newest first, each once
    one = await suite.plans.ListPlans(rpc.ListPlansRequest(loan_id=loans[1]), metadata=reader)
    assert [p.plan_id for p in one.plans] == [requested[1].plan_id]
    assert one.next_page_token == ""
    # A token belongs to the listing with its filters.
    first = await suite.plans.ListPlans(rpc.ListPlansRequest(page_size=1), metadata=reader)
    error = await refused(suite.plans.ListPlans(
        rpc.ListPlansRequest(page_size=1, loan_id=loans[0], page_token=first.next_page_token),
        metadata=reader))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert "page_token" in error.fields
    none = await suite.plans.ListPlans(
        rpc.ListPlansRequest(states=[res.PLAN_STATE_ACTIVE]), metadata=reader)
    assert list(none.plans) == []
