"""Where a consumer's events come from, behind one small interface.

:class:`EventSource` is all :class:`~postloan_runtime.events.consumer.EventConsumer` needs: a
stream of feed messages after a position (events, or heartbeats carrying only the producer's
head). The default, :class:`GrpcEventSource`, subscribes to the producer's
``EventFeedService``. A broker would plug in as another implementation, e.g. a Kafka source
that maps ``after_position`` to a partition offset (one partition per producer keeps the
gap-free order) and yields the same ``SubscribeEventsResponse`` messages; the relay would then
publish to the broker instead of (or after) appending to ``event_feed``. Consumers, their inbox
and their positions do not change.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Protocol, runtime_checkable

import grpc

from postloan.common.v1 import events_pb2, events_pb2_grpc

# Returns the call metadata for one subscription, e.g. [("authorization", "Bearer …")];
# called on every (re)connect so short-lived service tokens stay fresh.
MetadataProvider = Callable[[], Sequence[tuple[str, str]]]


@runtime_checkable
class EventSource(Protocol):
    """A producer's event feed as a consumer sees it."""

    def subscribe(
        self, after_position: int, event_types: Sequence[str] = ()
    ) -> AsyncIterator[events_pb2.SubscribeEventsResponse]:
        """Messages for events with position > ``after_position``, in position order, then
        new ones as they come; heartbeats (no ``event``) carry the head. Ends only by error
        (the consumer resubscribes from its own position)."""
        ...

    async def head(self) -> int:
        """The producer's newest position (0 when empty)."""
        ...

    async def close(self) -> None: ...


class GrpcEventSource:
    """Subscribes to ``postloan.common.v1.EventFeedService`` at ``target`` (``host:port``).

    One channel is kept for the source's lifetime; gRPC reconnects it by itself.
    ``channel_credentials`` switches to TLS; ``metadata_provider`` supplies the caller's
    credential on each call (service identity).
    """

    def __init__(
        self,
        target: str,
        *,
        metadata_provider: MetadataProvider | None = None,
        channel_credentials: grpc.ChannelCredentials | None = None,
        batch_size: int = 0,
    ) -> None:
        self.target = target
        self._metadata_provider = metadata_provider
        self._channel_credentials = channel_credentials
        self._batch_size = batch_size
        self._channel: grpc.aio.Channel | None = None

    def _stub(self) -> events_pb2_grpc.EventFeedServiceStub:
        if self._channel is None:
            # No keepalive pings: the feed's heartbeats let the consumer notice a silent peer.
            options = [("grpc.max_receive_message_length", 16 * 1024 * 1024)]
            if self._channel_credentials is not None:
                self._channel = grpc.aio.secure_channel(
                    self.target, self._channel_credentials, options=options
                )
            else:
                self._channel = grpc.aio.insecure_channel(self.target, options=options)
        return events_pb2_grpc.EventFeedServiceStub(self._channel)

    def _metadata(self) -> tuple[tuple[str, str], ...] | None:
        if self._metadata_provider is None:
            return None
        return tuple(self._metadata_provider())

    async def subscribe(
        self, after_position: int, event_types: Sequence[str] = ()
    ) -> AsyncIterator[events_pb2.SubscribeEventsResponse]:
        call = self._stub().SubscribeEvents(
            events_pb2.SubscribeEventsRequest(
                after_position=after_position,
                event_types=list(event_types),
                batch_size=self._batch_size,
            ),
            metadata=self._metadata(),
        )
        try:
            async for message in call:
                yield message
        finally:
            call.cancel()

    async def head(self) -> int:
        response = await self._stub().GetFeedHead(
            events_pb2.GetFeedHeadRequest(), metadata=self._metadata(), timeout=5.0
        )
        return response.head_position

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None
