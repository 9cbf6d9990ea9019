"""QuotePlan's transaction on a real database: the plan read before it (while monitoring is
asked for the loan) is written back under the version read, with no second read of the plan;
a plan changed in between is read again under lock and decided on as it is now: requoted if it
still can be, refused PLAN_NOT_QUOTABLE if not. Reads outside a transaction are one statement
each, in autocommit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan.restructuring.v1 import restructuring_pb2 as rpc
from postloan_runtime.clock import FixedClock
from postloan_runtime.db import create_engine
from postloan_runtime.errors import FailedPrecondition
from postloan_runtime.lending import RepaymentMethod, build_schedule
from postloan_runtime.migrate import upgrade_head
from postloan_runtime.testing.statements import statement_log
from restructuring.adapters import protobuf
from restructuring.domain.plans import PlanState
from restructuring.domain.rules import (
    Hardship,
    HardshipReason,
    LoanInstallment,
    LoanSnapshot,
    PlanTerms,
    PlanType,
    Reasons,
)
from restructuring.service_layer.plans import (
    Caller,
    Context,
    QuoteCommand,
    RequestCommand,
    RestructuringPolicy,
    get_plan,
    quote_plan,
    request_restructuring,
)

pytestmark = pytest.mark.integration

NOW = dt.datetime(2025, 1, 20, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2025, 1, 20)
EXTENSION = PlanTerms(plan_types=(PlanType.TERM_EXTENSION,), additional_periods=6)
RATE_CUT = PlanTerms(plan_types=(PlanType.RATE_REDUCTION, PlanType.TERM_EXTENSION),
                     additional_periods=6, new_annual_rate=Decimal("0.12"))


def snapshot(loan_id: str) -> LoanSnapshot:
    """12,000 yuan over 12 months at 18%, disbursed 2024-12-15: the first installment five
    days overdue (so an extension alone is approved automatically)."""
    rows = build_schedule(1_200_000, Decimal("0.18"), 12, RepaymentMethod.EQUAL_INSTALLMENT,
                          dt.date(2024, 12, 15))
    first = rows[0]
    return LoanSnapshot(
        loan_id=loan_id, borrower_id="B-1", active=True, version=3, as_of=TODAY,
        days_past_due=(TODAY - first.due_date).days, current_annual_rate=Decimal("0.18"),
        repayment_method=RepaymentMethod.EQUAL_INSTALLMENT, due_day=15, currency="CNY",
        outstanding_principal_fen=1_200_000, outstanding_interest_fen=first.interest_fen,
        outstanding_penalty_fen=0,
        outstanding_total_fen=1_200_000 + first.interest_fen,
        overdue_principal_fen=first.principal_fen, overdue_interest_fen=first.interest_fen,
        overdue_penalty_fen=0, regular_installment_fen=rows[1].total_fen,
        restructured_at=(),
        installments=tuple(
            LoanInstallment(r.sequence, r.due_date, r.principal_fen, r.interest_fen, 0,
                            r.interest_fen, False)
            for r in rows
        ),
    )


@dataclass
class Loans:
    """Monitoring's answer, after ``meanwhile`` (once): what happens while it is asked."""

    meanwhile: Callable[[], Awaitable[object]] | None = None

    async def read_loan(self, loan_id: str) -> LoanSnapshot:
        if self.meanwhile is not None:
            action, self.meanwhile = self.meanwhile, None
            await action()
        return snapshot(loan_id)


@pytest.fixture
async def engine(make_database: Callable[[str], Awaitable[str]]) -> AsyncIterator[AsyncEngine]:
    url = await make_database("restructuring")
    upgrade_head("restructuring", url)
    engine = create_engine(url, pool_size=3)
    yield engine
    await engine.dispose()


class statements:  # noqa: N801 - reads as the list it stands for
    """Every statement the engine sends from now on (SQLAlchemy's and direct ones), first
    words only."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._log = statement_log(engine)

    def _shown(self) -> list[str]:
        shown = []
        for statement in self._log:
            words = " ".join(statement.split())
            shown.append(" ".join(words.split()[:3])
                         + (" FOR UPDATE" if "FOR UPDATE" in words else ""))
        return shown

    def __eq__(self, other: object) -> bool:
        return self._shown() == other

    def __contains__(self, item: str) -> bool:
        return item in self._shown()

    def __repr__(self) -> str:
        return repr(self._shown())


async def requested(ctx: Context, terms: PlanTerms) -> str:
    request_id = str(uuid.uuid4())
    response = await request_restructuring(
        ctx,
        RequestCommand(request_id, f"L-{uuid.uuid4().hex[:8]}",
                       Hardship(HardshipReason.UNEMPLOYMENT, "lost job"), terms),
        rpc.RequestRestructuringRequest(request_id=request_id),
        Caller("maker", ("collector",)),
    )
    return response.plan.plan_id


async def quote(ctx: Context, plan_id: str) -> rpc.QuotePlanResponse:
    request_id = str(uuid.uuid4())
    return await quote_plan(
        ctx, QuoteCommand(request_id, plan_id, None),
        rpc.QuotePlanRequest(request_id=request_id, plan_id=plan_id),
        Caller("maker", ("collector",)),
    )


async def version_of(engine: AsyncEngine, plan_id: str) -> int:
    async with engine.connect() as conn:
        found = await conn.scalar(text("SELECT version FROM plans WHERE plan_id = :p"),
                                  {"p": plan_id})
    return int(found)


async def test_an_unchanged_plan_is_written_back_without_a_second_read(
    engine: AsyncEngine,
) -> None:
    loans = Loans()
    ctx = Context(engine, FixedClock(NOW), loans, RestructuringPolicy())
    plan_id = await requested(ctx, RATE_CUT)
    seen = statements(engine)
    response = await quote(ctx, plan_id)
    assert seen == [
        "SELECT version, document",
        "INSERT INTO idempotency_keys",
        "UPDATE plans SET",
        "UPDATE idempotency_keys SET",
    ]
    assert response.plan.state == protobuf.PLAN_STATE_TO_PROTO[PlanState.PENDING_APPROVAL]
    assert await version_of(engine, plan_id) == 2
    stored = await get_plan(ctx, plan_id)
    assert response == rpc.QuotePlanResponse(plan=protobuf.plan_fields(stored))


async def test_a_plan_quoted_meanwhile_is_read_again_under_lock_and_requoted(
    engine: AsyncEngine,
) -> None:
    loans = Loans()
    ctx = Context(engine, FixedClock(NOW), loans, RestructuringPolicy())
    plan_id = await requested(ctx, RATE_CUT)
    earlier: list[rpc.QuotePlanResponse] = []

    async def quoted_meanwhile() -> None:
        earlier.append(await quote(ctx, plan_id))

    loans.meanwhile = quoted_meanwhile
    seen = statements(engine)
    response = await quote(ctx, plan_id)
    assert "SELECT version, document FOR UPDATE" in seen
    assert await version_of(engine, plan_id) == 3
    assert response.plan.quote.quote_id != earlier[0].plan.quote.quote_id
    stored = await get_plan(ctx, plan_id)
    assert stored.quote is not None and stored.quote.quote_id == response.plan.quote.quote_id
    assert response == rpc.QuotePlanResponse(plan=protobuf.plan_fields(stored))


async def test_a_plan_approved_meanwhile_is_refused_as_not_quotable(engine: AsyncEngine) -> None:
    loans = Loans()
    ctx = Context(engine, FixedClock(NOW), loans, RestructuringPolicy())
    plan_id = await requested(ctx, EXTENSION)
    approved: list[rpc.QuotePlanResponse] = []

    async def approved_meanwhile() -> None:
        approved.append(await quote(ctx, plan_id))  # an automatic quote approves the plan

    loans.meanwhile = approved_meanwhile
    with pytest.raises(FailedPrecondition) as refused:
        await quote(ctx, plan_id)
    assert refused.value.reason == Reasons.PLAN_NOT_QUOTABLE
    assert approved[0].plan.state == protobuf.PLAN_STATE_TO_PROTO[PlanState.APPROVED]
    assert await version_of(engine, plan_id) == 2
    stored = await get_plan(ctx, plan_id)
    assert rpc.QuotePlanResponse(plan=protobuf.plan_fields(stored)) == approved[0]
    async with engine.connect() as conn:
        keys = await conn.scalar(text("SELECT count(*) FROM idempotency_keys"))
    assert keys == 2  # the request and the first quote: the refused one rolled back
