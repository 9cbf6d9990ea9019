"""The unit of work: one database transaction around a use case. It owns the commit and rolls
back by default; domain events recorded during the use case are written to the outbox in the
same transaction, so state and events are committed together or not at all."""

from __future__ import annotations

from types import TracebackType
from typing import Final

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from postloan_runtime.direct_sql import DirectStatement
from postloan_runtime.events.outbox import (
    OUTBOX_INSERT_UNNEST_SQL,
    DomainEventRecord,
    append_events,
    event_arrays,
)
from postloan_runtime.idempotency import (
    RECORD_RESPONSE_CTE_SQL,
    stop_deferring_responses,
    write_responses,
    write_responses_at_commit,
)

# The idempotent response and the outbox rows of a call in one statement (one round trip).
_RECORD_RESPONSE_AND_APPEND_EVENTS: Final = DirectStatement(
    f"WITH {RECORD_RESPONSE_CTE_SQL} {OUTBOX_INSERT_UNNEST_SQL}"
)


class UnitOfWork:
    """``async with UnitOfWork(engine) as uow: …; await uow.commit()``.

    Leaving the block without ``commit()`` (or with an exception) rolls everything back.
    Repositories use ``uow.connection``.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._transaction: AsyncTransaction | None = None
        self._events: list[DomainEventRecord] = []
        # Idempotent responses recorded on this connection, written at commit (idempotency.py).
        self._responses: list[tuple[str, bytes]] = []
        self.committed = False

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("unit of work used outside its 'async with' block")
        return self._connection

    async def __aenter__(self) -> UnitOfWork:
        self._connection = await self._engine.connect()
        self._transaction = await self._connection.begin()
        write_responses_at_commit(self._connection, self._responses)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._transaction is not None and self._transaction.is_active:
                await self._transaction.rollback()
        finally:
            if self._connection is not None:
                stop_deferring_responses(self._connection)
                await self._connection.close()
            self._connection = None
            self._transaction = None
            self._responses.clear()

    def record_event(self, payload: Message, ordering_key: str) -> None:
        """Queue a domain event; it reaches the outbox only if this unit of work commits."""
        self._events.append(DomainEventRecord(payload=payload, ordering_key=ordering_key))

    async def commit(self) -> None:
        """Write the idempotent responses and the queued events and commit the transaction."""
        if self._transaction is None:
            raise RuntimeError("unit of work used outside its 'async with' block")
        conn = self.connection
        if self._responses and self._events:
            *others, (request_id, response) = self._responses
            await write_responses(conn, others)
            await _RECORD_RESPONSE_AND_APPEND_EVENTS.execute(
                conn, {"key": request_id, "response": response, **event_arrays(self._events)}
            )
        else:
            await write_responses(conn, self._responses)
            await append_events(conn, self._events)
        self._responses.clear()
        self._events.clear()
        await self._transaction.commit()
        self.committed = True
