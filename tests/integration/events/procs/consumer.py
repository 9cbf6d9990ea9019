"""Subprocess: consume the producer's feed at --target into the consumer database."""

from __future__ import annotations

import argparse
import asyncio
import logging

from event_fixtures import HANDLERS

from postloan_runtime.db import create_engine
from postloan_runtime.events import EventConsumer, GrpcEventSource


async def main(args: argparse.Namespace) -> None:
    engine = create_engine(args.database_url, pool_size=2)
    source = GrpcEventSource(args.target)
    consumer = EventConsumer(
        "producer", source, engine, HANDLERS, idle_timeout=3.0, max_backoff=0.5
    )
    await consumer.run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--target", required=True)
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(parser.parse_args()))
