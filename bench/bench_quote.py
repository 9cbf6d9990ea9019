"""Quote benchmark: restructuring's QuotePlan RPC served by the real restructuring process, which
reads the loan from the real monitoring process over gRPC (GetLoan with its schedule), evaluates
every eligibility rule, prices the plan with the exact schedule engine (new schedule, annualized
cost by IRR, NPV loss), and writes the quote (idempotency key, plan row under its version) in one
transaction; against a bare ``grpc.aio`` echo server process answering a reply of the same size,
measured in the same run from the same client (bench/rpc_bench.py).

    python bench/bench_quote.py [--seconds 10] [--concurrency 16] [--plans 64]

Plans are quoted round-robin (one plan per loan, ``--plans`` of them) so callers rarely wait on
the same plan's row lock. Serial calls first show where a quote's time goes: monitoring's read
(what restructuring calls before its transaction), a plain read of restructuring (auth,
one row) and the quote itself.
Goal (issue #6): QuotePlan p99 <= 10 ms open-loop at 50% of peak.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import uuid

import grpc
from rpc_bench import describe_machine, echo_server, measure, report, serial, services

from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc
from postloan.monitoring.v1 import resources_pb2 as mon
from postloan.restructuring.v1 import resources_pb2 as res
from postloan.restructuring.v1 import restructuring_pb2 as rpc
from postloan.restructuring.v1 import restructuring_pb2_grpc
from postloan_runtime.suite import Suite
from postloan_runtime.testing.auth import bearer, token_for


def cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


async def prepare_plans(suite: Suite, count: int) -> list[str]:
    """``count`` loans registered in monitoring, one requested plan each (rate cut + 12-period
    extension, so every quote prices a 24-period schedule)."""
    frontend = bearer(token_for(suite.keys_dir, ["lending_frontend"], subject="bench-lender"))
    maker = bearer(token_for(suite.keys_dir, ["collector"], subject="bench-maker"))
    disbursed = dt.date.today() - dt.timedelta(days=40)
    plan_ids = []
    async with grpc.aio.insecure_channel(suite.services["monitoring"].address) as m, \
            grpc.aio.insecure_channel(suite.services["restructuring"].address) as r:
        loans = monitoring_pb2_grpc.LoanServiceStub(m)
        plans = restructuring_pb2_grpc.PlanServiceStub(r)
        for n in range(count):
            loan_id = f"L-BENCH-{n:04d}-{uuid.uuid4().hex[:6]}"
            await loans.RegisterLoan(monitoring_pb2.RegisterLoanRequest(
                request_id=str(uuid.uuid4()), loan_id=loan_id, borrower_id=f"B-{n}",
                terms=mon.LoanTerms(
                    product_code="CASH-12M", principal=cny(1_200_000 + 1_000 * n),
                    annual_rate=money_pb2.DecimalValue(value="0.1800"), term_periods=12,
                    repayment_method=mon.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
                    disbursement_date=money_pb2.Date(year=disbursed.year,
                                                     month=disbursed.month, day=disbursed.day),
                    due_day=1 + n % 28, grace_days=3,
                    penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
                )), metadata=frontend, timeout=10)
            plan = (await plans.RequestRestructuring(rpc.RequestRestructuringRequest(
                request_id=str(uuid.uuid4()), loan_id=loan_id,
                hardship=res.Hardship(reason=res.HARDSHIP_REASON_UNEMPLOYMENT,
                                      description="lost job"),
                terms=res.PlanTerms(
                    plan_types=[res.PLAN_TYPE_RATE_REDUCTION, res.PLAN_TYPE_TERM_EXTENSION],
                    new_annual_rate=money_pb2.DecimalValue(value="0.1200"),
                    additional_periods=12)), metadata=maker, timeout=10)).plan
            plan_ids.append(plan.plan_id)
    return plan_ids


async def run(args: argparse.Namespace) -> None:
    async with services("quote", ["monitoring", "restructuring"]) as suite:
        plan_ids = await prepare_plans(suite, args.plans)
        maker = bearer(token_for(suite.keys_dir, ["collector"], subject="bench-maker"))
        next_plan = itertools.cycle(plan_ids)
        async with grpc.aio.insecure_channel(suite.services["restructuring"].address) as r, \
                grpc.aio.insecure_channel(suite.services["monitoring"].address) as m:
            plans = restructuring_pb2_grpc.PlanServiceStub(r)
            loans = monitoring_pb2_grpc.LoanServiceStub(m)

            def quote() -> grpc.aio.UnaryUnaryCall:
                return plans.QuotePlan(
                    rpc.QuotePlanRequest(request_id=str(uuid.uuid4()), plan_id=next(next_plan)),
                    metadata=maker, timeout=30)

            sample = await quote()
            assert len(sample.plan.quote.installments) >= 13, sample.plan.quote
            loan_id = sample.plan.loan_id

            def monitoring_read() -> grpc.aio.UnaryUnaryCall:
                return loans.GetLoan(
                    monitoring_pb2.GetLoanRequest(loan_id=loan_id, include_schedule=True),
                    metadata=maker, timeout=30)

            def get_plan() -> grpc.aio.UnaryUnaryCall:
                return plans.GetPlan(rpc.GetPlanRequest(plan_id=plan_ids[0]),
                                     metadata=maker, timeout=30)

            async with echo_server(sample.ByteSize()) as echo_call:

                def echo_once() -> grpc.aio.UnaryUnaryCall:
                    request = rpc.QuotePlanRequest(request_id=str(uuid.uuid4()),
                                                   plan_id=plan_ids[0])
                    return echo_call(request.SerializeToString(), metadata=maker, timeout=30)

                describe_machine(f"{args.seconds:g} s per phase, closed-loop concurrency "
                                 f"{args.concurrency}, {len(plan_ids)} plans quoted round-robin, "
                                 f"reply {sample.ByteSize()} bytes")
                seconds = min(args.seconds, 3.0)
                await serial("echo", echo_once, seconds)
                await serial("monitoring GetLoan+schedule", monitoring_read, seconds)
                await serial("restructuring GetPlan", get_plan, seconds)
                await serial("QuotePlan", quote, seconds)
                echo = await measure("echo (bare grpc.aio)", echo_once, args.seconds,
                                     args.concurrency)
                measured = await measure("QuotePlan", quote, args.seconds, args.concurrency)
    report(measured, echo, ratio_goal=None, p99_goal_ms=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--plans", type=int, default=64)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
