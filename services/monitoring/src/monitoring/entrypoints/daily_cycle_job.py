"""Run the daily cycle straight against the database, without the gRPC server (batch
schedulers, the crash tests and the benchmark):

    python -m monitoring.entrypoints.daily_cycle_job --database-url URL --business-date 2024-06-30
        [--partition-index 0 --partition-count 1 --batch-size 5000 --batches-in-flight 2]
        [--examine-all-loans]

Operators normally use ``postloan daily-cycle`` (the RunDailyCycle RPC) instead."""

from __future__ import annotations

import argparse
import datetime as dt

from monitoring.service_layer.daily_cycle import DailyCyclePolicy, run_daily_cycle
from postloan_runtime import event_loop
from postloan_runtime.clock import SystemClock
from postloan_runtime.db import create_engine


async def _main(args: argparse.Namespace) -> None:
    # The lock's connection and one per batch in flight.
    engine = create_engine(args.database_url, pool_size=1 + args.batches_in_flight)
    try:
        async for progress in run_daily_cycle(
            engine,
            dt.date.fromisoformat(args.business_date),
            args.partition_index,
            args.partition_count,
            clock=SystemClock(),
            policy=DailyCyclePolicy(
                batch_size=args.batch_size, examine_all_loans=args.examine_all_loans,
                batches_in_flight=args.batches_in_flight,
            ),
        ):
            print(f"{progress.phase.name} {progress.loans_done}/{progress.loans_total}",
                  flush=True)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--business-date", required=True)
    parser.add_argument("--partition-index", type=int, default=0)
    parser.add_argument("--partition-count", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--batches-in-flight", type=int,
                        default=DailyCyclePolicy.batches_in_flight)
    parser.add_argument("--examine-all-loans", action="store_true",
                        help="every active loan, not only those the date can change")
    event_loop.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
