"""Wiring of the collection service: its servicers, its event feed and its background workers."""

from __future__ import annotations

import grpc

from collection.adapters.tables import metadata
from collection.entrypoints.case_servicers import case_servicers
from collection.entrypoints.contacts import contact_servicers
from collection.entrypoints.events import consumer_workers, promise_deadline_worker
from collection.entrypoints.reminder_worker import pre_due_reminder_worker
from postloan.collection.v1 import collection_pb2, collection_pb2_grpc
from postloan_runtime.app import RunningService, ServiceApp
from postloan_runtime.clock import Clock
from postloan_runtime.events.feed_server import add_event_feed
from postloan_runtime.events.relay import relay_worker
from postloan_runtime.idempotency import sweep_idempotency_keys
from postloan_runtime.servicers import add_servicers, service_full_names

EVENT_FEED_SERVICE = "postloan.common.v1.EventFeedService"


def build_app(clock: Clock | None = None) -> ServiceApp:
    """The collection service; ``clock`` (cases, strategies, assignment, promises, figures, the
    event consumers and the pre-due reminder worker) defaults to the system clock."""

    def register_all(server: grpc.aio.Server, running: RunningService) -> None:
        add_servicers(
            server,
            collection_pb2,
            collection_pb2_grpc,
            {**contact_servicers(running, clock=clock), **case_servicers(running, clock)},
        )
        add_event_feed(server, running)

    return ServiceApp(
        package="collection",
        metadata=metadata,
        service_names=[*service_full_names(collection_pb2), EVENT_FEED_SERVICE],
        register=register_all,
        workers=[
            relay_worker,
            sweep_idempotency_keys,
            *consumer_workers(clock),
            promise_deadline_worker(clock),
            pre_due_reminder_worker(clock),
        ],
    )
