"""Read-only SQL on the services' own databases of a running suite, and the check that every
event of every feed has been applied exactly once by each of its consumers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from postloan_runtime.config import kebab_name
from postloan_runtime.db import create_engine
from postloan_runtime.suite import Suite

# Feeds each consumer must read (docs/lifecycle.md): consumer package -> producer packages.
# The check reads the actual pairs from each service's consumer_positions; these must be there.
EXPECTED_CONSUMERS = {
    "monitoring": ("credit_inquiry", "restructuring"),
    "collection": ("monitoring", "restructuring", "credit_inquiry"),
    "restructuring": ("monitoring",),
}


class Databases:
    """Read-only SQL on each service's own database."""

    def __init__(self, suite: Suite) -> None:
        self.engines = {p: create_engine(s.database_url, pool_size=2)
                        for p, s in suite.services.items()}

    async def rows(self, package: str, sql: str, **params: Any) -> list[Any]:
        async with self.engines[package].connect() as conn:
            return list((await conn.execute(text(sql), params)).all())

    async def scalar(self, package: str, sql: str, **params: Any) -> Any:
        return (await self.rows(package, sql, **params))[0][0]

    async def close(self) -> None:
        for engine in self.engines.values():
            await engine.dispose()


async def consumed_feeds(db: Databases) -> dict[str, list[str]]:
    """consumer package -> the producer packages it keeps a position for."""
    package_of = {kebab_name(p): p for p in db.engines}
    return {consumer: sorted(package_of[r.producer] for r in await db.rows(
        consumer, "SELECT producer FROM consumer_positions"))
        for consumer in db.engines}


async def feed_problems(db: Databases) -> list[str]:
    """Every way the feeds and the consumers disagree right now: events not yet relayed, a
    feed with a gap, a consumer behind its producer's head or whose inbox does not hold exactly
    the feed's events at the feed's positions. Empty once everything has caught up."""
    problems: list[str] = []
    consumers = await consumed_feeds(db)
    for consumer, producers in EXPECTED_CONSUMERS.items():
        missing = set(producers) - set(consumers[consumer])
        if missing:
            problems.append(f"{consumer} has no position for {sorted(missing)}")
    feeds: dict[str, dict[int, str]] = {}
    for producer in sorted({p for ps in consumers.values() for p in ps}):
        waiting = await db.scalar(producer, "SELECT count(*) FROM outbox")
        if waiting:
            problems.append(f"{producer}: {waiting} events not relayed yet")
        feed = {r.position: str(r.event_id) for r in await db.rows(
            producer, "SELECT position, event_id FROM event_feed")}
        if feed and sorted(feed) != list(range(1, max(feed) + 1)):
            problems.append(f"{producer}: feed positions have gaps")
        feeds[producer] = feed
    for consumer, producers in consumers.items():
        for producer in producers:
            key = kebab_name(producer)
            feed = feeds[producer]
            position = await db.scalar(consumer, "SELECT position FROM consumer_positions "
                                       "WHERE producer = :p", p=key)
            if position != len(feed):
                problems.append(f"{consumer} at {position} of {key}'s {len(feed)} events")
            inbox = {r.position: str(r.event_id) for r in await db.rows(
                consumer, "SELECT position, event_id FROM inbox WHERE producer = :p", p=key)}
            if inbox != {k: v for k, v in feed.items() if k <= position}:
                problems.append(f"{consumer}'s inbox differs from {key}'s feed up to "
                                f"{position}: {len(inbox)} rows")
    return problems
