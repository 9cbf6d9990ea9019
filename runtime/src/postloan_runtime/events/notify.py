"""Wake-ups from PostgreSQL ``LISTEN``/``NOTIFY`` with polling as the safety net.

One listening connection per process fans a notification out to every waiter. If the listener
cannot connect (or loses its connection) waiters simply time out after their poll interval, so
a lost notification only costs latency, never an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)


class NotificationWakeup:
    """Waiters block in :meth:`wait` until ``channel`` is notified or their timeout passes."""

    def __init__(self, engine: AsyncEngine, channel: str) -> None:
        self._engine = engine
        self._channel = channel
        self._event = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._listen())

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def token(self) -> asyncio.Event:
        """Take before checking for new rows, then pass to :meth:`wait`: a notification that
        arrives between the check and the wait is not missed."""
        return self._event

    async def wait(self, token: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(token.wait(), seconds)

    def _notify(self, *_: Any) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def _listen(self) -> None:
        while True:
            try:
                async with self._engine.connect() as conn:
                    raw = await conn.get_raw_connection()
                    driver: Any = raw.driver_connection  # asyncpg.Connection
                    lost = asyncio.Event()

                    def on_lost(*_: Any, lost: asyncio.Event = lost) -> None:
                        lost.set()

                    driver.add_termination_listener(on_lost)
                    await driver.add_listener(self._channel, self._notify)
                    try:
                        while not lost.is_set() and not driver.is_closed():
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(lost.wait(), 5.0)
                    finally:
                        # Never hand a LISTENing connection back to the pool.
                        await conn.invalidate()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("LISTEN %s failed; polling until it is back", self._channel)
            await asyncio.sleep(1.0)
