"""Wiring of the credit-inquiry service: its servicers, its event feed and its background
workers."""

from __future__ import annotations

import grpc

from credit_inquiry.adapters.tables import metadata
from credit_inquiry.entrypoints.consents import ConsentServicer
from postloan.credit_inquiry.v1 import credit_inquiry_pb2, credit_inquiry_pb2_grpc
from postloan_runtime.app import RunningService, ServiceApp
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.events.feed_server import add_event_feed
from postloan_runtime.events.relay import relay_worker
from postloan_runtime.idempotency import sweep_idempotency_keys
from postloan_runtime.servicers import add_servicers, service_full_names

EVENT_FEED_SERVICE = "postloan.common.v1.EventFeedService"


def build_app(clock: Clock | None = None) -> ServiceApp:
    """The service as the shared server sees it. ``clock`` defaults to the real clock; tests
    pass a ManualClock to move time. RPCs not built yet answer UNIMPLEMENTED."""
    service_clock = clock or SystemClock()

    def register(server: grpc.aio.Server, running: RunningService) -> None:
        add_servicers(
            server,
            credit_inquiry_pb2,
            credit_inquiry_pb2_grpc,
            {"ConsentService": ConsentServicer(running, service_clock)},
        )
        add_event_feed(server, running)

    return ServiceApp(
        package="credit_inquiry",
        metadata=metadata,
        service_names=[*service_full_names(credit_inquiry_pb2), EVENT_FEED_SERVICE],
        register=register,
        workers=[relay_worker, sweep_idempotency_keys],
    )
