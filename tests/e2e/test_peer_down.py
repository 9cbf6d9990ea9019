"""A service whose peer is down answers UNAVAILABLE at once instead of hanging, and the same
request (same request_id) succeeds once the peer is back; a consumer whose producer was killed
catches up when it returns (issue 7, item 4). Peers are SIGKILLed and restarted on the shared
e2e suite."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import pytest
from feed_checks import Databases, feed_problems
from story_support import (
    FAST_RECONNECT,
    Clients,
    clients_of,
    consent_request,
    eventually,
    new_id,
)

from postloan.common.v1 import money_pb2
from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import resources_pb2 as cir
from postloan.monitoring.v1 import monitoring_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as monr
from postloan.restructuring.v1 import resources_pb2 as res
from postloan.restructuring.v1 import restructuring_pb2 as rst
from postloan_runtime.proto_convert import date_to_proto
from postloan_runtime.suite import Suite
from postloan_simulators.bureau.resident_id import make_resident_id

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

QUICKLY = 2.0  # seconds: an answer, not a hang


@pytest.fixture
async def clients(suite: Suite) -> AsyncIterator[Clients]:
    async with clients_of(suite, FAST_RECONNECT) as opened:
        yield opened


async def timed_refusal(call: Awaitable[Any]) -> tuple[grpc.StatusCode, float]:
    started = time.monotonic()
    try:
        answer = await call
    except grpc.aio.AioRpcError as error:
        return error.code(), time.monotonic() - started
    raise AssertionError(f"expected an error while the peer is down, got {answer}")


async def once_back(call: Callable[[], Awaitable[Any]], timeout: float = 30) -> Any:
    """``call()`` (the same request each time) until it stops answering UNAVAILABLE."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await call()
        except grpc.aio.AioRpcError as error:
            if error.code() is not grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.2)


async def register_loan(c: Clients) -> str:
    disbursed = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=20)
    loan_id = f"L-peer-{uuid.uuid4().hex[:12]}"
    await c.loans.RegisterLoan(mon.RegisterLoanRequest(
        request_id=new_id(), loan_id=loan_id, borrower_id=f"B-peer-{uuid.uuid4().hex[:12]}",
        terms=monr.LoanTerms(
            product_code="CASH-12M", principal=money_pb2.Money(currency_code="CNY",
                                                               minor_units=600_000),
            annual_rate=money_pb2.DecimalValue(value="0.1200"), term_periods=6,
            repayment_method=monr.REPAYMENT_METHOD_EQUAL_PRINCIPAL,
            disbursement_date=date_to_proto(disbursed), due_day=min(disbursed.day, 28),
            grace_days=3, penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
            prepayment_rule=monr.PREPAYMENT_RULE_SHORTEN_TERM)),
        metadata=c.person("lending_frontend"))
    return loan_id


async def test_restructuring_answers_unavailable_at_once_while_monitoring_is_down(
    suite: Suite, clients: Clients,
) -> None:
    c = clients
    loan_id = await register_loan(c)
    maker = c.person("collector", subject="collector-ann")
    terms = res.PlanTerms(plan_types=[res.PLAN_TYPE_TERM_EXTENSION], additional_periods=3)
    hardship = res.Hardship(reason=res.HARDSHIP_REASON_ILLNESS, description="hospital stay")
    eligibility = rst.CheckEligibilityRequest(loan_id=loan_id, terms=terms, hardship=hardship)
    request = rst.RequestRestructuringRequest(request_id=new_id(), loan_id=loan_id,
                                              hardship=hardship, terms=terms)
    await asyncio.to_thread(suite.kill, "monitoring")
    try:
        for call in (c.plans.CheckEligibility(eligibility, metadata=maker, timeout=30),
                     c.plans.RequestRestructuring(request, metadata=maker, timeout=30)):
            code, seconds = await timed_refusal(call)
            assert code is grpc.StatusCode.UNAVAILABLE
            assert seconds < QUICKLY, seconds
    finally:
        await suite.restart("monitoring")
    checked = await once_back(lambda: c.plans.CheckEligibility(eligibility, metadata=maker))
    assert checked.eligibility.loan_version == 1
    # The same request_id, refused while monitoring was away, now goes through.
    plan = (await once_back(lambda: c.plans.RequestRestructuring(request, metadata=maker))).plan
    assert (plan.loan_id, plan.state) == (loan_id, res.PLAN_STATE_REQUESTED)


async def test_credit_inquiry_answers_unavailable_at_once_while_the_bureau_is_down(
    suite: Suite, clients: Clients,
) -> None:
    c = clients
    frontend = c.person("lending_frontend")
    borrower_id = f"B-peer-{uuid.uuid4().hex[:12]}"
    consent = (await c.consents.GrantConsent(consent_request(
        borrower_id, [cir.CONSENT_PURPOSE_IDENTITY_VERIFICATION]), metadata=frontend)).consent
    verify = ci.VerifyIdentityRequest(
        request_id=new_id(), borrower_id=borrower_id, name="测试借款人",
        resident_id_number=make_resident_id("110101", dt.date(1990, 1, 2),
                                            100 + uuid.uuid4().int % 800),
        mobile_number="13912345652", consent_id=consent.consent_id)
    await asyncio.to_thread(suite.kill, "bureau")
    try:
        code, seconds = await timed_refusal(
            c.identities.VerifyIdentity(verify, metadata=frontend, timeout=30))
        assert code is grpc.StatusCode.UNAVAILABLE
        assert seconds < QUICKLY, seconds
    finally:
        await suite.restart("bureau")
    answer = await once_back(lambda: c.identities.VerifyIdentity(verify, metadata=frontend))
    assert answer.verification.outcome == cir.IDENTITY_MATCH_OUTCOME_MATCHED


async def test_consumers_catch_up_after_their_producer_was_killed(
    suite: Suite, clients: Clients,
) -> None:
    """Monitoring killed: collection and restructuring lose their streams. Events monitoring
    writes after its restart reach both, each applied once."""
    db = Databases(suite)
    try:
        await asyncio.to_thread(suite.kill, "monitoring")
        await asyncio.sleep(1.0)  # the consumers notice and back off
        await suite.restart("monitoring")
        await once_back(lambda: register_loan(clients))  # LoanRegistered on monitoring's feed
        problems = await eventually(lambda: feed_problems(db), lambda p: not p, timeout=60,
                                    what="consumers caught up with the restarted producer")
        assert problems == []
        head = await db.scalar("monitoring", "SELECT max(position) FROM event_feed")
        for consumer in ("collection", "restructuring"):
            assert await db.scalar(
                consumer, "SELECT position FROM consumer_positions WHERE producer = 'monitoring'"
            ) == head
    finally:
        await db.close()
