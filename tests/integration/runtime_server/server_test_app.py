"""A tiny service for the shared-server tests: ``postloan.common.v1.EventFeedService`` served
by generic handlers (the head query touches the database), plus a deliberately careless
``GetFeedHead`` variant that logs personal data and puts it on spans (PII canaries).

Run as a script it serves like ``python -m <pkg>`` (settings from the environment)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import grpc
from opentelemetry import trace
from sqlalchemy import text

from postloan.common.v1 import events_pb2
from postloan_runtime.app import RunningService, ServiceApp
from postloan_runtime.auth import current_caller
from postloan_runtime.config import ServiceSettings
from postloan_runtime.db import new_metadata

log = logging.getLogger("server_test_app")

FEED_SERVICE = "postloan.common.v1.EventFeedService"
UNDECLARED_SERVICE = "postloan.servertest.v1.Undeclared"
# Made-up personal data: never a real person.
CANARY_NAME = "测试金丝雀"
CANARY_ID_BASE = "11010519900307123"
CANARY_MOBILE = "13900001234"


def id_check_digit(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


CANARY_ID_NUMBER = CANARY_ID_BASE + id_check_digit(CANARY_ID_BASE)


def declare_undeclared_service() -> None:
    """Put a service whose method declares no permission into the default descriptor pool
    (the contract never does this; the server must refuse it)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, empty_pb2

    pool = descriptor_pool.Default()
    try:
        pool.FindServiceByName(UNDECLARED_SERVICE)
        return
    except KeyError:
        pass
    assert empty_pb2.DESCRIPTOR.name == "google/protobuf/empty.proto"
    file = descriptor_pb2.FileDescriptorProto(
        name="postloan/servertest/v1/undeclared.proto",
        package="postloan.servertest.v1",
        syntax="proto3",
        dependency=["google/protobuf/empty.proto"],
    )
    service = file.service.add(name="Undeclared")
    service.method.add(
        name="Ping", input_type=".google.protobuf.Empty", output_type=".google.protobuf.Empty"
    )
    pool.AddSerializedFile(file.SerializeToString())


def _metadata(context: grpc.aio.ServicerContext) -> dict[str, str]:
    return {k: v for k, v in context.invocation_metadata() or () if isinstance(v, str)}


def build_app(package: str = "monitoring") -> ServiceApp:
    async def get_feed_head(
        request: events_pb2.GetFeedHeadRequest, context: grpc.aio.ServicerContext
    ) -> events_pb2.GetFeedHeadResponse:
        running: RunningService = state["running"]
        metadata = _metadata(context)
        canary = metadata.get("x-test-canary")
        if canary:
            # Careless on purpose: the safety nets must catch all of this.
            log.info(
                "looking up borrower %s id %s mobile %s",
                CANARY_NAME, CANARY_ID_NUMBER, CANARY_MOBILE,
                extra={"borrower_name": CANARY_NAME, "detail": f"{CANARY_ID_NUMBER}"},
            )
            span = trace.get_current_span()
            span.set_attribute("borrower.name", CANARY_NAME)
            span.set_attribute("id_number", CANARY_ID_NUMBER)
            span.set_attribute("comment", f"{CANARY_NAME} {CANARY_ID_NUMBER} {CANARY_MOBILE}")
            span.add_event(f"found {CANARY_NAME}", {"phone": CANARY_MOBILE, "x": CANARY_ID_NUMBER})
        async with running.engine.connect() as conn:
            head = await conn.scalar(
                text("SELECT coalesce(max(position), 0) FROM event_feed WHERE ordering_key <> :k"),
                {"k": CANARY_ID_NUMBER if canary else "none"},
            )
        if canary == "raise":
            raise RuntimeError(f"no borrower {CANARY_NAME} {CANARY_ID_NUMBER} {CANARY_MOBILE}")
        delay = float(metadata.get("x-test-sleep", "0"))
        if delay:
            await asyncio.sleep(delay)
        context.set_trailing_metadata((("x-test-caller", current_caller().subject),))
        return events_pb2.GetFeedHeadResponse(head_position=int(head or 0))

    async def subscribe_events(
        request: events_pb2.SubscribeEventsRequest, context: grpc.aio.ServicerContext
    ) -> Any:
        yield events_pb2.SubscribeEventsResponse(head_position=0)

    async def ping(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return b""

    state: dict[str, Any] = {}

    def register(server: grpc.aio.Server, running: RunningService) -> None:
        state["running"] = running
        server.add_generic_rpc_handlers(
            (
                grpc.method_handlers_generic_handler(
                    FEED_SERVICE,
                    {
                        "GetFeedHead": grpc.unary_unary_rpc_method_handler(
                            get_feed_head,
                            request_deserializer=events_pb2.GetFeedHeadRequest.FromString,
                            response_serializer=events_pb2.GetFeedHeadResponse.SerializeToString,
                        ),
                        "SubscribeEvents": grpc.unary_stream_rpc_method_handler(
                            subscribe_events,
                            request_deserializer=events_pb2.SubscribeEventsRequest.FromString,
                            response_serializer=events_pb2.SubscribeEventsResponse.SerializeToString,
                        ),
                    },
                ),
                grpc.method_handlers_generic_handler(
                    UNDECLARED_SERVICE, {"Ping": grpc.unary_unary_rpc_method_handler(ping)}
                ),
            )
        )

    return ServiceApp(
        package=package,
        metadata=new_metadata(),
        service_names=[FEED_SERVICE],
        register=register,
    )


def feed_settings(database_url: str, **changes: Any) -> ServiceSettings:
    settings = ServiceSettings(
        package="monitoring",
        name="feed-test",
        database_url=database_url,
        grpc_host="127.0.0.1",
        grpc_port=0,
        shutdown_grace_seconds=5.0,
    )
    return dataclasses.replace(settings, **changes)



async def wait_for_health(
    channel: grpc.aio.Channel, want: int, *, service: str = "", within_seconds: float = 10.0
) -> None:
    """Poll grpc.health.v1 Check until it reports ``want``."""
    import asyncio

    from grpc_health.v1 import health_pb2, health_pb2_grpc

    stub = health_pb2_grpc.HealthStub(channel)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_seconds
    last: object = None
    while loop.time() < deadline:
        try:
            response = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=2)
            last = response.status
            if response.status == want:
                return
        except grpc.aio.AioRpcError as exc:
            last = exc.code()
        await asyncio.sleep(0.1)
    raise AssertionError(f"health never reached {want}; last {last}")


class AppProcess:
    """This module run as a service process (``run_service``); its JSON log lines are parsed
    as they arrive and the bound port is read from the ``listening`` line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.lines: list[dict[str, Any]] = []
        self.process: asyncio.subprocess.Process | None = None
        self.port = 0
        self._reader: asyncio.Future[None] | None = None

    async def start(self, within_seconds: float = 30) -> AppProcess:
        import json
        import sys
        from pathlib import Path

        self.process = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__)), env=self.env, stderr=asyncio.subprocess.PIPE
        )
        listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def read_logs() -> None:
            assert self.process is not None and self.process.stderr is not None
            async for raw in self.process.stderr:
                try:
                    record = json.loads(raw)
                except ValueError:
                    record = {"message": raw.decode(errors="replace")}
                self.lines.append(record)
                if record.get("message") == "listening" and not listening.done():
                    listening.set_result(int(record["port"]))

        self._reader = asyncio.ensure_future(read_logs())
        self.port = await asyncio.wait_for(listening, within_seconds)
        return self

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[str]:
        return [str(line.get("message")) for line in self.lines]

    async def wait(self, within_seconds: float = 15) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), within_seconds)

    async def close(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, 5)


if __name__ == "__main__":
    from postloan_runtime.server import run_service

    settings = dataclasses.replace(ServiceSettings.from_env("monitoring"), name="feed-test")
    run_service(build_app(), settings)
