"""Subprocess: serve the producer database's event feed on 127.0.0.1:--port."""

from __future__ import annotations

import argparse
import asyncio

import grpc

from postloan.common.v1 import events_pb2_grpc
from postloan_runtime.db import create_engine
from postloan_runtime.events import EventFeedServicer


async def main(args: argparse.Namespace) -> None:
    engine = create_engine(args.database_url, pool_size=4)
    server = grpc.aio.server()
    events_pb2_grpc.add_EventFeedServiceServicer_to_server(
        EventFeedServicer(engine, "producer", poll_interval=0.1, heartbeat_interval=1.0), server
    )
    server.add_insecure_port(f"127.0.0.1:{args.port}")
    await server.start()
    await server.wait_for_termination()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args()))
