"""Collection benchmark: the CheckContact RPC (authenticate, validate, idempotency claim, lock the
debtor's row, load its profile, flags, jurisdiction profile and the last days' attempts and open
clearances, run the gate in the borrower's zone, record the check: one transaction) served by
the real collection process, against a bare ``grpc.aio`` echo server process answering a reply of
the same size, measured in the same run from the same client (bench/rpc_bench.py).

    python bench/bench_contact_check.py [--seconds 10] [--concurrency 16] [--debtors 1000]

Each check picks a random debtor and alternates SMS and agent calls, so allowed checks
(clearances) and refusals (caps reached) are both in the mix. Every debtor has a live case
assigned to the benchmark's agent (written into collection's database: cases come from
monitoring, which does not run here), whose calls name no case: the gate finds the case itself.
The suite's clock is shifted to 10:00 in Shanghai (the borrowers' zone) so quiet hours never
decide the run, whatever the hour.
Goal (issue #5): p99 <= 5 ms open-loop at 50% of peak.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import uuid
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

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
from sqlalchemy import text

from postloan.collection.v1 import collection_pb2 as cp
from postloan.collection.v1 import collection_pb2_grpc as cp_grpc
from postloan.collection.v1 import resources_pb2 as res
from postloan_runtime.clock import ClockOffsetFile
from postloan_runtime.db import create_engine
from postloan_runtime.testing.auth import bearer, token_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
AGENT = "bench-agent"
# The benchmark's agent, and a live case assigned to them for each debtor ``bench-b-<n>``
# (the default strategy is the one migration 0002 seeds).
SEED_CASES = (
    "INSERT INTO agents (agent_id, display_name, tiers, skills, capacity, active, created_at,"
    " updated_at) VALUES (:agent, :agent, ARRAY['EARLY', 'MIDDLE', 'LATE', 'WRITE_OFF'],"
    " ARRAY[]::varchar[], 1000000, true, now(), now())",
    "INSERT INTO cases (case_id, borrower_id, state, tier, treatments, risk_segment,"
    " strategy_version_id, strategy_arm, agent_id, days_past_due, overdue_fen,"
    " overdue_at_opening_fen, currency, opened_on, opened_at, updated_at)"
    " SELECT gen_random_uuid(), 'bench-b-' || g, 'OPEN', 'MIDDLE', ARRAY['AGENT_CALL'],"
    " 'STANDARD', '00000000-0000-4000-8000-000000000001', 'CHAMPION', :agent, 40, 30000, 30000,"
    " 'CNY', current_date, now(), now() FROM generate_series(0, :n - 1) AS g",
)


async def seed_cases(database_url: str, debtors: int) -> None:
    """The agent and one live case per debtor, assigned to them."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            for statement in SEED_CASES:
                await conn.execute(text(statement), {"agent": AGENT, "n": debtors})
    finally:
        await engine.dispose()


def offset_to_ten_in_shanghai() -> timedelta:
    """How far to shift the clock so that it is 10:00 in Shanghai now (today's or tomorrow's)."""
    now = datetime.now(UTC)
    local = now.astimezone(SHANGHAI)
    ten = datetime.combine(local.date(), time(10), SHANGHAI)
    return ten - now


async def run(args: argparse.Namespace) -> None:
    async with services("contacts", ["collection"]) as suite:
        ClockOffsetFile(suite.clock_offset_file).set_offset(offset_to_ten_in_shanghai())
        supervisor = bearer(token_for(suite.keys_dir, ["collection_supervisor"],
                                      subject="bench-sup"))
        agent = bearer(token_for(suite.keys_dir, ["collector"], subject=AGENT))
        await seed_cases(suite.services["collection"].database_url, args.debtors)
        outcomes: Counter[str] = Counter()
        async with grpc.aio.insecure_channel(suite.services["collection"].address) as channel:
            debtor_stub = cp_grpc.DebtorServiceStub(channel)
            contacts = cp_grpc.ContactServiceStub(channel)

            async def register(n: int) -> tuple[str, str]:
                borrower = f"bench-b-{n}"
                point = await debtor_stub.RegisterContactPoint(cp.RegisterContactPointRequest(
                    request_id=str(uuid.uuid4()), borrower_id=borrower,
                    party=res.CONTACT_PARTY_DEBTOR, kind=res.CONTACT_POINT_KIND_PHONE,
                    value=f"138{n:08d}"), metadata=supervisor, timeout=30)
                return borrower, point.contact_point.contact_point_id

            points = await prepare(args.debtors, register)
            rng = random.Random(11)
            channels = itertools.cycle((res.CONTACT_CHANNEL_SMS, res.CONTACT_CHANNEL_AGENT_CALL))

            async def check() -> cp.CheckContactResponse:
                borrower, point_id = points[rng.randrange(len(points))]
                response = await contacts.CheckContact(cp.CheckContactRequest(
                    request_id=str(uuid.uuid4()), borrower_id=borrower, channel=next(channels),
                    party=res.CONTACT_PARTY_DEBTOR, contact_point_id=point_id), metadata=agent,
                    timeout=30)
                outcomes[res.ContactDecision.Name(response.check.decision)] += 1
                return response

            sample = await check()
            payload = cp.CheckContactRequest(request_id=str(uuid.uuid4()), borrower_id="b",
                                             contact_point_id=str(uuid.uuid4()),
                                             channel=res.CONTACT_CHANNEL_SMS).SerializeToString()
            async with echo_server(sample.ByteSize()) as echo_call:

                def echo_once() -> grpc.aio.UnaryUnaryCall:
                    return echo_call(payload, metadata=agent, timeout=30)

                describe_machine(f"{args.seconds:g} s per phase, closed-loop concurrency "
                                 f"{args.concurrency}, {len(points)} debtors, reply "
                                 f"{sample.ByteSize()} bytes")
                await serial("echo", echo_once, min(args.seconds, 3.0))
                await serial("CheckContact", check, min(args.seconds, 3.0))
                echo = await measure("echo (bare grpc.aio)", echo_once, args.seconds,
                                     args.concurrency)
                measured = await measure("CheckContact", check, args.seconds, args.concurrency)
    report(measured, echo, ratio_goal=None, p99_goal_ms=5)
    print(f"decisions: {dict(outcomes)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--debtors", type=int, default=1000)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
