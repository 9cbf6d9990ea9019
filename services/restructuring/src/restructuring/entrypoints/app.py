"""Wiring of the restructuring service: its servicers, its event feed and its background workers."""

from __future__ import annotations

import grpc

from postloan.restructuring.v1 import restructuring_pb2, restructuring_pb2_grpc
from postloan_runtime.app import RunningService, ServiceApp
from postloan_runtime.events.feed_server import add_event_feed
from postloan_runtime.events.relay import relay_worker
from postloan_runtime.idempotency import sweep_idempotency_keys
from postloan_runtime.servicers import add_servicers, service_full_names
from restructuring.adapters.tables import metadata

EVENT_FEED_SERVICE = "postloan.common.v1.EventFeedService"


def register(server: grpc.aio.Server, running: RunningService) -> None:
    add_servicers(server, restructuring_pb2, restructuring_pb2_grpc)
    add_event_feed(server, running)


def build_app() -> ServiceApp:
    return ServiceApp(
        package="restructuring",
        metadata=metadata,
        service_names=[*service_full_names(restructuring_pb2), EVENT_FEED_SERVICE],
        register=register,
        workers=[relay_worker, sweep_idempotency_keys],
    )
