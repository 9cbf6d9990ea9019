"""Subprocess: commit ``--transactions`` small producer transactions (1-3 loan changes each),
resuming after the last committed one when restarted."""

from __future__ import annotations

import argparse
import asyncio
import random

from event_fixtures import change_loan
from sqlalchemy import text

from postloan_runtime.db import create_engine


async def main(args: argparse.Namespace) -> None:
    engine = create_engine(args.database_url, pool_size=2)
    async with engine.connect() as conn:
        done = await conn.scalar(text("SELECT coalesce(max(seq), 0) FROM produced"))
    rng = random.Random()
    for seq in range(done + 1, args.transactions + 1):
        async with engine.begin() as conn:
            for loan in sorted(rng.sample(range(args.loans), rng.randint(1, 3))):
                await change_loan(conn, f"loan-{loan}", seq)
                await asyncio.sleep(rng.uniform(0, 0.004))  # SIGKILL may land mid-transaction
        await asyncio.sleep(rng.uniform(0, args.pause))
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--transactions", type=int, required=True)
    parser.add_argument("--loans", type=int, default=8)
    parser.add_argument("--pause", type=float, default=0.03, help="max seconds between commits")
    asyncio.run(main(parser.parse_args()))
