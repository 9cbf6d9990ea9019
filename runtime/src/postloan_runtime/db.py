"""Database plumbing shared by every service: engines built at start-up, the tables every
service has (outbox, event feed, inbox, consumer positions, idempotency keys), and the
unit-of-work base that owns the transaction.

Each service declares its own tables on its own ``MetaData`` and calls
:func:`add_runtime_tables` so Alembic sees one schema per service.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Final, TypeVar

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.event import listen
from sqlalchemy.exc import DBAPIError, InvalidatePoolError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only

from postloan_runtime.config import async_database_url
from postloan_runtime.errors import Aborted

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    """A service's MetaData with the shared naming convention and the runtime tables."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    add_runtime_tables(metadata)
    return metadata


def add_runtime_tables(metadata: MetaData) -> None:
    """Declare the tables the shared runtime needs in every service's database."""
    Table(
        "outbox",
        metadata,
        # Write order inside the producing service; the relay moves rows to event_feed.
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("event_type", String(200), nullable=False),
        Column("ordering_key", String(200), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("trace_context", JSONB, nullable=False, server_default="{}"),
        Column("occurred_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    Table(
        "event_feed",
        metadata,
        # Gap-free, assigned by the single relay in commit order (see outbox.py).
        Column("position", BigInteger, primary_key=True, autoincrement=False),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("event_type", String(200), nullable=False),
        Column("ordering_key", String(200), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("trace_context", JSONB, nullable=False, server_default="{}"),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("appended_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    Table(
        "inbox",
        metadata,
        # One row per applied event: a redelivered event is recognised and skipped.
        Column("event_id", UUID(as_uuid=True), primary_key=True),
        Column("producer", String(64), nullable=False),
        Column("position", BigInteger, nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    Table(
        "consumer_positions",
        metadata,
        # Last applied feed position per producer, written with the effect it records.
        Column("producer", String(64), primary_key=True),
        Column("position", BigInteger, nullable=False),
        Column("head_position", BigInteger, nullable=False, server_default="0"),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    Table(
        "idempotency_keys",
        metadata,
        # AIP-155: one row per request_id, written in the transaction of the effect it
        # guards (see idempotency.py). Exactly one of response / error is set once done.
        Column("request_id", String(100), primary_key=True),
        Column("method", String(200), nullable=False),
        Column("request_hash", String(64), nullable=False),  # SHA-256 hex of the request
        Column("response", LargeBinary, nullable=True),  # serialized response message
        Column("error", JSONB, nullable=True),  # a stored refusal (DomainError.to_dict())
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("expires_at", DateTime(timezone=True), nullable=False),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )
    Table(
        "service_notes",
        metadata,
        # Small key/value facts about this database (e.g. schema owner); never personal data.
        Column("key", String(100), primary_key=True),
        Column("value", Text, nullable=False),
    )


# Connections older than this are replaced at checkout (seconds): bounds server-side state.
POOL_RECYCLE_SECONDS = 1800
# A connection checked in less than this long ago is handed out again without a ping
# (seconds; HikariCP's aliveBypassWindowMs, 500 ms there). Under load almost every checkout
# falls in the window and is spared a round trip; a connection the database dropped within it
# fails its first statement instead, which answers UNAVAILABLE (see is_connection_lost) and a
# retry with the same request_id is safe. An idle pool is still pinged on its next use.
PING_BYPASS_SECONDS = 0.5
_FRESH = "postloan_fresh"
_CHECKED_IN_AT = "postloan_checked_in_at"


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """Build the service's async engine (asyncpg). Called at start-up, never at import.

    A pooled connection idle for :data:`PING_BYPASS_SECONDS` or more is pinged at checkout, as
    ``pool_pre_ping`` does (a connection the database dropped is replaced and the whole pool
    invalidated, so callers never see it) — but with one round trip (``SELECT 1``,
    simple-query protocol: no prepare/bind on our side) instead of the asyncpg dialect's three
    (BEGIN, ``;``, ROLLBACK: meant for pgbouncer transaction mode, which we don't use)."""
    engine = create_async_engine(
        async_database_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=POOL_RECYCLE_SECONDS,
        echo=echo,
        # A statement error's text names the statement, never the values bound to it (they can
        # be personal data), wherever it ends up: a log line, a span status, a test report.
        hide_parameters=True,
    )
    listen(engine.sync_engine.pool, "connect", _mark_fresh)
    listen(engine.sync_engine.pool, "checkin", _mark_checked_in)
    listen(engine.sync_engine.pool, "checkout", _ping_on_checkout)
    return engine


def _mark_fresh(dbapi_connection: Any, connection_record: Any) -> None:
    connection_record.info[_FRESH] = True


def _mark_checked_in(dbapi_connection: Any, connection_record: Any) -> None:
    connection_record.info[_CHECKED_IN_AT] = time.monotonic()


def needs_ping(record_info: dict[str, Any], now: float) -> bool:
    """Whether a connection with this pool-record ``info`` is pinged at checkout at ``now``
    (``time.monotonic()``): not when just connected, nor when checked in within the bypass
    window."""
    if record_info.pop(_FRESH, False):
        return False
    checked_in_at = record_info.get(_CHECKED_IN_AT)
    return checked_in_at is None or now - checked_in_at >= PING_BYPASS_SECONDS


def _ping_on_checkout(dbapi_connection: Any, connection_record: Any, proxy: Any) -> None:
    """Pessimistic disconnect handling in one round trip (runs inside the engine's greenlet)."""
    if not needs_ping(connection_record.info, time.monotonic()):
        return
    try:
        await_only(dbapi_connection.driver_connection.execute("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure: replace it, like pool_pre_ping
        raise InvalidatePoolError(f"connection failed its ping: {type(exc).__name__}") from exc


def is_connection_lost(exc: BaseException) -> bool:
    """True when ``exc`` (or anything it caused) says the database connection broke under a
    statement: SQLAlchemy invalidated it, the transaction is gone, and a retry with the same
    request_id is safe (idempotency keys are written in the effect's transaction)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, DBAPIError):
            return bool(seen.connection_invalidated)
        seen = seen.__cause__ or seen.__context__
    return False


T = TypeVar("T")

# SQLSTATEs of a transaction PostgreSQL rolled back because of a concurrent one: the whole
# transaction (request_id claim included) is gone, so the same request can simply be retried.
TRANSACTION_CONFLICT_SQLSTATES: Final = frozenset({
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
})


def is_transaction_conflict(exc: BaseException) -> bool:
    """True when ``exc`` (a SQLAlchemy DBAPIError, or anything it caused) says the database
    aborted the transaction for a concurrent one (deadlock, serialization failure)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, DBAPIError):
            return getattr(seen.orig, "sqlstate", None) in TRANSACTION_CONFLICT_SQLSTATES
        seen = seen.__cause__ or seen.__context__
    return False


async def retry_transaction_conflicts(
    transaction: Callable[[], Awaitable[T]],
    *,
    attempts: int = 3,
    also_conflict: Callable[[Exception], bool] | None = None,
) -> T:
    """Run ``transaction`` (a whole unit of work: it opens, does and commits its own
    transaction) again when the database aborts it for a concurrent one, up to ``attempts``
    times with a short random back-off; for bulk operations that cross the event consumers'
    row locks. The last conflict propagates (and answers ABORTED).

    ``also_conflict`` names other errors that are conflicts for this transaction (a number a
    concurrent writer took first, say): retried alike, the last one raised as ``Aborted``."""
    for attempt in range(1, attempts + 1):
        try:
            return await transaction()
        except Exception as exc:
            other = also_conflict is not None and also_conflict(exc)
            if not (other or is_transaction_conflict(exc)):
                raise
            if attempt == attempts:
                if other:
                    raise Aborted("the data changed concurrently; retry") from exc
                raise
            await asyncio.sleep(random.uniform(0.0, 0.05 * 2**attempt))  # noqa: S311 - jitter
    raise AssertionError("unreachable")  # pragma: no cover


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside one transaction: committed on success, rolled back on any error."""
    async with engine.begin() as conn:
        yield conn


@asynccontextmanager
async def single_statement_reads(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in autocommit for reads that are one statement each: a single statement
    sees one snapshot either way, and this spares the BEGIN and ROLLBACK round trips around it.
    (Several reads that must agree with each other need :func:`transaction` instead.)"""
    async with engine.connect() as conn:
        yield await conn.execution_options(isolation_level="AUTOCOMMIT")


async def database_answers(engine: AsyncEngine, timeout: float = 2.0) -> bool:
    """True when the database answers ``SELECT 1`` within ``timeout`` seconds."""
    import asyncio

    from sqlalchemy import text

    async def ping() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(ping(), timeout)
    except Exception:  # noqa: BLE001 - any failure means "not serving"
        return False
    return True
