"""Steps of a plan's life through the real APIs, shared by restructuring's integration tests:
register a loan in monitoring, request, quote, approve, generate the agreement, sign, wait for
activation; and appending monitoring events to monitoring's own feed."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable, Sequence

import grpc
from google.protobuf.message import Message
from sqlalchemy import text

from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import monitoring_pb2
from postloan.monitoring.v1 import resources_pb2 as mon
from postloan.restructuring.v1 import resources_pb2 as res
from postloan.restructuring.v1 import restructuring_pb2 as rpc
from postloan_runtime.events.outbox import DomainEventRecord, append_events
from postloan_runtime.events.relay import relay_once

MAKER = ("collector",)
TEAM_LEAD = ("restructuring_approver",)
RISK = ("risk_manager",)
FRONTEND = ("lending_frontend",)

RATE_CUT = res.PlanTerms(plan_types=[res.PLAN_TYPE_RATE_REDUCTION],
                         new_annual_rate=money_pb2.DecimalValue(value="0.1200"))
HARDSHIP = res.Hardship(reason=res.HARDSHIP_REASON_ILLNESS, description="hospital stay")


def cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


def today_of(suite) -> dt.date:  # noqa: ANN001
    return suite.clock.today() if suite.clock is not None else dt.date.today()


async def register_loan(suite, *, disbursed: dt.date | None = None,  # noqa: ANN001
                        term_periods: int = 12) -> str:
    loan_id = f"L-{uuid.uuid4().hex[:10]}"
    disbursed = disbursed or today_of(suite) - dt.timedelta(days=5)
    await suite.loans.RegisterLoan(
        monitoring_pb2.RegisterLoanRequest(
            request_id=str(uuid.uuid4()), loan_id=loan_id, borrower_id="B-77",
            terms=mon.LoanTerms(
                product_code="CASH-12M", principal=cny(1_200_000),
                annual_rate=money_pb2.DecimalValue(value="0.1800"), term_periods=term_periods,
                repayment_method=mon.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
                disbursement_date=money_pb2.Date(year=disbursed.year, month=disbursed.month,
                                                 day=disbursed.day),
                due_day=15, grace_days=3,
                penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
            ),
        ),
        metadata=suite.as_role(*FRONTEND),
    )
    return loan_id


async def request_plan(suite, loan_id: str, terms: res.PlanTerms = RATE_CUT):  # noqa: ANN001, ANN201
    return (await suite.plans.RequestRestructuring(
        rpc.RequestRestructuringRequest(request_id=str(uuid.uuid4()), loan_id=loan_id,
                                        hardship=HARDSHIP, terms=terms),
        metadata=suite.as_role(*MAKER, subject="maker"),
    )).plan


async def quoted_plan(suite, loan_id: str):  # noqa: ANN001, ANN201
    plan = await request_plan(suite, loan_id)
    return (await suite.plans.QuotePlan(
        rpc.QuotePlanRequest(request_id=str(uuid.uuid4()), plan_id=plan.plan_id),
        metadata=suite.as_role(*MAKER, subject="maker"),
    )).plan


async def approve(suite, plan):  # noqa: ANN001, ANN201
    return (await suite.plans.ApprovePlan(
        rpc.ApprovePlanRequest(request_id=str(uuid.uuid4()), plan_id=plan.plan_id,
                               quote_id=plan.quote.quote_id),
        metadata=suite.as_role(*TEAM_LEAD, subject="lead"))).plan


async def generate_agreement(suite, plan_id: str):  # noqa: ANN001, ANN201
    return (await suite.plans.GenerateAgreement(
        rpc.GenerateAgreementRequest(request_id=str(uuid.uuid4()), plan_id=plan_id),
        metadata=suite.as_role(*MAKER, subject="maker"))).agreement


def signature_request(plan_id: str, agreement, signed_at: dt.datetime  # noqa: ANN001
                      ) -> rpc.RecordSignatureRequest:
    request = rpc.RecordSignatureRequest(
        request_id=str(uuid.uuid4()), plan_id=plan_id, agreement_id=agreement.agreement_id,
        signed_document_sha256=agreement.document_sha256,
        signer_verification_reference="ekyc-123", channel=res.SIGNATURE_CHANNEL_MOBILE_APP)
    request.signed_at.FromDatetime(signed_at.replace(microsecond=0))
    return request


async def sign(suite, plan_id: str):  # noqa: ANN001, ANN201
    agreement = await generate_agreement(suite, plan_id)
    now = suite.clock.now() if suite.clock is not None else dt.datetime.now(dt.UTC)
    return (await suite.plans.RecordSignature(
        signature_request(plan_id, agreement, now - dt.timedelta(minutes=1)),
        metadata=suite.as_role(*FRONTEND))).plan


async def status(suite, plan_id: str) -> rpc.GetActivationStatusResponse:  # noqa: ANN001
    return await suite.plans.GetActivationStatus(
        rpc.GetActivationStatusRequest(plan_id=plan_id), metadata=suite.as_role(*MAKER))


async def wait_for(suite, plan_id: str, predicate: Callable, timeout: float = 10.0):  # noqa: ANN001, ANN201
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        answer = await status(suite, plan_id)
        if predicate(answer) or asyncio.get_running_loop().time() > deadline:
            return answer
        await asyncio.sleep(0.05)


async def get_plan(suite, plan_id: str):  # noqa: ANN001, ANN201
    return (await suite.plans.GetPlan(rpc.GetPlanRequest(plan_id=plan_id),
                                      metadata=suite.as_role(*MAKER))).plan


async def wait_plan(suite, plan_id: str, predicate: Callable, timeout: float = 10.0):  # noqa: ANN001, ANN201
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        plan = await get_plan(suite, plan_id)
        if predicate(plan) or asyncio.get_running_loop().time() > deadline:
            return plan
        await asyncio.sleep(0.05)


async def active_plan(suite, loan_id: str | None = None):  # noqa: ANN001, ANN201
    """A plan taken through quote, approval and signature to ACTIVE (collection must run)."""
    loan_id = loan_id or await register_loan(suite)
    plan = await approve(suite, await quoted_plan(suite, loan_id))
    await sign(suite, plan.plan_id)
    answer = await wait_for(suite, plan.plan_id,
                            lambda s: s.state != res.PLAN_STATE_ACTIVATING, timeout=15)
    assert answer.state == res.PLAN_STATE_ACTIVE, answer
    return await get_plan(suite, plan.plan_id)


async def outbox_events(engine, event_type: str) -> list[bytes]:  # noqa: ANN001
    """Payloads of ``event_type`` (the message's short name) in a service's outbox."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT payload FROM outbox WHERE event_type LIKE :t ORDER BY id"),
            {"t": f"%.{event_type}"},
        )
        return [bytes(r[0]) for r in rows]


async def publish_monitoring_events(suite, events: Sequence[tuple[Message, str]]) -> None:  # noqa: ANN001
    """Append monitoring event payloads to monitoring's own outbox and relay them to its feed,
    where restructuring's consumer reads them over gRPC."""
    async with suite.monitoring_engine.begin() as conn:
        await append_events(conn, [DomainEventRecord(event, key) for event, key in events])
    await relay_once(suite.monitoring_engine)


def is_unimplemented(error: grpc.aio.AioRpcError) -> bool:
    return error.code() is grpc.StatusCode.UNIMPLEMENTED
