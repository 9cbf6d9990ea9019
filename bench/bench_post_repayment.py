"""PostRepayment benchmark: the real monitoring process (its own migrated database, authenticated
calls, relay running) posting repayments (idempotency claim, loan row lock, allocation by the
waterfall, days past due and bucket at posting time, outbox events: one transaction), against a
bare ``grpc.aio`` echo server process answering a reply of the same size, measured in the same
run from the same client (bench/rpc_bench.py).

    python bench/bench_post_repayment.py [--loans 500] [--seconds 10] [--concurrency 32]

Each call posts 1.00 CNY to the next loan round-robin (``--loans`` 12-period loans disbursed 20
days ago), so callers rarely wait on the same loan's row lock.
Goals (issue #4): >= 0.5x the echo throughput; p99 <= 10 ms open-loop at 50% of peak.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import uuid

import grpc
from rpc_bench import (
    describe_machine,
    echo_server,
    measure,
    prepare,
    report,
    serial,
    services,
)

from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
from postloan_runtime.testing.auth import bearer, token_for


async def register_loans(stub: monitoring_pb2_grpc.LoanServiceStub, metadata: object,
                         count: int) -> list[str]:
    disbursed = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=20)

    async def register(n: int) -> str:
        loan_id = f"BENCH-{n:06d}"
        await stub.RegisterLoan(monitoring_pb2.RegisterLoanRequest(
            request_id=str(uuid.uuid4()), loan_id=loan_id, borrower_id=f"B-{n:06d}",
            terms=resources_pb2.LoanTerms(
                product_code="CASH-12M",
                principal=money_pb2.Money(currency_code="CNY", minor_units=5_000_000),
                annual_rate=money_pb2.DecimalValue(value="0.1800"),
                term_periods=12,
                repayment_method=resources_pb2.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
                disbursement_date=money_pb2.Date(
                    year=disbursed.year, month=disbursed.month, day=disbursed.day),
                due_day=min(disbursed.day, 28),
                grace_days=3,
                penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
            )), metadata=metadata, timeout=30)
        return loan_id

    return await prepare(count, register)


async def run(args: argparse.Namespace) -> None:
    async with services("repay", ["monitoring"]) as suite:
        metadata = bearer(token_for(suite.keys_dir, ["lending_frontend"], ttl=3600))
        async with grpc.aio.insecure_channel(suite.services["monitoring"].address) as channel:
            loan_ids = await register_loans(monitoring_pb2_grpc.LoanServiceStub(channel),
                                            metadata, args.loans)
            repayments = monitoring_pb2_grpc.RepaymentServiceStub(channel)
            next_loan = itertools.cycle(loan_ids)

            def request() -> monitoring_pb2.PostRepaymentRequest:
                posted = monitoring_pb2.PostRepaymentRequest(
                    request_id=str(uuid.uuid4()), loan_id=next(next_loan),
                    amount=money_pb2.Money(currency_code="CNY", minor_units=100),
                    channel=resources_pb2.REPAYMENT_CHANNEL_AUTO_DEBIT,
                    external_transaction_id=f"TX-{uuid.uuid4().hex[:16]}")
                posted.paid_at.FromDatetime(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
                return posted

            def post() -> grpc.aio.UnaryUnaryCall:
                return repayments.PostRepayment(request(), metadata=metadata, timeout=30)

            sample = await post()
            async with echo_server(sample.ByteSize()) as echo_call:

                def echo_once() -> grpc.aio.UnaryUnaryCall:
                    return echo_call(request().SerializeToString(), metadata=metadata,
                                     timeout=30)

                describe_machine(f"{args.seconds:g} s per phase, closed-loop concurrency "
                                 f"{args.concurrency}, {len(loan_ids)} loans round-robin, "
                                 f"reply {sample.ByteSize()} bytes")
                await serial("echo", echo_once, min(args.seconds, 3.0))
                await serial("PostRepayment", post, min(args.seconds, 3.0))
                echo = await measure("echo (bare grpc.aio)", echo_once, args.seconds,
                                     args.concurrency)
                measured = await measure("PostRepayment", post, args.seconds, args.concurrency)
    report(measured, echo, ratio_goal=0.5, p99_goal_ms=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=32)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
