"""The relay: moves committed events from ``outbox`` to ``event_feed`` in commit order, giving
each a gap-free position.

Why a relay instead of positions assigned by producers: a sequence hands out numbers at insert
time, but transactions commit in a different order, so a reader could see position 8 before a
slow transaction commits 7 and skip it for ever. Only the relay writes ``event_feed``, one batch
per transaction, under a transaction-scoped advisory lock (a second relay simply skips its turn),
and commits before it starts the next batch, so positions become visible strictly in order.

SIGKILL at any point is harmless: the move is one statement in one transaction, so a batch is
either on the feed and gone from the outbox, or still in the outbox.

Run it as a worker of a service (:func:`relay_worker`) or on its own::

    python -m postloan_runtime.events.relay --database-url postgresql://…/monitoring
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan_runtime import event_loop
from postloan_runtime.events.tables import FEED_CHANNEL

if TYPE_CHECKING:
    from postloan_runtime.app import RunningService

log = logging.getLogger(__name__)

# Advisory lock key shared by every relay of one database ("postloan" in ASCII).
RELAY_LOCK_KEY = 0x706F73746C6F616E
DEFAULT_BATCH_SIZE = 500
DEFAULT_POLL_INTERVAL = 0.1  # seconds between polls when the outbox is empty

_MOVE_BATCH = text(
    """
    WITH batch AS (
        SELECT id FROM outbox ORDER BY id LIMIT :batch_size FOR UPDATE
    ), moved AS (
        DELETE FROM outbox o USING batch WHERE o.id = batch.id
        RETURNING o.id, o.event_id, o.event_type, o.ordering_key, o.payload,
                  o.trace_context, o.occurred_at
    ), head AS (
        SELECT coalesce(max(position), 0) AS position FROM event_feed
    )
    INSERT INTO event_feed
        (position, event_id, event_type, ordering_key, payload, trace_context, occurred_at)
    SELECT head.position + row_number() OVER (ORDER BY moved.id),
           moved.event_id, moved.event_type, moved.ordering_key, moved.payload,
           moved.trace_context, moved.occurred_at
    FROM moved CROSS JOIN head
    RETURNING position
    """
)


async def relay_once(engine: AsyncEngine, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Move up to ``batch_size`` outbox rows to the feed in one transaction.

    Returns how many rows moved (0 when the outbox is empty or another relay holds the lock).
    """
    async with engine.begin() as conn:
        locked = await conn.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": RELAY_LOCK_KEY}
        )
        if not locked:
            return 0
        positions = (await conn.scalars(_MOVE_BATCH, {"batch_size": batch_size})).all()
        if positions:
            # Delivered on commit: wakes feed servers that LISTEN instead of waiting a poll.
            await conn.execute(
                text("SELECT pg_notify(:channel, :head)"),
                {"channel": FEED_CHANNEL, "head": str(max(positions))},
            )
        return len(positions)


async def run_relay(
    engine: AsyncEngine,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    poll_interval: float = DEFAULT_POLL_INTERVAL,
    stop: asyncio.Event | None = None,
) -> None:
    """Relay until ``stop`` is set (or the task is cancelled); survives database outages."""
    stop = stop or asyncio.Event()
    failures = 0
    while not stop.is_set():
        try:
            moved = await relay_once(engine, batch_size)
            failures = 0
        except (asyncio.CancelledError, KeyboardInterrupt):
            raise
        except Exception:
            failures += 1
            log.exception("event relay failed; retrying", extra={"failures": failures})
            moved = 0
        if moved >= batch_size:
            continue  # more waiting: keep going without sleeping
        delay = poll_interval if failures == 0 else min(5.0, poll_interval * 2**failures)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)


async def relay_worker(running: RunningService) -> None:
    """``ServiceApp.workers`` entry: relay the service's own outbox until shutdown."""
    await run_relay(running.engine)


async def _main(args: argparse.Namespace) -> None:
    from postloan_runtime.db import create_engine

    engine = create_engine(args.database_url, pool_size=2)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info("event relay started")
    try:
        await run_relay(
            engine, batch_size=args.batch_size, poll_interval=args.poll_interval, stop=stop
        )
    finally:
        await engine.dispose()
        log.info("event relay stopped")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m postloan_runtime.events.relay",
        description="Move committed outbox rows to the service's event feed.",
    )
    parser.add_argument("--database-url", required=True, help="the service's own database")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument(
        "--poll-interval", type=float, default=DEFAULT_POLL_INTERVAL, help="seconds"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    event_loop.run(_main(args))


if __name__ == "__main__":
    main()
