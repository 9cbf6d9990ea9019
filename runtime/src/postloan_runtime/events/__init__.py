"""Transactional outbox and durable event feed (see docs/events.md).

Producer: :func:`append_events` in the state change's transaction. Relay: :func:`relay_worker`
(or ``python -m postloan_runtime.events.relay``). Feed: :func:`add_event_feed`. Consumer:
:class:`EventConsumer` / :func:`consumer_worker` over an :class:`EventSource`.
"""

from postloan_runtime.events.consumer import (
    ConsumerLag,
    EventConsumer,
    EventHandler,
    consumer_lag,
    consumer_worker,
)
from postloan_runtime.events.feed_server import EventFeedServicer, add_event_feed, feed_head
from postloan_runtime.events.outbox import DomainEventRecord, append_events
from postloan_runtime.events.relay import relay_once, relay_worker, run_relay
from postloan_runtime.events.transport import EventSource, GrpcEventSource, MetadataProvider

__all__ = [
    "ConsumerLag",
    "DomainEventRecord",
    "EventConsumer",
    "EventFeedServicer",
    "EventHandler",
    "EventSource",
    "GrpcEventSource",
    "MetadataProvider",
    "add_event_feed",
    "append_events",
    "consumer_lag",
    "consumer_worker",
    "feed_head",
    "relay_once",
    "relay_worker",
    "run_relay",
]
